"""Property-based tests of the importer on arbitrary cell contents.

Whatever the cells hold (text with control characters and emoji, huge or
non-finite numbers, dates, times, booleans, formula errors, words the
vocabularies know), the importer either refuses the file with the project's
own ``PlanFileError`` or returns a plan in which every non-empty row below the
header is exactly one activity or one skipped row: no activity is invented and
none is lost. The normalisers raise nothing but the ``ValueError`` documented
for unreadable dates.

The per-normaliser properties (idempotence, round trips) live in
tests/test_normalise_*.py; these feed every normaliser the same hostile cells.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import tempfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from data_layer import loader, store
from data_layer.errors import PlanFileError
from data_layer.ingest import plan_from_workbook, read_plan
from data_layer.ingest.rows import split_code
from data_layer.ingest.workbook import Sheet, Workbook, read_workbook
from data_layer.model import PHASES, READING_STATES
from data_layer.normalise.dates import parse_date, parse_month
from data_layer.normalise.offices import canonical_office, normalise_offices, split_offices
from data_layer.normalise.phases import declared_phase, infer_phase
from data_layer.normalise.progress import column_is_fraction, parse_progress
from data_layer.normalise.text import _SPACES_RE, _is_tidy, clean, despace, fold

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FILE_SETTINGS = settings(max_examples=25, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

HEADER = ("No.", "Actividad", "Responsable", "Fase", "Fecha inicio", "Fecha fin", "Avance T1",
          "Avance T2", "Observaciones", "Notas")
NAME_COLUMN = 1

# Texts the importer reacts to: states, errors, dates, phases, totals,
# footers, codes, headers, formula-like and markup text.
KNOWN_WORDS = [
    "N/A", "No aplica", "No programada", "Sin reporte", "50%", "0,5", "1/3", "3 de 4", "120%", "-5%",
    "#DIV/0!", "#REF!", "#N/A", "#¡VALOR!", "31/02/2024", "29/02/2024", "30/03/2022",
    "29 de octubre de 2024", "marzo de 2022", "Diagnóstico", "Formulación", "Implementación",
    "Seguimiento y evaluación", "A c c i o n e s   i n t e r n a s", "Total", "TOTAL GENERAL",
    "Promedio", "Elaboró: Planeación", "Firma", "1.1 Realizar el diagnóstico", "2.", "1", "II", "T3",
    "Enero", "Actividad", "Responsable", "Avance", "Secretaría de Planeación, Secretaría de Gobierno",
    "Planeación - SIAU y Despacho", "=1+1", "+57 300", "-", "@SUM(A1)", "<script>alert(1)</script>",
    "**negrita**", "x", "X", "✓", "", "   ", "\n", "\t", "\u00a0", "\ufeff",
]

texts = st.one_of(st.text(max_size=60), st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=20),
                  st.sampled_from(KNOWN_WORDS))
numbers = st.one_of(
    st.integers(min_value=-10**30, max_value=10**30), st.sampled_from([10**400, -10**400, 0, 1, 100]),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=0, max_value=1))
moments = st.one_of(st.dates(), st.datetimes(), st.times(), st.timedeltas())
cells = st.one_of(st.none(), texts, numbers, moments, st.booleans())


def rows_of(values, max_rows: int = 8):
    return st.lists(st.lists(values, min_size=len(HEADER), max_size=len(HEADER)), max_size=max_rows)


def check_every_row_accounted(sheet: Sheet, plan) -> None:
    """Every non-empty row below the header: exactly one activity or one
    skipped row; each activity has a name that comes from its own row."""
    if sheet.name not in plan.sheets:
        return
    last_header = plan.header_rows[sheet.name][-1]
    nonempty = {r + 1 for r in range(last_header, len(sheet.values))
                if any(clean(v) is not None for v in sheet.values[r])}
    activity_rows = [a.row for a in plan.activities if a.sheet == sheet.name]
    skipped_rows = [s.row for s in plan.skipped_rows if s.sheet == sheet.name]
    assert len(activity_rows) + len(skipped_rows) == len(nonempty)
    assert set(activity_rows) | set(skipped_rows) == nonempty
    for act in plan.activities:
        cell = clean(sheet.values[act.row - 1][NAME_COLUMN])
        assert cell is not None and act.name
        code, rest = split_code(cell)
        assert act.name in (cell, rest)


def check_plan(plan) -> None:
    for act in plan.activities:
        assert act.phase in PHASES
        assert all(math.isfinite(p) for _, p in act.schedule)
        keys = [(r.period_kind, r.period_index) for r in act.readings]
        assert len(keys) == len(set(keys))  # one reading per period
        for reading in act.readings:
            assert reading.state in READING_STATES
            assert reading.value is None or 0 <= reading.value <= 100
        assert all(o.canonical and o.raw for o in act.offices)
    for issue in plan.issues:
        assert issue.message and issue.severity in ("error", "aviso", "info")


# ------------------------------------------------------------ in memory
@SETTINGS
@given(rows=rows_of(cells), title=st.booleans(), year=st.sampled_from([None, 2025]),
       percent=st.booleans(), hidden=st.sets(st.integers(0, 10), max_size=3))
def test_any_cells_in_memory(rows, title, year, percent, hidden):
    """The table, rows and values layers on arbitrary Python cell values
    (merged cells are left out: they repeat a value on purpose)."""
    values = ([["Plan de Participación Ciudadana Vigencia 2025"]] if title else []) + [list(HEADER)] + rows
    formats = {(r, c): "0%" for r in range(len(values)) for c in (6, 7)} if percent else {}
    sheet = Sheet(name="Plan", values=values, formats=formats, hidden_rows=hidden)
    try:
        plan = plan_from_workbook(Workbook("xlsx", [sheet]), "plan.xlsx", "x", year=year)
    except PlanFileError as exc:
        assert exc.message
        return
    check_every_row_accounted(sheet, plan)
    check_plan(plan)


# ------------------------------------------------------------ real files
def _xlsx_safe(value):
    """What a workbook can hold: no XML-illegal characters, no NaN/inf,
    numbers Excel can store, dates from 1900."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if abs(value) < 10**15 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (datetime, date)):
        return value if value.year >= 1900 else None
    return str(value)


