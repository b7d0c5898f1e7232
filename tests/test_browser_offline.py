"""Nothing at run time reaches outside the machine (issue 12, point 7).

The dashboard must work on an office network with no Internet. Chromium opens
every page (the viewer's and, logged in, the administrator's, with a preview)
and every request it makes is recorded; a request to any host other than
127.0.0.1 or localhost fails the test, and is blocked before it leaves (the
test never sends it). Streamlit's page icon, when given as ":material/…:",
was such a request: the favicon came from fonts.gstatic.com.
"""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from data_layer import loader
from tests.browser_support import CHROMIUM, idle, launch_chromium, serve
from tests.conftest import ROOT
from tests.test_browser import PAGES as BROWSER_PAGES
from tests.test_browser_admin import PASSWORD, open_admin_page

pytestmark = pytest.mark.browser

LOCAL = {"127.0.0.1", "localhost"}
# Every page of tests/test_browser.py, and the presentation (a slide: its
# heading is the topic, not the page).
PAGES = [*BROWSER_PAGES[:-1], ("presentacion", None), BROWSER_PAGES[-1]]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("no está /usr/bin/chromium (apt-get install chromium)")
    db = tmp_path_factory.mktemp("sin_red") / "tablero.duckdb"
    loader.import_files([loader.FileSpec(ROOT / "sample_data" / "002_alcaldia_cartago_2024.xlsx")],
                        db)
    log = tmp_path_factory.mktemp("sin_red_server") / "streamlit.log"
    with serve(db, log, {"TABLERO_ADMIN_PASSWORD": PASSWORD}) as url:
        yield url


class Outside:
    """Every request of a browser context, with the outside ones blocked."""

    def __init__(self, context) -> None:
        self.seen: list[str] = []
        self.blocked: list[str] = []
        context.route("**/*", self._route)

    @staticmethod
    def _local(url: str) -> bool:
        return url.startswith(("data:", "blob:", "about:")) or urlparse(url).hostname in LOCAL

    def _route(self, route) -> None:
        url = route.request.url
        self.seen.append(url)
        if self._local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def watch(self, page) -> None:
        page.on("request", lambda request: self.seen.append(request.url))
        page.on("websocket", lambda socket: self.seen.append(socket.url))

    @property
    def outside(self) -> list[str]:
        return sorted({url for url in self.seen + self.blocked if not self._local(url)})


def test_no_page_asks_anything_of_another_host(server):
    with launch_chromium() as browser:
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="es-CO")
        requests = Outside(context)
        tab = context.new_page()
        requests.watch(tab)
        for path, title in PAGES:
            tab.goto(f"{server}/{path}")
            if title:
                tab.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=30_000)
            idle(tab, 1500)  # icons, fonts and charts finish loading
        # The administrator's page, with the preview of an upload.
        open_admin_page(tab, server)
        tab.set_input_files("input[type=file]",
                            str(ROOT / "sample_data" / "000_sanatorio_contratacion_2022.xlsx"))
        tab.get_by_text("Se creará un plan nuevo").wait_for(timeout=30_000)
        idle(tab, 1500)
        context.close()
    assert any(urlparse(url).hostname == "127.0.0.1" for url in requests.seen)  # it did record
    assert requests.outside == []
