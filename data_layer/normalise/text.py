"""Text helpers shared by every normaliser: folding, cleaning, letter spacing.

``fold`` is the one comparison key of the whole data layer: vocabularies are
folded when loaded and cell texts are folded before lookup, so accents, case
and punctuation never decide a match.
"""
from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

_SPACES_RE = re.compile(r"[^\S\n]+")  # runs of whitespace other than newlines
_GAP_RE = re.compile(r"\s{2,}")

# Share of single-letter tokens above which a text is taken as letter-spaced.
_LETTER_SPACED_SHARE = 0.7


# What fold turns into a space: all but letters, digits ("\w", less "_") and
# "%". Whitespace is left to ``split()``, which separates it anyway (re's \s
# and ``str.isspace`` are the same set): fewer replacements, same result.
_NOT_KEPT_RE = re.compile(r"[^\w%\s]|_")

# Characters that are never seen but change what is read: the bidirectional
# controls (U+202A–U+202E, U+2066–U+2069, the marks U+200E/U+200F and the
# Arabic letter mark U+061C) and the zero-width ones (U+200B–U+200D, the word
# joiner U+2060, U+FEFF). "fdp\u202eexe.pdf" would show as "fdpfdp.exe"; a
# zero-width space makes two equal names differ. No plan needs them.
_INVISIBLE_RE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """``text`` without bidirectional controls and zero-width characters."""
    return _INVISIBLE_RE.sub("", text) if not text.isascii() else text


# The combining diacritical marks of U+0300–U+036F (all but U+034F, the
# grapheme joiner, whose combining class is 0): the accents of Spanish text
# after NFKD. Removed by one regex pass; any other non-ASCII character left is
# checked one by one as before, so the result is the same.
_COMMON_MARKS_RE = re.compile(
    "[" + "".join(chr(i) for i in range(0x300, 0x370) if unicodedata.combining(chr(i))) + "]+")


def _fold_once(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():
        decomposed = _COMMON_MARKS_RE.sub("", decomposed)
        if not decomposed.isascii():
            decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_KEPT_RE.sub(" ", decomposed.lower()).split())


def fold(text: object) -> str:
    """Comparison key: accents removed, lower case, punctuation as spaces.

    Keeps letters, digits and '%'; every other character becomes a space and
    runs of spaces collapse. ``None`` gives "". Idempotent.
    """
    if text is None:
        return ""
    text = str(text)
    if text.isascii() and text.isalnum():
        return text.lower()  # a plain word or number ("12", "Avance"): nothing else to do
    # Plans repeat the same texts (offices, phases, headers) thousands of
    # times: short ones are remembered.
    return _fold_cached(text) if len(text) <= 300 else _fold_uncached(text)


@lru_cache(maxsize=100_000)
def _fold_cached(text: str) -> str:
    return _fold_uncached(text)


def _fold_uncached(text: str) -> str:
    result = _fold_once(text)
    if result.isascii():
        return result  # only a-z, 0-9, "%" and single spaces: already a fixed point
    # A few characters only settle after a second pass (e.g. "ℌ" decomposes
    # to "H", "İ" lowers to "i" plus a combining dot); loop to a fixed point
    # so fold(fold(x)) == fold(x) always holds.
    for _ in range(4):
        again = _fold_once(result)
        if again == result:
            break
        result = again
    return result


def squash(text: object) -> str:
    """``fold`` with every space removed, to compare letter-spaced titles."""
    return fold(text).replace(" ", "")


def find_phrase(folded_text: str, folded_phrase: str) -> int:
    """Position of a folded phrase inside a folded text as whole words, or -1."""
    if not folded_phrase:
        return -1
    position = f" {folded_text} ".find(f" {folded_phrase} ")
    return position  # the leading pad shifts positions by one, and -1 stays -1


def is_letter_spaced(text: str) -> bool:
    """True for titles written one letter at a time ("A c c i o n e s")."""
    tokens = str(text).split()
    if len(tokens) < 3:
        return False
    single = sum(1 for token in tokens if len(token) == 1)
    return single / len(tokens) >= _LETTER_SPACED_SHARE


def despace(text: str) -> str:
    """Undo letter spacing: "A c c i o n e s   i n t e r n a s" -> "Acciones internas".

    Runs of two or more spaces separate words and single spaces inside a word
    are removed; letters keep their case as written. Without multi-space gaps
    every letter is joined ("AccionesParticipativas"). Text that is not
    letter-spaced is returned with its whitespace collapsed.
    """
    if text is None:
        return ""
    text = str(text)
    if not is_letter_spaced(text):
        return " ".join(text.split())
    words = [word.replace(" ", "") for word in _GAP_RE.split(text.strip())]
    words = ["".join(word.split()) for word in words]  # tabs, odd spaces
    return " ".join(word for word in words if word)


def clean(value: object) -> str | None:
    """A cell value as tidy text, or None when the cell is empty.

    Integral floats lose their ".0" (Excel stores 3 as 3.0); NaN (an empty
    cell read through pandas) is empty. Runs of spaces and tabs collapse to
    one space, each line is stripped, and blank lines are dropped so lines
    are separated by a single "\\n". Bidirectional controls and zero-width
    characters are removed (see :func:`visible`).
    """
    if value is None:
        return None
    if value.__class__ is str:
        # The common case, checked inline (this runs several times per cell):
        # already tidy, one line (see ``_is_tidy``).
        if value and value.isprintable() and value[0] != " " and value[-1] != " " and "  " not in value:
            return value
        text = value
    else:
        if isinstance(value, float):
            if math.isnan(value):
                return None
            if value.is_integer():
                return str(int(value))
        text = str(value)
        if _is_tidy(text):
            return text
    text = visible(text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    result = "\n".join(line for line in lines if line)
    return result or None


def _is_tidy(text: str) -> bool:
    """One line, no leading/trailing space, no runs of spaces, no tabs or
    other whitespace but the plain space: ``clean`` would return it unchanged.

    ``isprintable`` is False for every whitespace character except " " (and
    for control characters); all C-speed checks, as this runs for every cell.
    """
    return bool(text) and text.isprintable() and text[0] != " " and text[-1] != " " and "  " not in text
