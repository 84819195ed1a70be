"""The CLI end to end on an embedded on-disk store: load, reload, query."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govgraph.cli import app
from tests.conftest import FIXTURES

runner = CliRunner()
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"oxigraph:{tmp_path / 'store'}"


def count(store_url: str) -> int:
    result = runner.invoke(app, ["query", "--store", store_url, "--sparql", COUNT])
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"])


def test_query_prints_sparql_results_as_json(store_url: str) -> None:
    result = runner.invoke(app, ["query", "--store", store_url, "--sparql", COUNT])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["head"]["vars"] == ["n"]


def test_loading_twice_leaves_the_same_triple_count(store_url: str) -> None:
    source = f"rdf:{FIXTURES / 'landscape.ttl'}"
    first = runner.invoke(app, ["load", "--store", store_url, "--no-validate", source])
    assert first.exit_code == 0, first.output
    n = count(store_url)
    assert n > 100
    again = runner.invoke(app, ["load", "--store", store_url, "--no-validate", source])
    assert again.exit_code == 0, again.output
    assert count(store_url) == n


def test_store_comes_from_the_environment_variable(store_url: str) -> None:
    source = f"rdf:{FIXTURES / 'landscape.ttl'}"
    result = runner.invoke(
        app, ["load", "--no-validate", source], env={"GOVGRAPH_STORE": store_url}
    )
    assert result.exit_code == 0, result.output
    assert count(store_url) > 100


def test_graphql_query_prints_data_as_json(store_url: str) -> None:
    runner.invoke(
        app, ["load", "--store", store_url, "--no-validate", f"rdf:{FIXTURES / 'landscape.ttl'}"]
    )
    result = runner.invoke(
        app,
        [
            "query",
            "--store",
            store_url,
            "--graphql",
            '{ organisation(id: "care-agency") { name } }',
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"data": {"organisation": {"name": "Care Agency"}}}


def test_a_missing_source_is_one_clean_error_line(store_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["load", "--store", store_url, str(tmp_path / "nope.ttl")])
    assert result.exit_code == 1
    assert "nope.ttl" in result.output and "Traceback" not in result.output


def test_an_unknown_store_url_is_a_clean_error() -> None:
    result = runner.invoke(app, ["query", "--store", "ftp://x", "--sparql", COUNT])
    assert result.exit_code == 1 and "unknown store URL" in result.output


def test_help_documents_the_store_option_and_environment() -> None:
    result = runner.invoke(app, ["--help"])
    assert "GOVGRAPH_STORE" in result.output and "memory:" in result.output
    for command in ("load", "serve", "query"):
        assert command in result.output


def test_validate_is_clean_on_good_data_and_lists_each_violation_by_name(store_url: str) -> None:
    good = runner.invoke(
        app, ["load", "--store", store_url, f"rdf:{FIXTURES / 'valid_landscape.ttl'}"]
    )
    assert good.exit_code == 0, good.output
    clean = runner.invoke(app, ["validate", "--store", store_url])
    assert clean.exit_code == 0 and "conforms" in clean.output

    runner.invoke(
        app,
        ["load", "--store", store_url, "--no-validate", f"rdf:{FIXTURES / 'broken_landscape.ttl'}"],
    )
    broken = runner.invoke(app, ["validate", "--store", store_url])
    assert broken.exit_code == 1
    lines = [line for line in broken.stdout.splitlines() if line.strip()]
    assert len(lines) >= 5
    assert all("id/" in line for line in lines)  # each names its entity
    assert any(line.startswith("Inverclyde IJB (id/inverclyde-ijb)") for line in lines)


def test_export_writes_a_file_and_refuses_unknown_formats(store_url: str, tmp_path: Path) -> None:
    runner.invoke(
        app, ["load", "--store", store_url, "--no-validate", f"rdf:{FIXTURES / 'landscape.ttl'}"]
    )
    target = tmp_path / "x.graphml"
    ok = runner.invoke(app, ["export", "--store", store_url, "-f", "graphml", "-o", str(target)])
    assert ok.exit_code == 0 and target.stat().st_size > 1000
    bad = runner.invoke(app, ["export", "--store", store_url, "-f", "xlsx"])
    assert bad.exit_code == 1 and "unknown format" in bad.output


def test_map_writes_one_self_contained_file(store_url: str, tmp_path: Path) -> None:
    runner.invoke(
        app, ["load", "--store", store_url, "--no-validate", f"rdf:{FIXTURES / 'landscape.ttl'}"]
    )
    target = tmp_path / "x.html"
    ok = runner.invoke(app, ["map", "landscape", "--store", store_url, "-o", str(target)])
    assert ok.exit_code == 0, ok.output
    html = target.read_text(encoding="utf-8")
    assert "Care Agency" in html and "<script src=" not in html
    unknown = runner.invoke(
        app, ["map", "ego", "--focus", "nope", "--store", store_url, "-o", str(target)]
    )
    assert unknown.exit_code == 1 and "no entity" in unknown.output


def test_report_overlaps_is_deterministic_without_the_timestamp(
    store_url: str, tmp_path: Path
) -> None:
    runner.invoke(
        app, ["load", "--store", store_url, "--no-validate", f"rdf:{FIXTURES / 'landscape.ttl'}"]
    )
    outputs = []
    for n in range(2):
        target = tmp_path / f"r{n}.json"
        result = runner.invoke(
            app,
            [
                "report",
                "overlaps",
                "--store",
                store_url,
                "-f",
                "json",
                "--no-timestamp",
                "-o",
                str(target),
            ],
        )
        assert result.exit_code == 0, result.output
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] and b"cycle" in outputs[0]


def test_report_overlaps_scope_all_reports_at_least_the_scottish_findings(
    store_url: str, tmp_path: Path
) -> None:
    runner.invoke(
        app, ["load", "--store", store_url, "--no-validate", f"rdf:{FIXTURES / 'landscape.ttl'}"]
    )
    ids = {}
    for scope in ("scotland", "all"):
        target = tmp_path / f"{scope}.json"
        args = ["report", "overlaps", "--store", store_url, "--kind", "orphan", "-f", "json"]
        result = runner.invoke(app, [*args, "--scope", scope, "-o", str(target)])
        assert result.exit_code == 0, result.output
        ids[scope] = {f["id"] for f in json.loads(target.read_text())["findings"]}
    assert ids["scotland"] <= ids["all"]
    bad = runner.invoke(
        app, ["report", "overlaps", "--store", store_url, "--scope", "uk", "-o", "-"]
    )
    assert bad.exit_code == 1 and "unknown scope 'uk'" in bad.output
