"""The sidebar of filters shared by every page, kept in the URL.

The widgets keep their values in ``st.session_state`` under the keys in
:data:`KEYS` (stable: tests find them by key). On the first run of a session
the URL (``?entidad=…&corte=2024-09-30``) seeds them, and after every run the
URL is rewritten from the resulting :class:`Filters`, so a copied link
reproduces the view and a reload keeps it.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from data_layer import queries, semaforo, status
from data_layer.filters import Filters
from data_layer.model import PHASE_LABELS
from data_layer.semaforo import Umbrales
from ui import data, legend

KEYS = {
    "entidad": "f_entidad",
    "vigencia": "f_vigencia",
    "corte": "f_corte",
    "fase": "f_fase",
    "dependencia": "f_dependencia",
    "estado": "f_estado",
    "semaforo": "f_semaforo",
    "grupo_valor": "f_grupo_valor",
    "texto": "f_texto",
    "umbrales": "f_umbrales",
}
STATE_KEY = "_filtros"  # the Filters of the current run, for the pages
_URL_READ = "_url_leida"


def current() -> Filters:
    """The filters the sidebar built in this run."""
    return st.session_state.get(STATE_KEY, Filters())


def build() -> Filters:
    """Draw the sidebar, return the filters and write them into the URL."""
    _seed_from_url_once()
    with st.sidebar:
        st.header("Filtros", anchor=False)
        entidad = _multi("Entidad", data.load(queries.options, Filters(), "entidad"),
                         "entidad", placeholder="Todas las entidades")
        scope = Filters(entidad=tuple(entidad))
        vigencia = _multi("Vigencia", data.load(queries.options, scope, "vigencia"),
                          "vigencia", placeholder="Todas las vigencias")
        scope = scope.replace(vigencia=tuple(vigencia))
        corte = _corte(scope)
        fase = _multi("Fase del ciclo de la gestión", data.load(queries.options, scope, "fase"),
                      "fase", format_func=lambda code: PHASE_LABELS.get(code, code))
        dependencia = _multi("Dependencia", data.load(queries.options, scope, "dependencia"),
                             "dependencia")
        estado = _multi("Estado al corte", list(status.ESTADOS), "estado",
                        format_func=status.ESTADO_LABELS.get, help=status.PRECEDENCE_TEXT)
        color = _multi("Semáforo", list(semaforo.COLORS), "semaforo",
                       format_func=semaforo.label)
        grupo = _multi("Grupo de valor", data.load(queries.options, scope, "grupo_valor"),
                       "grupo_valor")
        texto = st.text_input("Buscar en las actividades", key=KEYS["texto"],
                              placeholder="p. ej. caracterización",
                              help="Busca en el nombre, código, producto, indicador, "
                                   "dependencias y observaciones; sin importar tildes.")
        umbrales = _umbrales()
        st.button("Limpiar filtros", key="f_limpiar", on_click=clear,
                  icon=":material/filter_alt_off:", width="stretch")
        legend.show_semaforo(umbrales)
    filters = Filters(
        entidad=tuple(entidad), vigencia=tuple(vigencia), corte=corte, fase=tuple(fase),
        dependencia=tuple(dependencia), estado=tuple(estado), semaforo=tuple(color),
        grupo_valor=tuple(grupo), texto=(texto or "").strip(), umbrales=umbrales,
    )
    st.session_state[STATE_KEY] = filters
    st.query_params.from_dict(filters.to_query_params())
    return filters


def seed(filters: Filters) -> None:
    """Put ``filters`` into the widgets' state (before they are drawn)."""
    for name in ("entidad", "vigencia", "fase", "dependencia", "estado", "semaforo",
                 "grupo_valor"):
        st.session_state[KEYS[name]] = list(getattr(filters, name))
    if filters.corte is not None:
        st.session_state[KEYS["corte"]] = filters.corte
    st.session_state[KEYS["texto"]] = filters.texto
    st.session_state[KEYS["umbrales"]] = (round(filters.umbrales.rojo),
                                          round(filters.umbrales.verde))


def clear() -> None:
    """Callback of "Limpiar filtros": every filter back to its default."""
    for key in KEYS.values():
        st.session_state.pop(key, None)


def _seed_from_url_once() -> None:
    if st.session_state.get(_URL_READ):
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    seed(Filters.from_query_params(params))
    st.session_state[_URL_READ] = True


def _multi(label: str, options: list, name: str, **kwargs) -> list:
    """A multiselect whose remembered values are kept only if still offered
    (after another filter changed, or from an old link)."""
    key = KEYS[name]
    remembered = st.session_state.get(key) or []
    kept = [value for value in remembered if value in options]
    if kept != remembered or key not in st.session_state:
        st.session_state[key] = kept
    kwargs.setdefault("placeholder", "Todas")
    # No «Select all»: Streamlit writes it in English, and no filter is
    # the same as all of them.
    return st.multiselect(label, options, key=key, select_all=False, **kwargs)


def _corte(scope: Filters) -> date | None:
    table = data.load(queries.corte_options, scope)
    options = list(table["_corte"])
    key = KEYS["corte"]
    if not options:
        st.selectbox("Corte de seguimiento", ["Sin seguimiento todavía"], disabled=True,
                     key="f_corte_vacio")
        return None
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]  # the latest
    labels = dict(zip(table["_corte"], table["Corte"], strict=True))
    return st.selectbox(
        "Corte de seguimiento", options, key=key, format_func=labels.get,
        help="El estado de cada actividad es el de su último reporte hasta esta fecha.")


def _umbrales() -> Umbrales:
    key = KEYS["umbrales"]
    if key not in st.session_state:
        default = Umbrales()
        st.session_state[key] = (round(default.rojo), round(default.verde))
    with st.expander("Umbrales del semáforo"):
        rojo, verde = st.slider(
            "Rojo por debajo de · verde desde (%)", min_value=0, max_value=100, step=1,
            key=key, help="Por defecto: rojo por debajo de 60 %, verde desde 80 %; "
                          "entre ambos, amarillo.")
    return Umbrales(rojo=float(rojo), verde=float(verde))
