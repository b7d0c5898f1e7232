"""The data-quality report: what each import understood, decided and left out.

Same contract as ``data_layer.queries``: ``(con, filters) -> DataFrame`` with
Spanish column names. Only the plan-level filters (entidad, vigencia) apply:
the report is about files and plans, not about activities at a cut-off.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from data_layer.filters import Filters
from data_layer.model import PHASE_LABELS
from data_layer.sql import PLAN_SCOPE, run

SEVERITY_LABELS = {"error": "Error", "aviso": "Aviso", "info": "Decisión del importador"}


def _plans(filters: Filters) -> tuple[str, dict[str, object]]:
    where, params = filters.to_where(plan_level=True)
    return f"SELECT * FROM ({PLAN_SCOPE}) WHERE {where}", params


def plan_quality(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per plan: how much of it was understood."""
    plans, params = _plans(filters)
    return run(con, f"""
        WITH p AS ({plans}),
        act AS (
            SELECT plan_id, count(*) AS n,
                count(*) FILTER (WHERE phase_source = 'declarada') AS declaradas,
                count(*) FILTER (WHERE phase_source = 'inferida' AND phase <> 'sin_clasificar')
                    AS inferidas,
                count(*) FILTER (WHERE phase = 'sin_clasificar') AS sin_fase,
                count(*) FILTER (WHERE due_date IS NULL) AS sin_fecha
            FROM activity GROUP BY plan_id),
        ofi AS (
            SELECT a.plan_id, count(DISTINCT o.office) AS oficinas,
                count(DISTINCT o.office_raw) AS escrituras,
                count(DISTINCT a.activity_id) AS con_oficina
            FROM activity a JOIN activity_office o ON o.activity_id = a.activity_id
            GROUP BY a.plan_id),
        imp AS (
            SELECT i.plan_id,
                count(*) FILTER (WHERE s.severity = 'error') AS errores,
                count(*) FILTER (WHERE s.severity = 'aviso') AS avisos
            FROM import_file i LEFT JOIN import_issue s ON s.import_id = i.import_id
            GROUP BY i.plan_id),
        omit AS (
            SELECT i.plan_id, count(k.row_number) AS omitidas
            FROM import_file i LEFT JOIN skipped_row k ON k.import_id = i.import_id
            GROUP BY i.plan_id),
        cortes AS (
            SELECT a.plan_id, count(DISTINCT r.cutoff) AS cortes
            FROM reading_current r JOIN activity a ON a.activity_id = r.activity_id
            GROUP BY a.plan_id)
        SELECT p.entidad AS "Entidad", p.vigencia AS "Vigencia",
            (SELECT count(*) FROM import_file i WHERE i.plan_id = p.plan_id)
                AS "Archivos importados",
            coalesce(act.n, 0) AS "Actividades",
            coalesce(act.declaradas, 0) AS "Fase declarada",
            coalesce(act.inferidas, 0) AS "Fase inferida",
            coalesce(act.sin_fase, 0) AS "Sin fase",
            coalesce(act.sin_fecha, 0) AS "Sin fecha límite",
            coalesce(act.n, 0) - coalesce(ofi.con_oficina, 0) AS "Sin dependencia",
            coalesce(ofi.oficinas, 0) AS "Dependencias",
            coalesce(ofi.escrituras, 0) AS "Formas de escribirlas",
            coalesce(cortes.cortes, 0) AS "Cortes con seguimiento",
            coalesce(imp.errores, 0) AS "Errores",
            coalesce(imp.avisos, 0) AS "Avisos",
            coalesce(omit.omitidas, 0) AS "Filas omitidas"
        FROM p
        LEFT JOIN act ON act.plan_id = p.plan_id
        LEFT JOIN ofi ON ofi.plan_id = p.plan_id
        LEFT JOIN imp ON imp.plan_id = p.plan_id
        LEFT JOIN omit ON omit.plan_id = p.plan_id
        LEFT JOIN cortes ON cortes.plan_id = p.plan_id
        ORDER BY "Entidad", "Vigencia"
    """, params)


