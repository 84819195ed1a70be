"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only, time-limited and capped."""

from __future__ import annotations

import json
import re
from functools import partial
from urllib.parse import parse_qs, urlencode

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from govgraph.api.costly import Costly, error_response
from govgraph.api.negotiation import (
    HTML,
    SPARQL_GRAPH,
    SPARQL_RESULTS,
    SPARQL_SERVICE,
    TEXT,
    Kind,
    best,
    named,
    page_kind,
)
from govgraph.api.pages import Endpoint
from govgraph.graph.core.errors import (
    GovgraphError,
    NotAcceptable,
    QueryError,
    QueryTimeout,
    UnsupportedMediaType,
)
from govgraph.graph.storage.sandbox import Busy, Limits
from govgraph.graph.storage.sparql_guard import MAX_QUERY_CHARS, READ_ONLY, check_read_only, warm_up
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import PREFIXES

RESULT_TYPES = list(SPARQL_RESULTS.offered)
RDF_TYPES = list(SPARQL_GRAPH.offered)


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
    if request.method in ("GET", "HEAD"):
        return _one(params.getlist("query"), "query")
    content_type, _, options = request.headers.get("content-type", "").partition(";")
    content_type = content_type.strip().lower()
    body = _utf8(await request.body(), options)
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


def _utf8(body: bytes, options: str) -> str:
    """The body as text: UTF-8 is the protocol's only encoding, so another declared charset
    is a 415 and bytes that are not UTF-8 a 400 (never replacement characters)."""
    for option in options.split(";"):
        key, _, value = option.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            raise UnsupportedMediaType(
                f"the body is declared {value.strip()}: send it in UTF-8 (charset=utf-8)"
            )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"the body is not UTF-8 (byte {exc.start})") from None


def _only_comments(text: str) -> bool:
    """True for a text of blank and comment lines: nothing to run (not an Update)."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def service_description(endpoint: str, media: str = "text/turtle") -> bytes:
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
    from govgraph.api.linked_data import RDF_FORMATS

    return graph.serialize(format=RDF_FORMATS[media], encoding="utf-8")


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


Media = tuple[str | None, str | None]
"""The media type for a query's results and for a graph, None where none is acceptable."""


def answer(store: Store, text: str, media: Media) -> bytes:
    """Check the query, take the media type its form allows and run it: the work of one
    request, done inside the confined child so a hostile query stalls nobody else.
    The media type travels in front of the body, ended by a newline; a form the client
    accepts no type for comes back as ``!FORM`` and nothing runs."""
    checked = check_read_only(text)
    graph_result = checked.form in ("CONSTRUCT", "DESCRIBE")
    chosen = media[1] if graph_result else media[0]
    if chosen is None:
        return f"!{checked.form}".encode()
    body = store.query_serialized(
        checked.text,
        chosen if not graph_result else RESULT_TYPES[0],
        chosen if graph_result else RDF_TYPES[0],
    )
    return chosen.encode("ascii") + b"\n" + body


VARYING = re.compile(r"\b(RAND|NOW|UUID|STRUUID|BNODE)\s*\(|\\[uU]", re.IGNORECASE)
"""Functions whose value changes from one run to the next, and escapes that could spell
them: a query using them is run every time."""


def same_answer_each_time(text: str) -> bool:
    """Whether a query's answer depends on the data alone, so that an answer already given
    for the same text, media types and data version may be given again. The guard still
    checks every text before its first run, and a refused query is never kept."""
    return VARYING.search(text) is None


def guarded(text: str) -> bytes:
    """The guard alone, for a remote store (which bounds its own queries): the form and
    the decoded text the endpoint must send on."""
    checked = check_read_only(text)
    return f"{checked.form}\n{checked.text}".encode()


def choices(request: Request) -> tuple[Media, tuple[QueryError | None, QueryError | None]]:
    """What ``?format=`` or Accept asks for, for results and for graphs (the query's form
    decides which applies, and only the child running the guard knows it), with the error
    to raise for a form the request accepts nothing for."""
    formats = request.query_params.getlist("format")
    accept = request.headers.get("accept")
    media: list[str | None] = []
    errors: list[QueryError | None] = []
    for kind in (SPARQL_RESULTS, SPARQL_GRAPH):
        try:
            media.append(named(formats, kind) or best(accept, kind))
            errors.append(None)
        except QueryError as exc:
            media.append(None)
            errors.append(exc)
    return (media[0], media[1]), (errors[0], errors[1])


