"""The dashboard in a real browser: Debian's chromium driven by Playwright
against ``streamlit run dashboard.py`` on 127.0.0.1, over the known database.

Opens every page, checks that nothing shows an error, saves screenshots to
tests/screenshots/ (look at them), clicks a bar to drill down and back, and
compares a downloaded CSV with ``data_layer.export`` of the same filters.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pytest

from data_layer import export, queries, store
from data_layer.filters import Filters
from tests.browser_support import CHROMIUM, serve
from tests.conftest import CARTAGO, ROOT
from ui import tables

pytestmark = pytest.mark.browser

SHOTS = ROOT / "tests" / "screenshots"
PAGES = [  # url path, title
    ("", "Resumen"),
    ("avance", "Avance por trimestre"),
    ("dependencias", "Por dependencia"),
    ("fases", "Por fase del ciclo"),
    ("actividades", "Actividades"),
    ("calidad", "Calidad de los datos"),
]


@pytest.fixture(scope="module")
def server(db_path, tmp_path_factory):
    """``streamlit run dashboard.py`` on a free port, stopped by its process group."""
    if not CHROMIUM.exists():
        pytest.skip("no está /usr/bin/chromium (apt-get install chromium)")
    with serve(db_path, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="es-CO",
                                  accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


def open_page(tab, url: str, title: str) -> None:
    """Go to ``url`` and wait until the page has its title and stopped running."""
    tab.goto(url)
    tab.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=30_000)
    wait_idle(tab)


def wait_idle(tab) -> None:
    tab.wait_for_timeout(300)
    tab.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=30_000)
    tab.wait_for_timeout(500)  # charts finish drawing


def screenshot(tab, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so the window
    is first made as tall as the content."""
    SHOTS.mkdir(exist_ok=True)
    height = tab.evaluate(
        "document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    tab.set_viewport_size({"width": 1440, "height": min(max(height + 40, 1000), 12_000)})
    wait_idle(tab)
    tab.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    tab.set_viewport_size({"width": 1440, "height": 1000})


def assert_no_error(tab) -> None:
    assert tab.locator("[data-testid='stException']").count() == 0
    assert tab.locator("[data-testid='stAlertContentError']").count() == 0


def test_a_deep_link_on_a_fresh_server_keeps_the_sidebar_and_filters(server, page):
    """Runs first: the server has not yet served any page."""
    query = urlencode({"entidad": CARTAGO, "corte": "2024-09-30"})
    open_page(page, f"{server}/dependencias?{query}", "Por dependencia")
    assert page.get_by_text("Mostrando 9 actividades de Alcaldía de Cartago, corte 30/09/2024."
                            ).is_visible()
    assert page.get_by_role("link", name="Calidad de los datos").is_visible()
    assert_no_error(page)


@pytest.mark.parametrize(("path", "title"), PAGES)
def test_every_page_renders_without_error(server, page, path, title):
    open_page(page, f"{server}/{path}", title)
    assert_no_error(page)
    assert page.get_by_text("Mostrando", exact=False).first.is_visible()
    screenshot(page, path or "resumen")


def test_one_entity_from_the_url(server, page):
    query = urlencode({"entidad": CARTAGO, "corte": "2024-09-30"})
    open_page(page, f"{server}/?{query}", "Resumen")
    assert_no_error(page)
    assert page.get_by_text("Mostrando 9 actividades de Alcaldía de Cartago, corte 30/09/2024."
                            ).is_visible()
    screenshot(page, "resumen_cartago")


def test_click_on_a_bar_lists_its_activities_and_back(server, page):
    query = urlencode({"entidad": CARTAGO, "corte": "2024-09-30"})
    open_page(page, f"{server}/dependencias?{query}", "Por dependencia")
    bars = page.locator(".js-plotly-plot g.trace.bars g.point path")
    bars.first.wait_for()
    box = bars.first.bounding_box()  # the first bar: Administración Municipal, 1 activity
    # Plotly's drag layer sits on top of the bars: click where a person would.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    panel = page.locator("[data-testid='stMarkdownContainer']",
                         has_text="Actividades de la selección")
    panel.wait_for(timeout=20_000)
    wait_idle(page)
    assert "dependencia Administración Municipal" in panel.inner_text()
    assert page.get_by_text("Descentralizar la ejecución", exact=False).count() >= 1
    screenshot(page, "drilldown")
    page.get_by_role("button", name="Volver").click()
    wait_idle(page)
    assert page.get_by_text("Actividades de la selección", exact=False).count() == 0
    assert_no_error(page)


def test_downloaded_csv_is_the_export_of_the_same_filters(server, page, db_path, tmp_path):
    query = urlencode({"entidad": CARTAGO, "corte": "2024-09-30"})
    open_page(page, f"{server}/actividades?{query}", "Actividades")
    with page.expect_download() as info:
        page.get_by_role("button", name="Descargar CSV").first.click()
    target = tmp_path / "actividades.csv"
    info.value.save_as(target)

    filters = Filters(entidad=(CARTAGO,), corte=date(2024, 9, 30))
    with store.Database(db_path).cursor() as con:
        table = tables.shown(queries.activities_table(con, filters))
    expected = export.to_csv_bytes(table, filters.describe(len(table)))
    assert target.read_bytes() == expected
