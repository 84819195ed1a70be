"""Any CSV of organisations, driven by a small YAML mapping file (see docs/loaders.md).

The mapping names the columns that give each row's name, id, type and codes, and maps
other columns to govgraph properties as literals, dates or references. Rows resolve to
known entities by code, then by name, and are minted as ``id:<prefix>/<slug>`` only when
nothing resolves. A reference that does not resolve is reported as unresolved and left
out: it never creates an organisation.

The mapping is found as ``<csv name>.mapping.yaml`` beside the CSV, or given explicitly,
or the loader's path may be the mapping itself when the mapping's ``file:`` key names
the CSV (relative to the mapping).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.text import short_repr
from govgraph.graph.core.yaml_reader import MarkedDict, MarkedList, read_yaml
from govgraph.loaders.base import Loader, SourceInfo, Triple, iri_problem
from govgraph.loaders.csv_input import FirstLines, Row, read_csv, require
from govgraph.loaders.registry import graph_claim_problem
from govgraph.loaders.resolve import Resolver
from govgraph.loaders.triples import (
    Citation,
    cited,
    cited_relationship,
    labels,
    literal_date,
    resolve_body,
    resolve_body_code,
    source_document,
)
from govgraph.ontology.terms import PREFIXES, entity, slugify

VALUE_KINDS = ("literal", "date", "reference", "iri")


@dataclass
class PropertyMap:
    column: str
    property: URIRef
    kind: str = "literal"
    separator: str | None = None
    scheme: str | None = None
    relationship: bool = False


@dataclass
class CodeMap:
    column: str
    scheme: str
    property: URIRef | None = None
    separator: str | None = None
    pattern: re.Pattern[str] | None = None


@dataclass
class Mapping:
    source: SourceInfo
    prefix: str
    name: str
    id: str | None = None
    type_column: str | None = None
    type_separator: str | None = None
    type_map: dict[str, URIRef] = field(default_factory=dict)
    default_type: URIRef | None = None
    codes: list[CodeMap] = field(default_factory=list)
    properties: list[PropertyMap] = field(default_factory=list)
    file: str | None = None

    def columns(self) -> list[str]:
        cols = [self.name, self.id, self.type_column]
        cols += [c.column for c in self.codes] + [p.column for p in self.properties]
        return list(dict.fromkeys(c for c in cols if c))


TERM_FORMS = "a term like gg:partnerOf or a full IRI (known prefixes: " + ", ".join(PREFIXES) + ")"


def parse_term(value: Any) -> URIRef | None:
    """A property or class IRI from 'prefix:local', a bare local name (in ``gg:``), or
    a full http(s) IRI; None when the text is none of these."""
    text = str(value or "").strip()
    if re.match(r"^https?://[^\x00-\x20\x7f<>\"{}|\\^`]+$", text) and not iri_problem(text):
        return URIRef(text)
    prefix, sep, local = text.rpartition(":") if ":" in text else ("gg", ":", text)
    if not sep or prefix not in PREFIXES or not re.match(r"^[A-Za-z_][\w-]*$", local):
        return None
    return URIRef(PREFIXES[prefix] + local)


class _MappingReader:
    """Checks a mapping file key by key; every error names the file, line and key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(
        self, message: str, node: Any = None, key: str | None = None, where: str = ""
    ) -> SourceError:
        line = column = None
        if isinstance(node, MarkedDict):
            line, column = (node.value_marks.get(key) if key else None) or node.mark
        elif isinstance(node, MarkedList):
            line, column = node.mark
        return SourceError(
            message, file=str(self.path), line=line, column=column, field=f"{where}{key or ''}"
        )

    def section(self, node: MarkedDict, key: str, where: str = "") -> MarkedDict:
        value = node.get(key)
        if value is None:
            return MarkedDict()
        if not isinstance(value, MarkedDict):
            raise self.fail(f"expected a mapping, got {short_repr(value)}", node, key, where)
        return value

    def items(self, node: MarkedDict, key: str, where: str = "") -> list[MarkedDict]:
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, MarkedList) or not all(isinstance(v, MarkedDict) for v in value):
            raise self.fail(
                f"expected a list of mappings, got {short_repr(value)}", node, key, where
            )
        return list(value)

    def text(
        self, node: MarkedDict, key: str, where: str = "", *, required: bool = False
    ) -> str | None:
        value = node.get(key)
        if value is None or value == "":
            if required:
                raise self.fail("missing required key", node, key, where)
            return None
        if isinstance(value, (dict, list, bool)):
            raise self.fail(f"expected text, got {short_repr(value)}", node, key, where)
        return str(value)

    def term(self, node: MarkedDict, key: str, where: str) -> URIRef:
        text = self.text(node, key, where, required=True)
        found = parse_term(text)
        if found is None:
            raise self.fail(f"expected {TERM_FORMS}, got {short_repr(text)}", node, key, where)
        return found


