"""Every costly path (SPARQL, date diffs, maps and findings at a date, scenarios) has a
deadline, a memory cap and a concurrency limit, and GraphQL prices the costly fields.

The slow and greedy work is planted by patching the function a child runs: children are
forks of this process, so they run the patched code."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.analysis import impact, snapshot
from govgraph.graph.storage.store import Store
from tests.live_server import hostile_landscape, serving

LOOKUP = {"query": '{ organisation(id: "care-agency") { name } }'}


@pytest.fixture(scope="module")
def store() -> Store:
    return hostile_landscape()


def _sleeps(*args: Any, **kwargs: Any) -> Any:
    time.sleep(60)


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Date diffs and snapshots that would take a minute."""

    def forever(*args: Any, **kwargs: Any) -> Any:
        time.sleep(60)

    monkeypatch.setattr(impact, "date_diff", forever)
    monkeypatch.setattr(snapshot, "as_of", forever)


@pytest.fixture
def greedy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Date diffs that would hold gigabytes."""

    def hog(*args: Any, **kwargs: Any) -> Any:
        held = []
        while True:
            held.append(bytearray(16 * 1024 * 1024))

    monkeypatch.setattr(impact, "date_diff", hog)


@pytest.fixture
def url(store: Store) -> Iterator[str]:
    settings = Settings(  # no wait for a slot: past it, a 503 at once
        costly_timeout=1.0,
        costly_slots=1,
        costly_wait=0,
        child_max_memory_mb=128,
        sparql_timeout=1.0,
    )
    with serving(create_app(store, settings=settings)) as base:
        yield base


def test_a_date_diff_is_stopped_at_its_deadline(url: str, slow: None) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        for path in ("/reports/diff", "/maps/diff"):
            response = client.get(path, params={"from": "0001", "to": "9999"})
            assert response.status_code == 503, response.text
            assert "ran longer than 1 s and was stopped" in response.text


def test_findings_at_a_date_and_scenarios_are_stopped_at_their_deadline(
    url: str, slow: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govgraph.api import schema

    monkeypatch.setattr(schema, "run_scenario", _sleeps)
    with httpx.Client(base_url=url, timeout=30) as client:
        body = client.post("/graphql", json={"query": '{ overlaps(asOf: "2019") { id } }'}).json()
        assert "was stopped" in body["errors"][0]["message"], body
        merge = '{ scenario(changes: [{op: ABOLISH, subjects: ["care-agency"]}]) { steps } }'
        body = client.post("/graphql", json={"query": merge}).json()
        assert "was stopped" in body["errors"][0]["message"], body


def test_a_diff_that_grows_without_bound_is_stopped_at_the_memory_cap(
    url: str, greedy: None
) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        response = client.get("/reports/diff", params={"from": "2019", "to": "2022"})
    assert response.status_code == 400, response.text
    assert "needed more than 128 MB of memory" in response.text


def test_past_the_slots_a_costly_request_is_told_to_retry_and_lookups_go_on(
    url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    started = tmp_path / "started"

    def holds_the_slot(*args: Any, **kwargs: Any) -> Any:
        started.touch()  # in the child: the slot is taken from here on
        time.sleep(60)

    monkeypatch.setattr(impact, "date_diff", holds_the_slot)
    first: dict[str, int] = {}

    def occupy() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            response = client.get("/reports/diff", params={"from": "2001", "to": "2002"})
            first["status"] = response.status_code

    holder = threading.Thread(target=occupy)
    holder.start()
    deadline = time.monotonic() + 10
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert started.exists(), "the costly request never started"
    with httpx.Client(base_url=url, timeout=30) as client:
        busy = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert busy.status_code == 503, busy.text
        assert busy.headers["Retry-After"] == "5" and "try again in 5 s" in busy.text
        assert client.post("/graphql", json=LOOKUP).json()["data"]["organisation"]
    holder.join()
    assert first["status"] == 503  # stopped at its own deadline


def test_twenty_runaway_queries_start_at_most_the_slots(store: Store) -> None:
    settings = Settings(sparql_timeout=2.0, costly_slots=2)
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    statuses: list[int] = []
    with serving(create_app(store, settings=settings)) as base:

        def send() -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                statuses.append(client.get("/sparql", params={"query": runaway}).status_code)

        threads = [threading.Thread(target=send) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert statuses.count(503) == 20  # 2 stopped at their deadline, 18 told to retry
    assert len(statuses) == 20


COSTLY_ALIASES = (
    "{ " + " ".join(f'a{i}: overlaps(asOf: "20{i:02d}") {{ id }}' for i in range(15)) + " }"
)


def test_graphql_prices_snapshots_so_fifteen_aliases_are_refused(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        body = client.post("/graphql", json={"query": COSTLY_ALIASES}).json()
        assert "query cost" in body["errors"][0]["message"], body
        two = '{ a: overlaps(asOf: "2019") { id } b: overlaps(asOf: "2020") { id } }'
        three = two[:-1] + ' c: overlaps(asOf: "2021") { id } }'
        assert "query cost" not in str(client.post("/graphql", json={"query": two}).json())
        assert "query cost" in str(client.post("/graphql", json={"query": three}).json())


def test_a_sparql_query_that_grows_without_bound_is_stopped_at_the_memory_cap(
    store: Store,
) -> None:
    greedy = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"
    settings = Settings(sparql_timeout=60.0, child_max_memory_mb=128)
    with (
        serving(create_app(store, settings=settings)) as base,
        httpx.Client(base_url=base, timeout=90) as client,
    ):
        response = client.get("/sparql", params={"query": greedy})
    assert response.status_code == 400, response.text
    assert "needed more than 128 MB of memory" in response.text
