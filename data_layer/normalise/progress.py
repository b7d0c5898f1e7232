"""Reading one progress cell: a percentage, a fraction, a count or a word.

Progress arrives as ``0%``, ``50 %``, ``0,5``, ``0.5``, ``50``, ``1/3``,
``3 de 4``, counts with labels ("Programado 4 / Ejecutado 3", "Prog: 4 Ejec: 3")
or words ("No aplica", "Sin reporte", "Cumplida"). Words that mean "nothing
was due" or "nobody reported" become *states*, never zeros, so they are not
averaged as 0. A count keeps its two numbers (``planned``/``executed``) and,
written beside a word, wins over the word. The words live in
``vocab/progress_words.csv``, the count labels in ``vocab/progress_counts.csv``.
"""
from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Iterable

from data_layer.model import AVANCE, ILEGIBLE, NO_PROGRAMADA, READING_STATES, SIN_REPORTE
from data_layer.normalise.text import find_phrase, fold
from data_layer.vocab import load_table

ACCEPTED = (
    "Escriba un porcentaje (50%), una fracción (0,5), "
    "o 'No programada' / 'Sin reporte'."
)

_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"
_PERCENT_RE = re.compile(rf"^({_NUMBER})\s*%$")
_PERCENT_INSIDE_RE = re.compile(rf"(?<![\d.,])({_NUMBER})\s*%")
_FRACTION_RE = re.compile(rf"^({_NUMBER})\s*/\s*({_NUMBER})$")
_OF_RE = re.compile(rf"^({_NUMBER})\s+de\s+({_NUMBER})$", re.IGNORECASE)
_BARE_RE = re.compile(rf"^{_NUMBER}$")
# Words, unsigned numbers and the signs that matter for counts, in order.
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+|[/%]")
# A number format that scales by 100: a '%' outside quotes ("0%", "0.00 %"),
# not a literal one ('0"%"', '0\\%'), which shows 50 as "50%".
_FORMAT_LITERALS_RE = re.compile(r'"[^"]*"|\\.')
# Excel shows formula errors as "#DIV/0!", "#REF!", "#NAME?", "#N/A"; Spanish
# Excel writes "#¡DIV/0!", "#¿NOMBRE?", "#N/D".
_EXCEL_ERROR_RE = re.compile(r"^#.*[!?]$|^#N/[AD]$", re.IGNORECASE)
_MAX_SHOWN = 60  # longest cell text quoted back in a message

# Decimals kept: enough for any real plan, and it removes binary noise such as
# 0.07 * 100 == 7.000000000000001.
_DECIMALS = 9


@dataclass(frozen=True)
class ProgressValue:
    """One progress reading: a state, its 0–100 value if any, and a note."""

    state: str
    value: float | None
    message: str | None = None  # why it is ILEGIBLE, or a warning (clamped, ambiguous)
    planned: float | None = None  # a count's two numbers: «3 de 4» → 4 planned
    executed: float | None = None  # … and 3 executed
    code: str | None = None  # issue code of a warning other than "clamped" (AMBIGUOUS)


AMBIGUOUS = "avance_ambiguo"  # a word and numbers that could mean different things


@dataclass(frozen=True)
class _Word:
    phrase: str  # folded
    state: str
    value: float | None


@lru_cache(maxsize=None)
def _words() -> tuple[_Word, ...]:
    """progress_words.csv, folded and checked, longest phrase first."""
    words: list[_Word] = []
    for number, row in enumerate(load_table("progress_words"), start=1):
        phrase, state = fold(row.get("word")), row.get("state", "").strip()
        if not phrase:
            continue
        if state not in READING_STATES:
            raise ValueError(
                f"progress_words.csv, fila {number} («{row.get('word')}»): el estado "
                f"«{state}» no existe; use uno de {', '.join(READING_STATES)}."
            )
        value = _table_value(row, number) if state == AVANCE else None
        words.append(_Word(phrase, state, value))
    # Longest first so that "no realizada" is tried before "realizada".
    words.sort(key=lambda word: -len(word.phrase))
    return tuple(words)


