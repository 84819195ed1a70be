"""Check the graph against ``shapes.ttl`` and say what is wrong in plain language.

pySHACL runs with ``inference="none"`` over the union of every named graph: the data, the
ontology (so ``sh:targetClass`` follows the class hierarchy and relationship kinds can be
checked) and the inferred closure. Each result becomes a :class:`Violation` that prints as
one line naming the entity, the property and what was expected.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from govgraph.graph.checks.ontology_graph import ontology_ntriples
from govgraph.graph.storage.queries import query
from govgraph.graph.storage.store import Store
from govgraph.ontology.model import label as ontology_label
from govgraph.ontology.model import local_name
from govgraph.ontology.terms import BASE, GG, ONTOLOGY_GRAPH, ontology_path

SH = "http://www.w3.org/ns/shacl#"
_SH_COUNTS = {f"{SH}MinCountConstraintComponent", f"{SH}MaxCountConstraintComponent"}
_SH_ORDER = f"{SH}LessThanOrEqualsConstraintComponent"

# rdflib cannot order xsd:gYear literals (2021 <= 2020 raises TypeError inside pyshacl), so
# validation reads a year as the widest interval it stands for: a start year from 1 January,
# an end year to 31 December. Only the private copy given to pyshacl is rewritten.
_YEAR_BOUND = re.compile(
    rb"^(\S+) <" + re.escape(str(GG).encode()) + rb"(startDate|endDate)> "
    rb'"(-?\d{4,})"\^\^<http://www\.w3\.org/2001/XMLSchema#gYear>',
    re.MULTILINE,
)

Years = dict[tuple[str, str], str]
"""(subject N-Triples term, 'startDate'|'endDate') -> the year as written, for messages."""


def comparable_dates(data: bytes) -> tuple[bytes, Years]:
    """Rewrite year bounds of intervals as dates; returns the data and the original years."""
    years: Years = {}

    def as_date(match: re.Match[bytes]) -> bytes:
        subject, prop, year = match.group(1), match.group(2), match.group(3)
        years[(subject.decode(), prop.decode())] = year.decode()
        day = b"-01-01" if prop == b"startDate" else b"-12-31"
        return (
            subject + b" <" + str(GG).encode() + prop + b'> "' + year + day
            + b'"^^<http://www.w3.org/2001/XMLSchema#date>'
        )  # fmt: skip

    return _YEAR_BOUND.sub(as_date, data), years


@dataclass(frozen=True)
class Violation:
    """One SHACL result, resolved to names a reader knows."""

    entity: str
    """IRI of the entity at fault (or a blank node id)."""
    name: str
    """Its preferred name, or its short id when it has none."""
    property: str
    """The property's name as the shape gives it (sh:name), else its ontology label."""
    message: str
    severity: str
    """'Violation', 'Warning' or 'Info'."""
    path: str | None = None
    value: str | None = None

    @builtins.property  # the field ``property`` shadows the builtin in this class body
    def short_id(self) -> str:
        return self.entity[len(BASE) :] if self.entity.startswith(BASE) else self.entity

    def line(self) -> str:
        """``Inverclyde IJB (id/inverclyde-ijb): property 'preferred name' — expected ...``"""
        who = self.short_id if self.name == self.short_id else f"{self.name} ({self.short_id})"
        prefix = "" if self.severity == "Violation" else f"{self.severity.lower()}: "
        return f"{prefix}{who}: property '{self.property}' — {self.message}"


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [v.line() for v in self.violations]

    def text(self) -> str:
        return "\n".join(self.lines())

    def __len__(self) -> int:
        return len(self.violations)

    def __iter__(self) -> Iterator[Violation]:
        return iter(self.violations)


def shapes_graph() -> Graph:
    """A fresh shapes graph: pyshacl adds system triples to it, so it is never shared."""
    return Graph().parse(ontology_path("shapes.ttl"), format="turtle")


def store_ntriples(store: Store) -> bytes:
    """Everything in the store, plus the ontology if the store has not loaded it."""
    data = store.query_serialized(
        query("validation_data"), "application/n-triples", "application/n-triples"
    )
    if ONTOLOGY_GRAPH not in store.graphs():
        data += b"\n" + ontology_ntriples()
    return data


def validate(store: Store) -> ValidationReport:
    """Validate the store's graphs against the shipped shapes."""
    return validate_ntriples(store_ntriples(store))


def validate_ntriples(data: bytes) -> ValidationReport:
    """Validate N-Triples (data plus ontology) against the shipped shapes."""
    rewritten, years = comparable_dates(data)
    graph = Graph()
    graph.parse(data=rewritten, format="nt")
    return validate_graph(graph, years)


_XSD = "http://www.w3.org/2001/XMLSchema#"
_TZ = r"(Z|[+-][0-9][0-9]:[0-9][0-9])?"
_UNCHECKED_FORMS = {
    URIRef(_XSD + "gYear"): re.compile(r"-?[0-9]{4,}" + _TZ),
    URIRef(_XSD + "gYearMonth"): re.compile(r"-?[0-9]{4,}-(0[1-9]|1[0-2])" + _TZ),
}
"""Lexical forms of the datatypes rdflib does not parse (its ``ill_typed`` is None for them)."""


