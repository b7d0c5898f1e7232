"""A small known database for the query, export and page tests.

Two plans written as literal tables, so every expected figure in the tests can
be computed by hand from this file:

(a) Sanatorio de Contratación ESE, vigencia 2022 (seed 000): 9 activities, phases
    declared, one follow-up (trimestre I, cutoff 31/03/2022): six 0 % and three
    N/A. Five activities due 30/03/2022 plus activity 7 are overdue at 31/03/2022.
(b) Alcaldía de Cartago, vigencia 2024 (seed 002, progress invented for the
    tests): 9 activities, phases inferred, readings T1–T4 from two imports
    (import 2 adds T3–T4 and corrects activity 4's T2 from 50 to 60).

The worked figures are in tests/test_queries.py.
"""
from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from data_layer import store  # noqa: E402

SANATORIO = "Sanatorio de Contratación ESE"
CARTAGO = "Alcaldía de Cartago"

ENTITIES = [(1, SANATORIO), (2, CARTAGO)]

# plan_id, entity_id, vigencia, plan_key, title
PLANS = [
    (1, 1, 2022, "sanatorio de contratacion ese|2022",
     "Estrategia de participación ciudadana en la gestión pública"),
    (2, 2, 2024, "alcaldia de cartago|2024", "Formato plan de acción"),
]

# import_id, plan_id, source_file, imported_at, added, updated, readings added, changed
IMPORTS = [
    (1, 1, "000_sanatorio_2022.xlsx", datetime(2022, 4, 8, 9, 30), 9, 0, 9, 0),
    (2, 2, "002_cartago_plan_2024.xlsx", datetime(2024, 7, 10, 15, 0), 9, 0, 18, 0),
    (3, 2, "002_cartago_seguimiento_T4.xlsx", datetime(2025, 1, 20, 11, 45), 0, 0, 18, 1),
]

PREVIAS = "Acciones internas previas"
PARTICIPATIVAS = "Acciones participativas"
HANSEN = "Población enfermos de Hansen"
ASOCIACION = "Asociación de usuarios de la salud del Sanatorio de Contratación ESE"

# id, seq, code, group, name, phase, phase_source, level, value groups, due date
SANATORIO_ACTIVITIES = [
    (1, 1, None, PREVIAS, "Caracterizar los grupos de valor institucionales con categorías y "
     "variables asociadas a la participación ciudadana en la gestión",
     "transversal", "declarada", None, None, date(2022, 8, 30)),
    (2, 2, None, PREVIAS, "Conformar y capacitar un equipo de trabajo que lidere el proceso de "
     "planeación e implementación", "transversal", "declarada", None, None, date(2022, 3, 30)),
    (3, 3, None, PREVIAS, "Identificar las instancias de participación asociadas con la gestión "
     "institucional", "transversal", "declarada", None, None, date(2022, 3, 30)),
    (4, 4, None, PREVIAS, "Realizar el diagnóstico del estado actual de la participación "
     "ciudadana en la entidad", "transversal", "declarada", None, None, date(2022, 3, 30)),
    (5, 5, None, PREVIAS, "Identificar las metas y actividades que cada área realizará y en las "
     "cuales tiene programado o debe involucrar la participación",
     "transversal", "declarada", None, None, date(2022, 3, 30)),
    (6, 6, None, PREVIAS, "Definir los recursos, alianzas, convenios y presupuesto asociado a "
     "las actividades que se implementarán", "transversal", "declarada", None, None,
     date(2022, 3, 30)),
    (7, 7, None, PARTICIPATIVAS, "Formular y definir con la población de enfermos de Hansen la "
     "creación y promoción de un proyecto de emprendimiento productivo con enfoque social",
     "formulacion", "declarada", "Al ciudadano se le va a permitir formular y definir", HANSEN,
     date(2022, 3, 30)),
    (8, 8, None, PARTICIPATIVAS, "Implementar con la población de enfermos de Hansen un proyecto "
     "de emprendimiento productivo con enfoque social", "implementacion", "declarada",
     "Al ciudadano se le va a permitir colaborar", HANSEN, date(2022, 11, 30)),
    (9, 9, None, PARTICIPATIVAS, "Controlar y evaluar con la población de enfermos de Hansen el "
     "proyecto de emprendimiento productivo aprobado", "seguimiento_evaluacion", "declarada",
     "Al ciudadano se le va a permitir controlar y evaluar", HANSEN, date(2022, 12, 15)),
]

