"""Por dependencia: the ranking the comité goes through office by office."""
import streamlit as st

from data_layer import es_co, queries
from ui import charts, data, drilldown, layout, legend, tables

with layout.guard("la página por dependencia"):
    view = layout.header("Por dependencia", "Dependencias ordenadas de menor a mayor avance "
                                            "promedio; primero las que más necesitan atención.")
    filters = view.filters
    ranking = data.load(queries.office_ranking, filters)
    st.caption("Avance promedio: promedio simple de las actividades de la dependencia con "
               "avance numérico. Una actividad a cargo de varias dependencias cuenta para "
               "cada una de ellas.")
    legend.show_semaforo(filters.umbrales)
    followed, left_out = charts.followed_up(ranking)
    if followed.empty:
        st.info("Ninguna dependencia tiene todavía actividades con seguimiento al corte "
                "elegido; la tabla de abajo las lista todas.", icon=":material/info:")
    else:
        if len(followed) > charts.RANKING_ROWS:
            st.caption(f"La gráfica muestra las {charts.RANKING_ROWS} dependencias con menor "
                       f"avance de {es_co.integer(len(followed))}; la tabla trae todas.")
        drilldown.chart(charts.ranking(followed.head(charts.RANKING_ROWS), "Dependencia",
                                       filters.umbrales), "dependencias", filters)
    if left_out:
        st.caption(f"{es_co.plural(left_out, 'dependencia no aparece', 'dependencias no aparecen')}"
                   " en la gráfica porque su plan aún no tiene ningún corte de seguimiento; "
                   "sí están en la tabla.")
    st.subheader("Tabla por dependencia", anchor=False)
    legend.show_estados()
    tables.show(ranking, key="dependencias", file_name="ranking_dependencias",
                description=filters.describe(view.count))
