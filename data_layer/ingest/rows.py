"""Turn the data rows of a table into activities, or into report entries.

Every non-empty row below the header ends up either as an ``Activity`` or as
a ``SkippedRow`` with its reason; every cell whose content could not be used
becomes an ``Issue`` naming sheet, row, column and value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from data_layer.ingest import columns as col
from data_layer.ingest.columns import phase_heading
from data_layer.ingest.table import Table
from data_layer.ingest.workbook import column_letter
from data_layer.model import AVISO, Activity, Issue, SkippedRow
from data_layer.normalise.text import clean, fold

# "1.", "1.1", "2.3.1)" at the start of an activity's text is its code.
_CODE_RE = re.compile(r"^\s*(\d{1,3}(?:\s?\.\s?\d{1,3}){0,3})\s*[.)\-]?\s+(?=[^\d\s])")
_FOOTER_WORDS = ("elaboro", "reviso", "aprobo", "firma", "vo bo", "proyecto", "www", "calle",
                 "carrera", "codigo postal", "telefono", "correo", "nit")
_TOTAL_WORDS = ("total", "totales", "promedio", "subtotal")


@dataclass
class RawActivity:
    """One activity row with its raw cells, before values are interpreted."""

    row: int  # 0-based
    cells: dict[int, object]  # column index → value (merged areas filled)
    context_group: str | None = None  # from a group title row above it
    context_phase: str | None = None
    # Column index → ``clean(value)`` of every cell in ``cells`` (all of them
    # non-empty), computed once so the value readers need not clean again.
    texts: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.cells):
            self.texts = {c: t for c, v in self.cells.items() if (t := clean(v)) is not None}


@dataclass
class SheetRows:
    table: Table
    activities: list[RawActivity] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def split_rows(table: Table) -> SheetRows:
    """Sort the data rows into activity rows and skipped rows."""
    sheet = table.sheet
    out = SheetRows(table)
    merged = _merges_by_row(sheet)
    name_col = table.column("name").index
    fill_down = {c.index for c in table.columns if c.field in ("group", "phase")}
    last: dict[int, object] = {}
    group = phase = None
    last_text: dict[int, str] = {}
    for r in range(table.header_end + 1, len(sheet.values)):
        cells, texts = _row_cells(sheet, r, merged)
        if not cells:
            continue
        name = texts.get(name_col)
        if name is not None and _is_total(name):
            out.skipped.append(SkippedRow(sheet.name, r + 1, "Fila de totales o promedios: no es una "
                                          "actividad.", _content(texts)))
            continue
        if name is None or _is_title_row(r, texts, name_col, merged):
            group, phase = _skip_row(out, table, r, texts, group, phase)
            continue
        if r in sheet.hidden_rows:
            out.issues.append(Issue(AVISO, sheet.name, r + 1, None, name,
                                    "La fila está oculta en Excel; se importó igual. Muéstrela o "
                                    "bórrela si no es parte del plan.", "fila_oculta"))
        for c in fill_down:
            if c not in texts and c in last:
                cells[c], texts[c] = last[c], last_text[c]
            elif c in texts:
                last[c], last_text[c] = cells[c], texts[c]
        out.activities.append(RawActivity(r, cells, group, phase, texts))
    _relabel_footer(out)
    return out


def _relabel_footer(out: SheetRows) -> None:
    """A lone text after the last activity titles nothing: it is a footer."""
    last = out.activities[-1].row + 1 if out.activities else 0
    for skipped in out.skipped:
        if skipped.row > last and skipped.reason.startswith("Título de grupo"):
            skipped.reason = "Pie de página (después de la última actividad): no es una actividad."


@dataclass
class _RowMerges:
    carried: list[tuple[int, int]] = field(default_factory=list)  # (column, source row) from above
    spans: int = 0  # merged areas that start in this row and span columns


def _merges_by_row(sheet) -> dict[int, _RowMerges]:
    """For each row, the merged areas that touch it (computed once per sheet)."""
    by_row: dict[int, _RowMerges] = {}
    for r1, c1, r2, c2 in sheet.merged:
        if c2 > c1:
            by_row.setdefault(r1, _RowMerges()).spans += 1
        for r in range(r1 + 1, min(r2, r1 + 5000) + 1):
            by_row.setdefault(r, _RowMerges()).carried.append((c1, r1))
    return by_row


_NO_MERGES = _RowMerges()


def _row_cells(sheet, r: int, merged: dict[int, _RowMerges]) -> tuple[dict[int, object], dict[int, str]]:
    """The row's non-empty cells: column → value, and column → ``clean(value)``."""
    cells: dict[int, object] = {}
    texts: dict[int, str] = {}
    for c, value in enumerate(sheet.values[r]):
        if value is not None and (text := clean(value)) is not None:
            cells[c] = value
            texts[c] = text
    if not cells:
        return cells, texts  # only carried-down merged values: not a row of its own
    # Vertically merged cells (a group or phase spanning several activities)
    # repeat their value on every row they cover.
    for c1, r1 in merged.get(r, _NO_MERGES).carried:
        value = sheet.values[r1][c1] if c1 < len(sheet.values[r1]) else None
        if value is not None and (text := clean(value)) is not None:
            cells[c1] = value
            texts[c1] = text
    return cells, texts


