"""One id rule (graph/core/ids.py) for every loader and the ontology's IRI minting."""

from __future__ import annotations

from pathlib import Path

import pytest

from govgraph.graph.core.ids import is_entity_id, is_slug
from govgraph.ontology.terms import entity

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("text", ["care-inspectorate", "plan-21-24", "a", "2030"])
def test_slugs_are_lower_case_words_joined_by_hyphens(text: str) -> None:
    assert is_slug(text) and is_entity_id(text)


@pytest.mark.parametrize("text", ["", "-lead", "Care", "care inspectorate", "care_x", "x\n", "é"])
def test_anything_else_is_not_a_slug(text: str) -> None:
    assert not is_slug(text) and not is_entity_id(text)


def test_an_entity_id_may_have_slug_segments_and_mints_the_same_iri() -> None:
    assert is_entity_id("figure/inverclyde-award") and not is_slug("figure/inverclyde-award")
    assert not is_entity_id("figure/") and not is_entity_id("/figure")
    assert str(entity("figure/inverclyde-award")).endswith("/id/figure/inverclyde-award")
    with pytest.raises(ValueError, match="not a valid entity id"):
        entity("Figure/X")


def test_the_id_pattern_is_written_once_in_the_package() -> None:
    pattern = "[a-z0-9][a-z0-9-]*"
    files = [ROOT / "cli.py"] + [
        p
        for d in ("api", "graph", "loaders", "ontology", "visualisations")
        for p in (ROOT / d).rglob("*.py")
    ]
    holders = sorted(str(p.relative_to(ROOT)) for p in files if pattern in p.read_text("utf-8"))
    assert holders == ["graph/core/ids.py"]
