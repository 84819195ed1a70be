"""The one bounded, thread-safe "most recently used" mapping: what is kept in memory for
reuse (costly results, SPARQL answers, filtered lists, entity records) is kept here, so no
cache grows without bound. Bounded in entries and, given ``weigh`` (a value's size in
bytes), in bytes; a value over a quarter of ``max_bytes`` is not kept. The least recently
used entry goes first."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    def __init__(
        self, size: int = 8, max_bytes: int = 0, weigh: Callable[[V], int] | None = None
    ) -> None:
        if size < 1 or max_bytes < 0:
            raise ValueError("a bounded cache needs at least one entry and no negative bytes")
        self.size, self.max_bytes, self.weigh = size, max_bytes, weigh
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            held = self._items.get(key)
            if held is None:
                return None
            self._items.move_to_end(key)
            return held[0]

    def put(self, key: Hashable, value: V) -> None:
        weight = self.weigh(value) if self.weigh is not None else 0
        if self.max_bytes and weight > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, weight)
            self._bytes += weight
            while len(self._items) > self.size or (self.max_bytes and self._bytes > self.max_bytes):
                self._bytes -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
