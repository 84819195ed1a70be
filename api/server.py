"""Running the app under uvicorn, in one process or several.

Several workers need a listening socket bound once and shared. uvicorn's own ``--workers``
binds it without saying it is TCP (``proto`` 0), so asyncio never sets ``TCP_NODELAY`` on the
connections it accepts and every keep-alive request after the first waits about 40 ms for
the client's delayed ACK (uvicorn issue #3149; measured here: 48 ms against 5 ms for one
GraphQL lookup). :func:`listen` binds it as TCP, so the workers answer as fast as one
process does.
"""

from __future__ import annotations

import os
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

from govgraph.graph.errors import GovgraphError, StoreError
from govgraph.graph.store import STORE_ENV, Store

ASGI_APP = "govgraph.api.asgi:app"
"""The app each worker imports; it opens the store named by ``$GOVGRAPH_STORE``."""


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
    from govgraph.graph.remote_store import RemoteStore
    from govgraph.graph.versioned_store import VersionedStore

    if not isinstance(store, VersionedStore | RemoteStore):
        raise StoreError(
            f"several workers cannot share {store.url}: an in-memory store lives in one "
            "process and an embedded one is locked by its first reader; use the default "
            "versioned store (oxigraph+versions:PATH) or a remote SPARQL engine"
        )


def run_workers(store_url: str, sock: socket.socket, workers: int) -> None:
    """Serve on ``sock`` (from :func:`listen`) with ``workers`` processes, each opening
    ``store_url`` read-only."""
    os.environ[STORE_ENV] = store_url
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(
        ASGI_APP, host=host, port=port, workers=workers, log_level="warning", server_header=False
    )
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
