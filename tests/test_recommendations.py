"""Issue #18 items 1-2: recommendations on hand-built graphs (each action, with a negative
case), the minimum-evidence rules, and the recommendations on the bundled data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govgraph.graph.analysis.findings import Finding
from govgraph.graph.analysis.overlap_recommend import ACTIONS
from govgraph.graph.analysis.overlaps import compute_findings
from govgraph.graph.storage.store import Store
from tests.test_overlaps_analyses import DOC, cited, ids, load, named, of


def actions(found: list[Finding]) -> dict[tuple[str, ...], str]:
    return {
        tuple(ids(f)): f.details["recommendation"]["action"] for f in of(found, "rationalisation")
    }


# --- each action, with a case where it must not be chosen ------------------------------
UNDER_PARENT = named(
    ("parent", "HealthAndSocialCarePartnership"),
    ("g1", "Board"),
    ("g2", "Board"),
    ("area", "PolicyArea"),
    ("kids", "ClientGroup"),
)


def test_merge_groups_doing_the_same_work_under_one_body(store: Store) -> None:
    body = (
        UNDER_PARENT
        + """
id:g1 gg:subOrganisationOf id:parent ; gg:hasInterestIn id:area ; gg:servesClientGroup id:kids .
id:g2 gg:subOrganisationOf id:parent ; gg:hasInterestIn id:area ; gg:servesClientGroup id:kids .
"""
    )
    found = compute_findings(load(store, body))
    assert actions(found) == {("g1", "g2"): "merge"}
    rec = of(found, "rationalisation")[0].details["recommendation"]
    assert rec["scenario"] == [
        {
            "abolish": "https://w3id.org/govgraph/id/g2",
            "transfer_functions_to": "https://w3id.org/govgraph/id/g1",
        }
    ]
    assert set(rec["scoreParts"]) == {"remit", "people", "parent", "place"}
    assert rec["signals"] and rec["reason"].endswith(".")


def test_no_merge_without_a_common_body_or_people(store: Store) -> None:
    body = (
        UNDER_PARENT
        + DOC
        + """
id:g1 gg:hasInterestIn id:area ; gg:servesClientGroup id:kids .
id:g2 gg:hasInterestIn id:area ; gg:servesClientGroup id:kids .
"""
        + cited("g1", "reportsTo", "parent", 1)
    )
    assert "merge" not in actions(compute_findings(load(store, body))).values()


def test_fold_into_parent_groups_sharing_people_but_not_a_remit(store: Store) -> None:
    body = (
        UNDER_PARENT
        + named(("team", "Team"))
        + DOC
        + """
id:g1 gg:subOrganisationOf id:parent . id:g2 gg:subOrganisationOf id:parent .
id:team gg:subOrganisationOf id:parent .
"""
        + cited("team", "supports", "g1", 1)
        + cited("team", "supports", "g2", 2)
    )
    found = compute_findings(load(store, body))
    assert set(actions(found).values()) == {"fold-into-parent"}
    rec = of(found, "rationalisation")[0].details["recommendation"]
    assert rec["scenario"][0]["into"] == "https://w3id.org/govgraph/id/parent"
    assert rec["scenario"][0]["merge"] == [
        "https://w3id.org/govgraph/id/g1",
        "https://w3id.org/govgraph/id/g2",
        "https://w3id.org/govgraph/id/team",
    ]
    assert "parent" in rec["reason"]


def test_no_fold_under_a_parliament(store: Store) -> None:
    body = (
        named(("top", "Parliament"), ("g1", "Board"), ("g2", "Board"), ("team", "Team"))
        + DOC
        + cited("g1", "reportsTo", "top", 1)
        + cited("g2", "reportsTo", "top", 2)
        + cited("team", "supports", "g1", 3)
    )
    assert "fold-into-parent" not in actions(compute_findings(load(store, body))).values()


SHARING = (
    named(("g1", "WorkingGroup"), ("g2", "Board"), ("area", "PolicyArea"), ("kids", "ClientGroup"))
    + """
id:g1 gg:hasInterestIn id:area ; gg:servesClientGroup id:kids .
id:g2 gg:hasInterestIn id:area ; gg:servesClientGroup id:kids .
"""
)


def test_clarify_accountability_when_neither_answers_to_anyone(store: Store) -> None:
    found = compute_findings(load(store, SHARING))
    assert actions(found) == {("g1", "g2"): "clarify-accountability"}
    assert "answer to no one" in of(found, "rationalisation")[0].explanation


def test_keep_when_each_has_its_line(store: Store) -> None:
    body = (
        SHARING
        + named(("a", "Government"), ("b", "LocalAuthority"))
        + DOC
        + cited("g1", "reportsTo", "a", 1)
        + cited("g2", "reportsTo", "b", 2)
    )
    assert actions(compute_findings(load(store, body))) == {("g1", "g2"): "keep"}


def test_keep_bodies_with_a_standing_of_their_own(store: Store) -> None:
    body = SHARING.replace("gg:WorkingGroup", "gg:ExecutiveNDPB").replace(
        "id:g2 a gg:Board", "id:g2 a gg:ExecutiveNDPB"
    )
    found = compute_findings(load(store, body))
    assert actions(found) == {("g1", "g2"): "keep"}
    assert "job of its own" in of(found, "rationalisation")[0].explanation


OVERSEERS = named(
    ("auditor", "StatutoryBody"), ("commission", "StatutoryBody"), ("x", "PublicBody")
)


def test_stop_duplicate_reporting_when_two_oversee_one_body(store: Store) -> None:
    body = (
        OVERSEERS
        + DOC
        + cited("x", "scrutinisedBy", "auditor", 1)
        + cited("x", "scrutinisedBy", "commission", 2)
    )
    found = compute_findings(load(store, body))
    assert actions(found) == {("auditor", "commission"): "stop-duplicate-reporting"}
    assert "x" in of(found, "rationalisation")[0].details["recommendation"]["reason"]


def test_one_overseer_is_no_duplicate(store: Store) -> None:
    body = OVERSEERS + DOC + cited("x", "scrutinisedBy", "auditor", 1)
    assert not of(compute_findings(load(store, body)), "rationalisation")


# --- noise control ------------------------------------------------------------------------
def test_one_joint_project_is_no_remit_overlap(store: Store) -> None:
    """The Children's Parliament and V&A Dundee both supporting one design school."""
    body = (
        named(("a", "ThirdSectorOrganisation"), ("b", "Organisation"), ("school", "Programme"))
        + DOC
        + cited("a", "supports", "school", 1)
        + cited("b", "supports", "school", 2)
    )
    found = compute_findings(load(store, body))
    assert not of(found, "remit-overlap") and not of(found, "rationalisation")


