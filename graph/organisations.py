"""Organisations: batched lookups and keyset-paginated lists."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Literal, URIRef

from govgraph.graph.queries import query
from govgraph.graph.records import OrganisationRecord, Page
from govgraph.graph.store import Store
from govgraph.ontology.model import most_specific
from govgraph.ontology.terms import ID, entity

MAX_PAGE = 500


def iri_for(id_or_iri: str) -> URIRef:
    """Accept an entity id (``the-promise-scotland``) or its full IRI."""
    if id_or_iri.startswith(str(ID)):
        return URIRef(id_or_iri)
    return entity(id_or_iri)


def get_organisations(store: Store, iris: Sequence[URIRef]) -> dict[URIRef, OrganisationRecord]:
    """Records for a batch of IRIs in one query; unknown IRIs are absent from the result."""
    if not iris:
        return {}
    records: dict[URIRef, OrganisationRecord] = {}
    types: dict[URIRef, set[str]] = {}
    for row in store.select(query("organisation_details"), {"ids": list(dict.fromkeys(iris))}):
        e = row["e"]
        assert isinstance(e, URIRef)
        rec = records.get(e)
        if rec is None:
            rec = records[e] = OrganisationRecord(
                iri=str(e), id=str(e)[len(str(ID)) :], name=str(row["name"])
            )
        if "alias" in row and str(row["alias"]) not in rec.aliases:
            rec.aliases.append(str(row["alias"]))
        if "description" in row:
            rec.description = str(row["description"])
        if "start" in row:
            rec.start = str(row["start"])
        if "end" in row:
            rec.end = str(row["end"])
        if "type" in row:
            types.setdefault(e, set()).add(str(row["type"]))
    for e, rec in records.items():
        rec.types = sorted(types.get(e, ()))
        best = most_specific(URIRef(t) for t in rec.types)
        rec.type = str(best) if best else None
        rec.aliases.sort()
    return records


def get_organisation(store: Store, id_or_iri: str) -> OrganisationRecord | None:
    iri = iri_for(id_or_iri)
    return get_organisations(store, [iri]).get(iri)


def count_organisations(store: Store) -> int:
    row = store.select_one(query("organisation_count"))
    return int(row["n"].toPython()) if "n" in row else 0  # type: ignore[union-attr]


def list_organisations(store: Store, first: int, after: str | None = None) -> Page:
    """Up to ``first`` organisations after the cursor ``after``: a page's cursors are the
    rows' sort keys (lower-cased name, then IRI), computed by the store itself."""
    first = max(0, min(first, MAX_PAGE))
    rows = store.select(
        query("organisation_page") + f"\nLIMIT {first + 1}", {"after": [Literal(after or "")]}
    )
    keys = {r["e"]: str(r["key"]) for r in rows[:first]}
    found = get_organisations(store, list(keys))  # type: ignore[arg-type]
    items = [found[i] for i in keys if i in found]  # type: ignore[index]
    cursors = [keys[URIRef(rec.iri)] for rec in items]
    return Page(items, cursors, total=count_organisations(store), has_next=len(rows) > first)
