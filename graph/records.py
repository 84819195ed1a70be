"""Plain records that graph/ hands to the presentation layers (API, maps, reports)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceRef:
    """Where a fact comes from: a document or dataset and a locator within it."""

    title: str
    locator: str | None = None
    url: str | None = None


@dataclass
class OrganisationRecord:
    iri: str
    id: str
    name: str
    type: str | None = None
    """IRI of the most specific ontology class asserted for the organisation."""
    types: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of a keyset-paginated list."""

    items: list[OrganisationRecord]
    cursors: list[str]
    total: int
    has_next: bool
