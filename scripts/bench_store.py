"""`make bench`: the store backends at 10^4, 10^5 and 10^6 triples (10^7 with --big).

    .venv/bin/python scripts/bench_store.py            # about 10 minutes
    .venv/bin/python scripts/bench_store.py --sizes 10000 --backends embedded   # quick
    .venv/bin/python scripts/bench_store.py --big      # adds 10^7 (long; about 8 GB RAM)

For each size it generates a synthetic landscape (``govgraph generate``) and, per backend
(embedded on disk, memory, a real ``oxigraph serve`` on loopback), measures in a fresh
process: the first load through ``Store.replace_graph`` against pyoxigraph's own
``bulk_load`` of the same N-Triples into the same kind of store (a disk store for the
remote server, which keeps its data on disk), a reload, reasoning, SHACL (small sizes),
raw SPARQL against GraphQL latency in process and over HTTP to a real uvicorn worker, and the
process's peak memory. The embedded store is then reopened in a new process and timed to
its first answer, and the overlap report and maps are timed on it. A table is printed and
the figures go to bench/results-<date>.md and .json with the versions and the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
GRAPH_IRI = "https://w3id.org/govgraph/graph/synthetic"
GOALS = {"load_ratio": 0.7, "http_p50_ms_1e6": 2.0, "http_p50_ms_1e7": 3.0,
         "graphql_cost_ms": 0.5, "reopen_s": 0.5, "peak_mb_1e6": 2048}  # fmt: skip
BACKENDS = ("embedded", "memory", "remote")


# --- workers: each runs in its own process, prints one JSON object ---------------------------


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_baseline(args: argparse.Namespace) -> dict[str, Any]:
    import pyoxigraph as ox

    data = Path(args.data).read_bytes()
    graph = ox.NamedNode(GRAPH_IRI)
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        store = ox.Store(tmp) if args.kind == "disk" else ox.Store()
        started = time.perf_counter()
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        if args.kind == "disk":
            store.flush()
        seconds = time.perf_counter() - started
        del store
    return {"seconds": seconds, "peak_mb": peak_mb()}


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


BUDGET_S = 8.0
"""Longest time spent on one latency figure: slow queries get fewer (at least 20) samples."""


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    for _ in range(min(10, n)):
        fn()
    out: list[float] = []
    deadline = time.perf_counter() + BUDGET_S
    while len(out) < n and (len(out) < 20 or time.perf_counter() < deadline):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def contract(store: Any) -> list[tuple[str, str, Callable[[Any], Any]]]:
    """(name, GraphQL, the graph/ calls its resolvers make) for three contract queries."""
    from rdflib import URIRef

    from govgraph.graph.analysis import chains
    from govgraph.graph.facts import entities
    from govgraph.graph.facts.organisations import page_keys

    row = store.select_one(
        "SELECT ?e WHERE { ?e a gg:ExecutiveNDPB ; gg:sponsoredBy ?d ; gg:fundedBy ?f } "
        "ORDER BY ?e LIMIT 1"
    )
    org = URIRef(str(row["e"]))
    oid = entities.entity_id(str(org))

    def chain(s: Any) -> Any:
        found = chains.accountability_chain(s, org)
        return entities.get_entities(s, [org, *[URIRef(h.target) for h in found.hops]])

    def page(s: Any) -> Any:
        keys, _ = page_keys(s, 20)
        return entities.get_entities(s, [k for k, _ in keys])

    return [
        ("lookup", f'{{ organisation(id: "{oid}") {{ id name type aliases }} }}',
         lambda s: entities.get_entities(s, [org])),
        ("chain", f'{{ accountabilityChain(id: "{oid}") {{ hops {{ depth kind from {{ id }} '
         "to { id name } } } }", chain),
        ("page", "{ organisations(first: 20) { totalCount edges { node { id name type } } } }",
         page),
    ]  # fmt: skip


def graphql_in_process(store: Any, text: str, n: int) -> list[float]:
    from anyio import CapacityLimiter

    from govgraph.api.context import Context
    from govgraph.api.schema import build_schema
    from govgraph.api.settings import Settings

    schema = build_schema(Settings())
    limiter = CapacityLimiter(4)

    async def go() -> list[float]:
        out: list[float] = []
        deadline = time.perf_counter() + BUDGET_S
        for k in range(n + 10):
            start = time.perf_counter()
            result = await schema.execute(text, context_value=Context(store=store, limiter=limiter))
            if k >= 10:
                out.append((time.perf_counter() - start) * 1000)
            assert not result.errors, result.errors
            if len(out) >= 20 and time.perf_counter() > deadline:
                break
        return out

    return asyncio.run(go())


def worker_load(args: argparse.Namespace) -> dict[str, Any]:
    from rdflib import URIRef

    from govgraph.graph.checks.ontology_graph import load_ontology
    from govgraph.graph.checks.reasoning import materialise
    from govgraph.graph.storage.store import open_store

    data = Path(args.data).read_bytes()
    out: dict[str, Any] = {}
    store = open_store(args.store)
    graph = URIRef(GRAPH_IRI)
    start = time.perf_counter()
    out["triples"] = store.replace_graph(graph, data)
    if hasattr(store, "_store") and store.url != "memory:":
        store._store.flush()  # count what reaches the disk, as bulk_load's figure does
    out["load_s"] = time.perf_counter() - start
    if args.reload:
        start = time.perf_counter()
        store.replace_graph(graph, data)
        out["reload_s"] = time.perf_counter() - start
    start = time.perf_counter()
    load_ontology(store)
    out["inferred"] = materialise(store)
    out["reasoning_s"] = time.perf_counter() - start
    if args.shacl:
        from govgraph.graph.checks.validation import validate

        start = time.perf_counter()
        report = validate(store)
        out["shacl_s"], out["shacl_conforms"] = time.perf_counter() - start, report.conforms
    out["quads"] = store.count()
    out["queries"] = {}
    for name, text, raw in contract(store):
        raw_ms = percentiles(timed(lambda raw=raw: raw(store), args.n))  # type: ignore[misc]
        gql_ms = percentiles(graphql_in_process(store, text, args.n))
        out["queries"][name] = {"raw": raw_ms, "graphql": gql_ms, "text": text}
    queries = [(name, v["text"]) for name, v in out["queries"].items()]
    if args.backend == "memory":  # the server process needs its own copy of the data
        serve_store = None
    else:
        store.close()
        serve_store = args.store
    out["peak_mb"] = peak_mb()
    out["http"] = http_latency(args, serve_store, queries)
    return out


# --- HTTP: a real uvicorn worker in its own process ------------------------------------------


def worker_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from govgraph.api.app import create_app
    from govgraph.api.settings import Settings
    from govgraph.graph.storage.store import open_store

    if args.store and args.store.startswith("oxigraph:"):
        from govgraph.graph.storage.oxigraph_store import OxigraphStore

        store: Any = OxigraphStore(Path(args.store.removeprefix("oxigraph:")), read_only=True)
    elif args.store:
        store = open_store(args.store)
    else:
        from govgraph.graph.checks.ontology_graph import load_ontology
        from govgraph.graph.checks.reasoning import materialise

        store = open_store("memory:")
        from rdflib import URIRef

        store.replace_graph(URIRef(GRAPH_IRI), Path(args.data).read_bytes())
        load_ontology(store)
        materialise(store)
    print("ready", flush=True)
    uvicorn.run(create_app(store, settings=Settings()), host="127.0.0.1", port=args.port,
                log_level="warning", access_log=False, server_header=False)  # fmt: skip


class RawClient:
    """A keep-alive HTTP/1.1 client that costs far less than the server it measures."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, request: bytes) -> bytes:
        self.sock.sendall(request)
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.sock.recv(65536)
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(rest) < length:
            rest += self.sock.recv(65536)
        self.buf = rest[length:]
        if not head.startswith(b"HTTP/1.1 200") or b'"errors"' in rest[:length]:
            raise RuntimeError(head.decode() + rest[:length].decode())
        return rest[:length]


