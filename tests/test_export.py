"""Exports open in the tools they are for, and spreadsheets cannot run their cells."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from govgraph.graph.storage.store import Store
from govgraph.graph.tools.export import export, network_csv
from govgraph.ontology.terms import GRAPH, entity


def test_graphml_reads_back_in_networkx_with_scalar_attributes(
    bundled: Store, tmp_path: Path
) -> None:
    path = tmp_path / "landscape.graphml"
    path.write_bytes(export(bundled, "graphml"))
    g = nx.read_graphml(path)
    assert g.number_of_nodes() > 1000 and g.number_of_edges() > 1000
    node = g.nodes[str(entity("care-inspectorate"))]
    assert node["label"] == "Care Inspectorate" and node["type"] == "InspectorateOrRegulator"
    assert all(isinstance(v, str | int | float) for _, d in g.nodes(data=True) for v in d.values())


def test_gexf_reads_back_in_networkx(bundled: Store, tmp_path: Path) -> None:
    path = tmp_path / "landscape.gexf"
    path.write_bytes(export(bundled, "gexf"))
    g = nx.read_gexf(path)
    assert g.number_of_nodes() > 1000
    assert b'version="1.2"' in path.read_bytes()[:400]


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_rdf_exports_parse_back_to_the_asserted_sources(landscape: Store, fmt: str) -> None:
    data = export(landscape, fmt)
    g = Graph().parse(data=data, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
    assert (entity("care-agency"), SKOS.prefLabel, Literal("Care Agency")) in g
    assert len(g) == landscape.count(GRAPH["fixture"])  # no ontology, no inferences


def test_rdf_exports_come_out_in_a_stable_order_so_they_can_be_diffed(landscape: Store) -> None:
    lines = export(landscape, "nt").splitlines()
    assert lines == sorted(lines)
    nodes = json.loads(export(landscape, "jsonld"))["@graph"]
    ids = [node["@id"] for node in nodes]
    assert ids == sorted(ids)


def test_csv_cells_that_look_like_formulas_are_quoted(store: Store) -> None:
    g = Graph()
    g.parse(
        data="""@prefix gg: <https://w3id.org/govgraph/ontology#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix id: <https://w3id.org/govgraph/id/> .
        id:evil a gg:Board ; skos:prefLabel "=HYPERLINK(\\"http://x\\")" .
        id:plus a gg:Board ; skos:prefLabel "+1 board" ; gg:memberOf id:evil .
        id:at a gg:Board ; skos:prefLabel "@SUM(A1)" .
        id:minus a gg:Board ; skos:prefLabel "-2" .""",
        format="turtle",
    )
    from govgraph.graph.checks.ontology_graph import load_ontology
    from govgraph.graph.checks.reasoning import materialise
    from govgraph.graph.tools.export import network

    store.replace_graph(GRAPH["evil"], g)
    load_ontology(store)
    materialise(store)
    rows = list(csv.reader(io.StringIO(network_csv(network(store)).decode("utf-8-sig"))))
    names = {cell for row in rows[1:] for cell in (row[1], row[5]) if cell}
    assert names == {'\'=HYPERLINK("http://x")', "'+1 board", "'@SUM(A1)", "'-2"}


# --- Gephi-ready (#19 item 16) -------------------------------------------------------------


def test_graphml_reads_in_igraph_without_an_id_clash(bundled: Store, tmp_path: Path) -> None:
    """igraph keeps a node's GraphML id as ``id``; a node attribute of that name clashed."""
    import warnings

    import igraph

    path = tmp_path / "landscape.graphml"
    path.write_bytes(export(bundled, "graphml"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = igraph.Graph.Read_GraphML(str(path))
    assert "entity_id" in g.vs.attributes()
    care = g.vs.find(entity_id="care-inspectorate")
    assert care["id"] == str(entity("care-inspectorate")) and care["label"] == "Care Inspectorate"


def test_gexf_dates_are_whole_dates_as_its_timeformat_declares(
    bundled: Store, tmp_path: Path
) -> None:
    """Gephi reads timeformat="date" as YYYY-MM-DD: a year or month stands for its period."""
    import re

    data = export(bundled, "gexf")
    assert b'timeformat="date"' in data
    spells = re.findall(rb'(?:start|end)="([^"]*)"', data)
    assert spells and all(re.fullmatch(rb"\d{4}-\d{2}-\d{2}", s) for s in spells)
    path = tmp_path / "landscape.gexf"
    path.write_bytes(data)
    g = nx.read_gexf(path)
    assert g.number_of_nodes() > 1000


def test_every_csv_file_starts_with_a_byte_order_mark(bundled: Store) -> None:
    """Excel and Gephi read UTF-8 without a BOM as the local code page; the network CSV had
    one and the overlap report's CSV did not."""
    from govgraph.visualisations.reports import render

    assert export(bundled, "csv").startswith(b"\xef\xbb\xbf")
    assert render([], "csv").startswith(b"\xef\xbb\xbf")
