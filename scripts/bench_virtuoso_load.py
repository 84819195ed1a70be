"""`make bench-virtuoso`: govgraph's load into Virtuoso against Virtuoso's own bulk loader.

    .venv/bin/python scripts/bench_virtuoso_load.py                  # 10^6 triples
    .venv/bin/python scripts/bench_virtuoso_load.py --triples 100000 # quick

Generates a synthetic landscape of about ``--triples`` triples (``govgraph generate``),
starts a Virtuoso of its own on loopback (as the tests do), then, alternating, ``--rounds``
times each into an emptied graph: Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run``
through isql, the engine's documented fastest path) and govgraph's
``VirtuosoStore.replace_graph`` of the same file (a Graph Store Protocol PUT of N-Triples,
then the version bump). Also times a reload (through the staging graph and one swapping
Update). Prints medians and the ratio baseline / govgraph (>= 0.7 is the #20 target).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GRAPH_IRI = "https://w3id.org/govgraph/graph/rdf-landscape"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--memory-mb", type=int, default=1024, help="Virtuoso's buffers")
    args = parser.parse_args()

    from rdflib import URIRef

    from govgraph.graph.storage.virtuoso_store import VirtuosoStore
    from govgraph.graph.tools.generate import ntriples, organisations_for
    from tests.backends import start_virtuoso

    with tempfile.TemporaryDirectory(prefix="govgraph-bench-virtuoso-") as tmp:
        server = start_virtuoso(Path(tmp) / "db", memory_mb=args.memory_mb)
        try:
            source = Path(tmp) / "db" / "landscape.nt"
            source.write_bytes(ntriples(organisations_for(args.triples)))
            store = VirtuosoStore(server.url + "?load_timeout=3600")
            graph = URIRef(GRAPH_IRI)

            def empty() -> None:
                server.clear()
                server.sql("delete from DB.DBA.load_list;")

            def bulk() -> float:
                empty()
                started = time.perf_counter()
                server.sql(
                    f"ld_dir('{source.parent}', '{source.name}', '{GRAPH_IRI}'); rdf_loader_run();"
                )
                return time.perf_counter() - started

            def ours() -> float:
                empty()
                started = time.perf_counter()
                store.replace_graph(graph, source)
                return time.perf_counter() - started

            base_s, ours_s = [], []
            for _ in range(args.rounds):
                base_s.append(bulk())
                triples = store.count(graph)
                ours_s.append(ours())
                assert store.count(graph) == triples, (store.count(graph), triples)
            started = time.perf_counter()
            store.replace_graph(graph, source)  # a reload: staging graph, then one swap
            reload_s = time.perf_counter() - started
            store.close()
        finally:
            server.stop()

    base, mine = statistics.median(base_s), statistics.median(ours_s)
    print(f"triples: {triples:,} (rounds: {args.rounds}, Virtuoso buffers {args.memory_mb} MB)")
    print(f"Virtuoso bulk loader (ld_dir + rdf_loader_run): {base:.2f} s  {base_s}")
    print(f"govgraph replace_graph (GSP PUT, first load):   {mine:.2f} s  {ours_s}")
    print(f"govgraph replace_graph (reload via staging):    {reload_s:.2f} s")
    print(f"ratio, bulk loader / govgraph first load: {base / mine:.2f}x (target >= 0.7x)")
    print(f"ratio, bulk loader / govgraph reload:     {base / reload_s:.2f}x")


if __name__ == "__main__":
    main()
