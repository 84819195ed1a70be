"""Remit overlap: bodies that hold the same policy areas, serve the same people, do the same
things for the same bodies, in the same places; and the directorate x policy-area coverage.

Score (documented in docs/overlaps.md): a weighted Jaccard over each body's features,
    score(A, B) = sum over shared f of min(wA(f), wB(f)) / sum over all f of max(wA(f), wB(f))
with w(f) = dimension weight x idf(f), idf(f) = ln(1 + N / holders(f)), N the number of
bodies with any feature. Rare features weigh more: two bodies sharing "Kinship care" say
more than two sharing "Education". Geography counts in the score but never makes a pair
on its own (two bodies in one council area are not a duplication), and a feature held by
more than ``max_holders`` bodies does not make pairs either (it is reported as one crowded
policy area instead), which keeps pair counting linear in practice.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

from govgraph.graph.analysis.findings import Fact, Finding
from govgraph.graph.analysis.overlap_facts import Facts, Lazy, label
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG

BODY_CLASSES = (GG.Organisation, GG.Group, GG.Fund, GG.Programme)
"""What can overlap: organisations, groups, and the funds and programmes they run."""
UNIT_CLASSES = (GG.GovernmentUnit,)
"""Directorates, directorates-general and divisions: the rows of the coverage matrix."""

WEIGHTS = {"remit": 1.5, "policy": 1.0, "client": 1.0, "function": 1.0, "geography": 0.5}
"""A formal remit counts more than an interest; sharing a place counts least."""
CROWDABLE = {"policy": "crowded-policy-area", "client": "crowded-client-group"}
"""Dimensions whose features many bodies may claim at once, and the finding that lists a
crowded one's holders (a pair whose only common ground is a crowded feature is left to it)."""
FUNCTION_KINDS = (
    GG.advises,
    GG.supports,
    GG.administers,
    GG.commissions,
    GG.funds,
    GG.inspects,
    GG.regulates,
    GG.scrutinises,
    GG.providesSecretariatTo,
    GG.hosts,
    GG.provides,
)
"""Relationship kinds that describe what a body does for another (its functions)."""
MAX_HOLDERS = 50
CROWDED_MIN = 3
LISTED = 25
"""Holders a crowded-policy-area finding names (all are counted)."""
"""A policy area held by at least this many bodies is reported as crowded."""


class Feature(NamedTuple):
    """A tuple, not a dataclass: millions are hashed while pairs are counted."""

    dimension: str
    """policy, client, function or geography."""
    key: str
    """Policy area, client group or area IRI; for a function 'kindIRI object'."""


def is_body(facts: Facts, iri: str) -> bool:
    return iri in facts.of_class(*BODY_CLASSES)


def _function_kinds() -> dict[str, tuple[str, bool]]:
    """Stated kind -> (function kind, whether the object is the performer)."""
    out: dict[str, tuple[str, bool]] = {}
    for k in FUNCTION_KINDS:
        out[str(k)] = (str(k), False)
        inverse = ontology.get_property(k).inverse
        if inverse is not None:
            out[str(inverse)] = (str(k), True)
    return out


@dataclass
class Profiles:
    """Each body's weighted features, and the facts behind each (body, feature)."""

    weights: dict[str, dict[Feature, float]]
    holders: dict[Feature, list[str]]
    facts: dict[tuple[str, Feature], Lazy]
    idf: dict[Feature, float]
    remits: set[tuple[str, Feature]]
    """(body, policy area) held as a formal remit, not only an interest."""

    def fact(self, body: str, feat: Feature) -> Fact:
        return self.facts[(body, feat)]()


