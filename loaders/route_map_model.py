"""Route maps as plain data, checked row by row before a single triple is made.

:func:`parse_route_maps` turns the tables of :mod:`~govgraph.loaders.route_map_tables`
into a :class:`RouteMapBook`: ids are unique, every reference points at a row that exists
(else "did you mean"), dates go through the one date parser at the precision given, bodies
resolve through the landscape's resolver, and dependencies form no cycle. Any problem is a
SourceError at the cell, so nothing is stored.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rdflib import URIRef

from govgraph.graph.core.dates import parse_date
from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.ids import is_slug
from govgraph.graph.core.text import short_repr
from govgraph.loaders.plan import resolve_lead
from govgraph.loaders.resolve import Resolver
from govgraph.loaders.route_map_tables import Cell, TableRow, Tables
from govgraph.ontology.terms import GG, entity

TIERS = {"lead": GG.LeadTier, "supporting": GG.SupportingTier}
STATUSES = {
    "not-started": GG.NotStarted,
    "on-track": GG.OnTrack,
    "at-risk": GG.AtRisk,
    "delayed": GG.Delayed,
    "achieved": GG.Achieved,
}
POSITION_KINDS = ("start", "destination")


@dataclass(frozen=True)
class Cite:
    document: str
    locator: str


@dataclass
class Responsible:
    body: URIRef
    tier: URIRef
    cite: Cite


@dataclass
class Status:
    status: URIRef
    date: str
    cite: Cite


@dataclass
class Item:
    """A commitment or a milestone."""

    id: str
    iri: URIRef
    route_map: str
    kind: URIRef
    """gg:Commitment or gg:Milestone."""
    text: str
    cite: Cite
    due: str | None = None
    due_as_written: str = ""
    commitment: str | None = None
    """A milestone's commitment (its id), when the route map says."""
    responsible: list[Responsible] = field(default_factory=list)
    depends_on: list[tuple[str, Cite]] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)


@dataclass
class Position:
    kind: str
    text: str
    date: str | None
    cite: Cite


@dataclass
class Indicator:
    measure: str
    cite: Cite
    commitment: str | None = None
    measured_by: URIRef | None = None
    published_in: str = ""


@dataclass
class RouteMap:
    id: str
    theme: str
    name: str
    cite: Cite
    example: bool = False
    positions: list[Position] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def iri(self) -> URIRef:
        return entity(f"route-map/{self.id}")


@dataclass
class RouteMapBook:
    maps: dict[str, RouteMap]
    items: dict[str, Item]


Unresolved = Callable[[Cell], None]


def _cite(row: TableRow) -> Cite:
    return Cite(row.need("document").value, row.need("locator").value)


def _id(cell: Cell) -> str:
    if not is_slug(cell.value):
        raise cell.fail(
            f"{short_repr(cell.value)} is not an id: use lower-case letters, digits and "
            "hyphens, e.g. 'data-map-2022'"
        )
    return cell.value


