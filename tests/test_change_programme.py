"""The Change Programme loader: the real seed (Change Programme ONE) and a small fixture."""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from govgraph.graph.core.errors import SourceError
from govgraph.loaders.base import LoadNotes
from govgraph.loaders.change_programme import ChangeProgrammeLoader, parse_change_programme
from govgraph.loaders.plan import document_iri, plan_triples
from govgraph.loaders.plan_model import AssessmentStatus, Plan
from govgraph.loaders.resolve import Resolver
from govgraph.ontology.terms import GG, ID
from tests.conftest import FIXTURES
from tests.plan_support import seed_plan

SMALL = FIXTURES / "change_programme_small.txt"

SEED_ACTIONS = {
    "a-good-childhood": [
        "support",
        "right-to-education",
        "relationships",
        "brothers-and-sisters",
        "youth-justice",
        "advocacy",
        "moving-on",
        "physical-intervention",
    ],
    "whole-family-support": [
        "family-support",
        "peer-and-community-support",
        "service-integration",
        "family-therapies",
    ],
    "supporting-the-workforce": [
        "workforce-values",
        "trauma-informed",
        "ongoing-relationships",
        "workforce-support",
    ],
    "planning": ["planning", "investment", "information-sharing"],
    "building-capacity": [
        "legislation",
        "childrens-hearing-system",
        "inspection-and-regulation",
        "policy-coherence",
        "data-mapping-and-collection",
        "governance-structures",
    ],
}


@pytest.fixture(scope="module")
def seed() -> Plan:
    return seed_plan()


# ----------------------------------------------------------------------- the real seed


def test_seed_has_the_five_priority_areas_in_order(seed: Plan) -> None:
    assert [a.name for a in seed.priority_areas] == [
        "A Good Childhood",
        "Whole Family Support",
        "Supporting the Workforce",
        "Planning",
        "Building Capacity",
    ]
    assert [a.source.page for a in seed.priority_areas if a.source] == [26, 42, 49, 56, 61]


def test_seed_has_exactly_the_25_actions_under_their_areas(seed: Plan) -> None:
    assert len(seed.actions) == 25
    by_area: dict[str, list[str]] = {}
    for action in seed.actions:
        by_area.setdefault(action.priority_area, []).append(action.id)
    assert by_area == SEED_ACTIONS


def test_an_action_starting_under_another_areas_page_header_keeps_its_own_area(
    seed: Plan,
) -> None:
    # "## Legislation" begins on a page headed "# Planning"; the overview puts it in
    # Building Capacity.
    assert seed.action("legislation").priority_area == "building-capacity"


def test_every_seed_action_has_a_lead_and_a_dated_assessment(seed: Plan) -> None:
    for action in seed.actions:
        assert action.leads, action.id
        assert action.assessment is not None, action.id
        assert action.assessment.date == "2021-06-25"
        assert action.assessment.assessor == "The Promise Scotland"


def test_seed_assessments_only_governance_structures_has_little_or_no_work(seed: Plan) -> None:
    statuses = {a.id: a.assessment.status for a in seed.actions if a.assessment}
    little = [i for i, s in statuses.items() if s is AssessmentStatus.LITTLE_OR_NONE]
    assert little == ["governance-structures"]
    underway = sorted(i for i, s in statuses.items() if s is AssessmentStatus.UNDERWAY)
    assert underway == sorted(
        [
            "youth-justice",
            "physical-intervention",
            "trauma-informed",
            "ongoing-relationships",
            "investment",
            "legislation",
            "childrens-hearing-system",
            "data-mapping-and-collection",
        ]
    )


def test_police_scotland_leads_exactly_the_actions_the_document_names(seed: Plan) -> None:
    led = [a.id for a in seed.actions if "Police Scotland" in a.leads]
    assert led == ["youth-justice", "workforce-support"]
    # Data Mapping: Police Scotland is one the lead "will link with", not a lead.
    data = seed.action("data-mapping-and-collection")
    assert data.leads == ["Data for Children Collaborative"]
    assert data.supporting == [
        "Scottish Government",
        "Children’s Services Partnerships",
        "Police Scotland",
    ]


