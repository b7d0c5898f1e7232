"""The report's charts as PNG images, drawn with matplotlib (no browser needed).

Printed reports are often photocopied in black and white, so colour is never
the only signal: every bar has a hatch pattern, its label says the value and
the semáforo with its shape (■ ▲ ● ○) and word, and lines have markers. The
colours are the dashboard's (Okabe-Ito, ``data_layer.semaforo.PALETTE``).

matplotlib's object API (``Figure`` + Agg canvas) is used instead of
``pyplot``: no global state, so two reports can be drawn at once from the
dashboard's threads. Text from the spreadsheets goes through :func:`_plain`
(a "$" would otherwise start matplotlib's math mode); labels are cut to
:data:`LABEL_CHARS` characters with "…" (the table under each chart has them
whole), so a name of thousands of characters cannot make a chart pages tall.
"""
from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from data_layer import es_co, semaforo, status
from data_layer.normalise.text import visible
from data_layer.queries import AVANCE
from data_layer.report.content import missing, one_line
from data_layer.semaforo import Umbrales

WIDTH = 7.0  # inches: the text width of a letter page with 2 cm margins
DPI = 200
FONT = 9
INK = "#222222"

# Hatches that stay apart in grey: the semáforo and the states.
SEMAFORO_HATCH = {"rojo": "xxx", "amarillo": "...", "verde": "", "gris": "///"}
ESTADO_STYLE = {  # colour (as on the dashboard), hatch
    "cumplida": ("#009E73", ""),
    "en_curso": ("#56B4E9", "///"),
    "vencida": ("#D55E00", "xxx"),
    "sin_reporte": ("#E69F00", "..."),
    "no_programada": ("#999999", "---"),
    "sin_seguimiento": ("#DDDDDD", ""),
}
LABEL_CHARS = 60  # characters of a label at most (then "…")
ENTITY_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
ENTITY_LINES = ("-", "--", "-.", ":")
# Labels stay readable where they cross a threshold line.
_LABEL_BOX = {"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"}


def _plain(text: object) -> str:
    """Text shown as written: "$" escaped so matplotlib does not read math,
    bidirectional controls and zero-width characters dropped."""
    return visible(str(text)).replace("$", r"\$")


def _wrap(text: object, width: int = 38) -> str:
    """A label cut to :data:`LABEL_CHARS` characters, in lines of ``width``."""
    short = _plain(one_line(text, LABEL_CHARS))
    return "\n".join(textwrap.wrap(short, width) or [short])


def _figure(height: float, width: float = WIDTH, right: float = 1.0) -> tuple[Figure, object]:
    """A figure exactly ``width`` wide (the text width: every chart prints its
    9-point text at 9 points); ``right`` < 1 leaves room for notes at the right."""
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0, right, 1))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _tidy(ax)
    return fig, ax


def _tidy(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=FONT, colors=INK)


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _count_axis(ax, top: float, axis: str = "x") -> None:
    limit = max(float(top), 1.0) * 1.25
    (ax.set_xlim if axis == "x" else ax.set_ylim)(0, limit)
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.get_major_locator().set_params(integer=True)
    (ax.set_xlabel if axis == "x" else ax.set_ylabel)("Actividades", fontsize=FONT)


def _bar_style(color: str, hatch: str) -> dict:
    return {"color": color, "hatch": hatch, "edgecolor": INK, "linewidth": 0.8,
            "hatchcolor": INK}


# ------------------------------------------------------------ counts


def states(df: pd.DataFrame) -> bytes:
    """Activities per state (``queries.states_summary``); one bar group per entity."""
    labels = [status.ESTADO_LABELS[c] for c in status.ESTADOS if c in set(df["_estado"])]
    styles = {status.ESTADO_LABELS[c]: ESTADO_STYLE[c] for c in status.ESTADOS}
    return _category_counts(df, "Estado", labels, styles)


def semaforos(df: pd.DataFrame, umbrales: Umbrales) -> bytes:
    """Activities per colour of the semáforo (``queries.semaforo_summary``)."""
    explained = dict(umbrales.legend())
    names = {c: f"{semaforo.label(c)} ({_short_rule(c, explained[c])})" for c in semaforo.COLORS}
    frame = df.assign(_nombre=df["_semaforo"].map(names))
    styles = {names[c]: (semaforo.PALETTE[c], SEMAFORO_HATCH[c]) for c in semaforo.COLORS}
    return _category_counts(frame, "_nombre", [names[c] for c in semaforo.COLORS], styles)


def _short_rule(color: str, rule: str) -> str:
    return "sin avance numérico" if color == "gris" else rule


