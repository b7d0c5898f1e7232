"""Resumen: the state of the plan at a glance, for the mayor."""
import streamlit as st

from data_layer import es_co, queries, semaforo
from data_layer.queries import AVANCE
from ui import charts, data, drilldown, layout, legend, presentation, tables

with layout.guard("el resumen"):
    view = layout.header("Resumen", "El estado del plan de participación ciudadana al corte "
                                    "elegido en la barra lateral.")
    filters, kpis = view.filters, view.kpis

    figures = [
        ("Actividades", kpis["Actividades"], "Actividades que cumplen los filtros."),
        ("Avance general", None, queries.explain_average(kpis)),
        ("Cumplidas", kpis["Cumplidas"], "Avance de 100 % o más al corte."),
        ("Vencidas", kpis["Vencidas"], "Fecha límite anterior al corte y sin cumplir."),
        ("Sin reporte", kpis["Sin reporte"], "Debían reportar y no hay avance (no vencidas)."),
        ("No programadas", kpis["No programadas"], "Nada programado para el periodo."),
    ]
    for column, (label, value, help_text) in zip(st.columns(len(figures), gap="small"),
                                                  figures, strict=True):
        shown = (es_co.percent(kpis[AVANCE]) or "Sin dato") if value is None \
            else es_co.integer(value)
        column.metric(label, shown, help=help_text, border=True)
    sign = semaforo.label(kpis["_semaforo"])
    st.markdown(f"**Avance general {sign}.** {queries.explain_average(kpis)}")
    others = []
    if kpis["En curso"]:
        others.append(es_co.plural(int(kpis["En curso"]), "en curso", "en curso"))
    if kpis["Sin seguimiento"]:
        others.append(f"{es_co.integer(kpis['Sin seguimiento'])} sin seguimiento (su plan aún "
                      "no tiene ningún corte)")
    if kpis["vencidas_sin_reporte"]:
        others.append(f"de las vencidas, {es_co.integer(kpis['vencidas_sin_reporte'])} "
                      "tampoco tienen reporte")
    if others:
        st.caption("Además: " + "; ".join(others) + ".")
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        presentation.pdf_button(filters, key="resumen_pdf")
        st.page_link("pages/presentacion.py", label="Presentar en la rendición de cuentas",
                     icon=":material/co_present:")

    if view.compare:
        st.subheader("Comparación entre entidades", anchor=False)
        comparison = data.load(queries.entity_comparison, filters)
        drilldown.chart(charts.ranking(comparison, "Entidad", filters.umbrales),
                        "resumen_entidades", filters)
        tables.show(comparison, key="resumen_entidades", file_name="comparacion_entidades",
                    description=filters.describe(view.count))

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Estado de las actividades", anchor=False)
        legend.show_estados()
        drilldown.chart(charts.states(data.load(queries.states_summary, filters)),
                        "resumen_estados", filters)
    with right:
        st.subheader("Semáforo del avance", anchor=False)
        legend.show_semaforo(filters.umbrales)
        drilldown.chart(charts.semaforo_counts(data.load(queries.semaforo_summary, filters)),
                        "resumen_semaforo", filters)

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Avance promedio por corte", anchor=False)
        periods = data.load(queries.progress_by_period, filters)
        if periods.empty:
            st.info("Los planes seleccionados aún no tienen cortes de seguimiento.")
        else:
            drilldown.chart(charts.average_by_period(periods, filters.umbrales),
                            "resumen_periodos", filters,
                            hint="Haga clic en un punto para ver las actividades que promedia.")
        st.page_link("pages/avance.py", label="Ver el avance por trimestre",
                     icon=":material/arrow_forward:")
    with right:
        st.subheader("Dependencias con menor avance", anchor=False)
        offices, _left_out = charts.followed_up(data.load(queries.office_ranking, filters))
        if offices.empty:
            st.info("Aún no hay dependencias con seguimiento al corte elegido.")
        else:
            drilldown.chart(charts.ranking(offices.head(5), "Dependencia", filters.umbrales,
                                           compact=True), "resumen_dependencias", filters)
        st.page_link("pages/dependencias.py", label="Ver todas las dependencias",
                     icon=":material/arrow_forward:")
