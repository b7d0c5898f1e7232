"""Administration in a real browser: a viewer's deep link to the admin page on
a fresh server, then a login and a workbook uploaded through the real page."""
from __future__ import annotations


import pytest

from data_layer import loader, store
from tests.browser_support import CHROMIUM, idle, launch_chromium, serve
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PASSWORD = "clave-navegador-2025"
SHOTS = ROOT / "tests" / "screenshots"


@pytest.fixture(scope="module")
def admin_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("admin") / "tablero.duckdb"
    loader.import_files([loader.FileSpec(ROOT / "sample_data" / "002_alcaldia_cartago_2024.xlsx")], path)
    return path


@pytest.fixture(scope="module")
def server(admin_db, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("no está /usr/bin/chromium (apt-get install chromium)")
    log = tmp_path_factory.mktemp("admin_server") / "streamlit.log"
    with serve(admin_db, log, {"TABLERO_ADMIN_PASSWORD": PASSWORD}) as url:
        yield url


@pytest.fixture(scope="module")
def tab(server):
    with launch_chromium() as browser:
        yield browser.new_page(viewport={"width": 1440, "height": 1000}, locale="es-CO")


def plans_in(db) -> int:
    con = store.connect_readonly(db)
    try:
        return con.execute("SELECT count(*) FROM plan").fetchall()[0][0]
    finally:
        con.close()


def test_viewer_deep_link_to_the_admin_page_on_a_fresh_server(server, tab):
    """Runs first: the server has served nothing yet (the old-style pages/ mode)."""
    tab.goto(f"{server}/cargar")
    tab.get_by_role("heading", name="Resumen", exact=True).or_(
        tab.get_by_text("Esta página es sólo para administradores")).first.wait_for(timeout=30_000)
    idle(tab)
    assert tab.locator("input[type=file]").count() == 0
    assert tab.get_by_role("button", name="Importar a la base de datos").count() == 0


def open_admin_page(tab, server: str) -> None:
    """Log in through the sidebar form, as a person does, and open «Cargar planes»."""
    tab.goto(server)
    tab.get_by_role("heading", name="Resumen", exact=True).wait_for(timeout=30_000)
    tab.get_by_text("Administración", exact=True).click()
    tab.get_by_label("Contraseña de administración").fill(PASSWORD)
    tab.get_by_role("button", name="Ingresar").click()
    idle(tab)
    tab.get_by_role("link", name="Cargar planes").click()
    tab.get_by_role("heading", name="Cargar planes", exact=True).wait_for(timeout=30_000)


def test_login_and_upload_a_workbook(server, tab, admin_db):
    open_admin_page(tab, server)
    tab.set_input_files("input[type=file]", str(ROOT / "sample_data" / "000_sanatorio_contratacion_2022.xlsx"))
    tab.get_by_text("Se creará un plan nuevo").wait_for(timeout=30_000)
    idle(tab)
    assert plans_in(admin_db) == 1  # the preview writes nothing
    SHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=SHOTS / "cargar_vista_previa.png", full_page=True)
    tab.get_by_role("button", name="Importar a la base de datos").click()
    tab.get_by_text("actividades nuevas").first.wait_for(timeout=30_000)
    idle(tab)
    assert plans_in(admin_db) == 2
    assert tab.locator("[data-testid='stException']").count() == 0
    tab.screenshot(path=SHOTS / "cargar_importado.png", full_page=True)


@pytest.fixture(scope="module")
def first_day_server(tmp_path_factory):
    """A server on the database a fresh install builds from sample_data/."""
    if not CHROMIUM.exists():
        pytest.skip("no está /usr/bin/chromium (apt-get install chromium)")
    path = tmp_path_factory.mktemp("primer_dia") / "tablero.duckdb"
    loader.ensure_database(path)
    log = tmp_path_factory.mktemp("primer_dia_server") / "streamlit.log"
    with serve(path, log, {"TABLERO_ADMIN_PASSWORD": PASSWORD}) as url:
        yield url


# Each tab of «Cargar planes» and a text only that tab shows.
TABS = {
    "Cargar un archivo": "Suba el plan o su seguimiento trimestral",
    "Planes cargados": "Borrar el plan",
    "Historial de importaciones": None,
    "Correcciones guardadas": "No hay mapeos ni correcciones guardadas",
}


def test_every_admin_tab_on_the_sample_database(first_day_server, tab):
    # A page of its own in the module's browser (one Playwright per thread).
    page = tab.context.browser.new_page(viewport={"width": 1440, "height": 1000}, locale="es-CO")
    try:
        open_admin_page(page, first_day_server)
        idle(page)
        for name, text in TABS.items():
            page.get_by_role("tab", name=name).click()
            idle(page)
            panel = page.locator("[role='tabpanel']:visible")
            if text:
                panel.get_by_text(text).first.wait_for(timeout=10_000)
            if name in ("Planes cargados", "Historial de importaciones"):  # a data grid (canvas) and its downloads
                assert panel.locator("[data-testid='stDataFrame']").count() == 1
                assert panel.get_by_role("button", name="Descargar CSV").count() == 1
            assert page.locator("[data-testid='stException']").count() == 0
            assert page.get_by_text("error inesperado").count() == 0, name
        SHOTS.mkdir(exist_ok=True)
        page.get_by_role("tab", name="Planes cargados").click()
        idle(page)
        page.screenshot(path=SHOTS / "cargar_planes_cargados.png", full_page=True)
    finally:
        page.close()
