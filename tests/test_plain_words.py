"""Calidad de los datos speaks to a planning office: what to fix and where,
in plain Spanish — no importer jargon («ilegible», «omitida», «normalizada»,
«importador»), no internal codes («fecha_ilegible»), on the page, in its
tables or in their downloads."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from data_layer import export, quality
from data_layer.filters import Filters
from tests.conftest import ROOT

JARGON = re.compile(r"ilegible|omitid|normaliz|importador|infiri|gravedad|lecturas|estructura "
                    r"detectada|reescrib|\b[a-z]+_[a-z_]+\b", re.IGNORECASE)
TABS = ["Archivos cargados", "Celdas por corregir", "Filas que no son actividades",
        "Fases deducidas", "Nombres de las dependencias"]


@pytest.fixture()
def calidad(app_env) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30).run()
    at.switch_page("pages/calidad.py").run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> list[str]:
    """The page's own texts (the sidebar is the same on every page)."""
    main = at.main
    texts = [element.value for kind in ("markdown", "caption", "success", "info", "warning")
             for element in getattr(main, kind)]
    texts += [tab.label for tab in main.tabs]
    texts += [str(column) for frame in main.dataframe for column in frame.value.columns]
    return texts


def test_calidad_has_no_jargon_on_screen(calidad):
    assert [tab.label for tab in calidad.tabs] == TABS
    assert calidad.caption[0].value == (
        "Qué se leyó de cada plan y qué conviene corregir en la hoja de cálculo: el archivo, "
        "la hoja y la fila de cada caso.")
    texts = _texts(calidad)
    assert len(texts) > 40  # captions, tabs and every table's columns
    found = {text: JARGON.findall(text) for text in texts if JARGON.search(text)}
    assert found == {}


QUERIES = [quality.plan_quality, quality.import_report, quality.import_issues,
           quality.skipped_rows, quality.inferred_phases, quality.office_merges]


@pytest.mark.parametrize("query", QUERIES, ids=[q.__name__ for q in QUERIES])
def test_the_downloaded_headers_are_plain_words(con, query):
    table = query(con, Filters())
    first_line = export.to_csv_bytes(table, "prueba").split(b"\r\n", 1)[0].decode("utf-8-sig")
    assert first_line == ";".join(export.visible(table).columns)
    assert JARGON.findall(first_line) == []


def test_what_to_do_with_each_cell(con):
    issues = export.visible(quality.import_issues(con, Filters()))
    assert list(issues.columns) == [
        "Entidad", "Archivo", "Qué hacer", "Hoja", "Fila", "Columna", "Lo que dice la celda",
        "Qué pasó y cómo corregirlo"]
    assert list(issues["Qué hacer"]) == ["Corregir", "Revisar", "Revisar", "Para su información"]
