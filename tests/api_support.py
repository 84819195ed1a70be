"""Helpers shared by the API tests: GraphQL over a TestClient or over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.testclient import TestClient


def gql(client: TestClient | httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    """POST a GraphQL request; the body must be a JSON object with data or errors."""
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


def data(client: TestClient | httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    """The data of a request that must not fail."""
    body = gql(client, query, **variables)
    assert "errors" not in body, body["errors"]
    return body["data"]  # type: ignore[no-any-return]
