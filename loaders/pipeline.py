"""Run loaders into a store: one named graph per source, all-or-nothing per source.

Every source is read and checked completely before anything is written (into an rdflib
graph, or for a large RDF file into a spooled N-Triples file that the store reads in a
stream); a source that fails is reported and leaves its graph (and every other graph)
exactly as it was. A
source that succeeds replaces its graph atomically, so reloading is idempotent. After
the sources, the ontology graph and the inferred closure are refreshed so that queries
always see a consistent landscape.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from govgraph.graph.errors import GovgraphError, SourceError, StoreError
from govgraph.graph.queries import query
from govgraph.graph.store import Store, graph_to_ntriples
from govgraph.loaders.base import Loader, SourceInfo
from govgraph.loaders.resolve import Resolver
from govgraph.loaders.triples import literal_date
from govgraph.ontology.terms import GG, INFERRED_GRAPH, PROV

CODE_SCHEMES: dict[str, str] = {
    str(GG.gssCode): "gss",
    str(GG.careServiceNumber): "care-service",
    str(GG.charityNumber): "charity",
    str(GG.companyNumber): "company",
    str(GG.govukSlug): "govuk",
}


@dataclass
class SourceResult:
    info: SourceInfo
    triples: int = 0
    entities: int = 0
    new_entities: int = 0
    unresolved: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


@dataclass
class LoadReport:
    sources: list[SourceResult] = field(default_factory=list)
    ontology_triples: int = 0
    inferred_triples: int = 0
    total_quads: int = 0
    validation: object | None = None
    """A :class:`govgraph.graph.validation.ValidationReport`, when validation ran."""

    @property
    def failed(self) -> list[SourceResult]:
        return [s for s in self.sources if s.error]


def resolver_from_store(store: Store, exclude: URIRef | None = None) -> Resolver:
    """A resolver that knows every named entity already stored, by name, alias and code,
    except what the graph ``exclude`` says (the source about to be reloaded)."""
    resolver = Resolver()
    names: dict[URIRef, list[str]] = {}
    bound = {"exclude": [exclude or URIRef("urn:govgraph:nothing")]}
    rows = store.select(query("entity_names"), bound)
    # preferred names first (a stable sort), so the label is one whatever the engine's order
    for row in sorted(rows, key=lambda r: "pref" not in r):
        names.setdefault(row["e"], []).append(str(row["name"]))  # type: ignore[arg-type]
    codes: dict[URIRef, list[tuple[str, str]]] = {}
    for row in store.select(query("entity_codes"), bound):
        scheme = CODE_SCHEMES.get(str(row["p"]))
        if scheme:
            codes.setdefault(row["e"], []).append((scheme, str(row["code"])))  # type: ignore[arg-type]
    for iri in names.keys() | codes.keys():
        resolver.add(iri, names.get(iri, []), codes.get(iri, []))
    return resolver


def provenance(info: SourceInfo, loaded_at: str) -> Graph:
    """The PROV-O description of a source, stored inside the source's own graph so that
    replacing the graph replaces its provenance with it."""
    g = Graph()
    s = info.graph
    g.add((s, RDF.type, PROV.Entity))
    g.add((s, RDF.type, GG.Dataset))
    g.add((s, DCTERMS.title, Literal(info.title)))
    g.add((s, DCTERMS.source, Literal(info.origin)))
    g.add((s, DCTERMS.license, Literal(info.licence)))
    if info.publisher:
        g.add((s, DCTERMS.publisher, Literal(info.publisher)))
    if info.attribution:
        g.add((s, DCTERMS.rights, Literal(info.attribution)))
    if info.published:
        g.add((s, DCTERMS.issued, literal_date(info.published)))  # "2021" is no xsd:date
    g.add((s, PROV.generatedAtTime, Literal(loaded_at, datatype=XSD.dateTime)))
    return g


def _quiet() -> bool:
    return bool(os.environ.get("CI")) or not sys.stderr.isatty()


def load_sources(
    store: Store,
    loaders: Sequence[Loader],
    *,
    validate: bool = True,
    progress: bool | None = None,
    on_source: Callable[[SourceResult], None] | None = None,
) -> LoadReport:
    """Load each source into its own graph, then refresh the ontology and inferences."""
    from govgraph.graph.ontology_graph import load_ontology
    from govgraph.graph.reasoning import materialise

    report = LoadReport()
    infos = [_info(loader) for loader in loaders]
    _check_distinct_graphs(loaders, infos)  # before anything is written
    show = (not _quiet()) if progress is None else progress
    ctx = _progress(len(loaders)) if show else nullcontext(None)
    with ctx as bar:
        report.ontology_triples = load_ontology(store)
        known = {row["e"] for row in store.select(query("entity_iris"))}
        for loader, info in zip(loaders, infos, strict=True):
            result = _load_one(store, loader, info, known)
            report.sources.append(result)
            if on_source:
                on_source(result)
            if bar is not None:
                bar.advance_source(result)
        if any(s.error is None for s in report.sources) or not loaders:
            report.inferred_triples = materialise(store)
        else:  # nothing changed: leave the closure, and the store, exactly as they were
            report.inferred_triples = store.count(INFERRED_GRAPH)
    report.total_quads = store.count()
    if validate:
        from govgraph.graph.validation import validate as run_validation

        report.validation = run_validation(store)
    return report


def _message(loader: Loader, exc: Exception) -> str:
    """A SourceError says where; anything else is named with its type and the file."""
    if isinstance(exc, GovgraphError):
        return str(exc)
    return f"{loader.path}: {type(exc).__name__}: {exc}"


def _read_source(
    loader: Loader, resolver: Resolver, info: SourceInfo, loaded_at: str, spool: Path
) -> tuple[Graph | Path, set[object]]:
    """The source's triples with their provenance, and its labelled subjects.

    A loader that can write N-Triples (a large RDF file) writes them to a file in ``spool``
    that the store then reads in a stream, so memory does not grow with the source; any
    other loader's triples are gathered in an rdflib graph."""
    prov = provenance(info, loaded_at)
    path = spool / "source.nt"
    with path.open("wb") as out:
        out.write(graph_to_ntriples(prov))
        labelled = loader.write_ntriples(out)
    if labelled is not None:
        return path, {URIRef(iri) for iri in labelled}
    path.unlink()
    graph = prov
    for triple in loader.triples(resolver):
        graph.add(triple)
    return graph, set(graph.subjects(SKOS.prefLabel, None))


