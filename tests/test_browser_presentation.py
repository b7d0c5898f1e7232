"""The rendición de cuentas presentation in a real browser, over the sample plans.

At 1366×768 (a common projector), for Sanatorio, for Cartago (its illustrative
follow-up) and for Candelaria (not followed up; long lists of offices), every
screen is reached with the keyboard and with the buttons, in "pantalla completa"
(how it is projected) and beside the sidebar: no error, and the content fits the
window — nothing to scroll, nothing cut off at the right. Screenshots go to
tests/screenshots/presentacion_*.png: look at them. On a phone (390×844) the
screens stack with no sideways scrolling. The chart camera and the PDF button
download files named after the entity and the cut-off.
"""
from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from data_layer import loader, store
from data_layer.filters import Filters
from data_layer.report import build, screens
from tests.browser_support import CHROMIUM, serve
from tests.conftest import ROOT, SANATORIO
from ui import presentation

pytestmark = pytest.mark.browser

SHOTS = ROOT / "tests" / "screenshots"
CARTAGO = "Alcaldía de Cartago (EJEMPLO ILUSTRATIVO)"
CANDELARIA = "Municipio de Candelaria"
PROJECTOR = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TOLERANCE = 2  # pixels (rounding of fractional layout)

MEASURE = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const box = document.querySelector('.st-key-presentacion').getBoundingClientRect();
  const charts = [...document.querySelectorAll('.st-key-presentacion .js-plotly-plot')]
      .map(chart => chart.getBoundingClientRect().right);
  return {height: main.scrollHeight, width: Math.max(main.scrollWidth,
          document.scrollingElement.scrollWidth), bottom: box.bottom, right: box.right,
          charts: Math.max(0, ...charts), vw: window.innerWidth, vh: window.innerHeight};
}"""


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("muestra") / "db.duckdb"
    loader.ensure_database(path)
    return path


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("no está /usr/bin/chromium (apt-get install chromium)")
    SHOTS.mkdir(exist_ok=True)
    for old in SHOTS.glob("presentacion_*.png"):  # only this run's screens to look at
        old.unlink()
    with serve(sample_db, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


def open_presentation(browser, server, entity: str, viewport: dict):
    context = browser.new_context(viewport=viewport, locale="es-CO", accept_downloads=True)
    tab = context.new_page()
    tab.goto(f"{server}/presentacion?{urlencode({'entidad': entity})}")
    tab.get_by_role("heading", name="Rendición de cuentas").first.wait_for(timeout=60_000)
    wait_idle(tab)
    return context, tab


def wait_idle(tab) -> None:
    tab.wait_for_timeout(250)
    tab.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=30_000)
    tab.wait_for_timeout(450)  # charts finish drawing


def title(tab) -> str:
    return tab.locator(".st-key-pres_contenido h1").first.inner_text()


def expect_title(tab, text: str, moved_from: str | None = None) -> None:
    """Wait for the screen titled ``text`` (a key press reaches the server a
    moment later: on a loaded machine, later than one idle check), then idle."""
    heading = tab.locator(".st-key-pres_contenido h1").first
    if moved_from is not None:
        expect(heading).not_to_have_text(moved_from, timeout=30_000)
    else:
        expect(heading).to_have_text(text, timeout=30_000)
    wait_idle(tab)


def assert_no_error(tab) -> None:
    assert tab.locator("[data-testid='stException']").count() == 0
    assert tab.locator("[data-testid='stAlertContentError']").count() == 0


def expected(sample_db, entity: str, full: bool = False) -> list[screens.Screen]:
    with store.Database(sample_db).cursor() as con:
        return screens.screens(build(con, Filters(entidad=(entity,))), presentation.FIT[full])


def next_screen(tab, number: int) -> None:
    """Alternately the → key (with the focus out of any field) and the button."""
    if number % 2:
        tab.locator(".st-key-pres_banda").click()
        tab.keyboard.press("ArrowRight")
    else:
        tab.get_by_role("button", name="Siguiente").click()
    wait_idle(tab)
    tab.mouse.move(5, PROJECTOR["height"] - 5)  # no tooltip in the screenshot


@pytest.mark.parametrize(("name", "entity", "mode"), [
    ("sanatorio", SANATORIO, "completa"), ("sanatorio", SANATORIO, "normal"),
    ("cartago", CARTAGO, "completa"), ("cartago", CARTAGO, "normal"),
    # No follow-up yet, and thirteen offices named on every activity.
    ("candelaria", CANDELARIA, "normal"),
])
def test_every_screen_fits_a_projector(server, browser, sample_db, name, entity, mode):
    context, tab = open_presentation(browser, server, entity, PROJECTOR)
    if mode == "completa":
        tab.get_by_role("button", name="Pantalla completa").click()
        wait_idle(tab)
        assert tab.locator("[data-testid='stSidebar']").is_hidden()
    all_screens = expected(sample_db, entity, full=mode == "completa")
    for number, screen in enumerate(all_screens, start=1):
        if number > 1:
            next_screen(tab, number)
        expect_title(tab, screen.title)
        assert_no_error(tab)
        band = tab.locator(".st-key-pres_banda").inner_text()
        assert entity in band and "Corte: " in band and f"{number} / {len(all_screens)}" in band
        tab.screenshot(path=SHOTS / f"presentacion_{name}_{mode}_{number:02d}.png")  # first:
        size = tab.evaluate(MEASURE)  # a screen that does not fit can be looked at
        where = f"{screen.title} ({mode}): {size}"
        assert size["height"] <= size["vh"] + TOLERANCE, f"hay que desplazarse: {where}"
        assert size["bottom"] <= size["vh"] + TOLERANCE, where
        assert size["width"] <= size["vw"] and size["right"] <= size["vw"] + TOLERANCE, where
        assert size["charts"] <= size["vw"], where
    assert tab.get_by_role("button", name="Siguiente").is_disabled()
    context.close()


def test_a_phone_stacks_the_screens_without_sideways_scrolling(server, browser, sample_db):
    context, tab = open_presentation(browser, server, CARTAGO, PHONE)
    # The sidebar starts closed on a phone (dashboard.py: initial_sidebar_state="auto").
    assert tab.locator("[data-testid='stExpandSidebarButton']").is_visible()
    all_screens = expected(sample_db, CARTAGO)
    for number, screen in enumerate(all_screens, start=1):
        if number > 1:
            tab.get_by_role("button", name="Siguiente").click()
        expect_title(tab, screen.title)
        assert_no_error(tab)
        size = tab.evaluate(MEASURE)
        assert size["width"] <= PHONE["width"], f"{screen.title}: {size}"
        assert size["right"] <= PHONE["width"] + TOLERANCE, f"{screen.title}: {size}"
        if screen.topic in ("estado", "fases", "trimestres", "dificultades"):
            tab.set_viewport_size({"width": PHONE["width"], "height": int(size["height"]) + 10})
            wait_idle(tab)
            tab.screenshot(path=SHOTS / f"presentacion_telefono_{number:02d}.png")
            tab.set_viewport_size(PHONE)
            wait_idle(tab)
    context.close()


def test_clicker_keys_move_and_typing_does_not(server, browser):
    context, tab = open_presentation(browser, server, SANATORIO, PROJECTOR)
    tab.keyboard.press("PageDown")
    expect_title(tab, "Estado general del plan")
    tab.keyboard.press("PageDown")
    expect_title(tab, "", moved_from="Estado general del plan")
    tab.keyboard.press("PageUp")
    expect_title(tab, "Estado general del plan")
    tab.get_by_placeholder("p. ej. caracterización").click()  # the sidebar's search box
    tab.keyboard.press("ArrowRight")
    wait_idle(tab)
    assert title(tab) == "Estado general del plan"
    tab.locator(".st-key-pres_banda").click()
    tab.keyboard.press("ArrowLeft")
    expect_title(tab, "Rendición de cuentas")
    context.close()


def test_chart_png_and_report_pdf_download_named_by_entity_and_cut_off(server, browser,
                                                                        tmp_path):
    context, tab = open_presentation(browser, server, CARTAGO, PROJECTOR)
    for _ in range(2):  # to the phase chart
        tab.get_by_role("button", name="Siguiente").click()
        wait_idle(tab)
    tab.locator(".js-plotly-plot").first.hover()
    with tab.expect_download() as png:
        tab.locator(".modebar-btn[data-title='Descargar la gráfica como PNG']").first.click()
    assert png.value.suggested_filename == \
        "avance_por_fase_alcaldia_de_cartago_ejemplo_ilustrativo_2024-12-31.png"
    png.value.save_as(tmp_path / "grafica.png")
    assert (tmp_path / "grafica.png").read_bytes().startswith(b"\x89PNG")

    with tab.expect_download(timeout=60_000) as pdf:
        tab.get_by_role("button", name="Informe PDF").click()
    assert pdf.value.suggested_filename == \
        "informe_alcaldia_de_cartago_ejemplo_ilustrativo_2024-12-31.pdf"
    pdf.value.save_as(tmp_path / "informe.pdf")
    reader = PdfReader(io.BytesIO((tmp_path / "informe.pdf").read_bytes()))
    assert len(reader.pages) >= 4
    assert CARTAGO in reader.pages[0].extract_text()
    context.close()
