"""The canonical model a plan workbook is read into, before it is stored.

One ``ParsedPlan`` per source file. Everything the importer understood is in
``activities``; everything it could not is in ``issues`` (cells) and
``skipped_rows`` (whole rows), so nothing from the source is lost silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Canonical phases, in the order of the management cycle (Ley 1757 art. 2).
PHASES: tuple[str, ...] = (
    "diagnostico",
    "formulacion",
    "implementacion",
    "seguimiento_evaluacion",
    "transversal",
    "sin_clasificar",
)
PHASE_LABELS: dict[str, str] = {
    "diagnostico": "Diagnóstico",
    "formulacion": "Formulación",
    "implementacion": "Implementación",
    "seguimiento_evaluacion": "Seguimiento y evaluación",
    "transversal": "Transversal",
    "sin_clasificar": "Sin clasificar",
}

# Where an activity's phase came from.
DECLARED = "declarada"  # the plan says it: X mark, phase column, group header
INFERRED = "inferida"  # deduced from the activity's wording (or not at all)

# States of one progress reading. Only "avance" carries a number.
AVANCE = "avance"
NO_PROGRAMADA = "no_programada"  # nothing was due: N/A, No aplica, No programada
SIN_REPORTE = "sin_reporte"  # something was due and nobody reported
ILEGIBLE = "ilegible"  # #DIV/0!, #REF! or text that is not a progress value
READING_STATES: tuple[str, ...] = (AVANCE, NO_PROGRAMADA, SIN_REPORTE, ILEGIBLE)

# Severities of an import issue.
ERROR = "error"  # the cell's content was lost for the dashboard
AVISO = "aviso"  # understood, but the user should check it
INFO = "info"  # a decision the importer made (scale, phase inferred...)


@dataclass
class Issue:
    """One cell (or sheet) the importer could not fully interpret."""

    severity: str
    sheet: str
    row: int | None  # 1-based, as Excel shows it
    column: str | None  # Excel letter ("F") or None for a whole row/sheet
    value: str | None
    message: str  # Spanish, says how to fix it
    code: str = ""  # stable machine code, e.g. "progreso_ilegible"

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "code": self.code,
        }


@dataclass
class SkippedRow:
    """A source row that did not become an activity, and why."""

    sheet: str
    row: int
    reason: str  # Spanish
    content: str = ""  # the row's non-empty cells, joined, so it is not lost

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "reason": self.reason,
                "content": self.content}


@dataclass
class Reading:
    """The progress of one activity at one follow-up cut-off."""

    period_kind: str  # "trimestre" | "cuatrimestre" | "semestre" | "mes" | "anual"
    period_index: int  # 1..4 for quarters, 1..3 cuatrimestres, 1..12 months
    period_label: str  # Spanish label: "Trimestre I", "Corte 30 de abril"
    cutoff: date | None  # last day of the period in the plan's year
    state: str  # one of READING_STATES
    value: float | None = None  # 0..100 when state == AVANCE
    raw: str | None = None  # the cell as written
    planned: float | None = None  # planned-vs-executed layouts
    executed: float | None = None
    observation: str | None = None
    evidence: str | None = None


@dataclass
class Office:
    canonical: str
    raw: str


@dataclass
class Activity:
    seq: int  # order in the source, 1-based over the whole plan
    name: str
    sheet: str
    row: int  # first source row of the activity
    code: str | None = None  # "1", "1.1", as the plan numbers it
    group: str | None = None  # línea de acción / momento / componente
    objective: str | None = None
    product: str | None = None  # producto / meta / entregable
    indicator: str | None = None
    phase: str = "sin_clasificar"
    phase_source: str = INFERRED
    phase_raw: str | None = None  # the text the phase was read or inferred from
    participation_level: str | None = None
    value_groups: str | None = None  # grupos de valor
    instance: str | None = None  # instancia de participación
    start_date: date | None = None
    due_date: date | None = None
    evidence_means: str | None = None  # medios de verificación
    offices: list[Office] = field(default_factory=list)
    schedule: list[tuple[date, float]] = field(default_factory=list)  # month → planned
    readings: list[Reading] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)  # every other column, by header


@dataclass
class ParsedPlan:
    source_file: str  # file name as uploaded
    checksum: str  # sha256 of the bytes
    file_format: str  # "xlsx" | "xls" | "ods" | "csv"
    layout: str  # short description of what was detected
    entity: str | None
    year: int | None  # vigencia
    title: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    sheets: list[str] = field(default_factory=list)  # sheets that held activities
    header_rows: dict[str, list[int]] = field(default_factory=dict)  # sheet → rows
    signatures: dict[str, str] = field(default_factory=dict)  # sheet → header signature (saved mappings)
    column_map: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet → col → field
    activities: list[Activity] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)  # title-block key/values
