"""The DuckDB file: where it lives, how it is opened, how it is written.

DuckDB lets one process hold a file read-write and then locks every other
process out, readers included (see shared/TECH.md). So nothing keeps the real
file open for writing: an import copies the database to a temporary file next
to it, writes there, and swaps it in with an atomic ``os.replace``. Readers
(the dashboard) hold a read-only connection and reopen it when the file on
disk is a new one. Consequences we rely on:

- a viewer sees the state before or after an import, never half of one;
- an import that fails or is killed leaves the previous file untouched (the
  temporary copy is simply abandoned; its name carries the process id, and
  the copies of processes that no longer exist are removed when the
  dashboard or the next import starts, with a line in the log);
- imports are serialised by an exclusive ``flock`` on ``<db>.lock``;
- the new file keeps the permissions of the one it replaces (644 stays 644);
- a write that cannot happen (disk full, read-only folder or file, the file
  held open for writing by another program) raises a
  :class:`DatabaseBusyError` whose message says, in Spanish, what to do; the
  database on disk stays exactly as it was.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import logging
import os
import re
import stat
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from data_layer import sql as derived

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "tablero.duckdb"
SCHEMA_FILE = Path(__file__).with_name("schema.sql")

logger = logging.getLogger(__name__)


def default_db_path() -> Path:
    """The database the dashboard and the command line share.

    ``TABLERO_DB`` overrides it (tests, several installations on one server).
    """
    return Path(os.environ.get("TABLERO_DB") or DEFAULT_DB)


# What DuckDB may hold in memory while writing (it spills the rest to a
# temporary folder beside the file): importing or deriving a million
# activities then peaks near 1,5 GB for the whole process instead of ~4 GB.
WRITE_MEMORY_LIMIT = os.environ.get("TABLERO_MEMORIA_ESCRITURA", "1GB")
if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", WRITE_MEMORY_LIMIT.strip(), re.IGNORECASE):
    WRITE_MEMORY_LIMIT = "1GB"


def limit_memory(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"SET memory_limit = '{WRITE_MEMORY_LIMIT}'").fetchall()


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))


class DatabaseBusyError(Exception):
    """The database cannot be written now: another import kept it busy for
    too long (this class), or one of the faults below (its subclasses). The
    message is Spanish and says what to do; nothing was written."""


class DiskFullError(DatabaseBusyError):
    """No room left on the disk for the copy being written."""


class ReadOnlyDatabaseError(DatabaseBusyError):
    """The folder or the file of the database cannot be written."""


class DatabaseLockedError(DatabaseBusyError):
    """Another program holds the database file open for writing."""


_FULL = (errno.ENOSPC, errno.EDQUOT)
_DENIED = (errno.EACCES, errno.EPERM, errno.EROFS)


def _fault(path: Path, error: BaseException) -> DatabaseBusyError | None:
    """The Spanish error for a failed write of ``path``, or None if it is none of ours."""
    text = str(error).lower()
    code = getattr(error, "errno", None)
    if code in _FULL or "no space left" in text or "disk quota" in text:
        return DiskFullError(
            f"No hay espacio en el disco para guardar la base de datos ({path}). Libere espacio "
            f"en la carpeta {path.parent} (o en su disco) e inténtelo de nuevo. La base de datos "
            "quedó como estaba: no se guardó nada.")
    if code in _DENIED or "permission denied" in text or "read-only file system" in text:
        return ReadOnlyDatabaseError(
            f"No se puede escribir en la base de datos {path}: la carpeta {path.parent} o el "
            "archivo son de sólo lectura para este programa. Pida a quien administra el servidor "
            "permiso de escritura en esa carpeta, o indique otra base de datos con --db o con la "
            "variable TABLERO_DB. La base de datos quedó como estaba: no se guardó nada.")
    return None


def _locked(path: Path, writing: bool = False) -> DatabaseLockedError:
    return DatabaseLockedError(
        f"Otro programa tiene abierta la base de datos {path} para escribir en ella (por ejemplo, "
        "DuckDB o un editor de bases de datos). Ciérrelo e inténtelo de nuevo."
        + (" La base de datos quedó como estaba: no se guardó nada." if writing else ""))


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

    If the block finishes, the copy replaces the database atomically (with
    the permissions of the file it replaces); if it raises, the database on
    disk is exactly as it was. A disk full, a read-only folder or a file held
    open for writing by another program raise the Spanish subclasses of
    :class:`DatabaseBusyError`.
    """
    path = Path(path) if path else default_db_path()
    try:
        with write_lock(path), _copy(path) as con:
            yield con
    except (OSError, duckdb.Error) as error:
        fault = _fault(path, error)
        if fault is None:
            raise
        logger.info("No se pudo escribir la base de datos %s: %s", path, error)
        raise fault from error


