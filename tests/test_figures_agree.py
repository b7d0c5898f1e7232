"""Every count a person reads names a set with exactly that many activities.

On the database the dashboard builds from sample_data/, for every sample
entity and for all of them together, at every cut-off the sidebar offers:
each page is rendered (AppTest) and the PDF is built, every count next to a
state word («3 no programadas», a «Vencidas» card) is read off the text, and
it must equal ``queries.kpis`` for the same filters, and the drill-down of
that set (``queries.activities_table`` with its conditions) must list exactly
that many activities. Issue 14: the cards counted exclusive states while the
sentence under them counted what the readings said («No programadas 0» above
«se excluyen 3 no programadas»).
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from data_layer import drill, es_co, queries
from data_layer.filters import Filters
from data_layer.queries import AVANCE
from data_layer.report import content, pdf, screens
from tests.conftest import ROOT
from tests.test_report import flat, read, sample, sample_db  # noqa: F401 (fixtures)
from ui import presentation, safe

AGENCIA = "Agencia (entidad no identificada en el archivo)"
CARTAGO = "Alcaldía de Cartago"
CARTAGO_EJEMPLO = "Alcaldía de Cartago (EJEMPLO ILUSTRATIVO)"
CANDELARIA = "Municipio de Candelaria"
SANATORIO = "Sanatorio de Contratación ESE"
ENTITIES = [AGENCIA, CARTAGO, CARTAGO_EJEMPLO, CANDELARIA, SANATORIO]
# The cut-offs the sidebar offers for each view (None: the plan has none yet).
CUTOFFS = {
    AGENCIA: [None], CARTAGO: [None], CANDELARIA: [None],
    CARTAGO_EJEMPLO: [date(2024, 12, 31), date(2024, 9, 30), date(2024, 6, 30),
                      date(2024, 3, 31)],
    SANATORIO: [date(2022, 3, 31)],
    None: [date(2024, 12, 31), date(2024, 9, 30), date(2024, 6, 30), date(2024, 3, 31),
           date(2022, 3, 31)],
}
VIEWS = [(entity, corte) for entity, cortes in CUTOFFS.items() for corte in cortes]
PAGES = ["pages/resumen.py", "pages/avance.py", "pages/dependencias.py", "pages/fases.py",
         "pages/actividades.py", "pages/presentacion.py", "pages/calidad.py"]

# A state word after a number in a sentence → (kpis column, drill conditions).
# The longer phrases first: «3 vencidas sin avance» is not «3 vencidas».
N = r"(\d{1,3}(?:\.\d{3})*)"
SETS = [
    (rf"{N} (?:actividad|actividades) con avance reportado", "Con avance",
     {"con_avance": True}),
    (rf"{N} vencidas? sin avance", "Vencidas sin avance", {"estado": "vencida",
                                                            "sin_avance": True}),
    (rf"{N} vencidas?\b", "Vencidas", {"estado": "vencida"}),
    (rf"{N} sin reporte", "Sin reporte", {"estado": "sin_reporte"}),
    (rf"{N} no programadas?\b", "No programadas", {"estado": "no_programada"}),
    (rf"{N} sin seguimiento", "Sin seguimiento", {"estado": "sin_seguimiento"}),
    (rf"{N} cumplidas?\b", "Cumplidas", {"estado": "cumplida"}),
    (rf"{N} en curso", "En curso", {"estado": "en_curso"}),
]
CARDS = {"Actividades": "Actividades", "Cumplidas": "Cumplidas", "En curso": "En curso",
         "Vencidas": "Vencidas", "Sin reporte": "Sin reporte",
         "No programadas": "No programadas", "Sin seguimiento": "Sin seguimiento"}


@pytest.fixture()
def con(sample):
    return sample


def number(text: str) -> int:
    return int(text.replace(".", ""))


def named_counts(text: str) -> list[tuple[str, int, dict]]:
    """Every (kpis column, count, drill conditions) a sentence names."""
    found, taken = [], []
    for pattern, column, conditions in SETS:
        for match in re.finditer(pattern, text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue  # part of a longer phrase already read
            taken.append(match.span())
            found.append((column, number(match.group(1)), conditions))
    return found


def filters_of(entity: str | None, corte: date | None) -> Filters:
    return Filters(entidad=(entity,) if entity else (), corte=corte)


def check(con, filters: Filters, kpis, where: str, text: str) -> int:
    """Each count ``text`` names is the kpis figure and the size of its drill-down."""
    checked = 0
    for column, count, conditions in named_counts(text):
        assert count == int(kpis[column]), f"{where}: «{text}» says {count} for {column}"
        listed = queries.activities_table(con, filters, drill.encode(conditions))
        assert len(listed) == count, f"{where}: the drill-down of {column} lists {len(listed)}"
        checked += 1
    return checked


def page_texts(at: AppTest) -> list[str]:
    return [element.value for kind in (at.markdown, at.caption, at.info, at.warning)
            for element in kind]


@pytest.mark.parametrize(("entity", "corte"), VIEWS)
def test_every_page_and_the_pdf_name_the_counts_of_the_cards(sample_db, con, monkeypatch,
                                                              entity, corte):
    monkeypatch.setenv("TABLERO_DB", str(sample_db))
    filters = filters_of(entity, corte)
    assert queries.options(con, Filters(), "entidad") == ENTITIES
    offered = list(queries.corte_options(con, filters_of(entity, None))["_corte"])
    assert offered == [c for c in CUTOFFS[entity] if c is not None]  # what the sidebar offers
    kpis = queries.kpis(con, filters).iloc[0]
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    if entity:
        at.multiselect(key="f_entidad").set_value([entity]).run()
    if corte:
        at.selectbox(key="f_corte").set_value(corte).run()
    checked = 0
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        cards = {m.label: m.value for m in at.metric}
        for label, column in CARDS.items():
            if label in cards:
                assert cards[label] == es_co.integer(kpis[column]), (page, label)
                checked += 1
        if "Avance general" in cards:
            assert cards["Avance general"] == (es_co.percent(kpis[AVANCE]) or "Sin dato")
        for text in page_texts(at):
            checked += check(con, filters, kpis, page, text)
    assert checked >= 6  # the five counting cards of Resumen and its sentence, at least

    # The presentation: every screen.
    report = content.build(con, filters)
    for screen in screens.screens(report, presentation.FIT[False]):
        at.session_state[presentation.SCREEN_KEY] = screen.key
        at.switch_page("pages/presentacion.py").run()
        cards = {m.label: m.value for m in at.metric}
        for label, column in CARDS.items():
            if label in cards:
                assert cards[label] == es_co.integer(kpis[column]), (screen.key, label)
        for text in page_texts(at):
            check(con, filters, kpis, f"presentación {screen.key}", text)

    # The PDF: its row of figures and every sentence.
    _reader, pages = read(pdf.pdf_bytes(report))
    whole = " ".join(pages)
    row = re.search(r"((?:\d[\d.]* ){6,7})Actividades Cumplidas En curso Vencidas Sin reporte "
                    r"No programadas( Sin seguimiento)?", whole)
    assert row, "the PDF's row of figures"
    labels = ["Actividades", "Cumplidas", "En curso", "Vencidas", "Sin reporte",
              "No programadas"] + (["Sin seguimiento"] if row.group(2) else [])
    for label, value in zip(labels, row.group(1).split(), strict=True):
        assert number(value) == int(kpis[CARDS[label]]), f"PDF card {label}"
    sentence = flat(queries.explain_average(kpis))
    assert sentence in whole
    assert check(con, filters, kpis, "PDF", sentence) >= 1
    # The sets the sentence names add up to all the activities.
    assert sum(n for _, n, _ in queries.average_parts(kpis)) == int(kpis["Actividades"])


def test_the_average_sentence_speaks_in_the_cards_categories(con):
    """Cartago EJEMPLO at 30/09/2024: activity 5 is overdue with «sin reporte»
    at T3 and activity 9 reads «N/A»: cards say 3 vencidas, 1 no programada."""
    kpis = queries.kpis(con, filters_of(CARTAGO_EJEMPLO, date(2024, 9, 30))).iloc[0]
    assert (kpis["Vencidas"], kpis["No programadas"], kpis["Sin reporte"]) == (3, 1, 0)
    assert queries.explain_average(kpis) == (
        "Promedio simple de 7 actividades con avance reportado; no entran en el promedio "
        "1 vencida sin avance y 1 no programada.")
    every = queries.kpis(con, Filters(corte=date(2024, 12, 31))).iloc[0]
    assert queries.explain_average(every) == (
        "Promedio simple de 15 actividades con avance reportado; no entran en el promedio "
        "3 vencidas sin avance y 29 sin seguimiento.")


# ------------------------------------------------------- the first screen


def test_the_first_screen_says_it_is_consolidated(sample_db, monkeypatch):
    monkeypatch.setenv("TABLERO_DB", str(sample_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    notes = [info.value for info in at.info if info.value.startswith("Vista consolidada")]
    assert notes == [safe.md(
        "Vista consolidada de 5 entidades, cada una con su último reporte hasta el "
        "31/12/2024: 1 al 31/12/2024 (Alcaldía de Cartago (EJEMPLO ILUSTRATIVO)), 1 al "
        "31/03/2022 (Sanatorio de Contratación ESE) y 3 todavía sin ningún corte (Agencia "
        "(entidad no identificada en el archivo), Alcaldía de Cartago y Municipio de "
        "Candelaria). Las cifras suman o promedian planes distintos; elija una entidad en "
        "la barra lateral para ver solo la suya.")]
    # The cover of the presentation says the same.
    at.switch_page("pages/presentacion.py").run()
    assert [c.value for c in at.caption if c.value.startswith("Vista consolidada")] \
        == [notes[0] + " Para una audiencia pública, elija una sola entidad."]
    at.switch_page("pages/resumen.py").run()
    # One entity (as from a link ?entidad=…): no such note.
    at.multiselect(key="f_entidad").set_value([SANATORIO]).run()
    assert not [info for info in at.info if info.value.startswith("Vista consolidada")]


def test_the_pdf_of_every_entity_summarises(con):
    report = content.build(con, Filters())
    reader, pages = read(pdf.pdf_bytes(report))
    assert len(pages) == 3  # it had 15: every entity's sections one after the other
    whole = " ".join(pages)
    assert "1. Estado general (vista consolidada)" in whole
    assert "2. Resumen por entidad" in whole
    assert "3. Cómo se calcularon las cifras" in whole
    assert "Próximos pasos" not in whole.split("3. Cómo se calcularon")[0]
    assert "Vista consolidada de 5 entidades" in whole
    # One row per entity, with its own figures (queries.entity_comparison).
    table = whole.split("2. Resumen por entidad")[1].split("3. Cómo se calcularon")[0]
    assert "Alcaldía de Cartago (EJEMPLO ILUSTRATIVO) 31/12/2024 9 9 84,4 % ● Verde 6 2 0" \
        in table
    assert "Sanatorio de Contratación ESE 31/03/2022 9 6 0,0 % ■ Rojo 0 9 0" in table
    assert "Municipio de Candelaria 6 0 — ○ Gris 0 0 6" in table
