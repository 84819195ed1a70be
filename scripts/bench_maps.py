"""Benchmark the landscape map at 500, 5,000, 10,000 and 20,000 nodes.

For each size it generates a synthetic landscape (a seeded generator below: organisations
of every map-coloured type in sponsorship trees, with cross-links), loads it into an
in-memory store with the ontology and inferences, and reports:

- layout: seconds to compute positions (cold cache);
- build: seconds for ``build_map`` cold, and again with the layout read from the disk cache;
- render and size: seconds for ``render_html`` and the file's size;
- first frame / idle: milliseconds from navigation until the map has drawn, and until the
  browser is next idle, in headless Chromium opened from disk with the network blocked;
- redraw: median milliseconds of a full redraw (all edges drawn);
- pan/zoom frame: median and 95th percentile frame interval while wheel-zooming and
  dragging with the mouse; search: median milliseconds of a search + focus + redraw.

Usage: ``.venv/bin/python scripts/bench_maps.py [--sizes 500,5000] [--out bench/out]``.
Goals (issue 6): a 10,000-node map draws its first frame within 2 s and stays responsive;
its layout takes under 10 s and a second build is instant.

``--clusters`` (issue 16; ``make bench-maps``) measures, in one run, request to first frame
(build, render, open, labels placed) of the 10,000-node landscape and of a hub's ego map
(a regulator of 2,000 care services), each clustered and unclustered, and prints the
clustered time as a ratio of the unclustered one, so the comparison holds whatever the
machine's load. Goals: the 10,000-node map's first frame within 1 s, the hub's clustered
ego map within 0.5 s. Both pages are kept per data version, so a repeated request is a
lookup: "built ms" is the same request with no page kept (built from the laid-out map).
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govgraph.graph.checks.ontology_graph import load_ontology  # noqa: E402
from govgraph.graph.checks.reasoning import materialise  # noqa: E402
from govgraph.graph.storage.store import Store, open_store  # noqa: E402
from govgraph.ontology import model as ontology  # noqa: E402
from govgraph.ontology.terms import GG, GRAPH, ID  # noqa: E402
from govgraph.visualisations import layout  # noqa: E402
from govgraph.visualisations.maps import build_map, render_html, render_map  # noqa: E402

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def synthetic_ntriples(n: int, seed: int = 1) -> bytes:
    """A landscape of ``n`` organisations: ~n/40 sponsorship trees under government-like
    roots, plus partnerships, funding and membership cross-links (about 1.4 edges a node)."""
    rng = random.Random(seed)
    types = [str(c.iri) for c in ontology.organisation_classes() if c.colour]
    groups = [
        str(c.iri)
        for c in ontology.classes()
        if c.colour and str(GG.Group) in map(str, ontology.model().ancestors(c.iri))
    ]
    lines: list[str] = []
    roots = max(1, n // 400)
    for k in range(n):
        iri = f"<{ID}synthetic/body-{k}>"
        kind = str(GG.Government) if k < roots else rng.choice(types + groups)
        lines.append(f"{iri} <{RDF_TYPE}> <{kind}> .")
        lines.append(f'{iri} <{SKOS}prefLabel> "Synthetic Body {k}" .')
        if k % 7 == 0:
            lines.append(f'{iri} <{SKOS}altLabel> "SB{k}" .')
        if k >= roots:
            parent = rng.randrange(0, k) if rng.random() < 0.7 else rng.randrange(0, min(k, 40))
            lines.append(f"{iri} <{GG.sponsoredBy}> <{ID}synthetic/body-{parent}> .")
        if k > 10 and rng.random() < 0.25:
            other = rng.randrange(0, k)
            lines.append(f"{iri} <{GG.partnerOf}> <{ID}synthetic/body-{other}> .")
        if k > 10 and rng.random() < 0.15:
            other = rng.randrange(0, k)
            lines.append(f"{iri} <{GG.fundedBy}> <{ID}synthetic/body-{other}> .")
    return ("\n".join(lines) + "\n").encode()


def hub_ntriples(services: int) -> bytes:
    """A regulator (body-1) of ``services`` care services, each provided by one of 50
    providers: the long tail a hub's ego map clusters."""
    lines = []
    for k in range(services):
        iri = f"<{ID}synthetic/service-{k}>"
        lines.append(f"{iri} <{RDF_TYPE}> <{GG.CareService}> .")
        lines.append(f'{iri} <{SKOS}prefLabel> "Synthetic Service {k}" .')
        lines.append(f"{iri} <{GG.regulatedBy}> <{ID}synthetic/body-1> .")
        lines.append(f"{iri} <{GG.providedBy}> <{ID}synthetic/body-{100 + k % 50}> .")
    return ("\n".join(lines) + "\n").encode()


