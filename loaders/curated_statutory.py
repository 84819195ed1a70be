"""Statutory lines: what an Act sets for every body of a kind (``data/curated/statutory.yaml``).

The 31 integration authorities and 14 territorial health boards are brought by the Public
Health Scotland geography, not by the curated register, so their lines cannot be written in
relationships.yaml. This loader runs after that geography and names the bodies by GSS code
(``{gss: S37000017}``) or by curated id (``{id: scottish-ministers}``); each line becomes the
direct triple and a cited ``gg:Relationship`` carrying its statutory basis, cited by section
of the Act on legislation.gov.uk. Schema: docs/curated-data.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.ids import is_entity_id
from govgraph.graph.core.text import short_repr
from govgraph.loaders.base import Loader, SourceInfo, Triple
from govgraph.loaders.curated_schema import StatutoryFile
from govgraph.loaders.curated_yaml import Record, file_records
from govgraph.loaders.resolve import Resolver
from govgraph.loaders.triples import (
    Citation,
    cited_relationship,
    literal_date,
    relationship_iri,
    resolve_body_code,
)
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG, SRC, entity

SOURCE_ID = "statutory"


@dataclass(frozen=True)
class _Act:
    id: str
    title: str
    publisher: str
    date: str
    url: str


class StatutoryLinesLoader(Loader):
    kind = "statutory"
    graph_ids = (SOURCE_ID,)

    def info(self) -> SourceInfo:
        return SourceInfo(
            id=SOURCE_ID,
            title="Statutory lines of integration authorities and health boards",
            origin=str(self.path),
            licence="OGL-3.0",
            publisher="legislation.gov.uk (The National Archives)",
            attribution="Contains public sector information licensed under the Open "
            "Government Licence v3.0 — legislation.gov.uk",
        )

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        records = file_records(self.path, StatutoryFile, required=True)
        acts = {a.id: a for a in (_act(r) for r in records["sources"])}
        kinds = {str(p.iri).rsplit("#", 1)[-1]: p.iri for p in ontology.relationship_kinds()}
        lines = [_line(r, acts, kinds, resolver) for r in records["lines"]]  # check all first
        for act in acts.values():
            doc = SRC[act.id]
            yield doc, RDF.type, GG.SourceDocument
            yield doc, DCTERMS.title, Literal(act.title)
            yield doc, DCTERMS.publisher, Literal(act.publisher)
            yield doc, DCTERMS.issued, literal_date(act.date)
            yield doc, DCTERMS.source, URIRef(act.url)
        for subject, kind, objects, basis, note, cites in lines:
            for cit in cites:
                yield from cit.triples()
            for obj in objects:
                for i, cit in enumerate(cites):
                    for t in cited_relationship(subject, kind, obj, cit, statutory_basis=basis):
                        if i and t[1] != GG.citation:
                            continue  # one relationship, several citations
                        yield t
                if note:
                    yield relationship_iri(subject, kind, obj), DCTERMS.description, Literal(note)


def _act(r: Record) -> _Act:
    url = r.text("url") or ""
    date = r.date("date", required=True)
    assert date is not None
    return _Act(r.ident(), r.text("title") or "", r.text("publisher") or "", date.text, url)


Line = tuple[URIRef, URIRef, list[URIRef], str, str | None, list[Citation]]


def _line(r: Record, acts: dict[str, _Act], kinds: dict[str, URIRef], res: Resolver) -> Line:
    kind_name = r.text("kind") or ""
    if kind_name not in kinds:
        raise r.error("kind", f"unknown relationship kind {kind_name!r}: use one of the ontology's")
    subject = _body(r, "subject", r.data.get("subject"), r.where("subject"), res)
    objects_value = r.data["objects"]
    marks = objects_value.item_marks
    objects = [_body(r, "objects", v, m, res) for v, m in zip(objects_value, marks, strict=True)]
    basis = r.text("statutory_basis") or ""
    cites = []
    for c in r.records("sources", "a citation"):
        doc = c.text("doc") or ""
        if doc not in acts:
            raise c.error("doc", f"unknown source {doc!r}: expected one of {', '.join(acts)}")
        cites.append(Citation(doc, c.text("locator") or ""))
    return subject, kinds[kind_name], objects, basis, r.text("note", required=False), cites


def _body(r: Record, field: str, value: object, mark: tuple[int, int], res: Resolver) -> URIRef:
    """A body named ``{gss: CODE}`` (loaded by the geography) or ``{id: ID}`` (curated)."""
    if not isinstance(value, dict) or len(value) != 1:
        raise r.error(field, "expected a body as {gss: CODE} or {id: ID}", mark)
    ((scheme, code),) = value.items()
    if scheme == "gss":
        found = resolve_body_code(res, "gss", str(code))
    elif scheme == "id":
        if not is_entity_id(str(code)):
            raise r.error(
                field,
                f"{short_repr(code)} is not an id: use lower-case letters, digits and '-'",
                mark,
            )
        found = entity(str(code))
        found = found if found in res else None
    else:
        raise r.error(field, f"expected gss or id, got {scheme!r}", mark)
    if found is None:
        raise SourceError(
            f"no body with {scheme} {code!r} is loaded: load the curated register and the "
            "Public Health Scotland geography first",
            file=str(r.file),
            line=mark[0],
            column=mark[1],
            field=field,
        )
    return found
