"""The four seed plans (and the illustrative follow-up) end to end, exact figures."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from data_layer.__main__ import inspect_summary
from data_layer.ingest import read_plan
from data_layer.ingest.workbook import read_workbook
from data_layer.normalise.text import clean

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
S000 = SAMPLES / "000_sanatorio_contratacion_2022.xlsx"
S002 = SAMPLES / "002_alcaldia_cartago_2024.xlsx"
S002B = SAMPLES / "002b_alcaldia_cartago_2024_seguimiento_ILUSTRATIVO.xlsx"
S003 = SAMPLES / "003_agencia_planeacion_participacion.xlsx"
S004 = SAMPLES / "004_municipio_candelaria_2022_2023.xlsx"

CANDELARIA_OFFICES = [
    "Secretaría de Desarrollo Social y Programas Especiales",
    "Despacho del Alcalde",
    "Secretaría de Desarrollo Administrativo",
    "Departamento de Planeación",
    "Secretaría de Infraestructura",
    "Secretaría de Educación, Cultura y Turismo",
    "Secretaría de Vivienda",
    "Secretaría de Salud Pública y Seguridad Social",
    "Secretaría de Tránsito",
    "Secretaría de Gobierno y Convivencia Ciudadana",
    "Secretaría de Medio Ambiente y Desarrollo Económico",
    "Departamento Administrativo Jurídico",
    "Secretaría de Hacienda",
]
CARTAGO_OFFICES = [
    "Secretaría de Planeación, Medio Ambiente y Desarrollo Económico",
    "Secretaría de Servicios Administrativos",
    "Administración Municipal",
]


@pytest.fixture(scope="module")
def plans():
    return {path.name: read_plan(path) for path in (S000, S002, S002B, S003, S004)}


def summary(plans, path):
    return inspect_summary(plans[path.name])


@pytest.mark.parametrize("path, activities, entity, year, header_rows", [
    (S000, 9, "Sanatorio de Contratación ESE", 2022, [8, 9]),
    (S002, 9, "Alcaldía de Cartago", 2024, [14, 15]),
    (S002B, 9, "Alcaldía de Cartago", 2024, [14, 15]),
    (S003, 14, None, None, [7]),
    (S004, 6, "Municipio de Candelaria", 2023, [8, 9]),
])
def test_each_seed_layout(plans, path, activities, entity, year, header_rows):
    plan = plans[path.name]
    assert len(plan.activities) == activities
    assert plan.entity == entity
    assert plan.year == year
    assert list(plan.header_rows.values()) == [header_rows]


def test_sanatorio_000(plans):
    plan = plans[S000.name]
    s = summary(plans, S000)
    assert s["dependencies"] == ["Planeación", "SIAU", "Programa Hansen"]
    assert s["phases"] == {"diagnostico": 0, "formulacion": 1, "implementacion": 1,
                           "seguimiento_evaluacion": 1, "transversal": 6, "sin_clasificar": 0}
    assert s["phase_source"] == {"declared": 9, "inferred": 0}
    # First-quarter readings: six at 0 %, three not scheduled; nothing else.
    q1 = [r for a in plan.activities for r in a.readings]
    assert Counter((r.period_kind, r.period_index, r.state, r.value) for r in q1) == {
        ("trimestre", 1, "avance", 0.0): 6, ("trimestre", 1, "no_programada", None): 3}
    assert {r.cutoff for r in q1} == {date(2022, 3, 31)}
    assert s["progress_values"] == 6 and s["progress_mean"] == 0.0
    first, participative = plan.activities[0], plan.activities[6]
    assert first.group == "Acciones internas previas"
    assert first.due_date == date(2022, 8, 30)
    assert first.readings[0].observation == "ACTIVIDAD NO PROGRAMADA PARA EL TRIMESTRE EVALUADO"
    assert [o.raw for o in first.offices] == ["Planeación", "SIAU"]
    assert participative.name.startswith("Formular y definir con la población de enfermos de Hansen")
    assert participative.group == "Acciones Participativas"
    assert (participative.phase, participative.phase_source) == ("formulacion", "declarada")
    assert participative.participation_level == "Al ciudadano se le va a permitir formular y definir"
    assert participative.value_groups == "Población enfermos de Hansen"
    assert participative.instance == "Asociación de usuarios de la salud del Sanatorio de Contratación ESE"
    assert participative.product == "Un plan, programa, proyecto, presupuesto o servicio formulado"
    assert participative.extra["Acción de gestión institucional"].startswith("Creación y Promoción")
    assert [a.phase for a in plan.activities[6:]] == ["formulacion", "implementacion", "seguimiento_evaluacion"]
    assert plan.issues == [] and plan.skipped_rows == []


def test_cartago_002(plans):
    plan = plans[S002.name]
    s = summary(plans, S002)
    assert s["dependencies"] == CARTAGO_OFFICES
    assert s["phase_source"] == {"declared": 0, "inferred": 9}
    assert s["phases"]["sin_clasificar"] == 0
    assert s["progress_values"] == 0 and s["progress_mean"] is None
    assert all(a.readings == [] and a.schedule == [] for a in plan.activities)
    assert [a.code for a in plan.activities] == [str(n) for n in range(1, 10)]
    third = plan.activities[2]
    assert third.offices[0].raw == "Sec. de Sevicios Administrativos"
    assert third.offices[0].canonical == "Secretaría de Servicios Administrativos"
    assert plan.activities[0].indicator == "Numero de autodiagnosticos elaborados"
    assert plan.activities[0].product.startswith("Diagnostico Política de Participación")
    assert plan.metadata["CÓDIGO"] == "MESG-AS-F17"
    # The address footer is reported, not lost and not an activity.
    assert [(r.row, r.content) for r in plan.skipped_rows] == [
        (26, "www.cartago.gov.co"), (27, "CENTRO ADMINISTRACION MUNICIPAL – CAM"),
        (28, "Calle 8 No 6 – 52"), (29, "Código Postal: 762021")]


def test_cartago_follow_up_is_read_quarter_by_quarter(plans):
    plan = plans[S002B.name]
    table = {a.code: [(r.state, r.value) for r in sorted(a.readings, key=lambda r: r.period_index)]
             for a in plan.activities}
    assert table["1"] == [("avance", 100.0)] * 4
    assert table["3"] == [("no_programada", None), ("avance", 50.0), ("avance", 75.0), ("avance", 100.0)]
    assert table["5"] == [("no_programada", None), ("avance", 30.0), ("sin_reporte", None), ("avance", 70.0)]
    assert table["9"] == [("no_programada", None)] * 3 + [("avance", 40.0)]
    assert [r.cutoff for r in plan.activities[0].readings] == [
        date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]
    assert [m for m, _ in plan.activities[0].schedule] == [date(2024, 1, 1), date(2024, 2, 1)]
    assert plan.activities[7].schedule == [(date(2024, m, 1), 1.0) for m in range(1, 13)]
    q4 = [r.value for a in plan.activities for r in a.readings if r.period_index == 4]
    assert sorted(q4) == [40.0, 50.0, 70.0] + [100.0] * 6
    # The general observation column belongs to the latest cut-off.
    assert plan.activities[0].readings[-1].observation.startswith("Autodiagnóstico")


def test_agency_003(plans):
    plan = plans[S003.name]
    s = summary(plans, S003)
    assert s["phases"] == {"diagnostico": 3, "formulacion": 3, "implementacion": 3,
                           "seguimiento_evaluacion": 2, "transversal": 3, "sin_clasificar": 0}
    assert s["phase_source"] == {"declared": 14, "inferred": 0}
    assert s["dependencies"] == []
    assert [a.code for a in plan.activities] == [
        "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "5.1", "5.2", "5.3"]
    assert plan.activities[0].name.startswith("Ejercicios participativos para identificar")
    assert plan.activities[-1].product == "Evidencias de divulgación"
    assert plan.activities[3].objective.startswith("Definir las actividades a desarrollar")
    assert {i.code for i in plan.issues} == {"sin_entidad", "sin_vigencia"}


def test_candelaria_004(plans):
    plan = plans[S004.name]
    s = summary(plans, S004)
    assert s["dependencies"] == CANDELARIA_OFFICES
    assert all([o.canonical for o in a.offices] == CANDELARIA_OFFICES for a in plan.activities)
    assert s["phase_source"] == {"declared": 0, "inferred": 6}
    assert [a.phase for a in plan.activities] == [
        "diagnostico", "diagnostico", "formulacion", "transversal", "implementacion", "seguimiento_evaluacion"]
    assert [a.code for a in plan.activities] == ["1", "2", "3", "4", "5", "6"]
    assert plan.activities[0].name.startswith("Realizar el diagnóstico del estado actual")
    assert {a.group for a in plan.activities} == {
        "Condiciones institucionales idóneas para la promoción de la participación ciudadana",
        "Promoción efectiva de la participación ciudadana"}
    assert plan.activities[0].schedule == [
        (date(2022, 11, 1), 1.0), (date(2022, 12, 1), 4.0), (date(2023, 3, 1), 2.0),
        (date(2023, 6, 1), 1.0), (date(2023, 9, 1), 2.0)]
    assert sum(p for _, p in plan.activities[4].schedule) == 1 + 4 * 9 + 5
    assert plan.activities[0].product.startswith("1.1. Un (1) documento anual elaborado")
    assert plan.activities[0].indicator.startswith("1.1.1. Numero de documentos")
    assert plan.activities[0].evidence_means.startswith("oficios de solicitud")
    assert "FORTALEZAS" not in plan.activities[0].extra  # empty columns add nothing
    assert (plan.period_start, plan.period_end) == (date(2022, 10, 1), date(2023, 10, 1))
    assert [(r.row, r.reason) for r in plan.skipped_rows] == [
        (17, "Firmas o pie de página: no es una actividad.")]


@pytest.mark.parametrize("path", [S000, S002, S002B, S003, S004])
def test_nothing_lost(plans, path):
    """Every non-empty row below the header is an activity or a skipped row."""
    plan = plans[path.name]
    sheet = next(s for s in read_workbook(path).sheets if s.name == plan.sheets[0])
    last_header = plan.header_rows[sheet.name][-1]
    nonempty = {r + 1 for r in range(last_header, len(sheet.values))
                if any(clean(v) for v in sheet.values[r])}
    accounted = {a.row for a in plan.activities} | {s.row for s in plan.skipped_rows}
    assert nonempty == accounted


def test_cli_inspect_json_shape():
    out = subprocess.run([sys.executable, "-m", "data_layer", "inspect", str(S000), "--json"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    data = json.loads(out.stdout)
    assert {"layout", "entity", "year", "activities", "dependencies", "phases", "phase_source",
            "progress_values", "progress_mean", "rows_skipped", "issues"} <= set(data)
    assert data["activities"] == 9 and data["progress_values"] == 6


def test_cli_inspect_unreadable_file(tmp_path):
    fake = tmp_path / "plan.xlsx"
    fake.write_text("<html>no soy un Excel</html>")
    out = subprocess.run([sys.executable, "-m", "data_layer", "inspect", str(fake)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2
    assert out.stdout == ""
    assert "no es una hoja de cálculo" in out.stderr and "Traceback" not in out.stderr
