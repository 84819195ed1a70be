"""The YAML form of a route map (one file of tables) as pydantic models, for editors.

The tables and their columns are declared once, in
:data:`govgraph.loaders.route_map_tables.TABLES`, since the same tables also come as CSV
files and XLSX sheets, which :mod:`~govgraph.loaders.route_map_tables` reads cell by cell
(each error names its sheet, row and column). These models are made from that declaration
so neither the check of the YAML form nor the JSON Schema editors use
(docs/schemas/route-map.schema.json) can drift from it.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from govgraph.loaders.route_map_tables import MAY_BE_EMPTY, TABLES, columns

Value = Annotated[
    str | int | float | bool | None, Field(description="one value: text, a number or a date")
]
"""One cell; an empty one (null) is refused later, where the loader needs its value."""


def _row(table: str) -> type[BaseModel]:
    required, _ = TABLES[table]
    fields: dict[str, Any] = {
        column: (Value, ...)
        if column in required and (table, column) not in MAY_BE_EMPTY
        else (Value, None)
        for column in columns(table)
    }
    config = ConfigDict(title=f"a row of '{table}'", extra="forbid")
    name = f"{table.title().replace('_', '')}Row"
    return create_model(name, __config__=config, **fields)


ROWS = {table: _row(table) for table in TABLES}
"""Each table's row model."""

RouteMapFile: type[BaseModel] = create_model(
    "RouteMapFile",
    __config__=ConfigDict(title="a route map file (tables of rows)", extra="forbid"),
    **{table: (list[row] | None, None) for table, row in ROWS.items()},  # type: ignore[call-overload,valid-type]  # made by a call
)
"""A route map in one YAML file: each table a list of rows (docs/route-maps.md)."""
