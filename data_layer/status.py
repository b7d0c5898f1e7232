"""The state of each activity at a cut-off date ("corte"), in SQL.

Grain of :func:`activity_state_sql`: one row per (activity, corte). Every figure
of the dashboard is an aggregate of this relation, so the rules below live
here and nowhere else.

Reading used at corte D: among the activity's current readings (view
``reading_current``: the latest import of each period), the one with the latest
cutoff ≤ D.

``estado_lectura`` — what the reading says:
  sin_seguimiento  the plan has no reading at any cutoff ≤ D (not followed up yet)
  sin_reporte      the activity has no reading ≤ D, or it is sin_reporte/ilegible
  no_programada    nothing was due in the period
  cumplida         avance ≥ 100
  en_curso         any other number

``fecha_limite`` — the due date the plan gives or, when it gives none, the
last day of the last month its schedule grid plans something for
(``fecha_limite_origen``: 'plan' or 'cronograma').

``vencida`` — fecha límite < D and neither cumplida nor sin_seguimiento (with no
follow-up at all there is nothing to say the work is not done).

``estado`` — one state per activity for counts, so that they add up to the
total. Precedence: sin_seguimiento, cumplida, vencida, sin_reporte,
no_programada, en_curso. An overdue activity is counted as vencida even when
it is also unreported: overdue work is what the comité asks about first.

``valor`` — the number of the reading (NULL unless the reading is an avance);
averages use only these.

Two forms of the same rules:

- :func:`activity_state_sql` computes the relation from the stored tables in
  one statement. It is the definition, kept readable; it reads every reading
  and is far too slow for the dashboard at national scale (seconds per query
  at a million activities).
- :data:`DERIVED_SQL` materialises, once per database file, the state of every
  activity at every cut-off of its plan (table ``estado_corte``, plus one row
  per activity for "before the plan's first cut-off"), and
  :func:`state_sql` reads the relation at a cut-off, or the history up to it,
  out of it with a range filter and two tiny joins. The state at a cut-off D is
  the one at the plan's last cut-off ≤ D (the readings that exist only change
  at the plan's cut-offs), except ``vencida``, which compares the fecha límite
  with D itself and is computed when read. tests/test_bench.py checks that both
  forms give the same relation.
"""
from __future__ import annotations

import hashlib
import re

from data_layer import semaforo

ESTADOS: tuple[str, ...] = (
    "cumplida", "en_curso", "vencida", "sin_reporte", "no_programada", "sin_seguimiento",
)
ESTADO_LABELS = {
    "cumplida": "Cumplida",
    "en_curso": "En curso",
    "vencida": "Vencida",
    "sin_reporte": "Sin reporte",
    "no_programada": "No programada",
    "sin_seguimiento": "Sin seguimiento",
}
READING_LABELS = {  # what one reading says (data_layer.model.READING_STATES)
    "avance": "Avance",
    "no_programada": "No programada",
    "sin_reporte": "Sin reporte",
    "ilegible": "Ilegible",
}
PRECEDENCE_TEXT = (
    "Cada actividad se cuenta una sola vez: sin seguimiento si el plan aún no tiene "
    "ningún corte; si no, cumplida (avance ≥ 100 %); si no, vencida (su fecha límite "
    "es anterior al corte); si no, sin reporte, no programada o en curso."
)
SIN_ESPECIFICAR = "Sin especificar"  # label of an empty grupo de valor / nivel
SIN_DEPENDENCIA = "Sin dependencia asignada"  # office of an activity with none

# One row per plan with the single cut-off D of the current filters.
CORTE_UNICO = "SELECT plan_id, CAST($corte AS DATE) AS corte FROM plan"

# One row per (plan, cutoff of that plan's readings) up to D: the history.
CORTES_DEL_PLAN = """
    SELECT DISTINCT a.plan_id, r.cutoff AS corte
    FROM reading_current r JOIN activity a USING (activity_id)
    WHERE r.cutoff IS NOT NULL AND r.cutoff <= CAST($corte AS DATE)
"""

