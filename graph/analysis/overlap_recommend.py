"""Recommendations: for each cluster of overlapping bodies, what an advisor could do about it.

A cluster is a rationalisation candidate (bodies overlapping in two or more ways), or a
group of bodies sharing a remit (a remit-overlap pair, or bodies sharing two or more crowded
features, joined into connected components). Each gets one action from :data:`ACTIONS`,
chosen by the first rule that applies (docs/overlaps.md, "Recommendations"):

1. stop duplicate reporting: two or more of them oversee (scrutinise, inspect, regulate)
   or receive reports from the same body, or one body reports to two of them;
2. keep: one of them is an organisation with its own standing (a public body set up in law,
   a council, a company): they share a remit, not a job, and should agree who leads;
3. fold into parent: groups, funds or programmes under one body that share people but not
   a remit: the body above could do the work directly;
4. merge: groups, funds or programmes doing the same work (a shared remit) with the same
   people or under the same body;
5. clarify accountability: groups sharing a remit and nothing else, one with no stated line;
6. keep: otherwise (the overlap is of remit only and each has its line).

The confidence is the share of the three signals (remit, people, parent) present, raised by
the strength of the best pair; the reason is one sentence; the signals are sourced facts;
the scenario is the change the action would make (merge, abolish into the parent), run by
the scenario engine on request (``/reports/recommendations/<finding id>``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from govgraph.graph.analysis.findings import Fact, Finding
from govgraph.graph.analysis.overlap_accountability import Line, lines
from govgraph.graph.analysis.overlap_facts import Facts, Lazy, resolve
from govgraph.graph.analysis.overlap_remit import Profiles, describe, is_body
from govgraph.ontology.terms import GG

ACTIONS: dict[str, str] = {
    "stop-duplicate-reporting": "Stop duplicate reporting: one report, to one body, once.",
    "keep": "Keep: the overlap is real, but each body has a job of its own (the reason says "
    "which); agree who leads on what is shared.",
    "fold-into-parent": "Fold into parent: the body above them could do this work directly.",
    "merge": "Merge: the bodies do the same work for the same people; bring them together.",
    "clarify-accountability": "Clarify accountability: state whom each answers to, for what.",
}
"""The recommendation vocabulary, in the order of the rules: the one place it is defined
(GraphQL's RecommendedAction enum and the report's filter read it; a test checks the docs)."""

MERGEABLE = (GG.Group, GG.Fund, GG.Programme)
OVERSIGHT = frozenset(
    str(k) for k in (GG.scrutinisedBy, GG.inspectedBy, GG.regulatedBy, GG.reportsTo)
)
"""Upward line kinds that carry a report or an inspection: two of them to one cluster from
one body (or from two of its members to one body) is the same thing reported twice."""
MAX_CLUSTER = 12
BODIES = (GG.Organisation, GG.Group)
"""What a scenario can merge: bodies and groups (a fund or programme is administered by
one, and goes with it)."""


@dataclass
class PairSignals:
    """What two bodies of a cluster share, each signal between 0 and 1."""

    a: str
    b: str
    remit: float = 0.0
    people: float = 0.0
    parent: float = 0.0
    parent_iri: str = ""
    place: bool = False
    facts: list[Lazy] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return min(1.0, (self.remit + self.people + self.parent) / 3 + (0.1 if self.place else 0))


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _absorb(into: str, bodies: list[str]) -> list[dict[str, Any]]:
    """The scenario steps that fold ``bodies`` into ``into`` (a merge takes two or more)."""
    if len(bodies) >= 2:
        return [{"merge": bodies, "into": into}]
    return [{"abolish": b, "transfer_functions_to": into} for b in bodies]


def _shares(shared: Sequence[str]) -> str:
    """'share Youth justice and serve young people in the justice system'."""
    served = [x.removeprefix("serves ") for x in shared if x.startswith("serves ")]
    held = [x for x in shared if not x.startswith("serves ")]
    parts = [f"share {_and(held)}"] if held else []
    if served:
        parts.append(f"serve {_and(served)}")
    return " and ".join(parts) or "share a remit"


def _they(names: Sequence[str]) -> str:
    """The subject of a reason: the names when few, else a count (the list is beside it)."""
    return _and(list(names)) if len(names) <= 3 else f"These {len(names)} bodies"


def _overseeing(facts: Facts) -> dict[str, list[Line]]:
    """body -> the oversight lines up to it (indexed once per facts, not per cluster)."""
    if "overseeing" not in facts.derived:
        index: dict[str, list[Line]] = defaultdict(list)
        for ln in lines(facts):
            if ln.kind in OVERSIGHT:
                index[ln.upper].append(ln)
        facts.derived["overseeing"] = index
    found: dict[str, list[Line]] = facts.derived["overseeing"]
    return found


def _answering(facts: Facts) -> set[str]:
    """The bodies with a stated line upward (computed once per facts)."""
    if "answering" not in facts.derived:
        facts.derived["answering"] = {ln.lower for ln in lines(facts)}
    found: set[str] = facts.derived["answering"]
    return found


def _oversight(facts: Facts, members: list[str]) -> tuple[str, list[str], list[Lazy]] | None:
    """A body two or more members oversee or take reports from (or one reporting to two)."""
    over: dict[str, list[tuple[str, Lazy]]] = defaultdict(list)
    inside = set(members)
    for m in members:
        for ln in _overseeing(facts).get(m, ()):
            if ln.lower not in inside:
                over[ln.lower].append((ln.upper, ln.ref(facts)))
    for body, found in sorted(over.items()):
        overseers = sorted({m for m, _ in found})
        if len(overseers) >= 2:
            return body, overseers, [f for _, f in found]
    return None


def recommend(facts: Facts, members: list[str], pairs: list[PairSignals]) -> dict[str, Any]:
    """The recommendation for one cluster (``pairs`` best first), JSON-safe."""
    best = pairs[0]
    names = [facts.name(m) for m in members]
    mergeable = facts.of_class(*MERGEABLE)
    standing = [m for m in members if m not in mergeable]
    shared = list(dict.fromkeys(x for p in pairs for x in p.shared))[:3]
    what = _shares(shared)
    no_line = [m for m in members if m not in _answering(facts)]
    signals: list[Lazy] = []
    duplicate = _oversight(facts, members)
    scenario: list[dict[str, Any]] = []
    focus = members
    if duplicate is not None:
        body, overseers, refs = duplicate
        action = "stop-duplicate-reporting"
        reason = (
            f"{_and([facts.name(o) for o in overseers])} each oversee or take reports from "
            f"{facts.name(body)}: one joint report would spare it reporting the same thing twice."
        )
        signals += refs
    elif standing:
        action = "keep"
        one = len(standing) == 1 or len(standing) == len(members)
        who = _and([facts.name(m) for m in standing[:3]]) + (
            f" and {len(standing) - 3} more" if len(standing) > 3 else ""
        )
        if len(standing) == len(members):
            who = "each"
        reason = (
            f"{_they(names)} {what}, but {who} {'has' if one else 'have'} a "
            f"standing and a job of {'its' if one else 'their'} own: agree who leads "
            "on what is shared rather than merge."
        )
        signals += [facts.entity_ref("{s} is " + _a(_kind(facts, m)) + ".", m) for m in standing]
    elif best.parent >= 0.7 and best.people > 0 and best.remit == 0 and best.parent_iri:
        action = "fold-into-parent"
        parent = facts.name(best.parent_iri)
        under = sorted(
            {x for p in pairs if p.parent_iri == best.parent_iri for x in (p.a, p.b)},
            key=lambda m: members.index(m),
        )
        who = _they([facts.name(m) for m in under])
        reason = (
            f"{who} sit under {parent} and share people: {parent} could run their work "
            "through one group instead of several."
        )
        movable = [m for m in under if m in facts.of_class(*BODIES)]
        focus = under
        scenario = _absorb(best.parent_iri, movable)
    elif best.remit > 0 and (best.people > 0 or best.parent > 0):
        action = "merge"
        how = f"sit under {facts.name(best.parent_iri)}" if best.parent_iri else ""
        how = how or "share people"
        reason = f"{_they(names)} {what} and {how}: one group could do what they each do."
        movable = [m for m in members if m in facts.of_class(*BODIES)]
        scenario = _absorb(movable[0], movable[1:]) if movable else []
    elif no_line:
        action = "clarify-accountability"
        unanswered = (
            "both" if len(no_line) == len(members) == 2 else _and([facts.name(m) for m in no_line])
        )
        reason = (
            f"{_they(names)} {what}, and {unanswered} answer to no one in the "
            "sources: say whom each reports to before deciding more."
        )
        signals += [
            facts.entity_ref("{s} has no stated line of accountability.", m) for m in no_line
        ]
    else:
        action = "keep"
        reason = (
            f"{_they(names)} {what} but nothing else (no people, no body above "
            "both), and each has its own line of accountability."
        )
    parts = {
        "remit": round(best.remit, 3),
        "people": round(best.people, 3),
        "parent": round(best.parent, 3),
        "place": best.place,
    }
    present = sum(1 for v in (best.remit, best.people, best.parent) if v > 0)
    confidence = round(min(1.0, present / 3 + best.score / 3), 2)
    return {
        "action": action,
        "actionLabel": ACTIONS[action].split(":", 1)[0],
        "confidence": confidence,
        "reason": reason,
        "score": round(best.score, 3),
        "scoreParts": parts,
        "scenario": scenario,
        "compare": _compared(best, focus),
        "_signals": signals + [f for p in pairs for f in p.facts],
    }


def _compared(best: PairSignals, members: list[str]) -> list[str]:
    """The bodies to see side by side: the closest pair, then one more of the cluster."""
    rest = [m for m in members if m not in (best.a, best.b)]
    return [best.a, best.b, *rest[:1]] if len(members) > 3 else [best.a, best.b, *rest]


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _kind(facts: Facts, iri: str) -> str:
    from govgraph.graph.analysis.overlap_facts import label

    t = facts.type_of(iri)
    return label(t) if t else "organisation"


def attach(finding: Finding, rec: dict[str, Any]) -> Finding:
    """The finding with its recommendation in ``details`` and the reason leading its
    explanation; the signals (sourced facts) lead its evidence."""
    signals: tuple[Fact, ...] = resolve(rec.pop("_signals"))
    rec["signals"] = [s.to_dict() for s in signals[:8]]
    details = {**finding.details, "recommendation": rec}
    evidence = tuple(dict.fromkeys([*signals, *finding.evidence]))
    return Finding(
        finding.kind,
        finding.subjects,
        finding.score,
        f"{rec['actionLabel']} ({rec['confidence']:.0%} confidence). {rec['reason']}",
        evidence,
        details,
        finding.identity,
    )


def remit_clusters(
    facts: Facts,
    prof: Profiles,
    pairs: list[tuple[str, str, float]],
    taken: set[frozenset[str]],
) -> list[Finding]:
    """Rationalisation findings for bodies that share a remit only: connected components of
    remit pairs (at most :data:`MAX_CLUSTER` bodies), each with its recommendation, unless
    a rationalisation candidate already holds all of them."""
    graph = nx.Graph()
    score = {}
    by_member: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, b, s in pairs:
        if is_body(facts, a) and is_body(facts, b):
            graph.add_edge(a, b)
            score[(a, b)] = s
            by_member[a].append((a, b))
    holding: dict[str, list[frozenset[str]]] = defaultdict(list)
    for t in taken:
        for m in t:
            holding[m].append(t)
    out: list[Finding] = []
    for comp in nx.connected_components(graph):
        members = sorted(comp, key=lambda m: (facts.name(m), m))
        first = members[0]
        if len(members) > MAX_CLUSTER or any(comp <= t for t in holding.get(first, ())):
            continue
        inner = sorted(
            (k for m in members for k in by_member.get(m, ())), key=lambda k: (-score[k], k)
        )
        signals = []
        for a, b in inner:
            common = [
                f for f in prof.weights[a] if f in prof.weights[b] and f.dimension != "geography"
            ]
            signals.append(
                PairSignals(
                    a,
                    b,
                    remit=score[(a, b)],
                    facts=[prof.facts[(x, f)] for f in common[:2] for x in (a, b)],
                    shared=[describe(facts, f) for f in common],
                )
            )
        best = signals[0]
        rec = recommend(facts, members, signals)
        finding = Finding(
            "rationalisation",
            facts.subjects(members),
            best.score,
            "",
            (),
            details={
                "pairs": [
                    {
                        "a": facts.name(p.a),
                        "b": facts.name(p.b),
                        "remit": round(p.remit, 3),
                        "people": 0.0,
                        "parent": 0.0,
                        "place": False,
                        "score": round(p.score, 3),
                    }
                    for p in signals
                ],
                "lines": [],
                "actions": [],
            },
        )
        out.append(attach(finding, rec))
    return out
