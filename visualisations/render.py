"""The thin last step: a :class:`MapModel` as one self-contained, safe HTML file.

- Our own Jinja2 template with autoescaping on: titles, notes, legend labels and source
  titles are escaped; names never reach the HTML as markup.
- vis-network 9.1.9 (vendored from npm, Apache-2.0/MIT), our ``map.js`` and ``map.css``
  are inlined, so the file works from disk, by email, with no network; a Content Security
  Policy forbids every fetch besides (``default-src 'none'``).
- The data travels as JSON in a ``<script type="application/json">`` block, with ``<``,
  ``>``, ``&``, U+2028 and U+2029 escaped, and is read by ``map.js`` with ``JSON.parse``;
  tooltips and panels are built with ``textContent``.
- pyvis supplies the vis-network options (physics, interaction) and nothing else: its
  node/edge lists are one dict per element and ``add_edge`` is quadratic (1 s for 13k
  edges), so nodes and edges are written here as compact columns instead (about half the
  bytes), and its template is not used (it loads Bootstrap from a CDN and writes ids and
  ``href`` titles unescaped, see docs/maps.md).
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from typing import Any

from markupsafe import Markup
from rdflib import URIRef

from govgraph.ontology import model as ontology
from govgraph.ontology.terms import ID
from govgraph.visualisations.csp import file_policy, package_text
from govgraph.visualisations.model import LegendEntry, MapModel, text_colour
from govgraph.visualisations.templating import environment

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_RE = re.compile("[<>&\u2028\u2029]")
_CLOSE_SCRIPT = re.compile(r"</script|<!--", re.IGNORECASE)


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element and in any JavaScript parser."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


@cache
def _assets() -> dict[str, str]:
    out = {
        "preview_js": package_text("static", "preview.js"),
        "vis_js": package_text("static", "vis-network", "vis-network.min.js"),
        "map_js": package_text("static", "map.js"),
        "map_css": package_text("static", "map.css"),
    }
    for name, text in out.items():
        if _CLOSE_SCRIPT.search(text):
            raise ValueError(f"{name} contains '</script' or '<!--' and cannot be inlined")
    return out


def vis_options(model: MapModel) -> dict[str, Any]:
    """vis-network options: pyvis's defaults and toggles, plus what big maps need."""
    from pyvis.network import Network

    net = Network(directed=True)
    big = not model.physics
    net.toggle_physics(model.physics)
    if model.physics:
        net.barnes_hut(
            gravity=-4000,
            central_gravity=0.2,
            spring_length=110,
            spring_strength=0.02,
            damping=0.3,
        )
    net.toggle_hide_edges_on_drag(big and len(model.edges) > 3000)
    options: dict[str, Any] = json.loads(net.options.to_json())
    options["physics"]["stabilization"]["iterations"] = 200
    options["physics"]["stabilization"]["fit"] = True
    options["edges"] = {
        "smooth": False if big else {"type": "continuous"},
        "width": 1,
        "selectionWidth": 2,
        "arrowStrikethrough": False,
    }
    options["interaction"].update(
        hover=True,
        tooltipDelay=150,
        hideEdgesOnZoom=big and len(model.edges) > 3000,
        multiselect=False,
        navigationButtons=False,
        keyboard=False,
    )
    options["layout"] = {"improvedLayout": False, "randomSeed": 7}
    font = {"face": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 14}
    if model.shape == "box":
        options["nodes"] = {
            "shape": "box",
            "margin": 8,
            "widthConstraint": {"maximum": 170},
            "font": font,
            "borderWidth": 1,
        }
    else:
        options["nodes"] = {
            "shape": "dot",
            "borderWidth": 1,
            "font": {**font, "strokeWidth": 3, "strokeColor": "#ffffff", "color": "#1b1b1b"},
            "scaling": {
                "min": 5,
                "max": 40,
                "label": {"enabled": False, "drawThreshold": 6},
            },
        }
    return options


def _legend(entries: list[LegendEntry]) -> list[dict[str, str]]:
    return [
        {"key": e.key, "label": e.label, "colour": e.colour, "text": text_colour(e.colour)}
        for e in entries
    ]


