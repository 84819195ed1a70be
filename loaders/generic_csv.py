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

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from govgraph.graph.errors import SourceError
from govgraph.loaders.base import Loader, SourceInfo, Triple
from govgraph.loaders.csv_input import Row, read_csv, read_text, require
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


def _term(value: Any, where: str, path: Path, default_ns: str = "gg") -> URIRef:
    """A property or class IRI from 'prefix:local', a bare local name (in ``gg:``), or
    a full IRI."""
    text = str(value or "").strip()
    if re.match(r"^https?://\S+$", text):
        return URIRef(text)
    prefix, sep, local = text.rpartition(":") if ":" in text else (default_ns, ":", text)
    if not sep or prefix not in PREFIXES or not re.match(r"^[A-Za-z_][\w-]*$", local):
        raise SourceError(
            f"expected a term like gg:partnerOf or a full IRI, got {text!r} (known prefixes: "
            + ", ".join(PREFIXES)
            + ")",
            file=str(path),
            field=where,
        )
    return URIRef(PREFIXES[prefix] + local)


def load_mapping(path: Path) -> Mapping:
    """Parse and check a mapping file; errors name the mapping file, line and key."""
    text = read_text(path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SourceError(
            f"YAML syntax error: {getattr(exc, 'problem', None) or exc}",
            file=str(path),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    if not isinstance(raw, dict):
        raise SourceError(
            "expected a mapping with source:, entity: and properties:", file=str(path)
        )

    def need(node: dict[str, Any], key: str, where: str) -> Any:
        value = node.get(key)
        if value in (None, ""):
            raise SourceError("missing required key", file=str(path), field=f"{where}{key}")
        return value

    src = raw.get("source") or {}
    ent = raw.get("entity") or {}
    if not isinstance(src, dict) or not isinstance(ent, dict):
        raise SourceError("source: and entity: must be mappings", file=str(path))
    source_id = slugify(str(need(src, "id", "source.")))
    info = SourceInfo(
        id=source_id,
        title=str(src.get("title") or source_id),
        origin=str(src.get("origin") or ""),
        licence=str(need(src, "licence", "source.")),
        publisher=str(src.get("publisher") or ""),
        published=str(src["published"]) if src.get("published") else None,
        attribution=str(src.get("attribution") or ""),
    )
    prefix = slugify(str(ent.get("prefix") or source_id))
    mapping = Mapping(
        source=info,
        prefix=prefix,
        name=str(need(ent, "name", "entity.")),
        id=str(ent["id"]) if ent.get("id") else None,
        file=str(raw["file"]) if raw.get("file") else None,
    )
    type_spec = ent.get("type")
    if isinstance(type_spec, str):
        mapping.default_type = _term(type_spec, "entity.type", path)
    elif isinstance(type_spec, dict):
        mapping.type_column = type_spec.get("column")
        mapping.type_separator = type_spec.get("separator")
        for key, cls in (type_spec.get("map") or {}).items():
            mapping.type_map[str(key)] = _term(cls, f"entity.type.map.{key}", path)
        if type_spec.get("default"):
            mapping.default_type = _term(type_spec["default"], "entity.type.default", path)
    for i, code in enumerate(ent.get("codes") or []):
        where = f"entity.codes[{i}]."
        pattern = code.get("pattern")
        try:
            compiled = re.compile(pattern) if pattern else None
        except re.error as exc:
            raise SourceError(
                f"bad regular expression: {exc}", file=str(path), field=where + "pattern"
            ) from None
        mapping.codes.append(
            CodeMap(
                column=str(need(code, "column", where)),
                scheme=str(need(code, "scheme", where)),
                property=_term(code["property"], where + "property", path)
                if code.get("property")
                else None,
                separator=code.get("separator"),
                pattern=compiled,
            )
        )
    for i, prop in enumerate(raw.get("properties") or []):
        where = f"properties[{i}]."
        kind = str(prop.get("as", "literal"))
        if kind not in VALUE_KINDS:
            raise SourceError(
                f"expected one of {', '.join(VALUE_KINDS)}, got {kind!r}",
                file=str(path),
                field=where + "as",
            )
        mapping.properties.append(
            PropertyMap(
                column=str(need(prop, "column", where)),
                property=_term(need(prop, "property", where), where + "property", path),
                kind=kind,
                separator=prop.get("separator"),
                scheme=prop.get("scheme"),
                relationship=bool(prop.get("relationship", False)),
            )
        )
    return mapping


def _values(cell: str, separator: str | None) -> list[str]:
    if not separator:
        return [cell.strip()] if cell.strip() else []
    return [v.strip() for v in cell.split(separator) if v.strip()]


class GenericCsvLoader(Loader):
    """A CSV of bodies described by a column-to-property mapping."""

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
                self.csv_path = self.mapping_path.parent / self._mapping.file
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
        )

    def triples(self, resolver: Resolver) -> Iterator[Triple]:
        mapping = self.mapping
        assert self.csv_path is not None
        yield from source_document(self.info())
        for row in read_csv(self.csv_path, mapping.columns(), self.notes):
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
            if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
                raise SourceError(
                    f"expected an http(s) IRI, got {value!r}",
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
