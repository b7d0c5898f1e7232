"""The rendición de cuentas presentation: one topic per screen, large type.

``pages/presentacion.py`` draws the controls and calls :func:`show`. What each
screen shows comes from ``data_layer.report`` (the same :class:`Report` the
PDF is made of), drawn here with the dashboard's own Plotly charts at
projector size.

Safety: the CSS below is static; every text that comes from a spreadsheet
(entity, activity, office, observation, evidence) goes through ``safe.md``
and the Plotly charts escape their labels (``ui.charts``). The only HTML
written here carries numbers and fixed words.
"""
from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from contextlib import closing
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data_layer import es_co, report, semaforo, store
from data_layer.filters import Filters
from data_layer.queries import AVANCE
from data_layer.report import Report, screens
from data_layer.report.content import NOTES, missing, phase_rows, unlisted_text
from data_layer.report.screens import Screen
from ui import charts, data, safe

logger = logging.getLogger(__name__)
PDF_FAILED = ("No se pudo generar el informe PDF de esta vista. Inténtelo de nuevo; si vuelve "
              "a pasar, descargue las tablas en CSV o Excel y avise a quien administra el "
              "tablero (el registro del servidor dice qué falló).")

SCREEN_KEY = "presentacion_pantalla"
FULL_KEY = "presentacion_completa"
PDF_MIME = "application/pdf"

# Sizes for a 1366×768 projector; the browser test measures that they fit.
CHART_HEIGHT = {False: 360, True: 430}  # beside the sidebar / in pantalla completa
# How much one screen holds, beside the sidebar (False) and in pantalla completa
# (True, wider and taller): a topic may have fewer parts when projected.
FIT = {False: screens.Fit(bars=7, lines=17.5, chars_per_line=85),
       True: screens.Fit(bars=8, lines=20, chars_per_line=140)}

CSS = """<style>
[data-testid="stMainBlockContainer"] {padding-bottom: 1rem}
/* Clicking the page (to use the arrow keys) must not frame the projected screen. */
[data-testid="stMain"]:focus, [data-testid="stMain"]:focus-visible {outline: none}
[data-testid="stMain"]:focus::before, [data-testid="stMain"]:focus-visible::before {
    box-shadow: none !important}
.st-key-pres_contenido [data-testid="stMarkdownContainer"] p,
.st-key-pres_contenido [data-testid="stMarkdownContainer"] li {
    font-size: 1.3rem; line-height: 1.4; overflow-wrap: anywhere;
}
.st-key-pres_contenido h1 {font-size: 2.1rem; line-height: 1.2; padding: 0.1rem 0 0.3rem 0}
.st-key-pres_contenido h3 {font-size: 1.6rem; line-height: 1.25; padding: 0.2rem 0}
/* Captions carry how each figure was computed: dark enough for a projector. */
.st-key-pres_contenido [data-testid="stCaptionContainer"] {opacity: 1 !important}
.st-key-pres_contenido [data-testid="stCaptionContainer"],
.st-key-pres_contenido [data-testid="stCaptionContainer"] * {font-size: 1.05rem; line-height: 1.35;
                                                            color: #444444 !important}
.st-key-pres_contenido [data-testid="stMetricValue"],
.st-key-pres_contenido [data-testid="stMetricValue"] * {font-size: 2.6rem !important;
                                                       line-height: 1.15 !important}
.st-key-pres_contenido [data-testid="stMetricLabel"] p {font-size: 1.15rem}
.st-key-pres_banda {border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem}
.st-key-pres_banda [data-testid="stMarkdownContainer"] p {font-size: 1.05rem; line-height: 1.3}
.st-key-pres_lista [data-testid="stVerticalBlock"] {gap: 0.35rem}
.st-key-pres_lista [data-testid="stMarkdownContainer"] p {font-size: 1.2rem; line-height: 1.35}
.pres-semaforo {display: flex; align-items: center; gap: 1.2rem}
.pres-semaforo .palabra {font-size: 2.4rem; font-weight: 700; line-height: 1.1}
.pres-semaforo .valor {font-size: 3.4rem; font-weight: 700; line-height: 1.1}
.pres-semaforo .rotulo {font-size: 1.2rem}
.pres-leyenda {font-size: 1.05rem; line-height: 1.5}
.pres-leyenda span.forma {-webkit-text-stroke: 0.6px #333; font-size: 1.15em}
.st-key-pres_teclas {display: none}
@media (max-width: 640px) {
  /* Below the phone's header bar, whose button would cover "Anterior". */
  [data-testid="stMainBlockContainer"] {padding-top: 3.6rem}
  /* Phones: three figures per row instead of one, and chart text that fits. */
  .st-key-pres_metricas [data-testid="stColumn"] {min-width: calc(33% - 0.5rem) !important;
                                                  flex: 1 1 calc(33% - 0.5rem) !important}
  .st-key-pres_metricas [data-testid="stHorizontalBlock"] {flex-wrap: nowrap !important;
                                                           gap: 0.4rem !important}
  .st-key-pres_metricas [data-testid="stMetricLabel"] p {font-size: 0.85rem !important}
  .st-key-pres_contenido .js-plotly-plot text {font-size: 11px !important}
  .st-key-pres_contenido [data-testid="stMarkdownContainer"] p,
  .st-key-pres_contenido [data-testid="stMarkdownContainer"] li {font-size: 1.05rem}
  .st-key-pres_contenido h1 {font-size: 1.5rem}
  .st-key-pres_contenido [data-testid="stMetricValue"],
  .st-key-pres_contenido [data-testid="stMetricValue"] * {font-size: 1.9rem !important}
  .pres-semaforo svg {width: 80px; height: 80px}
  .pres-semaforo .valor {font-size: 2.3rem}
}
</style>"""

