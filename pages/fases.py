"""Por fase del ciclo: phases (declared vs inferred), levels and grupos de valor."""
import streamlit as st

from data_layer import queries, status
from ui import charts, data, drilldown, layout, tables

with layout.guard("la página por fase"):
    view = layout.header("Por fase del ciclo", "Diagnóstico, formulación, implementación y "
                                               "seguimiento y evaluación (Ley 1757 de 2015).")
    filters = view.filters
    description = filters.describe(view.count)

    st.subheader("Actividades por fase", anchor=False)
    st.caption("Barras lisas: la fase la declara el plan. Barras rayadas: el plan no la "
               "declara y se dedujo de la redacción de la actividad (revísela en "
               "«Calidad de los datos»).")
    phases = data.load(queries.phase_summary, filters)
    if note := charts.summed_note(phases):
        st.caption(note)
    drilldown.chart(charts.phases(phases), "fases", filters)
    tables.show(phases, key="fases", file_name="resumen_por_fase", description=description)

    for title, query, column, key in (
        ("Por nivel de participación", queries.level_summary, "Nivel de participación",
         "niveles"),
        ("Por grupo de valor", queries.value_group_summary, "Grupo de valor", "grupos"),
    ):
        st.subheader(title, anchor=False)
        summary = data.load(query, filters)
        if set(summary[column]) == {status.SIN_ESPECIFICAR}:
            st.info(f"Los planes seleccionados no indican el {column.lower()} de sus "
                    "actividades.", icon=":material/info:")
            continue
        if note := charts.summed_note(summary):
            st.caption(note)
        drilldown.chart(charts.counts(summary, column, filters), key, filters)
        tables.show(summary, key=key, file_name=f"resumen_por_{key}", description=description)