@contextlib.contextmanager
def _copy(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The copy-write-swap of :func:`write_transaction` (write lock held)."""
    remove_abandoned_copies(path, every=True)
    _refuse_if_open_for_writing(path)
    if path.exists() and not os.access(path, os.W_OK):  # made read-only on purpose
        raise PermissionError(errno.EACCES, "the database file is read-only", str(path))
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else _default_mode()
    fd, tmp_name = tempfile.mkstemp(prefix=f"{path.name}.{os.getpid()}.", suffix=".tmp",
                                    dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if path.exists():
            shutil.copyfile(path, tmp)
        else:
            tmp.unlink()  # DuckDB refuses an existing empty file
        con = duckdb.connect(str(tmp))
        try:
            # A long write would print DuckDB's progress bar on the command's stdout.
            con.execute("SET enable_progress_bar = false").fetchall()
            limit_memory(con)
            create_schema(con)
            con.execute("BEGIN TRANSACTION").fetchall()
            yield con
            # The derived tables, in the same transaction: the dashboard reads
            # them from the file instead of deriving them at every start.
            derived.store_derived(con)
            con.execute("COMMIT").fetchall()
            con.execute("CHECKPOINT").fetchall()
        finally:
            con.close()
        os.chmod(tmp, mode)  # mkstemp makes the copy private (600)
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _default_mode() -> int:
    """What a new file gets from the umask (0o644 with the usual 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _refuse_if_open_for_writing(path: Path) -> None:
    """Raise :class:`DatabaseLockedError` if another process holds ``path``
    read-write (DuckDB then refuses even a read-only attach): a copy taken
    now could be half of that program's write, and the swap would lose it."""
    if not path.exists():
        return
    try:
        probe = connect_readonly(path)
    except DatabaseLockedError as error:
        raise _locked(path, writing=True) from error
    except duckdb.Error:
        return  # not ours to judge here: the copy will fail with its own error
    probe.close()


# "tablero.duckdb.<pid>.<random>.tmp" (and its ".wal"); older copies had no pid.
_COPY_PID = re.compile(r"\.(\d+)\.[^.]+\.tmp(\.wal)?$")


def remove_abandoned_copies(path: Path | str | None = None, every: bool = False) -> list[Path]:
    """Remove the temporary copies that imports killed midway left next to
    the database (their ``finally`` never ran), each with a log line.

    A copy whose process still runs is an import in progress and is kept,
    unless ``every`` (the caller holds the write lock, so no import runs).
    Returns the copies removed; a folder that cannot be written is left as is.
    """
    path = Path(path) if path else default_db_path()
    removed = []
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(glob.escape(path.name) + ".*.tmp*"):
            match = _COPY_PID.search(leftover.name)
            pid = int(match.group(1)) if match else None
            if not every and (pid is None or _alive(pid)):
                continue
            try:
                leftover.unlink()
            except OSError:
                continue
            removed.append(leftover)
            logger.warning("Se borró %s: copia temporal de una importación que se interrumpió%s.",
                           leftover, f" (proceso {pid})" if pid else "")
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


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
    old, stale instance. A file another program holds open for writing
    raises :class:`DatabaseLockedError`.
    """
    path = Path(path) if path else default_db_path()
    if not path.exists():
        raise FileNotFoundError(path)
    con = duckdb.connect()
    quoted = str(path).replace("'", "''")
    try:
        con.execute(f"ATTACH '{quoted}' AS {ALIAS} (READ_ONLY)")
    except duckdb.IOException as error:
        con.close()
        if "lock" in str(error).lower():  # another program holds it read-write
            raise _locked(path) from error
        raise
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
        remove_abandoned_copies(self.path)  # left by imports killed before this start
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._signature: tuple[int, int] | None = None
        self._derived: tuple[str, str] | None = None  # sql._stored of the file

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
                self._derived = None
            con, found = self._con, self._derived
            cur = con.cursor()
        cur.execute(f"USE {ALIAS}")  # a cursor does not inherit USE
        if found is None:  # asked once per file: it is read-only
            found = derived._stored(cur)
            with self._lock:
                if self._con is con:
                    self._derived = found
        derived.remember_stored(cur, found)
        return cur

    @property
    def version(self) -> tuple[int, int]:
        """Changes whenever an import swaps in a new file (for cache keys)."""
        return self._file_signature()


def stored_version(path: Path | str) -> str | None:
    """The version of the derived tables stored in the file at ``path``, or
    None (none stored, or the file cannot be opened)."""
    try:
        con = connect_readonly(path)
    except (OSError, duckdb.Error, DatabaseBusyError):
        return None
    try:
        return con.execute(f"SELECT version FROM {derived.STORED}.listo").fetchall()[0][0]
    except (duckdb.Error, IndexError):
        return None
    finally:
        con.close()


def store_derived_if_outdated(db_path: Path | str | None = None) -> bool:
    """Store the derived tables in a database file written without them or
    under other rules (by an earlier release), once, as a write does: the
    dashboard would otherwise derive them in memory at every start (minutes
    and gigabytes at national scale). Returns True when it rewrote the file; a
    file it cannot write (read-only, disk full, held by another program) is
    left as it is and the dashboard derives them in memory."""
    path = Path(db_path) if db_path else default_db_path()
    if not path.exists() or stored_version(path) == derived.status.DERIVED_VERSION:
        return False
    try:
        with write_transaction(path):
            pass  # the transaction's end stores the derived tables
    except DatabaseBusyError as error:
        logger.warning("No se pudieron guardar las tablas derivadas en %s: %s", path, error)
        return False
    logger.info("Tablas derivadas guardadas en %s (versión %s)", path,
                derived.status.DERIVED_VERSION)
    return True
