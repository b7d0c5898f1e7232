"""The data-quality report: what each import understood, decided and left out.

Written for a planning office, not for programmers: every column says, in
plain Spanish, what to fix and where (file, sheet, row, column); no internal
codes or importer jargon reach the table or its downloads (the issue code
stays in the hidden ``_codigo`` column).

Same contract as ``data_layer.queries``: ``(con, filters) -> DataFrame`` with
Spanish column names. Only the plan-level filters (entidad, vigencia) apply:
the report is about files and plans, not about activities at a cut-off.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from data_layer.filters import Filters
from data_layer.model import PHASE_LABELS
from data_layer.queries import limit_clause, map_each
from data_layer.sql import PLAN_SCOPE, derived, run

# What each severity asks of the person who keeps the plan.
SEVERITY_LABELS = {"error": "Corregir", "aviso": "Revisar", "info": "Para su información"}
# Column names shared by several tables of the report.
TO_FIX = "Datos por corregir"  # errors: the value did not reach the dashboard
TO_CHECK = "Datos por revisar"  # warnings: read, but worth a look
NOT_ACTIVITIES = "Filas que no son actividades"  # skipped rows
WHY_PHASE = "Por qué esa fase"  # of an inferred phase: «Inferida de la palabra «capacitar»»


def _plans(filters: Filters) -> tuple[str, dict[str, object]]:
    where, params = filters.to_where(plan_level=True)
    return f"SELECT * FROM ({PLAN_SCOPE}) WHERE {where}", params


def plan_quality(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per plan: how much of it was understood."""
    plans, params = _plans(filters)
    # Counts over activities, offices and cut-offs come per plan from the
    # derived table plan_calidad (data_layer.status).
    return run(con, f"""
        WITH p AS ({plans}),
        imp AS (
            SELECT i.plan_id,
                count(*) FILTER (WHERE s.severity = 'error') AS errores,
                count(*) FILTER (WHERE s.severity = 'aviso') AS avisos
            FROM import_file i LEFT JOIN import_issue s ON s.import_id = i.import_id
            GROUP BY i.plan_id),
        omit AS (
            SELECT i.plan_id, count(k.row_number) AS omitidas
            FROM import_file i LEFT JOIN skipped_row k ON k.import_id = i.import_id
            GROUP BY i.plan_id)
        SELECT p.entidad AS "Entidad", p.vigencia AS "Vigencia",
            (SELECT count(*) FROM import_file i WHERE i.plan_id = p.plan_id)
                AS "Archivos cargados",
            coalesce(q.n, 0) AS "Actividades",
            coalesce(q.declaradas, 0) AS "Fase declarada",
            coalesce(q.inferidas, 0) AS "Fase inferida",
            coalesce(q.sin_fase, 0) AS "Sin fase",
            coalesce(q.sin_fecha, 0) AS "Sin fecha límite",
            coalesce(q.n, 0) - coalesce(q.con_oficina, 0) AS "Sin dependencia",
            coalesce(q.oficinas, 0) AS "Dependencias",
            coalesce(q.escrituras, 0) AS "Nombres distintos de dependencias",
            coalesce(q.cortes, 0) AS "Cortes con seguimiento",
            coalesce(imp.errores, 0) AS "{TO_FIX}",
            coalesce(imp.avisos, 0) AS "{TO_CHECK}",
            coalesce(omit.omitidas, 0) AS "{NOT_ACTIVITIES}"
        FROM p
        LEFT JOIN {derived(con)}.plan_calidad q ON q.plan_id = p.plan_id
        LEFT JOIN imp ON imp.plan_id = p.plan_id
        LEFT JOIN omit ON omit.plan_id = p.plan_id
        ORDER BY "Entidad", "Vigencia"
    """, params)


