"""The synthetic landscape: deterministic, realistic in shape, within the ontology, and with
the overlaps it claims to plant."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from typer.testing import CliRunner

from govgraph.cli import app
from govgraph.graph.tools.generate import SHARES, Landscape, generate, ntriples
from govgraph.ontology import model
from govgraph.ontology.terms import GG


@pytest.fixture(scope="module")
def generated() -> Landscape:
    return generate(1000, seed=5)


@pytest.fixture(scope="module")
def landscape(generated: Landscape) -> Graph:
    return Graph().parse(data=generated.ntriples(), format="nt")


def test_same_seed_gives_the_same_bytes_and_another_seed_differs() -> None:
    first = ntriples(300, seed=11)
    assert ntriples(300, seed=11) == first
    assert ntriples(300, seed=12) != first


def test_size_is_about_eighty_triples_per_organisation(landscape: Graph) -> None:
    assert 75_000 <= len(landscape) <= 100_000


def test_types_come_in_the_landscapes_proportions(landscape: Graph) -> None:
    counts = Counter(model.local_name(str(o)) for o in landscape.objects(None, RDF.type))
    assert set(SHARES) <= set(counts)
    assert counts["ThirdSectorOrganisation"] == max(counts[c] for c in SHARES)
    assert counts["Government"] == 1 and counts["PolicyArea"] == 117
    assert counts["LocalAuthority"] < counts["Board"] < counts["WorkingGroup"]
    assert counts["Person"] > 0 and counts["CareService"] > 0 and counts["Action"] > 0


def test_every_ontology_term_it_uses_is_defined(landscape: Graph) -> None:
    m = model.model()
    gg = str(GG)
    predicates = {str(p) for p in landscape.predicates() if str(p).startswith(gg)}
    classes = {str(o) for o in landscape.objects(None, RDF.type) if str(o).startswith(gg)}
    assert predicates <= {str(p) for p in m.properties}
    assert classes <= {str(c) for c in m.classes}


def test_it_plants_duplicate_remits_subset_memberships_and_cycles(
    generated: Landscape, landscape: Graph
) -> None:
    land, g = generated, landscape

    def objects(s: str, p: URIRef) -> set[URIRef]:
        return set(g.objects(URIRef(s[1:-1]), p))

    def members(group: str) -> set[URIRef]:
        return set(g.subjects(GG.memberOf, URIRef(group[1:-1])))

    assert land.planted.duplicate_remits and land.planted.subset_memberships
    for a, b in land.planted.duplicate_remits:
        assert objects(a, GG.hasRemitIn) & objects(b, GG.hasRemitIn)
        assert objects(a, GG.operatesIn) & objects(b, GG.operatesIn)
    for small, big in land.planted.subset_memberships:
        orgs = {m for m in members(small) if (m, RDF.type, GG.Person) not in g}
        assert orgs and orgs <= members(big)
    for a, b in land.planted.cycles:
        assert URIRef(b[1:-1]) in objects(a, GG.reportsTo)
        assert URIRef(a[1:-1]) in objects(b, GG.reportsTo)


@pytest.mark.slow
def test_it_loads_and_conforms_to_the_shapes() -> None:
    from govgraph.graph.checks.validation import validate
    from govgraph.graph.storage.store import open_store
    from govgraph.ontology.terms import GRAPH

    with open_store("memory:") as store:
        from govgraph.graph.checks.ontology_graph import load_ontology
        from govgraph.graph.checks.reasoning import materialise

        store.replace_graph(GRAPH["synthetic"], ntriples(150, seed=2))
        load_ontology(store)
        materialise(store)
        report = validate(store)
    assert report.conforms, [v.line() for v in report.violations[:5]]


def test_generate_command_writes_a_file_or_stdout(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "landscape.nt"
    result = runner.invoke(
        app, ["generate", "--organisations", "50", "--seed", "3", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == ntriples(50, seed=3)
    assert "planted" in result.stderr
    piped = runner.invoke(app, ["generate", "-n", "50", "--seed", "3"])
    assert piped.stdout_bytes == ntriples(50, seed=3)
    assert runner.invoke(app, ["generate", "-n", "5"]).exit_code != 0
