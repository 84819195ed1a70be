"""Reloading the data while clients query: every reader sees the old landscape or the new
one, whole, and no request fails (issue 9, part 5).

The store is a versioned one (``oxigraph+versions:``): a load writes a new version beside
the published one and publishes it with one rename; each HTTP request is pinned to one
version (``govgraph.api.serving``). The probe query reads with several store queries
(the page keys, the entities, the total), so a request spanning a reload would mix them.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.analysis.overlap_facts import fetch
from govgraph.graph.core.errors import StoreError
from govgraph.graph.storage.store import open_store
from govgraph.graph.storage.versioned_store import POINTER, VersionedStore
from govgraph.loaders.pipeline import load_sources
from govgraph.loaders.registry import loader_for
from tests.conftest import FIXTURES
from tests.live_server import serving

PROBE = "{ organisations(first: 100) { totalCount edges { node { id name } } } }"
EXTRA = """
id:reload-body-{n} a gg:ExecutiveNDPB ; skos:prefLabel "Reload Body {n}" ;
    gg:sponsoredBy id:children-directorate ;
    gg:citation <https://w3id.org/govgraph/id/citation/fixture> .
"""


def landscapes(tmp: Path) -> tuple[Path, Path]:
    """Two versions of one source (same file name, so the same named graph): the new one
    has three more bodies."""
    text = (FIXTURES / "landscape.ttl").read_text("utf-8")
    old, new = tmp / "old" / "landscape.ttl", tmp / "new" / "landscape.ttl"
    old.parent.mkdir()
    new.parent.mkdir()
    old.write_text(text, "utf-8")
    new.write_text(text + "".join(EXTRA.format(n=n) for n in range(3)), "utf-8")
    return old, new


def load(url: str, source: Path) -> None:
    with open_store(url) as store:
        report = load_sources(store, [loader_for(f"rdf:{source}")], validate=False, progress=False)
    assert not report.failed, [s.error for s in report.failed]


def answer(client: httpx.Client) -> tuple[int, tuple[str, ...]]:
    r = client.post("/graphql", json={"query": PROBE})
    r.raise_for_status()
    body = r.json()
    assert "errors" not in body, body["errors"]
    conn = body["data"]["organisations"]
    return conn["totalCount"], tuple(e["node"]["id"] for e in conn["edges"])


def served(url: str) -> Any:
    store = open_store(url, read_only=True)
    return create_app(store, settings=Settings(), threads=8), store


def test_readers_see_whole_landscapes_while_the_data_is_reloaded(tmp_path: Path) -> None:
    old, new = landscapes(tmp_path)
    url = f"oxigraph+versions:{tmp_path / 'store'}"
    load(url, old)
    app, store = served(url)
    with serving(app) as base, httpx.Client(base_url=base, timeout=30) as probe:
        expected_old = answer(probe)
        load(url, new)
        expected_new = answer(probe)
        assert expected_old != expected_new
        assert expected_new[0] == expected_old[0] + 3

        stop = threading.Event()
        seen: dict[tuple[int, tuple[str, ...]], int] = {}
        failures: list[str] = []
        lock = threading.Lock()

        def reader() -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                while not stop.is_set():
                    try:
                        got = answer(client)
                    except Exception as exc:  # every failure is reported, none is expected
                        with lock:
                            failures.append(repr(exc))
                        continue
                    with lock:
                        seen[got] = seen.get(got, 0) + 1

        def reads() -> int:
            with lock:
                return sum(seen.values()) + len(failures)

        def after_more_reads(count: int) -> None:
            """Poll until the readers have made ``count`` more reads."""
            until = reads() + count
            while reads() < until and not stop.wait(0.01):
                pass

        readers = [threading.Thread(target=reader) for _ in range(12)]
        for t in readers:
            t.start()
        try:
            for source in (old, new, old, new, old):  # from new: old -> new -> old ...
                after_more_reads(len(readers))
                load(url, source)
            after_more_reads(len(readers))
        finally:
            stop.set()
            for t in readers:
                t.join(timeout=30)
        final = answer(probe)
    store.close()

    assert failures == []
    assert set(seen) <= {expected_old, expected_new}, "a reader saw a mixed landscape"
    assert seen.get(expected_old, 0) > 0 and seen.get(expected_new, 0) > 0
    assert sum(seen.values()) > 50
    assert final == expected_old


def test_a_pinned_request_keeps_reading_its_version_across_a_publish(tmp_path: Path) -> None:
    old, new = landscapes(tmp_path)
    root = tmp_path / "store"
    url = f"oxigraph+versions:{root}"
    load(url, old)
    reader = open_store(url, read_only=True)
    assert isinstance(reader, VersionedStore)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?o a gg:ExecutiveNDPB }"
    before = int(reader.select(count)[0]["n"])
    with reader.pin() as version:
        load(url, new)
        assert int(reader.select(count)[0]["n"]) == before  # still the pinned version
        assert reader.version == version
    assert int(reader.select(count)[0]["n"]) == before + 3  # the next request: the new one
    assert reader.version != version
    reader.close()


def test_the_overlap_facts_fetched_in_worker_threads_come_from_the_pinned_version(
    tmp_path: Path,
) -> None:
    """The overlap fetch runs its queries in a thread pool: each must read the version the
    request pinned, not whatever was published since."""
    old, new = landscapes(tmp_path)
    url = f"oxigraph+versions:{tmp_path / 'store'}"
    load(url, old)
    reader = open_store(url, read_only=True)
    with reader.pin():
        load(url, new)
        pinned = fetch(reader)
    latest = fetch(reader)
    reader.close()
    added = {f"https://w3id.org/govgraph/id/reload-body-{n}" for n in range(3)}
    assert added.isdisjoint(pinned.names)
    assert added <= set(latest.names)


def test_a_failed_load_publishes_nothing_and_leaves_no_version_behind(tmp_path: Path) -> None:
    old, _ = landscapes(tmp_path)
    root = tmp_path / "store"
    url = f"oxigraph+versions:{root}"
    load(url, old)
    published = (root / POINTER).read_text()
    versions = sorted(p.name for p in (root / "versions").iterdir())
    with pytest.raises(RuntimeError), open_store(url) as store:
        store.drop_graph(store.graphs()[0])
        raise RuntimeError("the load failed part-way")
    assert (root / POINTER).read_text() == published
    assert sorted(p.name for p in (root / "versions").iterdir()) == versions


def test_only_one_load_writes_at_a_time(tmp_path: Path) -> None:
    old, _ = landscapes(tmp_path)
    url = f"oxigraph+versions:{tmp_path / 'store'}"
    load(url, old)
    with open_store(url) as first:
        first.drop_graph(first.graphs()[0])
        with pytest.raises(StoreError, match="another load"), open_store(url) as second:
            second.drop_graph(second.graphs()[0])


def test_the_server_is_read_only_it_refuses_to_write(tmp_path: Path) -> None:
    old, _ = landscapes(tmp_path)
    url = f"oxigraph+versions:{tmp_path / 'store'}"
    load(url, old)
    reader = open_store(url, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        reader.drop_graph(reader.graphs()[0])
    reader.close()


GOVGRAPH = [sys.executable, "-m", "govgraph"]


def test_govgraph_load_in_another_process_reloads_a_running_server(tmp_path: Path) -> None:
    """The reload path: no admin endpoint, no restart; the server only reads."""
    old, new = landscapes(tmp_path)
    url = f"oxigraph+versions:{tmp_path / 'store'}"
    load(url, old)
    app, store = served(url)
    with serving(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        before = answer(client)
        done = subprocess.run(
            [*GOVGRAPH, "load", f"rdf:{new}", "--store", url, "--no-validate"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        after = answer(client)
    store.close()
    assert after[0] == before[0] + 3


def test_a_plain_store_being_served_refuses_a_second_writer_clearly(tmp_path: Path) -> None:
    """Why the versioned layout exists: RocksDB locks a plain store to one writing process."""
    old, _ = landscapes(tmp_path)
    url = f"oxigraph:{tmp_path / 'plain'}"
    load(url, old)
    held = open_store(url)
    try:
        done = subprocess.run(
            [*GOVGRAPH, "load", f"rdf:{old}", "--store", url, "--no-validate"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        held.close()
    assert done.returncode == 1
    assert "Is another govgraph process" in done.stderr
    assert "Traceback" not in done.stderr
