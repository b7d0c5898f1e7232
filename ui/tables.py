"""Tables on screen, each with its CSV and XLSX downloads of exactly what it lists.

A screen shows at most :data:`MAX_ROWS` rows of a table (Streamlit refuses
more than 262.144 styled cells, and nobody reads a million rows on screen);
a sentence above a longer table says how many there are and that the
downloads carry them all. Pages read the first rows of a long list with
the query's ``limit`` and pass how many there are (``total``) and how to
read them all (``everything``, run only when a download is clicked).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import pandas as pd
import streamlit as st

from data_layer import es_co, export
from data_layer.normalise.text import visible
from ui import legend

MAX_ROWS = 1_000  # rows a table shows on screen; its downloads carry every row
# Cells (rows × columns) up to which the server writes an .xlsx: openpyxl turns
# every cell into XML in Python, about 10 µs a cell (64.516 activities × 31
# columns take 20 s, in little memory). Beyond it a click would keep the
# server busy for minutes: the Excel button is off and says why; the CSV
# (which Excel opens, 1M activities in a few seconds) still carries every row.
XLSX_MAX_CELLS = 2_000_000

LONG_TEXT = {
    "Actividad", "Objetivo", "Producto / meta", "Indicador", "Observación", "Evidencia",
    "Dependencias", "Medio de verificación", "Fase según el plan", "Texto del que se infirió",
    "Qué pasó y cómo corregirlo", "Contenido de la fila", "Valor",
    "Por qué esa fase", "Lo que dice la celda", "Por qué no es una actividad", "Cómo se leyó",
}


# Columns a table starts with when it has them: what a person reads first (on a
# phone, the only ones on screen without scrolling sideways).
LEADING = ("Actividad", "Estado")
# Widths of those columns: together they fit the 358 px a 390 px phone leaves.
LEADING_WIDTHS = {"Actividad": 230, "Estado": 120}


def shown(df: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The part of a query result a table shows (and its downloads contain),
    the activity and its state first."""
    table = export.visible(df)
    if columns:
        table = table[[column for column in columns if column in table.columns]]
    if "Actividad" in table.columns:
        first = [column for column in LEADING if column in table.columns]
        table = table[first + [column for column in table.columns if column not in first]]
    return table


def show(df: pd.DataFrame, *, key: str, description: str, file_name: str,
         columns: Sequence[str] | None = None, height: int | None = None,
         total: int | None = None, everything: Callable[[], pd.DataFrame] | None = None,
         noun: str = "filas") -> pd.DataFrame:
    """Draw the table with es-CO formatting and its two download buttons.

    The screen shows the first :data:`MAX_ROWS` rows of ``df``. ``df`` may
    itself be the first rows of a longer result: ``total`` is then how many
    rows there are in all and ``everything`` a callable returning all of them
    (the query without its limit), run only when a download is clicked. When
    not every row is on screen, a sentence says so, counting ``noun`` (a
    feminine plural: "actividades", "filas").
    """
    table = shown(df, columns)
    total = len(table) if total is None else int(total)
    if total > len(table) and everything is None:
        raise ValueError(f"{key}: {len(table)} de {total} filas y nada que lea las demás")
    on_screen = table.head(MAX_ROWS)
    if total > len(on_screen):
        st.caption(truncation_note(len(on_screen), total, noun))
    st.dataframe(_styled(_without_invisible(on_screen)), hide_index=True, height=height or "auto", placeholder="",
                 column_config=_column_config(on_screen))
    source = partial(_all_rows, everything, columns) if total > len(table) else table
    downloads(source, key=key, description=description, file_name=file_name,
              shape=(total, len(table.columns)))
    return table


def truncation_note(shown_rows: int, total: int, noun: str = "filas") -> str:
    """"Se muestran las primeras 1.000 de 123.456 actividades; las descargas traen las 123.456." """
    return (f"Se muestran las primeras {es_co.integer(shown_rows)} de {es_co.integer(total)} "
            f"{noun}; las descargas traen las {es_co.integer(total)}.")