# One row per plan with the cutoff before its latest cutoff up to D (the one
# its current figures come from); plans with a single cutoff have none.
CORTE_ANTERIOR = """
    SELECT plan_id, corte FROM (
        SELECT plan_id, corte, row_number() OVER (PARTITION BY plan_id ORDER BY corte DESC) AS n
        FROM (""" + CORTES_DEL_PLAN + """)
    ) WHERE n = 2
"""

_STATE_SQL = """
WITH cortes AS ({cortes}),
base AS (
    SELECT a.*, c.corte, e.name AS entidad, p.vigencia
    FROM activity a
    JOIN plan p ON p.plan_id = a.plan_id
    JOIN entity e ON e.entity_id = p.entity_id
    JOIN cortes c ON c.plan_id = a.plan_id
),
ultima AS (
    SELECT b.activity_id, b.corte, r.period_label, r.cutoff, r.state, r.value,
           r.raw, r.observation, r.evidence, r.planned, r.executed
    FROM base b
    JOIN reading_current r ON r.activity_id = b.activity_id AND r.cutoff <= b.corte
    QUALIFY row_number() OVER (
        PARTITION BY b.activity_id, b.corte
        ORDER BY r.cutoff DESC, r.period_index DESC, r.period_kind) = 1
),
seguidos AS (
    SELECT DISTINCT b.plan_id, b.corte
    FROM base b JOIN ultima u ON u.activity_id = b.activity_id AND u.corte = b.corte
),
oficinas AS (
    SELECT activity_id, list(office ORDER BY office) AS lista
    FROM activity_office GROUP BY activity_id
),
cronograma AS (
    SELECT activity_id, last_day(max(month)) AS fin
    FROM schedule WHERE planned > 0 GROUP BY activity_id
),
leida AS (
    SELECT b.activity_id, b.plan_id, b.entidad, b.vigencia, b.corte, b.seq,
           b.code AS codigo, b.group_name AS grupo, b.name AS actividad,
           b.objective AS objetivo, b.product AS producto, b.indicator AS indicador,
           b.phase AS fase, b.phase_source AS fase_origen, b.phase_raw AS fase_texto,
           coalesce(b.participation_level, '{sin}') AS nivel,
           coalesce(b.value_groups, '{sin}') AS grupo_valor,
           b.instance AS instancia, b.start_date AS fecha_inicio,
           coalesce(b.due_date, cr.fin) AS fecha_limite,
           CASE WHEN b.due_date IS NOT NULL THEN 'plan'
                WHEN cr.fin IS NOT NULL THEN 'cronograma' END AS fecha_limite_origen,
           b.evidence_means AS medio_verificacion, b.source_sheet AS hoja, b.source_row AS fila,
           coalesce(o.lista, ['{sin_dependencia}']) AS dependencias_lista,
           array_to_string(coalesce(o.lista, ['{sin_dependencia}']), '; ') AS dependencias,
           u.period_label AS periodo, u.cutoff AS fecha_lectura, u.state AS lectura,
           u.raw AS valor_original,
           CASE WHEN u.state = 'avance' THEN u.value END AS valor,
           u.observation AS observacion, u.evidence AS evidencia,
           u.planned AS programado, u.executed AS ejecutado,
           CASE
               WHEN s.plan_id IS NULL THEN 'sin_seguimiento'
               WHEN u.state IS NULL OR u.state IN ('sin_reporte', 'ilegible') THEN 'sin_reporte'
               WHEN u.state = 'no_programada' THEN 'no_programada'
               WHEN u.value >= 100 THEN 'cumplida'
               ELSE 'en_curso'
           END AS estado_lectura
    FROM base b
    LEFT JOIN ultima u ON u.activity_id = b.activity_id AND u.corte = b.corte
    LEFT JOIN seguidos s ON s.plan_id = b.plan_id AND s.corte = b.corte
    LEFT JOIN oficinas o ON o.activity_id = b.activity_id
    LEFT JOIN cronograma cr ON cr.activity_id = b.activity_id
),
vencimiento AS (
    SELECT *,
           coalesce(fecha_limite < corte
                    AND estado_lectura NOT IN ('cumplida', 'sin_seguimiento'), false) AS vencida
    FROM leida
)
SELECT *,
       CASE WHEN vencida THEN 'vencida' ELSE estado_lectura END AS estado,
       {semaforo} AS semaforo,
       strip_accents(lower(concat_ws(' ', codigo, actividad, grupo, objetivo, producto,
           indicador, grupo_valor, instancia, dependencias, observacion))) AS texto_busqueda
FROM vencimiento
"""