def profiles(facts: Facts) -> Profiles:
    raw: dict[str, dict[Feature, float]] = defaultdict(dict)
    why: dict[tuple[str, Feature], Lazy] = {}
    remits: set[tuple[str, Feature]] = set()

    def add(body: str, feat: Feature, weight: float, fact: Lazy) -> None:
        if weight > raw[body].get(feat, 0.0):
            raw[body][feat] = weight
            why[(body, feat)] = fact

    bodies = facts.of_class(*BODY_CLASSES)  # looked up once: 10^5 rows test membership
    for prop, dim in ((GG.hasInterestIn, "policy"), (GG.hasRemitIn, "remit")):
        template = "{s} has a remit in {o}." if dim == "remit" else "{s} has an interest in {o}."
        for s, o, g in facts.pairs(prop):
            if s in bodies:
                feat = Feature("policy", o)
                add(s, feat, WEIGHTS[dim], facts.entity_ref(template, s, o, g))
                if dim == "remit":
                    remits.add((s, feat))
    for s, o, g in facts.pairs(GG.servesClientGroup):
        if s in bodies:
            ref = facts.entity_ref("{s} serves {o}.", s, o, g)
            add(s, Feature("client", o), WEIGHTS["client"], ref)
    for s, o, g in facts.pairs(GG.operatesIn):
        if s in bodies:
            ref = facts.entity_ref("{s} operates in {o}.", s, o, g)
            add(s, Feature("geography", o), WEIGHTS["geography"], ref)
    for stated, (kind, flip) in _function_kinds().items():
        template = ("{o} " if flip else "{s} ") + label(kind) + (" {s}." if flip else " {o}.")
        for s, o, g in facts.edges.get(stated, ()):
            doer, target = (o, s) if flip else (s, o)
            if doer in bodies:
                ref = facts.edge_ref(template, s, stated, o, g)
                add(doer, Feature("function", f"{kind} {target}"), WEIGHTS["function"], ref)
    holders: dict[Feature, list[str]] = defaultdict(list)
    for body in sorted(raw):
        for feat in raw[body]:
            holders[feat].append(body)
    n = max(len(raw), 1)
    idf = {f: math.log(1 + n / len(h)) for f, h in holders.items()}
    weights = {b: {f: w * idf[f] for f, w in feats.items()} for b, feats in raw.items()}
    return Profiles(weights, dict(holders), why, idf, remits)


