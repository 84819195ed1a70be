"""Per-request GraphQL context: the store, a bounded thread pool and DataLoaders.

Store calls are synchronous, so they run in worker threads (Oxigraph releases the GIL while
querying); DataLoaders are created per request so no cache is ever shared between users,
and every nested lookup of a level of the answer is batched into one query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import anyio
from anyio import CapacityLimiter
from rdflib import URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node
from strawberry.dataloader import DataLoader

from govgraph.api.costly import Costly
from govgraph.api.settings import Settings
from govgraph.graph.analysis.findings import Finding
from govgraph.graph.analysis.overlaps import FindingsCache
from govgraph.graph.facts import entities
from govgraph.graph.facts.figures import figures_about
from govgraph.graph.facts.plan_queries import ACTION_LINKS, ASSESSMENT_LINKS, LEAD_LINKS
from govgraph.graph.facts.records import EntityRecord, RelationshipRecord, SourceRef
from govgraph.graph.facts.relationships import kept_relationships, relationships_of
from govgraph.graph.facts.route_maps import RouteMapsCache
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GG, SCHEMA

T = TypeVar("T")

FIGURE_LINKS = (SCHEMA.value, SCHEMA.unitText, SCHEMA.about, DCTERMS.date, GG.status)
"""Properties of a figure the API shows."""

LINKS = (
    *ACTION_LINKS,
    *ASSESSMENT_LINKS,
    *LEAD_LINKS,
    *FIGURE_LINKS,
    GG.operatesIn,
    GG.hasInterestIn,
    GG.hasRemitIn,
    GG.servesClientGroup,
    GG.gssCode,
)
"""Properties the API follows from an entity, fetched together for a batch of entities."""


class CountingStore:
    """The store as seen by one request: every query it issues is counted."""

    def __init__(self, store: Store, calls: list[int]) -> None:
        self._store, self._calls = store, calls

    def select(self, *args: Any, **kwargs: Any) -> Any:
        self._calls.append(1)
        return self._store.select(*args, **kwargs)

    def select_one(self, *args: Any, **kwargs: Any) -> Any:
        self._calls.append(1)
        return self._store.select_one(*args, **kwargs)

    def construct(self, *args: Any, **kwargs: Any) -> Any:
        self._calls.append(1)
        return self._store.construct(*args, **kwargs)

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        self._calls.append(1)
        return self._store.ask(*args, **kwargs)

    def count(self, *args: Any, **kwargs: Any) -> Any:
        self._calls.append(1)
        return self._store.count(*args, **kwargs)

    def graphs(self) -> Any:
        self._calls.append(1)
        return self._store.graphs()

    def data_version(self) -> str:
        return self._store.data_version()

    @property
    def wrapped(self) -> Store:
        """The shared store: per-version caches (the search index) are kept on it, not on
        this per-request view."""
        return self._store


@dataclass
class Context:
    store: Store
    limiter: CapacityLimiter
    findings: FindingsCache = field(default_factory=FindingsCache)
    """Overlap findings, computed once per data version; the app shares one cache."""
    costly: Costly = field(default_factory=lambda: Costly.from_settings(Settings()))
    """Snapshots and scenarios run through this (a slot, a confined child); the app
    shares one."""
    route_maps: RouteMapsCache = field(default_factory=RouteMapsCache)
    """Route maps read once per data version (per request unless the app shares one)."""
    _calls: list[int] = field(default_factory=list, repr=False)
    entities: DataLoader[URIRef, EntityRecord | None] = field(init=False)
    sources: DataLoader[URIRef, list[SourceRef]] = field(init=False)
    relationships: DataLoader[URIRef, list[RelationshipRecord]] = field(init=False)
    links: DataLoader[URIRef, dict[URIRef, list[Node]]] = field(init=False)
    figures: DataLoader[URIRef, list[URIRef]] = field(init=False)

    def __post_init__(self) -> None:
        self._counted = CountingStore(self.store, self._calls)
        self.entities = DataLoader(load_fn=self._load_entities)
        self.sources = DataLoader(load_fn=self._load_sources)
        self.relationships = DataLoader(load_fn=self._load_relationships)
        self.links = DataLoader(load_fn=self._load_links)
        self.figures = DataLoader(load_fn=self._load_figures)

    @property
    def store_calls(self) -> int:
        """How many store queries this request issued (pinned by the N+1 tests)."""
        return len(self._calls)

    @property
    def organisations(self) -> DataLoader[URIRef, EntityRecord | None]:
        return self.entities

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(store, *args)`` in a worker thread, counting its queries."""
        return await anyio.to_thread.run_sync(
            partial(fn, self._counted, *args), limiter=self.limiter
        )

    async def overlap_findings(
        self, kinds: list[str] | None, min_score: float, first: int
    ) -> list[Finding]:
        """Findings from the shared cache (computed at most once per data version)."""
        self._calls.append(1)
        get = partial(self.findings.get, self.store, kinds=kinds, min_score=min_score, first=first)
        return await anyio.to_thread.run_sync(get, limiter=self.limiter)

    def prime(self, records: Sequence[EntityRecord]) -> None:
        """Let later lookups of entities already read in full skip the store."""
        for rec in records:
            self.entities.prime(URIRef(rec.iri), rec)

    def kept(self, peek: Callable[..., T | None], *args: Any) -> T | None:
        """``peek(store, *args)`` answered on the event loop, without a worker thread, when
        it needs only what is kept for the data version (the store's version is itself in
        memory): None when something must be read."""
        if not self.store.version_in_memory:
            return None
        return peek(self.store, *args)

    async def load_kept(
        self,
        loader: DataLoader[URIRef, T],
        peek: Callable[[Store, list[URIRef]], Mapping[URIRef, Any] | None],
        keys: list[URIRef],
        default: T,
    ) -> list[T]:
        """``loader.load_many(keys)``, answered at once when every key is kept for the data
        version: a DataLoader batch waits a turn of the event loop, behind every other
        request of a busy worker, even when nothing is to be read."""
        found = self.kept(peek, keys)
        if found is not None:
            return [found.get(k, default) for k in keys]
        return list(await loader.load_many(keys))

    async def records(self, keys: list[URIRef]) -> list[EntityRecord | None]:
        return await self.load_kept(self.entities, entities.kept_entities, keys, None)

    async def sources_of(self, keys: list[URIRef]) -> list[list[SourceRef]]:
        return await self.load_kept(self.sources, entities.kept_sources, keys, [])

    async def relationships_of(self, key: URIRef) -> list[RelationshipRecord]:
        return (await self.load_kept(self.relationships, kept_relationships, [key], []))[0]

    async def links_of(self, keys: list[URIRef]) -> list[dict[URIRef, list[Node]]]:
        return await self.load_kept(self.links, _kept_links, keys, {})

    async def _load_entities(self, keys: Sequence[URIRef]) -> list[EntityRecord | None]:
        found = self.kept(entities.kept_entities, list(keys))
        if found is None:
            found = await self.run(entities.get_entities, list(keys))
        return [found.get(k) for k in keys]

    async def _load_sources(self, keys: Sequence[URIRef]) -> list[list[SourceRef]]:
        found = self.kept(entities.kept_sources, list(keys))
        if found is None:
            found = await self.run(entities.get_sources, list(keys))
        return [found.get(k, []) for k in keys]

    async def _load_relationships(self, keys: Sequence[URIRef]) -> list[list[RelationshipRecord]]:
        found = self.kept(kept_relationships, list(keys))
        if found is None:
            found = await self.run(relationships_of, list(keys))
        return [found.get(k, []) for k in keys]

    async def _load_figures(self, keys: Sequence[URIRef]) -> list[list[URIRef]]:
        found = await self.run(figures_about, list(keys))
        return [found.get(k, []) for k in keys]

    async def _load_links(self, keys: Sequence[URIRef]) -> list[dict[URIRef, list[Node]]]:
        found = self.kept(entities.kept_property_values, list(keys), LINKS)
        if found is None:
            found = await self.run(entities.property_values, list(keys), LINKS)
        return [found.get(k, {}) for k in keys]


def _kept_links(store: Store, keys: list[URIRef]) -> dict[URIRef, dict[URIRef, list[Node]]] | None:
    return entities.kept_property_values(store, keys, LINKS)
