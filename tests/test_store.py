"""Data tests on the database itself (the schema declares no foreign keys)."""
from __future__ import annotations

import pytest

from data_layer import loader, store
from data_layer.model import PHASES, READING_STATES

ORPHANS = {
    "plan without entity": "SELECT count(*) FROM plan WHERE entity_id NOT IN (SELECT entity_id FROM entity)",
    "activity without plan": "SELECT count(*) FROM activity WHERE plan_id NOT IN (SELECT plan_id FROM plan)",
    "office without activity": "SELECT count(*) FROM activity_office WHERE activity_id NOT IN (SELECT activity_id FROM activity)",
    "month without activity": "SELECT count(*) FROM schedule WHERE activity_id NOT IN (SELECT activity_id FROM activity)",
    "reading without activity": "SELECT count(*) FROM reading WHERE activity_id NOT IN (SELECT activity_id FROM activity)",
    "reading without import": "SELECT count(*) FROM reading WHERE import_id NOT IN (SELECT import_id FROM import_file)",
    "issue without import": "SELECT count(*) FROM import_issue WHERE import_id NOT IN (SELECT import_id FROM import_file)",
    "import without plan": "SELECT count(*) FROM import_file WHERE plan_id NOT IN (SELECT plan_id FROM plan)",
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "tablero.duckdb"
    loader.ensure_database(db)
    connection = store.connect_readonly(db)
    yield connection
    connection.close()


@pytest.mark.parametrize("check", sorted(ORPHANS))
def test_no_orphans(con, check):
    assert con.execute(ORPHANS[check]).fetchall() == [(0,)]


def test_accepted_values(con):
    phases = {row[0] for row in con.execute("SELECT DISTINCT phase FROM activity").fetchall()}
    assert phases <= set(PHASES)
    sources = {row[0] for row in con.execute("SELECT DISTINCT phase_source FROM activity").fetchall()}
    assert sources == {"declarada", "inferida"}
    states = {row[0] for row in con.execute("SELECT DISTINCT state FROM reading").fetchall()}
    assert states <= set(READING_STATES)


def test_only_progress_readings_carry_a_value_between_0_and_100(con):
    bad = con.execute("""
        SELECT count(*) FROM reading
        WHERE (state = 'avance') != (value IS NOT NULL) OR value < 0 OR value > 100""").fetchall()
    assert bad == [(0,)]


def test_activity_keys_are_unique_per_plan(con):
    assert con.execute("""SELECT count(*) FROM (SELECT plan_id, activity_key FROM activity
                          GROUP BY ALL HAVING count(*) > 1)""").fetchall() == [(0,)]


def test_database_readers_reopen_after_a_swap(tmp_path):
    db = tmp_path / "t.duckdb"
    loader.ensure_database(db)
    view = store.Database(db)
    version = view.version
    assert view.cursor().execute("SELECT count(*) FROM entity").fetchall() == [(5,)]
    with store.write_transaction(db) as write:
        write.execute("INSERT INTO entity VALUES (99, 'Gobernación de Prueba')").fetchall()
    assert view.version != version
    assert view.cursor().execute("SELECT count(*) FROM entity").fetchall() == [(6,)]


def test_cursors_know_the_derived_tables_of_their_own_file(tmp_path):
    """Database.cursor looks the stored derived tables up once per file (every
    query asked twice); after a swap, the new file's, never the old token."""
    from data_layer import sql

    db = tmp_path / "t.duckdb"
    loader.ensure_database(db)
    view = store.Database(db)
    first = view.cursor()
    schema, token = sql._derived(first)
    assert schema.endswith(".derivados")
    assert sql._KNOWN[view.cursor()] == (schema, token)
    with store.write_transaction(db) as write:
        write.execute("INSERT INTO entity VALUES (99, 'Gobernación de Prueba')").fetchall()
    after = view.cursor()
    new_schema, new_token = sql._derived(after)
    assert new_token != token
    assert new_token == after.execute(f"SELECT token FROM {new_schema}.listo").fetchall()[0][0]
    assert sql._derived(first) == (schema, token)  # an old cursor still reads its own file
