"""Reloads into a remote store through the Graph Store Protocol: a source whose last load is
kept on this disk goes up as one Update of the lines that changed (no PUT, no staging graph,
no copy), and every case the diff cannot vouch for takes the full path, so that the graph always
ends up holding exactly the new source."""

# ruff: noqa: F811 - the fixtures imported from tests.backends are parameters of the tests

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import URIRef

from govgraph.graph.core.errors import StoreError
from govgraph.graph.storage.last_loads import line_diff
from govgraph.graph.storage.remote_store import RemoteStore
from govgraph.graph.storage.store import STAGING_PREFIX, open_store
from govgraph.ontology.terms import GRAPH
from tests.backends import (  # noqa: F401 - fixtures
    OxigraphServer,
    VirtuosoServer,
    oxigraph_server,
    virtuoso_server,
)

A = GRAPH["source-a"]
ROWS = 2_000


def source(changed: range = range(0), extra: int = 0, shift: int = 0) -> bytes:
    """A bnode-free source of ROWS + 1 triples, rows in ``changed`` with a new label, and
    ``extra`` more triples (numbered from ``shift``)."""
    lines = [b"# a comment line, and a blank one\n", b"\n"]
    for i in range(ROWS):
        label = b"renamed" if i in changed else b"body"
        lines.append(b'<urn:gg:s%d> <urn:gg:label> "%s %d \\u00E9" .\n' % (i, label, i))
    lines.append(b"<urn:gg:s0> <urn:gg:reportsTo> <urn:gg:s1> .\n")
    extras = range(shift, shift + extra)
    lines += [b"<urn:gg:x%d> <urn:gg:label> <urn:gg:y> .\n" % i for i in extras]
    return b"".join(lines)


def distinct(payload: bytes) -> int:
    return line_diff(b"", payload)[2]


