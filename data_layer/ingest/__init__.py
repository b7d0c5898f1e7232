"""Read a plan workbook into the canonical model, without writing anything.

The flow: workbook cells (workbook.py) → the table of each sheet: header rows
and what each column means (table.py, columns.py) → activity rows and skipped
rows (rows.py) → values interpreted (values.py) → one ``ParsedPlan`` with its
import report.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from data_layer.corrections import Corrections
from data_layer.errors import PlanFileError
from data_layer.ingest import columns as col
from data_layer.ingest import plausibility, values
from data_layer.ingest.rows import SheetRows, new_activity, split_rows
from data_layer.ingest.table import Table, find_table
from data_layer.ingest.titleblock import TitleBlock, read_title_block
from data_layer.ingest.workbook import (MAX_CELL_CHARS, MAX_FILE_BYTES, Workbook, column_letter, es_number,
                                       read_workbook, too_large_message)
from data_layer.model import AVISO, ERROR, INFO, Issue, ParsedPlan
from data_layer.normalise.dates import parse_date
from data_layer.normalise.offices import unify_offices
from data_layer.normalise.text import clean, fold

__all__ = ["read_plan", "plan_from_workbook", "PlanFileError", "many_objects"]

_GC_LOCK = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, ...] = ()
# A full collection walks every object of the process. Reading a workbook
# builds millions of objects that all stay alive until the import ends, and
# Python starts a full collection each time the heap has grown by a quarter:
# over a 50.000-activity import they cost about a third of the time and free
# nothing. Young collections (where short-lived cycles die) go on as usual.
_NO_FULL_COLLECTIONS = 1_000_000


@contextlib.contextmanager
def many_objects() -> Iterator[None]:
    """No full garbage collections while the block runs (reading, interpreting
    or storing plans); the usual thresholds come back when the last block in
    the process ends, whichever thread it runs in."""
    global _gc_users, _gc_saved
    with _GC_LOCK:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            young, middle, old = _gc_saved
            gc.set_threshold(young, middle, max(old, _NO_FULL_COLLECTIONS))
        _gc_users += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_users -= 1
            if _gc_users == 0:
                gc.set_threshold(*_gc_saved)


def read_plan(path: str | Path, *, entity: str | None = None, year: int | None = None,
              data: bytes | None = None, source_name: str | None = None,
              corrections: Corrections | None = None) -> ParsedPlan:
    """Parse one plan file. ``entity`` and ``year`` override what the file says;
    ``corrections`` (saved column mappings, office and phase corrections) are
    applied where they match.

    Raises ``PlanFileError`` (Spanish message) when the file cannot be read at
    all; anything less serious is in the returned plan's ``issues``.
    """
    with many_objects():
        return _read_plan(Path(path), entity=entity, year=year, data=data, source_name=source_name,
                          corrections=corrections)


def _read_plan(path: Path, *, entity: str | None, year: int | None, data: bytes | None,
               source_name: str | None, corrections: Corrections | None) -> ParsedPlan:
    if data is None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise PlanFileError(too_large_message(_printable_name(path.name), path.stat().st_size))
            data = path.read_bytes()
        except OSError as exc:
            raise PlanFileError(f"No se pudo abrir el archivo «{path.name}»: {exc.strerror}.") from exc
    name = _printable_name(source_name or path.name)
    book = read_workbook(Path(name), data)
    return plan_from_workbook(book, name, hashlib.sha256(data).hexdigest(), entity=entity, year=year,
                              corrections=corrections)


def plan_from_workbook(book: Workbook, name: str, checksum: str, *, entity: str | None = None,
                       year: int | None = None, corrections: Corrections | None = None) -> ParsedPlan:
    """The plan in grids of cells already read (``read_plan`` without the file)."""
    with many_objects():
        return _plan_from_workbook(book, name, checksum, entity=entity, year=year, corrections=corrections)


def _plan_from_workbook(book: Workbook, name: str, checksum: str, *, entity: str | None,
                        year: int | None, corrections: Corrections | None) -> ParsedPlan:
    corrections = corrections or Corrections()
    plan = ParsedPlan(source_file=name, checksum=checksum,
                      file_format=book.file_format, layout="", entity=None, year=None)
    tables = _tables(book, plan, corrections)
    if not tables:
        forms = {s.name: labels for s in book.sheets if (labels := plausibility.form_labels(s))}
        raise PlanFileError(plausibility.form_message(name, forms) if forms else _no_table_message(name, book))
    block = _title_block(tables[0])
    plan.metadata = block.metadata
    plan.title = block.title
    plan.entity = entity or block.entity
    sheet_rows = [split_rows(t) for t in tables]
    plan.year = year or _plan_year(block, sheet_rows, plan)
    _other_years(plan, sheet_rows)
    _build_activities(plan, sheet_rows, corrections)
    _plan_period(plan)
    plan.layout = _describe_layout(book, tables, plan)
    _report_missing(plan)
    plan.issues.extend(plausibility.check(plan, sheet_rows))
    return plan


def _printable_name(name: str) -> str:
    """A file name the database can store: names the operating system could
    not decode (a latin-1 name on a UTF-8 system) carry lone surrogates."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", "replace")


