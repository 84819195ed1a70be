"""The server builds what its busiest pages read (the organisations table, the search index,
the maps' tables) in the background once per data version, beside the line index, so no
request of a busy worker pays for them (#20, the load test)."""

from __future__ import annotations

import time

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.facts import map_queries, organisations, search
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GG


def _held(store: Store) -> bool:
    return all(
        cache.peek(store) is not None
        for cache in (organisations._TABLES, search._INDEXES, map_queries._TABLES)
    )


def _poll(store: Store) -> None:
    deadline = time.monotonic() + 30
    while not _held(store):
        assert time.monotonic() < deadline, "the indexes were never warmed"
        time.sleep(0.01)


def test_the_first_request_warms_every_index_and_a_load_warms_them_again(
    landscape: Store,
) -> None:
    client = TestClient(create_app(landscape, settings=Settings()))
    assert not _held(landscape)
    assert client.get("/sparql").status_code == 200  # any request, no index read
    _poll(landscape)
    extra = Graph()
    body = URIRef("https://w3id.org/govgraph/id/warm-body")
    extra.add((body, RDF.type, GG.Organisation))
    extra.add((body, SKOS.prefLabel, Literal("Warm Body")))
    landscape.replace_graph(URIRef("https://w3id.org/govgraph/graph/extra"), extra)
    assert not _held(landscape)
    deadline = time.monotonic() + 30
    while not _held(landscape):  # a request at least a second later looks again
        assert time.monotonic() < deadline, "the new version was never warmed"
        client.get("/sparql")
        time.sleep(0.05)
    assert organisations.count_organisations(landscape, organisations.Filter(search="warm")) == 1


def test_switched_off_nothing_is_built_in_the_background(landscape: Store) -> None:
    client = TestClient(create_app(landscape, settings=Settings(warm_indexes=False)))
    assert client.get("/sparql").status_code == 200
    assert not _held(landscape)
