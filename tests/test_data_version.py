"""Data versions are O(1) on every store (#20 item 6): reading one never counts or lists
the graphs, and every write changes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from govgraph.graph.analysis.overlaps import data_version
from govgraph.graph.storage.store import Store, open_store
from govgraph.ontology.terms import GRAPH
from tests.backends import any_store, oxigraph_server, virtuoso_server  # noqa: F401 - fixtures

EX = "http://example.org/"


def _graph(n: int) -> Graph:
    g = Graph()
    for i in range(n):
        g.add((URIRef(f"{EX}s{i}"), URIRef(f"{EX}p"), Literal(i)))
    return g


def _no_scans(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    """Reading the version may not count triples nor list graphs (what grew with the data)."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the data version counted or listed the graphs")

    for name in ("count", "graphs"):
        monkeypatch.setattr(store, name, refuse)


def test_reading_the_version_scans_nothing_and_each_write_changes_it(
    any_store: Store,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    any_store.replace_graph(GRAPH["a"], _graph(3))
    with monkeypatch.context() as m:
        _no_scans(m, any_store)
        first = data_version(any_store)
        assert data_version(any_store) == first  # stable while nothing is written
    any_store.replace_graph(GRAPH["a"], _graph(3))  # same size: a digest of counts misses it
    with monkeypatch.context() as m:
        _no_scans(m, any_store)
        second = data_version(any_store)
    assert second != first
    any_store.drop_graph(GRAPH["a"])
    with monkeypatch.context() as m:
        _no_scans(m, any_store)
        assert data_version(any_store) not in {first, second}


def test_read_only_openers_of_an_embedded_store_agree_on_its_version(tmp_path: Path) -> None:
    """Server workers open the store read-only each in their own process: one version."""
    path = tmp_path / "store"
    with open_store(f"oxigraph:{path}") as writer:
        writer.replace_graph(GRAPH["a"], _graph(2))
        written = writer.data_version()
    with (
        open_store(f"oxigraph:{path}", read_only=True) as one,
        open_store(f"oxigraph:{path}", read_only=True) as two,
    ):
        assert one.data_version() == two.data_version() == written


def test_a_versioned_store_names_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(f"oxigraph+versions:{tmp_path / 'v'}")
    store.replace_graph(GRAPH["a"], _graph(2))
    store.close()
    reader = open_store(f"oxigraph+versions:{tmp_path / 'v'}", read_only=True)
    _no_scans(monkeypatch, reader)
    assert data_version(reader) == reader.version == "000001"  # type: ignore[attr-defined]
