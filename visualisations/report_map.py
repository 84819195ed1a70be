"""The overlap map: the top findings as a network of the bodies they name.

Built from findings, not from the store, so the report can draw it from the same list it
prints. ``overlap_map`` gives the node/edge :class:`MapModel` the map renderer takes (the
``overlap`` map kind registers it); ``network_svg`` draws the same model as a static SVG
for the printed report, where a canvas would not print.
"""

from __future__ import annotations

from collections.abc import Sequence

from govgraph.graph.analysis.findings import Finding
from govgraph.graph.analysis.overlaps import KINDS, Settings, compute_findings
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import BASE, GG
from govgraph.visualisations import layout
from govgraph.visualisations.kinds import MapRequest, register
from govgraph.visualisations.model import MapEdge, MapModel, MapNode, Source, term_colour
from govgraph.visualisations.static_svg import static_svg

REPORT = BASE + "report#"
"""Edge kinds of the overlap map: one per kind of finding (not ontology properties)."""
EDGE_KINDS = {
    "rationalisation": "#C0392B",
    "remit-overlap": "#6A3D9A",
    "membership-overlap": "#1F78B4",
    "membership-subset": "#17BECF",
    "co-leads": "#E08214",
    "several-parents": "#33A02C",
    "redundant-line": "#B15928",
}
"""Finding kinds drawn as edges, and their colours: the one definition the map's legend,
its lines, the static SVG and the report's legend all read (each kind its own colour)."""
ACTIONS = {
    "rationalisation": "Consider merging these bodies or setting out why both are needed.",
    "remit-overlap": "Agree who leads on the shared policy areas and client groups.",
    "membership-overlap": "Check whether the two groups could meet jointly or share papers.",
    "membership-subset": "Consider folding the smaller group into the larger one.",
    "co-leads": "Name one lead for the actions these bodies share.",
    "several-parents": "Confirm which body it answers to, and record the line.",
    "redundant-line": "Drop the indirect line or record why it is kept.",
}
"""The suggested next step for each drawn kind, shown in the map's details panel."""
REPORT_PATH = "/reports/overlaps"
"""Where the served report lives: a finding's row has its id as anchor."""
MAX_EDGES = 60
PER_KIND = 8
"""At most this many findings of one kind: the map shows the variety, the tables the rest."""


def _edges(f: Finding) -> list[tuple[str, str]]:
    ids = [s.id for s in f.subjects]
    if f.kind == "rationalisation":
        by_name = {s.name: s.id for s in f.subjects}
        return [
            (by_name[p["a"]], by_name[p["b"]])
            for p in f.details.get("pairs", [])
            if p["a"] in by_name and p["b"] in by_name
        ]
    if f.kind == "several-parents":
        return [(ids[0], p) for p in ids[1:]]
    return [(ids[0], ids[1])] if len(ids) >= 2 else []


def kind_label(kind: str) -> str:
    """A finding kind in plain words (the report's heading: "Shared remits")."""
    return KINDS.get(kind, kind.replace("-", " ").capitalize())


def overlap_map(
    findings: Sequence[Finding], *, max_edges: int = MAX_EDGES, as_of: str | None = None
) -> MapModel:
    """The best-scored findings of each drawn kind, in turn, until ``max_edges``."""
    per_kind: dict[str, list[Finding]] = {k: [] for k in EDGE_KINDS}
    for f in findings:
        if f.kind in per_kind:
            per_kind[f.kind].append(f)
    for fs in per_kind.values():
        fs.sort(key=lambda f: (-f.score, f.id))
        del fs[PER_KIND:]
    nodes: dict[str, MapNode] = {}
    edges: list[MapEdge] = []
    drawn: list[dict[str, object]] = []
    index: dict[str, int] = {}
    sources: dict[str, None] = {}
    seen: set[tuple[str, str, str]] = set()
    rank = 0
    while len(edges) < max_edges and any(len(fs) > rank for fs in per_kind.values()):
        for kind, fs in per_kind.items():
            if rank >= len(fs) or len(edges) >= max_edges:
                continue
            f = fs[rank]
            subjects = {s.id: s for s in f.subjects}
            for a, b in _edges(f):
                key = (min(a, b), max(a, b), kind)
                if key in seen:
                    continue
                seen.add(key)
                for i in (a, b):
                    s = subjects[i]
                    group = s.type or str(GG.Organisation)
                    nodes.setdefault(i, MapNode(id=i, label=s.name, group=group, type=group))
                    nodes[i].weight += 1
                if f.id not in index:
                    index[f.id] = len(drawn)
                    drawn.append(_finding_card(f))
                    for fact in f.evidence:
                        sources.update((s.title, None) for s in fact.sources)
                edges.append(MapEdge(a, b, REPORT + kind, finding=index[f.id]))
        rank += 1
    model = MapModel(
        kind="overlap",
        title="Overlap map" + (f" as of {as_of}" if as_of else ""),
        subtitle=f"{len(nodes)} bodies, {len(edges)} overlaps (the strongest of each kind)"
        + (f" · as of {as_of}" if as_of else "")
        + f" · {len(sources)} source{'s' if len(sources) != 1 else ''}",
        nodes=sorted(nodes.values(), key=lambda n: n.id),
        edges=edges,
        sources=[Source(t, None, None) for t in sorted(sources, key=str.lower)],
        notes=(
            "Lines join bodies named together by a finding, one colour per kind of finding "
            "(see the legend); click a body for each finding's score, reason and suggested "
            "action.",
        ),
        edge_terms={REPORT + k: (kind_label(k), c) for k, c in EDGE_KINDS.items()},
        findings=drawn,
        as_of=as_of,
    )
    positions = layout.force_layout(
        [n.id for n in model.nodes],
        [(e.source, e.target) for e in model.edges],
        groups={n.id: n.group for n in model.nodes},
    )
    for n in model.nodes:
        x, y = positions.get(n.id, (0.0, 0.0))
        n.x, n.y = round(x, 1), round(y, 1)
    return model


def _finding_card(f: Finding) -> dict[str, object]:
    """What the details panel says about a finding (plain data; the page writes it as
    text)."""
    return {
        "id": f.id,
        "kind": kind_label(f.kind),
        "score": round(f.score, 2),
        "reason": " ".join(f.explanation.split())[:300],
        "action": ACTIONS.get(f.kind, ""),
        "evidence": len(f.evidence),
        "href": f"{REPORT_PATH}#{f.id}",
    }


@register("overlap")
def overlap_kind(store: Store, req: MapRequest) -> MapModel:
    """``govgraph map overlap``: the overlap map of the current data, or of the landscape
    as it stood at ``as_of`` (an in-memory copy cut at the date; the store is untouched)."""
    settings = Settings(scope=req.scope)
    if req.as_of is None:
        return overlap_map(compute_findings(store, settings=settings))
    from govgraph.graph.analysis.snapshot import as_of as cut

    snapshot = cut(store, req.as_of)
    try:
        return overlap_map(compute_findings(snapshot, settings=settings), as_of=req.as_of)
    finally:
        snapshot.close()


def network_svg(model: MapModel, *, unit: float = 1.5) -> str:
    """A static SVG of the map (deterministic: positions come from the seeded layout)."""
    return static_svg(
        model,
        unit=unit,
        node=lambda n: (term_colour(n.group), round(3 + min(n.weight, 10) * 0.8, 1)),
        edge=lambda e: (
            f'stroke="{EDGE_KINDS.get(e.kind[len(REPORT) :], "#888888")}" '
            'stroke-width="2" stroke-opacity="0.8"'
        ),
    )
