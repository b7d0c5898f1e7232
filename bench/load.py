"""``python -m bench.load --sessions 30 [--json]``: a hearing's audience opens the
dashboard at once.

Starts ``streamlit run dashboard.py`` on 127.0.0.1 over the sample database
(built from ``sample_data/`` into a temporary folder, or ``--db``), then drives
N sessions concurrently. Each session opens the Resumen page (the default),
waits until the page is settled, chooses one entity in the sidebar's «Entidad»
selector and waits until the page is settled again. Prints, per session and
overall (median and worst), the time to the first settled page and to the
settled page after the filter change; the server's resident memory (the
streamlit process and its children) before, at its peak (sampled every 0,2 s)
and after, its CPU and its peak thread count; the machine's load average; and
what the client side cost (CPU seconds and peak memory). Three ways of driving
the sessions:

- ``--mode wire`` (default): N-1 sessions speak Streamlit's protocol without a
  browser (``tests/st_wire.py``: protobuf messages on ``/_stcore/stream``), each
  in a thread, and ONE real chromium session (the ``async`` code path) starts
  at the same moment (a barrier). At a hearing every viewer's browser draws the
  page on their own device; N browsers on the server's machine measure the
  browsers fighting the server for its cores instead (30 chromium spent 11
  times the server's CPU). The wire sessions ask the server for what N browsers
  ask on a first visit (the page and the files it lists, the websocket, the
  same two runs with the same widget state; not the chunks the page's scripts
  load later) at a small fraction of a browser's CPU, and the chromium session
  says what one viewer sees, drawing included;
- ``--mode async``: one Playwright, one chromium, N contexts, driven with
  ``asyncio.gather``;
- ``--mode threads``: one sync Playwright per thread, each with its own chromium
  (``tests.browser_support.launch_chromium``; the sync API cannot be shared
  across threads).

*Settled* in a browser means, read in one evaluation of the page: the
Streamlit app is connected and its script is not running
(``data-test-script-state`` of ``stApp``, the attribute Streamlit's own browser
tests wait on), no element is left stale from the previous run, the running
indicator is gone, and the «Actividades» figure and the sentence above it show
the expected view (computed with ``data_layer.queries.kpis`` on the same
database: the guard against reading the page before the rerun has even
started). For a wire session it means the server sent the end of the run
(``script_finished``, past any ``st.rerun``), and that run's «Actividades»
figure and sentence must be the expected ones (else the session fails).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from bench.common import git_revision, machine
from data_layer import es_co, loader, queries, store
from data_layer.filters import Filters
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, launch_chromium, serve
from tests.st_wire import Visitor, fetch_frontend

MODES = ("wire", "async", "threads")
TARGET_FILTER_MEDIAN_S = 2.0  # median settled filter change, wire sessions (bench/README.md)
SAMPLE_EVERY_S = 0.2
PAGE_SIZE = 4096
TICKS = os.sysconf("SC_CLK_TCK")

# True once the page shows the expected view and Streamlit has finished running.
SETTLED_JS = """([count, entity]) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.dataset.testScriptState !== 'notRunning'
      || app.dataset.testConnectionState !== 'CONNECTED') return false;
  if (document.querySelector("[data-testid='stStatusWidget']")) return false;
  if (document.querySelector("[data-testid='stElementContainer'][data-stale='true']")) return false;
  // All six headline figures drawn (a loaded machine can be seen between them).
  const metrics = document.querySelectorAll("[data-testid='stMetric']");
  if (metrics.length < 6) return false;
  const shown = [...metrics].some(m =>
      m.querySelector("[data-testid='stMetricLabel']")?.innerText.trim() === 'Actividades'
      && m.querySelector("[data-testid='stMetricValue']")?.innerText.trim() === count);
  const sentence = [...document.querySelectorAll("[data-testid='stAlert']")].some(a =>
      a.innerText.includes(entity));
  return shown && sentence;
}"""
METRICS_JS = """() => Object.fromEntries(
  [...document.querySelectorAll("[data-testid='stMetric']")].map(m => [
    m.querySelector("[data-testid='stMetricLabel']").innerText.trim(),
    m.querySelector("[data-testid='stMetricValue']").innerText.trim()]))"""
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"
ENTITY_SELECT = "[data-testid='stSidebar'] [data-testid='stMultiSelect']"


def expected_view(db_path: Path, entity: str | None) -> tuple[str, str]:
    """The «Actividades» figure and the words of the sentence above it that the
    Resumen shows for all entities (``None``) or for one."""
    con = store.connect_readonly(db_path)
    try:
        filters = Filters(entidad=(entity,)) if entity else Filters()
        count = int(queries.kpis(con, filters).iloc[0]["Actividades"])
    finally:
        con.close()
    head = "Mostrando " + es_co.plural(count, "actividad", "actividades")
    return es_co.integer(count), f"{head} de {entity}" if entity else \
        f"{head} de todas las entidades"


def session_steps(page, url: str, entity: str, before: tuple[str, str],
                  after: tuple[str, str], timeout_ms: float) -> Generator:
    """One person: open the Resumen, wait, choose ``entity``, wait.

    Written once for both APIs: each ``yield`` hands over a Playwright call (a
    result with the sync API, an awaitable with the async one) and receives
    its result; see :func:`drive_sync` and :func:`drive_async`.
    """
    started = time.perf_counter()
    yield page.goto(url, timeout=timeout_ms)
    yield page.wait_for_function(SETTLED_JS, arg=list(before), timeout=timeout_ms, polling=50)
    first = time.perf_counter() - started
    metrics_before = yield page.evaluate(METRICS_JS)
    yield page.locator(ENTITY_SELECT).first.click(timeout=timeout_ms)
    option = page.get_by_role("option", name=entity, exact=True)
    yield option.wait_for(timeout=timeout_ms)
    changed = time.perf_counter()
    yield option.click(timeout=timeout_ms)
    yield page.keyboard.press("Escape")
    yield page.wait_for_function(SETTLED_JS, arg=list(after), timeout=timeout_ms, polling=50)
    change = time.perf_counter() - changed
    metrics_after = yield page.evaluate(METRICS_JS)
    errors = yield page.locator(ERRORS).count()
    return {"entidad": entity, "first_settled_s": round(first, 3),
            "filter_settled_s": round(change, 3), "metrics_before": metrics_before,
            "metrics_after": metrics_after, "errors": errors}


def drive_sync(steps: Generator) -> dict:
    value = None
    try:
        while True:
            value = steps.send(value)
    except StopIteration as stop:
        return stop.value


async def drive_async(steps: Generator) -> dict:
    value = None
    try:
        while True:
            value = await steps.send(value)
    except StopIteration as stop:
        return stop.value


CONTEXT = {"viewport": {"width": 1400, "height": 900}, "locale": "es-CO"}


async def _run_async(url: str, plans: list[tuple], timeout_ms: float,
                     ready: threading.Barrier | None = None) -> list:
    """The chromium sessions in one browser. With ``ready`` (``--mode wire``),
    each opens the page only once that barrier lets the wire sessions start too."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=CHROMIUM_ARGS)
        try:
            async def one(entity, before, after):
                context = await browser.new_context(**CONTEXT)
                try:
                    page = await context.new_page()
                    if ready is not None:
                        await asyncio.to_thread(ready.wait, timeout_ms / 1000)
                    return await drive_async(session_steps(page, url, entity, before, after,
                                                           timeout_ms))
                except BaseException:
                    if ready is not None:
                        ready.abort()  # the wire sessions do not wait for this one
                    raise
                finally:
                    await context.close()

            return await asyncio.gather(*(one(*plan) for plan in plans),
                                        return_exceptions=True)
        finally:
            await browser.close()


