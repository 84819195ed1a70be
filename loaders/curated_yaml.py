"""Reading the curated YAML files with line numbers, and checking their fields.

Policy teams edit these files by hand, so every complaint must point at the line to fix.
The YAML loader below builds mappings and lists that remember where they start and where
each key and value sits; :class:`Record` turns a mapping into checked Python values and
raises :class:`~govgraph.graph.core.errors.SourceError` with file, line, column and field.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from govgraph.graph.core.dates import Date, parse_date
from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.ids import is_slug
from govgraph.graph.core.text import short_repr
from govgraph.graph.core.yaml_reader import Mark, MarkedDict, MarkedList, load_yaml
from govgraph.loaders.base import read_source_text


def read_yaml(path: Path) -> Any:
    """The document in ``path`` (size-checked, strictly UTF-8), read by the one YAML reader
    (:mod:`govgraph.graph.core.yaml_reader`); any problem is a SourceError at its line."""
    return load_yaml(read_source_text(path), str(path))


# --- dates: one parser, in govgraph.graph.core.dates ---------------------------------

__all__ = ["Date", "Mark", "MarkedDict", "MarkedList", "Record", "parse_date", "read_yaml"]


# --- records ------------------------------------------------------------------------------


class Record:
    """One mapping from a curated file, read field by field with precise errors."""

    def __init__(self, data: Any, file: Path, mark: Mark, what: str) -> None:
        self.file = file
        self.what = what
        if not isinstance(data, MarkedDict):
            raise SourceError(
                f"expected {what} as a mapping of fields, got {type(data).__name__}",
                file=str(file),
                line=mark[0],
                column=mark[1],
            )
        self.data = data
        self.mark = data.mark

    def where(self, field: str) -> Mark:
        return self.data.value_marks.get(field) or self.data.mark

    def error(self, field: str | None, message: str, mark: Mark | None = None) -> SourceError:
        line, column = mark or (self.where(field) if field else self.mark)
        return SourceError(message, file=str(self.file), line=line, column=column, field=field)

    def only(self, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                raise self.error(
                    key,
                    f"unknown field in {self.what}: expected one of {', '.join(sorted(allowed))}",
                    self.data.key_marks[key],
                )

    def has(self, field: str) -> bool:
        return self.data.get(field) is not None

    def text(self, field: str, *, required: bool = True) -> str | None:
        value = self.data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.error(field, f"missing required field '{field}' in {self.what}")
            return None
        if isinstance(value, (MarkedDict, MarkedList)):
            raise self.error(
                field, f"expected text, got a {'mapping' if isinstance(value, dict) else 'list'}"
            )
        return " ".join(str(value).split())

    def ident(self, field: str = "id") -> str:
        value = self.text(field)
        assert value is not None
        if not is_slug(value):
            raise self.error(
                field,
                f"expected an id of lower-case letters, digits and '-', got {short_repr(value)}",
            )
        return value

    def texts(self, field: str) -> list[tuple[str, Mark]]:
        """A list of strings (a single string is accepted as a one-item list)."""
        value = self.data.get(field)
        if value is None:
            return []
        if isinstance(value, str):
            return [(value.strip(), self.where(field))]
        if not isinstance(value, MarkedList):
            raise self.error(field, f"expected a list of text, got {short_repr(value)}")
        out = []
        for item, mark in zip(value, value.item_marks, strict=True):
            if (
                not isinstance(item, (str, int, float))
                or isinstance(item, bool)
                or not str(item).strip()
            ):
                raise self.error(
                    field, f"expected a list of text, got item {short_repr(item)}", mark
                )
            out.append((" ".join(str(item).split()), mark))
        return out

    def date(self, field: str, *, required: bool = False) -> Date | None:
        if self.data.get(field) is None:
            if required:
                raise self.error(field, f"missing required field '{field}' in {self.what}")
            return None
        try:
            return parse_date(self.data[field])
        except ValueError as exc:
            raise self.error(field, str(exc)) from None

    def mapping(self, field: str) -> MarkedDict:
        value = self.data.get(field)
        if value is None:
            return MarkedDict()
        if not isinstance(value, MarkedDict):
            raise self.error(
                field, f"expected a mapping such as {{gss: S12000018}}, got {short_repr(value)}"
            )
        return value

    def records(self, field: str, what: str) -> list[Record]:
        value = self.data.get(field)
        if not isinstance(value, MarkedList):
            raise self.error(field, f"expected a list of {what}, got {short_repr(value)}")
        return [
            Record(item, self.file, mark, what)
            for item, mark in zip(value, value.item_marks, strict=True)
        ]


def file_records(path: Path, lists: dict[str, str], *, required: bool) -> dict[str, list[Record]]:
    """The records of each list in ``path`` (``lists`` maps a top-level key to what its items
    are); empty lists when the file is optional and absent. Unknown top-level keys are
    errors, since a misspelt list name would silently lose its records."""
    out: dict[str, list[Record]] = {key: [] for key in lists}
    if not path.exists():
        if required:
            raise SourceError("missing file: the curated register needs it", file=str(path))
        return out
    doc = read_yaml(path)
    if doc is None:
        if required:
            raise SourceError(
                f"empty file: expected {', '.join(f'{k}:' for k in lists)} with its records",
                file=str(path),
                line=1,
            )
        return out
    top = Record(doc, path, (1, 1), f"{path.name} (a mapping of lists)")
    top.only(lists)
    for key, what in lists.items():
        if key in top.data:
            out[key] = top.records(key, what)
    return out
