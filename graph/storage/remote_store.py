"""The remote backend: any SPARQL 1.1 engine, over the Query, Update and Graph Store protocols.

A store URL names the endpoints::

    sparql+http://127.0.0.1:7878/            Oxigraph server: /query, /update, /store
    sparql+http://host:3030/govgraph/?gsp=data   Fuseki: /govgraph/query, .../update, .../data
    sparql+https://u:pw@host/repositories/gg?query=&update=statements&gsp=rdf-graphs/service

The path is the base; ``query=``, ``update=`` and ``gsp=`` override an endpoint, relative to
the base (an empty value is the base itself) or absolute when they start with ``/``. Other
options: ``union=server|param`` (how the default graph becomes the union of the named
graphs: configured on the server, or Oxigraph's ``union-default-graph`` request parameter),
``load=update|gsp`` (how :meth:`RemoteStore.replace_graph` writes, see there),
``max_update=BYTES`` (bigger sources are staged through the Graph Store Protocol),
``timeout=SECONDS`` for queries (default 30) and ``load_timeout=SECONDS`` for writes (600),
``last_loads=DIR`` where the copies of the last loads are kept, so that a reload through the
Graph Store Protocol sends only the lines that changed (default ``$GOVGRAPH_CACHE/loads``;
``last_loads=`` turns it off; see :mod:`govgraph.graph.storage.last_loads`).

Results come back as SPARQL JSON or N-Triples and are parsed by pyoxigraph, so rows hold the
same rdflib terms as the embedded store gives.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from govgraph.graph.core.errors import QueryError, StoreError
from govgraph.graph.storage.last_loads import (
    MAX_DIFF_BYTES,
    LastLoads,
    default_folder,
    file_digest,
    line_diff,
)
from govgraph.graph.storage.oxigraph_store import OxigraphResults, to_rdflib
from govgraph.graph.storage.store import (
    STAGING_PREFIX,
    VERSION_GRAPH,
    VERSION_PREDICATE,
    VERSION_SUBJECT,
    Store,
    Triple,
    bind_values,
    digest_version,
    graph_to_ntriples,
    new_version_token,
    staging_graph,
    with_prefixes,
)

_JSON = "application/sparql-results+json"
_NT = "application/n-triples"
_OPTIONS = {
    "query",
    "update",
    "gsp",
    "union",
    "load",
    "max_update",
    "timeout",
    "load_timeout",
    "last_loads",
}
MAX_UPDATE = 100_000_000
"""Largest Update request sent (Oxigraph server refuses bodies over 128 MiB); a bigger source
is staged through the Graph Store Protocol instead."""
_RETRYABLE = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
"""A pooled keep-alive connection the server has closed: one retry on a fresh connection."""
DATA_BLOCK_LINES = 2_000
"""Triples per ``DELETE DATA`` / ``INSERT DATA`` block of a reload's diff: Virtuoso 7.2's SPARQL
parser runs out of stack ("memory exhausted") at about 5,000 in one block; the blocks still go
as one Update request, one transaction."""
LOADED_PREDICATE = URIRef("urn:govgraph:loadedDigest")
"""In VERSION_GRAPH, ``<graph> LOADED_PREDICATE "sha256:count"``: the digest of the N-Triples the
last load through govgraph wrote into that graph, and the graph's triple count after it (see
:mod:`~govgraph.graph.storage.last_loads`)."""


@dataclass(frozen=True)
class Endpoints:
    """Where the protocols live, parsed from a ``sparql+http(s)://`` store URL."""

    query: str
    update: str
    gsp: str
    union: str = "server"
    load: str = "update"
    max_update: int = MAX_UPDATE
    timeout: float = 30.0
    load_timeout: float = 600.0
    auth: tuple[str, str] | None = None
    last_loads: Path | None = None
    """Where copies of the last loads are kept (None: reloads never diff)."""
    display: str = ""
    """The URL without its password, for messages."""

    @classmethod
    def parse(cls, url: str) -> Endpoints:
        parts = urlsplit(url)
        if parts.scheme not in ("sparql+http", "sparql+https") or not parts.hostname:
            raise StoreError(f"not a remote store URL: {url!r} (use sparql+http://HOST:PORT/PATH)")
        options = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        unknown = set(options) - _OPTIONS
        if unknown:
            raise StoreError(
                f"unknown option(s) {', '.join(sorted(unknown))} in store URL: "
                f"use {', '.join(sorted(_OPTIONS))}"
            )
        scheme = parts.scheme.removeprefix("sparql+")
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        if ":" in parts.hostname:
            host = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
        origin = f"{scheme}://{host}"
        base = parts.path or "/"

        def endpoint(name: str, default: str) -> str:
            value = options.get(name, default)
            if value.startswith("/"):
                return origin + value
            if not value:
                return origin + base
            return origin + base.rstrip("/") + "/" + value

        union, load = options.get("union", "server"), options.get("load", "update")
        if union not in ("server", "param"):
            raise StoreError(f"union={union!r} in store URL: use union=server or union=param")
        if load not in ("update", "gsp"):
            raise StoreError(f"load={load!r} in store URL: use load=update or load=gsp")
        try:
            timeout = float(options.get("timeout", "30"))
            load_timeout = float(options.get("load_timeout", "600"))
            max_update = int(options.get("max_update", str(MAX_UPDATE)))
        except ValueError as exc:
            raise StoreError(f"timeout and max_update in a store URL are numbers: {exc}") from None
        auth = None
        if parts.username is not None:
            auth = (unquote(parts.username), unquote(parts.password or ""))
        folder = options.get("last_loads")
        last_loads = default_folder() if folder is None else Path(folder) if folder else None
        user = f"{parts.username}:***@" if parts.username else ""
        display = f"{parts.scheme}://{user}{host}{base}" + (
            f"?{parts.query}" if parts.query else ""
        )
        return cls(
            query=endpoint("query", "query"),
            update=endpoint("update", "update"),
            gsp=endpoint("gsp", "store"),
            union=union,
            load=load,
            max_update=max_update,
            timeout=timeout,
            load_timeout=load_timeout,
            auth=auth,
            last_loads=last_loads,
            display=display,
        )


