"""Benchmark the API on one store, in one run: raw SPARQL (with conversion), in-process
GraphQL, and HTTP on loopback against a real uvicorn worker, for five contract queries; and
the anchor of #20: a minimal strawberry app (one resolver, a raw single-IRI lookup, no
limits or middleware) served by the same worker at /minimal, timed alternately with the
lookup and the accountability chain, whose HTTP p50s are printed as ratios of it.

    .venv/bin/python scripts/bench_api.py                 # synthetic store, about 10^6 triples
    .venv/bin/python scripts/bench_api.py --orgs 2000     # smaller, quicker
    .venv/bin/python scripts/bench_api.py --store oxigraph:.govgraph/store   # real data
    govgraph generate -n 125000 -o big.nt && govgraph load --no-validate \
        --store oxigraph:/tmp/big rdf:big.nt           # about 10^7 asserted triples, then
    .venv/bin/python scripts/bench_api.py --store oxigraph:/tmp/big -n 200 --seconds 1

The synthetic landscape is built here (there is no ``govgraph generate`` yet): bodies of
every organisation class in an accountability tree with cross-links, sponsor and funding
lines, reified relationships with citations, board memberships, policy areas and a plan.
The server runs in its own process so that client and server do not share a GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import strawberry
from anyio import CapacityLimiter
from rdflib import URIRef
from strawberry.asgi import GraphQL

from govgraph.api.context import Context
from govgraph.api.schema import build_schema
from govgraph.api.settings import Settings
from govgraph.graph.analysis import chains
from govgraph.graph.facts import entities, plan_queries
from govgraph.graph.facts.relationships import relationships_of
from govgraph.graph.storage.store import Store, open_store
from govgraph.ontology import model
from govgraph.ontology.terms import GG, GRAPH, ID, SRC

GOALS = {"overhead_ms": 0.5, "http_p50_ms": 2.0, "rps": 600.0}

# --- a synthetic landscape ------------------------------------------------------------------


def synthetic_ntriples(orgs: int, seed: int = 7) -> Iterator[str]:
    """N-Triples lines of a synthetic landscape with ``orgs`` bodies (about 60 asserted
    triples each; the reasoner adds about a third more)."""
    rnd = random.Random(seed)
    classes = [c.iri for c in model.organisation_classes() if c.is_leaf]
    kinds = [GG.reportsTo, GG.sponsoredBy, GG.fundedBy, GG.scrutinisedBy, GG.directs]

    def t(s: str, p: str, o: str) -> str:
        return f"<{s}> <{p}> {o} .\n"

    def lit(text: str, dt: str | None = None) -> str:
        return f'"{text}"' + (f"^^<http://www.w3.org/2001/XMLSchema#{dt}>" if dt else "")

    label, alt = (
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://www.w3.org/2004/02/skos/core#altLabel",
    )
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    desc, title = "http://purl.org/dc/terms/description", "http://purl.org/dc/terms/title"
    doc = f"{SRC}synthetic"
    yield t(doc, str(rdf_type), f"<{GG.SourceDocument}>")
    yield t(doc, title, lit("Synthetic landscape"))
    areas = [f"{ID}policy-area/p{i}" for i in range(60)]
    for i, area in enumerate(areas):
        yield t(area, rdf_type, f"<{GG.PolicyArea}>")
        yield t(area, label, lit(f"Policy area {i}"))
    for i in range(orgs):
        e = f"{ID}body-{i}"
        cite = f"{ID}citation/synthetic/{i}"
        yield t(e, rdf_type, f"<{rnd.choice(classes)}>")
        yield t(e, label, lit(f"Synthetic Body {i}"))
        yield t(e, alt, lit(f"SB{i}"))
        yield t(e, alt, lit(f"Body number {i}"))
        yield t(e, desc, lit(f"A synthetic body, number {i}, for benchmarks."))
        yield t(e, str(GG.startDate), lit(f"{1990 + i % 30}-04-01", "date"))
        yield t(e, str(GG.citation), f"<{cite}>")
        yield t(cite, rdf_type, f"<{GG.Citation}>")
        yield t(cite, str(GG.document), f"<{doc}>")
        yield t(cite, str(GG.locator), lit(f"row {i}"))
        for area in rnd.sample(areas, 3):
            yield t(e, str(GG.hasInterestIn), f"<{area}>")
        targets = []
        if i:
            targets.append(((i - 1) // 6, rnd.choice(kinds[:2])))
        if i > 10:
            targets.append((rnd.randrange(0, i // 2), GG.fundedBy))
            targets.append((rnd.randrange(0, i), GG.memberOf))
        for n, (j, kind) in enumerate(targets):
            other = f"{ID}body-{j}"
            s, o = (other, e) if kind == GG.directs else (e, other)
            rel = f"{ID}rel/synthetic/{i}/{n}"
            rcite = f"{ID}citation/synthetic/{i}/{n}"
            yield t(s, str(kind), f"<{o}>")
            yield t(rel, rdf_type, f"<{GG.Relationship}>")
            yield t(rel, str(GG.relationshipKind), f"<{kind}>")
            yield t(rel, str(GG.subject), f"<{s}>")
            yield t(rel, str(GG.object), f"<{o}>")
            yield t(rel, str(GG.startDate), lit(f"{2000 + n}-01-01", "date"))
            yield t(rel, str(GG.statutoryBasis), lit(f"Synthetic Act {n}"))
            yield t(rel, str(GG.citation), f"<{rcite}>")
            yield t(rcite, rdf_type, f"<{GG.Citation}>")
            yield t(rcite, str(GG.document), f"<{doc}>")
            yield t(rcite, str(GG.locator), lit(f"row {i}, line {n}"))
    statuses = [GG.WorkUnderway, GG.UnderwayNotSufficient, GG.LittleOrNoWork]
    for a in range(100):
        act = f"{ID}action/a{a}"
        assessment = f"{act}/assessment/2021-06-25"
        yield t(act, rdf_type, f"<{GG.Action}>")
        yield t(act, label, lit(f"Action {a}"))
        yield t(act, str(GG.leadOrganisation), f"<{ID}body-{rnd.randrange(orgs)}>")
        yield t(act, str(GG.hasAssessment), f"<{assessment}>")
        yield t(assessment, rdf_type, f"<{GG.Assessment}>")
        yield t(assessment, str(GG.assessmentStatus), f"<{statuses[a % 3]}>")
        yield t(assessment, str(GG.assessmentDate), lit("2021-06-25", "date"))


def build_store(orgs: int, cache: Path) -> Store:
    from govgraph.graph.checks.ontology_graph import load_ontology
    from govgraph.graph.checks.reasoning import materialise

    store = open_store("memory:")
    if not cache.exists():
        cache.write_text("".join(synthetic_ntriples(orgs)), encoding="utf-8")
    store.replace_graph(GRAPH["synthetic"], cache.read_bytes())
    load_ontology(store)
    materialise(store)
    return store


def open_bench_store(args: argparse.Namespace) -> Store:
    if args.store:  # read-only: the server process opens the same store
        return open_store(args.store, read_only=True)
    return build_store(args.orgs, Path(args.cache or f"/tmp/govgraph-bench-{args.orgs}.nt"))


# --- the five contract queries ----------------------------------------------------------------


def queries(store: Store) -> list[tuple[str, str, Callable[[Store], Any]]]:
    """(name, GraphQL text, the graph/ calls its resolvers make, done directly), about a
    body low in the hierarchy (a typical question; hubs at the top are slower)."""
    some = store.select(
        "SELECT ?e WHERE { ?e a gg:Organisation ; gg:accountableTo ?x ;"
        " gg:reportsTo|gg:sponsoredBy ?y } ORDER BY DESC(STR(?e)) LIMIT 1"
    )
    org = URIRef(str(some[0]["e"])) if some else URIRef(str(ID) + "body-500")
    oid = entities.entity_id(str(org))

    def lookup(s: Store) -> Any:
        return entities.get_entities(s, [org])

    def chain(s: Store) -> Any:
        rec = entities.get_entities(s, [org])
        found = chains.accountability_chain(s, org)
        return rec, entities.get_entities(s, [URIRef(h.target) for h in found.hops])

    def relationships(s: Store) -> Any:
        rels = relationships_of(s, [org])[org]
        others = [URIRef(r.object if r.subject == str(org) else r.subject) for r in rels]
        nodes = [URIRef(n) for r in rels for n in r.nodes]
        return entities.get_entities(s, [org, *others]), entities.get_sources(s, nodes)

    def actions(s: Store) -> Any:
        iris = plan_queries.list_actions(s, None, GG.LittleOrNoWork, None)
        found = entities.get_entities(s, iris)
        links = entities.property_values(s, iris, [GG.leadOrganisation])
        leads = [v for by in links.values() for v in by.get(GG.leadOrganisation, [])]
        return found, entities.get_entities(s, leads)  # type: ignore[arg-type]

    def page(s: Store) -> Any:
        from govgraph.graph.facts.organisations import page_keys

        keys, _ = page_keys(s, 20)
        return entities.get_entities(s, [k for k, _ in keys])

    return [
        ("lookup", f'{{ organisation(id: "{oid}") {{ id name type aliases }} }}', lookup),
        (
            "chain",
            f'{{ accountabilityChain(id: "{oid}") {{ hops {{ depth kind'
            " from { id } to { id name } } } }",
            chain,
        ),
        (
            "relationships",
            f'{{ organisation(id: "{oid}") {{ name relationships {{ kind direction'
            " counterpart { id name } start sources { title locator } } } }",
            relationships,
        ),
        (
            "actions",
            "{ actions(assessment: LITTLE_OR_NONE) { name leadOrganisations { id name } } }",
            actions,
        ),
        ("page", "{ organisations(first: 20) { edges { cursor node { id name } } } }", page),
    ]


# --- measuring ---------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def in_process(store: Store, text: str, n: int) -> list[float]:
    schema = build_schema(Settings())
    limiter = CapacityLimiter(8)

    async def go() -> list[float]:
        out = []
        for _ in range(n):
            start = time.perf_counter()
            result = await schema.execute(text, context_value=Context(store=store, limiter=limiter))
            out.append((time.perf_counter() - start) * 1000)
            assert not result.errors, result.errors
        return out

    return asyncio.run(go())


def request_bytes(text: str, port: int, path: str = "/graphql") -> bytes:
    import json

    body = json.dumps({"query": text}).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


class RawClient:
    """A minimal keep-alive HTTP/1.1 client, so that the client costs little next to the
    server being measured (httpx adds about 0.3 ms a request)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        return chunk

    def send(self, request: bytes) -> bytes:
        self.sock.sendall(request)
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._recv()
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        while len(rest) < length:
            rest += self._recv()
        self.buf = rest[length:]
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode())
        return rest[:length]


