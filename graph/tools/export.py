"""Exports: the RDF itself, or the landscape as a network for Gephi and spreadsheets.

A network export keeps only what tools can take: node and edge attributes are scalars
(strings, numbers), lists are joined with '; ', and empty values are dropped, because
networkx cannot write lists or None to GraphML or GEXF.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import networkx as nx
from rdflib import Graph, URIRef

from govgraph.graph.core.csv_out import csv_bytes
from govgraph.graph.core.dates import parse_date
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.ontology import model
from govgraph.ontology.terms import GG, ID, PREFIXES

RDF_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
NETWORK_FORMATS = ("graphml", "gexf", "csv")
FORMATS = (*RDF_FORMATS, *NETWORK_FORMATS)

NODE_KINDS = [
    GG.Agent,
    GG.CareService,
    GG.Collective,
    GG.Fund,
    GG.Programme,
    GG.Action,
    GG.PriorityArea,
    GG.PolicyArea,
    GG.Foundation,
]
LINKS = [GG.leadOrganisation, GG.priorityArea, GG.linkedAction, GG.hasInterestIn]


def export(store: Store, fmt: str) -> bytes:
    """The store's asserted landscape in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt in RDF_FORMATS:
        return export_rdf(store, fmt)
    graph = network(store)
    if fmt == "graphml":
        return _write(nx.write_graphml, graph)
    if fmt == "gexf":
        return _write(nx.write_gexf, gexf_ready(graph))
    if fmt == "csv":
        return network_csv(graph)
    raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def export_rdf(store: Store, fmt: str) -> bytes:
    """The same data gives the same bytes in every run, so exports can be diffed: rdflib's
    N-Triples and JSON-LD writers follow its hash order, so their output is put in order
    (Turtle sorts by itself)."""
    g = Graph()
    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri)
    for triple in store.construct(query("source_graphs")):
        g.add(triple)
    if fmt == "jsonld":
        context = {p: iri for p, iri in PREFIXES.items()}
        return _ordered_jsonld(g.serialize(format="json-ld", context=context, encoding="utf-8"))
    data = g.serialize(format=RDF_FORMATS[fmt], encoding="utf-8")
    if fmt == "nt":
        return b"".join(sorted(data.splitlines(keepends=True)))
    return data


def _ordered_jsonld(data: bytes) -> bytes:
    """Nodes by @id, and each property's values (an unordered set in JSON-LD) sorted."""
    doc = json.loads(data)

    def key(value: object) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    def ordered(node: object) -> object:
        if isinstance(node, dict):
            return {k: ordered(v) if k != "@list" else v for k, v in node.items()}
        if isinstance(node, list):
            return sorted((ordered(v) for v in node), key=key)
        return node

    doc["@graph"] = ordered(doc.get("@graph", []))
    return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8")


def network(store: Store) -> nx.MultiDiGraph:
    """Entities as nodes (id = IRI) and stated links as edges, all attributes scalar. The
    short id is ``entity_id``: an attribute named ``id`` clashes with the GraphML/GEXF node
    id (igraph renames it, networkx's GEXF writer takes it as the id)."""
    graph = nx.MultiDiGraph()
    nodes: dict[str, dict[str, object]] = {}
    types: dict[str, set[URIRef]] = {}
    aliases: dict[str, set[str]] = {}
    for row in store.select(query("export_nodes"), {"kinds": NODE_KINDS}):
        iri = str(row["e"])
        attrs = nodes.setdefault(
            iri, {"label": str(row["name"]), "iri": iri, "entity_id": _short(iri)}
        )
        if "type" in row:
            types.setdefault(iri, set()).add(row["type"])  # type: ignore[arg-type]  # rows are typed Node; the query binds IRIs here
        if "alias" in row:
            aliases.setdefault(iri, set()).add(str(row["alias"]))
        for key in ("start", "end"):
            if key in row:
                attrs[key] = str(row[key])
    for iri, attrs in nodes.items():
        best = model.most_specific(types.get(iri, ()))
        if best is not None:
            attrs["type"] = model.local_name(best)
            attrs["type_label"] = model.label(best)
        if aliases.get(iri):
            attrs["aliases"] = "; ".join(sorted(aliases[iri]))
        graph.add_node(iri, **attrs)
    predicates = [p.iri for p in model.relationship_kinds()] + LINKS
    for row in store.select(query("export_edges"), {"predicates": predicates}):
        s, p, o = str(row["s"]), row["p"], str(row["o"])
        if s in nodes and o in nodes:
            graph.add_edge(s, o, kind=model.local_name(str(p)), label=model.label(p))
    return graph


def gexf_ready(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose ``start``/``end`` (which networkx writes as the GEXF's spells, declaring
    ``timeformat="date"``) are whole dates: a year or a month given by a source becomes its
    first day as a start and its last day as an end, the period it means. Gephi refuses
    ``2019`` or ``2019-06`` as a date."""
    out = graph.copy()
    for _, attrs in out.nodes(data=True):
        for key, side in (("start", "earliest"), ("end", "latest")):
            if key in attrs:
                try:
                    attrs[key] = getattr(parse_date(attrs[key]), side).isoformat()
                except ValueError:
                    del attrs[key]  # an ill-formed date stored without validation
    return out


def network_csv(graph: nx.MultiDiGraph) -> bytes:
    """One row per link (isolated entities get a row of their own), formula-safe, as a
    file with a byte-order mark."""
    cols = [
        "subject_id",
        "subject_name",
        "subject_type",
        "kind",
        "object_id",
        "object_name",
        "object_type",
    ]
    rows = []
    for s, o, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[2]["kind"], e[1])):
        a, b = graph.nodes[s], graph.nodes[o]
        rows.append(
            [
                a["entity_id"],
                a["label"],
                a.get("type", ""),
                data["kind"],
                b["entity_id"],
                b["label"],
                b.get("type", ""),
            ]
        )
    for n in sorted(graph.nodes):
        if graph.degree(n) == 0:
            a = graph.nodes[n]
            rows.append([a["entity_id"], a["label"], a.get("type", ""), "", "", "", ""])
    return csv_bytes(cols, rows)


def _short(iri: str) -> str:
    return iri[len(str(ID)) :] if iri.startswith(str(ID)) else iri


def _write(
    writer: Callable[[nx.MultiDiGraph, io.BytesIO], object], graph: nx.MultiDiGraph
) -> bytes:
    buffer = io.BytesIO()
    writer(graph, buffer)
    return buffer.getvalue()
