"""Every query behind every page, ours (DuckDB) beside the pandas baseline.

The calls each page makes are listed here as data (:data:`PAGES`, read off
``data.load(`` in dashboard.py, ui/ and pages/); a page's time is the sum of
its distinct calls, the shared sidebar and header included, measured the way
the app runs them: the query function of ``data_layer`` on a fresh cursor of
the shared read-only ``store.Database``, without Streamlit's cache (that is
what a first visit or a filter change pays).

Two pandas baselines are timed beside ours (bench/pandas_impl.py). The
careful one (``pandas_ms``, ``pandas_ratio``, ``pandas_page_ms``,
``pandas_page_ratio``) is timed the way a page would use it: the page filters
the states once (``pandas_filter_ms``: at the cut-off, and up to it when the
page draws a history), counted once in the page's time, then draws each
figure from that frame (``pandas_ms`` of a call is that figure alone). The
naive one (``pandas_naive_*``) filters the whole state again for every
figure; a page's time is the sum of its calls.

Two views are measured: ``nacional`` (no filter: every entity, the latest
cut-off, the dashboard's default and its heaviest view) and ``una_entidad``
(the first entity: what a filter change usually leads to).
"""
from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bench.common import median_ms, timed
from data_layer import quality, queries, store, totals
from data_layer.report import content
from data_layer.filters import Filters

# A long list is shown as its first ui.tables.MAX_ROWS rows (the query with a
# LIMIT) plus a count; the whole list is read only for a download.
FIRST = ":primeras"
SHOWN_ROWS = 1_000  # = ui.tables.MAX_ROWS (not imported: ui needs Streamlit)
RESUMEN_OFFICES = 5  # the offices Resumen charts (pages/resumen.py)
NAMED_LINES = totals.NAMED_ENTITIES  # more entities: Avance sums them per cut-off
SIDEBAR = ["options:entidad", "options:vigencia", "corte_options", "options:fase",
           "options:dependencia", "options:grupo_valor", "kpis"]
HEADER = ["last_reports"]  # with several entities in view (calls_of)
PAGES: dict[str, list[str]] = {
    "resumen": ["entity_comparison", "states_summary", "semaforo_summary", "progress_by_period",
                "lowest_offices"],
    # states_by_period, or states_by_cutoff for more than 8 entities; Resumen's
    # states and colours likewise (calls_of)
    "avance": ["progress_by_period", "states_by_period", "changes_count",
               "changes_since_previous_cutoff" + FIRST],
    "dependencias": ["office_ranking"],
    "fases": ["phase_summary", "level_summary", "value_group_summary"],
    "actividades": ["activities_count", "activities_table" + FIRST],
    "calidad": ["plan_quality", "import_report", "import_issues_count", "import_issues" + FIRST,
                "skipped_rows_count", "skipped_rows" + FIRST, "inferred_phases_count",
                "inferred_phases" + FIRST, "office_merges_count", "office_merges" + FIRST],
    # Rendición de cuentas: what data_layer.report.content.build runs (and, up
    # to content.LIST_LIMIT activities in view, the whole table of activities
    # its three lists come from: see calls_of).
    "presentacion": ["entity_comparison", "states_summary", "semaforo_summary", "phase_summary",
                     "office_ranking", "progress_by_period", "import_report"],
}
# Aggregates over every activity in view (as opposed to queries that list rows,
# whose time is mostly building the rows of the answer).
HEAVY = ["kpis", "entity_comparison", "states_summary", "semaforo_summary", "progress_by_period",
         "states_by_period", "office_ranking", "phase_summary", "level_summary",
         "value_group_summary"]
LISTS = ["changes_since_previous_cutoff" + FIRST, "activities_table" + FIRST,
         "inferred_phases" + FIRST]
