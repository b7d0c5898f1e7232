"""Store parsed plans in DuckDB: atomic, idempotent, history-keeping.

- The same bytes imported twice change nothing (the checksum is recorded).
- A later follow-up of a plan already loaded (same entity and vigencia) adds
  the readings that are new or changed, keeps the earlier ones as history,
  and matches activities by their code and wording instead of duplicating them.
- Several files imported together land together or not at all.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from data_layer import corrections, store
from data_layer.corrections import Corrections
from data_layer.errors import PlanFileError
from data_layer.ingest import read_plan
from data_layer.model import ERROR, ParsedPlan
from data_layer.normalise.text import fold

SAMPLE_DIR = store.ROOT / "sample_data"
SAMPLE_MANIFEST = SAMPLE_DIR / "manifest.csv"
NO_ENTITY = "Entidad sin nombre"


@dataclass
class ImportResult:
    source_file: str
    status: str  # "importado" | "sin_cambios"
    entity: str
    vigencia: int | None
    plan_id: int
    import_id: int | None = None
    activities_added: int = 0
    activities_updated: int = 0
    readings_added: int = 0
    readings_changed: int = 0
    plan: ParsedPlan | None = field(default=None, repr=False)

    def summary(self) -> str:
        """One Spanish line for people."""
        if self.status == "sin_cambios":
            return (f"«{self.source_file}»: ya estaba importado (mismo contenido); "
                    "no se cambió nada.")
        return (f"«{self.source_file}»: {self.entity}, vigencia {self.vigencia or 'sin definir'} — "
                f"{self.activities_added} actividades nuevas, {self.activities_updated} actualizadas, "
                f"{self.readings_added} lecturas de avance nuevas, {self.readings_changed} corregidas.")


@dataclass
class FileSpec:
    """One file to import, with optional overrides."""

    path: Path
    entity: str | None = None
    year: int | None = None
    data: bytes | None = None  # the bytes, when they come from an upload
    source_name: str | None = None


def parse(spec: FileSpec, saved: Corrections | None = None) -> ParsedPlan:
    """Parse without writing, with the saved mappings and corrections;
    refuse a file with no activities at all."""
    plan = read_plan(spec.path, entity=spec.entity, year=spec.year, data=spec.data,
                     source_name=spec.source_name, corrections=saved)
    if not plan.activities:
        errors = [i.message for i in plan.issues if i.severity == ERROR]
        raise PlanFileError(errors[0] if errors else
                            f"«{plan.source_file}» no tiene actividades para importar.")
    return plan


def import_files(specs: list[FileSpec], db_path: Path | str | None = None, *,
                 imported_by: str | None = None) -> list[ImportResult]:
    """Parse every file, then store them all in one atomic transaction.

    Raises ``PlanFileError`` (and writes nothing) if any file cannot be read.
    The column mappings and office/phase corrections saved in the database
    are applied (data_layer/corrections.py).
    """
    saved = corrections.load_from(db_path)
    plans = [parse(spec, saved) for spec in specs]
    return import_parsed(plans, db_path, imported_by=imported_by)


def import_parsed(plans: list[ParsedPlan], db_path: Path | str | None = None, *,
                  imported_by: str | None = None) -> list[ImportResult]:
    results: list[ImportResult] = []
    try:
        with store.write_transaction(db_path) as con:
            results = [store_plan(con, plan, imported_by=imported_by) for plan in plans]
            if all(r.status == "sin_cambios" for r in results):
                raise _NothingToWrite
    except _NothingToWrite:
        pass
    return results


class _NothingToWrite(Exception):
    """Aborts a write transaction that would change nothing, so the file on
    disk is not even replaced."""


def store_plan(con: duckdb.DuckDBPyConnection, plan: ParsedPlan, *,
               imported_by: str | None = None) -> ImportResult:
    """Write one parsed plan through an open write connection."""
    entity = plan.entity or f"{NO_ENTITY} ({Path(plan.source_file).stem})"
    known = _one(con, "SELECT i.plan_id FROM import_file i WHERE i.checksum = ?", [plan.checksum])
    if known:
        return ImportResult(plan.source_file, "sin_cambios", entity, plan.year, known[0], plan=plan)
    now = datetime.now().replace(microsecond=0)
    entity_id = _get_or_create(con, "entity", "entity_id", {"name": entity}, {"name": entity})
    plan_key = f"{fold(entity)}|{plan.year or ''}"
    plan_id = _get_or_create(con, "plan", "plan_id", {"plan_key": plan_key}, {
        "entity_id": entity_id, "vigencia": plan.year, "plan_key": plan_key, "title": plan.title,
        "layout": plan.layout, "period_start": plan.period_start, "period_end": plan.period_end,
        "created_at": now, "updated_at": now})
    _run(con, "UPDATE plan SET updated_at = ?, layout = ?, title = coalesce(?, title), "
                "period_start = least(period_start, ?), period_end = greatest(period_end, ?) "
                "WHERE plan_id = ?",
                [now, plan.layout, plan.title, plan.period_start, plan.period_end, plan_id])
    import_id = _next_id(con, "import_file", "import_id")
    result = ImportResult(plan.source_file, "importado", entity, plan.year, plan_id, import_id, plan=plan)
    ids = _upsert_activities(con, plan, plan_id, result)
    _replace_children(con, plan, ids)
    _add_readings(con, plan, ids, import_id, result)
    _run(con,
        "INSERT INTO import_file VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [import_id, plan_id, plan.source_file, plan.checksum, plan.file_format, plan.layout, now,
         imported_by, result.activities_added, result.activities_updated, result.readings_added,
         result.readings_changed, plan.sheets, json.dumps(plan.header_rows, ensure_ascii=False),
         json.dumps(plan.column_map, ensure_ascii=False),
         json.dumps(plan.metadata, ensure_ascii=False)])
    _add_report(con, plan, import_id)
    return result


def _run(con, sql: str, params: list | None = None) -> list:
    """Execute and consume the result: DuckDB 2.0 refuses the next statement
    on a connection whose previous result was not fetched."""
    return con.execute(sql, params or []).fetchall()


def _one(con, sql: str, params: list | None = None) -> tuple | None:
    rows = _run(con, sql, params)
    return rows[0] if rows else None


def _next_id(con, table: str, column: str) -> int:
    # Table and column names come from this module, never from users.
    return _one(con, f"SELECT coalesce(max({column}), 0) + 1 FROM {table}")[0]


def _get_or_create(con, table: str, id_column: str, key: dict, row: dict) -> int:
    (key_column, key_value), = key.items()
    found = _one(con, f"SELECT {id_column} FROM {table} WHERE {key_column} = ?", [key_value])
    if found:
        return found[0]
    new_id = _next_id(con, table, id_column)
    columns = [id_column, *row]
    _run(con, f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [new_id, *row.values()])
    return new_id


def activity_keys(plan: ParsedPlan) -> list[str]:
    """The key that finds each activity again in a later follow-up file."""
    keys, seen = [], {}
    for act in plan.activities:
        key = f"{fold(act.code or '')}|{fold(act.name)[:200]}"
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


_ACTIVITY_COLUMNS = ["activity_id", "plan_id", "activity_key", "seq", "code", "group_name", "name",
                     "objective", "product", "indicator", "phase", "phase_source", "phase_raw",
                     "participation_level", "value_groups", "instance", "start_date", "due_date",
                     "evidence_means", "source_sheet", "source_row", "extra"]


def _upsert_activities(con, plan: ParsedPlan, plan_id: int, result: ImportResult) -> list[int]:
    keys = activity_keys(plan)
    existing = dict(_run(con, "SELECT activity_key, activity_id FROM activity WHERE plan_id = ?", [plan_id]))
    next_id = _next_id(con, "activity", "activity_id")
    ids, rows = [], []
    for act, key in zip(plan.activities, keys):
        activity_id = existing.get(key)
        if activity_id is None:
            activity_id, next_id = next_id, next_id + 1
            result.activities_added += 1
        else:
            result.activities_updated += 1
        ids.append(activity_id)
        rows.append([activity_id, plan_id, key, act.seq, act.code, act.group, act.name, act.objective,
                     act.product, act.indicator, act.phase, act.phase_source, act.phase_raw,
                     act.participation_level, act.value_groups, act.instance, act.start_date,
                     act.due_date, act.evidence_means, act.sheet, act.row,
                     json.dumps(act.extra, ensure_ascii=False)])
    frame = pd.DataFrame(rows, columns=_ACTIVITY_COLUMNS)
    frame["start_date"] = pd.to_datetime(frame["start_date"]).dt.date
    frame["due_date"] = pd.to_datetime(frame["due_date"]).dt.date
    con.register("incoming_activity", frame)
    try:
        # The latest file describes the activity: replace the old row.
        _run(con, "DELETE FROM activity WHERE activity_id IN (SELECT activity_id FROM incoming_activity)")
        _run(con, f"INSERT INTO activity SELECT {', '.join(_cast(c) for c in _ACTIVITY_COLUMNS)} "
                    "FROM incoming_activity")
    finally:
        con.unregister("incoming_activity")
    return ids


def _cast(column: str) -> str:
    casts = {"start_date": "CAST(start_date AS DATE)", "due_date": "CAST(due_date AS DATE)",
             "extra": "CAST(extra AS JSON)", "code": "CAST(code AS VARCHAR)",
             "seq": "CAST(seq AS INTEGER)", "source_row": "CAST(source_row AS INTEGER)"}
    return casts.get(column, f"CAST({column} AS VARCHAR)" if column not in (
        "activity_id", "plan_id") else column)


def _replace_children(con, plan: ParsedPlan, ids: list[int]) -> None:
    """Offices and schedule come whole from the latest file of the plan."""
    offices = [(i, o.canonical, o.raw) for i, act in zip(ids, plan.activities) for o in act.offices]
    months = [(i, month, planned) for i, act in zip(ids, plan.activities) for month, planned in act.schedule]
    id_frame = pd.DataFrame({"activity_id": ids})
    con.register("incoming_ids", id_frame)
    try:
        _run(con, "DELETE FROM activity_office WHERE activity_id IN (SELECT activity_id FROM incoming_ids)")
        _run(con, "DELETE FROM schedule WHERE activity_id IN (SELECT activity_id FROM incoming_ids)")
    finally:
        con.unregister("incoming_ids")
    if offices:
        _bulk_insert(con, "activity_office", pd.DataFrame(offices, columns=["activity_id", "office", "office_raw"])
                     .drop_duplicates(["activity_id", "office"]))
    if months:
        frame = pd.DataFrame(months, columns=["activity_id", "month", "planned"])
        frame = frame.groupby(["activity_id", "month"], as_index=False)["planned"].sum()
        _bulk_insert(con, "schedule", frame)


def _bulk_insert(con, table: str, frame: pd.DataFrame) -> None:
    con.register("incoming_rows", frame)
    try:
        _run(con, f"INSERT INTO {table} ({', '.join(frame.columns)}) "
                    f"SELECT {', '.join(frame.columns)} FROM incoming_rows")
    finally:
        con.unregister("incoming_rows")


_READING_COLUMNS = ["activity_id", "period_kind", "period_index", "period_label", "cutoff", "state",
                    "value", "raw", "planned", "executed", "observation", "evidence", "import_id"]
_COMPARED = ["cutoff", "state", "value", "raw", "planned", "executed", "observation", "evidence"]


def _add_readings(con, plan: ParsedPlan, ids: list[int], import_id: int, result: ImportResult) -> None:
    rows = [[i, r.period_kind, r.period_index, r.period_label, r.cutoff, r.state, r.value, r.raw,
             r.planned, r.executed, r.observation, r.evidence, import_id]
            for i, act in zip(ids, plan.activities) for r in act.readings]
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=_READING_COLUMNS)
    frame["cutoff"] = pd.to_datetime(frame["cutoff"]).dt.date
    con.register("incoming_reading", frame)
    try:
        same = " AND ".join(f"c.{c} IS NOT DISTINCT FROM CAST(n.{c} AS {t})" for c, t in zip(
            _COMPARED, ["DATE", "VARCHAR", "DOUBLE", "VARCHAR", "DOUBLE", "DOUBLE", "VARCHAR", "VARCHAR"]))
        _run(con, f"""
            CREATE TEMP TABLE new_reading AS
            SELECT n.*, (c.activity_id IS NOT NULL) AS had_previous
            FROM incoming_reading n
            LEFT JOIN reading_current c USING (activity_id, period_kind, period_index)
            WHERE c.activity_id IS NULL OR NOT ({same})""")
        result.readings_added, result.readings_changed = _one(
            con, "SELECT count(*) FILTER (WHERE NOT had_previous), count(*) FILTER (WHERE had_previous) "
            "FROM new_reading")
        _run(con, f"INSERT INTO reading SELECT {', '.join(_READING_COLUMNS)} FROM new_reading")
        _run(con, "DROP TABLE new_reading")
    finally:
        con.unregister("incoming_reading")


def _add_report(con, plan: ParsedPlan, import_id: int) -> None:
    if plan.issues:
        _bulk_insert(con, "import_issue", pd.DataFrame(
            [[import_id, n, i.severity, i.code, i.sheet, i.row, i.column, i.value, i.message]
             for n, i in enumerate(plan.issues, start=1)],
            columns=["import_id", "seq", "severity", "code", "sheet", "row_number", "col", "value", "message"]
        ).astype({"row_number": "Int64"}))
    if plan.skipped_rows:
        _bulk_insert(con, "skipped_row", pd.DataFrame(
            [[import_id, s.sheet, s.row, s.reason, s.content] for s in plan.skipped_rows],
            columns=["import_id", "sheet", "row_number", "reason", "content"]))


# ------------------------------------------------------------------ samples
def sample_specs() -> list[FileSpec]:
    """The bundled sample plans, with the overrides of sample_data/manifest.csv."""
    specs = []
    with open(SAMPLE_MANIFEST, encoding="utf-8") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            specs.append(FileSpec(SAMPLE_DIR / row["archivo"], entity=row.get("entidad") or None,
                                  year=int(row["vigencia"]) if row.get("vigencia") else None))
    return specs


def ensure_database(db_path: Path | str | None = None) -> bool:
    """Build the database from the sample plans if it does not exist yet.

    Returns True when it was built. Safe when several processes start at once:
    the write lock serialises them and the second finds the file there.
    """
    path = Path(db_path) if db_path else store.default_db_path()
    if path.exists():
        return False
    plans = [parse(spec) for spec in sample_specs()]
    try:
        with store.write_transaction(path) as con:
            if path.exists():  # another process built it while we waited
                raise _NothingToWrite
            for plan in plans:
                store_plan(con, plan, imported_by="datos de ejemplo")
    except _NothingToWrite:
        return False
    return True
