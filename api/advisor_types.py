"""GraphQL types for the advisor's tools (issue #18): recommendations on rationalisation
findings, ``compare(a:, b:, c:)`` and ``reportingLines``. Thin wrappers of graph/ records."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import strawberry

from govgraph.api.enums import by_value, ontology_enum
from govgraph.graph.analysis.compare import Comparison as ComparisonRecord
from govgraph.graph.analysis.overlap_recommend import ACTIONS
from govgraph.graph.facts.entities import entity_id

if TYPE_CHECKING:

    class RecommendedAction(Enum): ...

else:
    RecommendedAction = ontology_enum(
        "RecommendedAction",
        {k.upper().replace("-", "_"): k for k in ACTIONS},
        "What a recommendation suggests (docs/overlaps.md, Recommendations).",
    )
_ACTION = by_value(RecommendedAction)


@strawberry.type(description="The parts of a recommendation's score, each between 0 and 1.")
class ScoreParts:
    remit: float
    people: float
    parent: float
    place: bool


@strawberry.type(description="A fact a recommendation rests on, in plain words.")
class Signal:
    text: str
    sources: list[str] = strawberry.field(description="Document, locator.")


@strawberry.type(description="What to do about a cluster of overlapping bodies, and why.")
class Recommendation:
    action: RecommendedAction
    action_label: str
    confidence: float
    reason: str = strawberry.field(description="One sentence a person can read aloud.")
    score: float
    score_parts: ScoreParts
    signals: list[Signal]
    compare_url: str = strawberry.field(description="The bodies side by side (/compare).")
    impact_url: str | None = strawberry.field(
        description="The scenario impact of applying it, when it changes the landscape."
    )

    @classmethod
    def of(cls, finding_id: str, rec: dict[str, Any]) -> Recommendation:
        return cls(
            action=_ACTION[rec["action"]],
            action_label=rec["actionLabel"],
            confidence=rec["confidence"],
            reason=rec["reason"],
            score=rec["score"],
            score_parts=ScoreParts(**rec["scoreParts"]),
            signals=[
                Signal(
                    text=s["text"],
                    sources=[
                        s2["title"] + (f", {s2['locator']}" if s2["locator"] else "")
                        for s2 in s["sources"]
                    ],
                )
                for s in rec["signals"]
            ],
            compare_url=compare_url(rec["compare"]),
            impact_url=f"/reports/recommendations/{finding_id}" if rec["scenario"] else None,
        )


def compare_url(iris: list[str], back: str | None = None) -> str:
    params = [(k, entity_id(i)) for k, i in zip("abc", iris, strict=False)]
    if back:
        params.append(("from", back))
    return "/compare?" + urlencode(params)


@strawberry.type(description="One thing a compared body has.")
class ComparedItem:
    text: str
    href: str | None
    shared: bool = strawberry.field(description="Two or more of the compared bodies have it.")


@strawberry.type(description="A compared body.")
class ComparedBody:
    id: str = strawberry.field(description="The entity IRI.")
    name: str


@strawberry.type(description="One row of a comparison: each body's items, in body order.")
class ComparisonRow:
    key: str
    heading: str
    shared: int = strawberry.field(description="How many items two or more bodies have.")
    cells: list[list[ComparedItem]]


@strawberry.type(description="Two or three bodies side by side.")
class Comparison:
    bodies: list[ComparedBody]
    rows: list[ComparisonRow]

    @classmethod
    def of(cls, c: ComparisonRecord) -> Comparison:
        data = c.to_dict()
        return cls(
            bodies=[ComparedBody(**b) for b in data["bodies"]],
            rows=[
                ComparisonRow(
                    key=r["key"],
                    heading=r["heading"],
                    shared=r["shared"],
                    cells=[[ComparedItem(**i) for i in cell] for cell in r["cells"]],
                )
                for r in data["rows"]
            ],
        )


@strawberry.type(description="A body at one end of a reporting line.")
class LineEnd:
    id: str = strawberry.field(description="The entity id (as in /id/<id>).")
    name: str


@strawberry.type(description="Who reports to whom, about what, how often, on what basis.")
class ReportingLine:
    reporter: LineEnd
    receiver: LineEnd
    kind: str = strawberry.field(description='The line read upwards ("reports to", ...).')
    about: str = strawberry.field(description="What the line carries ('' when unsaid).")
    frequency: str | None = strawberry.field(
        description='How often, in the documents\' words ("at least annually"); null if unsaid.'
    )
    basis: str | None = strawberry.field(description="The statutory basis, when stated.")
    sources: list[str] = strawberry.field(description="Document, locator.")
    flags: list[str] = strawberry.field(description='e.g. "reports to 2 bodies".')

    @classmethod
    def of(cls, data: dict[str, Any]) -> ReportingLine:
        return cls(
            reporter=LineEnd(**data["reporter"]),
            receiver=LineEnd(**data["receiver"]),
            kind=data["kind"],
            about=data["about"],
            frequency=data["frequency"],
            basis=data["basis"],
            sources=[
                s["title"] + (f", {s['locator']}" if s["locator"] else "") for s in data["sources"]
            ],
            flags=data["flags"],
        )
