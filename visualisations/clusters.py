"""Long tails as clusters: a hub's many neighbours of one kind become one node.

A regulator's 539 care services, a provider's services or a department's many sponsored
bodies would bury the rest of a map; drawn as one node ("regulates 539 care services")
they keep the map readable and open on click. Clusters are decided here, on the model,
so the layout is computed on the collapsed graph (the map uses the canvas for what it
shows) and tests can assert on them. ``map.js`` draws each as one node and hands its
members to vis-network only when it opens (vis's own ``cluster()`` would need every member
in the network first, which is what makes a hub's first frame slow).
"""

from __future__ import annotations

import math
from collections import defaultdict

from rdflib import URIRef

from govgraph.ontology import model as ontology
from govgraph.visualisations.extract import inverse_label
from govgraph.visualisations.model import Cluster, MapModel

CLUSTER_MIN = 26
"""A hub with more than ~25 neighbours of one kind shows them as one cluster."""


def plural(label: str) -> str:
    """'care service' -> 'care services', 'body' -> 'bodies' (ontology labels are nouns)."""
    if label.endswith("y") and not label.endswith(("ay", "ey", "oy", "uy")):
        return label[:-1] + "ies"
    return label if label.endswith("s") else label + "s"


def find_clusters(model: MapModel, minimum: int | None = None) -> list[Cluster]:
    """Clusters for every hub with at least ``minimum`` neighbours sharing a relationship
    kind, direction and type. Biggest first; a node joins one cluster at most; the focus
    and the hubs themselves are never hidden inside a cluster. ``minimum`` defaults to
    :data:`CLUSTER_MIN`, read at call time (the benchmark raises it to draw unclustered)."""
    minimum = minimum or CLUSTER_MIN
    types = {n.id: n.group for n in model.nodes}
    types_of = {n.id: n.type for n in model.nodes}
    tails: dict[tuple[str, str, bool, str], set[str]] = defaultdict(set)
    for e in model.edges:
        if e.source in types and e.target in types:
            tails[(e.source, e.kind, True, types[e.target])].add(e.target)
            tails[(e.target, e.kind, False, types[e.source])].add(e.source)
    big = sorted(
        ((key, members) for key, members in tails.items() if len(members) >= minimum),
        key=lambda kv: (-len(kv[1]), kv[0]),
    )
    hubs = {key[0] for key, _ in big}
    taken: set[str] = set()
    out: list[Cluster] = []
    for (hub, kind, outgoing, group), members in big:
        if hub in taken:
            continue
        free = sorted(m for m in members if m not in taken and m not in hubs and m != model.focus)
        if len(free) < minimum:
            continue
        taken.update(free)
        prop = model.relationship(kind)
        verb = ontology.label(URIRef(prop)) if outgoing else inverse_label(prop)
        kinds = {types_of[m] for m in free}
        noun = (
            plural(ontology.label(URIRef(kinds.pop())).lower()) if len(kinds) == 1 else "entities"
        )
        out.append(
            Cluster(
                f"cluster-{len(out)}", hub, kind, group, tuple(free), f"{verb} {len(free):,} {noun}"
            )
        )
    return out


def spread(
    centre: tuple[float, float], members: list[str], step: float
) -> dict[str, tuple[float, float]]:
    """Members around the cluster's place in a sunflower (even density, no overlaps),
    leaving the centre free for the handle that closes the cluster again."""
    golden = math.pi * (3 - math.sqrt(5))
    cx, cy = centre
    return {
        m: (
            round(cx + step * math.sqrt(k + 1.5) * math.cos(k * golden), 1),
            round(cy + step * math.sqrt(k + 1.5) * math.sin(k * golden), 1),
        )
        for k, m in enumerate(members)
    }
