"""The bench times the queries each page really makes.

``bench/queries.py`` lists, as data, the query functions every page calls
(``PAGES``, adjusted by ``calls_of`` for the view). A list that drifts from the
pages measures a page nobody sees: a summed query the page no longer calls, or
a slow one the bench never times. Here each page runs in AppTest with every
public function of ``data_layer.queries`` and ``data_layer.quality`` wrapped,
and the outermost calls it made are compared with the bench's list, on the
known database (a few entities) and on a synthetic one with more entities
than the charts name (the national branch: totals summed in SQL).
"""
from __future__ import annotations

import inspect
from contextlib import closing

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from bench import queries as bench_queries
from data_layer import quality, queries, store, synth
from tests.conftest import ROOT

PAGE_FILES = {"resumen": None, "avance": "pages/avance.py",
              "dependencias": "pages/dependencias.py", "fases": "pages/fases.py",
              "actividades": "pages/actividades.py", "calidad": "pages/calidad.py",
              "presentacion": "pages/presentacion.py"}
# Called by the pages for what the bench does not time as a page's figures:
# the file name of a download (content.file_name_for's query is one SELECT
# DISTINCT ... LIMIT 2) and the sidebar's description of the cut-off.
NOT_FIGURES = {"describe_corte", "corte_label"}


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    path = tmp_path_factory.mktemp("muchas_paginas") / "muchas.duckdb"
    synth.write_database(path, 2_000, entities=bench_queries.NAMED_LINES + 4)
    return path


class Recorder:
    """Wraps the public query functions (those that take the connection; the
    rest only word or reshape their results); keeps the outermost calls."""

    def __init__(self, monkeypatch) -> None:
        self.calls: list[str] = []
        self._depth = 0
        for module in (queries, quality):
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if function.__module__ == module.__name__ and not name.startswith("_") \
                        and next(iter(inspect.signature(function).parameters), "") == "con":
                    monkeypatch.setattr(module, name, self._wrap(name, function))

    def _wrap(self, name, function):
        def recorded(*args, **kwargs):
            if self._depth == 0:
                self.calls.append(name)
            self._depth += 1
            try:
                return function(*args, **kwargs)
            finally:
                self._depth -= 1
        recorded.__name__, recorded.__module__ = function.__name__, function.__module__
        recorded.__qualname__ = function.__qualname__
        return recorded


def _bench_names(page: str, db_path) -> set[str]:
    with closing(store.Database(db_path).cursor()) as con:
        view = bench_queries.views(con)[0]  # the default view: every entity, latest cut-off
        kpis = queries.kpis(con, view.filters)
        calls = bench_queries.calls_of(page, view, kpis)
    return {view.args(call)[0] for call in calls}


def _page_names(page: str, db_path, monkeypatch) -> set[str]:
    monkeypatch.setenv("TABLERO_DB", str(db_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not app.exception
    recorder = Recorder(monkeypatch)
    st.cache_data.clear()
    if PAGE_FILES[page]:
        app.switch_page(PAGE_FILES[page]).run()
    else:
        app.run()
    assert not app.exception, page
    return set(recorder.calls) - NOT_FIGURES


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_the_bench_times_what_each_page_calls(page, db_path, monkeypatch):
    assert _page_names(page, db_path, monkeypatch) == _bench_names(page, db_path)


@pytest.mark.parametrize("page", ["resumen", "avance", "presentacion"])
def test_with_many_entities_too(page, many, monkeypatch):
    assert _page_names(page, many, monkeypatch) == _bench_names(page, many)
