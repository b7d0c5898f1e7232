"""The fast .xlsx reader gives exactly what openpyxl's read-only cells give.

``read_workbook`` reads .xlsx through ``data_layer/ingest/xlsx_fast.py``
(regular expressions over the XML, openpyxl's own conversions), falling back
to openpyxl's read-only cells for any part it does not support. The old path
is kept as the reference: ``workbook._read_xlsx(..., fast=False)``. Every
file here is read both ways and compared cell by cell — value *and type*
(1 is not 1.0, a datetime is not a date), number formats, error cells,
merged areas, hidden rows and sheets, truncations, notes — or, when the file
is refused, by the exact Spanish message.

Files: the sample plans, every fixture (tests/fixtures/builders.py), every
hostile file (tests/hostile/corpus.py), synthetic workbooks
(``synth.write_workbooks``) and workbooks written here XML by XML with each
form the fast reader handles, or must refuse to handle (then openpyxl reads
it and the result is, again, the reference's).
"""
from __future__ import annotations

import io
import random
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from data_layer import synth
from data_layer.errors import PlanFileError
from data_layer.ingest import workbook
from data_layer.ingest.workbook import read_workbook
from tests.fixtures import builders
from tests.hostile import corpus

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_data").glob("*.xlsx"))
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# ------------------------------------------------------------------ comparing
def snapshot(book: workbook.Workbook) -> tuple:
    """Everything a Workbook carries, with the type of every value."""
    sheets = []
    for s in book.sheets:
        sheets.append({
            "name": s.name, "hidden": s.hidden,
            "values": [[(type(v).__name__, repr(v)) for v in row] for row in s.values],
            "formats": sorted(s.formats.items()), "merged": s.merged,
            "hidden_rows": sorted(s.hidden_rows), "errors": sorted(s.errors),
            "truncated": s.truncated, "notes": s.notes, "controls": s.controls,
            "formulas": sorted(s.formulas.items()),
        })
    return book.file_format, book.encoding, book.delimiter, sheets


def outcome(path: Path, data: bytes, **options) -> tuple:
    """read_workbook's result (or refusal), with ``_read_xlsx`` given ``options``."""
    original = workbook._read_xlsx
    workbook._read_xlsx = lambda name, data, **_: original(name, data, **options)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "ok", snapshot(read_workbook(path, data))
    except PlanFileError as exc:
        return "refused", str(exc)
    finally:
        workbook._read_xlsx = original


def assert_same(path: Path, data: bytes | None = None, *, fast_only: bool = False) -> list[str]:
    """Fast (both tiers) == reference for one file; return why parts fell back.

    ``fast_only``: the first tier must read every sheet, nothing may fall back.
    """
    data = path.read_bytes() if data is None else data
    reference = outcome(path, data, fast=False)
    fallbacks: list[str] = []
    assert outcome(path, data, fallbacks=fallbacks) == reference, path.name
    assert outcome(path, data, tier=2) == reference, f"{path.name} (second tier)"
    if fast_only:
        assert fallbacks == [], f"{path.name}: {fallbacks}"
    return fallbacks


# ------------------------------------------------------------------ real files
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_plans(path):
    fallbacks = assert_same(path)
    # Only rich text in a title (a second-tier form) may leave the first tier.
    assert all(why.startswith("second tier:") for why in fallbacks), fallbacks


@pytest.fixture(scope="module")
def fixture_files(tmp_path_factory) -> dict[str, Path]:
    return builders.build_all(tmp_path_factory.mktemp("fixtures"))


@pytest.mark.parametrize("name", sorted(n for n in builders.FIXTURES if n.endswith(".xlsx")))
def test_fixtures(fixture_files, name):
    assert_same(fixture_files[name])


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("name", sorted(n for n in corpus.CORPUS if n.endswith(".xlsx")))
def test_hostile_corpus(hostile_dir, name):
    try:
        path = corpus.CORPUS[name].build(hostile_dir)
    except ImportError as exc:  # msoffcrypto-tool missing
        pytest.skip(f"{name}: {exc}")
    assert_same(path)


def test_synthetic_workbooks(tmp_path):
    for path in synth.write_workbooks(tmp_path, 3, 400, seed=11):
        assert_same(path, fast_only=True)


