"""Find the activity table of a sheet: its header rows and its columns."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from data_layer.corrections import Mapping, signature
from data_layer.ingest.columns import (EXTRA, PHASE_MARK, Column, apply_role, assign_fields,
                                       attach_period_notes, classify, header_score, is_header_text,
                                       is_subheader_token, one_column_per_period)
from data_layer.ingest.workbook import Sheet, column_letter
from data_layer.normalise.text import clean

HEADER_SEARCH_ROWS = 60  # title blocks are never longer than this
MARK_SAMPLE_ROWS = 300  # data rows looked at to tell X marks from figures
MAX_HEADER_ROWS = 3


@dataclass
class Table:
    sheet: Sheet
    header_start: int  # 0-based row of the first header row
    header_end: int  # 0-based row of the last header row
    columns: list[Column]
    # Column index → the key its text is kept under in ``extra`` (its header,
    # plus "(columna F)" when another column has the same header).
    extra_keys: dict[int, str] = field(default_factory=dict)
    signature: str = ""  # of its header rows: the key of a saved mapping
    mapped: bool = False  # read with a mapping a person saved

    def extra_key(self, column: Column) -> str:
        return self.extra_keys.get(column.index, column.label)

    @property
    def header_rows(self) -> list[int]:
        """1-based, as Excel shows them."""
        return list(range(self.header_start + 1, self.header_end + 2))

    def column(self, field_name: str) -> Column | None:
        if field_name is None:
            return next((c for c in self.columns if c.field is None), None)
        return self._by_field.get(field_name)

    # The columns are final once the table is found: the lookups below are
    # computed once per table instead of once per row.
    @cached_property
    def _by_field(self) -> dict[str, Column]:
        found: dict[str, Column] = {}
        for column in self.columns:
            if column.field is not None:
                found.setdefault(column.field, column)
        return found

    def of_kind(self, *kinds: str) -> list[Column]:
        """The columns of these kinds, left to right."""
        by_kind = self._by_kind
        if len(kinds) == 1:
            return by_kind.get(kinds[0], [])
        return [c for c in self.columns if c.kind in kinds]

    @cached_property
    def _by_kind(self) -> dict[str, list[Column]]:
        found: dict[str, list[Column]] = {}
        for column in self.columns:
            found.setdefault(column.kind, []).append(column)
        return found


def cell_text(sheet: Sheet, r: int, c: int) -> str | None:
    row = sheet.values[r] if r < len(sheet.values) else []
    return clean(row[c]) if c < len(row) else None


def merged_lookup(sheet: Sheet) -> dict[tuple[int, int], tuple[int, int]]:
    """Each covered cell of a merged area → its top-left cell."""
    lookup = {}
    for r1, c1, r2, c2 in sheet.merged:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 20_000:  # a whole-column merge: ignore
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    lookup[(r, c)] = (r1, c1)
    return lookup


def find_table(sheet: Sheet, mappings: dict[str, Mapping] | None = None) -> Table | None:
    """The header rows and columns of the sheet's activity table, or None.

    A saved mapping whose header rows appear in the sheet wins over detection:
    a person said what each column is.
    """
    saved = _saved_table(sheet, mappings) if mappings else None
    if saved:
        return saved
    start = _header_start(sheet)
    if start is None:
        return None
    end = _header_end(sheet, start)
    columns = table_columns(sheet, start, end)
    if not any(c.field == "name" for c in columns):
        return None
    return Table(sheet, start, end, columns, _extra_keys(columns),
                 signature=header_signature(sheet, start, end - start + 1))


def table_columns(sheet: Sheet, start: int, end: int) -> list[Column]:
    """What each column under header rows ``start``..``end`` (0-based) means."""
    columns = _columns(sheet, start, end)
    attach_period_notes(columns)
    assign_fields(columns)
    one_column_per_period(columns)
    _figures_are_not_marks(sheet, end, columns)
    return columns


def _figures_are_not_marks(sheet: Sheet, end: int, columns: list[Column]) -> None:
    """A column headed like a phase («Seguimiento», «Evaluación») whose cells
    are mostly figures (50, 0,75, «80 %») holds progress, not X marks: it is
    kept as it is (EXTRA), so no activity gets a phase the plan never declared."""
    for column in columns:
        if column.kind != PHASE_MARK:
            continue
        figures = marks = 0
        for r in range(end + 1, min(len(sheet.values), end + 1 + MARK_SAMPLE_ROWS)):
            row = sheet.values[r]
            value = row[column.index] if column.index < len(row) else None
            text = clean(value)
            if text is None:
                continue
            if _is_figure(value, text):
                figures += 1
            else:
                marks += 1
        if figures > marks:
            column.kind, column.phase = EXTRA, None


def _is_figure(value: object, text: str) -> bool:
    """A progress figure, not a mark: a number other than 1, or a percentage."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value != 1
    return "%" in text or text.replace(",", "", 1).replace(".", "", 1).isdigit() and text != "1"


def header_signature(sheet: Sheet, start: int, rows: int) -> str:
    """The key of a saved mapping: the header texts of rows ``start``… (0-based)."""
    grid, _ = _header_grid(sheet, start, start + rows - 1)
    return signature(grid)


def header_labels(sheet: Sheet, start: int, rows: int) -> dict[str, str]:
    """Column letter → header text, for a person choosing roles by hand."""
    return {column_letter(c.index): c.label for c in _columns(sheet, start, start + rows - 1) if c.path}


