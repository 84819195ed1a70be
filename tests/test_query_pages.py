"""The SPARQL query page and the ontology page, for people in a browser; the protocol's
answers for programs stay as they were."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.graph.storage.queries import examples
from govgraph.graph.storage.store import Store
from govgraph.ontology import model

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def client(bundled: Store) -> Iterator[TestClient]:
    with TestClient(create_app(bundled)) as c:
        yield c


@pytest.mark.slow
def test_a_browser_gets_the_query_page_and_programs_the_protocol(client: TestClient) -> None:
    page = client.get("/sparql", headers=BROWSER)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<textarea class="ds_input gg-query" id="sparql-query" name="query"' in page.text
    assert "Example queries" in page.text
    assert (
        client.get("/sparql", headers={"Accept": "*/*"})
        .headers["content-type"]
        .startswith("text/plain")
    )
    answer = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert answer.json()["boolean"] is True


@pytest.mark.slow
@pytest.mark.parametrize("example", examples(), ids=[e.slug for e in examples()])
def test_every_example_query_answers_on_the_bundled_data(
    client: TestClient, example: object
) -> None:
    text = example.text  # type: ignore[attr-defined]
    page = client.get("/sparql", params={"query": text}, headers=BROWSER)
    assert page.status_code == 200, page.text
    assert 'id="results"' in page.text and "No rows." not in page.text
    links = [
        unescape(h) for h in re.findall(r'href="(/sparql\?query=[^"]*format=[^"]*)"', page.text)
    ]
    assert links, "no download links"
    for link in links:
        download = client.get(link)
        assert download.status_code == 200 and download.content, link


@pytest.mark.slow
def test_results_link_entities_to_their_pages(client: TestClient) -> None:
    page = client.get(
        "/sparql", params={"query": "SELECT ?e WHERE { ?e skos:altLabel 'COSLA' }"}, headers=BROWSER
    )
    assert '<a href="/id/cosla">id:cosla</a>' in page.text


@pytest.mark.slow
def test_a_refused_query_is_explained_on_the_page(client: TestClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"
    page = client.get(f"/sparql?query={quote(query)}", headers=BROWSER)
    assert page.status_code == 400
    assert "The query could not be answered" in page.text and "SERVICE" in page.text
    assert "<textarea" in page.text  # the query is there to be mended


@pytest.mark.slow
def test_the_ontology_page_has_contents_and_an_anchor_for_every_term(client: TestClient) -> None:
    page = client.get("/ontology", headers=BROWSER)
    assert page.status_code == 200 and 'aria-label="Contents"' in page.text
    anchors = set(re.findall(r' id="([^"]+)"', page.text))
    onto = model.model()
    for term in (*onto.classes.values(), *onto.properties.values()):
        assert term.name in anchors, term.name
    for target in re.findall(r'href="#([^"]+)"', page.text):
        assert target in anchors, target
    assert "@prefix gg:" in client.get("/ontology", params={"format": "ttl"}).text
