"""Faults (issue 9, part 6): a load killed with SIGKILL, a server restart, a remote SPARQL
engine that goes away and comes back.

The killed load is a real ``govgraph load`` process. To kill it at a chosen point, not at
a random time, it runs through a small driver that pauses the engine's ``bulk_load`` half
way through the graph named by the test (half the triples really written), signals the
test, and waits to be killed.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.storage.oxigraph_store import OxigraphStore
from govgraph.graph.storage.store import STAGING_PREFIX, Store, open_store
from govgraph.loaders.pipeline import load_sources
from govgraph.loaders.registry import loader_for
from govgraph.ontology.terms import PROV
from tests.backends import OxigraphServer, oxigraph_binary
from tests.conftest import FIXTURES
from tests.live_server import free_port, serving

NAMES = ("alpha", "beta", "gamma")
BODY = """@prefix gg: <https://w3id.org/govgraph/ontology#> .
@prefix id: <https://w3id.org/govgraph/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
DRIVER = """
import os, sys, time
from govgraph.graph.storage import oxigraph_store as m

TRIGGER, READY = os.environ["FAULT_TRIGGER"], os.environ["FAULT_READY"]

class Paused:
    def __init__(self, inner):
        self._inner = inner
    def __getattr__(self, name):
        return getattr(self._inner, name)
    def bulk_load(self, data, *, format, to_graph):
        if TRIGGER in getattr(to_graph, "value", ""):  # the default graph has no IRI
            lines = bytes(data).splitlines(keepends=True)
            half = b"".join(lines[: len(lines) // 2])
            self._inner.bulk_load(half, format=format, to_graph=to_graph)
            open(READY, "w").close()
            time.sleep(300)
        return self._inner.bulk_load(data, format=format, to_graph=to_graph)

init = m.OxigraphStore.__init__
def paused_init(self, *args, **kwargs):
    init(self, *args, **kwargs)
    self._store = Paused(self._store)
m.OxigraphStore.__init__ = paused_init

from govgraph.cli import main
sys.argv = ["govgraph", *sys.argv[1:]]
main()
"""


