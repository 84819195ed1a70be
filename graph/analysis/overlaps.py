"""Overlap findings for the Independent Strategic Advisor: the public entry points.

``compute_findings(store)`` runs every analysis (each a pure function of the facts read
from the graph) and returns findings in a total order. ``FindingsCache`` keeps them per
data version, so the API computes them once per load, never per request.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from govgraph.graph.analysis.findings import Finding, sort_findings
from govgraph.graph.analysis.overlap_accountability import accountability_findings
from govgraph.graph.analysis.overlap_facts import Facts, fetch
from govgraph.graph.analysis.overlap_leadership import leadership_findings
from govgraph.graph.analysis.overlap_membership import membership_findings
from govgraph.graph.analysis.overlap_rationalise import rationalisation_findings
from govgraph.graph.analysis.overlap_recommend import remit_clusters
from govgraph.graph.analysis.overlap_remit import (
    coverage,
    crowded_features,
    profiles,
    remit_pairs,
)
from govgraph.graph.analysis.scope import SCOPES
from govgraph.graph.core.errors import QueryError
from govgraph.graph.storage.store import Store

KINDS: dict[str, str] = {
    "rationalisation": "Recommendations: clusters of overlapping bodies",
    "remit-overlap": "Shared remits",
    "crowded-policy-area": "Crowded policy areas",
    "crowded-client-group": "Client groups many bodies serve",
    "membership-overlap": "Shared members",
    "membership-subset": "Membership inside another's",
    "many-seats": "On many groups",
    "several-parents": "Several accountability parents",
    "accountability-cycle": "Accountability cycles",
    "redundant-line": "Redundant accountability lines",
    "orphan": "No accountability line",
    "accountability-chain": "Longest accountability chains",
    "unsourced-line": "Accountability lines with no source",
    "little-work": "Actions with little or no work underway",
    "generic-leads": "Actions led mostly or only by generic groups",
    "many-leads": "Actions with many leads",
    "leads-many-actions": "Bodies leading many actions",
    "co-leads": "Bodies that co-lead often",
    "linked-disjoint-leads": "Linked actions with no common lead",
    "policy-straddle": "Policy areas straddling government units",
    "coverage-summary": "Directorate and policy coverage",
}
"""Every kind of finding, in report order, with its heading."""

GROUPS: dict[str, tuple[str, ...]] = {
    "Rationalisation": ("rationalisation",),
    "Remit overlap": ("remit-overlap", "crowded-policy-area", "crowded-client-group"),
    "Membership overlap": ("membership-overlap", "membership-subset", "many-seats"),
    "Accountability": (
        "several-parents",
        "accountability-cycle",
        "redundant-line",
        "orphan",
        "accountability-chain",
        "unsourced-line",
    ),
    "Plan leadership": (
        "little-work",
        "generic-leads",
        "many-leads",
        "leads-many-actions",
        "co-leads",
        "linked-disjoint-leads",
    ),
    "Directorate and policy coverage": ("coverage-summary", "policy-straddle"),
}


@dataclass(frozen=True)
class Settings:
    """Thresholds of the analyses (defaults documented in docs/overlaps.md)."""

    remit_threshold: float = 0.3
    """Least weighted similarity for a remit-overlap pair."""
    membership_threshold: float = 0.25
    max_holders: int = 50
    """A feature or seat-holder shared by more bodies than this makes no pairs."""
    crowded_min: int = 3
    many_seats: int = 3
    many_leads: int = 4
    many_actions: int = 3
    co_lead_min: int = 2
    scope: str = "scotland"
    """Where bodies must show a line of accountability: ``scotland`` (the Scottish
    landscape, :mod:`govgraph.graph.analysis.scope`) or ``all`` (UK-wide bodies of the GOV.UK
    register too, most of which answer to departments the graph does not hold)."""

    def __post_init__(self) -> None:
        if self.scope not in SCOPES:
            raise QueryError(f"unknown scope {self.scope!r}: use one of {', '.join(SCOPES)}")


Analysis = Callable[[Facts, Settings], list[Finding]]


def _remit(facts: Facts, s: Settings) -> list[Finding]:
    prof = profiles(facts)
    pairs = remit_pairs(
        facts,
        prof,
        min_score=s.remit_threshold,
        max_holders=s.max_holders,
        crowded_min=s.crowded_min,
    )
    candidates = rationalisation_findings(
        facts, prof, max_children=s.max_holders, remit_threshold=s.remit_threshold
    )
    taken = {frozenset(x.id for x in f.subjects) for f in candidates}
    shared = [(f.subjects[0].id, f.subjects[1].id, f.score) for f in pairs]
    shared += facts.derived.get("remit-clusters", [])
    return [
        *pairs,
        *crowded_features(facts, prof, min_holders=s.crowded_min),
        *candidates,
        *remit_clusters(facts, prof, shared, taken),
    ]


ANALYSES: tuple[tuple[frozenset[str], Analysis], ...] = (
    (frozenset({*GROUPS["Remit overlap"], "rationalisation"}), _remit),
    (
        frozenset(GROUPS["Membership overlap"]),
        lambda f, s: membership_findings(
            f, min_score=s.membership_threshold, many=s.many_seats, max_bodies=s.max_holders
        ),
    ),
    (
        frozenset(GROUPS["Accountability"]),
        lambda f, s: accountability_findings(f, scope=s.scope),
    ),
    (
        frozenset(GROUPS["Plan leadership"]),
        lambda f, s: leadership_findings(
            f, many_leads=s.many_leads, many_actions=s.many_actions, co_lead_min=s.co_lead_min
        ),
    ),
    (frozenset(GROUPS["Directorate and policy coverage"]), lambda f, s: coverage(f)),
)


def check_kinds(kinds: Iterable[str] | None) -> frozenset[str]:
    """The kinds asked for (all when None); QueryError names an unknown one."""
    if kinds is None:
        return frozenset(KINDS)
    asked = frozenset(kinds)
    unknown = sorted(asked - set(KINDS))
    if unknown:
        raise QueryError(f"unknown finding kind {unknown[0]!r}: use one of {', '.join(KINDS)}")
    return asked


def findings_from_facts(
    facts: Facts,
    *,
    kinds: Iterable[str] | None = None,
    min_score: float = 0.0,
    settings: Settings | None = None,
) -> list[Finding]:
    asked = check_kinds(kinds)
    settings = settings or Settings()
    out: list[Finding] = []
    for covers, analysis in ANALYSES:
        if covers & asked:
            out += [f for f in analysis(facts, settings) if f.kind in asked]
    kept = [f for f in out if f.score >= min_score or f.kind == "coverage-summary"]
    return sort_findings(_dedupe(kept), list(KINDS))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per id (the first, i.e. the one found by the earliest analysis)."""
    seen: dict[str, Finding] = {}
    for f in findings:
        seen.setdefault(f.id, f)
    return list(seen.values())


