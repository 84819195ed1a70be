"""The records of the curated register, as plain checked data.

:mod:`govgraph.loaders.curated_model` builds them from the YAML files;
:mod:`govgraph.loaders.curated` turns them into triples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from govgraph.loaders.curated_yaml import Date, Mark
from govgraph.ontology.terms import GG


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
    url: str | None = None
    """The document's public address, where one exists."""
    licence: str | None = None
    """The address of the licence the document is published under, where it says."""


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
    attribute_cites: dict[tuple[str, str], list[Cite]] = field(default_factory=dict)
    """(``policy_areas`` / ``remits`` / ``client_groups``, concept id) -> the citations of
    that one statement (the record's own sources unless the item names its own)."""


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
    status: URIRef = GG.Stated
    """How the source states it: only a stated relationship asserts its direct triple."""

    @property
    def stated(self) -> bool:
        return self.status == GG.Stated

    @property
    def slug(self) -> str:
        return self.slug_of(self.subject, self.object)

    def slug_of(self, subject: str, obj: str) -> str:
        """``rel/<subject>/<kind>/<object>``, with ``/<status>`` after it unless stated, so a
        planned line and a stated one between the same bodies are two statements."""
        local = str(self.kind).rsplit("#", 1)[-1]
        base = f"rel/{subject}/{local.lower()}/{obj}"
        if self.stated:
            return base
        return f"{base}/{str(self.status).rsplit('#', 1)[-1].lower()}"


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
    aliases: list[str] = field(default_factory=list)
    """Other names the documents use ("Plan 2021-2024"), so search finds the phase by them."""


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
    status: URIRef = GG.Stated


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