# Served from per-plan roll-ups (data_layer.status: historia_plan, historia_estado)
# when the filters select whole plans only; the pandas baseline aggregates.
ROLLED_UP = ["progress_by_period", "states_by_period"]
# What the careful pandas baseline draws from the states at every cut-off (its
# page filters them once more), and what it draws from the plans alone (no
# filtered states needed); every other call is drawn from the states at the cut-off.
HISTORY = {"progress_by_period", "states_by_period", "states_by_cutoff"}
NO_STATES = {"options:entidad", "options:vigencia", "corte_options", "options:fase",
             "options:dependencia", "options:grupo_valor", "plan_quality", "import_report",
             "import_issues_count", "import_issues" + FIRST, "skipped_rows_count",
             "skipped_rows" + FIRST, "inferred_phases_count", "inferred_phases" + FIRST,
             "office_merges_count", "office_merges" + FIRST}


@dataclass(frozen=True)
class View:
    name: str
    filters: Filters

    @property
    def scope(self) -> Filters:
        return Filters(entidad=self.filters.entidad, vigencia=self.filters.vigencia)

    def args(self, call: str) -> tuple[str, tuple]:
        """(function name, arguments after the connection) of one call."""
        if call.startswith("options:"):
            field = call.split(":", 1)[1]
            return "options", (Filters() if field == "entidad" else self.scope, field)
        if call == "corte_options":
            return "corte_options", (self.scope,)
        if call == "lowest_offices":
            return "lowest_offices", (self.filters, RESUMEN_OFFICES)
        if call.endswith(FIRST):
            name = call.removesuffix(FIRST)
            drill = (None,) if name == "activities_table" else ()  # no clicked bar
            return name, (self.filters, *drill, SHOWN_ROWS)
        return call, (self.filters,)


def views(con) -> list[View]:
    """The default view, as the sidebar builds it (the latest cut-off chosen),
    and the view of the first entity."""
    latest = queries.corte_options(con, Filters())["_corte"]
    national = Filters(corte=latest.iloc[0] if len(latest) else None)
    entity = queries.options(con, Filters(), "entidad")[0]
    own = queries.corte_options(con, Filters(entidad=(entity,)))["_corte"]
    one = Filters(entidad=(entity,), corte=own.iloc[0] if len(own) else None)
    return [View("nacional", national), View("una_entidad", one)]


def calls_of(page: str, view: View, kpis: pd.DataFrame | None = None) -> list[str]:
    calls = SIDEBAR + PAGES[page]
    several = kpis is not None and int(kpis["entidades"].iloc[0]) > 1
    if several and page not in ("presentacion", "resumen"):
        # Every page's header says the figures are consolidated, and at which
        # cut-off each entity is (ui.layout.header; Resumen reads it from the
        # comparison it charts, the presentation from its report's).
        calls = calls[:len(SIDEBAR)] + HEADER + calls[len(SIDEBAR):]
    elif page == "resumen" and kpis is not None and not several:
        calls = [c for c in calls if c != "entity_comparison"]  # drawn only to compare
    if kpis is not None and int(kpis["entidades"].iloc[0]) > NAMED_LINES and page in (
            "resumen", "avance"):  # the charts of many entities: totals, summed by the query
        summed = {"states_by_period": "states_by_cutoff", "states_summary": "states_totals",
                  "semaforo_summary": "semaforo_totals"}
        calls = [summed.get(c, c) for c in calls]
    if page == "presentacion" and kpis is not None:
        if int(kpis["entidades"].iloc[0]) > content.TOTALS_ABOVE:  # the screens chart totals
            summed = {"phase_summary": "phase_totals", "office_ranking": "office_totals",
                      "states_summary": "states_totals", "semaforo_summary": "semaforo_totals"}
            calls = [summed.get(c, c) for c in calls]
        if int(kpis["Actividades"].iloc[0]) <= content.LIST_LIMIT:
            calls = calls + ["activities_table"]  # the lists: every activity in view
    return calls


def ours(db: store.Database, view: View, call: str) -> object:
    name, args = view.args(call)
    function = getattr(queries, name, None) or getattr(quality, name)
    cursor = db.cursor()
    try:
        return function(cursor, *args)
    finally:
        cursor.close()


