"""No text from a spreadsheet acts on the viewer: Markdown, HTML and Plotly
labels show it as written (issue: hostile input, output safety)."""
from __future__ import annotations

import json
import re

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from data_layer import loader
from tests.conftest import ROOT
from ui import safe

EVIL_NAME = "[clic aquí](http://evil.example/robo) <script>alert('x')</script> $\\frac{1}{2}$ :red[ROJO]"
EVIL_OFFICE = "<b>Secretaría</b> de Gobierno"
EVIL_OBSERVATION = "![foto](http://evil.example/rastreo.png) **urgente** www.evil.example a@b.co :material/home:"
EVIL_EVIDENCE = "javascript:alert(1) https://drive.example/acta(1).pdf"


def hostile_workbook(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append(["Alcaldía de Prueba — Plan de participación ciudadana vigencia 2025"])
    sheet.append(["N°", "Actividad", "Responsable", "Fecha fin", "Grupo de valor", "Avance T1",
                  "Observaciones", "Evidencia T1"])
    sheet.append([1, EVIL_NAME, EVIL_OFFICE, "30/03/2025", "<i>Jóvenes</i>", "50%", EVIL_OBSERVATION,
                  EVIL_EVIDENCE])
    sheet.append([2, "=HYPERLINK(\"http://evil.example\")", "Secretaría de Salud", "30/06/2025",
                  "Mujeres", "N/A", "", ""])
    book.save(path)
    return path


@pytest.fixture()
def hostile_app(tmp_path, monkeypatch):
    db = tmp_path / "hostil.duckdb"
    loader.import_files([loader.FileSpec(hostile_workbook(tmp_path / "hostil.xlsx"))], db)
    monkeypatch.setenv("TABLERO_DB", str(db))
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30).run()


@pytest.mark.parametrize("text", [EVIL_NAME, EVIL_OFFICE, EVIL_OBSERVATION, "1. lista", "# título"])
def test_md_leaves_no_markup(text):
    escaped = safe.md(text)
    for dangerous in ("](", "![", "<script", "<b>", ":red[", "**", "$", "www."):
        assert not unescaped(dangerous, escaped)
    # What people read is the text itself: removing the escapes (and the
    # invisible word joiners that stop automatic links) gives it back.
    assert escaped.replace("\\", "").replace("\u2060", "") == text.replace("\\", "")
    for autolink in ("http://", "www.", "@b", ":material/"):
        assert autolink not in escaped.replace("\\", "")


def test_only_web_addresses_become_links():
    assert safe.link("https://drive.example/acta(1).pdf") == \
        "[https\\:\u2060//drive.example/acta\\(1\\).pdf](<https://drive.example/acta(1).pdf>)"
    assert safe.link("javascript:alert(1)") == "javascript\\:\u2060alert\\(1\\)"


def unescaped(markup: str, text: str) -> bool:
    """Whether ``markup`` occurs in ``text`` with its first character not
    backslash-escaped (so Markdown would read it as markup)."""
    return re.search(r"(?<!\\)" + re.escape(markup), text) is not None


def all_markdown(at: AppTest) -> str:
    """Every Markdown text on the page that carries text from the plan."""
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption]
    shown = "\n".join(p for p in parts if "evil" in p or "Secretar" in p or "Prueba" in p)
    return shown.replace("\u2060", "")  # the invisible joiners are checked in test_md_…


def test_activity_detail_shows_spreadsheet_text_literally(hostile_app):
    at = hostile_app
    at.switch_page("pages/actividades.py").run()
    assert not at.exception
    at.selectbox(key="detalle_actividad").set_value(1).run()  # activity_id 1
    assert not at.exception
    shown = all_markdown(at)
    assert "\\[clic aquí\\]\\(http\\://evil.example/robo\\)" in shown
    assert "\\!\\[foto\\]\\(http\\://evil.example/rastreo.png\\)" in shown
    for markup in ("<script", "](http://evil", "![", "<b>", ":red[", "**urgente", "www.evil", "$\\frac"):
        assert not unescaped(markup, shown), markup
    # Evidence: the real web address is a link, the javascript: text is not.
    assert "(<https://drive.example/acta(1).pdf>)" in shown
    assert "](javascript" not in shown and "(<javascript" not in shown


def test_chart_labels_escape_html(hostile_app):
    at = hostile_app
    at.switch_page("pages/dependencias.py").run()
    assert not at.exception
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    # What Plotly draws: axis categories, bar texts, trace names (customdata is
    # data handed back on a click, never drawn).
    drawn = [str(value) for figure in figures for trace in figure["data"]
             for key in ("x", "y", "text", "name") for value in _as_list(trace.get(key))]
    office = [label for label in drawn if "Secretar" in label and "Gobierno" in label]
    assert office and all("&lt;" in label and not re.search("<b>", label, re.I) for label in office)


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, dict):  # plotly's typed arrays
        return []
    return value if isinstance(value, list) else [value]
