"""The graph-side reads behind the network maps: plain rows, no drawing decisions.

Each function runs one ``map_*.rq`` query and returns small records, so the map layer
(``govgraph.visualisations``) never writes SPARQL and can be tested on records alone.

What a map reads about a neighbourhood (the lines of a ring, which entities are bodies or at
the Scottish core, the facts of the entities it keeps) is answered from :class:`MapTables`,
read once per data version (the line index of :mod:`govgraph.graph.facts.lines`, the
reified nodes' dates and citations, every named entity's facts), so an ego map costs what
its neighbourhood costs, whatever the size of the graph (issue 20 item 1).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypedDict

from rdflib import Literal, URIRef

from govgraph.graph.facts.lines import LineIndex, build_lines
from govgraph.graph.facts.relationships import relationship_kinds
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.graph.storage.version_cache import PerVersion

_IDS = "#IDS"
"""Where a whole-graph query takes a batch of entities instead (a VALUES line)."""
_BATCH = 5000
"""IRIs per VALUES block: keeps each query text well under a megabyte."""


@dataclass(slots=True)
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


@dataclass(slots=True)
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
        yield [_iri(x) for x in iris[i : i + _BATCH]]


def _iri(text: str) -> URIRef:
    """An IRI read from the store, as a URIRef without rdflib's per-term validation (which
    cost more than the query on a ring of thousands): ``bind_values`` still refuses any
    character an IRI may not hold, as for every bound term."""
    return str.__new__(URIRef, text)


def named_entities_of(store: Store, classes: Iterable[str]) -> dict[str, str]:
    """IRI -> preferred name of every entity of the classes (subclass members included)."""
    rows = store.select_strings(query("map_nodes"), {"classes": [URIRef(c) for c in classes]})
    return {r["e"]: r["name"] for r in rows}


def scope_core(store: Store, among: Sequence[str] | None = None) -> set[str]:
    """IRIs at the core of the Scottish care-system landscape (see map_scope_core.rq):
    all of them, or those of ``among`` (from the version's :class:`MapTables`)."""
    if among is None:
        return _whole_scope_core(store)
    return set(map_tables(store).core.intersection(among))


def _whole_scope_core(store: Store) -> set[str]:
    return {r["e"] for r in store.select_strings(query("map_scope_core").replace(_IDS, ""))}


def kinds_among(store: Store, iris: Sequence[str], classes: Sequence[str]) -> set[str]:
    """Those of ``iris`` that are named entities of ``classes`` (subclass members included),
    from the version's :class:`MapTables`."""
    return set(map_tables(store).members(store, classes).intersection(iris))


def names(store: Store, iris: Sequence[str]) -> dict[str, str]:
    """IRI -> preferred name for those of ``iris`` that have one."""
    out: dict[str, str] = {}
    for batch in _batches(list(dict.fromkeys(iris))):
        for r in store.select_strings(query("map_nodes_by_id"), {"ids": batch}):
            out[r["e"]] = r["name"]
    return out


def entity_facts(store: Store, named: dict[str, str]) -> dict[str, EntityFacts]:
    """Types, aliases, description, dates and cited sources of the named entities."""
    facts = {iri: EntityFacts(iri, name) for iri, name in named.items()}
    text = query("map_node_facts").replace(_IDS, "VALUES ?e { <urn:govgraph:param:ids> }")
    rows: list[dict[str, str]] = []
    for batch in _batches(list(facts)):
        rows.extend(store.select_strings(text, {"ids": batch}))
    return _fold_facts(facts, rows)


def named_entity_facts(store: Store, iris: Sequence[str]) -> dict[str, EntityFacts]:
    """:func:`entity_facts` of those of ``iris`` that have a preferred name: from the
    version's :class:`MapTables` when they are built (shared records: callers copy what
    they change), else read for the batch (the same query, map_node_facts.rq, names and
    facts in one pass: a snapshot copy or a small map does not pay for the whole graph's)."""
    tables = _TABLES.peek(store)
    if tables is not None:
        facts = tables.facts
        return {iri: facts[iri] for iri in dict.fromkeys(iris) if iri in facts}
    text = query("map_node_facts").replace(_IDS, "VALUES ?e { <urn:govgraph:param:ids> }")
    rows: list[dict[str, str]] = []
    for batch in _batches(list(dict.fromkeys(iris))):
        rows.extend(store.select_strings(text, {"ids": batch}))
    named = {r["e"]: r["value"] for r in rows if r["field"] == "name"}
    found = {iri: EntityFacts(iri, named[iri]) for iri in dict.fromkeys(iris) if iri in named}
    return _fold_facts(found, [r for r in rows if r["e"] in found])


def _every_entity_facts(store: Store) -> dict[str, EntityFacts]:
    """The facts of every entity with a preferred name: map_node_facts.rq for all at once."""
    rows = store.select_strings(query("map_node_facts").replace(_IDS, ""))
    intern = sys.intern
    named = {intern(r["e"]): r["value"] for r in rows if r["field"] == "name"}
    facts = {iri: EntityFacts(iri, name) for iri, name in named.items()}
    return _fold_facts(facts, [r for r in rows if r["e"] in facts])


def _fold_facts(
    facts: dict[str, EntityFacts], rows: list[dict[str, str]]
) -> dict[str, EntityFacts]:
    for r in rows:
        f = facts[r["e"]]
        field_name, value = r["field"], r["value"]
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
    rows = store.select_strings(query("map_edges"), {"kinds": [URIRef(k) for k in kinds]})
    return _sorted_sources(list(_merge_edges(rows, {}).values()))


def _sorted_sources(edges: list[EdgeFacts]) -> list[EdgeFacts]:
    """Cited documents by title, as on nodes: not in whatever order the engine found them."""
    for e in edges:
        e.sources.sort()
    return edges


def _merge_edges(
    rows: Iterable[dict[str, str]], edges: dict[tuple[str, str, str], EdgeFacts]
) -> dict[tuple[str, str, str], EdgeFacts]:
    """Fold rows of (s, kind, o, start?, end?, source?) into one record per fact."""
    for r in rows:
        key = (r["s"], r["kind"], r["o"])
        e = edges.get(key)
        if e is None:
            e = edges[key] = EdgeFacts(*key)
        if "start" in r:
            e.start = min(e.start or r["start"], r["start"])
        if "end" in r:
            e.end = max(e.end or r["end"], r["end"])
        if "source" in r:
            _append(e.sources, r["source"])
    return edges


def edges_touching(
    store: Store, iris: Sequence[str], kinds: Sequence[str], *, incoming_only: bool = False
) -> dict[tuple[str, str, str], EdgeFacts]:
    """The asserted relationships of the given kinds with an end in ``iris`` (either way),
    with their dates and cited documents (those of every reified node describing them): one
    ring of a breadth-first walk, the facts map_edges.rq reads for the whole graph, answered
    from the version's line index, so its cost follows the ring's lines, not the graph's.
    The records are the version's own (:attr:`MapTables.edges`): read them, never change
    them.
    ``incoming_only``: only those whose object is in ``iris``, for the last ring of a walk,
    whose lines outwards lie beyond the map."""
    tables = map_tables(store)
    index, stated = tables.lines, tables.edges
    wanted = set(kinds)
    out: dict[tuple[str, str, str], EdgeFacts] = {}
    for iri in dict.fromkeys(iris):
        for line in index.incoming(iri) if incoming_only else index.around(iri):
            if line.kind in wanted:
                key = (line.subject, line.kind, line.object)
                e = stated.get(key)
                if e is not None:
                    out[key] = e
    return out


def _stated_edges(
    index: LineIndex, details: dict[str, LineDetails]
) -> dict[tuple[str, str, str], EdgeFacts]:
    """(subject, kind, object) -> the map's record of every stated line (a direct triple
    outside the inferred graph), with the dates and cited documents of every reified node
    describing it, whatever its status (as map_edges.rq reads them)."""
    stated: set[tuple[str, str, str]] = set()
    nodes: dict[tuple[str, str, str], set[str]] = {}
    for line in index.lines():
        key = (line.subject, line.kind, line.object)
        if line.graphs:
            stated.add(key)
        if line.nodes:
            nodes.setdefault(key, set()).update(line.nodes)
    edges: dict[tuple[str, str, str], EdgeFacts] = {}
    for key in stated:
        e = edges[key] = EdgeFacts(*key)
        sources: set[str] = set()
        for node in nodes.get(key, ()):
            d = details.get(node)
            if d is None:
                continue
            if d.start is not None:
                e.start = min(e.start or d.start, d.start)
            if d.end is not None:
                e.end = max(e.end or d.end, d.end)
            sources.update(d.sources)
        e.sources = sorted(sources)
    return edges


class LineDetails(NamedTuple):
    """What one reified gg:Relationship node says of its line (map_line_details.rq)."""

    start: str | None
    end: str | None
    sources: tuple[str, ...]


def _line_details(store: Store) -> dict[str, LineDetails]:
    """node -> its dates (earliest start, latest end) and cited documents' titles."""
    start: dict[str, str] = {}
    end: dict[str, str] = {}
    cited: dict[str, set[str]] = {}
    for r in store.select_strings(query("map_line_details")):
        node = r["r"]
        if "start" in r:
            start[node] = min(start.get(node, r["start"]), r["start"])
        if "end" in r:
            end[node] = max(end.get(node, r["end"]), r["end"])
        if "source" in r:
            cited.setdefault(node, set()).add(r["source"])
    return {
        node: LineDetails(start.get(node), end.get(node), tuple(sorted(cited.get(node, ()))))
        for node in start.keys() | end.keys() | cited.keys()
    }


class MapTables:
    """What the maps read about neighbourhoods, held once per data version: a line index of
    every relationship kind (:func:`~govgraph.graph.facts.lines.build_lines`; the chain's
    own holds the accountability kinds only), what the reified nodes add to the lines
    (dates, cited documents), the facts of every named entity, the Scottish core
    (map_scope_core.rq) and, asked for by classes, the named members of those classes.
    Built on first use after each load (:func:`map_tables`), in one bulk read each, so a walk
    from a focus then reads nothing from the store."""

    def __init__(self, store: Store) -> None:
        self.lines: LineIndex = build_lines(store, relationship_kinds())
        self.details = _line_details(store)
        self.edges = _stated_edges(self.lines, self.details)
        """The map's record of every stated line, by (subject, kind, object): shared, never
        changed by a caller."""
        self.facts = _every_entity_facts(store)
        self.core = frozenset(_whole_scope_core(store))
        self._members: dict[tuple[str, ...], frozenset[str]] = {}
        self._lock = threading.Lock()

    def members(self, store: Store, classes: Sequence[str]) -> frozenset[str]:
        """The named entities of ``classes`` (map_nodes.rq), read once per class list."""
        key = tuple(sorted(classes))
        with self._lock:
            found = self._members.get(key)
            if found is None:
                found = self._members[key] = frozenset(named_entities_of(store, key))
        return found


_TABLES: PerVersion[MapTables] = PerVersion(MapTables)


def map_tables(store: Store) -> MapTables:
    """The :class:`MapTables` of ``store``'s current data version (built on first use)."""
    return _TABLES.get(store)


def sources(store: Store) -> list[SourceFacts]:
    """The loaded sources, by title."""
    out: dict[str, SourceFacts] = {}
    graphs = store.graphs()
    if not graphs:
        return []
    for r in store.select_strings(query("map_sources"), {"graphs": graphs}):
        g = r["g"]
        if g not in out:
            out[g] = SourceFacts(g, r["title"], r.get("issued"), r.get("generated"))
    return sorted(out.values(), key=lambda s: s.title.lower())


def interests(store: Store) -> list[tuple[str, str, bool]]:
    """(agent, policy area, is a formal remit) for every interest in a policy area."""
    rows = store.select(query("map_interests"))
    out = {
        (str(r["agent"]), str(r["area"])): isinstance(remit := r.get("remit"), Literal)
        and bool(remit.toPython())
        for r in rows
    }
    return [(a, p, remit) for (a, p), remit in sorted(out.items())]


def client_groups(store: Store) -> list[tuple[str, str]]:
    """(body, client group) for every client group a body serves."""
    rows = store.select(query("map_client_groups"))
    return sorted({(str(r["agent"]), str(r["group"])) for r in rows})


class _Action(TypedDict):
    """One action's rows gathered: its area, (date, status) by assessment, and leads."""

    area: str
    assessments: dict[str, tuple[str, str]]
    leads: list[str]


def actions(store: Store) -> list[ActionFacts]:
    """Every plan action with its priority area, latest assessment status and leads."""
    by_action: dict[str, _Action] = {}
    for r in store.select(query("map_actions")):
        a = by_action.setdefault(
            str(r["action"]),
            {"area": str(r["area"]), "assessments": {}, "leads": []},
        )
        if "assessment" in r:
            when = str(r["date"]) if "date" in r else ""
            a["assessments"][str(r["assessment"])] = (when, str(r["status"]))
        if "lead" in r:
            _append(a["leads"], str(r["lead"]))
    out: list[ActionFacts] = []
    for iri, a in sorted(by_action.items()):
        assessed = sorted(a["assessments"].values())
        date, status = assessed[-1] if assessed else (None, None)
        out.append(
            ActionFacts(
                iri,
                a["area"],
                status,
                date or None,
                tuple(sorted(a["leads"])),
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
