"""Every map kind opened from disk in headless Chromium with the network blocked: it draws,
logs no errors, finds a named node by search and focuses it; hostile names stay text."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from govgraph.graph.checks.reasoning import materialise
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GRAPH
from govgraph.visualisations import layout
from govgraph.visualisations.maps import build_map, render_html
from tests.browser import needs_chromium, offline_page

pytestmark = [pytest.mark.browser, needs_chromium]

FIXTURES = Path(__file__).parent / "fixtures"
# kind -> (focus, depth, a name to search for) on the bundled data
BUNDLED = {
    "landscape": (None, 2, "Care Inspectorate"),
    "accountability": ("scottish-government", 2, "Scottish Government"),
    "ego": ("care-inspectorate", 1, "Care Inspectorate"),
    "policy": (None, 2, "Education Scotland"),
    "actions": (None, 2, "Care Inspectorate"),
}
HOSTILE_FOCUS = {"accountability": "hostile-body", "ego": "hostile-body"}

_DRAWN_PIXELS = """() => {
  const c = document.querySelector('#map canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 16) if (d[i] > 0) n++;
  return n;
}"""


_CENTRED = """(() => {
  const m = govgraphMap, i = m.focused;
  const p = m.network.canvasToDOM(m.network.getPositions([i])[i]);
  const r = document.getElementById('map').getBoundingClientRect();
  return Math.hypot(p.x - r.width / 2, p.y - r.height / 2) < 30;
})()"""


@pytest.fixture(autouse=True)
def layout_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(layout.CACHE_ENV, str(tmp_path / "cache"))


def wait_for(page: object, expression: str, timeout: float = 20.0) -> None:
    """Poll with evaluate(): the map's CSP forbids the eval that wait_for_function uses."""
    end = time.monotonic() + timeout
    while not page.evaluate(expression):  # type: ignore[attr-defined]
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.03)


