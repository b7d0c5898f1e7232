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
"""
from __future__ import annotations

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