def import_report(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per imported file, oldest first: what it added and what it reported."""
    plans, params = _plans(filters)
    return run(con, f"""
        WITH p AS ({plans})
        SELECT p.entidad AS "Entidad", p.vigencia AS "Vigencia", i.source_file AS "Archivo",
            i.file_format AS "Formato", i.layout AS "Estructura detectada",
            i.imported_at AS "Importado el",
            i.activities_added AS "Actividades nuevas",
            i.activities_updated AS "Actividades actualizadas",
            i.readings_added AS "Lecturas nuevas", i.readings_changed AS "Lecturas cambiadas",
            (SELECT count(*) FROM import_issue s
             WHERE s.import_id = i.import_id AND s.severity = 'error') AS "Errores",
            (SELECT count(*) FROM import_issue s
             WHERE s.import_id = i.import_id AND s.severity = 'aviso') AS "Avisos",
            (SELECT count(*) FROM import_issue s
             WHERE s.import_id = i.import_id AND s.severity = 'info') AS "Decisiones",
            (SELECT count(*) FROM skipped_row k WHERE k.import_id = i.import_id)
                AS "Filas omitidas"
        FROM import_file i JOIN p ON p.plan_id = i.plan_id
        ORDER BY i.imported_at, i.import_id
    """, params)


def import_issues(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every cell an import could not fully interpret, errors first."""
    plans, params = _plans(filters)
    df = run(con, f"""
        WITH p AS ({plans})
        SELECT p.entidad AS "Entidad", i.source_file AS "Archivo", s.severity AS _gravedad,
            s.sheet AS "Hoja", s.row_number AS "Fila", s.col AS "Columna",
            s.value AS "Valor en la celda", s.message AS "Qué pasó y cómo corregirlo",
            s.code AS "Código"
        FROM import_issue s
        JOIN import_file i ON i.import_id = s.import_id
        JOIN p ON p.plan_id = i.plan_id
        ORDER BY CASE s.severity WHEN 'error' THEN 0 WHEN 'aviso' THEN 1 ELSE 2 END,
            i.imported_at, s.seq
    """, params)
    df.insert(2, "Gravedad", df["_gravedad"].map(lambda s: SEVERITY_LABELS.get(s, s)))
    return df


def skipped_rows(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Every source row that did not become an activity, with the reason."""
    plans, params = _plans(filters)
    return run(con, f"""
        WITH p AS ({plans})
        SELECT p.entidad AS "Entidad", i.source_file AS "Archivo", k.sheet AS "Hoja",
            k.row_number AS "Fila", k.reason AS "Motivo", k.content AS "Contenido de la fila"
        FROM skipped_row k
        JOIN import_file i ON i.import_id = k.import_id
        JOIN p ON p.plan_id = i.plan_id
        ORDER BY i.imported_at, k.sheet, k.row_number
    """, params)


def inferred_phases(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Activities whose phase was inferred from their wording (not declared)."""
    plans, params = _plans(filters)
    df = run(con, f"""
        WITH p AS ({plans})
        SELECT p.entidad AS "Entidad", p.vigencia AS "Vigencia", a.code AS "Código",
            a.name AS "Actividad", a.phase AS _fase, a.phase_raw AS "Texto del que se infirió"
        FROM activity a JOIN p ON p.plan_id = a.plan_id
        WHERE a.phase_source = 'inferida'
        ORDER BY "Entidad", "Vigencia", a.seq
    """, params)
    df.insert(4, "Fase inferida", df["_fase"].map(lambda code: PHASE_LABELS.get(code, code)))
    return df


def office_merges(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """How each office was written in the plans and the name it was merged into;
    rewritten spellings first."""
    plans, params = _plans(filters)
    return run(con, f"""
        WITH p AS ({plans})
        SELECT p.entidad AS "Entidad", o.office_raw AS "Como aparece en el plan",
            o.office AS "Dependencia normalizada",
            count(DISTINCT o.activity_id) AS "Actividades",
            CASE WHEN o.office_raw = o.office THEN 'No' ELSE 'Sí' END AS "¿Se reescribió?"
        FROM activity_office o
        JOIN activity a ON a.activity_id = o.activity_id
        JOIN p ON p.plan_id = a.plan_id
        GROUP BY ALL
        ORDER BY "¿Se reescribió?" DESC, "Entidad", "Dependencia normalizada",
            "Como aparece en el plan"
    """, params)
