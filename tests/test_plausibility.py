"""Never import a wrong plan in silence: hidden helper sheets, indicator
forms, activity names that are numbers, progress columns not read or not
readable, phases taken from percentages (fixtures in tests/fixtures/suspicious.py)."""
from __future__ import annotations

import json

import pytest

from data_layer import preview
from data_layer.__main__ import main
from data_layer.errors import PlanFileError
from data_layer.ingest import plausibility, read_plan
from data_layer.ingest.workbook import read_workbook
from data_layer.model import AVISO, INFO
from tests.fixtures import suspicious as s
from tests.test_admin import db, login, start, upload  # noqa: F401  (db is a fixture)

PDM_NAMES = [row[2] for row in s.PDM_ROWS]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return s.build_all(tmp_path_factory.mktemp("suspicious"))


def warning(plan, code: str):
    """The one file-level warning with this code."""
    found = [i for i in plan.issues if i.code == code]
    assert len(found) == 1, [(i.code, i.row) for i in plan.issues]
    assert (found[0].severity, found[0].row, found[0].column) == (AVISO, None, None)
    return found[0]


# ---------------------------------------------------------------- hidden sheets

@pytest.mark.parametrize("name", ["pdm_hidden_weights.xlsx", "pdm_hidden_weights.xls",
                                  "pdm_hidden_weights.ods"])
def test_visible_plan_wins_over_a_hidden_sheet_of_weights(files, name):
    book = read_workbook(files[name], files[name].read_bytes())
    assert [(sheet.name, sheet.hidden) for sheet in book.sheets] == [
        (s.PDM_SHEET, False), (s.PDM_HELPER_SHEET, True)]
    plan = read_plan(files[name])
    assert plan.sheets == [s.PDM_SHEET]
    assert [a.name for a in plan.activities] == PDM_NAMES
    skipped = [(i.severity, i.sheet, i.row) for i in plan.issues if i.code == "hoja_oculta_omitida"]
    assert skipped == [(INFO, s.PDM_HELPER_SHEET, None)]
    assert [i.code for i in plan.issues] == ["hoja_oculta_omitida"]


@pytest.mark.parametrize("name", ["only_hidden_plan.xlsx", "only_hidden_plan.xls", "only_hidden_plan.ods"])
def test_activities_from_a_hidden_sheet_are_imported_with_a_file_warning(files, name):
    book = read_workbook(files[name], files[name].read_bytes())
    assert [(sheet.name, sheet.hidden) for sheet in book.sheets] == [
        (s.ONLY_HIDDEN_VISIBLE, False), (s.ONLY_HIDDEN_SHEET, True)]
    plan = read_plan(files[name])
    assert [a.name for a in plan.activities] == PDM_NAMES
    found = warning(plan, "hoja_oculta")
    assert found.sheet == s.ONLY_HIDDEN_SHEET
    assert found.message == (
        "Las actividades se tomaron de la hoja «Plan», que está oculta en Excel: ninguna hoja visible "
        "tiene una tabla de actividades. Revise que sea el plan y no una hoja auxiliar (pesos, listas, "
        "cálculos); si lo es, muéstrela en Excel (clic derecho en las pestañas › Mostrar) para que quien "
        "abra el archivo la vea.")


def test_a_very_hidden_sheet_counts_as_hidden(files, tmp_path):
    import openpyxl
    book = openpyxl.load_workbook(files["only_hidden_plan.xlsx"])
    book[s.ONLY_HIDDEN_SHEET].sheet_state = "veryHidden"
    path = tmp_path / "very_hidden.xlsx"
    book.save(path)
    found = warning(read_plan(path), "hoja_oculta")
    assert found.message.startswith("Las actividades se tomaron de la hoja «Plan», que está oculta")


def test_a_visible_table_not_understood_is_not_replaced_by_a_hidden_one(files, tmp_path):
    import openpyxl
    book = openpyxl.load_workbook(files["pdm_hidden_weights.xlsx"])
    # Neither «Actividad» nor «Meta de producto» (a meta names the activity when
    # there is no activity column): no column says what each row is.
    book[s.PDM_SHEET].cell(row=s.PDM_HEADER_ROW, column=2, value="Resultado esperado")
    book[s.PDM_SHEET].cell(row=s.PDM_HEADER_ROW, column=3, value="Intervención")
    path = tmp_path / "pdm_intervencion.xlsx"
    book.save(path)
    with pytest.raises(PlanFileError) as refused:
        read_plan(path)
    assert refused.value.message.startswith(
        "No se encontró una tabla de actividades en la hoja visible «Plan de acción 2025» de "
        "«pdm_intervencion.xlsx», aunque su fila 5 tiene encabezados de tabla: no se reconoció cuál "
        "columna es la actividad. Las únicas tablas reconocidas están en hojas ocultas («Ponderación»)")


