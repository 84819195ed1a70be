"""A body and its direct neighbours as a small static SVG inlined in its page (HTML needs
no SVG namespace, so none is written): the body in the middle, its neighbours in two
columns with their names outward, so no label can overlap another whatever the names;
each line coloured by its relationship kind and each body by its type, as on the maps."""

from __future__ import annotations

from html import escape

from govgraph.visualisations.model import MapModel, term_colour

ROW = 30
"""Vertical pixels per neighbour: two lines of 14 px labels never meet."""
COLUMN = 90
"""Horizontal distance from the body in the middle to each column of neighbours."""
LABEL_CHARS = 36
"""Longest name drawn in full (the rest end in an ellipsis; the tooltip has it whole)."""
WIDTH = 760
"""The drawing's width: a page's text column, so it shows at its own size."""
LEGEND_ROW = 22


def ego_svg(model: MapModel, centre: str, *, max_neighbours: int) -> str | None:
    """The drawing, or None when the body has no neighbour or more than ``max_neighbours``."""
    nodes = {n.id: n for n in model.nodes}
    if centre not in nodes:
        return None
    kinds: dict[str, str] = {}
    for e in model.edges:
        if centre in (e.source, e.target) and e.source != e.target:
            other = e.target if e.source == centre else e.source
            kinds.setdefault(other, e.kind)
    if not 1 <= len(kinds) <= max_neighbours:
        return None
    order = sorted(kinds, key=lambda i: (nodes[i].label.casefold(), i))
    left, right = order[: (len(order) + 1) // 2], order[(len(order) + 1) // 2 :]
    rows = max(len(left), len(right))
    legend = sorted(set(kinds.values()), key=model_label)
    body = rows * ROW + 30
    height = body + 16 + LEGEND_ROW * ((len(legend) + 2) // 3)
    cx, cy = WIDTH / 2, body / 2
    me = nodes[centre]
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" '
        f'font-size="13" role="img" aria-label="{escape(me.label)} and its '
        f'{len(order)} direct neighbours">'
    ]
    placed = []
    for side, column in ((-1, left), (1, right)):
        top = cy - (len(column) - 1) * ROW / 2
        for k, iri in enumerate(column):
            placed.append((iri, cx + side * COLUMN, top + k * ROW, side))
    for iri, x, y, _ in placed:
        label = escape(model_label(kinds[iri]))
        parts.append(
            f'<line x1="{cx}" y1="{cy}" x2="{x}" y2="{y:.1f}" stroke="{term_colour(kinds[iri])}" '
            f'stroke-width="2" stroke-opacity="0.85"><title>{label}</title></line>'
        )
    for iri, x, y, side in placed:
        node = nodes[iri]
        name = node.label if len(node.label) <= LABEL_CHARS else node.label[: LABEL_CHARS - 1] + "…"
        anchor, dx = ("end", -12) if side < 0 else ("start", 12)
        parts.append(
            f"<g><title>{escape(node.label)}: {escape(model_label(kinds[iri]))}</title>"
            f'<circle cx="{x}" cy="{y:.1f}" r="7" fill="{term_colour(node.group)}" '
            f'stroke="#333" stroke-width="0.8"/><text x="{x + dx}" y="{y + 5:.1f}" '
            f'text-anchor="{anchor}">{escape(name)}</text></g>'
        )
    parts.append(
        f'<g><title>{escape(me.label)}</title><circle cx="{cx}" cy="{cy}" r="12" '
        f'fill="{term_colour(me.group)}" stroke="#333" stroke-width="1.2"/></g>'
    )
    for k, kind in enumerate(legend):
        x, y = 20 + (k % 3) * (WIDTH - 40) / 3, body + 16 + (k // 3) * LEGEND_ROW
        parts.append(
            f'<line x1="{x:.0f}" y1="{y:.0f}" x2="{x + 24:.0f}" y2="{y:.0f}" '
            f'stroke="{term_colour(kind)}" stroke-width="3"/><text x="{x + 30:.0f}" '
            f'y="{y + 4:.0f}" fill="#333">{escape(model_label(kind))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def model_label(kind: str) -> str:
    from rdflib import URIRef

    from govgraph.ontology import model

    return model.label(URIRef(kind))
