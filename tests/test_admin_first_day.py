"""The administration page on the database a fresh install builds.

`streamlit run dashboard.py` without a database builds one from sample_data/
(``loader.ensure_database``). These tests open every tab of «Cargar planes»
on exactly that database — five plans, one without vigencia, three without
readings — and on a file with no entity, no vigencia and no readings.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_layer import corrections, loader
from tests.conftest import ROOT
from tests.test_admin import counts, upload
from ui import admin
from ui.safe import md

PASSWORD = "clave-de-prueba-2025"
TIMEOUT = 60

AGENCIA = "Agencia (entidad no identificada en el archivo) — vigencia sin definir"
LABELS = [AGENCIA, "Alcaldía de Cartago — vigencia 2024",
          "Alcaldía de Cartago (EJEMPLO ILUSTRATIVO) — vigencia 2024",
          "Municipio de Candelaria — vigencia 2023", "Sanatorio de Contratación ESE — vigencia 2022"]
FILES = ["004_municipio_candelaria_2022_2023.xlsx", "003_agencia_planeacion_participacion.xlsx",
         "002b_alcaldia_cartago_2024_seguimiento_ILUSTRATIVO.xlsx", "002_alcaldia_cartago_2024.xlsx",
         "000_sanatorio_contratacion_2022.xlsx"]
# No entity, no vigencia, no progress columns: the importer names the entity after the file.
BARE_CSV = ("Actividad;Responsable;Meta\n"
            "Elaborar el diagnóstico de participación;Planeación;1 documento\n"
            "Convocar el diálogo con la ciudadanía;Secretaría de Gobierno;2 encuentros\n")
BARE = "Entidad sin nombre (plan_sin_datos) — vigencia sin definir"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("primer_dia") / "tablero.duckdb"
    assert loader.ensure_database(path)
    return path


@pytest.fixture()
def db(sample_db, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "tablero.duckdb"
    shutil.copy(sample_db, path)
    monkeypatch.setenv("TABLERO_DB", str(path))
    monkeypatch.setenv("TABLERO_ADMIN_PASSWORD", PASSWORD)
    return path


@pytest.fixture()
def bare(tmp_path) -> Path:
    path = tmp_path / "plan_sin_datos.csv"
    path.write_text(BARE_CSV, encoding="utf-8")
    return path


def admin_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    at.session_state[admin._FLAG] = True  # what a login sets (see tests/test_admin.py)
    at.run()
    at.switch_page("pages/cargar.py").run()
    healthy(at)
    return at


def healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def table(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_every_tab_shows_its_content_on_the_sample_database(db):
    at = admin_page()
    assert [t.label for t in at.tabs] == ["Cargar un archivo", "Planes cargados",
                                         "Historial de importaciones", "Correcciones guardadas"]
    # Cargar un archivo: the uploader, nothing else yet.
    assert at.file_uploader(key="cargar_archivo").label == "Archivo del plan"
    # Planes cargados: the five sample plans, the one without vigencia included.
    listed = table(at, "Formato detectado")
    assert list(listed["Actividades"]) == [14, 9, 9, 6, 9]
    assert list(listed["Vigencia"].astype(object).fillna("—")) == ["—", 2024, 2024, 2023, 2022]
    picker = at.selectbox(key="plan_elegido")
    assert picker.options == LABELS and picker.value == 4
    assert at.button(key="borrar_plan").disabled
    # Historial de importaciones: one row per sample file.
    history = table(at, "Archivo")
    assert list(history["Archivo"]) == FILES
    assert set(history["Quién"]) == {"datos de ejemplo"}
    # Correcciones guardadas: none yet, and it says how they are made.
    assert [i.value for i in at.info] == [
        "No hay mapeos ni correcciones guardadas. Se crean con el asistente de mapeo al cargar un archivo."]


def test_delete_the_plan_without_vigencia_after_confirming(db):
    at = admin_page()
    assert counts(db) == (5, 47, 45)
    at.checkbox(key="borrar_confirmo").check().run()
    at.button(key="borrar_plan").click().run()
    healthy(at)
    assert counts(db) == (4, 33, 45)
    assert at.success[0].value == md(f"Se borró el plan {AGENCIA}.")
    assert at.selectbox(key="plan_elegido").options == LABELS[1:]
    # The confirmation does not stay ticked for the next plan in the list.
    assert not at.checkbox(key="borrar_confirmo").value and at.button(key="borrar_plan").disabled


def test_replace_a_plan_with_a_file_without_entity_vigencia_or_readings(db, bare):
    at = admin_page()
    at.selectbox(key="plan_elegido").set_value(1).run()
    upload(at, bare, "reemplazo_archivo_0")
    healthy(at)
    assert md(f"2 actividades de {BARE}.") in [c.value for c in at.caption]
    at.button(key="reemplazar_plan").click().run()
    healthy(at)
    assert at.success[0].value.startswith(md("Se reemplazó el plan Sanatorio de Contratación ESE — vigencia 2022:"))
    assert counts(db) == (5, 47 - 9 + 2, 45 - 9)
    assert at.selectbox(key="plan_elegido").options == LABELS[:3] + [BARE, LABELS[3]]
    # The file used is gone from the page: it cannot replace the next plan by accident.
    assert at.file_uploader(key="reemplazo_archivo_1").value is None
    assert "reemplazar_plan" not in [b.key for b in at.button]


def test_import_a_bare_file_then_its_follow_up_and_see_the_history(db, bare, tmp_path):
    at = admin_page()
    upload(at, bare)
    healthy(at)
    assert md(f"Se creará un plan nuevo: {BARE}.") in [i.value for i in at.info]
    at.button(key="cargar_confirmar").click().run()
    healthy(at)
    assert counts(db) == (6, 49, 45)
    history = table(at, "Archivo")
    assert list(history["Archivo"]) == ["plan_sin_datos.csv"] + FILES
    assert list(history["Quién"])[0] == "administrador"
    assert BARE in at.selectbox(key="plan_elegido").options
    # The same plan a quarter later (one more activity): it goes to the plan
    # just created, and the page says so before anything is written.
    later = tmp_path / "later" / "plan_sin_datos.csv"
    later.parent.mkdir()
    later.write_text(BARE_CSV + "Publicar el informe;Planeación;1 informe\n", encoding="utf-8")
    upload(at, later)
    healthy(at)
    assert any(i.value.startswith(md(f"Ya hay un plan de {BARE}: este archivo se agregará como seguimiento"))
               for i in at.info)
    at.button(key="cargar_confirmar").click().run()
    healthy(at)
    assert counts(db) == (6, 50, 45)
    assert list(table(at, "Archivo")["Archivo"])[:2] == ["plan_sin_datos.csv", "plan_sin_datos.csv"]


def test_saved_correction_is_listed_and_undone(db):
    corrections.save(corrections.Corrections(phases={"convocar el dialogo": "implementacion"}), db,
                     created_by="planeacion", source_file="plan.xlsx")
    at = admin_page()
    listed = table(at, "Se lee como")
    assert list(listed["Tipo"]) == ["Fase"] and list(listed["Quién"]) == ["planeacion"]
    at.button(key="correccion_deshacer").click().run()
    healthy(at)
    assert [i.value for i in at.info][-1].startswith("No hay mapeos ni correcciones guardadas")
