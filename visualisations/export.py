"""A map as a file for a report or a slide: ``govgraph map ... -f html|svg|png``.

SVG comes from the project's static-SVG drawer (:mod:`~govgraph.visualisations.static_svg`,
the one the printed overlap report uses), with real ``<text>`` labels a slide tool can
edit; clusters are drawn closed, as on the interactive map's first frame. PNG is that SVG
drawn by headless Chromium (Playwright), the browser the project already tests with, so no
imaging library is needed.
"""

from __future__ import annotations

import shutil
from html import escape

from govgraph.graph.core.errors import QueryError
from govgraph.visualisations.model import MapEdge, MapModel, MapNode, term_colour
from govgraph.visualisations.render import render_html
from govgraph.visualisations.static_svg import static_svg

EXPORT_FORMATS = ("html", "svg", "png")
PNG_WIDTH = 1600
"""Pixels across a PNG export."""


def collapsed(model: MapModel) -> MapModel:
    """The model as its first frame draws it: each cluster one node, its edges redirected."""
    if not model.clusters:
        return model
    inside = {m: c for c in model.clusters for m in c.members}
    nodes = [n for n in model.nodes if n.id not in inside]
    for c in model.clusters:
        nodes.append(
            MapNode(
                id=c.id,
                label=c.label,
                group=c.group,
                type=c.group,
                weight=len(c.members) / 5,
                x=c.x,
                y=c.y,
            )
        )
    seen: set[tuple[str, str, str]] = set()
    edges: list[MapEdge] = []
    for e in model.edges:
        a = inside[e.source].id if e.source in inside else e.source
        b = inside[e.target].id if e.target in inside else e.target
        if (a, b, e.kind) not in seen:
            seen.add((a, b, e.kind))
            edges.append(MapEdge(a, b, e.kind, e.sources, e.start, e.end, e.finding))
    out = MapModel(**{**model.__dict__, "nodes": nodes, "edges": edges, "clusters": []})
    return out


def map_svg(model: MapModel) -> str:
    """A static SVG of the map with its title, labels as text, coloured as the legend says."""
    drawn = collapsed(model)
    body = static_svg(
        drawn,
        unit=1.0,
        node=lambda n: (term_colour(n.group), round(4 + min(n.weight, 40) ** 0.5 * 2, 1)),
        edge=lambda e: (
            f'stroke="{drawn.edge_colour(e.kind)}" stroke-width="1.2" stroke-opacity="0.7"'
        ),
    )
    if not body:
        body = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 100"></svg>'
    title = escape(model.title + (f" (as of {model.as_of})" if model.as_of else ""))
    head = f"<title>{title}</title>"
    return body.replace(">", ">" + head, 1)


def svg_png(svg: str, width: int = PNG_WIDTH) -> bytes:
    """The SVG drawn at ``width`` pixels by headless Chromium, network blocked."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise QueryError("PNG export needs Playwright: pip install 'govgraph[test]'") from None
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise QueryError("PNG export needs Chromium (make system-deps installs it)")
    page_html = (
        "<!doctype html><meta charset='utf-8'><style>html,body{margin:0;background:#fff}"
        f"svg{{display:block;width:{width}px;height:auto;font-family:system-ui,sans-serif}}"
        f"</style>{svg}"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--headless=new", "--no-sandbox"]
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.route("**/*", lambda r: r.abort())
            page.set_content(page_html)
            return page.locator("svg").first.screenshot(type="png")
        finally:
            browser.close()


def export_map(model: MapModel, fmt: str) -> bytes:
    """The map in ``fmt`` (html, svg or png) as bytes."""
    if fmt == "html":
        return render_html(model).encode("utf-8")
    if fmt == "svg":
        return map_svg(model).encode("utf-8")
    if fmt == "png":
        return svg_png(map_svg(model))
    raise QueryError(f"format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
