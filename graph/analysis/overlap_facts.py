"""The facts every overlap analysis reads, fetched once in a handful of bulk queries.

The analyses count pairs in Python with inverted indexes; SPARQL only fetches facts. Rows
travel as TSV (N-Triples terms) and are decoded here into plain strings, which is several
times faster than building rdflib terms for each of the hundreds of thousands of rows a
landscape of 10^5 bodies yields.
"""

from __future__ import annotations

import contextvars
import re
import sys
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any, NamedTuple

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from govgraph.graph.analysis.findings import Fact, Subject
from govgraph.graph.analysis.scope import one_hop
from govgraph.graph.core.names import common_name
from govgraph.graph.facts.records import SourceRef
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store, bind_values
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG, INFERRED_GRAPH, ONTOLOGY_GRAPH

_TSV = "text/tab-separated-values"
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}

Lazy = Callable[[], Fact]
"""A fact not yet formatted: call it to get the :class:`Fact`."""
Cited = tuple[str, str]
"""(document IRI, locator): a citation, its title looked up only when shown."""
Edge = tuple[str, str, str]
"""(subject, property IRI, object)."""

EDGE_PROPERTIES = (
    GG.hasInterestIn,
    GG.hasRemitIn,
    GG.servesClientGroup,
    GG.operatesIn,
    GG.leadOrganisation,
    GG.hasCommitment,
    GG.linkedAction,
    GG.priorityArea,
)
"""Non-relationship properties the analyses read, besides every relationship kind."""
MAX_SOURCES = 3
"""Sources shown per fact: enough to check it, few enough to read."""


def _unescape(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)

    return _ESCAPE.sub(repl, text) if "\\" in text else text


def decode(term: str) -> str:
    """An N-Triples term as a plain string: an IRI without brackets, a literal's lexical
    form (language and datatype dropped), '' for an unbound cell."""
    if not term:
        return ""
    if term[0] == "<":
        return sys.intern(term[1:-1])  # an IRI recurs in many rows: keep one copy
    if term[0] == '"':
        end = term.rfind('"')
        return _unescape(term[1:end])
    return term  # bare numbers and booleans


@cache
def _class_closure() -> dict[str, frozenset[str]]:
    m = ontology.model()
    return {str(c): frozenset({str(c), *(str(a) for a in m.ancestors(c))}) for c in m.classes}


@dataclass(frozen=True)
class NodeCitations:
    """The rows :attr:`Facts.edge_citations` and :attr:`Facts.statutory` are built from, by
    the node that states them, in the order :func:`fetch` read them."""

    bases: tuple[tuple[str, Edge, str], ...]
    """(reified node, stated triple, the Act and section it gives)."""
    citations: tuple[tuple[str, tuple[Edge, ...], tuple[Cited, ...]], ...]
    """(reified node, the triples it states, where it is cited)."""
    statements: tuple[tuple[str, Edge], ...] = ()
    """(reified node, a triple it states) for every node, cited or not."""


