"""``/compare?a=&b=[&c=]``: two or three bodies side by side, with JSON and CSV twins; the
same comparison GraphQL ``compare`` answers (:mod:`govgraph.graph.analysis.compare`)."""

from __future__ import annotations

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
from govgraph.graph.analysis.compare import ROWS, compare
from govgraph.graph.core.errors import GovgraphError, QueryError
from govgraph.graph.facts.entities import entity_id, iri_for

LIMIT = 25
"""Items per cell on the page; the JSON and CSV carry them all."""


def compare_endpoint() -> Endpoint:
    async def endpoint(request: Request) -> Response:
        params = request.query_params
        try:
            media = choose(request, [HTML, JSON, CSV])
            given = [params.get(k, "").strip() for k in ("a", "b", "c")]
            if not given[0] or not given[1]:
                raise QueryError("compare needs two bodies: /compare?a=<id>&b=<id> (and &c=)")
            iris = [iri_for(x) for x in given if x]
            store = request.app.state.store
            found = await anyio.to_thread.run_sync(compare, store, iris)
        except GovgraphError as exc:
            return error_response(exc, request=request)
        if media == JSON:
            return json_response(found.to_dict())
        if media == CSV:
            return csv_response(
                ["row", *(c.name for c in found.bodies)],
                (
                    [
                        heading,
                        *(
                            [
                                i.text + (" (shared)" if i.shared else "")
                                for i in c.rows.get(key, [])
                            ]
                            for c in found.bodies
                        ),
                    ]
                    for key, heading in ROWS
                ),
                "compare.csv",
            )
        names = [c.name for c in found.bodies]
        title = (
            " and ".join([", ".join(names[:-1]), names[-1]])
            if len(names) > 2
            else (" and ".join(names))
        )
        back = params.get("from", "")
        return render(
            request,
            "compare.html",
            {
                "title": f"Compare {title}",
                "comparison": found,
                "rows": ROWS,
                "limit": LIMIT,
                "entity_id": entity_id,
                "back": back if back.startswith("/reports/") else None,
                "breadcrumbs": [("Home", "/"), ("Reports", "/reports/overlaps"), ("Compare", None)],
            },
            landscape=await landscape(request),
        )

    return endpoint
