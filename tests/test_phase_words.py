"""«Fase según el plan» is Spanish a person can read: for a declared phase the
text the plan wrote, for an inferred one the whole word(s) of the activity
that led to the inference — never a stem of vocab/phase_keywords.csv
(«capacit», «caracteriz», «diagnostic»)."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from data_layer import export, loader, queries
from data_layer.filters import Filters
from data_layer.ingest import read_plan
from data_layer.model import INFERRED
from data_layer.normalise.phases import infer_phase_words, inferred_from
from data_layer.normalise.text import fold
from data_layer.vocab import load_table
from tests.test_ingest_seeds import S000, S002, S003, S004

STEMS = {fold(row["keyword"]) for row in load_table("phase_keywords") if fold(row.get("keyword"))}

CARTAGO_INFERRED = [
    "Inferida de la palabra «diagnóstico»",
    "Inferida de las palabras «elaborar la estrategias»",
    "Inferida de la palabra «capacitar»",
    "Inferida de la palabra «caracterización»",
    "Inferida de la palabra «caracterización»",
    "Inferida de las palabras «encuestas de satisfacción»",
    "Inferida de la palabra «ejecución»",
    "Inferida de la palabra «publicar»",
    "Inferida de las palabras «planes de mejoramiento»",
]
CANDELARIA_INFERRED = [
    "Inferida de la palabra «diagnóstico»",
    "Inferida de la palabra «identificar»",
    "Inferida de la palabra «definir»",
    "Inferida de la palabra «divulgar»",
    "Inferida de la palabra «implementar»",
    "Inferida de la palabra «evaluar»",
]


@pytest.mark.parametrize(("text", "words"), [
    ("Conformar y capacitar un equipo de trabajo que lidere el proceso", "capacitar"),
    ("Capacitar funcionarios de la entidad en caracterización de grupos de valor", "capacitar"),
    ("Diseñar instrumento de caracterización de grupos de valor", "caracterización"),
    ("Realizar encuestas de satisfacción que permitan medir la percepción",
     "encuestas de satisfacción"),
    ("Elaborar el DIAGNÓSTICO del estado actual", "DIAGNÓSTICO"),  # as the plan wrote it
    ("Plan de mejoramiento: revisarlo", "plan de mejoramiento"),  # a capital only to begin with
    ("Hacer los planes  de\nmejoramiento", "planes de mejoramiento"),  # one space between words
])
def test_the_deciding_words_are_whole_words_of_the_activity(text, words):
    phase, found = infer_phase_words(text)
    assert found == words
    assert phase != "sin_clasificar"


def test_nothing_to_infer_from_gives_no_words():
    assert infer_phase_words("Ejercicio de Gamificación Uso Eficiente del Papel") == ("sin_clasificar", None)
    assert inferred_from(None) is None


@pytest.mark.parametrize(("path", "expected"), [(S002, CARTAGO_INFERRED), (S004, CANDELARIA_INFERRED)])
def test_inferred_phases_of_the_sample_plans_say_which_words(path, expected):
    plan = read_plan(path)
    assert [a.phase_source for a in plan.activities] == [INFERRED] * len(expected)
    assert [a.phase_raw for a in plan.activities] == expected
    for activity in plan.activities:  # the quoted words are in the activity as written
        words = activity.phase_raw.split("«", 1)[1].rstrip("»")
        assert fold(words) in fold(activity.name)


@pytest.mark.parametrize("path", [S000, S002, S003, S004])
def test_no_phase_text_is_a_vocabulary_stem(path):
    texts = {fold(a.phase_raw) for a in read_plan(path).activities}
    assert not texts & STEMS


@pytest.fixture(scope="module")
def cartago_export(tmp_path_factory):
    db = tmp_path_factory.mktemp("fases") / "tablero.duckdb"
    loader.import_files([loader.FileSpec(S002)], db)
    from data_layer import store
    con = store.connect_readonly(db)
    try:
        table = queries.activities_table(con, Filters())
    finally:
        con.close()
    return table


def test_csv_and_xlsx_show_the_words_not_the_stems(cartago_export):
    description = "Todas las actividades"
    text = export.to_csv_bytes(cartago_export, description).decode("utf-8-sig")
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=";")]
    header = next(row for row in rows if "Fase según el plan" in row)
    body = rows[rows.index(header) + 1:]
    column = header.index("Fase según el plan")
    assert [row[column] for row in body] == CARTAGO_INFERRED
    for stem in ("capacit", "caracteriz", "diagnostic"):
        assert f";{stem};" not in text

    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(cartago_export, description)))
    sheet = book["Datos"]
    names = [cell.value for cell in sheet[1]]
    column = names.index("Fase según el plan") + 1
    assert [sheet.cell(row, column).value for row in range(2, sheet.max_row + 1)] == CARTAGO_INFERRED
