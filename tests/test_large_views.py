"""The national view of a synthetic country: long tables show their first rows.

Streamlit refuses to draw more than 262.144 styled cells, so before
``ui.tables.MAX_ROWS`` the national view of Actividades, Avance and Calidad
failed from a few tens of thousands of activities. Here, on 100.000 synthetic
activities (plus skipped rows and import issues added to the file, which
``synth`` does not write), each page must show the first ``MAX_ROWS`` rows,
say how many there are in all, read only those rows into the cache, and give
downloads of every row of the full query, read only when clicked: byte for
byte ``data_layer.export`` of it on the shorter lists; on the two longest, the
row count and the rows around the screen's edge and at the end, cell by cell
(two exports of 100.000 rows would double the time of this file).

AppTest cannot click a download button; the callables the page hands to
``download_button`` are captured and called, as Streamlit does on a click.
"""
from __future__ import annotations

import csv
import functools
import io

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from data_layer import export, quality, queries, store, synth
from data_layer.filters import Filters
from tests.conftest import ROOT
from ui import safe, tables

ACTIVITIES = 100_000
SKIPPED = 1_500  # rows of skipped_row written into the synthetic file
ISSUES = 2_500  # rows of import_issue, a tenth of them errors
STYLER_LIMIT = 262_144  # cells Streamlit styles at most (what failed before)
N = tables.MAX_ROWS
TIMEOUT = 120
NATIONAL = Filters()


@pytest.fixture(scope="module")
def large_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("nacional") / "nacional.duckdb"
    synth.write_database(path, ACTIVITIES)
    with store.write_transaction(path) as con:
        first = con.execute("SELECT min(import_id) FROM import_file").fetchall()[0][0]
        con.execute("""
            INSERT INTO skipped_row
            SELECT $id, 'Hoja1', 10 + range, 'Fila sin actividad', 'Total del trimestre ' || range
            FROM range($n)""", {"id": first, "n": SKIPPED})
        con.execute("""
            INSERT INTO import_issue
            SELECT $id, range + 1, CASE WHEN range % 10 = 0 THEN 'error' ELSE 'aviso' END,
                'progreso_texto', 'Hoja1', 10 + range, 'O', 'N/A',
                'Se leyó «N/A» como «no programada».'
            FROM range($n)""", {"id": first, "n": ISSUES})
    return path


@pytest.fixture()
def large_env(large_db, monkeypatch):
    monkeypatch.setenv("TABLERO_DB", str(large_db))
    return large_db


@pytest.fixture(scope="module")
def con(large_db):
    """One read-only cursor for the module (its derived tables are built once)."""
    cursor = store.Database(large_db).cursor()
    yield cursor
    cursor.close()


@pytest.fixture()
def downloads(monkeypatch) -> dict[str, object]:
    """The ``data`` of every download button the page draws, by its key."""
    captured: dict[str, object] = {}
    original = DeltaGenerator.download_button

    @functools.wraps(original)
    def recording(self, label, data, *args, **kwargs):
        captured[kwargs["key"]] = data
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    return captured


class Calls(list):
    """(query, limit, rows returned) of each call of a long-list query; ``made``
    holds (filters, rows) of each."""

    def __init__(self) -> None:
        super().__init__()
        self.made: list[tuple[Filters, pd.DataFrame]] = []

    def clear(self) -> None:
        super().clear()
        self.made.clear()


@pytest.fixture()
def limits(monkeypatch) -> Calls:
    """Every call of a long-list query while a page runs or a download is made."""
    calls = Calls()
    for module, name in [(queries, "activities_table"),
                         (queries, "changes_since_previous_cutoff"),
                         (quality, "inferred_phases"), (quality, "skipped_rows"),
                         (quality, "import_issues")]:
        monkeypatch.setattr(module, name, _recording(getattr(module, name), calls))
    st.cache_data.clear()  # every query runs, none is served from an earlier test
    return calls


def _recording(function, calls):
    @functools.wraps(function)
    def wrapper(con, filters, *args):
        limit = args[-1] if args else None
        df = function(con, filters, *args)
        calls.append((function.__name__, limit, len(df)))
        calls.made.append((filters, df))
        return df

    return wrapper