class Sent:
    """The requests a store's client sends: method and body size."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, int]] = []

    def __call__(self, request: httpx.Request) -> None:
        try:
            size = len(request.content)
        except httpx.RequestNotRead:  # a file streamed up
            size = -1
        self.requests.append((request.method, size))

    @property
    def puts(self) -> int:
        return sum(1 for method, _ in self.requests if method == "PUT")

    @property
    def largest(self) -> int:
        return max((size for _, size in self.requests), default=0)


@pytest.fixture(params=["oxigraph_server", "virtuoso_server"])
def gsp_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RemoteStore]:
    """A remote store loading through the Graph Store Protocol, its last loads kept in
    ``tmp_path``; each engine emptied first."""
    server: OxigraphServer | VirtuosoServer = request.getfixturevalue(request.param)
    server.clear()
    url = server.url + ("?load=gsp&" if request.param == "oxigraph_server" else "?")
    store = open_store(f"{url}last_loads={tmp_path / 'loads'}")
    assert isinstance(store, RemoteStore)
    try:
        yield store
    finally:
        store.close()


def spy(store: RemoteStore) -> Sent:
    sent = Sent()
    store._client.event_hooks["request"] = [sent]
    return sent


def labels(store: RemoteStore) -> dict[str, str]:
    return {str(s): str(o) for s, p, o in store.graph_triples(A) if p == URIRef("urn:gg:label")}


def test_a_reload_sends_only_the_changed_lines_as_one_update(gsp_store: RemoteStore) -> None:
    first = source()
    assert gsp_store.replace_graph(A, first) == distinct(first)
    version = gsp_store.data_version()
    sent = spy(gsp_store)
    revised = source(changed=range(0, ROWS, 100), extra=3)
    assert gsp_store.replace_graph(A, revised) == distinct(revised)
    assert sent.puts == 0  # no upload of the whole source, no staging graph
    assert sent.largest < len(revised) // 10
    assert labels(gsp_store)["urn:gg:s100"] == "renamed 100 é"
    assert labels(gsp_store)["urn:gg:s101"] == "body 101 é"
    assert gsp_store.count(A) == distinct(revised) and gsp_store.graphs() == [A]
    assert gsp_store.data_version() != version


def test_an_unchanged_reload_writes_nothing_but_the_version(gsp_store: RemoteStore) -> None:
    gsp_store.replace_graph(A, source())
    sent = spy(gsp_store)
    assert gsp_store.replace_graph(A, source()) == distinct(source())
    assert sent.puts == 0 and sent.largest < 2_000


def test_a_graph_changed_behind_govgraphs_back_is_put_right_by_the_full_path(
    gsp_store: RemoteStore,
) -> None:
    gsp_store.replace_graph(A, source())
    gsp_store._post_update(f'INSERT DATA {{ GRAPH <{A}> {{ <urn:gg:z> <urn:gg:label> "z" }} }}')
    revised = source(changed=range(5))
    sent = spy(gsp_store)
    assert gsp_store.replace_graph(A, revised) == distinct(revised)
    assert sent.puts == 1  # the count after the diff disagreed: the full path ran
    assert "urn:gg:z" not in labels(gsp_store)
    assert gsp_store.count(A) == distinct(revised)


@pytest.mark.parametrize(
    "case", ["big change", "no copy kept", "blank node", "dropped", "edited, then the same source"]
)
def test_reloads_the_diff_cannot_vouch_for_take_the_full_path(
    gsp_store: RemoteStore, case: str, tmp_path: Path
) -> None:
    gsp_store.replace_graph(A, source())
    revised = source(changed=range(5))
    if case == "big change":
        revised = source(changed=range(ROWS))
    elif case == "no copy kept":
        for copy in (tmp_path / "loads").rglob("*.nt"):
            copy.unlink()
    elif case == "blank node":
        revised += b"<urn:gg:s0> <urn:gg:cites> _:b1 .\n"
    elif case == "dropped":
        gsp_store.drop_graph(A)
    elif case == "edited, then the same source":
        line = source().splitlines()[3].decode()  # one label, removed by hand
        gsp_store._post_update(f"DELETE DATA {{ GRAPH <{A}> {{ {line} }} }}")
        revised = source()
    sent = spy(gsp_store)
    assert gsp_store.replace_graph(A, revised) == distinct(revised)
    assert sent.puts == 1
    assert gsp_store.count(A) == distinct(revised)
    assert not any(str(g).startswith(STAGING_PREFIX) for g in gsp_store.graphs())


def test_a_refused_diff_leaves_the_graph_as_it_was(gsp_store: RemoteStore) -> None:
    first = source()
    gsp_store.replace_graph(A, first)
    before = labels(gsp_store)
    broken = source(changed=range(3)) + b"<urn:gg:s> <urn:gg:label> not rdf .\n"
    with pytest.raises(StoreError, match="source-a"):  # the diff, then the full path, refused
        gsp_store.replace_graph(A, broken)
    assert labels(gsp_store) == before and gsp_store.count(A) == distinct(first)
    assert gsp_store.graphs() == [A]
    revised = source(changed=range(4))  # the copy kept is still the graph's: diffs again
    sent = spy(gsp_store)
    assert gsp_store.replace_graph(A, revised) == distinct(revised)
    assert sent.puts == 0


def test_a_big_change_goes_in_blocks_virtuosos_parser_takes(gsp_store: RemoteStore) -> None:
    gsp_store.replace_graph(A, source(extra=30_000))
    sent = spy(gsp_store)
    revised = source(extra=30_000, shift=6_000)  # 6,000 lines out, 6,000 in
    assert gsp_store.replace_graph(A, revised) == distinct(revised)
    assert sent.puts == 0
    assert gsp_store.count(A) == distinct(revised)


def test_a_file_source_is_diffed_too(gsp_store: RemoteStore, tmp_path: Path) -> None:
    path = tmp_path / "source.nt"
    path.write_bytes(source())
    gsp_store.replace_graph(A, path)
    path.write_bytes(source(changed=range(7)))
    sent = spy(gsp_store)
    assert gsp_store.replace_graph(A, path) == distinct(source(changed=range(7)))
    assert sent.puts == 0
    assert labels(gsp_store)["urn:gg:s6"] == "renamed 6 é"


def test_line_diff_ignores_order_blank_lines_comments_and_repeats() -> None:
    old = b"<a> <p> <b> .\n# c\n<a> <p> <c> .\n"
    new = b"\n<a> <p> <d> .  \n<a> <p> <b> .\n<a> <p> <d> .\n"
    assert line_diff(old, new) == ([b"<a> <p> <c> ."], [b"<a> <p> <d> ."], 2)


def test_a_second_govgraph_load_into_virtuoso_puts_nothing(
    virtuoso_server: VirtuosoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`govgraph load` stamps each source's graph with its load time, so a reload always
    changes a line or two: the second load of the bundled data uploads no source again, and
    leaves every graph as the first did."""
    from typer.testing import CliRunner

    from govgraph.cli import app

    virtuoso_server.clear()
    monkeypatch.setenv("GOVGRAPH_STORE", virtuoso_server.url)
    monkeypatch.setenv("GOVGRAPH_CACHE", str(tmp_path / "cache"))
    puts: list[URIRef] = []
    put = RemoteStore._put

    def counted(self: RemoteStore, url: str, graph: URIRef, payload: object) -> None:
        puts.append(graph)
        put(self, url, graph, payload)  # type: ignore[arg-type]  # passed through as given

    monkeypatch.setattr(RemoteStore, "_put", counted)

    def counts() -> dict[URIRef, int]:
        with open_store(virtuoso_server.url) as store:
            return {g: store.count(g) for g in store.graphs()}

    result = CliRunner().invoke(app, ["load", "--no-validate"])
    assert result.exit_code == 0, result.output
    first, uploaded = counts(), len(puts)
    puts.clear()
    result = CliRunner().invoke(app, ["load", "--no-validate"])
    assert result.exit_code == 0, result.output
    assert uploaded >= len(first) - 1 and puts == []
    assert counts() == first
