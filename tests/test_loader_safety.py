"""Loading cannot be turned against the product's own data (issue #14, findings 3, 4, 5, 9).

- a source cannot name its graph after a reserved one (the ontology, the inferred closure,
  a bundled source of another kind), and two sources of one command cannot share a graph;
- a load whose SHACL validation fails exits non-zero;
- a lone surrogate that reaches the store is a failed source, never an uncaught error that
  discards the command's valid sources or leaves the inferred closure stale;
- a load whose every write was refused publishes no new version;
- validation reports ill-typed literals already stored instead of crashing;
- data holding Rich markup is printed as written; named pipes and devices are refused.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS, XSD
from typer.testing import CliRunner

from govgraph.cli import app
from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.text import find_text_problem, text_problem
from govgraph.graph.storage.integrity import dataset_digests
from govgraph.graph.storage.store import Store, open_store
from govgraph.graph.storage.versioned_store import VERSIONS, VersionedStore
from govgraph.loaders.base import Loader, SourceInfo, Triple, read_source_bytes
from govgraph.loaders.pipeline import load_sources
from govgraph.loaders.rdf_file import RdfFileLoader
from govgraph.loaders.registry import graph_claim_problem
from govgraph.loaders.resolve import Resolver
from govgraph.ontology.terms import GG, GRAPH, ID, INFERRED_GRAPH, PRODUCT_GRAPHS
from tests.conftest import FIXTURES

runner = CliRunner()
MAPPING = FIXTURES / "csv" / "example_bodies.mapping.yaml"


class StubLoader(Loader):
    """A source of any kind and id whose triples are given: stands for a loader that lets
    through what the store then refuses."""

    kind = "csv"

    def __init__(self, source_id: str, triples: list[Triple], kind: str = "csv") -> None:
        super().__init__(Path(f"{source_id}.stub"))
        self.source_id, self._triples, self.kind = source_id, triples, kind  # type: ignore[misc]

    def info(self) -> SourceInfo:
        return SourceInfo(id=self.source_id, title=self.source_id, origin="stub", licence="CC0")

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        yield from self._triples


def _body(slug: str, name: str) -> list[Triple]:
    iri = ID[slug]
    return [(iri, RDF.type, GG.Board), (iri, SKOS.prefLabel, Literal(name))]


# --- the shared text check ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("a\ud800b", "U+D800"),
        ("\udfff", "U+DFFF"),
        ("x\x00", "U+0000"),
        ("\x1b[31m", "U+001B"),
        ("ok\x0b", "U+000B"),
        ("ok\x7f\x1f", "U+001F"),
        ("\ufffe", "U+FFFE"),
    ],
)
def test_text_problem_names_the_character_and_where_it_is(value: str, code: str) -> None:
    problem = text_problem(value)
    assert problem is not None and code in problem
    found = find_text_problem(value)
    assert found is not None and value[found[0]] not in "\t\n\r"


@pytest.mark.parametrize("value", ["", "tab\there", "lines\r\nand\n", "émoji 😀", "\x7f", "ﬀ"])
def test_text_problem_accepts_what_xml_and_utf_8_can_hold(value: str) -> None:
    assert text_problem(value) is None


# --- reserved graphs and one graph per source -------------------------------------------------


def test_product_graphs_include_the_scenario_graph() -> None:
    from govgraph.graph.analysis.scenario import SCENARIO_GRAPH

    assert SCENARIO_GRAPH in PRODUCT_GRAPHS and INFERRED_GRAPH in PRODUCT_GRAPHS


@pytest.mark.parametrize(
    ("kind", "source_id", "owner"),
    [
        ("csv", "curated", "curated"),
        ("csv", "plan", "plan"),
        ("csv", "govuk-organisations", "govuk"),
        ("csv", "phs-geography", "phs-geography"),
        ("rdf", "care-inspectorate-children", "care-inspectorate"),
        ("csv", "uk-public-bodies-2023-24", "public-bodies"),
        ("csv", "change-programme-one", "change-programme"),
        ("csv", "ontology", "govgraph"),
        ("rdf", "inferred", "govgraph"),
        ("curated", "scenario", "govgraph"),
    ],
)
def test_no_source_may_claim_a_graph_it_does_not_own(kind: str, source_id: str, owner: str) -> None:
    problem = graph_claim_problem(kind, source_id)
    assert problem is not None and source_id in problem
    assert (owner in problem) if owner != "govgraph" else ("govgraph itself" in problem)


def test_a_source_keeps_its_own_graph() -> None:
    assert graph_claim_problem("curated", "curated") is None
    assert graph_claim_problem("csv", "example-bodies") is None
    assert graph_claim_problem("change-programme", "change-programme-one") is None


def test_the_pipeline_refuses_a_reserved_graph_and_changes_nothing(landscape: Store) -> None:
    """Whatever the loader: a stub claiming the inferred graph or another kind's graph fails
    as a source, and every named graph keeps its digest."""
    before = dataset_digests(landscape)
    report = load_sources(
        landscape,
        [StubLoader("inferred", _body("x", "X")), StubLoader("curated", _body("y", "Y"), "rdf")],
        validate=False,
        progress=False,
    )
    assert [s.error is not None for s in report.sources] == [True, True]
    assert "govgraph itself" in (report.sources[0].error or "")
    assert "curated source" in (report.sources[1].error or "")
    assert dataset_digests(landscape) == before


def test_a_csv_mapping_cannot_replace_the_curated_register(tmp_path: Path) -> None:
    """The finding: ``id: curated`` replaced the bundled curated register (4,464 -> 40
    triples), exit 0. Now the load fails naming the mapping's line and the register stays."""
    store_url = f"oxigraph:{tmp_path / 'store'}"
    curated = f"curated:{FIXTURES / 'curated_good'}"
    first = runner.invoke(app, ["load", "--store", store_url, "--no-validate", curated])
    assert first.exit_code == 0, first.output
    shutil.copyfile(FIXTURES / "csv" / "example_bodies.csv", tmp_path / "bodies.csv")
    text = MAPPING.read_text(encoding="utf-8").replace("id: example-bodies", "id: curated")
    (tmp_path / "bodies.mapping.yaml").write_text(text, encoding="utf-8")
    with open_store(store_url) as st:
        before = dataset_digests(st)
    bad = runner.invoke(
        app, ["load", "--store", store_url, "--no-validate", f"csv:{tmp_path / 'bodies.csv'}"]
    )
    assert bad.exit_code == 1
    assert "bodies.mapping.yaml:3:" in bad.output and "field 'source.id'" in bad.output
    with open_store(store_url) as st:
        assert dataset_digests(st) == before


