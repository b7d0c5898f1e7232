"""Tests for data_layer.normalise.progress."""
from __future__ import annotations

import math
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_layer.model import AVANCE, ILEGIBLE, NO_PROGRAMADA, READING_STATES, SIN_REPORTE
from data_layer.normalise.progress import ProgressValue, column_is_fraction, parse_progress
from data_layer.vocab import load_table


@pytest.mark.parametrize("raw", [None, "", "   ", "\n\t", float("nan")])
def test_empty_cells_are_none(raw: object) -> None:
    assert parse_progress(raw) is None


@pytest.mark.parametrize(
    ("raw", "state", "value"),
    [
        # states written in words (seed 000 and common variants)
        ("N/A", NO_PROGRAMADA, None),
        ("n/a", NO_PROGRAMADA, None),
        ("NA", NO_PROGRAMADA, None),
        ("N.A", NO_PROGRAMADA, None),
        ("No aplica", NO_PROGRAMADA, None),
        ("NO APLICA PARA EL TRIMESTRE EN ESTUDIO", NO_PROGRAMADA, None),
        ("ACTIVIDAD NO PROGRAMADA PARA EL TRIMESTRE EVALUADO", NO_PROGRAMADA, None),
        ("Actividad no programada para el segundo trimestre", NO_PROGRAMADA, None),
        ("No programada", NO_PROGRAMADA, None),
        ("no programado", NO_PROGRAMADA, None),
        ("Sin programar", NO_PROGRAMADA, None),
        ("Sin reporte", SIN_REPORTE, None),
        ("SIN INFORMACIÓN", SIN_REPORTE, None),
        ("No reporta", SIN_REPORTE, None),
        ("No reportó", SIN_REPORTE, None),
        ("sin dato", SIN_REPORTE, None),
        ("Pendiente de reporte", SIN_REPORTE, None),
        ("S.R.", SIN_REPORTE, None),
        ("Cumplida", AVANCE, 100.0),
        ("cumplido", AVANCE, 100.0),
        ("EJECUTADA", AVANCE, 100.0),
        ("Realizada", AVANCE, 100.0),
        ("terminada", AVANCE, 100.0),
        ("Finalizada", AVANCE, 100.0),
        ("100% ejecutada", AVANCE, 100.0),
        ("No realizada", AVANCE, 0.0),  # longest phrase wins over "realizada"
        ("No iniciada", AVANCE, 0.0),
        ("NO SE REALIZO DICHA ACTIVIDAD", AVANCE, 0.0),  # seed 000 observation
        ("Sin avance", AVANCE, 0.0),
        ("no ejecutada", AVANCE, 0.0),
        # percentages written as text: always 0-100
        ("0%", AVANCE, 0.0),
        ("50 %", AVANCE, 50.0),
        ("12,5%", AVANCE, 12.5),
        ("12.5 %", AVANCE, 12.5),
        ("100%", AVANCE, 100.0),
        ("0,5%", AVANCE, 0.5),
        # fractions
        ("1/3", AVANCE, 100 / 3),
        ("3 de 4", AVANCE, 75.0),
        ("0/2", AVANCE, 0.0),
        # bare numbers with the default scale: <= 1 is a fraction
        ("0,5", AVANCE, 50.0),
        ("0.5", AVANCE, 50.0),
        ("50", AVANCE, 50.0),
        (0.25, AVANCE, 25.0),
        (0, AVANCE, 0.0),
        (1, AVANCE, 100.0),
        (75, AVANCE, 75.0),
        (0.07, AVANCE, 7.0),  # no 7.000000000000001
        # words mixed with numbers
        ("50% ejecutada", AVANCE, 50.0),
        ("Avance del 40 %", AVANCE, 40.0),
        ("No aplica 0%", NO_PROGRAMADA, None),  # the state explains the 0
        # not progress values
        ("#DIV/0!", ILEGIBLE, None),
        ("#REF!", ILEGIBLE, None),
        ("#N/A", ILEGIBLE, None),  # an error, unlike "N/A"
        ("#VALUE!", ILEGIBLE, None),
        ("#NAME?", ILEGIBLE, None),
        ("#NUM!", ILEGIBLE, None),
        ("#NULL!", ILEGIBLE, None),
        ("#¡DIV/0!", ILEGIBLE, None),  # Spanish Excel
        ("#N/D", ILEGIBLE, None),
        ("En proceso", ILEGIBLE, None),
        ("Realizada parcialmente", ILEGIBLE, None),
        ("30% y 40%", ILEGIBLE, None),
        ("Ver acta", ILEGIBLE, None),
        ("1/0", ILEGIBLE, None),
        (True, ILEGIBLE, None),
        (False, ILEGIBLE, None),
        (-5, ILEGIBLE, None),
        ("-10%", ILEGIBLE, None),
        (float("inf"), ILEGIBLE, None),
        (date(2022, 3, 1), ILEGIBLE, None),
        (datetime(2022, 3, 1, 0, 0), ILEGIBLE, None),
    ],
)
def test_parse_progress(raw: object, state: str, value: float | None) -> None:
    result = parse_progress(raw)
    assert result is not None
    assert result.state == state
    if value is None:
        assert result.value is None
    else:
        assert result.value == pytest.approx(value)
    if state == ILEGIBLE:
        assert result.message


