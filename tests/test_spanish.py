"""Spanish everywhere, in a real browser: no English word reaches a viewer or an
administrator, neither on screen nor in what a screen reader or a tooltip
reads (aria-label, title, placeholder, Plotly's data-title), including the
texts Streamlit writes itself (multiselect, file uploader, its error for a
file too large, the dialog of a page that does not exist); and the page
declares itself Spanish (``<html lang="es">``).

Runs over the database a first start builds from sample_data/; the
administrator logs in as tests/test_browser_admin.py does.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser_support import (CHROMIUM, VIEWER_PAGES, idle, open_page,
                                   serve_sample)
from tests.conftest import ROOT
from tests.fixtures import builders

pytestmark = pytest.mark.browser

PASSWORD = "clave-idioma-2025-larga"
SHOTS = ROOT / "tests" / "screenshots"
PAGES = VIEWER_PAGES
# English a Streamlit page shows by itself (whole words, as written).
ENGLISH = re.compile(  # any case: also «file upload», «add icon»
    r"\b(Select all|Select \d+ matches|Upload|Browse|Drag and drop|per file|Page not found|"
    r"Search|Clear|Download|Fullscreen|Close|Show|Hide|Running|Stop|Rerun|Menu|Settings|"
    r"Deploy|Collapse|Expand|View|Toggle|Open|Press Enter|Choose an option|Choose|Help for|"
    r"Dismiss|Sidebar|App pages|File must be|or smaller|No results|Delete|Remove|Cancel|"
    r"Copy|Add|Print|Limit|icon)\b|— (start|end)$|\d\.\dMB", re.IGNORECASE)
READ = """() => {
  const names = ["aria-label", "title", "placeholder", "data-title", "aria-placeholder",
                 "aria-description", "alt"];
  // Visible text, without the names of Material icons (drawn as pictures).
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.nodeValue.trim() || !parent || parent.closest("script, style")) continue;
    if (parent.closest("[data-testid='stIconMaterial']")) continue;
    if (!parent.checkVisibility()) continue;
    texts.push(node.nodeValue);
  }
  for (const element of document.querySelectorAll("*")) {
    for (const name of names) {
      const value = element.getAttribute(name);
      if (value) texts.push(value);
    }
  }
  return {lang: document.documentElement.lang, texts: texts};
}"""


def english(tab) -> list[str]:
    """The English found on ``tab`` (texts and attributes), and a wrong lang."""
    try:  # the translation starts when Streamlit has drawn dashboard.py's first elements
        tab.wait_for_function("() => document.documentElement.lang === 'es'", timeout=15_000)
    except PlaywrightTimeout:
        pass  # reported below as lang='en'
    tab.wait_for_timeout(200)
    found = tab.evaluate(READ)
    hits = [f"lang={found['lang']!r}"] if found["lang"] != "es" else []
    for text in found["texts"]:
        for line in text.splitlines():
            if ENGLISH.search(line):
                hits.append(line.strip())
    return sorted(set(hits))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("no está /usr/bin/chromium (apt-get install chromium)")
    with serve_sample(tmp_path_factory.mktemp("idioma"),
                      {"TABLERO_ADMIN_PASSWORD": PASSWORD}) as url:
        yield url


@pytest.fixture()
def tab(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="es-CO")
    yield context.new_page()
    context.close()




@pytest.mark.parametrize(("path", "title"), PAGES)
def test_every_page_speaks_spanish_to_a_viewer(server, tab, path, title):
    open_page(tab, f"{server}/{path}", title)
    # The toolbar of a table appears when the pointer is on it (a table inside a
    # closed expander or another tab cannot be pointed at).
    tables = tab.locator("[data-testid='stDataFrame']:visible")
    if tables.count():
        tables.first.hover()
        tab.wait_for_timeout(300)
    assert english(tab) == []


def test_filters_speak_spanish(server, tab):
    open_page(tab, server, "Resumen")
    sidebar = tab.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stMultiSelect']").first.click()  # its list of options
    tab.get_by_role("option").first.wait_for(timeout=10_000)
    assert tab.get_by_role("option", name="Select all").count() == 0
    assert english(tab) == []
    tab.keyboard.press("Escape")
    sidebar.get_by_role("textbox", name="Buscar en las actividades").fill("rendicion")  # before Enter
    tab.wait_for_timeout(300)
    sidebar.get_by_text("Umbrales del semáforo").click()
    tab.wait_for_timeout(300)
    assert english(tab) == []


def test_a_page_that_does_not_exist_says_so_in_spanish(server, tab):
    tab.goto(f"{server}/no-existe")
    dialog = tab.get_by_role("dialog")
    dialog.wait_for(timeout=30_000)
    idle(tab)
    assert english(tab) == []
    assert dialog.inner_text().splitlines() == [
        "Página no encontrada",
        "La página pedida no existe en el tablero. Se muestra el Resumen; elija otra página "
        "en el menú."]


def test_the_phone_layout_speaks_spanish(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-CO")
    try:
        phone = context.new_page()
        open_page(phone, server, "Resumen")
        assert english(phone) == []
        phone.get_by_role("button", name="Filtros", exact=True).click()
        phone.wait_for_timeout(800)
        assert english(phone) == []
    finally:
        context.close()


def test_cargar_planes_speaks_spanish_to_an_administrator(server, tab, tmp_path):
    open_page(tab, server, "Resumen")
    tab.get_by_text("Administración", exact=True).click()
    tab.get_by_label("Contraseña de administración").fill(PASSWORD)
    assert english(tab) == []  # the password box and its «show» button
    tab.get_by_role("button", name="Ingresar").click()
    idle(tab)
    tab.get_by_role("link", name="Cargar planes").click()
    tab.get_by_role("heading", name="Cargar planes", exact=True).wait_for(timeout=30_000)
    idle(tab)
    assert english(tab) == []  # the file uploader

    big = tmp_path / "plan_enorme.xlsx"
    big.write_bytes(b"0" * (21 * 1024 * 1024))
    tab.set_input_files("input[type=file]", str(big))
    error = tab.get_by_text("El archivo pesa más de 20 MB")
    error.wait_for(timeout=30_000)
    assert english(tab) == []
    SHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=SHOTS / "idioma_archivo_grande.png", full_page=True)

    tab.get_by_role("button", name="Quitar plan_enorme.xlsx").click()
    idle(tab)
    tab.set_input_files("input[type=file]", str(builders.build_other_columns_order(tmp_path)))
    tab.get_by_role("tab", name="Columnas").wait_for(timeout=30_000)  # the preview
    idle(tab)
    tab.screenshot(path=SHOTS / "idioma_vista_previa.png", full_page=True)
    assert english(tab) == []  # the preview: tabs, tables, the mapping assistant
    for name in ("Planes cargados", "Historial de importaciones", "Correcciones guardadas"):
        tab.get_by_role("tab", name=name).click()
        idle(tab)
        assert english(tab) == [], name
