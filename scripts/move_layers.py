"""Move graph/'s flat modules into layer subpackages, and rewrite every reference to them.

Issue #21 point 1: ``graph/`` held ~45 modules of six kinds side by side. This script is the
one record of where each went (``MOVES``), so the move can be replayed on code written at
the old paths while it happened:

    python scripts/move_layers.py                 # git mv every module, then rewrite
    python scripts/move_layers.py --rewrite-only  # only rewrite old paths to new (idempotent)
    python scripts/move_layers.py --resolve       # in a merge: settle the move's conflicts

Merging a branch written at the old paths (rehearsed on the diffs, mypy and schemas
branches): ``git merge BRANCH``; ``--resolve`` settles every conflict where one side only
moved paths (it takes the other side, rewritten); resolve what it lists by hand; then the
full run, which moves only modules still at an old place (one the branch added, such as
``PENDING``'s) and rewrites the new code the merge brought in cleanly; commit.

The rewrite covers imports (``from govgraph.graph.store import Store``, ``from govgraph.graph
import entities, chains``), every dotted ``govgraph.graph.<module>`` string (monkeypatch
targets, docstrings, docs), file paths (``graph/store.py``, ``graph/queries/*.rq``) and the
package lists of pyproject.toml, across every tracked text file: code, tests, scripts, docs.
Rewritten Python files then get ruff's import sort and format, so the result lints clean.
``--rewrite-only`` also lists files still at an old path (a module someone added or edited
at its old place), which need a ``git mv`` by hand.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAYERS: dict[str, str] = {
    "core": "The shared core every layer may use and which uses no other layer: errors, "
    "names, dates, ids, numbers, text, CSV, XSD, the YAML reader.",
    "storage": "The store layer: the Store interface and its backends, the SPARQL files and "
    "their binding, the ad-hoc query sandbox and guard. Imports only the core and the "
    "ontology's terms.",
    "checks": "Checks and inferences over what is stored: the ontology graph, SHACL "
    "validation, the OWL consistency check and materialised reasoning.",
    "facts": "The read layer: entities, organisations, relationships, search and the facts "
    "the maps, plan and route maps show, as records read through the store layer.",
    "analysis": "Analyses computed from the facts: overlaps and findings, scenarios, impact, "
    "chains, snapshots, comparison, reporting, coverage, route-map checks, the front door.",
    "tools": "Tools over the whole store: the synthetic landscape generator and the exports.",
}
"""The layer subpackages of ``graph/`` (bottom to top), each with its package docstring."""

MOVES: dict[str, str] = {
    # core: what every layer may use
    "errors": "core",
    # storage: backends, SPARQL files and binding, sandbox, guard
    "store": "storage",
    "oxigraph_store": "storage",
    "remote_store": "storage",
    "virtuoso_store": "storage",
    "versioned_store": "storage",
    "queries": "storage",
    "sandbox": "storage",
    "sparql_guard": "storage",
    "integrity": "storage",
    # checks: ontology graph, SHACL, OWL, reasoning
    "ontology_graph": "checks",
    "validation": "checks",
    "owl_check": "checks",
    "reasoning": "checks",
    # facts: the read layer
    "records": "facts",
    "relationships": "facts",
    "entities": "facts",
    "organisations": "facts",
    "search": "facts",
    "map_queries": "facts",
    "plan_queries": "facts",
    "figures": "facts",
    "route_maps": "facts",
    # analysis
    "findings": "analysis",
    "scope": "analysis",
    "chains": "analysis",
    "overlap_facts": "analysis",
    "overlap_accountability": "analysis",
    "overlap_leadership": "analysis",
    "overlap_membership": "analysis",
    "overlap_rationalise": "analysis",
    "overlap_recommend": "analysis",
    "overlap_remit": "analysis",
    "overlaps": "analysis",
    "snapshot": "analysis",
    "scenario": "analysis",
    "impact_model": "analysis",
    "impact": "analysis",
    "compare": "analysis",
    "reporting": "analysis",
    "coverage": "analysis",
    "coverage_ledger": "analysis",
    "coverage_measure": "analysis",
    "coverage_sections": "analysis",
    "route_checks": "analysis",
    "front": "analysis",
    "scenario_schema": "analysis",  # added at the old place by the schemas branch
    # tools
    "generate": "tools",
    "export": "tools",
}
"""Old module (``govgraph.graph.<name>``) -> its layer (``govgraph.graph.<layer>.<name>``)."""

PENDING = frozenset({"scenario_schema"})
"""Modules another branch adds at the old place while the move happens: the full run moves
them once they are merged (it moves only what exists, so running it again is safe)."""

DIRECTORY_MOVES = {"queries": "storage"}
"""Old folder of data files under graph/ -> its layer (the .rq files beside queries.py)."""

TEXT_SUFFIXES = {
    ".py",
    ".md",
    ".toml",
    ".rq",
    ".yaml",
    ".yml",
    ".txt",
    ".cfg",
    ".ini",
    ".html",
    ".j2",
    ".graphql",
    ".sh",
}
TEXT_NAMES = {"Makefile", "run", ".importlinter"}
SKIP_PREFIXES = ("tests/snapshots/", "tests/vendor/", "api/static/", "visualisations/static/")
"""Recorded digests and vendored third-party files are never rewritten."""
SKIP_FILES = {"scripts/move_layers.py", "tests/test_architecture_checklists.py"}
"""This script and its test, which spell old paths on purpose."""

_NAMES = "|".join(sorted(MOVES, key=len, reverse=True))
DOTTED = re.compile(rf"\bgovgraph\.graph\.({_NAMES})(?![\w])")
FILE_PATH = re.compile(rf"(?<![\w.-])graph/({_NAMES})\.py\b")
FOLDER_PATH = re.compile(
    rf"(?<![\w.-])graph/({'|'.join(DIRECTORY_MOVES)})(?![\w.])",
)
FROM_GRAPH = re.compile(
    r"^(?P<indent>[ \t]*)from govgraph\.graph import "
    r"(?P<names>\((?:[^()#]*)\)|[^\n#()]+?)(?P<tail>[ \t]*(?:#[^\n]*)?)$",
    re.MULTILINE,
)


def _from_graph(match: re.Match[str]) -> str:
    """``from govgraph.graph import a, b as c`` split by each name's new package."""
    names = [n.strip() for n in match["names"].strip("()").replace("\n", " ").split(",")]
    names = [n for n in names if n]
    if not any(n.split()[0] in MOVES for n in names):
        return match.group(0)
    groups: dict[str, list[str]] = {}
    for name in names:
        layer = MOVES.get(name.split()[0])
        groups.setdefault(f"govgraph.graph.{layer}" if layer else "govgraph.graph", []).append(name)
    indent, tail = match["indent"], match["tail"]
    lines = [f"{indent}from {pkg} import {', '.join(group)}" for pkg, group in groups.items()]
    lines[0] += tail
    return "\n".join(lines)


