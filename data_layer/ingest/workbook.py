"""Read a spreadsheet file into plain grids of cells, whatever its format.

The rest of the importer never sees openpyxl, calamine or csv: it gets a list
of ``Sheet`` (values, number formats, merged areas, hidden flags). Readers
refuse what they cannot read with one Spanish ``PlanFileError``.

- .xlsx / .xlsm: the result of openpyxl's read-only mode (it keeps each
  cell's number format, which decides whether 0.25 means 25 % — calamine
  drops it), obtained faster by ``xlsx_fast``: openpyxl still reads the
  workbook parts (styles, sheets, epoch), the cells and shared strings are
  scanned from the XML with openpyxl's own conversions, and any part outside
  the forms the scanner knows is read by openpyxl's read-only cells as before
  (``_read_sheet_openpyxl``, also the reference the tests compare against).
  Merged areas and hidden rows are read from the sheet XML, which read-only
  mode skips.
- .xls / .ods: python-calamine (openpyxl cannot read them). An .ods is
  measured from its XML before calamine expands it (repeated rows and
  columns can declare billions of cells in a few bytes).
- .csv / .txt: the encoding and the separator are detected; a file whose
  lines come in different encodings is read line by line (and reported).

Hostile files are bounded: the file size, the unpacked size of a zip, the
rows of a sheet and the cells a reader builds all have a ceiling, and a file
over one is refused with a Spanish message before it exhausts the server.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from data_layer.errors import PlanFileError

# A workbook is refused before it is expanded when its parts would unpack to
# more than this (a "zip bomb": a tiny file with a huge uncompressed size).
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit; longer text is cut and reported
MAX_COLUMNS = 400  # data further right is not read (and is reported)
MAX_FILE_BYTES = 100 * 1024 * 1024  # real plans weigh a few MB
MAX_ROWS = 1_048_576  # Excel's own limit
# Cells a reader may build for one file, counting the blanks between data (a
# stray character in row 1.048.576 makes a million rows). The biggest real
# plan is far below: 100.000 activities × 40 columns is 4 million.
MAX_CELLS = 5_000_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Sheet:
    name: str
    values: list[list[object]]  # row-major, 0-based; trailing empties trimmed
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # non-General only
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 (0-based, inclusive)
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    errors: set[tuple[int, int]] = field(default_factory=set)  # cells holding #DIV/0!, #REF!...
    truncated: list[tuple[int, int, int]] = field(default_factory=list)  # (row, col, original length)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (code, Spanish message) to report
    # (row, col) → "=formula" of cells whose formula has no saved result; the
    # formula's text is their value (xlsx only).
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    controls: list[tuple[int, int]] = field(default_factory=list)  # (row, col) of cells cleaned of control characters
    # row → its non-empty cleaned texts, filled by ingest.table.row_texts (each
    # of the first rows is read by several checks)
    row_texts: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False,
                                                  compare=False)


@dataclass
class Workbook:
    file_format: str
    sheets: list[Sheet]
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only


def es_number(number: int) -> str:
    """12345678 → "12.345.678", as Colombian readers write it."""
    return f"{number:,}".replace(",", ".")


def too_large_message(name: str, size: int) -> str:
    return (f"El archivo «{name}» pesa {es_number(round(size / 1024 / 1024))} MB; el máximo es "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB (un plan real pesa unos pocos MB). Guarde una "
            "copia sólo con las hojas del plan.")


def read_workbook(path: Path, data: bytes | None = None) -> Workbook:
    """Read ``path`` (or ``data`` named like ``path``) into grids of cells."""
    name = Path(path).name
    if data is None:
        try:
            size = Path(path).stat().st_size
            if size > MAX_FILE_BYTES:
                raise PlanFileError(too_large_message(name, size))
            data = Path(path).read_bytes()
        except OSError as exc:
            raise PlanFileError(f"No se pudo abrir el archivo «{name}»: {exc.strerror}.") from exc
    if len(data) > MAX_FILE_BYTES:
        raise PlanFileError(too_large_message(name, len(data)))
    if not data.strip():
        raise PlanFileError(f"El archivo «{name}» está vacío: no tiene ninguna hoja ni celda.")
    suffix = Path(path).suffix.lower()
    if data.startswith(OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise PlanFileError(
                f"El archivo «{name}» está protegido con contraseña. Ábralo en Excel, quite la "
                "contraseña (Archivo › Información › Proteger libro) y vuelva a cargarlo.")
        return _read_calamine(name, data, "xls")
    if data.startswith(ZIP_MAGIC):
        archive = _check_zip(name, data)  # opened once: the checks and the read share it
        if suffix in (".ods",) or b"mimetypeapplication/vnd.oasis.opendocument" in data[:200]:
            hidden_rows = _scan_ods(name, data)
            book = _read_calamine(name, data, "ods")
            for sheet in book.sheets:
                sheet.hidden_rows = hidden_rows.get(sheet.name, set())
            return book
        if suffix == ".xlsb" or _is_xlsb(data, archive):
            # calamine builds a dense grid for .xlsb with no ceiling: one cell
            # written at XFD1048576 would allocate 17 billion cells.
            raise PlanFileError(
                f"El archivo «{name}» es un libro binario de Excel (.xlsb), que no se puede cargar. "
                "Ábralo en Excel y guárdelo como «Libro de Excel (.xlsx)».")
        return _read_xlsx(name, data, archive=archive)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"):
        raise PlanFileError(
            f"El archivo «{name}» no es una hoja de cálculo aunque su nombre termine en {suffix} "
            "(quizá se renombró un PDF, un Word o una página web). Ábralo en Excel y guárdelo "
            "como «Libro de Excel (.xlsx)».")
    return _read_csv(name, data)


def _check_zip(name: str, data: bytes) -> zipfile.ZipFile:
    """The archive of ``data``, refused when broken or a decompression bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise PlanFileError(
            f"El archivo «{name}» está dañado o incompleto (no se puede descomprimir). "
            "Vuelva a descargarlo o a guardarlo desde Excel.") from exc
    total = sum(info.file_size for info in infos)
    suspicious_ratio = total > 50 * 1024 * 1024 and total > MAX_COMPRESSION_RATIO * len(data)
    if total > MAX_UNCOMPRESSED_BYTES or suspicious_ratio:
        raise PlanFileError(
            f"El archivo «{name}» se expandiría a {es_number(round(total / 1024 / 1024))} MB al abrirlo; "
            "se rechazó para proteger el servidor. Guarde una copia sólo con las hojas del plan.")
    return archive


