"""Store parsed plans in DuckDB: atomic, idempotent, history-keeping.

- The same bytes imported twice change nothing (the checksum is recorded).
- A later follow-up of a plan already loaded (same entity and vigencia) adds
  the readings that are new or changed, keeps the earlier ones as history,
  and matches activities by their code and wording instead of duplicating them.
- Several files imported together land together or not at all.
"""
from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from data_layer import corrections, store
from data_layer.corrections import Corrections
from data_layer.errors import PlanFileError
from data_layer.ingest import many_objects, read_plan
from data_layer.model import ERROR, Activity, Issue, ParsedPlan, Reading, SkippedRow
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
    with many_objects():
        saved = corrections.load_from(db_path)
        plans = [parse(spec, saved) for spec in specs]
        return import_parsed(plans, db_path, imported_by=imported_by)


def import_parsed(plans: list[ParsedPlan], db_path: Path | str | None = None, *,
                  imported_by: str | None = None) -> list[ImportResult]:
    """Store parsed plans in one atomic transaction (one copy of the database
    file written and swapped in, however many plans)."""
    results: list[ImportResult] = []
    try:
        with many_objects(), store.write_transaction(db_path) as con:
            results = store_plans(con, plans, imported_by=imported_by)
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
    return store_plans(con, [plan], imported_by=imported_by)[0]


def store_plans(con: duckdb.DuckDBPyConnection, plans: list[ParsedPlan], *,
                imported_by: str | None = None) -> list[ImportResult]:
    """Write parsed plans through an open write connection.

    The result is exactly that of storing them one after the other (same ids,
    same rows, a later file of the same plan sees what an earlier one wrote),
    but the database is read once and written once per table for the whole
    batch: a thousand small files cost a handful of statements, not a dozen
    each.
    """
    if not plans:
        return []
    batch = _Batch(con, plans)
    results = [batch.add(plan, imported_by) for plan in plans]
    batch.write()
    return results


def _run(con, sql: str, params: list | None = None) -> list:
    """Execute and consume the result: DuckDB 2.0 refuses the next statement
    on a connection whose previous result was not fetched."""
    return con.execute(sql, params or []).fetchall()


def _entity_of(plan: ParsedPlan) -> str:
    return plan.entity or f"{NO_ENTITY} ({Path(plan.source_file).stem})"


def _plan_key(entity: str, year: int | None) -> str:
    return f"{fold(entity)}|{year or ''}"


def activity_keys(plan: ParsedPlan) -> list[str]:
    """The key that finds each activity again in a later follow-up file."""
    keys, seen = [], {}
    for act in plan.activities:
        key = f"{fold(act.code or '')}|{fold(act.name)[:200]}"
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def _least(old, new):
    """SQL ``least``/``greatest`` skip NULLs: so do these."""
    return new if old is None else old if new is None else min(old, new)


def _greatest(old, new):
    return new if old is None else old if new is None else max(old, new)


def _stored_float(value: object) -> float | None:
    """A DOUBLE as the database keeps it (NaN arrives as NULL)."""
    if value is None:
        return None
    number = float(value)
    return None if number != number else number


