"""The organisations list (filter pages, search pages, totals) is answered from a table read
once per data version, with the same rows, keys and counts the store's query gives (#20:
filter pages from per-version tables rather than SPARQL per request)."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from govgraph.graph.facts import organisations as orgs
from govgraph.graph.facts.organisations import Filter, count_organisations, page_keys
from govgraph.graph.storage.queries import with_filters
from govgraph.graph.storage.store import Store
from govgraph.ontology.terms import GG

SEARCHES = ("care", "COUNCIL", "ijb", "zzz", "  ", "&", "agency north")


def _by_query(store: Store, first: int, after: str | None, flt: Filter) -> tuple[list[Any], bool]:
    """The page as organisation_list.rq answers it, filters and all (the reference)."""
    parts, values = flt.bindings(store)
    values["after"] = [Literal(after or "")]
    rows = store.select(with_filters("organisation_list", parts) + f"\nLIMIT {first + 1}", values)
    return [(r["e"], str(r["key"])) for r in rows[:first]], len(rows) > first


def _count_by_query(store: Store, flt: Filter) -> int:
    parts, values = flt.bindings(store)
    row = store.select_one(with_filters("organisation_list_count", parts), values)
    return int(row["n"].toPython())  # type: ignore[union-attr]  # a COUNT binds a literal


def _filters(store: Store) -> list[Filter]:
    table = orgs.table_for(store)
    found = [Filter()]
    for (name, value), _ in sorted(table.facts.items()):
        field = {"type": "type", "policyArea": "policy_area", "operatesIn": "operates_in"}
        field["accountableTo"] = "accountable_to"
        found.append(Filter(**{field[name]: URIRef(value)}))
    found += [Filter(search=s) for s in SEARCHES]
    found.append(Filter(type=GG.PublicBody, search="care"))
    found.append(Filter(type=URIRef("https://example.org/NoSuchClass")))
    return found


@pytest.mark.parametrize("data", ["landscape", "bundled"])
def test_every_filter_gives_the_rows_keys_and_totals_of_the_query(
    data: str, request: pytest.FixtureRequest
) -> None:
    landscape: Store = request.getfixturevalue(data)
    filters = _filters(landscape)
    assert len(filters) > 20
    if data == "bundled":
        kinds = {name for name, _ in orgs.table_for(landscape).facts}
        assert kinds == {"type", "policyArea", "operatesIn", "accountableTo"}
        filters = filters[:: max(1, len(filters) // 120)] + filters[-len(SEARCHES) - 2 :]
    for flt in filters:
        assert count_organisations(landscape, flt) == _count_by_query(landscape, flt), flt
        for first in (0, 2, 500):
            after: str | None = None
            for _ in range(50):  # every page, in order, as a client follows the cursors
                got = page_keys(landscape, first, after, flt)
                assert got == _by_query(landscape, first, after, flt), (flt, first, after)
                if not got[1] or not got[0]:
                    break
                after = got[0][-1][1]
    odd = "care agency\thttps://w3id.org/govgraph/id/care-agency"  # a cursor between rows
    assert page_keys(landscape, 3, odd) == _by_query(landscape, 3, odd, Filter())


def test_a_filter_page_reads_nothing_from_the_store_once_its_version_is_listed(
    landscape: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    top = next(v for (n, v) in orgs.table_for(landscape).facts if n == "accountableTo")
    asked: list[str] = []
    for name in ("select", "select_strings", "select_one"):
        real = getattr(landscape, name)

        def spy(text: str, values: object = None, real: Any = real) -> Any:
            asked.append(text)
            return real(text, values)

        monkeypatch.setattr(landscape, name, spy)
    for flt in (Filter(), Filter(type=GG.PublicBody), Filter(accountable_to=URIRef(top))):
        keys, _ = page_keys(landscape, 25, None, flt)
        assert keys and count_organisations(landscape, flt) >= len(keys)
    assert asked == []


def test_a_load_is_listed_at_once(landscape: Store) -> None:
    before = count_organisations(landscape, Filter(search="brand new"))
    extra = Graph()
    body = URIRef("https://w3id.org/govgraph/id/brand-new-body")
    extra.add((body, RDF.type, GG.Organisation))
    extra.add((body, SKOS.prefLabel, Literal("Brand New Body")))
    landscape.replace_graph(URIRef("https://w3id.org/govgraph/graph/extra"), extra)
    assert before == 0 and count_organisations(landscape, Filter(search="brand new")) == 1
    keys, _ = page_keys(landscape, 500)
    assert body in [k for k, _ in keys]


def test_a_warm_filter_page_is_answered_on_the_event_loop(
    landscape: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once its version is listed and its records read, a page needs no worker thread and
    no DataLoader batch: each waits a turn behind the other requests of a busy worker (#20,
    the load test's p95)."""
    import asyncio

    from anyio import CapacityLimiter

    from govgraph.api.context import Context
    from govgraph.api.schema import schema

    text = (
        "query($s: String) { organisations(filter: {search: $s}, first: 20) { totalCount"
        " edges { cursor node { id name type sources { title } relationships { kind } } }"
        " pageInfo { hasNextPage } } }"
    )

    async def page() -> Any:
        ctx = Context(store=landscape, limiter=CapacityLimiter(4))
        result = await schema.execute(text, variable_values={"s": "a"}, context_value=ctx)
        assert result.errors is None, result.errors
        return result.data

    cold = asyncio.run(page())
    assert cold["organisations"]["edges"]
    hops: list[object] = []

    async def counted(self: Context, fn: Any, *args: Any) -> Any:
        hops.append(fn)
        raise AssertionError(f"{fn} went to a worker thread")

    monkeypatch.setattr(Context, "run", counted)
    for batch in ("_load_entities", "_load_sources", "_load_relationships", "_load_links"):
        monkeypatch.setattr(Context, batch, counted)  # no DataLoader batch either
    assert asyncio.run(page()) == cold and hops == []
