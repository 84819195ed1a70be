"""The package is type-checked: `make lint`, `make test` and `make test-fast` (so CI) run
`make typecheck`, its mypy settings are strict enough to catch real errors, and an ignore
that stays names its error code and says why. mypy itself runs in `make typecheck`; these
tests keep the wiring and the rules from quietly going away."""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIRS = ("api", "graph", "loaders", "ontology", "visualisations")
STRICT = (
    "check_untyped_defs",
    "disallow_untyped_defs",
    "disallow_incomplete_defs",
    "warn_return_any",
    "no_implicit_optional",
    "warn_unused_ignores",
    "strict_equality",
)
IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<rest>.*)")
WITH_REASON = re.compile(r"\[[a-z-]+(?:,\s*[a-z-]+)*\]\s+#\s*\S")


def _make_prerequisites(makefile: str, target: str) -> list[str]:
    match = re.search(rf"^{re.escape(target)}:(?P<deps>[^\n=]*)$", makefile, re.MULTILINE)
    assert match is not None, f"no '{target}' target in the Makefile"
    return match["deps"].split()


def package_files() -> list[Path]:
    files = [p for d in PACKAGE_DIRS for p in sorted((ROOT / d).rglob("*.py"))]
    return [*sorted(ROOT.glob("*.py")), *files]


def ignores_without_reason(source: str) -> list[int]:
    """Lines whose ``# type: ignore`` lacks an error code or a reason after it."""
    bad = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type != tokenize.COMMENT:
            continue
        found = IGNORE.search(tok.string)
        if found and not WITH_REASON.match(found["rest"].strip()):
            bad.append(tok.start[0])
    return bad


def test_lint_test_and_test_fast_run_the_type_checker() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("lint", "test", "test-fast"):
        assert "typecheck" in _make_prerequisites(makefile, target), target
    recipe = makefile.split("\ntypecheck:", 1)[1].split("\n\n", 1)[0]
    assert "mypy" in recipe and "-p govgraph" in recipe
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    test_extra = " ".join(extra["project"]["optional-dependencies"]["test"])
    assert "mypy" in test_extra and "types-PyYAML" in test_extra


def test_mypy_settings_are_strict() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert [flag for flag in STRICT if config.get(flag) is not True] == []
    assert "strawberry.ext.mypy_plugin" in config["plugins"]


def test_the_checker_sees_an_ignore_without_a_reason() -> None:
    assert ignores_without_reason("x = f()  # type: ignore\n") == [1]
    assert ignores_without_reason("x = f()  # type: ignore[arg-type]\n") == [1]
    assert ignores_without_reason("x = f()  # type: ignore[arg-type]  # stub is wrong\n") == []
    assert ignores_without_reason('x = "# type: ignore"\n') == []


def test_every_type_ignore_names_its_code_and_reason() -> None:
    bad = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in package_files()
        for line in ignores_without_reason(path.read_text(encoding="utf-8"))
    ]
    assert bad == []
