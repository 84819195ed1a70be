"""Each map is a pyvis ``Network`` (issue #21 point 5): nodes, edges, groups and options are
set through pyvis, and the HTML comes from our own autoescaping, offline template."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyvis.network import Network
from pyvis.options import Options

from govgraph.graph.storage.store import Store
from govgraph.visualisations import layout
from govgraph.visualisations.maps import build_map
from govgraph.visualisations.model import MapEdge, MapModel, MapNode
from govgraph.visualisations.render import MapNetwork, render_html

DATA = re.compile(r'<script type="application/json" id="govgraph-map-data">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def layout_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(layout.CACHE_ENV, str(tmp_path / "cache"))
    layout.clear_memory_cache()


def data_of(html: str) -> dict[str, object]:
    found = DATA.search(html)
    assert found is not None
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_a_map_is_a_pyvis_network_of_its_nodes_and_edges(landscape: Store) -> None:
    model = build_map(landscape, "landscape")
    net = MapNetwork(model)
    assert isinstance(net, Network) and isinstance(net.options, Options)
    assert list(net.node_ids) == [n.id for n in model.nodes]
    drawn = [e for e in model.edges if e.source in net.node_map and e.target in net.node_map]
    assert [(e["from"], e["to"], e["kind"]) for e in net.edges] == [
        (e.source, e.target, e.kind) for e in drawn
    ]
    first = net.node_map[model.nodes[0].id]
    assert first["group"] == model.nodes[0].group  # the legend entry, as a vis group
    assert first["label"] == model.nodes[0].label and first["shape"] == model.shape


def test_the_options_in_the_file_are_the_ones_pyvis_holds(landscape: Store) -> None:
    """Not a dict overwriting pyvis's output: what the file carries is pyvis's own JSON."""
    model = build_map(landscape, "ego", focus="care-inspectorate", depth=1)
    net = MapNetwork(model)
    html = net.generate_html()
    assert data_of(html)["options"] == json.loads(net.options.to_json())
    assert net.options.physics.enabled is model.physics
    assert net.options.layout.randomSeed == 7 and not net.options.layout.hierarchical.enabled
    assert net.options.interaction.hover is True


def test_big_maps_keep_their_speed_options() -> None:
    nodes = [MapNode(f"n{k}", f"N {k}", "g", "t") for k in range(2)]
    edges = [MapEdge("n0", "n1", "k")] * 3001
    net = MapNetwork(MapModel("landscape", "t", "s", nodes, edges, physics=False))
    assert net.options.interaction.hideEdgesOnDrag is True
    assert net.options.interaction.hideEdgesOnZoom is True
    assert net.options.edges.smooth.enabled is False


def test_an_empty_label_stays_empty() -> None:
    """pyvis labels a node by its id when the label is falsy: a map never shows an IRI."""
    model = MapModel("landscape", "t", "s", [MapNode("https://x.example/a", "", "g", "t")], [])
    net = MapNetwork(model)
    assert net.nodes[0]["label"] == ""


def test_the_network_renders_through_our_template_with_no_fetch(landscape: Store) -> None:
    model = build_map(landscape, "landscape")
    net = MapNetwork(model)
    assert net.templateEnv.autoescape is not False and net.path == "map.html"
    html = net.generate_html()
    assert html == render_html(model)
    assert 'name="generator" content="govgraph"' in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "bootstrap" not in html.lower() and "jsdelivr" not in html  # not pyvis's template
