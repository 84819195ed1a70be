"""Content digests of the store, graph by graph: proof that a failed load changed nothing."""

from __future__ import annotations

import hashlib

from rdflib import URIRef

from govgraph.graph.store import Store


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
