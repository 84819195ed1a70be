"""The GraphQL schema: the contract queries. Resolvers parse arguments, call graph/, wrap."""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from rdflib import URIRef
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from govgraph.api.advisor_types import Comparison, ReportingLine
from govgraph.api.enums import (
    KIND_BY_IRI,
    AssessmentStatus,
    LeadTier,
    OrganisationType,
    RelationshipKind,
)
from govgraph.api.limits import extensions
from govgraph.api.overlap_types import MAX_FINDINGS, Finding, FindingKind
from govgraph.api.route_map_types import (
    Dependency,
    ProgressStatus,
    RouteMap,
    RouteMapCheck,
    RouteMapItem,
    check_due_before,
    select_milestones,
)
from govgraph.api.scenario_types import (
    ScenarioChangeInput,
    ScenarioImpact,
    findings_as_of,
    run_scenario,
    scenario_data,
)
from govgraph.api.search_types import SearchResults, search_results
from govgraph.api.settings import Settings
from govgraph.api.types import (
    ENTITY_TYPES,
    Action,
    ClientGroup,
    Ctx,
    Entity,
    Figure,
    Foundation,
    Organisation,
    PageInfo,
    PolicyArea,
    PriorityArea,
    Relationship,
    Source,
    entities_of,
    entity_of,
    sources_of,
    wrap,
)
from govgraph.graph.analysis import chains, route_checks
from govgraph.graph.analysis.compare import compare as compare_bodies
from govgraph.graph.analysis.overlaps import filter_findings
from govgraph.graph.analysis.reporting import reporting_lines
from govgraph.graph.analysis.scenario import MAX_CHANGES
from govgraph.graph.core.errors import GovgraphError, QueryError
from govgraph.graph.facts import figures, plan_queries
from govgraph.graph.facts import organisations as orgs
from govgraph.graph.facts.entities import check_date, get_entities, iri_for
from govgraph.graph.facts.records import Chain, Hop
from govgraph.ontology import model
from govgraph.ontology.terms import GG

MAX_FINDINGS_ALL = 1 << 30
"""``first`` that keeps every cached finding (a scenario's "before" needs them all)."""


@strawberry.type
class OrganisationEdge:
    cursor: str
    node: Organisation


@strawberry.type(description="A Relay connection over organisations, ordered by name.")
class OrganisationConnection:
    edges: list[OrganisationEdge]
    page_info: PageInfo
    filter: strawberry.Private[orgs.Filter]

    @strawberry.field(description="How many organisations pass the filter (all pages).")
    async def total_count(self, info: Ctx) -> int:
        kept = info.context.kept(orgs.kept_page, 0, None, self.filter)
        if kept is not None:
            return kept[1]
        return await info.context.run(orgs.count_organisations, self.filter)


