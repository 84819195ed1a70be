"""The store contract, run against memory, the embedded on-disk store and a live Oxigraph
server; then the same landscape loaded through each must answer GraphQL identically."""

# ruff: noqa: F811 - the fixtures imported from tests.backends are parameters of the tests

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.graph.core.errors import QueryError, StoreError
from govgraph.graph.storage.remote_store import Endpoints, RemoteStore, sparql_safe
from govgraph.graph.storage.store import STAGING_PREFIX, Store, open_store
from govgraph.ontology.terms import GG, GRAPH, ID
from tests.api_support import data
from tests.backends import (  # noqa: F401 - fixtures
    OxigraphServer,
    VirtuosoServer,
    any_store,
    oxigraph_server,
    start_server,
    virtuoso_server,
)
from tests.conftest import FIXTURES

A, B = GRAPH["source-a"], GRAPH["source-b"]


def sample() -> Graph:
    g = Graph()
    org, board = ID["test-body"], ID["test-board"]
    g.add((org, RDF.type, GG.ExecutiveNDPB))
    g.add((org, SKOS.prefLabel, Literal("Test Body")))
    g.add((org, SKOS.altLabel, Literal("Corp d'Essai", lang="gd")))
    g.add((org, GG.startDate, Literal("2011-04-01", datatype=XSD.date)))
    g.add((org, GG.reportsTo, board))
    g.add((board, SKOS.prefLabel, Literal("Test Board")))
    g.add((board, GG.accountableTo, ID["parliament"]))
    return g


def tricky() -> Graph:
    """Literals that break naive serialisers, and a blank node."""
    g = Graph()
    s, node = ID["tricky"], BNode()
    for text in ['say "hi"', "back\\slash", "two\nlines", "tab\there", "\\u0041 literal", "é ✓"]:
        g.add((s, GG.description, Literal(text)))
    g.add((s, GG.citation, node))
    g.add((node, GG.locator, Literal("p. 4")))
    return g


def triples(store: Store, graph: URIRef) -> set[tuple[Any, ...]]:
    """The graph's triples, blank nodes replaced by a marker (their labels differ per read)."""
    return {
        tuple("_:" if isinstance(t, BNode) else t for t in triple)
        for triple in store.graph_triples(graph)
    }


# --- reading ------------------------------------------------------------------------------


def test_select_returns_rdflib_terms_like_the_embedded_store(any_store: Store) -> None:
    any_store.replace_graph(A, sample())
    rows = any_store.select(
        "SELECT ?name ?alt ?start ?none WHERE { id:test-body skos:prefLabel ?name ;"
        " skos:altLabel ?alt ; gg:startDate ?start OPTIONAL { id:test-body gg:nothing ?none } }"
    )
    assert rows == [
        {
            "name": Literal("Test Body"),
            "alt": Literal("Corp d'Essai", lang="gd"),
            "start": Literal("2011-04-01", datatype=XSD.date),
        }
    ]
    assert rows[0]["name"].datatype is None  # xsd:string comes back as a plain literal


def test_ask_and_construct(any_store: Store) -> None:
    any_store.replace_graph(A, sample())
    assert any_store.ask("ASK { id:test-body gg:reportsTo id:test-board }")
    assert not any_store.ask("ASK { id:test-board gg:reportsTo id:test-body }")
    built = any_store.construct("CONSTRUCT { ?s gg:up ?o } WHERE { ?s gg:reportsTo ?o }")
    assert built == [(ID["test-body"], GG.up, ID["test-board"])]


def test_default_graph_is_the_union_of_the_named_graphs(any_store: Store) -> None:
    any_store.replace_graph(A, sample())
    extra = Graph()
    extra.add((ID["test-board"], GG.reportsTo, ID["parliament"]))
    any_store.replace_graph(B, extra)
    rows = any_store.select("SELECT ?top WHERE { id:test-body gg:reportsTo/gg:reportsTo ?top }")
    assert rows == [{"top": ID["parliament"]}]
    by_graph = any_store.select("SELECT ?g WHERE { GRAPH ?g { ?s gg:reportsTo ?o } } ORDER BY ?g")
    assert [r["g"] for r in by_graph] == [A, B]


