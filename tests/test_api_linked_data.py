"""Entity IRIs dereference by content negotiation; the HTML escapes everything it shows."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GG, GRAPH, ID

AGENCY = URIRef(str(ID) + "care-agency")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def client(landscape: Store) -> TestClient:
    return TestClient(create_app(landscape, settings=Settings()))


def test_turtle_for_rdf_clients_and_html_for_browsers(client: TestClient) -> None:
    turtle = client.get("/id/care-agency", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    assert turtle.headers["vary"] == "Accept"
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (AGENCY, SKOS.prefLabel, Literal("Care Agency")) in graph
    assert (AGENCY, GG.sponsoredBy, URIRef(str(ID) + "children-directorate")) in graph
    html = client.get("/id/care-agency", headers={"Accept": BROWSER})
    assert html.headers["content-type"].startswith("text/html")
    assert 'class="ds_page-header__title">Care Agency</h1>' in html.text
    assert "executive non-departmental public body" in html.text.lower()
    assert "Children and Families Directorate" in html.text  # a relationship
    assert "Test fixture landscape" in html.text  # its source
    assert 'href="/maps/ego?focus=care-agency"' in html.text and 'href="#chain"' in html.text
    assert "http://" not in html.text.replace(str(ID), "")
    assert html.text.count("<script") == 1 and '<script src="/static/suggest.js"' in html.text


@pytest.mark.parametrize(
    ("accept", "fmt", "query"),
    [
        ("application/ld+json", "json-ld", None),
        ("application/n-triples", "nt", None),
        ("application/rdf+xml", "xml", None),
        ("text/html", "json-ld", "jsonld"),
        ("text/html", "turtle", "ttl"),
    ],
)
def test_each_rdf_format_and_the_format_override(
    client: TestClient, accept: str, fmt: str, query: str | None
) -> None:
    params = {"format": query} if query else {}
    response = client.get("/id/care-agency", headers={"Accept": accept}, params=params)
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format=fmt)
    assert (AGENCY, SKOS.prefLabel, Literal("Care Agency")) in graph


def test_json_ld_has_a_local_context_only(client: TestClient) -> None:
    body = client.get("/id/care-agency?format=jsonld").json()
    assert isinstance(body["@context"], dict) and body["@context"]["gg"] == str(GG)
    assert "http" not in json.dumps(body["@context"]).replace("http://", "").replace(
        "https://", ""
    ) or all(isinstance(v, str) for v in body["@context"].values())


def test_a_reified_relationship_and_its_citation_travel_with_the_entity(client: TestClient) -> None:
    graph = Graph().parse(data=client.get("/id/oversight-group?format=ttl").text, format="turtle")
    rel = URIRef(str(ID) + "rel/oversight-group/reportsto/alba-parliament")
    assert (rel, GG.statutoryBasis, Literal("Alba Care Act 2020")) in graph


def test_unknown_and_malformed_ids(client: TestClient) -> None:
    for accept in ("text/html", "text/turtle"):
        missing = client.get("/id/no-such-body", headers={"Accept": accept})
        assert missing.status_code == 404 and missing.headers["vary"] == "Accept"
    assert client.get("/id/Bad%20Id").status_code == 400
    assert client.get("/id/care-agency?format=docx").status_code == 400


def test_html_escapes_names_from_the_data(landscape: Store) -> None:
    evil = URIRef(str(ID) + "evil-body")
    graph = Graph()
    graph.add((evil, SKOS.prefLabel, Literal('<script>alert("x")</script> & Co')))
    graph.add((evil, GG.reportsTo, AGENCY))
    from rdflib.namespace import RDF

    graph.add((evil, RDF.type, GG.Board))
    landscape.replace_graph(GRAPH["evil"], graph)
    client = TestClient(create_app(landscape, settings=Settings()))
    page = client.get("/id/evil-body", headers={"Accept": "text/html"}).text
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; Co" in page
    agency_page = client.get("/id/care-agency", headers={"Accept": "text/html"}).text
    assert "<script>alert" not in agency_page and "&lt;script&gt;" in agency_page


def test_the_ontology_is_served_by_negotiation(client: TestClient) -> None:
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    assert (None, None, None) in Graph().parse(data=turtle.text, format="turtle")
    html = client.get("/ontology", headers={"Accept": "text/html"})
    assert "gg:IntegrationJointBoard" in html.text and "gg:directs" in html.text


@pytest.mark.parametrize("tail", ["%0a", "%0d%0a", "/"])
def test_an_id_with_a_trailing_newline_is_not_the_entity(client: TestClient, tail: str) -> None:
    assert client.get("/id/care-agency", headers={"Accept": "text/turtle"}).status_code == 200
    response = client.get(f"/id/care-agency{tail}", headers={"Accept": "text/turtle"})
    assert response.status_code in (400, 404)


def test_ids_and_colours_are_whole_matches() -> None:
    from govgraph.ontology.terms import entity
    from govgraph.visualisations.model import _valid

    with pytest.raises(ValueError):
        entity("care-agency\n")
    assert _valid("#AABBCC\n") is None and _valid("#aabbcc") == "#AABBCC"


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x0b", "\ufffe"])
def test_rdf_xml_is_never_broken_by_a_stored_control_character(landscape: Store, char: str) -> None:
    """A character XML 1.0 forbids, already in a store (put there through the store API,
    as a load from before the loaders refused it would have), never yields RDF/XML that does
    not parse: the page answers a clear 406 and points at the formats that can carry it."""
    import xml.dom.minidom

    odd = URIRef(str(ID) + "odd-body")
    graph = Graph()
    graph.add((odd, SKOS.prefLabel, Literal(f"Odd{char}Body")))
    from rdflib.namespace import RDF

    graph.add((odd, RDF.type, GG.Board))
    landscape.replace_graph(GRAPH["odd"], graph)
    client = TestClient(create_app(landscape, settings=Settings()))
    answer = client.get("/id/odd-body?format=xml")
    if answer.status_code == 200:
        xml.dom.minidom.parseString(answer.content)  # well-formed, or this raises
    else:
        assert answer.status_code == 406, answer.text
        assert f"U+{ord(char):04X}" in answer.text and "format=ttl" in answer.text
    assert client.get("/id/odd-body?format=nt").status_code == 200
    fine = client.get("/id/care-agency?format=xml")
    assert fine.status_code == 200
    xml.dom.minidom.parseString(fine.content)
