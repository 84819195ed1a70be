"""Turn the figures of scripts/bench_store.py into the Markdown of bench/results-<date>.md."""

from __future__ import annotations

from typing import Any


def _f(value: Any, fmt: str = ".2f") -> str:
    return format(value, fmt) if isinstance(value, int | float) else "—"


def _pair(p: Any) -> str:
    return f"{p[0]:.2f} / {p[1]:.2f}" if isinstance(p, list | tuple) else "—"


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"# Store benchmark, {results['date']}",
        "",
        f"Machine: {m['cpu']} ({m['cpus']} CPUs), {m['memory_gb']} GB RAM; {m['platform']}; "
        f"Python {m['python']}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "Data: `govgraph generate` (seed 1). Remote: `oxigraph serve --location DIR "
        "--union-default-graph` on loopback. Every figure comes from a fresh process.",
        f"Total time: {results.get('total_s', 0) / 60:.1f} min.",
        "",
        "## Load",
        "",
        "First load = `Store.replace_graph` of the N-Triples into an empty store, flushed to disk;"
        " bulk_load = pyoxigraph's `Store.bulk_load` of the same bytes into the same kind of "
        "store (a disk store for the remote server). Reload = the same graph replaced again "
        "(atomic swap). Reasoning = ontology graph + materialised inferences.",
        "",
        "| triples | backend | first load s | k triples/s | bulk_load s | ratio | reload s "
        "| reasoning s | inferred | SHACL s | peak MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in results["sizes"]:
        for backend, r in size["backends"].items():
            if "error" in r:
                lines.append(f"| {size['asserted']:,} | {backend} | error: {r['error']} |")
                continue
            rate = r["triples"] / r["load_s"] / 1000
            lines.append(
                f"| {size['asserted']:,} | {backend} | {r['load_s']:.2f} | {rate:.0f} | "
                f"{_f(r.get('bulk_load_s'))} | {_f(r.get('load_ratio'))} | "
                f"{_f(r.get('reload_s'))} | {r['reasoning_s']:.2f} | {r['inferred']:,} | "
                f"{_f(r.get('shacl_s'))} | {r['peak_mb']:.0f} |"
            )
    lines += [
        "",
        "## Query latency (ms, p50 / p95)",
        "",
        "Raw = the graph/ calls the resolvers make, with conversion; GraphQL = strawberry "
        "`execute` in process; HTTP = POST /graphql to one uvicorn worker in another process, "
        "keep-alive loopback client. GraphQL's own cost = GraphQL p50 − raw p50.",
        "",
        "| triples | backend | query | raw | GraphQL | GraphQL's cost | HTTP |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for size in results["sizes"]:
        for backend, r in size["backends"].items():
            for name, q in r.get("queries", {}).items():
                cost = q["graphql"][0] - q["raw"][0]
                http = r.get("http", {}).get(name)
                lines.append(
                    f"| {size['asserted']:,} | {backend} | {name} | {_pair(q['raw'])} | "
                    f"{_pair(q['graphql'])} | {cost:.2f} | {_pair(http)} |"
                )
    lines += [
        "",
        "## Embedded store after the load",
        "",
        "| triples | reopen + first query s | overlap report s | findings | map ego s "
        "| map landscape s | peak MB (analyses) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in results["sizes"]:
        r = size["backends"].get("embedded", {})
        a = r.get("analyses", {})
        lines.append(
            f"| {size['asserted']:,} | {_f(r.get('reopen', {}).get('seconds'), '.3f')} | "
            f"{_f(a.get('overlaps_s'))} | {a.get('findings', '—')} | {_f(a.get('map_ego_s'))} |"
            f" {_f(a.get('map_landscape_s'))} | {_f(a.get('peak_mb'), '.0f')} |"
        )
        for key in ("error", "overlaps", "maps", "map_landscape"):
            if isinstance(a.get(key), str):
                lines.append(f"| | {key}: {a[key]} |")
    lines += ["", "## Goals", "", *goals(results)]
    return "\n".join(lines) + "\n"


def _verdict(value: float | None, goal: float, *, higher: bool = False) -> str:
    if value is None:
        return "not measured"
    if (value >= goal) if higher else (value <= goal):
        return "**met**"
    short = (goal - value) / goal if higher else (value - goal) / goal
    return f"**missed** by {short:.0%}"


def goals(results: dict[str, Any]) -> list[str]:
    g = results["goals"]
    out = []
    for size in results["sizes"]:
        n = size["asserted"]
        for backend, r in size["backends"].items():
            if "error" in r:
                continue
            if backend == "embedded":
                ratio = r.get("load_ratio")
                out.append(
                    f"- {n:,} triples, embedded load ≥ {g['load_ratio']}× bulk_load: "
                    f"{_f(ratio)}× — {_verdict(ratio, g['load_ratio'], higher=True)}"
                )
                reopen = r.get("reopen", {}).get("seconds")
                out.append(
                    f"- {n:,} triples, reopen + first query < {g['reopen_s']} s: "
                    f"{_f(reopen, '.3f')} s — {_verdict(reopen, g['reopen_s'])}"
                )
            big = size["size"] >= 10_000_000
            if size["size"] >= 1_000_000:
                goal = g["http_p50_ms_1e7"] if big else g["http_p50_ms_1e6"]
                for name in ("lookup", "chain"):
                    http = r.get("http", {}).get(name)
                    p50 = http[0] if http else None
                    out.append(
                        f"- {n:,} triples, {backend}, HTTP {name} p50 ≤ {goal} ms: "
                        f"{_f(p50)} ms — {_verdict(p50, goal)}"
                    )
                    q = r["queries"][name]
                    cost = q["graphql"][0] - q["raw"][0]
                    out.append(
                        f"- {n:,} triples, {backend}, GraphQL's own cost ({name}) ≤ "
                        f"{g['graphql_cost_ms']} ms: {cost:.2f} ms — "
                        f"{_verdict(cost, g['graphql_cost_ms'])}"
                    )
                if not big:
                    out.append(
                        f"- {n:,} triples, {backend}, peak memory < {g['peak_mb_1e6']} MB: "
                        f"{r['peak_mb']:.0f} MB — {_verdict(r['peak_mb'], g['peak_mb_1e6'])}"
                    )
    return out
