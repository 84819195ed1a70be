"""The schema of the curated Plan 21-24 file (data/curated/plan.yaml), as pydantic models.

:mod:`govgraph.loaders.plan_yaml` validates the file against :class:`PlanFile` (every
problem at once, each at its line) and then checks what a schema cannot: references
between records, duplicates, and tiers and statuses named by the ontology. The JSON Schema
editors use (docs/schemas/plan.schema.json) is made from these models.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from govgraph.graph.core.schema import SHAPE, DateText, IsoDate, Record, Slug, Stripped, Tag

LEAD_FIELDS = ("name", "id", "tier", "status", "cite")
"""Fields of a lead written as a mapping (docs/curated-data.md documents each)."""


class Cite(Record):
    model_config = ConfigDict(title="a citation")
    doc: Stripped
    locator: Stripped
    page: Annotated[int, Field(ge=0)] | None = None


class PlanName(Record):
    model_config = ConfigDict(title="the plan")
    id: Slug
    name: Stripped


class Document(Record):
    model_config = ConfigDict(title="the document")
    file: Stripped
    title: Stripped
    published: IsoDate
    publisher: Stripped


class PriorityArea(Record):
    model_config = ConfigDict(title="a priority area")
    id: Slug
    name: Stripped
    description: Stripped | None = None
    cite: Cite


class Lead(Record):
    """A lead named where only context says which body it is, or in another tier or
    status than a stated lead."""

    model_config = ConfigDict(title="a lead")
    name: Stripped
    id: Slug | None = None
    tier: Stripped | None = None
    status: Stripped | None = None
    cite: Cite | None = None


class Milestone(Record):
    model_config = ConfigDict(title="a milestone")
    text: Stripped
    phrase: Stripped
    date: DateText | None = None


class Assessment(Record):
    model_config = ConfigDict(title="an assessment")
    status: Literal["UNDERWAY", "UNDERWAY_NOT_SUFFICIENT", "LITTLE_OR_NONE"]
    date: IsoDate
    assessor: Stripped
    text: Stripped | None = None


class Action(Record):
    model_config = ConfigDict(title="an action")
    id: Slug
    name: Stripped
    priority_area: Stripped
    leads: list[
        Annotated[Annotated[Lead, Tag("<mapping>")] | Annotated[Stripped, Tag("<text>")], SHAPE]
    ]
    assessment: Assessment
    cite: Cite
    aliases: list[Stripped] | None = None
    requirements: list[Stripped] | None = None
    commitments: list[Stripped] | None = None
    supporting: list[Stripped] | None = None
    milestones: list[Milestone] | None = None
    links: list[Stripped] | None = None


class PlanFile(Record):
    """The plan, the document it was read from, its priority areas and its actions."""

    model_config = ConfigDict(title="the plan file")
    plan: PlanName
    document: Document
    priority_areas: list[PriorityArea] | None
    actions: list[Action] | None
