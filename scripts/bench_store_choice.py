"""Measure the candidate default stores on this machine: load rate and query latency.

Run: python scripts/bench_store_choice.py [N_ORGS]. Prints a table; figures go in the README.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

GG = "https://w3id.org/govgraph/ontology#"
ID = "https://w3id.org/govgraph/id/"


def synthetic_ntriples(n_orgs: int) -> bytes:
    """A landscape-shaped graph: names, types, an accountability tree, policy areas."""
    lines = []
    for i in range(n_orgs):
        s = f"<{ID}org-{i}>"
        lines.append(f'{s} <http://www.w3.org/2004/02/skos/core#prefLabel> "Organisation {i}" .')
        lines.append(f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{GG}Organisation> .")
        if i:
            lines.append(f"{s} <{GG}accountableTo> <{ID}org-{(i - 1) // 3}> .")
        for k in range(3):
            lines.append(f"{s} <{GG}hasInterestIn> <{ID}policy-{(i * 7 + k) % 117}> .")
        lines.append(f'{s} <{GG}startDate> "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .')
    return ("\n".join(lines) + "\n").encode()


LOOKUP = f"SELECT ?p ?o WHERE {{ <{ID}org-4242> ?p ?o }}"
CHAIN = f"SELECT ?up WHERE {{ VALUES ?s {{ <{ID}org-4242> }} ?s <{GG}accountableTo>+ ?up }}"


def query_fn(store: ox.Store, text: str) -> Callable[[], list[object]]:
    return lambda: list(store.query(text, use_default_graph_as_union=True))


def timeit(fn, repeat: int = 50) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    n_orgs = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    data = synthetic_ntriples(n_orgs)
    n = data.count(b"\n")
    g = ox.NamedNode("https://w3id.org/govgraph/graph/bench")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, make, loader in [
            ("oxigraph memory load()", ox.Store, "load"),
            ("oxigraph disk load()", lambda: ox.Store(str(Path(tmp) / "a")), "load"),
            ("oxigraph disk bulk_load()", lambda: ox.Store(str(Path(tmp) / "b")), "bulk"),
        ]:
            store = make()
            t = time.perf_counter()
            if loader == "load":
                store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
            else:
                store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
            secs = time.perf_counter() - t
            rows.append(
                (label, n / secs, timeit(query_fn(store, LOOKUP)), timeit(query_fn(store, CHAIN)))
            )
        ds = Dataset()
        t = time.perf_counter()
        ds.graph(URIRef(g.value)).parse(data=data.decode(), format="nt")
        secs = time.perf_counter() - t
        ds.default_union = True
        rows.append(
            (
                "rdflib memory",
                n / secs,
                timeit(lambda: list(ds.query(LOOKUP)), 10),
                timeit(lambda: list(ds.query(CHAIN)), 10),
            )
        )
    print(f"{n:,} triples ({n_orgs:,} organisations)")
    print(f"{'store':28} {'load triples/s':>15} {'lookup ms':>10} {'chain ms':>10}")
    for label, rate, lookup, chain in rows:
        print(f"{label:28} {rate:15,.0f} {lookup:10.3f} {chain:10.3f}")


if __name__ == "__main__":
    main()
