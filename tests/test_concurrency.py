"""Imports and viewers at the same time, and imports that die.

- Viewers reading while an import runs see the state before it or after it,
  never half of it (the import writes a copy and swaps it in atomically).
- Two imports at once are serialised by the write lock, or the second gives
  up with the Spanish ``DatabaseBusyError`` message; no import is lost.
- An import killed at any moment leaves the database readable with its
  previous content, and the next import clears the copy it abandoned.
"""
from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from data_layer import loader, store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
CARTAGO = SAMPLES / "002_alcaldia_cartago_2024.xlsx"
COUNTED = ("entity", "plan", "import_file", "activity", "activity_office", "schedule", "reading",
           "import_issue", "skipped_row")
SNAPSHOT = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in COUNTED)


def big_csv(path: Path, rows: int, entity: str) -> Path:
    """A plan large enough for an import to take a moment."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([f"{entity} - Plan de Participación Ciudadana Vigencia 2025"])
        writer.writerow(["No.", "Actividad", "Responsable", "Fecha fin", "Avance T1", "Avance T2"])
        for i in range(rows):
            writer.writerow([i + 1, f"Realizar la actividad {i + 1} con la comunidad ({entity})",
                             "Secretaría de Planeación - SIAU", f"{1 + i % 28:02d}/{1 + i % 12:02d}/2025",
                             f"{i % 100}%", "N/A" if i % 5 else f"{i % 90}%"])
    return path


def snapshot(path: Path) -> tuple[int, ...]:
    con = store.connect_readonly(path)
    try:
        return con.execute(SNAPSHOT).fetchall()[0]
    finally:
        con.close()


def cli_import(db: Path, *files: Path, entity: str = "Entidad de prueba") -> list[str]:
    return [sys.executable, "-m", "data_layer", "import", *map(str, files), "--entidad", entity,
            "--vigencia", "2025", "--db", str(db)]


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "tablero.duckdb"
    loader.import_files([loader.FileSpec(CARTAGO)], path)
    return path


@pytest.fixture
def several_files(tmp_path) -> list[Path]:
    return [big_csv(tmp_path / "plan_grande.csv", 1000, "Alcaldía de Prueba"),
            SAMPLES / "000_sanatorio_contratacion_2022.xlsx",
            SAMPLES / "004_municipio_candelaria_2022_2023.xlsx"]


def expected_after(db: Path, files: list[Path], tmp_path: Path) -> tuple[int, ...]:
    """The counts the import will leave, computed on a copy."""
    copy = tmp_path / "copia.duckdb"
    copy.write_bytes(db.read_bytes())
    subprocess.run(cli_import(copy, *files), cwd=ROOT, check=True, capture_output=True, timeout=120)
    return snapshot(copy)


def test_viewers_see_before_or_after_an_import_never_half(db, several_files):
    before = snapshot(db)
    app = store.Database(db)  # the dashboard's shared connection
    seen: list[tuple[int, ...]] = []
    failures: list[BaseException] = []
    done = threading.Event()

    def viewer() -> None:
        try:
            while not done.is_set():
                cursor = app.cursor()
                seen.append(cursor.execute(SNAPSHOT).fetchall()[0])
                cursor.close()
                time.sleep(0.02)
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    viewers = [threading.Thread(target=viewer) for _ in range(2)]
    for thread in viewers:
        thread.start()
    try:
        out = subprocess.run(cli_import(db, *several_files), cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
        time.sleep(0.3)  # let the viewers notice the new file
    finally:
        done.set()
        for thread in viewers:
            thread.join(timeout=30)
    assert out.returncode == 0, out.stderr
    assert not failures, failures
    after = snapshot(db)
    assert after != before
    assert set(seen) <= {before, after}, set(seen) - {before, after}
    assert seen[0] == before and seen[-1] == after
    assert len(seen) > 20


HOLD_LOCK = """
import sys, time
from data_layer import store
with store.write_transaction(sys.argv[1]) as con:
    con.execute("INSERT INTO entity VALUES (999, 'Entidad de la otra importación')").fetchall()
    print("escribiendo", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_two_imports_at_once_are_serialised_and_both_land(db, tmp_path):
    """The second import waits for the first and copies the database only
    once the first has swapped its copy in: neither is lost."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db), "2"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert holder.stdout.readline().strip() == "escribiendo"
        started = time.monotonic()
        second = subprocess.run(cli_import(db, big_csv(tmp_path / "otro.csv", 50, "Gobernación de Prueba")),
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=30)
    assert holder.returncode == 0
    assert second.returncode == 0, second.stderr
    assert waited > 1  # it did wait for the lock
    con = store.connect_readonly(db)
    try:
        names = {row[0] for row in con.execute("SELECT name FROM entity").fetchall()}
    finally:
        con.close()
    assert {"Entidad de la otra importación", "Entidad de prueba", "Alcaldía de Cartago"} <= names


def test_two_cli_imports_started_together_both_land(db, tmp_path):
    first = subprocess.Popen(cli_import(db, big_csv(tmp_path / "a.csv", 800, "A"), entity="Entidad A"),
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(cli_import(db, big_csv(tmp_path / "b.csv", 800, "B"), entity="Entidad B"),
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outs = [p.communicate(timeout=120) for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), outs
    con = store.connect_readonly(db)
    try:
        rows = con.execute("SELECT e.name, count(*) FROM activity JOIN plan USING (plan_id) "
                           "JOIN entity e USING (entity_id) GROUP BY e.name ORDER BY e.name").fetchall()
    finally:
        con.close()
    assert rows == [("Alcaldía de Cartago", 9), ("Entidad A", 800), ("Entidad B", 800)]


BUSY_CLI = """
import sys
from data_layer import store
store.LOCK_WAIT_SECONDS = 1
from data_layer.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def test_an_import_that_cannot_get_the_lock_fails_cleanly_in_spanish(db, tmp_path):
    # The holder keeps the lock far longer than the refused import takes, even
    # on a loaded machine (it is killed below): were it to finish, its own swap
    # would change the file under the comparison.
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db), "120"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert holder.stdout.readline().strip() == "escribiendo"
        before = db.read_bytes()
        out = subprocess.run([sys.executable, "-c", BUSY_CLI, *cli_import(db, CARTAGO)[3:]], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 2
        assert out.stderr.strip() == ("Error: Otra importación está escribiendo en la base de datos desde "
                                      "hace más de 1 s. Espere a que termine e inténtelo de nuevo.")
        assert db.read_bytes() == before
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)


def test_an_import_killed_at_any_moment_leaves_the_previous_content(db, several_files, tmp_path):
    before = snapshot(db)
    started = time.monotonic()
    after = expected_after(db, several_files, tmp_path)
    duration = time.monotonic() - started
    outcomes = []
    for fraction in (0.4, 0.65, 0.85, 0.95):
        if snapshot(db) == after:
            break  # an earlier run finished before it was killed
        proc = subprocess.Popen(cli_import(db, *several_files), cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(duration * fraction)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        state = snapshot(db)  # readable, whatever happened
        assert state in (before, after)
        outcomes.append(state == after)
    # A later import goes through and clears the copies the killed ones left.
    out = subprocess.run(cli_import(db, *several_files), cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert snapshot(db) == after
    assert not list(db.parent.glob("tablero.duckdb.*.tmp*"))
    assert outcomes  # at least one import died midway
