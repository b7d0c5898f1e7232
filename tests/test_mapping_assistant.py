"""The importer with a person's saved mapping and corrections: a layout it does
not recognise, read once by hand, then automatically the next quarter."""
from __future__ import annotations

import openpyxl
import pytest

from data_layer import corrections as corr
from data_layer import loader, store
from data_layer.errors import PlanFileError
from data_layer.ingest import manual, read_plan

ROLES = {"A": "name", "B": "office", "C": "due_date", "D": "progress:trimestre:1",
         "E": "progress:trimestre:2", "F": "ignore"}


def odd_layout(path, q1=("50%", "N/A", "100%"), q2=(None, None, None)):
    """Headers nobody would guess: the importer finds no activity table."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Compromisos"
    sheet.append(["Compromisos ciudadanos 2025 — Personería de Ejemplo"])
    sheet.append([])
    sheet.append(["Qué haremos", "Quién", "Para cuándo", "Ene-Mar", "Abr-Jun", "Uso interno"])
    rows = [("Mesa con jóvenes del barrio Centro", "Sec. Gob.", "30/06/2025"),
            ("Planeación y Hacienda presentan el presupuesto", "Planeación y Hacienda", "30/09/2025"),
            ("Foro de control social", "Personería", "15/12/2025")]
    for (name, office, due), a, b in zip(rows, q1, q2, strict=True):
        sheet.append([name, office, due, a, b, "x"])
    book.save(path)
    return path


def test_unrecognised_layout_is_read_with_a_hand_made_mapping(tmp_path):
    path = odd_layout(tmp_path / "compromisos.xlsx")
    with pytest.raises(PlanFileError, match="No se encontró una tabla de actividades"):
        read_plan(path)
    data = path.read_bytes()
    assert manual.sheets(path.name, data)[0].rows[2][:3] == ["Qué haremos", "Quién", "Para cuándo"]
    choice = manual.choose_table(path.name, data, "Compromisos", 3, 1)
    signature, labels = choice.signature, choice.labels
    assert labels == {"A": "Qué haremos", "B": "Quién", "C": "Para cuándo", "D": "Ene-Mar",
                      "E": "Abr-Jun", "F": "Uso interno"}
    mapping = corr.Mapping(signature, 1, ROLES, labels)
    plan = read_plan(path, corrections=corr.Corrections(mappings={signature: mapping}), year=2025)
    assert [a.name for a in plan.activities][0] == "Mesa con jóvenes del barrio Centro"
    assert [[(r.state, r.value) for r in a.readings] for a in plan.activities] == [
        [("avance", 50.0)], [("no_programada", None)], [("avance", 100.0)]]
    assert all("Uso interno" not in a.extra for a in plan.activities)  # ignored on purpose
    assert "mapeo_guardado" in {i.code for i in plan.issues}


def test_saved_mapping_and_corrections_apply_to_next_quarter(tmp_path):
    db = tmp_path / "t.duckdb"
    first = odd_layout(tmp_path / "compromisos_T1.xlsx")
    data = first.read_bytes()
    choice = manual.choose_table(first.name, data, "Compromisos", 3)
    signature, labels = choice.signature, choice.labels
    corr.save(corr.Corrections(
        mappings={signature: corr.Mapping(signature, 1, ROLES, labels)},
        offices={"Sec. Gob.": ("Secretaría de Gobierno",),
                 "Planeación y Hacienda": ("Secretaría de Planeación", "Secretaría de Hacienda")},
        phases={"Foro de control social": "seguimiento_evaluacion"}), db, created_by="planeacion")
    loader.import_files([loader.FileSpec(first, entity="Personería de Ejemplo", year=2025)], db)
    # Next quarter's file: same headers, quarter II filled in.
    second = odd_layout(tmp_path / "compromisos_T2.xlsx", q2=("100%", "40%", "100%"))
    result = loader.import_files([loader.FileSpec(second, entity="Personería de Ejemplo", year=2025)], db)[0]
    assert (result.activities_added, result.activities_updated, result.readings_added) == (0, 3, 3)
    con = store.connect_readonly(db)
    offices = con.execute("""SELECT a.name, list(o.office ORDER BY o.office) FROM activity a
                             JOIN activity_office o USING (activity_id) GROUP BY a.name, a.seq
                             ORDER BY a.seq""").fetchall()
    phases = con.execute("SELECT phase, phase_source, phase_raw FROM activity ORDER BY seq").fetchall()
    con.close()
    assert offices == [
        ("Mesa con jóvenes del barrio Centro", ["Secretaría de Gobierno"]),
        ("Planeación y Hacienda presentan el presupuesto", ["Secretaría de Hacienda", "Secretaría de Planeación"]),
        ("Foro de control social", ["Personería"])]
    assert phases[2] == ("seguimiento_evaluacion", "declarada", "corrección guardada")


def test_a_detected_column_can_be_remapped(tmp_path):
    from tests.test_ingest_seeds import S000
    plan = read_plan(S000)
    signature = plan.signatures["Estrategia"]
    # The person says column B ("Acción de gestión institucional") is the group.
    roles = {letter: role.partition(" ← ")[0] for letter, role in plan.column_map["Estrategia"].items()}
    roles = {k: ("extra" if v.startswith("extra") else v) for k, v in roles.items()}
    roles["A"], roles["B"] = "ignore", "group"
    again = read_plan(S000, corrections=corr.Corrections(
        mappings={signature: corr.Mapping(signature, 2, roles)}))
    assert again.activities[6].group.startswith("Creación y Promoción")
    assert [a.phase for a in again.activities[6:]] == ["formulacion", "implementacion", "seguimiento_evaluacion"]


def test_undo_returns_to_plain_detection(tmp_path):
    db = tmp_path / "t.duckdb"
    path = odd_layout(tmp_path / "compromisos.xlsx")
    choice = manual.choose_table(path.name, path.read_bytes(), "Compromisos", 3)
    signature, labels = choice.signature, choice.labels
    corr.save(corr.Corrections(mappings={signature: corr.Mapping(signature, 1, ROLES, labels)}), db)
    assert loader.parse(loader.FileSpec(path, year=2025), corr.load_from(db)).activities
    corr.undo("mapeo", signature, db)
    with pytest.raises(PlanFileError):
        loader.parse(loader.FileSpec(path, year=2025), corr.load_from(db))
