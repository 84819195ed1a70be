"""GraphQL Cursor Connections Specification (https://relay.dev/graphql/connections.htm), over
real HTTP: the schema's connections (organisations, Entity.relationshipsConnection) by its
sections: 2 Connection Types, 3 Edge Types, 4 Arguments and the pagination algorithm, 5
PageInfo."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from tests.live_server import hostile_landscape, serving

CONNECTIONS = ("OrganisationConnection", "RelationshipConnection")


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    store = hostile_landscape()
    with (
        serving(create_app(store, settings=Settings())) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        yield client
    store.close()


def gql(http: httpx.Client, query: str) -> dict[str, Any]:
    body = http.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


def type_of(http: httpx.Client, name: str) -> dict[str, dict[str, Any]]:
    query = (
        f'{{ __type(name: "{name}") {{ fields {{ name type {{ kind name '
        "ofType { kind name ofType { kind name ofType { kind name } } } } } } }"
    )
    return {f["name"]: f["type"] for f in gql(http, query)["__type"]["fields"]}


def unwrap(t: dict[str, Any]) -> list[str]:
    """A type reference as its chain of kinds and the named type at the end."""
    out = []
    while t is not None:
        out.append(t["name"] or t["kind"])
        t = t.get("ofType")  # type: ignore[assignment]
    return out


# --- 2 Connection Types ------------------------------------------------------------------


@pytest.mark.parametrize("name", CONNECTIONS)
def test_2_1_connection_fields(http: httpx.Client, name: str) -> None:
    fields = type_of(http, name)
    assert unwrap(fields["pageInfo"]) == ["NON_NULL", "PageInfo"]
    assert unwrap(fields["edges"])[:2] == ["NON_NULL", "LIST"]


# --- 3 Edge Types --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["OrganisationEdge", "RelationshipEdge"])
def test_3_1_edge_fields(http: httpx.Client, name: str) -> None:
    fields = type_of(http, name)
    assert "node" in fields
    assert unwrap(fields["cursor"])[-1] == "String"


# --- 5 PageInfo ----------------------------------------------------------------------------


def test_5_1_page_info_fields(http: httpx.Client) -> None:
    fields = type_of(http, "PageInfo")
    assert unwrap(fields["hasNextPage"]) == ["NON_NULL", "Boolean"]
    assert unwrap(fields["hasPreviousPage"]) == ["NON_NULL", "Boolean"]
    assert unwrap(fields["startCursor"]) == ["String"]  # null when there are no edges
    assert unwrap(fields["endCursor"]) == ["String"]


# --- 4 Arguments and the pagination algorithm ----------------------------------------------

PAGE = (
    "{{ organisations(first: {first}{after}) {{ totalCount "
    "edges {{ cursor node {{ id }} }} "
    "pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}"
)


def page(http: httpx.Client, first: int, after: str | None = None) -> dict[str, Any]:
    tail = f', after: "{after}"' if after else ""
    return gql(http, PAGE.format(first=first, after=tail))["organisations"]  # type: ignore[no-any-return]


def test_4_forward_pagination_walks_every_node_once(http: httpx.Client) -> None:
    seen: list[str] = []
    after = None
    while True:
        got = page(http, 3, after)
        edges, info = got["edges"], got["pageInfo"]
        if edges:
            assert info["startCursor"] == edges[0]["cursor"]
            assert info["endCursor"] == edges[-1]["cursor"]
        seen += [e["node"]["id"] for e in edges]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert len(seen) == len(set(seen)) == got["totalCount"] > 3


def test_4_3_first_zero_gives_no_edges_and_null_cursors(http: httpx.Client) -> None:
    got = page(http, 0)
    assert got["edges"] == []
    assert got["pageInfo"]["startCursor"] is None and got["pageInfo"]["endCursor"] is None


def test_4_3_a_negative_first_is_an_error(http: httpx.Client) -> None:
    body = http.post("/graphql", json={"query": PAGE.format(first=-1, after="")}).json()
    assert body["errors"]


def test_4_an_unknown_cursor_is_an_error_not_a_restart(http: httpx.Client) -> None:
    query = PAGE.format(first=2, after=', after: "not-a-cursor"')
    assert http.post("/graphql", json={"query": query}).json()["errors"]


def test_4_relationships_connection_pages_like_the_list(http: httpx.Client) -> None:
    query = (
        '{{ organisation(id: "care-agency") {{ relationships {{ kind }} '
        "relationshipsConnection(first: {first}{after}) {{ totalCount edges {{ cursor }} "
        "pageInfo {{ hasNextPage endCursor }} }} }} }}"
    )
    whole = gql(http, query.format(first=100, after=""))["organisation"]
    count, after, cursors = whole["relationshipsConnection"]["totalCount"], "", []
    while True:
        conn = gql(http, query.format(first=1, after=after))["organisation"]
        conn = conn["relationshipsConnection"]
        cursors += [e["cursor"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = f', after: "{conn["pageInfo"]["endCursor"]}"'
    assert len(cursors) == len(set(cursors)) == count == len(whole["relationships"]) > 0
