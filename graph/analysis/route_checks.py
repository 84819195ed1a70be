"""The checks an adviser runs on route maps, as findings in the overlap report's shape
(:class:`~govgraph.graph.analysis.findings.Finding`): each names its subjects, says why in a
sentence, and carries the facts and sources it rests on.

They compute from :class:`~govgraph.graph.facts.route_maps.RouteMaps` only, so tests build the
data by hand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

import networkx as nx
from rdflib import URIRef

from govgraph.graph.analysis.findings import Fact, Finding, Subject, sort_findings
from govgraph.graph.core.dates import parse_date
from govgraph.graph.facts.route_maps import Item, RouteMaps
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG

KINDS: dict[str, str] = {
    "milestone-unowned": "Milestones with no responsible body",
    "collective-only": "Commitments whose only responsibility is a generic collective",
    "dependency-cycle": "Dependency cycles",
    "due-before-dependency": "Milestones due before something they depend on",
    "past-due-no-status": "Milestones past due with no recorded status",
    "load-concentration": "Bodies responsible for milestones in many themes",
}
"""Check kind -> heading, in the order a report lists them."""
MIN_THEMES = 3
"""A body responsible for milestones in at least this many themes is a load concentration."""


def _subject(item: Item) -> Subject:
    return Subject(
        item.iri, item.label(), str(GG.Milestone if item.kind == "milestone" else GG.Commitment)
    )


def _due(item: Item) -> str:
    return f"due {item.due}" if item.due else "no due date"


def _fact(item: Item, data: RouteMaps, text: str) -> Fact:
    rm = data.maps[item.route_map]
    return Fact(f"{text} (route map '{rm.name}')", item.sources)


def milestone_unowned(data: RouteMaps, as_of: str) -> list[Finding]:
    """Milestones with no responsible body, neither their own nor their commitment's."""
    out = []
    for m in data.milestones():
        parent = data.items.get(m.commitment) if m.commitment else None
        if m.responsible or (parent is not None and parent.responsible):
            continue
        out.append(
            Finding(
                "milestone-unowned",
                (_subject(m),),
                2.0 if m.due else 1.0,
                f"Nobody is named as responsible for the milestone '{m.label()}' ({_due(m)}).",
                (_fact(m, data, f"'{m.text}' is a milestone, {_due(m)}, with no responsibility"),),
            )
        )
    return out


def collective_only(data: RouteMaps, as_of: str) -> list[Finding]:
    """Commitments every one of whose responsible bodies is a generic collective."""
    out = []
    for c in data.items.values():
        if c.kind != "commitment" or not c.responsible:
            continue
        if not all(r.collective for r in c.responsible):
            continue
        names = ", ".join(sorted({r.name for r in c.responsible}))
        bodies = sorted({r.body: r for r in c.responsible}.values(), key=lambda r: r.name)
        out.append(
            Finding(
                "collective-only",
                (
                    _subject(c),
                    *(Subject(r.body, r.name, str(GG.Collective)) for r in bodies),
                ),
                float(len(c.responsible)),
                f"Only generic collectives ({names}) are responsible for the commitment "
                f"'{c.label()}': no single body answers for it.",
                tuple(
                    _fact(
                        c,
                        data,
                        f"{r.name} ({ontology.label(GG.Collective)}) is "
                        f"{ontology.label(URIRef(r.tier))} for '{c.text}'",
                    )
                    for r in c.responsible
                ),
                identity=1,
            )
        )
    return out


def _graph(data: RouteMaps) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(data.items)
    g.add_edges_from(data.dependencies())
    return g


def dependency_cycles(data: RouteMaps, as_of: str) -> list[Finding]:
    """Sets of items that depend on each other round a loop (each such set once)."""
    out = []
    g = _graph(data)
    for component in nx.strongly_connected_components(g):
        if len(component) == 1 and not g.has_edge(*([*component] * 2)):
            continue
        members = sorted(component)
        evidence = tuple(
            Fact(
                f"'{data.items[a].text}' depends on '{data.items[b].text}'",
                data.dependency_sources.get((a, b), ()),
            )
            for a, b in sorted(g.subgraph(members).edges)
        )
        out.append(
            Finding(
                "dependency-cycle",
                tuple(_subject(data.items[i]) for i in members),
                float(len(members)),
                f"{len(members)} commitments and milestones depend on each other in a loop, "
                "so none of them can be reached first.",
                evidence,
            )
        )
    return out


