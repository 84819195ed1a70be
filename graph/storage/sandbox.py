"""Run untrusted or costly work in a child process that a deadline and a memory cap really
stop, and that cannot reach the network.

Neither pyoxigraph nor rdflib can cancel a running query, and a thread cannot be killed,
so ad-hoc SPARQL, date diffs, snapshots and scenarios run in a forked child: it inherits
the open store (copy-on-write, no reload), streams its answer back through a pipe, and is
killed with SIGKILL when the deadline passes. In the child, before any work:

- a seccomp filter makes ``socket()`` fail, so nothing it runs (Oxigraph's built-in HTTP
  client for SERVICE included) can open a connection, whatever got past the guard;
- ``RLIMIT_DATA`` caps how far its heap may grow beyond what it inherited.

Answers are framed (a kind byte and a length) rather than ended by EOF: a child forked by
another request at the same moment inherits this pipe's write end, so EOF could wait for
that other child, a runaway perhaps, to be killed. The answer is capped in bytes; the cap
is a clear error, not a truncated answer. A :class:`Gate` bounds how many children run at
once; past it a request waits briefly in a bounded queue, then is told to come back
(:class:`Busy`), never queued without end.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import os
import pickle
import platform
import resource
import select
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from govgraph.graph.core.errors import QueryError, QueryTimeout

T = TypeVar("T")
_OK, _ERR, _MEM = b"K", b"E", b"M"
_HEADER = struct.Struct(">cQ")
MB = 1024 * 1024
CHILD_RECURSION_LIMIT = 20_000
"""Python frames a child may nest: rdflib's parser recurses per bracket and per triple
pattern, so the default 1,000 refused a query of 100 patterns; 20,000 reads 300 nested
brackets and refuses 1,000 cleanly (RecursionError) within a worker thread's C stack."""


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    """Seconds of wall-clock time before the child is killed."""
    max_bytes: int = 20_000_000
    """Largest serialised answer returned."""
    max_memory: int = 1024 * MB
    """Bytes the child's heap may grow beyond the server's when it was forked."""


class Busy(QueryError):
    """Every slot for costly work is taken: the client should retry after a while."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooMuchMemory(QueryError):
    """The work needed more memory than its cap and was stopped."""


class Gate:
    """At most ``slots`` costly children at once in this process. One more waits up to
    ``wait`` seconds for a slot (at most ``queue`` of them wait; they wait on a worker thread,
    never the event loop), so a burst of short queries is served a moment later; past that
    it is :class:`Busy`, so a burst of runaway queries cannot starve lookups."""

    def __init__(self, slots: int, retry_after: int, wait: float = 0.0, queue: int = 0) -> None:
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        if wait < 0 or queue < 0:
            raise ValueError("a gate's wait and queue cannot be negative")
        self.slots, self.retry_after = slots, retry_after
        self.wait, self.queue = wait, queue
        self._free = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self.waiting = 0
        """Requests waiting for a slot now."""

    def _acquire(self) -> bool:
        if self._free.acquire(blocking=False):
            return True
        if self.wait <= 0:
            return False
        with self._lock:
            if self.waiting >= self.queue:
                return False
            self.waiting += 1
        try:
            return self._free.acquire(timeout=self.wait)
        finally:
            with self._lock:
                self.waiting -= 1

    @contextlib.contextmanager
    def slot(self, what: str) -> Iterator[None]:
        """A slot for the block, waited for as configured (call it from a worker thread
        when the gate waits)."""
        if not self._acquire():
            waited = f" and {self.queue} more waiting" if self.wait > 0 and self.queue else ""
            raise Busy(
                f"the server is already running {self.slots} costly requests{waited} ({what} "
                f"is one kind); try again in {self.retry_after} s",
                self.retry_after,
            )
        try:
            yield
        finally:
            self._free.release()


_BACKGROUND = threading.Lock()


@contextlib.contextmanager
def background_reads() -> Iterator[None]:
    """Held by a background thread while it reads the store (an index warmed for a data
    version): no child is forked meanwhile, since a fork while another thread is inside the
    store's engine inherits its locks held, and the child would hang until its deadline."""
    with _BACKGROUND:
        yield


def run_isolated(work: Callable[[], bytes], limits: Limits) -> bytes:
    """``work()`` run in a confined child within ``limits``; its bytes, or the QueryError
    it raised, or a QueryTimeout / TooMuchMemory / QueryError saying how it was stopped.
    The fork waits for any background read of the store to end (:func:`background_reads`)."""
    read_fd, write_fd = os.pipe()
    with _BACKGROUND:
        pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_fd)
        _child(work, limits, write_fd)
    os.close(write_fd)
    try:
        return _collect(pid, read_fd, limits)
    finally:
        os.close(read_fd)
        _reap(pid)