def test_lead_prose_is_split_into_bodies_as_written(seed: Plan) -> None:
    assert seed.action("support").leads == [
        "COSLA",
        "Scottish Government",
        "Community Planning Partnerships",
        "Children’s Services Planning Partnerships",
        "Care Inspectorate",
        "The Joint Inspection Programme",
    ]
    assert seed.action("inspection-and-regulation").leads == [
        "Care Inspectorate",
        "SSSC",
        "Strategic Scrutiny Group Bodies",
        "Audit Scotland",
        "NHS Education for Scotland",
        "Nursing and Midwifery Council",
        "Association of Directors of Education Services",
        "Care Providers",
    ]
    investment = seed.action("investment")
    assert investment.leads == ["The Promise Scotland", "Clackmannanshire", "Scottish Government"]
    assert investment.supporting == ["COSLA", "local authorities", "third sector organisations"]


def test_seed_links_resolve_to_action_ids(seed: Plan) -> None:
    assert seed.action("right-to-education").links == [
        "moving-on",
        "data-mapping-and-collection",
        "investment",
    ]
    # "**Data**" and "**Inspection**" are short for the actions of those names.
    assert seed.action("support").links == [
        "investment",
        "data-mapping-and-collection",
        "inspection-and-regulation",
    ]
    ids = {a.id for a in seed.actions}
    for action in seed.actions:
        assert set(action.links) <= ids - {action.id}


def test_seed_milestones_keep_the_phrase_and_an_iso_date(seed: Plan) -> None:
    hearings = [(m.date, m.phrase) for m in seed.action("childrens-hearing-system").milestones]
    assert hearings == [
        ("2024", "in 2024"),
        ("2021-06", "Summer 2021"),
        ("2021-09", "Autumn 2021"),
        ("2022", "2022"),
        ("2023-03", "Early spring 2023"),
        ("2023-09", "Autumn 2023"),
        (None, "2023-2024"),
    ]


def test_dates_of_things_already_done_are_not_milestones(seed: Plan) -> None:
    youth = [m.phrase for m in seed.action("youth-justice").milestones]
    assert youth == ["Spring 2022", "Autumn 2021"]  # not "published ... in June 2021"
    data = [m.phrase for m in seed.action("data-mapping-and-collection").milestones]
    assert "May 2021" not in data  # "began in May 2021"


def test_the_heading_spelling_is_kept_as_an_alias(seed: Plan) -> None:
    hearings = seed.action("childrens-hearing-system")
    assert hearings.name == "Children’s Hearing System"
    assert hearings.aliases == ["Children's Hearings System"]


# ---------------------------------------------------------------------- the small fixture


def small() -> Plan:
    return parse_change_programme(SMALL.read_text(encoding="utf-8"), SMALL.name)


