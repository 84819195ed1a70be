"""The curated Plan 21-24 register loader: its content and its errors (file, line, field)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SKOS, XSD

from govgraph.graph.core.errors import SourceError
from govgraph.loaders.plan import PlanYamlLoader
from govgraph.loaders.plan_model import AssessmentStatus
from govgraph.loaders.plan_yaml import read_plan_yaml
from govgraph.loaders.registry import loader_class
from govgraph.loaders.resolve import Resolver
from govgraph.ontology.terms import GG, ID
from tests.plan_support import PLAN_YAML

MINIMAL = """\
plan: {id: plan-21-24, name: Plan 21-24}
document: {file: doc.txt, title: Doc, published: 2021-06-25, publisher: Someone}
priority_areas:
  - id: area-one
    name: Area One
    cite: {doc: doc.txt, locator: Priority Areas > Area One}
actions:
  - id: first
    name: First
    priority_area: area-one
    leads: [Body One]
    milestones:
      - {date: "2022", phrase: by 2022, text: Something done.}
    assessment: {status: UNDERWAY, date: 2021-06-25, assessor: Assessor}
    cite: {doc: doc.txt, locator: Priority Areas > Area One > First}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _fail(tmp_path: Path, text: str) -> SourceError:
    with pytest.raises(SourceError) as caught:
        read_plan_yaml(_write(tmp_path, text))
    return caught.value


def test_the_bundled_register_has_5_areas_and_25_led_assessed_actions() -> None:
    plan = read_plan_yaml(PLAN_YAML)
    assert len(plan.priority_areas) == 5
    assert len(plan.actions) == 25
    assert all(a.leads and a.assessment for a in plan.actions)
    little = [a.id for a in plan.actions if a.assessment.status is AssessmentStatus.LITTLE_OR_NONE]  # type: ignore[union-attr]
    assert little == ["governance-structures"]


def test_the_plan_kind_is_registered() -> None:
    assert loader_class("plan") is PlanYamlLoader


def test_minimal_register_becomes_triples(tmp_path: Path) -> None:
    resolver = Resolver()
    resolver.add(ID["body-one"], ["Body One"])
    loader = PlanYamlLoader(_write(tmp_path, MINIMAL))
    graph = Graph()
    for triple in loader.triples(resolver):
        graph.add(triple)
    action = ID["action/first"]
    assert graph.value(action, SKOS.prefLabel) == Literal("First")
    assert graph.value(action, GG.leadOrganisation) == ID["body-one"]
    milestone = graph.value(action, GG.hasMilestone)
    assert graph.value(milestone, GG.dueDate) == Literal("2022", datatype=XSD.gYear)
    assert loader.notes.unresolved == ["'Assessor' (assessor of action 'First')"]
    assert loader.info().id == "plan"


def test_a_yaml_syntax_error_reports_its_line(tmp_path: Path) -> None:
    lines = MINIMAL.splitlines()
    assert lines[6] == "actions:"
    lines[6] = "actions: a: b"
    error = _fail(tmp_path, "\n".join(lines) + "\n")
    assert (error.line, error.column) == (7, 11)
    assert error.file and error.file.endswith("plan.yaml")


def test_an_unknown_field_names_file_line_and_field(tmp_path: Path) -> None:
    error = _fail(tmp_path, MINIMAL.replace("    leads: [Body One]", "    leeds: [Body One]"))
    assert (error.line, error.field) == (11, "actions[0].leeds")
    assert "expected one of" in str(error)


def test_a_bad_status_names_the_allowed_ones(tmp_path: Path) -> None:
    error = _fail(tmp_path, MINIMAL.replace("status: UNDERWAY", "status: DONE"))
    assert (error.line, error.field) == (14, "actions[0].assessment.status")
    assert "LITTLE_OR_NONE" in str(error)


def test_an_action_without_leads_is_an_error(tmp_path: Path) -> None:
    error = _fail(tmp_path, MINIMAL.replace("leads: [Body One]", "leads: []"))
    assert (error.line, error.field) == (11, "actions[0].leads")


def test_a_link_to_an_unknown_action_is_an_error(tmp_path: Path) -> None:
    text = MINIMAL.replace("    leads: [Body One]", "    leads: [Body One]\n    links: [second]")
    error = _fail(tmp_path, text)
    assert (error.line, error.field) == (12, "actions[0].links[0]")


def test_an_unknown_priority_area_is_an_error(tmp_path: Path) -> None:
    error = _fail(tmp_path, MINIMAL.replace("priority_area: area-one", "priority_area: area-two"))
    assert (error.line, error.field) == (10, "actions[0].priority_area")


def test_a_malformed_milestone_date_is_an_error(tmp_path: Path) -> None:
    error = _fail(tmp_path, MINIMAL.replace('date: "2022"', "date: autumn"))
    assert (error.line, error.field) == (13, "actions[0].milestones[0].date")


def test_a_pinned_lead_resolves_to_the_body_the_document_means() -> None:
    from govgraph.loaders.bundled import data_dir
    from govgraph.loaders.plan import PlanYamlLoader
    from govgraph.loaders.resolve import Resolver
    from govgraph.ontology.terms import GG, entity

    resolver = Resolver()
    resolver.add(entity("clackmannanshire-alliance"), ["Clackmannanshire Alliance"])
    resolver.add(
        entity("clackmannanshire-council"), ["Clackmannanshire Council", "Clackmannanshire"]
    )
    loader = PlanYamlLoader(data_dir() / "curated" / "plan.yaml")
    leads = {o for s, p, o in loader.triples(resolver) if p == GG.leadOrganisation}
    assert entity("clackmannanshire-alliance") in leads
    assert entity("clackmannanshire-council") not in leads


def test_every_problem_of_the_file_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace("status: UNDERWAY", "status: DONE")
        .replace("priority_area: area-one", "priority_area: area-two")
        .replace('date: "2022"', "date: 2022-13")
    )
    error = _fail(tmp_path, text)
    assert [(p.line, p.field) for p in error.problems] == [  # type: ignore[attr-defined]
        (13, "actions[0].milestones[0].date"),
        (14, "actions[0].assessment.status"),
    ]
    assert "2 problems in all" in str(error) and "2022-13" in str(error)
    # references are checked once the schema holds, and all reported together too
    text = MINIMAL.replace("priority_area: area-one", "priority_area: area-two").replace(
        "    leads: [Body One]", "    leads: [Body One]\n    links: [second]"
    )
    error = _fail(tmp_path, text)
    assert [(p.line, p.field) for p in error.problems] == [  # type: ignore[attr-defined]
        (10, "actions[0].priority_area"),
        (12, "actions[0].links[0]"),
    ]
