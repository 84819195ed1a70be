"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only, time-limited and capped."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import partial
from urllib.parse import parse_qs, urlencode

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from govgraph.api.costly import Costly, error_response
from govgraph.graph.errors import GovgraphError, QueryError, QueryTimeout
from govgraph.graph.sandbox import Busy, Limits
from govgraph.graph.sparql_guard import MAX_QUERY_CHARS, READ_ONLY, check_read_only, warm_up
from govgraph.graph.store import Store
from govgraph.ontology.terms import PREFIXES

RESULT_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
RDF_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
_ALIASES = {
    "json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "application/xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}


def negotiate(accept: str, offered: list[str], aliases: Mapping[str, str] | None = None) -> str:
    """The first offered type the Accept header admits, by q-value; else the first offered.
    ``aliases`` (SPARQL's result types by default) read a general type as a specific one;
    pages pass none, so that application/json means the page's JSON twin."""
    aliases = _ALIASES if aliases is None else aliases
    best, best_q = offered[0], -1.0
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        media = aliases.get(media.strip().lower(), media.strip().lower())
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        candidates = offered if media in ("*/*", "") else [m for m in offered if m == media]
        if media.endswith("/*") and media != "*/*":
            candidates = [m for m in offered if m.startswith(media[:-1])]
        if candidates and q > best_q:
            best, best_q = candidates[0], q
    return best


DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
NO_DATASET = (
    "default-graph-uri and named-graph-uri are not supported: the default graph is the "
    "union of every source"
)


def _one(values: list[str], name: str) -> str:
    if len(values) > 1:
        raise QueryError(f"send one '{name}' parameter, not {len(values)}")
    return values[0] if values else ""


async def _query_text(request: Request) -> str:
    """The query of a protocol request, refusing Update and dataset parameters wherever
    they are sent (URL or form body alike) and a query given twice."""
    params = request.query_params
    if "update" in params or "using-graph-uri" in params:
        raise QueryError(READ_ONLY)
    if any(name in params for name in DATASET_PARAMETERS):
        raise QueryError(NO_DATASET)
    if request.method == "GET":
        return _one(params.getlist("query"), "query")
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    body = (await request.body()).decode("utf-8", "replace")
    if content_type == "application/sparql-query":
        if "query" in params:
            raise QueryError("send the query in the body or as ?query=, not both")
        return body
    if content_type == "application/x-www-form-urlencoded":
        form = parse_qs(body)
        if "update" in form or "using-graph-uri" in form:
            raise QueryError(READ_ONLY)
        if any(name in form for name in DATASET_PARAMETERS):
            raise QueryError(NO_DATASET)
        return _one(form.get("query", []) + params.getlist("query"), "query")
    if content_type == "application/sparql-update":
        raise QueryError(READ_ONLY)
    raise QueryError(
        "POST a query as application/sparql-query or as the form field 'query' "
        "(application/x-www-form-urlencoded)"
    )


