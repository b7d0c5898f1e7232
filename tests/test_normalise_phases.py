"""Tests for data_layer.normalise.phases."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_layer.model import PHASES
from data_layer.normalise.phases import declared_phase, infer_phase
from data_layer.normalise.text import fold
from data_layer.vocab import load_table


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # seed 000: X-mark column headers and letter-spaced "Momento" titles
        ("Diagnóstico participativo", "diagnostico"),
        ("Formulación participativa", "formulacion"),
        ("Ejecución participativa", "implementacion"),
        ("Seguimiento y evaluación participativa", "seguimiento_evaluacion"),
        ("A c c i o n e s i n t e r n a s p r e v i a s", "transversal"),
        ("A c c i o n e s   i n t e r n a s   p r e v i a s", "transversal"),
        ("A c c i o n e s P a r t i c i p a t i v a s", None),
        # seed 003: phase column
        ("Diagnóstico", "diagnostico"),
        ("Formulación/Planeación de politicas, planes, programas o proyectos", "formulacion"),
        ("Implementación/ejecución/colaboración", "implementacion"),
        ("Control/Evaluación", "seguimiento_evaluacion"),
        ("Acciones transversales", "transversal"),
        # other spellings from DOMAIN.md
        ("Planeación", "formulacion"),
        ("Evaluación y seguimiento", "seguimiento_evaluacion"),
        ("Seguimiento y control", "seguimiento_evaluacion"),
        ("Acciones internas previas", "transversal"),
        ("Transversal", "transversal"),
        ("DIAGNOSTICO", "diagnostico"),
        ("  formulacion  ", "formulacion"),
        ("Fase: Diagnóstico", "diagnostico"),  # whole-word part
        ("Seguimiento a la implementación", "seguimiento_evaluacion"),  # the start wins
        # not phases
        ("Acciones participativas", None),
        ("Actividades", None),
        ("Momento", None),
        ("", None),
        (None, None),
    ],
)
def test_declared_phase(text: object, expected: str | None) -> None:
    assert declared_phase(text) == expected


def test_every_spelling_in_the_table_is_its_phase() -> None:
    for row in load_table("phases"):
        assert declared_phase(row["spelling"]) == row["phase"], row
        assert declared_phase(row["spelling"].upper()) == row["phase"], row


# Seed 002 activity names and seed 004 strategy names (without "1. ").
SEED_ACTIVITIES = [
    ("Elaborar el diagnóstico del estado actual de la implementación de la Política de "
     "Participación Ciudadana en la entidad", "diagnostico", "diagnostic"),
    ("Elaborar la estrategias de Participación y Rendicion de Cuentas",
     "formulacion", "elaborar la estrategia"),
    # Training is transversal whatever its subject.
    ("Capacitar funcionarios de la entidad en caracterización de grupos de valor",
     "transversal", "capacit"),
    # Designing a characterisation instrument serves the diagnosis.
    ("Diseñar instrumento de caracterización de grupos de valor", "diagnostico", "caracteriz"),
    ("Actualizar de la Caracterización de Ciudadanos , Usuarios y Grupos de Interés",
     "diagnostico", "caracteriz"),
    ("Realizar encuestas de satisfacción que permitan medir la percepción que tienen los "
     "grupos de valor frente a los ejercicios de Participación Ciudadana",
     "seguimiento_evaluacion", "encuesta de satisfaccion"),
    ("Descentralizar la ejecución de espacios de diálogo y Rendición de Cuentas",
     "implementacion", "ejecuc"),
    # Publishing is communication, which DOMAIN.md and seed 003 treat as transversal.
    ("Publicar en la sección transparencia y acceso a la información pública de la pagina "
     "web de le entidad información actualizada de interes para la ciudadanía",
     "transversal", "publicar"),
    ("Elaborar planes de mejoramiento institucional, como resultado de ejercicios de "
     "participación y rendición de cuentas.", "seguimiento_evaluacion", "planes de mejoramiento"),
    ("Realizar el diagnóstico del estado actual de la participación ciudadana de la "
     "Alcaldia Municipal de Candelaria.", "diagnostico", "diagnostic"),
    ("Identificar las actividades que involucran procesos de participación ciudadana de la "
     "Alcaldia Municipal de Candelaria", "diagnostico", "identific"),
    ("Definir la estrategia para la ejecución del plan de participación ciudadana de la "
     "Alcaldia Municipal de Candelaria.", "formulacion", "definir"),
    # Divulging is communication: transversal (seed 003 declares "Divulgación" so).
    ("Divulgar y retroalimentar el plan de participacion ciudadana de la Alcaldia "
     "Municipal de Candelaria.", "transversal", "divulg"),
    ("Implementar el Plan de Participación Ciudadana de la Alcaldía Municipal de Candelaria.",
     "implementacion", "implement"),
    ("Evaluar los resultados de implementación del Plan de Participación Ciudadana de la "
     "Alcaldía Municipal de Candelaria.", "seguimiento_evaluacion", "evalu"),
]


@pytest.mark.parametrize(("text", "phase", "keyword"), SEED_ACTIVITIES)
def test_infer_phase_on_seed_activities(text: str, phase: str, keyword: str) -> None:
    assert infer_phase(text) == (phase, keyword)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("Ejercicio de Gamificación Uso Eficiente del Papel",), ("sin_clasificar", None)),
        ((), ("sin_clasificar", None)),
        ((None, ""), ("sin_clasificar", None)),
        # the first text with any keyword decides, even if a later one is stronger
        (("Implementar el plan", "Diagnóstico"), ("implementacion", "implement")),
        ((None, "Mesa de trabajo", "Informe de evaluación"), ("implementacion", "mesa de trabajo")),
        (("Reunión", "Monitoreo de redes sociales"), ("seguimiento_evaluacion", "monitore")),
        # same priority: the earliest keyword wins
        (("Diseñar la encuesta de satisfacción",), ("formulacion", "disen")),
        (("Evaluar la estrategia",), ("seguimiento_evaluacion", "evalu")),
        # keywords match at word start only
        (("Conformar el comité",), ("sin_clasificar", None)),  # no "formul" inside
        (("Información pública actualizada",), ("sin_clasificar", None)),
    ],
)
def test_infer_phase_rules(texts: tuple, expected: tuple) -> None:
    assert infer_phase(*texts) == expected


def test_every_keyword_infers_its_own_phase() -> None:
    for row in load_table("phase_keywords"):
        phase, _ = infer_phase(row["keyword"])
        assert phase == row["phase"], row


def test_inferred_keyword_is_in_the_table() -> None:
    keywords = {fold(row["keyword"]) for row in load_table("phase_keywords")}
    for text, _, _ in SEED_ACTIVITIES:
        assert infer_phase(text)[1] in keywords


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(), st.integers()), max_size=3))
def test_infer_phase_always_answers(texts: list) -> None:
    phase, keyword = infer_phase(*texts)
    assert phase in PHASES
    assert (keyword is None) == (phase == "sin_clasificar")


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.text(), st.sampled_from([r["spelling"] for r in load_table("phases")])))
def test_declared_phase_is_a_phase_or_none(text: object) -> None:
    assert declared_phase(text) in (*PHASES, None)
    assert declared_phase(text) != "sin_clasificar"
