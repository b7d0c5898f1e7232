"""What each column of a table means, decided from its header path.

A header path is the list of header texts above a column, top to bottom
("SEGUIMIENTO TRIMESTRAL" › "II"). Every decision comes from the vocabulary
tables in data_layer/vocab (headers.csv, periods.csv, header_roles.csv,
phases.csv, months.csv): to teach the importer a new spelling, add a row there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from data_layer import corrections
from data_layer.normalise.dates import parse_month
from data_layer.normalise.phases import declared_phase
from data_layer.normalise.text import fold
from data_layer.vocab import load_table

MAX_PHASE_HEADING_WORDS = 6
# headers.csv: a "name" alias of this rank or more (meta de producto, indicador
# de producto) is a meta standing in for the activity: its text keeps its number.
NAME_FALLBACK_RANK = 6

# Column kinds.
FIELD = "field"  # a canonical activity field (headers.csv)
PROGRESS = "progress"  # progress of a follow-up period
PLANNED = "planned"  # planned amount of a period (planned-vs-executed layouts)
EXECUTED = "executed"  # executed amount of a period
SCHEDULE = "schedule"  # a month of the schedule grid (planned count or X)
PHASE_MARK = "phase_mark"  # an X marks the activity's phase
OBSERVATION = "observation"  # observation of a period
EVIDENCE = "evidence"  # evidence of a period
EXTRA = "extra"  # kept as it is, under its header
IGNORED = "ignored"  # a person said: do not import this column


@dataclass
class Column:
    index: int
    path: tuple[str, ...]  # header texts, top to bottom, as written
    kind: str = EXTRA
    field: str | None = None  # for FIELD
    period: tuple[str, int] | None = None  # ("trimestre", 2); ("mes", 5) for monthly
    year: int | None = None  # a year written in the header ("CRONOGRAMA 2023")
    phase: str | None = None  # for PHASE_MARK
    strength: int = 0  # how well a FIELD alias matched (3 exact, 2 prefix, 1 contained)
    rank: int = 99

    @property
    def label(self) -> str:
        return " / ".join(self.path) if self.path else f"Columna {self.index + 1}"


# ------------------------------------------------------------ vocabularies
@lru_cache(maxsize=1)
def _aliases() -> list[tuple[str, str, int]]:
    rows = [(fold(r["alias"]), r["field"], int(r["rank"])) for r in load_table("headers")]
    return sorted(rows, key=lambda row: -len(row[0]))


@lru_cache(maxsize=1)
def _periods() -> dict[str, tuple[str, int, bool]]:
    return {fold(r["token"]): (r["kind"], int(r["index"]), r["bare"] == "1")
            for r in load_table("periods")}


@lru_cache(maxsize=1)
def _roles() -> dict[str, tuple[str, ...]]:
    roles: dict[str, list[str]] = {}
    for row in load_table("header_roles"):
        roles.setdefault(row["role"], []).append(fold(row["word"]))
    return {role: tuple(sorted(words, key=len, reverse=True)) for role, words in roles.items()}


def _has_word(text: str, words: tuple[str, ...]) -> bool:
    padded = f" {text} "
    return any(f" {word} " in padded for word in words)


# Header texts are read again and again: every row of the first 60 is scored
# while the header row is looked for, and data rows repeat the same offices,
# dates and "N/A". The decisions below depend only on the (folded) text and
# the vocabularies, so they are remembered for texts up to this length.
_MEMO_CHARS = 300
_MEMO_SIZE = 50_000


def _role(text: str, role: str) -> bool:
    if len(text) <= _MEMO_CHARS:
        return _role_cached(text, role)
    return _has_word(text, _roles().get(role, ()))


@lru_cache(maxsize=_MEMO_SIZE)
def _role_cached(text: str, role: str) -> bool:
    return _has_word(text, _roles().get(role, ()))


# ------------------------------------------------------------ periods
_YEAR_RE = re.compile(r"\b(19[89]\d|20\d\d)\b")


@lru_cache(maxsize=1)
def _period_tokens() -> tuple[str, ...]:
    """periods.csv tokens, longest first (the order ``period_in`` tries them)."""
    return tuple(sorted(_periods(), key=len, reverse=True))


def period_in(text: str, *, bare_ok: bool) -> tuple[str, int] | None:
    """The follow-up period named in a folded header text, if any.

    Bare tokens ("1", "II") count only when ``bare_ok`` (under a follow-up
    parent header), so a column numbered "2" elsewhere is not a quarter.
    """
    if len(text) <= _MEMO_CHARS:
        return _period_cached(text, bool(bare_ok))
    return _period_in(text, bare_ok)


@lru_cache(maxsize=_MEMO_SIZE)
def _period_cached(text: str, bare_ok: bool) -> tuple[str, int] | None:
    return _period_in(text, bare_ok)


def _period_in(text: str, bare_ok: bool) -> tuple[str, int] | None:
    periods = _periods()
    hit = periods.get(text)
    if hit and (bare_ok or not hit[2]):
        return hit[0], hit[1]
    padded = f" {text} "
    for token in _period_tokens():
        kind, index, bare = periods[token]
        if not bare and f" {token} " in padded:
            return kind, index
    return _month_range(text) or _numbered_followup(text)


# A run of months names the period it covers: «Ene-Mar» is the first quarter,
# «May-Ago» the second cuatrimestre, «Jul-Dic» the second semester.
_SPAN_KINDS = {3: "trimestre", 4: "cuatrimestre", 6: "semestre"}


def _month_range(text: str) -> tuple[str, int] | None:
    months = [m for m in (parse_month(word) for word in text.split()) if m]
    if len(months) < 2:
        return None
    first, last = months[0], months[-1]
    span = last - first + 1
    kind = _SPAN_KINDS.get(span)
    if kind and last % span == 0:
        return kind, last // span
    if first == 1 and last % 3 == 0:  # «Enero a septiembre»: cumulative to a quarter's end
        return "trimestre", last // 3
    return None


def _numbered_followup(text: str) -> tuple[str, int] | None:
    """«Seguimiento II», «Avance 3», «Reporte IV»: a follow-up word (header_roles.csv)
    followed by a bare period token (periods.csv)."""
    words = text.split()
    if len(words) < 2:
        return None
    hit = _periods().get(words[-1])
    if hit is None or not hit[2] or not _role(" ".join(words[:-1]), "progress"):
        return None
    return hit[0], hit[1]


def month_in(text: str) -> int | None:
    """A month named in a folded header ("oct", "enero", "avance marzo")."""
    if len(text) <= _MEMO_CHARS:
        return _month_cached(text)
    return _month_in(text)


@lru_cache(maxsize=_MEMO_SIZE)
def _month_cached(text: str) -> int | None:
    return _month_in(text)


def _month_in(text: str) -> int | None:
    for word in text.split():
        month = parse_month(word)
        if month:
            return month
    return None


# ------------------------------------------------------------ classification
def classify(index: int, path: tuple[str, ...]) -> Column:
    """Decide the role of one column from its header path."""
    column = Column(index=index, path=path)
    folded = [fold(p) for p in path if fold(p)]
    if not folded:
        return column
    leaf, parents = folded[-1], folded[:-1]
    whole = " ".join(folded)
    year = next((int(m) for p in folded for m in _YEAR_RE.findall(p)), None)
    column.year = year
    for step in (_phase_mark, _planned_executed, _period_column, _schedule_column):
        if step(column, leaf, parents, whole):
            return column
    _field_column(column, leaf, whole)
    return column


def phase_heading(text: str) -> str | None:
    """The phase a short header names ("Diagnóstico participativo"), if any.

    Long texts are not headings: "Instrumento de planeación asociado…" merely
    contains a phase spelling.
    """
    if len(fold(text).split()) > MAX_PHASE_HEADING_WORDS:
        return None
    phase = declared_phase(text)
    return None if phase in (None, "sin_clasificar") else phase


def _phase_mark(column: Column, leaf: str, parents: list[str], whole: str) -> bool:
    if any(_role(p, "progress") or _role(p, "schedule") for p in parents):
        return False
    phase = phase_heading(column.path[-1])
    # "Fase del ciclo" itself, or any header that names a field, is not a mark;
    # nor is a follow-up period («SEGUIMIENTO I», «Seguimiento 2»).
    if phase is None or _match_field(leaf)[1] >= 2 or period_in(leaf, bare_ok=False):
        return False
    column.kind, column.phase = PHASE_MARK, phase
    return True


def _planned_executed(column: Column, leaf: str, parents: list[str], whole: str) -> bool:
    planned, executed = _role(whole, "planned"), _role(whole, "executed")
    if planned == executed:
        return False
    period = _any_period(leaf, parents, whole)
    if period is None:
        month = month_in(leaf)
        if month is not None:
            period = ("mes", month)
        elif column.year and any(_YEAR_RE.search(p) for p in parents):
            period = ("anual", 1)  # «2025» › «Programado»: the whole year
        else:
            return False
    column.kind, column.period = (PLANNED if planned else EXECUTED), period
    return True


def _any_period(leaf: str, parents: list[str], whole: str) -> tuple[str, int] | None:
    under_followup = any(_role(p, "progress") or _role(p, "planned") or _role(p, "executed")
                         or period_in(p, bare_ok=False) for p in parents)
    period = period_in(leaf, bare_ok=under_followup) or period_in(whole, bare_ok=False)
    if period is None:
        for parent in parents:
            period = period_in(parent, bare_ok=False)
            if period:
                break
    if period and period[0] == "trimestre" and _role(whole, "cuatrimestral") and period[1] <= 3:
        period = ("cuatrimestre", period[1])
    return period


def _period_column(column: Column, leaf: str, parents: list[str], whole: str) -> bool:
    followup = _role(whole, "progress") or any(period_in(p, bare_ok=False) for p in parents)
    if not followup and (not period_in(leaf, bare_ok=False) or _month_range(leaf)):
        # A bare «Ene-Mar» (or under «Cronograma») marks when the work is
        # planned, not its progress: only «Avance Ene-Mar» is a follow-up.
        return False
    period = _any_period(leaf, parents, whole)
    if period is None:
        month = month_in(leaf) if (followup and not any(_role(p, "schedule") for p in parents)) else None
        if month is None:
            return False
        period = ("mes", month)
    if _role(leaf, "observation"):
        column.kind = OBSERVATION
    elif _role(leaf, "evidence"):
        column.kind = EVIDENCE
    elif parents and _names_a_field(leaf):
        # «Fecha seguimiento» under «Seguimiento 1 OCI…»: not the period's
        # progress; kept as it is, under its header.
        column.kind = EXTRA
        column.candidates = []  # type: ignore[attr-defined]
        return True
    else:
        column.kind = PROGRESS
    column.period = period
    return True


def _names_a_field(leaf: str) -> bool:
    """A sub-header that names an activity field, not a progress figure
    («Fecha seguimiento», «Meta»)."""
    field_name, strength, _ = _match_field(leaf)
    if strength < 2:
        return False
    return field_name in ("start_date", "due_date") or not _role(leaf, "progress")


def _schedule_column(column: Column, leaf: str, parents: list[str], whole: str) -> bool:
    if not any(_role(p, "schedule") for p in parents) and not _role(leaf, "schedule"):
        return False
    month = None
    if leaf.isdigit() and 1 <= int(leaf) <= 12 and parents:
        month = int(leaf)
    else:
        month = month_in(leaf) if parents or _role(leaf, "schedule") else None
    if month is None:
        return False
    column.kind, column.period = SCHEDULE, ("mes", month)
    return True


@lru_cache(maxsize=1)
def _aliases_by_word() -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Positions in ``_aliases()`` by the alias's first word (and those without words).

    An alias can only match a text (whole, as its start, or as whole words
    inside it) if its first word is one of the text's words, so only those
    aliases need to be tried, in their usual order.
    """
    by_word: dict[str, list[int]] = {}
    wordless = []
    for position, (alias, _, _) in enumerate(_aliases()):
        words = alias.split()
        if words:
            by_word.setdefault(words[0], []).append(position)
        else:
            wordless.append(position)
    return {word: tuple(found) for word, found in by_word.items()}, tuple(wordless)