def load_mapping(path: Path) -> Mapping:
    """Parse and check a mapping file; errors name the mapping file, line and key."""
    raw = read_yaml(path)
    r = _MappingReader(path)
    if not isinstance(raw, MarkedDict):
        raise SourceError(
            "expected a mapping with source:, entity: and properties:", file=str(path), line=1
        )
    src = r.section(raw, "source")
    ent = r.section(raw, "entity")
    source_id = slugify(r.text(src, "id", "source.", required=True) or "")
    if not source_id:
        raise r.fail("expected an id with letters or digits", src, "id", "source.")
    claimed = graph_claim_problem(GenericCsvLoader.kind, source_id)
    if claimed:
        raise r.fail(claimed, src, "id", "source.")
    published = r.text(src, "published", "source.")
    if published is not None:
        try:
            literal_date(published)
        except ValueError as exc:
            raise r.fail(str(exc), src, "published", "source.") from None
    info = SourceInfo(
        id=source_id,
        title=r.text(src, "title", "source.") or source_id,
        origin=r.text(src, "origin", "source.") or "",
        licence=r.text(src, "licence", "source.", required=True) or "",
        publisher=r.text(src, "publisher", "source.") or "",
        published=published,
        attribution=r.text(src, "attribution", "source.") or "",
    )
    mapping = Mapping(
        source=info,
        prefix=slugify(r.text(ent, "prefix", "entity.") or source_id) or source_id,
        name=r.text(ent, "name", "entity.", required=True) or "",
        id=r.text(ent, "id", "entity."),
        file=r.text(raw, "file"),
    )
    type_spec = ent.get("type")
    if isinstance(type_spec, MarkedDict):
        mapping.type_column = r.text(type_spec, "column", "entity.type.")
        mapping.type_separator = r.text(type_spec, "separator", "entity.type.")
        classes = r.section(type_spec, "map", "entity.type.")
        for key in classes:
            mapping.type_map[str(key)] = r.term(classes, key, "entity.type.map.")
        if type_spec.get("default"):
            mapping.default_type = r.term(type_spec, "default", "entity.type.")
    elif type_spec is not None:
        mapping.default_type = r.term(ent, "type", "entity.")
    for i, code in enumerate(r.items(ent, "codes", "entity.")):
        where = f"entity.codes[{i}]."
        pattern = r.text(code, "pattern", where)
        try:
            compiled = re.compile(pattern) if pattern else None
        except re.error as exc:
            raise r.fail(f"bad regular expression: {exc}", code, "pattern", where) from None
        mapping.codes.append(
            CodeMap(
                column=r.text(code, "column", where, required=True) or "",
                scheme=r.text(code, "scheme", where, required=True) or "",
                property=r.term(code, "property", where) if code.get("property") else None,
                separator=r.text(code, "separator", where),
                pattern=compiled,
            )
        )
    for i, prop in enumerate(r.items(raw, "properties")):
        where = f"properties[{i}]."
        kind = r.text(prop, "as", where) or "literal"
        if kind not in VALUE_KINDS:
            raise r.fail(
                f"expected one of {', '.join(VALUE_KINDS)}, got {short_repr(kind)}",
                prop,
                "as",
                where,
            )
        relationship = prop.get("relationship", False)
        if not isinstance(relationship, bool):
            raise r.fail(
                f"expected true or false, got {short_repr(relationship)}",
                prop,
                "relationship",
                where,
            )
        mapping.properties.append(
            PropertyMap(
                column=r.text(prop, "column", where, required=True) or "",
                property=r.term(prop, "property", where),
                kind=kind,
                separator=r.text(prop, "separator", where),
                scheme=r.text(prop, "scheme", where),
                relationship=relationship,
            )
        )
    return mapping


def _values(cell: str, separator: str | None) -> list[str]:
    if not separator:
        return [cell.strip()] if cell.strip() else []
    return [v.strip() for v in cell.split(separator) if v.strip()]