def test_random_cells_written_by_openpyxl(tmp_path):
    """Random values, types and number formats, through openpyxl's writer."""
    rng = random.Random(2025)
    formats = ["General", "0%", "0.00%", "DD/MM/YYYY", "d/m/yyyy h:mm", "h:mm", "[h]:mm:ss", "#,##0.00",
               "@", '0.0" %"', "yyyy-mm-dd"]
    import datetime as dt

    def value():
        kind = rng.randrange(12)
        if kind == 0:
            return rng.randint(-10**6, 10**6)
        if kind == 1:
            return rng.random() * rng.choice([1, 100, 1e-9, 1e12])
        if kind == 2:
            return rng.choice([True, False])
        if kind == 3:
            return dt.datetime(2025, 1, 1) + dt.timedelta(days=rng.randint(-400, 400),
                                                          seconds=rng.choice([0, rng.randint(0, 86399)]))
        if kind == 4:
            return dt.date(2024, 2, 29) + dt.timedelta(days=rng.randint(0, 700))
        if kind == 5:
            return dt.time(rng.randint(0, 23), rng.randint(0, 59))
        if kind == 6:
            return rng.choice(["", " ", "  lead", "trail  ", "a & b < c > d \"q\" 'a'", "línea\nnueva",
                               "50%", "N/A", "_x000D_", "x005F_x", "\t tab", "ñandú — «cita»", "😀 emoji"])
        if kind == 7:
            return float(rng.choice([0, 1, -1, 2**53, 10**15]))
        return "".join(rng.choice("abcdefghij áéíóú,.;%0123456789") for _ in range(rng.randint(1, 40)))

    for n in range(3):
        wb = openpyxl.Workbook()
        ws = wb.active
        for r in range(1, 60):
            for c in range(1, rng.randint(1, 14)):
                if rng.random() < 0.25:
                    continue
                cell = ws.cell(row=r, column=c, value=value())
                cell.number_format = rng.choice(formats)
        ws.merge_cells("B2:C3")
        ws.row_dimensions[7].hidden = True
        second = wb.create_sheet("Segunda")
        second.sheet_state = "hidden"
        second["A1"] = "=SUM(1,2)"
        second["B2"] = 0.5
        path = tmp_path / f"random_{n}.xlsx"
        wb.save(path)
        assert_same(path)


