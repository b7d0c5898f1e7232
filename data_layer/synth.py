"""Reproducible synthetic plans at national scale, for benchmarks.

Two outputs from the same generator (same seed → same data):

- ``write_database``: straight into DuckDB with set-based SQL (a million
  activities in seconds), for the query and page benchmarks;
- ``write_workbooks``: .xlsx files in the layouts real plans use (the Cartago
  quarterly follow-up and the Sanatorio phase-by-X layout), for the ingest
  benchmark.

The figures imitate real plans: about 15 % of readings "no programada", about
a quarter "sin reporte" (a 2024 national review found most indicators without
reported progress), progress that grows quarter by quarter, due dates spread
over the year so that some activities are overdue.
"""
from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from data_layer import sql as sql_module
from data_layer import store

DEPARTMENTS = [
    "Amazonas", "Antioquia", "Arauca", "Atlántico", "Bolívar", "Boyacá", "Caldas", "Caquetá",
    "Casanare", "Cauca", "Cesar", "Chocó", "Córdoba", "Cundinamarca", "Guainía", "Guaviare",
    "Huila", "La Guajira", "Magdalena", "Meta", "Nariño", "Norte de Santander", "Putumayo",
    "Quindío", "Risaralda", "San Andrés", "Santander", "Sucre", "Tolima", "Valle del Cauca",
    "Vaupés", "Vichada",
]
_SAINTS = ["San Juan", "San José", "Santa Rosa", "San Pedro", "Santa Bárbara", "San Luis", "San Martín",
           "Santa Ana", "San Vicente", "San Antonio", "La Unión", "El Carmen", "Villa", "Puerto", "Nueva"]
_PLACES = ["del Sur", "de Urabá", "de los Andes", "del Río", "de la Sierra", "del Valle", "de Oriente",
           "de la Montaña", "del Llano", "de la Costa", "Alto", "Bajo", "Nuevo", "Viejo", "del Norte"]
OFFICES = [
    "Secretaría de Planeación", "Secretaría de Gobierno", "Secretaría de Salud", "Secretaría de Educación",
    "Secretaría de Hacienda", "Secretaría de Infraestructura", "Secretaría de Desarrollo Social",
    "Despacho del Alcalde", "Oficina de Control Interno", "Oficina de Comunicaciones",
    "Secretaría de Tránsito", "Secretaría de Cultura y Turismo", "Secretaría de Medio Ambiente",
    "Secretaría General", "Oficina Jurídica", "Secretaría de Vivienda", "Oficina de Atención al Ciudadano",
]
VERBS = [
    ("Realizar el diagnóstico de", "diagnostico"), ("Caracterizar", "diagnostico"),
    ("Formular con la comunidad", "formulacion"), ("Diseñar participativamente", "formulacion"),
    ("Implementar", "implementacion"), ("Ejecutar con las juntas de acción comunal", "implementacion"),
    ("Evaluar con los grupos de valor", "seguimiento_evaluacion"),
    ("Hacer seguimiento a", "seguimiento_evaluacion"), ("Capacitar a la ciudadanía en", "transversal"),
]
OBJECTS = ["el plan de desarrollo", "el presupuesto participativo", "la rendición de cuentas",
           "los espacios de diálogo", "la política de participación", "el consejo territorial de planeación",
           "las veedurías ciudadanas", "los canales de atención", "el plan anticorrupción"]
GROUPS = ["Juntas de acción comunal", "Veedurías ciudadanas", "Jóvenes", "Mujeres", "Víctimas",
          "Comunidades étnicas", "Personas mayores", "Población con discapacidad"]


# How write_database lays the rows out; a folder of benchmarks regenerates a
# database written under another layout (bench.common.synthetic_database).
LAYOUT = "2: consecutive activity ids per plan"
WORKBOOK_LAYOUT = "2: every activity worded apart"  # likewise for write_workbooks


def entity_names(count: int, seed: int = 7) -> list[str]:
    """Departments first, then municipalities ("Alcaldía de …"), unique, deterministic."""
    rng = random.Random(seed)
    names = [f"Gobernación de {d}" for d in DEPARTMENTS][:count]
    seen = set(names)
    while len(names) < count:
        name = f"Alcaldía de {rng.choice(_SAINTS)} {rng.choice(_PLACES)} ({rng.choice(DEPARTMENTS)})"
        if name in seen:
            name = f"{name} {len(names)}"
        seen.add(name)
        names.append(name)
    return names


