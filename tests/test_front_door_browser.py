"""The front door as a person sees it, in headless Chromium with every off-machine request
aborted: pages render in the design system's layout, nothing leaves the machine, no script
errors, and the longest entity page stays short enough to read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.storage.store import Store
from tests.browser import needs_chromium, offline_page
from tests.live_server import serving

pytestmark = [pytest.mark.browser, needs_chromium]

SHOTS = {
    "home": "/",
    "organisations": "/organisations",
    "organisations-ijb": "/organisations?type=IntegrationJointBoard",
    "care-inspectorate": "/id/care-inspectorate",
    "inverclyde-ijb": "/id/inverclyde-ijb",
    "maps": "/maps",
    "not-found": "/id/no-such-body",
}


@pytest.fixture(scope="module")
def base(bundled_store_path: Path) -> Iterator[str]:
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    store: Store = OxigraphStore(bundled_store_path, read_only=True)
    with serving(create_app(store, settings=Settings())) as url:
        yield url


def test_pages_render_offline_in_the_layout(base: str, artefacts: Path) -> None:
    failed: list[str] = []
    with offline_page(1400, 900) as (page, log):
        page.on(  # type: ignore[attr-defined]
            "response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}")
        )
        heights = {}
        for name, path in SHOTS.items():
            page.goto(base + path)  # type: ignore[attr-defined]
            heights[name] = page.evaluate("document.documentElement.scrollHeight")  # type: ignore[attr-defined]
            # the design system's stylesheet really applied (its header content is a grid)
            display = page.evaluate(  # type: ignore[attr-defined]
                "getComputedStyle(document.querySelector('.ds_site-header__content')).display"
            )
            assert display == "grid", name
            page.screenshot(path=str(artefacts / f"front-{name}.png"))  # type: ignore[attr-defined]
        text = page.goto(base + "/id/care-inspectorate") and page.inner_text("main")  # type: ignore[attr-defined]
    assert heights["care-inspectorate"] < 5000, heights
    assert "Care Inspectorate regulates 539" in text
    assert not log.blocked and not log.page_errors, (log.blocked, log.page_errors)
    # the only failed load is the 404 page asked for on purpose
    assert failed == [f"404 {base}/id/no-such-body"], failed
    assert len(log.console_errors) == 1, log.console_errors
