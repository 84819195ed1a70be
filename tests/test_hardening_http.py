"""GraphQL abuse and injection, over real HTTP on loopback: every attack is refused with a
clear message, fast, while a well-behaved client keeps getting answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from tests.live_server import Background, hostile_landscape, serving

NORMAL = [
    ("POST", "/graphql", {"json": {"query": '{ organisation(id: "care-agency") { name } }'}}),
    ("GET", "/id/care-agency", {"params": {"format": "ttl"}}),
    ("GET", "/sparql", {"params": {"query": "ASK { id:care-agency ?p ?o }"}}),
]


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serving(create_app(hostile_landscape(), settings=Settings())) as url:
        yield url


@pytest.fixture(scope="module")
def dev_base() -> Iterator[str]:
    with serving(create_app(hostile_landscape(), settings=Settings(debug=True))) as url:
        yield url


@pytest.fixture
def http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as client:
        yield client


def nest(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"counterpart {{ relationships {{ {inner} }} }}"
    return f'{{ organisation(id: "care-agency") {{ relationships {{ {inner} }} }} }}'


def fan_out(levels: int, width: int) -> str:
    """Each fragment spreads the one below ``width`` times: width**levels fields once
    expanded, in a few hundred bytes."""
    frags = ["fragment F0 on Query { stats { triples } }"]
    for i in range(1, levels + 1):
        frags.append(f"fragment F{i} on Query {{ " + f"...F{i - 1} " * width + "}")
    return f"{{ ...F{levels} }} " + " ".join(frags)


INTROSPECTION_BOMB = (
    "{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }"
)
OUR_INTROSPECTION_ALIASES = (
    "{ " + " ".join(f"s{i}: __schema {{ types {{ name }} }}" for i in range(10)) + " }"
)
VARS_QUERY = "query($f: Int) { organisations(first: $f) { totalCount } }"

ATTACKS: list[tuple[str, dict[str, Any], int, str]] = [
    ("depth bomb", {"json": {"query": nest(50)}}, 200, "exceeds maximum operation depth of 10"),
    (
        "nesting past the parser",
        {"json": {"query": "{ " + "a { " * 990 + "b" + " }" * 991}},
        200,
        "Document is nested too deeply",
    ),
    (
        "alias bomb (tokens)",
        {
            "json": {
                "query": "{ " + " ".join(f"a{i}: stats {{ triples }}" for i in range(1000)) + " }"
            }
        },
        200,
        "Document contains more than 2000 tokens",
    ),
    (
        "alias bomb",
        {
            "json": {
                "query": "{ " + " ".join(f"a{i}: stats {{ triples }}" for i in range(40)) + " }"
            }
        },
        200,
        "40 aliases found. Allowed: 15",
    ),
    (
        "aliases hidden in a fragment spread many times",
        {
            "json": {
                "query": "{ ...A ...B } fragment A on Query { x: stats { triples } "
                "y: stats { triples } } fragment B on Query { "
                + " ".join(f"b{i}: policyAreas {{ ...C }}" for i in range(8))
                + " } fragment C on PolicyArea { p: name q: name }"
            }
        },
        200,
        "26 aliases found. Allowed: 15",
    ),
    (
        "fragment cycle",
        {
            "json": {
                "query": '{ organisation(id: "care-agency") { ...A } } '
                "fragment A on Organisation { relationships { counterpart { ...B } } } "
                "fragment B on Entity { ... on Organisation { ...A } }"
            }
        },
        200,
        "Cannot spread fragment 'A' within itself via 'B'.",
    ),
    ("fragment fan-out 10**8", {"json": {"query": fan_out(8, 10)}}, 200, "query cost"),
    (
        "huge query string (2 MB)",
        {"json": {"query": "{ " + "stats { triples } " * 110_000 + "}"}},
        413,
        "request body larger than 100,000 bytes",
    ),
    (
        "long query under the body cap",
        {"json": {"query": "{ stats { " + "triples " * 11_000 + "} }"}},
        200,
        "Document contains more than 2000 tokens",
    ),
    (
        "batched requests",
        {"json": [{"query": "{ stats { triples } }"}] * 50},
        400,
        "Batching is not enabled",
    ),
    (
        "nested lists at the limit with a large first",
        {
            "json": {
                "query": "{ organisations(first: 500) { edges { node { relationships { "
                "counterpart { ... on Organisation { relationships { counterpart { "
                "... on Organisation { relationships { kind } } } } } } } } } } }"
            }
        },
        200,
        "query cost",
    ),
    ("introspection bomb", {"json": {"query": INTROSPECTION_BOMB}}, 200, "at most 3 are allowed"),
    (
        "introspection flood (aliases of __schema)",
        {"json": {"query": OUR_INTROSPECTION_ALIASES}},
        200,
        "introspection is limited to 1 __schema or __type field per request (found 10)",
    ),
    (
        "introspection flood (__type fields)",
        {
            "json": {
                "query": '{ a: __type(name: "Query") { name } b: __type(name: "Entity") { name } }'
            }
        },
        200,
        "introspection is limited to 1",
    ),
    (
        "huge variables object",
        {"json": {"query": VARS_QUERY, "variables": {f"v{i}": "x" * 20 for i in range(9000)}}},
        413,
        "request body larger than",
    ),
    (
        "variables nested thousands deep",
        {
            "content": b'{"query":"{ stats { triples } }","variables":{"a":'
            + b"[" * 40_000
            + b"]" * 40_000
            + b"}}",
            "headers": {"Content-Type": "application/json"},
        },
        400,
        "Request JSON is nested too deeply",
    ),
    (
        "variables of the wrong type",
        {"json": {"query": VARS_QUERY, "variables": {"f": "abc"}}},
        200,
        "Variable '$f' has invalid value: Int cannot represent non-integer value: 'abc'",
    ),
    (
        "variable too big for Int",
        {"json": {"query": VARS_QUERY, "variables": {"f": 10**20}}},
        200,
        "Int cannot represent non 32-bit signed integer value",
    ),
    (
        "variable over the page cap",
        {"json": {"query": VARS_QUERY, "variables": {"f": 100_000}}},
        200,
        "first must be between 0 and 500",
    ),
    (
        "variables not an object",
        {"json": {"query": VARS_QUERY, "variables": [1, 2, 3]}},
        400,
        "`variables` must be an object or null",
    ),
    (
        "long search variable",
        {
            "json": {
                "query": "query($s: String) { organisations(filter: {search: $s}) { totalCount } }",
                "variables": {"s": "x" * 90_000},
            }
        },
        200,
        "search is longer than 200 characters",
    ),
    (
        "not JSON",
        {"content": b"{nope", "headers": {"Content-Type": "application/json"}},
        400,
        "Unable to parse",
    ),
    ("a form post", {"data": {"query": "{ stats { triples } }"}}, 400, "Unsupported content type"),
    (
        "a mutation",
        {"json": {"query": "mutation { x }"}},
        200,
        "mutation operation is not supported",
    ),
]


def test_graphql_attacks_are_refused_clearly_while_others_are_served(
    base: str, http: httpx.Client
) -> None:
    with Background(base, NORMAL) as normal:
        for name, request, status, message in ATTACKS:
            response = http.post("/graphql", **request)
            assert response.status_code == status, (name, response.status_code, response.text[:300])
            text = (
                response.json()["errors"][0]["message"]
                if response.headers["content-type"].startswith("application/json")
                else response.text
            )
            assert message in text, (name, text[:300])
        # served after the last attack, not starved; how fast is for the benchmarks
        assert normal.served_after(normal.ok), normal.failures[:5]
    assert not normal.failures, normal.failures[:5]


def test_graphiql_introspection_still_works_in_production(http: httpx.Client) -> None:
    from graphql import get_introspection_query

    query = get_introspection_query(descriptions=True, input_value_deprecation=True)
    body = http.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body.get("errors")
    assert {"Query", "Organisation"} <= {t["name"] for t in body["data"]["__schema"]["types"]}


def test_development_allows_several_introspections_but_never_a_bomb(dev_base: str) -> None:
    with httpx.Client(base_url=dev_base, timeout=10) as dev:
        body = dev.post("/graphql", json={"query": OUR_INTROSPECTION_ALIASES}).json()
        assert "errors" not in body and len(body["data"]) == 10
        bomb = dev.post("/graphql", json={"query": INTROSPECTION_BOMB}).json()
        assert "at most 3 are allowed" in bomb["errors"][0]["message"]


def test_introspection_can_be_switched_off(base: str) -> None:
    app = create_app(hostile_landscape(), settings=Settings(introspection=False))
    with serving(app) as url, httpx.Client(base_url=url, timeout=10) as http:
        body = http.post("/graphql", json={"query": "{ __schema { types { name } } }"}).json()
        assert "introspection" in body["errors"][0]["message"].lower()
        ok = http.post("/graphql", json={"query": "{ stats { triples } __typename }"}).json()
        assert "errors" not in ok


def test_queries_over_get_are_refused_and_huge_urls_never_reach_the_app(base: str) -> None:
    with httpx.Client(base_url=base, timeout=10) as http:
        response = http.get("/graphql", params={"query": "{ stats { triples } }"})
        assert response.status_code in (400, 405)
        long = http.get("/graphql", params={"query": "{ stats { triples } }" + " " * 60_000})
        assert long.status_code in (400, 405, 413, 414, 431)


# Injection: values that look like SPARQL or markup are data.

INJECTIONS = [
    '") } UNION { ?s ?p ?o',
    "} ; DROP ALL ; {",
    '\\" } UNION { ?s ?p ?o } #',
    "\\u0022 } UNION { ?s ?p ?o",
    "x\n} UNION { ?s ?p ?o }\n#",
    "' OR '1'='1",
    "<urn:x> } . ?s ?p ?o . FILTER(true",
    "# }",
    "{x}",
]


def _search(http: httpx.Client, term: str) -> tuple[int, list[str]]:
    body = http.post(
        "/graphql",
        json={
            "query": "query($s: String) { organisations(first: 500, filter: {search: $s}) "
            "{ totalCount edges { node { id name } } } }",
            "variables": {"s": term},
        },
    ).json()
    assert "errors" not in body, (term, body.get("errors"))
    found = body["data"]["organisations"]
    return found["totalCount"], [e["node"]["id"] for e in found["edges"]]


@pytest.mark.parametrize("term", INJECTIONS)
def test_search_terms_are_plain_text(http: httpx.Client, term: str) -> None:
    total, ids = _search(http, term)
    everything, _ = _search(http, "")
    assert everything > 10
    expected = ["quoted-body"] if term == "{x}" else []
    assert ids == expected and total == len(expected), (term, ids)


def test_a_name_full_of_sparql_punctuation_is_found_exactly(http: httpx.Client) -> None:
    for term in ('The "Quoted" Body', '"quoted" body {x} \\ union # end', "{x} \\"):
        assert _search(http, term) == (1, ["quoted-body"]), term
    assert _search(http, '"Quoted" Body {y}') == (0, [])


@pytest.mark.parametrize("value", INJECTIONS[:5])
def test_id_and_filter_arguments_hold_values_not_query_text(http: httpx.Client, value: str) -> None:
    queries = [
        ("query($v: ID!) { organisation(id: $v) { name } }", "not a valid entity id"),
        ("query($v: ID!) { entity(id: $v) { name } }", "not a valid entity id"),
        ("query($v: ID!) { sources(id: $v) { title } }", "not a valid entity id"),
        ("query($v: ID!) { neighbourhood(id: $v) { truncated } }", "not a valid entity id"),
        ("query($v: ID!) { accountabilityChain(id: $v) { hops { depth } } }", "not a valid"),
        (
            "query($v: ID) { organisations(filter: {accountableTo: $v}) { totalCount } }",
            "not a valid entity id",
        ),
        ("query($v: ID) { actions(leadOrganisation: $v) { name } }", "not a valid entity id"),
        ("query($v: String) { organisations(asOf: $v) { totalCount } }", "asOf must be a date"),
    ]
    for query, message in queries:
        body = http.post("/graphql", json={"query": query, "variables": {"v": value}}).json()
        assert body.get("data") in (None, {}) or all(v is None for v in body["data"].values())
        errors = body["errors"]
        assert message in errors[0]["message"], (query, errors)
        assert "Traceback" not in str(errors) and "pyoxigraph" not in str(errors)


@pytest.mark.parametrize("value", INJECTIONS[:5])
def test_paths_and_map_parameters_hold_values_not_query_text(
    http: httpx.Client, value: str
) -> None:
    for response in (
        http.get(f"/id/{quote(value, safe='')}", headers={"Accept": "text/turtle"}),
        http.get("/maps/ego", params={"focus": value}),
        http.get("/maps/landscape", params={"asOf": value}),
        http.get("/maps/ego", params={"focus": "care-agency", "depth": value}),
        http.get("/reports/overlaps", params={"kind": value, "format": "json"}),
    ):
        assert response.status_code in (400, 404), (response.url, response.status_code)
        assert response.headers["content-type"].startswith("text/plain")
        assert "Traceback" not in response.text and "pyoxigraph" not in response.text
    # a well-formed id that does not exist is a 404, not the whole graph
    assert http.get("/id/no-such-body", headers={"Accept": "text/turtle"}).status_code == 404


def test_a_forged_cursor_is_a_sort_key_not_query_text(http: httpx.Client) -> None:
    import base64

    query = "query($c: String) { organisations(first: 500, after: $c) { edges { node { id } } } }"
    for key, expect_all in (
        ('zzzz") } UNION { ?s ?p ?o', False),
        ('!") } UNION { ?s ?p ?o }#', True),
    ):
        cursor = base64.urlsafe_b64encode(f"org:{key}".encode()).decode()
        body = http.post("/graphql", json={"query": query, "variables": {"c": cursor}}).json()
        assert "errors" not in body, body
        ids = [e["node"]["id"] for e in body["data"]["organisations"]["edges"]]
        everything, _ = _search(http, "")
        assert len(ids) == (everything if expect_all else 0), (key, ids)
