"""The ``route-map`` map kind: a route map's milestones and commitments in rows by the year
they are due (earliest at the top), with the dependencies between them drawn as arrows
("depends on").

Focus on one route map (``--focus route-map/<id>``) or draw every route map at once. A node
is coloured by its latest status at the as-of date when one is recorded, else by its class.
"""

from __future__ import annotations

from rdflib import URIRef

from govgraph.graph.core.errors import QueryError
from govgraph.graph.facts.route_maps import Item, RouteMaps, read_route_maps
from govgraph.graph.storage.store import Store
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG
from govgraph.visualisations import extract as x
from govgraph.visualisations.kinds import MapRequest, register
from govgraph.visualisations.model import MapEdge, MapModel, MapNode

LABEL_CHARS = 48


def _label(item: Item) -> str:
    text = item.label(LABEL_CHARS)
    return f"{item.due or 'no date'} · {text}"


def _levels(data: RouteMaps, items: list[Item]) -> dict[str, int]:
    """A level (a row on the map, a column on the page) per due year, from the earliest; a
    commitment takes its earliest milestone's year; what has no date goes last."""
    years = {i.iri: i.year for i in items}
    for i in items:
        if years[i.iri] is None and i.kind == "commitment":
            own = [m.year for m in items if m.commitment == i.iri and m.year]
            years[i.iri] = min(own) if own else None
    dated = sorted({y for y in years.values() if y is not None})
    column = {y: n for n, y in enumerate(dated)}
    return {iri: column[y] if y is not None else len(dated) for iri, y in years.items()}


def drawn_items(data: RouteMaps, focus: str | None) -> list[Item]:
    """Every milestone, and the commitments that take part in a dependency or hold a
    milestone (the others have no place in time to be drawn at)."""
    if focus is not None and focus not in data.maps:
        raise QueryError("the route-map map's focus must be a route map (route-map/<id>)")
    items = [i for i in data.items.values() if focus is None or i.route_map == focus]
    linked = {a for a, b in data.dependencies()} | {b for a, b in data.dependencies()}
    parents = {i.commitment for i in items if i.commitment}
    return [i for i in items if i.kind == "milestone" or i.iri in linked or i.iri in parents]


@register("route-map")
def route_map(store: Store, req: MapRequest) -> MapModel:
    """Milestones by year, with what depends on what."""
    data = read_route_maps(store)
    items = drawn_items(data, req.focus)
    levels = _levels(data, items)
    nodes: dict[str, MapNode] = {}
    for i in items:
        kind = GG.Milestone if i.kind == "milestone" else GG.Commitment
        status = i.status_at(req.as_of)
        lead = [r.name for r in i.responsible if r.tier == str(GG.LeadTier)]
        notes = [f"due {i.due_as_written or i.due}" if i.due else "no due date"]
        notes.append(f"responsible: {', '.join(lead)}" if lead else "no lead named")
        if status is not None:
            notes.append(f"{ontology.label(URIRef(status.status))} ({status.date})")
        if req.focus is None:
            notes.append(f"route map: {data.maps[i.route_map].name}")
        nodes[i.iri] = MapNode(
            id=i.iri,
            label=_label(i),
            group=status.status if status is not None else str(kind),
            type=str(kind),
            description=i.text,
            sources=tuple(f"{s.title}{': ' + s.locator if s.locator else ''}" for s in i.sources),
            notes=tuple(notes),
            level=levels[i.iri],
        )
    edges = [
        MapEdge(a, b, str(GG.dependsOn))
        for a, b in data.dependencies()
        if a in nodes and b in nodes
    ]
    edges += [
        MapEdge(i.commitment, i.iri, str(GG.hasMilestone)) for i in items if i.commitment in nodes
    ]
    name = data.maps[req.focus].name if req.focus else "all route maps"
    srcs = x.sources(store)
    years = sorted({i.year for i in items if i.year})
    span = f"{years[0]}–{years[-1]}" if years else "no dates"
    return MapModel(
        kind="route-map",
        title=f"Dependency map: {name}",
        subtitle=x.subtitle(len(nodes), len(edges), srcs, req.as_of),
        nodes=list(nodes.values()),
        edges=edges,
        sources=srcs,
        focus=req.focus,
        layout="layered",
        direction="UD",
        shape="box",
        notes=(
            f"Rows are the years milestones are due ({span}), earliest at the top; "
            "undated ones are in the last row. Arrows read 'depends on'.",
        ),
    )


