"""Faults of the machine while writing (issue 12, point 6).

A full disk, a read-only folder or file, the database held open for writing
by another program: the command line and the page say so in Spanish, with no
traceback, and the database stays exactly as it was (same bytes). An import
keeps the file's permissions (644 stays 644), and the temporary copies that
killed imports leave are removed when the dashboard or the next import
starts.

Read-only is tested for real: the command runs as root without the
capability that lets root write anywhere (``setpriv``), in a folder of mode
555. Disk full cannot be made for real here (no tmpfs), so the write that
would fail raises ``OSError(ENOSPC)`` at three moments of the import.
"""
from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from data_layer import auth, loader, store
from data_layer.__main__ import main
from tests.conftest import ROOT
from ui import admin

SAMPLES = ROOT / "sample_data"
CARTAGO = SAMPLES / "002_alcaldia_cartago_2024.xlsx"
SANATORIO = SAMPLES / "000_sanatorio_contratacion_2022.xlsx"
PASSWORD = "clave-de-prueba-2025"
FULL = "Error: No hay espacio en el disco para guardar la base de datos"
READ_ONLY = "Error: No se puede escribir en la base de datos"
LOCKED = "Error: Otro programa tiene abierta la base de datos"
SETPRIV = shutil.which("setpriv")


@pytest.fixture()
def db(tmp_path) -> Path:
    path = tmp_path / "datos" / "tablero.duckdb"
    path.parent.mkdir()
    loader.import_files([loader.FileSpec(CARTAGO)], path)
    os.chmod(path, 0o644)
    return path


def counts(path: Path) -> tuple[int, ...]:
    con = store.connect_readonly(path)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                     for t in ("plan", "activity", "reading", "import_file"))
    finally:
        con.close()


def leftovers(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if ".tmp" in p.name)


def cli(*args: str, without_root_powers: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "data_layer", *args]
    if without_root_powers:  # root that obeys file permissions
        command = [SETPRIV, "--bounding-set", "-dac_override,-dac_read_search,-fowner",
                   *command]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


# ------------------------------------------------------------- disk full


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _duckdb_no_space(*args, **kwargs):
    raise duckdb.IOException('IO Error: Could not write file "x.tmp": No space left on device')