# ------------------------------------------------------------------ XML by hand
def _base_package() -> tuple[dict[str, bytes], dict[str, str]]:
    """The parts of a workbook with several number formats, and format → style index."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    wanted = ["0%", "DD/MM/YYYY", "0.0%", "[h]:mm", "h:mm", "#,##0", "@", "d/m/yyyy h:mm"]
    for col, fmt in enumerate(wanted, start=1):
        ws.cell(row=1, column=col, value=1).number_format = fmt
    wb.create_sheet("Otra")["A1"] = "x"
    buffer = io.BytesIO()
    wb.save(buffer)
    archive = zipfile.ZipFile(buffer)
    parts = {name: archive.read(name) for name in archive.namelist()}
    import re

    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    styles = {fmt: re.search(rf'<c r="{openpyxl.utils.get_column_letter(col)}1" s="(\d+)"', sheet).group(1)
              for col, fmt in enumerate(wanted, start=1)}
    return parts, styles


BASE, STYLE = _base_package()
SST_CT = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.sharedStrings+xml"/>')
SST_REL = ('<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/sharedStrings" Target="sharedStrings.xml"/>')
EXCEL_ROOT = (f'<worksheet xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
              'mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">')


def build(tmp_path: Path, name: str, sheet_data: str, *, sst: list[str] | str | None = None,
          root: str = EXCEL_ROOT, head: str = '<dimension ref="A1:J20"/>', tail: str = "",
          second_sheet: str | None = None, date1904: bool = False, raw: bytes | None = None) -> Path:
    """A workbook whose first sheet is ``root`` + ``head`` + ``<sheetData>…`` + ``tail``.

    ``sst``: the shared strings (texts, XML-escaped already) or the whole part.
    ``raw``: the first sheet's XML as bytes, as is.
    """
    parts = dict(BASE)
    closing = root.split()[0].replace("<", "</") + ">" if " " in root else root.replace("<", "</")
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{root}{head}'
           f'<sheetData>{sheet_data}</sheetData>{tail}{closing}').encode()
    parts["xl/worksheets/sheet1.xml"] = raw if raw is not None else xml
    if second_sheet is not None:
        parts["xl/worksheets/sheet2.xml"] = (f'<worksheet xmlns="{MAIN}"><sheetData>{second_sheet}'
                                             '</sheetData></worksheet>').encode()
    if sst is not None:
        if isinstance(sst, list):
            sst = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" '
                   f'count="{len(sst)}" uniqueCount="{len(sst)}">' + "".join(sst) + "</sst>")
        parts["xl/sharedStrings.xml"] = sst.encode("utf-8")
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", SST_CT.encode() + b"</Types>")
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", SST_REL.encode() + b"</Relationships>")
    if date1904:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"<workbookPr", b'<workbookPr date1904="1"')
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return path


def row(number: int, cells: str, attributes: str = "") -> str:
    return f'<row r="{number}"{attributes}>{cells}</row>'


EXCEL_SST = ["<si><t>Actividad</t></si>", '<si><t xml:space="preserve"> Responsable </t></si>',
             "<si><r><t>Rico </t></r><r><rPr><b/><sz val=\"11\"/></rPr><t>en formato</t></r></si>",
             "<si><t>Con fonética</t><rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh><phoneticPr fontId=\"1\"/></si>",
             "<si><t/></si>", "<si><t>a &amp; b &lt;c&gt; &#233;&#x41; _x000D_ x005F_x000A_</t></si>",
             "<si><t>línea\r\nnueva\rvieja</t></si>", "<si></si>", "<si>\n  <t>espacios</t>\n</si>",
             "<si><t>N/A</t></si>"]


def excel_like(tmp_path, name="excel.xlsx", **kwargs) -> Path:
    s = STYLE
    rows = "".join([
        row(1, '<c r="A1" s="{}" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
               '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c>'
               '<c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v>7</v></c><c r="I1" t="s"><v>8</v></c>'
               .format(s["@"]), ' spans="1:9" x14ac:dyDescent="0.25"'),
        row(2, f'<c r="A2"><v>1</v></c><c r="B2" s="{s["DD/MM/YYYY"]}"><v>45658</v></c>'
               f'<c r="C2" s="{s["0%"]}"><v>0.5</v></c><c r="D2" s="{s["0.0%"]}"><v>0.255</v></c>'
               f'<c r="E2" s="{s["[h]:mm"]}"><v>1.75</v></c><c r="F2" s="{s["h:mm"]}"><v>0.5</v></c>'
               f'<c r="G2" s="{s["#,##0"]}"><v>1234567</v></c><c r="H2" s="{s["d/m/yyyy h:mm"]}"><v>45658.25</v></c>'
               f'<c r="I2" s="{s["0%"]}"/><c r="J2" s="{s["0%"]}" t="s"><v>9</v></c>',
            ' spans="1:10" ht="30" customHeight="1" x14ac:dyDescent="0.25"'),
        row(3, '<c r="A3"><f>1/0</f><v>#DIV/0!</v></c>'.replace("<c r=\"A3\">", '<c r="A3" t="e">')
            + '<c r="B3" t="b"><v>1</v></c><c r="C3" t="b"><v>0</v></c>'
              '<c r="D3" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="E3" t="str"><f>""</f><v></v></c>'
              '<c r="F3"><f t="shared" ref="F3:F5" si="0">A2*2</f><v>2</v></c>'
              '<c r="G3" t="n"><v>1.0</v></c><c r="H3"><v>1E3</v></c><c r="I3"><v>-0</v></c>'
              '<c r="J3"><v>12345678901234567890</v></c>', ' hidden="1" spans="1:10"'),
        row(4, '<c r="A4"><f>SUM(A1:A2)</f></c><c r="B4"><f>SUM(A1:A2)</f><v/></c>'
               '<c r="F4"><f t="shared" si="0"/><v>4</v></c><c r="G4"><v>1e400</v></c>'
               '<c r="H4"><v>-1e400</v></c><c r="I4"><v>0.1</v></c><c r="J4"><v>3.14159e-5</v></c>'),
        row(6, '<c r="B6" t="inlineStr"><is><t>en línea</t></is></c>'
               '<c r="C6" t="inlineStr"><is><t xml:space="preserve">  con espacios  </t></is></c>'
               '<c r="D6" t="inlineStr"><is><t></t></is></c><c r="E6" t="inlineStr"/>'
               '<c r="F6" t="inlineStr"><v>ignorado</v></c><c r="G6" t="inlineStr"><is><t>_x000D_ &amp;</t></is></c>'),
        row(8, '<c r="A8" t="d"><v>2025-03-01T10:30:00</v></c><c r="B8" t="e"><v>#N/A</v></c>'
               f'<c r="C8" s="{s["0%"]}" t="e"><v>#REF!</v></c><c r="D8" t="s"><v>0</v></c>', ' hidden="true"'),
        '<row r="9"/>',
        row(10, '<c r="A10" t="s"><v>1</v></c>'),
    ])
    return build(tmp_path, name, rows, sst=EXCEL_SST,
                 tail='<mergeCells count="2"><mergeCell ref="A1:B1"/><mergeCell ref="C9:D10"/></mergeCells>',
                 **kwargs)


def test_excel_like_first_tier(tmp_path):
    """Excel's forms (shared strings, styles, formulas, errors, booleans, dates,
    1904 or not) are read by the first tier with the reference's result."""
    assert_same(excel_like(tmp_path), fast_only=True)
    assert_same(excel_like(tmp_path, "excel1904.xlsx", date1904=True), fast_only=True)
    result = read_workbook(tmp_path / "excel.xlsx")
    sheet = result.sheets[0]
    assert sheet.values[1][2] == 0.5 and sheet.formats[(1, 2)] == "0%"
    assert sheet.hidden_rows == {2, 7} and (0, 0, 0, 1) in sheet.merged
    assert (2, 0) in sheet.errors
    # Formulas never calculated keep their text; an empty text result (E3) is a result.
    assert sheet.formulas == {(3, 0): "=SUM(A1:A2)", (3, 1): "=SUM(A1:A2)"}
    assert sheet.values[3][:2] == ["=SUM(A1:A2)", "=SUM(A1:A2)"] and sheet.values[2][4] is None


