"""The Python view of ``govgraph.ttl``: classes, properties and their relations, read once.

Every other layer asks this module which classes and relationship kinds exist, so that the
ontology stays the one place a term is defined: GraphQL enums, map legends, report
categories, the reasoner's rules and the reference page are all derived from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal as Kind
from typing import TypeGuard

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.term import Node

from govgraph.ontology.terms import GG, ontology_path

PropertyKind = Kind["object", "datatype", "annotation"]

ONTOLOGY_IRI = URIRef(str(GG).rstrip("#"))


@dataclass(frozen=True)
class OntClass:
    iri: URIRef
    name: str
    label: str
    comment: str
    superclasses: tuple[URIRef, ...]
    """Direct named superclasses, external ones (skos:Concept, prov:Entity) included."""
    subclasses: tuple[URIRef, ...]
    """Direct subclasses in the gg namespace, ordered by label."""
    colour: str | None
    is_agent: bool
    is_organisation: bool

    @property
    def is_leaf(self) -> bool:
        return not self.subclasses


@dataclass(frozen=True)
class OntProperty:
    iri: URIRef
    name: str
    kind: PropertyKind
    label: str
    comment: str
    domain: tuple[URIRef, ...]
    """Classes of the domain; several when the domain is a union."""
    range: tuple[URIRef, ...]
    inverse: URIRef | None
    superproperties: tuple[URIRef, ...]
    """Direct super-properties, external ones (dcterms:identifier) included."""
    subproperties: tuple[URIRef, ...]
    is_relationship_kind: bool
    is_accountability_kind: bool
    """``accountableTo`` itself or one of its sub-properties."""
    is_transitive: bool
    is_symmetric: bool
    is_functional: bool
    colour: str | None


@dataclass(frozen=True)
class OntIndividual:
    iri: URIRef
    name: str
    label: str
    comment: str
    types: tuple[URIRef, ...]
    colour: str | None = None


@dataclass(frozen=True)
class OntDatatype:
    iri: URIRef
    name: str
    label: str
    comment: str
    union_of: tuple[URIRef, ...]


@dataclass(frozen=True)
class Model:
    iri: URIRef
    version_iri: URIRef | None
    version_info: str
    title: str
    description: str
    classes: dict[URIRef, OntClass]
    """In hierarchy order: each class after its parent, siblings by label."""
    properties: dict[URIRef, OntProperty]
    """Object, then datatype, then annotation properties, each group by label."""
    individuals: dict[URIRef, OntIndividual]
    datatypes: dict[URIRef, OntDatatype]
    disjoint: frozenset[frozenset[URIRef]]
    """Pairs of classes declared disjoint (from disjointWith and AllDisjointClasses)."""
    _ancestors: dict[URIRef, frozenset[URIRef]] = field(repr=False)
    _super_props: dict[URIRef, frozenset[URIRef]] = field(repr=False)

    def ancestors(self, iri: URIRef) -> frozenset[URIRef]:
        """All superclasses of a class, transitively, itself excluded."""
        return self._ancestors.get(iri, frozenset())

    def descendants(self, iri: URIRef) -> list[URIRef]:
        """All subclasses of a class, transitively, itself excluded, in hierarchy order."""
        return [c for c in self.classes if iri in self._ancestors.get(c, ())]

    def super_properties(self, iri: URIRef) -> frozenset[URIRef]:
        """All super-properties of a property, transitively, itself excluded."""
        return self._super_props.get(iri, frozenset())

    def are_disjoint(self, a: URIRef, b: URIRef) -> bool:
        """Whether instances of ``a`` and ``b`` can never coincide, through any ancestors."""
        left = {a, *self.ancestors(a)}
        right = {b, *self.ancestors(b)}
        return any(frozenset((x, y)) in self.disjoint for x in left for y in right if x != y)

    def label(self, iri: Node) -> str:
        term: OntClass | OntProperty | OntIndividual | OntDatatype | None = None
        if isinstance(iri, URIRef):  # the tables are keyed by URIRef: a plain str misses
            term = self.classes.get(iri) or self.properties.get(iri)
            if term is None:
                term = self.individuals.get(iri) or self.datatypes.get(iri)
        return term.label if term is not None else local_name(str(iri))


def local_name(iri: str) -> str:
    """The part of an IRI after its last '#' or '/'."""
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1] or iri
    return iri


def _text(graph: Graph, subject: Node, predicate: URIRef) -> str:
    """The English (or untagged) value of a literal property, '' when absent."""
    best = ""
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal):
            if value.language in (None, "en"):
                return str(value)
            best = best or str(value)
    return best


def _classes_of(graph: Graph, node: Node) -> tuple[URIRef, ...]:
    """Named classes of a class expression: itself if named, the members of a union."""
    if isinstance(node, URIRef):
        return (node,)
    union = graph.value(node, OWL.unionOf)
    if union is None:
        return ()
    return tuple(m for m in Collection(graph, union) if isinstance(m, URIRef))


def _closure(direct: dict[URIRef, set[URIRef]]) -> dict[URIRef, frozenset[URIRef]]:
    out: dict[URIRef, frozenset[URIRef]] = {}
    for start in direct:
        seen: set[URIRef] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node not in seen and node != start:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        out[start] = frozenset(seen)
    return out


def _in_gg(iri: Node) -> TypeGuard[URIRef]:
    return isinstance(iri, URIRef) and str(iri).startswith(str(GG))


def _disjoint_pairs(graph: Graph) -> frozenset[frozenset[URIRef]]:
    pairs: set[frozenset[URIRef]] = set()
    for a, b in graph.subject_objects(OWL.disjointWith):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            pairs.add(frozenset((a, b)))
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        head = graph.value(node, OWL.members)
        if head is None:
            continue
        members = [m for m in Collection(graph, head) if isinstance(m, URIRef)]
        pairs.update(frozenset((x, y)) for i, x in enumerate(members) for y in members[i + 1 :])
    return frozenset(pairs)


def build_model(graph: Graph) -> Model:
    """Read the ontology graph into a :class:`Model`."""
    gg_classes = sorted(c for c in graph.subjects(RDF.type, OWL.Class) if _in_gg(c))
    direct_supers: dict[URIRef, set[URIRef]] = {}
    for c in graph.subjects(RDF.type, OWL.Class):
        if isinstance(c, URIRef):
            direct_supers[c] = {
                s for s in graph.objects(c, RDFS.subClassOf) if isinstance(s, URIRef)
            }
    ancestors = _closure(direct_supers)

    def label_of(iri: Node) -> str:
        return _text(graph, iri, RDFS.label) or local_name(str(iri))

    children: dict[URIRef, list[URIRef]] = {c: [] for c in gg_classes}
    for c in gg_classes:
        for s in direct_supers.get(c, ()):
            if s in children:
                children[s].append(c)
    for kids in children.values():
        kids.sort(key=lambda k: label_of(k).lower())

    ordered: list[URIRef] = []
    roots = sorted(
        (c for c in gg_classes if not any(s in children for s in direct_supers.get(c, ()))),
        key=lambda k: label_of(k).lower(),
    )

    def visit(c: URIRef) -> None:
        if c not in ordered:
            ordered.append(c)
            for k in children[c]:
                visit(k)

    for r in roots:
        visit(r)

    classes = {
        c: OntClass(
            iri=c,
            name=local_name(str(c)),
            label=label_of(c),
            comment=_text(graph, c, RDFS.comment),
            superclasses=tuple(sorted(direct_supers.get(c, ()))),
            subclasses=tuple(children[c]),
            colour=_text(graph, c, GG.mapColour) or None,
            is_agent=c == GG.Agent or GG.Agent in ancestors.get(c, ()),
            is_organisation=c == GG.Organisation or GG.Organisation in ancestors.get(c, ()),
        )
        for c in ordered
    }

    kinds: dict[URIRef, PropertyKind] = {}
    declared: tuple[tuple[URIRef, PropertyKind], ...] = (
        (OWL.ObjectProperty, "object"),
        (OWL.DatatypeProperty, "datatype"),
        (OWL.AnnotationProperty, "annotation"),
    )
    for rdf_type, kind in declared:
        for term in graph.subjects(RDF.type, rdf_type):
            if _in_gg(term):
                kinds[term] = kind
    prop_supers: dict[URIRef, set[URIRef]] = {}
    for sub_p, super_p in graph.subject_objects(RDFS.subPropertyOf):
        if isinstance(sub_p, URIRef) and isinstance(super_p, URIRef):
            prop_supers.setdefault(sub_p, set()).add(super_p)
    super_props = _closure(prop_supers)
    inverses: dict[URIRef, URIRef] = {}
    for a, b in graph.subject_objects(OWL.inverseOf):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            inverses[a], inverses[b] = b, a

    def prop(p: URIRef, kind: PropertyKind) -> OntProperty:
        types = set(graph.objects(p, RDF.type))
        flag = graph.value(p, GG.isRelationshipKind)
        return OntProperty(
            iri=p,
            name=local_name(str(p)),
            kind=kind,
            label=label_of(p),
            comment=_text(graph, p, RDFS.comment),
            domain=tuple(d for n in graph.objects(p, RDFS.domain) for d in _classes_of(graph, n)),
            range=tuple(r for n in graph.objects(p, RDFS.range) for r in _classes_of(graph, n)),
            inverse=inverses.get(p),
            superproperties=tuple(sorted(prop_supers.get(p, ()))),
            subproperties=tuple(sorted(q for q, s in prop_supers.items() if p in s and _in_gg(q))),
            is_relationship_kind=isinstance(flag, Literal) and flag.toPython() is True,
            is_accountability_kind=p == GG.accountableTo
            or GG.accountableTo in super_props.get(p, ()),
            is_transitive=OWL.TransitiveProperty in types,
            is_symmetric=OWL.SymmetricProperty in types,
            is_functional=OWL.FunctionalProperty in types,
            colour=_text(graph, p, GG.mapColour) or None,
        )

    order = {"object": 0, "datatype": 1, "annotation": 2}
    properties = {
        p: prop(p, k)
        for p, k in sorted(
            kinds.items(), key=lambda pk: (order[pk[1]], label_of(pk[0]).lower(), pk[0])
        )
    }

    individuals = {
        i: OntIndividual(
            iri=i,
            name=local_name(str(i)),
            label=label_of(i),
            comment=_text(graph, i, RDFS.comment),
            types=tuple(
                sorted(
                    t
                    for t in graph.objects(i, RDF.type)
                    if isinstance(t, URIRef) and t != OWL.NamedIndividual
                )
            ),
            colour=_text(graph, i, GG.mapColour) or None,
        )
        for i in sorted(i for i in graph.subjects(RDF.type, OWL.NamedIndividual) if _in_gg(i))
    }

    datatypes: dict[URIRef, OntDatatype] = {}
    for d in sorted(d for d in graph.subjects(RDF.type, RDFS.Datatype) if _in_gg(d)):
        members: tuple[URIRef, ...] = ()
        for eq in graph.objects(d, OWL.equivalentClass):
            members = _classes_of(graph, eq)
        datatypes[d] = OntDatatype(
            d, local_name(str(d)), label_of(d), _text(graph, d, RDFS.comment), members
        )

    version = graph.value(ONTOLOGY_IRI, OWL.versionIRI)
    return Model(
        iri=ONTOLOGY_IRI,
        version_iri=version if isinstance(version, URIRef) else None,
        version_info=_text(graph, ONTOLOGY_IRI, OWL.versionInfo),
        title=_text(graph, ONTOLOGY_IRI, DCTERMS.title),
        description=" ".join(_text(graph, ONTOLOGY_IRI, DCTERMS.description).split()),
        classes=classes,
        properties=properties,
        individuals=individuals,
        datatypes=datatypes,
        disjoint=_disjoint_pairs(graph),
        _ancestors=ancestors,
        _super_props=super_props,
    )


def load_graph(path: Path | None = None) -> Graph:
    """A fresh rdflib Graph of ``govgraph.ttl`` (or another ontology file)."""
    graph = Graph()
    graph.parse(path or ontology_path("govgraph.ttl"), format="turtle")
    return graph


@cache
def model() -> Model:
    """The model of the shipped ontology, parsed on first use."""
    return build_model(load_graph())


@cache
def aligned_model() -> Model:
    """The shipped ontology read together with its alignments (alignment.ttl), so that a
    class's ancestors and a property's super-properties include ORG, PROV, FOAF, Dublin
    Core and schema.org terms. Only the reasoner uses it: it materialises ``?x a
    org:Organization`` and ``org:memberOf``; every other layer speaks govgraph terms."""
    graph = load_graph()
    graph.parse(ontology_path("alignment.ttl"), format="turtle")
    return build_model(graph)


# --- the questions the rest of the code asks ------------------------------------------


def classes() -> list[OntClass]:
    return list(model().classes.values())


def properties() -> list[OntProperty]:
    return list(model().properties.values())


def get_class(iri: Node) -> OntClass:
    """The class ``iri``; KeyError if the ontology does not define it."""
    if not isinstance(iri, URIRef):
        raise KeyError(iri)
    return model().classes[iri]


def get_property(iri: Node) -> OntProperty:
    """The property ``iri``; KeyError if the ontology does not define it."""
    if not isinstance(iri, URIRef):
        raise KeyError(iri)
    return model().properties[iri]


def organisation_classes() -> list[OntClass]:
    """gg:Organisation and every class below it, in hierarchy order."""
    return [c for c in classes() if c.is_organisation]


def agent_classes() -> list[OntClass]:
    """gg:Agent and every class below it (organisations, groups, posts, people)."""
    return [c for c in classes() if c.is_agent]


def map_classes() -> list[OntClass]:
    """The classes a map draws nodes for: those with a colour, in hierarchy order."""
    return [c for c in classes() if c.colour]


def relationship_kinds() -> list[OntProperty]:
    """The object properties a reified relationship may name as its kind."""
    return [p for p in properties() if p.is_relationship_kind]


def accountability_kinds() -> list[OntProperty]:
    """gg:accountableTo and the relationship kinds below it (reportsTo, fundedBy, ...)."""
    return [p for p in properties() if p.is_accountability_kind]


def individuals_of(cls: URIRef) -> dict[str, URIRef]:
    """The named individuals of an enumerated class (statement statuses, lead tiers), keyed
    by their label in YAML form (``key ongoing role`` -> ``key-ongoing-role``), in the
    ontology's order: the one list both the YAML readers and GraphQL enums take them from."""
    return {
        "-".join(i.label.lower().split()): i.iri
        for i in model().individuals.values()
        if cls in i.types
    }


