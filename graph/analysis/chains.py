"""Walks over relationships: accountability chains upward, walked in memory over the line
index of the store's data version (no query once it is built); shortest paths between two
entities and neighbourhoods, each with a bounded number of batched queries."""

from __future__ import annotations

from collections import deque

from rdflib import URIRef

from govgraph.graph.core.errors import QueryError
from govgraph.graph.facts.lines import lines_for
from govgraph.graph.facts.records import Chain, Hop, Neighbourhood, RelationshipRecord
from govgraph.graph.facts.relationships import relationships_of
from govgraph.graph.storage.store import Store
from govgraph.ontology import model

Parents = dict[str, tuple[str, RelationshipRecord] | None]
"""entity -> (the entity it was reached from, the relationship crossed); None at an end."""

MAX_PATH_LENGTH = 8
MAX_VISITED = 20_000
"""Entities a path search may visit before it gives up (bounds time on hubs)."""
MAX_LINES = 200
MAX_DEPTH = 3
MAX_NEIGHBOURS = 500


def accountability_chain(store: Store, iri: URIRef, as_of: str | None = None) -> Chain:
    """Every line upward from ``iri`` to the top, walked in memory over the line index of
    the store's data version (:func:`govgraph.graph.facts.lines.lines_for`, built once per
    version): no query once the index is built, whatever the depth or the lines below a
    hub. Each hop is read in the accountable direction: a stated ``A directs B`` is the hop
    B -> A, ``kind: directs, readsAs: directedBy``; ``as_of`` keeps the lines in force then."""
    index = lines_for(store)
    root = str(iri)
    up: dict[str, list[Hop]] = {}
    hops, depth = [], {root: 0}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        onward = [
            Hop(node, h.upper, h.line.record(), h.reads_as)
            for h in index.upward(node)
            if h.line.valid_at(as_of)
        ]
        if onward:
            up[node] = onward
        for hop in onward:
            hops.append(
                Hop(hop.source, hop.target, hop.relationship, hop.reads_as, depth[node] + 1)
            )
            if hop.target not in depth:
                depth[hop.target] = depth[node] + 1
                queue.append(hop.target)
    tops = [n for n in depth if n != root and not up.get(n)]
    return Chain(root, hops, _lines(root, up), tops)


def _lines(root: str, up: dict[str, list[Hop]]) -> list[list[Hop]]:
    """Each simple line from the root to a top; a cycle ends a line where it closes."""
    lines: list[list[Hop]] = []
    stack: list[tuple[str, list[Hop], frozenset[str]]] = [(root, [], frozenset({root}))]
    while stack and len(lines) < MAX_LINES:
        node, line, on_line = stack.pop()
        onward = [h for h in up.get(node, ()) if h.target not in on_line]
        if not onward:
            if line:
                lines.append(line)
            continue
        for hop in reversed(onward):
            stack.append((hop.target, [*line, hop], on_line | {hop.target}))
    return lines


def shortest_path(
    store: Store, start: URIRef, end: URIRef, max_length: int = 6
) -> list[Hop] | None:
    """The shortest chain of stated relationships (either direction) linking two entities,
    by breadth-first search from both ends with one batched query per level; None when
    there is none within ``max_length`` hops."""
    if not 1 <= max_length <= MAX_PATH_LENGTH:
        raise QueryError(f"maxLength must be between 1 and {MAX_PATH_LENGTH}")
    if start == end:
        return []
    parents: tuple[Parents, Parents] = ({str(start): None}, {str(end): None})
    dist: tuple[dict[str, int], dict[str, int]] = ({str(start): 0}, {str(end): 0})
    frontiers = ([str(start)], [str(end)])
    for _ in range(max_length):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        found = relationships_of(store, [URIRef(n) for n in frontiers[side]], in_force=True)
        nxt: list[str] = []
        meets: list[str] = []
        for node in frontiers[side]:
            for rec in found.get(URIRef(node), ()):
                other = rec.object if rec.subject == node else rec.subject
                if other in parents[side]:
                    continue
                parents[side][other] = (node, rec)
                dist[side][other] = dist[side][node] + 1
                nxt.append(other)
                if other in parents[1 - side]:
                    meets.append(other)
        if meets:
            best = min(meets, key=lambda n: (dist[0][n] + dist[1][n], n))
            if dist[0][best] + dist[1][best] > max_length:
                return None
            return _join(parents, best)
        if not nxt or sum(len(p) for p in parents) > MAX_VISITED:
            return None
        frontiers = (nxt, frontiers[1]) if side == 0 else (frontiers[0], nxt)
    return None


def _join(parents: tuple[Parents, Parents], meet: str) -> list[Hop]:
    left: list[Hop] = []
    node = meet
    while (step := parents[0][node]) is not None:
        prev, rec = step
        left.append(_hop(prev, node, rec))
        node = prev
    left.reverse()
    node = meet
    while (step := parents[1][node]) is not None:
        nxt, rec = step
        left.append(_hop(node, nxt, rec))
        node = nxt
    return [Hop(h.source, h.target, h.relationship, h.reads_as, i + 1) for i, h in enumerate(left)]


def _hop(source: str, target: str, rec: RelationshipRecord) -> Hop:
    """A hop read from source to target: the stated kind, or its inverse when the hop runs
    against the statement."""
    if rec.subject == source:
        return Hop(source, target, rec, rec.kind)
    prop = model.model().properties.get(URIRef(rec.kind))
    inverse = prop.inverse if prop is not None and prop.inverse is not None else None
    if prop is not None and prop.is_symmetric:
        inverse = prop.iri
    return Hop(source, target, rec, str(inverse) if inverse else rec.kind)


def neighbourhood(store: Store, iri: URIRef, depth: int = 1) -> Neighbourhood:
    """Entities within ``depth`` relationships of ``iri`` and the relationships among the
    ones reached, capped at MAX_NEIGHBOURS entities."""
    if not 1 <= depth <= MAX_DEPTH:
        raise QueryError(f"depth must be between 1 and {MAX_DEPTH}")
    nodes = [str(iri)]
    seen = {str(iri)}
    edges: dict[tuple[str, ...], RelationshipRecord] = {}
    frontier = [str(iri)]
    truncated = False
    for _ in range(depth):
        found = relationships_of(store, [URIRef(n) for n in frontier])
        nxt: list[str] = []
        for node in frontier:
            for rec in found.get(URIRef(node), ()):
                other = rec.object if rec.subject == node else rec.subject
                if other not in seen:
                    if len(nodes) >= MAX_NEIGHBOURS:
                        truncated = True
                        continue
                    seen.add(other)
                    nodes.append(other)
                    nxt.append(other)
                edges.setdefault(rec.key, rec)
        frontier = nxt
        if not frontier:
            break
    return Neighbourhood(str(iri), nodes, list(edges.values()), truncated)
