"""Loading plans from the dashboard, behind the administrator login (AppTest)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_layer import loader, store
from tests.conftest import ROOT
from ui import admin

SAMPLES = ROOT / "sample_data"
PASSWORD = "clave-de-prueba-2025"
TIMEOUT = 30


@pytest.fixture()
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "tablero.duckdb"
    loader.import_files([loader.FileSpec(SAMPLES / "002_alcaldia_cartago_2024.xlsx")], path)
    monkeypatch.setenv("TABLERO_DB", str(path))
    monkeypatch.setenv("TABLERO_ADMIN_PASSWORD", PASSWORD)
    admin._limiter.clear()  # a fresh server for each test
    return path


def start() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()


def login(at: AppTest) -> AppTest:
    """An administrator session. AppTest loses the click of a button rendered
    before ``st.navigation(...).run()`` (the login form lives there), so the
    form itself is tested alone below and in tests/test_browser.py; here the
    session gets the flag that only a successful login sets."""
    at.session_state[admin._FLAG] = True
    return at.run()


LOGIN_FORM = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from ui import admin
admin.login_form()
st_flag = admin.is_admin()
import streamlit as st
st.write("admin" if st_flag else "visitante")
"""


def form() -> AppTest:
    return AppTest.from_string(LOGIN_FORM, default_timeout=TIMEOUT).run()


def submit(at: AppTest, password: str) -> AppTest:
    at.text_input(key="admin_password_input").set_value(password)
    at.get("form_submit_button")[0].click()
    return at.run()


def counts(path: Path) -> tuple[int, int, int]:
    con = store.connect_readonly(path)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                     for t in ("plan", "activity", "reading"))
    finally:
        con.close()


def upload(at: AppTest, path: Path, key: str = "cargar_archivo") -> AppTest:
    at.file_uploader(key=key).set_value((path.name, path.read_bytes(), "application/octet-stream"))
    return at.run()


# ---------------------------------------------------------------- viewers


def test_viewer_has_no_admin_page_in_the_navigation(db):
    at = start()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/cargar.py")
    assert not at.exception


def test_admin_page_run_directly_stops_before_any_action(db):
    # What a deep link to the page file would run, bypassing the navigation.
    at = AppTest.from_file(str(ROOT / "pages" / "cargar.py"), default_timeout=TIMEOUT).run()
    assert [e.value for e in at.error][0].startswith("Esta página es sólo para administradores")
    assert not at.get("file_uploader") and not at.button and not at.checkbox


def test_url_and_widget_keys_cannot_open_the_session(db):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params["admin"] = "1"
    at.query_params[admin._FLAG] = "True"
    at.run()
    with pytest.raises(ValueError):
        at.switch_page("pages/cargar.py")
    keys = {w.key for kind in ("text_input", "button", "checkbox", "selectbox", "multiselect")
            for w in at.get(kind) if getattr(w, "key", None)}
    assert admin._FLAG not in keys


def test_login_form_right_and_wrong_password(db):
    at = submit(form(), "adivinando")
    assert [e.value for e in at.error] == ["Contraseña incorrecta."]
    assert at.markdown[-1].value == "visitante"
    at = submit(at, PASSWORD)
    assert not at.error and at.markdown[-1].value == "admin"
    assert at.button(key="admin_logout")


def test_wrong_passwords_are_rate_limited(db):
    at = form()
    for _ in range(5):
        submit(at, "adivinando")
    submit(at, PASSWORD)  # even the right one waits now
    assert at.error[-1].value.startswith("Demasiados intentos fallidos")
    assert at.markdown[-1].value == "visitante"


def test_without_a_configured_secret_administration_is_off(db, monkeypatch):
    monkeypatch.delenv("TABLERO_ADMIN_PASSWORD")
    at = submit(form(), "cualquiera")
    assert "desactivada" in at.error[0].value
    assert at.markdown[-1].value == "visitante"


# ---------------------------------------------------------------- administrators


def test_upload_preview_confirm(db):
    at = login(start())
    at.switch_page("pages/cargar.py").run()
    assert not at.exception and not at.error
    before = counts(db)
    upload(at, SAMPLES / "000_sanatorio_contratacion_2022.xlsx")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Actividades": "9", "Dependencias": "3", "Fases declaradas": "9",
                       "Fases inferidas": "0", "Lecturas de avance": "9"}
    assert any("Se creará un plan nuevo" in i.value for i in at.info)
    assert counts(db) == before  # nothing written by the preview
    at.button(key="cargar_confirmar").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("«000\\_sanatorio\\_contratacion\\_2022.xlsx»")
    assert counts(db) == (before[0] + 1, before[1] + 9, before[2] + 9)


