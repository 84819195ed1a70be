"""The one YAML reader (govgraph.graph.core.yaml_reader) and the text helpers it uses:
positions kept, alias bombs and escaped control characters refused where they are, and
quoted values in messages kept short."""

from __future__ import annotations

import pytest

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.text import short_repr, text_problem
from govgraph.graph.core.yaml_reader import (
    MAX_ALIAS_EXPANSION,
    MarkedDict,
    compose_yaml,
    load_yaml,
)
from tests.conftest import FIXTURES

BOMB = (FIXTURES / "scenarios" / "alias-bomb.yaml").read_text(encoding="utf-8")


def test_values_keep_their_positions_and_dates_stay_text() -> None:
    doc = load_yaml("a: 1\nb:\n  - 2021-02-30\n  - x\n", "f.yaml")
    assert isinstance(doc, MarkedDict)
    assert doc["b"] == ["2021-02-30", "x"]
    assert doc.value_marks["b"] == (3, 3)
    assert doc["b"].item_marks == [(3, 5), (4, 5)]


def test_a_few_aliases_and_merge_keys_still_read() -> None:
    doc = load_yaml("base: &b {kind: x, n: 1}\none: {<<: *b, n: 2}\ntwo: *b\n", "f.yaml")
    assert doc["one"] == {"kind": "x", "n": 2}
    assert doc["two"] == {"kind": "x", "n": 1}


@pytest.mark.parametrize("read", [load_yaml, compose_yaml])
def test_an_alias_bomb_is_refused_at_the_alias_that_tips_it_over(read) -> None:
    with pytest.raises(SourceError) as err:
        read(BOMB, "bomb.yaml")
    assert (err.value.file, err.value.line, err.value.column) == ("bomb.yaml", 9, 13)
    assert f"more than {MAX_ALIAS_EXPANSION:,} values" in str(err.value)


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    with pytest.raises(SourceError) as err:
        load_yaml("a: &x [1, *x]\n", "f.yaml")
    assert (err.value.line, err.value.column) == (1, 11)
    assert "refers to the collection it is in" in str(err.value)


@pytest.mark.parametrize(
    ("escape", "what"),
    [
        ("\\x1b", "control character U+001B"),
        ("\\0", "control character U+0000"),
        ("\\ud800", "lone surrogate U+D800"),
        ("\\uDFFF", "lone surrogate U+DFFF"),
        ("\\uFFFE", "non-character U+FFFE"),
    ],
)
@pytest.mark.parametrize("read", [load_yaml, compose_yaml])
def test_escaped_control_characters_and_surrogates_are_refused(read, escape, what) -> None:
    with pytest.raises(SourceError) as err:
        read(f'a: ok\nb: "x{escape}y"\n', "f.yaml")
    assert (err.value.line, err.value.column) == (2, 4)
    assert what in str(err.value)


def test_escaped_keys_are_checked_too() -> None:
    with pytest.raises(SourceError) as err:
        load_yaml('"k\\x07": v\n', "f.yaml")
    assert err.value.line == 1 and "U+0007" in str(err.value)


def test_tab_newline_and_other_scripts_are_fine() -> None:
    assert load_yaml('a: "x\\ty\\nz é 中 😀"\n')["a"] == "x\ty\nz é 中 😀"
    assert text_problem("tab\tline\nreturn\r") is None


def test_short_repr_bounds_large_and_shared_values() -> None:
    shared: list[object] = ["lol"] * 9
    for _ in range(8):
        shared = [shared] * 9  # 9**9 leaves: repr() would take minutes and gigabytes
    text = short_repr(shared)
    assert len(text) <= 80 and text.startswith("[[[")
    assert short_repr("x" * 1000).endswith("…") and len(short_repr("x" * 1000)) == 80
    assert short_repr("Body One") == "'Body One'"
    marked = MarkedDict({f"k{i}": i for i in range(100)})
    assert len(short_repr(marked, limit=40)) <= 40
