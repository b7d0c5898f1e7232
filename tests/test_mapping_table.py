"""The mapping assistant reads any table by hand: another sheet (hidden ones
too), other header rows, the column that names each activity, and the year of
each period column (a plan indicativo repeats its quarters for every year)."""
from __future__ import annotations

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from data_layer import corrections as corr
from data_layer import preview
from data_layer.errors import PlanFileError
from data_layer.ingest import manual, read_plan
from data_layer.ingest.columns import Column, apply_role
from tests.conftest import ROOT
from tests.test_admin import db, login, start, upload  # noqa: F401  (db is a fixture)

S000 = ROOT / "sample_data" / "000_sanatorio_contratacion_2022.xlsx"
METAS = ["Hogares con acceso a agua potable", "Juntas de acción comunal capacitadas",
         "Veedurías ciudadanas acompañadas"]
# Per meta: 2024 programado/ejecutado T1, then 2025 programado/ejecutado T1.
AMOUNTS = [(4, 4, 4, 2), (2, 1, 2, 2), (3, 3, 0, None)]
ROLES = {"A": "name", "B": "office", "C": "planned:trimestre:1:2024", "D": "executed:trimestre:1:2024",
         "E": "planned:trimestre:1:2025", "F": "executed:trimestre:1:2025", "G": "extra"}