def _is_xlsb(data: bytes, archive: zipfile.ZipFile | None = None) -> bool:
    try:
        archive = archive if archive is not None else zipfile.ZipFile(io.BytesIO(data))
        return any(n.endswith(".bin") and n.startswith("xl/worksheets/") for n in archive.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError):
        return False


class _Budget:
    """Counts the cells a reader builds and stops it before it builds too many."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cells = 0

    def spend(self, sheet: str, cells: int) -> None:
        self.cells += cells
        if self.cells > MAX_CELLS:
            raise PlanFileError(too_many_cells_message(self.name, sheet))


def too_many_cells_message(name: str, sheet: str | None) -> str:
    where = f"al llegar a la hoja «{sheet}» ya suma" if sheet else "suma"
    return (f"El archivo «{name}» es demasiado grande para ser un plan: {where} "
            f"más de {es_number(MAX_CELLS)} celdas (contando las vacías que quedan entre los "
            "datos) y se dejó de leer para proteger el servidor. Si hay algo escrito muy abajo o muy "
            "a la derecha de la tabla, bórrelo; si no, divida el plan en varios archivos.")


def _too_many_rows(name: str, sheet: str) -> PlanFileError:
    return PlanFileError(
        f"La hoja «{sheet}» de «{name}» dice tener filas después de la {es_number(MAX_ROWS)}, el "
        "máximo de Excel: el archivo está dañado o fue fabricado a propósito. Ábralo en Excel y "
        "guárdelo de nuevo.")


def _note_beyond(sheet: Sheet, r: int, c: int) -> None:
    """Data right of MAX_COLUMNS is not read: say so once per sheet."""
    if any(code == "columnas_no_leidas" for code, _ in sheet.notes):
        return
    sheet.notes.append(("columnas_no_leidas",
                        f"La hoja tiene datos después de la columna {column_letter(MAX_COLUMNS - 1)} "
                        f"(la primera en {column_letter(c)}{r + 1}); sólo se leen las primeras "
                        f"{MAX_COLUMNS} columnas. Si esos datos son parte del plan, acérquelos a la tabla."))


# Control characters no spreadsheet can hold (XML forbids them; openpyxl
# refuses to write them, so an export would fail). A CSV or an old .xls can
# bring them: they are removed from the text and reported.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clip(sheet: Sheet, r: int, c: int, value: object) -> object:
    if not isinstance(value, str):
        return value
    if len(value) > MAX_CELL_CHARS:
        sheet.truncated.append((r, c, len(value)))
        value = value[:MAX_CELL_CHARS]
    if _CONTROL_RE.search(value):
        sheet.controls.append((r, c))
        value = _CONTROL_RE.sub("", value)
    return value


def _bounded_merges(name: str, sheet: Sheet, merged: list[tuple[int, int, int, int]],
                    budget: _Budget) -> list[tuple[int, int, int, int]]:
    """Merged areas cut to the cells that exist, each once.

    The importer expands merged areas cell by cell; a fabricated sheet can
    declare thousands of overlapping areas thousands of rows long. What is
    left after cutting counts against the cell ceiling.
    """
    last_row = len(sheet.values) - 1
    kept = set()
    for r1, c1, r2, c2 in merged:
        r2, c2 = min(r2, last_row), min(c2, MAX_COLUMNS - 1)
        if 0 <= r1 <= r2 and 0 <= c1 <= c2:
            kept.add((r1, c1, r2, c2))
    budget.spend(sheet.name, sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2 in kept))
    return sorted(kept)


_NO_CELLS: list[object] = []  # shared by every empty row: rows are never modified


def _trim(rows: list[list[object]]) -> list[list[object]]:
    out = []
    for row in rows:
        if row is _NO_CELLS:  # (most rows of a sheet with something written far below)
            out.append(row)
            continue
        end = min(len(row), MAX_COLUMNS)
        while end and (row[end - 1] is None or row[end - 1] == ""):
            end -= 1
        out.append(_NO_CELLS if not end else row if end == len(row) else list(row[:end]))
    while out and not out[-1]:
        out.pop()
    return out


# ---------------------------------------------------------------- xlsx
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_HIDDEN_ROW_RE = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"')
_HIDDEN_ROW_RE2 = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="(\d+)"')
# A cell holding a formula: (cell attributes, <f> attributes, formula text,
# an empty <v>, "</c>" when nothing else follows). A formula with no result
# saved (no <v>, or an empty one) comes from programs that never calculated
# the file; data_only reads None there.
_FORMULA_CELL_RE = re.compile(
    rb'<(?:\w+:)?c\b([^>]*?)>\s*<(?:\w+:)?f\b([^>]*?)(?:/>|>([^<]*)</(?:\w+:)?f>)'
    rb'\s*(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*(</(?:\w+:)?c>)?')
_CELL_REF_RE = re.compile(rb'(?:^|\s)r="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_TYPE_RE = re.compile(rb'(?:^|\s)t="([A-Za-z]+)"')
_SHARED_RE = re.compile(rb'(?:^|\s)si="([0-9]+)"')
_SHEET_DATA_RE = re.compile(rb'<(?:\w+:)?sheetData\b')
_SHEET_DATA_END_RE = re.compile(rb'</(?:\w+:)?sheetData>')


def column_index(letters: str | bytes) -> int:
    """'A' → 0, 'AA' → 26."""
    if isinstance(letters, bytes):
        letters = letters.decode()
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letter(index: int) -> str:
    """0 → 'A', 26 → 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _read_xlsx(name: str, data: bytes, *, fast: bool = True,
               fallbacks: list[str] | None = None, tier: int = 1,
               archive: zipfile.ZipFile | None = None) -> Workbook:
    """Read an .xlsx/.xlsm.

    ``fast`` (the default) reads the shared strings and each sheet's cells
    with ``xlsx_fast`` (regular expressions over the XML, openpyxl's
    conversions): about seven times faster than openpyxl's read-only cells on
    a 50.000-activity workbook, with the very same result; a part it does not
    support is read by openpyxl as before (``_read_sheet_openpyxl``).
    ``fast=False`` is that reference path alone. ``fallbacks`` (tests,
    benchmarks) collects why a part fell back; ``tier=2`` skips
    ``xlsx_fast``'s first tier (tests).
    """
    import openpyxl  # imported here: only xlsx needs it

    from data_layer.ingest import xlsx_fast

    try:
        if fast:
            book = xlsx_fast.open_workbook(data, fallbacks)
        else:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise PlanFileError(_not_xlsx_message(name)) from exc
    if archive is None:  # else the same data, already opened by the checks
        archive = zipfile.ZipFile(io.BytesIO(data))
    sheet_paths = _xlsx_sheet_paths(archive)
    budget = _Budget(name)
    reader = xlsx_fast.SheetReader(book) if fast else None
    sheets = []
    try:
        for ws in book.worksheets:
            sheet = xml = None
            if reader is not None:
                spent = budget.cells
                try:
                    xml = archive.read(ws._worksheet_path)
                    sheet = reader.read_sheet(name, ws, xml, budget, tier)
                except PlanFileError:
                    raise
                except Exception as exc:  # noqa: BLE001 — xlsx_fast.Unsupported, or what openpyxl reports itself
                    if fallbacks is not None:
                        fallbacks.append(f"{ws.title}: {type(exc).__name__} {exc}")
                    budget.cells = spent
                    sheet = None
                    xlsx_fast.resolve_size(ws)
            scan = None
            if sheet is None:
                sheet = _read_sheet_openpyxl(name, ws, budget)
            else:
                scan = reader.scan
            xml_path = sheet_paths.get(ws.title)
            if xml_path:
                if xml is None or xml_path != ws._worksheet_path:
                    xml, scan = archive.read(xml_path), None
                if scan is None:  # search the whole XML
                    parts = (xml,)
                    row_parts = (xml,)
                else:  # only where the patterns can match (see xlsx_fast.Scan): same result
                    parts = (scan.head, scan.tail)
                    row_parts = (scan.head, scan.row_tags, scan.tail)
                if b"<f" in xml or b":f" in xml:
                    # Before the merged areas, which are cut to the rows that exist.
                    _keep_formulas_without_value(sheet, xml if scan is None or scan.formulas else b"", budget)
                sheet.merged = _bounded_merges(name, sheet, [m for part in parts for m in _xlsx_merged(part)],
                                               budget)
                sheet.hidden_rows = {int(m) - 1 for part in row_parts for m in _HIDDEN_ROW_RE.findall(part)} | {
                    int(m) - 1 for part in row_parts for m in _HIDDEN_ROW_RE2.findall(part)}
            xml = scan = None
            sheets.append(sheet)
        if reader is not None:
            for ws in book.worksheets:  # the sizes no read settled (see xlsx_fast.open_workbook)
                xlsx_fast.resolve_size(ws)
    except Exception as exc:  # noqa: BLE001 — reported below, after the sizes openpyxl reads first
        failure = exc
    else:
        failure = None
    finally:
        if fallbacks is not None and reader is not None:
            fallbacks.extend(f"second tier: {why}" for why in reader.second_tier)
    try:
        if failure is None:
            return Workbook("xlsx", sheets)
        sheets = sheet = xml = scan = None  # (a refused file's cells need no memory now)
        if reader is not None:
            # openpyxl reads each sheet's declared size when it opens the book,
            # so a sheet it refuses there is reported before anything else.
            failure.__traceback__ = None  # nor the frames of the read that failed
            try:
                for other in book.worksheets:
                    xlsx_fast.resolve_size(other)
            except Exception as size_exc:
                raise PlanFileError(_not_xlsx_message(name)) from size_exc
        if isinstance(failure, PlanFileError):
            raise failure
        raise PlanFileError(
            f"No se pudo leer «{name}»: el libro está dañado ({type(failure).__name__}). "
            "Ábralo en Excel y guárdelo de nuevo.") from failure
    finally:
        book.close()