async def _run(
    store: Store,
    text: str,
    media: Media,
    costly: Costly,
    errors: tuple[QueryError | None, QueryError | None] = (None, None),
) -> tuple[str, bytes]:
    if len(text) > MAX_QUERY_CHARS:  # cheap, so refused before forking
        raise QueryError(f"query is longer than {MAX_QUERY_CHARS:,} characters")
    limits = costly.sparql

    def refused(form: str) -> QueryError:
        graph_result = form in ("CONSTRUCT", "DESCRIBE")
        return errors[1 if graph_result else 0] or NotAcceptable(f"no format for {form}")

    if not store.limits_queries:
        key = None
        if same_answer_each_time(text):
            version = (
                store.data_version()  # in memory: no thread needed
                if store.version_in_memory
                else await anyio.to_thread.run_sync(store.data_version)
            )
            key = ("sparql", id(store), version, text, media)
            kept: tuple[str, bytes] | None = costly.answers.get(key)
            if kept is not None:
                return kept
        work = partial(answer, store, text, media)
        framed = await costly.run_bytes("a SPARQL query", work, limits)
        if framed.startswith(b"!"):
            raise refused(framed[1:].decode("ascii"))
        chosen, _, body = framed.partition(b"\n")
        found = chosen.decode("ascii"), body
        if key is not None:
            costly.answers.put(key, found)
        return found
    # A remote engine is bounded by its HTTP timeouts; only the guard needs a child.
    form, _, checked = (
        (await costly.run_bytes("a SPARQL query", lambda: guarded(text), limits))
        .decode()
        .partition("\n")
    )
    graph_result = form in ("CONSTRUCT", "DESCRIBE")
    picked = media[1] if graph_result else media[0]
    if picked is None:
        raise refused(form)
    body = await anyio.to_thread.run_sync(
        partial(
            store.query_limited,
            checked,
            picked if not graph_result else RESULT_TYPES[0],
            picked if graph_result else RDF_TYPES[0],
            timeout=limits.timeout,
            max_bytes=limits.max_bytes,
        )
    )
    return picked, body


PAGE_ROWS = 1000
"""Rows the query page shows; the downloads hold every row (up to the byte cap)."""
PAGE_MEDIA: Media = (RESULT_TYPES[0], RDF_TYPES[0])


def wants_page(request: Request) -> bool:
    """A browser asking for a page: HTML named in Accept and preferred, and no ?format=.
    Clients that accept anything (``*/*``) keep getting the protocol's answers."""
    accept = request.headers.get("accept", "")
    if request.method != "GET" or "format" in request.query_params or HTML not in accept:
        return False
    try:
        return best(accept, page_kind([HTML, *RESULT_TYPES, TEXT])) == HTML
    except NotAcceptable:
        return False


async def query_page(request: Request, store: Store, costly: Costly) -> Response:
    """The query page: a form, example queries, and the answer as a table (or Turtle) with
    links to the same query as CSV, JSON, TSV or Turtle."""
    from govgraph.api.pages import render
    from govgraph.graph.storage.queries import examples

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
            media, body = await _run(store, text, PAGE_MEDIA, costly)
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


def _about(request: Request, costly: Costly, headers: dict[str, str]) -> Response:
    """GET /sparql with no query: the service description as RDF, or the help text."""
    kind: Kind = SPARQL_SERVICE
    media = named(request.query_params.getlist("format"), kind) or best(
        request.headers.get("accept"), kind
    )
    if media == TEXT:
        return PlainTextResponse(_help(costly.sparql), headers=headers)
    url = request.url
    body = service_description(f"{url.scheme}://{url.netloc}{url.path}", media)
    return Response(body, media_type=media, headers=headers)


def sparql_endpoint(store: Store, costly: Costly) -> Endpoint:
    warm_up()

    async def endpoint(request: Request) -> Response:
        headers = {"Vary": "Accept"}
        if wants_page(request):
            return await query_page(request, store, costly)
        try:
            text = await _query_text(request)
            if not text.strip():
                if request.method in ("GET", "HEAD") and "query" not in request.query_params:
                    return _about(request, costly, headers)
                raise QueryError("the query is empty")
            if _only_comments(text):
                raise QueryError("the query holds only comments: nothing to run")
            media, errors = choices(request)
            media_type, body = await _run(store, text, media, costly, errors)
        except GovgraphError as exc:
            return error_response(exc, headers, request)
        return Response(body, media_type=media_type, headers=headers)

    return endpoint