def sources(folder: Path, version: int) -> list[Path]:
    """Three RDF sources; version 2 adds a body to each (so before and after differ)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, name in enumerate(NAMES):
        text = (FIXTURES / "landscape.ttl").read_text("utf-8") if i == 0 else BODY
        for n in range(5 if i else 0):
            text += f'id:{name}-{n} a gg:ExecutiveNDPB ; skos:prefLabel "{name} {n}" .\n'
        if version == 2:
            text += f'id:{name}-new a gg:AdvisoryNDPB ; skos:prefLabel "{name} new" .\n'
        path = folder / f"{name}.ttl"
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def load(store: Store, paths: list[Path]) -> None:
    report = load_sources(
        store, [loader_for(f"rdf:{p}") for p in paths], validate=False, progress=False
    )
    assert not report.failed, [s.error for s in report.failed]


def digests(store: Store) -> dict[str, str]:
    """Each named graph's content, blank nodes canonicalised (the ontology's OWL lists get
    new labels on every parse); load times and the ontology graph's version stamp left out
    (they differ between loads: the stamp hashes N-Triples with fresh blank-node labels)."""
    out = {}
    for graph in store.graphs():
        g = Graph()
        for triple in store.graph_triples(graph):
            if triple[1] not in (PROV.generatedAtTime, DCTERMS.hasVersion):
                g.add(triple)
        lines = sorted(to_canonical_graph(g).serialize(format="nt").splitlines())
        out[str(graph)] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return out


def clean_load(paths: list[Path]) -> dict[str, str]:
    """What a clean load of ``paths`` into an empty store gives (the file paths are part of
    each source's provenance, so the same files are loaded)."""
    with open_store("memory:") as store:
        load(store, paths)
        return digests(store)


def kill_load_at(path: Path, trigger: str, paths: list[Path], tmp: Path) -> None:
    ready = tmp / "paused"
    env = {**os.environ, "FAULT_TRIGGER": trigger, "FAULT_READY": str(ready)}
    cmd = [sys.executable, "-c", DRIVER, "load", *(f"rdf:{p}" for p in paths)]
    cmd += ["--store", f"oxigraph:{path}", "--no-validate"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"the load ended before the kill point {trigger!r}: {err}")
            if time.monotonic() > deadline:
                pytest.fail(f"the load did not reach {trigger!r} within 60 s")
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize(
    ("first_load", "trigger"),
    [
        (True, "rdf-alpha"),  # the first source of a first load (written in place)
        (False, "rdf-alpha"),  # the first source of a reload (written to staging)
        (False, "rdf-beta"),  # mid-way: one source replaced, the next one half-written
        (False, "/inferred"),  # during reasoning: every source replaced, the closure not
    ],
    ids=["first-load", "first-source", "mid-way", "reasoning"],
)
def test_a_load_killed_part_way_leaves_each_graph_before_or_after_and_loadable(
    tmp_path: Path, first_load: bool, trigger: str
) -> None:
    path = tmp_path / "store"
    if not first_load:
        with open_store(f"oxigraph:{path}") as store:
            load(store, sources(tmp_path / "v1", 1))
    with open_store(f"oxigraph:{path}") as store:
        before = digests(store)

    v2 = sources(tmp_path / "v2", 2)
    clean_v2 = clean_load(v2)
    kill_load_at(path, trigger, v2, tmp_path)

    with open_store(f"oxigraph:{path}") as store:  # reopening recovers
        assert isinstance(store, OxigraphStore)
        raw = [g.value for g in store._store.named_graphs() if isinstance(g, ox.NamedNode)]
        assert not [g for g in raw if g.startswith(STAGING_PREFIX)], "staging left behind"
        survived = digests(store)
        for graph in before.keys() | survived.keys():
            assert survived.get(graph) in (before.get(graph), clean_v2.get(graph)), (
                f"{graph} is neither the old version nor the new one"
            )
        assert survived != clean_v2, "the kill came too late to prove anything"
        load(store, v2)  # the next load succeeds ...
        assert digests(store) == clean_v2  # ... and equals a clean load


def test_a_killed_load_of_a_versioned_store_changes_nothing_readers_see(
    tmp_path: Path,
) -> None:
    """With versions, even the landscape as a whole is the old one: nothing was published."""
    url = f"oxigraph+versions:{tmp_path / 'store'}"
    with open_store(url) as store:
        load(store, sources(tmp_path / "v1", 1))
    with open_store(url, read_only=True) as store:
        before = digests(store)
    root = tmp_path / "store"
    ready = tmp_path / "paused"
    env = {**os.environ, "FAULT_TRIGGER": "rdf-beta", "FAULT_READY": str(ready)}
    cmd = [sys.executable, "-c", DRIVER, "load"]
    cmd += [f"rdf:{p}" for p in sources(tmp_path / "v2", 2)] + ["--store", url, "--no-validate"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    assert ready.exists()
    with open_store(url, read_only=True) as store:
        assert digests(store) == before
    with open_store(url) as store:
        load(store, sources(tmp_path / "v2", 2))
    assert len(list((root / "versions").iterdir())) <= 3  # the unpublished one was removed


# --- a server restart keeps all data ---------------------------------------------------------

PROBE = "{ organisations(first: 100) { totalCount edges { node { id name } } } }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


class Served:
    """``govgraph serve`` in its own process, as deployed."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        cmd = [sys.executable, "-m", "govgraph", "serve", "--store", self.url]
        cmd += ["--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                pytest.fail(f"govgraph serve exited: {err}")
            try:
                httpx.get(base + "/", timeout=1)
                return base
            except httpx.TransportError:
                time.sleep(0.05)
        pytest.fail("govgraph serve did not start within 60 s")

    def stop(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)
        if self.proc.stderr:
            self.proc.stderr.close()


def answers(base: str) -> tuple[object, str]:
    graphql = httpx.post(base + "/graphql", json={"query": PROBE}, timeout=30).json()
    sparql = httpx.get(base + "/sparql", params={"query": COUNT, "format": "csv"}, timeout=30).text
    return graphql, sparql


def test_a_server_restart_keeps_all_data(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'store'}"
    with open_store(url) as store:
        load(store, sources(tmp_path / "v1", 1))
    server = Served(url)
    first = answers(server.start())
    assert "errors" not in first[0] and first[0]["data"]["organisations"]["totalCount"] > 10  # type: ignore[index]
    server.stop(signal.SIGTERM)
    assert answers(server.start()) == first
    server.stop(signal.SIGKILL)  # no clean shutdown at all
    assert answers(server.start()) == first
    server.stop(signal.SIGTERM)


# --- a remote SPARQL engine goes away and comes back -----------------------------------------


@pytest.fixture
def remote_engine(tmp_path: Path) -> Iterator[OxigraphServer]:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed")
    server = OxigraphServer(binary, tmp_path / "engine")
    server.start()
    yield server
    server.stop()


def test_a_remote_engine_outage_gives_clear_errors_and_the_service_recovers_by_itself(
    tmp_path: Path, remote_engine: OxigraphServer
) -> None:
    store = open_store(remote_engine.url)
    load(store, sources(tmp_path / "v1", 1))
    app = create_app(store, settings=Settings(), threads=4)
    checks = {
        "sparql": ("GET", "/sparql", {"params": {"query": COUNT, "format": "csv"}}),
        "map": ("GET", "/maps/landscape", {}),
        "report": ("GET", "/reports/overlaps", {"params": {"format": "json"}}),
    }
    with serving(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        healthy = client.post("/graphql", json={"query": PROBE}).json()
        assert "errors" not in healthy
        ok = {name: client.request(m, p, **kw) for name, (m, p, kw) in checks.items()}
        assert all(r.status_code == 200 for r in ok.values())

        remote_engine.stop()
        down = client.post("/graphql", json={"query": PROBE})
        assert down.status_code == 200
        messages = [e["message"] for e in down.json()["errors"]]
        assert any("cannot reach the SPARQL endpoint" in m for m in messages), messages
        for name, (m, p, kw) in checks.items():
            r = client.request(m, p, **kw)
            assert r.status_code == 503, (name, r.status_code, r.text[:300])
            assert "unavailable" in r.text and "Traceback" not in r.text
            assert r.headers["retry-after"] == "5"
            assert r.headers["x-content-type-options"] == "nosniff"

        remote_engine.start()  # same port, same data; govgraph is not restarted
        assert client.post("/graphql", json={"query": PROBE}).json() == healthy
        for name, (m, p, kw) in checks.items():
            r = client.request(m, p, **kw)
            assert r.status_code == 200, name
            if name != "map":
                assert r.content == ok[name].content, name
    store.close()
