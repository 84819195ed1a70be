"""Serving through reloads and outages: one data version per request, 503 when the store is
unreachable, and maps and reports made once per data version.

:func:`govgraph.api.app.create_app` wraps every app in three ASGI middlewares:

* :class:`PinVersion` (inside the security headers): a request reads one version of a
  :class:`~govgraph.graph.storage.versioned_store.VersionedStore` from its first query to its last,
  so a reload between two queries of a GraphQL request cannot mix landscapes.
* :class:`StoreUnavailable` (inside the security headers): a :class:`StoreError` that
  escapes an endpoint (a remote SPARQL engine gone away) is a 503 with the reason and a
  ``Retry-After``, not a 500. GraphQL already reports it as an error message.
* :class:`ArtefactCache` (innermost): maps and reports are pure functions of the data and
  the query string, and a map costs 0.2-0.3 s of CPU; they are kept per data version.

and, unless ``warm_indexes`` is off, :class:`WarmLines`: the line index the accountability
chains walk (:mod:`govgraph.graph.facts.lines`) is built in the background when the server
starts and when it first sees a new data version, so no chain request pays its build.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govgraph.api.costly import error_response
from govgraph.graph.core.errors import StoreError
from govgraph.graph.core.recent import Recent
from govgraph.graph.facts.lines import lines_for, lines_held
from govgraph.graph.storage.sandbox import background_reads
from govgraph.graph.storage.store import Store
from govgraph.graph.storage.versioned_store import VersionedStore

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


class WarmLines:
    """Builds the line index of the store's data version in a background thread: at start-up
    (the lifespan event, or the first request when the server sends none) and when a request
    finds that a new version has no index yet. Versions are looked at at most once every
    ``every`` seconds (a remote store's version is a query), and one build runs at a time;
    a chain that arrives during a build waits for it rather than starting a second."""

    def __init__(
        self,
        app: ASGIApp,
        store: Store,
        every: float = 1.0,
        also: Sequence[Callable[[Store], object]] = (),
    ) -> None:
        self.app = app
        self.store = store
        self.every = every
        self.also = tuple(also)
        """Other per-version builds warmed after the line index (each a PerVersion getter:
        the organisations table, the search index, the maps' tables)."""
        self._looked = -every
        self._building = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "lifespan") and time.monotonic() - self._looked >= self.every:
            self._looked = time.monotonic()
            self.warm()
        await self.app(scope, receive, send)

    def warm(self) -> threading.Thread | None:
        """Start a build unless one is running; the thread, or None when none was started."""
        if not self._building.acquire(blocking=False):
            return None
        thread = threading.Thread(target=self._build, name="govgraph-warm-lines", daemon=True)
        thread.start()
        return thread

    def _build(self) -> None:
        with background_reads():  # no costly child is forked while this reads the store
            self._build_all()

    def _build_all(self) -> None:
        try:
            if lines_held(self.store) is None:
                started = time.perf_counter()
                index = lines_for(self.store)
                log.info(
                    "line index built: %d lines in %.1f s",
                    index.size,
                    time.perf_counter() - started,
                )
        except Exception:  # a chain request builds it again and reports the error
            log.warning("could not build the line index in the background", exc_info=True)
        try:
            for build in self.also:  # each builds once per version; a no-op when built
                build(self.store)
        except Exception:  # the request that needs it builds it again and reports the error
            log.warning("could not warm a per-version index in the background", exc_info=True)
        finally:
            self._building.release()


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
            if "app" in scope:  # mapped as every error is (error_response), by Accept
                page = error_response(exc, None, Request(scope))
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
    """Bounded LRU of whole 200 answers to GET /maps/* and /reports/*, keyed by data version,
    path and query string: room for every ego map of a hundred bodies (about 1 MB each)."""

    def __init__(
        self, app: ASGIApp, store: Store, max_entries: int = 512, max_bytes: int = 160_000_000
    ) -> None:
        self.app, self.store = app, store
        self._entries: Recent[tuple[Message, bytes]] = Recent(
            max_entries, max_bytes, lambda held: len(held[1])
        )

    async def _version(self) -> str:
        return await version_of(self.store)

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
            start, body = hit  # a copy: outer layers add headers to what they are sent
            await send({**start, "headers": list(start.get("headers", []))})
            await send({"type": "http.response.body", "body": body})
            return
        start_msg: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start_msg.update(message, headers=list(message.get("headers", [])))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        if start_msg.get("status") == 200:
            self._entries.put(key, (start_msg, b"".join(chunks)))


async def version_of(store: Store) -> str:
    """The data version this request reads: a versioned store's pinned version, else the
    digest of the graphs (:func:`govgraph.graph.analysis.overlaps.data_version`)."""
    if isinstance(store, VersionedStore) and store.version is not None:
        return store.version
    from govgraph.graph.analysis.overlaps import data_version

    return await run_in_threadpool(data_version, store)


CACHE_CONTROL: tuple[tuple[str, str], ...] = (
    ("/maps/", "public, max-age=300, must-revalidate"),
    ("/reports/", "public, max-age=300, must-revalidate"),
    ("/ontology", "public, max-age=3600"),
    ("/id/", "no-cache"),
    ("/source/", "no-cache"),
    ("/graph/", "no-cache"),
    ("/organisations", "no-cache"),
    ("/search", "no-cache"),
    ("/maps", "no-cache"),
)
"""Per kind of answer, longest prefix first. Pages (and their JSON/RDF twins) are revalidated
on every view (cheap: a 304 when the data has not changed); maps and reports, costly to make,
may be reused for five minutes; the ontology changes only with a release."""


def cache_control(path: str) -> str | None:
    if path == "/":
        return "no-cache"
    return next((value for prefix, value in CACHE_CONTROL if path.startswith(prefix)), None)


def _release() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("govgraph")
    except PackageNotFoundError:
        return "dev"


class Conditional:
    """ETag and Cache-Control on pages, maps, reports and exports, and 304 Not Modified for
    an If-None-Match that names the current one (#19 item 14). The ETag is weak (a report's
    body names the hour it was made) and made of the data version, the release, the URL and
    the media type answered (pages vary by Accept)."""

    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app, self.store = app, store
        self.release = _release()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        policy = cache_control(scope["path"]) if scope["type"] == "http" else None
        if policy is None or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        wanted = request.headers.get("if-none-match")
        version = await version_of(self.store)
        not_modified = False

        async def send_checked(message: Message) -> None:
            nonlocal not_modified
            if message["type"] == "http.response.start":
                if message["status"] != 200:
                    await send(message)
                    return
                headers = MutableHeaders(scope=message)
                tag = self._etag(version, request, headers.get("content-type", ""))
                headers["ETag"] = tag
                headers.setdefault("Cache-Control", policy)
                if wanted is not None and _matches(wanted, tag):
                    not_modified = True
                    kept = {"etag", "cache-control", "vary", "link"}
                    raw = [(k, v) for k, v in message["headers"] if k.decode().lower() in kept]
                    await send({"type": "http.response.start", "status": 304, "headers": raw})
                    await send({"type": "http.response.body", "body": b""})
                    return
                await send(message)
            elif not not_modified:
                await send(message)

        await self.app(scope, receive, send_checked)

    def _etag(self, version: str, request: Request, media: str) -> str:
        key = f"{self.release}\n{request.url.path}\n{request.url.query}\n{media}"
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        return f'W/"{version}-{digest}"'


def _matches(header: str, tag: str) -> bool:
    """If-None-Match by weak comparison (RFC 9110 §13.1.2): ``*`` or any listed tag."""
    opaque = tag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False