def accountability_direction(iri: Node) -> tuple[URIRef, bool] | None:
    """For a kind on an accountability line, the kind read in the accountable direction and
    whether the edge must be flipped to read that way (``directs`` -> ``directedBy``, True);
    None for kinds that are not accountability."""
    prop = model().properties.get(iri) if isinstance(iri, URIRef) else None
    if prop is None:
        return None
    if prop.is_accountability_kind:
        return prop.iri, False
    if prop.inverse is not None and model().properties[prop.inverse].is_accountability_kind:
        return prop.inverse, True
    return None


def label(iri: Node) -> str:
    """The English label of a term, or its local name for terms the ontology does not define."""
    return model().label(iri)


def comment(iri: Node) -> str:
    if not isinstance(iri, URIRef):
        return ""
    term = model().classes.get(iri) or model().properties.get(iri)
    return term.comment if term is not None else ""


def colour(iri: Node) -> str | None:
    if not isinstance(iri, URIRef):
        return None
    m = model()
    term = m.classes.get(iri) or m.properties.get(iri) or m.individuals.get(iri)
    return term.colour if term is not None else None


def most_specific(types: Iterable[Node]) -> URIRef | None:
    """Of an entity's gg classes, the deepest one that has a map colour (ties broken by
    hierarchy order), so a map can colour a node that is typed at several levels."""
    m = model()
    known = [t for t in types if isinstance(t, URIRef) and t in m.classes]
    coloured = [t for t in known if m.classes[t].colour] or known
    if not coloured:
        return None
    order = list(m.classes)
    return max(coloured, key=lambda t: (len(m.ancestors(t)), -order.index(t)))
