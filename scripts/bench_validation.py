"""GraphQL's own cost for a query text no cache has seen (#20 item 4): the site's schema
against a minimal strawberry app of the same types, in the same run.

    python scripts/bench_validation.py [--repeat 300] [--orgs 300]

The minimal app is ``strawberry.Schema(query=Query, types=ENTITY_TYPES)``: the same types
and resolvers, strawberry's defaults (GraphQL's standard validation rules, no extension,
no cache). The site's schema adds the token limit, the fused depth/alias/cost/introspection
rule, its bounded caches and error masking. Each request sends a document neither has seen (the
contract query under a numbered operation name), so each parses and validates it in full.

Own cost = the request's wall time minus the time its resolvers' graph calls spend in the
store (timed inside the worker thread, per request), so the data's size does not drown the
figure; both apps run the same graph calls on the same store (a small synthetic landscape,
``--orgs`` bodies: the own cost does not depend on the data). The two apps are timed
alternately, request by request, so a busy machine slows both alike. Prints, per contract
query, the p50 own cost of each and their ratio (goal: at most 1.2x), then the validation
step alone (standard rules vs standard rules and the fused limit rule) as a diagnostic.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphql import parse, specified_rules, validate

sys.path.insert(0, str(Path(__file__).resolve().parent))

QUERIES = {
    "lookup": 'query Q { organisation(id: "ORG") { id name type aliases } }',
    "chain": (
        'query Q { accountabilityChain(id: "ORG") { hops { depth kind from { id } to { id name } '
        "} } }"
    ),
    "page": "query Q { organisations(first: 20) { totalCount edges { node { id name type } } } }",
    "fragments": (
        "query Q { organisations(first: 20) { edges { node { ...F } } } } "
        "fragment F on Organisation { id name aliases "
        "relationships { kind counterpart { id name } } }"
    ),
}
"""The contract queries (``ORG``: a body of the store, low in its hierarchy; ``Q``: the
operation's name, numbered per request so that no cache has seen the document)."""


def _p50s(
    first: Callable[[], object],
    second: Callable[[], object],
    repeat: int,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """p50 of each, timed alternately so that a busy machine slows both alike."""
    times: list[list[float]] = [[], []]
    for _ in range(repeat):
        for i, fn in enumerate((first, second)):
            started = clock()
            fn()
            times[i].append(clock() - started)
    return [statistics.median(t) for t in times]


def rows(repeat: int, cpu: bool = False) -> list[tuple[str, float, float]]:
    """(query, standard rules p50 s, standard rules + the fused limit rule p50 s): parse
    and validate alone, per contract query (a diagnostic of the validation step)."""
    from govgraph.api.limits import SharedLimits
    from govgraph.api.schema import build_schema
    from govgraph.api.settings import Settings

    settings = Settings()
    schema = build_schema(settings)._schema
    ours = list(SharedLimits(settings).rules)
    out = []
    for name, text in QUERIES.items():
        text = text.replace("ORG", "org-1")
        anchor, limited = _p50s(
            lambda t=text: validate(schema, parse(t), specified_rules),
            lambda t=text: validate(schema, parse(t), [*specified_rules, *ours]),
            repeat,
            time.thread_time if cpu else time.perf_counter,
        )
        out.append((name, anchor, limited))
    return out


def own_cost_rows(store: Any, repeat: int, cpu: bool = False) -> list[tuple[str, float, float]]:
    """(query, minimal app's own cost p50 s, the site's own cost p50 s) per contract query,
    each request with a text no cache has seen, the two apps alternately. With ``cpu``, CPU
    seconds of the process (less the graph calls' own threads' CPU) instead of wall time: a
    loaded machine delays a request without making it use more CPU."""
    import strawberry
    from anyio import CapacityLimiter

    from govgraph.api.context import Context
    from govgraph.api.schema import ENTITY_TYPES, Query, build_schema
    from govgraph.api.settings import Settings
    from govgraph.graph.facts.entities import entity_id

    graph_time: list[float] = []
    outer, inner = (time.process_time, time.thread_time) if cpu else (clock, clock)

    class Timed(Context):
        """The request context, adding up the time its graph calls spend in the store."""

        async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
            def timed(*a: Any) -> Any:
                started = inner()
                try:
                    return fn(*a)
                finally:
                    graph_time.append(inner() - started)

            return await super().run(timed, *args)

    site = build_schema(Settings())
    minimal = strawberry.Schema(query=Query, types=ENTITY_TYPES)
    limiter = CapacityLimiter(8)
    org = entity_id(_low_body(store))
    counter = iter(range(10**9))

    async def own(schema: strawberry.Schema, text: str) -> float:
        graph_time.clear()
        # a new operation name: a new document (a comment would not do: graphql-core's
        # documents compare by structure, so a validation cache would still hit)
        unseen = text.replace("query Q", f"query Q{next(counter)}", 1)
        started = outer()
        result = await schema.execute(unseen, context_value=Timed(store=store, limiter=limiter))
        took = outer() - started
        if result.errors:
            raise RuntimeError(f"{text}: {result.errors}")
        return took - sum(graph_time)

    async def go() -> list[tuple[str, float, float]]:
        out = []
        for name, text in QUERIES.items():
            text = text.replace("ORG", org)
            times: list[list[float]] = [[], []]
            for i in range(repeat + 10):
                pair = [0.0, 0.0]
                for j in (i % 2, 1 - i % 2):  # which goes first alternates too
                    pair[j] = await own((minimal, site)[j], text)
                if i >= 10:  # the first few warm both up
                    times[0].append(pair[0])
                    times[1].append(pair[1])
            out.append((name, statistics.median(times[0]), statistics.median(times[1])))
        return out

    return asyncio.run(go())


clock = time.perf_counter


def _low_body(store: Any) -> str:
    rows = store.select(
        "SELECT ?e WHERE { ?e a gg:Organisation ; gg:accountableTo ?x ;"
        " gg:reportsTo|gg:sponsoredBy ?y } ORDER BY DESC(STR(?e)) LIMIT 1"
    )
    return str(rows[0]["e"])


def small_store(orgs: int) -> Any:
    """A synthetic landscape of ``orgs`` bodies in memory (scripts/bench_api.py's)."""
    from bench_api import build_store

    return build_store(orgs, Path(f"/tmp/govgraph-bench-validation-{orgs}.nt"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--orgs", type=int, default=300, help="synthetic bodies in the store")
    parser.add_argument(
        "--cpu", action="store_true", help="CPU time instead of wall time (a loaded machine)"
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    store = small_store(args.orgs)
    unit = "CPU" if args.cpu else "wall"
    print(
        f"| query | minimal app own cost p50 ({unit}) | site own cost p50 | ratio (goal <= 1.2x) |"
    )
    print("|---|---:|---:|---:|")
    for name, minimal, site in own_cost_rows(store, args.repeat, args.cpu):
        print(
            f"| {name} | {minimal * 1000:.3f} ms | {site * 1000:.3f} ms | {site / minimal:.2f}x |"
        )
    print()
    print("| query | parse + standard rules p50 | + fused limit rule p50 | ratio |")
    print("|---|---:|---:|---:|")
    for name, anchor, limited in rows(args.repeat, args.cpu):
        ratio = limited / anchor
        print(f"| {name} | {anchor * 1000:.3f} ms | {limited * 1000:.3f} ms | {ratio:.2f}x |")
    print(f"\nload average (1 min): {load:.2f} before, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