def due_before_dependency(data: RouteMaps, as_of: str) -> list[Finding]:
    """Items due (for certain, at the precision given) before something they depend on."""
    out = []
    for a, b in data.dependencies():
        item, other = data.items[a], data.items[b]
        if item.kind != "milestone" or not item.due or not other.due:
            continue
        mine, theirs = parse_date(item.due), parse_date(other.due)
        if mine.latest >= theirs.earliest:
            continue
        gap = (theirs.earliest - mine.latest).days
        out.append(
            Finding(
                "due-before-dependency",
                (_subject(item), _subject(other)),
                float(gap),
                f"'{item.label()}' is due {item.due}, before '{other.label()}' "
                f"(due {other.due}), which it depends on.",
                (
                    _fact(item, data, f"'{item.text}' is due {item.due}"),
                    _fact(other, data, f"'{other.text}' is due {other.due}"),
                    Fact(
                        f"'{item.text}' depends on '{other.text}'",
                        data.dependency_sources.get((a, b), ()),
                    ),
                ),
            )
        )
    return out


def past_due_no_status(data: RouteMaps, as_of: str) -> list[Finding]:
    """Milestones whose due period ended before ``as_of`` with no status recorded by then."""
    cut = parse_date(as_of).earliest
    out = []
    for m in data.milestones():
        if not m.due or parse_date(m.due).latest >= cut or m.status_at(as_of) is not None:
            continue
        late = (cut - parse_date(m.due).latest).days
        out.append(
            Finding(
                "past-due-no-status",
                (_subject(m),),
                float(late),
                f"'{m.label()}' was due {m.due}; by {as_of} no status has been recorded.",
                (
                    _fact(
                        m, data, f"'{m.text}' is due {m.due} and has no status on or before {as_of}"
                    ),
                ),
            )
        )
    return out


def load_concentration(data: RouteMaps, as_of: str, min_themes: int = MIN_THEMES) -> list[Finding]:
    """Bodies responsible for milestones in ``min_themes`` or more themes."""
    themes: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    for m in data.milestones():
        for r in m.responsible:
            themes[r.body][data.maps[m.route_map].theme].append(m)
            names[r.body] = r.name
    out = []
    for body, by_theme in themes.items():
        if len(by_theme) < min_themes:
            continue
        count = sum(len(v) for v in by_theme.values())
        out.append(
            Finding(
                "load-concentration",
                (Subject(body, names[body]),),
                float(len(by_theme)),
                f"{names[body]} is responsible for {count} milestones across {len(by_theme)} "
                "themes.",
                tuple(
                    Fact(
                        f"{names[body]} is responsible for {len(items)} milestone"
                        f"{'s' if len(items) != 1 else ''} in the theme '{theme}'",
                        tuple({s for i in items for s in i.sources}),
                    )
                    for theme, items in sorted(by_theme.items())
                ),
                details={"themes": len(by_theme), "milestones": count},
            )
        )
    return out


CHECKS: dict[str, Callable[[RouteMaps, str], list[Finding]]] = {
    "milestone-unowned": milestone_unowned,
    "collective-only": collective_only,
    "dependency-cycle": dependency_cycles,
    "due-before-dependency": due_before_dependency,
    "past-due-no-status": past_due_no_status,
    "load-concentration": load_concentration,
}


def check_route_maps(data: RouteMaps, as_of: str | None = None) -> list[Finding]:
    """Every check's findings, in the order of :data:`KINDS`, highest score first."""
    when = as_of or dt.date.today().isoformat()
    found = [f for check in CHECKS.values() for f in check(data, when)]
    return sort_findings(found, list(KINDS))


def restrict(data: RouteMaps, map_iri: str) -> RouteMaps:
    """The items of one route map only (load concentration needs them all: run it first)."""
    items = {k: v for k, v in data.items.items() if v.route_map == map_iri}
    deps = {k: v for k, v in data.dependency_sources.items() if k[0] in items}
    return RouteMaps({map_iri: data.maps[map_iri]}, items, deps)
