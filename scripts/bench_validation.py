"""Validation benchmark (#20 item 4): the cost of validating a query text the validation
cache has not seen, with the site's limit rule (one walk) against GraphQL's standard rules
alone, which is what a minimal strawberry app runs, in the same run.

    python scripts/bench_validation.py [--repeat 300]

Prints, per contract query, the p50 of parse + validate with the standard rules (the
anchor), with the standard rules and the fused limit rule, and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from graphql import parse, specified_rules, validate

QUERIES = {
    "lookup": '{ organisation(id: "org-1") { id name type aliases } }',
    "chain": (
        '{ accountabilityChain(id: "org-1") { hops { depth kind from { id } to { id name } } } }'
    ),
    "page": "{ organisations(first: 20) { totalCount edges { node { id name type } } } }",
    "fragments": (
        "query Q { organisations(first: 20) { edges { node { ...F } } } } "
        "fragment F on Organisation { id name aliases subjects { object { id name } } }"
    ),
}


def _p50s(first: Callable[[], object], second: Callable[[], object], repeat: int) -> list[float]:
    """p50 of each, timed alternately so that a busy machine slows both alike."""
    times: list[list[float]] = [[], []]
    for _ in range(repeat):
        for i, fn in enumerate((first, second)):
            started = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - started)
    return [statistics.median(t) for t in times]


def rows(repeat: int) -> list[tuple[str, float, float]]:
    """(query, anchor p50 s, with the limit rule p50 s) per contract query."""
    from govgraph.api.limits import SharedLimits
    from govgraph.api.schema import build_schema
    from govgraph.api.settings import Settings

    settings = Settings()
    schema = build_schema(settings)._schema
    ours = list(SharedLimits(settings).rules)
    out = []
    for name, text in QUERIES.items():
        anchor, limited = _p50s(
            lambda t=text: validate(schema, parse(t), specified_rules),
            lambda t=text: validate(schema, parse(t), [*specified_rules, *ours]),
            repeat,
        )
        out.append((name, anchor, limited))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    print("| query | standard rules p50 (anchor) | + limit rule p50 | ratio |")
    print("|---|---:|---:|---:|")
    for name, anchor, limited in rows(args.repeat):
        ratio = limited / anchor
        print(f"| {name} | {anchor * 1000:.3f} ms | {limited * 1000:.3f} ms | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