# "Pantalla completa": no sidebar, no Streamlit header, less margin. Static CSS
# on this page only (Streamlit cannot change initial_sidebar_state per page).
FULL_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] {display: none !important}
[data-testid="stMainBlockContainer"] {padding: 0.8rem 2.2rem 0.5rem 2.2rem !important;
                                      max-width: 100% !important}
</style>"""


# ------------------------------------------------------------- navigation


def current(all_screens: Sequence[Screen]) -> Screen:
    """The screen to show: the remembered one, the first part of its topic if
    the filters changed how many parts it has, else the cover."""
    keys = [screen.key for screen in all_screens]
    remembered = st.session_state.get(SCREEN_KEY)
    if remembered not in keys:
        topic = str(remembered or "").rsplit("-", 1)[0]
        same = [key for key in keys if key.rsplit("-", 1)[0] == topic]
        st.session_state[SCREEN_KEY] = same[0] if same else keys[0]
    return all_screens[keys.index(st.session_state[SCREEN_KEY])]


def move(keys: Sequence[str], step: int) -> None:
    """Callback of Anterior / Siguiente (and of ← → PageUp PageDown)."""
    position = keys.index(st.session_state[SCREEN_KEY]) if \
        st.session_state.get(SCREEN_KEY) in keys else 0
    st.session_state[SCREEN_KEY] = keys[min(max(position + step, 0), len(keys) - 1)]


def controls(all_screens: Sequence[Screen], filters: Filters, full: bool) -> None:
    """Anterior · the screen list · Siguiente · pantalla completa · PDF."""
    keys = [screen.key for screen in all_screens]
    titles = {screen.key: f"{n}. {screen.title}" for n, screen in enumerate(all_screens, 1)}
    position = keys.index(st.session_state[SCREEN_KEY])
    with st.container(horizontal=True, vertical_alignment="center", key="pres_controles",
                      gap="small"):
        # No help= tooltips on these buttons: a tooltip stays on the projected
        # screen while its button has the focus. Streamlit writes the key (← →)
        # on the button itself.
        st.button("Anterior", key="pres_anterior", on_click=move, args=(keys, -1),
                  disabled=position == 0, shortcut="Left")
        st.selectbox("Pantalla", keys, key=SCREEN_KEY, format_func=titles.get,
                     label_visibility="collapsed", width=330)
        st.button("Siguiente", key="pres_siguiente", on_click=move, args=(keys, 1),
                  type="primary", disabled=position == len(keys) - 1, shortcut="Right")
        # A button, not a toggle: the arrow keys do nothing while a form field
        # (a toggle is a checkbox) has the focus, and a button keeps them working.
        st.button("Salir de pantalla completa" if full else "Pantalla completa",
                  key="pres_completa", on_click=_toggle_full,
                  icon=":material/fullscreen_exit:" if full else ":material/fullscreen:")
        pdf_button(filters, key="pres_pdf", label="Informe PDF", help_text=None)
    # Presentation clickers send PageDown / PageUp: two buttons nobody sees.
    with st.container(key="pres_teclas"):
        st.button("Pantalla siguiente", key="pres_avpag", on_click=move, args=(keys, 1),
                  shortcut="PageDown")
        st.button("Pantalla anterior", key="pres_repag", on_click=move, args=(keys, -1),
                  shortcut="PageUp")


def _toggle_full() -> None:
    st.session_state[FULL_KEY] = not st.session_state.get(FULL_KEY, False)


PDF_HELP = ("Informe para publicar o imprimir: las cifras, gráficas y tablas de esta vista, "
            "los filtros, la fecha de corte y cómo se calculó cada promedio.")


def pdf_button(filters: Filters, key: str, label: str = "Descargar informe PDF",
               help_text: str | None = PDF_HELP) -> None:
    """The PDF of ``filters``, generated only when clicked (a few seconds)."""
    db = data.database()
    st.download_button(
        label, data=partial(_pdf, db, filters), file_name=data.load(report.file_name_for, filters),
        mime=PDF_MIME, key=key, on_click="ignore", icon=":material/picture_as_pdf:",
        help=help_text)


def _pdf(db: store.Database, filters: Filters) -> bytes:
    # Runs when the button is clicked, outside the script run: no Streamlit here.
    # A failure there would give no file and no message: the file then says it.
    try:
        with closing(db.cursor()) as con:
            return report.build_pdf(con, filters)
    except Exception:
        logger.exception("No se pudo generar el informe PDF")
        return report.notice_pdf(PDF_FAILED)


# ----------------------------------------------------------------- screens


def band(content: Report, position: int, total: int) -> None:
    """Entity, plan and cut-off: on every screen."""
    with st.container(horizontal=True, key="pres_banda", vertical_alignment="bottom"):
        # The plan heading and the cut-off are made of numbers: only the entity
        # comes from a spreadsheet.
        st.markdown(f"**{safe.md(content.entity_heading)}** · {content.plan_heading}"
                    f" · **{content.corte_text}**", width="stretch")
        st.markdown(f"{position} / {total}", width="content")


def show(content: Report, screen: Screen, full: bool) -> None:
    """Draw one screen: its title, then its topic (in large type)."""
    draw = {"portada": _cover, "estado": _overall, "fases": _phases,
            "dependencias": _offices, "trimestres": _periods, "cumplidas": _completed,
            "dificultades": _difficulties, "proximos": _next_steps}[screen.topic]
    with st.container(key="pres_contenido"):
        st.title(screen.title, anchor=False)
        draw(content, screen, full)


def _cover(content: Report, screen: Screen, full: bool) -> None:
    st.subheader(safe.md(content.entity_heading), anchor=False)
    st.markdown(f"**{safe.md(content.plan_heading)}**  \nCorte de seguimiento: "
                f"{safe.md(content.corte_label)}")
    st.info(safe.md(content.description), icon=":material/filter_alt:")
    if content.several:
        # The note above every page of the dashboard (ui/layout.py), small:
        # the cover must fit one projected screen.
        st.caption(safe.md(content.consolidated) + " Para una audiencia pública, elija una "
                   "sola entidad.")
    agenda = [title for key, title in screens.TOPICS if key != "portada"]
    st.markdown("\n".join(f"{n}. {title}" for n, title in enumerate(agenda, 1)))
    if not full:
        st.caption("Para proyectar: «Pantalla completa» oculta la barra lateral y F11 ocupa "
                   "toda la pantalla; las flechas ← → del teclado o un control remoto de "
                   "presentaciones (AvPág, RePág) cambian de pantalla.")


def _overall(content: Report, screen: Screen, full: bool) -> None:
    k = content.kpis
    left, right = st.columns([2, 3], gap="large", vertical_alignment="center")
    with left:
        st.markdown(_badge(content.semaforo, content.average), unsafe_allow_html=True)
    figures = [("Actividades", k["Actividades"]), ("Cumplidas", k["Cumplidas"]),
               ("En curso", k["En curso"]), ("Vencidas", k["Vencidas"]),
               ("Sin reporte", k["Sin reporte"]), ("No programadas", k["No programadas"])]
    if int(k["Sin seguimiento"]):
        figures.append(("Sin seguimiento", k["Sin seguimiento"]))
    with right, st.container(key="pres_metricas"):
        for start in range(0, len(figures), 3):
            row = figures[start:start + 3]
            for column, (label, value) in zip(st.columns(3, gap="small"), row, strict=False):
                column.metric(label, es_co.integer(value), border=True)
    st.markdown(f"**Cómo se calculó:** {safe.md(content.average_text)}")
    _legend(content.filters)


# The semáforo's shapes (■ ▲ ● ○) drawn large, outlined so that yellow shows on
# white and the shape reads on a washed-out projector.
_SHAPES = {
    "rojo": "<rect x='8' y='8' width='84' height='84'/>",
    "amarillo": "<polygon points='50,6 95,92 5,92'/>",
    "verde": "<circle cx='50' cy='50' r='44'/>",
    "gris": "<circle cx='50' cy='50' r='44'/>",
}


def _badge(color: str, value: float | None) -> str:
    """The overall semáforo, large: shape in its colour, number, word. Only
    constants and a formatted number go into this HTML."""
    number = es_co.percent(value) if value is not None else "Sin\u00a0dato"
    fill = "white" if color == "gris" else semaforo.PALETTE[color]
    shape = (f"<svg viewBox='0 0 100 100' width='120' height='120' aria-hidden='true'>"
             f"<g fill='{fill}' stroke='#222' stroke-width='4'>{_SHAPES[color]}</g></svg>")
    return (f"<div class='pres-semaforo'>{shape}<div>"
            f"<div class='rotulo'>Avance general</div>"
            f"<div class='valor'>{number}</div>"
            f"<div class='palabra'>{semaforo.label(color)}</div></div></div>")


def _legend(filters: Filters) -> None:
    items = " · ".join(
        f"<span class='forma' style='color:{semaforo.PALETTE[code]}'>{semaforo.ICONS[code]}"
        f"</span> <b>{semaforo.NAMES[code]}</b> {html.escape(text)}"
        for code, text in filters.umbrales.legend() if code != "gris")
    st.markdown(f"<div class='pres-leyenda'>Semáforo: {items} · ○ <b>Gris</b>: sin avance "
                "numérico</div>", unsafe_allow_html=True)


def _projected(fig: go.Figure, height: int) -> go.Figure:
    """The dashboard's figure at projector size: larger text everywhere."""
    fig.update_layout(height=height, font={"size": 18, "color": "#222222"},
                      margin={"l": 28, "r": 8, "t": 44, "b": 8}, hoverlabel={"font_size": 18},
                      legend={"font": {"size": 17}})
    fig.update_xaxes(tickfont_size=16, title_font_size=17)
    fig.update_yaxes(tickfont_size=16, title_font_size=17)
    fig.update_traces(textfont_size=18, selector={"type": "bar"})
    fig.update_traces(textfont_size=18, selector={"type": "scatter"})
    # The threshold labels: larger, and those on the top edge clear of the bars.
    fig.update_annotations(font_size=15, selector=lambda note: note.xref != "x")
    fig.update_annotations(yshift=10, selector={"yref": "y domain"})
    return fig


