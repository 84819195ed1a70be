"""The overlap report as HTML, Markdown, CSV or JSON: ``render(findings, fmt)``.

Every format is a pure function of the findings: the same findings give the same bytes,
except for one "Generated" line (``timestamp=False`` leaves it out). The HTML is one
self-contained file (inline CSS and JS, no network: a Content Security Policy forbids
fetches), escapes every name through Jinja2's autoescaping, embeds the interactive overlap
map in a sandboxed frame for the screen and a static SVG of it for print.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from govgraph.graph.analysis.findings import Finding, Subject, to_json
from govgraph.graph.analysis.overlaps import GROUPS, KINDS
from govgraph.graph.core.csv_out import csv_bytes
from govgraph.graph.core.errors import QueryError
from govgraph.graph.facts.entities import entity_id
from govgraph.ontology.terms import ID
from govgraph.visualisations.csp import file_policy, package_text
from govgraph.visualisations.markdown import md_text
from govgraph.visualisations.templating import environment

FORMATS = ("html", "md", "csv", "json")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
TITLE = "Governance overlaps: findings for the Independent Strategic Advisor"
MAX_ROWS = 100
"""Findings per kind in HTML and Markdown; CSV and JSON carry them all."""
MAX_EVIDENCE = 8


def render(
    findings: Sequence[Finding],
    fmt: str,
    *,
    timestamp: bool = True,
    interactive_map: bool = True,
    served: bool = False,
    as_of: str | None = None,
    filters: dict[str, Any] | None = None,
) -> bytes:
    """The report in ``fmt`` (html, md, csv or json) as UTF-8 bytes. ``served``: the HTML is
    answered by the API, so bodies link to their entity pages and the page back home (a
    file written to disk keeps plain names: its links would lead nowhere). ``as_of``: the
    date the findings describe (None: the landscape as loaded), stated in every format
    but CSV, so a reader never mistakes a past landscape for today's. ``filters``: what a
    served page was asked for (kinds, minScore, scope), shown in its filter form."""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC") if timestamp else None
    covers = covers_text(as_of)
    if fmt == "json":
        meta: dict[str, Any] = {
            "title": TITLE,
            "counts": dict(sorted(_counts(findings).items())),
            "asOf": as_of,
            "covers": covers,
        }
        if generated:
            meta["generated"] = generated
        return to_json(findings, meta).encode("utf-8")
    if fmt == "csv":
        return _csv(findings)
    if fmt == "md":
        return _markdown(findings, generated, covers).encode("utf-8")
    if fmt == "html":
        page = _html(findings, generated, interactive_map, served, covers, as_of, filters or {})
        return page.encode("utf-8")
    raise QueryError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")


def covers_text(as_of: str | None) -> str:
    """The header line saying which landscape the findings describe."""
    if as_of:
        return f"The landscape as it stood on {as_of}: bodies and lines not valid then are out."
    return "The landscape as loaded: every body and line, current or past."


def _counts(findings: Sequence[Finding]) -> Counter[str]:
    return Counter(f.kind for f in findings)


def _source_text(f: Finding, i: int) -> str:
    fact = f.evidence[i]
    refs = "; ".join(s.title + (f", {s.locator}" if s.locator else "") for s in fact.sources)
    return f"{fact.text} [{refs or 'no source'}]"


class Mentions:
    """Names as a reader meets them down the page: an abbreviation's long form the first
    time ("Convention of Scottish Local Authorities (COSLA)"), the short name after."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def name(self, s: Subject) -> str:
        """A subject's name, spelt out if this is its first mention."""
        if s.long and s.name not in self.seen:
            self.seen.add(s.name)
            return f"{s.long} ({s.name})"
        return s.name

    def names(self, f: Finding) -> str:
        return ", ".join(self.name(s) for s in f.subjects)

    def text(self, f: Finding, text: str) -> str:
        """``text`` (about ``f``) with the first mention of each of its subjects' short
        names spelt out."""
        for s in f.subjects:
            if s.long and s.name not in self.seen:
                found = re.search(rf"(?<!\w){re.escape(s.name)}(?!\w)", text)
                if found:
                    self.seen.add(s.name)
                    text = f"{text[: found.start()]}{s.long} ({s.name}){text[found.end() :]}"
        return text