def wire_session(url: str, entity: str, before: tuple[str, str], after: tuple[str, str],
                 timeout_s: float) -> dict:
    """One person without a browser: fetch the page's files, open the websocket,
    run the Resumen, then rerun it with ``entity`` chosen in «Entidad» (the
    widget state a browser sends: the option's label). The other widgets are
    not sent: their values are in the session's state (they all have keys), so
    the run is the one a browser's full widget state gives."""
    started = time.perf_counter()
    frontend = fetch_frontend(url, timeout_s)
    fetched = time.perf_counter() - started
    with Visitor(url) as visitor:
        page = visitor.run(timeout=timeout_s, settle=True)
        first = time.perf_counter() - started
        _check_view(page, before, "primera carga")
        widget = page.widget_id("multiselect", "Entidad")
        changed = time.perf_counter()
        filtered = visitor.run({widget: [entity]}, timeout=timeout_s, settle=True)
        change = time.perf_counter() - changed
        _check_view(filtered, after, entity)
    return {"entidad": entity, "client": "wire", "first_settled_s": round(first, 3),
            "filter_settled_s": round(change, 3), "metrics_before": page.metrics(),
            "metrics_after": filtered.metrics(), "errors": page.errors() + filtered.errors(),
            "frontend_bytes": frontend, "frontend_s": round(fetched, 3)}


