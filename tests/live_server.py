"""A real uvicorn server on a free loopback port, for tests that need real HTTP."""

from __future__ import annotations

import hashlib
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from govgraph.graph.storage.store import Store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Starlette) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a thread; yields the base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def hostile_landscape() -> Store:
    """A fresh in-memory store: the fixture landscape, tests/fixtures/hostile.ttl (names
    that try to become markup or SPARQL), the ontology and inferences. For module-scoped
    servers, which cannot use the function-scoped ``landscape`` fixture."""
    from rdflib import Graph

    from govgraph.graph.checks.ontology_graph import load_ontology
    from govgraph.graph.checks.reasoning import materialise
    from govgraph.graph.storage.store import open_store
    from govgraph.ontology.terms import GRAPH

    fixtures = Path(__file__).parent / "fixtures"
    store = open_store("memory:")
    store.replace_graph(GRAPH["fixture"], Graph().parse(fixtures / "landscape.ttl"))
    store.replace_graph(GRAPH["hostile"], Graph().parse(fixtures / "hostile.ttl"))
    load_ontology(store)
    materialise(store)
    return store


def store_digest(store: Store) -> dict[str, str]:
    """A content hash of every named graph (sorted N-Triples), to prove nothing changed."""
    out: dict[str, str] = {}
    for graph in sorted(store.graphs()):
        lines = sorted(" ".join(t.n3() for t in triple) for triple in store.graph_triples(graph))
        out[str(graph)] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return out


class Background:
    """A well-behaved client hammering the server from a thread while a test attacks it:
    every request it makes must succeed, proving the attacks did not starve others."""

    def __init__(self, base: str, requests: list[tuple[str, str, dict[str, Any]]]) -> None:
        self.base, self.requests = base, requests
        self.ok = 0
        self.failures: list[str] = []
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as http:
            while not self._stop.is_set():
                for method, path, kwargs in self.requests:
                    started = time.perf_counter()
                    try:
                        response = http.request(method, path, **kwargs)
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{method} {path}: {exc!r}")
                        continue
                    self.latencies.append(time.perf_counter() - started)
                    is_json = response.headers.get("content-type", "").endswith("json")
                    if response.status_code == 200 and not (
                        is_json and "errors" in response.json()
                    ):
                        self.ok += 1
                    else:
                        self.failures.append(f"{method} {path}: {response.status_code}")

    def served_after(self, count: int, within: float = 30.0) -> bool:
        """Whether the client gets more than ``count`` answers (polled, up to ``within``
        seconds): the server went on serving it after that moment."""
        deadline = time.monotonic() + within
        while self.ok <= count and not self.failures and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.ok > count

    def __enter__(self) -> Background:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=15)


class CliServer:
    """``govgraph serve`` as a child process on a free loopback port: entering waits until
    it answers (within ``within`` seconds); leaving sends SIGTERM and keeps its output."""

    def __init__(self, store_url: str, *args: str, within: float = 60) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.cmd = [
            sys.executable, "-m", "govgraph", "serve", "--store", store_url,
            "--port", str(self.port), *args,
        ]  # fmt: skip
        self.within = within
        self.output = b""

    def __enter__(self) -> CliServer:
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self.within
        while True:
            assert self.proc.poll() is None, self.proc.stderr.read().decode()  # type: ignore[union-attr]
            try:
                httpx.get(self.base + "/", timeout=1)
                return self
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    self.__exit__()
                    raise AssertionError(
                        f"the server did not start within {self.within:g} s"
                    ) from None
                time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.output, _ = self.proc.communicate(timeout=30)
