"""Tests for data_layer.normalise.text and the vocabulary loader."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import data_layer.vocab as vocab
from data_layer.normalise.text import clean, despace, find_phrase, fold, is_letter_spaced, squash


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("Diagnóstico Participativo", "diagnostico participativo"),
        ("Secretaría de Educación, Cultura y Turismo", "secretaria de educacion cultura y turismo"),
        ("  50 %  ", "50 %"),
        ("12,5%", "12 5%"),
        ("N/A", "n a"),
        ("#DIV/0!", "div 0"),
        ("Niñez", "ninez"),
        ("Formulación/Planeación", "formulacion planeacion"),
        ("Despacho Alcaldé", "despacho alcalde"),
        ("línea\n\tdos", "linea dos"),
        ("ﬁn", "fin"),  # compatibility ligature
        (12, "12"),
    ],
)
def test_fold(raw: object, expected: str) -> None:
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A c c i o n e s   i n t e r n a s   p r e v i a s", "Acciones internas previas"),
        ("A c c i o n e s P a r t i c i p a t i v a s", "AccionesParticipativas"),
        ("A c c i o n e s i n t e r n a s p r e v i a s", "Accionesinternasprevias"),
        ("Acciones   internas  previas", "Acciones internas previas"),  # not letter-spaced
        ("Plan de Acción", "Plan de Acción"),
        ("  Momento ", "Momento"),
        # Only one-letter tokens: letter-spaced by the rule, so joined. Harmless
        # because matching code compares squashed text anyway.
        ("a y b", "ayb"),
        ("", ""),
    ],
)
def test_despace(raw: str, expected: str) -> None:
    assert despace(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("   \t\n ", None),
        (3.0, "3"),
        (3.5, "3.5"),
        (7, "7"),
        (float("nan"), None),
        ("  Secretaría   de\tHacienda  ", "Secretaría de Hacienda"),
        ("uno\n\n\n  dos  \r\ntres", "uno\ndos\ntres"),
        ("a\u00a0\u00a0b", "a b"),  # non-breaking spaces from Excel
    ],
)
def test_clean(raw: object, expected: str | None) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A c c i o n e s i n t e r n a s p r e v i a s", "accionesinternasprevias"),
        ("Acciones internas previas", "accionesinternasprevias"),
        (None, ""),
    ],
)
def test_squash(raw: object, expected: str) -> None:
    assert squash(raw) == expected


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("no realizada", "realizada", 3),
        ("no realizada", "no realizada", 0),
        ("realizadas", "realizada", -1),  # whole words only
        ("plan a", "n a", -1),
        ("x", "", -1),
    ],
)
def test_find_phrase(text: str, phrase: str, expected: int) -> None:
    assert find_phrase(text, phrase) == expected


def test_is_letter_spaced() -> None:
    assert is_letter_spaced("A c c i o n e s")
    assert not is_letter_spaced("Acciones internas previas")
    assert not is_letter_spaced("A B")  # too short to tell


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_is_idempotent_and_tidy(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.strip()
    assert "  " not in folded
    assert folded == folded.lower()
    assert " " not in squash(text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.text(), st.integers(), st.floats()))
def test_clean_is_idempotent(value: object) -> None:
    cleaned = clean(value)
    assert cleaned is None or (cleaned == cleaned.strip() and cleaned)
    assert clean(cleaned) == cleaned


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_despace_never_raises_and_collapses(text: str) -> None:
    result = despace(text)
    assert "  " not in result
    assert squash(result) == squash(text)  # only spaces are removed


# ---------------------------------------------------------------- vocabularies


def test_load_table_reads_comments_bom_and_quotes(tmp_path, monkeypatch) -> None:
    (tmp_path / "demo.csv").write_text(
        "\ufeff# comentario\nword,value\n\n  # otro comentario\n"
        '"a, b",1\nsolo\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(vocab, "VOCAB_DIR", tmp_path)
    rows = vocab.load_table.__wrapped__("demo")
    assert rows == ({"word": "a, b", "value": "1"}, {"word": "solo", "value": ""})


def test_load_table_reports_extra_columns(tmp_path, monkeypatch) -> None:
    (tmp_path / "demo.csv").write_text("word,value\na,b,c\n", encoding="utf-8")
    monkeypatch.setattr(vocab, "VOCAB_DIR", tmp_path)
    with pytest.raises(ValueError, match="línea 2.*comillas"):
        vocab.load_table.__wrapped__("demo")


@pytest.mark.parametrize("name", ["../model", "phases.csv", ""])
def test_load_table_rejects_odd_names(name: str) -> None:
    with pytest.raises(ValueError, match="Nombre de tabla"):
        vocab.load_table(name)


def test_load_table_missing_file() -> None:
    with pytest.raises(FileNotFoundError, match="no_existe"):
        vocab.load_table("no_existe")


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("progress_words", {"word", "state", "value", "comment"}),
        ("phases", {"spelling", "phase"}),
        ("phase_keywords", {"keyword", "phase", "priority"}),
        ("months", {"name", "month"}),
        ("office_abbreviations", {"abbreviation", "expansion"}),
        ("office_words", {"word", "written"}),
        ("office_starts", {"start", "split_after_y"}),
        ("offices", {"alias", "canonical"}),
    ],
)
def test_shipped_tables_have_their_columns(name: str, columns: set[str]) -> None:
    rows = vocab.load_table(name)
    assert rows, name
    assert all(set(row) == columns for row in rows)
