"""Nothing reported after the cut-off appears anywhere (issue 14).

The Cartago EJEMPLO ILUSTRATIVO sample at cut-off 30/09/2024: activity 3
("Capacitar funcionarios…") reads 75 % at Trimestre III and 100 % at
Trimestre IV, with the observation «Dos jornadas de capacitación…» only in
Trimestre IV. At 30/09/2024 every surface shows Trimestre III and none shows
Trimestre IV, its value or its observations.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_layer import export, queries
from data_layer.filters import Filters
from data_layer.report import content, pdf, screens
from tests.conftest import ROOT
from tests.test_report import read, sample, sample_db  # noqa: F401 (fixtures)
from ui import presentation

EJEMPLO = "Alcaldía de Cartago (EJEMPLO ILUSTRATIVO)"
T3 = date(2024, 9, 30)
FILTERS = Filters(entidad=(EJEMPLO,), corte=T3)
# Words that exist only in the Trimestre IV readings of the sample.
# (31/12/2024 is also a fecha límite of the plan: a plan date, not a report.)
AFTER = ["Trimestre IV", "Dos jornadas de capacitación",
         "Autodiagnóstico MIPG aplicado", "Estrategia aprobada por el Comité",
         "Encuestas aplicadas en junio", "Plan de mejoramiento en elaboración"]


@pytest.fixture()
def con(sample):
    return sample


@pytest.fixture()
def activity(con) -> int:
    """The id of activity 3 of the EJEMPLO plan."""
    table = queries.activities_table(con, FILTERS)
    return int(table.loc[table["Código"] == "3", "_id"].iloc[0])


def nothing_after(text: str, where: str) -> None:
    for words in AFTER:
        assert words not in text, f"{where} shows «{words}», reported after the cut-off"


def frame_text(df: pd.DataFrame) -> str:
    return export.to_csv_bytes(export.visible(df), "").decode("utf-8-sig")


@pytest.fixture()
def detail(sample_db, monkeypatch, activity) -> AppTest:
    """The Actividades page at 30/09/2024 with activity 3's detail open."""
    monkeypatch.setenv("TABLERO_DB", str(sample_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at.multiselect(key="f_entidad").set_value([EJEMPLO]).run()
    at.selectbox(key="f_corte").set_value(T3).run()
    at.switch_page("pages/actividades.py").run()
    at.selectbox(key="detalle_actividad").set_value(activity).run()
    assert not at.exception and not at.error
    return at


def test_the_history_query_stops_at_the_cutoff(con, activity):
    history = queries.activity_history(con, activity, T3)
    assert list(history["Periodo"]) == ["Trimestre I", "Trimestre II", "Trimestre III"]
    assert list(history["Avance (%)"].fillna(-1)) == [-1, 50.0, 75.0]
    assert history["Observación"].isna().all()
    # Without a cut-off (a page of the plan's whole history): all four.
    assert len(queries.activity_history(con, activity)) == 4


def test_the_detail_shows_the_value_and_state_at_the_cutoff(detail):
    cards = {m.label: m.value for m in detail.metric}
    assert cards["Avance"] == "75,0 %"  # Trimestre IV says 100 %
    assert cards["Estado al corte"] == "Vencida"  # due 31/05/2024 (its schedule)
    for element in (*detail.markdown, *detail.caption, *detail.metric):
        nothing_after(str(element.value), "the detail")


def test_the_history_table_and_its_download_stop_at_the_cutoff(detail):
    history = detail.dataframe[1].value  # after the table of activities
    assert list(history["Periodo"]) == ["Trimestre I", "Trimestre II", "Trimestre III"]
    downloaded = frame_text(history)  # what its download buttons write
    assert "Trimestre III" in downloaded
    nothing_after(downloaded, "the history download")
    nothing_after(frame_text(detail.dataframe[0].value), "the table of activities")


def test_the_observations_list_stops_at_the_cutoff(detail):
    index = next(n for n, md in enumerate(detail.markdown)
                 if md.value == "**Observaciones y evidencias**")
    after = [md.value for md in detail.markdown[index + 1:]]
    nothing_after(" ".join(after), "the observations")
    assert "Ningún reporte trae observaciones ni evidencias." in [c.value for c in
                                                                  detail.caption]


def test_the_report_and_the_activity_downloads_stop_at_the_cutoff(con, activity):
    """PDF, presentation and the downloads of the activities (these were
    already at the cut-off; the history download was not)."""
    table = queries.activities_table(con, FILTERS)
    assert set(table["Periodo del último reporte"]) == {"Trimestre III"}
    row = table[table["_id"] == activity].iloc[0]
    assert (row["Avance (%)"], row["Estado"]) == (75.0, "Vencida")
    nothing_after(frame_text(table), "the activities download")
    nothing_after(frame_text(queries.activity_history(con, activity, T3)), "history download")

    report = content.build(con, FILTERS)
    _reader, pages = read(pdf.pdf_bytes(report))
    whole = " ".join(pages)
    assert "Trimestre III 2024 (30/09/2024)" in whole
    nothing_after(whole, "the PDF")
    for screen in screens.screens(report, presentation.FIT[False]):
        rows = {"cumplidas": report.completed, "dificultades": report.difficulties,
                "proximos": report.next_steps}.get(screen.topic)
        if rows is not None:
            nothing_after(frame_text(rows.iloc[list(screen.rows)]), screen.key)


@pytest.mark.parametrize("corte", [date(2024, 12, 31), date(2024, 9, 30), date(2022, 3, 31)])
def test_next_steps_are_due_on_or_after_the_cutoff_and_not_done(con, corte):
    report = content.build(con, Filters(corte=corte))
    due = pd.to_datetime(report.next_steps["Fecha límite"])
    assert (due >= pd.Timestamp(corte)).all()
    assert "Cumplida" not in set(report.next_steps["Estado"])
    # 31/12/2024: only EJEMPLO's activity 9 (40 %, due that day); it listed
    # 18, among them Candelaria's, due in 2022 and 2023.
    expected = {date(2024, 12, 31): 1, date(2024, 9, 30): 4, date(2022, 3, 31): 18}[corte]
    assert len(report.next_steps) == expected
