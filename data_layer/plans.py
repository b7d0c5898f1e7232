"""Managing loaded plans: list them, see their import history, delete, replace.

Every change goes through ``store.write_transaction``: it lands whole or not
at all, and viewers keep seeing the previous state until it does.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from data_layer import loader, store
from data_layer.model import ParsedPlan

# Children first: what hangs from an activity, then the activities, then
# what hangs from the plan's imports.
_DELETE_PLAN = [
    "DELETE FROM reading WHERE activity_id IN (SELECT activity_id FROM activity WHERE plan_id = $plan)",
    "DELETE FROM activity_office WHERE activity_id IN (SELECT activity_id FROM activity WHERE plan_id = $plan)",
    "DELETE FROM schedule WHERE activity_id IN (SELECT activity_id FROM activity WHERE plan_id = $plan)",
    "DELETE FROM activity WHERE plan_id = $plan",
    "DELETE FROM import_issue WHERE import_id IN (SELECT import_id FROM import_file WHERE plan_id = $plan)",
    "DELETE FROM skipped_row WHERE import_id IN (SELECT import_id FROM import_file WHERE plan_id = $plan)",
    "DELETE FROM import_file WHERE plan_id = $plan",
    "DELETE FROM plan WHERE plan_id = $plan",
    "DELETE FROM entity WHERE entity_id NOT IN (SELECT entity_id FROM plan)",
]


class PlanNotFoundError(LookupError):
    """The plan asked for is not in the database (deleted meanwhile?)."""


def list_plans(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per loaded plan, with its size and last import (for the admin page)."""
    return con.execute("""
        SELECT p.plan_id AS _plan_id, e.name AS "Entidad", p.vigencia AS "Vigencia",
               p.title AS "Título", p.layout AS "Formato detectado",
               (SELECT count(*) FROM activity a WHERE a.plan_id = p.plan_id) AS "Actividades",
               (SELECT count(*) FROM import_file i WHERE i.plan_id = p.plan_id) AS "Importaciones",
               p.updated_at AS "Última importación"
        FROM plan p JOIN entity e USING (entity_id)
        ORDER BY e.name, p.vigencia""").df()


def plan_choices(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Plan id → «Entidad — vigencia 2024» for the pickers, in the order of
    :func:`list_plans`. Built in SQL: a plan without vigencia reads «sin
    definir» (no pandas missing value ever reaches the page)."""
    return dict(con.execute("""
        SELECT p.plan_id, e.name || ' — vigencia ' || coalesce(CAST(p.vigencia AS VARCHAR), 'sin definir')
        FROM plan p JOIN entity e USING (entity_id)
        ORDER BY e.name, p.vigencia""").fetchall())


def key_of(parsed: ParsedPlan) -> str:
    """The plan key the loader files ``parsed`` under (also for a file without
    entity or vigencia: the loader names that entity after the file)."""
    return loader._plan_key(loader._entity_of(parsed), parsed.year)


def label_of(parsed: ParsedPlan) -> str:
    """«Entidad — vigencia 2024» of a parsed file, as :func:`plan_choices` will list it."""
    return f"{loader._entity_of(parsed)} — vigencia {parsed.year or 'sin definir'}"


def existing_plan(con: duckdb.DuckDBPyConnection, plan_key: str) -> str | None:
    """The label of the plan with that key (a file with that key is added to it
    as a follow-up), or None when importing it creates a new plan."""
    found = con.execute("""
        SELECT e.name || ' — vigencia ' || coalesce(CAST(p.vigencia AS VARCHAR), 'sin definir')
        FROM plan p JOIN entity e USING (entity_id) WHERE p.plan_key = $key""",
                        {"key": plan_key}).fetchall()
    return found[0][0] if found else None


def import_history(con: duckdb.DuckDBPyConnection, plan_id: int | None = None) -> pd.DataFrame:
    """One row per imported file: who, when, which file, what it changed."""
    return con.execute("""
        SELECT i.import_id AS _import_id, i.plan_id AS _plan_id, i.imported_at AS "Fecha",
               coalesce(i.imported_by, '—') AS "Quién", e.name AS "Entidad", p.vigencia AS "Vigencia",
               i.source_file AS "Archivo", i.activities_added AS "Actividades nuevas",
               i.activities_updated AS "Actividades actualizadas",
               i.readings_added AS "Lecturas nuevas", i.readings_changed AS "Lecturas corregidas",
               (SELECT count(*) FROM import_issue x WHERE x.import_id = i.import_id) AS "Observaciones del informe"
        FROM import_file i JOIN plan p USING (plan_id) JOIN entity e USING (entity_id)
        WHERE $plan IS NULL OR i.plan_id = $plan
        ORDER BY i.imported_at DESC, i.import_id DESC""", {"plan": plan_id}).df()


def imported_checksums(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Checksums of every file already imported (the same bytes change nothing)."""
    return frozenset(row[0] for row in con.execute("SELECT checksum FROM import_file").fetchall())


def _delete(con: duckdb.DuckDBPyConnection, plan_id: int) -> None:
    found = con.execute("SELECT count(*) FROM plan WHERE plan_id = $plan", {"plan": plan_id}).fetchall()
    if found[0][0] == 0:
        raise PlanNotFoundError(f"El plan {plan_id} ya no está en la base de datos.")
    for sql in _DELETE_PLAN:
        con.execute(sql, {"plan": plan_id} if "$plan" in sql else {}).fetchall()


def delete_plan(plan_id: int, db_path: Path | str | None = None) -> None:
    """Remove a plan with its activities, readings, history and report."""
    with store.write_transaction(db_path) as con:
        _delete(con, plan_id)


def replace_plan(plan_id: int, parsed: ParsedPlan, db_path: Path | str | None = None, *,
                 imported_by: str | None = None) -> loader.ImportResult:
    """Delete a plan and import a file in its place, in one transaction."""
    with store.write_transaction(db_path) as con:
        _delete(con, plan_id)
        return loader.store_plan(con, parsed, imported_by=imported_by)
