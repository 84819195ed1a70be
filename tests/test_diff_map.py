"""The difference map on two hand-built landscapes whose differences are known: a body
removed, one added, one renamed, a line re-pointed, a membership added, context unchanged."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from govgraph.graph.analysis.findings import Subject
from govgraph.graph.analysis.impact_model import Change, Impact
from govgraph.graph.storage.store import Store, open_store
from govgraph.ontology.terms import GRAPH, ID
from govgraph.visualisations.diff_map import (
    DIFF,
    STATUSES,
    build_diff_map,
    diff_svg,
    split_kind,
    status_of,
)
from govgraph.visualisations.model import MapModel, MapNode
from govgraph.visualisations.render import render_html
from tests.browser import needs_chromium, offline_page

PREFIXES = """
@prefix gg: <https://w3id.org/govgraph/ontology#> .
@prefix id: <https://w3id.org/govgraph/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
COMMON = """
id:gov a gg:Government ; skos:prefLabel "Alba Government" .
id:parl a gg:Parliament ; skos:prefLabel "Alba Parliament" .
id:quiet a gg:Board ; skos:prefLabel "Quiet Board" ; gg:reportsTo id:parl .
id:far a gg:Board ; skos:prefLabel "Far Board" ; gg:reportsTo id:quiet .
"""
BEFORE = """
id:a a gg:Board ; skos:prefLabel "Board A" ; gg:reportsTo id:gov ; gg:fundedBy id:parl .
id:b a gg:Board ; skos:prefLabel "Board B" ; gg:reportsTo id:gov .
id:m a gg:ThirdSectorOrganisation ; skos:prefLabel "Member Charity" ; gg:memberOf id:b .
id:r a gg:AdvisoryNDPB ; skos:prefLabel "Old Name Body" ; gg:advises id:gov .
"""
AFTER = """
id:b a gg:Board ; skos:prefLabel "Board B" ; gg:reportsTo id:parl ; gg:fundedBy id:parl .
id:c a gg:Board ; skos:prefLabel "<img src=x onerror=alert(1)>" ; gg:reportsTo id:b .
id:m a gg:ThirdSectorOrganisation ; skos:prefLabel "Member Charity" ;
    gg:memberOf id:b, id:c .
id:r a gg:AdvisoryNDPB ; skos:prefLabel "New Name Body" ; gg:advises id:gov .
"""


def _store(ttl: str) -> Store:
    s = open_store("memory:")
    s.replace_graph(GRAPH["fixture"], Graph().parse(data=PREFIXES + COMMON + ttl, format="turtle"))
    return s


def iri(slug: str) -> str:
    return str(ID[slug])


def subject(slug: str, name: str) -> Subject:
    return Subject(iri(slug), name)


IMPACT = Impact(
    title="Merge A into B",
    before_label="today",
    after_label="the scenario",
    counts_before={"bodies": 4, "groups": 4},
    counts_after={"bodies": 4, "groups": 4},
    changes=(
        Change("body-removed", (subject("a", "Board A"),), "Board A is removed."),
        Change("body-added", (subject("c", "New"),), "A new board is set up."),
        Change("body-renamed", (subject("r", "New Name Body"),), "Old Name Body is renamed."),
        Change(
            "line-redirected",
            (subject("b", "Board B"), subject("parl", "Alba Parliament")),
            "Board B reports to the Parliament instead of the Government.",
        ),
    ),
    touched=frozenset({iri("a"), iri("b"), iri("c"), iri("r")}),
)


@pytest.fixture
def stores() -> Iterator[tuple[Store, Store]]:
    before, after = _store(BEFORE), _store(AFTER)
    yield before, after
    before.close()
    after.close()


def statuses(model: object) -> dict[str, str]:
    return {n.id[len(str(ID)) :]: status_of(n) for n in model.nodes}  # type: ignore[attr-defined]


def test_each_node_is_coloured_by_what_happened_to_it(stores: tuple[Store, Store]) -> None:
    model = build_diff_map(*stores, IMPACT)
    assert statuses(model) == {
        "a": "removed",
        "c": "added",
        "r": "changed",  # renamed
        "b": "changed",  # re-pointed
        "m": "changed",  # a new parent group
        "gov": "unchanged",
        "parl": "unchanged",
    }, "context one hop from what changed, and nothing further (Quiet and Far Board)"