PLANNED, EXECUTED = "programado", "ejecutado"


@lru_cache(maxsize=None)
def _count_labels() -> dict[str, str]:
    """progress_counts.csv: folded label word → PLANNED or EXECUTED."""
    labels: dict[str, str] = {}
    for number, row in enumerate(load_table("progress_counts"), start=1):
        word, role = fold(row.get("word")), row.get("role", "").strip()
        if not word:
            continue
        if role not in (PLANNED, EXECUTED) or " " in word:
            raise ValueError(
                f"progress_counts.csv, fila {number} («{row.get('word')}»): escriba una sola "
                f"palabra y en role «{PLANNED}» o «{EXECUTED}»."
            )
        labels[word] = role
    return labels


def _table_value(row: dict[str, str], number: int) -> float:
    try:
        value = float(row.get("value", "").replace(",", "."))
    except ValueError:
        value = math.nan
    if not 0 <= value <= 100:
        raise ValueError(
            f"progress_words.csv, fila {number} («{row.get('word')}»): el estado "
            "avance necesita en la columna value un número de 0 a 100."
        )
    return value


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _fmt(value: float) -> str:
    """A number as a Colombian reader writes it: 12,5 and 130 (no .0)."""
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _to_float(text: str) -> float:
    return float(text.replace(",", "."))


def _illegible(message: str) -> ProgressValue:
    return ProgressValue(ILEGIBLE, None, message)


def _percent(value: float) -> ProgressValue:
    """A value already on the 0–100 scale, checked and clamped."""
    if math.isnan(value) or math.isinf(value):
        return _illegible(f"El avance no es un número válido. {ACCEPTED}")
    if value < 0:
        return _illegible(
            f"El avance no puede ser negativo ({_fmt(value)}%): "
            "escriba un valor entre 0% y 100%."
        )
    if value > 100:
        return ProgressValue(
            AVANCE,
            100.0,
            f"El avance {_fmt(value)}% supera 100%; se tomó como 100%: revise la celda.",
        )
    # "+ 0.0" turns -0.0 into 0.0, which would otherwise print as "-0".
    return ProgressValue(AVANCE, round(float(value), _DECIMALS) + 0.0)


# Plans repeat the same progress cells ("0%", "N/A", 0.5) thousands of times:
# the reading of a text or number (with the column's scale and the cell's
# number format) is remembered. ProgressValue is frozen, so sharing is safe.
_MEMO_CHARS = 300


@lru_cache(maxsize=20_000)
def _scaled(number: float, fraction: bool | None, number_format: str | None) -> ProgressValue:
    """A bare number on the scale the column uses (see ``parse_progress``).

    Equal floats give equal readings (-0.0 reads as 0.0), so the memory is exact.
    """
    if not math.isfinite(number):  # "-1000…000" (400 digits) is -inf as a float
        return _illegible(f"El avance no es un número válido. {ACCEPTED}")
    if number < 0:
        return _illegible(
            f"El avance no puede ser negativo ({_fmt(number)}): "
            "escriba un valor entre 0% y 100%."
        )
    if number_format and is_percent_format(number_format):
        is_fraction = True  # openpyxl gives 0.25 for a cell shown as 25%
    elif fraction is not None:
        is_fraction = fraction
    else:
        is_fraction = number <= 1
    return _percent(number * 100 if is_fraction else number)


@lru_cache(maxsize=1_000)
def is_percent_format(number_format: str) -> bool:
    """Whether Excel shows the cell's number times 100 ("0%"; not '0"%"')."""
    return "%" in number_format and "%" in _FORMAT_LITERALS_RE.sub("", number_format)


