"""The impact report of a scenario or a date diff as HTML, Markdown or JSON.

``render_impact(impact, fmt)`` is a pure function of the :class:`Impact` (and the
difference map, when given): the same impact gives the same text, except for one
"Generated" line that ``timestamp=False`` leaves out. The HTML has the overlap report's
look and safety: one self-contained file, inline CSS and JS, a Content Security Policy that
forbids every fetch, Jinja2 autoescaping for every name, sortable tables, print CSS, and
the interactive difference map in a sandboxed frame (a static SVG of it in print).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from markupsafe import Markup

from govgraph.graph.analysis.findings import Fact
from govgraph.graph.analysis.impact_model import CATEGORIES, Change, Impact
from govgraph.graph.analysis.overlaps import KINDS
from govgraph.graph.core.errors import QueryError
from govgraph.visualisations.csp import file_policy, package_text
from govgraph.visualisations.markdown import md_text
from govgraph.visualisations.model import MapModel, entity_path
from govgraph.visualisations.templating import environment

FORMATS = ("html", "md", "json")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
}
MAX_ROWS = 200
"""Changes per category in HTML and Markdown; JSON carries them all."""
MAX_EVIDENCE = 8
FINDING_CATEGORIES = ("finding-resolved", "finding-new")


def render_impact(
    impact: Impact,
    fmt: str,
    *,
    timestamp: bool = True,
    diff_map: MapModel | None = None,
    served: bool = False,
) -> str:
    """The report in ``fmt`` (html, md or json). ``diff_map`` (from
    :func:`~govgraph.visualisations.diff_map.build_diff_map`) is embedded in the HTML;
    ``served`` links subjects to their entity pages (``/id/<id>``)."""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC") if timestamp else None
    if fmt == "json":
        return _json(impact, generated)
    if fmt == "md":
        return _markdown(impact, generated)
    if fmt == "html":
        return _html(impact, generated, diff_map, served)
    raise QueryError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")


def category_counts(impact: Impact) -> dict[str, int]:
    """Changes per category, in report order, categories with none left out."""
    grouped = impact.by_category()
    return {k: len(v) for k, v in grouped.items() if v}


COUNT_LABELS = {
    "bodies": "bodies in the Scottish landscape",
    "groups": "groups in the Scottish landscape",
    "bodies_all": "bodies in the whole graph (UK directories included)",
    "groups_all": "groups in the whole graph",
    "lines": "stated accountability lines",
    "memberships": "stated memberships",
    "findings": "overlap findings",
}
"""What each count of :func:`govgraph.graph.analysis.impact.compare` measures, said for a reader."""


def count_rows(impact: Impact) -> list[tuple[str, int | None, int | None]]:
    """``(measure, before, after)`` for every count either side has, in the order above."""
    order = list(COUNT_LABELS)
    keys = sorted(
        set(impact.counts_before) | set(impact.counts_after),
        key=lambda k: (order.index(k) if k in order else len(order), k),
    )
    return [(k, impact.counts_before.get(k), impact.counts_after.get(k)) for k in keys]


def change_facts(c: Change) -> tuple[Fact, ...]:
    """The change's evidence, then its finding's facts not already among them."""
    if c.finding is None:
        return c.evidence
    return c.evidence + tuple(f for f in c.finding.evidence if f not in c.evidence)


def count_label(key: str) -> str:
    return COUNT_LABELS.get(key, key.replace("_", " "))


def _source_text(fact: Fact) -> str:
    refs = "; ".join(s.title + (f", {s.locator}" if s.locator else "") for s in fact.sources)
    return f"{fact.text} [{refs or 'no source'}]"


# --- JSON -------------------------------------------------------------------------------
def _json(impact: Impact, generated: str | None) -> str:
    doc = impact.to_dict()
    doc["counts_by_category"] = category_counts(impact)
    if generated:
        doc["generated"] = generated
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


# --- Markdown ---------------------------------------------------------------------------


def num(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def _markdown(impact: Impact, generated: str | None) -> str:
    lines = [f"# Impact: {md_text(impact.title)}", ""]
    if generated:
        lines += [f"Generated {generated}.", ""]
    lines += [f"Before: {md_text(impact.before_label)}. After: {md_text(impact.after_label)}.", ""]
    lines += ["## Summary", ""]
    if impact.steps:
        lines += ["Steps:", ""]
        lines += [f"{i}. {md_text(s)}" for i, s in enumerate(impact.steps, 1)]
        lines.append("")
    lines += ["| Count | Before | After |", "| --- | ---: | ---: |"]
    lines += [
        f"| {md_text(count_label(k))} | {num(b)} | {num(a)} |" for k, b, a in count_rows(impact)
    ]
    counts = category_counts(impact)
    lines += ["", "| Change | Items |", "| --- | ---: |"]
    lines += [f"| {CATEGORIES[k]} | {n} |" for k, n in counts.items()]
    if not counts:
        lines += ["", "No changes."]
    for category, changes in impact.by_category().items():
        if not changes:
            continue
        lines += ["", f"## {CATEGORIES[category]} ({len(changes)})", ""]
        for c in changes[:MAX_ROWS]:
            lines += _md_change(c)
        if len(changes) > MAX_ROWS:
            lines.append(f"- … {len(changes) - MAX_ROWS} more in the JSON output")
    return "\n".join(lines) + "\n"


def _md_change(c: Change) -> list[str]:
    head = f"- **{md_text(c.summary)}**"
    if c.subjects:
        head += " (" + "; ".join(md_text(s.name) for s in c.subjects) + ")"
    out = [head]
    if c.finding is not None:
        f = c.finding
        out.append(
            f"  - Finding: {md_text(KINDS.get(f.kind, f.kind))} `{f.id}`: {md_text(f.explanation)}"
        )
    if c.before is not None or c.after is not None:
        out.append(f"  - Before: {md_text(c.before or '–')}; after: {md_text(c.after or '–')}")
    facts = change_facts(c)
    for fact in facts[:MAX_EVIDENCE]:
        out.append(f"  - {md_text(_source_text(fact))}")
    if len(facts) > MAX_EVIDENCE:
        out.append(f"  - … {len(facts) - MAX_EVIDENCE} more facts in the JSON output")
    return out


# --- HTML -------------------------------------------------------------------------------


def _html(impact: Impact, generated: str | None, model: MapModel | None, served: bool) -> str:
    from govgraph.visualisations.diff_map import STATUSES, diff_svg
    from govgraph.visualisations.render import render_html

    counts = category_counts(impact)
    sections = []
    for category, changes in impact.by_category().items():
        if not changes:
            continue
        sections.append(
            {
                "category": category,
                "title": CATEGORIES[category],
                "anchor": "cat-" + category,
                "total": len(changes),
                "rows": changes[:MAX_ROWS],
                "findings": category in FINDING_CATEGORIES,
            }
        )
    has_map = model is not None and bool(model.nodes)
    template = environment().get_template("impact.html")
    return template.render(
        impact=impact,
        generated=generated,
        counts=count_rows(impact),
        by_category=[(CATEGORIES[k], "cat-" + k, n) for k, n in counts.items()],
        total=len(impact.changes),
        sections=sections,
        max_evidence=MAX_EVIDENCE,
        kind_label=lambda k: KINDS.get(k, k),
        link=(lambda iri: entity_path(iri)) if served else (lambda iri: None),
        has_map=has_map,
        frame=render_html(model) if has_map and model is not None else "",
        svg=Markup(diff_svg(model)) if has_map and model is not None else "",
        map_subtitle=model.subtitle if has_map and model is not None else "",
        statuses=[(label, colour) for label, colour, _ in STATUSES.values()],
        css=Markup(package_text("static", "report.css") + package_text("static", "impact.css")),
        js=Markup(package_text("static", "report.js")),
        csp=Markup(file_policy()),  # no double quote in it: safe in the attribute
    )