def _not_xlsx_message(name: str) -> str:
    return (f"No se pudo leer «{name}» como libro de Excel: el archivo está dañado o no es un "
            ".xlsx válido. Ábralo en Excel y guárdelo de nuevo como «Libro de Excel (.xlsx)».")


def _read_sheet_openpyxl(name: str, ws, budget: _Budget) -> Sheet:
    """The cells of one sheet through openpyxl's read-only cells (the reference)."""
    sheet = Sheet(name=ws.title, values=[], hidden=ws.sheet_state != "visible")
    # The <dimension> a file declares may be wrong (stale, or huge on
    # purpose); read-only mode would drop the rows and columns outside
    # it or pad every row to it. Read the cells that are really there.
    ws.reset_dimensions()
    rows = []
    for r, row in enumerate(ws.iter_rows()):
        if r >= MAX_ROWS:
            raise _too_many_rows(name, ws.title)
        budget.spend(ws.title, 1 + len(row))
        if not row:  # a blank row between data rows
            rows.append(_NO_CELLS)
            continue
        if len(row) > MAX_COLUMNS:
            beyond = next((c for c, cell in enumerate(row[MAX_COLUMNS:], MAX_COLUMNS)
                           if getattr(cell, "value", None) not in (None, "")), None)
            if beyond is not None:
                _note_beyond(sheet, r, beyond)
        values = []
        for c, cell in enumerate(row[:MAX_COLUMNS]):
            value = getattr(cell, "value", None)
            if value is None:
                values.append(None)
                continue
            if getattr(cell, "data_type", None) == "e":
                sheet.errors.add((r, c))
            fmt = getattr(cell, "number_format", "General")
            if fmt and fmt != "General":
                sheet.formats[(r, c)] = fmt
            values.append(_clip(sheet, r, c, value))
        rows.append(values)
    sheet.values = _trim(rows)
    return sheet


