"""Fixtures that run a test against every store backend: memory, embedded on disk, a real
Oxigraph server and a real OpenLink Virtuoso server on loopback (each started once per test
session with its own data folder, stopped afterwards).

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

from govgraph.graph.storage.store import Store, open_store
from tests.live_server import free_port

BACKENDS = ["memory", "embedded", "remote", "virtuoso"]


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


VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {data}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
TransactionAfterImageLimit = 1500000000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 1000000000
MaxSortedTopRows = 1000000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
"""
"""A Virtuoso of its own: loopback ports, this folder, no row cap on results (the default
10,000 would silently truncate answers), no query-cost refusal, and room in one transaction
for the Update that swaps a reloaded 10^6-triple graph in (the default 50 MB of log aborts
it: SR325). Buffers are 8 KiB pages."""


class VirtuosoServer:
    """One ``virtuoso-t`` process on 127.0.0.1 with its own database folder and ini; the
    anonymous SPARQL user may update (``grant SPARQL_UPDATE``), as a test server needs."""

    def __init__(self, binary: str, isql: str, location: Path, *, memory_mb: int = 256) -> None:
        self.binary, self.isql, self.location = binary, isql, location
        self.sql_port, self.port = free_port(), free_port()
        while self.port == self.sql_port:
            self.port = free_port()
        buffers = memory_mb * 1024 // 8 * 2 // 3
        location.mkdir(parents=True, exist_ok=True)
        (location / "virtuoso.ini").write_text(
            VIRTUOSO_INI.format(
                sql_port=self.sql_port,
                http_port=self.port,
                data=location,
                buffers=buffers,
                dirty=buffers * 3 // 4,
            ),
            encoding="utf-8",
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The govgraph store URL of this server."""
        return f"virtuoso+http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        cmd = [self.binary, "+foreground", "+configfile", "virtuoso.ini"]
        log = (self.location / "server.out").open("wb")
        self.proc = subprocess.Popen(cmd, cwd=self.location, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 120  # a fresh database takes ~10 s to initialise
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                out = (self.location / "server.out").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"virtuoso-t exited: {out}")
            try:
                if httpx.get(self.base + "/sparql", timeout=1).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("virtuoso-t did not start within 120 s")
        self.sql('grant SPARQL_UPDATE to "SPARQL";')

    def sql(self, statements: str) -> str:
        """Run SQL through ``isql`` as dba (the password of a fresh database)."""
        done = subprocess.run(
            [self.isql, str(self.sql_port), "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
        return done.stdout

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def clear(self) -> None:
        """Drop every graph but Virtuoso's own, between tests."""
        from govgraph.graph.storage.virtuoso_store import SYSTEM_GRAPHS

        keep = ", ".join(f"<{g}>" for g in SYSTEM_GRAPHS)
        rows = httpx.post(
            self.base + "/sparql",
            data={
                "query": f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                f"FILTER(?g NOT IN ({keep})) }}"
            },
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        rows.raise_for_status()
        graphs = [b["g"]["value"] for b in rows.json()["results"]["bindings"]]
        if graphs:
            drops = " ; ".join(f"DROP SILENT GRAPH <{g}>" for g in graphs)
            httpx.post(
                self.base + "/sparql", data={"update": drops}, timeout=600
            ).raise_for_status()


def start_virtuoso(tmp: Path, *, memory_mb: int = 256) -> VirtuosoServer:
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    if binary is None or isql is None:
        pytest.skip(
            "OpenLink Virtuoso is not installed (make system-deps installs the Debian "
            "package virtuoso-opensource): no Virtuoso tests"
        )
    server = VirtuosoServer(binary, isql, tmp, memory_mb=memory_mb)
    server.start()
    return server


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A real Virtuoso server for the whole session."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-server"))
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend in turn."""
    if request.param == "memory":
        store = open_store("memory:")
    elif request.param == "embedded":
        store = open_store(f"oxigraph:{tmp_path / 'store'}")
    elif request.param == "virtuoso":
        virtuoso: VirtuosoServer = request.getfixturevalue("virtuoso_server")
        virtuoso.clear()
        store = open_store(virtuoso.url)
    else:
        server: OxigraphServer = request.getfixturevalue("oxigraph_server")
        server.clear()
        store = open_store(server.url)
    yield store
    store.close()
