"""`make bench-load`: peak memory and time of `govgraph load` on a 10^6-triple N-Triples file.

    .venv/bin/python scripts/bench_load.py                    # 10^6 triples, no SHACL
    .venv/bin/python scripts/bench_load.py --validate         # adds a run with SHACL
    .venv/bin/python scripts/bench_load.py --triples 100000   # quick

Generates a synthetic landscape of about ``--triples`` triples (``govgraph generate``), then
in fresh processes, each measured by ``os.wait4`` (the child's own peak RSS and wall time):
``govgraph load rdf:FILE`` into a new versioned store (the default kind), and pyoxigraph's
own ``Store.bulk_load`` of the same file into a new on-disk store as the baseline. Prints
the figures and the ratios; docs/deployment.md ("Loading large files") records them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BASELINE = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES,
                to_graph=ox.NamedNode("https://w3id.org/govgraph/graph/rdf-landscape"))
store.flush()
print(len(store))
"""


def measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``cmd``; its peak RSS in MB (the child's own, from wait4), seconds, and output."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{text[-3000:]}")
    return usage.ru_maxrss / 1024, seconds, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--validate", action="store_true", help="also time a load with SHACL")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "load")
    args = parser.parse_args()

    from govgraph.graph.tools.generate import organisations_for

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    data = args.work / "landscape.nt"
    orgs = organisations_for(args.triples)
    rss, secs, _ = measured([str(BIN / "govgraph"), "generate", "-n", str(orgs), "-o", str(data)])
    lines = sum(chunk.count(b"\n") for chunk in _chunks(data))
    print(f"generated {lines:,} triples ({data.stat().st_size / 1e6:.1f} MB) for {orgs:,} bodies")

    env = {**os.environ, "CI": "1"}
    runs: list[tuple[str, float, float]] = []
    base_rss, base_s, _ = measured(
        [sys.executable, "-c", BASELINE, str(data), str(args.work / "baseline")]
    )
    runs.append(("pyoxigraph Store.bulk_load (baseline)", base_rss, base_s))
    variants = [("govgraph load --no-validate", ["--no-validate"])]
    if args.validate:
        variants.append(("govgraph load (with SHACL validation)", ["--validate"]))
    for i, (name, flags) in enumerate(variants):
        store = f"oxigraph+versions:{args.work / f'store-{i}'}"
        cmd = [str(BIN / "govgraph"), "load", f"rdf:{data}", "--store", store, *flags]
        rss, secs, _ = measured(cmd, env)
        runs.append((name, rss, secs))

    print(f"\n{'run':<42} {'peak RSS':>10} {'time':>9} {'RSS ratio':>10} {'time ratio':>11}")
    for name, rss, secs in runs:
        print(
            f"{name:<42} {rss:>7.0f} MB {secs:>7.1f} s {rss / base_rss:>9.2f}x "
            f"{secs / base_s:>10.2f}x"
        )


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            yield chunk


if __name__ == "__main__":
    main()
