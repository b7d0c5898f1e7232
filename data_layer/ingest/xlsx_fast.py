"""Fast reading of .xlsx cells, with exactly the result of openpyxl's read-only mode.

openpyxl (read-only, ``data_only``) spends most of an import building an
XML element and a ``ReadOnlyCell`` for every cell. The workbook parts that
decide what a cell means — styles (number formats, which styles are dates),
the 1900/1904 epoch, sheet names and states — are still read by openpyxl
itself (``ExcelReader``); only two parts are read here, with compiled regular
expressions over the raw XML:

- ``xl/sharedStrings.xml`` (openpyxl builds a descriptor object per string);
- the ``<sheetData>`` of each worksheet.

Each value goes through the same conversions openpyxl applies
(``_cast_number``, ``from_excel`` for date styles, the shared-string index,
``bool(int(…))``, ``from_ISO8601``; rich text through openpyxl's own ``Text``),
so the values, types, formats and errors are identical. The scanner accepts
only a strict subset of XML that it can interpret exactly: the parts outside
``<sheetData>`` are still parsed by openpyxl (so a broken or unusual part
fails or behaves as before), and anything inside that does not fit — another
attribute order, a namespace prefix, a comment, a CDATA section, an unknown
entity, an invalid character, cells or rows out of order — raises
``Unsupported`` and the caller reads that sheet (or string table) with
openpyxl as before. Checks for hostile files (row and cell ceilings) are the
caller's and run in the same order as on the openpyxl path.
"""
from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, NamedTuple
from warnings import warn
from xml.etree import ElementTree

if TYPE_CHECKING:
    from data_layer.ingest.workbook import Sheet

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


class Unsupported(Exception):
    """The part is not in the subset read here: read it with openpyxl."""