def _ratio(done: float, total: float, raw: str) -> ProgressValue:
    if total == 0:
        return _illegible(
            f"La fracción «{_shown(raw)}» tiene denominador cero: "
            "escriba cuánto se hizo sobre cuánto se programó, por ejemplo 1/3."
        )
    if done < 0 or total < 0:
        return _illegible(f"La fracción «{_shown(raw)}» tiene un número negativo. {ACCEPTED}")
    return replace(_percent(done / total * 100), planned=total, executed=done)


_SEVERAL = "several"  # the text counts more than once
_PARTIAL = "partial"  # a label with its number, but not the other one


def _counts(text: str) -> tuple[float, float] | str | None:
    """(executed, planned) of the count written in a text ("ejecutadas 3 de 4",
    "Prog: 4 Ejec: 3", "3/4 actividades"); _SEVERAL, _PARTIAL or None.

    "X de Y" and "X/Y" come first; otherwise a label of progress_counts.csv
    followed by its number, one for each role. A number followed by '%' is a
    percentage, and numbers joined by more slashes are a date (15/03/2025).
    """
    tokens = _TOKEN_RE.findall(text)
    size = len(tokens)

    def number(i: int) -> bool:
        return 0 <= i < size and tokens[i][0].isdigit()

    def token(i: int) -> str:
        return tokens[i] if 0 <= i < size else ""

    pairs = [
        (tokens[i], tokens[i + 2]) for i in range(size - 2)
        if number(i) and number(i + 2) and (tokens[i + 1] == "/" or tokens[i + 1].lower() == "de")
        and token(i - 1) != "/" and token(i + 3) not in ("/", "%")
    ]
    if len(pairs) > 1:
        return _SEVERAL
    if pairs:
        return _to_float(pairs[0][0]), _to_float(pairs[0][1])
    labels = _count_labels()
    found: dict[str, list[float]] = {PLANNED: [], EXECUTED: []}
    for i in range(size - 1):
        role = labels.get(fold(tokens[i])) if tokens[i][0].isalpha() else None
        if role and number(i + 1) and token(i + 2) != "%":
            found[role].append(_to_float(tokens[i + 1]))
    planned, executed = found[PLANNED], found[EXECUTED]
    if len(planned) > 1 or len(executed) > 1:
        return _SEVERAL
    if planned and executed:
        return executed[0], planned[0]
    return _PARTIAL if planned or executed else None


def _from_count(done: float, total: float, text: str, word: _Word | None,
                percents: list[str]) -> ProgressValue:
    """A count written with words or a percentage: the count wins over a word;
    a percentage that disagrees with it wins, with a warning."""
    read = _ratio(done, total, text)
    if read.state != AVANCE:
        return read
    counted = f"{_fmt(done)} de {_fmt(total)}"
    if percents:
        written = _percent(_to_float(percents[0]))
        if written.state == AVANCE and abs(written.value - read.value) >= 1:
            return replace(
                written, planned=total, executed=done, code=AMBIGUOUS,
                message=(f"La celda «{_shown(text)}» dice {_fmt(written.value)}% pero cuenta "
                         f"{counted} ({_fmt(read.value)}%): se tomó el porcentaje escrito. "
                         "Deje solo uno de los dos."),
            )
        return read
    if (word is not None and word.state == AVANCE and word.value != read.value
            and word.phrase not in _count_labels()):
        return replace(
            read, code=AMBIGUOUS,
            message=(f"La celda «{_shown(text)}» dice «{word.phrase}» ({_fmt(word.value)}%) pero "
                     f"cuenta {counted}: se tomó {_fmt(read.value)}%. Si no es así, escriba solo "
                     "el porcentaje."),
        )
    return read


def _phrase_in(folded: str) -> _Word | None:
    """The longest vocabulary phrase inside the text as whole words."""
    best: tuple[int, int, _Word] | None = None
    for word in _words():
        position = find_phrase(folded, word.phrase)
        if position < 0:
            continue
        key = (-len(word.phrase), position)
        if best is None or key < best[:2]:
            best = (key[0], key[1], word)
    return best[2] if best else None


