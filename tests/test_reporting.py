"""Issue #18 item 3: how often a line reports, in the documents' own words."""

from __future__ import annotations

import pytest

from govgraph.graph.analysis.reporting import frequency


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Reports at least annually to the Scottish Parliament.", "at least annually"),
        ("progress reported biannually", "biannually"),
        ("Performance report for each reporting year.", "annually"),
        ("An annual report to the board.", "annually"),
        ("Reviewed every three years.", "every three years"),
        ("Reports to the group.", None),
        ("", None),
        (None, None),
    ],
)
def test_frequency_in_the_documents_words(note: str | None, expected: str | None) -> None:
    assert frequency(note) == expected
