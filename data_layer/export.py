"""Downloads of exactly the table on screen: CSV for Excel es-CO, and XLSX.

The page shows ``visible(df)`` and the download buttons write ``visible(df)``
of the same DataFrame, produced by the same query function, so they cannot
differ. The CSV's first line is its header (a sentence above it would be
read as the header by Excel and by any program); the filter sentence travels
in the sheet "Filtros" of the workbook and is shown under the buttons.

CSV: UTF-8 with BOM (Excel then keeps the accents), ``;`` between cells and
``,`` as decimal mark (what Excel configured for es-CO reads), dates
dd/mm/aaaa, CRLF line ends. Text cells that Excel would run as a formula
(starting with = + - @, tab or CR) get a leading apostrophe, in both formats.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
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
    """The table as CSV bytes for Excel es-CO: the header is the first line.

    The filter sentence (``description``) is not written into the CSV: a line
    above the header makes Excel, pandas and any other program take it for
    the header. It goes to the «Filtros» sheet of the XLSX
    (:func:`to_xlsx_bytes`) and under the download buttons on screen.

    Written column by column: each distinct value of a column is turned into
    its cell text once (:func:`cell_text`, then CSV quoting) and the rows are
    joined from those texts in blocks of :data:`CSV_BLOCK_ROWS`, encoded
    straight into the output. The bytes are those of writing every cell with
    :func:`cell_text` and :mod:`csv` row by row, without the memory and time
    of a Python string per cell for the whole table (a million activities:
    seconds instead of a minute and a half).
    """
    table = visible(df)
    out = io.BytesIO()
    head = io.StringIO()
    writer = csv.writer(head, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(column) for column in table.columns])
    out.write(("\ufeff" + head.getvalue()).encode("utf-8"))
    del head
    width = len(table.columns)
    if width == 0:  # one empty line per row, as csv writes an empty row
        out.write(b"\r\n" * sum(1 for _ in table.itertuples(index=False, name=None)))
        return out.getvalue()
    field = _CsvField()
    columns = [_csv_column(table.iloc[:, k], str(table.columns[k]), field, alone=width == 1)
               for k in range(width)]
    for start in range(0, len(table), CSV_BLOCK_ROWS):
        stop = min(start + CSV_BLOCK_ROWS, len(table))
        cells = [(texts[codes[start:stop]] if codes is not None else texts[start:stop]).tolist()
                 for texts, codes in columns]
        block = "\r\n".join(map(";".join, zip(*cells, strict=True)))
        del cells
        out.write(block.encode("utf-8"))
        out.write(b"\r\n")
        del block
    return out.getvalue()


CSV_BLOCK_ROWS = 20_000  # rows joined and encoded at a time (a few MB of text)

# Text that csv.writer (";", '"', CRLF, QUOTE_MINIMAL) writes as it is: nothing
# to quote. The rest goes through csv itself (see _CsvField).
_QUOTE_NEEDED = re.compile('[;"\r\n]').search

# Missing values whose cell text depends only on their type (None, NaN, NaT → "",
# pandas' NA → "<NA>", as cell_text writes them).
_NULL_TYPES = frozenset({type(None), float, np.float64, np.float32, np.float16,
                         type(pd.NaT), type(pd.NA), np.datetime64, np.timedelta64})
# Types whose equal values always have the same cell text, and never equal a
# value of another type in the same set (True == 1, so bool and int go apart).
_PLAIN_TYPES = (frozenset({str, date, int}), frozenset({str, date, bool}))


class _CsvField:
    """A cell text as csv.writer writes it between ";" (quoted if need be)."""

    def __init__(self) -> None:
        self._writer = csv.writer(self, delimiter=";", lineterminator="\r\n")

    @staticmethod
    def write(line: str) -> str:
        return line

    def __call__(self, text: str) -> str:
        if not _QUOTE_NEEDED(text):
            return text
        return self._writer.writerow((text, ""))[:-3]  # drop ';' and CRLF


def _csv_column(series: pd.Series, column: str, field: _CsvField,
                alone: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """The CSV texts of one column: ``(texts, codes)``, the text of row ``i``
    being ``texts[codes[i]]``; or ``(texts, None)``, one text per row, when the
    column holds values that cannot be grouped safely (mixed Python objects)."""
    codes = _value_codes(series)
    if codes is None:
        texts = [field(cell_text(value, column)) for value in series]
    else:
        count = int(codes.max()) + 1 if len(codes) else 0
        where = np.empty(count, dtype=np.intp)
        where[codes] = np.arange(len(codes), dtype=np.intp)  # a row of each code
        if not np.array_equal(codes[where], np.arange(count)):
            raise AssertionError("codes are not dense")
        texts = [field(_text(value, column)) for value in series.iloc[where]]
        codes = codes.astype(np.min_scalar_type(max(count - 1, 0)))
    if alone:  # a row of one empty cell is written "" (else it would be a blank line)
        texts = ['""' if text == "" else text for text in texts]
    array = np.empty(len(texts), dtype=object)
    array[:] = texts
    return array, codes


def _text(value: object, column: str) -> str:
    """:func:`cell_text` (for a spreadsheet), the common case of a ``str`` first."""
    if type(value) is str:
        return neutralise(value)
    return cell_text(value, column)


def _value_codes(series: pd.Series) -> np.ndarray | None:
    """Dense codes (0, 1, …) of the values of ``series``: two rows share a code
    only if their values, as iterating the Series gives them, are identical for
    :func:`cell_text`. None when that cannot be told without looking at each
    value (then every cell is written on its own)."""
    dtype = series.dtype
    values = series.array
    if isinstance(dtype, np.dtype):
        data = series.to_numpy(copy=False)
        if dtype.kind == "O":
            return _object_codes(data)
        if dtype.kind in "biufcmM" and dtype.itemsize in (1, 2, 4, 8):
            # equal bits, equal value: -0.0 and 0.0 (or NaN payloads) stay apart
            return pd.factorize(data.view(f"u{dtype.itemsize}"))[0]
        return None
    if isinstance(dtype, (pd.DatetimeTZDtype, pd.PeriodDtype)):
        return pd.factorize(values.asi8)[0]
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.factorize(values.codes)[0]  # -1 (missing) is one more code
    if isinstance(dtype, pd.StringDtype):
        if dtype.storage == "pyarrow":  # always exact str, or the dtype's NA
            return _dense(pd.factorize(values)[0])
        data = getattr(values, "_ndarray", None)
        return _object_codes(data) if isinstance(data, np.ndarray) else None
    plain = getattr(dtype, "numpy_dtype", None)  # Int64, Float64, boolean, pyarrow numbers
    if isinstance(plain, np.dtype) and plain.kind in "biuf" and plain.itemsize in (1, 2, 4, 8):
        missing = np.asarray(values.isna(), dtype=bool)
        data = values.to_numpy(dtype=plain, na_value=plain.type(0))
        codes = pd.factorize(data.view(f"u{plain.itemsize}"))[0]
        codes[missing] = -1  # the dtype's NA
        return pd.factorize(codes)[0]  # dense again
    return None


def _dense(codes: np.ndarray) -> np.ndarray:
    """Factorize codes with the missing ones (-1) as one more code."""
    missing = codes < 0
    if missing.any():
        codes[missing] = int(codes.max()) + 1
    return codes


def _object_codes(data: np.ndarray) -> np.ndarray | None:
    """Codes of an object column of plain values (text, dates, whole numbers)
    and missing ones (one code per kind of missing value)."""
    if data.ndim != 1:
        return None
    missing = pd.isna(data)
    present = data[~missing]
    if not any(set(map(type, present)) <= plain for plain in _PLAIN_TYPES):
        return None
    codes = np.empty(len(data), dtype=np.intp)
    codes[~missing] = pd.factorize(present)[0]
    del present
    if missing.any():
        absent = data[missing]
        kinds = set(map(type, absent))
        if not kinds <= _NULL_TYPES:
            return None
        if len(kinds) == 1:
            codes[missing] = -1
        else:
            names = np.empty(len(absent), dtype=object)
            names[:] = list(map(type, absent))
            codes[missing] = -1 - pd.factorize(names)[0]
        return pd.factorize(codes)[0]
    return codes


def to_xlsx_bytes(df: pd.DataFrame, description: str) -> bytes:
    """The table as an .xlsx workbook: sheet "Datos" (typed cells) and sheet
    "Filtros" (the filter sentence).

    Written row by row with openpyxl's write-only mode, each distinct value of
    a column made into its cell (value, type and format) once: the same
    workbook as filling a whole one in memory and formatting it afterwards
    (:func:`_to_xlsx_bytes_in_memory`), in a fraction of its time and memory.
    """
    table = visible(df)
    if len(table.columns) == 0:
        return _to_xlsx_bytes_in_memory(table, description)
    book = Workbook(write_only=True)
    book.properties.creator = "Tablero de Participación Ciudadana"
    sheet = book.create_sheet("Datos")
    columns = [str(column) for column in table.columns]
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _column_width(table, column)
    sheet.freeze_panes = "A2"
    # what the in-memory workbook records as its used range (write-only leaves it out)
    used = f"A1:{get_column_letter(len(columns))}{len(table) + 1}"
    sheet.calculate_dimension = lambda: used
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    # Each column's distinct values, in the order they first appear, as the
    # in-memory workbook would have them: its formats are numbered in the order
    # they are first used (the default date formats while rows are appended,
    # then the column formats one column after the other), and so are these.
    plans = [_xlsx_values(table.iloc[:, k]) for k in range(len(columns))]
    defaults = sorted((row, k, fmt) for k, (_, firsts, values) in enumerate(plans)
                      for row, value in zip(firsts, values, strict=True)
                      if (fmt := _default_format(value)) is not None)
    for _, _, fmt in defaults:
        WriteOnlyCell(sheet).number_format = fmt  # numbered now; the cell is not written
    cells = []
    for column, (codes, firsts, values) in zip(columns, plans, strict=True):
        items = np.empty(len(values), dtype=object)
        for j in np.argsort(firsts, kind="stable"):
            items[j] = _xlsx_cell(sheet, values[j], decimals_for(column))
        cells.append((items, codes))
    del plans
    sheet.append(header)
    for start in range(0, len(table), CSV_BLOCK_ROWS):
        stop = min(start + CSV_BLOCK_ROWS, len(table))
        block = [(items[codes[start:stop]] if codes is not None else items[start:stop]).tolist()
                 for items, codes in cells]
        for row in zip(*block, strict=True):
            sheet.append(row)
    notes = book.create_sheet("Filtros")
    notes.column_dimensions["A"].width = 120
    notes.calculate_dimension = lambda: "A1:A2"
    title = WriteOnlyCell(notes, "Filtros aplicados")
    title.font = Font(bold=True)
    notes.append([title])
    sentence = WriteOnlyCell(notes, description)
    sentence.alignment = Alignment(wrap_text=True, vertical="top")
    notes.append([sentence])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_values(series: pd.Series) -> tuple[np.ndarray | None, np.ndarray, list]:
    """One column's distinct values, as :func:`_xlsx_value` makes them:
    ``(codes, firsts, values)``, row ``i`` holding ``values[codes[i]]``, first
    at row ``firsts[j]`` (0 is the first row of data); or ``(None, rows,
    values)``, a value per row, when they cannot be grouped (see
    :func:`_value_codes`)."""
    codes = _value_codes(series)
    if codes is None:
        return None, np.arange(len(series)), [_xlsx_value(value) for value in series]
    codes = codes.astype(np.min_scalar_type(max(int(codes.max()) if len(codes) else 0, 0)))
    _, firsts = np.unique(codes, return_index=True)  # dense codes: firsts[j] is code j's
    return codes, firsts, [_xlsx_value(value) for value in series.iloc[firsts]]


def _default_format(value: object) -> str | None:
    """The number format openpyxl gives a cell of ``value`` by itself (dates,
    times), or None."""
    if value is None or not isinstance(value, (date, time, timedelta)):
        return None
    fmt = WriteOnlyCell(_SCRATCH, value).number_format
    return None if fmt == "General" else fmt


_SCRATCH = Workbook(write_only=True).create_sheet()  # cells made only to read their format


def _xlsx_cell(sheet, value: object, places: int | None) -> object:
    """A value as :func:`_format_column` leaves its cell: dates and datetimes
    with their format, percentages with one decimal, text never a formula."""
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value)
    if not _format_cell(cell, places):
        return value  # the sheet makes it into the same cell when the row is written
    return cell


def _format_cell(cell, places: int | None) -> bool:
    """Dates and datetimes with their format, percentages with one decimal,
    text never a formula; False when the value needs nothing."""
    if isinstance(cell.value, datetime):
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(cell.value, date):
        cell.number_format = "DD/MM/YYYY"
    elif isinstance(cell.value, float) and places is not None:
        cell.number_format = "0.0"
    elif isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, whatever the text
        cell.alignment = Alignment(wrap_text=len(cell.value) > 60, vertical="top")
    else:
        return False
    return True


def _column_width(table: pd.DataFrame, column: str) -> float:
    longest = max([len(column)] + [len(cell_text(v, column)) for v in table[column].head(200)])
    return min(max(10, longest + 2), 60)


def _to_xlsx_bytes_in_memory(table: pd.DataFrame, description: str) -> bytes:
    """The workbook of :func:`to_xlsx_bytes` built whole in memory, cell by
    cell (for a table without columns, which write-only mode writes apart)."""
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
    sheet.column_dimensions[letter].width = _column_width(table, column)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
        _format_cell(cell, places)
