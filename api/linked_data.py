"""Entity IRIs that dereference: /id/{id} answers HTML, Turtle, JSON-LD, N-Triples or
RDF/XML by content negotiation (or ?format=), and /ontology serves the ontology."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict
from functools import partial
from typing import Any
from urllib.parse import urlencode

import anyio
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from govgraph.api.costly import error_response
from govgraph.api.negotiation import ENTITY, ONTOLOGY, RESOURCE, choose
from govgraph.api.pages import Endpoint, json_response, landscape, render
from govgraph.graph.analysis.findings import Finding
from govgraph.graph.analysis.front import (
    GROUP_PAGE,
    GROUP_PREVIEW,
    EntityView,
    bodies_linked,
    entity_view,
    reading,
)
from govgraph.graph.analysis.overlaps import KINDS, FindingsCache
from govgraph.graph.core.errors import GovgraphError, NotFound, QueryError
from govgraph.graph.core.text import text_problem
from govgraph.graph.facts.entities import describe, entity_id, iri_for
from govgraph.graph.facts.organisations import organisation_classes
from govgraph.graph.facts.relationships import accountability_line_kinds
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.ontology import model
from govgraph.ontology.model import local_name
from govgraph.ontology.terms import BASE, PREFIXES, ontology_path
from govgraph.visualisations.thumbnail import Neighbour, ego_svg

HTML = "text/html"
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
JSON = "application/json"
JSONLD_CONTEXT = {p: iri for p, iri in PREFIXES.items()}
"""Embedded in every JSON-LD answer: no remote @context is ever referenced."""


ALTERNATES = (
    ("json", "application/json"),
    ("ttl", "text/turtle"),
    ("jsonld", "application/ld+json"),
    ("nt", "application/n-triples"),
    ("rdf", "application/rdf+xml"),
)


def links(iri: str, *, html: bool = False) -> str:
    """The Link header: the IRI the data names this resource by (its w3id address, which
    redirects here) as canonical, and the document in every other format."""
    out = [f'<{iri}>; rel="canonical"']
    alternates = [("html", "text/html"), *ALTERNATES[1:]] if html else ALTERNATES
    out += [f'<?format={n}>; rel="alternate"; type="{m}"' for n, m in alternates]
    return ", ".join(out)


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


def entity_json(view: EntityView, findings: list[Finding]) -> dict[str, Any]:
    """The entity page's twin: what the page shows, grouped and counted the same way."""
    rec = view.rec
    return {
        "id": rec.id,
        "iri": rec.iri,
        "name": rec.name,
        "type": _label(rec.type),
        "aliases": rec.aliases,
        "description": rec.description,
        "start": rec.start,
        "end": rec.end,
        "sources": [asdict(s) for s in view.sources],
        "relationshipCount": view.total,
        "relationships": [
            {
                "kind": g.key,
                "label": g.label,
                "total": g.total,
                "byType": dict(g.by_type),
                "offset": g.start,
                "shown": [
                    {
                        "id": r.other.id,
                        "name": r.other.name,
                        "type": r.other_type,
                        "start": r.rel.start,
                        "end": r.rel.end,
                        "statutoryBasis": r.rel.statutory_basis,
                        "sources": [asdict(s) for s in r.sources],
                    }
                    for r in g.rows
                ],
            }
            for g in view.groups
        ],
        "accountabilityLines": [
            [
                {
                    "readsAs": _label(h.reads_as),
                    "to": view.names.get(h.target, h.target),
                    "id": entity_id(h.target),
                }
                for h in line
            ]
            for line in view.chain.lines
        ],
        "timeline": [
            {"date": e.date, "event": e.text, "with": e.other.name if e.other else None}
            for e in view.timeline
        ],
        "findings": [{"id": f.id, "kind": f.kind, "explanation": f.explanation} for f in findings],
    }


def _group_and_page(request: Request) -> tuple[str | None, int]:
    group = request.query_params.get("kind") or None
    page = request.query_params.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        raise QueryError(f"page must be a whole number from 1, not {page!r}")
    return group, int(page)