@dataclass
class Facts:
    """What the graph says, as plain strings, indexed for the analyses."""

    names: dict[str, str] = field(default_factory=dict)
    """entity -> the name people use (:func:`~govgraph.graph.core.names.common_name`)."""
    long_names: dict[str, str] = field(default_factory=dict)
    """entity -> its full name, where the name people use is an abbreviation (COSLA)."""
    types: dict[str, frozenset[str]] = field(default_factory=dict)
    """entity -> every gg class it belongs to (asserted, closed over subClassOf). Entities
    of one asserted class (nearly all) share that class's frozenset: no set per entity."""
    asserted: dict[str, frozenset[str]] = field(default_factory=dict)
    edges: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    """property IRI -> (subject, object, graph) as asserted, sorted."""
    edge_citations: dict[Edge, list[Cited]] = field(default_factory=lambda: defaultdict(list))
    entity_citations: dict[str, list[Cited]] = field(default_factory=lambda: defaultdict(list))
    statutory: dict[Edge, str] = field(default_factory=dict)
    """stated triple -> the Act and section its relationship gives (gg:statutoryBasis)."""
    documents: dict[str, str] = field(default_factory=dict)
    """document or dataset IRI -> title."""
    source_documents: set[str] = field(default_factory=set)
    """The documents that are reports or plans (gg:SourceDocument), not datasets."""
    graph_titles: dict[str, str] = field(default_factory=dict)
    assessments: dict[str, tuple[str, str]] = field(default_factory=dict)
    """action -> (latest status IRI, its date)."""
    figures: dict[str, dict[str, str]] = field(default_factory=dict)
    collectives: dict[str, str] = field(default_factory=dict)
    """collective -> the class it stands for ('' when not said)."""
    by_node: NodeCitations | None = None
    """What each reified relationship node and each citing entity adds, kept only when
    asked for (``fetch(store, by_node=True)``): a date diff drops the nodes that do not hold
    on a day and rebuilds :attr:`edge_citations` and :attr:`statutory` from the rest."""
    derived: dict[str, Any] = field(default_factory=dict)
    """What several analyses derive from the facts (lines, seats), computed once."""
    classes: dict[tuple[URIRef, ...], frozenset[str]] = field(default_factory=dict)
    made: dict[tuple[str, ...], Fact] = field(default_factory=dict)
    """Facts already formatted: one membership or line backs many findings."""

    # --- looking things up ------------------------------------------------------------
    def name(self, iri: str) -> str:
        return self.names.get(iri) or iri.rsplit("/", 1)[-1]

    def is_a(self, iri: str, cls: URIRef | str) -> bool:
        return str(cls) in self.types.get(iri, ())

    def of_class(self, *classes: URIRef) -> frozenset[str]:
        """Every entity of any of ``classes`` (computed once per set of classes): a set
        lookup in the analyses' loops instead of a class test per entity and class."""
        found = self.classes.get(classes)
        if found is None:
            wanted = frozenset(str(c) for c in classes)
            found = frozenset(e for e, ts in self.types.items() if not wanted.isdisjoint(ts))
            self.classes[classes] = found
        return found

    def type_of(self, iri: str) -> str:
        return _most_specific(self.asserted.get(iri, frozenset()))

    def subject(self, iri: str) -> Subject:
        return Subject(iri, self.name(iri), self.type_of(iri), self.long_names.get(iri, ""))

    def subjects(self, iris: Sequence[str]) -> tuple[Subject, ...]:
        return tuple(self.subject(i) for i in iris)

    def pairs(self, prop: URIRef) -> list[tuple[str, str, str]]:
        return self.edges.get(str(prop), [])

    def scotland(self) -> set[str]:
        """The Scottish landscape (:mod:`govgraph.graph.analysis.scope`): entities a source document
        cites or placed in an area, and what one stated relationship joins to them."""
        if "scotland" not in self.derived:
            cited = {
                e
                for e, cites in self.entity_citations.items()
                if any(d in self.source_documents for d, _ in cites)
            }
            core = cited | {s for s, _, _ in self.pairs(GG.operatesIn)}
            # a provider is not near the core through its service; the test is made once
            # per kind, not per row (a namespace attribute costs a lookup each time)
            kinds = [k for k in relationship_kind_iris() if k != GG.provides]
            links = ((s, o) for kind in kinds for s, o, _ in self.pairs(kind))
            self.derived["scotland"] = one_hop(core, links)
        found: set[str] = self.derived["scotland"]
        return found

    def edge_sources(
        self, s: str, p: str, o: str, graphs: Sequence[str] = ()
    ) -> tuple[SourceRef, ...]:
        """Where a stated triple comes from: its reified node's citations, else the title of
        the source graph that asserts it."""
        refs = [self._ref(c) for c in self.edge_citations.get((s, p, o), ())]
        if not refs:
            refs = [SourceRef(self.graph_titles[g]) for g in graphs if g in self.graph_titles]
        return _unique(refs)

    def entity_sources(self, iri: str, graphs: Sequence[str] = ()) -> tuple[SourceRef, ...]:
        refs = [self._ref(c) for c in self.entity_citations.get(iri, ())]
        if not refs:
            refs = [SourceRef(self.graph_titles[g]) for g in graphs if g in self.graph_titles]
        return _unique(refs)

    def _ref(self, cited: Cited) -> SourceRef:
        return SourceRef(self.documents.get(cited[0]) or "(untitled source)", cited[1] or None)

    def edge_ref(self, template: str, s: str, p: str, o: str, graph: str = "") -> Lazy:
        """A fact built only when a finding uses it: ``template`` names ``{s}``, ``{p}`` (the
        kind's label) and ``{o}``. Most candidate facts are never shown, so this keeps
        analyses of 10^5 bodies from formatting millions of sentences."""
        return partial(self._edge, template, s, p, o, graph)

    def entity_ref(self, template: str, s: str, o: str = "", graph: str = "") -> Lazy:
        """Like :meth:`edge_ref`, sourced from the entity's own citations."""
        return partial(self._entity, template, s, o, graph)

    def _edge(self, template: str, s: str, p: str, o: str, graph: str) -> Fact:
        key = (template, s, p, o, graph)
        fact = self.made.get(key)
        if fact is None:
            text = template.format(s=self.name(s), p=label(p), o=self.name(o))
            fact = self.made[key] = self.edge_fact(text, s, p, o, [graph] if graph else [])
        return fact

    def _entity(self, template: str, s: str, o: str, graph: str) -> Fact:
        key = (template, s, o, graph)
        fact = self.made.get(key)
        if fact is None:
            text = template.format(s=self.name(s), o=self.name(o) if o else "")
            fact = self.made[key] = self.entity_fact(text, s, [graph] if graph else [])
        return fact

    def edge_fact(self, text: str, s: str, p: str, o: str, graphs: Sequence[str] = ()) -> Fact:
        return Fact(text, self.edge_sources(s, p, o, graphs))

    def entity_fact(self, text: str, iri: str, graphs: Sequence[str] = ()) -> Fact:
        return Fact(text, self.entity_sources(iri, graphs))


