"""GraphQL overlaps(kind, minScore, first): findings with evidence, from the shared cache."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.graph.analysis.overlaps import KINDS
from govgraph.graph.storage.store import Store

FIELDS = """id kind kindLabel score explanation
    subjects { id name }
    evidence { text sources { title locator } }"""


def overlaps(
    client: TestClient,
    kind: list[str] | None = None,
    min: float = 0,
    first: int = 5,
    fields: str = FIELDS,
) -> Any:
    """Arguments are literals, so the query-cost limit can count the page size."""
    kinds = f"kind: [{', '.join(kind)}], " if kind else ""
    query = f"{{ overlaps({kinds}minScore: {min}, first: {first}) {{ {fields} }} }}"
    body = client.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body
    return body["data"]["overlaps"]


@pytest.fixture
def client(landscape: Store) -> TestClient:
    return TestClient(create_app(landscape))


def test_every_finding_kind_is_a_graphql_value() -> None:
    from govgraph.api.overlap_types import FindingKind

    assert {m.value for m in FindingKind} == set(KINDS)  # type: ignore[attr-defined]


def test_the_fixture_cycle_is_found_with_its_evidence(client: TestClient) -> None:
    found = overlaps(client, kind=["ACCOUNTABILITY_CYCLE"], min=0.0, first=5)
    assert len(found) == 1
    cycle = found[0]
    assert {s["name"] for s in cycle["subjects"]} == {"Group A", "Group B"}
    assert len(cycle["evidence"]) == 2  # the two stated lines
    assert all("reports to" in fact["text"] for fact in cycle["evidence"])
    # the fixture states these lines without a citation, so the facts carry no sources
    assert all(fact["sources"] == [] for fact in cycle["evidence"])


def test_filters_and_page_size_apply_and_findings_are_computed_once(client: TestClient) -> None:
    everything = overlaps(client, min=0.0, first=500, fields="kind score")
    assert len({f["kind"] for f in everything}) > 2
    assert len(overlaps(client, min=0.0, first=2)) == 2
    strong = overlaps(client, min=0.99, first=500, fields="kind score")
    assert all(f["score"] >= 0.99 for f in strong)
    version = client.app.state.findings.version  # type: ignore[attr-defined]
    overlaps(client, min=0.5, first=5)
    assert client.app.state.findings.version == version  # type: ignore[attr-defined]


def test_an_oversized_page_is_a_clear_error(client: TestClient) -> None:
    body = client.post("/graphql", json={"query": "{ overlaps(first: 5000) { id } }"}).json()
    assert "first must be between 0 and 1000" in body["errors"][0]["message"]


ADVISOR = """subjectCount evidenceCount subjects(first: 20) { id name type }
    evidence(first: 10) { text sources(first: 3) { title locator } }"""


def test_a_page_of_fifty_with_evidence_and_sources_fits_the_cost_limit(client: TestClient) -> None:
    found = overlaps(client, min=0.0, first=50, fields=f"id kind score explanation {ADVISOR}")
    assert found
    for f in found:
        assert len(f["subjects"]) == min(f["subjectCount"], 20)
        assert len(f["evidence"]) == min(f["evidenceCount"], 10)


def test_nested_pages_are_capped(client: TestClient) -> None:
    query = "{ overlaps(first: 1) { evidence(first: 501) { text } } }"
    body = client.post("/graphql", json={"query": query}).json()
    assert "evidence(first:) must be between 0 and 500" in body["errors"][0]["message"]