def throughput(port: int, request: bytes, seconds: float, connections: int) -> float:
    counts = [0] * connections
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        client = RawClient(port)
        while time.perf_counter() < stop:
            client.send(request)
            counts[k] += 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return sum(counts) / seconds


@strawberry.type
class Organisation:
    """The minimal app's one type."""

    id: strawberry.ID
    name: str
    type: str | None
    aliases: list[str]


MINIMAL_LOOKUP = '{ organisation(id: "%s") { id name type aliases } }'


def minimal_app(store: Store) -> Any:
    """A bare strawberry app answering the lookup: one sync resolver, one raw SPARQL query
    for the body's triples, none of govgraph's limits, loaders or middleware."""
    label = "http://www.w3.org/2004/02/skos/core#prefLabel"
    alt = "http://www.w3.org/2004/02/skos/core#altLabel"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

    @strawberry.type
    class Query:
        @strawberry.field
        def organisation(self, id: strawberry.ID) -> Organisation | None:
            rows = store.select(f"SELECT ?p ?o WHERE {{ <{ID}{id}> ?p ?o }}")
            by: dict[str, list[str]] = {}
            for row in rows:
                by.setdefault(str(row["p"]), []).append(str(row["o"]))
            if label not in by:
                return None
            types = by.get(rdf_type, [])
            return Organisation(
                id=id, name=by[label][0], type=types[0] if types else None, aliases=by.get(alt, [])
            )

    return GraphQL(strawberry.Schema(query=Query), graphql_ide=None)


