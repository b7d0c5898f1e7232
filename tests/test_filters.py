"""Filters: parameterised SQL, the Spanish sentence, the URL form."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_layer import queries, semaforo, status
from data_layer.filters import Filters
from data_layer.model import PHASES
from data_layer.semaforo import Umbrales
from tests.conftest import CARTAGO, SANATORIO


def test_no_filter_is_true_without_params():
    assert Filters().to_where() == ("TRUE", {})


def test_where_binds_every_value_as_a_parameter():
    filters = Filters(entidad=(SANATORIO,), vigencia=(2022,), fase=("transversal",),
                      dependencia=("SIAU",), estado=("vencida",), semaforo=("rojo",),
                      grupo_valor=("Población enfermos de Hansen",), texto="  Hansen ")
    sql, params = filters.to_where()
    assert sql == (
        "list_contains($entidad, entidad) AND list_contains($vigencia, vigencia) AND "
        "list_contains($fase, fase) AND list_has_any($dependencia, dependencias_lista) AND "
        "list_contains($estado, estado) AND list_contains($semaforo, semaforo) AND "
        "list_contains($grupo_valor, grupo_valor) AND "
        "contains(texto_busqueda, strip_accents(lower($texto)))"
    )
    assert params == {
        "entidad": [SANATORIO], "vigencia": [2022], "fase": ["transversal"],
        "dependencia": ["SIAU"], "estado": ["vencida"], "semaforo": ["rojo"],
        "grupo_valor": ["Población enfermos de Hansen"], "texto": "Hansen",
    }


def test_plan_level_where_keeps_only_entity_and_year():
    filters = Filters(entidad=(CARTAGO,), vigencia=(2024,), fase=("diagnostico",), texto="x")
    assert filters.to_where(plan_level=True) == (
        "list_contains($entidad, entidad) AND list_contains($vigencia, vigencia)",
        {"entidad": [CARTAGO], "vigencia": [2024]},
    )


def test_hostile_text_stays_a_value(con):
    hostile = "x'); DROP TABLE plan; --"
    filters = Filters(entidad=(hostile,), texto=hostile)
    sql, _params = filters.to_where()
    assert "DROP" not in sql
    assert queries.activities_table(con, filters).empty
    assert queries.options(con, Filters(), "entidad") == [CARTAGO, SANATORIO]


@pytest.mark.parametrize(("filters", "count", "sentence"), [
    (Filters(entidad=(SANATORIO,), vigencia=(2022,), corte=date(2022, 3, 31),
             fase=("transversal",)), 6,
     "Mostrando 6 actividades de Sanatorio de Contratación ESE, vigencia 2022, "
     "corte 31/03/2022, fase Transversal."),
    (Filters(), 18, "Mostrando 18 actividades de todas las entidades, último corte disponible."),
    (Filters(entidad=(CARTAGO,), corte=date(2024, 9, 30)), 1,
     "Mostrando 1 actividad de Alcaldía de Cartago, corte 30/09/2024."),
    (Filters(entidad=(CARTAGO, SANATORIO), vigencia=(2022, 2024), corte=date(2024, 12, 31),
             fase=("diagnostico", "formulacion"), dependencia=("SIAU",),
             estado=("vencida", "sin_reporte"), semaforo=("rojo",),
             grupo_valor=("Población enfermos de Hansen",), texto="hansen"), 0,
     "Mostrando 0 actividades de Alcaldía de Cartago y Sanatorio de Contratación ESE, "
     "vigencias 2022 y 2024, corte 31/12/2024, fases Diagnóstico o Formulación, "
     "dependencia SIAU, estados vencida o sin reporte, semáforo rojo, "
     "grupo de valor Población enfermos de Hansen, que contienen «hansen»."),
    (Filters(umbrales=Umbrales(rojo=50, verde=90)), None,
     "Mostrando actividades de todas las entidades, último corte disponible, semáforo con "
     "rojo por debajo de 50 % y verde desde 90 %."),
])
def test_describe(filters, count, sentence):
    assert filters.describe(count) == sentence


def test_url_form_is_short_and_readable():
    filters = Filters(entidad=(CARTAGO,), corte=date(2024, 9, 30), fase=("diagnostico",),
                      texto="plan", umbrales=Umbrales(rojo=50, verde=80))
    assert filters.to_query_params() == {
        "entidad": [CARTAGO], "corte": "2024-09-30", "fase": ["diagnostico"], "texto": "plan",
        "umbral_rojo": "50",
    }
    assert Filters().to_query_params() == {}


def test_url_values_that_do_not_parse_are_dropped():
    params = {"vigencia": ["2024", "dos mil"], "corte": "31/12/2024", "fase": ["planeacion"],
              "estado": ["vencida", "rara"], "umbral_rojo": "90", "umbral_verde": "10",
              "semaforo": "morado", "otra": "cosa"}
    assert Filters.from_query_params(params) == Filters(vigencia=(2024,), estado=("vencida",))


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@given(
    entidad=st.lists(_text, max_size=3, unique=True),
    vigencia=st.lists(st.integers(1990, 2100), max_size=3, unique=True),
    corte=st.none() | st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    fase=st.lists(st.sampled_from(PHASES), max_size=3, unique=True),
    estado=st.lists(st.sampled_from(status.ESTADOS), max_size=3, unique=True),
    color=st.lists(st.sampled_from(semaforo.COLORS), max_size=2, unique=True),
    texto=_text,
    rojo=st.integers(0, 100), verde=st.integers(0, 100),
)
def test_url_round_trip(entidad, vigencia, corte, fase, estado, color, texto, rojo, verde):
    rojo, verde = min(rojo, verde), max(rojo, verde)
    filters = Filters(entidad=tuple(entidad), vigencia=tuple(vigencia), corte=corte,
                      fase=tuple(fase), estado=tuple(estado), semaforo=tuple(color),
                      dependencia=tuple(entidad), grupo_valor=tuple(entidad),
                      texto=texto.strip(), umbrales=Umbrales(rojo=rojo, verde=verde))
    assert Filters.from_query_params(filters.to_query_params()) == filters


def test_thresholds_must_be_ordered():
    with pytest.raises(ValueError, match="0 ≤ rojo ≤ verde ≤ 100"):
        Umbrales(rojo=90, verde=80)


@pytest.mark.parametrize(("value", "color"), [
    (None, "gris"), (0.0, "rojo"), (59.9, "rojo"), (60, "amarillo"), (79.9, "amarillo"),
    (80, "verde"), (100, "verde"),
])
def test_semaforo_defaults(value, color):
    assert Umbrales().classify(value) == color
