"""The difference map: one map of the landscape a change touches, before and after.

A node or link present only before is red (removed), only after green (added), in both but
changed amber (renamed, retyped, re-pointed or given a new parent), and the rest grey: the
context one relationship away that did not change. It is a :class:`MapModel` like every
other map, so :func:`~govgraph.visualisations.render.render_html` writes it with the same
template, offline assets and escaping; only its legend is its own (status colours, not
ontology colours), which :class:`DiffMapModel` supplies.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from rdflib import URIRef

from govgraph.graph.analysis.impact_model import CATEGORIES, Impact
from govgraph.graph.facts import map_queries as q
from govgraph.graph.storage.store import Store
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import BASE, GG
from govgraph.visualisations import extract as x
from govgraph.visualisations.kinds import AGGREGATED_CLASSES
from govgraph.visualisations.model import LegendEntry, MapEdge, MapModel, MapNode, Source
from govgraph.visualisations.static_svg import static_svg

DIFF = BASE + "diff#"
"""Legend keys of the difference map (statuses, not ontology terms)."""
STATUSES: dict[str, tuple[str, str, str]] = {
    "removed": ("Removed (only before)", "#D32F2F", "Present before the change, gone after it."),
    "added": ("Added (only after)", "#2E7D32", "Absent before the change, present after it."),
    "changed": (
        "Changed (renamed, re-pointed, new parent)",
        "#F59E0B",
        "Present before and after, but renamed, retyped or with different links.",
    ),
    "unchanged": ("Unchanged (context)", "#8C8C8C", "Present before and after, unchanged."),
}
"""Status -> (legend label, colour, explanation), in legend order."""
MAX_CONTEXT = 6
"""Unchanged neighbours drawn per changed entity: a hub (a government) would otherwise
bring hundreds of bodies that did not change."""
_STRUCTURE = frozenset(
    str(GG[k])
    for k in (
        "reportsTo",
        "sponsoredBy",
        "fundedBy",
        "scrutinisedBy",
        "inspectedBy",
        "regulatedBy",
        "directs",
        "subOrganisationOf",
        "memberOf",
        "chairs",
    )
)
"""Links that place a body in the landscape: preferred as context."""
MAX_NOTES = 5


class DiffMapModel(MapModel):
    """A map model whose legend is the four statuses (nodes) and kind-by-status (links)."""

    @property
    def node_legend(self) -> list[LegendEntry]:
        counts = Counter(n.group for n in self.nodes)
        return [
            LegendEntry(DIFF + s, label, colour, counts[DIFF + s], comment)
            for s, (label, colour, comment) in STATUSES.items()
            if counts[DIFF + s]
        ]

    def relationship(self, kind: str) -> str:
        return split_kind(kind)[1]

    @property
    def edge_legend(self) -> list[LegendEntry]:
        counts = Counter(e.kind for e in self.edges)
        rank = {s: i for i, s in enumerate(STATUSES)}

        def order(key: str) -> tuple[int, str]:
            status, kind = split_kind(key)
            return rank[status], ontology.label(URIRef(kind)).lower()

        out = []
        for key in sorted(counts, key=order):
            status, kind = split_kind(key)
            _, colour, comment = STATUSES[status]
            out.append(
                LegendEntry(
                    key,
                    f"{ontology.label(URIRef(kind))} · {status}",
                    colour,
                    counts[key],
                    comment,
                )
            )
        return out

    def edge_legend_rows(self) -> list[tuple[LegendEntry, str]]:
        """One row per status (removed, added, changed, unchanged links), not one per kind
        and status: 29 rows on the 2020-2024 diff. Each row filters all its kinds; its
        tooltip lists them with their counts, and a link's own tooltip names its kind."""
        by_status: dict[str, list[tuple[int, LegendEntry]]] = defaultdict(list)
        for i, e in enumerate(self.edge_legend):
            by_status[split_kind(e.key)[0]].append((i, e))
        rows = []
        for status, (_, colour, comment) in STATUSES.items():
            members = by_status.get(status)
            if not members:
                continue
            kinds = "; ".join(
                f"{ontology.label(URIRef(split_kind(e.key)[1]))} {e.count}" for _, e in members
            )
            entry = LegendEntry(
                DIFF + status,
                f"Links {status}",
                colour,
                sum(e.count for _, e in members),
                f"{comment} {kinds}",
            )
            rows.append((entry, ",".join(str(i) for i, _ in members)))
        return rows


