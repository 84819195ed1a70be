"""GraphQL types for route maps: thin wrappers over :mod:`govgraph.graph.facts.route_maps` and the
checks of :mod:`govgraph.graph.analysis.route_checks`. Every list is bounded by the route maps
themselves (hundreds of rows)."""

from __future__ import annotations

import re
from enum import Enum
from typing import TYPE_CHECKING

import strawberry
from rdflib import URIRef

from govgraph.api.enums import by_value, ontology_enum
from govgraph.api.overlap_types import FindingFact, FindingSubject
from govgraph.api.types import Source
from govgraph.graph.analysis.findings import Finding
from govgraph.graph.analysis.route_checks import KINDS
from govgraph.graph.core.dates import parse_date
from govgraph.graph.core.errors import QueryError
from govgraph.graph.facts import route_maps as rm
from govgraph.graph.facts.entities import check_date
from govgraph.ontology import model
from govgraph.ontology.terms import GG, ID, slug_of

if TYPE_CHECKING:

    class ProgressStatus(Enum): ...

else:
    ProgressStatus = ontology_enum(
        "ProgressStatus",
        {
            re.sub(r"(?<!^)(?=[A-Z])", "_", model.local_name(str(i.iri))).upper(): str(i.iri)
            for i in model.model().individuals.values()
            if GG.ProgressStatus in i.types
        },
        "How far a commitment or milestone has got at a date (gg:ProgressStatus).",
    )
_STATUS = by_value(ProgressStatus)


def _id(iri: str) -> strawberry.ID:
    return strawberry.ID(slug_of(iri) if iri.startswith(str(ID)) else iri)


@strawberry.type(
    description="A body, collective or post responsible for a commitment or milestone."
)
class Responsibility:
    body: strawberry.ID = strawberry.field(description="The body's entity id (/id/{id}).")
    name: str
    tier: str = strawberry.field(description="'lead' or 'supporting'.")
    collective: bool = strawberry.field(
        description="True when the body is a generic collective ('local authorities')."
    )

    @classmethod
    def of(cls, r: rm.Responsible) -> Responsibility:
        return cls(
            body=_id(r.body), name=r.name, tier=model.label(URIRef(r.tier)), collective=r.collective
        )


@strawberry.type(description="A status recorded for a commitment or milestone at a date.")
class StatusAt:
    date: str
    status: ProgressStatus
    label: str


@strawberry.type(description="A commitment or milestone of a route map.")
class RouteMapItem:
    id: strawberry.ID = strawberry.field(description="The entity id (/id/{id}).")
    kind: str = strawberry.field(description="'commitment' or 'milestone'.")
    text: str
    due: str | None = strawberry.field(
        description="Due date at the precision given: YYYY, YYYY-MM or YYYY-MM-DD."
    )
    due_as_written: str | None
    route_map: strawberry.ID
    theme: str
    responsible: list[Responsibility]
    depends_on: list[strawberry.ID] = strawberry.field(description="Ids of what it depends on.")
    sources: list[Source]
    item: strawberry.Private[rm.Item]

    @strawberry.field(description="The latest status recorded on or before asOf (default: any).")
    def status(self, as_of: str | None = None) -> StatusAt | None:
        found = self.item.status_at(check_date(as_of))
        if found is None:
            return None
        return StatusAt(
            date=found.date,
            status=_STATUS[found.status],
            label=model.label(URIRef(found.status)),
        )

    @classmethod
    def of(cls, item: rm.Item, data: rm.RouteMaps) -> RouteMapItem:
        return cls(
            id=_id(item.iri),
            kind=item.kind,
            text=item.text,
            due=item.due,
            due_as_written=item.due_as_written or None,
            route_map=_id(item.route_map),
            theme=data.maps[item.route_map].theme,
            responsible=[Responsibility.of(r) for r in item.responsible],
            depends_on=[_id(d) for d in item.depends_on],
            sources=[Source.of(s) for s in item.sources],
            item=item,
        )


