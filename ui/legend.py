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