def edge_kind(status: str, kind: str) -> str:
    """The legend key of a link: its status and relationship kind (a property IRI)."""
    return f"{DIFF}{status}/{kind}"


def split_kind(key: str) -> tuple[str, str]:
    """``(status, property IRI)`` of a link's legend key."""
    status, _, kind = key[len(DIFF) :].partition("/")
    return status, kind


def status_of(item: MapNode | MapEdge) -> str:
    """``removed``, ``added``, ``changed`` or ``unchanged``."""
    key = item.group if isinstance(item, MapNode) else item.kind
    return key[len(DIFF) :].partition("/")[0]


@runtime_checkable
class Landscape(Protocol):
    """What the difference map reads of one side: a store (:class:`StoreSide`), or one
    date of a date diff (:class:`~govgraph.graph.analysis.snapshot.Cut`), cut from one
    reading of the stored facts."""

    def edges(self, kinds: Sequence[str]) -> list[q.EdgeFacts]: ...

    def named_entities_of(self, classes: Sequence[str]) -> set[str]: ...

    def scope_core(self) -> set[str]: ...

    def names(self, iris: Sequence[str]) -> dict[str, str]: ...

    def entity_facts(self, iris: Sequence[str]) -> dict[str, q.EntityFacts]: ...

    def sources(self) -> list[q.SourceFacts]: ...


