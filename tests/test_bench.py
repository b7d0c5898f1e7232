"""The benchmarks at a small scale, so they cannot rot, and the checks behind their claims.

- ``python -m bench --json`` runs end to end on 2,000 activities and a few tiny
  workbooks and prints one JSON object of the expected shape (the figures
  themselves are not asserted: timings depend on the machine);
- the states read from the derived tables (data_layer.status.DERIVED_SQL) are
  the states of the reference SQL (status.activity_state_sql), row by row, on
  the hand-made database and on a synthetic one full of awkward cases;
- the pandas baseline gives the very same figures as our queries, so the
  ratios compare like with like;
- the vectorised drill-down column is the text drill.add_column writes;
- the in-memory copies of the small derived tables follow an import.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bench import queries as bench_queries
from data_layer import drill, queries, sql, status, store, synth
from data_layer.filters import Filters
from data_layer.semaforo import Umbrales
from tests.conftest import CARTAGO, ROOT, SANATORIO

PAGES = ["resumen", "avance", "dependencias", "fases", "actividades", "calidad", "presentacion"]
SMALL = ["--activities", "2000", "--json", "--repeat", "1", "--pandas-repeat", "1",
         "--ingest-large", "150", "--ingest-files", "2", "--ingest-per-file", "15",
         "--ingest-repeat", "1"]


def _bench(tmp_path: Path, *extra: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench", *SMALL, "--workdir", str(tmp_path), *extra],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def test_writing_is_measured_as_a_whole_process(tmp_path):
    report = _bench(tmp_path, "--only", "write")
    assert report["write_s"] > 0 and report["write_peak_mb"] > 50  # python, duckdb, pandas
    assert report["write"]["file_mb"] > 0
    assert set(report["targets"]) == {"write_peak_mb"}
    assert not list(tmp_path.glob("escritura_*"))  # the database it wrote is gone


def test_bench_json_at_small_scale(tmp_path):
    report = _bench(tmp_path, "--only", "queries,pages,ingest")
    assert report["activities"] == 2000
    assert set(report["page_queries_ms"]) == set(PAGES)
    assert all(ms > 0 for ms in report["page_queries_ms"].values())
    assert set(report["page_queries_ms_una_entidad"]) == set(PAGES)
    assert set(bench_queries.HEAVY) <= set(report["pandas_ratio"])
    # the careful baseline's count of activities is a len(): it may round to 0
    assert all(ratio >= 0 for ratio in report["pandas_ratio"].values())
    assert all(report["pandas_ratio"][query] > 0 for query in bench_queries.HEAVY)
    for view in report["queries"]["views"].values():
        assert set(view["pandas_naive_ratio"]) == set(view["query_ms"]) == set(view["pandas_ms"])
        assert all(ratio > 0 for ratio in view["pandas_naive_ratio"].values())
        assert set(view["pandas_filter_ms"]) == {"estado_al_corte", "historia"}
        for key in ("pandas_page_ms", "pandas_page_ratio", "pandas_naive_page_ms",
                    "pandas_naive_page_ratio"):
            assert set(view[key]) == set(PAGES)
            assert all(value > 0 for value in view[key].values())
    assert set(report["page_rerun_s"]) == set(PAGES) == set(report["page_first_load_s"])
    assert all(0 < s < 60 for s in report["page_rerun_s"].values())
    pages = report["pages"]
    assert report["page_rerun_s"] == {
        page: max(pages["rerun_entidad_s"][page], pages["rerun_fase_s"][page]) for page in PAGES}
    assert report["pages"]["errors"] == {}, report["pages"]["errors"]
    workloads = report["ingest"]["workloads"]
    assert workloads["un_archivo_grande"]["activities"] == 150
    assert workloads["archivos_pequenos"]["activities"] == 30
    assert report["ingest_ratio"] > 1  # ours reads with openpyxl and does more
    assert report["ingest"]["profile"]["seconds_by_module"]
    assert set(report["targets"]) == {"page_queries_ms", "page_queries_ms_una_entidad",
                                      "first_query_s", "page_rerun_s", "ingest_ratio",
                                      "pandas_ratio"}
    assert report["ingest_ratio"] == max(w["ratio_vs_calamine"]
                                         for w in report["ingest"]["workloads"].values())
    assert report["ingest"]["process_s"]["ours"] > report["ingest"]["process_s"]["calamine"] > 0
    # the floor (calamine, then its raw values into DuckDB) is above calamine, below ours
    for workload in workloads.values():
        seconds = workload["seconds"]
        assert seconds["calamine"] < seconds["calamine_into_duckdb"] < seconds["ours"]
    assert report["ingest"]["ingest_floor_ratio"] == max(
        w["floor_ratio_vs_calamine"] for w in workloads.values())
    assert all(isinstance(t["met"], bool) for t in report["targets"].values())
    assert report["machine"]["cpus"] and report["machine"]["versions"]["duckdb"]


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="sin chromium")
def test_bench_memory_at_small_scale(tmp_path):
    report = _bench(tmp_path, "--only", "memory", "--sessions", "2")
    assert set(report["rss_mb"]) >= {"0", "1", "2"}
    assert report["rss_mb"]["1"] > report["rss_mb"]["0"] > 20
    assert isinstance(report["rss_mb_per_extra_session"], float)
    assert set(report["targets"]) == {"rss_mb_per_extra_session"}


# --------------------------------------------- derived tables = the definition


def awkward_database(path: Path, activities: int = 700) -> Path:
    """A synthetic database with the cases the derived tables must get right."""
    synth.write_database(path, activities, entities=12)
    con = duckdb.connect(str(path))
    for statement in [
        # a second import corrects some readings of some plans (history)
        "INSERT INTO import_file SELECT 1000 + plan_id, plan_id, 'seg_' || plan_id || '.xlsx', "
        "'seg-' || plan_id, 'xlsx', 'x', TIMESTAMP '2026-02-01', 'b', 0, 0, 0, 0, ['P'], '{}', "
        "'{}', '{}' FROM plan WHERE plan_id % 3 = 0",
        "INSERT INTO reading SELECT r.activity_id, r.period_kind, r.period_index, r.period_label, "
        "r.cutoff, 'avance', coalesce(r.value, 0) + 7, 'x', NULL, NULL, 'corregido', NULL, "
        "1000 + r.import_id FROM reading r JOIN activity a USING (activity_id) "
        "WHERE a.plan_id % 3 = 0 AND r.period_index = 2 AND a.activity_id % 10 = 0",
        # a gap: no reading in the third quarter
        "DELETE FROM reading WHERE activity_id % 7 = 0 AND period_index = 3",
        # a monthly reading with the same cutoff as the quarterly one
        "INSERT INTO reading SELECT activity_id, 'mes', 3, 'Marzo', cutoff, 'avance', 99, '99%', "
        "NULL, NULL, 'mensual', NULL, import_id FROM reading "
        "WHERE activity_id % 11 = 0 AND period_index = 1",
        # due dates from the schedule grid, or none at all
        "UPDATE activity SET due_date = NULL WHERE activity_id % 13 = 0",
        "DELETE FROM schedule WHERE activity_id % 26 = 0",
        "INSERT INTO schedule SELECT activity_id, DATE '2024-11-01', 0 FROM activity "
        "WHERE activity_id % 39 = 0",
        # no office; a plan never followed up; readings without a cutoff
        "DELETE FROM activity_office WHERE activity_id % 17 = 0",
        "DELETE FROM reading WHERE activity_id IN (SELECT activity_id FROM activity WHERE plan_id = 5)",
        "UPDATE reading SET cutoff = NULL WHERE activity_id % 19 = 0 AND period_index = 4",
        # an avance without a number, unreadable cells, planned vs executed, observations
        "UPDATE reading SET value = NULL WHERE activity_id % 23 = 0 AND period_index = 1 "
        "AND state = 'avance'",
        "UPDATE reading SET state = 'ilegible', value = NULL WHERE activity_id % 29 = 0 "
        "AND period_index = 2",
        "UPDATE reading SET planned = 4, executed = (activity_id % 5) WHERE activity_id % 5 = 0",
        "UPDATE reading SET observation = 'Rendición de cuentas con jóvenes' "
        "WHERE activity_id % 31 = 0",
        "UPDATE activity SET participation_level = 'Consulta' WHERE activity_id % 3 = 0",
        # one plan reports its second quarter a day early (cut-offs differ between plans)
        "UPDATE reading SET cutoff = cutoff - 1 WHERE activity_id IN "
        "(SELECT activity_id FROM activity WHERE plan_id = 7) AND period_index = 2",
    ]:
        con.execute(statement)
    sql.store_derived(con)  # as every write through store.write_transaction does
    con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture(scope="module")
def awkward(tmp_path_factory) -> Path:
    return awkward_database(tmp_path_factory.mktemp("awkward") / "awkward.duckdb")


COMPARED = ["activity_id", "plan_id", "entidad", "vigencia", "corte", "seq", "codigo", "grupo",
            "actividad", "objetivo", "producto", "indicador", "fase", "fase_origen", "fase_texto",
            "nivel", "grupo_valor", "instancia", "fecha_inicio", "fecha_limite",
            "fecha_limite_origen", "medio_verificacion", "hoja", "fila", "dependencias_lista",
            "dependencias", "periodo", "fecha_lectura", "lectura", "valor_original", "valor",
            "observacion", "evidencia", "programado", "ejecutado", "estado_lectura", "vencida",
            "estado", "semaforo", "texto_busqueda"]


def _relation(con, sql_text: str, corte: date | None, umbrales: Umbrales) -> pd.DataFrame:
    params = {"corte": corte, **umbrales.params()}
    df = sql.run(con, f"SELECT {', '.join(COMPARED)} FROM ({sql_text})", params)
    df["dependencias_lista"] = df["dependencias_lista"].map(list)
    return df.sort_values(["activity_id", "corte"], ignore_index=True)


def _cortes(con) -> list[date | None]:
    found = sorted({c for c in queries.corte_options(con, Filters())["_corte"]})
    return [None, date(2000, 1, 1), *found, date(2030, 1, 1),
            found[len(found) // 2].replace(day=15)]


@pytest.mark.parametrize("which", ["conftest", "awkward"])
def test_derived_states_equal_the_reference_sql(which, db_path, awkward):
    path = db_path if which == "conftest" else awkward
    con = store.Database(path).cursor()
    schema = sql.derived(con)
    umbrales = Umbrales(rojo=55, verde=75)
    for corte in _cortes(con):
        for cortes, history in ((status.CORTE_UNICO, False), (status.CORTES_DEL_PLAN, True)):
            reference = _relation(con, status.activity_state_sql(cortes), corte, umbrales)
            derived = _relation(con, status.state_sql(schema, history=history, text=True,
                                                      corte_known=corte is not None),
                                corte, umbrales)
            pd.testing.assert_frame_equal(reference, derived, check_dtype=False,
                                          obj=f"{which} {cortes[:30]} corte {corte}")
    con.close()


def test_previous_state_equals_the_reference_sql(awkward):
    """estado_previo / valor_previo / corte_previo = the state at CORTE_ANTERIOR."""
    con = store.Database(awkward).cursor()
    schema = sql.derived(con)
    for corte in _cortes(con)[2:]:
        params = {"corte": corte, **Umbrales().params()}
        reference = sql.run(con, f"""
            SELECT activity_id, corte AS corte_previo, estado AS estado_previo, valor AS valor_previo
            FROM ({status.activity_state_sql(status.CORTE_ANTERIOR)})
            ORDER BY activity_id""", params)
        derived = sql.run(con, f"""
            SELECT activity_id, corte_previo, estado_previo, valor_previo
            FROM ({status.state_sql(schema)}) WHERE corte_previo IS NOT NULL
            ORDER BY activity_id""", params)
        pd.testing.assert_frame_equal(reference, derived, check_dtype=False)
    con.close()


# ------------------------------------------------------------- the baseline

FILTERS = [
    Filters(), Filters(corte=date(2024, 9, 30)), Filters(corte=date(2020, 1, 1)),
    Filters(entidad=(CARTAGO,), corte=date(2024, 6, 30), fase=("diagnostico", "transversal")),
    Filters(dependencia=("Planeación", "Secretaría de Salud", "Sin dependencia asignada"),
            grupo_valor=("Jóvenes", "Sin especificar")),
    Filters(estado=("vencida", "sin_reporte"), texto="rendicion"),
    Filters(semaforo=("verde", "amarillo"), umbrales=Umbrales(rojo=40, verde=90)),
]


@pytest.mark.parametrize("careful", [False, True], ids=["naive", "careful"])
@pytest.mark.parametrize("which", ["conftest", "awkward"])
def test_pandas_baseline_gives_the_same_figures(which, careful, db_path, awkward):
    """Both baselines, the naive (filters again for every figure) and the
    careful (filters once per view), give our figures cell by cell."""
    path = db_path if which == "conftest" else awkward
    assert bench_queries.compare(path, FILTERS, careful=careful) == []


def test_vectorised_drill_column_is_the_same_text(con):
    for query, keys, fixed in [
        (queries.states_summary, {"entidad": "Entidad", "estado": "_estado"}, None),
        (queries.office_ranking, {"entidad": "Entidad", "dependencia": "Dependencia"}, None),
        (queries.progress_by_period, {"entidad": "Entidad", "vigencia": "Vigencia",
                                      "corte": "_corte"}, {"estado": "cumplida"}),
        (queries.phase_summary, {"entidad": "Entidad", "fase": "_fase",
                                 "fase_origen": "_fase_origen"}, None),
        (queries.states_summary, {}, {"estado": "cumplida", "con_avance": True}),
    ]:
        df = query(con, Filters()).drop(columns="_filtro")
        pd.testing.assert_frame_equal(queries.add_drill(df, keys, fixed),
                                      drill.add_column(df, keys, fixed))
    empty = pd.DataFrame({"Entidad": pd.Series([], dtype=object)})
    pd.testing.assert_frame_equal(queries.add_drill(empty, {"entidad": "Entidad"}),
                                  drill.add_column(empty, {"entidad": "Entidad"}))


def test_in_memory_lookups_follow_an_import(db_path, tmp_path):
    """The small derived tables kept in Python belong to one build: after an
    import swaps the file, the dashboard's Database reopens it and sees the new plan."""
    copy = tmp_path / "copia.duckdb"
    shutil.copyfile(db_path, copy)
    database = store.Database(copy)
    with database.cursor() as con:
        assert queries.options(con, Filters(), "entidad") == [CARTAGO, SANATORIO]
        assert sql.resolve_corte(con, Filters()) == date(2024, 12, 31)
    with store.write_transaction(copy) as writer:
        writer.execute("INSERT INTO entity VALUES (3, 'Alcaldía de Prueba')")
        writer.execute("INSERT INTO plan SELECT 3, 3, 2025, 'prueba|2025', 't', 'x', NULL, NULL, "
                       "now(), now()")
        writer.execute("INSERT INTO activity (activity_id, plan_id, activity_key, seq, name, "
                       "phase, phase_source) VALUES (99, 3, 'k', 1, 'Una', 'transversal', "
                       "'declarada')")
        writer.execute("INSERT INTO import_file SELECT 9, 3, 'p.xlsx', 'sha-9', 'xlsx', 'x', "
                       "now(), 'b', 1, 0, 1, 0, ['H'], NULL, NULL, NULL")
        writer.execute("INSERT INTO reading VALUES (99, 'trimestre', 1, 'Trimestre I', "
                       "DATE '2025-03-31', 'avance', 50, '50%', NULL, NULL, NULL, NULL, 9)")
    with database.cursor() as con:
        assert queries.options(con, Filters(), "entidad") == [
            CARTAGO, "Alcaldía de Prueba", SANATORIO]
        assert sql.resolve_corte(con, Filters()) == date(2025, 3, 31)
        assert queries.kpis(con, Filters()).iloc[0]["Actividades"] == 19
