"""Benchmark: the full overlap report on a synthetic landscape of 10^5 organisations.

    .venv/bin/python scripts/bench_overlaps.py [--orgs 100000] [--seed 7]

Uses ``govgraph.graph.generate`` (and checks that the overlaps it plants are found) when
it exists, else the small generator below: an
accountability tree (each body sponsored by or reporting to one above, 5% with a second
line, a few loops and unsourced lines), reified relationships with citations, 2-5 policy
areas per body drawn from a long-tailed list of 600, one of 32 council areas, boards with
3-8 members from a pool of people, and 300 plan actions with 1-7 leads, links and
assessments. Prints the time and peak memory of each stage (goal: < 60 s, < 2 GB).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from govgraph.graph.findings import Finding
from govgraph.graph.overlaps import compute_findings
from govgraph.graph.store import Store, open_store
from govgraph.ontology.terms import GG, GRAPH, ID

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
TITLE = "<http://purl.org/dc/terms/title>"
BODY_TYPES = (
    "ExecutiveNDPB",
    "AdvisoryNDPB",
    "ExecutiveAgency",
    "PublicBody",
    "Board",
    "Committee",
    "WorkingGroup",
    "Team",
    "ThirdSectorOrganisation",
    "Company",
)
CHUNK = 200_000
STATUSES = ("WorkUnderway", "UnderwayNotSufficient", "LittleOrNoWork")


def _t(s: str, p: str, o: str) -> str:
    return f"{s} {p} {o} .\n"


def _iri(slug: str) -> str:
    return f"<{ID}{slug}>"


def _gg(name: str) -> str:
    return f"<{GG}{name}>"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def synthetic(orgs: int, seed: int) -> Iterator[str]:
    """N-Triples lines of a synthetic landscape (deterministic for a seed)."""
    rng = random.Random(seed)
    doc = f"<{ID}source/bench>"
    yield _t(doc, TITLE, _lit("Synthetic benchmark source"))
    areas = [_iri(f"policy-area/p{i}") for i in range(600)]
    weights = [1 / (i + 1) for i in range(600)]
    for i, a in enumerate(areas):
        yield _t(a, RDF_TYPE, _gg("PolicyArea"))
        yield _t(a, f"<{SKOS}prefLabel>", _lit(f"Policy area {i}"))
    places = [_iri(f"area/c{i}") for i in range(32)]
    for i, a in enumerate(places):
        yield _t(a, RDF_TYPE, _gg("CouncilArea"))
        yield _t(a, f"<{SKOS}prefLabel>", _lit(f"Council area {i}"))
    people = [_iri(f"person/{i}") for i in range(orgs * 2)]
    for i, p in enumerate(people):
        yield _t(p, RDF_TYPE, _gg("Person"))
        yield _t(p, f"<{SKOS}prefLabel>", _lit(f"Person {i}"))
    rel = 0

    def line(s: str, kind: str, o: str, cited: bool = True) -> Iterator[str]:
        nonlocal rel
        rel += 1
        node = _iri(f"rel/{rel}")
        yield _t(s, _gg(kind), o)
        yield _t(node, RDF_TYPE, _gg("Relationship"))
        yield _t(node, _gg("subject"), s)
        yield _t(node, _gg("relationshipKind"), _gg(kind))
        yield _t(node, _gg("object"), o)
        if cited:
            cite = _iri(f"citation/{rel}")
            yield _t(node, _gg("citation"), cite)
            yield _t(cite, _gg("document"), doc)
            yield _t(cite, _gg("locator"), _lit(f"row {rel}"))

    bodies = [_iri(f"body/{i}") for i in range(orgs)]
    for i, b in enumerate(bodies):
        kind = BODY_TYPES[rng.randrange(len(BODY_TYPES))] if i else "Government"
        yield _t(b, RDF_TYPE, _gg(kind))
        yield _t(b, f"<{SKOS}prefLabel>", _lit(f"Body {i}"))
        yield _t(b, _gg("operatesIn"), places[rng.randrange(32)])
        for a in set(rng.choices(areas, weights, k=rng.randint(2, 5))):
            yield _t(b, _gg("hasInterestIn"), a)
        if i:
            parent = bodies[rng.randrange(max(1, i // 6), i) if i > 6 else 0]
            yield from line(
                b, rng.choice(("sponsoredBy", "reportsTo")), parent, cited=rng.random() > 0.01
            )
            if rng.random() < 0.05:
                yield from line(b, "fundedBy", bodies[rng.randrange(i)])
            if rng.random() < 0.0005 and i > 10:
                yield from line(parent, "reportsTo", b)  # a loop
        if kind in ("Board", "Committee", "WorkingGroup"):
            for p in rng.sample(people, rng.randint(3, 8)):
                yield from line(p, "memberOf", b)
    groups = [_iri(f"collective/{i}") for i in range(8)]
    for i, g in enumerate(groups):
        yield _t(g, RDF_TYPE, _gg("Collective"))
        yield _t(g, f"<{SKOS}prefLabel>", _lit(f"Generic group {i}"))
    leaders = bodies[: orgs // 50] + groups
    actions = [_iri(f"action/{i}") for i in range(300)]
    for i, a in enumerate(actions):
        yield _t(a, RDF_TYPE, _gg("Action"))
        yield _t(a, f"<{SKOS}prefLabel>", _lit(f"Action {i}"))
        for lead in rng.sample(leaders, rng.randint(1, 7)):
            yield _t(a, _gg("leadOrganisation"), lead)
        yield _t(a, _gg("linkedAction"), actions[rng.randrange(300)])
        x = _iri(f"assessment/{i}")
        yield _t(a, _gg("hasAssessment"), x)
        yield _t(x, _gg("assessmentStatus"), _gg(rng.choice(STATUSES)))
        yield _t(x, _gg("assessmentDate"), _lit("2021-06-25"))


def _load_lines(store: Store, lines: Iterable[str]) -> int:
    """Load N-Triples lines in parts (one named graph each): a single string of three
    million lines would cost a gigabyte on its own."""
    total, chunk, part = 0, [], 0
    for line in lines:
        chunk.append(line)
        if len(chunk) >= CHUNK:
            total += store.replace_graph(GRAPH[f"bench/{part}"], "".join(chunk).encode())
            chunk, part = [], part + 1
    if chunk:
        total += store.replace_graph(GRAPH[f"bench/{part}"], "".join(chunk).encode())
    return total


def load(store: Store, orgs: int, seed: int) -> tuple[int, Any]:
    """Triples loaded, and what the generator planted (None for the fallback generator)."""
    try:  # the shared generator, when present
        from govgraph.graph import generate
    except ImportError:
        return _load_lines(store, synthetic(orgs, seed)), None
    landscape = generate.generate(orgs, seed)
    lines, landscape.lines = landscape.lines, []
    return _load_lines(store, lines), landscape.planted


def recall(findings: list[Finding], planted: Any) -> str:
    """How many planted overlaps the report found (the generator writes IRIs as <...>)."""
    together: set[tuple[str, str, str]] = set()
    for f in findings:
        ids = sorted(s.id for s in f.subjects)
        if len(ids) <= 12:
            together.update((f.kind, x, y) for i, x in enumerate(ids) for y in ids[i + 1 :])
    parts = []
    for label, kinds, pairs in (
        ("identical remits", ("remit-overlap", "rationalisation"), planted.duplicate_remits),
        ("subset memberships", ("membership-subset",), planted.subset_memberships),
        ("cycles", ("accountability-cycle",), planted.cycles),
    ):
        hit = 0
        for a, b in pairs:
            x, y = sorted((a.strip("<>"), b.strip("<>")))
            hit += any((k, x, y) in together for k in kinds)
        parts.append(f"{label} {hit}/{len(pairs)}")
    return ", ".join(parts)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--formats", default="json,csv,md,html")
    parser.add_argument(
        "--store",
        default="memory:",
        help="oxigraph:PATH measures the report alone: the first run generates and loads "
        "the landscape into PATH and stops; a second run reports on it in a fresh process",
    )
    args = parser.parse_args(argv)
    from govgraph.visualisations.reports import render

    store = open_store(args.store)
    planted = None
    t0 = time.perf_counter()
    if args.store == "memory:" or not any("/bench" in g for g in store.graphs()):
        triples, planted = load(store, args.orgs, args.seed)
        print(
            f"load: {triples:,} triples in {time.perf_counter() - t0:.1f} s; "
            f"peak RSS {peak_mb():,.0f} MB"
        )
        if args.store != "memory:":
            print("loaded; run again with the same --store to time the report on its own")
            return 0
    else:
        print(f"store {args.store}: {store.count():,} quads, opened with RSS {peak_mb():,.0f} MB")
    t1 = time.perf_counter()
    findings = compute_findings(store)
    t2 = time.perf_counter()
    print(f"findings: {len(findings):,} in {t2 - t1:.1f} s; peak RSS {peak_mb():,.0f} MB")
    print("by kind:", dict(Counter(f.kind for f in findings).most_common()))
    if planted is not None:
        print("planted overlaps found:", recall(findings, planted))
    for fmt in args.formats.split(","):
        t = time.perf_counter()
        size = len(render(findings, fmt, timestamp=False))
        print(f"render {fmt}: {size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s")
    total = time.perf_counter() - t1
    print(
        f"report (findings + every format): {total:.1f} s; peak RSS {peak_mb():,.0f} MB "
        f"(goal < 60 s, < 2048 MB)"
    )
    return 0 if total < 60 and peak_mb() < 2048 else 1


if __name__ == "__main__":
    sys.exit(main())
