"""What the web front door shows people: the landscape's headline figures, the table of
bodies with its facets, and an entity's relationships grouped by how they read from it.

Everything is read once per data version (:class:`FrontCache`); the pages then filter,
count and page in memory, so a facet click costs no query. SPARQL stays in queries/.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import URIRef

from govgraph.graph.analysis.chains import accountability_chain
from govgraph.graph.analysis.overlap_facts import fetch
from govgraph.graph.analysis.overlaps import data_version
from govgraph.graph.core.errors import QueryError
from govgraph.graph.facts.entities import (
    check_date,
    entity_id,
    get_entities,
    get_sources,
    property_values,
)
from govgraph.graph.facts.records import Chain, EntityRecord, RelationshipRecord, SourceRef, within
from govgraph.graph.facts.relationships import (
    accountability_line_kinds,
    relationships_of,
    with_kinds,
)
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.ontology import model
from govgraph.ontology.model import local_name
from govgraph.ontology.terms import BASE, GG, ID

SCOPES = {
    "scotland": "Scottish care landscape",
    "uk": "UK-wide directories only",
    "all": "Everything",
}
"""The /organisations scopes: graph/analysis/scope.py's landscape, the rest, or both."""

LINES = {"yes": "Has an accountability line", "no": "Lacks an accountability line"}
PAGE_SIZES = (25, 50, 100, 200)
SORTS = {"name": "Name", "type": "Type", "start": "Established", "end": "Ended"}
GROUP_PREVIEW = 10
"""Rows of a relationship group shown on the entity page before "showing N of M"."""
GROUP_PAGE = 50
"""Rows per page when one relationship group is listed on its own."""


@dataclass(frozen=True)
class Ref:
    """Something a page names and links to."""

    iri: str
    id: str
    name: str


@dataclass(frozen=True)
class BodyRow:
    """One row of the /organisations table."""

    iri: str
    id: str
    name: str
    type: str | None
    type_label: str
    types: frozenset[str]
    aliases: tuple[str, ...]
    start: str | None
    end: str | None
    areas: tuple[Ref, ...]
    policy_areas: tuple[Ref, ...]
    client_groups: tuple[Ref, ...]
    in_scope: bool
    has_line: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "iri": self.iri,
            "name": self.name,
            "type": self.type_label,
            "aliases": list(self.aliases),
            "start": self.start,
            "end": self.end,
            "areas": [a.name for a in self.areas],
            "policyAreas": [a.name for a in self.policy_areas],
            "clientGroups": [a.name for a in self.client_groups],
            "scope": "scotland" if self.in_scope else "uk",
            "accountabilityLine": self.has_line,
        }


@dataclass
class Landscape:
    """Everything the front door reads from one data version."""

    version: str
    bodies: list[BodyRow]
    lines: set[tuple[str, str]]
    sources: list[SourceGraph]
    actions: Counter[str] = field(default_factory=Counter)
    """Assessment status label (or "Not assessed") -> number of actions."""

    @property
    def in_scope(self) -> list[BodyRow]:
        return [b for b in self.bodies if b.in_scope]


def _refs(iris: Iterable[str], names: dict[str, str]) -> tuple[Ref, ...]:
    out = [Ref(i, entity_id(i), names.get(i, local_name(i))) for i in iris]
    return tuple(sorted(out, key=lambda r: r.name.lower()))


def account_lines(store: Store) -> set[tuple[str, str]]:
    """Every stated accountability line as (lower, upper)."""
    up, down = accountability_line_kinds()
    text = with_kinds(query("front_lines"), up=up, down=down)
    return {(str(r["lower"]), str(r["upper"])) for r in store.select(text)}


def scottish_scope(store: Store) -> set[str]:
    """graph/analysis/scope.py's landscape, as the overlap report computes it (so the two agree)."""
    return fetch(store).scotland()


@dataclass(frozen=True)
class SourceGraph:
    """A loaded source (its named graph's provenance); ``url`` only for a web origin."""

    iri: str
    title: str
    publisher: str | None
    issued: str | None
    url: str | None


