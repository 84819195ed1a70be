"""Issue #17's model: every relationship kind and status, lead tiers and per-statement
citations load from the curated YAML, validate against the SHACL shapes, and only a stated
relationship asserts its direct triple.

The example register is generated from the ontology, so a kind added to govgraph.ttl is
tested here without a line of this file changing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from rdflib import URIRef

from govgraph.graph.checks.validation import validate
from govgraph.graph.core.errors import SourceError
from govgraph.graph.storage.store import Store
from govgraph.loaders.curated import CuratedLoader
from govgraph.loaders.curated_model import VOCABULARY
from govgraph.loaders.pipeline import load_sources
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG, ID

if TYPE_CHECKING:
    from starlette.testclient import TestClient

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


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The example register of every kind and status, loaded once: its tests only read it."""
    from govgraph.graph.storage.store import open_store

    folder = write_register(tmp_path_factory.mktemp("example") / "curated")
    store = open_store("memory:")
    report = load_sources(store, [CuratedLoader(folder)], validate=False, progress=False)
    assert not report.failed, [r.error for r in report.failed]
    yield store
    store.close()


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


# --- served through GraphQL ----------------------------------------------------------------


def graphql(store: Store, text: str, **variables: object) -> dict[str, object]:
    from starlette.testclient import TestClient

    from govgraph.api.app import create_app
    from tests.api_support import data

    return data(TestClient(create_app(store)), text, **variables)


@pytest.fixture(scope="module")
def served_client(served: Store) -> TestClient:
    """One app over :func:`served` for the per-kind questions (an app per question cost more
    than the question)."""
    from starlette.testclient import TestClient

    from govgraph.api.app import create_app

    return TestClient(create_app(served))


RELATIONSHIPS = """query($id: ID!) { entity(id: $id) {
  relationships { kind status direction counterpart { id } sources { title locator } } } }"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The example register of every kind and status, loaded once for the GraphQL tests."""
    from govgraph.graph.storage.store import open_store
    from govgraph.loaders.plan import PlanYamlLoader

    tmp = tmp_path_factory.mktemp("served")
    folder = write_register(
        tmp / "curated",
        figures=[
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
        ],
    )
    plan = write_plan(tmp / "plan.yaml", TIERED_LEADS)
    store = open_store("memory:")
    report = load_sources(
        store, [CuratedLoader(folder), PlanYamlLoader(plan)], validate=False, progress=False
    )
    assert not report.failed, [r.error for r in report.failed]
    yield store
    store.close()


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_served_with_its_status_and_source(
    served_client: TestClient, kind: str
) -> None:
    from tests.api_support import data

    n = KINDS.index(kind)
    subject, obj = ends_for(kind)
    status = STATUSES[n % len(STATUSES)]
    rels = data(served_client, RELATIONSHIPS, id=subject)["entity"]["relationships"]  # type: ignore[index]
    mine = [
        r
        for r in rels
        if r["kind"] == kind and r["direction"] == "OUTGOING" and r["counterpart"]["id"] == obj
    ]
    assert [r["status"] for r in mine] == [status.upper()]
    assert mine[0]["sources"] == [
        {"title": "A seed", "locator": f"Section {n}, para 1 ({kind}, {status})"}
    ]


def test_relationships_filter_by_status(served: Store) -> None:
    text = """query($id: ID!, $s: [StatementStatus!]) { entity(id: $id) {
      relationships(status: $s) { status } } }"""
    for status in STATUSES:
        got = graphql(served, text, id="org-a", s=[status.upper()])["entity"]["relationships"]  # type: ignore[index]
        assert got and {r["status"] for r in got} == {status.upper()}


def test_figures_are_reachable_by_subject_document_entity_and_id(served: Store) -> None:
    fields = "id name value number unit date status subject { id } sources { locator }"
    got = graphql(
        served,
        f"""{{ bySubject: figures(subject: "org-a") {{ {fields} }}
              byDocument: figures(document: "seed.txt") {{ id }}
              otherDocument: figures(document: "elsewhere.txt") {{ id }}
              entity(id: "org-a") {{ figures {{ id }} }}
              one: entity(id: "figure/fund-size") {{ __typename ... on Figure {{ {fields} }} }}
           }}""",
    )
    figure = {
        "id": "figure/fund-size",
        "name": "Money in the fund",
        "value": "4000000",
        "number": 4000000.0,
        "unit": "GBP",
        "date": "2021",
        "status": "PLANNED",
        "subject": {"id": "org-a"},
        "sources": [{"locator": "Funding, para 2"}],
    }
    assert got["bySubject"] == [figure]
    assert got["byDocument"] == [{"id": "figure/fund-size"}]
    assert got["otherDocument"] == []
    assert got["entity"] == {"figures": [{"id": "figure/fund-size"}]}
    assert got["one"] == {"__typename": "Figure", **figure}


