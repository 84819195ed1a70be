"""The default graph as a set (#19 item 1) against Oxigraph's union default graph, in one run.

    .venv/bin/python scripts/bench_default_graph.py [--size 100000] [-n 200]

Loads one synthetic landscape (``govgraph generate``), with the ontology and the inferred
closure, twice (on disk, or in memory with --memory): as the store now keeps it (a
deduplicated merge in the default graph, queries read it) and as before (named graphs only,
queries read the union). Then
times the store benchmark's contract lookups (scripts/bench_store.py) on each, interleaved
so that both see the same machine load, and prints p50s and the ratio merged / union
(below 1: the merge is faster). Also the cost at load time: first load and reload.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_store import contract

from govgraph.graph.checks.ontology_graph import load_ontology
from govgraph.graph.checks.reasoning import materialise
from govgraph.graph.storage.oxigraph_store import OxigraphStore
from govgraph.graph.tools.generate import generate, organisations_for
from govgraph.ontology.terms import GRAPH


def build(data: bytes, merged: bool, where: Path | None) -> tuple[OxigraphStore, float, float]:
    path = None if where is None else where / ("merged" if merged else "union")
    store = OxigraphStore(path, merged=merged)
    started = time.perf_counter()
    store.replace_graph(GRAPH["synthetic"], data)
    first = time.perf_counter() - started
    load_ontology(store)
    materialise(store)
    started = time.perf_counter()
    store.replace_graph(GRAPH["synthetic"], data)
    return store, first, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--memory", action="store_true", help="in memory, not on disk")
    args = parser.parse_args()
    data = generate(organisations_for(args.size), seed=1).ntriples()
    with tempfile.TemporaryDirectory(prefix="govgraph-bench-") as tmp:
        where = None if args.memory else Path(tmp)
        merged, m_first, m_reload = build(data, True, where)
        union, u_first, u_reload = build(data, False, where)
        report(args, data, merged, union, (m_first, m_reload, u_first, u_reload))


def report(
    args: argparse.Namespace,
    data: bytes,
    merged: OxigraphStore,
    union: OxigraphStore,
    loads: tuple[float, float, float, float],
) -> None:
    m_first, m_reload, u_first, u_reload = loads
    print("in memory" if args.memory else "on disk (the embedded default)")
    print(f"{len(data.splitlines()):,} asserted triples; merged store {merged.count():,} triples")
    print(f"first load s: merged {m_first:.2f}, union {u_first:.2f} ({m_first / u_first:.2f}x)")
    print(f"reload s:     merged {m_reload:.2f}, union {u_reload:.2f} ({m_reload / u_reload:.2f}x)")
    for name, _, call in contract(merged):
        times: dict[str, list[float]] = {"merged": [], "union": []}
        for _ in range(10):
            call(merged), call(union)
        for _ in range(args.n):
            for label, store in (("merged", merged), ("union", union)):
                started = time.perf_counter()
                call(store)
                times[label].append((time.perf_counter() - started) * 1000)
        m, u = statistics.median(times["merged"]), statistics.median(times["union"])
        print(f"{name:7s} p50 ms: merged {m:.3f}, union {u:.3f}, ratio {m / u:.2f}")


if __name__ == "__main__":
    main()