def source_graphs(store: Store) -> list[SourceGraph]:
    """The loaded source graphs, by title."""
    found: dict[str, SourceGraph] = {}
    for r in store.select(query("front_sources")):
        origin = str(r["origin"]) if "origin" in r else ""
        found.setdefault(
            str(r["g"]),
            SourceGraph(
                str(r["g"]),
                str(r["title"]),
                str(r["publisher"]) if "publisher" in r else None,
                str(r["issued"]) if "issued" in r else None,
                origin
                if origin.startswith(("https://", "http://")) and not origin.startswith(BASE)
                else None,
            ),
        )
    return sorted(found.values(), key=lambda s: s.title)


def action_statuses(store: Store) -> Counter[str]:
    """How many plan actions each latest assessment status has ("Not assessed" for none)."""
    latest: dict[str, tuple[str, str]] = {}
    for r in store.select(query("overlap_assessments")):
        action, status, date = str(r["a"]), str(r["status"]), str(r.get("date", ""))
        if action not in latest or date > latest[action][1]:
            latest[action] = (status, date)
    actions = {str(r["e"]) for r in store.select(query("front_actions"))}
    out: Counter[str] = Counter()
    for a in actions:
        out[model.label(URIRef(latest[a][0])) if a in latest else "Not assessed"] += 1
    return out


def read_landscape(store: Store) -> Landscape:
    """Read the front door's view of the store (a handful of queries)."""
    version = data_version(store)
    iris = [r["e"] for r in store.select(query("front_organisations"))]
    records = get_entities(store, iris)  # type: ignore[arg-type]  # rows are typed Node; the query binds IRIs here
    props = (GG.operatesIn, GG.hasInterestIn, GG.servesClientGroup)
    values = property_values(store, list(records), props)
    linked = {str(v) for by in values.values() for vs in by.values() for v in vs}
    names = {str(k): r.name for k, r in get_entities(store, [URIRef(i) for i in linked]).items()}
    lines = account_lines(store)
    lower = {lo for lo, _ in lines}
    scope = scottish_scope(store)
    bodies = []
    for iri, rec in records.items():
        vals = values.get(iri, {})
        bodies.append(
            BodyRow(
                iri=rec.iri,
                id=rec.id,
                name=rec.name,
                type=rec.type,
                type_label=model.label(URIRef(rec.type)) if rec.type else "",
                types=_with_ancestors(rec.types),
                aliases=tuple(rec.aliases),
                start=rec.start,
                end=rec.end,
                areas=_refs((str(v) for v in vals.get(GG.operatesIn, ())), names),
                policy_areas=_refs((str(v) for v in vals.get(GG.hasInterestIn, ())), names),
                client_groups=_refs((str(v) for v in vals.get(GG.servesClientGroup, ())), names),
                in_scope=rec.iri in scope,
                has_line=rec.iri in lower,
            )
        )
    bodies.sort(key=lambda b: (b.name.lower(), b.iri))
    return Landscape(version, bodies, lines, source_graphs(store), action_statuses(store))


def _with_ancestors(types: Iterable[str]) -> frozenset[str]:
    """Asserted types and every class above them, so a filter on gg:Group finds teams."""
    m = model.model()
    out = set(types)
    for t in types:
        if URIRef(t) in m.classes:
            out |= {str(a) for a in m.ancestors(URIRef(t))}
    return frozenset(out)


