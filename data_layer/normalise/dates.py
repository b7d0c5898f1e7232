"""Dates as Colombian plans write them: always day first.

Accepts real dates, Excel serial numbers, "30/03/2022", "30-03-22",
"2022-03-30", "29 de octubre de 2024", "17-ago-2021", "marzo de 2022"...
A month without a day ("marzo de 2022", "mar-2022") means the LAST day of
that month, because in a plan such a date is a deadline. Month names live in
``vocab/months.csv``.
"""
from __future__ import annotations

import calendar
import math
import numbers
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from data_layer.normalise.text import fold
from data_layer.vocab import load_table

# Excel's 1900 date system: serial 1 is 1900-01-01, but Excel also counts a
# 29 Feb 1900 that never existed, so counting from 1899-12-30 is right for
# every serial from 61 (1 Mar 1900) on, i.e. for every real plan.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 31/12/9999
_MIN_YEAR, _MAX_YEAR = 1900, 2199

MONTH_NAMES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
    "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)
# Words that may surround a date without changing it ("martes, 29 de
# octubre del 2024"). Grammar, not vocabulary, so it is not a CSV.
_FILLER = frozenset(
    {"de", "del", "el", "lunes", "martes", "miercoles", "jueves", "viernes",
     "sabado", "domingo"}
)
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?\s*m\.?)?)?"
_ISO_RE = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$", re.IGNORECASE)
_DMY_RE = re.compile(rf"^(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{2}}|\d{{4}}){_TIME}$", re.IGNORECASE)
_DM_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})$")
_EXAMPLE = "escríbala como día/mes/año, por ejemplo 30/03/2024."


@lru_cache(maxsize=None)
def _months() -> dict[str, int]:
    """months.csv as folded name -> month number, checked."""
    months: dict[str, int] = {}
    for number, row in enumerate(load_table("months"), start=1):
        name = fold(row.get("name"))
        try:
            month = int(row.get("month", ""))
        except ValueError:
            month = 0
        if not name or not 1 <= month <= 12:
            raise ValueError(
                f"months.csv, fila {number}: escriba el nombre del mes y su "
                "número de 1 a 12 (por ejemplo: ene,1)."
            )
        months[name] = month
    return months


def parse_month(text: object) -> int | None:
    """Month number of a month name or abbreviation ("ENE.", "Sept", "setiembre").

    Numbers ("1".."12") are not month names here and give None, as does any
    text that is not in months.csv.
    """
    return _months().get(fold(text))


def month_end(year: int, month: int) -> date:
    """Last day of a month."""
    if not 1 <= month <= 12:
        raise ValueError(f"El mes {month} no existe: use un número de 1 a 12.")
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, q: int) -> date:
    """Last day of quarter ``q`` (1–4): 31/03, 30/06, 30/09, 31/12."""
    if not 1 <= q <= 4:
        raise ValueError(f"El trimestre {q} no existe: use un número de 1 a 4.")
    return month_end(year, 3 * q)


def cuatrimestre_end(year: int, k: int) -> date:
    """Cut-off of cuatrimestre ``k`` (1–3): 30 de abril, 31 de agosto, 31 de diciembre."""
    if not 1 <= k <= 3:
        raise ValueError(f"El cuatrimestre {k} no existe: use un número de 1 a 3.")
    return month_end(year, 4 * k)


def _not_a_date(raw: str) -> ValueError:
    return ValueError(f"No se entiende «{raw}» como fecha: {_EXAMPLE}")


def _full_year(year: int) -> int:
    """Two-digit years are this century's: plans are written after 2000."""
    return 2000 + year if year < 100 else year


def _make(year: int, month: int, day: int, raw: str) -> date:
    """``date(year, month, day)`` with a Spanish message saying what is wrong."""
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(
            f"La fecha «{raw}» tiene el año {year}, fuera de lo esperado "
            f"({_MIN_YEAR}–{_MAX_YEAR}): {_EXAMPLE}"
        )
    if not 1 <= month <= 12:
        raise ValueError(
            f"La fecha «{raw}» no existe (no hay mes {month}): las fechas se leen "
            f"día/mes/año; escríbala así, por ejemplo 30/03/2024."
        )
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        if day < 1:
            why = f"no hay día {day}"
        elif day > 31:
            why = f"ningún mes tiene {day} días"
        elif month == 2 and day == 29:
            why = f"febrero de {year} no tiene 29 días"
        else:
            why = f"{MONTH_NAMES[month - 1]} no tiene {day} días"
        example = min(last, 28) if month == 2 else last  # valid in any year
        raise ValueError(
            f"La fecha «{raw}» no existe ({why}): corríjala en formato día/mes/año, "
            f"por ejemplo {example:02d}/{month:02d}/{year}."
        )
    return date(year, month, day)


