"""The SPARQL endpoint under attack, over real HTTP on loopback: writes, federation and
foreign datasets are refused before any engine sees them (a listening socket proves nothing
was fetched), runaway queries are killed at the timeout while others are served, and the
result cap holds."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import httpx
import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.api.sparql import PAGE_MEDIA, answer
from govgraph.graph.storage.store import Store
from tests.live_server import Background, hostile_landscape, serving, store_digest

TIMEOUT = 1.5
CAP = 100_000
NORMAL = [
    ("GET", "/sparql", {"params": {"query": "ASK { id:care-agency ?p ?o }"}}),
    ("POST", "/graphql", {"json": {"query": '{ organisation(id: "care-agency") { name } }'}}),
]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, Store]]:
    store = hostile_landscape()
    # slots for the three runaways at once; the gate itself is tested in test_costly_limits
    # (and memory enough that they meet the deadline first; the cap is tested there too)
    settings = Settings(
        sparql_timeout=TIMEOUT, sparql_max_bytes=CAP, costly_slots=4, child_max_memory_mb=8192
    )
    with serving(create_app(store, settings=settings)) as url:
        yield url, store


@pytest.fixture
def http(served: tuple[str, Store]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served[0], timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def trap() -> Iterator[socket.socket]:
    """A listening loopback socket: any SERVICE, FROM or LOAD that reached an engine would
    connect to it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        s.setblocking(False)
        yield s


def _never_called(trap: socket.socket) -> None:
    """No waiting needed: a fetch made while a query ran would have completed its TCP
    handshake (the kernel queues it on the listening socket) before the answer came back."""
    with pytest.raises(BlockingIOError):
        trap.accept()


UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "INSERT DATA { GRAPH <https://w3id.org/govgraph/graph/fixture> { <urn:a> <urn:b> 1 } }",
    "DELETE DATA { <https://w3id.org/govgraph/id/care-agency> a <urn:x> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "DROP ALL",
    "DROP SILENT GRAPH <https://w3id.org/govgraph/graph/fixture>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "CREATE GRAPH <urn:new>",
    "LOAD <file:///etc/passwd>",
    "LOAD <{trap}> INTO GRAPH <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "MOVE <https://w3id.org/govgraph/graph/fixture> TO <urn:g>",
    "ADD DEFAULT TO <urn:g>",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
]
FOREIGN = [
    ("SELECT * WHERE { SERVICE <{trap}> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { SERVICE SILENT <{trap}> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?x ?y ?z FILTER EXISTS { SERVICE <{trap}> { ?s ?p ?o } } }", "SERVICE"),
    ("SELECT * WHERE { { SELECT * WHERE { SERVICE <{trap}> { ?s ?p ?o } } } }", "SERVICE"),
    ("SELECT * WHERE { \\u0053ERVICE <{trap}> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM <{trap}> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <{trap}> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("CONSTRUCT { ?s ?p ?o } FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    ("ASK FROM <{trap}> { ?s ?p ?o }", "FROM"),
    ("DESCRIBE <urn:x> FROM <{trap}>", "FROM"),
]


def test_updates_are_refused_every_way_they_can_be_sent(
    http: httpx.Client, served: tuple[str, Store], trap: socket.socket
) -> None:
    before = store_digest(served[1])
    url = f"http://127.0.0.1:{trap.getsockname()[1]}/x"
    for update in (u.replace("{trap}", url) for u in UPDATES):
        for response in (
            http.get("/sparql", params={"query": update}),
            http.post("/sparql", data={"query": update}),
            http.post(
                "/sparql", content=update, headers={"Content-Type": "application/sparql-query"}
            ),
            http.post("/sparql", data={"update": update}),
            http.get("/sparql", params={"update": update}),
            http.post(
                "/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
            ),
        ):
            assert response.status_code == 400, (update, response.request.method, response.text)
            assert "read-only" in response.text or "malformed" in response.text, response.text
    assert store_digest(served[1]) == before
    _never_called(trap)


def test_federation_and_foreign_datasets_are_refused_and_nothing_is_fetched(
    http: httpx.Client, trap: socket.socket
) -> None:
    url = f"http://127.0.0.1:{trap.getsockname()[1]}/sparql"
    for query, word in FOREIGN:
        query = query.replace("{trap}", url)
        for response in (
            http.get("/sparql", params={"query": query}),
            http.post(
                "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
            ),
        ):
            assert response.status_code == 400, (query, response.text)
            assert word in response.text and "not allowed" in response.text, response.text
    for param in ("default-graph-uri", "named-graph-uri"):
        response = http.get(
            "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", param: url}
        )
        assert response.status_code == 400 and "not supported" in response.text
    _never_called(trap)


