"""``/search``: the site's search page, its JSON and CSV twins, and the data behind the
header's suggestions. One index per data version (:func:`~govgraph.graph.facts.search.index_for`)
serves the page, the suggestions and GraphQL ``search`` alike."""

from __future__ import annotations

from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response

from govgraph.api.costly import error_response
from govgraph.api.pages import (
    CSV,
    HTML,
    JSON,
    Endpoint,
    choose,
    csv_response,
    json_response,
    landscape,
    render,
)
from govgraph.graph.core.errors import GovgraphError, QueryError
from govgraph.graph.core.numbers import whole_number
from govgraph.graph.facts.entities import entity_id
from govgraph.graph.facts.search import GROUPS, OTHER, SearchResult, index_for

PAGE = 50
"""Hits on the HTML page: enough for any name, and the rest are a link away."""


def _hit_json(hit: Any) -> dict[str, Any]:
    return {
        "id": entity_id(hit.iri),
        "iri": hit.iri,
        "name": hit.name,
        "kind": hit.kind,
        "group": hit.group.key,
        "how": hit.how,
        "matched": hit.matched,
        "href": f"/id/{entity_id(hit.iri)}",
    }


def search_endpoint() -> Endpoint:
    async def endpoint(request: Request) -> Response:
        params = request.query_params
        text = params.get("q", "").strip()
        groups = params.getlist("group") or None
        try:
            media = choose(request, [HTML, JSON, CSV])
            try:
                first = whole_number(params.get("first", str(PAGE)))
            except ValueError as exc:
                raise QueryError(f"first: {exc}") from None
            store = request.app.state.store
            index = await anyio.to_thread.run_sync(index_for, store)
            found: SearchResult = index.search(text, first=first, groups=groups)
        except GovgraphError as exc:
            return error_response(exc, request=request)
        if media == JSON:
            return json_response(
                {
                    "query": text,
                    "total": found.total,
                    "didYouMean": found.did_you_mean,
                    "groups": found.group_counts,
                    "hits": [_hit_json(h) for h in found.hits],
                }
            )
        if media == CSV:
            return csv_response(
                ["id", "name", "kind", "group", "how", "matched"],
                (
                    [entity_id(h.iri), h.name, h.kind, h.group.key, h.how, h.matched]
                    for h in found.hits
                ),
                "search.csv",
            )
        try:
            land = await landscape(request)
        except GovgraphError as exc:
            return error_response(exc, request=request)
        chosen = set(groups or ())
        facets = [
            (g.key, g.heading, found.group_counts[g.key], g.key in chosen)
            for g in (*GROUPS, OTHER)
            if found.group_counts.get(g.key)
        ]
        return render(
            request,
            "search.html",
            {
                "title": f"Search: {text}" if text else "Search",
                "found": found,
                "text": text,
                "first": first,
                "facets": facets,
                "chosen": chosen,
                "entity_id": entity_id,
                "breadcrumbs": [("Home", "/"), ("Search", None)],
                "twins": [("JSON", "json"), ("CSV", "csv")] if text else [],
            },
            landscape=land,
        )

    return endpoint
