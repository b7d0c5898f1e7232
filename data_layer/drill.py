"""Drill-down: which activities are behind one bar of a chart.

Every summary row carries, in its ``_filtro`` column, the conditions that pick
its activities out of the activity-state relation, as JSON (Plotly hands it
back in ``customdata`` when the bar is clicked). ``activities_table(con,
filters, drill)`` adds them to the current filters, so the activities listed
are exactly the ones the bar counted.

Keys are declared as data; values are always bound as parameters.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

import pandas as pd

from data_layer import es_co, semaforo, status
from data_layer.model import PHASE_LABELS

# key → (SQL condition over the activity-state columns, Spanish label or None)
CONDITIONS: dict[str, tuple[str, str | None]] = {
    "entidad": ("entidad = $d_entidad", "entidad"),
    "vigencia": ("vigencia = $d_vigencia", "vigencia"),
    "fase": ("fase = $d_fase", "fase"),
    "fase_origen": ("fase_origen = $d_fase_origen", "fase"),
    "estado": ("estado = $d_estado", "estado"),
    "semaforo": ("semaforo = $d_semaforo", "semáforo"),
    "dependencia": ("list_contains(dependencias_lista, $d_dependencia)", "dependencia"),
    "grupo_valor": ("grupo_valor = $d_grupo_valor", "grupo de valor"),
    "nivel": ("nivel = $d_nivel", "nivel de participación"),
    "actividad": ("activity_id = $d_actividad", None),
    # flags: the value is ignored
    "vence_hasta_corte": ("fecha_limite <= corte", "con fecha límite hasta el corte"),
    "con_avance": ("valor IS NOT NULL", "con avance numérico"),
    "sin_avance": ("valor IS NULL", "sin avance numérico"),
    # totals over many entities per cut-off date: only the plans that have a
    # cut-off on that date (the others' states at that date were not counted)
    "corte_del_plan": ("plan_id IN (SELECT a.plan_id FROM reading_current r JOIN activity a "
                       "ON a.activity_id = r.activity_id "
                       "WHERE r.cutoff = CAST($d_corte_del_plan AS DATE))",
                       "solo planes con seguimiento en esa fecha"),
}
FLAGS = ("vence_hasta_corte", "con_avance", "sin_avance", "corte_del_plan")  # described by their label
# "corte" is not a condition: it moves the cut-off the states are computed at.


def encode(conditions: Mapping[str, object]) -> str:
    """The JSON stored in ``_filtro`` (stable: keys sorted, dates ISO)."""
    return json.dumps(dict(conditions), sort_keys=True, ensure_ascii=False, default=_iso)


def decode(text: str | Mapping[str, object] | None) -> dict[str, object]:
    """The conditions back from JSON; unknown keys are dropped."""
    if not text:
        return {}
    data = json.loads(text) if isinstance(text, str) else dict(text)
    return {key: value for key, value in data.items() if key in CONDITIONS or key == "corte"}


def corte_of(conditions: Mapping[str, object]) -> date | None:
    value = conditions.get("corte")
    return date.fromisoformat(value) if isinstance(value, str) else value


def to_where(conditions: Mapping[str, object]) -> tuple[str, dict[str, object]]:
    clauses, params = [], {}
    for key, value in conditions.items():
        if key in CONDITIONS:
            sql, _label = CONDITIONS[key]
            clauses.append(sql)
            if f"$d_{key}" in sql:
                params[f"d_{key}"] = value
    return " AND ".join(clauses), params


def describe(conditions: Mapping[str, object]) -> str:
    """Spanish words for the selection: "dependencia SIAU, estado vencida"."""
    parts = []
    for key, value in conditions.items():
        if key == "corte":
            parts.append(f"corte {es_co.date_text(corte_of(conditions))}")
            continue
        _sql, label = CONDITIONS.get(key, ("", None))
        if label is None:
            continue
        if key in FLAGS:
            parts.append(label)
        else:
            parts.append(f"{label} {_value_label(key, value)}")
    return ", ".join(parts)


def add_column(df: pd.DataFrame, keys: Mapping[str, str], fixed: Mapping[str, object] | None = None
               ) -> pd.DataFrame:
    """Add ``_filtro`` to each row of a summary: ``keys`` maps a condition to the
    column holding its value; ``fixed`` adds the same conditions to every row."""
    df = df.copy()
    df["_filtro"] = [
        encode({**(fixed or {}), **{key: _plain(row[column]) for key, column in keys.items()}})
        for _, row in df.iterrows()
    ]
    return df


def _value_label(key: str, value: object) -> str:
    if key == "fase":
        return PHASE_LABELS.get(value, str(value))
    if key == "fase_origen":
        return f"{value}"
    if key == "estado":
        return status.ESTADO_LABELS.get(value, str(value)).lower()
    if key == "semaforo":
        return semaforo.NAMES.get(value, str(value)).lower()
    return str(value)


def _plain(value: object) -> object:
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {value!r}")