@strawberry.input(description="Filters on organisations; all given filters must hold.")
class OrganisationFilter:
    type: OrganisationType | None = None
    policy_area: strawberry.ID | None = strawberry.field(default=None, description="Its id.")
    operates_in: strawberry.ID | None = strawberry.field(
        default=None, description="The id of a council or health board area."
    )
    accountable_to: strawberry.ID | None = strawberry.field(
        default=None, description="Accountable to this body, directly or through others."
    )
    search: str | None = strawberry.field(
        default=None, description="Part of a name or alias; ignores case and accents."
    )


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(("org:" + key).encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise QueryError("invalid cursor: pass an endCursor from a previous page") from exc
    if not text.startswith("org:"):
        raise QueryError("invalid cursor: pass an endCursor from a previous page")
    return text[4:]


@strawberry.type(description="One step of a chain or path, read from `from` to `to`.")
class Hop_:
    depth: int = strawberry.field(description="1 for the first step.")
    kind: RelationshipKind = strawberry.field(description="The kind as stated.")
    reads_as: RelationshipKind = strawberry.field(
        description="The kind read from `from` to `to` (directedBy for a stated directs)."
    )
    relationship: Relationship
    from_iri: strawberry.Private[str]
    to_iri: strawberry.Private[str]

    @classmethod
    def of(cls, hop: Hop) -> Hop_:
        return cls(
            depth=hop.depth,
            kind=KIND_BY_IRI[hop.relationship.kind],
            reads_as=KIND_BY_IRI.get(hop.reads_as, KIND_BY_IRI[hop.relationship.kind]),
            relationship=Relationship.seen_from(hop.relationship, hop.source),
            from_iri=hop.source,
            to_iri=hop.target,
        )

    @strawberry.field(name="from")
    async def from_(self, info: Ctx) -> Entity | None:
        return await entity_of(info, self.from_iri)

    @strawberry.field
    async def to(self, info: Ctx) -> Entity | None:
        return await entity_of(info, self.to_iri)

    @strawberry.field(description="Where the relationship is stated.")
    async def sources(self, info: Ctx) -> list[Source]:
        found: list[Source] = await self.relationship.sources(info)
        return found


Hop_.__strawberry_definition__.name = "Hop"  # type: ignore[attr-defined]  # set by @strawberry.type


@strawberry.type(description="One line upward, from the entity asked about to a top.")
class ChainLine:
    hops: list[Hop_]


@strawberry.type(description="Every accountability line upward from an entity to the top.")
class AccountabilityChain:
    hops: list[Hop_] = strawberry.field(description="Each line once, nearest first.")
    lines: list[ChainLine] = strawberry.field(description="Each route to a top (at most 200).")
    chain: strawberry.Private[Chain]

    @strawberry.field
    async def root(self, info: Ctx) -> Entity | None:
        return await entity_of(info, self.chain.root)

    @strawberry.field(description="Where the lines end: bodies accountable to no one further.")
    async def tops(self, info: Ctx) -> list[Entity]:
        return await entities_of(info, self.chain.tops)


@strawberry.type(description="The shortest chain of relationships linking two entities.")
class Path:
    hops: list[Hop_]

    @strawberry.field
    def length(self) -> int:
        return len(self.hops)


@strawberry.type(description="Entities near one, and the relationships among them.")
class Neighbourhood:
    relationships: list[Relationship]
    truncated: bool = strawberry.field(description="True when the entity cap cut it short.")
    node_iris: strawberry.Private[list[str]]

    @strawberry.field
    async def nodes(self, info: Ctx) -> list[Entity]:
        return await entities_of(info, self.node_iris)


@strawberry.type
class TypeCount:
    type: str = strawberry.field(description="The class's local name.")
    label: str
    count: int


@strawberry.type
class KindCount:
    kind: RelationshipKind
    label: str
    count: int


@strawberry.type(description="Counts by class and relationship kind, and the store's size.")
class Stats:
    types: list[TypeCount]
    relationship_kinds: list[KindCount]
    triples: int


def _iri(value: str | None) -> URIRef | None:
    return iri_for(str(value)) if value is not None else None


async def _list_of(info: Ctx, classes: list[URIRef]) -> list[Entity]:
    recs = await info.context.run(plan_queries.entities_of, classes)
    info.context.prime(recs)
    return [wrap(r) for r in recs]


@strawberry.type
class Query:
    @strawberry.field(
        description="Overlap findings, strongest first within each kind, computed once per "
        f"data version (at most {MAX_FINDINGS})."
    )
    async def overlaps(
        self,
        info: Ctx,
        kind: list[FindingKind] | None = None,
        min_score: float = 0.0,
        first: int = 100,
        as_of: Annotated[
            str | None,
            strawberry.argument(
                description="Findings of the landscape as it stood then (YYYY[-MM[-DD]]): "
                "bodies and relationships not valid on that date are left out."
            ),
        ] = None,
    ) -> list[Finding]:
        if not 0 <= first <= MAX_FINDINGS:
            raise QueryError(f"first must be between 0 and {MAX_FINDINGS}")
        kinds = [k.value for k in kind] if kind else None
        day = check_date(as_of)
        if day is None:
            found = await info.context.overlap_findings(kinds, min_score, first)
        else:
            ctx = info.context
            every = await ctx.costly.cached("findings at a date", ctx.store, findings_as_of, day)
            found = filter_findings(every, kinds=kinds, min_score=min_score, first=first)
        return [Finding.of(f) for f in found]

    @strawberry.field(
        description="Two or three bodies side by side: type, remit, client groups, members "
        "and seats, accountability lines, actions led, sources; shared items flagged."
    )
    async def compare(
        self, info: Ctx, a: strawberry.ID, b: strawberry.ID, c: strawberry.ID | None = None
    ) -> Comparison:
        iris = [iri_for(str(x)) for x in (a, b, c) if x is not None]
        return Comparison.of(await info.context.run(compare_bodies, iris))

    @strawberry.field(
        description="Who reports to whom, about what, how often and on what basis (the "
        "lines of one body when given), as /reports/reporting-lines shows them."
    )
    async def reporting_lines(
        self, info: Ctx, body: strawberry.ID | None = None, first: int = 200
    ) -> list[ReportingLine]:
        if not 0 <= first <= MAX_FINDINGS:
            raise QueryError(f"first must be between 0 and {MAX_FINDINGS}")
        found = await info.context.run(reporting_lines, _iri(body))
        return [ReportingLine.of(ln.to_dict()) for ln in found[:first]]

    @strawberry.field(
        description="What-if: apply the changes (merge, abolish, move, rename, add) to a "
        "copy of the landscape and list what they change, each item with its evidence. "
        f"The stored landscape is never changed. At most {MAX_CHANGES} changes."
    )
    async def scenario(
        self,
        info: Ctx,
        changes: list[ScenarioChangeInput],
        name: Annotated[
            str | None, strawberry.argument(description="A title for the scenario.")
        ] = None,
    ) -> ScenarioImpact:
        data = scenario_data(changes, name)
        ctx = info.context
        before = await ctx.overlap_findings(None, 0.0, MAX_FINDINGS_ALL)
        return await ctx.costly.call("a scenario", run_scenario, ctx.store, data, before)

    @strawberry.field(
        description="Entities by name, alias or abbreviation (COSLA, IJB), whatever the case, "
        "accents, '&' or word order; best first; close spellings when nothing matches. The "
        "same search as the site's search box."
    )
    async def search(
        self,
        info: Ctx,
        q: str,
        first: int = 20,
        groups: Annotated[
            list[str] | None,
            strawberry.argument(description="Only these result groups (bodies, posts, ...)."),
        ] = None,
    ) -> SearchResults:
        return await search_results(info, q, first, groups)

    @strawberry.field(description="One organisation by its id (or full IRI).")
    async def organisation(self, info: Ctx, id: strawberry.ID) -> Organisation | None:
        found = await entity_of(info, str(iri_for(str(id))))
        return found if isinstance(found, Organisation) else None

    @strawberry.field(description="Any entity by its id (or full IRI).")
    async def entity(self, info: Ctx, id: strawberry.ID) -> Entity | None:
        return await entity_of(info, str(iri_for(str(id))))

    @strawberry.field(
        description=f"Organisations and groups, a page at a time (at most {orgs.MAX_PAGE})."
    )
    async def organisations(
        self,
        info: Ctx,
        filter: OrganisationFilter | None = None,
        first: int = 20,
        after: str | None = None,
        as_of: Annotated[
            str | None,
            strawberry.argument(description="Only those in existence then (YYYY[-MM[-DD]])."),
        ] = None,
    ) -> OrganisationConnection:
        if first < 0 or first > orgs.MAX_PAGE:
            raise QueryError(f"first must be between 0 and {orgs.MAX_PAGE}")
        f = filter or OrganisationFilter()
        flt = orgs.Filter(
            type=URIRef(f.type.value) if f.type is not None else None,
            policy_area=_iri(f.policy_area),
            operates_in=_iri(f.operates_in),
            accountable_to=_iri(f.accountable_to),
            search=f.search,
            as_of=check_date(as_of),
        )
        key = decode_cursor(after) if after else None
        kept = info.context.kept(orgs.kept_page, first, key, flt)  # listed: no thread
        if kept is not None:
            keys, has_next = kept[0]
        else:
            keys, has_next = await info.context.run(orgs.page_keys, first, key, flt)
        nodes = await entities_of(info, [str(k) for k, _ in keys])
        cursor = {str(k): c for k, c in keys}
        edges = [
            OrganisationEdge(cursor=encode_cursor(cursor[n.iri]), node=n)
            for n in nodes
            if isinstance(n, Organisation)
        ]
        return OrganisationConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            filter=flt,
        )

    @strawberry.field(
        description="Plan actions, filtered by priority area, status and lead; with `leadTier`, "
        "by the bodies named in that tier (lead, key ongoing role, commissioner, linked partner)."
    )
    async def actions(
        self,
        info: Ctx,
        priority_area: strawberry.ID | None = None,
        assessment: AssessmentStatus | None = None,
        lead_organisation: strawberry.ID | None = None,
        lead_tier: LeadTier | None = None,
    ) -> list[Action]:
        status = URIRef(assessment.value) if assessment is not None else None
        tier = URIRef(lead_tier.value) if lead_tier is not None else None
        args = (_iri(priority_area), status, _iri(lead_organisation), tier)
        iris = info.context.kept(plan_queries.kept_actions, *args)  # listed: no thread
        if iris is None:
            iris = await info.context.run(plan_queries.list_actions, *args)
        found = await entities_of(info, [str(i) for i in iris])
        return [a for a in found if isinstance(a, Action)]

    @strawberry.field(description="Route maps, one per theme (Plan 24-30's shape), by theme.")
    async def route_maps(self, info: Ctx, theme: str | None = None) -> list[RouteMap]:
        data = await info.context.run(info.context.route_maps.get)
        return [
            RouteMap.of(m, data)
            for m in data.maps.values()
            if theme is None or m.theme.casefold() == theme.casefold()
        ]

    @strawberry.field(
        description="Route-map milestones due before a date (for certain, at the precision "
        "given), with a responsible body (its id), or whose latest status at asOf is status."
    )
    async def milestones(
        self,
        info: Ctx,
        due_before: str | None = None,
        responsible: strawberry.ID | None = None,
        status: ProgressStatus | None = None,
        as_of: str | None = None,
    ) -> list[RouteMapItem]:
        cut, when = check_due_before(due_before), check_date(as_of)
        data = await info.context.run(info.context.route_maps.get)
        found = select_milestones(
            data,
            cut,
            str(responsible) if responsible else None,
            status.value if status is not None else None,
            when,
        )
        return [RouteMapItem.of(m, data) for m in found]

    @strawberry.field(description="Stated dependencies between route-map items.")
    async def dependencies(
        self, info: Ctx, route_map: strawberry.ID | None = None
    ) -> list[Dependency]:
        data = await info.context.run(info.context.route_maps.get)
        out = []
        for a, b in data.dependencies():
            item = data.items[a]
            if route_map is not None and data.maps[item.route_map].id != str(route_map):
                continue
            out.append(
                Dependency(
                    item=RouteMapItem.of(item, data),
                    depends_on=RouteMapItem.of(data.items[b], data),
                    sources=[Source.of(s) for s in data.dependency_sources.get((a, b), ())],
                )
            )
        return out

    @strawberry.field(
        description="The route-map checks (docs/route-maps.md) as findings with evidence."
    )
    async def route_map_checks(
        self, info: Ctx, as_of: str | None = None, route_map: strawberry.ID | None = None
    ) -> list[RouteMapCheck]:
        when = check_date(as_of)
        data = await info.context.run(info.context.route_maps.get)
        found = route_checks.check_route_maps(data, when)
        if route_map is not None:
            m = data.find(str(route_map))
            keep = set(m.items) if m is not None else set()
            found = [f for f in found if f.kind == "load-concentration" or f.subjects[0].id in keep]
        return [RouteMapCheck.of(f) for f in found]

    @strawberry.field(
        description=f"Figures sources state (schema:QuantitativeValue), by what they measure, "
        f"about `subject` and cited to `document` (an id such as 003-491c0dde5aa65afd, or the "
        f"file name) when given; at most {figures.MAX_FIGURES}."
    )
    async def figures(
        self, info: Ctx, subject: strawberry.ID | None = None, document: str | None = None
    ) -> list[Figure]:
        doc = figures.document_iri(document) if document else None
        iris = await info.context.run(figures.list_figures, _iri(subject), doc)
        found = await entities_of(info, [str(i) for i in iris])
        return [f for f in found if isinstance(f, Figure)]

    @strawberry.field(description="Every accountability line upward from an entity to the top.")
    async def accountability_chain(
        self, info: Ctx, id: strawberry.ID, as_of: str | None = None
    ) -> AccountabilityChain | None:
        iri = iri_for(str(id))
        chain, rec = await info.context.run(_chain, iri, check_date(as_of))
        if rec is None:
            return None
        info.context.prime([rec])
        return AccountabilityChain(
            hops=[Hop_.of(h) for h in chain.hops],
            lines=[ChainLine(hops=[Hop_.of(h) for h in line]) for line in chain.lines],
            chain=chain,
        )

    @strawberry.field(description="The shortest chain of relationships between two entities.")
    async def path(
        self,
        info: Ctx,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_length: int = 6,
    ) -> Path | None:
        hops = await info.context.run(
            chains.shortest_path, iri_for(str(from_)), iri_for(str(to)), max_length
        )
        return Path(hops=[Hop_.of(h) for h in hops]) if hops is not None else None

    @strawberry.field(description=f"Entities within `depth` (1-{chains.MAX_DEPTH}) relationships.")
    async def neighbourhood(self, info: Ctx, id: strawberry.ID, depth: int = 1) -> Neighbourhood:
        iri = iri_for(str(id))
        found = await info.context.run(chains.neighbourhood, iri, depth)
        return Neighbourhood(
            relationships=[Relationship.seen_from(r, r.subject) for r in found.edges],
            truncated=found.truncated,
            node_iris=found.nodes,
        )

    @strawberry.field(description="The policy areas (concept scheme id:scheme/policy-areas).")
    async def policy_areas(self, info: Ctx) -> list[PolicyArea]:
        return [e for e in await _list_of(info, [GG.PolicyArea]) if isinstance(e, PolicyArea)]

    @strawberry.field(description="The client groups (concept scheme id:scheme/client-groups).")
    async def client_groups(self, info: Ctx) -> list[ClientGroup]:
        return [e for e in await _list_of(info, [GG.ClientGroup]) if isinstance(e, ClientGroup)]

    @strawberry.field(description="The Five Foundations of The Promise.")
    async def foundations(self, info: Ctx) -> list[Foundation]:
        return [e for e in await _list_of(info, [GG.Foundation]) if isinstance(e, Foundation)]

    @strawberry.field(description="The priority areas of the plans.")
    async def priority_areas(self, info: Ctx) -> list[PriorityArea]:
        found = await _list_of(info, [GG.PriorityArea])
        return [e for e in found if isinstance(e, PriorityArea)]

    @strawberry.field(description="Counts by class and relationship kind, and triples.")
    async def stats(self, info: Ctx) -> Stats:
        found = await info.context.run(plan_queries.stats)
        return Stats(
            types=[
                TypeCount(type=model.local_name(t), label=model.label(URIRef(t)), count=n)
                for t, n in sorted(found.types.items(), key=lambda tn: (-tn[1], tn[0]))
            ],
            relationship_kinds=[
                KindCount(kind=KIND_BY_IRI[k], label=model.label(URIRef(k)), count=n)
                for k, n in sorted(found.kinds.items(), key=lambda kn: (-kn[1], kn[0]))
                if k in KIND_BY_IRI
            ],
            triples=found.triples,
        )

    @strawberry.field(description="The sources cited for an entity.")
    async def sources(self, info: Ctx, id: strawberry.ID) -> list[Source]:
        return await sources_of(info, [str(iri_for(str(id)))])


def _chain(store: Any, iri: URIRef, as_of: str | None) -> tuple[Chain, Any]:
    """The chain and the root's record in one worker-thread trip."""
    rec = get_entities(store, [iri]).get(iri)
    if rec is None:
        return Chain(str(iri), [], [], []), None
    return chains.accountability_chain(store, iri, as_of), rec


class GovgraphSchema(strawberry.Schema):
    """Logs an expected client error (a malformed or refused query, a bad argument) as one
    line, and a fault of ours with its traceback: a log of tracebacks for typos hid the
    real failures (#19 item 10)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            original = error.original_error
            if original is None or isinstance(original, GovgraphError):
                where = f" at {'.'.join(map(str, error.path))}" if error.path else ""
                LOG.info("GraphQL request refused%s: %s", where, error.message)
            else:
                LOG.error("GraphQL error", exc_info=original)


LOG = logging.getLogger("govgraph.graphql")


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    return GovgraphSchema(
        query=Query,
        types=ENTITY_TYPES,
        extensions=extensions(settings),
        config=StrawberryConfig(disable_field_suggestions=not settings.debug),
    )


schema = build_schema()
"""The schema with default (production) settings, for the CLI and in-process use."""
