"""Running the app under uvicorn, in one process or several.

Several workers need a listening socket bound once and shared. uvicorn's own ``--workers``
binds it without saying it is TCP (``proto`` 0), so asyncio never sets ``TCP_NODELAY`` on the
connections it accepts and every keep-alive request after the first waits about 40 ms for
the client's delayed ACK (uvicorn issue #3149; measured here: 48 ms against 5 ms for one
GraphQL lookup). :func:`listen` binds it as TCP, so the workers answer as fast as one
process does.
"""

from __future__ import annotations

import asyncio
import socket
from functools import partial
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from uvicorn.supervisors import Multiprocess

from govgraph.api.settings import Settings
from govgraph.graph.core.config import HEADER_TIMEOUT_ENV, Config, current
from govgraph.graph.core.errors import GovgraphError, StoreError
from govgraph.graph.storage.store import Store, open_store

DEFAULT_HEADER_TIMEOUT = 10.0
"""Seconds a client has to send a request's line and headers (``GOVGRAPH_HEADER_TIMEOUT``)."""
_TIMEOUT_BODY = b"request headers not received in time\n"
_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_TIMEOUT_BODY), _TIMEOUT_BODY)
)


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket whose accepted connections get ``TCP_NODELAY``."""
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    family, kind, proto, _, address = info[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise GovgraphError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def check_shareable(store: Store) -> None:
    """Workers open the store themselves: it must be one several processes can read."""
    from govgraph.graph.storage.remote_store import RemoteStore
    from govgraph.graph.storage.versioned_store import VersionedStore

    if not isinstance(store, VersionedStore | RemoteStore):
        raise StoreError(
            f"several workers cannot share {store.url}: an in-memory store lives in one "
            "process and an embedded one is locked by its first reader; use the default "
            "versioned store (oxigraph+versions:PATH) or a remote SPARQL engine"
        )


def serving_app(store_url: str | None = None, settings: Settings | None = None) -> ASGIApp:
    """The app over ``store_url`` (else ``$GOVGRAPH_STORE``, else the default store), a
    versioned store opened read-only so ``govgraph load`` can publish beside it."""
    from govgraph.api.app import create_app
    from govgraph.graph.storage.versioned_store import VersionedStore

    store = open_store(store_url)
    if isinstance(store, VersionedStore):
        store.read_only = True
    return create_app(store, settings=settings)


class WorkerConfig(uvicorn.Config):
    """uvicorn's config, which it pickles into each spawned worker, carrying the store and
    the header deadline with it: nothing passes through the process environment. The app is built in
    the worker, when uvicorn loads the config there."""

    def __init__(
        self,
        store_url: str,
        header_timeout: float,
        settings: Settings | None = None,
        **options: Any,
    ) -> None:
        self.store_url = store_url
        self.header_timeout = header_timeout
        super().__init__(partial(serving_app, store_url, settings), factory=True, **options)

    def load(self) -> None:
        self.http = http_protocol(self.header_timeout)
        super().load()


def run_workers(
    store_url: str,
    sock: socket.socket,
    workers: int,
    header_timeout: float = DEFAULT_HEADER_TIMEOUT,
    settings: Settings | None = None,
) -> None:
    """Serve on ``sock`` (from :func:`listen`) with ``workers`` processes, each opening
    ``store_url`` read-only."""
    host, port = sock.getsockname()[:2]
    config = WorkerConfig(
        store_url,
        header_timeout,
        settings,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        server_header=False,
    )
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


def _base_protocol() -> type[asyncio.Protocol]:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # httptools not installed: uvicorn uses h11
        from uvicorn.protocols.http.h11_impl import H11Protocol

        return H11Protocol
    return HttpToolsProtocol


class HeaderTimeoutProtocol(_base_protocol()):  # type: ignore[misc]  # base picked at import
    """uvicorn's HTTP protocol (httptools when installed, else h11, as its ``auto`` picks)
    with a deadline on request headers, which uvicorn 0.54 lacks: a client that opens a
    connection, or finishes a keep-alive response, and then trickles a request line (the
    "slowloris" attack) holds a connection for ever. The timer starts when the connection
    opens and after each response, and stops when the protocol has parsed a request's
    headers (it then makes a new request cycle); past the deadline the client gets a 408
    and the connection is closed. Bodies and responses are bounded elsewhere.

    The deadline is :data:`header_timeout`, or ``$GOVGRAPH_HEADER_TIMEOUT`` (worker
    processes are spawned and import this class by name, so they read the variable)."""

    header_timeout: float | None = None
    _header_timer: asyncio.TimerHandle | None = None
    _waiting_cycle: object = None

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)
        self._start_header_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._header_timer is not None and self.cycle is not self._waiting_cycle:
            self._stop_header_timer()  # headers parsed: a new request cycle began

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._start_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def _start_header_timer(self) -> None:
        self._stop_header_timer()
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a pipelined request is already being answered
        self._waiting_cycle = self.cycle
        self._header_timer = self.loop.call_later(header_timeout(self), self._headers_late)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.write(_TIMEOUT_RESPONSE)
            self.transport.close()


def header_timeout(protocol: HeaderTimeoutProtocol) -> float:
    """The protocol's own deadline, else :func:`header_timeout_setting`."""
    if protocol.header_timeout is not None:
        return protocol.header_timeout
    return header_timeout_setting()


def header_timeout_setting(config: Config | None = None) -> float:
    """``$GOVGRAPH_HEADER_TIMEOUT`` seconds, else 10; GovgraphError when it is not a
    positive number."""
    raw = (config or current()).header_timeout
    if not raw:
        return DEFAULT_HEADER_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not seconds > 0 or seconds == float("inf"):
        raise GovgraphError(f"{HEADER_TIMEOUT_ENV} must be a positive number of seconds")
    return seconds


def http_protocol(seconds: float | None = None) -> type[asyncio.Protocol]:
    """The protocol class for ``uvicorn.run(http=...)``: headers due within ``seconds``."""
    if seconds is None:
        return HeaderTimeoutProtocol
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": seconds})
