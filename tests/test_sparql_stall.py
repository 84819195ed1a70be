"""One hostile query cannot stall the server: the guard's slow parse runs in the query's
child under its deadline, so lookups sent meanwhile are answered as usual."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from tests.live_server import hostile_landscape, serving

TIMEOUT = 3.0
STALLING = "ASK { FILTER(" + "1 - " * 24_000 + "1 > 0) }"
"""96 KB: on the old event-loop guard this froze every request for 43.8 s."""
LOOKUP = {"query": '{ organisation(id: "care-agency") { name } }'}


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    app = create_app(hostile_landscape(), settings=Settings(sparql_timeout=TIMEOUT))
    with serving(app) as base:
        yield base


def test_a_query_that_stalls_the_parser_delays_no_lookup(url: str) -> None:
    assert 95_000 < len(STALLING) < 100_000
    outcome: dict[str, object] = {}

    def send() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            response = client.post(
                "/sparql", content=STALLING, headers={"Content-Type": "application/sparql-query"}
            )
            outcome.update(status=response.status_code, text=response.text)

    with httpx.Client(base_url=url, timeout=30) as client:
        assert client.post("/graphql", json=LOOKUP).status_code == 200  # connection warm
        sender = threading.Thread(target=send)
        sender.start()
        # counted from half-way to the query's deadline, when it is surely stalling its
        # child: lookups queued behind it would all wait for that deadline, so at most one
        # would be answered while it still ran. How fast they were is for the benchmarks.
        stalling_from = time.monotonic() + TIMEOUT / 2
        answered_meanwhile = 0
        while sender.is_alive():
            asked = time.monotonic()
            response = client.post("/graphql", json=LOOKUP)
            assert response.json()["data"]["organisation"]["name"], response.text
            answered_meanwhile += asked >= stalling_from and sender.is_alive()
        sender.join()
    print(f"lookups answered during the stalling query: {answered_meanwhile}")
    assert answered_meanwhile >= 3, answered_meanwhile
    # stopped by its own deadline (the child is killed at TIMEOUT), not left to run
    assert outcome["status"] == 503, outcome
    assert f"ran longer than {TIMEOUT:g} s and was stopped" in str(outcome["text"]), outcome


@pytest.mark.parametrize(
    "query",
    [
        "ASK { FILTER(" + "(" * 30 + "1" + ")" * 30 + ") }",
        "SELECT * WHERE { " + " ".join(f"?s{i} <urn:p> ?o{i} ." for i in range(100)) + " }",
        "ASK { FILTER('\\u0053ABCD' = 'SABCD') }",
    ],
    ids=["30-nested-brackets", "100-triple-patterns", "u-escape-before-hex-letters"],
)
def test_queries_that_crashed_the_guard_now_answer(url: str, query: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text


def test_brackets_nested_beyond_reason_are_a_400_not_a_500(url: str) -> None:
    query = "ASK { FILTER(" + "(" * 2000 + "1" + ")" * 2000 + ") }"
    with httpx.Client(base_url=url, timeout=30) as client:
        response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400 and "nested too deeply" in response.text, response.text