def wait_until(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Poll a check made from Python (a text read from the page, say) until it holds."""
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.03)


_AT_REST = """() => new Promise(done => {
  const m = govgraphMap, i = m.focused;
  const at = () => m.network.canvasToDOM(m.network.getPositions([i])[i]);
  const a = at();
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const b = at(), r = document.getElementById('map').getBoundingClientRect();
    done(Math.hypot(a.x - b.x, a.y - b.y) < 0.5 &&
         Math.hypot(b.x - r.width / 2, b.y - r.height / 2) < 30);
  }));
})"""
"""The focused node is centred and stayed put over two frames: the view's animation to it
has ended, so the pointer can be put on it."""


def open_map(page: object, path: Path) -> None:
    page.goto(path.as_uri())  # type: ignore[attr-defined]
    wait_settled(page)


@pytest.mark.parametrize("kind", sorted(BUNDLED))
def test_bundled_map_draws_offline_and_search_focuses_a_node(
    bundled: Store, kind: str, tmp_path: Path, artefacts: Path
) -> None:
    focus, depth, name = BUNDLED[kind]
    path = tmp_path / f"{kind}.html"
    path.write_text(render_html(build_map(bundled, kind, focus=focus, depth=depth)), "utf-8")
    with offline_page() as (page, log):
        open_map(page, path)
        assert page.evaluate(_DRAWN_PIXELS) > 500  # type: ignore[attr-defined]
        assert page.is_visible("aside.legend li")  # type: ignore[attr-defined]
        page.fill("#map-search", name)  # type: ignore[attr-defined]
        assert page.is_visible("#map-results li")  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]
        assert name in page.evaluate("govgraphMap.selectedLabels()")  # type: ignore[attr-defined]
        wait_for(page, _CENTRED, timeout=5)  # the view animates to the found node
        assert name in page.text_content("#details")  # type: ignore[attr-defined]
        page.screenshot(path=str(artefacts / f"map-{kind}.png"))  # type: ignore[attr-defined]
    assert log.console_errors == [] and log.page_errors == []
    assert log.blocked == [] and log.dialogs == []


@pytest.fixture
def hostile(landscape: Store) -> Store:
    landscape.replace_graph(GRAPH["hostile"], Graph().parse(FIXTURES / "maps_hostile.ttl"))
    materialise(landscape)
    return landscape


def test_hostile_names_never_execute_in_any_map_kind(
    hostile: Store, tmp_path: Path, artefacts: Path
) -> None:
    with offline_page() as (page, log):
        for kind in ("landscape", "accountability", "ego", "policy", "actions"):
            model = build_map(hostile, kind, focus=HOSTILE_FOCUS.get(kind), served=True)
            path = tmp_path / f"hostile-{kind}.html"
            path.write_text(render_html(model), "utf-8")
            open_map(page, path)
            page.fill("#map-search", "img src")  # type: ignore[attr-defined]
            page.keyboard.press("Enter")  # type: ignore[attr-defined]
            wait_until(lambda: "<img" in (page.text_content("#details") or ""), "the details")  # type: ignore[attr-defined]
            details = page.text_content("#details") or ""  # type: ignore[attr-defined]
            assert "<img src=x onerror=alert(1)>" in details, kind
            wait_for(page, _AT_REST, timeout=10)  # the view animates to the found node
            position = page.evaluate(  # type: ignore[attr-defined]
                "(() => { const m = govgraphMap; const p = m.network.canvasToDOM("
                "m.network.getPositions([m.focused])[m.focused]);"
                "const r = document.getElementById('map').getBoundingClientRect();"
                "return {x: r.left + p.x, y: r.top + p.y}; })()"
            )
            page.mouse.move(position["x"], position["y"])  # type: ignore[attr-defined]
            wait_until(lambda: "<img" in (page.text_content("#tooltip") or ""), "the tooltip")  # type: ignore[attr-defined]
            assert "<img src=x onerror=alert(1)>" in (page.text_content("#tooltip") or ""), kind
            injected = page.evaluate(  # type: ignore[attr-defined]
                '[document.querySelectorAll(\'img, svg, iframe, b, a[href^="javascript"],'
                " [onerror], [onload], [onmouseover], [onclick]').length,"
                " document.querySelectorAll('script').length]"
            )
            assert injected == [0, 4], kind  # data, preview, vis-network, map.js
            links = page.evaluate(  # type: ignore[attr-defined]
                "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
            )
            assert all(h.startswith("/id/") for h in links), links
            if kind == "ego":
                page.screenshot(path=str(artefacts / "map-hostile-ego.png"))  # type: ignore[attr-defined]
    assert log.dialogs == []
    assert log.page_errors == [] and log.console_errors == [] and log.blocked == []


# --- issue 16: legible at first sight, clusters, shareable, exportable --------------------
LEGIBLE = {
    "landscape": (None, 2),
    "policy": (None, 2),
    "ego": ("inverclyde-ijb", 2),
    "overlap": (None, 2),
}
_OVERLAPS = """(() => {
  const b = govgraphMap.labelBoxes();
  const out = [];
  for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) {
    const p = b[i], q = b[j];
    if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom)
      out.push([p.label, q.label]);
  }
  return {labels: b.length, overlaps: out};
})()"""
_SETTLED = (
    "!!(window.govgraphMap && govgraphMap.drawn && govgraphMap.stable && govgraphMap.labelsSettled)"
)


_SETTLED_FOR_TWO_FRAMES = (
    "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done("
    + _SETTLED
    + "))))"
)


def wait_settled(page: object, timeout: float = 40.0) -> None:
    """Settled, and still settled two frames later (a redraw it had asked for has run)."""
    wait_for(page, _SETTLED, timeout=timeout)
    wait_for(page, _SETTLED_FOR_TWO_FRAMES, timeout=timeout)


def open_settled(page: object, url: str) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    wait_settled(page)


_CUT_OFF = """(() => {
  const el = document.getElementById('map');
  return govgraphMap.labelBoxes().filter(b =>
    b.left < -1 || b.top < -1 || b.right > el.clientWidth + 1 || b.bottom > el.clientHeight + 1
  ).map(b => b.label);
})()"""
"""Labels the first frame draws partly outside the canvas, where nobody can read them."""


@pytest.mark.parametrize("kind", sorted(LEGIBLE))
def test_first_frame_labels_never_overlap(
    bundled: Store, kind: str, tmp_path: Path, artefacts: Path
) -> None:
    focus, depth = LEGIBLE[kind]
    path = tmp_path / f"{kind}.html"
    path.write_text(render_html(build_map(bundled, kind, focus=focus, depth=depth)), "utf-8")
    with offline_page(1400, 900) as (page, log):
        open_settled(page, path.as_uri())
        found = page.evaluate(_OVERLAPS)  # type: ignore[attr-defined]
        cut = page.evaluate(_CUT_OFF)  # type: ignore[attr-defined]
        page.screenshot(path=str(artefacts / f"map-legible-{kind}.png"))  # type: ignore[attr-defined]
    assert found["labels"] >= 4, found
    assert found["overlaps"] == []
    assert cut == [], f"labels cut off at the canvas edge: {cut}"
    assert log.console_errors == [] and log.page_errors == [] and log.blocked == []


def _click_node(page: object, node_id: object, then: str) -> None:
    """Click a node, then wait until the page's expression ``then`` holds."""
    at = page.evaluate(  # type: ignore[attr-defined]
        "(id) => { const n = govgraphMap.network;"
        " const p = n.canvasToDOM(n.getPositions([id])[id]);"
        " const r = document.getElementById('map').getBoundingClientRect();"
        " return {x: r.left + p.x, y: r.top + p.y}; }",
        node_id,
    )
    page.mouse.click(at["x"], at["y"])  # type: ignore[attr-defined]
    wait_for(page, then, timeout=10)