def test_action_leads_say_their_tier_and_status(served: Store) -> None:
    got = graphql(
        served,
        """{ action: entity(id: "action/act-a") { ... on Action {
               leads { tier status entity { id } sources { locator } }
               commissioners: leads(tier: [COMMISSIONER]) { entity { id } }
               leadOrganisations { id } } }
             byTier: actions(leadOrganisation: "board-a", leadTier: COMMISSIONER) { id }
             notLead: actions(leadOrganisation: "board-a") { id } }""",
    )
    leads = {(x["tier"], x["status"], x["entity"]["id"]) for x in got["action"]["leads"]}  # type: ignore[index]
    assert leads == {
        ("LEAD", "STATED", "org-a"),
        ("KEY_ONGOING_ROLE", "STATED", "org-b"),
        ("COMMISSIONER", "STATED", "board-a"),
        ("LINKED_PARTNER", "PLANNED", "post-a"),
    }
    assert got["action"]["commissioners"] == [{"entity": {"id": "board-a"}}]  # type: ignore[index]
    assert got["action"]["leadOrganisations"] == [{"id": "org-a"}]  # type: ignore[index]
    assert got["byTier"] == [{"id": "action/act-a"}]
    assert got["notLead"] == []


def test_linked_actions_keep_their_direction_beside_the_symmetric_view(served: Store) -> None:
    got = graphql(
        served,
        """{ a: entity(id: "action/act-a") { ... on Action {
               linksTo { id } linkedFrom { id } linkedActions { id } } }
             b: entity(id: "action/act-b") { ... on Action {
               linksTo { id } linkedFrom { id } linkedActions { id } } } }""",
    )
    assert got["a"] == {
        "linksTo": [{"id": "action/act-b"}],
        "linkedFrom": [],
        "linkedActions": [{"id": "action/act-b"}],
    }
    assert got["b"] == {
        "linksTo": [],
        "linkedFrom": [{"id": "action/act-a"}],
        "linkedActions": [{"id": "action/act-a"}],
    }


# --- the alignment, materialised -----------------------------------------------------------------


def test_org_organization_counts_every_organisation_and_org_member_of_answers(
    bundled: Store,
) -> None:
    orgs = bundled.select_one("SELECT (COUNT(*) AS ?n) WHERE { ?x a org:Organization }")
    ours = bundled.select_one("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a gg:Organisation }")
    assert orgs is not None and ours is not None
    assert int(str(ours["n"])) > 900
    assert int(str(orgs["n"])) == int(str(ours["n"]))
    members = bundled.select_one("SELECT (COUNT(*) AS ?n) WHERE { ?x org:memberOf ?g }")
    stated = bundled.select_one("SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?x gg:memberOf ?g }")
    assert members is not None and stated is not None
    assert int(str(members["n"])) == int(str(stated["n"])) > 0