# id, seq, code, name, phase (inferred), due date
CARTAGO_ACTIVITIES = [
    (11, 1, "1", "Elaborar el diagnóstico del estado actual de la implementación de la "
     "Política de Participación Ciudadana en la entidad", "diagnostico", date(2024, 3, 31)),
    (12, 2, "2", "Elaborar la estrategias de Participación y Rendicion de Cuentas",
     "formulacion", date(2024, 6, 30)),
    (13, 3, "3", "Capacitar funcionarios de la entidad en caracterización de grupos de valor",
     "transversal", date(2024, 9, 30)),
    (14, 4, "4", "Diseñar instrumento de caracterización de grupos de valor",
     "diagnostico", date(2024, 6, 30)),
    (15, 5, "5", "Actualizar de la Caracterización de Ciudadanos , Usuarios y Grupos de Interés",
     "diagnostico", date(2024, 9, 30)),
    (16, 6, "6", "Realizar encuestas de satisfacción que permitan medir la percepción que "
     "tienen los grupos de valor frente a los ejercicios de Participación Ciudadana",
     "seguimiento_evaluacion", date(2024, 12, 31)),
    (17, 7, "7", "Descentralizar la ejecución de espacios de diálogo y Rendición de Cuentas",
     "implementacion", date(2024, 12, 31)),
    (18, 8, "8", "Publicar en la sección transparencia y acceso a la información pública de la "
     "pagina web de le entidad información actualizada de interes para la ciudadanía",
     "transversal", date(2024, 12, 31)),
    (19, 9, "9", "Elaborar planes de mejoramiento institucional, como resultado de ejercicios "
     "de participación y rendición de cuentas.", "seguimiento_evaluacion", date(2024, 11, 30)),
]

PLANEACION_CARTAGO = "Secretaría de Planeación, Medio Ambiente y Desarrollo Económico"
SERVICIOS = "Secretaría de Servicios Administrativos"
ADMINISTRACION = "Administración Municipal"

# activity_id, canonical office, as the plan wrote it
OFFICES = (
    [(i, "Planeación", "Planeación") for i in range(1, 7)]
    + [(i, "SIAU", "SIAU") for i in range(1, 7)]
    + [(i, "Programa Hansen", "Programa Hansen") for i in (7, 8, 9)]
    + [(i, "Planeación", "Planeación") for i in (7, 8, 9)]
    + [(i, PLANEACION_CARTAGO, "Sec. de Planeación, Medio Ambiente y Desarrollo Economico")
       for i in (11, 12, 14, 15, 16, 18, 19)]
    + [(13, SERVICIOS, "Sec. de Sevicios Administrativos"),
       (17, ADMINISTRACION, "Administración Municipal")]
)

NP, SR = "no_programada", "sin_reporte"
NO_REALIZADA = "NO SE REALIZO DICHA ACTIVIDAD"

# Sanatorio, trimestre I (cutoff 31/03/2022), import 1: activity_id → (value or state, observation)
SANATORIO_T1 = {
    1: (NP, "ACTIVIDAD NO PROGRAMADA PARA EL TRIMESTRE EVALUADO"),
    2: (0.0, NO_REALIZADA), 3: (0.0, NO_REALIZADA), 4: (0.0, NO_REALIZADA),
    5: (0.0, NO_REALIZADA), 6: (0.0, NO_REALIZADA),
    7: (0.0, "A LA FECHA NO SE HA AVANZADO EN ESTE TEMA"),
    8: (NP, "NO APLICA PARA EL TRIMESTRE EN ESTUDIO"),
    9: (NP, "NO APLICA PARA EL TRIMESTRE EN ESTUDIO"),
}

