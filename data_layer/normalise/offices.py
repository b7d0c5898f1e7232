"""Responsible offices (dependencias): splitting a cell and naming each office once.

A responsables cell may list several offices separated by commas, hyphens,
"y", line breaks..., but office names themselves contain commas and "y"
("Secretaría de Educación, Cultura y Turismo"). So a comma or "y" only splits
when the words after it start a new office (``vocab/office_starts.csv``).
Each piece is then written one canonical way: abbreviations expanded
(``office_abbreviations.csv``), known aliases resolved (``offices.csv``),
every word spelt as ``office_words.csv`` says (accents, acronyms, typos),
acronyms kept in capitals and a missing «de» restored («Secretaría Salud»,
``office_de.csv``). Finally ``unify_offices`` gives each office one name
across a whole plan, whatever spellings its activities use.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from data_layer.model import Activity, Office
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
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_VOWEL_RUNS_RE = re.compile(r"[aeiou]+|[^aeiou]+")
# How a Spanish word may begin with two consonants (bl, br, ..., ch, ll) and
# end with one: a capital token that cannot be read this way ("IMCTT",
# "IDRD") is an acronym even inside a name written all in capitals.
_SPANISH_ONSETS = frozenset(
    ("bl", "br", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "pl", "pr", "tr", "tl", "ch", "ll"))
_SPANISH_FINALS = frozenset("dlnrsjxyz")
# Longest token written in capitals that is taken as an acronym.
_ACRONYM_LENGTH = range(2, 7)
# Words that do not count when deciding whether two names are one office.
_KEY_IGNORED = frozenset(("de", "del", "la", "las", "los", "el"))
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
def _small_words() -> frozenset[str]:
    """Words office_words.csv writes in lower case: de, del, la, y..."""
    return frozenset(word for word, written in _words().items() if written.islower())


@lru_cache(maxsize=None)
def _de_rule() -> tuple[frozenset[str], frozenset[str]]:
    """(words after which «de» is restored, words that take no «de» before them)."""
    rows = load_table("office_de")
    return (frozenset(fold(r["word"]) for r in rows if fold(r.get("role")) == "antes"),
            frozenset(fold(r["word"]) for r in rows if fold(r.get("role")) == "sin de"))


@lru_cache(maxsize=None)
def _abbreviation_starts() -> dict[str, int]:
    """First word of each abbreviation of several words ("sri" of "Srí a") →
    the most words one of them has."""
    starts: dict[str, int] = {}
    for key in _abbreviations():
        words = key.split()
        if len(words) > 1:
            starts[words[0]] = max(starts.get(words[0], 1), len(words))
    return starts


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
    """"Sec. de Planeación" -> "Secretaría de Planeación", "Srí a Gobierno" -> "Secretaría Gobierno"."""
    abbreviations = _abbreviations()
    name = _GLUED_ABBREVIATION_RE.sub(
        lambda m: m.group(0) + " " if _abbreviation_key(m.group(0)) in abbreviations else m.group(0),
        name,
    )
    parts = [_TOKEN_RE.match(token).groups() for token in name.split()]
    multiword = bool(_abbreviation_starts())
    tokens: list[str] = []
    index = 0
    while index < len(parts):
        longest = _abbreviation_starts().get(fold(parts[index][1]), 1) if multiword else 1
        for size in range(min(longest, len(parts) - index), 0, -1):
            expanded = _abbreviation_at(parts[index:index + size], abbreviations)
            if expanded is not None:
                tokens.append(expanded)
                index += size
                break
        else:
            tokens.append("".join(parts[index]))
            index += 1
    return " ".join(tokens)


def _abbreviation_at(parts: list[tuple[str, str, str]], abbreviations: dict[str, str]) -> str | None:
    """The expansion of these tokens read as one abbreviation ("Sec.", "Srí a"), or None."""
    if len(parts) > 1 and (any(trail for _, _, trail in parts[:-1]) or any(lead for lead, _, _ in parts[1:])
                           or not all(core for _, core, _ in parts)):
        return None  # "Srí, a" is not "Srí a", nor ", Sec." one token
    lead, trail = parts[0][0], parts[-1][2]
    core = " ".join(core for _, core, _ in parts)
    if trail.startswith(".") and _abbreviation_key(core + ".") in abbreviations:
        return lead + abbreviations[_abbreviation_key(core + ".")] + trail[1:]
    if _abbreviation_key(core) in abbreviations:
        return lead + abbreviations[_abbreviation_key(core)] + trail
    return None


def _write_word(word: str, *, first: bool, keep_capitals: bool) -> str:
    """One word as office_words.csv writes it; else an acronym stays in
    capitals and any other word gets a capital initial."""
    written = _words().get(fold(word))
    if written is None:
        if _is_acronym(word, keep_capitals=keep_capitals):
            written = word
        else:
            written = _capital(word[:1]) + word[1:].lower()
    return _capital(written[:1]) + written[1:] if first else written


def _is_acronym(word: str, *, keep_capitals: bool) -> bool:
    """A token of 2 to 6 capitals that is not a word of office_words.csv.

    In a name written in capitals and lower case, or alone, every such token is
    an acronym ("Secretaría de Salud - IMCTT", "OCI"). In a name written all in
    capitals only the ones no Spanish word could look like ("IMCTT" yes,
    "PAGOS" no: «OFICINA DE PAGOS» is «Oficina de Pagos»).
    """
    if len(word) not in _ACRONYM_LENGTH or not word.isalpha() or not word.isupper():
        return False
    return keep_capitals or not _reads_as_spanish(word)


def _reads_as_spanish(word: str) -> bool:
    """Whether a word could be Spanish: it has a vowel, starts with at most two
    consonants that go together (bl, tr...), ends with a vowel or one of
    d l n r s j x y z, and never has more than three consonants in a row."""
    runs = _VOWEL_RUNS_RE.findall(fold(word))
    if not runs or not any(run[0] in "aeiou" for run in runs):
        return False
    first, last = runs[0], runs[-1]
    if first[0] not in "aeiou" and len(first) > 1 and first not in _SPANISH_ONSETS:
        return False
    if last[0] not in "aeiou" and (len(last) > 1 or last not in _SPANISH_FINALS):
        return False
    return all(len(run) <= 3 for run in runs)


def _capital(letter: str) -> str:
    # "ß".upper() is "SS": letters without a one-letter capital stay as they are.
    upper = letter.upper()
    return upper if len(upper) == len(letter) else letter


def _write_words(name: str, *, keep_capitals: bool) -> str:
    """Every word spelt from the vocabulary, Spanish title case, acronyms kept."""
    out: list[str] = []
    first = True  # the first word gets a capital even if it is "de" or "y"
    for token in name.split():
        lead, core, trail = _TOKEN_RE.match(token).groups()
        parts = _INNER_PUNCT_RE.split(core)  # "Hansen-Planeación" has two words
        for index in range(0, len(parts), 2):  # separators sit at odd indexes
            if parts[index]:
                parts[index] = _write_word(parts[index], first=first, keep_capitals=keep_capitals)
                first = False
        out.append(lead + "".join(parts) + trail)
    text = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", " ".join(out))
    return _SPACE_AFTER_PAREN_RE.sub("(", text)


def _keeps_capitals(name: str) -> bool:
    """Whether every acronym-like token of ``name`` stays in capitals: the name
    is one word ("OCI") or is written in capitals and lower case ("Secretaría
    de Salud - IMCTT"). Small words (de, y...) and single letters do not make
    a name lower case: "y ABE" is written all in capitals, like "Y ABE"."""
    words = _LETTERS_RE.findall(name)
    if len(words) == 1:
        return True
    small = _small_words()
    return any(len(word) > 1 and not word.isupper() and fold(word) not in small for word in words)


def _restore_de(name: str) -> str:
    """"Secretaría Salud" -> "Secretaría de Salud" (office_de.csv), for a name
    already written: not before a small word, an acronym or an adjective
    listed there ("Secretaría General", "Oficina Asesora Jurídica")."""
    takes_de, no_de = _de_rule()
    words = name.split(" ", 2)
    if len(words) < 2 or fold(words[0]) not in takes_de or not words[0].isalpha():
        return name
    lead, core, _ = _TOKEN_RE.match(words[1]).groups()
    if lead or not core.isalpha() or core[:1].islower() or fold(core) in no_de:
        return name  # "(SIAU)", "201", "de", "y", "General"
    if len(core) > 1 and core.isupper():
        return name  # an acronym: "Oficina SIAU"
    return " ".join([words[0], "de", *words[1:]])


def canonical_office(raw: str) -> str:
    """The one way an office is written on the dashboard (see ``_canonical_office``).

    A plan writes the same few offices in many combinations («Secretaría de
    Salud, Secretaría de Gobierno» on one row, «Secretaría de Gobierno» on the
    next): each name is spelt once. The answer is a string and depends on the
    text and the vocabularies only.
    """
    if raw.__class__ is str and len(raw) <= 500:
        return _canonical_cached(raw)
    return _canonical_office(raw)


@lru_cache(maxsize=20_000)
def _canonical_cached(raw: str) -> str:
    return _canonical_office(raw)


def _canonical_office(raw: str) -> str:
    """The one way an office is written on the dashboard.

    Expands abbreviations, resolves known aliases (offices.csv), spells each
    word as office_words.csv says, small words in lower case and acronyms in
    capitals, and restores a missing «de» (office_de.csv). Case, accents,
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
    keep_capitals = _keeps_capitals(name)
    written = _restore_de(_write_words(expanded, keep_capitals=keep_capitals))
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


# ------------------------------------------------------------------- per plan


def office_key(name: str) -> tuple[str, ...]:
    """The words that make an office: no accents, case or punctuation, and
    without de/del/la/las/los/el ("Secretaría Salud" is "Secretaría de Salud")."""
    return tuple(word for word in fold(name).split() if word not in _KEY_IGNORED)


def _completeness(name: str) -> tuple[int, int, int]:
    """More words ("de" restored), more characters, more accents: more spelt out."""
    return len(name.split()), len(name), sum(not c.isascii() for c in name)


def unify_offices(activities: Iterable[Activity],
                  pinned: Callable[[Office], bool] = lambda office: False) -> dict[str, str]:
    """One name per office across a plan, after every activity is read.

    Canonical names whose ``office_key`` is the same are one office; it takes
    the most complete spelling (more words, then more characters, then more
    accents), then the most used, then the first seen. Offices for which
    ``pinned`` is true (a person chose that name: a saved correction) are
    never renamed, and a group with some takes its name from them. Each
    ``Office`` keeps its raw text; an activity left with two offices of the
    same name keeps the first. Returns {old name: new name} for what changed.
    """
    activities = list(activities)
    uses: dict[str, int] = {}
    order: dict[str, int] = {}
    fixed: set[str] = set()
    for act in activities:
        for office in act.offices:
            uses[office.canonical] = uses.get(office.canonical, 0) + 1
            order.setdefault(office.canonical, len(order))
            if pinned(office):
                fixed.add(office.canonical)
    groups: dict[tuple[str, ...], list[str]] = {}
    for name in order:
        groups.setdefault(office_key(name) or (name,), []).append(name)
    renamed: dict[str, str] = {}
    for names in groups.values():
        if len(names) < 2:
            continue
        candidates = [name for name in names if name in fixed] or names
        best = min(candidates, key=lambda name: (
            tuple(-n for n in _completeness(name)), -uses[name], order[name]))
        renamed.update((name, best) for name in names if name != best and name not in fixed)
    if not renamed:
        return renamed
    for act in activities:  # a pinned name is never a key of ``renamed``
        if not any(office.canonical in renamed for office in act.offices):
            continue
        offices: dict[str, Office] = {}
        for office in act.offices:
            name = renamed.get(office.canonical, office.canonical)
            offices.setdefault(name, office if name == office.canonical else Office(name, office.raw))
        act.offices = list(offices.values())
    return renamed
