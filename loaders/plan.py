"""Plan 21-24 as triples: the one builder both plan sources share, and the curated YAML loader.

The curated register (``data/curated/plan.yaml``) and the Change Programme parser both
produce :class:`~govgraph.loaders.plan_model.Plan`; :func:`plan_triples` turns either into
the same shape of graph, so the cross-check test compares like with like.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from govgraph.graph.core.text import short_repr
from govgraph.loaders.base import Loader, LoadNotes, SourceInfo, Triple
from govgraph.loaders.plan_model import (
    Action,
    AssessmentStatus,
    LeadAssignment,
    Milestone,
    Plan,
    SourceLocator,
)
from govgraph.loaders.plan_yaml import read_plan_yaml
from govgraph.loaders.resolve import Resolver
from govgraph.loaders.triples import citation, cited, literal_date
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG, ID, SRC, entity, slug_of, slugify

STATUS_IRIS: dict[AssessmentStatus, URIRef] = {
    AssessmentStatus.UNDERWAY: GG.WorkUnderway,
    AssessmentStatus.UNDERWAY_NOT_SUFFICIENT: GG.UnderwayNotSufficient,
    AssessmentStatus.LITTLE_OR_NONE: GG.LittleOrNoWork,
}


def document_iri(file_name: str) -> URIRef:
    """The SourceDocument a seed file is cited as: ``src:<file name without suffix, as an
    id>``, the same node the curated register's sources.yaml describes."""
    return SRC[slugify(Path(file_name).stem)]


def resolve_lead(resolver: Resolver, name: str) -> URIRef | None:
    """A lead as written, else without its bracketed abbreviation, else by the abbreviation:
    'Community Justice Scotland (CJS)'."""
    found = resolver.resolve(name)
    if found is not None:
        return found
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)\s*", name)
    if match:
        return resolver.resolve(match.group(1)) or resolver.resolve(match.group(2))
    return None


def plan_triples(
    plan: Plan, resolver: Resolver, source_iri: URIRef, notes: LoadNotes
) -> Iterator[Triple]:
    """The Plan, its priority areas and actions, each cited; leads only where they resolve."""
    plan_iri = entity(f"plan/{plan.id}")
    yield plan_iri, RDF.type, GG.Plan
    yield plan_iri, SKOS.prefLabel, Literal(plan.name)
    documents = {source_iri}
    yield from _document(source_iri, plan)
    for area in plan.priority_areas:
        area_iri = entity(f"priority-area/{area.id}")
        yield area_iri, RDF.type, GG.PriorityArea
        yield area_iri, SKOS.prefLabel, Literal(area.name)
        yield area_iri, GG.partOfPlan, plan_iri
        if area.description:
            yield area_iri, DCTERMS.description, Literal(area.description)
        yield from _cite(area_iri, area.source, source_iri, documents, plan)
    for action in plan.actions:
        yield from _action(action, plan, plan_iri, resolver, source_iri, notes, documents)


def _document(iri: URIRef, plan: Plan) -> Iterator[Triple]:
    yield iri, RDF.type, GG.SourceDocument
    if plan.title:
        yield iri, DCTERMS.title, Literal(plan.title)


def _cite(
    subject: URIRef,
    source: SourceLocator | None,
    default_document: URIRef,
    documents: set[URIRef],
    plan: Plan,
) -> Iterator[Triple]:
    if source is None:
        return
    document = document_iri(source.document) if source.document else default_document
    if not str(document).startswith(str(SRC)):
        raise ValueError(f"citations point at src: documents, not {document}")
    if document not in documents:
        documents.add(document)
        yield document, RDF.type, GG.SourceDocument
    cit = citation(str(document)[len(str(SRC)) :], source.locator)
    yield cited(subject, cit)
    yield from cit.triples()


