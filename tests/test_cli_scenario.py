"""`govgraph scenario`, `govgraph report diff` and `--as-of` end to end on the fixture
landscape in an embedded on-disk store: reports are written, the store never changes, and
bad input ends with a clear message, exit code 2 and no file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govgraph.cli import app
from govgraph.ontology.terms import ID
from tests.conftest import FIXTURES

runner = CliRunner()
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
MERGE = """name: Merge the two groups
changes:
  - merge: [Group A, Group B]
    into: Joint Group
"""


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"oxigraph:{tmp_path_factory.mktemp('cli-scenario') / 'store'}"
    result = runner.invoke(
        app, ["load", "--store", url, "--no-validate", f"rdf:{FIXTURES / 'landscape.ttl'}"]
    )
    assert result.exit_code == 0, result.output
    return url


def count(store_url: str) -> int:
    result = runner.invoke(app, ["query", "--store", store_url, "--sparql", COUNT])
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])


def scenario_file(tmp_path: Path, text: str = MERGE) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def subject_ids(doc: dict[str, object], category: str) -> set[str]:
    return {
        s["id"]
        for c in doc["changes"]  # type: ignore[attr-defined]
        if c["category"] == category
        for s in c["subjects"]
    }


def test_a_scenario_writes_its_impact_and_leaves_the_store_alone(
    store_url: str, tmp_path: Path
) -> None:
    before = count(store_url)
    out = tmp_path / "impact.json"
    result = runner.invoke(
        app,
        [
            "scenario",
            str(scenario_file(tmp_path)),
            "--store",
            store_url,
            "--format",
            "json",
            "--no-timestamp",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text("utf-8"))
    assert doc["title"] == "Merge the two groups"
    assert {str(ID["group-a"]), str(ID["group-b"])} <= subject_ids(doc, "body-removed")
    assert doc["before"]["counts"]["groups"] == doc["after"]["counts"]["groups"] + 1
    assert all(c["evidence"] for c in doc["changes"]), "every change carries its evidence"
    assert count(store_url) == before


def test_the_html_impact_report_embeds_the_difference_map_and_reruns_identically(
    store_url: str, tmp_path: Path
) -> None:
    path = scenario_file(tmp_path)
    args = ["scenario", str(path), "--store", store_url, "--no-timestamp", "-o"]
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert runner.invoke(app, [*args, str(first)]).exit_code == 0
    assert runner.invoke(app, [*args, str(second)]).exit_code == 0
    html = first.read_text("utf-8")
    assert "Difference map" in html and 'sandbox="allow-scripts" srcdoc=' in html
    assert "Joint Group" in html and "Group A" in html
    assert first.read_bytes() == second.read_bytes()


def test_markdown_goes_to_stdout_by_default(store_url: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["scenario", str(scenario_file(tmp_path)), "--store", store_url, "-f", "md"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Impact: Merge the two groups")


def test_an_unknown_body_fails_clearly_with_exit_2_and_writes_nothing(
    store_url: str, tmp_path: Path
) -> None:
    before = count(store_url)
    path = scenario_file(tmp_path, "name: Bad\nchanges:\n  - abolish: Ministry of Nowhere\n")
    out = tmp_path / "never.html"
    result = runner.invoke(app, ["scenario", str(path), "--store", store_url, "-o", str(out)])
    assert result.exit_code == 2
    assert "Ministry of Nowhere" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    assert count(store_url) == before


def test_a_malformed_scenario_names_the_file_and_exits_2(store_url: str, tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "name: Bad\nchanges:\n  - explode: Group A\n")
    result = runner.invoke(app, ["scenario", str(path), "--store", store_url])
    assert result.exit_code == 2
    assert "scenario.yaml:3" in result.stderr and "merge, abolish" in result.stderr


def test_a_missing_file_and_a_bad_format_exit_2(store_url: str, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["scenario", str(tmp_path / "no.yaml"), "--store", store_url])
    assert missing.exit_code == 2 and "no.yaml" in missing.stderr
    bad = runner.invoke(
        app, ["scenario", str(scenario_file(tmp_path)), "--store", store_url, "-f", "pdf"]
    )
    assert bad.exit_code == 2 and "html, md, json" in bad.stderr


def test_report_diff_lists_what_ended_and_began_between_two_dates(
    store_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "diff.json"
    result = runner.invoke(
        app,
        [
            "report",
            "diff",
            "--from",
            "2019-06-01",
            "--to",
            "2021-06-01",
            "--store",
            store_url,
            "-f",
            "json",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text("utf-8"))
    # Old Name Body ended 2019-12-31; New Name Body began 2020; Oversight Group in 2021.
    assert str(ID["old-name-body"]) in subject_ids(doc, "body-removed")
    assert {str(ID["new-name-body"]), str(ID["oversight-group"])} <= subject_ids(doc, "body-added")


def test_report_diff_refuses_a_bad_date(store_url: str) -> None:
    result = runner.invoke(
        app, ["report", "diff", "--from", "last year", "--to", "2021", "--store", store_url]
    )
    assert result.exit_code == 2 and "last year" in result.stderr


def test_as_of_on_query_leaves_out_bodies_established_later(store_url: str) -> None:
    ask = f"ASK {{ <{ID['oversight-group']}> ?p ?o }}"
    now = runner.invoke(app, ["query", "--store", store_url, "--sparql", ask])
    then = runner.invoke(
        app, ["query", "--store", store_url, "--as-of", "2020-01-01", "--sparql", ask]
    )
    assert json.loads(now.stdout)["boolean"] is True
    assert then.exit_code == 0, then.output
    assert json.loads(then.stdout)["boolean"] is False


def test_as_of_on_graphql_query_export_and_overlaps(store_url: str, tmp_path: Path) -> None:
    gql = '{ organisation(id: "oversight-group") { name } }'
    then = runner.invoke(
        app, ["query", "--store", store_url, "--as-of", "2020-01-01", "--graphql", gql]
    )
    assert json.loads(then.stdout)["data"]["organisation"] is None
    exported = runner.invoke(
        app, ["export", "--store", store_url, "--as-of", "2020-01-01", "-f", "nt"]
    )
    assert exported.exit_code == 0
    assert str(ID["oversight-group"]) not in exported.stdout
    assert str(ID["care-agency"]) in exported.stdout
    report = runner.invoke(
        app,
        ["report", "overlaps", "--store", store_url, "--as-of", "2020", "-f", "json", "-o", "-"],
    )
    assert report.exit_code == 0, report.output
    assert "oversight-group" not in report.stdout


def test_a_bad_as_of_date_is_a_clear_error(store_url: str) -> None:
    result = runner.invoke(
        app, ["query", "--store", store_url, "--as-of", "2020-1", "--sparql", COUNT]
    )
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.stderr


def test_a_scenario_of_more_than_max_changes_is_refused_at_the_first_extra_change(
    store_url: str, tmp_path: Path
) -> None:
    from govgraph.graph.analysis.scenario import MAX_CHANGES

    steps = "".join(f"  - rename: Group A\n    to: Name {i}\n" for i in range(MAX_CHANGES + 1))
    path = scenario_file(tmp_path, "name: Many\nchanges:\n" + steps)
    out = tmp_path / "never.html"
    result = runner.invoke(app, ["scenario", str(path), "--store", store_url, "-o", str(out)])
    assert result.exit_code == 2
    line = 3 + 2 * MAX_CHANGES  # the first change past the limit
    assert f"scenario.yaml:{line}: field 'changes'" in result.stderr
    assert f"at most {MAX_CHANGES} changes, not {MAX_CHANGES + 1}" in result.stderr
    assert not out.exists()


def test_a_scenario_alias_bomb_is_refused_at_its_alias(store_url: str) -> None:
    result = runner.invoke(
        app, ["scenario", str(FIXTURES / "scenarios" / "alias-bomb.yaml"), "--store", store_url]
    )
    assert result.exit_code == 2
    assert "alias-bomb.yaml:9:13" in result.stderr
    assert "aliases expand to more than" in result.stderr
    assert len(result.stderr) < 1000


@pytest.mark.parametrize("day", ["2020-02-30", "0000-01-01", "２０２０"])
def test_unreal_dates_are_refused_by_as_of_and_report_diff(store_url: str, day: str) -> None:
    query = runner.invoke(app, ["query", "--store", store_url, "--as-of", day, "--sparql", COUNT])
    assert query.exit_code != 0 and "YYYY-MM-DD" in query.stderr
    diff = runner.invoke(
        app, ["report", "diff", "--from", day, "--to", "2021", "--store", store_url]
    )
    assert diff.exit_code == 2 and day in diff.stderr