def test_quarterly_follow_up_adds_readings_without_duplicating(db):
    at = login(start())
    at.switch_page("pages/cargar.py").run()
    upload(at, SAMPLES / "002b_alcaldia_cartago_2024_seguimiento_ILUSTRATIVO.xlsx")
    at.text_input(key="cargar_entidad").input("Alcaldía de Cartago").run()
    assert any("se agregará como seguimiento" in i.value for i in at.info)
    at.button(key="cargar_confirmar").click().run()
    assert counts(db) == (1, 9, 36)
    assert "0 actividades nuevas, 9 actualizadas, 36 lecturas de avance nuevas" in at.success[0].value


def test_unreadable_upload_gets_a_spanish_message_and_writes_nothing(db, tmp_path):
    fake = tmp_path / "plan.xlsx"
    fake.write_bytes(b"%PDF-1.4 esto no es un Excel")
    before = db.read_bytes()
    at = login(start())
    at.switch_page("pages/cargar.py").run()
    upload(at, fake)
    assert not at.exception
    assert at.error[0].value.startswith("El archivo «plan.xlsx» no es una hoja de cálculo")
    assert "cargar_confirmar" not in [b.key for b in at.button]
    assert db.read_bytes() == before


def test_delete_a_plan_needs_the_confirmation(db):
    at = login(start())
    at.switch_page("pages/cargar.py").run()
    assert at.button(key="borrar_plan").disabled
    at.checkbox(key="borrar_confirmo").check().run()
    at.button(key="borrar_plan").click().run()
    assert not at.exception
    assert counts(db) == (0, 0, 0)


def test_history_says_who_imported_what(db):
    at = login(start())
    at.switch_page("pages/cargar.py").run()
    upload(at, SAMPLES / "004_municipio_candelaria_2022_2023.xlsx")
    at.button(key="cargar_confirmar").click().run()
    history = at.dataframe[-1].value
    assert list(history["Archivo"])[:2] == ["004_municipio_candelaria_2022_2023.xlsx",
                                            "002_alcaldia_cartago_2024.xlsx"]
    assert list(history["Quién"])[:1] == ["administrador"]


# ---------------------------------------------------------------- mapping assistant


def test_mapping_assistant_saved_mapping_is_reused_on_the_next_file(db, tmp_path):
    from tests.test_mapping_assistant import odd_layout

    first = odd_layout(tmp_path / "compromisos_T1.xlsx")
    second = odd_layout(tmp_path / "compromisos_T2.xlsx", q2=("100%", "40%", "100%"))
    at = login(start())
    at.switch_page("pages/cargar.py").run()
    upload(at, first)
    assert at.error[0].value.startswith("No se encontró una tabla de actividades")
    at.number_input(key="mapeo_fila_Compromisos").set_value(3).run()
    # What a person does: say which column names each activity, then what the others are.
    at.selectbox(key="mapeo_tabla_Compromisos_3_1_grano").set_value("A").run()
    at.session_state["mapeo_tabla_Compromisos_3_1_A"] = {
        "edited_rows": {1: {"Se lee como": "Dependencia responsable"},
                        2: {"Se lee como": "Fecha límite"}, 3: {"Se lee como": "Avance — Trimestre I"},
                        4: {"Se lee como": "Avance — Trimestre II"},
                        5: {"Se lee como": "No importar esta columna"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="mapeo_tabla_aplicar").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Actividades"] == "3"
    at.button(key="mapeo_guardar").click().run()
    assert not at.exception
    at.text_input(key="cargar_entidad").input("Personería de Ejemplo").run()
    at.button(key="cargar_confirmar").click().run()
    assert "3 actividades nuevas" in at.success[0].value

    # Next quarter: the same headers are read with the saved mapping, no help needed.
    upload(at, second)
    assert not at.error
    at.text_input(key="cargar_entidad").input("Personería de Ejemplo").run()
    report = next(d.value for d in at.dataframe if "Mensaje" in d.value.columns)
    assert report["Mensaje"].str.contains("mapeo de columnas guardado").any()
    at.button(key="cargar_confirmar").click().run()
    assert "0 actividades nuevas, 3 actualizadas, 3 lecturas de avance nuevas" in at.success[0].value

    # The mapping is listed and can be undone.
    con = store.connect_readonly(db)
    assert con.execute("SELECT count(*) FROM saved_mapping").fetchall() == [(1,)]
    con.close()
    at.button(key="correccion_deshacer").click().run()
    con = store.connect_readonly(db)
    assert con.execute("SELECT count(*) FROM saved_mapping").fetchall() == [(0,)]
    con.close()


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("0*.xlsx")))
def test_preview_and_assistant_render_for_every_sample(db, name):
    at = login(start())
    at.switch_page("pages/cargar.py").run()
    upload(at, SAMPLES / name)
    assert not at.exception and not at.error, [e.value for e in at.error]
    keys = [b.key for b in at.button]
    if name.startswith("002_"):  # already in the test database
        assert "cargar_confirmar" not in keys and any("ya está importado" in i.value for i in at.info)
    else:
        assert "cargar_confirmar" in keys and "mapeo_aplicar" in keys
