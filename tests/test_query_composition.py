"""Optional filters are composed into a query file's one #FILTERS slot, whatever its
indentation, and a file without exactly one slot is refused rather than run unfiltered."""

from __future__ import annotations

import pytest

from govgraph.graph.storage import queries
from govgraph.graph.storage.queries import FILTERS_SLOT, query, with_filters


def test_every_query_file_that_takes_filters_has_exactly_one_slot() -> None:
    for name in ("organisation_list", "organisation_list_count", "action_list"):
        assert len(FILTERS_SLOT.findall(query(name))) == 1, name


def test_fragments_go_into_the_slot_in_order() -> None:
    text = with_filters("action_list", ["?a <urn:p> ?x .\n", "?a <urn:q> ?y ."])
    assert "#FILTERS" not in text
    assert text.index("<urn:p>") < text.index("<urn:q>")
    assert text.startswith(query("action_list").split("#FILTERS")[0].rstrip(" "))


def test_no_fragments_leaves_every_other_line_of_the_query() -> None:
    text = with_filters("organisation_list", [])
    kept = [line for line in query("organisation_list").splitlines() if line.strip()]
    assert [line for line in text.splitlines() if line.strip()] == [
        line for line in kept if not FILTERS_SLOT.match(line)
    ]


@pytest.mark.parametrize("text", ["SELECT * { ?s ?p ?o }", "SELECT * {\n  #FILTERS\n  #FILTERS\n}"])
def test_a_file_without_exactly_one_slot_is_refused(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setattr(queries, "query", lambda name: text)
    with pytest.raises(ValueError, match="needs one"):
        queries.with_filters("broken", ["?s ?p ?o ."])


def test_a_reindented_slot_still_takes_the_filters() -> None:
    assert FILTERS_SLOT.search("WHERE {\n\t#  FILTERS \n}") is not None
