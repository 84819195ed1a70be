"""Materialised inferences: subclass types, super-properties, inverses, symmetry, transitivity."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from govgraph.graph.checks.ontology_graph import load_ontology
from govgraph.graph.checks.reasoning import Rules, close_edges, materialise, transitive_closure
from govgraph.graph.storage.store import Store
from govgraph.ontology import model as m
from govgraph.ontology.terms import GG, GRAPH, ID, INFERRED_GRAPH
from tests.conftest import FIXTURES

DATA = GRAPH["test-data"]
# Structural placeholders (not facts about real bodies): only the shape of the graph matters.
A, B, C, D, E, F = (ID[f"test/{x}"] for x in "abcdef")
ACT1, ACT2 = ID["test/action-1"], ID["test/action-2"]


def small_graph() -> Graph:
    g = Graph()
    g.add((A, RDF.type, GG.TerritorialHealthBoard))
    g.add((A, GG.reportsTo, B))  # -> accountableTo, and B receivesReportsFrom A
    g.add((B, GG.sponsoredBy, C))  # chain: A accountableTo C through B
    g.add((D, GG.directs, A))  # inverse: A directedBy D -> A accountableTo D
    g.add((E, GG.partnerOf, F))  # symmetric
    g.add((ACT1, GG.linkedAction, ACT2))
    g.add((B, GG.hasRemitIn, ID["test/policy"]))  # -> hasInterestIn
    return g


def inferred(store: Store) -> set[tuple[URIRef, URIRef, URIRef]]:
    return set(store.graph_triples(INFERRED_GRAPH))  # type: ignore[arg-type]


def test_types_follow_the_class_hierarchy(store: Store) -> None:
    store.replace_graph(DATA, small_graph())
    materialise(store)
    got = inferred(store)
    for cls in (GG.HealthBoard, GG.PublicBody, GG.Organisation, GG.Agent, GG.LandscapeEntity):
        assert (A, RDF.type, cls) in got
    assert (A, RDF.type, GG.TerritorialHealthBoard) not in got, "asserted triples are not repeated"


def test_super_properties_inverses_and_symmetry(store: Store) -> None:
    store.replace_graph(DATA, small_graph())
    materialise(store)
    got = inferred(store)
    assert (A, GG.accountableTo, B) in got
    assert (B, GG.receivesReportsFrom, A) in got
    assert (B, GG.holdsToAccount, A) in got
    assert (A, GG.directedBy, D) in got
    assert (A, GG.accountableTo, D) in got
    assert (F, GG.partnerOf, E) in got
    assert (ACT2, GG.linkedAction, ACT1) in got
    assert (B, GG.hasInterestIn, ID["test/policy"]) in got


def test_accountable_to_is_closed_transitively_upward_only(store: Store) -> None:
    store.replace_graph(DATA, small_graph())
    materialise(store)
    got = inferred(store)
    assert (A, GG.accountableTo, C) in got
    # the inverse of the closure is not materialised (3 x 10^5 triples at 10^4 bodies, all on
    # the bodies at the top); direct inverses are (B holdsToAccount A above)
    assert (C, GG.holdsToAccount, A) not in got
    assert (D, GG.accountableTo, A) not in got


def test_only_new_triples_are_written_and_reruns_are_stable(store: Store) -> None:
    store.replace_graph(DATA, small_graph())
    first = materialise(store)
    assert first == store.count(INFERRED_GRAPH) > 0
    assert not inferred(store) & set(store.graph_triples(DATA))
    assert materialise(store) == first


def test_cycles_close_like_a_sparql_plus_path() -> None:
    assert transitive_closure([("a", "b"), ("b", "a"), ("b", "c")]) == {
        ("a", "b"), ("a", "a"), ("a", "c"), ("b", "a"), ("b", "b"), ("b", "c")
    }  # fmt: skip


def test_rules_are_read_from_the_ontology_not_hand_listed() -> None:
    g = Graph()
    ns = str(GG)
    pp, qq, ii = URIRef(ns + "testP"), URIRef(ns + "testQ"), URIRef(ns + "testInv")
    for prop in (pp, qq, ii):
        g.add((prop, RDF.type, OWL.ObjectProperty))
    g.add((qq, RDF.type, OWL.TransitiveProperty))
    g.add((pp, RDFS.subPropertyOf, qq))
    g.add((qq, OWL.inverseOf, ii))
    rules = Rules.from_model(m.build_model(g))
    closed = close_edges(rules, {f"<{pp}>": {("<1>", "<2>"), ("<2>", "<3>")}})
    assert ("<1>", "<3>") in closed[f"<{qq}>"]
    assert ("<3>", "<1>") in closed[f"<{ii}>"]


def _pairs(store: Store, query: str) -> set[tuple[str, str]]:
    return {(str(r["x"]), str(r["y"])) for r in store.select(query)}


def test_sparql_path_over_asserted_data_equals_materialised_accountable_to(
    store: Store,
) -> None:
    """Asserted data alone, followed through every accountability kind and inverse with a
    SPARQL property path, gives exactly the materialised gg:accountableTo pairs."""
    data = Graph().parse(FIXTURES / "valid_landscape.ttl") + small_graph()
    steps = []
    for prop in m.properties():
        direction = m.accountability_direction(prop.iri)
        if direction is not None:
            steps.append(f"^<{prop.iri}>" if direction[1] else f"<{prop.iri}>")
    path = "(" + "|".join(sorted(steps)) + ")+"

    from govgraph.graph.storage.store import open_store

    with open_store("memory:") as asserted_only:
        asserted_only.replace_graph(DATA, data)
        expected = _pairs(asserted_only, f"SELECT DISTINCT ?x ?y WHERE {{ ?x {path} ?y }}")

    store.replace_graph(DATA, data)
    load_ontology(store)
    materialise(store)
    direct = _pairs(store, "SELECT DISTINCT ?x ?y WHERE { ?x gg:accountableTo ?y }")
    plus = _pairs(store, "SELECT DISTINCT ?x ?y WHERE { ?x gg:accountableTo+ ?y }")
    assert expected and direct == expected
    assert plus == direct, "the materialised relation is already transitive"


@pytest.mark.slow
def test_on_the_bundled_data_accountable_to_plus_equals_the_materialised_closure(
    bundled: Store,
) -> None:
    """The issue's check, on the real landscape: a `gg:accountableTo+` path query and a plain
    query over the materialised gg:accountableTo give the same pairs, and so does a path
    over the asserted accountability kinds alone."""
    plus = _pairs(bundled, "SELECT DISTINCT ?x ?y WHERE { ?x gg:accountableTo+ ?y }")
    closed = _pairs(bundled, "SELECT DISTINCT ?x ?y WHERE { ?x gg:accountableTo ?y }")
    steps = []
    for prop in m.properties():
        direction = m.accountability_direction(prop.iri)
        if direction is not None:
            steps.append(f"^<{prop.iri}>" if direction[1] else f"<{prop.iri}>")
    path = "(" + "|".join(sorted(steps)) + ")+"
    asserted = _pairs(
        bundled,
        "SELECT DISTINCT ?x ?y WHERE { GRAPH ?g { ?x ?p ?z } "
        "FILTER(?g != ggraph:inferred && ?g != ggraph:ontology) "
        f"?x {path} ?y }}",
    )
    assert len(closed) > 50
    assert plus == closed == asserted
