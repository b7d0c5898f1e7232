"""Read a spreadsheet file into plain grids of cells, whatever its format.

The rest of the importer never sees openpyxl, calamine or csv: it gets a list
of ``Sheet`` (values, number formats, merged areas, hidden flags). Readers
refuse what they cannot read with one Spanish ``PlanFileError``.

- .xlsx / .xlsm: openpyxl in read-only mode (it keeps each cell's number
  format, which decides whether 0.25 means 25 % — calamine drops it); merged
  areas and hidden rows are read from the sheet XML, which read-only mode skips.
- .xls / .ods / .xlsb: python-calamine (openpyxl cannot read them).
- .csv / .txt: the encoding and the separator are detected.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from data_layer.errors import PlanFileError

# A workbook is refused before it is expanded when its parts would unpack to
# more than this (a "zip bomb": a tiny file with a huge uncompressed size).
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit; longer text is cut and reported
MAX_COLUMNS = 400

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


@dataclass
class Workbook:
    file_format: str
    sheets: list[Sheet]
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only


def read_workbook(path: Path, data: bytes | None = None) -> Workbook:
    """Read ``path`` (or ``data`` named like ``path``) into grids of cells."""
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise PlanFileError(f"No se pudo abrir el archivo «{Path(path).name}»: {exc.strerror}.") from exc
    name = Path(path).name
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
        _check_zip(name, data)
        if suffix in (".ods",) or b"mimetypeapplication/vnd.oasis.opendocument" in data[:200]:
            return _read_calamine(name, data, "ods")
        if suffix == ".xlsb":
            return _read_calamine(name, data, "xlsb")
        return _read_xlsx(name, data)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"):
        raise PlanFileError(
            f"El archivo «{name}» no es una hoja de cálculo aunque su nombre termine en {suffix} "
            "(quizá se renombró un PDF, un Word o una página web). Ábralo en Excel y guárdelo "
            "como «Libro de Excel (.xlsx)».")
    return _read_csv(name, data)


def _check_zip(name: str, data: bytes) -> None:
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
            f"El archivo «{name}» se expandiría a {total / 1024 / 1024:,.0f} MB al abrirlo; "
            "se rechazó para proteger el servidor. Guarde una copia sólo con las hojas del plan.")


def _clip(sheet: Sheet, r: int, c: int, value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        sheet.truncated.append((r, c, len(value)))
        return value[:MAX_CELL_CHARS]
    return value


def _trim(rows: list[list[object]]) -> list[list[object]]:
    out = []
    for row in rows:
        row = list(row[:MAX_COLUMNS])
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


# ---------------------------------------------------------------- xlsx
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_HIDDEN_ROW_RE = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"')
_HIDDEN_ROW_RE2 = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="(\d+)"')


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


def _read_xlsx(name: str, data: bytes) -> Workbook:
    import openpyxl  # imported here: only xlsx needs it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise PlanFileError(
            f"No se pudo leer «{name}» como libro de Excel: el archivo está dañado o no es un "
            ".xlsx válido. Ábralo en Excel y guárdelo de nuevo como «Libro de Excel (.xlsx)».") from exc
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheet_paths = _xlsx_sheet_paths(archive)
    sheets = []
    try:
        for ws in book.worksheets:
            sheet = Sheet(name=ws.title, values=[], hidden=ws.sheet_state != "visible")
            rows = []
            for r, row in enumerate(ws.iter_rows()):
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
            xml_path = sheet_paths.get(ws.title)
            if xml_path:
                xml = archive.read(xml_path)
                sheet.merged = _xlsx_merged(xml)
                sheet.hidden_rows = {int(m) - 1 for m in _HIDDEN_ROW_RE.findall(xml)} | {
                    int(m) - 1 for m in _HIDDEN_ROW_RE2.findall(xml)}
            sheets.append(sheet)
    except PlanFileError:
        raise
    except Exception as exc:
        raise PlanFileError(
            f"No se pudo leer «{name}»: el libro está dañado ({type(exc).__name__}). "
            "Ábralo en Excel y guárdelo de nuevo.") from exc
    finally:
        book.close()
    return Workbook("xlsx", sheets)


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
        raise PlanFileError(
            f"No se pudo leer «{name}» como hoja de cálculo ({file_format}): el archivo está "
            "dañado o protegido. Ábralo en Excel o LibreOffice y guárdelo como .xlsx.") from exc
    sheets = []
    for meta in book.sheets_metadata:
        try:
            ws = book.get_sheet_by_name(meta.name)
            # skip_empty_area=False keeps the empty rows/columns before the first
            # used cell, so indexes match Excel's (and the merged ranges).
            rows = ws.to_python(skip_empty_area=False)
        except Exception as exc:
            raise PlanFileError(
                f"No se pudo leer la hoja «{meta.name}» de «{name}»: {exc}. "
                "Guarde el libro de nuevo como .xlsx.") from exc
        sheet = Sheet(name=meta.name, values=[], hidden=not str(meta.visible).endswith(".Visible"))
        values = []
        for r, row in enumerate(rows):
            out = []
            for c, value in enumerate(row[:MAX_COLUMNS]):
                if value == "":
                    value = None
                out.append(_clip(sheet, r, c, value))
            values.append(out)
        sheet.values = _trim(values)
        merged = getattr(ws, "merged_cell_ranges", None) or []
        for (r1, c1), (r2, c2) in merged:
            sheet.merged.append((r1, c1, r2, c2))
        sheets.append(sheet)
    return Workbook(file_format, sheets)


# ---------------------------------------------------------------- csv
_ENCODINGS = ("utf-8-sig", "utf-8", "cp1252", "latin-1")


def _read_csv(name: str, data: bytes) -> Workbook:
    if b"\x00" in data[:4096]:
        raise PlanFileError(
            f"El archivo «{name}» no es una hoja de cálculo ni un CSV de texto. Cargue el plan "
            "como .xlsx, .xls o .csv.")
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # latin-1 decodes anything; kept for clarity
        raise PlanFileError(f"No se reconoce la codificación de «{name}»: guárdelo como CSV UTF-8.")
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    sheet = Sheet(name=Path(name).stem, values=[])
    rows = []
    try:
        for r, row in enumerate(reader):
            rows.append([_clip(sheet, r, c, v.strip() or None) for c, v in enumerate(row[:MAX_COLUMNS])])
    except csv.Error as exc:
        raise PlanFileError(f"El CSV «{name}» está mal formado: {exc}. Expórtelo de nuevo desde Excel.") from exc
    sheet.values = _trim(rows)
    if not sheet.values:
        raise PlanFileError(f"El archivo «{name}» está vacío: no tiene ninguna fila con datos.")
    return Workbook("csv", [sheet], encoding=encoding, delimiter=delimiter)


def _sniff_delimiter(text: str) -> str:
    """The separator that splits the most lines into the same number of fields."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", -1
    for delimiter in (";", ",", "\t", "|"):
        counts = [len(next(csv.reader([line], delimiter=delimiter))) for line in lines]
        many = [n for n in counts if n > 1]
        if not many:
            continue
        score = len(many) * max(set(many), key=many.count)
        if score > best_score:
            best, best_score = delimiter, score
    return best
