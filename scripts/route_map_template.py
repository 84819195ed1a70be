"""Write the route-map templates shipped in the package from the one table definition
(govgraph.loaders.route_map_tables.TABLES): a CSV file per table in
data/templates/route-map/ and one workbook, data/templates/route-map-template.xlsx, with a
sheet per table. tests/test_route_maps.py checks both against the definition."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from govgraph.loaders.route_map_tables import TABLES, columns

ROOT = Path(__file__).resolve().parents[1] / "data" / "templates"


def main() -> None:
    folder = ROOT / "route-map"
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for table in TABLES:
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerow(columns(table))
        sheet = book.create_sheet(table)
        sheet.append(list(columns(table)))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for letter in "ABCDEFGH"[: len(columns(table))]:
            sheet.column_dimensions[letter].width = 24
        sheet.freeze_panes = "A2"
    book.save(ROOT / "route-map-template.xlsx")
    print(f"wrote {folder} and {ROOT / 'route-map-template.xlsx'}")


if __name__ == "__main__":
    main()
