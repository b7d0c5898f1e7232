"""Vocabulary tables the importer reads: CSV files a planning office can extend.

Every list of words the importer recognises (progress words, phase spellings,
month names, office abbreviations...) lives in ``data_layer/vocab/<name>.csv``
so that a person in a planning office can read it and add a row without
touching Python. ``README.md`` beside the CSVs explains each table in Spanish.

File format: UTF-8 (a BOM, as Excel writes it, is accepted), comma-separated,
one header row, values with commas inside double quotes. Lines whose first
non-blank character is ``#`` are comments; blank lines are ignored.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

VOCAB_DIR = Path(__file__).resolve().parent

# Table names are plain file stems: this keeps a name from pointing outside
# the vocabulary folder.
_NAME_RE = re.compile(r"^[a-z0-9_]+$")


def _data_lines(path: Path) -> list[tuple[int, str]]:
    """The file's lines that are not comments or blank, with their line number."""
    text = path.read_text(encoding="utf-8-sig")
    kept: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        kept.append((number, line))
    return kept


@lru_cache(maxsize=None)
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``data_layer/vocab/<name>.csv`` as dicts keyed by the header.

    Values are stripped of surrounding spaces; a missing trailing cell is "".
    The result is cached for the life of the process: treat it as read-only.
    Raises ``FileNotFoundError`` if the table does not exist and ``ValueError``
    if a row has more cells than the header (usually an unquoted comma).
    """
    if not _NAME_RE.match(name):
        raise ValueError(
            f"Nombre de tabla de vocabulario no válido: «{name}». Use solo letras "
            "minúsculas, números y guion bajo, sin «.csv»."
        )
    path = VOCAB_DIR / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"No existe la tabla de vocabulario «{name}»: cree el archivo {path} "
            "(vea data_layer/vocab/README.md)."
        )
    lines = _data_lines(path)
    if not lines:
        raise ValueError(f"La tabla {path.name} está vacía: falta la fila de encabezado.")
    numbers = [number for number, _ in lines]
    parsed = list(csv.reader(line for _, line in lines))
    header = [cell.strip() for cell in parsed[0]]
    rows: list[dict[str, str]] = []
    for number, cells in zip(numbers[1:], parsed[1:]):
        if len(cells) > len(header):
            raise ValueError(
                f"{path.name}, línea {number}: tiene {len(cells)} columnas y el "
                f"encabezado tiene {len(header)} ({', '.join(header)}). Si un valor "
                "lleva comas, enciérrelo entre comillas dobles."
            )
        cells = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells)))
    return tuple(rows)