def rewrite_text(text: str) -> str:
    """Every old module path in ``text`` replaced by its new one; running it twice changes
    nothing more, since no new path contains an old one."""
    text = FROM_GRAPH.sub(_from_graph, text)
    text = DOTTED.sub(lambda m: f"govgraph.graph.{MOVES[m[1]]}.{m[1]}", text)
    text = FILE_PATH.sub(lambda m: f"graph/{MOVES[m[1]]}/{m[1]}.py", text)
    return FOLDER_PATH.sub(lambda m: f"graph/{DIRECTORY_MOVES[m[1]]}/{m[1]}", text)


def rewrite_pyproject(text: str) -> str:
    """The layer subpackages declared, and the query files packaged from their new folder."""
    text = rewrite_text(text)
    anchor = '    "govgraph.graph.core",\n'
    for layer in reversed(LAYERS):
        entry = f'    "govgraph.graph.{layer}",\n'
        if layer != "core" and entry not in text and anchor in text:
            text = text.replace(anchor, anchor + entry, 1)
    for folder, layer in DIRECTORY_MOVES.items():
        text = re.sub(
            rf'^"govgraph\.graph" = \[(.*"{folder}/)',
            rf'"govgraph.graph.{layer}" = [\1',
            text,
            flags=re.MULTILINE,
        )
    return text


def tracked_text_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    files = []
    for rel in filter(None, out.split("\0")):
        path = ROOT / rel
        if rel.startswith(SKIP_PREFIXES) or rel in SKIP_FILES:
            continue
        if (path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES) and path.is_file():
            files.append(path)
    return files


def rewrite_all() -> list[Path]:
    """Rewrite every tracked text file; the files that changed."""
    changed = []
    for path in tracked_text_files():
        try:
            before = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        after = rewrite_pyproject(before) if path.name == "pyproject.toml" else rewrite_text(before)
        if after != before:
            path.write_text(after, "utf-8")
            changed.append(path)
    return changed


def tidy(paths: list[Path]) -> None:
    """ruff's import sort and format on the rewritten Python files (a split import or a
    longer path can leave them unsorted or over-long)."""
    py = [str(p) for p in paths if p.suffix == ".py"]
    ruff = _ruff()
    if not py or ruff is None:
        return
    subprocess.run(
        [ruff, "check", "--fix", "--select", "I", "--force-exclude", "-q", *py], cwd=ROOT
    )
    subprocess.run([ruff, "format", "--force-exclude", "-q", *py], cwd=ROOT, check=True)


def _ruff() -> str | None:
    return shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


RUFF_SETTINGS = ["--isolated", "--line-length", "100", "--target-version", "py311"]
"""pyproject.toml's ruff settings, given on the command line: in a merge pyproject.toml may
itself be in conflict, and ruff refuses to read it then."""
RUFF_SORT = ["--config", "lint.isort.known-first-party=['govgraph']", "--select", "I", "--fix"]
RUFF_SORT += ["--exit-zero"]


