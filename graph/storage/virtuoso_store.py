"""OpenLink Virtuoso as a remote store: the SPARQL 1.1 backend with Virtuoso's few differences.

A store URL ``virtuoso+http://HOST:8890/`` (or ``virtuoso+https://``) names a Virtuoso server;
it takes the options of ``sparql+http://`` URLs (:mod:`govgraph.graph.storage.remote_store`), with
Virtuoso's endpoints and the Graph Store Protocol as defaults: queries and updates at
``/sparql``, graphs at ``/sparql-graph-crud``, ``load=gsp``. Anonymous updates need the
``SPARQL_UPDATE`` role for the user ``SPARQL``; with a user and password in the URL
(``virtuoso+http://USER:PW@HOST:8890/``) the defaults are the authenticated endpoints
``/sparql-auth`` and ``/sparql-graph-crud-auth``, with HTTP Digest; see docs/deployment.md.

What differs from the SPARQL 1.1 protocol as Oxigraph speaks it, and why each change here:

- Virtuoso 7.2 waits for more body on a POST of ``application/sparql-query``: queries and
  updates are sent form-encoded (``query=`` / ``update=``), which the protocol also allows.
- It answers a CONSTRUCT with a SPARQL-results table when results come first in Accept:
  graph queries ask for the RDF type first.
- Its default graph is the union of every graph, including its own system graphs (the
  quad-map schema ``virtrdf#`` and two sample graphs of the Debian package). Its
  ``define input:*-graph-exclude`` pragmas would hide them, but they also empty every
  ``GRAPH <iri>`` pattern (Virtuoso 7.2.5), so instead :meth:`graphs` and :meth:`count` leave
  them out; govgraph's queries name govgraph's predicates, which those graphs never use.
- ``INSERT DATA`` refuses blank nodes, so loads go through the Graph Store Protocol (its bulk
  path): a PUT to a staging graph, then one Update that swaps it in.
- Its CSV and TSV answers quote IRIs like strings (so a reader cannot tell them apart) and
  its XML has no declaration: those formats are asked for as SPARQL JSON and written by
  pyoxigraph, the same writer the embedded store uses (the byte cap of ``query_limited``
  then applies to the JSON).
- A failed Graph Store Protocol PUT keeps the lines before the error and answers 500: a
  failed first load drops what it left (a reload goes through a staging graph anyway).
- ``GRAPH ?g { }`` matches nothing, so the graphs are listed from their triples (grouped:
  ``SELECT DISTINCT ?g`` over them is a pathological plan in 7.2.5).
"""

from __future__ import annotations

import re
from typing import BinaryIO, ClassVar
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox
from rdflib import Literal, URIRef

from govgraph.graph.core.errors import QueryError, StoreError
from govgraph.graph.storage.remote_store import RemoteStore
from govgraph.graph.storage.store import STAGING_PREFIX, VERSION_GRAPH, with_prefixes

SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)
"""Graphs a fresh Virtuoso database holds for itself; never govgraph data."""

DEFAULTS = {"query": "sparql", "update": "sparql", "gsp": "sparql-graph-crud", "load": "gsp"}
AUTH_DEFAULTS = {
    "query": "sparql-auth",
    "update": "sparql-auth",
    "gsp": "sparql-graph-crud-auth",
    "load": "gsp",
}
"""With a user in the URL: Virtuoso's authenticated endpoints, which take HTTP Digest."""

_FORM = "application/x-www-form-urlencoded"
_JSON = "application/sparql-results+json"
_REWRITTEN = {
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORM = re.compile(
    r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*\n)\s*)*(CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE,
)