def test_values_binding_matches_terms_and_keeps_input_out_of_the_syntax(any_store: Store) -> None:
    any_store.replace_graph(A, sample())
    query = "SELECT ?e WHERE { ?e skos:prefLabel ?n VALUES ?n { <urn:govgraph:param:name> } }"
    found = any_store.select(query, {"name": [Literal("Test Body"), Literal("Test Board")]})
    assert {r["e"] for r in found} == {ID["test-body"], ID["test-board"]}
    hostile = Literal('x" } } ; DROP ALL ; SELECT * { ?s ?p "')
    assert any_store.select(query, {"name": [hostile]}) == []
    assert any_store.count(A) == len(sample())
    with pytest.raises(QueryError, match="not a valid IRI"):
        any_store.select(query, {"name": [URIRef("urn:x> } DROP ALL { <urn:y")]})
    with pytest.raises(QueryError, match="not bound"):
        any_store.select(query)
    assert any_store.select(query, {"name": []}) == []


def test_malformed_sparql_is_a_query_error(any_store: Store) -> None:
    with pytest.raises(QueryError):
        any_store.select("SELECT ?x WHERE { ?x ")


@pytest.mark.parametrize(
    ("media", "check"),
    [
        ("application/sparql-results+json", lambda b: json.loads(b)["head"]["vars"] == ["n"]),
        ("application/sparql-results+xml", lambda b: b.lstrip().startswith(b"<?xml")),
        ("text/csv", lambda b: next(csv.reader(io.StringIO(b.decode()))) == ["n"]),
        ("text/tab-separated-values", lambda b: b.decode().split("\n")[1] == '"Test Body"'),
    ],
)
def test_query_serialized_speaks_each_results_format(
    any_store: Store, media: str, check: Any
) -> None:
    any_store.replace_graph(A, sample())
    body = any_store.query_serialized("SELECT ?n WHERE { id:test-body skos:prefLabel ?n }", media)
    assert check(body), body


@pytest.mark.parametrize("rdf", ["text/turtle", "application/n-triples"])
def test_query_serialized_speaks_graph_formats(any_store: Store, rdf: str) -> None:
    any_store.replace_graph(A, sample())
    body = any_store.query_serialized(
        "CONSTRUCT WHERE { id:test-body gg:reportsTo ?o }", "application/sparql-results+json", rdf
    )
    parsed = Graph().parse(data=body, format="nt" if "n-triples" in rdf else "turtle")
    assert set(parsed) == {(ID["test-body"], GG.reportsTo, ID["test-board"])}


# --- writing ------------------------------------------------------------------------------


def test_graphs_count_and_drop(any_store: Store) -> None:
    any_store.replace_graph(B, sample())
    any_store.replace_graph(A, tricky())
    assert any_store.graphs() == [A, B]
    assert any_store.count(B) == len(sample())
    assert any_store.count() == len(sample()) + len(tricky())
    any_store.drop_graph(B)
    assert any_store.graphs() == [A]
    assert any_store.count(B) == 0


def test_replace_graph_round_trips_escapes_and_blank_nodes(any_store: Store) -> None:
    assert any_store.replace_graph(A, tricky()) == len(tricky())
    expected = {tuple("_:" if isinstance(t, BNode) else t for t in tr) for tr in tricky()}
    assert triples(any_store, A) == expected
    raw = b'<urn:s> <urn:p> "quote \\u0022 and \\\\u0041 and caf\\u00E9" .\n'
    any_store.replace_graph(B, raw)
    assert list(any_store.graph_triples(B)) == [
        (URIRef("urn:s"), URIRef("urn:p"), Literal('quote " and \\u0041 and café'))
    ]


@pytest.mark.parametrize("existing", [False, True], ids=["first-load", "reload"])
def test_a_failing_payload_leaves_the_graph_as_it_was(any_store: Store, existing: bool) -> None:
    if existing:
        any_store.replace_graph(A, sample())
    any_store.replace_graph(B, tricky())
    before_a, before_b = triples(any_store, A), triples(any_store, B)
    broken = b"<urn:ok> <urn:p> <urn:o> .\n" * 500 + b"<urn:s> <urn:p> this is not rdf .\n"
    with pytest.raises(StoreError, match="source-a"):
        any_store.replace_graph(A, broken)
    assert triples(any_store, A) == before_a
    assert triples(any_store, B) == before_b
    assert any_store.graphs() == ([A, B] if existing else [B])
    assert not any(str(g).startswith(STAGING_PREFIX) for g in any_store.graphs())


