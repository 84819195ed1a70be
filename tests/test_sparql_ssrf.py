"""The SPARQL guard cannot be talked past, and nothing a query runs can reach the network.

Two walls, each tested on its own: the guard checks the text the engine will run (escapes
decoded by the spec's rule first), and the child that runs queries cannot open a socket at
all. A listening socket on 127.0.0.1 proves that nothing was ever fetched."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from functools import partial

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.api.sparql import answer
from govgraph.graph.core.errors import QueryError
from govgraph.graph.storage.sandbox import Limits, run_isolated
from govgraph.graph.storage.sparql_guard import check_read_only, decode_escapes
from govgraph.graph.storage.store import Store
from tests.hypothesis_profiles import examples
from tests.live_server import hostile_landscape, serving


@pytest.fixture(scope="module")
def trap() -> Iterator[socket.socket]:
    """A listener any SERVICE that reached an engine would connect to."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        s.setblocking(False)
        yield s


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, Store]]:
    store = hostile_landscape()
    with serving(create_app(store, settings=Settings(sparql_timeout=5, costly_slots=4))) as url:
        yield url, store


def _nothing_reached(trap: socket.socket) -> None:
    with pytest.raises(BlockingIOError):
        trap.accept()


def _url(trap: socket.socket) -> str:
    return f"http://127.0.0.1:{trap.getsockname()[1]}/x"


ISSUE_BYPASS = (
    "SELECT * WHERE { ?s ?p ?o FILTER(?o != 'a\\u00000027) # ') SERVICE <{url}> { ?x ?y ?z } #\n}"
)
"""The bypass reported in the issue: rdflib read ``\\u00000027`` as a quote that ends the
string and turns the rest of the line into a comment; Oxigraph read ``\\u0000`` and ran
the SERVICE."""


def _send_every_way(client: httpx.Client, query: str) -> list[httpx.Response]:
    return [
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"}),
        client.post("/sparql", data={"query": query}),
    ]


def test_the_reported_escape_bypass_is_refused_over_get_post_and_form(
    served: tuple[str, Store], trap: socket.socket
) -> None:
    query = ISSUE_BYPASS.replace("{url}", _url(trap))
    with httpx.Client(base_url=served[0], timeout=30) as client:
        for response in _send_every_way(client, query):
            assert response.status_code == 400, response.text
    _nothing_reached(trap)
    # with a printable character in place of the NUL, the SERVICE itself is what is refused
    with pytest.raises(QueryError, match="SERVICE"):
        check_read_only(query.replace("\\u0000", "\\u0041"))


SPELLINGS = [
    "SELECT * WHERE { service <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE\tSILENT\n<{url}>{?s ?p ?o} }",
    "SELECT * WHERE { SERVICE # a comment\n <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c . SERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?a ?b ?c MINUS { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * WHERE { { ?a ?b ?c } UNION { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * WHERE { GRAPH ?g { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * WHERE { FILTER NOT EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
    "SELECT * WHERE { VALUES ?svc { <{url}> } SERVICE ?svc { ?s ?p ?o } }",
    "PREFIX t: <{base}> SELECT * WHERE { SERVICE t:x { ?s ?p ?o } }",
    "BASE <{base}> SELECT * WHERE { SERVICE <x> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "ASK { SERVICE <{url}> { ?s ?p ?o } }",
    "DESCRIBE ?s WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { \\U00000053ERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVIC\\u0045 \\u003C{url}\\u003E { ?s ?p ?o } }",
    "SELECT * WHERE { # \\u000A SERVICE <{url}> { ?s ?p ?o }\n}",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o != 'a\\u0027) SERVICE <{url}> { ?x ?y ?z } #')\n}",
    'SELECT * WHERE { ?s ?p ?o FILTER(?o != "\\u0022) SERVICE <{url}> { ?x ?y ?z } #")\n}',
    "SELECT * WHERE { ?s ?p ?o FILTER(?o != 'a\\u005Cu0027) SERVICE <{url}> { ?x ?y ?z } #')\n}",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o != '''a\\u0027''') SERVICE <{url}> { ?x ?y ?z } }",
]


@pytest.mark.parametrize("template", SPELLINGS)
def test_every_spelling_of_service_is_refused_and_fetches_nothing(
    served: tuple[str, Store], trap: socket.socket, template: str
) -> None:
    url = _url(trap)
    query = template.replace("{url}", url).replace("{base}", url[: -len("x")])
    with httpx.Client(base_url=served[0], timeout=30) as client:
        for response in _send_every_way(client, query):
            assert response.status_code == 400, (query, response.text)
    _nothing_reached(trap)


