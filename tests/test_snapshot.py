"""Copies and as-of snapshots: the stored landscape is never touched, and a snapshot holds
only what was valid on the day (own dates first, then establishment and closure events)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef

from govgraph.graph.analysis.snapshot import as_of, copy_store
from govgraph.graph.checks.ontology_graph import load_ontology
from govgraph.graph.checks.reasoning import materialise
from govgraph.graph.core.errors import QueryError
from govgraph.graph.storage.store import Store, open_store
from govgraph.ontology.terms import GG, GRAPH, ID, INFERRED_GRAPH
from tests.conftest import FIXTURES


def digests(store: Store) -> dict[str, str]:
    """Each graph's digest (blank nodes, which a copy may relabel, compare as equal)."""
    out = {}
    for g in store.graphs():
        lines = sorted(
            " ".join("_:b" if isinstance(t, BNode) else t.n3() for t in triple)
            for triple in store.graph_triples(g)
        )
        out[str(g)] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return out


@pytest.fixture
def scenario_store() -> Iterator[Store]:
    s = open_store("memory:")
    s.replace_graph(GRAPH["fixture"], Graph().parse(FIXTURES / "scenario_landscape.ttl"))
    load_ontology(s)
    materialise(s)
    yield s
    s.close()


def exists(store: Store, slug: str) -> bool:
    return store.ask(
        "ASK { VALUES ?e { <urn:govgraph:param:e> } ?e a ?t }", {"e": [URIRef(ID[slug])]}
    )


def has(store: Store, s: str, p: URIRef, o: str) -> bool:
    return store.ask(
        "ASK { VALUES (?s ?o) { (<urn:govgraph:param:s> <urn:govgraph:param:o>) } "
        "?s <urn:govgraph:param:p> ?o }",
        {"s": [ID[s]], "p": [p], "o": [ID[o]]},
    )


def test_copy_holds_every_quad_and_writes_to_it_leave_the_original(scenario_store: Store):
    before = digests(scenario_store)
    copy = copy_store(scenario_store)
    assert digests(copy) == before
    copy.drop_graph(GRAPH["fixture"])
    assert digests(scenario_store) == before
    assert scenario_store.count() > copy.count()


def test_copy_of_a_read_only_bundled_store_is_complete(bundled: Store):
    copy = copy_store(bundled)
    assert copy.count() == bundled.count()
    assert copy.graphs() == bundled.graphs()


def test_as_of_excludes_bodies_established_later(scenario_store: Store):
    snap = as_of(scenario_store, "2020-01-01")
    assert not exists(snap, "late-body")
    assert exists(snap, "board-a")
    assert exists(as_of(scenario_store, "2022"), "late-body")
    assert exists(scenario_store, "late-body")  # the stored landscape is untouched


def test_as_of_falls_back_to_closure_events(scenario_store: Store):
    assert exists(as_of(scenario_store, "2021-03-31"), "closed-body")
    assert not exists(as_of(scenario_store, "2021-04-01"), "closed-body")


def test_as_of_drops_relationships_that_ended_earlier_with_their_inferences(
    scenario_store: Store,
):
    early = as_of(scenario_store, "2019-01-01")
    assert has(early, "charity-y", GG.fundedBy, "east-council")
    assert has(early, "charity-y", GG.accountableTo, "east-council")  # inferred
    late = as_of(scenario_store, "2020-01-01")
    assert not has(late, "charity-y", GG.fundedBy, "east-council")
    assert not has(late, "charity-y", GG.accountableTo, "east-council")
    assert not late.ask("ASK { <https://w3id.org/govgraph/id/rel/charity-funding> ?p ?o }")
    assert has(late, "child-group", GG.reportsTo, "board-b")  # undated lines stay
    assert late.count(INFERRED_GRAPH) > 0