def _as_read(markdown: str) -> str:
    """Markdown as the page reads: ``ui.safe.md`` escapes punctuation with a
    backslash and puts an invisible word joiner after some of it."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def _check_view(run, expected: tuple[str, str], what: str) -> None:
    count, sentence = expected
    shown = run.metrics().get("Actividades")
    said = any(sentence in _as_read(text) for text in run.texts("alert"))
    if shown != count or not said:
        raise AssertionError(f"{what}: «Actividades» {shown!r}, se esperaba {count!r}; la frase "
                             f"«{sentence}» {'está' if said else 'no está'} (fin de la "
                             f"ejecución: {run.status})")


def _run_wire(url: str, plans: list[tuple], timeout_ms: float) -> list:
    """``plans[0]`` in chromium, the others on the wire, all let go at once."""
    ready = threading.Barrier(len(plans))

    def one(plan: tuple) -> dict | BaseException:
        try:
            ready.wait(timeout_ms / 1000)
            return wire_session(url, *plan, timeout_ms / 1000)
        except Exception as error:  # noqa: BLE001  (reported per session)
            ready.abort()
            return error

    with ThreadPoolExecutor(max_workers=max(1, len(plans) - 1),
                            thread_name_prefix="wire") as pool:
        wires = [pool.submit(one, plan) for plan in plans[1:]]
        try:
            browser = asyncio.run(_run_async(url, plans[:1], timeout_ms, ready))
        except Exception as error:  # noqa: BLE001  (chromium did not start)
            ready.abort()
            browser = [error]
        wired = [future.result() for future in wires]
    return [{**browser[0], "client": "chromium"} if isinstance(browser[0], dict)
            else browser[0], *wired]


def _run_threads(url: str, plans: list[tuple], timeout_ms: float) -> list:
    results: list = [None] * len(plans)
    # Every browser is launched before any session starts: they open the page at once.
    ready = threading.Barrier(len(plans))

    def one(number: int, entity, before, after) -> None:
        try:
            with launch_chromium() as browser:
                context = browser.new_context(**CONTEXT)
                ready.wait(timeout_ms / 1000)
                try:
                    results[number] = drive_sync(session_steps(
                        context.new_page(), url, entity, before, after, timeout_ms))
                finally:
                    context.close()
        except Exception as error:  # noqa: BLE001  (reported per session)
            ready.abort()  # the others do not wait for this one
            results[number] = error

    threads = [threading.Thread(target=one, args=(number, *plan))
               for number, plan in enumerate(plans)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# --- /proc: process trees, memory, CPU ---------------------------------------------------

def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from the 3rd (state) on


def descendants(root: int) -> list[int]:
    """``root`` and every process below it."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    return total


