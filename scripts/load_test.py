"""A bounded load test on loopback: many concurrent clients against a real uvicorn server.

    .venv/bin/python scripts/load_test.py                      # 50 clients, 60 s, bundled data
    .venv/bin/python scripts/load_test.py --clients 10 --seconds 10
    .venv/bin/python scripts/load_test.py --store /path/to/store --workers 2 --json out.json

The server runs in its own processes (``govgraph serve --workers N``, as deployed) so that
the clients and the server do not share a GIL. Without ``--store`` the bundled dataset is
loaded into a temporary on-disk store first, with the pipeline. The clients mix the contract
GraphQL queries, SPARQL SELECTs, maps and the overlap report. A single client runs the same mix
sequentially first: that is the baseline the loaded latencies are compared with.

Any non-2xx answer, transport failure or GraphQL ``errors`` counts as an error; the script
exits 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

Request = tuple[str, str, dict[str, Any]]
"""(method, path, httpx keyword arguments)."""

SEARCH = ["council", "care", "children", "health", "scot", "board", "inverclyde", "trust"]
SPARQL = [
    "SELECT ?o ?name WHERE { ?o a gg:Organisation ; skos:prefLabel ?name } ORDER BY ?name LIMIT 50",
    "SELECT ?kind (COUNT(*) AS ?n) WHERE { ?r a gg:Relationship ; gg:relationshipKind ?kind }"
    " GROUP BY ?kind ORDER BY DESC(?n)",
    "SELECT ?o ?top WHERE { ?o gg:accountableTo ?top . ?top a gg:Government } LIMIT 200",
]


@dataclass
class Data:
    """Ids read from the served landscape, so every request asks about real entities."""

    org_ids: list[str]
    chain_ids: list[str]
    after: str | None
    policy_area: str | None


def gql(query: str, **variables: Any) -> Request:
    return ("POST", "/graphql", {"json": {"query": query, "variables": variables}})


def mix(data: Data, rnd: random.Random) -> dict[str, tuple[int, Callable[[], Request]]]:
    """Request kinds, each with a weight and a maker of one request."""

    def org() -> str:
        return rnd.choice(data.org_ids)

    def chain_id() -> str:
        return rnd.choice(data.chain_ids or data.org_ids)

    page_args = {"after": data.after} if data.after else {}
    filter_pa = {"policyArea": data.policy_area} if data.policy_area else {"type": "LocalAuthority"}
    return {
        "gql.search": (
            10,
            lambda: gql(
                "query($s: String) { organisations(filter: {search: $s}, first: 20)"
                " { totalCount edges { cursor node { id name type } } pageInfo { hasNextPage } } }",
                s=rnd.choice(SEARCH),
            ),
        ),
        "gql.filter_page": (
            8,
            lambda: gql(
                "query($f: OrganisationFilter, $a: String) { organisations(filter: $f, first: 25,"
                " after: $a) { totalCount edges { node { id name } } pageInfo { endCursor } } }",
                f=rnd.choice([filter_pa, {"type": "LocalAuthority"}, {}]),
                a=page_args.get("after") if rnd.random() < 0.5 else None,
            ),
        ),
        "gql.organisation": (
            10,
            lambda: gql(
                "query($i: ID!) { organisation(id: $i) { id name type sources { title } } }",
                i=org(),
            ),
        ),
        "gql.chain": (
            8,
            lambda: gql(
                "query($i: ID!) { accountabilityChain(id: $i) { root { name } tops { id name }"
                " hops { depth kind from { id } to { id name } } } }",
                i=chain_id(),
            ),
        ),
        "gql.relationships": (
            8,
            lambda: gql(
                "query($i: ID!) { organisation(id: $i) { name relationships { kind"
                " counterpart { id name } sources { title } } } }",
                i=org(),
            ),
        ),
        "gql.actions": (
            5,
            lambda: gql(
                "{ actions(assessment: LITTLE_OR_NONE) { name priorityArea { name }"
                " assessment leadOrganisations { name } } }"
            ),
        ),
        "gql.overlaps": (
            5,
            lambda: gql("{ overlaps(first: 20) { id kind score explanation subjects { name } } }"),
        ),
        "sparql.select": (
            10,
            lambda: (
                "POST",
                "/sparql",
                {
                    "content": rnd.choice(SPARQL).encode(),
                    "headers": {
                        "Content-Type": "application/sparql-query",
                        "Accept": "application/sparql-results+json",
                    },
                },
            ),
        ),
        "map.landscape": (3, lambda: ("GET", "/maps/landscape", {})),
        "map.ego": (4, lambda: ("GET", "/maps/ego", {"params": {"focus": chain_id()}})),
        "report.html": (3, lambda: ("GET", "/reports/overlaps", {"params": {"format": "html"}})),
        "report.json": (4, lambda: ("GET", "/reports/overlaps", {"params": {"format": "json"}})),
    }


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def fail(self, kind: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < 20:
            self.errors.append(f"{kind}: {message[:300]}")


async def call(client: httpx.AsyncClient, kind: str, req: Request, stats: Stats) -> None:
    method, path, kwargs = req
    started = time.perf_counter()
    try:
        response = await client.request(method, path, **kwargs)
        body = response.content
    except httpx.HTTPError as exc:
        stats.fail(kind, f"{type(exc).__name__}: {exc}")
        return
    elapsed = time.perf_counter() - started
    if not 200 <= response.status_code < 300:
        stats.fail(kind, f"HTTP {response.status_code}: {body[:200]!r}")
        return
    if path == "/graphql":
        payload = json.loads(body)
        if payload.get("errors"):
            stats.fail(kind, f"GraphQL errors: {payload['errors']}")
            return
    stats.latencies[kind].append(elapsed)


def pick(kinds: dict[str, tuple[int, Callable[[], Request]]], rnd: random.Random) -> str:
    names = list(kinds)
    return rnd.choices(names, weights=[kinds[k][0] for k in names])[0]


async def baseline(base: str, data: Data, rounds: int) -> Stats:
    """One client, one request at a time: every kind ``rounds`` times."""
    stats = Stats()
    rnd = random.Random(1)
    kinds = mix(data, rnd)
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for _ in range(rounds):
            for kind, (_, make) in kinds.items():
                await call(client, kind, make(), stats)
    return stats


async def loaded(base: str, data: Data, clients: int, seconds: float) -> tuple[Stats, float]:
    stats = Stats()
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(
        max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0
    )  # shorter than uvicorn's 5 s keep-alive: never reuse a connection it is closing

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker(n: int) -> None:
            rnd = random.Random(1000 + n)
            kinds = mix(data, rnd)
            while time.monotonic() < deadline:
                kind = pick(kinds, rnd)
                await call(client, kind, kinds[kind][1](), stats)

        started = time.monotonic()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        return stats, time.monotonic() - started


async def discover(base: str) -> Data:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        r = await client.post(
            "/graphql",
            json={
                "query": "{ organisations(first: 100) { edges { node { id } } pageInfo"
                " { endCursor } } policyAreas { id } }"
            },
        )
        body = r.json()["data"]
        ids = [e["node"]["id"] for e in body["organisations"]["edges"]]
        r = await client.post(
            "/sparql",
            content=b"SELECT DISTINCT ?o WHERE { ?o gg:accountableTo ?t . ?o a gg:Organisation }"
            b" ORDER BY ?o LIMIT 100",
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
        )
        prefix = "https://w3id.org/govgraph/id/"
        chain = [b["o"]["value"].removeprefix(prefix) for b in r.json()["results"]["bindings"]]
    areas = body["policyAreas"]
    return Data(
        org_ids=ids,
        chain_ids=chain,
        after=body["organisations"]["pageInfo"]["endCursor"],
        policy_area=areas[0]["id"] if areas else None,
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(stats: Stats) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    every = [v for vs in stats.latencies.values() for v in vs]
    for name, values in [("ALL", every), *sorted(stats.latencies.items())]:
        out[name] = {
            "n": len(values),
            "p50_ms": percentile(values, 50) * 1000,
            "p95_ms": percentile(values, 95) * 1000,
            "p99_ms": percentile(values, 99) * 1000,
            "mean_ms": (statistics.fmean(values) * 1000) if values else float("nan"),
        }
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_store(store: str | None, tmp: Path) -> str:
    if store:
        return store if ":" in store else f"oxigraph:{store}"
    from govgraph.graph.storage.store import open_store
    from govgraph.loaders.bundled import bundled_loaders
    from govgraph.loaders.pipeline import load_sources

    url = f"oxigraph+versions:{tmp / 'store'}"
    with open_store(url) as s:
        report = load_sources(s, bundled_loaders(), validate=False, progress=False)
    if report.failed:
        raise SystemExit(f"loading the bundled data failed: {[r.error for r in report.failed]}")
    print(f"loaded the bundled dataset: {report.total_quads:,} quads", file=sys.stderr)
    return url


def start_server(url: str, port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GOVGRAPH_THREADS": str(threads)}
    cmd = [sys.executable, "-m", "govgraph", "serve", "--store", url, "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    # the first home page reads the landscape: on a busy machine that takes a while, and a
    # client that gave up after 1 s would only start the same work again
    deadline = time.monotonic() + 300
    wait = httpx.Timeout(120, connect=1)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=wait).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    proc.wait(timeout=20)
    raise SystemExit("the server did not start within 300 s")


def report(
    base_stats: Stats, load_stats: Stats, clients: int, seconds: float, workers: int
) -> dict[str, Any]:
    base = summary(base_stats)
    load = summary(load_stats)
    total = load["ALL"]["n"] + load_stats.error_count
    rps = total / seconds
    print(
        f"\n{clients} clients for {seconds:.1f} s, {workers} uvicorn worker(s): {total:,} requests,"
        f" {load_stats.error_count} errors, {rps:,.1f} requests/s"
    )
    header = f"{'kind':<18}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    header += f"{'base p50':>10}{'p50 ratio':>10}"
    print(header)
    for name, row in load.items():
        b = base.get(name, {}).get("p50_ms", float("nan"))
        ratio = row["p50_ms"] / b if b else float("nan")
        print(
            f"{name:<18}{row['n']:>7}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{b:>10.1f}{ratio:>10.1f}"
        )
    for line in load_stats.errors + base_stats.errors:
        print(f"  error: {line}")
    return {
        "clients": clients,
        "seconds": seconds,
        "workers": workers,
        "requests": total,
        "errors": load_stats.error_count + base_stats.error_count,
        "rps": rps,
        "loaded": load,
        "baseline": base,
        "error_samples": load_stats.errors + base_stats.errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--store", help="A loaded store URL or path (default: bundled data)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="store threads per worker")
    parser.add_argument("--baseline-rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="Also write the figures here")
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="govgraph-load-") as tmp:
        url = prepare_store(args.store, Path(tmp))
        port = args.port or free_port()
        proc = start_server(url, port, args.workers, args.threads)
        base = f"http://127.0.0.1:{port}"
        try:
            data = asyncio.run(discover(base))
            asyncio.run(baseline(base, data, 1))  # warm caches (findings, parsed documents)
            base_stats = asyncio.run(baseline(base, data, args.baseline_rounds))
            load_before = os.getloadavg()
            load_stats, elapsed = asyncio.run(loaded(base, data, args.clients, args.seconds))
            load_after = os.getloadavg()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    figures = report(base_stats, load_stats, args.clients, elapsed, args.workers)
    # the machine may be shared: the figures mean little without how busy it was
    figures["load_average"] = {"before": load_before, "after": load_after}
    print(
        f"load average (1, 5, 15 min) before {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after {', '.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} CPUs"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
