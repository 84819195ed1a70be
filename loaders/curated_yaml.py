"""Reading the curated YAML files with line numbers, checked against their schemas.

Policy teams edit these files by hand, so every complaint must point at the line to fix.
:func:`file_records` reads a file with the one YAML reader (which keeps where each key and
value sits) and checks it against its model (:mod:`govgraph.loaders.curated_schema`),
reporting every problem of the file at once; :class:`Record` then reads a checked mapping
field by field and raises :class:`~govgraph.graph.core.errors.SourceError` with file, line,
column and field for what the schema cannot check.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from govgraph.graph.core import schema
from govgraph.graph.core.dates import Date, parse_date
from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.ids import is_slug
from govgraph.graph.core.schema import validate
from govgraph.graph.core.yaml_reader import Mark, MarkedDict, MarkedList, read_yaml
from govgraph.loaders.curated_schema import item_model

# --- dates: one parser, in govgraph.graph.core.dates ---------------------------------

__all__ = ["Date", "Mark", "MarkedDict", "MarkedList", "Record", "parse_date", "read_yaml"]


# --- records ------------------------------------------------------------------------------


class Record:
    """One mapping from a curated file, read field by field with precise errors."""

    def __init__(self, data: MarkedDict, file: Path, mark: Mark, what: str) -> None:
        self.file, self.what, self.data, self.mark = file, what, data, data.mark

    def where(self, field: str) -> Mark:
        return self.data.value_marks.get(field) or self.data.mark

    def error(self, field: str | None, message: str, mark: Mark | None = None) -> SourceError:
        line, column = mark or (self.where(field) if field else self.mark)
        return SourceError(message, file=str(self.file), line=line, column=column, field=field)

    def has(self, field: str) -> bool:
        return self.data.get(field) is not None

    def text(self, field: str, *, required: bool = True) -> str | None:
        """The field's text, inner whitespace collapsed (the schema has checked its type)."""
        value = self.data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.error(field, f"missing required field '{field}' in {self.what}")
            return None
        return " ".join(str(value).split())

    def ident(self, field: str = "id") -> str:
        value = self.text(field)
        assert value is not None and is_slug(value)  # the schema checked it
        return value

    def texts(self, field: str) -> list[tuple[str, Mark]]:
        """A list of strings (a single string is accepted as a one-item list)."""
        value = self.data.get(field)
        if value is None:
            return []
        if isinstance(value, str):
            return [(value.strip(), self.where(field))]
        return [(" ".join(str(i).split()), m) for i, m in zip(value, value.item_marks, strict=True)]

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
        return MarkedDict() if value is None else value

    def records(self, field: str, what: str) -> list[Record]:
        value = self.data.get(field) or MarkedList()
        return [Record(i, self.file, m, what) for i, m in zip(value, value.item_marks, strict=True)]


def file_records(path: Path, model: type[BaseModel], *, required: bool) -> dict[str, list[Record]]:
    """The records of each list of ``path``, checked against its schema ``model`` (every
    problem of the file at once); empty lists when the file is optional and absent."""
    lists = list(model.model_fields)
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
    validate(model, doc, str(path), leaf_fields=True)
    for key in lists:
        items = doc.get(key) or MarkedList()
        what = schema.what(item_model(model, key))
        out[key] = [Record(i, path, m, what) for i, m in zip(items, items.item_marks, strict=True)]
    return out
