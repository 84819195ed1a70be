"""Organisations (and groups): batched lookups, filters and keyset-paginated lists."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Node

from govgraph.graph.core.errors import QueryError
from govgraph.graph.core.names import substring_key
from govgraph.graph.core.recent import Recent
from govgraph.graph.facts.entities import check_date, get_entities, iri_for
from govgraph.graph.facts.records import OrganisationRecord, Page
from govgraph.graph.storage.queries import query, with_filters
from govgraph.graph.storage.store import Store
from govgraph.graph.storage.version_cache import PerVersion
from govgraph.ontology import model
from govgraph.ontology.terms import GG

MAX_PAGE = 500
MAX_SEARCH = 200
"""Longest search term, in characters."""

__all__ = ["MAX_PAGE", "Filter", "get_organisations", "iri_for", "list_organisations"]


def organisation_classes() -> list[model.OntClass]:
    """The classes listed as organisations: gg:Organisation, gg:Group and every class below
    them (the ontology says a group may also be an organisation), in hierarchy order."""
    m = model.model()
    roots = {GG.Organisation, GG.Group}
    return [c for c in m.classes.values() if c.iri in roots or roots & m.ancestors(c.iri)]


@dataclass(frozen=True)
class Filter:
    """Filters on the organisations list; every value is an IRI, a date or plain text."""

    type: URIRef | None = None
    policy_area: URIRef | None = None
    operates_in: URIRef | None = None
    accountable_to: URIRef | None = None
    search: str | None = None
    as_of: str | None = None

    def bindings(self, store: Store) -> tuple[list[str], dict[str, list[Node]]]:
        """The filter fragments to splice in, and the values they bind; a search is
        answered by the store's search index and bound as the IRIs it found."""
        parts: list[str] = []
        values: dict[str, list[Node]] = {}
        for name, fragment, value in (
            ("type", "type", self.type),
            ("policyArea", "policy_area", self.policy_area),
            ("operatesIn", "operates_in", self.operates_in),
            ("accountableTo", "accountable_to", self.accountable_to),
        ):
            if value is not None:
                parts.append(query(f"organisation_filter_{fragment}"))
                values[name] = [value]
        if self.search is not None:
            if len(self.search) > MAX_SEARCH:
                raise QueryError(f"search is longer than {MAX_SEARCH} characters")
            if substring_key(self.search).strip():
                from govgraph.graph.facts.search import index_for

                parts.append(query("organisation_filter_ids"))
                values["ids"] = [URIRef(i) for i in index_for(store).containing(self.search)]
        if self.as_of is not None:
            parts.append(query("organisation_filter_as_of"))
            values["asOf"] = [Literal(check_date(self.as_of))]
        return parts, values


def get_organisations(store: Store, iris: Sequence[URIRef]) -> dict[URIRef, OrganisationRecord]:
    """Records for a batch of IRIs in one query; unknown IRIs are absent from the result."""
    return get_entities(store, iris)


def get_organisation(store: Store, id_or_iri: str) -> OrganisationRecord | None:
    iri = iri_for(id_or_iri)
    return get_organisations(store, [iri]).get(iri)


def count_organisations(store: Store, filter: Filter | None = None) -> int:
    """How many organisations and groups pass the filter: from this data version's table,
    or the store for a date (``as_of``)."""
    filter = filter or Filter()
    if filter.as_of is None:
        return table_for(store).matching(store, filter).count
    parts, values = filter.bindings(store)
    row = store.select_one(with_filters("organisation_list_count", parts), values)
    n = row.get("n")
    return int(n.toPython()) if isinstance(n, Literal) else 0


def page_keys(
    store: Store, first: int, after: str | None = None, filter: Filter | None = None
) -> tuple[list[tuple[URIRef, str]], bool]:
    """(IRI, sort key) of up to ``first`` organisations after the key ``after``, and
    whether more follow. The keys come from the store (``LCASE`` of the name, a tab, the
    IRI), so pages stay stable under change; without a date they are read once per data
    version (:class:`OrganisationTable`) and the filters answered in memory."""
    first = max(0, min(first, MAX_PAGE))
    filter = filter or Filter()
    if filter.as_of is None:
        return _page(table_for(store).matching(store, filter), first, after)
    parts, values = filter.bindings(store)
    values["after"] = [Literal(after or "")]
    text = with_filters("organisation_list", parts) + f"\nLIMIT {first + 1}"
    found = store.select(text, values)
    return [(URIRef(str(r["e"])), str(r["key"])) for r in found[:first]], len(found) > first


