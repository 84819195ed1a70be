"""The impact report's formats on a hand-built Impact: deterministic, escaped, offline,
every change with its evidence and sources, the difference map embedded."""

from __future__ import annotations

import json
import re

import pytest

from govgraph.graph.analysis.findings import Fact, Finding, Subject
from govgraph.graph.analysis.impact_model import CATEGORIES, Change, Impact
from govgraph.graph.core.errors import QueryError
from govgraph.graph.facts.records import SourceRef
from govgraph.ontology.terms import ID
from govgraph.visualisations.impact_report import FORMATS, category_counts, render_impact
from govgraph.visualisations.model import MapNode

HOSTILE = Subject(str(ID["x"]), "<script>alert(1)</script> | *bold*", "")
PARENT = Subject(str(ID["parent-body"]), "Parent Body", "")
DOC = SourceRef("Care Act </script>", "s. 2")
FINDING = Finding(
    "remit-overlap",
    (HOSTILE, PARENT),
    0.8,
    "Both hold <b>the same</b> remit.",
    (Fact("X has a remit in care.", (SourceRef("Remit register", "row 4"),)),),
)
IMPACT = Impact(
    title="Merge <X> and Parent",
    before_label="today",
    after_label="the scenario",
    counts_before={"bodies": 10, "groups": 4, "accountability lines": 12},
    counts_after={"bodies": 9, "groups": 4, "accountability lines": 11},
    changes=(
        Change(
            "line-removed",
            (HOSTILE, PARENT),
            "X no longer reports to Parent Body.",
            (
                Fact("X reports to Parent Body.", (DOC,)),
                Fact("Scenario step 1 (s.yaml line 3): merge X into Parent Body.", ()),
            ),
            before="Parent Body",
            after=None,
        ),
        Change(
            "lead-changed",
            (Subject(str(ID["action-1"]), "Action 1"), PARENT),
            "Action 1 is led by Parent Body instead of X.",
            (Fact("X leads Action 1.", (SourceRef("Plan 24-30", "p. 12"),)),),
            before="X",
            after="Parent Body",
        ),
        Change("finding-resolved", FINDING.subjects, "The shared remit goes.", finding=FINDING),
    ),
    steps=("Merge X and Parent Body into Parent Body.",),
    touched=frozenset({HOSTILE.id, PARENT.id}),
)


def test_every_format_is_identical_without_the_timestamp() -> None:
    for fmt in FORMATS:
        assert render_impact(IMPACT, fmt, timestamp=False) == render_impact(
            IMPACT, fmt, timestamp=False
        )


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_timestamp_is_one_line_that_can_be_switched_off(fmt: str) -> None:
    with_ts = render_impact(IMPACT, fmt).splitlines()
    without = render_impact(IMPACT, fmt, timestamp=False).splitlines()
    extra = [line for line in with_ts if line not in without]
    assert len(extra) == 1
    assert "Generated" in extra[0] or '"generated"' in extra[0]
    assert [line for line in with_ts if line != extra[0] and line.strip()] == [
        line for line in without if line.strip()
    ]


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(QueryError, match="html, md, json"):
        render_impact(IMPACT, "pdf")


def test_json_carries_every_change_with_its_evidence_and_the_counts() -> None:
    doc = json.loads(render_impact(IMPACT, "json", timestamp=False))
    assert doc["title"] == "Merge <X> and Parent"
    assert doc["before"]["counts"]["bodies"] == 10 and doc["after"]["counts"]["bodies"] == 9
    assert doc["counts_by_category"] == {
        "line-removed": 1,
        "lead-changed": 1,
        "finding-resolved": 1,
    }
    removed = doc["changes"][0]
    assert removed["evidence"][0]["sources"] == [{"title": "Care Act </script>", "locator": "s. 2"}]
    assert doc["changes"][2]["finding"]["id"] == FINDING.id


