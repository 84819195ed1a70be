"""The default graph a client sees is a set: the RDF merge of the named graphs (#19 item 1).

Oxigraph's union default graph repeats a triple once per named graph stating it; the
embedded store keeps a deduplicated merge instead, through every kind of write."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from govgraph.graph.storage.oxigraph_store import OxigraphStore
from govgraph.graph.storage.store import Store

A, B, C = (URIRef(f"urn:test:{n}") for n in "abc")
P = URIRef("urn:test:p")
G1, G2 = (
    URIRef("https://w3id.org/govgraph/graph/one"),
    URIRef("https://w3id.org/govgraph/graph/two"),
)
COUNTS = "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT *) AS ?d) WHERE { ?s ?p ?o }"


def graph(*objects: URIRef) -> Graph:
    g = Graph()
    for o in objects:
        g.add((A, P, o))
    return g


def counts(store: Store) -> tuple[int, int]:
    row = store.select_one(COUNTS)
    return int(row["n"]), int(row["d"])  # type: ignore[call-overload]


def objects(store: Store) -> set[str]:
    return {str(r["o"]) for r in store.select("SELECT ?o WHERE { ?s ?p ?o }")}


def test_a_triple_in_two_graphs_is_one_triple(store: Store) -> None:
    store.replace_graph(G1, graph(B, C))
    store.replace_graph(G2, graph(B))
    assert counts(store) == (2, 2)
    assert store.count() == 2
    assert len(store.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p <urn:test:b> } }")) == 2


def test_reload_and_drop_keep_the_merge(store: Store) -> None:
    store.replace_graph(G1, graph(B, C))
    store.replace_graph(G2, graph(B))
    store.replace_graph(G1, graph(A))  # C goes; B stays (G2 states it); A comes
    assert objects(store) == {str(A), str(B)}
    assert counts(store) == (2, 2)
    store.drop_graph(G2)
    assert objects(store) == {str(A)}
    store.drop_graph(G1)
    assert counts(store) == (0, 0)


def test_a_failed_first_load_leaves_the_merge_as_it_was(store: Store) -> None:
    store.replace_graph(G1, graph(B))
    with pytest.raises(Exception, match=r"N-Triples|invalid"):
        store.replace_graph(G2, b"<urn:test:a> <urn:test:p> <urn:test:c> .\nnot a triple\n")
    assert objects(store) == {str(B)}


def test_a_store_written_before_the_merge_is_read_as_a_set(tmp_path: Path) -> None:
    path = tmp_path / "old"
    old = ox.Store(str(path))  # named graphs only, as earlier versions wrote them
    for g in (G1, G2):
        old.add(ox.Quad(ox.NamedNode(A), ox.NamedNode(P), ox.NamedNode(B), ox.NamedNode(g)))
    old.flush()
    del old
    reader = OxigraphStore(path, read_only=True)
    assert reader.count() == 1  # read as the union meanwhile, but counted as a set
    reader.close()
    writer = OxigraphStore(path)  # opened for writing: merged in place
    assert counts(writer) == (1, 1)
    writer.close()


def test_bundled_default_graph_is_a_set(bundled: Store) -> None:
    n, d = counts(bundled)
    assert n == d == bundled.count()
    row = bundled.select_one(
        "SELECT (COUNT(?s) AS ?n) (COUNT(DISTINCT ?s) AS ?d) WHERE { ?s a gg:ExecutiveNDPB }"
    )
    assert int(row["n"]) == int(row["d"]) > 0  # type: ignore[call-overload]
