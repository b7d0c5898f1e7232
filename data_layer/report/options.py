"""The dashboard's filters from command-line words, for ``python -m data_layer report``.

People type names as they remember them ("sanatorio de contratacion", "seguimiento y
evaluacion"): values are matched without regard to case, accents or extra spaces,
first exactly and then, if only one value contains the text, by that one. Anything
else is a :class:`ReportInputError` whose Spanish message says what was accepted.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime

import duckdb

from data_layer import queries
from data_layer.filters import Filters
from data_layer.model import PHASE_LABELS, PHASES
from data_layer.semaforo import Umbrales

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
ENTIDAD = ("entidad", "entidades")
DEPENDENCIA = ("dependencia", "dependencias")


class ReportInputError(ValueError):
    """A command-line value that cannot be used; ``message`` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fold(text: str) -> str:
    """"  Secretaría  de Planeación " → "secretaria de planeacion"."""
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", plain).strip().lower()


def parse_corte(text: str) -> date:
    """"31/12/2024" or "2024-12-31" → ``date(2024, 12, 31)``."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ReportInputError(
        f"La fecha de corte «{text}» no es válida: escríbala como dd/mm/aaaa (31/12/2024) "
        "o aaaa-mm-dd (2024-12-31).")


def match(given: str, options: Sequence[str], what: tuple[str, str], option_flag: str) -> str:
    """The option ``given`` names (see the module docstring), or an error that
    lists what there is; ``what`` is the word in singular and plural."""
    singular, plural = what
    wanted = fold(given)
    folded = {fold(option): option for option in options}
    if wanted in folded:
        return folded[wanted]
    containing = [option for key, option in folded.items() if wanted and wanted in key]
    if len(containing) == 1:
        return containing[0]
    if containing:
        raise ReportInputError(
            f"«{given}» coincide con varias {plural}: {_listing(containing)}. "
            f"Escriba el nombre completo en {option_flag}.")
    close = difflib.get_close_matches(wanted, list(folded), n=3, cutoff=0.6)
    hint = f" ¿Quiso decir {_listing([folded[c] for c in close], 'o')}?" if close else ""
    if not options:
        raise ReportInputError(f"No hay ninguna {singular} llamada «{given}»: no hay "
                               f"{plural} para los filtros dados.")
    raise ReportInputError(f"No hay ninguna {singular} llamada «{given}» en la base de "
                           f"datos.{hint} {plural.capitalize()}: {_listing(options)}.")


def match_phase(given: str) -> str:
    """A canonical phase key from its key ("seguimiento_evaluacion") or its name
    ("Seguimiento y evaluación")."""
    wanted = fold(given).replace("_", " ")
    for key in PHASES:
        if wanted in (fold(key).replace("_", " "), fold(PHASE_LABELS[key])):
            return key
    accepted = ", ".join(f"{key} ({PHASE_LABELS[key]})" for key in PHASES)
    raise ReportInputError(f"La fase «{given}» no existe. Fases: {accepted}.")


def resolve(con: duckdb.DuckDBPyConnection, *, entidad: Sequence[str] = (),
            vigencia: Sequence[str] = (), corte: str | None = None,
            dependencia: Sequence[str] = (), fase: Sequence[str] = (),
            umbral_rojo: str | None = None, umbral_verde: str | None = None) -> Filters:
    """The :class:`Filters` the dashboard would have for these command-line values."""
    entities = queries.options(con, Filters(), "entidad")
    if not entities:
        raise ReportInputError("La base de datos no tiene ningún plan. Importe uno con "
                               "«python -m data_layer import ruta/del/plan.xlsx».")
    filters = Filters(entidad=_unique(match(e, entities, ENTIDAD, "--entidad")
                                      for e in entidad))
    years = queries.options(con, filters, "vigencia")
    filters = filters.replace(vigencia=_unique(_match_year(v, years) for v in vigencia))
    offices = queries.options(con, filters, "dependencia")
    return filters.replace(
        corte=parse_corte(corte) if corte else None,
        dependencia=_unique(match(d, offices, DEPENDENCIA, "--dependencia")
                            for d in dependencia),
        fase=_unique(match_phase(f) for f in fase),
        umbrales=_umbrales(umbral_rojo, umbral_verde),
    )


def known_cutoff(con: duckdb.DuckDBPyConnection, filters: Filters) -> bool:
    """Whether the chosen corte is one of the plans' follow-up dates (the
    dashboard offers only those; any date works, as "the state on that day")."""
    if filters.corte is None:
        return True
    return filters.corte in set(queries.corte_options(con, filters)["_corte"])


def _match_year(text: str, years: Sequence[int]) -> int:
    try:
        year = int(str(text).strip())
    except ValueError:
        raise ReportInputError(f"La vigencia «{text}» no es un año (por ejemplo 2024).") \
            from None
    if year not in years:
        available = _listing([str(y) for y in years]) if years else "ninguna"
        raise ReportInputError(f"No hay planes de la vigencia {year} para las entidades "
                               f"elegidas. Vigencias disponibles: {available}.")
    return year


def _umbrales(rojo: str | None, verde: str | None) -> Umbrales:
    defaults = Umbrales()
    try:
        values = [float(str(v).replace(",", ".")) if v is not None else d
                  for v, d in ((rojo, defaults.rojo), (verde, defaults.verde))]
    except ValueError:
        raise ReportInputError("Los umbrales del semáforo deben ser números entre 0 y 100 "
                               "(por ejemplo --umbral-rojo 60 --umbral-verde 80).") from None
    try:
        return Umbrales(rojo=values[0], verde=values[1])
    except ValueError as error:
        raise ReportInputError(str(error)) from None


def _unique(values) -> tuple:
    return tuple(dict.fromkeys(values))


def _listing(values: Sequence[str], last: str = "y", limit: int = 12) -> str:
    quoted = [f"«{value}»" for value in values]
    if len(quoted) > limit:
        return ", ".join(quoted[:limit]) + f" y {len(quoted) - limit} más"
    if len(quoted) <= 1:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} {last} {quoted[-1]}"
