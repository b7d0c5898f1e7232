"""The rendición de cuentas of a large view: no list of every activity, totals
over many entities.

At national scale the report loaded every activity with its text (1.000.000
rows, ~14 s) to draw up lists nobody can read in thousands of screens. Above
``content.LIST_LIMIT`` activities in view the three lists say how many there
are and where to get them; above ``content.TOTALS_ABOVE`` entities the phase
and office screens chart totals over them, which the report holds. Both are checked here with the
limits lowered on the known database.
"""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from data_layer import queries, store, totals
from data_layer.filters import Filters
from data_layer.report import content, pdf, screens
from tests.conftest import CARTAGO


@pytest.fixture()
def small_limits(monkeypatch):
    monkeypatch.setattr(content, "LIST_LIMIT", 5)
    monkeypatch.setattr(content, "TOTALS_ABOVE", 1)


def test_a_view_above_the_limit_is_not_listed(con, small_limits):
    report = content.build(con, Filters())
    kpis = queries.kpis(con, Filters()).iloc[0]
    assert not report.listed
    assert report.completed.empty and report.difficulties.empty and report.next_steps.empty
    # entities and vigencias still named, from the summary by entity
    assert set(report.entities) == set(queries.options(con, Filters(), "entidad"))
    assert report.vigencias == tuple(sorted(queries.options(con, Filters(), "vigencia")))
    keys = [screen.key for screen in screens.screens(report)]
    for topic in ("cumplidas", "dificultades", "proximos"):
        assert keys.count(f"{topic}-1") == 1 and f"{topic}-2" not in keys
    text = content.unlisted_text(report, "cumplidas")
    assert f"{int(kpis['Cumplidas'])} actividad" in text
    assert f"entre {int(kpis['Actividades'])} actividades" in text
    assert "página Actividades" in text
    difficulties = content.unlisted_text(report, "dificultades")
    assert f"{int(kpis['Vencidas'])} vencida" in difficulties


def test_the_pdf_says_so_too(con, monkeypatch):
    monkeypatch.setattr(content, "LIST_LIMIT", 5)
    cartago = Filters(entidad=(CARTAGO,))  # one entity: the PDF has the list sections
    report = content.build(con, cartago)
    assert not report.listed and not report.several
    text = " ".join(page.extract_text() for page in
                    PdfReader(io.BytesIO(pdf.build_pdf(con, cartago))).pages)
    text = " ".join(text.split())
    assert "demasiadas para listarlas una por una" in text
    assert "Ninguna actividad está cumplida al corte" not in text


def test_under_the_limit_the_lists_are_the_activities(con):
    cartago = Filters(entidad=(CARTAGO,))
    report = content.build(con, cartago)
    assert report.listed
    table = queries.activities_table(con, cartago)
    assert len(report.completed) == int((table["_estado"] == "cumplida").sum()) > 0


def test_many_entities_chart_totals(con, small_limits):
    report = content.build(con, Filters())
    offices = screens.chart_offices(report)
    assert "Entidad" not in offices.columns
    assert offices["Dependencia"].is_unique
    by_office = report.offices.groupby("Dependencia")["Actividades"].sum()
    assert dict(zip(offices["Dependencia"], offices["Actividades"], strict=True)) == {
        name: n for name, n in by_office.items() if name in set(offices["Dependencia"])}
    averages = offices["Avance promedio (%)"].dropna()
    assert averages.is_monotonic_increasing  # least advanced first
    phases = screens.chart_phases(report)
    assert "Entidad" not in phases.columns
    assert not phases[["_fase", "_fase_origen"]].duplicated().any()
    # the report holds the totals, counted in SQL: those of the per-entity rows
    everything = Filters()
    pd.testing.assert_frame_equal(
        report.phases, totals.phases(queries.phase_summary(con, everything), everything))
    summed = totals.text_groups(queries.office_ranking(con, everything), everything,
                                "dependencia", "Dependencia")
    by_name = ["Dependencia"]  # (ties in the average are ordered by name in SQL)
    pd.testing.assert_frame_equal(
        report.offices.sort_values(by_name).reset_index(drop=True),
        summed.sort_values(by_name).reset_index(drop=True))
    assert offices["Actividades"].sum() <= report.offices["Actividades"].sum()
    pd.testing.assert_frame_equal(report.states,
                                  totals.states(queries.states_summary(con, everything)))
    pd.testing.assert_frame_equal(report.semaforos, totals.semaforo_colours(
        queries.semaforo_summary(con, everything)))


def test_the_pdf_of_many_entities_charts_totals(con, small_limits):
    """The national PDF drew one bar group per entity in its charts of states
    and colours: 140 megapixels and 80 s for a country. Above TOTALS_ABOVE it
    charts the totals (one bar per state, one per colour), as the dashboard does."""
    from PIL import Image

    from data_layer.report import charts

    report = content.build(con, Filters())
    assert "Entidad" not in report.states.columns
    document = PdfReader(io.BytesIO(pdf.build_pdf(con, Filters())))
    text = " ".join(" ".join(page.extract_text() for page in document.pages).split())
    assert "Resumen por entidad" in text
    drawn = sorted(picture.image.size for page in document.pages for picture in page.images)
    expected = sorted(Image.open(io.BytesIO(png)).size for png in (
        charts.states(report.states), charts.semaforos(report.semaforos, report.filters.umbrales)))
    assert drawn == expected


def test_the_presentation_page_shows_the_note(app_env, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(content, "LIST_LIMIT", 5)
    st.cache_data.clear()  # a report built with the usual limit by another test
    root = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(root / "dashboard.py"), default_timeout=60).run()
    at.switch_page("pages/presentacion.py").run()
    assert not at.exception
    con = store.Database(app_env).cursor()
    report = content.build(con, Filters())
    keys = [screen.key for screen in screens.screens(report)]
    at.session_state["presentacion_pantalla"] = "cumplidas-1"
    at.run()
    assert not at.exception
    shown = " ".join(block.value for block in at.info)
    assert "demasiadas para listarlas" in shown, keys
    assert isinstance(report.kpis, pd.Series)
