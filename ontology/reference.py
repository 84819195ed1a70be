"""The ontology reference page, generated from ``govgraph.ttl`` as Markdown or HTML.

``docs/ontology.md`` is written from here (``python -m govgraph.ontology.reference [PATH]``)
and a test fails when the committed copy is stale; the server renders the HTML version.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from html import escape
from pathlib import Path

from rdflib import URIRef

from govgraph.ontology.model import Model, OntClass, OntProperty, model
from govgraph.ontology.terms import GG, PREFIXES

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "docs" / "ontology.md"


def curie(iri: URIRef | str) -> str:
    """``gg:Organisation``, ``skos:Concept``; the full IRI in brackets when no prefix fits."""
    text = str(iri)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and "/" not in text[len(ns) :] and "#" not in text[len(ns) :]:
            return f"{prefix}:{text[len(ns) :]}"
    return f"<{text}>"


def _anchor(iri: URIRef | str) -> str:
    return curie(iri).replace(":", "-").strip("<>")  # case kept: gg:Citation != gg:citation


def _is_local(iri: URIRef | str, m: Model) -> bool:
    return iri in m.classes or iri in m.properties or iri in m.datatypes or iri in m.individuals


def _characteristics(p: OntProperty) -> list[str]:
    flags = [
        ("transitive", p.is_transitive),
        ("symmetric", p.is_symmetric),
        ("functional", p.is_functional),
        ("relationship kind", p.is_relationship_kind),
        ("accountability", p.is_accountability_kind),
    ]
    return [name for name, on in flags if on]


def _sections(m: Model) -> list[tuple[str, list[OntProperty]]]:
    return [
        ("Object properties", [p for p in m.properties.values() if p.kind == "object"]),
        ("Datatype properties", [p for p in m.properties.values() if p.kind == "datatype"]),
        ("Annotation properties", [p for p in m.properties.values() if p.kind == "annotation"]),
    ]


def _roots(m: Model) -> list[OntClass]:
    return [c for c in m.classes.values() if not any(s in m.classes for s in c.superclasses)]


# --- Markdown -----------------------------------------------------------------------------


def _md_link(iri: URIRef | str, m: Model) -> str:
    name = curie(iri)
    return f"[`{name}`](#{_anchor(iri)})" if _is_local(iri, m) else f"`{name}`"


def _md_links(iris: Iterable[URIRef], m: Model) -> str:
    return ", ".join(_md_link(i, m) for i in iris) or "—"


def markdown(m: Model | None = None) -> str:
    """The reference page as Markdown."""
    m = m or model()
    out: list[str] = [
        f"# {m.title or 'govgraph ontology'}",
        "",
        "<!-- Generated from ontology/govgraph.ttl by govgraph.ontology.reference;"
        " do not edit. -->",
        "",
        f"- Ontology IRI: `{m.iri}`",
        f"- Version IRI: `{m.version_iri}`" if m.version_iri else "- Version IRI: —",
        f"- Version: {m.version_info}",
        f"- Namespace: `{GG}` (prefix `gg:`)",
        f"- {len(m.classes)} classes, {len(m.properties)} properties, "
        f"{len(m.individuals)} individuals",
        "",
    ]
    if m.description:
        out += [m.description, ""]

    out += ["## Class hierarchy", ""]

    def tree(c: OntClass, depth: int) -> None:
        out.append(f"{'  ' * depth}- {_md_link(c.iri, m)} {c.label}")
        for k in c.subclasses:
            tree(m.classes[k], depth + 1)

    for root in _roots(m):
        tree(root, 0)
    out.append("")

    out += ["## Relationship kinds", "", "| kind | inverse | accountability | map colour |"]
    out.append("|---|---|---|---|")
    for p in m.properties.values():
        if p.is_relationship_kind:
            inverse = _md_link(p.inverse, m) if p.inverse else "—"
            acc = "yes" if p.is_accountability_kind else ""
            out.append(
                f"| {_md_link(p.iri, m)} {p.label} | {inverse} | {acc} | `{p.colour or ''}` |"
            )
    out.append("")

    out += ["## Classes", ""]
    for c in m.classes.values():
        out += [
            f'### {c.label} <a id="{_anchor(c.iri)}"></a>',
            "",
            f"`{curie(c.iri)}`",
            "",
            c.comment,
            "",
        ]
        out.append(f"- Superclasses: {_md_links(c.superclasses, m)}")
        out.append(f"- Subclasses: {_md_links(c.subclasses, m)}")
        disjoint = sorted(
            next(iter(pair - {c.iri})) for pair in m.disjoint if c.iri in pair and len(pair) == 2
        )
        if disjoint:
            out.append(f"- Disjoint with: {_md_links(disjoint, m)}")
        if c.colour:
            out.append(f"- Map colour: `{c.colour}`")
        out.append("")

    for title, props in _sections(m):
        out += [f"## {title}", ""]
        for p in props:
            out += [
                f'### {p.label} <a id="{_anchor(p.iri)}"></a>',
                "",
                f"`{curie(p.iri)}`",
                "",
                p.comment,
                "",
            ]
            out.append(f"- Domain: {_md_links(p.domain, m)}")
            out.append(f"- Range: {_md_links(p.range, m)}")
            if p.inverse:
                out.append(f"- Inverse: {_md_link(p.inverse, m)}")
            if p.superproperties:
                out.append(f"- Super-properties: {_md_links(p.superproperties, m)}")
            if p.subproperties:
                out.append(f"- Sub-properties: {_md_links(p.subproperties, m)}")
            if _characteristics(p):
                out.append(f"- Characteristics: {', '.join(_characteristics(p))}")
            if p.colour:
                out.append(f"- Map colour: `{p.colour}`")
            out.append("")

    out += ["## Individuals", ""]
    for i in m.individuals.values():
        out.append(
            f'- <a id="{_anchor(i.iri)}"></a>`{curie(i.iri)}` **{i.label}** '
            f"({_md_links(i.types, m)}): {i.comment}"
        )
    out += ["", "## Datatypes", ""]
    for d in m.datatypes.values():
        members = " or ".join(f"`{curie(t)}`" for t in d.union_of)
        out.append(
            f'- <a id="{_anchor(d.iri)}"></a>`{curie(d.iri)}` **{d.label}** '
            f"({members}): {d.comment}"
        )
    out.append("")
    return "\n".join(out)


# --- HTML ---------------------------------------------------------------------------------

_CSS = """body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:0 .2em}dt{font-weight:600}dd{margin:0 0 .3em 1.5em}
.swatch{display:inline-block;width:.9em;height:.9em;border:1px solid #999;vertical-align:middle}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
section{border-top:1px solid #ddd;margin-top:1rem}"""


def _h_link(iri: URIRef | str, m: Model) -> str:
    name = escape(curie(iri))
    return (
        f'<a href="#{escape(_anchor(iri))}"><code>{name}</code></a>'
        if _is_local(iri, m)
        else f"<code>{name}</code>"
    )


def _h_links(iris: Iterable[URIRef], m: Model) -> str:
    return ", ".join(_h_link(i, m) for i in iris) or "—"


def _swatch(colour: str | None) -> str:
    if not colour:
        return ""
    colour = escape(colour)
    return f'<span class="swatch" style="background:{colour}"></span> <code>{colour}</code>'


def _h_heading(iri: URIRef, label: str) -> str:
    code = escape(curie(iri))
    return f'<section id="{escape(_anchor(iri))}"><h3>{escape(label)} <code>{code}</code></h3>'


def _h_item(iri: URIRef, label: str, comment: str) -> str:
    code = escape(curie(iri))
    return (
        f'<li id="{escape(_anchor(iri))}"><code>{code}</code> '
        f"<strong>{escape(label)}</strong>: {escape(comment)}</li>"
    )


def html(m: Model | None = None) -> str:
    """The reference page as one self-contained HTML document (no external assets)."""
    m = m or model()
    title = escape(m.title or "govgraph ontology")
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        "<dl>",
        f"<dt>Ontology IRI</dt><dd><code>{escape(str(m.iri))}</code></dd>",
        f"<dt>Version IRI</dt><dd><code>{escape(str(m.version_iri or ''))}</code></dd>",
        f"<dt>Version</dt><dd>{escape(m.version_info)}</dd>",
        "</dl>",
        f"<p>{escape(m.description)}</p>" if m.description else "",
        "<h2>Class hierarchy</h2>",
    ]

    def tree(c: OntClass) -> str:
        kids = "".join(tree(m.classes[k]) for k in c.subclasses)
        return f"<li>{_h_link(c.iri, m)} {escape(c.label)}{f'<ul>{kids}</ul>' if kids else ''}</li>"

    out.append("<ul>" + "".join(tree(r) for r in _roots(m)) + "</ul>")

    out += ["<h2>Classes</h2>"]
    for c in m.classes.values():
        out += [
            _h_heading(c.iri, c.label),
            f"<p>{escape(c.comment)}</p><dl>",
            f"<dt>Superclasses</dt><dd>{_h_links(c.superclasses, m)}</dd>",
            f"<dt>Subclasses</dt><dd>{_h_links(c.subclasses, m)}</dd>",
            f"<dt>Map colour</dt><dd>{_swatch(c.colour)}</dd>" if c.colour else "",
            "</dl></section>",
        ]
    for title_, props in _sections(m):
        out.append(f"<h2>{escape(title_)}</h2>")
        for p in props:
            out += [
                _h_heading(p.iri, p.label),
                f"<p>{escape(p.comment)}</p><dl>",
                f"<dt>Domain</dt><dd>{_h_links(p.domain, m)}</dd>",
                f"<dt>Range</dt><dd>{_h_links(p.range, m)}</dd>",
                f"<dt>Inverse</dt><dd>{_h_link(p.inverse, m)}</dd>" if p.inverse else "",
                f"<dt>Super-properties</dt><dd>{_h_links(p.superproperties, m)}</dd>"
                if p.superproperties
                else "",
                f"<dt>Characteristics</dt><dd>{escape(', '.join(_characteristics(p)))}</dd>"
                if _characteristics(p)
                else "",
                f"<dt>Map colour</dt><dd>{_swatch(p.colour)}</dd>" if p.colour else "",
                "</dl></section>",
            ]
    out.append("<h2>Individuals</h2><ul>")
    for i in m.individuals.values():
        out.append(_h_item(i.iri, i.label, i.comment))
    out.append("</ul><h2>Datatypes</h2><ul>")
    for d in m.datatypes.values():
        out.append(_h_item(d.iri, d.label, d.comment))
    out.append("</ul></body></html>")
    return "\n".join(line for line in out if line)


def write_reference(path: Path | None = None) -> Path:
    """Write the Markdown reference page (``docs/ontology.md`` by default)."""
    target = path or DEFAULT_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(markdown(), encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write_reference(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
