"""`make bench-virtuoso`: govgraph's loads into Virtuoso against Virtuoso's own bulk loader.

    .venv/bin/python scripts/bench_virtuoso_load.py                  # 10^6 triples
    .venv/bin/python scripts/bench_virtuoso_load.py --triples 100000 # quick

Generates a synthetic landscape of about ``--triples`` triples (``govgraph generate``) and a
revision of it with ``--changed`` of its lines changed (a source edited between two loads),
starts a Virtuoso of its own on loopback (as the tests do), then, alternating, ``--rounds``
times each:

- the baseline: Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run`` through isql, the
  engine's documented fastest path) of the source into an emptied graph;
- govgraph's first load (``VirtuosoStore.replace_graph`` into the emptied graph: one Graph
  Store Protocol PUT of the N-Triples, then the version bump);
- govgraph's reload of the revision (its last load kept on local disk: one Update of the
  lines that changed, graph/storage/last_loads.py);
- the full-path reload that every reload took before (``last_loads=`` off: a PUT to a staging
  graph, then one Update swapping it in), of the source again;
- a first load as before (``last_loads=`` off: no digest, no copy kept), into an emptied graph.

Prints medians and each ratio baseline / govgraph (>= 0.7 is the #20 target).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GRAPH_IRI = "https://w3id.org/govgraph/graph/rdf-landscape"


def revise(source: bytes, changed: float) -> bytes:
    """``source`` with every (1/changed)-th line given a new object: an edited source."""
    step = max(1, round(1 / changed)) if changed > 0 else 0
    lines = source.splitlines(keepends=True)
    for i in range(0, len(lines), step or len(lines) + 1):
        subject, predicate, _ = lines[i].split(b" ", 2)
        lines[i] = b'%s %s "revised %d" .\n' % (subject, predicate, i)
    return b"".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--changed", type=float, default=0.01, help="share of lines revised")
    parser.add_argument("--memory-mb", type=int, default=1024, help="Virtuoso's buffers")
    parser.add_argument(
        "--port", type=int, default=0, help="the SQL port; HTTP takes the next (default: free)"
    )
    args = parser.parse_args()

    from rdflib import URIRef

    import tests.backends
    from govgraph.graph.storage.virtuoso_store import VirtuosoStore
    from govgraph.graph.tools.generate import ntriples, organisations_for
    from tests.backends import start_virtuoso

    if args.port:
        ports = iter([args.port, args.port + 1])
        tests.backends.free_port = lambda: next(ports)  # fixed ports, not free ones

    with tempfile.TemporaryDirectory(prefix="govgraph-bench-virtuoso-") as tmp:
        server = start_virtuoso(Path(tmp) / "db", memory_mb=args.memory_mb)
        try:
            source = Path(tmp) / "db" / "landscape.nt"
            revision = Path(tmp) / "revision.nt"
            source.write_bytes(ntriples(organisations_for(args.triples)))
            revision.write_bytes(revise(source.read_bytes(), args.changed))
            loads = Path(tmp) / "loads"
            store = VirtuosoStore(f"{server.url}?load_timeout=3600&last_loads={loads}")
            full = VirtuosoStore(f"{server.url}?load_timeout=3600&last_loads=")
            graph = URIRef(GRAPH_IRI)

            def empty() -> None:
                server.clear()
                server.sql("delete from DB.DBA.load_list;")

            def timed(step: Callable[[], object]) -> float:
                started = time.perf_counter()
                step()
                return time.perf_counter() - started

            times: dict[str, list[float]] = {
                "bulk": [],
                "first": [],
                "diff": [],
                "full": [],
                "plain": [],
            }
            for _ in range(args.rounds):
                empty()
                times["bulk"].append(
                    timed(
                        lambda: server.sql(
                            f"ld_dir('{source.parent}', '{source.name}', '{GRAPH_IRI}'); "
                            "rdf_loader_run();"
                        )
                    )
                )
                triples = store.count(graph)
                empty()
                times["first"].append(timed(lambda: store.replace_graph(graph, source)))
                assert store.count(graph) == triples, (store.count(graph), triples)
                times["diff"].append(timed(lambda: store.replace_graph(graph, revision)))
                times["full"].append(timed(lambda: full.replace_graph(graph, source)))
                assert store.count(graph) == triples, (store.count(graph), triples)
                empty()
                times["plain"].append(timed(lambda: full.replace_graph(graph, source)))
            store.close()
            full.close()
        finally:
            server.stop()

    base = statistics.median(times["bulk"])
    load = os.getloadavg()
    print(
        f"triples: {triples:,} (rounds: {args.rounds}, revision: {args.changed:.1%} of lines "
        f"changed, Virtuoso buffers {args.memory_mb} MB, load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
    )
    rows = [
        ("bulk", "Virtuoso bulk loader (ld_dir + rdf_loader_run)"),
        ("first", "govgraph first load (one GSP PUT)"),
        ("diff", "govgraph reload of the revision (one Update)"),
        ("full", "govgraph reload, full path (staging + swap)"),
        ("plain", "govgraph first load, no copy kept (before)"),
    ]
    for key, label in rows:
        median = statistics.median(times[key])
        shown = ", ".join(f"{t:.2f}" for t in times[key])
        print(f"{label:50s} {median:7.2f} s  [{shown}]  ratio {base / median:.2f}x")
    print("ratio = bulk loader / govgraph (target >= 0.7x)")


if __name__ == "__main__":
    main()
