"""Maps and the overlap report over HTTP: the same offline files, with a strict policy."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.graph.storage.store import Store


@pytest.fixture
def client(landscape: Store) -> TestClient:
    return TestClient(create_app(landscape))


@pytest.mark.parametrize("kind", ["landscape", "policy", "actions", "overlap"])
def test_maps_are_served_as_self_contained_html_with_a_no_network_policy(
    client: TestClient, kind: str
) -> None:
    page = client.get(f"/maps/{kind}")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp


def test_map_links_nodes_to_entity_pages_when_served(client: TestClient) -> None:
    page = client.get("/maps/ego", params={"focus": "care-agency", "depth": "1"})
    assert page.status_code == 200 and "/id/care-agency" in page.text


def test_map_errors_are_clear(client: TestClient) -> None:
    assert client.get("/maps/ego", params={"focus": "no-such-body"}).status_code == 404
    bad = client.get("/maps/nonsense")
    assert bad.status_code == 400 and "unknown map kind" in bad.text
    assert client.get("/maps/ego", params={"focus": "care-agency", "depth": "x"}).status_code == 400


def test_overlap_report_formats_and_cache(client: TestClient) -> None:
    json_report = client.get("/reports/overlaps", params={"format": "json"})
    assert json_report.status_code == 200 and json_report.json()
    csv_report = client.get("/reports/overlaps", params={"format": "csv"})
    assert csv_report.headers["content-type"].startswith("text/csv")
    html = client.get("/reports/overlaps")
    assert html.status_code == 200 and "<table" in html.text
    assert client.get("/reports/overlaps", params={"format": "pdf"}).status_code == 400
    version = client.app.state.findings.version  # type: ignore[attr-defined]
    client.get("/reports/overlaps", params={"format": "md"})
    assert client.app.state.findings.version == version  # type: ignore[attr-defined]


@pytest.mark.parametrize("score", ["٠.٥", "０.５", "nan", "inf", "1_0", "0.5\n"])
def test_min_score_must_be_an_ascii_number(client: TestClient, score: str) -> None:
    response = client.get("/reports/overlaps", params={"format": "json", "minScore": score})
    assert response.status_code == 400 and "minScore must be a number" in response.text


def test_the_overlap_csv_over_http_reads_back_with_python_csv(client: TestClient) -> None:
    import csv
    import io

    body = client.get("/reports/overlaps", params={"format": "csv"}).content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need, as every CSV has
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert rows[0][0] == "id" and all(len(r) == len(rows[0]) for r in rows)
    assert text.endswith("\r\n")  # RFC 4180 rows: a lone CR or LF is inside a quoted cell
