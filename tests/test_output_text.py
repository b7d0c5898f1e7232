"""Every output survives every text (issue 12, point 5).

A plan with a name of 2.500 characters, an observation of 1.300 and an office
of 32.767 (the most an Excel cell holds) gives a PDF whose cells end in "…"
(the CSV keeps the whole text), charts whose labels are cut to a readable
width with the whole name on hover, and no bidirectional control or
zero-width character anywhere a name is shown. Evidence addresses become
links only for http(s), without the punctuation that follows them.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from PIL import Image
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from data_layer import export, loader, queries, store
from data_layer.__main__ import main
from data_layer.filters import Filters
from data_layer.report import build, charts as report_charts, pdf_bytes, pdf_parts
from tests.conftest import ROOT
from ui import charts, safe

ENTITY = "Alcaldía de Textos Largos"
# Word runs with an end marker that no output may show once the text is cut.
LONG_NAME = ("Realizar la jornada " + "larga " * 420 + "FINNOMBRE")[:2500 - 9] + "FINNOMBRE"
LONG_OBSERVATION = ("Observación " + "extensa " * 170)[:1300 - 8] + "FINOBSER"
LONG_OFFICE = ("Oficina de " + "gestión " * 4200)[:32767 - 9] + "FINOFICIN"
SPOOFED = "Informe fdp\u202eexe.pdf del \u200bcomité\ufeff"  # shows «Informe fdpfdp.exe…» unfixed
SPOOFED_CLEAN = "Informe fdpexe.pdf del comité"
SPOOFED_OFFICE = "Secretaría\u2066 de\u200d Gobierno\u061c"
EVIDENCE = "Acta en (ver https://drive.example/acta(1).pdf)."


def _write_plan(path):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["No.", "Actividad", "Responsable", "Fase", "Fecha inicio", "Fecha fin",
                         "Avance T1", "Observaciones", "Evidencia T1"])
        writer.writerow([1, LONG_NAME, "Planeación", "Diagnóstico", "20/01/2025", "28/02/2025",
                         "100%", LONG_OBSERVATION, EVIDENCE])
        writer.writerow([2, "Actividad corta", LONG_OFFICE, "Formulación", "20/01/2025",
                         "28/02/2025", "40%", LONG_OBSERVATION, ""])
        writer.writerow([3, SPOOFED, SPOOFED_OFFICE, "Implementación", "20/01/2025",
                         "30/12/2025", "50%", "", ""])
    return path


@pytest.fixture(scope="module")
def long_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("largos")
    db = folder / "largos.duckdb"
    loader.import_files([loader.FileSpec(_write_plan(folder / "plan.csv"), entity=ENTITY,
                                         year=2025)], db)
    return db


@pytest.fixture()
def con(long_db):
    cursor = store.Database(long_db).cursor()
    yield cursor
    cursor.close()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


# ------------------------------------------------------------------ the PDF


def test_the_pdf_of_very_long_texts_cuts_them_with_an_ellipsis(con):
    text = pdf_text(pdf_bytes(build(con, Filters())))
    assert ENTITY in text
    for marker in ("FINNOMBRE", "FINOBSER", "FINOFICIN"):
        assert marker not in text  # every long text was cut…
    assert re.search(r"Realizar la jornada larga larga( larga)+ (l|la|lar|larg|larga)?…", text)
    assert re.search(r"Observación extensa( extensa)+ (e|ex|ext|exte|exten|extens|extensa)?…",
                     text)
    assert re.search(r"Oficina De Gestión( Gestión)+ ?\w*…", text, re.I)
    assert "Actividad corta" in text  # …and the short ones are whole
    # Bidirectional and zero-width characters never reach the page.
    assert SPOOFED_CLEAN in text and not re.search("[\u202a-\u202e\u200b-\u200f\ufeff]", text)
    # The CSV download keeps the whole texts.
    rows = queries.activities_table(con, Filters())
    data = export.to_csv_bytes(export.visible(rows), "prueba").decode("utf-8-sig")
    assert LONG_NAME in data and LONG_OBSERVATION in data


def test_the_command_line_writes_the_report_of_very_long_texts(long_db, tmp_path, capsys):
    out = tmp_path / "informe.pdf"
    assert main(["report", "--db", str(long_db), "--out", str(out)]) == 0
    assert "FINNOMBRE" not in pdf_text(out.read_bytes())
    assert "Traceback" not in capsys.readouterr().err


def test_clip_keeps_short_text_and_cuts_long_lines_and_many_lines():
    assert pdf_parts.clip("Planeación", 100) == "Planeación"
    many = "\n".join(f"línea {n}" for n in range(1, 401))
    cut = pdf_parts.clip(many, 200)
    assert cut.endswith("…") and cut.count("\n") == pdf_parts.CELL_LINES - 1
    assert pdf_parts.clip("x" * 32767, 50).startswith("xxxx") and len(pdf_parts.clip("x" * 32767, 50)) < 200


def test_the_report_chart_of_a_32767_character_office_stays_one_chart_tall(con):
    offices = queries.office_ranking(con, Filters())
    png = report_charts.averages(offices, "Dependencia", Filters().umbrales)
    width, height = Image.open(io.BytesIO(png)).size
    assert width == 1400 and height < 700  # 7 in × 200 dpi; three bars of two lines


# ---------------------------------------------------------------- dashboard


def _drawn_labels(figure) -> list[str]:
    return [label for trace in figure.data for label in (trace.y or ())]


def test_dashboard_charts_cut_labels_and_show_the_whole_name_on_hover(con):
    offices = queries.office_ranking(con, Filters())
    figure = charts.ranking(offices, "Dependencia", Filters().umbrales)
    labels = _drawn_labels(figure)
    assert len(labels) == 3
    for label in labels:
        assert len(label.replace("<br>", " ")) <= 50
    long_label = next(label for label in labels if "Gestión" in label or "gestión" in label)
    assert long_label.endswith("…")
    assert figure.layout.height < 400  # was 25.228 px
    hovers = list(figure.data[0].hovertext)
    assert "%{hovertext}" in figure.data[0].hovertemplate
    long_hover = next(h for h in hovers if "estión" in h)
    assert len(long_hover.replace("<br>", " ")) == 1000 and long_hover.endswith("…")
    # A name longer than the label but shorter than the hover limit is whole there.
    name = "Secretaría de Planeación, Medio Ambiente, Desarrollo Económico y Turismo del Municipio"
    one = offices.head(1).assign(Dependencia=name)
    figure = charts.ranking(one, "Dependencia", Filters().umbrales)
    assert figure.data[0].hovertext[0].replace("<br>", " ") == name
    assert figure.data[0].y[0].replace("<br>", " ") == name[:49] + "…"


def test_two_names_cut_to_the_same_label_stay_two_bars(con):
    offices = queries.office_ranking(con, Filters()).head(2)
    same = "Dirección de Fortalecimiento Institucional y Participación Ciudadana"
    offices = offices.assign(Dependencia=[same + " Norte", same + " Sur"])
    labels = _drawn_labels(charts.ranking(offices, "Dependencia", Filters().umbrales))
    assert len(set(labels)) == 2 and labels[1].endswith("(2)")


def test_names_are_imported_without_bidi_or_zero_width_characters(con):
    names = [row[0] for row in con.execute("SELECT name FROM activity ORDER BY seq").fetchall()]
    assert SPOOFED_CLEAN in names
    offices = [row[0] for row in con.execute("SELECT DISTINCT office_raw FROM activity_office").fetchall()]
    assert "Secretaría de Gobierno" in offices


INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c" \
            "\u200b\u200c\u200d\ufeff\u2060"


@pytest.mark.parametrize("char", list(INVISIBLE))
def test_every_display_drops_bidi_and_zero_width_characters(char):
    name = f"fdp{char}exe.pdf"
    assert safe.md(name) == "fdpexe.pdf"
    assert charts._esc(name) == "fdpexe.pdf"
    assert charts._wrap(name) == "fdpexe.pdf"
    assert pdf_parts.markup(name) == "fdpexe.pdf"
    assert report_charts._wrap(name) == "fdpexe.pdf"


# -------------------------------------------------------------------- links


@pytest.mark.parametrize(("text", "expected"), [
    ("(ver https://x.gov.co/acta)",
     "\\(ver [https\\:\u2060//x.gov.co/acta](<https://x.gov.co/acta>)\\)"),
    ("https://x.gov.co/acta.pdf.", "[https\\:\u2060//x.gov.co/acta.pdf](<https://x.gov.co/acta.pdf>)."),
    ("https://drive.example/acta(1).pdf),",
     "[https\\:\u2060//drive.example/acta\\(1\\).pdf](<https://drive.example/acta(1).pdf>)\\),"),
    ("javascript:alert(1)", "javascript\\:\u2060alert\\(1\\)"),
    ("data:text/html,<b>x</b>", "data\\:\u2060text/html,\\<b\\>x\\</b\\>"),
    ("file:///etc/passwd", "file\\:\u2060///etc/passwd"),
    ("https://a.co/\u202efdp.exe", "[https\\:\u2060//a.co/fdp.exe](<https://a.co/fdp.exe>)"),
])
def test_evidence_links_are_http_only_and_whole(text, expected):
    assert safe.links(text) == expected


def test_the_dependencias_page_shows_cut_labels_without_bidi(long_db, monkeypatch):
    monkeypatch.setenv("TABLERO_DB", str(long_db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at.switch_page("pages/dependencias.py").run()
    assert not at.exception
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    labels = [str(y) for figure in figures for trace in figure["data"]
              for y in (trace.get("y") or []) if isinstance(trace.get("y"), list)]
    assert labels and all(len(label.replace("<br>", " ")) <= 50 for label in labels)
    assert "Secretaría de Gobierno" in labels
    assert max(figure["layout"]["height"] for figure in figures) < 600


def test_tables_on_screen_drop_bidi_and_zero_width_characters():
    import pandas as pd

    from ui import tables

    shown = tables._without_invisible(pd.DataFrame({"Actividad": [SPOOFED, None], "Avance (%)": [1.0, 2.0]}))
    assert shown["Actividad"].tolist()[0] == SPOOFED_CLEAN and shown["Avance (%)"].tolist() == [1.0, 2.0]


def test_a_pdf_that_cannot_be_made_still_downloads_a_file_that_says_so(long_db, monkeypatch):
    from data_layer import report
    from ui import presentation

    def broken(con, filters):
        raise RuntimeError("falla de prueba")

    monkeypatch.setattr(report, "build_pdf", broken)
    text = pdf_text(presentation._pdf(store.Database(long_db), Filters()))
    assert text.startswith("No se pudo generar el informe No se pudo generar el informe PDF de "
                           "esta vista. Inténtelo de nuevo;")
    assert "falla de prueba" not in text
