"""GraphQL enums generated from the ontology, so a term added to govgraph.ttl appears in the
API with no code change (tests/test_api_schema.py fails if one is missing)."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, TypeVar

import strawberry
from rdflib import URIRef

from govgraph.graph.facts.organisations import organisation_classes
from govgraph.ontology import model
from govgraph.ontology.terms import GG

E = TypeVar("E", bound=Enum)

ASSESSMENT_NAMES: dict[URIRef, str] = {
    GG.WorkUnderway: "UNDERWAY",
    GG.UnderwayNotSufficient: "UNDERWAY_NOT_SUFFICIENT",
    GG.LittleOrNoWork: "LITTLE_OR_NONE",
}
"""The public names the contract gives the ontology's assessment statuses; any other
status individual gets its local name in upper snake case."""


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def ontology_enum(name: str, members: Mapping[str, str], description: str) -> type[Enum]:
    """A GraphQL enum whose members are only known at import time (ontology terms, finding
    kinds). mypy cannot see such members, so each module that makes one also declares the
    same name as a plain Enum under TYPE_CHECKING: annotations then type-check as enums.
    The enum belongs to the calling module (as ``Enum(...)`` called there would), so its
    members pickle: scenario results cross process boundaries."""
    module = sys._getframe(1).f_globals["__name__"]
    made: type[Enum] = Enum(name, dict(members), module=module)  # type: ignore[misc]  # name not a literal
    return strawberry.enum(made, description=description)


if TYPE_CHECKING:

    class OrganisationType(Enum): ...

    class EntityType(Enum): ...

    class RelationshipKind(Enum): ...

    class AssessmentStatus(Enum): ...

    class StatementStatus(Enum): ...

    class LeadTier(Enum): ...

else:
    OrganisationType = ontology_enum(
        "OrganisationType",
        {c.name: str(c.iri) for c in organisation_classes()},
        "The most specific ontology class of an organisation or group (gg:Organisation, gg:Group "
        "and their subclasses).",
    )
    EntityType = ontology_enum(
        "EntityType",
        {c.name: str(c.iri) for c in model.classes()},
        "The most specific ontology class of any entity.",
    )
    RelationshipKind = ontology_enum(
        "RelationshipKind",
        {p.name: str(p.iri) for p in model.relationship_kinds()},
        "A kind of relationship (an ontology object property flagged gg:isRelationshipKind), "
        "read 'subject kind object'.",
    )
    AssessmentStatus = ontology_enum(
        "AssessmentStatus",
        {
            ASSESSMENT_NAMES.get(i.iri, _snake(i.name)): str(i.iri)
            for i in model.model().individuals.values()
            if GG.AssessmentStatus in i.types
        },
        "How far work on an action has progressed, as its latest assessment grades it.",
    )

    StatementStatus = ontology_enum(
        "StatementStatus",
        {
            key.replace("-", "_").upper(): str(iri)
            for key, iri in model.individuals_of(GG.StatementStatus).items()
        },
        "How a source states a relationship, lead assignment or figure: as in force (STATED), "
        "or as PLANNED, RECOMMENDED or REQUESTED (gg:StatementStatus).",
    )
    LeadTier = ontology_enum(
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


def by_value(enum: type[E]) -> dict[str, E]:
    """Each member by its value (an IRI or a kind), to turn a fact into the enum member."""
    return {member.value: member for member in enum}


TYPE_BY_IRI = by_value(OrganisationType)
ENTITY_TYPE_BY_IRI = by_value(EntityType)
KIND_BY_IRI = by_value(RelationshipKind)
STATUS_BY_IRI = by_value(AssessmentStatus)
STATEMENT_STATUS_BY_IRI = by_value(StatementStatus)
TIER_BY_IRI = by_value(LeadTier)