def _labels_above(fig: go.Figure) -> go.Figure:
    """A ranking (ui.charts.ranking) with each name written above its bar, across
    the whole width, instead of in a column at the left: long office names no
    longer squeeze the bars, on a projector or on a phone. The names are the
    chart's own category labels (already escaped by ui.charts)."""
    bars = fig.data[0]
    names = [str(name).replace("<br>", " ") for name in bars.y]
    bars.update(width=0.45)
    fig.update_yaxes(showticklabels=False, autorange=False, range=[len(names) - 0.55, -0.9])
    for index, name in enumerate(names):
        fig.add_annotation(x=0, y=index - 0.42, xref="x", yref="y", text=name, showarrow=False,
                           xanchor="left", yanchor="middle", font={"size": 17})
    return fig


def _chart(fig: go.Figure, name: str, content: Report, height: int) -> None:
    # theme=None: the figure's own sizes (Streamlit's theme would shrink the text).
    st.plotly_chart(_projected(fig, height), config=charts.config(name, content.filters),
                    key=f"pres_{name}", width="stretch", theme=None)


def _phases(content: Report, screen: Screen, full: bool) -> None:
    height = CHART_HEIGHT[full]
    rows = screens.chart_phases(content).iloc[list(screen.rows)]
    if rows.empty:
        st.info("Ninguna actividad cumple los filtros.")
        return
    if rows[AVANCE].notna().any():
        labelled = phase_rows(rows)
        _chart(_labels_above(charts.ranking(labelled, "Fase", content.filters.umbrales)),
               "avance_por_fase", content, height)
        st.caption(safe.md(NOTES["fases"]))
    else:
        _chart(charts.phases(rows), "actividades_por_fase", content, height)
        st.caption("Aún no hay avance numérico al corte: la gráfica cuenta las actividades de "
                   "cada fase (barras rayadas: fase deducida de la redacción, no declarada).")
    _legend(content.filters)


