"""Reporting responsibilities: who reports to whom, about what, how often, on what basis.

Built from the stated reportsTo / scrutinisedBy / directs / holdsToAccount / accountableTo
lines (and their inverses), each read as *reporter -> receiver*; what a line carries is its
note, how often is the documents' own word for it in that note ("at least annually",
"biannually"), and the basis is its statutory basis or, failing one, the citation. Two
flags: a body reporting to several bodies (the same kind of line to each), and, from the
overlap analysis, bodies with no stated line at all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from govgraph.graph.facts.entities import entity_id, get_sources
from govgraph.graph.facts.records import SourceRef
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG

KINDS = (
    GG.reportsTo,
    GG.receivesReportsFrom,
    GG.scrutinisedBy,
    GG.scrutinises,
    GG.directs,
    GG.directedBy,
    GG.holdsToAccount,
    GG.accountableTo,
)
"""The stated kinds read as reporting lines (each with its inverse)."""

FREQUENCIES = (
    (r"\bat least annually\b", "at least annually"),
    (r"\bbi-?annual(ly)?\b|\btwice a year\b|\bevery six months\b", "biannually"),
    (r"\bquarterly\b|\bevery three months\b", "quarterly"),
    (r"\bmonthly\b|\bevery month\b", "monthly"),
    (r"\bannual(ly)?\b|\beach (reporting )?year\b|\bevery year\b|\byearly\b", "annually"),
    (r"\bevery (two|three|four|five) years\b", None),
)
"""The documents' words for how often, most specific first (None: the words themselves)."""


def frequency(text: str | None) -> str | None:
    """How often a line's note says it reports, in the documents' words; None if unsaid."""
    if not text:
        return None
    lowered = text.lower()
    for pattern, word in FREQUENCIES:
        m = re.search(pattern, lowered)
        if m:
            return word or m.group(0)
    return None


@dataclass
class ReportingLine:
    reporter: str
    reporter_name: str
    receiver: str
    receiver_name: str
    kind: str
    """The line read upwards, as the ontology labels it ("reports to", "scrutinised by")."""
    about: str
    frequency: str | None
    basis: str | None
    start: str | None
    end: str | None
    sources: list[SourceRef] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reporter": {"id": entity_id(self.reporter), "name": self.reporter_name},
            "receiver": {"id": entity_id(self.receiver), "name": self.receiver_name},
            "kind": self.kind,
            "about": self.about,
            "frequency": self.frequency,
            "basis": self.basis,
            "start": self.start,
            "end": self.end,
            "sources": [
                {"title": s.title, "locator": s.locator, "url": s.url} for s in self.sources
            ],
            "flags": self.flags,
        }


def reporting_lines(store: Store, body: URIRef | None = None) -> list[ReportingLine]:
    """Every reporting line (only those ``body`` gives or receives, if given), reporters in
    name order; a reporter with lines of one kind to several bodies is flagged."""
    out: list[ReportingLine] = []
    rels: list[URIRef] = []
    for row in store.select(query("reporting_lines"), {"kinds": list(KINDS)}):
        direction = ontology.accountability_direction(URIRef(str(row["p"])))
        if direction is None:
            continue
        kind, flip = direction
        s, o = str(row["s"]), str(row["o"])
        sname = str(row.get("sname") or entity_id(s))
        oname = str(row.get("oname") or entity_id(o))
        lower, lname, upper, uname = (o, oname, s, sname) if flip else (s, sname, o, oname)
        note = str(row["note"]) if row.get("note") else ""
        out.append(
            ReportingLine(
                lower,
                lname,
                upper,
                uname,
                ontology.label(kind),
                note,
                frequency(note),
                str(row["basis"]) if row.get("basis") else None,
                str(row["start"]) if row.get("start") else None,
                str(row["end"]) if row.get("end") else None,
            )
        )
        rels.append(URIRef(str(row["rel"])))
    sources = get_sources(store, rels)
    for line, rel in zip(out, rels, strict=True):
        line.sources = sources.get(rel, [])
    _flag(out)
    if body is not None:
        out = [ln for ln in out if URIRef(ln.reporter) == body or URIRef(ln.receiver) == body]
    merged: dict[tuple[str, str, str], ReportingLine] = {}
    for ln in out:  # one line stated both ways round is one line
        key = (ln.reporter, ln.receiver, ln.kind)
        if key in merged:
            kept = merged[key]
            kept.sources = sorted(set(kept.sources) | set(ln.sources), key=_source_key)
            kept.about = kept.about or ln.about
            kept.frequency = kept.frequency or ln.frequency
            kept.basis = kept.basis or ln.basis
        else:
            merged[key] = ln
    return sorted(merged.values(), key=lambda ln: (ln.reporter_name, ln.receiver_name, ln.kind))


def _source_key(s: SourceRef) -> tuple[str, str]:
    return (s.title, s.locator or "")


def _flag(lines: Iterable[ReportingLine]) -> None:
    by_reporter: dict[tuple[str, str], set[str]] = defaultdict(set)
    lines = list(lines)
    for ln in lines:
        by_reporter[(ln.reporter, ln.kind)].add(ln.receiver)
    for ln in lines:
        n = len(by_reporter[(ln.reporter, ln.kind)])
        if n >= 2 and ln.kind == ontology.label(GG.reportsTo):
            ln.flags.append(f"reports to {n} bodies")
