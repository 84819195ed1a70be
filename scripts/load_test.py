"""A bounded load test on loopback: many concurrent clients against a real uvicorn server.

    .venv/bin/python scripts/load_test.py                      # 50 clients, 60 s, bundled data
    .venv/bin/python scripts/load_test.py --clients 10 --seconds 10
    .venv/bin/python scripts/load_test.py --store /path/to/store --workers 2 --json out.json

The server runs in its own processes (``govgraph serve --workers N``, as deployed) so that
the clients and the server do not share a GIL. Without ``--store`` the bundled dataset is
loaded into a temporary on-disk store first, with the pipeline. The clients mix the contract
GraphQL queries, SPARQL SELECTs, maps and the overlap report. A single client runs the same mix
sequentially first: that is the baseline the loaded latencies are compared with.

The clients are lean so that they leave the two cores to the server: raw HTTP/1.1 over
keep-alive connections (the same requests, headers and bodies a real client sends, every
answer read to its end and checked), spread over one process per core. ``--cost N`` measures
instead what each kind of request costs in CPU, server and client apart, over N requests of
one client: on a busy machine that figure, not a wall-clock one, says whether the mix fits.

Any non-2xx answer, transport failure or GraphQL ``errors`` counts as an error; the script
exits 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

Request = tuple[str, str, bytes, tuple[tuple[str, str], ...]]
"""(method, path with its query string, body, extra headers)."""

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


JSON_BODY = (("Content-Type", "application/json"), ("Accept", "application/json"))
SPARQL_BODY = (
    ("Content-Type", "application/sparql-query"),
    ("Accept", "application/sparql-results+json"),
)


def gql(query: str, **variables: Any) -> Request:
    body = json.dumps({"query": query, "variables": variables}).encode()
    return ("POST", "/graphql", body, JSON_BODY)


def get(path: str, **params: str) -> Request:
    return ("GET", f"{path}?{urlencode(params)}" if params else path, b"", ())


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
            lambda: ("POST", "/sparql", rnd.choice(SPARQL).encode(), SPARQL_BODY),
        ),
        "map.landscape": (3, lambda: get("/maps/landscape")),
        "map.ego": (4, lambda: get("/maps/ego", focus=chain_id())),
        "report.html": (3, lambda: get("/reports/overlaps", format="html")),
        "report.json": (4, lambda: get("/reports/overlaps", format="json")),
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


class HTTPError(Exception):
    """A transport failure or a malformed answer."""


class Connection:
    """One HTTP/1.1 keep-alive connection: a request written whole, its answer read to the
    end (Content-Length or chunked). Reopened when the server closes it, or before a reuse
    after ``IDLE`` seconds (shorter than uvicorn's 5 s keep-alive, so never a connection it
    is closing)."""

    IDLE = 2.0

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, req: Request) -> tuple[int, bytes]:
        method, target, body, extra = req
        if self.writer is None or time.monotonic() - self.used > self.IDLE:
            await self.close()
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in extra]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        try:
            self.writer.write(head + body)
            status, keep, answer = await self._read(self.reader)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            await self.close()
            raise HTTPError(f"{type(exc).__name__}: {exc}") from None
        self.used = time.monotonic()
        if not keep:
            await self.close()
        return status, answer

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        keep = headers.get("connection", "").lower() != "close"
        if "content-length" in headers:
            return status, keep, await reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            return status, keep, b"".join(chunks)
        if status in (204, 304) or 100 <= status < 200:
            return status, keep, b""
        return status, False, await reader.read()  # ended by the connection closing


async def call(conn: Connection, kind: str, req: Request, stats: Stats) -> None:
    started = time.perf_counter()
    try:
        status, body = await conn.request(req)
    except HTTPError as exc:
        stats.fail(kind, str(exc))
        return
    elapsed = time.perf_counter() - started
    if not 200 <= status < 300:
        stats.fail(kind, f"HTTP {status}: {body[:200]!r}")
        return
    if req[1] == "/graphql":
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
    conn = Connection(base)
    for _ in range(rounds):
        for kind, (_, make) in kinds.items():
            await call(conn, kind, make(), stats)
    await conn.close()
    return stats


async def clients_here(
    base: str, data: Data, first: int, count: int, start: float, seconds: float
) -> Stats:
    """Clients ``first`` .. ``first + count - 1``, each on its own connection, from the
    wall-clock time ``start`` for ``seconds``."""
    stats = Stats()
    await asyncio.sleep(max(0.0, start - time.time()))
    deadline = time.monotonic() + seconds

    async def worker(n: int) -> None:
        rnd = random.Random(1000 + n)
        kinds = mix(data, rnd)
        conn = Connection(base)
        while time.monotonic() < deadline:
            kind = pick(kinds, rnd)
            await call(conn, kind, kinds[kind][1](), stats)
        await conn.close()

    await asyncio.gather(*(worker(n) for n in range(first, first + count)))
    return stats


def _client_process(args: tuple[str, Data, int, int, float, float]) -> tuple[Stats, float]:
    cpu = time.process_time()
    stats = asyncio.run(clients_here(*args))
    return stats, time.process_time() - cpu


def loaded(
    base: str, data: Data, clients: int, seconds: float, processes: int
) -> tuple[Stats, float, float]:
    """``clients`` concurrent clients spread over ``processes`` processes (one per core by
    default, so the clients' own Python never queues behind one GIL): their stats, the
    wall-clock time taken and the CPU seconds the clients spent."""
    import multiprocessing

    processes = max(1, min(processes, clients))
    share = [clients // processes + (1 if p < clients % processes else 0) for p in range(processes)]
    start = time.time() + 0.5
    jobs = [(base, data, sum(share[:p]), share[p], start, seconds) for p in range(processes)]
    began = time.monotonic()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(_client_process, jobs)
    elapsed = time.monotonic() - began - 0.5
    stats = Stats()
    for part, _ in results:
        for kind, values in part.latencies.items():
            stats.latencies[kind].extend(values)
        stats.error_count += part.error_count
        stats.errors.extend(part.errors[: max(0, 20 - len(stats.errors))])
    return stats, elapsed, sum(cpu for _, cpu in results)


def tree_cpu(pid: int) -> float:
    """CPU seconds spent by a process and every descendant (reaped children included)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    tree, grew = {pid}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(times.get(p, 0) for p in tree) / tick


async def cost(base: str, data: Data, rounds: int, server: int) -> dict[str, dict[str, float]]:
    """Per kind, ``rounds`` requests of one client in a row, then the same requests again:
    the server's CPU per request (milliseconds) the first time (cold: what is kept per data
    version is built) and the second (warm: the steady state of a long run), this client's
    CPU per request, and the median wall-clock time of the warm pass."""
    rnd = random.Random(7)
    kinds = mix(data, rnd)
    conn = Connection(base)
    out: dict[str, dict[str, float]] = {}
    for kind, (weight, make) in kinds.items():
        requests = [make() for _ in range(rounds)]
        row: dict[str, float] = {"weight": weight, "errors": 0}
        for phase in ("cold", "warm"):
            stats = Stats()
            server_before, client_before = tree_cpu(server), time.process_time()
            for req in requests:
                await call(conn, kind, req, stats)
            row["client_ms"] = (time.process_time() - client_before) / rounds * 1000
            row[f"{phase}_ms"] = (tree_cpu(server) - server_before) / rounds * 1000
            row["p50_ms"] = percentile(stats.latencies[kind], 50) * 1000
            row["errors"] += stats.error_count
            for line in stats.errors:
                print(f"  error: {line}")
        out[kind] = row
    await conn.close()
    return out


def cost_report(costs: dict[str, dict[str, float]]) -> dict[str, float]:
    print(f"{'kind':<18}{'weight':>7}{'cold ms':>9}{'warm ms':>9}{'client ms':>11}{'warm p50':>10}")
    for kind, row in costs.items():
        print(
            f"{kind:<18}{row['weight']:>7.0f}{row['cold_ms']:>9.2f}{row['warm_ms']:>9.2f}"
            f"{row['client_ms']:>11.2f}{row['p50_ms']:>10.1f}"
        )
    total = sum(r["weight"] for r in costs.values())
    server = sum(r["weight"] * r["warm_ms"] for r in costs.values()) / total
    client = sum(r["weight"] * r["client_ms"] for r in costs.values()) / total
    cores = os.cpu_count() or 1
    capacity = cores * 1000 / (server + client)
    print(
        f"the mix, warm: {server:.2f} ms of server CPU + {client:.2f} ms of client CPU a"
        f" request; {cores} cores fit about {capacity:,.0f} requests/s"
    )
    return {"server_ms": server, "client_ms": client, "capacity_rps": capacity}


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
    parser.add_argument(
        "--client-processes",
        type=int,
        default=os.cpu_count() or 1,
        help="processes the clients are spread over (default: one per core)",
    )
    parser.add_argument(
        "--cost",
        type=int,
        metavar="N",
        help="instead of the load: each kind's CPU per request (server and client), N each",
    )
    args = parser.parse_args()
    if args.cost:
        return cost_main(args)

    with served(args) as (base, data, pid):
        base_stats = asyncio.run(baseline(base, data, args.baseline_rounds))
        load_before = os.getloadavg()
        server_before = tree_cpu(pid)
        load_stats, elapsed, client_cpu = loaded(
            base, data, args.clients, args.seconds, args.client_processes
        )
        server_cpu = tree_cpu(pid) - server_before
        load_after = os.getloadavg()
    figures = report(base_stats, load_stats, args.clients, elapsed, args.workers)
    figures["client_cpu_seconds"] = client_cpu
    figures["server_cpu_seconds"] = server_cpu
    n = max(1, figures["requests"])
    cores = os.cpu_count() or 1
    figures["capacity_rps"] = cores * n / (server_cpu + client_cpu)
    print(
        f"CPU in {elapsed:.1f} s: the server {server_cpu:.1f} s ({server_cpu / n * 1000:.2f} ms"
        f" a request), the clients ({args.client_processes} processes) {client_cpu:.1f} s"
        f" ({client_cpu / n * 1000:.2f} ms a request): {cores} cores to themselves would"
        f" serve about {figures['capacity_rps']:,.0f} requests/s"
    )
    # the machine may be shared: the figures mean little without how busy it was
    figures["load_average"] = {"before": load_before, "after": load_after}
    print(
        f"load average (1, 5, 15 min) before {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after {', '.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} CPUs"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 1 if figures["errors"] else 0


@contextlib.contextmanager
def served(args: argparse.Namespace) -> Iterator[tuple[str, Data, int]]:
    """A server on the store asked for (the bundled data loaded first without one), its
    caches warmed by one round of every kind: (base URL, the ids it serves, its pid)."""
    with tempfile.TemporaryDirectory(prefix="govgraph-load-") as tmp:
        url = prepare_store(args.store, Path(tmp))
        port = args.port or free_port()
        proc = start_server(url, port, args.workers, args.threads)
        base = f"http://127.0.0.1:{port}"
        try:
            data = asyncio.run(discover(base))
            asyncio.run(baseline(base, data, 1))  # warm caches (findings, parsed documents)
            yield base, data, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def cost_main(args: argparse.Namespace) -> int:
    with served(args) as (base, data, pid):
        load_before = os.getloadavg()
        costs = asyncio.run(cost(base, data, args.cost, pid))
        load_after = os.getloadavg()
    figures: dict[str, Any] = {"kinds": costs, "mix": cost_report(costs)}
    figures["load_average"] = {"before": load_before, "after": load_after}
    print(
        f"load average (1, 5, 15 min) before {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after {', '.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} CPUs"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 1 if any(r["errors"] for r in costs.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
