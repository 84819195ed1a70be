"""The map kinds: each turns graph queries into a :class:`MapModel`, before any layout.

A builder decides what a map shows; :func:`govgraph.visualisations.maps.build_map` then
lays it out and :mod:`~govgraph.visualisations.render` writes it. New kinds (the overlap
map) register themselves in :data:`KINDS` with :func:`register`.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from rdflib import URIRef

from govgraph.graph.analysis.overlaps import data_version
from govgraph.graph.analysis.scope import one_hop
from govgraph.graph.core.errors import NotFound, QueryError
from govgraph.graph.facts import map_queries as q
from govgraph.graph.storage.store import Store
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG
from govgraph.visualisations import extract as x
from govgraph.visualisations.model import MapEdge, MapModel, MapNode, Source

LANDSCAPE_CLASSES = (GG.Organisation, GG.Group, GG.Fund, GG.Programme)
"""What the landscape map draws: bodies and groups, and the funds and programmes they run.
Posts, people, places and registered care services are left to the ego map."""
AGGREGATED_CLASSES = (GG.CareService,)
"""Counted on the body they relate to, not drawn, except on an ego map: 539 services
would otherwise be two thirds of the landscape."""
MAX_EGO_NODES = 2500


@dataclass(frozen=True)
class MapRequest:
    focus: str | None
    """An entity IRI."""
    depth: int
    as_of: str | None
    scope: str = "scotland"
    """Landscape only: ``scotland`` draws the care-system landscape (bodies the documents
    name and bodies in Scottish areas) and what they link to directly;
    ``all`` draws every organisation, UK-wide directories included."""


Builder = Callable[[Store, MapRequest], MapModel]
KINDS: dict[str, Builder] = {}


def register(kind: str) -> Callable[[Builder], Builder]:
    """Add a map kind under ``kind`` (the overlap issue adds ``overlap`` this way)."""

    def add(builder: Builder) -> Builder:
        KINDS[kind] = builder
        return builder

    return add


def _need_focus(kind: str, req: MapRequest) -> str:
    if not req.focus:
        raise QueryError(f"the {kind} map needs a focus: the id of an organisation or post")
    return req.focus


def _aggregated(store: Store) -> set[str]:
    return set(q.named_entities_of(store, [str(c) for c in AGGREGATED_CLASSES]))


def _count_hidden(nodes: dict[str, MapNode], edges: Iterable[MapEdge], hidden: set[str]) -> None:
    """Note on each drawn node how many hidden (aggregated) entities it relates to."""
    counts: Counter[tuple[str, str]] = Counter()
    for e in edges:
        if e.source in nodes and e.target in hidden:
            counts[(e.source, e.label)] += 1
        elif e.target in nodes and e.source in hidden:
            counts[(e.target, x.inverse_label(e.kind))] += 1
    for (iri, verb), n in sorted(counts.items()):
        node = nodes[iri]
        node.notes += (f"{verb} {n:,} registered care service{'s' if n != 1 else ''}",)
        node.weight += n / 10


def _weigh(nodes: dict[str, MapNode], edges: Iterable[MapEdge]) -> None:
    for e in edges:
        nodes[e.source].weight += 1
        nodes[e.target].weight += 1


def _title_name(nodes: dict[str, MapNode], iri: str) -> str:
    return nodes[iri].label if iri in nodes else iri


@register("landscape")
def landscape(store: Store, req: MapRequest) -> MapModel:
    """Every organisation and group, coloured by type, with every relationship between them.
    Its tables are read once per data version (and date and scope), then served from there:
    only the focus differs from one request to the next."""
    key = (id(store), data_version(store), req.as_of, req.scope)
    with _TABLES_LOCK:
        tables = _TABLES.get(key)
    if tables is None:
        tables = _landscape_tables(store, req)
        with _TABLES_LOCK:
            _TABLES[key] = tables
            while len(_TABLES) > _TABLES_KEPT:
                _TABLES.pop(next(iter(_TABLES)))
    nodes, edges, srcs, hidden = tables
    if req.focus and req.focus not in {n.id for n in nodes}:
        raise NotFound(f"no organisation {req.focus} on the landscape map")
    notes = (
        (
            f"Registered care services ({hidden:,}) are counted on their providers and "
            "regulator, not drawn: open a provider's ego map to see its services.",
        )
        if hidden
        else ()
    )
    return MapModel(
        kind="landscape",
        title="Governance landscape",
        subtitle=x.subtitle(len(nodes), len(edges), srcs, req.as_of),
        nodes=[replace(n) for n in nodes],  # build_map places and links its own copies
        edges=list(edges),
        sources=list(srcs),
        focus=req.focus,
        notes=notes,
    )


_Tables = tuple[tuple[MapNode, ...], tuple[MapEdge, ...], tuple[Source, ...], int]
_TABLES: dict[tuple[object, ...], _Tables] = {}
_TABLES_LOCK = threading.Lock()
_TABLES_KEPT = 4
"""Landscapes kept (data version x date x scope): the current one and a few dates."""


def _landscape_tables(store: Store, req: MapRequest) -> _Tables:
    """The landscape's nodes, edges and sources: the whole-graph reads, once per version."""
    named = q.named_entities_of(store, [str(c) for c in LANDSCAPE_CLASSES])
    all_edges = x.canonical_edges(
        q.relationship_edges(store, x.relationship_kind_iris()), req.as_of
    )
    if req.scope == "scotland":
        scoped = _in_scope(store, set(named), all_edges)
        named = {iri: name for iri, name in named.items() if iri in scoped}
    nodes = x.nodes_for(store, named, req.as_of, str(GG.Organisation))
    edges = x.within(all_edges, set(nodes))
    hidden = _aggregated(store)
    _count_hidden(nodes, all_edges, hidden)
    _weigh(nodes, edges)
    return tuple(nodes.values()), tuple(edges), tuple(x.sources(store)), len(hidden)


