"""Persisted queries (#20 item 4): the allow-listed documents of api/persisted/, sent by id
or by hash, answer as their text does without being parsed or validated per request."""

from __future__ import annotations

import hashlib

import pytest
from starlette.testclient import TestClient

from govgraph.api import limits
from govgraph.api.app import create_app
from govgraph.api.persisted import persisted_queries
from govgraph.graph.storage.store import Store


@pytest.fixture
def client(landscape: Store) -> TestClient:
    return TestClient(create_app(landscape))


def test_a_persisted_query_by_id_answers_as_its_text_does(client: TestClient) -> None:
    variables = {"i": "care-agency"}
    text = persisted_queries()["organisation"]
    by_text = client.post("/graphql", json={"query": text, "variables": variables}).json()
    by_id = client.post("/graphql", json={"id": "organisation", "variables": variables}).json()
    assert by_id == by_text
    assert by_id["data"]["organisation"]["name"] == "Care Agency"
    digest = hashlib.sha256(text.encode()).hexdigest()
    by_hash = client.post(
        "/graphql",
        json={"variables": variables, "extensions": {"persistedQuery": {"sha256Hash": digest}}},
    ).json()
    assert by_hash == by_text


def test_requests_by_id_are_never_parsed_nor_validated_again(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documents are parsed and validated once; a full LRU cache cannot evict them."""
    assert client.post("/graphql", json={"id": "chain", "variables": {"i": "care-agency"}})

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a persisted query was parsed or validated again")

    monkeypatch.setattr(limits, "parse", refuse)
    monkeypatch.setattr(limits, "validate_document", refuse)
    for shared in _shared(client):
        shared._parse.cache_clear()
        shared._validate.cache_clear()
        monkeypatch.setattr(shared, "_parse", refuse)
        monkeypatch.setattr(shared, "_validate", refuse)
    for qid in ("chain", "organisation"):
        body = client.post("/graphql", json={"id": qid, "variables": {"i": "care-agency"}}).json()
        assert "errors" not in body, body


def _shared(client: TestClient) -> list[limits.SharedLimits]:
    import gc

    return [o for o in gc.get_objects() if isinstance(o, limits.SharedLimits)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"id": "drop-tables"}, "Unknown persisted query id 'drop-tables'"),
        ({"id": 7}, "Unknown persisted query id 7"),
        ({"id": "chain", "query": "{ stats { triples } }"}, "not both"),
        ({"extensions": {"persistedQuery": {"sha256Hash": "0" * 64}}}, "PersistedQueryNotFound"),
    ],
)
def test_only_the_allow_list_is_served_by_id(
    client: TestClient, body: dict[str, object], message: str
) -> None:
    response = client.post("/graphql", json=body)
    assert response.status_code == 400
    assert message in response.text