def test_runaway_queries_are_stopped_at_the_timeout_while_others_are_served(
    served: tuple[str, Store], http: httpx.Client
) -> None:
    runaways = [
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g",
        "ASK { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . FILTER(STRLEN(STR(?a)) + STRLEN(STR(?g)) < 0) }",
    ]

    def run(query: str) -> tuple[int, str]:
        with httpx.Client(base_url=served[0], timeout=30) as client:
            response = client.get("/sparql", params={"query": query})
            return response.status_code, response.text

    with Background(served[0], NORMAL) as normal, ThreadPoolExecutor(len(runaways)) as pool:
        running = [pool.submit(run, q) for q in runaways]
        # answered while the runaways ran, not queued behind them
        assert normal.served_after(0), normal.failures[:5]
        served_meanwhile = not all(f.done() for f in running)
        results = [f.result() for f in running]
    assert served_meanwhile
    for status, text in results:
        assert status == 503, (status, text)
        assert f"ran longer than {TIMEOUT:g} s and was stopped" in text
    assert not normal.failures, normal.failures[:5]
    assert http.get("/sparql", params={"query": NORMAL[0][2]["params"]["query"]}).json()["boolean"]


def test_the_result_cap_is_a_clear_error_not_a_truncated_answer(http: httpx.Client) -> None:
    for query, accept in (
        ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"),
        ("SELECT * WHERE { ?s ?p ?o }", "text/csv"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples"),
    ):
        response = http.get("/sparql", params={"query": query}, headers={"Accept": accept})
        assert response.status_code == 400, response.status_code
        assert f"larger than the cap of {CAP:,} bytes" in response.text
    small = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    assert small.status_code == 200 and len(small.json()["results"]["bindings"]) == 5


def test_malformed_and_oversized_queries_get_400_naming_the_problem(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "SELECT ?x WHERE { ?x"})
    assert response.status_code == 400 and "malformed SPARQL at line 1" in response.text
    near_cap = http.post(
        "/sparql",
        content="ASK { ?s ?p ?o } #" + "x" * 99_000,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert near_cap.status_code == 200 and near_cap.json()["boolean"] is True
    too_big = http.post(
        "/sparql",
        content=b"SELECT * WHERE { ?s ?p ?o }" + b" " * 200_000,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert too_big.status_code == 413
    bad_type = http.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"})
    assert bad_type.status_code == 400 and "application/sparql-query" in bad_type.text


def test_an_answer_does_not_wait_for_other_children_holding_its_pipe(
    served: tuple[str, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker forked by another request at the same moment inherits this request's pipe;
    the answer must still arrive when written, not when that other (runaway) child dies."""
    import os
    import signal

    from govgraph.graph.storage import sandbox

    real_fork = os.fork
    siblings: list[int] = []

    def fork_then_a_sibling() -> int:
        pid = real_fork()
        if pid != 0:
            sibling = real_fork()  # inherits the write end, as a concurrent worker would
            if sibling == 0:
                time.sleep(60)
                os._exit(0)
            siblings.append(sibling)
        return pid

    monkeypatch.setattr(sandbox.os, "fork", fork_then_a_sibling)
    try:
        body = sandbox.run_isolated(
            partial(answer, served[1], "ASK { id:care-agency ?p ?o }", PAGE_MEDIA),
            sandbox.Limits(timeout=5, max_bytes=10_000),
        )
        assert b"true" in body
        # answered while the sibling still holds the pipe open: not waiting for its EOF
        assert siblings and all(os.waitpid(pid, os.WNOHANG) == (0, 0) for pid in siblings)
    finally:
        for pid in siblings:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