def serve(args: argparse.Namespace) -> None:
    import resource

    import uvicorn

    from govgraph.api.app import create_app
    from govgraph.graph.facts.lines import lines_for

    store = open_bench_store(args)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    index = lines_for(store)  # what the server warms in the background at start-up
    print(
        f"ready: line index {index.size:,} lines built in {time.perf_counter() - started:.2f} s,"
        f" peak RSS +{(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024:.0f}"
        " MB",
        flush=True,
    )
    govgraph, minimal = create_app(store, settings=Settings()), minimal_app(store)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/minimal":
            await minimal(scope, receive, send)
        else:
            await govgraph(scope, receive, send)

    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.serve,
        log_level="warning",
        access_log=False,
        server_header=False,
    )


def start_server(args: argparse.Namespace, port: int) -> subprocess.Popen[str]:
    cmd = [sys.executable, __file__, "--serve", str(port), "--orgs", str(args.orgs)]
    if args.store:
        cmd += ["--store", args.store]
    if args.cache:
        cmd += ["--cache", args.cache]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("ready"):
        raise RuntimeError("the server did not start")
    print(f"server {line}", flush=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not listen")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--orgs", type=int, default=12_000, help="synthetic bodies (12,000 ≈ 10^6 triples)"
    )
    parser.add_argument("--store", help="benchmark this store URL instead of a synthetic one")
    parser.add_argument("--cache", help="where to keep the synthetic N-Triples")
    parser.add_argument("-n", type=int, default=300, help="repetitions per measurement")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each req/s run")
    parser.add_argument("--only", help="the contract queries to time, e.g. lookup,chain")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args)
        return

    started = time.perf_counter()
    store = open_bench_store(args)
    print(f"store: {store.count():,} quads, ready in {time.perf_counter() - started:.1f} s")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = start_server(args, port)
    try:
        report(store, args, port)
    finally:
        server.terminate()
        server.wait(timeout=10)