def compute_findings(
    store: Store,
    *,
    kinds: Iterable[str] | None = None,
    min_score: float = 0.0,
    settings: Settings | None = None,
) -> list[Finding]:
    """Every finding of the kinds asked for with at least ``min_score`` (the coverage
    summary is always kept), in report order."""
    check_kinds(kinds)
    enabled = gc.isenabled()
    gc.disable()  # millions of small, long-lived objects: collection passes only cost time
    try:
        return findings_from_facts(
            fetch(store), kinds=kinds, min_score=min_score, settings=settings
        )
    finally:
        if enabled:
            # what was built is long-lived now: moved straight to the oldest generation, the
            # collector skips the young passes that would walk millions of objects only to
            # promote them (a fifth of the rendering time at 10^5 organisations); cyclic
            # garbage is still found by the next full collection
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def data_version(store: Store) -> str:
    """The store's data version (:meth:`Store.data_version`, O(1)): any load, reload or
    reasoning run changes it."""
    return store.data_version()


def filter_findings(
    findings: Iterable[Finding],
    *,
    kinds: Iterable[str] | None = None,
    min_score: float = 0.0,
    first: int | None = None,
) -> list[Finding]:
    asked = check_kinds(kinds)
    out = [f for f in findings if f.kind in asked and f.score >= min_score]
    return out[:first] if first is not None else out


class FindingsCache:
    """All findings, computed once per data version (the API holds one per app).

    Reading the version is O(1) on every store; the analyses run only when it
    changes. Filtering by kind and score happens on the cached list.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._lock = threading.Lock()
        self._version: str | None = None
        self._findings: list[Finding] = []

    def get(
        self,
        store: Store,
        *,
        kinds: Iterable[str] | None = None,
        min_score: float = 0.0,
        first: int | None = None,
    ) -> list[Finding]:
        version = data_version(store)
        with self._lock:
            if version != self._version:
                self._findings = compute_findings(store, settings=self.settings)
                self._version = version
            findings = self._findings
        return filter_findings(findings, kinds=kinds, min_score=min_score, first=first)

    @property
    def version(self) -> str | None:
        return self._version