def write_database(path: Path | str, activities: int, *, entities: int | None = None,
                   vigencias: tuple[int, ...] = (2024, 2025), seed: int = 7) -> dict[str, int]:
    """A fresh database with ``activities`` activities and their quarterly readings.

    Returns the row count of each table. ``entities`` defaults to about one
    per 900 activities, capped at 1,150 (municipalities, departments and
    decentralised entities).
    """
    path = Path(path)
    path.unlink(missing_ok=True)
    entities = entities or max(2, min(1_150, activities // 900))
    plans = entities * len(vigencias)
    names = entity_names(entities, seed)
    con = duckdb.connect(str(path))
    try:
        con.execute("SET enable_progress_bar = false").fetchall()
        store.limit_memory(con)
        store.create_schema(con)
        con.register("names", pd.DataFrame({"name": names}))
        con.register("vigencias", pd.DataFrame({"vigencia": list(vigencias)}))
        con.register("verbs", pd.DataFrame(VERBS, columns=["verb", "phase"]))
        con.register("objects", pd.DataFrame({"object": OBJECTS}))
        con.register("offices", pd.DataFrame({"office": OFFICES}))
        con.register("groups", pd.DataFrame({"grupo": GROUPS}))
        now = datetime(2026, 1, 15)
        for sql in _database_sql(activities, plans, seed):
            con.execute(sql, {"now": now} if "$now" in sql else {}).fetchall()
        sql_module.store_derived(con)  # as every import does (store.write_transaction)
        con.execute("CHECKPOINT").fetchall()
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("entity", "plan", "activity", "activity_office", "schedule", "reading")}
    finally:
        con.close()


def _database_sql(activities: int, plans: int, seed: int) -> list[str]:
    # u(x) is a reproducible uniform number in [0, 1) from a key: hash-based,
    # so the result does not depend on thread scheduling as random() would.
    u = "((hash({} + {seed}) % 1000000) / 1000000.0)".replace("{seed}", str(seed * 7919))
    return [
        "INSERT INTO entity SELECT row_number() OVER () AS entity_id, name FROM names",
        """INSERT INTO plan
           SELECT row_number() OVER (ORDER BY e.entity_id, v.vigencia), e.entity_id, v.vigencia,
                  lower(e.name) || '|' || v.vigencia, 'Plan de participación ciudadana ' || v.vigencia,
                  'sintético', make_date(v.vigencia, 1, 1), make_date(v.vigencia, 12, 31), $now, $now
           FROM entity e CROSS JOIN vigencias v""",
        """INSERT INTO import_file
           SELECT plan_id, plan_id, 'sintetico_' || plan_id || '.xlsx', 'synth-' || plan_id, 'xlsx', 'sintético',
                  $now, 'bench', 0, 0, 0, 0, ['Plan'], '{}', '{}', '{}' FROM plan""",
        # Each plan's activities take consecutive ids, as an import writes them
        # (one plan per file): what lets a query of one entity skip the row
        # groups of the others.
        f"""CREATE TEMP TABLE gen AS
           SELECT i AS activity_id, 1 + ((i - 1) * {plans}) // {activities} AS plan_id,
                  {u.format('i')} AS r1, {u.format('i * 3 + 1')} AS r2, {u.format('i * 5 + 2')} AS r3
           FROM range(1, {activities} + 1) t(i)""",
        f"""INSERT INTO activity
           SELECT g.activity_id, g.plan_id, 'a' || g.activity_id, g.activity_id,
                  CAST(row_number() OVER (PARTITION BY g.plan_id ORDER BY g.activity_id) AS VARCHAR),
                  'Línea ' || (1 + CAST(g.r3 * 4 AS INT)),
                  v.verb || ' ' || o.object, NULL, 'Un documento o evento realizado', 'Número de actividades',
                  v.phase, CASE WHEN g.r2 < 0.5 THEN 'declarada' ELSE 'inferida' END, NULL,
                  NULL, gr.grupo, NULL, NULL,
                  make_date(p.vigencia, 1 + CAST(g.r1 * 12 AS INT) % 12, 28), NULL, 'sintético', 1, NULL
           FROM gen g JOIN plan p USING (plan_id)
           JOIN (SELECT *, row_number() OVER () - 1 AS k FROM verbs) v ON v.k = CAST(g.r1 * 9 AS INT) % 9
           JOIN (SELECT *, row_number() OVER () - 1 AS k FROM objects) o ON o.k = CAST(g.r2 * 9 AS INT) % 9
           JOIN (SELECT *, row_number() OVER () - 1 AS k FROM groups) gr ON gr.k = CAST(g.r3 * 8 AS INT) % 8
           ORDER BY g.activity_id""",
        """INSERT INTO activity_office
           SELECT DISTINCT g.activity_id, f.office, f.office
           FROM gen g, range(0, 1 + CAST(g.r3 * 2.4 AS INT)) k(j)
           JOIN (SELECT *, row_number() OVER () - 1 AS n FROM offices) f
             ON f.n = (CAST(g.r2 * 17 AS INT) + k.j * 5) % 17
           ORDER BY 1, 2""",
        """INSERT INTO schedule
           SELECT a.activity_id, date_trunc('month', a.due_date), 1 FROM activity a
           ORDER BY 1""",
        f"""INSERT INTO reading
           SELECT g.activity_id, 'trimestre', q.q, 'Trimestre ' || ['I','II','III','IV'][q.q],
                  make_date(p.vigencia, q.q * 3, CASE WHEN q.q IN (1, 4) THEN 31 ELSE 30 END),
                  CASE WHEN {u.format('g.activity_id * 11 + q.q')} < 0.15 THEN 'no_programada'
                       WHEN {u.format('g.activity_id * 13 + q.q')} < 0.25 THEN 'sin_reporte'
                       ELSE 'avance' END AS state,
                  CASE WHEN {u.format('g.activity_id * 11 + q.q')} >= 0.15
                        AND {u.format('g.activity_id * 13 + q.q')} >= 0.25
                       THEN least(100, round(q.q * 25 * (0.4 + g.r1 * 0.9))) END,
                  NULL, NULL, NULL, NULL, NULL, g.plan_id
           FROM gen g JOIN plan p USING (plan_id), range(1, 5) q(q)
           ORDER BY g.activity_id, q.q""",
        "UPDATE reading SET raw = CASE WHEN value IS NULL THEN 'N/A' ELSE value || '%' END",
        "DROP TABLE gen",
    ]


def write_workbooks(directory: Path | str, files: int, activities_per_file: int, *,
                    seed: int = 7) -> list[Path]:
    """``files`` .xlsx follow-up workbooks in the Cartago quarterly layout."""
    import openpyxl  # only this output needs it

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = entity_names(files + 32, seed)[32:] if files else []
    paths = []
    for number, entity in enumerate(names, start=1):
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Plan de Acción")
        sheet.append([entity.upper()])
        sheet.append(["FORMATO PLAN DE ACCIÓN — PLAN DE PARTICIPACIÓN CIUDADANA VIGENCIA 2025"])
        sheet.append([])
        sheet.append(["N°", "ACTIVIDADES", "RESPONSABLES", "FECHA FIN", "GRUPO DE VALOR",
                      "SEGUIMIENTO TRIMESTRAL", None, None, None, "OBSERVACIONES"])
        sheet.append([None, None, None, None, None, "I", "II", "III", "IV", None])
        for i in range(1, activities_per_file + 1):
            verb, _ = rng.choice(VERBS)
            progress = [_quarter_value(rng, q) for q in range(1, 5)]
            offices = ", ".join(rng.sample(OFFICES, rng.randint(1, 3)))
            # Every activity worded apart, as in a real plan: the importer
            # reads each wording once, and 81 repeated ones flattered it.
            name = f"{verb} {rng.choice(OBJECTS)} en el sector {number}-{i}"
            sheet.append([i, name, offices, f"{rng.randint(1, 28):02d}/"
                          f"{rng.randint(1, 12):02d}/2025", rng.choice(GROUPS), *progress, "Sin novedad"])
        path = directory / f"plan_{number:04d}.xlsx"
        book.save(path)
        paths.append(path)
    return paths


def _quarter_value(rng: random.Random, quarter: int) -> object:
    roll = rng.random()
    if roll < 0.15:
        return "N/A"
    if roll < 0.40:
        return None  # sin reporte
    return f"{min(100, round(quarter * 25 * (0.4 + rng.random() * 0.9)))}%"
