"""Storing plans: atomic, idempotent, follow-ups keep history, CLI beside the app."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from data_layer import loader, store
from data_layer.errors import PlanFileError

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
CARTAGO = SAMPLES / "002_alcaldia_cartago_2024.xlsx"
CARTAGO_FOLLOW_UP = SAMPLES / "002b_alcaldia_cartago_2024_seguimiento_ILUSTRATIVO.xlsx"


def counts(path: Path) -> dict[str, int]:
    con = store.connect_readonly(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in (
            "entity", "plan", "import_file", "activity", "activity_office", "schedule", "reading",
            "import_issue", "skipped_row")}
    finally:
        con.close()


def test_sample_database_is_built_once(tmp_path):
    db = tmp_path / "tablero.duckdb"
    assert loader.ensure_database(db) is True
    assert counts(db) == {"entity": 5, "plan": 5, "import_file": 5, "activity": 47,
                          # 000: two offices per activity; 004: thirteen.
                          "activity_office": 9 * 2 + 9 + 9 + 0 + 6 * 13,
                          # 002b: months marked X; 004: months with a count.
                          "schedule": (2 + 2 + 2 + 2 + 4 + 2 + 8 + 12 + 2) + (5 + 4 + 4 + 5 + 11 + 1),
                          # 002b's "Léame" sheet; 003's missing vigencia (its entity comes
                          # from sample_data/manifest.csv).
                          "reading": 9 + 36, "import_issue": 2, "skipped_row": 4 + 4 + 1}
    assert loader.ensure_database(db) is False


def test_same_file_twice_changes_nothing(tmp_path):
    db = tmp_path / "t.duckdb"
    first = loader.import_files([loader.FileSpec(CARTAGO_FOLLOW_UP)], db)
    assert first[0].status == "importado" and first[0].readings_added == 36
    before = (db.stat().st_ino, db.stat().st_mtime_ns, db.read_bytes())
    again = loader.import_files([loader.FileSpec(CARTAGO_FOLLOW_UP)], db)
    assert again[0].status == "sin_cambios"
    assert (db.stat().st_ino, db.stat().st_mtime_ns, db.read_bytes()) == before


def edited_copy(source: Path, target: Path, cell: str, value) -> Path:
    book = openpyxl.load_workbook(source)
    book.worksheets[0][cell] = value
    book.save(target)
    return target


def test_follow_up_adds_readings_keeps_history_and_no_duplicates(tmp_path):
    db = tmp_path / "t.duckdb"
    plan = loader.import_files([loader.FileSpec(CARTAGO)], db)[0]
    assert (plan.activities_added, plan.readings_added) == (9, 0)
    follow = loader.import_files([loader.FileSpec(CARTAGO_FOLLOW_UP, entity="Alcaldía de Cartago")], db)[0]
    assert follow.plan_id == plan.plan_id
    assert (follow.activities_added, follow.activities_updated, follow.readings_added) == (0, 9, 36)
    # Next quarter's file corrects activity 4's quarter IV (W19) from 50 % to 80 %.
    corrected = edited_copy(CARTAGO_FOLLOW_UP, tmp_path / "cartago_corregido.xlsx", "W19", 0.8)
    third = loader.import_files([loader.FileSpec(corrected, entity="Alcaldía de Cartago")], db)[0]
    assert (third.activities_added, third.readings_added, third.readings_changed) == (0, 0, 1)
    con = store.connect_readonly(db)
    assert con.execute("SELECT count(*) FROM activity").fetchall()[0][0] == 9
    history = con.execute("""
        SELECT r.value, r.import_id FROM reading r JOIN activity a USING (activity_id)
        WHERE a.code = '4' AND r.period_index = 4 ORDER BY r.import_id""").fetchall()
    assert history == [(50.0, 2), (80.0, 3)]
    current = con.execute("""
        SELECT r.value FROM reading_current r JOIN activity a USING (activity_id)
        WHERE a.code = '4' AND r.period_index = 4""").fetchall()
    assert current == [(80.0,)]
    assert con.execute("SELECT count(*) FROM import_file").fetchall()[0][0] == 3


def test_failed_import_leaves_database_exactly_as_it_was(tmp_path):
    db = tmp_path / "t.duckdb"
    loader.import_files([loader.FileSpec(CARTAGO)], db)
    before = db.read_bytes()
    broken = tmp_path / "roto.xlsx"
    broken.write_bytes(CARTAGO_FOLLOW_UP.read_bytes()[:3000])  # a truncated zip
    with pytest.raises(PlanFileError, match="dañado o incompleto"):
        loader.import_files([loader.FileSpec(CARTAGO_FOLLOW_UP), loader.FileSpec(broken)], db)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roto.xlsx", "t.duckdb", "t.duckdb.lock"]


def test_error_inside_transaction_rolls_back(tmp_path):
    db = tmp_path / "t.duckdb"
    loader.import_files([loader.FileSpec(CARTAGO)], db)
    before = db.read_bytes()
    with pytest.raises(RuntimeError):
        with store.write_transaction(db) as con:
            con.execute("DELETE FROM activity").fetchall()
            raise RuntimeError("falla a mitad de la importación")
    assert db.read_bytes() == before


KILLED_WRITER = """
import sys, time
from data_layer import store
with store.write_transaction(sys.argv[1]) as con:
    con.execute("DELETE FROM activity").fetchall()
    print("escribiendo", flush=True)
    time.sleep(60)
"""


def test_import_killed_midway_leaves_previous_content(tmp_path):
    db = tmp_path / "t.duckdb"
    loader.import_files([loader.FileSpec(CARTAGO)], db)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(db)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stdout.readline().strip() == "escribiendo"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert counts(db)["activity"] == 9
    # The lock died with the process: the next import goes through.
    result = loader.import_files([loader.FileSpec(CARTAGO_FOLLOW_UP, entity="Alcaldía de Cartago")], db)
    assert result[0].readings_added == 36


def test_cli_import_while_the_dashboard_holds_the_database_open(tmp_path):
    db = tmp_path / "t.duckdb"
    loader.import_files([loader.FileSpec(CARTAGO)], db)
    app = store.Database(db)
    cursor = app.cursor()
    assert cursor.execute("SELECT count(*) FROM reading").fetchall() == [(0,)]
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "data_layer", "import", str(CARTAGO_FOLLOW_UP),
                          "--entidad", "Alcaldía de Cartago", "--db", str(db)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "36 lecturas de avance nuevas" in out.stdout
    assert time.monotonic() - started < 60
    # The open cursor still sees the state before; a new one sees the import.
    assert cursor.execute("SELECT count(*) FROM reading").fetchall() == [(0,)]
    assert app.cursor().execute("SELECT count(*) FROM reading").fetchall() == [(36,)]


def test_cli_import_reports_unreadable_file_and_writes_nothing(tmp_path):
    db = tmp_path / "t.duckdb"
    empty = tmp_path / "vacio.xlsx"
    empty.write_bytes(b"")
    out = subprocess.run([sys.executable, "-m", "data_layer", "import", str(empty), "--db", str(db)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2
    assert out.stderr.strip() == "Error: El archivo «vacio.xlsx» está vacío: no tiene ninguna hoja ni celda."
    assert not db.exists()
