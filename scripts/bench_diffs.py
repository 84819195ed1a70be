"""Date diffs on the bundled data (#20 item 5): for each date pair, the whole of what
``/reports/diff`` and ``/maps/diff`` compute for a pair not seen before (both snapshots, the
impact with its overlap findings, the laid-out difference map), timed alternately with the
anchor of the #20 benchmark, a raw single-IRI lookup on the same store, so a busy machine
slows both alike. The goal is every diff under 2 s.

    python scripts/bench_diffs.py [--store URL] [--n 3] [--pairs 2019:2024,...]
                                  [--baseline DIR]

Without ``--store`` the bundled data is loaded into a temporary embedded store on disk (the
store the server reads). scripts/bench_issue20.py registers :func:`figures` as a section.

``--baseline DIR`` times another commit's code against this one instead, alternately, each
diff in a fresh process on the same store: DIR holds that commit's tree as ``DIR/govgraph``
(``mkdir -p DIR/govgraph && git archive main | tar -x -C DIR/govgraph``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PAIRS: tuple[tuple[str, str], ...] = (
    ("2016-01-01", "2024-06-01"),
    ("2019", "2024"),
    ("2020-01-01", "2022-12-31"),
    ("2021-05-17", "2021-06-01"),
    ("2000", "2030"),
)
"""The profiled pair (2016-2024), the snapshot test's pair, the documented worked example,
a week, and a span holding every dated fact."""
GOAL = 2.0
"""Seconds a diff may take on the bundled data."""
LOOKUPS = 21
"""Anchor lookups timed after each diff (their median is the anchor)."""


def bundled_store(work: Path) -> Any:
    """The bundled data loaded into an embedded store on disk under ``work``."""
    from govgraph.graph.storage.store import open_store
    from govgraph.loaders.bundled import bundled_loaders
    from govgraph.loaders.pipeline import load_sources

    store = open_store(f"oxigraph:{work / 'store'}")
    load_sources(store, bundled_loaders(), validate=False, progress=False)
    return store


def _anchor_iri(store: Any) -> str:
    rows = store.select("SELECT ?e WHERE { ?e gg:accountableTo ?u } ORDER BY ?e LIMIT 1")
    return str(rows[0]["e"])


def figures(
    store: Any, pairs: Sequence[tuple[str, str]] = PAIRS, n: int = 3
) -> list[tuple[str, float, float]]:
    """``(figure, diff p50 s, anchor p50 s)`` per pair, the two timed alternately. Each run
    is a new pair to the code: nothing is cached between runs (the API's cache of recent
    diffs lives in the server, not here)."""
    from govgraph.api.artefacts import diff_with_map

    iri = _anchor_iri(store)
    lookup = f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
    diff_with_map(store, *pairs[0])  # warm: ontology model, templates, imports
    out: list[tuple[str, float, float]] = []
    for a, b in pairs:
        diffs: list[float] = []
        anchors: list[float] = []
        for _ in range(n):
            started = time.perf_counter()
            diff_with_map(store, a, b)
            diffs.append(time.perf_counter() - started)
            for _ in range(LOOKUPS):  # one lookup is too short to time alone on a busy box
                started = time.perf_counter()
                store.select(lookup)
                anchors.append(time.perf_counter() - started)
        out.append(
            (f"diff {a} to {b} (bundled)", statistics.median(diffs), statistics.median(anchors))
        )
    return out


def _one(store_url: str, a: str, b: str) -> None:
    """One diff in this process (the baseline's code or ours): prints its seconds."""
    from govgraph.api.artefacts import diff_with_map
    from govgraph.graph.storage.store import open_store
    from govgraph.ontology import model

    model.model()  # the ontology, read once per process by either version
    store = open_store(store_url)
    started = time.perf_counter()
    diff_with_map(store, a, b)
    print(f"{time.perf_counter() - started:.3f}")
    store.close()


def _against(baseline: Path, store_url: str, pairs: Sequence[tuple[str, str]], n: int) -> None:
    """Each pair n times with the baseline's code and this tree's, alternately."""
    load = os.getloadavg()
    rows = []
    for a, b in pairs:
        times: dict[str, list[float]] = {"baseline": [], "this": []}
        for _ in range(n):
            for who in times:
                env = dict(os.environ)
                cmd = [sys.executable, __file__, "--one", store_url, a, b]
                if who == "baseline":
                    env["PYTHONPATH"] = str(baseline)
                    cmd.insert(1, "-P")  # the baseline's tree, not the installed one
                done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
                times[who].append(float(done.stdout.split()[-1]))
        rows.append((a, b, statistics.median(times["baseline"]), statistics.median(times["this"])))
    print(f"load average (1 min) before: {load[0]:.2f}, after: {os.getloadavg()[0]:.2f}")
    print("| pair | baseline p50 | this p50 | speed-up |")
    print("|---|---:|---:|---:|")
    for a, b, old, new in rows:
        print(f"| {a} to {b} | {old:.2f} s | {new:.2f} s | {old / new:.1f}x |")


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        _one(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="a store URL holding the bundled data")
    parser.add_argument("--n", type=int, default=3, help="runs per pair")
    parser.add_argument("--pairs", help="FROM:TO,... (default: five pairs)")
    parser.add_argument("--baseline", type=Path, help="another commit's tree to time against")
    args = parser.parse_args()
    pairs: list[tuple[str, str]] = list(PAIRS)
    if args.pairs:
        pairs = [(p.split(":")[0], p.split(":")[-1]) for p in args.pairs.split(",")]
    if args.baseline:
        if not args.store:
            parser.error("--baseline needs --store (both versions read the same store)")
        _against(args.baseline, args.store, pairs, args.n)
        return
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        if args.store:
            from govgraph.graph.storage.store import open_store

            store = open_store(args.store)
        else:
            store = bundled_store(Path(tmp))
        rows = figures(store, pairs, args.n)
        store.close()
    print(f"load average (1 min) before: {load[0]:.2f}, after: {os.getloadavg()[0]:.2f}")
    print("| pair | p50 | anchor p50 | ratio | under 2 s |")
    print("|---|---:|---:|---:|---|")
    for figure, p50, anchor in rows:
        mark = "yes" if p50 < GOAL else "no"
        print(
            f"| {figure} | {p50:.2f} s | {anchor * 1000:.2f} ms | {p50 / anchor:,.0f}x | {mark} |"
        )


if __name__ == "__main__":
    main()
