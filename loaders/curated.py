"""The curated register: the YAML files policy teams edit, as cited triples.

A curated folder (``data/curated/``) holds the documents every fact cites
(sources.yaml), the bodies, posts, funds and programmes the documents name
(organisations.yaml), generic sets of bodies (collectives.yaml), the relationships between
them (relationships.yaml), policy areas and the Five Foundations (policy_areas.yaml),
change events (events.yaml), The Plan and its phases (phases.yaml) and figures
(figures.yaml). plan.yaml beside them is read by the plan loader, not here.

Every record carries ``gg:citation`` nodes pointing at a seed document and a section. A
relationship is stated twice: the direct triple and a reified, cited ``gg:Relationship``.
Bodies with an official code take the IRI another source already gave that code, so the
curated and official descriptions of a council meet on one node.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from govgraph.loaders.base import Loader, SourceInfo, Triple
from govgraph.loaders.curated_model import AREA_CLASSES, CODE_FIELDS, read_register
from govgraph.loaders.curated_records import Cite, Entity, Register, Relationship
from govgraph.loaders.resolve import Resolver
from govgraph.loaders.triples import citation, cited, labels, resolve_body_code
from govgraph.ontology.terms import GG, SCHEMA, SRC, entity, slug_of

__all__ = ["CuratedLoader", "read_register", "register"]


class CuratedLoader(Loader):
    """Loads a curated folder into the named graph ``ggraph:curated``."""

    kind = "curated"
    graph_ids = ("curated",)

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._register: Register | None = None

    def info(self) -> SourceInfo:
        return SourceInfo(
            id=self.graph_ids[0],
            title="Curated register of the governance around The Promise",
            origin=self.path.name,
            licence="CC-BY-4.0",
            publisher="govgraph developers",
            attribution="Compiled by govgraph developers from the public documents cited.",
            derived_from=tuple(str(SRC[s.id]) for s in self.data.sources),
        )

    @property
    def data(self) -> Register:
        """The checked register; reading it raises SourceError on the first problem."""
        if self._register is None:
            self._register = read_register(self.path)
        return self._register

    def register(self, resolver: Resolver) -> dict[str, URIRef]:
        """Teach ``resolver`` every organisation's and collective's names and codes; returns
        the IRI of each record id."""
        return _register(self.data, resolver)

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        data = self.data
        iris = _register(data, resolver)
        yield from _sources(data)
        for e in data.entities:
            yield from _entity(e, iris[e.id], resolver)
        for rel in data.relationships:
            yield from _relationship(rel, iris)
        yield from _concepts(data)
        yield from _events(data, iris)
        yield from _phases(data)
        yield from _figures(data, iris)


def register(resolver: Resolver, directory: Path | None = None) -> dict[str, URIRef]:
    """Add the names, aliases and codes of a curated folder (default: the bundled one) to
    ``resolver``, so that later loaders resolve mentions to the curated entities."""
    if directory is None:
        from govgraph.loaders.bundled import data_dir

        directory = data_dir() / "curated"
    return _register(read_register(directory), resolver)


def _register(data: Register, resolver: Resolver) -> dict[str, URIRef]:
    iris: dict[str, URIRef] = {}
    for e in data.entities:
        codes = list(e.codes.items())
        found = None
        for scheme, code in codes:
            found = found or resolve_body_code(resolver, scheme, code)
        iris[e.id] = found or entity(e.id)
        resolver.add(iris[e.id], [e.name, *e.aliases], codes)
    return iris


# --- triples ------------------------------------------------------------------------------


def _cited(subject: URIRef, cites: list[Cite]) -> Iterator[Triple]:
    """Each citation is one node per (document, locator), its IRI derived from that content
    (:class:`~govgraph.loaders.triples.Citation`), so reordering a list renames nothing."""
    for cite in cites:
        node = citation(cite.source_id, cite.locator)
        yield cited(subject, node)
        yield from node.triples()


def _sources(data: Register) -> Iterator[Triple]:
    for s in data.sources:
        doc = SRC[s.id]
        yield doc, RDF.type, s.kind
        yield doc, DCTERMS.title, Literal(s.title)
        yield doc, DCTERMS.publisher, Literal(s.publisher)
        yield doc, DCTERMS.issued, s.date.literal
        yield doc, DCTERMS.identifier, Literal(s.file)
        if s.url:
            yield doc, SCHEMA.url, URIRef(s.url)
        if s.licence:
            yield doc, DCTERMS.license, URIRef(s.licence)


def _entity(e: Entity, iri: URIRef, resolver: Resolver) -> Iterator[Triple]:
    minted = iri == entity(e.id)
    yield iri, RDF.type, e.type
    yield from labels(iri, e.name, e.aliases, owned=minted, existing=resolver.label(iri))
    if e.description:
        yield iri, DCTERMS.description, Literal(e.description)
    if e.collective_of is not None:
        yield iri, GG.collectiveOf, e.collective_of
    if e.start:
        yield iri, GG.startDate, e.start.literal
    if e.end:
        yield iri, GG.endDate, e.end.literal
    for code in e.operates_in:
        area = entity("area/" + code.lower())
        yield iri, GG.operatesIn, area
        yield area, RDF.type, AREA_CLASSES[code[:3]]
    for scheme, code in e.codes.items():
        yield iri, CODE_FIELDS[scheme], Literal(code)
    for key, prop, prefix, values in (
        ("policy_areas", GG.hasInterestIn, "policy-area", e.interests),
        ("remits", GG.hasRemitIn, "policy-area", e.remits),
        ("client_groups", GG.servesClientGroup, "client-group", e.client_groups),
    ):
        for value in values:
            target = entity(f"{prefix}/{value}")
            yield iri, prop, target
            yield from _statement(e.id, iri, prop, target, e.attribute_cites[(key, value)])
    yield from _cited(iri, e.cites)


def _statement(
    ident: str, subject: URIRef, prop: URIRef, obj: URIRef, cites: list[Cite]
) -> Iterator[Triple]:
    """One attribute of an entity as a reified ``rdf:Statement`` carrying the citations of
    that statement alone, so which source supports which client group is kept."""
    local = str(prop).rsplit("#", 1)[-1].lower()
    node = entity(f"statement/{ident}/{local}/{slug_of(str(obj)).replace('/', '-')}")
    yield node, RDF.type, RDF.Statement
    yield node, RDF.subject, subject
    yield node, RDF.predicate, prop
    yield node, RDF.object, obj
    yield from _cited(node, cites)


def _relationship(rel: Relationship, iris: dict[str, URIRef]) -> Iterator[Triple]:
    """A stated relationship asserts its direct triple; a planned, recommended or requested
    one is the reified statement alone, so no chain or map reads it as in force."""
    subject, obj = iris[rel.subject], iris[rel.object]
    if rel.stated:
        yield subject, rel.kind, obj
    node = entity(rel.slug)
    yield node, RDF.type, GG.Relationship
    yield node, GG.relationshipKind, rel.kind
    yield node, GG.status, rel.status
    yield node, GG.subject, subject
    yield node, GG.object, obj
    if rel.start:
        yield node, GG.startDate, rel.start.literal
    if rel.end:
        yield node, GG.endDate, rel.end.literal
    if rel.statutory_basis:
        yield node, GG.statutoryBasis, Literal(rel.statutory_basis)
    if rel.role:
        yield node, GG.role, Literal(rel.role)
    if rel.note:
        yield node, DCTERMS.description, Literal(rel.note)
    yield from _cited(node, rel.cites)


def _concepts(data: Register) -> Iterator[Triple]:
    for s in data.schemes:
        iri = entity(f"scheme/{s.id}")
        yield iri, RDF.type, SKOS.ConceptScheme
        yield iri, SKOS.prefLabel, Literal(s.name)
        if s.description:
            yield iri, DCTERMS.description, Literal(s.description)
        yield from _cited(iri, s.cites)
    for c in data.concepts:
        base = f"{c.scheme.prefix}/{c.id}"
        iri = entity(base)
        yield iri, RDF.type, c.scheme.concept_class
        yield iri, RDF.type, SKOS.Concept
        yield iri, SKOS.inScheme, entity(f"scheme/{c.scheme.id}")
        yield from labels(iri, c.name, c.aliases)
        if c.description:
            yield iri, DCTERMS.description, Literal(c.description)
        yield from _cited(iri, c.cites)


def _events(data: Register, iris: dict[str, URIRef]) -> Iterator[Triple]:
    for ev in data.events:
        iri = entity(f"event/{ev.id}")
        yield iri, RDF.type, ev.kind
        yield iri, SKOS.prefLabel, Literal(ev.name)
        if ev.date:
            yield iri, GG.eventDate, ev.date.literal
        for target in ev.affects:
            yield iri, GG.affects, iris[target]
        for target in ev.results_in:
            yield iri, GG.resultsIn, iris[target]
        if ev.description:
            yield iri, DCTERMS.description, Literal(ev.description)
        yield from _cited(iri, ev.cites)


def _phases(data: Register) -> Iterator[Triple]:
    for kind, prefix, records in (
        (GG.Plan, "plan", data.plans),
        (GG.PlanPhase, "phase", data.phases),
    ):
        for p in records:
            iri = entity(f"{prefix}/{p.id}")
            yield iri, RDF.type, kind
            yield iri, SKOS.prefLabel, Literal(p.name)
            for alias in p.aliases:
                yield iri, SKOS.altLabel, Literal(alias)
            if p.plan:
                yield iri, GG.partOfPlan, entity(f"plan/{p.plan}")
            if p.start:
                yield iri, GG.startDate, p.start.literal
            if p.end:
                yield iri, GG.endDate, p.end.literal
            if p.description:
                yield iri, DCTERMS.description, Literal(p.description)
            yield from _cited(iri, p.cites)


def _figures(data: Register, iris: dict[str, URIRef]) -> Iterator[Triple]:
    """Figures are gg:Figure, a schema.org QuantitativeValue (typed as both, so readers of
    either vocabulary find them)."""
    for f in data.figures:
        iri = entity(f"figure/{f.id}")
        yield iri, RDF.type, GG.Figure
        yield iri, RDF.type, SCHEMA.QuantitativeValue
        yield iri, SCHEMA.name, Literal(f.measure)
        if isinstance(f.value, bool) or not isinstance(f.value, (int, float)):
            yield iri, SCHEMA.value, Literal(str(f.value))
        elif isinstance(f.value, int):
            yield iri, SCHEMA.value, Literal(f.value, datatype=XSD.integer)
        else:
            yield iri, SCHEMA.value, Literal(repr(f.value), datatype=XSD.decimal)
        yield iri, SCHEMA.unitText, Literal(f.unit)
        if f.subject:
            yield iri, SCHEMA.about, iris[f.subject]
        if f.date:
            yield iri, DCTERMS.date, f.date.literal
        if f.note:
            yield iri, DCTERMS.description, Literal(f.note)
        yield iri, GG.status, f.status
        yield from _cited(iri, f.cites)