def test_reloading_is_idempotent_and_replaces_the_old_version(any_store: Store) -> None:
    any_store.replace_graph(A, sample())
    first = triples(any_store, A)
    any_store.replace_graph(A, sample())
    assert triples(any_store, A) == first and any_store.count() == len(first)
    smaller = Graph()
    smaller.add((ID["test-body"], SKOS.prefLabel, Literal("Renamed Body")))
    assert any_store.replace_graph(A, smaller) == 1
    assert triples(any_store, A) == {(ID["test-body"], SKOS.prefLabel, Literal("Renamed Body"))}
    assert any_store.replace_graph(A, b"") == 0
    assert any_store.count() == 0


def test_embedded_store_undoes_a_first_load_that_a_crash_interrupted(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    path = tmp_path / "store"
    with OxigraphStore(path) as store:
        store.replace_graph(B, sample())
        # what a crash in the middle of a first load of A leaves: the journal naming A,
        # part of A, and a staging graph
        assert store.journal_path is not None and not store.journal_path.exists()
        store.journal_path.write_text(f"{A}\n", encoding="utf-8")
        node, staging = ox.NamedNode(str(A)), ox.NamedNode(STAGING_PREFIX + "source-b")
        store._store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), node, node))
        store._store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), node, staging))
    with OxigraphStore(path) as store:
        assert store.graphs() == [B]
        assert store.count() == len(sample())
        assert store.journal_path is not None and not store.journal_path.exists()


# --- the remote backend -------------------------------------------------------------------


def test_store_urls_name_the_endpoints() -> None:
    oxi = Endpoints.parse("sparql+http://127.0.0.1:7878/")
    assert (oxi.query, oxi.update, oxi.gsp) == (
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store",
    )
    fuseki = Endpoints.parse("sparql+https://h:3030/govgraph/?gsp=data&timeout=5")
    assert fuseki.query == "https://h:3030/govgraph/query" and fuseki.timeout == 5
    assert fuseki.gsp == "https://h:3030/govgraph/data"
    graphdb = Endpoints.parse(
        "sparql+http://u:s%40cret@h:7200/repositories/gg"
        "?query=&update=statements&gsp=rdf-graphs/service&union=param&load=gsp"
    )
    assert graphdb.query == "http://h:7200/repositories/gg"
    assert graphdb.update == "http://h:7200/repositories/gg/statements"
    assert graphdb.auth == ("u", "s@cret") and "cret" not in graphdb.display
    assert (graphdb.union, graphdb.load) == ("param", "gsp")
    assert Endpoints.parse("sparql+http://h/sparql?update=/sparql-auth").update == (
        "http://h/sparql-auth"
    )
    with pytest.raises(StoreError, match="unknown option"):
        Endpoints.parse("sparql+http://h/?qurey=x")
    with pytest.raises(StoreError, match="union="):
        Endpoints.parse("sparql+http://h/?union=maybe")


def test_sparql_safe_decodes_codepoint_escapes_but_not_escaped_backslashes() -> None:
    assert sparql_safe(b'"a\\u0022b"') == b'"a\\"b"'
    assert sparql_safe(b'"a\\\\u0041"') == b'"a\\\\u0041"'
    assert sparql_safe(b'"\\U0001F600\\u000A"') == '"😀\\n"'.encode()
    plain = b'<urn:s> <urn:p> "nothing to do" .\n'
    assert sparql_safe(plain) is plain


@pytest.mark.parametrize("option", ["load=gsp", "max_update=100"])
def test_remote_staging_through_the_graph_store_protocol(
    oxigraph_server: OxigraphServer, option: str
) -> None:
    oxigraph_server.clear()
    with RemoteStore(f"{oxigraph_server.url}?{option}") as store:
        store.replace_graph(A, sample())
        store.replace_graph(A, tricky())
        assert store.count(A) == len(tricky()) and store.graphs() == [A]
        with pytest.raises(StoreError, match="source-a"):
            store.replace_graph(A, b"<urn:s> <urn:p> not rdf .\n")
        assert store.count(A) == len(tricky())
        with pytest.raises(StoreError, match="source-b"):  # a first load, PUT in place
            store.replace_graph(B, b"<urn:s> <urn:p> not rdf .\n")
        assert store.graphs() == [A]
        assert store.count() == len(tricky())  # no staging graph left behind


