"""Responsible offices (dependencias): splitting a cell and naming each office once.

A responsables cell may list several offices separated by commas, hyphens,
"y", line breaks..., but office names themselves contain commas and "y"
("Secretaría de Educación, Cultura y Turismo"). So a comma or "y" only splits
when the words after it start a new office (``vocab/office_starts.csv``).
Each piece is then written one canonical way: abbreviations expanded
(``office_abbreviations.csv``), known aliases resolved (``offices.csv``) and
every word spelt as ``office_words.csv`` says (accents, acronyms, typos).
"""
from __future__ import annotations

import re
from functools import lru_cache

from data_layer.normalise.text import clean, fold
from data_layer.vocab import load_table

# Separators that always split: a line break, ';', '|', and a hyphen, dash
# or slash with spaces around it ("Planeación - SIAU").
_HARD_SPLIT_RE = re.compile(r"\n|;|\||\s+[-–—/]\s+")
# Separators that split only before a new office: a comma (optionally
# followed by "y"/"e") or a spaced "y"/"e".
_SOFT_SPLIT_RE = re.compile(r"\s*,\s*(?:[ye]\s+)?|\s+[ye]\s+", re.IGNORECASE)
_LEADING_Y_RE = re.compile(r"^[ye]\s+", re.IGNORECASE)
# Bullets and numbering at the start of a piece: "-", "•", "1.", "1.2)", "a)".
# Letter bullets are lower case only: a canonical name starts with a capital,
# so "A. " or "Y) " at its start is never mistaken for a bullet.
_BULLET_RE = re.compile(
    r"^\s*(?:[-–—•·*▪►●○◦]+|\(?\d{1,3}(?:\.\d{1,3})*[.)](?!\d)|\d{1,3}(?=\s)|\(?[a-z][.)](?=\s))\s*"
)
_TRAILING_RE = re.compile(r"[\s,;:.\-–—]+$")
_GLUED_ABBREVIATION_RE = re.compile(r"(?<![^\W\d_])([^\W\d_]{2,7})\.(?=[^\W\d_]{2})")
_TOKEN_RE = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
_SPACE_BEFORE_PUNCT_RE = re.compile(r"\s+([,.;:)])")
_SPACE_AFTER_PAREN_RE = re.compile(r"\(\s+")
_INNER_PUNCT_RE = re.compile(r"(\W+)")  # keeps the separators at odd indexes
# Characters after a separator that are enough to see whether an office starts
# there (the longest start is a few words); keeps long cells linear.
_START_LOOKAHEAD = 80


# ---------------------------------------------------------------- vocabularies


def _abbreviation_key(text: str) -> str:
    """"Sec." -> "sec." and "Sec" -> "sec": the dot is part of the key."""
    text = text.strip()
    return fold(text) + ("." if text.endswith(".") else "")


@lru_cache(maxsize=None)
def _abbreviations() -> dict[str, str]:
    return {
        _abbreviation_key(row["abbreviation"]): row["expansion"]
        for row in load_table("office_abbreviations")
        if row.get("abbreviation") and row.get("expansion")
    }


@lru_cache(maxsize=None)
def _starts() -> tuple[tuple[tuple[str, ...], bool], ...]:
    """Office starts as (folded words, also splits after "y"), abbreviations included."""
    starts: dict[tuple[str, ...], bool] = {}
    for row in load_table("office_starts"):
        words = tuple(fold(row.get("start")).split())
        if words:
            starts[words] = fold(row.get("split_after_y")) in ("si", "yes", "s", "1")
    # "Sec." starts an office because "Secretaría" does.
    for abbreviation, expansion in _abbreviations().items():
        expanded = tuple(fold(expansion).split())
        if expanded in starts:
            starts.setdefault(tuple(fold(abbreviation).split()), starts[expanded])
    return tuple(starts.items())


@lru_cache(maxsize=None)
def _aliases() -> dict[str, str]:
    return {
        fold(row["alias"]): row["canonical"].strip()
        for row in load_table("offices")
        if fold(row.get("alias")) and row.get("canonical", "").strip()
    }


@lru_cache(maxsize=None)
def _words() -> dict[str, str]:
    return {
        fold(row["word"]): row["written"].strip()
        for row in load_table("office_words")
        if fold(row.get("word")) and row.get("written", "").strip()
    }


# ------------------------------------------------------------------- splitting


def _starts_office(text: str, *, after_y: bool) -> bool:
    """Whether ``text`` begins with an office start (for "y": one marked si)."""
    words = fold(text[:_START_LOOKAHEAD]).split()
    for start, splits_after_y in _starts():
        if tuple(words[: len(start)]) == start and (splits_after_y or not after_y):
            return True
    return False


def _strip_bullets(piece: str) -> str:
    previous = None
    while previous != piece:  # "- 1. Secretaría" has two
        previous = piece
        piece = _BULLET_RE.sub("", piece, count=1)
    return piece.strip()


def _strip_end(piece: str) -> str:
    """Drop trailing punctuation, but keep the dot of a final "Sec."."""
    stripped = _TRAILING_RE.sub("", piece)
    if piece.rstrip().endswith(".") and stripped:
        last = stripped.split()[-1]
        if _abbreviation_key(last + ".") in _abbreviations():
            return stripped + "."
    return stripped