def _in_scope(store: Store, drawable: set[str], edges: Iterable[MapEdge]) -> set[str]:
    """The Scottish core and the bodies one stated relationship away from it (counting
    only links between drawable bodies: a provider is not near the core through a
    service it runs)."""
    return one_hop(q.scope_core(store) & drawable, ((e.source, e.target) for e in edges))


def out_of_scope(
    store: Store, scope: str, as_of: str | None = None, *, via_services: bool = False
) -> set[str]:
    """Bodies every map leaves out by default: those of the landscape's classes outside
    the Scottish scope (:mod:`govgraph.graph.analysis.scope`, the browse view's rule), such as
    UK-wide directory bodies no stated line ties to the care landscape. Empty for
    ``scope=all``. Posts, people, places and care services are never left out here.
    ``via_services``: a map that draws care services (ego) counts a provider's line to a
    service in the landscape as tying it in; the landscape, which does not draw them, not."""
    if scope == "all":
        return set()
    bodies = set(q.named_entities_of(store, [str(c) for c in LANDSCAPE_CLASSES]))
    edges = x.canonical_edges(q.relationship_edges(store, x.relationship_kind_iris()), as_of)
    drawable = bodies | _aggregated(store) if via_services else bodies
    return bodies - _in_scope(store, drawable, edges)


def _scope_note(left_out: int) -> tuple[str, ...]:
    if not left_out:
        return ()
    return (
        f"{left_out:,} UK-wide bodies with no stated line to the Scottish care landscape are "
        "left out (scope=all draws them).",
    )


def _accountability_lines(store: Store, as_of: str | None) -> list[MapEdge]:
    """Direct accountability edges read upwards: (accountable body, kind, holder)."""
    kinds = [
        str(p.iri)
        for p in ontology.relationship_kinds()
        if ontology.accountability_direction(p.iri) is not None
    ]
    out: list[MapEdge] = []
    for e in x.canonical_edges(q.relationship_edges(store, kinds), as_of):
        direction = ontology.accountability_direction(URIRef(e.kind))
        assert direction is not None
        kind, flip = direction
        if flip:
            e = MapEdge(e.target, e.source, str(kind), e.sources, e.start, e.end)
        out.append(e)
    return out


