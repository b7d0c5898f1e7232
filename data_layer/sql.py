"""Running the dashboard's SQL: named parameters, the filtered activity states.

Every query binds named parameters (``$corte``, ``$entidad``…). DuckDB refuses
parameters a statement does not use, so :func:`run` passes only those that
appear in the SQL text; the query functions can then share one dict.
"""
from __future__ import annotations

import re
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


def resolve_corte(con: duckdb.DuckDBPyConnection, filters: Filters) -> date | None:
    """The cut-off the figures use: the chosen one, else the latest of the filtered plans."""
    if filters.corte is not None:
        return filters.corte
    where, params = filters.to_where(plan_level=True)
    sql = f"""
        SELECT max(r.cutoff) AS corte
        FROM reading_current r
        JOIN activity a ON a.activity_id = r.activity_id
        JOIN ({PLAN_SCOPE}) p ON p.plan_id = a.plan_id
        WHERE {where}
    """
    value = run(con, sql, params)["corte"].iloc[0]
    return None if pd.isna(value) else pd.Timestamp(value).date()


def filtered(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    select: str,
    cortes: str = status.CORTE_UNICO,
    extra_where: str = "",
    extra_params: dict[str, object] | None = None,
) -> pd.DataFrame:
    """Run ``select`` over ``f``: the activity states at the cut-off, filtered.

    ``cortes`` chooses the cut-offs (see ``data_layer.status``); the SQL may
    also name ``estado`` (the unfiltered states) and bind ``$corte``.
    """
    where, params = filters.to_where()
    if extra_where:
        where = f"({where}) AND ({extra_where})"
    params |= extra_params or {}
    params |= {"corte": resolve_corte(con, filters), **filters.umbrales.params()}
    sql = f"""
        WITH estado AS ({status.activity_state_sql(cortes)}),
        f AS (SELECT * FROM estado WHERE {where})
        {select}
    """
    return run(con, sql, params)