class FrontCache:
    """The :class:`Landscape` of the current data version, read again only when it changes
    (the same rule as :class:`~govgraph.graph.analysis.overlaps.FindingsCache`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._landscape: Landscape | None = None

    def get(self, store: Store) -> Landscape:
        version = data_version(store)
        with self._lock:
            if self._landscape is None or self._landscape.version != version:
                self._landscape = read_landscape(store)
            return self._landscape

    def peek(self) -> Landscape | None:
        """The landscape last read, without reading (error pages must not query)."""
        return self._landscape


# --- the /organisations table --------------------------------------------------------------

BROWSE_PARAMS = {
    "scope": "scope",
    "type": "type",
    "area": "area",
    "policyArea": "policy_area",
    "clientGroup": "client_group",
    "line": "line",
    "asOf": "as_of",
    "sort": "sort",
    "page": "page",
    "size": "size",
}
"""Query-string key -> :class:`Browse` field."""


@dataclass(frozen=True)
class Browse:
    """A view of the bodies table: every field comes from the query string, so a URL is a
    view (Datasette's rule)."""

    scope: str = "scotland"
    type: str | None = None
    """A class's local name (``IntegrationJointBoard``); subclass members match too."""
    area: str | None = None
    policy_area: str | None = None
    client_group: str | None = None
    line: str | None = None
    as_of: str | None = None
    sort: str = "name"
    page: int = 1
    size: int = 50

    @classmethod
    def parse(cls, params: dict[str, str]) -> Browse:
        """Read and check a query string; a bad value is a QueryError naming the field."""
        got: dict[str, Any] = {}
        for key, attr in BROWSE_PARAMS.items():
            value = (params.get(key) or "").strip()
            if value:
                got[attr] = value
        view = cls(**got)
        if view.scope not in SCOPES:
            raise QueryError(f"scope must be one of {', '.join(SCOPES)}, not {view.scope!r}")
        if view.line is not None and view.line not in LINES:
            raise QueryError(f"line must be one of {', '.join(LINES)}, not {view.line!r}")
        if view.sort.lstrip("-") not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)} (- for descending)")
        check_date(view.as_of)
        for key in ("page", "size"):
            value = getattr(view, key)
            if not str(value).isdigit() or int(value) < 1:
                raise QueryError(f"{key} must be a whole number from 1, not {value!r}")
        view = replace(view, page=int(view.page), size=int(view.size))
        if view.size not in PAGE_SIZES:
            raise QueryError(f"size must be one of {', '.join(map(str, PAGE_SIZES))}")
        if view.type is not None and GG[view.type] not in model.model().classes:
            raise QueryError(f"type {view.type!r} is not a class of the ontology")
        return view

    def params(self, **changes: Any) -> dict[str, str]:
        """The query string of this view with some fields changed (None drops a field);
        a changed filter goes back to page 1."""
        view = replace(self, **changes)
        if "page" not in changes:
            view = replace(view, page=1)
        out = {}
        defaults = Browse()
        for key, attr in BROWSE_PARAMS.items():
            value = getattr(view, attr)
            if value is not None and value != getattr(defaults, attr):
                out[key] = str(value)
        return out

    def keep(self, row: BodyRow, skip: str = "") -> bool:
        if skip != "scope" and self.scope != "all" and row.in_scope != (self.scope == "scotland"):
            return False
        if skip != "type" and self.type is not None and str(GG[self.type]) not in row.types:
            return False
        for attr, refs in (
            ("area", row.areas),
            ("policy_area", row.policy_areas),
            ("client_group", row.client_groups),
        ):
            wanted = getattr(self, attr)
            if skip != attr and wanted is not None and wanted not in {r.id for r in refs}:
                return False
        if skip != "line" and self.line is not None and row.has_line != (self.line == "yes"):
            return False
        return self.as_of is None or within(row.start, row.end, self.as_of)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    """The query-string key."""
    title: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Table:
    """One page of the bodies table, its total and its facets."""

    view: Browse
    rows: list[BodyRow]
    total: int
    facets: list[Facet]
    pages: int


def _facet(name: str, title: str, counts: Counter[tuple[str, str]], selected: str | None) -> Facet:
    values = [
        FacetValue(value, label, n, value == selected)
        for (value, label), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1]))
    ]
    return Facet(name, title, values)


def _sort_key(sort: str) -> Any:
    name = sort.lstrip("-")
    if name == "type":
        return lambda b: (b.type_label.lower(), b.name.lower())
    if name in ("start", "end"):
        # undated rows last whichever way the column is sorted
        return lambda b: (getattr(b, name) or "", b.name.lower())
    return lambda b: (b.name.lower(), b.iri)


