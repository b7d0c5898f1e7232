"""Plotly figures for the pages, built from the query DataFrames as they come.

Conventions: es-CO separators ("1.234,5"), category axes for labels, counts
written on the bars, colours from the Okabe-Ito palette with a second signal
(shape in the label, pattern, or text). Each bar carries its ``_filtro`` in
``customdata`` so a click can list the activities behind it. Names from the
plans are cut to :data:`LABEL_CHARS` characters with "…" on the axes and in
legends (a 32.767-character office would make a chart thousands of pixels
tall); the hover shows them whole (up to :data:`HOVER_CHARS`).
"""
from __future__ import annotations

import functools
import html
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from data_layer import drill, es_co, semaforo, status, totals
from data_layer.filters import Filters
from data_layer.normalise.text import visible
from data_layer.queries import AVANCE
from data_layer.report.content import file_stem, one_line, slug
from data_layer.semaforo import Umbrales

# Every chart keeps Plotly's camera button: "Download plot as a PNG".
CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "zoom2d", "pan2d", "zoomIn2d",
                               "zoomOut2d", "autoScale2d", "resetScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2,
                             "filename": "grafica_tablero_participacion"},
}


def config(name: str, filters: Filters | None = None) -> dict:
    """:data:`CONFIG` with the PNG's file name: the chart, and the entity and
    cut-off of ``filters`` ("avance_dependencias_alcaldia_de_cartago_2024-09-30.png")."""
    stem = slug(name) + (f"_{file_stem(filters.entidad, filters.corte)}" if filters else "")
    return {**CONFIG, "toImageButtonOptions": {**CONFIG["toImageButtonOptions"],
                                               "filename": stem}}


ESTADO_COLORS = {
    "cumplida": "#009E73",  # bluish green
    "en_curso": "#56B4E9",  # sky blue
    "vencida": "#D55E00",  # vermillion
    "sin_reporte": "#E69F00",  # orange
    "no_programada": "#999999",
    "sin_seguimiento": "#DDDDDD",
}
ENTITY_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                 "#000000", "#F0E442")
# Up to this many entities are compared in a chart one by one, each with its
# colour; beyond it the colours would repeat and bars per entity get unreadable.
NAMED_LINES = totals.NAMED_ENTITIES
assert len(ENTITY_COLORS) >= NAMED_LINES, "a colour for every entity compared by name"
OUTLINE = {"color": "#333333", "width": 1}


# Plotly's "plotly_white", only the parts a 2-D chart of bars and lines reads.
# The whole template (7 KB: polar, 3-D, maps, two dozen trace types) is deep-
# copied and validated for every figure, a third of a page's rerun, and sent
# with every chart; the charts look the same (tests/test_pages.py). It is
# Plotly's default in this process: every figure starts with it at no cost.
TEMPLATE_LAYOUT = ("autotypenumbers", "colorway", "font", "hovermode", "hoverlabel",
                   "paper_bgcolor", "plot_bgcolor", "xaxis", "yaxis", "shapedefaults",
                   "annotationdefaults", "title")
TEMPLATE_TRACES = ("bar", "scatter")  # every trace type the charts draw
TEMPLATE = "tablero"


def _template() -> go.layout.Template:
    white = pio.templates["plotly_white"].to_plotly_json()
    return go.layout.Template({
        "layout": {key: white["layout"][key] for key in TEMPLATE_LAYOUT},
        "data": {kind: white["data"][kind] for kind in TEMPLATE_TRACES}})


pio.templates[TEMPLATE] = _template()
pio.templates.default = TEMPLATE

# What every chart's layout has, over what the chart set (as update_layout
# would merge it: these win, key by key).
BASE_LAYOUT = {
    "separators": ",.", "margin": {"l": 8, "r": 8, "t": 36, "b": 8}, "font": {"size": 14},
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": {}},
    "hoverlabel": {"font": {"size": 14}}, "bargap": 0.3,
}


def _merged(layout: dict, over: dict) -> dict:
    """``layout`` with ``over`` written on it, nested dicts merged key by key."""
    merged = dict(layout)
    for key, value in over.items():
        below = merged.get(key)
        merged[key] = (_merged(below, value) if isinstance(value, dict) and value
                       and isinstance(below, dict) else value)
    return merged


