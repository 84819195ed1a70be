"""GraphQL types for what-ifs (``scenario(changes:)``) and the landscape at a date.

A scenario's changes arrive as ``ScenarioChangeInput`` objects, are turned into the same
mappings a scenario YAML file holds and parsed by :mod:`govgraph.graph.analysis.scenario`, so the
API and the CLI accept exactly the same changes and fail with the same messages.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry

from govgraph.api.enums import by_value, ontology_enum
from govgraph.api.overlap_types import FindingFact, FindingSubject
from govgraph.api.types import Source
from govgraph.graph.analysis.findings import Finding as FindingRecord
from govgraph.graph.analysis.impact_model import CATEGORIES, Change, Impact
from govgraph.graph.analysis.overlaps import compute_findings
from govgraph.graph.analysis.scenario import Scenario, parse_scenario
from govgraph.graph.core.errors import QueryError
from govgraph.graph.storage.store import Store
from govgraph.visualisations.impact_report import change_facts

ORIGIN = "GraphQL scenario"


@strawberry.enum(description="What a scenario step does (the keys of a scenario YAML file).")
class ScenarioOp(Enum):
    MERGE = "merge"
    ABOLISH = "abolish"
    MOVE = "move"
    RENAME = "rename"
    ADD = "add"


@strawberry.input(
    description="One step of a scenario. Names may be names, aliases or ids of entities; "
    "each op reads only its own fields (see docs/scenarios.md)."
)
class ScenarioChangeInput:
    op: ScenarioOp
    subjects: list[str] | None = strawberry.field(
        default=None,
        description="MERGE: the bodies merged (two or more); ABOLISH, MOVE, RENAME: the one body.",
    )
    into: str | None = strawberry.field(
        default=None, description="MERGE: an existing body, or the name of a new one."
    )
    transfer_to: str | None = strawberry.field(
        default=None, description="ABOLISH: the body its functions go to (optional)."
    )
    under: str | None = strawberry.field(default=None, description="MOVE: the new parent.")
    kind: str | None = strawberry.field(
        default=None,
        description="MOVE, ADD: the accountability kind (e.g. reportsTo, sponsoredBy).",
    )
    to: str | None = strawberry.field(default=None, description="RENAME: the new name.")
    name: str | None = strawberry.field(default=None, description="ADD: the new body's name.")
    type: str | None = strawberry.field(
        default=None, description="ADD: its ontology class (e.g. Board, WorkingGroup)."
    )
    accountable_to: str | None = strawberry.field(
        default=None, description="ADD: the body it is accountable to."
    )
    members: list[str] | None = strawberry.field(
        default=None, description="ADD: bodies that become its members."
    )


if TYPE_CHECKING:

    class ImpactCategory(Enum): ...

else:
    ImpactCategory = ontology_enum(
        "ImpactCategory",
        {k.upper().replace("-", "_"): k for k in CATEGORIES},
        "The kinds of change an impact lists (headings in the impact report).",
    )
_CATEGORY_BY_VALUE = by_value(ImpactCategory)


@strawberry.type(description="One count of the landscape (bodies, groups, ...).")
class ImpactCount:
    name: str
    value: int


@strawberry.type(description="One change a scenario makes, with the facts it rests on.")
class ImpactChange:
    category: ImpactCategory
    category_label: str
    summary: str
    subjects: list[FindingSubject]
    before: str | None
    after: str | None
    evidence: list[FindingFact] = strawberry.field(
        description="The stated facts (with sources) and the scenario step behind the change."
    )
    finding_id: str | None = strawberry.field(
        description="For resolved or new overlap findings: the finding's stable id."
    )

    @classmethod
    def of(cls, c: Change) -> ImpactChange:
        facts = change_facts(c)
        return cls(
            category=_CATEGORY_BY_VALUE[c.category],
            category_label=CATEGORIES[c.category],
            summary=c.summary,
            subjects=[FindingSubject(id=s.id, name=s.name, type=s.type) for s in c.subjects],
            before=c.before,
            after=c.after,
            evidence=[
                FindingFact(text=f.text, sources=[Source.of(r) for r in f.sources]) for f in facts
            ],
            finding_id=c.finding.id if c.finding is not None else None,
        )


@strawberry.type(description="What a scenario changes, compared with the landscape today.")
class ScenarioImpact:
    title: str
    before_label: str
    after_label: str
    steps: list[str] = strawberry.field(description="The scenario's steps in plain words.")
    counts_before: list[ImpactCount]
    counts_after: list[ImpactCount]
    changes: list[ImpactChange]
    findings_resolved: int = strawberry.field(description="Overlap findings the scenario ends.")
    findings_new: int = strawberry.field(description="Overlap findings the scenario creates.")

    @classmethod
    def of(cls, impact: Impact) -> ScenarioImpact:
        grouped = impact.by_category()
        return cls(
            title=impact.title,
            before_label=impact.before_label,
            after_label=impact.after_label,
            steps=list(impact.steps),
            counts_before=[
                ImpactCount(name=k, value=v) for k, v in sorted(impact.counts_before.items())
            ],
            counts_after=[
                ImpactCount(name=k, value=v) for k, v in sorted(impact.counts_after.items())
            ],
            changes=[ImpactChange.of(c) for c in impact.changes],
            findings_resolved=len(grouped["finding-resolved"]),
            findings_new=len(grouped["finding-new"]),
        )


def scenario_data(changes: list[ScenarioChangeInput], name: str | None) -> Scenario:
    """The changes parsed as the scenario a YAML file would hold (unset fields left out, so
    the scenario parser names what is missing), before any costly work: the parser refuses
    more than :data:`~govgraph.graph.analysis.scenario.MAX_CHANGES` changes, as it does for a
    file."""
    if not changes:
        raise QueryError("a scenario needs at least one change")
    steps = [_step(i, c) for i, c in enumerate(changes, 1)]
    return parse_scenario({"name": name or ORIGIN, "changes": steps}, ORIGIN)


def _one(i: int, c: ScenarioChangeInput) -> str | list[str] | None:
    subjects = c.subjects or []
    if len(subjects) > 1:
        raise QueryError(
            f"change {i} ({c.op.name}): subjects must name exactly one body, not {len(subjects)}"
        )
    return subjects[0] if subjects else None


def _step(i: int, c: ScenarioChangeInput) -> dict[str, Any]:
    op = c.op.value
    fields: dict[str, Any]
    if c.op is ScenarioOp.MERGE:
        fields = {"merge": c.subjects, "into": c.into}
    elif c.op is ScenarioOp.ABOLISH:
        fields = {"abolish": _one(i, c), "transfer_functions_to": c.transfer_to}
    elif c.op is ScenarioOp.MOVE:
        fields = {"move": _one(i, c), "under": c.under, "kind": c.kind}
    elif c.op is ScenarioOp.RENAME:
        fields = {"rename": _one(i, c), "to": c.to}
    else:
        body = {
            "name": c.name,
            "type": c.type,
            "accountable_to": c.accountable_to,
            "kind": c.kind,
            "members": c.members,
        }
        fields = {"add": {k: v for k, v in body.items() if v is not None}}
    out = {k: v for k, v in fields.items() if v is not None}
    out.setdefault(op, None)
    return out


def run_scenario(store: Store, plan: Scenario, before: list[FindingRecord]) -> ScenarioImpact:
    """Resolve and apply the scenario to a copy of ``store``; the impact (the
    worker-thread half of the ``scenario`` field)."""
    from govgraph.graph.analysis.impact import scenario_impact

    impact, after = scenario_impact(store, plan, findings_before=before)
    after.close()
    return ScenarioImpact.of(impact)


def findings_as_of(store: Store, day: str) -> list[FindingRecord]:
    """Findings of the landscape at a date: a snapshot cut and analysed, so costly work."""
    from govgraph.graph.analysis.snapshot import as_of

    snapshot = as_of(store, day)
    try:
        return compute_findings(snapshot)
    finally:
        snapshot.close()