def call_isolated(fn: Callable[..., T], *args: Any, limits: Limits, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` computed in a confined child; the result comes back pickled
    (the child is a fork of this process, so what it sends is trusted like our own)."""
    result: T = pickle.loads(
        run_isolated(lambda: pickle.dumps(fn(*args, **kwargs), protocol=5), limits)
    )
    return result


def _child(work: Callable[[], bytes], limits: Limits, fd: int) -> None:
    code = 0
    faulthandler.disable()  # a child over its memory cap aborts; the parent reports that
    try:
        confine(limits.max_memory)
        sys.setrecursionlimit(CHILD_RECURSION_LIMIT)
        body = work()
        if len(body) > limits.max_bytes:
            raise _TooLarge
        _write_all(fd, _HEADER.pack(_OK, len(body)) + body)
    except _TooLarge:
        _send(fd, _ERR, f"the answer is larger than the cap of {limits.max_bytes:,} bytes")
    except MemoryError:
        _send(fd, _MEM, "")
        code = 1
    except QueryError as exc:
        _send(fd, _ERR, str(exc) or type(exc).__name__)
        code = 1
    except Exception as exc:
        _send(fd, _ERR, f"{type(exc).__name__}: {exc}")
        code = 1
    finally:
        os._exit(code)


class _TooLarge(Exception):
    pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _send(fd: int, kind: bytes, message: str) -> None:
    data = message.encode("utf-8", "replace")[:4000]
    with contextlib.suppress(OSError):
        _write_all(fd, _HEADER.pack(kind, len(data)) + data)


def _collect(pid: int, fd: int, limits: Limits) -> bytes:
    deadline = time.monotonic() + limits.timeout
    data = bytearray()
    expected: int | None = None
    while expected is None or len(data) < expected:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _kill(pid)
            raise QueryTimeout(f"the request ran longer than {limits.timeout:g} s and was stopped")
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            raise _died(pid, limits)
        data += chunk
        if expected is None and len(data) >= _HEADER.size:
            kind, length = _HEADER.unpack_from(data)
            if kind == _OK and length > limits.max_bytes:
                _kill(pid)
                raise QueryError(f"the answer is larger than the cap of {limits.max_bytes:,} bytes")
            expected = _HEADER.size + length
    kind, length = _HEADER.unpack_from(data)
    payload = bytes(data[_HEADER.size : _HEADER.size + length])
    if kind == _OK:
        return payload
    if kind == _MEM:
        raise _memory_error(limits)
    raise QueryError(payload.decode("utf-8", "replace"))


def _memory_error(limits: Limits) -> TooMuchMemory:
    return TooMuchMemory(
        f"the request needed more than {limits.max_memory // MB:,} MB of memory and was stopped"
    )


def _died(pid: int, limits: Limits) -> QueryError:
    """Why a child closed its pipe without an answer. An allocation the memory cap refused
    aborts Rust code (SIGABRT), so that is how a query over the cap usually ends."""
    with contextlib.suppress(ChildProcessError):
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGABRT:
            return _memory_error(limits)
        if os.WIFSIGNALED(status):
            name = signal.Signals(os.WTERMSIG(status)).name
            return QueryError(f"the query worker crashed ({name}) without an answer")
    return QueryError("the query worker stopped without an answer")


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


# --- confinement --------------------------------------------------------------------


def confine(max_memory: int) -> None:
    """Cut this process off the network and cap its heap growth; call it only in a child.
    Raises when the network cannot be cut off: a child that could connect must not run."""
    deny_sockets()
    current = _vm_data()
    limit = current + max_memory
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _vm_data() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    raise OSError("cannot read VmData from /proc/self/status")


# seccomp-BPF: one small filter, written out so that it needs no library.
_SECCOMP_SET_MODE_FILTER, _PR_SET_NO_NEW_PRIVS = 1, 38
_SYS_SECCOMP = {"x86_64": 317, "aarch64": 277}
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_SOCKET_CALLS = {"x86_64": (41, 53), "aarch64": (198, 199)}  # socket, socketpair
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_EACCES = 13
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", ctypes.c_uint32)]  # fmt: skip


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_Filter))]


def deny_sockets() -> None:
    """Make every later ``socket()``/``socketpair()`` in this process fail with EACCES."""
    machine = platform.machine()
    if machine not in _AUDIT_ARCH:
        raise OSError(f"no seccomp filter for {machine}: refusing to run unconfined")
    sock, pair = _SOCKET_CALLS[machine]
    deny = _RET_ERRNO | _EACCES
    program = [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ_K, 1, 0, _AUDIT_ARCH[machine]),
        (_RET_K, 0, 0, deny),  # a foreign ABI: refuse everything
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        (_JGE_K, 0, 1, 0x40000000),  # x32 system calls on x86_64
        (_RET_K, 0, 0, deny),
        (_JEQ_K, 2, 0, sock),
        (_JEQ_K, 1, 0, pair),
        (_RET_K, 0, 0, _RET_ALLOW),
        (_RET_K, 0, 0, deny),
    ]
    filters = (_Filter * len(program))(*(_Filter(*f) for f in program))
    prog = _Program(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.syscall(_SYS_SECCOMP[machine], _SECCOMP_SET_MODE_FILTER, 0, ctypes.byref(prog)) != 0:
        raise OSError(ctypes.get_errno(), "seccomp(SECCOMP_SET_MODE_FILTER) failed")
