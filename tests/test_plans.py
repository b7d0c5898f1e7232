"""Managing loaded plans: history, delete, replace — whole or not at all."""
from __future__ import annotations

from pathlib import Path

import pytest

from data_layer import loader, plans, store

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "t.duckdb"
    loader.ensure_database(path)
    return path


def count(db, table):
    con = store.connect_readonly(db)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    finally:
        con.close()


def plan_id_of(db, entity):
    con = store.connect_readonly(db)
    try:
        return con.execute("SELECT plan_id FROM plan JOIN entity USING (entity_id) WHERE name = ?",
                           [entity]).fetchall()[0][0]
    finally:
        con.close()


def test_list_and_history(db):
    con = store.connect_readonly(db)
    listed = plans.list_plans(con)
    assert list(listed["Entidad"]) == [
        "Agencia (entidad no identificada en el archivo)", "Alcaldía de Cartago",
        "Alcaldía de Cartago (EJEMPLO ILUSTRATIVO)", "Municipio de Candelaria", "Sanatorio de Contratación ESE"]
    assert list(listed["Actividades"]) == [14, 9, 9, 6, 9]
    history = plans.import_history(con)
    assert len(history) == 5 and set(history["Quién"]) == {"datos de ejemplo"}
    follow = history[history["Archivo"].str.contains("ILUSTRATIVO")].iloc[0]
    assert (follow["Lecturas nuevas"], follow["Observaciones del informe"]) == (36, 1)
    con.close()


def test_delete_removes_everything_of_the_plan_and_nothing_else(db):
    sanatorio = plan_id_of(db, "Sanatorio de Contratación ESE")
    before = {t: count(db, t) for t in ("entity", "activity", "reading", "activity_office", "import_file")}
    plans.delete_plan(sanatorio, db)
    after = {t: count(db, t) for t in before}
    assert after == {"entity": before["entity"] - 1, "activity": before["activity"] - 9,
                     "reading": before["reading"] - 9, "activity_office": before["activity_office"] - 18,
                     "import_file": before["import_file"] - 1}
    with pytest.raises(plans.PlanNotFoundError):
        plans.delete_plan(sanatorio, db)


def test_replace_is_one_transaction(db):
    cartago = plan_id_of(db, "Alcaldía de Cartago")
    parsed = loader.parse(loader.FileSpec(SAMPLES / "002b_alcaldia_cartago_2024_seguimiento_ILUSTRATIVO.xlsx",
                                          entity="Alcaldía de Cartago"))
    # The same bytes are already loaded under the illustrative entity: replace
    # first deletes the Cartago plan, then stores the file as a new import.
    plans.delete_plan(plan_id_of(db, "Alcaldía de Cartago (EJEMPLO ILUSTRATIVO)"), db)
    result = plans.replace_plan(cartago, parsed, db, imported_by="planeacion")
    assert (result.status, result.activities_added, result.readings_added) == ("importado", 9, 36)
    assert count(db, "plan") == 4 and count(db, "activity") == 47 - 9


def test_failed_replace_leaves_the_old_plan(db):
    cartago = plan_id_of(db, "Alcaldía de Cartago")
    before = db.read_bytes()
    with pytest.raises(plans.PlanNotFoundError):
        plans.replace_plan(999, loader.parse(loader.FileSpec(SAMPLES / "002_alcaldia_cartago_2024.xlsx")), db)
    assert db.read_bytes() == before and plan_id_of(db, "Alcaldía de Cartago") == cartago


def test_plan_choices_and_destination_without_vigencia_or_entity(db):
    con = store.connect_readonly(db)
    try:
        choices = plans.plan_choices(con)
        assert list(choices.values()) == [
            "Agencia (entidad no identificada en el archivo) — vigencia sin definir",
            "Alcaldía de Cartago — vigencia 2024", "Alcaldía de Cartago (EJEMPLO ILUSTRATIVO) — vigencia 2024",
            "Municipio de Candelaria — vigencia 2023", "Sanatorio de Contratación ESE — vigencia 2022"]
        agencia = loader.parse(loader.FileSpec(SAMPLES / "003_agencia_planeacion_participacion.xlsx",
                                               entity="Agencia (entidad no identificada en el archivo)"))
        assert plans.existing_plan(con, plans.key_of(agencia)) == choices[plan_id_of(db, agencia.entity)]
        unnamed = loader.parse(loader.FileSpec(SAMPLES / "003_agencia_planeacion_participacion.xlsx"))
        assert plans.label_of(unnamed) == ("Entidad sin nombre (003_agencia_planeacion_participacion) — "
                                           "vigencia sin definir")
        assert plans.existing_plan(con, plans.key_of(unnamed)) is None
    finally:
        con.close()
