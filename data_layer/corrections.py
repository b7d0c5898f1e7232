"""What a planning office taught the importer: column mappings, office and
phase corrections. Saved in the database, applied to every later import,
listed and undone from the «Cargar planes» page.

A column *role* is a short string (the same the preview shows, in Spanish
through ``data_layer.preview.role_label``):

- a canonical field: ``name``, ``code``, ``group``, ``objective``, ``product``,
  ``indicator``, ``phase``, ``participation_level``, ``value_groups``,
  ``instance``, ``start_date``, ``due_date``, ``evidence_means``, ``office``,
  ``observation``;
- ``progress:<periodo>:<n>`` (``periodo`` trimestre, cuatrimestre, semestre, mes),
  ``planned:…``, ``executed:…``, ``observation:…``, ``evidence:…``, each with an
  optional year, ``executed:trimestre:2:2025`` (a plan indicativo has one
  group of columns per year: only the vigencia's are read);
- ``schedule:<año>-<mes>`` (year may be empty), ``phase_mark:<fase>``;
- ``extra`` (kept as it is) or ``ignore`` (not imported).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from data_layer import store
from data_layer.model import PHASES
from data_layer.normalise.text import fold

FIELDS = ("name", "code", "group", "objective", "product", "indicator", "phase",
          "participation_level", "value_groups", "instance", "start_date", "due_date",
          "evidence_means", "office", "observation")
PERIOD_ROLES = ("progress", "planned", "executed", "observation", "evidence")
PERIOD_KINDS = {"trimestre": 4, "cuatrimestre": 3, "semestre": 2, "mes": 12}
IGNORE = "ignore"
EXTRA = "extra"


@dataclass(frozen=True)
class Mapping:
    """A saved reading of a table: how many header rows and each column's role."""

    signature: str
    header_rows: int
    roles: dict[str, str]  # column letter → role
    headers: dict[str, str] = field(default_factory=dict)  # column letter → header, for people


@dataclass
class Corrections:
    """Everything saved, ready for the importer (no database in here)."""

    mappings: dict[str, Mapping] = field(default_factory=dict)  # signature → mapping
    offices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # fold(raw) → offices
    phases: dict[str, str] = field(default_factory=dict)  # fold(activity name) → phase

    def office_for(self, raw: str) -> tuple[str, ...] | None:
        return self.offices.get(fold(raw))

    def phase_for(self, name: str) -> str | None:
        return self.phases.get(fold(name))


def valid_role(role: str) -> bool:
    """Whether ``role`` is one the importer can apply."""
    if role in FIELDS or role in (IGNORE, EXTRA):
        return True
    kind, _, rest = role.partition(":")
    if kind in PERIOD_ROLES:
        period, _, rest = rest.partition(":")
        index, _, year = rest.partition(":")
        return (period in PERIOD_KINDS and index.isdigit() and 1 <= int(index) <= PERIOD_KINDS[period]
                and (not year or _is_year(year)))
    if kind == "schedule":
        year, _, month = rest.partition("-")
        return (not year or _is_year(year)) and month.isdigit() and 1 <= int(month) <= 12
    if kind == "phase_mark":
        return rest in PHASES
    return False


def _is_year(text: str) -> bool:
    return text.isdigit() and len(text) == 4


def with_year(role: str, year: int | None) -> str:
    """A period role with the year its column belongs to (``executed:trimestre:2``,
    2025 → ``executed:trimestre:2:2025``); other roles, and no year, unchanged."""
    kind, _, rest = role.partition(":")
    if kind not in PERIOD_ROLES or not rest:
        return role
    base = ":".join(role.split(":")[:3])
    return f"{base}:{year}" if year else base


def year_of(role: str) -> int | None:
    """The year of a period role, if it says one."""
    parts = role.split(":")
    return int(parts[3]) if parts[0] in PERIOD_ROLES and len(parts) == 4 and _is_year(parts[3]) else None


def signature(header_texts: list[list[str | None]]) -> str:
    """A stable key of a table's header rows (texts folded, by column position)."""
    rows = ["|".join(fold(text or "") for text in row).rstrip("|") for row in header_texts]
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:24]


