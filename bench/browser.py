"""Browser: what a person waits for, in headless chromium against the real server.

- ``cold_start_s``: from launching ``streamlit run dashboard.py`` (a fresh
  process, ``TABLERO_DB`` pointing at the database) until the Resumen shows its
  six headline figures (``stMetricValue`` with text) in the browser. The
  browser is launched and its tab opened before the server, so its own start
  is not counted; the server's health is polled every 0,3 s
  (``tests.browser_support.serve``), which can add up to 0,3 s.
  ``cold_start_settled_s``: until that first page has settled (see below).
- For each page a viewer has (Resumen, Avance, Dependencias, Fases,
  Actividades, Rendición de cuentas), on a fresh server (nothing of the page
  cached, as in bench/pages.py): open the page in the national view and wait
  until it has settled (``first_load_s``, not a target), then
  ``filter_change_s["fase"]``: choose the first phase in the sidebar's «Fase
  del ciclo de la gestión» selector, as a person does (click the selector,
  click the option, Escape), every entity still shown; then back to the
  national view (a new tab on the page's address: cached) and
  ``filter_change_s["entidad"]``: choose the first entity in «Entidad» (typed
  into the selector to find it among a thousand).

*Settled*, read in the page: the app has run after the change (its
``data-test-script-state`` went to ``running``), it is connected and no longer
running, no element is stale from the previous run, the running indicator is
gone, and the DOM has not changed for ``QUIET_MS``. The time reported is from
the ``mousedown`` on the option (the page's own clock) to the last change of
the DOM before that quiet period: when the screen stopped changing, not when
the benchmark noticed it.

``bytes_per_rerun``: the sum of the payloads the server sent over the app's
websocket (``/_stcore/stream``) between the change and settling.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

from data_layer import queries, store
from data_layer.filters import Filters
from data_layer.model import PHASE_LABELS

QUIET_MS = 500
TIMEOUT_S = 300  # per step: a busy machine at 1M activities

# url path, heading, key in the report; Rendición de cuentas is in dashboard.PAGES.
PAGES = [
    ("", "Resumen", "resumen"),
    ("avance", "Avance por trimestre", "avance"),
    ("dependencias", "Por dependencia", "dependencias"),
    ("fases", "Por fase del ciclo", "fases"),
    ("actividades", "Actividades", "actividades"),
    ("calidad", "Calidad de los datos", "calidad"),
    ("presentacion", "Rendición de cuentas", "presentacion"),
]

CONTEXT = {"viewport": {"width": 1400, "height": 900}, "locale": "es-CO"}

# Installed in every document before its own scripts: the time of the last DOM
# change, whether the app ran since the benchmark armed it, and when the
# person pressed the mouse on what changes the filter.
WATCH_JS = """(() => {
  const t = window.__tablero = {last: performance.now(), sawRunning: false, armed: false,
                                t0: null};
  const watch = () => {
    new MutationObserver(() => {
      t.last = performance.now();
      const app = document.querySelector("[data-testid='stApp']");
      if (app && app.dataset.testScriptState === 'running') t.sawRunning = true;
    }).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                          characterData: true});
  };
  if (document.documentElement) watch();
  else document.addEventListener('DOMContentLoaded', watch);
  document.addEventListener('mousedown', () => {
    if (t.armed) { t.t0 = performance.now(); t.armed = false; }
  }, true);
})();"""

ARM_JS = """() => { const t = window.__tablero; t.armed = true; t.t0 = null;
                    t.sawRunning = false; }"""

# True once the app is idle and the DOM quiet; [needRun, quietMs].
SETTLED_JS = """([needRun, quietMs]) => {
  const t = window.__tablero;
  const app = document.querySelector("[data-testid='stApp']");
  if (!t || !app || app.dataset.testScriptState !== 'notRunning'
      || app.dataset.testConnectionState !== 'CONNECTED') return false;
  if (needRun && !t.sawRunning) return false;
  if (document.querySelector("[data-testid='stStatusWidget']")) return false;
  if (document.querySelector("[data-testid='stElementContainer'][data-stale='true']")) return false;
  return performance.now() - t.last >= quietMs;
}"""

FIRST_CONTENT_JS = """() => [...document.querySelectorAll("[data-testid='stMetricValue']")]
  .filter(v => v.innerText.trim() && v.offsetParent !== null).length >= 6"""

# The «Actividades» figure of the header (Resumen), or null: what the change showed.
ACTIVIDADES_JS = """() => {
  const m = [...document.querySelectorAll("[data-testid='stMetric']")].find(m =>
      m.querySelector("[data-testid='stMetricLabel']")?.innerText.trim() === 'Actividades');
  return m ? m.querySelector("[data-testid='stMetricValue']").innerText.trim() : null;
}"""
EXCEPTION = "[data-testid='stException']"
ERROR_BOX = "[data-testid='stAlertContentError']"
SIDEBAR_SELECT = "[data-testid='stSidebar'] [data-testid='stMultiSelect']"


class WebsocketBytes:
    """Payload bytes the server sent over the app's websocket, from :meth:`reset`."""

    def __init__(self, page) -> None:
        self.bytes = 0
        self.frames = 0
        page.on("websocket", self._opened)

    def _opened(self, ws) -> None:
        if "_stcore/stream" in ws.url:
            ws.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        self.bytes += len(payload.encode() if isinstance(payload, str) else payload)
        self.frames += 1

    def reset(self) -> None:
        self.bytes = 0
        self.frames = 0


