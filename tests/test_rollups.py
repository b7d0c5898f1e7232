"""The derived tables stored at import, and the roll-ups read from them.

- Every write through ``store.write_transaction`` leaves the derived tables in
  the file (schema ``derivados``), so the dashboard's read-only connection
  reads them instead of deriving them at start; a file written by another
  version of the rules gets them built in memory, as before.
- The summaries read the roll-up (``cubo``, ``cubo_dependencia``) when the
  filters select whole plans; every one of them gives the very same table as
  counting the filtered activities, on the known database, on the awkward
  synthetic one (corrections, gaps, plans without follow-up, cut-offs that
  differ between plans) and on the database a fresh install builds from
  sample_data/, at every cut-off the sidebar offers.
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data_layer import loader, queries, sql, status, store
from data_layer.filters import Filters
from data_layer.semaforo import Umbrales
from tests.conftest import CARTAGO
from tests.test_bench import awkward_database

SUMMARIES = ["kpis", "changes_count", "states_summary", "semaforo_summary", "entity_comparison",
             "office_ranking", "phase_summary", "level_summary", "value_group_summary"]


@pytest.fixture(scope="module")
def awkward(tmp_path_factory) -> Path:
    return awkward_database(tmp_path_factory.mktemp("awkward") / "awkward.duckdb")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The database `streamlit run dashboard.py` builds from sample_data/."""
    path = tmp_path_factory.mktemp("muestra") / "tablero.duckdb"
    loader.ensure_database(path)
    return path


def _views(con) -> list[Filters]:
    """Whole-plan views (national, per entity and vigencia) at the default
    cut-off and at every cut-off offered, and views within plans: by the
    columns the roll-up keeps (estado, fase, semáforo, grupo de valor) and by
    those it does not (dependencia, text: counted from the activities)."""
    entities = queries.options(con, Filters(), "entidad")
    vigencias = queries.options(con, Filters(), "vigencia")
    scopes = [Filters(), *(Filters(entidad=(e,)) for e in entities[:4]),
              Filters(vigencia=(vigencias[-1],)), Filters(entidad=tuple(entities[:2]))]
    views = []
    for scope in scopes:
        views.append(scope)
        for corte in queries.corte_options(con, scope)["_corte"]:
            views.append(scope.replace(corte=corte))
    phases = queries.options(con, Filters(), "fase")
    groups = queries.options(con, Filters(), "grupo_valor")
    offices = queries.options(con, Filters(), "dependencia")
    for scope in scopes[:2]:
        views += [scope.replace(fase=tuple(phases[:1])),
                  scope.replace(fase=tuple(phases[1:3]), estado=("vencida", "en_curso")),
                  scope.replace(estado=("cumplida",)),
                  scope.replace(semaforo=("rojo", "gris")),
                  scope.replace(grupo_valor=tuple(groups[:1])),
                  scope.replace(dependencia=tuple(offices[:1])),
                  scope.replace(texto="a")]
    return views


