"""Route maps (#22): the shipped example and Plan 21-24 load through one model, the template
round-trips, spreadsheets are refused cell by cell, and the adviser's checks find what they
should on hand-built data."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph
from starlette.testclient import TestClient

from govgraph.api.app import create_app
from govgraph.graph.analysis.route_checks import (
    collective_only,
    dependency_cycles,
    due_before_dependency,
    load_concentration,
    milestone_unowned,
    past_due_no_status,
)
from govgraph.graph.checks.validation import validate
from govgraph.graph.core.errors import SourceError
from govgraph.graph.facts.route_maps import (
    Item,
    Responsible,
    RouteMap,
    RouteMaps,
    StatusAt,
    read_route_maps,
)
from govgraph.graph.storage.store import Store
from govgraph.loaders.pipeline import load_sources, resolver_from_store
from govgraph.loaders.plan_yaml import read_plan_yaml
from govgraph.loaders.route_map import RouteMapLoader
from govgraph.loaders.route_map_tables import TABLES, columns, read_tables
from govgraph.ontology.terms import GG, GRAPH
from govgraph.visualisations.maps import build_map
from tests.api_support import data, gql
from tests.route_support import (
    EXAMPLE,
    EXAMPLE_ID,
    PLAN,
    TEMPLATE,
    XLSX_TEMPLATE,
    route_store,
)

EXAMPLE_GRAPH = GRAPH["route-map-example-plan-21-24-building-capacity"]


@pytest.fixture(scope="module")
def routes() -> Iterator[Store]:
    """The curated register, Plan 21-24, Plan 21-24 as route maps, and the example."""
    store = route_store()
    yield store
    store.close()


def _load_alone(store: Store, path: Path) -> Graph:
    """The triples ``path`` gives against the resolver of ``store`` (nothing is written)."""
    graph = Graph()
    for triple in RouteMapLoader(path).triples(resolver_from_store(store)):
        graph.add(triple)  # type: ignore[arg-type]
    return graph


# --- the example and Plan 21-24 -------------------------------------------------------------


def test_example_loads_validates_and_is_marked_as_an_example(routes: Store) -> None:
    report = validate(routes)  # council areas come from the geography source, not loaded here
    assert [v for v in report.violations if "/id/area/" not in v.entity] == []
    data = read_route_maps(routes)
    example = data.find("example-plan-21-24-building-capacity")
    assert example is not None and example.example
    assert example.name.startswith("Example:")
    assert len([i for i in example.items if data.items[i].kind == "milestone"]) == 14
    assert len(data.dependencies()) == 6
    assert all(refs for refs in data.dependency_sources.values()), "every dependency is cited"


def test_shapes_refuse_a_route_map_without_theme_and_a_responsibility_without_tier() -> None:
    from govgraph.graph.checks.validation import validate_graph

    bad = Graph().parse(
        data="""@prefix gg: <https://w3id.org/govgraph/ontology#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <urn:x:map> a gg:RouteMap ; skos:prefLabel "Map" .
        <urn:x:r> a gg:Responsibility ; gg:responsibleBody <urn:x:body> .""",
        format="turtle",
    )
    paths = {v.path for v in validate_graph(bad).violations}
    assert {str(GG.theme), str(GG.responsibilityTier), str(GG.citation)} <= paths


def test_example_is_plan_21_24_own_commitments_and_milestones_not_invented() -> None:
    plan = read_plan_yaml(PLAN)
    tables = read_tables(EXAMPLE)
    area = [a for a in plan.actions if a.priority_area == "building-capacity"]
    assert {r.text("text") for r in tables["commitments"]} == {
        c for a in area for c in a.commitments
    }
    assert {(r.text("text"), r.text("due") or None) for r in tables["milestones"]} == {
        (m.text, m.date) for a in area for m in a.milestones
    }
    assert all(r.text("document") == plan.document for rows in tables.values() for r in rows)


def test_plan_21_24_items_are_the_plan_loaders_own_nodes(routes: Store) -> None:
    """Not a parallel model: the route maps of Plan 21-24 point at the commitments and
    milestones the plan loader made, one route map per priority area."""
    data = read_route_maps(routes)
    plan_maps = [m for m in data.maps.values() if m.id.startswith("plan-21-24-")]
    assert len(plan_maps) == 5
    plan_items = {i for m in plan_maps for i in m.items}
    assert "https://w3id.org/govgraph/id/action/childrens-hearing-system/milestone/2" in plan_items
    milestones = [data.items[i] for i in plan_items if data.items[i].kind == "milestone"]
    assert (len(milestones), len([m for m in milestones if m.due])) == (34, 32)
    assert all(m.responsible for m in milestones), "each action's leads are responsible"


# --- the template ---------------------------------------------------------------------------


def _fill_template(folder: Path) -> None:
    """The shipped CSV template, filled with the example's rows."""
    shutil.copytree(TEMPLATE, folder)
    for sheet, rows in read_tables(EXAMPLE).items():
        with (folder / f"{sheet}.csv").open("a", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            for row in rows:
                writer.writerow([row.text(c) for c in columns(sheet)])


def test_template_filled_with_the_example_rows_loads_to_the_same_triples(
    routes: Store, tmp_path: Path
) -> None:
    _fill_template(tmp_path / "filled")
    from_yaml = _load_alone(routes, EXAMPLE)
    from_csv = _load_alone(routes, tmp_path / "filled")
    assert len(from_yaml) > 1000
    assert set(from_csv) == set(from_yaml)


def test_the_xlsx_template_filled_with_the_example_rows_loads_to_the_same_triples(
    routes: Store, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    book = load_workbook(XLSX_TEMPLATE)
    for sheet, rows in read_tables(EXAMPLE).items():
        for row in rows:
            book[sheet].append([row.text(c) for c in columns(sheet)])
    book.save(tmp_path / "route-map.xlsx")
    assert set(_load_alone(routes, tmp_path / "route-map.xlsx")) == set(
        _load_alone(routes, EXAMPLE)
    )


def test_template_files_have_every_table_and_column_in_order() -> None:
    """Both templates are written by scripts/route_map_template.py from TABLES."""
    from openpyxl import load_workbook

    assert {p.stem for p in TEMPLATE.glob("*.csv")} == set(TABLES)
    for path in TEMPLATE.glob("*.csv"):
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert tuple(header) == columns(path.stem)
    book = load_workbook(XLSX_TEMPLATE, read_only=True)
    assert book.sheetnames == list(TABLES)
    for name in TABLES:
        rows = list(book[name].iter_rows(values_only=True))
        assert rows == [columns(name)], name


# --- spreadsheets refused cell by cell ------------------------------------------------------


def test_a_csv_missing_a_column_names_the_file_and_column(routes: Store, tmp_path: Path) -> None:
    folder = tmp_path / "filled"
    _fill_template(folder)
    path = folder / "milestones.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    drop = rows[0].index("text")
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([r[:drop] + r[drop + 1 :] for r in rows])
    with pytest.raises(SourceError) as err:
        _load_alone(routes, folder)
    assert "milestones.csv:1" in str(err.value) and "'text'" in str(err.value)


def test_an_xlsx_bad_date_names_sheet_row_and_column_letter(routes: Store, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet, rows in read_tables(EXAMPLE).items():
        ws = book.create_sheet(sheet)
        ws.append(list(columns(sheet)))
        for row in rows:
            ws.append([row.text(c) for c in columns(sheet)])
    book["milestones"]["D3"] = "2022-02-30"
    book.save(tmp_path / "bad.xlsx")
    before = routes.count()
    with pytest.raises(SourceError) as err:
        _load_alone(routes, tmp_path / "bad.xlsx")
    message = str(err.value)
    assert "bad.xlsx" in message and "sheet 'milestones', row 3, column 'due' (D)" in message
    assert "2022-02-30" in message
    assert routes.count() == before


def test_a_failed_route_map_load_leaves_every_graph_unchanged(
    routes: Store, tmp_path: Path
) -> None:
    bad = tmp_path / "route-map.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    bad.write_text(text.replace("due: 2021-09", "due: 2021-19", 1), encoding="utf-8")
    before = {g: routes.count(g) for g in routes.graphs()}
    report = load_sources(routes, [RouteMapLoader(bad)], validate=False, progress=False)
    assert report.failed and "2021-19" in str(report.failed[0].error)
    assert {g: routes.count(g) for g in routes.graphs()} == before
    assert EXAMPLE_GRAPH in before


# --- the checks on hand-built data ----------------------------------------------------------

MAP = "urn:x:map"
OTHER = "urn:x:map2"
THIRD = "urn:x:map3"
GOV = Responsible("urn:x:gov", "Alba Government", str(GG.LeadTier), False)
COUNCILS = Responsible("urn:x:councils", "Local authorities", str(GG.LeadTier), True)
BOARDS = Responsible("urn:x:boards", "Health boards", str(GG.SupportingTier), True)


def _data(*items: Item) -> RouteMaps:
    maps = {
        MAP: RouteMap(MAP, "Care", "Care", False),
        OTHER: RouteMap(OTHER, "Education", "Education", False),
        THIRD: RouteMap(THIRD, "Health", "Health", False),
    }
    for i in items:
        maps[i.route_map].items.append(i.iri)
    return RouteMaps(maps, {i.iri: i for i in items})


def _m(iri: str, due: str | None = "2025", **kw: object) -> Item:
    return Item(f"urn:x:{iri}", "milestone", kw.pop("route_map", MAP), iri, due=due, **kw)  # type: ignore[arg-type]


def test_check_milestone_with_no_responsible_body() -> None:
    found = milestone_unowned(_data(_m("a"), _m("b", responsible=[GOV])), "2026-01-01")
    assert [f.subjects[0].id for f in found] == ["urn:x:a"]
    assert found[0].evidence and "no responsibility" in found[0].evidence[0].text
    commitment = Item("urn:x:c", "commitment", MAP, "c", responsible=[GOV])
    owned = _m("d", commitment="urn:x:c")
    assert milestone_unowned(_data(commitment, owned), "2026-01-01") == []


def test_check_commitment_only_a_generic_collective() -> None:
    only = Item("urn:x:c1", "commitment", MAP, "c1", responsible=[COUNCILS, BOARDS])
    mixed = Item("urn:x:c2", "commitment", MAP, "c2", responsible=[COUNCILS, GOV])
    found = collective_only(_data(only, mixed), "2026-01-01")
    assert [f.subjects[0].id for f in found] == ["urn:x:c1"]
    assert {s.name for s in found[0].subjects[1:]} == {"Local authorities", "Health boards"}
    assert len(found[0].evidence) == 2
    assert collective_only(_data(mixed), "2026-01-01") == []


def test_collective_finding_names_the_tier_by_its_label() -> None:
    """The tier is an IRI held as text: its ontology label, not the IRI's local name (the
    lookup took the text for an unknown term, which mypy caught)."""
    only = Item("urn:x:c1", "commitment", MAP, "c1", responsible=[COUNCILS, BOARDS])
    texts = [e.text for e in collective_only(_data(only), "2026-01-01")[0].evidence]
    assert texts == [
        "Local authorities (collective) is lead tier for 'c1' (route map 'Care')",
        "Health boards (collective) is supporting for 'c1' (route map 'Care')",
    ]
    assert not any("LeadTier" in t or "SupportingTier" in t for t in texts)


def test_check_dependency_cycle() -> None:
    a, b, c = _m("a", depends_on=["urn:x:b"]), _m("b", depends_on=["urn:x:c"]), _m("c")
    assert dependency_cycles(_data(a, b, c), "2026-01-01") == []
    c.depends_on.append("urn:x:a")
    found = dependency_cycles(_data(a, b, c), "2026-01-01")
    assert len(found) == 1
    assert {s.id for s in found[0].subjects} == {"urn:x:a", "urn:x:b", "urn:x:c"}
    assert len(found[0].evidence) == 3


def test_check_milestone_due_before_what_it_depends_on() -> None:
    early = _m("early", due="2024-03", depends_on=["urn:x:late"])
    late = _m("late", due="2024-09")
    found = due_before_dependency(_data(early, late), "2026-01-01")
    assert [(f.subjects[0].id, f.subjects[1].id) for f in found] == [("urn:x:early", "urn:x:late")]
    assert len(found[0].evidence) == 3
    # Same year at year precision may well be in order: not flagged.
    fine = _m("fine", due="2024", depends_on=["urn:x:late"])
    assert due_before_dependency(_data(fine, late), "2026-01-01") == []


def test_check_past_due_with_no_status_at_the_as_of_date() -> None:
    old = _m("old", due="2023-06")
    reported = _m("reported", due="2023-06", statuses=[StatusAt("2023-07-15", str(GG.Achieved))])
    future = _m("future", due="2030")
    data = _data(old, reported, future)
    assert [f.subjects[0].id for f in past_due_no_status(data, "2024-01-01")] == ["urn:x:old"]
    # As of a date before its status was recorded, the reported one was unreported too.
    ids = {f.subjects[0].id for f in past_due_no_status(data, "2023-07-10")}
    assert ids == {"urn:x:old", "urn:x:reported"}
    assert past_due_no_status(data, "2023-06-30") == []


def test_check_load_concentration_across_themes() -> None:
    spread = [
        _m("x1", responsible=[GOV]),
        _m("x2", responsible=[GOV], route_map=OTHER),
        _m("x3", responsible=[GOV, COUNCILS], route_map=THIRD),
    ]
    found = load_concentration(_data(*spread), "2026-01-01")
    assert [f.subjects[0].name for f in found] == ["Alba Government"]
    assert found[0].details == {"themes": 3, "milestones": 3}
    assert len(found[0].evidence) == 3
    assert load_concentration(_data(*spread[:2]), "2026-01-01") == []


# --- served: GraphQL and the pages ----------------------------------------------------------


@pytest.fixture(scope="module")
def client(routes: Store) -> Iterator[TestClient]:
    with TestClient(create_app(routes)) as c:
        yield c


def test_graphql_route_maps_milestones_and_dependencies(client: TestClient) -> None:
    found = data(
        client,
        """{ routeMaps(theme: "Building Capacity") { id example name
               startingPositions { text date } destinations { text }
               milestones { id due dueAsWritten responsible { body name tier } } }
             milestones(dueBefore: "2022", responsible: "scra") { id due theme }
             dependencies(routeMap: "EXAMPLE") { item { text due } dependsOn { text due }
               sources { title locator } } }""".replace("EXAMPLE", EXAMPLE_ID),
    )
    maps = {m["id"]: m for m in found["routeMaps"]}
    assert set(maps) == {EXAMPLE_ID, "plan-21-24-building-capacity"}
    example = maps[EXAMPLE_ID]
    assert example["example"] and len(example["milestones"]) == 14
    assert example["startingPositions"][0]["date"] == "2021-06-25"
    # milestones due for certain before 2022 that SCRA is responsible for, among them the
    # Children's Hearings System's first two, in both the plan's route map and the example
    ids = {m["id"] for m in found["milestones"]}
    assert all(m["due"] < "2022" for m in found["milestones"])
    assert {
        "action/childrens-hearing-system/milestone/2",
        f"route-map/{EXAMPLE_ID}/childrens-hearing-system-milestone-3",
    } <= ids
    assert "action/childrens-hearing-system/milestone/4" not in ids  # due 2022
    deps = found["dependencies"]
    assert len(deps) == 6 and all(d["sources"][0]["title"] == "Change Programme ONE" for d in deps)
    assert {"text": "Draft proposals agreed.", "due": "2023-03"} in [d["dependsOn"] for d in deps]


def test_graphql_milestones_by_status_and_checks_as_of(client: TestClient) -> None:
    found = data(
        client,
        """{ milestones(status: ACHIEVED) { id }
             routeMapChecks(routeMap: "EXAMPLE", asOf: "2022-01-01") { kind explanation
               evidence { text sources { title locator } } } }""".replace("EXAMPLE", EXAMPLE_ID),
    )
    assert found["milestones"] == []  # Plan 21-24 records no milestone statuses
    kinds = {c["kind"] for c in found["routeMapChecks"]}
    assert "past-due-no-status" in kinds
    past = [c for c in found["routeMapChecks"] if c["kind"] == "past-due-no-status"]
    assert len(past) == 3  # due 2021-06, 2021-09 and 2021-09, unreported by 2022
    assert all(c["evidence"][0]["sources"] for c in past)
    bad = gql(client, '{ milestones(dueBefore: "2022-13") { id } }')
    assert "2022-13" in bad["errors"][0]["message"]


def test_route_map_page_and_json_twin_as_of_a_date(client: TestClient) -> None:
    page = client.get(f"/route-maps/{EXAMPLE_ID}?asOf=2022-01-01", headers={"accept": "text/html"})
    assert page.status_code == 200
    text = page.text
    assert "This is an example." in text and "2022-01-01" in text
    assert '<a href="/id/scra">' in text  # responsible bodies link to their pages
    assert "<svg" in text and "Draft proposals agreed." in text
    twin = client.get(f"/route-maps/{EXAMPLE_ID}?asOf=2022-01-01&format=json").json()
    assert twin["as_of"] == "2022-01-01" and twin["example"] is True
    assert [y["year"] for y in twin["years"]][:3] == ["2021", "2022", "2023"]
    assert len([c for c in twin["checks"] if c["kind"] == "past-due-no-status"]) == 3
    later = client.get(f"/route-maps/{EXAMPLE_ID}?asOf=2025-01-01&format=json").json()
    assert len([c for c in later["checks"] if c["kind"] == "past-due-no-status"]) > 3
    assert client.get("/route-maps/no-such-map").status_code == 404
    listing = client.get("/route-maps?format=json").json()["routeMaps"]
    assert len(listing) == 6 and [m["example"] for m in listing].count(True) == 1


def test_dependency_map_draws_milestones_by_year_and_dependencies(routes: Store) -> None:
    model = build_map(routes, "route-map", focus=f"route-map/{EXAMPLE_ID}")
    assert len(model.nodes) == 14 and len(model.edges) == 6
    assert {e.kind for e in model.edges} == {str(GG.dependsOn)}
    by_label = {n.label.split(" · ", 1)[1]: n for n in model.nodes}
    assert by_label["Working group set up and independent chair appo…"].level == 0
    assert by_label["Draft proposals agreed."].level == 2
    # earlier years lie to the left
    assert (
        by_label["Working group set up and independent chair appo…"].x
        < by_label["Draft proposals agreed."].x
    )
    assert [e.label for e in model.edge_legend] == ["depends on"]


def test_hostile_text_in_a_route_map_stays_text_on_its_page_and_map(
    landscape: Store, tmp_path: Path
) -> None:
    hostile = "<script>alert(1)</script>"
    source = Path(__file__).parent / "bad_input" / "route-map" / "valid.yaml"
    path = tmp_path / "route-map.yaml"
    text = source.read_text(encoding="utf-8").replace("Draft standards published.", hostile)
    path.write_text(text.replace("name: Alba care route map", f'name: "{hostile}"'), "utf-8")
    report = load_sources(landscape, [RouteMapLoader(path)], validate=False, progress=False)
    assert not report.failed, report.failed[0].error
    with TestClient(create_app(landscape)) as c:
        page = c.get("/route-maps/alba-care", headers={"accept": "text/html"}).text
        drawn = c.get("/maps/route-map", params={"focus": "route-map/alba-care"}).text
    assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert hostile not in drawn


def test_graphql_milestones_by_status_at_a_date(landscape: Store, tmp_path: Path) -> None:
    source = Path(__file__).parent / "bad_input" / "route-map" / "valid.yaml"
    path = tmp_path / "route-map.yaml"
    path.write_text(
        source.read_text(encoding="utf-8")
        + "statuses:\n"
        + "  - {item: draft, status: on track, date: 2025-01, document: Alba report, "
        + "locator: p. 2}\n"
        + "  - {item: draft, status: achieved, date: 2025-07-01, document: Alba report, "
        + "locator: p. 3}\n",
        "utf-8",
    )
    report = load_sources(landscape, [RouteMapLoader(path)], validate=False, progress=False)
    assert not report.failed, report.failed[0].error
    query = """query($s: ProgressStatus, $d: String) {
      milestones(status: $s, asOf: $d) { id status(asOf: $d) { status date } } }"""
    with TestClient(create_app(landscape)) as c:
        on_track = data(c, query, s="ON_TRACK", d="2025-03-01")["milestones"]
        achieved = data(c, query, s="ACHIEVED", d="2025-08-01")["milestones"]
        early = data(c, query, s="ACHIEVED", d="2025-03-01")["milestones"]
    assert on_track == [
        {"id": "route-map/alba-care/draft", "status": {"status": "ON_TRACK", "date": "2025-01"}}
    ]
    assert [m["id"] for m in achieved] == ["route-map/alba-care/draft"]
    assert early == []


def test_every_shape_problem_of_a_yaml_route_map_is_reported_at_once(tmp_path: Path) -> None:
    valid = Path(__file__).parent / "bad_input" / "route-map" / "valid.yaml"
    text = valid.read_text(encoding="utf-8")
    text = text.replace("{item: review, body: Alba Government,", "{item: review, owner: x,", 1)
    text = text.replace("dependencies:", "milestone: []\ndependencies:", 1)
    path = tmp_path / "route-map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_tables(path)
    problems = caught.value.problems  # type: ignore[attr-defined]
    messages = [str(p).split(": ", 1)[1] for p in problems]
    assert messages[0].startswith("field 'responsibilities.owner': sheet 'responsibilities', row 1")
    assert "unknown column 'owner'" in messages[0]
    assert "unknown table 'milestone'" in messages[1]
    assert "missing required column 'body'" in messages[2]
    assert len(problems) == 3
