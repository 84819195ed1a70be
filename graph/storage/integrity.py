"""Content digests of the store, graph by graph: proof that a failed load changed nothing."""

from __future__ import annotations

import hashlib

from rdflib import URIRef

from govgraph.graph.storage.store import Store


def graph_digest(store: Store, graph: URIRef) -> str:
    """SHA-256 of the graph's triples in canonical (sorted N-Triples) order. Blank nodes
    are hashed by label, which is enough for the product's data: loaders mint IRIs."""
    lines = sorted(" ".join(term.n3() for term in t) for t in store.graph_triples(graph))
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def store_digests(store: Store) -> dict[str, str]:
    """Every named graph's digest, by graph IRI."""
    return {str(g): graph_digest(store, g) for g in store.graphs()}


def dataset_digests(store: Store) -> dict[str, str]:
    """Every named graph's digest, staging graphs included, plus the store's quad count
    under the key ``#quads``: a load that wrote anything anywhere (a leftover staging
    graph, a stray default-graph triple) changes this mapping.

    The rows come back as SPARQL TSV, whose terms are already in N-Triples syntax, so
    hashing needs no conversion to rdflib terms (ten times faster on a test landscape)."""
    data = store.query_serialized(
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", "text/tab-separated-values"
    )
    lines: dict[bytes, list[bytes]] = {}
    for row in data.splitlines()[1:]:
        graph, _, triple = row.partition(b"\t")
        lines.setdefault(graph, []).append(triple)
    out: dict[str, str] = {}
    for graph, triples in sorted(lines.items()):
        digest = hashlib.sha256()
        for line in sorted(triples):
            digest.update(line + b"\n")
        out[graph.decode("utf-8").strip("<>")] = digest.hexdigest()
    out["#quads"] = str(store.count())
    return out
