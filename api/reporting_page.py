"""``/reports/reporting-lines``: who reports to whom, about what, how often, on what basis
(:mod:`govgraph.graph.analysis.reporting`), as a page with CSV and JSON twins; GraphQL
``reportingLines`` answers the same lines."""

from __future__ import annotations

import anyio
from rdflib import URIRef
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
from govgraph.graph.analysis.overlaps import FindingsCache
from govgraph.graph.analysis.reporting import reporting_lines
from govgraph.graph.core.errors import GovgraphError
from govgraph.graph.facts.entities import entity_id
from govgraph.graph.facts.search import resolve_entity
from govgraph.graph.storage.store import Store

COLUMNS = ["reporter", "line", "receiver", "about", "frequency", "basis", "sources", "flags"]


def reporting_endpoint(store: Store, cache: FindingsCache) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        body_id = request.query_params.get("body", "").strip()
        try:
            media = choose(request, [HTML, JSON, CSV])
            # a name, alias or id, read as the maps' focus is (closest matches if unknown)
            body = URIRef(resolve_entity(store, body_id)) if body_id else None
            lines = await anyio.to_thread.run_sync(reporting_lines, store, body)
            orphans = await anyio.to_thread.run_sync(lambda: cache.get(store, kinds=["orphan"]))
        except GovgraphError as exc:
            return error_response(exc, request=request)
        no_line = sorted(
            ((f.subjects[0].id, f.subjects[0].name) for f in orphans),
            key=lambda x: x[1].lower(),
        )
        if body is not None:
            no_line = [x for x in no_line if x[0] == str(body)]
        if media == JSON:
            return json_response(
                {
                    "lines": [ln.to_dict() for ln in lines],
                    "noStatedLine": [{"id": entity_id(i), "name": n} for i, n in no_line],
                }
            )
        if media == CSV:
            return csv_response(
                COLUMNS,
                (
                    [
                        ln.reporter_name,
                        ln.kind,
                        ln.receiver_name,
                        ln.about,
                        ln.frequency or "not stated",
                        ln.basis or "",
                        [s.title + (f", {s.locator}" if s.locator else "") for s in ln.sources],
                        ln.flags,
                    ]
                    for ln in lines
                ),
                "reporting-lines.csv",
            )
        several = len({ln.reporter for ln in lines if ln.flags})
        return render(
            request,
            "reporting.html",
            {
                "title": "Who reports to whom",
                "lines": lines,
                "no_line": no_line,
                "several": several,
                "body_id": body_id,
                "entity_id": entity_id,
                "breadcrumbs": [
                    ("Home", "/"),
                    ("Reports", "/reports/overlaps"),
                    ("Who reports to whom", None),
                ],
            },
            landscape=await landscape(request),
        )

    return endpoint
