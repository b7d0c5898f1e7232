"""Legends: the semáforo (always visible in the sidebar) and the state colours."""
from __future__ import annotations

import html

import streamlit as st

from data_layer import semaforo, status
from data_layer.semaforo import Umbrales
from ui import charts


def _swatch(color: str, icon: str) -> str:
    # The shape carries the meaning too; a dark outline keeps the yellow
    # visible on white and on a projector.
    return (f'<span style="color:{color};-webkit-text-stroke:0.6px #333;'
            f'font-size:1.1em">{icon}</span>')


def semaforo_html(umbrales: Umbrales) -> str:
    rows = [
        f"{_swatch(semaforo.PALETTE[code], semaforo.ICONS[code])} "
        f"<b>{semaforo.NAMES[code]}</b>: {html.escape(text)}"
        for code, text in umbrales.legend()
    ]
    return ("<div style='font-size:0.9em;line-height:1.6'>"
            "<b>Semáforo del avance</b><br>" + "<br>".join(rows) + "</div>")


def avance_html(color: str, average: str, umbrales: Umbrales, explanation: str = "") -> str:
    """The general progress as a card coloured AND worded: the semáforo's
    colour on its border, background and shape, and its word and rule
    («■ Rojo — menos de 60 %») in the text, so colour is never alone."""
    tint, strong = semaforo.TINTS[color], semaforo.PALETTE[color]
    rule = html.escape(semaforo.worded(color, umbrales).split(" ", 1)[1])  # without the shape
    note = f"<br><span style='font-size:0.9em'>{html.escape(explanation)}</span>" if explanation else ""
    shape = (_swatch(strong, semaforo.ICONS[color]).replace("<span ", "<span aria-hidden='true' ", 1)
             .replace("font-size:1.1em", "font-size:1.5em;vertical-align:-0.1em"))
    return (f"<div role='group' aria-label='Semáforo del avance general' style='background:{tint};"
            f"border:1px solid #555;border-left:0.6rem solid {strong};border-radius:0.5rem;"
            f"padding:0.6rem 0.9rem;color:#111;margin:0.3rem 0 0.6rem'>"
            f"{shape} "
            f"<b>Avance general {html.escape(average)}: {rule}</b>{note}</div>")


def show_avance(color: str, average: str, umbrales: Umbrales, explanation: str = "") -> None:
    st.markdown(avance_html(color, average, umbrales, explanation), unsafe_allow_html=True)


def cell_style(text: object) -> str:
    """Pandas Styler CSS of a «Semáforo» cell («■ Rojo»): its light colour
    behind the word (the word and shape stay; dark text keeps the contrast)."""
    for code, name in semaforo.NAMES.items():
        if isinstance(text, str) and text.endswith(name):
            return f"background-color: {semaforo.TINTS[code]}; color: #111111"
    return ""


def show_semaforo(umbrales: Umbrales) -> None:
    """The semáforo legend, with shapes, words and the thresholds in use."""
    st.markdown(semaforo_html(umbrales), unsafe_allow_html=True)


def show_estados() -> None:
    """What each state means and how an activity gets exactly one."""
    items = " · ".join(
        f"{_swatch(charts.ESTADO_COLORS[code], '■')} {status.ESTADO_LABELS[code]}"
        for code in status.ESTADOS
    )
    st.markdown(f"<div style='font-size:0.9em'>{items}</div>", unsafe_allow_html=True)
    st.caption(status.PRECEDENCE_TEXT)
