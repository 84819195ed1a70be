"""Maps and reports under load (#20): every ego map of a hundred bodies stays kept for the
data version, a page two requests ask for at once is built once, and a kept answer is
never served to another path, query string or data version."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from govgraph.api.serving import ArtefactCache
from govgraph.graph.storage.store import Store
from govgraph.visualisations import maps


class Inner:
    """An app answering any path with a 900 KB page naming it, counting its calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = f"{scope['path']}?{scope['query_string'].decode()}"
        self.calls.append(target)
        body = target.encode().ljust(900_000, b" ")
        headers = [(b"content-type", b"text/html; charset=utf-8")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _get(app: ArtefactCache, path: str, query: str) -> tuple[Message, bytes]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "query_string": query.encode()}
    asyncio.run(app(scope, receive, send))
    return sent[0], sent[1]["body"]


def test_the_ego_maps_of_a_hundred_bodies_are_all_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    inner = Inner()
    version = ["v1"]
    app = ArtefactCache(inner, store=None)  # type: ignore[arg-type]  # the version is stubbed
    monkeypatch.setattr(app, "_version", _async(lambda: version[0]))
    foci = [f"focus=body-{n}" for n in range(100)]
    for _ in range(3):
        for query in [*foci, "format=html", "format=json"]:
            path = "/reports/overlaps" if query.startswith("format") else "/maps/ego"
            start, body = _get(app, path, query)
            assert body.startswith(f"{path}?{query}".encode())  # its own answer, never another's
            assert start["status"] == 200
    assert len(inner.calls) == 102  # each built once, then served from memory
    version[0] = "v2"
    _get(app, "/maps/ego", foci[0])
    assert len(inner.calls) == 103  # a new data version is built afresh


def test_a_kept_answer_is_sent_as_a_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    app = ArtefactCache(Inner(), store=None)  # type: ignore[arg-type]
    monkeypatch.setattr(app, "_version", _async(lambda: "v1"))
    first, _ = _get(app, "/maps/landscape", "")
    first["headers"].append((b"etag", b"added by an outer layer"))
    again, _ = _get(app, "/maps/landscape", "")
    assert (b"etag", b"added by an outer layer") not in again["headers"]


def _async(fn: Any) -> Any:
    async def call() -> Any:
        return fn()

    return call


def test_a_map_asked_for_twice_at_once_is_built_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govgraph.graph.core.recent import Recent

    monkeypatch.setattr(maps, "_PAGES", Recent(16))
    release = threading.Event()
    builds: list[str] = []

    def build(*args: Any, **kwargs: Any) -> str:
        builds.append(kwargs["focus"])
        assert release.wait(30)
        return "model"

    monkeypatch.setattr(maps, "build_map", build)
    monkeypatch.setattr(maps, "render_html", lambda model: f"<html>{model}</html>")
    pages: list[str] = []

    def ask() -> None:
        pages.append(maps.render_map(store, "ego", focus="a-body", served=True))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while not any(users == 3 for _, users in maps._BUILDS.values()):
        assert time.monotonic() < deadline, "the three requests never met"
        time.sleep(0.005)
    release.set()
    for t in threads:
        t.join(10)
    assert builds == ["a-body"] and pages == ["<html>model</html>"] * 3
    assert maps._BUILDS == {}
    maps.render_map(store, "ego", focus="another-body", served=True)
    assert builds == ["a-body", "another-body"]
