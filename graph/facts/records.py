"""Plain records that graph/ hands to the presentation layers (API, maps, reports)."""

from __future__ import annotations

from dataclasses import dataclass, field

STATED = "https://w3id.org/govgraph/ontology#Stated"
"""gg:Stated: a relationship with no gg:status (any loader's direct triple) is stated."""


@dataclass(frozen=True)
class SourceRef:
    """Where a fact comes from: a document or dataset and a locator within it."""

    title: str
    locator: str | None = None
    url: str | None = None


@dataclass
class OrganisationRecord:
    """Any entity's names, dates and types (organisations, posts, actions, concepts...)."""

    iri: str
    id: str
    name: str
    type: str | None = None
    """IRI of the most specific ontology class asserted for the entity."""
    types: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    start: str | None = None
    end: str | None = None
    due: str | None = None


EntityRecord = OrganisationRecord
"""The same record serves every kind of entity; the name says which use is meant."""


@dataclass(frozen=True)
class Page:
    """One page of a keyset-paginated list."""

    items: list[OrganisationRecord]
    cursors: list[str]
    total: int
    has_next: bool


@dataclass
class RelationshipRecord:
    """One stated relationship (subject kind object), merged over every source stating it."""

    subject: str
    kind: str
    object: str
    nodes: list[str] = field(default_factory=list)
    """IRIs of the reified gg:Relationship nodes that describe it (their citations)."""
    graphs: list[str] = field(default_factory=list)
    """Named graphs asserting the direct triple (the fallback source)."""
    start: str | None = None
    end: str | None = None
    statutory_basis: str | None = None
    role: str | None = None
    status: str = STATED
    """IRI of how the source states it: gg:Stated (with a direct triple), or gg:Planned,
    gg:Recommended or gg:Requested (a reified node only)."""

    @property
    def key(self) -> tuple[str, ...]:
        """(subject, kind, object), with the status after them unless stated: a planned line
        is a different statement from the stated line between the same two entities."""
        base = (self.subject, self.kind, self.object)
        return base if self.status == STATED else (*base, self.status)

    def valid_at(self, as_of: str | None) -> bool:
        return as_of is None or within(self.start, self.end, as_of)


@dataclass(frozen=True)
class Hop:
    """One step of a chain or path: a relationship read from ``source`` to ``target``."""

    source: str
    target: str
    relationship: RelationshipRecord
    reads_as: str
    """The kind read from source to target (``directedBy`` for a stated ``directs``)."""
    depth: int = 1


@dataclass(frozen=True)
class Chain:
    root: str
    hops: list[Hop]
    lines: list[list[Hop]]
    """Every line from the root to a top (an entity with no further line), capped."""
    tops: list[str]


@dataclass(frozen=True)
class Neighbourhood:
    root: str
    nodes: list[str]
    edges: list[RelationshipRecord]
    truncated: bool


def within(start: str | None, end: str | None, as_of: str) -> bool:
    """Whether ``as_of`` (YYYY, YYYY-MM or YYYY-MM-DD) falls in [start, end], comparing
    each bound at the coarser precision: an end of "2019" still holds on 2019-06-01."""
    if start:
        n = min(len(start), len(as_of))
        if start[:n] > as_of[:n]:
            return False
    if end:
        n = min(len(end), len(as_of))
        if end[:n] < as_of[:n]:
            return False
    return True
