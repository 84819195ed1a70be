"""Any RDF file a user already has: Turtle, N-Triples, N3, JSON-LD or RDF/XML.

The format comes from the file extension (:data:`FORMATS`). The file's triples go into
their own named graph unchanged, so it is the user's job to use govgraph's vocabulary
(``gg:``) if the data should show up in maps and queries.

Safety: parsing never touches the network. A JSON-LD document whose ``@context`` (or
``@import``) names a remote or any other external document is rejected before rdflib
sees it; use an inline context instead. Syntax errors report the line and column where
the parser gives them (Turtle, N3, JSON), or the line (N-Triples).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from xml.sax import SAXParseException

from rdflib import Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from govgraph.graph.core.text import short_repr
from govgraph.graph.errors import SourceError
from govgraph.loaders.base import Loader, SourceInfo, Triple, iri_problem, read_source_text
from govgraph.loaders.resolve import Resolver
from govgraph.ontology.terms import slugify

FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}

MAX_LITERAL_CHARS = 1_000_000
"""The longest literal an RDF source may hold: a million characters is a book, far beyond
any description or label, so a longer one is a mistake or an attack on memory."""


class RdfFileLoader(Loader):
    """An RDF file, loaded as is into a graph named after the file."""

    kind: ClassVar[str] = "rdf"

    @property
    def format(self) -> str:
        fmt = FORMATS.get(self.path.suffix.lower())
        if fmt is None:
            raise SourceError(
                f"unknown RDF file extension {short_repr(self.path.suffix)}; expected one of "
                + ", ".join(sorted(FORMATS)),
                file=str(self.path),
            )
        return fmt

    def info(self) -> SourceInfo:
        return SourceInfo(
            id="rdf-" + (slugify(self.path.stem) or "file"),
            title=self.path.name,
            origin=str(self.path),
            licence="as stated by the file's publisher",
        )

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        yield from self.parse()

    def parse(self) -> Graph:
        fmt = self.format
        text = read_source_text(self.path)
        if fmt == "json-ld":
            check_json_ld(text, self.path)
        if fmt == "xml" and (entity := re.search(r"<!ENTITY", text)):
            raise SourceError(
                "XML entity declarations are refused: they can read local files or expand "
                "without bound",
                file=str(self.path),
                line=text.count("\n", 0, entity.start()) + 1,
            )
        graph = Graph()
        try:
            graph.parse(data=text, format=fmt)
        except BadSyntax as exc:
            line, column = _position(text, exc)
            raise SourceError(
                f"{fmt} syntax error: {exc._why}", file=str(self.path), line=line, column=column
            ) from None
        except ParserError as exc:
            line = _first_bad_ntriples_line(text) if fmt == "nt" else None
            raise SourceError(
                f"{fmt} syntax error: {exc}", file=str(self.path), line=line
            ) from None
        except SourceError:
            raise
        except SAXParseException as exc:
            raise SourceError(
                f"{fmt} syntax error: {exc.getMessage()}",
                file=str(self.path),
                line=exc.getLineNumber(),
                column=exc.getColumnNumber() + 1,
            ) from None
        except IndexError:  # rdflib's Turtle/N3 parser runs off the end of a cut-short file
            raise SourceError(
                f"{fmt} syntax error: the file ends in the middle of a statement",
                file=str(self.path),
                line=text.count("\n") + 1,
            ) from None
        except Exception as exc:  # rdflib's parsers raise many types on bad input
            raise SourceError(
                f"{fmt} could not be parsed (the parser failed with {type(exc).__name__}, {exc})",
                file=str(self.path),
            ) from None
        if len(graph) == 0:
            raise SourceError(
                "the file holds no triples: loading it would empty the source's graph",
                file=str(self.path),
                line=1,
            )
        check_terms(graph, text, self.path)
        return graph


def check_terms(graph: Graph, text: str, path: Path) -> None:
    """Refuse IRIs the store cannot hold (spaces, control characters); ``file:`` IRIs
    (an ``@base`` or prefix naming the loading machine's files: they mean nothing to anyone
    else and must never be followed); and literals over :data:`MAX_LITERAL_CHARS`."""
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and (problem := iri_problem(str(term))):
                raise SourceError(
                    f"not a valid IRI: {short_repr(str(term)[:80])} ({problem})",
                    file=str(path),
                    line=_line_of(text, str(term)) or _line_of(text, str(term)[:20]),
                )
            if isinstance(term, URIRef) and str(term).lower().startswith("file:"):
                line = _line_of(text, "file:")
                raise SourceError(
                    f"file: IRI {short_repr(str(term)[:80])} refused: IRIs in a source must "
                    "not name "
                    "local files (check @base and @prefix)",
                    file=str(path),
                    line=line,
                )
            if isinstance(term, Literal) and len(term) > MAX_LITERAL_CHARS:
                raise SourceError(
                    f"literal of {len(term):,} characters on <{triple[0]}> "
                    f"<{triple[1]}>; the limit is {MAX_LITERAL_CHARS:,}",
                    file=str(path),
                    line=_line_of(text, str(term)[:40]),
                    field=str(triple[1]),
                )


def _line_of(text: str, needle: str) -> int | None:
    index = text.lower().find(needle.lower())
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def check_json_ld(text: str, path: Path) -> None:
    """Refuse JSON-LD that would make the parser fetch a context from elsewhere."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno, column=exc.colno
        ) from None
    for where, value in _contexts(data, "$"):
        remote = _external(value)
        if remote:
            raise SourceError(
                f"remote JSON-LD context {short_repr(remote)} refused: govgraph never "
                "fetches documents "
                "while loading; put the context inline",
                file=str(path),
                field=where,
            )


def _contexts(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                yield f"{where}.@context", value
            yield from _contexts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _contexts(item, f"{where}[{i}]")


def _external(context: Any) -> str | None:
    """The first external reference in a context value, if any."""
    if isinstance(context, str):
        return context
    if isinstance(context, list):
        for item in context:
            if found := _external(item):
                return found
    if isinstance(context, dict):
        imported = context.get("@import")
        if isinstance(imported, str):
            return imported
        for value in context.values():  # scoped contexts inside term definitions
            found = _external(value.get("@context")) if isinstance(value, dict) else None
            if found:
                return found
    return None


def _position(text: str, exc: BadSyntax) -> tuple[int | None, int | None]:
    index = getattr(exc, "_i", None)
    if not isinstance(index, int):
        lines = getattr(exc, "lines", None)
        return (lines + 1 if isinstance(lines, int) else None), None
    data = text.encode("utf-8")
    before = data[:index]
    line = before.count(b"\n") + 1
    column = index - (before.rfind(b"\n") + 1) + 1
    return line, column


def _first_bad_ntriples_line(text: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            Graph().parse(data=line + "\n", format="nt")
        except Exception:
            return number
    return None