def _from_word(word: _Word, raw: str) -> ProgressValue:
    if word.state == ILEGIBLE:
        return _illegible(
            f"«{_shown(raw)}» no dice cuánto se avanzó. {ACCEPTED}"
        )
    return ProgressValue(word.state, word.value)


def _parse_text(raw: str, *, fraction: bool | None, number_format: str | None) -> ProgressValue:
    text = " ".join(raw.split())
    if _EXCEL_ERROR_RE.match(text):
        return _illegible(
            f"La celda tiene un error de fórmula ({text}): corrija la fórmula "
            "o escriba el porcentaje de avance."
        )
    folded = fold(text)
    # 1. The whole cell is a vocabulary phrase.
    for word in _words():
        if word.phrase == folded:
            return _from_word(word, text)
    # 2. The whole cell is a number, percentage or fraction.
    if match := _PERCENT_RE.match(text):
        return _percent(_to_float(match.group(1)))
    if match := _FRACTION_RE.match(text) or _OF_RE.match(text):
        return _ratio(_to_float(match.group(1)), _to_float(match.group(2)), text)
    if _BARE_RE.match(text):
        return _scaled(_to_float(text), fraction, number_format)
    # 3. Words and numbers mixed ("No aplica 0%", "50% ejecutada").
    word = _phrase_in(folded)
    if word is not None and word.state in (NO_PROGRAMADA, SIN_REPORTE):
        return _from_word(word, text)  # the state explains whatever number follows
    percents = _PERCENT_INSIDE_RE.findall(text)
    if len(percents) > 1:
        return _illegible(
            f"La celda «{_shown(text)}» tiene varios porcentajes: "
            "deje solo el avance del periodo."
        )
    # A count ("3 de 4 actividades", "Programado 4 / Ejecutado 3") is more
    # precise than a word: "ejecutado" alone would read as 100%.
    counts = _counts(text)
    if isinstance(counts, tuple):
        return _from_count(counts[0], counts[1], text, word, percents)
    if percents:
        return _percent(_to_float(percents[0]))  # more precise than "ejecutada"
    if counts == _SEVERAL:
        return _illegible(
            f"La celda «{_shown(text)}» tiene varias cuentas: deje solo el avance del "
            "periodo, por ejemplo 3 de 4 o 75%."
        )
    if counts == _PARTIAL:
        if word is not None and word.state == AVANCE:
            return ProgressValue(
                AVANCE, word.value, code=AMBIGUOUS,
                message=(f"La celda «{_shown(text)}» da un número sin decir de cuánto; se tomó "
                         f"«{word.phrase}» como {_fmt(word.value)}%. Escriba el avance como "
                         "porcentaje (75%) o como cuenta (3 de 4)."),
            )
        if word is None:
            return _illegible(
                f"La celda «{_shown(text)}» da una cantidad sin decir de cuánto: escriba lo "
                "ejecutado sobre lo programado (3 de 4) o un porcentaje (75%)."
            )
    if word is not None:
        return _from_word(word, text)
    return _illegible(f"No se entiende «{_shown(text)}» como avance. {ACCEPTED}")