def entity_endpoint(store: Store, findings: FindingsCache) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        slug = request.path_params["slug"]
        headers = {"Vary": "Accept"}
        if not request.scope["path"].endswith("/" + slug):
            # Starlette's {slug:path} is ``.*$``: it drops a trailing newline ("/id/x%0a")
            return _not_found(request.scope["path"].rpartition("/id/")[2], headers, request)
        try:
            iri = iri_for(slug)
            media = choose(request, ENTITY)
            group, page = _group_and_page(request)
        except QueryError as exc:
            return error_response(exc, headers, request)
        headers["Link"] = links(str(iri))
        if media in (HTML, JSON):
            try:
                view = await anyio.to_thread.run_sync(entity_view, store, iri, group, page)
            except QueryError as exc:
                return error_response(exc, headers, request)
            if view is None:
                return _not_found(slug, headers, request)
            found = await anyio.to_thread.run_sync(_findings_of, findings, store, view.rec.iri)
            linked = bodies_linked(await landscape(request), view.rec.id)
            if media == JSON:
                data = entity_json(view, found)
                data["bodies"] = [
                    {"label": t, "count": n, "href": f"/organisations?{urlencode(q)}"}
                    for t, n, q in linked
                ]
                return json_response(data, headers)
            context = {**_page(view, found, group, slug), "linked": linked}
            if group is None:
                context["ego_svg"] = _drawing(view)
            return render(request, "entity.html", context, headers=headers)
        triples = await anyio.to_thread.run_sync(describe, store, iri)
        if not triples:
            return _not_found(slug, headers, request)
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


def _findings_of(cache: FindingsCache, store: Store, iri: str) -> list[Finding]:
    """The overlap findings naming the entity (cached per data version)."""
    return [f for f in cache.get(store) if any(s.id == iri for s in f.subjects)]


def _drawing(view: EntityView) -> str | None:
    """The entity and its neighbours, drawn from the relationships the page already read."""
    rec = view.rec
    neighbours = [
        Neighbour(
            r.other.iri, r.other.name, r.other_class, r.rel.kind, _label(reading(r.rel, rec.iri))
        )
        for r in view.rows
    ]
    return ego_svg(rec.name, rec.type or "", neighbours)


def _page(view: EntityView, found: list[Finding], group: str | None, slug: str) -> dict[str, Any]:
    crumbs: list[tuple[str, str | None]] = [("Home", "/")]
    if view.rec.type in {str(c.iri) for c in organisation_classes()}:
        crumbs.append(("Bodies", "/organisations"))
    if group is not None:
        crumbs += [(view.rec.name, f"/id/{slug}"), (f"All: {_group_label(view, group)}", None)]
    else:
        crumbs.append((view.rec.name, None))
    return {
        "title": view.rec.name,
        "view": view,
        "id": slug,
        "group": group,
        "findings": found,
        "below": [g for g in view.groups if g.key in _downward()],
        "finding_kinds": Counter(KINDS.get(f.kind, f.kind) for f in found).most_common(),
        "preview_findings": GROUP_PREVIEW // 2,
        "group_page": GROUP_PAGE,
        "preview": GROUP_PREVIEW,
        "breadcrumbs": crumbs,
        "active": "bodies" if len(crumbs) > 2 else None,
        "twins": [("JSON", "json"), ("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt")],
        "entity_id": entity_id,
    }


def _downward() -> set[str]:
    """Kinds read from the upper end of an accountability line ("directs", "regulates")."""
    return {local_name(str(k)) for k in accountability_line_kinds()[1]}


def _group_label(view: EntityView, key: str) -> str:
    return next((g.label for g in view.groups if g.key == key), key)


def _label(iri: str | None) -> str:
    return model.label(URIRef(iri)) if iri else ""


def _not_found(slug: str, headers: dict[str, str], request: Request) -> Response:
    return error_response(NotFound(f"There is no entity with the id {slug!r}."), headers, request)


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*")
RESOURCE_KINDS = {
    "source": ("Source", "A document or dataset the landscape's facts cite."),
    "graph": ("Named graph", "The statements loaded from one source, kept as one graph."),
}