def _base(fig: go.Figure, height: int = 360, layout: dict | None = None) -> go.Figure:
    """The layout every chart shares, with its ``height``, over the chart's own
    (what it set on ``fig`` and ``layout``). The layout is set whole from a
    dict: ``update_layout`` (and update_xaxes…) parses every key path and took
    three times as long as building the chart."""
    own = fig.layout.to_plotly_json()
    own.pop("template", None)  # the default (TEMPLATE), set again with the layout
    fig.layout = _merged(_merged(own, layout or {}), {**BASE_LAYOUT, "height": height})
    return fig


def _figure(traces: list[dict], height: int, layout: dict) -> go.Figure:
    """A chart from its traces and layout as dicts: validated once, in one go
    (go.Figure from dicts is twice as fast as add_bar after add_bar)."""
    return go.Figure(data=traces, layout=_merged(layout, {**BASE_LAYOUT, "height": height}))


def _count_settings(top: float) -> dict:
    """An axis of counts up to ``top``, in whole numbers (no "2,5 actividades")."""
    settings = {"title": {"text": "Actividades"}, "rangemode": "tozero", "tickformat": ",d",
                "range": [0, max(top, 1) * 1.15]}
    if top <= 10:
        settings["dtick"] = 1
    return settings


def _custom(df: pd.DataFrame, column: str = "_filtro") -> list[list[str]]:
    return [[value] for value in df[column]]


def _counts_text(values: pd.Series) -> list[str]:
    """Counts written on bars as people read them: "11.086"."""
    return [es_co.integer(value) for value in values]


LABEL_CHARS = 50  # characters of a name on an axis or in a legend (then "…")
HOVER_CHARS = 1_000  # characters of a name in its hover (tables and downloads: all)
HOVER_WIDTH = 80  # characters per line of a hover


def _esc(text: object) -> str:
    """Text from a spreadsheet, safe inside Plotly labels (which read <b>, <a
    href> and other tags): shown as written, never as markup; bidirectional
    controls and zero-width characters dropped."""
    return html.escape(visible(str(text)), quote=False)


def _wrap(text: object, width: int = 34) -> str:
    """A name for an axis: cut to :data:`LABEL_CHARS`, in lines of ``width``, escaped."""
    short = one_line(text, LABEL_CHARS)
    lines = textwrap.wrap(short, width) or [short]
    return "<br>".join(_esc(line) for line in lines)


def _labels(names, width: int = 34) -> list[str]:
    """:func:`_wrap` of each name; two names cut to the same label get " (2)",
    " (3)"… so that a category axis keeps them apart."""
    seen: dict[str, int] = {}
    firsts: dict[str, str] = {}
    labels = []
    for name in names:
        label = _wrap(name, width)
        if label in firsts and firsts[label] != name:
            seen[label] = seen.get(label, 1) + 1
            label = f"{label} ({seen[label]})"
        firsts.setdefault(label, name)
        labels.append(label)
    return labels


def _hover(text: object) -> str:
    """A name whole for its hover (up to :data:`HOVER_CHARS`), in lines, escaped."""
    line = one_line(text, HOVER_CHARS)
    return "<br>".join(_esc(part) for part in textwrap.wrap(line, HOVER_WIDTH) or [line])


def _many(df: pd.DataFrame) -> bool:
    return "Entidad" in df.columns and df["Entidad"].nunique() > 1


def _too_many(df: pd.DataFrame) -> bool:
    """More entities than can be compared bar by bar: the chart shows totals."""
    return totals.entities(df) > NAMED_LINES


def summed_note(df: pd.DataFrame | int) -> str | None:
    """What a chart of totals says when the filters select many entities
    (``df``: the per-entity rows, shown in a table under the chart; or how many
    entities the query summed, with no table of them on the page)."""
    count = df if isinstance(df, int) else totals.entities(df)
    if count <= NAMED_LINES:
        return None
    table = "." if isinstance(df, int) else "; la tabla trae cada entidad."
    return (f"Las barras suman las {es_co.integer(count)} entidades elegidas{table} Elija "
            f"hasta {NAMED_LINES} entidades en la barra lateral para compararlas en la "
            "gráfica.")


