"""SPARQL lives in .rq files beside this module; this reads them once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@cache
def query(name: str) -> str:
    """The text of ``queries/<name>.rq``."""
    return resources.files("govgraph.graph").joinpath("queries", f"{name}.rq").read_text("utf-8")


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    text: str


@cache
def examples() -> tuple[Example, ...]:
    """The example queries the SPARQL page offers (``queries/examples/*.rq``, in file-name
    order); each file's first comment line is its title."""
    folder = resources.files("govgraph.graph").joinpath("queries", "examples")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text("utf-8")
        first, _, rest = text.partition("\n")
        out.append(Example(entry.name[:-3], first.lstrip("# ").strip(), rest.strip() + "\n"))
    return tuple(out)
