"""The browser part of the benchmarks (bench/browser.py) at a small scale:
``python -m bench --only browser --json`` on 2,000 synthetic activities, one
server for every page (``--browser-one-server``) to keep it near a minute.

Checks the JSON's shape and what the figures rest on, not the timings: every
page settled after each filter change (the run fails otherwise) with no
exception on it, the server sent the rerun over the websocket, the change took
effect (the Resumen's «Actividades» figure is the one ``queries.kpis`` gives
for the chosen phase and for the chosen entity), and the targets are checked.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench import browser
from bench.common import synthetic_database
from data_layer import es_co, queries, store
from data_layer.filters import Filters
from tests.browser_support import CHROMIUM
from tests.conftest import ROOT

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="sin /usr/bin/chromium")]

PAGES = ["resumen", "avance", "dependencias", "fases", "actividades", "calidad", "presentacion"]
TARGETS = ["browser_cold_start_s", "browser_filter_change_fase_s",
           "browser_filter_change_entidad_s"]


def test_browser_part_at_small_scale(tmp_path):
    db_path = synthetic_database(tmp_path, 2000)
    entity, phase = browser.choices(db_path)
    con = store.connect_readonly(db_path)
    try:
        expected = {change: es_co.integer(queries.kpis(con, filters).iloc[0]["Actividades"])
                    for change, filters in (("fase", Filters(fase=(phase,))),
                                            ("entidad", Filters(entidad=(entity,))),
                                            ("nacional", Filters()))}
    finally:
        con.close()
    assert len({expected["fase"], expected["entidad"], expected["nacional"]}) == 3

    out = subprocess.run(
        [sys.executable, "-m", "bench", "--activities", "2000", "--only", "browser", "--json",
         "--browser-one-server", "--browser-quiet-ms", "300", "--workdir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout)

    assert 0 < report["browser_cold_start_s"] < 300
    changes, sent = report["browser_filter_change_s"], report["browser_bytes_per_rerun"]
    assert list(changes) == PAGES == list(sent)
    detail = report["browser"]
    assert detail["chosen"] == {"fase": phase, "entidad": entity}
    for page in PAGES:
        assert set(changes[page]) == {"fase", "entidad"} == set(sent[page])
        assert all(0 < s < 300 for s in changes[page].values()), changes[page]
        # Each rerun came over the websocket: at least the new figures and "finished".
        assert all(size > 1000 for size in sent[page].values()), sent[page]
        assert detail["exceptions"][page] == 0
        assert detail["error_boxes"][page] == 0
    assert detail["actividades_shown"]["resumen"] == {"fase": expected["fase"],
                                                      "entidad": expected["entidad"]}
    assert set(TARGETS) <= set(report["targets"])
    for name in TARGETS:
        assert isinstance(report["targets"][name]["met"], bool)
    worst = report["targets"]["browser_filter_change_entidad_s"]
    assert worst["value"] == max(c["entidad"] for c in changes.values())
