"""How numbers and dates are written for people in Colombia: 1.234,5 and 30/03/2022.

Used by the filter sentence, the downloads and the dashboard, so the three
agree. Missing values (None, NaN, NaT) are written as an empty string.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI",
         7: "VII", 8: "VIII", 9: "IX", 10: "X", 11: "XI", 12: "XII"}

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
          "agosto", "septiembre", "octubre", "noviembre", "diciembre")


def is_missing(value: object) -> bool:
    """True for None, NaN and pandas' NaT/NA (all of which compare unequal to themselves)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # noqa: PLR0124 - NaN, NaT and NA
    except (TypeError, ValueError):
        return False


def number(value: float | int | None, decimals: int = 1, thousands: bool = True) -> str:
    """``1234.5`` → ``"1.234,5"``; ``thousands=False`` → ``"1234,5"`` (for CSV cells)."""
    if is_missing(value):
        return ""
    if isinstance(value, float) and math.isinf(value):
        return ""
    text = f"{float(value):,.{decimals}f}" if thousands else f"{float(value):.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def integer(value: int | float | None) -> str:
    """``1234`` → ``"1.234"``."""
    if is_missing(value):
        return ""
    return number(round(float(value)), decimals=0)


def percent(value: float | None, decimals: int = 1) -> str:
    """``45`` → ``"45,0 %"`` (the value is already a percentage)."""
    if is_missing(value):
        return ""
    return f"{number(value, decimals)} %"


def as_date(value: object) -> date | None:
    """A ``date`` from a date, datetime or pandas Timestamp (None if missing)."""
    if is_missing(value):
        return None
    if isinstance(value, datetime):  # pandas Timestamp is a datetime too
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"not a date: {value!r}")


def date_text(value: object) -> str:
    """``date(2022, 3, 30)`` → ``"30/03/2022"``."""
    day = as_date(value)
    return day.strftime("%d/%m/%Y") if day else ""


def datetime_text(value: object) -> str:
    """``datetime(2024, 10, 29, 14, 5)`` → ``"29/10/2024 14:05"``."""
    if is_missing(value):
        return ""
    return value.strftime("%d/%m/%Y %H:%M")


def month_text(value: object) -> str:
    """``date(2024, 3, 1)`` → ``"marzo de 2024"``."""
    day = as_date(value)
    return f"{MONTHS[day.month - 1]} de {day.year}" if day else ""


def join(items: Sequence[str], last: str = "y") -> str:
    """``["A", "B", "C"]`` → ``"A, B y C"``; ``last="o"`` → ``"A, B o C"``."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def plural(count: int, singular: str, plural_form: str) -> str:
    """``plural(1, "actividad", "actividades")`` → ``"1 actividad"``."""
    word = singular if count == 1 else plural_form
    return f"{integer(count)} {word}"