@pytest.mark.parametrize(
    ("raw", "kwargs", "value"),
    [
        (0.25, {"number_format": "0%"}, 25.0),
        (0.25, {"number_format": "0.00%", "fraction": False}, 25.0),  # the format wins
        (1, {"number_format": "0%"}, 100.0),
        (1, {"fraction": False}, 1.0),
        (1, {"fraction": True}, 100.0),
        (0.5, {"fraction": False}, 0.5),
        (50, {"fraction": False}, 50.0),
        ("0,5", {"fraction": False}, 0.5),
        ("1", {"fraction": True}, 100.0),
        (50, {"number_format": "General"}, 50.0),
        ("50%", {"fraction": True}, 50.0),  # text with % carries its own scale
    ],
)
def test_scale(raw: object, kwargs: dict, value: float) -> None:
    result = parse_progress(raw, **kwargs)
    assert result == ProgressValue(AVANCE, pytest.approx(value))


def test_excel_error_message() -> None:
    assert parse_progress("#DIV/0!").message == (
        "La celda tiene un error de fórmula (#DIV/0!): corrija la fórmula "
        "o escriba el porcentaje de avance."
    )


@pytest.mark.parametrize(("raw", "kwargs"), [(130, {}), ("130%", {}), (1.3, {"number_format": "0%"})])
def test_over_100_is_clamped_with_a_warning(raw: object, kwargs: dict) -> None:
    result = parse_progress(raw, **kwargs)
    assert result == ProgressValue(
        AVANCE, 100.0, "El avance 130% supera 100%; se tomó como 100%: revise la celda."
    )


def test_unreadable_text_says_what_is_accepted() -> None:
    message = parse_progress("Se hizo la reunión").message
    assert "«Se hizo la reunión»" in message
    assert "50%" in message and "No programada" in message and "Sin reporte" in message


def test_every_vocabulary_phrase_reads_as_its_row() -> None:
    for row in load_table("progress_words"):
        result = parse_progress(row["word"])
        assert result is not None and result.state == row["state"], row
        if row["state"] == AVANCE:
            assert result.value == float(row["value"]), row


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ([(0.25, "0%"), (1, "0%")], True),
        ([(0.25, "General"), (0.5, "General"), (1, "General")], True),
        ([(0.25, "General"), (50, "General")], False),
        ([(25, "General"), (0.3, "0%")], True),  # a % format anywhere decides
        ([("50%", None), ("N/A", None), (None, None)], False),  # no bare numbers
        ([("50%", None), (0.5, None)], True),  # text with % is ignored
        ([("0,5", None), ("1", None)], True),  # CSV numbers come as text
        ([("30", None), ("0,5", None)], False),
        ([(True, None), (False, None)], False),  # booleans are not numbers
        ([], False),
    ],
)
def test_column_is_fraction(cells: list, expected: bool) -> None:
    assert column_is_fraction(cells) is expected
    assert column_is_fraction(iter(cells)) is expected  # any iterable


cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.from_regex(r"\s*-?\d{1,4}([.,]\d{1,3})?\s*%?\s*", fullmatch=True),
    st.from_regex(r"\d{1,3}\s*(/|de)\s*\d{1,3}", fullmatch=True),
    st.sampled_from([row["word"] for row in load_table("progress_words")]),
    st.dates(),
)


@settings(max_examples=120, deadline=None)
@given(cell_values, st.sampled_from([None, True, False]), st.sampled_from([None, "General", "0%", "0.00%"]))
def test_parse_progress_never_raises_and_is_consistent(
    raw: object, fraction: bool | None, number_format: str | None
) -> None:
    result = parse_progress(raw, fraction=fraction, number_format=number_format)
    if result is None:
        return
    assert result.state in READING_STATES
    if result.state == AVANCE:
        assert result.value is not None and 0 <= result.value <= 100
        assert not math.isnan(result.value)
    else:
        assert result.value is None
    if result.state == ILEGIBLE:
        assert result.message


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(cell_values, st.sampled_from([None, "General", "0%"])), max_size=8))
def test_column_is_fraction_never_raises(cells: list) -> None:
    assert column_is_fraction(cells) in (True, False)


def test_words_are_matched_on_whole_words() -> None:
    # "na" is a vocabulary word; it must not be found inside other words.
    assert parse_progress("Reunión nacional").state == ILEGIBLE
    assert parse_progress("NA - sin meta en el trimestre").state == NO_PROGRAMADA
