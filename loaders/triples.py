"""Shared building blocks for loaders: citations, cited relationships, dates, labels.

Every loader states facts the same way, so the graph reads the same whatever the source:

- a fact about an entity cites a :class:`Citation` node (``gg:document`` = the source,
  ``gg:locator`` = the row, record or section);
- a relationship is stated twice: the direct triple (``ia gg:partnerOf council``) for
  queries and maps, and a reified ``gg:Relationship`` carrying kind, subject, object,
  dates and the citation, so a user can click a line and see where it comes from.

Helpers yield triples (a loader's ``triples()`` is a generator) and never touch a store.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD
from rdflib.term import Node

from govgraph.graph.core.dates import parse_date, spelled_day
from govgraph.graph.core.text import short_repr
from govgraph.loaders.base import SourceInfo, licence_iris
from govgraph.loaders.resolve import Resolver
from govgraph.ontology.terms import GG, ID, SCHEMA, SRC, entity, slugify

Triple = tuple[Node, Node, Node]

_NOT_BODIES = ("area/", "care-service/", "citation/", "rel/", "source/", "statement/")
"""Entity id prefixes that name places, services or bookkeeping nodes, never bodies: a
name that resolves to one of these is not taken as an organisation."""


@dataclass(frozen=True)
class Citation:
    """Where a fact comes from: a source (named graph id) and a locator inside it."""

    source_id: str
    locator: str

    @property
    def iri(self) -> URIRef:
        return entity(f"citation/{_slug_or_hash(self.source_id)}/{_slug_or_hash(self.locator)}")

    def triples(self) -> Iterator[Triple]:
        yield self.iri, RDF.type, GG.Citation
        yield self.iri, GG.document, SRC[self.source_id]
        yield self.iri, GG.locator, Literal(self.locator)


def citation(source_id: str, locator: str) -> Citation:
    return Citation(source_id, locator)


def source_document(info: SourceInfo) -> Iterator[Triple]:
    """The ``src:`` node citations point at, described as a gg:Dataset."""
    doc = SRC[info.id]
    yield doc, RDF.type, GG.Dataset
    yield doc, DCTERMS.title, Literal(info.title)
    for iri in licence_iris(info.licence):
        yield doc, DCTERMS.license, URIRef(iri)
    if info.url:
        yield doc, SCHEMA.url, URIRef(info.url)
    if info.publisher:
        yield doc, DCTERMS.publisher, Literal(info.publisher)


def cited(subject: URIRef, cit: Citation) -> Triple:
    return subject, GG.citation, cit.iri


def relationship_iri(subject: URIRef, kind: URIRef, obj: URIRef, key: str = "") -> URIRef:
    """A stable IRI for one relationship: the same fact gets the same node on reload."""
    local = str(kind).rsplit("#", 1)[-1]
    parts = [_entity_slug(subject), slugify(local), _entity_slug(obj)]
    if key:
        parts.append(_slug_or_hash(key))
    return entity("rel/" + "/".join(parts))


def cited_relationship(
    subject: URIRef,
    kind: URIRef,
    obj: URIRef,
    cit: Citation,
    *,
    start: Literal | None = None,
    end: Literal | None = None,
    role: str | None = None,
    statutory_basis: str | None = None,
    key: str = "",
) -> Iterator[Triple]:
    """The direct triple plus its reified, cited ``gg:Relationship``.

    ``kind`` is the direct property (e.g. ``GG.partnerOf``); ``key`` tells apart two
    relationships of the same kind between the same two entities (e.g. two periods).
    """
    yield subject, kind, obj
    rel = relationship_iri(subject, kind, obj, key)
    yield rel, RDF.type, GG.Relationship
    yield rel, GG.relationshipKind, kind
    yield rel, GG.subject, subject
    yield rel, GG.object, obj
    yield rel, GG.citation, cit.iri
    if start is not None:
        yield rel, GG.startDate, start
    if end is not None:
        yield rel, GG.endDate, end
    if role:
        yield rel, GG.role, Literal(role)
    if statutory_basis:
        yield rel, GG.statutoryBasis, Literal(statutory_basis)


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y")


def literal_date(text: str) -> Literal:
    """An xsd:date (or xsd:gYear / xsd:gYearMonth) from the spellings datasets use:
    ``2016-04-01``, ``20160401``, ``01/04/2016`` (day first, as UK data is), ``2016-04``,
    ``2016``. Raises ValueError naming what was expected."""
    value = text.strip()
    if not value.isascii():  # strptime and \d take any script's digits: "٢٠٢٠" is no xsd:gYear
        raise ValueError(f"not a date: {short_repr(text)} (expected ASCII digits)")
    if re.fullmatch(r"[0-9]{4}(-[0-9]{2})?", value):
        return parse_date(value).literal  # ValueError for year 0000 or month 13
    day = spelled_day(value, _DATE_FORMATS)
    if day is not None:
        return Literal(day.isoformat(), datatype=XSD.date)
    raise ValueError(
        f"not a date: {short_repr(text)} (expected YYYY-MM-DD, YYYYMMDD, DD/MM/YYYY, "
        "YYYY-MM or YYYY)"
    )


def labels(
    iri: URIRef,
    pref: str | None,
    alts: Iterable[str] = (),
    *,
    owned: bool = True,
    existing: str | None = None,
) -> Iterator[Triple]:
    """skos labels for an entity.

    A loader gives ``skos:prefLabel`` only to entities it mints itself (``owned``); for an
    entity that resolved to another source's IRI its names become ``skos:altLabel``, so
    each entity keeps exactly one preferred name whatever the load order. ``existing`` is
    the name the entity is already known by (``resolver.label(iri)``), not repeated.
    """
    seen: set[str] = {existing} if existing and not owned else set()
    if pref and owned:
        seen.add(pref)
        yield iri, SKOS.prefLabel, Literal(pref)
    for alt in ([pref] if pref and not owned else []) + list(alts):
        alt = alt.strip()
        if alt and alt not in seen:
            seen.add(alt)
            yield iri, SKOS.altLabel, Literal(alt)


def resolve_body(resolver: Resolver, name: str) -> URIRef | None:
    """An organisation or group for ``name``; places, services and bookkeeping nodes that
    happen to share the name do not count."""
    found = resolver.resolve(name)
    if found is None or is_not_body(found):
        return None
    return found


def resolve_body_code(resolver: Resolver, scheme: str, code: str) -> URIRef | None:
    """Like :func:`resolve_body` for codes: a council and its area share a GSS code."""
    found = resolver.resolve_code(scheme, code) if code else None
    if found is None or is_not_body(found):
        return None
    return found


def is_not_body(iri: URIRef) -> bool:
    text = str(iri)
    return text.startswith(str(ID)) and text[len(str(ID)) :].startswith(_NOT_BODIES)


def _entity_slug(iri: URIRef) -> str:
    text = str(iri)
    if text.startswith(str(ID)):
        return text[len(str(ID)) :]
    return "x-" + hashlib.sha1(text.encode()).hexdigest()[:12]


def _slug_or_hash(text: str) -> str:
    slug = slugify(text)
    if slug and len(slug) <= 80:
        return slug
    return (slug[:60].strip("-") + "-" if slug else "") + hashlib.sha1(text.encode()).hexdigest()[
        :10
    ]
