"""A map drawn as a static SVG, for printed reports: a canvas does not print.

Positions come from the seeded layout, so the same model always gives the same bytes; the
caller says how each node and link looks (the overlap map colours by kind, the difference
map by status)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from govgraph.visualisations.model import MapEdge, MapModel, MapNode

NodeStyle = Callable[[MapNode], tuple[str, float]]
"""A node's fill colour and radius."""
EdgeStyle = Callable[[MapEdge], str]
"""A link's SVG attributes (stroke, width, dashes)."""
LABELS_PER_SIDE = 85
"""The label size: this many lines of labels would fill the drawing's longer side."""


def static_svg(
    model: MapModel,
    *,
    unit: float,
    node: NodeStyle,
    edge: EdgeStyle,
    label_max: int = 30,
    labels_per_side: int = LABELS_PER_SIDE,
) -> str:
    """The map in ``unit`` pixels per layout unit, its view box fitted to the drawing;
    ``labels_per_side`` lines of labels would fill its longer side."""
    if not model.nodes:
        return ""
    pad = 60.0
    x0 = min(n.x or 0.0 for n in model.nodes)
    y0 = min(n.y or 0.0 for n in model.nodes)
    pos = {
        n.id: (
            round(pad + ((n.x or 0.0) - x0) * unit, 1),
            round(pad + ((n.y or 0.0) - y0) * unit, 1),
        )
        for n in model.nodes
    }
    width = round(max(x for x, _ in pos.values()) + pad)
    height = round(max(y for _, y in pos.values()) + pad / 2)
    # labels in proportion to the drawing, so they stay legible however far the layout
    # spreads once the picture is scaled to the page
    font = round(max(width, height) / labels_per_side, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'font-size="{font}" role="img" aria-label="{escape(model.title)}" class="network">'
    ]
    for e in model.edges:
        if e.source not in pos or e.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" {edge(e)}/>')
    for n in model.nodes:
        x, y = pos[n.id]
        fill, r = node(n)
        label = n.label if len(n.label) <= label_max else n.label[: label_max - 2] + "…"
        parts.append(
            f'<g><title>{escape(n.label)}</title><circle cx="{x}" cy="{y}" r="{r}" '
            f'fill="{fill}" stroke="#333" stroke-width="0.6"/>'
            f'<text x="{x}" y="{round(y - r - 2, 1)}" text-anchor="middle">'
            f"{escape(label)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