def _keep_formulas_without_value(sheet: Sheet, xml: bytes, budget: _Budget) -> None:
    """Cells of <sheetData> holding a formula with no result saved keep the
    formula's text ("=CONCATENATE(A2,B2)") instead of reading empty, so their
    row is not lost; ``sheet.formulas`` lists them for the import report.

    An empty result of a text formula (t="str" with <v></v>, as Excel saves
    =SI(A2="";"";…)) is a saved result, not a missing one. The cells of a
    shared formula that carry no text get the first cell's formula moved to
    their place, as Excel shows it.
    """
    start = _SHEET_DATA_RE.search(xml)
    end = _SHEET_DATA_END_RE.search(xml, start.end()) if start else None
    if not start or not end:
        return
    masters: dict[bytes, tuple[str, str]] = {}  # shared index → (formula, its cell)
    missing: list[tuple[int, int, str, bytes | None, str]] = []
    for cell, f_attributes, text, empty_v, closed in _FORMULA_CELL_RE.findall(xml, start.end(), end.start()):
        ref = _CELL_REF_RE.search(cell)
        if ref is None:
            continue
        letters, number = ref.group(1).decode(), ref.group(2).decode()
        shared = _SHARED_RE.search(f_attributes)
        formula = _xml_unescape(text.decode("utf-8", "replace")).strip()
        if shared and formula:
            masters.setdefault(shared.group(1), (formula, letters + number))
        kind = _CELL_TYPE_RE.search(cell)
        if not closed or (empty_v and kind and kind.group(1) == b"str"):
            continue  # a saved result, maybe an empty text
        r, c = int(number) - 1, column_index(letters)
        if r < MAX_ROWS and c < MAX_COLUMNS:
            missing.append((r, c, formula, shared.group(1) if shared else None, letters + number))
    rows = sheet.values
    for r, c, formula, shared, ref in missing:
        if not formula and shared in masters:
            formula = _moved_formula(*masters[shared], ref)
        if not formula:
            continue
        text = _clip(sheet, r, c, "=" + formula)
        if r >= len(rows):  # rows read but trimmed as empty (or a cell whose r="…" says so)
            budget.spend(sheet.name, r + 1 - len(rows))
            rows.extend([_NO_CELLS] * (r + 1 - len(rows)))
        row = rows[r] = list(rows[r])  # (a copy: empty rows share one list)
        if c >= len(row):
            row.extend([None] * (c + 1 - len(row)))
        if row[c] is None:
            row[c] = text
            sheet.formulas[(r, c)] = text