def test_as_of_drops_events_that_have_not_happened(scenario_store: Store):
    snap = as_of(scenario_store, "2021-01-01")
    assert not exists(snap, "event/late-body-established")
    assert not exists(snap, "event/closed-body-closed")
    assert exists(as_of(scenario_store, "2021-06"), "event/closed-body-closed")


@pytest.mark.parametrize("bad", ["2020-1-1", "yesterday", "", "2020/01/01", None])
def test_as_of_rejects_a_malformed_date(scenario_store: Store, bad: object):
    with pytest.raises(QueryError, match="YYYY"):
        as_of(scenario_store, bad)  # type: ignore[arg-type]


def test_a_date_diff_reads_the_stored_facts_once_and_builds_no_store(
    scenario_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both dates are cut in Python from one reading of the stored facts: no in-memory
    store is built for either date and nothing is inferred again (a bulk load and a
    re-inferring per date, 6 of the 18 s of a date diff on the bundled data)."""
    from govgraph.graph.analysis import impact, overlap_facts, snapshot

    fetches = 0
    real = overlap_facts.fetch

    def counted(store: Store, **kwargs: bool) -> overlap_facts.Facts:
        nonlocal fetches
        fetches += 1
        return real(store, **kwargs)

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a store was built or re-inferred for a date")

    monkeypatch.setattr(snapshot, "fetch", counted)
    monkeypatch.setattr(impact, "fetch", counted)
    monkeypatch.setattr(snapshot, "OxigraphStore", forbidden)
    monkeypatch.setattr(snapshot, "materialise", forbidden)
    monkeypatch.setattr(snapshot, "copy_store", forbidden)
    result, before, after = impact.date_diff(scenario_store, "2019-01-01", "2022")
    assert fetches == 1
    assert not before.holds(str(ID["late-body"])) and after.holds(str(ID["late-body"]))
    assert any(c.category == "body-added" for c in result.changes)


def test_a_date_diff_map_reads_its_edges_from_the_facts_already_read(
    scenario_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The difference map of a date diff (``/maps/diff``, the HTML report) draws from the
    same reading: no store per date, no re-inferring, no second read of every edge."""
    from govgraph.api.artefacts import diff_with_map
    from govgraph.graph.analysis import snapshot
    from govgraph.graph.facts import map_queries

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a store was built, re-inferred or read whole again")

    monkeypatch.setattr(snapshot, "OxigraphStore", forbidden)
    monkeypatch.setattr(snapshot, "materialise", forbidden)
    monkeypatch.setattr(map_queries, "relationship_edges", forbidden)
    monkeypatch.setattr(map_queries, "scope_core", forbidden)
    impact, model = diff_with_map(scenario_store, "2019-01-01", "2022")
    assert impact.changes and model.nodes and model.edges


def _facts_view(f: object) -> dict[str, object]:
    """The fields of :class:`Facts` the analyses read, citations in a fixed order (an
    engine lists rows in its own order)."""
    from govgraph.graph.analysis.overlap_facts import Facts

    assert isinstance(f, Facts)
    return {
        "names": f.names,
        "long_names": f.long_names,
        "types": f.types,
        "asserted": f.asserted,
        "edges": {p: sorted(rows) for p, rows in f.edges.items()},
        "edge_citations": {k: sorted(v) for k, v in f.edge_citations.items() if v},
        "entity_citations": {k: sorted(v) for k, v in f.entity_citations.items() if v},
        "statutory": f.statutory,
        "documents": f.documents,
        "source_documents": f.source_documents,
        "graph_titles": f.graph_titles,
        "assessments": f.assessments,
        "figures": f.figures,
        "collectives": f.collectives,
    }


def _same_as_a_snapshot(store: Store, days: tuple[str, ...]) -> None:
    """Each day's cut reads what the old way (an in-memory copy, cut and re-inferred) gave:
    the analyses' facts, the map's edges, entities, names, node facts, scope and sources."""
    from govgraph.graph.analysis.overlap_facts import fetch
    from govgraph.graph.analysis.snapshot import Landscape, dated_rows
    from govgraph.graph.facts import map_queries as q
    from govgraph.visualisations import extract as x
    from govgraph.visualisations.kinds import AGGREGATED_CLASSES, LANDSCAPE_CLASSES

    landscape = Landscape(store)
    # the relationships' rows, assembled from the facts and two scans, are the query's
    assert sorted(landscape.relationships, key=repr) == sorted(dated_rows(store)[1], key=repr)
    kinds = [*x.relationship_kind_iris(), str(GG.leadOrganisation)]
    classes = [str(c) for c in (*LANDSCAPE_CLASSES, *AGGREGATED_CLASSES)]
    everyone = sorted(landscape.facts.types)
    for day in days:
        cut, snap = landscape.at(day), as_of(store, day)

        def edges(found: list[q.EdgeFacts]) -> list[tuple[object, ...]]:
            return sorted((e.subject, e.kind, e.object, e.start, e.end, e.sources) for e in found)

        assert _facts_view(cut.facts) == _facts_view(fetch(snap)), day
        assert edges(cut.edges(kinds)) == edges(q.relationship_edges(snap, kinds)), day
        assert cut.named_entities_of(classes) == set(q.named_entities_of(snap, classes)), day
        assert cut.scope_core() & set(everyone) == q.scope_core(snap) & set(everyone), day
        assert cut.names(everyone) == q.names(snap, everyone), day
        assert cut.entity_facts(everyone) == q.named_entity_facts(snap, everyone), day
        assert cut.sources() == q.sources(snap), day
        snap.close()


def test_a_cut_reads_what_a_snapshot_of_the_day_holds(scenario_store: Store) -> None:
    _same_as_a_snapshot(
        scenario_store, ("1990", "2019-01-01", "2020-01-01", "2021-03-31", "2021-04-01", "2030")
    )


def test_a_cut_of_the_bundled_data_reads_what_a_snapshot_holds(bundled: Store) -> None:
    _same_as_a_snapshot(bundled, ("1990", "2016-01-01", "2021-05-17", "2024-06-01"))


def test_a_snapshot_of_a_stored_landscape_holds_what_a_copy_cut_at_the_date_holds(
    bundled: Store,
) -> None:
    """The stated graphs and ontology read once, cut and re-inferred, give every graph of
    the old way (a copy of everything, cut, re-inferred), quad for quad."""
    from govgraph.graph.analysis import snapshot

    base = snapshot.dated(bundled)
    for day in ("2016-01-01",):
        reference = copy_store(bundled)
        engine = snapshot.oxigraph(reference)
        snapshot.remove_entities(engine, snapshot.invalid_entities(reference, day))
        snapshot._remove_relationships(engine, base.relationships, day)
        snapshot.rematerialise(reference)
        assert digests(base.at(day)) == digests(reference)


def test_snapshots_of_a_versioned_store_are_cut_from_its_engine(
    scenario_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind ``oxigraph+versions:`` (the default store) a copy and a date's snapshot are
    dumped from the version being read, not rebuilt as an rdflib graph per source graph."""
    from govgraph.graph.analysis import snapshot

    url = f"oxigraph+versions:{tmp_path / 'versions'}"
    with open_store(url) as writer:
        for g in scenario_store.graphs():
            graph = Graph()
            for triple in scenario_store.graph_triples(g):
                graph.add(triple)
            writer.replace_graph(g, graph)
    versioned = open_store(url)
    try:

        def no_rdflib_copy(*args: object, **kwargs: object) -> None:
            raise AssertionError("copied through rdflib graphs")

        monkeypatch.setattr(snapshot, "Graph", no_rdflib_copy)
        assert snapshot.dated(versioned).nquads
        assert digests(copy_store(versioned)) == digests(scenario_store)
        for day in ("2019-01-01", "2021-04-01"):
            assert digests(as_of(versioned, day)) == digests(as_of(scenario_store, day))
    finally:
        versioned.close()
