"""Hostile names on served pages, in headless Chromium under the server's own headers: they
render as text, no script of theirs runs (no dialog opens) and the page logs no errors."""

from __future__ import annotations

import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from tests.browser import needs_chromium, offline_page
from tests.live_server import hostile_landscape, serving

pytestmark = [pytest.mark.browser, needs_chromium]

NAME = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
INJECTED = "document.querySelectorAll('img[src=x], [onerror]').length"
MAP_DATA = "JSON.stringify(JSON.parse(document.getElementById('govgraph-map-data').textContent))"


def test_hostile_names_render_as_text_and_run_nothing_on_served_pages() -> None:
    app = create_app(hostile_landscape(), settings=Settings())
    with serving(app) as base, offline_page() as (page, log):
        for slug, name, other in (
            ("script-body", NAME, ATTRIBUTE),
            ("attribute-body", ATTRIBUTE, NAME),
        ):
            page.goto(f"{base}/id/{slug}")  # type: ignore[attr-defined]
            assert page.inner_text("h1") == name  # type: ignore[attr-defined]
            assert other in page.inner_text("table")  # type: ignore[attr-defined]
            assert page.evaluate(INJECTED) == 0  # type: ignore[attr-defined]
        for path in ("/maps/ego?focus=script-body", "/maps/policy"):
            page.goto(f"{base}{path}")  # type: ignore[attr-defined]
            # drawn and settled: any handler a name could inject has had its chance to run
            page.wait_for_function(  # type: ignore[attr-defined]
                "!!(window.govgraphMap && govgraphMap.drawn && govgraphMap.stable)"
            )
            assert NAME in page.evaluate(MAP_DATA), path  # type: ignore[attr-defined]
            assert page.evaluate(INJECTED) == 0, path  # type: ignore[attr-defined]
        page.goto(f"{base}/reports/overlaps?format=html")  # type: ignore[attr-defined]
        page.wait_for_load_state("load")  # type: ignore[attr-defined]
        assert page.evaluate(INJECTED) == 0  # type: ignore[attr-defined]
    assert log.dialogs == [], log.dialogs
    assert log.page_errors == [] and log.blocked == [], (log.page_errors, log.blocked)
