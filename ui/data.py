"""The dashboard's access to the database, and the cache of query results.

The data layer knows nothing of Streamlit; caching lives here only. Results
are cached by (database file, its version, query, arguments): an import swaps
the file in, the version changes, and every figure is recomputed.
"""
from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import TypeVar

import streamlit as st

from data_layer import store

logger = logging.getLogger(__name__)
T = TypeVar("T")


class DatabaseUnavailable(Exception):
    """The database is missing and could not be built; the message is for people."""


@st.cache_resource(show_spinner=False)
def _database(path: str) -> store.Database:
    # A file from an earlier release: its derived tables stored once, now.
    with st.spinner("Actualizando la base de datos a esta versión del tablero "
                    "(solo ocurre una vez)…"):
        store.store_derived_if_outdated(path)
    return store.Database(path)


def database() -> store.Database:
    """The shared read-only database; built from sample_data/ on a first start."""
    path = store.default_db_path()
    if not path.exists():
        _build_sample_database(path)
    return _database(str(path))


def _build_sample_database(path: Path) -> None:
    try:
        from data_layer import loader
    except ImportError as error:
        logger.exception("No se pudo importar data_layer.loader")
        raise DatabaseUnavailable(
            f"No se encontró la base de datos ({path}) y el importador no está disponible "
            "para crearla. Cree la base con «python -m data_layer import» o defina la "
            "variable TABLERO_DB con la ruta de una base existente."
        ) from error
    try:
        with st.spinner("Preparando la base de datos con los planes de ejemplo "
                        "(solo ocurre la primera vez)…"):
            loader.ensure_database(path)
    except Exception as error:
        logger.exception("ensure_database(%s) falló", path)
        raise DatabaseUnavailable(
            "No se pudo construir la base de datos a partir de los planes de ejemplo "
            f"(carpeta sample_data/). Revise el registro del servidor; la base esperada es {path}."
        ) from error
    if not path.exists():
        raise DatabaseUnavailable(
            f"El importador terminó pero no creó la base de datos en {path}."
        )


def load(function: Callable[..., T], *args: object) -> T:
    """``function(con, *args)`` on a fresh cursor, cached until the next import.

    ``function`` is a query of ``data_layer`` (e.g. ``queries.kpis``); the
    arguments must be hashable values (Filters, ids, JSON strings). Callers
    get a copy: changing it does not change the cache.
    """
    db = database()
    return _cached(str(db.path), db.version, function.__module__, function.__name__, args)


def later(function: Callable[..., T], *args: object) -> Callable[[], T]:
    """``function(con, *args)`` as a call for later, on a fresh cursor, never cached.

    For what only a download needs (every row of a long table, when the screen
    shows the first ones): Streamlit runs a download's callable when the
    button is clicked, in a worker thread outside the script run, so the call
    touches no Streamlit API and leaves nothing in the cache. It reads the
    database as it is at the click.
    """
    return partial(_run, database(), function, args)


def _run(db: store.Database, function: Callable[..., T], args: tuple) -> T:
    with closing(db.cursor()) as con:
        return function(con, *args)


# Entries are pickled results, one per (query, arguments, database version).
# Long tables are cached as their first rows (ui.tables.MAX_ROWS) and read in
# full only for a download (:func:`later`), so an entry is a few MB at most;
# 256 of them cover every page of a few dozen filter combinations. The hour
# lets go of results nobody asks for again: filters no session uses any more,
# and the versions of the database an import replaced (never hit again, as
# the version is part of the key).
CACHE_ENTRIES = 256
CACHE_SECONDS = 3600


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_SECONDS)
def _cached(path: str, version: tuple[int, int], module: str, name: str,
            args: tuple) -> object:
    function = getattr(importlib.import_module(module), name)
    with closing(_database(path).cursor()) as con:
        return function(con, *args)
