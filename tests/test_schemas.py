"""The schemas of the YAML files people edit: declared once as pydantic models, exported as
JSON Schema for editors (docs/schemas/, ``govgraph schema NAME``), and checked so that every
problem of a file is reported at once, each at its line, column and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govgraph.cli import SCHEMA_DIR, app, schema_models
from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.schema import json_schema, validate
from govgraph.graph.core.yaml_reader import load_yaml
from govgraph.loaders.bundled import data_dir
from govgraph.loaders.curated_schema import OrganisationsFile

ROOT = Path(__file__).parent.parent


def test_every_committed_json_schema_matches_its_model() -> None:
    models = schema_models()
    committed = {p.name.removesuffix(".schema.json") for p in SCHEMA_DIR.glob("*.schema.json")}
    assert committed == set(models), "run `govgraph schema --write` and commit docs/schemas/"
    stale = [
        name
        for name, model in models.items()
        if (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
        != json_schema(model, name)
    ]
    assert not stale, f"{stale} drifted from their models: run `govgraph schema --write`"


def test_the_cli_prints_a_schema_and_lists_them() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["schema", "plan"])
    assert result.exit_code == 0
    assert result.stdout == (SCHEMA_DIR / "plan.schema.json").read_text(encoding="utf-8")
    listed = runner.invoke(app, ["schema", "list"]).stdout.split()
    assert listed == list(schema_models())
    assert runner.invoke(app, ["schema", "nonsense"]).exit_code == 2


def test_every_bundled_yaml_file_points_its_editor_at_an_existing_schema() -> None:
    files = [
        *sorted((data_dir() / "curated").glob("*.yaml")),
        ROOT / "data/examples/route-map-example.yaml",
    ]
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        found = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert found, f"{path.name} does not name its schema on its first line"
        assert (path.parent / found.group(1)).resolve().is_file(), path.name


def test_all_problems_are_reported_with_line_column_and_field() -> None:
    text = (
        "organisations:\n"
        "  - id: Bad_Id\n"  # 2: not an id
        "    name: [a]\n"  # 3: not text
        "    type: Board\n"
        "    colour: red\n"  # 5: unknown field (at its key)
        "    sources: [{doc: d.txt, locator: s}]\n"
        "  - id: fine\n"  # 7: name and sources missing (at the record)
        "    type: Board\n"
    )
    with pytest.raises(SourceError) as caught:
        validate(OrganisationsFile, load_yaml(text, "o.yaml"), "o.yaml", leaf_fields=True)
    problems = [(p.line, p.column, p.field) for p in caught.value.problems]  # type: ignore[attr-defined]
    assert problems == [
        (2, 9, "id"),
        (3, 11, "name"),
        (5, 5, "colour"),
        (7, 5, "name"),
        (7, 5, "sources"),
    ]
    message = str(caught.value)
    assert message.startswith("o.yaml:2:9: field 'id': expected an id of lower-case letters")
    assert "5 problems in all" in message
    assert (
        "o.yaml:5:5: field 'colour': unknown field in an organisation: expected one of" in message
    )
    assert (
        "o.yaml:7:5: field 'sources': missing required field 'sources' in an organisation"
        in message
    )


def test_values_without_positions_are_reported_without_a_line() -> None:
    with pytest.raises(SourceError) as caught:
        validate(OrganisationsFile, {"organisations": [{"id": "x"}]}, None)
    assert caught.value.line is None
    assert caught.value.field == "organisations[0].name"
