"""The one per-data-version cache (graph/storage/version_cache.py) behind the search index,
the route maps and the maps' slider years."""

from __future__ import annotations

import threading
from typing import cast

from govgraph.graph.storage.store import Store, open_store
from govgraph.graph.storage.version_cache import PerVersion


class _Versioned:
    """A store stand-in whose data version the test sets."""

    def __init__(self) -> None:
        self.version = "1"

    def data_version(self) -> str:
        return self.version


def test_a_derived_value_is_built_once_per_data_version_and_again_after_a_load() -> None:
    built: list[str] = []
    cache: PerVersion[str] = PerVersion(lambda s: built.append(s.data_version()) or "x")
    versioned = _Versioned()
    store = cast(Store, versioned)
    assert cache.peek(store) is None
    cache.get(store)
    cache.get(store)
    assert built == ["1"]
    assert cache.peek(store) == "x"
    versioned.version = "2"
    assert cache.peek(store) is None
    cache.get(store)
    assert built == ["1", "2"]


def test_requests_that_miss_together_build_once() -> None:
    built: list[int] = []
    release = threading.Event()

    def build(_: object) -> int:
        release.wait(5)
        built.append(1)
        return len(built)

    cache: PerVersion[int] = PerVersion(build)
    versioned = _Versioned()
    store = cast(Store, versioned)
    threads = [threading.Thread(target=cache.get, args=(store,)) for _ in range(4)]
    for t in threads:
        t.start()
    release.set()
    for t in threads:
        t.join()
    assert built == [1]


def test_a_per_request_view_shares_the_entry_of_the_store_it_wraps() -> None:
    store = open_store("memory:")

    class View:
        wrapped = store

    built: list[object] = []
    cache: PerVersion[int] = PerVersion(lambda s: built.append(s) or 1)
    cache.get(cast(Store, View()))
    cache.get(store)
    assert built == [store]
