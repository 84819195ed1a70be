"""A policy officer's walk through the site, by clicking only, in headless Chromium with
every off-machine request aborted: home, the header search, an entity page, its map and
back, a body in its chain, the bodies table filtered to integration joint boards, and its
CSV download. Then axe-core checks the pages people land on for serious accessibility
problems. Screenshots of each step go to tests/artefacts (docs/images holds copies)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.storage.store import Store
from tests.browser import needs_chromium, offline_page
from tests.live_server import serving

pytestmark = [pytest.mark.browser, needs_chromium]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def base(bundled_store_path: Path) -> Iterator[str]:
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    store: Store = OxigraphStore(bundled_store_path, read_only=True)
    with serving(create_app(store, settings=Settings())) as url:
        yield url


def _shot(page: Any, artefacts: Path, name: str) -> None:
    page.screenshot(path=str(artefacts / f"walk-{name}.png"))


def test_a_policy_officer_finds_a_board_its_lines_and_the_boards_like_it(
    base: str, artefacts: Path
) -> None:
    with offline_page(1400, 900) as (page, log):
        p: Any = page
        p.goto(base + "/")
        _shot(p, artefacts, "1-home")

        p.locator("#site-search").press_sequentially("Inverclyde", delay=40)
        suggestion = p.locator(
            "#site-search-suggestions a", has_text="Inverclyde Integration Joint Board"
        )
        suggestion.wait_for()
        _shot(p, artefacts, "2-search-suggestions")
        suggestion.click()
        p.wait_for_url("**/id/inverclyde-ijb")
        assert p.locator("h1").inner_text().startswith("Inverclyde Integration Joint Board")
        _shot(p, artefacts, "3-entity-page")

        p.get_by_role("link", name="See it on the accountability map").click()
        p.wait_for_url("**/maps/accountability?focus=inverclyde-ijb")
        p.locator("canvas").first.wait_for()
        p.wait_for_function("() => !!document.querySelector('canvas')?.width")
        _shot(p, artefacts, "4-accountability-map")

        p.go_back()
        p.wait_for_url("**/id/inverclyde-ijb")
        main = p.get_by_role("main")
        hscp = "Inverclyde Health and Social Care Partnership"
        main.get_by_role("link", name=hscp, exact=True).first.click()
        p.wait_for_url("**/id/inverclyde-hscp")
        assert "Inverclyde Integration Joint Board" in p.locator("main").inner_text()
        _shot(p, artefacts, "5-body-in-the-chain")

        p.get_by_role("navigation", name="Main").get_by_role("link", name="Bodies").click()
        p.wait_for_url("**/organisations")
        p.locator(".gg-facet a", has_text="integration joint board").first.click()
        p.wait_for_url("**/organisations?*IntegrationJointBoard*")
        table = p.locator("main table tbody tr")
        rows = table.count()
        assert rows >= 30, rows
        _shot(p, artefacts, "6-bodies-filtered")

        with p.expect_download() as download:
            p.get_by_role("link", name="CSV").first.click()
        saved = download.value.path()
        got = list(csv.reader(io.StringIO(Path(saved).read_text("utf-8"))))
    assert len(got) - 1 == rows, (len(got), rows)
    assert any("Inverclyde Integration Joint Board" in row for row in got)
    assert not log.blocked, log.blocked
    assert not log.page_errors and not log.console_errors, (log.page_errors, log.console_errors)


AUDITED = {
    "home": "/",
    "search": "/search?q=Inverclyde",
    "bodies": "/organisations",
    "entity": "/id/inverclyde-ijb",
    "report": "/reports/overlaps",
    "sparql": "/sparql",
    "ontology": "/ontology",
}


@pytest.mark.parametrize("name", AUDITED)
def test_axe_finds_no_serious_accessibility_violation(base: str, name: str) -> None:
    with offline_page(1400, 900) as (page, log):
        p: Any = page
        p.goto(base + AUDITED[name])
        p.evaluate(AXE.read_text("utf-8"))
        result = p.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad
    assert not log.blocked, log.blocked
