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
    model: MapModel, *, unit: float, node: NodeStyle, edge: EdgeStyle, label_max: int = 30
) -> str:
    """The map in ``unit`` pixels per layout unit, its view box fitted to the drawing."""
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
    font = round(max(width, height) / LABELS_PER_SIDE, 1)
    boxes = _labelled(model, pos, node, font, label_max)
    shown = set(boxes)
    # the view box holds every label drawn, not only the nodes
    left = min([0.0, *(b[0] - 4 for b in boxes.values())])
    right = max([float(width), *(b[2] + 4 for b in boxes.values())])
    top = min([0.0, *(b[1] - 4 for b in boxes.values())])
    vx, vy, vw, vh = round(left), round(top), round(right - left), round(height - top)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{vx} {vy} {vw} {vh}" '
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
        text = ""
        if n.id in shown:
            text = (
                f'<text x="{x}" y="{round(y - r - 2, 1)}" text-anchor="middle">'
                f"{escape(_short(n.label, label_max))}</text>"
            )
        parts.append(
            f'<g><title>{escape(n.label)}</title><circle cx="{x}" cy="{y}" r="{r}" '
            f'fill="{fill}" stroke="#333" stroke-width="0.6"/>{text}</g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 2] + "…"


def _labelled(
    model: MapModel,
    pos: dict[str, tuple[float, float]],
    node: NodeStyle,
    font: float,
    label_max: int,
) -> dict[str, tuple[float, float, float, float]]:
    """The nodes whose labels are drawn, with their boxes: heaviest first, each only if
    its box (estimated at 0.62 em a character) overlaps no label already placed, so no two
    labels collide; the rest keep their name as a tooltip."""
    placed: list[tuple[float, float, float, float]] = []
    out: dict[str, tuple[float, float, float, float]] = {}
    for n in sorted(model.nodes, key=lambda n: (-n.weight, n.label)):
        x, y = pos[n.id]
        r = node(n)[1]
        w = len(_short(n.label, label_max)) * font * 0.62
        base = y - r - 2
        box = (x - w / 2, base - font * 0.95, x + w / 2, base + font * 0.3)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        out[n.id] = box
    return out