def _entity_color(entities: list[str]) -> dict[str, str]:
    return {name: ENTITY_COLORS[i % len(ENTITY_COLORS)] for i, name in enumerate(entities)}


# ------------------------------------------------------------ state counts


def states(df: pd.DataFrame) -> go.Figure:
    """Activities per state: bars, or one stacked bar per entity when comparing
    a few entities (totals over many)."""
    if _too_many(df):
        df = totals.states(df)
    if not _many(df):
        return _count_bars(df, "Estado", [ESTADO_COLORS[c] for c in df["_estado"]])
    return _stacked_by_entity(df, "_estado", status.ESTADOS, status.ESTADO_LABELS, ESTADO_COLORS)


def _count_bars(df: pd.DataFrame, label: str, colors: list[str]) -> go.Figure:
    """One bar per row of ``df``: its ``label`` and its «Actividades»."""
    bars = {"type": "bar", "x": list(df[label]), "y": df["Actividades"].to_numpy(),
            "text": _counts_text(df["Actividades"]), "textposition": "outside",
            "marker": {"color": colors, "line": OUTLINE}, "customdata": _custom(df),
            "hovertemplate": "%{x}: %{y} actividades<extra></extra>"}
    return _figure([bars], 330, {"xaxis": {"type": "category"},
                                 "yaxis": _count_settings(df["Actividades"].max())})


def semaforo_counts(df: pd.DataFrame) -> go.Figure:
    """Activities per colour of the semáforo (the label carries the shape)."""
    if _too_many(df):
        df = totals.semaforo_colours(df)
    if not _many(df):
        return _count_bars(df, "Semáforo", [semaforo.PALETTE[c] for c in df["_semaforo"]])
    labels = {code: semaforo.label(code) for code in semaforo.COLORS}
    return _stacked_by_entity(df, "_semaforo", semaforo.COLORS, labels, semaforo.PALETTE)


def _stacked_by_entity(df, key, order, labels, colors) -> go.Figure:
    entities = sorted(df["Entidad"].unique())
    label = dict(zip(entities, _labels(entities, 28), strict=True))
    shown = df[df["Actividades"] > 0]
    parts = dict(tuple(shown.groupby(key, sort=False)))
    traces = []
    for code in order:
        part = parts.get(code)
        if part is None:
            continue
        traces.append({
            "type": "bar", "y": [label[e] for e in part["Entidad"]],
            "x": part["Actividades"].to_numpy(), "orientation": "h", "name": labels[code],
            "text": _counts_text(part["Actividades"]), "textposition": "inside",
            "marker": {"color": colors[code], "line": OUTLINE}, "customdata": _custom(part),
            "hovertext": [_hover(e) for e in part["Entidad"]],
            "hovertemplate": f"{labels[code]}: %{{x}} actividades<extra>%{{hovertext}}</extra>"})
    layout = {"barmode": "stack",
              "yaxis": {"type": "category", "categoryorder": "array",
                        "categoryarray": [label[e] for e in entities], "autorange": "reversed"},
              "xaxis": _count_settings(df.groupby("Entidad")["Actividades"].sum().max())}
    return _figure(traces, 120 + 60 * df["Entidad"].nunique(), layout)


# ------------------------------------------------------- averages by group


