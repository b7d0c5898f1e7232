"""Every page in Streamlit's AppTest, on the known database of conftest.py.

Widgets are found by their ``key=``. AppTest cannot click a Plotly bar nor read
the bytes behind a download button: those are tested through the functions
behind them (the drill-down filter of a bar, the export of the shown table)
here, and for real in tests/test_browser.py.
"""
from __future__ import annotations

import json
import sys
import types
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_layer import export, queries, store
from data_layer.filters import Filters
from tests.conftest import CARTAGO, ROOT, SANATORIO, build_database
from ui import drilldown, tables

ALL_PAGES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py"))
ADMIN_PAGES = ["pages/cargar.py"]  # tested in tests/test_admin.py, behind the login
PAGES = [page for page in ALL_PAGES if page not in ADMIN_PAGES]
TIMEOUT = 30  # AppTest's default of 3 s is too short for a cold first run


@pytest.fixture()
def app(app_env) -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def sentence(at: AppTest) -> str:
    return next(info.value for info in at.info if info.value.startswith("Mostrando"))


def test_every_page_file_is_in_the_navigation():
    text = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    assert all(f'"{page}"' in text for page in ALL_PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_error(app, page):
    app.switch_page(page).run()
    assert_clean(app)
    assert app.title, "every page has a title"
    assert sentence(app).startswith("Mostrando 18 actividades de todas las entidades")


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_one_entity(app, page):
    app.multiselect(key="f_entidad").set_value([SANATORIO]).run()
    app.switch_page(page).run()
    assert_clean(app)


def test_every_chart_draws_with_the_plotly_white_parts_it_reads(app):
    """The charts carry a cut of Plotly's "plotly_white" (ui.charts.TEMPLATE):
    the same values for every part a 2-D chart reads, a template for every
    trace type drawn, and a fraction of the bytes of the whole one."""
    import plotly.io as pio

    from ui import charts

    white = pio.templates["plotly_white"].to_plotly_json()
    kinds, charted = set(), 0
    for page in PAGES:
        app.switch_page(page).run()
        assert_clean(app)
        for element in app.get("plotly_chart"):
            spec = json.loads(element.proto.spec)
            template = spec["layout"]["template"]
            assert template["layout"] == {key: white["layout"][key]
                                          for key in charts.TEMPLATE_LAYOUT}
            assert template["data"] == {kind: white["data"][kind]
                                        for kind in charts.TEMPLATE_TRACES}
            assert len(json.dumps(template)) < len(json.dumps(white)) / 4
            kinds |= {trace.get("type", "scatter") for trace in spec["data"]}
            charted += 1
    assert charted >= 12 and kinds == set(charts.TEMPLATE_TRACES), (charted, kinds)


def test_the_keyboard_list_of_a_line_chart_speaks_of_points(app):
    """Under each chart, the list a keyboard reaches names what the chart has:
    bars, or the points of a line (Avance promedio acumulado)."""
    app.switch_page("pages/avance.py").run()
    assert_clean(app)
    labels = {box.key.split("__")[0]: (box.label, box.placeholder) for box in app.selectbox
              if box.key and "__teclado__" in box.key}
    assert labels["avance_promedio"] == (
        "Ver las actividades de un punto", "Elija un punto de la gráfica (también con el teclado)…")
    assert labels["avance_programado"] == (
        "Ver las actividades de una barra", "Elija una barra de la gráfica (también con el teclado)…")
    assert labels["avance_estados"][0] == "Ver las actividades de una barra"


def test_resumen_figures_follow_the_filters(app):
    app.multiselect(key="f_entidad").set_value([SANATORIO]).run()
    assert_clean(app)
    assert metrics(app) == {"Actividades": "9", "Avance general": "0,0 %", "Cumplidas": "0",
                            "Vencidas": "6", "Sin reporte": "0", "No programadas": "3"}
    assert sentence(app) == ("Mostrando 9 actividades de Sanatorio de Contratación ESE, "
                             "corte 31/03/2022.")
    assert any("no entran en el promedio 3 no programadas." in md.value
               for md in app.markdown)

    app.multiselect(key="f_fase").set_value(["transversal"]).run()
    assert metrics(app)["Actividades"] == "6"
    assert metrics(app)["No programadas"] == "1"

    app.multiselect(key="f_fase").set_value([]).run()
    app.multiselect(key="f_dependencia").set_value(["Programa Hansen"]).run()
    assert metrics(app) == {"Actividades": "3", "Avance general": "0,0 %", "Cumplidas": "0",
                            "Vencidas": "1", "Sin reporte": "0", "No programadas": "2"}


def test_changing_entity_and_corte(app):
    app.multiselect(key="f_entidad").set_value([CARTAGO]).run()
    assert app.selectbox(key="f_corte").value == date(2024, 12, 31)  # the latest
    assert metrics(app)["Avance general"] == "89,4 %"
    app.selectbox(key="f_corte").set_value(date(2024, 9, 30)).run()
    assert_clean(app)
    assert metrics(app) == {"Actividades": "9", "Avance general": "75,0 %", "Cumplidas": "2",
                            "Vencidas": "1", "Sin reporte": "1", "No programadas": "1"}
    # A corte that the new entity does not have falls back to its latest.
    app.multiselect(key="f_entidad").set_value([SANATORIO]).run()
    assert app.selectbox(key="f_corte").value == date(2022, 3, 31)


def test_several_entities_are_compared(app):
    assert_clean(app)
    assert any(sub.value == "Comparación entre entidades" for sub in app.subheader)
    app.multiselect(key="f_entidad").set_value([CARTAGO]).run()
    assert not any(sub.value == "Comparación entre entidades" for sub in app.subheader)


def test_url_restores_the_filters(app_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params = {"entidad": [CARTAGO], "corte": "2024-09-30", "fase": ["diagnostico"]}
    at.run()
    assert_clean(at)
    assert at.multiselect(key="f_entidad").value == [CARTAGO]
    assert at.multiselect(key="f_fase").value == ["diagnostico"]
    assert metrics(at) == {"Actividades": "3", "Avance general": "85,0 %", "Cumplidas": "1",
                           "Vencidas": "1", "Sin reporte": "1", "No programadas": "0"}
    # ... and the app writes the filters back into the URL.
    assert at.query_params["entidad"] == [CARTAGO] or at.query_params["entidad"] == CARTAGO
    assert at.query_params["corte"] in ("2024-09-30", ["2024-09-30"])


def test_clear_filters(app):
    app.multiselect(key="f_entidad").set_value([SANATORIO]).run()
    app.text_input(key="f_texto").set_value("hansen").run()
    assert metrics(app)["Actividades"] == "3"
    app.button(key="f_limpiar").click().run()
    assert metrics(app)["Actividades"] == "18"
    assert app.multiselect(key="f_entidad").value == []


def test_no_match_explains_itself(app):
    app.text_input(key="f_texto").set_value("ninguna actividad dice esto").run()
    assert_clean(app)
    assert any("Ninguna actividad cumple estos filtros" in info.value for info in app.info)
    assert not app.get("plotly_chart")


def test_thresholds_recolour_the_ranking(app):
    app.multiselect(key="f_entidad").set_value([CARTAGO]).run()
    app.selectbox(key="f_corte").set_value(date(2024, 9, 30)).run()
    app.switch_page("pages/dependencias.py").run()
    assert list(app.dataframe[0].value["Semáforo"]) == ["■ Rojo", "▲ Amarillo", "● Verde"]
    app.slider(key="f_umbrales").set_value((50, 79)).run()
    assert_clean(app)
    assert list(app.dataframe[0].value["Semáforo"]) == ["▲ Amarillo", "● Verde", "● Verde"]
    assert sentence(app).endswith("semáforo con rojo por debajo de 50 % y verde desde 79 %.")


def test_shown_table_is_what_downloads(app, db_path):
    app.multiselect(key="f_entidad").set_value([CARTAGO]).run()
    app.selectbox(key="f_corte").set_value(date(2024, 9, 30)).run()
    app.switch_page("pages/actividades.py").run()
    assert_clean(app)
    on_screen = app.dataframe[0].value
    filters = Filters(entidad=(CARTAGO,), corte=date(2024, 9, 30))
    with store.Database(db_path).cursor() as con:
        table = tables.shown(queries.activities_table(con, filters))
    pd.testing.assert_frame_equal(on_screen.reset_index(drop=True),
                                  table.reset_index(drop=True), check_dtype=False)
    description = sentence(app)
    assert description == filters.describe(len(table))
    csv_text = export.to_csv_bytes(table, description).decode("utf-8-sig")
    assert csv_text.startswith(";".join(table.columns) + "\r\n")  # the header first
    assert len(csv_text.strip().split("\r\n")) == 1 + len(on_screen)


@pytest.mark.parametrize("page", ["pages/actividades.py", "pages/avance.py",
                                  "pages/calidad.py"])
def test_short_tables_are_shown_whole(app, page):
    """Below ui.tables.MAX_ROWS rows a table is drawn whole, with no note about it."""
    app.switch_page(page).run()
    assert_clean(app)
    assert not any(caption.value.startswith("Se muestran") for caption in app.caption)
    assert not any(caption.value.startswith("La lista ofrece") for caption in app.caption)
    excel = [button.proto for button in app.get("download_button")
             if button.proto.label == "Descargar Excel"]
    assert excel and not any(button.disabled for button in excel)
    if page == "pages/actividades.py":
        assert len(app.dataframe[0].value) == 18
        options = app.selectbox(key="detalle_actividad").options
        assert len(options) == 18
        assert not any(option.startswith("nan") for option in options)


def test_activity_detail(app):
    app.multiselect(key="f_entidad").set_value([CARTAGO]).run()
    app.switch_page("pages/actividades.py").run()
    app.selectbox(key="detalle_actividad").set_value(14).run()
    assert_clean(app)
    assert any(md.value.startswith("#### Diseñar instrumento") for md in app.markdown)
    assert metrics(app)["Estado al corte"] == "Vencida"
    history = app.dataframe[1].value
    assert list(history["Vigente"]) == ["Sí", "No (corregida después)", "Sí", "Sí", "Sí"]


def test_drill_down_lists_the_activities_of_a_clicked_bar(app, db_path):
    """What happens on a click, through the functions behind it: the bar's
    customdata holds its filter, and that filter lists its activities."""
    app.multiselect(key="f_entidad").set_value([CARTAGO]).run()
    app.selectbox(key="f_corte").set_value(date(2024, 9, 30)).run()
    app.switch_page("pages/dependencias.py").run()
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    bar = figure["data"][0]
    point = {"customdata": bar["customdata"][1], "y": bar["y"][1]}  # the second bar
    selected = drilldown.selected_filter([point])
    assert selected is not None
    filters = Filters(entidad=(CARTAGO,), corte=date(2024, 9, 30))
    with store.Database(db_path).cursor() as con:
        behind = queries.activities_table(con, filters, selected)
    assert list(behind["Código"]) == ["1", "2", "4", "5", "6", "8", "9"]
    assert drilldown.selected_filter([]) is None
    assert drilldown.selected_filter([{"x": "sin customdata"}]) is None


def test_charts_use_category_axes_and_es_co_separators(app):
    app.switch_page("pages/avance.py").run()
    for chart in app.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        assert figure["layout"]["separators"] == ",."
        assert all(trace.get("customdata") for trace in figure["data"])


# ------------------------------------------------------------- first start


@pytest.fixture()
def fake_loader(monkeypatch):
    """Stand-in for data_layer.loader (written by another engineer)."""
    import data_layer

    module = types.ModuleType("data_layer.loader")
    monkeypatch.setitem(sys.modules, "data_layer.loader", module)
    monkeypatch.setattr(data_layer, "loader", module, raising=False)
    return module


def test_first_start_builds_the_database(tmp_path, monkeypatch, fake_loader):
    target = tmp_path / "nueva" / "tablero.duckdb"
    calls = []

    def ensure_database(path: Path) -> None:
        calls.append(Path(path))
        build_database(Path(path))

    fake_loader.ensure_database = ensure_database
    monkeypatch.setenv("TABLERO_DB", str(target))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    assert_clean(at)
    assert calls == [target]
    assert metrics(at)["Actividades"] == "18"


def test_a_failing_first_start_explains_itself(tmp_path, monkeypatch, fake_loader):
    def ensure_database(path: Path) -> None:
        raise RuntimeError("sample_data/ no existe")

    fake_loader.ensure_database = ensure_database
    monkeypatch.setenv("TABLERO_DB", str(tmp_path / "tablero.duckdb"))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "No se pudo construir la base de datos a partir de los planes de ejemplo (carpeta "
        f"sample_data/). Revise el registro del servidor; la base esperada es "
        f"{tmp_path / 'tablero.duckdb'}."]


def test_an_empty_database_explains_itself(tmp_path, monkeypatch):
    path = tmp_path / "vacia.duckdb"
    with store.write_transaction(path):
        pass
    monkeypatch.setenv("TABLERO_DB", str(path))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    assert_clean(at)
    assert any(info.value.startswith("Aún no hay planes cargados") for info in at.info)


@pytest.fixture()
def not_followed_up(db_path, tmp_path, monkeypatch):
    """The known plans before any follow-up file: no readings at all."""
    copy = tmp_path / "sin_seguimiento.duckdb"
    copy.write_bytes(db_path.read_bytes())
    with store.write_transaction(copy) as con:
        con.execute("DELETE FROM reading")
    monkeypatch.setenv("TABLERO_DB", str(copy))
    return copy


@pytest.mark.parametrize("page", PAGES)
def test_plans_without_follow_up_explain_themselves(not_followed_up, page):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    at.switch_page(page).run()
    assert_clean(at)
    assert at.selectbox(key="f_corte_vacio").disabled
    if page == "pages/resumen.py":
        assert metrics(at)["Avance general"] == "Sin dato"
        assert metrics(at)["Actividades"] == "18"
    if page == "pages/avance.py":
        assert any("aún no tienen ningún corte" in info.value for info in at.info)
