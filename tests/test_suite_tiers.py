"""The test suite itself (issue #21 point 7): two tiers, no fixed sleeps, no wall-clock
windows, and costly data built once per run rather than once per worker.

Speed is for the benchmarks: a test that asserts how long something took fails when the
machine is busy, not when the code is wrong. Waiting is done by polling a condition (or
Playwright's own waiting), never by sleeping a fixed time and hoping.
"""

from __future__ import annotations

import ast
import re
import threading
from collections.abc import Iterator
from pathlib import Path

from hypothesis import settings

from tests.hypothesis_profiles import FAST, FULL, examples
from tests.shared_build import built_once, private_copy

TESTS = Path(__file__).parent
ROOT = TESTS.parent
CLOCKS = {"perf_counter", "monotonic", "time", "process_time", "perf_counter_ns", "time_ns"}
"""Functions of :mod:`time` that read a clock."""
DURATION_NAMES = re.compile(r"(^|_)(elapsed|took|duration|latenc(y|ies)|throughput|per_second)")


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(TESTS.rglob("*.py")):
        if "vendor" not in path.parts:
            yield path, ast.parse(path.read_text("utf-8"), str(path))


def _is_clock(node: ast.AST) -> bool:
    """A call such as ``time.perf_counter()``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCKS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "time"
    )


def _timing_assertion(test: ast.Assert) -> bool:
    """An assertion about a measured duration: a clock reading minus another, or a name
    that holds one. A poll's deadline (``time.monotonic() < deadline``) measures nothing."""
    for node in ast.walk(test.test):
        is_difference = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub)
        if is_difference and (_is_clock(node.left) or _is_clock(node.right)):  # type: ignore[attr-defined]
            return True
        if isinstance(node, ast.Name) and DURATION_NAMES.search(node.id):
            return True
        if isinstance(node, ast.Attribute) and DURATION_NAMES.search(node.attr):
            return True
    return False


def _is_sleep(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"sleep", "wait_for_timeout"}
    )


def _fixed_sleeps(tree: ast.Module) -> Iterator[int]:
    """Sleeps written straight into a test's body, outside any loop: a wait for something
    to happen that never checks whether it has. (Sleeps in a poll's loop, or in a helper
    playing a slow or stalled party, are not waits.)"""

    def visit(node: ast.AST, in_loop: bool) -> Iterator[int]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue  # a helper: its sleeps are its own behaviour
            if _is_sleep(child) and not in_loop:
                yield child.lineno
            yield from visit(child, in_loop or isinstance(child, ast.For | ast.While))

    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
            node.name.startswith("test_")
        ):
            yield from visit(node, False)


def test_no_test_asserts_how_long_something_took() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert) and _timing_assertion(node)
    ]
    assert found == [], "timing belongs in the benchmarks (scripts/bench_*.py)"


def test_no_test_sleeps_a_fixed_time_instead_of_polling() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path, tree in _sources()
        for line in _fixed_sleeps(tree)
    ]
    assert found == [], "poll for the condition (or use Playwright's expect) instead"


def test_playwright_never_waits_a_fixed_time() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted(TESTS.glob("*.py"))
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if "wait_for_timeout(" in line and path.name != Path(__file__).name
    ]
    assert found == []


def test_the_fast_tier_draws_fewer_hypothesis_examples_and_the_full_tier_all() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    recipes = dict(re.findall(r"^(test|test-fast):[^\n]*\n((?:\t.*\n)+)", makefile, re.M))
    assert f"--hypothesis-profile={FAST}" in recipes["test-fast"]
    assert '-m "not slow"' in recipes["test-fast"]
    assert "hypothesis-profile" not in recipes["test"] and "not slow" not in recipes["test"]
    assert settings.get_profile(FULL).max_examples == 100
    assert 1 <= settings.get_profile(FAST).max_examples < 100
    assert examples(25) == 25 * settings.default.max_examples // 100 or examples(25) == 1


def test_a_costly_build_runs_once_however_many_workers_ask(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "store"
    builds: list[int] = []
    start = threading.Barrier(4)
    got: list[Path] = []

    def build(path: Path) -> None:
        builds.append(1)
        path.mkdir()
        (path / "data").write_text("built")

    def worker() -> None:
        start.wait()  # all four ask at the same moment
        got.append(built_once(shared, build))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert builds == [1] and got == [shared] * 4
    assert (shared / "data").read_text() == "built"


def test_a_build_left_half_done_is_built_again(tmp_path: Path) -> None:
    shared = tmp_path / "store"
    shared.mkdir()
    (shared / "partial").write_text("")

    def build(path: Path) -> None:
        path.mkdir()
        (path / "data").write_text("built")

    built_once(shared, build)
    assert sorted(p.name for p in shared.iterdir()) == ["data"]


def test_each_worker_gets_its_own_copy_of_a_shared_store(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "store"
    shared.mkdir(parents=True)
    (shared / "CURRENT").write_text("x")
    shared.with_name("store.version").write_text("v1\n")
    own = private_copy(shared, tmp_path / "own" / "store")
    assert (own / "CURRENT").read_text() == "x"
    assert own.with_name("store.version").read_text() == "v1\n"
    (own / "CURRENT").write_text("changed")
    assert (shared / "CURRENT").read_text() == "x"
