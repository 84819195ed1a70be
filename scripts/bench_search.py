"""Search benchmark: the site's search index against a raw single-IRI SPARQL lookup, and
against the SPARQL name filter it replaced, measured in the same run on the same store.

For the bundled landscape and synthetic landscapes of about 10^4, 10^5 and 10^6 triples
(``govgraph generate``), it builds the index once (timed), then times searches for names
drawn from the store, written four ways (exact, lower-case prefix, words in another order,
one letter dropped), and prints p50 per way and overall, with the ratio to the p50 of
``SELECT ?p ?o WHERE { <iri> ?p ?o }`` over the same entities.

    python scripts/bench_search.py [--sizes bundled,1e4,1e5,1e6] [--queries 200]
"""

from __future__ import annotations

import argparse
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


def _p50(fn: Callable[[], object], repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _store(size: str, work: Path) -> object:
    from govgraph.graph.checks.ontology_graph import load_ontology
    from govgraph.graph.checks.reasoning import materialise
    from govgraph.graph.storage.store import open_store
    from govgraph.graph.tools.generate import organisations_for
    from govgraph.loaders.bundled import bundled_loaders
    from govgraph.loaders.pipeline import load_sources
    from govgraph.ontology.terms import GRAPH

    store = open_store("memory:")
    if size == "bundled":
        load_sources(store, bundled_loaders(), validate=False, progress=False)
        return store
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


def _variants(name: str, rng: random.Random) -> dict[str, str]:
    words = name.split()
    dropped = rng.randrange(len(name)) if len(name) > 4 else 0
    return {
        "exact": name,
        "prefix": name.lower()[: max(3, len(name) // 2)],
        "word order": " ".join(reversed(words)) if len(words) > 1 else name,
        "typo": name[:dropped] + name[dropped + 1 :],
    }


def bench(size: str, queries: int, work: Path) -> list[str]:
    from govgraph.graph.facts import organisations as orgs
    from govgraph.graph.facts.search import build_index

    started = time.perf_counter()
    store = _store(size, work)
    load_s = time.perf_counter() - started
    triples = store.count()  # type: ignore[attr-defined]
    started = time.perf_counter()
    index = build_index(store)  # type: ignore[arg-type]
    build_s = time.perf_counter() - started
    rng = random.Random(7)
    entries = index._entries
    sample = rng.sample(entries, min(queries, len(entries)))
    raw = [
        _p50(lambda e=e: store.select(f"SELECT ?p ?o WHERE {{ <{e.iri}> ?p ?o }}"), 3)  # type: ignore[attr-defined]
        for e in sample
    ]
    raw_p50 = statistics.median(raw)
    by_way: dict[str, list[float]] = {}
    for entry in sample:
        for way, text in _variants(entry.name, rng).items():
            by_way.setdefault(way, []).append(_p50(lambda t=text: index.search(t), 3))
    every = [t for times in by_way.values() for t in times]
    old = [
        _p50(lambda e=e: orgs.page_keys(store, 20, None, orgs.Filter(search=e.name)))
        for e in sample[: 5 if triples > 300_000 else 20]
    ]
    rows = [
        f"| {size} | {triples:,} | {len(index):,} | {load_s:.1f} s | {build_s * 1000:,.0f} ms "
        f"| {raw_p50 * 1000:.3f} ms | "
        + " | ".join(f"{statistics.median(by_way[w]) * 1000:.3f}" for w in by_way)
        + f" | **{statistics.median(every) * 1000:.3f} ms = "
        f"{statistics.median(every) / raw_p50:.2f}x** | {statistics.median(old) * 1000:,.0f} ms |"
    ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="bundled,1e4,1e5,1e6")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print(
        "| data | quads | entities indexed | load | index build | raw lookup p50 | exact p50 "
        "(ms) | prefix | word order | typo | all searches p50 = x raw | old SPARQL filter p50 |"
    )
    print("|" + "---|" * 12)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            for row in bench(size, args.queries, Path(tmp)):
                print(row, flush=True)


if __name__ == "__main__":
    main()