class RemoteStore(OxigraphResults, Store):
    """A SPARQL 1.1 endpoint as a :class:`Store`; one pooled HTTP client, safe across threads."""

    limits_queries: ClassVar[bool] = True

    def __init__(self, url: str, *, client: httpx.Client | None = None) -> None:
        self.endpoints = Endpoints.parse(url)
        self.url = self.endpoints.display
        self._client = client or httpx.Client(
            auth=self.endpoints.auth,
            timeout=httpx.Timeout(self.endpoints.timeout, connect=5.0),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            headers={"User-Agent": "govgraph"},
        )
        self._params = {"union-default-graph": ""} if self.endpoints.union == "param" else {}
        self._union_checked = self.endpoints.union == "param"
        self._lock = threading.Lock()
        folder = self.endpoints.last_loads
        self._last_loads = LastLoads(folder) if folder is not None else None

    # --- HTTP ----------------------------------------------------------------------
    def _send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        retry: bool,
        timeout: float | None = None,
        **kwargs: object,
    ) -> httpx.Response:
        """One request; transport failures become a :class:`StoreError` naming the endpoint.
        Nothing is cached about a failure, so the next call simply tries again."""
        limit = httpx.USE_CLIENT_DEFAULT if timeout is None else httpx.Timeout(timeout, connect=5.0)
        for attempt in (1, 2):
            try:
                response = self._client.request(
                    method,
                    url,
                    timeout=limit,
                    **kwargs,  # type: ignore[arg-type]  # httpx's own keywords, passed through
                )
            except _RETRYABLE as exc:
                if retry and attempt == 1:
                    continue
                raise StoreError(
                    f"the SPARQL endpoint {url} dropped the connection: {exc}"
                ) from exc
            except httpx.TimeoutException as exc:
                raise StoreError(
                    f"the SPARQL endpoint {url} did not answer {what} within "
                    f"{timeout or self.endpoints.timeout:g} s"
                ) from exc
            except httpx.TransportError as exc:
                raise StoreError(
                    f"cannot reach the SPARQL endpoint {url}: {exc or type(exc).__name__}. "
                    "Is the server running?"
                ) from exc
            _raise_for_status(response, url, what)
            return response
        raise AssertionError("unreachable")

    def _query_body(self, query: str) -> tuple[bytes, str]:
        """The request body and its content type for a query (a subclass may form-encode)."""
        return with_prefixes(query).encode("utf-8"), "application/sparql-query"

    def _update_body(self, update: bytes) -> tuple[bytes, str]:
        return update, "application/sparql-update"

    def _accept(self, query: str, results: str, graph: str) -> str:
        """The Accept header: results first; the engine picks by the query's form."""
        return f"{results}, {graph};q=0.9"

    def _post_query(self, query: str, accept: str) -> httpx.Response:
        body, kind = self._query_body(query)
        return self._send(
            "POST",
            self.endpoints.query,
            what="the query",
            retry=True,
            params=self._params,
            content=body,
            headers={"Content-Type": kind, "Accept": accept},
        )

    def _post_update(self, update: str | bytes) -> None:
        body, kind = self._update_body(
            update.encode("utf-8") if isinstance(update, str) else update
        )
        self._send(
            "POST",
            self.endpoints.update,
            what="the update",
            retry=False,
            timeout=self.endpoints.load_timeout,
            content=body,
            headers={"Content-Type": kind},
        )

    # --- reading -------------------------------------------------------------------
    def _results(self, query: str, values: Mapping[str, Sequence[Node]] | None) -> object:
        self._check_union()
        text = bind_values(query, values)
        response = self._post_query(text, self._accept(text, _JSON, _NT))
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        try:
            if kind == _NT:
                return ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
            return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(
                f"the SPARQL endpoint {self.endpoints.query} sent an unreadable answer "
                f"({kind or 'no content type'}): {exc}"
            ) from exc

    def query_serialized(
        self, query: str, media_type: str, rdf_media_type: str = "text/turtle"
    ) -> bytes:
        self._check_union()
        response = self._post_query(query, self._accept(query, media_type, rdf_media_type))
        _check_media(response, media_type, rdf_media_type)
        return response.content

    def query_limited(
        self,
        query: str,
        media_type: str,
        rdf_media_type: str,
        *,
        timeout: float,
        max_bytes: int,
    ) -> bytes:
        """The answer, streamed and capped; the HTTP read timeout bounds the wait (start the
        server with its own query timeout too, e.g. ``oxigraph serve --timeout-s``)."""
        self._check_union()
        started = time.monotonic()
        body, kind = self._query_body(query)
        request = self._client.build_request(
            "POST",
            self.endpoints.query,
            params=self._params,
            content=body,
            headers={
                "Content-Type": kind,
                "Accept": self._accept(query, media_type, rdf_media_type),
            },
            timeout=httpx.Timeout(timeout, connect=5.0),
        )
        chunks: list[bytes] = []
        try:
            response = self._client.send(request, stream=True)
            try:
                if response.status_code >= 400:
                    response.read()
                    _raise_for_status(response, self.endpoints.query, "the query")
                _check_media(response, media_type, rdf_media_type)
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise QueryError(
                            f"the result is larger than the cap of {max_bytes:,} bytes"
                        )
                    if time.monotonic() - started > timeout:
                        raise httpx.ReadTimeout("deadline passed")
                    chunks.append(chunk)
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            raise QueryError(f"the query ran longer than {timeout:g} s and was stopped") from exc
        except httpx.TransportError as exc:
            raise StoreError(
                f"cannot reach the SPARQL endpoint {self.endpoints.query}: {exc}"
            ) from exc
        return b"".join(chunks)

    def graphs(self) -> list[URIRef]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(
            URIRef(str(r["g"]))
            for r in rows
            if isinstance(r.get("g"), URIRef)
            and not str(r["g"]).startswith(STAGING_PREFIX)
            and r["g"] != VERSION_GRAPH
        )

    def data_version(self) -> str:
        """One triple read (O(1)): the token the last write through govgraph left in
        VERSION_GRAPH; a store no govgraph load has written yet is digested."""
        row = self.select_one(
            f"SELECT ?v WHERE {{ GRAPH <{VERSION_GRAPH}> "
            f"{{ <{VERSION_SUBJECT}> <{VERSION_PREDICATE}> ?v }} }} LIMIT 1"
        )
        return str(row["v"]) if "v" in row else digest_version(self)

    def _bump_update(self, graph: URIRef | None = None, loaded: str | None = None) -> str:
        """The Update that replaces the version token (sent with the write it marks when
        the write is one Update, so readers see both or neither). Given the graph written,
        it also replaces that graph's load digest with ``loaded`` (or removes it)."""
        g, s, p = f"<{VERSION_GRAPH}>", f"<{VERSION_SUBJECT}>", f"<{VERSION_PREDICATE}>"
        parts = [
            f"DELETE WHERE {{ GRAPH {g} {{ {s} {p} ?v }} }}",
            f'INSERT DATA {{ GRAPH {g} {{ {s} {p} "{new_version_token()}" }} }}',
        ]
        if graph is not None:
            parts.append(self._forget_update(graph))
            if loaded is not None:
                d = f"<{LOADED_PREDICATE}>"
                parts.append(f'INSERT DATA {{ GRAPH {g} {{ {_iri(graph)} {d} "{loaded}" }} }}')
        return " ;\n".join(parts)

    def _forget_update(self, graph: URIRef) -> str:
        """The Update that removes a graph's load digest: sent with (or before) any write
        that leaves the graph other than the last load's copy says."""
        g, d = f"<{VERSION_GRAPH}>", f"<{LOADED_PREDICATE}>"
        return f"DELETE WHERE {{ GRAPH {g} {{ {_iri(graph)} {d} ?d }} }}"

    def graph_triples(self, graph: URIRef) -> Iterator[Triple]:
        result = self._results(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <urn:govgraph:param:g> { ?s ?p ?o } }",
            {"g": [graph]},
        )
        if not isinstance(result, ox.QuadParser):  # the endpoint answered with results
            raise QueryError("expected N-Triples for a CONSTRUCT query")
        for t in result:
            yield (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            # distinct: a server's union default graph may repeat a triple per named graph;
            # the version triple is not data
            row = self.select_one(
                "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                f"WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{VERSION_GRAPH}>) }} }}"
            )
        else:
            row = self.select_one(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:govgraph:param:g> { ?s ?p ?o } }",
                {"g": [graph]},
            )
        n = row.get("n")
        return int(n) if isinstance(n, Literal) else 0

    def _check_union(self) -> None:
        """Fail clearly, once, when the server's default graph is not the union of its named
        graphs: every query here relies on it, and the answers would silently be empty."""
        if self._union_checked:
            return
        with self._lock:
            if self._union_checked:
                return
            probe = self._post_query(
                "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o "
                "FILTER(isIRI(?s) && !isBlank(?o)) } } LIMIT 1",
                _JSON,
            )
            parsed = ox.parse_query_results(probe.content, format=ox.QueryResultsFormat.JSON)
            found = list(parsed) if isinstance(parsed, ox.QuerySolutions) else []
            if not found:
                return  # nothing stored yet: check again once something is
            s, p, o = (to_rdflib(found[0][v]) for v in ("s", "p", "o"))
            answer = self._post_query(
                bind_values(
                    "ASK { <urn:govgraph:param:s> <urn:govgraph:param:p> ?o "
                    "VALUES ?o { <urn:govgraph:param:o> } }",
                    {"s": [s], "p": [p], "o": [o]},
                ),
                _JSON,
            )
            if not bool(ox.parse_query_results(answer.content, format=ox.QueryResultsFormat.JSON)):
                raise StoreError(
                    f"the default graph of {self.endpoints.query} is not the union of its "
                    "named graphs, which govgraph needs: start Oxigraph with "
                    "--union-default-graph (or add union=param to the store URL), set "
                    "tdb2:unionDefaultGraph true in Fuseki; see docs/deployment.md"
                )
            self._union_checked = True

    # --- writing -------------------------------------------------------------------
    def replace_graph(self, graph: URIRef, data: Graph | bytes | Path) -> int:
        """Swap the graph in one request, so that one server transaction does it all.

        ``load=update`` (default): ``DROP; CREATE; INSERT DATA { GRAPH <g> { ... } }`` as one
        SPARQL Update request. The new version exists only inside the request, so no
        reader ever sees it half-written or beside the old one, and a rejected payload
        changes nothing. ``load=gsp``: PUT the N-Triples to a staging graph with the Graph
        Store Protocol, then one Update ``DROP target; ADD staging TO target; DROP staging``,
        for servers that cap the size of an Update request, and for any source bigger than
        ``max_update`` bytes; while the PUT runs, the staging graph is visible in the union
        default graph (docs/deployment.md). Either way through the Graph Store Protocol, a
        reload whose last load is kept here (``last_loads``) is one Update of the lines that
        changed, when they are few (:meth:`_replace_by_diff`).
        """
        target = _iri(graph)
        gsp = self.endpoints.load == "gsp"
        if isinstance(data, Path) and (gsp or data.stat().st_size > self.endpoints.max_update):
            return self._replace_kept(graph, data)  # a file goes up as a stream, never whole
        payload = graph_to_ntriples(data)
        if gsp or len(payload) > self.endpoints.max_update:
            return self._replace_kept(graph, payload)
        head = (
            f"DROP SILENT GRAPH {target} ;\nCREATE SILENT GRAPH {target} ;\n"
            f"INSERT DATA {{ GRAPH {target} {{\n"
        ).encode()
        try:
            self._post_update(
                head + sparql_safe(payload) + b"\n} } ;\n" + self._bump_update(graph).encode()
            )
        except QueryError as exc:
            raise StoreError(f"the endpoint refused the new version of {graph}: {exc}") from exc
        if isinstance(data, bytes | Path):
            return self.count(graph)
        return len(data)

    def _replace_kept(self, graph: URIRef, data: bytes | Path) -> int:
        """Through the Graph Store Protocol: the diff against the last load kept here when it
        can vouch for it, else the full path; then this load is kept for the next reload."""
        kept = self._last_loads
        size = data.stat().st_size if isinstance(data, Path) else len(data)
        loaded = file_digest(data) if kept is not None and size <= MAX_DIFF_BYTES else None
        count = self._replace_by_diff(graph, data, loaded) if loaded else None
        if count is None:
            if isinstance(data, Path):
                with data.open("rb") as stream:  # PUT reads it in chunks, never all at once
                    self._replace_via_gsp(graph, stream)
            else:
                self._replace_via_gsp(graph, data)
            count = self.count(graph)
            self._post_update(self._bump_update(graph, f"{loaded}:{count}" if loaded else None))
        if kept is not None and loaded is not None:
            kept.put(self.endpoints.gsp, str(graph), loaded, data)
        return count

    def _replace_by_diff(self, graph: URIRef, data: bytes | Path, loaded: str) -> int | None:
        """A reload as one Update: ``DELETE DATA`` of the lines only the last load had,
        ``INSERT DATA`` of those only the new source has, the new digest and version token;
        the triple count, or None when the full path must run instead.

        It runs only when the store's digest for the graph (``sha256:count``) names a copy
        kept here (so the copy is what the graph holds), neither version has a blank node
        (``DELETE DATA`` cannot name one), and the change is smaller than ``max_update`` and
        half the source. The graph's count must be the one recorded beside the digest before,
        and the source's after: otherwise the graph held something else (changed behind
        govgraph's back) and the full path puts it right. An Update the engine refuses changed
        nothing; the full path then runs (and says what is wrong with the source, if anything
        is). An unchanged source sends only the version token.
        """
        if self._last_loads is None:
            return None
        row = self.select_one(
            f"SELECT ?d WHERE {{ GRAPH <{VERSION_GRAPH}> "
            f"{{ <urn:govgraph:param:g> <{LOADED_PREDICATE}> ?d }} }} LIMIT 1",
            {"g": [graph]},
        )
        before, _, recorded = str(row.get("d", "")).partition(":")
        if not before or not recorded.isdigit() or self.count(graph) != int(recorded):
            return None
        if before == loaded:
            return self._post_diff(graph, [], [], f"{loaded}:{recorded}", int(recorded))
        old = self._last_loads.get(self.endpoints.gsp, str(graph), before)
        if old is None or b"_:" in old:
            return None
        payload = data.read_bytes() if isinstance(data, Path) else data
        if b"_:" in payload:
            return None
        removed, added, expected = line_diff(old, payload)
        del old
        size = sum(len(line) + 1 for line in removed) + sum(len(line) + 1 for line in added)
        if size > self.endpoints.max_update or size > len(payload) // 2:
            return None  # a big change: the bulk path costs less than parsing it as Update
        return self._post_diff(graph, removed, added, f"{loaded}:{expected}", expected)

    def _post_diff(
        self, graph: URIRef, removed: list[bytes], added: list[bytes], loaded: str, expected: int
    ) -> int | None:
        """Send a reload's diff as one Update; the count, or None when the full path must
        run (the engine refused it, or the count is not ``expected``)."""
        target = _iri(graph).encode()
        update: list[bytes] = []
        for operation, lines in ((b"DELETE", removed), (b"INSERT", added)):
            for at in range(0, len(lines), DATA_BLOCK_LINES):
                block = sparql_safe(b"\n".join(lines[at : at + DATA_BLOCK_LINES]))
                update += [operation, b" DATA { GRAPH ", target, b" {\n", block, b"\n} } ;\n"]
        update.append(self._bump_update(graph, loaded).encode())
        try:
            self._post_update(b"".join(update))
        except QueryError:
            return None  # refused as a whole, so nothing changed: the full path says why
        count = self.count(graph)
        return count if count == expected else None

    def _replace_via_gsp(self, graph: URIRef, payload: bytes | BinaryIO) -> None:
        target, staging = _iri(graph), _iri(staging_graph(graph))
        if not self.ask("ASK { GRAPH <urn:govgraph:param:g> { ?s ?p ?o } }", {"g": [graph]}):
            # a first load: PUT straight into the graph. Oxigraph loads a PUT body in one
            # transaction (readers see nothing, then all of it) and skips the copy that an
            # ADD from staging costs: 4x faster at 10^6 triples. A digest left from before
            # the graph was emptied goes first: the PUT is not the copy it names.
            self._post_update(self._forget_update(graph))
            try:
                self._put(self.endpoints.gsp, graph, payload)
            except QueryError as exc:
                self._post_update(f"DROP SILENT GRAPH {target}")
                raise StoreError(f"the endpoint refused the new version of {graph}: {exc}") from exc
            return
        try:
            self._put(self.endpoints.gsp, staging_graph(graph), payload)
        except QueryError as exc:
            self._post_update(f"DROP SILENT GRAPH {staging}")
            raise StoreError(f"the endpoint refused the new version of {graph}: {exc}") from exc
        self._post_update(
            f"DROP SILENT GRAPH {target} ; CREATE SILENT GRAPH {target} ; "
            f"ADD SILENT GRAPH {staging} TO GRAPH {target} ; DROP SILENT GRAPH {staging} ;\n"
            + self._forget_update(graph)
        )

    def _put(self, url: str, graph: URIRef, payload: bytes | BinaryIO) -> None:
        self._send(
            "PUT",
            url,
            what=f"the graph {graph}",
            retry=False,
            timeout=self.endpoints.load_timeout,
            params={"graph": str(graph)},
            content=payload,
            headers={"Content-Type": _NT},
        )

    def drop_graph(self, graph: URIRef) -> None:
        self._post_update(f"DROP SILENT GRAPH {_iri(graph)} ;\n{self._bump_update(graph)}")

    def close(self) -> None:
        self._client.close()


