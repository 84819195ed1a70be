"""Rationalisation candidates: bodies that overlap in two or more ways at once.

Three signals, each between 0 and 1, for a pair of bodies:
- remit: the weighted similarity of their remits (overlap_remit), when they share a
  policy area or function;
- people: shared seat-holders (members, chairs, post holders), a shared supporting body
  or secretariat, or one staffing or supporting the other;
- parent: the same body above both (a stated line of accountability or being part of it:
  1.0 and 0.7), or a common body two steps up (0.5); never a government or a parliament.
A pair with at least two signals is a candidate; score = mean of the three, plus 0.1 when
they also operate in the same place. Candidates are joined into clusters (connected
components), ranked by their best pair; for each cluster the finding lists what a merger
would touch: the lines of accountability, the plan actions they lead and their seats.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from govgraph.graph.analysis.findings import Finding
from govgraph.graph.analysis.overlap_accountability import STRUCTURAL, Line, lines
from govgraph.graph.analysis.overlap_facts import Facts, Lazy, resolve
from govgraph.graph.analysis.overlap_membership import seats
from govgraph.graph.analysis.overlap_recommend import PairSignals, attach, recommend
from govgraph.graph.analysis.overlap_remit import (
    BODY_CLASSES,
    Feature,
    Profiles,
    describe,
    similarity,
)
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG

MERGEABLE = (GG.Group, GG.Fund, GG.Programme)
"""What a rationalisation could merge: groups, and the funds and programmes they run.
Organisations overlap too, but merging bodies set up in law is another order of change:
their overlaps are reported as remit and membership findings."""
SUPPORT = (GG.supports, GG.providesSecretariatTo, GG.administers)
MAX_CHILDREN = 50
"""A body above more than this many others (a department) is no signal of overlap."""
APEX = (GG.Government, GG.Parliament)
"""Nor is a government or a legislature: every public body answers to one in the end, so
two groups that both report to Parliament (an oversight board and the team it oversees, say)
have no common parent worth merging under."""
PLACE_BONUS = 0.1
MAX_CLUSTER = 12
"""A connected cluster larger than this is reported pair by pair: a long chain of pairwise
overlaps is not one merger proposal."""


Reason = tuple[str, tuple[str, ...]]
"""A reason to show, formatted only if shown: a template and the entities it names."""


@dataclass
class Pair:
    remit: float = 0.0
    people: float = 0.0
    parent: float = 0.0
    place: bool = False
    parent_reason: Reason | None = None
    evidence: list[Lazy] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)

    def why(self, facts: Facts) -> str:
        said = [self.parent_reason] if self.parent_reason else []
        texts = (t.format(*(facts.name(i) for i in ids)) for t, ids in [*said, *self.reasons])
        return ", ".join(dict.fromkeys(texts))

    @property
    def signals(self) -> int:
        return sum(1 for v in (self.remit, self.people, self.parent) if v > 0)

    @property
    def score(self) -> float:
        bonus = PLACE_BONUS if self.place else 0.0
        return min(1.0, (self.remit + self.people + self.parent) / 3 + bonus)


def _parents(facts: Facts) -> dict[str, dict[str, tuple[float, Lazy]]]:
    """body -> body above it -> (strength, fact): lines, being part of, being a member."""
    up: dict[str, dict[str, tuple[float, Lazy]]] = defaultdict(dict)
    for ln in lines(facts):
        up[ln.lower].setdefault(ln.upper, (1.0, ln.ref(facts)))
    bodies = facts.of_class(*BODY_CLASSES)
    for prop in (*STRUCTURAL, GG.memberOf):
        member = prop == GG.memberOf
        for s, o, g in facts.pairs(prop):
            if member and s not in bodies:
                continue  # a person on a board is a seat, not a parent
            up[s].setdefault(o, (0.7, facts.edge_ref("{s} {p} {o}.", s, str(prop), o, g)))
    return up


def _pairs(
    facts: Facts, prof: Profiles, max_children: int, remit_threshold: float
) -> dict[tuple[str, str], Pair]:
    pairs: dict[tuple[str, str], Pair] = defaultdict(Pair)
    up = _parents(facts)
    above: dict[str, dict[str, tuple[float, list[Lazy]]]] = defaultdict(dict)
    for body, parents in up.items():
        for p, (strength, fact) in parents.items():
            above[body].setdefault(p, (strength, [fact]))
            for gp, (_, fact2) in up.get(p, {}).items():
                if gp != body:
                    above[body].setdefault(gp, (0.5, [fact, fact2]))
    below: dict[str, list[str]] = defaultdict(list)
    for body in sorted(above):
        if _mergeable(facts, body):
            for p in above[body]:
                below[p].append(body)
    apex = facts.of_class(*APEX)
    for p, kids in sorted(below.items()):
        if len(kids) > max_children or p in apex:
            continue
        for a, b in combinations(kids, 2):
            if p in (a, b) or b in above.get(a, {}) or a in above.get(b, {}):
                continue
            strength = min(above[a][p][0], above[b][p][0])
            pair = pairs[(a, b)]
            if strength > pair.parent:
                pair.parent = strength
                pair.parent_reason = ("both sit under {0}", (p,))
                pair.evidence += above[a][p][1] + above[b][p][1]
    s = seats(facts)
    holders: dict[str, list[str]] = defaultdict(list)
    for body in sorted(s.on):
        for h in s.on[body]:
            holders[h].append(body)
    for prop in SUPPORT:
        verb = ontology.get_property(prop).label
        for x, body, g in facts.pairs(prop):
            ref = facts.edge_ref("{s} {p} {o}.", x, str(prop), body, g)
            s.add(body, x, [ref])
            if body not in holders[x]:
                holders[x].append(body)
            if _mergeable(facts, x) and _mergeable(facts, body):
                a, b = sorted((x, body))
                pairs[(a, b)].people = max(pairs[(a, b)].people, 0.5)
                pairs[(a, b)].reasons.append(("{0} " + verb + " {1}", (x, body)))
                pairs[(a, b)].evidence.append(ref)
    shared_holders: dict[tuple[str, str], int] = defaultdict(int)
    for h, all_bodies in sorted(holders.items()):
        bodies = sorted(b for b in all_bodies if _mergeable(facts, b))
        if len(bodies) > max_children:
            continue
        for a, b in combinations(bodies, 2):
            pair = pairs[(a, b)]
            shared_holders[(a, b)] += 1
            n = shared_holders[(a, b)]
            pair.people = max(pair.people, n / (n + 1))
            pair.reasons.append(("{0} sits on or serves both", (h,)))
            pair.evidence += s.on[a][h] + s.on[b][h]
    for (a, b), pair in pairs.items():  # remit alone is one signal: check only these
        if a not in prof.weights or b not in prof.weights:
            continue
        wa, wb = prof.weights[a], prof.weights[b]
        shared = sorted((f for f in wa if f in wb), key=lambda f: (f.dimension, f.key))
        common = [f for f in shared if f.dimension != "geography"]
        score = similarity(wa, wb) if common else 0.0
        if score >= remit_threshold:
            pair.remit = score
            pair.reasons.append((_shared(facts, common), ()))
            pair.evidence += [prof.facts[(x, f)] for f in common for x in (a, b)]
        pair.place = any(f.dimension == "geography" for f in shared)
    return pairs


def _shared(facts: Facts, common: list[Feature]) -> str:
    """'they share A, B; both serve C': policy areas and functions, then client groups."""
    held = [describe(facts, f) for f in common if f.dimension != "client"]
    served = [facts.name(f.key) for f in common if f.dimension == "client"]
    parts = [f"they share {', '.join(held)}"] if held else []
    if served:
        parts.append(f"both serve {', '.join(served)}")
    return "; ".join(parts)


def _mergeable(facts: Facts, iri: str) -> bool:
    return iri in facts.of_class(*MERGEABLE)


def rationalisation_findings(
    facts: Facts,
    prof: Profiles,
    *,
    max_children: int = MAX_CHILDREN,
    max_cluster: int = MAX_CLUSTER,
    remit_threshold: float = 0.3,
) -> list[Finding]:
    pairs = {
        k: v
        for k, v in _pairs(facts, prof, max_children, remit_threshold).items()
        if v.signals >= 2 and _mergeable(facts, k[0]) and _mergeable(facts, k[1])
    }
    graph = nx.Graph()
    graph.add_edges_from(pairs)
    actions: dict[str, list[str]] = defaultdict(list)
    for action, lead, _ in facts.pairs(GG.leadOrganisation):
        actions[lead].append(action)
    touching: dict[str, list[Line]] = defaultdict(list)
    for ln in lines(facts):
        touching[ln.lower].append(ln)
        touching[ln.upper].append(ln)
    by_member: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for k in pairs:
        by_member[k[0]].append(k)
    clusters: list[list[tuple[str, str]]] = []
    for comp in nx.connected_components(graph):
        inner = [k for m in comp for k in by_member.get(m, ())]
        if len(comp) > max_cluster:
            clusters += [[k] for k in inner]  # a chain too loose to be one proposal
        else:
            clusters.append(inner)
    out: list[Finding] = []
    for inner in clusters:
        inner.sort(key=lambda k: (-pairs[k].score, k))
        members = sorted({m for k in inner for m in k})
        best = pairs[inner[0]].score
        touched = list(dict.fromkeys(ln for m in members for ln in touching.get(m, ())))
        led = sorted({a for m in members for a in actions.get(m, [])})
        why = "; ".join(
            f"{facts.name(a)} / {facts.name(b)}: " + pairs[(a, b)].why(facts) for a, b in inner[:6]
        )
        impact = (
            f"A merger would touch {len(touched)} line(s) of accountability"
            + (
                f" and {len(led)} plan action(s) they lead "
                f"({', '.join(facts.name(a) for a in led)})"
                if led
                else " and no plan action"
            )
            + "."
        )
        evidence = resolve(
            [*(r for k in inner for r in pairs[k].evidence), *(ln.ref(facts) for ln in touched)]
        )
        finding = Finding(
            "rationalisation",
            facts.subjects(members),
            best,
            f"{len(members)} bodies overlap in more than one way: {why}. {impact}",
            evidence,
            details={
                "pairs": [
                    {
                        "a": facts.name(a),
                        "b": facts.name(b),
                        "remit": round(pairs[(a, b)].remit, 3),
                        "people": round(pairs[(a, b)].people, 3),
                        "parent": round(pairs[(a, b)].parent, 3),
                        "place": pairs[(a, b)].place,
                        "score": round(pairs[(a, b)].score, 3),
                    }
                    for a, b in inner
                ],
                "lines": [f"{facts.name(ln.lower)} -> {facts.name(ln.upper)}" for ln in touched],
                "actions": [facts.name(a) for a in led],
                "overlaps": why,
                "touches": impact,
            },
        )
        signals = [_signals(facts, prof, a, b, pairs[(a, b)]) for a, b in inner]
        out.append(attach(finding, recommend(facts, members, signals)))
    return out


def _signals(facts: Facts, prof: Profiles, a: str, b: str, pair: Pair) -> PairSignals:
    wa, wb = prof.weights.get(a, {}), prof.weights.get(b, {})
    common = [f for f in wa if f in wb and f.dimension != "geography"]
    return PairSignals(
        a,
        b,
        remit=pair.remit,
        people=pair.people,
        parent=pair.parent,
        parent_iri=pair.parent_reason[1][0] if pair.parent_reason else "",
        place=pair.place,
        facts=list(pair.evidence[:6]),
        shared=[describe(facts, f) for f in common] if pair.remit else [],
    )
