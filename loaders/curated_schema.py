"""The schema of the curated register's files (data/curated/*.yaml), as pydantic models.

:func:`govgraph.loaders.curated_yaml.file_records` validates each file against its model
(every problem of the file at once, each at its line and field) before
:mod:`govgraph.loaders.curated_model` checks what a schema cannot: ids unique across files,
references, classes and kinds from the ontology, date ranges, cycles. The JSON Schema
editors use (docs/schemas/curated-*.schema.json) and the field lists docs/curated-data.md
documents are made from these models. Lists in a file are optional unless marked.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from govgraph.graph.core.schema import (
    PATTERNS,
    SHAPE,
    Record,
    Slug,
    Tag,
    Text,
    TextList,
    one_as_list,
)
from govgraph.graph.core.text import short_repr

ADDRESS = r"^https?://[^\s<>\"]+$"
PATTERNS[ADDRESS] = "a public http(s) address"

Date = Text
"""A date as written (YYYY, YYYY-MM or YYYY-MM-DD); the reader parses it, at its line."""


class Cite(Record):
    model_config = ConfigDict(title="a citation {doc, locator}")
    doc: Text
    locator: Text


Cites = Annotated[list[Cite], Field(min_length=1)]
"""Every record cites at least one document as {doc: <seed file name>, locator: <section>}."""


class Source(Record):
    model_config = ConfigDict(title="a source")
    id: Slug
    file: Text
    title: Text
    publisher: Text
    date: Date
    kind: Text
    url: Annotated[Text, Field(pattern=ADDRESS)] | None = None
    licence: Annotated[Text, Field(pattern=ADDRESS)] | None = None


class Attribute(Record):
    """A policy area, remit or client group stated with sources of its own."""

    id: Slug
    sources: Cites


class PolicyAreaItem(Attribute):
    model_config = ConfigDict(title="an item of 'policy_areas'")


class RemitItem(Attribute):
    model_config = ConfigDict(title="an item of 'remits'")


class ClientGroupItem(Attribute):
    model_config = ConfigDict(title="an item of 'client_groups'")


def _attributes(item: type[Attribute]) -> Any:
    mapping = Annotated[item, Tag("<mapping>")]  # type: ignore[valid-type]  # a runtime class
    one = Annotated[mapping | Annotated[Text, Tag("<text>")], SHAPE]
    return Annotated[list[one], BeforeValidator(one_as_list)] | None


class Organisation(Record):
    model_config = ConfigDict(title="an organisation")
    id: Slug
    name: Text
    type: Text
    aliases: TextList | None = None
    description: Text | None = None
    start: Date | None = None
    end: Date | None = None
    operates_in: TextList | None = None
    codes: dict[str, Text] | None = None
    policy_areas: _attributes(PolicyAreaItem) = None  # type: ignore[valid-type]  # made by a call
    remits: _attributes(RemitItem) = None  # type: ignore[valid-type]  # made by a call
    client_groups: _attributes(ClientGroupItem) = None  # type: ignore[valid-type]  # made by a call
    sources: Cites


class Collective(Record):
    model_config = ConfigDict(title="a collective")
    id: Slug
    name: Text
    of_class: Text
    aliases: TextList | None = None
    description: Text | None = None
    sources: Cites


class Relationship(Record):
    model_config = ConfigDict(title="a relationship")
    kind: Text
    subject: Text
    object: Text
    start: Date | None = None
    end: Date | None = None
    statutory_basis: Text | None = None
    role: Text | None = None
    note: Text | None = None
    status: Text | None = None
    sources: Cites


class Scheme(Record):
    model_config = ConfigDict(title="a concept scheme")
    id: Slug
    name: Text
    concept_class: Text
    description: Text | None = None
    sources: Cites


class Concept(Record):
    model_config = ConfigDict(title="a concept")
    id: Slug
    scheme: Text
    name: Text
    aliases: TextList | None = None
    description: Text | None = None
    sources: Cites


class Event(Record):
    model_config = ConfigDict(title="an event")
    id: Slug
    kind: Text
    name: Text
    date: Date | None = None
    affects: TextList | None = None
    results_in: TextList | None = None
    description: Text | None = None
    sources: Cites


class PlanRecord(Record):
    model_config = ConfigDict(title="a plan")
    id: Slug
    name: Text
    aliases: TextList | None = None
    description: Text | None = None
    start: Date | None = None
    end: Date | None = None
    sources: Cites


class Phase(PlanRecord):
    model_config = ConfigDict(title="a plan phase")
    plan: Text


def _figure_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | dict | list):
        raise ValueError(f"expected a number (or the figure as written), got {short_repr(value)}")
    return value


class Figure(Record):
    model_config = ConfigDict(title="a figure")
    id: Slug
    subject: Text | None = None
    measure: Text
    value: Annotated[int | float | str, BeforeValidator(_figure_value)]
    unit: Text
    date: Date | None = None
    note: Text | None = None
    status: Text | None = None
    sources: Cites


class StatutoryAct(Record):
    model_config = ConfigDict(title="a source (an Act)")
    id: Slug
    title: Text
    publisher: Text
    date: Date
    url: Annotated[Text, Field(pattern=r"^https://www\.legislation\.gov\.uk/")]


class StatutoryLine(Record):
    model_config = ConfigDict(title="a statutory line")
    kind: Text
    subject: dict[str, Any]
    objects: Annotated[list[dict[str, Any]], Field(min_length=1)]
    statutory_basis: Text
    note: Text | None = None
    sources: Cites


PATTERNS[r"^https://www\.legislation\.gov\.uk/"] = (
    "the Act's address on https://www.legislation.gov.uk/"
)


class SourcesFile(Record):
    model_config = ConfigDict(title="sources.yaml (a mapping of lists)")
    sources: list[Source] = Field(default_factory=list)


class OrganisationsFile(Record):
    model_config = ConfigDict(title="organisations.yaml (a mapping of lists)")
    organisations: list[Organisation] = Field(default_factory=list)


class CollectivesFile(Record):
    model_config = ConfigDict(title="collectives.yaml (a mapping of lists)")
    collectives: list[Collective] = Field(default_factory=list)


class RelationshipsFile(Record):
    model_config = ConfigDict(title="relationships.yaml (a mapping of lists)")
    relationships: list[Relationship] = Field(default_factory=list)


class PolicyAreasFile(Record):
    model_config = ConfigDict(title="policy_areas.yaml (a mapping of lists)")
    schemes: list[Scheme] = Field(default_factory=list)
    concepts: list[Concept] = Field(default_factory=list)


class EventsFile(Record):
    model_config = ConfigDict(title="events.yaml (a mapping of lists)")
    events: list[Event] = Field(default_factory=list)


class PhasesFile(Record):
    model_config = ConfigDict(title="phases.yaml (a mapping of lists)")
    plans: list[PlanRecord] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)


class FiguresFile(Record):
    model_config = ConfigDict(title="figures.yaml (a mapping of lists)")
    figures: list[Figure] = Field(default_factory=list)


class StatutoryFile(Record):
    model_config = ConfigDict(title="statutory.yaml (a mapping of lists)")
    sources: list[StatutoryAct] = Field(default_factory=list)
    lines: list[StatutoryLine] = Field(default_factory=list)


FILE_MODELS: dict[str, type[Record]] = {
    "sources.yaml": SourcesFile,
    "organisations.yaml": OrganisationsFile,
    "collectives.yaml": CollectivesFile,
    "relationships.yaml": RelationshipsFile,
    "policy_areas.yaml": PolicyAreasFile,
    "events.yaml": EventsFile,
    "phases.yaml": PhasesFile,
    "figures.yaml": FiguresFile,
    "statutory.yaml": StatutoryFile,
}
"""Each curated file's model, by file name."""


def item_model(file_model: type[BaseModel], key: str) -> type[Record]:
    """The model of the items of the list ``key`` of a file."""
    (item,) = get_args(file_model.model_fields[key].annotation)
    if not (isinstance(item, type) and issubclass(item, Record)):
        raise TypeError(f"{file_model.__name__}.{key} is not a list of records")
    return item
