"""The one loader interface: a source becomes triples in its own named graph.

A loader is a small class with one generator method, :meth:`Loader.triples`. It validates
its input up front and raises :class:`~govgraph.graph.errors.SourceError` naming the file,
line, column and field at fault. The pipeline (:mod:`govgraph.loaders.pipeline`) collects
the triples into a graph, adds the PROV-O description of the source, and swaps the graph
into the store atomically.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from rdflib import URIRef
from rdflib.term import Node

from govgraph.graph.errors import SourceError
from govgraph.loaders.resolve import Resolver
from govgraph.ontology.terms import GRAPH

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class SourceInfo:
    """What the provenance record says about a source."""

    id: str
    """Short stable id; the named graph is ``ggraph:<id>``."""
    title: str
    origin: str
    """Where it came from: a file name, a dataset folder or a URL."""
    licence: str
    publisher: str = ""
    published: str | None = None
    """ISO date the source was published or retrieved, as far as is known."""
    attribution: str = ""

    @property
    def graph(self) -> URIRef:
        return GRAPH[self.id]


@dataclass
class LoadNotes:
    """What a loader noticed along the way, for the load report."""

    unresolved: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Loader(ABC):
    """Turns one source into triples. Subclasses set ``kind`` and implement ``triples``."""

    kind: ClassVar[str]
    """Registry name, as used on the command line (``govgraph load KIND:PATH``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.notes = LoadNotes()

    @abstractmethod
    def info(self) -> SourceInfo:
        """The provenance description of this source."""

    @abstractmethod
    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        """Yield the source's triples; raise SourceError on bad input."""

    def unresolved(self, mention: str, where: str) -> None:
        self.notes.unresolved.append(f"{mention!r} ({where})")


def find_file(path: Path, *patterns: str, what: str, exclude: str | None = None) -> Path:
    """``path`` itself, or the newest (last by name) file in the folder ``path`` matching the
    first of ``patterns`` that matches anything; ``exclude`` drops names containing it."""
    if not path.is_dir():
        return path
    for pattern in patterns:
        found = sorted(p for p in path.glob(pattern) if not (exclude and exclude in p.name))
        if found:
            return found[-1]
    raise SourceError(f"no {what} in this folder", file=str(path))


def today() -> str:
    return dt.date.today().isoformat()
