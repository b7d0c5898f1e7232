"""Charts when the filters select many entities (a gobernación, the national view).

With more entities than there are entity colours, the average-by-period chart
draws one grey line per (entity, vigencia) in a single trace instead of a
coloured, labelled trace per entity: a thousand traces took seconds to build
and could not be read. Every point still carries the drill-down filter of its
row, and the page says what the grey lines are.
"""
from __future__ import annotations

import json
from contextlib import closing

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import pandas as pd

from data_layer import es_co, queries, semaforo, status, store, synth, totals
from data_layer.filters import Filters
from data_layer.semaforo import Umbrales
from tests.conftest import ROOT
from ui import charts, data, drilldown, tables

ENTITIES = 40  # more than charts.RANKING_ROWS and charts.NAMED_LINES


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    path = tmp_path_factory.mktemp("muchas") / "muchas.duckdb"
    synth.write_database(path, 3_000, entities=ENTITIES)
    return path


@pytest.fixture(scope="module")
def periods(many):
    with closing(store.Database(many).cursor()) as con:
        latest = queries.corte_options(con, Filters())["_corte"].iloc[0]
        return queries.progress_by_period(con, Filters(corte=latest))


def test_one_consolidated_line_and_the_band_of_the_entities(periods):
    assert periods["Entidad"].nunique() == ENTITIES > charts.NAMED_LINES
    fig = charts.average_by_period(periods, Umbrales())
    line = next(trace for trace in fig.data if trace.name == "Todas las entidades")
    dates = sorted(periods["_corte"].unique())
    assert len(line.x) == len(dates)
    # each point: Σ(average × activities with a number) ÷ Σ activities with a number
    for x, y, (drill_json,) in zip(line.x, line.y, line.customdata, strict=True):
        corte = json.loads(drill_json)["corte"]
        rows = periods[periods["_corte"].astype(str) == corte]
        expected = ((rows["Avance promedio (%)"] * rows["Con avance"]).sum()
                    / rows["Con avance"].sum())
        assert y == pytest.approx(expected)
        assert json.loads(drill_json)["con_avance"] is True and "entidad" not in drill_json
        # the band holds eight of every ten entities' averages at that date
        band = [trace for trace in fig.data if trace.name != "Todas las entidades"]
        position = list(line.x).index(x)
        low, high = band[0].y[position], band[1].y[position]
        values = rows["Avance promedio (%)"].dropna()
        assert values.min() <= low < high <= values.max()
        assert ((values >= low) & (values <= high)).mean() >= 0.7
    assert not fig.layout.showlegend
    # what a keyboard user chooses from: one point per date, not one per entity
    assert len(charts.bar_choices(fig)) == len(dates)


def test_a_few_entities_keep_their_named_lines(periods):
    few = periods[periods["Entidad"].isin(periods["Entidad"].unique()[:3])]
    fig = charts.average_by_period(few, Umbrales())
    assert sorted(trace.name for trace in fig.data if trace.type == "scatter") == sorted(
        few["Entidad"].unique())
    assert fig.layout.showlegend
    assert charts.many_entities_note(few) is None


def test_resumen_says_what_the_grey_lines_are(many, monkeypatch):
    monkeypatch.setenv("TABLERO_DB", str(many))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception and not at.error
    notes = [c.value for c in at.caption if c.value.startswith("La línea es el avance")]
    assert notes == [f"La línea es el avance promedio de las {ENTITIES} entidades elegidas en "
                     "cada corte; la franja gris va del 10 % de las entidades con menor avance "
                     "al 10 % con mayor (ocho de cada diez entidades están dentro). Elija hasta "
                     f"{charts.NAMED_LINES} entidades en la barra lateral para verlas con color "
                     "y nombre."]
    entity = at.multiselect(key="f_entidad").options[0]
    at.multiselect(key="f_entidad").set_value([entity]).run()
    assert not at.exception and not at.error
    assert not [c for c in at.caption if c.value.startswith("La línea es el avance")]


# ------------------------------------------------- totals over the entities


@pytest.fixture(scope="module")
def national(many):
    """A cursor on the many-entity database and the dashboard's default view."""
    with closing(store.Database(many).cursor()) as con:
        latest = queries.corte_options(con, Filters())["_corte"].iloc[0]
        yield con, Filters(corte=latest)


def behind(con, filters: Filters, drill_json: str) -> pd.DataFrame:
    """The activities a click on the bar lists."""
    return queries.activities_table(con, filters, drill_json)


def test_state_and_colour_totals_are_what_a_click_lists(national):
    con, filters = national
    kpis = queries.kpis(con, filters).iloc[0]
    states = totals.states(queries.states_summary(con, filters))
    assert list(states["_estado"]) == [code for code in status.ESTADOS
                                       if code in set(states["_estado"])]
    assert states["Actividades"].sum() == kpis["Actividades"] == 3_000
    for label, code in (("Vencidas", "vencida"), ("Cumplidas", "cumplida"),
                        ("Sin reporte", "sin_reporte")):
        assert states.set_index("_estado").loc[code, "Actividades"] == kpis[label]
    for index, row in states.iterrows():
        listed = behind(con, filters, row["_filtro"])
        assert len(listed) == row["Actividades"]
        assert set(listed["_estado"]) <= {row["_estado"]}
    colours = totals.semaforo_colours(queries.semaforo_summary(con, filters))
    assert list(colours["_semaforo"]) == list(semaforo.COLORS)
    assert colours["Actividades"].sum() == 3_000
    for index, row in colours.iterrows():
        assert len(behind(con, filters, row["_filtro"])) == row["Actividades"]


