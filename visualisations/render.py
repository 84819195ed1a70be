"""The thin last step: a :class:`MapModel` as one self-contained, safe HTML file.

- Our own Jinja2 template with autoescaping on: titles, notes, legend labels and source
  titles are escaped; names never reach the HTML as markup.
- vis-network 9.1.9 (vendored from npm, Apache-2.0/MIT), our ``map.js`` and ``map.css``
  are inlined, so the file works from disk, by email, with no network; a Content Security
  Policy forbids every fetch besides (``default-src 'none'``).
- The data travels as JSON in a ``<script type="application/json">`` block, with ``<``,
  ``>``, ``&``, U+2028 and U+2029 escaped, and is read by ``map.js`` with ``JSON.parse``;
  tooltips and panels are built with ``textContent``.
- Each map is a pyvis ``Network`` (:class:`MapNetwork`): nodes, edges, groups and the
  vis-network options are set through pyvis, and it renders through our template, not
  pyvis's (which loads Bootstrap from a CDN and writes ids and ``href`` titles unescaped,
  see docs/maps.md). Its one dict per element is written as compact columns (about half
  the bytes), and its quadratic id look-ups are answered by a dict.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from typing import Any

from markupsafe import Markup
from pyvis.network import Network
from pyvis.options import Layout
from rdflib import URIRef

from govgraph.ontology import model as ontology
from govgraph.ontology.terms import ID
from govgraph.visualisations.csp import file_policy, package_text
from govgraph.visualisations.model import LegendEntry, MapModel, text_colour
from govgraph.visualisations.templating import TEMPLATES, environment

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


class _NodeIds(dict[str, None]):
    """pyvis keeps node ids in a list and looks each ``add_node`` and both ends of each
    ``add_edge`` up in it, which is quadratic (seconds at 10,000 nodes): these ids keep
    pyvis's order and ``append`` but answer ``in`` as a dict does."""

    def append(self, node_id: str) -> None:
        self[node_id] = None


class MapNetwork(Network):
    """A map as a pyvis ``Network``: its nodes, edges (each with the attributes the map
    shows), groups (the legend's classes) and vis-network options, all set through pyvis,
    rendered by :meth:`generate_html` through our own autoescaping, offline template
    (pyvis's loads Bootstrap from a CDN and writes ids and ``href`` titles unescaped)."""

    def __init__(self, model: MapModel) -> None:
        super().__init__(directed=True, heading=model.title, cdn_resources="in_line")
        self.model = model
        self.groups = model.node_legend
        """The legend's node groups (a node's ``group`` is one's key), computed once."""
        self.kinds = model.edge_legend
        """The legend's relationship kinds (an edge's ``kind`` is one's key)."""
        self.node_ids = _NodeIds()
        # pyvis's set_template_dir builds its own Environment, without autoescaping: ours
        self.path = "map.html"
        self.template_dir = TEMPLATES
        self.templateEnv = environment()
        self._set_options(model)
        type_labels: dict[str, str] = {}  # a few dozen types among thousands of nodes
        for n in model.nodes:
            type_label = type_labels.get(n.type)
            if type_label is None:
                type_label = type_labels[n.type] = n.type_label
            self.add_node(
                n.id,
                label=n.label,
                shape=model.shape,
                group=n.group,
                type=type_label,
                x=n.x,
                y=n.y,
                value=round(math.sqrt(n.weight), 2),
                aliases=n.aliases,
                description=n.description,
                sources=n.sources,
                notes=n.notes,
                url=n.url,
            )
            if not n.label:  # pyvis labels a node by its id when the label is empty
                self.node_map[n.id]["label"] = n.label
        known = self.node_map
        for e in model.edges:
            if e.source in known and e.target in known:
                self.add_edge(
                    e.source,
                    e.target,
                    kind=e.kind,
                    sources=e.sources,
                    start=e.start,
                    end=e.end,
                    finding=e.finding,
                )

    def _set_options(self, model: MapModel) -> None:
        """pyvis's defaults and toggles, plus what pyvis has no setter for (node style,
        hover, a fixed seed) as attributes of its options."""
        big = not model.physics
        many = big and len(model.edges) > 3000
        self.toggle_physics(model.physics)
        if model.physics:
            self.barnes_hut(
                gravity=-4000,
                central_gravity=0.2,
                spring_length=110,
                spring_strength=0.02,
                damping=0.3,
            )
        self.toggle_hide_edges_on_drag(many)
        stabilization = self.options.physics.stabilization
        stabilization.iterations = 200
        stabilization.fit = True
        if big:
            self.options.edges.smooth.enabled = False
        else:
            self.set_edge_smooth("continuous")
        self.inherit_edge_colors(False)  # every line has its relationship's colour
        edges = self.options.edges
        edges.width = 1
        edges.selectionWidth = 2
        edges.arrowStrikethrough = False
        interaction = self.options.interaction
        interaction.hover = True
        interaction.tooltipDelay = 150
        interaction.hideEdgesOnZoom = many
        interaction.multiselect = False
        interaction.navigationButtons = False
        interaction.keyboard = False
        self.options.layout = Layout(randomSeed=7, improvedLayout=False)
        self.options.layout.hierarchical.enabled = False  # pyvis's Layout turns it on
        font = {"face": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 14}
        if model.shape == "box":
            self.options.nodes = {
                "shape": "box",
                "margin": 8,
                "widthConstraint": {"maximum": 170},
                "font": font,
                "borderWidth": 1,
            }
        else:
            self.options.nodes = {
                "shape": "dot",
                "borderWidth": 1,
                "font": {**font, "strokeWidth": 3, "strokeColor": "#ffffff", "color": "#1b1b1b"},
                "scaling": {
                    "min": 5,
                    "max": 40,
                    "label": {"enabled": False, "drawThreshold": 6},
                },
            }

    def vis_options(self) -> dict[str, Any]:
        """The vis-network options as pyvis writes them."""
        options: dict[str, Any] = json.loads(self.options.to_json())
        return options

    def generate_html(
        self, name: str = "index.html", local: bool = True, notebook: bool = False
    ) -> str:
        """The map as one HTML document (str; write it as UTF-8), from our template."""
        assets = _assets()
        model = self.model
        data = payload(self)
        self.html = self.templateEnv.get_template(self.path).render(
            model=model,
            node_legend=self.groups,
            edge_legend=self.kinds,
            edge_rows=model.edge_legend_rows(),
            data_json=Markup(script_json(data)),
            served=data["served"],
            preview_js=Markup(assets["preview_js"]),
            vis_js=Markup(assets["vis_js"]),
            map_js=Markup(assets["map_js"]),
            map_css=Markup(assets["map_css"]),
            csp=Markup(file_policy()),  # no double quote in it: safe in the attribute
        )
        return self.html