def _trim(piece: str) -> str:
    """Bullets, numbering and stray punctuation off both ends, until none is left."""
    previous = None
    while previous != piece:  # ", - 1. Secretaría" needs several passes
        previous = piece
        piece = _strip_end(_strip_bullets(piece.strip(" ,;:")))
    return piece


def _soft_split(chunk: str) -> list[str]:
    pieces: list[str] = []
    begin = 0
    for match in _SOFT_SPLIT_RE.finditer(chunk):
        is_comma = "," in match.group()
        if _starts_office(chunk[match.end():], after_y=not is_comma):
            pieces.append(chunk[begin:match.start()])
            begin = match.end()
    pieces.append(chunk[begin:])
    return pieces


def _tidy(piece: str) -> str:
    piece = _trim(piece)
    rest = _LEADING_Y_RE.sub("", piece)
    if rest != piece and _starts_office(rest, after_y=True):
        piece = rest  # "...; y Secretaría de Hacienda"
    return piece


def split_offices(text: object) -> list[str]:
    """Split a responsables cell into the office names as written.

    Always splits on line breaks, ';', '|' and a spaced '-', '–' or '/';
    splits on ',' and on a spaced 'y'/'e' only when what follows starts an
    office. Bullets and numbering are removed, empty pieces dropped and
    repeated pieces kept once, in order.
    """
    cell = clean(text)
    if cell is None:
        return []
    names: list[str] = []
    for chunk in _HARD_SPLIT_RE.split(cell):
        for piece in _soft_split(_strip_bullets(chunk)):
            piece = _tidy(piece)
            if any(c.isalnum() for c in piece) and piece not in names:
                names.append(piece)
    return names


# ------------------------------------------------------------------ canonical


def _expand_abbreviations(name: str) -> str:
    """"Sec. de Planeación" -> "Secretaría de Planeación"."""
    abbreviations = _abbreviations()
    name = _GLUED_ABBREVIATION_RE.sub(
        lambda m: m.group(0) + " " if _abbreviation_key(m.group(0)) in abbreviations else m.group(0),
        name,
    )
    tokens = []
    for token in name.split():
        lead, core, trail = _TOKEN_RE.match(token).groups()
        if trail.startswith(".") and _abbreviation_key(core + ".") in abbreviations:
            core, trail = abbreviations[_abbreviation_key(core + ".")], trail[1:]
        elif _abbreviation_key(core) in abbreviations:
            core = abbreviations[_abbreviation_key(core)]
        tokens.append(lead + core + trail)
    return " ".join(tokens)


def _write_word(word: str, *, first: bool) -> str:
    """One word as office_words.csv writes it, else with a capital initial."""
    written = _words().get(fold(word))
    if written is None:
        written = _capital(word[:1]) + word[1:].lower()
    return _capital(written[:1]) + written[1:] if first else written


def _capital(letter: str) -> str:
    # "ß".upper() is "SS": letters without a one-letter capital stay as they are.
    upper = letter.upper()
    return upper if len(upper) == len(letter) else letter


def _write_words(name: str) -> str:
    """Every word spelt from the vocabulary, Spanish title case."""
    out: list[str] = []
    first = True  # the first word gets a capital even if it is "de" or "y"
    for token in name.split():
        lead, core, trail = _TOKEN_RE.match(token).groups()
        parts = _INNER_PUNCT_RE.split(core)  # "Hansen-Planeación" has two words
        for index in range(0, len(parts), 2):  # separators sit at odd indexes
            if parts[index]:
                parts[index] = _write_word(parts[index], first=first)
                first = False
        out.append(lead + "".join(parts) + trail)
    text = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", " ".join(out))
    return _SPACE_AFTER_PAREN_RE.sub("(", text)


def canonical_office(raw: str) -> str:
    """The one way an office is written on the dashboard.

    Expands abbreviations, resolves known aliases (offices.csv) and spells each
    word as office_words.csv says, small words in lower case. Case, accents,
    spacing and listed typos do not change the result. Gives "" when nothing
    of a name is left (empty, only punctuation, a lone letter).
    """
    name = clean(raw)
    if name is None:
        return ""
    name = _trim(re.sub(r"\s*,\s*", ", ", " ".join(name.split())))
    if sum(c.isalnum() for c in name) < 2:
        return ""  # a lone letter or digit is a stray bullet, not an office
    expanded = _expand_abbreviations(name)
    aliases = _aliases()
    for candidate in (expanded, name):
        if fold(candidate) in aliases:
            return aliases[fold(candidate)]
    written = _write_words(expanded)
    return aliases.get(fold(written), written)


def normalise_offices(text: object) -> list[tuple[str, str]]:
    """(canonical, raw) for each office in a responsables cell, once per canonical name."""
    if isinstance(text, str) and len(text) <= 2000:
        # A plan repeats the same responsables cell on many rows.
        return list(_normalise_cached(text))
    return list(_normalise(text))


@lru_cache(maxsize=20_000)
def _normalise_cached(text: str) -> tuple[tuple[str, str], ...]:
    return _normalise(text)


def _normalise(text: object) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for raw in split_offices(text):
        canonical = canonical_office(raw)
        if canonical and canonical not in seen:
            seen.add(canonical)
            pairs.append((canonical, raw))
    return tuple(pairs)
