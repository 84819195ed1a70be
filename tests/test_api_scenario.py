"""GraphQL `scenario(changes:)` and `overlaps(asOf:)`, and the /reports/diff and /maps/diff
routes, on the fixture landscape: answers with evidence, clear errors, the store untouched."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import ID
from tests.api_support import data, gql

FIELDS = """title beforeLabel afterLabel steps
    countsBefore { name value } countsAfter { name value }
    changes { category categoryLabel summary subjects { id name } before after findingId
              evidence { text sources { title locator } } }
    findingsResolved findingsNew"""
MERGE = '{op: MERGE, subjects: ["Group A", "Group B"], into: "Joint Group"}'


@pytest.fixture
def client(landscape: Store) -> TestClient:
    return TestClient(create_app(landscape))


def scenario(client: TestClient, changes: str, fields: str = FIELDS) -> dict[str, Any]:
    return gql(client, f"{{ scenario(changes: [{changes}]) {{ {fields} }} }}")


def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {r["name"]: r["value"] for r in rows}


def test_a_merge_lists_its_changes_with_evidence_and_counts(client: TestClient) -> None:
    body = scenario(client, MERGE)
    assert "errors" not in body, body["errors"]
    impact = body["data"]["scenario"]
    before, after = counts(impact["countsBefore"]), counts(impact["countsAfter"])
    assert before["groups"] == after["groups"] + 1
    removed = {
        s["id"] for c in impact["changes"] if c["category"] == "BODY_REMOVED" for s in c["subjects"]
    }
    assert {str(ID["group-a"]), str(ID["group-b"])} <= removed
    assert all(c["evidence"] for c in impact["changes"])
    assert any("Scenario step 1" in e["text"] for c in impact["changes"] for e in c["evidence"])
    assert impact["steps"] and "Joint Group" in impact["steps"][0]
    # Group A and Group B report to each other: merging them ends the cycle finding.
    assert impact["findingsResolved"] >= 1
    resolved = [c for c in impact["changes"] if c["category"] == "FINDING_RESOLVED"]
    assert len(resolved) == impact["findingsResolved"] and resolved[0]["findingId"]


def test_a_scenario_never_changes_the_stored_landscape(
    client: TestClient, landscape: Store
) -> None:
    quads = landscape.count()
    assert "errors" not in scenario(client, MERGE, "title")
    assert landscape.count() == quads
    org = data(client, '{ organisation(id: "group-a") { name } }')
    assert org["organisation"]["name"] == "Group A"


def test_every_op_is_accepted(client: TestClient) -> None:
    changes = ", ".join(
        [
            '{op: RENAME, subjects: ["Lonely Network"], to: "Friendly Network"}',
            '{op: MOVE, subjects: ["Care Agency"], under: "Alba Parliament", kind: "reportsTo"}',
            '{op: ABOLISH, subjects: ["Oversight Group"], transferTo: "Alba Parliament"}',
            '{op: ADD, name: "Promise Board", type: "Board", accountableTo: "Alba Government",'
            ' members: ["Helping Charity"]}',
        ]
    )
    body = scenario(client, changes, "steps changes { category }")
    assert "errors" not in body, body["errors"]
    categories = {c["category"] for c in body["data"]["scenario"]["changes"]}
    assert {"BODY_RENAMED", "BODY_REMOVED", "BODY_ADDED"} <= categories
    assert len(body["data"]["scenario"]["steps"]) == 4


def test_an_unknown_body_is_an_error_naming_it(client: TestClient, landscape: Store) -> None:
    quads = landscape.count()
    body = scenario(client, '{op: ABOLISH, subjects: ["Ministry of Nowhere"]}', "title")
    assert body["data"] is None
    assert "Ministry of Nowhere" in body["errors"][0]["message"]
    assert landscape.count() == quads


def test_a_missing_field_and_too_many_subjects_are_clear_errors(client: TestClient) -> None:
    missing = scenario(client, '{op: RENAME, subjects: ["Group A"]}', "title")
    assert "missing required field 'to'" in missing["errors"][0]["message"]
    many = scenario(client, '{op: RENAME, subjects: ["Group A", "Group B"], to: "X"}', "title")
    assert "exactly one body" in many["errors"][0]["message"]
    empty = gql(client, "{ scenario(changes: []) { title } }")
    assert "at least one change" in empty["errors"][0]["message"]


def test_the_full_scenario_query_is_within_the_cost_limit(client: TestClient) -> None:
    body = scenario(client, MERGE)
    assert not any("cost" in e["message"] for e in body.get("errors", []))


def test_overlaps_as_of_leaves_out_bodies_established_later(client: TestClient) -> None:
    query = "{ overlaps(first: 1000%s) { subjects(first: 10) { id } } }"
    now = data(client, query % "")["overlaps"]
    then = data(client, query % ', asOf: "2020-01-01"')["overlaps"]
    oversight = str(ID["oversight-group"])
    assert any(s["id"] == oversight for f in now for s in f["subjects"])
    assert not any(s["id"] == oversight for f in then for s in f["subjects"])
    bad = gql(client, '{ overlaps(asOf: "soon") { id } }')
    assert "YYYY-MM-DD" in bad["errors"][0]["message"]


def test_the_diff_report_route_serves_each_format(client: TestClient) -> None:
    url = "/reports/diff?from=2019-06-01&to=2021-06-01"
    doc = client.get(url + "&format=json")
    assert doc.status_code == 200 and doc.headers["content-type"] == "application/json"
    added = {
        s["id"]
        for c in doc.json()["changes"]
        if c["category"] == "body-added"
        for s in c["subjects"]
    }
    assert str(ID["oversight-group"]) in added
    html = client.get(url)
    assert html.status_code == 200
    assert "default-src 'none'" in html.headers["content-security-policy"]
    assert 'href="/id/oversight-group"' in html.text
    md = client.get(url + "&format=md")
    assert md.text.startswith("# Impact:")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("to=2021", "'from' is required"),
        ("from=2019", "'to' is required"),
        ("from=yesterday&to=2021", "'from'"),
        ("from=2019&to=2021&format=pdf", "format must be one of html, md, json"),
    ],
)
def test_bad_diff_parameters_are_400_with_a_clear_message(
    client: TestClient, query: str, message: str
) -> None:
    response = client.get("/reports/diff?" + query)
    assert response.status_code == 400 and message in response.text
    if "format" not in query:
        assert client.get("/maps/diff?" + query).status_code == 400


def test_the_diff_map_route_serves_the_difference_map(client: TestClient) -> None:
    response = client.get("/maps/diff?from=2019-06-01&to=2021-06-01")
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "Difference map" in response.text and "Added (only after)" in response.text
    assert client.get("/maps/landscape").status_code == 200, "other maps still route"


def test_more_than_max_changes_is_refused_as_for_a_file(client: TestClient) -> None:
    from govgraph.graph.analysis.scenario import MAX_CHANGES

    body = scenario(client, ", ".join([MERGE] * (MAX_CHANGES + 1)), "title")
    assert body["data"] is None
    message = body["errors"][0]["message"]
    assert "field 'changes'" in message
    assert f"at most {MAX_CHANGES} changes, not {MAX_CHANGES + 1}" in message


UNREAL_DATES = ["2020-02-30", "0000-01-01", "0000", "２０２０", "٢٠٢٠-01-01"]
"""Dates `\\d` used to let through: impossible, year 0 and other scripts' digits."""


