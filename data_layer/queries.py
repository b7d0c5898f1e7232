"""One function per figure on screen: ``(con, filters, ...) -> DataFrame``.

Tables come back ready for people: Spanish column names, typed values (dates,
floats), sorted. Columns whose name starts with ``_`` are keys for charts and
drill-down (``_filtro``, ``_estado``…); ``data_layer.export.visible`` drops them,
for the screen and for the downloads alike.

Averages are simple means over the activities with a numeric avance at the
cut-off (``valor``); see ``data_layer.status`` for the states.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Mapping

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data_layer import drill, es_co, export, semaforo, status
from data_layer.filters import Filters
from data_layer.model import PHASE_LABELS, PHASES
from data_layer.sql import derived, dimensions, filtered, resolve_corte, run

AVANCE = "Avance promedio (%)"

# The counts every summary shares, in two steps (several times faster over a
# million activities than one): first one row per group and state (``g``, see
# :func:`summed`: from the roll-up or from the filtered activities), then
# ``_SUMS`` over those rows. State counts are exclusive; the average is the
# simple mean of the numeric avances (sum ÷ count).


def _count_of(condition: str, name: str) -> str:
    return f'CAST(coalesce(sum(n) FILTER (WHERE {condition}), 0) AS BIGINT) AS "{name}"'


_SUMS = ",\n".join([
    'CAST(coalesce(sum(n), 0) AS BIGINT) AS "Actividades"',
    'CAST(coalesce(sum(nv), 0) AS BIGINT) AS "Con avance"',
    'sum(sv) / sum(nv) AS "Avance promedio (%)"',
    _count_of("estado = 'cumplida'", "Cumplidas"),
    _count_of("estado = 'en_curso'", "En curso"),
    _count_of("estado = 'vencida'", "Vencidas"),
    _count_of("estado = 'sin_reporte'", "Sin reporte"),
    _count_of("estado = 'no_programada'", "No programadas"),
    _count_of("estado = 'sin_seguimiento'", "Sin seguimiento"),
])


# ----------------------------------------------------------------- options


def corte_options(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The cut-offs of the plans selected by entidad and vigencia, latest first.

    Columns: ``_corte`` (date) and ``Corte`` ("Trimestre I 2024 (31/03/2024)").
    """
    dims = dimensions(con)

    def compute() -> pd.DataFrame:
        cortes = dims.cortes[dims.cortes["plan_id"].isin(dims.plan_ids(filters))]
        df = (cortes.groupby("corte", as_index=False)["periodo"].min()
              .sort_values("corte", ascending=False, ignore_index=True)
              .rename(columns={"corte": "_corte"}))
        return finish_corte_options(df)

    return dims.remember(("cortes", filters.entidad, filters.vigencia), compute).copy()


def finish_corte_options(df: pd.DataFrame) -> pd.DataFrame:
    df["_corte"] = [es_co.as_date(value) for value in df["_corte"]]
    df["Corte"] = [corte_label(p, c) for p, c in zip(df["periodo"], df["_corte"], strict=True)]
    return df[["_corte", "Corte"]]


def corte_label(period_label: str | None, cutoff: object, with_date: bool = True) -> str:
    """``("Trimestre I", 2024-03-31)`` → ``"Trimestre I 2024 (31/03/2024)"``."""
    day = es_co.as_date(cutoff)
    label = (period_label or "Corte").strip()
    if str(day.year) not in label:
        label = f"{label} {day.year}"
    return f"{label} ({es_co.date_text(day)})" if with_date else label


def options(con: duckdb.DuckDBPyConnection, filters: Filters, field: str) -> list:
    """Values a sidebar filter offers. Entities: all; the rest: within the chosen
    entities and vigencias. Phases come in the order of the management cycle."""
    scope = Filters() if field == "entidad" else filters
    dims = dimensions(con)

    def compute() -> list:
        plans = dims.plan_ids(scope)
        if field in ("entidad", "vigencia"):
            values = dims.plans.loc[dims.plans["plan_id"].isin(plans), field].dropna()
            values = sorted(values.unique().tolist(), reverse=field == "vigencia")
        else:
            chosen = dims.opciones[(dims.opciones["campo"] == field)
                                   & dims.opciones["plan_id"].isin(plans)]
            values = sorted(chosen["valor"].unique().tolist())
        return finish_options(values, field)

    return list(dims.remember(("opciones", field, scope.entidad, scope.vigencia), compute))


def finish_options(values: list, field: str) -> list:
    if field == "fase":
        return [phase for phase in PHASES if phase in values]
    if field == "vigencia":
        return [int(value) for value in values]
    return values


# -------------------------------------------------------------- the summary


