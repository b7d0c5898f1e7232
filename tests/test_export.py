"""Downloads: CSV that Excel es-CO opens right, XLSX with the same rows."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from data_layer import es_co, export, quality, queries
from data_layer.filters import Filters
from tests.conftest import CARTAGO

CARTAGO_T3 = Filters(entidad=(CARTAGO,), corte=date(2024, 9, 30))


def _csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


@pytest.fixture()
def activities(con):
    return queries.activities_table(con, CARTAGO_T3)


def test_csv_for_excel_es_co(activities):
    description = CARTAGO_T3.describe(len(activities))
    data = export.to_csv_bytes(activities, description)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel keeps the accents
    rows = _csv_rows(data)
    # The header is the first line (Excel, pandas and people read it as such);
    # the filter sentence is in the XLSX's «Filtros» sheet, not above the header.
    first_line = data.split(b"\r\n", 1)[0]
    assert first_line == ("\ufeff" + ";".join(export.visible(activities).columns)).encode("utf-8")
    assert first_line.startswith("\ufeffEntidad;Vigencia;Código;Actividad;".encode("utf-8"))
    assert description not in data.decode("utf-8-sig")
    header, body = rows[0], rows[1:]
    assert header == list(export.visible(activities).columns)
    assert "_id" not in header and "_filtro" not in header
    assert len(body) == 9
    by_code = {row[header.index("Código")]: dict(zip(header, row, strict=True)) for row in body}
    assert by_code["4"]["Actividad"] == "Diseñar instrumento de caracterización de grupos de valor"
    assert by_code["4"]["Entidad"] == "Alcaldía de Cartago"
    assert by_code["4"]["Avance (%)"] == "70,0"
    assert by_code["4"]["Fecha límite"] == "30/06/2024"
    assert by_code["4"]["Estado"] == "Vencida"
    assert by_code["4"]["Vencida"] == "Sí"
    assert by_code["4"]["Vigencia"] == "2024"
    assert by_code["5"]["Avance (%)"] == ""  # sin reporte: empty, never 0
    assert data.decode("utf-8-sig").count("\r\n") == len(rows)


def test_the_filter_sentence_is_not_in_the_csv_but_in_the_xlsx():
    description = 'Filtros; con "comillas"\ny salto'
    frame = pd.DataFrame({"a": [1]})
    assert export.to_csv_bytes(frame, description) == "\ufeffa\r\n1\r\n".encode("utf-8")
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(frame, description)))
    assert book.sheetnames == ["Datos", "Filtros"]
    assert [row for row in book["Datos"].iter_rows(values_only=True)] == [("a",), (1,)]
    assert [row for row in book["Filtros"].iter_rows(values_only=True)] == [
        ("Filtros aplicados",), (description,)]


@pytest.mark.parametrize(("text", "written"), [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
    ("+57 300 000", "'+57 300 000"),
    ("-SIAU", "'-SIAU"),
    ("@suma", "'@suma"),
    ("\tcon tab", "'\tcon tab"),
    ("\rcon cr", "'\rcon cr"),
    ("Planeación - SIAU", "Planeación - SIAU"),
    ("", ""),
])
def test_formula_like_text_is_neutralised(text, written):
    df = pd.DataFrame({"Texto": [text], "Número": [-5.0]})
    rows = _csv_rows(export.to_csv_bytes(df, "prueba"))
    assert rows[1] == [written, "-5"]
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(df, "prueba")))["Datos"]
    # XML turns a carriage return into a line feed; the apostrophe is what matters
    assert (sheet["A2"].value or "") == written.replace("\r", "\n")
    assert sheet["B2"].value == -5


def test_the_data_quality_report_neutralises_a_formula_from_the_source(con):
    skipped = quality.skipped_rows(con, Filters())
    rows = _csv_rows(export.to_csv_bytes(skipped, "prueba"))
    assert rows[-1][-1] == "'=HYPERLINK(\"Calle 8 No 6 – 52\")"


def test_xlsx_has_the_same_rows_and_the_filters(activities):
    description = CARTAGO_T3.describe(len(activities))
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(activities, description)))
    assert book.sheetnames == ["Datos", "Filtros"]
    assert book["Filtros"]["A2"].value == description
    sheet = book["Datos"]
    values = list(sheet.iter_rows(values_only=True))
    shown = export.visible(activities)
    assert list(values[0]) == list(shown.columns)
    assert len(values) == 1 + len(shown)
    csv_body = _csv_rows(export.to_csv_bytes(activities, description))[1:]
    for xlsx_row, csv_row in zip(values[1:], csv_body, strict=True):
        as_text = [export.cell_text(v, c) if v is not None else ""
                   for v, c in zip(xlsx_row, shown.columns, strict=True)]
        assert as_text == csv_row
    header = list(values[0])
    first = values[1]
    assert first[header.index("Avance (%)")] == 100.0
    assert first[header.index("Fecha límite")] == datetime(2024, 3, 31)
    assert sheet.cell(2, header.index("Fecha límite") + 1).number_format == "DD/MM/YYYY"


def test_datetimes_keep_their_time(con):
    report = quality.import_report(con, Filters())
    rows = _csv_rows(export.to_csv_bytes(report, "prueba"))
    header = rows[0]
    assert rows[1][header.index("Importado el")] == "08/04/2022 09:30"


@pytest.mark.parametrize(("value", "column", "text"), [
    (1234.5, "Avance promedio (%)", "1234,5"),
    (57.857142857, "Avance (%)", "57,9"),
    (3, "Actividades", "3"),
    (2.5, "Programado", "2,5"),
    (1.0, "Programado", "1"),
    (True, "x", "Sí"),
    (None, "x", ""),
    (float("nan"), "x", ""),
    (pd.NaT, "x", ""),
    (date(2022, 3, 30), "x", "30/03/2022"),
    (pd.Timestamp("2024-06-30"), "x", "30/06/2024"),
    (pd.Timestamp("2025-01-20 11:45"), "x", "20/01/2025 11:45"),
])
def test_cell_text(value, column, text):
    assert export.cell_text(value, column) == text


@pytest.mark.parametrize(("value", "text"), [
    (1234.5, "1.234,5"), (0, "0,0"), (-3.25, "-3,2"), (1234567.891, "1.234.567,9"),
])
def test_es_co_numbers(value, text):
    assert es_co.number(value) == text
