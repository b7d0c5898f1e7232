"""Interpret the cells of activity rows: phase, offices, dates, schedule, progress."""
from __future__ import annotations

import math
import re
from collections import Counter
from datetime import date

from data_layer.corrections import Corrections
from data_layer.ingest import columns as col
from data_layer.ingest.columns import phase_heading
from data_layer.ingest.rows import RawActivity, SheetRows, cell_issue
from data_layer.ingest.table import Table
from data_layer.model import (AVANCE, AVISO, DECLARED, ERROR, ILEGIBLE, INFERRED, NO_PROGRAMADA,
                              SIN_REPORTE, Activity, Issue, Office, Reading)
from data_layer.normalise.dates import cuatrimestre_end, month_end, parse_date, quarter_end
from data_layer.normalise.offices import canonical_office, normalise_offices
from data_layer.normalise.phases import declared_phase, infer_phase_words, inferred_from
from data_layer.normalise.progress import column_is_fraction, parse_progress
from data_layer.normalise.text import clean, despace, fold

TEXT_FIELDS = {  # canonical field → Activity attribute
    "group": "group", "objective": "objective", "product": "product",
    "indicator": "indicator", "participation_level": "participation_level",
    "value_groups": "value_groups", "instance": "instance",
    "evidence_means": "evidence_means",
}
PERIOD_NAMES = {
    "trimestre": ("Trimestre", ["I", "II", "III", "IV"]),
    "cuatrimestre": ("Corte", ["30 de abril", "31 de agosto", "31 de diciembre"]),
    "semestre": ("Semestre", ["I", "II"]),
    "mes": ("Mes", ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                    "agosto", "septiembre", "octubre", "noviembre", "diciembre"]),
}
GENERIC_SHEET_NAMES = {"hoja1", "hoja 1", "sheet1", "sheet 1", "plan", "plan de accion",
                       "datos", "hoja2", "hoja3", "estrategia", "cronograma"}


def period_label(kind: str, index: int) -> str:
    if kind == "anual":
        return "Anual"
    word, names = PERIOD_NAMES.get(kind, (kind.capitalize(), []))
    name = names[index - 1] if 0 < index <= len(names) else str(index)
    return f"{word} {name}"


def period_cutoff(kind: str, index: int, year: int | None) -> date | None:
    if year is None:
        return None
    if kind == "trimestre" and 1 <= index <= 4:
        return quarter_end(year, index)
    if kind == "cuatrimestre" and 1 <= index <= 3:
        return cuatrimestre_end(year, index)
    if kind == "semestre" and index in (1, 2):
        return date(year, 6, 30) if index == 1 else date(year, 12, 31)
    if kind == "mes" and 1 <= index <= 12:
        return month_end(year, index)
    if kind == "anual":
        return date(year, 12, 31)
    return None


# --------------------------------------------------------------- descriptive
def fill_fields(act: Activity, table: Table, raw: RawActivity, issues: list[Issue], year: int | None) -> None:
    texts = raw.texts
    for column in table.of_kind(col.FIELD):
        text = texts.get(column.index)
        if not text:
            continue
        if column.field in TEXT_FIELDS:
            if column.field == "group":  # vertical titles are often letter-spaced
                text = clean(despace(str(raw.cells.get(column.index)))) or text
            setattr(act, TEXT_FIELDS[column.field], text)
        elif column.field in ("start_date", "due_date"):
            value = raw.cells.get(column.index)
            if (raw.row, column.index) in table.sheet.formulas:
                continue  # no date to read; reported as formula_sin_valor
            try:
                setattr(act, column.field, parse_date(value, year=year))
            except ValueError as exc:
                issues.append(cell_issue(ERROR, table, raw, column, value, str(exc), "fecha_ilegible"))
    if act.group is None and raw.context_group:
        act.group = raw.context_group


MANUAL = "corrección guardada"  # phase_raw of a phase a person set


