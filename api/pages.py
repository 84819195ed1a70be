"""The one Jinja environment and layout of every HTML page the API serves, content
negotiation between a page and its machine twins (JSON, CSV), and error pages.

Pages are for people on locked-down machines: server-rendered, autoescaped, styled by the
vendored Scottish Government Design System (static/sgds), with no script and nothing
fetched from off the machine.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from importlib import resources
from typing import Any
from urllib.parse import urlencode

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.templating import Jinja2Templates

from govgraph.api.negotiation import best, named, page_kind
from govgraph.graph.analysis.front import FrontCache, Landscape
from govgraph.graph.core.csv_out import csv_bytes
from govgraph.graph.core.errors import NotAcceptable
from govgraph.visualisations.templating import make_environment

Endpoint = Callable[[Request], Awaitable[Response]]
"""A route handler: every page module's endpoints are built as closures of this type."""

HTML = "text/html"
JSON = "application/json"
CSV = "text/csv"

ENV = make_environment(
    str(resources.files("govgraph.api").joinpath("templates")), trim_blocks=False
)
"""The pages' environment: the one construction, with the pages' folder and whitespace."""
TEMPLATES = Jinja2Templates(env=ENV)

NAV = (
    ("home", "Home", "/"),
    ("bodies", "Bodies", "/organisations"),
    ("maps", "Maps", "/maps"),
    ("routes", "Route maps", "/route-maps"),
    ("reports", "Reports", "/reports/overlaps"),
    ("graphql", "GraphQL", "/graphql"),
    ("sparql", "SPARQL", "/sparql"),
    ("ontology", "Ontology", "/ontology"),
)
"""The header's links, in order: (key, label, path)."""


def front(request: Request) -> FrontCache:
    """The app's cache of the landscape the pages read (one per app, like FindingsCache)."""
    cache: FrontCache = request.app.state.front  # starlette's state holds Any
    return cache


async def landscape(request: Request) -> Landscape:
    store = request.app.state.store
    return await anyio.to_thread.run_sync(front(request).get, store)


def choose(request: Request, offered: Sequence[str]) -> str:
    """The media type to answer with from ``offered`` (HTML first): ``?format=`` wins, else
    Accept, so every page's twin is both a link and a header away."""
    kind = page_kind(offered)
    return named(request.query_params.getlist("format"), kind) or best(
        request.headers.get("accept"), kind
    )


def twin(request: Request, fmt: str) -> str:
    """This page's URL with ``format=fmt``."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "format"]
    return f"{request.url.path}?{urlencode([*params, ('format', fmt)])}"


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    landscape: Landscape | None = None,
) -> Response:
    """A page in the layout: the footer names the data version and the loaded sources
    (from ``landscape``, else the last one read: an error page never queries)."""
    seen = landscape or front(request).peek()
    ctx = {
        "nav": NAV,
        "landscape": seen,
        "twin": lambda fmt: twin(request, fmt),
        "query": request.query_params.get("q", ""),
        **context,
    }
    out = {"Vary": "Accept", **(headers or {})}
    return TEMPLATES.TemplateResponse(request, template, ctx, status_code=status, headers=out)


def json_response(data: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=1)
    out = {"Vary": "Accept", **(headers or {})}
    return Response(body, media_type=JSON, headers=out)


def csv_response(columns: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """A table as CSV (lists joined by "; "), offered as a download: written by the one CSV
    writer, so a cell that starts like a formula cannot run in a spreadsheet."""
    joined = (["; ".join(v) if isinstance(v, list | tuple) else v for v in row] for row in rows)
    headers = {"Vary": "Accept", "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(csv_bytes(columns, joined), media_type=f"{CSV}; charset=utf-8", headers=headers)


TITLES = {400: "There is a problem with the request", 404: "Page not found"}


def error_page(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """The error as a person sees it (a page in the layout) or as a machine does (JSON or
    plain text), by Accept."""
    out = dict(headers or {})
    out.setdefault("Vary", "Accept")
    try:  # an error page is never refused: what the client cannot take gets plain text
        media = best(request.headers.get("accept"), page_kind(["text/plain", JSON, HTML]))
    except NotAcceptable:
        media = "text/plain"
    if media == JSON:
        return Response(
            json.dumps({"error": message, "status": status}),
            status_code=status,
            media_type=JSON,
            headers=out,
        )
    if media != HTML:
        return PlainTextResponse(f"{message}\n", status_code=status, headers=out)
    title = TITLES.get(status, "Sorry, the service is unavailable")
    context = {
        "status": status,
        "title": title,
        "message": message,
        "breadcrumbs": [("Home", "/"), (title, None)],
    }
    if "retry-after" in {k.lower() for k in out}:
        context["retry"] = next(v for k, v in out.items() if k.lower() == "retry-after")
    return render(request, "error.html", context, status=status, headers=out)