def resource_endpoint(store: Store, namespace: str) -> Endpoint:
    """Every IRI the data mints dereferences: /source/{name} and /graph/{name} answer what
    the landscape states about the source or graph (HTML, or RDF by negotiation)."""
    kind_label, lead = RESOURCE_KINDS[namespace]

    async def endpoint(request: Request) -> Response:
        name = request.path_params["name"]
        headers = {"Vary": "Accept"}
        # refusals are raised: the app's exception handler answers them (error_response)
        if not _NAME.fullmatch(name) or not request.scope["path"].endswith("/" + name):
            raise NotFound(f"There is no {kind_label.lower()} named {name!r}.")
        media = choose(request, RESOURCE)
        iri = URIRef(f"{BASE}{namespace}/{name}")
        triples = await anyio.to_thread.run_sync(
            partial(store.construct, query("resource_describe"), {"resource": [iri]})
        )
        if not triples:
            raise NotFound(f"There is no {kind_label.lower()} named {name!r}.")
        headers["Link"] = links(str(iri), html=True)
        if media != HTML:
            body = await anyio.to_thread.run_sync(serialise, triples, media)
            return Response(body, media_type=media, headers=headers)
        rows = sorted((model.label(p) or local_name(str(p)), *_shown(o)) for _, p, o in triples)
        context = {
            "title": next((str(o) for _, p, o in triples if p in _TITLES), name),
            "kind_label": kind_label,
            "lead": lead,
            "iri": str(iri),
            "rows": rows,
            "twins": [("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("RDF/XML", "rdf")],
            "breadcrumbs": [("Home", "/"), (kind_label, None)],
        }
        return render(request, "resource.html", context, headers=headers)

    return endpoint


_TITLES = (DCTERMS.title, RDFS.label, SKOS.prefLabel)


def _shown(term: Any) -> tuple[str, str | None]:
    """A value as text and, for an IRI this site serves or a web address, a link; an
    ontology term by its label, linked to its entry on the ontology page."""
    if not isinstance(term, URIRef):
        return str(term), None
    iri = str(term)
    if iri.startswith(str(model.ONTOLOGY_IRI) + "#"):
        return model.label(term).capitalize(), "/ontology#" + local_name(iri)
    if iri.startswith(BASE):
        return iri, iri[len(BASE) - 1 :]
    return iri, iri if iri.startswith(("http://", "https://")) else None


def ontology_page() -> dict[str, Any]:
    """The ontology page's context: top classes for the contents, properties by what they
    say (relationships between things, other links, facts, annotations)."""
    onto = model.model()
    tops = [iri for iri, c in onto.classes.items() if not set(c.superclasses) & onto.classes.keys()]
    props = list(onto.properties.values())
    groups = [
        ("relationships", "Relationships", [p for p in props if p.is_relationship_kind]),
        (
            "links",
            "Other links",
            [p for p in props if p.kind == "object" and not p.is_relationship_kind],
        ),
        ("facts", "Facts", [p for p in props if p.kind == "datatype"]),
        ("annotations", "Annotations", [p for p in props if p.kind == "annotation"]),
    ]
    return {
        "title": "Ontology",
        "active": "ontology",
        "model": onto,
        "tops": tops,
        "descendants": {t: onto.descendants(t) for t in tops},
        "property_groups": [g for g in groups if g[2]],
        "breadcrumbs": [("Home", "/"), ("Ontology", None)],
        "twins": [("Turtle", "ttl"), ("JSON-LD", "jsonld")],
    }


async def ontology_endpoint(request: Request) -> Response:
    """The ontology: Turtle (the source file) or an HTML list of its terms."""
    headers = {"Vary": "Accept"}
    media = choose(request, ONTOLOGY)  # a refusal goes to the app's exception handler
    headers["Link"] = links(str(model.ONTOLOGY_IRI), html=True)
    if media == HTML:
        try:
            land = await landscape(request)
        except GovgraphError:
            land = None  # the ontology needs no data; the footer then names no version
        return render(request, "ontology.html", ontology_page(), headers=headers, landscape=land)
    if media == JSON:
        media = "application/ld+json"
    if media == "text/turtle":
        return Response(ontology_path().read_bytes(), media_type=media, headers=headers)
    graph = model.load_graph()
    return Response(serialise(list(graph), media), media_type=media, headers=headers)
