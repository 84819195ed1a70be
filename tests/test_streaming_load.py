"""RDF files in Turtle and N-Triples stream into the store (issue #14, finding 7), and every
RDF loader refuses surrogates, control characters and ill-typed literals (findings 4, 5).

Nothing here times anything: memory is measured with tracemalloc, the rest is outcomes.
The peak RSS of a 10^6-triple load is measured by ``scripts/bench_load.py`` instead.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.text import text_problem
from govgraph.graph.core.xsd import lexical_problem
from govgraph.graph.storage.integrity import dataset_digests
from govgraph.graph.storage.store import Store, open_store
from govgraph.graph.tools.generate import ntriples
from govgraph.loaders.base import MAX_SOURCE_BYTES_ENV
from govgraph.loaders.pipeline import load_sources
from govgraph.loaders.rdf_file import RdfFileLoader

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated landscape of 300 bodies: about 24,000 triples, 3.5 MB of N-Triples."""
    path = tmp_path_factory.mktemp("generated") / "landscape.nt"
    path.write_bytes(ntriples(300, seed=4))
    return path


@pytest.fixture(params=["memory", "embedded", "versioned"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = {
        "memory": "memory:",
        "embedded": f"oxigraph:{tmp_path / 'store'}",
        "versioned": f"oxigraph+versions:{tmp_path / 'versions'}",
    }[request.param]
    with open_store(url) as s:
        yield s


def _source_graph(store: Store, loader: RdfFileLoader) -> Graph:
    """The source's triples as stored, without the provenance record the pipeline adds (the
    graph's own description and its load activity, ``<graph>/load``)."""
    info = loader.info()
    g = Graph()
    for s, p, o in store.graph_triples(info.graph):
        if s not in (info.graph, URIRef(f"{info.graph}/load")):
            g.add((s, p, o))
    return g


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".nt", ".ttl"])
def test_a_streamed_load_stores_the_same_triples_as_rdflib_parses(
    generated: Path, tmp_path: Path, suffix: str
) -> None:
    expected = Graph().parse(generated, format="nt")
    source = tmp_path / f"landscape{suffix}"
    if suffix == ".nt":
        source.write_bytes(generated.read_bytes())
    else:
        expected.serialize(source, format="turtle")
    loader = RdfFileLoader(source)
    with open_store("memory:") as store:
        report = load_sources(store, [loader], validate=False, progress=False)
        assert not report.failed, report.failed[0].error
        stored = _source_graph(store, loader)
    assert len(stored) == len(expected) and isomorphic(stored, expected)
    labelled = {s for s in expected.subjects(URIRef(str(_PREF)), None)}
    assert report.sources[0].entities == len(labelled) > 0


_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


def test_turtle_and_ntriples_are_loaded_without_an_rdflib_graph(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The streamed formats never go through rdflib's parser (which held a 7.9 MB Turtle
    file as 3.0 GB of objects)."""
    ttl = tmp_path / "small.ttl"
    ttl.write_text('<urn:x:a> <http://www.w3.org/2004/02/skos/core#prefLabel> "A" .\n')

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib parsed a streamed format")

    monkeypatch.setattr(Graph, "parse", refuse)
    with open_store("memory:") as store:
        report = load_sources(
            store, [RdfFileLoader(generated), RdfFileLoader(ttl)], validate=False, progress=False
        )
    assert not report.failed, [r.error for r in report.failed]


def test_streaming_memory_does_not_grow_with_the_file(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python's own allocations while loading a source stay far below the file's size: the
    triples pass through Oxigraph's parser and a spooled file, never Python objects all at
    once. (The inferred closure, computed after the sources, reads the store's class and
    relationship pairs; its share is in the benchmark, scripts/bench_load.py.)"""
    from govgraph.graph.checks import reasoning
    from govgraph.graph.storage import oxigraph_store

    monkeypatch.setattr(reasoning, "materialise", lambda store: 0)
    monkeypatch.setattr(oxigraph_store, "BULK_CHUNK_BYTES", 256 * 1024)  # the file is 3.5 MB
    size = generated.stat().st_size
    with open_store("memory:") as store:
        load_sources(store, [], validate=False, progress=False)  # the ontology, imports
        tracemalloc.start()
        try:
            report = load_sources(store, [RdfFileLoader(generated)], validate=False, progress=False)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert not report.failed
    assert peak < size / 2, f"peak {peak:,} bytes of Python objects for a {size:,}-byte file"


