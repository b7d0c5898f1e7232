"""The DuckDB file: where it lives, how it is opened, how it is written.

DuckDB lets one process hold a file read-write and then locks every other
process out, readers included (see shared/TECH.md). So nothing keeps the real
file open for writing: an import copies the database to a temporary file next
to it, writes there, and swaps it in with an atomic ``os.replace``. Readers
(the dashboard) hold a read-only connection and reopen it when the file on
disk is a new one. Consequences we rely on:

- a viewer sees the state before or after an import, never half of one;
- an import that fails or is killed leaves the previous file untouched (the
  temporary copy is simply abandoned);
- imports are serialised by an exclusive ``flock`` on ``<db>.lock``.
"""
from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "tablero.duckdb"
SCHEMA_FILE = Path(__file__).with_name("schema.sql")


def default_db_path() -> Path:
    """The database the dashboard and the command line share.

    ``TABLERO_DB`` overrides it (tests, several installations on one server).
    """
    return Path(os.environ.get("TABLERO_DB") or DEFAULT_DB)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))


class DatabaseBusyError(Exception):
    """Another import kept the database busy for too long."""


LOCK_WAIT_SECONDS = 300


@contextlib.contextmanager
def write_lock(path: Path, wait_seconds: float | None = None) -> Iterator[None]:
    """Exclusive lock that serialises writers of ``path`` across processes.

    A second import waits for the first; after ``wait_seconds`` (by default
    ``LOCK_WAIT_SECONDS``, read at call time) it gives up with
    ``DatabaseBusyError`` instead of hanging.
    """
    if wait_seconds is None:
        wait_seconds = LOCK_WAIT_SECONDS
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(path) + ".lock", "a+") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DatabaseBusyError(
                        "Otra importación está escribiendo en la base de datos desde hace más de "
                        f"{wait_seconds:.0f} s. Espere a que termine e inténtelo de nuevo.") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def write_transaction(path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a private copy of the database.

    If the block finishes, the copy replaces the database atomically; if it
    raises, the database on disk is exactly as it was.
    """
    path = Path(path) if path else default_db_path()
    with write_lock(path):
        _remove_abandoned_copies(path)
        fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if path.exists():
                shutil.copyfile(path, tmp)
            else:
                tmp.unlink()  # DuckDB refuses an existing empty file
            con = duckdb.connect(str(tmp))
            try:
                create_schema(con)
                con.execute("BEGIN TRANSACTION").fetchall()
                yield con
                con.execute("COMMIT").fetchall()
                con.execute("CHECKPOINT").fetchall()
            finally:
                con.close()
            _fsync(tmp)
            os.replace(tmp, path)
            _fsync_dir(path.parent)
        finally:
            for leftover in (tmp, Path(str(tmp) + ".wal")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()


def _remove_abandoned_copies(path: Path) -> None:
    """Copies left by an import that was killed (its ``finally`` never ran).

    Called with the write lock held, so no live import owns any of them.
    """
    for leftover in path.parent.glob(glob.escape(path.name) + ".*.tmp*"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


ALIAS = "plans"


def connect_readonly(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection (several processes may hold one at once).

    The file is ATTACHed to a fresh in-memory instance rather than opened with
    ``duckdb.connect(path)``: DuckDB caches instances by path within a process,
    so after an import swapped the file, ``connect(path)`` would hand back the
    old, stale instance.
    """
    path = Path(path) if path else default_db_path()
    if not path.exists():
        raise FileNotFoundError(path)
    con = duckdb.connect()
    quoted = str(path).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS {ALIAS} (READ_ONLY)")
    con.execute(f"USE {ALIAS}")
    return con


class Database:
    """The dashboard's view of the database file: one shared read-only
    connection, reopened when an import has swapped in a new file.

    DuckDB 2.0 forbids using one connection from several threads at once, and
    Streamlit serves each session from its own thread, so callers take a
    ``cursor()`` per query.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else default_db_path()
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._signature: tuple[int, int] | None = None

    def _file_signature(self) -> tuple[int, int]:
        stat = self.path.stat()
        return (stat.st_ino, stat.st_mtime_ns)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            signature = self._file_signature()
            if self._con is None or signature != self._signature:
                # The old connection is not closed here: another thread may
                # still be reading through a cursor of it (the old file stays
                # readable on disk until the last handle goes).
                self._con = connect_readonly(self.path)
                self._signature = signature
            cur = self._con.cursor()
        cur.execute(f"USE {ALIAS}")  # a cursor does not inherit USE
        return cur

    @property
    def version(self) -> tuple[int, int]:
        """Changes whenever an import swaps in a new file (for cache keys)."""
        return self._file_signature()
