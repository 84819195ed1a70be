"""Issue #17's model: every relationship kind and status, lead tiers and per-statement
citations load from the curated YAML, validate against the SHACL shapes, and only a stated
relationship asserts its direct triple.

The example register is generated from the ontology, so a kind added to govgraph.ttl is
tested here without a line of this file changing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rdflib import URIRef

from govgraph.graph.errors import SourceError
from govgraph.graph.store import Store
from govgraph.graph.validation import validate
from govgraph.loaders.curated import CuratedLoader
from govgraph.loaders.curated_model import VOCABULARY
from govgraph.loaders.pipeline import load_sources
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG, ID

DOC = "seed.txt"
STATUSES = list(ontology.individuals_of(GG.StatementStatus))
KINDS = [p.name for p in ontology.relationship_kinds()]

ENDS = {
    "org-a": "Organisation",
    "org-b": "Organisation",
    "board-a": "Board",
    "post-a": "Post",
    "post-b": "Post",
    "person-a": "Person",
    "service-a": "CareService",
}
"""Entities of the example register: one of each class a kind's domain or range names."""


def cite(locator: str) -> list[dict[str, str]]:
    return [{"doc": DOC, "locator": locator}]


def ends_for(kind: str) -> tuple[str, str]:
    """A subject and a distinct object whose classes suit the kind's domain and range."""
    prop = VOCABULARY.relationship_kinds[kind]

    def fitting(allowed: tuple[URIRef, ...], taken: str = "") -> str:
        for ident, cls in ENDS.items():
            if ident != taken and VOCABULARY.fits(GG[cls], allowed):
                return ident
        raise AssertionError(f"no example entity fits {kind}: {allowed}")

    subject = fitting(prop.domain)
    return subject, fitting(prop.range, subject)


def example_relationships() -> list[dict[str, object]]:
    """One relationship of every kind, statuses taken in turn, so every kind and every
    status is loaded; the symmetric kinds' reverse is never stated twice."""
    out: list[dict[str, object]] = []
    for n, kind in enumerate(KINDS):
        subject, obj = ends_for(kind)
        status = STATUSES[n % len(STATUSES)]
        out.append(
            {
                "kind": kind,
                "subject": subject,
                "object": obj,
                "status": status,
                "sources": cite(f"Section {n}, para 1 ({kind}, {status})"),
            }
        )
    return out


