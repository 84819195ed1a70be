"""Every map kind opened from disk in headless Chromium with the network blocked: it draws,
logs no errors, finds a named node by search and focuses it; hostile names stay text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import Graph

from govgraph.graph.reasoning import materialise
from govgraph.graph.store import Store
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


def open_map(page: object, path: Path) -> None:
    page.goto(path.as_uri())  # type: ignore[attr-defined]
    wait_for(page, "!!(window.govgraphMap && govgraphMap.drawn && govgraphMap.stable)")
    page.wait_for_timeout(200)  # type: ignore[attr-defined]


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
            page.wait_for_timeout(300)  # type: ignore[attr-defined]
            details = page.text_content("#details") or ""  # type: ignore[attr-defined]
            assert "<img src=x onerror=alert(1)>" in details, kind
            position = page.evaluate(  # type: ignore[attr-defined]
                "(() => { const m = govgraphMap; const p = m.network.canvasToDOM("
                "m.network.getPositions([m.focused])[m.focused]);"
                "const r = document.getElementById('map').getBoundingClientRect();"
                "return {x: r.left + p.x, y: r.top + p.y}; })()"
            )
            page.mouse.move(position["x"], position["y"])  # type: ignore[attr-defined]
            page.wait_for_timeout(300)  # type: ignore[attr-defined]
            assert "<img src=x onerror=alert(1)>" in (page.text_content("#tooltip") or ""), kind
            injected = page.evaluate(  # type: ignore[attr-defined]
                '[document.querySelectorAll(\'img, svg, iframe, b, a[href^="javascript"],'
                " [onerror], [onload], [onmouseover], [onclick]').length,"
                " document.querySelectorAll('script').length]"
            )
            assert injected == [0, 3], kind
            links = page.evaluate(  # type: ignore[attr-defined]
                "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
            )
            assert all(h.startswith("/id/") for h in links), links
            if kind == "ego":
                page.screenshot(path=str(artefacts / "map-hostile-ego.png"))  # type: ignore[attr-defined]
    assert log.dialogs == []
    assert log.page_errors == [] and log.console_errors == [] and log.blocked == []