def _walk(start: str, step: dict[str, set[str]], depth: int) -> dict[str, int]:
    """Breadth-first hop counts from ``start`` along ``step``, up to ``depth`` hops."""
    seen = {start: 0}
    frontier = deque([start])
    while frontier:
        n = frontier.popleft()
        if seen[n] >= depth:
            continue
        for m in sorted(step.get(n, ())):
            if m not in seen:
                seen[m] = seen[n] + 1
                frontier.append(m)
    return seen


@register("accountability")
def accountability(store: Store, req: MapRequest) -> MapModel:
    """The lines of accountability above a focus (whom it answers to) and below it (who
    answers to it), ``depth`` steps each way, in rows."""
    focus = _need_focus("accountability", req)
    hidden = _aggregated(store)
    outside = out_of_scope(store, req.scope, req.as_of) - {focus}
    lines = [
        e
        for e in _accountability_lines(store, req.as_of)
        if e.source not in outside and e.target not in outside
    ]
    up: dict[str, set[str]] = defaultdict(set)
    down: dict[str, set[str]] = defaultdict(set)
    for e in lines:
        up[e.source].add(e.target)
        down[e.target].add(e.source)
    above = _walk(focus, up, req.depth)
    below = _walk(focus, {k: v - hidden for k, v in down.items()}, req.depth)
    levels = {n: -d for n, d in above.items()}
    for n, d in below.items():
        levels.setdefault(n, d)
    nodes = x.nodes_for(store, list(levels), req.as_of)
    if focus not in nodes:
        raise NotFound(f"no entity {focus} (or it did not exist at the date asked for)")
    for node in nodes.values():
        node.level = levels[node.id]
    edges = x.within(lines, set(nodes))
    _count_hidden(nodes, lines, hidden)
    _weigh(nodes, edges)
    srcs = x.sources(store)
    return MapModel(
        kind="accountability",
        title=f"Accountability of {nodes[focus].label}",
        subtitle=x.subtitle(len(nodes), len(edges), srcs, req.as_of),
        nodes=list(nodes.values()),
        edges=edges,
        sources=srcs,
        focus=focus,
        layout="layered",
        shape="box",
        notes=(
            f"Above: the bodies it answers to; below: those that answer to it "
            f"({req.depth} step{'s' if req.depth != 1 else ''} each way). "
            "Arrows point from the accountable body to the one that holds it to account.",
        ),
    )


@register("ego")
def ego(store: Store, req: MapRequest) -> MapModel:
    """A focus and everything within ``depth`` relationships of it, care services included."""
    focus = _need_focus("ego", req)
    every, outside = _ego_walk(store, focus, req)
    step: dict[str, set[str]] = defaultdict(set)
    for a, near in every.items():
        if a not in outside:
            step[a].update(near - outside)
    hops = _walk(focus, step, req.depth)
    dropped = len(set(_walk(focus, every, req.depth)) & outside) if outside else 0
    notes: tuple[str, ...] = ()
    if len(hops) > MAX_EGO_NODES:
        # connectedness as the walk read it: of the farthest ring's members other than
        # bodies, only the lines into them and those to entities nearer the focus count
        keep = sorted(hops, key=lambda n: (hops[n], -len(step[n]), n))[:MAX_EGO_NODES]
        notes = (
            f"{len(hops) - MAX_EGO_NODES:,} of the {len(hops):,} entities within {req.depth} "
            "steps are left out (the least connected of the farthest ring).",
        )
        hops = {n: hops[n] for n in keep}
    nodes = x.nodes_for(store, list(hops), req.as_of)
    if focus not in nodes:
        raise NotFound(f"no entity {focus} (or it did not exist at the date asked for)")
    for n in nodes.values():
        n.level = hops[n.id]
    edges = x.within(every.edges, set(nodes))
    _weigh(nodes, edges)
    nodes[focus].weight += max(5.0, len(nodes) / 10)
    srcs = x.sources(store)
    return MapModel(
        kind="ego",
        title=f"{nodes[focus].label} and its connections",
        subtitle=x.subtitle(len(nodes), len(edges), srcs, req.as_of),
        nodes=list(nodes.values()),
        edges=edges,
        sources=srcs,
        focus=focus,
        notes=(
            f"Everything within {req.depth} relationship step(s) of the focus.",
            *notes,
            *_scope_note(dropped),
        ),
    )


