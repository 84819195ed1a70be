"""Any RDF file a user already has: Turtle, N-Triples, N3, JSON-LD or RDF/XML.

The format comes from the file extension (:data:`FORMATS`). The file's triples go into
their own named graph unchanged, so it is the user's job to use govgraph's vocabulary
(``gg:``) if the data should show up in maps and queries.

Turtle and N-Triples stream: Oxigraph's parser reads the file in chunks, every triple is
checked, and the checked triples are written to an N-Triples file that the store
bulk-loads, so memory does not grow with the file (no rdflib graph is built) and such a
file may be as large as :data:`DEFAULT_MAX_STREAM_BYTES`. JSON-LD, RDF/XML and N3 need
their whole document in memory (rdflib parses them) and stay under the 64 MiB per-file
limit of :func:`~govgraph.loaders.base.read_source_bytes`.

Safety: parsing never touches the network. A JSON-LD document whose ``@context`` (or
``@import``) names a remote or any other external document is rejected before rdflib
sees it; use an inline context instead. Syntax errors report the line and column where
the parser gives them. Every term is checked the same way whatever the format: IRIs the
store cannot hold, ``file:`` IRIs, literals over :data:`MAX_LITERAL_CHARS`, lone
surrogates and control characters, and typed literals that are not values of their XML
Schema datatype (``"2020-02-30"^^xsd:date``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, ClassVar
from xml.sax import SAXParseException

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import SKOS
from rdflib.plugins.parsers.notation3 import BadSyntax

from govgraph.graph.core.config import MAX_STREAM_BYTES_ENV
from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.text import short_repr, text_problem
from govgraph.graph.core.xsd import lexical_problem
from govgraph.graph.storage.oxigraph_store import to_ox, to_rdflib
from govgraph.loaders.base import (
    Loader,
    SourceInfo,
    Triple,
    byte_limit,
    check_regular,
    check_text_bytes,
    iri_problem,
    not_utf8,
    read_source_text,
)
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

STREAMED: dict[str, ox.RdfFormat] = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}
"""The formats parsed as a stream by Oxigraph; the others go through rdflib in memory."""

DEFAULT_MAX_STREAM_BYTES = 16 * 1024**3
"""16 GiB per streamed file (Turtle, N-Triples): memory does not grow with the file, so
this only guards the disk, which holds the file's checked copy and the store beside it."""

MAX_LITERAL_CHARS = 1_000_000
"""The longest literal an RDF source may hold: a million characters is a book, far beyond
any description or label, so a longer one is a mistake or an attack on memory."""

_SKOS_PREF_LABEL = str(SKOS.prefLabel)
_PARSER_PREFIX = re.compile(r"^Parser error[^:]*: ")
_CHUNK = 1 << 16
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class RdfFileLoader(Loader):
    """An RDF file, loaded as is into a graph named after the file."""

    kind: ClassVar[str] = "rdf"
    graph_prefix: ClassVar[str | None] = "rdf-"

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
        for t in self.checked():
            yield (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))

    def write_ntriples(self, out: BinaryIO) -> set[str]:
        """Stream the checked triples to ``out``; memory holds one parser buffer and the
        labelled subjects, never the file's triples."""
        labelled: set[str] = set()

        def note(triples: Iterator[ox.Triple]) -> Iterator[ox.Triple]:
            for t in triples:
                if t.predicate.value == _SKOS_PREF_LABEL and isinstance(t.subject, ox.NamedNode):
                    labelled.add(t.subject.value)
                yield t

        ox.serialize(note(self.checked()), out, format=ox.RdfFormat.N_TRIPLES)
        return labelled

    def checked(self) -> Iterator[ox.Triple]:
        """The file's triples, each checked (see the module docstring); the first bad one
        raises a SourceError with its place. Refuses a file with no triples at all."""
        fmt = self.format
        locate: _TextSearch | _FileSearch
        if fmt in STREAMED:
            triples = _stream(self.path, fmt)
            locate = _FileSearch(self.path)
        else:
            text = read_source_text(self.path)
            triples = _converted(_parse_in_memory(text, fmt, self.path), text, self.path)
            locate = _TextSearch(text)
        count = 0
        for t in triples:
            _check(t, self.path, locate)
            count += 1
            yield t
        if count == 0:
            raise SourceError(
                "the file holds no triples: loading it would empty the source's graph",
                file=str(self.path),
                line=1,
            )


# --- streaming ------------------------------------------------------------------------------


