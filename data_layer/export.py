"""Downloads of exactly the table on screen: CSV for Excel es-CO, and XLSX.

The page shows ``visible(df)`` and the download buttons write ``visible(df)``
of the same DataFrame, produced by the same query function, so they cannot
differ. The filter sentence travels with the data: the first CSV line
(``# Filtros: …``, then a blank line) or the sheet "Filtros" of the workbook.

CSV: UTF-8 with BOM (Excel then keeps the accents), ``;`` between cells and
``,`` as decimal mark (what Excel configured for es-CO reads), dates
dd/mm/aaaa, CRLF line ends. Text cells that Excel would run as a formula
(starting with = + - @, tab or CR) get a leading apostrophe, in both formats.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from data_layer import es_co

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible(df: pd.DataFrame) -> pd.DataFrame:
    """The columns people see: all but the ``_`` keys of charts and drill-down."""
    return df[[column for column in df.columns if not str(column).startswith("_")]]


def neutralise(text: str) -> str:
    """``"=1+1"`` → ``"'=1+1"``: a spreadsheet shows it instead of running it."""
    return "'" + text if text.startswith(FORMULA_START) else text


def decimals_for(column: str) -> int | None:
    """Percentages and point changes show one decimal; other numbers as they are."""
    return 1 if ("%" in column or "puntos" in column) else None


def cell_text(value: object, column: str = "", for_spreadsheet: bool = True) -> str:
    """One cell as text, the way the screen and the CSV show it (es-CO).

    ``for_spreadsheet`` neutralises formula-like text (the screen does not need it).
    """
    if es_co.is_missing(value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "Sí" if value else "No"
    if isinstance(value, datetime):
        has_time = (value.hour, value.minute, value.second) != (0, 0, 0)
        return es_co.datetime_text(value) if has_time else es_co.date_text(value)
    if isinstance(value, date):
        return es_co.date_text(value)
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        return _number_text(float(value), column)
    return neutralise(str(value)) if for_spreadsheet else str(value)


def _number_text(value: float, column: str) -> str:
    places = decimals_for(column)
    if places is not None:
        return es_co.number(value, places, thousands=False)
    text = es_co.number(value, 2, thousands=False)  # counts: "3", "2,5"
    return text.rstrip("0").rstrip(",") if "," in text else text


def to_csv_bytes(df: pd.DataFrame, description: str) -> bytes:
    """The table as CSV bytes for Excel es-CO, the filter sentence first."""
    table = visible(df)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([f"# Filtros: {description}"])
    writer.writerow([])
    writer.writerow([str(column) for column in table.columns])
    columns = list(table.columns)
    for row in table.itertuples(index=False, name=None):
        writer.writerow([cell_text(value, str(col)) for value, col in zip(row, columns,
                                                                          strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx_bytes(df: pd.DataFrame, description: str) -> bytes:
    """The table as an .xlsx workbook: sheet "Datos" (typed cells) and sheet
    "Filtros" (the filter sentence)."""
    table = visible(df)
    book = Workbook()
    book.properties.creator = "Tablero de Participación Ciudadana"
    sheet = book.active
    sheet.title = "Datos"
    sheet.append([str(column) for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    columns = [str(column) for column in table.columns]
    for row in table.itertuples(index=False, name=None):
        sheet.append([_xlsx_value(value) for value in row])
    for index, column in enumerate(columns, start=1):
        _format_column(sheet, index, column, table)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("Filtros")
    notes["A1"] = "Filtros aplicados"
    notes["A1"].font = Font(bold=True)
    notes["A2"] = description
    notes["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: object) -> object:
    if es_co.is_missing(value):
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "Sí" if value else "No"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        has_time = (value.hour, value.minute, value.second) != (0, 0, 0)
        return value if has_time else value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, (int, float)):
        return value
    return neutralise(str(value))


def _format_column(sheet, index: int, column: str, table: pd.DataFrame) -> None:
    letter = get_column_letter(index)
    places = decimals_for(column)
    longest = max([len(column)] + [len(cell_text(v, column)) for v in table[column].head(200)])
    sheet.column_dimensions[letter].width = min(max(10, longest + 2), 60)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
        if isinstance(cell.value, datetime):
            cell.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(cell.value, date):
            cell.number_format = "DD/MM/YYYY"
        elif isinstance(cell.value, float) and places is not None:
            cell.number_format = "0.0"
        elif isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula, whatever the text
            cell.alignment = Alignment(wrap_text=len(cell.value) > 60, vertical="top")