class _Adjacency(dict[str, set[str]]):
    """Who is linked to whom (either way) by the live lines read so far, and those lines."""

    edges: list[MapEdge]


def _ego_walk(store: Store, focus: str, req: MapRequest) -> tuple[_Adjacency, set[str]]:
    """A bounded breadth-first walk from the focus, one ring at a time, read from the data
    version's line index (``map_queries.edges_touching``: no query once the version's map
    tables are read): every entity within ``depth`` lines of it, whatever
    the scope, has its lines read, so the hop counts, the scope test and the lines among
    the kept entities are exactly those of the whole graph, at the cost of the
    neighbourhood. The last ring (``depth`` lines out) is read from one side only: the
    lines into it, which hold every line among its members, and, when the scope is tested,
    every line of its bodies (whose lines outwards decide whether they are in scope). Its
    other members' lines outwards lie beyond the map: a regulator's 2,000 services each
    have a provider, and reading them was most of a hub's walk. The lines it reads to
    entities beyond the map are kept only as pairs (never drawn: they count for the scope
    test and as neighbours). Returns the adjacency and the bodies out of scope (never the
    focus)."""
    kinds = x.relationship_kind_iris()
    facts: dict[tuple[str, str, str], q.EdgeFacts] = {}
    frontier, seen = [focus], {focus}
    classes = [str(c) for c in LANDSCAPE_CLASSES]
    bodies: set[str] = set()
    beyond: list[tuple[str, str]] = []
    for ring in range(req.depth + 1):
        if ring < req.depth:
            read = q.edges_touching(store, frontier, kinds)
        else:
            if req.scope != "all":  # every body within depth, for the scope test below
                bodies = q.kinds_among(store, sorted(seen), classes)
            read = q.edges_touching(store, sorted(set(frontier) & bodies), kinds)
            rest = sorted(set(frontier) - bodies)
            read.update(q.edges_touching(store, rest, kinds, incoming_only=True))
            # a line with an end beyond the map is never drawn: it counts only as a pair,
            # for the scope test (a body one line from the core is in scope) and as a
            # neighbour (how connected a member of the last ring is, when trimming)
            for key, f in list(read.items()):
                if f.subject not in seen or f.object not in seen:
                    del read[key]
                    if f.subject != f.object and x.live(f.start, f.end, req.as_of):
                        beyond.append((f.subject, f.object))
        facts.update(read)
        # the next ring: along the live lines just read (as canonical_edges keeps them)
        reached: set[str] = set()
        for f in read.values():
            if f.subject != f.object and x.live(f.start, f.end, req.as_of):
                reached.update((f.subject, f.object))
        frontier = sorted(reached - seen)
        seen.update(frontier)
    every = _Adjacency()
    every.edges = x.canonical_edges(facts.values(), req.as_of)
    pairs = [*((e.source, e.target) for e in every.edges), *beyond]
    for a, b in pairs:
        every.setdefault(a, set()).add(b)
        every.setdefault(b, set()).add(a)
    if req.scope == "all":
        return every, set()
    # the ring beyond the map is reached through the last ring's bodies and the lines into
    # the last ring
    core = q.scope_core(store, sorted(seen.union(*beyond)))
    drawable = q.kinds_among(
        store, sorted(core), [str(c) for c in (*LANDSCAPE_CLASSES, *AGGREGATED_CLASSES)]
    )
    near = one_hop(core & drawable, pairs)
    return every, (bodies - near) - {focus}


