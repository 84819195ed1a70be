"""Materialise, at load time, the inferences that queries rely on.

A general OWL RL engine is far too slow here (owlrl took 199 s for 10^5 triples), and the
queries need only five targeted rules, all read from the ontology:

(a) rdf:type closure over rdfs:subClassOf;
(b) rdfs:subPropertyOf closure of object properties (``reportsTo`` gives ``accountableTo``);
(c) owl:inverseOf in both directions;
(d) owl:SymmetricProperty;
(e) owl:TransitiveProperty (``accountableTo``). The closure of its inverse
    (``holdsToAccount``) is not materialised: a body near the top would carry an inferred
    line to every body below it (10^4 triples each, 3 x 10^5 at 10^4 bodies), and every
    lookup of that body's own lines would scan them. Direct inverses are kept; "everything
    X holds to account" is ``?e gg:accountableTo X``.

Rules (a) and (b) follow the alignments in alignment.ttl too, so ``?x a org:Organization``,
``?x a prov:Agent`` and ``?x org:memberOf ?g`` answer without a reasoner at query time.

The asserted triples are read with two SELECTs as N-Triples-encoded TSV, the closure is
computed over plain strings with sets and breadth-first search, and the new triples (never
ones already asserted) replace :data:`INFERRED_GRAPH` in one atomic write.
"""

from __future__ import annotations

import io
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF

from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store, bind_values
from govgraph.ontology.model import Model, aligned_model
from govgraph.ontology.terms import INFERRED_GRAPH

Pair = tuple[str, str]
_TSV = "text/tab-separated-values"
_RDF_TYPE = f"<{RDF.type}>"


@dataclass(frozen=True)
class Rules:
    """The ontology's entailment rules over N-Triples-encoded IRIs (``<...>``)."""

    ancestors: dict[str, tuple[str, ...]]
    super_properties: dict[str, tuple[str, ...]]
    inverses: dict[str, str]
    symmetric: frozenset[str]
    transitive: frozenset[str]
    unclosed: frozenset[str] = frozenset()
    """Transitive properties whose closure is left to their inverse's (``holdsToAccount``):
    neither closed themselves nor given the inverse of the other's closure."""

    @classmethod
    def from_model(cls, m: Model) -> Rules:
        def nt(iri: URIRef) -> str:
            return f"<{iri}>"

        objects = [p for p in m.properties.values() if p.kind == "object"]
        unclosed = {
            nt(p.iri)
            for p in objects
            if p.is_transitive
            and p.inverse is not None
            and m.properties[p.inverse].is_transitive
            and m.properties[p.inverse].is_accountability_kind
        }
        return cls(
            ancestors={nt(c): tuple(sorted(nt(a) for a in m.ancestors(c))) for c in m.classes},
            super_properties={
                nt(p.iri): tuple(sorted(nt(s) for s in m.super_properties(p.iri))) for p in objects
            },
            inverses={nt(p.iri): nt(p.inverse) for p in objects if p.inverse is not None},
            symmetric=frozenset(nt(p.iri) for p in objects if p.is_symmetric),
            transitive=frozenset(nt(p.iri) for p in objects if p.is_transitive) - unclosed,
            unclosed=frozenset(unclosed),
        )

    def known_classes(self) -> list[URIRef]:
        """Classes whose asserted instances matter: ontology classes and all their ancestors."""
        names = set(self.ancestors).union(*self.ancestors.values())
        return sorted(URIRef(n[1:-1]) for n in names)

    def known_properties(self) -> list[URIRef]:
        names = set(self.super_properties).union(*self.super_properties.values())
        names |= set(self.inverses)
        return sorted(URIRef(n[1:-1]) for n in names)


def _rows(store: Store, name: str, values: dict[str, list[URIRef]]) -> Iterator[list[str]]:
    """The rows of a TSV answer, read line by line from the bytes (no list of every line),
    each IRI interned: an entity's IRI recurs in its types and in every edge it has, and
    one shared string per entity keeps the closure's memory at 10^6 triples under half."""
    data = store.query_serialized(bind_values(query(name), values), _TSV)
    with io.BytesIO(data) as lines:
        next(lines, None)  # the header
        for line in lines:
            if line := line.rstrip(b"\n"):
                yield [sys.intern(cell) for cell in line.decode("utf-8").split("\t")]