def tidy_text(text: str, rel: str) -> str:
    """``text`` as :func:`tidy` would leave the file ``rel`` (a Python file: imports sorted
    and formatted by ruff; anything else as it is)."""
    ruff = _ruff()
    if not rel.endswith(".py") or ruff is None:
        return text
    for args in (["check", *RUFF_SETTINGS, *RUFF_SORT], ["format", *RUFF_SETTINGS]):
        done = subprocess.run(
            [ruff, *args, "-q", "--stdin-filename", rel, "-"],
            cwd=ROOT,
            input=text.encode("utf-8"),
            capture_output=True,
        )
        if done.returncode == 0:
            text = done.stdout.decode("utf-8")
    return text


def _blob(sha: str) -> str:
    return subprocess.run(
        ["git", "cat-file", "blob", sha], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode("utf-8")


def resolve() -> list[str]:
    """Settle merge conflicts the move alone caused; the conflicted files left to a person.

    During ``git merge`` of this branch with one written at the old paths, a file in
    conflict whose one side is nothing but the other's common ancestor moved (rewritten and
    tidied) takes the other side's text, rewritten. Anything else (both sides really
    edited) is listed, untouched."""
    listing = subprocess.run(
        ["git", "ls-files", "-u", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    stages: dict[str, dict[int, str]] = {}
    for entry in filter(None, listing.split("\0")):
        meta, rel = entry.split("\t", 1)
        _mode, sha, stage = meta.split()
        stages.setdefault(rel, {})[int(stage)] = sha
    left = []
    for rel, by_stage in sorted(stages.items()):
        if set(by_stage) != {1, 2, 3}:
            left.append(rel)
            continue
        try:
            base, ours, theirs = (_blob(by_stage[i]) for i in (1, 2, 3))
        except UnicodeDecodeError:
            left.append(rel)
            continue
        moved = tidy_text(rewrite_text(base), rel)
        if moved == theirs:
            text = ours
        elif moved == ours:
            text = theirs
        else:
            left.append(rel)
            continue
        (ROOT / rel).write_text(tidy_text(rewrite_text(text), rel), "utf-8")
        subprocess.run(["git", "add", rel], cwd=ROOT, check=True)
        print(f"resolved {rel}")
    return left


def git_mv(src: str, dst: str) -> None:
    subprocess.run(["git", "mv", src, dst], cwd=ROOT, check=True)


def move() -> None:
    """``git mv`` each module into its layer, creating the layer packages."""
    graph = ROOT / "graph"
    for layer, doc in LAYERS.items():
        folder = graph / layer
        folder.mkdir(exist_ok=True)
        init = folder / "__init__.py"
        if not init.exists():
            body = textwrap.fill(doc, 92)
            init.write_text(f'"""{body}\n"""\n' if "\n" in body else f'"""{body}"""\n', "utf-8")
            subprocess.run(["git", "add", str(init)], cwd=ROOT, check=True)
    for name, layer in MOVES.items():
        if (graph / f"{name}.py").exists():
            git_mv(f"graph/{name}.py", f"graph/{layer}/{name}.py")
    for folder, layer in DIRECTORY_MOVES.items():
        old = graph / folder
        if not (graph / layer / folder).exists() and old.is_dir():
            git_mv(f"graph/{folder}", f"graph/{layer}/{folder}")
            continue
        for path in sorted(p for p in old.rglob("*") if p.is_file()):  # files added since
            target = graph / layer / path.relative_to(graph)
            target.parent.mkdir(parents=True, exist_ok=True)
            git_mv(str(path.relative_to(ROOT)), str(target.relative_to(ROOT)))


def leftovers() -> list[str]:
    """Files still at an old place: a moved module re-created there, a new module in
    graph/'s top level, or a query file in the old folder."""
    graph = ROOT / "graph"
    out = [str(p.relative_to(ROOT)) for p in sorted(graph.glob("*.py")) if p.name != "__init__.py"]
    for folder in DIRECTORY_MOVES:
        out += [
            str(p.relative_to(ROOT)) for p in sorted((graph / folder).rglob("*")) if p.is_file()
        ]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rewrite-only",
        action="store_true",
        help="only rewrite old module paths to new ones (idempotent); move nothing",
    )
    parser.add_argument(
        "--resolve",
        action="store_true",
        help="during a merge: settle the conflicts the move alone caused, list the rest",
    )
    args = parser.parse_args(argv)
    if args.resolve:
        for rel in resolve():
            print(f"still in conflict (resolve by hand): {rel}", file=sys.stderr)
        return 0
    if not args.rewrite_only:
        move()
    changed = rewrite_all()
    tidy(changed)
    for path in changed:
        print(f"rewrote {path.relative_to(ROOT)}")
    left = leftovers()
    for rel in left:
        print(f"still at an old path (move it by hand): {rel}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
