"""The load benchmark (bench/load.py) at its smallest, over the sample database:
two browser sessions at once (``--mode async``), and three protocol sessions
plus one browser session at once (``--mode wire``, the default), each opening
the Resumen and choosing an entity.

Checks what the figures rest on: every session reached the settled Resumen
(all entities), the filter change showed the entity's own figures (computed
here with ``data_layer.queries.kpis`` on the same file), and the timings and
memory readings are real numbers. About 25 s each on a quiet machine; the
generous step timeout is for a machine busy with other work (a first page took
70 s at a load average of 19 on 2 cores).
"""
from __future__ import annotations

import pytest

from bench import load
from data_layer import es_co, loader, queries, store
from data_layer.filters import Filters
from data_layer.queries import AVANCE
from tests.browser_support import CHROMIUM
from tests.conftest import SANATORIO
from ui import safe

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="sin /usr/bin/chromium")]

ILUSTRATIVO = "Alcaldía de Cartago (EJEMPLO ILUSTRATIVO)"


def shown_metrics(con, filters: Filters) -> dict[str, str]:
    """The six figures of the Resumen as the page writes them."""
    kpis = queries.kpis(con, filters).iloc[0]
    figures = {label: es_co.integer(kpis[label]) for label in
               ("Actividades", "Cumplidas", "Vencidas", "Sin reporte", "No programadas")}
    figures["Avance general"] = es_co.percent(kpis[AVANCE]) or "Sin dato"
    return figures


def test_two_sessions_open_the_resumen_and_choose_an_entity(tmp_path):
    db_path = tmp_path / "ejemplo.duckdb"
    loader.ensure_database(db_path)
    con = store.connect_readonly(db_path)
    try:
        everything = shown_metrics(con, Filters())
        per_entity = {entity: shown_metrics(con, Filters(entidad=(entity,)))
                      for entity in (SANATORIO, ILUSTRATIVO)}
    finally:
        con.close()
    assert everything["Actividades"] == "47"  # the five sample plans
    assert per_entity[SANATORIO]["Vencidas"] != everything["Vencidas"]

    report = load.run(db_path, sessions=2, mode="async", entities=[SANATORIO, ILUSTRATIVO],
                      workdir=tmp_path, timeout=240, log=lambda _message: None)

    assert report["failures"] == []
    sessions = report["per_session"]
    assert [row["entidad"] for row in sessions] == [SANATORIO, ILUSTRATIVO]
    for row in sessions:
        assert row["metrics_before"] == everything
        assert row["metrics_after"] == per_entity[row["entidad"]]
        assert row["errors"] == 0
        assert row["first_settled_s"] > 0 and row["filter_settled_s"] > 0
    for summary in (report["first_settled_s"], report["filter_settled_s"]):
        assert 0 < summary["median"] <= summary["worst"]
    rss = report["server_rss_mb"]
    assert 20 < rss["before"] <= rss["peak"] and rss["after"] > 20
    assert report["server_cpu_s"] > 0 and report["client"]["cpu_s"] > 0
    assert report["load_average"]["peak_1m"] > 0


def test_wire_sessions_and_one_browser_choose_their_entities_at_once(tmp_path):
    db_path = tmp_path / "ejemplo.duckdb"
    loader.ensure_database(db_path)
    con = store.connect_readonly(db_path)
    try:
        entities = queries.options(con, Filters(), "entidad")
        everything = shown_metrics(con, Filters())
        per_entity = {entity: shown_metrics(con, Filters(entidad=(entity,)))
                      for entity in entities}
        counts = {entity: int(queries.kpis(con, Filters(entidad=(entity,))).iloc[0]["Actividades"])
                  for entity in entities}
    finally:
        con.close()
    # Three wire sessions on entities of different counts: one that showed
    # another's view would fail; the browser's entity is the sample's illustration.
    wire: list[str] = []
    for entity in entities:
        if entity != ILUSTRATIVO and counts[entity] not in {counts[w] for w in wire}:
            wire.append(entity)
    assert len(wire) >= 3 and ILUSTRATIVO in entities
    chosen = [ILUSTRATIVO, *wire[:3]]

    # Cold (no warm-up session): faster, and the first runs open the database.
    report = load.run(db_path, sessions=4, mode="wire", entities=chosen, workdir=tmp_path,
                      timeout=240, warm=False, log=lambda _message: None)

    assert report["failures"] == []
    sessions = report["per_session"]
    assert [(row["client"], row["entidad"]) for row in sessions] == \
        [("chromium", chosen[0])] + [("wire", entity) for entity in chosen[1:]]
    for row in sessions:
        assert row["metrics_before"] == everything
        assert row["metrics_after"] == per_entity[row["entidad"]]
        assert row["metrics_after"]["Actividades"] == es_co.integer(counts[row["entidad"]])
        assert row["errors"] == 0
        assert row["first_settled_s"] > 0 and row["filter_settled_s"] > 0
    for row in sessions[1:]:
        assert row["frontend_bytes"] > 500_000  # the page's scripts were fetched
    # The summaries are the wire sessions'; the browser's figures apart.
    wires = [row["filter_settled_s"] for row in sessions[1:]]
    assert report["filter_settled_s"] == {"median": sorted(wires)[1], "worst": max(wires)}
    assert report["chromium"] == {key: sessions[0][key]
                                  for key in ("first_settled_s", "filter_settled_s")}
    assert report["target"]["met"] == (report["filter_settled_s"]["median"] <= 2.0)
    assert report["server_cpu_s"] > 0 and report["server_threads_peak"] > 4
    client = report["client"]
    assert client["python_cpu_s"] > 0 and client["browser_cpu_s"] > 0
    assert client["cpu_s"] == pytest.approx(client["python_cpu_s"] + client["browser_cpu_s"],
                                            abs=0.11)


def test_the_wire_check_reads_the_sentence_as_the_page_shows_it():
    sentence = "Mostrando 9 actividades de Alcaldía de Cartago (EJEMPLO ILUSTRATIVO)"
    assert load._as_read(safe.md(sentence)) == sentence
    assert load._as_read(safe.md("Entidad: a@b.co — www.x.co \\ [1]")) == \
        "Entidad: a@b.co — www.x.co \\ [1]"
