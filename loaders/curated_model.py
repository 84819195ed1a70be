"""The curated register as checked Python records, read from its YAML files.

Everything is validated before a single triple is made, so a broken file fails the load
cleanly with the file, line, column and field to fix. Classes, relationship kinds and
event kinds are checked against the ontology (:mod:`govgraph.ontology.model`), never
against lists kept here. The schema is documented in docs/curated-data.md.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import SKOS

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.text import short_repr
from govgraph.loaders.curated_dates import EventDates
from govgraph.loaders.curated_records import (
    Cite,
    Concept,
    Entity,
    Event,
    Figure,
    Phase,
    Register,
    Relationship,
    Scheme,
    Source,
)
from govgraph.loaders.curated_schema import FILE_MODELS, item_model
from govgraph.loaders.curated_yaml import (
    Date,
    Mark,
    MarkedDict,
    MarkedList,
    Record,
    file_records,
)
from govgraph.loaders.resolve import normalise
from govgraph.ontology import model as ontology
from govgraph.ontology.terms import GG

FILES = {
    "sources": "sources.yaml",
    "organisations": "organisations.yaml",
    "collectives": "collectives.yaml",
    "relationships": "relationships.yaml",
    "policy_areas": "policy_areas.yaml",
    "events": "events.yaml",
    "phases": "phases.yaml",
    "figures": "figures.yaml",
}
"""The files of a curated folder; plan.yaml beside them belongs to the plan loader."""

CODE_FIELDS = {
    "gss": GG.gssCode,
    "charity": GG.charityNumber,
    "company": GG.companyNumber,
    "care-service": GG.careServiceNumber,
    "govuk": GG.govukSlug,
}
"""`codes:` keys: resolver scheme names (as the load pipeline spells them) -> property."""

_CODE_FORMS = {
    "gss": (re.compile(r"^[SEWNK]\d{8}$"), "a GSS code such as S12000018"),
    "charity": (re.compile(r"^SC\d{6}$"), "a Scottish charity number such as SC012345"),
    "company": (re.compile(r"^(SC|NI|OC|SO)?\d{6,8}$"), "a company number such as SC693269"),
    "care-service": (re.compile(r"^CS\d{10}$"), "a care service number such as CS2003000000"),
    "govuk": (re.compile(r"^[a-z0-9-]+$"), "a GOV.UK slug"),
}
RECORD_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    file: {key: frozenset(item_model(model, key).model_fields) for key in model.model_fields}
    for file, model in FILE_MODELS.items()
    if file in FILES.values()
}
"""The fields each list of each file may hold (from the models in
:mod:`govgraph.loaders.curated_schema`): docs/curated-data.md documents exactly these
(tests/test_facts_schema.py compares them)."""

ACYCLIC_KINDS = frozenset({"subOrganisationOf"})
"""Relationship kinds that form a hierarchy, so a loop in them is an error."""
AREA_CLASSES = {"S12": GG.CouncilArea, "S08": GG.HealthBoardArea}
"""Areas an entity may operate in, by GSS code prefix."""


class _Vocabulary:
    """The ontology terms records may use, read once from govgraph.ttl."""

    @cached_property
    def model(self) -> ontology.Model:
        return ontology.model()

    def descendants(self, root: URIRef) -> dict[str, URIRef]:
        return {str(c).rsplit("#", 1)[-1]: c for c in self.model.descendants(root)}

    @cached_property
    def entity_classes(self) -> dict[str, URIRef]:
        classes = self.descendants(GG.LandscapeEntity)
        classes.pop("Collective", None)
        return classes

    @cached_property
    def event_kinds(self) -> dict[str, URIRef]:
        return self.descendants(GG.ChangeEvent)

    @cached_property
    def concept_classes(self) -> dict[str, URIRef]:
        return self.descendants(SKOS.Concept)

    @cached_property
    def statuses(self) -> dict[str, URIRef]:
        """``status:`` values: the ontology's statement statuses by label (``planned``)."""
        return ontology.individuals_of(GG.StatementStatus)

    @cached_property
    def relationship_kinds(self) -> dict[str, ontology.OntProperty]:
        return {p.name: p for p in ontology.relationship_kinds()}

    def fits(self, cls: URIRef, allowed: tuple[URIRef, ...]) -> bool:
        if not allowed or any(a not in self.model.classes for a in allowed):
            return True
        return any(a == cls or a in self.model.ancestors(cls) for a in allowed)

    def names(self, classes: tuple[URIRef, ...]) -> str:
        return " or ".join(str(c).rsplit("#", 1)[-1] for c in classes)


