"""Calidad de los datos: per plan, what was read and what to fix, in a planning
office's words (where to look in the spreadsheet, what to change)."""
import streamlit as st

from data_layer import quality
from ui import data, layout, tables

with layout.guard("el informe de calidad"):
    view = layout.header("Calidad de los datos", "Qué se leyó de cada plan y qué conviene "
                                                 "corregir en la hoja de cálculo: el archivo, la "
                                                 "hoja y la fila de cada caso.",
                         need_activities=False)
    filters = view.filters
    st.caption("Aquí solo cuentan los filtros de entidad y vigencia: esta página revisa los "
               "archivos cargados, no el avance de las actividades.")
    description = filters.describe()
    plans = data.load(quality.plan_quality, filters)
    if plans.empty:
        layout.empty("No hay planes cargados para la entidad y vigencia elegidas.")
    tables.show(plans, key="calidad_planes", file_name="calidad_por_plan",
                description=description)

    # title, query, how many rows it has (None: a short list, read whole), key,
    # what an empty tab says, the note above the table.
    sections = (
        ("Archivos cargados", quality.import_report, None, "calidad_archivos",
         "Todavía no se ha cargado ningún archivo.", None),
        ("Celdas por corregir", quality.import_issues, quality.import_issues_count,
         "calidad_problemas", "Todas las celdas se leyeron bien: no hay nada que corregir.",
         "Corregir: el tablero no pudo leer el dato; corríjalo en la hoja de cálculo (archivo, "
         "hoja, fila y columna de cada caso) y vuelva a cargarla. Revisar: se leyó, pero "
         "confirme que quedó bien. Para su información: lo que el tablero decidió al leer el "
         "archivo; no hace falta hacer nada."),
        ("Filas que no son actividades", quality.skipped_rows, quality.skipped_rows_count,
         "calidad_filas", "Todas las filas con contenido se tomaron como actividades.",
         "Filas del archivo que no se contaron como actividad (títulos, firmas, pies de "
         "página), con el porqué y lo que dicen. Si alguna sí es una actividad, revise que "
         "tenga su nombre en la columna de actividades."),
        ("Fases deducidas", quality.inferred_phases, quality.inferred_phases_count,
         "calidad_fases", "Todos los planes dicen la fase de cada actividad.",
         "El plan no dice la fase de estas actividades; el tablero la dedujo de una palabra "
         "de la actividad. Si no es la correcta, escriba la fase en el plan (una columna "
         "«Fase») y vuelva a cargarlo."),
        ("Nombres de las dependencias", quality.office_merges, quality.office_merges_count,
         "calidad_dependencias",
         "No hay dependencias registradas.", "Cómo aparece cada dependencia en los planes y "
         "el nombre con el que se agrupa en el tablero (una misma dependencia escrita de "
         "varias formas se cuenta una sola vez)."),
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
