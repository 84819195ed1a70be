"""Search finds what people call things: names, aliases and abbreviations, whatever the
case, accents, '&' or word order, ranked exact before prefix before words, with close
spellings offered when nothing matches; one index per data version behind every caller."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.graph.core.errors import QueryError
from govgraph.graph.core.names import fold, name_key, search_words
from govgraph.graph.facts.search import GROUPS, SearchIndex, build_index, index_for
from govgraph.graph.storage.store import Store
from govgraph.ontology import model
from govgraph.ontology.terms import GG, GRAPH, ID


def test_one_name_key_for_every_spelling_of_a_name() -> None:
    spellings = [
        "Perth & Kinross Council",
        "perth and kinross council",
        "PERTH AND  KINROSS COUNCIL.",
    ]
    assert {name_key(s) for s in spellings} == {"perth and kinross council"}
    assert name_key("The Care Inspectorate") == name_key("Care Inspectorate")
    assert fold("Children\u2019s Hearings Scotland") == "childrens hearings scotland"
    assert fold("Comhairle nan Eilean Siar – Éirinn") == "comhairle nan eilean siar eirinn"
    assert search_words("Inverclyde IJB") == ["inverclyde", "integration", "joint", "board"]


def test_loading_and_scenarios_use_the_same_name_key() -> None:
    from govgraph.graph.analysis import scenario
    from govgraph.loaders import resolve

    assert resolve.normalise is name_key
    assert scenario._key("Perth & Kinross Council") == name_key("Perth and Kinross Council")


def _index(store: Store) -> SearchIndex:
    g = Graph()

    def add(slug: str, cls: URIRef, name: str, *aliases: str) -> None:
        g.add((ID[slug], RDF.type, cls))
        g.add((ID[slug], SKOS.prefLabel, Literal(name)))
        for alias in aliases:
            g.add((ID[slug], SKOS.altLabel, Literal(alias)))

    add("cosla", GG.Organisation, "Convention of Scottish Local Authorities", "COSLA")
    add("kinship-care", GG.PolicyArea, "Kinship care")
    add("kinship-collab", GG.NetworkOrCollaborative, "Kinship Care Collaborative")
    add("kinship-service", GG.CareService, "Kinship Care Service")
    add("pk-council", GG.LocalAuthority, "Perth and Kinross Council", "Perth and Kinross")
    add("pk-ijb", GG.IntegrationJointBoard, "Perth and Kinross Integration Joint Board")
    add("inverclyde-ijb", GG.IntegrationJointBoard, "Inverclyde Integration Joint Board")
    store.replace_graph(GRAPH["fixture"], g)
    return build_index(store)


def test_exact_names_then_aliases_then_prefixes_then_words(store: Store) -> None:
    index = _index(store)
    assert [h.name for h in index.search("kinship care").hits] == [
        "Kinship care",  # the exact name
        "Kinship Care Collaborative",  # a name that starts so
        "Kinship Care Service",  # care services after the rest
    ]
    cosla = index.search("cosla").hits[0]
    assert (cosla.name, cosla.how, cosla.matched) == (
        "Convention of Scottish Local Authorities",
        "alias",
        "COSLA",
    )
    assert index.search("kinross perth").hits[0].how == "words"


def test_ampersands_abbreviations_and_word_order_do_not_matter(store: Store) -> None:
    index = _index(store)
    assert index.search("Perth & Kinross").hits[0].name == "Perth and Kinross Council"
    assert index.search("inverclyde ijb").hits[0].name == "Inverclyde Integration Joint Board"
    assert index.search("IJB").total == 2


def test_a_misspelling_finds_the_closest_name_and_says_so(store: Store) -> None:
    index = _index(store)
    found = index.search("Invercyde Integraton Joint Bord")
    assert found.did_you_mean == "Inverclyde Integration Joint Board"
    assert found.hits[0].how == "close spelling"
    nothing = index.search("zzzz qqqq")
    assert (nothing.total, nothing.did_you_mean) == (0, None)


def test_groups_filter_and_unknown_groups_are_refused(store: Store) -> None:
    index = _index(store)
    assert {h.group.key for h in index.search("kinship", groups=["topics"]).hits} == {"topics"}
    with pytest.raises(QueryError, match="unknown result group 'nope'"):
        index.search("kinship", groups=["nope"])


def test_result_groups_are_ontology_classes() -> None:
    known = {c.iri for c in model.classes()}
    for group in GROUPS:
        assert set(group.classes) <= known, group


def test_the_index_is_rebuilt_when_the_data_version_changes(store: Store) -> None:
    _index(store)
    first = index_for(store)
    assert index_for(store) is first
    g = Graph()
    g.add((ID["new"], RDF.type, GG.Organisation))
    g.add((ID["new"], SKOS.prefLabel, Literal("Brand New Board")))
    store.replace_graph(GRAPH["more"], g)
    assert index_for(store) is not first
    assert index_for(store).search("brand new").hits[0].name == "Brand New Board"


PINNED = {
    "COSLA": "Convention of Scottish Local Authorities",
    "scra": "Scottish Children's Reporter Administration",
    "Perth & Kinross": "Perth and Kinross Council",
    "kinship care": "Kinship care",
    "Inverclyd": "Inverclyde Council",
    "SSSC": "Scottish Social Services Council",
    "CHS": "Children's Hearings Scotland",
    "CELCIS": "Centre for Excellence for Children's Care and Protection",
    "care inspectorate": "Care Inspectorate",
    "CARE INSPECTORAT": "Care Inspectorate",
    "the promise scotland": "The Promise Scotland",
    "Inverclyde IJB": "Inverclyde Integration Joint Board",
    "scottish goverment": "Scottish Government",
    "children's hearings scotland": "Children's Hearings Scotland",
    "hearings children's scotland": "Children's Hearings Scotland",
    "attainment scotland fund": "Attainment Scotland Fund",
    "Glasgow City IJB": "Glasgow City Integration Joint Board",
    "Perth and Kinross": "Perth and Kinross Council",
}


@pytest.fixture(scope="module")
def bundled_index(bundled_store_path: Path) -> SearchIndex:
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    with OxigraphStore(bundled_store_path, read_only=True) as s:
        return build_index(s)


@pytest.mark.parametrize(("query", "expected"), PINNED.items(), ids=list(PINNED))
def test_the_intended_entity_comes_first_on_the_bundled_data(
    bundled_index: SearchIndex, query: str, expected: str
) -> None:
    hits = bundled_index.search(query).hits
    assert hits and hits[0].name == expected, [h.name for h in hits[:5]]


def test_graphql_search_answers_from_the_same_index(bundled: Store) -> None:
    app = create_app(bundled)
    with TestClient(app) as client:
        body = client.post(
            "/graphql",
            json={
                "query": '{ search(q: "cosla", first: 3) { totalCount didYouMean '
                "hits { name kind group how matched entity { id name } } } }"
            },
        ).json()
    found = body["data"]["search"]
    assert found["totalCount"] == 1 and found["didYouMean"] is None
    hit = found["hits"][0]
    assert hit["entity"]["name"] == "Convention of Scottish Local Authorities"
    assert (hit["how"], hit["matched"], hit["group"]) == ("alias", "COSLA", "bodies")


@pytest.mark.slow
def test_the_search_page_groups_hits_and_has_json_and_csv_twins(bundled: Store) -> None:
    with TestClient(create_app(bundled)) as client:
        page = client.get("/search", params={"q": "Inverclyde"}, headers={"Accept": "text/html"})
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert "Bodies and groups" in page.text and 'href="/id/inverclyde-council"' in page.text
        assert 'href="/search?q=Inverclyde&amp;format=json"' in page.text
        data = client.get(
            "/search", params={"q": "Inverclyde"}, headers={"Accept": "application/json"}
        )
        body = data.json()
        assert body["hits"][0]["name"] == "Inverclyde Council"
        assert body["hits"][0]["href"] == "/id/inverclyde-council"
        assert sum(body["groups"].values()) == body["total"]
        table = client.get("/search", params={"q": "Inverclyde", "format": "csv"})
        lines = table.content.decode("utf-8-sig").splitlines()  # as a spreadsheet reads it
        assert lines[0] == "id,name,kind,group,how,matched"
        assert len(lines) == len(body["hits"]) + 1
        only = client.get(
            "/search", params={"q": "Inverclyde", "group": "services", "format": "json"}
        )
        assert {h["group"] for h in only.json()["hits"]} <= {"services"}


@pytest.mark.slow
def test_a_misspelt_search_page_says_did_you_mean(bundled: Store) -> None:
    with TestClient(create_app(bundled)) as client:
        page = client.get("/search", params={"q": "Invercide"}, headers={"Accept": "text/html"})
    assert "Did you mean" in page.text and "Inverclyde Council" in page.text


def test_bad_search_parameters_are_a_400_naming_them(bundled: Store) -> None:
    with TestClient(create_app(bundled)) as client:
        assert client.get("/search", params={"q": "x", "first": "٣"}).status_code == 400
        assert client.get("/search", params={"q": "x", "first": "1000"}).status_code == 400
        wrong = client.get("/search", params={"q": "x", "group": "nope"})
        assert wrong.status_code == 400 and "unknown result group" in wrong.text
        assert client.get("/search", params={"q": "x" * 201}).status_code == 400


@pytest.mark.slow
def test_every_page_carries_the_header_suggestions_script(bundled: Store) -> None:
    with TestClient(create_app(bundled)) as client:
        home = client.get("/", headers={"Accept": "text/html"}).text
        assert '<script src="/static/suggest.js" defer></script>' in home
        script = client.get("/static/suggest.js")
        assert script.status_code == 200 and "/search?format=json" in script.text


def test_the_organisations_search_filter_is_answered_by_the_index(
    landscape: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#20 item 2: the list's ``search`` filter reads the index of this data version (built
    once), not every label folded by eleven REPLACEs in SPARQL; case and accents still do not
    matter, and what counts (a substring of a name or alias) is unchanged."""
    from govgraph.graph.facts import search
    from govgraph.graph.facts.organisations import Filter, list_organisations

    search.index_for(landscape)

    def refuse(_: Store) -> None:
        raise AssertionError("the index was built again for the same data version")

    monkeypatch.setattr(search, "build_index", refuse)
    asked: list[str] = []
    containing = search.SearchIndex.containing

    def spy(self: SearchIndex, text: str) -> list[str]:
        asked.append(text)
        return containing(self, text)

    monkeypatch.setattr(search.SearchIndex, "containing", spy)
    texts: list[str] = []
    select = landscape.select

    def record(text: str, values: object = None) -> object:
        texts.append(text)
        return select(text, values)  # type: ignore[arg-type]

    monkeypatch.setattr(landscape, "select", record)
    for term in ("care agency", "CÁRE AGENCY", "Agency", "the care"):
        page = list_organisations(landscape, 20, filter=Filter(search=term))
        assert [r.name for r in page.items] == ["Care Agency"], term
        assert page.total == 1
    assert list_organisations(landscape, 20, filter=Filter(search="zzz")).total == 0
    assert asked and not any("REPLACE(" in t for t in texts)


def test_a_close_spelling_is_looked_for_only_among_names_with_a_near_word(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#20 item 2: "did you mean" compares the query (costly WRatio) with the names holding a
    word spelled like one of its words, found by a cheap ratio over the vocabulary, not with
    every name of the graph; the suggestion is the same."""
    from govgraph.graph.facts import search

    index = _index(store)
    compared: list[int] = []
    extract = search.process.extract

    def counting(query: str, choices: Any, **kwargs: Any) -> Any:
        if kwargs.get("scorer") is search.fuzz.WRatio:
            compared.append(len(choices))
        return extract(query, choices, **kwargs)

    monkeypatch.setattr(search.process, "extract", counting)
    found = index.search("Invercyde Integraton Joint Bord")
    assert found.did_you_mean == "Inverclyde Integration Joint Board"
    assert compared and compared[0] < len(index._keys), (compared, len(index._keys))
