"""The overlap report's formats: deterministic, safe, self-contained; and what it finds in
the bundled data, checked against Change Programme ONE and the Inverclyde IJB report."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from govgraph.graph.analysis.findings import Fact, Finding, Subject, from_dict, to_json
from govgraph.graph.analysis.overlaps import compute_findings
from govgraph.graph.core.csv_out import safe_cell
from govgraph.graph.facts.records import SourceRef
from govgraph.graph.storage.store import Store
from govgraph.visualisations.report_map import network_svg, overlap_map
from govgraph.visualisations.reports import FORMATS, render
from tests.browser import needs_chromium, offline_page

HOSTILE = Finding(
    "remit-overlap",
    (
        Subject("https://w3id.org/govgraph/id/x", '=HYPERLINK("http://evil")'),
        Subject("https://w3id.org/govgraph/id/y", "<script>alert(1)</script> | *bold*"),
    ),
    0.8,
    "Shares <b>everything</b>.",
    (Fact("A fact.", (SourceRef("Doc </script>", "s. 1"),)),),
)


def test_every_format_is_byte_identical_without_the_timestamp() -> None:
    for fmt in FORMATS:
        assert render([HOSTILE], fmt, timestamp=False) == render([HOSTILE], fmt, timestamp=False)


def test_the_timestamp_is_one_line_that_can_be_switched_off() -> None:
    with_ts = render([HOSTILE], "md").decode().splitlines()
    without = render([HOSTILE], "md", timestamp=False).decode().splitlines()
    extra = [line for line in with_ts if line not in without]
    assert len(extra) == 1 and extra[0].startswith("Generated ")


def test_csv_cells_cannot_become_formulas() -> None:
    rows = list(csv.reader(io.StringIO(render([HOSTILE], "csv").decode("utf-8-sig"))))
    assert rows[1][4].startswith("'=HYPERLINK")
    assert safe_cell("-1") == "'-1" and safe_cell("Body") == "Body"


def test_html_escapes_names_and_fetches_nothing() -> None:
    html = render([HOSTILE], "html", timestamp=False).decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>everything</b>" not in html
    assert "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "no network fetches"


def test_json_round_trips_with_the_same_ids() -> None:
    doc = json.loads(render([HOSTILE], "json", timestamp=False))
    back = [from_dict(d) for d in doc["findings"]]
    assert [f.id for f in back] == [HOSTILE.id]
    assert to_json(back) == to_json([HOSTILE])


def test_markdown_shows_names_as_text() -> None:
    md = render([HOSTILE], "md", timestamp=False).decode()
    assert "\\| \\*bold\\*" in md
    assert "\\<script>" in md and not re.search(r"(?<!\\)<script", md), "no raw HTML"


def test_markdown_escapes_only_what_markdown_reads() -> None:
    chain = Finding(
        "redundant-line",
        (Subject("urn:a", "A & B"), Subject("urn:b", "C")),
        0.5,
        "A & B answers to C through X -> Y; see 1.2 and &amp; literally.",
        (Fact("# Not a heading"), Fact("> not a quote"), Fact("1. not a list"), Fact("two\nlines")),
    )
    md = render([chain], "md", timestamp=False).decode()
    assert "&gt;" not in md and "&lt;" not in md
    assert "through X -> Y; see 1.2 and \\&amp; literally." in md  # only the entity escaped
    assert "**A & B, C**" in md
    for escaped in ("  - \\# Not a heading", "  - \\> not a quote", "  - 1\\. not a list"):
        assert escaped in md
    assert "  - two lines \\[no source\\]" in md


def test_unknown_format_is_a_clear_error() -> None:
    from govgraph.graph.core.errors import QueryError

    with pytest.raises(QueryError, match="unknown report format"):
        render([HOSTILE], "pdf")


# --- the bundled data -----------------------------------------------------------------
@pytest.fixture(scope="module")
def found(bundled_findings: list[Finding]) -> list[Finding]:
    return bundled_findings


def names(f: Finding) -> list[str]:
    """Full names (a finding shows the name people use, e.g. COSLA, with this on hover)."""
    return [s.long or s.name for s in f.subjects]


def kind(found: list[Finding], k: str) -> list[Finding]:
    return [f for f in found if f.kind == k]


def test_scottish_government_then_cosla_lead_the_most_actions(found: list[Finding]) -> None:
    leads = sorted(kind(found, "leads-many-actions"), key=lambda f: -f.details["actions"])
    assert [names(f)[0] for f in leads[:2]] == [
        "Scottish Government",
        "Convention of Scottish Local Authorities",
    ]
    assert leads[0].details["actions"] == 20 and leads[1].details["actions"] == 12


def test_cosla_and_the_scottish_government_co_lead_most_often(found: list[Finding]) -> None:
    top = kind(found, "co-leads")[0]
    assert set(names(top)) == {"Scottish Government", "Convention of Scottish Local Authorities"}
    assert top.details["together"] == 11


def test_governance_structures_has_little_or_no_work(found: list[Finding]) -> None:
    little = kind(found, "little-work")
    assert [names(f)[0] for f in little] == ["Governance Structures"]
    assert any(
        s.locator and "Governance Structures" in s.locator
        for e in little[0].evidence
        for s in e.sources
    )


def test_actions_led_by_generic_groups(found: list[Finding]) -> None:
    generic = {names(f)[0]: f for f in kind(found, "generic-leads")}
    assert {"Advocacy", "Service Integration", "Workforce Values"} <= set(generic)
    assert "Local authorities" in names(generic["Advocacy"])


def test_inverclyde_local_boards_are_a_rationalisation_candidate(found: list[Finding]) -> None:
    cands = [set(names(f)) for f in kind(found, "rationalisation")]
    assert any(
        {"Inverclyde I Promise Board", "Inverclyde Champions Board", "Inverclyde I Promise Team"}
        <= c
        for c in cands
    )
    remit = [set(names(f)) for f in kind(found, "remit-overlap")]
    assert {"Inverclyde I Promise Board", "Inverclyde corporate parenting subgroup"} in remit


def test_bodies_serving_the_same_people_show_as_shared_remits(found: list[Finding]) -> None:
    """Client groups from Change Programme ONE: the two kinship bodies serve kinship
    families; the two national bodies of the hearings system serve the children in it."""
    remit = {frozenset(names(f)): f for f in kind(found, "remit-overlap")}
    clusters = {frozenset(names(f)): f for f in kind(found, "rationalisation")}
    kinship = clusters[  # both features are crowded: one cluster, not a pair (issue #18)
        frozenset({"Kinship Care Advice Service for Scotland", "Kinship Care Collaborative"})
    ]
    assert "serve Kinship families" in kinship.details["recommendation"]["reason"]
    hearings = remit | clusters
    hearings = hearings[
        frozenset({"Children's Hearings Scotland", "Scottish Children's Reporter Administration"})
    ]
    assert "Children in the children's hearings system" in hearings.explanation
    crowded = {names(f)[0]: f for f in kind(found, "crowded-client-group")}
    assert {"Secure Care Group", "Scotland Excel"} <= set(names(crowded["Children in secure care"]))


def test_coverage_states_the_seed_figures_with_their_source(found: list[Finding]) -> None:
    summary = kind(found, "coverage-summary")[0]
    assert "26 of the 43" in summary.explanation and "49 of 117" in summary.explanation
    assert all(e.sources and e.sources[0].title == "Change Programme ONE" for e in summary.evidence)


def test_every_finding_has_subjects_or_evidence_with_sources(found: list[Finding]) -> None:
    for f in found:
        assert f.evidence, f.id
        assert any(e.sources for e in f.evidence), f.id
    assert len({f.id for f in found}) == len(found)


def test_the_overlap_map_is_built_from_the_findings(found: list[Finding]) -> None:
    model = overlap_map(found)
    assert model.nodes and model.edges
    ids = {n.id for n in model.nodes}
    assert all(e.source in ids and e.target in ids for e in model.edges)
    svg = network_svg(model)
    assert svg.startswith("<svg") and svg == network_svg(overlap_map(found))


def test_bundled_report_is_deterministic(found: list[Finding], bundled: Store) -> None:
    again = compute_findings(bundled)
    for fmt in ("json", "csv", "md"):
        assert render(found, fmt, timestamp=False) == render(again, fmt, timestamp=False)


@pytest.mark.browser
@needs_chromium
def test_the_html_report_prints_to_pdf_with_its_map_and_every_finding(
    found: list[Finding], tmp_path: Path
) -> None:
    """Printing is how the report reaches the Advisor: the static map replaces the canvas,
    the screen-only controls disappear, and no finding is cut off the printed tables."""
    path = tmp_path / "report.html"
    path.write_bytes(render(found, "html", timestamp=False))
    with offline_page() as (page, log):
        page.goto(path.as_uri())  # type: ignore[attr-defined]
        page.emulate_media(media="print")  # type: ignore[attr-defined]
        svg = page.locator(".print-only svg.network").first  # type: ignore[attr-defined]
        assert svg.is_visible() and svg.bounding_box()["height"] > 300
        label = page.locator(".print-only svg.network text").first  # type: ignore[attr-defined]
        assert label.bounding_box()["height"] >= 8  # legible on paper (7.5 px text was not)
        assert not page.locator("nav").first.is_visible()  # type: ignore[attr-defined]
        shown = page.evaluate(  # type: ignore[attr-defined]
            "[...document.querySelectorAll('table.findings tbody tr[id]')]"
            ".filter(r => r.offsetHeight > 0).map(r => r.id)"
        )
        assert sorted(shown) == sorted(f.id for f in found)
        pdf = page.pdf(format="A4", landscape=True)  # type: ignore[attr-defined]
    assert log.page_errors == [] and log.blocked == []
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type/Page") > 5


def test_csv_quotes_a_cr_inside_a_cell_so_no_row_starts_in_the_middle() -> None:
    sly = Finding(
        "remit-overlap",
        (Subject("urn:a", "A\r=1+2"), Subject("urn:b", "B\nC")),
        0.5,
        "Line one\rline two.",
        (Fact("A fact."),),
    )
    text = render([sly], "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert len(rows) == 2
    assert rows[1][4] == "A\r=1+2; B\nC" and rows[1][6] == "Line one\rline two."
    assert text.endswith("\r\n") and text.count("\r\n") == 2  # rows end in CRLF only


COSLA = Subject(
    "https://w3id.org/govgraph/id/cosla", "COSLA", "", "Convention of Scottish Local Authorities"
)
FIRST = Finding(
    "remit-overlap",
    (COSLA, Subject("https://w3id.org/govgraph/id/ia", "Improvement Service")),
    0.9,
    "COSLA and Improvement Service share 3 policy areas.",
)
SECOND = Finding(
    "membership-overlap",
    (COSLA, Subject("https://w3id.org/govgraph/id/sg", "Scottish Government")),
    0.5,
    "COSLA and Scottish Government share 2 members.",
)
LONG = "Convention of Scottish Local Authorities (COSLA)"


def test_a_short_name_is_spelt_out_on_its_first_mention_only() -> None:
    md = render([FIRST, SECOND], "md", timestamp=False).decode()
    assert md.count(LONG) == 1
    assert md.index(LONG) < md.index("**COSLA, Scottish Government**")
    html = render([FIRST, SECOND], "html", timestamp=False).decode()
    assert html.count(LONG) == 1  # in the executive summary, the first thing read
    assert html.index(LONG) < html.index("COSLA and Scottish Government share")
    assert 'title="Convention of Scottish Local Authorities">COSLA<' in html  # hover kept


def test_the_json_writer_gives_the_bytes_of_json_dumps_with_sorted_keys() -> None:
    """Facts and subjects shared by findings are written once and reused: same bytes."""
    shared = Fact("Shared fact \u00e9.", (SourceRef("Doc", None), SourceRef("Doc 2", "p. 3")))
    findings = [
        Finding(
            "remit-overlap", (COSLA, HOSTILE.subjects[0]), 1 / 3, "x", (shared,), {"b": 1, "a": [2]}
        ),
        Finding("orphan", (COSLA,), 2.0, 'y "q"', (shared, HOSTILE.evidence[0]), identity=1),
    ]
    expected = (
        '{"findings":['
        + ",".join(
            json.dumps(f.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            for f in findings
        )
        + '],"meta":{}}\n'
    )
    assert to_json(findings) == expected
