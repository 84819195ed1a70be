"""Refuse SPARQL that could write, or reach beyond the store, before any engine sees it.

Oxigraph's wheels carry an HTTP client that Python cannot switch off, so SERVICE, LOAD and
FROM <url> are refused here rather than trusted to the engine. The guard and the engine
must read the *same* text: rdflib expands ``\\u`` escapes over the whole query (taking up
to eight hex digits), Oxigraph only inside strings and IRIs (taking four), so an escape
could hide SERVICE from one reader and not the other. The guard therefore applies the
SPARQL 1.1 escape processing itself (section 19.2: ``\\uXXXX`` and ``\\UXXXXXXXX``,
anywhere, before parsing), refuses text in which anything escape-like is left, and hands
the engine the decoded text: neither reader then has an escape to interpret.

Three independent reads must all agree the query is safe: a token scan for the keywords,
rdflib's parse tree, and (after this module) the engine running in a child that cannot
open a socket (:mod:`govgraph.graph.storage.sandbox`). The parse is slow on hostile input, so it
runs in that child too, under the query's deadline, never on the server's event loop.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from govgraph.graph.core.errors import QueryError

MAX_QUERY_CHARS = 100_000
"""Longest query text accepted: far beyond any hand-written or generated query."""

READ_ONLY = "SPARQL Update is not allowed: this endpoint is read-only"
_FORBIDDEN = {
    "ServiceGraphPattern": "SERVICE (federated queries) is not allowed",
    "DatasetClause": "FROM and FROM NAMED are not allowed: the dataset is this store",
    "Load": "LOAD is not allowed: this endpoint is read-only",
}
_KEYWORDS = {
    "SERVICE": _FORBIDDEN["ServiceGraphPattern"],
    "FROM": _FORBIDDEN["DatasetClause"],
    "LOAD": _FORBIDDEN["Load"],
}
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_parser_lock = threading.Lock()  # rdflib's pyparsing grammar is not thread-safe

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEFTOVER = re.compile(r"\\[uU]")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# One token at a time, in the order the SPARQL grammar's terminals must be tried: long
# strings before short ones, IRIs before the '<' operator. Only words matter to the scan.
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s{}()\[\],;.'"<>=!&|+*/^\#]*)
  | (?P<word>[^\s{}()\[\],;'"<>=!&|+*/^\#?$]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class CheckedQuery:
    """A query the guard let through: its form and the exact text the engine must run."""

    form: str
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    text: str
    """The query with its codepoint escapes decoded: give the engine this, not the input."""


def decode_escapes(query: str) -> str:
    """The query after SPARQL 1.1's codepoint escape processing, or a QueryError when
    something escape-like is left that another reader could decode differently."""
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)
    if _LEFTOVER.search(decoded):
        raise QueryError(
            "a \\u or \\U in the query is not a complete escape (\\u and four hex digits, "
            "\\U and eight), or an escape decodes to another one: write the character itself"
        )
    if bad := _BAD_CHARS.search(decoded):
        code = ord(bad.group())
        what = "lone surrogate" if 0xD800 <= code <= 0xDFFF else "control character"
        raise QueryError(f"the query holds the {what} U+{code:04X}, which no query needs")
    return decoded


def check_read_only(query: str, *, max_length: int = MAX_QUERY_CHARS) -> CheckedQuery:
    """The form and decoded text of a safe query, or a :class:`QueryError` saying what was
    refused and why. Slow on hostile input: call it where a deadline can stop it."""
    if len(query) > max_length:
        raise QueryError(f"query is longer than {max_length:,} characters")
    text = decode_escapes(query)
    _scan_keywords(text)
    with _parser_lock:
        tree = _parse(text)
    form = None
    for node in _walk(tree):
        name = getattr(node, "name", None)
        if name in _FORBIDDEN:
            raise QueryError(_FORBIDDEN[name])
        if form is None and name in _FORMS:
            form = _FORMS[name]
    if form is None:
        raise QueryError("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    return CheckedQuery(form, text)


def warm_up() -> None:
    """Build the parser's grammar caches once in the server, before any child is forked,
    so that each child inherits them (35 ms a query otherwise)."""
    check_read_only("ASK { ?s ?p ?o FILTER(?o != 1) }")


def _scan_keywords(text: str) -> None:
    """Refuse SERVICE, FROM and LOAD wherever they stand as keywords, whatever the parse
    tree says: a second reading that shares no code with either parser."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "word":
            continue
        word = match.group()
        if ":" in word or word.startswith(("@", "_")):  # prefixed names, tags, blank nodes
            continue
        for part in word.split("."):
            refusal = _KEYWORDS.get(part.upper())
            if refusal:
                raise QueryError(refusal)


def _parse(text: str) -> Any:
    try:
        return parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise QueryError(READ_ONLY) from None
        raise QueryError(
            f"malformed SPARQL at line {exc.lineno}, column {exc.col}: {exc.msg}"
        ) from None
    except RecursionError:
        raise QueryError(
            "the query is nested too deeply to check: flatten its brackets or split it"
        ) from None
    except (ValueError, OverflowError) as exc:  # numbers or escapes rdflib cannot build
        raise QueryError(f"malformed SPARQL: {exc}") from None


def _is_update(query: str) -> bool:
    try:
        parseUpdate(query)
    except (ParseException, RecursionError, ValueError, OverflowError):
        return False
    return True


def _walk(node: Any) -> Any:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, CompValue):
            stack.extend(current.values())
        elif isinstance(current, ParseResults | list | tuple):
            stack.extend(current)
