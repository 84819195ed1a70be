"""The pages a person starts from: home, the maps index and the bodies table. Each has a
machine twin (JSON, and CSV for the table) by link and by Accept."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

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
from govgraph.graph.analysis.front import (
    BROWSE_PARAMS,
    LINES,
    SCOPES,
    SORTS,
    Browse,
    Landscape,
    browse,
)
from govgraph.graph.analysis.overlaps import GROUPS, FindingsCache
from govgraph.graph.core.errors import GovgraphError
from govgraph.graph.storage.store import Store
from govgraph.ontology import model
from govgraph.ontology.terms import GG


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    href: str
    parts: tuple[tuple[str, int, str | None], ...] = ()


def home_data(land: Landscape, findings: Counter[str]) -> dict[str, Any]:
    """The home page's sentences, figures and entry points, from the data alone."""
    scope = land.in_scope
    groups = [b for b in scope if str(GG.Group) in b.types]
    bodies = [b for b in scope if str(GG.Group) not in b.types]
    types = Counter(b.type_label for b in bodies if b.type_label).most_common(4)
    in_scope = {b.iri for b in scope}
    lines = [ln for ln in land.lines if ln[0] in in_scope]
    areas = {a.id for b in scope for a in b.areas}
    actions = sum(land.actions.values())
    about = [
        f"{len(bodies):,} bodies and {len(groups):,} groups make up the Scottish care "
        f"landscape in this data, among them "
        + ", ".join(f"{n} {t if n == 1 else plural(t)}" for t, n in types)
        + ".",
        f"They work across {len(areas)} council and health board areas and answer to one "
        f"another along {len(lines):,} stated accountability lines; the plan behind The "
        f"Promise has {actions} actions, each assessed for progress.",
        f"Everything here is read from {len(land.sources)} public sources, named at the foot "
        "of every page, and each fact links to the source that states it.",
    ]
    figures = [
        Figure("bodies in the Scottish care landscape", len(bodies), "/organisations"),
        Figure("groups (boards, committees, teams)", len(groups), "/organisations?type=Group"),
        Figure(
            "stated accountability lines",
            len(lines),
            "/organisations?line=yes",
            (
                (
                    "bodies with a line",
                    sum(1 for b in scope if b.has_line),
                    "/organisations?line=yes",
                ),
                (
                    "bodies with none",
                    sum(1 for b in scope if not b.has_line),
                    "/organisations?line=no",
                ),
            ),
        ),
        Figure(
            "plan actions, by latest assessment",
            actions,
            "/maps/actions",
            tuple((status, n, None) for status, n in land.actions.most_common()),
        ),
        Figure(
            "overlap findings",
            sum(findings.values()),
            "/reports/overlaps",
            tuple(
                (group, findings[group], f"/reports/overlaps#{_anchor(group)}")
                for group in GROUPS
                if findings[group]
            ),
        ),
    ]
    starts = [
        (
            "Policy officers",
            "Find a body, see what it answers to and who it works with.",
            [("Browse the bodies", "/organisations"), ("See the maps", "/maps")],
        ),
        (
            "The Independent Strategic Advisor",
            "Where remits, memberships and accountability overlap or leave gaps.",
            [
                ("Read the overlap report", "/reports/overlaps"),
                ("Bodies with no line", "/organisations?line=no"),
            ],
        ),
        (
            "Researchers and developers",
            "Query the whole graph; every page here is also data.",
            [("GraphQL", "/graphql"), ("SPARQL", "/sparql"), ("The ontology", "/ontology")],
        ),
    ]
    return {"about": about, "figures": figures, "starts": starts}


def plural(noun: str) -> str:
    """English plural of a class label ("local authority" -> "local authorities")."""
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def _anchor(group: str) -> str:
    """The report's section anchor (visualisations/reports.py names sections this way)."""
    return group.lower().replace(" ", "-")


def finding_groups(findings: FindingsCache, store: Store) -> Counter[str]:
    group_of = {kind: group for group, kinds in GROUPS.items() for kind in kinds}
    return Counter(group_of.get(f.kind, "Other") for f in findings.get(store))


def home_endpoint(store: Store, findings: FindingsCache) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            media = choose(request, [HTML, JSON])
            land = await landscape(request)
            counts = await anyio.to_thread.run_sync(finding_groups, findings, store)
        except GovgraphError as exc:
            return error_response(exc, request=request)
        home = home_data(land, counts)
        if media == JSON:
            return json_response(
                {
                    "about": home["about"],
                    "dataVersion": land.version,
                    "figures": [
                        {
                            "label": f.label,
                            "value": f.value,
                            "href": f.href,
                            "parts": [{"label": t, "value": n, "href": h} for t, n, h in f.parts],
                        }
                        for f in home["figures"]
                    ],
                    "sources": [s.title for s in land.sources],
                }
            )
        return render(
            request,
            "home.html",
            {"title": "Home", "active": "home", "home": home, "twins": [("JSON", "json")]},
            landscape=land,
        )

    return endpoint


