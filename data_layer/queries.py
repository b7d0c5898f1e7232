"""One function per figure on screen: ``(con, filters, ...) -> DataFrame``.

Tables come back ready for people: Spanish column names, typed values (dates,
floats), sorted. Columns whose name starts with ``_`` are keys for charts and
drill-down (``_filtro``, ``_estado``…); ``data_layer.export.visible`` drops them,
for the screen and for the downloads alike.

Averages are simple means over the activities with a numeric avance at the
cut-off (``valor``); see ``data_layer.status`` for the states.
"""
from __future__ import annotations

import json

import duckdb
import pandas as pd

from data_layer import drill, es_co, export, semaforo, status
from data_layer.filters import Filters
from data_layer.model import PHASE_LABELS, PHASES
from data_layer.sql import PLAN_SCOPE, filtered, resolve_corte, run

AVANCE = "Avance promedio (%)"

# Counts every summary shares, over the filtered activity states ``f``.
_COUNTS = """
    count(*) AS "Actividades",
    count(valor) AS "Con avance",
    avg(valor) AS "Avance promedio (%)",
    count(*) FILTER (WHERE estado = 'cumplida') AS "Cumplidas",
    count(*) FILTER (WHERE estado = 'en_curso') AS "En curso",
    count(*) FILTER (WHERE estado = 'vencida') AS "Vencidas",
    count(*) FILTER (WHERE estado = 'sin_reporte') AS "Sin reporte",
    count(*) FILTER (WHERE estado = 'no_programada') AS "No programadas",
    count(*) FILTER (WHERE estado = 'sin_seguimiento') AS "Sin seguimiento"
"""


# ----------------------------------------------------------------- options