def _legend(entries: list[LegendEntry]) -> list[dict[str, str]]:
    return [
        {"key": e.key, "label": e.label, "colour": e.colour, "text": text_colour(e.colour)}
        for e in entries
    ]


def payload(net: MapNetwork) -> dict[str, Any]:
    """The network's data as compact columns (one array per attribute): pyvis's one dict
    per element would double the file, and ``map.js`` builds vis's elements itself."""
    model = net.model
    groups = net.groups
    kinds = net.kinds
    group_index = {e.key: i for i, e in enumerate(groups)}
    kind_index = {e.key: i for i, e in enumerate(kinds)}
    index = {node_id: i for i, node_id in enumerate(net.node_ids)}
    type_labels: dict[str, int] = {}
    source_titles: dict[str, int] = {}

    def src(titles: tuple[str, ...]) -> list[int]:
        return [source_titles.setdefault(t, len(source_titles)) for t in titles]

    nodes: list[dict[str, Any]] = net.nodes
    base = str(ID)
    node_cols: dict[str, Any] = {
        "id": [n["id"][len(base) :] if n["id"].startswith(base) else n["id"] for n in nodes],
        "label": [n["label"] for n in nodes],
        "group": [group_index[n["group"]] for n in nodes],
        "type": [type_labels.setdefault(n["type"], len(type_labels)) for n in nodes],
        "x": [n["x"] for n in nodes],
        "y": [n["y"] for n in nodes],
        "w": [n["value"] for n in nodes],
        "aliases": [list(n["aliases"]) for n in nodes],
        "desc": [n["description"] for n in nodes],
        "src": [src(n["sources"]) for n in nodes],
        "notes": [list(n["notes"]) for n in nodes],
    }
    served = any(n["url"] for n in nodes)
    if served:
        node_cols["url"] = [n["url"] for n in nodes]
    edges: list[dict[str, Any]] = net.edges
    edge_cols = {
        "from": [index[e["from"]] for e in edges],
        "to": [index[e["to"]] for e in edges],
        "kind": [kind_index[e["kind"]] for e in edges],
        "src": [src(e["sources"]) for e in edges],
        "start": [e["start"] for e in edges],
        "end": [e["end"] for e in edges],
    }
    if model.findings:
        edge_cols["finding"] = [e["finding"] for e in edges]
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
        "served": served,
        "focus": index.get(model.focus) if model.focus else None,
        "physics": model.physics,
        "shape": model.shape,
        "groups": _legend(groups),
        "kinds": kind_rows,
        "typeLabels": list(type_labels),
        "sourceTitles": list(source_titles),
        "nodes": node_cols,
        "edges": edge_cols,
        "options": net.vis_options(),
    }


def render_html(model: MapModel) -> str:
    """The map as one HTML document (str; write it as UTF-8)."""
    return MapNetwork(model).generate_html()
