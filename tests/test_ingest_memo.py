"""The interpretation reads each distinct value once (issue 13): the memories
must give exactly what reading every cell would.

- a progress column keeps values that compare equal but are not the same
  (1, 1.0 and VERDADERO; 0.5 with and without a percent format) apart, and the
  rows that share a value get readings of their own, not one shared object;
- ``infer_phase_words`` gives the same words for a repeated wording, and its
  faster word alignment agrees with the plain one on arbitrary text;
- ``fold`` (whose accents are now removed by one regex pass) agrees with the
  character-by-character definition on arbitrary text.
"""
from __future__ import annotations

import re
import unicodedata

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from data_layer.ingest import read_plan
from data_layer.model import AVANCE, ILEGIBLE
from data_layer.normalise import phases
from data_layer.normalise.text import _fold_once, fold

_NOT_KEPT_RE = re.compile(r"[^\w%]|_")


def _fold_reference(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_KEPT_RE.sub(" ", decomposed.lower()).split())


def _whole_words_reference(text: str, folded: str, keyword) -> str:
    """The word alignment as it was written before issue 13, token by token."""
    match = keyword.pattern.search(folded)
    first = folded.count(" ", 0, match.start())
    count = match.group(0).count(" ") + 1
    tokens = [(m.start(), m.end(), fold(m.group(0))) for m in phases._WORD.finditer(text)]
    words = [(start, end) for start, end, token in tokens for _ in token.split()]
    if " ".join(token for _, _, token in tokens if token) != folded or first + count > len(words):
        return match.group(0)
    found = text[words[first][0]:words[first + count - 1][1]]
    if found[:1].isupper() and found[1:2].islower():
        found = found[0].lower() + found[1:]
    return " ".join(found.split())


_PIECES = st.sampled_from([
    "Capacitar", "capacitación", "diagnóstico", "seguimiento", "evaluación", "Formular", "a la",
    "ciudadanía", "50%", "½", "ß", "ǅ", "Ⅻ", "ﬁnal", "x\u0301y", "_", "a½b", "١٢", "İ", " ", ",",
    "—", "\n", "n°", "1.5", "Ejecutar", "rendición de cuentas", "ℌ",
])
_TEXTS = st.one_of(st.text(max_size=40), st.lists(_PIECES, max_size=12).map(" ".join))


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_fold_is_the_character_by_character_definition(text):
    assert _fold_once(text) == _fold_reference(text)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_the_deciding_words_are_the_ones_the_plain_alignment_finds(text):
    folded = fold(text)
    keyword = phases._best_match(folded)
    if keyword is None:
        assert phases.infer_phase_words(text) == (phases.UNCLASSIFIED, None)
        return
    expected = (keyword.phase, _whole_words_reference(text, folded, keyword))
    assert phases._whole_words(text, folded, keyword) == expected[1]
    assert phases.infer_phase_words(text) == expected
    assert phases.infer_phase_words(text) == expected  # the remembered answer


def test_equal_values_of_other_types_are_read_apart_and_readings_are_not_shared(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ALCALDÍA MUNICIPAL DE VILLA PRUEBA"])
    ws.append(["Plan de Participación Ciudadana Vigencia 2025"])
    ws.append(["Actividad", "Responsable", "Avance I trimestre"])
    rows = [("Taller uno", 1), ("Taller dos", 1.0), ("Taller tres", True), ("Taller cuatro", 0.5),
            ("Taller cinco", 0.5), ("Taller seis", 1)]
    for name, value in rows:
        ws.append([name, "Secretaría de Gobierno", value])
    ws["C7"].number_format = "0%"  # "Taller cuatro": 0.5 shown as 50%
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    plan = read_plan(path)
    readings = {a.name: next(r for r in plan.activities[i].readings if r.period_index == 1)
                for i, a in enumerate(plan.activities)}
    # No number above 1 in the column: the unformatted numbers are fractions.
    assert (readings["Taller uno"].state, readings["Taller uno"].value) == (AVANCE, 100.0)
    assert (readings["Taller dos"].state, readings["Taller dos"].value) == (AVANCE, 100.0)
    assert readings["Taller tres"].state == ILEGIBLE  # VERDADERO is no progress, though True == 1
    assert readings["Taller cuatro"].value == 50.0
    assert readings["Taller cinco"].value == 50.0
    assert readings["Taller uno"] is not readings["Taller seis"]
    readings["Taller uno"].observation = "solo esta"
    assert readings["Taller seis"].observation is None


def test_the_cleaned_texts_of_a_row_are_those_of_its_cells_every_time():
    from data_layer.ingest.table import row_texts
    from data_layer.ingest.workbook import Sheet
    from data_layer.normalise.text import clean

    rows = [["  Actividad ", None, 3.0, "", "\u200b"], [], [None, "Responsable\n\n x", True, 0.5]]
    sheet = Sheet("Plan", [list(row) for row in rows])
    for _ in range(2):  # the second time from the sheet's memory
        for r, row in enumerate(rows):
            assert row_texts(sheet, r) == tuple(t for t in (clean(v) for v in row) if t)
        assert row_texts(sheet, len(rows)) == ()  # past the last row: nothing
    assert row_texts(sheet, 0) == ("Actividad", "3")
    assert Sheet("Plan", [list(row) for row in rows]) == sheet  # the memory is not compared


def _header_start_reference(sheet) -> int | None:
    """The header search as it was written before it skipped rows: every row scored."""
    from data_layer.ingest.columns import header_score
    from data_layer.ingest.table import HEADER_SEARCH_ROWS, row_texts

    scores = []
    for r in range(min(HEADER_SEARCH_ROWS, len(sheet.values))):
        texts = row_texts(sheet, r)
        scores.append(header_score(texts) if len(set(texts)) >= 2 else 0)
    if not scores or max(scores) < 2:
        return None
    threshold = max(2, int(0.6 * max(scores)))
    return next(r for r, score in enumerate(scores) if score >= threshold)


# Header words, words that are not headers, and repeats: rows that tie, rows
# with more texts than headers, title blocks that score below or above the table.
_CELLS = st.sampled_from([
    "Actividad", "Responsable", "Fecha", "Meta", "Avance", "Fase", "Indicador", "Producto",
    "Observaciones", "Evidencia", "Trimestre I", "Enero", "Programado", "Ejecutado",
    "Objetivo", "Alcaldía de Cartago", "Plan de participación 2024", "Taller", "X", "50%",
    "Secretaría de Gobierno", "Realizar la audiencia", None, "", 3, 0.5,
])
_ROWS = st.lists(st.lists(_CELLS, max_size=12), max_size=70)


@settings(max_examples=300, deadline=None)
@given(_ROWS)
def test_the_header_search_skipping_rows_finds_the_row_scoring_every_row_finds(rows):
    from data_layer.ingest.table import _header_start
    from data_layer.ingest.workbook import Sheet

    expected = _header_start_reference(Sheet("Plan", [list(row) for row in rows]))
    assert _header_start(Sheet("Plan", [list(row) for row in rows])) == expected
