"""What the last load through govgraph wrote into a remote graph, kept on local disk, so that a
reload sends the engine only the lines that changed.

A remote engine deletes a triple at about the cost of loading one (Virtuoso 7.2: dropping a
10^5-triple graph took as long as bulk-loading it), so a reload that rewrites the whole graph
atomically costs two to three bulk loads, whichever way it is done; and reading the old graph
back to compare costs as much as loading it. But the N-Triples that govgraph last loaded are
known: this module keeps a copy of them, named by their SHA-256, and the store records that
digest and the graph's count beside the data (in the version graph; any write that leaves the
graph other than the copy says removes them in the same Update). When the
digest the store holds names a copy on this disk, the copy is exactly what the graph holds,
and the reload is one Update of ``DELETE DATA`` / ``INSERT DATA`` for the lines that differ.

A store whose digest names no copy here (another machine loaded it, the cache was cleared)
simply takes the full path. A graph changed by hand behind govgraph's back is caught by the
count checks before and after every diff (the full path then runs), except for an edit that
keeps the count: clear the cache folder after such an edit.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from govgraph.graph.core.config import DEFAULT_CACHE, current

MAX_DIFF_BYTES = 256 * 1024 * 1024
"""Largest source diffed against its last load (the diff holds both versions' lines in memory,
about four times the file); bigger sources always take the full path."""


def default_folder() -> Path:
    """``$GOVGRAPH_CACHE/loads`` (default ``.govgraph/cache/loads``)."""
    return Path(current().cache or DEFAULT_CACHE) / "loads"


def file_digest(data: bytes | Path) -> str:
    """The SHA-256 of N-Triples given as bytes or as a file (read in chunks)."""
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    with data.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


@dataclass(frozen=True)
class LastLoads:
    """One folder per (store, graph), holding the one file ``<digest>.nt`` last loaded."""

    folder: Path

    def _place(self, store: str, graph: str) -> Path:
        key = hashlib.sha256(f"{store}\n{graph}".encode()).hexdigest()[:32]
        return self.folder / key

    def get(self, store: str, graph: str, sha256: str) -> bytes | None:
        """The payload loaded last with this digest, or None (not kept here, unreadable)."""
        if not sha256.isalnum():
            return None
        try:
            return (self._place(store, graph) / f"{sha256}.nt").read_bytes()
        except OSError:
            return None

    def put(self, store: str, graph: str, sha256: str, payload: bytes | Path) -> None:
        """Keep ``payload`` (bytes, or a file copied) as the graph's last load, dropping the
        one before. A folder that cannot be written only costs the next reload its diff."""
        place = self._place(store, graph)
        try:
            place.mkdir(parents=True, exist_ok=True)
            if (place / f"{sha256}.nt").exists():  # named by its digest: the same bytes
                return
            fd, tmp = tempfile.mkstemp(dir=place, suffix=".part")
            with os.fdopen(fd, "wb") as out:
                if isinstance(payload, bytes):
                    out.write(payload)
            if isinstance(payload, Path):  # in the kernel (sendfile), not through Python
                shutil.copyfile(payload, tmp)
            os.replace(tmp, place / f"{sha256}.nt")
            for old in place.iterdir():
                if old.name != f"{sha256}.nt":
                    old.unlink(missing_ok=True)
        except OSError:
            return

    def forget(self, store: str, graph: str) -> None:
        place = self._place(store, graph)
        try:
            for old in place.iterdir():
                old.unlink(missing_ok=True)
        except OSError:
            return


def line_diff(old: bytes, new: bytes) -> tuple[list[bytes], list[bytes], int]:
    """The N-Triples lines only ``old`` has, those only ``new`` has, and the number of distinct
    lines of ``new`` (blank lines and comments left out). One set of lines is held at a time."""
    added = _lines(new)
    distinct = len(added)
    removed = []
    for line in _lines(old):
        if line in added:
            added.discard(line)
        else:
            removed.append(line)
    return sorted(removed), sorted(added), distinct


def _lines(payload: bytes) -> set[bytes]:
    kept = {line.strip() for line in payload.splitlines()}
    kept.discard(b"")
    return {line for line in kept if not line.startswith(b"#")}
