"""Saved mappings and corrections: stored, listed, undone (the importer side is
in tests/test_mapping_assistant.py)."""
from __future__ import annotations

import pytest

from data_layer import corrections as corr
from data_layer import loader, store


@pytest.mark.parametrize("role, ok", [
    ("name", True), ("office", True), ("extra", True), ("ignore", True),
    ("progress:trimestre:4", True), ("progress:trimestre:5", False), ("executed:mes:12", True),
    ("observation:cuatrimestre:3", True), ("schedule:2024-03", True), ("schedule:-11", True),
    ("schedule:24-03", False), ("phase_mark:diagnostico", True), ("phase_mark:otra", False),
    ("nombre", False), ("progress:bimestre:1", False), ("planned:anual:1", True), ("planned:anual:2", False),
])
def test_valid_roles(role, ok):
    assert corr.valid_role(role) is ok


def test_signature_ignores_case_accents_and_trailing_blanks():
    assert corr.signature([["Actividad", "Responsable", None]]) == \
        corr.signature([["ACTIVIDAD", "responsable"]])
    assert corr.signature([["Actividad", "Responsable"]]) != corr.signature([["Responsable", "Actividad"]])


def test_save_list_load_and_undo(tmp_path):
    db = tmp_path / "t.duckdb"
    loader.ensure_database(db)
    saved = corr.Corrections(
        mappings={"abc": corr.Mapping("abc", 2, {"A": "name", "B": "office", "C": "progress:trimestre:1"},
                                      {"A": "Tarea", "B": "Quién", "C": "Ene-Mar"})},
        offices={"Sec. Gob.": ("Secretaría de Gobierno",),
                 "Planeación y Hacienda": ("Secretaría de Planeación", "Secretaría de Hacienda")},
        phases={"Mesa de trabajo con jóvenes": "implementacion"})
    corr.save(saved, db, created_by="planeacion", source_file="plan.xlsx")
    loaded = corr.load_from(db)
    assert loaded.mappings["abc"].roles == {"A": "name", "B": "office", "C": "progress:trimestre:1"}
    assert loaded.office_for("SEC. GOB.") == ("Secretaría de Gobierno",)
    assert loaded.office_for("planeacion y hacienda") == ("Secretaría de Planeación", "Secretaría de Hacienda")
    assert loaded.phase_for("Mesa de trabajo con jovenes") == "implementacion"
    con = store.connect_readonly(db)
    listed = corr.listing(con)
    con.close()
    assert sorted(listed["Tipo"]) == ["Dependencia", "Dependencia", "Fase", "Mapeo de columnas"]
    assert set(listed["Quién"]) == {"planeacion"}
    corr.undo("dependencia", "sec gob", db)
    corr.undo("mapeo", "abc", db)
    after = corr.load_from(db)
    assert after.office_for("Sec. Gob.") is None and "abc" not in after.mappings
    assert after.phase_for("Mesa de trabajo con jóvenes") == "implementacion"


def test_bad_roles_and_phases_are_refused(tmp_path):
    with pytest.raises(ValueError, match="Papel de columna desconocido: nombre"):
        corr.save(corr.Corrections(mappings={"x": corr.Mapping("x", 1, {"A": "nombre"})}), tmp_path / "t.duckdb")
    with pytest.raises(ValueError, match="Fase desconocida: planeacion"):
        corr.save(corr.Corrections(phases={"Algo": "planeacion"}), tmp_path / "t.duckdb")
    assert not (tmp_path / "t.duckdb").exists()


def test_databases_made_before_corrections_read_as_empty(tmp_path):
    import duckdb
    path = tmp_path / "viejo.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE entity (entity_id INTEGER, name VARCHAR)").fetchall()
    con.close()
    assert corr.load_from(path) == corr.Corrections()
    reader = store.connect_readonly(path)
    assert corr.listing(reader).empty
    reader.close()
