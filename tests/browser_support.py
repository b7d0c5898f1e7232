"""Starting the dashboard for browser tests: a real server on 127.0.0.1."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def launch_chromium():
    """Debian's chromium through Playwright (no browser is downloaded)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit terminó con código {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} no respondió en {timeout} s")


@contextlib.contextmanager
def serve(db_path: Path, log: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """``streamlit run dashboard.py`` on a free port, stopped by its process group;
    yields its URL and fails if the server log shows a traceback."""
    port = _free_port()
    env = {**os.environ, "TABLERO_DB": str(db_path), **(extra_env or {})}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py",
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        assert "Traceback" not in log.read_text(errors="replace"), log.read_text()




# Every page a viewer has: url path and title (tests/test_browser_phone.py, test_spanish.py).
VIEWER_PAGES = [
    ("", "Resumen"),
    ("avance", "Avance por trimestre"),
    ("dependencias", "Por dependencia"),
    ("fases", "Por fase del ciclo"),
    ("actividades", "Actividades"),
    ("presentacion", "Rendición de cuentas"),
    ("calidad", "Calidad de los datos"),
]


@contextlib.contextmanager
def serve_sample(directory: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """:func:`serve` over the database a first start builds from sample_data/,
    made in ``directory``."""
    from data_layer import loader

    path = directory / "tablero.duckdb"
    loader.ensure_database(path)
    with serve(path, directory / "streamlit.log", extra_env) as url:
        yield url


def idle(tab, settle_ms: int = 700) -> None:
    """Wait until the page stopped running, then ``settle_ms`` for what the
    browser still draws (icons, fonts, charts)."""
    tab.wait_for_timeout(300)
    tab.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=30_000)
    tab.wait_for_timeout(settle_ms)


def open_page(tab, url: str, title: str) -> None:
    """Go to ``url`` and wait for the page's title and the end of its run."""
    tab.goto(url)
    tab.get_by_role("heading", name=title, exact=True).wait_for(timeout=30_000)
    idle(tab)
