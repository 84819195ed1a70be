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
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

from govgraph.graph.core.recent import Recent
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


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class KeptPerVersion(Generic[K, V]):
    """Answers per key (an entity's record, its relationships, its sources) kept for each
    open store's current data version, at most ``size`` of them, the least recently used
    dropped first: a batch reads from the store only the keys not kept. ``copy`` gives each
    caller its own copy of a kept value (records are mutable dataclasses)."""

    def __init__(self, size: int, copy: Callable[[V], V]) -> None:
        self._held: PerVersion[Recent[V]] = PerVersion(lambda _: Recent(size))
        self._copy = copy

    def get_many(
        self,
        store: Store,
        keys: Iterable[K],
        read: Callable[[list[K]], Mapping[K, V]],
        absent: Callable[[], V] | None = None,
    ) -> dict[K, V]:
        """The values of ``keys``, those not kept read by ``read(missing)`` in one call and
        kept. A key ``read`` does not answer is left out, or given ``absent()`` (and that
        kept too) when one is given."""
        kept = self._held.get(store)
        found: dict[K, V] = {}
        missing: list[K] = []
        for key in dict.fromkeys(keys):
            value = kept.get(key)
            if value is None:
                missing.append(key)
            else:
                found[key] = self._copy(value)
        if missing:
            fresh = read(missing)
            for key in missing:
                value = fresh.get(key)
                if value is None and absent is not None:
                    value = absent()
                if value is not None:
                    kept.put(key, value)
                    found[key] = self._copy(value)
        return found

    def peek_many(self, store: Store, keys: Iterable[K]) -> dict[K, V] | None:
        """The values of ``keys`` when every one is kept for the current version (nothing
        read, nothing built: cheap enough for an event loop), else None."""
        kept = self._held.peek(store)
        if kept is None:
            return None
        found: dict[K, V] = {}
        for key in keys:
            value = kept.get(key)
            if value is None:
                return None
            found[key] = self._copy(value)
        return found

    def clear(self) -> None:
        self._held.clear()