VOCABULARY = _Vocabulary()


def _choice(record: Record, name: str, options: dict[str, URIRef], what: str) -> URIRef:
    value = record.text(name)
    assert value is not None
    if value not in options:
        raise record.error(
            name,
            f"unknown {what} {short_repr(value)}: expected one of {', '.join(sorted(options))}",
        )
    return options[value]


def status(record: Record, field: str = "status") -> URIRef:
    """A record's statement status (``stated`` when absent), as the ontology names it."""
    if record.data.get(field) is None:
        return GG.Stated
    return _choice(record, field, VOCABULARY.statuses, "status")


class _Reader:
    """Reads one curated folder into a :class:`Register`, checking as it goes."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.register = Register()
        self.files: dict[str, str] = {}
        """Seed file name -> source id."""
        self.ids: dict[str, tuple[Path, Mark]] = {}
        self.entities: dict[str, Entity] = {}
        self.names: dict[str, tuple[str, Path, Mark]] = {}
        self.dates = EventDates()
        """Bodies' start and end dates, completed from dated change events."""
        self.hierarchy: dict[str, list[tuple[str, Record]]] = {}
        """Subject -> (object, record) of each relationship that must not form a cycle."""
        self.concept_sets: dict[URIRef, set[str]] = {}
        """Concept class -> the ids of its concepts (:meth:`concept_ids`)."""

    def path(self, key: str) -> Path:
        return self.dir / FILES[key]

    def read(self) -> Register:
        if not self.dir.is_dir():
            raise SourceError("expected a folder of curated YAML files", file=str(self.dir))
        files = {
            key: file_records(
                self.path(key), FILE_MODELS[name], required=key in ("sources", "organisations")
            )
            for key, name in FILES.items()
        }
        for r in files["sources"]["sources"]:
            self.source(r)
        if not self.register.sources:
            raise SourceError("expected at least one source", file=str(self.path("sources")))
        for r in files["policy_areas"]["schemes"]:
            self.scheme(r)
        for r in files["policy_areas"]["concepts"]:
            self.concept(r)
        for r in files["organisations"]["organisations"]:
            self.entity(r, collective=False)
        for r in files["collectives"]["collectives"]:
            self.entity(r, collective=True)
        for r in files["relationships"]["relationships"]:
            self.relationship(r)
        self.acyclic()
        for r in files["phases"]["plans"]:
            self.register.plans.append(self.phase(r, plan=False))
        for r in files["phases"]["phases"]:
            self.register.phases.append(self.phase(r, plan=True))
        for r in files["events"]["events"]:
            self.event(r)
        for r in files["figures"]["figures"]:
            self.figure(r)
        return self.register

    # --- shared checks -----------------------------------------------------------------

    def claim(self, record: Record, ident: str, namespace: str) -> None:
        key = f"{namespace}/{ident}"
        if key in self.ids:
            path, (line, _) = self.ids[key]
            raise record.error(
                "id", f"duplicate id {short_repr(ident)}: already used in {path.name} line {line}"
            )
        self.ids[key] = (record.file, record.where("id"))

    def cites(self, record: Record) -> list[Cite]:
        out = []
        for item in record.records("sources", "a citation {doc, locator}"):
            doc = item.text("doc")
            if doc not in self.files:
                raise item.error(
                    "doc",
                    f"unknown document {short_repr(doc)}: expected a file listed in sources.yaml "
                    f"({', '.join(sorted(self.files))})",
                )
            out.append(Cite(self.files[doc], item.text("locator") or ""))
        return out

    def date_range(
        self, record: Record, start: str = "start", end: str = "end"
    ) -> tuple[Date | None, Date | None]:
        first, last = record.date(start), record.date(end)
        if first and last and last.latest < first.earliest:
            raise record.error(end, f"end {last.text} is before start {first.text}")
        return first, last

    def entity_ref(self, record: Record, name: str, value: str, mark: Mark) -> Entity:
        found = self.entities.get(value)
        if found is None:
            raise record.error(
                name,
                f"unknown id {short_repr(value)}: expected the id of a record in "
                "organisations.yaml or "
                "collectives.yaml",
                mark,
            )
        return found

    # --- files ---------------------------------------------------------------------------

    def source(self, r: Record) -> None:
        ident = r.ident()
        self.claim(r, ident, "source")
        file = r.text("file")
        assert file is not None
        if file in self.files:
            raise r.error("file", f"file {short_repr(file)} is listed twice")
        kinds = {"document": GG.SourceDocument, "dataset": GG.Dataset}
        kind = _choice(r, "kind", kinds, "source kind")
        self.files[file] = ident
        date = r.date("date", required=True)
        assert date is not None
        url = r.text("url", required=False)
        licence = r.text("licence", required=False)
        self.register.sources.append(
            Source(
                ident,
                file,
                r.text("title") or "",
                r.text("publisher") or "",
                date,
                kind,
                url,
                licence,
            )
        )

    def scheme(self, r: Record) -> None:
        ident = r.ident()
        self.claim(r, ident, "scheme")
        cls = _choice(r, "concept_class", VOCABULARY.concept_classes, "concept class")
        self.register.schemes.append(
            Scheme(
                ident,
                r.text("name") or "",
                cls,
                r.text("description", required=False),
                self.cites(r),
            )
        )

    def concept(self, r: Record) -> None:
        ident = r.ident()
        self.claim(r, ident, "concept")
        schemes = {s.id: s for s in self.register.schemes}
        scheme_id = r.text("scheme")
        if scheme_id not in schemes:
            raise r.error(
                "scheme",
                f"unknown scheme {short_repr(scheme_id)}: expected one of "
                f"{', '.join(sorted(schemes))}",
            )
        self.register.concepts.append(
            Concept(
                ident,
                schemes[scheme_id],
                r.text("name") or "",
                [a for a, _ in r.texts("aliases")],
                r.text("description", required=False),
                self.cites(r),
            )
        )

    def entity(self, r: Record, *, collective: bool) -> None:
        ident = r.ident()
        self.claim(r, ident, "entity")
        name = r.text("name")
        assert name is not None
        if collective:
            cls, of = GG.Collective, _choice(r, "of_class", VOCABULARY.entity_classes, "class")
        else:
            cls, of = _choice(r, "type", VOCABULARY.entity_classes, "type"), None
        aliases = r.texts("aliases")
        self.unique_names(r, ident, [(name, r.where("name")), *aliases])
        e = Entity(ident, name, cls, r.mark, [a for a, _ in aliases if a != name], collective_of=of)
        e.description = r.text("description", required=False)
        if not collective:
            e.start, e.end = self.date_range(r)
            e.operates_in = self.areas(r)
            e.codes = self.codes(r)
            e.cites = self.cites(r)
            for key, cls, target in (
                ("policy_areas", GG.PolicyArea, e.interests),
                ("remits", GG.PolicyArea, e.remits),
                ("client_groups", GG.ClientGroup, e.client_groups),
            ):
                known = self.concept_ids(cls)
                for value, mark, cites in self.attributes(r, key):
                    if value not in known:
                        raise r.error(
                            key,
                            f"unknown {ontology.label(cls)} {short_repr(value)}: expected "
                            "an id from "
                            "policy_areas.yaml",
                            mark,
                        )
                    target.append(value)
                    e.attribute_cites[(key, value)] = cites or e.cites
        else:
            e.cites = self.cites(r)
        self.dates.entity(r, e)
        self.entities[ident] = e
        self.register.entities.append(e)

    def concept_ids(self, cls: URIRef) -> set[str]:
        """Ids of the concepts of ``cls`` (read before any entity, so computed once)."""
        found = self.concept_sets.get(cls)
        if found is None:
            found = self.concept_sets[cls] = {
                c.id for c in self.register.concepts if c.scheme.concept_class == cls
            }
        return found

    def attributes(self, r: Record, key: str) -> list[tuple[str, Mark, list[Cite]]]:
        """The ids of an attribute list, each with the citations that support it: an item
        is an id (supported by the record's own sources) or ``{id: ..., sources: [...]}``
        when a passage of its own states it."""
        value = r.data.get(key)
        if not isinstance(value, MarkedList):
            return [(text, mark, []) for text, mark in r.texts(key)]
        out: list[tuple[str, Mark, list[Cite]]] = []
        for item, mark in zip(value, value.item_marks, strict=True):
            if isinstance(item, MarkedDict):
                sub = Record(item, r.file, mark, f"an item of '{key}'")
                out.append((sub.ident(), mark, self.cites(sub)))
            else:
                out.append((str(item).strip(), mark, []))
        return out

    def unique_names(self, r: Record, ident: str, names: list[tuple[str, Mark]]) -> None:
        for text, mark in names:
            key = normalise(text)
            owner = self.names.get(key)
            if owner and owner[0] != ident:
                raise r.error(
                    "aliases" if mark != r.where("name") else "name",
                    f"name {short_repr(text)} is already a name of {short_repr(owner[0])} "
                    f"({owner[1].name} line "
                    f"{owner[2][0]}): one name must identify one body",
                    mark,
                )
            self.names[key] = (ident, r.file, mark)

    def areas(self, r: Record) -> list[str]:
        out = []
        for code, mark in r.texts("operates_in"):
            if not re.fullmatch(r"S\d{8}", code) or code[:3] not in AREA_CLASSES:
                raise r.error(
                    "operates_in",
                    "expected the GSS code of a council area (S12...) or health board area "
                    f"(S08...), got {short_repr(code)}",
                    mark,
                )
            out.append(code)
        return out

    def codes(self, r: Record) -> dict[str, str]:
        raw = r.mapping("codes")
        out = {}
        for scheme, value in raw.items():
            mark = raw.value_marks[scheme]
            if scheme not in _CODE_FORMS:
                raise r.error(
                    "codes",
                    f"unknown code scheme {short_repr(scheme)}: expected one of "
                    + ", ".join(sorted(_CODE_FORMS)),
                    mark,
                )
            pattern, expected = _CODE_FORMS[scheme]
            text = str(value).strip()
            if not pattern.fullmatch(text):
                raise r.error(
                    "codes", f"expected {expected} for '{scheme}', got {short_repr(value)}", mark
                )
            out[scheme] = text
        return out

    def relationship(self, r: Record) -> None:
        kinds = VOCABULARY.relationship_kinds
        kind_name = r.text("kind")
        if kind_name not in kinds:
            raise r.error(
                "kind",
                f"unknown relationship kind {short_repr(kind_name)}: expected one of "
                + ", ".join(sorted(kinds)),
            )
        prop = kinds[kind_name]
        ends = {}
        for end, allowed in (("subject", prop.domain), ("object", prop.range)):
            value = r.text(end)
            assert value is not None
            target = self.entity_ref(r, end, value, r.where(end))
            if not VOCABULARY.fits(target.type, allowed):
                raise r.error(
                    end,
                    f"'{kind_name}' needs a {VOCABULARY.names(allowed)} as its {end}, but "
                    f"{short_repr(value)} is a {str(target.type).rsplit('#', 1)[-1]}",
                )
            ends[end] = value
        if ends["subject"] == ends["object"]:
            raise r.error("object", f"a body cannot be '{kind_name}' itself ({short_repr(value)})")
        if kind_name in ACYCLIC_KINDS:
            self.hierarchy.setdefault(ends["subject"], []).append((ends["object"], r))
        rel = Relationship(
            prop.iri,
            ends["subject"],
            ends["object"],
            *self.date_range(r),
            r.text("statutory_basis", required=False),
            r.text("role", required=False),
            r.text("note", required=False),
            self.cites(r),
            status(r),
        )
        keys = [rel.slug]
        if prop.is_symmetric:
            keys.append(rel.slug_of(rel.object, rel.subject))
        for key in keys:
            if f"relationship/{key}" in self.ids:
                path, (line, _) = self.ids[f"relationship/{key}"]
                raise r.error(
                    "kind",
                    f"duplicate relationship: {rel.subject} {kind_name} {rel.object} is already "
                    f"stated in {path.name} line {line}; add its sources there",
                )
        self.ids[f"relationship/{keys[0]}"] = (r.file, r.where("kind"))
        self.register.relationships.append(rel)

    def acyclic(self) -> None:
        """Refuse a cycle such as A subOrganisationOf B subOrganisationOf A: a body
        cannot be part of itself, and the reasoner would make every body in the loop so."""
        done: set[str] = set()
        for start in sorted(self.hierarchy):
            path: list[str] = []
            on_path: set[str] = set()
            stack: list[tuple[str, int]] = [(start, 0)]
            while stack:
                node, index = stack.pop()
                if node in done:
                    continue
                edges = self.hierarchy.get(node, [])
                if index == 0:
                    path.append(node)
                    on_path.add(node)
                if index < len(edges):
                    stack.append((node, index + 1))
                    target, record = edges[index]
                    if target in on_path:
                        loop = " -> ".join([*path[path.index(target) :], target])
                        raise record.error(
                            "object",
                            f"cycle of {record.text('kind')}: {loop}; a body cannot be "
                            "part of itself",
                        )
                    stack.append((target, 0))
                else:
                    path.pop()
                    on_path.discard(node)
                    done.add(node)

    def phase(self, r: Record, *, plan: bool) -> Phase:
        ident = r.ident()
        self.claim(r, ident, "phase" if plan else "plan")
        parent = None
        if plan:
            parent = r.text("plan")
            if parent not in {p.id for p in self.register.plans}:
                raise r.error(
                    "plan",
                    f"unknown plan {short_repr(parent)}: expected an id from the 'plans' list",
                )
        return Phase(
            ident,
            r.text("name") or "",
            parent,
            *self.date_range(r),
            r.text("description", required=False),
            self.cites(r),
            [a for a, _ in r.texts("aliases")],
        )

    def event(self, r: Record) -> None:
        ident = r.ident()
        self.claim(r, ident, "event")
        kind = _choice(r, "kind", VOCABULARY.event_kinds, "event kind")
        name = r.text("name") or ""
        refs: dict[str, list[str]] = {}
        for key in ("affects", "results_in"):
            refs[key] = [self.entity_ref(r, key, v, m).id for v, m in r.texts(key)]
        if not refs["affects"] and not refs["results_in"]:
            raise r.error(None, "an event must name what it affects or results in")
        event = Event(
            ident,
            kind,
            name,
            r.date("date"),
            refs["affects"],
            refs["results_in"],
            r.text("description", required=False),
            self.cites(r),
        )
        self.dates.event(r, event, self.entities)
        self.register.events.append(event)

    def figure(self, r: Record) -> None:
        ident = r.ident()
        self.claim(r, ident, "figure")
        subject = r.text("subject", required=False)
        if subject is not None:
            self.entity_ref(r, "subject", subject, r.where("subject"))
        value = r.data["value"]
        self.register.figures.append(
            Figure(
                ident,
                subject,
                r.text("measure") or "",
                value,
                r.text("unit") or "",
                r.date("date"),
                r.text("note", required=False),
                self.cites(r),
                status(r),
            )
        )


def read_register(directory: Path) -> Register:
    """Read and check a curated folder; SourceError names the first problem found."""
    return _Reader(Path(directory)).read()
