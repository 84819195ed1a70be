"""From graph records to map nodes and edges: typing, dates, de-duplication, sources.

Shared by every map kind, so that a body is named, typed, dated and sourced the same way
on every map.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from rdflib import URIRef

from govgraph.graph.facts import map_queries as q
from govgraph.graph.facts.entities import check_date
from govgraph.graph.storage.store import Store
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG
from govgraph.visualisations.model import MapEdge, MapNode, Source, most_specific_type


def parse_as_of(text: str | None) -> str | None:
    """A date to draw the landscape at: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""
    if text is None or text == "":
        return None
    return check_date(text.strip())


def _bound(date: str, *, end: bool) -> str:
    """A full date from a year or year-month, at the start or end of the period."""
    if len(date) == 4:
        return date + ("-12-31" if end else "-01-01")
    if len(date) == 7:
        return date + ("-31" if end else "-01")
    return date[:10]


def live(start: str | None, end: str | None, as_of: str | None) -> bool:
    """Whether something dated ``start``..``end`` existed at ``as_of`` (undated: always)."""
    if as_of is None:
        return True
    day_first, day_last = _bound(as_of, end=False), _bound(as_of, end=True)
    if start and _bound(start, end=False) > day_last:
        return False
    return not (end and _bound(end, end=True) < day_first)


def relationship_kind_iris() -> list[str]:
    return [str(p.iri) for p in ontology.relationship_kinds()]


def nodes_for(
    store: Store,
    named: dict[str, str] | Sequence[str],
    as_of: str | None,
    default_type: str = str(GG.Agent),
) -> dict[str, MapNode]:
    """Map nodes for named entities that exist at ``as_of``, typed by their most specific
    asserted class. ``named``: IRI -> name, or IRIs whose names are read with their facts
    (the unnamed left out)."""
    facts = (
        q.entity_facts(store, named)
        if isinstance(named, dict)
        else q.named_entity_facts(store, named)
    )
    return nodes_from_facts(facts, as_of, default_type)


def nodes_from_facts(
    facts: dict[str, q.EntityFacts], as_of: str | None, default_type: str = str(GG.Agent)
) -> dict[str, MapNode]:
    """:func:`nodes_for` from facts already read."""
    out: dict[str, MapNode] = {}
    for iri, f in facts.items():
        if not live(f.start, f.end, as_of):
            continue
        kind = most_specific_type(f.types, default_type)
        out[iri] = MapNode(
            id=iri,
            label=f.name,
            group=kind,
            type=kind,
            aliases=tuple(f.aliases),
            description=f.description,
            sources=tuple(f.sources),
        )
    return out


def canonical_edges(facts: Iterable[q.EdgeFacts], as_of: str | None) -> list[MapEdge]:
    """One edge per fact: a relationship stated both ways (``sponsors`` and ``sponsoredBy``,
    or a symmetric ``partnerOf`` from each side) is drawn once."""
    seen: set[tuple[str, str, str]] = set()
    out: list[MapEdge] = []
    for f in sorted(facts, key=lambda f: (f.subject, f.kind, f.object)):
        if f.subject == f.object or not live(f.start, f.end, as_of):
            continue
        mirror = _mirror(f.kind)
        if (f.subject, f.kind, f.object) in seen or (
            mirror and (f.object, mirror, f.subject) in seen
        ):
            continue
        seen.add((f.subject, f.kind, f.object))
        out.append(MapEdge(f.subject, f.object, f.kind, tuple(f.sources), f.start, f.end))
    return out


@lru_cache(maxsize=512)
def _mirror(kind: str) -> str | None:
    """The kind a fact stated the other way round would have: itself when symmetric, its
    inverse, or None (memoised: a map reads tens of thousands of facts of a few dozen kinds)."""
    prop = ontology.model().properties.get(URIRef(kind))
    if prop is not None and prop.is_symmetric:
        return kind
    if prop is not None and prop.inverse is not None:
        return str(prop.inverse)
    return None


def within(edges: Iterable[MapEdge], ids: set[str]) -> list[MapEdge]:
    return [e for e in edges if e.source in ids and e.target in ids]


def sources(store: Store) -> list[Source]:
    return sources_from(q.sources(store))


def sources_from(found: Iterable[q.SourceFacts]) -> list[Source]:
    return [Source(s.title, s.issued, s.loaded) for s in found]


def subtitle(nodes: int, edges: int, srcs: Sequence[Source], as_of: str | None) -> str:
    """Counts, the date of the data and the number of sources, as one plain line."""
    parts = [f"{nodes:,} nodes, {edges:,} links"]
    issued = [s.issued[:10] for s in srcs if s.issued]
    loaded = [s.loaded[:10] for s in srcs if s.loaded]
    if as_of:
        parts.append(f"as of {as_of}")
    if issued:
        parts.append(f"data published up to {max(issued)}")
    if loaded:
        parts.append(f"loaded {max(loaded)}")
    parts.append(f"{len(srcs)} source{'s' if len(srcs) != 1 else ''}")
    return " · ".join(parts)


def inverse_label(kind: str) -> str:
    """How a relationship reads from its object's side (``regulatedBy`` -> 'regulates')."""
    prop = ontology.model().properties.get(URIRef(kind))
    if prop is not None and prop.is_symmetric:
        return prop.label
    if prop is not None and prop.inverse is not None:
        return ontology.label(prop.inverse)
    return f"is the object of '{ontology.label(URIRef(kind))}' for"
