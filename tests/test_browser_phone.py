"""The dashboard on a phone (390 × 844, an iPhone 12–15) and on a laptop
(1366 × 768), in a real browser over the database a first start builds from
sample_data/.

On a phone the filter sidebar starts closed (on load and after moving to
another page) and a «Filtros» button opens it; nothing is wider than the
screen; the activities table starts with the activity and its state. On both
sizes no chart label is cut at the edge of its chart and the «Avance general»
card says «Sin dato» whole. Screenshots go to tests/screenshots/ (look at them).
"""
from __future__ import annotations

import pytest

from tests.browser_support import (CHROMIUM, VIEWER_PAGES, idle, open_page,
                                   serve_sample)
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SHOTS = ROOT / "tests" / "screenshots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
PAGES = VIEWER_PAGES
# The sample plan that has no follow-up yet: its average is «Sin dato».
WITHOUT_FOLLOW_UP = "?entidad=Municipio+de+Candelaria"

# Chart texts (bar labels, ticks, legends, annotations) that stick out of their chart.
CUT_LABELS = """() => [...document.querySelectorAll('.stPlotlyChart')].flatMap(chart => {
  const svg = chart.querySelector('svg.main-svg');
  if (!svg) return [];
  const box = svg.getBoundingClientRect();
  return [...chart.querySelectorAll('svg text')]
    .filter(text => text.textContent.trim() && text.getBoundingClientRect().width > 0)
    .filter(text => {
      const r = text.getBoundingClientRect();
      return r.left < box.left - 1 || r.right > box.right + 1;
    })
    .map(text => text.textContent);
})"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("no está /usr/bin/chromium (apt-get install chromium)")
    with serve_sample(tmp_path_factory.mktemp("telefono")) as url:
        yield url


@pytest.fixture()
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="es-CO", is_mobile=True,
                                  has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture()
def laptop(browser):
    context = browser.new_context(viewport=LAPTOP, locale="es-CO")
    yield context.new_page()
    context.close()




def sidebar_open(tab) -> bool:
    """Whether any of the sidebar is on screen."""
    return tab.evaluate("""() => {
      const bar = document.querySelector("[data-testid='stSidebar']");
      if (!bar) return false;
      const box = bar.getBoundingClientRect();
      return box.width > 0 && box.right > 0;
    }""")


def overflow(tab) -> int:
    """How many pixels the document is wider than the screen."""
    return tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def show_charts(tab) -> None:
    """Scroll every chart into view (Plotly draws its labels once visible)."""
    tab.locator(".stPlotlyChart svg.main-svg").first.wait_for(timeout=30_000)
    charts = tab.locator(".stPlotlyChart")
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()
    tab.wait_for_timeout(500)


@pytest.mark.parametrize(("path", "title"), PAGES)
def test_every_page_fits_a_phone_with_the_filters_closed(server, phone, path, title):
    open_page(phone, f"{server}/{path}", title)
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=SHOTS / f"telefono_{path or 'resumen'}.png")
    assert not sidebar_open(phone), f"{title}: la barra de filtros tapa la página al cargar"
    assert overflow(phone) <= 0, f"{title}: la página es {overflow(phone)} px más ancha que el teléfono"
    assert phone.locator("[data-testid='stException']").count() == 0


def test_filtros_opens_the_sidebar_and_it_closes_after_navigating(server, phone):
    open_page(phone, server, "Resumen")
    button = phone.get_by_role("button", name="Filtros", exact=True)
    button.wait_for(timeout=15_000)
    button.click()
    phone.wait_for_timeout(800)
    assert sidebar_open(phone)
    entidad = phone.locator("[data-testid='stSidebar']").get_by_text("Entidad", exact=True)
    assert entidad.is_visible() and entidad.bounding_box()["x"] >= 0
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=SHOTS / "telefono_filtros_abiertos.png")
    phone.get_by_role("link", name="Actividades").click()
    phone.get_by_role("heading", name="Actividades", exact=True).wait_for(timeout=30_000)
    idle(phone)
    assert not sidebar_open(phone), "la barra de filtros sigue abierta tras cambiar de página"
    assert phone.get_by_role("button", name="Filtros", exact=True).is_visible()
    assert overflow(phone) <= 0


def test_activities_table_starts_with_the_activity_and_its_state(server, phone):
    open_page(phone, f"{server}/actividades", "Actividades")
    table = phone.locator("[data-testid='stDataFrame']").first
    table.scroll_into_view_if_needed()
    phone.wait_for_timeout(500)
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=SHOTS / "telefono_actividades_tabla.png")
    # The data grid keeps an accessible copy of the cells it draws: the
    # columns on screen, left to right.
    headers = table.locator("[role='columnheader']").all_inner_texts()
    assert [text.strip() for text in headers[:2]] == ["Actividad", "Estado"], headers


def test_the_filters_button_is_only_for_narrow_screens(server, laptop):
    open_page(laptop, server, "Resumen")
    assert sidebar_open(laptop)
    # There, but hidden (Streamlit loads the code that draws st.html on first use).
    laptop.locator("[data-abrir-filtros]").wait_for(state="attached", timeout=15_000)
    assert not laptop.get_by_role("button", name="Filtros", exact=True).is_visible()
    box = laptop.get_by_role("heading", name="Resumen", exact=True).bounding_box()
    assert box["y"] < 120  # the hidden button leaves no gap above the title


# Where a label was cut before (the rankings' «100,0 %», «· 2 vencidas»).
@pytest.mark.parametrize(("path", "title", "viewport"), [
    (*PAGES[0], PHONE), (*PAGES[0], LAPTOP), (*PAGES[2], PHONE)],
    ids=["resumen-390", "resumen-1366", "dependencias-390"])
def test_chart_labels_are_not_cut(server, browser, path, title, viewport):
    context = browser.new_context(viewport=viewport, locale="es-CO")
    try:
        tab = context.new_page()
        open_page(tab, f"{server}/{path}", title)
        show_charts(tab)
        assert tab.locator(".stPlotlyChart").count() > 0
        assert tab.evaluate(CUT_LABELS) == []
    finally:
        context.close()


def test_avance_general_says_sin_dato_whole(server, browser):
    """Six cards in a row on a laptop (on a phone each card is as wide as the screen)."""
    viewport = LAPTOP
    context = browser.new_context(viewport=viewport, locale="es-CO")
    try:
        tab = context.new_page()
        open_page(tab, f"{server}/{WITHOUT_FOLLOW_UP}", "Resumen")
        card = tab.locator("[data-testid='stMetric']").filter(has_text="Avance general")
        value = card.locator("[data-testid='stMetricValue']")
        assert value.inner_text().split() == ["Sin", "dato"]
        cut = value.evaluate("""element => [element, ...element.querySelectorAll('*')]
            .some(e => e.scrollWidth > e.clientWidth + 1)""")
        assert not cut, "«Sin dato» aparece recortado"
        SHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=SHOTS / f"sin_dato_{viewport['width']}.png")
    finally:
        context.close()
