"""GraphQL object types. Each wraps a plain record from graph/; nested lookups go through
the request's DataLoaders, so a level of the answer costs one query whatever its size."""

from __future__ import annotations

import base64
import binascii
from functools import cache
from typing import Any

import strawberry
from rdflib import URIRef
from rdflib.namespace import DCTERMS
from strawberry.types import Info

from govgraph.api.context import Context
from govgraph.api.enums import (
    ENTITY_TYPE_BY_IRI,
    KIND_BY_IRI,
    STATEMENT_STATUS_BY_IRI,
    STATUS_BY_IRI,
    TIER_BY_IRI,
    TYPE_BY_IRI,
    AssessmentStatus,
    Direction,
    EntityType,
    LeadTier,
    OrganisationType,
    RelationshipKind,
    StatementStatus,
)
from govgraph.graph.core.errors import QueryError
from govgraph.graph.facts.entities import check_date
from govgraph.graph.facts.organisations import organisation_classes
from govgraph.graph.facts.records import STATED, EntityRecord, RelationshipRecord, SourceRef
from govgraph.ontology import model
from govgraph.ontology.terms import GG, SCHEMA

Ctx = Info[Context, Any]

MAX_RELATIONSHIPS = 500
"""Most relationships in one list or one page."""


@strawberry.type(description="Where a fact comes from: a document or dataset, and where in it.")
class Source:
    title: str
    locator: str | None = strawberry.field(description="Section, page or record in the source.")
    url: str | None

    @classmethod
    def of(cls, ref: SourceRef) -> Source:
        return cls(title=ref.title, locator=ref.locator, url=ref.url)


async def sources_of(info: Ctx, iris: list[str]) -> list[Source]:
    found = await info.context.sources_of([URIRef(i) for i in iris])
    seen: dict[SourceRef, None] = {}
    for refs in found:
        seen.update(dict.fromkeys(refs))
    return [Source.of(r) for r in seen]


