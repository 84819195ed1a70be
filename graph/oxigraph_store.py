"""The embedded backend: Oxigraph through pyoxigraph, in memory or persisted on disk.

Chosen as the default because it answers SPARQL 10-100x faster than rdflib's own store and
bulk-loads 10x faster (figures in the README), is transactional per call, and persists in
one directory with no server to run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from govgraph.graph.errors import QueryError, StoreError
from govgraph.graph.store import (
    STAGING_PREFIX,
    Row,
    Store,
    Triple,
    bind_values,
    graph_to_ntriples,
)
from govgraph.ontology.terms import PREFIXES

_XSD_STRING = str(XSD.string)

_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise StoreError(f"unsupported term {term!r}")


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"unsupported term {term!r}")


class OxigraphStore(Store):
    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.url = "memory:" if path is None else f"oxigraph:{path}"
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(
                f"cannot open the store at {path}: {exc}. Is another govgraph process "
                "(a load or a server) using it?"
            ) from exc

    # --- reading -------------------------------------------------------------------
    def _query(self, query: str, values: Mapping[str, Sequence[Node]] | None) -> object:
        try:
            return self._store.query(
                bind_values(query, values), prefixes=PREFIXES, use_default_graph_as_union=True
            )
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def select(self, query: str, values: Mapping[str, Sequence[Node]] | None = None) -> list[Row]:
        result = self._query(query, values)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        rows: list[Row] = []
        for solution in result:
            row: Row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = to_rdflib(value)  # type: ignore[assignment]
            rows.append(row)
        return rows

    def ask(self, query: str, values: Mapping[str, Sequence[Node]] | None = None) -> bool:
        result = self._query(query, values)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(result)

    def construct(
        self, query: str, values: Mapping[str, Sequence[Node]] | None = None
    ) -> list[Triple]:
        result = self._query(query, values)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return [
            (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))  # type: ignore[misc]
            for t in result
        ]

    def query_serialized(
        self, query: str, media_type: str, rdf_media_type: str = "text/turtle"
    ) -> bytes:
        result = self._query(query, None)
        if isinstance(result, ox.QueryTriples):
            fmt = _RDF_FORMATS.get(rdf_media_type)
            if fmt is None:
                raise QueryError(f"cannot serialise a graph result as {rdf_media_type}")
            return result.serialize(format=fmt)  # type: ignore[no-any-return]
        fmt_r = _RESULT_FORMATS.get(media_type)
        if fmt_r is None:
            raise QueryError(f"cannot serialise query results as {media_type}")
        return result.serialize(format=fmt_r)  # type: ignore[attr-defined,no-any-return]

    def graphs(self) -> list[URIRef]:
        return sorted(
            URIRef(g.value)
            for g in self._store.named_graphs()
            if isinstance(g, ox.NamedNode) and not g.value.startswith(STAGING_PREFIX)
        )

    def graph_triples(self, graph: URIRef) -> Iterator[Triple]:
        for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))):
            yield (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))  # type: ignore[misc]

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            return len(self._store)
        rows = self._store.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        )
        for row in rows:  # type: ignore[union-attr]
            return int(row["n"].value)
        return 0

    # --- writing -------------------------------------------------------------------
    def replace_graph(self, graph: URIRef, data: object) -> int:
        """Load into a staging graph (one transaction), then MOVE it over the target (a
        second transaction). A crash between the two leaves only a staging graph, which
        the next load of that source clears; the target is never half-written."""
        payload = graph_to_ntriples(data)  # type: ignore[arg-type]
        target = ox.NamedNode(str(graph))
        staging = ox.NamedNode(STAGING_PREFIX + str(graph).rsplit("/", 1)[-1])
        try:
            self._store.remove_graph(staging) if self._store.contains_named_graph(staging) else None
            self._store.load(payload, format=ox.RdfFormat.N_TRIPLES, to_graph=staging)
            self._store.update(
                f"DROP SILENT GRAPH <{target.value}> ; "
                f"ADD SILENT GRAPH <{staging.value}> TO GRAPH <{target.value}> ; "
                f"DROP SILENT GRAPH <{staging.value}>"
            )
        except SyntaxError as exc:
            raise StoreError(f"invalid N-Triples for {graph}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"could not write {graph}: {exc}") from exc
        if not self._store.contains_named_graph(target):
            self._store.add_graph(target)
        return self.count(graph)

    def drop_graph(self, graph: URIRef) -> None:
        node = ox.NamedNode(str(graph))
        if self._store.contains_named_graph(node):
            self._store.remove_graph(node)

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            with contextlib.suppress(OSError):
                self._store.flush()
        del self._store