# --- CSV ------------------------------------------------------------------------------
def _csv(findings: Sequence[Finding]) -> bytes:
    texts: dict[int, str] = {}  # a fact backing many findings is written once

    def evidence(f: Finding) -> str:
        out = []
        for i, fact in enumerate(f.evidence):
            text = texts.get(id(fact))
            if text is None:
                text = texts[id(fact)] = _source_text(f, i)
            out.append(text)
        return " | ".join(out)

    return csv_bytes(
        ["id", "kind", "heading", "score", "subjects", "subject_ids", "explanation", "evidence"],
        (
            (
                f.id,
                f.kind,
                KINDS[f.kind],
                f"{f.score:.4f}",
                "; ".join(s.name for s in f.subjects),
                " ".join(s.id for s in f.subjects),
                f.explanation,
                evidence(f),
            )
            for f in findings
        ),
    )


# --- Markdown -------------------------------------------------------------------------


def _markdown(findings: Sequence[Finding], generated: str | None, covers: str) -> str:
    counts = _counts(findings)
    said = Mentions()
    lines = [f"# {TITLE}", "", md_text(covers), ""]
    if generated:
        lines += [f"Generated {generated}.", ""]
    lines += ["## Summary", "", "| Finding | Count |", "| --- | ---: |"]
    lines += [f"| {KINDS[k]} | {counts[k]} |" for k in KINDS if counts[k]]
    for group, kinds in GROUPS.items():
        present = [k for k in kinds if counts[k]]
        if not present:
            continue
        lines += ["", f"## {group}"]
        for k in present:
            fs = [f for f in findings if f.kind == k]
            lines += ["", f"### {KINDS[k]} ({len(fs)})", ""]
            for f in fs[:MAX_ROWS]:
                lines.append(
                    f"- **{md_text(said.names(f) or KINDS[k])}** (score {f.score:.2f}, "
                    f"`{f.id}`): {md_text(said.text(f, f.explanation))}"
                )
                for i in range(min(len(f.evidence), MAX_EVIDENCE)):
                    lines.append(f"  - {md_text(_source_text(f, i))}")
                if len(f.evidence) > MAX_EVIDENCE:
                    lines.append(f"  - … {len(f.evidence) - MAX_EVIDENCE} more facts in the JSON")
            if len(fs) > MAX_ROWS:
                lines.append(f"- … {len(fs) - MAX_ROWS} more in the CSV and JSON outputs")
    return "\n".join(lines) + "\n"


# --- HTML -----------------------------------------------------------------------------


SUMMARY_ORDER: dict[str, tuple[str, ...]] = {
    "Plan leadership": ("little-work", "leads-many-actions", "co-leads", "generic-leads"),
    "Accountability": ("several-parents", "redundant-line", "accountability-cycle", "orphan"),
    "Membership overlap": ("many-seats", "membership-subset", "membership-overlap"),
}
"""Which kinds an executive summary card leads with (else the group's own order)."""