def activity_state_sql(cortes: str = CORTE_UNICO) -> str:
    """SQL of the activity-state relation for the cut-offs ``cortes`` yields.

    ``cortes`` is a SELECT of ``(plan_id, corte)``; the ones here bind
    ``$corte``. The result binds ``$umbral_rojo`` and ``$umbral_verde`` too.
    Columns: see the module docstring and the SELECT itself.
    """
    return _STATE_SQL.format(cortes=cortes, sin=SIN_ESPECIFICAR,
                             sin_dependencia=SIN_DEPENDENCIA,
                             semaforo=semaforo.sql_case("valor"))


# ------------------------------------------------------------------ materialised

DERIVED_CATALOG = "tablero_derivados"

# The grouping sets of the roll-up ``cubo`` (besides corte, plan and estado in
# every one): semáforo with the default thresholds and whether the activity
# changed since the plan's previous cut-off; fase; nivel; grupo de valor; list
# of offices. ``conjunto`` = GROUPING_ID over CUBO_KEYS: a 1 bit per key left
# out of the set.
CUBO_KEYS = ("semaforo", "cambiada", "fase", "fase_origen", "nivel", "grupo_valor", "oficinas",
             "sin_valor")
# Every set keys sin_valor (no numeric avance: what «Vencidas sin avance»
# counts), so that the summary cards can be read from any of them: from the
# one that holds the column a filter names (fase, grupo de valor, semáforo).
CUBO_SETS = {"semaforo": ("semaforo", "cambiada", "sin_valor"),
             "nivel": ("nivel", "sin_valor"),
             "fase": ("fase", "fase_origen", "sin_valor"),
             "grupo_valor": ("grupo_valor", "sin_valor"),
             "oficinas": ("oficinas", "sin_valor")}
CONJUNTOS = {name: sum(1 << (len(CUBO_KEYS) - 1 - n) for n, key in enumerate(CUBO_KEYS)
                       if key not in keys)
             for name, keys in CUBO_SETS.items()}

