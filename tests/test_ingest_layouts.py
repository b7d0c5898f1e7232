"""Plan layouts the importer was not first built against (issue 11), read
without any saved mapping.

Each fixture of ``tests/fixtures/layouts.py`` is read with ``read_plan`` and
every field is compared: activities (row, code, name, group, product,
indicator, phase and whether it was declared or inferred, offices), readings
(period kind and index, cut-off date, state, value rounded to one decimal,
planned, executed), the notes attached to each reading, the role of every
column and the report. The expectations are literals checked by hand against
the tables in the fixture module (the cumulative executed ÷ planned of the
PDM metas is worked out beside them).
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from data_layer.ingest import read_plan
from data_layer.ingest.columns import classify
from tests.fixtures import layouts as L

D = dt.date
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> dict[str, Path]:
    return L.build_all(tmp_path_factory.mktemp("layouts"))


@pytest.fixture(scope="module")
def plan_of(paths):
    cache: dict = {}

    def get(key: str):
        if key not in cache:
            name, _, year = key.partition(":")
            cache[key] = read_plan(paths[name], year=int(year) if year else None)
        return cache[key]
    return get


def _r1(value):
    return None if value is None else round(value, 1)


def acts(plan):
    return [(a.row, a.code, a.name, a.group, a.product, a.indicator, a.phase, a.phase_source,
             [o.canonical for o in a.offices]) for a in plan.activities]


def reads(plan):
    return [[(r.period_kind, r.period_index, r.cutoff, r.state, _r1(r.value), r.planned, r.executed)
             for r in a.readings] for a in plan.activities]


def notes(plan):
    out = {}
    for a in plan.activities:
        found = [(r.period_index, r.observation, r.evidence) for r in a.readings if r.observation or r.evidence]
        if found:
            out[a.row] = found
    return out


def cols(plan):
    return {letter: role.split(" ← ")[0] for sheet in plan.column_map.values() for letter, role in sheet.items()}


def issues(plan):
    return sorted((i.severity, i.code, i.row, i.column) for i in plan.issues)


EXPECTED = {
    "pdm_plan_indicativo.xlsx": dict(
        acts=[
            (8, '4502001', 'Realizar 16 encuentros de presupuesto participativo', 'Fortalecimiento de la participación ciudadana', 'Servicio de promoción a la participación ciudadana', 'Encuentros realizados', 'implementacion', 'inferida', ['Secretaría de Gobierno']) ,
            (9, '4502022', 'Asistir técnicamente a 24 juntas de acción comunal', 'Fortalecimiento de la participación ciudadana', 'Servicio de asistencia técnica a instancias de participación', 'Juntas asistidas', 'sin_clasificar', 'inferida', ['Secretaría de Gobierno']) ,
            (10, '4502038', 'Formar 200 líderes sociales en control social a la gestión pública', 'Fortalecimiento de la participación ciudadana', 'Servicio de educación informal para la participación', 'Líderes formados', 'seguimiento_evaluacion', 'inferida', ['Secretaría de Gobierno']) ,
            (11, '4599031', 'Realizar 4 audiencias públicas de rendición de cuentas', 'Transparencia y rendición de cuentas', 'Servicio de rendición de cuentas', 'Audiencias realizadas', 'implementacion', 'inferida', ['Secretaría de Planeación']) ,
            (12, '4599029', '12 informes de seguimiento al plan de desarrollo publicados', 'Transparencia y rendición de cuentas', 'Documentos de planeación', 'Informes publicados', 'seguimiento_evaluacion', 'inferida', ['Secretaría de Planeación']) ,
            (13, '4599032', 'Actualizar el portal de datos abiertos del municipio', 'Transparencia y rendición de cuentas', 'Servicio de información implementado', 'Portal actualizado', 'implementacion', 'inferida', ['Secretaría de Planeación']) ,
            (14, '4104008', 'Beneficiar a 120 personas con discapacidad con ayudas técnicas', 'Atención integral a la población en situación de discapacidad', 'Servicio de gestión de oferta social', 'Personas beneficiadas', 'sin_clasificar', 'inferida', ['Secretaría de Desarrollo Social']) ,
            (15, '4104020', 'Realizar 8 jornadas de caracterización de la población con discapacidad', 'Atención integral a la población en situación de discapacidad', 'Servicio de atención integral', 'Jornadas realizadas', 'diagnostico', 'inferida', ['Secretaría de Desarrollo Social']) ,
            (16, '4102001', 'Conformar 4 consejos de niños, niñas y adolescentes', 'Desarrollo integral de niños, niñas y adolescentes', 'Servicio de atención a la primera infancia', 'Consejos conformados', 'sin_clasificar', 'inferida', ['Secretaría de Desarrollo Social']) ,
            (17, '4102037', 'Celebrar 4 mesas de participación de niñez y adolescencia', 'Desarrollo integral de niños, niñas y adolescentes', 'Servicio de promoción de derechos', 'Mesas celebradas', 'sin_clasificar', 'inferida', ['Secretaría de Desarrollo Social']) ,
            (18, '4003017', 'Realizar 8 mesas comunitarias con acueductos veredales', 'Acceso de la población a los servicios de agua potable', 'Servicio de apoyo a acueductos veredales', 'Mesas realizadas', 'implementacion', 'inferida', ['Secretaría de Planeación']) ,
            (19, '4003042', 'Capacitar 300 usuarios en uso eficiente del agua', 'Acceso de la población a los servicios de agua potable', 'Servicio de educación informal en agua', 'Usuarios capacitados', 'transversal', 'inferida', ['Secretaría de Desarrollo Social']) ,
        ],
        reads=[
            [('trimestre', 1, D(2025, 3, 31), 'avance', 100.0, 1.0, 1.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 3, D(2025, 9, 30), 'avance', 66.7, 1.0, 0.0)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 100.0, 2.0, 2.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 75.0, 2.0, 1.0), ('trimestre', 3, D(2025, 9, 30), 'avance', 100.0, 2.0, 3.0)] ,
            [('trimestre', 1, D(2025, 3, 31), 'no_programada', None, 0.0, 0.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 40.0, 50.0, 20.0), ('trimestre', 3, D(2025, 9, 30), 'avance', 40.0, 0.0, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'no_programada', None, 0.0, 0.0), ('trimestre', 2, D(2025, 6, 30), 'no_programada', None, 0.0, 0.0), ('trimestre', 3, D(2025, 9, 30), 'no_programada', None, 0.0, 0.0)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 100.0, 1.0, 1.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 3, D(2025, 9, 30), 'avance', 100.0, 1.0, 1.0)] ,
            [('trimestre', 1, D(2025, 3, 31), 'no_programada', None, 0.0, None), ('trimestre', 2, D(2025, 6, 30), 'no_programada', None, 0.0, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 0.0, 1.0, 0.0)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 100.0, 10.0, 12.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 100.0, 10.0, 8.0), ('trimestre', 3, D(2025, 9, 30), 'avance', 100.0, 10.0, 10.0)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 100.0, 1.0, 1.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 50.0, 1.0, 0.0), ('trimestre', 3, D(2025, 9, 30), 'avance', 50.0, 0.0, 0.0)] ,
            [('trimestre', 1, D(2025, 3, 31), 'no_programada', None, 0.0, 0.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 3, D(2025, 9, 30), 'avance', 100.0, 0.0, 0.0)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 0.0, 1.0, 0.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 50.0, 1.0, 1.0), ('trimestre', 3, D(2025, 9, 30), 'avance', 66.7, 1.0, 1.0)] ,
            [('trimestre', 1, D(2025, 3, 31), 'no_programada', None, 0.0, 0.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 100.0, 2.0, 2.0), ('trimestre', 3, D(2025, 9, 30), 'avance', 75.0, 2.0, 1.0)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 40.0, 100.0, 40.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 70.0, 100.0, 100.0), ('trimestre', 3, D(2025, 9, 30), 'sin_reporte', None, 100.0, None)] ,
        ],
        notes={
        },
        cols={'A': 'extra', 'B': 'group', 'C': 'code', 'D': 'product', 'E': 'name', 'F': 'indicator', 'G': 'extra', 'H': 'extra', 'I': 'office', 'J': 'planned:trimestre:1:2024', 'K': 'executed:trimestre:1:2024', 'L': 'planned:trimestre:2:2024', 'M': 'executed:trimestre:2:2024', 'N': 'planned:trimestre:3:2024', 'O': 'executed:trimestre:3:2024', 'P': 'planned:trimestre:4:2024', 'Q': 'executed:trimestre:4:2024', 'R': 'planned:trimestre:1:2025', 'S': 'executed:trimestre:1:2025', 'T': 'planned:trimestre:2:2025', 'U': 'executed:trimestre:2:2025', 'V': 'planned:trimestre:3:2025', 'W': 'executed:trimestre:3:2025', 'X': 'planned:trimestre:4:2025', 'Y': 'executed:trimestre:4:2025', 'Z': 'planned:trimestre:1:2026', 'AA': 'executed:trimestre:1:2026', 'AB': 'planned:trimestre:2:2026', 'AC': 'executed:trimestre:2:2026', 'AD': 'planned:trimestre:3:2026', 'AE': 'executed:trimestre:3:2026', 'AF': 'planned:trimestre:4:2026', 'AG': 'executed:trimestre:4:2026', 'AH': 'planned:trimestre:1:2027', 'AI': 'executed:trimestre:1:2027', 'AJ': 'planned:trimestre:2:2027', 'AK': 'executed:trimestre:2:2027', 'AL': 'planned:trimestre:3:2027', 'AM': 'executed:trimestre:3:2027', 'AN': 'planned:trimestre:4:2027', 'AO': 'executed:trimestre:4:2027'},
        issues=[('info', 'hoja_sin_tabla', None, None), ('info', 'otros_anos', 5, None), ('info', 'vigencia_por_columnas', None, None)],
    ),
    "pdm_plan_indicativo.xlsx:2024": dict(
        acts=None,  # the same metas as in 2025: set below
        reads=[
            [('trimestre', 1, D(2024, 3, 31), 'avance', 100.0, 1.0, 1.0), ('trimestre', 2, D(2024, 6, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 3, D(2024, 9, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 4, D(2024, 12, 31), 'avance', 100.0, 1.0, 1.0)] ,
            [('trimestre', 1, D(2024, 3, 31), 'avance', 100.0, 2.0, 2.0), ('trimestre', 2, D(2024, 6, 30), 'avance', 100.0, 2.0, 2.0), ('trimestre', 3, D(2024, 9, 30), 'avance', 100.0, 2.0, 2.0), ('trimestre', 4, D(2024, 12, 31), 'avance', 87.5, 2.0, 1.0)] ,
            [('trimestre', 1, D(2024, 3, 31), 'no_programada', None, 0.0, 0.0), ('trimestre', 2, D(2024, 6, 30), 'avance', 100.0, 25.0, 25.0), ('trimestre', 3, D(2024, 9, 30), 'avance', 100.0, 0.0, 0.0), ('trimestre', 4, D(2024, 12, 31), 'avance', 90.0, 25.0, 20.0)] ,
            [('trimestre', 1, D(2024, 3, 31), 'no_programada', None, 0.0, 0.0), ('trimestre', 2, D(2024, 6, 30), 'no_programada', None, 0.0, 0.0), ('trimestre', 3, D(2024, 9, 30), 'no_programada', None, 0.0, 0.0), ('trimestre', 4, D(2024, 12, 31), 'avance', 100.0, 1.0, 1.0)] ,
            [('trimestre', 1, D(2024, 3, 31), 'avance', 100.0, 1.0, 1.0), ('trimestre', 2, D(2024, 6, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 3, D(2024, 9, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 4, D(2024, 12, 31), 'avance', 100.0, 0.0, 0.0)] ,
            [('trimestre', 1, D(2024, 3, 31), 'no_programada', None, 0.0, 0.0), ('trimestre', 2, D(2024, 6, 30), 'no_programada', None, 0.0, 0.0), ('trimestre', 3, D(2024, 9, 30), 'no_programada', None, 0.0, 0.0), ('trimestre', 4, D(2024, 12, 31), 'no_programada', None, 0.0, 0.0)] ,
            [('trimestre', 1, D(2024, 3, 31), 'avance', 100.0, 10.0, 10.0), ('trimestre', 2, D(2024, 6, 30), 'avance', 100.0, 10.0, 10.0), ('trimestre', 3, D(2024, 9, 30), 'avance', 83.3, 10.0, 5.0), ('trimestre', 4, D(2024, 12, 31), 'avance', 87.5, 10.0, 10.0)] ,
            [('trimestre', 1, D(2024, 3, 31), 'avance', 100.0, 1.0, 1.0), ('trimestre', 2, D(2024, 6, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 3, D(2024, 9, 30), 'avance', 100.0, 0.0, 0.0), ('trimestre', 4, D(2024, 12, 31), 'avance', 100.0, 0.0, 0.0)] ,
            [('trimestre', 1, D(2024, 3, 31), 'no_programada', None, 0.0, 0.0), ('trimestre', 2, D(2024, 6, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 3, D(2024, 9, 30), 'avance', 100.0, 0.0, 0.0), ('trimestre', 4, D(2024, 12, 31), 'avance', 100.0, 0.0, 0.0)] ,
            [('trimestre', 1, D(2024, 3, 31), 'avance', 100.0, 1.0, 1.0), ('trimestre', 2, D(2024, 6, 30), 'avance', 100.0, 0.0, 0.0), ('trimestre', 3, D(2024, 9, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 4, D(2024, 12, 31), 'avance', 100.0, 0.0, 0.0)] ,
            [('trimestre', 1, D(2024, 3, 31), 'no_programada', None, 0.0, 0.0), ('trimestre', 2, D(2024, 6, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 3, D(2024, 9, 30), 'avance', 50.0, 1.0, 0.0), ('trimestre', 4, D(2024, 12, 31), 'avance', 50.0, 0.0, 0.0)] ,
            [('trimestre', 1, D(2024, 3, 31), 'no_programada', None, 0.0, 0.0), ('trimestre', 2, D(2024, 6, 30), 'avance', 100.0, 50.0, 50.0), ('trimestre', 3, D(2024, 9, 30), 'avance', 100.0, 0.0, 0.0), ('trimestre', 4, D(2024, 12, 31), 'avance', 80.0, 50.0, 30.0)] ,
        ],
        notes={
        },
        cols={'A': 'extra', 'B': 'group', 'C': 'code', 'D': 'product', 'E': 'name', 'F': 'indicator', 'G': 'extra', 'H': 'extra', 'I': 'office', 'J': 'planned:trimestre:1:2024', 'K': 'executed:trimestre:1:2024', 'L': 'planned:trimestre:2:2024', 'M': 'executed:trimestre:2:2024', 'N': 'planned:trimestre:3:2024', 'O': 'executed:trimestre:3:2024', 'P': 'planned:trimestre:4:2024', 'Q': 'executed:trimestre:4:2024', 'R': 'planned:trimestre:1:2025', 'S': 'executed:trimestre:1:2025', 'T': 'planned:trimestre:2:2025', 'U': 'executed:trimestre:2:2025', 'V': 'planned:trimestre:3:2025', 'W': 'executed:trimestre:3:2025', 'X': 'planned:trimestre:4:2025', 'Y': 'executed:trimestre:4:2025', 'Z': 'planned:trimestre:1:2026', 'AA': 'executed:trimestre:1:2026', 'AB': 'planned:trimestre:2:2026', 'AC': 'executed:trimestre:2:2026', 'AD': 'planned:trimestre:3:2026', 'AE': 'executed:trimestre:3:2026', 'AF': 'planned:trimestre:4:2026', 'AG': 'executed:trimestre:4:2026', 'AH': 'planned:trimestre:1:2027', 'AI': 'executed:trimestre:1:2027', 'AJ': 'planned:trimestre:2:2027', 'AK': 'executed:trimestre:2:2027', 'AL': 'planned:trimestre:3:2027', 'AM': 'executed:trimestre:3:2027', 'AN': 'planned:trimestre:4:2027', 'AO': 'executed:trimestre:4:2027'},
        issues=[('info', 'hoja_sin_tabla', None, None), ('info', 'otros_anos', 5, None)],
    ),
    "pdm_anual.xlsx": dict(
        acts=[
            (6, None, 'Realizar 8 asambleas comunitarias', 'Participación ciudadana', None, 'Asambleas realizadas', 'implementacion', 'inferida', ['Secretaría de Gobierno']) ,
            (7, None, 'Fortalecer 20 juntas de acción comunal', 'Participación ciudadana', None, 'Juntas fortalecidas', 'sin_clasificar', 'inferida', ['Secretaría de Gobierno']) ,
            (8, None, 'Publicar 4 informes de rendición de cuentas', 'Transparencia', None, 'Informes publicados', 'transversal', 'inferida', ['Secretaría de Planeación']) ,
        ],
        reads=[
            [('anual', 1, D(2025, 12, 31), 'avance', 50.0, 2.0, 1.0)] ,
            [('anual', 1, D(2025, 12, 31), 'avance', 100.0, 5.0, 5.0)] ,
            [('anual', 1, D(2025, 12, 31), 'no_programada', None, 0.0, None)] ,
        ],
        notes={
        },
        cols={'A': 'group', 'B': 'name', 'C': 'indicator', 'D': 'office', 'E': 'planned:anual:1:2024', 'F': 'executed:anual:1:2024', 'G': 'planned:anual:1:2025', 'H': 'executed:anual:1:2025', 'I': 'planned:anual:1:2026', 'J': 'executed:anual:1:2026', 'K': 'planned:anual:1:2027', 'L': 'executed:anual:1:2027'},
        issues=[('info', 'otros_anos', 4, None)],
    ),
    "seguimiento_romano.xlsx": dict(
        acts=[
            (6, '1', 'Caracterizar a los usuarios y a la Asociación de Usuarios del hospital', None, None, None, 'diagnostico', 'declarada', ['Oficina de Atención al Usuario']) ,
            (7, '2', 'Construir con la Asociación de Usuarios el plan de trabajo anual', None, None, None, 'formulacion', 'declarada', ['Subgerencia Científica']) ,
            (8, '3', 'Realizar la audiencia pública de rendición de cuentas', None, None, None, 'implementacion', 'inferida', ['Gerencia', 'Oficina de Planeación']) ,
            (9, '4', 'Realizar jornadas de salud en las veredas con el comité de participación', None, None, None, 'implementacion', 'declarada', ['Subgerencia Científica']) ,
            (10, '5', 'Evaluar la satisfacción de los usuarios con encuestas trimestrales', None, None, None, 'implementacion', 'declarada', ['Oficina de Atención al Usuario']) ,
            (11, '6', 'Presentar al comité de ética los resultados del plan', None, None, None, 'seguimiento_evaluacion', 'declarada', ['Oficina de Control Interno']) ,
        ],
        reads=[
            [('trimestre', 1, D(2025, 3, 31), 'avance', 100.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'sin_reporte', None, None, None), ('trimestre', 3, D(2025, 9, 30), 'sin_reporte', None, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 50.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 100.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'sin_reporte', None, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'no_programada', None, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 80.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 100.0, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 25.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 50.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 75.0, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 25.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 50.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'sin_reporte', None, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'no_programada', None, None, None), ('trimestre', 2, D(2025, 6, 30), 'no_programada', None, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 30.0, None, None)] ,
        ],
        notes={
            6 : [(1, 'Caracterización publicada', None)] ,
            7 : [(1, 'Primera mesa realizada', None), (2, 'Plan aprobado en acta 03', None)] ,
            8 : [(2, 'Falta publicar el informe', None)] ,
            9 : [(3, 'Dos jornadas por lluvias', None)] ,
            10 : [(3, 'Sin reporte del trimestre', None)] ,
        },
        cols={'A': 'code', 'B': 'phase', 'C': 'name', 'D': 'value_groups', 'E': 'office', 'F': 'start_date', 'G': 'due_date', 'H': 'progress:trimestre:1', 'I': 'observation:trimestre:1', 'J': 'progress:trimestre:2', 'K': 'observation:trimestre:2', 'L': 'progress:trimestre:3', 'M': 'observation:trimestre:3', 'N': 'progress:trimestre:4', 'O': 'observation:trimestre:4'},
        issues=[('aviso', 'fase_desconocida', 8, 'B')],
    ),
    "avance_trim.xlsx": dict(
        acts=[
            (6, '1', 'Publicar el plan de participación para comentarios de la ciudadanía', None, 'Plan publicado en la página web', None, 'transversal', 'inferida', ['Oficina Asesora de Planeación']) ,
            (7, '2', 'Realizar cabildos abiertos en las veredas sobre el presupuesto', None, 'Cuatro cabildos realizados', None, 'implementacion', 'inferida', ['Secretaría de Gobierno']) ,
            (8, '3', 'Convocar al Consejo Territorial de Planeación', None, 'Dos sesiones del consejo', None, 'implementacion', 'inferida', ['Oficina Asesora de Planeación']) ,
            (9, '4', 'Capacitar a las juntas de acción comunal en control social', None, 'Tres capacitaciones', None, 'transversal', 'inferida', ['Secretaría de Gobierno', 'Secretaría de Desarrollo Social']) ,
            (10, '5', 'Diagnosticar las necesidades de participación de los jóvenes', None, 'Documento de diagnóstico', None, 'diagnostico', 'inferida', ['Secretaría de Desarrollo Social']) ,
        ],
        reads=[
            [('trimestre', 1, D(2025, 3, 31), 'avance', 100.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 100.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'sin_reporte', None, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 25.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 50.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 75.0, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 0.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 50.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'no_programada', None, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'sin_reporte', None, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 33.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 66.0, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'no_programada', None, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 100.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 100.0, None, None)] ,
        ],
        notes={
        },
        cols={'A': 'code', 'B': 'name', 'C': 'product', 'D': 'office', 'E': 'due_date', 'F': 'progress:trimestre:1', 'G': 'progress:trimestre:2', 'H': 'progress:trimestre:3', 'I': 'progress:trimestre:4'},
        issues=[],
    ),
    "avance_meses.xlsx": dict(
        acts=[
            (5, '1', 'Socializar el plan de desarrollo departamental en las provincias', None, None, None, 'transversal', 'inferida', ['Secretaría de Planeación']) ,
            (6, '2', 'Realizar la rendición de cuentas del sector salud', None, None, None, 'implementacion', 'inferida', ['Secretaría de Salud']) ,
            (7, '3', 'Acompañar a los consejos municipales de juventud', None, None, None, 'sin_clasificar', 'inferida', ['Secretaría de Integración Social']) ,
            (8, '4', 'Evaluar con la ciudadanía los resultados de la estrategia', None, None, None, 'seguimiento_evaluacion', 'inferida', ['Oficina de Control Interno']) ,
        ],
        reads=[
            [('trimestre', 1, D(2025, 3, 31), 'avance', 30.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 60.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 90.0, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 0.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 0.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 100.0, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 10.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'sin_reporte', None, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 20.0, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'no_programada', None, None, None), ('trimestre', 2, D(2025, 6, 30), 'no_programada', None, None, None), ('trimestre', 3, D(2025, 9, 30), 'no_programada', None, None, None)] ,
        ],
        notes={
            5 : [(3, 'Faltan dos provincias', None)] ,
            8 : [(3, 'Se evalúa en el cuarto trimestre', None)] ,
        },
        cols={'A': 'code', 'B': 'name', 'C': 'office', 'D': 'progress:trimestre:1', 'E': 'progress:trimestre:2', 'F': 'progress:trimestre:3', 'G': 'progress:trimestre:4', 'H': 'observation'},
        issues=[],
    ),
    "avance_cuatrimestres.xlsx": dict(
        acts=[
            (5, 'PC-1', 'Realizar el encuentro de veedurías ciudadanas', None, None, None, 'implementacion', 'inferida', ['Secretaría de Gobierno']) ,
            (6, 'PC-2', 'Publicar el informe de peticiones, quejas y reclamos', None, None, None, 'transversal', 'inferida', ['Secretaría General']) ,
            (7, 'PC-3', 'Formular el plan de acción con el Consejo de Juventud', None, None, None, 'formulacion', 'inferida', ['Secretaría de Desarrollo Social']) ,
        ],
        reads=[
            [('cuatrimestre', 1, D(2025, 4, 30), 'avance', 40.0, None, None), ('cuatrimestre', 2, D(2025, 8, 31), 'avance', 80.0, None, None)] ,
            [('cuatrimestre', 1, D(2025, 4, 30), 'avance', 33.0, None, None), ('cuatrimestre', 2, D(2025, 8, 31), 'avance', 66.0, None, None)] ,
            [('cuatrimestre', 1, D(2025, 4, 30), 'no_programada', None, None, None), ('cuatrimestre', 2, D(2025, 8, 31), 'avance', 100.0, None, None)] ,
        ],
        notes={
        },
        cols={'A': 'code', 'B': 'name', 'C': 'office', 'D': 'progress:cuatrimestre:1', 'E': 'progress:cuatrimestre:2', 'F': 'progress:cuatrimestre:3'},
        issues=[],
    ),
    "semestral.xlsx": dict(
        acts=[
            (6, '1', 'Realizar juegos comunales con las juntas de acción comunal', None, None, None, 'implementacion', 'inferida', ['Subgerencia de Fomento Deportivo']) ,
            (7, '2', 'Consultar a los clubes deportivos el calendario de eventos', None, None, None, 'sin_clasificar', 'inferida', ['Subgerencia de Fomento Deportivo']) ,
            (8, '3', 'Rendir cuentas sobre los escenarios deportivos', None, None, None, 'sin_clasificar', 'inferida', ['Oficina de Planeación']) ,
        ],
        reads=[
            [('semestre', 1, D(2025, 6, 30), 'avance', 75.0, 4.0, 3.0)] ,
            [('semestre', 1, D(2025, 6, 30), 'avance', 100.0, 1.0, 1.0)] ,
            [('semestre', 1, D(2025, 6, 30), 'no_programada', None, 0.0, None)] ,
        ],
        notes={
            6 : [(1, None, 'Planillas de inscripción')] ,
            7 : [(1, None, 'Encuesta publicada')] ,
        },
        cols={'A': 'code', 'B': 'name', 'C': 'office', 'D': 'planned:semestre:1', 'E': 'executed:semestre:1', 'F': 'evidence:semestre:1', 'G': 'planned:semestre:2', 'H': 'executed:semestre:2', 'I': 'evidence:semestre:2'},
        issues=[],
    ),
    "paac_oci.xlsx": dict(
        acts=[
            (7, None, 'Publicar el informe de gestión de la vigencia anterior', 'Componente 3: Rendición de cuentas', 'Informe publicado', None, 'transversal', 'inferida', ['Oficina de Planeación']) ,
            (8, None, 'Realizar la audiencia pública de rendición de cuentas', 'Componente 3: Rendición de cuentas', 'Audiencia realizada', None, 'implementacion', 'inferida', ['Gerencia']) ,
            (9, None, 'Evaluar la estrategia de rendición de cuentas', 'Componente 3: Rendición de cuentas', 'Evaluación publicada', None, 'seguimiento_evaluacion', 'inferida', ['Oficina de Control Interno']) ,
            (10, None, 'Capacitar a los servidores en lenguaje claro', 'Componente 4: Atención al ciudadano', 'Dos capacitaciones', None, 'transversal', 'inferida', ['Dirección Administrativa']) ,
            (11, None, 'Medir la satisfacción de los usuarios del servicio de acueducto', 'Componente 4: Atención al ciudadano', 'Encuesta aplicada', None, 'seguimiento_evaluacion', 'inferida', ['Dirección Comercial']) ,
        ],
        reads=[
            [('cuatrimestre', 1, D(2025, 4, 30), 'avance', 100.0, None, None), ('cuatrimestre', 2, D(2025, 8, 31), 'avance', 100.0, None, None)] ,
            [('cuatrimestre', 1, D(2025, 4, 30), 'avance', 20.0, None, None), ('cuatrimestre', 2, D(2025, 8, 31), 'avance', 50.0, None, None)] ,
            [('cuatrimestre', 1, D(2025, 4, 30), 'no_programada', None, None, None), ('cuatrimestre', 2, D(2025, 8, 31), 'no_programada', None, None, None)] ,
            [('cuatrimestre', 1, D(2025, 4, 30), 'avance', 50.0, None, None), ('cuatrimestre', 2, D(2025, 8, 31), 'sin_reporte', None, None, None)] ,
            [('cuatrimestre', 1, D(2025, 4, 30), 'avance', 0.0, None, None), ('cuatrimestre', 2, D(2025, 8, 31), 'avance', 40.0, None, None)] ,
        ],
        notes={
            7 : [(1, 'Informe publicado el 28/03/2025', None)] ,
            8 : [(1, 'Convocatoria en preparación', None), (2, 'Fecha fijada para noviembre\nSe pide publicar la convocatoria', None)] ,
            9 : [(1, 'Actividad del último cuatrimestre', None)] ,
            10 : [(1, 'Primera capacitación', None), (2, 'Sin evidencia de la segunda', None)] ,
            11 : [(2, 'Encuesta diseñada', None)] ,
        },
        cols={'A': 'group', 'B': 'extra', 'C': 'name', 'D': 'product', 'E': 'office', 'F': 'due_date', 'G': 'extra', 'H': 'observation:cuatrimestre:1', 'I': 'progress:cuatrimestre:1', 'J': 'observation:cuatrimestre:1', 'K': 'extra', 'L': 'observation:cuatrimestre:2', 'M': 'progress:cuatrimestre:2', 'N': 'observation:cuatrimestre:2', 'O': 'extra', 'P': 'observation:cuatrimestre:3', 'Q': 'progress:cuatrimestre:3', 'R': 'observation:cuatrimestre:3'},
        issues=[],
    ),
    "furag_plan_accion.xlsx": dict(
        acts=[
            (6, None, 'Realizar 2 ejercicios de innovación abierta con la ciudadanía', None, None, 'Ejercicios realizados', 'implementacion', 'inferida', ['Secretaría de Planeación']) ,
            (7, None, 'Divulgar 3 trámites racionalizados a la ciudadanía', None, None, 'Trámites divulgados', 'transversal', 'inferida', ['Secretaría General']) ,
            (8, None, 'Evaluar el cumplimiento del plan de participación ciudadana', None, None, 'Informes de evaluación', 'seguimiento_evaluacion', 'inferida', ['Oficina de Control Interno']) ,
            (9, None, 'Publicar 12 boletines de gestión en la página web', None, None, 'Boletines publicados', 'transversal', 'inferida', ['Oficina de Comunicaciones']) ,
        ],
        reads=[
            [('trimestre', 1, D(2025, 3, 31), 'avance', 0.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 50.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 50.0, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 33.3, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 100.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'no_programada', None, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'no_programada', None, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 30.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 60.0, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 25.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 50.0, None, None), ('trimestre', 3, D(2025, 9, 30), 'avance', 75.0, None, None)] ,
        ],
        notes={
            6 : [(3, 'El segundo ejercicio va en noviembre', None)] ,
        },
        cols={'A': 'extra', 'B': 'extra', 'C': 'name', 'D': 'indicator', 'E': 'office', 'F': 'start_date', 'G': 'due_date', 'H': 'progress:trimestre:1', 'I': 'progress:trimestre:2', 'J': 'progress:trimestre:3', 'K': 'progress:trimestre:4', 'L': 'observation'},
        issues=[],
    ),
    "erp_plan_accion.csv": dict(
        acts=[
            (2, 'PA-2025-001', 'Realizar asambleas comunales de presupuesto participativo', None, '6 asambleas', None, 'implementacion', 'inferida', ['Secretaría de Gobierno']) ,
            (3, 'PA-2025-002', 'Publicar datos abiertos del plan de desarrollo', None, '4 conjuntos de datos', None, 'transversal', 'inferida', ['Secretaría de Planeación']) ,
            (4, 'PA-2025-003', 'Evaluar la rendición de cuentas de la vigencia', None, '1 informe', None, 'seguimiento_evaluacion', 'inferida', ['Oficina de Control Interno']) ,
            (5, 'PA-2025-004', 'Formar veedores ciudadanos en control social', None, '1,5 cursos', None, 'seguimiento_evaluacion', 'inferida', ['Secretaría de Gobierno']) ,
        ],
        reads=[
            [('trimestre', 1, D(2025, 3, 31), 'avance', 100.0, 2.0, 2.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 75.0, 2.0, 1.0), ('trimestre', 3, D(2025, 9, 30), 'sin_reporte', None, 2.0, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 100.0, 1.0, 1.0), ('trimestre', 2, D(2025, 6, 30), 'avance', 100.0, 1.0, 1.0), ('trimestre', 3, D(2025, 9, 30), 'avance', 100.0, 1.0, 1.0)] ,
            [('trimestre', 1, D(2025, 3, 31), 'no_programada', None, 0.0, None), ('trimestre', 2, D(2025, 6, 30), 'no_programada', None, 0.0, None), ('trimestre', 3, D(2025, 9, 30), 'no_programada', None, 0.0, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 100.0, 0.5, 0.5), ('trimestre', 2, D(2025, 6, 30), 'avance', 75.0, 0.5, 0.25), ('trimestre', 3, D(2025, 9, 30), 'avance', 83.3, 0.5, 0.5)] ,
        ],
        notes={
        },
        cols={'A': 'extra', 'B': 'office', 'C': 'code', 'D': 'name', 'E': 'product', 'F': 'extra', 'G': 'start_date', 'H': 'due_date', 'I': 'planned:trimestre:1', 'J': 'executed:trimestre:1', 'K': 'planned:trimestre:2', 'L': 'executed:trimestre:2', 'M': 'planned:trimestre:3', 'N': 'executed:trimestre:3', 'O': 'planned:trimestre:4', 'P': 'executed:trimestre:4'},
        issues=[('aviso', 'sin_entidad', None, None)],
    ),
    "seguimiento_numerado.xlsx": dict(
        acts=[
            (5, None, 'Diagnosticar los espacios de participación existentes', None, None, None, 'diagnostico', 'inferida', ['Secretaría de Gobierno']) ,
            (6, None, 'Capacitar a los líderes comunales en presupuestos participativos', None, None, None, 'transversal', 'inferida', ['Secretaría de Hacienda']) ,
            (7, None, 'Realizar la feria de servicios en la zona rural', None, None, None, 'implementacion', 'inferida', ['Secretaría de Desarrollo Social']) ,
        ],
        reads=[
            [('trimestre', 1, D(2025, 3, 31), 'avance', 100.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'sin_reporte', None, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 50.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 100.0, None, None)] ,
            [('trimestre', 1, D(2025, 3, 31), 'avance', 0.0, None, None), ('trimestre', 2, D(2025, 6, 30), 'avance', 40.0, None, None)] ,
        ],
        notes={
        },
        cols={'A': 'name', 'B': 'office', 'C': 'progress:trimestre:1', 'D': 'progress:trimestre:2', 'E': 'progress:trimestre:3', 'F': 'progress:trimestre:4'},
        issues=[],
    ),
}
# «Seguimiento» holds figures: kept as it is, no phase is declared from it, and the
# file-level warning says a progress-looking column was not read.
EXPECTED["seguimiento_cifras.xlsx"] = dict(
    acts=[
        (5, None, "Caracterizar a los grupos de valor del municipio", None, None, None, "diagnostico",
         "inferida", ["Secretaría de Gobierno"]),
        (6, None, "Realizar los cabildos de presupuesto participativo", None, None, None, "implementacion",
         "inferida", ["Secretaría de Hacienda"]),
        (7, None, "Capacitar a los veedores ciudadanos", None, None, None, "transversal", "inferida",
         ["Personería Municipal"]),
    ],
    reads=[[], [], []],
    notes={},
    cols={"A": "name", "B": "office", "C": "due_date", "D": "extra", "E": "observation"},
    issues=[("aviso", "avance_sin_leer", None, None)],
)
EXPECTED["pdm_plan_indicativo.xlsx:2024"]["acts"] = EXPECTED["pdm_plan_indicativo.xlsx"]["acts"]
# The title block says «Seguimiento a la vigencia 2024»: the same reading as year=2024.
EXPECTED["pdm_vigencia_2024.xlsx"] = EXPECTED["pdm_plan_indicativo.xlsx:2024"]

# Plan-level reading: (year, entity, title, layout, sheets read).
PLANS = {
    "pdm_plan_indicativo.xlsx": (2025, "Alcaldía Municipal de Guatavita", "PLAN INDICATIVO 2024-2027",
                                 "xlsx; encabezado de 3 fila(s); programado vs. ejecutado; seguimiento trimestral",
                                 [L.PDM_SHEET]),
    "pdm_plan_indicativo.xlsx:2024": (2024, "Alcaldía Municipal de Guatavita", "PLAN INDICATIVO 2024-2027",
                                      "xlsx; encabezado de 3 fila(s); programado vs. ejecutado; "
                                      "seguimiento trimestral", [L.PDM_SHEET]),
    "pdm_vigencia_2024.xlsx": (2024, "Alcaldía Municipal de Guatavita", "PLAN INDICATIVO 2024-2027",
                               "xlsx; encabezado de 3 fila(s); programado vs. ejecutado; seguimiento trimestral",
                               [L.PDM_SHEET]),
    "pdm_anual.xlsx": (2025, "Municipio de Suesca", L.PDM_ANUAL_TITLE[1],
                       "xlsx; encabezado de 2 fila(s); programado vs. ejecutado; seguimiento anual",
                       [L.PDM_ANUAL_SHEET]),
    "seguimiento_romano.xlsx": (2025, "E.s.e. Hospital San Rafael de Facatativá", L.ROMAN_TITLE[1],
                                "xlsx; encabezado de 2 fila(s); columna de fase; seguimiento trimestral",
                                [L.ROMAN_SHEET]),
    "avance_trim.xlsx": (2025, "Alcaldía de Sopó", L.TRIM_TITLE[1],
                         "xlsx; encabezado de 1 fila(s); seguimiento trimestral", [L.TRIM_SHEET]),
    "avance_meses.xlsx": (2025, "Gobernación de Boyacá", L.MONTHS_TITLE[1],
                          "xlsx; encabezado de 1 fila(s); seguimiento trimestral", [L.MONTHS_SHEET]),
    "avance_cuatrimestres.xlsx": (2025, "Municipio de Chía", L.CUATRI_MONTHS_TITLE[1],
                                  "xlsx; encabezado de 1 fila(s); seguimiento cuatrimestral",
                                  [L.CUATRI_MONTHS_SHEET]),
    "semestral.xlsx": (2025, "Instituto de Deportes de Cundinamarca", L.SEMESTER_TITLE[1],
                       "xlsx; encabezado de 2 fila(s); programado vs. ejecutado; seguimiento semestral",
                       [L.SEMESTER_SHEET]),
    "paac_oci.xlsx": (2025, "Empresa de Servicios Públicos de Cajicá S.A. E.S.P", L.PAAC_TITLE[1],
                      "xlsx; encabezado de 2 fila(s); seguimiento cuatrimestral", [L.PAAC_SHEET]),
    "furag_plan_accion.xlsx": (2025, "Alcaldía de Tenjo", L.FURAG_TITLE[2],
                               "xlsx; encabezado de 1 fila(s); seguimiento trimestral", [L.FURAG_SHEET]),
    "erp_plan_accion.csv": (2025, None, None,
                            "csv; encabezado de 1 fila(s); programado vs. ejecutado; seguimiento trimestral",
                            ["erp_plan_accion"]),
    "seguimiento_cifras.xlsx": (2025, "Alcaldía de Tabio", L.FIGURES_TITLE[1],
                                "xlsx; encabezado de 1 fila(s); seguimiento sin columnas", [L.FIGURES_SHEET]),
    "seguimiento_numerado.xlsx": (2025, "Alcaldía de Cota", L.NUMBERED_TITLE[1],
                                  "xlsx; encabezado de 1 fila(s); seguimiento trimestral", [L.NUMBERED_SHEET]),
}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_plan(plan_of, key):
    plan = plan_of(key)
    year, entity, title, layout, sheets = PLANS[key]
    assert (plan.year, plan.entity, plan.title, plan.layout, plan.sheets) == (year, entity, title, layout, sheets)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_activities(plan_of, key):
    assert acts(plan_of(key)) == EXPECTED[key]["acts"]


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_readings(plan_of, key):
    assert reads(plan_of(key)) == EXPECTED[key]["reads"]


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_notes(plan_of, key):
    assert notes(plan_of(key)) == EXPECTED[key]["notes"]


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_columns(plan_of, key):
    assert cols(plan_of(key)) == EXPECTED[key]["cols"]


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_report(plan_of, key):
    assert issues(plan_of(key)) == EXPECTED[key]["issues"]


# --------------------------------------------------------------------------
# PDM plan indicativo: one vigencia read, the other years listed, not dropped
# --------------------------------------------------------------------------

def test_pdm_vigencia_from_latest_executed_year_is_said(plan_of):
    plan = plan_of("pdm_plan_indicativo.xlsx")
    said = [i.message for i in plan.issues if i.code == "vigencia_por_columnas"]
    assert said == ["El plan tiene columnas de seguimiento de varios años (2024, 2025, 2026, 2027) y no "
                    "dice la vigencia: se leyó 2025, el último año con valores ejecutados. Para leer otro "
                    "año, indíquelo al importar (--vigencia)."]
    other = [i.message for i in plan.issues if i.code == "otros_anos"]
    assert other == ["Se leyó el avance de la vigencia 2025; las columnas de 2024 (J–Q), 2026 (Z–AG), "
                     "2027 (AH–AO) no se leyeron como avance: se guardaron tal cual con cada fila, como "
                     "datos adicionales."]


def test_pdm_other_years_kept_in_extra(plan_of):
    first = plan_of("pdm_plan_indicativo.xlsx").activities[0]
    assert first.extra == {
        "Sector": "Gobierno territorial", "Línea base": "0", "Meta cuatrienio": "16",
        **{f"2024 / T{q} / {kind}": "1" for q in range(1, 5) for kind in ("Programado", "Ejecutado")},
        **{f"{year} / T{q} / Programado": str(q % 2 == 0 and 1 or 0) for year in (2026, 2027)
           for q in range(1, 5)},
        **{f"{year} / T{q} / Ejecutado": "0" for year in (2026, 2027) for q in range(1, 5)},
    }
    overridden = plan_of("pdm_plan_indicativo.xlsx:2024").activities[0]
    assert overridden.extra["2025 / T3 / Ejecutado"] == "0"
    assert "2024 / T1 / Programado" not in overridden.extra


def test_pdm_one_pair_per_year(plan_of):
    plan = plan_of("pdm_anual.xlsx")
    assert [i.message for i in plan.issues] == [
        "Se leyó el avance de la vigencia 2025; las columnas de 2024 (E–F), 2026 (I–J), 2027 (K–L) no se "
        "leyeron como avance: se guardaron tal cual con cada fila, como datos adicionales."]
    assert plan.activities[2].extra == {"2024 / Programado": "1", "2024 / Ejecutado": "1",
                                        "2026 / Programado": "1", "2027 / Programado": "2"}
    assert plan.activities[0].readings[0].period_label == "Anual"


def test_furag_mipg_columns_kept_not_phases(plan_of):
    plan = plan_of("furag_plan_accion.xlsx")
    assert [a.extra for a in plan.activities] == [
        {"Dimensión MIPG": row[0], "Política de gestión y desempeño": row[1]} for row in L.FURAG_ROWS]


def test_figures_under_a_phase_word_are_kept(plan_of):
    plan = plan_of("seguimiento_cifras.xlsx")
    assert [a.extra for a in plan.activities] == [
        {"Seguimiento": "100", "Observaciones": "Publicada"}, {"Seguimiento": "50%"}, {"Seguimiento": "0.75"}]


def test_pdm_hidden_helper_sheet_is_not_a_plan(plan_of):
    plan = plan_of("pdm_plan_indicativo.xlsx")
    assert {a.sheet for a in plan.activities} == {L.PDM_SHEET}
    assert len(plan.activities) == len(L.PDM_METAS) == 12
    assert {a.offices[0].canonical for a in plan.activities} == {
        "Secretaría de Gobierno", "Secretaría de Planeación", "Secretaría de Desarrollo Social"}


# --------------------------------------------------------------------------
# Period headers in every spelling, one column at a time
# --------------------------------------------------------------------------

@pytest.mark.parametrize("path, kind, period", [
    (("SEGUIMIENTO I",), "progress", ("trimestre", 1)),
    (("Seguimiento 4",), "progress", ("trimestre", 4)),
    (("SEGUIMIENTO II", "% avance"), "progress", ("trimestre", 2)),
    (("SEGUIMIENTO III", "Observaciones"), "observation", ("trimestre", 3)),
    (("I TRIMESTRE", "% de avance"), "progress", ("trimestre", 1)),
    (("I TRIMESTRE", "Evidencia"), "evidence", ("trimestre", 1)),
    (("IV TRIMESTRE", "programado"), "planned", ("trimestre", 4)),
    (("IV TRIMESTRE", "ejecutado"), "executed", ("trimestre", 4)),
    (("T3",), "progress", ("trimestre", 3)),
    (("Avance I trim.",), "progress", ("trimestre", 1)),
    (("Avance 1er trim.",), "progress", ("trimestre", 1)),
    (("Avance 4to. trim",), "progress", ("trimestre", 4)),
    (("Segundo trimestre",), "progress", ("trimestre", 2)),
    (("Avance Ene-Mar",), "progress", ("trimestre", 1)),
    (("Avance Abr-Jun",), "progress", ("trimestre", 2)),
    (("Avance Jul-Sep",), "progress", ("trimestre", 3)),
    (("Avance Oct-Dic",), "progress", ("trimestre", 4)),
    (("Avance enero a septiembre",), "progress", ("trimestre", 3)),
    (("Avance Ene-Abr",), "progress", ("cuatrimestre", 1)),
    (("Avance May-Ago",), "progress", ("cuatrimestre", 2)),
    (("Avance Sep-Dic",), "progress", ("cuatrimestre", 3)),
    (("I semestre",), "progress", ("semestre", 1)),
    (("Avance Ene-Jun",), "progress", ("semestre", 1)),
    (("Avance Jul-Dic",), "progress", ("semestre", 2)),
    (("Seguimiento 2 OCI corte 31 de agosto", "% de avance"), "progress", ("cuatrimestre", 2)),
    (("2025", "Ejecutado"), "executed", ("anual", 1)),
    (("2025", "T2", "Programado"), "planned", ("trimestre", 2)),
])
def test_period_header(path, kind, period):
    column = classify(0, path)
    assert (column.kind, column.period) == (kind, period)


@pytest.mark.parametrize("path", [("Seguimiento 1",), ("SEGUIMIENTO IV",), ("Seguimiento I trimestre",)])
def test_a_period_is_never_a_phase_mark(path):
    assert classify(0, path).kind == "progress"


def test_phase_marks_still_read():
    column = classify(0, ("Seguimiento",))
    assert (column.kind, column.phase) == ("phase_mark", "seguimiento_evaluacion")


def test_a_month_alone_is_still_a_month():
    assert classify(0, ("Avance marzo",)).period == ("mes", 3)


@pytest.mark.parametrize("path, kind, period", [
    (("Ene-Mar",), "extra", None),  # when the work is planned, not progress
    (("CRONOGRAMA", "Ene-Mar"), "schedule", ("mes", 1)),  # as before: a schedule grid
    (("SEGUIMIENTO", "Ene-Mar"), "progress", ("trimestre", 1)),
    (("Ejecutado Abr-Jun",), "executed", ("trimestre", 2)),
])
def test_month_ranges_are_follow_up_only_under_a_follow_up_word(path, kind, period):
    column = classify(0, path)
    assert (column.kind, column.period) == (kind, period)


# --------------------------------------------------------------------------
# python -m data_layer inspect FILE --json
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(L.BUILDERS))
def test_inspect_json(paths, name):
    """The command line says what the importer read: the same figures."""
    done = subprocess.run([sys.executable, "-m", "data_layer", "inspect", str(paths[name]), "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    expected = EXPECTED[name]
    year, entity, title, layout, sheets = PLANS[name]
    assert (shown["year"], shown["entity"], shown["title"], shown["layout"], shown["sheets"]) == (
        year, entity, title, layout, sheets)
    assert shown["activities"] == len(expected["acts"])
    assert shown["dependencies"] == list(dict.fromkeys(o for a in expected["acts"] for o in a[8]))
    phases = {}
    for act in expected["acts"]:
        phases[act[6]] = phases.get(act[6], 0) + 1
    assert {k: v for k, v in shown["phases"].items() if v} == phases
    declared = sum(a[7] == "declarada" for a in expected["acts"])
    assert shown["phase_source"] == {"declared": declared, "inferred": len(expected["acts"]) - declared}
    assert shown["readings"] == sum(len(r) for r in expected["reads"])
    assert shown["progress_values"] == sum(r[3] == "avance" for rs in expected["reads"] for r in rs)
    assert sorted((i["severity"], i["code"], i["row"], i["column"]) for i in shown["issues"]) == expected["issues"]