class GenericCsvLoader(Loader):
    """A CSV of bodies described by a column-to-property mapping."""

    mapping_path: Path
    csv_path: Path | None
    """None until a mapping file read on its own names its CSV."""

    kind: ClassVar[str] = "csv"

    def __init__(self, path: Path, mapping_path: Path | None = None) -> None:
        super().__init__(path)
        if mapping_path is not None:
            self.mapping_path, self.csv_path = Path(mapping_path), self.path
        elif self.path.suffix.lower() in (".yaml", ".yml"):
            self.mapping_path, self.csv_path = self.path, None
        else:
            self.mapping_path = self.path.with_suffix(".mapping.yaml")
            self.csv_path = self.path
        self._mapping: Mapping | None = None

    @property
    def mapping(self) -> Mapping:
        if self._mapping is None:
            if not self.mapping_path.is_file():
                raise SourceError(
                    "no mapping file: write one (see docs/loaders.md) beside the CSV as "
                    f"{self.mapping_path.name}",
                    file=str(self.mapping_path),
                )
            self._mapping = load_mapping(self.mapping_path)
            if self.csv_path is None:
                if not self._mapping.file:
                    raise SourceError(
                        "a mapping given as the source needs a file: key naming the CSV",
                        file=str(self.mapping_path),
                        field="file",
                    )
                target = (self.mapping_path.parent / self._mapping.file).resolve()
                if target.suffix.lower() not in (".csv", ".tsv", ".txt"):
                    raise SourceError(
                        f"file: {short_repr(self._mapping.file)} is not a .csv file; a "
                        "mapping names "
                        "the CSV it describes, never another kind of file",
                        file=str(self.mapping_path),
                        field="file",
                    )
                self.csv_path = target
        return self._mapping

    def info(self) -> SourceInfo:
        info = self.mapping.source
        origin = info.origin or str(self.csv_path)
        return SourceInfo(
            id=info.id,
            title=info.title,
            origin=origin,
            licence=info.licence,
            publisher=info.publisher,
            published=info.published,
            attribution=info.attribution,
            url=origin if origin.startswith(("https://", "http://")) else None,
        )

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        mapping = self.mapping
        assert self.csv_path is not None
        yield from source_document(self.info())
        seen = FirstLines(self.csv_path)
        for row in read_csv(self.csv_path, mapping.columns(), self.notes):
            if mapping.id and row[mapping.id]:
                seen.add(row, mapping.id, row[mapping.id], "id")
            yield from self._row(row, mapping, resolver)

    def _row(self, row: Row, m: Mapping, resolver: Resolver) -> Iterator[Triple]:
        path = self.csv_path
        assert path is not None
        name = require(row, m.name, path, "a name")
        key = row[m.id] if m.id else ""
        cit = Citation(m.source.id, f"{m.id} {key}" if key else f"line {row.line}")
        yield from cit.triples()
        codes: list[tuple[CodeMap, str]] = []
        for code in m.codes:
            for value in _values(row[code.column], code.separator):
                if code.pattern is not None:
                    match = code.pattern.search(value)
                    if not match:
                        continue
                    value = match.group(1) if match.groups() else match.group(0)
                codes.append((code, value))
        minted = entity(f"{m.prefix}/{slugify(key or name) or 'row-' + str(row.line)}")
        iri = next((i for c, v in codes if (i := resolve_body_code(resolver, c.scheme, v))), None)
        iri = iri or resolve_body(resolver, name) or minted
        owned = iri == minted
        classes = []
        if m.type_column:
            tokens = set(_values(row[m.type_column], m.type_separator))
            classes = [cls for token, cls in m.type_map.items() if token in tokens][:1]
        if not classes and m.default_type is not None and owned:
            classes = [m.default_type]
        for cls in classes:
            yield iri, RDF.type, cls
        yield from labels(iri, name, owned=owned, existing=resolver.label(iri))
        for code, value in codes:
            if code.property is not None:
                yield iri, code.property, Literal(value)
        yield cited(iri, cit)
        resolver.add(iri, [name], [(c.scheme, v) for c, v in codes])
        for prop in m.properties:
            for value in _values(row[prop.column], prop.separator):
                yield from self._value(iri, prop, value, row, resolver, cit)

    def _value(
        self,
        iri: URIRef,
        prop: PropertyMap,
        value: str,
        row: Row,
        resolver: Resolver,
        cit: Citation,
    ) -> Iterator[Triple]:
        path = str(self.csv_path)
        if prop.kind == "literal":
            yield iri, prop.property, Literal(value)
        elif prop.kind == "date":
            try:
                yield iri, prop.property, literal_date(value)
            except ValueError as exc:
                raise SourceError(str(exc), file=path, line=row.line, field=prop.column) from None
        elif prop.kind == "iri":
            if not re.match(r"^https?://[^\x00-\x20\x7f<>\"{}|\\^`]+$", value) or iri_problem(
                value
            ):
                raise SourceError(
                    f"expected an http(s) IRI, got {short_repr(value)}",
                    file=path,
                    line=row.line,
                    field=prop.column,
                )
            yield iri, prop.property, URIRef(value)
        else:
            target = (
                resolve_body_code(resolver, prop.scheme, value) if prop.scheme else None
            ) or resolve_body(resolver, value)
            if target is None:
                self.unresolved(value, f"{Path(path).name} line {row.line}, column {prop.column}")
            elif prop.relationship:
                yield from cited_relationship(iri, prop.property, target, cit)
            else:
                yield iri, prop.property, target