def _tables(book: Workbook, plan: ParsedPlan, corrections: Corrections) -> list[Table]:
    """The activity table of each sheet that holds one, with what was decided
    about every sheet in the report (in the order of the sheets).

    Hidden sheets are read only when no visible sheet holds a plan (a PDM's
    hidden sheet of weights must not become activities), and sheets that are
    forms (an indicator's «hoja de vida») are not plans.
    """
    found = {}
    for sheet in book.sheets:
        table = find_table(sheet, corrections.mappings) if sheet.values else None
        if table is not None:
            found[sheet.name] = table
    forms = {name: labels for name, table in found.items()
             if not table.mapped and (labels := plausibility.form_labels(table.sheet, table.header_end + 1))}
    if forms and len(forms) == len(found):
        raise PlanFileError(plausibility.form_message(plan.source_file, forms))
    found = {name: table for name, table in found.items() if name not in forms}
    # A sheet a person mapped by hand counts as visible: they chose it.
    visible = {name for name, table in found.items() if not table.sheet.hidden or table.mapped}
    if not visible and found:
        _refuse_hidden_instead_of_visible(book, plan.source_file, list(found))
    tables = []
    for sheet in book.sheets:
        table = found.get(sheet.name)
        if sheet.name in forms:
            plan.issues.append(plausibility.form_sheet_issue(sheet.name, forms[sheet.name]))
        elif table is not None and visible and sheet.name not in visible:
            plan.issues.append(plausibility.hidden_skipped(sheet.name))
        elif table is None:
            if sheet.values:
                plan.issues.append(Issue(INFO, sheet.name, None, None, None,
                                         f"La hoja «{sheet.name}» no tiene una tabla de actividades "
                                         "(instrucciones, listas o notas): no se importó.", "hoja_sin_tabla"))
        else:
            _use_table(plan, table)
            tables.append(table)
    return tables


def _refuse_hidden_instead_of_visible(book: Workbook, name: str, hidden: list[str]) -> None:
    """Only hidden sheets hold a table the importer read: if a visible sheet
    has a table it could not read, that one is the plan, not the hidden one."""
    for sheet in book.sheets:
        if sheet.hidden or not sheet.values:
            continue
        row = plausibility.table_header_row(sheet)
        if row is not None:
            raise PlanFileError(plausibility.hidden_refusal(name, sheet, row, hidden))