# ---------------------------------------------------------------- XML text
_WS = rb"[ \t\r\n]"
# '&' not starting one of XML's five entities or a character reference: expat refuses it.
_BAD_AMP_RE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_CHAR_REF_RE = re.compile(rb"&#(?:([0-9]+)|x([0-9a-fA-F]+));")
# Bytes that are never in well-formed XML 1.0 (and U+FFFE / U+FFFF, checked apart).
_BAD_CHAR_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PREFIX_RE = re.compile(rb"[ \t\r\n]([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*[ \t\r\n]*=")
_ENTITY_RE = re.compile(r"&(?:(amp)|(lt)|(gt)|(quot)|(apos)|#([0-9]+)|#x([0-9a-fA-F]+));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _xml_char_ok(code: int) -> bool:
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def _check_markup(xml: bytes, start: int, end: int) -> None:
    """Entity references expat would refuse, and "]]>" in text, in
    ``xml[start:end]`` (each byte search is a fast memchr when the character
    is absent)."""
    if xml.find(b"]", start, end) >= 0 and xml.find(b"]]>", start, end) >= 0:
        raise Unsupported("]]>")
    if xml.find(b"&", start, end) >= 0:
        if _BAD_AMP_RE.search(xml, start, end):
            raise Unsupported("entity")
        for decimal, hexa in _CHAR_REF_RE.findall(xml, start, end):
            if len(decimal) > 7 or len(hexa) > 6 or not _xml_char_ok(
                    int(decimal) if decimal else int(hexa, 16)):
                raise Unsupported("character reference")


def _check_text(xml: bytes, start: int, end: int) -> None:
    """What expat would refuse in ``xml[start:end]`` (or what this scanner
    cannot interpret the way expat does): refuse it here too. (Namespace
    prefixes and declarations are checked where attributes are read.)"""
    if _BAD_CHAR_RE.search(xml, start, end) or (xml.find(b"\xef", start, end) >= 0 and (
            xml.find(b"\xef\xbf\xbe", start, end) >= 0 or xml.find(b"\xef\xbf\xbf", start, end) >= 0)):
        raise Unsupported("character")
    _check_markup(xml, start, end)


def _windows(xml: bytes, start: int, end: int, close: bytes):
    """``xml[start:end]`` decoded, in pieces of about ``_WINDOW`` bytes cut
    just after a ``close`` tag (no token spans two pieces), line ends
    normalised as XML does — so no list of tokens holds a whole sheet."""
    while start < end:
        cut = xml.find(close, start + _WINDOW, end)
        cut = end if cut < 0 else cut + len(close)
        text = xml[start:cut].decode("utf-8")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        yield text
        start = cut


_WINDOW = 1 << 20


def _entity(match: re.Match) -> str:
    name = match.lastindex
    if name <= 5:
        return _ENTITIES[match.group(name)]
    return chr(int(match.group(6))) if name == 6 else chr(int(match.group(7), 16))


def _unescape(text: str) -> str:
    return _ENTITY_RE.sub(_entity, text) if "&" in text else text


def _check_head(head: bytes, root: bytes) -> tuple[set[bytes], bytes]:
    """The namespace prefixes declared on the root element and its attributes.

    The document must be UTF-8 (declared or not) without a DOCTYPE or a
    comment before the data, and its root ``<root xmlns="main namespace" …>``
    with no prefix and the only default namespace declared before the data.
    """
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if not head.startswith(b"<"):
        raise Unsupported("encoding")
    declaration = re.match(rb"<\?xml\b([^?]*)\?>", head)
    if declaration:
        encoding = re.search(rb"""encoding\s*=\s*["']([^"']*)["']""", declaration.group(1))
        if encoding and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
            raise Unsupported("encoding")
    if b"<!" in head:  # a DOCTYPE (entities) or a comment: leave them to expat
        raise Unsupported("doctype or comment")
    root_tag = re.search(rb"<" + root + rb"((?:" + _WS + rb"+[\w.:-]+=\"[^\"<]*\")*)" + _WS + rb"*>", head)
    if not root_tag or head.count(b"xmlns=") != 1 or not re.search(
            _WS + rb'xmlns="' + re.escape(MAIN_NS.encode()) + rb'"', root_tag.group(1)):
        raise Unsupported("root or namespace")
    attributes = root_tag.group(1)
    # Two prefixes for one namespace would make a:x and b:x the same attribute:
    # such prefixes are left to expat.
    bound = re.findall(rb'xmlns:([\w.-]+)="([^"]*)"', attributes)
    uris = [uri for _, uri in bound]
    return {prefix for prefix, uri in bound if uris.count(uri) == 1}, attributes


_DECLARATION_RE = re.compile(r'(?<![\w:.-])(xmlns(?::[\w.-]+)?="[^"]*")')


def _rich_text(tag: str, inner: str, attributes: bytes) -> str:
    """Text of an element holding runs (<r>, <rPh>…), by openpyxl's own ``Text``."""
    from openpyxl.cell.text import Text

    declarations = " ".join(_DECLARATION_RE.findall(attributes.decode("utf-8")))  # the root's namespaces
    try:
        element = ElementTree.fromstring(f"<{tag} {declarations}>{inner}</{tag}>")
        return Text.from_tree(element).content
    except Exception as exc:
        raise Unsupported("rich text") from exc


# ---------------------------------------------------------------- shared strings
_SI_RE = re.compile(
    r"(<si>(?:<t>([^<]*)</t>|<t xml:space=\"preserve\">([^<]*)</t>|(<t/>)|((?:(?!</si>).)*))</si>)", re.DOTALL)


def read_shared_strings(xml: bytes) -> list[str]:
    """openpyxl's ``read_string_table`` for a table in the strict subset."""
    from openpyxl.reader.strings import read_string_table

    first = xml.find(b"<si")
    if first < 0:  # no strings: openpyxl reads what is there (a few bytes)
        if len(xml) > 100_000:
            raise Unsupported("shared strings layout")
        return read_string_table(io.BytesIO(xml))
    last = xml.rfind(b"</si>") + len(b"</si>")
    if last <= first:
        raise Unsupported("shared strings layout")
    head, tail = xml[:first], xml[last:]
    _declared, attributes = _check_head(head, b"sst")
    _check_text(xml, first, last)
    # The part around the strings, parsed by openpyxl: well formed, no string.
    if read_string_table(io.BytesIO(head + tail)):
        raise Unsupported("strings outside")
    strings = []
    for text in _windows(xml, first, last, b"</si>"):
        covered = 0
        for whole, plain, preserved, empty, rich in _SI_RE.findall(text):
            covered += len(whole)
            if rich:
                value = _rich_text("si", rich, attributes)
            else:
                value = _unescape(plain or preserved)
            strings.append(value.replace("x005F_", "") if "x005F_" in value else value)
        if covered != len(text) and "<" in _SI_RE.sub("", text):
            raise Unsupported("shared strings layout")
    return strings


def open_workbook(data: bytes, fallbacks: list[str] | None = None):
    """``openpyxl.load_workbook(read_only=True, data_only=True)``, with two
    parts read faster and with the same result:

    - the shared strings, by ``read_shared_strings`` when they fit its subset
      (by openpyxl's ``read_string_table`` otherwise);
    - each worksheet's declared size. openpyxl looks for ``<dimension>`` by
      parsing the sheet until it finds one or reaches the end of
      ``<sheetData>``: a sheet without one (openpyxl's write-only mode writes
      none) is parsed whole just to open the book. Here the size is taken
      from the start of the sheet when ``<dimension>`` is there; otherwise the
      question is left *pending* (``resolve_size``): reading the sheet with
      ``SheetReader`` answers it (the sheet is well formed and has none), and
      the caller resolves the pending ones before it reports any error, so a
      sheet openpyxl would have refused when opening the book still is.
    """
    import openpyxl
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.reader.strings import read_string_table
    from openpyxl.xml.constants import SHARED_STRINGS

    class _Reader(ExcelReader):
        def read_strings(self):
            ct = self.package.find(SHARED_STRINGS)
            if ct is not None:
                xml = self.archive.read(ct.PartName[1:])
                try:
                    self.shared_strings = read_shared_strings(xml)
                except Exception as exc:  # noqa: BLE001 — Unsupported, or what openpyxl reports itself
                    if fallbacks is not None:
                        fallbacks.append(f"sharedStrings: {type(exc).__name__} {exc}")
                    self.shared_strings = read_string_table(io.BytesIO(xml))

        def read_worksheets(self):
            if openpyxl.__version__ != "3.1.5":  # the read-only branch below is 3.1.5's
                return super().read_worksheets()
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                rels_path = get_rels_path(rel.target)
                if rels_path in self.valid_files:
                    get_dependents(self.archive, rels_path)
                ws = _worksheet_class()(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    reader = _Reader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    return reader.wb


_WORKSHEET_CLASS = None


def _worksheet_class():
    """openpyxl's ``ReadOnlyWorksheet`` whose size may be left pending."""
    global _WORKSHEET_CLASS
    if _WORKSHEET_CLASS is None:
        from openpyxl.worksheet._read_only import ReadOnlyWorksheet
        from openpyxl.worksheet._reader import WorkSheetParser

        class _Worksheet(ReadOnlyWorksheet):
            _size_pending = False

            def _get_size(self):
                try:
                    chunks = []
                    head = b""
                    with self._get_source() as src:
                        while True:  # as openpyxl reads: 16 KB at a time, until the tag is in
                            chunk = src.read(16 * 1024)
                            chunks.append(chunk)
                            head = b"".join(chunks)
                            data_at = head.find(b"<sheetData")
                            dimension_at = head.find(b"<dimension", 0, data_at if data_at >= 0 else len(head))
                            if (not chunk or data_at >= 0 or len(head) > 1024 * 1024
                                    or (dimension_at >= 0 and head.find(b">", dimension_at) >= 0)):
                                break
                except Exception:  # noqa: BLE001 — openpyxl raises its own error below
                    return ReadOnlyWorksheet._get_size(self)
                if dimension_at < 0 and b"dimension" in head[:data_at if data_at >= 0 else len(head)]:
                    return ReadOnlyWorksheet._get_size(self)  # a prefixed <x:dimension>, or a comment
                if dimension_at >= 0:
                    end = head.find(b">", dimension_at)
                    try:  # openpyxl stops at the first <dimension>: the bytes before it suffice
                        boundaries = WorkSheetParser(io.BytesIO(head[:end + 1]), []).parse_dimensions()
                    except Exception:  # noqa: BLE001 — then openpyxl's own reading decides
                        boundaries = None
                    if boundaries is None:
                        return ReadOnlyWorksheet._get_size(self)
                    self._min_column, self._min_row, self._max_column, self._max_row = boundaries
                elif data_at >= 0:
                    self._size_pending = True
                else:
                    ReadOnlyWorksheet._get_size(self)

        _WORKSHEET_CLASS = _Worksheet
    return _WORKSHEET_CLASS


def resolve_size(ws) -> None:
    """Read a pending sheet size as openpyxl does when it opens the book
    (raising its error, if it has one)."""
    if getattr(ws, "_size_pending", False):
        from openpyxl.worksheet._read_only import ReadOnlyWorksheet

        ReadOnlyWorksheet._get_size(ws)
        ws._size_pending = False


# ---------------------------------------------------------------- worksheets
# First tier: one pass over the whole <sheetData> with a pattern whose last
# alternatives match anything (text, or a lone "<"), so every byte belongs to
# a token. Tokens: a cell in a common form (openpyxl, Excel, LibreOffice,
# xlsxwriter), a row start "<row r=…>" (or "<row r=…/>"), a row end, text
# between tags (ignored, as openpyxl does), or a "<" starting anything else —
# then the sheet is read by the second tier.
_T = "[^<\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"  # a character of text (XML forbids the others)
_A = '[^"<\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]'  # a character of an attribute value
_TOKEN_RE = re.compile(
    r'<c r="([A-Z]{1,3})[1-9][0-9]*"(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")? ?'
    r'(?:/>|>(?:(<f(?: [A-Za-z0-9]+="' + _A + r'*")*)(?:>' + _T + r'*</f>|/>))?'
    r'(?:<v>(' + _T + r'*)</v>|<v ?/>|<is>(<t>|<t xml:space="preserve">)(' + _T + r'*)</t></is>)?</c>)'
    r'|<row r="([0-9]+)"((?: [A-Za-z_][\w.:-]*="' + _A + r'*")*)( ?/)?>'
    r'|<(/)row>'
    r'|' + _T + r'+'
    r'|([\s\S])', re.ASCII)  # "<" starting any other form, or a character XML forbids
_ATTRIBUTE_NAME_RE = re.compile(r'([^\s=]+)="')
# Second tier, row by row: more forms (other attributes, whitespace, runs of
# rich text); anything else and the sheet is read by openpyxl.
_ROW_RE = re.compile(  # a row and its content (unrolled: much faster than a lazy .*?)
    rb'<row((?:[ \t\r\n]+[A-Za-z_][\w.:-]*="[^"<]*")*)[ \t\r\n]*(?:/>|>([^<]*(?:<(?!/row>)[^<]*)*)</row>)')
_ROW_NUMBER_RE = re.compile(rb'[ \t\r\n]r="([^"]*)"')
# Groups: (whole cell, column letters, s, t, <v> text, <is><t> opening tag,
# its text, <is> content with runs).
_CELL_FULL_RE = re.compile(
    r'(<c r="([A-Z]{1,3})[1-9][0-9]*"(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")?'
    r'(?: cm="[^"<]*")?(?: vm="[^"<]*")?(?: ph="[^"<]*")?[ \t\r\n]*'
    r'(?:/>|>'
    r'(?:<f(?:[ \t\r\n]+[A-Za-z_][\w.-]*="[^"<]*")*[ \t\r\n]*(?:/>|>[^<]*</f>))?'
    r'(?:<v>([^<]*)</v>|<v[ \t\r\n]*/>)?'
    r'(?:<is>(?:(<t>|<t xml:space="preserve">)([^<]*)</t>|((?:(?!</is>).)*))</is>)?'
    r'</c>))', re.DOTALL | re.ASCII)
_CELL_ROW_RE = re.compile(r'<c r="[A-Z]+([0-9]+)"')
# The same attribute twice in one row or formula tag (expat refuses it). May
# also match inside an attribute value: then the sheet is just read by openpyxl.
_DUPLICATE_ATTR_RE = re.compile(
    rb'<(?:row|f)\b[^>]*?[ \t\r\n]([A-Za-z_][\w.:-]*)="[^"<]*"[^>]*?[ \t\r\n]\1="')

_COLUMNS: dict[str, int] = {}  # column letters → openpyxl's number (A → 1)
_COLUMNS0: dict[str, int] = {}  # column letters → 0-based index (A → 0)


def _column(letters: str) -> int:
    """'A' → 1 (openpyxl's numbering); remembered in both tables."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    _COLUMNS[letters] = n
    _COLUMNS0[letters] = n - 1
    return n


for _first in " ABCDEFGHIJKLMNOPQRSTUVWXYZ":  # A…ZZ known in advance
    for _second in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        _column(_first.strip() + _second)
del _first, _second


class Scan(NamedTuple):
    """Parts of a sheet's XML that a first-tier read leaves to search."""
    head: bytes  # before <sheetData>
    tail: bytes  # after </sheetData>
    row_tags: bytes  # the row tags inside that may hold hidden="…"
    formulas: bool  # whether a cell inside holds a formula


class _SecondTier(Exception):
    """The first tier met a form it does not read."""


def _check_gap(text: bytes) -> None:
    """Text between rows: ignored by openpyxl, unless it is not text."""
    if b"<" in text:
        raise Unsupported("sheet layout")
    text.decode("utf-8")


def _cells(text: str) -> list[tuple]:
    """The cells of one row's content (second tier), every byte accounted for."""
    cells = _CELL_FULL_RE.findall(text)
    if sum(len(cell[0]) for cell in cells) != len(text) and "<" in _CELL_FULL_RE.sub("", text):
        raise Unsupported("row layout")
    return cells


class SheetReader:
    """Reads the worksheets of one openpyxl read-only workbook."""

    def __init__(self, book) -> None:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

        self.book = book
        self.epoch = book.epoch
        self.styles: dict[str, tuple] = {}
        self._builtin = (BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE)
        self._declared: set[bytes] = set()
        self._row_attributes: set[str] = set()  # second attributes of rows already checked
        self.dates: dict[tuple[str, str], object] = {}
        self.second_tier: list[str] = []  # sheets the first tier did not read, and why

    def style(self, s: str) -> tuple:
        """(number format if not General, is a date, is a duration, usable) of style ``s``."""
        style_id = int(s) if s else 0
        book = self.book
        formats, builtin_max = self._builtin
        usable = True
        fmt = None
        try:
            num_fmt = book._cell_styles[style_id].numFmtId
            fmt = (formats.get(num_fmt, "General") if num_fmt < builtin_max
                   else book._number_formats[num_fmt - builtin_max])
        except (IndexError, KeyError, TypeError):
            usable = False  # openpyxl fails on a valued cell with this style
        info = (fmt if fmt and fmt != "General" else None, style_id in book._date_formats,
                style_id in book._timedelta_formats, usable)
        self.styles[s] = info
        return info

    def value(self, t: str, v: str, s: str, cell: str | None, letters: str):
        """(value, data_type) of a cell with text ``v`` in its <v>, as openpyxl's
        ``WorkSheetParser.parse_cell`` (``data_only``) makes it."""
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        if "&" in v:
            v = _unescape(v)
        if not t or t == "n":
            number = float(v) if ("." in v or "E" in v or "e" in v) else int(v)  # _cast_number
            info = self.styles.get(s) or self.style(s)
            if not info[1]:
                return number, "n"
            value = self.dates.get((s, v))
            if value is not None:
                return value, "d"
            try:
                value = from_excel(number, self.epoch, timedelta=info[2])
            except (OverflowError, ValueError):
                if cell is None:  # the warning names the cell: the second tier has it
                    raise _SecondTier("date out of range") from None
                row = _CELL_ROW_RE.match(cell)
                warn(f"""Cell {letters}{row.group(1) if row else ''} is marked as a date but the serial value """
                     f"""{number} is outside the limits for dates. The cell will be treated as an error.""")
                return "#VALUE!", "e"
            self.dates[(s, v)] = value
            return value, "d"
        if t == "s":
            return self.strings[int(v)], "s"
        if t == "b":
            return bool(int(v)), "b"
        if t == "str":
            return v, "s"
        if t == "d":
            return from_ISO8601(v), "d"
        return v, t

    def _content(self, xml: bytes) -> tuple[int, int, bytes]:
        """(start, end) of the content of <sheetData> in ``xml``, and the root
        attributes, once everything outside it has been read by openpyxl's
        own parser without an error."""
        from openpyxl.worksheet._reader import WorkSheetParser

        start = xml.find(b"<sheetData")
        if start < 0:
            raise Unsupported("no sheetData")
        head = xml[:start]
        declared, attributes = _check_head(head, b"worksheet")
        after = xml[start + 10:start + 12]
        if after.startswith(b">"):
            end = xml.find(b"</sheetData>", start)
            if end < 0:
                raise Unsupported("no end of sheetData")
            start, tail = start + 11, xml[end + 12:]
        elif after == b"/>":
            start = end = start + 12
            tail = xml[end:]
        else:
            raise Unsupported("sheetData attributes")
        _check_markup(xml, start, end)
        if declared != self._declared:
            self._declared = declared
            self._row_attributes = set()
        self._outside = (head, tail)
        # Everything outside <sheetData> goes through openpyxl's parser, which
        # reads (and may refuse) it as on the openpyxl path.
        book = self.book
        parser = WorkSheetParser(io.BytesIO(head + b"<sheetData/>" + tail), [], data_only=True,
                                 epoch=book.epoch, date_formats=book._date_formats,
                                 timedelta_formats=book._timedelta_formats)
        try:
            outside = any(True for _ in parser.parse())
        except Exception as exc:
            raise Unsupported("sheet XML") from exc
        if outside:
            raise Unsupported("rows outside sheetData")
        return start, end, attributes

    def _check_row_attributes(self, rest: str) -> None:
        """A row's attributes after r="…": not r again, no namespace
        declaration, prefixes declared (a cache of the ones already seen)."""
        if rest in self._row_attributes:
            return
        names = _ATTRIBUTE_NAME_RE.findall(rest)
        if "r" in names or len(set(names)) != len(names) or "xmlns" in rest:
            raise Unsupported("row attributes")
        if ":" in rest:
            used = set(_PREFIX_RE.findall(rest.encode("utf-8")))
            if used - self._declared - {b"xml"}:
                raise Unsupported("namespace prefix")
        if len(self._row_attributes) < 10_000:
            self._row_attributes.add(rest)

    def read_sheet(self, name: str, ws, xml: bytes, budget, tier: int = 1) -> Sheet:
        """``workbook._read_sheet_openpyxl(name, ws, budget)``, same result.

        Raises ``Unsupported`` (the caller then reads the sheet with openpyxl)
        or the ``PlanFileError`` openpyxl's path raises at the same row.
        ``tier=2`` skips the first tier (tests).
        """
        from data_layer.errors import PlanFileError

        self.scan = None
        start, end, attributes = self._content(xml)
        self.strings = ws._shared_strings
        spent = budget.cells
        try:
            if tier == 1:
                try:
                    return self._read_tokens(name, ws, xml, start, end, budget)
                except _SecondTier as exc:
                    budget.cells = spent
                    self.second_tier.append(f"{ws.title}: {exc}")
            return self._read_rows(name, ws, xml, start, end, attributes, budget)
        except (Unsupported, PlanFileError):
            raise
        except Exception as exc:  # a conversion openpyxl fails on: let it fail there
            raise Unsupported(type(exc).__name__) from exc

    def _read_tokens(self, name: str, ws, xml: bytes, start: int, end: int, budget):
        """First tier: the whole <sheetData> in one pass."""
        from data_layer.ingest.workbook import (
            _NO_CELLS,
            MAX_CELL_CHARS,
            MAX_CELLS,
            MAX_COLUMNS,
            MAX_ROWS,
            Sheet,
            _clip,
            _note_beyond,
            _too_many_rows,
            _trim,
        )

        title = ws.title
        strings = self.strings
        sheet = Sheet(name=title, values=[], hidden=ws.sheet_state != "visible")
        formats, errors = sheet.formats, sheet.errors
        rows: list[list] = []
        columns = _COLUMNS0
        styles = self.styles
        style_of = self.style
        convert = self.value
        dates = self.dates
        plain = (styles.get("") or style_of("")) == (None, False, False, True)  # no s: General
        counter = 1  # the next row number openpyxl expects
        r = 0  # rows yielded so far
        idx = 0  # the row being read, 0 outside rows
        last = 0
        values: list = []
        beyond = False
        y = 0  # the index of the row being read among the rows yielded
        hidden_tags: list[str] = []  # row tags that may say hidden="1"
        formulas = False
        for text in _windows(xml, start, end, b"</row>"):
            for letters, s, t, f, v, is_open, is_text, number, rest, closed, ends, other in _TOKEN_RE.findall(text):
                if letters:  # a cell
                    if not idx:
                        raise Unsupported("cell outside a row")
                    if f:  # a formula (not read with data_only); its attributes each once
                        formulas = True
                        if len(f) > 2:
                            names = _ATTRIBUTE_NAME_RE.findall(f)
                            if len(set(names)) != len(names):
                                raise Unsupported("duplicate attribute")
                    c = columns.get(letters)  # 0-based
                    if c is None:
                        c = _column(letters) - 1
                    if c < last:
                        raise Unsupported("cells out of order")
                    last = c + 1  # the row's length so far
                    if t == "inlineStr":
                        # (<is> with runs, or without <t>, is not a first-tier form)
                        if not is_open:  # no <is>: openpyxl does not read a <v> here
                            continue
                        value = _unescape(is_text) if "&" in is_text else is_text
                    elif not v:
                        continue
                    elif t == "s":
                        value = strings[int(v)]
                    elif (not t or t == "n") and "&" not in v:
                        if not (styles.get(s) or style_of(s))[1]:
                            value = float(v) if ("." in v or "E" in v or "e" in v) else int(v)  # _cast_number
                        else:  # a date style: from_excel, remembered per (style, text)
                            value = dates.get((s, v))
                            if value is None:
                                value = convert(t, v, s, None, letters)[0]  # (a date, or _SecondTier)
                    else:
                        value, data_type = convert(t, v, s, None, letters)
                        if data_type == "e" and c < MAX_COLUMNS:
                            errors.add((y, c))
                    if c >= MAX_COLUMNS:  # not read; the first one with data is reported
                        if not beyond and value not in (None, ""):
                            _note_beyond(sheet, y, c)
                            beyond = True
                        continue
                    if s or not plain:
                        info = styles.get(s) or style_of(s)
                        if info[0] is not None:
                            formats[(y, c)] = info[0]
                        elif not info[3]:
                            raise Unsupported("style")
                    # Text from XML never holds control characters (XML forbids
                    # them), so only the length can make _clip change it.
                    if value.__class__ is str and len(value) > MAX_CELL_CHARS:
                        value = _clip(sheet, y, c, value)
                    if c != len(values):
                        values.extend([None] * (c - len(values)))
                    values.append(value)
                    continue
                if number:  # a row starts
                    if idx:
                        raise Unsupported("row in a row")
                    if rest:
                        self._check_row_attributes(rest)
                        if "hidden" in rest:
                            hidden_tags.append(f'<row r="{number}"{rest}>')
                    idx = int(number)
                    if idx < counter:  # openpyxl drops a row out of order
                        raise Unsupported("rows out of order")
                    y = r + idx - counter  # its index among the rows yielded (after the blank ones)
                    last = 0
                    values = []
                    beyond = False
                    if not closed:
                        continue
                elif ends:
                    if not idx:
                        raise Unsupported("row end outside a row")
                elif other:
                    raise _SecondTier("form")
                else:
                    continue  # text between tags
                # A row ends. It is read whole before the blank rows above it are
                # counted (openpyxl parses a row before it yields the rows missing above it).
                if counter < idx:  # the blank rows above this one, one cell each
                    blank = idx - counter
                    # As openpyxl's path checks them one by one: the row limit
                    # before each row's cell, whichever is reached first.
                    if r + blank > MAX_ROWS and MAX_ROWS - r <= MAX_CELLS - budget.cells:
                        raise _too_many_rows(name, title)
                    budget.spend(title, blank)
                    rows.extend([_NO_CELLS] * blank)
                    r += blank
                counter = idx + 1
                if r >= MAX_ROWS:
                    raise _too_many_rows(name, title)
                budget.spend(title, 1 + last)
                rows.append(values if last else _NO_CELLS)
                r += 1
                idx = 0
        if idx:
            raise Unsupported("row not closed")
        sheet.values = _trim(rows)
        head, tail = self._outside
        # Where workbook's merged-area, hidden-row and formula patterns can
        # match in this sheet's XML: <sheetData> holds no merged area, its
        # hidden rows are in these row tags, its formulas only if seen.
        self.scan = Scan(head, tail, "".join(hidden_tags).encode("utf-8"), formulas)
        # Well formed and no <dimension> before the end of <sheetData>: the
        # size openpyxl reads when it opens the book is "none declared".
        ws._size_pending = False
        return sheet

    def _read_rows(self, name: str, ws, xml: bytes, start: int, end: int, attributes: bytes, budget):
        """Second tier: row by row, each with the fuller cell pattern."""
        from data_layer.ingest.workbook import (
            _NO_CELLS,
            MAX_CELL_CHARS,
            MAX_CELLS,
            MAX_COLUMNS,
            MAX_ROWS,
            Sheet,
            _clip,
            _note_beyond,
            _too_many_rows,
            _trim,
        )

        _check_text(xml, start, end)
        if _DUPLICATE_ATTR_RE.search(xml, start, end):
            raise Unsupported("duplicate attribute")
        title = ws.title
        sheet = Sheet(name=title, values=[], hidden=ws.sheet_state != "visible")
        formats, errors = sheet.formats, sheet.errors
        rows: list[list] = []
        columns = _COLUMNS
        styles = self.styles
        style_of = self.style
        convert = self.value
        counter = 1  # the next row number openpyxl expects
        r = 0  # rows yielded so far
        position = start
        unsized = False  # an element inside may be a <dimension>: openpyxl decides
        for match in _ROW_RE.finditer(xml, start, end):
            if match.start() != position:
                _check_gap(xml[position:match.start()])
            position = match.end()
            row_attributes, body = match.groups()
            found = _ROW_NUMBER_RE.search(row_attributes)
            number = found.group(1) if found else b""
            if b"xmlns" in row_attributes:  # a row in another namespace: openpyxl skips it
                raise Unsupported("namespace declaration")
            if b":" in row_attributes:
                used = set(_PREFIX_RE.findall(row_attributes))
                if used - self._declared - {b"xml"}:
                    raise Unsupported("namespace prefix")
            if not number.isdigit():
                raise Unsupported("row number")
            idx = int(number)
            if idx < counter:  # openpyxl drops a row out of order
                raise Unsupported("rows out of order")
            # The row is read whole before the blank rows above it are counted
            # (openpyxl parses a row before it yields the rows missing above it).
            y = r + idx - counter  # its index among the rows yielded
            last = 0
            values: list = []
            beyond = False
            if body:
                text = body.decode("utf-8")
                if "\r" in text:
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                for cell, letters, s, t, v, is_open, is_text, is_rich in _cells(text):
                    column = columns.get(letters) or _column(letters)
                    if column <= last:
                        raise Unsupported("cells out of order")
                    last = column
                    if t == "inlineStr":
                        if is_open:
                            value = _unescape(is_text) if "&" in is_text else is_text
                        elif is_rich:
                            value = _rich_text("is", is_rich, attributes)
                            if "dimension" in is_rich:
                                unsized = True
                        elif "<is>" in cell:
                            value = ""
                        else:
                            continue
                        data_type = "s"
                    elif not v:
                        continue
                    else:
                        value, data_type = convert(t, v, s, cell, letters)
                    c = column - 1
                    if c >= MAX_COLUMNS:  # not read; the first one with data is reported
                        if not beyond and value not in (None, ""):
                            _note_beyond(sheet, y, c)
                            beyond = True
                        continue
                    info = styles.get(s) or style_of(s)
                    if info[0] is not None:
                        formats[(y, c)] = info[0]
                    elif not info[3]:
                        raise Unsupported("style")
                    if data_type == "e":
                        errors.add((y, c))
                    if value.__class__ is str and len(value) > MAX_CELL_CHARS:
                        value = _clip(sheet, y, c, value)
                    if c != len(values):
                        values.extend([None] * (c - len(values)))
                    values.append(value)
            if counter < idx:  # the blank rows above this one, one cell each
                blank = idx - counter
                if r + blank > MAX_ROWS and MAX_ROWS - r <= MAX_CELLS - budget.cells:
                    raise _too_many_rows(name, title)
                budget.spend(title, blank)
                rows.extend([_NO_CELLS] * blank)
                r += blank
            counter = idx + 1
            if r >= MAX_ROWS:
                raise _too_many_rows(name, title)
            budget.spend(title, 1 + last)
            rows.append(values if last else _NO_CELLS)
            r += 1
        if position != end:
            _check_gap(xml[position:end])
        sheet.values = _trim(rows)
        if not unsized:
            ws._size_pending = False
        return sheet