def _need_year(raw: str, year: int | None) -> int:
    if year is None:
        raise ValueError(
            f"La fecha «{raw}» no tiene año: escríbala completa, por ejemplo 31/12/2024."
        )
    return year


def _from_serial(number: float, raw: object) -> date:
    if not 1 <= number <= _EXCEL_MAX_SERIAL:
        raise ValueError(
            f"El número {raw} no es una fecha de Excel: {_EXAMPLE}"
        )
    return _EXCEL_EPOCH + timedelta(days=int(number))  # the fraction is the time


def _from_words(raw: str, year: int | None) -> date:
    """Dates with a month name: "29 de octubre de 2024", "mar-2022", "octubre 29 de 2024"."""
    tokens = [token for token in fold(raw).split() if token not in _FILLER]
    kinds = []
    for token in tokens:
        if token.isdecimal():
            kinds.append("n")
        elif parse_month(token) is not None:
            kinds.append("m")
        else:
            raise _not_a_date(raw)
    pattern = "".join(kinds)
    numbers_ = [int(token) for token in tokens if token.isdecimal()]
    month = next((parse_month(t) for t in tokens if not t.isdecimal()), None)
    if pattern == "nmn":  # 29 octubre 2024
        return _make(_full_year(numbers_[1]), month, numbers_[0], raw)
    if pattern == "mnn":  # octubre 29 2024
        return _make(_full_year(numbers_[1]), month, numbers_[0], raw)
    if pattern == "nm":  # 31 de diciembre
        return _make(_need_year(raw, year), month, numbers_[0], raw)
    if pattern == "mn":
        if len(tokens[1]) == 4:  # marzo de 2022: a deadline, so the month's end
            full = _make(numbers_[0], month, 1, raw).year
            return month_end(full, month)
        day_or_year, name = numbers_[0], MONTH_NAMES[month - 1]
        raise ValueError(
            f"La fecha «{raw}» es ambigua (¿{day_or_year} de {name} o {name} de "
            f"{_full_year(day_or_year)}?): escríbala completa como día/mes/año, "
            f"por ejemplo 30/03/2024."
        )
    if pattern == "m":  # only a month: its end, in the plan's year
        return month_end(_need_year(raw, year), month)
    raise _not_a_date(raw)


def _from_text(raw: str, year: int | None) -> date | None:
    text = " ".join(raw.split())
    if not text:
        return None
    if match := _ISO_RE.match(text):
        y, m, d = (int(g) for g in match.groups())
        return _make(y, m, d, text)
    if match := _DMY_RE.match(text):  # day first, always
        d, m, y = (int(g) for g in match.groups())
        return _make(_full_year(y), m, d, text)
    if match := _DM_RE.match(text):
        d, m = (int(g) for g in match.groups())
        return _make(_need_year(text, year), m, d, text)
    if any(c.isalpha() for c in text):
        return _from_words(text, year)
    raise _not_a_date(text)


def parse_date(raw: object, *, year: int | None = None) -> date | None:
    """A cell as a date (day first), None when empty.

    ``year`` completes dates written without one ("31 de diciembre", "30/03").
    Raises ``ValueError`` with a Spanish message saying how to write the date
    when the cell is not a date or names a day that does not exist; nothing
    else is raised.
    """
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool):
        raise ValueError(f"La celda tiene VERDADERO/FALSO, no una fecha: {_EXAMPLE}")
    if isinstance(raw, numbers.Real):
        try:
            number = float(raw)
        except OverflowError:
            number = math.inf  # an integer too large for a float: not a serial
        if math.isnan(number):
            return None  # an empty cell read through pandas
        return _from_serial(number, raw)
    text = str(raw)
    if len(text) > _MEMO_CHARS:
        return _from_text(text, year)
    found, message = _from_text_cached(text, year)
    if message is not None:
        raise ValueError(message)
    return found


# Plans repeat the same dates on many rows: the reading of a text (or why it
# is not a date) is remembered per plan year.
_MEMO_CHARS = 200


@lru_cache(maxsize=20_000)
def _from_text_cached(text: str, year: int | None) -> tuple[date | None, str | None]:
    try:
        return _from_text(text, year), None
    except ValueError as exc:
        return None, str(exc)