def _components(succ: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (iterative Tarjan), each listed after every
    component it can reach."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    for root in succ:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(succ[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(succ.get(child, ()))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    out.append(component)
    return out


def transitive_closure(pairs: Iterable[Pair]) -> set[Pair]:
    """All (x, z) such that a path of one or more pairs leads from x to z.

    Computed over the condensation into strongly connected components, so each component's
    reachable set is the union of its successors' sets (C-speed set unions) rather than a
    search from every node; cycles yield (x, x) as a property path ``+`` does.
    """
    succ: dict[str, set[str]] = defaultdict(set)
    for s, o in pairs:
        succ[s].add(o)
    comp_of: dict[str, int] = {}
    reach: list[set[str]] = []
    out: set[Pair] = set()
    for number, component in enumerate(_components(succ)):
        for v in component:
            comp_of[v] = number
        reachable: set[str] = set()
        for v in component:
            for w in succ.get(v, ()):
                if comp_of[w] != number:
                    reachable.add(w)
                    reachable |= reach[comp_of[w]]
                else:
                    reachable.update(component)
        reach.append(reachable)
        for v in component:
            out.update((v, w) for w in reachable)
    return out


def close_types(rules: Rules, types: Iterable[Pair]) -> set[Pair]:
    """(entity, class) pairs after rule (a), asserted pairs included."""
    out: set[Pair] = set()
    for s, c in types:
        out.add((s, c))
        out.update((s, a) for a in rules.ancestors.get(c, ()))
    return out


def close_edges(rules: Rules, edges: dict[str, set[Pair]]) -> dict[str, set[Pair]]:
    """Property -> (subject, object) pairs after rules (b)-(e), applied to a fixpoint.

    New pairs travel as deltas through the sub-property, inverse and symmetric rules; a
    transitive property is re-closed only when other rules have added to it.
    """
    closed: dict[str, set[Pair]] = defaultdict(set)
    queue: list[tuple[str, set[Pair], bool]] = [
        (p, set(pairs), False) for p, pairs in edges.items() if pairs
    ]
    for p, pairs, _ in queue:
        closed[p] |= pairs
    dirty = {p for p, _, _ in queue if p in rules.transitive}

    def add(p: str, pairs: set[Pair], *, from_closure: bool = False) -> None:
        new = pairs - closed[p]
        if new:
            closed[p] |= new
            queue.append((p, new, from_closure))
            if p in rules.transitive and not from_closure:
                dirty.add(p)

    while queue or dirty:
        while queue:
            p, new, from_closure = queue.pop()
            for q in rules.super_properties.get(p, ()):
                add(q, new)
            if p in rules.inverses and not (from_closure and rules.inverses[p] in rules.unclosed):
                add(rules.inverses[p], {(o, s) for s, o in new})
            if p in rules.symmetric:
                add(p, {(o, s) for s, o in new})
        if dirty:
            p = dirty.pop()
            add(p, transitive_closure(closed[p]), from_closure=True)
    return {p: pairs for p, pairs in closed.items() if pairs}


def inferred_lines(store: Store, rules: Rules | None = None) -> Iterator[str]:
    """The N-Triples lines of everything rules (a)-(e) add to the asserted data, unsorted."""
    rules = rules or Rules.from_model(aligned_model())
    inferred_graph = [URIRef(str(INFERRED_GRAPH))]
    types = {
        (s, c)
        for s, c in _rows(
            store, "reasoning_types", {"classes": rules.known_classes(), "inferred": inferred_graph}
        )
    }
    edges: dict[str, set[Pair]] = defaultdict(set)
    for s, p, o in _rows(
        store,
        "reasoning_edges",
        {"properties": rules.known_properties(), "inferred": inferred_graph},
    ):
        edges[p].add((s, o))

    yield from (f"{s} {_RDF_TYPE} {c} .\n" for s, c in close_types(rules, types) - types)
    for p, pairs in close_edges(rules, edges).items():
        yield from (f"{s} {p} {o} .\n" for s, o in pairs - edges.get(p, set()))


def inferred_ntriples(store: Store, rules: Rules | None = None) -> tuple[bytes, int]:
    """The N-Triples of everything rules (a)-(e) add to the asserted data (sorted), and its
    count."""
    lines = sorted(inferred_lines(store, rules))
    return "".join(lines).encode("utf-8"), len(lines)


def materialise(store: Store) -> int:
    """Replace the inferred graph with the closure of the asserted data; returns its size.

    The closure's triples go to a spooled N-Triples file that the store reads in a stream,
    rather than one string in memory (45 MB at 10^6 asserted triples, three times over while
    it was joined and encoded)."""
    count = 0
    with tempfile.TemporaryDirectory(prefix="govgraph-inferred-") as tmp:
        path = Path(tmp) / "inferred.nt"
        with path.open("w", encoding="utf-8") as out:
            for line in inferred_lines(store):
                out.write(line)
                count += 1
        store.replace_graph(INFERRED_GRAPH, path)
    return count
