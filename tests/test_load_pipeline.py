"""Loading is all-or-nothing per source, idempotent, and reports what it did."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govgraph.graph.storage.integrity import store_digests
from govgraph.graph.storage.store import Store
from govgraph.loaders.bundled import data_dir
from govgraph.loaders.curated import CuratedLoader
from govgraph.loaders.pipeline import load_sources
from govgraph.loaders.rdf_file import RdfFileLoader
from govgraph.ontology.terms import INFERRED_GRAPH
from tests.conftest import FIXTURES


def test_reloading_a_source_replaces_its_graph_and_keeps_the_count(store: Store) -> None:
    load_sources(store, [RdfFileLoader(FIXTURES / "landscape.ttl")], validate=False)
    first = store.count()
    report = load_sources(store, [RdfFileLoader(FIXTURES / "landscape.ttl")], validate=False)
    assert store.count() == first
    assert report.sources[0].new_entities == 0 and report.sources[0].entities > 15


def test_a_yaml_syntax_error_on_line_7_names_line_7_and_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    curated = tmp_path / "curated"
    shutil.copytree(data_dir() / "curated", curated)
    load_sources(store, [CuratedLoader(curated)], validate=False)
    before, digests = store.count(), store_digests(store)

    path = curated / "collectives.yaml"
    lines = path.read_text().splitlines()
    lines[6] = lines[6] + " : [unbalanced"  # line 7
    path.write_text("\n".join(lines) + "\n")
    report = load_sources(store, [CuratedLoader(curated)], validate=False)

    assert report.failed and "collectives.yaml:7" in (report.sources[0].error or "")
    assert store.count() == before and store_digests(store) == digests


@pytest.mark.slow
def test_the_bundled_load_reports_every_source_and_conforms_to_the_shapes(
    bundled_store_path: Path,
) -> None:
    from govgraph.graph.checks.validation import validate
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    with OxigraphStore(bundled_store_path, read_only=True) as s:
        assert validate(s).conforms


@pytest.mark.slow
def test_loading_the_bundled_dataset_twice_leaves_the_same_quad_count(tmp_path: Path) -> None:
    from govgraph.graph.storage.store import open_store
    from govgraph.loaders.bundled import bundled_loaders

    with open_store(f"oxigraph:{tmp_path / 'store'}") as s:
        first = load_sources(s, bundled_loaders(), validate=False)
        n = s.count()
        second = load_sources(s, bundled_loaders(), validate=False)
        assert s.count() == n
    assert [r.triples for r in first.sources] == [r.triples for r in second.sources]
    assert all(r.new_entities == 0 for r in second.sources)


class _Crashing(RdfFileLoader):
    """A loader with a bug: it fails with an exception that is not a SourceError."""

    def triples(self, resolver):  # type: ignore[no-untyped-def]
        yield from super().triples(resolver)
        raise AttributeError("'NoneType' object has no attribute 'strip'")

    def write_ntriples(self, out):  # type: ignore[no-untyped-def]
        super().write_ntriples(out)
        raise AttributeError("'NoneType' object has no attribute 'strip'")


def test_a_loader_bug_fails_its_source_alone_and_keeps_what_was_stored(
    store: Store, tmp_path: Path
) -> None:
    load_sources(store, [RdfFileLoader(FIXTURES / "landscape.ttl")], validate=False)
    digests = store_digests(store)
    other = tmp_path / "other.ttl"
    other.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/govgraph/id/other-body> skos:prefLabel "Other body" .\n'
    )

    report = load_sources(
        store, [_Crashing(FIXTURES / "landscape.ttl"), RdfFileLoader(other)], validate=False
    )

    crashed, loaded = report.sources
    assert "landscape.ttl: AttributeError" in (crashed.error or "")
    assert loaded.error is None and loaded.triples > 0
    # The inferred graph is recomputed for the source that did load (its provenance types it
    # gg:Dataset, so dcat:Dataset is inferred); every graph that was stored stays as it was.
    kept = {g: d for g, d in digests.items() if g != str(INFERRED_GRAPH)}
    assert {g: d for g, d in store_digests(store).items() if g in kept} == kept


def test_a_citation_of_a_document_named_without_letters_or_digits_still_gets_an_id() -> None:
    """Found by the mutation tests: a plan citing doc "!!" made an invalid IRI and a
    ValueError instead of loading or failing with a SourceError."""
    from govgraph.loaders.triples import Citation

    iris = {Citation(doc, "p. 3").iri for doc in ("!!", "??", "seed report")}
    assert len(iris) == 3


def test_the_resolver_labels_an_entity_with_its_preferred_name_whatever_the_row_order(
    store: Store,
) -> None:
    """Engines return rows in their own order (Virtuoso lists an alias before the preferred
    name where Oxigraph does not); the label a loader compares names with must not depend
    on it, or the same sources load differently on different engines."""
    from rdflib import Graph, Literal
    from rdflib.namespace import SKOS

    from govgraph.loaders.pipeline import resolver_from_store
    from govgraph.ontology.terms import GRAPH, ID

    body = ID["test-ijb"]
    aliases = Graph()
    aliases.add((body, SKOS.altLabel, Literal("Test IJB")))
    names = Graph()
    names.add((body, SKOS.prefLabel, Literal("Test Integration Joint Board")))
    store.replace_graph(GRAPH["a-aliases"], aliases)  # the alias graph's rows come first
    store.replace_graph(GRAPH["b-names"], names)
    resolver = resolver_from_store(store)
    assert resolver.label(body) == "Test Integration Joint Board"
    assert resolver.resolve("Test IJB") == body