def open_page(page: str, entity: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    if entity:
        at.query_params = {"entidad": [entity]}
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def view_of(at: AppTest, count: int | None) -> tuple[Filters, str]:
    """The filters the page ran with (the sidebar picks the latest cut-off) and
    the sentence that describes them, which heads the downloads (the page
    shows it as Markdown-escaped text)."""
    filters = Filters(entidad=tuple(at.multiselect(key="f_entidad").value),
                      corte=at.selectbox(key="f_corte").value)
    description = filters.describe(count)
    if count is not None:
        assert safe.md(description) in [info.value for info in at.info]
    return filters, description


def assert_csv_of(got: bytes, full: pd.DataFrame, description: str) -> None:
    """``got`` is the CSV of every row of ``full``: its size, its first lines,
    and the rows around the screen's edge and at the end, cell by cell (the
    whole file is compared byte for byte on the shorter tables)."""
    rows = csv_rows(got)
    assert len(rows) == 1 + len(full)
    assert rows[0] == list(full.columns)  # the header first; the filters go to the XLSX
    columns = list(full.columns)
    for index in (0, N - 1, N, len(full) // 2, len(full) - 1):
        expected = [export.cell_text(value, column) for value, column in
                    zip(full.iloc[index].tolist(), columns, strict=True)]
        assert rows[1 + index] == expected, index


def notes(at: AppTest) -> list[str]:
    return [caption.value for caption in at.caption if caption.value.startswith("Se muestran")]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    (found,) = [df.value for df in at.dataframe if column in df.value.columns]
    return found


def excel_buttons(at: AppTest) -> list:
    return [button.proto for button in at.get("download_button")
            if button.proto.label == "Descargar Excel"]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_synthetic_country_is_beyond_what_styling_could_draw(con):
    """Each table, drawn whole, would exceed Streamlit's styled-cell limit."""
    assert queries.activities_count(con, NATIONAL) == ACTIVITIES
    visible = {name: len(export.visible(df).columns) for name, df in [
        ("actividades", queries.activities_table(con, NATIONAL, None, 0)),
        ("cambios", queries.changes_since_previous_cutoff(con, NATIONAL, 0)),
        ("fases", quality.inferred_phases(con, NATIONAL, 0))]}
    assert visible == {"actividades": 31, "cambios": 11, "fases": 6}
    assert ACTIVITIES * 31 > STYLER_LIMIT
    assert queries.changes_count(con, NATIONAL) * 11 > STYLER_LIMIT
    assert quality.inferred_phases_count(con, NATIONAL) * 6 > STYLER_LIMIT


def test_counts_and_limits_agree_with_the_full_queries(con):
    inferred = con.execute("SELECT count(*) FROM activity WHERE phase_source = 'inferida'"
                           ).fetchall()[0][0]
    for full, first, count, expected in [
        (queries.changes_since_previous_cutoff(con, NATIONAL),
         queries.changes_since_previous_cutoff(con, NATIONAL, N),
         queries.changes_count(con, NATIONAL), None),
        (quality.inferred_phases(con, NATIONAL), quality.inferred_phases(con, NATIONAL, N),
         quality.inferred_phases_count(con, NATIONAL), inferred),
        (quality.skipped_rows(con, NATIONAL), quality.skipped_rows(con, NATIONAL, N),
         quality.skipped_rows_count(con, NATIONAL), SKIPPED),
        (quality.import_issues(con, NATIONAL), quality.import_issues(con, NATIONAL, N),
         quality.import_issues_count(con, NATIONAL), ISSUES),
    ]:
        assert count == len(full) == (expected if expected is not None else count)
        assert len(first) == N
        pd.testing.assert_frame_equal(first, full.head(N))
    issues = quality.import_issues(con, NATIONAL, N)
    assert list(issues["Qué hacer"].head(ISSUES // 10)) == ["Corregir"] * (ISSUES // 10)
    assert set(issues["Qué hacer"].iloc[ISSUES // 10:]) == {"Revisar"}


def test_a_limit_is_a_bound_number_never_text(con):
    assert queries.activities_table(con, NATIONAL, None, 0).empty
    assert len(queries.activities_table(con, NATIONAL, None, 3)) == 3
    for bad in (-1, "10; DROP TABLE activity", 2.5, True):
        with pytest.raises(ValueError):
            queries.activities_table(con, NATIONAL, None, bad)
        with pytest.raises(ValueError):
            quality.inferred_phases(con, NATIONAL, bad)


def test_actividades_shows_the_first_rows_and_downloads_them_all(large_env, con, downloads,
                                                                 limits):
    at = open_page("pages/actividades.py")
    page_calls = list(limits)
    assert notes(at) == [("Se muestran las primeras 1.000 de 100.000 actividades; las "
                          "descargas traen las 100.000.")]
    filters, description = view_of(at, ACTIVITIES)
    assert queries.activities_count(con, filters) == ACTIVITIES
    on_screen = at.dataframe[0].value
    assert len(on_screen) == N
    # The page read only the rows it shows (and the cache holds only those).
    assert page_calls == [("activities_table", N, N)]
    assert limits.made[0][0] == filters

    # The detail offers the activities of the table, and says how to find another.
    assert len(at.selectbox(key="detalle_actividad").options) == N
    assert any(caption.value.startswith("La lista ofrece las 1.000 actividades de la tabla")
               for caption in at.caption)

    # 3,1 million cells: too many for a workbook written in memory; the CSV has them.
    (excel,) = excel_buttons(at)
    assert excel.disabled
    assert excel.help == ("Con 100.000 filas, el libro de Excel es demasiado grande para "
                          "generarlo (hasta 64.516 filas de 31 columnas). Descargue el CSV, "
                          "que Excel abre igual, o filtre la vista.")
    assert downloads["xlsx_actividades"] == b""

    data = downloads["csv_actividades"]
    assert callable(data)
    limits.clear()
    got = data()
    # The whole table is read when the download is "clicked", with the page's filters.
    assert limits == [("activities_table", None, ACTIVITIES)]
    (used, everything), = limits.made
    assert used == filters
    full = tables.shown(everything)
    pd.testing.assert_frame_equal(on_screen.reset_index(drop=True), full.head(N),
                                  check_dtype=False)
    assert_csv_of(got, full, description)


def test_activity_detail_of_a_listed_activity(large_env, con):
    at = open_page("pages/actividades.py")
    filters, _ = view_of(at, ACTIVITIES)
    sixth = queries.activities_table(con, filters, None, N).iloc[5]
    at.selectbox(key="detalle_actividad").set_value(int(sixth["_id"])).run()
    assert not at.exception and not at.error
    assert any(md.value == f"#### {sixth['Actividad']}" for md in at.markdown)
    assert "Estado al corte" in [metric.label for metric in at.metric]


def test_avance_shows_the_first_changes_and_downloads_them_all(large_env, con, downloads,
                                                               limits):
    at = open_page("pages/avance.py")
    page_calls = list(limits)
    filters, description = view_of(at, ACTIVITIES)
    total = queries.changes_count(con, filters)
    text = f"{total:,}".replace(",", ".")
    assert f"Se muestran las primeras 1.000 de {text} actividades; las descargas traen " \
           f"las {text}." in notes(at)
    assert any(caption.value.startswith(f"{text} actividades cambiaron de estado")
               for caption in at.caption)
    on_screen = table_with(at, "Cambio (puntos)")
    assert len(on_screen) == N
    assert page_calls == [("changes_since_previous_cutoff", N, N)]

    full = tables.shown(queries.changes_since_previous_cutoff(con, filters))
    assert len(full) == total
    pd.testing.assert_frame_equal(on_screen.reset_index(drop=True), full.head(N),
                                  check_dtype=False)
    assert_csv_of(downloads["csv_avance_cambios"](), full, description)


def test_calidad_shows_the_first_rows_of_each_long_list(large_env, con, downloads, limits):
    at = open_page("pages/calidad.py")
    inferred = quality.inferred_phases_count(con, NATIONAL)
    text = f"{inferred:,}".replace(",", ".")
    shown_notes = notes(at)
    for note in [
        (f"Se muestran las primeras 1.000 de {text} actividades; las descargas traen las "
         f"{text}."),
        "Se muestran las primeras 1.000 de 1.500 filas; las descargas traen las 1.500.",
        "Se muestran las primeras 1.000 de 2.500 filas; las descargas traen las 2.500."]:
        assert note in shown_notes
    for column in ["Por qué esa fase", "Contenido de la fila", "Lo que dice la celda"]:
        assert len(table_with(at, column)) == N
    assert sorted(limits) == sorted([
        ("import_issues", N, N), ("inferred_phases", N, N), ("skipped_rows", N, N)])

    filters, description = view_of(at, None)
    for key, query, total in [("calidad_fases", quality.inferred_phases, inferred),
                              ("calidad_filas", quality.skipped_rows, SKIPPED),
                              ("calidad_problemas", quality.import_issues, ISSUES)]:
        full = tables.shown(query(con, filters))
        got = downloads[f"csv_{key}"]()
        assert got == export.to_csv_bytes(full, description), key
        assert len(csv_rows(got)) == 1 + total
    assert not any(button.disabled for button in excel_buttons(at))
    # The workbook too: a header row and every skipped row.
    book = openpyxl.load_workbook(io.BytesIO(downloads["xlsx_calidad_filas"]()), read_only=True)
    assert book["Datos"].max_row == 1 + SKIPPED
    assert book["Filtros"]["A2"].value == description


def test_one_entity_is_drawn_whole_as_before(large_env, con, downloads):
    entity = queries.options(con, NATIONAL, "entidad")[0]
    one = Filters(entidad=(entity,))
    total = queries.activities_count(con, one)
    assert 0 < total <= N  # an entity of the synthetic country fits on screen
    at = open_page("pages/actividades.py", entity)
    filters, description = view_of(at, total)
    assert filters.entidad == (entity,)
    assert notes(at) == []
    assert not any(caption.value.startswith("La lista ofrece") for caption in at.caption)
    on_screen = at.dataframe[0].value
    full = tables.shown(queries.activities_table(con, filters))
    pd.testing.assert_frame_equal(on_screen.reset_index(drop=True),
                                  full.reset_index(drop=True), check_dtype=False)
    assert len(at.selectbox(key="detalle_actividad").options) == total
    assert [button.disabled for button in excel_buttons(at)] == [False]
    # Everything is on screen: the download is of the very table shown.
    data = downloads["csv_actividades"]
    assert data() == export.to_csv_bytes(full, description)