def test_fixture_parses_to_exactly_the_expected_plan() -> None:
    plan = small()
    assert (plan.title, plan.published) == ("Change Programme TEST", "2022-03-03")
    assert [(a.id, a.name, a.source.page if a.source else None) for a in plan.priority_areas] == [
        ("early-years", "Early Years", 5),
        ("capacity", "Capacity", 7),
    ]
    # The parser gives leads and supporting bodies by name; tiered assignments come from
    # the curated plan.yaml only.
    got = [
        {k: v for k, v in asdict(a).items() if k not in ("source", "assignments")}
        for a in plan.actions
    ]
    for action in got:
        action["assessment"] = {
            k: action["assessment"][k] for k in ("status", "date", "assessor", "text")
        }
    assert got == [
        {
            "id": "play-spaces",
            "name": "Play Spaces",
            "priority_area": "early-years",
            "requirements": ["Every town will have a safe place to play."],
            "commitments": [
                "the Harbour Council will open two play parks by Autumn 2022.",
                "a survey of play spaces was published in January 2022.",
            ],
            "leads": ["Harbour Council", "Local Authorities", "Play Alliance"],
            "lead_ids": {},
            "supporting": [],
            "milestones": [
                {
                    "date": "2022-09",
                    "text": "the Harbour Council will open two play parks by Autumn 2022.",
                    "phrase": "Autumn 2022",
                },
                {"date": "2023", "text": "Progress will be reviewed by 2023.", "phrase": "by 2023"},
            ],
            "links": ["family-hubs"],
            "assessment": {
                "status": AssessmentStatus.UNDERWAY,
                "date": "2022-03-03",
                "assessor": "The Promise Scotland",
                "text": "Work is underway.",
            },
            "aliases": [],
        },
        {
            "id": "family-hubs",
            "name": "Family Hubs",
            "priority_area": "early-years",
            "requirements": ["Families will find support under one roof."],
            "commitments": [],
            "leads": ["Harbour Council", "Care Providers"],
            "lead_ids": {},
            "supporting": [],
            "milestones": [],
            "links": ["records"],
            "assessment": {
                "status": AssessmentStatus.UNDERWAY_NOT_SUFFICIENT,
                "date": "2022-03-03",
                "assessor": "The Promise Scotland",
                "text": "Work is underway but does not yet appear sufficient.",
            },
            "aliases": [],
        },
        {
            "id": "records",
            "name": "Records",
            "priority_area": "capacity",
            "requirements": ["Records will follow what matters to children."],
            "commitments": [
                "The Harbour Council will: publish a records plan in July 2022;",
                "The Harbour Council will: train staff.",
            ],
            "leads": ["Data Works"],
            "lead_ids": {},
            "supporting": ["Harbour Council", "Care Providers"],
            "milestones": [
                {
                    "date": "2022-07",
                    "text": "The Harbour Council will: publish a records plan in July 2022;",
                    "phrase": "July 2022",
                },
                {"date": "2023-03", "text": "Records plan agreed", "phrase": "Spring 2023"},
            ],
            "links": [],
            "assessment": {
                "status": AssessmentStatus.LITTLE_OR_NONE,
                "date": "2022-03-03",
                "assessor": "The Promise Scotland",
                "text": "There is little or no work underway.",
            },
            "aliases": [],
        },
    ]
    assert [a.source.locator for a in plan.actions if a.source] == [
        "Priority Areas > Early Years > Play Spaces",
        "Priority Areas > Early Years > Family Hubs",
        "Priority Areas > Capacity > Records",
    ]


def _resolver() -> Resolver:
    resolver = Resolver()
    resolver.add(ID["harbour-council"], ["Harbour Council", "The Harbour Council"])
    resolver.add(ID["collective/local-authorities"], ["Local Authorities"])
    resolver.add(ID["care-providers"], ["Care Providers"])
    resolver.add(ID["data-works"], ["Data Works"])
    resolver.add(ID["the-promise-scotland"], ["The Promise Scotland"])
    return resolver


def test_loader_yields_cited_actions_with_resolved_leads_only() -> None:
    loader = ChangeProgrammeLoader(SMALL)
    graph = Graph()
    for triple in loader.triples(_resolver()):
        graph.add(triple)
    play = ID["action/play-spaces"]
    assert set(graph.objects(play, GG.leadOrganisation)) == {
        ID["harbour-council"],
        ID["collective/local-authorities"],
    }
    assert loader.notes.unresolved == ["'Play Alliance' (lead of action 'Play Spaces')"]
    assert not list(graph.subjects(None, Literal("Play Alliance")))
    assert (play, GG.priorityArea, ID["priority-area/early-years"]) in graph
    assert (play, GG.partOfPlan, ID["plan/plan-21-24"]) in graph
    assert (play, GG.linkedAction, ID["action/family-hubs"]) in graph
    citation = graph.value(play, GG.citation)
    assert graph.value(citation, GG.document) == document_iri(SMALL.name)
    assert graph.value(citation, GG.locator) == Literal(
        "Priority Areas > Early Years > Play Spaces"
    )
    assessment = graph.value(play, GG.hasAssessment)
    assert graph.value(assessment, GG.assessmentStatus) == GG.WorkUnderway
    assert graph.value(assessment, GG.assessmentDate) == Literal("2022-03-03", datatype=XSD.date)
    assert graph.value(assessment, GG.assessor) == ID["the-promise-scotland"]
    assert graph.value(assessment, GG.citation) is not None
    records = ID["action/records"]
    status = graph.value(graph.value(records, GG.hasAssessment), GG.assessmentStatus)
    assert status == GG.LittleOrNoWork
    due = {graph.value(m, GG.dueDate) for m in graph.objects(records, GG.hasMilestone)}
    assert due == {
        Literal("2022-07", datatype=XSD.gYearMonth),
        Literal("2023-03", datatype=XSD.gYearMonth),
    }
    commitment = ID["action/records/commitment/2"]
    assert (records, GG.hasCommitment, commitment) in graph


