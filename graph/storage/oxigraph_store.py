"""The embedded backend: Oxigraph through pyoxigraph, in memory or persisted on disk.

Chosen as the default because it answers SPARQL 10-100x faster than rdflib's own store and
bulk-loads 10x faster (figures in the README), is transactional per call, and persists in
one directory with no server to run.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO, ClassVar, overload

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from govgraph.graph.core.errors import QueryError, StoreError
from govgraph.graph.storage.store import (
    STAGING_PREFIX,
    Row,
    Store,
    Triple,
    bind_values,
    digest_version,
    graph_to_ntriples,
    new_version_token,
    staging_graph,
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


OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""A term as pyoxigraph gives it; an RDF-star triple term is refused (none is stored)."""


@overload
def to_rdflib(term: OxTerm) -> Node: ...
@overload
def to_rdflib(term: None) -> None: ...
def to_rdflib(term: OxTerm | None) -> Node | None:
    """The rdflib term for a pyoxigraph term (None for None); a StoreError for a triple term."""
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


@overload
def plain(term: ox.NamedNode | ox.BlankNode | ox.Triple) -> ox.NamedNode | ox.BlankNode: ...
@overload
def plain(term: OxTerm) -> ox.NamedNode | ox.BlankNode | ox.Literal: ...
def plain(term: OxTerm) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """``term`` as the store holds it: an RDF-star triple term is a StoreError (none is
    stored, but pyoxigraph's types admit one wherever a subject or object may stand)."""
    if isinstance(term, ox.Triple):
        raise StoreError(f"unsupported term {term!r}")
    return term


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


def rows_of(result: object) -> list[Row]:
    """SELECT solutions (from the engine or parsed from an endpoint) as rows of rdflib terms."""
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names = [v.value for v in result.variables]
    rows: list[Row] = []
    for solution in result:
        row: Row = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = to_rdflib(value)
        rows.append(row)
    return rows


def strings_of(result: object) -> list[dict[str, str]]:
    """SELECT solutions as rows of plain strings (``term.value``): no rdflib term is built."""
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names = [v.value for v in result.variables]
    rows: list[dict[str, str]] = []
    for solution in result:
        row: dict[str, str] = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = value.value
        rows.append(row)
    return rows


def bool_of(result: object) -> bool:
    if not isinstance(result, ox.QueryBoolean):
        raise QueryError("expected an ASK query")
    return bool(result)


def triples_of(result: object) -> list[Triple]:
    """CONSTRUCT or DESCRIBE triples (from the engine, or parsed from an endpoint)."""
    if isinstance(result, ox.QuerySolutions | ox.QueryBoolean) or not hasattr(result, "__iter__"):
        raise QueryError("expected a CONSTRUCT or DESCRIBE query")
    return [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in result]


class OxigraphResults:
    """SELECT, ASK and CONSTRUCT for any backend whose ``_results`` gives pyoxigraph results
    (run by the engine, or parsed from an endpoint's answer)."""

    def _results(self, query: str, values: Mapping[str, Sequence[Node]] | None) -> object:
        raise NotImplementedError

    def select(self, query: str, values: Mapping[str, Sequence[Node]] | None = None) -> list[Row]:
        return rows_of(self._results(query, values))

    def select_strings(
        self, query: str, values: Mapping[str, Sequence[Node]] | None = None
    ) -> list[dict[str, str]]:
        return strings_of(self._results(query, values))

    def ask(self, query: str, values: Mapping[str, Sequence[Node]] | None = None) -> bool:
        return bool_of(self._results(query, values))

    def construct(
        self, query: str, values: Mapping[str, Sequence[Node]] | None = None
    ) -> list[Triple]:
        return triples_of(self._results(query, values))


_forked = False


def _in_child() -> None:
    global _forked
    _forked = True


os.register_at_fork(after_in_child=_in_child)
"""The SPARQL endpoint answers ad-hoc queries in a forked child
(:mod:`govgraph.graph.storage.sandbox`).
A child forked while another thread is inside RocksDB inherits that thread's mutexes locked
with no thread left to unlock them: 13 of 300 children hung when forked beside six querying
threads (one SPARQL request in 30 under the load test). A child therefore reads an on-disk
store through a fresh read-only instance of its own: 0 of 300 hung. Blocking every query
while forking instead halved the server's throughput."""