def kpis(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row: the headline figures of the filtered activities at the cut-off.

    State counts are exclusive (they add up to ``Actividades``);
    ``Vencidas sin avance`` is the part of ``Vencidas`` the average leaves out
    (see :func:`average_parts`: every set the sentence names is one of these).
    """
    return finish_kpis(summed(con, filters, ("entidad", "sin_valor"), KPIS_SQL),
                       filters, resolve_corte(con, filters))


KPIS_SQL = f"""
        SELECT {_SUMS},
            {_count_of("estado = 'vencida' AND sin_valor", "Vencidas sin avance")},
            max(ml) AS ultima_lectura,
            count(DISTINCT entidad) AS entidades
        FROM g
"""


def finish_kpis(df: pd.DataFrame, filters: Filters, corte) -> pd.DataFrame:
    df["corte"] = corte
    df["_semaforo"] = [filters.umbrales.classify(v) for v in df[AVANCE]]
    return df


# The sets the sentence under «Avance general» names, in the categories of the
# cards (exclusive states), each with the drill-down conditions that list its
# activities: (kpis column, singular, plural, drill conditions). The average
# takes the first; the others are what it leaves out, and all of them add up
# to «Actividades» (every cumplida and en curso has a number; a vencida may
# or may not).
AVERAGE_PARTS: tuple[tuple[str, str, str, dict[str, object]], ...] = (
    ("Con avance", "actividad con avance reportado", "actividades con avance reportado",
     {"con_avance": True}),
    ("Vencidas sin avance", "vencida sin avance", "vencidas sin avance",
     {"estado": "vencida", "sin_avance": True}),
    ("Sin reporte", "sin reporte", "sin reporte", {"estado": "sin_reporte"}),
    ("No programadas", "no programada", "no programadas", {"estado": "no_programada"}),
    ("Sin seguimiento", "sin seguimiento", "sin seguimiento", {"estado": "sin_seguimiento"}),
)


def average_parts(row: pd.Series) -> list[tuple[str, int, str]]:
    """``(words, count, drill JSON)`` of each set :func:`explain_average` names,
    in its order: first the activities averaged, then the non-empty sets left
    out. The drill JSON lists exactly ``count`` activities with the same
    filters (``activities_table(con, filters, drill_json)``)."""
    parts = []
    for number, (column, one, many, conditions) in enumerate(AVERAGE_PARTS):
        count = int(row[column])
        if count or number == 0:
            parts.append((es_co.plural(count, one, many), count, drill.encode(conditions)))
    return parts


def explain_average(row: pd.Series) -> str:
    """How the overall avance was computed, in the words of the cards, e.g.
    "Promedio simple de 6 actividades con avance reportado; no entran en el
    promedio 2 vencidas sin avance y 3 no programadas."
    """
    (head, counted, _), *left_out = average_parts(row)
    names = es_co.join([words for words, _, _ in left_out])
    if counted == 0:
        return f"Ninguna actividad tiene avance numérico al corte ({names})."
    if not left_out:
        return f"Promedio simple de {head}: todas las que cumplen los filtros."
    verb = "no entra" if sum(n for _, n, _ in left_out) == 1 else "no entran"
    return f"Promedio simple de {head}; {verb} en el promedio {names}."


def states_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, estado) at the cut-off; states in a fixed order,
    zeros kept (a 0 in "Sin reporte" is news), "Sin seguimiento" only when it occurs."""
    return finish_states_summary(summed(con, filters, ("entidad",), STATES_SUMMARY_SQL))


STATES_SUMMARY_SQL = """
        SELECT entidad AS "Entidad", estado AS _estado, sum(n) AS "Actividades"
        FROM g GROUP BY ALL
"""


def finish_states_summary(df: pd.DataFrame) -> pd.DataFrame:
    df = _every_pair(df, "_estado", status.ESTADOS)
    seen = df.groupby("_estado")["Actividades"].transform("sum") > 0
    df = df[(df["_estado"] != "sin_seguimiento") | seen].reset_index(drop=True)
    df.insert(1, "Estado", df["_estado"].map(status.ESTADO_LABELS))
    return add_drill(df, {"entidad": "Entidad", "estado": "_estado"})


def states_totals(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """:func:`states_summary` summed over its entities, one row per state:
    exactly ``totals.states(states_summary(…))``, counted in SQL (what the
    chart of many entities draws, without 6.000 rows per entity and state)."""
    df = summed(con, filters, (), _OVER_ENTITIES.format(column="estado", key="_estado"))
    return _code_totals(df, "_estado", status.ESTADOS, status.ESTADO_LABELS.get, "Estado",
                        "estado", optional=("sin_seguimiento",))


def semaforo_totals(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """:func:`semaforo_summary` summed over its entities, one row per colour:
    exactly ``totals.semaforo_colours(semaforo_summary(…))``, counted in SQL."""
    df = summed(con, filters, ("semaforo",),
                _OVER_ENTITIES.format(column="semaforo", key="_semaforo"))
    return _code_totals(df, "_semaforo", semaforo.COLORS, semaforo.label, "Semáforo",
                        "semaforo")


def _code_totals(df: pd.DataFrame, key: str, codes: tuple[str, ...], label, title: str,
                 drill: str, optional: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows of one pseudo-entity (``_OVER_ENTITIES``) as the totals of a
    per-entity summary: every code in order, zeros kept, an ``optional`` code
    only when it occurs, each with its label and drill-down filter."""
    if df.empty:  # no activity: no row at all, as the per-entity summary
        return add_drill(pd.DataFrame({title: pd.Series([], dtype="str"),
                                       key: pd.Series([], dtype="str"),
                                       "Actividades": pd.Series([], dtype="int64")}),
                         {drill: key})
    counts = dict(zip(df[key].tolist(), df["Actividades"].tolist(), strict=True))
    kept = [code for code in codes if code not in optional or counts.get(code, 0) > 0]
    out = pd.DataFrame({title: pd.Series([label(code) for code in kept], dtype="str"),
                        key: pd.Series(kept, dtype="str"),
                        "Actividades": pd.Series([int(counts.get(code, 0)) for code in kept],
                                                 dtype="int64")})
    return add_drill(out, {drill: key})


# One pseudo-entity holding every count (the totals name no entity).
_OVER_ENTITIES = """
        SELECT '' AS "Entidad", {column} AS {key}, sum(n) AS "Actividades" FROM g GROUP BY ALL
"""


def _every_pair(df: pd.DataFrame, column: str, codes: tuple[str, ...]) -> pd.DataFrame:
    """``df`` (Entidad, ``column``, Actividades) with a row for every entity and
    code, in that order (entities sorted, codes as given), zeros kept."""
    entities = sorted(df["Entidad"].unique())
    index = pd.MultiIndex.from_product([pd.Index(entities, dtype="str"),
                                        pd.Index(codes, dtype="str")],
                                       names=["Entidad", column])
    counts = (df.set_index(["Entidad", column])["Actividades"].astype("int64")
              .reindex(index, fill_value=0))
    return counts.reset_index()


def semaforo_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, colour of the semáforo) at the cut-off, zeros kept."""
    return finish_semaforo_summary(summed(con, filters, ("entidad", "semaforo"),
                                          SEMAFORO_SUMMARY_SQL))


SEMAFORO_SUMMARY_SQL = """
        SELECT entidad AS "Entidad", semaforo AS _semaforo, sum(n) AS "Actividades"
        FROM g GROUP BY ALL
"""


def finish_semaforo_summary(df: pd.DataFrame) -> pd.DataFrame:
    df = _every_pair(df, "_semaforo", semaforo.COLORS)
    df.insert(1, "Semáforo", df["_semaforo"].map(semaforo.label))
    return add_drill(df, {"entidad": "Entidad", "semaforo": "_semaforo"})


def entity_comparison(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per entidad: the summary figures side by side."""
    return finish_entity_comparison(
        summed(con, filters, ("entidad", "vigencia"), ENTITY_COMPARISON_SQL), filters)


ENTITY_COMPARISON_SQL = f"""
        SELECT entidad AS "Entidad",
               array_to_string(list(DISTINCT vigencia::VARCHAR ORDER BY vigencia::VARCHAR), ', ')
                   AS "Vigencia",
               max(ml) AS "Último seguimiento",
               {_SUMS}
        FROM g GROUP BY entidad ORDER BY entidad
"""


def finish_entity_comparison(df: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    df = _with_semaforo(df, filters)
    return add_drill(df, {"entidad": "Entidad"})


def last_reports(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The «Entidad» and «Último seguimiento» columns of :func:`entity_comparison`
    alone: what :func:`consolidated_text` reads (every page's header), without
    the figures, colours and drill-down of a thousand entities."""
    return summed(con, filters, ("entidad",), LAST_REPORTS_SQL)


LAST_REPORTS_SQL = """
        SELECT entidad AS "Entidad", max(ml) AS "Último seguimiento"
        FROM g GROUP BY entidad ORDER BY entidad
"""


CONSOLIDATED_DATES = 4  # cut-off dates named one by one in consolidated_text


def consolidated_text(comparison: pd.DataFrame, corte: object) -> str:
    """What a view of several entities is, from :func:`entity_comparison` (or
    :func:`last_reports`, its two columns read here):
    "Vista consolidada de 5 entidades, cada una con su último reporte hasta el
    31/12/2024: 1 al 31/12/2024 (A), 1 al 31/03/2022 (B) y 3 todavía sin ningún
    corte (C, D y E)." Names are given for groups of up to three. (Its counts
    are of entities: no state word follows a number, so no one reads them as
    counts of activities.)"""
    day = es_co.as_date(corte)
    groups: dict[object, list[str]] = {}
    for entity, last in zip(comparison["Entidad"], comparison["Último seguimiento"],
                            strict=True):
        groups.setdefault(es_co.as_date(last), []).append(str(entity))
    dated = sorted((d for d in groups if d is not None), reverse=True)
    parts = []
    for d in dated[:CONSOLIDATED_DATES]:
        names = groups[d]
        who = f" ({es_co.join(names)})" if len(names) <= 3 else ""
        parts.append(f"{es_co.integer(len(names))} al {es_co.date_text(d)}{who}")
    if len(dated) > CONSOLIDATED_DATES:  # a country's plans: many dates
        older = sum(len(groups[d]) for d in dated[CONSOLIDATED_DATES:])
        parts.append(f"{es_co.integer(older)} en fechas anteriores")
    if None in groups:
        names = groups[None]
        who = f" ({es_co.join(names)})" if len(names) <= 3 else ""
        parts.append(f"{es_co.integer(len(names))} todavía sin ningún corte{who}")
    head = f"Vista consolidada de {es_co.plural(len(comparison), 'entidad', 'entidades')}"
    if day is None:
        return f"{head}: ninguna tiene todavía un corte de seguimiento."
    return (f"{head}, cada una con su último reporte hasta el {es_co.date_text(day)}: "
            f"{es_co.join(parts)}. Las cifras suman o promedian planes distintos; elija una "
            "entidad en la barra lateral para ver solo la suya.")


# ------------------------------------------------------------------ by period


def progress_by_period(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Planned vs achieved at every cut-off of each plan up to the chosen one.

    Programadas: activities whose fecha límite (declared, or the end of their
    schedule grid) is on or before the cut-off (cumulative) or falls in the
    period since the previous cut-off; those without one are counted apart. Cumplidas:
    activities with avance ≥ 100 at the cut-off; "en el periodo" when they were
    not cumplidas at the previous cut-off. Avance promedio: the simple mean of
    the numeric avances at that cut-off (progress values are cumulative).
    """
    if _plans_only(filters):
        df = _whole_plans(con, filters, PROGRESS_BY_PERIOD_PLANS_SQL)
    else:
        df = filtered(con, filters, PROGRESS_BY_PERIOD_SQL, cortes=status.CORTES_DEL_PLAN)
    return finish_progress_by_period(df, period_labels(con))


def _plans_only(filters: Filters) -> bool:
    """Whether the filters select whole plans (entidad, vigencia, corte) and
    nothing within them: then the history per plan is already summed up."""
    return filters.to_where() == filters.to_where(plan_level=True)


def _whole_plans(con: duckdb.DuckDBPyConnection, filters: Filters, select: str
                 ) -> pd.DataFrame:
    """``select`` over ``h`` (a derived table per plan and cut-off, ``__TABLA__``)
    joined with ``p`` (the chosen plans), up to the cut-off."""
    where, params = filters.to_where(plan_level=True)
    d = derived(con)
    return run(con, select.replace("__DERIVADOS__", d).replace("__WHERE__", where),
               params | {"corte": resolve_corte(con, filters)})


# Roll-ups ----------------------------------------------------------------
#
# A summary is ``select`` over ``g``: one row per (keys…, estado) with ``n``
# activities, ``nv`` of them with a numeric avance, ``sv`` the sum of those
# avances and ``ml`` the latest reading date. When the filters select whole
# plans, g comes from the roll-up stored at import (status: ``cubo``), a few
# thousand rows at national scale; otherwise from the filtered activities.
# tests/test_rollups.py checks that both give the same tables.
ROLLUPS = True  # tests turn it off to compare with the activities


def summed(con: duckdb.DuckDBPyConnection, filters: Filters, keys: tuple[str, ...],
           select: str) -> pd.DataFrame:
    """``select`` over ``g`` grouped by ``keys`` (see above)."""
    found = _rollup(con, filters, keys)
    if found is None:
        columns = "".join(f"{_activity_key(key)}, " for key in keys)
        return filtered(con, filters, f""", g AS (
            SELECT {columns}estado, count(*) AS n, count(valor) AS nv, sum(valor) AS sv,
                   max(fecha_lectura) AS ml
            FROM f GROUP BY ALL) {select}""")
    corte, conjunto = found
    where, params = filters.to_where()  # its columns are those of c and p
    columns = "".join(f"{_ROLLUP_KEYS.get(key, f'c.{key}')}, " for key in keys)
    sql = f"""
        WITH g AS (
            SELECT {columns}c.estado, sum(c.n) AS n, sum(c.nv) AS nv, sum(c.sv) AS sv,
                   max(c.ml) AS ml
            FROM __DERIVADOS__.cubo c JOIN __DERIVADOS__.plan_dim p ON p.plan_id = c.plan_id
            WHERE c.corte = CAST($corte AS DATE) AND c.conjunto = $conjunto AND __WHERE__
            GROUP BY ALL)
        {select}"""
    return run(con, sql.replace("__DERIVADOS__", derived(con)).replace("__WHERE__", where),
               params | {"corte": corte, "conjunto": status.CONJUNTOS[conjunto]})


def _activity_key(key: str) -> str:
    """A key of g over the filtered activities."""
    if key == "sin_valor":
        return "valor IS NULL AS sin_valor"
    if key == "cambiada":  # see changes_since_previous_cutoff
        return f"({_CHANGED}) AS cambiada"
    return key


_ROLLUP_KEYS = {"entidad": "p.entidad", "vigencia": "p.vigencia"}
_PLAN_KEYS = {"entidad", "vigencia", "plan_id", "estado"}  # in every set (p or c)


def _rollup(con: duckdb.DuckDBPyConnection, filters: Filters, keys: tuple[str, ...]):
    """``(corte, conjunto)``: the cut-off and the grouping set of the roll-up
    that holds ``keys`` and every column the filters name, or None when
    none can serve them (see :func:`_rollup_corte`)."""
    needs = (set(keys) | _filtered_columns(filters)) - _PLAN_KEYS
    if "semaforo" in needs and filters.umbrales != semaforo.Umbrales():
        return None  # the roll-up's colours use the default thresholds
    for conjunto, columns in status.CUBO_SETS.items():
        if needs <= set(columns):
            corte = _rollup_corte(con, filters, within=needs & _WITHIN)
            return None if corte is None else (corte, conjunto)
    return None


# Filters on a column of a grouping set (the rest, dependencia and text, are
# over lists and words the roll-up does not keep).
_WITHIN = {"estado", "fase", "semaforo", "grupo_valor"}


def _filtered_columns(filters: Filters) -> set[str]:
    names = {name for name in ("fase", "dependencia", "estado", "semaforo", "grupo_valor")
             if getattr(filters, name)}
    return names | ({"texto"} if filters.texto.strip() else set())


def _rollup_corte(con: duckdb.DuckDBPyConnection, filters: Filters,
                  within: set[str] = frozenset()):
    """The cut-off to read the roll-up at, or None when it cannot serve the
    filters: they select within plans by more than ``within`` (and estado),
    or the date is none of the plans' cut-offs (a hand-written link)."""
    if not ROLLUPS or not _filtered_columns(filters) <= {"estado"} | set(within):
        return None
    corte = resolve_corte(con, filters)
    if corte is None or es_co.as_date(corte) not in dimensions(con).fechas:
        return None
    return corte


# corte_previo and cumplida_antes come with the states: the plan's previous
# cut-off and whether the activity was cumplida then.
PROGRESS_BY_PERIOD_SQL = """
        SELECT entidad AS "Entidad", vigencia AS "Vigencia", plan_id AS _plan, corte AS _corte,
            count(*) AS "Actividades",
            count(*) FILTER (WHERE fecha_limite <= corte
                AND (corte_previo IS NULL OR fecha_limite > corte_previo))
                AS "Programadas en el periodo",
            count(*) FILTER (WHERE estado_lectura = 'cumplida' AND NOT cumplida_antes)
                AS "Cumplidas en el periodo",
            count(*) FILTER (WHERE fecha_limite <= corte) AS "Programadas hasta el corte",
            count(*) FILTER (WHERE estado_lectura = 'cumplida') AS "Cumplidas al corte",
            count(*) FILTER (WHERE vencida) AS "Vencidas",
            avg(valor) AS "Avance promedio (%)",
            count(valor) AS "Con avance",
            count(*) FILTER (WHERE fecha_limite IS NULL) AS "Sin fecha límite",
            100 * sum(ejecutado) FILTER (WHERE programado > 0)
                / sum(programado) FILTER (WHERE programado > 0) AS "Ejecutado sobre planeado (%)"
        FROM f GROUP BY ALL ORDER BY "Entidad", "Vigencia", _corte
"""


# The same from the derived table historia_plan (whole plans only).
PROGRESS_BY_PERIOD_PLANS_SQL = """
        SELECT p.entidad AS "Entidad", p.vigencia AS "Vigencia", h.plan_id AS _plan,
            h.corte AS _corte, h.actividades AS "Actividades",
            h.programadas_periodo AS "Programadas en el periodo",
            h.cumplidas_periodo AS "Cumplidas en el periodo",
            h.programadas_corte AS "Programadas hasta el corte",
            h.cumplidas_corte AS "Cumplidas al corte", h.vencidas AS "Vencidas",
            h.suma_valor / h.con_avance AS "Avance promedio (%)", h.con_avance AS "Con avance",
            h.sin_fecha AS "Sin fecha límite",
            100 * h.ejecutado / h.programado AS "Ejecutado sobre planeado (%)"
        FROM __DERIVADOS__.historia_plan h
        JOIN __DERIVADOS__.plan_dim p ON p.plan_id = h.plan_id
        WHERE h.corte <= CAST($corte AS DATE) AND __WHERE__
        ORDER BY "Entidad", "Vigencia", _corte
"""


def finish_progress_by_period(df: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    if df["Ejecutado sobre planeado (%)"].isna().all():
        df = df.drop(columns="Ejecutado sobre planeado (%)")
    df = _with_period_labels(df, labels)
    keys = {"entidad": "Entidad", "vigencia": "Vigencia", "corte": "_corte"}
    if df.empty:
        df["_filtro_programadas"] = df["_filtro_cumplidas"] = df["_filtro"] = []
        return df.drop(columns="_plan")
    (df["_filtro_programadas"], df["_filtro_cumplidas"], df["_filtro"]) = drill_texts(
        df, keys, [{"vence_hasta_corte": True}, {"estado": "cumplida"}, {"con_avance": True}])
    return df.drop(columns="_plan")


def states_by_period(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, vigencia, cut-off, estado) with at least one activity."""
    if _plans_only(filters):
        df = _whole_plans(con, filters, STATES_BY_PERIOD_PLANS_SQL)
    else:
        df = filtered(con, filters, STATES_BY_PERIOD_SQL, cortes=status.CORTES_DEL_PLAN)
    return finish_states_by_period(df, period_labels(con))


STATES_BY_PERIOD_SQL = """
        SELECT entidad AS "Entidad", vigencia AS "Vigencia", plan_id AS _plan, corte AS _corte,
               estado AS _estado, count(*) AS "Actividades"
        FROM f GROUP BY ALL
"""


STATES_BY_PERIOD_PLANS_SQL = """
        SELECT p.entidad AS "Entidad", p.vigencia AS "Vigencia", h.plan_id AS _plan,
               h.corte AS _corte, h.estado AS _estado, h.actividades AS "Actividades"
        FROM __DERIVADOS__.historia_estado h
        JOIN __DERIVADOS__.plan_dim p ON p.plan_id = h.plan_id
        WHERE h.corte <= CAST($corte AS DATE) AND __WHERE__
"""


def states_by_cutoff(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """:func:`states_by_period` summed over its entities, one row per (cut-off
    date, estado): exactly ``totals.states_by_cutoff(states_by_period(…))``,
    summed in SQL (at national scale the per-entity table is 31.000 rows to
    label and drill; the chart of many entities only draws the totals)."""
    if _plans_only(filters):
        where, params = filters.to_where(plan_level=True)
        df = run(con, STATES_BY_CUTOFF_SQL.replace("__FILAS__", STATES_BY_PERIOD_PLANS_SQL)
                 .replace("__DERIVADOS__", derived(con)).replace("__WHERE__", where),
                 params | {"corte": resolve_corte(con, filters)})
    else:
        df = filtered(con, filters, ", filas AS (" + STATES_BY_PERIOD_SQL + ") "
                      + STATES_BY_CUTOFF_SQL.replace("WITH filas AS (__FILAS__)", ""),
                      cortes=status.CORTES_DEL_PLAN)
    from data_layer import totals  # it builds on this module

    # Each row stands for its (cut-off, state) with the first plan's labels, as
    # totals.states_by_cutoff takes them ("first" in the query's order).
    return totals.states_by_cutoff(finish_states_by_period(df, period_labels(con)))


# Per (cut-off date, state): the total, on the row of the first plan in the
# order of states_by_period (entidad, vigencia).
STATES_BY_CUTOFF_SQL = """
        WITH filas AS (__FILAS__)
        SELECT "Entidad", "Vigencia", _plan, _corte, _estado,
               sum("Actividades") OVER (PARTITION BY _corte, _estado) AS "Actividades"
        FROM filas
        QUALIFY row_number() OVER (PARTITION BY _corte, _estado
                                   ORDER BY "Entidad", "Vigencia" NULLS LAST) = 1
"""


def finish_states_by_period(df: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    df["_orden"] = df["_estado"].map({code: n for n, code in enumerate(status.ESTADOS)})
    df = df.sort_values(["Entidad", "Vigencia", "_corte", "_orden"]).drop(columns="_orden")
    df = _with_period_labels(df.reset_index(drop=True), labels)
    df.insert(df.columns.get_loc("Actividades"), "Estado", df["_estado"].map(status.ESTADO_LABELS))
    df = add_drill(df, {"entidad": "Entidad", "vigencia": "Vigencia", "corte": "_corte",
                        "estado": "_estado"})
    return df.drop(columns="_plan")


def changes_since_previous_cutoff(con: duckdb.DuckDBPyConnection, filters: Filters,
                                  limit: int | None = None) -> pd.DataFrame:
    """Activities whose state or avance differs from the plan's previous cut-off.

    Filters select by the state at the chosen cut-off. Plans at their first
    cut-off have no previous one and contribute no rows. ``limit`` keeps the
    first rows only, in the same order (what a screen shows); the count of
    them all is :func:`changes_count`.
    """
    clause, params = limit_clause(limit)
    if not limit:
        return finish_changes(filtered(con, filters, CHANGES_SQL + clause, extra_params=params))
    # The first rows are picked from the narrow states (no wording, no offices),
    # then only they get their columns: at national scale, 900.000 changed
    # activities would otherwise all be joined to their text before the LIMIT.
    first = filtered(con, filters, f"SELECT f.activity_id, f.orden_cambios AS o FROM f "
                                   f"WHERE {_CHANGED} ORDER BY f.orden_cambios{clause}",
                     extra_params=params)
    return finish_changes(filtered(con, filters, CHANGES_SQL, extra_where=_among_sql(
        "orden_cambios"), extra_params=_among(first, "o")))


def changes_count(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """How many rows :func:`changes_since_previous_cutoff` has for ``filters``."""
    df = summed(con, filters, ("cambiada",), CHANGES_COUNT_SQL)
    return int(df["n"].iloc[0])


# An activity changed: its plan has a previous cut-off, and the state or the
# avance at it differs from the one at the chosen cut-off.
_CHANGED = """f.corte_previo IS NOT NULL
          AND (f.estado_previo IS DISTINCT FROM f.estado OR f.valor_previo IS DISTINCT FROM f.valor)"""

# The state at the plan's previous cut-off (estado_previo, valor_previo) comes
# with the states; the code and wording of the activity are joined for the rows
# that changed only.
CHANGES_SQL = f"""
        SELECT f.entidad AS "Entidad", a.code AS "Código", a.name AS "Actividad",
            array_to_string(f.dependencias_lista, '; ') AS "Dependencias",
            f.corte_previo AS "Corte anterior", f.estado_previo AS _estado_anterior,
            f.valor_previo AS "Avance anterior (%)",
            f.corte AS "Corte", f.estado AS _estado, f.valor AS "Avance al corte (%)",
            f.valor - f.valor_previo AS "Cambio (puntos)", f.activity_id AS _id
        FROM f JOIN activity a ON a.activity_id = f.activity_id
        WHERE {_CHANGED}
        ORDER BY f.orden_cambios
"""
# The first rows of a list, found first without their text: their activities
# ($primeras) and the range of their order numbers (orden: the order of the
# table of activities, orden_cambios: that of the changes), which lets the
# scan skip every row group outside it (the derived rows are stored in order).
def _among_sql(column: str = "orden") -> str:
    return (f"{column} BETWEEN $desde_orden AND $hasta_orden "
            "AND list_contains($primeras, activity_id)")


def _among(first: pd.DataFrame, column: str = "orden") -> dict[str, object]:
    numbers = first[column].astype("int64").tolist()
    ids = first["activity_id"].astype("int64").tolist()
    return {"primeras": ids, "desde_orden": min(numbers, default=0),
            "hasta_orden": max(numbers, default=-1)}
CHANGES_COUNT_SQL = "SELECT coalesce(sum(n) FILTER (WHERE cambiada), 0) AS n FROM g"


def finish_changes(df: pd.DataFrame) -> pd.DataFrame:
    df.insert(5, "Estado anterior", df["_estado_anterior"].map(status.ESTADO_LABELS))
    df.insert(9, "Estado al corte", df["_estado"].map(status.ESTADO_LABELS))
    return df


# ------------------------------------------------------------ by dimension


def office_ranking(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, dependencia), the least advanced first. An activity
    with several offices counts once for each of them."""
    return finish_office_ranking(_office_rows(con, filters, OFFICE_RANKING_SQL), filters)


def lowest_offices(con: duckdb.DuckDBPyConnection, filters: Filters, count: int
                   ) -> pd.DataFrame:
    """The first ``count`` rows of :func:`office_ranking` with at least one
    activity followed up (what Resumen charts): the same rows, without
    finishing the thousands of others at national scale."""
    clause, params = limit_clause(count)
    sql = (f'SELECT * FROM ({OFFICE_RANKING_SQL}) WHERE "Sin seguimiento" < "Actividades"'
           f"{_OFFICE_ORDER}{clause}")
    return finish_office_ranking(_office_rows(con, filters, sql, params), filters)


def office_totals(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """:func:`office_ranking` summed over its entities, one row per office, the
    least advanced first: exactly ``totals.lowest(totals.text_groups(…))`` of
    the ranking (what a chart of many entities draws), counted in SQL."""
    from data_layer import totals  # it builds on this module

    df = finish_office_ranking(_office_rows(con, filters, OFFICE_TOTALS_SQL), filters,
                               entity=False)
    return totals.lowest(df, len(df))


def _office_rows(con: duckdb.DuckDBPyConnection, filters: Filters, select: str,
                 extra: dict[str, object] | None = None) -> pd.DataFrame:
    """``select`` over ``por_dependencia``: (entidad, estado, n, nv, sv, dependencia)."""
    where, params = filters.to_where()
    corte = _rollup_corte(con, filters)  # estado is the only column it keeps
    if corte is None:
        return filtered(con, filters, ", g AS (SELECT plan_id, oficinas, estado, count(*) AS n, "
                        "count(valor) AS nv, sum(valor) AS sv FROM f GROUP BY ALL), "
                        + OFFICE_LISTS_SQL + select, extra_params=extra)
    return run(con, OFFICE_ROLLUP_SQL.replace("__DERIVADOS__", derived(con))
               .replace("__WHERE__", where) + select, params | (extra or {}) | {"corte": corte})


# Grouped by list of offices first (activities share a few lists), then the
# lists are unnested: each activity counts once for each of its offices.
OFFICE_LISTS_SQL = """
        por_dependencia AS (
            SELECT p.entidad, g.estado, g.n, g.nv, g.sv, unnest(o.dependencias_lista) AS dependencia
            FROM g JOIN __DERIVADOS__.oficinas o ON o.oficinas = g.oficinas
            JOIN __DERIVADOS__.plan_dim p ON p.plan_id = g.plan_id)
"""
# The same, already unnested in the roll-up (whole plans only).
OFFICE_ROLLUP_SQL = """
        WITH por_dependencia AS (
            SELECT p.entidad, c.estado, c.n, c.nv, c.sv, c.dependencia
            FROM __DERIVADOS__.cubo_dependencia c
            JOIN __DERIVADOS__.plan_dim p ON p.plan_id = c.plan_id
            WHERE c.corte = CAST($corte AS DATE) AND __WHERE__)
"""
_OFFICE_ORDER = """
        ORDER BY "Avance promedio (%)" ASC NULLS LAST, "Vencidas" DESC, "Sin reporte" DESC,
                 "Dependencia", "Entidad"
"""
OFFICE_RANKING_SQL = f"""
        SELECT entidad AS "Entidad", dependencia AS "Dependencia", {_SUMS}
        FROM por_dependencia GROUP BY entidad, dependencia
        {_OFFICE_ORDER}"""


# The same over every entity: one pseudo-entity holding each office's counts.
OFFICE_TOTALS_SQL = f"""
        SELECT '' AS "Entidad", dependencia AS "Dependencia", {_SUMS}
        FROM por_dependencia GROUP BY dependencia
        {_OFFICE_ORDER}"""


def finish_office_ranking(df: pd.DataFrame, filters: Filters, entity: bool = True
                          ) -> pd.DataFrame:
    df = _with_semaforo(df, filters)
    if not entity:  # totals over the entities (office_totals)
        return add_drill(df.drop(columns="Entidad"), {"dependencia": "Dependencia"})
    return add_drill(df, {"entidad": "Entidad", "dependencia": "Dependencia"})


def phase_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, fase, origin of the phase: declarada or inferida),
    phases in the order of the management cycle."""
    return finish_phase_summary(
        summed(con, filters, ("entidad", "fase", "fase_origen"), PHASE_SUMMARY_SQL),
        filters, ordered=True)


# Phases in the order of the management cycle (PHASES: our own codes, written
# into the SQL as literals; unknown codes last).
_PHASE_ORDER = ("coalesce(list_position([" + ", ".join(f"'{code}'" for code in PHASES)
                + "], _fase), 99)")
PHASE_SUMMARY_SQL = f"""
        SELECT entidad AS "Entidad", fase AS _fase, fase_origen AS _fase_origen, {_SUMS}
        FROM g GROUP BY entidad, fase, fase_origen
        ORDER BY "Entidad", {_PHASE_ORDER}, _fase_origen, _fase
"""
PHASE_TOTALS_SQL = f"""
        SELECT '' AS "Entidad", fase AS _fase, fase_origen AS _fase_origen, {_SUMS}
        FROM g GROUP BY fase, fase_origen
        ORDER BY {_PHASE_ORDER}, _fase_origen, _fase
"""


def finish_phase_summary(df: pd.DataFrame, filters: Filters, ordered: bool = False,
                         entity: bool = True) -> pd.DataFrame:
    """Labels, semáforo and drill-down of the phase rows; ``ordered``: the SQL
    already sorted them (by entity, then the cycle's order of the phases);
    without ``entity``, the rows are totals: no Entidad, nor in the drill-down."""
    if not ordered:
        order = {code: n for n, code in enumerate(PHASES)}
        df["_orden"] = map_each(df["_fase"], lambda code: order.get(code, 99))
        df = df.sort_values(["Entidad", "_orden", "_fase_origen"]).drop(columns="_orden")
    df.insert(1, "Fase", map_each(df["_fase"], lambda code: PHASE_LABELS.get(code, code)))
    df.insert(2, "Origen de la fase", df["_fase_origen"].str.capitalize())
    df = _with_semaforo(df.reset_index(drop=True), filters)
    if not entity:
        return add_drill(df.drop(columns="Entidad"), {"fase": "_fase", "fase_origen": "_fase_origen"})
    return add_drill(df, {"entidad": "Entidad", "fase": "_fase", "fase_origen": "_fase_origen"})


def phase_totals(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """:func:`phase_summary` summed over its entities, one row per (fase,
    origin): exactly ``totals.phases(phase_summary(…))``, counted in SQL."""
    return finish_phase_summary(summed(con, filters, ("fase", "fase_origen"), PHASE_TOTALS_SQL),
                                filters, ordered=True, entity=False)


def level_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, nivel de participación as the plan words it)."""
    return _by_text_column(con, filters, "nivel", "Nivel de participación")


def value_group_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, grupo de valor as the plan words it)."""
    return _by_text_column(con, filters, "grupo_valor", "Grupo de valor")


def by_text_column_sql(column: str, title: str) -> str:
    return f"""
        SELECT entidad AS "Entidad", {column} AS "{title}", {_SUMS}
        FROM g GROUP BY entidad, {column}
        ORDER BY entidad, {column} = '{status.SIN_ESPECIFICAR}', "Actividades" DESC, {column}
    """


def _by_text_column(con, filters: Filters, column: str, title: str) -> pd.DataFrame:
    df = summed(con, filters, ("entidad", column), by_text_column_sql(column, title))
    return finish_by_text_column(df, filters, column, title)


def finish_by_text_column(df: pd.DataFrame, filters: Filters, column: str, title: str
                          ) -> pd.DataFrame:
    df = _with_semaforo(df, filters)
    return add_drill(df, {"entidad": "Entidad", column: title})


# --------------------------------------------------------------- activities


# The table of activities, in the order people read it: what and how it goes
# first, then the plan's own fields, then where it came from.
ACTIVITY_COLUMNS = [
    "_id", "_estado", "_semaforo", "Entidad", "Vigencia", "Código", "Actividad", "Estado",
    "Avance (%)", "Semáforo", "Vencida", "Fecha límite", "Origen de la fecha límite",
    "Dependencias", "Fase",
    "Origen de la fase", "Fase según el plan", "Grupo / momento", "Objetivo", "Producto / meta",
    "Indicador", "Nivel de participación", "Grupos de valor", "Instancia de participación",
    "Fecha de inicio", "Medio de verificación", "Corte", "Periodo del último reporte",
    "Fecha del reporte", "Valor registrado", "Observación", "Evidencia", "Hoja", "Fila",
]

_ACTIVITY_COLUMNS = """
    activity_id AS _id, estado AS _estado, semaforo AS _semaforo,
    entidad AS "Entidad", vigencia AS "Vigencia", codigo AS "Código",
    grupo AS "Grupo / momento", actividad AS "Actividad", objetivo AS "Objetivo",
    producto AS "Producto / meta", indicador AS "Indicador", fase AS _fase,
    fase_origen AS "Origen de la fase", fase_texto AS "Fase según el plan",
    NULLIF(nivel, '{sin}') AS "Nivel de participación",
    NULLIF(grupo_valor, '{sin}') AS "Grupos de valor", instancia AS "Instancia de participación",
    dependencias AS "Dependencias", fecha_inicio AS "Fecha de inicio",
    fecha_limite AS "Fecha límite", fecha_limite_origen AS _fecha_origen,
    medio_verificacion AS "Medio de verificación",
    corte AS "Corte", periodo AS "Periodo del último reporte", fecha_lectura AS "Fecha del reporte",
    valor_original AS "Valor registrado", valor AS "Avance (%)", vencida AS _vencida,
    observacion AS "Observación", evidencia AS "Evidencia", hoja AS "Hoja", fila AS "Fila"
"""


def activities_table(con: duckdb.DuckDBPyConnection, filters: Filters,
                     drill_json: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Every field of every filtered activity at the cut-off, offices joined
    with "; ". ``drill_json`` (a chart's ``_filtro``) narrows it to the
    activities behind one bar. ``limit`` keeps the first rows only, in the same
    order (what a screen shows); the count of them all is :func:`activities_count`."""
    filters, where, params = _drilled(filters, drill_json)
    clause, limit_params = limit_clause(limit)
    if limit:
        # The first rows are picked without the text columns (which cost more
        # than everything else at national scale), then only they get them.
        first = filtered(con, filters, f"SELECT activity_id, orden FROM f ORDER BY {_ACTIVITY_ORDER}"
                         f"{clause}", extra_where=where, extra_params=params | limit_params)
        where = " AND ".join(part for part in (where, _among_sql()) if part)
        params = params | _among(first)
        clause, limit_params = "", {}
    select = _ACTIVITY_COLUMNS.format(sin=status.SIN_ESPECIFICAR)
    df = filtered(con, filters, f"SELECT {select} FROM f ORDER BY {_ACTIVITY_ORDER}{clause}",
                  extra_where=where, extra_params=params | limit_params, text=True)
    return finish_activities_table(df)


# = entidad, vigencia, seq, activity_id (see status: estado_corte)
_ACTIVITY_ORDER = "orden"


def activities_count(con: duckdb.DuckDBPyConnection, filters: Filters,
                     drill_json: str | None = None) -> int:
    """How many rows :func:`activities_table` has for the same arguments."""
    filters, where, params = _drilled(filters, drill_json)
    df = filtered(con, filters, "SELECT count(*) AS n FROM f",
                  extra_where=where, extra_params=params)
    return int(df["n"].iloc[0])


def _drilled(filters: Filters, drill_json: str | None) -> tuple[Filters, str, dict]:
    """The filters, and the extra SQL condition, of a chart's ``_filtro``."""
    conditions = drill.decode(drill_json)
    if drill.corte_of(conditions):
        filters = filters.replace(corte=drill.corte_of(conditions))
    where, params = drill.to_where(conditions)
    return filters, where, params


def finish_activities_table(df: pd.DataFrame) -> pd.DataFrame:
    df["Fase"] = map_each(df["_fase"], lambda code: PHASE_LABELS.get(code, code))
    df["Origen de la fase"] = df["Origen de la fase"].str.capitalize()
    df["Estado"] = df["_estado"].map(status.ESTADO_LABELS)
    df["Vencida"] = df["_vencida"].map({True: "Sí", False: "No"})
    df["Semáforo"] = map_each(df["_semaforo"], semaforo.label)
    df["Origen de la fecha límite"] = df["_fecha_origen"].map(
        {"plan": "El plan", "cronograma": "Último mes del cronograma"})
    return df[ACTIVITY_COLUMNS]


def activity_detail(con: duckdb.DuckDBPyConnection, filters: Filters, activity_id: int
                    ) -> pd.DataFrame:
    """One activity as two columns, ``Campo`` and ``Valor`` (text as shown),
    including the plan's other columns kept in ``extra``."""
    only = Filters(corte=resolve_corte(con, filters), umbrales=filters.umbrales)
    row = activities_table(con, only, drill.encode({"actividad": int(activity_id)}))
    if row.empty:
        return pd.DataFrame(columns=["Campo", "Valor"])
    shown = export.visible(row).iloc[0]
    fields = [(name, export.cell_text(value, name)) for name, value in shown.items()]
    extra = run(con, "SELECT extra FROM activity WHERE activity_id = $id",
                {"id": int(activity_id)})["extra"].iloc[0]
    if isinstance(extra, str) and extra:
        fields += [(f"Columna del plan: {key}", str(value))
                   for key, value in json.loads(extra).items()]
    return pd.DataFrame(fields, columns=["Campo", "Valor"])


def activity_history(con: duckdb.DuckDBPyConnection, activity_id: int,
                     corte: object = None) -> pd.DataFrame:
    """Every reading of one activity up to the cut-off ``corte`` (all of them
    when None), by period and import: what each follow-up file said, and which
    value is current (``Vigente``). A reading after the cut-off, or without a
    date, is not part of the state at the cut-off and is left out."""
    df = run(con, """
        SELECT r.period_label AS "Periodo", r.cutoff AS "Fecha de corte",
            r.state AS _lectura, r.value AS "Avance (%)", r.raw AS "Valor registrado",
            r.observation AS "Observación", r.evidence AS "Evidencia",
            i.source_file AS "Archivo", i.imported_at AS "Importado el",
            (c.import_id IS NOT NULL) AS _vigente
        FROM reading r
        LEFT JOIN import_file i ON i.import_id = r.import_id
        LEFT JOIN reading_current c ON c.activity_id = r.activity_id
            AND c.period_kind = r.period_kind AND c.period_index = r.period_index
            AND c.import_id = r.import_id
        WHERE r.activity_id = $id
          AND ($corte IS NULL OR r.cutoff <= CAST($corte AS DATE))
        ORDER BY r.cutoff NULLS LAST, r.period_index, r.import_id
    """, {"id": int(activity_id), "corte": None if corte is None else es_co.as_date(corte)})
    df.insert(2, "Lectura", df["_lectura"].map(status.READING_LABELS))
    df["Vigente"] = df["_vigente"].map({True: "Sí", False: "No (corregida después)"})
    return df


def activity_schedule(con: duckdb.DuckDBPyConnection, activity_id: int) -> pd.DataFrame:
    """The month grid of one activity (what the plan scheduled each month)."""
    df = run(con, """
        SELECT month AS _mes, planned AS "Programado"
        FROM schedule WHERE activity_id = $id ORDER BY month
    """, {"id": int(activity_id)})
    df.insert(0, "Mes", [es_co.month_text(m) for m in df["_mes"]])
    return df


# ------------------------------------------------------------------ helpers


def limit_clause(limit: int | None) -> tuple[str, dict[str, object]]:
    """``(" LIMIT $limite", {"limite": n})`` for a query that ends in ORDER BY,
    or ``("", {})`` for all rows. The number is bound, never written into the SQL."""
    if limit is None:
        return "", {}
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit must be a non-negative int, not {limit!r}")
    return " LIMIT $limite", {"limite": limit}


def map_each(series: pd.Series, function) -> pd.Series:
    """``series.map(function)`` calling ``function`` once per distinct value
    (a column of a million rows holds a handful of codes)."""
    labels = {value: function(value) for value in series.dropna().unique().tolist()}
    return series.map(labels)


_COLOR_LABELS = {code: semaforo.label(code) for code in semaforo.COLORS}


def _with_semaforo(df: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Add the semáforo of each row's average (code and label) after the average."""
    df = df.copy()
    values = pd.to_numeric(df[AVANCE], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    umbrales = filters.umbrales
    codes = np.select([np.isnan(values), values >= umbrales.verde, values >= umbrales.rojo],
                      ["gris", "verde", "amarillo"], "rojo").tolist()  # = Umbrales.classify
    df.insert(df.columns.get_loc(AVANCE) + 1, "Semáforo",
              pd.Series(codes, index=df.index).map(_COLOR_LABELS))
    df["_semaforo"] = codes
    return df


def period_labels(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``(_plan, _corte, periodo)``: the label of each cut-off of each plan."""
    return dimensions(con).cortes.rename(columns={"plan_id": "_plan", "corte": "_corte"})


def _with_period_labels(df: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Add "Corte" (label with date) and "_periodo" (short label) from _plan, _corte.

    Each distinct (period, cut-off) is labelled once.
    """
    df = df.merge(labels, how="left", on=["_plan", "_corte"])
    period_codes, periods = pd.factorize(df["periodo"], use_na_sentinel=False)
    corte_codes, cortes = pd.factorize(df["_corte"], use_na_sentinel=False)
    days = [es_co.as_date(value) for value in cortes]
    pair_codes, pairs = pd.factorize(period_codes.astype(np.int64) * max(len(days), 1)
                                     + corte_codes)
    long, short = [], []
    for pair in pairs:
        period, day = periods[pair // max(len(days), 1)], days[pair % max(len(days), 1)]
        long.append(corte_label(period, day))
        short.append(corte_label(period, day, with_date=False))
    df["_corte"] = np.array(days, dtype=object)[corte_codes].tolist()
    df.insert(2, "Corte", np.array(long, dtype=object)[pair_codes].tolist())
    df["_periodo"] = np.array(short, dtype=object)[pair_codes].tolist()
    return df.drop(columns="periodo")


def add_drill(df: pd.DataFrame, keys: Mapping[str, str],
              fixed: Mapping[str, object] | None = None) -> pd.DataFrame:
    """``drill.add_column`` without a Python step per row: each distinct value
    is written as JSON once and the texts are joined column-wise, in Arrow.
    Gives the very same text (tests/test_bench.py)."""
    df = df.copy()
    df["_filtro"] = drill_texts(df, keys, [fixed or {}])[0] if len(df) else []
    return df


def drill_texts(df: pd.DataFrame, keys: Mapping[str, str],
                variants: list[Mapping[str, object]]) -> list[pd.Series]:
    """The ``_filtro`` text of every row of ``df`` for each set of fixed
    conditions in ``variants`` (one column each; the keys' JSON is written
    once for all of them)."""
    columns: dict[str, pa.Array] = {}
    for key, column in keys.items():
        codes, uniques = pd.factorize(df[column], use_na_sentinel=False)
        texts = pa.array([_json_any(value) for value in uniques], type=pa.string())
        columns[key] = pc.take(texts, pa.array(codes))
    out = []
    for fixed in variants:
        parts: dict[str, object] = {key: _json(value) for key, value in fixed.items()}
        parts |= columns
        pieces: list[object] = []
        for number, key in enumerate(sorted(parts)):
            pieces.append(pa.scalar(("{" if number == 0 else ", ")
                                    + json.dumps(key, ensure_ascii=False) + ": "))
            value = parts[key]
            pieces.append(pa.scalar(value) if isinstance(value, str) else value)
        pieces.append(pa.scalar("}"))
        if not any(isinstance(piece, pa.Array) for piece in pieces):  # fixed conditions only
            text = "".join(piece.as_py() for piece in pieces)
            out.append(pd.Series([text] * len(df), index=df.index, dtype="str"))
            continue
        joined = pc.binary_join_element_wise(*pieces, "")
        out.append(pd.Series(pd.array(joined, dtype="str"), index=df.index))
    return out


@functools.lru_cache(maxsize=1 << 16, typed=True)
def _json(value: object) -> str:
    """One value as drill.encode writes it."""
    return drill.encode({"v": drill._plain(value)})[len('{"v": '):-1]


def _json_any(value: object) -> str:
    try:
        return _json(value)
    except TypeError:  # not hashable
        return _json.__wrapped__(value)
