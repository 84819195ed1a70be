"""The ontology is the single source of truth: code, queries, GraphQL and legends follow it.

Every gg: term that a loader, query, API type, map or report names must exist in
govgraph.ttl, and every concrete organisation class must reach GraphQL and the map legend.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govgraph.ontology import model
from govgraph.ontology.terms import GG

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["loaders", "graph", "api", "visualisations", "ontology"]
PY_TERM = re.compile(r"\bGG\.([A-Za-z_][A-Za-z0-9_]*)|\bGG\[\"([A-Za-z_][A-Za-z0-9_]*)\"\]")
RQ_TERM = re.compile(r"(?<![\w:])gg:([A-Za-z_][A-Za-z0-9_]*)")


def defined_terms() -> set[str]:
    m = model.model()
    return {
        model.local_name(str(i)) for i in [*m.classes, *m.properties, *m.individuals, *m.datatypes]
    }


def used_terms() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*"):
            if path.suffix == ".py":
                found = {a or b for a, b in PY_TERM.findall(path.read_text("utf-8"))}
            elif path.suffix == ".rq":
                found = set(RQ_TERM.findall(path.read_text("utf-8")))
            else:
                continue
            for term in found:
                used.setdefault(term, set()).add(str(path.relative_to(ROOT)))
    return used


def test_every_gg_term_the_code_and_queries_use_is_defined_in_the_ontology() -> None:
    used = used_terms()
    assert len(used) > 40  # the scan really reads the code
    undefined = {t: sorted(files) for t, files in used.items() if t not in defined_terms()}
    assert not undefined, f"terms used but not in govgraph.ttl: {undefined}"


def test_every_gg_term_the_curated_register_names_is_defined() -> None:
    from govgraph.loaders.bundled import data_dir

    text = "\n".join(p.read_text("utf-8") for p in (data_dir() / "curated").glob("*.yaml"))
    types = set(re.findall(r"^\s*(?:type|kind|of_class):\s*([A-Za-z]+)\s*$", text, re.M))
    assert types and types <= defined_terms(), types - defined_terms()


def test_every_organisation_class_is_a_graphql_type_value() -> None:
    from govgraph.api import schema

    enum = (
        next(t for name, t in vars(schema).items() if name == "OrganisationType")
        if hasattr(schema, "OrganisationType")
        else None
    )
    if enum is None:
        from govgraph.api import enums

        enum = enums.OrganisationType
    values = {m.name for m in enum}
    assert {c.name for c in model.organisation_classes()} <= values


@pytest.mark.parametrize("cls", model.organisation_classes(), ids=lambda c: c.name)
def test_every_organisation_class_has_a_map_legend_colour(cls: model.OntClass) -> None:
    from govgraph.visualisations.model import NEUTRAL, term_colour

    assert term_colour(str(cls.iri)) != NEUTRAL


@pytest.mark.parametrize("kind", model.relationship_kinds(), ids=lambda p: p.name)
def test_every_relationship_kind_has_a_map_colour_and_a_graphql_value(
    kind: model.OntProperty,
) -> None:
    assert kind.colour
    assert str(kind.iri).startswith(str(GG))