# Statements that build the derived tables in schema ``{d}`` (e.g.
# ``tablero_derivados.main``) from the stored tables. Order matters.
DERIVED_SQL: tuple[str, ...] = (
    # One row per plan: the plan-level columns filters use.
    """CREATE OR REPLACE TABLE {d}.plan_dim AS
       SELECT p.plan_id, e.name AS entidad, p.vigencia
       FROM plan p JOIN entity e ON e.entity_id = p.entity_id""",
    # Current readings with a cutoff (the view reading_current, materialised once).
    """CREATE OR REPLACE TABLE {d}.lectura_vigente AS
       SELECT r.activity_id, a.plan_id, r.cutoff, r.period_kind, r.period_index, r.import_id,
              r.period_label, r.state, r.value, r.planned, r.executed
       FROM reading r JOIN activity a ON a.activity_id = r.activity_id
       WHERE r.cutoff IS NOT NULL
       QUALIFY row_number() OVER (PARTITION BY r.activity_id, r.period_kind, r.period_index
                                  ORDER BY r.import_id DESC) = 1""",
    # One row per (plan, cut-off of its readings), with its neighbours.
    """CREATE OR REPLACE TABLE {d}.plan_corte AS
       SELECT plan_id, corte, periodo,
              lag(corte) OVER w AS corte_previo,
              coalesce(lead(corte) OVER w, 'infinity'::DATE) AS corte_siguiente
       FROM (SELECT plan_id, cutoff AS corte, min(period_label) AS periodo
             FROM {d}.lectura_vigente GROUP BY ALL)
       WINDOW w AS (PARTITION BY plan_id ORDER BY corte)""",
    # Each distinct list of offices once (activities point to it by number).
    """CREATE OR REPLACE TABLE {d}.oficinas_actividad AS
       SELECT a.activity_id, coalesce(o.lista, ['{sin_dependencia}']) AS lista
       FROM activity a LEFT JOIN (
           SELECT activity_id, list(office ORDER BY office) AS lista
           FROM activity_office GROUP BY activity_id) o ON o.activity_id = a.activity_id""",
    """CREATE OR REPLACE TABLE {d}.oficinas AS
       SELECT CAST(row_number() OVER (ORDER BY lista) AS INTEGER) AS oficinas,
              lista AS dependencias_lista
       FROM (SELECT DISTINCT lista FROM {d}.oficinas_actividad)""",
    # The state of every activity at every cut-off of its plan, and before the first.
    """CREATE OR REPLACE TABLE {d}.estado_corte AS
       WITH actividad AS (
           SELECT a.activity_id, a.plan_id, a.seq, a.phase AS fase, a.phase_source AS fase_origen,
                  coalesce(a.participation_level, '{sin}') AS nivel,
                  coalesce(a.value_groups, '{sin}') AS grupo_valor,
                  coalesce(a.due_date, cr.fin) AS fecha_limite,
                  CASE WHEN a.due_date IS NOT NULL THEN 'plan'
                       WHEN cr.fin IS NOT NULL THEN 'cronograma' END AS fecha_limite_origen,
                  c.oficinas,
                  -- the orders the lists are read in, as one number each
                  CAST(row_number() OVER (ORDER BY p.entidad, p.vigencia, a.seq, a.activity_id)
                       AS INTEGER) AS orden,
                  CAST(row_number() OVER (ORDER BY p.entidad, a.seq, a.activity_id)
                       AS INTEGER) AS orden_cambios
           FROM activity a
           JOIN {d}.plan_dim p ON p.plan_id = a.plan_id
           JOIN {d}.oficinas_actividad oa ON oa.activity_id = a.activity_id
           JOIN {d}.oficinas c ON c.dependencias_lista = oa.lista
           LEFT JOIN (SELECT activity_id, last_day(max(month)) AS fin
                      FROM schedule WHERE planned > 0 GROUP BY activity_id) cr
                  ON cr.activity_id = a.activity_id
       ),
       lectura AS (  -- the reading used at a cutoff: latest period among those of that cutoff
           SELECT * FROM {d}.lectura_vigente
           QUALIFY row_number() OVER (PARTITION BY activity_id, cutoff
                                      ORDER BY period_index DESC, period_kind) = 1
       ),
       rejilla AS (
           SELECT a.*, pc.corte AS desde, pc.corte_siguiente AS hasta, pc.corte_previo
           FROM actividad a JOIN {d}.plan_corte pc ON pc.plan_id = a.plan_id
       ),
       leida AS (
           SELECT g.*, l.period_label AS periodo, l.cutoff AS fecha_lectura, l.state AS lectura,
                  l.planned AS programado, l.executed AS ejecutado,
                  l.period_kind AS lectura_periodo, l.period_index AS lectura_indice,
                  l.import_id AS lectura_importacion,
                  CASE WHEN l.state IS NULL OR l.state IN ('sin_reporte', 'ilegible') THEN 'sin_reporte'
                       WHEN l.state = 'no_programada' THEN 'no_programada'
                       WHEN l.value >= 100 THEN 'cumplida'
                       ELSE 'en_curso' END AS estado_lectura,
                  CASE WHEN l.state = 'avance' THEN l.value END AS valor
           FROM rejilla g ASOF LEFT JOIN lectura l
                ON l.activity_id = g.activity_id AND g.desde >= l.cutoff
       ),
       historia AS (
           SELECT *, CASE WHEN coalesce(fecha_limite < desde
                                        AND estado_lectura NOT IN ('cumplida', 'sin_seguimiento'),
                                        false)
                          THEN 'vencida' ELSE estado_lectura END AS estado_en_corte
           FROM leida
       ),
       todo AS (
           SELECT *, lag(estado_en_corte) OVER w AS estado_previo,
                  lag(valor) OVER w AS valor_previo,
                  coalesce(lag(estado_lectura) OVER w = 'cumplida', false) AS cumplida_antes
           FROM historia WINDOW w AS (PARTITION BY activity_id ORDER BY desde)
           UNION ALL BY NAME
           SELECT a.*, '-infinity'::DATE AS desde, coalesce(pc.primero, 'infinity'::DATE) AS hasta,
                  'sin_seguimiento' AS estado_lectura, 'sin_seguimiento' AS estado_en_corte,
                  false AS cumplida_antes
           FROM actividad a LEFT JOIN (SELECT plan_id, min(corte) AS primero
                                       FROM {d}.plan_corte GROUP BY plan_id) pc
                ON pc.plan_id = a.plan_id
       )
       -- The rows valid from each plan's latest cut-off on (the default view)
       -- first, in row groups of their own: a scan at that cut-off skips the
       -- others by their min/max. Each part in the order of the lists: the
       -- first rows of a list are then read from the first row groups (a
       -- top-N skips the rest by the min/max of orden).
       SELECT * FROM todo ORDER BY hasta < 'infinity'::DATE, orden""",
    # The history per (plan, cut-off), for views that select whole plans only
    # (the national view): what progress_by_period and states_by_period count.
    """CREATE OR REPLACE TABLE {d}.historia_plan AS
       SELECT plan_id, desde AS corte, count(*) AS actividades,
              count(*) FILTER (WHERE fecha_limite <= desde
                  AND (corte_previo IS NULL OR fecha_limite > corte_previo)) AS programadas_periodo,
              count(*) FILTER (WHERE estado_lectura = 'cumplida' AND NOT cumplida_antes)
                  AS cumplidas_periodo,
              count(*) FILTER (WHERE fecha_limite <= desde) AS programadas_corte,
              count(*) FILTER (WHERE estado_lectura = 'cumplida') AS cumplidas_corte,
              count(*) FILTER (WHERE estado_en_corte = 'vencida') AS vencidas,
              sum(valor) AS suma_valor, count(valor) AS con_avance,
              count(*) FILTER (WHERE fecha_limite IS NULL) AS sin_fecha,
              sum(ejecutado) FILTER (WHERE programado > 0) AS ejecutado,
              sum(programado) FILTER (WHERE programado > 0) AS programado
       FROM {d}.estado_corte WHERE desde > '-infinity'::DATE
       GROUP BY plan_id, desde""",
    """CREATE OR REPLACE TABLE {d}.historia_estado AS
       SELECT plan_id, desde AS corte, estado_en_corte AS estado, count(*) AS actividades
       FROM {d}.estado_corte WHERE desde > '-infinity'::DATE
       GROUP BY ALL""",
    # What the sidebar offers, per plan.
    """CREATE OR REPLACE TABLE {d}.plan_opcion AS
       SELECT DISTINCT a.plan_id, 'fase' AS campo, a.phase AS valor FROM activity a
       UNION ALL
       SELECT DISTINCT a.plan_id, 'grupo_valor', coalesce(a.value_groups, '{sin}') FROM activity a
       UNION ALL
       SELECT DISTINCT a.plan_id, 'dependencia', unnest(oa.lista)
       FROM activity a JOIN {d}.oficinas_actividad oa ON oa.activity_id = a.activity_id""",
    # Per plan, what the data-quality page counts over activities and offices.
    """CREATE OR REPLACE TABLE {d}.plan_calidad AS
       WITH act AS (
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
       cortes AS (SELECT plan_id, count(*) AS cortes FROM {d}.plan_corte GROUP BY plan_id)
       SELECT p.plan_id, coalesce(act.n, 0) AS n, coalesce(act.declaradas, 0) AS declaradas,
              coalesce(act.inferidas, 0) AS inferidas, coalesce(act.sin_fase, 0) AS sin_fase,
              coalesce(act.sin_fecha, 0) AS sin_fecha, coalesce(ofi.oficinas, 0) AS oficinas,
              coalesce(ofi.escrituras, 0) AS escrituras,
              coalesce(ofi.con_oficina, 0) AS con_oficina, coalesce(cortes.cortes, 0) AS cortes
       FROM plan p
       LEFT JOIN act ON act.plan_id = p.plan_id
       LEFT JOIN ofi ON ofi.plan_id = p.plan_id
       LEFT JOIN cortes ON cortes.plan_id = p.plan_id""",
    # Per plan, each way an office was written and the name it was merged into.
    """CREATE OR REPLACE TABLE {d}.oficina_escritura AS
       SELECT a.plan_id, o.office_raw, o.office, count(DISTINCT o.activity_id) AS actividades
       FROM activity_office o JOIN activity a ON a.activity_id = o.activity_id
       GROUP BY ALL""",
    # The roll-ups the summaries read when the filters select whole plans (the
    # national view, one entity, a vigencia): at every cut-off date any plan
    # has (the dates the sidebar offers), each plan's activities counted by
    # state and by one more key per grouping set — semáforo (default
    # thresholds), fase, nivel, grupo de valor, list of offices. ``conjunto``
    # names the set (GROUPING_ID: 1 bit per key left out, see CONJUNTOS). A
    # national figure then reads a few thousand rows instead of a million.
    """CREATE OR REPLACE TABLE {d}.cubo AS
       WITH fechas AS (SELECT DISTINCT corte FROM {d}.plan_corte),
       e AS (
           SELECT f.corte, h.plan_id, h.fase, h.fase_origen, h.nivel, h.grupo_valor, h.oficinas,
                  CASE WHEN coalesce(h.fecha_limite < f.corte AND h.estado_lectura
                                     NOT IN ('cumplida', 'sin_seguimiento'), false)
                       THEN 'vencida' ELSE h.estado_lectura END AS estado,
                  {semaforo_defecto} AS semaforo, h.valor IS NULL AS sin_valor, h.valor,
                  h.fecha_lectura,
                  h.corte_previo, h.estado_previo, h.valor_previo
           FROM {d}.estado_corte h JOIN fechas f ON h.desde <= f.corte AND h.hasta > f.corte
       )
       SELECT corte, plan_id, CAST(GROUPING_ID({cubo_claves}) AS INTEGER) AS conjunto,
              estado, {cubo_claves},
              count(*) AS n, count(valor) AS nv, sum(valor) AS sv, max(fecha_lectura) AS ml
       FROM (SELECT *, corte_previo IS NOT NULL AND (estado_previo IS DISTINCT FROM estado
                       OR valor_previo IS DISTINCT FROM valor) AS cambiada FROM e)
       GROUP BY GROUPING SETS ({cubo_conjuntos})
       ORDER BY conjunto, corte, plan_id""",
    # Per office (an activity counts once for each of its offices), from the
    # lists of offices above; the lists set then leaves the roll-up.
    """CREATE OR REPLACE TABLE {d}.cubo_dependencia AS
       SELECT corte, plan_id, dependencia, estado,
              sum(n) AS n, sum(nv) AS nv, sum(sv) AS sv
       FROM (SELECT c.corte, c.plan_id, c.estado, c.n, c.nv, c.sv,
                    unnest(o.dependencias_lista) AS dependencia
             FROM {d}.cubo c JOIN {d}.oficinas o ON o.oficinas = c.oficinas
             WHERE c.conjunto = {cubo_oficinas})
       GROUP BY ALL ORDER BY corte, plan_id""",
    "DELETE FROM {d}.cubo WHERE conjunto = {cubo_oficinas}",
    "DROP TABLE {d}.lectura_vigente",
    "DROP TABLE {d}.oficinas_actividad",
)