@cache
def _most_specific(types: frozenset[str]) -> str:
    best = ontology.most_specific(URIRef(t) for t in sorted(types))
    return str(best) if best is not None else ""


@cache
def label(iri: str) -> str:
    """The ontology's label of a term (cached: analyses ask for the same few kinds)."""
    return ontology.label(URIRef(iri))


def _unique(refs: list[SourceRef]) -> tuple[SourceRef, ...]:
    seen = sorted(set(refs), key=lambda r: (r.title, r.locator or ""))
    return tuple(seen[:MAX_SOURCES])


def relationship_kind_iris() -> list[URIRef]:
    return [p.iri for p in ontology.relationship_kinds()]


SKIPPED_CLASSES = (GG.Relationship, GG.Citation)
"""Nodes that are not entities: most of a large graph, read through other queries."""


def entity_classes() -> list[URIRef]:
    return sorted(c for c in ontology.model().classes if c not in SKIPPED_CLASSES)


def source_graphs(store: Store) -> list[URIRef]:
    """The graphs sources state: all but the ontology and the reasoner's inferences."""
    return [g for g in store.graphs() if g not in (ONTOLOGY_GRAPH, INFERRED_GRAPH)]


class Job(NamedTuple):
    """A query to run: the name of its ``.rq`` file and the terms bound into it."""

    name: str
    values: dict[str, Sequence[URIRef]] | None = None
    iris: bool = False
    """Keep only rows whose every cell is an IRI: cheaper here than a FILTER in the engine
    (a third of an edge query's time)."""


WORKERS = 2
"""Queries evaluated at once: the engine releases the GIL while it evaluates and
serialises, so one query runs while the rows of another are decoded here."""
AHEAD = 4
"""Answers held waiting to be decoded: bounds the memory the look-ahead costs."""


def answers(store: Store, jobs: Sequence[Job]) -> Iterator[Iterable[Sequence[str]]]:
    """The decoded rows of each job, in order, the engine running ahead of the decoding.

    Each query runs in a copy of the caller's context, so a version pinned for a request
    (:meth:`~govgraph.graph.storage.versioned_store.VersionedStore.pin`) is the one read."""

    def run(job: Job) -> bytes:
        return store.query_serialized(bind_values(query(job.name), job.values), _TSV)

    with ThreadPoolExecutor(WORKERS, thread_name_prefix="overlap-fetch") as pool:
        pending: deque[tuple[Future[bytes], bool]] = deque()
        queue = iter(jobs)
        try:
            while True:
                while len(pending) < AHEAD and (job := next(queue, None)) is not None:
                    future = pool.submit(contextvars.copy_context().run, run, job)
                    pending.append((future, job.iris))
                if not pending:
                    return
                future, iris = pending.popleft()
                yield _decoded(future.result(), iris=iris)
        finally:
            for future, _ in pending:
                future.cancel()