def fill_phase(act: Activity, table: Table, raw: RawActivity, issues: list[Issue],
               corrections: Corrections) -> None:
    """Phase a person saved for this activity, else from the plan (column, X
    marks, group), else inferred from the wording."""
    saved = corrections.phase_for(act.name) if corrections.phases else None
    if saved:
        act.phase, act.phase_source, act.phase_raw = saved, DECLARED, MANUAL
        return
    phase_col = table.column("phase")
    if phase_col and raw.texts.get(phase_col.index):
        text = raw.texts[phase_col.index]
        found = declared_phase(text)
        if found:
            act.phase, act.phase_source, act.phase_raw = found, DECLARED, text
            return
        issues.append(cell_issue(AVISO, table, raw, phase_col, text,
                                 f"La fase «{text}» no se reconoce; se dedujo de la redacción. Use "
                                 "Diagnóstico, Formulación, Implementación, Seguimiento y evaluación o "
                                 "Transversal, o agregue esta forma de escribirla a vocab/phases.csv.",
                                 "fase_desconocida"))
    marks = [c for c in table.of_kind(col.PHASE_MARK) if c.index in raw.texts]
    if marks:
        act.phase, act.phase_source, act.phase_raw = marks[0].phase, DECLARED, marks[0].path[-1]
        if len({m.phase for m in marks}) > 1:
            issues.append(cell_issue(AVISO, table, raw, marks[0], "X",
                                     "La actividad tiene marcadas varias fases; se tomó la primera. "
                                     "Deje una sola X por actividad.", "varias_fases"))
        return
    for text in (act.group, raw.context_phase):
        found = phase_heading(text) if text else None
        if found:
            act.phase, act.phase_source, act.phase_raw = found, DECLARED, text
            return
    phase, words = infer_phase_words(act.name, act.objective, act.product)
    act.phase, act.phase_source, act.phase_raw = phase, INFERRED, inferred_from(words)


def fill_offices(act: Activity, table: Table, raw: RawActivity, sheet_office: str | None,
                 corrections: Corrections) -> None:
    """Offices of the responsables cell (split and named as saved corrections
    say, else by the vocabularies), or of the sheet's name."""
    office_col = table.column("office")
    text = raw.texts.get(office_col.index) if office_col else None
    if not text and sheet_office:
        text = sheet_office
    if not text:
        return
    # Without saved office corrections (the usual case) there is nothing to look up.
    saved = corrections.office_for if corrections.offices else _no_correction
    whole = saved(text)
    if whole:
        act.offices = [Office(name, text) for name in whole]
        return
    offices: dict[str, Office] = {}
    pairs = normalise_offices(text) if office_col and raw.texts.get(office_col.index) else [
        (canonical_office(text), text)]
    for canonical, raw_name in pairs:
        for name in saved(raw_name) or (canonical,):
            if name not in offices:
                offices[name] = Office(name, raw_name)
    act.offices = list(offices.values())


def _no_correction(raw: str) -> None:
    return None


def report_error_cells(table: Table, raw: RawActivity, issues: list[Issue]) -> None:
    """Formula errors (#REF!, #DIV/0!) in descriptive cells are kept as text
    and reported; in progress cells parse_progress reports them already."""
    for column in table.columns:
        if (raw.row, column.index) not in table.sheet.errors or column.kind in (
                col.PROGRESS, col.PLANNED, col.EXECUTED):
            continue
        if column.kind == col.FIELD and column.field in ("start_date", "due_date"):
            continue  # fill_fields reported it as an unreadable date
        value = raw.cells.get(column.index)
        issues.append(cell_issue(AVISO, table, raw, column, value,
                                 f"La celda tiene un error de fórmula ({value}); se guardó como texto. "
                                 "Corrija la fórmula en el archivo o escriba el valor.", "error_formula"))


def sheet_office(table: Table, activity_sheets: int) -> str | None:
    """One sheet per office: the sheet's name is the office when there is no column."""
    if table.column("office") or activity_sheets < 2:
        return None
    if fold(table.sheet.name) in GENERIC_SHEET_NAMES:
        return None
    return table.sheet.name


# --------------------------------------------------------------- schedule
def schedule_years(table: Table, year: int | None) -> dict[int, date]:
    """Column index → first day of its month, years carried across a wrap.

    A grid OCT NOV DIC ENE… without years written runs into the next year
    where the month number goes down.
    """
    months: dict[int, date] = {}
    current = None
    previous_month = 0
    for column in table.columns:
        if column.kind != col.SCHEDULE:
            continue
        month = column.period[1]
        if column.year:
            current = column.year
        elif current is None:
            current = year
        elif month < previous_month:
            current += 1
        previous_month = month
        if current:
            months[column.index] = date(current, month, 1)
    return months


def fill_schedule(act: Activity, table: Table, raw: RawActivity, months: dict[int, date],
                  issues: list[Issue]) -> None:
    for index, month in months.items():
        if index not in raw.texts or (raw.row, index) in table.sheet.formulas:
            continue  # (a formula with no saved result is reported as formula_sin_valor)
        value = raw.cells[index]
        planned = _amount(value)
        if planned is None:
            column = next(c for c in table.columns if c.index == index)
            issues.append(cell_issue(AVISO, table, raw, column, value,
                                     "En el cronograma se esperaba una X o un número; se tomó como una "
                                     "actividad programada en el mes.", "cronograma_texto"))
            planned = 1.0
        if planned:
            act.schedule.append((month, planned))


