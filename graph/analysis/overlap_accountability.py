"""Accountability anomalies, judged on the lines sources state (never the inferred closure):
several parents, cycles, orphans, redundant lines, the longest chains, unsourced lines.

A line is a stated triple of an accountability kind read upwards (``A directs B`` is the
line B -> A); which kinds these are comes from the ontology. Registered care services are
left out: each is regulated by the Care Inspectorate by law, and they are not agents.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from itertools import pairwise

import networkx as nx

from govgraph.graph.analysis.findings import Fact, Finding
from govgraph.graph.analysis.overlap_facts import Facts, Lazy, label, resolve
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG

ORPHAN_CLASSES = (
    GG.PublicBody,
    GG.HealthBoard,
    GG.IntegrationAuthority,
    GG.HealthAndSocialCarePartnership,
    GG.CommunityPlanningPartnership,
    GG.ChildrensServicesPlanningPartnership,
    GG.Group,
    GG.GovernmentUnit,
)
"""Bodies that must answer to someone: public bodies, health boards, integration
authorities and partnerships, planning partnerships, groups and government units (a unit
inside a department is taken to answer through it, and is not reported). Not
checked: governments, parliaments and councils (answerable to an electorate, which the
graph does not model), companies, charities and academic bodies (answerable to their own
boards and regulators, rarely stated), posts and people."""
STRUCTURAL = (GG.subOrganisationOf, GG.postIn, GG.hostedBy)
"""Being part of a body: not accountability, but a line may repeat what it implies."""
MAX_REDUNDANT_DEPTH = 6
LONGEST = 5
MIN_CHAIN = 3


EXPECTED_PATTERNS = (
    ((GG.LocalAuthority, GG.HealthBoard), GG.IntegrationAuthority),
    (GG.IntegrationAuthority, (GG.LocalAuthority, GG.HealthBoard)),
    (GG.HealthBoard, GG.Government),
)
"""Lines the law sets for every body of a kind, expected rather than anomalous when stated
with a statutory basis: an integration authority directing its council and health board
and reporting to them (Public Bodies (Joint Working) (Scotland) Act 2014, ss. 26, 42), a
health board under the Scottish Ministers (National Health Service (Scotland) Act 1978,
s. 2). (lower classes, upper classes) each; any other line is judged on its own."""


def expected(facts: Facts, lower: str, upper: str) -> bool:
    """Whether lower -> upper is one of :data:`EXPECTED_PATTERNS` (the classes' members
    are looked up once per facts: this is asked for every line with a statutory basis)."""
    patterns = facts.derived.get("expected-patterns")
    if patterns is None:
        patterns = facts.derived["expected-patterns"] = [
            (
                facts.of_class(*(low if isinstance(low, tuple) else (low,))),
                facts.of_class(*(up if isinstance(up, tuple) else (up,))),
            )
            for low, up in EXPECTED_PATTERNS
        ]
    return any(lower in lows and upper in ups for lows, ups in patterns)


@dataclass(frozen=True)
class Line:
    lower: str
    upper: str
    kind: str
    """The kind read upwards (directedBy for a stated directs)."""
    stated: tuple[str, str, str]
    graph: str
    statutory: str = ""
    """The Act and section that set the line, when it is one of the
    :data:`EXPECTED_PATTERNS` ('' otherwise): counted as a line, never flagged as an
    anomaly."""

    def ref(self, facts: Facts) -> Lazy:
        s, p, o = self.stated
        template = "{s} {p} {o}." if self.kind == p else "{s} {p} {o}, so {o} answers to {s}."
        return facts.edge_ref(template, s, p, o, self.graph)

    def fact(self, facts: Facts) -> Fact:
        return self.ref(facts)()


def lines(facts: Facts) -> list[Line]:
    """Every stated accountability line, read upwards (computed once per facts)."""
    if "lines" not in facts.derived:
        facts.derived["lines"] = _lines(facts)
    found: list[Line] = facts.derived["lines"]
    return found


def _lines(facts: Facts) -> list[Line]:
    out: list[Line] = []
    agents = facts.of_class(GG.Agent)
    for p in ontology.relationship_kinds():
        direction = ontology.accountability_direction(p.iri)
        if direction is None:
            continue
        kind, flip = direction
        for s, o, g in facts.pairs(p.iri):
            lower, upper = (o, s) if flip else (s, o)
            if lower in agents and lower != upper:
                stated = (s, str(p.iri), o)
                basis = facts.statutory.get(stated, "")
                if basis and not expected(facts, lower, upper):
                    basis = ""  # an Act named, but not one of the patterns law sets for all
                out.append(Line(lower, upper, str(kind), stated, g, basis))
    return sorted(out, key=lambda ln: (ln.lower, ln.upper, ln.kind, ln.stated))


def _structural(facts: Facts) -> dict[str, list[tuple[str, Lazy]]]:
    up: dict[str, list[tuple[str, Lazy]]] = defaultdict(list)
    for prop in STRUCTURAL:
        for s, o, g in facts.pairs(prop):
            up[s].append((o, facts.edge_ref("{s} {p} {o}.", s, str(prop), o, g)))
    return up


def accountability_findings(facts: Facts, *, scope: str = "scotland") -> list[Finding]:
    """Every accountability anomaly; orphans only within ``scope`` (see
    :mod:`govgraph.graph.analysis.scope`): a UK-wide body outside the Scottish landscape has its
    lines in UK departments the graph does not hold."""
    all_lines = lines(facts)
    every: dict[str, list[Line]] = defaultdict(list)
    up: dict[str, list[Line]] = defaultdict(list)
    for ln in all_lines:
        every[ln.lower].append(ln)
        if not ln.statutory:  # what an Act sets for every body of a kind is no anomaly
            up[ln.lower].append(ln)
    out: list[Finding] = []
    out += _several_parents(facts, up)
    out += _cycles(facts, up)
    out += _orphans(facts, every, None if scope == "all" else facts.scotland())
    out += _redundant(facts, up)
    out += _longest(facts, up)
    out += _unsourced(facts, all_lines)
    return out


def _several_parents(facts: Facts, up: dict[str, list[Line]]) -> list[Finding]:
    out: list[Finding] = []
    for body, ls in sorted(up.items()):
        parents = sorted({ln.upper for ln in ls})
        if len(parents) < 2:
            continue
        kinds = sorted({label(ln.kind) for ln in ls})
        out.append(
            Finding(
                "several-parents",
                facts.subjects([body, *parents]),
                1 - 1 / len(parents),
                f"{facts.name(body)} answers to {len(parents)} different bodies "
                f"({', '.join(facts.name(p) for p in parents)}) through {len(ls)} stated "
                f"line(s) of {len(kinds)} kind(s): {', '.join(kinds)}.",
                tuple(ln.fact(facts) for ln in ls),
                details={"parents": len(parents), "kinds": kinds},
                identity=1,
            )
        )
    return out


def _cycles(facts: Facts, up: dict[str, list[Line]]) -> list[Finding]:
    graph = nx.DiGraph()
    graph.add_edges_from((ln.lower, ln.upper) for ls in up.values() for ln in ls)
    out: list[Finding] = []
    for comp in nx.strongly_connected_components(graph):
        if len(comp) < 2:
            continue
        members = sorted(comp)
        inside = [ln for m in members for ln in up[m] if ln.upper in comp]
        out.append(
            Finding(
                "accountability-cycle",
                facts.subjects(members),
                1.0,
                f"{len(members)} bodies hold one another to account in a loop: "
                f"{', '.join(facts.name(m) for m in members)}. Following the stated lines "
                "upwards from any of them leads back to itself.",
                tuple(ln.fact(facts) for ln in inside),
                details={"size": len(members)},
            )
        )
    return out


def _orphans(facts: Facts, up: dict[str, list[Line]], scope: set[str] | None) -> list[Finding]:
    structural = _structural(facts)
    out: list[Finding] = []
    for body in sorted(facts.of_class(*ORPHAN_CLASSES) & facts.of_class(GG.Agent)):
        if body in up or (scope is not None and body not in scope):
            continue
        parents = structural.get(body, [])
        if parents and facts.is_a(body, GG.GovernmentUnit):
            continue  # a unit of a department answers through it
        kind = label(facts.type_of(body)) if facts.type_of(body) else "body"
        if parents:
            names = ", ".join(sorted(facts.name(p) for p, _ in parents))
            text = (
                f"{facts.name(body)} ({kind}) has no stated line of accountability; it "
                f"sits within {names}, but the sources do not say whom it answers to."
            )
            evidence = resolve(f for _, f in parents)
        else:
            text = (
                f"{facts.name(body)} ({kind}) has no stated line of accountability and "
                "sits within no other body in the graph."
            )
            evidence = (facts.entity_fact(f"{facts.name(body)} is a {kind}.", body),)
        out.append(
            Finding(
                "orphan",
                (facts.subject(body),),
                0.3 if parents else 1.0,
                text,
                evidence,
                details={"within": len(parents)},
            )
        )
    return out


def _path(
    start: str, goal: str, step: dict[str, list[tuple[str, Lazy, bool]]], skip: tuple[str, str]
) -> list[tuple[str, Lazy, bool]] | None:
    """Shortest path start -> goal of at least two steps, never using the ``skip`` step."""
    prev: dict[str, tuple[str, Lazy, bool] | None] = {start: None}
    back: dict[str, str] = {}
    queue = deque([(start, 0)])
    while queue:
        node, depth = queue.popleft()
        if depth >= MAX_REDUNDANT_DEPTH:
            continue
        for nxt, fact, is_line in step.get(node, ()):
            if (node, nxt) == skip or nxt in prev:
                continue
            prev[nxt] = (nxt, fact, is_line)
            back[nxt] = node
            if nxt == goal:
                path: list[tuple[str, Lazy, bool]] = []
                n = goal
                while n != start:
                    hop = prev[n]
                    assert hop is not None
                    path.append(hop)
                    n = back[n]
                return path[::-1]
            queue.append((nxt, depth + 1))
    return None


def _redundant(facts: Facts, up: dict[str, list[Line]]) -> list[Finding]:
    step: dict[str, list[tuple[str, Lazy, bool]]] = defaultdict(list)
    for body, ls in up.items():
        for ln in ls:
            step[body].append((ln.upper, ln.ref(facts), True))
    for body, parents in _structural(facts).items():
        for parent, fact in parents:
            step[body].append((parent, fact, False))
    for hops in step.values():
        hops.sort(key=lambda h: (h[0], not h[2]))
    out: list[Finding] = []
    for body, ls in sorted(up.items()):
        for upper in sorted({ln.upper for ln in ls}):
            path = _path(body, upper, step, (body, upper))
            if path is None:
                continue
            direct = [ln for ln in ls if ln.upper == upper]
            via = [facts.name(n) for n, _, _ in path[:-1]]
            only_lines = all(is_line for _, _, is_line in path)
            score = (0.9 if only_lines else 0.6) - 0.05 * (len(path) - 2)
            how = (
                "other lines already give"
                if only_lines
                else "its place within another body already gives"
            )
            out.append(
                Finding(
                    "redundant-line",
                    facts.subjects([body, upper]),
                    score,
                    f"{facts.name(body)}'s direct line to {facts.name(upper)} repeats what "
                    f"{how}: it also answers to {facts.name(upper)} through "
                    f"{' -> '.join(via)}.",
                    tuple(ln.fact(facts) for ln in direct) + resolve(f for _, f, _ in path),
                    details={
                        "path": [facts.name(body), *via, facts.name(upper)],
                        "structural": not only_lines,
                    },
                )
            )
    return out


def _longest(facts: Facts, up: dict[str, list[Line]]) -> list[Finding]:
    """The longest chains upward (cycles broken by ignoring lines inside a loop)."""
    graph = nx.DiGraph()
    graph.add_edges_from((ln.lower, ln.upper) for ls in up.values() for ln in ls)
    cond = nx.condensation(graph)
    looped = {
        n for c in cond.nodes if len(cond.nodes[c]["members"]) > 1 for n in cond.nodes[c]["members"]
    }
    height: dict[str, int] = {}
    nxt: dict[str, str] = {}
    for c in reversed(list(nx.topological_sort(cond))):
        for node in sorted(cond.nodes[c]["members"]):
            best, best_up = 0, ""
            for ln in up.get(node, ()):
                if node in looped and ln.upper in looped:
                    continue
                h = height.get(ln.upper, 0) + 1
                if h > best or (h == best and ln.upper < best_up):
                    best, best_up = h, ln.upper
            height[node] = best
            if best_up:
                nxt[node] = best_up
    has_child = {ln.upper for ls in up.values() for ln in ls}
    bottoms = sorted(
        (n for n in height if n not in has_child and height[n] >= MIN_CHAIN),
        key=lambda n: (-height[n], n),
    )
    top = max(height.values(), default=0)
    out: list[Finding] = []
    for start in bottoms[:LONGEST]:
        chain = [start]
        while chain[-1] in nxt:
            chain.append(nxt[chain[-1]])
        hops = [next(ln for ln in up[a] if ln.upper == b) for a, b in pairwise(chain)]
        out.append(
            Finding(
                "accountability-chain",
                facts.subjects(chain),
                height[start] / top,
                f"{facts.name(start)} is {height[start]} steps of accountability from the top: "
                f"{' -> '.join(facts.name(n) for n in chain)}.",
                tuple(ln.fact(facts) for ln in hops),
                details={"length": height[start]},
            )
        )
    return out


def _unsourced(facts: Facts, all_lines: list[Line]) -> list[Finding]:
    by_pair: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for ln in all_lines:
        if not facts.edge_citations.get(ln.stated):
            by_pair[(ln.lower, ln.upper)].append(ln)
    out: list[Finding] = []
    for (lower, upper), ls in sorted(by_pair.items()):
        titles = sorted({facts.graph_titles.get(ln.graph, ln.graph) for ln in ls})
        stated = "; ".join(
            f"{facts.name(ln.stated[0])} {label(ln.stated[1])} {facts.name(ln.stated[2])}"
            for ln in ls
        )
        out.append(
            Finding(
                "unsourced-line",
                facts.subjects([lower, upper]),
                1.0,
                f"The line {stated} is stated in {', '.join(titles)} without a citation of the "
                "document or record that says so.",
                tuple(ln.fact(facts) for ln in ls),
                details={"graph": titles},
            )
        )
    return out
