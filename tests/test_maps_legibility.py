"""Issue 16: maps a policy officer can read, share and print. Model-level checks on the
bundled data (focus by name, clusters, scope, the overlap map's colours and dates) and the
CLI and HTTP ends; the browser checks are in tests/test_maps_browser.py."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from govgraph.cli import app
from govgraph.graph.analysis.overlaps import KINDS
from govgraph.graph.core.errors import NotFound
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GG, ID
from govgraph.visualisations import layout
from govgraph.visualisations.maps import build_map, map_kinds, render_html
from govgraph.visualisations.report_map import EDGE_KINDS, REPORT
from govgraph.visualisations.reports import _legend as report_legend

runner = CliRunner()


@pytest.fixture(autouse=True)
def layout_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(layout.CACHE_ENV, str(tmp_path / "cache"))
    layout.clear_memory_cache()


def labels(model: object) -> set[str]:
    return {n.label for n in model.nodes}  # type: ignore[attr-defined]


# --- focus by name ---------------------------------------------------------------------
@pytest.mark.slow
def test_focus_takes_a_name_or_alias_as_the_site_search_reads_it(bundled: Store) -> None:
    by_alias = build_map(bundled, "ego", focus="Inverclyde IJB", depth=1)
    assert by_alias.focus == str(ID["inverclyde-ijb"])
    by_name = build_map(bundled, "ego", focus="Care Inspectorate", depth=1)
    assert by_name.focus == str(ID["care-inspectorate"])


def test_an_unknown_focus_name_lists_the_closest_matches(bundled: Store) -> None:
    with pytest.raises(NotFound) as caught:
        build_map(bundled, "ego", focus="Inverclyd")
    message = str(caught.value)
    assert "Inverclyde Integration Joint Board (inverclyde-ijb)" in message
    assert "Inverclyde Council (inverclyde-council)" in message


# --- clusters and scope ----------------------------------------------------------------
def test_a_hubs_ego_map_draws_its_long_tail_as_one_cluster(bundled: Store) -> None:
    m = build_map(bundled, "ego", focus="care-inspectorate", depth=1)
    assert len(m.nodes) > 500
    assert len(m.drawn_ids()) <= 150
    services = [c for c in m.clusters if c.group == str(GG.CareService)]
    assert len(services) == 1 and services[0].hub == str(ID["care-inspectorate"])
    assert services[0].label == f"regulates {len(services[0].members)} care services"
    html = render_html(m)
    assert '"clusters":[{"id":"cluster-0"' in html


@pytest.mark.slow
def test_every_map_defaults_to_the_scottish_landscape(bundled: Store) -> None:
    scotland = labels(build_map(bundled, "ego", focus="scottish-government", depth=2))
    everything = labels(
        build_map(bundled, "ego", focus="scottish-government", depth=2, scope="all")
    )
    assert "Department of Health and Social Care" in everything
    assert "Department of Health and Social Care" not in scotland
    assert "Care Inspectorate" in scotland


def test_isolated_nodes_are_packed_beside_the_main_component_not_below_it() -> None:
    hub = [f"m{k}" for k in range(40)]
    edges = [("m0", m) for m in hub[1:]] + [(hub[k], hub[k + 1]) for k in range(1, 39)]
    lonely = [f"i{k}" for k in range(60)]
    pos = layout.force_layout(hub + lonely, edges)
    main_right = max(pos[m][0] for m in hub)
    assert min(pos[i][0] for i in lonely) > main_right  # beside it, not in a grid below
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    assert (max(xs) - min(xs)) >= (max(ys) - min(ys))  # screen-shaped, not a tall strip


# --- the overlap map -------------------------------------------------------------------
def test_overlap_map_colours_each_finding_kind_as_the_report_legend_does(
    bundled: Store,
) -> None:
    m = build_map(bundled, "overlap")
    legend = {e.key: e for e in m.edge_legend}
    colours = {e.colour for e in legend.values()}
    assert len(colours) == len(legend) >= 5
    assert "#9E9E9E" not in colours
    report = dict(report_legend(m))
    for key, entry in legend.items():
        kind = key[len(REPORT) :]
        assert entry.colour == EDGE_KINDS[kind] == report[kind]
        assert entry.label == KINDS[kind] != kind  # the report's heading, not a machine id
    assert m.sources  # "Sources (0)" no more


def test_overlap_map_details_carry_score_reason_action_and_evidence(bundled: Store) -> None:
    m = build_map(bundled, "overlap", served=True)
    assert m.findings and all(e.finding is not None for e in m.edges)
    card = m.findings[0]
    assert {"score", "reason", "action", "evidence", "href"} <= set(card)
    assert card["action"] and card["reason"]
    assert str(card["href"]).startswith("/reports/overlaps#")


@pytest.mark.slow
def test_overlap_map_honours_as_of(bundled: Store) -> None:
    assert "The Promise Scotland" in labels(build_map(bundled, "overlap"))
    then = build_map(bundled, "overlap", as_of="2019")
    assert "The Promise Scotland" not in labels(then)
    assert "2019" in then.title and then.as_of == "2019"


def test_every_map_says_its_date_in_the_header(bundled: Store) -> None:
    html = render_html(build_map(bundled, "policy", as_of="2021"))
    assert "Showing the landscape as of <strong>2021</strong>" in html


# --- HTTP --------------------------------------------------------------------------------
@pytest.mark.slow
def test_served_maps_take_a_focus_name_and_refuse_a_bad_date(bundled: Store) -> None:
    from govgraph.api.app import create_app

    client = TestClient(create_app(bundled))
    bad = client.get("/maps/overlap", params={"asOf": "nonsense"})
    assert bad.status_code == 400 and "asOf must be a date" in bad.text
    then = client.get("/maps/overlap", params={"asOf": "2019"})
    assert then.status_code == 200 and "The Promise Scotland" not in then.text
    named = client.get("/maps/ego", params={"focus": "Inverclyde IJB", "depth": "1"})
    assert named.status_code == 200 and "Inverclyde Integration Joint Board" in named.text
    assert 'id="map-year"' in named.text  # the date slider, on served maps only


# --- CLI -------------------------------------------------------------------------------
def test_cli_map_help_lists_every_kind() -> None:
    result = runner.invoke(app, ["map", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for kind in map_kinds():
        assert kind in text, kind


@pytest.mark.slow
def test_cli_map_takes_a_name_and_suggests_on_a_near_miss(
    bundled_store_path: Path, tmp_path: Path
) -> None:
    store = f"oxigraph:{bundled_store_path}"
    out = tmp_path / "ego.svg"
    ok = runner.invoke(
        app,
        ["map", "ego", "--focus", "Inverclyde IJB", "--depth", "1", "-f", "svg", "-o", str(out)],
        env={"GOVGRAPH_STORE": store},
    )
    assert ok.exit_code == 0, ok.output
    svg = out.read_text("utf-8")
    assert svg.startswith("<svg") and "<text" in svg
    assert "Inverclyde Integration Joint Board" in svg
    near = runner.invoke(
        app,
        ["map", "ego", "--focus", "Inverclyd", "-o", str(tmp_path / "x.html")],
        env={"GOVGRAPH_STORE": store, "COLUMNS": "400"},
    )
    assert near.exit_code == 1
    said = " ".join(near.output.split())
    assert "Inverclyde Integration Joint Board" in said and "Inverclyde Council" in said


def test_static_svg_labels_never_overlap(bundled: Store) -> None:
    from govgraph.visualisations.export import map_svg

    svg = map_svg(build_map(bundled, "landscape"))
    font = float(re.search(r'font-size="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    boxes = []
    for x, y, text in re.findall(r'<text x="([\d.-]+)" y="([\d.-]+)"[^>]*>([^<]*)</text>', svg):
        w = len(unescape(text)) * font * 0.62
        boxes.append((float(x) - w / 2, float(y) - font * 0.95, float(x) + w / 2, float(y)))
    assert len(boxes) > 20
    clashes = [
        (a, b)
        for k, a in enumerate(boxes)
        for b in boxes[k + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]
    assert clashes == []


@pytest.mark.slow
def test_difference_map_keeps_to_the_care_landscape_and_clusters_plainly(
    bundled: Store,
) -> None:
    from govgraph.api.artefacts import diff_with_map

    _, m = diff_with_map(bundled, "2020", "2024")
    names = labels(m)
    assert "Reclaim Fund Ltd" not in names and "Financial Reporting Council" not in names
    assert "Chair of Reclaim Fund Ltd" not in names
    assert [c.label for c in m.clusters] == [
        f"regulates {len(m.clusters[0].members)} care services"
    ]
