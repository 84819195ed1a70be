"""The contract queries on the fixture landscape, in process: filters, chains, paths,
neighbourhoods, plans, sources; injection attempts are plain values; no N+1."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from anyio import CapacityLimiter
from rdflib import Graph
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.api.context import Context
from govgraph.api.schema import schema
from govgraph.api.settings import Settings
from govgraph.graph.checks.reasoning import materialise
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GRAPH
from tests.api_support import data, gql
from tests.conftest import FIXTURES


@pytest.fixture
def world(landscape: Store) -> Store:
    landscape.replace_graph(GRAPH["api-plan"], Graph().parse(FIXTURES / "api_plan.ttl"))
    materialise(landscape)
    return landscape


@pytest.fixture
def client(world: Store) -> TestClient:
    return TestClient(create_app(world, settings=Settings()))


def names(items: list[dict[str, Any]]) -> list[str]:
    return [i["name"] for i in items]


def org_names(client: TestClient, filter: str, as_of: str | None = None) -> list[str]:
    args = f"filter: {filter}" + (f', asOf: "{as_of}"' if as_of else "")
    found = data(
        client,
        f"{{ organisations({args}, first: 100) {{ totalCount edges {{ node {{ name }} }} }} }}",
    )
    conn = found["organisations"]
    assert conn["totalCount"] == len(conn["edges"])
    return [e["node"]["name"] for e in conn["edges"]]


def test_chain_reads_a_directs_line_upward_with_its_source(client: TestClient) -> None:
    chain = data(
        client,
        '{ accountabilityChain(id: "north-council") { root { name } tops { id }'
        " hops { depth kind readsAs from { id } to { id } sources { title locator } } } }",
    )["accountabilityChain"]
    assert chain["root"]["name"] == "North Council"
    assert chain["hops"] == [
        {
            "depth": 1,
            "kind": "directs",
            "readsAs": "directedBy",
            "from": {"id": "north-council"},
            "to": {"id": "north-ijb"},
            "sources": [{"title": "fixture", "locator": None}],
        }
    ]
    assert chain["tops"] == [{"id": "north-ijb"}]


def test_chain_follows_every_line_and_stops_on_cycles(client: TestClient) -> None:
    q = (
        '{ accountabilityChain(id: "%s") { hops { kind to { id } }'
        " lines { hops { to { id } } } tops { id } } }"
    )
    agency = data(client, q % "care-agency")["accountabilityChain"]
    assert {(h["kind"], h["to"]["id"]) for h in agency["hops"]} == {
        ("sponsoredBy", "children-directorate"),
        ("fundedBy", "alba-government"),
    }
    assert len(agency["lines"]) == 2 and {t["id"] for t in agency["tops"]} == {
        "children-directorate",
        "alba-government",
    }
    cycle = data(client, q % "group-a")["accountabilityChain"]
    assert [h["to"]["id"] for h in cycle["hops"]] == ["group-b", "group-a"]
    assert cycle["tops"] == []


def test_chain_as_of_uses_the_relationship_dates(client: TestClient) -> None:
    q = (
        '{ accountabilityChain(id: "oversight-group", asOf: "%s") { hops { to { id }'
        " relationship { start statutoryBasis sources { title } } } } }"
    )
    assert data(client, q % "2020-06-01")["accountabilityChain"]["hops"] == []
    hops = data(client, q % "2021")["accountabilityChain"]["hops"]
    assert hops[0]["to"]["id"] == "alba-parliament"
    assert hops[0]["relationship"]["start"] == "2021-01-01"
    assert hops[0]["relationship"]["statutoryBasis"] == "Alba Care Act 2020"
    assert hops[0]["relationship"]["sources"] == [{"title": "Test fixture landscape"}]


def test_unknown_entity_has_no_chain(client: TestClient) -> None:
    assert data(client, '{ accountabilityChain(id: "nobody") { hops { depth } } }') == {
        "accountabilityChain": None
    }


def test_path_is_the_shortest_chain_read_from_start_to_end(client: TestClient) -> None:
    path = data(
        client,
        '{ path(from: "care-agency", to: "new-name-body") { length'
        " hops { depth kind readsAs from { id } to { id } } } }",
    )["path"]
    assert path["length"] == 2
    assert [(h["from"]["id"], h["readsAs"], h["to"]["id"]) for h in path["hops"]] == [
        ("care-agency", "fundedBy", "alba-government"),
        ("alba-government", "advisedBy", "new-name-body"),
    ]
    assert path["hops"][1]["kind"] == "advises"


def test_path_is_null_when_nothing_connects_within_the_bound(client: TestClient) -> None:
    q = '{ path(from: "care-agency", to: "%s", maxLength: %d) { length } }'
    assert data(client, q % ("alba-parliament", 6))["path"] is None
    assert data(client, q % ("new-name-body", 1))["path"] is None
    body = gql(client, q % ("new-name-body", 50))
    assert "maxLength must be between 1 and 8" in body["errors"][0]["message"]


def test_neighbourhood_gives_nodes_and_relationships_among_them(client: TestClient) -> None:
    hood = data(
        client,
        '{ neighbourhood(id: "north-ijb", depth: 1) { truncated nodes { id }'
        " relationships { kind subject { id } object { id } } } }",
    )["neighbourhood"]
    assert {n["id"] for n in hood["nodes"]} == {"north-ijb", "north-council", "north-health-board"}
    assert {(r["kind"], r["object"]["id"]) for r in hood["relationships"]} == {
        ("directs", "north-council"),
        ("directs", "north-health-board"),
        ("partnerOf", "north-council"),
        ("partnerOf", "north-health-board"),
    }
    assert hood["truncated"] is False


def test_search_ignores_case_and_accents_on_both_sides(client: TestClient) -> None:
    assert org_names(client, '{search: "ISLES"}') == ["North Council"]  # an alias
    assert org_names(client, '{search: "cáre àgency"}') == ["Care Agency"]
    assert org_names(client, '{search: "bord ur"}') == ["Bòrd Ùr Fàilte"]
    assert org_names(client, '{search: "BÒRD"}') == ["Bòrd Ùr Fàilte"]
    assert org_names(client, '{search: "childrens bord"}') == ["Bòrd Ùr Fàilte"]


def test_filters_by_type_area_policy_area_and_accountability(client: TestClient) -> None:
    public = org_names(client, "{type: PublicBody}")
    assert "Care Agency" in public and "Old Name Body" in public and "Alba Government" not in public
    assert org_names(client, '{operatesIn: "area/north"}') == ["North Council"]
    assert org_names(client, '{policyArea: "policy-area/care"}') == ["Care Agency"]
    assert org_names(client, '{accountableTo: "north-ijb"}') == ["NHS North", "North Council"]
    assert org_names(client, '{accountableTo: "alba-government", type: ExecutiveNDPB}') == [
        "Care Agency"
    ]


def test_as_of_keeps_what_existed_then(client: TestClient) -> None:
    assert "Old Name Body" in org_names(client, '{search: "name body"}', "2019")
    assert org_names(client, '{search: "name body"}', "2019-06-01") == ["Old Name Body"]
    assert org_names(client, '{search: "name body"}', "2021") == ["New Name Body"]
    body = gql(client, '{ organisations(asOf: "last year") { totalCount } }')
    assert "asOf must be a date" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "term",
    [
        '"',
        '" } } SELECT * WHERE { ?s ?p ?o } #',
        "\\",
        "\\u0022 ) ) } DROP ALL",
        "' OR 1=1 --",
        '"""',
        "}}}{{{",
        "FILTER(true) UNION { ?e ?p ?o }",
        "line\nbreak",
    ],
)
def test_injection_in_search_is_a_plain_value(client: TestClient, world: Store, term: str) -> None:
    before = world.count()
    found = data(
        client,
        "query($s: String) { organisations(filter: {search: $s})"
        " { totalCount edges { node { id } } } }",
        s=term,
    )["organisations"]
    assert found == {"totalCount": 0, "edges": []}
    assert world.count() == before