def _iri(graph: URIRef) -> str:
    if isinstance(graph, BNode) or not str(graph):
        raise StoreError(f"a graph name must be an IRI, not {graph!r}")
    return bind_values("<urn:govgraph:param:g>", {"g": [URIRef(str(graph))]})


def _raise_for_status(response: httpx.Response, url: str, what: str) -> None:
    if response.status_code < 400:
        return
    detail = response.text.strip()[:600] or response.reason_phrase
    if response.status_code in (400, 413, 415):
        raise QueryError(f"{url} refused {what} ({response.status_code}): {detail}")
    if response.status_code in (401, 403):
        raise StoreError(
            f"{url} refused {what} ({response.status_code}): check the user and password in "
            "the store URL and the server's permissions"
        )
    if response.status_code == 404:
        raise StoreError(
            f"no SPARQL service at {url} (404): check the store URL's path and its "
            "query=, update= and gsp= options"
        )
    raise StoreError(f"{url} failed on {what} ({response.status_code}): {detail}")


def _check_media(response: httpx.Response, media_type: str, rdf_media_type: str) -> None:
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    if kind and kind not in (media_type, rdf_media_type):
        raise QueryError(f"the SPARQL endpoint answered {kind}, not {media_type}")


_ESCAPE = re.compile(rb"\\(\\|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")
_ECHAR = {'"': b'\\"', "\\": b"\\\\", "\n": b"\\n", "\r": b"\\r"}


def sparql_safe(ntriples: bytes) -> bytes:
    """N-Triples that mean the same inside SPARQL ``INSERT DATA``.

    N-Triples is SPARQL's triple syntax, except that some engines (Jena's, following the
    SPARQL spec) expand ``\\uXXXX`` escapes *before* parsing, so ``"\\u0022"`` would end a
    string there. Such escapes are decoded into the character itself, or its two-character
    escape where the string syntax needs one; an escaped backslash is left as it is.
    """
    if b"\\u" not in ntriples and b"\\U" not in ntriples:
        return ntriples

    def decode(match: re.Match[bytes]) -> bytes:
        body = match.group(1)
        if body == b"\\":
            return b"\\\\"
        char = chr(int(body[1:], 16))
        return _ECHAR.get(char) or char.encode("utf-8", "surrogatepass")

    return _ESCAPE.sub(decode, ntriples)
