"""Blue/green storage: immutable on-disk versions of the whole landscape and an atomic pointer.

A load writes several named graphs, the ontology and the inferred closure one after another,
and a GraphQL request reads with several queries; with one store a reader between two of
them could see half a reload. Here a load never touches what readers use:

* ``ROOT/versions/NNNNNN`` are Oxigraph stores; ``ROOT/govgraph-version`` names the current
  one. Readers open versions read-only (so any number of processes, uvicorn workers
  included, read them while another process loads: no RocksDB lock is shared).
* The first write of a process takes ``ROOT/write.lock`` (one loader at a time), checkpoints
  the current version into a new directory (``Store.backup``: hard links, milliseconds) and
  writes there. Closing without an error publishes it: the pointer is replaced with one
  ``rename``, so every reader switches between whole landscapes.
* A load that fails or is killed publishes nothing; the next loader deletes its directory.
* :meth:`VersionedStore.pin` fixes the version for the current context (one HTTP request,
  see :mod:`govgraph.api.serving`), so every query of a request reads the same landscape.

``govgraph load --store oxigraph+versions:ROOT`` therefore reloads a running
``govgraph serve --store oxigraph+versions:ROOT`` with no restart and no admin endpoint.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import ClassVar

from rdflib import Graph, URIRef
from rdflib.term import Node

from govgraph.graph.core.errors import StoreError
from govgraph.graph.storage.oxigraph_store import OxigraphStore
from govgraph.graph.storage.store import Row, Store, Triple

POINTER = "govgraph-version"
VERSIONS = "versions"
LOCK = "write.lock"
KEEP = 2
"""Published versions kept besides the current one, for readers still pinned to them."""

_PINNED: ContextVar[tuple[VersionedStore, str | None, Store] | None] = ContextVar(
    "govgraph_pinned_version", default=None
)


def is_versioned(path: Path) -> bool:
    return (path / POINTER).exists() or (path / VERSIONS).is_dir()


class VersionedStore(Store):
    """The landscape as a sequence of immutable versions (see the module docstring)."""

    version_in_memory: ClassVar[bool] = True

    def __init__(self, root: Path, *, read_only: bool = False) -> None:
        self.root = root
        self.read_only = read_only
        self.url = f"oxigraph+versions:{root}"
        try:
            (root / VERSIONS).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store at {root}: {exc}") from exc
        self._lock = threading.Lock()
        self._key: tuple[int, int, int] | None = None
        self._current: tuple[str | None, Store] | None = None
        self._writer: OxigraphStore | None = None
        self._writing: str | None = None
        self._changed = False
        """Whether a write into the new version succeeded: a load whose every write was
        refused publishes nothing rather than an identical version."""
        self._lock_fd: int | None = None

    # --- versions ------------------------------------------------------------------
    @property
    def version(self) -> str | None:
        """The version this context reads: the pinned one, else the current one."""
        if self._writer is not None:
            return self._writing
        pinned = _PINNED.get()
        if pinned is not None and pinned[0] is self:
            return pinned[1]
        return self._latest()[0]

    def current_version(self) -> str | None:
        try:
            return (self.root / POINTER).read_text("utf-8").strip() or None
        except FileNotFoundError:
            return None

    def _latest(self) -> tuple[str | None, Store]:
        """The published version, reopened only when the pointer file has been replaced."""
        try:
            st = os.stat(self.root / POINTER)
            key: tuple[int, int, int] | None = (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            key = None
        with self._lock:
            if self._current is not None and key == self._key:
                return self._current
            name = self.current_version() if key is not None else None
            if self._current is not None and self._current[0] == name:
                self._key = key
                return self._current
            # The previous version is not closed: requests pinned to it finish on it, and
            # the last reference going away closes it.
            store: Store = OxigraphStore(None) if name is None else self._open_version(name)
            self._current, self._key = (name, store), key
            return self._current

    def _open_version(self, name: str) -> OxigraphStore:
        path = self.root / VERSIONS / name
        if not path.is_dir():
            raise StoreError(f"the store at {self.root} names version {name}, which is missing")
        return OxigraphStore(path, read_only=True)

    @contextlib.contextmanager
    def pin(self) -> Iterator[str | None]:
        """Read one version for the rest of this context (threads it starts included)."""
        name, store = self._latest()
        token = _PINNED.set((self, name, store))
        try:
            yield name
        finally:
            _PINNED.reset(token)

    def _reader(self) -> Store:
        if self._writer is not None:
            return self._writer
        pinned = _PINNED.get()
        if pinned is not None and pinned[0] is self:
            return pinned[2]
        return self._latest()[1]

    # --- reading -------------------------------------------------------------------
    def select(self, query: str, values: Mapping[str, Sequence[Node]] | None = None) -> list[Row]:
        return self._reader().select(query, values)

    def select_strings(
        self, query: str, values: Mapping[str, Sequence[Node]] | None = None
    ) -> list[dict[str, str]]:
        return self._reader().select_strings(query, values)

    def ask(self, query: str, values: Mapping[str, Sequence[Node]] | None = None) -> bool:
        return self._reader().ask(query, values)

    def construct(
        self, query: str, values: Mapping[str, Sequence[Node]] | None = None
    ) -> list[Triple]:
        return self._reader().construct(query, values)

    def query_serialized(
        self, query: str, media_type: str, rdf_media_type: str = "text/turtle"
    ) -> bytes:
        return self._reader().query_serialized(query, media_type, rdf_media_type)

    def graphs(self) -> list[URIRef]:
        return self._reader().graphs()

    def graph_triples(self, graph: URIRef) -> Iterator[Triple]:
        return self._reader().graph_triples(graph)

    def count(self, graph: URIRef | None = None) -> int:
        return self._reader().count(graph)

    def data_version(self) -> str:
        """The version name this context reads (O(1)); while writing, the writer's token."""
        if self._writer is not None:
            return f"{self._writing}-{self._writer.data_version()}"
        name = self.version
        return name if name is not None else self._reader().data_version()

    # --- writing -------------------------------------------------------------------
    def replace_graph(self, graph: URIRef, data: Graph | bytes | Path) -> int:
        count = self._begin_write().replace_graph(graph, data)
        self._changed = True
        return count

    def drop_graph(self, graph: URIRef) -> None:
        self._begin_write().drop_graph(graph)
        self._changed = True

    def _begin_write(self) -> OxigraphStore:
        if self._writer is not None:
            return self._writer
        if self.read_only:
            raise StoreError(f"the store at {self.root} is open read-only")
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreError(
                f"another load is writing a new version of {self.root}; "
                "try again when it has finished"
            ) from None
        self._lock_fd = fd
        try:
            current = self.current_version()
            self._prune(current, keep=KEEP)
            names = [int(p.name) for p in self._version_dirs()]
            name = f"{max(names, default=0) + 1:06d}"
            target = self.root / VERSIONS / name
            if current is not None:
                self._open_version(current).backup(target)
            self._writer = OxigraphStore(target)
            self._writing = name
            self._changed = False
        except BaseException:
            self._unlock()
            raise
        return self._writer

    def _version_dirs(self) -> list[Path]:
        return [p for p in (self.root / VERSIONS).iterdir() if p.name.isdigit() and p.is_dir()]

    def _prune(self, current: str | None, keep: int) -> None:
        """Delete versions that were never published (a crashed or failed load) and all but
        ``keep`` of the published ones before the current. Runs under the write lock."""
        cur = int(current) if current else 0
        older = sorted((p for p in self._version_dirs() if int(p.name) < cur), reverse=True)
        doomed = [p for p in self._version_dirs() if int(p.name) > cur] + older[keep:]
        for path in doomed:
            shutil.rmtree(path, ignore_errors=True)
        for side in (self.root / VERSIONS).glob("*.version"):  # OxigraphStore's own token
            side.unlink(missing_ok=True)

    def publish(self) -> str | None:
        """Make the version this process wrote the current one (nothing if it wrote none)."""
        writer, name = self._writer, self._writing
        if writer is None or name is None:
            return None
        if not self._changed:  # every write was refused: the new version equals the current
            self.abort()
            return None
        try:
            writer.close()
            self._writer = self._writing = None
            _fsync_tree(self.root / VERSIONS / name)
            tmp = self.root / (POINTER + ".tmp")
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(name + "\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.root / POINTER)
            _fsync_dir(self.root)
            self._prune(name, keep=KEEP)
        finally:
            self._unlock()
        return name

    def abort(self) -> None:
        """Forget the version being written; readers never saw it."""
        writer, name = self._writer, self._writing
        self._writer = self._writing = None
        try:
            if writer is not None:
                writer.close()
            if name is not None:
                shutil.rmtree(self.root / VERSIONS / name, ignore_errors=True)
                (self.root / VERSIONS / f"{name}.version").unlink(missing_ok=True)
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def close(self) -> None:
        """Publish what this process wrote, then let the open versions go."""
        self.publish()
        with self._lock:
            self._current = None
            self._key = None

    def __exit__(self, *exc: object) -> None:
        if exc and exc[0] is not None:  # (type, value, traceback) of an exception
            self.abort()
        self.close()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    """RocksDB syncs its own writes; this also covers the checkpoint's hard-linked files."""
    for entry in path.iterdir():
        if entry.is_file():
            fd = os.open(entry, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(path)


def engine_store(store: Store) -> OxigraphStore | None:
    """The Oxigraph store that answers ``store``'s reads: the store itself, or the version a
    versioned store reads now (the one pinned for the request), so a copy is one dump even
    behind ``oxigraph+versions:`` (the default), not an rdflib graph per source graph."""
    if isinstance(store, VersionedStore):
        store = store._reader()
    return store if isinstance(store, OxigraphStore) else None
