"""One name per office across a plan (issue 11): ``unify_offices`` and the
importer on a plan whose responsables column writes the same offices many ways."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_layer.corrections import Corrections
from data_layer.ingest import read_plan
from data_layer.model import Activity, Office
from data_layer.normalise.offices import canonical_office, office_key, unify_offices
from data_layer.normalise.text import fold
from data_layer.vocab import load_table
from tests.fixtures.offices_fixture import OFFICES_HEADER_ROW, OFFICES_ROWS, build_offices_plan

# ------------------------------------------------------------------ the plan

PLAN_OFFICES = {
    "Secretaría de Salud",
    "Secretaría de Gobierno",
    "IMCTT",
    "Oficina Asesora de Planeación",
    "Secretaría de Educación, Cultura y Turismo",
    "SIAU",
}

# (canonical, raw) of each activity, in the order of OFFICES_ROWS.
ACTIVITY_OFFICES = [
    [("Secretaría de Salud", "Sec. Salud")],
    [("Secretaría de Salud", "Secretaría de Salud")],
    [("Secretaría de Salud", "SECRETARIA DE SALUD")],
    [("Secretaría de Gobierno", "Srí a de Gobierno")],
    [("Secretaría de Gobierno", "Secretaría Gobierno")],
    [("IMCTT", "IMCTT")],
    [("Oficina Asesora de Planeación", "Oficina Asesora de Planeación")],
    [("Secretaría de Educación, Cultura y Turismo", "Sec. de Educación, Cultura y Turismo"),
     ("SIAU", "SIAU")],
    [("Secretaría de Educación, Cultura y Turismo", "Secretaria de Educacion Cultura y Turismo")],
    [("Secretaría de Salud", "Sec. Salud"),
     ("Oficina Asesora de Planeación", "Oficina Asesora de Planeación"),
     ("Secretaría de Gobierno", "Sec Gobierno")],
]


@pytest.fixture(scope="module")
def plan_path(tmp_path_factory):
    return build_offices_plan(tmp_path_factory.mktemp("offices_plan"))


@pytest.fixture(scope="module")
def plan(plan_path):
    return read_plan(plan_path)


def test_plan_has_one_name_per_office(plan) -> None:
    found = {office.canonical for a in plan.activities for office in a.offices}
    assert found == PLAN_OFFICES


def test_each_activity_names_its_offices_and_keeps_the_raw_text(plan) -> None:
    assert len(ACTIVITY_OFFICES) == len(OFFICES_ROWS) == 10
    assert [a.row for a in plan.activities] == list(range(OFFICES_HEADER_ROW + 1, OFFICES_HEADER_ROW + 11))
    assert [a.name for a in plan.activities] == [name for _, name in OFFICES_ROWS]
    assert [[(o.canonical, o.raw) for o in a.offices] for a in plan.activities] == ACTIVITY_OFFICES


def test_a_saved_correction_names_the_office_for_the_whole_plan(plan_path) -> None:
    """A person chose the name: it is kept, and the other spellings of that
    office in the plan take it (one name per office still)."""
    chosen = "Secretaría de Educación Cultura y Turismo"
    corrections = Corrections(offices={fold("Secretaria de Educacion Cultura y Turismo"): (chosen,)})
    corrected = read_plan(plan_path, corrections=corrections)
    assert [[(o.canonical, o.raw) for o in a.offices] for a in corrected.activities[7:9]] == [
        [(chosen, "Sec. de Educación, Cultura y Turismo"), ("SIAU", "SIAU")],
        [(chosen, "Secretaria de Educacion Cultura y Turismo")],
    ]
    found = {office.canonical for a in corrected.activities for office in a.offices}
    assert found == PLAN_OFFICES - {"Secretaría de Educación, Cultura y Turismo"} | {chosen}


# ------------------------------------------------------------ unify_offices


def _activities(*cells: list[tuple[str, str]]) -> list[Activity]:
    return [Activity(seq, f"Actividad {seq}", "Plan", seq + 1,
                     offices=[Office(canonical, raw) for canonical, raw in cell])
            for seq, cell in enumerate(cells, start=1)]


def test_office_key_ignores_articles_accents_case_and_punctuation() -> None:
    assert office_key("Secretaría de Educación, Cultura y Turismo") == (
        "secretaria", "educacion", "cultura", "y", "turismo")
    assert office_key("SECRETARIA EDUCACION CULTURA Y TURISMO") == office_key(
        "Secretaría de Educación, Cultura y Turismo")
    assert office_key("Despacho del Alcalde") == office_key("Despacho Alcalde") == ("despacho", "alcalde")
    # "y" is a word of the name: "Salud y Gobierno" is not "Salud Gobierno"
    assert office_key("Secretaría de Salud y Gobierno") != office_key("Secretaría de Salud Gobierno")


def test_unify_takes_the_most_complete_spelling() -> None:
    activities = _activities(
        [("Oficina SIAU", "Oficina SIAU")],
        [("Oficina SIAU", "OFICINA SIAU")],
        [("Oficina de SIAU", "Oficina de SIAU")],
        [("Secretaría de Educación Cultura y Turismo", "Sec. Educación Cultura y Turismo")],
        [("Secretaría de Educación, Cultura y Turismo", "Secretaría de Educación, Cultura y Turismo")],
    )
    renamed = unify_offices(activities)
    assert renamed == {"Oficina SIAU": "Oficina de SIAU",
                       "Secretaría de Educación Cultura y Turismo": "Secretaría de Educación, Cultura y Turismo"}
    assert [[(o.canonical, o.raw) for o in a.offices] for a in activities] == [
        [("Oficina de SIAU", "Oficina SIAU")],
        [("Oficina de SIAU", "OFICINA SIAU")],
        [("Oficina de SIAU", "Oficina de SIAU")],
        [("Secretaría de Educación, Cultura y Turismo", "Sec. Educación Cultura y Turismo")],
        [("Secretaría de Educación, Cultura y Turismo", "Secretaría de Educación, Cultura y Turismo")],
    ]


def test_unify_breaks_ties_by_accents_then_use_then_order() -> None:
    activities = _activities(
        [("Oficina de Gestion", "Oficina de Gestion")],
        [("Oficina de Gestión", "Oficina de Gestión")],
        [("Imctt", "Imctt")],
        [("IMCTT", "IMCTT")],
        [("IMCTT", "IMCTT")],
        [("Casa Lúdica", "Casa Lúdica")],
        [("Casa LÚDICA", "Casa LÚDICA")],
    )
    assert unify_offices(activities) == {"Oficina de Gestion": "Oficina de Gestión",
                                         "Imctt": "IMCTT", "Casa LÚDICA": "Casa Lúdica"}


def test_unify_keeps_one_office_per_activity_and_leaves_others_alone() -> None:
    activities = _activities(
        [("Secretaría Salud", "Sría Salud"), ("SIAU", "SIAU"), ("Secretaría de Salud", "Sec. de Salud")],
        [("Secretaría de Salud", "Secretaría de Salud"), ("Secretaría de Salud y Gobierno", "x")],
    )
    assert unify_offices(activities) == {"Secretaría Salud": "Secretaría de Salud"}
    assert [[(o.canonical, o.raw) for o in a.offices] for a in activities] == [
        [("Secretaría de Salud", "Sría Salud"), ("SIAU", "SIAU")],
        [("Secretaría de Salud", "Secretaría de Salud"), ("Secretaría de Salud y Gobierno", "x")],
    ]


def test_unify_never_renames_a_pinned_office() -> None:
    activities = _activities(
        [("Secretaría de Salud", "Secretaría de Salud")],
        [("Secretaría Salud", "a mano")],
        [("Secretaría de Gobierno", "Secretaría de Gobierno")],
    )
    renamed = unify_offices(activities, pinned=lambda office: office.raw == "a mano")
    assert renamed == {"Secretaría de Salud": "Secretaría Salud"}
    assert [a.offices[0].canonical for a in activities] == [
        "Secretaría Salud", "Secretaría Salud", "Secretaría de Gobierno"]


_WRITTEN = sorted({row["written"] for row in load_table("office_words")
                   if row["written"].isalpha() and row["written"][0].isupper()})


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WRITTEN), min_size=1, max_size=4))
def test_abbreviated_and_capital_spellings_are_one_office(words: list[str]) -> None:
    """"Sec. X", "Secretaría de X" and "SECRETARÍA DE X" are one office for the plan."""
    rest = " ".join(words)
    names = [canonical_office(f"Sec. {rest}"), canonical_office(f"Secretaría de {rest}"),
             canonical_office(f"SECRETARÍA DE {rest.upper()}")]
    assert len({office_key(name) for name in names}) == 1, names
    activities = _activities(*[[(name, name)] for name in names])
    unify_offices(activities)
    assert len({a.offices[0].canonical for a in activities}) == 1
