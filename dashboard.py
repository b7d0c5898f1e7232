"""Tablero de Participación Ciudadana: ``streamlit run dashboard.py``.

The entry point: the list of pages, the sidebar of filters every page shares,
then the chosen page. On a first start without a database, one is built from
the sample plans in ``sample_data/`` (see ``ui/data.py``).
"""
from pathlib import Path

import streamlit as st

from data_layer import queries
from data_layer.filters import Filters
from ui import admin, data, layout, sidebar

st.set_page_config(
    page_title="Tablero de Participación Ciudadana",
    # A file of the app: a ":material/…:" icon makes the browser fetch the
    # favicon from fonts.gstatic.com, and the dashboard must work offline.
    page_icon=str(Path(__file__).parent / "ui" / "assets" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("pages/resumen.py", title="Resumen", icon=":material/dashboard:", default=True),
    st.Page("pages/avance.py", title="Avance por trimestre", icon=":material/timeline:"),
    st.Page("pages/dependencias.py", title="Por dependencia", icon=":material/account_tree:"),
    st.Page("pages/fases.py", title="Por fase del ciclo", icon=":material/autorenew:"),
    st.Page("pages/actividades.py", title="Actividades", icon=":material/list_alt:"),
    st.Page("pages/presentacion.py", title="Rendición de cuentas", icon=":material/co_present:"),
    st.Page("pages/calidad.py", title="Calidad de los datos", icon=":material/fact_check:"),
]

# Less empty space above the page title (the default suits a blog, not a
# dashboard), and metric labels that wrap instead of ending in "…".
st.html("""<style>
[data-testid='stMainBlockContainer'] {padding-top: 2.5rem}
[data-testid='stMetricLabel'] * {white-space: normal !important; overflow: visible !important;
                                 text-overflow: clip !important}
</style>""")

# Administrative pages exist in the navigation only for a logged-in session
# (and each one checks again: see ui/admin.py).
ADMIN_PAGES = [
    st.Page("pages/cargar.py", title="Cargar planes", icon=":material/upload_file:"),
]
navigation = st.navigation({"Tablero": PAGES, "Administración": ADMIN_PAGES} if admin.is_admin()
                           else PAGES)
with layout.guard("la barra de filtros"):
    data.database()
    if not data.load(queries.options, Filters(), "entidad"):
        layout.empty("Aún no hay planes cargados. Importe uno con "
                     "«python -m data_layer import ruta/del/plan.xlsx» y recargue la página.")
    sidebar.build()
admin.login_form()
navigation.run()
