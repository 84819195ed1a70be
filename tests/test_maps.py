"""Maps as node/edge models (what each kind draws), their legend, layout cache and the
safety and self-containment of the HTML they render to."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from govgraph.graph.checks.reasoning import materialise
from govgraph.graph.core.errors import NotFound, QueryError
from govgraph.graph.storage.store import Store
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG, GRAPH, ID
from govgraph.visualisations import layout
from govgraph.visualisations.maps import build_map, map_kinds, render_html
from govgraph.visualisations.model import term_colour
from govgraph.visualisations.render import script_json

FIXTURES = Path(__file__).parent / "fixtures"
KIND_FOCUS = {
    "landscape": None,
    "accountability": "hostile-body",
    "ego": "hostile-body",
    "policy": None,
    "actions": None,
}
EVIL = "<img src=x onerror=alert(1)>"


def i(slug: str) -> str:
    return str(ID[slug])


@pytest.fixture(autouse=True)
def layout_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(layout.CACHE_ENV, str(tmp_path / "cache"))
    layout.clear_memory_cache()
    return tmp_path / "cache"


@pytest.fixture
def hostile(landscape: Store) -> Store:
    """The fixture landscape plus bodies whose names and descriptions try to be markup."""
    landscape.replace_graph(GRAPH["hostile"], Graph().parse(FIXTURES / "maps_hostile.ttl"))
    materialise(landscape)
    return landscape


def test_every_issue_kind_is_registered() -> None:
    assert set(KIND_FOCUS) <= set(map_kinds())


def test_landscape_draws_bodies_and_groups_not_posts(landscape: Store) -> None:
    m = build_map(landscape, "landscape")
    ids = m.node_ids()
    assert {i("care-agency"), i("oversight-group"), i("alba-fund"), i("lonely-network")} <= ids
    assert i("strategic-advisor") not in ids
    assert (i("care-agency"), str(GG.sponsoredBy), i("children-directorate")) in m.edge_triples()
    assert (i("north-ijb"), str(GG.directs), i("north-council")) in m.edge_triples()


def test_landscape_draws_an_inverse_or_symmetric_fact_once(landscape: Store) -> None:
    m = build_map(landscape, "landscape")
    partner = [
        e
        for e in m.edges
        if e.kind == str(GG.partnerOf) and i("north-council") in (e.source, e.target)
    ]
    assert len(partner) == 1
    assert not any(e.kind == str(GG.sponsors) for e in m.edges)


def test_nodes_are_typed_and_coloured_from_the_ontology(landscape: Store) -> None:
    m = build_map(landscape, "landscape")
    agency = m.node(i("care-agency"))
    assert agency.group == str(GG.ExecutiveNDPB)
    assert agency.colour == ontology.colour(GG.ExecutiveNDPB)
    assert agency.aliases == ("CA", "The Care Agency")


def test_legend_is_generated_from_ontology_labels_and_colours(landscape: Store) -> None:
    m = build_map(landscape, "landscape")
    groups = {e.key: e for e in m.node_legend}
    assert set(groups) == {n.group for n in m.nodes}
    for key, entry in groups.items():
        assert entry.label == ontology.label(URIRef(key))
        assert entry.colour == term_colour(key)
    kinds = {e.key: e for e in m.edge_legend}
    assert kinds[str(GG.sponsoredBy)].label == ontology.label(GG.sponsoredBy)
    assert kinds[str(GG.sponsoredBy)].count == 2


def test_accountability_puts_holders_above_and_accountable_bodies_below(landscape: Store) -> None:
    m = build_map(landscape, "accountability", focus="children-directorate")
    levels = {n.id: n.level for n in m.nodes}
    assert levels[i("children-directorate")] == 0
    assert levels[i("care-agency")] == 1
    assert levels[i("care-inspectorate-alba")] == 1
    up = build_map(landscape, "accountability", focus="care-agency")
    assert {n.id: n.level for n in up.nodes}[i("alba-government")] == -1
    assert all(n.y is not None for n in up.nodes)
    top = up.node(i("alba-government"))
    assert top.y is not None and top.y < up.node(i("care-agency")).y  # type: ignore[operator]


def test_accountability_reads_directs_as_accountability_upwards(landscape: Store) -> None:
    m = build_map(landscape, "accountability", focus="north-ijb", depth=1)
    assert (i("north-council"), str(GG.directedBy), i("north-ijb")) in m.edge_triples()
    assert {n.id: n.level for n in m.nodes}[i("north-council")] == 1


def test_ego_holds_the_focus_and_its_neighbours_within_depth(landscape: Store) -> None:
    m = build_map(landscape, "ego", focus="north-ijb", depth=1)
    assert m.node_ids() == {i("north-ijb"), i("north-council"), i("north-health-board")}
    two = build_map(landscape, "ego", focus="helping-charity", depth=2)
    assert i("alba-parliament") in two.node_ids()  # charity -> oversight group -> parliament


def test_as_of_leaves_out_bodies_that_did_not_exist_then(landscape: Store) -> None:
    before = build_map(landscape, "landscape", as_of="2010").node_ids()
    after = build_map(landscape, "landscape", as_of="2021-06-01").node_ids()
    assert i("old-name-body") in before and i("new-name-body") not in before
    assert i("new-name-body") in after and i("old-name-body") not in after


def test_policy_is_bipartite_with_remits_told_apart(hostile: Store) -> None:
    m = build_map(hostile, "policy")
    area = i("policy-area/hostile")
    assert {(e.source, e.kind) for e in m.edges if e.target == area} == {
        (i("hostile-body"), str(GG.hasInterestIn)),
        (i("href-body"), str(GG.hasRemitIn)),
    }


def test_policy_also_draws_the_client_groups_bodies_serve(hostile: Store) -> None:
    m = build_map(hostile, "policy")
    group = i("client-group/hostile")
    assert {(e.source, e.kind) for e in m.edges if e.target == group} == {
        (i("hostile-body"), str(GG.servesClientGroup)),
    }
    assert {n.group for n in m.nodes if n.id == group} == {str(GG.ClientGroup)}


def test_actions_are_coloured_by_latest_assessment_between_area_and_leads(hostile: Store) -> None:
    m = build_map(hostile, "actions")
    action = m.node(i("action/hostile"))
    assert action.group == str(GG.UnderwayNotSufficient)
    assert m.node(i("action/quiet")).group == str(GG.Action)
    assert (m.node(i("priority-area/hostile")).level, action.level) == (0, 1)
    assert m.node(i("care-agency")).level == 2
    assert (i("action/hostile"), str(GG.leadOrganisation), i("hostile-body")) in m.edge_triples()
    assert any(e.label == "underway but not yet sufficient" for e in m.node_legend)


def test_served_maps_link_nodes_to_entity_pages(landscape: Store) -> None:
    assert build_map(landscape, "landscape").nodes[0].url is None
    served = build_map(landscape, "landscape", served=True)
    assert served.node(i("care-agency")).url == "/id/care-agency"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"kind": "nonsense"}, QueryError),
        ({"kind": "landscape", "as_of": "last tuesday"}, QueryError),
        ({"kind": "ego", "focus": "no-such-body"}, NotFound),
        ({"kind": "ego", "focus": "Not A Name Anyone Uses"}, NotFound),  # names are read too
        ({"kind": "ego"}, QueryError),
        ({"kind": "ego", "focus": "north-ijb", "depth": 0}, QueryError),
    ],
)
def test_bad_requests_raise_domain_errors(
    landscape: Store, kwargs: dict[str, object], error: type[Exception]
) -> None:
    kind = str(kwargs.pop("kind"))
    with pytest.raises(error):
        build_map(landscape, kind, **kwargs)  # type: ignore[arg-type]


def test_a_second_build_reuses_the_layout_and_new_data_recomputes(
    landscape: Store, layout_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build_map(landscape, "landscape")
    assert len(list((layout_cache / "layouts").glob("*.json"))) == 1
    layout.clear_memory_cache()
    calls: list[int] = []
    real = layout.force_layout
    monkeypatch.setattr(layout, "force_layout", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = build_map(landscape, "landscape")
    assert calls == []
    assert [(n.x, n.y) for n in again.nodes] == [(n.x, n.y) for n in first.nodes]
    build_map(landscape, "landscape", as_of="2010")
    assert calls == [1]


def test_force_layout_gives_every_node_a_distinct_position() -> None:
    nodes = [f"n{k}" for k in range(60)]
    edges = [(f"n{k}", f"n{k + 1}") for k in range(40)]
    pos = layout.force_layout(nodes, edges, groups={n: "g" for n in nodes})
    assert set(pos) == set(nodes)
    assert len(set(pos.values())) == len(nodes)


def test_script_json_cannot_close_its_script_element() -> None:
    text = script_json({"a": "</script><!-- & \u2028\u2029 >"})
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029 >"}


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "action", "data", "poster", "srcset", "formaction"):
                self.refs.append((tag, name, value or ""))


@pytest.mark.parametrize("kind", sorted(KIND_FOCUS))
def test_every_kind_renders_one_self_contained_file(hostile: Store, kind: str) -> None:
    html = render_html(build_map(hostile, kind, focus=KIND_FOCUS[kind]))
    parser = _Refs()
    parser.feed(html)
    offsite = [r for r in parser.refs if not r[2].startswith(("data:", "#"))]
    assert offsite == []
    assert parser.tags.count("script") == 4  # data, preview, vis-network, map.js: all inline
    assert "link" not in parser.tags and "iframe" not in parser.tags
    assert re.findall(r"url\((?!\"?data:)", html) == []
    assert "default-src 'none'" in html


@pytest.mark.parametrize("kind", sorted(KIND_FOCUS))
def test_names_and_descriptions_are_escaped_on_every_kind(hostile: Store, kind: str) -> None:
    model = build_map(hostile, kind, focus=KIND_FOCUS[kind])
    html = render_html(model)
    for raw in (EVIL, "<script>alert", "<a href", "<b onmouseover", "<svg onload", "<iframe"):
        assert raw not in html
    data = html.split('id="govgraph-map-data">', 1)[1].split("</script>", 1)[0]
    labels = json.loads(data)["nodes"]["label"]
    assert labels == [n.label for n in model.nodes]
    assert "&lt;script&gt;alert(&#39;source&#39;)&lt;/script&gt; register" in html
    assert "\\u003cscript\\u003ealert('source')" in data  # a citation's document title
    if kind in ("accountability", "ego"):
        assert "&lt;img src=x onerror=alert(1)&gt;" in html  # in the title, escaped


@pytest.mark.parametrize("script", ["map.js", "preview.js"])
def test_map_js_never_writes_html(script: str) -> None:
    js = (Path(__file__).parents[1] / "visualisations" / "static" / script).read_text()
    code = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in code


@pytest.mark.slow
def test_landscape_scope_keeps_the_care_system_and_leaves_out_unrelated_uk_bodies(
    bundled: Store,
) -> None:
    from govgraph.visualisations.maps import build_map

    def names(scope: str) -> set[str]:
        return {n.label for n in build_map(bundled, "landscape", scope=scope).nodes}

    scotland, everything = names("scotland"), names("all")
    assert {"The Promise Scotland", "Inverclyde Integration Joint Board", "NHS Tayside"} <= scotland
    assert "Ministry of Defence" not in scotland and "Ministry of Defence" in everything
    assert len(scotland) < len(everything) / 3


def test_a_cached_layout_is_only_reused_for_the_same_node_order() -> None:
    """The force layout numbers nodes in the order given, so another order is another
    layout: a key that sorted the nodes served a layout computed from an older order."""
    nodes, edges = ["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("c", "d"), ("d", "a")]
    forward = layout.force_layout(nodes, edges)
    backward = layout.force_layout(nodes[::-1], edges)
    same_key = layout.layout_key("force", nodes, edges) == layout.layout_key(
        "force", nodes[::-1], edges
    )
    assert forward == backward or not same_key
