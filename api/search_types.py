"""GraphQL ``search``: the site's one search index, answered with entities."""

from __future__ import annotations

import anyio
import strawberry

from govgraph.api.types import Ctx, Entity, entities_of
from govgraph.graph.facts.search import RANKS, SearchResult, index_for


@strawberry.type(description="One entity a search found, and how it matched.")
class SearchHit:
    entity: Entity
    name: str = strawberry.field(description="The entity's preferred name.")
    kind: str = strawberry.field(description="The ontology label of its most specific class.")
    group: str = strawberry.field(
        description="The results group: bodies, posts, funds, actions, topics, places, "
        "services or other."
    )
    how: str = strawberry.field(description="How it matched: " + ", ".join(RANKS) + ".")
    matched: str = strawberry.field(description="The name or alias that matched.")


@strawberry.type(description="What a search found, best first.")
class SearchResults:
    total_count: int = strawberry.field(description="Hits in all, before first: cut the list.")
    did_you_mean: str | None = strawberry.field(
        description="When nothing matched as written, the name of the closest spelling "
        "(its hits are then the close spellings)."
    )
    hits: list[SearchHit]


async def search_results(
    info: Ctx, text: str, first: int, groups: list[str] | None
) -> SearchResults:
    """Resolve ``search``: the index of the pinned data version, hits as entities."""
    ctx = info.context
    index = await anyio.to_thread.run_sync(index_for, ctx.store, limiter=ctx.limiter)
    found: SearchResult = index.search(text, first=first, groups=groups)
    entities = {e.iri: e for e in await entities_of(info, [h.iri for h in found.hits])}
    return SearchResults(
        total_count=found.total,
        did_you_mean=found.did_you_mean,
        hits=[
            SearchHit(
                entity=entities[h.iri],
                name=h.name,
                kind=h.kind,
                group=h.group.key,
                how=h.how,
                matched=h.matched,
            )
            for h in found.hits
            if h.iri in entities
        ],
    )
