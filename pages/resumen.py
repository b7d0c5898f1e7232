"""Resumen: the state of the plan at a glance, for the mayor."""
import streamlit as st

from data_layer import es_co, queries, totals
from data_layer.queries import AVANCE
from ui import charts, data, drilldown, layout, legend, presentation, tables

with layout.guard("el resumen"):
    view = layout.header("Resumen", "El estado del plan de participación ciudadana al corte "
                                    "elegido en la barra lateral.", comparison=True)
    filters, kpis = view.filters, view.kpis

    figures = [
        ("Actividades", kpis["Actividades"], "Actividades que cumplen los filtros."),
        ("Avance general", None, queries.explain_average(kpis)),
        ("Cumplidas", kpis["Cumplidas"], "Avance de 100 % o más al corte."),
        ("Vencidas", kpis["Vencidas"], "Fecha límite anterior al corte y sin cumplir."),
        ("Sin reporte", kpis["Sin reporte"], "Debían reportar y no hay avance (no vencidas)."),
        ("No programadas", kpis["No programadas"], "Nada programado para el periodo."),
    ]
    # Six figures in a row fit up to "99.999"; a gobernación's or the country's
    # counts ("1.000.000") need two rows of three not to be cut short.
    per_row = len(figures) if kpis["Actividades"] < 100_000 else 3
    columns = [column for _ in range(0, len(figures), per_row)
               for column in st.columns(per_row, gap="small")]
    for column, (label, value, help_text) in zip(columns, figures, strict=True):
        shown = (es_co.percent(kpis[AVANCE]) or "Sin dato") if value is None \
            else es_co.integer(value)
        column.metric(label, shown, help=help_text, border=True)
    legend.show_avance(kpis["_semaforo"], es_co.percent(kpis[AVANCE]) or "sin dato",
                       filters.umbrales, queries.explain_average(kpis))
    notes = []
    if kpis["En curso"]:
        notes.append(f"Además, {es_co.integer(kpis['En curso'])} en curso (con avance, sin "
                     "cumplir y dentro del plazo).")
    if kpis["Sin seguimiento"]:
        notes.append("«Sin seguimiento»: su plan aún no tiene ningún corte.")
    if notes:
        st.caption(" ".join(notes))
    # Each set the sentence names lists its activities (the same count).
    parts = {drill_json: words for words, count, drill_json in queries.average_parts(kpis)
             if count}
    chosen = st.pills("Ver las actividades de:", list(parts), format_func=parts.get,
                      key="resumen_promedio_partes")
    if chosen:
        drilldown.listing("resumen_promedio", filters, chosen, "resumen_promedio_partes")
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        presentation.pdf_button(filters, key="resumen_pdf")
        st.page_link("pages/presentacion.py", label="Presentar en la rendición de cuentas",
                     icon=":material/co_present:")

    if view.compare:
        st.subheader("Comparación entre entidades", anchor=False)
        comparison = data.load(queries.entity_comparison, filters)
        drawn = comparison
        if len(comparison) > charts.RANKING_ROWS:
            drawn = totals.lowest(comparison, charts.RANKING_ROWS)
            st.caption(f"La gráfica muestra las {charts.RANKING_ROWS} entidades con menor avance "
                       f"de {es_co.integer(len(comparison))}; la tabla trae todas.")
        drilldown.chart(charts.ranking(drawn, "Entidad", filters.umbrales),
                        "resumen_entidades", filters)
        tables.show(comparison, key="resumen_entidades", file_name="comparacion_entidades",
                    description=filters.describe(view.count))

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Estado de las actividades", anchor=False)
        legend.show_estados()
        # Many entities: the charts draw totals, counted by the query.
        entities = int(view.kpis["entidades"])
        many = entities > charts.NAMED_LINES
        states = data.load(queries.states_totals if many else queries.states_summary, filters)
        if note := charts.summed_note(entities):
            st.caption(note)
        drilldown.chart(charts.states(states),
                        "resumen_estados", filters)
    with right:
        st.subheader("Semáforo del avance", anchor=False)
        legend.show_semaforo(filters.umbrales)
        colours = data.load(queries.semaforo_totals if many else queries.semaforo_summary,
                            filters)
        if note := charts.summed_note(entities):
            st.caption(note)
        drilldown.chart(charts.semaforo_counts(colours),
                        "resumen_semaforo", filters)

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Avance promedio por corte", anchor=False)
        periods = data.load(queries.progress_by_period, filters)
        if periods.empty:
            st.info("Los planes seleccionados aún no tienen cortes de seguimiento.")
        else:
            if note := charts.many_entities_note(periods):
                st.caption(note)
            drilldown.chart(charts.average_by_period(periods, filters.umbrales),
                            "resumen_periodos", filters,
                            hint="Haga clic en un punto para ver las actividades que promedia.")
        st.page_link("pages/avance.py", label="Ver el avance por trimestre",
                     icon=":material/arrow_forward:")
    with right:
        st.subheader("Dependencias con menor avance", anchor=False)
        offices = data.load(queries.lowest_offices, filters, 5)
        if offices.empty:
            st.info("Aún no hay dependencias con seguimiento al corte elegido.")
        else:
            drilldown.chart(charts.ranking(offices, "Dependencia", filters.umbrales,
                                           compact=True), "resumen_dependencias", filters)
        st.page_link("pages/dependencias.py", label="Ver todas las dependencias",
                     icon=":material/arrow_forward:")
