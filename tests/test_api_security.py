"""OWASP limits, error masking and HTTP hardening; the limits over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.storage.store import Store
from tests.api_support import data, gql
from tests.live_server import serving


@pytest.fixture
def client(landscape: Store) -> TestClient:
    return TestClient(create_app(landscape, settings=Settings()))


@pytest.fixture
def live(landscape: Store) -> Iterator[httpx.Client]:
    with (
        serving(create_app(landscape, settings=Settings())) as base,
        httpx.Client(base_url=base, timeout=10) as http,
    ):
        yield http


def deep_query(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"counterpart {{ relationships {{ {inner} }} }}"
    return f'{{ organisation(id: "care-agency") {{ relationships {{ {inner} }} }} }}'


def alias_query(count: int) -> str:
    return (
        "{ "
        + " ".join(f'a{i}: organisation(id: "care-agency") {{ name }}' for i in range(count))
        + " }"
    )


def test_depth_50_and_1000_aliases_are_refused_over_http_and_the_server_keeps_answering(
    live: httpx.Client,
) -> None:
    for query, expected in (
        (deep_query(50), "exceeds maximum operation depth of 10"),
        (alias_query(1000), "Document contains more than 2000 tokens"),
    ):
        response = live.post("/graphql", json={"query": query})
        assert response.status_code == 200
        message = response.json()["errors"][0]["message"]
        assert expected in message, message
        assert data(live, '{ organisation(id: "care-agency") { name } }') == {
            "organisation": {"name": "Care Agency"}
        }


def test_aliases_under_the_token_limit_hit_the_alias_limit(client: TestClient) -> None:
    body = gql(client, alias_query(40))
    assert body["errors"][0]["message"] == "40 aliases found. Allowed: 15"


def test_depth_cannot_hide_in_fragments(client: TestClient) -> None:
    fragments = "".join(
        f"fragment F{i} on Relationship {{ counterpart {{ relationships {{ ...F{i + 1} }} }} }} "
        for i in range(12)
    )
    query = (
        '{ organisation(id: "care-agency") { relationships { ...F0 } } } '
        + fragments
        + "fragment F12 on Relationship { kind }"
    )
    body = gql(client, query)
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


def test_cost_limit_counts_list_sizes_and_fragments(client: TestClient) -> None:
    query = (
        "{ organisations(first: 500) { edges { node { ...R } } } }"
        " fragment R on Organisation { relationships { counterpart { relationships { kind } } } }"
    )
    body = gql(client, query)
    assert "query cost" in body["errors"][0]["message"]
    assert "exceeds the limit of 20,000" in body["errors"][0]["message"]
    small = TestClient(create_app(client.app.state.store, settings=Settings(max_cost=10)))  # type: ignore[attr-defined]
    assert (
        "query cost"
        in gql(small, "{ organisations(first: 20) { edges { node { name } } } }")["errors"][0][
            "message"
        ]
    )


def test_limits_come_from_settings_and_environment() -> None:
    settings = Settings.from_env(
        {
            "GOVGRAPH_MAX_DEPTH": "3",
            "GOVGRAPH_DEBUG": "true",
            "GOVGRAPH_CORS_ORIGINS": "https://a.example",
        }
    )
    assert settings.max_depth == 3 and settings.debug is True
    assert settings.cors_origins == ("https://a.example",)
    for bad in ("*", "null"):
        with pytest.raises(ValueError, match="refused"):
            Settings.from_env({"GOVGRAPH_CORS_ORIGINS": bad})
    with pytest.raises(ValueError, match="bounded"):
        Settings.from_env({"GOVGRAPH_PARSER_CACHE_SIZE": "0"})


def test_typos_get_useful_errors_but_suggestions_only_in_development(landscape: Store) -> None:
    prod = TestClient(create_app(landscape, settings=Settings()))
    dev = TestClient(create_app(landscape, settings=Settings(debug=True)))
    query = '{ organisation(id: "care-agency") { nmae } }'
    prod_message = gql(prod, query)["errors"][0]["message"]
    assert prod_message == "Cannot query field 'nmae' on type 'Organisation'."
    assert "Did you mean 'name'?" in gql(dev, query)["errors"][0]["message"]


def test_unexpected_errors_are_masked_in_production_only(
    landscape: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govgraph.graph.facts import entities

    def broken(*args: object) -> None:
        raise RuntimeError("secret store detail at /srv/store")

    monkeypatch.setattr(entities, "get_entities", broken)
    query = '{ organisation(id: "care-agency") { name } }'
    prod = gql(TestClient(create_app(landscape, settings=Settings())), query)
    assert prod["errors"][0]["message"] == "Unexpected error."
    dev = gql(TestClient(create_app(landscape, settings=Settings(debug=True))), query)
    assert "secret store detail" in dev["errors"][0]["message"]
    product = gql(
        TestClient(create_app(landscape)), "{ organisations(first: 9999) { totalCount } }"
    )
    assert product["errors"][0]["message"] == "first must be between 0 and 500"


def test_security_headers_on_every_answer(client: TestClient) -> None:
    for path, graphiql in (("/", False), ("/graphql", True), ("/id/care-agency", False)):
        response = client.get(path, headers={"Accept": "text/html"})
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert ("'unsafe-inline'" in csp) is graphiql
        assert "script-src" not in csp or "unsafe-inline" not in csp.split("script-src")[1]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_request_bodies_over_the_limit_get_413(client: TestClient) -> None:
    big = {"query": "{ stats { triples } }", "variables": {"pad": "x" * 120_000}}
    assert client.post("/graphql", json=big).status_code == 413
    assert client.post("/sparql", content=b"x" * 120_000).status_code == 413


def test_cors_is_off_unless_origins_are_listed(landscape: Store) -> None:
    off = TestClient(create_app(landscape, settings=Settings()))
    response = off.post(
        "/graphql",
        json={"query": "{ stats { triples } }"},
        headers={"Origin": "https://evil.example"},
    )
    assert "access-control-allow-origin" not in response.headers
    on = TestClient(create_app(landscape, settings=Settings(cors_origins=("https://ok.example",))))
    ok = on.post(
        "/graphql",
        json={"query": "{ stats { triples } }"},
        headers={"Origin": "https://ok.example"},
    )
    assert ok.headers["access-control-allow-origin"] == "https://ok.example"
    assert "access-control-allow-credentials" not in ok.headers
    evil = on.post("/graphql", json={"query": "{ stats { triples } }"}, headers={"Origin": "null"})
    assert "access-control-allow-origin" not in evil.headers


def test_batching_is_off(client: TestClient) -> None:
    response = client.post("/graphql", json=[{"query": "{ stats { triples } }"}] * 2)
    assert response.status_code == 400


def test_queries_are_not_accepted_over_get(client: TestClient) -> None:
    response = client.get(
        "/graphql",
        params={"query": "{ stats { triples } }"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code in (400, 405)


def test_the_cost_counts_list_sizes_left_to_their_defaults(client: TestClient) -> None:
    """``subjects`` pages 20 by default: leaving ``first`` out must not make a list free."""
    explicit = (
        "{ overlaps(first: 500) { subjects(first: 20) { id } evidence(first: 10) { text } } }"
    )
    implicit = "{ overlaps(first: 500) { subjects { id } evidence { text } } }"
    messages = [
        client.post("/graphql", json={"query": q}).json()["errors"][0]["message"]
        for q in (explicit, implicit)
    ]
    assert messages[0] == messages[1] and "exceeds the limit" in messages[0]
    small = "{ overlaps(first: 50) { subjects { id } evidence { text sources { title } } } }"
    assert "errors" not in client.post("/graphql", json={"query": small}).json()


def test_the_custom_limits_are_one_validation_rule_walking_the_document_once() -> None:
    """#20 item 4: depth, aliases, cost and introspection are measured in one walk (four
    rules walked the document four times); a document breaking three limits at once still
    gets each refusal."""
    from graphql import parse, validate

    from govgraph.api.limits import SharedLimits
    from govgraph.api.schema import build_schema
    from govgraph.api.settings import Settings

    settings = Settings()
    shared = SharedLimits(settings)
    ours = [r for r in shared.rules if r.__module__ == "govgraph.api.limits"]
    assert len(ours) == 1
    deep = '{ organisation(id: "x") { ' + "subjects { object { " * 12 + "id" + " } }" * 12
    aliased = " ".join(f"a{i}: organisations(first: 500) {{ totalCount }}" for i in range(20))
    document = parse("query Q " + deep + " } } query R { " + aliased + " }")
    schema = build_schema(settings)._schema
    messages = [e.message for e in validate(schema, document, ours)]
    assert any("exceeds maximum operation depth" in m for m in messages), messages
    assert any("aliases found" in m for m in messages), messages
    assert any("query cost" in m for m in messages), messages


def test_the_limit_rule_walks_the_document_once_with_no_second_pass_for_roots(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """#20 item 4: the ``__schema``/``__type`` fields are counted by the one walk that
    measures depth, aliases and cost (a second walk of every operation counted them), and
    the limit is as strict: two roots, one of them behind a fragment spread twice, are
    refused in production."""
    from graphql import parse, validate

    from govgraph.api import limits
    from govgraph.api.schema import build_schema
    from govgraph.api.settings import Settings

    settings = Settings()
    ours = [r for r in limits.SharedLimits(settings).rules if r.__module__ == limits.__name__]
    schema = build_schema(settings)._schema
    second_walks: list[int] = []
    roots = limits._roots
    monkeypatch.setattr(limits, "_roots", lambda s: second_walks.append(1) or roots(s))
    document = parse(
        "query A { __schema { queryType { name } } ...F ...F } "
        "query B { stats { triples } } "
        'fragment F on Query { __type(name: "Query") { name } }'
    )
    messages = [e.message for e in validate(schema, document, ours)]
    assert second_walks == []
    assert any("introspection is limited to 1" in m and "found 2" in m for m in messages)


def test_the_limit_rule_reads_each_field_of_the_schema_once_per_schema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the cost needs of a field (its list size defaults, whether it is a list or
    costly) is read from the schema once per schema, not again for every field of every
    document: a second document selecting the same fields reads nothing."""
    from graphql import parse, validate

    from govgraph.api import limits
    from govgraph.api.schema import build_schema
    from govgraph.api.settings import Settings

    settings = Settings()
    ours = [r for r in limits.SharedLimits(settings).rules if r.__module__ == limits.__name__]
    schema = build_schema(settings)._schema
    reads: list[str] = []
    field_info = limits._field_info
    monkeypatch.setattr(
        limits, "_field_info", lambda p, n, d: reads.append(n) or field_info(p, n, d)
    )
    text = "query Q%d { organisations(first: 20) { totalCount edges { node { id name } } } }"
    assert validate(schema, parse(text % 1), ours) == []
    first = len(reads)
    assert validate(schema, parse(text % 2), ours) == []
    assert first > 0 and len(reads) == first