def test_phase_and_group_totals_recompute_the_average(national):
    con, filters = national
    phases = totals.phases(queries.phase_summary(con, filters), filters)
    assert phases["Actividades"].sum() == 3_000
    assert not phases.duplicated(["_fase", "_fase_origen"]).any()
    for index, row in phases.iterrows():
        listed = behind(con, filters, row["_filtro"])
        assert len(listed) == row["Actividades"]
        numbers = listed["Avance (%)"].dropna()
        assert len(numbers) == phases.loc[index, "Con avance"]
        average = phases.loc[index, queries.AVANCE]
        assert (pd.isna(average) and numbers.empty) or average == pytest.approx(numbers.mean())
    groups = totals.text_groups(queries.value_group_summary(con, filters), filters,
                                "grupo_valor", "Grupo de valor")
    assert groups["Actividades"].sum() == 3_000
    named = groups[groups["Grupo de valor"] != status.SIN_ESPECIFICAR]
    assert list(named["Actividades"]) == sorted(named["Actividades"], reverse=True)
    for index, row in groups.head(3).iterrows():
        assert len(behind(con, filters, row["_filtro"])) == row["Actividades"]


def test_totals_per_cutoff_are_what_a_click_lists(national):
    con, filters = national
    periods = queries.progress_by_period(con, filters)
    by_date = totals.progress_by_cutoff(periods)
    assert list(by_date["_corte"]) == sorted(set(periods["_corte"]))
    for index, row in by_date.iterrows():
        plans = periods[periods["_corte"] == row["_corte"]]
        assert row["Actividades"] == plans["Actividades"].sum()
        due = behind(con, filters, row["_filtro_programadas"])
        assert len(due) == plans["Programadas hasta el corte"].sum()
        done = behind(con, filters, row["_filtro_cumplidas"])
        assert len(done) == plans["Cumplidas al corte"].sum()
        with_number = behind(con, filters, row["_filtro"])
        assert with_number["Avance (%)"].mean() == pytest.approx(
            by_date.loc[index, queries.AVANCE])
    states = totals.states_by_cutoff(queries.states_by_period(con, filters))
    assert states["Actividades"].sum() == periods["Actividades"].sum()
    for index, row in states.sample(6, random_state=1).iterrows():
        assert len(behind(con, filters, row["_filtro"])) == row["Actividades"]


def test_lowest_keeps_the_least_advanced(national):
    con, filters = national
    comparison = queries.entity_comparison(con, filters)
    low = totals.lowest(comparison, 5)
    assert len(low) == 5
    rest = comparison[~comparison["Entidad"].isin(low["Entidad"])]
    assert low[queries.AVANCE].max() <= rest[queries.AVANCE].min()


@pytest.mark.parametrize("page, notes", [
    ("pages/resumen.py", ["La gráfica muestra las", "Las barras suman", "La línea es el avance"]),
    ("pages/fases.py", ["Las barras suman"]),
    ("pages/avance.py", ["Las barras suman", "La línea es el avance"]),
])
def test_pages_of_many_entities_say_what_they_draw(many, monkeypatch, page, notes):
    monkeypatch.setenv("TABLERO_DB", str(many))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page(page).run()
    assert not at.exception and not at.error
    captions = [c.value for c in at.caption]
    for note in notes:
        assert any(text.startswith(note) for text in captions), (note, captions)


def test_counts_on_bars_are_written_as_people_read_them(national):
    con, filters = national
    fig = charts.states(queries.states_summary(con, filters))
    bars = fig.data[0]
    assert list(bars.text) == [es_co.integer(value) for value in bars.y]
    assert any(len(text) > 3 and "." in text for text in bars.text)  # "2.345"


def metric_rows(at: AppTest) -> list[int]:
    """How many figures each row of metric boxes holds."""
    blocks = [node for node in at.main.children.values() if node.type == "flex_container"]
    return [len(block.children) for block in blocks if all(
        column.type == "column"
        and [child.type for child in column.children.values()] == ["metric"]
        for column in block.children.values())]


def test_a_countrywide_resumen_gives_each_figure_room(many, tmp_path, monkeypatch):
    monkeypatch.setenv("TABLERO_DB", str(many))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert at.metric[0].value == "3.000" and metric_rows(at) == [6]
    # six boxes in a row cut "100.000" short ("100.…"): two rows of three
    big = tmp_path / "grande.duckdb"
    synth.write_database(big, 100_000, entities=3)
    monkeypatch.setenv("TABLERO_DB", str(big))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert not at.exception and not at.error
    assert at.metric[0].value == "100.000" and metric_rows(at) == [3, 3]


