"""Running the dashboard's SQL: named parameters, the filtered activity states.

Every query binds named parameters (``$corte``, ``$entidad``…). DuckDB refuses
parameters a statement does not use, so :func:`run` passes only those that
appear in the SQL text; the query functions can then share one dict.

The activity states are read from tables derived from the stored ones
(``data_layer.status.DERIVED_SQL``), and :func:`derived` says where they are:

- Every write to the database file (``store.write_transaction``: imports,
  deletions, corrections) ends with :func:`store_derived`, which rebuilds them
  in the file's schema ``derivados`` inside the same transaction, stamped
  with :data:`status.DERIVED_VERSION`. The dashboard's read-only connection
  reads them from there: a server start opens the file and is ready, at any
  scale, instead of deriving millions of rows first.
- A read-only file without them, or with tables of another version of these
  rules (written by an older release), gets them built once into an
  in-memory, compressed database attached to the connection, shared by all its
  cursors (every browser session) and kept for the life of the connection. One
  lock makes concurrent first queries wait for a single build.
- On a writable connection (a test, a script) the data may change between two
  queries, so they are rebuilt as temporary tables on every call.
"""
from __future__ import annotations

import functools
import re
import threading
import uuid
import weakref
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from data_layer import status
from data_layer.filters import Filters

_PARAM = re.compile(r"\$([A-Za-z_]\w*)")

# One row per plan with the columns plan-level filters use.
PLAN_SCOPE = """
    SELECT p.plan_id, e.name AS entidad, p.vigencia
    FROM plan p JOIN entity e ON e.entity_id = p.entity_id
"""


def run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> pd.DataFrame:
    used = set(_PARAM.findall(sql))
    return con.execute(sql, {name: value for name, value in params.items() if name in used}).df()


_BUILD_LOCK = threading.Lock()
_SCHEMA = f"{status.DERIVED_CATALOG}.main"
STORED = "derivados"  # the schema of the file that holds them


def derived(con: duckdb.DuckDBPyConnection) -> str:
    """The schema holding the derived tables for ``con``'s data, built if needed."""
    return _derived(con)[0]


def _derived(con: duckdb.DuckDBPyConnection) -> tuple[str, str | None]:
    """(schema, token): the token names one build of the shared derived tables
    (None for the per-call temporary ones), for caches kept in Python."""
    if stored := _stored(con):  # the usual case: one query
        return stored
    read_only, token = _status(con)
    if token:
        return _SCHEMA, token
    if read_only:
        with _BUILD_LOCK:
            read_only, token = _status(con)
            if token:
                return _SCHEMA, token
            try:
                con.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {status.DERIVED_CATALOG} "
                            "(COMPRESS)")
            except duckdb.Error:
                pass  # a read-only instance (duckdb.connect(path, read_only=True)) cannot
            else:
                _build(con, _SCHEMA)
                token = uuid.uuid4().hex
                con.execute(f"CREATE OR REPLACE TABLE {_SCHEMA}.listo AS SELECT $t AS token",
                            {"t": token})
                con.execute(f"CHECKPOINT {status.DERIVED_CATALOG}")  # compresses them
                return _SCHEMA, token
    _build(con, "temp.main")
    return "temp.main", None


# Cursors of store.Database whose file is known to hold the derived tables
# (a read-only file cannot change under its connection): the answer of
# _stored without a query, which every query function asked twice.
_KNOWN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def remember_stored(con: duckdb.DuckDBPyConnection,
                    stored: tuple[str, str] | None) -> tuple[str, str] | None:
    """Remember what :func:`_stored` found for ``con`` (a cursor of a read-only
    connection, whose answer cannot change); returns ``stored``."""
    if stored:
        _KNOWN[con] = stored
    return stored