def _candidate_aliases(text: str) -> list[tuple[str, str, int]]:
    """The aliases that may match ``text``, in ``_aliases()`` order."""
    by_word, wordless = _aliases_by_word()
    positions = set(wordless)
    for word in set(text.split()):
        positions.update(by_word.get(word, ()))
    aliases = _aliases()
    return [aliases[position] for position in sorted(positions)]


def _match_field(text: str) -> tuple[str | None, int, int]:
    """(field, strength, rank) of the best alias for a folded header text."""
    if len(text) <= _MEMO_CHARS:
        return _match_field_cached(text)
    return _match_field_uncached(text)


@lru_cache(maxsize=_MEMO_SIZE)
def _match_field_cached(text: str) -> tuple[str | None, int, int]:
    return _match_field_uncached(text)


def _match_field_uncached(text: str) -> tuple[str | None, int, int]:
    best: tuple[str | None, int, int] = (None, 0, 99)
    padded = f" {text} "
    for alias, field_name, rank in _candidate_aliases(text):
        if text == alias:
            strength = 3
        elif text.startswith(alias + " "):
            strength = 2
        elif f" {alias} " in padded:
            strength = 1
        else:
            continue
        if (strength, -rank) > (best[1], -best[2]):
            best = (field_name, strength, rank)
    return best