class StoreSide:
    """A store as one side of the difference map (a scenario's copy, or the stored one)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def edges(self, kinds: Sequence[str]) -> list[q.EdgeFacts]:
        return q.relationship_edges(self.store, kinds)

    def named_entities_of(self, classes: Sequence[str]) -> set[str]:
        return set(q.named_entities_of(self.store, classes))

    def scope_core(self) -> set[str]:
        return q.scope_core(self.store)

    def names(self, iris: Sequence[str]) -> dict[str, str]:
        return q.names(self.store, iris)

    def entity_facts(self, iris: Sequence[str]) -> dict[str, q.EntityFacts]:
        return q.named_entity_facts(self.store, iris)

    def sources(self) -> list[q.SourceFacts]:
        return q.sources(self.store)


def _landscape(side: Store | Landscape) -> Landscape:
    return side if isinstance(side, Landscape) else StoreSide(side)


def _edges(side: Landscape) -> list[MapEdge]:
    kinds = [*x.relationship_kind_iris(), str(GG.leadOrganisation)]
    return x.canonical_edges(side.edges(kinds), None)


def _out_of_scope(side: Landscape, scope: str, drawn: list[MapEdge]) -> set[str]:
    """:func:`~govgraph.visualisations.kinds.out_of_scope` of one side, as an ego map
    judges it (a provider's line to a service in the landscape ties it in), from the
    side's ``drawn`` edges (:func:`_edges`) less the plan's leads: leadOrganisation has no
    inverse, so leaving it out of the canonical edges changes no other edge."""
    from govgraph.visualisations.kinds import LANDSCAPE_CLASSES, out_of_scope_among

    if scope == "all":
        return set()
    bodies = side.named_entities_of([str(c) for c in LANDSCAPE_CLASSES])
    kinds = set(x.relationship_kind_iris())
    edges = [e for e in drawn if e.kind in kinds]
    drawable = bodies | side.named_entities_of([str(c) for c in AGGREGATED_CLASSES])
    return out_of_scope_among(bodies, drawable, side.scope_core(), edges)


def _context(
    touched: set[str],
    core: set[str],
    edges: Iterable[MapEdge],
    changed: set[tuple[str, str, str]],
    hidden: set[str],
) -> tuple[set[str], int]:
    """What the map draws: the touched entities, the other ends of their changed links,
    up to :data:`MAX_CONTEXT` unchanged neighbours of each ``core`` entity (one whose own
    statements changed), and one neighbour of any other touched entity left unconnected.
    Neighbours that are themselves touched come first, then those linked by an
    accountability or structural line, then by id, so the choice is stable."""
    keep = set(touched)
    spare: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for e in edges:
        key = (e.source, e.kind, e.target)
        for a, b in ((e.source, e.target), (e.target, e.source)):
            if a not in touched:
                continue
            if key in changed:
                keep.add(b)
            elif b not in hidden:
                spare[a].append((0 if b in touched else 1, 0 if e.kind in _STRUCTURE else 1, b))
    linked = {a for a, others in spare.items() if any(b in keep for _, _, b in others)}
    left_out: set[str] = set()
    for a in sorted(spare):
        ranked = [b for _, _, b in sorted(set(spare[a]))]
        fresh = list(dict.fromkeys(b for b in ranked if b not in keep))
        room = MAX_CONTEXT if a in core else (0 if a in linked else 1)
        keep.update(fresh[:room])
        left_out.update(fresh[room:])
    return keep, len(left_out - keep)


def _core(
    touched: set[str], before: Landscape, after: Landscape, changed: set[tuple[str, str, str]]
) -> set[str]:
    """Touched entities whose own statements changed: present on one side only, renamed,
    or the subject of a changed link (a finding's bystanders are not core)."""
    was, now = before.names(sorted(touched)), after.names(sorted(touched))
    sources = {s for s, _, _ in changed}
    return {t for t in touched if was.get(t) != now.get(t) or t in sources}


def _nodes(side: Landscape, ids: set[str]) -> dict[str, MapNode]:
    return x.nodes_from_facts(side.entity_facts(sorted(ids)), None, str(GG.Organisation))


def build_diff_map(
    before_side: Store | Landscape,
    after_side: Store | Landscape,
    impact: Impact,
    *,
    scope: str = "scotland",
) -> DiffMapModel:
    """The laid-out difference map of ``impact``: what it touches, plus one hop of context
    in the union of both landscapes, in the maps' default scope (UK-wide bodies with no
    stated line to the Scottish care landscape, and posts that only hang off them, are
    left out unless ``scope`` is ``all``). Each side is a store or a date's
    :class:`Landscape` (a date diff's, read once for both dates)."""
    from govgraph.visualisations.kinds import LANDSCAPE_CLASSES
    from govgraph.visualisations.maps import place

    before, after = _landscape(before_side), _landscape(after_side)
    old_edges, new_edges = _edges(before), _edges(after)
    old = {(e.source, e.kind, e.target): e for e in old_edges}
    new = {(e.source, e.kind, e.target): e for e in new_edges}
    changed_keys = set(old) ^ set(new)
    changed_keys |= {k for k in set(old) & set(new) if _dates(old[k]) != _dates(new[k])}
    aggregated = [str(c) for c in AGGREGATED_CLASSES]
    hidden = before.named_entities_of(aggregated) | after.named_entities_of(aggregated)
    touched = set(impact.touched)
    # out of scope on the side(s) where it exists, in scope on neither
    was_out = _out_of_scope(before, scope, old_edges)
    now_out = _out_of_scope(after, scope, new_edges)
    bodies = [str(c) for c in LANDSCAPE_CLASSES]
    inside = (before.named_entities_of(bodies) - was_out) | (
        after.named_entities_of(bodies) - now_out
    )
    outside = (was_out | now_out) - inside
    if outside:
        links: dict[str, set[str]] = defaultdict(set)
        for e in (*old_edges, *new_edges):
            links[e.source].add(e.target)
            links[e.target].add(e.source)
        hangers = {t for t in touched if links[t] and links[t] <= outside}
        dropped = (touched & outside) | hangers
        touched -= dropped
        hidden |= outside | hangers
    core = _core(touched, before, after, changed_keys)
    ids, left_out = _context(
        touched, core, [*old_edges, *new_edges], changed_keys, hidden - touched
    )
    was, now = _nodes(before, ids), _nodes(after, ids)

    old_out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    new_out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for s, k, o in old:
        old_out[s].add((k, o))
    for s, k, o in new:
        new_out[s].add((k, o))

    nodes: dict[str, MapNode] = {}
    for iri in sorted(set(was) | set(now)):
        a, b = was.get(iri), now.get(iri)
        node = b or a
        assert node is not None
        if a is None:
            status, notes = "added", ["Only after: " + impact.after_label]
        elif b is None:
            status, notes = "removed", ["Only before: " + impact.before_label]
        else:
            notes = []
            if a.label != b.label:
                notes.append(f"Renamed from {a.label}")
            if a.type != b.type:
                notes.append(f"Was a {a.type_label}")
            moved = old_out[iri] != new_out[iri]
            status = "changed" if notes or moved else "unchanged"
        node.group = DIFF + status
        node.notes = tuple(notes)
        nodes[iri] = node
    _annotate(nodes, impact)

    edges: list[MapEdge] = []
    gone = set(old) - set(new)
    repointed = {(s, k) for s, k, _ in gone} | {(k, o) for _, k, o in gone}
    for key in sorted(set(old) | set(new)):
        s, k, o = key
        if s not in nodes or o not in nodes:
            continue
        e = new.get(key) or old[key]
        if key not in new:
            status = "removed"
        elif key not in old:
            status = "changed" if (s, k) in repointed or (k, o) in repointed else "added"
        else:
            status = "changed" if key in changed_keys else "unchanged"
        edges.append(MapEdge(s, o, edge_kind(status, k), e.sources, e.start, e.end))
    for e in edges:
        nodes[e.source].weight += 0.25
        nodes[e.target].weight += 0.25
    for n in nodes.values():
        if status_of(n) != "unchanged":
            n.weight += 2

    counts = Counter(status_of(n) for n in nodes.values())
    notes = [
        "Red: only before (removed). Green: only after (added). Amber: in both but renamed, "
        "re-pointed or with a new parent. Grey: unchanged context, one link away.",
        f"Before: {impact.before_label}. After: {impact.after_label}.",
    ]
    if left_out:
        notes.append(
            f"{left_out:,} unchanged neighbours are left out (at most {MAX_CONTEXT} "
            "per changed body; hover a node for what changed)."
        )
    model = DiffMapModel(
        kind="diff",
        title=f"Difference map: {impact.title}",
        subtitle=f"{len(nodes):,} nodes, {len(edges):,} links: "
        + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s]),
        nodes=list(nodes.values()),
        edges=edges,
        sources=_sources(before, after),
        notes=tuple(notes),
    )
    place(model)
    _spread(model)
    return model