FORMS = {  # name → (<sheetData> content, what the reader must do)
    "pretty_printed": ("\n  " + row(1, '\n    <c r="A1" t="inlineStr"><is><t>x</t></is></c>\n    '
                                       '<c r="B1"><v>2</v></c>\n  ') + "\n  " + row(2, '<c r="A2"><v>3</v></c>') + "\n",
                       "first"),
    "attributes_newlines": (row(1, '<c r="A1"\n s="1"><v>2</v></c>', "\n spans=\"1:1\""), "any"),
    "rich_inline": (row(1, '<c r="A1" t="inlineStr"><is><r><t>a</t></r><r><rPr><b/></rPr><t>b</t></r></is></c>'),
                    "second"),
    "empty_inline": (row(1, '<c r="A1" t="inlineStr"><is></is></c><c r="B1" t="inlineStr"><is><t/></is></c>'
                            '<c r="C1"><v>1</v></c>'), "second"),
    "cell_metadata": (row(1, '<c r="A1" s="1" t="n" cm="1"><f t="array" ref="A1">SEQUENCE(1)</f><v>1</v></c>'),
                      "second"),
    "cells_out_of_order": (row(1, '<c r="C1"><v>3</v></c><c r="A1"><v>1</v></c>'), "openpyxl"),
    "duplicate_cells": (row(1, '<c r="A1"><v>1</v></c><c r="A1"><v>2</v></c>'), "openpyxl"),
    "rows_out_of_order": (row(5, '<c r="A5"><v>5</v></c>') + row(2, '<c r="A2"><v>2</v></c>'), "openpyxl"),
    "row_without_number": ('<row><c r="A1"><v>1</v></c></row><row><c r="A2"><v>2</v></c></row>', "openpyxl"),
    "cell_without_reference": (row(1, '<c><v>1</v></c><c><v>2</v></c>'), "openpyxl"),
    "number_attribute_first": ('<row spans="1:2" r="3"><c r="A3"><v>1</v></c></row>', "second"),
    "comment": (row(1, '<c r="A1"><v>1</v></c>') + "<!-- nota -->" + row(2, '<c r="A2"><v>2</v></c>'), "openpyxl"),
    "cdata": (row(1, '<c r="A1" t="str"><v><![CDATA[a<b]]></v></c>'), "openpyxl"),
    "entities": (row(1, '<c r="A1" t="inlineStr"><is><t>&#65;&#x42;&amp;&lt;&gt;&quot;&apos;&#13;&#10;</t></is></c>'
                        '<c r="B1"><v>&#49;&#50;</v></c>'), "any"),
    "crlf_text": (row(1, '<c r="A1" t="inlineStr"><is><t>a\r\nb\rc\n</t></is></c>'), "first"),
    "unknown_entity": (row(1, '<c r="A1" t="inlineStr"><is><t>&nbsp;</t></is></c>'), "refused"),
    "forbidden_char_ref": (row(1, '<c r="A1" t="inlineStr"><is><t>a&#1;b</t></is></c>'), "refused"),
    "bad_nesting": (row(1, '<c r="A1"><v>1</c></v>'), "refused"),
    "unclosed_row": ('<row r="1"><c r="A1"><v>1</v></c>', "refused"),
    "undeclared_prefix": (row(1, '<c r="A1"><v>1</v></c>', ' foo:bar="1"'), "refused"),
    "duplicate_attribute": (row(1, '<c r="A1"><v>1</v></c>', ' spans="1:1" spans="1:2"'), "refused"),
    "row_in_other_namespace": ('<row r="1" xmlns="urn:otro"><c r="A1"><v>1</v></c></row>'
                               + row(2, '<c r="A2"><v>2</v></c>'), "openpyxl"),
    "bad_number": (row(1, '<c r="A1"><v>uno</v></c>'), "refused"),
    "bad_string_index": (row(1, '<c r="A1" t="s"><v>999</v></c>'), "refused"),
    "bad_style_index": (row(1, '<c r="A1" s="999"><v>1</v></c>'), "refused"),
    "bad_style_empty_cell": (row(1, '<c r="A1" s="999"/><c r="B1"><v>2</v></c>'), "first"),
    "date_out_of_range": (row(1, f'<c r="A1" s="{STYLE["DD/MM/YYYY"]}"><v>1e10</v></c>'), "second"),
    "row_zero": (row(0, '<c r="A1"><v>1</v></c>'), "any"),
    "cell_row_zero": (row(1, '<c r="A0"><v>1</v></c>'), "openpyxl"),  # openpyxl 3.1 reads row 0
    "lowercase_reference": (row(1, '<c r="a1"><v>1</v></c>'), "any"),
    "text_between_cells": (row(1, '<c r="A1"><v>1</v></c>texto suelto<c r="B1"><v>2</v></c>'), "first"),
    "gt_in_attribute": (row(1, '<c r="A1"><v>1</v></c>', ' foo="a>b"'), "any"),
    "far_row": (row(1, '<c r="A1"><v>1</v></c>') + row(900_000, '<c r="A900000"><v>2</v></c>'), "first"),
    "beyond_columns": (row(1, '<c r="A1"><v>1</v></c><c r="OK1"><v>2</v></c><c r="ZZ1"><v>3</v></c>'
                              '<c r="AAA1" t="inlineStr"><is><t>lejos</t></is></c>'), "first"),
    "long_text": (row(1, '<c r="A1" t="inlineStr"><is><t>' + "x" * 40_000 + '</t></is></c>'), "first"),
    "empty_sheet_data": ("", "first"),
    "whitespace_row": (row(1, "   ") + row(2, '<c r="A2"><v>1</v></c>'), "first"),
    "cell_outside_row": ('<c r="A1"><v>1</v></c>', "any"),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_forms(tmp_path, form):
    content, expected = FORMS[form]
    path = build(tmp_path, f"{form}.xlsx", content, sst=EXCEL_SST)
    fallbacks = assert_same(path)
    if expected == "first":
        assert fallbacks == []
    elif expected == "second":
        assert fallbacks and all(why.startswith("second tier:") for why in fallbacks)
    elif expected == "openpyxl":
        assert any(not why.startswith("second tier:") for why in fallbacks)
    elif expected == "refused":
        assert outcome(path, path.read_bytes())[0] == "refused"


PARTS = {  # name → keyword arguments of build() (a whole-part variation)
    "no_dimension": {"head": ""},
    "dimension_late": {"head": '<sheetViews><sheetView workbookViewId="0"/></sheetViews><dimension ref="A1:B2"/>'},
    "bad_dimension": {"head": '<dimension ref="no es un rango"/>'},
    "prefixed_sheet": {"raw": (f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1">'
                               '<x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>').encode()},
    "strict_namespace": {"root": '<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main">'},
    "doctype": {"raw": (f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e "x">]><worksheet xmlns="{MAIN}">'
                        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData>'
                        '</worksheet>').encode()},
    "latin1_declared": {"raw": (f'<?xml version="1.0" encoding="ISO-8859-1"?><worksheet xmlns="{MAIN}"><sheetData>'
                                '<row r="1"><c r="A1" t="inlineStr"><is><t>Planeaci\xf3n</t></is></c></row>'
                                '</sheetData></worksheet>').encode("latin-1")},
    "invalid_utf8": {"raw": (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
                             ).encode() + b"\xff\xfe" + b"</t></is></c></row></sheetData></worksheet>"},
    "broken_after_data": {"tail": "<pageMargins left=\"0.7\""},
    "bad_margins": {"tail": '<pageMargins left="ancho" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'},
    "second_sheet_data": {"tail": '<sheetData><row r="9"><c r="A9"><v>9</v></c></row></sheetData>'},
    "hidden_row_in_head": {"head": '<dimension ref="A1"/><foo:row xmlns:foo="urn:x" r="4" hidden="1"/>'},
    "merge_in_head": {"head": '<dimension ref="A1"/><foo:mergeCell xmlns:foo="urn:x" ref="A1:A3"/>'},
    "formula_in_tail": {"tail": '<extLst><c r="Z9"><f>1</f></c></extLst>'},
    "bom": {"raw": b"\xef\xbb\xbf" + (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
                                       '<row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>').encode()},
}