def indicativo(path):
    """A plan indicativo the importer does not recognise (no column says
    «actividad»), with a hidden helper sheet of weights that it does."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append(["Plan indicativo 2024-2027 — Municipio de Ejemplo"])
    sheet.append([])
    sheet.append(["Qué se mide", "A cargo de", "2024 prog T1", "2024 ejec T1", "2025 prog T1",
                  "2025 ejec T1", "Notas"])
    for meta, amounts in zip(METAS, AMOUNTS, strict=True):
        sheet.append([meta, "Secretaría de Planeación", *amounts, "sin novedad"])
    weights = book.create_sheet("Pesos")
    weights.append(["Actividad", "Responsable", "Peso"])
    weights.append(["0.000681", "0.25", 0.5])
    weights.append(["0.001362", "0.75", 0.5])
    weights.sheet_state = "hidden"
    book.save(path)
    return path


# ------------------------------------------------------------------ roles with a year


def test_period_roles_carry_a_year():
    assert corr.valid_role("executed:trimestre:2:2025") and corr.valid_role("progress:semestre:1")
    assert not corr.valid_role("executed:trimestre:2:25") and not corr.valid_role("name:2025")
    assert corr.with_year("executed:trimestre:2", 2025) == "executed:trimestre:2:2025"
    assert corr.with_year("executed:trimestre:2:2024", None) == "executed:trimestre:2"
    assert corr.with_year("office", 2025) == "office"
    assert corr.year_of("planned:trimestre:4:2027") == 2027 and corr.year_of("planned:trimestre:4") is None
    assert preview.role_label("executed:trimestre:2:2025") == "Ejecutado — Trimestre II de 2025"
    column = apply_role(Column(3, ("2025 ejec T1",)), "executed:trimestre:1:2025")
    assert (column.kind, column.period, column.year) == ("executed", ("trimestre", 1), 2025)


def test_a_mapping_with_years_is_saved_and_loaded(tmp_path):
    db_path = tmp_path / "t.duckdb"
    mapping = corr.Mapping("firma", 1, ROLES, {"A": "Qué se mide"})
    corr.save(corr.Corrections(mappings={"firma": mapping}), db_path, created_by="planeacion")
    assert corr.load_from(db_path).mappings["firma"].roles == ROLES


# ------------------------------------------------------------------ sheets and header rows


def test_every_sheet_is_offered_hidden_ones_marked(tmp_path):
    path = indicativo(tmp_path / "indicativo.xlsx")
    found = manual.sheets(path.name, path.read_bytes())
    assert [(g.name, g.hidden, g.header_rows) for g in found] == [("Plan", False, []), ("Pesos", True, [1])]
    assert found[0].rows[2][:3] == ["Qué se mide", "A cargo de", "2024 prog T1"]


def test_chosen_header_rows_come_with_the_roles_detection_gives():
    choice = manual.choose_table(S000.name, S000.read_bytes(), "Estrategia", 8, 2)
    assert choice.header_rows == 2
    assert choice.roles == {
        "A": "group", "B": "extra", "C": "extra", "D": "value_groups", "E": "instance",
        "F": "phase_mark:diagnostico", "G": "phase_mark:formulacion", "H": "phase_mark:implementacion",
        "I": "phase_mark:seguimiento_evaluacion", "J": "participation_level", "K": "name", "L": "extra",
        "M": "product", "N": "due_date", "O": "progress:trimestre:1", "P": "progress:trimestre:2",
        "Q": "progress:trimestre:3", "R": "progress:trimestre:4", "S": "observation:trimestre:1",
        "T": "office"}
    assert choice.labels["O"] == "AVANCE ALCANZADO / 1"
    # The importer's own reading of the seed has the same signature: a saved
    # mapping made from this choice applies to the file.
    assert choice.signature == read_plan(S000).signatures["Estrategia"]
    with pytest.raises(PlanFileError, match="no tiene una hoja «Otra»"):
        manual.choose_table(S000.name, S000.read_bytes(), "Otra", 1)


def test_only_the_vigencias_columns_are_read(tmp_path):
    path = indicativo(tmp_path / "indicativo.xlsx")
    choice = manual.choose_table(path.name, path.read_bytes(), "Plan", 3)
    mapping = corr.Mapping(choice.signature, 1, ROLES, choice.labels)
    plan = read_plan(path, year=2025, corrections=corr.Corrections(mappings={choice.signature: mapping}))
    assert plan.sheets == ["Plan"] and [a.name for a in plan.activities] == METAS
    assert [[(r.period_label, r.cutoff.isoformat(), r.state, r.value, r.planned, r.executed)
             for r in a.readings] for a in plan.activities] == [
        [("Trimestre I", "2025-03-31", "avance", 50.0, 4, 2)],
        [("Trimestre I", "2025-03-31", "avance", 100.0, 2, 2)],
        [("Trimestre I", "2025-03-31", "no_programada", None, 0, None)]]
    # The same file as the 2024 follow-up reads the 2024 columns.
    plan = read_plan(path, year=2024, corrections=corr.Corrections(mappings={choice.signature: mapping}))
    assert [[(r.state, r.value) for r in a.readings] for a in plan.activities] == [
        [("avance", 100.0)], [("avance", 50.0)], [("avance", 100.0)]]


# ------------------------------------------------------------------ in the page


def test_assistant_reads_a_visible_sheet_instead_of_a_hidden_one(db, tmp_path):  # noqa: F811
    path = indicativo(tmp_path / "indicativo.xlsx")
    at = login(start())
    at.switch_page("pages/cargar.py").run()
    upload(at, path)
    assert not at.exception
    hoja = at.selectbox(key="mapeo_hoja")
    # No visible sheet holds a table the importer recognises: it read the
    # hidden one, and says so; the person points at the right one.
    assert hoja.options == ["Plan (sin tabla reconocida)", "Pesos (oculta, se leyó)"]
    assert any("oculta" in w.value for w in at.warning)
    hoja.set_value("Plan").run()
    at.number_input(key="mapeo_fila_Plan").set_value(3).run()
    at.selectbox(key="mapeo_tabla_Plan_3_1_grano").set_value("A").run()
    edits = {1: {"Se lee como": preview.role_label("office")}, 6: {"Se lee como": preview.role_label("extra")}}
    for row, (role, year) in enumerate([("planned", 2024), ("executed", 2024), ("planned", 2025),
                                        ("executed", 2025)], start=2):
        edits[row] = {"Se lee como": preview.role_label(f"{role}:trimestre:1"), "Año": year}
    at.session_state["mapeo_tabla_Plan_3_1_A"] = {"edited_rows": edits, "added_rows": [],
                                                  "deleted_rows": []}
    at.run()
    at.button(key="mapeo_tabla_aplicar").click().run()
    assert not at.exception
    at.number_input(key="cargar_vigencia").set_value(2025).run()
    assert not at.exception
    figures = {m.label: m.value for m in at.metric}
    assert (figures["Actividades"], figures["Lecturas de avance"]) == ("3", "3")
    shown = next(d.value for d in at.dataframe if "Actividad" in d.value.columns and "Hoja" in d.value.columns)
    assert list(shown["Actividad"]) == METAS and set(shown["Hoja"]) == {"Plan"}
    assert at.session_state[corr_pending_key()].mappings  # waiting to be saved with «Guardar»
    at.button(key="mapeo_guardar").click().run()
    assert not at.exception


def corr_pending_key() -> str:
    from ui.mapping import PENDING
    return PENDING


def test_a_plan_indicativos_columns_keep_their_year_in_the_listing_and_in_a_saved_mapping(tmp_path):
    """Other years' columns are listed with their year, unused; a mapping saved
    from this year's reading still reads next year's columns next year."""
    from tests.fixtures import layouts
    path = layouts.build_all(tmp_path)["pdm_plan_indicativo.xlsx"]
    plan = read_plan(path)  # vigencia 2025, from the latest executed figures
    sheet = plan.sheets[0]
    listed = {c["letter"]: c for c in preview.column_listing(plan)[sheet]}
    assert (listed["K"]["role"], listed["K"]["used"]) == ("executed:trimestre:1:2024", False)
    assert listed["K"]["why"] == "es de 2024 y se leyó la vigencia 2025; se guarda tal cual, como texto"
    assert (listed["S"]["role"], listed["S"]["used"]) == ("executed:trimestre:1:2025", True)
    assert preview.summary(plan)["columns"][sheet]["2024 / T1 / Ejecutado"] == "ignored"
    roles = {letter: described.partition(" ← ")[0] for letter, described in plan.column_map[sheet].items()}
    roles["H"] = "ignore"  # the person changes one thing and saves the whole mapping
    mapping = corr.Mapping(plan.signatures[sheet], len(plan.header_rows[sheet]), roles)
    again = read_plan(path, year=2024, corrections=corr.Corrections(mappings={mapping.signature: mapping}))
    cutoffs = {r.cutoff.year for a in again.activities for r in a.readings}
    assert cutoffs == {2024} and again.activities[0].readings[0].planned == \
        read_plan(path, year=2024).activities[0].readings[0].planned
