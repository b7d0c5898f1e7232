"""Memory: resident memory of the running app with 1 and with 20 open sessions.

Starts ``streamlit run dashboard.py`` on 127.0.0.1 (its own process group,
killed at the end), opens browser sessions with Playwright driving Debian's
chromium, waits until each has drawn the Resumen page, and reads the server
process's VmRSS. Every session looks at the default view, as twenty people
opening the dashboard would: the query results are shared through Streamlit's
cache and the data through the one DuckDB connection, so what an extra
session adds is its own state (widgets, the messages of its last run).
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT, rss_mb

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("streamlit terminó antes de estar listo")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.3)
    raise TimeoutError("streamlit no respondió a tiempo")


def _open_session(browser, url: str, timeout_ms: float):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(url, timeout=timeout_ms)
    # The Resumen page has drawn its figures (the metrics come after every query of the header).
    page.wait_for_selector("[data-testid='stMetric']", timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=timeout_ms)
    return context


def _settle(pid: int, seconds: float = 3.0) -> float:
    time.sleep(seconds)
    return rss_mb(pid)


def run(db_path: Path, sessions: int = 20, workdir: Path | None = None, timeout: float = 900,
        log=print) -> dict:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, TABLERO_DB=str(db_path))
    log_path = (workdir or Path("/tmp")) / "streamlit_memoria.log"
    with open(log_path, "w") as server_log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT,
            start_new_session=True)
    result: dict = {"sessions": sessions, "rss_mb": {}}
    contexts = []
    try:
        _wait_healthy(url, process, 120)
        result["rss_mb"]["0"] = _settle(process.pid, 1.0)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                start = time.monotonic()
                contexts.append(_open_session(browser, url, timeout * 1000))
                result["first_session_s"] = round(time.monotonic() - start, 1)
                result["rss_mb"]["1"] = _settle(process.pid)
                log(f"  1 sesión: {result['rss_mb']['1']} MB "
                    f"(primera carga {result['first_session_s']} s)")
                for number in range(2, sessions + 1):
                    contexts.append(_open_session(browser, url, timeout * 1000))
                    if number in (2, 5, 10):
                        result["rss_mb"][str(number)] = _settle(process.pid, 1.0)
                result["rss_mb"][str(sessions)] = _settle(process.pid)
                log(f"  {sessions} sesiones: {result['rss_mb'][str(sessions)]} MB")
            finally:
                for context in contexts:
                    with contextlib.suppress(Exception):
                        context.close()
                browser.close()
        extra = max(sessions - 1, 1)
        result["rss_mb_per_extra_session"] = round(
            (result["rss_mb"][str(sessions)] - result["rss_mb"]["1"]) / extra, 2)
    finally:
        _stop(process)
    return result


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and whatever it started (its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