def _encoded(text: str, draw_choice: st.DrawFn) -> str:
    """``text`` with each character written raw or as a \\u / \\U escape, hex in any case."""
    out = []
    for ch in text:
        how = draw_choice(st.sampled_from(["raw", "raw", "u", "uu", "U"]))
        if how == "raw":
            out.append(ch)
        elif how == "u":
            out.append(f"\\u{ord(ch):04X}")
        elif how == "uu":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08X}")
    return "".join(out)


WRAPPERS = [
    "SELECT * WHERE { {kw} <{iri}> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o != 'a\\u00000027) # ') {kw} <{iri}> { ?x ?y ?z } #\n}",
    "SELECT * WHERE { # \\u000a {kw} <{iri}> { ?x ?y ?z }\n}",
    'SELECT * WHERE { ?s ?p ?o FILTER(?o != "a\\U00000022) {kw} <{iri}> { ?x ?y ?z } #")\n}',
    "ASK { FILTER EXISTS { {kw} SILENT <{iri}> { ?x ?y ?z } } }",
]


@st.composite
def service_queries(draw: st.DrawFn, url: str) -> str:
    keyword = "".join(draw(st.sampled_from([c.lower(), c.upper()])) for c in "SERVICE")
    wrapper = draw(st.sampled_from(WRAPPERS))
    return wrapper.replace("{kw}", _encoded(keyword, draw)).replace("{iri}", _encoded(url, draw))


@settings(
    max_examples=examples(60),
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_no_escape_encoding_of_service_or_its_iri_reaches_the_network(
    served: tuple[str, Store], trap: socket.socket, data: st.DataObject
) -> None:
    query = data.draw(service_queries(_url(trap)))
    with httpx.Client(base_url=served[0], timeout=30) as client:
        response = client.post(
            "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
        )
    assert response.status_code == 400, (query, response.text)
    _nothing_reached(trap)


def test_the_query_child_cannot_open_a_socket_even_when_the_guard_is_skipped(
    served: tuple[str, Store], trap: socket.socket
) -> None:
    """The second wall alone: SERVICE handed straight to the engine, no guard."""
    store = served[1]
    query = f"SELECT * WHERE {{ SERVICE <{_url(trap)}> {{ ?s ?p ?o }} }}"

    def unguarded() -> bytes:
        return store.query_serialized(query, "application/sparql-results+json")

    with pytest.raises(QueryError):
        run_isolated(unguarded, Limits(timeout=5))

    def opens_a_socket() -> bytes:
        socket.create_connection(trap.getsockname(), timeout=1)
        return b"connected"

    with pytest.raises(QueryError, match="Permission"):
        run_isolated(opens_a_socket, Limits(timeout=5))
    _nothing_reached(trap)


def test_the_engine_runs_the_text_the_guard_checked() -> None:
    checked = check_read_only('SELECT ("caf\\u00E9" AS ?x) WHERE {}')
    assert checked.text == 'SELECT ("café" AS ?x) WHERE {}'
    assert decode_escapes("\\U0001F600") == "\U0001f600"


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("ASK { FILTER('\\u00' = 'x') }", "not a complete escape"),
        ("ASK { FILTER('\\u005Cu0041' = 'x') }", "escape"),
        ("ASK { FILTER('\\uD800' = 'x') }", "lone surrogate U+D800"),
        ("ASK { FILTER('\\u0000' = 'x') }", "control character U+0000"),
    ],
)
def test_escapes_that_readers_could_take_differently_are_refused(query: str, reason: str) -> None:
    with pytest.raises(QueryError, match=re.escape(reason)):
        check_read_only(query)


def test_a_legitimate_escaped_query_still_answers(served: tuple[str, Store]) -> None:
    with httpx.Client(base_url=served[0], timeout=30) as client:
        response = client.get(
            "/sparql", params={"query": 'SELECT ("\\u0041\\U00000042" AS ?x) WHERE {}'}
        )
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "AB"


def test_a_guard_check_runs_in_the_child_so_answer_works_there(served: tuple[str, Store]) -> None:
    media = ("text/csv", "text/turtle")  # (for results, for graphs)
    body = run_isolated(partial(answer, served[1], "ASK { ?s ?p ?o }", media), Limits())
    media, _, rest = body.partition(b"\n")
    assert media == b"text/csv" and b"true" in rest