def _saved_table(sheet: Sheet, mappings: dict[str, Mapping]) -> Table | None:
    counts = sorted({m.header_rows for m in mappings.values()})
    for start in range(min(HEADER_SEARCH_ROWS, len(sheet.values))):
        for rows in counts:
            if start + rows > len(sheet.values):
                break  # a short sheet (a list, a hidden helper) cannot hold these header rows
            mapping = mappings.get(header_signature(sheet, start, rows))
            if mapping is None:
                continue
            end = start + rows - 1
            columns = [apply_role(c, mapping.roles.get(column_letter(c.index), "extra"))
                       for c in _columns(sheet, start, end)]
            if any(c.field == "name" for c in columns):
                return Table(sheet, start, end, columns, _extra_keys(columns),
                             signature=mapping.signature, mapped=True)
    return None


def _extra_keys(columns: list[Column]) -> dict[int, str]:
    """Unique keys for the texts kept in ``extra``: two columns with the same
    header must not overwrite each other."""
    keys: dict[int, str] = {}
    seen: set[str] = set()
    for column in columns:
        key = column.label
        if key in seen:
            key = f"{column.label} (columna {column_letter(column.index)})"
        seen.add(key)
        keys[column.index] = key
    return keys


def row_texts(sheet: Sheet, r: int) -> tuple[str, ...]:
    """The non-empty cleaned texts of row ``r`` (0-based) in column order.

    The header search, the sub-header rows and the form check all read the
    same first rows: each row is cleaned once per sheet. The texts depend on
    the cells only, which are not changed once the workbook is read; a tuple,
    so no caller can change what the next one gets.
    """
    texts = sheet.row_texts.get(r)
    if texts is None:
        row = sheet.values[r] if r < len(sheet.values) else ()
        texts = sheet.row_texts[r] = tuple(t for t in (clean(v) for v in row) if t)
    return texts


def _header_start(sheet: Sheet) -> int | None:
    """The first of the first :data:`HEADER_SEARCH_ROWS` rows whose header score
    reaches 60 % of the best one (at least 2); None if none scores 2.

    Only the comparisons are needed, and a row's texts are checked one by one
    until its answer is certain (:func:`_scores_at_least`): a row of activity
    texts under a header of 8 known columns is dropped after its first few
    cells, not read whole as a header candidate.
    """
    rows = range(min(HEADER_SEARCH_ROWS, len(sheet.values)))
    candidates = []  # rows of at least two distinct texts
    for r in rows:
        texts = row_texts(sheet, r)
        if len(set(texts)) >= 2:
            candidates.append((r, texts))
    best = 0
    for _r, texts in candidates:
        if len(texts) > best and _scores_at_least(texts, best + 1):
            best = header_score(texts)
    if best < 2:
        return None
    threshold = max(2, int(0.6 * best))
    return next(r for r, texts in candidates if _scores_at_least(texts, threshold))


def _scores_at_least(texts: tuple[str, ...], needed: int) -> bool:
    """Whether ``header_score(texts) >= needed``, reading no more texts than it takes."""
    found, left = 0, len(texts)
    for text in texts:
        if found >= needed or found + left < needed:
            break
        found += is_header_text(text)
        left -= 1
    return found >= needed


def _header_end(sheet: Sheet, start: int) -> int:
    end = start
    for r1, _, r2, _ in sheet.merged:
        if r1 == start and r2 > end:
            end = r2
    end = min(end, start + MAX_HEADER_ROWS - 1)
    while end - start < MAX_HEADER_ROWS - 1 and end + 1 < len(sheet.values):
        texts = row_texts(sheet, end + 1)
        if not texts or not all(is_subheader_token(t) for t in texts):
            break
        end += 1
    return end


def _columns(sheet: Sheet, start: int, end: int) -> list[Column]:
    grid, width = _header_grid(sheet, start, end)
    columns = []
    for c in range(width):
        path: list[str] = []
        for row in grid:
            text = row[c]
            if text and (not path or path[-1] != text):
                path.append(text)
        columns.append(classify(c, tuple(path)))
    return columns


def _header_grid(sheet: Sheet, start: int, end: int) -> tuple[list[list[str | None]], int]:
    """The header texts of rows start..end, merged areas spread over their cells."""
    merged = merged_lookup(sheet)
    width = max((len(sheet.values[r]) for r in range(start, end + 1)), default=0)
    width = max([width] + [c2 + 1 for r1, _, _, c2 in sheet.merged if start <= r1 <= end])
    grid = []
    for r in range(start, end + 1):
        row = []
        for c in range(width):
            source = merged.get((r, c))
            # A vertical merge inside the header is one header, not a parent
            # and a child with the same text.
            if source and source[1] == c:
                row.append(None)
            else:
                row.append(cell_text(sheet, *(source or (r, c))))
        grid.append(row)
    _fill_unmerged_parents(grid)
    return grid, width


def _fill_unmerged_parents(grid: list[list[str | None]]) -> None:
    """Spread a parent header over its children when it was not merged.

    CSV exports and some workbooks write "MES" once above the 12 month
    columns; a blank parent cell whose column has a child header, next to a
    parent that has children too, belongs to that parent.
    """
    for level in range(len(grid) - 1):
        parent, below = grid[level], grid[level + 1:]
        for c in range(1, len(parent)):
            has_child = any(row[c] for row in below)
            left_has_child = any(row[c - 1] for row in below)
            if parent[c] is None and parent[c - 1] and has_child and left_has_child:
                parent[c] = parent[c - 1]