@strawberry.type(description="A starting position or destination of a route map.")
class RoutePosition:
    text: str
    date: str | None
    sources: list[Source]


@strawberry.type(description="How progress on a route map or commitment will be known.")
class ProgressIndicator:
    measure: str
    measured_by: str | None
    published_in: str | None


@strawberry.type(description="A stated dependency: one item cannot be reached before another.")
class Dependency:
    item: RouteMapItem
    depends_on: RouteMapItem
    sources: list[Source]


@strawberry.type(description="A finding of the route-map checks, with its evidence.")
class RouteMapCheck:
    id: strawberry.ID
    kind: str = strawberry.field(description=f"One of: {', '.join(KINDS)}.")
    kind_label: str
    score: float
    explanation: str
    subjects: list[FindingSubject]
    evidence: list[FindingFact]

    @classmethod
    def of(cls, f: Finding) -> RouteMapCheck:
        return cls(
            id=strawberry.ID(f.id),
            kind=f.kind,
            kind_label=KINDS[f.kind],
            score=round(f.score, 4),
            explanation=f.explanation,
            subjects=[FindingSubject(id=s.id, name=s.name, type=s.type) for s in f.subjects],
            evidence=[
                FindingFact(text=e.text, sources=[Source.of(r) for r in e.sources])
                for e in f.evidence
            ],
        )


@strawberry.type(description="One theme's route from a starting position to a destination.")
class RouteMap:
    id: strawberry.ID = strawberry.field(description="The route map's id (/route-maps/{id}).")
    name: str
    theme: str
    example: bool = strawberry.field(description="True for a route map shipped as an example.")
    starting_positions: list[RoutePosition]
    destinations: list[RoutePosition]
    indicators: list[ProgressIndicator]
    commitments: list[RouteMapItem]
    milestones: list[RouteMapItem]
    sources: list[Source]

    @classmethod
    def of(cls, m: rm.RouteMap, data: rm.RouteMaps) -> RouteMap:
        items = [RouteMapItem.of(data.items[i], data) for i in m.items]

        def positions(kind: str) -> list[RoutePosition]:
            return [
                RoutePosition(text=p.text, date=p.date, sources=[Source.of(s) for s in p.sources])
                for p in m.positions
                if p.kind == kind
            ]

        return cls(
            id=strawberry.ID(m.id),
            name=m.name,
            theme=m.theme,
            example=m.example,
            starting_positions=positions("start"),
            destinations=positions("destination"),
            indicators=[
                ProgressIndicator(
                    measure=i.measure, measured_by=i.measured_by_name, published_in=i.published_in
                )
                for i in m.indicators
            ],
            commitments=[i for i in items if i.kind == "commitment"],
            milestones=sorted(
                (i for i in items if i.kind == "milestone"), key=lambda i: (i.due or "9999", i.id)
            ),
            sources=[Source.of(s) for s in m.sources],
        )


def select_milestones(
    data: rm.RouteMaps,
    due_before: str | None,
    responsible: str | None,
    status: str | None,
    as_of: str | None,
) -> list[rm.Item]:
    """Milestones due (for certain) before a date, with a responsible body, or whose latest
    status at ``as_of`` is ``status``; ordered by due date."""
    cut = parse_date(due_before).earliest if due_before else None
    body = str(ID[responsible]) if responsible and not responsible.startswith("http") else None
    out = []
    for m in data.milestones():
        if cut is not None and (not m.due or parse_date(m.due).latest >= cut):
            continue
        if responsible and all(r.body not in (body, responsible) for r in m.responsible):
            continue
        if status is not None:
            found = m.status_at(as_of)
            if found is None or found.status != status:
                continue
        out.append(m)
    return sorted(out, key=lambda m: (m.due or "9999", m.iri))


def check_due_before(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return parse_date(value).text
    except ValueError as exc:
        raise QueryError(f"dueBefore: {exc}") from None