def parse_progress(
    raw: object,
    *,
    fraction: bool | None = None,
    number_format: str | None = None,
) -> ProgressValue | None:
    """Read one progress cell; None when the cell is empty.

    An empty cell returns None: whether it means "sin reporte" depends on the
    period, which the caller knows. Everything else returns a
    ``ProgressValue``; nothing raises.

    Scale of bare numbers (0.5, "50"): a percent number format ("0%", not
    '0"%"') means the cell holds a fraction (Excel stores 25% as 0.25) and is
    multiplied by 100; otherwise ``fraction=True``/``False`` says the scale of
    the column's unformatted numbers (decide it once per column with
    ``column_is_fraction``); with ``fraction=None`` a
    value ≤ 1 is taken as a fraction and a larger one as already 0–100, so an
    isolated "1" reads as 100%. Text with '%' ("50 %", "12,5%") is always
    0–100. Values above 100 become 100 with a warning message; negative
    values, booleans, dates and formula errors are ILEGIBLE.
    """
    if raw is None:
        return None
    kind = raw.__class__
    if kind is str:  # the common cases first, without the slower isinstance checks
        if len(raw) <= _MEMO_CHARS:
            return _parse_text_cached(raw, fraction, number_format) if raw.strip() else None
    elif kind is float:
        if raw != raw:
            return None  # an empty cell read through pandas
        if raw in (math.inf, -math.inf):
            return _illegible(f"El avance no es un número válido. {ACCEPTED}")
        return _scaled(raw, fraction, number_format)
    if isinstance(raw, bool):
        return _illegible(
            f"La celda tiene un valor VERDADERO/FALSO, no un avance. {ACCEPTED}"
        )
    if isinstance(raw, numbers.Real):
        try:
            number = float(raw)
        except OverflowError:
            number = math.inf  # an integer too large for a float
        if math.isnan(number):
            return None  # an empty cell read through pandas
        if math.isinf(number):
            return _illegible(f"El avance no es un número válido. {ACCEPTED}")
        return _scaled(number, fraction, number_format)
    if isinstance(raw, (date, datetime)):
        return _illegible(
            f"La celda tiene una fecha ({raw:%d/%m/%Y}), no un avance: si escribió "
            "una fracción como 1/3, Excel pudo convertirla en fecha; escriba 33%."
        )
    text = str(raw)
    if not text.strip():
        return None
    if len(text) <= _MEMO_CHARS:
        return _parse_text_cached(text, fraction, number_format)
    return _parse_text(text, fraction=fraction, number_format=number_format)


@lru_cache(maxsize=20_000)
def _parse_text_cached(text: str, fraction: bool | None, number_format: str | None) -> ProgressValue:
    return _parse_text(text, fraction=fraction, number_format=number_format)


def _numeric(value: object) -> float | None:
    """The number in a cell for the scale decision; None for other cells."""
    if value is None:
        return None
    if value.__class__ is str:
        return _numeric_text(value) if len(value) <= _MEMO_CHARS else _numeric_text.__wrapped__(value)
    if value.__class__ is float:
        return None if value != value or value in (math.inf, -math.inf) else value
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        try:
            number = float(value)
        except OverflowError:
            return None
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, str) and _BARE_RE.match(value.strip()):
        return _to_float(value.strip())  # CSV files bring every number as text
    return None


@lru_cache(maxsize=20_000)
def _numeric_text(value: str) -> float | None:
    text = value.strip()
    return _to_float(text) if _BARE_RE.match(text) else None


def column_is_fraction(cells: Iterable[tuple[object, str | None]]) -> bool:
    """The scale of the bare numbers of one progress column that carry no
    percent format: True when they are fractions (0–1).

    The scale is decided per cell: a cell with a percent number format holds
    a fraction whatever the column does (Excel stores 25% as 0.25), so those
    cells are not counted here, and one of them does not turn the plain 50 of
    the other cells into 5.000%. For the unformatted numbers only the rest of
    the column tells whether a 1 means 1% or 100%: at least one number and
    all within 0–1 -> True; any number above 1, or none -> False. Numbers
    typed as text ("0,5", as CSV files bring them) count as numbers; text
    with '%' is ignored because it carries its own 0–100 scale.
    """
    found = False
    for value, number_format in cells:
        number = _numeric(value)
        if number is None:
            continue
        if number_format and not isinstance(value, str) and is_percent_format(number_format):
            continue  # its own format decides its scale (see _scaled)
        if number < 0:
            continue  # unreadable anyway; it should not decide the scale
        if number > 1:
            return False
        found = True
    return found
