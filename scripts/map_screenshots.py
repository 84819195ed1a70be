"""Screenshots of the maps for the docs (docs/images), as a new user first sees them.

Each map is built from a store (default: the bundled data, loaded into a temporary store),
opened from disk in headless Chromium at 1400x900 with the network blocked, and captured
once its labels are placed. The README's hero image is ``map-landscape.png``.

    python scripts/map_screenshots.py [--store oxigraph:PATH] [--out docs/images]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHOTS = [
    # (file, kind, focus, depth, opened clusters)
    ("map-landscape.png", "landscape", None, 2, False),
    ("map-policy.png", "policy", None, 2, False),
    ("map-ego-inverclyde.png", "ego", "Inverclyde IJB", 2, False),
    ("map-ego-care-inspectorate.png", "ego", "Care Inspectorate", 1, False),
    ("map-ego-care-inspectorate-open.png", "ego", "Care Inspectorate", 1, True),
    ("map-overlap.png", "overlap", None, 2, False),
    ("map-diff.png", "diff", ("2020", "2024"), 0, False),
]
"""The difference map (``/maps/diff?from=2020&to=2024``) is built from its two dates."""
SETTLED = (
    "!!(window.govgraphMap && govgraphMap.drawn && govgraphMap.stable && govgraphMap.labelsSettled)"
)


def _wait(page: object, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not page.evaluate(SETTLED):  # type: ignore[attr-defined]
        if time.monotonic() > end:
            raise SystemExit("the map did not settle")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="store URL (default: the bundled data, loaded now)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    args = parser.parse_args()

    from govgraph.graph.storage.store import open_store
    from govgraph.visualisations.maps import build_map, render_html

    sys.path.insert(0, str(ROOT / "tests"))
    from browser import offline_page  # type: ignore[import-not-found]

    tmp = Path(tempfile.mkdtemp(prefix="govgraph-shots-"))
    url = args.store
    if url is None:
        from govgraph.loaders.bundled import bundled_loaders
        from govgraph.loaders.pipeline import load_sources

        url = f"oxigraph:{tmp / 'store'}"
        with open_store(url) as st:
            load_sources(st, bundled_loaders(), validate=False, progress=False)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with open_store(url) as st, offline_page(1400, 900) as (page, log):
        for name, kind, focus, depth, opened in SHOTS:
            html = tmp / f"{name}.html"
            if kind == "diff":
                from govgraph.api.artefacts import diff_with_map

                model = diff_with_map(st, *focus)[1]  # type: ignore[misc]
            else:
                model = build_map(st, kind, focus=focus, depth=depth)  # type: ignore[arg-type]
            html.write_text(render_html(model), "utf-8")
            page.goto(html.as_uri())  # type: ignore[attr-defined]
            _wait(page)
            if opened:
                page.evaluate("govgraphMap.openCluster(0)")  # type: ignore[attr-defined]
                page.wait_for_timeout(300)  # type: ignore[attr-defined]
                _wait(page)
            page.wait_for_timeout(200)  # type: ignore[attr-defined]
            page.screenshot(path=str(out / name))  # type: ignore[attr-defined]
            print(f"wrote {out / name}")
    if log.blocked or log.page_errors:
        raise SystemExit(f"offline check failed: {log.blocked} {log.page_errors}")


if __name__ == "__main__":
    main()
