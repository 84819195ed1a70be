"""Acceptance: a GraphQL client over real HTTP on loopback answers every contract query on
the bundled data, and entity IRIs dereference there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from govgraph.api.app import create_app
from govgraph.api.settings import Settings
from govgraph.graph.storage.store import Store
from tests.api_support import data
from tests.live_server import serving


@pytest.fixture(scope="module")
def store(bundled_store_path: Path) -> Store:
    """The bundled data, read-only. Not closed: OxigraphStore.close() flushes, which a
    read-only pyoxigraph store refuses with a RuntimeError (reported to the lead)."""
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    return OxigraphStore(bundled_store_path, read_only=True)


@pytest.fixture(scope="module")
def http(store: Store) -> Iterator[httpx.Client]:
    app = create_app(store, settings=Settings())
    with serving(app) as base, httpx.Client(base_url=base, timeout=20) as client:
        yield client


def test_actions_with_little_or_no_work_include_governance_structures(http: httpx.Client) -> None:
    actions = data(
        http,
        "{ actions(assessment: LITTLE_OR_NONE) { name priorityArea { name } assessment"
        " leadOrganisations { id name } linkedActions { name } commitments { description }"
        " milestones { name dueDate } sources { title locator } } }",
    )["actions"]
    by_name = {a["name"]: a for a in actions}
    governance = by_name["Governance Structures"]
    assert governance["priorityArea"] == {"name": "Building Capacity"}
    assert governance["assessment"] == "LITTLE_OR_NONE"
    assert {"id": "scottish-government", "name": "Scottish Government"} in governance[
        "leadOrganisations"
    ]
    assert governance["sources"] and governance["sources"][0]["title"] == "Change Programme ONE"
    assert all(a["assessment"] == "LITTLE_OR_NONE" for a in actions)


def test_inverclyde_chains_walk_up_the_stated_lines(http: httpx.Client, store: Store) -> None:
    query = (
        "query($id: ID!) { accountabilityChain(id: $id) { root { name }"
        " hops { depth kind readsAs from { id } to { id } sources { title locator } }"
        " tops { id } } }"
    )
    # The IJB: every line the register states upward from it (the register names none
    # above the IJB at present: it directs the council and the health board).
    ijb = data(http, query, id="inverclyde-ijb")["accountabilityChain"]
    assert ijb["root"]["name"] == "Inverclyde Integration Joint Board"
    stated_up = store.select(
        "SELECT ?k ?o WHERE { GRAPH ?g { id:inverclyde-ijb ?k ?o } FILTER(?g != ggraph:inferred)"
        " ?k gg:isRelationshipKind true ; rdfs:subPropertyOf* gg:accountableTo }"
    )
    assert {(h["kind"], h["to"]["id"]) for h in ijb["hops"] if h["depth"] == 1} == {
        (str(r["k"]).rsplit("#", 1)[1], str(r["o"]).rsplit("/", 1)[1]) for r in stated_up
    }
    # Below the IJB, the council's line is the IJB's direction, read upward.
    council = data(http, query, id="inverclyde-council")["accountabilityChain"]
    line = [h for h in council["hops"] if h["to"]["id"] == "inverclyde-ijb"]
    assert line and line[0]["kind"] == "directs" and line[0]["readsAs"] == "directedBy"
    assert any(s["locator"] == "Appendix 1: Direction" for s in line[0]["sources"])
    hscp = data(http, query, id="inverclyde-hscp")["accountabilityChain"]
    assert ("reportsTo", "inverclyde-ijb") in {(h["kind"], h["to"]["id"]) for h in hscp["hops"]}


def test_every_other_contract_query_answers(http: httpx.Client) -> None:
    found = data(
        http,
        """{
          organisation(id: "inverclyde-ijb") { name type relationships { kind direction
            counterpart { id name } start statutoryBasis sources { title locator url } } }
          organisations(filter: {search: "INVERCLYDE"}, first: 50, asOf: "2021-06-01") {
            totalCount edges { cursor node { id name type } } pageInfo { hasNextPage endCursor } }
          path(from: "inverclyde-ijb", to: "scottish-government", maxLength: 6) { length
            hops { kind readsAs from { name } to { name } } }
          neighbourhood(id: "inverclyde-ijb", depth: 1) { nodes { id } relationships { kind } }
          policyAreas { id name } priorityAreas { name } foundations { name }
          stats { triples types { type count } relationshipKinds { kind count } }
        }""",
    )
    ijb = found["organisation"]
    assert ijb["type"] == "IntegrationJointBoard"
    directs = [r for r in ijb["relationships"] if r["kind"] == "directs"]
    assert {r["counterpart"]["id"] for r in directs} == {
        "inverclyde-council",
        "nhs-greater-glasgow-and-clyde",
    }
    assert all(r["statutoryBasis"] and r["sources"] for r in directs)
    names = [e["node"]["name"] for e in found["organisations"]["edges"]]
    assert "Inverclyde Integration Joint Board" in names
    assert found["organisations"]["totalCount"] >= len(names)
    assert found["path"] is None or found["path"]["length"] >= 1
    assert len(found["neighbourhood"]["nodes"]) > 3
    assert len(found["priorityAreas"]) == 5 and len(found["foundations"]) == 5
    assert found["policyAreas"]
    assert found["stats"]["triples"] > 10_000


def test_entity_iris_dereference_on_the_bundled_data(http: httpx.Client) -> None:
    turtle = http.get("/id/inverclyde-ijb", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "Inverclyde Integration Joint Board" in turtle.text
    page = http.get("/id/inverclyde-ijb", headers={"Accept": "text/html"})
    assert "Public Bodies (Joint Working) (Scotland) Act 2014" in page.text
