"""Configuration is read, never written: no module of the package assigns to the process
environment (it once passed the store to server workers that way)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIRS = ("api", "graph", "loaders", "ontology", "visualisations")
WRITERS = {"update", "setdefault", "pop", "clear", "__setitem__", "__delitem__"}


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def environment_writes(source: str) -> list[int]:
    """Lines that assign to, delete from or mutate ``os.environ``, or call ``os.putenv``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
        if any(isinstance(t, ast.Subscript) and _is_environ(t.value) for t in targets):
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in WRITERS and _is_environ(node.func.value):
                lines.append(node.lineno)
            if node.func.attr in ("putenv", "unsetenv"):
                lines.append(node.lineno)
    return sorted(lines)


def test_the_checker_sees_each_way_of_writing_the_environment() -> None:
    source = (
        "import os\nos.environ['A'] = '1'\nos.environ.update(B='2')\ndel os.environ['A']\n"
        "os.putenv('C', '3')\nos.environ.setdefault('D', '4')\nx = os.environ.get('E')\n"
    )
    assert environment_writes(source) == [2, 3, 4, 5, 6]


def test_no_module_of_the_package_writes_the_environment() -> None:
    files = [ROOT / "cli.py"] + [p for d in PACKAGE_DIRS for p in (ROOT / d).rglob("*.py")]
    found = {
        str(p.relative_to(ROOT)): lines
        for p in files
        if (lines := environment_writes(p.read_text("utf-8")))
    }
    assert found == {}


# --- one configuration, read in one module (issue #21 point 3) ----------------------------

CONFIG_MODULE = Path("graph/core/config.py")


def environment_reads(source: str) -> list[int]:
    """Lines that touch ``os.environ``/``environ`` or call ``getenv`` (docstrings aside)."""
    names = {"environ", "environb", "getenv"}
    lines = []
    for node in ast.walk(ast.parse(source)):
        attribute = isinstance(node, ast.Attribute) and node.attr in names
        imported = isinstance(node, ast.ImportFrom) and {a.name for a in node.names} & names
        if attribute or imported:
            lines.append(node.lineno)
    return sorted(set(lines))


def test_the_read_checker_sees_each_way_of_reading_the_environment() -> None:
    source = (
        "import os\nfrom os import getenv\nx = os.environ.get('A')\ny = os.getenv('B')\n"
        '"""os.environ in a docstring is no read"""\n'
    )
    assert environment_reads(source) == [2, 3, 4]


def test_only_the_core_config_module_reads_the_environment() -> None:
    files = [ROOT / "cli.py"] + [p for d in PACKAGE_DIRS for p in (ROOT / d).rglob("*.py")]
    found = {
        str(p.relative_to(ROOT)): lines
        for p in files
        if p.relative_to(ROOT) != CONFIG_MODULE
        and (lines := environment_reads(p.read_text("utf-8")))
    }
    assert found == {}


def test_config_reads_every_variable_under_its_documented_name() -> None:
    from govgraph.graph.core.config import Config

    config = Config.from_environ(
        {
            "GOVGRAPH_STORE": "memory:",
            "GOVGRAPH_CACHE": "/tmp/c",
            "GOVGRAPH_HEADER_TIMEOUT": " 2.5 ",
            "GOVGRAPH_MAX_SOURCE_BYTES": "10",
            "GOVGRAPH_MAX_STREAM_BYTES": "20",
            "GOVGRAPH_MAX_DEPTH": "4",
            "CI": "1",
            "HOME": "/home/x",
        }
    )
    assert (config.store, config.cache, config.header_timeout, config.ci) == (
        "memory:",
        "/tmp/c",
        "2.5",
        True,
    )
    assert (config.max_source_bytes, config.max_stream_bytes) == ("10", "20")
    assert "HOME" not in config.variables and config.variable("GOVGRAPH_MAX_DEPTH") == "4"
    assert Config.from_environ({}) == Config()


def test_values_are_handed_down_from_one_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's settings and header deadline come from the Config they are given, not
    from whatever the environment holds later."""
    from govgraph.api.app import create_app
    from govgraph.api.server import header_timeout_setting
    from govgraph.api.settings import Settings
    from govgraph.graph.core.config import Config
    from govgraph.graph.storage.store import open_store

    config = Config.from_environ({"GOVGRAPH_MAX_DEPTH": "3", "GOVGRAPH_HEADER_TIMEOUT": "4"})
    monkeypatch.setenv("GOVGRAPH_MAX_DEPTH", "9")
    monkeypatch.setenv("GOVGRAPH_HEADER_TIMEOUT", "7")
    assert Settings.from_config(config).max_depth == 3
    assert header_timeout_setting(config) == 4.0
    assert header_timeout_setting() == 7.0
    with open_store("memory:") as store:
        app = create_app(store, config=config)
        assert app.state.settings.max_depth == 3
