"""Two or three bodies side by side (``/compare``, GraphQL ``compare``): what an advisor reads
before acting on a recommendation. Each row (type, remit, client groups, members and seats,
accountability, actions led, sources) lists each body's items; an item two or more of the
compared bodies have is *shared*, and shown as such.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from govgraph.graph.core.errors import NotFound, QueryError
from govgraph.graph.facts.entities import entity_id, get_entities, get_sources
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG

MIN_BODIES, MAX_BODIES = 2, 3
ROWS = (
    ("type", "Type"),
    ("remit", "Remit and policy interests"),
    ("clients", "Client groups served"),
    ("members", "Members and seats"),
    ("accountability", "Accountability lines and place"),
    ("functions", "What it does for others"),
    ("actions", "Plan actions led"),
    ("sources", "Sources"),
)
"""The comparison's rows, in order: (key, heading)."""

_REMIT = {str(GG.hasRemitIn): "remit", str(GG.hasInterestIn): "interest"}
_SEATS = {str(GG.memberOf), str(GG.chairs), str(GG.postIn), str(GG.holdsPost)}
_PART_OF = {str(GG.subOrganisationOf), str(GG.hostedBy)}
_FUNCTIONS = {
    str(p): ontology.label(p)
    for p in (GG.advises, GG.supports, GG.administers, GG.commissions, GG.funds, GG.hosts)
}


@dataclass(frozen=True)
class Item:
    """One thing a body has: ``key`` is what is compared (an IRI plus a qualifier)."""

    key: str
    text: str
    href: str | None = None
    shared: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "href": self.href, "shared": self.shared}


@dataclass
class Column:
    id: str
    name: str
    rows: dict[str, list[Item]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class Comparison:
    bodies: tuple[Column, ...]
    shared_counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "bodies": [{"id": c.id, "name": c.name} for c in self.bodies],
            "rows": [
                {
                    "key": key,
                    "heading": heading,
                    "shared": self.shared_counts.get(key, 0),
                    "cells": [[i.to_dict() for i in c.rows.get(key, [])] for c in self.bodies],
                }
                for key, heading in ROWS
            ],
        }


def _path(iri: str) -> str | None:
    slug = entity_id(iri)
    return f"/id/{slug}" if slug != iri else None


def compare(store: Store, iris: list[URIRef]) -> Comparison:
    """The bodies side by side; NotFound names a body the graph does not hold."""
    if not MIN_BODIES <= len(iris) <= MAX_BODIES or len(set(iris)) != len(iris):
        raise QueryError(f"compare {MIN_BODIES} or {MAX_BODIES} different bodies")
    records = get_entities(store, iris)
    columns = []
    for iri in iris:
        rec = records.get(iri)
        if rec is None:
            raise NotFound(f"no entity {iri}")
        col = Column(str(iri), rec.name)
        kind = ontology.label(URIRef(rec.type)) if rec.type else "body"
        col.rows["type"].append(Item(kind, kind))
        columns.append(col)
    by_iri = {c.id: c for c in columns}
    values = {"entity": list(iris)}
    for row in store.select(query("compare_links"), values):
        _place(by_iri[str(row["e"])], str(row["p"]), str(row["o"]), str(row["dir"]), row)
    for iri, refs in get_sources(store, iris).items():
        for ref in refs:
            text = ref.title + (f", {ref.locator}" if ref.locator else "")
            by_iri[str(iri)].rows["sources"].append(Item(text, text, ref.url))
    counts: dict[str, int] = {}
    for key, _ in ROWS:
        held = Counter(k for c in columns for k in {i.key for i in c.rows.get(key, [])})
        common = {k for k, n in held.items() if n >= 2}
        counts[key] = len(common)
        for c in columns:
            items = sorted(
                {i.key: i for i in c.rows.get(key, [])}.values(),
                key=lambda i: (i.key not in common, i.text.lower()),
            )
            c.rows[key] = [Item(i.key, i.text, i.href, i.key in common) for i in items]
    return Comparison(tuple(columns), counts)


def _place(col: Column, p: str, o: str, direction: str, row: Any) -> None:
    name = str(row.get("name") or o.rsplit("/", 1)[-1])
    href = _path(o)
    out = direction == "out"
    if p in _REMIT and out:
        col.rows["remit"].append(Item(o, f"{name} ({_REMIT[p]})", href))
    elif p == str(GG.servesClientGroup) and out:
        col.rows["clients"].append(Item(o, name, href))
    elif p in _SEATS:
        verb = ontology.label(URIRef(p))
        text = f"{verb} {name}" if out else f"{name} ({verb})"
        col.rows["members"].append(Item(f"{direction} {o}", text, href))
    elif p == str(GG.leadOrganisation) and not out:
        col.rows["actions"].append(Item(o, name, href))
    elif p in _PART_OF and out:
        col.rows["accountability"].append(Item(f"part {o}", f"part of {name}", href))
    elif p in _FUNCTIONS and out:
        col.rows["functions"].append(Item(f"{p} {o}", f"{_FUNCTIONS[p]} {name}", href))
    else:
        direction_of = ontology.accountability_direction(URIRef(p))
        if direction_of is None:
            return
        kind, flip = direction_of
        upward = out != flip  # the body is the lower end: it answers to o
        verb = ontology.label(kind)
        text = f"{verb} {name}" if upward else f"{name} ({verb} it)"
        col.rows["accountability"].append(Item(f"{upward} {kind} {o}", text, href))
