"""The bundled landscape as `govgraph load` leaves it: counts, sources and examples."""

from __future__ import annotations

from rdflib import Literal, URIRef

from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import entity


def count(store: Store, where: str) -> int:
    row = store.select_one(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")
    return int(row["n"].toPython())  # type: ignore[union-attr]


def test_plan_counts_five_priority_areas_and_twenty_five_led_actions(bundled: Store) -> None:
    assert count(bundled, "?e a gg:PriorityArea") == 5
    assert count(bundled, "?e a gg:Action") == 25
    assert count(bundled, "?e a gg:Action ; gg:leadOrganisation ?lead") == 25
    assert count(bundled, "?e a gg:Action ; gg:hasAssessment/gg:assessmentStatus ?s") == 25


def test_official_geography_counts(bundled: Store) -> None:
    assert (
        count(bundled, "?e a gg:LocalAuthority ; gg:gssCode ?c FILTER(STRSTARTS(?c, 'S12'))") == 32
    )
    assert count(bundled, "?e a gg:TerritorialHealthBoard") == 14
    assert count(bundled, "?e a gg:IntegrationAuthority") == 31
    assert (
        count(bundled, "?e a gg:IntegrationAuthority ; gg:partnerOf ?p . ?p a gg:LocalAuthority")
        == 31
    )
    assert (
        count(bundled, "?e a gg:IntegrationAuthority ; gg:partnerOf ?p . ?p a gg:HealthBoard") == 31
    )


def test_at_least_150_care_service_providers(bundled: Store) -> None:
    assert count(bundled, "?e gg:provides ?service . ?service a gg:CareService") >= 150


def test_at_least_sixty_organisations_or_groups_come_from_the_seed_documents(
    bundled: Store,
) -> None:
    n = count(
        bundled,
        "?e a gg:Agent ; gg:citation/gg:document ?d . ?d dcterms:identifier ?file "
        "FILTER(STRENDS(?file, '.txt'))",
    )
    assert n >= 60


def test_no_organisation_or_relationship_lacks_a_source(bundled: Store) -> None:
    assert count(bundled, "?e a gg:Agent FILTER NOT EXISTS { ?e gg:citation ?c }") == 0
    assert count(bundled, "?e a gg:Relationship FILTER NOT EXISTS { ?e gg:citation ?c }") == 0


def test_the_five_foundations_are_a_concept_scheme(bundled: Store) -> None:
    names = {
        str(r["name"])
        for r in bundled.select("SELECT ?name WHERE { ?f a gg:Foundation ; skos:prefLabel ?name }")
    }
    assert names == {"Voice", "Family", "Care", "People", "Scaffolding"}


def test_actions_led_by_police_scotland_are_exactly_those_the_change_programme_names(
    bundled: Store,
) -> None:
    rows = bundled.select(
        "SELECT ?name WHERE { ?a gg:leadOrganisation ?o ; skos:prefLabel ?name . "
        "VALUES ?o { <urn:govgraph:param:org> } }",
        {"org": [entity("police-scotland")]},
    )
    assert sorted(str(r["name"]) for r in rows) == ["Workforce Support", "Youth Justice"]


def holds(store: Store, s: str, p: str, o: str) -> bool:
    return store.ask(
        "ASK { <urn:govgraph:param:s> <urn:govgraph:param:p> <urn:govgraph:param:o> }",
        {
            "s": [entity(s)],
            "p": [URIRef("https://w3id.org/govgraph/ontology#" + p)],
            "o": [entity(o)],
        },
    )


def test_the_relationships_the_documents_state_are_there(bundled: Store) -> None:
    assert holds(bundled, "promise-oversight-board", "reportsTo", "scottish-parliament")
    assert holds(bundled, "corra-foundation", "administers", "the-promise-partnership")
    assert holds(bundled, "inverclyde-ijb", "directs", "inverclyde-council")
    assert holds(bundled, "inverclyde-ijb", "directs", "nhs-greater-glasgow-and-clyde")
    assert holds(bundled, "the-promise-scotland", "commissions", "data-for-children-collaborative")
    assert holds(bundled, "independent-strategic-advisor", "advises", "scottish-ministers")


def test_official_directories_attach_to_curated_bodies_instead_of_duplicating_them(
    bundled: Store,
) -> None:
    for name in ("Inverclyde Council", "NHS Greater Glasgow and Clyde", "Care Inspectorate"):
        rows = bundled.select(
            "SELECT DISTINCT ?e WHERE { VALUES ?name { <urn:govgraph:param:name> } "
            "{ ?e skos:prefLabel ?n } UNION { ?e skos:altLabel ?n } "
            "FILTER(LCASE(STR(?n)) = LCASE(STR(?name))) ?e a gg:Organisation }",
            {"name": [Literal(name)]},
        )
        assert len(rows) == 1, (name, rows)
