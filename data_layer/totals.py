"""Per-entity summaries added up over the entities, for charts of many entities.

The summaries of :mod:`data_layer.queries` have one row per entity and group
(state, colour, phase, nivel…): side by side they compare a handful of
entities. A gobernación or the national view selects hundreds or a thousand,
and one bar per entity and group can be neither drawn quickly nor read; the
charts then show the totals over every selected entity, and the tables keep
one row per entity.

Counts are summed; the average is recomputed from the counts (Σ avance ÷ Σ
activities with a number, the same simple mean the queries compute); the
drill-down filter of each total has no entity, so a click lists the activities
of every selected entity in that group — exactly the ones the bar counts.
Pure functions of the query results: no database, no Streamlit.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from data_layer import semaforo, status
from data_layer.filters import Filters
from data_layer.model import PHASES
from data_layer.queries import AVANCE, _with_semaforo, add_drill

# Up to this many entities a chart compares them one by one (a colour, a bar or
# a line each); beyond, it shows their totals. One number for every chart that
# decides it: the dashboard's (ui.charts.NAMED_LINES), the report's
# (report.content.TOTALS_ABOVE) and the benchmark's list of queries.
NAMED_ENTITIES = 8

COUNTS = ("Actividades", "Con avance", "Cumplidas", "En curso", "Vencidas", "Sin reporte",
          "No programadas", "Sin seguimiento")


def entities(df: pd.DataFrame) -> int:
    """How many entities a per-entity summary covers."""
    return int(df["Entidad"].nunique()) if "Entidad" in df.columns else 0


def states(df: pd.DataFrame) -> pd.DataFrame:
    """``queries.states_summary`` over all its entities: one row per state."""
    out = _over_entities(df, {"estado": "_estado"}, ["Estado"])
    return _ordered(out, "_estado", status.ESTADOS)


def semaforo_colours(df: pd.DataFrame) -> pd.DataFrame:
    """``queries.semaforo_summary`` over all its entities: one row per colour."""
    out = _over_entities(df, {"semaforo": "_semaforo"}, ["Semáforo"])
    return _ordered(out, "_semaforo", semaforo.COLORS)


def phases(df: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """``queries.phase_summary`` over all its entities: one row per (fase, origen)."""
    out = _over_entities(df, {"fase": "_fase", "fase_origen": "_fase_origen"},
                         ["Fase", "Origen de la fase"], filters)
    order = {code: n for n, code in enumerate(PHASES)}
    out = out.assign(_orden=out["_fase"].map(lambda code: order.get(code, 99)))
    return out.sort_values(["_orden", "_fase_origen"], kind="stable").drop(
        columns="_orden").reset_index(drop=True)


def text_groups(df: pd.DataFrame, filters: Filters, column: str, title: str) -> pd.DataFrame:
    """``queries.level_summary`` / ``value_group_summary`` over all entities: one
    row per value, as the query orders them (unspecified last, then the most
    activities first)."""
    out = _over_entities(df, {column: title}, [], filters)
    out = out.assign(_ultimo=out[title] == status.SIN_ESPECIFICAR)
    return out.sort_values(["_ultimo", "Actividades", title], ascending=[True, False, True],
                           kind="stable").drop(columns="_ultimo").reset_index(drop=True)


PERIOD_COUNTS = ("Actividades", "Programadas en el periodo", "Cumplidas en el periodo",
                 "Programadas hasta el corte", "Cumplidas al corte", "Vencidas", "Con avance",
                 "Sin fecha límite")


def progress_by_cutoff(df: pd.DataFrame) -> pd.DataFrame:
    """``queries.progress_by_period`` over all its entities: one row per cut-off
    date, counting the plans that have a cut-off on that date. "Corte" and
    "_periodo" are those of the first plan in the query's order; the drill-down
    keeps to the plans with that cut-off (``corte_del_plan``)."""
    counts = [column for column in PERIOD_COUNTS if column in df.columns]
    work = df.assign(_suma=(pd.to_numeric(df[AVANCE]).astype(float)
                            * df["Con avance"]).fillna(0.0))
    out = work.groupby("_corte", sort=True, as_index=False).agg(
        {"Corte": "first", "_periodo": "first", **{c: "sum" for c in counts}, "_suma": "sum"})
    for column in counts:
        out[column] = out[column].astype("int64")
    out[AVANCE] = out["_suma"] / out["Con avance"].where(out["Con avance"] > 0)
    out = out.drop(columns="_suma")
    keys = {"corte": "_corte", "corte_del_plan": "_corte"}
    out["_filtro_programadas"] = add_drill(out, keys, {"vence_hasta_corte": True})["_filtro"]
    out["_filtro_cumplidas"] = add_drill(out, keys, {"estado": "cumplida"})["_filtro"]
    out["_filtro"] = add_drill(out, keys, {"con_avance": True})["_filtro"]
    return _unique_periods(out)


def states_by_cutoff(df: pd.DataFrame) -> pd.DataFrame:
    """``queries.states_by_period`` over all its entities: one row per (cut-off
    date, state), the plans with a cut-off on that date."""
    out = df.groupby(["_corte", "_estado"], sort=False, as_index=False).agg(
        {"Corte": "first", "_periodo": "first", "Estado": "first", "Actividades": "sum"})
    out["Actividades"] = out["Actividades"].astype("int64")
    out["_orden"] = out["_estado"].map({code: n for n, code in enumerate(status.ESTADOS)})
    out = out.sort_values(["_corte", "_orden"]).drop(columns="_orden").reset_index(drop=True)
    out = add_drill(out, {"corte": "_corte", "corte_del_plan": "_corte", "estado": "_estado"})
    return _unique_periods(out)


def _unique_periods(df: pd.DataFrame) -> pd.DataFrame:
    """Two cut-off dates named alike ("T4 2024" on 31/12 and on 15/01) would share
    a place on the axis: then every cut-off is named with its date."""
    if df.groupby("_periodo")["_corte"].nunique().gt(1).any():
        df = df.assign(_periodo=df["Corte"])
    return df


def lowest(df: pd.DataFrame, count: int) -> pd.DataFrame:
    """The ``count`` rows with the lowest average (those without a number last;
    ties: more overdue first, then by name), for a ranking of many rows."""
    order = df.assign(_sin=df[AVANCE].isna())
    keys = [key for key in ("_sin", AVANCE, "Vencidas", "Sin reporte", "Entidad")
            if key in order.columns]
    ascending = [key not in ("Vencidas", "Sin reporte") for key in keys]
    return order.sort_values(keys, ascending=ascending, kind="stable").head(count).drop(
        columns="_sin")


def _over_entities(df: pd.DataFrame, groups: Mapping[str, str], labels: Sequence[str],
                   filters: Filters | None = None) -> pd.DataFrame:
    keys = list(groups.values())
    counts = [column for column in COUNTS if column in df.columns]
    work = df[[*keys, *labels, *counts, *([AVANCE] if AVANCE in df.columns else [])]].copy()
    aggregations: dict[str, str] = {label: "first" for label in labels}
    aggregations |= {column: "sum" for column in counts}
    if AVANCE in work.columns:
        # Σ avance of the entity = its mean × its activities with a number
        work["_suma"] = (pd.to_numeric(work[AVANCE]).astype(float)
                         * work["Con avance"]).fillna(0.0)
        aggregations["_suma"] = "sum"
    out = work.groupby(keys, sort=False, dropna=False, as_index=False).agg(aggregations)
    for column in counts:
        out[column] = out[column].astype("int64")
    if "_suma" in out.columns:
        with_number = out["Con avance"].where(out["Con avance"] > 0)
        out.insert(out.columns.get_loc("Con avance") + 1, AVANCE, out["_suma"] / with_number)
        out = _with_semaforo(out.drop(columns="_suma"), filters or Filters())
    return add_drill(out[[*labels, *[c for c in out.columns if c not in labels]]], groups)


def _ordered(df: pd.DataFrame, column: str, order: Sequence[str]) -> pd.DataFrame:
    rank = {code: n for n, code in enumerate(order)}
    return df.assign(_orden=df[column].map(rank)).sort_values("_orden", kind="stable").drop(
        columns="_orden").reset_index(drop=True)
