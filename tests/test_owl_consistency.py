"""A real OWL 2 DL reasoner (HermiT, via owlready2) over the ontology plus data."""

from __future__ import annotations

import pytest
from rdflib import Graph

from govgraph.graph.checks import owl_check
from govgraph.graph.checks.owl_check import ReasonerError, check_consistency
from govgraph.graph.storage.store import Store
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


@pytest.mark.reasoner
@pytest.mark.parametrize("fmt", ["rdf", "nt"])
def test_stock_hermit_finds_the_served_ontology_consistent(store: Store, fmt: str) -> None:
    """#19 item 13: no --ignoreUnsupportedDatatypes. A union of xsd:date and xsd:gYear (outside
    OWL 2's datatype map) made stock HermiT throw UnsupportedDatatypeException."""
    from starlette.testclient import TestClient

    from govgraph.api.app import create_app
    from govgraph.api.settings import Settings
    from govgraph.graph.checks.owl_check import ontology_is_consistent

    served = TestClient(create_app(store, settings=Settings())).get(f"/ontology?format={fmt}")
    assert served.status_code == 200
    assert ontology_is_consistent(served.content, timeout=120)


def test_datatype_properties_range_over_owl2_datatypes_only() -> None:
    """ROBOT-style tools and reasoners load the ontology as OWL 2 DL only if every range and
    every defined datatype stays inside OWL 2's datatype map."""
    from rdflib.namespace import OWL, RDF, RDFS, XSD

    from govgraph.ontology.model import load_graph

    allowed = {XSD[n] for n in ("string", "integer", "decimal", "boolean", "dateTime", "anyURI")}
    allowed |= {RDFS.Literal, RDF.langString}
    graph = load_graph()
    ranges = {
        r
        for p in graph.subjects(RDF.type, OWL.DatatypeProperty)
        for r in graph.objects(p, RDFS.range)
    }
    assert ranges - allowed == set()
    assert list(graph.subjects(RDF.type, RDFS.Datatype)) == []
