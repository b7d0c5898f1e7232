"""The semáforo (traffic light) of a progress value, with configurable thresholds.

Defaults from DOMAIN.md: rojo < 60 %, amarillo 60–79 %, verde ≥ 80 %, gris when
there is no number (no programada, sin reporte, sin seguimiento). Colours are
from the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies) and every colour also has a shape and a word, so it is never
the only signal.
"""
from __future__ import annotations

from dataclasses import dataclass

from data_layer import es_co

COLORS: tuple[str, ...] = ("rojo", "amarillo", "verde", "gris")

NAMES = {"rojo": "Rojo", "amarillo": "Amarillo", "verde": "Verde", "gris": "Gris"}
ICONS = {"rojo": "■", "amarillo": "▲", "verde": "●", "gris": "○"}
PALETTE = {  # Okabe-Ito vermillion, yellow, bluish green; a neutral grey
    "rojo": "#D55E00",
    "amarillo": "#F0E442",
    "verde": "#009E73",
    "gris": "#BBBBBB",
}
# Light backgrounds of the same hues for a card or a table cell: dark text on
# them keeps more than 7:1 contrast, the strong colour goes in the border and
# the shape (a vermillion or yellow background under text would fail WCAG).
TINTS = {
    "rojo": "#FBE3D6",
    "amarillo": "#FBF7CF",
    "verde": "#D5F0E7",
    "gris": "#EEEEEE",
}


@dataclass(frozen=True)
class Umbrales:
    """Progress below ``rojo`` is red; at or above ``verde`` is green; between, yellow."""

    rojo: float = 60.0
    verde: float = 80.0

    def __post_init__(self) -> None:
        if not 0 <= self.rojo <= self.verde <= 100:
            raise ValueError(
                "Los umbrales del semáforo deben cumplir 0 ≤ rojo ≤ verde ≤ 100 "
                f"(se recibió rojo {self.rojo} y verde {self.verde})."
            )

    def params(self) -> dict[str, float]:
        """Named SQL parameters used by :data:`SQL_CASE`."""
        return {"umbral_rojo": float(self.rojo), "umbral_verde": float(self.verde)}

    def classify(self, value: float | None) -> str:
        """The colour code of one progress value (0–100) or ``"gris"``."""
        if es_co.is_missing(value):
            return "gris"
        if value >= self.verde:
            return "verde"
        if value >= self.rojo:
            return "amarillo"
        return "rojo"

    def rule(self, color: str) -> str:
        """What puts a value in ``color``: ``"rojo"`` → ``"menos de 60 %"``."""
        return dict(self.legend())[color]

    def legend(self) -> list[tuple[str, str]]:
        """(colour, Spanish explanation) in reading order, for the legend."""
        rojo, verde = es_co.percent(self.rojo, 0), es_co.percent(self.verde, 0)
        return [
            ("verde", f"{verde} o más"),
            ("amarillo", f"desde {rojo} hasta menos de {verde}"),
            ("rojo", f"menos de {rojo}"),
            ("gris", "sin avance numérico (no programada, sin reporte o sin seguimiento)"),
        ]


def sql_case(column: str) -> str:
    """SQL giving the colour code of ``column``; binds ``$umbral_rojo`` and ``$umbral_verde``."""
    return (
        f"CASE WHEN {column} IS NULL THEN 'gris' "
        f"WHEN {column} >= $umbral_verde THEN 'verde' "
        f"WHEN {column} >= $umbral_rojo THEN 'amarillo' ELSE 'rojo' END"
    )


def label(color: str) -> str:
    """``"rojo"`` → ``"■ Rojo"``: shape and word, never colour alone."""
    return f"{ICONS[color]} {NAMES[color]}"


def worded(color: str, umbrales: Umbrales) -> str:
    """``"rojo"`` → ``"■ Rojo — menos de 60 %"``: shape, word and the rule."""
    return f"{label(color)} — {umbrales.rule(color)}"
