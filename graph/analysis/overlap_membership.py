"""Membership overlap: boards and groups that share members, people or organisations,
directly or through the posts they hold; groups whose membership sits inside another's;
and those who sit on many groups.

Who sits on a body ("seats"): its members (memberOf), its chairs (chairs), the holders of
posts in it (holdsPost + postIn), and, when a post sits on a group, the organisation the
post belongs to and the person who holds it (an interlock through a post). Pairs are
counted through an inverted index seat-holder -> bodies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from govgraph.graph.analysis.findings import Fact, Finding
from govgraph.graph.analysis.overlap_facts import Facts, Lazy, resolve
from govgraph.ontology.terms import GG

MANY_SEATS = 3
"""Someone holding seats on at least this many bodies is reported."""
MAX_BODIES = 200
"""A seat-holder on more bodies than this makes no pairs (its many-seats finding says it)."""


@dataclass
class Seats:
    """body -> seat-holder -> the (lazy) facts that put it there."""

    on: dict[str, dict[str, list[Lazy]]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, body: str, holder: str, refs: list[Lazy]) -> None:
        if body != holder:
            self.on[body].setdefault(holder, []).extend(refs)

    def facts(self, body: str, holder: str) -> tuple[Fact, ...]:
        return resolve(self.on[body][holder])


def seats(facts: Facts) -> Seats:
    """Who sits on each body (a fresh copy: callers add to it)."""
    if "seats" not in facts.derived:
        facts.derived["seats"] = _seats(facts)
    cached: Seats = facts.derived["seats"]
    out = Seats()
    for body, holders in cached.on.items():
        out.on[body] = {h: list(refs) for h, refs in holders.items()}
    return out


def _seats(facts: Facts) -> Seats:
    out = Seats()
    holders: dict[str, list[tuple[str, Lazy]]] = defaultdict(list)
    holds, post_in = str(GG.holdsPost), str(GG.postIn)  # once, not per row
    for person, post, g in facts.pairs(GG.holdsPost):
        ref = facts.edge_ref("{s} holds the post {o}.", person, holds, post, g)
        holders[post].append((person, ref))
    post_orgs: dict[str, list[tuple[str, Lazy]]] = defaultdict(list)
    for post, org, g in facts.pairs(GG.postIn):
        ref = facts.edge_ref("{s} is a post in {o}.", post, post_in, org, g)
        post_orgs[post].append((org, ref))
        for person, held in holders.get(post, ()):
            out.add(org, person, [ref, held])
    for prop, verb in ((GG.memberOf, "is a member of"), (GG.chairs, "chairs")):
        template, p = "{s} " + verb + " {o}.", str(prop)
        for member, body, g in facts.pairs(prop):
            ref = facts.edge_ref(template, member, p, body, g)
            out.add(body, member, [ref])
            for org, via in post_orgs.get(member, ()):
                out.add(body, org, [ref, via])
            for person, held in holders.get(member, ()):
                out.add(body, person, [ref, held])
    return out


def _pairs(s: Seats, max_bodies: int) -> dict[tuple[str, str], set[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for body in sorted(s.on):
        for holder in s.on[body]:
            index[holder].append(body)
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for holder, bodies in index.items():
        if len(bodies) <= max_bodies:
            for a, b in combinations(bodies, 2):
                shared[(a, b)].add(holder)
    return shared


def membership_findings(
    facts: Facts, *, min_score: float, many: int = MANY_SEATS, max_bodies: int = MAX_BODIES
) -> list[Finding]:
    s = seats(facts)
    out: list[Finding] = []
    for (a, b), common in sorted(_pairs(s, max_bodies).items()):
        sa, sb = set(s.on[a]), set(s.on[b])
        n = len(common)
        jaccard = n / len(sa | sb)
        names = ", ".join(sorted(facts.name(h) for h in common))
        evidence = resolve(r for h in sorted(common) for x in (a, b) for r in s.on[x][h])
        small, big = (a, b) if len(sa) <= len(sb) else (b, a)
        if sa != sb and set(s.on[small]) <= set(s.on[big]) and len(s.on[small]) >= 2:
            out.append(
                Finding(
                    "membership-subset",
                    facts.subjects([small, big]),
                    len(s.on[small]) / len(s.on[big]) * n / (n + 1),
                    f"Everyone known to sit on {facts.name(small)} ({names}) also sits on "
                    f"{facts.name(big)}, which has {len(s.on[big])} known seat-holders.",
                    evidence,
                    details={"shared": n, "smaller": len(s.on[small]), "larger": len(s.on[big])},
                )
            )
            continue
        score = jaccard * n / (n + 1)
        if score < min_score:
            continue
        out.append(
            Finding(
                "membership-overlap",
                facts.subjects([a, b]),
                score,
                f"{facts.name(a)} and {facts.name(b)} share {n} of their {len(sa | sb)} known "
                f"seat-holders: {names}. Score {score:.2f} (the share of seats in common, "
                "damped when only one or two are known).",
                evidence,
                details={"shared": n, "union": len(sa | sb)},
            )
        )
    index: dict[str, list[str]] = defaultdict(list)
    for body in sorted(s.on):
        for holder in s.on[body]:
            index[holder].append(body)
    for secretariat, body, g in facts.pairs(GG.providesSecretariatTo):
        if body not in index[secretariat]:
            index[secretariat].append(body)
            s.add(
                body,
                secretariat,
                [
                    facts.edge_ref(
                        "{s} provides the secretariat to {o}.",
                        secretariat,
                        str(GG.providesSecretariatTo),
                        body,
                        g,
                    )
                ],
            )
    for holder, bodies in sorted(index.items()):
        if len(bodies) >= many:
            out.append(
                Finding(
                    "many-seats",
                    facts.subjects([holder, *sorted(bodies)]),
                    1 - 1 / len(bodies),
                    f"{facts.name(holder)} sits on, chairs or serves {len(bodies)} groups and "
                    f"bodies: {', '.join(sorted(facts.name(x) for x in bodies))}.",
                    resolve(r for x in sorted(bodies) for r in s.on[x][holder]),
                    details={"seats": len(bodies)},
                    identity=1,
                )
            )
    return out
