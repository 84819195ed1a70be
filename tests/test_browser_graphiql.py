"""GraphiQL in a real headless browser: it draws, runs a query, and asks nothing off-machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from govgraph.api.app import create_app
from govgraph.graph.storage.store import Store
from tests.browser import needs_chromium, offline_page
from tests.live_server import serving

pytestmark = [pytest.mark.browser, needs_chromium]


def test_graphiql_renders_and_answers_with_no_off_machine_request(
    landscape: Store, artefacts: Path
) -> None:
    with serving(create_app(landscape)) as base, offline_page() as (page, log):
        page.goto(f"{base}/graphql")  # type: ignore[attr-defined]
        page.wait_for_selector(".graphiql-container", timeout=20_000)  # type: ignore[attr-defined]
        page.click(".graphiql-execute-button")  # type: ignore[attr-defined]
        page.wait_for_function(  # type: ignore[attr-defined]
            "() => document.querySelector('.result-window')?.innerText.includes('totalCount')",
            timeout=20_000,
        )
        page.screenshot(path=str(artefacts / "graphiql.png"))  # type: ignore[attr-defined]
        result = page.inner_text(".result-window")  # type: ignore[attr-defined]
    assert '"totalCount"' in result
    assert log.blocked == []
    assert log.page_errors == []
