"""Entities of any kind, looked up in batches: names, types, property values and sources.

Every lookup takes a batch of IRIs and answers in one query, so that the API's DataLoaders
turn a nested request into a fixed number of store calls whatever the size of the answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from govgraph.graph.core.dates import EXPECTED, parse_date
from govgraph.graph.core.errors import QueryError
from govgraph.graph.core.text import short_repr
from govgraph.graph.facts.records import EntityRecord, SourceRef
from govgraph.graph.facts.relationships import with_kinds
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store, Triple
from govgraph.graph.storage.version_cache import KeptPerVersion
from govgraph.ontology.model import local_name, most_specific
from govgraph.ontology.terms import ID, entity


def iri_for(id_or_iri: str) -> URIRef:
    """Accept an entity id (``the-promise-scotland``, ``action/governance-structures``) or
    its full IRI; anything else is a clear error rather than a query."""
    try:
        return entity(entity_id(id_or_iri))
    except ValueError as exc:
        raise QueryError(str(exc)) from None


def entity_id(iri: str) -> str:
    return iri[len(str(ID)) :] if iri.startswith(str(ID)) else iri


def check_date(value: str | None) -> str | None:
    """A date filter must be YYYY, YYYY-MM or YYYY-MM-DD naming a real period
    (:func:`govgraph.graph.core.dates.parse_date`); it is compared as text."""
    if value is None:
        return None
    try:
        if not isinstance(value, str) or parse_date(value).text != value:
            raise ValueError(f"expected {EXPECTED}, got {short_repr(value)}")
    except ValueError as exc:
        raise QueryError(f"asOf must be a date as YYYY-MM-DD, YYYY-MM or YYYY: {exc}") from None
    return value


RECORDS_KEPT = 20_000
"""Entity records (and, apiece, their sources) kept per open store for its current data
version (a few hundred bytes each), the least recently used dropped first."""


def _copy(record: EntityRecord) -> EntityRecord:
    return replace(record, types=list(record.types), aliases=list(record.aliases))


_RECORDS: KeptPerVersion[URIRef, EntityRecord] = KeptPerVersion(RECORDS_KEPT, _copy)
_SOURCES: KeptPerVersion[URIRef, list[SourceRef]] = KeptPerVersion(RECORDS_KEPT, list)


def get_entities(store: Store, iris: Sequence[URIRef]) -> dict[URIRef, EntityRecord]:
    """Records for a batch of IRIs; unknown IRIs are absent from the result. A record
    depends on the data version alone, so those read recently come from memory and the
    rest from one query. Each caller gets its own copy."""
    if not iris:
        return {}
    return _RECORDS.get_many(store, iris, lambda missing: _read_entities(store, missing))


def kept_entities(store: Store, iris: Sequence[URIRef]) -> dict[URIRef, EntityRecord] | None:
    """The records of ``iris`` when every one is kept for this data version (no read, so
    an event loop may ask), else None."""
    return _RECORDS.peek_many(store, iris)


def _read_entities(store: Store, iris: list[URIRef]) -> dict[URIRef, EntityRecord]:
    """Records for a batch of IRIs in one query."""
    rows = store.select(query("entity_details"), {"ids": iris})
    found: dict[URIRef, dict[str, list[str]]] = {}
    for row in rows:
        e = row["e"]
        slot = found.setdefault(e, {})  # type: ignore[arg-type]  # rows are typed Node; the query binds IRIs here
        for key, value in row.items():
            if key != "e":
                values = slot.setdefault(key, [])
                if str(value) not in values:
                    values.append(str(value))
    records: dict[URIRef, EntityRecord] = {}
    for e, slot in found.items():
        name = _first(slot, "name") or _first(slot, "label") or _first(slot, "description")
        types = sorted(slot.get("type", ()))
        if name is None and not types:
            continue
        best = most_specific(URIRef(t) for t in types)
        records[e] = EntityRecord(
            iri=str(e),
            id=entity_id(str(e)),
            name=name or local_name(str(e)),
            type=str(best) if best else None,
            types=types,
            aliases=sorted(slot.get("alias", ())),
            description=_first(slot, "description"),
            start=_first(slot, "start"),
            end=_first(slot, "end"),
            due=_first(slot, "due"),
        )
    return records


def _first(slot: dict[str, list[str]], key: str) -> str | None:
    values = slot.get(key)
    return min(values) if values else None


def property_values(
    store: Store, iris: Sequence[URIRef], properties: Iterable[URIRef]
) -> dict[URIRef, dict[URIRef, list[Node]]]:
    """subject -> property -> values (sorted, distinct) for a batch of subjects; those of
    subjects read recently (per data version) from memory, the rest in one query."""
    if not iris:
        return {}
    props = tuple(properties)

    def read(missing: list[tuple[URIRef, tuple[URIRef, ...]]]) -> dict[Any, Values]:
        found = _read_values(store, [iri for iri, _ in missing], props)
        return {(iri, props): values for iri, values in found.items()}

    kept = _VALUES.get_many(store, [(iri, props) for iri in iris], read, dict)
    return {iri: values for (iri, _), values in kept.items() if values}


def kept_property_values(
    store: Store, iris: Sequence[URIRef], properties: Iterable[URIRef]
) -> dict[URIRef, dict[URIRef, list[Node]]] | None:
    """:func:`property_values` when every subject is kept (see :func:`kept_entities`)."""
    props = tuple(properties)
    kept = _VALUES.peek_many(store, [(iri, props) for iri in iris])
    return None if kept is None else {iri: v for (iri, _), v in kept.items() if v}


Values = dict[URIRef, list[Node]]


def _copy_values(values: Values) -> Values:
    return {prop: list(found) for prop, found in values.items()}


_VALUES: KeptPerVersion[tuple[URIRef, tuple[URIRef, ...]], Values] = KeptPerVersion(
    RECORDS_KEPT, _copy_values
)


def _read_values(
    store: Store, iris: list[URIRef], properties: tuple[URIRef, ...]
) -> dict[URIRef, Values]:
    out: dict[URIRef, Values] = {}
    text = with_kinds(query("property_values"), properties=list(properties))
    rows = store.select(text, {"ids": iris})
    for row in rows:
        subject, prop = row["s"], row["p"]
        values = out.setdefault(subject, {}).setdefault(prop, [])  # type: ignore[arg-type]  # rows are typed Node; the query binds IRIs here
        if row["o"] not in values:
            values.append(row["o"])
    for by_prop in out.values():
        for values in by_prop.values():
            values.sort(key=str)
    return out


def get_sources(store: Store, iris: Sequence[URIRef]) -> dict[URIRef, list[SourceRef]]:
    """The cited sources of each subject (documents with locators), sorted; those of
    subjects read recently from memory (per data version), the rest in one query. A subject
    citing nothing is absent."""
    if not iris:
        return {}
    found = _SOURCES.get_many(store, iris, lambda missing: _read_sources(store, missing), list)
    return {iri: refs for iri, refs in found.items() if refs}


def kept_sources(store: Store, iris: Sequence[URIRef]) -> dict[URIRef, list[SourceRef]] | None:
    """The sources of ``iris`` when every one is kept (see :func:`kept_entities`)."""
    found = _SOURCES.peek_many(store, iris)
    return None if found is None else {iri: refs for iri, refs in found.items() if refs}


def _read_sources(store: Store, iris: list[URIRef]) -> dict[URIRef, list[SourceRef]]:
    out: dict[URIRef, list[SourceRef]] = {}
    for row in store.select(query("sources"), {"ids": iris}):
        doc = str(row["doc"])
        title = str(row["title"]) if "title" in row else local_name(doc)
        ref = SourceRef(
            title=title,
            locator=str(row["locator"]) if "locator" in row else None,
            url=str(row["url"]) if "url" in row else None,
        )
        refs = out.setdefault(row["s"], [])  # type: ignore[arg-type]  # rows are typed Node; the query binds IRIs here
        if ref not in refs:
            refs.append(ref)
    for refs in out.values():
        refs.sort(key=lambda r: (r.title, r.locator or ""))
    return out


def describe(store: Store, iri: URIRef) -> list[Triple]:
    """The asserted triples about an entity, its relationships and its citations."""
    return store.construct(query("entity_describe"), {"entity": [iri]})
