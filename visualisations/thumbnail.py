"""A body and its direct neighbours as a small static SVG inlined in its page (HTML needs
no SVG namespace, so none is written): the body in the middle, its neighbours in two
columns with their names outward, so no label can overlap another whatever the names;
each line coloured by its relationship kind and each body by its type, as on the maps.

It draws what the entity page has already read (its relationships, the other ends' names
and classes), so the drawing costs no query of its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from govgraph.visualisations.model import term_colour

ROW = 30
"""Vertical pixels per neighbour: two lines of 13 px labels never meet."""
COLUMN = 90
"""Horizontal distance from the body in the middle to each column of neighbours."""
LABEL_CHARS = 36
"""Longest name drawn in full (the rest end in an ellipsis; the tooltip has it whole)."""
WIDTH = 760
"""The drawing's width: a page's text column, so it shows at its own size."""
LEGEND_ROW = 22
MAX_NEIGHBOURS = 20
"""Most neighbours drawn; past that (a regulator's 539 services) the page links to the
interactive map, which clusters them."""


@dataclass(frozen=True)
class Neighbour:
    iri: str
    name: str
    cls: str
    """Its class IRI: the node's colour."""
    kind: str
    """The relationship's kind IRI as stated: the line's colour."""
    reads: str
    """How the line reads from the body in the middle ("regulates"): the legend's words."""


def ego_svg(
    name: str, cls: str, neighbours: Sequence[Neighbour], *, max_neighbours: int = MAX_NEIGHBOURS
) -> str | None:
    """The drawing, or None when the body has no neighbour or more than ``max_neighbours``
    (each neighbour drawn once, with the first of its lines)."""
    unique: dict[str, Neighbour] = {}
    for n in neighbours:
        unique.setdefault(n.iri, n)
    if not 1 <= len(unique) <= max_neighbours:
        return None
    order = sorted(unique.values(), key=lambda n: n.name.casefold())
    left, right = order[: (len(order) + 1) // 2], order[(len(order) + 1) // 2 :]
    rows = max(len(left), len(right))
    legend = sorted({(n.reads, n.kind) for n in order})
    body = rows * ROW + 30
    height = body + 16 + LEGEND_ROW * ((len(legend) + 2) // 3)
    cx, cy = WIDTH / 2, body / 2
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" font-size="13" role="img" '
        f'aria-label="{escape(name)} and its {len(order)} direct neighbours">'
    ]
    placed = []
    for side, column in ((-1, left), (1, right)):
        top = cy - (len(column) - 1) * ROW / 2
        for k, n in enumerate(column):
            placed.append((n, cx + side * COLUMN, top + k * ROW, side))
    for n, x, y, _ in placed:
        parts.append(
            f'<line x1="{cx}" y1="{cy}" x2="{x}" y2="{y:.1f}" stroke="{term_colour(n.kind)}" '
            f'stroke-width="2" stroke-opacity="0.85"><title>{escape(n.reads)}</title></line>'
        )
    for n, x, y, side in placed:
        label = n.name if len(n.name) <= LABEL_CHARS else n.name[: LABEL_CHARS - 1] + "…"
        anchor, dx = ("end", -12) if side < 0 else ("start", 12)
        parts.append(
            f"<g><title>{escape(name)} {escape(n.reads)} {escape(n.name)}</title>"
            f'<circle cx="{x}" cy="{y:.1f}" r="7" fill="{term_colour(n.cls)}" '
            f'stroke="#333" stroke-width="0.8"/><text x="{x + dx}" y="{y + 5:.1f}" '
            f'text-anchor="{anchor}">{escape(label)}</text></g>'
        )
    parts.append(
        f'<g><title>{escape(name)}</title><circle cx="{cx}" cy="{cy}" r="12" '
        f'fill="{term_colour(cls)}" stroke="#333" stroke-width="1.2"/></g>'
    )
    for k, (reads, kind) in enumerate(legend):
        x, y = 20 + (k % 3) * (WIDTH - 40) / 3, body + 16 + (k // 3) * LEGEND_ROW
        parts.append(
            f'<line x1="{x:.0f}" y1="{y:.0f}" x2="{x + 24:.0f}" y2="{y:.0f}" '
            f'stroke="{term_colour(kind)}" stroke-width="3"/><text x="{x + 30:.0f}" '
            f'y="{y + 4:.0f}" fill="#333">{escape(reads)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
