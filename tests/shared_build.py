"""Costly test data built once per run and shared by the xdist workers.

Each worker is its own process with its own session fixtures, so a session fixture alone
repeats its work once per worker. :func:`built_once` lets the first worker build into the
run's common temporary folder while the others wait on a file lock and reuse the result.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable
from pathlib import Path


def built_once(shared: Path, build: Callable[[Path], None]) -> Path:
    """``shared``, built by ``build`` unless another process already did: the first process
    to take the lock beside it builds, the others wait and reuse the result. Under xdist
    each worker would otherwise repeat the same costly build (the bundled load is ~18
    CPU-seconds)."""
    shared.parent.mkdir(parents=True, exist_ok=True)
    done = shared.with_name(shared.name + ".done")
    with open(shared.with_name(shared.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not done.exists():
            if shared.exists():  # a build that failed half-way in an earlier process
                shutil.rmtree(shared)
            build(shared)
            done.touch()
    return shared


def private_copy(shared: Path, path: Path) -> Path:
    """A copy of the embedded store ``shared`` (and its data-version file) at ``path``, so
    that a test opening it for writing (the CLI does) never meets another worker's lock."""
    shutil.copytree(shared, path)
    version = shared.with_name(shared.name + ".version")
    if version.exists():
        shutil.copyfile(version, path.with_name(path.name + ".version"))
    return path
