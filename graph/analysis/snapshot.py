"""Copies of the landscape to change or to cut at a date, never the stored landscape itself.

What-ifs (graph/analysis/scenario.py) and the landscape at a date both work on an in-memory copy:
the stored graph is shared by the API and the CLI and must never see a hypothetical fact.
Copying is one N-Quads dump and bulk load (0.1 s for the bundled 45k quads in memory);
other backends are copied graph by graph.

An as-of snapshot keeps what was valid on the day: an entity's own ``gg:startDate`` /
``gg:endDate`` decide, and failing those the date of an Establishment that ``gg:resultsIn``
it or of an Abolition or Closure that ``gg:affects`` it. Dates compare at the coarser
precision (:func:`govgraph.graph.facts.records.within`): a body that ended in "2019" still holds
on 2019-06-01. Change events dated after the day have not happened yet and are dropped.
Relationships are judged by their reified nodes' own dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from govgraph.graph.checks.reasoning import materialise
from govgraph.graph.core.errors import QueryError
from govgraph.graph.facts.entities import check_date
from govgraph.graph.facts.records import within
from govgraph.graph.storage.oxigraph_store import OxigraphStore
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import STAGING_PREFIX, Store
from govgraph.ontology.terms import GG, INFERRED_GRAPH, ONTOLOGY_GRAPH

_SUBJECT = ox.NamedNode(str(GG.subject))
_OBJECT = ox.NamedNode(str(GG.object))
PROTECTED = frozenset({str(ONTOLOGY_GRAPH)})
"""Graphs an edit never touches (the ontology never names a landscape entity)."""


def copy_store(store: Store) -> OxigraphStore:
    """An in-memory copy of every named graph of ``store`` (ontology, data and inferred).

    The copy reads its default graph as the union of the named graphs rather than keeping
    a merge (:class:`OxigraphStore`): what-ifs edit it quad by quad."""
    out = OxigraphStore(None, merged=False)
    if isinstance(store, OxigraphStore):
        data = store._store.dump(format=ox.RdfFormat.N_QUADS)
        if data:
            out._store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        out._store.update("CLEAR SILENT DEFAULT")
        for g in list(out._store.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX):
                out._store.remove_graph(g)
        return out
    for g in store.graphs():
        graph = Graph()
        for triple in store.graph_triples(g):
            graph.add(triple)
        out.replace_graph(g, graph)
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
    if not isinstance(date, str):
        raise QueryError(f"asOf must be a date as YYYY-MM-DD, YYYY-MM or YYYY, not {date!r}")
    day = check_date(date)
    assert day is not None
    out = copy_store(store)
    engine = oxigraph(out)
    remove_entities(engine, invalid_entities(out, day))
    _remove_relationships(out, engine, day)
    rematerialise(out)
    return out


def invalid_entities(store: Store, day: str) -> list[str]:
    """Entities (not reified relationships) whose dates put them outside ``day``."""
    dates: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in store.select(query("snapshot_dates")):
        dates[str(row["e"])][str(row["what"])].append(str(row["date"]))
    out: list[str] = []
    for e, by in sorted(dates.items()):
        start = min(by["start"] or by["established"] or [""]) or None
        end = max(by["end"] or by["ended"] or [""]) or None
        happened = not by["event"] or within(min(by["event"]), None, day)
        if not happened or not within(start, end, day):
            out.append(e)
    return out


def _remove_relationships(store: Store, engine: ox.Store, day: str) -> None:
    valid: dict[tuple[str, str, str], bool] = {}
    ended: list[str] = []
    for row in store.select(query("snapshot_relationships")):
        key = (str(row["s"]), str(row["p"]), str(row["o"]))
        start = str(row["start"]) if "start" in row else None
        end = str(row["end"]) if "end" in row else None
        holds = within(start, end, day)
        valid[key] = valid.get(key, False) or holds
        if not holds:
            ended.append(str(row["rel"]))
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
