"""Read the curated Plan 21-24 YAML into the Plan model, with errors that name file, line,
column and field.

The file is read by the one YAML reader (dates stay text) and checked against
:class:`~govgraph.loaders.plan_schema.PlanFile`; what a schema cannot check (references
between records, duplicates, tiers and statuses from the ontology) is checked here. Every
problem of the file is reported at once. The schema is documented at the top of the
bundled ``data/curated/plan.yaml`` and in docs/schemas/plan.schema.json.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govgraph.graph.core.errors import SourceError, SourceErrors
from govgraph.graph.core.schema import fail, validate
from govgraph.graph.core.yaml_reader import read_yaml
from govgraph.loaders import plan_schema as schema
from govgraph.loaders.plan_model import (
    Action,
    Assessment,
    AssessmentStatus,
    LeadAssignment,
    Milestone,
    Plan,
    PriorityArea,
    SourceLocator,
)
from govgraph.loaders.plan_schema import LEAD_FIELDS
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG

__all__ = ["LEAD_FIELDS", "read_plan_yaml"]


def read_plan_yaml(path: Path) -> Plan:
    """The Plan the curated YAML describes; SourceError on any malformed or dangling field."""
    file = str(path)
    data = read_yaml(Path(path))
    if data is None:
        raise SourceError(
            "empty file: expected plan, document, priority_areas and actions", file=file, line=1
        )
    doc = validate(schema.PlanFile, data, file)
    problems: list[SourceError] = []

    def problem(where: tuple[Any, ...], message: str) -> None:
        problems.append(fail(data, where, message, file))

    plan = Plan(
        id=doc.plan.id,
        name=doc.plan.name,
        document=doc.document.file,
        title=doc.document.title,
        published=doc.document.published,
        publisher=doc.document.publisher,
    )
    for i, area in enumerate(doc.priority_areas or []):
        if any(a.id == area.id for a in plan.priority_areas):
            problem(("priority_areas", i, "id"), f"priority area '{area.id}' is defined twice")
        plan.priority_areas.append(
            PriorityArea(area.id, area.name, area.description, _cite(area.cite))
        )
    areas = {a.id for a in plan.priority_areas}
    for i, item in enumerate(doc.actions or []):
        where = ("actions", i)
        if item.priority_area not in areas:
            problem((*where, "priority_area"), f"unknown priority area '{item.priority_area}'")
        if any(a.id == item.id for a in plan.actions):
            problem((*where, "id"), f"action '{item.id}' is defined twice")
        plan.actions.append(_action(item, (*where, "leads"), problem))
    known = {a.id for a in plan.actions}
    for i, item in enumerate(doc.actions or []):
        for j, target in enumerate(item.links or []):
            if target not in known:
                problem(("actions", i, "links", j), f"links to unknown action '{target}'")
    if problems:
        raise SourceErrors(problems)
    return plan


def _cite(cite: schema.Cite) -> SourceLocator:
    return SourceLocator(cite.doc, cite.locator, cite.page)


def _action(item: schema.Action, where: tuple[Any, ...], problem: Any) -> Action:
    cite = _cite(item.cite)
    leads, lead_ids, assignments = _leads(item.leads, where, problem)
    if not leads:
        problem(where, "expected at least one stated lead organisation")
    a = item.assessment
    return Action(
        id=item.id,
        name=item.name,
        priority_area=item.priority_area,
        requirements=list(item.requirements or []),
        commitments=list(item.commitments or []),
        leads=leads,
        lead_ids=lead_ids,
        assignments=assignments,
        supporting=list(item.supporting or []),
        milestones=[Milestone(m.date, m.text, m.phrase) for m in item.milestones or []],
        links=list(item.links or []),
        assessment=Assessment(
            AssessmentStatus[a.status], a.date, a.assessor, a.text or "", source=cite
        ),
        aliases=list(item.aliases or []),
        source=cite,
    )


def _leads(
    items: list[schema.Lead | str], where: tuple[Any, ...], problem: Any
) -> tuple[list[str], dict[str, str], list[LeadAssignment]]:
    """Leads are names as written (tier lead, stated), or ``{name: ..., id: ..., tier: ...,
    status: ..., cite: ...}`` where only the document's context says which body a name means,
    or where the body is named in another tier or as planned, recommended or requested.
    Returns the names of the stated leads, their pinned ids, and every assignment."""
    options = {
        "tier": ontology.individuals_of(GG.LeadTier),
        "status": ontology.individuals_of(GG.StatementStatus),
    }
    names: list[str] = []
    ids: dict[str, str] = {}
    assignments: list[LeadAssignment] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            lead = LeadAssignment(item)
        else:
            lead = LeadAssignment(item.name, id=item.id)
            for key, known in options.items():
                value = getattr(item, key)
                if value is not None and value not in known:
                    message = f"expected one of {', '.join(known)}, found '{value}'"
                    problem((*where, i, key), message)
                elif value is not None:
                    setattr(lead, key, value)
            if item.cite is not None:
                lead.source = _cite(item.cite)
        if lead.tier == "lead" and lead.status == "stated":
            names.append(lead.name)
            if lead.id:
                ids[lead.name] = lead.id
        same = (lead.name, lead.tier, lead.status)
        if any((a.name, a.tier, a.status) == same for a in assignments):
            problem((*where, i), f"'{lead.name}' is named twice in tier {lead.tier}")
        assignments.append(lead)
    return names, ids, assignments
