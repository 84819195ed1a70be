"""/sparql: a small SPARQL 1.1 Protocol conformance check, and the read-only guard."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, URIRef
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.storage.store import Store

SELECT = "SELECT ?name WHERE { id:care-agency skos:prefLabel ?name }"
ASK = "ASK { id:north-ijb gg:directs id:north-council }"
CONSTRUCT = (
    "CONSTRUCT { id:care-agency gg:sponsoredBy ?o } WHERE { id:care-agency gg:sponsoredBy ?o }"
)


@pytest.fixture
def client(landscape: Store) -> TestClient:
    return TestClient(create_app(landscape, settings=Settings(sparql_timeout=1.5)))


def test_select_over_get_and_both_posts_answers_json_by_default(client: TestClient) -> None:
    answers = [
        client.get("/sparql", params={"query": SELECT}),
        client.post(
            "/sparql", content=SELECT, headers={"Content-Type": "application/sparql-query"}
        ),
        client.post("/sparql", data={"query": SELECT}),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        bindings = response.json()["results"]["bindings"]
        assert bindings == [{"name": {"type": "literal", "value": "Care Agency"}}]


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+json", "application/sparql-results+json"),
    ],
)
def test_select_in_each_result_format(client: TestClient, accept: str, media: str) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert response.headers["vary"] == "Accept"
    text = response.text
    if media == "text/csv":
        assert list(csv.reader(io.StringIO(text))) == [["name"], ["Care Agency"]]
    elif media == "text/tab-separated-values":
        assert text.splitlines() == ["?name", '"Care Agency"']
    elif media.endswith("xml"):
        ns = "{http://www.w3.org/2005/sparql-results#}"
        assert ET.fromstring(text).find(f".//{ns}literal").text == "Care Agency"  # type: ignore[union-attr]
    else:
        assert json.loads(text)["head"]["vars"] == ["name"]


def test_ask_answers_a_boolean(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": ASK})
    assert response.json()["boolean"] is True
    xml = client.get(
        "/sparql", params={"query": ASK}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert "<boolean>true</boolean>" in xml.text


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_answers_rdf(client: TestClient, accept: str, fmt: str) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.text, format=fmt)
    assert set(graph.objects()) == {URIRef("https://w3id.org/govgraph/id/children-directorate")}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
        ("DROP ALL", "read-only"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
        ("LOAD <file:///etc/passwd>", "read-only"),
        ("SELECT ?x WHERE { ?x", "malformed"),
    ],
)
def test_writes_federation_and_foreign_datasets_are_refused(
    client: TestClient, landscape: Store, query: str, message: str
) -> None:
    before = landscape.count()
    for response in (
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", data={"query": query}),
    ):
        assert response.status_code == 400 and message in response.text, response.text
    update = client.post("/sparql", data={"update": query})
    assert update.status_code == 400 and "read-only" in update.text
    assert landscape.count() == before


def test_a_long_query_is_stopped_at_the_timeout_with_503(client: TestClient) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    response = client.get("/sparql", params={"query": slow})
    assert response.status_code == 503
    assert "ran longer than 1.5 s and was stopped" in response.text, response.text
    assert client.get("/sparql", params={"query": ASK}).json()["boolean"] is True


def test_the_result_cap_is_a_clear_error(landscape: Store) -> None:
    capped = TestClient(create_app(landscape, settings=Settings(sparql_max_bytes=2000)))
    response = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 400 and "larger than the cap of 2,000 bytes" in response.text


def test_get_without_a_query_describes_the_service(client: TestClient) -> None:
    help_text = client.get("/sparql")
    assert help_text.status_code == 200 and "read-only" in help_text.text
    sd = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=sd.text, format="turtle")
    assert any("sparql-service-description" in str(o) for o in graph.objects())
    refused = client.get(
        "/sparql", params={"query": SELECT, "default-graph-uri": "file:///etc/passwd"}
    )
    assert refused.status_code == 400


def test_the_service_description_is_built_from_the_address_not_the_query_string(
    client: TestClient,
) -> None:
    from rdflib import Graph

    response = client.get("/sparql?x=a>.<urn:a><urn:b><urn:c", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) == 12  # type, endpoint, language, feature and 8 result formats
    assert "urn:a" not in response.text
    endpoints = {str(o) for _, p, o in graph if str(p).endswith("#endpoint")}
    assert endpoints == {"http://testserver/sparql"}


def test_dataset_parameters_and_a_second_query_are_refused_however_they_are_sent(
    client: TestClient,
) -> None:
    ask = "ASK { ?s ?p ?o }"
    for response in (
        client.post("/sparql", data={"query": ask, "default-graph-uri": "urn:g"}),
        client.post("/sparql", data={"query": ask, "named-graph-uri": "urn:g"}),
        client.get("/sparql", params={"query": ask, "default-graph-uri": "urn:g"}),
    ):
        assert response.status_code == 400 and "not supported" in response.text
    twice = client.get("/sparql", params=[("query", ask), ("query", "ASK {}")])
    assert twice.status_code == 400 and "one 'query'" in twice.text
    both = client.post(
        "/sparql?query=ASK%7B%7D", content=ask, headers={"Content-Type": "application/sparql-query"}
    )
    assert both.status_code == 400
