"""Issue #18 over HTTP on the bundled data: the overlap report at a date is the CLI's and
GraphQL's, a bad date is refused, and the report says which date it covers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.cli import app as cli_app
from govgraph.graph.store import Store

GENERATED = re.compile(rb',"generated":"[^"]*"')
"""The one line that differs between two runs (the minute the report was made)."""


@pytest.fixture(scope="module")
def store(bundled_store_path: Path) -> Store:
    """Read-only and not closed (a read-only pyoxigraph store refuses the flush)."""
    from govgraph.graph.oxigraph_store import OxigraphStore

    return OxigraphStore(bundled_store_path, read_only=True)


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store, settings=Settings())) as c:
        yield c


def _cli_json(path: Path, *args: str) -> bytes:
    result = CliRunner().invoke(
        cli_app,
        ["report", "overlaps", "--store", f"oxigraph:{path}", "-f", "json", "-o", "-", *args],
    )
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_report_at_a_date_over_http_is_the_clis_byte_for_byte(
    client: TestClient, bundled_store_path: Path
) -> None:
    served = client.get("/reports/overlaps", params={"format": "json", "asOf": "2020-01-01"})
    assert served.status_code == 200
    cli = _cli_json(bundled_store_path, "--as-of", "2020-01-01")
    assert GENERATED.sub(b"", served.content) == GENERATED.sub(b"", cli)
    today = client.get("/reports/overlaps", params={"format": "json"}).json()
    dated = served.json()
    assert len(dated["findings"]) < len(today["findings"])
    assert dated["meta"]["asOf"] == "2020-01-01" and today["meta"]["asOf"] is None


def test_report_at_a_date_matches_graphql(client: TestClient) -> None:
    served = client.get("/reports/overlaps", params={"format": "json", "asOf": "2020-01-01"})
    query = '{ overlaps(asOf: "2020-01-01", first: 1000) { id } }'
    body = client.post("/graphql", json={"query": query}).json()
    assert [f["id"] for f in body["data"]["overlaps"]] == [
        f["id"] for f in served.json()["findings"]
    ]


@pytest.mark.parametrize("day", ["nonsense", "2020-13-01", "2020-02-30", "1/1/2020"])
def test_a_bad_date_is_refused_with_400(client: TestClient, day: str) -> None:
    answer = client.get("/reports/overlaps", params={"format": "json", "asOf": day})
    assert answer.status_code == 400
    assert "asOf" in answer.text


def test_the_report_says_which_date_it_covers(client: TestClient) -> None:
    page = client.get("/reports/overlaps", params={"asOf": "2020-01-01"}).text
    assert "as it stood on 2020-01-01" in page
    assert 'href="?format=json&amp;asOf=2020-01-01"' in page
    md = client.get("/reports/overlaps", params={"format": "md"}).text
    assert "The landscape as loaded" in md
    meta = json.loads(client.get("/reports/overlaps", params={"format": "json"}).content)["meta"]
    assert meta["covers"].startswith("The landscape as loaded")
