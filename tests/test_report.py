"""The rendición de cuentas report: content, screens, PDF and command line.

The PDF is generated from the sample plans (``loader.ensure_database``, as on a
first start) and read back with pypdf: pages, the entity and cut-off on every
page, figures equal to the dashboard's queries for the same filters, the
charts as images. The rules of the three activity lists are checked on the
known database of conftest.py, whose figures are worked out by hand there.
"""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from data_layer import es_co, loader, queries, store
from data_layer.__main__ import main
from data_layer.filters import Filters
from data_layer.report import (build, build_pdf, content, file_name_for, options, pdf_bytes,
                                 screens)
from tests.conftest import CARTAGO, ROOT, SANATORIO, build_database

CARTAGO_EJEMPLO = "Alcaldía de Cartago (EJEMPLO ILUSTRATIVO)"
CANDELARIA = "Municipio de Candelaria"
NOW = datetime(2026, 11, 21, 9, 30)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    """The sample plans of sample_data/, imported as the dashboard does on a first start."""
    path = tmp_path_factory.mktemp("muestra") / "db.duckdb"
    assert loader.ensure_database(path)
    return path


@pytest.fixture()
def sample(sample_db):
    cursor = store.Database(sample_db).cursor()
    yield cursor
    cursor.close()


def read(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(__import__("io").BytesIO(data))
    return reader, [flat(page.extract_text()) for page in reader.pages]


def flat(text: str) -> str:
    """Extracted text with line breaks and runs of spaces as one space."""
    return re.sub(r"\s+", " ", text or "").strip()


def images(reader: PdfReader) -> int:
    return sum(len(page.images) for page in reader.pages)


# ------------------------------------------------------------------ the PDF


@pytest.mark.parametrize(("entity", "corte", "pages"), [
    (SANATORIO, date(2022, 3, 31), (3, 7)),
    (CARTAGO_EJEMPLO, date(2024, 12, 31), (4, 8)),
])
def test_the_pdf_of_one_entity_has_the_dashboards_figures(sample, entity, corte, pages):
    filters = Filters(entidad=(entity,))
    report = build(sample, filters, now=NOW)
    reader, texts = read(pdf_bytes(report))
    whole = " ".join(texts)

    assert pages[0] <= len(reader.pages) <= pages[1]
    for number, text in enumerate(texts, start=1):  # header and footer on every page
        assert entity in text
        assert f"Corte: {es_co.date_text(corte)}" in text
        assert f"Página {number} de {len(texts)}" in text
    assert "Generado el 21/11/2026 09:30" in whole

    kpis = queries.kpis(sample, filters).iloc[0]
    assert report.corte == corte == kpis["corte"]
    average = kpis[queries.AVANCE]
    assert f"Avance general: {content.semaforo_text(kpis['_semaforo'], average)}" in whole
    assert flat(queries.explain_average(kpis)) in whole  # how the average was computed
    figures = " ".join(es_co.integer(kpis[name]) for name in
                       ("Actividades", "Cumplidas", "En curso", "Vencidas", "Sin reporte",
                        "No programadas"))
    assert figures in whole  # the row of counts, in the order of the summary
    assert filters.replace(corte=corte).describe(int(kpis["Actividades"])) in whole

    for _, row in queries.phase_summary(sample, filters).iterrows():  # the phase table
        shown = es_co.percent(row[queries.AVANCE]) or "—"
        assert f"{row['Actividades']} {row['Con avance']} {shown}" in whole
    for _, row in queries.office_ranking(sample, filters).iterrows():
        assert flat(row["Dependencia"]) in whole
    # States, semáforo, phases, offices, and two charts of the cut-offs.
    assert images(reader) == 6


def test_the_pdf_names_itself_and_is_tagged_for_people(sample):
    report = build(sample, Filters(entidad=(CARTAGO_EJEMPLO,)), now=NOW)
    assert report.file_name() == \
        "informe_alcaldia_de_cartago_ejemplo_ilustrativo_2024-12-31.pdf"
    reader, _ = read(pdf_bytes(report))
    assert reader.metadata.title == "Informe de avance: Plan de Participación Ciudadana 2024"
    assert reader.metadata.author == CARTAGO_EJEMPLO
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    # Embedded, with ñ, ¿ and the semáforo's ■ ▲ ● (no Helvetica anywhere).
    assert fonts and all("DejaVuSans" in font for font in fonts)


def test_a_plan_not_followed_up_yet_says_so(sample):
    report = build(sample, Filters(entidad=(CANDELARIA,)), now=NOW)
    assert report.corte is None and not report.followed_up
    assert report.file_name() == "informe_municipio_de_candelaria_sin_corte.pdf"
    reader, texts = read(pdf_bytes(report))
    whole = " ".join(texts)
    assert all("Corte: sin seguimiento todavía" in text for text in texts)
    assert "aún no tienen ningún corte de seguimiento" in whole
    assert "Ninguna fase tiene todavía avance numérico al corte." in whole
    assert images(reader) == 2  # states and semáforo; no averages to draw


def test_every_entity_at_once(sample):
    report = build(sample, Filters(), now=NOW)
    assert report.several and report.entity_heading == "5 entidades"
    assert report.file_name().startswith("informe_varias_entidades_")
    reader, texts = read(pdf_bytes(report))
    whole = " ".join(texts)
    for entity in queries.options(sample, Filters(), "entidad"):
        assert entity in whole
    # The consolidated figures (two charts) and one row per entity, not every
    # entity's sections (tests/test_figures_agree.py checks the summary).
    assert images(reader) == 2


@pytest.mark.parametrize("filters", [
    Filters(entidad=(CARTAGO_EJEMPLO,)), Filters(entidad=(CANDELARIA,)), Filters(),
    Filters(fase=("diagnostico",)), Filters(texto="no hay tal actividad"),
    Filters(entidad=(CANDELARIA, CARTAGO_EJEMPLO), vigencia=(2024,)),
])
def test_the_download_button_names_the_pdf_as_the_report_does(sample, filters):
    # file_name_for avoids building the report (and its queries) for a button
    assert file_name_for(sample, filters) == build(sample, filters, now=NOW).file_name()


@pytest.fixture()
def hostile_db(tmp_path):
    """The known plans with spreadsheet text that means something to reportlab
    (XML-like markup) and to matplotlib ("$" math)."""
    path = build_database(tmp_path / "hostil.duckdb")
    with store.write_transaction(path) as con:
        con.execute("UPDATE activity SET name = $n WHERE activity_id = 14",
                    {"n": "<b>Diseñar</b> & <script>alert(1)</script> ¿$5.000 o $ 10?"})
        con.execute("UPDATE activity_office SET office = $o WHERE activity_id = 17",
                    {"o": "Oficina <i>de</i> $Presupuesto$ & Control"})
        con.execute("UPDATE reading SET observation = $t WHERE activity_id = 13",
                    {"t": "Taller <a href='x'>aquí</a> & más\ncon salto de línea"})
    return path


def test_spreadsheet_text_is_printed_as_written(hostile_db):
    cursor = store.Database(hostile_db).cursor()
    data = build_pdf(cursor, Filters(entidad=(CARTAGO,)))
    _, texts = read(data)
    whole = " ".join(texts)
    assert "<b>Diseñar</b> & <script>alert(1)</script> ¿$5.000 o $ 10?" in whole
    assert "Oficina <i>de</i> $Presupuesto$ & Control" in whole
    assert "Taller <a href='x'>aquí</a> & más con salto de línea" in whole


# ------------------------------------------------------ the three lists


def test_the_lists_follow_their_stated_rules(con):
    """Cartago at 30/09/2024 (conftest.py): 1 and 2 are cumplidas; 4 is vencida;
    5 has no report; the rest are pending, due 30/09, 30/11 and 31/12."""
    report = build(con, Filters(entidad=(CARTAGO,), corte=date(2024, 9, 30)))
    assert list(report.completed["Código"]) == ["1", "2"]
    assert set(report.completed["Evidencia"]) == {
        ("Sin evidencia registrada en el reporte (medio de verificación previsto: Actas y "
         "listados de asistencia)")}
    assert list(report.difficulties["Código"]) == ["4", "5"]
    assert list(report.difficulties["Estado"]) == ["Vencida", "Sin reporte"]
    assert list(report.next_steps["Código"]) == ["3", "5", "9", "6", "7", "8"]
    kpis = queries.kpis(con, report.filters).iloc[0]
    assert len(report.completed) == kpis["Cumplidas"]
    assert (report.difficulties["_estado"] == "vencida").sum() == kpis["Vencidas"]


def test_evidence_of_a_completed_activity_is_its_reports(con):
    report = build(con, Filters(entidad=(CARTAGO,), corte=date(2024, 12, 31)))
    evidence = dict(zip(report.completed["Código"], report.completed["Evidencia"],
                        strict=True))
    assert "4" not in evidence  # 90 % at the end of the year
    assert evidence["1"].startswith("Sin evidencia registrada")


# ------------------------------------------------------------- screens


def test_screens_show_every_item_once_in_the_order_of_the_hearing(con):
    report = build(con, Filters())
    fit = screens.Fit(bars=2, lines=8, chars_per_line=60)
    all_screens = screens.screens(report, fit)
    topics = [s.topic for s in all_screens]
    assert topics[:2] == ["portada", "estado"]
    assert list(dict.fromkeys(topics)) == [key for key, _ in screens.TOPICS]
    assert len({s.key for s in all_screens}) == len(all_screens)
    for topic, frame in (("cumplidas", report.completed), ("dificultades", report.difficulties),
                         ("proximos", report.next_steps),
                         ("dependencias", screens.chart_offices(report))):
        parts = [s for s in all_screens if s.topic == topic]
        shown = [row for s in parts for row in s.rows]
        assert shown == list(range(len(frame)))
        assert [s.title for s in parts][-1].endswith(f"({len(parts)} de {len(parts)})") \
            or len(parts) == 1
        assert all(len(s.rows) <= fit.bars for s in parts if topic == "dependencias")


@pytest.mark.parametrize(("weights", "groups"), [
    ([], [()]),
    ([3, 3, 3], [(0, 1), (2,)]),
    ([9, 1], [(0,), (1,)]),  # longer than a screen: a screen to itself
    ([2, 2, 2, 2], [(0, 1, 2), (3,)]),
])
def test_lists_are_packed_into_screens(weights, groups):
    assert [s.rows for s in screens._pack("cumplidas", weights, 7)] == groups


# -------------------------------------------------------------- options


@pytest.mark.parametrize(("text", "expected"), [
    ("31/12/2024", date(2024, 12, 31)),
    ("2024-12-31", date(2024, 12, 31)),
    (" 01/02/2023 ", date(2023, 2, 1)),
])
def test_cut_off_dates(text, expected):
    assert options.parse_corte(text) == expected


@pytest.mark.parametrize("text", ["31-12-2024", "2024/12/31", "31/13/2024", "ayer"])
def test_bad_cut_off_dates(text):
    with pytest.raises(options.ReportInputError) as error:
        options.parse_corte(text)
    assert error.value.message == (
        f"La fecha de corte «{text}» no es válida: escríbala como dd/mm/aaaa (31/12/2024) "
        "o aaaa-mm-dd (2024-12-31).")


@pytest.mark.parametrize(("text", "key"), [
    ("diagnostico", "diagnostico"), ("Diagnóstico", "diagnostico"),
    ("seguimiento_evaluacion", "seguimiento_evaluacion"),
    ("SEGUIMIENTO Y EVALUACION", "seguimiento_evaluacion"), ("seguimiento evaluacion",
                                                             "seguimiento_evaluacion"),
    (" Transversal ", "transversal"),
])
def test_phases_by_key_or_name(text, key):
    assert options.match_phase(text) == key


# --------------------------------------------------------- command line


def run_cli(*args: str) -> int:
    return main(["report", *args])


def test_cli_writes_the_report_named_after_entity_and_cut_off(sample_db, tmp_path, capsys):
    code = run_cli("--db", str(sample_db), "--entidad", "sanatorio de contratacion ese",
                   "--out", str(tmp_path))
    out = capsys.readouterr().out
    target = tmp_path / "informe_sanatorio_de_contratacion_ese_2022-03-31.pdf"
    assert code == 0
    assert f"Guardado en {target}" in out
    _, texts = read(target.read_bytes())
    assert SANATORIO in texts[0]
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_cli_filters_are_the_dashboards(sample_db, tmp_path, capsys):
    target = tmp_path / "informe.pdf"
    code = run_cli("--db", str(sample_db), "--entidad", CARTAGO_EJEMPLO, "--vigencia", "2024",
                   "--corte", "30/09/2024", "--fase", "Diagnóstico", "--fase", "transversal",
                   "--dependencia", "secretaria de planeacion, medio ambiente y desarrollo "
                   "economico", "--out", str(target))
    assert code == 0
    filters = Filters(entidad=(CARTAGO_EJEMPLO,), vigencia=(2024,), corte=date(2024, 9, 30),
                      fase=("diagnostico", "transversal"),
                      dependencia=("Secretaría de Planeación, Medio Ambiente y Desarrollo "
                                   + "Económico",))
    with store.Database(sample_db).cursor() as con:
        kpis = queries.kpis(con, filters).iloc[0]
    description = filters.describe(int(kpis["Actividades"]))
    assert description in capsys.readouterr().out
    _, texts = read(target.read_bytes())
    assert description in " ".join(texts)
    assert "Corte: 30/09/2024" in texts[0]


def test_cli_any_date_is_the_state_on_that_day(sample_db, tmp_path, capsys):
    code = run_cli("--db", str(sample_db), "--entidad", CARTAGO_EJEMPLO, "--corte", "2024-11-30",
                   "--out", str(tmp_path))
    assert code == 0
    assert capsys.readouterr().err == (
        "Aviso: 2024-11-30 no es una fecha de corte de seguimiento de estos planes; el estado "
        "de cada actividad es el de su último reporte hasta esa fecha.\n")
    assert (tmp_path / "informe_alcaldia_de_cartago_ejemplo_ilustrativo_2024-11-30.pdf").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--entidad", "Sanatoria"],
     ("No hay ninguna entidad llamada «Sanatoria» en la base de datos. Entidades: "
      "«Agencia (entidad no identificada en el archivo)», «Alcaldía de Cartago», "
      "«Alcaldía de Cartago (EJEMPLO ILUSTRATIVO)», «Municipio de Candelaria» y "
      "«Sanatorio de Contratación ESE».")),
    (["--entidad", "cartago"],
     ("«cartago» coincide con varias entidades: «Alcaldía de Cartago» y «Alcaldía de "
      "Cartago (EJEMPLO ILUSTRATIVO)». Escriba el nombre completo en --entidad.")),
    (["--entidad", "Sanatorio", "--vigencia", "2021"],
     ("No hay planes de la vigencia 2021 para las entidades elegidas. Vigencias disponibles: "
      "«2022».")),
    (["--vigencia", "dos mil"], "La vigencia «dos mil» no es un año (por ejemplo 2024)."),
    (["--corte", "31-03-2022"],
     ("La fecha de corte «31-03-2022» no es válida: escríbala como dd/mm/aaaa (31/12/2024) o "
      "aaaa-mm-dd (2024-12-31).")),
    (["--fase", "evaluacion"],
     ("La fase «evaluacion» no existe. Fases: diagnostico (Diagnóstico), formulacion "
      "(Formulación), implementacion (Implementación), seguimiento_evaluacion (Seguimiento y "
      "evaluación), transversal (Transversal), sin_clasificar (Sin clasificar).")),
    (["--entidad", "Sanatorio", "--dependencia", "Hacienda"],
     ("No hay ninguna dependencia llamada «Hacienda» en la base de datos. Dependencias: "
      "«Planeación», «Programa Hansen» y «SIAU».")),
    (["--umbral-rojo", "90"],
     ("Los umbrales del semáforo deben cumplir 0 ≤ rojo ≤ verde ≤ 100 (se recibió rojo "
      "90.0 y verde 80.0).")),
    (["--umbral-verde", "mucho"],
     ("Los umbrales del semáforo deben ser números entre 0 y 100 (por ejemplo --umbral-rojo 60 "
      "--umbral-verde 80).")),
])
def test_cli_bad_input_exits_2_with_a_spanish_message(sample_db, tmp_path, capsys, args,
                                                      message):
    code = run_cli("--db", str(sample_db), "--out", str(tmp_path), *args)
    assert code == 2
    assert capsys.readouterr().err == f"Error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_cli_missing_database_or_folder(tmp_path, sample_db, capsys):
    assert run_cli("--db", str(tmp_path / "no.duckdb"), "--out", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"Error: No existe la base de datos {tmp_path / 'no.duckdb'}. Indíquela con --db o con "
        "la variable TABLERO_DB (o abra el tablero una vez para crear la de ejemplo).\n")
    assert run_cli("--db", str(sample_db), "--out", str(tmp_path / "no" / "x.pdf")) == 2
    assert capsys.readouterr().err == (
        f"Error: No existe la carpeta {tmp_path / 'no'} donde guardar el informe. Créela o "
        "indique otra ruta con --out.\n")


def test_the_command_runs_on_a_server_without_streamlit(sample_db, tmp_path):
    """``python -m data_layer report`` as a scheduled job would run it: a fresh
    process that never imports Streamlit."""
    script = (
        "import sys, runpy; sys.argv = ['data_layer', 'report', '--db', sys.argv[1], "
        "'--entidad', 'Sanatorio de Contratación ESE', '--out', sys.argv[2]]\n"
        "try:\n    runpy.run_module('data_layer', run_name='__main__')\n"
        "except SystemExit as end:\n"
        "    assert 'streamlit' not in sys.modules, 'el informe importó Streamlit'\n"
        "    raise\n")
    result = subprocess.run([sys.executable, "-c", script, str(sample_db), str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "informe_sanatorio_de_contratacion_ese_2022-03-31.pdf").exists()