def _moved_formula(formula: str, origin: str, ref: str) -> str:
    """A shared formula as it reads in another of its cells (A2*2 → A3*2)."""
    from openpyxl.formula.translate import Translator

    try:
        return Translator("=" + formula, origin=origin).translate_formula(ref)[1:]
    except Exception:  # noqa: BLE001 — a formula openpyxl cannot move: shown as written
        return formula


def _xlsx_sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → path of its XML part inside the package."""
    try:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    except KeyError:
        return {}
    targets = dict(re.findall(r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets.update({rid: t for t, rid in re.findall(r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    paths = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*/>", workbook):
        title = re.search(r'name="([^"]*)"', tag)
        rid = re.search(r'r:id="([^"]*)"', tag) or re.search(r'\bid="([^"]*)"', tag)
        if title and rid and rid.group(1) in targets:
            target = targets[rid.group(1)].lstrip("/")
            if not target.startswith("xl/"):
                target = "xl/" + target
            paths[_xml_unescape(title.group(1))] = target
    return paths


def _xml_unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _xlsx_merged(xml: bytes) -> list[tuple[int, int, int, int]]:
    merged = []
    for c1, r1, c2, r2 in _MERGE_RE.findall(xml):
        c2, r2 = (c2 or c1), (r2 or r1)
        merged.append((int(r1) - 1, column_index(c1), int(r2) - 1, column_index(c2)))
    return merged


# ---------------------------------------------------------------- xls / ods
def _read_calamine(name: str, data: bytes, file_format: str) -> Workbook:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:
        if "limit" in str(exc).lower():  # calamine's own ceiling on .ods cells
            raise PlanFileError(too_many_cells_message(name, None)) from exc
        raise PlanFileError(
            f"No se pudo leer «{name}» como hoja de cálculo ({file_format}): el archivo está "
            "dañado o protegido. Ábralo en Excel o LibreOffice y guárdelo como .xlsx.") from exc
    budget = _Budget(name)
    sheets = []
    for meta in book.sheets_metadata:
        try:
            ws = book.get_sheet_by_name(meta.name)
        except Exception as exc:
            if "limit" in str(exc).lower():
                raise PlanFileError(too_many_cells_message(name, meta.name)) from exc
            raise PlanFileError(
                f"No se pudo leer la hoja «{meta.name}» de «{name}»: {exc}. "
                "Guarde el libro de nuevo como .xlsx.") from exc
        end = ws.end  # (row, column) of the last used cell, or None for an empty sheet
        if end:
            # to_python builds the whole rectangle up to that cell.
            budget.spend(meta.name, (end[0] + 1) * (end[1] + 2))
        try:
            # skip_empty_area=False keeps the empty rows/columns before the first
            # used cell, so indexes match Excel's (and the merged ranges).
            rows = ws.to_python(skip_empty_area=False) if end else []
        except Exception as exc:
            raise PlanFileError(
                f"No se pudo leer la hoja «{meta.name}» de «{name}»: {exc}. "
                "Guarde el libro de nuevo como .xlsx.") from exc
        sheet = Sheet(name=meta.name, values=[], hidden=not str(meta.visible).endswith(".Visible"))
        values = []
        for r, row in enumerate(rows):
            if len(row) > MAX_COLUMNS:
                beyond = next((c for c, v in enumerate(row[MAX_COLUMNS:], MAX_COLUMNS)
                               if v not in (None, "")), None)
                if beyond is not None:
                    _note_beyond(sheet, r, beyond)
            out = []
            for c, value in enumerate(row[:MAX_COLUMNS]):
                if value == "":
                    value = None
                out.append(_clip(sheet, r, c, value))
            values.append(out)
        rows = None  # the full-width rows can be large: free them now
        sheet.values = _trim(values)
        merged = getattr(ws, "merged_cell_ranges", None) or []
        sheet.merged = _bounded_merges(name, sheet, [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in merged],
                                       budget)
        sheets.append(sheet)
    return Workbook(file_format, sheets)


# ---------------------------------------------------------------- ods
_ODS_TAG_RE = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>")
_ODS_ROWS_RE = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_COLUMNS_RE = re.compile(rb'table:number-columns-repeated="(\d+)"')


def _scan_ods(name: str, data: bytes) -> dict[str, set[int]]:
    """Refuse an .ods whose used area is huge before calamine expands it, and
    return the hidden rows of each table (calamine does not say them).

    ODS writes "this row 1.048.576 times" / "this cell 16.384 times" as one
    attribute, so a file of a few hundred bytes can declare billions of
    cells; calamine would build them all (or abort the process when memory
    runs out). Blank repeats cost nothing and are not counted; the area is
    last used row × last used column of each table, as calamine builds it.
    """
    try:
        xml = zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    except (KeyError, zipfile.BadZipFile, EOFError, ValueError, zlib.error, RuntimeError):
        return {}  # calamine reports the broken file in its own words
    hidden: dict[str, set[int]] = {}
    total = 0
    table, row, col, row_repeat, row_used, last_row, last_col = "", 0, 0, 1, False, 0, 0
    for match in _ODS_TAG_RE.finditer(xml):
        closing, tag, attrs, empty = match.groups()
        if tag == b"table":
            if closing:
                total += last_row * last_col
                if total > MAX_CELLS:
                    raise PlanFileError(too_many_cells_message(name, table))
            else:
                found = re.search(rb'table:name="([^"]*)"', attrs)
                table = _xml_unescape(found.group(1).decode("utf-8", "replace")) if found else "?"
                row = last_row = last_col = 0
                hidden[table] = set()
        elif tag == b"table-row":
            if closing:
                row += row_repeat
                if row_used:
                    last_row = row
                    if last_row * last_col + total > MAX_CELLS:
                        raise PlanFileError(too_many_cells_message(name, table))
            else:
                repeat = _ODS_ROWS_RE.search(attrs)
                row_repeat = int(repeat.group(1)) if repeat else 1
                col, row_used = 0, False
                if b'table:visibility="collapse"' in attrs or b'table:visibility="filter"' in attrs:
                    if row_repeat <= 1000:
                        hidden.setdefault(table, set()).update(range(row, row + row_repeat))
                if empty:
                    row += row_repeat
        else:  # a cell
            if closing:
                continue
            repeat = _ODS_COLUMNS_RE.search(attrs)
            span = int(repeat.group(1)) if repeat else 1
            if not empty or b"value-type" in attrs:
                row_used = True
                last_col = max(last_col, col + span)
            col += span
    return hidden


# ---------------------------------------------------------------- csv
def _decode(name: str, data: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    """The text of a CSV, its encoding and what to report about it.

    UTF-8 (with or without BOM) is tried first, then UTF-16 with a BOM (Excel's
    «Texto Unicode»), then Windows-1252/latin-1 (Excel's «CSV» on Windows).
    A file whose lines come in different encodings (exports of two computers
    pasted together) is decoded line by line, each line with its own, and
    reported: reading it whole as latin-1 would garble every UTF-8 accent.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), "utf-16", [(
                "caracteres_ilegibles", "Algunos caracteres del archivo (UTF-16) están dañados y se "
                "reemplazaron por «�». Expórtelo de nuevo como «CSV UTF-8».")]
    sample = data[:4096]
    if sample.count(0) * 100 > len(sample):  # over 1 % NUL bytes: not text (a stray one is removed)
        raise PlanFileError(
            f"El archivo «{name}» no es una hoja de cálculo ni un CSV de texto. Cargue el plan "
            "como .xlsx, .xls o .csv.")
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8", []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    decoded, utf8_lines, legacy_lines = [], [], []
    for number, line in enumerate(lines, start=1):
        try:
            text = line.decode("utf-8")
            if not line.isascii():
                utf8_lines.append(number)
        except UnicodeDecodeError:
            text = line.decode("cp1252", errors="strict") if _cp1252_ok(line) else line.decode("latin-1")
            legacy_lines.append(number)
        decoded.append(text)
    if not utf8_lines:  # one legacy encoding for the whole file
        try:
            return data.decode("cp1252"), "cp1252", []
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1", []
    text = "\n".join(decoded)
    shown = ", ".join(str(n) for n in legacy_lines[:5]) + (" …" if len(legacy_lines) > 5 else "")
    return text, "mixta (utf-8 y cp1252)", [(
        "codificacion_mixta",
        f"El archivo mezcla codificaciones: {es_number(len(utf8_lines))} línea(s) en UTF-8 y "
        f"{es_number(len(legacy_lines))} en Windows-1252/latin-1 (líneas {shown}); cada línea se leyó "
        "con la suya. Revise tildes y eñes y, para la próxima, guarde el archivo como «CSV UTF-8».")]