# --- the page's drawing: a static SVG (the pages' CSP allows no script or framing) ----------

BOX_W, LINE_H, GAP, COL_GAP, CHARS, MAX_LINES = 230, 15, 14, 70, 32, 4


def _wrap(text: str) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word[: CHARS - 1] + "…" if len(word) > CHARS else word)
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], lines[MAX_LINES - 1][: CHARS - 1].rstrip() + "…"]
    return lines


def timeline_svg(data: RouteMaps, map_iri: str, as_of: str | None) -> str:
    """The route map's milestones (and the commitments in its dependencies) in columns by
    due year, left to right, each box coloured by its status at ``as_of`` (else by its
    class), with an arrow from each item to what it depends on. Plain SVG attributes only."""
    from html import escape

    from govgraph.visualisations.model import term_colour, text_colour

    items = drawn_items(data, map_iri)
    if not items:
        return ""
    levels = _levels(data, items)
    columns = sorted(set(levels.values()))
    heads = {lvl: "no date" for lvl in columns}
    for i in items:
        if i.year is not None and (i.kind == "milestone" or levels[i.iri] not in heads):
            heads[levels[i.iri]] = str(i.year)
    boxes: dict[str, tuple[int, float, int, list[str], Item]] = {}  # x, y, height, lines
    height = 0.0
    for n, lvl in enumerate(columns):
        x = 10 + n * (BOX_W + COL_GAP)
        y = 40.0
        for i in sorted(
            (i for i in items if levels[i.iri] == lvl), key=lambda i: (i.due or "9999", i.text)
        ):
            lines = _wrap(f"{i.due_as_written or i.due or 'No date'}: {i.text}")
            h = len(lines) * LINE_H + 12
            boxes[i.iri] = (x, y, h, lines, i)
            y += h + GAP
        height = max(height, y)
    width = 10 + len(columns) * (BOX_W + COL_GAP) - COL_GAP + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gg-route-svg" viewBox="0 0 {width} '
        f'{round(height)}" width="{width}" height="{round(height)}" role="img" '
        'aria-labelledby="route-svg-title">',
        '<title id="route-svg-title">Milestones by year, with arrows to what each depends on'
        "</title>",
        '<defs><marker id="gg-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{term_colour(str(GG.dependsOn))}"/></marker></defs>',
    ]
    for n, lvl in enumerate(columns):
        x = 10 + n * (BOX_W + COL_GAP)
        out.append(
            f'<text x="{x}" y="22" font-size="15" font-weight="bold" fill="#333333">'
            f"{escape(heads[lvl])}</text>"
        )
    colour = term_colour(str(GG.dependsOn))
    for a, b in data.dependencies():
        if a not in boxes or b not in boxes:
            continue
        ax, ay, ah, _, _ = boxes[a]
        bx, by, bh, _, _ = boxes[b]
        if bx < ax:  # prerequisite to the left: from its right edge to the dependent's left
            x1, y1, x2, y2 = ax, ay + ah / 2, bx + BOX_W, by + bh / 2
            path = f"M{x1},{y1} C{x1 - COL_GAP / 2},{y1} {x2 + COL_GAP / 2},{y2} {x2},{y2}"
        else:  # same column or later: loop round the right-hand side
            x1, y1, x2, y2 = ax + BOX_W, ay + ah / 2, bx + BOX_W, by + bh / 2
            bend = x1 + COL_GAP * 0.6
            path = f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2},{y2}"
        out.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2" '
            'marker-end="url(#gg-arrow)"/>'
        )
    for x, y, h, lines, i in boxes.values():
        status = i.status_at(as_of)
        kind = GG.Milestone if i.kind == "milestone" else GG.Commitment
        fill = term_colour(status.status if status is not None else str(kind))
        ink = text_colour(fill)
        tip = escape(i.text)
        out.append(
            f'<g><title>{tip}</title><rect x="{x}" y="{y}" width="{BOX_W}" height="{h}" rx="4" '
            f'fill="{fill}" stroke="#333333" stroke-width="1"/>'
        )
        for k, line in enumerate(lines):
            out.append(
                f'<text x="{x + 8}" y="{y + 18 + k * LINE_H}" font-size="13" fill="{ink}">'
                f"{escape(line)}</text>"
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