@pytest.mark.parametrize("engine", ["oxigraph_server", "virtuoso_server"])
def test_remote_ad_hoc_queries_are_guarded_in_a_child_and_capped_by_the_engine(
    engine: str, request: pytest.FixtureRequest
) -> None:
    from starlette.testclient import TestClient

    from govgraph.api.app import create_app
    from govgraph.api.settings import Settings

    server = request.getfixturevalue(engine)
    server.clear()
    with open_store(server.url) as store:
        store.replace_graph(A, sample())
        # govgraph's triples only: Virtuoso's union default graph also holds its own schema
        query = 'SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "https://w3id")) }'
        body = store.query_limited(query, "text/csv", "text/turtle", timeout=5, max_bytes=10_000)
        assert body.startswith(b"s,p,o")
        with pytest.raises(QueryError, match="larger than the cap"):
            store.query_limited(query, "text/csv", "text/turtle", timeout=5, max_bytes=40)
        with TestClient(create_app(store, settings=Settings(sparql_max_bytes=40))) as client:
            refused = client.get(
                "/sparql", params={"query": "ASK { SERVICE <urn:x> { ?s ?p ?o } }"}
            )
            assert refused.status_code == 400 and "SERVICE" in refused.text
            capped = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
            assert capped.status_code == 400 and "larger than the cap" in capped.text


