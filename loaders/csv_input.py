"""Reading CSV sources with errors users can act on.

Every CSV loader reads through :func:`read_csv`, so each one behaves the same way:

- UTF-8 with or without a byte-order mark (Excel writes one); a file that is not UTF-8 is
  read as Windows-1252 (the Care Inspectorate's own encoding) with a warning; UTF-16/32,
  binary files and files over the size limit (:func:`~govgraph.loaders.base.max_source_bytes`)
  are refused;
- a missing required column is a :class:`SourceError` naming the file, line 1 and the
  column, and listing the columns found;
- a row with more or fewer fields than the header, or broken quoting, is a SourceError
  naming its line. Rows are never silently skipped here; loaders decide (and document)
  which *values* make a row unusable.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from govgraph.graph.core.errors import SourceError
from govgraph.graph.core.text import find_text_problem, line_column, short_repr
from govgraph.loaders.base import LoadNotes, check_text_bytes, read_source_bytes


@dataclass(frozen=True)
class Row:
    """One data row: its first physical line in the file (header = line 1) and values."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "").strip()


def read_text(path: Path, notes: LoadNotes | None = None) -> str:
    """A CSV's text: size-checked; UTF-8 (BOM or not), else Windows-1252 with a warning.
    UTF-16/32 and binary files (NUL bytes, a PNG or zip header) are refused."""
    data = read_source_bytes(path)
    check_text_bytes(data, path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if notes is not None:
            notes.warnings.append(
                f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}); read as Windows-1252"
            )
        return data.decode("cp1252", errors="replace")


def read_csv(path: Path, required: Sequence[str], notes: LoadNotes | None = None) -> Iterator[Row]:
    """Rows of a CSV file with a header row, checked as described in the module doc."""
    text = read_text(path, notes)
    clean = find_text_problem(text) is None  # one scan; cells are checked only when it fails
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError("empty file: expected a header row", file=str(path), line=1) from None
    except csv.Error as exc:
        raise SourceError(f"unreadable header row: {exc}", file=str(path), line=1) from None
    if not clean:
        _check_cells(path, 1, dict(enumerate(header)), text)
    header = [h.strip() for h in header]
    for column in required:
        if column not in header:
            raise SourceError(
                f"missing required column; the header has: {', '.join(header)}",
                file=str(path),
                line=1,
                field=column,
            )
    next_line = reader.line_num + 1
    while True:
        start = next_line
        try:
            fields = next(reader)
        except StopIteration:
            found = None if clean else find_text_problem(text)
            if found is not None:  # not in any cell: say where in the file it is
                at_line, at_column = line_column(text, found[0])
                raise SourceError(
                    found[1], file=str(path), line=at_line, column=at_column
                ) from None
            return
        except csv.Error as exc:
            raise SourceError(f"malformed CSV row: {exc}", file=str(path), line=start) from None
        next_line = reader.line_num + 1
        if not clean:
            _check_cells(path, start, dict(zip(header, fields, strict=False)), text)
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise SourceError(
                f"expected {len(header)} fields as in the header, found {len(fields)}",
                file=str(path),
                line=start,
            )
        yield Row(start, dict(zip(header, fields, strict=True)))


def _check_cells(path: Path, line: int, cells: dict[object, str], text: str) -> None:
    """Refuse a row holding a lone surrogate or a control character, naming its column."""
    for column, value in cells.items():
        found = find_text_problem(value)
        if found is not None:
            index, what = found
            raise SourceError(
                f"{what} in the cell: not allowed in text (remove it)",
                file=str(path),
                line=line + value.count("\n", 0, index),
                field=str(column) if isinstance(column, str) else None,
            )


def require(row: Row, column: str, path: Path, expected: str = "a value") -> str:
    """A required cell's value, or a SourceError naming file, line and column."""
    value = row[column]
    if not value:
        raise SourceError(
            f"empty; expected {expected}", file=str(path), line=row.line, field=column
        )
    return value


class FirstLines:
    """The line each key was first seen on, so a second row with the same key is an error
    naming both lines (a register that lists a body twice would otherwise merge them)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lines: dict[tuple[str, str], int] = {}

    def add(self, row: Row, field: str, key: str, what: str) -> None:
        """Remember ``key`` (from ``field``) for ``row``; SourceError if an earlier row had it."""
        first = self._lines.setdefault((field, key), row.line)
        if first != row.line:
            raise SourceError(
                f"{what} {short_repr(key)} is on two rows (first on line {first})",
                file=str(self.path),
                line=row.line,
                field=field,
            )