class _Reader:
    """The file as Oxigraph reads it: checked chunk by chunk for what
    :func:`~govgraph.loaders.base.decode_utf8` refuses in a whole file (UTF-16/32, binary
    bytes, bytes that are not UTF-8), and for the streaming size limit while it is read,
    so a file that grows meanwhile cannot run on without end."""

    def __init__(self, path: Path, handle: BinaryIO, limit: int) -> None:
        self.path, self._handle, self._limit = path, handle, limit
        self.line = 1
        """The line the next chunk starts on."""
        self._column = 0
        """Bytes on that line before the next chunk starts."""
        self._read = 0
        self._tail = b""
        self._first = True

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size if size and size > 0 else _CHUNK)
        self._read += len(chunk)
        if self._read > self._limit:
            raise _too_big(self.path, self._limit)
        if self._first:
            self._first = False
            check_text_bytes(chunk, self.path)
            if chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
        nul = chunk.find(b"\x00")
        if nul >= 0:
            line, column = self._place(chunk, nul)
            raise SourceError(
                "expected text, found a NUL byte: the file is binary or UTF-16/32 without a "
                "byte-order mark; save it as UTF-8",
                file=str(self.path),
                line=line,
                column=column,
            )
        self._check_utf8(chunk)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            self.line += chunk.count(b"\n")
            self._column = len(chunk) - newline - 1
        else:
            self._column += len(chunk)
        return chunk

    def _check_utf8(self, chunk: bytes) -> None:
        data = self._tail + chunk
        try:
            data.decode("utf-8")
            self._tail = b""
        except UnicodeDecodeError as exc:
            cut_short = exc.end == len(data) and exc.reason == "unexpected end of data"
            if cut_short and chunk:  # a character split between two chunks: wait for the rest
                self._tail = data[exc.start :]
                return
            line, column = self._place(chunk, exc.start - len(self._tail))
            raise not_utf8(data[exc.start], self.path, line, column) from None

    def _place(self, chunk: bytes, index: int) -> tuple[int, int]:
        before = chunk[: max(index, 0)]
        newline = before.rfind(b"\n")
        line = self.line + before.count(b"\n")
        column = (index - newline) if newline >= 0 else self._column + index + 1
        return line, column


def _too_big(path: Path, limit: int) -> SourceError:
    return SourceError(
        f"file is larger than the {limit:,}-byte limit for one streamed source; raise "
        f"{MAX_STREAM_BYTES_ENV} to load it",
        file=str(path),
    )


def _stream(path: Path, fmt: str) -> Iterator[ox.Triple]:
    """Oxigraph's parser over the file, its syntax errors as located SourceErrors."""
    limit = byte_limit(MAX_STREAM_BYTES_ENV, DEFAULT_MAX_STREAM_BYTES)
    try:
        info = path.stat()
        check_regular(info, path)
        if info.st_size > limit:
            raise _too_big(path, limit)
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    with handle:
        reader = _Reader(path, handle, limit)
        parser = ox.parse(
            reader,  # type: ignore[arg-type]  # file-like: pyoxigraph only calls read()
            STREAMED[fmt],
            without_named_graphs=True,
            rename_blank_nodes=True,
        )
        try:
            for quad in parser:
                yield quad.triple
        except SyntaxError as exc:
            message = _PARSER_PREFIX.sub("", str(exc.msg or exc))
            message = re.sub(r" \(line \d+\)$", "", message)
            message = _UNPRINTABLE.sub(lambda m: f"U+{ord(m.group()):04X}", message)
            prefix = "not a valid IRI: " if "IRI" in message else ""
            raise SourceError(
                f"{prefix}{fmt} syntax error: {message}",
                file=str(path),
                line=exc.lineno,
                column=exc.offset,
            ) from None
        except OSError as exc:
            raise SourceError(f"cannot read file: {exc}", file=str(path)) from None


# --- checks ---------------------------------------------------------------------------------


class _TextSearch:
    """Finds the line of a term in a document held in memory."""

    def __init__(self, text: str) -> None:
        self.text = text.lower()

    def __call__(self, needles: list[str]) -> int | None:
        for needle in needles:
            index = self.text.find(needle.lower()) if needle else -1
            if index >= 0:
                return self.text.count("\n", 0, index) + 1
        return None


class _FileSearch:
    """Finds the line of a term by reading a streamed file again, line by line (only
    once, on the way to an error)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, needles: list[str]) -> int | None:
        wanted = [n.lower() for n in needles if n]
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                line = raw.decode("utf-8", "replace").lower()
                if any(n in line for n in wanted):
                    return number
        return None


def _escapes(value: str) -> list[str]:
    """How the text around a value's first unwritable character may be spelled in a file."""
    problem = re.search("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]", value)
    if problem is None:
        return [value[:40]]
    i, code = problem.start(), ord(problem.group())
    before = value[max(0, i - 20) : i]
    spelled = [f"\\u{code:04x}", f"\\U{code:08x}", f"&#{code};", f"&#x{code:x};"]
    return [before + s for s in spelled] + spelled