# ---------------------------------------------------------------- not a plan

def test_an_indicator_board_is_refused(files, capsys):
    path = files["hoja_vida_indicador.xls"]
    with pytest.raises(PlanFileError) as refused:
        read_plan(path)
    assert refused.value.message == (
        "El archivo «hoja_vida_indicador.xls» parece una hoja de vida de indicador o un tablero de "
        "control, no un plan: la hoja «Hoja de vida indicador» tiene rótulos de formulario («Fórmula:», "
        "«Numerador:», «Denominador:», «Meta:», «Línea base:»…) con su valor al lado, y no una tabla con "
        "una actividad por fila. No se importó nada. Un plan de participación necesita una fila de "
        "encabezados con una columna de actividades («Actividad», «Acción», «Estrategia»…) y otras "
        "conocidas («Responsable», «Fecha», «Avance»…), y debajo una fila por actividad. Cargue el "
        "archivo del plan; si éste es el plan, escriba sus actividades como una tabla.")
    assert main(["inspect", str(path)]) == 2
    assert capsys.readouterr().err.startswith("Error: El archivo «hoja_vida_indicador.xls» parece una hoja")


# ---------------------------------------------------------------- one test per warning

def test_activity_names_that_are_codes_and_numbers(files):
    plan = read_plan(files["activity_codes.xlsx"])
    assert [a.name for a in plan.activities] == ["PPC-01", "PPC-02", "1.3", "0.25"]
    assert warning(plan, "actividades_sospechosas").message == (
        "En la hoja «Seguimiento», 4 de 4 actividades tienen por nombre un número, un código o un "
        "rótulo («PPC-01», «PPC-02», «1.3»…): la columna A («Actividad») no parece ser la de las "
        "actividades. Indique cuál es en Cargar planes › Asistente de mapeo, o agregue su encabezado a "
        "data_layer/vocab/headers.csv (campo name).")


def test_a_progress_looking_column_not_read_as_progress(files):
    plan = read_plan(files["unused_progress.xlsx"])
    assert all(a.readings == [] for a in plan.activities)
    assert warning(plan, "avance_sin_leer").message == (
        "En la hoja «Plan», la columna E («Logro acumulado %») parece de avance, pero no se leyó como "
        "avance: se guardó como texto y el tablero no tiene lecturas de ahí. Si es el avance, indique "
        "su periodo en Cargar planes › Asistente de mapeo («Avance — Trimestre I»…) o agregue el "
        "encabezado a data_layer/vocab/headers.csv o periods.csv; si no lo es, márquela allí como «No "
        "importar esta columna».")


def test_declared_phases_from_columns_of_percentages(files):
    """Phase-named columns holding each phase's share of the effort: no phase is
    declared from them (the numbers are not X marks), and the file says why."""
    plan = read_plan(files["phase_percentages.xlsx"])
    assert [(a.phase, a.phase_source) for a in plan.activities] == [("sin_clasificar", "inferida")] * 3
    assert warning(plan, "fase_desde_numeros").message == (
        "En la hoja «Estrategia»: las columnas C («Diagnóstico»), D («Formulación»), E («Implementación»), "
        "F («Evaluación») tienen nombre de fase pero números o porcentajes («0.5», «0.1», «0.25»…), no "
        "marcas X: no se tomaron como la fase de las actividades (se guardaron como texto) y la fase de "
        "cada actividad se dedujo de su redacción. Si son avances, indíquelo en Cargar planes › Asistente "
        "de mapeo («Avance — …»); si la fase se marca con X, deje sólo la X en la columna de su fase.")


