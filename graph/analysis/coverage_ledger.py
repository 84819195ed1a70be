"""The coverage ledger: for each section of a source document, what was recorded from it
(names as the document writes them, relations, figures) and what was deliberately left out
and why. One YAML file per document in ``data/curated/coverage/``, read through the one
YAML reader so every mistake is reported at its file, line and column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.yaml_reader import MarkedDict, MarkedList, load_yaml

LEDGER_DIR = Path(__file__).resolve().parents[2] / "data" / "curated" / "coverage"
"""The bundled ledgers, one per seed document (``<document stem>.yaml``)."""
STATUSES = ("stated", "planned", "recommended", "requested")
TIERS = ("lead", "key-ongoing-role", "commissioner", "linked-partner")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_ENTITY = re.compile(r"^(?:action/)?[a-z0-9]+(-[a-z0-9]+)*$")
"""An entity id as its IRI ends: a register id, or ``action/<id>`` for a Plan action."""
_KIND = re.compile(r"^[a-z][A-Za-z]+$")


@dataclass(frozen=True)
class LeftOut:
    text: str
    reason: str
    line: int


@dataclass(frozen=True)
class Relation:
    """A relation the section states between two named entities: ``subject kind object``;
    ``reason`` says why it is not in the graph when it is not."""

    subject: str
    kind: str
    object: str
    status: str
    reason: str | None
    line: int
    tier: str | None = None
    """For ``leadOrganisation``: the tier the action names the body in (lead by default)."""


@dataclass(frozen=True)
class FigureNote:
    """A figure the section states: ``id`` of its figure node, or ``reason`` it has none."""

    text: str
    id: str | None
    reason: str | None
    line: int


@dataclass
class LedgerSection:
    title: str
    line: int
    names: list[str] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    figures: list[FigureNote] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)


@dataclass
class Ledger:
    document: str
    file: str
    left_out: list[LeftOut]
    """Left out wherever the document says it (a country, a title of the document)."""
    sections: dict[str, LedgerSection]


def ledger_path(document: str, directory: Path = LEDGER_DIR) -> Path:
    """Where the ledger of ``document`` (a file name such as ``003_....txt``) lives."""
    return directory / f"{Path(document).stem}.yaml"


def read_ledger(path: Path) -> Ledger:
    """The ledger in ``path``; a SourceError at the line and field of any mistake."""
    file = str(path)
    data = load_yaml(path.read_text(encoding="utf-8"), file)
    reader = _Reader(file)
    record = reader.mapping(data, "ledger", {"document", "sections", "left_out"}, {"document"})
    sections: dict[str, LedgerSection] = {}
    for item, mark in reader.items(record, "sections"):
        entry = reader.mapping(
            item, "section", {"section", "names", "relations", "figures", "left_out"}, {"section"}
        )
        title = reader.text(entry, "section")
        if title in sections:
            raise reader.fail(f"section {title!r} has two entries", entry, "section")
        section = LedgerSection(title, mark[0])
        for name, _ in reader.items(entry, "names"):
            if not isinstance(name, str) or not name.strip():
                raise reader.fail("expected a name as the document writes it", entry, "names")
            section.names.append(name)
        section.relations = [reader.relation(r, m) for r, m in reader.items(entry, "relations")]
        section.figures = [reader.figure(f, m) for f, m in reader.items(entry, "figures")]
        section.left_out = [reader.left_out(x, m) for x, m in reader.items(entry, "left_out")]
        sections[title] = section
    left_out = [reader.left_out(x, m) for x, m in reader.items(record, "left_out")]
    return Ledger(reader.text(record, "document"), file, left_out, sections)


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, message: str, where: Any, field: str | None = None) -> SourceError:
        line, column = getattr(where, "mark", (None, None))
        if field and isinstance(where, MarkedDict) and field in where.value_marks:
            line, column = where.value_marks[field]
        return SourceError(message, file=self.file, line=line, column=column, field=field)

    def mapping(self, value: Any, what: str, allowed: set[str], required: set[str]) -> MarkedDict:
        if not isinstance(value, MarkedDict):
            raise SourceError(f"expected a {what} (a mapping of fields)", file=self.file)
        for key in value:
            if key not in allowed:
                raise SourceError(
                    f"unknown field in a {what}: expected one of {', '.join(sorted(allowed))}",
                    file=self.file,
                    line=value.key_marks[key][0],
                    column=value.key_marks[key][1],
                    field=key,
                )
        for key in sorted(required - set(value)):
            raise self.fail(f"a {what} needs '{key}'", value, key)
        return value

    def items(self, record: MarkedDict, key: str) -> list[tuple[Any, tuple[int, int]]]:
        value = record.get(key)
        if value is None:
            return []
        if not isinstance(value, MarkedList):
            raise self.fail("expected a list", record, key)
        return list(zip(value, value.item_marks, strict=True))

    def text(self, record: MarkedDict, key: str) -> str:
        value = record.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail("expected text", record, key)
        return value.strip()

    def left_out(self, value: Any, mark: tuple[int, int]) -> LeftOut:
        record = self.mapping(value, "left-out item", {"text", "reason"}, {"text", "reason"})
        return LeftOut(self.text(record, "text"), self.text(record, "reason"), mark[0])

    def figure(self, value: Any, mark: tuple[int, int]) -> FigureNote:
        record = self.mapping(value, "figure", {"text", "id", "reason"}, {"text"})
        if ("id" in record) == ("reason" in record):
            raise self.fail("a figure needs either 'id' (recorded) or 'reason' (left out)", record)
        figure_id = self.text(record, "id") if "id" in record else None
        if figure_id is not None and not _ID.match(figure_id):
            raise self.fail("expected the id of a figure in figures.yaml", record, "id")
        reason = self.text(record, "reason") if "reason" in record else None
        return FigureNote(self.text(record, "text"), figure_id, reason, mark[0])

    def relation(self, value: Any, mark: tuple[int, int]) -> Relation:
        fields = {"subject", "kind", "object", "status", "reason", "tier"}
        record = self.mapping(value, "relation", fields, {"subject", "kind", "object"})
        subject, kind, obj = (self.text(record, k) for k in ("subject", "kind", "object"))
        for key, found in (("subject", subject), ("object", obj)):
            if not _ENTITY.match(found):
                raise self.fail("expected an entity id (or action/<id>)", record, key)
        if not _KIND.match(kind):
            raise self.fail("expected a relationship kind such as reportsTo", record, "kind")
        status = self.text(record, "status") if "status" in record else "stated"
        if status not in STATUSES:
            raise self.fail(f"expected one of {', '.join(STATUSES)}", record, "status")
        reason = self.text(record, "reason") if "reason" in record else None
        tier = self.text(record, "tier") if "tier" in record else None
        if tier is not None and (kind != "leadOrganisation" or tier not in TIERS):
            raise self.fail(
                f"a tier goes with kind leadOrganisation, one of {', '.join(TIERS)}",
                record,
                "tier",
            )
        return Relation(subject, kind, obj, status, reason, mark[0], tier)
