"""Copies of the landscape to change or to cut at a date, never the stored landscape itself.

What-ifs (graph/analysis/scenario.py) and the landscape at a date both work on an in-memory copy:
the stored graph is shared by the API and the CLI and must never see a hypothetical fact.
Copying is one N-Quads dump and bulk load (0.1 s for the bundled 45k quads in memory);
other backends are copied graph by graph. A snapshot at a date copies less: only the graphs
sources state and the ontology (:func:`dated`, read once for both dates of a diff), since
the inferred graph is recomputed anyway and the merged default graph repeats the rest.

An as-of snapshot keeps what was valid on the day: an entity's own ``gg:startDate`` /
``gg:endDate`` decide, and failing those the date of an Establishment that ``gg:resultsIn``
it or of an Abolition or Closure that ``gg:affects`` it. Dates compare at the coarser
precision (:func:`govgraph.graph.facts.records.within`): a body that ended in "2019" still holds
on 2019-06-01. Change events dated after the day have not happened yet and are dropped.
Relationships are judged by their reified nodes' own dates.

A date diff needs no copy at all (:class:`Landscape`): the stored facts are read once (they
are all asserted, so nothing needs inferring again) and cut per date in Python. What a
snapshot would lose is known from the dated facts alone: the entities outside the day and
every statement about them, the reified relationship nodes that do not hold on the day (or
are about such an entity), and a stated triple none of whose nodes holds. The inferred
graph adds nothing the diff reads: the analyses and the maps read what sources state, and
the one inference they use, an entity's class closure, does not depend on any other fact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from govgraph.graph.analysis.overlap_facts import (
    EDGE_PROPERTIES,
    Edge,
    Facts,
    fetch,
    relationship_kind_iris,
)
from govgraph.graph.checks.reasoning import materialise
from govgraph.graph.core.errors import QueryError
from govgraph.graph.facts import map_queries as mq
from govgraph.graph.facts.entities import check_date
from govgraph.graph.facts.records import within
from govgraph.graph.storage.oxigraph_store import OxigraphStore
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import STAGING_PREFIX, Store
from govgraph.graph.storage.versioned_store import engine_store
from govgraph.ontology.terms import GG, INFERRED_GRAPH, ONTOLOGY_GRAPH

T = TypeVar("T")
_SUBJECT = ox.NamedNode(str(GG.subject))
_OBJECT = ox.NamedNode(str(GG.object))
PROTECTED = frozenset({str(ONTOLOGY_GRAPH)})
"""Graphs an edit never touches (the ontology never names a landscape entity)."""


def copy_store(store: Store) -> OxigraphStore:
    """An in-memory copy of every named graph of ``store`` (ontology, data and inferred).

    The copy reads its default graph as the union of the named graphs rather than keeping
    a merge (:class:`OxigraphStore`): what-ifs edit it quad by quad."""
    out = OxigraphStore(None, merged=False)
    store = engine_store(store) or store
    if isinstance(store, OxigraphStore):
        data = store._store.dump(format=ox.RdfFormat.N_QUADS)
        if data:
            out._store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        out._store.update("CLEAR SILENT DEFAULT")
        for g in list(out._store.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX):
                out._store.remove_graph(g)
        return out
    for graph_iri in store.graphs():
        graph = Graph()
        for triple in store.graph_triples(graph_iri):
            graph.add(triple)
        out.replace_graph(graph_iri, graph)
    return out


def oxigraph(store: Store) -> ox.Store:
    """The engine of a copy made here, for edits the Store interface does not offer."""
    if not isinstance(store, OxigraphStore) or store.path is not None:
        raise TypeError("only in-memory copies made by copy_store may be edited")
    store.touch()  # the caller is about to edit: its data version must not be the old one
    return store._store


def mentions(engine: ox.Store, iri: str) -> list[ox.Quad]:
    """Every quad with ``iri`` as subject or object, outside the protected graphs."""
    node = ox.NamedNode(iri)
    quads = [
        *engine.quads_for_pattern(node, None, None),
        *engine.quads_for_pattern(None, None, node),
    ]
    return [q for q in quads if not _protected(q)]


def _protected(q: ox.Quad) -> bool:
    g = q.graph_name
    return isinstance(g, ox.NamedNode) and g.value in PROTECTED


def relationship_nodes(engine: ox.Store, iri: str) -> set[str]:
    """The reified gg:Relationship nodes whose subject or object is ``iri``."""
    node = ox.NamedNode(iri)
    out: set[str] = set()
    for p in (_SUBJECT, _OBJECT):
        for q in engine.quads_for_pattern(None, p, node):
            if isinstance(q.subject, ox.NamedNode):
                out.add(q.subject.value)
    return out


def remove_entities(engine: ox.Store, iris: Iterable[str]) -> int:
    """Remove every quad mentioning the entities and the reified relationships about them;
    returns how many quads went."""
    doomed: set[ox.Quad] = set()
    for iri in iris:
        for rel in relationship_nodes(engine, iri):
            doomed.update(mentions(engine, rel))
        doomed.update(mentions(engine, iri))
    for q in doomed:
        engine.remove(q)
    return len(doomed)


def rematerialise(store: Store) -> int:
    """Recompute the inferred graph of an edited copy."""
    store.drop_graph(INFERRED_GRAPH)
    return materialise(store)


def as_of(store: Store, date: str) -> OxigraphStore:
    """An in-memory copy of ``store`` holding only what was valid on ``date`` (YYYY,
    YYYY-MM or YYYY-MM-DD; QueryError otherwise), with its inferences recomputed."""
    return dated(store).at(date)


@dataclass(frozen=True)
class Dated:
    """What every date's snapshot is cut from, read once: the dated facts (entities' own
    dates, the events that begin or end them, relationships' dates) and the stated graphs.

    A date diff cuts both of its dates from one reading. Only the graphs sources state and
    the ontology are copied: the merged default graph is a second copy of them and the
    inferred graph is recomputed for the day, together two thirds of the quads."""

    store: Store
    dates: tuple[tuple[str, str, str], ...]
    """(entity, what, date) rows of snapshot_dates.rq."""
    relationships: tuple[tuple[str, str, str, str, str | None, str | None], ...]
    """(node, subject, kind, object, start, end) rows of snapshot_relationships.rq."""
    nquads: bytes | None
    """The stated graphs and the ontology as N-Quads (an Oxigraph store), else None."""

    def at(self, date: str) -> OxigraphStore:
        """The snapshot on ``date``: see :func:`as_of`."""
        if not isinstance(date, str):
            raise QueryError(f"asOf must be a date as YYYY-MM-DD, YYYY-MM or YYYY, not {date!r}")
        day = check_date(date)
        assert day is not None
        if self.nquads is None:
            out = copy_store(self.store)
        else:
            out = OxigraphStore(None, merged=False)
            if self.nquads:
                out._store.bulk_load(self.nquads, format=ox.RdfFormat.N_QUADS)
        engine = oxigraph(out)
        remove_entities(engine, _invalid(self.dates, day))
        _remove_relationships(engine, self.relationships, day)
        rematerialise(out)
        return out


def dated(store: Store) -> Dated:
    """Read what :meth:`Dated.at` cuts snapshots from (two queries and one dump), all from
    one version of a versioned store."""
    store = engine_store(store) or store
    dates, relationships = dated_rows(store)
    return Dated(store, dates, relationships, _stated_nquads(store))


DateRow = tuple[str, str, str]
RelationshipRow = tuple[str, str, str, str, str | None, str | None]


def dated_rows(store: Store) -> tuple[tuple[DateRow, ...], tuple[RelationshipRow, ...]]:
    """The dated facts: (entity, what, date) rows of snapshot_dates.rq and (node, subject,
    kind, object, start, end) rows of snapshot_relationships.rq."""
    relationships = tuple(
        (row["rel"], row["s"], row["p"], row["o"], row.get("start"), row.get("end"))
        for row in store.select_strings(query("snapshot_relationships"))
    )
    return date_rows(store), relationships


def date_rows(store: Store) -> tuple[DateRow, ...]:
    """The (entity, what, date) rows of snapshot_dates.rq."""
    return tuple(
        (row["e"], row["what"], row["date"])
        for row in store.select_strings(query("snapshot_dates"))
    )


def _relationship_rows(store: Store, facts: Facts) -> tuple[RelationshipRow, ...]:
    """The rows of snapshot_relationships.rq from the statements of the reified nodes the
    facts hold, their class and two scans of dates: the engine's join of those patterns
    took several times as long as the whole rest of the reading of them."""
    by_node = facts.by_node
    assert by_node is not None
    typed = {
        row["s"]
        for row in store.select_strings(
            query("overlap_subjects_with"), {"property": [RDF.type], "object": [GG.Relationship]}
        )
    }
    dates: dict[str, tuple[list[str | None], list[str | None]]] = {}
    for i, prop in enumerate((GG.startDate, GG.endDate)):
        for row in store.select_strings(query("overlap_property_scan"), {"property": [prop]}):
            if row["s"] in typed:
                dates.setdefault(row["s"], ([], []))[i].append(row["o"])
    none: tuple[list[str | None], list[str | None]] = ([None], [None])
    rows: list[RelationshipRow] = []
    for x, (s, p, o) in by_node.statements:
        if x in typed:
            starts, ends = dates.get(x, none)
            rows += [(x, s, p, o, a, b) for a in starts or [None] for b in ends or [None]]
    return tuple(rows)


def _stated_nquads(store: Store) -> bytes | None:
    """Every stated graph and the ontology of an Oxigraph store as one N-Quads document
    (one document, so a blank node shared by two graphs stays one node)."""
    if not isinstance(store, OxigraphStore):
        return None
    parts: list[bytes] = []
    for g in store.graphs():
        if g == INFERRED_GRAPH:
            continue
        node = ox.NamedNode(str(g))
        data = store._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
        if data:  # one triple a line (newlines in literals are escaped): name the graph
            parts.append(data.replace(b" .\n", f" <{g}> .\n".encode()))
    return b"".join(parts)


def invalid_entities(store: Store, day: str) -> list[str]:
    """Entities (not reified relationships) whose dates put them outside ``day``."""
    rows = [
        (str(row["e"]), str(row["what"]), str(row["date"]))
        for row in store.select(query("snapshot_dates"))
    ]
    return _invalid(rows, day)


def _invalid(rows: Iterable[tuple[str, str, str]], day: str) -> list[str]:
    dates: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e, what, date in rows:
        dates[e][what].append(date)
    out: list[str] = []
    for e, by in sorted(dates.items()):
        start = min(by["start"] or by["established"] or [""]) or None
        end = max(by["end"] or by["ended"] or [""]) or None
        happened = not by["event"] or within(min(by["event"]), None, day)
        if not happened or not within(start, end, day):
            out.append(e)
    return out


def _remove_relationships(
    engine: ox.Store,
    rows: Iterable[tuple[str, str, str, str, str | None, str | None]],
    day: str,
) -> None:
    valid: dict[tuple[str, str, str], bool] = {}
    ended: list[str] = []
    for rel, s, p, o, start, end in rows:
        key = (s, p, o)
        holds = within(start, end, day)
        valid[key] = valid.get(key, False) or holds
        if not holds:
            ended.append(rel)
    doomed: set[ox.Quad] = set()
    for rel in ended:
        doomed.update(mentions(engine, rel))
    for (s, p, o), holds in valid.items():
        if not holds:
            pattern = (URIRef(s), URIRef(p), URIRef(o))
            doomed.update(
                q
                for q in engine.quads_for_pattern(*(ox.NamedNode(str(t)) for t in pattern))
                if not _protected(q)
            )
    for q in doomed:
        engine.remove(q)


_OPERATES_IN = str(GG.operatesIn)


@cache
def _edge_kinds() -> frozenset[str]:
    """The properties :func:`~govgraph.graph.analysis.overlap_facts.fetch` reads edges of."""
    return frozenset((*map(str, relationship_kind_iris()), *map(str, EDGE_PROPERTIES)))


class Landscape:
    """The stored landscape read once, to be cut at any number of dates (:meth:`at`): no
    in-memory copy, no re-inferring. The dated facts and the analyses' facts are read when
    made; what the maps ask for is read on first asking and kept for every later date."""

    def __init__(self, store: Store) -> None:
        self.store = engine_store(store) or store  # one version of a versioned store
        self.dates = date_rows(self.store)
        self.facts = fetch(self.store, by_node=True)
        self.relationships = _relationship_rows(self.store, self.facts)
        self._read: dict[tuple[Any, ...], Any] = {}

    def read(self, key: tuple[Any, ...], make: Callable[[Store], T]) -> T:
        """``make(store)``, run once per ``key`` whatever the number of dates."""
        if key not in self._read:
            self._read[key] = make(self.store)
        found: T = self._read[key]
        return found

    def at(self, date: str) -> Cut:
        """The landscape on ``date`` (YYYY, YYYY-MM or YYYY-MM-DD; QueryError otherwise)."""
        if not isinstance(date, str):
            raise QueryError(f"asOf must be a date as YYYY-MM-DD, YYYY-MM or YYYY, not {date!r}")
        day = check_date(date)
        assert day is not None
        invalid = set(_invalid(self.dates, day))
        removed = set(invalid)
        holds: dict[Edge, bool] = {}
        for rel, s, p, o, start, end in self.relationships:
            ok = within(start, end, day)
            holds[(s, p, o)] = holds.get((s, p, o), False) or ok
            if not ok or s in invalid or o in invalid:
                removed.add(rel)
        gone = frozenset(key for key, ok in holds.items() if not ok)
        return Cut(self, day, frozenset(removed), gone)


class Cut:
    """The landscape on one day, as the date diff and its map read it: :attr:`facts` for
    the analyses, and the map's reads (the rows the store would give a snapshot)."""

    def __init__(
        self, landscape: Landscape, day: str, removed: frozenset[str], gone: frozenset[Edge]
    ):
        self.landscape, self.day = landscape, day
        self.removed = removed
        """Entities and reified relationship nodes the day does not hold, with every
        statement about them."""
        self.gone = gone
        """Stated triples none of whose reified nodes holds on the day."""

    def holds(self, iri: str) -> bool:
        return iri not in self.removed

    @cached_property
    def facts(self) -> Facts:
        """The analyses' facts on the day (:func:`~govgraph.graph.analysis.overlap_facts.fetch`
        of a snapshot)."""
        return cut_facts(self.landscape.facts, self.removed, self.gone)

    def scope_core(self) -> set[str]:
        """:func:`~govgraph.graph.facts.map_queries.scope_core` on the day: entities a
        source document cites or placed in an area, by statements that still hold."""
        f, by_node = self.facts, self.landscape.facts.by_node
        assert by_node is not None
        docs = f.source_documents
        reasons = {e for e, cites in f.entity_citations.items() if any(d in docs for d, _ in cites)}
        reasons |= {s for s, _, _ in f.edges.get(_OPERATES_IN, ())}
        reasons |= {
            x
            for x, _, places in by_node.citations
            if x not in self.removed and any(d in docs for d, _ in places)
        }
        return {e for e in reasons if not e.startswith("_:")}  # IRIs, as the query keeps

    @cached_property
    def _reified(self) -> tuple[dict[Edge, tuple[list[str], list[str]]], dict[Edge, set[str]]]:
        """Per stated triple, the start and end dates of its reified nodes that hold on the
        day, and the titles of the documents they cite (each map edge's dates and sources)."""
        by_node = self.landscape.facts.by_node
        assert by_node is not None
        dates: dict[Edge, tuple[list[str], list[str]]] = {}
        for rel, s, p, o, start, end in self.landscape.relationships:
            if rel not in self.removed:
                starts, ends = dates.setdefault((s, p, o), ([], []))
                if start:
                    starts.append(start)
                if end:
                    ends.append(end)
        titles: dict[Edge, set[str]] = defaultdict(set)
        documents = self.facts.documents
        for x, keys, places in by_node.citations:
            if x not in self.removed:
                for key in keys:
                    titles[key].update(documents.get(d) or d for d, _ in places)
        return dates, titles

    def edges(self, kinds: Sequence[str]) -> list[mq.EdgeFacts]:
        """:func:`~govgraph.graph.facts.map_queries.relationship_edges` on the day, from the
        facts already read: each stated triple once, with the dates of its reified nodes
        that hold on the day and the titles of the documents they cite."""
        unknown = set(kinds) - _edge_kinds()
        if unknown:
            raise ValueError(f"the facts do not hold {sorted(unknown)}")
        facts, (dates, titles) = self.facts, self._reified
        out: list[mq.EdgeFacts] = []
        for kind in dict.fromkeys(kinds):
            for s, o in dict.fromkeys((s, o) for s, o, _ in facts.edges.get(kind, ())):
                key = (s, kind, o)
                starts, ends = dates.get(key, ([], []))
                out.append(
                    mq.EdgeFacts(
                        s,
                        kind,
                        o,
                        min(starts) if starts else None,
                        max(ends) if ends else None,
                        sorted(titles.get(key, ())),
                    )
                )
        return out

    def named_entities_of(self, classes: Sequence[str]) -> set[str]:
        """The named entities of ``classes`` (their closure included) on the day."""
        key = ("named", tuple(sorted(classes)))
        named = self.landscape.read(key, lambda st: set(mq.named_entities_of(st, classes)))
        return named - self.removed

    def names(self, iris: Sequence[str]) -> dict[str, str]:
        found = self.landscape.read(("names", tuple(iris)), lambda st: mq.names(st, iris))
        return {e: n for e, n in found.items() if e not in self.removed}

    def entity_facts(self, iris: Sequence[str]) -> dict[str, mq.EntityFacts]:
        """:func:`~govgraph.graph.facts.map_queries.named_entity_facts` on the day."""
        rows = self.landscape.read(("facts", tuple(iris)), lambda st: mq.node_fact_rows(st, iris))
        return mq.fold_named_facts([r for r in rows if r["e"] not in self.removed], iris)

    def sources(self) -> list[mq.SourceFacts]:
        """The loaded sources (not dated: the same on every day)."""
        return self.landscape.read(("sources",), mq.sources)


