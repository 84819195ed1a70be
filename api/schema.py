"""The GraphQL schema. Types follow the ontology; resolvers only parse, call graph/, wrap."""

from __future__ import annotations

import base64
import binascii
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from govgraph.api.context import Context
from govgraph.graph import organisations as orgs
from govgraph.graph.errors import QueryError
from govgraph.graph.records import OrganisationRecord
from govgraph.ontology import model


def _enum_from_ontology() -> type[Enum]:
    """OrganisationType's values are the ontology's organisation classes, by local name;
    a class added to govgraph.ttl appears here with no code change."""
    members = {c.name: str(c.iri) for c in model.organisation_classes()}
    return Enum("OrganisationType", members)  # type: ignore[return-value]


OrganisationType = strawberry.enum(
    _enum_from_ontology(),
    description="The most specific ontology class of an organisation (gg:Organisation subclasses).",
)
_TYPE_BY_IRI = {member.value: member for member in OrganisationType}  # type: ignore[attr-defined]


@strawberry.type(description="A body, board, group or other organisation in the landscape.")
class Organisation:
    id: strawberry.ID = strawberry.field(description="The entity id, as used in /id/{id}.")
    iri: str = strawberry.field(description="The entity's persistent IRI.")
    name: str = strawberry.field(description="Preferred name (skos:prefLabel).")
    aliases: list[str] = strawberry.field(description="Other names and abbreviations.")
    description: str | None
    start_date: str | None = strawberry.field(description="When it was established, if known.")
    end_date: str | None = strawberry.field(description="When it ended, if it has.")
    type: OrganisationType | None  # type: ignore[valid-type]
    type_label: str | None = strawberry.field(description="The ontology label of its type.")

    @classmethod
    def from_record(cls, rec: OrganisationRecord) -> Organisation:
        return cls(
            id=strawberry.ID(rec.id),
            iri=rec.iri,
            name=rec.name,
            aliases=rec.aliases,
            description=rec.description,
            start_date=rec.start,
            end_date=rec.end,
            type=_TYPE_BY_IRI.get(rec.type) if rec.type else None,
            type_label=model.label(rec.type) if rec.type else None,
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class OrganisationEdge:
    cursor: str
    node: Organisation


@strawberry.type(description="A Relay connection over organisations, ordered by name.")
class OrganisationConnection:
    total_count: int
    edges: list[OrganisationEdge]
    page_info: PageInfo


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


@strawberry.type
class Query:
    @strawberry.field(description="One organisation by its id (or full IRI).")
    async def organisation(
        self, info: Info[Context, Any], id: strawberry.ID
    ) -> Organisation | None:
        rec = await info.context.organisations.load(orgs.iri_for(str(id)))
        return Organisation.from_record(rec) if rec else None

    @strawberry.field(
        description=f"Organisations, a page at a time (at most {orgs.MAX_PAGE} per page)."
    )
    async def organisations(
        self, info: Info[Context, Any], first: int = 20, after: str | None = None
    ) -> OrganisationConnection:
        if first < 0 or first > orgs.MAX_PAGE:
            raise QueryError(f"first must be between 0 and {orgs.MAX_PAGE}")
        key = decode_cursor(after) if after else None
        page = await info.context.run(orgs.list_organisations, first, key)
        edges = [
            OrganisationEdge(cursor=encode_cursor(c), node=Organisation.from_record(r))
            for r, c in zip(page.items, page.cursors, strict=True)
        ]
        return OrganisationConnection(
            total_count=page.total,
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


schema = strawberry.Schema(query=Query)
