"""Scenario files: parsing with line numbers, resolution of names (all-or-nothing, with
clear errors), and application to a copy that never touches the stored landscape."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, SKOS

from govgraph.graph.analysis.scenario import (
    ScenarioError,
    applied_scenario,
    apply_scenario,
    load_scenario,
    parse_scenario,
    resolve_scenario,
)
from govgraph.graph.core.errors import NotFound, SourceError
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GG, ID
from tests.conftest import FIXTURES
from tests.test_snapshot import digests, has, scenario_store

__all__ = ["scenario_store"]

SCENARIOS = FIXTURES / "scenarios"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_parses_into_steps_with_their_lines():
    sc = load_scenario(SCENARIOS / "merge_boards.yaml")
    assert sc.name == "Merge Board A and Board B"
    (step,) = sc.steps
    assert (step.op, step.subjects, step.target, step.line) == (
        "merge",
        ("Board A", "BB"),
        "Joint Board",
        4,
    )
    assert step.describe() == "merge Board A and BB into Joint Board"


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("name: x\nchanges:\n  - explode: Board A\n", 3, None, "exactly one of merge"),
        (
            "name: x\nchanges:\n  - merge: [Board A, Board B]\n",
            3,
            "into",
            "missing required field 'into'",
        ),
        ("name: x\nchanges:\n  - merge: [Board A]\n    into: C\n", 3, "merge", "at least 2"),
        (
            "name: x\nchanges:\n  - rename: A\n    to: B\n  - move: A\n    under: B\n"
            "    kind: likes\n",
            7,
            "kind",
            "unknown accountability kind",
        ),
        ("name: x\nchanges:\n  - add: {name: N, type: Castle}\n", 3, "type", "unknown type"),
        ("name: x\nchanges:\n  - abolish: A\n    when: now\n", 4, "when", "unknown field"),
        ("name: x\nchanges: [\n", 3, None, "YAML syntax error"),
        ("name: x\nchanges: []\n", 2, "changes", "non-empty list"),
    ],
)
def test_a_bad_file_names_its_line_and_field(tmp_path, text, line, field, words):
    with pytest.raises(SourceError) as err:
        load_scenario(write(tmp_path, text))
    assert err.value.line == line
    assert err.value.field == field
    assert words in str(err.value)
    assert str(tmp_path / "s.yaml") in str(err.value)


def test_a_plain_list_of_changes_parses_without_lines():
    sc = parse_scenario([{"rename": "Board A", "to": "Board Alpha"}], "graphql")
    assert sc.steps[0].line is None
    assert sc.steps[0].where == "graphql"


def test_an_unknown_body_fails_clearly_and_changes_nothing(scenario_store: Store):
    before = digests(scenario_store)
    sc = load_scenario(SCENARIOS / "unknown_body.yaml")
    with pytest.raises(ScenarioError) as err:
        apply_scenario(scenario_store, sc)
    assert isinstance(err.value, NotFound) and isinstance(err.value, SourceError)
    message = str(err.value)
    assert "'Board Zed'" in message and "step 2" in message
    assert err.value.line == 5 and err.value.file.endswith("unknown_body.yaml")
    assert digests(scenario_store) == before


def test_an_ambiguous_name_lists_the_candidates(scenario_store: Store):
    sc = parse_scenario({"name": "x", "changes": [{"abolish": "Twin Committee"}]})
    with pytest.raises(ScenarioError, match=r"twin-one.*twin-two"):
        resolve_scenario(sc, scenario_store)
    by_id = parse_scenario({"name": "x", "changes": [{"abolish": "twin-one"}]})
    assert resolve_scenario(by_id, scenario_store).steps[0].subjects == (str(ID["twin-one"]),)


def test_a_later_step_cannot_use_a_body_an_earlier_one_removed(scenario_store: Store):
    sc = parse_scenario(
        {"name": "x", "changes": [{"abolish": "Board A"}, {"rename": "Board A", "to": "Z"}]}
    )
    with pytest.raises(ScenarioError, match="step 1 removed it"):
        resolve_scenario(sc, scenario_store)


def test_a_later_step_may_use_a_body_an_earlier_one_created(scenario_store: Store):
    sc = parse_scenario(
        {
            "name": "x",
            "changes": [
                {"merge": ["Board A", "Board B"], "into": "Joint Board"},
                {"move": "Joint Board", "under": "Alba Government"},
            ],
        }
    )
    after = apply_scenario(scenario_store, sc)
    assert has(after, "joint-board", GG.reportsTo, "alba-government")
    assert not has(after, "joint-board", GG.reportsTo, "parent-board")


def test_merge_restates_everything_of_the_merged_bodies_of_a_new_body(scenario_store: Store):
    before = digests(scenario_store)
    applied = applied_scenario(scenario_store, load_scenario(SCENARIOS / "merge_boards.yaml"))
    after = applied.store
    assert digests(scenario_store) == before
    joint = ID["joint-board"]
    assert after.ask("ASK { <urn:govgraph:param:e> a gg:Board }", {"e": [joint]})
    names = {
        str(r["n"])
        for r in after.select(
            "SELECT ?n WHERE { <urn:govgraph:param:e> skos:altLabel ?n }", {"e": [joint]}
        )
    }
    assert {"Board A", "Board B", "BB"} <= names
    assert has(after, "joint-board", GG.reportsTo, "parent-board")
    assert has(after, "child-group", GG.reportsTo, "joint-board")
    assert has(after, "charity-x", GG.memberOf, "joint-board")
    assert has(after, "action/one", GG.leadOrganisation, "joint-board")
    assert has(after, "joint-board", GG.hasInterestIn, "policy-area/care")
    assert not has(after, "joint-board", GG.advises, "joint-board")  # self-loop dropped
    assert not after.ask("ASK { <https://w3id.org/govgraph/id/rel/b-advises-a> ?p ?o }")
    for old in ("board-a", "board-b"):
        assert not after.ask("ASK { <urn:govgraph:param:e> ?p ?o }", {"e": [ID[old]]})
    memberships = after.select(
        "SELECT ?g WHERE { GRAPH ?g { id:charity-x gg:memberOf id:joint-board } }"
    )
    assert len(memberships) == 1  # two memberships became one
    (record,) = applied.steps
    assert record.successors == {str(ID["board-a"]): str(joint), str(ID["board-b"]): str(joint)}
    assert record.source.locator == "step 1, merge_boards.yaml line 4"
    assert "self-references dropped" in record.summary


def test_abolish_with_transfer_keeps_the_receiver_in_its_own_place(scenario_store: Store):
    sc = parse_scenario(
        {"name": "x", "changes": [{"abolish": "Board B", "transfer_functions_to": "Board A"}]}
    )
    after = apply_scenario(scenario_store, sc)
    assert has(after, "child-group", GG.reportsTo, "board-a")
    assert has(after, "charity-y", GG.memberOf, "board-a")
    assert has(after, "action/one", GG.leadOrganisation, "board-a")
    assert has(after, "board-a", GG.reportsTo, "parent-board")
    assert not after.ask("ASK { <urn:govgraph:param:e> ?p ?o }", {"e": [ID["board-b"]]})


def test_move_replaces_the_upward_lines_and_keeps_the_kind(scenario_store: Store):
    sc = parse_scenario({"name": "x", "changes": [{"move": "Child Group", "under": "Board A"}]})
    after = apply_scenario(scenario_store, sc)
    assert has(after, "child-group", GG.reportsTo, "board-a")
    assert not has(after, "child-group", GG.reportsTo, "board-b")
    assert has(after, "child-group", GG.accountableTo, "alba-government")  # re-inferred


def test_rename_and_add(scenario_store: Store):
    sc = parse_scenario(
        {
            "name": "x",
            "changes": [
                {"rename": "Board A", "to": "Board Alpha"},
                {
                    "add": {
                        "name": "New Forum",
                        "type": "NetworkOrCollaborative",
                        "accountable_to": "Board Alpha",
                        "kind": "sponsoredBy",
                        "members": ["Charity X", "Charity Y"],
                    }
                },
            ],
        }
    )
    after = apply_scenario(scenario_store, sc)
    a = ID["board-a"]
    assert after.ask(
        "ASK { <urn:govgraph:param:e> skos:prefLabel <urn:govgraph:param:n> }",
        {"e": [a], "n": [Literal("Board Alpha")]},
    )
    assert (a, SKOS.altLabel, Literal("Board A")) in set(
        t for g in after.graphs() for t in after.graph_triples(g)
    )
    assert (ID["new-forum"], RDF.type, GG.NetworkOrCollaborative) in set(
        t for g in after.graphs() for t in after.graph_triples(g)
    )
    assert has(after, "new-forum", GG.sponsoredBy, "board-a")
    assert has(after, "charity-y", GG.memberOf, "new-forum")


def test_add_refuses_a_name_already_in_use(scenario_store: Store):
    sc = parse_scenario({"name": "x", "changes": [{"add": {"name": "BB", "type": "Board"}}]})
    with pytest.raises(ScenarioError, match="already names Board B"):
        resolve_scenario(sc, scenario_store)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    text = (
        "name: x\nchanges:\n  - merge: [Board A]\n    into: C\n  - abolish: A\n    when: now\n"
        "  - rename: B\n"
    )
    with pytest.raises(SourceError) as err:
        load_scenario(write(tmp_path, text))
    where = [(p.line, p.field) for p in err.value.problems]
    assert where == [(3, "merge"), (6, "when"), (7, "to")]
    assert "3 problems in all" in str(err.value)


def test_a_step_that_names_bodies_by_id_reads_with_their_names(scenario_store: Store):
    """A recommendation's scenario names bodies by id; its impact page must not."""
    sc = parse_scenario(
        {
            "name": "x",
            "changes": [{"abolish": "board-b", "transfer_functions_to": str(ID["board-a"])}],
        }
    )
    (record,) = applied_scenario(scenario_store, sc).steps
    assert "abolish Board B, transferring its functions to Board A" in record.text
    assert "board-b" not in record.text and str(ID) not in record.text
    by_name = parse_scenario({"name": "x", "changes": [{"move": "BB", "under": "Board A"}]})
    (record,) = applied_scenario(scenario_store, by_name).steps
    assert "move BB under Board A" in record.text  # a name as written stays as written
