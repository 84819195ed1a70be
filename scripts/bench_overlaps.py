"""Benchmark: the full overlap report on a synthetic landscape of 10^5 organisations.

    # the product's path: load once, then report in a fresh process from the on-disk store
    .venv/bin/python scripts/bench_overlaps.py --orgs 100000 --store oxigraph:/tmp/bench
    .venv/bin/python scripts/bench_overlaps.py --orgs 100000 --store oxigraph:/tmp/bench
    # everything in one process, in memory
    .venv/bin/python scripts/bench_overlaps.py --orgs 20000

The landscape comes from ``govgraph.graph.tools.generate`` with the ``real`` density by default:
about 48 asserted triples and 2.6 stated relationships per organisation. The bundled data
(``govgraph load``) has 33,687 asserted triples and 2,189 relationships for 964
organisations, 35 and 2.3 per organisation (15 of the 35 are the care-service records).
The generator keeps 3-5 policy areas per body where the bundled data states 42 for 964
bodies, because remit overlap is the heaviest analysis and the one being measured; that
is most of the gap. ``--density dense`` (78 triples, 4.9 relationships per organisation:
every optional fact said about every body) is the stress case.

The report is what ``govgraph report overlaps`` does: ``compute_findings`` then ``render``
in each format. Besides time and peak RSS it prints two ratios against baselines measured
in the same run, which say more than seconds on another machine: the report time over the
time to read every quad of the store once through SPARQL (TSV to /dev/null, in a child
process so its memory is not counted), and peak RSS over the store's size (its files on
disk, or the N-Triples loaded). It also checks that the overlaps the generator planted are
found, and ends with the goal verdict (< 60 s, < 2 GB); exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from govgraph.graph.analysis.findings import Finding
from govgraph.graph.analysis.overlaps import compute_findings
from govgraph.graph.storage.store import Store, open_store
from govgraph.graph.tools import generate
from govgraph.ontology.terms import GRAPH

CHUNK = 500_000
"""N-Triples lines per loaded part: a single string of millions of lines costs gigabytes."""
GOAL_S, GOAL_MB = 60.0, 2048.0
SCAN = """
import sys, time
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
t = time.perf_counter()
res = store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
with open("/dev/null", "wb") as sink:
    res.serialize(output=sink, format=ox.QueryResultsFormat.TSV)
print(time.perf_counter() - t)
"""


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(store: Store, orgs: int, seed: int, density: generate.Density) -> tuple[int, int, Any]:
    """Triples and N-Triples bytes loaded, and what the generator planted."""
    landscape = generate.generate(orgs, seed, density=density)
    lines, landscape.lines = landscape.lines, []
    total = size = 0
    for part, start in enumerate(range(0, len(lines), CHUNK)):
        data = "".join(lines[start : start + CHUNK]).encode()
        size += len(data)
        total += store.replace_graph(GRAPH[f"bench/{part}"], data)
    return total, size, landscape.planted


def recall(findings: list[Finding], planted: Any) -> str:
    """How many planted overlaps the report found (the generator writes IRIs as <...>)."""
    together: set[tuple[str, str, str]] = set()
    for f in findings:
        if f.kind in (
            "remit-overlap",
            "rationalisation",
            "membership-subset",
            "accountability-cycle",
        ):
            ids = sorted(s.id for s in f.subjects)
            together.update((f.kind, x, y) for i, x in enumerate(ids) for y in ids[i + 1 :])
    parts = []
    for label, kinds, pairs in (
        ("identical remits", ("remit-overlap", "rationalisation"), planted.duplicate_remits),
        ("subset memberships", ("membership-subset",), planted.subset_memberships),
        ("cycles", ("accountability-cycle",), planted.cycles),
    ):
        hit = 0
        for a, b in pairs:
            x, y = sorted((a.strip("<>"), b.strip("<>")))
            hit += any((k, x, y) in together for k in kinds)
        parts.append(f"{label} {hit}/{len(pairs)}")
    return ", ".join(parts)


def scan_seconds(path: str | None, store: Store) -> float:
    """Seconds to read every quad once as SPARQL TSV: in a child process for a disk store
    (after this one closed it), in this one for a memory store."""
    if path is None:
        import pyoxigraph as ox

        t = time.perf_counter()
        res = store._store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")  # type: ignore[attr-defined]
        with open(os.devnull, "wb") as sink:
            res.serialize(output=sink, format=ox.QueryResultsFormat.TSV)
        return time.perf_counter() - t
    store.close()
    out = subprocess.run(
        [sys.executable, "-c", SCAN, path], check=True, capture_output=True, text=True
    )
    return float(out.stdout.strip())


def du_mb(path: str) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--density", choices=("real", "dense"), default="real")
    parser.add_argument("--formats", default="json,csv,md,html")
    parser.add_argument(
        "--store",
        default="memory:",
        help="oxigraph:PATH measures the product's path: the first run generates and loads "
        "the landscape into PATH and stops; a second run reports on it in a fresh process",
    )
    args = parser.parse_args(argv)
    from govgraph.visualisations.reports import render

    density = generate.REAL if args.density == "real" else generate.DENSE
    path = None if args.store == "memory:" else args.store.removeprefix("oxigraph:")
    store = open_store(args.store)
    planted, nt_bytes = None, 0
    t0 = time.perf_counter()
    if path is None or not any("/bench" in g for g in store.graphs()):
        triples, nt_bytes, planted = load(store, args.orgs, args.seed, density)
        print(
            f"load ({args.density}): {triples:,} triples, {triples / args.orgs:.1f} per "
            f"organisation, in {time.perf_counter() - t0:.1f} s; peak RSS {peak_mb():,.0f} MB"
        )
        if path is not None:
            store.close()
            print(
                f"loaded {du_mb(path):,.0f} MB; run again with the same --store to time the report"
            )
            return 0
    quads = store.count()
    size_mb = du_mb(path) if path else nt_bytes / 1e6
    where = f"{args.store} ({size_mb:,.0f} MB on disk)" if path else "memory"
    print(f"store {where}: {quads:,} quads; RSS after opening {peak_mb():,.0f} MB")
    t1 = time.perf_counter()
    findings = compute_findings(store)
    t2 = time.perf_counter()
    print(f"findings: {len(findings):,} in {t2 - t1:.1f} s; peak RSS {peak_mb():,.0f} MB")
    print("by kind:", dict(Counter(f.kind for f in findings).most_common()))
    if planted is not None:
        print("planted overlaps found:", recall(findings, planted))
    for fmt in args.formats.split(","):
        t = time.perf_counter()
        size = len(render(findings, fmt, timestamp=False))
        print(f"render {fmt}: {size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s")
    total = time.perf_counter() - t1
    peak = peak_mb()
    scan = scan_seconds(path, store)
    print(
        f"baselines: reading every quad once takes {scan:.1f} s; the store is {size_mb:,.0f} MB"
        f" ({'files on disk' if path else 'N-Triples loaded'})"
    )
    print(
        f"report (findings + every format): {total:.1f} s = {total / scan:.2f} x the scan; "
        f"peak RSS {peak:,.0f} MB = {peak / size_mb:.2f} x the store"
    )
    met = total < GOAL_S and peak < GOAL_MB
    verdict = "met" if met else "missed"
    if args.orgs != 100_000:
        verdict = f"not judged: this run has {args.orgs:,} organisations"
    print(f"goal (< {GOAL_S:.0f} s and < {GOAL_MB:.0f} MB at 10^5 organisations): {verdict}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