def test_a_hubs_cluster_opens_on_click_and_closes_again(bundled: Store, tmp_path: Path) -> None:
    path = tmp_path / "ego.html"
    model = build_map(bundled, "ego", focus="care-inspectorate", depth=1)
    path.write_text(render_html(model), "utf-8")
    drawn = "govgraphMap.network.body.nodeIndices.length"
    with offline_page(1400, 900) as (page, log):
        open_settled(page, path.as_uri())
        first = page.evaluate(drawn)  # type: ignore[attr-defined]
        assert first <= 150
        cluster = page.evaluate("govgraphMap.clusters[0].id")  # type: ignore[attr-defined]
        _click_node(page, cluster, then="govgraphMap.clusterOpen[0]")
        opened = page.evaluate(drawn)  # type: ignore[attr-defined]
        assert opened > first + 500
        assert page.evaluate("govgraphMap.clusterOpen[0]")  # type: ignore[attr-defined]
        _click_node(page, "close-" + cluster, then="!govgraphMap.clusterOpen[0]")
        assert page.evaluate(drawn) == first  # type: ignore[attr-defined]
        assert not page.evaluate("govgraphMap.clusterOpen[0]")  # type: ignore[attr-defined]
    assert log.console_errors == [] and log.page_errors == []


def test_downloads_give_a_png_and_an_svg_with_text_labels(bundled: Store, tmp_path: Path) -> None:
    path = tmp_path / "landscape.html"
    path.write_text(render_html(build_map(bundled, "landscape")), "utf-8")
    with offline_page(1400, 900) as (page, log):
        open_settled(page, path.as_uri())
        shown = page.evaluate(  # type: ignore[attr-defined]
            "govgraphMap.labelBoxes().map(function (b) { return b.label; })"
        )
        with page.expect_download() as png:  # type: ignore[attr-defined]
            page.click("#download-png")  # type: ignore[attr-defined]
        with page.expect_download() as svg:  # type: ignore[attr-defined]
            page.click("#download-svg")  # type: ignore[attr-defined]
        png_path, svg_path = tmp_path / "map.png", tmp_path / "map.svg"
        png.value.save_as(png_path)
        svg.value.save_as(svg_path)
    data = png_path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000
    text = svg_path.read_text("utf-8")
    labels = re.findall(r">([^<>]+)</text>", text)
    # what the map shows is what the slide gets: each label drawn, as real text
    assert text.startswith("<svg") and sorted(labels) == sorted(shown), (labels, shown)
    assert "Care Inspectorate" in labels and len(labels) >= 10, labels
    assert log.console_errors == [] and log.page_errors == [] and log.blocked == []


