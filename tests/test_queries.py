"""Every figure of the dashboard on the known database of tests/conftest.py.

Worked by hand from the literal tables there:

Sanatorio at 31/03/2022 — numbers for activities 2–7 (all 0 %), N/A for 1, 8, 9.
Activities 2–7 were due 30/03/2022, so they are vencidas.

Cartago (values in % — NP no programada, SR sin reporte; T2 of activity 4 is 60
after the correction of import 3):

    act  due    T1   T2   T3   T4
    1    31/03  100  100  100  100
    2    30/06   50  100  100  100
    3    30/09   NP   40   80  100
    4    30/06   20   60   70   90
    5    30/09   NP   30   SR  100
    6    31/12   NP   NP   50  100
    7    31/12    0   25   50   75
    8    31/12   25   50   75  100
    9    30/11   NP   NP   NP   40
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from data_layer import drill, quality, queries, sql, store
from data_layer.filters import Filters
from data_layer.semaforo import Umbrales
from tests.conftest import (ADMINISTRACION, CARTAGO, PLANEACION_CARTAGO, SANATORIO,
                            SERVICIOS)

T1, T2, T3, T4 = date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)
SANATORIO_T1 = Filters(entidad=(SANATORIO,), corte=date(2022, 3, 31))


def cartago(corte: date, **more) -> Filters:
    return Filters(entidad=(CARTAGO,), corte=corte, **more)


# ------------------------------------------------------------------ Sanatorio


def test_sanatorio_headline_figures(con):
    row = queries.kpis(con, SANATORIO_T1).iloc[0]
    assert row["Actividades"] == 9
    assert row["Con avance"] == 6
    assert row["Avance promedio (%)"] == 0.0
    assert (row["Cumplidas"], row["En curso"], row["Vencidas"], row["Sin reporte"],
            row["No programadas"], row["Sin seguimiento"]) == (0, 0, 6, 0, 3, 0)
    assert row["_semaforo"] == "rojo"
    assert queries.explain_average(row) == (
        "Promedio simple de 6 actividades con avance reportado; "
        "no entran en el promedio 3 no programadas.")


def test_without_a_corte_the_latest_of_the_chosen_plans_is_used(con):
    assert sql.resolve_corte(con, Filters(entidad=(SANATORIO,))) == date(2022, 3, 31)
    assert sql.resolve_corte(con, Filters()) == T4
    assert sql.resolve_corte(con, Filters(entidad=("Otra",))) is None


def test_corte_options_are_labelled_latest_first(con):
    options = queries.corte_options(con, Filters())
    assert list(options["Corte"]) == [
        "Trimestre IV 2024 (31/12/2024)", "Trimestre III 2024 (30/09/2024)",
        "Trimestre II 2024 (30/06/2024)", "Trimestre I 2024 (31/03/2024)",
        "Trimestre I 2022 (31/03/2022)"]
    assert list(queries.corte_options(con, Filters(entidad=(SANATORIO,)))["_corte"]) == [
        date(2022, 3, 31)]


def test_sanatorio_office_ranking_counts_shared_activities_for_each_office(con):
    ranking = queries.office_ranking(con, SANATORIO_T1)
    got = ranking[["Dependencia", "Actividades", "Con avance", "Avance promedio (%)",
                   "Vencidas", "No programadas", "_semaforo"]].values.tolist()
    assert got == [
        ["Planeación", 9, 6, 0.0, 6, 3, "rojo"],
        ["SIAU", 6, 5, 0.0, 5, 1, "rojo"],
        ["Programa Hansen", 3, 1, 0.0, 1, 2, "rojo"],
    ]


def test_sanatorio_phases_are_declared(con):
    phases = queries.phase_summary(con, SANATORIO_T1)
    assert phases[["Fase", "Origen de la fase", "Actividades"]].values.tolist() == [
        ["Formulación", "Declarada", 1],
        ["Implementación", "Declarada", 1],
        ["Seguimiento y evaluación", "Declarada", 1],
        ["Transversal", "Declarada", 6],
    ]


def test_levels_and_value_groups_keep_the_plan_wording(con):
    levels = queries.level_summary(con, SANATORIO_T1)
    assert levels[["Nivel de participación", "Actividades"]].values.tolist() == [
        ["Al ciudadano se le va a permitir colaborar", 1],
        ["Al ciudadano se le va a permitir controlar y evaluar", 1],
        ["Al ciudadano se le va a permitir formular y definir", 1],
        ["Sin especificar", 6],
    ]
    groups = queries.value_group_summary(con, SANATORIO_T1)
    assert groups[["Grupo de valor", "Actividades", "No programadas"]].values.tolist() == [
        ["Población enfermos de Hansen", 3, 2], ["Sin especificar", 6, 1]]


def test_first_cutoff_has_no_changes(con):
    assert queries.changes_since_previous_cutoff(con, SANATORIO_T1).empty


# -------------------------------------------------------------------- Cartago

# corte: con avance, promedio, (cumplida, en curso, vencida, sin reporte, no programada),
#        programadas hasta el corte / en el periodo, cumplidas en el periodo
CARTAGO_BY_QUARTER = {
    T1: (5, 39.0, (1, 4, 0, 0, 4), 1, 1, 1),
    T2: (7, 405 / 7, (2, 5, 0, 0, 2), 3, 2, 1),
    T3: (7, 75.0, (2, 4, 1, 1, 1), 5, 2, 0),
    T4: (9, 805 / 9, (6, 1, 2, 0, 0), 9, 4, 4),
}


@pytest.mark.parametrize("corte", list(CARTAGO_BY_QUARTER))
def test_cartago_headline_figures_per_quarter(con, corte):
    with_number, average, states, *_ = CARTAGO_BY_QUARTER[corte]
    row = queries.kpis(con, cartago(corte)).iloc[0]
    assert row["Actividades"] == 9
    assert row["Con avance"] == with_number
    assert row["Avance promedio (%)"] == pytest.approx(average)
    assert (row["Cumplidas"], row["En curso"], row["Vencidas"], row["Sin reporte"],
            row["No programadas"]) == states


def test_cartago_progress_by_period(con):
    periods = queries.progress_by_period(con, cartago(T4))
    assert list(periods["Corte"]) == [
        "Trimestre I 2024 (31/03/2024)", "Trimestre II 2024 (30/06/2024)",
        "Trimestre III 2024 (30/09/2024)", "Trimestre IV 2024 (31/12/2024)"]
    for row in periods.to_dict("records"):
        with_number, average, states, planned, in_period, done_in_period = \
            CARTAGO_BY_QUARTER[row["_corte"]]
        assert row["Con avance"] == with_number
        assert row["Avance promedio (%)"] == pytest.approx(average)
        assert row["Cumplidas al corte"] == states[0]
        assert row["Vencidas"] == states[2]
        assert row["Programadas hasta el corte"] == planned
        assert row["Programadas en el periodo"] == in_period
        assert row["Cumplidas en el periodo"] == done_in_period
    assert "Ejecutado sobre planeado (%)" not in periods  # no plan has those counts


def test_the_chosen_corte_limits_the_history(con):
    assert len(queries.progress_by_period(con, cartago(T2))) == 2


def test_states_by_period_add_up_to_the_activities(con):
    by_state = queries.states_by_period(con, cartago(T4))
    t3 = by_state[by_state["_corte"] == T3]
    assert dict(zip(t3["Estado"], t3["Actividades"], strict=True)) == {
        "Cumplida": 2, "En curso": 4, "Vencida": 1, "Sin reporte": 1, "No programada": 1}
    assert by_state.groupby("_corte")["Actividades"].sum().tolist() == [9, 9, 9, 9]


def test_changes_since_the_previous_cutoff(con):
    changes = queries.changes_since_previous_cutoff(con, cartago(T3))
    got = changes[["Código", "Estado anterior", "Avance anterior (%)", "Estado al corte",
                   "Avance al corte (%)", "Cambio (puntos)"]]
    assert got.fillna(-1).values.tolist() == [
        ["3", "En curso", 40.0, "En curso", 80.0, 40.0],
        ["4", "En curso", 60.0, "Vencida", 70.0, 10.0],
        ["5", "En curso", 30.0, "Sin reporte", -1, -1],
        ["6", "No programada", -1, "En curso", 50.0, -1],
        ["7", "En curso", 25.0, "En curso", 50.0, 25.0],
        ["8", "En curso", 50.0, "En curso", 75.0, 25.0],
    ]
    assert set(changes["Corte anterior"]) == {pd.Timestamp(T2)}


def test_reading_history_keeps_the_corrected_value(con):
    history = queries.activity_history(con, 14)
    t2 = history[history["Periodo"] == "Trimestre II"]
    assert t2[["Avance (%)", "Archivo", "Vigente"]].values.tolist() == [
        [50.0, "002_cartago_plan_2024.xlsx", "No (corregida después)"],
        [60.0, "002_cartago_seguimiento_T4.xlsx", "Sí"],
    ]
    assert len(history) == 5
    assert list(history[history["_vigente"]]["Avance (%)"]) == [20.0, 60.0, 70.0, 90.0]


def test_cartago_office_ranking_at_t3(con):
    ranking = queries.office_ranking(con, cartago(T3))
    got = ranking[["Dependencia", "Actividades", "Avance promedio (%)", "Vencidas",
                   "Sin reporte", "Semáforo"]].values.tolist()
    assert got == [
        [ADMINISTRACION, 1, 50.0, 0, 0, "■ Rojo"],
        [PLANEACION_CARTAGO, 7, 79.0, 1, 1, "▲ Amarillo"],
        [SERVICIOS, 1, 80.0, 0, 0, "● Verde"],
    ]


def test_thresholds_change_the_semaforo_not_the_figures(con):
    ranking = queries.office_ranking(con, cartago(T3, umbrales=Umbrales(rojo=50, verde=79)))
    assert list(ranking["_semaforo"]) == ["amarillo", "verde", "verde"]
    assert list(ranking["Avance promedio (%)"]) == [50.0, 79.0, 80.0]


def test_cartago_phases_are_inferred(con):
    phases = queries.phase_summary(con, cartago(T4))
    assert set(phases["Origen de la fase"]) == {"Inferida"}
    assert dict(zip(phases["_fase"], phases["Actividades"], strict=True)) == {
        "diagnostico": 3, "formulacion": 1, "implementacion": 1,
        "seguimiento_evaluacion": 2, "transversal": 2}


def test_semaforo_counts(con):
    counts = queries.semaforo_summary(con, cartago(T3))
    assert dict(zip(counts["_semaforo"], counts["Actividades"], strict=True)) == {
        "rojo": 2, "amarillo": 2, "verde": 3, "gris": 2}


# ------------------------------------------------------------------- filters


@pytest.mark.parametrize(("filters", "codes"), [
    (cartago(T4, estado=("vencida",)), ["4", "9"]),
    (cartago(T3, semaforo=("rojo",)), ["6", "7"]),
    (cartago(T3, fase=("diagnostico",)), ["1", "4", "5"]),
    (cartago(T3, dependencia=(SERVICIOS,)), ["3"]),
    (cartago(T3, texto="RENDICIÓN de cuentas"), ["2", "7", "9"]),
    (cartago(T3, texto="rendicion"), ["2", "7", "9"]),
])
def test_filters_select_activities(con, filters, codes):
    assert list(queries.activities_table(con, filters)["Código"]) == codes


def test_text_search_reaches_offices_and_value_groups(con):
    found = queries.activities_table(con, Filters(texto="hansen"))
    assert len(found) == 3 and set(found["Entidad"]) == {SANATORIO}


def test_every_field_of_an_activity_is_in_the_table(con):
    table = queries.activities_table(con, SANATORIO_T1)
    seventh = table[table["_id"] == 7].iloc[0]
    assert seventh["Dependencias"] == "Planeación; Programa Hansen"
    assert seventh["Estado"] == "Vencida" and seventh["Vencida"] == "Sí"
    assert seventh["Observación"] == "A LA FECHA NO SE HA AVANZADO EN ESTE TEMA"
    assert seventh["Instancia de participación"].startswith("Asociación de usuarios")
    assert seventh["Semáforo"] == "■ Rojo"
    assert list(table.columns) == queries.ACTIVITY_COLUMNS


def test_activity_detail_lists_fields_and_extra_columns(con):
    detail = queries.activity_detail(con, cartago(T3), 14)
    fields = dict(zip(detail["Campo"], detail["Valor"], strict=True))
    assert fields["Avance (%)"] == "70,0"
    assert fields["Fecha límite"] == "30/06/2024"
    assert fields["Columna del plan: TAREA"].startswith("Diseñar instrumento")


def test_schedule(con):
    schedule = queries.activity_schedule(con, 17)
    assert list(schedule["Mes"]) == ["marzo de 2024", "junio de 2024", "septiembre de 2024",
                                     "diciembre de 2024"]


# ------------------------------------------------------------ several entities


def test_entities_are_compared(con):
    comparison = queries.entity_comparison(con, Filters(corte=T4))
    got = comparison[["Entidad", "Actividades", "Con avance", "Avance promedio (%)",
                      "Vencidas", "Cumplidas"]].values.tolist()
    # At 31/12/2024 every Sanatorio 2022 activity is past its due date.
    assert got == [[CARTAGO, 9, 9, pytest.approx(805 / 9), 2, 6],
                   [SANATORIO, 9, 6, 0.0, 9, 0]]


def test_a_plan_not_followed_up_at_the_corte_is_sin_seguimiento(con):
    row = queries.kpis(con, Filters(corte=date(2022, 3, 31))).iloc[0]
    assert row["Sin seguimiento"] == 9
    assert row["Actividades"] == 18
    assert queries.explain_average(row) == (
        "Promedio simple de 6 actividades con avance reportado; no entran en el "
        "promedio 3 no programadas y 9 sin seguimiento.")


# ------------------------------------------------------------------ drill-down

SUMMARIES = [
    (queries.states_summary, "_filtro", "Actividades"),
    (queries.semaforo_summary, "_filtro", "Actividades"),
    (queries.office_ranking, "_filtro", "Actividades"),
    (queries.phase_summary, "_filtro", "Actividades"),
    (queries.level_summary, "_filtro", "Actividades"),
    (queries.value_group_summary, "_filtro", "Actividades"),
    (queries.entity_comparison, "_filtro", "Actividades"),
    (queries.states_by_period, "_filtro", "Actividades"),
    (queries.progress_by_period, "_filtro", "Con avance"),
    (queries.progress_by_period, "_filtro_programadas", "Programadas hasta el corte"),
    (queries.progress_by_period, "_filtro_cumplidas", "Cumplidas al corte"),
]


@pytest.mark.parametrize(("query", "key", "count"), SUMMARIES,
                         ids=[f"{q.__name__}{k}" for q, k, _ in SUMMARIES])
@pytest.mark.parametrize("filters", [Filters(corte=T3), Filters(corte=T4, fase=("transversal",)),
                                     SANATORIO_T1], ids=["todas", "transversal", "sanatorio"])
def test_a_bar_lists_exactly_the_activities_it_counts(con, query, key, count, filters):
    summary = query(con, filters)
    assert not summary.empty
    for row in summary.to_dict("records"):
        behind = queries.activities_table(con, filters, row[key])
        assert len(behind) == row[count], (row[key], drill.describe(drill.decode(row[key])))


def test_drill_describes_the_selection():
    selection = drill.encode({"dependencia": "SIAU", "estado": "vencida", "corte": T3})
    assert drill.describe(drill.decode(selection)) == (
        "corte 30/09/2024, dependencia SIAU, estado vencida")


# -------------------------------------------------------------- data quality


def test_plan_quality(con):
    plans = quality.plan_quality(con, Filters())
    assert plans[["Entidad", "Archivos cargados", "Fase declarada", "Fase inferida",
                  "Cortes con seguimiento", "Datos por corregir", "Datos por revisar",
                  "Filas que no son actividades"]
                 ].values.tolist() == [[CARTAGO, 2, 0, 9, 4, 1, 1, 2],
                                       [SANATORIO, 1, 9, 0, 1, 0, 1, 1]]


def test_import_report_and_issues(con):
    report = quality.import_report(con, Filters(entidad=(CARTAGO,)))
    assert report[["Archivo", "Reportes de avance nuevos", "Reportes de avance que cambiaron",
                   "Datos por corregir", "Datos por revisar",
                   "Filas que no son actividades"]].values.tolist() == [
        ["002_cartago_plan_2024.xlsx", 18, 0, 0, 1, 2],
        ["002_cartago_seguimiento_T4.xlsx", 18, 1, 1, 0, 0]]
    issues = quality.import_issues(con, Filters())
    assert list(issues["Qué hacer"]) == ["Corregir", "Revisar", "Revisar", "Para su información"]
    assert len(quality.skipped_rows(con, Filters())) == 3


def test_inferred_phases_and_office_merges(con):
    assert len(quality.inferred_phases(con, Filters())) == 9
    assert quality.inferred_phases(con, Filters(entidad=(SANATORIO,))).empty
    merges = quality.office_merges(con, Filters(entidad=(CARTAGO,)))
    rewritten = merges[merges["¿Cambió el nombre?"] == "Sí"]
    assert rewritten[["Como aparece en el plan", "Nombre en el tablero", "Actividades"]
                     ].values.tolist() == [
        ["Sec. de Planeación, Medio Ambiente y Desarrollo Economico", PLANEACION_CARTAGO, 7],
        ["Sec. de Sevicios Administrativos", SERVICIOS, 1]]
    every = quality.office_merges(con, Filters())
    assert quality.office_merges_count(con, Filters()) == len(every) > 2
    first = quality.office_merges(con, Filters(), 2)
    pd.testing.assert_frame_equal(first, every.head(2))


def test_without_a_due_date_the_schedule_says_when_it_is_due(db_path, tmp_path):
    """Activity 3 of Cartago loses its due date but plans work up to September."""
    copy = tmp_path / "cronograma.duckdb"
    copy.write_bytes(db_path.read_bytes())
    with store.write_transaction(copy) as writer:
        writer.execute("UPDATE activity SET due_date = NULL WHERE activity_id IN (13, 19)")
        writer.execute("INSERT INTO schedule VALUES (13, DATE '2024-07-01', 2.0), "
                       "(13, DATE '2024-09-01', 1.0), (13, DATE '2024-10-01', 0.0)")
    with store.Database(copy).cursor() as con:
        table = queries.activities_table(con, cartago(T3))
        third = table[table["Código"] == "3"].iloc[0]
        assert third["Fecha límite"] == pd.Timestamp(2024, 9, 30)
        assert third["Origen de la fecha límite"] == "Último mes del cronograma"
        ninth = table[table["Código"] == "9"].iloc[0]
        assert pd.isna(ninth["Fecha límite"]) and pd.isna(ninth["Origen de la fecha límite"])
        periods = queries.progress_by_period(con, cartago(T4))
        assert list(periods["Programadas hasta el corte"]) == [1, 3, 5, 8]
        assert list(periods["Sin fecha límite"]) == [1, 1, 1, 1]