def test_one_specific_feature_is_enough(store: Store) -> None:
    """A shared client group, or the same oversight of one body, stands alone."""
    body = (
        named(("a", "Board"), ("b", "Board"), ("kin", "ClientGroup"))
        + "id:a gg:servesClientGroup id:kin . id:b gg:servesClientGroup id:kin ."
    )
    assert of(compute_findings(load(store, body)), "remit-overlap")


def test_crowded_features_are_one_cluster_not_pairs(store: Store) -> None:
    bodies = [f"yj{i}" for i in range(4)]
    body = named(*((b, "Board") for b in bodies), ("yj", "PolicyArea"), ("young", "ClientGroup"))
    body += "".join(
        f"id:{b} gg:hasInterestIn id:yj ; gg:servesClientGroup id:young .\n" for b in bodies
    )
    found = compute_findings(load(store, body))
    assert not of(found, "remit-overlap")
    assert [sorted(ids(f)) for f in of(found, "rationalisation")] == [bodies]
    assert {f.kind for f in found} >= {"crowded-policy-area", "crowded-client-group"}


# --- the vocabulary is defined once and documented --------------------------------------
def test_every_action_is_documented() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "overlaps.md").read_text(encoding="utf-8")
    section = doc.split("## Recommendations", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.M)
    assert documented == list(ACTIONS)


# --- the bundled data -----------------------------------------------------------------
@pytest.fixture(scope="module")
def found(bundled_findings: list[Finding]) -> list[Finding]:
    return bundled_findings


def _with(found: list[Finding], *names: str) -> Finding:
    for f in of(found, "rationalisation"):
        if set(names) <= {s.long or s.name for s in f.subjects}:
            return f
    raise AssertionError(f"no cluster holds {names}")


def test_inverclyde_boards_are_the_top_recommendation(found: list[Finding]) -> None:
    top = of(found, "rationalisation")[0]
    assert {"Inverclyde I Promise Board", "Inverclyde Champions Board"} <= {
        s.name for s in top.subjects
    }
    assert top.details["recommendation"]["action"] in ("merge", "fold-into-parent")
    assert top.details["recommendation"]["scenario"]


@pytest.mark.parametrize(
    "names",
    [
        ("Kinship Care Advice Service for Scotland", "Kinship Care Collaborative"),
        ("Children's Hearings Scotland", "Scottish Children's Reporter Administration"),
        ("Attainment Scotland Fund", "Scottish Attainment Challenge"),
        ("Youth Justice Improvement Board", "Children and Young People's Centre for Justice"),
    ],
)
def test_each_cluster_gets_a_reasoned_recommendation(
    found: list[Finding], names: tuple[str, ...]
) -> None:
    rec = _with(found, *names).details["recommendation"]
    assert rec["action"] in ACTIONS
    assert 40 < len(rec["reason"]) < 400 and rec["reason"].count(". ") == 0
    assert rec["signals"] and all(s["sources"] for s in rec["signals"])
    assert 0 < rec["confidence"] <= 1


def test_no_remit_overlap_rests_on_one_non_specific_feature(found: list[Finding]) -> None:
    for f in of(found, "remit-overlap"):
        shared = [x for x in f.details["shared"] if "council area" not in x]
        specific = [x for x in shared if not x.startswith(("supports ", "provides "))]
        assert len(shared) >= 2 or specific, f.explanation
    pairs = {frozenset(s.name for s in f.subjects) for f in of(found, "remit-overlap")}
    assert frozenset({"Children's Parliament", "V&A Dundee"}) not in pairs


# --- names people use (item 6) ----------------------------------------------------------
def test_findings_use_the_names_people_use_with_the_long_form_kept(
    found: list[Finding],
) -> None:
    subjects = {s.name: s for f in found for s in f.subjects}
    for short, long in [
        ("COSLA", "Convention of Scottish Local Authorities"),
        ("CHS", "Children's Hearings Scotland"),
        ("SCRA", "Scottish Children's Reporter Administration"),
    ]:
        assert subjects[short].long == long
    text = " ".join(f.explanation for f in found)
    assert "COSLA" in text and "Convention of Scottish Local Authorities" not in text
    assert subjects["Scottish Government"].long == ""  # no abbreviation: its name