# Cartago: activity_id → T1, T2, T3, T4 (a number is an avance %).
# T1 and T2 come from import 2, T3 and T4 from import 3.
CARTAGO_READINGS = {
    11: (100, 100, 100, 100),
    12: (50, 100, 100, 100),
    13: (NP, 40, 80, 100),
    14: (20, 50, 70, 90),  # T2 corrected to 60 by import 3: see CARTAGO_CORRECTION
    15: (NP, 30, SR, 100),
    16: (NP, NP, 50, 100),
    17: (0, 25, 50, 75),
    18: (25, 50, 75, 100),
    19: (NP, NP, NP, 40),
}
CARTAGO_CORRECTION = (14, 2, 60.0, 3)  # activity, quarter, new value, import
CARTAGO_CUTOFFS = (date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31))
ROMAN = ("I", "II", "III", "IV")

# import_id, seq, severity, code, sheet, row, col, value, message
ISSUES = [
    (1, 1, "info", "fase_por_marca", "Hoja1", 14, "J", "X",
     "La fase se leyó de la marca X en la columna «Formulación participativa»."),
    (1, 2, "aviso", "progreso_texto", "Hoja1", 7, "O", "N/A",
     "Se leyó «N/A» como «no programada»; si la actividad sí estaba programada, "
     "escriba el porcentaje de avance."),
    (2, 1, "aviso", "dependencia_normalizada", "Plan de acción", 16, "T",
     "Sec. de Sevicios Administrativos",
     "Se normalizó a «Secretaría de Servicios Administrativos»; corrija el nombre si no es esa."),
    (3, 1, "error", "progreso_ilegible", "Seguimiento", 20, "X", "#DIV/0!",
     "El avance «#DIV/0!» del trimestre III no es un número; se tomó como sin reporte. "
     "Corrija la fórmula en la hoja de seguimiento."),
]

# import_id, sheet, row, reason, content
SKIPPED = [
    (1, "Hoja1", 1, "Fila de título",
     "ESTRATEGIA DE PARTICIPACIÓN CIUDADANA EN LA GESTIÓN PÚBLICA"),
    (2, "Plan de acción", 30, "Pie de página", "www.cartago.gov.co"),
    (2, "Plan de acción", 31, "Pie de página", "=HYPERLINK(\"Calle 8 No 6 – 52\")"),
]


def _reading_row(activity_id, quarter, cell, year, import_id, observation=None):
    if isinstance(cell, str):
        state, value, raw = cell, None, {"no_programada": "N/A", "sin_reporte": ""}[cell]
    else:
        state, value, raw = "avance", float(cell), f"{cell:g}%"
    cutoff = {2022: date(2022, 3, 31), 2024: CARTAGO_CUTOFFS[quarter - 1]}[year]
    return (activity_id, "trimestre", quarter, f"Trimestre {ROMAN[quarter - 1]}", cutoff,
            state, value, raw, None, None, observation, None, import_id)