def test_markdown_has_the_summary_and_a_section_per_category_with_sources() -> None:
    md = render_impact(IMPACT, "md", timestamp=False)
    assert "| bodies in the Scottish landscape | 10 | 9 |" in md
    for k in category_counts(IMPACT):
        assert f"## {CATEGORIES[k]} (1)" in md
    assert "Care Act \\</script>, s. 2" in md  # the one Markdown escaper: backslashes
    assert "Before: X; after: Parent Body" in md
    assert f"Shared remits `{FINDING.id}`" in md and "Remit register, row 4" in md
    assert re.search(r"(?<!\\)<", md) is None, "an unescaped < would be HTML to Markdown"
    assert "\\*bold\\*" in md


def test_html_escapes_all_data_and_fetches_nothing() -> None:
    html = render_impact(IMPACT, "html", timestamp=False)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>the same</b>" not in html and "Care Act &lt;/script&gt;" in html
    assert "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_html_has_the_executive_summary_and_sortable_sections() -> None:
    html = render_impact(IMPACT, "html", timestamp=False)
    summary = html.split('id="summary"')[1].split("</section>")[0]
    assert "Merge X and Parent Body into Parent Body." in summary
    row = (
        '<th scope="row">bodies in the Scottish landscape</th>'
        '<td class="num">10</td><td class="num">9</td>'
    )
    assert row + '<td class="num">-1</td>' in summary
    for k in category_counts(IMPACT):
        assert f'href="#cat-{k}"' in summary and f'id="cat-{k}"' in html
    assert html.count('class="findings changes sortable"') == 3
    resolved = html.split('id="cat-finding-resolved"')[1]
    assert "Shared remits" in resolved and FINDING.id in resolved
    assert "Remit register, row 4" in resolved  # the finding's own evidence
    assert "@media print" in html


def test_subjects_link_to_entity_pages_only_when_served() -> None:
    assert 'href="/id/parent-body"' not in render_impact(IMPACT, "html", timestamp=False)
    served = render_impact(IMPACT, "html", timestamp=False, served=True)
    assert '<a class="subject" href="/id/parent-body">Parent Body</a>' in served


def test_the_difference_map_is_embedded_framed_and_printable() -> None:
    from govgraph.visualisations.diff_map import DIFF, DiffMapModel

    node = MapNode(id=PARENT.id, label="Parent <Body>", group=DIFF + "changed", type="", x=0, y=0)
    model = DiffMapModel("diff", "Difference map", "1 node", [node], [])
    html = render_impact(IMPACT, "html", timestamp=False, diff_map=model)
    assert 'sandbox="allow-scripts" srcdoc="' in html
    assert "<svg" in html and "Parent &lt;Body&gt;" in html and "#F59E0B" in html
    without = render_impact(IMPACT, "html", timestamp=False)
    assert "srcdoc" not in without and 'href="#map"' not in without


def test_an_empty_impact_says_so() -> None:
    empty = Impact("Nothing", "a", "b", {"bodies": 1}, {"bodies": 1}, ())
    assert "No changes." in render_impact(empty, "html", timestamp=False)
    assert "No changes." in render_impact(empty, "md", timestamp=False)


def test_a_scenario_of_many_changes_keeps_every_one_in_json() -> None:
    many = Impact(
        "Many",
        "a",
        "b",
        {},
        {},
        tuple(Change("body-removed", (PARENT,), f"Body {i} is removed.") for i in range(250)),
    )
    assert len(json.loads(render_impact(many, "json"))["changes"]) == 250
    md = render_impact(many, "md", timestamp=False)
    assert "50 more in the JSON output" in md


def test_a_fact_shared_by_a_change_and_its_finding_is_listed_once() -> None:
    fact = Fact("X reports to Parent Body.", (DOC,))
    finding = Finding("orphan", (PARENT,), 1.0, "Parent Body answers to no one.", (fact,))
    change = Change("finding-new", (PARENT,), "New: orphan.", (fact,), finding=finding)
    impact = Impact("One", "a", "b", {}, {}, (change,))
    md = render_impact(impact, "md", timestamp=False)
    assert md.count("X reports to Parent Body.") == 1
    html = render_impact(impact, "html", timestamp=False)
    assert html.count("X reports to Parent Body.") == 1