def _category_counts(df: pd.DataFrame, column: str, order: Sequence[str],
                     styles: dict[str, tuple[str, str]]) -> bytes:
    # Totals over many entities (content.TOTALS_ABOVE) have no Entidad column.
    entities = list(dict.fromkeys(df["Entidad"])) if "Entidad" in df.columns else []
    if len(entities) <= 1:
        rows = df.set_index(column)["Actividades"].reindex(order).fillna(0).astype(int)
        fig, ax = _figure(0.45 + 0.36 * len(rows))
        y = range(len(rows))
        for i, (name, count) in enumerate(rows.items()):
            ax.barh(i, count, height=0.65, **_bar_style(*styles[name]))
            ax.text(count, i, f"  {es_co.integer(count)}", va="center", fontsize=FONT,
                    color=INK, fontweight="bold")
        ax.set_yticks(list(y), labels=list(rows.index), fontsize=FONT)
        ax.invert_yaxis()
        _count_axis(ax, rows.max())
        return _png(fig)
    return _stacked_by_entity(df, column, order, styles, entities)


def _stacked_by_entity(df, column, order, styles, entities) -> bytes:
    fig, ax = _figure(0.9 + 0.45 * len(entities))
    left = pd.Series(0.0, index=entities)
    for name in order:
        part = df[df[column] == name].set_index("Entidad")["Actividades"].reindex(entities)
        part = part.fillna(0)
        if part.sum() == 0:
            continue
        ax.barh(range(len(entities)), part, left=left, height=0.6, label=name,
                **_bar_style(*styles[name]))
        for i, (value, start) in enumerate(zip(part, left, strict=True)):
            if value:
                ax.text(start + value / 2, i, es_co.integer(value), ha="center", va="center",
                        fontsize=FONT - 1, color=INK,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})
        left += part
    ax.set_yticks(range(len(entities)), labels=[_wrap(e, 30) for e in entities], fontsize=FONT)
    ax.invert_yaxis()
    _count_axis(ax, left.max() / 1.1)
    # Below the chart, inside the figure's width ("outside" reserves its room).
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2,
               fontsize=FONT - 1, frameon=False)
    return _png(fig)


# ---------------------------------------------------- averages per group


def averages(df: pd.DataFrame, label: str, umbrales: Umbrales) -> bytes:
    """Average avance per row (phase, office…) with its semáforo and the
    threshold lines; rows without a number say so instead of showing a 0."""
    names = [str(n) for n in df[label]]
    if df["Entidad"].nunique() > 1:
        names = [f"{n} · {e}" for n, e in zip(names, df["Entidad"], strict=True)]
    wrapped = [_wrap(n, 34) for n in names]
    lines = sum(w.count("\n") + 1 for w in wrapped)
    fig, ax = _figure(0.55 + 0.2 * lines + 0.14 * len(df))
    for i, (value, code, counted) in enumerate(zip(df[AVANCE], df["_semaforo"], df["Con avance"],
                                                   strict=True)):
        if missing(value):
            ax.text(1, i, f"{semaforo.ICONS['gris']} sin avance numérico", va="center",
                    fontsize=FONT - 0.5, color=INK, bbox=_LABEL_BOX)
            continue
        ax.barh(i, value, height=0.62, **_bar_style(semaforo.PALETTE[code],
                                                     SEMAFORO_HATCH[code]))
        # Shape, number and word (never colour alone), and how many activities
        # the average is over ("Con avance" in the table under the chart).
        text = (f" {semaforo.ICONS[code]} {es_co.percent(value)} {semaforo.NAMES[code].lower()}"
                f" · {es_co.integer(counted)} con avance")
        ax.text(value, i, text, va="center", fontsize=FONT - 0.5, color=INK, bbox=_LABEL_BOX)
    ax.set_yticks(range(len(df)), labels=wrapped, fontsize=FONT)
    ax.set_ylim(len(df) - 0.5, -0.5)
    ax.set_xlim(0, 172)
    ticks = [0, 20, 40, 60, 80, 100]
    ax.set_xticks(ticks, labels=[es_co.percent(t, 0) for t in ticks])
    ax.set_xlabel("Avance promedio (%)", fontsize=FONT, loc="left")
    ax.spines["bottom"].set_bounds(0, 100)
    _thresholds(ax, umbrales, vertical=True)
    return _png(fig)


