"""Tables on screen, each with its CSV and XLSX downloads of exactly what it shows."""
from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import pandas as pd
import streamlit as st

from data_layer import export

LONG_TEXT = {
    "Actividad", "Objetivo", "Producto / meta", "Indicador", "Observación", "Evidencia",
    "Dependencias", "Medio de verificación", "Fase según el plan", "Texto del que se infirió",
    "Qué pasó y cómo corregirlo", "Contenido de la fila", "Valor",
}


def shown(df: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The part of a query result a table shows (and its downloads contain)."""
    table = export.visible(df)
    if columns:
        table = table[[column for column in columns if column in table.columns]]
    return table


def show(df: pd.DataFrame, *, key: str, description: str, file_name: str,
         columns: Sequence[str] | None = None, height: int | None = None) -> pd.DataFrame:
    """Draw the table with es-CO formatting and its two download buttons."""
    table = shown(df, columns)
    st.dataframe(_styled(table), hide_index=True, height=height or "auto", placeholder="",
                 column_config=_column_config(table))
    downloads(table, key=key, description=description, file_name=file_name)
    return table


def downloads(table: pd.DataFrame, *, key: str, description: str, file_name: str) -> None:
    """CSV (Excel es-CO) and XLSX of ``table``, generated when clicked."""
    left, right, _ = st.columns([1.2, 1.2, 4], gap="small")
    left.download_button(
        "Descargar CSV", data=partial(export.to_csv_bytes, table, description),
        file_name=f"{file_name}.csv", mime=export.CSV_MIME, key=f"csv_{key}",
        on_click="ignore", icon=":material/download:",
        help="Para Excel en español (Colombia): separador «;», coma decimal, "
             "fechas dd/mm/aaaa. La primera línea dice qué filtros se aplicaron.")
    right.download_button(
        "Descargar Excel", data=partial(export.to_xlsx_bytes, table, description),
        file_name=f"{file_name}.xlsx", mime=export.XLSX_MIME, key=f"xlsx_{key}",
        on_click="ignore", icon=":material/table_view:",
        help="Libro .xlsx con la hoja «Datos» y la hoja «Filtros».")


def _styled(table: pd.DataFrame):
    formats = {
        column: partial(export.cell_text, column=str(column), for_spreadsheet=False)
        for column in table.columns
        if not pd.api.types.is_string_dtype(table[column])
    }
    return table.style.format(formats, na_rep="")


def _column_config(table: pd.DataFrame) -> dict:
    return {column: st.column_config.TextColumn(width="large")
            for column in table.columns if column in LONG_TEXT}