SPACING = 80.0
"""Typical distance between a node and its nearest neighbour, in canvas pixels."""
CHAR_WIDTH = 7.5
LABEL_HEIGHT = 30.0
"""Room for a label under its node, and a margin."""


def _spread(model: MapModel) -> None:
    """Scale the layout to :data:`SPACING`, then push apart nodes whose labels would
    overlap (labels are wide, so the room is a box per label, not a circle). The map is
    then drawn as laid out: browser physics would pull the few changed bodies back into
    a knot of overlapping labels.

    Each sweep visits the pairs in index order and pushes a pair apart in place, as a
    plain pass over every pair would, but only looks at pairs a spatial hash says could
    touch: the same moves in the same order, so the same layout, at a cost that grows with
    the number of nodes rather than with its square (113 s of a 185 s date diff before)."""
    points = [(n.x or 0.0, n.y or 0.0) for n in model.nodes]
    if len(points) < 2:
        return
    scale = SPACING / (_median_nearest(points) or 1.0)
    xy = [[px * scale, py * scale] for px, py in points]
    w = [math.sqrt(n.weight) for n in model.nodes]
    low, high = min(w), max(w)
    radius = [5 + 35 * (v - low) / (high - low) if high > low else 5.0 for v in w]
    half = [
        max(min(len(n.label), 48) * CHAR_WIDTH / 2, r) + 8
        for n, r in zip(model.nodes, radius, strict=True)
    ]
    grid = _Grid(xy, 2 * max(half) + 1.0, 2 * max(radius) + LABEL_HEIGHT + 1.0)
    cell = grid.cell
    for _ in range(80):
        moved = False
        for i in range(len(xy)):
            p, hi, ri = xy[i], half[i], radius[i]
            # pairs (i, j) with j <= the last j looked at are done for this sweep; after a
            # move only i and j have moved, so unless i changed cells the candidates past
            # j are the rest of this list (a new list only when i changed cells)
            found, k = grid.near(i, i), 0
            while k < len(found):
                j = found[k]
                k += 1
                q = xy[j]
                dx, dy = q[0] - p[0], q[1] - p[1]
                over_x = hi + half[j] - abs(dx)
                if over_x <= 0:
                    continue
                # each node spans from its top (y - r) to under its label (y + r + label)
                if dy >= 0:
                    gap = abs(dy) - ri - LABEL_HEIGHT - radius[j]
                else:
                    gap = abs(dy) - radius[j] - LABEL_HEIGHT - ri
                over_y = -gap
                if over_y <= 0:
                    continue
                moved = True
                if over_y <= over_x:
                    step = over_y / 2 * (1 if dy >= 0 else -1)
                    p[1] -= step
                    q[1] += step
                else:
                    step = over_x / 2 * (1 if dx >= 0 else -1)
                    p[0] -= step
                    q[0] += step
                was = cell[i]
                grid.move(i)
                grid.move(j)
                if cell[i] != was:
                    found, k = grid.near(i, j), 0
        if not moved:
            break
    for n, (px, py) in zip(model.nodes, xy, strict=True):
        n.x, n.y = round(px, 1), round(py, 1)
    model.physics = False


