"""Hostile inputs: a Spanish message or a correct partial import, never a crash.

Each file of tests/hostile/corpus.py is read here. A file the importer cannot
use is refused with one Spanish ``PlanFileError``, quickly and without
expanding it, and an import that includes it leaves the database exactly as it
was. A file it can use is imported with every row accounted for (an activity
or a skipped row with its reason) and every cell it could not use reported.
The table for people is docs/ENTRADAS_HOSTILES.md.
"""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from data_layer import loader, store
from data_layer.errors import PlanFileError
from data_layer.ingest import read_plan
from data_layer.ingest.workbook import MAX_CELL_CHARS, read_workbook
from data_layer.model import AVANCE, AVISO, ERROR, ILEGIBLE, INFO
from data_layer.normalise.text import clean
from tests.hostile import corpus as c

ROOT = Path(__file__).resolve().parent.parent
CARTAGO = ROOT / "sample_data" / "002_alcaldia_cartago_2024.xlsx"
DOC = ROOT / "docs" / "ENTRADAS_HOSTILES.md"

REFUSED = sorted(name for name, case in c.CORPUS.items() if case.refused)
ACCEPTED = sorted(name for name, case in c.CORPUS.items() if not case.refused and not case.slow)


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    """name → path of the corpus file, each built once per session."""
    directory = tmp_path_factory.mktemp("hostile")
    built: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in built:
            try:
                built[name] = c.CORPUS[name].build(directory)
            except ImportError as exc:  # msoffcrypto-tool missing
                pytest.skip(f"{name}: {exc}")
        return built[name]
    return get


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A database holding one plan, copied by each test that needs one."""
    db = tmp_path_factory.mktemp("template") / "tablero.duckdb"
    loader.import_files([loader.FileSpec(CARTAGO)], db)
    return db


@pytest.fixture
def db(tmp_path, template_db) -> Path:
    path = tmp_path / "tablero.duckdb"
    shutil.copyfile(template_db, path)
    return path


def plan_of(hostile, name: str, **kwargs):
    return read_plan(hostile(name), **kwargs)


def imported(hostile, name: str, db: Path, **kwargs):
    """Import one corpus file; return (plan, read-only connection)."""
    result = loader.import_files([loader.FileSpec(hostile(name), **kwargs)], db)[0]
    return result, store.connect_readonly(db)


def codes(plan) -> list[str]:
    return [issue.code for issue in plan.issues]


def issue(plan, code: str):
    found = [i for i in plan.issues if i.code == code]
    assert found, f"no issue {code} in {codes(plan)}"
    return found[0]


def accounted_rows(path: Path, plan) -> None:
    """Every non-empty row below the header of each imported sheet is exactly
    one activity or one skipped row."""
    sheets = {s.name: s for s in read_workbook(Path(plan.source_file), path.read_bytes()).sheets}
    for name in plan.sheets:
        sheet = sheets[name]
        last_header = plan.header_rows[name][-1]
        nonempty = {r + 1 for r in range(last_header, len(sheet.values))
                    if any(clean(v) is not None for v in sheet.values[r])}
        activities = [a.row for a in plan.activities if a.sheet == name]
        skipped = [s.row for s in plan.skipped_rows if s.sheet == name]
        assert len(activities) == len(set(activities)) and len(skipped) == len(set(skipped))
        assert not set(activities) & set(skipped)
        assert set(activities) | set(skipped) == nonempty, name


# ------------------------------------------------------------------ refused
@pytest.mark.parametrize("name", REFUSED)
def test_refused_input_gets_one_spanish_message_quickly(hostile, name):
    path = hostile(name)
    started = time.monotonic()
    with pytest.raises(PlanFileError) as raised:
        loader.parse(loader.FileSpec(path))
    assert time.monotonic() - started < 10
    message = raised.value.message
    assert c.CORPUS[name].refused in message
    assert message == str(raised.value)
    for english in ("Error:", "Traceback", "Exception", "invalid", "expected"):
        assert english not in message


@pytest.mark.parametrize("name", REFUSED + ["header_only.xlsx"])
def test_refused_input_leaves_the_database_exactly_as_it_was(hostile, db, name):
    before = db.read_bytes()
    good = loader.FileSpec(ROOT / "sample_data" / "003_agencia_planeacion_participacion.xlsx",
                           entity="Agencia de prueba", year=2025)
    with pytest.raises(PlanFileError):
        loader.import_files([good, loader.FileSpec(hostile(name))], db)
    assert db.read_bytes() == before
    assert {p.name for p in db.parent.iterdir()} <= {"tablero.duckdb", "tablero.duckdb.lock"}


def test_header_only_is_read_but_not_imported(hostile):
    plan = plan_of(hostile, "header_only.xlsx")
    assert plan.activities == []
    assert issue(plan, "sin_actividades").severity == ERROR
    with pytest.raises(PlanFileError, match="La tabla de actividades está vacía"):
        loader.parse(loader.FileSpec(hostile("header_only.xlsx")))


def test_real_password_protected_workbook(hostile):
    pytest.importorskip("msoffcrypto")
    with pytest.raises(PlanFileError) as raised:
        read_plan(hostile("password_protected.xlsx"))
    assert raised.value.message == (
        "El archivo «password_protected.xlsx» está protegido con contraseña. Ábralo en Excel, quite la "
        "contraseña (Archivo › Información › Proteger libro) y vuelva a cargarlo.")


@pytest.mark.parametrize("name, limit_mb", [("zip_bomb.xlsx", 20), ("zip_bomb_lying_sizes.xlsx", 20),
                                            ("ods_repeat_bomb.ods", 20)])
def test_bombs_are_refused_before_they_are_expanded(hostile, name, limit_mb):
    path = hostile(name)
    assert path.stat().st_size < 5 * 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(PlanFileError):
            read_plan(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < limit_mb * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"


def test_zip_bomb_message_gives_the_size_in_colombian_figures(hostile):
    with pytest.raises(PlanFileError) as raised:
        read_plan(hostile("zip_bomb.xlsx"))
    assert raised.value.message == (
        "El archivo «zip_bomb.xlsx» se expandiría a 1.024 MB al abrirlo; se rechazó para proteger el "
        "servidor. Guarde una copia sólo con las hojas del plan.")


def test_far_rows_on_many_sheets_hit_the_cell_ceiling(hostile):
    started = time.monotonic()
    with pytest.raises(PlanFileError) as raised:
        read_plan(hostile("far_rows_many_sheets.xlsx"))
    assert time.monotonic() - started < 10
    assert "más de 5.000.000 celdas" in raised.value.message
    assert "«Hoja5»" in raised.value.message  # where it stopped: 5 × 1.048.576 rows


def test_cli_refuses_a_bomb_with_a_spanish_message(hostile, db):
    before = db.read_bytes()
    out = subprocess.run([sys.executable, "-m", "data_layer", "import", str(hostile("ods_repeat_bomb.ods")),
                          "--db", str(db)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 2
    assert out.stderr.startswith("Error: El archivo «ods_repeat_bomb.ods» es demasiado grande")
    assert "Traceback" not in out.stderr
    assert db.read_bytes() == before


# ------------------------------------------------------------------ accepted
@pytest.mark.parametrize("name", ACCEPTED)
def test_every_row_is_an_activity_or_a_reported_skip(hostile, name):
    path = hostile(name)
    plan = read_plan(path)
    assert plan.activities
    accounted_rows(path, plan)


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_input_is_stored_whole(hostile, db, name):
    plan = loader.parse(loader.FileSpec(hostile(name), entity="Entidad de prueba", year=2025))
    result = loader.import_parsed([plan], db)[0]
    con = store.connect_readonly(db)
    try:
        one = lambda sql: con.execute(sql, [result.import_id]).fetchall()[0][0]  # noqa: E731
        assert one("SELECT count(*) FROM activity a JOIN import_file i USING (plan_id) "
                   "WHERE i.import_id = ?") == len(plan.activities)
        assert one("SELECT count(*) FROM import_issue WHERE import_id = ?") == len(plan.issues)
        assert one("SELECT count(*) FROM skipped_row WHERE import_id = ?") == len(plan.skipped_rows)
        assert one("SELECT count(*) FROM reading WHERE import_id = ?") == sum(len(a.readings) for a in plan.activities)
        # Nothing that is not a number gets in as one.
        assert con.execute("SELECT count(*) FROM reading WHERE isnan(value) OR isinf(value) "
                           "OR isinf(planned) OR isinf(executed)").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM schedule WHERE isnan(planned) OR isinf(planned)"
                           ).fetchall() == [(0,)]
    finally:
        con.close()


def test_100k_rows_in_bounded_time_and_memory(hostile, tmp_path):
    """Read and imported in a fresh process, to measure its own peak memory."""
    path = hostile("rows_100k.xlsx")
    script = (
        "import json, resource, sys, time\n"
        "from data_layer import loader\n"
        "from data_layer.ingest import read_plan\n"
        "t = time.monotonic(); plan = read_plan(sys.argv[1]); read = time.monotonic() - t\n"
        "t = time.monotonic(); loader.import_parsed([plan], sys.argv[2]); stored = time.monotonic() - t\n"
        "print(json.dumps({'read_s': round(read, 1), 'import_s': round(stored, 1),\n"
        "  'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,\n"
        "  'activities': len(plan.activities), 'skipped': len(plan.skipped_rows),\n"
        "  'issues': len(plan.issues), 'readings': sum(len(a.readings) for a in plan.activities)}))\n")
    db = tmp_path / "grande.duckdb"
    out = subprocess.run([sys.executable, "-c", script, str(path), str(db)], capture_output=True,
                         text=True, cwd=ROOT, timeout=240)
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    print("\n100.000 filas:", figures)
    assert figures["activities"] == c.ROWS_100K and figures["skipped"] == 0 and figures["issues"] == 0
    assert figures["readings"] == 2 * c.ROWS_100K
    assert figures["read_s"] < 60
    assert figures["import_s"] < 60
    assert figures["peak_mb"] < 2048
    con = store.connect_readonly(db)
    assert con.execute("SELECT count(*) FROM activity").fetchall() == [(c.ROWS_100K,)]
    con.close()


@pytest.mark.parametrize("name", ["cell_10mb.xlsx", "cell_10mb.csv"])
def test_10mb_cell_is_cut_to_excels_limit_and_reported(hostile, name):
    tracemalloc.start()
    try:
        plan = plan_of(hostile, name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"
    cut = issue(plan, "celda_recortada")
    assert cut.severity == AVISO
    assert cut.message == ("La celda tenía 10.000.000 caracteres; se guardaron los primeros 32.767 "
                           "(el máximo de Excel).")
    texts = [a.name for a in plan.activities] + [r.observation or "" for a in plan.activities
                                                 for r in a.readings]
    longest = max(texts, key=len)
    assert len(longest) == MAX_CELL_CHARS and c.BIG_TEXT.startswith(longest)
    assert len(plan.activities) == (3 if name.endswith("xlsx") else 2)


def test_formulas_keep_their_saved_results_and_errors_are_reported(hostile):
    plan = plan_of(hostile, "formulas_and_errors.xlsx")
    first, second, third = plan.activities
    t1 = {a.code: next(r for r in a.readings if r.period_index == 1) for a in plan.activities}
    t2 = {a.code: next(r for r in a.readings if r.period_index == 2) for a in plan.activities}
    # =3/4 saved as 0.75 in a 0% cell; =1/0 saved as #DIV/0!.
    assert (t1["1"].state, t1["1"].value) == (AVANCE, 75.0)
    assert t2["1"].state == ILEGIBLE and t2["1"].raw == "#DIV/0!"
    # An error cell without formula; a formula nobody calculated keeps its text, unreadable.
    assert t1["2"].state == ILEGIBLE and t1["2"].raw == "#REF!"
    assert (t1["3"].state, t1["3"].value, t1["3"].raw) == (ILEGIBLE, None, "=SUM(H1:H2)")
    no_value = issue(plan, "formula_sin_valor")
    assert (no_value.severity, no_value.row, no_value.column, no_value.value) == (AVISO, 7, "F", "=SUM(H1:H2)")
    assert no_value.message == ("La celda tiene una fórmula sin resultado guardado (=SUM(H1:H2)): ábrala y "
                                "guárdela en Excel para que se calcule. Mientras tanto el avance de la celda "
                                "queda ilegible.")
    # Errors in descriptive and date cells: kept as text / reported.
    assert second.product == "#N/A"
    assert issue(plan, "error_formula").column == "D"
    assert second.due_date is None
    bad_date = issue(plan, "fecha_ilegible")
    assert (bad_date.row, bad_date.column, bad_date.value) == (6, "E", "#VALUE!")
    messages = {(i.row, i.column): i.message for i in plan.issues if i.code == "avance_ilegible"}
    assert "error de fórmula (#DIV/0!)" in messages[(5, "G")]
    assert "error de fórmula (#REF!)" in messages[(6, "F")]
    assert first.due_date == date(2025, 3, 31) and third.due_date == date(2025, 12, 15)


def test_html_script_and_markdown_are_stored_as_plain_text_unchanged(hostile, db):
    result, con = imported(hostile, "html_script_markdown.xlsx", db)
    try:
        row = con.execute("""
            SELECT a.name, a.objective, a.product, a.extra, r.observation, a.source_sheet
            FROM activity a JOIN reading r USING (activity_id) WHERE r.import_id = ?""",
                          [result.import_id]).fetchall()
        assert len(row) == 1
        name, objective, product, extra, observation, sheet = row[0]
        assert name == c.HTML_TEXTS["Actividad"]
        assert objective == c.HTML_TEXTS["Objetivo"]
        assert product == c.HTML_TEXTS["Meta"]
        assert observation == c.HTML_TEXTS["Observaciones"]
        assert json.loads(extra) == {"Notas": c.HTML_TEXTS["Notas"], "Enlace": c.HTML_TEXTS["Enlace"]}
        assert sheet == c.HTML_SHEET
        for text in (name, objective, product, observation):
            assert text.encode("utf-8") == next(v for v in c.HTML_TEXTS.values() if v == text).encode("utf-8")
    finally:
        con.close()


@pytest.mark.parametrize("name", ["formula_injection.xlsx", "formula_injection.csv"])
def test_cells_starting_with_formula_characters_are_stored_as_written(hostile, db, name):
    """Neutralising = + - @ is the exports' job (data_layer/export.py); the
    database keeps what the plan says."""
    result, con = imported(hostile, name, db, entity="Entidad de prueba")
    try:
        rows = con.execute("""
            SELECT a.name, a.objective, r.raw, r.state, r.value, r.observation, a.extra
            FROM activity a JOIN reading r USING (activity_id) WHERE r.import_id = ? ORDER BY a.seq""",
                           [result.import_id]).fetchall()
    finally:
        con.close()
    assert [(n, o, raw, obs, json.loads(x)["Notas"]) for n, o, raw, _, _, obs, x in rows] == [
        (name_, objective, progress, observation, notes)
        for name_, _, objective, progress, observation, notes in c.INJECTION_ROWS]
    # "+50%" and "=50%" hold one percentage; "-10%" is negative: unreadable, reported.
    assert [(state, value) for _, _, _, state, value, _, _ in rows] == [
        (AVANCE, 50.0), (ILEGIBLE, None), (AVANCE, 50.0)]


def test_impossible_dates_are_reported_one_by_one(hostile):
    plan = plan_of(hostile, "impossible_dates.xlsx")
    assert len(plan.activities) == len(c.IMPOSSIBLE_DATES)
    bad = {(i.row, i.column): i.message for i in plan.issues if i.code == "fecha_ilegible"}
    assert all(i.severity == ERROR for i in plan.issues if i.code == "fecha_ilegible")
    assert len(bad) == 2 * len(c.IMPOSSIBLE_DATES) - 1  # 29/02/2024 exists
    assert plan.activities[0].due_date == date(2024, 2, 29)
    assert all(a.start_date is None for a in plan.activities)
    assert bad[(5, "D")] == ("La fecha «31/02/2024» no existe (febrero no tiene 31 días): corríjala en "
                             "formato día/mes/año, por ejemplo 28/02/2024.")
    assert "febrero de 2023 no tiene 29 días" in bad[(6, "D")]
    assert "ningún mes tiene 32 días" in bad[(7, "D")]
    assert "no hay mes 13" in bad[(7, "E")]
    assert "abril no tiene 31 días" in bad[(8, "E")]
    assert "no es una fecha de Excel" in bad[(10, "D")] and "no es una fecha de Excel" in bad[(10, "E")]


ENCODED_NAMES = [row[1] for row in c.ENCODING_ROWS]


@pytest.mark.parametrize("name", ["csv_windows1252.csv", "csv_utf8_bom.csv", "excel_unicode_text.txt",
                                  "csv_mixed_encodings.csv"])
def test_encodings_give_the_same_text(hostile, name):
    plan = plan_of(hostile, name)
    assert [a.name for a in plan.activities] == ENCODED_NAMES
    assert [a.code for a in plan.activities] == ["1", "2", "3"]
    assert [o.canonical for a in plan.activities for o in a.offices] == [
        "Oficina de Atención al Usuario", "Secretaría de Educación", "Gerencia"]
    assert not any("\ufeff" in (i.value or "") + i.message for i in plan.issues)
    mixed = [i for i in plan.issues if i.code == "codificacion_mixta"]
    if name == "csv_mixed_encodings.csv":
        assert mixed[0].severity == AVISO
        assert "3 línea(s) en UTF-8 y 2 en Windows-1252/latin-1 (líneas 3, 5)" in mixed[0].message
    else:
        assert not mixed


def test_control_characters_are_removed_and_reported(hostile):
    plan = plan_of(hostile, "control_characters.csv")
    assert plan.activities[0].name == c.CONTROL_CLEAN
    assert plan.activities[0].offices[0].raw == "SIAU"
    found = issue(plan, "caracteres_de_control")
    assert (found.severity, found.row, found.column) == (AVISO, 2, "A")
    assert found.message.startswith("2 celda(s) tenían caracteres de control")


def test_a_file_name_in_latin1_bytes_is_stored(hostile, db):
    result, con = imported(hostile, "planeacion_latin1_name.csv", db, entity="Hospital San José")
    try:
        assert con.execute("SELECT source_file FROM import_file WHERE import_id = ?",
                           [result.import_id]).fetchall() == [("planeación_2025.csv",)]
    finally:
        con.close()


def test_duplicated_headers_lose_nothing_and_are_reported(hostile):
    plan = plan_of(hostile, "duplicated_headers.xlsx")
    first = plan.activities[0]
    assert [o.canonical for o in first.offices] == ["Secretaría de Gobierno"]
    assert first.extra == {"Responsable (columna C)": "Oficina de Planeación",
                           "Avance T1 (columna E)": "0.6", "Notas": "nota uno",
                           "Notas (columna G)": "nota dos",
                           "Observaciones (columna I)": "observación dos"}
    assert [(r.period_index, r.value, r.observation) for r in first.readings] == [(1, 50.0, "observación uno")]
    repeated = [(i.severity, i.column) for i in plan.issues if i.code == "encabezado_repetido"]
    assert repeated == [(AVISO, "C"), (AVISO, "E"), (INFO, "G"), (AVISO, "I")]
    # every written cell is somewhere
    for row, act in zip(c.DUPLICATE_ROWS, plan.activities):
        kept = ({act.name} | {o.raw for o in act.offices} | set(act.extra.values())
                | {r.observation for r in act.readings} | {r.raw for r in act.readings})
        for value in row:
            assert (value if isinstance(value, str) else str(value)) in kept or (
                isinstance(value, float) and any(r.value == value * 100 for r in act.readings))


def test_hidden_rows_are_imported_hidden_sheets_skipped_and_both_reported(hostile):
    plan = plan_of(hostile, "hidden_rows_and_sheets.xlsx")
    # The visible sheet holds the plan: the hidden one is not imported alongside.
    assert len(plan.activities) == 3
    assert plan.sheets == ["Plan"]
    assert sorted(i.row for i in plan.issues if i.code == "fila_oculta") == list(c.HIDDEN_ROWS)
    assert issue(plan, "hoja_oculta_omitida").sheet == c.HIDDEN_SHEET
    assert "hoja_oculta" not in codes(plan)
    assert issue(plan, "hoja_sin_tabla").sheet == c.VERY_HIDDEN_SHEET


@pytest.mark.parametrize("name", ["old_format_hostile.xls", "xls_named_xlsx.xlsx"])
def test_old_xls_has_the_same_protections(hostile, name):
    plan = plan_of(hostile, name)
    assert plan.file_format == "xls"
    first, second = plan.activities
    assert first.due_date == date(2024, 3, 29)
    assert first.readings[0].observation == "=1+1"
    assert second.name == "Realizar foros con las juntas de acción comunal"  # the bell is gone
    assert issue(plan, "caracteres_de_control").row == 5
    assert issue(plan, "fecha_ilegible").value == "31/02/2024"
    assert issue(plan, "hoja_sin_tabla").sheet == "Oculta"


def test_ods_written_by_hand(hostile):
    plan = plan_of(hostile, "plan.ods")
    assert plan.file_format == "ods"
    assert plan.entity == "Alcaldía Municipal de Villa Prueba" and plan.year == 2025
    assert [a.name for a in plan.activities] == [row[1] for row in c.PLAN_ROWS]
    assert [a.due_date for a in plan.activities] == [row[4] for row in c.PLAN_ROWS]
    assert [(r.state, r.value) for a in plan.activities for r in a.readings] == [
        (AVANCE, 100.0), (AVANCE, 50.0), ("no_programada", None)]
    assert [i.row for i in plan.issues if i.code == "fila_oculta"] == [c.ODS_HIDDEN_ROW]


def test_a_far_away_cell_costs_a_second_and_is_reported(hostile):
    started = time.monotonic()
    plan = plan_of(hostile, "far_cell.xlsx")
    assert time.monotonic() - started < 10
    assert len(plan.activities) == 3
    assert [(s.row, s.reason) for s in plan.skipped_rows] == [
        (1_048_576, "Firmas o pie de página: no es una actividad.")]
    assert plan.skipped_rows[0].content == c.FAR_FOOTER
    beyond = issue(plan, "columnas_no_leidas")
    assert beyond.severity == AVISO and "(la primera en XFD5)" in beyond.message


def test_a_stale_dimension_does_not_hide_rows(hostile):
    plan = plan_of(hostile, "stale_dimension.xlsx")
    assert [a.name for a in plan.activities] == [row[1] for row in c.PLAN_ROWS]
    assert [o.canonical for a in plan.activities for o in a.offices] == [row[2] for row in c.PLAN_ROWS]
    assert all(a.readings and a.readings[0].observation == row[6]
               for a, row in zip(plan.activities, c.PLAN_ROWS) if row[6])


def test_huge_numbers_are_not_let_in(hostile):
    plan = plan_of(hostile, "huge_numbers.xlsx")
    assert len(plan.activities) == 3
    for act in plan.activities:
        assert all(math.isfinite(p) for _, p in act.schedule)
        assert all(r.value is None or 0 <= r.value <= 100 for r in act.readings)
    assert [i.row for i in plan.issues if i.code == "fecha_ilegible"] == [4, 5]
    assert [i.row for i in plan.issues if i.code == "avance_ilegible"] == [4, 5]


# ------------------------------------------------------------------ docs
def test_every_input_is_in_the_docs_table():
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in c.CORPUS if f"`{name}`" not in text]
    assert not missing
