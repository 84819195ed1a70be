"""RDF content negotiation and linked-data identity, over real HTTP.

Sections follow RFC 9110 §12.5.1 (Accept: q-values, q=0, 406), the W3C's "Best Practice
Recipes for Publishing RDF Vocabularies" (one IRI, several representations, RDF/XML for
clients that name nothing) and Cool URIs (the w3id IRI as canonical). #19 items 3, 11, 12.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, URIRef

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.ontology.terms import BASE
from tests.live_server import serving

ENTITY = "/id/care-agency"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    from govgraph.graph.storage.store import open_store
    from govgraph.loaders.pipeline import load_sources
    from govgraph.loaders.registry import loader_for
    from tests.conftest import FIXTURES

    store = open_store("memory:")  # through the pipeline, which describes source and graph
    loaders = [loader_for(f"rdf:{FIXTURES / 'landscape.ttl'}")]
    assert not load_sources(store, loaders, validate=False, progress=False).failed
    with (
        serving(create_app(store, settings=Settings())) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        yield client
    store.close()


def media(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


# --- RFC 9110 §12.5.1 Accept ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/json", "application/json"),  # the page's JSON twin, not HTML
        ("text/turtle", "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/xml", "application/rdf+xml"),
        (BROWSER, "text/html"),
        ("text/html;q=0, */*", "application/json"),  # q=0 excludes
        ("text/*;q=0.5, application/n-triples", "application/n-triples"),
    ],
)
def test_accept_on_an_entity(http: httpx.Client, accept: str, expected: str) -> None:
    r = http.get(ENTITY, headers={"Accept": accept})
    assert r.status_code == 200 and media(r) == expected


@pytest.mark.parametrize("path", [ENTITY, "/ontology", "/source/fixture", "/sparql?query=ASK{}"])
def test_nothing_acceptable_is_406(http: httpx.Client, path: str) -> None:
    r = http.get(path, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "text/turtle" in r.text or "sparql-results" in r.text


# --- one ?format= vocabulary ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt", "expected"),
    [
        (ENTITY, "rdf", "application/rdf+xml"),
        (ENTITY, "xml", "application/rdf+xml"),
        (ENTITY, "json", "application/json"),
        ("/ontology", "rdf", "application/rdf+xml"),
        ("/ontology", "json", "application/ld+json"),
        ("/ontology", "nt", "application/n-triples"),
        ("/source/fixture", "ttl", "text/turtle"),
    ],
)
def test_format_names_mean_the_same_everywhere(
    http: httpx.Client, path: str, fmt: str, expected: str
) -> None:
    r = http.get(path, params={"format": fmt})
    assert r.status_code == 200 and media(r) == expected


@pytest.mark.parametrize("path", [ENTITY, "/ontology", "/organisations", "/sparql?query=ASK{}"])
def test_an_unknown_format_is_a_400_naming_the_accepted_ones(http: httpx.Client, path: str) -> None:
    r = http.get(path, params={"format": "bogus"})
    assert r.status_code == 400 and "use one of" in r.text


# --- identity: canonical IRIs and alternates -----------------------------------------------


def test_a_fetched_document_names_its_iri_and_every_alternate(http: httpx.Client) -> None:
    r = http.get(ENTITY, headers={"Accept": "text/turtle"})
    link = r.headers["link"]
    assert f'<{BASE}id/care-agency>; rel="canonical"' in link
    assert 'type="application/rdf+xml"' in link
    for part in link.split(", ")[1:]:
        target = part.split(";")[0].strip("<>")
        alt = http.get(ENTITY + target)
        assert alt.status_code == 200, part


@pytest.mark.parametrize("path", ["source/fixture", "graph/rdf-landscape"])
def test_every_namespace_the_data_mints_is_served(http: httpx.Client, path: str) -> None:
    """The data names sources and graphs by w3id IRIs; each answers with what is said of it."""
    iri, namespace = f"{BASE}{path}", path.split("/")[0]
    r = http.get(f"/{path}", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert (URIRef(iri), None, None) in Graph().parse(data=r.text, format="turtle")
    assert f'<{iri}>; rel="canonical"' in r.headers["link"]
    page = http.get(f"/{path}", headers={"Accept": BROWSER})
    assert page.status_code == 200 and media(page) == "text/html"
    assert http.get(f"/{namespace}/no-such-thing").status_code == 404


def test_the_w3id_redirect_rules_are_shipped() -> None:
    """docs/w3id/.htaccess is what the w3id.org repository needs: every namespace the data
    mints redirects to the deployment, keeping the path."""
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "w3id" / ".htaccess").read_text("utf-8")
    assert "RewriteEngine on" in text
    for namespace in ("id", "source", "graph", "ontology"):
        assert namespace in text


# --- the ontology for OWL tools ------------------------------------------------------------


def test_the_bare_ontology_url_gives_rdf_xml_to_a_client_that_names_nothing(
    http: httpx.Client,
) -> None:
    import urllib.request

    with urllib.request.urlopen(str(http.base_url).rstrip("/") + "/ontology", timeout=30) as answer:
        assert answer.headers.get_content_type() == "application/rdf+xml"
        Graph().parse(data=answer.read(), format="xml")


@pytest.mark.reasoner
def test_owlready2_loads_the_bare_ontology_url(http: httpx.Client) -> None:
    import owlready2

    world = owlready2.World()
    try:
        onto = world.get_ontology(str(http.base_url).rstrip("/") + "/ontology").load()
        assert any(c.name == "ExecutiveNDPB" for c in onto.classes())
    finally:
        world.close()


# --- errors are answered in one place (#19 item 15) ----------------------------------------


def test_routing_refusals_are_answered_like_every_other_error(http: httpx.Client) -> None:
    """A method a route does not take: the same JSON body as any refusal for a JSON client,
    with Allow kept; a refusal an endpoint raises goes through the same handler."""
    r = http.put(ENTITY, headers={"Accept": "application/json"})
    assert r.status_code == 405 and "GET" in r.headers["allow"]
    assert r.json()["status"] == 405
    raised = http.get(
        "/ontology", params={"format": "bogus"}, headers={"Accept": "application/json"}
    )
    assert raised.status_code == 400 and raised.json() == {
        "error": raised.json()["error"],
        "status": 400,
    }
