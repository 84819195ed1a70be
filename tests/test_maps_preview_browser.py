"""Issue 16: a big map's first frame. Above 2,000 nodes a plain-canvas preview of the laid-out
map (lines, nodes, the most important labels without collisions) is painted before
vis-network builds its nodes, then removed once vis has drawn the interactive map."""

from __future__ import annotations

import random
import time
from pathlib import Path

from govgraph.ontology.terms import GG, ID
from govgraph.visualisations.model import MapEdge, MapModel, MapNode
from govgraph.visualisations.render import render_html
from tests.browser import needs_chromium, offline_page

GAP = 6  # screen pixels the collision pass keeps between labels


def _big_map(n: int = 2400) -> MapModel:
    rng = random.Random(3)
    kinds = [str(GG.Government), str(GG.PublicBody), str(GG.LocalAuthority), str(GG.Charity)]
    nodes = []
    for k in range(n):
        kind = kinds[k % len(kinds)]
        node = MapNode(f"{ID}preview/body-{k}", f"Preview Body {k}", kind, kind)
        node.x, node.y = rng.uniform(-3000, 3000), rng.uniform(-2000, 2000)
        node.weight = 1 + rng.random() * (40 if k < 100 else 4)
        nodes.append(node)
    edges = [
        MapEdge(nodes[k].id, nodes[rng.randrange(0, k)].id, str(GG.sponsoredBy))
        for k in range(1, n)
    ]
    return MapModel("landscape", "Preview test", "", nodes, edges)


def _overlaps(boxes: list[dict[str, float]]) -> int:
    return sum(
        1
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["left"] < b["right"] + GAP
        and b["left"] < a["right"] + GAP
        and a["top"] < b["bottom"] + GAP
        and b["top"] < a["bottom"] + GAP
    )


@needs_chromium
def test_a_big_map_paints_a_labelled_preview_before_vis_then_gives_way(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text(render_html(_big_map()), "utf-8")
    with offline_page() as (page, log):
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(path.as_uri())
        end = time.monotonic() + 120
        while not page.evaluate("!!(window.govgraphMap && govgraphMap.drawn)"):
            assert time.monotonic() < end, "the map never drew"
            time.sleep(0.05)
        preview = page.evaluate("window.govgraphPreview")
        assert preview is not None and preview["paintedAt"] < page.evaluate("govgraphMap.drawnAt")
        labels = preview["labels"]
        assert len(labels) >= 10 and _overlaps(labels) == 0
        assert "Preview Body" in labels[0]["label"]
        # vis has taken over: the preview canvas and its note are gone
        assert page.evaluate("document.getElementById('map-preview')") is None
        assert page.evaluate("document.getElementById('map-preview-note')") is None
        assert page.evaluate("govgraphMap.network.body.nodeIndices.length") == 2400
        assert not log.page_errors and not log.console_errors and not log.blocked, log


@needs_chromium
def test_a_small_map_has_no_preview(tmp_path: Path) -> None:
    model = _big_map(300)
    path = tmp_path / "small.html"
    path.write_text(render_html(model), "utf-8")
    with offline_page() as (page, log):
        page.goto(path.as_uri())
        end = time.monotonic() + 60
        while not page.evaluate("!!(window.govgraphMap && govgraphMap.drawn)"):
            assert time.monotonic() < end
            time.sleep(0.05)
        assert page.evaluate("window.govgraphPreview === undefined")
        assert not log.page_errors, log
