"""docs/architecture.md, proved: the layers hold, and each "where a change goes" checklist
works when followed once, by adding a throwaway kind in-process and finding it where the
checklist says it shows up (issue #21 points 1 and 8)."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from starlette.testclient import TestClient
from typer.testing import CliRunner

from govgraph.graph.core.errors import SourceError
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GG, ID

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


# --- the layers ---------------------------------------------------------------------------


def _layers_contract() -> dict[str, object]:
    contracts = PYPROJECT["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["type"] == "layers")


def test_the_import_contracts_hold() -> None:
    """What `make lint` runs: every contract in pyproject.toml is kept."""
    from importlinter import configuration
    from importlinter.application.use_cases import lint_imports

    configuration.configure()  # what the lint-imports command does first
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True)


def test_every_ignored_import_is_justified_by_a_comment() -> None:
    """An ignore_imports entry is a known back-edge: the line above it must say why."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    for match in re.finditer(r"^ignore_imports = ", text, re.MULTILINE):
        above = text[: match.start()].rstrip("\n").splitlines()[-1]
        assert above.startswith("#"), f"unexplained ignore_imports at offset {match.start()}"


def test_graph_holds_layers_not_modules_and_the_contract_names_every_layer() -> None:
    """No module sits loose in graph/ (each belongs to a layer), and every layer folder is
    in the layers contract, so nothing escapes the import rules."""
    graph = ROOT / "graph"
    assert sorted(p.name for p in graph.glob("*.py")) == ["__init__.py"]
    folders = {p.parent.name for p in graph.glob("*/__init__.py")}
    named = {
        m.strip().removeprefix("govgraph.graph.")
        for layer in _layers_contract()["layers"]  # type: ignore[union-attr]
        for m in str(layer).split("|")
        if m.strip().startswith("govgraph.graph.")
    }
    assert folders == named == {"core", "storage", "checks", "facts", "analysis", "tools"}


