"""What comparing two landscapes yields: a scenario against today, or one date against another.

The graph layer (``graph/analysis/impact.py``) fills these records; reports, the difference map and
the GraphQL ``scenario`` field only present them. Every change carries the facts it rests
on, each with its source, because an impact an advisor cannot trace will not be acted on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govgraph.graph.analysis.findings import Fact, Finding, Subject

CATEGORIES: dict[str, str] = {
    "body-removed": "Bodies and groups removed",
    "body-added": "Bodies and groups added",
    "body-renamed": "Bodies and groups renamed",
    "line-removed": "Accountability lines removed",
    "line-redirected": "Accountability lines redirected",
    "line-added": "Accountability lines added",
    "body-orphaned": "Bodies left with no accountability line",
    "lead-changed": "Actions whose leads change",
    "lead-lost": "Actions left with no lead",
    "membership-merged": "Memberships merged",
    "membership-removed": "Memberships removed",
    "relationship-changed": "Other relationships changed",
    "event": "Change events in the period",
    "finding-resolved": "Overlap findings resolved",
    "finding-new": "New overlap findings",
}
"""Every category of change, in report order, with its heading."""


@dataclass(frozen=True)
class Change:
    """One item of an impact: what changed, in plain words, and the facts behind it."""

    category: str
    """One of :data:`CATEGORIES`."""
    subjects: tuple[Subject, ...]
    """The entities the change is about (for a line: subject then object)."""
    summary: str
    """One plain-language sentence, e.g. "Inverclyde Champions Board no longer reports to ..."."""
    evidence: tuple[Fact, ...] = ()
    """The stated facts (with sources) the change rests on, and the scenario step that
    caused it (source: the scenario file and its line)."""
    before: str | None = None
    """The state before, in words (the old parent, the old leads, the old name), if any."""
    after: str | None = None
    finding: Finding | None = None
    """For finding-resolved / finding-new: the overlap finding itself."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "subjects": [s.to_dict() for s in self.subjects],
            "summary": self.summary,
            "evidence": [f.to_dict() for f in self.evidence],
            "before": self.before,
            "after": self.after,
            "finding": self.finding.to_dict() if self.finding else None,
        }


@dataclass(frozen=True)
class Impact:
    """The changes between a ``before`` landscape and an ``after`` one, in report order."""

    title: str
    """The scenario's name, or "Landscape on 2021-01-01 against 2024-12-31"."""
    before_label: str
    after_label: str
    counts_before: dict[str, int]
    """At least ``bodies`` (organisations that are not groups) and ``groups``."""
    counts_after: dict[str, int]
    changes: tuple[Change, ...]
    steps: tuple[str, ...] = ()
    """The scenario's steps in plain words (empty for a date diff)."""
    touched: frozenset[str] = field(default_factory=frozenset)
    """IRIs of every entity a change is about: the difference map's focus."""

    def by_category(self) -> dict[str, list[Change]]:
        out: dict[str, list[Change]] = {k: [] for k in CATEGORIES}
        for c in self.changes:
            out[c.category].append(c)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "before": {
                "label": self.before_label,
                "counts": dict(sorted(self.counts_before.items())),
            },
            "after": {"label": self.after_label, "counts": dict(sorted(self.counts_after.items()))},
            "steps": list(self.steps),
            "changes": [c.to_dict() for c in self.changes],
            "touched": sorted(self.touched),
        }
