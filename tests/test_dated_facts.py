"""Dated facts: the curated register dates what the seed documents date, change events give
bodies their start and end dates, and the landscape viewed at a date shows the bodies that
existed then (organisation lists and maps alike)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from govgraph.graph.core.errors import SourceError
from govgraph.graph.facts.organisations import Filter, list_organisations
from govgraph.graph.facts.records import OrganisationRecord
from govgraph.graph.storage.store import Store
from govgraph.loaders.curated import CuratedLoader, read_register
from govgraph.loaders.resolve import Resolver
from govgraph.ontology.terms import GG, entity
from govgraph.visualisations.maps import build_map
from tests.conftest import FIXTURES

# --- deriving body dates from change events ---------------------------------------------------


def folder_with(tmp_path: Path, **files: str) -> Path:
    """The small good register with some of its files replaced."""
    folder = tmp_path / "curated"
    shutil.copytree(FIXTURES / "curated_good", folder)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def dates(folder: Path) -> dict[str, tuple[str | None, str | None]]:
    return {
        e.id: (e.start.text if e.start else None, e.end.text if e.end else None)
        for e in read_register(folder).organisations
    }


def test_a_dated_establishment_gives_the_body_it_results_in_its_start_date(
    tmp_path: Path,
) -> None:
    folder = folder_with(tmp_path)
    assert dates(folder)["body-two"] == ("2021-05-17", None)
    triples = set(CuratedLoader(folder).triples(Resolver()))
    assert (entity("body-two"), GG.startDate, Literal("2021-05-17", datatype=XSD.date)) in triples


def test_a_dated_closure_or_abolition_gives_the_body_it_affects_its_end_date(
    tmp_path: Path,
) -> None:
    folder = folder_with(
        tmp_path,
        events="""
        events:
          - id: body-two-closes
            kind: Closure
            name: Body Two closes
            date: 2023
            affects: [body-two]
            sources:
              - {doc: doc-a.txt, locator: "Section 6"}
          - id: post-one-abolished
            kind: Abolition
            name: Post One abolished
            date: 2022-06-30
            affects: [post-one]
            sources:
              - {doc: doc-a.txt, locator: "Section 6"}
        """,
    )
    found = dates(folder)
    assert found["body-two"] == (None, "2023")
    assert found["post-one"] == (None, "2022-06-30")


def test_a_merger_ends_the_bodies_it_merges_and_starts_the_new_one(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        events="""
        events:
          - id: merger
            kind: Merger
            name: Post One merged into Body Two
            date: 2022-04-01
            affects: [post-one, body-two]
            results_in: [body-two]
            sources:
              - {doc: doc-a.txt, locator: "Section 6"}
        """,
    )
    found = dates(folder)
    assert found["post-one"] == (None, "2022-04-01")
    assert found["body-two"] == (None, None), "the body a merger keeps goes on"


def test_an_undated_event_dates_nothing(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        events="""
        events:
          - id: body-two-set-up
            kind: Establishment
            name: Body Two set up
            results_in: [body-two]
            sources:
              - {doc: doc-a.txt, locator: "Section 6"}
        """,
    )
    assert dates(folder)["body-two"] == (None, None)


def test_a_year_on_the_body_and_a_day_in_the_event_agree_and_the_day_is_kept(
    tmp_path: Path,
) -> None:
    folder = folder_with(
        tmp_path,
        events="""
        events:
          - id: body-one-closes
            kind: Closure
            name: Body One closes
            date: 2020
            affects: [body-one]
            sources:
              - {doc: doc-a.txt, locator: "Section 6"}
          - id: body-one-begins
            kind: Establishment
            name: Body One begins
            date: 2016-08-01
            results_in: [body-one]
            sources:
              - {doc: doc-a.txt, locator: "Section 6"}
        """,
    )
    assert dates(folder)["body-one"] == ("2016-08-01", "2020-03-31")


def test_a_body_date_and_an_event_date_that_disagree_fail_naming_both_lines(
    tmp_path: Path,
) -> None:
    folder = folder_with(
        tmp_path,
        events="""
        events:
          - id: body-one-begins
            kind: Establishment
            name: Body One begins
            date: 2017-01-01
            results_in: [body-one]
            sources:
              - {doc: doc-a.txt, locator: "Section 6"}
        """,
    )
    with pytest.raises(SourceError) as caught:
        read_register(folder)
    error = caught.value
    assert (Path(error.file or "").name, error.line, error.field) == ("events.yaml", 5, "date")
    # body-one's `start: 2016` is on line 8 of the fixture's organisations.yaml
    assert "its start in organisations.yaml line 8 says 2016" in str(error)
    assert "2017-01-01" in str(error)


def test_two_events_that_date_one_body_differently_fail(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        events="""
        events:
          - id: first
            kind: Establishment
            name: Body Two set up
            date: 2021-05-17
            results_in: [body-two]
            sources:
              - {doc: doc-a.txt, locator: "Section 6"}
          - id: second
            kind: Establishment
            name: Body Two set up again
            date: 2022
            results_in: [body-two]
            sources:
              - {doc: doc-a.txt, locator: "Section 6"}
        """,
    )
    with pytest.raises(SourceError) as caught:
        read_register(folder)
    assert caught.value.line == 12
    assert "Establishment event 'first'" in str(caught.value)


def test_a_closure_before_the_body_began_fails(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path,
        events="""
        events:
          - id: body-two-set-up
            kind: Establishment
            name: Body Two set up
            date: 2021-05-17
            results_in: [body-two]
            sources:
              - {doc: doc-a.txt, locator: "Section 6"}
          - id: body-two-closes
            kind: Closure
            name: Body Two closes
            date: 2020
            affects: [body-two]
            sources:
              - {doc: doc-a.txt, locator: "Section 6"}
        """,
    )
    with pytest.raises(SourceError, match="an end \\(2020\\) before its start"):
        read_register(folder)


# --- the bundled data carries the dated facts of the seeds -------------------------------------


def value(store: Store, subject: str, prop: str) -> str | None:
    row = store.select_one(f"SELECT ?v WHERE {{ <{entity(subject)}> {prop} ?v }}")
    return str(row["v"]) if row else None


@pytest.mark.parametrize(
    ("subject", "prop", "expected"),
    [
        ("independent-care-review", "gg:startDate", "2016"),
        ("independent-care-review", "gg:endDate", "2020-03-31"),
        ("the-promise", "gg:startDate", "2020-04"),
        ("the-promise-scotland", "gg:startDate", "2021"),
        ("promise-partnership-open-call", "gg:startDate", "2021-02-05"),
        ("i-promise-team", "gg:startDate", "2021-05-17"),
        ("promise-story-of-progress", "gg:startDate", "2024"),
        ("phase/year-one", "gg:startDate", "2020-04-01"),
        ("phase/year-one", "gg:endDate", "2021-03-31"),
        ("phase/years-two-to-four", "gg:endDate", "2024-03-31"),
        ("phase/years-eight-to-ten", "gg:endDate", "2030-03-31"),
        ("plan/plan-21-24", "gg:startDate", "2021"),
        ("plan/plan-21-24", "gg:endDate", "2024"),
        ("event/independent-care-review-concludes", "gg:eventDate", "2020-03-31"),
        ("event/promise-partnership-open-call-announced", "gg:eventDate", "2021-02-05"),
        ("rel/inverclyde-ijb/directs/inverclyde-council", "gg:startDate", "2021-05-17"),
        (
            "rel/inverclyde-hscp/fundedby/promise-partnership-diagnostic-route",
            "gg:endDate",
            "2022-03-31",
        ),
        ("rel/chief-design-officer/supports/the-promise", "gg:endDate", "2021-03-31"),
        ("figure/inverclyde-promise-partnership-award", "dcterms:date", "2021-03-29"),
    ],
)
def test_the_seeds_dated_facts_are_in_the_bundled_data(
    bundled: Store, subject: str, prop: str, expected: str
) -> None:
    assert value(bundled, subject, prop) == expected


def test_a_reappointment_is_not_recorded_as_the_start_of_holding_a_post(bundled: Store) -> None:
    """Fiona Duncan was re-appointed Independent Strategic Advisor in 2025: she held the post
    before, so 2025 must not be the start of the relationship."""
    rel = "rel/fiona-duncan/holdspost/independent-strategic-advisor"
    assert value(bundled, rel, "gg:startDate") is None
    assert value(bundled, rel, "gg:endDate") == "2030"


def test_every_dated_body_event_and_phase_of_the_register_cites_a_document_and_locator(
    bundled: Store,
) -> None:
    rows = bundled.select(
        """SELECT DISTINCT ?x WHERE {
          GRAPH <https://w3id.org/govgraph/graph/curated> {
            ?x gg:startDate|gg:endDate|gg:eventDate ?d
          }
          FILTER NOT EXISTS {
            ?x gg:citation ?c . ?c gg:document ?doc ; gg:locator ?loc .
            ?doc a gg:SourceDocument .
            FILTER(STRLEN(STR(?loc)) > 0)
          }
        }"""
    )
    assert [str(r["x"]) for r in rows] == []


def test_every_dated_establishment_or_closure_dates_the_body_it_makes_or_ends(
    bundled: Store,
) -> None:
    undated = bundled.select(
        """SELECT ?ev ?b WHERE {
          { ?ev a gg:Establishment ; gg:eventDate ?d ; gg:resultsIn ?b
            FILTER NOT EXISTS { ?b gg:startDate ?s } }
          UNION
          { VALUES ?k { gg:Closure gg:Abolition }
            ?ev a ?k ; gg:eventDate ?d ; gg:affects ?b
            FILTER NOT EXISTS { ?b gg:endDate ?e } }
        }"""
    )
    assert [(str(r["ev"]), str(r["b"])) for r in undated] == []


# --- the landscape at a date ---------------------------------------------------------------------


def records_as_of(store: Store, as_of: str) -> list[OrganisationRecord]:
    out: list[OrganisationRecord] = []
    after = None
    while True:
        page = list_organisations(store, 500, after, Filter(as_of=as_of))
        out += page.items
        if not page.has_next:
            return out
        after = page.cursors[-1]


def names_as_of(store: Store, as_of: str) -> set[str]:
    return {item.name for item in records_as_of(store, as_of)}


EXISTING_THROUGHOUT = [
    "Inverclyde Council",
    "NHS Greater Glasgow and Clyde",
    "Inverclyde Integration Joint Board",
    "Care Inspectorate",
    "Scottish Government",
]


def test_as_of_2020_01_01_lists_the_care_review_and_not_bodies_set_up_later(
    bundled: Store,
) -> None:
    names = names_as_of(bundled, "2020-01-01")
    for name in [*EXISTING_THROUGHOUT, "Independent Care Review"]:
        assert name in names
    for name in [
        "The Promise",
        "The Promise Scotland",
        "Inverclyde I Promise Team",
        "Promise Story of Progress",
    ]:
        assert name not in names


def test_as_of_2021_06_01_lists_the_i_promise_team_and_not_the_concluded_care_review(
    bundled: Store,
) -> None:
    names = names_as_of(bundled, "2021-06-01")
    for name in [
        *EXISTING_THROUGHOUT,
        "Inverclyde I Promise Team",
        "The Promise",
        "The Promise Scotland",
    ]:
        assert name in names
    for name in ["Independent Care Review", "Promise Story of Progress"]:
        assert name not in names


def test_no_body_listed_on_a_date_began_after_it_or_ended_before_it(bundled: Store) -> None:
    """Whatever its source, a dated body is listed only on dates within its dates (compared
    at the coarser precision of the two)."""
    as_of = "2020-01-01"
    checked = 0
    for item in records_as_of(bundled, as_of):
        if item.start:
            n = min(len(item.start), len(as_of))
            assert item.start[:n] <= as_of[:n], (item.name, item.start)
            checked += 1
        if item.end:
            n = min(len(item.end), len(as_of))
            assert item.end[:n] >= as_of[:n], (item.name, item.end)
    assert checked > 0


def test_the_landscape_map_as_of_a_date_shows_the_bodies_of_that_date(bundled: Store) -> None:
    review, team = str(entity("independent-care-review")), str(entity("i-promise-team"))
    council = str(entity("inverclyde-council"))
    before = {n.id for n in build_map(bundled, "landscape", as_of="2020-01-01").nodes}
    after = {n.id for n in build_map(bundled, "landscape", as_of="2021-06-01").nodes}
    assert review in before and team not in before
    assert team in after and review not in after
    assert council in before and council in after
