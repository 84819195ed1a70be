"""Bad input for every loader: a clear error naming the place, and a store left as it was.

Each case starts from a store holding the fixture landscape plus the loader's own valid
source (so a failed reload of that source would visibly change it), takes the digest of
every named graph, feeds the bad input through the load pipeline, and checks the error and
the digests. The loader is also called directly, to prove it raises SourceError and no
other exception type. The cases are in tests/bad_input/ (see its README.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govgraph.graph.core.errors import SourceError
from govgraph.graph.storage.integrity import dataset_digests
from govgraph.graph.storage.store import Store
from govgraph.loaders.base import MAX_SOURCE_BYTES_ENV, max_source_bytes
from govgraph.loaders.registry import LOADERS
from tests.bad_input.cases import (
    BASES,
    CORPUS,
    EXPECT,
    LOADS,
    Case,
    all_cases,
    corpus_files,
    run_case,
)

CASES = all_cases()


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad-input")


@pytest.mark.parametrize("case", [c for c in CASES if not c.loads], ids=lambda c: c.id)
def test_bad_input_names_its_place_and_changes_nothing(case: Case, work: Path) -> None:
    outcome = run_case(case, work)

    assert outcome.error is not None, "the bad input loaded"
    assert outcome.unchanged, "a failed load changed the store"
    assert isinstance(outcome.raised, SourceError), repr(outcome.raised)
    if case.env:  # the size limit trips on whichever of the source's files is read first
        assert str(outcome.culprit.parent) in outcome.error
    elif case.whole_file:  # not a file at all: there is no line or field to name
        assert outcome.culprit.name in outcome.error
    else:
        assert outcome.culprit.name in outcome.error
        assert re.search(re.escape(outcome.culprit.name) + r":\d+", outcome.error) or (
            "field '" in outcome.error or "limit" in outcome.error
        ), "the error names neither a line nor a field"
    for fragment in case.expect:
        assert fragment in outcome.error


@pytest.mark.parametrize("case", [c for c in CASES if c.loads], ids=lambda c: c.id)
def test_valid_odd_input_loads(case: Case, work: Path) -> None:
    """A UTF-8 BOM is accepted everywhere; CSV loaders read Latin-1 (with a warning);
    cells that look like spreadsheet formulas are stored as the plain text written."""
    outcome = run_case(case, work)
    assert outcome.error is None and outcome.raised is None
    if case.keeps is not None:
        assert case.keeps in outcome.literals


def test_every_loader_has_bad_input() -> None:
    kinds = {c.kind for c in CASES if not c.loads}
    assert kinds == set(LOADERS) == set(BASES)


def test_every_corpus_file_has_expectations_and_is_listed_in_the_readme() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for path in corpus_files():
        key = f"{path.parent.name}/{path.name}"
        assert key in EXPECT or key in LOADS, f"{key} has no expected error"
        assert f"`{key}`" in readme, f"{key} is not listed in tests/bad_input/README.md"
    for key in (*EXPECT, *LOADS):
        assert (CORPUS / key).is_file(), f"{key} is expected but missing"


def test_the_size_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_SOURCE_BYTES_ENV, raising=False)
    assert max_source_bytes() == 64 * 1024 * 1024
    monkeypatch.setenv(MAX_SOURCE_BYTES_ENV, "1000")
    assert max_source_bytes() == 1000
    monkeypatch.setenv(MAX_SOURCE_BYTES_ENV, "lots")
    with pytest.raises(SourceError, match=MAX_SOURCE_BYTES_ENV):
        max_source_bytes()


def test_dataset_digests_see_a_leftover_staging_graph(landscape: Store) -> None:
    """The digests cover every named graph, including a staging graph a crashed load
    might leave, which Store.graphs() hides."""
    from rdflib import Graph, Literal, URIRef

    from govgraph.graph.storage.store import STAGING_PREFIX

    before = dataset_digests(landscape)
    g = Graph()
    g.add((URIRef("https://example.org/a"), URIRef("https://example.org/b"), Literal("c")))
    landscape.replace_graph(URIRef(STAGING_PREFIX + "left-over"), g)
    assert dataset_digests(landscape) != before
