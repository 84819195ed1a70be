"""GraphQL over the ASGI app, in process: the contract queries of the foundation slice."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.graph.storage.store import Store


def gql(client: TestClient, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def client(landscape: Store) -> TestClient:
    return TestClient(create_app(landscape))


def test_organisations_connection_counts_every_organisation_and_pages_by_name(
    client: TestClient,
) -> None:
    first = gql(
        client,
        "{ organisations(first: 5) { totalCount edges { cursor node { id name type } }"
        " pageInfo { hasNextPage endCursor } } }",
    )["data"]["organisations"]
    assert first["totalCount"] == 15  # every organisation and group; not the post or the fund
    names = [e["node"]["name"] for e in first["edges"]]
    assert names == sorted(names, key=str.lower) and len(names) == 5
    assert first["pageInfo"]["hasNextPage"] is True

    seen = names[:]
    cursor = first["pageInfo"]["endCursor"]
    while cursor:
        page = gql(
            client,
            "query($after: String) { organisations(first: 5, after: $after) {"
            " edges { node { name } } pageInfo { hasNextPage endCursor } } }",
            after=cursor,
        )["data"]["organisations"]
        seen += [e["node"]["name"] for e in page["edges"]]
        cursor = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert len(seen) == 15 and len(set(seen)) == 15


def test_organisation_by_id_gives_most_specific_type_and_aliases(client: TestClient) -> None:
    org = gql(
        client,
        '{ organisation(id: "care-agency") { id iri name aliases type typeLabel startDate } }',
    )["data"]["organisation"]
    assert org["name"] == "Care Agency"
    assert org["iri"] == "https://w3id.org/govgraph/id/care-agency"
    assert org["aliases"] == ["CA", "The Care Agency"]
    assert org["type"] == "ExecutiveNDPB"
    assert org["startDate"] == "2011-04-01"


def test_unknown_organisation_is_null_not_an_error(client: TestClient) -> None:
    body = gql(client, '{ organisation(id: "no-such-body") { name } }')
    assert body["data"]["organisation"] is None and "errors" not in body


def test_a_forged_cursor_is_a_clear_error(client: TestClient) -> None:
    body = gql(client, '{ organisations(first: 2, after: "bm90LWEtY3Vyc29y") { totalCount } }')
    assert "invalid cursor" in body["errors"][0]["message"]


def test_graphiql_page_uses_only_vendored_assets(client: TestClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert "http://" not in page.text and "https://" not in page.text
    for asset in (
        "graphiql/graphiql.min.js",
        "graphiql/react.production.min.js",
        "graphiql-init.js",
    ):
        assert f"/static/{asset}" in page.text
        assert client.get(f"/static/{asset}").status_code == 200