def test_phases_from_a_mix_of_marks_and_numbers_are_declared_and_doubted(tmp_path):
    """Where marks and numbers are as many, the column still marks phases:
    the declared phases stand, and the warning says they may not be true."""
    from tests.fixtures.builders import _simple_xlsx
    path = _simple_xlsx(tmp_path / "mezcla.xlsx", "Estrategia", ("ENTIDAD DE PRUEBA", "Plan 2025"),
                        ("Actividad", "Responsable", "Diagnóstico", "Formulación"),
                        (("Encuesta de percepción", "Planeación", "X", None),
                         ("Mesa con ligas deportivas", "Planeación", 0.5, None),
                         ("Foro de presupuesto", "Hacienda", None, "X"),
                         ("Taller de control social", "Personería", None, 0.3)), 3)
    plan = read_plan(path)
    assert [(a.phase, a.phase_source) for a in plan.activities] == [
        ("diagnostico", "declarada"), ("diagnostico", "declarada"), ("formulacion", "declarada"),
        ("formulacion", "declarada")]
    assert warning(plan, "fase_desde_numeros").message.startswith(
        "En la hoja «Estrategia», la fase de 4 actividades se tomó de las columnas C («Diagnóstico»), "
        "D («Formulación»), que tienen números o porcentajes («0.5», «0.3») y no marcas X")


def test_a_progress_column_with_nothing_readable(files):
    plan = read_plan(files["broken_progress.xlsx"])
    assert [[r.state for r in a.readings] for a in plan.activities] == [["avance", "ilegible"]] * 3
    assert warning(plan, "avance_todo_ilegible").message == (
        "En la hoja «Seguimiento 2025», ninguna de las 3 celdas escritas de la columna E («Avance T2») "
        "se pudo leer como avance («#REF!», «ver informe adjunto»): ese periodo queda ilegible en el "
        "tablero. Corrija las fórmulas o escriba los porcentajes en el archivo y cárguelo de nuevo; si "
        "la columna no es de avance, márquela en Cargar planes › Asistente de mapeo.")


@pytest.mark.parametrize("name, odd", [
    ("0.000681", True), ("25 %", True), ("1.3.", True), ("PPC-01", True), ("Numerador:", True),
    ("Semaforización", True), ("Foro 1", False), ("Mesa de trabajo 2", False),
    ("Realizar la audiencia de rendición de cuentas", False)])
def test_what_counts_as_an_odd_activity_name(name, odd):
    assert plausibility.odd_name(name) is odd


@pytest.mark.parametrize("header, progress", [
    ("Logro acumulado %", True), ("Ene-Mar", True), ("Avance", True), ("II", True),
    ("% de ejecución", True), ("Peso %", False), ("Meta (%)", False), ("Responsable", False),
    ("Marzo", False)])
def test_what_counts_as_a_progress_looking_header(header, progress):
    assert plausibility.looks_like_progress(header) is progress


# ---------------------------------------------------------------- every column listed

def test_inspect_lists_every_column_used_or_ignored(files, capsys):
    path = files["unused_progress.xlsx"]
    assert main(["inspect", str(path), "--json"]) == 0
    columns = json.loads(capsys.readouterr().out)["columns"]
    assert columns == {"Plan": {
        "No.": "code", "Actividad": "name", "Responsable": "office", "Fecha límite": "due_date",
        "Logro acumulado %": "ignored", "Observaciones": "observation",
        "(sin encabezado, columna G)": "ignored"}}
    # The note written right of the last header is kept, not dropped.
    assert read_plan(path).activities[1].extra["Columna 7"] == "pendiente el acta"
    assert main(["inspect", str(path)]) == 0
    text = capsys.readouterr().out
    assert "  E «Logro acumulado %» → sin usar (se guarda tal cual, como texto)\n" in text
    assert "  G «(sin encabezado, columna G)» → sin usar (se guarda tal cual, como texto)\n" in text
    frame = preview.columns_frame(read_plan(path))
    assert list(frame["Columna"]) == list("ABCDEFG")
    assert list(frame["¿Se usa?"]) == ["Sí"] * 4 + ["No: se guarda tal cual, como texto", "Sí",
                                                    "No: se guarda tal cual, como texto"]


# ---------------------------------------------------------------- the upload page

def test_upload_preview_shows_file_warnings_as_an_alert(db, files):  # noqa: F811
    at = login(start())
    at.switch_page("pages/cargar.py").run()
    upload(at, files["broken_progress.xlsx"])
    assert not at.exception and not at.error
    alerts = [w.value for w in at.warning]
    assert len(alerts) == 1 and alerts[0].startswith("En la hoja «Seguimiento 2025», ninguna de las 3")
    assert "cargar_confirmar" in [b.key for b in at.button]  # a warning, not a refusal
