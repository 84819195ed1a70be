"""Route maps as a policy officer meets them, in headless Chromium with every off-machine
request aborted: from the list to the example's page, as of another date, and on to its
dependency map; no script errors, labels legible, screenshots in tests/artefacts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from tests.browser import needs_chromium, offline_page
from tests.live_server import serving
from tests.route_support import EXAMPLE_ID, route_store
from tests.test_maps_browser import _OVERLAPS, open_settled

pytestmark = [pytest.mark.browser, needs_chromium]

IMAGES = Path(__file__).resolve().parent / "artefacts"
IMAGES.mkdir(exist_ok=True)
"""Where the screenshots go for people to look at (git-ignored; docs/images holds copies)."""

_SVG_LABELS = """(() => {
  const texts = [...document.querySelectorAll('.gg-route-svg text')];
  const boxes = texts.map(t => t.getBoundingClientRect());
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const p = boxes[i], q = boxes[j];
    const apart = p.right - 1 <= q.left || q.right - 1 <= p.left;
    if (!apart && p.top < q.bottom - 1 && q.top < p.bottom - 1)
      out.push([texts[i].textContent, texts[j].textContent]);
  }
  const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize));
  return {labels: texts.length, overlaps: out, smallest: Math.min(...sizes),
          arrows: document.querySelectorAll('.gg-route-svg path[marker-end]').length};
})()"""


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    store = route_store()
    with serving(create_app(store, settings=Settings())) as url:
        yield url
    store.close()


def test_a_route_map_page_read_and_changed_to_another_date(base: str) -> None:
    with offline_page(1400, 900) as (page, log):
        page.goto(base + "/route-maps")  # type: ignore[attr-defined]
        page.screenshot(path=str(IMAGES / "route-maps-list.png"))  # type: ignore[attr-defined]
        page.click("text=Example: Plan 21-24: Building Capacity")  # type: ignore[attr-defined]
        page.wait_for_selector("h1")  # type: ignore[attr-defined]
        assert page.inner_text("h1") == "Example: Plan 21-24: Building Capacity"  # type: ignore[attr-defined]
        assert page.is_visible("text=This is an example.")  # type: ignore[attr-defined]
        found = page.evaluate(_SVG_LABELS)  # type: ignore[attr-defined]
        page.screenshot(path=str(IMAGES / "route-map-page.png"))  # type: ignore[attr-defined]
        page.locator("#route").scroll_into_view_if_needed()  # type: ignore[attr-defined]
        page.screenshot(path=str(IMAGES / "route-map-timeline.png"))  # type: ignore[attr-defined]
        page.fill("#as-of", "2022-01-01")  # type: ignore[attr-defined]
        page.click("button:has-text('Show')")  # type: ignore[attr-defined]
        page.wait_for_url("**asOf=2022-01-01")  # type: ignore[attr-defined]
        main = page.inner_text("main")  # type: ignore[attr-defined]
        page.locator("#checks").scroll_into_view_if_needed()  # type: ignore[attr-defined]
        page.click("details.gg-check >> nth=0")  # type: ignore[attr-defined]
        page.screenshot(path=str(IMAGES / "route-map-checks.png"))  # type: ignore[attr-defined]
        page.click("text=Scottish Children's Reporter Administration >> nth=0")  # type: ignore[attr-defined]
        page.wait_for_url("**/id/scra")  # type: ignore[attr-defined]
    assert found["labels"] >= 20 and found["overlaps"] == [], found
    assert found["smallest"] >= 12 and found["arrows"] == 6, found
    assert "Status by 2022-01-01" in main and "Milestones past due with no recorded status" in main
    assert log.console_errors == [] and log.page_errors == [] and log.blocked == [], log


def test_the_dependency_map_draws_legibly_offline(base: str) -> None:
    url = f"{base}/maps/route-map?focus=route-map/{EXAMPLE_ID}"
    with offline_page(1400, 900) as (page, log):
        open_settled(page, url)
        found = page.evaluate(_OVERLAPS)  # type: ignore[attr-defined]
        page.screenshot(path=str(IMAGES / "map-route-map.png"))  # type: ignore[attr-defined]
    assert found["labels"] >= 10, found
    assert found["overlaps"] == [], found
    assert log.console_errors == [] and log.page_errors == [] and log.blocked == [], log