def pss_bytes(pids: list[int]) -> int:
    """Proportional memory: the browser's processes share most of their pages,
    so their RSS added up would count those pages once per process."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
    return total


def cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS if fields else 0.0


def threads(pid: int) -> int:
    """The threads of one process (Streamlit runs each session's script in one)."""
    with contextlib.suppress(OSError, StopIteration, ValueError):
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        return int(next(line for line in status if line.startswith("Threads:")).split()[1])
    return 0


def _server_pid(port: int) -> int:
    """The ``streamlit run`` that :func:`tests.browser_support.serve` started."""
    for pid in descendants(os.getpid()):
        with contextlib.suppress(OSError):
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"streamlit" in b" ".join(args) and str(port).encode() in args:
                return pid
    raise RuntimeError("no encuentro el proceso de streamlit")


class Sampler(threading.Thread):
    """Every 0,2 s: the server's memory, the browser side's memory and CPU, the load."""

    def __init__(self, server_pid: int) -> None:
        super().__init__(daemon=True)
        self.server_pid = server_pid
        self.stop = threading.Event()
        self.server_peak = 0
        self.client_peak = 0
        self.load_peak = 0.0
        self.threads_peak = 0
        self.client_cpu: dict[int, float] = {}  # pid → last CPU seconds seen
        self.samples = 0

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(SAMPLE_EVERY_S)
        self.sample()

    def sample(self) -> None:
        server = set(descendants(self.server_pid))
        client = [pid for pid in descendants(os.getpid()) if pid not in server
                  and pid != os.getpid()]
        self.server_peak = max(self.server_peak, rss_bytes(list(server)))
        self.client_peak = max(self.client_peak, pss_bytes(client))
        for pid in client:
            self.client_cpu[pid] = max(self.client_cpu.get(pid, 0.0), cpu_seconds(pid))
        self.load_peak = max(self.load_peak, os.getloadavg()[0])
        self.threads_peak = max(self.threads_peak, threads(self.server_pid))
        self.samples += 1


@contextlib.contextmanager
def sampling(server_pid: int) -> Iterator[Sampler]:
    sampler = Sampler(server_pid)
    sampler.start()
    try:
        yield sampler
    finally:
        sampler.stop.set()
        sampler.join()


def _mb(value: int) -> float:
    return round(value / 1e6, 1)


def _summary(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 3), "worst": round(max(values), 3)} \
        if values else {"median": None, "worst": None}


def sample_database(workdir: Path) -> Path:
    path = workdir / "tablero_carga.duckdb"
    loader.ensure_database(path)
    return path