def load(n: int, services: int = 0) -> Store:
    store = open_store("memory:")
    store.replace_graph(GRAPH["synthetic"], synthetic_ntriples(n))
    if services:
        store.replace_graph(GRAPH["synthetic-services"], hub_ntriples(services))
    load_ontology(store)
    materialise(store)
    return store


def browser_timings(path: Path, query: str) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import offline_page  # type: ignore[import-not-found]

    with offline_page() as (page, log):
        page.goto(path.as_uri())
        while not page.evaluate("!!(window.govgraphMap && govgraphMap.drawn)"):
            time.sleep(0.01)
        first = page.evaluate("govgraphMap.drawnAt")
        idle = page.evaluate("new Promise(r => requestIdleCallback(() => r(performance.now())))")
        redraws = [
            page.evaluate(
                """() => new Promise(r => { const n = govgraphMap.network;
                const t = performance.now();
                n.once('afterDrawing', () => r(performance.now() - t)); n.redraw(); })"""
            )
            for _ in range(3)
        ]
        # Real interaction: wheel zooms and a drag, with a frame logger on requestAnimationFrame
        # (vis hides edges while zooming or dragging big maps, as a user would see it).
        page.evaluate(
            "window.__frames = [];"
            " (function f(t) { __frames.push(t); requestAnimationFrame(f); })()"
        )
        box = page.evaluate(
            "(() => { const r = document.getElementById('map').getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        page.mouse.move(*box)
        start = page.evaluate("performance.now()")
        for delta in (-240, -240, -240, 240, 240, 240):
            page.mouse.wheel(0, delta)
            page.wait_for_timeout(120)
        page.mouse.down()
        for step in range(12):
            page.mouse.move(box[0] + 20 * step, box[1] + 10 * step)
            page.wait_for_timeout(30)
        page.mouse.up()
        end = page.evaluate("performance.now()")
        stamps = [t for t in page.evaluate("__frames") if t is not None and start <= t <= end]
        gaps = sorted(b - a for a, b in itertools.pairwise(stamps)) or [0.0]
        searches = []
        for _ in range(3):
            searches.append(
                page.evaluate(
                    """(q) => new Promise(r => { const m = govgraphMap; const t = performance.now();
                    const hit = m.search(q)[0]; m.focusNode(hit.node, false);
                    m.network.once('afterDrawing', () => r(performance.now() - t)); })""",
                    query,
                )
            )
        assert not log.page_errors and not log.console_errors and not log.blocked, log
    return {
        "first": first,
        "idle": idle,
        "redraw": statistics.median(redraws),
        "frame": statistics.median(gaps),
        "frame95": gaps[int(len(gaps) * 0.95)],
        "search": statistics.median(searches),
    }


_SETTLED = "!!(window.govgraphMap && govgraphMap.drawn && govgraphMap.stable)"


def request_to_first_frame(
    store: Store, kind: str, focus: str | None, out: Path, page: object
) -> tuple[float, float, int, float]:
    """Milliseconds from the request (``render_map``, as ``/maps/{kind}`` calls it, after a
    first request has laid the map out and kept its page for the data version) to the
    first frame with its labels placed (a big map's preview, else vis's own), and to the
    interactive map (vis drawn, labels placed); the nodes vis draws; and the milliseconds
    of the same request with no page kept (built afresh from a laid-out map)."""
    from govgraph.visualisations import maps

    render_map(store, kind, focus=focus, depth=1, scope="all")  # the version's first request
    maps._PAGES.clear()
    t = time.perf_counter()
    render_map(store, kind, focus=focus, depth=1, scope="all")
    built = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    html = render_map(store, kind, focus=focus, depth=1, scope="all")
    server = (time.perf_counter() - t) * 1000
    path = out / f"{kind}-{'hub' if focus else 'all'}.html"
    path.write_text(html, "utf-8")
    page.goto(path.as_uri())  # type: ignore[attr-defined]
    end = time.monotonic() + 120
    while not page.evaluate(_SETTLED):  # type: ignore[attr-defined]
        if time.monotonic() > end:
            state = page.evaluate(  # type: ignore[attr-defined]
                "[govgraphMap.drawn, govgraphMap.stable, govgraphMap.labelsSettled]"
            )
            raise SystemExit(f"{path.name} did not settle: drawn, stable, labels = {state}")
        time.sleep(0.01)
    drawn, preview = page.evaluate(  # type: ignore[attr-defined]
        "[govgraphMap.drawnAt, window.govgraphPreview ? govgraphPreview.paintedAt : null]"
    )
    nodes = page.evaluate("govgraphMap.network.body.nodeIndices.length")  # type: ignore[attr-defined]
    return server + min(drawn, preview or drawn), server + drawn, nodes, built


def cluster_bench(out: Path) -> None:
    """Clustered against unclustered, in the same run (see the module docstring)."""
    import os

    from govgraph.visualisations import clusters, maps

    sys.path.insert(0, str(ROOT / "tests"))
    from browser import offline_page  # type: ignore[import-not-found]

    t = time.perf_counter()
    store = load(10_000, services=2_000)
    print(f"loaded in {time.perf_counter() - t:.1f} s", flush=True)
    default = clusters.CLUSTER_MIN
    print(
        f"{'map':<28} {'clustered: first frame ms':>25} {'interactive ms':>14} {'nodes':>6} "
        f"{'unclustered: first frame ms':>27} {'interactive ms':>14} {'nodes':>6} "
        f"{'ratio':>6} {'clustered: built ms':>19} {'unclustered: built ms':>21}"
    )
    with tempfile.TemporaryDirectory() as cache, offline_page() as (page, log):
        page.set_viewport_size({"width": 1400, "height": 900})
        os.environ[layout.CACHE_ENV] = cache
        for label, kind, focus in (
            ("landscape, 10,000 bodies", "landscape", None),
            ("hub ego map, 2,000 services", "ego", "synthetic/body-1"),
        ):
            times = {}
            for mode, minimum in (("clustered", default), ("unclustered", 10**9)):
                clusters.CLUSTER_MIN = minimum
                layout.clear_memory_cache()
                maps._PAGES.clear()
                runs = [request_to_first_frame(store, kind, focus, out, page) for _ in range(3)]
                times[mode] = (
                    statistics.median(r[0] for r in runs),
                    statistics.median(r[1] for r in runs),
                    runs[0][2],
                    statistics.median(r[3] for r in runs),
                )
            clusters.CLUSTER_MIN = default
            (c, ci, cn, cb), (u, ui, un, ub) = times["clustered"], times["unclustered"]
            print(
                f"{label:<28} {c:>25.0f} {ci:>14.0f} {cn:>6,} {u:>27.0f} {ui:>14.0f} {un:>6,} "
                f"{c / u:>6.2f} {cb:>19.0f} {ub:>21.0f}",
                flush=True,
            )
        assert not log.page_errors and not log.blocked, log
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000,10000,20000")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--clusters", action="store_true", help="clustered against unclustered (issue 16)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.clusters:
        cluster_bench(args.out)
        return
    header = (
        f"{'nodes':>7} {'edges':>7} {'layout s':>9} {'build s':>8} {'rebuild s':>9} "
        f"{'render s':>8} {'size MB':>8} {'1st frame ms':>12} {'idle ms':>8} "
        f"{'redraw ms':>9} {'pan/zoom frame ms p50/p95':>25} {'search ms':>9}"
    )
    print(header)
    for n in (int(s) for s in args.sizes.split(",")):
        store = load(n)
        with tempfile.TemporaryDirectory() as cache:
            import os

            os.environ[layout.CACHE_ENV] = cache
            layout.clear_memory_cache()
            spent: list[float] = []
            real = layout.force_layout

            def timed(
                *a: object, real: object = real, spent: list[float] = spent, **k: object
            ) -> layout.Positions:
                t = time.perf_counter()
                out = real(*a, **k)  # type: ignore[operator]
                spent.append(time.perf_counter() - t)
                return out  # type: ignore[no-any-return]

            layout.force_layout = timed  # type: ignore[assignment]
            t = time.perf_counter()
            model = build_map(store, "landscape", scope="all")  # synthetic: no Scottish core
            build = time.perf_counter() - t
            layout.clear_memory_cache()
            t = time.perf_counter()
            build_map(store, "landscape", scope="all")
            rebuild = time.perf_counter() - t
            layout.force_layout = real  # type: ignore[assignment]
        t = time.perf_counter()
        html = render_html(model)
        render = time.perf_counter() - t
        path = args.out / f"landscape-{n}.html"
        path.write_text(html, "utf-8")
        b = browser_timings(path, f"Synthetic Body {n // 2}")
        print(
            f"{len(model.nodes):>7,} {len(model.edges):>7,} {spent[0]:>9.2f} {build:>8.2f} "
            f"{rebuild:>9.2f} {render:>8.2f} {len(html.encode()) / 1e6:>8.2f} "
            f"{b['first']:>12.0f} {b['idle']:>8.0f} {b['redraw']:>9.0f} "
            f"{b['frame']:>15.0f} / {b['frame95']:<7.0f} {b['search']:>9.0f}",
            flush=True,
        )
        store.close()


if __name__ == "__main__":
    main()