@strawberry.interface(description="Anything in the landscape with an IRI and a name.")
class Entity:
    id: strawberry.ID = strawberry.field(description="The entity id, as used in /id/{id}.")
    iri: str = strawberry.field(description="The entity's persistent IRI.")
    name: str = strawberry.field(description="Preferred name (skos:prefLabel or rdfs:label).")
    aliases: list[str] = strawberry.field(description="Other names and abbreviations.")
    description: str | None
    entity_type: EntityType | None = strawberry.field(
        description="Its most specific ontology class."
    )
    type_label: str | None = strawberry.field(description="The ontology label of its class.")
    record: strawberry.Private[EntityRecord]

    @strawberry.field(description="The documents and datasets that state this entity.")
    async def sources(self, info: Ctx) -> list[Source]:
        return await sources_of(info, [self.iri])

    @strawberry.field(description="The figures sources state about it (schema:about).")
    async def figures(self, info: Ctx) -> list[Figure]:
        iris = await info.context.figures.load(URIRef(self.iri))
        found = await entities_of(info, [str(i) for i in iris])
        return [f for f in found if isinstance(f, Figure)]

    @strawberry.field(
        description=f"The relationships sources state for it, either direction, each with its "
        f"status (filter with `status: [STATED]` for those in force); an error when more than "
        f"{MAX_RELATIONSHIPS} match (page them with relationshipsConnection)."
    )
    async def relationships(
        self,
        info: Ctx,
        kind: list[RelationshipKind] | None = None,
        direction: Direction | None = None,
        as_of: str | None = None,
        status: list[StatementStatus] | None = None,
    ) -> list[Relationship]:
        out = await self._relationships(info, kind, direction, as_of, status)
        if len(out) > MAX_RELATIONSHIPS:
            raise QueryError(
                f"{len(out):,} relationships match, more than {MAX_RELATIONSHIPS} in one list: "
                "page them with relationshipsConnection(first:, after:)"
            )
        return out

    @strawberry.field(
        description="The relationships sources state for it, either direction, a page at a "
        "time, with their total (ordered by kind, subject, object and status)."
    )
    async def relationships_connection(
        self,
        info: Ctx,
        first: int = 50,
        after: str | None = None,
        kind: list[RelationshipKind] | None = None,
        direction: Direction | None = None,
        as_of: str | None = None,
        status: list[StatementStatus] | None = None,
    ) -> RelationshipConnection:
        if first < 0 or first > MAX_RELATIONSHIPS:
            raise QueryError(f"first must be between 0 and {MAX_RELATIONSHIPS}")
        found = await self._relationships(info, kind, direction, as_of, status)
        start = decode_offset(after) + 1 if after else 0
        edges = [
            RelationshipEdge(cursor=encode_offset(i), node=rel)
            for i, rel in enumerate(found[start : start + first], start)
        ]
        return RelationshipConnection(
            edges=edges,
            total_count=len(found),
            page_info=PageInfo(
                has_next_page=start + first < len(found),
                has_previous_page=start > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    async def _relationships(
        self,
        info: Ctx,
        kind: list[Any] | None,
        direction: Direction | None,
        as_of: str | None,
        status: list[Any] | None = None,
    ) -> list[Relationship]:
        check_date(as_of)
        recs = await info.context.relationships_of(URIRef(self.iri))
        kinds = {k.value for k in kind} if kind else None
        statuses = {s.value for s in status} if status else None
        out = []
        for rec in recs:
            rel = Relationship.seen_from(rec, self.iri)
            if kinds is not None and rec.kind not in kinds:
                continue
            if statuses is not None and rec.status not in statuses:
                continue
            if direction is not None and rel.direction != direction:
                continue
            if rec.valid_at(as_of):
                out.append(rel)
        return out


def encode_offset(index: int) -> str:
    return base64.urlsafe_b64encode(f"rel:{index}".encode()).decode()


def decode_offset(cursor: str) -> int:
    """The index a relationships cursor stands for; anything else is a clear error."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("rel:") or not text[4:].isdigit():
        raise QueryError("invalid cursor: pass an endCursor from a previous page")
    return int(text[4:])


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class RelationshipEdge:
    cursor: str
    node: Relationship


@strawberry.type(description="A Relay connection over one entity's relationships.")
class RelationshipConnection:
    edges: list[RelationshipEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many relationships match (all pages).")


def _base(rec: EntityRecord) -> dict[str, Any]:
    return {
        "id": strawberry.ID(rec.id),
        "iri": rec.iri,
        "name": rec.name,
        "aliases": rec.aliases,
        "description": rec.description,
        "entity_type": ENTITY_TYPE_BY_IRI.get(rec.type) if rec.type else None,
        "type_label": model.label(URIRef(rec.type)) if rec.type else None,
        "record": rec,
    }


async def _linked(info: Ctx, iri: str, prop: URIRef) -> list[str]:
    links = (await info.context.links_of([URIRef(iri)]))[0]
    return [str(v) for v in links.get(prop, ())]


async def entities_of(info: Ctx, iris: list[str]) -> list[Entity]:
    recs = await info.context.records([URIRef(i) for i in iris])
    return [wrap(r) for r in recs if r is not None]


async def entity_of(info: Ctx, iri: str | None) -> Entity | None:
    if iri is None:
        return None
    rec = (await info.context.records([URIRef(iri)]))[0]
    return wrap(rec) if rec else None


@strawberry.type(description="A body, board, group or other organisation in the landscape.")
class Organisation(Entity):
    type: OrganisationType | None
    start_date: str | None = strawberry.field(description="When it was established, if known.")
    end_date: str | None = strawberry.field(description="When it ended, if it has.")

    @strawberry.field(description="Council or health board areas it operates in.")
    async def operates_in(self, info: Ctx) -> list[Entity]:
        return await entities_of(info, await _linked(info, self.iri, GG.operatesIn))

    @strawberry.field(description="Policy areas it has an interest (or a remit) in.")
    async def policy_areas(self, info: Ctx) -> list[Entity]:
        return await entities_of(info, await _linked(info, self.iri, GG.hasInterestIn))

    @strawberry.field(description="Policy areas it holds a formal remit in.")
    async def remits(self, info: Ctx) -> list[Entity]:
        return await entities_of(info, await _linked(info, self.iri, GG.hasRemitIn))

    @strawberry.field(description="The people it serves (client groups).")
    async def client_groups(self, info: Ctx) -> list[Entity]:
        return await entities_of(info, await _linked(info, self.iri, GG.servesClientGroup))


@strawberry.type(description="Any other entity: a post, person, care service, fund, programme, ...")
class LandscapeEntity(Entity):
    start_date: str | None
    end_date: str | None


@strawberry.type(description="A council area or health board area.")
class Area(Entity):
    @strawberry.field(description="Its GSS code.")
    async def gss_code(self, info: Ctx) -> str | None:
        codes = await _linked(info, self.iri, GG.gssCode)
        return codes[0] if codes else None


@strawberry.type(description="A field of public policy (a concept in id:scheme/policy-areas).")
class PolicyArea(Entity):
    pass


@strawberry.type(description="One of the Five Foundations of The Promise.")
class Foundation(Entity):
    pass


@strawberry.type(
    description="A group of people bodies serve (a concept in id:scheme/client-groups)."
)
class ClientGroup(Entity):
    pass


@strawberry.type(description="One of the priority areas into which a plan groups its actions.")
class PriorityArea(Entity):
    @strawberry.field(description="Its actions.")
    async def actions(self, info: Ctx) -> list[Action]:
        from govgraph.graph.facts.plan_queries import list_actions

        iris = await info.context.run(list_actions, URIRef(self.iri), None, None)
        return [a for a in await entities_of(info, [str(i) for i in iris]) if isinstance(a, Action)]


@strawberry.type(description="A dated point by which part of an action is due.")
class Milestone(Entity):
    due_date: str | None


@strawberry.type(description="A specific undertaking made towards an action.")
class Commitment(Entity):
    @strawberry.field
    async def milestones(self, info: Ctx) -> list[Milestone]:
        found = await entities_of(info, await _linked(info, self.iri, GG.hasMilestone))
        return [m for m in found if isinstance(m, Milestone)]


@strawberry.type(description="A judgement of how far work on an action has progressed.")
class Assessment(Entity):
    @strawberry.field
    async def status(self, info: Ctx) -> AssessmentStatus | None:
        values = await _linked(info, self.iri, GG.assessmentStatus)
        return STATUS_BY_IRI.get(values[0]) if values else None

    @strawberry.field
    async def date(self, info: Ctx) -> str | None:
        values = await _linked(info, self.iri, GG.assessmentDate)
        return values[0] if values else None

    @strawberry.field(description="Who made the assessment.")
    async def assessor(self, info: Ctx) -> Entity | None:
        values = await _linked(info, self.iri, GG.assessor)
        return await entity_of(info, values[0] if values else None)


@strawberry.type(description="An action of a plan, with its leads, commitments and assessment.")
class Action(Entity):
    @strawberry.field
    async def priority_area(self, info: Ctx) -> PriorityArea | None:
        values = await _linked(info, self.iri, GG.priorityArea)
        found = await entity_of(info, values[0] if values else None)
        return found if isinstance(found, PriorityArea) else None

    @strawberry.field(description="What the plan requires of the action.")
    async def requirements(self, info: Ctx) -> list[str]:
        return await _linked(info, self.iri, GG.requirement)

    @strawberry.field(description="Its latest assessments, newest first.")
    async def assessments(self, info: Ctx) -> list[Assessment]:
        found = await entities_of(info, await _linked(info, self.iri, GG.hasAssessment))
        return sorted(
            (a for a in found if isinstance(a, Assessment)), key=lambda a: a.iri, reverse=True
        )

    @strawberry.field(description="The status its latest assessment gives.")
    async def assessment(self, info: Ctx) -> AssessmentStatus | None:
        iris = await _linked(info, self.iri, GG.hasAssessment)
        if not iris:
            return None
        found = await info.context.links_of([URIRef(i) for i in iris])
        latest = max(found, key=lambda links: [str(d) for d in links.get(GG.assessmentDate, ())])
        status = latest.get(GG.assessmentStatus)
        return STATUS_BY_IRI.get(str(status[0])) if status else None

    @strawberry.field(description="The organisations or collectives that lead it.")
    async def lead_organisations(self, info: Ctx) -> list[Entity]:
        return await entities_of(info, await _linked(info, self.iri, GG.leadOrganisation))

    @strawberry.field(
        description="Every body named for it with its tier (lead, key ongoing role, "
        "commissioner, linked partner), status and source; `tier` keeps one tier."
    )
    async def leads(
        self,
        info: Ctx,
        tier: list[LeadTier] | None = None,
    ) -> list[Lead]:
        iris = await _linked(info, self.iri, GG.leadAssignment)
        found = await info.context.links_of([URIRef(i) for i in iris])
        wanted = {t.value for t in tier} if tier else None
        out = []
        for iri, links in sorted(zip(iris, found, strict=True)):
            tier_iri = str(links[GG.leadTier][0]) if links.get(GG.leadTier) else None
            who = links.get(GG.assignee)
            if tier_iri not in TIER_BY_IRI or not who or (wanted and tier_iri not in wanted):
                continue
            status = str(links[GG.status][0]) if links.get(GG.status) else STATED
            out.append(
                Lead(
                    tier=TIER_BY_IRI[tier_iri],
                    status=STATEMENT_STATUS_BY_IRI[status],
                    assignment_iri=iri,
                    entity_iri=str(who[0]),
                )
            )
        return out

    @strawberry.field(
        description="The actions this one's text refers to, either way round (symmetric); "
        "linksTo and linkedFrom keep the direction the plan states."
    )
    async def linked_actions(self, info: Ctx) -> list[Action]:
        found = await entities_of(info, await _linked(info, self.iri, GG.linkedAction))
        return [a for a in found if isinstance(a, Action) and a.iri != self.iri]

    @strawberry.field(description="The actions this action's text links to, as stated.")
    async def links_to(self, info: Ctx) -> list[Action]:
        found = await entities_of(info, await _linked(info, self.iri, GG.linksTo))
        return [a for a in found if isinstance(a, Action) and a.iri != self.iri]

    @strawberry.field(description="The actions whose text links to this one, as stated.")
    async def linked_from(self, info: Ctx) -> list[Action]:
        found = await entities_of(info, await _linked(info, self.iri, GG.linkedFrom))
        return [a for a in found if isinstance(a, Action) and a.iri != self.iri]

    @strawberry.field
    async def commitments(self, info: Ctx) -> list[Commitment]:
        found = await entities_of(info, await _linked(info, self.iri, GG.hasCommitment))
        return [c for c in found if isinstance(c, Commitment)]

    @strawberry.field
    async def milestones(self, info: Ctx) -> list[Milestone]:
        found = await entities_of(info, await _linked(info, self.iri, GG.hasMilestone))
        return [m for m in found if isinstance(m, Milestone)]


@strawberry.type(description="A body named for a plan action, in one tier, as a source states.")
class Lead:
    tier: LeadTier
    status: StatementStatus
    assignment_iri: strawberry.Private[str]
    entity_iri: strawberry.Private[str]

    @strawberry.field(description="The body, group, post or collective named.")
    async def entity(self, info: Ctx) -> Entity | None:
        return await entity_of(info, self.entity_iri)

    @strawberry.field(description="Where it is named in this tier.")
    async def sources(self, info: Ctx) -> list[Source]:
        return await sources_of(info, [self.assignment_iri])


@strawberry.type(
    description="A number a source states (schema:QuantitativeValue): its name says what is "
    "measured, with value, unit, subject, date, status and sources."
)
class Figure(Entity):
    @strawberry.field(description="The value as stated: a number, or the words a source uses.")
    async def value(self, info: Ctx) -> str | None:
        values = await _linked(info, self.iri, SCHEMA.value)
        return values[0] if values else None

    @strawberry.field(description="The value as a number, when it is one.")
    async def number(self, info: Ctx) -> float | None:
        values = await _linked(info, self.iri, SCHEMA.value)
        try:
            return float(values[0]) if values else None
        except ValueError:
            return None

    @strawberry.field(description="The unit: GBP, people, directorates, ...")
    async def unit(self, info: Ctx) -> str | None:
        values = await _linked(info, self.iri, SCHEMA.unitText)
        return values[0] if values else None

    @strawberry.field(description="When the figure applies.")
    async def date(self, info: Ctx) -> str | None:
        values = await _linked(info, self.iri, DCTERMS.date)
        return values[0] if values else None

    @strawberry.field(description="Stated, or planned, recommended or requested.")
    async def status(self, info: Ctx) -> StatementStatus:
        values = await _linked(info, self.iri, GG.status)
        return STATEMENT_STATUS_BY_IRI[values[0] if values else STATED]

    @strawberry.field(description="The entity the figure is about.")
    async def subject(self, info: Ctx) -> Entity | None:
        values = await _linked(info, self.iri, SCHEMA.about)
        return await entity_of(info, values[0] if values else None)


@strawberry.type(
    description="A relationship a source states, seen from one of its ends, with its status."
)
class Relationship:
    kind: RelationshipKind
    kind_label: str
    direction: Direction
    start: str | None
    end: str | None
    statutory_basis: str | None
    role: str | None
    status: StatementStatus = strawberry.field(
        description="STATED (in force), or PLANNED, RECOMMENDED or REQUESTED."
    )
    record: strawberry.Private[RelationshipRecord]
    counterpart_iri: strawberry.Private[str]

    @classmethod
    def seen_from(cls, rec: RelationshipRecord, iri: str) -> Relationship:
        outgoing = rec.subject == iri
        return cls(
            kind=KIND_BY_IRI[rec.kind],
            kind_label=model.label(URIRef(rec.kind)),
            direction=Direction.OUTGOING if outgoing else Direction.INCOMING,
            start=rec.start,
            end=rec.end,
            statutory_basis=rec.statutory_basis,
            role=rec.role,
            status=STATEMENT_STATUS_BY_IRI[rec.status],
            record=rec,
            counterpart_iri=rec.object if outgoing else rec.subject,
        )

    @strawberry.field(description="The entity at the other end.")
    async def counterpart(self, info: Ctx) -> Entity | None:
        return await entity_of(info, self.counterpart_iri)

    @strawberry.field
    async def subject(self, info: Ctx) -> Entity | None:
        return await entity_of(info, self.record.subject)

    @strawberry.field
    async def object(self, info: Ctx) -> Entity | None:
        return await entity_of(info, self.record.object)

    @strawberry.field(description="Its citations; else the datasets that state it.")
    async def sources(self, info: Ctx) -> list[Source]:
        cited = await sources_of(info, self.record.nodes) if self.record.nodes else []
        if cited:
            return cited
        found = await sources_of(info, self.record.graphs)
        return found or [
            Source(title=g.rsplit("/", 1)[-1], locator=None, url=None) for g in self.record.graphs
        ]


@cache
def _wrappers() -> list[tuple[frozenset[URIRef], type[Entity]]]:
    m = model.model()

    def below(*roots: URIRef) -> frozenset[URIRef]:
        return frozenset(c for c in m.classes if c in roots or set(roots) & m.ancestors(c))

    return [
        (frozenset(c.iri for c in organisation_classes()), Organisation),
        (below(GG.Action), Action),
        (below(GG.Figure), Figure),
        (below(GG.Assessment), Assessment),
        (below(GG.Commitment), Commitment),
        (below(GG.Milestone), Milestone),
        (below(GG.PriorityArea), PriorityArea),
        (below(GG.Foundation), Foundation),
        (below(GG.PolicyArea), PolicyArea),
        (below(GG.ClientGroup), ClientGroup),
        (below(GG.Area), Area),
    ]


def wrap(rec: EntityRecord) -> Entity:
    """The GraphQL type for a record, chosen by its asserted classes."""
    types = {URIRef(t) for t in rec.types}
    base = _base(rec)
    for classes, cls in _wrappers():
        if types & classes:
            if cls is Organisation:
                return Organisation(
                    **base,
                    type=TYPE_BY_IRI.get(rec.type) if rec.type else None,
                    start_date=rec.start,
                    end_date=rec.end,
                )
            if cls is Milestone:
                return Milestone(**base, due_date=rec.due)
            return cls(**base)
    return LandscapeEntity(**base, start_date=rec.start, end_date=rec.end)


ENTITY_TYPES: list[type] = [
    Organisation, LandscapeEntity, Area, PolicyArea, ClientGroup, Foundation, PriorityArea,
    Action, Commitment, Milestone, Assessment, Figure,
]  # fmt: skip
