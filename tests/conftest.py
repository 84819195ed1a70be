"""Shared fixtures: every test gets a fresh in-memory store unless it asks for more."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from govgraph.graph.analysis.findings import Finding
from govgraph.graph.storage.store import Store, open_store
from tests import hypothesis_profiles  # noqa: F401  (registers the tiers' profiles)
from tests.shared_build import built_once, private_copy

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"
"""The workspace's shared folder (seeds and public datasets); CI has it beside the clone."""


@pytest.fixture
def store() -> Iterator[Store]:
    s = open_store("memory:")
    yield s
    s.close()


@pytest.fixture
def landscape(store: Store) -> Store:
    """The store holding the tiny fixture landscape, with ontology and inferences."""
    from rdflib import Graph

    from govgraph.graph.checks.ontology_graph import load_ontology
    from govgraph.graph.checks.reasoning import materialise
    from govgraph.ontology.terms import GRAPH

    store.replace_graph(GRAPH["fixture"], Graph().parse(FIXTURES / "landscape.ttl"))
    load_ontology(store)
    materialise(store)
    return store


def _build_bundled(path: Path) -> None:
    """Load the bundled dataset into an embedded store at ``path`` (closed afterwards)."""
    from govgraph.loaders.bundled import bundled_loaders
    from govgraph.loaders.pipeline import load_sources

    with open_store(f"oxigraph:{path}") as s:
        report = load_sources(s, bundled_loaders(), validate=False, progress=False)
    assert not report.failed, [r.error for r in report.failed]


@pytest.fixture(scope="session")
def bundled_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store on disk holding the bundled dataset: loaded once per run (the
    xdist workers share one load through the run's common temporary folder), then copied
    into this worker's own folder."""
    own = tmp_path_factory.mktemp("bundled") / "store"
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        _build_bundled(own)
        return own
    shared = tmp_path_factory.getbasetemp().parent / "bundled-shared" / "store"
    return private_copy(built_once(shared, _build_bundled), own)


@pytest.fixture(scope="session")
def bundled_findings(bundled_store_path: Path) -> list[Finding]:
    """The overlap findings of the bundled dataset, computed once per session: they are a
    pure function of the data, and several modules read them."""
    from govgraph.graph.analysis.overlaps import compute_findings
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    with OxigraphStore(bundled_store_path, read_only=True) as store:
        return compute_findings(store)


@pytest.fixture
def bundled(bundled_store_path: Path) -> Iterator[Store]:
    """The bundled dataset, opened read-only (tests must not write to it)."""
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    s = OxigraphStore(bundled_store_path, read_only=True)
    yield s
    s.close()


@pytest.fixture
def artefacts() -> Path:
    """Where tests leave screenshots and files for people to look at (git-ignored)."""
    path = Path(__file__).parent / "artefacts"
    path.mkdir(exist_ok=True)
    return path


SLOW_HELPERS = ("tests.live_server", "tests.backends", "subprocess")
"""Modules whose use makes a test module start other processes: a server, the Oxigraph
server, a child program. Such tests are the slow tier (browser tests are marked one by one,
through ``tests.browser.needs_chromium``)."""


def starts_processes(module: object) -> bool:
    """Whether a test module uses one of :data:`SLOW_HELPERS` (a name imported from it, or
    the module itself)."""
    for value in vars(module).values():
        origin = getattr(value, "__module__", None) or getattr(value, "__name__", None)
        if origin in SLOW_HELPERS:
            return True
    return False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tiers: ``make test-fast`` runs what is left after ``-m "not slow"``. A test is
    slow when it drives a browser or a reasoner, or its module starts processes; a test
    may also say so itself with ``@pytest.mark.slow``."""
    for item in items:
        module = getattr(item, "module", None)
        heavy = item.get_closest_marker("browser") or item.get_closest_marker("reasoner")
        heavy = heavy or any(
            m.name == "skipif" and "chromium" in str(m.kwargs.get("reason", ""))
            for m in item.iter_markers()
        )
        if heavy or (module is not None and starts_processes(module)):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI a missing dependency (chromium, Java, the Oxigraph server, the shared seeds)
    fails the test that needs it: a skip there would hide a broken install step."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI, where every dependency must be installed: {reason}"