MAPS = (
    (
        "landscape",
        "The landscape",
        "Every body in the Scottish care landscape and how they relate.",
    ),
    (
        "accountability",
        "Accountability",
        "Who answers to whom around one body (reporting, direction, funding, regulation and "
        "scrutiny): open it from a body's page.",
    ),
    (
        "policy",
        "Policy areas",
        "Which bodies hold which policy areas and serve which client groups.",
    ),
    ("actions", "Plan actions", "The plan's actions, who leads them and how far each has got."),
    ("overlap", "Overlaps", "The overlap report's findings drawn as a map."),
    (
        "route-map",
        "Route maps: dependencies",
        "Route-map milestones by the year they are due, and what depends on what; each route "
        "map has its own page under Route maps (/route-maps).",
    ),
    (
        "ego",
        "Around one body",
        "A single body and its neighbours: open it from a body's page (Map around it).",
    ),
    ("diff", "Changes between two dates", "What was added, ended or changed between two dates."),
)


FOCUSED = ("accountability", "ego", "diff")
"""Maps drawn around a body or between two dates: reached from a body's page or a form."""


def maps_index_endpoint() -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            media = choose(request, [HTML, JSON])
        except GovgraphError as exc:
            return error_response(exc, request=request)
        maps = [
            {
                "kind": kind,
                "title": title,
                "text": text,
                "href": None if kind in FOCUSED else f"/maps/{kind}",
            }
            for kind, title, text in MAPS
        ]
        if media == JSON:
            return json_response({"maps": maps})
        crumbs = [("Home", "/"), ("Maps", None)]
        ctx = {"title": "Maps", "active": "maps", "maps": maps, "breadcrumbs": crumbs}
        return render(request, "maps.html", {**ctx, "twins": [("JSON", "json")]})

    return endpoint


COLUMNS = (
    ("name", "Name"),
    ("type", "Type"),
    ("areas", "Areas"),
    ("policy", "Policy areas"),
    ("start", "Dates"),
    ("line", "Line upward"),
)


def organisations_endpoint() -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            media = choose(request, [HTML, JSON, CSV])
            view = Browse.parse(dict(request.query_params))
            land = await landscape(request)
        except GovgraphError as exc:
            return error_response(exc, request=request)
        table = browse(land, view)
        if media == CSV:
            rows = [b.to_dict() for b in table.rows]
            cols = list(rows[0]) if rows else list(BROWSE_PARAMS)
            cols = [c for c in cols if c != "iri"] + ["iri"]
            return csv_response(cols, ([r[c] for c in cols] for r in rows), "organisations.csv")
        if media == JSON:
            return json_response(_table_json(table))
        return render(
            request,
            "organisations.html",
            _table_context(table),
            landscape=land,
        )

    return endpoint


def _table_json(table: Any) -> dict[str, Any]:
    view = table.view
    return {
        "view": view.params(page=view.page),
        "total": table.total,
        "page": view.page,
        "pages": table.pages,
        "rows": [b.to_dict() for b in table.rows],
        "facets": {
            f.name: [{"value": v.value, "label": v.label, "count": v.count} for v in f.values]
            for f in table.facets
        },
    }


def _table_context(table: Any) -> dict[str, Any]:
    view: Browse = table.view
    facet_key = {"policyArea": "policy_area", "clientGroup": "client_group"}

    def facet_link(name: str, value: str) -> dict[str, str]:
        attr = facet_key.get(name, name)
        return view.params(**{attr: None if getattr(view, attr) == value else value})

    def sort_link(key: str) -> dict[str, str]:
        return view.params(sort=f"-{key}" if view.sort == key else key, page=1)

    def page_link(page: int) -> dict[str, str]:
        return view.params(page=page)

    near = {1, table.pages, *range(view.page - 2, view.page + 3)}
    numbers: list[int | None] = []
    for n in range(1, table.pages + 1):
        if n in near:
            numbers.append(n)
        elif numbers and numbers[-1] is not None:
            numbers.append(None)  # an ellipsis

    labels = {f.name: {v.value: v.label for v in f.values} for f in table.facets}
    filters = []
    for name, attr in (
        ("type", "type"),
        ("area", "area"),
        ("policyArea", "policy_area"),
        ("clientGroup", "client_group"),
        ("line", "line"),
        ("asOf", "as_of"),
    ):
        value = getattr(view, attr)
        if value is not None:
            text = labels.get(name, {}).get(value) or (
                model.label(GG[value]) if name == "type" else LINES.get(value, value)
            )
            if name == "asOf":
                text = f"in existence on {value}"
            filters.append((text, "?" + urlencode(view.params(**{attr: None}))))
    what = "Bodies"
    if view.type is not None:
        label = model.label(GG[view.type])
        what = plural(label[:1].upper() + label[1:])
    where = {"scotland": " in the Scottish care landscape", "uk": " in UK-wide directories only"}
    heading = what + where.get(view.scope, "")
    crumbs = [("Home", "/"), ("Bodies", "/organisations" if filters else None)]
    if filters:
        crumbs.append((", ".join(t for t, _ in filters), None))
    first = (view.page - 1) * view.size + 1
    return {
        "title": heading,
        "heading": heading,
        "active": "bodies",
        "breadcrumbs": crumbs,
        "table": table,
        "filters": filters,
        "facet_link": facet_link,
        "sort_link": sort_link,
        "page_link": page_link,
        "page_numbers": numbers,
        "view_params": view.params(page=view.page),
        "columns": COLUMNS,
        "sorts": SORTS,
        "sort_label": SORTS[view.sort.lstrip("-")].lower(),
        "scopes": SCOPES,
        "first": first,
        "last": first + len(table.rows) - 1,
        "twins": [("CSV", "csv"), ("JSON", "json")],
    }