def _info(loader: Loader) -> SourceInfo | SourceResult:
    """The source's description, or its failure (an unreadable source, or one whose id names
    a graph it may not write: see :func:`~govgraph.loaders.registry.graph_claim_problem`)."""
    from govgraph.loaders.registry import graph_claim_problem

    try:
        info = loader.info()
        claimed = graph_claim_problem(loader.kind, info.id)
        if claimed:
            raise SourceError(claimed, file=str(loader.path), field="source id")
    except Exception as exc:  # one unreadable source must not stop the others
        return SourceResult(
            info=SourceInfo(id="?", title=str(loader.path), origin=str(loader.path), licence=""),
            error=_message(loader, exc),
        )
    return info


def _check_distinct_graphs(
    loaders: Sequence[Loader], infos: Sequence[SourceInfo | SourceResult]
) -> None:
    """Refuse a command in which two sources would write the same graph: the second would
    silently replace the first (two RDF files with the same name, two mappings with one id)."""
    first: dict[str, Loader] = {}
    for loader, info in zip(loaders, infos, strict=True):
        if isinstance(info, SourceResult):
            continue
        earlier = first.setdefault(info.id, loader)
        if earlier is not loader:
            raise SourceError(
                f"two sources would write the same graph ggraph:{info.id}: {earlier.path} and "
                f"{loader.path}; load them in separate commands or give them different ids"
            )


def _load_one(
    store: Store, loader: Loader, info: SourceInfo | SourceResult, known: set[object]
) -> SourceResult:
    """Load one source; ``known`` (entities already stored) gains the source's entities."""
    started = time.perf_counter()
    if isinstance(info, SourceResult):
        return info
    result = SourceResult(info=info)
    resolver = resolver_from_store(store, exclude=info.graph)
    loaded_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    with tempfile.TemporaryDirectory(prefix="govgraph-load-") as spool:
        try:  # nothing is stored until the whole source has been read and checked
            graph, labelled = _read_source(loader, resolver, info, loaded_at, Path(spool))
        except Exception as exc:  # one bad or buggy source must not stop the others
            result.error = _message(loader, exc)
        if result.error is None:
            try:
                result.triples = store.replace_graph(info.graph, graph)
            except (StoreError, UnicodeError, ValueError) as exc:  # atomic: the old graph stays
                result.error = f"{loader.path}: the store refused the source's triples: {exc}"
    if result.error is None:
        result.entities = len(labelled)
        result.new_entities = len(labelled - known)
        known |= labelled
    result.unresolved = list(loader.notes.unresolved)
    result.warnings = list(loader.notes.warnings)
    result.seconds = time.perf_counter() - started
    return result


class _progress:
    """A rich progress bar on a terminal; nothing at all in CI or when piped."""

    def __init__(self, total: int) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("[bold]loading[/]"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} sources"),
            TimeElapsedColumn(),
            transient=True,
        )
        self._task = self._progress.add_task("load", total=total)

    def __enter__(self) -> _progress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)

    def advance_source(self, result: SourceResult) -> None:
        self._progress.advance(self._task)