def _move_script() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("move_layers", ROOT / "scripts/move_layers.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_move_map_points_at_real_modules_and_its_rewrite_is_idempotent() -> None:
    """The lead replays ``move_layers.py --rewrite-only`` on branches written at the old
    paths: each old path must become a module that exists, and a second run change nothing."""
    ml = _move_script()
    for name, layer in ml.MOVES.items():
        assert (ROOT / "graph" / layer / f"{name}.py").is_file() or name in ml.PENDING, name
    old = (
        "from govgraph.graph import chains, organisations as orgs, core\n"
        "from govgraph.graph.store import Store\n"
        'monkeypatch.setattr("govgraph.graph.oxigraph_store.to_ox", f)\n'
        "see graph/scope.py and graph/queries/map_scope_core.rq\n"
        "<https://w3id.org/govgraph/graph/curated>\n"
    )
    new = ml.rewrite_text(old)
    assert new == (
        "from govgraph.graph.analysis import chains\n"
        "from govgraph.graph.facts import organisations as orgs\n"
        "from govgraph.graph import core\n"
        "from govgraph.graph.storage.store import Store\n"
        'monkeypatch.setattr("govgraph.graph.storage.oxigraph_store.to_ox", f)\n'
        "see graph/analysis/scope.py and graph/storage/queries/map_scope_core.rq\n"
        "<https://w3id.org/govgraph/graph/curated>\n"
    )
    assert ml.rewrite_text(new) == new
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert ml.rewrite_pyproject(pyproject) == pyproject


def test_no_file_still_names_an_old_module_path() -> None:
    """What ``move_layers.py --rewrite-only`` would change, file by file: nothing, once the
    move is complete (a test, an import or a doc written at an old path fails here)."""
    ml = _move_script()
    stale = []
    for path in ml.tracked_text_files():
        text = path.read_text("utf-8")
        rewrite = ml.rewrite_pyproject if path.name == "pyproject.toml" else ml.rewrite_text
        if rewrite(text) != text:
            stale.append(str(path.relative_to(ROOT)))
    assert stale == []
    assert ml.leftovers() == []


def test_the_substring_search_key_lives_in_the_core_beside_the_name_normaliser() -> None:
    """One module for name keys: the organisations filter's substring key keeps '&' and
    punctuation (a substring must match the name as written); name_key folds them."""
    from govgraph.graph.core.names import name_key, substring_key
    from govgraph.graph.facts import entities

    assert substring_key("Perth & Kinross Council's Board") == "perth & kinross councils board"
    assert name_key("Perth & Kinross Council") == "perth and kinross council"
    assert not hasattr(entities, "normalise")


# --- to add a loader ----------------------------------------------------------------------


def _throwaway_loader_module() -> types.ModuleType:
    from govgraph.loaders.base import Loader, SourceInfo

    class ThrowawayLoader(Loader):
        """Lines of ``id,name``: one organisation each."""

        kind = "throwaway"

        def info(self) -> SourceInfo:
            return SourceInfo(
                id="throwaway", title="Throwaway list", origin=self.path.name, licence="CC0-1.0"
            )

        def triples(self, resolver: object) -> Iterator[tuple[URIRef, URIRef, object]]:
            lines = self.path.read_text("utf-8").splitlines()
            for number, line in enumerate(lines, start=1):
                ident, sep, name = line.partition(",")
                if not sep or not name.strip():
                    raise SourceError(
                        "expected id,name", file=str(self.path), line=number, field="name"
                    )
                yield ID[ident], RDF.type, GG.Organisation
                yield ID[ident], RDFS.label, Literal(name.strip())

    module = types.ModuleType("throwaway_loader")
    module.ThrowawayLoader = ThrowawayLoader  # type: ignore[attr-defined]
    return module


def test_a_throwaway_loader_registered_as_the_checklist_says_loads_and_refuses_bad_input(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govgraph.graph.storage.integrity import store_digests
    from govgraph.loaders import registry
    from govgraph.loaders.pipeline import load_sources

    monkeypatch.setitem(sys.modules, "throwaway_loader", _throwaway_loader_module())
    monkeypatch.setitem(registry.LOADERS, "throwaway", "throwaway_loader:ThrowawayLoader")
    good = tmp_path / "bodies.txt"
    good.write_text("throwaway-body,Throwaway Body\n", "utf-8")
    report = load_sources(store, [registry.loader_for(f"throwaway:{good}")], validate=False)
    assert [s.error for s in report.sources] == [None]
    graph = URIRef("https://w3id.org/govgraph/graph/throwaway")
    assert (ID["throwaway-body"], RDFS.label, Literal("Throwaway Body")) in set(
        store.graph_triples(graph)
    )

    before = store_digests(store)
    bad = tmp_path / "bad.txt"
    bad.write_text("throwaway-body,Renamed\nno-name-here\n", "utf-8")
    report = load_sources(store, [registry.loader_for(f"throwaway:{bad}")], validate=False)
    assert report.sources[0].error is not None
    assert f"{bad}:2: field 'name': expected id,name" in report.sources[0].error
    assert store_digests(store) == before


# --- to add a map kind --------------------------------------------------------------------


def test_a_throwaway_map_kind_registered_once_reaches_the_cli_and_the_api(
    landscape: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govgraph.api.app import create_app
    from govgraph.cli import app as cli
    from govgraph.visualisations import kinds
    from govgraph.visualisations.maps import map_kinds
    from govgraph.visualisations.model import MapEdge, MapModel, MapNode

    def throwaway(store: Store, req: kinds.MapRequest) -> MapModel:
        nodes = [
            MapNode(id=str(ID[n]), label=n.title(), group=str(GG.Organisation), type="")
            for n in ("alpha", "beta")
        ]
        edges = [MapEdge(str(ID["alpha"]), str(ID["beta"]), str(GG.accountableTo))]
        return MapModel("throwaway", "Throwaway map", "two bodies", nodes, edges)

    monkeypatch.setitem(kinds.KINDS, "throwaway", throwaway)  # undone after the test
    kinds.register("throwaway")(throwaway)
    assert "throwaway" in map_kinds()

    page = TestClient(create_app(landscape)).get("/maps/throwaway")
    assert page.status_code == 200 and "Throwaway map" in page.text and "Alpha" in page.text

    out = tmp_path / "map.html"
    store_url = f"oxigraph:{tmp_path / 'store'}"
    result = CliRunner().invoke(cli, ["map", "throwaway", "-o", str(out), "--store", store_url])
    assert result.exit_code == 0, result.output
    assert "Throwaway map" in out.read_text("utf-8")


# --- to add a finding kind ----------------------------------------------------------------


def test_a_throwaway_finding_kind_reaches_the_report(
    landscape: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govgraph.graph.analysis import overlaps
    from govgraph.graph.analysis.findings import Finding, Subject
    from govgraph.graph.analysis.overlap_facts import Facts, fetch
    from govgraph.visualisations.reports import render

    def throwaway(facts: Facts, settings: overlaps.Settings) -> list[Finding]:
        body = Subject(str(ID["care-agency"]), "Care Agency")
        return [Finding("throwaway-kind", (body,), 1.0, "A throwaway reason.")]

    monkeypatch.setitem(overlaps.KINDS, "throwaway-kind", "Throwaway findings")
    monkeypatch.setitem(overlaps.GROUPS, "Throwaway group", ("throwaway-kind",))
    monkeypatch.setattr(
        overlaps, "ANALYSES", (*overlaps.ANALYSES, (frozenset({"throwaway-kind"}), throwaway))
    )
    findings = overlaps.findings_from_facts(fetch(landscape), kinds=["throwaway-kind"])
    assert [(f.kind, f.names) for f in findings] == [("throwaway-kind", "Care Agency")]
    markdown = render(findings, "md", timestamp=False).decode("utf-8")
    assert "## Throwaway group" in markdown
    assert "### Throwaway findings (1)" in markdown and "A throwaway reason." in markdown
    assert b"Throwaway findings" in render(findings, "html", timestamp=False)
    assert b"throwaway-kind" in render(findings, "csv", timestamp=False)


# --- to add a relationship kind -----------------------------------------------------------


def test_a_throwaway_relationship_kind_declared_in_the_ontology_gets_its_label_and_colour(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Step 1 of the checklist alone (the ontology) gives the kind its label, inverse label
    and map colour; the GraphQL enum follows at import (tests/test_drift.py proves it for
    every real kind)."""
    from govgraph.ontology import model
    from govgraph.visualisations.model import term_colour

    kind, inverse = GG.throwawayAdvises, GG.throwawayAdvisedBy
    graph: Graph = model.load_graph()
    graph.add((kind, RDF.type, OWL.ObjectProperty))
    graph.add((kind, RDFS.label, Literal("advises (throwaway)", lang="en")))
    graph.add((kind, RDFS.comment, Literal("A throwaway kind.", lang="en")))
    graph.add((kind, RDFS.domain, GG.Organisation))
    graph.add((kind, RDFS.range, GG.Organisation))
    graph.add((kind, GG.isRelationshipKind, Literal(True)))
    graph.add((kind, GG.mapColour, Literal("#123456")))
    graph.add((inverse, RDF.type, OWL.ObjectProperty))
    graph.add((inverse, RDFS.label, Literal("is advised by (throwaway)", lang="en")))
    graph.add((kind, OWL.inverseOf, inverse))
    built = model.build_model(graph)
    monkeypatch.setattr(model, "model", lambda: built)

    assert kind in {p.iri for p in model.relationship_kinds()}
    assert model.label(kind) == "advises (throwaway)"
    assert term_colour(str(kind)) == "#123456"
    assert model.get_property(kind).inverse == inverse
