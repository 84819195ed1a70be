"""What is computed once per data version of a store: the one way to keep a derived index
(search keys, lines, tables) while nothing has been loaded, and rebuild it after a load.

Every load, reload or reasoning run changes :meth:`Store.data_version` (an O(1) read), so a
request checks the version and either answers from what was built or builds it once; two
requests that miss together build it once (the second waits for the first). The entry is
forgotten with its store.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from govgraph.graph.storage.store import Store

T = TypeVar("T")


class PerVersion(Generic[T]):
    """``build(store)`` kept per open store and its current data version."""

    def __init__(self, build: Callable[[Store], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._held: weakref.WeakKeyDictionary[Store, tuple[str, T]] = weakref.WeakKeyDictionary()

    def get(self, store: Store) -> T:
        store = getattr(store, "wrapped", store)  # a per-request view: the store it wraps
        version = store.data_version()
        with self._lock:
            held = self._held.get(store)
            if held is None or held[0] != version:
                held = self._held[store] = (version, self._build(store))
            return held[1]

    def peek(self, store: Store) -> T | None:
        """What is held for the store's current version, without building it."""
        store = getattr(store, "wrapped", store)
        with self._lock:
            held = self._held.get(store)
        return held[1] if held is not None and held[0] == store.data_version() else None

    def clear(self) -> None:
        with self._lock:
            self._held.clear()