# Names this version of the rules above: tables stored in a file by another
# version are not read (data_layer.sql builds them afresh).
DERIVED_VERSION = hashlib.sha256(
    "\n".join((*DERIVED_SQL, SIN_ESPECIFICAR, SIN_DEPENDENCIA, repr(semaforo.Umbrales()),
               repr(CUBO_KEYS), repr(CUBO_SETS)))
    .encode()).hexdigest()[:16]


def derived_sql(schema: str) -> list[str]:
    """The statements of :data:`DERIVED_SQL` for the schema ``schema``."""
    return [statement.replace("{d}", schema).replace("{sin}", SIN_ESPECIFICAR)
            .replace("{sin_dependencia}", SIN_DEPENDENCIA)
            .replace("{semaforo_defecto}", _SEMAFORO_DEFECTO)
            .replace("{cubo_claves}", ", ".join(CUBO_KEYS))
            .replace("{cubo_conjuntos}", ", ".join(
                f"(corte, plan_id, estado, {', '.join(keys)})" for keys in CUBO_SETS.values()))
            .replace("{cubo_oficinas}", str(CONJUNTOS["oficinas"]))
            for statement in DERIVED_SQL]


# The semáforo of h.valor with the default thresholds, for the roll-up (a
# view with other thresholds counts colours from the activities instead).
_DEFAULTS = semaforo.Umbrales()
_SEMAFORO_DEFECTO = (semaforo.sql_case("h.valor")
                     .replace("$umbral_verde", repr(float(_DEFAULTS.verde)))
                     .replace("$umbral_rojo", repr(float(_DEFAULTS.rojo))))



