"""Phases of the management cycle: read when declared, inferred when not.

``declared_phase`` recognises how a plan *writes* a phase (a phase column,
the header of an X-mark column, a group title) using ``vocab/phases.csv``.
``infer_phase`` guesses the phase from the activity's wording using
``vocab/phase_keywords.csv``; its result must be stored as inferred, never
as declared (see ``data_layer.model.INFERRED``).
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from data_layer.model import PHASES
from data_layer.normalise.text import find_phrase, fold, is_letter_spaced
from data_layer.vocab import load_table

UNCLASSIFIED = "sin_clasificar"
# Phases a plan may declare or a keyword may point to ("sin_clasificar" is
# what is left when nothing matches, not something to write in a table).
_TABLE_PHASES = tuple(phase for phase in PHASES if phase != UNCLASSIFIED)
# A letter-spaced title is only compared by prefix when the spelling is long
# enough for a chance match to be impossible in practice.
_MIN_SQUASHED_PREFIX = 8


def _check_phase(phase: str, table: str, number: int, text: str) -> str:
    if phase not in _TABLE_PHASES:
        raise ValueError(
            f"{table}, fila {number} («{text}»): la fase «{phase}» no existe; "
            f"use una de {', '.join(_TABLE_PHASES)}."
        )
    return phase


@lru_cache(maxsize=None)
def _spellings() -> tuple[tuple[str, str], ...]:
    """phases.csv as (folded spelling, phase), longest spelling first."""
    spellings: dict[str, str] = {}
    for number, row in enumerate(load_table("phases"), start=1):
        spelling = fold(row.get("spelling"))
        if spelling:
            phase = _check_phase(row.get("phase", "").strip(), "phases.csv", number, spelling)
            spellings[spelling] = phase
    return tuple(sorted(spellings.items(), key=lambda item: -len(item[0])))


# Longest text whose reading is remembered: plans repeat the same phase
# names, group titles and activity wordings on many rows.
_MEMO_CHARS = 1000


def declared_phase(text: object) -> str | None:
    """Canonical phase key for a phase as a plan writes it, or None.

    Tried in order: the whole text is a spelling; the same with spaces removed
    (letter-spaced vertical titles); the text begins with a spelling (the
    longest wins: "Formulación/Planeación de políticas..." -> formulacion);
    a spelling appears as whole words elsewhere in the text (longest, then
    earliest); for letter-spaced text, a long spelling begins it.
    """
    if text.__class__ is str and len(text) <= _MEMO_CHARS:
        return _declared_cached(text)
    return _declared(text)


@lru_cache(maxsize=20_000)
def _declared_cached(text: str) -> str | None:
    return _declared(text)


def _declared(text: object) -> str | None:
    folded = fold(text)
    if not folded:
        return None
    spellings = _spellings()
    for spelling, phase in spellings:
        if spelling == folded:
            return phase
    squashed = folded.replace(" ", "")
    for spelling, phase in spellings:
        if spelling.replace(" ", "") == squashed:
            return phase
    for spelling, phase in spellings:  # longest first
        if find_phrase(folded, spelling) == 0:
            return phase
    inside = [
        (-len(spelling), position, phase)
        for spelling, phase in spellings
        if (position := find_phrase(folded, spelling)) > 0
    ]
    if inside:
        return min(inside)[2]
    if is_letter_spaced(str(text)):
        for spelling, phase in spellings:
            compact = spelling.replace(" ", "")
            if len(compact) >= _MIN_SQUASHED_PREFIX and squashed.startswith(compact):
                return phase
    return None


@dataclass(frozen=True)
class _Keyword:
    keyword: str  # folded, as written in the table
    phase: str
    priority: float
    pattern: re.Pattern[str]


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    """Each word of the keyword must begin a word of the text, consecutively."""
    words = [re.escape(word) + r"[a-z0-9%]*" for word in keyword.split()]
    return re.compile(r"(?<![a-z0-9%])" + r" ".join(words))


@lru_cache(maxsize=None)
def _keywords() -> tuple[_Keyword, ...]:
    keywords: list[_Keyword] = []
    for number, row in enumerate(load_table("phase_keywords"), start=1):
        keyword = fold(row.get("keyword"))
        if not keyword:
            continue
        phase = _check_phase(row.get("phase", "").strip(), "phase_keywords.csv", number, keyword)
        try:
            priority = float(row.get("priority", "").replace(",", "."))
        except ValueError:
            raise ValueError(
                f"phase_keywords.csv, fila {number} («{keyword}»): la columna "
                "priority necesita un número (1 = débil, 4 = fuerte)."
            ) from None
        keywords.append(_Keyword(keyword, phase, priority, _keyword_pattern(keyword)))
    return tuple(keywords)


@lru_cache(maxsize=None)
def _first_words() -> tuple[str, ...]:
    """The first word of each keyword: its pattern can only match a text that
    contains it, so a plain substring test skips most patterns."""
    return tuple(keyword.keyword.split()[0] for keyword in _keywords())


def _best_match(folded: str) -> _Keyword | None:
    if len(folded) <= _MEMO_CHARS:
        return _best_match_cached(folded)
    return _best_match_uncached(folded)


@lru_cache(maxsize=50_000)
def _best_match_cached(folded: str) -> _Keyword | None:
    return _best_match_uncached(folded)


def _best_match_uncached(folded: str) -> _Keyword | None:
    """Highest priority, then earliest position, then longest keyword, then table order."""
    best: tuple[tuple[float, int, int, int], _Keyword] | None = None
    for order, (keyword, first) in enumerate(zip(_keywords(), _first_words())):
        if first not in folded:
            continue
        match = keyword.pattern.search(folded)
        if match is None:
            continue
        rank = (-keyword.priority, match.start(), -len(keyword.keyword), order)
        if best is None or rank < best[0]:
            best = (rank, keyword)
    return best[1] if best else None


def infer_phase(*texts: object) -> tuple[str, str | None]:
    """(phase key, deciding keyword) guessed from an activity's wording.

    Texts are tried in the order given (say name, then product, then
    objective); the first with any keyword decides. Within it the keyword
    with the highest priority wins, then the one that appears first. With no
    keyword at all the result is ("sin_clasificar", None).
    """
    for text in texts:
        keyword = _best_match(fold(text))
        if keyword is not None:
            return keyword.phase, keyword.keyword
    return UNCLASSIFIED, None


def infer_phase_words(*texts: object) -> tuple[str, str | None]:
    """(phase key, the words of the activity that decided it) — as ``infer_phase``,
    but the second item is the whole word(s) as the plan wrote them
    («capacitar» from «Conformar y capacitar un equipo…»), never the keyword's
    stem («capacit»), which is vocabulary, not Spanish."""
    for text in texts:
        if text is None:
            continue
        if text.__class__ is str and len(text) <= _MEMO_CHARS:
            found = _text_words_cached(text)
        else:
            found = _text_words(text)
        if found is not None:
            return found
    return UNCLASSIFIED, None


# The result for one text depends on that text only (and the vocabulary,
# loaded once): activities that repeat a wording are read once. Immutable
# tuples of strings, so sharing them between rows is safe.
@lru_cache(maxsize=50_000)
def _text_words_cached(text: str) -> tuple[str, str] | None:
    return _text_words(text)


def _text_words(text: object) -> tuple[str, str] | None:
    folded = fold(text)
    keyword = _best_match(folded)
    if keyword is None:
        return None
    return keyword.phase, _whole_words(str(text), folded, keyword)


_WORD = re.compile(r"[^\W_]+|%")


def _whole_words(text: str, folded: str, keyword: _Keyword) -> str:
    """The words of ``text`` that ``keyword`` matched, with their accents and
    punctuation between them; the folded words if the two cannot be lined up."""
    match = keyword.pattern.search(folded)
    assert match is not None  # _best_match found it
    first = folded.count(" ", 0, match.start())
    count = match.group(0).count(" ") + 1
    # Each token of the text folded on its own (an ASCII letter/digit run or
    # "%" folds to its lower case); a token may fold to several words or none.
    tokens = _WORD.findall(text)
    folded_tokens = [token.lower() if token.isascii() else fold(token) for token in tokens]
    if all(token and " " not in token for token in folded_tokens):
        # The usual case: one word per token, so word i is token i.
        if " ".join(folded_tokens) != folded or first + count > len(tokens):
            return match.group(0)
        spans = [m.span() for m in itertools.islice(_WORD.finditer(text), first + count)]
        words = spans[first:]
        first = 0
    else:
        words = []
        for m, token in zip(_WORD.finditer(text), folded_tokens):
            words.extend(m.span() for _ in token.split())
        if " ".join(token for token in folded_tokens if token) != folded or first + count > len(words):
            return match.group(0)
    found = text[words[first][0]:words[first + count - 1][1]]
    if found[:1].isupper() and found[1:2].islower():  # «Capacitar» at the start of a sentence
        found = found[0].lower() + found[1:]
    return " ".join(found.split())


def inferred_from(words: str | None) -> str | None:
    """What a person reads for an inferred phase: «Inferida de la palabra «capacitar»»."""
    if not words:
        return None
    noun = "las palabras" if len(words.split()) > 1 else "la palabra"
    return f"Inferida de {noun} «{words}»"