def ill_typed(term: Node) -> bool:
    """Whether ``term`` is a literal whose text is not a value of its datatype
    (``"not-a-date"^^xsd:date``, ``"2020-02-30"^^xsd:date``, ``"20x"^^xsd:gYear``)."""
    if not isinstance(term, Literal) or term.datatype is None:
        return False
    form = _UNCHECKED_FORMS.get(term.datatype)
    if form is not None:
        return form.fullmatch(str(term)) is None
    return bool(term.ill_typed)


def _ill_typed_violations(data: Graph) -> list[Violation]:
    """Report, and take out of ``data``, every ill-typed literal: pySHACL's order checks
    (``sh:lessThanOrEquals``) raise TypeError on them, which would stop validation of the
    whole store; a value already stored by ``load --no-validate`` must be a violation."""
    bad = [(s, p, o) for s, p, o in data if ill_typed(o)]
    out = []
    for s, p, o in bad:
        data.remove((s, p, o))
        assert isinstance(o, Literal) and o.datatype is not None
        out.append(
            Violation(
                entity=str(s),
                name=_name(data, s),
                property=ontology_label(p) if isinstance(p, URIRef) else str(p),
                message=f"{str(o)!r} is not a valid {local_name(str(o.datatype))} value",
                severity="Violation",
                path=str(p),
                value=str(o),
            )
        )
    return out


def validate_graph(data: Graph, years: Years | None = None) -> ValidationReport:
    """Validate an rdflib graph that already holds the data and the ontology (ill-typed
    literals are reported and taken out of it); ``years`` restores year bounds that
    :func:`comparable_dates` rewrote, in messages."""
    from pyshacl import validate as shacl_validate  # slow import, only when validating

    ill = _ill_typed_violations(data)
    shapes = shapes_graph()
    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True
    )
    assert isinstance(results, Graph)
    violations = ill + [
        _violation(data, shapes, results, r, years or {})
        for r in results.subjects(RDF.type, URIRef(f"{SH}ValidationResult"))
    ]
    violations.sort(
        key=lambda v: (v.severity != "Violation", v.name.lower(), v.entity, v.property, v.message)
    )
    return ValidationReport(conforms=bool(conforms) and not ill, violations=violations)


def _sh(name: str) -> URIRef:
    return URIRef(SH + name)


def _name(data: Graph, node: Node) -> str:
    names = sorted(str(n) for n in data.objects(node, SKOS.prefLabel) if isinstance(n, Literal))
    if names:
        return names[0]
    iri = str(node)
    return iri[len(BASE) :] if iri.startswith(BASE) else iri


def _show(term: Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        iri = str(term)
        return iri[len(BASE) :] if iri.startswith(BASE) else local_name(iri)
    return str(term)


def _count_message(shapes: Graph, shape: Node, found: int) -> str:
    low, high = shapes.value(shape, _sh("minCount")), shapes.value(shape, _sh("maxCount"))
    lo = int(low) if isinstance(low, Literal) else None
    hi = int(high) if isinstance(high, Literal) else None
    if lo is not None and lo == hi:
        want = f"exactly {lo}"
    elif lo is not None and hi is not None:
        want = f"between {lo} and {hi}"
    elif lo is not None:
        want = f"at least {lo}"
    else:
        want = f"at most {hi}"
    n = lo if lo == hi or hi is None else hi
    return f"expected {want} value{'s' if n != 1 else ''}, found {found}"


def _violation(data: Graph, shapes: Graph, results: Graph, result: Node, years: Years) -> Violation:
    focus = results.value(result, _sh("focusNode"))
    path = results.value(result, _sh("resultPath"))
    shape = results.value(result, _sh("sourceShape"))
    component = str(results.value(result, _sh("sourceConstraintComponent")))
    value = results.value(result, _sh("value"))
    severity = local_name(str(results.value(result, _sh("resultSeverity")) or f"{SH}Violation"))

    shape_name = shapes.value(shape, _sh("name")) if shape is not None else None
    if shape_name is not None:
        prop = str(shape_name)
    elif isinstance(path, URIRef):
        prop = ontology_label(path)
    else:
        prop = "(value)"

    message = str(results.value(result, _sh("resultMessage")) or "does not conform")
    if (
        component in _SH_COUNTS
        and isinstance(path, URIRef)
        and focus is not None
        and shape is not None
    ):
        message = _count_message(shapes, shape, len(set(data.objects(focus, path))))
    elif component == _SH_ORDER and focus is not None:
        subject = focus.n3() if isinstance(focus, URIRef) else ""
        start = years.get((subject, "startDate"), _show(value))
        end = years.get((subject, "endDate")) or ", ".join(
            sorted(str(v) for v in data.objects(focus, GG.endDate))
        )
        message = f"{message} (start {start}, end {end})"
    elif value is not None and not isinstance(value, BNode) and value != focus:
        message = f"{message} (found {_show(value)})"

    return Violation(
        entity=str(focus),
        name=_name(data, focus) if focus is not None else "(unknown)",
        property=prop,
        message=message,
        severity=severity,
        path=str(path) if isinstance(path, URIRef) else None,
        value=_show(value),
    )