def corte_options(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The cut-offs of the plans selected by entidad and vigencia, latest first.

    Columns: ``_corte`` (date) and ``Corte`` ("Trimestre I 2024 (31/03/2024)").
    """
    where, params = filters.to_where(plan_level=True)
    df = run(con, f"""
        SELECT r.cutoff AS _corte, min(r.period_label) AS periodo
        FROM reading_current r
        JOIN activity a ON a.activity_id = r.activity_id
        JOIN ({PLAN_SCOPE}) p ON p.plan_id = a.plan_id
        WHERE r.cutoff IS NOT NULL AND {where}
        GROUP BY r.cutoff ORDER BY r.cutoff DESC
    """, params)
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


_OPTION_SQL = {
    "entidad": "SELECT DISTINCT entidad AS v FROM s ORDER BY v",
    "vigencia": "SELECT DISTINCT vigencia AS v FROM s WHERE vigencia IS NOT NULL ORDER BY v DESC",
    "fase": "SELECT DISTINCT a.phase AS v FROM s JOIN activity a USING (plan_id)",
    "dependencia": """SELECT DISTINCT coalesce(o.office, '{sin}') AS v FROM s
        JOIN activity a USING (plan_id)
        LEFT JOIN activity_office o ON o.activity_id = a.activity_id ORDER BY v""",
    "grupo_valor": """SELECT DISTINCT coalesce(a.value_groups, '{sin_grupo}') AS v FROM s
        JOIN activity a USING (plan_id) ORDER BY v""",
}


def options(con: duckdb.DuckDBPyConnection, filters: Filters, field: str) -> list:
    """Values a sidebar filter offers. Entities: all; the rest: within the chosen
    entities and vigencias. Phases come in the order of the management cycle."""
    scope = Filters() if field == "entidad" else filters
    where, params = scope.to_where(plan_level=True)
    select = _OPTION_SQL[field].format(sin=status.SIN_DEPENDENCIA,
                                       sin_grupo=status.SIN_ESPECIFICAR)
    values = run(con, f"WITH s AS (SELECT * FROM ({PLAN_SCOPE}) WHERE {where}) {select}",
                 params)["v"].tolist()
    if field == "fase":
        return [phase for phase in PHASES if phase in values]
    if field == "vigencia":
        return [int(value) for value in values]
    return values


# -------------------------------------------------------------- the summary


def kpis(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row: the headline figures of the filtered activities at the cut-off.

    State counts are exclusive (they add up to ``Actividades``); the
    ``excluidas_*`` columns count, by what their reading says, the activities
    left out of the average.
    """
    df = filtered(con, filters, f"""
        SELECT {_COUNTS},
            count(*) FILTER (WHERE valor IS NULL AND estado_lectura = 'no_programada')
                AS excluidas_no_programadas,
            count(*) FILTER (WHERE valor IS NULL AND estado_lectura = 'sin_reporte')
                AS excluidas_sin_reporte,
            count(*) FILTER (WHERE estado_lectura = 'sin_seguimiento')
                AS excluidas_sin_seguimiento,
            count(*) FILTER (WHERE vencida AND estado_lectura = 'sin_reporte')
                AS vencidas_sin_reporte,
            max(fecha_lectura) AS ultima_lectura,
            count(DISTINCT entidad) AS entidades
        FROM f
    """)
    df["corte"] = resolve_corte(con, filters)
    df["_semaforo"] = [filters.umbrales.classify(v) for v in df[AVANCE]]
    return df


def explain_average(row: pd.Series) -> str:
    """How the overall avance was computed, in words, e.g. "Promedio simple de 6
    actividades con avance reportado; se excluyen 3 no programadas y 0 sin reporte."
    """
    counted = int(row["Con avance"])
    np_, sr, ss = (int(row["excluidas_no_programadas"]), int(row["excluidas_sin_reporte"]),
                   int(row["excluidas_sin_seguimiento"]))
    excluded = [es_co.plural(np_, "no programada", "no programadas"), f"{sr} sin reporte"]
    if ss:
        excluded.append(f"{ss} sin seguimiento")
    verb = "se excluye" if np_ + sr + ss == 1 else "se excluyen"
    if counted == 0:
        return f"Ninguna actividad tiene avance numérico al corte; {verb} {es_co.join(excluded)}."
    head = es_co.plural(counted, "actividad con avance reportado",
                        "actividades con avance reportado")
    return f"Promedio simple de {head}; {verb} {es_co.join(excluded)}."


def states_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, estado) at the cut-off; states in a fixed order,
    zeros kept (a 0 in "Sin reporte" is news), "Sin seguimiento" only when it occurs."""
    df = filtered(con, filters, """
        SELECT entidad AS "Entidad", estado AS _estado, count(*) AS "Actividades"
        FROM f GROUP BY ALL
    """)
    entities = sorted(df["Entidad"].unique())
    grid = pd.DataFrame([(e, s) for e in entities for s in status.ESTADOS],
                        columns=["Entidad", "_estado"])
    df = grid.merge(df, how="left", on=["Entidad", "_estado"]).fillna({"Actividades": 0})
    df["Actividades"] = df["Actividades"].astype(int)
    seen = df.groupby("_estado")["Actividades"].transform("sum") > 0
    df = df[(df["_estado"] != "sin_seguimiento") | seen].reset_index(drop=True)
    df.insert(1, "Estado", df["_estado"].map(status.ESTADO_LABELS))
    return drill.add_column(df, {"entidad": "Entidad", "estado": "_estado"})


def semaforo_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, colour of the semáforo) at the cut-off, zeros kept."""
    df = filtered(con, filters, """
        SELECT entidad AS "Entidad", semaforo AS _semaforo, count(*) AS "Actividades"
        FROM f GROUP BY ALL
    """)
    entities = sorted(df["Entidad"].unique())
    grid = pd.DataFrame([(e, c) for e in entities for c in semaforo.COLORS],
                        columns=["Entidad", "_semaforo"])
    df = grid.merge(df, how="left", on=["Entidad", "_semaforo"]).fillna({"Actividades": 0})
    df["Actividades"] = df["Actividades"].astype(int)
    df.insert(1, "Semáforo", df["_semaforo"].map(semaforo.label))
    return drill.add_column(df, {"entidad": "Entidad", "semaforo": "_semaforo"})


