"""Actividades: the full filtered table, and the detail of one activity."""
import streamlit as st

from data_layer import es_co, queries, semaforo, status
from ui import charts, data, layout, safe, tables

DETAIL_KEY = "detalle_actividad"


def _option_label(code, name: str, entity: str) -> str:
    code = "" if es_co.is_missing(code) or not str(code) else f"{code} · "
    name = name if len(name) <= 90 else name[:89] + "…"
    return f"{code}{name} ({entity})"


def _detail(filters, activity_id: int, corte) -> None:
    fields = data.load(queries.activity_detail, filters, activity_id)
    value = dict(zip(fields["Campo"], fields["Valor"], strict=True))
    st.markdown(f"#### {safe.md(value['Actividad'])}")
    facts = st.columns(4)
    facts[0].metric("Estado al corte", value["Estado"], border=True)
    facts[1].metric("Avance", f"{value['Avance (%)']} %" if value["Avance (%)"] else "Sin dato",
                    border=True)
    facts[2].metric("Fecha límite", value["Fecha límite"] or "Sin fecha", border=True)
    facts[3].metric("Semáforo", value["Semáforo"], border=True)
    st.markdown(f"**Dependencias:** {safe.md(value['Dependencias'])}  \n"
                f"**Fase:** {value['Fase']} ({value['Origen de la fase'].lower()})")

    # Only what was reported up to the cut-off: the detail is the state at it.
    history = data.load(queries.activity_history, activity_id, corte)
    left, right = st.columns([3, 2], gap="large")
    with left:
        until = f" hasta el corte {es_co.date_text(corte)}" if corte else ""
        st.markdown(f"**Avance en el tiempo** (valor vigente de cada periodo{until})")
        if history.empty:
            st.info("Esta actividad no tiene ningún reporte de seguimiento.")
        else:
            st.plotly_chart(charts.activity_readings(history), config=charts.CONFIG,
                            key="detalle_grafica")
    with right:
        st.markdown("**Observaciones y evidencias**")
        notes = history[history["Observación"].notna() | history["Evidencia"].notna()]
        if notes.empty:
            st.caption("Ningún reporte trae observaciones ni evidencias.")
        for _, note in notes.iterrows():
            text = f"*{safe.md(note['Periodo'])}* ({safe.md(note['Archivo'])})"
            if not es_co.is_missing(note["Observación"]):
                text += f": {safe.md(note['Observación'])}"
            if not es_co.is_missing(note["Evidencia"]):
                text += f"  \nEvidencia: {safe.links(note['Evidencia'])}"
            st.markdown(text)
        if value.get("Medio de verificación"):
            st.markdown(f"**Medio de verificación previsto:** {safe.md(value['Medio de verificación'])}")

    if not history.empty:
        st.markdown("**Historial de reportes** (cada archivo de seguimiento que lo cambió)")
        tables.show(history, key="detalle_historial", file_name=f"historial_{activity_id}",
                    description=f"{filters.describe(1)} Actividad: {value['Actividad']}.")
    schedule = data.load(queries.activity_schedule, activity_id)
    st.markdown("**Cronograma**")
    if schedule.empty:
        st.caption(f"El plan no trae cronograma mensual para esta actividad; fecha de inicio "
                   f"{value['Fecha de inicio'] or 'sin dato'}, fecha límite "
                   f"{value['Fecha límite'] or 'sin dato'}.")
    else:
        tables.show(schedule, key="detalle_cronograma", file_name=f"cronograma_{activity_id}",
                    description=f"Cronograma de: {value['Actividad']}.")
    with st.expander("Todos los campos de la actividad", icon=":material/list:"):
        tables.show(fields, key="detalle_campos", file_name=f"actividad_{activity_id}",
                    description=f"{filters.describe(1)} Actividad: {value['Actividad']}.")


with layout.guard("la lista de actividades"):
    view = layout.header("Actividades", "Todas las actividades que cumplen los filtros, con "
                                        "todos sus campos. Descargue exactamente esta tabla.")
    filters = view.filters
    # The screen holds the first rows; a download reads them all when clicked.
    total = data.load(queries.activities_count, filters)
    activities = data.load(queries.activities_table, filters, None, tables.MAX_ROWS)
    st.caption(f"Estado y avance al corte: {status.PRECEDENCE_TEXT} "
               f"Semáforo: {', '.join(semaforo.label(c) for c in semaforo.COLORS)}.")
    tables.show(activities, key="actividades", file_name="actividades",
                height=440 if len(activities) > 12 else None,
                description=filters.describe(view.count), total=total,
                everything=data.later(queries.activities_table, filters), noun="actividades")

    st.subheader("Detalle de una actividad", anchor=False)
    labels = dict(zip(activities["_id"].tolist(),
                      map(_option_label, activities["Código"], activities["Actividad"],
                          activities["Entidad"]), strict=True))
    if total > len(activities):
        st.caption(f"La lista ofrece las {es_co.integer(len(activities))} actividades de la "
                   "tabla. Para ver otra, búsquela por su código o por palabras de su "
                   "nombre en «Buscar en las actividades», en la barra lateral.")
    if st.session_state.get(DETAIL_KEY) not in labels:
        st.session_state[DETAIL_KEY] = None
    chosen = st.selectbox("Actividad", list(labels), format_func=labels.get, key=DETAIL_KEY,
                          placeholder="Elija una actividad para ver su detalle…")
    if chosen is None:
        st.caption("El detalle muestra los reportes de cada periodo (también los corregidos "
                   "después), las observaciones, las evidencias y el cronograma.")
    else:
        _detail(filters, int(chosen), es_co.as_date(view.kpis["corte"]))
