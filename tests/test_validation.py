"""SHACL validation: clean data passes; each fault is one plain-language line naming the entity."""

from __future__ import annotations

from rdflib import Graph

from govgraph.graph.checks.ontology_graph import load_ontology
from govgraph.graph.checks.reasoning import materialise
from govgraph.graph.checks.validation import Violation, comparable_dates, validate
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GRAPH
from tests.conftest import FIXTURES


def load(store: Store, name: str, *, ontology: bool = True) -> None:
    store.replace_graph(GRAPH["test-data"], Graph().parse(FIXTURES / name))
    if ontology:
        load_ontology(store)
    materialise(store)


def test_valid_fixture_conforms(store: Store) -> None:
    load(store, "valid_landscape.ttl")
    report = validate(store)
    assert report.conforms, report.text()
    assert len(report) == 0


def test_validation_reads_the_ontology_from_the_package_when_the_store_lacks_it(
    store: Store,
) -> None:
    load(store, "valid_landscape.ttl", ontology=False)
    assert validate(store).conforms


BROKEN = [
    "Inverclyde IJB (id/inverclyde-ijb): property 'preferred name' — "
    "expected exactly 1 value, found 2",
    "id/inverclyde-council: property 'preferred name' — expected exactly 1 value, found 0",
    "id/relationship/ijb-directs-council: property 'citation' — expected at least 1 value, found 0",
    "id/relationship/ijb-directs-nhsggc: property 'start date' — "
    "start date must not be later than end date (start 2022, end 2021-05-17)",
    "id/relationship/bad-kind: property 'relationship kind' — "
    "must name a relationship kind defined by the ontology (such as gg:reportsTo)",
    "id/the-promise-partnershp: property 'type' — "
    "is referred to but not defined: it has no type from the govgraph ontology",
    "id/citation/no-document: property 'document' — expected exactly 1 value, found 0",
    "Support (id/action/support): property 'priority area' — expected exactly 1 value, found 0",
    "id/assessment/support-2021: property 'assessor' — expected at least 1 value, found 0",
]


def test_broken_fixture_reports_each_fault_once_on_its_own_line(store: Store) -> None:
    load(store, "broken_landscape.ttl")
    report = validate(store)
    assert not report.conforms
    assert sorted(report.lines()) == sorted(BROKEN)
    assert all("\n" not in line for line in report.lines())
    assert {v.severity for v in report} == {"Violation"}


def test_violation_line_names_entity_property_and_expectation() -> None:
    v = Violation(
        entity="https://w3id.org/govgraph/id/inverclyde-ijb",
        name="Inverclyde IJB",
        property="preferred name",
        message="expected exactly 1 value, found 2",
        severity="Violation",
    )
    assert v.line() == (
        "Inverclyde IJB (id/inverclyde-ijb): property 'preferred name' — "
        "expected exactly 1 value, found 2"
    )
    assert Violation("urn:x", "urn:x", "type", "m", "Warning").line() == (
        "warning: urn:x: property 'type' — m"
    )


def test_year_bounds_are_compared_as_intervals() -> None:
    gg = b"<https://w3id.org/govgraph/ontology#"
    data = (
        b"<https://w3id.org/govgraph/id/x> " + gg + b'startDate> "2021"^^'
        b"<http://www.w3.org/2001/XMLSchema#gYear> .\n"
        b"<https://w3id.org/govgraph/id/x> " + gg + b'endDate> "2021"^^'
        b"<http://www.w3.org/2001/XMLSchema#gYear> .\n"
    )
    rewritten, years = comparable_dates(data)
    assert b'"2021-01-01"^^<http://www.w3.org/2001/XMLSchema#date>' in rewritten
    assert b'"2021-12-31"^^<http://www.w3.org/2001/XMLSchema#date>' in rewritten
    assert years[("<https://w3id.org/govgraph/id/x>", "startDate")] == "2021"


def test_a_year_start_before_a_dated_end_in_that_year_is_valid(store: Store) -> None:
    turtle = """
    @prefix gg: <https://w3id.org/govgraph/ontology#> .
    @prefix id: <https://w3id.org/govgraph/id/> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    id:test-body a gg:Organisation ; skos:prefLabel "Test body" ;
        gg:startDate "2021"^^xsd:gYear ; gg:endDate "2021-05-17"^^xsd:date .
    """
    store.replace_graph(GRAPH["test-data"], Graph().parse(data=turtle, format="turtle"))
    assert validate(store).conforms
