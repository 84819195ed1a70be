"""Issue #18 acceptance in headless Chromium, by clicking only, every off-machine request
aborted: open the overlap report, filter it to recommendations, open the first one's
comparison, then its scenario impact, then follow a body to its entity page; and the
reporting-responsibilities view. Screenshots go to tests/artefacts (docs/images holds copies)."""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def base(bundled_store_path: Path) -> Iterator[str]:
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    store: Store = OxigraphStore(bundled_store_path, read_only=True)
    with serving(create_app(store, settings=Settings())) as url:
        yield url


def _shot(page: Any, artefacts: Path, name: str, *, full: bool = False) -> None:
    path = artefacts / f"advisor-{name}.png"
    page.screenshot(path=str(path), full_page=full)  # docs/images holds copies


def test_the_advisor_acts_on_the_first_recommendation(base: str, artefacts: Path) -> None:
    with offline_page(1400, 900) as (page, log):
        p: Any = page
        p.goto(base + "/reports/overlaps")
        assert "The landscape as loaded" in p.locator("#covers").inner_text()

        p.locator("form.filters select[name=kind]").select_option("rationalisation")
        p.locator("form.filters button[type=submit]").click()
        p.wait_for_url("**/reports/overlaps?kind=rationalisation*")
        first = p.locator("#kind-rationalisation + table tbody tr").first
        assert "Inverclyde" in first.inner_text()
        first.scroll_into_view_if_needed()
        _shot(p, artefacts, "1-recommendations")

        first.locator("a.compare").click()
        p.wait_for_url("**/compare?**")
        assert p.locator("h1").inner_text().startswith("Compare")
        assert p.locator("td li.gg-shared").count() > 0
        _shot(p, artefacts, "2-compare", full=True)

        p.go_back()
        p.wait_for_url("**/reports/overlaps?kind=rationalisation*")
        first = p.locator("#kind-rationalisation + table tbody tr").first
        first.locator("a.impact").click()
        p.wait_for_url("**/reports/recommendations/**")
        assert "Inverclyde" in p.locator("h1").inner_text()
        _shot(p, artefacts, "3-impact")

        p.go_back()
        p.wait_for_url("**/reports/overlaps?kind=rationalisation*")
        body = p.locator("#kind-rationalisation + table tbody tr").first.locator("a.subject")
        name = body.first.inner_text()
        body.first.click()
        p.wait_for_url("**/id/**")
        assert name.split()[0] in p.locator("h1").inner_text()
        _shot(p, artefacts, "4-entity")

        assert not log.console_errors, log.console_errors
        assert not log.page_errors, log.page_errors
        assert not log.blocked, log.blocked


def test_the_reporting_view_answers_to_whom_and_how_often(base: str, artefacts: Path) -> None:
    with offline_page(1400, 900) as (page, log):
        p: Any = page
        p.goto(base + "/reports/reporting-lines")
        p.locator("#reporting-body").fill("promise-oversight-board")
        p.get_by_role("button", name="Show").click()
        p.wait_for_url("**body=promise-oversight-board*")
        row = p.locator("table.gg-reporting tbody tr", has_text="Scottish Parliament").first
        assert "at least annually" in row.inner_text()
        _shot(p, artefacts, "5-reporting-lines")
        assert not log.console_errors and not log.page_errors and not log.blocked
