"""Impacts of scenarios and of time, on a hand-built landscape where each change has a known
effect, and one merger on the bundled data whose every item is traced to sourced facts."""

from __future__ import annotations

from collections import Counter

import pytest

from govgraph.graph.analysis.impact import compare, date_diff, scenario_impact
from govgraph.graph.analysis.impact_model import CATEGORIES, Impact
from govgraph.graph.analysis.overlaps import compute_findings
from govgraph.graph.analysis.scenario import load_scenario, parse_scenario
from govgraph.graph.analysis.snapshot import copy_store
from govgraph.graph.core.errors import QueryError
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import ID
from tests.conftest import FIXTURES
from tests.test_snapshot import digests, scenario_store

__all__ = ["scenario_store"]


def run(store: Store, *changes: dict) -> Impact:
    impact, _ = scenario_impact(store, parse_scenario({"name": "test", "changes": list(changes)}))
    return impact


def summaries(impact: Impact, category: str) -> list[str]:
    return [c.summary for c in impact.changes if c.category == category]


def test_merge_of_two_boards_sharing_a_member(scenario_store: Store):
    before = digests(scenario_store)
    impact, after = scenario_impact(
        scenario_store, load_scenario(FIXTURES / "scenarios" / "merge_boards.yaml")
    )
    assert digests(scenario_store) == before
    assert summaries(impact, "body-removed") == [
        "Board A no longer exists; Joint Board takes its place.",
        "Board B no longer exists; Joint Board takes its place.",
    ]
    assert summaries(impact, "body-added") == ["Joint Board is added."]
    assert sorted(summaries(impact, "line-redirected")) == [
        "The line 'Board A reports to Parent Board' becomes 'Joint Board reports to Parent Board'.",
        "The line 'Board B reports to Parent Board' becomes 'Joint Board reports to Parent Board'.",
        "The line 'Child Group reports to Board B' becomes 'Child Group reports to Joint Board'.",
    ]
    assert summaries(impact, "line-removed") == []
    assert summaries(impact, "body-orphaned") == []
    assert summaries(impact, "membership-merged") == [
        "Charity X's memberships of Board A and Board B become one membership of Joint Board.",
        "Charity Y's membership of Board B passes to Joint Board.",
    ]
    assert summaries(impact, "lead-changed") == [
        "The leads of the action 'Action One' change from Board B to Joint Board.",
        "The leads of the action 'Action Two' change from Board B, East Council to "
        "East Council, Joint Board.",
    ]
    assert summaries(impact, "relationship-changed") == [
        "'Board B advises Board A' no longer holds (it would refer to itself)."
    ]
    assert impact.counts_before["groups"] - impact.counts_after["groups"] == 1
    assert str(ID["joint-board"]) in impact.touched
    for change in impact.changes:
        assert change.category in CATEGORIES
        assert change.evidence and all(f.sources for f in change.evidence), change
        assert any(
            f.text.startswith("Scenario step 1 (merge_boards.yaml line 4)") for f in change.evidence
        )
    redirected = next(c for c in impact.changes if c.category == "line-redirected")
    locators = {s.locator for f in redirected.evidence for s in f.sources}
    assert "section 1" in locators  # the cited line, not only the scenario
    assert after.count() != scenario_store.count()


def test_abolish_without_transfer_orphans_and_loses_leads(scenario_store: Store):
    impact = run(scenario_store, {"abolish": "Board B"})
    assert summaries(impact, "line-removed") == [
        "The line 'Board B reports to Parent Board' is removed.",
        "The line 'Child Group reports to Board B' is removed.",
    ]
    assert summaries(impact, "line-redirected") == []
    assert summaries(impact, "body-orphaned") == [
        "Child Group is left with no accountability line."
    ]
    assert summaries(impact, "lead-lost") == [
        "The action 'Action One' is left with no lead (was Board B)."
    ]
    assert summaries(impact, "lead-changed") == [
        "The leads of the action 'Action Two' change from Board B, East Council to East Council."
    ]
    assert summaries(impact, "membership-removed") == [
        "Charity X is no longer a member of Board B.",
        "Charity Y is no longer a member of Board B.",
    ]


def test_abolish_with_transfer_redirects_instead(scenario_store: Store):
    impact = run(scenario_store, {"abolish": "Board B", "transfer_functions_to": "Board A"})
    assert summaries(impact, "line-redirected") == [
        "The line 'Child Group reports to Board B' becomes 'Child Group reports to Board A'."
    ]
    assert summaries(impact, "line-removed") == [
        "The line 'Board B reports to Parent Board' is removed."
    ]
    assert summaries(impact, "body-orphaned") == []
    assert summaries(impact, "lead-lost") == []
    assert summaries(impact, "lead-changed")[0] == (
        "The leads of the action 'Action One' change from Board B to Board A."
    )
    assert "Charity Y's membership of Board B passes to Board A." in summaries(
        impact, "membership-merged"
    )