def downloads(table: pd.DataFrame | Callable[[], pd.DataFrame], *, key: str,
              description: str, file_name: str,
              shape: tuple[int, int] | None = None) -> None:
    """CSV (Excel es-CO) and XLSX of ``table`` (or of what the callable
    ``table`` returns), generated when clicked. ``shape`` (rows, columns) of
    the whole table, by default that of ``table``: above :data:`XLSX_MAX_CELLS`
    cells the XLSX button is off and says why."""
    if callable(table):
        csv_data = partial(_write, export.to_csv_bytes, table, description)
        xlsx_data = partial(_write, export.to_xlsx_bytes, table, description)
    else:
        csv_data = partial(export.to_csv_bytes, table, description)
        xlsx_data = partial(export.to_xlsx_bytes, table, description)
        shape = table.shape if shape is None else shape
    too_big = shape is not None and shape[0] * shape[1] > XLSX_MAX_CELLS
    xlsx_help = "Libro .xlsx con la hoja «Datos» y la hoja «Filtros»."
    if too_big:
        xlsx_data, xlsx_help = b"", xlsx_too_big(*shape)
    left, right, _ = st.columns([1.2, 1.2, 4], gap="small")
    left.download_button(
        "Descargar CSV", data=csv_data,
        file_name=f"{file_name}.csv", mime=export.CSV_MIME, key=f"csv_{key}",
        on_click="ignore", icon=":material/download:",
        help="Para Excel en español (Colombia): separador «;», coma decimal, "
             "fechas dd/mm/aaaa. La primera línea trae los nombres de las columnas; los "
             "filtros aplicados van en la hoja «Filtros» del Excel.")
    right.download_button(
        "Descargar Excel", data=xlsx_data,
        file_name=f"{file_name}.xlsx", mime=export.XLSX_MIME, key=f"xlsx_{key}",
        on_click="ignore", icon=":material/table_view:", disabled=too_big, help=xlsx_help)


def xlsx_too_big(rows: int, columns: int) -> str:
    """Why the Excel button is off, for its tooltip."""
    return (f"Con {es_co.integer(rows)} filas, el libro de Excel es demasiado grande para "
            f"generarlo (hasta {es_co.integer(XLSX_MAX_CELLS // max(columns, 1))} filas de "
            f"{columns} columnas). Descargue el CSV, que Excel abre igual, o filtre la vista.")


def _all_rows(everything: Callable[[], pd.DataFrame],
              columns: Sequence[str] | None) -> pd.DataFrame:
    """Every row of a table shown in part, with the columns it shows."""
    return shown(everything(), columns)


def _write(write: Callable[[pd.DataFrame, str], bytes], rows: Callable[[], pd.DataFrame],
           description: str) -> bytes:
    return write(rows(), description)


def _without_invisible(table: pd.DataFrame) -> pd.DataFrame:
    """The rows on screen without bidirectional controls or zero-width
    characters in their texts (a name could otherwise show reversed)."""
    texts = [column for column in table.columns
             if pd.api.types.is_string_dtype(table[column]) or table[column].dtype == object]
    if not texts:
        return table
    cleaned = table.copy()
    for column in texts:
        cleaned[column] = [visible(v) if isinstance(v, str) else v for v in table[column]]
    return cleaned


def _styled(table: pd.DataFrame):
    formats = {
        column: partial(export.cell_text, column=str(column), for_spreadsheet=False)
        for column in table.columns
        if not pd.api.types.is_string_dtype(table[column])
    }
    styled = table.style.format(formats, na_rep="")
    if "Semáforo" in table.columns:  # its colour behind the shape and word
        styled = styled.map(legend.cell_style, subset=["Semáforo"])
    return styled


def _column_config(table: pd.DataFrame) -> dict:
    config = {column: st.column_config.TextColumn(width="large")
              for column in table.columns if column in LONG_TEXT}
    if "Actividad" in table.columns:
        config.update({column: st.column_config.TextColumn(width=width)
                       for column, width in LEADING_WIDTHS.items() if column in table.columns})
    return config
