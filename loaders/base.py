"""The one loader interface: a source becomes triples in its own named graph.

A loader is a small class with one generator method, :meth:`Loader.triples`. It validates
its input up front and raises :class:`~govgraph.graph.core.errors.SourceError` naming the file,
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
from typing import BinaryIO, ClassVar

from rdflib import URIRef
from rdflib.term import Node

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.source_files import (
    DEFAULT_MAX_SOURCE_BYTES,
    MAX_SOURCE_BYTES_ENV,
    byte_limit,
    check_regular,
    check_source_file,
    check_text_bytes,
    decode_utf8,
    max_source_bytes,
    not_utf8,
    read_source_bytes,
    read_source_text,
)
from govgraph.graph.core.text import short_repr
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
    """The licence: an address, or the short codes of :data:`LICENCES` ("OGL-3.0",
    "CC-BY-4.0", several joined by ';'); published as IRIs (:func:`licence_iris`)."""
    publisher: str = ""
    published: str | None = None
    """ISO date the source was published or retrieved, as far as is known."""
    attribution: str = ""
    url: str | None = None
    """The public address of the dataset or document, where there is one: published as
    ``dcterms:source``; without one the source's dataset IRI (``src:<id>``) stands in, never
    the local path it was read from."""
    derived_from: tuple[str, ...] = ()
    """IRIs of the documents the source's facts were taken from (``prov:wasDerivedFrom``),
    besides its own origin."""

    @property
    def graph(self) -> URIRef:
        return GRAPH[self.id]


LICENCES = {
    "OGL-3.0": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
"""Licence codes the loaders use, and the address each stands for."""


def licence_iris(text: str) -> list[str]:
    """The licence addresses a licence statement names: itself if it is an address, else
    each code of :data:`LICENCES` it mentions ("OGL-3.0; council names CC-BY-4.0")."""
    if text.startswith(("https://", "http://")) and " " not in text:
        return [text]
    return [iri for code, iri in LICENCES.items() if code in text]


@dataclass
class LoadNotes:
    """What a loader noticed along the way, for the load report."""

    unresolved: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Loader(ABC):
    """Turns one source into triples. Subclasses set ``kind`` and implement ``triples``."""

    kind: ClassVar[str]
    """Registry name, as used on the command line (``govgraph load KIND:PATH``)."""
    graph_ids: ClassVar[tuple[str, ...]] = ()
    """Source ids (graphs) only this kind may write, e.g. ``curated``: a source of another
    kind claiming one would silently replace that data."""
    graph_prefix: ClassVar[str | None] = None
    """An id prefix only this kind may use (``rdf-`` for RDF files named after their stem)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.notes = LoadNotes()

    @abstractmethod
    def info(self) -> SourceInfo:
        """The provenance description of this source."""

    @abstractmethod
    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        """Yield the source's triples; raise SourceError on bad input."""

    def write_ntriples(self, out: BinaryIO) -> set[str] | None:
        """Write the source's triples to ``out`` as N-Triples, for sources too large to hold
        in memory; returns the IRIs of the labelled subjects (the source's entities). None
        (the default) means the loader only yields :meth:`triples`."""
        return None

    def unresolved(self, mention: str, where: str) -> None:
        self.notes.unresolved.append(f"{short_repr(mention)} ({where})")


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


# reading source files lives in govgraph.graph.core.source_files (scenarios read them too)
__all__ = [
    "DEFAULT_MAX_SOURCE_BYTES",
    "MAX_SOURCE_BYTES_ENV",
    "byte_limit",
    "check_regular",
    "check_source_file",
    "check_text_bytes",
    "decode_utf8",
    "max_source_bytes",
    "not_utf8",
    "read_source_bytes",
    "read_source_text",
]


def iri_problem(iri: str) -> str | None:
    """Why the store would refuse ``iri`` (checked by Oxigraph's own IRI parser, so what
    passes here can always be written), or None when it is a valid absolute IRI."""
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as exc:
        return str(exc)
    return None
