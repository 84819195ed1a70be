"""SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/), over real HTTP.

Section 2.1 (query operation) by the W3C protocol test cases that apply to a read-only
endpoint, each named as in https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/
(the dataset cases are answered as the documentation says: the endpoint refuses
default-graph-uri and named-graph-uri in the URL and in a form body alike), then 2.2 (update
operation, refused), 2.1.x content types, and the default graph as a set (#19 item 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from tests.live_server import hostile_landscape, serving

SELECT = "SELECT ?s WHERE { ?s a gg:ExecutiveNDPB } LIMIT 3"
ASK = "ASK { ?s a gg:ExecutiveNDPB }"
CONSTRUCT = "CONSTRUCT { ?s a gg:ExecutiveNDPB } WHERE { ?s a gg:ExecutiveNDPB }"
DESCRIBE = "DESCRIBE id:care-agency"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    store = hostile_landscape()
    with (
        serving(create_app(store, settings=Settings())) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        yield client
    store.close()


def media(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


# --- 2.1 query operation: the W3C positive cases --------------------------------------------


def test_query_get(http: httpx.Client) -> None:
    r = http.get("/sparql", params={"query": ASK})
    assert r.status_code == 200 and media(r).startswith("application/sparql-results+")


def test_query_post_form(http: httpx.Client) -> None:
    r = http.post("/sparql", content=urlencode({"query": ASK}), headers={"Content-Type": FORM})
    assert r.status_code == 200


def test_query_post_direct(http: httpx.Client) -> None:
    r = http.post("/sparql", content=ASK, headers={"Content-Type": DIRECT})
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("query", "accepted"),
    [
        (SELECT, ("application/sparql-results+xml", "application/sparql-results+json")),
        (ASK, ("application/sparql-results+xml", "application/sparql-results+json")),
        (DESCRIBE, ("application/rdf+xml", "text/turtle", "application/n-triples")),
        (CONSTRUCT, ("application/rdf+xml", "text/turtle", "application/n-triples")),
    ],
    ids=[
        "query_content_type_select",
        "query_content_type_ask",
        "query_content_type_describe",
        "query_content_type_construct",
    ],
)
def test_query_content_type(http: httpx.Client, query: str, accepted: tuple[str, ...]) -> None:
    """The W3C cases send an Accept listing the family's types; the answer is one of them."""
    r = http.get("/sparql", params={"query": query}, headers={"Accept": ", ".join(accepted)})
    assert r.status_code == 200 and media(r) in accepted


# --- the dataset cases: refused wherever sent, as documented --------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "query_dataset_default_graphs_get",
        "query_dataset_default_graphs_post",
        "query_dataset_named_graphs_get",
        "query_dataset_named_graphs_post",
        "query_dataset_full",
        "query_multiple_dataset",
    ],
)
def test_dataset_parameters_are_refused_alike(http: httpx.Client, name: str) -> None:
    graph = "https://w3id.org/govgraph/graph/fixture"
    param = "named-graph-uri" if "named" in name else "default-graph-uri"
    fields = {"query": ASK, param: graph}
    if name == "query_dataset_full" or name == "query_multiple_dataset":
        fields["named-graph-uri"] = graph
    if name.endswith("_post"):
        r = http.post("/sparql", content=urlencode(fields), headers={"Content-Type": FORM})
    else:
        r = http.get("/sparql", params=fields)
    assert r.status_code == 400 and "not supported" in r.text


# --- 2.1 query operation: the W3C negative cases --------------------------------------------


def test_bad_query_method(http: httpx.Client) -> None:
    assert http.put("/sparql", params={"query": ASK}).status_code == 405


def test_bad_multiple_queries(http: httpx.Client) -> None:
    get = http.get(f"/sparql?{urlencode([('query', ASK), ('query', SELECT)])}")
    body = urlencode([("query", ASK), ("query", SELECT)])
    post = http.post("/sparql", content=body, headers={"Content-Type": FORM})
    assert get.status_code == post.status_code == 400


def test_bad_query_wrong_media_type(http: httpx.Client) -> None:
    r = http.post("/sparql", content=ASK, headers={"Content-Type": "text/plain"})
    assert r.status_code in (400, 415)


def test_bad_query_missing_form_type(http: httpx.Client) -> None:
    assert http.post("/sparql", content=urlencode({"query": ASK})).status_code in (400, 415)