def test_a_click_on_a_national_bar_lists_the_first_rows_and_downloads_all(
        national, many, monkeypatch):
    con, filters = national
    monkeypatch.setenv("TABLERO_DB", str(many))
    monkeypatch.setattr(tables, "MAX_ROWS", 100)
    st.cache_data.clear()
    states = totals.states(queries.states_summary(con, filters))
    biggest = states.sort_values("Actividades").iloc[-1]
    shown, total, what = drilldown.activities_behind(filters, biggest["_filtro"])
    assert total == biggest["Actividades"] > 100
    assert len(shown) == 100
    assert what == f"estado {status.ESTADO_LABELS[biggest['_estado']].lower()}"
    every = data.later(queries.activities_table, filters, biggest["_filtro"])()
    assert len(every) == total
    assert list(every["_id"][:100]) == list(shown["_id"])


def test_states_by_cutoff_sums_in_sql_what_the_chart_summed(many, db_path):
    """Avance draws the totals per cut-off for many entities from
    queries.states_by_cutoff: the very table totals.states_by_cutoff makes of
    the per-entity rows, on whole plans and within them."""
    for path in (many, db_path):
        with closing(store.Database(path).cursor()) as con:
            phases = queries.options(con, Filters(), "fase")
            cortes = list(queries.corte_options(con, Filters())["_corte"])
            views = [Filters(), Filters(corte=cortes[-1]), Filters(fase=tuple(phases[:2])),
                     Filters(estado=("vencida",), texto="a"),
                     Filters(vigencia=(queries.options(con, Filters(), "vigencia")[0],))]
            for filters in views:
                expected = totals.states_by_cutoff(queries.states_by_period(con, filters))
                pd.testing.assert_frame_equal(queries.states_by_cutoff(con, filters), expected,
                                              obj=str(filters))


def test_avance_draws_the_summed_states(many, monkeypatch):
    monkeypatch.setenv("TABLERO_DB", str(many))
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at.switch_page("pages/avance.py").run()
    assert not at.exception and not at.error
    # Programado frente a cumplido has its table by cut-off (in an expander); the
    # chart of states per cut-off has none: its note does not promise one.
    assert [c.value for c in at.caption if c.value.startswith("Las barras suman")] == [
        f"Las barras suman las {ENTITIES} entidades elegidas; la tabla trae cada entidad. "
        f"Elija hasta {charts.NAMED_LINES} entidades en la barra lateral para compararlas en "
        "la gráfica.",
        f"Las barras suman las {ENTITIES} entidades elegidas. Elija hasta "
        f"{charts.NAMED_LINES} entidades en la barra lateral para compararlas en la gráfica."]


def test_totals_of_many_entities_are_summed_in_sql(many, db_path):
    """Resumen draws the totals of many entities from queries.states_totals and
    semaforo_totals, the rendición de cuentas from phase_totals and office_totals:
    the very tables totals.* made of the per-entity rows."""
    for path in (many, db_path):
        with closing(store.Database(path).cursor()) as con:
            phases = queries.options(con, Filters(), "fase")
            views = [Filters(), Filters(fase=tuple(phases[:2])), Filters(texto="a"),
                     Filters(estado=("vencida", "cumplida")),
                     Filters(umbrales=Umbrales(rojo=30, verde=90)),
                     Filters(corte=list(queries.corte_options(con, Filters())["_corte"])[-1])]
            for filters in views:
                pd.testing.assert_frame_equal(
                    queries.states_totals(con, filters),
                    totals.states(queries.states_summary(con, filters)), obj=str(filters))
                pd.testing.assert_frame_equal(
                    queries.semaforo_totals(con, filters),
                    totals.semaforo_colours(queries.semaforo_summary(con, filters)),
                    obj=str(filters))
                # every page's header: the two columns of the comparison it reads
                pd.testing.assert_frame_equal(
                    queries.last_reports(con, filters),
                    queries.entity_comparison(con, filters)[["Entidad", "Último seguimiento"]],
                    obj=str(filters))
                # and the rendición de cuentas' phase and office screens of many entities
                pd.testing.assert_frame_equal(
                    queries.phase_totals(con, filters),
                    totals.phases(queries.phase_summary(con, filters), filters), obj=str(filters))
                by_office = totals.text_groups(queries.office_ranking(con, filters), filters,
                                               "dependencia", "Dependencia")
                offices = queries.office_totals(con, filters).reset_index(drop=True)
                # the least advanced first; ties by name (the ranking's own order)
                assert offices.equals(_least_advanced_first(offices)), str(filters)
                pd.testing.assert_frame_equal(offices, _least_advanced_first(by_office),
                                              obj=str(filters))


def _least_advanced_first(df: pd.DataFrame) -> pd.DataFrame:
    order = df.assign(_sin=df["Avance promedio (%)"].isna(),
                      _avance=df["Avance promedio (%)"].round(9))
    return order.sort_values(["_sin", "_avance", "Vencidas", "Sin reporte", "Dependencia"],
                             ascending=[True, True, False, False, True], kind="stable").drop(
        columns=["_sin", "_avance"]).reset_index(drop=True)