def report(store: Store, args: argparse.Namespace, port: int) -> None:
    print(
        f"\n{'query':<14}{'raw SPARQL':>11}{'GraphQL':>10}{'overhead':>10}"
        f"{'HTTP p50':>10}{'HTTP p90':>10}{'req/s 1c':>10}{'req/s 4c':>10}   (ms, medians)"
    )
    rows = []
    for name, text, raw in queries(store):
        if args.only and name not in args.only.split(","):
            continue
        raw_ms = statistics.median(timed(lambda raw=raw: raw(store), args.n))  # type: ignore[misc]
        gql_ms = statistics.median(in_process(store, text, args.n))
        request = request_bytes(text, port)
        client = RawClient(port)  # a fresh connection: keep-alive times out after 5 s
        for _ in range(min(50, args.n)):
            client.send(request)
        http = timed(lambda c=client, r=request: c.send(r), args.n)  # type: ignore[misc]
        p50, p90 = statistics.median(http), statistics.quantiles(http, n=10)[8]
        rps1 = throughput(port, request, args.seconds, 1)
        rps4 = throughput(port, request, args.seconds, 4)
        rows.append((name, raw_ms, gql_ms, p50, rps4))
        print(
            f"{name:<14}{raw_ms:>11.3f}{gql_ms:>10.3f}{gql_ms - raw_ms:>10.3f}"
            f"{p50:>10.3f}{p90:>10.3f}{rps1:>10.0f}{rps4:>10.0f}"
        )
    anchor_ratios(store, args, port)
    print(
        "\ngoals: GraphQL's own cost ≤ 0.5 ms; HTTP p50 ≤ 2 ms for lookups and chains; ≥ 600 req/s"
    )
    for name, raw_ms, gql_ms, p50, rps in rows:
        if name not in ("lookup", "chain"):
            continue
        print(
            f"  {name}: overhead {gql_ms - raw_ms:.2f} ms "
            f"[{'met' if gql_ms - raw_ms <= GOALS['overhead_ms'] else 'missed'}], "
            f"p50 {p50:.2f} ms [{'met' if p50 <= GOALS['http_p50_ms'] else 'missed'}], "
            f"{rps:.0f} req/s [{'met' if rps >= GOALS['rps'] else 'missed'}]"
        )
    print(f"(python {sys.version.split()[0]}, {os.cpu_count()} CPUs, one uvicorn worker, h11)")


def anchor_ratios(store: Store, args: argparse.Namespace, port: int) -> None:
    """The lookup's and the chain's HTTP p50 as ratios of the minimal strawberry app's
    lookup, the three timed in turn on the same worker (a busy machine slows all alike)."""
    found = {name: text for name, text, _ in queries(store)}
    oid = found["lookup"].split('"')[1]
    requests = {
        "minimal app lookup": request_bytes(MINIMAL_LOOKUP % oid, port, "/minimal"),
        "lookup": request_bytes(found["lookup"], port),
        "chain": request_bytes(found["chain"], port),
    }
    clients = {name: RawClient(port) for name in requests}  # keep-alive: used in turn
    for name, request in requests.items():
        answer = clients[name].send(request)
        assert b'"errors"' not in answer and b"null" not in answer[:40], answer[:300]
    for _ in range(min(20, args.n)):
        for name, request in requests.items():
            clients[name].send(request)
    times: dict[str, list[float]] = {name: [] for name in requests}
    for _ in range(args.n):
        for name, request in requests.items():
            started = time.perf_counter()
            clients[name].send(request)
            times[name].append((time.perf_counter() - started) * 1000)
    p50 = {name: statistics.median(t) for name, t in times.items()}
    anchor = p50["minimal app lookup"]
    print(f"\nagainst the minimal strawberry app, timed alternately ({args.n} rounds, HTTP p50):")
    for name, ms in p50.items():
        print(f"  {name:<20}{ms:>8.3f} ms  {ms / anchor:>6.2f}x")
    print(
        "  #20 item 3 goal: chain ≤ 2x the minimal app's lookup at 10^6 triples, ≤ 3x at 10^7"
        f" (load average {os.getloadavg()[0]:.2f})"
    )


if __name__ == "__main__":
    main()