def entity_comparison(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per entidad: the summary figures side by side."""
    df = filtered(con, filters, f"""
        SELECT entidad AS "Entidad",
               array_to_string(list(DISTINCT vigencia::VARCHAR ORDER BY vigencia::VARCHAR), ', ')
                   AS "Vigencia",
               max(fecha_lectura) AS "Último seguimiento",
               {_COUNTS}
        FROM f GROUP BY entidad ORDER BY entidad
    """)
    df = _with_semaforo(df, filters)
    return drill.add_column(df, {"entidad": "Entidad"})


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
    df = filtered(con, filters, """
        , marcada AS (
            SELECT *,
                lag(corte) OVER (PARTITION BY activity_id ORDER BY corte) AS corte_anterior,
                lag(estado_lectura = 'cumplida', 1, false)
                    OVER (PARTITION BY activity_id ORDER BY corte) AS cumplida_antes
            FROM f)
        SELECT entidad AS "Entidad", vigencia AS "Vigencia", plan_id AS _plan, corte AS _corte,
            count(*) AS "Actividades",
            count(*) FILTER (WHERE fecha_limite <= corte
                AND (corte_anterior IS NULL OR fecha_limite > corte_anterior))
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
        FROM marcada GROUP BY ALL ORDER BY "Entidad", "Vigencia", _corte
    """, cortes=status.CORTES_DEL_PLAN)
    if df["Ejecutado sobre planeado (%)"].isna().all():
        df = df.drop(columns="Ejecutado sobre planeado (%)")
    df = _with_period_labels(con, df)
    fixed = {"entidad": "Entidad", "vigencia": "Vigencia", "corte": "_corte"}
    df["_filtro_programadas"] = drill.add_column(df, fixed, {"vence_hasta_corte": True})["_filtro"]
    cumplidas = drill.add_column(df, fixed, {"estado": "cumplida"})
    df["_filtro_cumplidas"] = cumplidas["_filtro"]
    df["_filtro"] = drill.add_column(df, fixed, {"con_avance": True})["_filtro"]
    return df.drop(columns="_plan")


def states_by_period(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, vigencia, cut-off, estado) with at least one activity."""
    df = filtered(con, filters, """
        SELECT entidad AS "Entidad", vigencia AS "Vigencia", plan_id AS _plan, corte AS _corte,
               estado AS _estado, count(*) AS "Actividades"
        FROM f GROUP BY ALL
    """, cortes=status.CORTES_DEL_PLAN)
    df["_orden"] = df["_estado"].map(status.ESTADOS.index)
    df = df.sort_values(["Entidad", "Vigencia", "_corte", "_orden"]).drop(columns="_orden")
    df = _with_period_labels(con, df.reset_index(drop=True))
    df.insert(df.columns.get_loc("Actividades"), "Estado", df["_estado"].map(status.ESTADO_LABELS))
    df = drill.add_column(df, {"entidad": "Entidad", "vigencia": "Vigencia", "corte": "_corte",
                               "estado": "_estado"})
    return df.drop(columns="_plan")


def changes_since_previous_cutoff(con: duckdb.DuckDBPyConnection, filters: Filters
                                  ) -> pd.DataFrame:
    """Activities whose state or avance differs from the plan's previous cut-off.

    Filters select by the state at the chosen cut-off. Plans at their first
    cut-off have no previous one and contribute no rows.
    """
    previous = status.activity_state_sql(status.CORTE_ANTERIOR)
    df = filtered(con, filters, f"""
        , anterior AS ({previous})
        SELECT f.entidad AS "Entidad", f.codigo AS "Código", f.actividad AS "Actividad",
            f.dependencias AS "Dependencias",
            a.corte AS "Corte anterior", a.estado AS _estado_anterior,
            a.valor AS "Avance anterior (%)",
            f.corte AS "Corte", f.estado AS _estado, f.valor AS "Avance al corte (%)",
            f.valor - a.valor AS "Cambio (puntos)", f.activity_id AS _id
        FROM f JOIN anterior a ON a.activity_id = f.activity_id
        WHERE a.estado IS DISTINCT FROM f.estado OR a.valor IS DISTINCT FROM f.valor
        ORDER BY "Entidad", f.seq
    """)
    df.insert(5, "Estado anterior", df["_estado_anterior"].map(status.ESTADO_LABELS))
    df.insert(9, "Estado al corte", df["_estado"].map(status.ESTADO_LABELS))
    return df


# ------------------------------------------------------------ by dimension


def office_ranking(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, dependencia), the least advanced first. An activity
    with several offices counts once for each of them."""
    df = filtered(con, filters, f"""
        , por_dependencia AS (SELECT *, unnest(dependencias_lista) AS dependencia FROM f)
        SELECT entidad AS "Entidad", dependencia AS "Dependencia", {_COUNTS}
        FROM por_dependencia GROUP BY ALL
        ORDER BY "Avance promedio (%)" ASC NULLS LAST, "Vencidas" DESC, "Sin reporte" DESC,
                 "Dependencia"
    """)
    df = _with_semaforo(df, filters)
    return drill.add_column(df, {"entidad": "Entidad", "dependencia": "Dependencia"})


def phase_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, fase, origin of the phase: declarada or inferida),
    phases in the order of the management cycle."""
    df = filtered(con, filters, f"""
        SELECT entidad AS "Entidad", fase AS _fase, fase_origen AS _fase_origen, {_COUNTS}
        FROM f GROUP BY ALL
    """)
    df["_orden"] = df["_fase"].map(lambda code: PHASES.index(code) if code in PHASES else 99)
    df = df.sort_values(["Entidad", "_orden", "_fase_origen"]).drop(columns="_orden")
    df.insert(1, "Fase", df["_fase"].map(lambda code: PHASE_LABELS.get(code, code)))
    df.insert(2, "Origen de la fase", df["_fase_origen"].str.capitalize())
    df = _with_semaforo(df.reset_index(drop=True), filters)
    return drill.add_column(df, {"entidad": "Entidad", "fase": "_fase",
                                 "fase_origen": "_fase_origen"})


def level_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, nivel de participación as the plan words it)."""
    return _by_text_column(con, filters, "nivel", "Nivel de participación")


def value_group_summary(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per (entidad, grupo de valor as the plan words it)."""
    return _by_text_column(con, filters, "grupo_valor", "Grupo de valor")