def _ref(cell: Cell, known: Mapping[str, object], what: str) -> str:
    if cell.value in known:
        return cell.value
    near = difflib.get_close_matches(cell.value, list(known), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
    raise cell.fail(f"no {what} with id {short_repr(cell.value)}{hint}")


def _date(cell: Cell) -> str:
    try:
        return parse_date(cell.value).text
    except ValueError as exc:
        raise cell.fail(str(exc)) from None


def _choice(cell: Cell, options: Mapping[str, URIRef], what: str) -> URIRef:
    key = re.sub(r"[\s_]+", "-", cell.value.strip().lower())
    if key not in options:
        raise cell.fail(
            f"{short_repr(cell.value)} is not a {what}: use one of {', '.join(options)}"
        )
    return options[key]


def resolve_body(resolver: Resolver, name: str, pinned: str = "") -> URIRef | None:
    """A body named as written, else without its bracketed abbreviation, else by it;
    ``pinned`` (an entity id) wins where a name alone is ambiguous."""
    if pinned:
        iri = entity(pinned)
        return iri if iri in resolver else None
    return resolve_lead(resolver, name)


def _body(cell: Cell, resolver: Resolver, pinned: Cell | None = None) -> URIRef:
    found = resolve_body(resolver, cell.value, pinned.value if pinned else "")
    if found is not None:
        return found
    if pinned is not None and pinned.value:
        raise pinned.fail(f"no body with id {short_repr(pinned.value)}")
    near = resolver.closest(cell.value)
    hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
    raise cell.fail(f"no body in the landscape is called {short_repr(cell.value)}{hint}")


def parse_route_maps(
    tables: Tables,
    resolver: Resolver,
    *,
    iris: Mapping[str, URIRef] | None = None,
    unresolved: Unresolved | None = None,
) -> RouteMapBook:
    """The checked route maps. ``iris`` gives items an existing IRI (Plan 21-24's own
    commitments and milestones); ``unresolved`` collects unknown bodies instead of failing
    (the curated plan, whose unresolved leads the load report lists)."""
    iris = iris or {}
    maps: dict[str, RouteMap] = {}
    for row in tables.get("route_maps", []):
        cell = row.need("id")
        if _id(cell) in maps:
            raise cell.fail(f"route map {cell.value!r} is given twice")
        example = row.text("example").lower()
        if example not in ("", "true", "false", "yes", "no"):
            raise row["example"].fail("expected true or false")
        maps[cell.value] = RouteMap(
            cell.value,
            row.need("theme").value,
            row.need("name").value,
            _cite(row),
            example=example in ("true", "yes"),
        )
    if not maps:
        raise SourceError("the route_maps table has no rows", field="route_maps")
    for row in tables.get("positions", []):
        rm = maps[_ref(row.need("route_map"), maps, "route map")]
        kind = row.need("kind")
        if kind.value not in POSITION_KINDS:
            raise kind.fail(f"expected one of {', '.join(POSITION_KINDS)}")
        date = _date(row["date"]) if row.text("date") else None
        rm.positions.append(Position(kind.value, row.need("text").value, date, _cite(row)))
    items: dict[str, Item] = {}
    for table, item_kind in (("commitments", GG.Commitment), ("milestones", GG.Milestone)):
        for row in tables.get(table, []):
            cell = row.need("id")
            if _id(cell) in items:
                raise cell.fail(f"id {cell.value!r} is used twice (ids name one row)")
            map_id = _ref(row.need("route_map"), maps, "route map")
            item = Item(
                cell.value,
                iris.get(cell.value, entity(f"route-map/{map_id}/{cell.value}")),
                map_id,
                item_kind,
                row.need("text").value,
                _cite(row),
            )
            if item_kind == GG.Milestone:
                item.due = _date(row["due"]) if row.text("due") else None
                item.due_as_written = row.text("due_as_written")
                if row.text("commitment"):
                    commitments = {k: v for k, v in items.items() if v.kind == GG.Commitment}
                    item.commitment = _ref(row["commitment"], commitments, "commitment")
            items[cell.value] = item
    for row in tables.get("responsibilities", []):
        item = items[_ref(row.need("item"), items, "commitment or milestone")]
        tier = _choice(row.need("tier"), TIERS, "responsibility tier")
        name = row.need("body")
        pinned = row["body_id"]
        if unresolved is not None and resolve_body(resolver, name.value, pinned.value) is None:
            unresolved(name)
            continue
        body = _body(name, resolver, pinned)
        item.responsible.append(Responsible(body, tier, _cite(row)))
    for row in tables.get("dependencies", []):
        item = items[_ref(row.need("item"), items, "commitment or milestone")]
        other = row.need("depends_on")
        target = _ref(other, items, "commitment or milestone")
        if target == item.id:
            raise other.fail(f"{item.id!r} cannot depend on itself")
        item.depends_on.append((target, _cite(row)))
        cycle = _cycle_through(items, item.id)
        if cycle:
            raise other.fail("this dependency closes a cycle: " + " -> ".join(cycle))
    for row in tables.get("statuses", []):
        item = items[_ref(row.need("item"), items, "commitment or milestone")]
        status = _choice(row.need("status"), STATUSES, "status")
        item.statuses.append(Status(status, _date(row.need("date")), _cite(row)))
    for row in tables.get("indicators", []):
        rm = maps[_ref(row.need("route_map"), maps, "route map")]
        commitments = {k: v for k, v in items.items() if v.kind == GG.Commitment}
        indicator = Indicator(row.need("measure").value, _cite(row))
        if row.text("commitment"):
            indicator.commitment = _ref(row["commitment"], commitments, "commitment")
        if row.text("measured_by"):
            indicator.measured_by = _body(row["measured_by"], resolver)
        indicator.published_in = row.text("published_in")
        rm.indicators.append(indicator)
    return RouteMapBook(maps, items)


def _cycle_through(items: Mapping[str, Item], start: str) -> list[str] | None:
    """A dependency path from ``start`` back to itself, if the dependencies now hold one."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for target, _ in items[node].depends_on:
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None
