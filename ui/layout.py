"""What every page shares: its title, the filter sentence, empty states and
the error guard (no stack trace ever reaches the screen)."""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_layer import queries, store
from data_layer.filters import Filters
from ui import data, safe, sidebar

logger = logging.getLogger(__name__)

ERROR_TEXT = (
    "No se pudo mostrar esta parte del tablero por un error inesperado. Pruebe a "
    "quitar algunos filtros o a recargar la página; si el problema sigue, avise al "
    "equipo de planeación indicando la página y la hora."
)


@dataclass(frozen=True)
class View:
    """What a page draws from: the filters and the headline figures."""

    filters: Filters
    kpis: pd.Series

    @property
    def count(self) -> int:
        return int(self.kpis["Actividades"])

    @property
    def compare(self) -> bool:
        """Several entities in view: pages compare them."""
        return self.entities > 1

    @property
    def entities(self) -> int:
        return int(self.kpis["entidades"])


@contextlib.contextmanager
def guard(what: str = "esta página") -> Iterator[None]:
    """Show a Spanish error instead of a traceback; st.stop/st.rerun pass through
    (they are not ``Exception``s)."""
    try:
        yield
    except (data.DatabaseUnavailable, store.DatabaseBusyError) as error:
        # Missing, locked by another program, read-only, disk full: the
        # message says what happened and what to do, in Spanish.
        st.error(str(error), icon=":material/database:")
        st.stop()
    except Exception:
        logger.exception("Error al mostrar %s", what)
        st.error(ERROR_TEXT, icon=":material/error:")
        st.stop()


def _through_dashboard() -> None:
    """Make sure the page runs inside dashboard.py (its sidebar and navigation).

    Until a first ``st.navigation`` call, Streamlit 1.67 treats a ``pages/``
    folder next to the entry point as an old-style multipage app: on a freshly
    started server, a first visit to a deep link (``/dependencias?entidad=…``)
    runs the page file alone, without the sidebar or the filters of the URL.
    Switching that mode off and rerunning runs dashboard.py, which routes to
    the same page with the same query string.
    """
    try:  # a private Streamlit class: if a release moves it, only deep links suffer
        from streamlit.runtime.pages_manager import PagesManager

        legacy = PagesManager.uses_pages_directory
    except (ImportError, AttributeError):
        return
    if legacy:
        PagesManager.uses_pages_directory = False
        st.rerun()


def header(title: str, intro: str | None = None, need_activities: bool = True,
           comparison: bool = False) -> View:
    """Title, the sentence of what is filtered, and the empty state.

    ``comparison``: the page draws ``queries.entity_comparison`` itself; the
    sentence of a consolidated view reads it (the same cached result) instead
    of ``queries.last_reports``."""
    _through_dashboard()
    st.title(title, anchor=False)
    if intro:
        st.caption(intro)
    filters = sidebar.current()
    kpis = data.load(queries.kpis, filters).iloc[0]
    view = View(filters=filters, kpis=kpis)
    st.info(safe.md(filters.describe(view.count)), icon=":material/filter_alt:")
    if view.compare:
        # Several plans in one set of figures: say so, and at which cut-off each is.
        latest = data.load(queries.entity_comparison if comparison else queries.last_reports,
                           filters)
        st.info(safe.md(queries.consolidated_text(latest, kpis["corte"])),
                   icon=":material/stacks:")
    if need_activities and view.count == 0:
        empty("Ninguna actividad cumple estos filtros. Quite alguno en la barra lateral "
              "o use «Limpiar filtros».")
    return view


def empty(message: str) -> None:
    """Explain why there is nothing to draw, and stop the page."""
    st.info(message, icon=":material/info:")
    st.stop()