def _use_table(plan: ParsedPlan, table: Table) -> None:
    """Report what the sheet of a table used for the plan needs said, and
    record its header rows and columns."""
    sheet = table.sheet
    if sheet.hidden:
        plan.issues.append(plausibility.hidden_used(sheet.name))
    for r, c, length in sheet.truncated:
        plan.issues.append(Issue(AVISO, sheet.name, r + 1, column_letter(c), None,
                                 f"La celda tenía {es_number(length)} caracteres; se guardaron los "
                                 f"primeros {es_number(MAX_CELL_CHARS)} (el máximo de Excel).",
                                 "celda_recortada"))
    if sheet.controls:
        r, c = sheet.controls[0]
        plan.issues.append(Issue(AVISO, sheet.name, r + 1, column_letter(c), None,
                                 f"{es_number(len(sheet.controls))} celda(s) tenían caracteres de control "
                                 f"invisibles (la primera, {column_letter(c)}{r + 1}); se quitaron.",
                                 "caracteres_de_control"))
    for code, message in sheet.notes:
        plan.issues.append(Issue(AVISO, sheet.name, None, None, None, message, code))
    if sheet.formulas:
        plan.issues.extend(_formula_issues(table))
    plan.issues.extend(_repeated_headers(table))
    plan.sheets.append(sheet.name)
    plan.header_rows[sheet.name] = table.header_rows
    plan.signatures[sheet.name] = table.signature
    if table.mapped:
        plan.issues.append(Issue(INFO, sheet.name, table.header_rows[0], None, None,
                                 "Se leyó con el mapeo de columnas guardado para estos encabezados "
                                 "(Cargar planes › Correcciones guardadas).", "mapeo_guardado"))
    with_data = _unheaded_columns_with_data(table)
    plan.column_map[sheet.name] = {
        column_letter(c.index): _column_role(c) for c in table.columns if c.path or c.index in with_data}


def _unheaded_columns_with_data(table: Table) -> set[int]:
    """The columns without a header that hold something below it, in one pass
    over the rows. Data to the right of the last header is kept (under
    "Columna N") like any other column without a header, instead of being
    dropped: those columns are added to the table."""
    width = len(table.columns)
    unheaded = {c.index for c in table.columns if not c.path}
    found: set[int] = set()
    for row in table.sheet.values[table.header_end + 1:]:
        for c in unheaded - found:
            if c < len(row) and clean(row[c]) is not None:
                found.add(c)
        if len(row) > width:
            found.update(c for c in range(width, len(row)) if clean(row[c]) is not None)
    table.columns.extend(col.Column(index=c, path=()) for c in sorted(found) if c >= width)
    return found


_FORMULA_SHOWN = 60  # longest formula quoted in a message (the issue's value has it whole)


def _formula_issues(table: Table) -> list[Issue]:
    """One aviso per cell whose formula has no saved result (its text was kept)."""
    sheet = table.sheet
    kinds = {c.index: c.kind for c in table.columns}
    issues = []
    for (r, c), formula in sorted(sheet.formulas.items()):
        kind = kinds.get(c) if r > table.header_end else None
        if kind == col.PROGRESS:
            meanwhile = "Mientras tanto el avance de la celda queda ilegible."
        elif kind in (col.PLANNED, col.EXECUTED, col.SCHEDULE):
            meanwhile = "Mientras tanto la cantidad no se cuenta."
        else:
            meanwhile = "Mientras tanto se guardó el texto de la fórmula."
        shown = formula if len(formula) <= _FORMULA_SHOWN else formula[:_FORMULA_SHOWN - 1] + "…"
        issues.append(Issue(AVISO, sheet.name, r + 1, column_letter(c), formula,
                            f"La celda tiene una fórmula sin resultado guardado ({shown}): ábrala y "
                            f"guárdela en Excel para que se calcule. {meanwhile}", "formula_sin_valor"))
    return issues


def _repeated_headers(table: Table) -> list[Issue]:
    """A header written twice ("Responsable" in C and in F): the first column
    is used, the second is kept as it is, under "Responsable (columna F)"."""
    issues = []
    first: dict[str, col.Column] = {}
    for column in table.columns:
        key = " / ".join(fold(p) for p in column.path)
        if not key:
            continue
        if key not in first:
            first[key] = column
            continue
        if column.kind != col.EXTRA:
            continue  # e.g. "Observaciones" after each period: each has its role
        used = first[key]
        both_kept = used.kind == col.EXTRA
        what = "se guardaron las dos" if both_kept else "se usó la primera"
        issues.append(Issue(INFO if both_kept else AVISO, table.sheet.name, table.header_end + 1,
                            column_letter(column.index), column.label,
                            f"El encabezado «{column.label}» está repetido (columnas "
                            f"{column_letter(used.index)} y {column_letter(column.index)}): {what}; "
                            f"la columna {column_letter(column.index)} se guardó tal cual, como "
                            f"«{table.extra_key(column)}». Si son lo mismo, deje una sola.",
                            "encabezado_repetido"))
    return issues