def _summary(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Per group: counts by kind and three findings, the strongest of each kind first."""
    counts = _counts(findings)
    out = []
    for group, kinds in GROUPS.items():
        ranked = sorted((f for f in findings if f.kind in kinds), key=lambda f: (-f.score, f.id))
        top: list[Finding] = []
        for k in SUMMARY_ORDER.get(group, kinds):
            best = next((f for f in ranked if f.kind == k), None)
            if best is not None and len(top) < 3:
                top.append(best)
        top += [f for f in ranked if f not in top][: 3 - len(top)]
        out.append(
            {
                "group": group,
                "anchor": group.lower().replace(" ", "-"),
                "counts": [(KINDS[k], counts[k]) for k in kinds if counts[k]],
                "top": top,
            }
        )
    return out


def _html(
    findings: Sequence[Finding],
    generated: str | None,
    interactive: bool,
    served: bool = False,
    covers: str = "",
    as_of: str | None = None,
    filters: dict[str, Any] | None = None,
) -> str:
    from govgraph.visualisations.render import render_html
    from govgraph.visualisations.report_map import network_svg, overlap_map

    model = overlap_map(findings)
    frame = render_html(model) if interactive and model.nodes else ""
    counts = _counts(findings)
    sections = []
    for group, kinds in GROUPS.items():
        tables = []
        for k in kinds:
            fs = [f for f in findings if f.kind == k]
            if fs:
                tables.append(
                    {"kind": k, "title": KINDS[k], "total": len(fs), "rows": fs[:MAX_ROWS]}
                )
        sections.append(
            {"group": group, "anchor": group.lower().replace(" ", "-"), "tables": tables}
        )
    template = environment().get_template("report.html")
    return template.render(
        title=TITLE,
        generated=generated,
        covers=covers,
        as_of=as_of,
        total=len(findings),
        kinds_found=sum(1 for k in KINDS if counts[k]),
        summary=_summary(findings),
        sections=sections,
        max_evidence=MAX_EVIDENCE,
        svg=Markup(network_svg(model)),
        frame=frame,
        css=Markup(package_text("static", "report.css")),
        js=Markup(package_text("static", "report.js")),
        csp=Markup(report_policy(served)),  # no double quote in it: safe in the attribute
        map_legend=[(KINDS[k], c) for k, c in _legend(model)],
        served=served,
        entity_path=lambda iri: "/id/" + entity_id(iri) if iri.startswith(str(ID)) else None,
        compare_url=_compare_url,
        kind_options=list(KINDS.items()),
        chosen_kinds=set((filters or {}).get("kinds") or ()),
        min_score=(filters or {}).get("min_score", 0),
        scope=(filters or {}).get("scope", "scotland"),
        filtered=_filtered(filters or {}, as_of),
        said=Mentions(),
    )


def report_policy(served: bool) -> str:
    """The maps' file policy; a served report may also submit its filter form to itself."""
    policy = file_policy()
    return policy.replace("form-action 'none'", "form-action 'self'") if served else policy


def _filtered(filters: dict[str, Any], as_of: str | None) -> bool:
    """Whether the page shows less than every finding of today's Scottish landscape."""
    narrowed = filters.get("kinds") or filters.get("min_score") or as_of
    return bool(narrowed) or filters.get("scope", "scotland") != "scotland"


COMPARABLE = frozenset({"remit-overlap", "membership-overlap", "membership-subset", "co-leads"})
"""Kinds whose subjects are two bodies worth seeing side by side (besides recommendations)."""


def _compare_url(f: Finding) -> str | None:
    """The finding's comparison page: a recommendation's bodies, or a pair's."""
    rec = f.details.get("recommendation")
    if rec:
        iris = list(rec["compare"])
    elif f.kind in COMPARABLE and 2 <= len(f.subjects) <= 3:
        iris = [s.id for s in f.subjects]
    else:
        return None
    if not all(i.startswith(str(ID)) for i in iris):
        return None
    params = [(k, entity_id(i)) for k, i in zip("abc", iris, strict=False)]
    return "/compare?" + urlencode([*params, ("from", f"/reports/overlaps#{f.id}")])


def _legend(model: Any) -> list[tuple[str, str]]:
    from govgraph.visualisations.report_map import EDGE_KINDS, REPORT

    present = {e.kind[len(REPORT) :] for e in model.edges}
    return [(k, c) for k, c in EDGE_KINDS.items() if k in present]