def _new_tab(browser):
    context = browser.new_context(**CONTEXT)
    context.add_init_script(WATCH_JS)
    tab = context.new_page()
    return context, tab, WebsocketBytes(tab)


def _settle(tab, need_run: bool, quiet_ms: int, timeout_ms: float) -> None:
    tab.wait_for_function(SETTLED_JS, arg=[need_run, quiet_ms], timeout=timeout_ms, polling=50)


def _open(tab, url: str, heading: str, quiet_ms: int, timeout_ms: float) -> float:
    """Go to ``url``, wait for the page's heading and for it to settle; seconds."""
    started = time.perf_counter()
    tab.goto(url, timeout=timeout_ms)
    tab.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=timeout_ms)
    _settle(tab, False, quiet_ms, timeout_ms)
    return time.perf_counter() - started - quiet_ms / 1000


def _choose(tab, counter: WebsocketBytes, label: str, option: str, type_it: bool,
            quiet_ms: int, timeout_ms: float) -> dict:
    """Choose ``option`` in the sidebar selector ``label``, as a person does; wait
    until the page settles. The time, the bytes, what the page shows wrong."""
    select = tab.locator(SIDEBAR_SELECT).filter(
        has=tab.get_by_text(label, exact=True)).first
    select.click(timeout=timeout_ms)
    if type_it:
        tab.keyboard.type(option)
    choice = tab.get_by_role("option", name=option, exact=True)
    choice.wait_for(timeout=timeout_ms)
    tab.evaluate(ARM_JS)
    counter.reset()
    choice.click(timeout=timeout_ms)
    tab.keyboard.press("Escape")
    _settle(tab, True, quiet_ms, timeout_ms)
    times = tab.evaluate("() => ({t0: window.__tablero.t0, last: window.__tablero.last})")
    if times["t0"] is None:
        raise RuntimeError(f"no se registró el clic en «{option}»")
    return {"s": round((times["last"] - times["t0"]) / 1000, 3), "bytes": counter.bytes,
            "frames": counter.frames, "exceptions": tab.locator(EXCEPTION).count(),
            "error_boxes": tab.locator(ERROR_BOX).count(),
            "actividades": tab.evaluate(ACTIVIDADES_JS)}


def _unchoose(tab, label: str, quiet_ms: int, timeout_ms: float) -> None:
    """Take the chosen value out of the sidebar selector ``label`` (Backspace in
    it): back to the view before, found in the cache."""
    select = tab.locator(SIDEBAR_SELECT).filter(
        has=tab.get_by_text(label, exact=True)).first
    select.click(timeout=timeout_ms)
    tab.evaluate(ARM_JS)
    tab.keyboard.press("Backspace")
    tab.keyboard.press("Escape")
    _settle(tab, True, quiet_ms, timeout_ms)
    if select.locator("[data-baseweb='tag']").count():
        raise RuntimeError(f"«{label}» sigue con un valor elegido")


# What the page was doing when a step gave up.
STATE_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return {script: app?.dataset.testScriptState ?? null,
          connection: app?.dataset.testConnectionState ?? null,
          running_indicator: !!document.querySelector("[data-testid='stStatusWidget']"),
          stale: document.querySelectorAll("[data-stale='true']").length,
          elements: document.getElementsByTagName('*').length,
          ms_since_dom_change: window.__tablero
            ? Math.round(performance.now() - window.__tablero.last) : null};
}"""


def _failure(tab, step: str, error: Exception, shot: Path) -> dict:
    """A step that gave up: which, why, the page's state and a screenshot."""
    failure = {"step": step, "error": f"{type(error).__name__}: {error}"[:400]}
    with contextlib.suppress(Exception):
        failure["page"] = tab.evaluate(STATE_JS)
    with contextlib.suppress(Exception):
        tab.screenshot(path=str(shot.with_suffix(".png")), timeout=30_000)
        failure["screenshot"] = str(shot.with_suffix(".png"))
    return failure


def choices(db_path: Path) -> tuple[str, str]:
    """The first entity and the first phase (its code) the sidebar offers."""
    con = store.connect_readonly(db_path)
    try:
        entity = queries.options(con, Filters(), "entidad")[0]
        phase = queries.options(con, Filters(), "fase")[0]
    finally:
        con.close()
    return entity, phase


def phase_label(phase: str) -> str:
    return PHASE_LABELS.get(phase, phase)


