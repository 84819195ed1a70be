"""Request headers have a deadline (govgraph.api.server.HeaderTimeoutProtocol), over real
loopback HTTP: a client that trickles a request line is sent a 408 and disconnected, on a
fresh connection and on a kept-alive one; normal clients and slow answers are unaffected."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from govgraph.api.server import HEADER_TIMEOUT_ENV, header_timeout_setting, http_protocol
from govgraph.graph.core.errors import GovgraphError
from govgraph.graph.storage.store import open_store
from govgraph.loaders.pipeline import load_sources
from govgraph.loaders.registry import loader_for
from tests.conftest import FIXTURES
from tests.live_server import CliServer

HEADERS_DUE = 0.3
PORTS = range(18300, 18340)


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


async def slow(request: Request) -> PlainTextResponse:
    await asyncio.sleep(HEADERS_DUE * 3)  # longer than the header deadline
    return PlainTextResponse("slow but fine")


APP = Starlette(routes=[Route("/", hello), Route("/slow", slow)])


@contextmanager
def server() -> Iterator[int]:
    """The app under uvicorn with the header deadline, on a port of this branch's range."""
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                break
    config = uvicorn.Config(
        APP,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        http=http_protocol(HEADERS_DUE),
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "test server did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with server() as p:
        yield p


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a generous socket
    timeout only stops a broken test from hanging)."""
    sock.settimeout(15)
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


def test_half_a_request_line_is_answered_408_and_disconnected(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET / HT")
        reply = read_until_closed(sock)
    assert reply.startswith(b"HTTP/1.1 408 ")
    assert b"request headers not received in time" in reply


def test_headers_trickled_after_a_kept_alive_response_are_cut_off_too(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(15)
        reply = b""
        while b"hello" not in reply:  # the first answer, whole: the connection is kept alive
            chunk = sock.recv(4096)
            assert chunk, reply
            reply += chunk
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # the next request, never finished
        reply += read_until_closed(sock)
    assert reply.startswith(b"HTTP/1.1 200 ") and reply.count(b"HTTP/1.1 200 ") == 1
    assert b"HTTP/1.1 408 " in reply


def test_normal_clients_and_slow_answers_are_unaffected(port: int) -> None:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        assert client.get("/").text == "hello"
        assert client.get("/slow").text == "slow but fine"  # answered after the deadline
        assert client.get("/").text == "hello"  # the kept-alive connection still works


def test_the_deadline_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HEADER_TIMEOUT_ENV, raising=False)
    assert header_timeout_setting() == 10.0
    monkeypatch.setenv(HEADER_TIMEOUT_ENV, "2.5")
    assert header_timeout_setting() == 2.5
    for bad in ("0", "-1", "soon", "inf", "nan"):
        monkeypatch.setenv(HEADER_TIMEOUT_ENV, bad)
        with pytest.raises(GovgraphError):
            header_timeout_setting()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_govgraph_serve_cuts_off_slow_headers(tmp_path: Path, workers: str) -> None:
    url = f"oxigraph+versions:{tmp_path / 'store'}"
    with open_store(url) as store:
        report = load_sources(
            store, [loader_for(f"rdf:{FIXTURES / 'landscape.ttl'}")], validate=False, progress=False
        )
    assert not report.failed
    with (
        CliServer(url, "--workers", workers, "--header-timeout", "0.5") as server,
        socket.create_connection(("127.0.0.1", server.port)) as sock,
    ):
        sock.sendall(b"GET /graphql HTTP/1.1\r\nHost: x\r\n")
        assert read_until_closed(sock).startswith(b"HTTP/1.1 408 ")