def write_register(folder: Path, **extra: list[dict[str, object]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "sources": [
            {
                "id": "seed",
                "file": DOC,
                "title": "A seed",
                "publisher": "Someone",
                "date": "2021",
                "kind": "document",
            }
        ],
        "organisations": [
            {"id": ident, "name": f"Example {ident}", "type": cls, "sources": cite("Intro")}
            for ident, cls in ENDS.items()
        ],
        "relationships": example_relationships(),
        **extra,
    }
    for key, records in files.items():
        (folder / f"{key}.yaml").write_text(yaml.safe_dump({key: records}, sort_keys=False))
    return folder


@pytest.fixture
def example(tmp_path: Path, store: Store) -> Store:
    folder = write_register(tmp_path / "curated")
    report = load_sources(store, [CuratedLoader(folder)], validate=False, progress=False)
    assert not report.failed, [r.error for r in report.failed]
    return store


def status_of(store: Store, kind: str) -> str | None:
    row = store.select_one(
        f"SELECT ?status WHERE {{ ?r a gg:Relationship ; gg:relationshipKind gg:{kind} ; "
        "gg:status ?status ; gg:citation/gg:locator ?loc }"
    )
    return None if row is None else str(row["status"])


@pytest.mark.parametrize("kind", KINDS)
def test_every_relationship_kind_loads_with_its_status_and_citation(
    example: Store, kind: str
) -> None:
    expected = STATUSES[KINDS.index(kind) % len(STATUSES)]
    assert status_of(example, kind) == str(ontology.individuals_of(GG.StatementStatus)[expected])


@pytest.mark.parametrize("status", STATUSES)
def test_only_a_stated_relationship_asserts_its_direct_triple(example: Store, status: str) -> None:
    for n, kind in enumerate(KINDS):
        if STATUSES[n % len(STATUSES)] != status:
            continue
        subject, obj = ends_for(kind)
        asserted = example.ask(
            f"ASK {{ GRAPH ggraph:curated {{ id:{subject} gg:{kind} id:{obj} }} }}"
        )
        assert asserted == (status == "stated"), (kind, status)


def test_the_example_register_of_every_kind_and_status_validates(example: Store) -> None:
    report = validate(example)
    assert report.conforms, [str(v) for v in report.violations]


def test_an_unknown_status_is_refused_at_its_line(tmp_path: Path) -> None:
    rels = example_relationships()
    rels[0]["status"] = "hoped-for"
    folder = write_register(tmp_path / "curated", relationships=rels)
    with pytest.raises(SourceError) as err:
        CuratedLoader(folder).data  # noqa: B018
    assert err.value.field == "status"
    assert "planned" in str(err.value) and "hoped-for" in str(err.value)


# --- lead tiers ------------------------------------------------------------------------------

TIERS = list(ontology.individuals_of(GG.LeadTier))
ACT_A, ACT_B = (f"<{ID}action/{a}>" for a in ("act-a", "act-b"))
FIGURE = f"<{ID}figure/fund-size>"
KIN = f"<{ID}client-group/kinship-families>"


def q(text: str) -> str:
    """A query with the IRIs above (which SPARQL cannot write as prefixed names) put in."""
    for name, iri in (("ACT_A", ACT_A), ("ACT_B", ACT_B), ("FIGURE", FIGURE), ("KIN", KIN)):
        text = text.replace("{" + name + "}", iri)
    return text


def write_plan(path: Path, leads: list[object]) -> Path:
    plan = {
        "plan": {"id": "plan-x", "name": "Plan X"},
        "document": {"file": DOC, "title": "A seed", "published": "2021-06-25", "publisher": "S"},
        "priority_areas": [
            {"id": "area-a", "name": "Area A", "cite": {"doc": DOC, "locator": "Area A"}}
        ],
        "actions": [
            {
                "id": "act-a",
                "name": "Action A",
                "priority_area": "area-a",
                "leads": leads,
                "links": ["act-b"],
                "assessment": {
                    "status": "UNDERWAY",
                    "date": "2021-06-25",
                    "assessor": "Example org-a",
                },
                "cite": {"doc": DOC, "locator": "Area A > Action A"},
            },
            {
                "id": "act-b",
                "name": "Action B",
                "priority_area": "area-a",
                "leads": ["Example org-a"],
                "assessment": {
                    "status": "UNDERWAY",
                    "date": "2021-06-25",
                    "assessor": "Example org-a",
                },
                "cite": {"doc": DOC, "locator": "Area A > Action B"},
            },
        ],
    }
    path.write_text(yaml.safe_dump(plan, sort_keys=False))
    return path


TIERED_LEADS: list[object] = [
    "Example org-a",
    {"name": "Example org-b", "tier": "key-ongoing-role"},
    {"name": "Example board-a", "tier": "commissioner"},
    {
        "name": "Example post-a",
        "tier": "linked-partner",
        "status": "planned",
        "cite": {"doc": DOC, "locator": "Area A > Action A, para 3"},
    },
]


@pytest.fixture
def tiered(tmp_path: Path, store: Store) -> Store:
    from govgraph.loaders.plan import PlanYamlLoader

    folder = write_register(tmp_path / "curated")
    plan = write_plan(tmp_path / "plan.yaml", TIERED_LEADS)
    loaders = [CuratedLoader(folder), PlanYamlLoader(plan)]
    report = load_sources(store, loaders, validate=False, progress=False)
    assert not report.failed, [r.error for r in report.failed]
    return store


def test_every_lead_tier_is_a_qualified_cited_assignment(tiered: Store) -> None:
    rows = tiered.select(
        q("""SELECT ?who ?tier ?status ?loc WHERE {
             {ACT_A} gg:leadAssignment ?a .
             ?a a gg:LeadAssignment ; gg:assignee ?who ; gg:leadTier ?tier ; gg:status ?status ;
                gg:citation/gg:locator ?loc }""")
    )
    got = {
        (str(r["who"]).rsplit("/", 1)[-1], ontology.label(r["tier"]), ontology.label(r["status"]))
        for r in rows
    }
    assert got == {
        ("org-a", "lead", "stated"),
        ("org-b", "key ongoing role", "stated"),
        ("board-a", "commissioner", "stated"),
        ("post-a", "linked partner", "planned"),
    }
    assert {ontology.label(r["tier"]) for r in rows} == {t.replace("-", " ") for t in TIERS}
    own = {str(r["loc"]) for r in rows if str(r["who"]).endswith("post-a")}
    assert own == {"Area A > Action A, para 3"}


def test_only_a_stated_lead_is_a_lead_organisation(tiered: Store) -> None:
    leads = tiered.select(q("SELECT ?who WHERE { {ACT_A} gg:leadOrganisation ?who }"))
    assert [str(r["who"]).rsplit("/", 1)[-1] for r in leads] == ["org-a"]


def test_a_link_keeps_its_stated_direction_beside_the_symmetric_view(tiered: Store) -> None:
    assert tiered.ask(q("ASK { {ACT_A} gg:linksTo {ACT_B} }"))
    assert not tiered.ask(q("ASK { {ACT_B} gg:linksTo {ACT_A} }"))
    assert tiered.ask(q("ASK { {ACT_B} gg:linkedAction {ACT_A} }"))


def test_tiered_leads_validate(tiered: Store) -> None:
    report = validate(tiered)
    assert report.conforms, [str(v) for v in report.violations]


def test_an_unknown_tier_is_refused_with_the_allowed_ones(tmp_path: Path) -> None:
    from govgraph.loaders.plan_yaml import read_plan_yaml

    plan = write_plan(tmp_path / "plan.yaml", ["A", {"name": "B", "tier": "cheerleader"}])
    with pytest.raises(SourceError) as err:
        read_plan_yaml(plan)
    assert err.value.field == "actions[0].leads[1].tier"
    assert "key-ongoing-role" in str(err.value)


# --- figures, attribute citations, citation IRIs -----------------------------------------------


def test_figures_are_quantitative_values_with_status_and_citation(
    tmp_path: Path, store: Store
) -> None:
    figures = [
        {
            "id": "fund-size",
            "subject": "org-a",
            "measure": "Money in the fund",
            "value": 4000000,
            "unit": "GBP",
            "date": "2021",
            "status": "planned",
            "sources": cite("Funding, para 2"),
        }
    ]
    folder = write_register(tmp_path / "curated", figures=figures)
    report = load_sources(store, [CuratedLoader(folder)], validate=False, progress=False)
    assert not report.failed
    assert store.ask(
        q("""ASK { {FIGURE} a schema:QuantitativeValue ; schema:value 4000000 ;
                 schema:unitText "GBP" ; schema:about id:org-a ; dcterms:date ?d ;
                 gg:status gg:Planned ; gg:citation/gg:locator "Funding, para 2" }""")
    )
    assert validate(store).conforms


def test_each_client_group_and_policy_area_carries_its_own_citation(
    tmp_path: Path, store: Store
) -> None:
    folder = write_register(tmp_path / "curated")
    (folder / "policy_areas.yaml").write_text(
        yaml.safe_dump(
            {
                "schemes": [
                    {"id": "policy-areas", "name": "P", "concept_class": "PolicyArea",
                     "sources": cite("Areas")},
                    {"id": "client-groups", "name": "C", "concept_class": "ClientGroup",
                     "sources": cite("Groups")},
                ],
                "concepts": [
                    {"id": "housing", "scheme": "policy-areas", "name": "Housing",
                     "sources": cite("Areas")},
                    {"id": "care-leavers", "scheme": "client-groups", "name": "Care leavers",
                     "sources": cite("Groups")},
                    {"id": "kinship-families", "scheme": "client-groups", "name": "Kinship",
                     "sources": cite("Groups")},
                ],
            }
        )
    )  # fmt: skip
    orgs = yaml.safe_load((folder / "organisations.yaml").read_text())
    orgs["organisations"][0].update(
        policy_areas=[{"id": "housing", "sources": cite("Housing, para 4")}],
        client_groups=["care-leavers", {"id": "kinship-families", "sources": cite("Kin, p 2")}],
    )
    (folder / "organisations.yaml").write_text(yaml.safe_dump(orgs, sort_keys=False))
    report = load_sources(store, [CuratedLoader(folder)], validate=False, progress=False)
    assert not report.failed, [r.error for r in report.failed]
    rows = store.select(
        """SELECT ?o ?loc WHERE { ?s a rdf:Statement ; rdf:subject id:org-a ;
             rdf:predicate ?p ; rdf:object ?o ; gg:citation/gg:locator ?loc }"""
    )
    got = {(str(r["o"]).rsplit("/", 1)[-1], str(r["loc"])) for r in rows}
    assert got == {
        ("housing", "Housing, para 4"),
        ("care-leavers", "Intro"),
        ("kinship-families", "Kin, p 2"),
    }
    assert store.ask(q("ASK { id:org-a gg:servesClientGroup {KIN} }"))
    assert validate(store).conforms


def citation_iris(folder: Path) -> dict[str, set[str]]:
    from govgraph.loaders.resolve import Resolver

    out: dict[str, set[str]] = {}
    for s, p, o in CuratedLoader(folder).triples(Resolver()):
        if p == GG.citation:
            out.setdefault(str(s), set()).add(str(o))
    return out


def test_citation_iris_come_from_their_content_not_their_position(tmp_path: Path) -> None:
    rels = example_relationships()
    rels[0]["sources"] = cite("First place") + cite("Second place")
    before = citation_iris(write_register(tmp_path / "a", relationships=rels))
    rels[0]["sources"] = list(reversed(rels[0]["sources"]))  # type: ignore[call-overload]
    after = citation_iris(write_register(tmp_path / "b", relationships=rels))
    assert before == after
    assert all(
        "/1" not in iri.rsplit("citation/", 1)[-1] for iris in after.values() for iri in iris
    )
