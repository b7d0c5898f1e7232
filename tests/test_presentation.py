"""The rendición de cuentas presentation in AppTest, on the known database.

Every screen for Sanatorio and for Cartago renders with no exception, with the
entity and the cut-off on it; the buttons (and the hidden PageDown/PageUp
ones a presenter's clicker uses) move between screens; the PDF button is
there and the function behind it makes the PDF; every chart of every page
keeps Plotly's PNG button with a meaningful file name. What a person sees
at 1366×768 is checked in tests/test_browser_presentation.py.
"""
from __future__ import annotations

import json
from datetime import date

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from data_layer import es_co, store
from data_layer.filters import Filters
from data_layer.report import build, screens
from tests.conftest import CARTAGO, ROOT, SANATORIO
from ui import presentation

PAGE = "pages/presentacion.py"
TIMEOUT = 30
SCREEN = presentation.SCREEN_KEY


@pytest.fixture()
def app(app_env) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    return at.switch_page(PAGE).run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def expected_screens(db_path, filters: Filters, full: bool = False) -> list[screens.Screen]:
    with store.Database(db_path).cursor() as con:
        return screens.screens(build(con, filters), presentation.FIT[full])


def band(at: AppTest) -> str:
    """The line with the entity, the plan and the cut-off."""
    return next(md.value for md in at.markdown if "Plan de Participación Ciudadana" in md.value
                and "Corte:" in md.value)


@pytest.mark.parametrize(("entity", "corte"), [
    (SANATORIO, date(2022, 3, 31)),
    (CARTAGO, date(2024, 12, 31)),
])
def test_every_screen_renders_with_entity_and_cut_off(app, app_env, entity, corte):
    app.multiselect(key="f_entidad").set_value([entity]).run()
    expected = expected_screens(app_env, Filters(entidad=(entity,), corte=corte))
    assert app.selectbox(key=SCREEN).options == [f"{n}. {s.title}"
                                                  for n, s in enumerate(expected, 1)]
    for number, screen in enumerate(expected, start=1):
        app.selectbox(key=SCREEN).set_value(screen.key).run()
        assert_clean(app)
        assert [title.value for title in app.title] == [screen.title]
        line = band(app)
        assert line.startswith(f"**{entity}**")
        assert f"**Corte: {es_co.date_text(corte)}**" in line
        assert any(md.value == f"{number} / {len(expected)}" for md in app.markdown)
    topics = [s.topic for s in expected]
    assert topics[:5] == ["portada", "estado", "fases", "dependencias", "trimestres"]
    assert {"cumplidas", "dificultades", "proximos"} <= set(topics)


def test_the_screens_show_the_dashboards_figures(app):
    app.multiselect(key="f_entidad").set_value([CARTAGO]).run()
    app.selectbox(key="f_corte").set_value(date(2024, 9, 30)).run()
    app.selectbox(key=SCREEN).set_value("estado-1").run()
    assert {m.label: m.value for m in app.metric} == {
        "Actividades": "9", "Cumplidas": "2", "En curso": "4", "Vencidas": "1",
        "Sin reporte": "1", "No programadas": "1"}  # as on Resumen (tests/test_pages.py)
    assert any("75,0 %" in md.value and "Amarillo" in md.value for md in app.markdown)
    assert any(md.value.startswith("**Cómo se calculó:** Promedio simple de 7 actividades")
               for md in app.markdown)
    app.selectbox(key=SCREEN).set_value("dificultades-1").run()
    assert any("Diseñar instrumento de caracterización" in md.value for md in app.markdown)


def test_buttons_and_clicker_keys_move_between_screens(app, app_env):
    app.multiselect(key="f_entidad").set_value([SANATORIO]).run()
    keys = [s.key for s in expected_screens(app_env, Filters(entidad=(SANATORIO,)))]
    assert app.session_state[SCREEN] == keys[0]
    assert app.button(key="pres_anterior").disabled
    app.button(key="pres_siguiente").click().run()
    assert app.session_state[SCREEN] == keys[1]
    app.button(key="pres_avpag").click().run()  # PageDown
    assert app.session_state[SCREEN] == keys[2]
    app.button(key="pres_repag").click().run()  # PageUp
    app.button(key="pres_anterior").click().run()
    assert app.session_state[SCREEN] == keys[0]
    app.selectbox(key=SCREEN).set_value(keys[-1]).run()
    assert app.button(key="pres_siguiente").disabled
    assert_clean(app)