def _restrict(
    nodes: dict[str, MapNode], edges: list[MapEdge], focus: str | None, depth: int
) -> tuple[dict[str, MapNode], list[MapEdge]]:
    """Keep what lies within ``depth`` edges of ``focus`` (everything when no focus)."""
    if focus is None:
        return nodes, edges
    if focus not in nodes:
        raise NotFound(f"no entity {focus} on this map")
    step: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        step[e.source].add(e.target)
        step[e.target].add(e.source)
    keep = set(_walk(focus, step, depth))
    return {k: v for k, v in nodes.items() if k in keep}, x.within(edges, keep)


@register("policy")
def policy(store: Store, req: MapRequest) -> MapModel:
    """Bodies, the policy areas they hold and the client groups they serve: a bipartite
    map; remits drawn darker."""
    held = [
        (agent, area, str(GG.hasRemitIn if remit else GG.hasInterestIn))
        for agent, area, remit in q.interests(store)
    ]
    held += [(agent, group, str(GG.servesClientGroup)) for agent, group in q.client_groups(store)]
    outside = out_of_scope(store, req.scope, req.as_of) - {req.focus}
    agents = {a for a, _, _ in held}
    held = [h for h in held if h[0] not in outside]
    named = q.names(store, sorted({a for a, _, _ in held} | {p for _, p, _ in held}))
    nodes = x.nodes_for(store, named, req.as_of)
    edges = [
        MapEdge(agent, target, kind)
        for agent, target, kind in held
        if agent in nodes and target in nodes
    ]
    nodes = {k: v for k, v in nodes.items() if any(k in (e.source, e.target) for e in edges)}
    nodes, edges = _restrict(nodes, edges, req.focus, req.depth)
    _weigh(nodes, edges)
    for n in nodes.values():
        if n.group in (str(GG.PolicyArea), str(GG.ClientGroup)):
            n.weight *= 2
    srcs = x.sources(store)
    return MapModel(
        kind="policy",
        title="Policy areas, client groups and the bodies that hold or serve them",
        subtitle=x.subtitle(len(nodes), len(edges), srcs, req.as_of),
        nodes=list(nodes.values()),
        edges=edges,
        sources=srcs,
        focus=req.focus,
        notes=(
            "A formal remit is drawn darker than an interest; serving a client group has its"
            " own colour (see the legend).",
            *_scope_note(len(agents & outside)),
        ),
    )


@register("actions")
def actions(store: Store, req: MapRequest) -> MapModel:
    """Plan priority areas, then their actions coloured by latest assessment, then leads."""
    facts = q.actions(store)
    levels: dict[str, int] = {}
    for a in facts:
        levels.setdefault(a.priority_area, 0)
        levels[a.action] = 1
        for lead in a.leads:
            levels.setdefault(lead, 2)
    nodes = x.nodes_for(store, list(levels), req.as_of)
    edges: list[MapEdge] = []
    for a in facts:
        node = nodes.get(a.action)
        if node is None:
            continue
        if a.status:
            node.group = a.status
            node.notes += (
                f"assessed {a.assessed or 'undated'}: {ontology.label(URIRef(a.status))}",
            )
        else:
            node.notes += ("not assessed",)
        if a.priority_area in nodes:
            edges.append(MapEdge(a.action, a.priority_area, str(GG.priorityArea)))
        edges.extend(
            MapEdge(a.action, lead, str(GG.leadOrganisation)) for lead in a.leads if lead in nodes
        )
    nodes, edges = _restrict(nodes, edges, req.focus, req.depth)
    for n in nodes.values():
        n.level = levels[n.id]
    _weigh(nodes, edges)
    srcs = x.sources(store)
    return MapModel(
        kind="actions",
        title="Plan actions: priority areas, assessments and leads",
        subtitle=x.subtitle(len(nodes), len(edges), srcs, req.as_of),
        nodes=list(nodes.values()),
        edges=edges,
        sources=srcs,
        focus=req.focus,
        layout="layered",
        direction="LR",
        shape="box",
        notes=(
            "Left: priority areas; middle: actions, coloured by their latest assessment; "
            "right: lead organisations.",
        ),
    )
