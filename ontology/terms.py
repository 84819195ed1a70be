"""Namespaces and IRI conventions shared by every layer.

Only namespaces live here: classes and properties are defined once, in ``govgraph.ttl``, and
code looks them up through :mod:`govgraph.ontology.model` rather than repeating lists.
"""

from __future__ import annotations

import re
import unicodedata
from importlib import resources
from pathlib import Path

from rdflib import Namespace, URIRef

from govgraph.graph.core.ids import is_entity_id

BASE = "https://w3id.org/govgraph/"
GG = Namespace(BASE + "ontology#")
"""Ontology terms: classes and properties."""
ID = Namespace(BASE + "id/")
"""Entities of the landscape: organisations, posts, actions, policy areas, ..."""
GRAPH = Namespace(BASE + "graph/")
"""Named graphs: one per source, plus the ontology and the inferred closure."""
SRC = Namespace(BASE + "source/")
"""Source documents and datasets that facts cite."""

ONTOLOGY_GRAPH = GRAPH["ontology"]
INFERRED_GRAPH = GRAPH["inferred"]
PRODUCT_GRAPHS = frozenset({ONTOLOGY_GRAPH, INFERRED_GRAPH, GRAPH["scenario"]})
"""Graphs govgraph itself writes (the ontology, the inferred closure, a scenario's own
statements); no source may name its graph after one (see
:func:`govgraph.loaders.registry.graph_claim_problem`)."""

ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")

PREFIXES: dict[str, str] = {
    "gg": str(GG),
    "id": str(ID),
    "ggraph": str(GRAPH),
    "src": str(SRC),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": str(PROV),
    "org": str(ORG),
    "schema": str(SCHEMA),
}


def entity(slug: str) -> URIRef:
    """The IRI of a landscape entity; slugs are lower-case words joined by hyphens."""
    if not is_entity_id(slug):
        raise ValueError(f"not a valid entity id {slug!r}: use lower-case letters, digits and '-'")
    return ID[slug]


def slug_of(iri: str) -> str:
    """The entity id of an IRI minted by :func:`entity` (its path after ``/id/``)."""
    if not iri.startswith(str(ID)):
        raise ValueError(f"{iri} is not a govgraph entity IRI")
    return iri[len(str(ID)) :]


def slugify(text: str) -> str:
    """A stable id from a name: 'Children's Hearings Scotland' -> 'childrens-hearings-scotland'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("&", " and ").replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def ontology_path(name: str = "govgraph.ttl") -> Path:
    """Path of a file shipped in the ontology package (works from a wheel or a checkout)."""
    return Path(str(resources.files("govgraph.ontology").joinpath(name)))
