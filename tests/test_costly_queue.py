"""Costly work under load: a request past the slots waits briefly in a bounded queue instead
of failing, and a SPARQL answer already given for the same text, media types and data
version is given again without forking a child (#20, the load test's 0 errors)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS
from starlette.testclient import TestClient

from govgraph.api import costly
from govgraph.api.app import create_app
from govgraph.api.costly import RecentResults
from govgraph.api.settings import Settings
from govgraph.graph.storage.sandbox import Busy, Gate
from govgraph.graph.storage.store import Store

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:prefLabel ?name }"
JSON = {"Accept": "application/sparql-results+json"}


def _poll(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def _hold(gate: Gate) -> tuple[threading.Thread, threading.Event]:
    inside, release = threading.Event(), threading.Event()

    def holder() -> None:
        with gate.slot("a holder"):
            inside.set()
            release.wait(30)

    thread = threading.Thread(target=holder)
    thread.start()
    assert inside.wait(10)
    return thread, release


def test_a_request_past_the_slots_waits_for_one_instead_of_failing() -> None:
    gate = Gate(1, 5, wait=30, queue=1)
    holder, release = _hold(gate)
    served: list[str] = []

    def waiter() -> None:
        with gate.slot("a waiter"):
            served.append("waiter")

    thread = threading.Thread(target=waiter)
    thread.start()
    _poll(lambda: gate.waiting == 1, "the waiter to queue")
    assert served == []  # still waiting: the slot is held
    release.set()
    thread.join(10)
    holder.join(10)
    assert served == ["waiter"] and gate.waiting == 0


def test_past_the_queue_or_the_wait_a_costly_request_is_told_to_retry() -> None:
    gate = Gate(1, 7, wait=30, queue=1)
    holder, release = _hold(gate)
    waiter = threading.Thread(target=lambda: gate.slot("a waiter").__enter__())
    waiter.start()
    _poll(lambda: gate.waiting == 1, "the waiter to queue")
    with pytest.raises(Busy) as refused, gate.slot("one too many"):
        pass  # the queue is full: refused at once, not after 30 s
    assert refused.value.retry_after == 7 and "1 more waiting" in str(refused.value)
    release.set()
    holder.join(10)
    waiter.join(10)
    short = Gate(1, 5, wait=0.05, queue=4)
    holder, release = _hold(short)
    with pytest.raises(Busy), short.slot("waits its 50 ms, then is refused"):
        pass
    release.set()
    holder.join(10)


def test_recent_results_are_bounded_in_bytes() -> None:
    kept = RecentResults(10, max_bytes=100, weigh=len)
    for key in "abcdef":
        kept.put(key, b"x" * 20)  # 120 bytes: the oldest goes
    assert kept.get("a") is None and all(kept.get(k) is not None for k in "bcdef")
    kept.put("huge", b"x" * 26)  # over a quarter of the bytes: never kept
    assert kept.get("huge") is None


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every confined child the server starts."""
    started: list[str] = []
    real = costly.run_isolated

    def counted(work: Any, limits: Any) -> bytes:
        started.append("child")
        return real(work, limits)

    monkeypatch.setattr(costly, "run_isolated", counted)
    return started


def test_a_repeated_sparql_query_is_answered_without_a_child(
    landscape: Store, forks: list[str]
) -> None:
    client = TestClient(create_app(landscape, settings=Settings(sparql_timeout=5)))
    first = client.post(
        "/sparql", content=COUNT, headers={**JSON, "Content-Type": "application/sparql-query"}
    )
    again = client.get("/sparql", params={"query": COUNT}, headers=JSON)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content and len(forks) == 1
    csv = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv") and len(forks) == 2
    assert csv.content != first.content  # another media type is another answer
    client.get("/sparql", params={"query": COUNT + " "}, headers=JSON)
    assert len(forks) == 3  # another text is another query
    before = int(first.json()["results"]["bindings"][0]["n"]["value"])
    extra = Graph()
    extra.add((URIRef("https://w3id.org/govgraph/id/new-body"), SKOS.prefLabel, Literal("New")))
    landscape.replace_graph(URIRef("https://w3id.org/govgraph/graph/extra"), extra)
    after = client.get("/sparql", params={"query": COUNT}, headers=JSON)
    assert len(forks) == 4  # a new data version: run again
    assert int(after.json()["results"]["bindings"][0]["n"]["value"]) == before + 1


def test_varying_and_refused_queries_are_run_every_time(landscape: Store, forks: list[str]) -> None:
    client = TestClient(create_app(landscape, settings=Settings(sparql_timeout=5)))
    for text in (
        "SELECT (RAND() AS ?r) WHERE {}",
        "SELECT (STRUUID() AS ?u) WHERE {}",
        "SELECT ?x WHERE { BIND(\\u0052AND() AS ?x) }",
    ):
        for _ in range(2):
            client.get("/sparql", params={"query": text}, headers=JSON)
    assert len(forks) == 6
    service = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    statuses = [client.get("/sparql", params={"query": service}).status_code for _ in range(2)]
    assert statuses == [400, 400] and len(forks) == 8  # the guard, in a child, each time
