"""Route maps read from the store into plain data, for pages, GraphQL, maps and checks.

One read (:func:`read_route_maps`) of a handful of fixed queries gives every route map with
its positions, commitments, milestones, responsibilities, dependencies, statuses and
indicators; everything else filters that in Python (route maps hold hundreds of rows, not
millions).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from govgraph.graph.core.dates import Date, parse_date
from govgraph.graph.facts.records import SourceRef
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.graph.storage.version_cache import PerVersion
from govgraph.ontology.terms import GG, slug_of


@dataclass(frozen=True)
class Responsible:
    body: str
    name: str
    tier: str
    """gg:LeadTier or gg:SupportingTier (IRI)."""
    collective: bool


@dataclass(frozen=True)
class StatusAt:
    date: str
    status: str
    """A gg:ProgressStatus individual (IRI)."""


@dataclass
class Item:
    iri: str
    kind: str
    """``commitment`` or ``milestone``."""
    route_map: str
    text: str
    due: str | None = None
    due_as_written: str = ""
    commitment: str | None = None
    responsible: list[Responsible] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    statuses: list[StatusAt] = field(default_factory=list)
    sources: tuple[SourceRef, ...] = ()

    @property
    def id(self) -> str:
        return slug_of(self.iri)

    @property
    def due_date(self) -> Date | None:
        return parse_date(self.due) if self.due else None

    @property
    def year(self) -> int | None:
        return int(self.due[:4]) if self.due else None

    def status_at(self, as_of: str | None) -> StatusAt | None:
        """The latest status recorded on or before ``as_of`` (any, when None)."""
        cut = parse_date(as_of).latest if as_of else None
        known = [s for s in self.statuses if cut is None or parse_date(s.date).earliest <= cut]
        return max(known, key=lambda s: parse_date(s.date).earliest) if known else None

    def label(self, limit: int = 60) -> str:
        text = self.text if len(self.text) <= limit else self.text[: limit - 1].rstrip() + "…"
        return text


@dataclass(frozen=True)
class Position:
    kind: str
    text: str
    date: str | None
    sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True)
class Indicator:
    owner: str
    measure: str
    measured_by: str | None
    measured_by_name: str | None
    published_in: str | None


@dataclass
class RouteMap:
    iri: str
    name: str
    theme: str
    example: bool
    positions: list[Position] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    sources: tuple[SourceRef, ...] = ()

    @property
    def id(self) -> str:
        return slug_of(self.iri).removeprefix("route-map/")


@dataclass
class RouteMaps:
    maps: dict[str, RouteMap]
    items: dict[str, Item]
    dependency_sources: dict[tuple[str, str], tuple[SourceRef, ...]] = field(default_factory=dict)

    def milestones(self) -> list[Item]:
        return [i for i in self.items.values() if i.kind == "milestone"]

    def find(self, map_id: str) -> RouteMap | None:
        return next((m for m in self.maps.values() if m.id == map_id), None)

    def dependencies(self) -> list[tuple[str, str]]:
        return [(i.iri, d) for i in self.items.values() for d in i.depends_on]


def read_route_maps(store: Store) -> RouteMaps:
    """Every route map in the store, as plain data."""
    maps: dict[str, RouteMap] = {}
    for r in store.select(query("route_maps")):
        example = r.get("example")
        maps[str(r["map"])] = RouteMap(
            str(r["map"]), str(r["name"]), str(r["theme"]), str(example).lower() == "true"
        )
    items: dict[str, Item] = {}
    for r in store.select(query("route_map_items")):
        iri, map_iri = str(r["item"]), str(r["map"])
        if map_iri not in maps:
            continue
        item = items.get(iri)
        if item is None:
            kind = "milestone" if r["type"] == GG.Milestone else "commitment"
            item = items[iri] = Item(iri, kind, map_iri, str(r.get("text") or ""))
            maps[map_iri].items.append(iri)
        if r.get("due") is not None:
            item.due = str(r["due"])
        if r.get("written") is not None:
            item.due_as_written = str(r["written"])
        if r.get("commitment") is not None:
            item.commitment = str(r["commitment"])
    for r in store.select(query("route_map_responsibilities")):
        item = items.get(str(r["item"]))
        if item is None:
            continue
        body = str(r["body"])
        found = Responsible(
            body,
            str(r.get("name") or slug_of(body)),
            str(r["tier"]),
            str(r["collective"]).lower() == "true",
        )
        if found not in item.responsible:
            item.responsible.append(found)
    dependency_nodes: dict[tuple[str, str], str] = {}
    for r in store.select(query("route_map_dependencies")):
        a, b = str(r["item"]), str(r["other"])
        if a in items and b in items and b not in items[a].depends_on:
            items[a].depends_on.append(b)
            dependency_nodes[(a, b)] = str(r["dep"])
    for r in store.select(query("route_map_statuses")):
        if str(r["item"]) in items:
            items[str(r["item"])].statuses.append(StatusAt(str(r["date"]), str(r["status"])))
    positions: dict[str, list[tuple[str, str, str, str | None]]] = defaultdict(list)
    for r in store.select(query("route_map_positions")):
        date = r.get("date")
        positions[str(r["map"])].append(
            (str(r["kind"]), str(r["node"]), str(r["text"]), str(date) if date else None)
        )
    for r in store.select(query("route_map_indicators")):
        owner = str(r["owner"])
        target = maps.get(owner) or (maps.get(items[owner].route_map) if owner in items else None)
        if target is not None:
            by, by_name, pub = r.get("by"), r.get("byName"), r.get("published")
            target.indicators.append(
                Indicator(
                    owner,
                    str(r["measure"]),
                    str(by) if by else None,
                    str(by_name) if by_name else None,
                    str(pub) if pub else None,
                )
            )
    nodes = [*maps, *items, *dependency_nodes.values()]
    nodes += [n for found in positions.values() for _, n, _, _ in found]
    refs = _citations(store, nodes)
    for m in maps.values():
        m.sources = refs.get(m.iri, ())
        m.positions = [
            Position(kind, text, date, refs.get(node, ()))
            for kind, node, text, date in positions.get(m.iri, [])
        ]
    for item in items.values():
        item.sources = refs.get(item.iri, ())
    deps = {key: refs.get(node, ()) for key, node in dependency_nodes.items()}
    return RouteMaps(maps, items, deps)


def _citations(store: Store, nodes: list[str]) -> dict[str, tuple[SourceRef, ...]]:
    out: dict[str, list[SourceRef]] = defaultdict(list)
    for start in range(0, len(nodes), 500):
        chunk = [URIRef(n) for n in nodes[start : start + 500]]
        for r in store.select(query("route_map_citations"), {"s": chunk}):
            title = r.get("title")
            ref = SourceRef(
                str(title) if title else slug_of_doc(str(r["doc"])),
                str(r["locator"]) if r.get("locator") else None,
            )
            if ref not in out[str(r["s"])]:
                out[str(r["s"])].append(ref)
    return {k: tuple(v) for k, v in out.items()}


def slug_of_doc(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


class RouteMapsCache(PerVersion[RouteMaps]):
    """The last :func:`read_route_maps` answer, kept while the data version stays the same
    (a request asking for route maps, milestones and checks reads the store once)."""

    def __init__(self) -> None:
        super().__init__(read_route_maps)
