"""Body dates that follow from dated change events in the curated register.

A dated Establishment (or Merger) that results in a body dates its start; a dated
Abolition, Closure (or Merger) that affects it dates its end. The loader writes these as
``gg:startDate`` / ``gg:endDate`` on the body, so that every layer that views the landscape
at a date (organisation lists, maps, snapshots) reads one fact instead of reconciling
events itself. A date stated on the body and one from an event must agree: both are
cited facts, and silently preferring one would hide a mistake in the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govgraph.graph.core.text import short_repr
from govgraph.loaders.curated_records import Entity, Event
from govgraph.loaders.curated_yaml import Date, Record
from govgraph.ontology.terms import GG

STARTS = {GG.Establishment, GG.Merger}
"""Event kinds whose ``results_in`` bodies begin on the event's date."""
ENDS = {GG.Abolition, GG.Closure, GG.Merger}
"""Event kinds whose ``affects`` bodies end on the event's date."""


@dataclass(frozen=True)
class _Origin:
    """Where a body's date was stated, for error messages."""

    file: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.what} in {self.file.name} line {self.line}"


def _agree(a: Date, b: Date) -> bool:
    """Dates of different precision agree when the periods they may mean overlap."""
    return not (a.latest < b.earliest or b.latest < a.earliest)


def _narrower(a: Date, b: Date) -> Date:
    return b if (b.latest - b.earliest) < (a.latest - a.earliest) else a


class EventDates:
    """Collects the dates bodies state, then applies each dated event to them."""

    def __init__(self) -> None:
        self._origins: dict[tuple[str, str], _Origin] = {}

    def entity(self, record: Record, e: Entity) -> None:
        """Remember where ``e``'s own start and end are written."""
        for name, value in (("start", e.start), ("end", e.end)):
            if value is not None:
                line = record.where(name)[0]
                self._origins[(e.id, name)] = _Origin(record.file, line, f"its {name}")

    def event(self, record: Record, ev: Event, entities: dict[str, Entity]) -> None:
        """Date the bodies ``ev`` starts or ends; SourceError at the event's ``date`` when a
        body already has a date that disagrees, or the new date puts its end before its start."""
        if ev.date is None:
            return
        merger = ev.kind == GG.Merger
        if ev.kind in STARTS:
            for ident in ev.results_in:
                if not (merger and ident in ev.affects):  # a body a merger keeps goes on
                    self._apply(record, ev, entities[ident], "start")
        if ev.kind in ENDS:
            for ident in ev.affects:
                if not (merger and ident in ev.results_in):
                    self._apply(record, ev, entities[ident], "end")

    def _apply(self, record: Record, ev: Event, e: Entity, name: str) -> None:
        assert ev.date is not None
        kind = str(ev.kind).rsplit("#", 1)[-1]
        current: Date | None = getattr(e, name)
        origin = self._origins.get((e.id, name))
        if current is not None and not _agree(current, ev.date):
            where = str(origin) if origin else f"its {name}"
            raise record.error(
                "date",
                f"{kind} event {short_repr(ev.id)} dates the {name} of {short_repr(e.id)} "
                f"{ev.date.text}, but "
                f"{where} says {current.text}: the two must agree (fix one of them)",
            )
        value = ev.date if current is None else _narrower(current, ev.date)
        start, end = (value, e.end) if name == "start" else (e.start, value)
        if start is not None and end is not None and end.latest < start.earliest:
            raise record.error(
                "date",
                f"{kind} event {short_repr(ev.id)} would give {short_repr(e.id)} an end "
                f"({end.text}) before its "
                f"start ({start.text})",
            )
        setattr(e, name, value)
        if value is ev.date:
            line = record.where("date")[0]
            self._origins[(e.id, name)] = _Origin(
                record.file, line, f"{kind} event {short_repr(ev.id)}"
            )


__all__ = ["ENDS", "STARTS", "EventDates"]
