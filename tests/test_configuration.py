"""Configuration is read, never written: no module of the package assigns to the process
environment (it once passed the store to server workers that way)."""

from __future__ import annotations

import ast
from pathlib import Path

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
