"""Interactive network maps: the public entry points.

``build_map(store, kind, ...)`` returns the node/edge :class:`MapModel` (laid out), and
``render_html(model)`` the single self-contained HTML file. The API routes
``/maps/{kind}?focus=&depth=&asOf=`` to :func:`render_map` with ``served=True``; the CLI
writes the same HTML to a file.
"""

from __future__ import annotations

from govgraph.graph.errors import QueryError
from govgraph.graph.organisations import iri_for
from govgraph.graph.scope import SCOPES
from govgraph.graph.store import Store
from govgraph.visualisations import extract, layout
from govgraph.visualisations.kinds import KINDS, MapRequest
from govgraph.visualisations.model import MapModel, entity_path
from govgraph.visualisations.render import render_html

__all__ = ["MAX_DEPTH", "PHYSICS_MAX", "build_map", "map_kinds", "render_html", "render_map"]

PHYSICS_MAX = 150
"""Force maps up to this many nodes are left to settle in the browser (from the Python
layout); bigger ones arrive laid out with physics off, and draw at once."""
MAX_DEPTH = 6


def map_kinds() -> list[str]:
    return sorted(KINDS)


def build_map(
    store: Store,
    kind: str,
    *,
    focus: str | None = None,
    depth: int = 2,
    as_of: str | None = None,
    served: bool = False,
    scope: str = "scotland",
) -> MapModel:
    """The laid-out node/edge model of one map.

    ``focus`` is an entity id (``care-inspectorate``) or IRI; ``depth`` the steps out from
    it; ``as_of`` a date (``YYYY[-MM[-DD]]``) at which bodies and relationships must
    exist; ``served`` adds links to the entity pages (``/id/<id>``).
    Raises QueryError for a bad kind, depth or date and NotFound for an unknown focus.
    """
    builder = KINDS.get(kind)
    if builder is None:
        raise QueryError(f"unknown map kind {kind!r}: use one of {', '.join(map_kinds())}")
    if not 1 <= depth <= MAX_DEPTH:
        raise QueryError(f"depth must be between 1 and {MAX_DEPTH}, not {depth}")
    try:
        focus_iri = str(iri_for(focus)) if focus else None
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    if scope not in SCOPES:
        raise QueryError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    model = builder(store, MapRequest(focus_iri, depth, extract.parse_as_of(as_of), scope))
    place(model)
    if served:
        for n in model.nodes:
            n.url = entity_path(n.id)
    return model


def place(model: MapModel) -> None:
    """Give every node a position: cached per data version, computed on a miss."""
    ids = [n.id for n in model.nodes]
    pairs = [(e.source, e.target) for e in model.edges]
    if model.layout == "layered":
        levels = {n.id: n.level or 0 for n in model.nodes}
        labels = {n.id: n.label.lower() for n in model.nodes}
        key = layout.layout_key("layered", ids, pairs, model.direction, levels)
        positions = layout.cached(
            key,
            lambda: layout.layered_layout(levels, pairs, direction=model.direction, order=labels),
        )
    else:
        groups = {n.id: n.group for n in model.nodes}
        key = layout.layout_key("force", ids, pairs, groups)
        positions = layout.cached(key, lambda: layout.force_layout(ids, pairs, groups=groups))
    for n in model.nodes:
        n.x, n.y = positions.get(n.id, (0.0, 0.0))
    model.physics = model.layout == "force" and len(model.nodes) <= PHYSICS_MAX


def render_map(
    store: Store,
    kind: str,
    *,
    focus: str | None = None,
    depth: int = 2,
    as_of: str | None = None,
    served: bool = False,
    scope: str = "scotland",
) -> str:
    """``render_html(build_map(...))``: what ``/maps/{kind}`` and ``govgraph map`` return."""
    return render_html(
        build_map(store, kind, focus=focus, depth=depth, as_of=as_of, served=served, scope=scope)
    )


# The overlap map kind lives with the overlap report; importing it registers the kind.
from govgraph.visualisations import report_map  # noqa: E402, F401

THUMBNAIL_NODES = 20
"""Most neighbours a body's page draws around it; past that (a regulator's 539 services)
the page links to the interactive map, which clusters them."""


def ego_thumbnail(store: Store, focus: str) -> str | None:
    """A small static SVG of an entity and its direct neighbours for its page (no script,
    so the page's policy holds), or None when it has no neighbours or too many to draw."""
    from govgraph.graph.errors import NotFound
    from govgraph.visualisations.thumbnail import ego_svg

    try:
        model = build_map(store, "ego", focus=focus, depth=1)
    except (QueryError, NotFound):
        return None
    return ego_svg(model, str(iri_for(focus)), max_neighbours=THUMBNAIL_NODES)
