"""Presentación: the plan at the rendición de cuentas, one topic per screen.

Follows the filters of the sidebar. ← → (or a presenter's PageUp/PageDown)
move between screens; "Pantalla completa" hides the sidebar for projecting.
"""
import streamlit as st

from data_layer import report
from data_layer.report import screens
from ui import data, layout, presentation, safe, sidebar

with layout.guard("la presentación"):
    layout._through_dashboard()  # a deep link runs inside dashboard.py (see ui/layout.py)
    filters = sidebar.current()
    content = data.load(report.build, filters)
    if content.count == 0:
        st.title("Rendición de cuentas", anchor=False)
        st.info(safe.md(content.description), icon=":material/filter_alt:")
        layout.empty("Ninguna actividad cumple estos filtros. Quite alguno en la barra lateral "
                     "o use «Limpiar filtros».")
    full = bool(st.session_state.get(presentation.FULL_KEY))
    st.html(presentation.CSS + (presentation.FULL_CSS if full else ""))
    all_screens = screens.screens(content, presentation.FIT[full])
    screen = presentation.current(all_screens)
    with st.container(key="presentacion"):
        presentation.controls(all_screens, filters, full)
        presentation.band(content, all_screens.index(screen) + 1, len(all_screens))
        presentation.show(content, screen, full)