# ------------------------------------------------------------ database
def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Databases made before corrections existed have none of these tables."""
    found = con.execute("""SELECT count(*) FROM information_schema.tables
                           WHERE table_name IN ('saved_mapping', 'office_correction',
                                                'phase_correction')""").fetchall()
    return found[0][0] == 3


def load(con: duckdb.DuckDBPyConnection) -> Corrections:
    """Every saved mapping and correction."""
    corrections = Corrections()
    if not _has_tables(con):
        return corrections
    for sig, rows, headers, roles in con.execute(
            "SELECT signature, header_rows, headers, roles FROM saved_mapping").fetchall():
        corrections.mappings[sig] = Mapping(sig, rows, json.loads(roles), json.loads(headers))
    for key, offices in con.execute("SELECT raw_key, offices FROM office_correction").fetchall():
        corrections.offices[key] = tuple(offices)
    for key, phase in con.execute("SELECT name_key, phase FROM phase_correction").fetchall():
        corrections.phases[key] = phase
    return corrections


def load_from(db_path: Path | str | None = None) -> Corrections:
    """Corrections of the database file, or none if it does not exist yet."""
    path = Path(db_path) if db_path else store.default_db_path()
    if not path.exists():
        return Corrections()
    con = store.connect_readonly(path)
    try:
        return load(con)
    finally:
        con.close()


def save(corrections: Corrections, db_path: Path | str | None = None, *, created_by: str | None = None,
         source_file: str | None = None) -> None:
    """Store (or overwrite) the given mappings and corrections, in one transaction."""
    for mapping in corrections.mappings.values():
        bad = [role for role in mapping.roles.values() if not valid_role(role)]
        if bad:
            raise ValueError(f"Papel de columna desconocido: {', '.join(bad)}")
    unknown = [p for p in corrections.phases.values() if p not in PHASES]
    if unknown:
        raise ValueError(f"Fase desconocida: {', '.join(unknown)}")
    now = datetime.now().replace(microsecond=0)
    with store.write_transaction(db_path) as con:
        for m in corrections.mappings.values():
            con.execute("INSERT OR REPLACE INTO saved_mapping VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [m.signature, m.header_rows, json.dumps(m.headers, ensure_ascii=False),
                         json.dumps(m.roles, ensure_ascii=False), source_file, now, created_by]).fetchall()
        for key, offices in corrections.offices.items():
            con.execute("INSERT OR REPLACE INTO office_correction VALUES (?, ?, ?, ?, ?)",
                        [fold(key), key, list(offices), now, created_by]).fetchall()
        for key, phase in corrections.phases.items():
            con.execute("INSERT OR REPLACE INTO phase_correction VALUES (?, ?, ?, ?, ?)",
                        [fold(key), key, phase, now, created_by]).fetchall()


_TABLES = {"mapeo": ("saved_mapping", "signature"), "dependencia": ("office_correction", "raw_key"),
           "fase": ("phase_correction", "name_key")}


def undo(kind: str, key: str, db_path: Path | str | None = None) -> None:
    """Delete one saved mapping ("mapeo"), office ("dependencia") or phase ("fase") correction.

    Plans already imported keep what they were read with; re-import them to
    read them again without the correction.
    """
    table, column = _TABLES[kind]  # names from this module, never from users
    with store.write_transaction(db_path) as con:
        con.execute(f"DELETE FROM {table} WHERE {column} = ?", [key]).fetchall()


def listing(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every saved correction, for people: kind, what, becomes, when, who."""
    columns = ["_tipo", "_clave", "Tipo", "Qué", "Se lee como", "Guardado", "Quién"]
    if not _has_tables(con):
        return pd.DataFrame(columns=columns)
    return con.execute("""
        SELECT 'mapeo', signature, 'Mapeo de columnas',
               coalesce(source_file, '') || ' (' || header_rows || ' fila(s) de encabezado)',
               CAST(roles AS VARCHAR), created_at, coalesce(created_by, '—')
        FROM saved_mapping
        UNION ALL
        SELECT 'dependencia', raw_key, 'Dependencia', raw, array_to_string(offices, '; '),
               created_at, coalesce(created_by, '—')
        FROM office_correction
        UNION ALL
        SELECT 'fase', name_key, 'Fase', name, phase, created_at, coalesce(created_by, '—')
        FROM phase_correction
        ORDER BY 6 DESC""").df().set_axis(columns, axis=1)