def _offices(content: Report, screen: Screen, full: bool) -> None:
    height = CHART_HEIGHT[full]
    rows = screens.chart_offices(content).iloc[list(screen.rows)]
    if rows.empty:
        st.info("Ninguna dependencia tiene todavía actividades con seguimiento al corte.",
                icon=":material/info:")
        return
    _chart(_labels_above(charts.ranking(rows, "Dependencia", content.filters.umbrales)),
           "avance_por_dependencia", content, height)
    st.caption(safe.md(NOTES["dependencias"]) + " De menor a mayor avance.")
    _legend(content.filters)


def _periods(content: Report, screen: Screen, full: bool) -> None:
    height = CHART_HEIGHT[full]
    periods = content.periods
    if periods.empty:
        st.info("Los planes elegidos aún no tienen ningún corte de seguimiento: no hay avance "
                "que mostrar por trimestre.", icon=":material/info:")
        return
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown("**Programado frente a cumplido**")
        _chart(charts.planned_vs_done(periods), "programado_frente_a_cumplido", content,
               height - 40)
    with right:
        st.markdown("**Avance promedio en cada corte**")
        _chart(charts.average_by_period(periods, content.filters.umbrales),
               "avance_promedio_por_corte", content, height - 40)
    st.caption("Debían estar terminadas: fecha límite hasta el corte. Cumplidas: avance de "
               "100 % o más. Avance promedio: promedio simple de las actividades con avance "
               "numérico en cada corte.")