@pytest.fixture
def served(bundled: Store) -> Iterator[str]:
    """The app on a free loopback port, in a thread."""
    from govgraph.api.app import create_app
    from tests.live_server import serving

    with serving(create_app(bundled)) as url:
        yield url


def test_a_copied_map_url_restores_focus_filters_search_and_date(served: str) -> None:
    with offline_page(1400, 900) as (page, log):
        open_settled(page, f"{served}/maps/ego?focus=Inverclyde%20IJB&depth=2&asOf=2022")
        assert "as of 2022" in page.text_content("#map-date")  # type: ignore[attr-defined]
        assert page.text_content("#map-year-value") == "2022"  # type: ignore[attr-defined]
        first_group = 'input[data-filter="group"][data-key="0"]'
        page.uncheck(first_group)  # type: ignore[attr-defined]
        page.fill("#map-search", "Inverclyde Council")  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]
        wait_for(page, "location.hash.includes('sel=')", timeout=10)
        url = page.url  # type: ignore[attr-defined]
        assert "#" in url and "sel=inverclyde-council" in url and "hide=" in url
        page.goto("about:blank")  # type: ignore[attr-defined]
        open_settled(page, url)
        assert not page.is_checked(first_group)  # type: ignore[attr-defined]
        assert page.evaluate("govgraphMap.selectedLabels()") == ["Inverclyde Council"]  # type: ignore[attr-defined]
        assert page.input_value("#map-search") == "Inverclyde Council"  # type: ignore[attr-defined]
        assert "as of 2022" in page.text_content("#map-date")  # type: ignore[attr-defined]
        # the date slider redraws the map for another year, keeping the rest of the view
        years = page.evaluate("govgraphMap.data.years")  # type: ignore[attr-defined]
        with page.expect_navigation():  # type: ignore[attr-defined]
            page.evaluate(  # type: ignore[attr-defined]
                "(i) => { const s = document.getElementById('map-year'); s.value = String(i);"
                " s.dispatchEvent(new Event('change')); }",
                years.index(2019),
            )
        wait_for(page, _SETTLED, timeout=40)
        assert "asOf=2019" in page.url and "sel=inverclyde-council" in page.url  # type: ignore[attr-defined]
        assert "as of 2019" in page.text_content("#map-date")  # type: ignore[attr-defined]
    assert log.console_errors == [] and log.page_errors == [] and log.blocked == []


def test_a_served_maps_find_box_uses_the_sites_search(served: str) -> None:
    """Words in another order find nothing in the map's own names; the site's search (the
    same index as the header box and GraphQL) finds the body, and the map focuses it."""
    with offline_page(1400, 900) as (page, log):
        p: Any = page
        open_settled(p, f"{served}/maps/landscape")
        with p.expect_response(lambda r: "/search?format=json" in r.url):
            p.locator("#map-search").press_sequentially("kinross perth", delay=20)
        wait_for(p, "document.querySelectorAll('#map-results li[role=option]').length > 0")
        first = p.locator("#map-results li[role=option]").first.inner_text()
        assert first.startswith("Perth and Kinross"), first
        p.keyboard.press("Enter")
        wait_for(p, "govgraphMap.selectedLabels().length === 1")
        assert p.evaluate("govgraphMap.selectedLabels()")[0].startswith("Perth and Kinross")
    assert log.console_errors == [] and log.page_errors == [] and log.blocked == []