def _page(rows: Matching, first: int, after: str | None) -> tuple[list[tuple[URIRef, str]], bool]:
    start = bisect.bisect_right(rows.keys, after or "")
    page = rows.keys[start : start + first + 1]
    keys = [(URIRef(rows.iris[start + k]), key) for k, key in enumerate(page[:first])]
    return keys, len(page) > first


def kept_page(
    store: Store, first: int, after: str | None, filter: Filter
) -> tuple[tuple[list[tuple[URIRef, str]], bool], int] | None:
    """:func:`page_keys` and :func:`count_organisations` together when this data version's
    table already holds the filter's rows (nothing read or computed, so an event loop may
    ask), else None."""
    table = _TABLES.peek(store)
    if table is None or filter.as_of is not None:
        return None
    rows = table.kept(filter)
    if rows is None:
        return None
    return _page(rows, max(0, min(first, MAX_PAGE)), after), rows.count


@dataclass(frozen=True)
class Matching:
    """The organisations passing one filter, in list order."""

    keys: list[str]
    iris: list[str]
    count: int
    """Distinct organisations (one with two names has two rows)."""


FILTERS_KEPT = 256
"""Filtered lists kept per data version, the least recently used dropped first."""


class OrganisationTable:
    """Every organisation and group of one data version with its sort keys, and what the
    list filters on (types, policy areas, areas, accountability): two reads when the
    version is first listed, then each page is a bisection and each filter set
    intersections, however large the graph."""

    def __init__(self, store: Store) -> None:
        rows = sorted((r["key"], r["e"]) for r in store.select_strings(query("organisation_table")))
        self.keys = [k for k, _ in rows]
        self.iris = [e for _, e in rows]
        facts: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in store.select_strings(query("organisation_table_facts")):
            facts[(r["f"], r["o"])].add(r["e"])
        self.facts = {k: frozenset(v) for k, v in facts.items()}
        self._matching: Recent[Matching] = Recent(FILTERS_KEPT)

    def kept(self, filter: Filter) -> Matching | None:
        """The rows passing ``filter`` if they were listed already."""
        return self._matching.get(filter)

    def matching(self, store: Store, filter: Filter) -> Matching:
        """The rows passing ``filter`` (no date: a date is the store's to answer)."""
        found = self._matching.get(filter)
        if found is not None:
            return found
        wanted = self._wanted(store, filter)
        if wanted is None:
            found = Matching(self.keys, self.iris, len(set(self.iris)))
        else:
            pairs = [(k, e) for k, e in zip(self.keys, self.iris, strict=True) if e in wanted]
            found = Matching([k for k, _ in pairs], [e for _, e in pairs], len(wanted))
        self._matching.put(filter, found)
        return found

    def _wanted(self, store: Store, filter: Filter) -> set[str] | None:
        """The organisations every given filter allows, None when none is given."""
        sets: list[frozenset[str]] = []
        for name, value in (
            ("type", filter.type),
            ("policyArea", filter.policy_area),
            ("operatesIn", filter.operates_in),
            ("accountableTo", filter.accountable_to),
        ):
            if value is not None:
                sets.append(self.facts.get((name, str(value)), frozenset()))
        if filter.search is not None:
            if len(filter.search) > MAX_SEARCH:
                raise QueryError(f"search is longer than {MAX_SEARCH} characters")
            if substring_key(filter.search).strip():
                from govgraph.graph.facts.search import index_for

                sets.append(frozenset(index_for(store).containing(filter.search)))
        if not sets:
            return None
        listed = set(self.iris)
        return listed.intersection(*sets)


_TABLES: PerVersion[OrganisationTable] = PerVersion(OrganisationTable)


def table_for(store: Store) -> OrganisationTable:
    """The organisations table of ``store``'s current data version (read on first use)."""
    return _TABLES.get(store)


def list_organisations(
    store: Store, first: int, after: str | None = None, filter: Filter | None = None
) -> Page:
    """A page of organisation records with their cursors and the filtered total."""
    keys, has_next = page_keys(store, first, after, filter)
    found = get_organisations(store, [k for k, _ in keys])
    items = [found[k] for k, _ in keys if k in found]
    cursors = [c for k, c in keys if k in found]
    return Page(items, cursors, total=count_organisations(store, filter), has_next=has_next)