def followed_up(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows with at least one activity followed up, and how many were left out
    (offices of plans without any cut-off yet only add empty bars)."""
    keep = df["Sin seguimiento"] < df["Actividades"]
    return df[keep], int((~keep).sum())


RANKING_ROWS = 30  # bars of a ranking; the table below it has every row


def ranking(df: pd.DataFrame, label: str, umbrales: Umbrales, compact: bool = False
            ) -> go.Figure:
    """Average avance per row (office, entity…) coloured by its semáforo, with
    the threshold lines; rows without any number show "sin avance numérico".
    ``compact`` leaves the overdue counts out of the bar labels (narrow columns)."""
    names = df[label].astype(str)
    if label != "Entidad" and _many(df):
        names = names + " · " + df["Entidad"].astype(str)
    texts = []
    for value, code, late in zip(df[AVANCE], df["_semaforo"], df["Vencidas"], strict=True):
        text = (f"{semaforo.ICONS[code]} {es_co.percent(value)}" if not pd.isna(value)
                else "○ sin avance numérico")
        if late and not compact:
            text += f"<br>{es_co.plural(late, 'vencida', 'vencidas')}"  # narrow: 2 lines
        texts.append(text)
    labels = _labels(names)
    bars = {"type": "bar", "y": labels, "x": df[AVANCE].fillna(0).to_numpy(), "orientation": "h",
            "text": texts, "textposition": "auto", "cliponaxis": False,
            "marker": {"color": [semaforo.PALETTE[c] for c in df["_semaforo"]],
                       "line": OUTLINE},
            "customdata": _custom(df), "hovertext": [_hover(n) for n in names],
            "hovertemplate": "%{hovertext}<br>Avance promedio: %{x:.1f} %<extra></extra>"}
    ticks = [0, 20, 40, 60, 80, 100]
    shapes, notes = _threshold_marks(umbrales, vertical=True)
    layout = {"yaxis": {"type": "category", "autorange": "reversed"},
              "xaxis": {"range": [0, 125 if compact else 150],
                        "title": {"text": "Avance promedio (%)"}, "tickvals": ticks,
                        "ticktext": [es_co.percent(t, 0) for t in ticks]},
              "shapes": list(shapes), "annotations": list(notes)}
    lines = sum(label.count("<br>") + 1 for label in labels)
    return _figure([bars], 110 + 26 * lines + 14 * len(df), layout)


@functools.lru_cache(maxsize=64)
def _threshold_marks(umbrales: Umbrales, vertical: bool) -> tuple[tuple[dict, ...],
                                                                  tuple[dict, ...]]:
    """The dotted lines of the semáforo's thresholds and their labels, as
    Plotly's add_vline/add_hline write them on a chart of one subplot (built
    once per thresholds: add_vline takes longer than the chart it marks)."""
    fig = go.Figure()
    for value, code, side in ((umbrales.rojo, "amarillo", "left"),
                              (umbrales.verde, "verde", "right")):
        if vertical:  # short labels: the two lines may be close together
            fig.add_vline(x=value, line={"dash": "dot", "color": "#555", "width": 1},
                          annotation_text=f"{semaforo.ICONS[code]} {es_co.percent(value, 0)}",
                          annotation_position=f"top {side}", annotation_font_size=11)
        else:
            text = f"{semaforo.NAMES[code].lower()} desde {es_co.percent(value, 0)}"
            fig.add_hline(y=value, line={"dash": "dot", "color": "#555", "width": 1},
                          annotation_text=text, annotation_position="top left",
                          annotation_font_size=11)
    return (tuple(shape.to_plotly_json() for shape in fig.layout.shapes),
            tuple(note.to_plotly_json() for note in fig.layout.annotations))


TEXT_GROUPS = {"Nivel de participación": "nivel", "Grupo de valor": "grupo_valor"}


def counts(df: pd.DataFrame, label: str, filters: Filters | None = None) -> go.Figure:
    """Activities per text category (nivel, grupo de valor), with their average
    (totals over the entities when there are many; ``filters`` gives the
    thresholds of their semáforo)."""
    if _too_many(df):
        df = totals.text_groups(df, filters or Filters(), TEXT_GROUPS[label], label)
    names = df[label].astype(str)
    if _many(df):
        names = names + " · " + df["Entidad"].astype(str)
    texts = [
        f"{es_co.plural(n, 'actividad', 'actividades')}"
        + (f"<br>avance {semaforo.ICONS[c]} {es_co.percent(v)}" if not pd.isna(v) else "")
        for n, v, c in zip(df["Actividades"], df[AVANCE], df["_semaforo"], strict=True)
    ]
    labels = _labels(names, 40)
    fig = go.Figure(go.Bar(
        y=labels, x=df["Actividades"], orientation="h", text=texts,
        textposition="auto", cliponaxis=False, marker={"color": "#0072B2", "line": OUTLINE},
        customdata=_custom(df), hovertext=[_hover(n) for n in names],
        hovertemplate="%{hovertext}: %{x} actividades<extra></extra>"))
    lines = sum(label.count("<br>") + 1 for label in labels)
    return _base(fig, 100 + 26 * lines + 14 * len(df),
                 {"yaxis": {"type": "category", "autorange": "reversed"},
                  "xaxis": _count_settings(df["Actividades"].max() * 1.4)})


def phases(df: pd.DataFrame) -> go.Figure:
    """Activities per phase; declared solid, inferred hatched (colour per
    entity when comparing a few, totals over many)."""
    if _too_many(df):
        df = totals.phases(df, Filters()).assign(Entidad="")  # counts only: no semáforo
    entities = list(dict.fromkeys(df["Entidad"]))
    colors = _entity_color(entities) if len(entities) > 1 else {entities[0]: "#0072B2"}
    order = list(dict.fromkeys(df["Fase"]))
    declared = {(e, f): n for e, f, o, n in zip(df["Entidad"], df["Fase"], df["_fase_origen"],
                                                df["Actividades"], strict=True)
                if o == "declarada"}
    fig = go.Figure()
    for entity in entities:
        for origin, pattern in (("declarada", ""), ("inferida", "/")):
            part = df[(df["Entidad"] == entity) & (df["_fase_origen"] == origin)]
            if part.empty:
                continue
            base = [declared.get((entity, f), 0) if origin == "inferida" else 0
                    for f in part["Fase"]]
            name = f"Fase {origin}" + (f" · {_wrap(entity, LABEL_CHARS)}" if len(entities) > 1
                                        else "")
            fig.add_bar(
                x=part["Fase"], y=part["Actividades"], base=base, name=name,
                offsetgroup=entity, text=_counts_text(part["Actividades"]), textposition="inside",
                marker={"color": colors[entity], "line": OUTLINE,
                        "pattern": {"shape": pattern, "fgcolor": "white", "solidity": 0.5}},
                customdata=_custom(part),
                hovertemplate=f"%{{x}} · fase {origin}: %{{y}} actividades<extra></extra>")
    return _base(fig, 380, {
        "barmode": "group",
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": order},
        "yaxis": _count_settings(df.groupby(["Entidad", "Fase"])["Actividades"].sum().max())})


# --------------------------------------------------------------- by period


def _period_x(df: pd.DataFrame) -> list[str]:
    if _many(df):
        return [f"{p}<br>{_wrap(e, 24)}" for p, e in zip(df["_periodo"], df["Entidad"],
                                                          strict=True)]
    return list(df["_periodo"])


def _period_order(df: pd.DataFrame) -> list[str]:
    ordered = df.assign(_x=_period_x(df)).sort_values(
        [column for column in ("_corte", "Entidad") if column in df.columns])
    return list(dict.fromkeys(ordered["_x"]))


def planned_vs_done(df: pd.DataFrame) -> go.Figure:
    """At each cut-off: activities due by then vs activities completed (per
    entity when comparing a few, totals per cut-off date over many)."""
    if _too_many(df):
        df = totals.progress_by_cutoff(df)
    x = _period_x(df)
    fig = go.Figure()
    fig.add_bar(x=x, y=df["Programadas hasta el corte"], name="Debían estar terminadas "
                "(fecha límite hasta el corte)", text=_counts_text(df["Programadas hasta el corte"]),
                textposition="outside", customdata=_custom(df, "_filtro_programadas"),
                marker={"color": "#BBBBBB", "line": OUTLINE,
                        "pattern": {"shape": "/", "fgcolor": "#777"}},
                hovertemplate="%{x}: %{y} debían estar terminadas<extra></extra>")
    fig.add_bar(x=x, y=df["Cumplidas al corte"], name="Cumplidas (avance ≥ 100 %)",
                text=_counts_text(df["Cumplidas al corte"]), textposition="outside",
                customdata=_custom(df, "_filtro_cumplidas"),
                marker={"color": ESTADO_COLORS["cumplida"], "line": OUTLINE},
                hovertemplate="%{x}: %{y} cumplidas<extra></extra>")
    return _base(fig, 380, {
        "barmode": "group",
        "xaxis": {"type": "category", "categoryorder": "array",
                  "categoryarray": _period_order(df)},
        "yaxis": _count_settings(max(df["Programadas hasta el corte"].max(),
                                     df["Cumplidas al corte"].max()))})


def average_by_period(df: pd.DataFrame, umbrales: Umbrales) -> go.Figure:
    """The mean avance at each cut-off, one line per entity, threshold lines.

    Up to :data:`NAMED_LINES` entities each get a coloured, labelled line; with
    more (a gobernación, the national view) one line is the average over all
    of them at each cut-off date, clickable, and a grey band shows the spread
    of the entities' averages (from the 10th to the 90th percentile). One grey
    line per entity sent 2 MB and 9.000 keyboard choices per rerun at national
    scale, and could not be read.
    """
    entities = list(dict.fromkeys(df["Entidad"]))
    fig = go.Figure()
    if len(entities) > NAMED_LINES:
        df = _consolidated_line(fig, df)
    else:
        _entity_lines(fig, df, entities)
    order = list(dict.fromkeys(df.sort_values("_corte")["_periodo"]))
    shapes, notes = _threshold_marks(umbrales, vertical=False)
    return _base(fig, 360, {
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": order},
        "yaxis": {"range": [0, 110], "title": {"text": "Avance promedio (%)"},
                  "ticksuffix": " %"},
        "shapes": list(shapes), "annotations": list(notes),
        "showlegend": 1 < len(entities) <= NAMED_LINES})


SPREAD = (0.1, 0.9)  # the band of the consolidated line: these quantiles of the entities


def many_entities_note(df: pd.DataFrame) -> str | None:
    """What the average-by-period chart shows when it consolidates many entities."""
    count = df["Entidad"].nunique() if not df.empty else 0
    if count <= NAMED_LINES:
        return None
    return (f"La línea es el avance promedio de las {es_co.integer(count)} entidades elegidas "
            "en cada corte; la franja gris va del 10 % de las entidades con menor avance al "
            "10 % con mayor (ocho de cada diez entidades están dentro). Elija hasta "
            f"{NAMED_LINES} entidades en la barra lateral para verlas con color y nombre.")


def _consolidated_line(fig: go.Figure, df: pd.DataFrame) -> pd.DataFrame:
    """The average over every entity per cut-off date, and the band of their
    averages; returns the rows drawn (one per date)."""
    line = totals.progress_by_cutoff(df)
    values = pd.to_numeric(df[AVANCE]).astype(float)
    band = (values.groupby(df["_corte"]).quantile(list(SPREAD)).unstack()
            .reindex(line["_corte"]))
    if band.notna().any().any():
        low, high = band[SPREAD[0]].to_numpy(), band[SPREAD[1]].to_numpy()
        fig.add_scatter(x=list(line["_periodo"]), y=low, mode="lines", hoverinfo="skip",
                        line={"width": 0}, showlegend=False, name="10 % más bajo")
        fig.add_scatter(x=list(line["_periodo"]), y=high, mode="lines", fill="tonexty",
                        fillcolor="rgba(85, 85, 85, 0.18)", line={"width": 0},
                        showlegend=False, name="Entre el 10 % más bajo y el 10 % más alto",
                        customdata=np.column_stack([low, high]),
                        hovertemplate="%{x}: ocho de cada diez entidades entre "
                                      "%{customdata[0]:.1f} % y %{customdata[1]:.1f} %"
                                      "<extra></extra>")
    fig.add_scatter(
        x=list(line["_periodo"]), y=line[AVANCE], mode="lines+markers+text",
        name="Todas las entidades", text=[es_co.percent(v) for v in line[AVANCE]],
        textposition="top center", marker={"size": 11, "color": "#0072B2", "line": OUTLINE},
        line={"color": "#0072B2", "width": 3}, customdata=_custom(line),
        hovertemplate="%{x}: %{y:.1f} % en promedio<extra>Todas las entidades</extra>")
    return line


def _entity_lines(fig: go.Figure, df: pd.DataFrame, entities: list[str]) -> None:
    colors = _entity_color(entities)
    for entity in entities:
        part = df[df["Entidad"] == entity].sort_values("_corte")
        fig.add_scatter(
            x=list(part["_periodo"]), y=part[AVANCE], mode="lines+markers+text",
            name=_wrap(entity, LABEL_CHARS),
            text=[es_co.percent(v) for v in part[AVANCE]], textposition="top center",
            marker={"size": 11, "color": colors[entity], "line": OUTLINE},
            line={"color": colors[entity], "width": 3}, customdata=_custom(part),
            hovertemplate="%{x}: %{y:.1f} %<extra>" + _hover(entity) + "</extra>")


def states_by_period(df: pd.DataFrame) -> go.Figure:
    """Activities per state at each cut-off, stacked (totals per cut-off date
    over many entities)."""
    if _too_many(df):
        df = totals.states_by_cutoff(df)
    x = _period_x(df)
    fig = go.Figure()
    frame = df.assign(_x=x)
    for code in status.ESTADOS:
        part = frame[frame["_estado"] == code]
        if part.empty:
            continue
        fig.add_bar(x=part["_x"], y=part["Actividades"], name=status.ESTADO_LABELS[code],
                    text=_counts_text(part["Actividades"]), textposition="inside",
                    marker={"color": ESTADO_COLORS[code], "line": OUTLINE},
                    customdata=_custom(part),
                    hovertemplate=f"{status.ESTADO_LABELS[code]}: %{{y}}<extra>%{{x}}</extra>")
    return _base(fig, 380, {
        "barmode": "stack",
        "xaxis": {"type": "category", "categoryorder": "array",
                  "categoryarray": _period_order(df)},
        "yaxis": _count_settings(frame.groupby("_x")["Actividades"].sum().max())})


# ------------------------------------------------------------ one activity


def activity_readings(history: pd.DataFrame) -> go.Figure:
    """The current reading of each period of one activity: numbers as a line,
    other states written at the bottom."""
    current = history[history["_vigente"]]
    fig = go.Figure()
    fig.add_scatter(
        x=list(current["Periodo"]), y=current["Avance (%)"], mode="lines+markers+text",
        text=[es_co.percent(v) if not pd.isna(v) else "" for v in current["Avance (%)"]],
        textposition="top center", name="Avance", connectgaps=True,
        marker={"size": 11, "color": "#0072B2"}, line={"width": 3, "color": "#0072B2"},
        hovertemplate="%{x}: %{y:.1f} %<extra></extra>")
    others = current[current["Avance (%)"].isna()]
    if not others.empty:
        fig.add_scatter(x=list(others["Periodo"]), y=[2] * len(others), mode="markers+text",
                        text=list(others["Lectura"]), textposition="top center",
                        marker={"symbol": "x", "size": 11, "color": "#999999"},
                        name="Sin avance numérico", hoverinfo="skip")
    return _base(fig, 300, {
        "xaxis": {"type": "category"},
        "yaxis": {"range": [0, 110], "title": {"text": "Avance (%)"}, "ticksuffix": " %"},
        "showlegend": False})


def points_only(fig: go.Figure) -> bool:
    """Whether every clickable mark of ``fig`` is a point of a line (none a bar)."""
    kinds = {trace.type for trace in fig.data if getattr(trace, "customdata", None) is not None}
    return bool(kinds) and kinds <= {"scatter"}


def bar_choices(fig: go.Figure) -> dict[str, str]:
    """Every clickable bar (or point) of ``fig`` as ``{_filtro JSON: Spanish
    words}``, in drawing order: what a keyboard user chooses from instead of
    clicking (a Plotly bar cannot be reached with Tab)."""
    choices: dict[str, str] = {}
    for trace in fig.data:
        custom = getattr(trace, "customdata", None)
        if custom is None:
            continue
        for item in custom:
            first = item[0] if isinstance(item, (list, tuple, np.ndarray)) and len(item) else item
            if isinstance(first, str) and first.startswith("{") and first not in choices:
                words = drill.describe(drill.decode(first)) or "todas las actividades"
                choices[first] = words[:1].upper() + words[1:]
    return choices
