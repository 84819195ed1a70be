"""Route-map tables as a policy team fills them in: one YAML file, a folder of CSV files or
an XLSX workbook, each holding the same tables (one sheet or file per table).

Every cell keeps where it was read (file, sheet, row, column, and line and column in the
file where the format has them), so a bad value is refused with a location a person can
find in their spreadsheet. The columns are documented in ``docs/route-maps.md`` and in the
template shipped in ``data/templates/route-map/``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from govgraph.graph.core.errors import SourceError, SourceErrors
from govgraph.graph.core.schema import validate
from govgraph.graph.core.yaml_reader import MarkedDict, MarkedList, load_yaml
from govgraph.loaders.base import read_source_bytes, read_source_text
from govgraph.loaders.csv_input import read_csv

CITE = ("document", "locator")
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "route_maps": (("id", "theme", "name", *CITE), ("example",)),
    "positions": (("route_map", "kind", "text", *CITE), ("date",)),
    "commitments": (("id", "route_map", "text", *CITE), ()),
    "milestones": (("id", "route_map", "text", "due", *CITE), ("commitment", "due_as_written")),
    "responsibilities": (("item", "body", "tier", *CITE), ("body_id",)),
    "dependencies": (("item", "depends_on", *CITE), ()),
    "indicators": (("route_map", "measure", *CITE), ("commitment", "measured_by", "published_in")),
    "statuses": (("item", "status", "date", *CITE), ()),
}
"""Table -> (required columns, optional columns), in the order the template writes them."""
REQUIRED_TABLES = ("route_maps", "commitments", "milestones", "responsibilities")
MAY_BE_EMPTY = frozenset({("milestones", "due")})
"""Required columns whose cells may be empty (a milestone the text gives no date for); a
YAML row may leave them out."""


def columns(table: str) -> tuple[str, ...]:
    required, optional = TABLES[table]
    return (*required[:-2], *optional, *required[-2:])


@dataclass(frozen=True)
class Cell:
    """One value and where it was read."""

    value: str
    file: str
    sheet: str
    row: int
    """The row as the editor sees it: the spreadsheet row (header is row 1), or the item
    number in a YAML list (first is 1)."""
    column: str
    line: int | None = None
    col: int | None = None
    letter: str | None = None
    """The spreadsheet column letter (XLSX only)."""

    def fail(self, message: str) -> SourceError:
        where = f"sheet '{self.sheet}', row {self.row}, column '{self.column}'"
        if self.letter:
            where += f" ({self.letter})"
        return SourceError(
            f"{where}: {message}",
            file=self.file,
            line=self.line,
            column=self.col,
            field=f"{self.sheet}.{self.column}",
        )


@dataclass(frozen=True)
class TableRow:
    sheet: str
    row: int
    cells: Mapping[str, Cell]
    file: str
    line: int | None = None

    def __getitem__(self, column: str) -> Cell:
        found = self.cells.get(column)
        if found is not None:
            return found
        return Cell("", self.file, self.sheet, self.row, column, self.line)

    def text(self, column: str) -> str:
        return self[column].value

    def need(self, column: str) -> Cell:
        cell = self[column]
        if not cell.value:
            raise cell.fail("empty; a value is required")
        return cell


Tables = dict[str, list[TableRow]]


def read_tables(path: Path) -> Tables:
    """The route-map tables of a YAML file, a CSV folder or an XLSX workbook."""
    if path.is_dir():
        tables = _csv_folder(path)
    elif path.suffix.lower() == ".xlsx":
        tables = _xlsx(path)
    elif path.suffix.lower() in (".yaml", ".yml"):
        tables = _yaml(path)
    else:
        raise SourceError(
            "a route map is a .yaml file, an .xlsx workbook or a folder of .csv files",
            file=str(path),
        )
    for name in REQUIRED_TABLES:
        if name not in tables:
            raise SourceError(
                f"missing table '{name}' (a sheet, CSV file or YAML key of that name)",
                file=str(path),
                field=name,
            )
    return tables


def _check_header(header: list[str], sheet: str, file: str, row: int = 1) -> None:
    required, optional = TABLES[sheet]
    for column in required:
        if column not in header:
            raise SourceError(
                f"sheet '{sheet}', row {row}: missing required column '{column}'; "
                f"the header has: {', '.join(h for h in header if h) or 'nothing'}",
                file=file,
                line=row if not file.endswith(".xlsx") else None,
                field=f"{sheet}.{column}",
            )
    for column in header:
        if column and column not in required + optional:
            raise SourceError(
                f"sheet '{sheet}', row {row}: unknown column '{column}'; expected "
                f"{', '.join(columns(sheet))}",
                file=file,
                line=row if not file.endswith(".xlsx") else None,
                field=f"{sheet}.{column}",
            )


def _unknown_sheet(name: str, file: str, line: int | None = None) -> SourceError:
    return SourceError(
        f"unknown table '{name}': expected {', '.join(TABLES)}",
        file=file,
        line=line,
        field=name,
    )


def _csv_folder(folder: Path) -> Tables:
    tables: Tables = {}
    for path in sorted(folder.glob("*.csv")):
        sheet = path.stem
        if sheet not in TABLES:
            raise _unknown_sheet(sheet, str(path))
        required, _ = TABLES[sheet]
        rows: list[TableRow] = []
        header_checked = False
        for row in read_csv(path, required):
            if not header_checked:
                _check_header(list(row.values), sheet, str(path))
                header_checked = True
            cells = {
                k: Cell(v.strip(), str(path), sheet, row.line, k, row.line)
                for k, v in row.values.items()
            }
            rows.append(TableRow(sheet, row.line, cells, str(path), row.line))
        tables[sheet] = rows
    return tables


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx(path: Path) -> Tables:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    data = read_source_bytes(path)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise SourceError(f"not a readable XLSX workbook: {exc}", file=str(path)) from None
    tables: Tables = {}
    file = str(path)
    try:
        for sheet in book.worksheets:
            name = sheet.title.strip()
            if name not in TABLES:
                raise _unknown_sheet(name, file)
            rows_iter = sheet.iter_rows(values_only=True)
            header = [_cell_text(v) for v in next(rows_iter, ())]
            _check_header(header, name, file)
            rows: list[TableRow] = []
            for number, values in enumerate(rows_iter, start=2):
                texts = [_cell_text(v) for v in values]
                if not any(texts):
                    continue
                cells = {
                    h: Cell(t, file, name, number, h, letter=get_column_letter(i + 1))
                    for i, (h, t) in enumerate(zip(header, texts, strict=False))
                    if h
                }
                rows.append(TableRow(name, number, cells, file))
            tables[name] = rows
    finally:
        book.close()
    return tables


def _yaml(path: Path) -> Tables:
    """The tables of a YAML file, checked against the route-map model (made from
    :data:`TABLES`): every problem of the file at once, in the words of the other formats."""
    from govgraph.loaders.route_map_schema import RouteMapFile  # it imports TABLES from here

    file = str(path)
    doc = load_yaml(read_source_text(path), file)
    if not isinstance(doc, MarkedDict):
        raise SourceError("expected a mapping of table name: list of rows", file=file, line=1)
    try:
        validate(RouteMapFile, doc, file)
    except SourceErrors as exc:
        raise SourceErrors([_in_table_terms(p) for p in exc.problems]) from None
    return {name: list(_yaml_rows(name, rows or MarkedList(), file)) for name, rows in doc.items()}


def _in_table_terms(problem: SourceError) -> SourceError:
    """A schema problem of a YAML route map said as for a sheet: table, row and column."""
    found = re.fullmatch(r"(\w+)(?:\[(\d+)\](?:\.(\w+))?)?", problem.field or "")
    if found is None:
        return problem
    sheet, row, column = found.groups()
    reason = problem.reason
    where = f"sheet '{sheet}', row {int(row or 0) + 1}"
    if row is None and reason.startswith("unknown field"):
        message = f"unknown table '{sheet}': expected {', '.join(TABLES)}"
    elif row is None:
        message = f"table '{sheet}': expected a list of rows"
    elif column is None:
        message = f"{where}: expected a mapping of column: value"
    elif reason.startswith("unknown field"):
        message = f"{where}: unknown column '{column}'; expected {', '.join(columns(sheet))}"
    elif reason.startswith("missing"):
        message = f"{where}: missing required column '{column}'"
    else:
        message = f"{where}: expected one value, not a list or mapping"
    field = f"{sheet}.{column}" if column else sheet
    return SourceError(
        message, file=problem.file, line=problem.line, column=problem.column, field=field
    )


def _yaml_rows(sheet: str, rows: MarkedList, file: str) -> Iterator[TableRow]:
    for number, (item, (line, _)) in enumerate(zip(rows, rows.item_marks, strict=True), 1):
        cells = {
            column: Cell(_cell_text(value), file, sheet, number, column, *item.value_marks[column])
            for column, value in item.items()
        }
        yield TableRow(sheet, number, cells, file, line)