def theirs(baseline, view: View, call: str) -> object:
    name, args = view.args(call)
    if call.endswith(FIRST):
        return baseline.first_rows(name, view.filters, SHOWN_ROWS)
    return getattr(baseline, name)(*args)


def run(db_path: Path, repeat: int = 5, pandas_repeat: int | None = None,
        with_pandas: bool = True, log=print) -> dict:
    """Time every call of every page in both views; the pandas baseline too."""
    db = store.Database(db_path)
    build_s, _ = timed(lambda: ours(db, View("x", Filters()), "kpis"))  # builds the derived tables
    cursor = db.cursor()
    all_views = views(cursor)
    cursor.close()
    result: dict = {"derived_build_s": round(build_s, 2), "views": {}}
    baseline = None
    if with_pandas:
        from bench.pandas_impl import CarefulTablero, PandasTablero, load_tables

        cursor = db.cursor()
        load_s, tables = timed(lambda: load_tables(cursor))
        cursor.close()
        pandas_build_s, baseline = timed(lambda: PandasTablero(tables))
        careful_build_s, careful = timed(lambda: CarefulTablero(baseline))
        result["pandas_load_s"] = round(load_s, 2)
        result["pandas_build_s"] = round(pandas_build_s, 2)
        result["pandas_careful_build_s"] = round(careful_build_s, 2)
        log(f"  pandas: tablas en memoria {load_s:.1f} s, estado por corte {pandas_build_s:.1f} s,"
            f" ayudas de la versión cuidadosa {careful_build_s:.1f} s")
    for view in all_views:
        kpis = ours(db, view, "kpis")
        pages = {page: calls_of(page, view, kpis) for page in PAGES}
        distinct = list(dict.fromkeys(call for calls in pages.values() for call in calls))
        samples: dict[str, list[float]] = {call: [] for call in distinct}
        naive_samples: dict[str, list[float]] = {call: [] for call in distinct}
        careful_samples: dict[str, list[float]] = {call: [] for call in distinct}
        filter_samples: dict[str, list[float]] = {"estado_al_corte": [], "historia": []}
        totals: dict[str, list[float]] = {page: [] for page in PAGES}
        naive_totals: dict[str, list[float]] = {page: [] for page in PAGES}
        careful_totals: dict[str, list[float]] = {page: [] for page in PAGES}
        for round_number in range(repeat):
            with_baselines = baseline is not None and round_number < (pandas_repeat or repeat)
            this_round, naive_round = {}, {}
            for call in distinct:
                gc.collect()
                seconds, _ = timed(lambda call=call: ours(db, view, call))
                samples[call].append(seconds)
                this_round[call] = seconds
                if with_baselines:
                    gc.collect()
                    seconds, _ = timed(lambda call=call: theirs(baseline, view, call))
                    naive_samples[call].append(seconds)
                    naive_round[call] = seconds
            for page, calls in pages.items():
                totals[page].append(sum(this_round[call] for call in calls))
                if with_baselines:
                    naive_totals[page].append(sum(naive_round[call] for call in calls))
            if with_baselines:
                careful_round = careful_page_times(careful, view, distinct)
                for name in filter_samples:
                    filter_samples[name].append(careful_round[name])
                for call in distinct:
                    careful_samples[call].append(careful_round[call])
                for page, calls in pages.items():
                    careful_totals[page].append(careful_page_total(careful_round, calls))
        entry = {
            "filters": view.filters.describe(),
            "page_queries_ms": {page: median_ms(totals[page]) for page in PAGES},
            "query_ms": {call: median_ms(samples[call]) for call in distinct},
            "calls": pages,
        }
        if baseline is not None:
            entry["pandas_ms"] = {call: median_ms(careful_samples[call]) for call in distinct}
            entry["pandas_ratio"] = ratios(entry["pandas_ms"], entry["query_ms"])
            entry["pandas_naive_ms"] = {call: median_ms(naive_samples[call]) for call in distinct}
            entry["pandas_naive_ratio"] = ratios(entry["pandas_naive_ms"], entry["query_ms"])
            entry["pandas_filter_ms"] = {name: median_ms(values)
                                         for name, values in filter_samples.items()}
            entry["pandas_page_ms"] = {page: median_ms(careful_totals[page]) for page in PAGES}
            entry["pandas_page_ratio"] = ratios(entry["pandas_page_ms"], entry["page_queries_ms"])
            entry["pandas_naive_page_ms"] = {page: median_ms(naive_totals[page])
                                             for page in PAGES}
            entry["pandas_naive_page_ratio"] = ratios(entry["pandas_naive_page_ms"],
                                                      entry["page_queries_ms"])
        result["views"][view.name] = entry
        log(f"  {view.name}: " + ", ".join(f"{p} {ms:.0f} ms"
                                            for p, ms in entry["page_queries_ms"].items()))
    return result


