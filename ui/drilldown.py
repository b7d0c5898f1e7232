"""Clickable charts: a click on a bar lists the activities behind it.

The chart's key carries a generation number; "Volver" bumps it, which gives
Streamlit a new, unselected chart (a Plotly selection cannot be cleared
through ``st.session_state``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import streamlit as st

from data_layer import drill, es_co, queries
from data_layer.filters import Filters
from ui import charts, data, safe, tables

COLUMNS = ("Código", "Actividad", "Estado", "Avance (%)", "Semáforo", "Fecha límite",
           "Dependencias", "Fase", "Observación", "Entidad")
HINT = "Haga clic en una barra para ver las actividades que la forman."


def selected_filter(points: Sequence[Mapping] | None) -> str | None:
    """The ``_filtro`` JSON of the first clicked point (None when nothing is selected)."""
    for point in points or []:
        custom = point.get("customdata")
        if isinstance(custom, (list, tuple)) and custom:
            custom = custom[0]
        if isinstance(custom, str) and custom.startswith("{"):
            return custom
    return None


def activities_behind(filters: Filters, drill_json: str) -> tuple:
    """The first activities behind one bar (what the screen shows), how many
    there are in all, and the sentence that describes them."""
    total = data.load(queries.activities_count, filters, drill_json)
    df = data.load(queries.activities_table, filters, drill_json, tables.MAX_ROWS)
    what = drill.describe(drill.decode(drill_json))
    return df, total, what


def chart(fig: go.Figure, key: str, filters: Filters, hint: str = HINT) -> None:
    """Draw ``fig``; when one of its bars is clicked, list the activities behind it."""
    generation = st.session_state.get(f"_gen_{key}", 0)
    event = st.plotly_chart(fig, key=f"{key}__{generation}", on_select="rerun",
                            selection_mode="points", config=charts.config(key, filters),
                            width="stretch")
    points = event.selection.points if event and event.selection else []
    drill_json = selected_filter(points)
    if drill_json is None:
        drill_json = _keyboard_choice(fig, key, generation)
    if drill_json is None:
        st.caption(hint)
        return
    _activities_panel(key, filters, drill_json)


def listing(key: str, filters: Filters, drill_json: str, widget_key: str) -> None:
    """The activities of ``drill_json`` (a set chosen in the widget
    ``widget_key``, not a chart); "Volver" unselects the widget."""
    _activities_panel(key, filters, drill_json, go_back=(_unselect, (widget_key,)))


def _unselect(widget_key: str) -> None:
    st.session_state[widget_key] = None


def _keyboard_choice(fig: go.Figure, key: str, generation: int) -> str | None:
    """The same choice as a click, from a list that Tab, the arrows and Enter
    reach (a Plotly bar cannot be focused): WCAG 2.1.1, keyboard."""
    choices = charts.bar_choices(fig)
    if not choices:
        return None
    noun = "un punto" if charts.points_only(fig) else "una barra"
    return st.selectbox(f"Ver las actividades de {noun}", list(choices),
                        format_func=choices.get, index=None, key=f"{key}__teclado__{generation}",
                        placeholder=f"Elija {noun} de la gráfica (también con el teclado)…")


def _clear(key: str) -> None:
    st.session_state[f"_gen_{key}"] = st.session_state.get(f"_gen_{key}", 0) + 1


def _activities_panel(key: str, filters: Filters, drill_json: str,
                      go_back: tuple | None = None) -> None:
    on_back, args = go_back or (_clear, (key,))
    df, total, what = activities_behind(filters, drill_json)
    with st.container(border=True):
        head, back = st.columns([4, 1], vertical_alignment="center")
        head.markdown(f"**Actividades de la selección** ({es_co.integer(total)}): "
                      f"{safe.md(what)}")
        back.button("Volver", key=f"volver_{key}", on_click=on_back, args=args,
                    icon=":material/arrow_back:", type="primary", width="stretch",
                    help="Quita la selección y vuelve a la vista completa.")
        if df.empty:
            st.info("No hay actividades detrás de esta selección con los filtros actuales.")
            return
        description = f"{filters.describe(total)} Selección: {what}."
        tables.show(df, key=f"drill_{key}", description=description,
                    file_name=f"actividades_{key}", columns=COLUMNS, total=total,
                    everything=data.later(queries.activities_table, filters, drill_json),
                    noun="actividades")