def _by_text_column(con, filters: Filters, column: str, title: str) -> pd.DataFrame:
    df = filtered(con, filters, f"""
        SELECT entidad AS "Entidad", {column} AS "{title}", {_COUNTS}
        FROM f GROUP BY entidad, {column}
        ORDER BY entidad, {column} = '{status.SIN_ESPECIFICAR}', count(*) DESC, {column}
    """)
    df = _with_semaforo(df, filters)
    return drill.add_column(df, {"entidad": "Entidad", column: title})


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
                     drill_json: str | None = None) -> pd.DataFrame:
    """Every field of every filtered activity at the cut-off, offices joined
    with "; ". ``drill_json`` (a chart's ``_filtro``) narrows it to the
    activities behind one bar."""
    conditions = drill.decode(drill_json)
    if drill.corte_of(conditions):
        filters = filters.replace(corte=drill.corte_of(conditions))
    where, params = drill.to_where(conditions)
    select = _ACTIVITY_COLUMNS.format(sin=status.SIN_ESPECIFICAR)
    df = filtered(con, filters, f"SELECT {select} FROM f ORDER BY entidad, vigencia, seq",
                  extra_where=where, extra_params=params)
    df["Fase"] = df["_fase"].map(lambda code: PHASE_LABELS.get(code, code))
    df["Origen de la fase"] = df["Origen de la fase"].str.capitalize()
    df["Estado"] = df["_estado"].map(status.ESTADO_LABELS)
    df["Vencida"] = df["_vencida"].map({True: "Sí", False: "No"})
    df["Semáforo"] = df["_semaforo"].map(semaforo.label)
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


def activity_history(con: duckdb.DuckDBPyConnection, activity_id: int) -> pd.DataFrame:
    """Every reading of one activity, by period and import: what each follow-up
    file said, and which value is current (``Vigente``)."""
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
        ORDER BY r.cutoff NULLS LAST, r.period_index, r.import_id
    """, {"id": int(activity_id)})
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


def _with_semaforo(df: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Add the semáforo of each row's average (code and label) after the average."""
    df = df.copy()
    codes = [filters.umbrales.classify(value) for value in df[AVANCE]]
    df.insert(df.columns.get_loc(AVANCE) + 1, "Semáforo", [semaforo.label(c) for c in codes])
    df["_semaforo"] = codes
    return df


def _with_period_labels(con, df: pd.DataFrame) -> pd.DataFrame:
    """Add "Corte" (label with date) and "_periodo" (short label) from _plan, _corte."""
    labels = run(con, """
        SELECT a.plan_id AS _plan, r.cutoff AS _corte, min(r.period_label) AS periodo
        FROM reading_current r JOIN activity a ON a.activity_id = r.activity_id
        WHERE r.cutoff IS NOT NULL GROUP BY ALL
    """, {})
    df = df.merge(labels, how="left", on=["_plan", "_corte"])
    df["_corte"] = [es_co.as_date(value) for value in df["_corte"]]
    df.insert(2, "Corte", [corte_label(p, c) for p, c in zip(df["periodo"], df["_corte"],
                                                              strict=True)])
    df["_periodo"] = [corte_label(p, c, with_date=False)
                      for p, c in zip(df["periodo"], df["_corte"], strict=True)]
    return df.drop(columns="periodo")