def _cp1252_ok(line: bytes) -> bool:
    try:
        line.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def _read_csv(name: str, data: bytes) -> Workbook:
    text, encoding, notes = _decode(name, data)
    if "\ufeff" in text:  # a BOM inside the file: exports pasted one after another
        text = re.sub("(?m)^\ufeff", "", text)
    # Python's csv refuses fields over 128 KB; a long cell is cut and reported
    # instead, as in a workbook. (The limit is process-wide and only raised.)
    if csv.field_size_limit() < len(text) + 1:
        csv.field_size_limit(len(text) + 1)
    delimiter = _sniff_delimiter(text)
    # strict: a quote opened and never closed would otherwise swallow every
    # line after it into one cell, and those activities would vanish.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    sheet = Sheet(name=Path(name).stem, values=[], notes=notes)
    budget = _Budget(name)
    rows = []
    start = 1  # line where the record being read begins
    try:
        for r, row in enumerate(reader):
            start = reader.line_num + 1
            budget.spend(sheet.name, 1 + len(row))
            if len(row) > MAX_COLUMNS:
                beyond = next((c for c, v in enumerate(row[MAX_COLUMNS:], MAX_COLUMNS) if v.strip()), None)
                if beyond is not None:
                    _note_beyond(sheet, r, beyond)
            rows.append([_clip(sheet, r, c, v.strip() or None) for c, v in enumerate(row[:MAX_COLUMNS])])
    except csv.Error as exc:
        if "end of data" in str(exc):
            why = ("tiene unas comillas (\") que se abren y no se cierran: todo lo que sigue quedaría "
                   "en una sola celda")
        elif "expected after" in str(exc):
            why = "tiene texto pegado después de unas comillas de cierre"
        else:
            why = f"está mal formado ({exc})"
        raise PlanFileError(
            f"El CSV «{name}» {why}, en el registro que empieza en la línea {start}. Corríjalo "
            "(o expórtelo de nuevo desde Excel) y vuelva a cargarlo.") from exc
    sheet.values = _trim(rows)
    if not sheet.values:
        raise PlanFileError(f"El archivo «{name}» está vacío: no tiene ninguna fila con datos.")
    return Workbook("csv", [sheet], encoding=encoding, delimiter=delimiter)


def _sniff_delimiter(text: str) -> str:
    """The separator that splits the most lines into the same number of fields.

    Ranked by how many lines share the commonest field count, then by that
    count: one long cell full of commas must not outvote every line.
    """
    lines = [line for line in text[:100_000].splitlines()[:50] if line.strip()]
    best, best_score = ",", (-1, -1)
    for delimiter in (";", ",", "\t", "|"):
        counts = []
        for line in lines:
            try:
                counts.append(len(next(csv.reader([line], delimiter=delimiter), [])))
            except csv.Error:
                counts.append(1)
        many = [n for n in counts if n > 1]
        if not many:
            continue
        mode = max(set(many), key=many.count)
        score = (many.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best