def test_a_remembered_screen_follows_the_filters(app):
    """The topic survives a change of filters even when its number of parts changes."""
    app.multiselect(key="f_entidad").set_value([SANATORIO]).run()
    app.selectbox(key=SCREEN).set_value("dificultades-2").run()  # 6 vencidas: two screens
    app.multiselect(key="f_entidad").set_value([CARTAGO]).run()  # 2 vencidas: one
    assert app.session_state[SCREEN] == "dificultades-1"
    assert_clean(app)


def test_pantalla_completa_hides_the_sidebar_and_comes_back(app):
    def hidden() -> bool:
        return any("[data-testid=\"stSidebar\"]" in h.proto.body for h in app.get("html"))

    assert not hidden()
    app.button(key="pres_completa").click().run()
    assert hidden() and app.session_state[presentation.FULL_KEY]
    assert_clean(app)
    app.button(key="pres_completa").click().run()
    assert not hidden()


def test_all_entities_and_no_match(app):
    assert app.info[0].value.startswith("Mostrando 18 actividades de todas las entidades")
    assert any("elija una sola entidad" in c.value for c in app.caption)
    app.text_input(key="f_texto").set_value("ninguna actividad dice esto").run()
    assert_clean(app)
    assert any("Ninguna actividad cumple estos filtros" in i.value for i in app.info)


@pytest.fixture()
def not_followed_up(db_path, tmp_path, monkeypatch):
    copy = tmp_path / "sin_seguimiento.duckdb"
    copy.write_bytes(db_path.read_bytes())
    with store.write_transaction(copy) as con:
        con.execute("DELETE FROM reading")
    monkeypatch.setenv("TABLERO_DB", str(copy))
    return copy


def test_plans_without_follow_up_explain_themselves(not_followed_up):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    at.switch_page(PAGE).run()
    options = at.selectbox(key=SCREEN).options
    for index in range(len(options)):
        key = expected_screens(not_followed_up, Filters())[index].key
        at.selectbox(key=SCREEN).set_value(key).run()
        assert_clean(at)
        assert "Corte: sin seguimiento todavía" in band(at)
    at.selectbox(key=SCREEN).set_value("trimestres-1").run()
    assert any("aún no tienen ningún corte" in i.value for i in at.info)


def test_the_pdf_button_makes_the_pdf_of_the_filters(app, app_env):
    app.multiselect(key="f_entidad").set_value([CARTAGO]).run()
    assert "Informe PDF" in [b.proto.label for b in app.get("download_button")]
    # AppTest cannot read the bytes behind the button: the function behind it.
    filters = Filters(entidad=(CARTAGO,), corte=date(2024, 12, 31))
    data = presentation._pdf(store.Database(app_env), filters)
    reader = PdfReader(__import__("io").BytesIO(data))
    assert CARTAGO in reader.pages[0].extract_text()
    app.switch_page("pages/resumen.py").run()
    assert "Descargar informe PDF" in [b.proto.label for b in app.get("download_button")]


# ----------------------------------------------------------- PNG of every chart


PAGES = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "pages").glob("*.py")
               if path.name != "cargar.py")


def test_every_chart_on_every_page_downloads_as_a_named_png(app, app_env):
    app.multiselect(key="f_entidad").set_value([CARTAGO]).run()
    names = []
    for page in PAGES:
        app.switch_page(page).run()
        targets = [None] if page != PAGE else \
            [s.key for s in expected_screens(app_env, Filters(entidad=(CARTAGO,)))]
        for target in targets:
            if target:
                app.selectbox(key=SCREEN).set_value(target).run()
            for chart in app.get("plotly_chart"):
                config = json.loads(chart.proto.config)
                assert "toImage" not in config.get("modeBarButtonsToRemove", [])
                image = config["toImageButtonOptions"]
                assert image["format"] == "png"
                names.append(image["filename"])
    assert len(names) >= 12
    assert all(name.endswith("_alcaldia_de_cartago_2024-12-31") for name in names), names
    assert "avance_por_dependencia_alcaldia_de_cartago_2024-12-31" in names
    assert "dependencias_alcaldia_de_cartago_2024-12-31" in names