def test_two_sources_for_one_graph_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    """Two RDF files with the same name (so the same graph) in one command: the second would
    silently replace the first. Refused up front, naming both, with the store untouched."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copyfile(FIXTURES / "landscape.ttl", tmp_path / folder / "landscape.ttl")
    store_url = f"oxigraph:{tmp_path / 'store'}"
    sources = [f"rdf:{tmp_path / f / 'landscape.ttl'}" for f in ("a", "b")]
    result = runner.invoke(app, ["load", "--store", store_url, "--no-validate", *sources])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "same graph" in message and "ggraph:rdf-landscape" in message
    assert str(tmp_path / "a" / "landscape.ttl") in message.replace(" ", "") or (
        "a/landscape.ttl" in message.replace(" ", "")
    )
    assert "b/landscape.ttl" in message.replace(" ", "")
    with open_store(store_url) as st:
        assert st.count() == 0


def test_a_load_whose_validation_fails_exits_non_zero(tmp_path: Path) -> None:
    store_url = f"oxigraph:{tmp_path / 'store'}"
    broken = runner.invoke(
        app, ["load", "--store", store_url, f"rdf:{FIXTURES / 'broken_landscape.ttl'}"]
    )
    assert broken.exit_code == 1, broken.output
    assert "violation" in broken.output and "does not conform" in broken.output
    good = runner.invoke(
        app,
        [
            "load",
            "--store",
            f"oxigraph:{tmp_path / 'other'}",
            f"rdf:{FIXTURES / 'valid_landscape.ttl'}",
        ],
    )
    assert good.exit_code == 0, good.output


# --- lone surrogates at the store stage --------------------------------------------------------


def _bad_and_good() -> list[Loader]:
    return [
        StubLoader("bad-source", _body("bad-body", "Bad\ud800Body")),
        RdfFileLoader(FIXTURES / "landscape.ttl"),
    ]


def test_a_lone_surrogate_on_the_versioned_store_discards_no_valid_source(tmp_path: Path) -> None:
    """The finding: an uncaught UnicodeEncodeError discarded every source of the command.
    Now the bad source fails, the valid one is published."""
    with VersionedStore(tmp_path / "versions") as st:
        report = load_sources(st, _bad_and_good(), validate=False, progress=False)
    assert "lone surrogate U+D800" in (report.sources[0].error or "")
    assert report.sources[1].error is None
    with VersionedStore(tmp_path / "versions", read_only=True) as st:
        assert GRAPH["rdf-landscape"] in st.graphs()
        assert GRAPH["bad-source"] not in st.graphs()
        assert st.count(INFERRED_GRAPH) > 0


def test_a_lone_surrogate_on_a_plain_store_still_refreshes_the_inferred_closure(
    store: Store,
) -> None:
    report = load_sources(store, _bad_and_good(), validate=False, progress=False)
    assert report.sources[0].error and report.sources[1].error is None
    assert GRAPH["rdf-landscape"] in store.graphs()
    closure = store.count(INFERRED_GRAPH)
    assert closure > 0 and report.inferred_triples == closure


def test_a_load_refused_at_the_store_publishes_no_new_version(tmp_path: Path) -> None:
    root = tmp_path / "versions"
    with VersionedStore(root) as st:
        load_sources(
            st, [RdfFileLoader(FIXTURES / "landscape.ttl")], validate=False, progress=False
        )
    with VersionedStore(root) as st:
        current = st.current_version()
        report = load_sources(
            st, [StubLoader("bad-source", _body("b", "B\udc00"))], validate=False, progress=False
        )
        assert report.sources[0].error
    with VersionedStore(root) as st:
        assert st.current_version() == current
    assert sorted(p.name for p in (root / VERSIONS).iterdir()) == [current]


# --- validation survives ill-typed literals ---------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"), [("not-a-date", "2020-01-01"), ("2019-01-01", "2020-02-30")]
)
def test_validation_reports_ill_typed_dates_instead_of_crashing(
    landscape: Store, start: str, end: str
) -> None:
    """The finding: ``"not-a-date"^^xsd:date`` stored with --no-validate made every later
    validation raise TypeError. Now each ill-typed value is a plain-language violation."""
    from govgraph.graph.checks.validation import validate

    logging.getLogger("rdflib").setLevel(logging.CRITICAL)
    body = ID["odd-dates"]
    g = Graph()
    for t in _body("odd-dates", "Odd Dates Board"):
        g.add(t)
    g.add((body, GG.startDate, Literal(start, datatype=XSD.date)))
    g.add((body, GG.endDate, Literal(end, datatype=XSD.date)))
    g.add((body, GG.startDate, Literal("20x", datatype=XSD.gYear)))
    landscape.replace_graph(GRAPH["odd"], g)
    report = validate(landscape)
    assert not report.conforms
    lines = report.lines()
    bad = start if start == "not-a-date" else end
    assert any(
        line.startswith("Odd Dates Board (id/odd-dates)") and f"'{bad}' is not a valid date" in line
        for line in lines
    ), lines
    assert any("'20x' is not a valid gYear" in line for line in lines), lines


def test_govgraph_validate_and_a_later_validated_load_survive_a_stored_ill_typed_date(
    tmp_path: Path,
) -> None:
    """The loaders refuse such a literal now; one stored before they did (here written
    through the store API) must still be reported, not crash validation."""
    store_url = f"oxigraph:{tmp_path / 'store'}"
    landscape = f"rdf:{FIXTURES / 'valid_landscape.ttl'}"
    loaded = runner.invoke(app, ["load", "--store", store_url, "--no-validate", landscape])
    assert loaded.exit_code == 0, loaded.output
    with open_store(store_url) as stored:
        stored.replace_graph(
            GRAPH["odd"],
            b"<https://w3id.org/govgraph/id/oversight-group> "
            b"<https://w3id.org/govgraph/ontology#startDate> "
            b'"not-a-date"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
        )
    checked = runner.invoke(app, ["validate", "--store", store_url])
    assert checked.exit_code == 1 and "TypeError" not in checked.output
    assert "'not-a-date' is not a valid date value" in checked.stdout
    again = runner.invoke(app, ["load", "--store", store_url, landscape])
    assert again.exception is None or isinstance(again.exception, SystemExit), again.output
    assert "not-a-date" in again.output


# --- markup in data, and files that are not files ---------------------------------------------


def test_markup_in_a_csv_cell_is_printed_as_written(tmp_path: Path) -> None:
    """The finding: ``[/x]`` in a cell crashed the load report with MarkupError after the
    store was published. The report now prints data with markup off."""
    rows = (FIXTURES / "csv" / "example_bodies.csv").read_text(encoding="utf-8").splitlines()
    rows.append("ex-9,Markup [/x] [bold]Trust,charity,,,[/x] no such parent,")
    (tmp_path / "bodies.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    shutil.copyfile(MAPPING, tmp_path / "bodies.mapping.yaml")
    result = runner.invoke(
        app,
        [
            "load",
            "--store",
            f"oxigraph:{tmp_path / 's'}",
            "--no-validate",
            f"csv:{tmp_path / 'bodies.csv'}",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "[/x] no such parent" in result.output


def test_a_named_pipe_or_a_device_is_refused_not_waited_on(tmp_path: Path) -> None:
    """The finding: ``load rdf:fifo.ttl`` blocked forever. Reading it now fails at once; the
    thread below is only a guard so that the old behaviour fails the test instead of
    hanging it (a writer is opened afterwards to release a blocked reader)."""
    fifo = tmp_path / "fifo.ttl"
    os.mkfifo(fifo)
    outcome: list[BaseException | bytes] = []

    def read() -> None:
        try:
            outcome.append(read_source_bytes(fifo))
        except BaseException as exc:  # reported through the list
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(60)
    if reader.is_alive():  # release the blocked open, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(5)
        pytest.fail("reading a named pipe blocked")
    assert isinstance(outcome[0], SourceError) and "named pipe" in str(outcome[0])
    with pytest.raises(SourceError, match="device"):
        read_source_bytes(Path("/dev/zero"))
    result = runner.invoke(app, ["load", "--store", "memory:", "--no-validate", f"rdf:{fifo}"])
    assert result.exit_code == 1 and "named pipe" in result.output


# --- dates the CSV loaders emit are well-typed -----------------------------------------------


@pytest.mark.parametrize(
    ("published", "datatype", "stored"),
    [("2021", XSD.gYear, "2021"), ("01/04/2016", XSD.date, "2016-04-01")],
)
def test_a_published_date_is_stored_with_the_type_its_form_has(
    tmp_path: Path, store: Store, published: str, datatype: object, stored: str
) -> None:
    """A mapping's ``published: 2021`` was stored as ``"2021"^^xsd:date``, ill-typed."""
    from govgraph.graph.checks.validation import ill_typed
    from govgraph.loaders.generic_csv import GenericCsvLoader

    shutil.copyfile(FIXTURES / "csv" / "example_bodies.csv", tmp_path / "bodies.csv")
    text = MAPPING.read_text(encoding="utf-8").replace(
        "  id: example-bodies\n", f"  id: example-bodies\n  published: '{published}'\n"
    )
    (tmp_path / "bodies.mapping.yaml").write_text(text, encoding="utf-8")
    report = load_sources(
        store, [GenericCsvLoader(tmp_path / "bodies.csv")], validate=False, progress=False
    )
    assert report.sources[0].error is None, report.sources[0].error
    rows = store.select("SELECT ?d WHERE { GRAPH ?g { ?s <http://purl.org/dc/terms/issued> ?d } }")
    assert [(str(r["d"]), r["d"].datatype) for r in rows] == [(stored, datatype)]
    assert not any(ill_typed(o) for _, _, o in store.graph_triples(GRAPH["example-bodies"]))


def test_dates_in_other_scripts_digits_are_not_stored_as_years() -> None:
    from govgraph.loaders.public_bodies import independence_date
    from govgraph.loaders.triples import literal_date

    with pytest.raises(ValueError, match="ASCII"):
        literal_date("٢٠٢٠")
    with pytest.raises(ValueError, match="ASCII"):
        literal_date("２０２０-０１")
    assert independence_date("٢٠١٨") is None
    assert str(literal_date("2020")) == "2020"