def test_the_in_memory_size_limit_does_not_apply_to_streamed_formats(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`govgraph generate --organisations 10000` writes 113 MB: it must load. JSON-LD,
    which rdflib parses in memory, keeps the 64 MiB (here 1,000-byte) limit."""
    monkeypatch.setenv(MAX_SOURCE_BYTES_ENV, "1000")
    doc = tmp_path / "doc.jsonld"
    doc.write_text('{"@id": "urn:x:a", "http://e/p": "' + "x" * 2000 + '"}')
    with open_store("memory:") as store:
        report = load_sources(
            store, [RdfFileLoader(generated), RdfFileLoader(doc)], validate=False, progress=False
        )
    streamed, in_memory = report.sources
    assert streamed.error is None and streamed.triples > 20_000
    assert in_memory.error and "1,000-byte limit" in in_memory.error


def _with_line(source: Path, target: Path, number: int, line: bytes) -> None:
    lines = source.read_bytes().splitlines(keepends=True)
    lines.insert(number - 1, line)
    target.write_bytes(b"".join(lines))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("bad", "says"),
    [
        (b"<https://w3id.org/govgraph/id/x> <urn:p> this is not rdf .\n", "nt syntax error"),
        (b'<urn:x> <urn:p> "2020-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .\n', "2020"),
        (b'<urn:x> <urn:p> "caf\\u00e9 \\uD83D" .\n', "D83D"),
        (b'<urn:x> <urn:p> "bell \\u0007 here" .\n', "U+0007"),
    ],
    ids=["syntax", "ill-typed-date", "lone-surrogate", "control-character"],
)
def test_a_bad_line_deep_in_a_big_file_is_refused_with_its_line_and_changes_nothing(
    generated: Path, tmp_path: Path, store: Store, bad: bytes, says: str
) -> None:
    name = tmp_path / "landscape.nt"
    name.write_bytes(generated.read_bytes())
    first = load_sources(store, [RdfFileLoader(name)], validate=False, progress=False)
    assert not first.failed
    digests = dataset_digests(store)
    deep = generated.read_bytes().count(b"\n") * 3 // 4
    _with_line(generated, name, deep, bad)

    report = load_sources(store, [RdfFileLoader(name)], validate=False, progress=False)

    error = report.sources[0].error or ""
    assert f"landscape.nt:{deep}" in error and says in error
    assert dataset_digests(store) == digests


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ok\ttext\nwith lines", None),
        ("A\ud800", "lone surrogate U+D800"),
        ("\x1b[31m", "control character U+001B (ESC) at character 1"),
        ("nul\x00", "control character U+0000"),
        ("\x85", None),  # C1 controls are characters XML 1.0 allows
    ],
)
def test_text_problem_names_surrogates_and_control_characters(
    value: str, problem: str | None
) -> None:
    found = text_problem(value)
    assert found == problem if problem is None else problem in (found or "")


@pytest.mark.parametrize(
    ("value", "datatype", "ok"),
    [
        ("2020-02-29", "date", True),
        ("2020-02-30", "date", False),
        ("2019-02-29", "date", False),
        ("0000-01-01", "date", False),
        ("2020-01-01Z", "date", True),
        ("٢٠٢٠-01-01", "date", False),
        ("not-a-date", "date", False),
        ("2021-03-31T23:59:59.5+01:00", "dateTime", True),
        ("2021-03-31 23:59:59", "dateTime", False),
        ("2021", "gYear", True),
        ("２０２１", "gYear", False),
        ("2021-13", "gYearMonth", False),
        ("-12", "integer", True),
        ("1.0", "integer", False),
        ("-1", "nonNegativeInteger", False),
        ("300", "byte", False),
        ("3.", "decimal", True),
        ("1e3", "decimal", False),
        ("1e3", "double", True),
        ("INF", "float", True),
        ("yes", "boolean", False),
        ("1", "boolean", True),
        ("anything", "string", True),
    ],
)
def test_lexical_problem_knows_the_xsd_lexical_spaces(value: str, datatype: str, ok: bool) -> None:
    assert (lexical_problem(value, XSD + datatype) is None) == ok


def test_characters_split_between_reads_load_and_a_bad_byte_deep_in_is_placed(
    tmp_path: Path,
) -> None:
    """The streamed file is checked as UTF-8 piece by piece: a character cut between two
    reads is whole, and a Latin-1 byte far into the file is named at its line and column."""
    lines = [f'<urn:x:{i}> <urn:p> "{"é✓𝄞" * (i % 37)}" .\n' for i in range(3000)]
    source = tmp_path / "many.nt"
    source.write_text("".join(lines), encoding="utf-8")
    assert sum(1 for _ in RdfFileLoader(source).checked()) == 3000
    data = source.read_bytes()
    at = data.index(b"\n", len(data) // 2) + 15
    source.write_bytes(data[:at] + b"\xe9" + data[at + 1 :])
    with pytest.raises(SourceError, match="not UTF-8") as err:
        list(RdfFileLoader(source).checked())
    assert (err.value.line, err.value.column) == (data[:at].count(b"\n") + 1, 15)
