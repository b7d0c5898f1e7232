"""Avance por trimestre: planned vs achieved at every cut-off, and what changed."""
import streamlit as st

from data_layer import es_co, queries
from ui import charts, data, drilldown, layout, legend, tables

with layout.guard("el avance por trimestre"):
    view = layout.header("Avance por trimestre", "Cada corte de seguimiento de los planes "
                                                 "elegidos, hasta el corte de la barra lateral.")
    filters = view.filters
    periods = data.load(queries.progress_by_period, filters)
    if periods.empty:
        layout.empty("Los planes seleccionados aún no tienen ningún corte de seguimiento "
                     "hasta la fecha elegida: no hay avance que mostrar por trimestre.")

    st.subheader("Programado frente a cumplido", anchor=False)
    undated = int(periods["Sin fecha límite"].max())
    st.caption(
        "Programadas: actividades cuya fecha límite es igual o anterior al corte (si el "
        "plan no da fecha límite, se usa el último mes de su cronograma). Cumplidas: "
        "actividades con avance de 100 % o más en ese corte (pueden ser más que las "
        "programadas si alguna terminó antes de tiempo)."
        + (f" {es_co.plural(undated, 'actividad no tiene', 'actividades no tienen')} fecha "
           "límite ni cronograma y no cuentan como programadas." if undated else ""))
    if note := charts.summed_note(periods):
        st.caption(note)
    drilldown.chart(charts.planned_vs_done(periods), "avance_programado", filters)

    st.subheader("Avance promedio acumulado", anchor=False)
    st.caption("Promedio simple del avance reportado en cada corte (los avances de los "
               "planes son acumulados). Solo cuentan las actividades con un porcentaje: "
               "no entran las no programadas, las sin reporte, las sin seguimiento ni las "
               "vencidas sin avance.")
    if note := charts.many_entities_note(periods):
        st.caption(note)
    drilldown.chart(charts.average_by_period(periods, filters.umbrales), "avance_promedio",
                    filters, hint="Haga clic en un punto para ver las actividades que promedia.")
    with st.expander("Ver la tabla por corte", icon=":material/table:"):
        tables.show(periods, key="avance_periodos", file_name="avance_por_corte",
                    description=filters.describe(view.count))

    st.subheader("Estado de las actividades en cada corte", anchor=False)
    legend.show_estados()
    entities = int(view.kpis["entidades"])
    # Many entities: the chart draws totals per cut-off, summed by the query.
    by_state = data.load(queries.states_by_cutoff if entities > charts.NAMED_LINES
                         else queries.states_by_period, filters)
    if note := charts.summed_note(entities):
        st.caption(note)
    drilldown.chart(charts.states_by_period(by_state), "avance_estados", filters)

    st.subheader("Qué cambió desde el corte anterior", anchor=False)
    changed = data.load(queries.changes_count, filters)
    if not changed:
        st.info("Nada cambió respecto al corte anterior, o el corte elegido es el primero "
                "de su plan (no hay con qué comparar).", icon=":material/info:")
    else:
        st.caption(f"{es_co.plural(changed, 'actividad cambió', 'actividades cambiaron')}"
                   " de estado o de avance respecto al corte anterior de su plan.")
        # The screen holds the first rows; a download reads them all when clicked.
        changes = data.load(queries.changes_since_previous_cutoff, filters, tables.MAX_ROWS)
        tables.show(changes, key="avance_cambios", file_name="cambios_desde_corte_anterior",
                    description=filters.describe(view.count), total=changed,
                    everything=data.later(queries.changes_since_previous_cutoff, filters),
                    noun="actividades")
