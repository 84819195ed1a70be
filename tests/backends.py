"""Fixtures that run a test against every store backend: memory, embedded on disk, and a real
Oxigraph server on loopback (started once per test session, stopped afterwards).

Import them into a test module (``from tests.backends import any_store, oxigraph_server``),
or move them into conftest.py to offer them to every module.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from govgraph.graph.store import Store, open_store
from tests.live_server import free_port

BACKENDS = ["memory", "embedded", "remote"]


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server from the ``oxigraph`` PyPI package, beside this Python first."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


class OxigraphServer:
    """One ``oxigraph serve`` process on 127.0.0.1; can be stopped and started again on the
    same port and data directory (to test recovery after an outage)."""

    def __init__(self, binary: str, location: Path, *, union: bool = True) -> None:
        self.binary, self.location, self.union = binary, location, union
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The govgraph store URL of this server."""
        return f"sparql+http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        cmd = [self.binary, "serve", "--location", str(self.location)]
        cmd += ["--bind", f"127.0.0.1:{self.port}"]
        if self.union:
            cmd.append("--union-default-graph")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"oxigraph serve exited: {err}")
            try:
                httpx.get(self.base + "/", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("oxigraph serve did not start within 20 s")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    def clear(self) -> None:
        """Empty the dataset between tests."""
        response = httpx.post(
            self.base + "/update",
            content=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
            timeout=30,
        )
        response.raise_for_status()


def start_server(tmp: Path, *, union: bool = True) -> OxigraphServer:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph): no remote tests")
    server = OxigraphServer(binary, tmp, union=union)
    server.start()
    return server


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real Oxigraph server with a union default graph, for the whole session."""
    server = start_server(tmp_path_factory.mktemp("oxigraph-server"))
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend in turn."""
    if request.param == "memory":
        store = open_store("memory:")
    elif request.param == "embedded":
        store = open_store(f"oxigraph:{tmp_path / 'store'}")
    else:
        server: OxigraphServer = request.getfixturevalue("oxigraph_server")
        server.clear()
        store = open_store(server.url)
    yield store
    store.close()