def field_candidates(text: str) -> list[tuple[str, int, int]]:
    """Every (field, strength, rank) an alias gives a folded header text."""
    out: dict[str, tuple[str, int, int]] = {}
    padded = f" {text} "
    for alias, field_name, rank in _candidate_aliases(text):
        if text == alias:
            strength = 3
        elif text.startswith(alias + " "):
            strength = 2
        elif f" {alias} " in padded:
            strength = 1
        else:
            continue
        current = out.get(field_name)
        if current is None or (strength, -rank) > (current[1], -current[2]):
            out[field_name] = (field_name, strength, rank)
    return sorted(out.values(), key=lambda c: (-c[1], c[2]))


def _field_column(column: Column, leaf: str, whole: str) -> None:
    candidates = field_candidates(leaf) or field_candidates(whole)
    if candidates:
        column.kind = FIELD
        column.candidates = candidates  # type: ignore[attr-defined]
    else:
        column.candidates = []  # type: ignore[attr-defined]


def attach_period_notes(columns: list[Column]) -> None:
    """"Observaciones" right after a period's column, under the same parent
    header ("Corte 30 de abril" | "Observaciones"), is that period's note."""
    for left, column in zip(columns, columns[1:]):
        if column.kind not in (FIELD, EXTRA) or len(column.path) < 2 or left.path[:-1] != column.path[:-1]:
            continue
        leaf = fold(column.path[-1])
        if left.kind in (PROGRESS, EXECUTED, OBSERVATION, EVIDENCE) and left.period and (
                _role(leaf, "observation") or _role(leaf, "evidence")):
            column.kind = OBSERVATION if _role(leaf, "observation") else EVIDENCE
            column.period = left.period
            column.candidates = []  # type: ignore[attr-defined]