def build_database(path: Path) -> Path:
    """Write the two plans above into a new database file at ``path``."""
    with store.write_transaction(path) as con:
        con.executemany("INSERT INTO entity VALUES (?, ?)", ENTITIES)
        for plan_id, entity_id, vigencia, key, title in PLANS:
            con.execute(
                "INSERT INTO plan VALUES (?, ?, ?, ?, ?, 'prueba', ?, ?, ?, ?)",
                [plan_id, entity_id, vigencia, key, title, date(vigencia, 1, 1),
                 date(vigencia, 12, 31), datetime(vigencia, 1, 27), datetime(vigencia, 1, 27)])
        for import_id, plan_id, name, at, added, updated, r_added, r_changed in IMPORTS:
            con.execute(
                "INSERT INTO import_file VALUES (?, ?, ?, ?, 'xlsx', 'prueba', ?, 'pruebas',"
                " ?, ?, ?, ?, ['Hoja1'], NULL, NULL, ?)",
                [import_id, plan_id, name, f"sha-{import_id}", at, added, updated, r_added,
                 r_changed, json.dumps({"Entidad": "prueba"})])
        _insert_activities(con)
        con.executemany("INSERT INTO activity_office VALUES (?, ?, ?)", OFFICES)
        _insert_readings(con)
        con.executemany("INSERT INTO import_issue VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ISSUES)
        con.executemany("INSERT INTO skipped_row VALUES (?, ?, ?, ?, ?)", SKIPPED)
        con.executemany(
            "INSERT INTO schedule VALUES (?, ?, ?)",
            [(17, date(2024, month, 1), 1.0) for month in (3, 6, 9, 12)])
    return path


_ACTIVITY_SQL = """INSERT INTO activity (activity_id, plan_id, activity_key, seq, code,
    group_name, name, objective, product, indicator, phase, phase_source, phase_raw,
    participation_level, value_groups, instance, start_date, due_date, evidence_means,
    source_sheet, source_row, extra)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def _insert_activities(con) -> None:
    for (aid, seq, code, group, name, phase, source, level, groups,
         due) in SANATORIO_ACTIVITIES:
        instance = ASOCIACION if groups else None
        con.execute(_ACTIVITY_SQL, [
            aid, 1, f"s{seq}", seq, code, group, name, None,
            "Un plan, programa, proyecto o servicio" if groups else None, None, phase, source,
            "Acciones internas previas" if phase == "transversal" else "X", level, groups,
            instance, None, due, None, "Hoja1", 7 + seq, None])
    for aid, seq, code, name, phase, due in CARTAGO_ACTIVITIES:
        con.execute(_ACTIVITY_SQL, [
            aid, 2, f"c{seq}", seq, code, None, name, None, f"Producto {code}",
            f"Número de entregables de la actividad {code}", phase, "inferida", name, None,
            None, None, date(2024, 1, 1), due, "Actas y listados de asistencia",
            "Plan de acción", 14 + seq, json.dumps({"TAREA": name})])


def _insert_readings(con) -> None:
    rows = [_reading_row(aid, 1, cell, 2022, 1, obs) for aid, (cell, obs) in SANATORIO_T1.items()]
    for aid, cells in CARTAGO_READINGS.items():
        for quarter, cell in enumerate(cells, start=1):
            import_id = 2 if quarter <= 2 else 3
            observation = "Sin soporte entregado" if cell == SR else None
            rows.append(_reading_row(aid, quarter, cell, 2024, import_id, observation))
    aid, quarter, value, import_id = CARTAGO_CORRECTION
    corrected = list(_reading_row(aid, quarter, value, 2024, import_id,
                                  "Valor corregido en el seguimiento de diciembre"))
    corrected[11] = "https://cartago.gov.co/participacion/instrumento.pdf"
    rows.append(tuple(corrected))
    con.executemany("INSERT INTO reading VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


@pytest.fixture(scope="session")
def db_path(tmp_path_factory) -> Path:
    """The known database, built once per test session."""
    return build_database(tmp_path_factory.mktemp("db") / "tablero.duckdb")


@pytest.fixture()
def con(db_path):
    """A read-only cursor on the known database, as the dashboard gets it."""
    cursor = store.Database(db_path).cursor()
    yield cursor
    cursor.close()


@pytest.fixture()
def app_env(db_path, monkeypatch):
    """Point the app at the known database (what tests of pages need)."""
    monkeypatch.setenv("TABLERO_DB", str(db_path))
    return db_path


@pytest.fixture(scope="module")
def browser(server):
    """One chromium for a module of browser tests, started after that module's
    ``server`` fixture (each browser test module defines its own server)."""
    from tests.browser_support import launch_chromium

    with launch_chromium() as chromium:
        yield chromium
