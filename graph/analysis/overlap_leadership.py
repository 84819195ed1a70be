"""Diffuse leadership of plan actions: many leads or only generic ones, bodies leading many
actions, pairs that co-lead often, linked actions with no lead in common, and actions with
little or no work underway.

A generic lead is a gg:Collective ("Local Authorities"): a set of bodies named as one, which
no single body can be held to account for.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from govgraph.graph.analysis.findings import Fact, Finding
from govgraph.graph.analysis.overlap_facts import Facts, label
from govgraph.ontology.terms import GG

MANY_LEADS = 4
MANY_ACTIONS = 3
CO_LEAD_MIN = 2
GENERIC_SHARE = 0.5
"""An action is reported when at least this share of its leads are generic groups."""


def _status(facts: Facts, action: str) -> str:
    status = facts.assessments.get(action)
    if status is None:
        return "not assessed"
    name = label(status[0])
    return f"assessed {status[1]}: {name}" if status[1] else f"assessed: {name}"


def leadership_findings(
    facts: Facts,
    *,
    many_leads: int = MANY_LEADS,
    many_actions: int = MANY_ACTIONS,
    co_lead_min: int = CO_LEAD_MIN,
) -> list[Finding]:
    leads: dict[str, list[str]] = defaultdict(list)
    lead_fact: dict[tuple[str, str], Fact] = {}
    for action, lead, g in facts.pairs(GG.leadOrganisation):
        if lead not in leads[action]:
            leads[action].append(lead)
            text = f"{facts.name(lead)} is named a lead for the action {facts.name(action)}."
            lead_fact[(action, lead)] = facts.entity_fact(text, action, [g])
    area = {a: o for a, o, _ in facts.pairs(GG.priorityArea)}
    commitments: dict[str, int] = defaultdict(int)
    for a, _, _ in facts.pairs(GG.hasCommitment):
        commitments[a] += 1
    actions = sorted(facts.of_class(GG.Action) | set(leads))

    def generic(lead: str) -> bool:
        return facts.is_a(lead, GG.Collective)

    def in_area(a: str) -> str:
        return f" ({facts.name(area[a])})" if a in area else ""

    out: list[Finding] = []
    for a in actions:
        ls = sorted(leads.get(a, []), key=facts.name)
        evidence = tuple(lead_fact[(a, x)] for x in ls)
        generics = [x for x in ls if generic(x)]
        if len(ls) >= many_leads:
            text = (
                f"The action {facts.name(a)}{in_area(a)} has {len(ls)} leads: "
                f"{', '.join(facts.name(x) for x in ls)}."
            )
            if generics:
                verb = "is a generic group" if len(generics) == 1 else "are generic groups"
                text += f" {len(generics)} of them {verb} of bodies."
            out.append(
                Finding(
                    "many-leads",
                    facts.subjects([a, *ls]),
                    1 - 1 / len(ls),
                    f"{text} {_status(facts, a).capitalize()}.",
                    evidence,
                    details={"leads": len(ls), "generic": len(generics)},
                    identity=1,
                )
            )
        if ls and len(generics) / len(ls) >= GENERIC_SHARE:
            named = [x for x in ls if not generic(x)]
            who = (
                f"only by generic groups ({', '.join(facts.name(x) for x in generics)}): "
                "no single body is named as answerable for it"
                if not named
                else f"{'mostly' if len(generics) * 2 > len(ls) else 'half'} by generic groups "
                f"({len(generics)} of {len(ls)}: "
                f"{', '.join(facts.name(x) for x in generics)}); the only named "
                f"bod{'y' if len(named) == 1 else 'ies'}: "
                f"{', '.join(facts.name(x) for x in named)}"
            )
            out.append(
                Finding(
                    "generic-leads",
                    facts.subjects([a, *ls]),
                    len(generics) / len(ls),
                    f"The action {facts.name(a)}{in_area(a)} is led {who}. "
                    f"{_status(facts, a).capitalize()}.",
                    evidence,
                    details={"leads": len(ls), "generic": len(generics)},
                    identity=1,
                )
            )
        status = facts.assessments.get(a)
        if status and status[0] == str(GG.LittleOrNoWork):
            extra = (
                f" {commitments[a]} commitment(s) recorded."
                if commitments[a]
                else " No commitments recorded."
            )
            out.append(
                Finding(
                    "little-work",
                    facts.subjects([a, *ls]),
                    1.0,
                    f"The action {facts.name(a)}{in_area(a)} was {_status(facts, a)}. "
                    f"Lead(s): {', '.join(facts.name(x) for x in ls) or 'none named'}.{extra}",
                    (facts.entity_fact(f"{facts.name(a)}: {_status(facts, a)}.", a), *evidence),
                    details={"leads": len(ls), "commitments": commitments[a]},
                    identity=1,
                )
            )
    led: dict[str, list[str]] = defaultdict(list)
    for a in actions:
        for x in leads.get(a, []):
            led[x].append(a)
    for x, acts in sorted(led.items()):
        if len(acts) < many_actions:
            continue
        by_area: dict[str, int] = defaultdict(int)
        for a in acts:
            by_area[facts.name(area[a]) if a in area else "no priority area"] += 1
        weak = [a for a in acts if facts.assessments.get(a, ("",))[0] != str(GG.WorkUnderway)]
        out.append(
            Finding(
                "leads-many-actions",
                facts.subjects([x, *acts]),
                1 - 1 / len(acts),
                f"{facts.name(x)} is a lead for {len(acts)} of the {len(actions)} actions, in "
                f"{len(by_area)} priority area(s) ("
                + ", ".join(f"{k}: {v}" for k, v in sorted(by_area.items()))
                + f"); {len(weak)} of them are not assessed as 'work underway'.",
                tuple(lead_fact[(a, x)] for a in acts),
                details={"actions": len(acts), "not_underway": len(weak), "generic": generic(x)},
                identity=1,
            )
        )
    together: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in actions:
        for x, y in combinations(sorted(leads.get(a, [])), 2):
            together[(x, y)].append(a)
    for (x, y), acts in sorted(together.items()):
        if len(acts) < co_lead_min:
            continue
        union = len(set(led[x]) | set(led[y]))
        out.append(
            Finding(
                "co-leads",
                facts.subjects([x, y]),
                1 - 1 / len(acts),
                f"{facts.name(x)} and {facts.name(y)} co-lead {len(acts)} actions "
                f"({', '.join(facts.name(a) for a in acts)}); together they lead {union}.",
                tuple(lead_fact[(a, z)] for a in acts for z in (x, y)),
                details={"together": len(acts), "union": union},
            )
        )
    linked = sorted({tuple(sorted((a, b))) for a, b, _ in facts.pairs(GG.linkedAction) if a != b})
    for a, b in linked:
        la, lb = set(leads.get(a, [])), set(leads.get(b, []))
        if not la or not lb or la & lb:
            continue
        link = facts.edge_fact(
            f"{facts.name(a)} is linked to {facts.name(b)}.", a, str(GG.linkedAction), b
        )
        if not link.sources:
            link = facts.entity_fact(link.text, a)
        out.append(
            Finding(
                "linked-disjoint-leads",
                facts.subjects([a, b]),
                1.0,
                f"The linked actions {facts.name(a)} and {facts.name(b)} have no lead in common "
                f"({', '.join(sorted(facts.name(x) for x in la))} / "
                f"{', '.join(sorted(facts.name(x) for x in lb))}): nobody is named to join "
                "them up.",
                (
                    link,
                    *(lead_fact[(a, x)] for x in sorted(la)),
                    *(lead_fact[(b, x)] for x in sorted(lb)),
                ),
                details={"leads": [len(la), len(lb)]},
            )
        )
    return out