def test_remote_outage_is_a_clear_error_and_the_next_call_recovers(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", union=False)
    try:
        plain = RemoteStore(server.url)
        plain.replace_graph(A, sample())
        with pytest.raises(StoreError, match="--union-default-graph"):
            plain.select("SELECT ?s WHERE { ?s ?p ?o }")
        store = RemoteStore(server.url + "?union=param&timeout=2")
        assert store.count(A) == len(sample())
        server.stop()
        with pytest.raises(StoreError, match=f"127.0.0.1:{server.port}/query.*running"):
            store.ask("ASK { ?s ?p ?o }")
        server.start()
        assert store.ask("ASK { id:test-body gg:reportsTo id:test-board }")
        plain.close()
        store.close()
    finally:
        server.stop()


def test_open_store_dispatches_remote_urls(oxigraph_server: OxigraphServer) -> None:
    with open_store(oxigraph_server.url) as store:
        assert isinstance(store, RemoteStore)
        assert store.url == oxigraph_server.url


# --- the same landscape through every backend ---------------------------------------------

CONTRACT = {
    "page": "{ organisations(first: 20) { totalCount edges { node { id name type } } } }",
    "one": '{ organisation(id: "care-agency") { id name type aliases } }',
    "filtered": '{ organisations(first: 20, filter: {accountableTo: "alba-government"}) '
    "{ totalCount edges { node { id } } } }",
    "chain": '{ accountabilityChain(id: "care-agency") { hops { depth kind from { id } '
    "to { id name } } tops { id } } }",
    "stats": "{ stats { types { type count } relationshipKinds { kind count } triples } }",
    "areas": "{ policyAreas { id name } }",
}


def contract_answers(store: Store) -> dict[str, Any]:
    client = TestClient(create_app(store))
    return {name: data(client, text) for name, text in CONTRACT.items()}


@pytest.fixture(scope="module")
def memory_answers() -> dict[str, Any]:
    with open_store("memory:") as store:
        load_fixture(store)
        return contract_answers(store)


def load_fixture(store: Store) -> None:
    from govgraph.loaders.pipeline import load_sources
    from govgraph.loaders.registry import loader_for

    report = load_sources(
        store, [loader_for(str(FIXTURES / "landscape.ttl"))], validate=False, progress=False
    )
    assert not report.failed, [s.error for s in report.failed]


def test_the_pipeline_gives_identical_graphql_answers_on_every_backend(
    any_store: Store, memory_answers: dict[str, Any]
) -> None:
    load_fixture(any_store)
    answers = contract_answers(any_store)
    assert answers["page"]["organisations"]["totalCount"] == 15
    assert answers == memory_answers
    closure = any_store.select(
        "SELECT ?up WHERE { id:care-agency gg:accountableTo ?up } ORDER BY ?up"
    )
    assert {r["up"] for r in closure} >= {ID["children-directorate"], ID["alba-government"]}


# --- acceptance: `GOVGRAPH_STORE=<remote> govgraph load`, then serve -------------------------

BUNDLED_CONTRACT = {
    "page": "{ organisations(first: 20) { totalCount edges { cursor node { id name type } } "
    "pageInfo { hasNextPage endCursor } } }",
    "one": '{ organisation(id: "inverclyde-ijb") { id name type aliases } }',
    "chain": '{ accountabilityChain(id: "inverclyde-council") { hops { depth kind readsAs '
    "from { id } to { id } sources { title locator } } tops { id } } }",
    "actions": "{ actions(assessment: LITTLE_OR_NONE) { name leadOrganisations { id name } } }",
    "stats": "{ stats { types { type count } relationshipKinds { kind count } triples } }",
    "areas": "{ policyAreas { id name } }",
    "others": """{
      organisation(id: "inverclyde-ijb") { name type relationships { kind direction
        counterpart { id name } start statutoryBasis sources { title locator url } } }
      organisations(filter: {search: "INVERCLYDE"}, first: 50, asOf: "2021-06-01") {
        totalCount edges { cursor node { id name type } } pageInfo { hasNextPage endCursor } }
      path(from: "inverclyde-ijb", to: "scottish-government", maxLength: 6) { length
        hops { kind readsAs from { name } to { name } } }
      neighbourhood(id: "inverclyde-ijb", depth: 1) { nodes { id } relationships { kind } }
      priorityAreas { name } foundations { name }
    }""",
}
"""The contract queries of tests/test_api_bundled.py, asked of each remote engine."""


@pytest.mark.parametrize("engine", ["oxigraph_server", "virtuoso_server"])
def test_cli_load_into_a_remote_store_then_serving_answers_like_the_embedded_store(
    engine: str,
    request: pytest.FixtureRequest,
    bundled_store_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bundled data loaded into Oxigraph's server and into Virtuoso answers the contract
    queries exactly as the embedded store does."""
    import httpx
    from typer.testing import CliRunner

    from govgraph.api.settings import Settings
    from govgraph.cli import app
    from govgraph.graph.storage.oxigraph_store import OxigraphStore
    from tests.live_server import serving

    server = request.getfixturevalue(engine)
    server.clear()
    monkeypatch.setenv("GOVGRAPH_STORE", server.url)
    result = CliRunner().invoke(app, ["load", "--no-validate"])
    assert result.exit_code == 0, result.output

    embedded = OxigraphStore(bundled_store_path, read_only=True)
    expected = {
        name: data(TestClient(create_app(embedded)), text)
        for name, text in BUNDLED_CONTRACT.items()
    }
    with open_store() as remote:  # from $GOVGRAPH_STORE, as `govgraph serve` opens it
        assert isinstance(remote, RemoteStore)
        app_ = create_app(remote, settings=Settings())
        with serving(app_) as base, httpx.Client(base_url=base, timeout=20) as client:
            answers = {name: data(client, text) for name, text in BUNDLED_CONTRACT.items()}
    assert answers["page"]["organisations"]["totalCount"] > 100
    assert answers["chain"]["accountabilityChain"]["hops"]
    assert answers == expected


@pytest.mark.parametrize("engine", ["oxigraph_server", "virtuoso_server"])
def test_the_sparql_endpoint_forwards_to_a_remote_store(
    engine: str, request: pytest.FixtureRequest
) -> None:
    server = request.getfixturevalue(engine)
    server.clear()
    with open_store(server.url) as store:
        store.replace_graph(A, sample())
        client = TestClient(create_app(store))
        response = client.get(
            "/sparql",
            params={"query": "SELECT ?n WHERE { id:test-body skos:prefLabel ?n }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"] == [
            {"n": {"type": "literal", "value": "Test Body"}}
        ]
        refused = client.post(
            "/sparql",
            content="DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
        )
        assert refused.status_code == 400
        assert store.count(A) == len(sample())


def test_the_default_store_is_versioned_and_refuses_to_take_over_a_plain_one(
    tmp_path: Path,
) -> None:
    from govgraph.graph.storage.store import DEFAULT_STORE
    from govgraph.graph.storage.versioned_store import VersionedStore

    assert DEFAULT_STORE.startswith("oxigraph+versions:")
    with open_store(f"oxigraph+versions:{tmp_path / 'v'}") as versioned:
        assert isinstance(versioned, VersionedStore)
    open_store(f"oxigraph:{tmp_path / 'plain'}").close()
    with pytest.raises(StoreError, match=r"holds a plain embedded store.*oxigraph:"):
        open_store(f"oxigraph+versions:{tmp_path / 'plain'}")


@pytest.mark.parametrize("existing", [False, True], ids=["first-load", "reload"])
def test_replace_graph_reads_an_ntriples_file_in_a_stream(
    any_store: Store, existing: bool, tmp_path: Path
) -> None:
    """A large source arrives as the path of an N-Triples file, never as bytes in memory:
    every backend loads it, and a bad file leaves the graph as it was."""
    if existing:
        any_store.replace_graph(A, sample())
    good = tmp_path / "good.nt"
    good.write_bytes(tricky().serialize(format="nt", encoding="utf-8"))
    assert any_store.replace_graph(B, good) == len(tricky())
    assert triples(any_store, B) == {
        tuple("_:" if isinstance(t, BNode) else t for t in tr) for tr in tricky()
    }
    before = triples(any_store, A)
    bad = tmp_path / "bad.nt"
    bad.write_bytes(b"<urn:ok> <urn:p> <urn:o> .\n" * 500 + b"<urn:s> <urn:p> not rdf .\n")
    with pytest.raises(StoreError, match="source-a"):
        any_store.replace_graph(A, bad)
    assert triples(any_store, A) == before
    assert not any(str(g).startswith(STAGING_PREFIX) for g in any_store.graphs())


def test_remote_store_puts_a_file_as_a_stream(
    oxigraph_server: OxigraphServer, tmp_path: Path
) -> None:
    oxigraph_server.clear()
    source = tmp_path / "source.nt"
    source.write_bytes(sample().serialize(format="nt", encoding="utf-8"))
    with RemoteStore(f"{oxigraph_server.url}?load=gsp") as store:
        assert store.replace_graph(A, source) == len(sample())
        assert store.replace_graph(A, source) == len(sample())  # a reload, through staging
        assert store.graphs() == [A]


def test_virtuoso_credentials_go_by_digest_to_its_authenticated_endpoints(
    virtuoso_server: VirtuosoServer,
) -> None:
    """Virtuoso's /sparql-auth and /sparql-graph-crud-auth refuse Basic authentication."""
    virtuoso_server.clear()
    url = virtuoso_server.url.replace("://", "://dba:dba@")
    with open_store(url) as store:
        assert store.endpoints.update.endswith("/sparql-auth")  # type: ignore[attr-defined]
        assert "dba:dba" not in store.url
        assert store.replace_graph(A, tricky()) == len(tricky())
        assert store.graphs() == [A]
    with (
        open_store(url.replace("dba:dba", "dba:wrong")) as store,
        pytest.raises(StoreError, match="401"),
    ):
        store.count()


def test_virtuoso_urls_default_to_its_endpoints_and_the_graph_store_protocol() -> None:
    from govgraph.graph.storage.virtuoso_store import VirtuosoStore

    with VirtuosoStore("virtuoso+http://h:8890/") as plain:
        e = plain.endpoints
        assert (e.query, e.update, e.gsp, e.load) == (
            "http://h:8890/sparql",
            "http://h:8890/sparql",
            "http://h:8890/sparql-graph-crud",
            "gsp",
        )
        assert (
            plain.url
            == "virtuoso+http://h:8890/?query=sparql&update=sparql&gsp=sparql-graph-crud&load=gsp"
        )
    with VirtuosoStore("virtuoso+https://h/db/?timeout=5&gsp=/crud") as tuned:
        assert tuned.endpoints.gsp == "https://h/crud" and tuned.endpoints.timeout == 5
        assert tuned.endpoints.query == "https://h/db/sparql"
    with pytest.raises(StoreError, match="unknown option"):
        VirtuosoStore("virtuoso+http://h/?qurey=x")