def payload(model: MapModel) -> dict[str, Any]:
    """The map's data as compact columns (one array per attribute)."""
    groups = model.node_legend
    kinds = model.edge_legend
    group_index = {e.key: i for i, e in enumerate(groups)}
    kind_index = {e.key: i for i, e in enumerate(kinds)}
    index = {n.id: i for i, n in enumerate(model.nodes)}
    type_labels: dict[str, int] = {}
    source_titles: dict[str, int] = {}

    def src(titles: tuple[str, ...]) -> list[int]:
        return [source_titles.setdefault(t, len(source_titles)) for t in titles]

    nodes = model.nodes
    node_cols: dict[str, Any] = {
        "id": [n.id[len(str(ID)) :] if n.id.startswith(str(ID)) else n.id for n in nodes],
        "label": [n.label for n in nodes],
        "group": [group_index[n.group] for n in nodes],
        "type": [type_labels.setdefault(n.type_label, len(type_labels)) for n in nodes],
        "x": [n.x for n in nodes],
        "y": [n.y for n in nodes],
        "w": [round(math.sqrt(n.weight), 2) for n in nodes],
        "aliases": [list(n.aliases) for n in nodes],
        "desc": [n.description for n in nodes],
        "src": [src(n.sources) for n in nodes],
        "notes": [list(n.notes) for n in nodes],
    }
    if any(n.url for n in nodes):
        node_cols["url"] = [n.url for n in nodes]
    edges = [e for e in model.edges if e.source in index and e.target in index]
    edge_cols = {
        "from": [index[e.source] for e in edges],
        "to": [index[e.target] for e in edges],
        "kind": [kind_index[e.kind] for e in edges],
        "src": [src(e.sources) for e in edges],
        "start": [e.start for e in edges],
        "end": [e.end for e in edges],
    }
    if model.findings:
        edge_cols["finding"] = [e.finding for e in edges]
    m = ontology.model()
    kind_rows = []
    for row, e in zip(_legend(kinds), kinds, strict=True):
        if e.key in model.edge_terms:  # a finding kind: reads the same from either end
            kind_rows.append({**row, "inverse": e.label, "directed": False})
            continue
        prop = m.properties.get(URIRef(e.key))
        inverse = (
            prop.label
            if prop is not None and prop.is_symmetric
            else ontology.label(prop.inverse)
            if prop is not None and prop.inverse is not None
            else f"{e.label} (from)"
        )
        directed = not (prop is not None and prop.is_symmetric)
        kind_rows.append({**row, "inverse": inverse, "directed": directed})
    clusters = [
        {
            "id": c.id,
            "hub": index[c.hub],
            "members": [index[m] for m in c.members if m in index],
            "label": c.label,
            "group": group_index[c.group],
            "x": c.x,
            "y": c.y,
        }
        for c in model.clusters
        if c.hub in index
    ]
    return {
        "kind": model.kind,
        "title": model.title,
        "asOf": model.as_of,
        "scope": model.scope,
        "years": list(model.years),
        "clusters": clusters,
        "findings": model.findings,
        "served": any(n.url for n in nodes),
        "focus": index.get(model.focus) if model.focus else None,
        "physics": model.physics,
        "shape": model.shape,
        "groups": _legend(groups),
        "kinds": kind_rows,
        "typeLabels": list(type_labels),
        "sourceTitles": list(source_titles),
        "nodes": node_cols,
        "edges": edge_cols,
        "options": vis_options(model),
    }


def render_html(model: MapModel) -> str:
    """The map as one HTML document (str; write it as UTF-8)."""
    assets = _assets()
    data = payload(model)
    template = environment().get_template("map.html")
    return template.render(
        model=model,
        node_legend=model.node_legend,
        edge_legend=model.edge_legend,
        edge_rows=model.edge_legend_rows(),
        data_json=Markup(script_json(data)),
        served=data["served"],
        preview_js=Markup(assets["preview_js"]),
        vis_js=Markup(assets["vis_js"]),
        map_js=Markup(assets["map_js"]),
        map_css=Markup(assets["map_css"]),
        csp=Markup(file_policy()),  # no double quote in it: safe in the attribute
    )
