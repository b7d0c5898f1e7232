"""Tests for data_layer.normalise.progress."""
from __future__ import annotations

import math
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_layer.model import AVANCE, ILEGIBLE, NO_PROGRAMADA, READING_STATES, SIN_REPORTE
from data_layer.normalise.progress import AMBIGUOUS, ProgressValue, column_is_fraction, parse_progress
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
        ([(0.25, "0%"), (1, "0%")], False),  # formatted cells carry their own scale
        ([(0.25, "General"), (0.5, "General"), (1, "General")], True),
        ([(0.25, "General"), (50, "General")], False),
        ([(25, "General"), (0.3, "0%")], False),  # a % cell does not decide for the others
        ([(0.5, None), (30, "0%")], True),  # nor does a formatted number above 1
        ([(50, '0"%"'), (0.5, None)], False),  # a literal "%" is no percent format
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


# ------------------------------------------------------------ counts (issue 11)
@pytest.mark.parametrize(
    ("raw", "value", "planned", "executed"),
    [
        ("4 de 6", 200 / 3, 6.0, 4.0),
        ("3/4", 75.0, 4.0, 3.0),
        ("3 de 4 actividades", 75.0, 4.0, 3.0),
        ("programado 4 / ejecutado 3", 75.0, 4.0, 3.0),  # not 100 for «ejecutado»
        ("Prog: 4 Ejec: 3", 75.0, 4.0, 3.0),
        ("ejecutadas 3 de 4", 75.0, 4.0, 3.0),
        ("Ejecutado: 3 / Programado: 4", 75.0, 4.0, 3.0),  # either order
        ("Meta 4, realizadas 2", 50.0, 4.0, 2.0),
        ("Se realizaron 2 de 3 reuniones", 200 / 3, 3.0, 2.0),
        ("3 de 4 (75%)", 75.0, 4.0, 3.0),  # the percentage agrees with the count
        ("PROGRAMACIÓN 2 EJECUCIÓN 2", 100.0, 2.0, 2.0),
    ],
)
def test_counts_become_a_percentage_and_keep_their_numbers(raw, value, planned, executed) -> None:
    result = parse_progress(raw)
    assert result == ProgressValue(AVANCE, pytest.approx(value), None, planned, executed)


def test_a_count_over_its_plan_is_clamped_and_keeps_both_numbers() -> None:
    assert parse_progress("5 de 4") == ProgressValue(
        AVANCE, 100.0, "El avance 125% supera 100%; se tomó como 100%: revise la celda.", 4.0, 5.0)


@pytest.mark.parametrize(
    ("raw", "value", "planned", "executed", "message"),
    [
        ("Cumplida 3 de 4", 75.0, 4.0, 3.0,
         "La celda «Cumplida 3 de 4» dice «cumplida» (100%) pero cuenta 3 de 4: se tomó 75%. "
         "Si no es así, escriba solo el porcentaje."),
        ("2 de 3 (50%)", 50.0, 3.0, 2.0,
         "La celda «2 de 3 (50%)» dice 50% pero cuenta 2 de 3 (66,67%): se tomó el porcentaje "
         "escrito. Deje solo uno de los dos."),
        ("Ejecutado 3", 100.0, None, None,
         "La celda «Ejecutado 3» da un número sin decir de cuánto; se tomó «ejecutado» como 100%. "
         "Escriba el avance como porcentaje (75%) o como cuenta (3 de 4)."),
    ],
)
def test_a_word_or_percentage_that_disagrees_with_the_numbers_is_reported(
        raw, value, planned, executed, message) -> None:
    assert parse_progress(raw) == ProgressValue(
        AVANCE, pytest.approx(value), message, planned, executed, AMBIGUOUS)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("Prog: 4", "La celda «Prog: 4» da una cantidad sin decir de cuánto: escriba lo ejecutado "
                    "sobre lo programado (3 de 4) o un porcentaje (75%)."),
        ("3 de 4 talleres y 1 de 2 informes",
         "La celda «3 de 4 talleres y 1 de 2 informes» tiene varias cuentas: deje solo el avance "
         "del periodo, por ejemplo 3 de 4 o 75%."),
    ],
)
def test_counts_that_do_not_say_how_much_are_unreadable(raw, message) -> None:
    assert parse_progress(raw) == ProgressValue(ILEGIBLE, None, message)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Realizada el 15/03/2025", ProgressValue(AVANCE, 100.0)),  # a date is no count
        ("Ejecutado 75%", ProgressValue(AVANCE, 75.0)),  # a label with a percentage
        ("No aplica 0 de 0", ProgressValue(NO_PROGRAMADA, None)),  # the state explains it
        ("Sin reporte 0/4", ProgressValue(SIN_REPORTE, None)),
    ],
)
def test_numbers_that_are_not_counts(raw, expected) -> None:
    assert parse_progress(raw) == expected


def test_every_count_label_is_read_with_its_role() -> None:
    for row in load_table("progress_counts"):
        other = "ejecutado" if row["role"] == "programado" else "programado"
        planned, executed = (8, 2) if row["role"] == "programado" else (2, 8)
        result = parse_progress(f"{row['word']} 8 {other} 2")
        assert (result.state, result.planned, result.executed) == (AVANCE, planned, executed), row


# ------------------------------------------------------------ scale per cell (issue 11)
@pytest.mark.parametrize(
    ("raw", "number_format", "value"),
    [
        (0.5, "0%", 50.0),
        (0.5, "0.00 %", 50.0),
        (50, '0"%"', 50.0),  # a literal % sign: Excel shows 50 as «50%»
        (50, "0\\%", 50.0),
        (50, '#,##0" %"', 50.0),
        (50, "[Blue]0%", 5000.0),  # a real percent format: 5.000 % (clamped below)
    ],
)
def test_percent_formats_scale_the_cell_and_literal_ones_do_not(raw, number_format, value) -> None:
    # fraction=False: the column's unformatted numbers are 0-100; the cell's format still decides.
    result = parse_progress(raw, fraction=False, number_format=number_format)
    assert result.state == AVANCE and result.value == min(value, 100.0)
    assert (result.message is None) == (value <= 100)


def test_one_percent_cell_does_not_rescale_the_plain_numbers_of_its_column() -> None:
    cells = [(50, None), (0.5, "0%"), (80, "General"), (1, None)]
    fraction = column_is_fraction(cells)
    values = [parse_progress(v, fraction=fraction, number_format=f).value for v, f in cells]
    assert values == [50.0, 50.0, 80.0, 1.0]
    # An unformatted 0.5 is a fraction only when the other unformatted numbers are too.
    cells = [(0.5, None), (0.25, None), (30, "0%")]
    fraction = column_is_fraction(cells)
    assert [parse_progress(v, fraction=fraction, number_format=f).value for v, f in cells] == [
        50.0, 25.0, 100.0]