def cut_facts(facts: Facts, removed: frozenset[str], gone: frozenset[Edge]) -> Facts:
    """What :func:`~govgraph.graph.analysis.overlap_facts.fetch` reads from a snapshot that
    lost ``removed`` (with every statement about them) and the triples ``gone``, from what
    it read of the whole landscape with ``by_node``."""
    by_node = facts.by_node
    if by_node is None:
        raise ValueError("cut_facts needs facts fetched with by_node=True")
    out = Facts(
        names={e: n for e, n in facts.names.items() if e not in removed},
        long_names={e: n for e, n in facts.long_names.items() if e not in removed},
        types={e: t for e, t in facts.types.items() if e not in removed},
        asserted={e: t for e, t in facts.asserted.items() if e not in removed},
        documents={d: t for d, t in facts.documents.items() if d not in removed},
        source_documents={d for d in facts.source_documents if d not in removed},
        graph_titles=dict(facts.graph_titles),
        assessments={a: v for a, v in facts.assessments.items() if a not in removed},
        figures={
            f: ({**v, "about": ""} if v["about"] in removed else v)
            for f, v in facts.figures.items()
            if f not in removed
        },
        collectives={c: k for c, k in facts.collectives.items() if c not in removed},
    )
    for p, rows in facts.edges.items():
        kept = [
            (s, o, g)
            for s, o, g in rows
            if s not in removed and o not in removed and (s, p, o) not in gone
        ]
        if kept:
            out.edges[p] = kept
    for e, cites in facts.entity_citations.items():
        if e not in removed:
            places = [c for c in cites if c[0] not in removed]
            if places:
                out.entity_citations[e] = places
    for x, key, basis in by_node.bases:
        if x not in removed:
            out.statutory[key] = basis
    for x, keys, cited in by_node.citations:
        places = [c for c in cited if c[0] not in removed]
        if x in removed or not places:
            continue
        for key in keys:
            cites = out.edge_citations[key]
            for place in places:
                if place not in cites:
                    cites.append(place)
    return out
