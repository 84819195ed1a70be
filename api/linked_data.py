"""Entity IRIs that dereference: /id/{id} answers HTML, Turtle, JSON-LD, N-Triples or
RDF/XML by content negotiation (or ?format=), and /ontology serves the ontology."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import anyio
from jinja2 import Environment, FileSystemLoader
from rdflib import Graph, URIRef
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.templating import Jinja2Templates

from govgraph.api.sparql import negotiate
from govgraph.graph import chains
from govgraph.graph.core.text import text_problem
from govgraph.graph.entities import describe, entity_id, get_entities, get_sources, iri_for
from govgraph.graph.errors import QueryError
from govgraph.graph.records import Chain, EntityRecord, RelationshipRecord, SourceRef
from govgraph.graph.relationships import relationships_of
from govgraph.graph.store import Store
from govgraph.ontology import model
from govgraph.ontology.terms import ID, PREFIXES, ontology_path

HTML = "text/html"
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
OFFERED = [HTML, *RDF_FORMATS]
FORMAT_NAMES = {
    "html": HTML,
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
}
TEMPLATES = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(str(resources.files("govgraph.api").joinpath("templates"))),
        autoescape=True,
    )
)
JSONLD_CONTEXT = {p: iri for p, iri in PREFIXES.items()}
"""Embedded in every JSON-LD answer: no remote @context is ever referenced."""


def choose(request: Request) -> str:
    """The media type to answer with: ?format= wins, else the Accept header (HTML for a
    browser, and for clients that accept anything)."""
    explicit = request.query_params.get("format")
    if explicit is not None:
        media = FORMAT_NAMES.get(explicit.lower())
        if media is None:
            raise QueryError(f"unknown format {explicit!r}: use one of {', '.join(FORMAT_NAMES)}")
        return media
    return negotiate(request.headers.get("accept", "*/*") or "*/*", OFFERED)


def serialise(triples: list[Any], media: str) -> bytes:
    graph = Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    for triple in triples:
        graph.add(triple)
    fmt = RDF_FORMATS[media]
    if fmt == "json-ld":
        out = graph.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)
    else:
        out = graph.serialize(format=fmt)
    return out.encode("utf-8") if isinstance(out, str) else out


def xml_problem(triples: list[Any]) -> str | None:
    """Why these triples cannot be written as well-formed RDF/XML (a control character that
    XML 1.0 forbids even as a character reference, stored before loaders refused them), or
    None. rdflib would write the character as it is and the document would not parse."""
    for triple in triples:
        for term in triple:
            problem = text_problem(str(term))
            if problem:
                return problem
    return None


@dataclass
class Page:
    """Everything the HTML page shows, gathered in one worker-thread trip."""

    rec: EntityRecord
    sources: list[SourceRef]
    relationships: list[tuple[RelationshipRecord, str, str | None, list[SourceRef]]] = field(
        default_factory=list
    )
    names: dict[str, str] = field(default_factory=dict)
    chain: Chain | None = None


def gather(store: Store, iri: URIRef) -> Page | None:
    rec = get_entities(store, [iri]).get(iri)
    if rec is None:
        return None
    rels = relationships_of(store, [iri]).get(iri, [])[:500]
    chain = chains.accountability_chain(store, iri)
    nodes = [URIRef(n) for r in rels for n in r.nodes] + [URIRef(g) for r in rels for g in r.graphs]
    sources = get_sources(store, [iri, *nodes])
    others = {r.object if r.subject == str(iri) else r.subject for r in rels}
    others |= {h.target for h in chain.hops} | {h.source for h in chain.hops}
    names = {str(k): v.name for k, v in get_entities(store, [URIRef(o) for o in others]).items()}
    page = Page(rec, sources.get(iri, []), names=names, chain=chain)
    for r in rels:
        cited = [s for n in r.nodes for s in sources.get(URIRef(n), [])]
        cited = cited or [s for g in r.graphs for s in sources.get(URIRef(g), [])]
        other = r.object if r.subject == str(iri) else r.subject
        other_id = entity_id(other) if other.startswith(str(ID)) else None
        page.relationships.append((r, other, other_id, cited))
    return page


def entity_endpoint(store: Store):  # type: ignore[no-untyped-def]
    async def endpoint(request: Request) -> Response:
        slug = request.path_params["slug"]
        headers = {"Vary": "Accept"}
        if not request.scope["path"].endswith("/" + slug):
            # Starlette's {slug:path} is ``.*$``: it drops a trailing newline ("/id/x%0a")
            return _not_found(request.scope["path"].rpartition("/id/")[2], headers)
        try:
            iri = iri_for(slug)
            media = choose(request)
        except QueryError as exc:
            return PlainTextResponse(f"{exc}\n", status_code=400, headers=headers)
        links = ", ".join(
            f'<?format={n}>; rel="alternate"; type="{m}"'
            for n, m in (
                ("ttl", "text/turtle"),
                ("jsonld", "application/ld+json"),
                ("nt", "application/n-triples"),
            )
        )
        headers["Link"] = links
        if media == HTML:
            page = await anyio.to_thread.run_sync(gather, store, iri)
            if page is None:
                return _not_found(slug, headers)
            return TEMPLATES.TemplateResponse(
                request, "entity.html", {"page": page, "label": _label, "id": slug}, headers=headers
            )
        triples = await anyio.to_thread.run_sync(describe, store, iri)
        if not triples:
            return _not_found(slug, headers)
        if media == "application/rdf+xml":
            problem = await anyio.to_thread.run_sync(xml_problem, triples)
            if problem:
                return PlainTextResponse(
                    f"this entity's data cannot be written as RDF/XML ({problem}); ask for "
                    "?format=ttl, nt or jsonld\n",
                    status_code=406,
                    headers=headers,
                )
        body = await anyio.to_thread.run_sync(serialise, triples, media)
        return Response(body, media_type=media, headers=headers)

    return endpoint


def _label(iri: str | None) -> str:
    return model.label(URIRef(iri)) if iri else ""


def _not_found(slug: str, headers: dict[str, str]) -> Response:
    return PlainTextResponse(f"no entity with id {slug!r}\n", status_code=404, headers=headers)


async def ontology_endpoint(request: Request) -> Response:
    """The ontology: Turtle (the source file) or an HTML list of its terms."""
    headers = {"Vary": "Accept"}
    try:
        media = choose(request)
    except QueryError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=400, headers=headers)
    if media == HTML:
        return TEMPLATES.TemplateResponse(
            request, "ontology.html", {"model": model.model()}, headers=headers
        )
    if media == "text/turtle":
        return Response(ontology_path().read_bytes(), media_type=media, headers=headers)
    graph = model.load_graph()
    return Response(serialise(list(graph), media), media_type=media, headers=headers)