def test_each_link_is_coloured_by_what_happened_to_it(stores: tuple[Store, Store]) -> None:
    model = build_diff_map(*stores, IMPACT)
    links = {
        (
            e.source[len(str(ID)) :],
            split_kind(e.kind)[1].rsplit("#")[-1],
            e.target[len(str(ID)) :],
        ): (status_of(e))
        for e in model.edges
    }
    assert links == {
        ("a", "reportsTo", "gov"): "removed",
        ("a", "fundedBy", "parl"): "removed",
        ("b", "fundedBy", "parl"): "changed",  # the same line, moved to another body
        ("b", "reportsTo", "gov"): "removed",
        ("b", "reportsTo", "parl"): "changed",  # the same line, re-pointed
        ("c", "reportsTo", "b"): "added",
        ("m", "memberOf", "c"): "added",
        ("m", "memberOf", "b"): "unchanged",
        ("r", "advises", "gov"): "unchanged",
    }


def test_tooltips_say_what_changed(stores: tuple[Store, Store]) -> None:
    model = build_diff_map(*stores, IMPACT)
    assert "Renamed from Old Name Body" in model.node(iri("r")).notes
    assert model.node(iri("r")).label == "New Name Body"
    assert any("no longer" in n or "Board A is removed." in n for n in model.node(iri("a")).notes)
    assert model.node(iri("a")).notes[0] == "Only before: today"


def test_the_legend_explains_the_colours(stores: tuple[Store, Store]) -> None:
    model = build_diff_map(*stores, IMPACT)
    legend = {e.key: (e.label, e.colour, e.count) for e in model.node_legend}
    assert legend[DIFF + "removed"] == ("Removed (only before)", STATUSES["removed"][1], 1)
    assert legend[DIFF + "added"][1] == "#2E7D32"
    assert legend[DIFF + "changed"][2] == 3 and legend[DIFF + "unchanged"][2] == 2
    edge_labels = [e.label for e in model.edge_legend]
    assert edge_labels[0].endswith("· removed") and "reports to · changed" in edge_labels
    assert any("Red: only before" in n for n in model.notes)


def test_the_link_legend_has_one_row_per_status(stores: tuple[Store, Store]) -> None:
    """A row per kind and status made the 2020-2024 diff's legend 29 rows long (issue 16):
    one row per status filters all its kinds, and says which in its tooltip."""
    model = build_diff_map(*stores, IMPACT)
    rows = model.edge_legend_rows()
    assert [e.label for e, _ in rows] == [
        f"Links {s}" for s in STATUSES if any(split_kind(k.key)[0] == s for k in model.edge_legend)
    ]
    assert len(rows) <= len(STATUSES) < len(model.edge_legend)
    covered = sorted(int(i) for _, keys in rows for i in keys.split(","))
    assert covered == list(range(len(model.edge_legend)))
    assert "reports to" in next(e.comment for e, _ in rows if e.label == "Links changed")
    html = render_html(model)
    assert html.count('data-filter="kind"') == len(rows)


def test_it_renders_with_the_map_template_offline_and_escaped(
    stores: tuple[Store, Store],
) -> None:
    html = render_html(build_diff_map(*stores, IMPACT))
    assert "<img src=x" not in html and "\\u003cimg src=x" in html
    assert "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    data = json.loads(
        html.split('id="govgraph-map-data">')[1].split("</script>")[0].replace("\\u0026", "&")
    )
    assert {g["colour"] for g in data["groups"]} == {c for _, c, _ in STATUSES.values()}
    assert "Removed (only before)" in html  # the legend panel


def test_the_print_svg_uses_the_status_colours_and_escapes(
    stores: tuple[Store, Store],
) -> None:
    svg = diff_svg(build_diff_map(*stores, IMPACT))
    assert STATUSES["removed"][1] in svg and STATUSES["added"][1] in svg
    assert "<img" not in svg and "&lt;img" in svg


def test_an_impact_touching_nothing_draws_nothing(stores: tuple[Store, Store]) -> None:
    empty = Impact("Nothing", "a", "b", {}, {}, ())
    assert build_diff_map(*stores, empty).nodes == []


def test_labels_of_the_drawn_map_do_not_overlap(stores: tuple[Store, Store]) -> None:
    model = build_diff_map(*stores, IMPACT)
    assert model.physics is False, "drawn as laid out"
    boxes = [
        ((n.x or 0) - len(n.label) * 3.75, (n.x or 0) + len(n.label) * 3.75, n.y or 0)
        for n in model.nodes
    ]
    for i, (l1, r1, y1) in enumerate(boxes):
        for l2, r2, y2 in boxes[i + 1 :]:
            assert r1 <= l2 or r2 <= l1 or abs(y1 - y2) >= 30, "labels overlap"