def _both(con, name: str, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    function = getattr(queries, name)
    try:
        queries.ROLLUPS = True
        rolled = function(con, filters)
        queries.ROLLUPS = False
        counted = function(con, filters)
    finally:
        queries.ROLLUPS = True
    if not isinstance(rolled, pd.DataFrame):  # a count
        return pd.DataFrame({name: [rolled]}), pd.DataFrame({name: [counted]})
    return rolled, counted


@pytest.mark.parametrize("which", ["conftest", "awkward", "sample"])
def test_rollups_give_the_same_tables_as_the_activities(which, db_path, awkward, sample):
    path = {"conftest": db_path, "awkward": awkward, "sample": sample}[which]
    con = store.Database(path).cursor()
    views = _views(con)
    assert len(views) >= 8
    served = 0
    for filters in views:
        served += queries._rollup(con, filters, ("entidad",)) is not None
        for name in SUMMARIES:
            rolled, counted = _both(con, name, filters)
            pd.testing.assert_frame_equal(rolled, counted, check_dtype=False, rtol=1e-12,
                                          obj=f"{which} {name} {filters}")
    # every one of them was read from the roll-up, but for an entity without
    # any cut-off yet (no date to read it at: its few activities are counted)
    # and the views by dependencia or text
    servable = [f for f in views if queries.resolve_corte(con, f) is not None
                and not f.dependencia and not f.texto]
    assert served == len(servable) >= 8
    con.close()


def test_which_views_the_rollup_serves(db_path):
    con = store.Database(db_path).cursor()
    cards = ("entidad", "sin_valor")
    for filters in [Filters(dependencia=("Planeación",)), Filters(texto="jóvenes"),
                    Filters(corte=date(2024, 5, 15)),  # no plan's cut-off: a typed link
                    Filters(fase=("diagnostico",), dependencia=("Planeación",))]:
        assert queries._rollup(con, filters, cards) is None, filters
    # a filter on a column of a grouping set: read from that set
    assert queries._rollup(con, Filters(fase=("diagnostico",)), cards)[1] == "fase"
    assert queries._rollup(con, Filters(grupo_valor=("Jóvenes",)), cards)[1] == "grupo_valor"
    assert queries._rollup(con, Filters(semaforo=("rojo",)), cards)[1] == "semaforo"
    assert queries._rollup(con, Filters(estado=("vencida",)), cards)[1] == "semaforo"
    # but not when the figure needs a column that set lacks
    assert queries._rollup(con, Filters(fase=("diagnostico",)), ("entidad", "semaforo")) is None
    assert queries._rollup(con, Filters(fase=("diagnostico",)), ("cambiada",)) is None
    # other thresholds: the colours are counted from the activities, the rest rolled up
    other = Filters(umbrales=Umbrales(rojo=40, verde=90))
    assert queries._rollup(con, other, ("entidad", "semaforo")) is None
    assert queries._rollup(con, other, cards) is not None
    rolled, counted = _both(con, "semaforo_summary", other)
    pd.testing.assert_frame_equal(rolled, counted)
    default = queries.semaforo_summary(con, Filters())
    assert not rolled["Actividades"].equals(default["Actividades"])  # the thresholds matter
    con.close()


def test_the_summaries_of_the_known_database(db_path):
    """Exact figures through the roll-up (the ones test_queries checks by hand)."""
    con = store.Database(db_path).cursor()
    cartago = Filters(entidad=(CARTAGO,))
    kpis = queries.kpis(con, cartago).iloc[0]
    states = queries.states_summary(con, cartago)
    counts = dict(zip(states["_estado"], states["Actividades"], strict=True))
    assert kpis["Actividades"] == sum(counts.values())
    assert kpis["Cumplidas"] == counts["cumplida"]
    assert kpis["Vencidas"] == counts["vencida"]
    offices = queries.office_ranking(con, cartago)
    assert offices["Actividades"].sum() >= kpis["Actividades"]  # one per office
    changed = queries.changes_since_previous_cutoff(con, cartago)
    assert queries.changes_count(con, cartago) == len(changed) > 0
    con.close()


# ------------------------------------------------------- stored in the file


def test_every_write_stores_the_derived_tables(tmp_path, db_path):
    path = tmp_path / "tablero.duckdb"
    shutil.copyfile(db_path, path)
    check = duckdb.connect(str(path), read_only=True)
    version, = check.execute("SELECT version FROM derivados.listo").fetchone()
    tables = {row[0] for row in check.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'derivados'").fetchall()}
    one_set = {"c": status.CONJUNTOS["semaforo"]}
    n_before = check.execute("SELECT sum(n) FROM derivados.cubo WHERE conjunto = $c",
                             one_set).fetchone()[0]
    check.close()
    assert version == status.DERIVED_VERSION
    assert {"estado_corte", "plan_dim", "plan_corte", "cubo", "cubo_dependencia",
            "historia_plan", "historia_estado", "listo"} <= tables

    # a write (here: a plan deleted by hand inside a transaction) refreshes them
    with store.write_transaction(path) as con:
        con.execute("DELETE FROM activity_office WHERE activity_id IN "
                    "(SELECT activity_id FROM activity WHERE plan_id = 1)")
        con.execute("DELETE FROM reading WHERE activity_id IN "
                    "(SELECT activity_id FROM activity WHERE plan_id = 1)")
        con.execute("DELETE FROM activity WHERE plan_id = 1")
    check = duckdb.connect(str(path), read_only=True)
    left = check.execute("SELECT count(*) FROM activity").fetchone()[0]
    n_after = check.execute("SELECT sum(n) FROM derivados.cubo WHERE conjunto = $c",
                            one_set).fetchone()[0]
    dates = check.execute("SELECT count(DISTINCT corte) FROM derivados.cubo").fetchone()[0]
    check.close()
    assert n_after == left * dates < n_before


def test_the_dashboard_reads_them_from_the_file(db_path):
    con = store.Database(db_path).cursor()
    assert sql.derived(con) == f'"{store.ALIAS}".derivados'
    attached = {row[0] for row in con.execute("SELECT database_name FROM duckdb_databases()")
                .fetchall()}
    assert status.DERIVED_CATALOG not in attached  # nothing was built at start
    con.close()


def _earlier_release(tmp_path: Path, db_path: Path, *statements: str) -> Path:
    """A copy of the known database as an earlier release would have left it."""
    path = tmp_path / "anterior.duckdb"
    shutil.copyfile(db_path, path)
    old = duckdb.connect(str(path))
    for statement in statements:
        old.execute(statement)
    old.close()
    return path


def test_tables_of_another_version_are_built_again(tmp_path, db_path):
    """A file written by an older release: its stored tables are not trusted."""
    path = _earlier_release(tmp_path, db_path, "UPDATE derivados.listo SET version = 'otra'",
                            "DROP TABLE derivados.cubo")
    con = store.Database(path).cursor()
    assert sql.derived(con) == f"{status.DERIVED_CATALOG}.main"
    fresh = store.Database(db_path).cursor()
    for name in ("kpis", "office_ranking", "phase_summary"):
        pd.testing.assert_frame_equal(getattr(queries, name)(con, Filters()),
                                      getattr(queries, name)(fresh, Filters()))
    con.close()
    fresh.close()


def test_import_memory_is_capped(tmp_path):
    with store.write_transaction(tmp_path / "t.duckdb") as con:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.replace(" ", "") in ("953.6MiB", "1GB", "1.0GB", "1000.0MB")


def test_a_file_of_an_earlier_release_is_brought_up_to_date(tmp_path, db_path, monkeypatch):
    path = _earlier_release(tmp_path, db_path, "DROP SCHEMA derivados CASCADE")
    assert store.stored_version(path) is None
    # a file that cannot be written (read-only, disk full, locked) is left as
    # it is, and the dashboard derives in memory
    before = path.read_bytes()
    with monkeypatch.context() as patch:
        def refuse(_path):
            raise store.ReadOnlyDatabaseError("sólo lectura")
        patch.setattr(store, "write_transaction", refuse)
        assert store.store_derived_if_outdated(path) is False
    assert path.read_bytes() == before
    assert store.store_derived_if_outdated(path) is True
    assert store.stored_version(path) == status.DERIVED_VERSION
    assert store.store_derived_if_outdated(path) is False  # once
    con = store.Database(path).cursor()
    assert sql.derived(con) == f'"{store.ALIAS}".derivados'
    con.close()


def test_the_dashboard_brings_an_old_file_up_to_date(tmp_path, db_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    path = _earlier_release(tmp_path, db_path,
                            "UPDATE derivados.listo SET version = 'de otra versión'")
    monkeypatch.setenv("TABLERO_DB", str(path))
    root = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(root / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert store.stored_version(path) == status.DERIVED_VERSION
    assert [m.value for m in at.metric][0] == str(queries.kpis(
        store.Database(path).cursor(), Filters()).iloc[0]["Actividades"])


@pytest.mark.parametrize("which", ["conftest", "sample"])
def test_lowest_offices_are_the_first_followed_up_rows_of_the_ranking(which, db_path, sample):
    con = store.Database(db_path if which == "conftest" else sample).cursor()
    for filters in _views(con)[:12]:
        ranking = queries.office_ranking(con, filters)
        followed = ranking[ranking["Sin seguimiento"] < ranking["Actividades"]]
        for count in (1, 5):
            pd.testing.assert_frame_equal(queries.lowest_offices(con, filters, count),
                                          followed.head(count).reset_index(drop=True),
                                          check_dtype=False,  # an empty one: object or str
                                          obj=f"{filters} {count}")
    con.close()