@pytest.mark.parametrize("bad", ["x> } ?s ?p ?o . <y", "a b", "{}", "ALBA", "../etc/passwd"])
def test_injection_in_id_arguments_is_a_clear_error(client: TestClient, bad: str) -> None:
    for query in (
        "query($i: ID!) { organisation(id: $i) { name } }",
        "query($i: ID!) { organisations(filter: {accountableTo: $i}) { totalCount } }",
        "query($i: ID!) { accountabilityChain(id: $i) { tops { id } } }",
    ):
        body = gql(client, query, i=bad)
        assert "not a valid entity id" in body["errors"][0]["message"], body


def test_actions_filter_by_latest_assessment_priority_area_and_lead(client: TestClient) -> None:
    q = "{ actions(%s) { name } }"
    assert names(data(client, q % "assessment: LITTLE_OR_NONE")["actions"]) == ["Structures"]
    assert names(data(client, q % "assessment: UNDERWAY")["actions"]) == ["Data"]
    assert names(data(client, q % "assessment: UNDERWAY_NOT_SUFFICIENT")["actions"]) == ["Advocacy"]
    assert names(data(client, q % 'priorityArea: "priority-area/capacity"')["actions"]) == [
        "Data",
        "Structures",
    ]
    assert names(data(client, q % 'leadOrganisation: "north-council"')["actions"]) == [
        "Data",
        "Education",
    ]


