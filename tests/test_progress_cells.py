"""Single progress cells read end to end from a workbook (issue 11).

Counts keep their numbers on the reading, the 0–1 / 0–100 scale is decided
per cell, and a formula nobody calculated keeps its row (and its text) and is
reported cell by cell. Each workbook goes through ``read_plan`` as an upload
does, on the fast xlsx reader and on openpyxl's path (``fast=False``).
"""
from __future__ import annotations

import functools
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from data_layer.ingest import read_plan, workbook
from data_layer.model import AVANCE, AVISO, ERROR, ILEGIBLE, NO_PROGRAMADA, SIN_REPORTE

TITLE = ("ALCALDÍA MUNICIPAL DE VILLA PRUEBA", "Plan de Participación Ciudadana Vigencia 2025")
HEADER_ROW = 4


@pytest.fixture(params=["rapido", "openpyxl"])
def reader(request, monkeypatch):
    """Both xlsx paths: the fast XML reader and openpyxl's (its fallback)."""
    if request.param == "openpyxl":
        monkeypatch.setattr(workbook, "_read_xlsx", functools.partial(workbook._read_xlsx, fast=False))
    return request.param


def _book(tmp_path: Path, name: str, header: tuple, rows: list[tuple],
          formats: dict[str, str] | None = None) -> Path:
    """A plan sheet: title, header in row 4, rows from row 5. A text starting
    with "=" is written as a formula (openpyxl saves no result for it)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    for r, line in enumerate(TITLE, start=1):
        ws.cell(row=r, column=1, value=line)
    for c, text in enumerate(header, start=1):
        ws.cell(row=HEADER_ROW, column=c, value=text)
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("#"):
                cell.data_type = "e"
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    path = tmp_path / name
    wb.save(path)
    return path


def _reading(activity, index: int = 1):
    return next(r for r in activity.readings if r.period_index == index)


def _issues(plan, code: str) -> dict[tuple[int, str], object]:
    return {(i.row, i.column): i for i in plan.issues if i.code == code}


# ------------------------------------------------------------------ counts
COUNT_ROWS = [  # activity, Avance T1 → (state, value, planned, executed)
    ("Mesas de trabajo con veedurías", "programado 4 / ejecutado 3", (AVANCE, 75.0, 4.0, 3.0)),
    ("Talleres de control social", "3 de 4 actividades", (AVANCE, 75.0, 4.0, 3.0)),
    ("Audiencias públicas", "Prog: 4 Ejec: 3", (AVANCE, 75.0, 4.0, 3.0)),
    ("Encuentros con la comunidad", "ejecutadas 3 de 4", (AVANCE, 75.0, 4.0, 3.0)),
    ("Foros ciudadanos", "4 de 6", (AVANCE, 66.666666667, 6.0, 4.0)),
    ("Boletines de rendición de cuentas", "3/4", (AVANCE, 75.0, 4.0, 3.0)),
    ("Cabildo abierto", "Cumplida 3 de 4", (AVANCE, 75.0, 4.0, 3.0)),
    ("Consulta del presupuesto", "0%", (AVANCE, 0.0, None, None)),
    ("Feria de servicios", "N/A", (NO_PROGRAMADA, None, None, None)),
    ("Diálogo en corregimientos", "No programada", (NO_PROGRAMADA, None, None, None)),
    ("Encuesta de satisfacción", "Sin reporte", (SIN_REPORTE, None, None, None)),
    ("Informe de peticiones", "#DIV/0!", (ILEGIBLE, None, None, None)),
]


def test_counts_in_progress_cells_become_percentages_with_their_numbers(tmp_path, reader):
    path = _book(tmp_path, "conteos.xlsx", ("Actividad", "Responsable", "Avance T1"),
                 [(name, "Secretaría de Gobierno", cell) for name, cell, _ in COUNT_ROWS])
    plan = read_plan(path)
    assert [a.name for a in plan.activities] == [name for name, _, _ in COUNT_ROWS]
    got = [(r.state, r.value, r.planned, r.executed, r.raw)
           for r in (_reading(a) for a in plan.activities)]
    assert got == [(*expected, cell) for _, cell, expected in COUNT_ROWS]
    # The word that disagrees with the count is reported; nothing else of the counts.
    ambiguous = _issues(plan, "avance_ambiguo")
    assert list(ambiguous) == [(11, "C")]
    assert ambiguous[(11, "C")].severity == AVISO
    assert ambiguous[(11, "C")].message == (
        "La celda «Cumplida 3 de 4» dice «cumplida» (100%) pero cuenta 3 de 4: se tomó 75%. "
        "Si no es así, escriba solo el porcentaje.")
    unreadable = _issues(plan, "avance_ilegible")
    assert list(unreadable) == [(16, "C")] and unreadable[(16, "C")].severity == ERROR


# ------------------------------------------------------------------ scale
SCALE_ROWS = [  # Avance T1 (General unless formatted), Avance T2
    (50, 0.5),
    (0.5, 0.25),  # B6 formatted 0%
    (80, 0.3),  # C7 formatted 0%
    (1, 1),
    (130, 0.1),
]


def test_the_scale_of_each_progress_cell_comes_from_its_own_format(tmp_path, reader):
    path = _book(tmp_path, "escala.xlsx", ("Actividad", "Avance T1", "Avance T2"),
                 [(f"Actividad {n}", t1, t2) for n, (t1, t2) in enumerate(SCALE_ROWS, start=1)],
                 formats={"B6": "0%", "C7": "0%"})
    plan = read_plan(path)
    t1 = [(_reading(a, 1).state, _reading(a, 1).value) for a in plan.activities]
    t2 = [(_reading(a, 2).state, _reading(a, 2).value) for a in plan.activities]
    # T1: one 0% cell (0.5 → 50) does not turn the plain 50, 80, 1 and 130 into fractions.
    assert t1 == [(AVANCE, 50.0), (AVANCE, 50.0), (AVANCE, 80.0), (AVANCE, 1.0), (AVANCE, 100.0)]
    # T2: the unformatted numbers are all ≤ 1, so they are fractions; the 0% cell is its own.
    assert t2 == [(AVANCE, 50.0), (AVANCE, 25.0), (AVANCE, 30.0), (AVANCE, 100.0), (AVANCE, 10.0)]
    clamped = _issues(plan, "avance_ajustado")
    assert list(clamped) == [(9, "B")]
    assert clamped[(9, "B")].message == "El avance 130% supera 100%; se tomó como 100%: revise la celda."


def test_a_literal_percent_sign_in_the_format_does_not_scale(tmp_path, reader):
    """'0"%"' shows 50 as «50%» without multiplying; «50%» typed as text is 0–100."""
    path = _book(tmp_path, "literal.xlsx", ("Actividad", "Avance T1"),
                 [("Actividad 1", "50%"), ("Actividad 2", 50), ("Actividad 3", 0.4)],
                 formats={"B6": '0"%"', "B7": "0%"})
    plan = read_plan(path)
    assert [(_reading(a).state, _reading(a).value) for a in plan.activities] == [
        (AVANCE, 50.0), (AVANCE, 50.0), (AVANCE, 40.0)]
    assert _issues(plan, "avance_ajustado") == {}


# ------------------------------------------------------------------ formulas without result
def test_a_formula_without_saved_result_keeps_its_row_and_is_reported(tmp_path, reader):
    rows = [
        ("=CONCATENAR(B5;C5)", "Secretaría de Gobierno", "Audiencia", 0.5, "Ejecutado 2"),
        ("Mesa de trabajo con veedores", "Secretaría de Planeación", "Mesa", "=D5*2", 2),
        ("Informe de gestión", "Despacho del Alcalde", "Informe", 1, None),
    ]
    path = _book(tmp_path, "formulas.xlsx",
                 ("Actividad", "Responsable", "Meta", "Avance T1", "Ejecutado T1"), rows,
                 formats={"D5": "0%", "D7": "0%"})
    plan = read_plan(path)
    assert [a.name for a in plan.activities] == [
        "=CONCATENAR(B5;C5)", "Mesa de trabajo con veedores", "Informe de gestión"]
    assert plan.skipped_rows == []
    second = _reading(plan.activities[1])
    assert (second.state, second.value, second.raw) == (ILEGIBLE, None, "=D5*2")
    assert [(r.state, r.value) for r in (_reading(plan.activities[0]), _reading(plan.activities[2]))] == [
        (AVANCE, 50.0), (AVANCE, 100.0)]
    found = _issues(plan, "formula_sin_valor")
    assert sorted(found) == [(5, "A"), (6, "D")]
    assert all(i.severity == AVISO for i in found.values())
    assert (found[(5, "A")].value, found[(5, "A")].message) == (
        "=CONCATENAR(B5;C5)",
        "La celda tiene una fórmula sin resultado guardado (=CONCATENAR(B5;C5)): ábrala y guárdela "
        "en Excel para que se calcule. Mientras tanto se guardó el texto de la fórmula.")
    assert (found[(6, "D")].value, found[(6, "D")].message) == (
        "=D5*2",
        "La celda tiene una fórmula sin resultado guardado (=D5*2): ábrala y guárdela en Excel para "
        "que se calcule. Mientras tanto el avance de la celda queda ilegible.")
    # The formula is the only thing said about the progress cell.
    assert (6, "D") not in _issues(plan, "avance_ilegible")


def test_an_uncalculated_executed_amount_is_unreadable_not_missing(tmp_path, reader):
    path = _book(tmp_path, "ejecutado.xlsx",
                 ("Actividad", "Responsable", "Programado T1", "Ejecutado T1"),
                 [("Talleres", "Secretaría de Gobierno", 4, "=SUMA(F5:H5)"),
                  ("Foros", "Secretaría de Gobierno", 2, 1)])
    plan = read_plan(path)
    first, second = (_reading(a) for a in plan.activities)
    assert (first.state, first.value, first.planned, first.executed, first.raw) == (
        ILEGIBLE, None, 4.0, None, "=SUMA(F5:H5)")
    assert (second.state, second.value, second.planned, second.executed) == (AVANCE, 50.0, 2.0, 1.0)
    assert sorted(_issues(plan, "formula_sin_valor")) == [(5, "D")]
    assert _issues(plan, "formula_sin_valor")[(5, "D")].message.endswith(
        "Mientras tanto la cantidad no se cuenta.")
    assert _issues(plan, "ejecutado_ilegible") == {}


def _rewrite_sheet(path: Path, change) -> Path:
    """The same .xlsx with its first sheet's XML passed through ``change``."""
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info, change(data.decode()).encode() if info.filename == part else data)
    return path