def test_move_redirects_the_line(scenario_store: Store):
    impact = run(scenario_store, {"move": "Child Group", "under": "Parent Board"})
    assert summaries(impact, "line-redirected") == [
        "The line 'Child Group reports to Board B' becomes 'Child Group reports to Parent Board'."
    ]
    assert summaries(impact, "line-removed") == []
    assert summaries(impact, "line-added") == []
    assert summaries(impact, "body-orphaned") == []


def test_rename_and_add(scenario_store: Store):
    impact = run(
        scenario_store,
        {"rename": "Board A", "to": "Board Alpha"},
        {
            "add": {
                "name": "New Forum",
                "type": "Committee",
                "accountable_to": "Board Alpha",
                "members": ["Charity Y"],
            }
        },
    )
    assert summaries(impact, "body-renamed") == ["Board A is renamed Board Alpha."]
    assert summaries(impact, "body-added") == ["New Forum is added."]
    assert summaries(impact, "line-added") == ["New line: New Forum reports to Board Alpha."]
    assert summaries(impact, "relationship-changed") == ["Charity Y becomes a member of New Forum."]
    assert impact.counts_after["groups"] == impact.counts_before["groups"] + 1
    renamed = next(c for c in impact.changes if c.category == "body-renamed")
    assert (renamed.before, renamed.after) == ("Board A", "Board Alpha")
    added_line = next(c for c in impact.changes if c.category == "line-added")
    titles = [s.title for f in added_line.evidence for s in f.sources]
    assert len(titles) >= 2 and set(titles) == {"Scenario: test"}


def test_a_no_op_yields_no_changes(scenario_store: Store):
    assert run(scenario_store, {"rename": "Board A", "to": "Board A"}).changes == ()
    impact = compare(
        scenario_store, copy_store(scenario_store), title="t", before_label="a", after_label="b"
    )
    assert impact.changes == () and impact.counts_before == impact.counts_after


def test_findings_before_are_reused(scenario_store: Store):
    sc = parse_scenario({"name": "test", "changes": [{"abolish": "Board B"}]})
    fresh, _ = scenario_impact(scenario_store, sc)
    cached, _ = scenario_impact(
        scenario_store, sc, findings_before=compute_findings(scenario_store)
    )
    assert fresh.to_dict() == cached.to_dict()
    none_before, _ = scenario_impact(scenario_store, sc, findings_before=[])
    assert not [c for c in none_before.changes if c.category == "finding-resolved"]


def test_impact_is_deterministic(scenario_store: Store):
    sc = load_scenario(FIXTURES / "scenarios" / "merge_boards.yaml")
    first, _ = scenario_impact(scenario_store, sc)
    second, _ = scenario_impact(scenario_store, sc)
    assert first.to_dict() == second.to_dict()


def test_date_diff_lists_events_in_the_interval(scenario_store: Store):
    impact, _, _ = date_diff(scenario_store, "2020-01-01", "2022-06-30")
    assert summaries(impact, "event") == [
        "2021-03-31: Closed Body closed.",
        "2022-01-01: Late Body established.",
    ]
    assert "Late Body is added." in summaries(impact, "body-added")
    assert "Closed Body no longer exists." in summaries(impact, "body-removed")
    event = next(c for c in impact.changes if c.category == "event")
    assert event.evidence[0].sources[0].locator == "section 3"
    narrow, _, _ = date_diff(scenario_store, "2021-03-31", "2021-12-31")
    assert summaries(narrow, "event") == []


def test_date_diff_rejects_bad_or_reversed_dates(scenario_store: Store):
    with pytest.raises(QueryError):
        date_diff(scenario_store, "2020-1", "2021")
    with pytest.raises(QueryError, match="must not be after"):
        date_diff(scenario_store, "2022", "2021-01-01")


@pytest.mark.slow
def test_merging_the_inverclyde_boards_on_the_bundled_data(bundled: Store):
    sc = parse_scenario(
        {
            "name": "One Inverclyde board",
            "changes": [
                {
                    "merge": ["Inverclyde I Promise Board", "Inverclyde Champions Board"],
                    "into": "Inverclyde Promise and Champions Board",
                }
            ],
        },
        "inverclyde.yaml",
    )
    impact, after = scenario_impact(bundled, sc)
    kinds = Counter(c.category for c in impact.changes)
    assert kinds["body-removed"] == 2 and kinds["body-added"] == 1
    assert kinds["line-redirected"] >= 1
    assert impact.counts_after["groups"] == impact.counts_before["groups"] - 1
    for change in impact.changes:
        assert change.evidence, change.summary
        assert all(f.sources for f in change.evidence), change.summary
        assert (
            any(
                s.title != "Scenario: One Inverclyde board"
                for f in change.evidence
                for s in f.sources
            )
            or change.category == "body-added"
        ), change.summary
    assert after.count() > 0