def similarity(a: dict[Feature, float], b: dict[Feature, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    shared = 0.0
    for f, w in a.items():
        v = b.get(f)
        if v is not None:
            shared += w if w < v else v
    union = sum(a.values()) + sum(b.values()) - shared
    return shared / union if union else 0.0


def candidate_pairs(p: Profiles, max_holders: int) -> Iterable[tuple[str, str]]:
    """Pairs sharing a non-geographic feature held by at most ``max_holders`` bodies, and
    pairs whose non-geographic features are identical (two or more, however common each
    is): identical remits are the plainest duplication, whatever areas they cover."""
    seen: set[tuple[str, str]] = set()
    for feat in sorted(p.holders, key=lambda f: (f.dimension, f.key)):
        group = p.holders[feat]
        if feat.dimension == "geography" or len(group) < 2 or len(group) > max_holders:
            continue
        seen.update(combinations(group, 2))
    same: dict[frozenset[Feature], list[str]] = defaultdict(list)
    for body in sorted(p.weights):
        key = frozenset(f for f in p.weights[body] if f.dimension != "geography")
        if len(key) >= 2:
            same[key].append(body)
    for group in same.values():
        if 2 <= len(group) <= max_holders:
            seen.update(combinations(group, 2))
    return sorted(seen)


def describe(facts: Facts, feat: Feature) -> str:
    if feat.dimension == "function":
        kind, target = feat.key.split(" ", 1)
        return f"{label(kind)} {facts.name(target)}"
    if feat.dimension == "client":
        return f"serves {facts.name(feat.key)}"
    return facts.name(feat.key)


def remit_pairs(
    facts: Facts,
    p: Profiles,
    *,
    min_score: float,
    max_holders: int = MAX_HOLDERS,
    crowded_min: int = CROWDED_MIN,
) -> list[Finding]:
    """Pairs above ``min_score`` that meet the minimum evidence (:func:`enough_evidence`),
    except those whose common ground is all crowded policy areas or client groups: their
    own findings list every holder at once, and the pairs go to ``facts.derived
    ["remit-clusters"]`` for the recommendations, which treat them as one cluster."""
    out: list[Finding] = []
    clustered: list[tuple[str, str, float]] = []
    facts.derived["remit-clusters"] = clustered
    for a, b in candidate_pairs(p, max_holders):
        wa, wb = p.weights[a], p.weights[b]
        score = similarity(wa, wb)
        if score < min_score:
            continue
        shared = sorted((f for f in wa if f in wb), key=lambda f: (-p.idf[f], f.dimension, f.key))
        common = [f for f in shared if f.dimension != "geography"]
        if not enough_evidence(common):
            continue
        if all(f.dimension in CROWDABLE and len(p.holders[f]) >= crowded_min for f in common):
            if len(common) >= 2:
                clustered.append((a, b, score))
            continue
        only = {
            x: sorted(describe(facts, f) for f in w if f not in (wb if x == a else wa))
            for x, w in ((a, wa), (b, wb))
        }
        names = "; ".join(describe(facts, f) for f in shared)
        explanation = (
            f"{facts.name(a)} and {facts.name(b)} share {len(shared)} of their "
            f"{len(set(wa) | set(wb))} remit features ({names}); weighted similarity "
            f"{score:.2f}, rarer features counting more."
        )
        if only[a] or only[b]:
            explanation += (
                " They differ on: "
                + "; ".join(f"{facts.name(x)} only: {', '.join(v)}" for x, v in only.items() if v)
                + "."
            )
        evidence = tuple(p.fact(x, f) for f in shared for x in (a, b))
        out.append(
            Finding(
                "remit-overlap",
                facts.subjects([a, b]),
                score,
                explanation,
                evidence,
                details={
                    "shared": [describe(facts, f) for f in shared],
                    "dimensions": sorted({f.dimension for f in shared}),
                },
            )
        )
    return out


SPECIFIC_FUNCTIONS = frozenset(str(k) for k in (GG.inspects, GG.regulates, GG.scrutinises))
"""Functions specific enough to stand alone: two bodies inspecting, regulating or
scrutinising the same body is duplicate oversight, however little else they share."""


def enough_evidence(common: list[Feature]) -> bool:
    """The minimum evidence for a remit overlap: two shared features (policy areas, client
    groups or functions; a place never counts), or one *specific* feature: a client group
    (the people served: kinship families, care leavers) or a policy area (a broad one is
    crowded, and its holders are one cluster finding), or the same oversight function
    (inspecting, regulating, scrutinising one body). Doing one thing for one body
    otherwise (the Children's Parliament and V&A Dundee both supporting a design school)
    is a joint project, not an overlap worth a reader's time."""
    if len(common) >= 2:
        return True
    if len(common) != 1:
        return False
    f = common[0]
    if f.dimension in ("client", "policy"):
        return True
    if f.dimension == "function":
        return f.key.split(" ", 1)[0] in SPECIFIC_FUNCTIONS
    return False


def crowded_features(
    facts: Facts, p: Profiles, *, min_holders: int = CROWDED_MIN, listed: int = LISTED
) -> list[Finding]:
    """Policy areas many bodies claim, and client groups many bodies serve: the clusters an
    advisor would start a review from. The ``listed`` holders with a formal remit first,
    then by name, are named and cited."""
    out: list[Finding] = []
    for feat, group in p.holders.items():
        kind = CROWDABLE.get(feat.dimension)
        if kind is None or len(group) < min_holders:
            continue
        remits = {b for b in group if (b, feat) in p.remits}
        shown = sorted(group, key=lambda b: (b not in remits, facts.name(b), b))[:listed]
        names = ", ".join(sorted(facts.name(b) for b in shown))
        more = f" and {len(group) - len(shown)} more" if len(group) > len(shown) else ""
        verb = "serve" if feat.dimension == "client" else "hold"
        explanation = f"{len(group)} bodies {verb} {facts.name(feat.key)}: {names}{more}."
        if remits:
            explanation += f" {len(remits)} of them with a formal remit."
        out.append(
            Finding(
                kind,
                (facts.subject(feat.key), *facts.subjects(shown)),
                1 - 1 / len(group),
                explanation,
                tuple(p.fact(b, feat) for b in shown),
                details={"holders": len(group), "remits": len(remits)},
                identity=1,
            )
        )
    return out


def coverage(facts: Facts) -> list[Finding]:
    """Policy areas straddling several government units, and the seeds' own figure."""
    units = {
        s
        for s, _, _ in facts.pairs(GG.hasInterestIn) + facts.pairs(GG.hasRemitIn)
        if s in facts.of_class(*UNIT_CLASSES)
    }
    matrix: dict[str, dict[str, Fact]] = defaultdict(dict)
    for prop in (GG.hasInterestIn, GG.hasRemitIn):
        for s, o, g in facts.pairs(prop):
            if s in units:
                text = f"{facts.name(s)} holds {facts.name(o)}."
                matrix[o][s] = facts.entity_fact(text, s, [g])
    out = [
        Finding(
            "policy-straddle",
            (facts.subject(area), *facts.subjects(sorted(held))),
            1 - 1 / len(held),
            f"{facts.name(area)} is held by {len(held)} government units: "
            f"{', '.join(sorted(facts.name(u) for u in held))}.",
            tuple(held[u] for u in sorted(held)),
            details={"units": len(held)},
            identity=1,
        )
        for area, held in matrix.items()
        if len(held) >= 2
    ]
    out.append(_coverage_summary(facts, units, matrix))
    return out


FIGURE_IDS = (
    "sg-directorates",
    "sg-directorates-with-interest",
    "sg-policy-areas",
    "sg-policy-areas-straddled",
)


def _coverage_summary(facts: Facts, units: set[str], matrix: dict[str, dict[str, Fact]]) -> Finding:
    stated: dict[str, tuple[str, dict[str, str]]] = {}
    for iri, fig in facts.figures.items():
        key = iri.rsplit("/", 1)[-1]
        if key in FIGURE_IDS:
            stated[key] = (iri, fig)
    evidence: list[Fact] = []
    said = ""
    if len(stated) == len(FIGURE_IDS):
        v = {k: stated[k][1]["value"] for k in FIGURE_IDS}
        said = (
            f"The source says {v['sg-directorates-with-interest']} of the "
            f"{v['sg-directorates']} Scottish Government directorates have an interest in "
            f"the promise and straddle {v['sg-policy-areas-straddled']} of "
            f"{v['sg-policy-areas']} policy areas. "
        )
        for k in FIGURE_IDS:
            iri, fig = stated[k]
            evidence.append(facts.entity_fact(f"{fig['name']}: {fig['value']}.", iri))
    straddled = sum(1 for held in matrix.values() if len(held) >= 2)
    areas = len(facts.of_class(GG.PolicyArea))
    explanation = (
        f"{said}The graph holds {len(units)} government unit(s) with a stated policy area; "
        f"they hold {len(matrix)} of the graph's {areas} policy areas, {straddled} of them "
        "held by two or more units."
    )
    return Finding(
        "coverage-summary",
        (),
        1.0,
        explanation,
        tuple(evidence),
        details={
            "units": len(units),
            "areas_held": len(matrix),
            "straddled": straddled,
            "policy_areas": areas,
            "matrix": {
                facts.name(a): sorted(facts.name(u) for u in held)
                for a, held in sorted(matrix.items())
            },
        },
    )
