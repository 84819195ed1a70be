"""The plans (actions, priority areas, assessments), concept schemes, and landscape stats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef

from govgraph.graph.facts.entities import get_entities
from govgraph.graph.facts.records import EntityRecord
from govgraph.graph.facts.relationships import relationship_kinds
from govgraph.graph.storage.queries import query, with_filters
from govgraph.graph.storage.store import Store
from govgraph.graph.storage.version_cache import KeptPerVersion
from govgraph.ontology.terms import GG

MAX_LIST = 1000
"""Most entities a plain list (actions, policy areas...) returns."""

ACTION_LINKS = (
    GG.priorityArea,
    GG.leadOrganisation,
    GG.leadAssignment,
    GG.linkedAction,
    GG.linksTo,
    GG.linkedFrom,
    GG.hasCommitment,
    GG.hasMilestone,
    GG.hasAssessment,
    GG.requirement,
    GG.partOfPlan,
)
"""Properties of actions (and commitments) that the API follows, fetched in one batch."""
ASSESSMENT_LINKS = (GG.assessmentStatus, GG.assessmentDate, GG.assessor)
LEAD_LINKS = (GG.assignee, GG.leadTier, GG.status)
"""Properties of a qualified lead assignment."""


def list_actions(
    store: Store,
    priority_area: URIRef | None = None,
    status: URIRef | None = None,
    lead: URIRef | None = None,
    tier: URIRef | None = None,
) -> list[URIRef]:
    """Actions by name, filtered by priority area, latest assessment status and lead; with
    ``tier``, by the bodies named in that tier (any status) instead of the stated leads.
    Kept per data version and filter (a list depends on nothing else)."""
    key = (priority_area, status, lead, tier)
    found = _ACTIONS.get_many(
        store, [key], lambda _: {key: _read_actions(store, priority_area, status, lead, tier)}
    )
    return found[key]


def kept_actions(
    store: Store,
    priority_area: URIRef | None = None,
    status: URIRef | None = None,
    lead: URIRef | None = None,
    tier: URIRef | None = None,
) -> list[URIRef] | None:
    """:func:`list_actions` when this data version has listed it (nothing read), else None."""
    found = _ACTIONS.peek_many(store, [(priority_area, status, lead, tier)])
    return None if found is None else next(iter(found.values()))


ActionsKey = tuple[URIRef | None, URIRef | None, URIRef | None, URIRef | None]
_ACTIONS: KeptPerVersion[ActionsKey, list[URIRef]] = KeptPerVersion(256, list)
"""Action lists kept per open store for its current data version, by filter."""


def _read_actions(
    store: Store,
    priority_area: URIRef | None,
    status: URIRef | None,
    lead: URIRef | None,
    tier: URIRef | None,
) -> list[URIRef]:
    parts: list[str] = []
    values: dict[str, list[URIRef]] = {}
    for name, fragment, value in (
        ("priorityArea", "priority_area", priority_area),
        ("status", "assessment", status),
        ("lead", "lead" if tier is None else "lead_any", lead),
        ("tier", "lead_tier", tier),
    ):
        if value is not None:
            parts.append(query(f"action_filter_{fragment}"))
            values[name] = [value]
    text = with_filters("action_list", parts)
    rows = store.select(text + f"\nLIMIT {MAX_LIST}", values)
    return [a for r in rows if isinstance(a := r["a"], URIRef)]


def entities_of(store: Store, classes: Sequence[URIRef]) -> list[EntityRecord]:
    """Every entity of the classes, by name, with its record (two queries)."""
    rows = store.select(
        query("entities_of_class") + f"\nLIMIT {MAX_LIST}", {"classes": list(classes)}
    )
    iris: list[URIRef] = [r["e"] for r in rows]  # type: ignore[misc]  # rows are typed Node; the query binds IRIs here
    found = get_entities(store, iris)
    return [found[i] for i in iris if i in found]


@dataclass(frozen=True)
class Stats:
    types: dict[str, int]
    """Class IRI -> entities asserted to be of it."""
    kinds: dict[str, int]
    """Relationship kind IRI -> distinct stated relationships."""
    triples: int


def stats(store: Store) -> Stats:
    types = {str(r["type"]): int(str(r["n"])) for r in store.select(query("stats_types"))}
    kinds = {
        str(r["p"]): int(str(r["n"]))
        for r in store.select(query("stats_kinds"), {"kinds": list(relationship_kinds())})
    }
    return Stats(types, kinds, store.count())