@pytest.mark.parametrize(("target", "fail"), [
    ("shutil.copyfile", _no_space),          # copying the database
    ("create_schema", _duckdb_no_space),     # DuckDB writing into the copy
    ("_fsync", _no_space),                   # flushing the finished copy
])
def test_disk_full_during_an_import_says_so_and_keeps_the_database(db, monkeypatch, capsys,
                                                                   target, fail):
    before, rows = db.read_bytes(), counts(db)
    monkeypatch.setattr(f"data_layer.store.{target}", fail)
    assert main(["import", str(SANATORIO), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(FULL) and "Libere espacio" in err and "Traceback" not in err
    assert db.read_bytes() == before and counts(db) == rows
    assert leftovers(db) == []


def test_disk_full_while_saving_the_report(db, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("data_layer.report.tempfile.mkstemp", _no_space)
    assert main(["report", "--db", str(db), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"Error: No hay espacio en el disco para guardar el informe en {tmp_path}. Libere "
        "espacio o indique otra carpeta con --out.\n")


# ------------------------------------------------------------- read-only


needs_setpriv = pytest.mark.skipif(SETPRIV is None or os.geteuid() != 0,
                                   reason="needs root and setpriv to drop its file powers")


@needs_setpriv
def test_a_read_only_folder_stops_the_import_with_a_spanish_message(db):
    before, rows = db.read_bytes(), counts(db)
    os.chmod(db.parent, 0o555)
    try:
        out = cli("import", str(SANATORIO), "--db", str(db), without_root_powers=True)
    finally:
        os.chmod(db.parent, 0o755)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith(READ_ONLY) and "Traceback" not in out.stderr
    assert "permiso de escritura" in out.stderr
    assert db.read_bytes() == before and counts(db) == rows


@needs_setpriv
def test_a_read_only_database_file_is_not_replaced(db):
    before, rows = db.read_bytes(), counts(db)
    os.chmod(db, 0o444)
    out = cli("import", str(SANATORIO), "--db", str(db), without_root_powers=True)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith(READ_ONLY) and "Traceback" not in out.stderr
    assert db.read_bytes() == before and counts(db) == rows
    assert oct(db.stat().st_mode & 0o777) == "0o444"


@needs_setpriv
def test_a_read_only_report_folder_gets_a_spanish_message(db, tmp_path):
    out_dir = tmp_path / "informes"
    out_dir.mkdir(mode=0o555)
    out = cli("report", "--db", str(db), "--out", str(out_dir), without_root_powers=True)
    assert out.returncode == 2
    assert out.stderr == (f"Error: No se puede escribir el informe en {out_dir}: la carpeta o el "
                          "archivo son de sólo lectura para este programa. Indique otra carpeta "
                          "con --out.\n")


# ---------------------------------------------------- locked by a writer


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write: DuckDB locks every other process out
print("abierta", flush=True)
time.sleep(120)
"""


@pytest.fixture()
def held(db):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "abierta"
        yield db
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_an_import_refuses_a_database_another_program_holds_open_for_writing(held):
    before = held.read_bytes()
    out = cli("import", str(SANATORIO), "--db", str(held))
    assert out.returncode == 2, out.stdout
    # The saved corrections are read first: that read is what finds the lock.
    assert out.stderr == (f"{LOCKED} {held} para escribir en ella (por ejemplo, DuckDB o un "
                          "editor de bases de datos). Ciérrelo e inténtelo de nuevo.\n")
    assert held.read_bytes() == before


def test_the_report_of_a_database_held_open_for_writing_gets_a_spanish_message(held, tmp_path):
    out = cli("report", "--db", str(held), "--out", str(tmp_path))
    assert out.returncode == 2
    assert out.stderr == (f"{LOCKED} {held} para escribir en ella (por ejemplo, DuckDB o un "
                          "editor de bases de datos). Ciérrelo e inténtelo de nuevo.\n")


# ------------------------------------------------------ the page, same faults


@pytest.fixture()
def admin_page(db, monkeypatch):
    monkeypatch.setenv("TABLERO_DB", str(db))
    monkeypatch.setenv("TABLERO_ADMIN_PASSWORD", PASSWORD)
    auth.LIMITER.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at.session_state[admin._FLAG] = True  # as tests/test_admin.py: a logged-in session
    at.run()
    at.switch_page("pages/cargar.py").run()
    at.file_uploader(key="cargar_archivo").set_value(
        (SANATORIO.name, SANATORIO.read_bytes(), "application/octet-stream"))
    return at.run()


@pytest.mark.parametrize(("fault", "message"), [
    (_no_space, "No hay espacio en el disco para guardar la base de datos"),
    (lambda *a, **k: (_ for _ in ()).throw(PermissionError(errno.EACCES, "Permission denied")),
     "No se puede escribir en la base de datos"),
])
def test_the_import_page_explains_the_fault_and_keeps_the_database(db, admin_page, monkeypatch,
                                                                   fault, message):
    before, rows = db.read_bytes(), counts(db)
    monkeypatch.setattr("data_layer.store.tempfile.mkstemp", fault)
    admin_page.button(key="cargar_confirmar").click().run()
    assert not admin_page.exception
    errors = [e.value for e in admin_page.error]
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert db.read_bytes() == before and counts(db) == rows


# ------------------------------------------------- permissions and leftovers


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o664])
def test_an_import_keeps_the_database_permissions(db, mode):
    os.chmod(db, mode)
    loader.import_files([loader.FileSpec(SANATORIO)], db)
    assert counts(db)[0] == 2  # the import happened
    assert oct(db.stat().st_mode & 0o777) == oct(mode)


def _dead_pid() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait(timeout=30)
    return finished.pid


def test_copies_left_by_killed_imports_are_removed_when_the_dashboard_starts(db, caplog):
    dead = _dead_pid()
    abandoned = [db.parent / f"tablero.duckdb.{dead}.k1l2l3.tmp",
                 db.parent / f"tablero.duckdb.{dead}.k1l2l3.tmp.wal"]
    running = db.parent / f"tablero.duckdb.{os.getppid()}.v1v2v3.tmp"  # a live process: an import
    old_style = db.parent / "tablero.duckdb.a8b7c6.tmp"  # named before the pid was in it
    for copy in (*abandoned, running, old_style):
        copy.write_bytes(b"copia a medias")
    with caplog.at_level(logging.WARNING, logger="data_layer.store"):
        store.Database(db)
    assert leftovers(db) == sorted([old_style.name, running.name])
    logged = sorted(r.getMessage() for r in caplog.records)
    assert logged == sorted(f"Se borró {copy}: copia temporal de una importación que se "
                            f"interrumpió (proceso {dead})." for copy in abandoned)
    # The next import holds the write lock: no import runs, every copy goes.
    loader.import_files([loader.FileSpec(SANATORIO)], db)
    assert leftovers(db) == []



def test_a_write_that_finds_the_file_held_open_says_nothing_was_saved(held):
    before = held.read_bytes()
    with pytest.raises(store.DatabaseLockedError) as caught:
        with store.write_transaction(held) as con:
            con.execute("DELETE FROM reading")
    assert str(caught.value).endswith("Ciérrelo e inténtelo de nuevo. La base de datos quedó "
                                      "como estaba: no se guardó nada.")
    assert held.read_bytes() == before


def test_a_viewing_page_on_a_database_held_open_for_writing_says_so(held, monkeypatch):
    """A viewer opening the dashboard while another program holds the file
    open for writing reads what happened, not the generic error."""
    monkeypatch.setenv("TABLERO_DB", str(held))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith(LOCKED.removeprefix("Error: ")), errors