def _is_total(name: str) -> bool:
    words = fold(name).split()
    return bool(words) and words[0] in _TOTAL_WORDS and len(words) <= 3


def _content(texts: dict[int, str]) -> str:
    return " | ".join(dict.fromkeys(t for _, t in sorted(texts.items()) if t))


def _is_title_row(r, texts: dict[int, str], name_col, merged) -> bool:
    """A lone text spanning the table: the title of the group below it."""
    distinct = set(texts.values())
    if len(distinct) != 1:
        return False
    text = distinct.pop()
    if phase_heading(text):
        return True
    return merged.get(r, _NO_MERGES).spans >= 1 and name_col in texts


def _skip_row(out: SheetRows, table: Table, r: int, cell_texts: dict[int, str], group, phase):
    sheet = table.sheet
    texts = [t for _, t in sorted(cell_texts.items())]
    content = _content(cell_texts)
    folded = fold(content)
    distinct = {t for t in texts if t}
    if len(distinct) == 1 and len(content) <= 200 and not any(w in folded for w in _FOOTER_WORDS):
        text = distinct.pop()
        found = phase_heading(text)
        reason = f"Título de grupo «{text}»: se aplicó como grupo de las actividades siguientes."
        out.skipped.append(SkippedRow(sheet.name, r + 1, reason, content))
        if found:
            return text, text
        return text, phase
    if folded.split()[:1] and folded.split()[0] in _TOTAL_WORDS:
        reason = "Fila de totales o promedios: no es una actividad."
    elif any(w in folded for w in _FOOTER_WORDS):
        reason = "Firmas o pie de página: no es una actividad."
    else:
        letter = column_letter(table.column("name").index)
        reason = (f"La fila no tiene actividad (columna {letter} vacía): no se importó. "
                  "Si es una actividad, escriba su nombre en esa columna.")
    out.skipped.append(SkippedRow(sheet.name, r + 1, reason, content))
    return group, phase


def split_code(name: str) -> tuple[str | None, str]:
    """"1.1 Ejercicios…" → ("1.1", "Ejercicios…")."""
    match = _CODE_RE.match(name)
    if not match:
        return None, name
    return re.sub(r"\s", "", match.group(1)).rstrip("."), name[match.end():].strip()


def letter(column: col.Column) -> str:
    return column_letter(column.index)


def cell_issue(severity: str, table: Table, raw: RawActivity, column: col.Column,
               value: object, message: str, code: str) -> Issue:
    return Issue(severity, table.sheet.name, raw.row + 1, letter(column),
                 None if value is None else str(value)[:500], message, code)


def describe_extra(table: Table, raw: RawActivity) -> dict[str, str]:
    """Every EXTRA column of the row, by header label, so nothing is lost."""
    extra = {}
    texts = raw.texts
    for column in table.of_kind(col.EXTRA):
        value = texts.get(column.index)
        if value is not None:
            extra[table.extra_key(column)] = value
    return extra


def new_activity(seq: int, table: Table, raw: RawActivity) -> Activity:
    name_col = table.column("name")
    name = raw.texts[name_col.index]  # a row without a name is never an activity
    code_col = table.column("code")
    code = raw.texts.get(code_col.index) if code_col else None
    # A meta used as the name starts with its number («12 informes publicados»): no code there.
    found, rest = (None, name) if getattr(name_col, "name_fallback", False) else split_code(name)
    if found and rest:
        code, name = code or found, rest
    return Activity(seq=seq, name=name, sheet=table.sheet.name, row=raw.row + 1, code=code,
                    extra=describe_extra(table, raw))