# ------------------------------------------------------------------ lists


def _unlisted(content: Report, topic: str) -> None:
    st.info(safe.md(unlisted_text(content, topic)), icon=":material/list_alt:")
    st.caption(safe.md(NOTES[topic]))


def _list(rows: pd.DataFrame, draw_item, note: str, if_empty: str) -> None:
    if rows.empty:
        st.success(if_empty, icon=":material/check_circle:")
        st.caption(safe.md(note))
        return
    with st.container(key="pres_lista"):
        for _, row in rows.iterrows():
            with st.container(border=True):
                draw_item(row)
    st.caption(safe.md(note))


def _name(row: pd.Series) -> str:
    code = row["Código"]
    prefix = f"{safe.md(code)}. " if not missing(code) and str(code).strip() else ""
    return f"**{prefix}{safe.md(row['Actividad'])}**"


def _facts(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def _entity(content: Report, row: pd.Series) -> str:
    """The entity of an item, when several are in view."""
    return safe.md(row["Entidad"]) if content.several else ""


def _text(value: object) -> str:
    return "" if missing(value) else str(value).strip()


def _completed(content: Report, screen: Screen, full: bool) -> None:
    if not content.listed:
        _unlisted(content, "cumplidas")
        return

    def item(row: pd.Series) -> None:
        st.markdown(_name(row))
        st.caption(_facts(_entity(content, row), safe.md(row["Dependencias"]),
                          f"reportada el {es_co.date_text(row['Fecha del reporte'])}"
                          if not missing(row["Fecha del reporte"]) else ""))
        notes = [f"**Evidencia:** {safe.links(row['Evidencia'])}"]
        if _text(row["Observación"]):
            notes.append(f"**Observación:** {safe.md(row['Observación'])}")
        st.markdown("  \n".join(notes))

    _list(content.completed.iloc[list(screen.rows)], item, NOTES["cumplidas"],
          "Ninguna actividad está cumplida al corte.")


def _difficulties(content: Report, screen: Screen, full: bool) -> None:
    if not content.listed:
        _unlisted(content, "dificultades")
        return

    def item(row: pd.Series) -> None:
        st.markdown(_name(row))
        st.caption(_facts(f"**{row['Estado']}**", _avance(row), _due(row),
                          _entity(content, row), safe.md(row["Dependencias"])))
        if _text(row["Observación"]):
            st.markdown(f"**Observación:** {safe.md(row['Observación'])}")

    _list(content.difficulties.iloc[list(screen.rows)], item, NOTES["dificultades"],
          "Ninguna actividad está vencida ni sin reporte.")


def _next_steps(content: Report, screen: Screen, full: bool) -> None:
    if not content.listed:
        _unlisted(content, "proximos")
        return

    def item(row: pd.Series) -> None:
        st.markdown(_name(row))
        st.caption(_facts(_due(row) or "sin fecha límite", f"**{row['Estado']}**",
                          _avance(row), _entity(content, row), safe.md(row["Dependencias"])))

    _list(content.next_steps.iloc[list(screen.rows)], item, NOTES["proximos"],
          "Ninguna actividad sin cumplir tiene fecha límite igual o posterior al corte.")


def _avance(row: pd.Series) -> str:
    value = row["Avance (%)"]
    return "" if missing(value) else f"avance {es_co.percent(value)}"


def _due(row: pd.Series) -> str:
    value = row["Fecha límite"]
    return "" if missing(value) else f"fecha límite {es_co.date_text(value)}"