def import_report(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per imported file, oldest first: what it added and what it reported."""
    plans, params = _plans(filters)
    return run(con, f"""
        WITH p AS ({plans}),
        s AS (
            SELECT import_id,
                count(*) FILTER (WHERE severity = 'error') AS errores,
                count(*) FILTER (WHERE severity = 'aviso') AS avisos,
                count(*) FILTER (WHERE severity = 'info') AS decisiones
            FROM import_issue GROUP BY import_id),
        k AS (SELECT import_id, count(*) AS omitidas FROM skipped_row GROUP BY import_id)
        SELECT p.entidad AS "Entidad", p.vigencia AS "Vigencia", i.source_file AS "Archivo",
            i.file_format AS "Tipo de archivo", i.layout AS "Cómo se leyó",
            i.imported_at AS "Importado el",
            i.activities_added AS "Actividades nuevas",
            i.activities_updated AS "Actividades actualizadas",
            i.readings_added AS "Reportes de avance nuevos",
            i.readings_changed AS "Reportes de avance que cambiaron",
            coalesce(s.errores, 0) AS "{TO_FIX}", coalesce(s.avisos, 0) AS "{TO_CHECK}",
            coalesce(s.decisiones, 0) AS "Notas de la lectura",
            coalesce(k.omitidas, 0) AS "{NOT_ACTIVITIES}"
        FROM import_file i JOIN p ON p.plan_id = i.plan_id
        LEFT JOIN s ON s.import_id = i.import_id
        LEFT JOIN k ON k.import_id = i.import_id
        ORDER BY i.imported_at, i.import_id
    """, params)


def import_issues(con: duckdb.DuckDBPyConnection, filters: Filters,
                  limit: int | None = None) -> pd.DataFrame:
    """Every cell an import could not fully interpret, errors first. ``limit``
    keeps the first rows only (what a screen shows); see :func:`import_issues_count`."""
    sql, params = _issues_sql(filters)
    df = _rows(con, sql, params, limit)
    df.insert(2, "Qué hacer", df["_gravedad"].map(lambda s: SEVERITY_LABELS.get(s, s)))
    return df


def import_issues_count(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """How many rows :func:`import_issues` has for ``filters``."""
    return _count(con, *_issues_sql(filters))


def _issues_sql(filters: Filters) -> tuple[str, dict[str, object]]:
    plans, params = _plans(filters)
    return f"""
        WITH p AS ({plans})
        SELECT p.entidad AS "Entidad", i.source_file AS "Archivo", s.severity AS _gravedad,
            s.sheet AS "Hoja", s.row_number AS "Fila", s.col AS "Columna",
            s.value AS "Lo que dice la celda", s.message AS "Qué pasó y cómo corregirlo",
            s.code AS _codigo
        FROM import_issue s
        JOIN import_file i ON i.import_id = s.import_id
        JOIN p ON p.plan_id = i.plan_id
        ORDER BY CASE s.severity WHEN 'error' THEN 0 WHEN 'aviso' THEN 1 ELSE 2 END,
            i.imported_at, s.seq, s.import_id
    """, params


def skipped_rows(con: duckdb.DuckDBPyConnection, filters: Filters,
                 limit: int | None = None) -> pd.DataFrame:
    """Every source row that did not become an activity, with the reason.
    ``limit`` keeps the first rows only; see :func:`skipped_rows_count`."""
    return _rows(con, *_skipped_sql(filters), limit)


def skipped_rows_count(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """How many rows :func:`skipped_rows` has for ``filters``."""
    return _count(con, *_skipped_sql(filters))


def _skipped_sql(filters: Filters) -> tuple[str, dict[str, object]]:
    plans, params = _plans(filters)
    return f"""
        WITH p AS ({plans})
        SELECT p.entidad AS "Entidad", i.source_file AS "Archivo", k.sheet AS "Hoja",
            k.row_number AS "Fila", k.reason AS "Por qué no es una actividad",
            k.content AS "Contenido de la fila"
        FROM skipped_row k
        JOIN import_file i ON i.import_id = k.import_id
        JOIN p ON p.plan_id = i.plan_id
        ORDER BY i.imported_at, k.sheet, k.row_number, k.import_id
    """, params


def inferred_phases(con: duckdb.DuckDBPyConnection, filters: Filters,
                    limit: int | None = None) -> pd.DataFrame:
    """Activities whose phase was inferred from their wording (not declared).
    ``limit`` keeps the first rows only; see :func:`inferred_phases_count`."""
    df = _rows(con, *_inferred_sql(filters), limit)
    df.insert(4, "Fase inferida", map_each(df["_fase"], lambda code: PHASE_LABELS.get(code, code)))
    return df


def inferred_phases_count(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """How many rows :func:`inferred_phases` has for ``filters``."""
    return _count(con, *_inferred_sql(filters))


def _inferred_sql(filters: Filters) -> tuple[str, dict[str, object]]:
    plans, params = _plans(filters)
    return f"""
        WITH p AS ({plans})
        SELECT p.entidad AS "Entidad", p.vigencia AS "Vigencia", a.code AS "Código",
            a.name AS "Actividad", a.phase AS _fase, a.phase_raw AS "{WHY_PHASE}"
        FROM activity a JOIN p ON p.plan_id = a.plan_id
        WHERE a.phase_source = 'inferida'
        ORDER BY "Entidad", "Vigencia", a.seq, a.activity_id
    """, params


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object],
          limit: int | None) -> pd.DataFrame:
    """The rows of ``sql`` (which ends in ORDER BY), the first ``limit`` only if given."""
    clause, limit_params = limit_clause(limit)
    return run(con, sql + clause, params | limit_params)


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> int:
    """The rows of ``sql``, counted without its final ORDER BY: DuckDB sorts a
    subquery's rows even to count them (inferred phases at 1M: 163 ms → 8 ms)."""
    body, order_by, _keys = sql.rpartition("ORDER BY")
    if not order_by:
        raise ValueError("the list's SQL ends in ORDER BY")
    return int(run(con, f"SELECT count(*) AS n FROM ({body})", params)["n"].iloc[0])


def office_merges(con: duckdb.DuckDBPyConnection, filters: Filters,
                  limit: int | None = None) -> pd.DataFrame:
    """How each office was written in the plans and the name it was merged into;
    rewritten spellings first. ``limit`` keeps the first rows only (a country's
    plans write some 20.000); see :func:`office_merges_count`."""
    return _rows(con, *_merges_sql(con, filters), limit)


def office_merges_count(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """How many rows :func:`office_merges` has for ``filters``."""
    return _count(con, *_merges_sql(con, filters))


def _merges_sql(con: duckdb.DuckDBPyConnection, filters: Filters
                ) -> tuple[str, dict[str, object]]:
    plans, params = _plans(filters)
    # Activities per (plan, spelling, office) come from the derived table
    # oficina_escritura; an activity belongs to one plan, so they add up.
    return f"""
        WITH p AS ({plans})
        SELECT p.entidad AS "Entidad", o.office_raw AS "Como aparece en el plan",
            o.office AS "Nombre en el tablero",
            CAST(sum(o.actividades) AS BIGINT) AS "Actividades",
            CASE WHEN o.office_raw = o.office THEN 'No' ELSE 'Sí' END AS "¿Cambió el nombre?"
        FROM {derived(con)}.oficina_escritura o
        JOIN p ON p.plan_id = o.plan_id
        GROUP BY ALL
        ORDER BY "¿Cambió el nombre?" DESC, "Entidad", "Nombre en el tablero",
            "Como aparece en el plan"
    """, params
