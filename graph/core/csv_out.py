"""Writing the CSV files the product serves and exports, one way: RFC 4180 rows ending in
CRLF (so a CR or LF inside a cell is always quoted and a reader cannot start a new row in
the middle of one) and every cell guarded against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""Cell starts that spreadsheets run as formulas (or strip to reach one)."""


def safe_cell(value: object) -> str:
    """``value`` as a cell a spreadsheet will not run: text that starts like a formula
    gets a leading quote, which spreadsheets show as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """The CSV document of ``header`` and ``rows``, every cell through :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def csv_bytes(header: Iterable[object], rows: Iterable[Iterable[object]]) -> bytes:
    """:func:`csv_text` as a file: UTF-8 after a byte-order mark, without which Excel and
    Gephi's importer read UTF-8 as the local code page (names with accents garbled)."""
    return csv_text(header, rows).encode("utf-8-sig")