def assign_fields(columns: list[Column]) -> None:
    """Give each canonical field to at most one column, the best match.

    Pairs are taken best first (score 10 × match strength − the alias's rank,
    then the leftmost column); a column that loses every field it could be stays
    an EXTRA column, kept under its header. Without an activity column, the
    best column that can be the name is the name (``_name_fallback``).
    """
    pairs = []
    for column in columns:
        for field_name, strength, rank in getattr(column, "candidates", []):
            pairs.append((rank - 10 * strength, column.index, strength, rank, field_name, column))
    pairs.sort(key=lambda p: p[:2])
    done = _give_fields(pairs, set(), set())
    for column in columns:
        if column.kind == FIELD and column.index not in done:
            column.kind, column.field = EXTRA, None
    if not any(c.field == "name" for c in columns):
        _name_fallback(columns, pairs)
    for column in columns:
        if column.field == "name" and column.rank >= NAME_FALLBACK_RANK:
            column.name_fallback = True  # type: ignore[attr-defined]


def _give_fields(pairs: list, taken: set[str], done: set[int]) -> set[int]:
    """Each field to the first column of ``pairs`` that wants it; returns the
    columns decided."""
    for _, _, strength, rank, field_name, column in pairs:
        if column.index in done or (field_name in taken and field_name != "extra"):
            continue
        done.add(column.index)
        if field_name == "extra":
            column.kind, column.field = EXTRA, None
            continue
        taken.add(field_name)
        column.kind, column.field = FIELD, field_name
        column.strength, column.rank = strength, rank
    return done