def test_actions_carry_their_plan_details_and_sources(client: TestClient) -> None:
    (action,) = data(
        client,
        "{ actions(assessment: LITTLE_OR_NONE) { name priorityArea { name } assessment"
        " leadOrganisations { id name } linkedActions { name } requirements"
        " commitments { description milestones { name } } milestones { name dueDate }"
        " assessments { status date assessor { name } } sources { title locator url } } }",
    )["actions"]
    assert action["priorityArea"] == {"name": "Capacity"}
    assert action["assessment"] == "LITTLE_OR_NONE"
    assert action["leadOrganisations"] == [{"id": "alba-government", "name": "Alba Government"}]
    assert action["linkedActions"] == [{"name": "Data"}]
    assert action["requirements"] == ["Map the boards."]
    assert action["commitments"] == [
        {"description": "Publish a map of boards.", "milestones": [{"name": "by 2030"}]}
    ]
    assert action["milestones"] == [{"name": "by 2030", "dueDate": "2030"}]
    assert action["assessments"] == [
        {
            "status": "LITTLE_OR_NONE",
            "date": "2021-06-01",
            "assessor": {"name": "Strategic Advisor"},
        }
    ]
    assert action["sources"] == [{"title": "Alba Plan 2030", "locator": "page 1", "url": None}]


def test_concept_lists_and_stats(client: TestClient) -> None:
    found = data(
        client,
        "{ policyAreas { id name } foundations { name } priorityAreas { name actions { name } }"
        " stats { triples types { type count } relationshipKinds { kind count } } }",
    )
    assert found["policyAreas"] == [{"id": "policy-area/care", "name": "Care"}]
    assert found["foundations"] == [{"name": "Voice"}]
    assert [p["name"] for p in found["priorityAreas"]] == ["A Good Start", "Capacity"]
    assert names(found["priorityAreas"][1]["actions"]) == ["Data", "Structures"]
    kinds = {k["kind"]: k["count"] for k in found["stats"]["relationshipKinds"]}
    assert kinds["directs"] == 2 and kinds["reportsTo"] == 3
    types = {t["type"]: t["count"] for t in found["stats"]["types"]}
    assert types["Action"] == 6 and types["WorkingGroup"] == 2
    assert found["stats"]["triples"] > 1000


def run(store: Store, query: str) -> tuple[dict[str, Any], int]:
    """The answer and the store queries it took, with no entity record kept from before
    (records are kept per data version, #20: these tests count the queries of a cold read)."""
    from govgraph.graph.facts import entities, plan_queries, relationships

    for kept in (
        entities._RECORDS,
        entities._SOURCES,
        entities._VALUES,
        relationships._LINES,
        plan_queries._ACTIONS,
    ):
        kept.clear()

    async def go() -> tuple[dict[str, Any], int]:
        ctx = Context(store=store, limiter=CapacityLimiter(4))
        result = await schema.execute(query, context_value=ctx)
        assert result.errors is None, result.errors
        return result.data or {}, ctx.store_calls

    return asyncio.run(go())


NESTED_ACTIONS = (
    "{ actions%s { name priorityArea { name } assessment"
    " leadOrganisations { id name sources { title } } linkedActions { name }"
    " commitments { description } milestones { name } sources { title } } }"
)


def test_nested_actions_cost_a_fixed_number_of_store_queries(world: Store) -> None:
    found, calls = run(world, NESTED_ACTIONS % "")
    assert len(found["actions"]) == 6
    one, calls_for_one = run(world, NESTED_ACTIONS % "(assessment: LITTLE_OR_NONE)")
    assert len(one["actions"]) == 1
    # the list; the actions; their links; their sources; the entities they point at; the
    # latest assessments; the leads' sources: one query per level, whatever the count
    assert calls == calls_for_one == 7


def test_entity_records_are_read_once_per_data_version(world: Store) -> None:
    query = NESTED_ACTIONS % ""
    found, cold = run(world, query)

    async def again() -> tuple[dict[str, Any], int]:
        ctx = Context(store=world, limiter=CapacityLimiter(4))
        result = await schema.execute(query, context_value=ctx)
        return result.data or {}, ctx.store_calls

    same, warm = asyncio.run(again())
    # the list, the records, links and sources of the actions and of what they name, and
    # the latest assessments are all kept for the data version: nothing is read again
    assert same == found and (cold, warm) == (7, 0)
    extra = Graph()
    extra.add((GRAPH["extra"], GRAPH["extra"], GRAPH["extra"]))
    world.replace_graph(GRAPH["extra"], extra)
    assert asyncio.run(again())[1] == cold  # a load: read again


def test_nested_relationships_cost_a_fixed_number_of_store_queries(world: Store) -> None:
    query = (
        "{ organisations(first: 20) { edges { node { name relationships { kind"
        " counterpart { name relationships { kind } } sources { title } } } } } }"
    )
    from govgraph.graph.facts.organisations import table_for

    table_for(world)  # the list of this data version, read once (#20)
    found, calls = run(world, query)
    assert len(found["organisations"]["edges"]) == 16
    # entities; relationships; counterparts; their relationships; sources (the page keys
    # come from the version's table)
    assert calls == 5