@pytest.mark.parametrize("variant", sorted(PARTS))
def test_whole_part_variations(tmp_path, variant):
    content = row(1, '<c r="A1"><v>1</v></c><c r="B1" t="inlineStr"><is><t>b</t></is></c>')
    assert_same(build(tmp_path, f"{variant}.xlsx", content, sst=EXCEL_SST, **PARTS[variant]))


SST_VARIANTS = {
    "pretty": ("\n" + "\n".join(EXCEL_SST) + "\n", "first"),
    "comment": ("<!-- c -->" + "".join(EXCEL_SST), "any"),
    "bad_entity": ("".join(EXCEL_SST) + "<si><t>&bogus;</t></si>", "any"),
    "empty": ("", "first"),
    "si_attribute": ("".join(EXCEL_SST) + '<si foo="1"><t>x</t></si>', "any"),
    "undeclared_in_rich": ("".join(EXCEL_SST) + "<si><r><x:t>a</x:t></r></si>", "any"),
}


@pytest.mark.parametrize("variant", sorted(SST_VARIANTS))
def test_shared_string_variations(tmp_path, variant):
    body, expected = SST_VARIANTS[variant]
    sst = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN}" count="1" uniqueCount="1">'
           + body + "</sst>")
    content = row(1, '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>2</v></c>') if body else row(1, '<c r="A1"><v>1</v></c>')
    fallbacks = assert_same(build(tmp_path, f"sst_{variant}.xlsx", content, sst=sst))
    if expected == "first":
        assert fallbacks == []


def test_a_sheet_refused_when_opened_is_refused_first(tmp_path):
    """openpyxl reads every sheet's declared size when it opens the book: a
    second sheet broken before its end is refused as «no es un .xlsx válido»
    even when the first sheet would be refused for its size."""
    huge = "".join(row(n, f'<c r="A{n}"><v>{n}</v></c>') for n in range(1, 4))
    broken = '<row r="1"><c r="A1"><v>1</v></c>'  # never closed, and no <dimension>
    path = build(tmp_path, "two.xlsx", huge + row(1_048_577, '<c r="A1048577"><v>1</v></c>'),
                 head="", second_sheet=broken)
    assert_same(path)
    assert "no es un .xlsx válido" in outcome(path, path.read_bytes())[1]


def test_reference_path_still_reads_everything(tmp_path):
    """``fast=False`` is the whole openpyxl path (kept as the reference)."""
    path = excel_like(tmp_path)
    book = workbook._read_xlsx(path.name, path.read_bytes(), fast=False)
    assert book.sheets[0].values[0][0] == "Actividad"
