"""The ontology as a named graph of the store, so SPARQL can read labels and the hierarchy."""

from __future__ import annotations

import hashlib
from functools import cache

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS

from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import ONTOLOGY_GRAPH, ontology_path

ONTOLOGY_FILES = ("govgraph.ttl", "alignment.ttl")


def ontology_rdf() -> Graph:
    """A fresh rdflib Graph of the ontology and its alignments."""
    graph = Graph()
    for name in ONTOLOGY_FILES:
        graph.parse(ontology_path(name), format="turtle")
    return graph


@cache
def ontology_ntriples() -> bytes:
    """The ontology and its alignments as N-Triples, parsed once per process."""
    return ontology_rdf().serialize(format="nt", encoding="utf-8")


@cache
def _stamped() -> tuple[str, bytes]:
    # The digest is of the shipped Turtle files, not of the N-Triples: those carry fresh
    # blank-node labels in every process, so their digest would never match the stored one.
    files = hashlib.sha256()
    for name in ONTOLOGY_FILES:
        files.update(ontology_path(name).read_bytes())
    digest = "sha256:" + files.hexdigest()
    data = ontology_ntriples()
    stamp = f'<{ONTOLOGY_GRAPH}> <{DCTERMS.hasVersion}> "{digest}" .\n'.encode()
    return digest, data + stamp


def load_ontology(store: Store) -> int:
    """Put the shipped ontology in :data:`ONTOLOGY_GRAPH`, unless that exact version is
    already there (its blank nodes would otherwise be renamed on every load); returns its
    triple count."""
    digest, data = _stamped()
    if store.ask(
        "ASK { GRAPH ggraph:ontology { ggraph:ontology dcterms:hasVersion ?v } "
        "VALUES ?v { <urn:govgraph:param:v> } }",
        {"v": [Literal(digest)]},
    ):
        return store.count(ONTOLOGY_GRAPH)
    return store.replace_graph(ONTOLOGY_GRAPH, data)
