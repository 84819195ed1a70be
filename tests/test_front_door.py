"""The web front door on the bundled data (issue #15 points 1, 2, 4, 5, 7): one layout with
header, search box, breadcrumbs and footer; error pages by Accept; home figures that link to
the views behind them; the bodies table with facets and CSV/JSON twins; entity pages grouped
by kind with no silent cap; and a machine twin for every page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlparse

import httpx
import pytest
from starlette.requests import Request
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.api.costly import error_response
from govgraph.api.settings import Settings
from govgraph.graph.storage.sandbox import Busy
from govgraph.graph.storage.store import Store

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NAV = ["/", "/organisations", "/maps", "/reports/overlaps", "/graphql", "/sparql", "/ontology"]
PAGES = [
    "/",
    "/maps",
    "/organisations",
    "/organisations?type=IntegrationJointBoard",
    "/id/care-inspectorate",
    "/id/care-inspectorate?kind=regulates&page=2",
    "/id/inverclyde-ijb",
    "/search?q=Inverclyde",
]


@pytest.fixture(scope="module")
def store(bundled_store_path: Path) -> Store:
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    return OxigraphStore(bundled_store_path, read_only=True)


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    return TestClient(create_app(store, settings=Settings()), headers={"Accept": BROWSER})


def hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', html)]


@pytest.mark.slow
@pytest.mark.parametrize("path", [*PAGES, "/no/such/page", "/organisations?scope=nowhere"])
def test_every_page_shares_one_layout(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.headers["content-type"].startswith("text/html"), path
    links = hrefs(page.text)
    for target in NAV:
        assert target in links, (path, target)
    assert re.search(r'<form role="search"[^>]*method="GET" action="/search"', page.text)
    assert 'name="q"' in page.text
    assert "/static/sgds/design-system.min.css" in links
    # nothing is fetched from off the machine: every stylesheet, icon and image is local
    for ref in re.findall(r'(?:src|href)="(https?://[^"]*)"', page.text):
        assert not re.search(r"\.(css|js|woff2?|svg|png)(\?|$)", ref), ref
    # one script, our own file (the header's suggestions); nothing inline
    assert re.findall(r"<script[^>]*>", page.text.lower()) == [
        '<script src="/static/suggest.js" defer>'
    ]
    if page.status_code == 200:
        assert "Data version" in page.text and "Curated register" in page.text  # footer
    if path != "/":
        assert 'aria-label="Breadcrumb"' in page.text and 'href="/">Home</a>' in page.text


def test_error_pages_for_people_and_plain_errors_for_machines(client: TestClient) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert (
        client.get("/no/such/page", headers={"Accept": "*/*"})
        .headers["content-type"]
        .startswith("text/plain")
    )
    as_json = client.get("/id/no-such-body", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.json()["status"] == 404
    bad = client.get("/organisations?scope=nowhere")
    assert bad.status_code == 400 and "There is a problem" in bad.text
    assert "scope must be one of scotland, uk, all" in bad.text  # the reason, escaped
    hostile = client.get("/organisations", params={"type": "<b>x</b>"})
    assert hostile.status_code == 400 and "&lt;b&gt;x&lt;/b&gt;" in hostile.text
    assert (
        client.get("/reports/overlaps?format=nope").headers["content-type"].startswith("text/html")
    )


def test_a_busy_server_answers_503_with_retry_after_in_the_layout(client: TestClient) -> None:
    app = client.app
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/reports/diff",
        "query_string": b"",
        "headers": [(b"accept", BROWSER.encode())],
        "app": app,
    }
    page = error_response(Busy("every slot is taken", 7), request=Request(scope))
    assert page.status_code == 503 and page.headers["retry-after"] == "7"
    body = bytes(page.body).decode()
    assert "Try again in 7 seconds" in body and 'action="/search"' in body
    scope["headers"] = [(b"accept", b"*/*")]
    plain = error_response(Busy("every slot is taken", 7), request=Request(scope))
    assert plain.headers["content-type"].startswith("text/plain")


def test_home_explains_the_landscape_and_every_figure_links_to_its_view(
    client: TestClient,
) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert "make up the Scottish care landscape" in home.text
    figures = client.get("/?format=json").json()["figures"]
    labels = [f["label"] for f in figures]
    assert labels[:2] == [
        "bodies in the Scottish care landscape",
        "groups (boards, committees, teams)",
    ]
    assert any("accountability lines" in x for x in labels)
    assert any("actions" in x for x in labels) and any("overlap findings" in x for x in labels)
    total = client.get("/organisations?format=json").json()["total"]
    assert figures[0]["value"] + figures[1]["value"] == total
    groups = client.get("/organisations?type=Group&format=json&size=200").json()
    assert figures[1]["value"] == groups["total"]
    kinds = {r["type"] for r in groups["rows"]}
    assert {"team", "committee", "board", "working group"} <= kinds  # subclasses of group
    findings = next(f for f in figures if f["label"] == "overlap findings")
    assert sum(p["value"] for p in findings["parts"]) == findings["value"] > 0
    for f in figures:
        for href in [f["href"], *(p["href"] for p in f["parts"] if p["href"])]:
            assert client.get(href.split("#")[0]).status_code == 200, href
            assert href in hrefs(home.text)
    for entry in ("/organisations", "/reports/overlaps", "/graphql", "/sparql"):
        assert entry in hrefs(home.text)


@pytest.mark.slow
def test_the_bodies_table_defaults_to_the_scottish_landscape_with_facets(
    client: TestClient,
) -> None:
    default = client.get("/organisations?format=json").json()
    everything = client.get("/organisations?scope=all&format=json").json()
    assert default["total"] < everything["total"]
    scope = {v["value"]: v["count"] for v in default["facets"]["scope"]}
    assert scope["scotland"] == default["total"] and scope["all"] == everything["total"]
    page = client.get("/organisations")
    # every facet value links to the filtered view, whose total is the count shown
    for name in ("type", "line", "area"):
        for value in default["facets"][name][:3]:
            view = client.get(
                "/organisations", params={name: value["value"], "format": "json"}
            ).json()
            assert view["total"] == value["count"], (name, value)
            link = f"?{name}={value['value']}".replace("/", "%2F")
            assert any(h.startswith(link) or f"&{name}=" in h for h in hrefs(page.text)), link
    ijb = client.get("/organisations?type=IntegrationJointBoard&format=json").json()
    assert ijb["total"] == 30 and all(r["type"] == "integration joint board" for r in ijb["rows"])
    dated = client.get("/organisations?asOf=2015-01-01&type=IntegrationJointBoard&format=json")
    assert dated.json()["total"] < 30  # IJBs began in 2015-2016


def text_of(response: httpx.Response) -> str:
    """A CSV download as a spreadsheet reads it (UTF-8 after a byte-order mark)."""
    return response.content.decode("utf-8-sig")


def test_page_downloads_are_written_by_the_one_formula_safe_csv_writer() -> None:
    from govgraph.api.pages import csv_response

    body = csv_response(["name", "aliases"], [["=HYPERLINK(1)", ["+a", "b"]]], "x.csv").body
    assert body.decode("utf-8-sig") == "name,aliases\r\n'=HYPERLINK(1),'+a; b\r\n"


def test_downloads_hold_exactly_what_is_shown(client: TestClient) -> None:
    params = "type=IntegrationJointBoard&sort=-name&size=25&page=2"
    html = client.get(f"/organisations?{params}").text
    shown = re.findall(r'<tr>\s*<td><a href="/id/([^"]+)"', html)
    as_json = client.get(f"/organisations?{params}&format=json").json()
    by_link = list(
        csv.DictReader(io.StringIO(text_of(client.get(f"/organisations?{params}&format=csv"))))
    )
    by_accept = client.get(f"/organisations?{params}", headers={"Accept": "text/csv"})
    assert by_accept.headers["content-type"].startswith("text/csv")
    assert [r["id"] for r in as_json["rows"]] == [r["id"] for r in by_link] == shown
    assert len(shown) == 5 and shown == sorted(shown, reverse=True)
    assert list(csv.DictReader(io.StringIO(text_of(by_accept)))) == by_link
    assert f"/organisations?{params}&format=csv" in hrefs(html)


@pytest.mark.slow
def test_entity_page_groups_relationships_and_says_what_it_cuts(client: TestClient) -> None:
    page = client.get("/id/care-inspectorate").text
    assert "(from)" not in page
    assert "Care Inspectorate regulates 539: 539 care services." in page
    assert "Showing 10 of 539." in page and "?kind=regulates" in hrefs(page)
    seen: set[str] = set()
    for number in range(1, 12):
        part = client.get(f"/id/care-inspectorate?kind=regulates&page={number}").text
        seen |= set(re.findall(r'href="/id/(care-service/[^"]+)"', part))
    assert len(seen) == 539
    ijb = client.get("/id/inverclyde-ijb").text
    assert "Receives reports from (3)" in ijb and "Directs (2)" in ijb  # inverse labels
    assert re.search(r"Answering to Inverclyde Integration Joint Board: .*directs 2", ijb)
    assert "/maps/accountability?focus=inverclyde-ijb" in hrefs(ijb)
    assert "/maps/ego?focus=inverclyde-ijb" in hrefs(ijb)
    team = client.get("/id/i-promise-team").text  # its timeline holds the change event
    assert re.search(
        r"2021-05-17</td><td>Event: <a href=\"/id/event/[^\"]+\">Inverclyde I Promise", team
    )
    assert client.get("/id/care-inspectorate?kind=nothing").status_code == 400


def test_entity_page_lists_its_overlap_findings(client: TestClient, store: Store) -> None:
    found = client.get("/", headers={"Accept": "application/json"})  # warms the caches
    assert found.status_code == 200
    findings = client.app.state.findings.get(store)
    named = next(s for f in findings for s in f.subjects if s.id.startswith("https://"))
    slug = named.id.split("/id/", 1)[1]
    twin = client.get(f"/id/{slug}?format=json").json()
    assert twin["findings"], slug
    assert f"/reports/overlaps#{twin['findings'][0]['id']}" in hrefs(client.get(f"/id/{slug}").text)


def test_graphql_pages_every_regulated_service(client: TestClient) -> None:
    query = """query($after: String) { organisation(id: "care-inspectorate") {
      relationshipsConnection(first: 200, after: $after, kind: [regulatedBy]) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { counterpart { id } } }
    } } }"""
    after, ids, total = None, [], 0
    for _ in range(5):
        answer = client.post("/graphql", json={"query": query, "variables": {"after": after}})
        conn = answer.json()["data"]["organisation"]["relationshipsConnection"]
        total = conn["totalCount"]
        ids += [e["node"]["counterpart"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert total == 539 and len(set(ids)) == 539
    cut = client.post(
        "/graphql",
        json={"query": '{ organisation(id: "care-inspectorate") { relationships { kind } } }'},
    ).json()
    assert "relationshipsConnection" in cut["errors"][0]["message"]  # refused, not cut


@pytest.mark.slow
def test_every_page_has_machine_twins_by_link_and_by_accept(client: TestClient) -> None:
    media = {"json": "application/json", "csv": "text/csv", "ttl": "text/turtle"}
    for path in PAGES:
        html = client.get(path).text
        twins = [h for h in hrefs(html) if "format=" in h]
        formats = {dict(parse_qsl(urlparse(h).query))["format"] for h in twins}
        assert "json" in formats, path
        if path.startswith("/organisations"):
            assert "csv" in formats, path
        for href in twins:
            fmt = dict(parse_qsl(urlparse(href).query))["format"]
            if fmt not in media:
                continue
            got = client.get(urljoin(f"http://testserver{path}", href))
            assert got.status_code == 200 and got.headers["content-type"].startswith(media[fmt])
            by_accept = client.get(path, headers={"Accept": media[fmt]})
            assert by_accept.headers["content-type"].startswith(media[fmt]), (path, fmt)
            if fmt == "json":
                assert by_accept.json() == got.json(), path


def test_bodies_named_on_pages_link_to_their_entity_pages(client: TestClient) -> None:
    table = client.get("/organisations").text
    names = re.findall(r"<tr>\s*<td><a href=\"/id/[^\"]+\">([^<]+)</a>", table)
    assert len(names) == 50
    ijb = client.get("/id/inverclyde-ijb").text
    for target in ("/id/inverclyde-council", "/id/nhs-greater-glasgow-and-clyde"):
        assert target in hrefs(ijb)
    maps = client.get("/maps").text
    listed = [h for h in hrefs(maps) if h.startswith("/maps/")]
    assert sorted(listed) == [
        "/maps/actions",
        "/maps/landscape",
        "/maps/overlap",
        "/maps/policy",
        "/maps/route-map",
    ]
    for href in listed:
        assert client.get(href).status_code == 200, href


def test_an_unreachable_store_is_a_503_page_for_people() -> None:
    from govgraph.graph.core.errors import StoreError
    from govgraph.graph.storage.store import open_store

    landscape = open_store("memory:")
    app = create_app(landscape, settings=Settings())

    def down(*args: object, **kwargs: object) -> None:
        raise StoreError("the engine went away")

    for method in ("select", "count", "graphs"):
        setattr(landscape, method, down)
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/organisations", headers={"Accept": BROWSER})
    assert page.status_code == 503 and page.headers["retry-after"] == "5"
    assert "Try again in 5 seconds" in page.text and 'action="/search"' in page.text
    plain = client.get("/organisations", headers={"Accept": "*/*"})
    assert plain.status_code == 503 and plain.headers["content-type"].startswith("text/plain")
    assert "unavailable" in plain.text


def test_areas_and_policy_areas_link_to_the_bodies_they_filter(client: TestClient) -> None:
    page = client.get("/id/area/s12000018").text  # Inverclyde council area
    link = next(h for h in hrefs(page) if h.startswith("/organisations?area="))
    count = int(re.search(r"Bodies operating in this area \((\d+)\)", page).group(1))
    assert client.get(link + "&format=json").json()["total"] == count > 5
    assert '<a class="ds_breadcrumbs__link" href="/organisations">' not in page  # not a body


def test_the_served_report_links_bodies_to_their_pages_and_back_home(client: TestClient) -> None:
    report = client.get("/reports/overlaps").text
    subjects = re.findall(r'<a class="subject" href="(/id/[^"]+)">', report)
    assert len(subjects) > 50 and client.get(subjects[0]).status_code == 200
    assert 'href="/">govgraph home</a>' in report and 'href="/organisations">' in report
