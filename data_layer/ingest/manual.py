"""What the mapping assistant needs to let a person read a table by hand:
every sheet (hidden ones too) with its first rows, and, for the header rows a
person points at, each column's header and the role the importer would give it.

Nothing here writes: the person's choice becomes a ``corrections.Mapping``
(keyed by the header rows' signature) that the importer applies to this file
and to every later file with the same headers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from data_layer.errors import PlanFileError
from data_layer.ingest import columns as col
from data_layer.ingest.table import (cell_text, find_table, header_labels, header_signature,
                                     table_columns)
from data_layer.ingest.workbook import Workbook, column_letter, read_workbook

GLIMPSE_ROWS = 15


@dataclass
class SheetGlimpse:
    name: str
    hidden: bool
    rows: list[list[str]]  # the first rows, as text
    header_rows: list[int] = field(default_factory=list)  # detected, as Excel numbers them


@dataclass
class TableChoice:
    signature: str  # the key a saved mapping is stored under
    header_rows: int
    labels: dict[str, str]  # column letter → header text
    roles: dict[str, str]  # column letter → role the importer gives it (corrections syntax)


def sheets(name: str, data: bytes, rows: int = GLIMPSE_ROWS,
           book: Workbook | None = None) -> list[SheetGlimpse]:
    """Every sheet of the file, hidden ones included, with its first rows and
    the header rows the importer finds there (none: it found no table)."""
    book = book or read_workbook(Path(name), data)
    out = []
    for sheet in book.sheets:
        width = max((len(r) for r in sheet.values[:rows]), default=0)
        texts = [[cell_text(sheet, r, c) or "" for c in range(width)]
                 for r in range(min(rows, len(sheet.values)))]
        table = find_table(sheet) if sheet.values else None
        out.append(SheetGlimpse(sheet.name, sheet.hidden, texts, table.header_rows if table else []))
    return out


def choose_table(name: str, data: bytes, sheet_name: str, first_row: int, rows: int = 1,
                 book: Workbook | None = None) -> TableChoice:
    """The header rows a person chose (``first_row`` as Excel numbers it,
    ``rows`` of them): each column's header and the role detection gives it."""
    book = book or read_workbook(Path(name), data)
    sheet = next((s for s in book.sheets if s.name == sheet_name), None)
    if sheet is None:
        raise PlanFileError(f"El archivo no tiene una hoja «{sheet_name}».")
    start = max(first_row - 1, 0)
    if start >= len(sheet.values):
        raise PlanFileError(f"La hoja «{sheet_name}» tiene {len(sheet.values)} filas; la fila "
                            f"{first_row} está vacía.")
    end = min(start + rows - 1, len(sheet.values) - 1)
    found = table_columns(sheet, start, end)
    roles = {column_letter(c.index): col.role_of(c) for c in found if c.path}
    return TableChoice(header_signature(sheet, start, end - start + 1), end - start + 1,
                       header_labels(sheet, start, end - start + 1), roles)
