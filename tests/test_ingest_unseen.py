"""The importer on plans it has never seen: one tiny fixture per quirk.

Every fixture is written by ``tests/fixtures/builders.py`` from the tables
there; the expectations below are the figures those tables were designed to
give, written out as literals so a change on either side shows up here.

Reading notation used in the expectations: ``(index, state, value)`` where
value is the 0..100 progress (``None`` unless the state is ``avance``).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from data_layer.model import (
    AVANCE, DECLARED, ERROR, INFERRED, NO_PROGRAMADA, PHASES, READING_STATES, SIN_REPORTE,
    ILEGIBLE,
)
from data_layer.errors import PlanFileError
from tests.fixtures import builders as b

D = dt.date
AV, NP, SR, IL = AVANCE, NO_PROGRAMADA, SIN_REPORTE, ILEGIBLE

# Files that hold a plan (title_block_only.xlsx has its own test: no table).
READABLE = [name for name in b.FIXTURES
            if name not in ("not_a_spreadsheet.xlsx", "empty_workbook.xlsx",
                            "title_block_only.xlsx")]


# --------------------------------------------------------------------------
# Session fixtures and helpers
# --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("unseen_plans")
    b.build_all(directory)
    return directory


@pytest.fixture(scope="session")
def read_plan():
    # Imported here so the builder checks below run even before the importer exists.
    from data_layer.ingest import read_plan as _read_plan
    return _read_plan


@pytest.fixture(scope="session")
def plan_of(fixture_dir, read_plan):
    """plan_of(name, **kwargs) -> ParsedPlan, each file read once per session."""
    cache: dict = {}

    def read(name: str, **kwargs):
        key = (name, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = read_plan(fixture_dir / name, **kwargs)
        return cache[key]
    return read


def names(plan) -> list[str]:
    return [a.name for a in plan.activities]


def offices(activity) -> list[str]:
    return [o.canonical for o in activity.offices]


def _round(value):
    return None if value is None else round(value, 1)


def readings(activity, kind: str = "trimestre") -> list[tuple]:
    """(index, state, value) of one kind of period, in period order."""
    found = sorted((r for r in activity.readings if r.period_kind == kind),
                   key=lambda r: r.period_index)
    return [(r.period_index, r.state, _round(r.value)) for r in found]


def cutoffs(plan, kind: str = "trimestre") -> dict[int, dt.date]:
    """period index → cut-off date, checking all activities agree."""
    seen: dict[int, dt.date] = {}
    for activity in plan.activities:
        for r in activity.readings:
            if r.period_kind == kind:
                assert seen.setdefault(r.period_index, r.cutoff) == r.cutoff
    return seen


def kinds(plan) -> set[str]:
    return {r.period_kind for a in plan.activities for r in a.readings}


def issues_at(plan, sheet: str | None, row: int, column: str):
    return [i for i in plan.issues
            if (sheet is None or i.sheet == sheet) and i.row == row and i.column == column]


def spanish(message: str) -> bool:
    """A user-facing Spanish sentence about a file, not a Python/English error."""
    lowered = message.lower()
    english = ("file is not", "zip file", "traceback", "error:", "no such", "invalid")
    return bool(re.search(r"\b(archivo|libro|hoja)\b", lowered)) and \
        not any(word in lowered for word in english)


# --------------------------------------------------------------------------
# The builders themselves (these pass without the importer)
# --------------------------------------------------------------------------

def test_builders_write_every_fixture(fixture_dir):
    assert sorted(p.name for p in fixture_dir.iterdir()) == sorted(b.FIXTURES)
    assert all((fixture_dir / name).stat().st_size > 0 for name in b.FIXTURES)


def _cells(path: Path) -> list:
    if path.suffix == ".xlsx" and path.name != "not_a_spreadsheet.xlsx":
        wb = openpyxl.load_workbook(path)
        return [(ws.title, ws.sheet_state, [[c.value for c in row] for row in ws.iter_rows()],
                 sorted(str(m) for m in ws.merged_cells.ranges)) for ws in wb.worksheets]
    return [path.read_bytes()]


def test_builders_are_deterministic(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    b.build_all(first)
    b.build_all(second)
    for name in b.FIXTURES:
        if name.endswith(".xls"):  # xlwt writes no timestamps: bytes must match
            assert (first / name).read_bytes() == (second / name).read_bytes(), name
        else:
            assert _cells(first / name) == _cells(second / name), name


def test_fixture_cells_are_the_quirks_they_claim(fixture_dir):
    ws = openpyxl.load_workbook(fixture_dir / "fraction_scale.xlsx")[b.FRACTION_SHEET]
    assert ws["E8"].value == "#DIV/0!" and ws["E8"].data_type == "e"
    assert ws["E5"].value == 0.25 and ws["E5"].number_format == "0%"
    assert ws["F5"].value == 60 and ws["F5"].number_format == "General"

    wb = openpyxl.load_workbook(fixture_dir / "hidden_sheet.xlsx")
    assert wb["Listas"].sheet_state == "hidden"

    raw = (fixture_dir / "csv_semicolon_latin1.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "Asociación".encode("latin-1") in raw

    ws = openpyxl.load_workbook(fixture_dir / "excel_serial_dates.xlsx")[b.SERIAL_SHEET]
    assert ws["D5"].value == 45306 and ws["E5"].value == 45382
    assert b.excel_serial(D(2024, 3, 31)) == 45382

    empty = openpyxl.load_workbook(fixture_dir / "empty_workbook.xlsx")
    assert empty.sheetnames == ["Hoja1"] and empty["Hoja1"]["A1"].value is None
    assert empty["Hoja1"].max_row == 1 and empty["Hoja1"].max_column == 1


# --------------------------------------------------------------------------
# Invariants every readable fixture must keep
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", READABLE)
def test_model_invariants(plan_of, name):
    kwargs = {"year": b.SAME_PLAN_YEAR} if name.startswith("same_plan") else {}
    plan = plan_of(name, **kwargs)
    assert [a.seq for a in plan.activities] == list(range(1, len(plan.activities) + 1))
    for activity in plan.activities:
        assert activity.name.strip() == activity.name and activity.name
        assert activity.phase in PHASES
        assert activity.phase_source in (DECLARED, INFERRED)
        for r in activity.readings:
            assert r.state in READING_STATES
            if r.state == AVANCE:
                assert r.value is not None and 0 <= r.value <= 100
            else:
                assert r.value is None
            assert r.cutoff is None or r.cutoff.year == plan.year
    for issue in plan.issues:
        assert issue.severity in ("error", "aviso", "info")
        assert issue.column is None or re.fullmatch(r"[A-Z]{1,3}", issue.column)
        assert issue.message


@pytest.mark.parametrize("name", READABLE)
def test_reading_writes_nothing(fixture_dir, read_plan, tmp_path, name):
    copy = tmp_path / name
    shutil.copy(fixture_dir / name, copy)
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    kwargs = {"year": b.SAME_PLAN_YEAR} if name.startswith("same_plan") else {}
    plan = read_plan(copy, **kwargs)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert plan.checksum == before


# --------------------------------------------------------------------------
# Nothing is lost: every non-empty data row is an activity or a skipped row
# --------------------------------------------------------------------------

def _nonempty_rows(path: Path, sheet: str | None, after_row: int) -> set[int]:
    if path.suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        rows = list(csv.reader(text.splitlines(), delimiter=";"))
        return {n for n, cells in enumerate(rows, start=1)
                if n > after_row and any(c.strip() for c in cells)}
    if path.suffix == ".xls":
        import python_calamine
        ws = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
        first_row = ws.start[0] + 1
        return {first_row + i for i, cells in enumerate(ws.to_python(skip_empty_area=False))
                if first_row + i > after_row and any(str(c).strip() for c in cells)}
    ws = openpyxl.load_workbook(path)[sheet]
    return {row[0].row for row in ws.iter_rows(min_row=after_row + 1)
            if any(c.value not in (None, "") for c in row)}


# file → {sheet: last header row}; None as sheet for CSV files.
DATA_AREAS = {
    "other_columns_order.xlsx": {b.OTHER_COLUMNS_SHEET: 6},
    "sheet_per_office.xlsx": {office: 3 for office in b.PER_OFFICE_SHEETS},
    "csv_semicolon_latin1.csv": {None: 2},
    "old_format.xls": {b.OLD_XLS_SHEET: 5},
    "cuatrimestral.xlsx": {b.CUATRI_SHEET: 6},
    "planned_executed.xlsx": {b.PLANNED_SHEET: 4},
    "monthly_followup.xlsx": {b.MONTHLY_SHEET: 5},
    "fraction_scale.xlsx": {b.FRACTION_SHEET: 4},
    "excel_serial_dates.xlsx": {b.SERIAL_SHEET: 4},
    "merged_headers_three_rows.xlsx": {b.THREE_ROWS_SHEET: 6},
    "blank_and_total_rows.xlsx": {b.TOTAL_SHEET: 4},
    "vertical_merged_group.xlsx": {b.VERTICAL_SHEET: 4},
    "hidden_sheet.xlsx": {b.HIDDEN_PLAN_SHEET: 3},
    "same_plan.xlsx": {b.SAME_PLAN_SHEET: 1},
    "same_plan.xls": {b.SAME_PLAN_SHEET: 1},
    "same_plan.csv": {None: 1},
}


@pytest.mark.parametrize("name", sorted(DATA_AREAS))
def test_nothing_is_lost(fixture_dir, plan_of, name):
    kwargs = {"year": b.SAME_PLAN_YEAR} if name.startswith("same_plan") else {}
    plan = plan_of(name, **kwargs)
    for sheet, last_header in DATA_AREAS[name].items():
        def on_sheet(item):
            return sheet is None or item.sheet == sheet
        activity_rows = {a.row for a in plan.activities if on_sheet(a)}
        skipped = {s.row for s in plan.skipped_rows if on_sheet(s)}
        expected = _nonempty_rows(fixture_dir / name, sheet, last_header)
        assert expected, (name, sheet)
        assert not activity_rows & skipped, (name, sheet)
        assert expected <= activity_rows | skipped, (name, sheet, expected - activity_rows - skipped)


# --------------------------------------------------------------------------
# The year (vigencia) comes from the title block
# --------------------------------------------------------------------------

YEARS = {  # file → (year, the title text that carries it)
    "other_columns_order.xlsx": (2025, b.OTHER_COLUMNS_TITLE[1]),
    "sheet_per_office.xlsx": (2025, b.PER_OFFICE_TITLE[0]),
    "csv_semicolon_latin1.csv": (2024, b.CSV_TITLE),
    "old_format.xls": (2023, b.OLD_XLS_TITLE[1]),
    "cuatrimestral.xlsx": (2024, b.CUATRI_TITLE[1]),
    "planned_executed.xlsx": (2025, b.PLANNED_TITLE[1]),
    "monthly_followup.xlsx": (2025, b.MONTHLY_TITLE[1]),
    "fraction_scale.xlsx": (2024, b.FRACTION_TITLE[1]),
    "excel_serial_dates.xlsx": (2024, b.SERIAL_TITLE[1]),
    "merged_headers_three_rows.xlsx": (2025, b.THREE_ROWS_TITLE[1]),
    "blank_and_total_rows.xlsx": (2025, b.TOTAL_TITLE[1]),
    "vertical_merged_group.xlsx": (2025, b.VERTICAL_TITLE[1]),
    "hidden_sheet.xlsx": (2025, b.HIDDEN_TITLE[0]),
}


@pytest.mark.parametrize("name", sorted(YEARS))
def test_year_from_title_block(plan_of, name):
    year, title = YEARS[name]
    assert str(year) in title
    assert plan_of(name).year == year


def test_year_argument_when_there_is_no_title(plan_of):
    for name in ("same_plan.xlsx", "same_plan.xls", "same_plan.csv"):
        assert plan_of(name, year=2025).year == 2025


# --------------------------------------------------------------------------
# other_columns_order.xlsx
# --------------------------------------------------------------------------

def test_other_columns_order_activities(plan_of):
    plan = plan_of("other_columns_order.xlsx")
    assert plan.file_format == "xlsx"
    assert len(plan.activities) == 5 == len(b.OTHER_COLUMNS_ROWS)
    assert names(plan) == [row[1] for row in b.OTHER_COLUMNS_ROWS]
    assert plan.activities[0].name == (
        "Realizar el diagnóstico de las instancias de participación ciudadana del municipio")
    assert plan.activities[-1].name == (
        "Capacitar a los servidores públicos en mecanismos de participación ciudadana")
    assert [a.row for a in plan.activities] == [7, 8, 9, 10, 11]
    assert plan.header_rows[b.OTHER_COLUMNS_SHEET] == [6]
    assert [offices(a) for a in plan.activities] == [
        ["Secretaría de Gobierno"],
        ["Oficina Asesora de Planeación"],
        ["Secretaría de Desarrollo Social"],
        ["Secretaría de Gobierno", "Secretaría de Salud"],
        ["Despacho del Alcalde"],
    ]
    assert [a.start_date for a in plan.activities] == [
        D(2025, 2, 3), D(2025, 3, 3), D(2025, 2, 17), D(2025, 3, 14), D(2025, 6, 2)]
    assert [a.due_date for a in plan.activities] == [
        D(2025, 3, 31), D(2025, 5, 30), D(2025, 9, 30), D(2025, 4, 30), D(2025, 11, 28)]
    first = plan.activities[0]
    assert first.value_groups == "Juntas de acción comunal y veedurías ciudadanas"
    assert first.evidence_means == "Informe de diagnóstico"


def test_other_columns_order_declared_phases(plan_of):
    plan = plan_of("other_columns_order.xlsx")
    assert [a.phase for a in plan.activities] == [
        "diagnostico", "formulacion", "implementacion", "seguimiento_evaluacion", "transversal"]
    assert {a.phase_source for a in plan.activities} == {DECLARED}
    assert plan.activities[-1].phase_raw == "Acciones transversales"


def test_other_columns_order_readings(plan_of):
    plan = plan_of("other_columns_order.xlsx")
    assert [readings(a) for a in plan.activities] == [
        [(1, AV, 100.0), (2, AV, 100.0)],
        [(1, AV, 50.0), (2, AV, 100.0)],
        [(1, SR, None), (2, AV, 40.0)],
        [(1, AV, 0.0), (2, AV, 80.0)],
        [(1, NP, None), (2, AV, 25.0)],
    ]
    assert kinds(plan) == {"trimestre"}
    assert cutoffs(plan) == {1: D(2025, 3, 31), 2: D(2025, 6, 30)}


def test_other_columns_order_entity(plan_of):
    detected = plan_of("other_columns_order.xlsx")
    assert "VILLA DE LEYVA" in (detected.entity or "").upper()
    given = plan_of("other_columns_order.xlsx", entity="Alcaldía de Villa de Leyva")
    assert given.entity == "Alcaldía de Villa de Leyva"


# --------------------------------------------------------------------------
# sheet_per_office.xlsx
# --------------------------------------------------------------------------

def test_sheet_per_office_takes_office_from_sheet(plan_of):
    plan = plan_of("sheet_per_office.xlsx")
    assert plan.sheets == ["Secretaría de Gobierno", "Secretaría de Salud",
                           "Oficina Asesora de Planeación"]
    assert len(plan.activities) == 8
    assert plan.activities[0].name == (
        "Instalar el Consejo Municipal de Paz, Reconciliación y Convivencia")
    assert plan.activities[-1].name == (
        "Evaluar la estrategia de participación ciudadana con los grupos de valor")
    assert names(plan) == [row[1] for rows in b.PER_OFFICE_SHEETS.values() for row in rows]
    assert [a.sheet for a in plan.activities] == (
        ["Secretaría de Gobierno"] * 3 + ["Secretaría de Salud"] * 2
        + ["Oficina Asesora de Planeación"] * 3)
    assert [offices(a) for a in plan.activities] == (
        [["Secretaría de Gobierno"]] * 3 + [["Secretaría de Salud"]] * 2
        + [["Oficina Asesora de Planeación"]] * 3)
    assert [a.code for a in plan.activities] == ["1", "2", "3", "1", "2", "1", "2", "3"]
    assert [a.row for a in plan.activities] == [4, 5, 6, 4, 5, 4, 5, 6]
    assert plan.activities[3].product == "Asamblea realizada"
    assert plan.activities[3].value_groups == "Asociación de usuarios"


def test_sheet_per_office_ignores_instructions(plan_of):
    plan = plan_of("sheet_per_office.xlsx")
    assert all(a.sheet != "Instrucciones" for a in plan.activities)
    notes = [i for i in plan.issues if i.sheet == "Instrucciones"]
    assert notes and {i.severity for i in notes} == {"info"}


def test_sheet_per_office_readings(plan_of):
    plan = plan_of("sheet_per_office.xlsx")
    assert [readings(a) for a in plan.activities] == [
        [(1, AV, 100.0), (2, AV, 100.0)],
        [(1, NP, None), (2, AV, 60.0)],
        [(1, AV, 10.0), (2, AV, 35.0)],
        [(1, AV, 50.0), (2, AV, 100.0)],
        [(1, AV, 20.0), (2, SR, None)],
        [(1, NP, None), (2, AV, 30.0)],
        [(1, AV, 25.0), (2, AV, 50.0)],
        [(1, NP, None), (2, NP, None)],
    ]
    # T3 and T4 columns exist but nobody reported: no readings for them.
    assert cutoffs(plan) == {1: D(2025, 3, 31), 2: D(2025, 6, 30)}


# --------------------------------------------------------------------------
# csv_semicolon_latin1.csv
# --------------------------------------------------------------------------

def test_csv_latin1_activities(plan_of):
    plan = plan_of("csv_semicolon_latin1.csv")
    assert plan.file_format == "csv"
    assert len(plan.activities) == 5
    assert names(plan) == [row[1] for row in b.CSV_ROWS]
    assert plan.activities[0].name == (
        "Caracterizar a los usuarios y a la Asociación de Usuarios del hospital")
    assert plan.activities[-1].name == (
        "Aplicar la encuesta de satisfacción de los servicios de salud")
    assert [a.row for a in plan.activities] == [3, 4, 5, 6, 7]
    assert [a.code for a in plan.activities] == ["1", "2", "3", "4", "5"]
    assert [offices(a) for a in plan.activities] == [
        ["Oficina de Atención al Usuario"],
        ["Gerencia", "Oficina de Calidad"],
        ["Oficina de Atención al Usuario"],
        ["Subgerencia Científica"],
        ["Oficina de Calidad"],
    ]
    # Day first: 05/03/2024 is the 5th of March.
    assert [a.start_date for a in plan.activities] == [
        D(2024, 1, 15), D(2024, 3, 5), D(2024, 2, 1), D(2024, 4, 2), D(2024, 1, 8)]
    assert [a.due_date for a in plan.activities] == [
        D(2024, 3, 29), D(2024, 6, 28), D(2024, 12, 13), D(2024, 5, 31), D(2024, 12, 20)]


def test_csv_latin1_decimal_comma_progress(plan_of):
    plan = plan_of("csv_semicolon_latin1.csv")
    # T1 written "100%", "45,5%", "12,5 %", "N/A", "0%";
    # T2 written as fractions "1", "0,5", "0,25", "", "0,75".
    assert [readings(a) for a in plan.activities] == [
        [(1, AV, 100.0), (2, AV, 100.0)],
        [(1, AV, 45.5), (2, AV, 50.0)],
        [(1, AV, 12.5), (2, AV, 25.0)],
        [(1, NP, None), (2, SR, None)],
        [(1, AV, 0.0), (2, AV, 75.0)],
    ]
    assert cutoffs(plan) == {1: D(2024, 3, 31), 2: D(2024, 6, 30)}


def test_csv_latin1_keeps_observations(plan_of):
    plan = plan_of("csv_semicolon_latin1.csv")
    second = plan.activities[1]
    kept = list(second.extra.values()) + [r.observation for r in second.readings]
    assert "Audiencia aplazada para julio" in kept


# --------------------------------------------------------------------------
# old_format.xls
# --------------------------------------------------------------------------

def test_old_xls_activities(plan_of):
    plan = plan_of("old_format.xls")
    assert plan.file_format == "xls"
    assert plan.header_rows[b.OLD_XLS_SHEET] == [4, 5]
    assert len(plan.activities) == 4
    assert names(plan) == [row[1] for row in b.OLD_XLS_ROWS]
    assert plan.activities[0].name == (
        "Realizar la caracterización de los grupos de valor del departamento")
    assert plan.activities[-1].name == "Rendir cuentas sobre el Plan de Desarrollo Departamental"
    assert [a.row for a in plan.activities] == [6, 7, 8, 9]
    assert [a.code for a in plan.activities] == ["1", "2", "3", "4"]  # not "1.0"
    assert [offices(a) for a in plan.activities] == [
        ["Secretaría de Planeación"],
        ["Secretaría de Gobierno"],
        ["Secretaría de Educación, Cultura y Turismo"],  # one office, commas and "y" inside
        ["Secretaría de Planeación", "Secretaría de Gobierno"],
    ]
    assert [a.start_date for a in plan.activities] == [
        D(2023, 2, 1), D(2023, 3, 1), D(2023, 4, 3), D(2023, 6, 1)]
    assert [a.due_date for a in plan.activities] == [
        D(2023, 4, 28), D(2023, 11, 30), D(2023, 10, 27), D(2023, 12, 15)]


def test_old_xls_quarterly_readings(plan_of):
    plan = plan_of("old_format.xls")
    assert [readings(a) for a in plan.activities] == [
        [(1, AV, 60.0), (2, AV, 100.0), (3, AV, 100.0)],
        [(1, AV, 10.0), (2, AV, 45.0), (3, AV, 70.0)],
        [(1, NP, None), (2, AV, 30.0), (3, SR, None)],
        [(1, NP, None), (2, AV, 0.0), (3, AV, 50.0)],
    ]
    # Quarter IV is empty in every row: no readings for it.
    assert cutoffs(plan) == {1: D(2023, 3, 31), 2: D(2023, 6, 30), 3: D(2023, 9, 30)}


# --------------------------------------------------------------------------
# cuatrimestral.xlsx
# --------------------------------------------------------------------------

def test_cuatrimestral_activities(plan_of):
    plan = plan_of("cuatrimestral.xlsx")
    assert plan.header_rows[b.CUATRI_SHEET] == [5, 6]
    assert len(plan.activities) == 5
    assert plan.activities[0].name == (
        "Publicar en la página web el informe de gestión de la vigencia 2023")
    assert plan.activities[-1].name == (
        "Evaluar la estrategia de rendición de cuentas y publicar el informe de evaluación")
    assert [a.code for a in plan.activities] == ["1.1", "1.2", "2.1", "2.2", "3.1"]
    assert [a.row for a in plan.activities] == [7, 8, 9, 10, 11]
    g1, g2, g3 = (text for _, _, text in b.CUATRI_GROUPS)
    assert [a.group for a in plan.activities] == [g1, g1, g2, g2, g3]
    assert g2 == "Subcomponente 2: Diálogo de doble vía con la ciudadanía y sus organizaciones"
    assert [a.product for a in plan.activities] == [row[2] for row in b.CUATRI_ROWS]
    assert [offices(a) for a in plan.activities] == [
        ["Oficina de Planeación"], ["Oficina de Comunicaciones"], ["Gerencia"],
        ["Oficina de Atención al Usuario"], ["Oficina de Control Interno"]]
    assert [a.due_date for a in plan.activities] == [
        D(2024, 1, 31), D(2024, 12, 13), D(2024, 5, 31), D(2024, 11, 29), D(2024, 12, 20)]
    assert {a.phase_source for a in plan.activities} == {INFERRED}  # no phase column


def test_cuatrimestral_readings(plan_of):
    plan = plan_of("cuatrimestral.xlsx")
    assert kinds(plan) == {"cuatrimestre"}
    assert [readings(a, "cuatrimestre") for a in plan.activities] == [
        [(1, AV, 100.0), (2, AV, 100.0), (3, AV, 100.0)],
        [(1, AV, 25.0), (2, AV, 50.0), (3, AV, 100.0)],
        [(1, AV, 0.0), (2, AV, 100.0), (3, AV, 100.0)],
        [(1, AV, 33.0), (2, AV, 67.0), (3, SR, None)],
        [(1, NP, None), (2, NP, None), (3, AV, 100.0)],
    ]
    assert cutoffs(plan, "cuatrimestre") == {
        1: D(2024, 4, 30), 2: D(2024, 8, 31), 3: D(2024, 12, 31)}


def test_cuatrimestral_observation_per_cut(plan_of):
    plan = plan_of("cuatrimestral.xlsx")

    def observation(activity_index: int, period: int):
        (reading,) = [r for r in plan.activities[activity_index].readings
                      if r.period_index == period]
        return reading.observation

    assert observation(0, 1) == "Informe publicado el 29/01/2024"
    assert observation(0, 2) is None
    # Three columns all headed "Observaciones": each note stays with its own cut.
    assert [observation(1, period) for period in (1, 2, 3)] == [
        "Un boletín publicado en marzo", "Dos boletines publicados", "Cuatro boletines publicados"]
    assert observation(2, 2) == "Audiencia realizada el 24/05/2024"
    # An empty cut with an observation is still "sin reporte", and keeps the note.
    assert observation(3, 3) == "Pendiente la evidencia de la tercera mesa"
    assert observation(4, 3) == "Informe publicado el 18/12/2024"


# --------------------------------------------------------------------------
# planned_executed.xlsx
# --------------------------------------------------------------------------

def test_planned_executed_activities(plan_of):
    plan = plan_of("planned_executed.xlsx")
    assert len(plan.activities) == 4
    assert [a.code for a in plan.activities] == ["PC-01", "PC-02", "PC-03", "PC-04"]
    assert plan.activities[0].name == "Realizar talleres de formación a veedurías ciudadanas"
    assert plan.activities[-1].name == "Aplicar encuestas de percepción a los grupos de valor"
    assert plan.activities[0].indicator == "Número de talleres realizados"
    assert [offices(a) for a in plan.activities] == [
        ["Secretaría de Gobierno"], ["Despacho del Alcalde"], ["Oficina de Comunicaciones"],
        ["Secretaría de Planeación"]]


def test_planned_executed_readings(plan_of):
    plan = plan_of("planned_executed.xlsx")
    # Progress at each cut-off is cumulative compliance: executed so far ÷
    # planned so far (so PC-01 reads 62,5 % in T4 after 7 of 8 workshops were
    # due and 5 done, not the 0 % of T4 alone). Nothing planned so far: no
    # programada; something due but no executed figure: sin reporte.
    got = [readings(a) for a in plan.activities]  # values rounded to 1 decimal
    assert got == [
        [(1, AV, 100.0), (2, AV, 75.0), (3, AV, 83.3), (4, AV, 62.5)],
        [(1, NP, None), (2, AV, 100.0), (3, AV, 100.0), (4, SR, None)],
        [(1, AV, 75.0), (2, AV, 87.5), (3, AV, 75.0), (4, AV, 81.2)],
        [(1, AV, 40.0), (2, AV, 60.0), (3, AV, 60.0), (4, AV, 67.5)],
    ]
    counts = [[(r.planned, r.executed) for r in sorted(a.readings, key=lambda r: r.period_index)]
              for a in plan.activities]
    assert counts == [
        [(2, 2), (2, 1), (2, 2), (2, 0)],
        [(0, 0), (1, 1), (0, 0), (1, None)],
        [(12, 9), (12, 12), (12, 6), (12, 12)],
        [(100, 40), (100, 80), (0, None), (200, 150)],
    ]
    assert cutoffs(plan) == {1: D(2025, 3, 31), 2: D(2025, 6, 30),
                             3: D(2025, 9, 30), 4: D(2025, 12, 31)}


# --------------------------------------------------------------------------
# monthly_followup.xlsx
# --------------------------------------------------------------------------

def test_monthly_schedule(plan_of):
    plan = plan_of("monthly_followup.xlsx")
    assert plan.header_rows[b.MONTHLY_SHEET] == [4, 5]
    assert len(plan.activities) == 3
    assert plan.activities[0].name == "Sesionar con el Consejo Municipal de Participación Ciudadana"
    assert plan.activities[-1].name == "Realizar mesas de trabajo con las juntas de acción comunal"
    assert [offices(a) for a in plan.activities] == [
        ["Secretaría de Gobierno"], ["Despacho del Alcalde"],
        ["Secretaría de Desarrollo Comunitario"]]
    assert [sorted(a.schedule) for a in plan.activities] == [
        [(D(2025, 3, 1), 1), (D(2025, 6, 1), 1), (D(2025, 9, 1), 1), (D(2025, 12, 1), 1)],
        [(D(2025, m, 1), 1) for m in range(2, 12)],
        [(D(2025, 4, 1), 2), (D(2025, 7, 1), 2)],
    ]


def test_monthly_readings(plan_of):
    plan = plan_of("monthly_followup.xlsx")
    assert kinds(plan) == {"mes"}
    # Executions were reported for February..June only; January and July..December
    # have no execution anywhere, so they yield no readings. In a reported month,
    # nothing planned means "no programada".
    # Cumulative compliance, as for quarters: executed so far ÷ planned so far.
    got = [readings(a, "mes") for a in plan.activities]  # values rounded to 1 decimal
    assert got == [
        [(2, NP, None), (3, AV, 100.0), (4, AV, 100.0), (5, AV, 100.0), (6, AV, 100.0)],
        [(2, AV, 100.0), (3, AV, 100.0), (4, AV, 66.7), (5, AV, 75.0), (6, AV, 80.0)],
        [(2, NP, None), (3, NP, None), (4, AV, 100.0), (5, AV, 100.0), (6, AV, 100.0)],
    ]
    assert cutoffs(plan, "mes") == {2: D(2025, 2, 28), 3: D(2025, 3, 31), 4: D(2025, 4, 30),
                                    5: D(2025, 5, 31), 6: D(2025, 6, 30)}
    april = [r for r in plan.activities[1].readings if r.period_index == 4][0]
    assert (april.planned, april.executed) == (1, 0)


# --------------------------------------------------------------------------
# fraction_scale.xlsx
# --------------------------------------------------------------------------

def test_fraction_scale_readings(plan_of):
    plan = plan_of("fraction_scale.xlsx")
    assert len(plan.activities) == 5
    assert plan.activities[0].name == "Caracterizar a los clubes y ligas deportivas del municipio"
    # T1: 0..1 numbers formatted 0%; T2: plain 0..100 numbers.
    assert [readings(a) for a in plan.activities] == [
        [(1, AV, 25.0), (2, AV, 60.0)],
        [(1, AV, 100.0), (2, AV, 100.0)],
        [(1, AV, 50.0), (2, NP, None)],
        [(1, IL, None), (2, AV, 80.0)],
        [(1, AV, 0.0), (2, AV, 10.0)],
    ]
    broken = [r for r in plan.activities[3].readings if r.period_index == 1][0]
    assert broken.raw == "#DIV/0!"


def test_fraction_scale_error_cell_is_an_issue(plan_of):
    plan = plan_of("fraction_scale.xlsx")
    (issue,) = issues_at(plan, "Seguimiento 2024", 8, "E")
    assert issue.severity == ERROR
    assert issue.value == "#DIV/0!"
    assert [(i.sheet, i.row, i.column) for i in plan.issues if i.severity == ERROR] == [
        ("Seguimiento 2024", 8, "E")]
    assert not [i for i in issues_at(plan, "Seguimiento 2024", 7, "F") if i.severity == ERROR]


# --------------------------------------------------------------------------
# excel_serial_dates.xlsx
# --------------------------------------------------------------------------

def test_serial_and_text_dates(plan_of):
    plan = plan_of("excel_serial_dates.xlsx")
    assert len(plan.activities) == 4  # the bad date does not drop the activity
    assert plan.activities[0].name == "Realizar jornadas de atención a usuarios en los barrios"
    assert plan.activities[-1].name == "Rendir cuentas a los vocales de control"
    assert [a.code for a in plan.activities] == ["1", "2", "3", "4"]
    assert [a.start_date for a in plan.activities] == [
        D(2024, 1, 15),   # 45306
        D(2024, 3, 30),   # "30/03/2024"
        D(2024, 2, 1),    # "01/02/2024"
        D(2024, 6, 3)]    # a real date
    assert [a.due_date for a in plan.activities] == [
        D(2024, 3, 31),   # 45382
        D(2024, 10, 29),  # "29 de octubre de 2024"
        None,             # "31/02/2024" does not exist
        D(2024, 12, 20)]  # 45646.0


def test_impossible_date_is_an_issue(plan_of):
    plan = plan_of("excel_serial_dates.xlsx")
    (issue,) = issues_at(plan, "Plan", 7, "E")
    assert issue.severity == ERROR
    assert issue.value == "31/02/2024"
    assert issue.message


# --------------------------------------------------------------------------
# merged_headers_three_rows.xlsx
# --------------------------------------------------------------------------

def test_three_header_rows(plan_of):
    plan = plan_of("merged_headers_three_rows.xlsx")
    assert plan.header_rows[b.THREE_ROWS_SHEET] == [4, 5, 6]
    assert len(plan.activities) == 4
    assert [a.row for a in plan.activities] == [7, 8, 9, 10]
    assert plan.activities[0].name == (
        "Realizar el diagnóstico de la participación ciudadana con las juntas de acción comunal")
    assert plan.activities[-1].name == (
        "Hacer seguimiento con las veedurías al plan de participación")
    assert [a.phase for a in plan.activities] == [
        "diagnostico", "formulacion", "implementacion", "seguimiento_evaluacion"]
    assert {a.phase_source for a in plan.activities} == {DECLARED}
    assert [a.phase_raw for a in plan.activities] == [
        "Diagnóstico", "Planeación", "Ejecución participativa", "Evaluación y seguimiento"]
    assert [offices(a) for a in plan.activities] == [
        ["Secretaría de Gobierno"], ["Secretaría de Planeación"], ["Secretaría de Gobierno"],
        ["Oficina de Control Interno"]]
    assert [(a.start_date, a.due_date) for a in plan.activities] == [
        (D(2025, 2, 3), D(2025, 3, 31)), (D(2025, 3, 3), D(2025, 4, 30)),
        (D(2025, 4, 1), D(2025, 10, 31)), (D(2025, 6, 2), D(2025, 12, 19))]
    assert [readings(a) for a in plan.activities] == [
        [(1, AV, 100.0), (2, AV, 100.0)],
        [(1, AV, 70.0), (2, AV, 100.0)],
        [(1, NP, None), (2, AV, 40.0)],
        [(1, NP, None), (2, SR, None)],
    ]
    assert cutoffs(plan) == {1: D(2025, 3, 31), 2: D(2025, 6, 30)}


# --------------------------------------------------------------------------
# title_block_only.xlsx
# --------------------------------------------------------------------------

def test_title_block_only_is_refused_and_says_why(fixture_dir, read_plan):
    # A workbook with a title and no table is not a plan: one clear error,
    # nothing written (the CLI exits 2).
    with pytest.raises(PlanFileError) as raised:
        read_plan(fixture_dir / "title_block_only.xlsx")
    assert "No se encontró una tabla de actividades" in raised.value.message
    assert "encabezados" in raised.value.message


# --------------------------------------------------------------------------
# blank_and_total_rows.xlsx
# --------------------------------------------------------------------------

def test_blank_rows_and_total(plan_of):
    plan = plan_of("blank_and_total_rows.xlsx")
    assert len(plan.activities) == 5
    assert [a.row for a in plan.activities] == [5, 6, 8, 11, 12]
    assert [a.code for a in plan.activities] == ["1", "2", "3", "4", "5"]
    assert plan.activities[0].name == "Capacitar a los líderes comunales en control social"
    assert plan.activities[-1].name == "Realizar la audiencia pública de rendición de cuentas"
    assert "TOTAL" not in {a.name.upper() for a in plan.activities}
    assert [readings(a) for a in plan.activities] == [
        [(1, AV, 100.0)], [(1, AV, 50.0)], [(1, AV, 0.0)], [(1, AV, 75.0)], [(1, AV, 50.0)]]


def test_total_and_signature_rows_are_skipped_not_lost(plan_of):
    plan = plan_of("blank_and_total_rows.xlsx")
    skipped = {s.row: s for s in plan.skipped_rows if s.sheet == "Plan"}
    assert sorted(skipped) == [14, 16]  # blank rows 7, 9, 10, 13, 15 are not reported
    assert "total" in skipped[14].reason.lower()
    assert "TOTAL" in skipped[14].content
    assert "Carolina Restrepo Gómez" in skipped[16].content


# --------------------------------------------------------------------------
# vertical_merged_group.xlsx
# --------------------------------------------------------------------------

def test_vertical_merged_group(plan_of):
    plan = plan_of("vertical_merged_group.xlsx")
    assert len(plan.activities) == 6
    assert [a.code for a in plan.activities] == ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1"]
    assert plan.activities[0].name == (
        "Actualizar el registro de instancias de participación del municipio")
    assert plan.activities[-1].name == "Realizar la audiencia pública de rendición de cuentas"
    line1 = "Línea 1. Fortalecimiento de las instancias de participación"
    line2 = "Línea 2. Control social y veedurías ciudadanas"
    line3 = "Línea 3. Rendición de cuentas"
    assert [a.group for a in plan.activities] == [line1] * 3 + [line2] * 2 + [line3]
    # D5:D6 is one merged "Secretaría de Gobierno" cell: both rows own it.
    assert [offices(a) for a in plan.activities] == [
        ["Secretaría de Gobierno"], ["Secretaría de Gobierno"],
        ["Secretaría de Desarrollo Social"], ["Secretaría de Infraestructura"],
        ["Oficina Jurídica"], ["Despacho del Alcalde"]]
    assert [readings(a) for a in plan.activities] == [
        [(1, AV, 100.0)], [(1, AV, 30.0)], [(1, NP, None)], [(1, AV, 20.0)],
        [(1, AV, 60.0)], [(1, SR, None)]]


# --------------------------------------------------------------------------
# hidden_sheet.xlsx
# --------------------------------------------------------------------------

def test_hidden_list_sheet_is_not_a_plan(plan_of):
    plan = plan_of("hidden_sheet.xlsx")
    assert plan.sheets == ["Plan"]
    assert len(plan.activities) == 3
    assert {a.sheet for a in plan.activities} == {"Plan"}
    assert plan.activities[0].name == (
        "Realizar el diagnóstico de participación con los grupos de valor")
    assert plan.activities[-1].name == "Evaluar con la ciudadanía los resultados del plan"
    assert [a.phase for a in plan.activities] == [
        "diagnostico", "implementacion", "seguimiento_evaluacion"]
    assert {a.phase_source for a in plan.activities} == {DECLARED}
    assert [a.due_date for a in plan.activities] == [
        D(2025, 4, 30), D(2025, 10, 31), D(2025, 12, 15)]
    assert all(a.readings == [] for a in plan.activities)
    notes = [i for i in plan.issues if i.sheet == "Listas"]
    assert notes and {i.severity for i in notes} == {"info"}


# --------------------------------------------------------------------------
# Files that cannot be read
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["not_a_spreadsheet.xlsx", "empty_workbook.xlsx"])
def test_unreadable_file_raises_plan_file_error(fixture_dir, read_plan, name):
    from data_layer.errors import PlanFileError
    with pytest.raises(PlanFileError) as caught:
        read_plan(fixture_dir / name)
    message = caught.value.message
    assert isinstance(message, str) and message.strip()
    assert spanish(message), message


# --------------------------------------------------------------------------
# The same plan as .xlsx, .xls and .csv gives the same activities
# --------------------------------------------------------------------------

SAME_PLAN_FILES = ("same_plan.xlsx", "same_plan.xls", "same_plan.csv")


def _comparable(plan) -> list[tuple]:
    return [(a.row, a.code, a.name, tuple(offices(a)), a.phase, a.phase_source,
             a.start_date, a.due_date,
             tuple((r.period_kind, r.period_index, r.cutoff, r.state, _round(r.value))
                   for r in sorted(a.readings, key=lambda r: (r.period_kind, r.period_index))))
            for a in plan.activities]


def test_same_plan_in_three_formats_is_identical(plan_of):
    plans = {name: plan_of(name, year=b.SAME_PLAN_YEAR) for name in SAME_PLAN_FILES}
    reference = _comparable(plans["same_plan.xlsx"])
    assert len(reference) == 4
    for name in ("same_plan.xls", "same_plan.csv"):
        assert _comparable(plans[name]) == reference, name
    assert [p.file_format for p in plans.values()] == ["xlsx", "xls", "csv"]
    assert {p.year for p in plans.values()} == {2025}


def test_same_plan_figures(plan_of):
    plan = plan_of("same_plan.csv", year=b.SAME_PLAN_YEAR)
    assert names(plan) == [row[1] for row in b.SAME_PLAN_ROWS]
    assert plan.activities[0].name == (
        "Realizar el autodiagnóstico de la política de participación ciudadana")
    assert plan.activities[-1].name == (
        "Publicar el informe de evaluación de la participación ciudadana")
    assert [a.row for a in plan.activities] == [2, 3, 4, 5]
    assert [a.code for a in plan.activities] == ["1", "2", "3", "4"]
    assert [offices(a) for a in plan.activities] == [
        ["Secretaría de Planeación"], ["Secretaría de Planeación", "Secretaría de Gobierno"],
        ["Secretaría de Gobierno"], ["Oficina de Control Interno"]]
    assert [a.phase for a in plan.activities] == [
        "diagnostico", "formulacion", "implementacion", "seguimiento_evaluacion"]
    assert [(a.start_date, a.due_date) for a in plan.activities] == [
        (D(2025, 1, 20), D(2025, 2, 28)), (D(2025, 2, 3), D(2025, 4, 30)),
        (D(2025, 5, 5), D(2025, 11, 28)), (D(2025, 11, 3), D(2025, 12, 19))]
    assert [readings(a) for a in plan.activities] == [
        [(1, AV, 100.0), (2, AV, 100.0)],
        [(1, AV, 40.0), (2, AV, 100.0)],
        [(1, NP, None), (2, AV, 20.0)],
        [(1, NP, None), (2, SR, None)],
    ]
    assert cutoffs(plan) == {1: D(2025, 3, 31), 2: D(2025, 6, 30)}
