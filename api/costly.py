"""Costly work (ad-hoc SPARQL, date diffs, snapshots, scenarios) run the one bounded way:
a slot from the app's :class:`~govgraph.graph.storage.sandbox.Gate`, then a confined child with a
deadline and a memory cap, awaited from a worker thread so the event loop stays free."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from govgraph.api.settings import Settings
from govgraph.graph.analysis.overlaps import data_version
from govgraph.graph.core.errors import (
    GovgraphError,
    NotAcceptable,
    NotFound,
    QueryTimeout,
    StoreError,
    UnsupportedMediaType,
)
from govgraph.graph.core.recent import Recent
from govgraph.graph.storage.sandbox import MB, Busy, Gate, Limits, call_isolated, run_isolated
from govgraph.graph.storage.store import Store

T = TypeVar("T")

STORE_RETRY_AFTER = "5"
"""Seconds a client should wait when the store is unreachable."""


RecentResults = Recent
"""The last few results of costly work, keyed by store, data version and arguments: a
repeated date diff, snapshot or SPARQL query is answered from here, a new one starts a
child."""


ANSWERS_KEPT = 256
ANSWERS_MAX_BYTES = 64 * MB
"""SPARQL answers kept per worker: at most this many and this many bytes (one answer at
most a quarter of it), the least recently used dropped first."""


def _answer_bytes(value: tuple[str, bytes]) -> int:
    return len(value[1]) + len(value[0])


@dataclass(frozen=True)
class Costly:
    gate: Gate
    sparql: Limits
    """Limits of one ad-hoc SPARQL query."""
    work: Limits
    """Limits of one diff, snapshot or scenario."""
    recent: Recent[Any] = field(default_factory=Recent)
    answers: Recent[tuple[str, bytes]] = field(
        default_factory=lambda: Recent(ANSWERS_KEPT, ANSWERS_MAX_BYTES, _answer_bytes)
    )
    """SPARQL answers as served, per data version, query text and media types."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Costly:
        memory = settings.child_max_memory_mb * MB
        return cls(
            gate=Gate(
                settings.costly_slots,
                settings.retry_after,
                wait=settings.costly_wait,
                queue=settings.costly_queue,
            ),
            sparql=Limits(settings.sparql_timeout, settings.sparql_max_bytes, memory),
            work=Limits(settings.costly_timeout, settings.costly_max_bytes, memory),
        )

    async def call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in a confined child, its result unpickled here."""
        run = partial(call_isolated, fn, *args, limits=self.work, **kwargs)
        return await anyio.to_thread.run_sync(self._in_slot, what, run)

    def _in_slot(self, what: str, run: Callable[[], T]) -> T:
        """``run()`` once a slot is free: on a worker thread, as the gate may wait."""
        with self.gate.slot(what):
            return run()

    async def cached(self, what: str, store: Store, fn: Callable[..., T], *args: Hashable) -> T:
        """``fn(store, *args)`` from :attr:`recent` when this data version has it, else
        computed in a confined child and remembered."""
        version = await anyio.to_thread.run_sync(data_version, store)
        key = (id(store), version, fn.__module__, fn.__qualname__, *args)
        cached: T | None = self.recent.get(key)
        if cached is not None:
            return cached
        found = await self.call(what, fn, store, *args)
        self.recent.put(key, found)
        return found

    async def run_bytes(self, what: str, work: Callable[[], bytes], limits: Limits) -> bytes:
        """``work()``'s bytes from a confined child (no pickling: an answer as served)."""
        return await anyio.to_thread.run_sync(
            self._in_slot, what, partial(run_isolated, work, limits)
        )


def error_response(
    exc: GovgraphError, headers: dict[str, str] | None = None, request: Request | None = None
) -> Response:
    """The answer for a refused or stopped request: 404 for a missing entity, 503 (with
    Retry-After) when the server is busy, work was stopped or the store is unreachable, else
    400 with the reason. Given the request, it answers by Accept: a page in the site's layout
    for a browser, JSON for a client asking for it, else plain text."""
    out = dict(headers or {})
    status, message = 400, str(exc)
    if isinstance(exc, NotFound):
        status = 404
    elif isinstance(exc, NotAcceptable):
        status = 406
    elif isinstance(exc, UnsupportedMediaType):
        status = 415
    elif isinstance(exc, Busy):
        status = 503
        out["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, QueryTimeout):
        status = 503
    elif isinstance(exc, StoreError):  # as the StoreUnavailable middleware answers
        status, message = 503, f"The data store is unavailable; try again shortly. {exc}"
        out["Retry-After"] = STORE_RETRY_AFTER
    if request is not None:
        from govgraph.api.pages import error_page  # pages reads sparql, which reads us

        return error_page(request, status, message, out)
    return PlainTextResponse(f"{message}\n", status_code=status, headers=out)
