"""A real OWL 2 DL reasoner (HermiT, via owlready2) over the ontology plus data."""

from __future__ import annotations

import pytest
from rdflib import Graph

from govgraph.graph import owl_check
from govgraph.graph.owl_check import ReasonerError, check_consistency
from govgraph.graph.store import Store
from govgraph.ontology.terms import GRAPH
from tests.conftest import FIXTURES


@pytest.mark.reasoner
def test_ontology_and_valid_fixture_are_consistent(store: Store) -> None:
    store.replace_graph(GRAPH["test-data"], Graph().parse(FIXTURES / "valid_landscape.ttl"))
    result = check_consistency(store, timeout=120)
    assert result.consistent, result.explanation
    assert result.unsatisfiable_classes == ()


@pytest.mark.reasoner
def test_organisation_typed_with_two_disjoint_classes_is_inconsistent() -> None:
    result = check_consistency(Graph().parse(FIXTURES / "inconsistent.ttl"), timeout=120)
    assert not result.consistent
    assert result.clashes == (
        "Inverclyde Council (id/inverclyde-council) is typed both 'local authority' and "
        "'territorial health board', which the ontology declares disjoint",
    )
    assert "Inverclyde Council" in result.explanation


@pytest.mark.reasoner
@pytest.mark.slow
def test_ontology_and_bundled_data_are_consistent(bundled: Store) -> None:
    result = check_consistency(bundled, timeout=300)
    assert result.consistent, result.explanation


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owl_check.shutil, "which", lambda name: None)
    with pytest.raises(ReasonerError, match="needs Java 17"):
        check_consistency(Graph())
