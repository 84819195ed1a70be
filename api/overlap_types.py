"""GraphQL types for overlap findings, read from the per-data-version findings cache."""

from __future__ import annotations

from enum import Enum

import strawberry

from govgraph.api.types import Source
from govgraph.graph.findings import Finding as FindingRecord
from govgraph.graph.overlaps import KINDS

MAX_FINDINGS = 1000

FindingKind = strawberry.enum(
    Enum("FindingKind", {k.upper().replace("-", "_"): k for k in KINDS}),  # type: ignore[misc]
    description="The kinds of overlap finding (see docs/overlaps.md).",
)
_KIND_BY_VALUE = {member.value: member for member in FindingKind}  # type: ignore[attr-defined]


@strawberry.type(description="An entity a finding is about.")
class FindingSubject:
    id: str = strawberry.field(description="The entity IRI.")
    name: str
    type: str = strawberry.field(description="Its most specific ontology class (IRI), if known.")


@strawberry.type(description="One fact a finding rests on, with where it is stated.")
class FindingFact:
    text: str
    sources: list[Source]


@strawberry.type(description="An overlap or anomaly, with the evidence behind it.")
class Finding:
    id: strawberry.ID = strawberry.field(description="Stable across runs: kind and subjects.")
    kind: FindingKind  # type: ignore[valid-type]
    kind_label: str
    score: float = strawberry.field(description="Comparable within a kind; higher matters more.")
    explanation: str
    subjects: list[FindingSubject]
    evidence: list[FindingFact]

    @classmethod
    def of(cls, f: FindingRecord) -> Finding:
        return cls(
            id=strawberry.ID(f.id),
            kind=_KIND_BY_VALUE[f.kind],
            kind_label=KINDS[f.kind],
            score=round(f.score, 4),
            explanation=f.explanation,
            subjects=[FindingSubject(id=s.id, name=s.name, type=s.type) for s in f.subjects],
            evidence=[
                FindingFact(text=e.text, sources=[Source.of(r) for r in e.sources])
                for e in f.evidence
            ],
        )
