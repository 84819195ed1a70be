"""GraphQL enums generated from the ontology, so a term added to govgraph.ttl appears in the
API with no code change (tests/test_api_schema.py fails if one is missing)."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

import strawberry

from govgraph.graph.facts.organisations import organisation_classes
from govgraph.ontology import model
from govgraph.ontology.terms import GG

ASSESSMENT_NAMES = {
    GG.WorkUnderway: "UNDERWAY",
    GG.UnderwayNotSufficient: "UNDERWAY_NOT_SUFFICIENT",
    GG.LittleOrNoWork: "LITTLE_OR_NONE",
}
"""The public names the contract gives the ontology's assessment statuses; any other
status individual gets its local name in upper snake case."""


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def _enum(name: str, members: dict[str, str], description: str) -> Any:
    return strawberry.enum(Enum(name, members), description=description)  # type: ignore[misc]


OrganisationType = _enum(
    "OrganisationType",
    {c.name: str(c.iri) for c in organisation_classes()},
    "The most specific ontology class of an organisation or group (gg:Organisation, gg:Group "
    "and their subclasses).",
)
EntityType = _enum(
    "EntityType",
    {c.name: str(c.iri) for c in model.classes()},
    "The most specific ontology class of any entity.",
)
RelationshipKind = _enum(
    "RelationshipKind",
    {p.name: str(p.iri) for p in model.relationship_kinds()},
    "A kind of relationship (an ontology object property flagged gg:isRelationshipKind), "
    "read 'subject kind object'.",
)
AssessmentStatus = _enum(
    "AssessmentStatus",
    {
        ASSESSMENT_NAMES.get(i.iri, _snake(i.name)): str(i.iri)  # type: ignore[call-overload]
        for i in model.model().individuals.values()
        if GG.AssessmentStatus in i.types
    },
    "How far work on an action has progressed, as its latest assessment grades it.",
)


StatementStatus = _enum(
    "StatementStatus",
    {
        key.replace("-", "_").upper(): str(iri)
        for key, iri in model.individuals_of(GG.StatementStatus).items()
    },
    "How a source states a relationship, lead assignment or figure: as in force (STATED), "
    "or as PLANNED, RECOMMENDED or REQUESTED (gg:StatementStatus).",
)
LeadTier = _enum(
    "LeadTier",
    {
        key.replace("-", "_").upper(): str(iri)
        for key, iri in model.individuals_of(GG.LeadTier).items()
    },
    "The part a body is named to play in a plan action: LEAD, KEY_ONGOING_ROLE, "
    "COMMISSIONER or LINKED_PARTNER (gg:LeadTier).",
)


@strawberry.enum(description="Which end of a relationship the entity asked about stands at.")
class Direction(Enum):
    OUTGOING = "outgoing"
    """The entity is the subject: it <kind> the counterpart."""
    INCOMING = "incoming"
    """The entity is the object: the counterpart <kind> it."""


def by_value(enum: Any) -> dict[str, Any]:
    return {member.value: member for member in enum}


TYPE_BY_IRI = by_value(OrganisationType)
ENTITY_TYPE_BY_IRI = by_value(EntityType)
KIND_BY_IRI = by_value(RelationshipKind)
STATUS_BY_IRI = by_value(AssessmentStatus)
STATEMENT_STATUS_BY_IRI = by_value(StatementStatus)
TIER_BY_IRI = by_value(LeadTier)
