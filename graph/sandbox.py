"""Run an untrusted query in a child process that a wall-clock timeout really kills.

Neither pyoxigraph nor rdflib can cancel a running query, and a thread cannot be killed,
so ad-hoc SPARQL runs in a forked child: it inherits the open store (copy-on-write, no
reload), streams the serialised result back through a pipe, and is killed with SIGKILL
when the deadline passes. The result is capped in bytes; the cap is a clear error, not a
truncated answer.

Answers are framed (a kind byte and a length) rather than ended by EOF: a child forked by
another request at the same moment inherits this pipe's write end, so EOF could wait for
that other child, a runaway perhaps, to be killed.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import struct
import time
from dataclasses import dataclass

from govgraph.graph.errors import QueryError
from govgraph.graph.store import Store

_OK, _ERR = b"K", b"E"
_HEADER = struct.Struct(">cQ")


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    """Seconds of wall-clock time before the query is killed."""
    max_bytes: int = 20_000_000
    """Largest serialised result returned."""


class _Capped:
    """A write-only file that refuses to grow past a limit."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd, self.limit, self.written = fd, limit, 0

    def write(self, data: bytes) -> int:
        self.written += len(data)
        if self.written > self.limit:
            raise _TooLarge
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]
        return len(data)

    def flush(self) -> None:
        pass


class _TooLarge(Exception):
    pass


def run_query(
    store: Store, query: str, media_type: str, rdf_media_type: str, limits: Limits
) -> bytes:
    """Serialise the result of ``query`` as the store would, within ``limits``."""
    if store.limits_queries:  # a remote endpoint: HTTP timeouts bound it, no fork needed
        return store.query_limited(
            query, media_type, rdf_media_type, timeout=limits.timeout, max_bytes=limits.max_bytes
        )
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_fd)
        _child(store, query, media_type, rdf_media_type, limits, write_fd)
    os.close(write_fd)
    try:
        return _collect(pid, read_fd, limits)
    finally:
        os.close(read_fd)
        _reap(pid)


def _child(
    store: Store, query: str, media_type: str, rdf_media_type: str, limits: Limits, fd: int
) -> None:
    code = 0
    try:
        body = store.query_serialized(query, media_type, rdf_media_type)
        if len(body) > limits.max_bytes:
            raise _TooLarge
        _Capped(fd, limits.max_bytes + _HEADER.size).write(_HEADER.pack(_OK, len(body)) + body)
    except _TooLarge:
        _send_error(fd, f"the result is larger than the cap of {limits.max_bytes:,} bytes")
    except Exception as exc:
        _send_error(fd, str(exc) or type(exc).__name__)
        code = 1
    finally:
        os._exit(code)


def _send_error(fd: int, message: str) -> None:
    data = message.encode("utf-8", "replace")[:4000]
    os.write(fd, _HEADER.pack(_ERR, len(data)) + data)


def _collect(pid: int, fd: int, limits: Limits) -> bytes:
    deadline = time.monotonic() + limits.timeout
    data = bytearray()
    expected: int | None = None
    while expected is None or len(data) < expected:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _kill(pid)
            raise QueryError(f"the query ran longer than {limits.timeout:g} s and was stopped")
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            raise QueryError("the query worker stopped without an answer")
        data += chunk
        if expected is None and len(data) >= _HEADER.size:
            kind, length = _HEADER.unpack_from(data)
            if kind == _OK and length > limits.max_bytes:
                _kill(pid)
                raise QueryError(f"the result is larger than the cap of {limits.max_bytes:,} bytes")
            expected = _HEADER.size + length
    kind, length = _HEADER.unpack_from(data)
    payload = bytes(data[_HEADER.size : _HEADER.size + length])
    if kind == _OK:
        return payload
    raise QueryError(payload.decode("utf-8", "replace"))


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
