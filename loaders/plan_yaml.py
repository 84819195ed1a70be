"""Read the curated Plan 21-24 YAML into the Plan model, with errors that name file, line,
column and field.

The file is composed into YAML nodes (not constructed) by the one YAML reader
(:func:`govgraph.graph.core.yaml_reader.compose_yaml`), so every value keeps its position
and every scalar stays the string the editor typed: ``date: 2021-06-25`` is not silently
turned into a ``datetime.date``. The schema is documented at the top of the bundled
``data/curated/plan.yaml``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from govgraph.graph.core.dates import parse_date
from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.ids import SLUG
from govgraph.graph.core.yaml_reader import compose_yaml
from govgraph.loaders.base import read_source_text
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
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DUE = re.compile(r"[0-9]{4}(-[0-9]{2}){0,2}")
LEAD_FIELDS = ("name", "id", "tier", "status", "cite")
"""Fields of a lead written as a mapping (docs/curated-data.md documents each)."""


class _Reader:
    def __init__(self, path: Path) -> None:
        self.file = str(path)

    def fail(self, node: yaml.Node, field: str, message: str) -> SourceError:
        mark = node.start_mark
        return SourceError(
            message, file=self.file, line=mark.line + 1, column=mark.column + 1, field=field
        )

    def mapping(
        self, node: yaml.Node, field: str, required: set[str], optional: set[str] = frozenset()
    ) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field, "expected a mapping of field: value")
        out: dict[str, yaml.Node] = {}
        allowed = required | optional
        for key, value in node.value:
            name = str(key.value)
            if name not in allowed:
                raise self.fail(
                    key,
                    f"{field}.{name}",
                    f"unknown field: expected one of {', '.join(sorted(allowed))}",
                )
            if name in out:
                raise self.fail(key, f"{field}.{name}", "field given twice")
            out[name] = value
        missing = sorted(required - out.keys())
        if missing:
            raise self.fail(node, f"{field}.{missing[0]}", f"missing required field '{missing[0]}'")
        return out

    def sequence(self, node: yaml.Node, field: str) -> list[yaml.Node]:
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, field, "expected a list")
        return list(node.value)

    def string(
        self, node: yaml.Node, field: str, pattern: re.Pattern[str] | None = None, what: str = ""
    ) -> str:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            raise self.fail(node, field, "expected a non-empty text value")
        value = str(node.value).strip()
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(node, field, f"expected {what}, found '{value}'")
        return value

    def date(self, node: yaml.Node, field: str, pattern: re.Pattern[str], what: str) -> str:
        """A date in one of the forms ``pattern`` allows that is also a real day or month:
        2021-02-30 and 2021-13 are refused."""
        value = self.string(node, field, pattern, what)
        try:
            parse_date(value)
        except ValueError as exc:
            raise self.fail(node, field, str(exc)) from None
        return value

    def strings(self, node: yaml.Node, field: str) -> list[str]:
        return [self.string(n, f"{field}[{i}]") for i, n in enumerate(self.sequence(node, field))]

    def cite(self, node: yaml.Node, field: str) -> SourceLocator:
        m = self.mapping(node, field, {"doc", "locator"}, {"page"})
        page = None
        if "page" in m:
            page = int(
                self.string(m["page"], f"{field}.page", re.compile(r"[0-9]+"), "a page number")
            )
        return SourceLocator(
            self.string(m["doc"], f"{field}.doc"),
            self.string(m["locator"], f"{field}.locator"),
            page,
        )


def read_plan_yaml(path: Path) -> Plan:
    """The Plan the curated YAML describes; SourceError on any malformed or dangling field."""
    reader = _Reader(path)
    text = read_source_text(Path(path))
    root = compose_yaml(text, str(path))
    if root is None:
        raise SourceError(
            "empty file: expected plan, document, priority_areas and actions",
            file=str(path),
            line=1,
        )
    top = reader.mapping(root, "", {"plan", "document", "priority_areas", "actions"})
    plan_node = reader.mapping(top["plan"], "plan", {"id", "name"})
    doc = reader.mapping(top["document"], "document", {"file", "title", "published", "publisher"})
    plan = Plan(
        id=reader.string(plan_node["id"], "plan.id", SLUG, "a slug such as 'plan-21-24'"),
        name=reader.string(plan_node["name"], "plan.name"),
        document=reader.string(doc["file"], "document.file"),
        title=reader.string(doc["title"], "document.title"),
        published=reader.date(
            doc["published"], "document.published", _ISO_DATE, "a date YYYY-MM-DD"
        ),
        publisher=reader.string(doc["publisher"], "document.publisher"),
    )
    for i, node in enumerate(reader.sequence(top["priority_areas"], "priority_areas")):
        field = f"priority_areas[{i}]"
        m = reader.mapping(node, field, {"id", "name", "cite"}, {"description"})
        area = PriorityArea(
            id=reader.string(m["id"], f"{field}.id", SLUG, "a slug such as 'a-good-childhood'"),
            name=reader.string(m["name"], f"{field}.name"),
            description=reader.string(m["description"], f"{field}.description")
            if "description" in m
            else None,
            source=reader.cite(m["cite"], f"{field}.cite"),
        )
        if any(a.id == area.id for a in plan.priority_areas):
            raise reader.fail(m["id"], f"{field}.id", f"priority area '{area.id}' is defined twice")
        plan.priority_areas.append(area)
    link_nodes: list[tuple[yaml.Node, str, str]] = []
    for i, node in enumerate(reader.sequence(top["actions"], "actions")):
        action, links = _action(reader, node, f"actions[{i}]", plan)
        if any(a.id == action.id for a in plan.actions):
            raise reader.fail(node, f"actions[{i}].id", f"action '{action.id}' is defined twice")
        plan.actions.append(action)
        link_nodes.extend(links)
    known = {a.id for a in plan.actions}
    for node, field, target in link_nodes:
        if target not in known:
            raise reader.fail(node, field, f"links to unknown action '{target}'")
    return plan


def _action(
    reader: _Reader, node: yaml.Node, field: str, plan: Plan
) -> tuple[Action, list[tuple[yaml.Node, str, str]]]:
    m = reader.mapping(
        node,
        field,
        {"id", "name", "priority_area", "leads", "assessment", "cite"},
        {"aliases", "requirements", "commitments", "supporting", "milestones", "links"},
    )
    area = reader.string(m["priority_area"], f"{field}.priority_area")
    if area not in {a.id for a in plan.priority_areas}:
        raise reader.fail(
            m["priority_area"], f"{field}.priority_area", f"unknown priority area '{area}'"
        )
    leads, lead_ids, assignments = _leads(reader, m["leads"], f"{field}.leads")
    if not leads:
        raise reader.fail(
            m["leads"], f"{field}.leads", "expected at least one stated lead organisation"
        )
    cite = reader.cite(m["cite"], f"{field}.cite")
    links: list[tuple[yaml.Node, str, str]] = []
    if "links" in m:
        for j, link in enumerate(reader.sequence(m["links"], f"{field}.links")):
            links.append((link, f"{field}.links[{j}]", reader.string(link, f"{field}.links[{j}]")))
    action = Action(
        id=reader.string(m["id"], f"{field}.id", SLUG, "a slug such as 'right-to-education'"),
        name=reader.string(m["name"], f"{field}.name"),
        priority_area=area,
        requirements=reader.strings(m["requirements"], f"{field}.requirements")
        if "requirements" in m
        else [],
        commitments=reader.strings(m["commitments"], f"{field}.commitments")
        if "commitments" in m
        else [],
        leads=leads,
        lead_ids=lead_ids,
        assignments=assignments,
        supporting=reader.strings(m["supporting"], f"{field}.supporting")
        if "supporting" in m
        else [],
        milestones=_milestones(reader, m.get("milestones"), f"{field}.milestones"),
        links=[target for _, _, target in links],
        assessment=_assessment(reader, m["assessment"], f"{field}.assessment", cite),
        aliases=reader.strings(m["aliases"], f"{field}.aliases") if "aliases" in m else [],
        source=cite,
    )
    return action, links


def _milestones(reader: _Reader, node: yaml.Node | None, field: str) -> list[Milestone]:
    if node is None:
        return []
    out: list[Milestone] = []
    for i, item in enumerate(reader.sequence(node, field)):
        m = reader.mapping(item, f"{field}[{i}]", {"text", "phrase"}, {"date"})
        date = None
        if "date" in m and not (
            isinstance(m["date"], yaml.ScalarNode) and m["date"].value in ("", "~", "null")
        ):
            date = reader.date(m["date"], f"{field}[{i}].date", _DUE, "YYYY, YYYY-MM or YYYY-MM-DD")
        out.append(
            Milestone(
                date=date,
                text=reader.string(m["text"], f"{field}[{i}].text"),
                phrase=reader.string(m["phrase"], f"{field}[{i}].phrase"),
            )
        )
    return out


def _assessment(reader: _Reader, node: yaml.Node, field: str, cite: SourceLocator) -> Assessment:
    m = reader.mapping(node, field, {"status", "date", "assessor"}, {"text"})
    statuses = ", ".join(s.value for s in AssessmentStatus)
    status = reader.string(m["status"], f"{field}.status")
    if status not in AssessmentStatus.__members__:
        raise reader.fail(
            m["status"], f"{field}.status", f"expected one of {statuses}, found '{status}'"
        )
    return Assessment(
        status=AssessmentStatus[status],
        date=reader.date(m["date"], f"{field}.date", _ISO_DATE, "a date YYYY-MM-DD"),
        assessor=reader.string(m["assessor"], f"{field}.assessor"),
        text=reader.string(m["text"], f"{field}.text") if "text" in m else "",
        source=cite,
    )


def _leads(
    reader: _Reader, node: yaml.Node, field: str
) -> tuple[list[str], dict[str, str], list[LeadAssignment]]:
    """Leads are names as written (tier lead, stated), or ``{name: ..., id: ..., tier: ...,
    status: ..., cite: ...}`` where only the document's context says which body a name means,
    or where the body is named in another tier or as planned, recommended or requested.
    Returns the names of the stated leads, their pinned ids, and every assignment."""
    tiers = ontology.individuals_of(GG.LeadTier)
    statuses = ontology.individuals_of(GG.StatementStatus)
    names: list[str] = []
    ids: dict[str, str] = {}
    assignments: list[LeadAssignment] = []
    for i, item in enumerate(reader.sequence(node, field)):
        where = f"{field}[{i}]"
        if isinstance(item, yaml.MappingNode):
            m = reader.mapping(item, where, {"name"}, set(LEAD_FIELDS) - {"name"})
            lead = LeadAssignment(reader.string(m["name"], f"{where}.name"))
            if "id" in m:
                lead.id = reader.string(m["id"], f"{where}.id", SLUG, "an organisation id")
            for key, options in (("tier", tiers), ("status", statuses)):
                if key in m:
                    value = reader.string(m[key], f"{where}.{key}")
                    if value not in options:
                        raise reader.fail(
                            m[key],
                            f"{where}.{key}",
                            f"expected one of {', '.join(options)}, found '{value}'",
                        )
                    setattr(lead, key, value)
            if "cite" in m:
                lead.source = reader.cite(m["cite"], f"{where}.cite")
        else:
            lead = LeadAssignment(reader.string(item, where))
        if lead.tier == "lead" and lead.status == "stated":
            names.append(lead.name)
            if lead.id:
                ids[lead.name] = lead.id
        same = (lead.name, lead.tier, lead.status)
        if any((a.name, a.tier, a.status) == same for a in assignments):
            raise reader.fail(item, where, f"'{lead.name}' is named twice in tier {lead.tier}")
        assignments.append(lead)
    return names, ids, assignments