def ratios(theirs_ms: dict[str, float], ours_ms: dict[str, float]) -> dict[str, float]:
    """Each pandas time ÷ ours (ours floored at 0.05 ms)."""
    return {key: round(ms / max(ours_ms[key], 0.05), 1) for key, ms in theirs_ms.items()}


def careful_page_times(careful, view: View, calls: list[str]) -> dict[str, float]:
    """One round of the careful baseline on one view (seconds): the filtering
    of the states at the cut-off (``estado_al_corte``) and up to it
    (``historia``), each done once, then every call drawn from them."""
    page_view = careful.view(view.filters)
    gc.collect()
    out = {"estado_al_corte": timed(lambda: page_view.frame)[0]}
    gc.collect()
    out["historia"] = timed(lambda: page_view.history)[0]
    for call in calls:
        gc.collect()
        out[call] = timed(lambda call=call: theirs(page_view, view, call))[0]
    return out


def careful_page_total(times: dict[str, float], calls: list[str]) -> float:
    """A page of the careful baseline: its filtering once, then its figures."""
    total = sum(times[call] for call in calls)
    if any(call not in NO_STATES for call in calls):
        total += times["estado_al_corte"]
    if any(call in HISTORY for call in calls):
        total += times["historia"]
    return total


def compare(db_path: Path, filters_list: list[Filters], careful: bool = False) -> list[str]:
    """Differences between ours and the pandas baseline (empty: same figures):
    the naive one, or with ``careful`` the careful one (one fresh view per
    Filters, every call of every page drawn from it)."""
    from bench.pandas_impl import CarefulTablero, PandasTablero, load_tables

    db = store.Database(db_path)
    cursor = db.cursor()
    baseline = PandasTablero(load_tables(cursor))
    cursor.close()
    careful_baseline = CarefulTablero(baseline) if careful else None
    problems = []
    for filters in filters_list:
        view = View("comparar", filters)
        page_view = careful_baseline.view(filters) if careful_baseline is not None else None
        for call in dict.fromkeys(c for page in PAGES for c in SIDEBAR + PAGES[page]):
            other = (theirs(page_view, view, call) if page_view is not None
                     else theirs(baseline, view, call))
            mine = ours(db, view, call)
            problem = _difference(mine, other)
            if problem:
                problems.append(f"{call} con {filters}: {problem}")
    return problems


def _difference(mine: object, other: object) -> str | None:
    if isinstance(mine, pd.DataFrame):
        if list(mine.columns) != list(other.columns):
            return f"columnas {list(mine.columns)} ≠ {list(other.columns)}"
        mine, other = _missing_as_none(mine), _missing_as_none(other)
        try:
            pd.testing.assert_frame_equal(mine.reset_index(drop=True), other.reset_index(drop=True),
                                          check_dtype=False, check_exact=False, rtol=1e-9)
        except AssertionError as error:
            return str(error)[:800]
        return None
    return None if mine == other else f"{mine!r} ≠ {other!r}"


def _missing_as_none(df: pd.DataFrame) -> pd.DataFrame:
    """None, NaN and NaT all mean "no value" in a text column: write them alike."""
    df = df.copy()
    for column in df.columns:
        if df[column].dtype == object or str(df[column].dtype) == "str":
            values = df[column].astype(object)
            df[column] = values.where(values.notna(), None)
    return df