def _thresholds(ax, umbrales: Umbrales, vertical: bool) -> None:
    for value, code in ((umbrales.rojo, "amarillo"), (umbrales.verde, "verde")):
        text = (f"{semaforo.ICONS[code]} {semaforo.NAMES[code].lower()} desde "
                f"{es_co.percent(value, 0)}")
        if vertical:
            ax.axvline(value, color="#555555", linestyle=(0, (2, 2)), linewidth=0.9, zorder=0)
            ax.annotate(text, (value, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(2, 2), textcoords="offset points", fontsize=FONT - 1.5,
                        color="#444444", rotation=0, ha="left" if code == "verde" else "right")
        else:
            ax.axhline(value, color="#555555", linestyle=(0, (2, 2)), linewidth=0.9, zorder=0)
            ax.annotate(text, (1, value), xycoords=("axes fraction", "data"),
                        xytext=(4, 0), textcoords="offset points", fontsize=FONT - 1.5,
                        color="#444444", va="center")


# --------------------------------------------------------------- periods


def _period_labels(df: pd.DataFrame) -> list[str]:
    if df["Entidad"].nunique() > 1:
        return [f"{_wrap(p, 12)}\n{_wrap(e, 16)}"
                for p, e in zip(df["_periodo"], df["Entidad"], strict=True)]
    return [_wrap(p, 12) for p in df["_periodo"]]


def planned_vs_done(df: pd.DataFrame) -> bytes:
    """At each cut-off (``queries.progress_by_period``): activities due by then
    (hatched) and activities completed (solid), with their counts."""
    ordered = df.sort_values(["_corte", "Entidad"])
    fig, ax = _figure(2.6 + 0.25 * (df["Entidad"].nunique() > 1))
    x = range(len(ordered))
    due, done = ordered["Programadas hasta el corte"], ordered["Cumplidas al corte"]
    ax.bar([i - 0.2 for i in x], due, width=0.4, label="Debían estar terminadas (fecha "
           "límite hasta el corte)", **_bar_style("#DDDDDD", "///"))
    ax.bar([i + 0.2 for i in x], done, width=0.4, label="Cumplidas (avance ≥ 100 %)",
           **_bar_style(ESTADO_STYLE["cumplida"][0], ""))
    for i, (a, b) in enumerate(zip(due, done, strict=True)):
        ax.text(i - 0.2, a, es_co.integer(a), ha="center", va="bottom", fontsize=FONT - 1)
        ax.text(i + 0.2, b, es_co.integer(b), ha="center", va="bottom", fontsize=FONT - 1)
    ax.set_xticks(list(x), labels=_period_labels(ordered), fontsize=FONT - 1)
    _count_axis(ax, max(due.max(), done.max()), axis="y")
    ax.legend(fontsize=FONT - 1, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False,
              ncol=2)
    return _png(fig)


def average_by_period(df: pd.DataFrame, umbrales: Umbrales) -> bytes:
    """The average avance at each cut-off, one line (style and marker) per entity,
    with its value written at every point and the threshold lines."""
    fig, ax = _figure(2.7, right=0.8 if df["Entidad"].nunique() > 1 else 0.86)
    order = list(dict.fromkeys(df.sort_values("_corte")["_periodo"]))
    position = {p: i for i, p in enumerate(order)}
    entities = list(dict.fromkeys(df["Entidad"]))
    for n, entity in enumerate(entities):
        part = df[df["Entidad"] == entity].sort_values("_corte")
        xs = [position[p] for p in part["_periodo"]]
        ax.plot(xs, part[AVANCE], color=INK, linewidth=1.6,
                linestyle=ENTITY_LINES[n % len(ENTITY_LINES)],
                marker=ENTITY_MARKERS[n % len(ENTITY_MARKERS)], markersize=6,
                markerfacecolor="white" if n % 2 else INK, label=_wrap(entity, 30))
        for x, value in zip(xs, part[AVANCE], strict=True):
            if not missing(value):
                ax.annotate(es_co.percent(value), (x, value), xytext=(0, 7),
                            textcoords="offset points", ha="center", fontsize=FONT - 1,
                            bbox=_LABEL_BOX)
    ax.set_xticks(range(len(order)), labels=[_wrap(p, 12) for p in order], fontsize=FONT - 1)
    ax.set_xlim(-0.5, len(order) - 0.5)
    ax.set_ylim(0, 112)
    ax.set_yticks([0, 20, 40, 60, 80, 100],
                  labels=[es_co.percent(t, 0) for t in (0, 20, 40, 60, 80, 100)])
    ax.set_ylabel("Avance promedio (%)", fontsize=FONT)
    _thresholds(ax, umbrales, vertical=False)
    if len(entities) > 1:
        ax.legend(fontsize=FONT - 1, loc="upper left", bbox_to_anchor=(1.01, 0.75),
                  frameon=False)
    return _png(fig)
