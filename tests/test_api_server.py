"""`govgraph serve --workers N`: several processes behind one socket that keeps Nagle's
algorithm off, serving a store they can all read."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from govgraph.api.server import listen
from govgraph.cli import app
from govgraph.graph.core.errors import GovgraphError
from govgraph.graph.storage.store import open_store
from govgraph.loaders.pipeline import load_sources
from govgraph.loaders.registry import loader_for
from tests.conftest import FIXTURES
from tests.live_server import CliServer


def test_connections_accepted_on_the_shared_socket_have_nagle_off() -> None:
    """uvicorn's own --workers socket leaves TCP_NODELAY off on accepted connections, so each
    keep-alive request waits ~40 ms for a delayed ACK (uvicorn #3149); ours must not."""
    sock = listen("127.0.0.1", 0)
    port = sock.getsockname()[1]
    seen: list[int] = []

    async def main() -> None:
        def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            raw = writer.get_extra_info("socket")
            seen.append(raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)
            writer.close()

    asyncio.run(main())
    assert seen == [1]


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(GovgraphError, match=r"cannot listen on 127\.0\.0\.1:\d+"):
            listen("127.0.0.1", taken.getsockname()[1])


def test_several_workers_refuse_a_store_only_one_process_can_open(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'plain'}"
    open_store(url).close()
    result = CliRunner().invoke(app, ["serve", "--store", url, "--workers", "2"])
    assert result.exit_code == 1
    assert "several workers cannot share" in result.output
    assert "oxigraph+versions" in result.output


def test_several_workers_serve_a_versioned_store_and_stop_together(tmp_path: Path) -> None:
    url = f"oxigraph+versions:{tmp_path / 'store'}"
    with open_store(url) as store:
        report = load_sources(
            store, [loader_for(f"rdf:{FIXTURES / 'landscape.ttl'}")], validate=False, progress=False
        )
    assert not report.failed
    with CliServer(url, "--workers", "2") as server:
        query = {"query": "{ organisations(first: 3) { totalCount } }"}
        with httpx.Client(base_url=server.base, timeout=30) as client:
            totals = {
                client.post("/graphql", json=query).json()["data"]["organisations"]["totalCount"]
                for _ in range(6)
            }
        assert len(totals) == 1 and totals.pop() > 0
    out = server.output
    assert b"2 worker processes" in out