# Columns of the activity and of its reading that only the table of activities
# and the text search need; joined from the stored tables when asked for.
_TEXT_COLUMNS = """
    SELECT n.*, a.code AS codigo, a.group_name AS grupo, a.name AS actividad,
           a.objective AS objetivo, a.product AS producto, a.indicator AS indicador,
           a.phase_raw AS fase_texto, a.instance AS instancia, a.start_date AS fecha_inicio,
           a.evidence_means AS medio_verificacion, a.source_sheet AS hoja, a.source_row AS fila,
           array_to_string(n.dependencias_lista, '; ') AS dependencias,
           r.raw AS valor_original, r.observation AS observacion, r.evidence AS evidencia
    FROM ({narrow}) n
    JOIN activity a ON a.activity_id = n.activity_id
    LEFT JOIN reading r ON r.activity_id = n.activity_id AND r.period_kind = n.lectura_periodo
         AND r.period_index = n.lectura_indice AND r.import_id = n.lectura_importacion
"""
_SEARCH_TEXT = """
    SELECT *, strip_accents(lower(concat_ws(' ', codigo, actividad, grupo, objetivo, producto,
           indicador, grupo_valor, instancia, dependencias, observacion))) AS texto_busqueda
    FROM ({wide})
"""


_BASE_COLUMNS = ("activity_id", "plan_id", "seq", "orden", "orden_cambios", "fase", "fase_origen", "nivel", "grupo_valor",
                 "fecha_limite", "fecha_limite_origen", "oficinas", "periodo", "fecha_lectura",
                 "lectura", "valor", "programado", "ejecutado", "estado_lectura", "corte_previo",
                 "estado_previo", "valor_previo", "cumplida_antes", "lectura_periodo",
                 "lectura_indice", "lectura_importacion")