def _csv_text(value) -> str:
    return "" if value is None else str(value)


@FILE_SETTINGS
@given(rows=rows_of(cells, max_rows=6), kind=st.sampled_from(["xlsx", "csv-utf8", "csv-cp1252"]))
def test_any_cells_written_to_a_real_file(rows, kind):
    with tempfile.TemporaryDirectory() as directory:
        if kind == "xlsx":
            path = Path(directory) / "plan.xlsx"
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.append(list(HEADER))
            for row in rows:
                sheet.append([_xlsx_safe(v) for v in row])
            book.save(path)
        else:
            path = Path(directory) / "plan.csv"
            out = io.StringIO()
            writer = csv.writer(out, delimiter=";")
            writer.writerow(HEADER)
            writer.writerows([_csv_text(v) for v in row] for row in rows)
            encoding = "utf-8" if kind == "csv-utf8" else "cp1252"
            path.write_bytes(out.getvalue().encode(encoding, errors="replace"))
        try:
            plan = read_plan(path, entity="Entidad", year=2025)
        except PlanFileError as exc:
            assert exc.message
            return
        sheet = read_workbook(path).sheets[0]
        check_every_row_accounted(sheet, plan)
        check_plan(plan)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rows=rows_of(cells, max_rows=5))
def test_what_the_reader_accepts_the_database_stores(rows):
    """What the reader accepts, the database accepts: no storage error."""
    values = [list(HEADER)] + rows
    plan_sheet = Sheet(name="Plan", values=values)
    try:
        plan = plan_from_workbook(Workbook("xlsx", [plan_sheet]), "plan.xlsx",
                                  hashlib.sha256(repr(values).encode()).hexdigest(), entity="Entidad", year=2025)
    except PlanFileError:
        return
    with tempfile.TemporaryDirectory() as directory:
        db = Path(directory) / "t.duckdb"
        if not plan.activities:
            return
        result = loader.import_parsed([plan], db)[0]
        con = store.connect_readonly(db)
        try:
            assert con.execute("SELECT count(*) FROM activity").fetchall() == [(len(plan.activities),)]
            assert con.execute("SELECT count(*) FROM skipped_row").fetchall() == [(len(plan.skipped_rows),)]
            assert result.readings_added == sum(len(a.readings) for a in plan.activities)
        finally:
            con.close()


# ------------------------------------------------------------ normalisers
@SETTINGS
@given(value=cells, year=st.sampled_from([None, 2024]), fraction=st.sampled_from([None, True, False]),
       number_format=st.sampled_from([None, "General", "0%", "DD/MM/YYYY", "@"]))
def test_normalisers_on_any_cell(value, year, fraction, number_format):
    parsed = parse_progress(value, fraction=fraction, number_format=number_format)
    assert parsed is None or (parsed.state in READING_STATES and (
        parsed.value is None or 0 <= parsed.value <= 100))
    try:
        day = parse_date(value, year=year)
        assert day is None or isinstance(day, date)
    except ValueError as exc:  # documented: a Spanish message saying how to write it
        assert str(exc)
    for office, raw in normalise_offices(value):
        assert office and raw
    assert all(piece for piece in split_offices(value))
    assert declared_phase(value) in (*PHASES, None)
    phase, _ = infer_phase(value, value)
    assert phase in PHASES
    text = clean(value)
    assert text is None or (text and clean(text) == text)
    assert fold(fold(value)) == fold(value)
    assert parse_month(value) in (None, *range(1, 13))
    if isinstance(value, str):
        assert isinstance(canonical_office(value), str)
        assert isinstance(despace(value), str)
    assert column_is_fraction([(value, number_format), (value, None)]) in (True, False)


@SETTINGS
@given(st.text(max_size=80))
def test_clean_fast_path_agrees_with_the_slow_path(text):
    """``clean`` returns tidy text as it is without the line-by-line pass; that
    shortcut must give what the pass would."""
    if _is_tidy(text):
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        slow = "\n".join(line for line in (_SPACES_RE.sub(" ", part).strip() for part in lines) if line)
        assert slow == text
