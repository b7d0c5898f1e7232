"""Tests for data_layer.normalise.dates."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_layer.normalise.dates import (
    cuatrimestre_end,
    month_end,
    parse_date,
    parse_month,
    quarter_end,
)
from data_layer.vocab import load_table


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (datetime(2022, 3, 30, 10, 15), date(2022, 3, 30)),
        (date(2022, 3, 30), date(2022, 3, 30)),
        (44650, date(2022, 3, 30)),  # Excel serial
        (44650.75, date(2022, 3, 30)),  # the fraction is the time of day
        (61, date(1900, 3, 1)),
        ("30/03/2022", date(2022, 3, 30)),
        ("30-03-2022", date(2022, 3, 30)),
        ("30.03.2022", date(2022, 3, 30)),
        ("30/03/22", date(2022, 3, 30)),
        ("1/2/2022", date(2022, 2, 1)),  # day first, never month first
        ("05/04/2023", date(2023, 4, 5)),
        ("30/03/2022 10:30", date(2022, 3, 30)),
        ("2022-03-30", date(2022, 3, 30)),
        ("2022-03-30 00:00:00", date(2022, 3, 30)),
        ("2022-03-30T08:00:00", date(2022, 3, 30)),
        ("29 de octubre de 2024", date(2024, 10, 29)),  # seed 002
        ("29 octubre 2024", date(2024, 10, 29)),
        ("22 de Diciembre de 2022", date(2022, 12, 22)),  # seed 004
        ("17-Agosto-2021", date(2021, 8, 17)),  # seed 004
        ("17-ago-2021", date(2021, 8, 17)),
        ("17-ago-21", date(2021, 8, 17)),
        ("1 de SEPT. de 2023", date(2023, 9, 1)),
        ("Octubre 29 de 2024", date(2024, 10, 29)),
        ("martes, 29 de octubre del 2024", date(2024, 10, 29)),
        # a month without a day is a deadline: the month's last day
        ("marzo de 2022", date(2022, 3, 31)),
        ("mar-2022", date(2022, 3, 31)),
        ("Febrero 2024", date(2024, 2, 29)),
        (None, None),
        ("", None),
        ("   ", None),
        (float("nan"), None),
    ],
)
def test_parse_date(raw: object, expected: date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "year", "expected"),
    [
        ("31 de diciembre", 2022, date(2022, 12, 31)),
        ("30/03", 2022, date(2022, 3, 30)),
        ("diciembre", 2022, date(2022, 12, 31)),
        ("30/03/2023", 2022, date(2023, 3, 30)),  # an explicit year wins
    ],
)
def test_parse_date_with_plan_year(raw: str, year: int, expected: date) -> None:
    assert parse_date(raw, year=year) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "31/02/2024",
            "La fecha «31/02/2024» no existe (febrero no tiene 31 días): "
            "corríjala en formato día/mes/año, por ejemplo 28/02/2024.",
        ),
        (
            "hola",
            "No se entiende «hola» como fecha: escríbala como día/mes/año, "
            "por ejemplo 30/03/2024.",
        ),
        ("29/02/2023", "febrero de 2023 no tiene 29 días"),
        ("31/04/2022", "abril no tiene 31 días"),
        ("03/30/2022", "no hay mes 30"),  # month-first is not guessed
        ("0/1/2022", "no hay día 0"),
        ("31 de diciembre", "no tiene año"),
        ("30/03", "no tiene año"),
        ("mar-22", "ambigua"),
        ("31 de febrero de 2022", "febrero no tiene 31 días"),
        ("30/03/1492", "fuera de lo esperado"),
        ("2022", "No se entiende"),
        ("30/03/2022 al 30/06/2022", "No se entiende"),
        ("Trimestre I", "No se entiende"),
        (0, "no es una fecha de Excel"),
        (-3, "no es una fecha de Excel"),
        (3_000_000, "no es una fecha de Excel"),
        (True, "VERDADERO/FALSO"),
    ],
)
def test_parse_date_errors(raw: object, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_date(raw)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ENE.", 1),
        ("Enero", 1),
        ("ene", 1),
        ("FEB.", 2),
        ("SEPT", 9),
        ("Sep.", 9),
        ("setiembre", 9),
        ("OCT.", 10),
        ("DIC.", 12),
        ("Agosto", 8),
        ("1", None),  # numeric headers are the caller's business
        ("12", None),
        ("Trimestre", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_month(raw: object, expected: int | None) -> None:
    assert parse_month(raw) == expected


def test_every_month_name_in_the_table() -> None:
    for row in load_table("months"):
        assert parse_month(row["name"]) == int(row["month"])
        assert parse_month(row["name"].upper() + ".") == int(row["month"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [(1, date(2022, 3, 31)), (2, date(2022, 6, 30)), (3, date(2022, 9, 30)), (4, date(2022, 12, 31))],
)
def test_quarter_end(q: int, expected: date) -> None:
    assert quarter_end(2022, q) == expected


@pytest.mark.parametrize(
    ("k", "expected"), [(1, date(2022, 4, 30)), (2, date(2022, 8, 31)), (3, date(2022, 12, 31))]
)
def test_cuatrimestre_end(k: int, expected: date) -> None:
    assert cuatrimestre_end(2022, k) == expected


def test_month_end() -> None:
    assert month_end(2024, 2) == date(2024, 2, 29)
    assert month_end(2023, 2) == date(2023, 2, 28)
    assert month_end(2023, 12) == date(2023, 12, 31)


@pytest.mark.parametrize(
    ("function", "index"),
    [(quarter_end, 0), (quarter_end, 5), (cuatrimestre_end, 4), (month_end, 13)],
)
def test_period_ends_reject_bad_indexes(function, index: int) -> None:
    with pytest.raises(ValueError, match="no existe"):
        function(2022, index)


dates = st.dates(min_value=date(1900, 3, 1), max_value=date(2199, 12, 31))


@settings(max_examples=150, deadline=None)
@given(dates, st.sampled_from(["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S"]))
def test_written_dates_round_trip(day: date, pattern: str) -> None:
    assert parse_date(datetime(day.year, day.month, day.day).strftime(pattern)) == day


@settings(max_examples=100, deadline=None)
@given(dates)
def test_excel_serials_round_trip(day: date) -> None:
    assert parse_date((day - date(1899, 12, 30)).days) == day


@settings(max_examples=150, deadline=None)
@given(dates)
def test_spanish_long_dates_round_trip(day: date) -> None:
    names = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre"]
    assert parse_date(f"{day.day} de {names[day.month - 1]} de {day.year}") == day


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.from_regex(r"\d{1,3}[/.-]\d{1,3}([/.-]\d{1,5})?", fullmatch=True),
        st.from_regex(r"\d{1,2} (de )?[a-z]{3,10}( de)? \d{2,4}", fullmatch=True),
        st.integers(),
        st.floats(),
    ),
    st.one_of(st.none(), st.integers(min_value=1900, max_value=2199)),
)
def test_parse_date_raises_only_value_error(raw: object, year: int | None) -> None:
    try:
        result = parse_date(raw, year=year)
    except ValueError as error:
        assert str(error)  # always a message for the user
    else:
        assert result is None or isinstance(result, date)