def service_description(endpoint: str) -> bytes:
    """The SPARQL service description, serialised by rdflib from the endpoint's address
    (scheme, host and path only: nothing a client sends in the query string gets in, and a
    Host header that makes no valid IRI is refused)."""
    import pyoxigraph
    from rdflib import BNode, Graph, Namespace, URIRef
    from rdflib.namespace import RDF

    try:
        pyoxigraph.NamedNode(endpoint)
    except ValueError:
        raise QueryError("the request's Host header does not make a valid address") from None

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    fmt = Namespace("http://www.w3.org/ns/formats/")
    graph = Graph()
    graph.bind("sd", sd)
    graph.bind("fmt", fmt)
    service = BNode()
    graph.add((service, RDF.type, sd.Service))
    graph.add((service, sd.endpoint, URIRef(endpoint)))
    graph.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    graph.add((service, sd.feature, sd.UnionDefaultGraph))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV"):
        graph.add((service, sd.resultFormat, fmt[name]))
    for name in ("SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        graph.add((service, sd.resultFormat, fmt[name]))
    return graph.serialize(format="turtle", encoding="utf-8")


def _help(limits: Limits) -> str:
    return (
        "govgraph SPARQL 1.1 endpoint (read-only). Send ?query=... or POST "
        "application/sparql-query (or the form field 'query'). Prefixes "
        + ", ".join(f"{p}:" for p in PREFIXES)
        + " are predeclared; the default graph is the union of all sources (FROM, FROM NAMED, "
        "SERVICE, LOAD and Update are refused). Results: JSON, XML, CSV, TSV; graphs: "
        f"Turtle, N-Triples, JSON-LD, RDF/XML. Timeout {limits.timeout:g} s; results capped "
        f"at {limits.max_bytes:,} bytes; \\u escapes are decoded before the query is checked. "
        "Accept: text/turtle for a service description.\n"
    )


def answer(store: Store, text: str, accept: str) -> bytes:
    """Check the query, choose the media type its form allows and run it: the work of one
    request, done inside the confined child so a hostile query stalls nobody else.
    The media type travels in front of the body, ended by a newline."""
    checked = check_read_only(text)
    graph_result = checked.form in ("CONSTRUCT", "DESCRIBE")
    media = negotiate(accept, RDF_TYPES if graph_result else RESULT_TYPES)
    body = store.query_serialized(
        checked.text,
        media if not graph_result else RESULT_TYPES[0],
        media if graph_result else RDF_TYPES[0],
    )
    return media.encode("ascii") + b"\n" + body


def guarded(text: str) -> bytes:
    """The guard alone, for a remote store (which bounds its own queries): the form and
    the decoded text the endpoint must send on."""
    checked = check_read_only(text)
    return f"{checked.form}\n{checked.text}".encode()


async def _run(store: Store, text: str, accept: str, costly: Costly) -> tuple[str, bytes]:
    if len(text) > MAX_QUERY_CHARS:  # cheap, so refused before forking
        raise QueryError(f"query is longer than {MAX_QUERY_CHARS:,} characters")
    limits = costly.sparql
    if not store.limits_queries:
        work = partial(answer, store, text, accept)
        framed = await costly.run_bytes("a SPARQL query", work, limits)
        media, _, body = framed.partition(b"\n")
        return media.decode("ascii"), body
    # A remote engine is bounded by its HTTP timeouts; only the guard needs a child.
    form, _, checked = (
        (await costly.run_bytes("a SPARQL query", lambda: guarded(text), limits))
        .decode()
        .partition("\n")
    )
    graph_result = form in ("CONSTRUCT", "DESCRIBE")
    media = negotiate(accept, RDF_TYPES if graph_result else RESULT_TYPES)
    body = await anyio.to_thread.run_sync(
        partial(
            store.query_limited,
            checked,
            media if not graph_result else RESULT_TYPES[0],
            media if graph_result else RDF_TYPES[0],
            timeout=limits.timeout,
            max_bytes=limits.max_bytes,
        )
    )
    return media, body


PAGE_ROWS = 1000
"""Rows the query page shows; the downloads hold every row (up to the byte cap)."""
PAGE_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


def wants_page(request: Request) -> bool:
    """A browser asking for a page: HTML named in Accept and preferred, and no ?format=.
    Clients that accept anything (``*/*``) keep getting the protocol's answers."""
    accept = request.headers.get("accept", "")
    if request.method != "GET" or "format" in request.query_params or "text/html" not in accept:
        return False
    return negotiate(accept, ["text/html", *RESULT_TYPES, "text/plain"]) == "text/html"


async def query_page(request: Request, store: Store, costly: Costly) -> Response:
    """The query page: a form, example queries, and the answer as a table (or Turtle) with
    links to the same query as CSV, JSON, TSV or Turtle."""
    from govgraph.api.pages import render
    from govgraph.graph.queries import examples

    text = request.query_params.get("query", "")
    context: dict[str, object] = {
        "title": "SPARQL query",
        "active": "sparql",
        "text": text or examples()[0].text,
        "examples": [(e.title, e.text) for e in examples()],
        "prefixes": PREFIXES,
        "limits": costly.sparql,
        "breadcrumbs": [("Home", "/"), ("SPARQL query", None)],
    }
    status = 200
    if text.strip():
        try:
            media, body = await _run(store, text, PAGE_ACCEPT, costly)
            context.update(_shown(media, body))
            context["downloads"] = _downloads(text, media)
        except GovgraphError as exc:
            context["error"] = str(exc)
            status = 503 if isinstance(exc, Busy | QueryTimeout) else 400
    from govgraph.api.pages import landscape

    try:
        land = await landscape(request)
    except GovgraphError:
        land = None  # the page still works; its footer just names no data version
    return render(request, "sparql.html", context, status=status, landscape=land)


def _shown(media: str, body: bytes) -> dict[str, object]:
    if media != RESULT_TYPES[0]:
        return {"graph": body.decode("utf-8", "replace")}
    data = json.loads(body)
    if "boolean" in data:
        return {"boolean": data["boolean"]}
    columns = data["head"]["vars"]
    bindings = data["results"]["bindings"]
    rows = [[_cell(b.get(c)) for c in columns] for b in bindings[:PAGE_ROWS]]
    return {"columns": columns, "rows": rows, "total": len(bindings)}


def _cell(term: dict[str, str] | None) -> tuple[str, str | None]:
    """A result cell as (text, link): our entities link to their pages."""
    if term is None:
        return "", None
    value = term["value"]
    if term["type"] == "uri":
        entity = PREFIXES["id"]
        if value.startswith(entity):
            return "id:" + value[len(entity) :], "/id/" + value[len(entity) :]
        return value, value if value.startswith(("http://", "https://")) else None
    return value, None


def _downloads(text: str, media: str) -> list[tuple[str, str]]:
    formats = (
        [("CSV", "csv"), ("JSON", "json"), ("TSV", "tsv")]
        if media == RESULT_TYPES[0]
        else [("Turtle", "ttl"), ("N-Triples", "nt"), ("JSON-LD", "jsonld")]
    )
    return [(name, "/sparql?" + urlencode({"query": text, "format": fmt})) for name, fmt in formats]


def sparql_endpoint(store: Store, costly: Costly):  # type: ignore[no-untyped-def]
    warm_up()

    async def endpoint(request: Request) -> Response:
        headers = {"Vary": "Accept"}
        if wants_page(request):
            return await query_page(request, store, costly)
        try:
            text = await _query_text(request)
            if not text.strip():
                if request.method == "GET" and "query" not in request.query_params:
                    accept = request.headers.get("accept", "")
                    if negotiate(accept, ["text/plain", "text/turtle"]) == "text/turtle":
                        endpoint = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
                        body = service_description(endpoint)
                        return Response(body, media_type="text/turtle", headers=headers)
                    return PlainTextResponse(_help(costly.sparql), headers=headers)
                raise QueryError("the query is empty")
            explicit = request.query_params.get("format")
            accept = (
                _ALIASES.get(explicit, explicit) if explicit else request.headers.get("accept", "")
            )
            media, body = await _run(store, text, accept or "", costly)
        except GovgraphError as exc:
            return error_response(exc, headers, request)
        return Response(body, media_type=media, headers=headers)

    return endpoint