def test_bad_query_missing_direct_type(http: httpx.Client) -> None:
    assert http.post("/sparql", content=ASK).status_code in (400, 415)


def test_bad_query_non_utf8(http: httpx.Client) -> None:
    """An ISO-8859-1 body: 415 for the declared charset, never an answer to a query with
    replacement characters in it."""
    text = 'ASK { ?s skos:prefLabel "Caf\u00e9" }'.encode("iso-8859-1")
    declared = http.post(
        "/sparql", content=text, headers={"Content-Type": f"{DIRECT}; charset=ISO-8859-1"}
    )
    assert declared.status_code == 415
    undeclared = http.post("/sparql", content=text, headers={"Content-Type": DIRECT})
    assert undeclared.status_code == 400 and "UTF-8" in undeclared.text


def test_bad_query_syntax(http: httpx.Client) -> None:
    assert http.get("/sparql", params={"query": "ASK {"}).status_code == 400


# --- 2.2 update operation: a read-only endpoint refuses every form --------------------------


@pytest.mark.parametrize(
    ("name", "how"),
    [
        ("bad_update_get", {"params": {"update": "CLEAR ALL"}}),
        (
            "update_post_form",
            {"content": "update=CLEAR+ALL", "headers": {"Content-Type": FORM}},
        ),
        (
            "update_post_direct",
            {"content": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
        ),
    ],
)
def test_updates_are_refused(http: httpx.Client, name: str, how: dict[str, object]) -> None:
    method = "GET" if name.endswith("_get") else "POST"
    r = http.request(method, "/sparql", **how)  # type: ignore[arg-type]
    assert r.status_code == 400 and "not allowed" in r.text


# --- the edges of #19 item 5 ----------------------------------------------------------------


def test_an_excluded_type_is_never_chosen_and_nothing_acceptable_is_406(
    http: httpx.Client,
) -> None:
    r = http.get(
        "/sparql",
        params={"query": ASK},
        headers={"Accept": "application/sparql-results+json;q=0, */*;q=0.1"},
    )
    assert r.status_code == 200 and media(r) != "application/sparql-results+json"
    refused = http.get(
        "/sparql",
        params={"query": ASK},
        headers={"Accept": "application/sparql-results+json;q=0, image/png"},
    )
    assert refused.status_code == 406


def test_head_answers_like_get_without_a_body(http: httpx.Client) -> None:
    r = http.head("/sparql", params={"query": ASK})
    assert r.status_code == 200 and r.content == b""
    assert media(r) == media(http.get("/sparql", params={"query": ASK}))


def test_a_comment_only_query_is_empty_not_an_update(http: httpx.Client) -> None:
    r = http.get("/sparql", params={"query": "# just a comment\n  # and another"})
    assert r.status_code == 400
    assert "only comments" in r.text and "Update" not in r.text


@pytest.mark.parametrize("fmt", ["bogus", "rdf", "csv"])
def test_an_unknown_or_unfit_format_is_a_400_naming_the_accepted_ones(
    http: httpx.Client, fmt: str
) -> None:
    query = CONSTRUCT if fmt == "csv" else SELECT
    r = http.get("/sparql", params={"query": query, "format": fmt})
    assert r.status_code == 400 and "use one of" in r.text


@pytest.mark.parametrize(
    ("query", "fmt", "expected"),
    [
        (SELECT, "xml", "application/sparql-results+xml"),
        (SELECT, "json", "application/sparql-results+json"),
        (CONSTRUCT, "xml", "application/rdf+xml"),
        (CONSTRUCT, "rdf", "application/rdf+xml"),
        (CONSTRUCT, "json", "application/ld+json"),
        (DESCRIBE, "ttl", "text/turtle"),
    ],
)
def test_one_format_vocabulary(http: httpx.Client, query: str, fmt: str, expected: str) -> None:
    r = http.get("/sparql", params={"query": query, "format": fmt})
    assert r.status_code == 200 and media(r) == expected


# --- the default graph is a set (#19 item 1) ------------------------------------------------


def test_count_star_equals_count_distinct_over_the_default_graph(http: httpx.Client) -> None:
    query = "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT *) AS ?d) WHERE { ?s ?p ?o }"
    r = http.get("/sparql", params={"query": query, "format": "json"})
    row = r.json()["results"]["bindings"][0]
    assert int(row["n"]["value"]) == int(row["d"]["value"]) > 0
