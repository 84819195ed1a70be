"""SPARQL lives in .rq files beside this module; this reads them once."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def query(name: str) -> str:
    """The text of ``queries/<name>.rq``."""
    return resources.files("govgraph.graph").joinpath("queries", f"{name}.rq").read_text("utf-8")