BULK_CHUNK_BYTES = 16 * 1024 * 1024
"""N-Triples handed to one ``bulk_load`` call. Oxigraph's bulk loader keeps a whole call's
quads in memory while it sorts them (902 MB of RSS for one call of 10^6 triples, 141 MB);
calls of 16 MiB (about 10^5 triples) keep it near 150 MB whatever the source's size, at
some cost in time (bench/ and docs/deployment.md, "Loading large files")."""


def _chunks(data: Graph | bytes | Path) -> Iterator[bytes]:
    """The N-Triples of ``data`` in pieces of about :data:`BULK_CHUNK_BYTES`, cut between
    lines (an N-Triples statement is one line); a file is read piece by piece."""
    if isinstance(data, Path):
        stream: BinaryIO = data.open("rb")
    else:
        stream = io.BytesIO(graph_to_ntriples(data))
    carry = b""
    with stream:
        while block := stream.read(BULK_CHUNK_BYTES):
            cut = block.rfind(b"\n") + 1
            if cut == 0:  # one line longer than a piece: keep reading until it ends
                carry += block
                continue
            yield carry + block[:cut]
            carry = block[cut:]
    if carry:
        yield carry


_DEFAULT = ox.DefaultGraph()


class OxigraphStore(OxigraphResults, Store):
    """Each source in its own named graph, and the default graph kept as their RDF merge.

    Oxigraph's ``use_default_graph_as_union`` yields a triple once per named graph that
    states it (on the bundled data 45,215 rows for 45,074 distinct triples), so COUNT(*),
    rdflib's SPARQLStore ``len()`` and the landscape's triple count disagreed with
    COUNT(DISTINCT). Here every write keeps the real default graph equal to the set union
    of the named graphs, in the same transaction, and queries read it directly. A store
    written before this (an empty default graph beside data) is merged when opened for
    writing, and read as the union meanwhile. ``merged=False`` keeps the old union reading
    for the in-memory copies that what-ifs edit quad by quad
    (:mod:`govgraph.graph.analysis.snapshot`).
    """

    version_in_memory: ClassVar[bool] = True

    def __init__(self, path: Path | None, *, read_only: bool = False, merged: bool = True) -> None:
        self.path = path
        self.read_only = read_only
        self.merged = merged
        self.url = "memory:" if path is None else f"oxigraph:{path}"
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
                self._recover()
        except OSError as exc:
            raise StoreError(
                f"cannot open the store at {path}: {exc}. Is another govgraph process "
                "(a load or a server) using it?"
            ) from exc
        if merged and not self._has_merge():
            if read_only:
                self.merged = False  # written before the merge existed: read the union
            else:
                self._rebuild_merge()
        self._version: str | None = None
        if path is None:
            self._version = new_version_token()
        elif self.version_path is not None and self.version_path.exists():
            self._version = self.version_path.read_text("utf-8").strip() or None
        elif not read_only:
            self._bump()

    def _has_merge(self) -> bool:
        """True when the default graph holds the merge: it has triples, or nothing does."""
        store = self._store
        if any(True for _ in store.quads_for_pattern(None, None, None, _DEFAULT)):
            return True
        return not any(True for _ in store)

    def _rebuild_merge(self) -> None:
        """The default graph made again from the named graphs (an old store, or a load that
        failed half-way)."""
        store = self._store
        store.update("CLEAR SILENT DEFAULT")
        for g in store.named_graphs():
            if isinstance(g, ox.NamedNode) and not g.value.startswith(STAGING_PREFIX):
                store.update(f"ADD SILENT GRAPH <{g.value}> TO DEFAULT")

    # --- data version ----------------------------------------------------------------
    @property
    def version_path(self) -> Path | None:
        """Beside the store directory: its data version, rewritten by every write, so that
        read-only processes opening the same store agree on it."""
        return None if self.path is None else self.path.with_name(self.path.name + ".version")

    def data_version(self) -> str:
        """O(1): a token bumped by every write through this object (only one process can
        write an embedded store, and a read-only one never sees later writes). A store
        written before versions were kept is digested once."""
        if self._version is None:
            self._version = digest_version(self)
        return self._version

    def touch(self) -> None:
        """Bump the data version; for edits made on the engine directly (snapshot copies)."""
        self._bump()

    def _bump(self) -> None:
        self._version = new_version_token()
        path = self.version_path
        if path is not None and not self.read_only:
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(self._version + "\n", "utf-8")
            os.replace(tmp, path)

    # --- reading -------------------------------------------------------------------
    def _engine(self) -> ox.Store:
        """The engine to query: in a forked child, a fresh read-only instance (see _forked)."""
        if _forked and self.path is not None:
            fresh = self.__dict__.get("_child_engine")
            if fresh is None:
                fresh = self._child_engine = ox.Store.read_only(str(self.path))
            return fresh
        return self._store

    def _results(self, query: str, values: Mapping[str, Sequence[Node]] | None) -> object:
        try:
            return self._engine().query(
                bind_values(query, values),
                prefixes=PREFIXES,
                use_default_graph_as_union=not self.merged,
            )
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def query_serialized(
        self, query: str, media_type: str, rdf_media_type: str = "text/turtle"
    ) -> bytes:
        result = self._results(query, None)
        if isinstance(result, ox.QueryTriples):
            fmt = _RDF_FORMATS.get(rdf_media_type)
            if fmt is None:
                raise QueryError(f"cannot serialise a graph result as {rdf_media_type}")
            return result.serialize(format=fmt) or b""  # None only when given an output
        fmt_r = _RESULT_FORMATS.get(media_type)
        if fmt_r is None:
            raise QueryError(f"cannot serialise query results as {media_type}")
        if not isinstance(result, ox.QuerySolutions | ox.QueryBoolean):  # not reached
            raise QueryError("expected a SELECT, ASK, CONSTRUCT or DESCRIBE query")
        return result.serialize(format=fmt_r) or b""  # None only when given an output

    def graphs(self) -> list[URIRef]:
        return sorted(
            URIRef(g.value)
            for g in self._store.named_graphs()
            if isinstance(g, ox.NamedNode) and not g.value.startswith(STAGING_PREFIX)
        )

    def graph_triples(self, graph: URIRef) -> Iterator[Triple]:
        for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))):
            yield (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))

    def count(self, graph: URIRef | None = None) -> int:
        """Triples in one named graph, or distinct triples in the default graph (the merge)."""
        if graph is not None:
            where = f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        elif self.merged:
            where = "?s ?p ?o"
        else:
            where = "{ SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
        rows = self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        if isinstance(rows, ox.QuerySolutions):  # always, for a SELECT
            for row in rows:
                return int(row["n"].value)
        return 0

    # --- writing -------------------------------------------------------------------
    def replace_graph(self, graph: URIRef, data: Graph | bytes | Path) -> int:
        """Bulk-load the new version, then make it the graph in one transaction.

        ``bulk_load`` runs 3-4x faster than a transactional ``load`` on disk but is not
        atomic, so it only writes where no finished data is replaced:

        * a first load (the target is empty): straight into the target, with a journal file
          beside the store written before and removed after. A bad payload removes what was
          written; a crash leaves the journal, and the next open removes the half-loaded
          graph. Only a thread of this process could see the graph filling: no other
          process can open the store while it is open for writing.
        * a reload: into the staging graph, then one SPARQL Update drops the old version and
          adds the staged one (one transaction: a reader sees the old graph or the new one).
        """
        target = ox.NamedNode(str(graph))
        staging = ox.NamedNode(str(staging_graph(graph)))
        store = self._store
        try:
            if store.contains_named_graph(staging):
                store.remove_graph(staging)
            if not self._holds_data(target):
                self._first_load(target, data)
            else:
                try:
                    self._bulk_load(data, staging)
                except SyntaxError:
                    store.remove_graph(staging)
                    raise
                merge = f"ADD SILENT GRAPH <{staging.value}> TO DEFAULT ; " if self.merged else ""
                store.update(
                    self._unmerge(target, keep=staging)
                    + f"DROP SILENT GRAPH <{target.value}> ; "
                    + f"ADD SILENT GRAPH <{staging.value}> TO GRAPH <{target.value}> ; "
                    + merge
                    + f"DROP SILENT GRAPH <{staging.value}>"
                )
            if not store.contains_named_graph(target):
                store.add_graph(target)
        except SyntaxError as exc:
            raise StoreError(f"invalid N-Triples for {graph}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"could not write {graph}: {exc}") from exc
        finally:
            self._bump()  # even a failed write may have touched the store: never stale
        return self.count(graph)

    def _holds_data(self, graph: ox.NamedNode) -> bool:
        return any(True for _ in self._store.quads_for_pattern(None, None, None, graph))

    def _unmerge(self, graph: ox.NamedNode, keep: ox.NamedNode | None = None) -> str:
        """The Update removing from the merge what only ``graph`` states (and ``keep``,
        its replacement, does not): a triple another graph states stays."""
        if not self.merged:
            return ""
        others = f"<{graph.value}>" + (f", <{keep.value}>" if keep is not None else "")
        kept = f"FILTER NOT EXISTS {{ GRAPH <{keep.value}> {{ ?s ?p ?o }} }} " if keep else ""
        return (
            f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} {kept}"
            "FILTER NOT EXISTS { GRAPH ?other { ?s ?p ?o } "
            f"FILTER (?other NOT IN ({others})) }} }} ; "
        )

    def _bulk_load(
        self, data: Graph | bytes | Path, graph: ox.NamedNode, *, merge: bool = False
    ) -> None:
        """``merge`` also adds each piece to the default graph (a first load: the triples
        are new to their graph, and adding one the merge holds already changes nothing)."""
        for chunk in _chunks(data):
            self._store.bulk_load(chunk, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            if merge:
                self._store.bulk_load(chunk, format=ox.RdfFormat.N_TRIPLES, to_graph=_DEFAULT)

    def _first_load(self, target: ox.NamedNode, data: Graph | bytes | Path) -> None:
        journal = self.journal_path
        if journal is not None:  # a file, not a quad: a write to RocksDB would slow bulk_load
            with open(journal, "w", encoding="utf-8") as f:
                f.write(target.value + "\n")
                f.flush()
                os.fsync(f.fileno())
        try:
            self._bulk_load(data, target, merge=self.merged)
        except BaseException:
            self._store.remove_graph(target)  # if this fails too, the journal stays
            if self.merged:
                self._rebuild_merge()
            if journal is not None:
                journal.unlink(missing_ok=True)
            raise
        if journal is not None:
            journal.unlink(missing_ok=True)

    @property
    def journal_path(self) -> Path | None:
        """Beside the store directory: names the graph a first load is filling, until done."""
        return None if self.path is None else self.path.with_name(self.path.name + ".loading")

    def _recover(self) -> None:
        """Undo what a crashed process left: a half-done first load and staging graphs."""
        journal = self.journal_path
        if journal is not None and journal.exists():
            for line in journal.read_text("utf-8").splitlines():
                if line.strip():
                    self._store.remove_graph(ox.NamedNode(line.strip()))
            if self.merged:
                self._rebuild_merge()
            journal.unlink()
        for g in list(self._store.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX):
                self._store.remove_graph(g)

    def drop_graph(self, graph: URIRef) -> None:
        node = ox.NamedNode(str(graph))
        if self._store.contains_named_graph(node):
            self._store.update(self._unmerge(node) + f"DROP SILENT GRAPH <{node.value}>")
            if self._store.contains_named_graph(node):
                self._store.remove_graph(node)
            self._bump()

    def backup(self, target: Path) -> None:
        """A consistent copy in a new directory (a RocksDB checkpoint: hard links)."""
        if self.path is None:
            raise StoreError("an in-memory store cannot be backed up to disk")
        self._store.backup(str(target))

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            with contextlib.suppress(OSError):
                self._store.flush()
        del self._store