@needs_chromium
def test_the_difference_map_draws_offline_with_its_legend(
    stores: tuple[Store, Store], tmp_path: Path, artefacts: Path
) -> None:
    path = tmp_path / "diff.html"
    path.write_text(render_html(build_diff_map(*stores, IMPACT)), "utf-8")
    with offline_page() as (page, log):
        page.goto(path.as_uri())  # type: ignore[attr-defined]
        page.wait_for_function("window.govgraphMap && govgraphMap.drawn")  # type: ignore[attr-defined]
        legend = page.text_content("aside.legend")  # type: ignore[attr-defined]
        assert "Removed (only before)" in legend and "Added (only after)" in legend
        page.screenshot(path=str(artefacts / "map-diff-fixture.png"))  # type: ignore[attr-defined]
    assert log.console_errors == [] and log.page_errors == []
    assert log.blocked == [] and log.dialogs == []


def _pairwise_spread(model: MapModel) -> None:
    """The label-overlap pass as it was first written: every pair, every sweep. The
    reference the spatial hash must match move for move."""
    import math

    from govgraph.visualisations.diff_map import CHAR_WIDTH, LABEL_HEIGHT, SPACING

    points = [(n.x or 0.0, n.y or 0.0) for n in model.nodes]
    if len(points) < 2:
        return
    nearest = sorted(
        min(math.dist(p, o) for j, o in enumerate(points) if j != i) for i, p in enumerate(points)
    )
    scale = SPACING / (nearest[len(nearest) // 2] or 1.0)
    xy = [[px * scale, py * scale] for px, py in points]
    w = [math.sqrt(n.weight) for n in model.nodes]
    low, high = min(w), max(w)
    radius = [5 + 35 * (v - low) / (high - low) if high > low else 5.0 for v in w]
    half = [
        max(min(len(n.label), 48) * CHAR_WIDTH / 2, r) + 8
        for n, r in zip(model.nodes, radius, strict=True)
    ]
    for _ in range(80):
        moved = False
        for i in range(len(xy)):
            for j in range(i + 1, len(xy)):
                dx, dy = xy[j][0] - xy[i][0], xy[j][1] - xy[i][1]
                over_x = half[i] + half[j] - abs(dx)
                upper, lower = (i, j) if dy >= 0 else (j, i)
                over_y = -(abs(dy) - radius[upper] - LABEL_HEIGHT - radius[lower])
                if over_x <= 0 or over_y <= 0:
                    continue
                moved = True
                if over_y <= over_x:
                    step = over_y / 2 * (1 if dy >= 0 else -1)
                    xy[i][1] -= step
                    xy[j][1] += step
                else:
                    step = over_x / 2 * (1 if dx >= 0 else -1)
                    xy[i][0] -= step
                    xy[j][0] += step
        if not moved:
            break
    for n, (px, py) in zip(model.nodes, xy, strict=True):
        n.x, n.y = round(px, 1), round(py, 1)


def _scattered(n: int, seed: int, side: float) -> MapModel:
    rnd = random.Random(seed)
    nodes = []
    for k in range(n):
        node = MapNode(f"n{k}", "label " * rnd.randint(0, 10) + str(k), "g", "t")
        node.x = rnd.uniform(-side, side) if rnd.random() > 0.05 else 0.0
        node.y = rnd.uniform(-side, side) if rnd.random() > 0.05 else 0.0
        node.weight = rnd.choice([1.0, 1.25, 3.0, 5.5, 10.0])
        nodes.append(node)
    return MapModel(kind="diff", title="t", subtitle="", nodes=nodes, edges=[])


@pytest.mark.parametrize(("n", "seed"), [(2, 1), (3, 2), (17, 3), (60, 4), (150, 5)])
def test_spreading_labels_gives_the_layout_of_comparing_every_pair(n: int, seed: int) -> None:
    from govgraph.visualisations.diff_map import _spread

    ours, reference = _scattered(n, seed, 400.0), _scattered(n, seed, 400.0)
    _spread(ours)
    _pairwise_spread(reference)
    assert [(p.x, p.y) for p in ours.nodes] == [(p.x, p.y) for p in reference.nodes]


def test_spreading_labels_looks_only_at_pairs_that_could_touch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pass once compared every pair in each of up to 80 sweeps (113 s of a 185 s date
    diff); on a wide layout it must look at a small share of the pairs."""
    from govgraph.visualisations import diff_map

    looked, sweeps = 0, 0
    near = diff_map._Grid.near

    def counted(self: diff_map._Grid, k: int, after: int) -> list[int]:
        nonlocal looked, sweeps
        found = near(self, k, after)
        looked += len(found)
        sweeps += k == after == 0
        return found

    monkeypatch.setattr(diff_map._Grid, "near", counted)
    n = 1500
    model = _scattered(n, 7, 20000.0)
    diff_map._spread(model)
    assert sweeps > 0
    assert 0 < looked < sweeps * n * (n - 1) // 2 // 10
