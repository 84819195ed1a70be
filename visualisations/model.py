"""The intermediate node/edge model every map is built as, before any HTML.

Builders (``govgraph.visualisations.kinds``) turn graph queries into a :class:`MapModel`;
tests assert on its nodes, edges and legend; :mod:`govgraph.visualisations.render` is the
thin last step that serialises it. Colours and labels come from the ontology
(``gg:mapColour``, ``rdfs:label``), so the legend is generated, never typed in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from rdflib import URIRef

from govgraph.ontology import model as ontology
from govgraph.ontology.terms import ID

Layout = Literal["force", "layered"]
Direction = Literal["UD", "LR"]
Shape = Literal["dot", "box"]

NEUTRAL = "#9E9E9E"
"""For a term with no colour of its own or inherited."""


_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _valid(colour: str | None) -> str | None:
    """Only ``#RRGGBB`` reaches a style attribute or the canvas: a colour is data too."""
    return colour.upper() if colour and _HEX.fullmatch(colour) else None


def term_colour(iri: str) -> str:
    """The map colour of a class, property or individual: its own ``gg:mapColour``, else
    its nearest coloured superclass's, else neutral grey."""
    own = _valid(ontology.colour(URIRef(iri)))
    if own:
        return own
    m = ontology.model()
    cls = m.classes.get(URIRef(iri))
    if cls is not None:
        for parent in sorted(m.ancestors(cls.iri), key=lambda a: -len(m.ancestors(a))):
            colour = _valid(ontology.colour(parent))
            if colour:
                return colour
    return NEUTRAL


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG relative luminance)."""
    rgb = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if luminance > 0.179 else "#FFFFFF"


def entity_path(iri: str) -> str | None:
    """The served entity page of an entity IRI (``/id/<slug>``), None for other IRIs."""
    return "/id/" + iri[len(str(ID)) :] if iri.startswith(str(ID)) else None


@dataclass
class MapNode:
    id: str
    """The entity IRI."""
    label: str
    group: str
    """The legend entry (and filter) the node belongs to: its most specific class, or for
    an action its assessment status."""
    type: str
    """Its most specific gg class, for the tooltip."""
    aliases: tuple[str, ...] = ()
    description: str = ""
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """Extra plain-text lines for the tooltip (e.g. aggregated care services)."""
    weight: float = 1.0
    """Drawn size grows with it (degree, services provided)."""
    level: int | None = None
    """Row (or column) in layered maps."""
    x: float | None = None
    y: float | None = None
    url: str | None = None
    """Entity page link, set only for maps served by the API."""

    @property
    def colour(self) -> str:
        return term_colour(self.group)

    @property
    def type_label(self) -> str:
        return ontology.label(URIRef(self.type))


@dataclass
class MapEdge:
    source: str
    target: str
    kind: str
    """A property IRI: the relationship kind, read from ``source`` to ``target``."""
    sources: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    finding: int | None = None
    """Index into ``MapModel.findings`` (overlap map)."""

    @property
    def label(self) -> str:
        return ontology.label(URIRef(self.kind))

    @property
    def colour(self) -> str:
        return term_colour(self.kind)

    @property
    def directed(self) -> bool:
        prop = ontology.model().properties.get(URIRef(self.kind))
        return not (prop is not None and prop.is_symmetric)


@dataclass(frozen=True)
class LegendEntry:
    key: str
    """A class, individual or property IRI."""
    label: str
    colour: str
    count: int
    comment: str = ""


@dataclass(frozen=True)
class Source:
    title: str
    issued: str | None
    loaded: str | None


@dataclass(frozen=True)
class Cluster:
    """A hub's long tail drawn as one node that opens on click ("regulates 539 care
    services"): the members share the hub, the relationship kind and the type."""

    id: str
    hub: str
    kind: str
    group: str
    members: tuple[str, ...]
    label: str
    x: float = 0.0
    y: float = 0.0


