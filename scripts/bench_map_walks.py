"""Maps from bounded walks (issue 20 item 1): what an ego map and the landscape cost as the
graph grows, each as a ratio against a raw single-IRI SPARQL lookup in the same run.

For synthetic landscapes of about 10^4, 10^5 and 10^6 triples (``govgraph generate``, in an
in-memory store with the ontology and inferences), it times, p50 of ``--repeat`` runs:

- lookup: ``SELECT ?p ?o WHERE { <iri> ?p ?o }`` over bodies drawn from the store (the anchor);
- fixed ego: ``build_map(ego, depth=1)`` uncached (no layout in memory or on disk, no
  tables) for a body whose map has 20-60 nodes, the same size at every scale;
- big ego: the same for the ego map nearest 1,000 nodes (depth 1 or 2 of the most connected
  bodies);
- landscape served: ``render_map(landscape)`` once its data version has been built (the
  first request, timed too).

It prints a Markdown table and the growth of the fixed ego map per 10x more data (log10 of
the time ratio per decade; 1.0 = linear). ``figures()`` returns the same lines, for
``make bench`` to put into bench/results-<date>.md.

    python scripts/bench_map_walks.py [--sizes 1e4,1e5,1e6] [--repeat 5]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _p50(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _store(size: str, work: Path) -> object:
    from govgraph.graph.checks.ontology_graph import load_ontology
    from govgraph.graph.checks.reasoning import materialise
    from govgraph.graph.storage.store import open_store
    from govgraph.graph.tools.generate import organisations_for
    from govgraph.ontology.terms import GRAPH

    store = open_store("memory:")
    data = work / f"synthetic-{size}.nt"
    orgs = organisations_for(int(float(size)))
    subprocess.run(
        [str(BIN / "govgraph"), "generate", "-n", str(orgs), "-o", str(data)],
        check=True,
        capture_output=True,
    )
    store.replace_graph(GRAPH["synthetic"], data)
    load_ontology(store)
    materialise(store)
    return store


_LAYOUTS = Path(tempfile.mkdtemp(prefix="bench-map-layouts-"))
"""Where the benchmarked maps' layouts are cached on disk, emptied before each map."""


def _uncached() -> None:
    """No layout (in memory or on disk), page or landscape table kept. What is read once
    per data version stays, as on a serving site: the map tables (the line index, the
    entities' facts), the search index and the slider's years."""
    import shutil

    from govgraph.visualisations import kinds, layout, maps

    os.environ[layout.CACHE_ENV] = str(_LAYOUTS)
    shutil.rmtree(_LAYOUTS / "layouts", ignore_errors=True)
    layout.clear_memory_cache()
    kinds._TABLES.clear()
    maps._PAGES.clear()


def measure(size: str, repeat: int, work: Path) -> dict[str, float | int | str]:
    from rdflib import URIRef

    from govgraph.graph.facts import map_queries as q
    from govgraph.visualisations.kinds import LANDSCAPE_CLASSES
    from govgraph.visualisations.maps import build_map, render_map

    store = _store(size, work)
    triples = store.count()  # type: ignore[attr-defined]
    started = time.perf_counter()
    q.map_tables(store)  # type: ignore[arg-type]
    tables_ms = (time.perf_counter() - started) * 1000
    bodies = sorted(q.named_entities_of(store, [str(c) for c in LANDSCAPE_CLASSES]))  # type: ignore[arg-type]
    rng = random.Random(7)
    sample = rng.sample(bodies, min(50, len(bodies)))
    lookups = iter(sample * (repeat + 1))
    text = "SELECT ?p ?o WHERE { ?s ?p ?o }"
    lookup = _p50(
        lambda: store.select(text.replace("?s", f"<{next(lookups)}>")),  # type: ignore[attr-defined]
        repeat * 4,
    )
    _ = URIRef  # the anchor reads terms, as a GraphQL lookup does

    def ego_size(focus: str, depth: int) -> int:
        _uncached()
        return len(build_map(store, "ego", focus=focus, depth=depth, scope="all").nodes)  # type: ignore[arg-type]

    fixed = next((b for b in sample if 20 <= ego_size(b, 1) <= 60), sample[0])
    fixed_n = ego_size(fixed, 1)

    def ego(focus: str, depth: int) -> None:
        _uncached()
        build_map(store, "ego", focus=focus, depth=depth, scope="all")  # type: ignore[arg-type]

    fixed_ms = _p50(lambda: ego(fixed, 1), repeat)
    degree = {b: len(q.edges_touching(store, [b], _kinds())) for b in sample}  # type: ignore[arg-type]
    hubs = sorted(degree, key=lambda b: -degree[b])[:5]
    options = [(abs(ego_size(h, d) - 1000), h, d) for h in hubs for d in (1, 2)]
    _, hub, depth = min(options)
    big_n = ego_size(hub, depth)
    big_ms = _p50(lambda: ego(hub, depth), max(1, repeat // 2))
    _uncached()
    started = time.perf_counter()
    render_map(store, "landscape")  # type: ignore[arg-type]
    built_ms = (time.perf_counter() - started) * 1000
    served_ms = _p50(lambda: render_map(store, "landscape"), repeat)  # type: ignore[arg-type]
    store.close()  # type: ignore[attr-defined]
    return {
        "size": size,
        "triples": triples,
        "lookup": lookup,
        "fixed": fixed_ms,
        "fixed_n": fixed_n,
        "big": big_ms,
        "big_n": big_n,
        "built": built_ms,
        "served": served_ms,
        "tables": tables_ms,
    }


def _kinds() -> list[str]:
    from govgraph.visualisations.extract import relationship_kind_iris

    return relationship_kind_iris()


def figures(sizes: list[str], repeat: int = 5) -> list[str]:
    """The benchmark's Markdown lines (a table, then the growth), for bench/results-*.md."""
    with tempfile.TemporaryDirectory() as work:
        os.environ["GOVGRAPH_CACHE"] = work
        rows = [measure(s, repeat, Path(work)) for s in sizes]
    lines = [
        "| triples | lookup ms (anchor) | fixed ego map ms (nodes) | x lookup "
        "| ego map ms (nodes) | x lookup | landscape built ms | landscape served ms | x lookup "
        "| map tables built ms (once per version) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lookup = float(r["lookup"])
        lines.append(
            f"| {int(r['triples']):,} | {lookup:.2f} | {float(r['fixed']):.0f} ({r['fixed_n']}) "
            f"| {float(r['fixed']) / lookup:,.0f} | {float(r['big']):.0f} ({r['big_n']}) "
            f"| {float(r['big']) / lookup:,.0f} | {float(r['built']):,.0f} "
            f"| {float(r['served']):.1f} | {float(r['served']) / lookup:,.0f} "
            f"| {float(r['tables']):,.0f} |"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        decades = math.log10(int(last["triples"]) / int(first["triples"]))
        for name, key in (("fixed-size ego map", "fixed"), ("lookup", "lookup")):
            growth = math.log10(float(last[key]) / float(first[key])) / decades
            lines.append("")
            lines.append(f"Growth per 10x more data, {name}: {growth:.2f}")
        ratio = (float(last["fixed"]) / float(last["lookup"])) / (
            float(first["fixed"]) / float(first["lookup"])
        )
        lines.append(
            f"Growth per 10x of the fixed ego map relative to the lookup: "
            f"{math.log10(ratio) / decades:.2f}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e4,1e5,1e6")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT.parent))
    print("\n".join(figures(args.sizes.split(","), args.repeat)), flush=True)


if __name__ == "__main__":
    main()