def _decoded(data: bytes, *, iris: bool = False) -> Iterable[Sequence[str]]:
    header, _, body = data.decode("utf-8").partition("\n")
    del data
    rows = _iri_rows(body, header.count("\t") + 1)
    return _rows(body.split("\n"), iris) if rows is None else rows


def _rows(lines: list[str], iris: bool) -> Iterator[list[str]]:
    for i in range(len(lines)):
        line = lines[i]
        lines[i] = ""
        if line:
            cells = line.split("\t")
            if iris and not all(c[:1] == "<" for c in cells):
                continue
            yield [decode(cell) for cell in cells]


def _iri_rows(body: str, width: int) -> Iterable[tuple[str, ...]] | None:
    """The rows of a TSV body whose every cell is an IRI (most fetched rows), brackets
    dropped in a few passes over the whole text instead of a split and a slice per cell;
    None when some cell is not an IRI. An IRI holds no tab, newline, space or angle
    bracket, so the cells are all IRIs exactly when, the outer brackets dropped, every tab
    or newline sits between ``>`` and ``<`` and no bracket is left once those are gone."""
    body = body.rstrip("\n")
    if not body:
        return []
    if body[0] != "<" or body[-1] != ">" or "\r" in body:
        return None
    text = body[1:-1].replace(">\t<", "\n").replace(">\n<", "\n")
    if "<" in text or ">" in text or "\t" in text or " " in text:
        return None
    flat = text.split("\n")
    if len(flat) % width:
        return None
    flat = list(map(sys.intern, flat))  # an IRI recurs in many rows: keep one copy
    return zip(*(flat[i::width] for i in range(width)), strict=True)


def _scan(prop: URIRef) -> Job:
    return Job("overlap_property_scan", {"property": [prop]})