def _action(
    action: Action,
    plan: Plan,
    plan_iri: URIRef,
    resolver: Resolver,
    source_iri: URIRef,
    notes: LoadNotes,
    documents: set[URIRef],
) -> Iterator[Triple]:
    iri = entity(f"action/{action.id}")
    yield iri, RDF.type, GG.Action
    yield iri, SKOS.prefLabel, Literal(action.name)
    for alias in action.aliases:
        yield iri, SKOS.altLabel, Literal(alias)
    yield iri, GG.priorityArea, entity(f"priority-area/{action.priority_area}")
    yield iri, GG.partOfPlan, plan_iri
    for requirement in action.requirements:
        yield iri, GG.requirement, Literal(requirement)
    for n, text in enumerate(action.commitments, start=1):
        node = entity(f"action/{action.id}/commitment/{n}")
        yield iri, GG.hasCommitment, node
        yield node, RDF.type, GG.Commitment
        yield node, DCTERMS.description, Literal(text)
    for n, milestone in enumerate(action.milestones, start=1):
        yield from _milestone(iri, entity(f"action/{action.id}/milestone/{n}"), milestone)
    for other in action.links:
        yield iri, GG.linksTo, entity(f"action/{other}")
        yield iri, GG.linkedAction, entity(f"action/{other}")
    assignments = action.assignments or [
        LeadAssignment(name, id=action.lead_ids.get(name)) for name in action.leads
    ]
    tiers = ontology.individuals_of(GG.LeadTier)
    statuses = ontology.individuals_of(GG.StatementStatus)
    for assignment in assignments:
        pinned = assignment.id
        lead = entity(pinned) if pinned and entity(pinned) in resolver else None
        lead = lead or (None if pinned else resolve_lead(resolver, assignment.name))
        if lead is None:
            role = "lead" if assignment.tier == "lead" else assignment.tier.replace("-", " ")
            notes.unresolved.append(
                f"{short_repr(assignment.name)} ({role} of action '{action.name}')"
            )
            continue
        stated = assignment.status == "stated"
        if assignment.tier == "lead" and stated:
            yield iri, GG.leadOrganisation, lead
        key = slugify(slug_of(str(lead))) if str(lead).startswith(str(ID)) else slugify(str(lead))
        suffix = "" if stated else f"/{assignment.status}"
        node = entity(f"action/{action.id}/lead/{assignment.tier}/{key}{suffix}")
        yield iri, GG.leadAssignment, node
        yield node, RDF.type, GG.LeadAssignment
        yield node, GG.assignee, lead
        yield node, GG.leadTier, tiers[assignment.tier]
        yield node, GG.status, statuses[assignment.status]
        yield from _cite(node, assignment.source or action.source, source_iri, documents, plan)
    yield from _cite(iri, action.source, source_iri, documents, plan)
    assessment = action.assessment
    if assessment is None:
        return
    node = entity(f"action/{action.id}/assessment/{assessment.date or 'undated'}")
    yield iri, GG.hasAssessment, node
    yield node, RDF.type, GG.Assessment
    yield node, GG.assessmentStatus, STATUS_IRIS[assessment.status]
    if assessment.date:
        yield node, GG.assessmentDate, Literal(assessment.date, datatype=XSD.date)
    if assessment.text:
        yield node, DCTERMS.description, Literal(assessment.text)
    assessor = resolver.resolve(assessment.assessor)
    if assessor is None:
        notes.unresolved.append(
            f"{short_repr(assessment.assessor)} (assessor of action '{action.name}')"
        )
    else:
        yield node, GG.assessor, assessor
    yield from _cite(node, assessment.source or action.source, source_iri, documents, plan)


def _milestone(action: URIRef, node: URIRef, milestone: Milestone) -> Iterator[Triple]:
    yield action, GG.hasMilestone, node
    yield node, RDF.type, GG.Milestone
    yield node, DCTERMS.description, Literal(milestone.text)
    if milestone.phrase:
        yield node, RDFS.label, Literal(milestone.phrase)
    if milestone.date:
        yield node, GG.dueDate, literal_date(milestone.date)


class PlanYamlLoader(Loader):
    """The curated Plan 21-24 register (``data/curated/plan.yaml``)."""

    kind = "plan"
    graph_ids = ("plan",)

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._plan: Plan | None = None

    def plan(self) -> Plan:
        if self._plan is None:
            self._plan = read_plan_yaml(self.path)
        return self._plan

    def info(self) -> SourceInfo:
        plan = self.plan()
        return SourceInfo(
            id=self.graph_ids[0],
            title=f"{plan.name}: priority areas, actions and assessments (curated)",
            origin=self.path.name,
            licence="CC-BY-4.0",
            publisher="govgraph",
            published=plan.published,
            attribution="Curated by govgraph from public documents; every record cites its source.",
            derived_from=(str(document_iri(plan.document)),),
        )

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        plan = self.plan()
        yield from plan_triples(plan, resolver, document_iri(plan.document), self.notes)