def _name_fallback(columns: list[Column], pairs: list) -> None:
    """No activity column (a PDM plan indicativo, a FURAG plan de acción): the
    column that can be the name with the best alias («Meta de producto»,
    «Indicador de producto») is the name, and the other fields are given again
    without it."""
    names = [p for p in pairs if p[4] == "name"]
    if not names:
        return
    for column in columns:
        if column.kind == FIELD:
            column.kind, column.field = EXTRA, None
    chosen = names[0][5]
    _give_fields([names[0]] + [p for p in pairs if p[5] is not chosen], set(), set())


def one_column_per_period(columns: list[Column]) -> None:
    """Two progress (or planned, or executed) columns for the same period
    ("Avance T1" twice) would give two readings of one period: the first is
    read, the others are kept as they are (EXTRA) and reported."""
    seen: set[tuple[str, tuple[str, int]]] = set()
    for column in columns:
        if column.kind not in (PROGRESS, PLANNED, EXECUTED) or column.period is None:
            continue
        key = (column.kind, column.period, column.year)
        if key in seen:
            column.kind, column.period = EXTRA, None
        seen.add(key)


def header_score(texts: list[str]) -> int:
    """How many cells of a row read as known column headers."""
    return sum(is_header_text(text) for text in texts)


def is_header_text(text: str) -> bool:
    """Whether one cleaned text reads as a known column header."""
    if len(text) <= _MEMO_CHARS:
        return _is_header_cached(text)
    return _is_header_uncached(text)


@lru_cache(maxsize=_MEMO_SIZE)
def _is_header_cached(text: str) -> bool:
    return _is_header_uncached(text)


def _is_header_uncached(text: str) -> bool:
    folded = fold(text)
    if not folded or len(folded) > 120:
        return False
    field_name, strength, _ = _match_field(folded)
    if field_name and strength >= 2:
        return True
    return _role(folded, "progress") or _role(folded, "schedule")


def is_subheader_token(text: str) -> bool:
    """A short header that lives below a parent header (1..12, I..IV, OCT., a phase...)."""
    folded = fold(text)
    if not folded:
        return True
    if folded.isdigit() and 1 <= int(folded) <= 12:
        return True
    if period_in(folded, bare_ok=True) or month_in(folded):
        return True
    if phase_heading(text):
        return True
    if any(_role(folded, role) for role in ("planned", "executed", "observation", "evidence")):
        return True
    return len(folded) <= 40 and _match_field(folded)[1] >= 2


def apply_role(column: Column, role: str) -> Column:
    """Give a column the role a person chose in the mapping assistant
    (syntax in data_layer.corrections)."""
    column.field = column.period = column.phase = None
    kind, _, rest = role.partition(":")
    period_kinds = {"progress": PROGRESS, "planned": PLANNED, "executed": EXECUTED,
                    "observation": OBSERVATION, "evidence": EVIDENCE}
    if role == "ignore":
        column.kind = IGNORED
    elif role == "extra":
        column.kind = EXTRA
    elif kind in period_kinds and rest:
        period, index, *year = rest.split(":")
        column.kind, column.period = period_kinds[kind], (period, int(index))
        column.year = int(year[0]) if year else None
    elif kind == "schedule":
        year, _, month = rest.rpartition("-")
        column.kind, column.period, column.year = SCHEDULE, ("mes", int(month)), int(year) if year else None
    elif kind == "phase_mark":
        column.kind, column.phase = PHASE_MARK, rest
    else:
        column.kind, column.field = FIELD, role
    return column


def role_of(column: Column) -> str:
    """A column's role in the syntax of data_layer.corrections."""
    if column.kind == FIELD:
        return column.field or "extra"
    if column.kind in (PROGRESS, PLANNED, EXECUTED, OBSERVATION, EVIDENCE) \
            and column.period:
        kind, index = column.period
        return corrections.with_year(f"{column.kind}:{kind}:{index}", column.year)
    if column.kind == SCHEDULE and column.period:
        return f"schedule:{column.year or ''}-{column.period[1]:02d}"
    if column.kind == PHASE_MARK and column.phase:
        return f"phase_mark:{column.phase}"
    if column.kind == IGNORED:
        return "ignore"
    return "extra"