def run(db_path: Path, workdir: Path | None = None, pages: list[str] | None = None,
        fresh_server: bool = True, quiet_ms: int = QUIET_MS, timeout: float = TIMEOUT_S,
        log=print) -> dict:
    """Measure. ``fresh_server=False`` keeps one server for every page (quicker,
    for the tests; the second page on finds the sidebar's and the header's
    queries cached, for the national view and for the chosen values)."""
    from tests.browser_support import launch_chromium, serve

    timeout_ms = timeout * 1000
    entity, phase_code = choices(db_path)
    phase = phase_label(phase_code)
    chosen = [p for p in PAGES if pages is None or p[2] in pages]
    result: dict = {"filter_change_s": {}, "bytes_per_rerun": {}, "frames_per_rerun": {},
                    "first_load_s": {}, "exceptions": {}, "error_boxes": {},
                    "actividades_shown": {}, "failures": {},
                    "unchoose_fallback": {},
                    "filter_change": {"fase": f"«Fase del ciclo de la gestión» = {phase}, "
                                              "todas las entidades",
                                      "entidad": f"«Entidad» = {entity}"},
                    "chosen": {"fase": phase_code, "entidad": entity},
                    "method": "widgets de la barra lateral (clic en la opción)",
                    "fresh_server_per_page": fresh_server, "quiet_ms": quiet_ms,
                    "load_average_before": os.getloadavg()}
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="navegador_")))
        browser = stack.enter_context(launch_chromium())
        url = None
        for number, (path, heading, name) in enumerate(chosen):
            context, tab, counter = _new_tab(browser)
            with contextlib.ExitStack() as page_stack:
                if url is None or fresh_server:
                    # The tab is ready before the server starts: the clock starts with it.
                    started = time.perf_counter()
                    owner = page_stack if fresh_server else stack
                    url = owner.enter_context(serve(db_path, workdir / (
                        f"streamlit_navegador_{name}.log" if fresh_server
                        else "streamlit_navegador.log")))
                    ready = time.perf_counter() - started
                page_stack.callback(context.close)  # closed before its server stops
                step = "primera carga"
                try:
                    if number == 0:
                        tab.goto(f"{url}/{path}", timeout=timeout_ms)
                        if path == "":
                            tab.wait_for_function(FIRST_CONTENT_JS, timeout=timeout_ms,
                                                  polling=50)
                            result["server_ready_s"] = round(ready, 2)
                            result["cold_start_s"] = round(time.perf_counter() - started, 2)
                        _settle(tab, False, quiet_ms, timeout_ms)
                        result["first_load_s"][name] = round(
                            time.perf_counter() - started - quiet_ms / 1000, 2)
                        if path == "":
                            result["cold_start_settled_s"] = result["first_load_s"][name]
                            log(f"  arranque en frío: primeras cifras {result['cold_start_s']} "
                                f"s, página asentada {result['cold_start_settled_s']} s")
                    else:
                        result["first_load_s"][name] = round(
                            _open(tab, f"{url}/{path}", heading, quiet_ms, timeout_ms), 2)
                    step = "elegir fase"
                    by_phase = _choose(tab, counter, "Fase del ciclo de la gestión", phase,
                                       False, quiet_ms, timeout_ms)
                    step = "quitar la fase"
                    try:
                        _unchoose(tab, "Fase del ciclo de la gestión", quiet_ms,
                                  min(timeout_ms, 60_000))
                    except Exception as error:  # noqa: BLE001
                        # Back to the national view in a new tab instead (from the cache).
                        result["unchoose_fallback"][name] = f"{type(error).__name__}: " \
                                                            f"{error}"[:300]
                        context, tab, counter = _new_tab(browser)
                        page_stack.callback(context.close)
                        _open(tab, f"{url}/{path}", heading, quiet_ms, timeout_ms)
                    step = "elegir entidad"
                    by_entity = _choose(tab, counter, "Entidad", entity, True, quiet_ms,
                                        timeout_ms)
                except Exception as error:  # noqa: BLE001  (reported per page)
                    result["failures"][name] = _failure(tab, step, error, workdir / name)
                    log(f"  {name}: FALLÓ en «{step}»: {result['failures'][name]}")
                    continue
            result["filter_change_s"][name] = {"fase": by_phase["s"], "entidad": by_entity["s"]}
            result["bytes_per_rerun"][name] = {"fase": by_phase["bytes"],
                                               "entidad": by_entity["bytes"]}
            result["frames_per_rerun"][name] = {"fase": by_phase["frames"],
                                                "entidad": by_entity["frames"]}
            result["exceptions"][name] = by_phase["exceptions"] + by_entity["exceptions"]
            result["error_boxes"][name] = by_phase["error_boxes"] + by_entity["error_boxes"]
            result["actividades_shown"][name] = {"fase": by_phase["actividades"],
                                                 "entidad": by_entity["actividades"]}
            log(f"  {name}: primera carga {result['first_load_s'][name]} s; elegir fase "
                f"{by_phase['s']} s ({by_phase['bytes']:,} B), elegir entidad "
                f"{by_entity['s']} s ({by_entity['bytes']:,} B)")
    result["load_average_after"] = os.getloadavg()
    return result