@pytest.mark.parametrize("day", UNREAL_DATES)
def test_unreal_dates_are_refused_everywhere_with_400(client: TestClient, day: str) -> None:
    for path in (f"/reports/diff?from={day}&to=2021", f"/maps/diff?from=2019&to={day}"):
        response = client.get(path)
        assert response.status_code == 400, path
    assert client.get(f"/maps/landscape?asOf={day}").status_code == 400
    body = gql(client, "query($d: String) { overlaps(asOf: $d) { id } }", d=day)
    assert "asOf must be a date" in body["errors"][0]["message"]
    body = gql(client, "query($d: String) { organisations(asOf: $d) { totalCount } }", d=day)
    assert "asOf must be a date" in body["errors"][0]["message"]


@pytest.mark.parametrize("depth", ["٣", "３", "2%0a", "-1"])
def test_a_map_depth_must_be_ascii_digits(client: TestClient, depth: str) -> None:
    response = client.get(f"/maps/ego?focus=group-a&depth={depth}")
    assert response.status_code == 400
    assert "whole number" in response.text


def test_a_graphql_as_of_with_a_trailing_newline_is_refused(client: TestClient) -> None:
    body = gql(client, "query($d: String) { organisations(asOf: $d) { totalCount } }", d="2021\n")
    assert "asOf must be a date" in body["errors"][0]["message"]
