"""Interactive network maps: the public entry points.

``build_map(store, kind, ...)`` returns the node/edge :class:`MapModel` (laid out), and
``render_html(model)`` the single self-contained HTML file. The API routes
``/maps/{kind}?focus=&depth=&asOf=`` to :func:`render_map` with ``served=True``; the CLI
writes the same HTML to a file.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import replace

from govgraph.graph.analysis.overlaps import data_version
from govgraph.graph.analysis.scope import SCOPES
from govgraph.graph.core.errors import QueryError
from govgraph.graph.core.recent import Recent
from govgraph.graph.facts import map_queries
from govgraph.graph.facts.search import resolve_entity
from govgraph.graph.storage.store import Store
from govgraph.graph.storage.version_cache import PerVersion
from govgraph.visualisations import clusters, extract, layout
from govgraph.visualisations.clusters import find_clusters, spread
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
    focus_iri = resolve_entity(store, focus) if focus else None
    if scope not in SCOPES:
        raise QueryError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    day = extract.parse_as_of(as_of)
    model = builder(store, MapRequest(focus_iri, depth, day, scope))
    model.as_of, model.scope = day, scope
    model.years = _years(store)
    place(model)
    if served:
        for n in model.nodes:
            n.url = entity_path(n.id)
    return model


def _years(store: Store) -> tuple[int, ...]:
    """The years for the date slider, read once per data version: the read scans every
    dated fact, so a small ego map would otherwise cost what the whole graph costs."""
    return _YEARS.get(store)


_YEARS: PerVersion[tuple[int, ...]] = PerVersion(lambda store: tuple(map_queries.years(store)))


def place(model: MapModel) -> None:
    """Give every node a position: cached per data version, computed on a miss. Force
    maps are laid out collapsed (each long tail one cluster node), so what the first frame
    shows uses the canvas; a cluster's members are spread around it for when it opens."""
    if model.layout == "layered":
        ids = [n.id for n in model.nodes]
        pairs = [(e.source, e.target) for e in model.edges]
        levels = {n.id: n.level or 0 for n in model.nodes}
        labels = {n.id: n.label.lower() for n in model.nodes}
        key = layout.layout_key("layered", ids, pairs, model.direction, levels, labels)
        positions = layout.cached(
            key,
            lambda: layout.layered_layout(levels, pairs, direction=model.direction, order=labels),
        )
    else:
        model.clusters = find_clusters(model)
        inside = {m: c.id for c in model.clusters for m in c.members}
        ids = [n.id for n in model.nodes if n.id not in inside] + [c.id for c in model.clusters]
        pairs = sorted(
            {(inside.get(e.source, e.source), inside.get(e.target, e.target)) for e in model.edges}
        )
        groups = {n.id: n.group for n in model.nodes} | {c.id: c.group for c in model.clusters}
        key = layout.layout_key("force", ids, pairs, groups)
        positions = dict(layout.cached(key, lambda: layout.force_layout(ids, pairs, groups=groups)))
        for k, c in enumerate(model.clusters):
            x, y = positions.get(c.id, (0.0, 0.0))
            model.clusters[k] = replace(c, x=x, y=y)
            positions.update(spread((x, y), list(c.members), layout.EDGE_LENGTH * 0.45))
    for n in model.nodes:
        n.x, n.y = positions.get(n.id, (0.0, 0.0))
    # small maps settle in the browser (cluster members are not simulated: they reach the
    # browser's network only when their cluster opens)
    model.physics = model.layout == "force" and 1 < len(model.drawn_ids()) <= PHYSICS_MAX


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
    """``render_html(build_map(...))``: what ``/maps/{kind}`` and ``govgraph map`` return.
    The landscape and ego maps are kept as written, per data version: the landscape draws
    the whole graph, and a hub's ego map walks thousands of lines (a regulator's services),
    so each is built once for a version (and focus, depth, date and scope) and then served
    from here. Both depend on the store's data alone (and the cluster threshold)."""
    if kind not in _KEPT_KINDS:
        return render_html(
            build_map(
                store, kind, focus=focus, depth=depth, as_of=as_of, served=served, scope=scope
            )
        )
    key = (
        kind,
        id(store),
        data_version(store),
        focus,
        depth if kind != "landscape" else None,
        as_of,
        served,
        scope,
        clusters.CLUSTER_MIN,
    )
    kept = _PAGES.get(key)
    if kept is not None:
        return kept
    with _building(key):  # one build per page: who asks meanwhile waits for it
        kept = _PAGES.get(key)
        if kept is not None:
            return kept
        html = render_html(
            build_map(
                store, kind, focus=focus, depth=depth, as_of=as_of, served=served, scope=scope
            )
        )
        _PAGES.put(key, html)
        return html


@contextlib.contextmanager
def _building(key: tuple[object, ...]) -> Iterator[None]:
    """Hold the lock of one page's build (made on first use, dropped with its last user)."""
    with _BUILDS_LOCK:
        lock, users = _BUILDS.get(key, (threading.Lock(), 0))
        _BUILDS[key] = (lock, users + 1)
    try:
        with lock:
            yield
    finally:
        with _BUILDS_LOCK:
            lock, users = _BUILDS[key]
            if users == 1:
                del _BUILDS[key]
            else:
                _BUILDS[key] = (lock, users - 1)


_KEPT_KINDS = frozenset({"landscape", "ego"})
_PAGES: Recent[str] = Recent(256, 96_000_000, len)
"""Pages kept: landscapes (a few megabytes each at 10,000 bodies) and ego maps (a hub's
about one megabyte; the load test asks for a hundred), the least recently used dropped
first."""
_BUILDS: dict[tuple[object, ...], tuple[threading.Lock, int]] = {}
_BUILDS_LOCK = threading.Lock()


# The overlap map kind lives with the overlap report, the route-map kind with route maps;
# importing them registers the kinds.
from govgraph.visualisations import report_map, route_map  # noqa: E402, F401
