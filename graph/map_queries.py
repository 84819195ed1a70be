"""The graph-side reads behind the network maps: plain rows, no drawing decisions.

Each function runs one ``map_*.rq`` query and returns small frozen records, so the map
layer (``govgraph.visualisations``) never writes SPARQL and can be tested on records alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from govgraph.graph.queries import query
from govgraph.graph.store import Store

_BATCH = 5000
"""IRIs per VALUES block: keeps each query text well under a megabyte."""


@dataclass
class EntityFacts:
    """What a map shows about one entity."""

    iri: str
    name: str
    types: list[str] = field(default_factory=list)
    """Asserted gg classes (the inferred closure left out)."""
    aliases: list[str] = field(default_factory=list)
    description: str = ""
    start: str | None = None
    end: str | None = None
    sources: list[str] = field(default_factory=list)
    """Titles of the documents its citations name."""


@dataclass
class EdgeFacts:
    """One asserted relationship, with what its reified gg:Relationship adds."""

    subject: str
    kind: str
    object: str
    start: str | None = None
    end: str | None = None
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SourceFacts:
    graph: str
    title: str
    issued: str | None
    loaded: str | None


@dataclass(frozen=True)
class ActionFacts:
    action: str
    priority_area: str
    status: str | None
    """The status of the latest assessment (by date), None when unassessed."""
    assessed: str | None
    leads: tuple[str, ...]


def _batches(iris: Sequence[str]) -> Iterable[list[URIRef]]:
    for i in range(0, len(iris), _BATCH):
        yield [URIRef(x) for x in iris[i : i + _BATCH]]


def named_entities_of(store: Store, classes: Iterable[str]) -> dict[str, str]:
    """IRI -> preferred name of every entity of the classes (subclass members included)."""
    rows = store.select(query("map_nodes"), {"classes": [URIRef(c) for c in classes]})
    return {str(r["e"]): str(r["name"]) for r in rows}


def scope_core(store: Store) -> set[str]:
    """IRIs at the core of the Scottish care-system landscape (see map_scope_core.rq)."""
    return {str(r["e"]) for r in store.select(query("map_scope_core"))}


def names(store: Store, iris: Sequence[str]) -> dict[str, str]:
    """IRI -> preferred name for those of ``iris`` that have one."""
    out: dict[str, str] = {}
    for batch in _batches(list(dict.fromkeys(iris))):
        for r in store.select(query("map_nodes_by_id"), {"ids": batch}):
            out[str(r["e"])] = str(r["name"])
    return out


def entity_facts(store: Store, named: dict[str, str]) -> dict[str, EntityFacts]:
    """Types, aliases, description, dates and cited sources of the named entities."""
    facts = {iri: EntityFacts(iri, name) for iri, name in named.items()}
    for batch in _batches(list(facts)):
        for r in store.select(query("map_node_facts"), {"ids": batch}):
            f = facts[str(r["e"])]
            field_name, value = str(r["field"]), str(r["value"])
            if field_name == "type":
                _append(f.types, value)
            elif field_name == "alias":
                if value != f.name:
                    _append(f.aliases, value)
            elif field_name == "description":
                f.description = f.description or value
            elif field_name == "start":
                f.start = min(f.start or value, value)
            elif field_name == "end":
                f.end = max(f.end or value, value)
            elif field_name == "source":
                _append(f.sources, value)
    for f in facts.values():
        f.types.sort()
        f.aliases.sort(key=str.lower)
        f.sources.sort()
    return facts


def relationship_edges(store: Store, kinds: Iterable[str]) -> list[EdgeFacts]:
    """Every asserted relationship of the given kinds, one record per (subject, kind, object)."""
    edges: dict[tuple[str, str, str], EdgeFacts] = {}
    for r in store.select(query("map_edges"), {"kinds": [URIRef(k) for k in kinds]}):
        key = (str(r["s"]), str(r["kind"]), str(r["o"]))
        e = edges.get(key)
        if e is None:
            e = edges[key] = EdgeFacts(*key)
        if "start" in r:
            e.start = min(e.start or str(r["start"]), str(r["start"]))
        if "end" in r:
            e.end = max(e.end or str(r["end"]), str(r["end"]))
        if "source" in r:
            _append(e.sources, str(r["source"]))
    return list(edges.values())


def sources(store: Store) -> list[SourceFacts]:
    """The loaded sources, by title."""
    out: dict[str, SourceFacts] = {}
    for r in store.select(query("map_sources")):
        g = str(r["g"])
        if g not in out:
            out[g] = SourceFacts(
                g,
                str(r["title"]),
                str(r["issued"]) if "issued" in r else None,
                str(r["generated"]) if "generated" in r else None,
            )
    return sorted(out.values(), key=lambda s: s.title.lower())


def interests(store: Store) -> list[tuple[str, str, bool]]:
    """(agent, policy area, is a formal remit) for every interest in a policy area."""
    rows = store.select(query("map_interests"))
    out = {
        (str(r["agent"]), str(r["area"])): isinstance(r.get("remit"), Literal)
        and bool(r["remit"].toPython())  # type: ignore[union-attr]
        for r in rows
    }
    return [(a, p, remit) for (a, p), remit in sorted(out.items())]


def client_groups(store: Store) -> list[tuple[str, str]]:
    """(body, client group) for every client group a body serves."""
    rows = store.select(query("map_client_groups"))
    return sorted({(str(r["agent"]), str(r["group"])) for r in rows})


def actions(store: Store) -> list[ActionFacts]:
    """Every plan action with its priority area, latest assessment status and leads."""
    by_action: dict[str, dict[str, object]] = {}
    for r in store.select(query("map_actions")):
        a = by_action.setdefault(
            str(r["action"]),
            {"area": str(r["area"]), "assessments": {}, "leads": []},
        )
        if "assessment" in r:
            date = str(r["date"]) if "date" in r else ""
            a["assessments"][str(r["assessment"])] = (date, str(r["status"]))  # type: ignore[index]
        if "lead" in r:
            _append(a["leads"], str(r["lead"]))  # type: ignore[arg-type]
    out: list[ActionFacts] = []
    for iri, a in sorted(by_action.items()):
        assessed = sorted(a["assessments"].values())  # type: ignore[attr-defined]
        date, status = assessed[-1] if assessed else (None, None)
        out.append(
            ActionFacts(
                iri,
                str(a["area"]),
                status,
                date or None,
                tuple(sorted(a["leads"])),  # type: ignore[call-overload]
            )
        )
    return out


def _append(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


def years(store: Store) -> list[int]:
    """The years any start or end date falls in, ascending (map_years.rq)."""
    out = set()
    for r in store.select(query("map_years")):
        text = str(r["year"])
        if text.isdigit():
            out.add(int(text))
    return sorted(out)
