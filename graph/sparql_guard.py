"""Refuse SPARQL that could write, or reach beyond the store, before any engine sees it.

Oxigraph's wheels carry an HTTP client that Python cannot switch off, so SERVICE, LOAD and
FROM <url> are refused here, on rdflib's parse tree, rather than trusted to the engine.
"""

from __future__ import annotations

import threading
from typing import Any

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from govgraph.graph.errors import QueryError

_FORBIDDEN = {
    "ServiceGraphPattern": "SERVICE (federated queries) is not allowed",
    "DatasetClause": "FROM and FROM NAMED are not allowed: the dataset is this store",
    "Load": "LOAD is not allowed",
}
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_parser_lock = threading.Lock()  # rdflib's pyparsing grammar is not thread-safe


def check_read_only(query: str, *, max_length: int = 100_000) -> str:
    """Return the query form (SELECT, ASK, CONSTRUCT or DESCRIBE) of a safe query, or raise
    :class:`QueryError` saying what was refused and why."""
    if len(query) > max_length:
        raise QueryError(f"query is longer than {max_length:,} characters")
    with _parser_lock:
        try:
            tree = parseQuery(query)
        except ParseException as exc:
            if _is_update(query):
                raise QueryError(
                    "SPARQL Update is not allowed: this endpoint is read-only"
                ) from None
            raise QueryError(
                f"malformed SPARQL at line {exc.lineno}, column {exc.col}: {exc.msg}"
            ) from None
    form = None
    for node in _walk(tree):
        name = getattr(node, "name", None)
        if name in _FORBIDDEN:
            raise QueryError(_FORBIDDEN[name])
        if form is None and name in _FORMS:
            form = _FORMS[name]
    if form is None:
        raise QueryError("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    return form


def _is_update(query: str) -> bool:
    try:
        parseUpdate(query)
    except ParseException:
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
