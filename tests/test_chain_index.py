"""Accountability chains walked over the line index (graph/facts/lines.py, #20 item 3):
the same answers as the three queries they replace, and no query once the index of the data
version is built."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.term import Node

from govgraph.graph.analysis.chains import _lines, accountability_chain
from govgraph.graph.facts.lines import build_lines, lines_for, lines_held
from govgraph.graph.facts.records import Chain, Hop, RelationshipRecord
from govgraph.graph.facts.relationships import (
    accountability_line_kinds,
    merge_rows,
    relationship_kinds,
    relationships_of,
    with_kinds,
)
from govgraph.graph.storage.store import Row, Store
from govgraph.ontology import model
from govgraph.ontology.terms import GG, GRAPH, ID, INFERRED_GRAPH

FIXTURES = Path(__file__).parent / "fixtures"
DATES = (None, "2010", "2016-03-01", "2021-06-30", "2024")


def reference_chain(store: Store, iri: URIRef, as_of: str | None = None) -> Chain:
    """The chain as it was read from the store before the index: the accountableTo closure,
    the upward lines of what it reaches (materialised inverses included), their stated form."""
    reached = [r["e"] for r in store.select(_REACH, {"start": [iri]})]
    text = with_kinds(_EDGES, upward=accountability_line_kinds()[0])
    wanted: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    inferred: set[tuple[str, str, str]] = set()
    for row in store.select(text, {"ids": reached}):
        lower, kind, upper = str(row["e"]), str(row["p"]), str(row["o"])
        stated = (lower, kind, upper)
        if str(row["g"]) == str(INFERRED_GRAPH):
            inverse = model.get_property(URIRef(kind)).inverse
            if inverse is None:
                continue
            stated = (upper, str(inverse), lower)
            inferred.add(stated)
        wanted.setdefault(stated, (lower, upper, kind))
    subjects = sorted({URIRef(s) for s, _, _ in wanted})
    kinds = accountability_line_kinds()
    rows = store.select(with_kinds(_STATED, all=[*kinds[0], *kinds[1]]), {"subjects": subjects})
    found = {k: r for recs in merge_rows(_as_values(rows)).values() for k, r in recs.items()}
    up: dict[str, list[Hop]] = {}
    for stated, (lower, upper, kind) in wanted.items():
        rec = found.get(stated)
        if rec is None and stated in inferred:
            continue
        rec = rec or RelationshipRecord(*stated)
        if rec.valid_at(as_of):
            up.setdefault(lower, []).append(Hop(lower, upper, rec, kind))
    for hops in up.values():
        hops.sort(key=lambda h: (h.target, h.reads_as))
    hops, depth = [], {str(iri): 0}
    queue = deque([str(iri)])
    while queue:
        node = queue.popleft()
        for hop in up.get(node, ()):
            hops.append(
                Hop(hop.source, hop.target, hop.relationship, hop.reads_as, depth[node] + 1)
            )
            if hop.target not in depth:
                depth[hop.target] = depth[node] + 1
                queue.append(hop.target)
    tops = [n for n in depth if n != str(iri) and not up.get(n)]
    return Chain(str(iri), hops, _lines(str(iri), up), tops)


_REACH = """SELECT DISTINCT ?e WHERE {
  { SELECT ?e WHERE { VALUES ?e { <urn:govgraph:param:start> } } }
  UNION
  { VALUES ?root { <urn:govgraph:param:start> } ?root gg:accountableTo ?e }
}"""
_EDGES = """SELECT ?e ?p ?o ?g WHERE {
  VALUES ?e { <urn:govgraph:param:ids> }
  GRAPH ?g { ?e ?p ?o }
  FILTER(?p IN (#KINDS:upward))
  FILTER(isIRI(?o))
}"""
_STATED = """SELECT ?e ?s ?p ?o ?g ?rel ?start ?end ?basis ?role ?status WHERE {
  {
    VALUES ?s { <urn:govgraph:param:subjects> }
    GRAPH ?g { ?s ?p ?o } FILTER(?p IN (#KINDS:all) && ?g != ggraph:inferred)
  } UNION {
    VALUES ?s { <urn:govgraph:param:subjects> }
    ?rel gg:subject ?s ; gg:relationshipKind ?p ; gg:object ?o . FILTER(?p IN (#KINDS:all))
    OPTIONAL { ?rel gg:startDate ?start } OPTIONAL { ?rel gg:endDate ?end }
    OPTIONAL { ?rel gg:statutoryBasis ?basis } OPTIONAL { ?rel gg:role ?role }
    OPTIONAL { ?rel gg:status ?status }
  }
  BIND(?s AS ?e)
}"""


_COLUMNS = {
    "start": GG.startDate,
    "end": GG.endDate,
    "basis": GG.statutoryBasis,
    "role": GG.role,
    "status": GG.status,
}


def _as_values(rows: list[Row]) -> Iterator[Row]:
    """The old query's rows (a column per value) in the shape merge_rows reads (a row per
    value, as ?prop ?val)."""
    for row in rows:
        base = {k: v for k, v in row.items() if k not in _COLUMNS}
        yield base
        for column, prop in _COLUMNS.items():
            if column in row:
                yield {**base, "prop": prop, "val": row[column]}


def _plain(chain: Chain) -> Any:
    def hop(h: Hop) -> tuple[Any, ...]:
        return (h.source, h.target, h.reads_as, h.depth, _rec(h.relationship))

    return (
        chain.root,
        [hop(h) for h in chain.hops],
        [[hop(h) for h in line] for line in chain.lines],
        chain.tops,
    )


def _rec(r: RelationshipRecord) -> tuple[Any, ...]:
    return (
        r.subject,
        r.kind,
        r.object,
        r.status,
        sorted(r.graphs),
        sorted(r.nodes),
        r.start,
        r.end,
        r.statutory_basis,
        r.role,
    )


class Counting(Store):
    """A store that counts the queries it is asked (every read goes through it)."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.url = inner.url
        self.queries: list[str] = []

    def select(self, query: str, values: Mapping[str, Sequence[Node]] | None = None) -> list[Row]:
        self.queries.append(query)
        return self.inner.select(query, values)

    def select_strings(
        self, query: str, values: Mapping[str, Sequence[Node]] | None = None
    ) -> list[dict[str, str]]:
        self.queries.append(query)
        return self.inner.select_strings(query, values)

    def ask(self, query: str, values: Mapping[str, Sequence[Node]] | None = None) -> bool:
        self.queries.append(query)
        return self.inner.ask(query, values)

    def construct(self, query: str, values: Mapping[str, Sequence[Node]] | None = None) -> Any:
        self.queries.append(query)
        return self.inner.construct(query, values)

    def query_serialized(self, query: str, media_type: str, rdf_media_type: str = "") -> bytes:
        self.queries.append(query)
        return self.inner.query_serialized(query, media_type, rdf_media_type)

    def graphs(self) -> list[URIRef]:
        return self.inner.graphs()

    def graph_triples(self, graph: URIRef) -> Iterator[Any]:
        return self.inner.graph_triples(graph)

    def count(self, graph: URIRef | None = None) -> int:
        return self.inner.count(graph)

    def replace_graph(self, graph: URIRef, data: Any) -> int:
        return self.inner.replace_graph(graph, data)

    def drop_graph(self, graph: URIRef) -> None:
        self.inner.drop_graph(graph)

    def data_version(self) -> str:
        return self.inner.data_version()


def _chained(store: Store) -> list[URIRef]:
    rows = store.select("SELECT DISTINCT ?e WHERE { ?e gg:accountableTo ?u }")
    return sorted(URIRef(str(r["e"])) for r in rows)


def test_every_chain_of_the_bundled_data_is_the_one_the_queries_gave(bundled: Store) -> None:
    entities = _chained(bundled)
    assert len(entities) > 100
    for iri in entities:
        for as_of in DATES:
            assert _plain(accountability_chain(bundled, iri, as_of)) == _plain(
                reference_chain(bundled, iri, as_of)
            ), (iri, as_of)


def test_every_chain_of_a_generated_landscape_is_the_one_the_queries_gave(store: Store) -> None:
    """Generated bodies: deep trees, cross-links, reporting cycles, lines stated both ways."""
    from govgraph.graph.checks.ontology_graph import load_ontology
    from govgraph.graph.checks.reasoning import materialise
    from govgraph.graph.tools.generate import ntriples

    store.replace_graph(GRAPH["generated"], ntriples(400, seed=3))
    load_ontology(store)
    materialise(store)
    entities = _chained(store)
    assert len(entities) > 200
    for iri in entities:
        for as_of in DATES:
            assert _plain(accountability_chain(store, iri, as_of)) == _plain(
                reference_chain(store, iri, as_of)
            ), (iri, as_of)


def test_a_line_stated_both_ways_is_one_hop(store: Store) -> None:
    """``A directs B`` and ``B directedBy A`` both asserted: the reasoner adds no inverse, and
    the chain shows the upward statement once, as the queries did."""
    from govgraph.graph.checks.ontology_graph import load_ontology
    from govgraph.graph.checks.reasoning import materialise

    text = f"""@prefix gg: <https://w3id.org/govgraph/ontology#> .
    <{ID}a> a gg:Department . <{ID}b> a gg:ExecutiveAgency . <{ID}c> a gg:ExecutiveAgency .
    <{ID}a> gg:directs <{ID}b> . <{ID}b> gg:directedBy <{ID}a> . <{ID}a> gg:directs <{ID}c> .
    """
    store.replace_graph(GRAPH["both"], Graph().parse(data=text, format="turtle"))
    load_ontology(store)
    materialise(store)
    for iri in (URIRef(f"{ID}b"), URIRef(f"{ID}c")):
        assert _plain(accountability_chain(store, iri)) == _plain(reference_chain(store, iri))
    hops = accountability_chain(store, URIRef(f"{ID}b")).hops
    assert [(h.relationship.kind.rsplit("#")[1], h.reads_as.rsplit("#")[1]) for h in hops] == [
        ("directedBy", "directedBy")
    ]


def test_a_chain_issues_no_query_once_the_index_of_its_version_is_built(
    landscape: Store,
) -> None:
    counting = Counting(landscape)
    iri = URIRef(f"{ID}care-agency")
    first = accountability_chain(counting, iri)
    assert first.hops
    built = len(counting.queries)
    assert built == 1, counting.queries  # the one bulk read of the index
    for as_of in DATES:
        accountability_chain(counting, iri, as_of)
    accountability_chain(counting, URIRef(f"{ID}north-council"))
    assert len(counting.queries) == built


def test_the_index_is_built_again_after_a_load(landscape: Store) -> None:
    iri = URIRef(f"{ID}care-agency")
    before = accountability_chain(landscape, iri)
    index = lines_for(landscape)
    assert lines_held(landscape) is index
    extra = f"""@prefix gg: <https://w3id.org/govgraph/ontology#> .
    <{ID}care-agency> gg:scrutinisedBy <{ID}north-council> ."""
    landscape.replace_graph(GRAPH["extra"], Graph().parse(data=extra, format="turtle"))
    assert lines_held(landscape) is None
    after = accountability_chain(landscape, iri)
    assert lines_for(landscape) is not index
    north = f"{ID}north-council"
    assert north not in {h.target for h in before.hops}
    assert north in {h.target for h in after.hops if h.depth == 1}


@pytest.mark.parametrize("in_force", [False, True])
def test_an_index_of_every_kind_answers_relationships_of_as_the_query_does(
    bundled: Store, in_force: bool
) -> None:
    """An index of other kinds (a map's walk keeps its own): both ends of every statement."""
    iris = [URIRef(str(r["e"])) for r in bundled.select(_SOME)]
    assert len(iris) > 50
    index = build_lines(bundled, relationship_kinds())
    ours = index.relationships_of([str(i) for i in iris], in_force=in_force)
    theirs = relationships_of(bundled, iris, in_force=in_force)
    assert {k: [_rec(r) for r in v] for k, v in ours.items()} == {
        k: [_rec(r) for r in v] for k, v in theirs.items()
    }


_SOME = "SELECT DISTINCT ?e WHERE { ?e a gg:Organisation } ORDER BY ?e LIMIT 300"


def _until(condition: Any, client: Any, path: str = "/ontology", seconds: float = 60) -> None:
    """Send requests until ``condition()`` holds (the warming runs in the background)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the line index was not warmed"
        assert client.get(path).status_code == 200
        threading.Event().wait(0.05)


def test_the_server_warms_the_index_at_start_and_after_a_reload(landscape: Store) -> None:
    from starlette.testclient import TestClient

    from govgraph.api.app import create_app
    from govgraph.api.settings import Settings

    counting = Counting(landscape)
    with TestClient(create_app(counting, settings=Settings())) as client:
        _until(lambda: lines_held(counting) is not None, client)
        extra = f"""@prefix gg: <https://w3id.org/govgraph/ontology#> .
        <{ID}care-agency> gg:scrutinisedBy <{ID}north-council> ."""
        landscape.replace_graph(GRAPH["extra"], Graph().parse(data=extra, format="turtle"))
        assert lines_held(counting) is None
        _until(lambda: lines_held(counting) is not None, client)
        counting.queries.clear()
        chain = '{ accountabilityChain(id: "care-agency") { tops { id } } }'
        assert client.post("/graphql", json={"query": chain}).status_code == 200
        assert not any("relationshipKind" in q for q in counting.queries), counting.queries


def test_a_server_told_not_to_warm_builds_the_index_on_the_first_chain(landscape: Store) -> None:
    from starlette.testclient import TestClient

    from govgraph.api.app import create_app
    from govgraph.api.settings import Settings

    with TestClient(create_app(landscape, settings=Settings(warm_indexes=False))) as client:
        assert client.get("/ontology").status_code == 200
        assert lines_held(landscape) is None
        chain = '{ accountabilityChain(id: "care-agency") { tops { id } } }'
        assert client.post("/graphql", json={"query": chain}).status_code == 200
        assert lines_held(landscape) is not None