def sparql_url(url: str) -> str:
    """The ``sparql+`` URL of a ``virtuoso+`` one, with Virtuoso's endpoints as defaults."""
    parts = urlsplit(url)
    if parts.scheme not in ("virtuoso+http", "virtuoso+https"):
        raise StoreError(f"not a Virtuoso store URL: {url!r} (use virtuoso+http://HOST:PORT/)")
    options = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    defaults = AUTH_DEFAULTS if parts.username else DEFAULTS
    query = urlencode({**defaults, **options}, quote_via=quote, safe="/")
    scheme = "sparql+" + parts.scheme.removeprefix("virtuoso+")
    return urlunsplit((scheme, parts.netloc, parts.path or "/", query, ""))


class VirtuosoStore(RemoteStore):
    """A Virtuoso server as a :class:`~govgraph.graph.storage.store.Store`."""

    system_graphs: ClassVar[tuple[str, ...]] = SYSTEM_GRAPHS

    def __init__(self, url: str) -> None:
        super().__init__(sparql_url(url))
        self.url = self.url.replace("sparql+", "virtuoso+", 1)
        if self.endpoints.auth:  # Virtuoso's -auth endpoints refuse Basic (401)
            self._client.auth = httpx.DigestAuth(*self.endpoints.auth)

    def _query_body(self, query: str) -> tuple[bytes, str]:
        return urlencode({"query": with_prefixes(query)}).encode("ascii"), _FORM

    def _update_body(self, update: bytes) -> tuple[bytes, str]:
        return b"update=" + quote(update, safe="").encode("ascii"), _FORM

    def _accept(self, query: str, results: str, graph: str) -> str:
        if _GRAPH_FORM.match(query):
            return f"{graph}, {results};q=0.9"
        return f"{results}, {graph};q=0.9"

    def graphs(self) -> list[URIRef]:
        rows = self.select(  # DISTINCT ?g takes ~30 s at 5*10^4 triples; GROUP BY, 40 ms
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        return sorted(
            URIRef(str(r["g"]))
            for r in rows
            if isinstance(r.get("g"), URIRef)
            and not str(r["g"]).startswith(STAGING_PREFIX)
            and r["g"] != VERSION_GRAPH
            and str(r["g"]) not in SYSTEM_GRAPHS
        )

    def count(self, graph: URIRef | None = None) -> int:
        if graph is not None:
            return super().count(graph)
        skip = ", ".join(f"<{g}>" for g in (*SYSTEM_GRAPHS, str(VERSION_GRAPH)))
        row = self.select_one(  # distinct: the RDF merge, as on every backend
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
            f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({skip})) }} }}"
        )
        n = row.get("n")
        return int(n) if isinstance(n, Literal) else 0

    def query_serialized(
        self, query: str, media_type: str, rdf_media_type: str = "text/turtle"
    ) -> bytes:
        if media_type not in _REWRITTEN or _GRAPH_FORM.match(query):
            return super().query_serialized(query, media_type, rdf_media_type)
        return _rewrite(super().query_serialized(query, _JSON, rdf_media_type), media_type)

    def query_limited(
        self,
        query: str,
        media_type: str,
        rdf_media_type: str,
        *,
        timeout: float,
        max_bytes: int,
    ) -> bytes:
        if media_type not in _REWRITTEN or _GRAPH_FORM.match(query):
            return super().query_limited(
                query, media_type, rdf_media_type, timeout=timeout, max_bytes=max_bytes
            )
        body = super().query_limited(
            query, _JSON, rdf_media_type, timeout=timeout, max_bytes=max_bytes
        )
        return _rewrite(body, media_type)

    def _put(self, url: str, graph: URIRef, payload: bytes | BinaryIO) -> None:
        """A refused body is a :class:`QueryError` (Virtuoso answers 500), so that the caller
        drops what the failed PUT left."""
        try:
            super()._put(url, graph, payload)
        except StoreError as exc:
            if "(500)" not in str(exc):
                raise
            raise QueryError(str(exc)) from exc


def _rewrite(json_body: bytes, media_type: str) -> bytes:
    """A SPARQL JSON answer in another results format, written by pyoxigraph."""
    parsed = ox.parse_query_results(json_body, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=_REWRITTEN[media_type]) or b""  # None only given an output
