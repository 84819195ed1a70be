"""GraphQL types for overlap findings, read from the per-data-version findings cache.

Every list inside a finding takes ``first`` with a small default and a cap, so an advisor's
page of 50 findings with their subjects, evidence and sources stays a bounded query: the
cost limit multiplies by ``first`` when the query gives it, and the API never answers more
than the cap whatever the query says. ``subjectCount`` and ``evidenceCount`` say how many
there are in all.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import strawberry

from govgraph.api.advisor_types import Recommendation
from govgraph.api.enums import by_value, ontology_enum
from govgraph.api.types import Source
from govgraph.graph.analysis.findings import Finding as FindingRecord
from govgraph.graph.analysis.overlap_facts import MAX_SOURCES
from govgraph.graph.analysis.overlaps import KINDS
from govgraph.graph.core.errors import QueryError

MAX_FINDINGS = 1000
MAX_LIST = 500
"""The most subjects, facts or sources one finding answers (the cost limit's own cap)."""
SUBJECTS, EVIDENCE = 20, 10
"""Default page sizes: what a table row shows; the JSON report has them all."""

if TYPE_CHECKING:

    class FindingKind(Enum): ...

else:
    FindingKind = ontology_enum(
        "FindingKind",
        {k.upper().replace("-", "_"): k for k in KINDS},
        "The kinds of overlap finding (see docs/overlaps.md).",
    )
_KIND_BY_VALUE = by_value(FindingKind)


def _page(first: int, what: str) -> int:
    if not 0 <= first <= MAX_LIST:
        raise QueryError(f"{what}(first:) must be between 0 and {MAX_LIST}")
    return first


@strawberry.type(description="An entity a finding is about.")
class FindingSubject:
    id: str = strawberry.field(description="The entity IRI.")
    name: str
    type: str = strawberry.field(description="Its most specific ontology class (IRI), if known.")


@strawberry.type(description="One fact a finding rests on, with where it is stated.")
class FindingFact:
    text: str
    sources: strawberry.Private[list[Source]]

    @strawberry.field(
        name="sources",
        description=f"Where the fact is stated (at most {MAX_SOURCES} are kept per fact).",
    )
    def page_of_sources(self, first: int = MAX_SOURCES) -> list[Source]:
        return self.sources[: _page(first, "sources")]


@strawberry.type(description="An overlap or anomaly, with the evidence behind it.")
class Finding:
    id: strawberry.ID = strawberry.field(description="Stable across runs: kind and subjects.")
    kind: FindingKind
    kind_label: str
    score: float = strawberry.field(description="Comparable within a kind; higher matters more.")
    explanation: str
    record: strawberry.Private[FindingRecord]

    @strawberry.field(description="How many entities the finding is about.")
    def subject_count(self) -> int:
        return len(self.record.subjects)

    @strawberry.field(description="The entities it is about, the main ones first.")
    def subjects(self, first: int = SUBJECTS) -> list[FindingSubject]:
        return [
            FindingSubject(id=s.id, name=s.name, type=s.type)
            for s in self.record.subjects[: _page(first, "subjects")]
        ]

    @strawberry.field(description="How many facts the finding rests on.")
    def evidence_count(self) -> int:
        return len(self.record.evidence)

    @strawberry.field(description="The facts it rests on, each with its sources.")
    def evidence(self, first: int = EVIDENCE) -> list[FindingFact]:
        return [
            FindingFact(text=e.text, sources=[Source.of(r) for r in e.sources])
            for e in self.record.evidence[: _page(first, "evidence")]
        ]

    @strawberry.field(
        description="For a rationalisation finding: the suggested action, its reason, "
        "signals, score parts and links to the comparison and the scenario impact."
    )
    def recommendation(self) -> Recommendation | None:
        rec = self.record.details.get("recommendation")
        return Recommendation.of(self.record.id, rec) if rec else None

    @classmethod
    def of(cls, f: FindingRecord) -> Finding:
        return cls(
            id=strawberry.ID(f.id),
            kind=_KIND_BY_VALUE[f.kind],
            kind_label=KINDS[f.kind],
            score=round(f.score, 4),
            explanation=f.explanation,
            record=f,
        )
