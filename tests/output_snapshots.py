"""Every output of the bundled data, produced through the CLI exactly as a user asks for it,
so a refactoring can prove it changed none of them (issue #21: the layer move is checked
byte for byte against digests recorded before it).

``python -m tests.output_snapshots --update`` records the digests of today's outputs in
tests/snapshots/bundled.json (do it only when an output is meant to change, and say why in
the commit); ``--write DIR`` also writes each output to DIR, so two commits can be diffed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

from typer.testing import CliRunner

from govgraph.cli import app

MANIFEST = Path(__file__).parent / "snapshots" / "bundled.json"
SCENARIO = Path(__file__).parent / "fixtures" / "scenarios" / "inverclyde_merge.yaml"

GRAPHQL = {
    "page": "{ organisations(first: 20) { totalCount edges { cursor node { id name type } } "
    "pageInfo { hasNextPage endCursor } } }",
    "organisation": '{ organisation(id: "inverclyde-ijb") { id name type aliases '
    "relationships { kind direction counterpart { id name } start statutoryBasis "
    "sources { title locator url } } } }",
    "chain": '{ accountabilityChain(id: "inverclyde-council") { hops { depth kind readsAs '
    "from { id } to { id } sources { title locator } } tops { id } } }",
    "search": '{ organisations(filter: {search: "INVERCLYDE"}, first: 50, asOf: "2021-06-01") '
    "{ totalCount edges { cursor node { id name type } } pageInfo { hasNextPage endCursor } } }",
    "path": '{ path(from: "inverclyde-ijb", to: "scottish-government", maxLength: 6) '
    "{ length hops { kind readsAs from { name } to { name } } } }",
    "neighbourhood": '{ neighbourhood(id: "inverclyde-ijb", depth: 1) '
    "{ nodes { id } relationships { kind } } }",
    "actions": "{ actions(assessment: LITTLE_OR_NONE) { name leadOrganisations { id name } } }",
    "stats": "{ stats { types { type count } relationshipKinds { kind count } triples } }",
    "areas": "{ policyAreas { id name } priorityAreas { name } foundations { name } }",
    "overlaps": "{ overlaps(first: 40) { id kind score explanation subjects { id } "
    "evidence { __typename } } }",
    "reporting": "{ reportingLines { reporter { id name } receiver { id name } kind about "
    "frequency basis sources flags } }",
    "compare": '{ compare(a: "childrens-hearings-scotland", b: "scra") '
    "{ bodies { id name } rows { key heading shared cells { __typename } } } }",
}
"""GraphQL answers, as `govgraph query --graphql` prints them."""


def commands() -> Iterator[tuple[str, list[str]]]:
    """(output name, CLI arguments) for every output the snapshot covers."""
    for name, text in GRAPHQL.items():
        yield f"graphql-{name}.json", ["query", "--graphql", text]
    yield "graphql-as-of.json", ["query", "--graphql", GRAPHQL["page"], "--as-of", "2020-01-01"]
    for fmt in ("json", "csv", "md", "html"):
        yield f"overlaps.{fmt}", ["report", "overlaps", "-f", fmt, "-o", "-", "--no-timestamp"]
    yield "overlaps-2020.json", [
        "report", "overlaps", "-f", "json", "-o", "-", "--no-timestamp", "--as-of", "2020-01-01"
    ]  # fmt: skip
    for fmt in ("ttl", "nt", "jsonld", "graphml", "gexf", "csv"):
        yield f"export.{fmt}", ["export", "-f", fmt]
    for fmt in ("json", "md"):
        yield f"diff.{fmt}", [
            "report", "diff", "--from", "2019", "--to", "2024", "-f", fmt, "--no-timestamp"
        ]  # fmt: skip
        yield f"scenario.{fmt}", ["scenario", str(SCENARIO), "-f", fmt, "--no-timestamp"]
    maps = {
        "landscape": [],
        "overlap": [],
        "policy": [],
        "actions": [],
        "ego": ["--focus", "Inverclyde Council"],
        "accountability": ["--focus", "Inverclyde Integration Joint Board"],
    }
    for kind, extra in maps.items():
        for fmt in ("html", "svg"):
            yield f"map-{kind}.{fmt}", ["map", kind, "-o", "{out}", "-f", fmt, *extra]


def outputs(store_url: str, workdir: Path) -> Iterator[tuple[str, bytes]]:
    """Each output's name and bytes, from the CLI run in this process on ``store_url``."""
    runner = CliRunner(env={"GOVGRAPH_CACHE": str(workdir / "cache")})  # no layouts of old code
    for name, args in commands():
        out = workdir / name
        to_file = "{out}" in args
        args = [str(out) if a == "{out}" else a for a in args]
        result = runner.invoke(app, [*args, "--store", store_url], catch_exceptions=False)
        if result.exit_code != 0:
            raise AssertionError(f"{name}: exit {result.exit_code}: {result.output[-2000:]}")
        yield name, out.read_bytes() if to_file else result.stdout_bytes


LOAD_TIME = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?")
"""A load's own time (prov:generatedAtTime of each source graph): the one part of the
outputs that differs between two loads of the same data."""


def digest(data: bytes) -> str:
    return hashlib.sha256(LOAD_TIME.sub(b"<load time>", data)).hexdigest()


def main() -> None:
    from govgraph.graph.storage.store import open_store
    from govgraph.loaders.bundled import bundled_loaders
    from govgraph.loaders.pipeline import load_sources

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite the recorded digests")
    parser.add_argument("--write", type=Path, help="also write every output into this folder")
    parser.add_argument("--store", help="an oxigraph:PATH holding the bundled data")
    ns = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        url = ns.store
        if url is None:
            url = f"oxigraph:{tmp}/store"
            with open_store(url) as s:
                load_sources(s, bundled_loaders(), validate=False, progress=False)
        work = ns.write or Path(tmp) / "out"
        work.mkdir(parents=True, exist_ok=True)
        recorded = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
        found = {}
        for name, data in outputs(url, work):
            found[name] = digest(data)
            if ns.write:
                (ns.write / name).write_bytes(data)
            mark = "same" if recorded.get(name) == found[name] else "CHANGED"
            print(f"{mark:8} {name} ({len(data):,} bytes)")
        if ns.update:
            MANIFEST.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
            print(f"recorded {len(found)} digests in {MANIFEST}")


if __name__ == "__main__":
    main()