# The columns of each table as the batch writes them, with the type each is
# read as (not named: VARCHAR). Every table is written with one INSERT from one
# Arrow table built column by column.
_INT, _DATE, _STAMP, _DOUBLE, _JSON, _LIST = "INTEGER", "DATE", "TIMESTAMP", "DOUBLE", "JSON", "VARCHAR[]"
_TABLES: dict[str, dict[str, str | None]] = {
    "entity": {"entity_id": _INT, "name": None},
    "plan": {"plan_id": _INT, "entity_id": _INT, "vigencia": _INT, "plan_key": None, "title": None,
             "layout": None, "period_start": _DATE, "period_end": _DATE, "created_at": _STAMP,
             "updated_at": _STAMP},
    "activity": {"activity_id": _INT, "plan_id": _INT, "activity_key": None, "seq": _INT, "code": None,
                 "group_name": None, "name": None, "objective": None, "product": None, "indicator": None,
                 "phase": None, "phase_source": None, "phase_raw": None, "participation_level": None,
                 "value_groups": None, "instance": None, "start_date": _DATE, "due_date": _DATE,
                 "evidence_means": None, "source_sheet": None, "source_row": _INT, "extra": _JSON},
    "activity_office": {"activity_id": _INT, "office": None, "office_raw": None},
    "schedule": {"activity_id": _INT, "month": _DATE, "planned": _DOUBLE},
    "reading": {"activity_id": _INT, "period_kind": None, "period_index": _INT, "period_label": None,
                "cutoff": _DATE, "state": None, "value": _DOUBLE, "raw": None, "planned": _DOUBLE,
                "executed": _DOUBLE, "observation": None, "evidence": None, "import_id": _INT},
    "import_file": {"import_id": _INT, "plan_id": _INT, "source_file": None, "checksum": None,
                    "file_format": None, "layout": None, "imported_at": _STAMP, "imported_by": None,
                    "activities_added": _INT, "activities_updated": _INT, "readings_added": _INT,
                    "readings_changed": _INT, "sheets": _LIST, "header_rows": _JSON, "column_map": _JSON,
                    "metadata": _JSON},
    "import_issue": {"import_id": _INT, "seq": _INT, "severity": None, "code": None, "sheet": None,
                     "row_number": _INT, "col": None, "value": None, "message": None},
    "skipped_row": {"import_id": _INT, "sheet": None, "row_number": _INT, "reason": None, "content": None},
}
_ARROW_TYPES = {_INT: pa.int64(), _DATE: pa.date32(), _STAMP: pa.timestamp("us"), _DOUBLE: pa.float64(),
                _LIST: pa.list_(pa.string()), _JSON: pa.string(), None: pa.string()}


def _arrow_column(values: list, kind: str | None) -> pa.Array:
    if kind == _DOUBLE:
        return pa.array(values, pa.float64(), from_pandas=True)  # NaN is NULL, as from a frame
    try:
        return pa.array(values, _ARROW_TYPES[kind])
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        if kind is not None:
            raise
        return pa.array([None if v is None else str(v) for v in values], pa.string())


@contextlib.contextmanager
def _registered(con, name: str, data: pa.Table) -> Iterator[None]:
    """``data`` readable as table ``name`` while the block runs. When the block
    fails the transaction is aborted and DuckDB refuses even the unregister:
    the block's own error is the one raised."""
    con.register(name, data)
    try:
        yield
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.unregister(name)
        raise
    con.unregister(name)


