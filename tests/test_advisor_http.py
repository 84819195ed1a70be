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
from govgraph.graph.storage.store import Store

GENERATED = re.compile(rb',"generated":"[^"]*"')
"""The one line that differs between two runs (the minute the report was made)."""


@pytest.fixture(scope="module")
def store(bundled_store_path: Path) -> Store:
    """Read-only and not closed (a read-only pyoxigraph store refuses the flush)."""
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

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


# --- compare (issue #18 item 4) ---------------------------------------------------------
def test_compare_page_shows_two_bodies_side_by_side_with_shared_items(client: TestClient) -> None:
    page = client.get("/compare", params={"a": "childrens-hearings-scotland", "b": "scra"})
    assert page.status_code == 200
    text = page.text
    assert "Children&#39;s Hearings Scotland" in text and "Reporter Administration" in text
    for heading in ("Type", "Client groups served", "Accountability lines", "Plan actions led"):
        assert heading in text
    assert 'class="gg-shared"' in text and 'href="/id/childrens-hearings-scotland"' in text
    data = client.get(
        "/compare", params={"a": "childrens-hearings-scotland", "b": "scra", "format": "json"}
    ).json()
    clients = next(r for r in data["rows"] if r["key"] == "clients")
    assert clients["shared"] >= 1 and all(any(i["shared"] for i in c) for c in clients["cells"])


def test_compare_refuses_one_body_and_names_an_unknown_one(client: TestClient) -> None:
    assert client.get("/compare", params={"a": "scra"}).status_code == 400
    missing = client.get("/compare", params={"a": "scra", "b": "no-such-body"})
    assert missing.status_code == 404


def test_graphql_compare_is_the_pages_comparison(client: TestClient) -> None:
    query = (
        '{ compare(a: "childrens-hearings-scotland", b: "scra") '
        "{ bodies { name } rows { key shared } } }"
    )
    body = client.post("/graphql", json={"query": query}).json()["data"]["compare"]
    page = client.get(
        "/compare", params={"a": "childrens-hearings-scotland", "b": "scra", "format": "json"}
    ).json()
    assert [b["name"] for b in body["bodies"]] == [b["name"] for b in page["bodies"]]
    assert body["rows"] == [{"key": r["key"], "shared": r["shared"]} for r in page["rows"]]


# --- recommendations over HTTP and GraphQL (items 1, 4) ---------------------------------
def test_every_recommendation_links_to_its_comparison_and_impact(client: TestClient) -> None:
    query = """{ overlaps(kind: [RATIONALISATION], first: 50) { id
      recommendation { action reason confidence compareUrl impactUrl
                       scoreParts { remit people parent place } signals { text sources } } } }"""
    found = client.post("/graphql", json={"query": query}).json()["data"]["overlaps"]
    assert found and all(f["recommendation"] for f in found)
    top = found[0]["recommendation"]
    assert top["action"] in ("MERGE", "FOLD_INTO_PARENT") and top["impactUrl"]
    for f in found:
        compare = client.get(f["recommendation"]["compareUrl"])
        assert compare.status_code == 200, f["recommendation"]["compareUrl"]
    impact = client.get(top["impactUrl"])
    assert impact.status_code == 200 and "Inverclyde" in impact.text
    assert client.get("/reports/recommendations/rationalisation-000000000000").status_code == 404


# --- the report as a working document (item 5) -----------------------------------------
def test_the_report_links_bodies_findings_and_comparisons(client: TestClient) -> None:
    page = client.get("/reports/overlaps", params={"kind": "rationalisation"}).text
    assert 'href="/id/i-promise-board"' in page
    assert re.search(r'<a class="compare" href="/compare\?a=[^"]+&amp;from=', page)
    assert 'href="/reports/recommendations/rationalisation-' in page
    assert "more facts in the JSON output" not in page
    assert '<form class="filters"' in page and 'name="asOf"' in page
    assert '<option value="rationalisation" selected>' in page


def test_the_filters_narrow_the_findings(client: TestClient) -> None:
    def count(**params: str) -> int:
        found = client.get("/reports/overlaps", params={"format": "json", **params}).json()
        return len(found["findings"])

    everything = count(kind="")
    assert count(kind="rationalisation") < everything
    assert count(minScore="0.9") < everything
    assert count(scope="all") > everything  # UK-wide orphans too
    assert client.get("/reports/overlaps", params={"scope": "mars"}).status_code == 400


# --- reporting responsibilities (item 3) ---------------------------------------------------
def test_to_whom_the_oversight_board_reports_and_how_often(client: TestClient) -> None:
    data = client.get(
        "/reports/reporting-lines", params={"body": "promise-oversight-board", "format": "json"}
    ).json()
    [line] = [ln for ln in data["lines"] if ln["reporter"]["id"] == "promise-oversight-board"]
    assert line["receiver"]["name"] == "Scottish Parliament"
    assert line["kind"] == "reports to" and line["frequency"] == "at least annually"
    assert any(s["title"] == "The Plan" for s in line["sources"])


def test_what_the_family_support_delivery_group_reports_to(client: TestClient) -> None:
    query = """{ reportingLines(body: "family-support-delivery-group") {
      reporter { id } receiver { name } kind frequency sources } }"""
    lines = client.post("/graphql", json={"query": query}).json()["data"]["reportingLines"]
    [line] = [ln for ln in lines if ln["reporter"]["id"] == "family-support-delivery-group"]
    assert line["receiver"]["name"].startswith("National collective leadership group")
    assert line["frequency"] is None and line["sources"]
    page = client.get("/reports/reporting-lines", params={"body": "family-support-delivery-group"})
    assert "National collective leadership group" in page.text and "Not stated" in page.text


def test_reporting_lines_flag_several_receivers_and_bodies_with_no_line(
    client: TestClient,
) -> None:
    data = client.get("/reports/reporting-lines", params={"format": "json"}).json()
    ijb = [ln for ln in data["lines"] if ln["reporter"]["name"].endswith("Integration Joint Board")]
    assert ijb and all(ln["frequency"] == "annually" for ln in ijb if ln["kind"] == "reports to")
    assert any("reports to 2 bodies" in ln["flags"] for ln in ijb)
    assert data["noStatedLine"] and all(x["name"] for x in data["noStatedLine"])
    csv_download = client.get("/reports/reporting-lines", params={"format": "csv"}).content
    csv_text = csv_download.decode("utf-8-sig")  # as a spreadsheet reads it
    assert csv_text.startswith("reporter,line,receiver,about,frequency")


def test_names_people_use_carry_the_long_form_on_hover(client: TestClient) -> None:
    page = client.get("/reports/overlaps", params={"kind": "co-leads"}).text
    assert 'title="Convention of Scottish Local Authorities">COSLA</a>' in page


def test_the_reporting_view_takes_a_body_by_the_name_people_use(client: TestClient) -> None:
    by_id = client.get("/reports/reporting-lines?body=promise-oversight-board&format=json")
    by_name = client.get(
        "/reports/reporting-lines", params={"body": "The Promise Oversight Board", "format": "json"}
    )
    assert by_name.status_code == 200 and by_name.json() == by_id.json()
    unknown = client.get("/reports/reporting-lines", params={"body": "Oversight Bored"})
    assert unknown.status_code == 404 and "Oversight Board" in unknown.text
