"""The ontology file: well-formed, documented, complete against the vocabulary contract."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from govgraph.graph.checks.ontology_graph import ontology_ntriples
from govgraph.ontology import model as m
from govgraph.ontology.reference import DEFAULT_PATH, curie, html, markdown
from govgraph.ontology.terms import GG, ontology_path

VANN = "http://purl.org/vocab/vann/"
HEX = re.compile(r"^#[0-9A-F]{6}$")


def _names(text: str) -> list[str]:
    return text.split()


# The vocabulary contract (notes/common.md): every layer codes against these names.
CONTRACT_CLASSES = _names(
    """
    Agent Organisation Government Parliament GovernmentUnit DirectorateGeneral Directorate
    Division Post MinisterialPost FirstMinister CabinetSecretary Minister Person PublicBody
    ExecutiveAgency NonMinisterialOffice ExecutiveNDPB AdvisoryNDPB PublicCorporation Tribunal
    CommissionerOrOmbudsman InspectorateOrRegulator StatutoryBody HealthBoard
    TerritorialHealthBoard SpecialHealthBoard LocalAuthority IntegrationAuthority
    IntegrationJointBoard HealthAndSocialCarePartnership CommunityPlanningPartnership
    ChildrensServicesPlanningPartnership ThirdSectorOrganisation Company AcademicInstitution
    Group Board Committee WorkingGroup NetworkOrCollaborative Partnership Team Fund Programme
    CareService Collective Relationship Area CouncilArea HealthBoardArea PolicyArea Foundation
    Plan PlanPhase PriorityArea Action Commitment Milestone Assessment AssessmentStatus
    ChangeEvent Establishment Abolition Renaming Merger Closure Citation SourceDocument
    Dataset
    """
)
CONTRACT_PROPERTIES = _names(
    """
    collectiveOf relationshipKind subject object startDate endDate statutoryBasis citation
    role operatesIn gssCode hasInterestIn hasRemitIn priorityArea partOfPlan leadOrganisation
    hasCommitment hasMilestone linkedAction hasAssessment assessmentStatus assessmentDate
    assessor dueDate requirement description eventDate affects resultsIn document locator
    careServiceNumber charityNumber companyNumber govukSlug accountableTo holdsToAccount
    reportsTo receivesReportsFrom sponsoredBy sponsors fundedBy funds scrutinisedBy
    scrutinises inspectedBy inspects regulatedBy regulates directedBy directs advises
    advisedBy hosts hostedBy administers administeredBy commissions commissionedBy chairs
    chairedBy memberOf hasMember providesSecretariatTo secretariatProvidedBy subOrganisationOf
    hasSubOrganisation succeeds succeededBy renamedFrom renamedTo partnerOf provides
    providedBy holdsPost postIn supports supportedBy
    """
)
CONTRACT_INDIVIDUALS = ["WorkUnderway", "UnderwayNotSufficient", "LittleOrNoWork"]
ACCOUNTABILITY = _names(
    """
    accountableTo reportsTo sponsoredBy fundedBy scrutinisedBy inspectedBy regulatedBy
    directedBy
    """
)
INVERSES = {
    "accountableTo": "holdsToAccount",
    "reportsTo": "receivesReportsFrom",
    "sponsoredBy": "sponsors",
    "fundedBy": "funds",
    "scrutinisedBy": "scrutinises",
    "inspectedBy": "inspects",
    "regulatedBy": "regulates",
    "directedBy": "directs",
    "advises": "advisedBy",
    "hosts": "hostedBy",
    "administers": "administeredBy",
    "commissions": "commissionedBy",
    "chairs": "chairedBy",
    "memberOf": "hasMember",
    "providesSecretariatTo": "secretariatProvidedBy",
    "subOrganisationOf": "hasSubOrganisation",
    "succeeds": "succeededBy",
    "renamedFrom": "renamedTo",
    "provides": "providedBy",
    "supports": "supportedBy",
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ontology_path("govgraph.ttl"), format="turtle")


def declared_terms(graph: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    kinds += (OWL.NamedIndividual, RDFS.Datatype)
    return {
        s
        for k in kinds
        for s in graph.subjects(RDF.type, k)
        if isinstance(s, URIRef) and s.startswith(str(GG))
    }


def test_ontology_header_names_version_licence_and_prefix(onto: Graph) -> None:
    iri = URIRef("https://w3id.org/govgraph/ontology")
    assert (iri, RDF.type, OWL.Ontology) in onto
    assert onto.value(iri, OWL.versionIRI) == URIRef("https://w3id.org/govgraph/ontology/0.1.0")
    assert str(onto.value(iri, OWL.versionInfo)) == "0.1.0"
    for p in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.license,
        DCTERMS.creator,
        DCTERMS.modified,
    ):
        assert onto.value(iri, p) is not None, p
    assert str(onto.value(iri, URIRef(VANN + "preferredNamespacePrefix"))) == "gg"


def test_every_term_has_an_english_label_and_comment(onto: Graph) -> None:
    missing = []
    for term in declared_terms(onto):
        for p in (RDFS.label, RDFS.comment):
            values = [v for v in onto.objects(term, p) if isinstance(v, Literal)]
            if not any(v.language == "en" and str(v).strip() for v in values):
                missing.append(f"{curie(term)} lacks an English {curie(p)}")
    assert not missing


def test_object_properties_have_domain_and_range(onto: Graph) -> None:
    lacking = [
        curie(p)
        for p in onto.subjects(RDF.type, OWL.ObjectProperty)
        if str(p).startswith(str(GG))
        and (onto.value(p, RDFS.domain) is None or onto.value(p, RDFS.range) is None)
    ]
    assert not lacking


def test_labels_are_unique_among_classes_and_among_properties() -> None:
    for terms in (m.classes(), m.properties()):
        counts = Counter(t.label.lower() for t in terms)
        assert [label for label, n in counts.items() if n > 1] == []


def test_every_contract_term_exists() -> None:
    model = m.model()
    assert [c for c in CONTRACT_CLASSES if GG[c] not in model.classes] == []
    assert [p for p in CONTRACT_PROPERTIES if GG[p] not in model.properties] == []
    assert [i for i in CONTRACT_INDIVIDUALS if GG[i] not in model.individuals] == []


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        ("Organisation", "Agent"), ("Post", "Agent"), ("Person", "Agent"),
        ("DirectorateGeneral", "GovernmentUnit"), ("FirstMinister", "MinisterialPost"),
        ("MinisterialPost", "Post"), ("ExecutiveNDPB", "PublicBody"),
        ("TerritorialHealthBoard", "HealthBoard"),
        ("IntegrationJointBoard", "IntegrationAuthority"),
        ("Team", "Group"), ("Renaming", "ChangeEvent"), ("CouncilArea", "Area"),
    ],
)  # fmt: skip
def test_class_hierarchy_follows_the_contract(child: str, parent: str) -> None:
    assert GG[parent] in m.model().ancestors(GG[child])


def test_skos_and_prov_superclasses(onto: Graph) -> None:
    skos_concept = URIRef("http://www.w3.org/2004/02/skos/core#Concept")
    prov_entity = URIRef("http://www.w3.org/ns/prov#Entity")
    assert (GG.PolicyArea, RDFS.subClassOf, skos_concept) in onto
    assert (GG.Foundation, RDFS.subClassOf, skos_concept) in onto
    for c in ("Citation", "SourceDocument", "Dataset"):
        assert (GG[c], RDFS.subClassOf, prov_entity) in onto
    assert not list(
        onto.subjects(RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#ConceptScheme"))
    )


def test_accountability_kinds_are_the_sub_properties_of_accountable_to() -> None:
    assert sorted(p.name for p in m.accountability_kinds()) == sorted(ACCOUNTABILITY)
    assert m.get_property(GG.accountableTo).is_transitive
    assert GG.holdsToAccount in m.get_property(GG.directs).superproperties


def test_inverses_are_declared_both_ways_and_symmetric_kinds_are_symmetric() -> None:
    for a, b in INVERSES.items():
        assert m.get_property(GG[a]).inverse == GG[b]
        assert m.get_property(GG[b]).inverse == GG[a]
    assert m.get_property(GG.partnerOf).is_symmetric
    assert m.get_property(GG.linkedAction).is_symmetric
    assert not m.get_property(GG.subOrganisationOf).is_transitive


def test_relationship_kinds_and_map_classes_carry_colours() -> None:
    kinds = m.relationship_kinds()
    assert {GG[n] for n in [*INVERSES, *INVERSES.values(), "partnerOf", "holdsPost", "postIn"]} <= {
        p.iri for p in kinds
    }
    for p in kinds:
        assert p.colour and HEX.match(p.colour), p.name
        if p.inverse is not None:
            assert m.colour(p.inverse) == p.colour, f"{p.name} and its inverse draw one line"
    drawable = [c for c in m.classes() if c.is_leaf and (c.is_agent or c.iri == GG.CareService)]
    for c in drawable:
        assert c.colour and HEX.match(c.colour), c.name
    colours = [c.colour for c in m.organisation_classes() if c.colour]
    assert len(colours) == len(set(colours)), "organisation classes need distinct colours"


def test_disjointness_declared_where_true() -> None:
    model = m.model()
    assert model.are_disjoint(GG.Organisation, GG.Post)
    assert model.are_disjoint(GG.Person, GG.Organisation)
    assert model.are_disjoint(GG.CareService, GG.Organisation)
    assert model.are_disjoint(GG.LocalAuthority, GG.TerritorialHealthBoard)
    assert model.are_disjoint(GG.IntegrationJointBoard, GG.LocalAuthority)
    # A lead-agency health board is an integration authority; an executive agency is a unit.
    assert not model.are_disjoint(GG.IntegrationAuthority, GG.HealthBoard)
    assert not model.are_disjoint(GG.ExecutiveAgency, GG.GovernmentUnit)


def test_assessment_statuses_are_distinct_individuals(onto: Graph) -> None:
    groups = [
        list(Collection(onto, onto.value(node, OWL.distinctMembers)))
        for node in onto.subjects(RDF.type, OWL.AllDifferent)
    ]
    members = next(g for g in groups if GG.WorkUnderway in g)
    assert sorted(members) == sorted(GG[i] for i in CONTRACT_INDIVIDUALS)


def test_alignment_declares_every_external_term_it_uses() -> None:
    align = Graph().parse(ontology_path("alignment.ttl"), format="turtle")
    core = Graph().parse(ontology_path("govgraph.ttl"), format="turtle")
    both = align + core
    used = {
        o
        for p in (RDFS.subClassOf, RDFS.subPropertyOf)
        for o in align.objects(None, p)
        if isinstance(o, URIRef) and not o.startswith(str(GG))
    }
    undeclared = [curie(t) for t in used if not list(both.objects(t, RDF.type))]
    assert used and not undeclared
    assert (
        GG.Organisation,
        RDFS.subClassOf,
        URIRef("http://www.w3.org/ns/org#Organization"),
    ) in align


def test_ontology_loads_in_owlready2_from_a_converted_copy(tmp_path: Path) -> None:
    import owlready2

    path = tmp_path / "govgraph.nt"
    path.write_bytes(ontology_ntriples())
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    local_authority = world[str(GG.LocalAuthority)]
    assert (
        local_authority is not None and world[str(GG.Organisation)] in local_authority.ancestors()
    )
    assert world[str(GG.accountableTo)] is not None
    assert onto is not None
    world.close()


def test_model_answers_the_questions_other_layers_ask() -> None:
    orgs = {c.iri for c in m.organisation_classes()}
    assert GG.LocalAuthority in orgs and GG.Post not in orgs and GG.Board in orgs
    assert {c.iri for c in m.agent_classes()} >= {GG.Board, GG.Post, GG.Person, GG.LocalAuthority}
    assert m.accountability_direction(GG.directs) == (GG.directedBy, True)
    assert m.accountability_direction(GG.reportsTo) == (GG.reportsTo, False)
    assert m.accountability_direction(GG.hosts) is None
    assert m.most_specific([GG.Organisation, GG.PublicBody, GG.HealthBoard]) == GG.HealthBoard
    assert m.label(GG.IntegrationJointBoard) == "integration joint board"
    assert m.get_property(GG.postIn).range == (GG.Organisation, GG.Group)


def test_reference_page_is_up_to_date() -> None:
    assert DEFAULT_PATH.read_text(encoding="utf-8") == markdown(), (
        "docs/ontology.md is stale: run python -m govgraph.ontology.reference"
    )


def test_reference_lists_every_term_and_html_is_self_contained() -> None:
    md, page = markdown(), html()
    for term in [*m.classes(), *m.properties()]:
        assert f"`{curie(term.iri)}`" in md
        assert f"<code>{curie(term.iri)}</code>" in page
        assert term.comment in md
    assert not re.search(r"""(src|href)=["']?https?:""", page)
    assert "<script" not in page


def test_the_ontology_version_stamp_is_the_same_in_every_process() -> None:
    """A reload in a new process must recognise the stored ontology and leave it alone;
    a stamp over freshly labelled blank nodes would differ each time."""
    import subprocess
    import sys

    code = "from govgraph.graph.checks.ontology_graph import _stamped; print(_stamped()[0])"
    stamps = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(stamps) == 1 and next(iter(stamps)).startswith("sha256:")