def _insert(con, table: str, columns: dict[str, list]) -> None:
    """One INSERT of whole columns (equal lengths) into ``table``."""
    types = _TABLES[table]
    if not next(iter(columns.values())):
        return
    data = pa.table({name: _arrow_column(values, types[name]) for name, values in columns.items()})
    with _registered(con, "incoming_rows", data):
        select = ", ".join(f"CAST({c} AS {types[c] or 'VARCHAR'})" for c in columns)
        _run(con, f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM incoming_rows")


def _extra_json(extra: dict) -> str:
    return json.dumps(extra, ensure_ascii=False) if extra else "{}"


class _Batch:
    """What a batch of plans writes, assembled in memory and written at the end.

    Reads once what the plans may meet in the database (their checksums,
    entities, plans, the activity keys and current readings of those plans,
    the highest ids), then follows ``store_plan``'s rules for each plan in
    turn against that state, so the ids and rows are those of storing the
    plans one by one. A row written twice in the batch (an activity in two
    follow-ups of its plan) is written once, as the later file has it.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, plans: list[ParsedPlan]) -> None:
        self.con = con
        entities = sorted({_entity_of(p) for p in plans})
        keys = sorted({_plan_key(_entity_of(p), p.year) for p in plans})
        self.imported: dict[str, int] = dict(_run(
            con, "SELECT checksum, plan_id FROM import_file WHERE checksum IN (SELECT unnest(?::VARCHAR[]))",
            [sorted({p.checksum for p in plans})]))
        self.entity_ids: dict[str, int] = dict(_run(
            con, "SELECT name, entity_id FROM entity WHERE name IN (SELECT unnest(?::VARCHAR[]))", [entities]))
        self.plan_ids: dict[str, int] = {}
        self.old_plans: dict[int, dict] = {}  # plans already in the database, as they will be updated
        for plan_key, plan_id, title, start, end in _run(
                con, "SELECT plan_key, plan_id, title, period_start, period_end FROM plan "
                     "WHERE plan_key IN (SELECT unnest(?::VARCHAR[]))", [keys]):
            self.plan_ids[plan_key] = plan_id
            self.old_plans[plan_id] = {"title": title, "period_start": start, "period_end": end}
        (max_entity, max_plan, max_import, max_activity), = _run(con, """
            SELECT (SELECT coalesce(max(entity_id), 0) FROM entity),
                   (SELECT coalesce(max(plan_id), 0) FROM plan),
                   (SELECT coalesce(max(import_id), 0) FROM import_file),
                   (SELECT coalesce(max(activity_id), 0) FROM activity)""")
        self.next_entity, self.next_plan = max_entity + 1, max_plan + 1
        self.next_import, self.next_activity = max_import + 1, max_activity + 1
        old_ids = sorted(self.old_plans)
        self.keys: dict[int, dict[str, int]] = {plan_id: {} for plan_id in old_ids}
        if old_ids:
            for plan_id, key, activity_id in _run(
                    con, "SELECT plan_id, activity_key, activity_id FROM activity "
                         "WHERE plan_id IN (SELECT unnest(?::INTEGER[]))", [old_ids]):
                self.keys[plan_id][key] = activity_id
        # The current reading of every period the batch may meet: those of the
        # plans it follows up, and any left by activities whose ids it reuses.
        self.current: dict[tuple, tuple] = {}
        self.with_readings: set[int] = set()  # activity ids with an entry in ``current``
        for (activity_id, kind, index, *compared) in _run(con, """
                SELECT activity_id, period_kind, period_index, cutoff, state, value, raw, planned,
                       executed, observation, evidence
                FROM reading
                WHERE activity_id IN (SELECT activity_id FROM activity
                                      WHERE plan_id IN (SELECT unnest(?::INTEGER[])))
                   OR activity_id > ?
                QUALIFY row_number() OVER (PARTITION BY activity_id, period_kind, period_index
                                           ORDER BY import_id DESC) = 1""", [old_ids, max_activity]):
            self.current[(activity_id, kind, index)] = tuple(compared)
            self.with_readings.add(activity_id)
        # Activities whose readings were all written without comparing (nothing
        # came before them): their readings join ``current`` only if a later
        # file of the batch follows them up.
        self.unseen: dict[int, Activity] = {}
        self.new_entities: list[tuple[int, str]] = []
        self.new_plans: dict[int, dict] = {}
        self.touched: list[tuple[int, int, list[str], list[int], list[Activity]]] = []  # import, plan, keys, ids, acts
        # Readings to write, file by file: (import id, activity ids, activities)
        # when all their readings are written, (import id, pairs) otherwise.
        self.readings: list[tuple] = []
        self.files: list[list] = []
        self.issues: list[tuple[int, int, Issue]] = []
        self.skipped: list[tuple[int, SkippedRow]] = []

    # ------------------------------------------------------------ one plan
    def add(self, plan: ParsedPlan, imported_by: str | None) -> ImportResult:
        entity = _entity_of(plan)
        known = self.imported.get(plan.checksum)
        if known is not None:
            return ImportResult(plan.source_file, "sin_cambios", entity, plan.year, known, plan=plan)
        now = datetime.now().replace(microsecond=0)
        entity_id = self.entity_ids.get(entity)
        if entity_id is None:
            entity_id = self.entity_ids[entity] = self.next_entity
            self.next_entity += 1
            self.new_entities.append((entity_id, entity))
        plan_key = _plan_key(entity, plan.year)
        plan_id = self.plan_ids.get(plan_key)
        if plan_id is None:
            plan_id = self.plan_ids[plan_key] = self.next_plan
            self.next_plan += 1
            self.keys[plan_id] = {}
            self.new_plans[plan_id] = {
                "plan_id": plan_id, "entity_id": entity_id, "vigencia": plan.year, "plan_key": plan_key,
                "title": plan.title, "layout": plan.layout, "period_start": plan.period_start,
                "period_end": plan.period_end, "created_at": now, "updated_at": now}
        row = self.new_plans.get(plan_id) or self.old_plans[plan_id]
        row["updated_at"], row["layout"] = now, plan.layout
        row["title"] = plan.title if plan.title is not None else row["title"]
        row["period_start"] = _least(row["period_start"], plan.period_start)
        row["period_end"] = _greatest(row["period_end"], plan.period_end)
        import_id = self.next_import
        self.next_import += 1
        result = ImportResult(plan.source_file, "importado", entity, plan.year, plan_id, import_id, plan=plan)
        keys = activity_keys(plan)
        ids = self._activity_ids(plan_id, keys, result)
        self.touched.append((import_id, plan_id, keys, ids, plan.activities))
        self._readings(plan, ids, import_id, result)
        self.files.append([import_id, plan_id, plan.source_file, plan.checksum, plan.file_format, plan.layout,
                           now, imported_by, result.activities_added, result.activities_updated,
                           result.readings_added, result.readings_changed, list(plan.sheets),
                           json.dumps(plan.header_rows, ensure_ascii=False),
                           json.dumps(plan.column_map, ensure_ascii=False),
                           json.dumps(plan.metadata, ensure_ascii=False)])
        self.imported[plan.checksum] = plan_id
        self.issues.extend((import_id, n, issue) for n, issue in enumerate(plan.issues, start=1))
        self.skipped.extend((import_id, skipped) for skipped in plan.skipped_rows)
        return result

    def _activity_ids(self, plan_id: int, keys: list[str], result: ImportResult) -> list[int]:
        """The id of each activity: the one its key already has in the plan, or a new one."""
        existing = self.keys[plan_id]
        ids = []
        for key in keys:
            activity_id = existing.get(key)
            if activity_id is None:
                activity_id, self.next_activity = self.next_activity, self.next_activity + 1
                existing[key] = activity_id  # keys are unique within a plan
                result.activities_added += 1
            else:
                result.activities_updated += 1
            ids.append(activity_id)
        return ids

    def _readings(self, plan: ParsedPlan, ids: list[int], import_id: int, result: ImportResult) -> None:
        """Readings that are new, or differ from the period's current one."""
        with_readings, unseen = self.with_readings, self.unseen
        if not any(i in with_readings or i in unseen for i in ids):
            # Nothing came before any of these activities: every reading is new.
            for activity_id, act in zip(ids, plan.activities):
                if act.readings:
                    unseen[activity_id] = act
                    result.readings_added += len(act.readings)
            self.readings.append((import_id, ids, plan.activities))
            return
        current = self.current
        written: dict[tuple, tuple] = {}
        pairs: list[tuple[int, Reading]] = []
        for activity_id, act in zip(ids, plan.activities):
            if activity_id in unseen:
                for r in unseen.pop(activity_id).readings:
                    current[(activity_id, r.period_kind, r.period_index)] = _compared(r)
                with_readings.add(activity_id)
            for r in act.readings:
                key = (activity_id, r.period_kind, r.period_index)
                compared = _compared(r)
                previous = current.get(key)
                if previous is None:
                    result.readings_added += 1
                elif previous == compared:
                    continue
                else:
                    result.readings_changed += 1
                written[key] = compared
                pairs.append((activity_id, r))
        self.readings.append((import_id, pairs))
        # Every reading of the plan is compared with what came before the plan.
        current.update(written)
        with_readings.update(key[0] for key in written)

    # ------------------------------------------------------------ the batch
    def write(self) -> None:
        if not self.files:
            return
        con = self.con
        _insert(con, "entity", {"entity_id": [e[0] for e in self.new_entities],
                                "name": [e[1] for e in self.new_entities]})
        plans = list(self.new_plans.values())
        _insert(con, "plan", {column: [p[column] for p in plans] for column in _TABLES["plan"]})
        for plan_id, row in self.old_plans.items():
            if "updated_at" in row:
                _run(con, "UPDATE plan SET updated_at = ?, layout = ?, title = ?, period_start = ?, "
                          "period_end = ? WHERE plan_id = ?",
                     [row["updated_at"], row["layout"], row["title"], row["period_start"],
                      row["period_end"], plan_id])
        entries = self._latest_entries()
        ids = [e[0] for e in entries]
        # The latest file describes an activity: its old row, offices and
        # months are replaced.
        with _registered(con, "incoming_ids", pa.table({"activity_id": pa.array(ids, pa.int64())})):
            for table in ("activity", "activity_office", "schedule"):
                _run(con, f"DELETE FROM {table} WHERE activity_id IN (SELECT activity_id FROM incoming_ids)")
        self._write_activities(entries)
        self._write_offices(entries)
        self._write_schedule()
        self._write_readings()
        files = self.files
        _insert(con, "import_file", {column: [f[n] for f in files]
                                     for n, column in enumerate(_TABLES["import_file"])})
        issues = self.issues
        _insert(con, "import_issue", {
            "import_id": [i[0] for i in issues], "seq": [i[1] for i in issues],
            "severity": [i[2].severity for i in issues], "code": [i[2].code for i in issues],
            "sheet": [i[2].sheet for i in issues], "row_number": [i[2].row for i in issues],
            "col": [i[2].column for i in issues], "value": [i[2].value for i in issues],
            "message": [i[2].message for i in issues]})
        skipped = self.skipped
        _insert(con, "skipped_row", {
            "import_id": [s[0] for s in skipped], "sheet": [s[1].sheet for s in skipped],
            "row_number": [s[1].row for s in skipped], "reason": [s[1].reason for s in skipped],
            "content": [s[1].content for s in skipped]})

    def _latest_entries(self) -> list[tuple[int, int, str, Activity, int]]:
        """(activity id, plan id, key, activity, file number) of every activity
        written, once each: as the last file of the batch that has it describes
        it, in the order the rows would have been written one file at a time."""
        entries = [(i, plan_id, key, act, number)
                   for number, (_, plan_id, keys, ids, acts) in enumerate(self.touched)
                   for i, key, act in zip(ids, keys, acts)]
        last = {entry[0]: position for position, entry in enumerate(entries)}
        if len(last) < len(entries):
            entries = [entry for position, entry in enumerate(entries) if last[entry[0]] == position]
        return entries

    def _write_activities(self, entries: list) -> None:
        acts = [e[3] for e in entries]
        _insert(self.con, "activity", {
            "activity_id": [e[0] for e in entries], "plan_id": [e[1] for e in entries],
            "activity_key": [e[2] for e in entries], "seq": [a.seq for a in acts],
            "code": [a.code for a in acts], "group_name": [a.group for a in acts],
            "name": [a.name for a in acts], "objective": [a.objective for a in acts],
            "product": [a.product for a in acts], "indicator": [a.indicator for a in acts],
            "phase": [a.phase for a in acts], "phase_source": [a.phase_source for a in acts],
            "phase_raw": [a.phase_raw for a in acts],
            "participation_level": [a.participation_level for a in acts],
            "value_groups": [a.value_groups for a in acts], "instance": [a.instance for a in acts],
            "start_date": [a.start_date for a in acts], "due_date": [a.due_date for a in acts],
            "evidence_means": [a.evidence_means for a in acts], "source_sheet": [a.sheet for a in acts],
            "source_row": [a.row for a in acts], "extra": [_extra_json(a.extra) for a in acts]})

    def _write_offices(self, entries: list) -> None:
        rows: list[tuple[int, str, str]] = []
        for activity_id, _, _, act, _ in entries:
            if len(act.offices) == 1:
                office = act.offices[0]
                rows.append((activity_id, office.canonical, office.raw))
            elif act.offices:
                offices: dict[str, str] = {}
                for office in act.offices:  # one row per (activity, office): the first raw text
                    offices.setdefault(office.canonical, office.raw)
                rows.extend((activity_id, office, raw) for office, raw in offices.items())
        _insert(self.con, "activity_office", {"activity_id": [r[0] for r in rows],
                                              "office": [r[1] for r in rows],
                                              "office_raw": [r[2] for r in rows]})

    def _write_schedule(self) -> None:
        """Months of each file sorted by activity and month, the same month
        twice summed; only those of the last file that has the activity."""
        last: dict[int, int] = {}
        for number, (_, _, _, ids, _) in enumerate(self.touched):
            for activity_id in ids:
                last[activity_id] = number
        rows: list[tuple[int, date, float]] = []
        for number, (_, _, _, ids, acts) in enumerate(self.touched):
            months = [(i, month, planned) for i, act in zip(ids, acts) if last[i] == number
                      for month, planned in act.schedule]
            if len({(i, month) for i, month, _ in months}) < len(months):
                frame = pd.DataFrame(months, columns=["activity_id", "month", "planned"])
                frame = frame.groupby(["activity_id", "month"], as_index=False)["planned"].sum()
                months = list(frame.itertuples(index=False, name=None))
            else:
                months.sort(key=lambda row: (row[0], row[1]))
            rows.extend(months)
        _insert(self.con, "schedule", {"activity_id": [r[0] for r in rows], "month": [r[1] for r in rows],
                                       "planned": [r[2] for r in rows]})

    def _write_readings(self) -> None:
        activity_ids: list[int] = []
        import_ids: list[int] = []
        readings: list[Reading] = []
        for chunk in self.readings:
            if len(chunk) == 3:
                import_id, ids, acts = chunk
                found = [r for act in acts for r in act.readings]
                activity_ids.extend([i for i, act in zip(ids, acts) for _ in act.readings])
            else:
                import_id, pairs = chunk
                found = [r for _, r in pairs]
                activity_ids.extend([i for i, _ in pairs])
            readings.extend(found)
            import_ids.extend([import_id] * len(found))
        _insert(self.con, "reading", {
            "activity_id": activity_ids, "period_kind": [r.period_kind for r in readings],
            "period_index": [r.period_index for r in readings],
            "period_label": [r.period_label for r in readings], "cutoff": [r.cutoff for r in readings],
            "state": [r.state for r in readings], "value": [r.value for r in readings],
            "raw": [r.raw for r in readings], "planned": [r.planned for r in readings],
            "executed": [r.executed for r in readings], "observation": [r.observation for r in readings],
            "evidence": [r.evidence for r in readings], "import_id": import_ids})


def _compared(r: Reading) -> tuple:
    """What decides whether a reading changed, as the database would hold it."""
    return (r.cutoff, r.state, _stored_float(r.value), r.raw, _stored_float(r.planned),
            _stored_float(r.executed), r.observation, r.evidence)


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
            store_plans(con, plans, imported_by="datos de ejemplo")
    except _NothingToWrite:
        return False
    return True