def _stored(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """(schema, token) of the derived tables stored in the file, if it is
    read-only (a writable one may have changed since) and they are of this
    version of the rules."""
    if known := _KNOWN.get(con):
        return known
    try:
        rows = con.execute(f"""
            SELECT l.token, l.version, d.database_name
            FROM {STORED}.listo l, duckdb_databases() d
            WHERE d.database_name = current_database() AND d.readonly""").fetchall()
    except duckdb.CatalogException:
        return None
    if not rows or rows[0][1] != status.DERIVED_VERSION:
        return None
    return f'"{rows[0][2]}".{STORED}', rows[0][0]


def store_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the derived tables in the schema ``derivados`` of ``con``'s
    database (a write transaction's copy, before it commits)."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {STORED}")
    _build(con, STORED)
    con.execute(f"CREATE OR REPLACE TABLE {STORED}.listo AS "
                "SELECT $t AS token, $v AS version",
                {"t": uuid.uuid4().hex, "v": status.DERIVED_VERSION})


def _status(con: duckdb.DuckDBPyConnection) -> tuple[bool, str | None]:
    """Whether the data read is read-only, and the token of its built derived tables."""
    rows = con.execute("SELECT database_name, readonly, database_name = current_database() "
                       "FROM duckdb_databases()").fetchall()
    read_only = any(readonly for _name, readonly, current in rows if current)
    if not read_only or not any(name == status.DERIVED_CATALOG for name, _r, _c in rows):
        return read_only, None
    try:
        return True, con.execute(f"SELECT token FROM {_SCHEMA}.listo").fetchall()[0][0]
    except duckdb.CatalogException:  # attached, still being built by another thread
        return True, None


@dataclass(frozen=True)
class Dimensions:
    """The small derived tables (one row per plan, per plan and cut-off, per plan
    and option), in memory: the sidebar and the cut-off lookups need no query."""

    plans: pd.DataFrame  # plan_id, entidad, vigencia
    cortes: pd.DataFrame  # plan_id, corte, periodo
    opciones: pd.DataFrame  # plan_id, campo, valor
    # Answers computed from these tables alone (sidebar options, the default
    # cut-off), by question: they cannot change while the file does not.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def remember(self, key: tuple, compute):
        """``compute()``, once per ``key`` for these dimensions."""
        if key not in self.memo:
            if len(self.memo) > 4096:  # a crawler trying every combination
                self.memo.clear()
            self.memo[key] = compute()
        return self.memo[key]

    @functools.cached_property
    def fechas(self) -> frozenset[date]:
        """Every cut-off date of any plan (those the roll-ups are kept at)."""
        return frozenset(day.date() for day in pd.to_datetime(self.cortes["corte"].unique()))

    def plan_ids(self, filters: Filters) -> pd.Series:
        """The plans the plan-level filters (entidad, vigencia) select."""
        plans, mask = self.plans, pd.Series(True, index=self.plans.index)
        if filters.entidad:
            mask &= plans["entidad"].isin(list(filters.entidad))
        if filters.vigencia:
            mask &= plans["vigencia"].isin(list(filters.vigencia))
        return plans.loc[mask, "plan_id"]


_DIMENSIONS: dict[str, Dimensions] = {}
_KEEP = 4  # builds whose dimensions stay in memory (one per database file version)


def dimensions(con: duckdb.DuckDBPyConnection) -> Dimensions:
    schema, token = _derived(con)
    if token in _DIMENSIONS:
        return _DIMENSIONS[token]
    found = Dimensions(
        plans=run(con, f"SELECT plan_id, entidad, vigencia FROM {schema}.plan_dim", {}),
        cortes=run(con, f"SELECT plan_id, corte, periodo FROM {schema}.plan_corte", {}),
        opciones=run(con, f"SELECT plan_id, campo, valor FROM {schema}.plan_opcion", {}))
    if token:
        with _BUILD_LOCK:
            while len(_DIMENSIONS) >= _KEEP:
                _DIMENSIONS.pop(next(iter(_DIMENSIONS)), None)
            _DIMENSIONS[token] = found
    return found


def _build(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    # Not keeping the insertion order of intermediate results halves the
    # build; no derived table relies on it (estado_corte's UNION ALL still
    # writes its two parts to row groups of their own).
    previous = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    con.execute("SET preserve_insertion_order = false")
    try:
        for statement in status.derived_sql(schema):
            con.execute(statement.replace("CREATE OR REPLACE TABLE temp.main.",
                                          "CREATE OR REPLACE TEMP TABLE ")
                        if schema == "temp.main" else statement)
    finally:
        con.execute(f"SET preserve_insertion_order = {str(previous).lower()}")


def resolve_corte(con: duckdb.DuckDBPyConnection, filters: Filters) -> date | None:
    """The cut-off the figures use: the chosen one, else the latest of the filtered plans."""
    if filters.corte is not None:
        return filters.corte
    dims = dimensions(con)

    def latest():
        cortes = dims.cortes.loc[dims.cortes["plan_id"].isin(dims.plan_ids(filters)), "corte"]
        return None if cortes.empty else pd.Timestamp(cortes.max()).date()

    return dims.remember(("corte", filters.entidad, filters.vigencia), latest)


def filtered(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    select: str,
    cortes: str = status.CORTE_UNICO,
    extra_where: str = "",
    extra_params: dict[str, object] | None = None,
    text: bool = False,
) -> pd.DataFrame:
    """Run ``select`` over ``f``: the activity states at the cut-off, filtered.

    ``cortes`` chooses the cut-offs (see ``data_layer.status``); the SQL may
    also name ``estado`` (the unfiltered states) and bind ``$corte``. The
    states come from the derived tables for ``CORTE_UNICO`` and
    ``CORTES_DEL_PLAN``; the text columns (``codigo``, ``actividad``…,
    ``texto_busqueda``) are there only with ``text=True`` or a text filter.
    """
    where, params = filters.to_where()
    if extra_where:
        where = f"({where}) AND ({extra_where})"
    params |= extra_params or {}
    corte = resolve_corte(con, filters)
    params |= {"corte": corte, **filters.umbrales.params()}
    if cortes in (status.CORTE_UNICO, status.CORTES_DEL_PLAN):
        text = text or "texto_busqueda" in where
        schema = derived(con)
        select = select.replace("__DERIVADOS__", schema)
        state = status.state_sql(schema, history=cortes == status.CORTES_DEL_PLAN,
                                 offices="dependencias" in where + select, text=text,
                                 corte_known=corte is not None, uses=where + select)
    else:
        state = status.activity_state_sql(cortes)
    sql = f"""
        WITH estado AS ({state}),
        f AS (SELECT * FROM estado WHERE {where})
        {select}
    """
    return run(con, sql, params)
