"""Serving through reloads and outages: one data version per request, 503 when the store is
unreachable, and maps and reports made once per data version.

:func:`govgraph.api.app.create_app` wraps every app in three ASGI middlewares:

* :class:`PinVersion` (inside the security headers): a request reads one version of a
  :class:`~govgraph.graph.versioned_store.VersionedStore` from its first query to its last,
  so a reload between two queries of a GraphQL request cannot mix landscapes.
* :class:`StoreUnavailable` (inside the security headers): a :class:`StoreError` that
  escapes an endpoint (a remote SPARQL engine gone away) is a 503 with the reason and a
  ``Retry-After``, not a 500. GraphQL already reports it as an error message.
* :class:`ArtefactCache` (innermost): maps and reports are pure functions of the data and
  the query string, and a map costs 0.2-0.3 s of CPU; they are kept per data version.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govgraph.api.costly import STORE_RETRY_AFTER
from govgraph.api.pages import error_page
from govgraph.graph.errors import StoreError
from govgraph.graph.store import Store
from govgraph.graph.versioned_store import VersionedStore

log = logging.getLogger("govgraph.api")

CACHED_PREFIXES = ("/maps/", "/reports/")


class PinVersion:
    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self.pin = store.pin if isinstance(store, VersionedStore) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        pin = self.pin
        if scope["type"] != "http" or pin is None:
            await self.app(scope, receive, send)
            return
        try:
            pinned = pin()
            pinned.__enter__()
        except StoreError as exc:  # the inner layers answer 503 when they read
            log.warning("could not pin a data version: %s", exc)
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            pinned.__exit__(None, None, None)


class StoreUnavailable:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except StoreError as exc:
            if started:
                raise
            log.warning("store unavailable answering %s: %s", scope["path"], exc)
            text = f"The data store is unavailable; try again shortly. {exc}"
            if "app" in scope:  # a browser gets the page in the layout, a client text/JSON
                page = error_page(Request(scope), 503, text, {"Retry-After": STORE_RETRY_AFTER})
                await page(scope, receive, send)
                return
            body = f"{text}\n".encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", b"5"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})


class ArtefactCache:
    """Bounded LRU of whole 200 answers to GET /maps/* and /reports/*, keyed by data version."""

    def __init__(
        self, app: ASGIApp, store: Store, max_entries: int = 64, max_bytes: int = 128_000_000
    ) -> None:
        self.app, self.store = app, store
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[tuple[str, ...], tuple[Message, bytes]] = OrderedDict()
        self._bytes = 0

    async def _version(self) -> str:
        if isinstance(self.store, VersionedStore) and self.store.version is not None:
            return self.store.version
        from govgraph.graph.overlaps import data_version

        return await run_in_threadpool(data_version, self.store)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(CACHED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        key = (await self._version(), scope["path"], scope.get("query_string", b"").decode())
        hit = self._entries.get(key)
        if hit is not None:
            self._entries.move_to_end(key)
            start, body = hit
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        start_msg: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start_msg.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        if start_msg.get("status") == 200:
            self._remember(key, start_msg, b"".join(chunks))

    def _remember(self, key: tuple[str, ...], start: Message, body: bytes) -> None:
        if len(body) > self.max_bytes // 4:
            return
        if key in self._entries:
            self._bytes -= len(self._entries.pop(key)[1])
        self._entries[key] = (start, body)
        self._bytes += len(body)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, (_, old) = self._entries.popitem(last=False)
            self._bytes -= len(old)
