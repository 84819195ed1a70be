"""The schema follows the ontology: every term the API should expose has a counterpart."""

from __future__ import annotations

from govgraph.api.enums import (
    AssessmentStatus,
    EntityType,
    OrganisationType,
    RelationshipKind,
)
from govgraph.api.schema import build_schema, schema
from govgraph.api.settings import Settings
from govgraph.graph.facts.organisations import organisation_classes
from govgraph.ontology import model
from govgraph.ontology.terms import GG


def values(enum: type) -> set[str]:
    return {m.value for m in enum}  # type: ignore[attr-defined]


def test_every_relationship_kind_of_the_ontology_is_a_relationship_kind_value() -> None:
    kinds = {str(p.iri) for p in model.relationship_kinds()}
    assert kinds and kinds == values(RelationshipKind)
    assert str(GG.directs) in kinds and str(GG.reportsTo) in kinds


def test_every_organisation_and_group_class_is_an_organisation_type_value() -> None:
    classes = {str(c.iri) for c in model.organisation_classes()}
    classes |= {str(GG.Group)} | {str(GG[c.name]) for c in model.classes() if c.is_organisation}
    assert classes <= values(OrganisationType)
    assert {str(c.iri) for c in organisation_classes()} == values(OrganisationType)
    assert str(GG.Board) in values(OrganisationType)  # a group is listed as an organisation


def test_every_ontology_class_is_an_entity_type_value() -> None:
    assert {str(c.iri) for c in model.classes()} == values(EntityType)


def test_every_assessment_status_individual_is_an_assessment_value() -> None:
    statuses = {
        str(i.iri) for i in model.model().individuals.values() if GG.AssessmentStatus in i.types
    }
    assert len(statuses) == 3 and statuses == values(AssessmentStatus)
    assert {m.name for m in AssessmentStatus} == {  # type: ignore[attr-defined]
        "UNDERWAY",
        "UNDERWAY_NOT_SUFFICIENT",
        "LITTLE_OR_NONE",
    }


def test_every_class_the_api_exposes_has_a_graphql_type() -> None:
    sdl = schema.as_str()
    for name in (
        "Organisation",
        "PolicyArea",
        "Foundation",
        "PriorityArea",
        "Action",
        "Assessment",
        "Commitment",
        "Milestone",
    ):
        assert str(GG[name]) in {str(c.iri) for c in model.classes()}, name
        assert f"type {name} implements Entity" in sdl, name
    assert "type Source {" in sdl and "type Relationship {" in sdl


def test_every_entity_and_relationship_exposes_sources() -> None:
    graphql = schema._schema
    for name, type_ in graphql.type_map.items():
        if name.startswith("__") or not hasattr(type_, "interfaces"):
            continue
        if any(i.name == "Entity" for i in type_.interfaces) or name in ("Relationship", "Hop"):
            sources = type_.fields.get("sources")
            assert sources is not None, name
            assert str(sources.type) == "[Source!]!", name
    assert set(graphql.type_map["Source"].fields) == {"title", "locator", "url"}


def test_the_contract_query_names_and_arguments_are_kept() -> None:
    query = schema._schema.query_type
    assert query is not None
    expected = {
        "organisation": {"id"},
        "organisations": {"filter", "first", "after", "asOf"},
        "actions": {"priorityArea", "assessment", "leadOrganisation", "leadTier"},
        "figures": {"subject", "document"},
        "accountabilityChain": {"id", "asOf"},
        "path": {"from", "to", "maxLength"},
        "neighbourhood": {"id", "depth"},
        "policyAreas": set(),
        "priorityAreas": set(),
        "foundations": set(),
        "stats": set(),
        "overlaps": {"kind", "minScore", "first", "asOf"},
        "scenario": {"changes", "name"},
    }
    for name, args in expected.items():
        assert set(query.fields[name].args) == args, name
    assert set(schema._schema.type_map["OrganisationFilter"].fields) == {
        "type",
        "policyArea",
        "operatesIn",
        "accountableTo",
        "search",
    }
    assert "totalCount" in schema._schema.type_map["OrganisationConnection"].fields
    assert set(schema._schema.type_map["ScenarioChangeInput"].fields) == {
        "op",
        "subjects",
        "into",
        "transferTo",
        "under",
        "kind",
        "to",
        "name",
        "type",
        "accountableTo",
        "members",
    }


def test_field_suggestions_are_off_in_production_and_on_in_development() -> None:
    assert build_schema(Settings()).config.disable_field_suggestions is True
    assert build_schema(Settings(debug=True)).config.disable_field_suggestions is False


def test_enums_made_from_the_ontology_pickle_as_members_of_their_own_module() -> None:
    """Scenario results are pickled to cross processes; an enum made by a helper used to
    claim the helper's module, where pickle could not find it."""
    import pickle

    from govgraph.api import advisor_types, enums, overlap_types, route_map_types, scenario_types

    made = [
        enums.OrganisationType,
        enums.RelationshipKind,
        enums.LeadTier,
        scenario_types.ImpactCategory,
        overlap_types.FindingKind,
        route_map_types.ProgressStatus,
        advisor_types.RecommendedAction,
    ]
    for enum in made:
        member = next(iter(enum))
        assert pickle.loads(pickle.dumps(member)) is member, enum