def _column_role(column: col.Column) -> str:
    """A short description of what a column was read as, for the preview
    ("extra ← " for a column without a header)."""
    return f"{col.role_of(column)} ← {' / '.join(column.path)}"


def _no_table_message(name: str, book: Workbook) -> str:
    sheets = ", ".join(f"«{s.name}»" for s in book.sheets) or "ninguna"
    return (f"No se encontró una tabla de actividades en «{name}» (hojas: {sheets}). El importador "
            "busca una fila de encabezados con al menos una columna de actividades («Actividad», "
            "«Acción», «Estrategia»…) y otra conocida («Responsable», «Fecha», «Meta», «Avance»…). "
            "Revise que el encabezado esté en una sola fila (o en 2–3 filas combinadas) y que la "
            "hoja no esté vacía.")


def _title_block(table: Table) -> TitleBlock:
    texts = []
    for r in range(table.header_start):
        row = table.sheet.values[r]
        texts.extend(t for t in (clean(v) for v in row) if t)
    return read_title_block(texts)


def _plan_year(block: TitleBlock, sheet_rows: list[SheetRows], plan: ParsedPlan) -> int | None:
    """Vigencia: written in the title block ("Vigencia 2025", or a year in the
    plan's title), or the year most due dates fall in, or the year most
    scheduled months fall in, or the latest date in the title block.

    A plan whose follow-up columns carry several years (a PDM plan indicativo
    2024–2027) names its cuatrienio in the title, not the vigencia: without
    «Vigencia 2025» the vigencia is the latest year with executed figures.
    """
    if block.vigencia:
        return block.vigencia
    years = set().union(*(values.followup_years(rows.table) for rows in sheet_rows))
    if len(years) >= 2:
        chosen = values.latest_reported_year(sheet_rows) or min(years)
        listed = ", ".join(str(y) for y in sorted(years))
        plan.issues.append(Issue(INFO, plan.sheets[0], None, None, None,
                                 f"El plan tiene columnas de seguimiento de varios años ({listed}) y no "
                                 f"dice la vigencia: se leyó {chosen}, el último año con valores "
                                 "ejecutados. Para leer otro año, indíquelo al importar (--vigencia).",
                                 "vigencia_por_columnas"))
        return chosen
    if block.title_year:
        return block.title_year
    dates = []
    schedule_years = []
    for rows in sheet_rows:
        for field in ("due_date", "start_date"):
            column = rows.table.column(field)
            if column is None:
                continue
            for raw in rows.activities:
                try:
                    found = parse_date(raw.cells.get(column.index))
                except (ValueError, TypeError):
                    found = None
                if found:
                    dates.append(found)
        for column in rows.table.columns:
            if column.kind == col.SCHEDULE and column.year:
                if any(column.index in raw.texts for raw in rows.activities):
                    schedule_years.append(date(column.year, 1, 1))
    return (values.majority_year(dates) or values.majority_year(schedule_years)
            or (max(block.date_years) if block.date_years else None))


def _other_years(plan: ParsedPlan, sheet_rows: list[SheetRows]) -> None:
    """Follow-up columns of other years than the vigencia: not read (their
    cells stay in each activity's extra data), listed with their year's role
    as unused (data_layer.preview.unused_reason) and reported once."""
    for rows in sheet_rows:
        table = rows.table
        other = values.keep_vigencia(table, plan.year)
        if not other:
            continue
        spans = []
        for year in sorted({c.year for c in other}):
            mine = [c for c in other if c.year == year]
            first, last = column_letter(mine[0].index), column_letter(mine[-1].index)
            spans.append(f"{year} ({first}–{last})" if first != last else f"{year} ({first})")
        plan.issues.append(Issue(INFO, table.sheet.name, table.header_rows[0], None, None,
                                 f"Se leyó el avance de la vigencia {plan.year}; las columnas de "
                                 f"{', '.join(spans)} no se leyeron como avance: se guardaron tal cual "
                                 "con cada fila, como datos adicionales.", "otros_anos"))


