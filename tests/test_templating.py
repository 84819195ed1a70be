"""One Jinja environment construction (issue #21 point 2): the pages and the written files
(maps, reports) are built by one function, with one autoescape policy and the same filters."""

from __future__ import annotations

import re
from pathlib import Path

from govgraph.api.pages import ENV as PAGES
from govgraph.visualisations.templating import environment

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIRS = ("api", "graph", "loaders", "ontology", "visualisations")


def test_one_place_constructs_a_jinja_environment() -> None:
    files = [ROOT / "cli.py"] + [p for d in PACKAGE_DIRS for p in (ROOT / d).rglob("*.py")]
    found = [
        str(p.relative_to(ROOT))
        for p in files
        for _ in re.finditer(r"\bEnvironment\(", p.read_text("utf-8"))
    ]
    assert found == ["visualisations/templating.py"]


def test_pages_and_written_files_share_filters_and_escaping() -> None:
    files = environment()
    assert set(files.filters) == set(PAGES.filters)
    assert PAGES.globals["label"] is files.globals["label"]
    for env in (files, PAGES):
        assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
        for name in ("page.html", "notes.txt", None):
            assert env.autoescape(name) if callable(env.autoescape) else env.autoescape
    assert PAGES.from_string("{{ 'inverclyde' | sentence }}").render() == "Inverclyde"
    assert files.from_string("{{ 'a b' | sentence }}").render() == "A b"
