"""Per-request GraphQL context: the store, a bounded thread pool and DataLoaders.

Store calls are synchronous, so they run in worker threads (Oxigraph releases the GIL while
querying); DataLoaders are created per request so no cache is ever shared between users.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import anyio
from anyio import CapacityLimiter
from rdflib import URIRef
from strawberry.dataloader import DataLoader

from govgraph.graph import organisations as orgs
from govgraph.graph.records import OrganisationRecord
from govgraph.graph.store import Store

T = TypeVar("T")


@dataclass
class Context:
    store: Store
    limiter: CapacityLimiter
    store_calls: int = 0
    """How many store round-trips this request made (pinned by the N+1 tests)."""
    organisations: DataLoader[URIRef, OrganisationRecord | None] = field(init=False)

    def __post_init__(self) -> None:
        self.organisations = DataLoader(load_fn=self._load_organisations)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(store, *args)`` in a worker thread."""
        self.store_calls += 1
        return await anyio.to_thread.run_sync(partial(fn, self.store, *args), limiter=self.limiter)

    async def _load_organisations(self, keys: Sequence[URIRef]) -> list[OrganisationRecord | None]:
        found = await self.run(orgs.get_organisations, list(keys))
        return [found.get(k) for k in keys]