def test_the_loader_reports_its_source() -> None:
    info = ChangeProgrammeLoader(SMALL).info()
    assert (info.title, info.published, info.origin) == (
        "Change Programme TEST",
        "2022-03-03",
        SMALL.name,
    )


def test_a_seed_query_for_police_scotland_finds_its_two_actions(seed: Plan) -> None:
    resolver = Resolver()
    resolver.add(ID["police-scotland"], ["Police Scotland"])
    graph = Graph()
    for triple in plan_triples(seed, resolver, document_iri(seed.document), LoadNotes()):
        graph.add(triple)
    rows = graph.query(
        "SELECT ?a WHERE { ?a gg:leadOrganisation ?o }",
        initNs={"gg": GG},
        initBindings={"o": URIRef(ID["police-scotland"])},
    )
    assert sorted(str(r[0]) for r in rows) == [
        str(ID["action/workforce-support"]),
        str(ID["action/youth-justice"]),
    ]


# ------------------------------------------------------------------------------- errors


def _fail(text: str) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse_change_programme(text, "bad.txt")
    return caught.value


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


def test_a_document_without_the_priority_areas_section_is_an_error() -> None:
    text = SMALL.read_text(encoding="utf-8").replace("# Priority Areas", "# Overview")
    error = _fail(text)
    assert error.line == len(text.splitlines())
    assert "Priority Areas" in str(error)


def test_an_action_without_an_assessment_is_an_error_at_its_links_section() -> None:
    text = (
        SMALL.read_text(encoding="utf-8")
        .replace("**Work is underway but does not yet appear sufficient.**", "")
        .replace("The **Records** action will help track families' use of hubs.", "")
    )
    error = _fail(text)
    assert error.line == _line_of(text, "### Links, Next Steps and Assessment", 2)
    assert error.field == "assessment"
    assert "Family Hubs" in str(error)


def test_an_unrecognised_assessment_is_an_error_at_its_line() -> None:
    text = SMALL.read_text(encoding="utf-8").replace(
        "#### **Work is underway.**", "#### **Work is complete.**"
    )
    error = _fail(text)
    assert error.line == _line_of(text, "Work is complete.")
    assert "Work is complete." in str(error)


def test_an_unknown_sub_heading_is_an_error_naming_what_was_expected() -> None:
    text = SMALL.read_text(encoding="utf-8").replace(
        "### What has been heard?", "### Background notes"
    )
    error = _fail(text)
    assert error.line == _line_of(text, "### Background notes")
    assert re.search(r"expected one of .*Who are the lead organisations\?", str(error))


def test_a_listed_action_without_a_section_is_an_error_at_its_overview_line() -> None:
    text = SMALL.read_text(encoding="utf-8").replace("## Records", "## Archives")
    error = _fail(text)
    assert error.line == _line_of(text, "- Records")
    assert str(error).startswith("bad.txt:")


def test_an_action_naming_no_lead_is_an_error_at_its_lead_section() -> None:
    text = SMALL.read_text(encoding="utf-8").replace(
        "Harbour Council  \nCare Providers", "to be confirmed"
    )
    error = _fail(text)
    assert error.line == _line_of(text, "### Who are the lead organisations?", 2)
    assert error.field == "leads"


def test_a_document_without_a_publication_date_is_an_error() -> None:
    text = SMALL.read_text(encoding="utf-8").replace("Date of publication: 3 March 2022", "")
    error = _fail(text)
    assert error.field == "Date of publication"


def test_an_unreadable_file_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(SourceError, match="not UTF-8"):
        ChangeProgrammeLoader(path).info()
