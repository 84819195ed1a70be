"""HTTP caching (RFC 9110 §8.8.3 ETag, §13.1.2 If-None-Match; RFC 9111 §5.2 Cache-Control):
pages, maps, reports and exports carry an ETag from the data version and answer 304 to a
client that has the current one (#19 item 14)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GRAPH, entity

PAGES = ["/", "/organisations", "/id/care-agency", "/search?q=care", "/ontology"]


@pytest.fixture
def client(landscape: Store) -> TestClient:
    return TestClient(create_app(landscape, settings=Settings()))


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_an_etag_and_answer_304_when_it_still_holds(
    client: TestClient, path: str
) -> None:
    first = client.get(path)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('W/"') and first.headers["cache-control"]
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag and "vary" in again.headers
    assert client.get(path, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_each_representation_has_its_own_etag(client: TestClient) -> None:
    html = client.get("/id/care-agency", headers={"Accept": "text/html"})
    turtle = client.get("/id/care-agency", headers={"Accept": "text/turtle"})
    assert html.headers["etag"] != turtle.headers["etag"]
    stale = client.get(
        "/id/care-agency", headers={"Accept": "text/turtle", "If-None-Match": html.headers["etag"]}
    )
    assert stale.status_code == 200


def test_a_reload_changes_the_etag(client: TestClient, landscape: Store) -> None:
    before = client.get("/id/care-agency").headers["etag"]
    extra = Graph()
    extra.add((entity("care-agency"), SKOS.altLabel, Literal("The Agency")))
    landscape.replace_graph(GRAPH["extra"], extra)
    after = client.get("/id/care-agency", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["etag"] != before


@pytest.mark.parametrize(
    ("path", "policy"),
    [
        ("/", "no-cache"),
        ("/id/care-agency?format=ttl", "no-cache"),
        ("/maps/landscape", "max-age=300"),
        ("/reports/overlaps?format=csv", "max-age=300"),
        ("/ontology?format=ttl", "max-age=3600"),
    ],
)
def test_cache_control_suits_each_kind(client: TestClient, path: str, policy: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and policy in r.headers["cache-control"]
    assert client.get(path, headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_protocol_endpoints_and_errors_carry_no_etag(client: TestClient) -> None:
    assert "etag" not in client.get("/sparql", params={"query": "ASK {}"}).headers
    assert "etag" not in client.post("/graphql", json={"query": "{ __typename }"}).headers
    assert "etag" not in client.get("/id/no-such-body").headers
