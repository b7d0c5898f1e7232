"""Tablero de Participación Ciudadana: ``streamlit run dashboard.py``.

The entry point: the list of pages, the sidebar of filters every page shares,
then the chosen page. On a first start without a database, one is built from
the sample plans in ``sample_data/`` (see ``ui/data.py``).
"""
import streamlit as st

from data_layer import queries
from data_layer.filters import Filters
from ui import data, layout, sidebar

st.set_page_config(
    page_title="Tablero de Participación Ciudadana",
    page_icon=":material/groups:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("pages/resumen.py", title="Resumen", icon=":material/dashboard:", default=True),
    st.Page("pages/avance.py", title="Avance por trimestre", icon=":material/timeline:"),
    st.Page("pages/dependencias.py", title="Por dependencia", icon=":material/account_tree:"),
    st.Page("pages/fases.py", title="Por fase del ciclo", icon=":material/autorenew:"),
    st.Page("pages/actividades.py", title="Actividades", icon=":material/list_alt:"),
    st.Page("pages/calidad.py", title="Calidad de los datos", icon=":material/fact_check:"),
]

# Less empty space above the page title (the default suits a blog, not a
# dashboard), and metric labels that wrap instead of ending in "…".
st.html("""<style>
[data-testid='stMainBlockContainer'] {padding-top: 2.5rem}
[data-testid='stMetricLabel'] * {white-space: normal !important; overflow: visible !important;
                                 text-overflow: clip !important}
</style>""")

navigation = st.navigation(PAGES)
with layout.guard("la barra de filtros"):
    data.database()
    if not data.load(queries.options, Filters(), "entidad"):
        layout.empty("Aún no hay planes cargados. Importe uno con "
                     "«python -m data_layer import ruta/del/plan.xlsx» y recargue la página.")
    sidebar.build()
navigation.run()