@dataclass
class MapModel:
    kind: str
    title: str
    subtitle: str
    nodes: list[MapNode]
    edges: list[MapEdge]
    sources: list[Source] = field(default_factory=list)
    focus: str | None = None
    layout: Layout = "force"
    direction: Direction = "UD"
    shape: Shape = "dot"
    physics: bool = False
    """True only for small force maps: the browser settles them; big ones arrive laid out."""
    notes: tuple[str, ...] = ()
    """Plain-text lines shown under the title (what the map leaves out, and why)."""
    as_of: str | None = None
    """The date the map shows (shown in its header; None: today's data)."""
    years: tuple[int, ...] = ()
    """Years the data knows (for the served map's date slider)."""
    clusters: list[Cluster] = field(default_factory=list)
    """Long tails drawn closed on the first frame (see :func:`find_clusters`)."""
    edge_terms: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Edge kinds that are not ontology properties (the overlap map's finding kinds):
    key -> (plain label, colour). Everything else is labelled and coloured by the ontology."""
    findings: list[dict[str, object]] = field(default_factory=list)
    """The overlap map's findings (score, reason, suggested action, evidence, link), which
    its edges point into by ``MapEdge.finding``."""
    scope: str = "scotland"

    def node(self, iri: str) -> MapNode:
        for n in self.nodes:
            if n.id == iri:
                return n
        raise KeyError(iri)

    def node_ids(self) -> set[str]:
        return {n.id for n in self.nodes}

    def edge_triples(self) -> set[tuple[str, str, str]]:
        return {(e.source, e.kind, e.target) for e in self.edges}

    @property
    def node_legend(self) -> list[LegendEntry]:
        return legend_entries(Counter(n.group for n in self.nodes))

    @property
    def edge_legend(self) -> list[LegendEntry]:
        counts = Counter(e.kind for e in self.edges)
        own = [LegendEntry(k, *self.edge_terms[k], counts[k]) for k in self.edge_terms if counts[k]]
        return own + legend_entries(
            Counter({k: n for k, n in counts.items() if k not in self.edge_terms})
        )

    def edge_legend_rows(self) -> list[tuple[LegendEntry, str]]:
        """The legend's relationship rows, each with the indexes (comma-separated) of the
        :attr:`edge_legend` entries its filter box turns on and off: one each here."""
        return [(e, str(i)) for i, e in enumerate(self.edge_legend)]

    def relationship(self, kind: str) -> str:
        """The ontology property an edge kind stands for (the difference map encodes a
        status in its kinds; its model overrides this)."""
        return kind

    def edge_colour(self, kind: str) -> str:
        return self.edge_terms[kind][1] if kind in self.edge_terms else term_colour(kind)

    def drawn_ids(self) -> set[str]:
        """Nodes drawn on the first frame: clustered members are inside their cluster."""
        hidden = {m for c in self.clusters for m in c.members}
        return {n.id for n in self.nodes if n.id not in hidden} | {c.id for c in self.clusters}


def legend_entries(counts: Counter[str]) -> list[LegendEntry]:
    """Legend rows for the terms present, labelled and coloured from the ontology, in the
    ontology's own order (class hierarchy, then properties, then individuals)."""
    m = ontology.model()
    order = {str(t): i for i, t in enumerate([*m.classes, *m.properties, *m.individuals])}
    return [
        LegendEntry(
            key,
            ontology.label(URIRef(key)),
            term_colour(key),
            n,
            ontology.comment(URIRef(key)),
        )
        for key, n in sorted(counts.items(), key=lambda kv: (order.get(kv[0], 1 << 30), kv[0]))
    ]


def most_specific_type(types: Iterable[str], default: str) -> str:
    return _most_specific(tuple(types), default)


@lru_cache(maxsize=4096)
def _most_specific(types: tuple[str, ...], default: str) -> str:
    """Memoised: a map of 10,000 bodies has a few dozen distinct type lists."""
    best = ontology.most_specific(URIRef(t) for t in types)
    return str(best) if best is not None else default