def _check(t: ox.Triple, path: Path, locate: Any) -> None:
    for term in (t.subject, t.predicate, t.object):
        if isinstance(term, ox.NamedNode):
            iri = term.value
            if problem := text_problem(iri):
                _refuse(
                    f"not a valid IRI: {short_repr(iri[:80])} ({problem})",
                    path,
                    locate,
                    _escapes(iri),
                )
            if iri[:5].lower() == "file:":
                raise SourceError(
                    f"file: IRI {short_repr(iri[:80])} refused: IRIs in a source must not name "
                    "local files (check @base and @prefix)",
                    file=str(path),
                    line=locate(["file:"]),
                )
        elif isinstance(term, ox.Literal):
            value = term.value
            field = t.predicate.value
            if len(value) > MAX_LITERAL_CHARS:
                _refuse(
                    f"literal of {len(value):,} characters on {str(t.subject)[:100]} "
                    f"{str(t.predicate)[:100]}; the limit is {MAX_LITERAL_CHARS:,}",
                    path,
                    locate,
                    [value[:40]],
                    field,
                )
            if problem := text_problem(value):
                _refuse(
                    f"literal {short_repr(value[:60])} holds {problem}",
                    path,
                    locate,
                    _escapes(value),
                    field,
                )
            datatype = term.datatype.value
            if problem := lexical_problem(value, datatype):
                _refuse(
                    f"ill-typed literal {short_repr(value[:60])}^^<{datatype}>: {problem}",
                    path,
                    locate,
                    [f'"{value}"^^', f'"{value}"', value[:40]],
                    field,
                )
        elif not isinstance(term, ox.BlankNode):
            _refuse(
                f"{type(term).__name__} terms (RDF 1.2 triple terms) are not supported",
                path,
                locate,
                [],
            )


def _refuse(
    message: str, path: Path, locate: Any, needles: list[str], field: str | None = None
) -> None:
    raise SourceError(message, file=str(path), line=locate(needles) or 1, field=field)


def _converted(graph: Graph, text: str, path: Path) -> Iterator[ox.Triple]:
    """rdflib's triples as Oxigraph's, refusing first what Oxigraph could not even hold
    (a lone surrogate cannot cross into it; an IRI its own parser refuses)."""
    locate = _TextSearch(text)
    for triple in graph:
        for term in triple:
            if problem := text_problem(str(term)):
                _refuse(
                    f"{short_repr(str(term)[:60])} holds {problem}",
                    path,
                    locate,
                    _escapes(str(term)),
                )
            if isinstance(term, URIRef) and (problem := iri_problem(str(term))):
                raise SourceError(
                    f"not a valid IRI: {short_repr(str(term)[:80])} ({problem})",
                    file=str(path),
                    line=locate([str(term), str(term)[:20]]),
                )
        if isinstance(triple[2], Literal) and len(triple[2]) > MAX_LITERAL_CHARS:
            _refuse(
                f"literal of {len(triple[2]):,} characters on <{str(triple[0])[:100]}> "
                f"<{str(triple[1])[:100]}>; the limit is {MAX_LITERAL_CHARS:,}",
                path,
                locate,
                [str(triple[2])[:40]],
                str(triple[1]),
            )
        # to_ox may give a literal: no parser puts one in subject or predicate position
        yield ox.Triple(*(to_ox(term) for term in triple))  # type: ignore[arg-type]  # see above


def _parse_in_memory(text: str, fmt: str, path: Path) -> Graph:
    """rdflib's parse of a format Oxigraph does not stream here, with its errors located."""
    if fmt == "json-ld":
        check_json_ld(text, path)
    if fmt == "xml" and (entity := re.search(r"<!ENTITY", text)):
        raise SourceError(
            "XML entity declarations are refused: they can read local files or expand "
            "without bound",
            file=str(path),
            line=text.count("\n", 0, entity.start()) + 1,
        )
    graph = Graph()
    try:
        graph.parse(data=text, format=fmt)
    except BadSyntax as exc:
        line, column = _position(text, exc)
        raise SourceError(
            f"{fmt} syntax error: {exc._why}", file=str(path), line=line, column=column
        ) from None
    except ParserError as exc:
        raise SourceError(f"{fmt} syntax error: {exc}", file=str(path)) from None
    except SourceError:
        raise
    except SAXParseException as exc:
        at = exc.getColumnNumber()
        raise SourceError(
            f"{fmt} syntax error: {exc.getMessage()}",
            file=str(path),
            line=exc.getLineNumber(),
            column=None if at is None else at + 1,
        ) from None
    except IndexError:  # rdflib's N3 parser runs off the end of a cut-short file
        raise SourceError(
            f"{fmt} syntax error: the file ends in the middle of a statement",
            file=str(path),
            line=text.count("\n") + 1,
        ) from None
    except Exception as exc:  # rdflib's parsers raise many types on bad input
        raise SourceError(
            f"{fmt} could not be parsed (the parser failed with {type(exc).__name__}, {exc})",
            file=str(path),
        ) from None
    return graph


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
                f"remote JSON-LD context {short_repr(remote)} refused: govgraph never fetches "
                "documents while loading; put the context inline",
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