def _values(rows: Iterable[Sequence[str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for s, o in rows:
        found[s].append(o)
    return found


def _few_objects(store: Store, prop: URIRef) -> list[URIRef] | None:
    """The distinct objects of ``prop`` when all are IRIs (else None: read it by a scan)."""
    data = store.query_serialized(
        bind_values(query("overlap_distinct_objects"), {"property": [prop]}), _TSV
    )
    rows = _iri_rows(data.decode("utf-8").partition("\n")[2], 1)
    return None if rows is None else [URIRef(o) for (o,) in rows]


def _grouped(
    results: Iterator[Iterable[Sequence[str]]], values: Sequence[URIRef]
) -> dict[str, list[str]]:
    """Subject -> objects from one answer of subjects per object, in ``values`` order."""
    found: dict[str, list[str]] = defaultdict(list)
    for value in values:
        o = sys.intern(str(value))
        for (s,) in next(results):
            found[s].append(o)
    return found


def fetch(store: Store, *, by_node: bool = False) -> Facts:
    """Read every fact the analyses use: entities per source graph, edges per source graph
    and property (a row carries only the terms that vary: decoding terms is what a disk
    store spends its time on), and citations as single-property scans joined here (five
    scans cost a third of the engine's join of the same patterns). A few hundred queries
    whatever the landscape's size, run two at a time. ``by_node``: keep
    :attr:`Facts.by_node` too."""
    facts = Facts()
    node_bases: list[tuple[str, Edge, str]] = []
    node_citations: list[tuple[str, tuple[Edge, ...], tuple[Cited, ...]]] = []
    closure = _class_closure()
    single: dict[str, frozenset[str]] = {}
    graphs = source_graphs(store)
    classes = entity_classes()
    kinds = relationship_kind_iris()
    properties = [*kinds, *EDGE_PROPERTIES]
    present = _few_objects(store, RDF.type)
    if present is not None:  # of 83 classes, the dozen a landscape uses
        classes = [c for c in classes if c in set(present)]
    jobs = [
        Job("overlap_entities_of", {"graph": [g], "class": [c]}, iris=True)
        for g in graphs
        for c in classes
    ]
    jobs += [Job("overlap_names", {"graph": [g]}) for g in graphs]
    jobs += [
        Job("overlap_edges", {"graph": [g], "property": [prop]}, iris=True)
        for prop in properties
        for g in graphs
    ]
    citation_properties = (
        GG.relationshipKind,
        GG.subject,
        GG.object,
        GG.citation,
        GG.document,
        GG.locator,
        GG.statutoryBasis,
    )
    by_value = {prop: _few_objects(store, prop) for prop in (GG.relationshipKind, GG.document)}
    for prop in citation_properties:
        values = by_value.get(prop)
        if values is None:
            jobs.append(_scan(prop))
        else:
            jobs += [
                Job("overlap_subjects_with", {"property": [prop], "object": [v]}) for v in values
            ]
    jobs.append(_scan(SKOS.altLabel))
    tables = (
        "overlap_documents",
        "overlap_graph_titles",
        "overlap_assessments",
        "overlap_figures",
        "overlap_collective_of",
    )
    jobs += [Job(name) for name in tables]
    results = answers(store, jobs)

    for _ in graphs:
        for e, t in ((e, t) for t in map(str, classes) for (e,) in next(results)):
            t_only = single.get(t)
            if t_only is None:
                t_only = single[t] = frozenset({t})
            before = facts.asserted.get(e)
            if before is None:
                facts.asserted[e] = t_only
                facts.types[e] = closure.get(t, t_only)
            elif t not in before:
                facts.asserted[e] = before | t_only
                facts.types[e] = facts.types[e] | closure.get(t, t_only)
    for _ in graphs:  # the first name in graph order, as the entities were read
        for e, name in next(results):
            if e in facts.types and name and e not in facts.names:
                facts.names[e] = name
    for prop in properties:
        p = sys.intern(str(prop))
        found = [(s, o, sys.intern(str(g))) for g in graphs for s, o in next(results)]
        if found:
            facts.edges[p] = sorted(found)
    kind_of, subject_of, object_of, cited, document_of, locator_of, basis_of = (
        _values(next(results)) if values is None else _grouped(results, values)
        for values in (by_value.get(prop) for prop in citation_properties)
    )
    for x, bases in basis_of.items():  # a line set by an Act: an expected pattern
        for k in kind_of.get(x, ()):
            for s in subject_of.get(x, ()):
                for o in object_of.get(x, ()):
                    facts.statutory[(s, sys.intern(k), o)] = bases[0]
                    if by_node:
                        node_bases.append((x, (s, sys.intern(k), o), bases[0]))
    for x, citations in cited.items():
        places = [
            (d, locator)
            for c in citations
            for d in document_of.get(c, ())
            for locator in locator_of.get(c) or ("",)
        ]
        if not places:
            continue
        if x not in kind_of:
            targets = [facts.entity_citations[x]]
        else:  # a reified relationship: its citations back the stated triple
            stated = [
                (s, sys.intern(k), o)
                for k in kind_of[x]
                for s in subject_of.get(x, ())
                for o in object_of.get(x, ())
            ]
            targets = [facts.edge_citations[key] for key in stated]
            if by_node:
                node_citations.append((x, tuple(stated), tuple(places)))
        for cites in targets:
            for place in places:
                if place not in cites:
                    cites.append(place)
    if by_node:
        statements = tuple(
            (x, (s, sys.intern(k), o))
            for x, kinds in kind_of.items()
            for k in kinds
            for s in subject_of.get(x, ())
            for o in object_of.get(x, ())
        )
        facts.by_node = NodeCitations(tuple(node_bases), tuple(node_citations), statements)
    del kind_of, subject_of, object_of, cited, document_of, locator_of, basis_of
    for e, aliases in _values(next(results)).items():  # the name people use: COSLA
        full = facts.names.get(e)
        if full is not None:
            short = common_name(full, aliases)
            if short != full:
                facts.names[e], facts.long_names[e] = short, full
    for d, title, document in next(results):
        facts.documents.setdefault(d, title)
        if document == "true":
            facts.source_documents.add(d)
    for g, title in next(results):
        facts.graph_titles.setdefault(g, title)
    for a, status, date in next(results):
        if a not in facts.assessments or date > facts.assessments[a][1]:
            facts.assessments[a] = (status, date)
    for f, name, value, unit, about in next(results):
        facts.figures[f] = {"name": name, "value": value, "unit": unit, "about": about}
    for c, cls in next(results):
        facts.collectives[c] = cls
    return facts


def resolve(refs: Iterable[Lazy]) -> tuple[Fact, ...]:
    """The facts of lazy references, each once, in order."""
    return tuple(dict.fromkeys(r() for r in refs))
