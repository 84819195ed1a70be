"""The records of the curated register, as plain checked data.

:mod:`govgraph.loaders.curated_model` builds them from the YAML files;
:mod:`govgraph.loaders.curated` turns them into triples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from govgraph.loaders.curated_yaml import Date, Mark


@dataclass(frozen=True)
class Cite:
    source_id: str
    locator: str


@dataclass
class Source:
    id: str
    file: str
    title: str
    publisher: str
    date: Date
    kind: URIRef


@dataclass
class Entity:
    """An organisation (or group, post, person, fund, programme) or a collective."""

    id: str
    name: str
    type: URIRef
    mark: Mark
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    start: Date | None = None
    end: Date | None = None
    operates_in: list[str] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)
    interests: list[str] = field(default_factory=list)
    remits: list[str] = field(default_factory=list)
    client_groups: list[str] = field(default_factory=list)
    collective_of: URIRef | None = None
    cites: list[Cite] = field(default_factory=list)


@dataclass
class Relationship:
    kind: URIRef
    subject: str
    object: str
    start: Date | None
    end: Date | None
    statutory_basis: str | None
    role: str | None
    note: str | None
    cites: list[Cite]

    @property
    def slug(self) -> str:
        local = str(self.kind).rsplit("#", 1)[-1]
        return f"rel/{self.subject}/{local.lower()}/{self.object}"


@dataclass
class Scheme:
    id: str
    name: str
    concept_class: URIRef
    description: str | None
    cites: list[Cite]

    @property
    def prefix(self) -> str:
        """Concepts of this scheme live under id:<class in kebab case>/ (policy-area/...)."""
        local = str(self.concept_class).rsplit("#", 1)[-1]
        return re.sub(r"(?<!^)(?=[A-Z])", "-", local).lower()


@dataclass
class Concept:
    id: str
    scheme: Scheme
    name: str
    aliases: list[str]
    description: str | None
    cites: list[Cite]


@dataclass
class Event:
    id: str
    kind: URIRef
    name: str
    date: Date | None
    affects: list[str]
    results_in: list[str]
    description: str | None
    cites: list[Cite]


@dataclass
class Phase:
    id: str
    name: str
    plan: str | None
    start: Date | None
    end: Date | None
    description: str | None
    cites: list[Cite]


@dataclass
class Figure:
    id: str
    subject: str | None
    measure: str
    value: int | float | str
    unit: str
    date: Date | None
    note: str | None
    cites: list[Cite]


@dataclass
class Register:
    sources: list[Source] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    schemes: list[Scheme] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    plans: list[Phase] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    @property
    def organisations(self) -> list[Entity]:
        return [e for e in self.entities if e.collective_of is None]

    @property
    def collectives(self) -> list[Entity]:
        return [e for e in self.entities if e.collective_of is not None]
