"""SPARQL lives in .rq files beside this module; this reads them once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

FILTERS_SLOT = re.compile(r"^[ \t]*#[ \t]*FILTERS[ \t]*$", re.MULTILINE)
"""The line a query file marks where optional filter fragments go: its own line, any
indentation, so reformatting a file cannot silently drop every filter."""


@cache
def query(name: str) -> str:
    """The text of ``queries/<name>.rq``."""
    folder = resources.files("govgraph.graph.storage").joinpath("queries")
    return folder.joinpath(f"{name}.rq").read_text("utf-8")


def with_filters(name: str, fragments: list[str]) -> str:
    """``queries/<name>.rq`` with the fragments (each a whole ``.rq`` file's text, fixed
    query text whose user values arrive only as bound terms) in its one ``#FILTERS`` slot.

    A file without exactly one slot is a programming error, raised at once rather than
    answered unfiltered."""
    text = query(name)
    slots = FILTERS_SLOT.findall(text)
    if len(slots) != 1:
        raise ValueError(f"queries/{name}.rq has {len(slots)} #FILTERS lines; it needs one")
    body = "".join(f if f.endswith("\n") else f + "\n" for f in fragments)
    return FILTERS_SLOT.sub(lambda _: body.rstrip("\n"), text, count=1)


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    text: str


@cache
def examples() -> tuple[Example, ...]:
    """The example queries the SPARQL page offers (``queries/examples/*.rq``, in file-name
    order); each file's first comment line is its title."""
    folder = resources.files("govgraph.graph.storage").joinpath("queries", "examples")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text("utf-8")
        first, _, rest = text.partition("\n")
        out.append(Example(entry.name[:-3], first.lstrip("# ").strip(), rest.strip() + "\n"))
    return tuple(out)
