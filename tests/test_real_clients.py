"""Clients nobody here wrote, against a real server: SPARQLWrapper (every query form, in its
default and each explicit return format, ``convert()`` giving the documented Python type),
rdflib's SPARQLStore (``len()`` and ``triples()`` over the default graph as a set) and gql
(fetching the schema, then validating against it). #19 acceptance."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any
from xml.dom.minidom import Document

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.storage.store import Store
from tests.live_server import hostile_landscape, serving

SELECT = "PREFIX gg: <https://w3id.org/govgraph/ontology#> SELECT ?s WHERE { ?s a gg:Board }"
ASK = "PREFIX gg: <https://w3id.org/govgraph/ontology#> ASK { ?s a gg:Board }"
CONSTRUCT = (
    "PREFIX gg: <https://w3id.org/govgraph/ontology#> "
    "CONSTRUCT { ?s a gg:Board } WHERE { ?s a gg:Board }"
)
DESCRIBE = "DESCRIBE <https://w3id.org/govgraph/id/care-agency>"


pytestmark = pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"  # inside SPARQLWrapper
)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, Store]]:
    from itertools import islice

    from govgraph.ontology.terms import GRAPH

    store = hostile_landscape()
    restated = Graph()  # a second source stating what the first one does
    for triple in islice(store.graph_triples(GRAPH["fixture"]), 20):
        restated.add(triple)
    store.replace_graph(GRAPH["restated"], restated)
    with serving(create_app(store, settings=Settings())) as base:
        yield base, store
    store.close()


def sparqlwrapper(base: str, query: str, fmt: str | None) -> Any:
    client = SPARQLWrapper(f"{base}/sparql")
    client.setQuery(query)
    if fmt is not None:
        client.setReturnFormat(fmt)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # SPARQLWrapper's type mismatch
        return client.query().convert()


@pytest.mark.parametrize(
    ("query", "fmt", "kind"),
    [
        (SELECT, None, Document),
        (SELECT, XML, Document),
        (SELECT, JSON, dict),
        (SELECT, CSV, bytes),
        (SELECT, TSV, bytes),
        (ASK, None, Document),
        (ASK, XML, Document),
        (ASK, JSON, dict),
        (CONSTRUCT, None, Graph),
        (CONSTRUCT, XML, Graph),
        (CONSTRUCT, RDFXML, Graph),
        (CONSTRUCT, TURTLE, bytes),
        (CONSTRUCT, N3, bytes),
        (CONSTRUCT, JSONLD, Graph),
        (DESCRIBE, None, Graph),
        (DESCRIBE, XML, Graph),
        (DESCRIBE, RDFXML, Graph),
        (DESCRIBE, TURTLE, bytes),
        (DESCRIBE, N3, bytes),
        (DESCRIBE, JSONLD, Graph),
    ],
)
def test_sparqlwrapper_every_form_and_format(
    served: tuple[str, Store], query: str, fmt: str | None, kind: type
) -> None:
    result = sparqlwrapper(served[0], query, fmt)
    assert isinstance(result, kind)
    if isinstance(result, Graph):
        assert len(result) > 0
    if isinstance(result, dict) and "boolean" in result:
        assert result["boolean"] is True


def test_sparqlwrapper_answers_agree_across_formats(served: tuple[str, Store]) -> None:
    rows = sparqlwrapper(served[0], SELECT, JSON)["results"]["bindings"]
    csv_lines = sparqlwrapper(served[0], SELECT, CSV).decode().strip().splitlines()
    assert len(rows) == len(csv_lines) - 1 > 0
    turtle = Graph().parse(data=sparqlwrapper(served[0], CONSTRUCT, TURTLE), format="turtle")
    assert set(turtle) == set(sparqlwrapper(served[0], CONSTRUCT, RDFXML))


def test_rdflib_sparqlstore_sees_the_default_graph_as_a_set(served: tuple[str, Store]) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    base, store = served
    remote = Graph(SPARQLStore(f"{base}/sparql", returnFormat="xml"))
    triples = list(remote.triples((None, None, None)))
    distinct = store.count()
    assert len(remote) == len(triples) == len(set(triples)) == distinct


def test_gql_fetches_the_schema_and_queries(served: tuple[str, Store]) -> None:
    from gql import Client, gql
    from gql.transport.httpx import HTTPXTransport
    from graphql import GraphQLError

    transport = HTTPXTransport(url=f"{served[0]}/graphql", timeout=30)
    with Client(transport=transport, fetch_schema_from_transport=True) as session:
        answer = session.execute(gql("{ organisations(first: 2) { totalCount } }"))
        assert answer["organisations"]["totalCount"] > 0
        assert session.client.schema is not None  # fetched by introspection
        with pytest.raises(GraphQLError):  # validated locally against the fetched schema
            session.execute(gql("{ noSuchField }"))