def _build_activities(plan: ParsedPlan, sheet_rows: list[SheetRows], corrections: Corrections) -> None:
    seq = 0
    for rows in sheet_rows:
        table = rows.table
        office_from_sheet = values.sheet_office(table, len(sheet_rows))
        months = values.schedule_years(table, plan.year)
        acts = []
        for raw in rows.activities:
            seq += 1
            act = new_activity(seq, table, raw)
            values.fill_fields(act, table, raw, rows.issues, plan.year)
            values.fill_phase(act, table, raw, rows.issues, corrections)
            values.fill_offices(act, table, raw, office_from_sheet, corrections)
            values.fill_schedule(act, table, raw, months, rows.issues)
            if table.sheet.errors:
                values.report_error_cells(table, raw, rows.issues)
            acts.append(act)
        values.progress_readings(rows, acts, plan.year)
        plan.activities.extend(acts)
        plan.issues.extend(rows.issues)
        plan.skipped_rows.extend(rows.skipped)
    _unify_offices(plan, corrections)


def _unify_offices(plan: ParsedPlan, corrections: Corrections) -> None:
    """One name per office over the whole plan ("Sec. Salud" in one row and
    "Secretaría de Salud" in another are one office); names from saved
    corrections stay as the person wrote them."""
    pinned = ((lambda office: corrections.office_for(office.raw) is not None)
              if corrections.offices else (lambda office: False))
    unify_offices(plan.activities, pinned)


def _plan_period(plan: ParsedPlan) -> None:
    dates = [d for a in plan.activities for d in (a.start_date, a.due_date) if d]
    dates += [month for a in plan.activities for month, _ in a.schedule]
    if dates:
        plan.period_start, plan.period_end = min(dates), max(dates)
    elif plan.year:
        plan.period_start, plan.period_end = date(plan.year, 1, 1), date(plan.year, 12, 31)


def _describe_layout(book: Workbook, tables: list[Table], plan: ParsedPlan) -> str:
    """A short, stable description of what was detected."""
    kinds = {c.kind for t in tables for c in t.columns}
    periods = sorted({c.period[0] for t in tables for c in t.columns
                      if c.kind in (col.PROGRESS, col.EXECUTED) and c.period})
    parts = [book.file_format, f"encabezado de {max(len(t.header_rows) for t in tables)} fila(s)"]
    if len(tables) > 1:
        parts.append(f"{len(tables)} hojas de actividades")
    if col.PHASE_MARK in kinds:
        parts.append("fase marcada con X")
    elif any(t.column("phase") for t in tables):
        parts.append("columna de fase")
    if col.SCHEDULE in kinds:
        parts.append("cronograma mensual")
    if col.PLANNED in kinds or col.EXECUTED in kinds:
        parts.append("programado vs. ejecutado")
    adjectives = {"trimestre": "trimestral", "cuatrimestre": "cuatrimestral", "semestre": "semestral",
                  "mes": "mensual", "anual": "anual"}
    parts.append("seguimiento " + ("/".join(adjectives.get(p, p) for p in periods) if periods
                                   else "sin columnas"))
    return "; ".join(parts)


def _report_missing(plan: ParsedPlan) -> None:
    if not plan.entity:
        plan.issues.append(Issue(AVISO, plan.sheets[0], None, None, None,
                                 "No se encontró el nombre de la entidad en el encabezado del archivo. "
                                 "Escriba «Entidad: …» encima de la tabla o indíquela al importar "
                                 "(--entidad).", "sin_entidad"))
    if not plan.year:
        plan.issues.append(Issue(AVISO, plan.sheets[0], None, None, None,
                                 "No se encontró la vigencia del plan (ni «Vigencia 2025» en el "
                                 "encabezado ni fechas en las actividades). Indíquela al importar "
                                 "(--vigencia); sin ella los cortes no tienen fecha.", "sin_vigencia"))
    if not plan.activities:
        plan.issues.append(Issue(ERROR, plan.sheets[0], None, None, None,
                                 "La tabla de actividades está vacía: no hay ninguna fila con el "
                                 "nombre de una actividad debajo del encabezado.", "sin_actividades"))