# --- provenance per fact ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The bundled sources loaded from a copy of the data in another directory, as a clone
    elsewhere would load them."""
    import shutil

    from govgraph.graph.storage.store import open_store
    from govgraph.loaders.bundled import BUNDLED, data_dir
    from govgraph.loaders.registry import loader_class

    root = tmp_path_factory.mktemp("elsewhere") / "a clone" / "data"
    shutil.copytree(data_dir(), root)
    store = open_store("memory:")
    loaders = [loader_class(kind)(root / rel) for kind, rel in BUNDLED]
    report = load_sources(store, loaders, validate=False, progress=False)
    assert not report.failed, [r.error for r in report.failed]
    yield store, root
    store.close()


@pytest.mark.slow  # a second whole load of the bundled data, from a copy elsewhere
def test_no_literal_holds_a_local_path(elsewhere: tuple[Store, Path]) -> None:
    import re

    store, root = elsewhere
    here = Path(__file__).resolve().parents[1]
    path_like = re.compile(r"(?:^|[\s'\"(=])/(?:[\w .-]+/)+[\w .-]*")
    rows = store.select("SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }")
    literals = [str(r["o"]) for r in rows]
    assert len(literals) > 1000
    leaks = [
        text
        for text in literals
        if str(root.parent) in text or str(here) in text or path_like.search(text)
    ]
    assert leaks == []


@pytest.mark.slow  # shares the second whole load above
def test_every_source_graph_states_its_origin_licence_derivation_and_load(
    elsewhere: tuple[Store, Path],
) -> None:
    store, _ = elsewhere
    rows = store.select(
        """SELECT ?g ?origin ?licence ?derived ?activity ?used WHERE { GRAPH ?g {
             ?g a prov:Entity ; dcterms:source ?origin ; prov:wasDerivedFrom ?derived ;
                prov:wasGeneratedBy ?activity .
             ?g prov:generatedAtTime ?t . ?activity a prov:Activity ; prov:used ?used .
             OPTIONAL { ?g dcterms:license ?licence } } }"""
    )
    graphs = {str(r["g"]).rsplit("/", 1)[-1] for r in rows}
    from govgraph.loaders.bundled import BUNDLED

    assert {"curated", "plan", "care-inspectorate-children"} <= graphs
    assert len(graphs) == len(BUNDLED), graphs
    for r in rows:
        assert isinstance(r["origin"], URIRef) and isinstance(r["derived"], URIRef)
        assert str(r["origin"]).startswith("https://"), r["origin"]
        assert "licence" in r and isinstance(r["licence"], URIRef), r["g"]
    public = {str(r["g"]).rsplit("/", 1)[-1]: str(r["origin"]) for r in rows}
    assert public["care-inspectorate-children"].startswith("https://www.careinspectorate.scot/")
    assert public["curated"] == "https://w3id.org/govgraph/source/curated"
    curated_from = {str(r["derived"]) for r in rows if str(r["g"]).endswith("/curated")}
    assert "https://w3id.org/govgraph/source/003-491c0dde5aa65afd" in curated_from
    literal = store.select_one(
        "SELECT ?l WHERE { ?s dcterms:license ?l FILTER(isLiteral(?l)) } LIMIT 1"
    )
    assert not literal


def test_a_source_may_give_its_public_address_and_licence(tmp_path: Path, store: Store) -> None:
    folder = write_register(tmp_path / "curated")
    sources = yaml.safe_load((folder / "sources.yaml").read_text())
    sources["sources"][0].update(
        url="https://example.org/seed.pdf",
        licence="https://creativecommons.org/licenses/by/4.0/",
    )
    (folder / "sources.yaml").write_text(yaml.safe_dump(sources))
    report = load_sources(store, [CuratedLoader(folder)], validate=False, progress=False)
    assert not report.failed
    assert store.ask(
        """ASK { src:seed schema:url <https://example.org/seed.pdf> ;
                 dcterms:license <https://creativecommons.org/licenses/by/4.0/> }"""
    )
    sources["sources"][0]["url"] = "/home/me/seed.pdf"
    (folder / "sources.yaml").write_text(yaml.safe_dump(sources))
    with pytest.raises(SourceError) as err:
        CuratedLoader(folder).data  # noqa: B018
    assert err.value.field == "url"


# --- docs/curated-data.md against the reader --------------------------------------------------


def documented_fields() -> dict[str, set[str]]:
    """Section heading (the file name it starts with) -> the field names its field tables
    (those headed ``| field |``) list in their first column."""
    import re

    docs = Path(__file__).resolve().parents[1] / "docs" / "curated-data.md"
    out: dict[str, set[str]] = {}
    section, in_fields = "", False
    for line in docs.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].split(":")[0].strip()
        in_fields = line.startswith("|") and (in_fields or line.startswith("| field |"))
        if in_fields and line.startswith("| `") and section:
            first = line.split("|")[1]
            out.setdefault(section, set()).update(re.findall(r"`([a-z_]+)`", first))
    return out


def test_the_docs_list_exactly_the_fields_the_reader_accepts() -> None:
    from govgraph.loaders.curated_model import FILES, RECORD_FIELDS
    from govgraph.loaders.plan_yaml import LEAD_FIELDS

    documented = documented_fields()
    assert set(RECORD_FIELDS) == set(FILES.values())
    for file, lists in RECORD_FIELDS.items():
        accepted = set().union(*lists.values())
        assert documented.get(file) == accepted, file
    assert documented.get("plan.yaml") == set(LEAD_FIELDS)


def test_the_docs_name_every_relationship_kind_status_and_tier() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "curated-data.md").read_text()
    for prop in ontology.relationship_kinds():
        names = {prop.name} | ({prop.inverse.rsplit("#", 1)[-1]} if prop.inverse else set())
        assert any(f"`{n}`" in text for n in names), prop.name
    for value in [*STATUSES, *TIERS]:
        assert f"`{value}`" in text, value


def test_a_phase_may_carry_the_other_names_the_documents_use(tmp_path: Path, store: Store) -> None:
    folder = write_register(tmp_path / "curated")
    phases = {
        "plans": [{"id": "the-plan", "name": "The Plan", "sources": cite("Plan")}],
        "phases": [
            {
                "id": "plan-21-24",
                "name": "Plan 21-24",
                "plan": "the-plan",
                "aliases": ["Plan 2021-2024"],
                "sources": cite("Phases"),
            }
        ],
    }
    (folder / "phases.yaml").write_text(yaml.safe_dump(phases, sort_keys=False))
    report = load_sources(store, [CuratedLoader(folder)], validate=False, progress=False)
    assert not report.failed, [r.error for r in report.failed]
    assert store.ask('ASK { ?p a gg:PlanPhase ; skos:altLabel "Plan 2021-2024" }')