def browse(landscape: Landscape, view: Browse) -> Table:
    """Filter, count facets, sort and page the bodies of ``landscape``."""
    rows = [b for b in landscape.bodies if view.keep(b)]
    descending = view.sort.startswith("-")
    key = _sort_key(view.sort)
    dated = view.sort.lstrip("-") in ("start", "end")
    if dated:
        with_date = [r for r in rows if getattr(r, view.sort.lstrip("-"))]
        without = [r for r in rows if not getattr(r, view.sort.lstrip("-"))]
        rows = sorted(with_date, key=key, reverse=descending) + sorted(without, key=_sort_key(""))
    else:
        rows = sorted(rows, key=key, reverse=descending)
    pages = max(1, -(-len(rows) // view.size))
    shown = rows[(view.page - 1) * view.size : view.page * view.size]
    return Table(view, shown, len(rows), _facets(landscape, view), pages)


def _facets(landscape: Landscape, view: Browse) -> list[Facet]:
    """Each facet counts the rows that pass every other filter (so its values can be
    switched between), as Datasette does."""
    counts: dict[str, Counter[tuple[str, str]]] = {
        k: Counter() for k in ("scope", "type", "area", "policy_area", "client_group", "line")
    }
    for row in landscape.bodies:
        if view.keep(row, skip="scope"):
            counts["scope"]["scotland" if row.in_scope else "uk", ""] += 1
        if view.keep(row, skip="type") and row.type:
            counts["type"][local_name(row.type), row.type_label] += 1
        for attr, refs in (
            ("area", row.areas),
            ("policy_area", row.policy_areas),
            ("client_group", row.client_groups),
        ):
            if view.keep(row, skip=attr):
                for r in refs:
                    counts[attr][r.id, r.name] += 1
        if view.keep(row, skip="line"):
            counts["line"]["yes" if row.has_line else "no", ""] += 1
    scope = Counter({(k, SCOPES[k]): n for (k, _), n in counts["scope"].items()})
    scope["all", SCOPES["all"]] = sum(scope.values())
    line = Counter({(k, LINES[k]): n for (k, _), n in counts["line"].items()})
    return [
        _facet("scope", "Scope", scope, view.scope),
        _facet("type", "Type", counts["type"], view.type),
        _facet("area", "Council or health board area", counts["area"], view.area),
        _facet("policyArea", "Policy area", counts["policy_area"], view.policy_area),
        _facet("clientGroup", "Client group", counts["client_group"], view.client_group),
        _facet("line", "Accountability line", line, view.line),
    ]


def bodies_linked(landscape: Landscape, id: str) -> list[tuple[str, int, dict[str, str]]]:
    """Where an area, policy area or client group is a facet of the bodies table: a label,
    how many bodies (all scopes) it has, and the query string of that filtered view."""
    out = []
    for attr, key, text in (
        ("areas", "area", "Bodies operating in this area"),
        ("policy_areas", "policyArea", "Bodies with an interest in this policy area"),
        ("client_groups", "clientGroup", "Bodies serving this client group"),
    ):
        n = sum(1 for b in landscape.bodies if id in {r.id for r in getattr(b, attr)})
        if n:
            out.append((text, n, {key: id, "scope": "all"}))
    return out


# --- entity pages ----------------------------------------------------------------------


@dataclass
class RelRow:
    """A relationship as read from the entity: ``reads`` is the kind in that direction."""

    rel: RelationshipRecord
    other: Ref
    other_type: str
    """The other end's type, as the ontology labels it."""
    other_class: str = ""
    """The other end's most specific class IRI (its colour on maps and drawings)."""
    sources: list[SourceRef] = field(default_factory=list)


@dataclass
class RelGroup:
    """The relationships of one kind, read from the entity ("regulates", "is directed by")."""

    key: str
    """The local name of the kind as read from the entity (``regulates``)."""
    label: str
    total: int
    by_type: list[tuple[str, int]]
    """The other ends' types and how many of each, most first."""
    rows: list[RelRow]
    """The rows shown (a preview, or one page)."""
    start: int = 0


@dataclass
class Event:
    date: str
    text: str
    other: Ref | None = None


@dataclass
class EntityView:
    rec: EntityRecord
    sources: list[SourceRef]
    groups: list[RelGroup]
    chain: Chain
    names: dict[str, str]
    timeline: list[Event]
    total: int
    """How many relationships it has in all."""
    rows: list[RelRow] = field(default_factory=list)
    """Every relationship as read from the entity (the groups show a preview or a page)."""


def reading(rel: RelationshipRecord, iri: str) -> URIRef:
    """The kind as read from ``iri``: as stated from the subject, else its inverse (the kind
    itself when the ontology gives none: a symmetric kind reads the same both ways)."""
    kind = URIRef(rel.kind)
    if rel.subject == iri:
        return kind
    inverse = model.get_property(kind).inverse if kind in model.model().properties else None
    return inverse or kind


def entity_view(
    store: Store, iri: URIRef, group: str | None = None, page: int = 1
) -> EntityView | None:
    """An entity, its relationships grouped by how they read from it (each group a preview,
    or one page of ``group``), its accountability chain and dated facts."""
    rec = get_entities(store, [iri]).get(iri)
    if rec is None:
        return None
    rels = relationships_of(store, [iri], in_force=True).get(iri, [])
    chain = accountability_chain(store, iri)
    by_key: dict[URIRef, list[RelationshipRecord]] = {}
    for rel in rels:
        by_key.setdefault(reading(rel, str(iri)), []).append(rel)
    others = {r.object if r.subject == str(iri) else r.subject for r in rels}
    others |= {h.target for h in chain.hops} | {h.source for h in chain.hops}
    found = get_entities(store, [URIRef(o) for o in others])
    names = {str(k): v.name for k, v in found.items()}
    types = {str(k): model.label(URIRef(v.type)) if v.type else "" for k, v in found.items()}
    groups: list[RelGroup] = []
    shown: list[RelRow] = []
    every: list[RelRow] = []
    for kind, members in by_key.items():
        key = local_name(str(kind))
        rows = []
        for rel in members:
            other = rel.object if rel.subject == str(iri) else rel.subject
            ref = Ref(other, entity_id(other), names.get(other, local_name(other)))
            other_rec = found.get(URIRef(other))
            rows.append(
                RelRow(rel, ref, types.get(other, ""), other_rec.type or "" if other_rec else "")
            )
        rows.sort(key=lambda r: (r.other.name.lower(), r.other.iri))
        every += rows
        by_type = Counter(r.other_type or "other" for r in rows).most_common()
        start = 0
        if group == key:
            start = (page - 1) * GROUP_PAGE
            cut = rows[start : start + GROUP_PAGE]
        else:
            cut = rows[:GROUP_PREVIEW]
        shown += cut
        groups.append(RelGroup(key, model.label(kind), len(rows), by_type, cut, start))
    groups.sort(key=lambda g: (g.total > GROUP_PREVIEW, g.label))
    if group is not None and group not in {g.key for g in groups}:
        raise QueryError(f"{rec.name} has no relationships of the kind {group!r}")
    _cite(store, iri, shown)
    return EntityView(
        rec=rec,
        sources=get_sources(store, [iri]).get(iri, []),
        groups=groups,
        chain=chain,
        names=names,
        timeline=timeline(rec, every, str(iri), events(store, iri)),
        total=len(rels),
        rows=every,
    )


def _cite(store: Store, iri: URIRef, rows: Sequence[RelRow]) -> None:
    """Sources per shown row: its reified nodes' citations, else the asserting graphs'."""
    nodes = [URIRef(n) for r in rows for n in r.rel.nodes]
    nodes += [URIRef(g) for r in rows for g in r.rel.graphs]
    sources = get_sources(store, nodes)
    for r in rows:
        cited = [s for n in r.rel.nodes for s in sources.get(URIRef(n), [])]
        cited = cited or [s for g in r.rel.graphs for s in sources.get(URIRef(g), [])]
        r.sources = sorted(set(cited), key=lambda s: (s.title, s.locator or ""))


def events(store: Store, iri: URIRef) -> list[Event]:
    """The change events (establishment, renaming, merger...) that touch the entity."""
    out = []
    for r in store.select(query("front_events"), {"entity": [iri]}):
        ev = str(r["ev"])
        name = str(r["name"]) if "name" in r else local_name(ev)
        out.append(Event(str(r["date"]), "Event", Ref(ev, entity_id(ev), name)))
    return out


def timeline(
    rec: EntityRecord, rows: Sequence[RelRow], iri: str, changes: Sequence[Event] = ()
) -> list[Event]:
    """The entity's dated facts in date order: its own dates, the change events touching it
    and its dated relationships."""
    events = list(changes)
    if rec.start:
        events.append(Event(rec.start, "Established"))
    if rec.due:
        events.append(Event(rec.due, "Due"))
    if rec.end:
        events.append(Event(rec.end, "Ended"))
    for r in rows:
        label = model.label(reading(r.rel, iri))
        if r.rel.start:
            events.append(Event(r.rel.start, f"Began: {label}", r.other))
        if r.rel.end:
            events.append(Event(r.rel.end, f"Ended: {label}", r.other))
    return sorted(events, key=lambda e: e.date)


def is_entity(iri: str) -> bool:
    return iri.startswith(str(ID))