def test_shared_formulas_and_empty_text_results(tmp_path, reader):
    """Excel's own forms: the cells of a shared formula carry no text (the
    first cell's formula moves to them), and =SI(…;"";…) saves an empty text,
    which is a result, not a missing one."""
    path = _book(tmp_path, "compartida.xlsx", ("Actividad", "Notas", "Avance T1"),
                 [("SHARED1", "A-1", 0.5), ("SHARED2", "A-2", 0.25), ("Foro", "EMPTY", 1)])

    def change(xml: str) -> str:
        xml = re.sub(r'<c r="A5" t="inlineStr"><is><t>SHARED1</t></is></c>',
                     '<c r="A5"><f t="shared" ref="A5:A6" si="0">B5&amp;" taller"</f></c>', xml)
        xml = re.sub(r'<c r="A6" t="inlineStr"><is><t>SHARED2</t></is></c>',
                     '<c r="A6"><f t="shared" si="0"/><v></v></c>', xml)
        return re.sub(r'<c r="B7" t="inlineStr"><is><t>EMPTY</t></is></c>',
                      '<c r="B7" t="str"><f>IF(1,"","x")</f><v></v></c>', xml)

    plan = read_plan(_rewrite_sheet(path, change))
    assert [(a.name, a.extra) for a in plan.activities] == [
        ('=B5&" taller"', {"Notas": "A-1"}), ('=B6&" taller"', {"Notas": "A-2"}), ("Foro", {})]
    assert sorted(_issues(plan, "formula_sin_valor")) == [(5, "A"), (6, "A")]