def http_latency(
    args: argparse.Namespace, store: str | None, queries: list[tuple[str, str]]
) -> dict[str, Any]:
    port = free_port()
    cmd = [sys.executable, __file__, "--worker", "serve", "--port", str(port), "--data", args.data]
    if store:
        cmd += ["--store", store]
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            raise RuntimeError("the API server did not start")
        deadline = time.monotonic() + 60
        while True:
            try:
                client = RawClient(port)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        out = {}
        for name, text in queries:
            body = json.dumps({"query": text}).encode()
            request = (
                f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            out[name] = percentiles(timed(lambda r=request: client.send(r), args.n))  # type: ignore[misc]
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- the embedded store after the load: reopen, analyses, maps --------------------------------


def worker_reopen(args: argparse.Namespace) -> dict[str, Any]:
    start = time.perf_counter()
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    imported = time.perf_counter() - start
    start = time.perf_counter()
    store = OxigraphStore(Path(args.store.removeprefix("oxigraph:")))
    store.select("SELECT ?n WHERE { ?e a gg:ExecutiveNDPB ; skos:prefLabel ?n } LIMIT 1")
    seconds = time.perf_counter() - start
    store.close()
    return {"seconds": seconds, "import_s": imported}


def worker_analyses(args: argparse.Namespace) -> dict[str, Any]:
    from govgraph.graph.storage.oxigraph_store import OxigraphStore

    store = OxigraphStore(Path(args.store.removeprefix("oxigraph:")), read_only=True)
    out: dict[str, Any] = {}
    try:
        from govgraph.graph.analysis.overlaps import compute_findings
    except ImportError as exc:
        out["overlaps"] = f"skipped: {exc}"
    else:
        start = time.perf_counter()
        found = compute_findings(store)
        out["overlaps_s"], out["findings"] = time.perf_counter() - start, len(found)
    out["overlaps_peak_mb"] = peak_mb()
    try:
        from govgraph.visualisations.maps import build_map, render_html
    except ImportError as exc:
        out["maps"] = f"skipped: {exc}"
        return out
    focus = store.select_one(
        "SELECT ?e WHERE { ?e a gg:ExecutiveNDPB ; gg:sponsoredBy ?d } ORDER BY ?e LIMIT 1"
    )["e"]
    for kind, kwargs in (("ego", {"focus": str(focus), "depth": 2}), ("landscape", {})):
        if kind == "landscape" and args.size > 200_000:
            out["map_landscape"] = "skipped above 2x10^5 triples (force layout of every body)"
            continue
        start = time.perf_counter()
        model = build_map(store, kind, **kwargs)  # type: ignore[arg-type]
        html = render_html(model)
        out[f"map_{kind}_s"] = time.perf_counter() - start
        out[f"map_{kind}_nodes"], out[f"map_{kind}_bytes"] = len(model.nodes), len(html)
    out["peak_mb"] = peak_mb()
    return out


# --- the driver --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_worker(worker: str, timeout: float, **options: Any) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", worker]
    for key, value in options.items():
        if value is True:
            cmd.append(f"--{key}")
        elif value not in (None, False):
            cmd += [f"--{key}", str(value)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout:g} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


class OxigraphServer:
    def __init__(self, location: Path) -> None:
        self.port = free_port()
        binary = Path(sys.executable).parent / "oxigraph"
        exe = str(binary) if binary.exists() else shutil.which("oxigraph")
        if exe is None:
            raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
        cmd = [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}"]
        self.proc = subprocess.Popen(
            [*cmd, "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port)).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"sparql+http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def bench_size(size: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from govgraph.graph.tools.generate import generate, organisations_for

    orgs = organisations_for(size)
    data = work / f"landscape-{size}.nt"
    start = time.perf_counter()
    landscape = generate(orgs, seed=1)
    data.write_bytes(landscape.ntriples())
    result: dict[str, Any] = {
        "size": size,
        "organisations": orgs,
        "asserted": len(landscape.lines),
        "generate_s": time.perf_counter() - start,
        "backends": {},
    }
    del landscape
    log(f"\n== {size:,} triples: {orgs:,} organisations, {result['asserted']:,} triples")
    timeout = 600 + size / 1000
    base = {
        kind: run_worker("baseline", timeout, data=data, kind=kind, tmp=work)
        for kind in ("disk", "memory")
    }
    result["bulk_load"] = base
    for backend in args.backends:
        server = None
        path = work / f"store-{size}"
        if backend == "embedded":
            url = f"oxigraph:{path}"
        elif backend == "memory":
            url = "memory:"
        else:
            server = OxigraphServer(work / f"server-{size}")
            url = server.url
        try:
            found = run_worker(
                "load", timeout, data=data, store=url, backend=backend, n=args.n,
                reload=size <= args.reload_max, shacl=size <= args.shacl_max, tmp=work,
            )  # fmt: skip
        finally:
            if server:
                server.stop()
        kind = "memory" if backend == "memory" else "disk"
        bulk = base[kind].get("seconds")
        if bulk and "load_s" in found:
            found["load_ratio"] = bulk / found["load_s"]
            found["bulk_load_s"] = bulk
        if backend == "embedded" and "error" not in found:
            found["reopen"] = min(
                (run_worker("reopen", 120, store=url) for _ in range(3)),
                key=lambda r: r.get("seconds", 1e9),
            )
            found["analyses"] = run_worker("analyses", args.analyses_timeout, store=url, size=size)
        result["backends"][backend] = found
        log(summary_line(backend, found))
        shutil.rmtree(path, ignore_errors=True)
        shutil.rmtree(work / f"server-{size}", ignore_errors=True)
    data.unlink()
    return result


def summary_line(backend: str, r: dict[str, Any]) -> str:
    if "error" in r:
        return f"  {backend:<9} error: {r['error']}"
    q = r["queries"]
    http = r.get("http", {})
    return (
        f"  {backend:<9} load {r['load_s']:.2f}s ({r['triples'] / r['load_s'] / 1000:.0f}k/s, "
        f"{r.get('load_ratio', 0):.2f}x bulk) reasoning {r['reasoning_s']:.1f}s  "
        f"lookup raw/gql/http p50 {q['lookup']['raw'][0]:.2f}/{q['lookup']['graphql'][0]:.2f}/"
        f"{http.get('lookup', [float('nan')])[0]:.2f} ms  peak {r['peak_mb']:.0f} MB"
    )


def log(text: str) -> None:
    print(text, flush=True)


def machine() -> dict[str, Any]:
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as f:
        mem_kb = int(f.readline().split()[1])
    oxigraph = subprocess.run(
        [str(Path(sys.executable).parent / "oxigraph"), "--version"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "versions": {
            p: version(p)
            for p in ("pyoxigraph", "rdflib", "strawberry-graphql", "starlette", "uvicorn", "httpx")
        }
        | {"oxigraph server": oxigraph},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--big", action="store_true", help="add 10^7 triples")
    parser.add_argument("--backends", nargs="*", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("-n", "--n", type=int, default=200, help="repetitions per latency figure")
    parser.add_argument("--reload-max", type=int, default=100_000, help="time reloads up to")
    parser.add_argument("--shacl-max", type=int, default=10_000, help="time SHACL up to")
    parser.add_argument("--analyses-timeout", type=float, default=300)
    parser.add_argument("--out", type=Path, default=BENCH)
    # worker options
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    for name in ("data", "store", "kind", "backend", "tmp"):
        parser.add_argument(f"--{name}", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--reload", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--shacl", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker == "serve":
        worker_serve(args)
        return
    if args.worker:
        fn = {"baseline": worker_baseline, "load": worker_load, "reopen": worker_reopen,
              "analyses": worker_analyses}[args.worker]  # fmt: skip
        print(json.dumps(fn(args)))
        return

    sizes = sorted(set(args.sizes + ([10_000_000] if args.big else [])))
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
               "machine": machine(), "goals": GOALS, "sizes": []}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="govgraph-bench-") as tmp:
        for size in sizes:
            results["sizes"].append(bench_size(size, args, Path(tmp)))
    results["total_s"] = time.perf_counter() - started
    from bench_report import markdown  # scripts/bench_report.py, beside this file

    stem = args.out / f"results-{dt.date.today().isoformat()}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    text = markdown(results)
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    log("\n" + text)
    log(f"written: {stem}.md and .json ({results['total_s'] / 60:.1f} min)")


if __name__ == "__main__":
    main()
