"""The presentation for the hearing as a list of screens, one topic each.

A topic whose content does not fit one projected screen (a long list of
offices or activities) becomes several screens, "Próximos pasos (2 de 3)", so
that nothing has to be scrolled or cut off at 1366×768. How much fits is
estimated from the text lengths (:data:`Fit`); ``tests/test_browser_presentation.py``
checks the estimate on a real browser.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from data_layer.report.content import Report, followed_up, missing

# (key, title): the order of the hearing.
TOPICS: tuple[tuple[str, str], ...] = (
    ("portada", "Rendición de cuentas"),
    ("estado", "Estado general del plan"),
    ("fases", "Avance por fase del ciclo de la gestión"),
    ("dependencias", "Avance por dependencia"),
    ("trimestres", "Avance por trimestre"),
    ("cumplidas", "Actividades cumplidas y sus evidencias"),
    ("dificultades", "Dificultades y observaciones"),
    ("proximos", "Próximos pasos"),
)
TITLES = dict(TOPICS)

# Measured on the presentation page (ui/presentation.py's type sizes): a card's
# border, padding and gap take about 1.6 lines; its facts line is in smaller type.
CARD_LINES = 1.6
FACTS_WIDER = 1.4
FACTS_TALL = 0.9


@dataclass(frozen=True)
class Fit:
    """What one screen holds: bars in a chart, and text lines in a list."""

    bars: int = 7
    lines: float = 10.0
    chars_per_line: int = 95  # large type in the main column beside the sidebar


@dataclass(frozen=True)
class Screen:
    """One screen: a topic, and which rows of its table it shows."""

    topic: str
    part: int = 1  # 1-based
    parts: int = 1
    rows: tuple[int, ...] = ()  # positions in the topic's DataFrame

    @property
    def key(self) -> str:
        """Stable across filter changes while the topic keeps its parts: "fases-1"."""
        return f"{self.topic}-{self.part}"

    @property
    def title(self) -> str:
        return TITLES[self.topic] + (f" ({self.part} de {self.parts})" if self.parts > 1 else "")


def screens(report: Report, fit: Fit = Fit()) -> list[Screen]:
    """Every screen of the presentation of ``report``, in order."""
    result = [Screen("portada"), Screen("estado")]
    result += _split("fases", len(chart_phases(report)), fit.bars)
    result += _split("dependencias", len(chart_offices(report)), fit.bars)
    result.append(Screen("trimestres"))
    for topic, frame in (("cumplidas", report.completed), ("dificultades", report.difficulties),
                         ("proximos", report.next_steps)):
        if not report.listed:  # one screen that says why there is no list
            result.append(Screen(topic))
            continue
        weights = [item_lines(row, fit.chars_per_line, report.several)
                   for _, row in frame.iterrows()]
        result += _pack(topic, weights, fit.lines)
    return result


def chart_phases(report: Report) -> pd.DataFrame:
    """The rows the phase screens chart: phases with a follow-up when any
    average exists, else every phase (then counted, not averaged). Above
    ``content.TOTALS_ABOVE`` entities the report holds their totals."""
    followed = followed_up(report.phases)
    return followed if followed["Avance promedio (%)"].notna().any() else report.phases


def chart_offices(report: Report) -> pd.DataFrame:
    """Offices with at least one activity followed up (the rest have no bar to
    show), least advanced first; totals above ``content.TOTALS_ABOVE`` entities."""
    return followed_up(report.offices)


def item_lines(row: pd.Series, chars_per_line: int, with_entity: bool = False) -> float:
    """Estimated lines of one activity in a list: its name, its line of facts
    (with the entity when several are shown), its evidence and observation, plus
    the card's border and the gap between items."""
    def lines(value: object, per_line: float = chars_per_line) -> int:
        text = "" if missing(value) else str(value)
        return math.ceil(len(text) / per_line) if text.strip() else 0

    name = max(1, lines(row.get("Actividad")))
    # The facts (state, dates, offices: a plan may list a dozen) are in smaller
    # type: about 40 % more characters per line, each line 90 % as tall.
    entity = f" · {row.get('Entidad')}" if with_entity else ""
    facts = lines(f"{'x' * 55}{row.get('Dependencias') or ''}{entity}",
                  chars_per_line * FACTS_WIDER)
    notes = lines(row.get("Evidencia")) + lines(row.get("Observación"))
    return name + FACTS_TALL * facts + notes + CARD_LINES


def _split(topic: str, count: int, per_screen: int) -> list[Screen]:
    parts = max(1, math.ceil(count / per_screen))
    return [Screen(topic, part + 1, parts, tuple(range(part * per_screen,
                                                       min(count, (part + 1) * per_screen))))
            for part in range(parts)]


def _pack(topic: str, weights: list[float], budget: float) -> list[Screen]:
    """Consecutive items into screens of at most ``budget`` lines (an item
    longer than a screen gets one to itself)."""
    groups: list[list[int]] = []
    used = budget
    for index, weight in enumerate(weights):
        if used + weight > budget and (not groups or groups[-1]):
            groups.append([])
            used = 0.0
        groups[-1].append(index)
        used += weight
    groups = groups or [[]]
    return [Screen(topic, n + 1, len(groups), tuple(group)) for n, group in enumerate(groups)]
