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
    # Open on a computer, closed on a phone (at most 768 px wide), where it
    # would cover the page: there the «Filtros» button below opens it.
    initial_sidebar_state="auto",
)

ES_JS = (Path(__file__).parent / "ui" / "assets" / "es.js").read_text(encoding="utf-8")

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
# dashboard), and metric labels and values («Sin dato») that wrap instead of
# ending in "…".
st.html("""<style>
[data-testid='stMainBlockContainer'] {padding-top: 2.5rem}
[data-testid='stMetricLabel'] * {white-space: normal !important; overflow: visible !important;
                                 text-overflow: clip !important}
[data-testid='stMetricValue'] * {white-space: normal !important; overflow: visible !important;
                                 text-overflow: clip !important}
</style>""")

# Streamlit's own texts in Spanish, lang="es", and the «Filtros» button of
# narrow screens (ui/assets/es.js; the button is hidden where the sidebar fits).
st.html(f"""<style>
[data-testid='stElementContainer']:has(.tablero-filtros) {{position: absolute; width: 0;
  height: 0}}
.tablero-filtros {{position: fixed; top: .75rem; left: 3.75rem; z-index: 1000001;
  display: inline-flex; align-items: center; gap: .4rem; font: inherit; font-size: .95rem;
  padding: .3rem .9rem; border-radius: .5rem; border: 1px solid #0072B2; color: #0072B2;
  background: white; cursor: pointer}}
@media (min-width: 769px) {{ .tablero-filtros {{display: none}} }}
body:not(:has([data-testid='stExpandSidebarButton'])) .tablero-filtros {{display: none}}
</style>
<button type="button" class="tablero-filtros" data-abrir-filtros><span aria-hidden="true">☰</span> Filtros</button>
<script>{ES_JS}</script>""", unsafe_allow_javascript=True)

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
