"""Calidad de los datos: per plan, what the importer understood and left out."""
import streamlit as st

from data_layer import quality
from ui import data, layout, tables

with layout.guard("el informe de calidad"):
    view = layout.header("Calidad de los datos", "Qué entendió el importador de cada plan, qué "
                                                 "decidió por su cuenta y qué dejó por fuera.",
                         need_activities=False)
    filters = view.filters
    st.caption("Esta página usa solo los filtros de entidad y vigencia: habla de planes y "
               "archivos, no de actividades en un corte.")
    description = filters.describe()
    plans = data.load(quality.plan_quality, filters)
    if plans.empty:
        layout.empty("No hay planes importados para la entidad y vigencia elegidas.")
    tables.show(plans, key="calidad_planes", file_name="calidad_por_plan",
                description=description)

    # title, query, how many rows it has (None: a short list, read whole), key,
    # what an empty tab says, the note above the table.
    sections = (
        ("Archivos importados", quality.import_report, None, "calidad_archivos",
         "Ningún archivo importado.", None),
        ("Problemas en celdas", quality.import_issues, quality.import_issues_count,
         "calidad_problemas", "El importador entendió todas las celdas.",
         "Errores: el dato se perdió para el tablero. Avisos: se entendió, pero conviene "
         "revisarlo. Decisiones: lo que el importador resolvió por su cuenta."),
        ("Filas omitidas", quality.skipped_rows, quality.skipped_rows_count, "calidad_filas",
         "Ninguna fila quedó por fuera.", "Filas del archivo que no se tomaron como actividad, "
         "con el motivo y su contenido, para que nada se pierda sin aviso."),
        ("Fases inferidas", quality.inferred_phases, quality.inferred_phases_count,
         "calidad_fases", "Todas las fases las declaran los planes.", "El plan no declara la "
         "fase; se dedujo de la redacción de la actividad. Corríjala en el plan si no es la "
         "correcta."),
        ("Dependencias normalizadas", quality.office_merges, None, "calidad_dependencias",
         "No hay dependencias registradas.", "Cómo aparece cada dependencia en los planes y "
         "el nombre con el que se agrupa en el tablero."),
    )
    for tab, (title, query, count, key, if_empty, note) in zip(
            st.tabs([section[0] for section in sections]), sections, strict=True):
        with tab:
            if count is None:
                table, total, everything = data.load(query, filters), None, None
            else:  # the first rows on screen; a download reads them all when clicked
                table = data.load(query, filters, tables.MAX_ROWS)
                total, everything = data.load(count, filters), data.later(query, filters)
            if note:
                st.caption(note)
            if table.empty:
                st.success(if_empty, icon=":material/check_circle:")
            else:
                tables.show(table, key=key, file_name=key, description=description,
                            total=total, everything=everything,
                            noun="actividades" if query is quality.inferred_phases else "filas")
