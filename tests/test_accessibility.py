"""Accessible to every citizen (NTC 5854 / WCAG 2.1 AA), in a real browser.

axe-core (vendored: tests/vendor/axe-core/, see its VERSION.md) runs on every
viewer page and on «Cargar planes» with an administration session, over the
database a fresh install builds from sample_data/: no serious or critical
violation may remain. Then the dashboard is used with the keyboard alone:
a sidebar filter is changed and an activity's detail is opened.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from data_layer import semaforo
from tests.browser_support import VIEWER_PAGES, idle
from tests.conftest import ROOT
from tests.test_browser_admin import first_day_server, open_admin_page  # noqa: F401

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
ADMIN_TABS = ["Cargar un archivo", "Planes cargados", "Historial de importaciones",
              "Correcciones guardadas"]

# Violations of Streamlit's own markup, which this project cannot change; each
# is excused only for its rule and only inside the element named.
STREAMLIT_MARKUP = {
    # With a session of administration the navigation has two sections
    # («Tablero», «Administración»): Streamlit 1.67 puts each section's <li>
    # items inside a <div> directly under <ul data-testid="stSidebarNavItems">,
    # so the <ul> holds a <div> (rule «list») and the <li> have no list
    # parent (rule «listitem»). Screen readers still read the links.
    "list": '[data-testid="stSidebarNavItems"]',
    "listitem": '[data-testid="stSidebarNavItems"]',
}

RUN_AXE = """async (excused) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const left = [];
  for (const v of result.violations) {
    if (!['serious', 'critical'].includes(v.impact)) continue;
    const nodes = v.nodes.filter(n => {
      const where = excused[v.id];
      if (!where) return true;
      const el = document.querySelector(n.target[0]);
      return !(el && el.closest(where));
    });
    for (const n of nodes)
      left.push(`${v.impact} ${v.id}: ${v.help} — ${n.target.join(' ')} — ${n.html.slice(0, 160)}`);
  }
  return left;
}"""


@pytest.fixture(scope="module")
def server(first_day_server):
    """The database a fresh install builds from sample_data/, with administration."""
    return first_day_server


@pytest.fixture()
def tab(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="es-CO")
    page = context.new_page()
    yield page
    context.close()


def open_page(page, url: str, title: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=30_000)
    idle(page)


def axe_violations(page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, STREAMLIT_MARKUP)


@pytest.mark.parametrize(("path", "title"), VIEWER_PAGES, ids=[t for _, t in VIEWER_PAGES])
def test_viewer_page_has_no_serious_accessibility_violation(server, tab, path, title):
    open_page(tab, f"{server}/{path}", title)
    assert axe_violations(tab) == []


def test_admin_page_has_no_serious_accessibility_violation(server, tab):
    open_admin_page(tab, server)
    idle(tab)
    for name in ADMIN_TABS:
        tab.get_by_role("tab", name=name).click()
        idle(tab)
        assert axe_violations(tab) == [], name


def test_the_general_progress_is_coloured_and_worded(server, tab):
    """The semáforo of the general progress: its word and rule in the text and
    its colour around it (the sample plans' average is under 60 %: rojo)."""
    open_page(tab, server, "Resumen")
    card = tab.get_by_role("group", name="Semáforo del avance general")
    text = card.inner_text()
    assert re.fullmatch(r"■ Avance general \d+,\d %: Rojo — menos de 60 %\n.+", text, re.S), text
    style = card.evaluate("e => [getComputedStyle(e).backgroundColor, "
                          "getComputedStyle(e).borderLeftColor]")
    assert style == [_rgb(semaforo.TINTS["rojo"]), _rgb(semaforo.PALETTE["rojo"])]


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


FOCUSED = """() => {
  const el = document.activeElement;
  const box = el && el.closest('[data-testid="stMultiSelect"], [data-testid="stSelectbox"]');
  const label = box && box.querySelector('label');
  return label ? label.innerText.trim() : '';
}"""


def tab_to(page, label: str, limit: int = 120) -> None:
    """Press Tab until the widget labelled ``label`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == label:
            return
    raise AssertionError(f"«{label}» no se alcanza con Tab")


def test_filter_chart_and_detail_with_the_keyboard_alone(server, tab):
    open_page(tab, f"{server}/actividades", "Actividades")
    # A sidebar filter: Entidad, with Tab, typing, arrows and Enter (the list
    # opens on «Select all», Streamlit's own first option: the arrow passes it).
    tab_to(tab, "Entidad")
    tab.keyboard.type("Candelaria")
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")
    tab.keyboard.press("Escape")
    idle(tab)
    assert parse_qs(urlparse(tab.url).query)["entidad"] == ["Municipio de Candelaria"]
    assert tab.get_by_text("6 actividades").count() >= 1
    # The activity detail below the table, the same way.
    tab_to(tab, "Actividad")
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")
    idle(tab)
    tab.get_by_text("Observaciones y evidencias").wait_for(timeout=30_000)
    tab.locator("[data-testid='stMetric']").filter(has_text="Estado al corte").wait_for(
        timeout=30_000)
    assert tab.locator("[data-testid='stException']").count() == 0

    # A Plotly bar cannot take the focus: the list under each chart opens the
    # same activities as a click on the bar (the filter above still applies).
    open_page(tab, f"{server}/fases?entidad=Municipio+de+Candelaria", "Por fase del ciclo")
    tab_to(tab, "Ver las actividades de una barra")
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("Enter")
    idle(tab)
    panel = tab.get_by_text(re.compile(r"^Actividades de la selección \(\d+\): .+"))
    panel.first.wait_for(timeout=30_000)
    assert "Municipio de Candelaria" in panel.first.inner_text()
    # «Volver», by keyboard too: back to the whole chart and its list.
    tab_to_button(tab, "Volver")
    tab.keyboard.press("Enter")
    idle(tab)
    assert tab.get_by_text(re.compile(r"^Actividades de la selección")).count() == 0


def tab_to_button(page, name: str, limit: int = 150) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => (document.activeElement.innerText || '').trim().endsWith(%r)" % name):
            return
    raise AssertionError(f"«{name}» no se alcanza con Tab")
