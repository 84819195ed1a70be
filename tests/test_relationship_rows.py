"""Relationship records read the same on every engine (graph/facts/relationships.merge_rows):
Virtuoso and Oxigraph return the same rows in different orders, and a statement described
by several graphs, nodes or repeated values must not take whichever came first."""

from __future__ import annotations

import random
from pathlib import Path

from rdflib import URIRef

from govgraph.graph.facts.relationships import merge_rows, relationship_kinds, with_kinds
from govgraph.graph.storage.oxigraph_store import OxigraphStore
from govgraph.graph.storage.queries import query
from govgraph.ontology.terms import ID

BODIES = ("inverclyde-ijb", "inverclyde-council", "the-promise-scotland", "care-inspectorate")


def test_records_do_not_hang_on_the_order_an_engine_returns_rows_in(
    bundled_store_path: Path,
) -> None:
    with OxigraphStore(bundled_store_path, read_only=True) as store:
        text = with_kinds(query("relationships"), all=list(relationship_kinds()))
        rows = store.select(text, {"ids": [URIRef(f"{ID}{b}") for b in BODIES]})
    expected = merge_rows(rows)
    basis = {
        r.statutory_basis
        for r in expected[f"{ID}inverclyde-ijb"].values()
        if r.object == f"{ID}inverclyde-council"
    }
    assert "Public Bodies (Joint Working) (Scotland) Act 2014, s. 26" in basis  # two sections given
    shuffled = list(rows)
    for seed in range(20):
        random.Random(seed).shuffle(shuffled)
        assert merge_rows(shuffled) == expected, seed