_ES_NUMBER_RE = re.compile(r"^-?\d{1,3}(?:\.\d{3})*,\d+$|^-?\d+,\d+$")
_DOT_DECIMAL_RE = re.compile(r"^-?\d+\.(?:\d{1,2}|\d{4,})$")


def _amount(value: object) -> float | None:
    """A planned/executed amount: a number, or an X mark (= 1)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # an integer too large for a float
            return None
        return number if math.isfinite(number) else None
    text = fold(value)
    if text in ("x", "si", "s", "v", "ok") or str(value).strip() in ("✓", "✔", "•", "*"):
        return 1.0
    written = str(value).strip()
    if _ES_NUMBER_RE.match(written):  # «0,5», «1.250,75»: Colombian decimals
        return float(written.replace(".", "").replace(",", "."))
    if _DOT_DECIMAL_RE.match(written):  # «1.5» (not «1.250», a thousand)
        return float(written)
    try:
        number = float(text.replace(" ", "").replace(",", "."))
    except ValueError:
        cleaned = str(value).strip().replace(",", ".")
        try:
            number = float(cleaned)
        except ValueError:
            return None
    return number if math.isfinite(number) else None  # "1e999", "nan" are not amounts


# --------------------------------------------------------------- years
FOLLOWUP_KINDS = (col.PROGRESS, col.PLANNED, col.EXECUTED, col.OBSERVATION, col.EVIDENCE)


def followup_years(table: Table) -> set[int]:
    """Years written over the follow-up columns (a PDM plan indicativo has
    2024…2027, each with its quarters)."""
    return {c.year for c in table.columns if c.kind in FOLLOWUP_KINDS and c.year}


def latest_reported_year(sheet_rows: list[SheetRows]) -> int | None:
    """The latest year whose executed (or progress) columns have a figure
    other than zero (formulas fill the years to come with 0)."""
    years = [c.year for rows in sheet_rows for c in rows.table.columns
             if c.kind in (col.EXECUTED, col.PROGRESS) and c.year
             and any(_amount(raw.cells.get(c.index)) for raw in rows.activities if c.index in raw.texts)]
    return max(years, default=None)


def keep_vigencia(table: Table, year: int | None) -> list[col.Column]:
    """Follow-up columns of other years than the vigencia are not read as
    progress: they are kept as they are (EXTRA, under their header) and
    returned, so the import can list them. Only for tables with several years."""
    if year is None or len(followup_years(table)) < 2:
        return []
    other = [c for c in table.columns if c.kind in FOLLOWUP_KINDS and c.year and c.year != year]
    for column in other:
        column.kind, column.period = col.EXTRA, None
    if other:
        table.__dict__.pop("_by_kind", None)  # the columns changed: recompute the lookup
    return other


# --------------------------------------------------------------- progress
def progress_readings(sheet_rows: SheetRows, acts: list[Activity], year: int | None) -> None:
    """Readings of every activity of the sheet, from its follow-up columns."""
    table = sheet_rows.table
    formats = table.sheet.formats
    formulas = table.sheet.formulas
    issues = sheet_rows.issues
    activities = sheet_rows.activities
    for column in table.of_kind(col.PROGRESS):
        c = column.index
        texts = [raw.texts.get(c) for raw in activities]
        if not any(text is not None for text in texts):
            continue  # nobody reported this period yet: no readings
        values = [raw.cells.get(c) for raw in activities]
        fmts = [formats.get((raw.row, c)) for raw in activities] if formats else [None] * len(values)
        fraction = column_is_fraction(zip(values, fmts))
        kind, index = column.period
        label, cutoff = period_label(kind, index), period_cutoff(kind, index, year)
        # Each distinct (value, format) of the column is read once: the
        # reading depends on nothing else (``fraction`` is the column's), and
        # ProgressValue is frozen, so rows share it safely. The key holds the
        # value's type: 1, 1.0 and True are equal keys but different readings.
        parsed_of: dict = {}
        for raw, act, value, fmt, text in zip(activities, acts, values, fmts, texts):
            key = (value.__class__, value, fmt)
            parsed = parsed_of.get(key, _UNSEEN)
            if parsed is _UNSEEN:
                parsed = parsed_of[key] = parse_progress(value, fraction=fraction, number_format=fmt)
            if parsed is None:
                act.readings.append(Reading(kind, index, label, cutoff, SIN_REPORTE, None, text))
                continue
            if formulas and (raw.row, c) in formulas:  # no saved result: reported as formula_sin_valor
                act.readings.append(Reading(kind, index, label, cutoff, ILEGIBLE, None, text))
                continue
            act.readings.append(Reading(kind, index, label, cutoff, parsed.state, parsed.value, text,
                                        parsed.planned, parsed.executed))
            if parsed.state == ILEGIBLE:
                issues.append(cell_issue(ERROR, table, raw, column, value, parsed.message or "",
                                         "avance_ilegible"))
            elif parsed.message:
                issues.append(cell_issue(AVISO, table, raw, column, value, parsed.message,
                                         parsed.code or "avance_ajustado"))
    _planned_executed(sheet_rows, acts, year)
    _attach_notes(sheet_rows, acts)


_UNSEEN = object()


def _planned_executed(sheet_rows: SheetRows, acts: list[Activity], year: int | None) -> None:
    """Readings from planned/executed amounts: cumulative executed ÷ planned."""
    table = sheet_rows.table
    planned_cols = {c.period: c for c in table.columns if c.kind == col.PLANNED}
    executed_cols = {c.period: c for c in table.columns if c.kind == col.EXECUTED}
    if not executed_cols:
        return
    if not planned_cols:  # executed per month against the schedule grid
        planned_cols = {c.period: c for c in table.columns if c.kind == col.SCHEDULE}
    periods = sorted(executed_cols, key=lambda p: (p[0], p[1]))
    used = [p for p in periods
            if any(executed_cols[p].index in raw.texts for raw in sheet_rows.activities)]
    for raw, act in zip(sheet_rows.activities, acts):
        total_planned = total_done = 0.0
        for period in periods:
            p_col, e_col = planned_cols.get(period), executed_cols[period]
            planned = _amount(raw.cells.get(p_col.index)) if p_col and p_col.index in raw.texts else 0.0
            done_raw = raw.cells.get(e_col.index)
            done_text = raw.texts.get(e_col.index)
            done = _amount(done_raw) if done_text is not None else None
            uncalculated = (raw.row, e_col.index) in table.sheet.formulas  # reported as formula_sin_valor
            if done_text is not None and done is None and not uncalculated:
                sheet_rows.issues.append(cell_issue(ERROR, table, raw, e_col, done_raw,
                                                    "Se esperaba una cantidad ejecutada (un número).",
                                                    "ejecutado_ilegible"))
            total_planned += planned or 0.0
            total_done += done or 0.0
            if period not in used:
                continue
            kind, index = period
            declared = next((r for r in act.readings if (r.period_kind, r.period_index) == period), None)
            if declared is not None:
                # The plan also has a progress column for the period: its
                # figure stands; the amounts are kept beside it.
                declared.planned, declared.executed = planned, done
                continue
            reading = Reading(kind, index, period_label(kind, index), period_cutoff(kind, index, year),
                              SIN_REPORTE, raw=done_text, planned=planned, executed=done)
            if uncalculated:
                reading.state = ILEGIBLE
            elif done is None and (planned or 0) > 0:
                reading.state = SIN_REPORTE
            elif total_planned <= 0:
                reading.state = NO_PROGRAMADA if not total_done else AVANCE
                reading.value = 100.0 if total_done else None
            else:
                reading.state, reading.value = AVANCE, min(100.0, round(100 * total_done / total_planned, 4))
            act.readings.append(reading)


def _attach_notes(sheet_rows: SheetRows, acts: list[Activity]) -> None:
    """Observations and evidence: per period where the header says so,
    otherwise on the activity's latest reading."""
    table = sheet_rows.table
    notes = [c for c in table.columns if c.kind in (col.OBSERVATION, col.EVIDENCE)
             or (c.kind == col.FIELD and c.field == "observation")]
    if not notes:
        return
    for raw, act in zip(sheet_rows.activities, acts):
        texts = raw.texts
        for column in notes:
            text = texts.get(column.index)
            if text is None:
                continue
            if column.kind in (col.OBSERVATION, col.EVIDENCE):
                target = next((r for r in act.readings if (r.period_kind, r.period_index) == column.period), None)
            else:
                target = _latest(act)
            if target is None:
                act.extra[table.extra_key(column)] = text
            elif column.kind == col.EVIDENCE:
                target.evidence = _join(target.evidence, text)
            else:
                target.observation = _join(target.observation, text)


def _join(before: str | None, text: str) -> str:
    """Two notes for the same reading (two "Observaciones" columns) are both kept."""
    return text if not before or before == text else f"{before}\n{text}"


def _latest(act: Activity) -> Reading | None:
    """The latest reported reading (the latest reading if none was reported);
    the first of equals, as ``max`` would give."""
    best = best_key = None
    for reading in act.readings:
        if reading.raw is not None:
            key = (reading.cutoff or date.min, reading.period_index)
            if best is None or key > best_key:
                best, best_key = reading, key
    if best is None:
        for reading in act.readings:
            key = (reading.cutoff or date.min, reading.period_index)
            if best is None or key > best_key:
                best, best_key = reading, key
    return best


def majority_year(dates: list[date]) -> int | None:
    if not dates:
        return None
    return Counter(d.year for d in dates).most_common(1)[0][0]

