"""The cross-check: what the Change Programme parser reads from the seed and the curated
Plan 21-24 register agree on actions, priority areas, assessments and lead organisations."""

from __future__ import annotations

import pytest
from rdflib import Graph

from govgraph.loaders.plan import PlanYamlLoader
from govgraph.loaders.plan_model import Plan
from govgraph.loaders.plan_yaml import read_plan_yaml
from govgraph.loaders.resolve import normalise
from govgraph.ontology.terms import GG, ID
from tests.plan_support import PLAN_YAML, curated_resolver, seed_plan


def _summary(plan: Plan) -> dict[str, dict[str, object]]:
    """What the two sources must agree on, per action id, with names normalised."""
    areas = {a.id: normalise(a.name) for a in plan.priority_areas}
    return {
        a.id: {
            "name": normalise(a.name),
            "priority area": (a.priority_area, areas.get(a.priority_area)),
            "assessment": (
                (a.assessment.status.value, a.assessment.date, normalise(a.assessment.assessor))
                if a.assessment
                else None
            ),
            "leads": sorted(normalise(n) for n in a.leads),
        }
        for a in plan.actions
    }


def _diff(parsed: dict[str, dict[str, object]], curated: dict[str, dict[str, object]]) -> list[str]:
    lines: list[str] = []
    for action_id in sorted(parsed.keys() - curated.keys()):
        lines.append(f"- {action_id}: in the document, missing from plan.yaml")
    for action_id in sorted(curated.keys() - parsed.keys()):
        lines.append(f"- {action_id}: in plan.yaml, not in the document")
    for action_id in [a for a in parsed if a in curated]:
        for field, ours in parsed[action_id].items():
            theirs = curated[action_id][field]
            if ours == theirs:
                continue
            if field == "leads":
                only_doc = sorted(set(ours) - set(theirs))  # type: ignore[arg-type]
                only_yaml = sorted(set(theirs) - set(ours))  # type: ignore[arg-type]
                lines.append(
                    f"- {action_id}: leads differ; only in the document {only_doc}, "
                    f"only in plan.yaml {only_yaml}"
                )
            else:
                lines.append(f"- {action_id}: {field}: document {ours!r} != plan.yaml {theirs!r}")
    return lines


def test_parser_and_curated_plan_agree_on_actions_areas_assessments_and_leads() -> None:
    parsed, curated = seed_plan(), read_plan_yaml(PLAN_YAML)
    assert [(a.id, normalise(a.name)) for a in parsed.priority_areas] == [
        (a.id, normalise(a.name)) for a in curated.priority_areas
    ]
    assert [a.id for a in parsed.actions] == [a.id for a in curated.actions], "action order"
    diff = _diff(_summary(parsed), _summary(curated))
    assert not diff, "Change Programme parser vs data/curated/plan.yaml:\n" + "\n".join(diff)


def test_the_crosscheck_reports_a_changed_lead_and_assessment() -> None:
    parsed = seed_plan()
    curated = read_plan_yaml(PLAN_YAML)
    curated.action("youth-justice").leads.remove("Police Scotland")
    assert curated.action("legislation").assessment is not None
    curated.action("legislation").assessment.date = "2021-07-01"  # type: ignore[union-attr]
    diff = _diff(_summary(parsed), _summary(curated))
    assert diff == [
        "- youth-justice: leads differ; only in the document ['police scotland'], "
        "only in plan.yaml []",
        "- legislation: assessment: document ('UNDERWAY', '2021-06-25', 'promise scotland') "
        "!= plan.yaml ('UNDERWAY', '2021-07-01', 'promise scotland')",
    ]


def test_curated_plan_cites_the_change_programme_for_every_action() -> None:
    curated = read_plan_yaml(PLAN_YAML)
    areas = {a.id: a.name for a in curated.priority_areas}
    for action in curated.actions:
        assert action.source is not None
        assert action.source.document == "003_491c0dde5aa65afd.txt"
        assert action.source.section == (
            f"Priority Areas > {areas[action.priority_area]} > {action.name}"
        )


def test_every_curated_action_has_a_lead_the_curated_register_resolves() -> None:
    resolver = curated_resolver()
    loader = PlanYamlLoader(PLAN_YAML)
    graph = Graph()
    for triple in loader.triples(resolver):
        graph.add(triple)
    without = [
        a.id
        for a in loader.plan().actions
        if graph.value(ID[f"action/{a.id}"], GG.leadOrganisation) is None
    ]
    unresolved = "\n".join(loader.notes.unresolved)
    assert not without, f"actions with no resolved lead: {without}\nunresolved:\n{unresolved}"


def test_the_promise_scotland_resolves_as_assessor() -> None:
    resolver = curated_resolver()
    if resolver.resolve("The Promise Scotland") is None:
        pytest.fail("the curated register does not name The Promise Scotland")
