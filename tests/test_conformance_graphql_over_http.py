"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/), over real HTTP.

§ Serialization Format / Accept / Status Codes: graphql-http's own server audit (npm,
pinned in tests/graphql_http/package.json) must report no failure and no warning; then the
request errors of #19 item 8 and the one-line logging of item 10.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from tests.live_server import hostile_landscape, serving

AUDIT = Path(__file__).parent / "graphql_http"
GQL = "application/graphql-response+json"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    store = hostile_landscape()
    with serving(create_app(store, settings=Settings())) as url:
        yield url
    store.close()


@pytest.fixture(scope="module")
def http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as client:
        yield client


def audit_installed() -> bool:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("the graphql-http audit needs Node.js and npm")
    if not (AUDIT / "node_modules" / "graphql-http").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=AUDIT, check=True, timeout=300)
    return True


def test_graphql_http_audit_has_no_failures_and_no_warnings(base: str) -> None:
    assert audit_installed()
    run = subprocess.run(
        ["node", str(AUDIT / "audit.mjs"), f"{base}/graphql"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    results = json.loads(run.stdout)
    assert len(results) > 50  # the whole audit ran
    bad = [f"{r['status']} {r['id']} {r['name']}: {r['reason']}" for r in results]
    bad = [line for line in bad if line.startswith(("error", "warn"))]
    assert bad == []


# --- § Accept and § Status Codes ----------------------------------------------------------


def test_graphql_response_json_is_honoured_by_accept(http: httpx.Client) -> None:
    r = http.post("/graphql", json={"query": "{ __typename }"}, headers={"Accept": GQL})
    assert r.status_code == 200 and r.headers["content-type"].startswith(GQL)
    legacy = http.post("/graphql", json={"query": "{ __typename }"})
    assert legacy.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("accept", [GQL, "application/json"])
def test_a_parse_error_has_no_data_entry(http: httpx.Client, accept: str) -> None:
    r = http.post("/graphql", json={"query": "{"}, headers={"Accept": accept})
    assert r.status_code == (400 if accept == GQL else 200)
    assert "data" not in r.json() and r.json()["errors"]


# --- § Request Errors: choosing the operation (#19 item 8) -----------------------------------


@pytest.mark.parametrize("accept", [GQL, "application/json"])
def test_several_operations_and_no_operation_name_is_a_request_error(
    http: httpx.Client, accept: str
) -> None:
    body = {"query": "query A { __typename } query B { stats { triples } }"}
    r = http.post("/graphql", json=body, headers={"Accept": accept})
    assert r.status_code == (400 if accept == GQL else 200)
    assert "data" not in r.json()
    assert "operation name" in r.json()["errors"][0]["message"]


def test_an_unknown_operation_name_is_a_graphql_error_body(http: httpx.Client) -> None:
    body = {"query": "query A { __typename }", "operationName": "Z"}
    r = http.post("/graphql", json=body, headers={"Accept": GQL})
    assert r.status_code == 400 and r.headers["content-type"].startswith(GQL)
    assert r.json() == {"errors": [{"message": "Unknown operation named 'Z'."}]}


def test_a_named_operation_runs_that_one(http: httpx.Client) -> None:
    body = {"query": "query A { a: __typename } query B { b: __typename }", "operationName": "B"}
    assert http.post("/graphql", json=body).json() == {"data": {"b": "Query"}}


def test_a_get_mutation_is_405(http: httpx.Client) -> None:
    r = http.get("/graphql", params={"query": "mutation { __typename }"})
    assert r.status_code == 405


# --- expected client errors are one log line (#19 item 10) -----------------------------------


def test_an_expected_client_error_is_logged_as_one_line(
    http: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    query = '{ organisations(asOf: "2020-13-45") { totalCount } }'
    r = http.post("/graphql", json={"query": query})
    assert r.json()["errors"]
    records = [rec for rec in caplog.records if "2020-13-45" in rec.getMessage()]
    assert records, "the refusal is logged"
    assert all(rec.exc_info is None and "\n" not in rec.getMessage() for rec in records)
    assert not any(rec.exc_info for rec in caplog.records if rec.name.startswith("strawberry"))