_TEXT_NEEDS = ("activity_id", "dependencias_lista", "grupo_valor", "lectura_periodo",
               "lectura_indice", "lectura_importacion")


def state_sql(schema: str, *, history: bool = False, offices: bool = False,
              text: bool = False, corte_known: bool = True, uses: str | None = None) -> str:
    """The activity-state relation read from the derived tables in ``schema``.

    ``history=False``: one row per activity at the cut-off ``$corte`` (the
    CORTE_UNICO form); ``history=True``: one row per (activity, cut-off of its
    plan up to ``$corte``) (the CORTES_DEL_PLAN form). Either way it adds
    ``corte_previo``, ``estado_previo``, ``valor_previo`` (the state at the
    plan's previous cut-off) and ``cumplida_antes``. ``offices`` adds
    ``dependencias_lista``; ``text`` adds the text columns, ``dependencias`` and
    ``texto_busqueda``. ``corte_known=False`` is the case of no cut-off at all
    (``$corte`` is NULL): every activity is sin_seguimiento.

    ``uses``, the SQL that will read the relation, keeps only the columns it
    names: a narrower statement is planned in a fraction of the time, which
    matters when the answer itself takes a few milliseconds.
    """
    if history:
        rows = "h.desde > '-infinity'::DATE AND h.desde <= CAST($corte AS DATE)"
        corte = "h.desde"
        vencida = "h.estado_en_corte = 'vencida'"
    else:
        rows = ("h.desde <= CAST($corte AS DATE) AND h.hasta > CAST($corte AS DATE)"
                if corte_known else "h.desde = '-infinity'::DATE")
        corte = "CAST($corte AS DATE)"
        vencida = (f"coalesce(h.fecha_limite < {corte} AND h.estado_lectura NOT IN "
                   "('cumplida', 'sin_seguimiento'), false)")
    offices = offices or text
    columns = {name: f"h.{name}" for name in _BASE_COLUMNS}
    columns |= {
        "entidad": "p.entidad", "vigencia": "p.vigencia", "corte": corte, "vencida": vencida,
        "estado": f"CASE WHEN {vencida} THEN 'vencida' ELSE h.estado_lectura END",
        "semaforo": semaforo.sql_case("h.valor"),
    }
    if offices:
        columns["dependencias_lista"] = "c.dependencias_lista"
    if uses is not None and re.search(r"\*\s*(?:,|FROM\b)", uses, re.IGNORECASE):
        uses = None  # SELECT * or f.*: every column
    if uses is not None and not text:
        named = set(re.findall(r"[a-z_]+", uses))
        columns = {name: sql for name, sql in columns.items() if name in named} or {
            "activity_id": "h.activity_id"}
    elif uses is not None:
        named = set(re.findall(r"[a-z_]+", uses)) | set(_TEXT_NEEDS) | {
            "codigo", "actividad", "grupo", "objetivo", "producto", "indicador", "instancia",
            "observacion"}
        columns = {name: sql for name, sql in columns.items() if name in named}
    select = ",\n               ".join(f"{sql} AS {name}" for name, sql in columns.items())
    narrow = f"""
        SELECT {select}
        FROM {schema}.estado_corte h
        JOIN {schema}.plan_dim p ON p.plan_id = h.plan_id
        {f"JOIN {schema}.oficinas c ON c.oficinas = h.oficinas" if offices else ""}
        WHERE {rows}
    """
    if not text:
        return narrow
    return _SEARCH_TEXT.format(wide=_TEXT_COLUMNS.format(narrow=narrow))