class _Grid:
    """A spatial hash of points in cells at least as large as the widest reach of a pair,
    so two points that could touch are in the same or adjacent cells."""

    def __init__(self, xy: list[list[float]], width: float, height: float) -> None:
        self.xy, self.width, self.height = xy, width, height
        self.cell: list[tuple[int, int]] = []
        self.cells: dict[tuple[int, int], set[int]] = defaultdict(set)
        for k in range(len(xy)):
            key = self._key(k)
            self.cell.append(key)
            self.cells[key].add(k)

    def _key(self, k: int) -> tuple[int, int]:
        return math.floor(self.xy[k][0] / self.width), math.floor(self.xy[k][1] / self.height)

    def move(self, k: int) -> None:
        """Re-file point ``k`` after its coordinates changed."""
        key = self._key(k)
        if key != self.cell[k]:
            self.cells[self.cell[k]].discard(k)
            self.cells[key].add(k)
            self.cell[k] = key

    def near(self, k: int, after: int) -> list[int]:
        """Points with an index above ``after`` in ``k``'s cell and those around it, in
        index order."""
        cx, cy = self.cell[k]
        get = self.cells.get
        found = [
            j
            for gx in (cx - 1, cx, cx + 1)
            for gy in (cy - 1, cy, cy + 1)
            for j in get((gx, gy), ())
            if j > after
        ]
        found.sort()
        return found


def _median_nearest(points: list[tuple[float, float]]) -> float:
    """The median distance from a point to its nearest other point. Points are visited
    in order of x, outward from each, stopping once the gap in x alone exceeds the best
    distance found: the same distances as comparing every pair, far fewer of them."""
    order = sorted(range(len(points)), key=lambda k: points[k][0])
    xs = [points[k][0] for k in order]
    nearest: list[float] = []
    for pos, k in enumerate(order):
        p = points[k]
        best = math.inf
        for step in (-1, 1):
            q = pos + step
            while 0 <= q < len(order) and abs(xs[q] - p[0]) <= best:
                best = min(best, math.dist(p, points[order[q]]))
                q += step
        nearest.append(best)
    nearest.sort()
    return nearest[len(nearest) // 2]


def _dates(e: MapEdge) -> tuple[str | None, str | None]:
    return e.start, e.end


def _annotate(nodes: dict[str, MapNode], impact: Impact) -> None:
    """Add to each node's tooltip the impact's changes about it, in plain words."""
    for change in impact.changes:
        for s in change.subjects:
            node = nodes.get(s.id)
            if node is not None and len(node.notes) < MAX_NOTES:
                node.notes += (f"{CATEGORIES[change.category]}: {change.summary}",)


def _sources(before: Landscape, after: Landscape) -> list[Source]:
    out = {s.title: s for s in x.sources_from(before.sources())}
    for s in x.sources_from(after.sources()):
        out.setdefault(s.title, s)
    return [out[t] for t in sorted(out, key=str.lower)]


def diff_svg(model: MapModel, unit: float = 0.5) -> str:
    """The same map as a static SVG, for the printed report (a canvas does not print)."""

    def edge(e: MapEdge) -> str:
        status = status_of(e)
        dash = ' stroke-dasharray="5 3"' if status == "removed" else ""
        width = 1 if status == "unchanged" else 2.2
        return f'stroke="{STATUSES[status][1]}" stroke-width="{width}"{dash}'

    return static_svg(
        model,
        unit=unit,
        node=lambda n: (STATUSES[status_of(n)][1], round(4 + min(n.weight, 10) * 0.6, 1)),
        edge=edge,
        label_max=34,
    )