def run(db_path: Path | None = None, sessions: int = 3, mode: str = "wire",
        entities: list[str] | None = None, workdir: Path | None = None, timeout: float = 180,
        warm: bool = True, log=print) -> dict:
    """Drive ``sessions`` concurrent sessions against a fresh server; the report.
    In ``wire`` mode, session 0 is the chromium one."""
    if mode not in MODES:
        raise ValueError(f"modo desconocido: {mode}")
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="carga_")))
        db_path = Path(db_path) if db_path else sample_database(workdir)
        if not entities:
            con = store.connect_readonly(db_path)
            try:
                entities = queries.options(con, Filters(), "entidad")
            finally:
                con.close()
        before = expected_view(db_path, None)
        after = {entity: expected_view(db_path, entity) for entity in set(entities)}
        chosen = [entities[number % len(entities)] for number in range(sessions)]
        plans = [(entity, before, after[entity]) for entity in chosen]
        url = stack.enter_context(serve(db_path, workdir / "streamlit_carga.log"))
        server = _server_pid(int(url.rsplit(":", 1)[1]))
        report: dict = {"sessions": sessions, "mode": mode, "database": str(db_path)}
        timeout_ms = timeout * 1000
        if warm:  # the server has been up a while: the default view is in its caches
            log("  Calentamiento: una sesión abre el Resumen…")
            started = time.perf_counter()
            with launch_chromium() as browser:
                context = browser.new_context(**CONTEXT)
                page = context.new_page()
                page.goto(url, timeout=timeout_ms)
                page.wait_for_function(SETTLED_JS, arg=list(before), timeout=timeout_ms)
                context.close()
            report["warm_up_s"] = round(time.perf_counter() - started, 2)
            time.sleep(1)
        server_before = rss_bytes(descendants(server))
        server_cpu_before = sum(cpu_seconds(pid) for pid in descendants(server))
        own_cpu_before = sum(os.times()[:2])
        load_before = os.getloadavg()
        log(f"  {sessions} sesiones a la vez ({mode}"
            + (f": 1 en chromium y {sessions - 1} por el protocolo" if mode == "wire" else "")
            + ")…")
        started = time.perf_counter()
        with sampling(server) as sampler:
            if mode == "wire":
                results = _run_wire(url, plans, timeout_ms)
            elif mode == "async":
                results = asyncio.run(_run_async(url, plans, timeout_ms))
            else:
                results = _run_threads(url, plans, timeout_ms)
        wall = time.perf_counter() - started
        own_cpu = sum(os.times()[:2]) - own_cpu_before
        time.sleep(2)
        server_cpu = sum(cpu_seconds(pid) for pid in descendants(server)) - server_cpu_before
        browsers_cpu = sum(sampler.client_cpu.values())
        report.update({
            "wall_s": round(wall, 2),
            "server_rss_mb": {"before": _mb(server_before), "peak": _mb(sampler.server_peak),
                              "after": _mb(rss_bytes(descendants(server)))},
            "server_cpu_s": round(server_cpu, 1),
            # Cores the server kept busy on average (≤ 1 for Python bytecode: the GIL).
            "server_cores_used": round(server_cpu / wall, 2),
            "server_threads_peak": sampler.threads_peak,
            "client": {"cpu_s": round(browsers_cpu + own_cpu, 1),
                       # this Python process: the wire sessions, the sampler and
                       # the Python side of Playwright
                       "python_cpu_s": round(own_cpu, 1),
                       # chromium and Playwright's driver (node)
                       "browser_cpu_s": round(browsers_cpu, 1),
                       "peak_pss_mb": _mb(sampler.client_peak),
                       "python_peak_rss_mb": _mb(
                           resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024),
                       "processes": len(sampler.client_cpu)},
            "load_average": {"before_1m": load_before[0], "peak_1m": round(sampler.load_peak, 2),
                             "after_1m": os.getloadavg()[0],
                             "after_5m": os.getloadavg()[1]},
            "rss_samples": sampler.samples,
        })
    rows, failures = [], []
    for number, result in enumerate(results):
        if isinstance(result, BaseException):
            failures.append({"session": number, "entidad": chosen[number],
                             "error": f"{type(result).__name__}: {result}"[:500]})
        else:
            rows.append({"session": number, **result})
    report["per_session"] = rows
    report["failures"] = failures
    if rows:
        report["server_cpu_s_per_session"] = round(report["server_cpu_s"] / len(rows), 2)
    # In wire mode the summaries are the wire sessions' (the target); the one
    # chromium session, which also draws the page, is reported apart.
    measured = [row for row in rows if row.get("client") != "chromium"] \
        if mode == "wire" else rows
    report["first_settled_s"] = _summary([row["first_settled_s"] for row in measured])
    report["filter_settled_s"] = _summary([row["filter_settled_s"] for row in measured])
    if mode == "wire":
        browser = next((row for row in rows if row.get("client") == "chromium"), None)
        report["chromium"] = {key: browser[key] if browser else None
                              for key in ("first_settled_s", "filter_settled_s")}
        median = report["filter_settled_s"]["median"]
        report["target"] = {"filter_settled_median_max_s": TARGET_FILTER_MEDIAN_S,
                            "met": median is not None and not failures
                            and median <= TARGET_FILTER_MEDIAN_S}
    return report


