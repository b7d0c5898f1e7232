"""The title block above a table: entity, plan title, year, key/value lines."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from data_layer.normalise.dates import parse_date
from data_layer.normalise.text import clean, fold
from data_layer.vocab import load_table

_YEAR_RE = re.compile(r"\b(20\d\d|19[89]\d)\b")
_KEY_VALUE_RE = re.compile(r"^\s*([^:\n]{2,60}?)\s*:\s*(.+?)\s*$", re.S)
_SMALL_WORDS = {"de", "del", "la", "las", "los", "y", "e", "el", "en", "para", "a"}


@dataclass
class TitleBlock:
    entity: str | None = None
    title: str | None = None
    vigencia: int | None = None  # written as "vigencia 2025" / "año 2025"
    title_year: int | None = None  # a year in the plan's title ("Plan … 2025")
    date_years: list[int] = field(default_factory=list)  # years of dates in the block
    metadata: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _entity_kinds() -> list[tuple[str, int]]:
    return [(fold(r["word"]), int(r["rank"])) for r in load_table("entity_kinds")]


@lru_cache(maxsize=1)
def _entity_abbreviations() -> list[tuple[str, str]]:
    return [(r["long"], r["short"]) for r in load_table("entity_abbreviations")]


def read_title_block(texts: list[str]) -> TitleBlock:
    """Read the cells above the header row (in reading order)."""
    block = TitleBlock()
    candidates: list[tuple[int, int, str]] = []
    for order, text in enumerate(texts):
        text = text.replace("*", "").strip()
        for line in text.split("\n"):
            _read_line(block, line.strip(), order, candidates)
    if candidates:
        candidates.sort()
        block.entity = entity_name(candidates[0][2])
    return block


def _read_line(block: TitleBlock, line: str, order: int, candidates: list) -> None:
    if not line:
        return
    folded = fold(line)
    match = _KEY_VALUE_RE.match(line)
    if match:
        key, value = match.group(1).strip(), match.group(2).strip()
        block.metadata.setdefault(key, value)
        fkey = fold(key)
        if fkey in ("entidad", "nombre de la entidad", "entidad responsable"):
            candidates.append((0, order, value.split("  ")[0]))
        for year_text in _YEAR_RE.findall(value):
            if "vigencia" in fkey or fkey in ("ano", "periodo"):
                block.vigencia = block.vigencia or int(year_text)
        _date_years(block, value)
    vigencia = re.search(r"\bvigencia\s*(20\d\d)\b", folded)
    if vigencia:
        block.vigencia = block.vigencia or int(vigencia.group(1))
    for word, rank in _entity_kinds():
        if folded.startswith(word + " "):
            candidates.append((rank, order, line))
            break
    titled = any(w in folded.split() for w in ("plan", "estrategia", "cronograma", "formato"))
    if block.title is None and titled:
        block.title = clean(line)
    years = _YEAR_RE.findall(folded)
    if titled and years and block.title_year is None and not _looks_like_date(line):
        block.title_year = int(years[0])
    if not match:
        _date_years(block, line)


def _looks_like_date(text: str) -> bool:
    try:
        return parse_date(text) is not None
    except ValueError:
        return False


def _date_years(block: TitleBlock, text: str) -> None:
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed:
        block.date_years.append(parsed.year)


def _capitalise(word: str) -> str:
    """Upper-case the first letter, after any opening punctuation ("(san" → "(San")."""
    return re.sub(r"^(\W*)(\w)", lambda m: m.group(1) + m.group(2).upper(), word)


def entity_name(text: str) -> str:
    """"ALCALDÍA DE CARTAGO" → "Alcaldía de Cartago"; long forms shortened."""
    text = re.sub(r"\s+", " ", text).strip(" .-:")
    text = re.split(r"\s+(?:versi[oó]n|nit|c[oó]digo)\b", text, flags=re.I)[0]
    if text.isupper() or text.islower():
        words = text.lower().split(" ")
        text = " ".join(w if (i and w in _SMALL_WORDS) else _capitalise(w)
                        for i, w in enumerate(words))
    for long, short in _entity_abbreviations():
        text = re.sub(rf"\b{re.escape(long)}\b", short, text, flags=re.I)
    return text.strip()