def table(report: dict) -> str:
    def s(value) -> str:
        return "—" if value is None else f"{value:.2f}".replace(".", ",")

    wire = report["mode"] == "wire"
    what = "sesiones (1 en chromium, las demás por el protocolo)" if wire else \
        "sesiones de navegador"
    lines = [f"Tablero — {report['sessions']} {what} a la vez "
             f"({report['mode']}, {report['date']}, {report['machine'].get('cpus')} núcleos)", "",
             f"{'sesión':>6}  {'cliente':<9}{'entidad':<48}{'primera carga':>14}"
             f"{'tras el filtro':>16}"]
    for row in report["per_session"]:
        lines.append(f"{row['session']:>6}  {row.get('client', 'chromium'):<9}"
                     f"{row['entidad'][:47]:<48}"
                     f"{s(row['first_settled_s']):>14}{s(row['filter_settled_s']):>16}")
    for failure in report["failures"]:
        lines.append(f"{failure['session']:>6}  FALLÓ: {failure['error'][:100]}")
    first, change = report["first_settled_s"], report["filter_settled_s"]
    rss, load, client = report["server_rss_mb"], report["load_average"], report["client"]
    warm = f"calentamiento {s(report['warm_up_s'])} s; " if "warm_up_s" in report else ""
    lines += [
        "",
        f"Página asentada (s{', sesiones por el protocolo' if wire else ''}): {warm}primera "
        f"carga mediana {s(first['median'])}, peor {s(first['worst'])}; tras el filtro "
        f"mediana {s(change['median'])}, peor {s(change['worst'])}",
    ]
    if wire:
        browser, target = report["chromium"], report["target"]
        lines += [
            f"La sesión de chromium (con el dibujo de la página): primera carga "
            f"{s(browser['first_settled_s'])} s, tras el filtro {s(browser['filter_settled_s'])} s",
            f"Objetivo (mediana tras el filtro ≤ {s(target['filter_settled_median_max_s'])} s): "
            + ("cumplido" if target["met"] else "NO cumplido"),
        ]
    lines += [
        f"Memoria del servidor (MB): antes {rss['before']}, pico {rss['peak']}, "
        f"después {rss['after']}; CPU del servidor {report['server_cpu_s']} s "
        f"({report.get('server_cpu_s_per_session', '—')} s por sesión) en {report['wall_s']} s: "
        f"{s(report['server_cores_used'])} núcleos en promedio, hasta "
        f"{report['server_threads_peak']} hilos",
        f"Clientes ({report['mode']}): CPU {client['cpu_s']} s (Python {client['python_cpu_s']} s, "
        f"navegadores {client['browser_cpu_s']} s), memoria pico de los navegadores (PSS) "
        f"{client['peak_pss_mb']} MB en {client['processes']} procesos",
        f"Carga media de 1 min: antes {load['before_1m']:.2f}, pico {load['peak_1m']:.2f}, "
        f"después {load['after_1m']:.2f}",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="sesiones a la vez")
    parser.add_argument("--mode", choices=MODES, default="wire",
                        help="wire: una sesión en chromium y las demás por el protocolo de "
                             "Streamlit, sin navegador; async: todas en chromium, un Playwright "
                             "y un chromium; threads: todas en chromium, uno por hilo")
    parser.add_argument("--db", default=None,
                        help="base de datos (por defecto, la de ejemplo en una carpeta temporal)")
    parser.add_argument("--entidad", action="append", default=None,
                        help="entidad que elige cada sesión (repetible; por defecto se reparten "
                             "todas)")
    parser.add_argument("--cold", action="store_true",
                        help="sin calentamiento: la primera sesión abre la base")
    parser.add_argument("--timeout", type=float, default=180, help="segundos por paso")
    parser.add_argument("--json", action="store_true", help="un solo objeto JSON en stdout")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    if not CHROMIUM.exists():
        log("No está /usr/bin/chromium (apt-get install chromium).")
        return 2
    report = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "command": "python -m bench.load " + " ".join(sys.argv[1:] if argv is None else argv),
        "revision": git_revision(),
        "machine": machine(),
    }
    report.update(run(args.db, sessions=args.sessions, mode=args.mode, entities=args.entidad,
                      timeout=args.timeout, warm=not args.cold, log=log))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str))
    else:
        print(table(report))
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
