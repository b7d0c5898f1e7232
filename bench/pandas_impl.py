"""The baseline: the same figures computed with pandas from whole tables in memory.

This is how most Streamlit dashboards are written: load every table once into
DataFrames (cached), then answer each view with boolean masks and
``groupby``. To make the comparison about the engine and not about a
cleverer data model, the baseline gets the same help ours has: the state of
every activity at every cut-off of its plan is computed once (``PandasTablero``
builds it when it loads the tables, like our derived tables; both build times
are reported apart), and each query then selects the rows of its cut-off,
applies the filters and aggregates. It does not get our per-plan roll-ups of
the history (``historia_plan``), so progress_by_period and states_by_period
compare a roll-up lookup with a full aggregation (said so in the README).

Two baselines: ``PandasTablero`` is the naive one (every figure filters the
whole state again, as a dashboard written figure by figure does);
``CarefulTablero`` is what a careful pandas dashboard does (a page filters
once, every figure is a vectorised groupby over that frame; see its
docstring). bench/queries.py reports the careful one as ``pandas_*`` and the
naive one as ``pandas_naive_*``.

Every query returns the same raw frame as the SQL of ``data_layer.queries``
and goes through the same ``finish_*`` function, so the outputs can be
compared cell by cell (tests/test_bench.py does, for both baselines, on small
databases).
"""
from __future__ import annotations

import unicodedata
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from data_layer import queries, status, totals
from data_layer.filters import Filters
from data_layer.model import PHASES

TABLES = ("entity", "plan", "import_file", "activity", "activity_office", "schedule", "reading",
          "import_issue", "skipped_row")
ESTADOS = list(status.ESTADOS)
BEFORE = pd.Timestamp("1678-01-01")  # "before the first cut-off" (DuckDB: -infinity)
NEVER = pd.Timestamp("2261-12-31")  # "no next cut-off" (DuckDB: infinity)


def load_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every table, whole, as DataFrames (what a cached ``pd.read_sql`` gives)."""
    return {name: con.execute(f"SELECT * FROM {name}").df() for name in TABLES}


def _day(value: object) -> pd.Timestamp:
    return pd.Timestamp(value) if value is not None else pd.NaT


class _FromOtherFigures:
    """The figures our queries give as a cut of, or the totals over, other
    figures (queries.lowest_offices, states_by_cutoff, states_totals,
    semaforo_totals, phase_totals, office_totals, last_reports): pandas draws them
    from its own."""

    def lowest_offices(self, filters: Filters, count: int) -> pd.DataFrame:
        ranking = self.office_ranking(filters)
        followed = ranking[ranking["Sin seguimiento"] < ranking["Actividades"]]
        return followed.head(count).reset_index(drop=True)

    def states_by_cutoff(self, filters: Filters) -> pd.DataFrame:
        return totals.states_by_cutoff(self.states_by_period(filters))

    def states_totals(self, filters: Filters) -> pd.DataFrame:
        return totals.states(self.states_summary(filters))

    def semaforo_totals(self, filters: Filters) -> pd.DataFrame:
        return totals.semaforo_colours(self.semaforo_summary(filters))

    def last_reports(self, filters: Filters) -> pd.DataFrame:
        return self.entity_comparison(filters)[["Entidad", "Último seguimiento"]]

    def phase_totals(self, filters: Filters) -> pd.DataFrame:
        return totals.phases(self.phase_summary(filters), filters)

    def office_totals(self, filters: Filters) -> pd.DataFrame:
        summed = totals.text_groups(self.office_ranking(filters), filters, "dependencia",
                                    "Dependencia")
        return totals.lowest(summed, len(summed))


class PandasTablero(_FromOtherFigures):
    """Whole tables in memory plus the per-(activity, cut-off) state."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.t = tables
        plan = tables["plan"].merge(tables["entity"], on="entity_id")
        self.plans = plan.rename(columns={"name": "entidad"})[["plan_id", "entidad", "vigencia"]]
        self._build_state()

    # ------------------------------------------------------------ the state

    def _build_state(self) -> None:
        t = self.t
        activity = t["activity"]
        reading = t["reading"]
        current = (reading.sort_values("import_id", ascending=False)
                   .drop_duplicates(["activity_id", "period_kind", "period_index"]))
        current = current[current["cutoff"].notna()]
        current = current.merge(activity[["activity_id", "plan_id"]], on="activity_id")
        self.current = current
        cortes = (current.groupby(["plan_id", "cutoff"], as_index=False)["period_label"].min()
                  .rename(columns={"cutoff": "corte", "period_label": "periodo"})
                  .sort_values(["plan_id", "corte"]))
        cortes["corte_previo"] = cortes.groupby("plan_id")["corte"].shift(1)
        cortes["hasta"] = cortes.groupby("plan_id")["corte"].shift(-1).fillna(NEVER)
        self.cortes = cortes

        offices = t["activity_office"].sort_values(["activity_id", "office"])
        lists = offices.groupby("activity_id")["office"].agg(tuple)
        schedule = t["schedule"]
        fin = schedule[schedule["planned"] > 0].groupby("activity_id")["month"].max()
        fin = (fin + pd.offsets.MonthEnd(0)).rename("fin")
        act = activity[["activity_id", "plan_id", "seq", "phase", "phase_source",
                        "participation_level", "value_groups", "due_date"]].merge(
            fin, how="left", left_on="activity_id", right_index=True)
        act = act.rename(columns={"phase": "fase", "phase_source": "fase_origen"})
        act["nivel"] = act.pop("participation_level").fillna(status.SIN_ESPECIFICAR)
        act["grupo_valor"] = act.pop("value_groups").fillna(status.SIN_ESPECIFICAR)
        act["fecha_limite"] = act["due_date"].fillna(act["fin"])
        act["fecha_limite_origen"] = np.select(
            [act["due_date"].notna(), act["fin"].notna()], ["plan", "cronograma"], None)
        act = act.drop(columns=["due_date", "fin"])
        deps = lists.reindex(act["activity_id"]).tolist()
        act["dependencias_lista"] = [d if isinstance(d, tuple) else (status.SIN_DEPENDENCIA,)
                                     for d in deps]
        self.act = act

        chosen = (current.sort_values(["activity_id", "cutoff", "period_index", "period_kind"],
                                      ascending=[True, True, False, True])
                  .drop_duplicates(["activity_id", "cutoff"]))
        grid = act[["activity_id", "plan_id"]].merge(
            cortes[["plan_id", "corte", "hasta", "corte_previo"]], on="plan_id")
        grid = grid.rename(columns={"corte": "desde"}).sort_values("desde")
        chosen = chosen.sort_values("cutoff")
        grid = pd.merge_asof(grid, chosen[["activity_id", "cutoff", "period_label", "state",
                                           "value", "planned", "executed", "period_kind",
                                           "period_index", "import_id"]],
                             left_on="desde", right_on="cutoff", by="activity_id",
                             direction="backward")
        grid = grid.merge(act.drop(columns="plan_id"), on="activity_id")
        state = grid["state"]
        grid["estado_lectura"] = np.select(
            [state.isna() | state.isin(["sin_reporte", "ilegible"]), state == "no_programada",
             grid["value"] >= 100], ["sin_reporte", "no_programada", "cumplida"], "en_curso")
        grid["valor"] = grid["value"].where(state == "avance")
        overdue = ((grid["fecha_limite"] < grid["desde"])
                   & ~grid["estado_lectura"].isin(["cumplida", "sin_seguimiento"]))
        grid["estado_en_corte"] = np.where(overdue, "vencida", grid["estado_lectura"])
        grid = grid.sort_values(["activity_id", "desde"])
        previous = grid.groupby("activity_id")
        grid["estado_previo"] = previous["estado_en_corte"].shift(1)
        grid["valor_previo"] = previous["valor"].shift(1)
        grid["cumplida_antes"] = (previous["estado_lectura"].shift(1) == "cumplida")
        first = cortes.groupby("plan_id")["corte"].min().rename("hasta")
        before = act.merge(first, how="left", left_on="plan_id", right_index=True)
        before["hasta"] = before["hasta"].fillna(NEVER)
        before["desde"] = BEFORE
        before["estado_lectura"] = "sin_seguimiento"
        before["estado_en_corte"] = "sin_seguimiento"
        before["cumplida_antes"] = False
        grid = grid.rename(columns={"cutoff": "fecha_lectura", "period_label": "periodo",
                                    "state": "lectura", "planned": "programado",
                                    "executed": "ejecutado"}).drop(columns="value")
        self.state = pd.concat([grid, before], ignore_index=True).merge(self.plans, on="plan_id")

    # --------------------------------------------------- filtered relation

    def resolve_corte(self, filters: Filters) -> date | None:
        if filters.corte is not None:
            return filters.corte
        plans = self._plan_ids(filters)
        cortes = self.cortes[self.cortes["plan_id"].isin(plans)]["corte"]
        return None if cortes.empty else cortes.max().date()

    def _plan_ids(self, filters: Filters) -> pd.Series:
        p = self.plans
        mask = pd.Series(True, index=p.index)
        if filters.entidad:
            mask &= p["entidad"].isin(filters.entidad)
        if filters.vigencia:
            mask &= p["vigencia"].isin(filters.vigencia)
        return p.loc[mask, "plan_id"]

    def relation(self, filters: Filters, history: bool = False) -> pd.DataFrame:
        """The filtered activity states (what ``f`` is in the SQL)."""
        corte = self.resolve_corte(filters)
        s = self.state
        if history:
            if corte is None:
                f = s.iloc[0:0].copy()
            else:
                f = s[(s["desde"] > BEFORE) & (s["desde"] <= pd.Timestamp(corte))].copy()
            f["corte"] = f["desde"]
            f["estado"] = f["estado_en_corte"]
            f["vencida"] = f["estado"] == "vencida"
        else:
            if corte is None:
                f = s[s["desde"] == BEFORE].copy()
                f["corte"] = pd.NaT
                f["vencida"] = False
            else:
                day = pd.Timestamp(corte)
                f = s[(s["desde"] <= day) & (s["hasta"] > day)].copy()
                f["corte"] = day
                f["vencida"] = ((f["fecha_limite"] < day)
                                & ~f["estado_lectura"].isin(["cumplida", "sin_seguimiento"]))
            f["estado"] = np.where(f["vencida"], "vencida", f["estado_lectura"])
        u = filters.umbrales
        valor = f["valor"]
        f["semaforo"] = np.select([valor.isna(), valor >= u.verde, valor >= u.rojo],
                                  ["gris", "verde", "amarillo"], "rojo")
        return f[self._mask(f, filters)]

    def _mask(self, f: pd.DataFrame, filters: Filters) -> pd.Series:
        mask = pd.Series(True, index=f.index)
        for name, column in (("entidad", "entidad"), ("vigencia", "vigencia"), ("fase", "fase"),
                             ("estado", "estado"), ("semaforo", "semaforo"),
                             ("grupo_valor", "grupo_valor")):
            values = getattr(filters, name)
            if values:
                mask &= f[column].isin(values)
        if filters.dependencia:
            wanted = set(filters.dependencia)
            mask &= np.array([not wanted.isdisjoint(d) for d in f["dependencias_lista"]],
                             dtype=bool)
        if filters.texto.strip():
            text = self._search_text(f)
            mask &= text.str.contains(_fold(filters.texto.strip()), regex=False).to_numpy(bool)
        return mask

    def _search_text(self, f: pd.DataFrame) -> pd.Series:
        a = self.t["activity"].set_index("activity_id")
        rows = a.loc[f["activity_id"]]
        obs = self._reading_text(f)["observation"]
        parts = [rows["code"], rows["name"], rows["group_name"], rows["objective"],
                 rows["product"], rows["indicator"], f["grupo_valor"].to_numpy(),
                 rows["instance"], ["; ".join(d) for d in f["dependencias_lista"]], obs]
        joined = [" ".join(str(p) for p in values if not pd.isna(p))
                  for values in zip(*[list(p) for p in parts], strict=True)]
        return pd.Series([_fold(text) for text in joined], index=f.index)

    def _reading_text(self, f: pd.DataFrame) -> pd.DataFrame:
        keys = ["activity_id", "period_kind", "period_index", "import_id"]
        r = self.t["reading"][keys + ["raw", "observation", "evidence"]]
        return f[keys].merge(r, how="left", on=keys).set_index(f.index)

    # ------------------------------------------------------------- queries

    def options(self, filters: Filters, field: str) -> list:
        scope = Filters() if field == "entidad" else filters
        plans = self.plans[self.plans["plan_id"].isin(self._plan_ids(scope))]
        if field == "entidad":
            values = sorted(plans["entidad"].unique())
        elif field == "vigencia":
            values = sorted(plans["vigencia"].dropna().unique(), reverse=True)
        else:
            act = self.act[self.act["plan_id"].isin(plans["plan_id"])]
            if field == "fase":
                values = list(act["fase"].unique())
            elif field == "grupo_valor":
                values = sorted(act["grupo_valor"].unique())
            else:
                values = sorted({o for d in act["dependencias_lista"] for o in d})
        return queries.finish_options(values, field)

    def corte_options(self, filters: Filters) -> pd.DataFrame:
        c = self.cortes[self.cortes["plan_id"].isin(self._plan_ids(filters))]
        df = (c.groupby("corte", as_index=False)["periodo"].min()
              .sort_values("corte", ascending=False).rename(columns={"corte": "_corte"}))
        return queries.finish_corte_options(df.reset_index(drop=True))

    # Each figure is the filtering (``relation``) then the figure from the
    # filtered frame (``_*_of``); the careful baseline below reuses the second.

    def kpis(self, filters: Filters) -> pd.DataFrame:
        return self._kpis_of(self.relation(filters), filters)

    def _kpis_of(self, f: pd.DataFrame, filters: Filters) -> pd.DataFrame:
        sin_valor = f["valor"].isna()
        row = _counts_row(f)
        row |= {
            "Vencidas sin avance": int((sin_valor & (f["estado"] == "vencida")).sum()),
            "ultima_lectura": f["fecha_lectura"].max(),
            "entidades": f["entidad"].nunique(),
        }
        return queries.finish_kpis(pd.DataFrame([row]), filters, self.resolve_corte(filters))

    def states_summary(self, filters: Filters) -> pd.DataFrame:
        return self._states_summary_of(self.relation(filters))

    @staticmethod
    def _states_summary_of(f: pd.DataFrame) -> pd.DataFrame:
        df = f.groupby(["entidad", "estado"], as_index=False).size()
        df.columns = ["Entidad", "_estado", "Actividades"]
        return queries.finish_states_summary(df)

    def semaforo_summary(self, filters: Filters) -> pd.DataFrame:
        return self._semaforo_summary_of(self.relation(filters))

    @staticmethod
    def _semaforo_summary_of(f: pd.DataFrame) -> pd.DataFrame:
        df = f.groupby(["entidad", "semaforo"], as_index=False).size()
        df.columns = ["Entidad", "_semaforo", "Actividades"]
        return queries.finish_semaforo_summary(df)

    def entity_comparison(self, filters: Filters) -> pd.DataFrame:
        f = self.relation(filters)
        df = _counts(f, ["entidad"])
        extra = f.groupby("entidad").agg(
            vig=("vigencia", lambda v: ", ".join(sorted({str(x) for x in v.dropna()}))),
            ultimo=("fecha_lectura", "max"))
        df = df.merge(extra, left_on="entidad", right_index=True)
        df = df.rename(columns={"entidad": "Entidad", "vig": "Vigencia",
                                "ultimo": "Último seguimiento"})
        df = df[["Entidad", "Vigencia", "Último seguimiento", *COUNT_COLUMNS]]
        df = df.sort_values("Entidad").reset_index(drop=True)
        return queries.finish_entity_comparison(df, filters)

    def progress_by_period(self, filters: Filters) -> pd.DataFrame:
        return self._progress_by_period_of(self.relation(filters, history=True))

    def _progress_by_period_of(self, f: pd.DataFrame) -> pd.DataFrame:
        due = f["fecha_limite"]
        cumplida = f["estado_lectura"] == "cumplida"
        g = f.assign(
            prog_periodo=(due <= f["corte"]) & (f["corte_previo"].isna() | (due > f["corte_previo"])),
            cump_periodo=cumplida & ~f["cumplida_antes"].astype(bool),
            prog_corte=due <= f["corte"], cump_corte=cumplida, sin_fecha=due.isna(),
            ejec=f["ejecutado"].where(f["programado"] > 0),
            prog=f["programado"].where(f["programado"] > 0))
        df = g.groupby(["entidad", "vigencia", "plan_id", "corte"], as_index=False, dropna=False).agg(
            n=("activity_id", "size"), pp=("prog_periodo", "sum"), cp=("cump_periodo", "sum"),
            pc=("prog_corte", "sum"), cc=("cump_corte", "sum"), v=("vencida", "sum"),
            avg=("valor", "mean"), nv=("valor", "count"), sf=("sin_fecha", "sum"),
            ejec=("ejec", "sum"), prog=("prog", "sum"), prog_n=("prog", "count"))
        ratio = 100 * df["ejec"] / df["prog"]
        df["ratio"] = ratio.where(df["prog_n"] > 0)
        df = df.drop(columns=["ejec", "prog", "prog_n"])
        df.columns = ["Entidad", "Vigencia", "_plan", "_corte", "Actividades",
                      "Programadas en el periodo", "Cumplidas en el periodo",
                      "Programadas hasta el corte", "Cumplidas al corte", "Vencidas",
                      "Avance promedio (%)", "Con avance", "Sin fecha límite",
                      "Ejecutado sobre planeado (%)"]
        df = df.sort_values(["Entidad", "Vigencia", "_corte"]).reset_index(drop=True)
        return queries.finish_progress_by_period(df, self.period_labels())

    def states_by_period(self, filters: Filters) -> pd.DataFrame:
        return self._states_by_period_of(self.relation(filters, history=True))

    def _states_by_period_of(self, f: pd.DataFrame) -> pd.DataFrame:
        df = f.groupby(["entidad", "vigencia", "plan_id", "corte", "estado"], as_index=False,
                       dropna=False).size()
        df.columns = ["Entidad", "Vigencia", "_plan", "_corte", "_estado", "Actividades"]
        return queries.finish_states_by_period(df, self.period_labels())

    def period_labels(self) -> pd.DataFrame:
        return self.cortes[["plan_id", "corte", "periodo"]].rename(
            columns={"plan_id": "_plan", "corte": "_corte"})

    def changes_since_previous_cutoff(self, filters: Filters) -> pd.DataFrame:
        f = self.relation(filters)
        return self._changes_table(f[_changed(f)])

    def _changes_table(self, changed: pd.DataFrame, rows: pd.DataFrame | None = None
                       ) -> pd.DataFrame:
        """The table of the ``changed`` rows; ``rows``: their activities, if known."""
        if rows is None:
            rows = self.t["activity"].set_index("activity_id").loc[changed["activity_id"]]
        df = pd.DataFrame({
            "Entidad": changed["entidad"].to_numpy(), "Código": rows["code"].to_numpy(),
            "Actividad": rows["name"].to_numpy(),
            "Dependencias": ["; ".join(d) for d in changed["dependencias_lista"]],
            "Corte anterior": changed["corte_previo"].to_numpy(),
            "_estado_anterior": changed["estado_previo"].to_numpy(),
            "Avance anterior (%)": changed["valor_previo"].to_numpy(),
            "Corte": changed["corte"].to_numpy(), "_estado": changed["estado"].to_numpy(),
            "Avance al corte (%)": changed["valor"].to_numpy(),
            "Cambio (puntos)": (changed["valor"] - changed["valor_previo"]).to_numpy(),
            "_id": changed["activity_id"].to_numpy(), "_seq": changed["seq"].to_numpy()})
        df = df.sort_values(["Entidad", "_seq", "_id"]).drop(columns="_seq")
        return queries.finish_changes(df.reset_index(drop=True))

    def office_ranking(self, filters: Filters) -> pd.DataFrame:
        f = self.relation(filters)
        exploded = f[["entidad", "dependencias_lista", "valor", "estado"]].explode(
            "dependencias_lista").rename(columns={"dependencias_lista": "dependencia"})
        df = _counts(exploded, ["entidad", "dependencia"])
        df = df.rename(columns={"entidad": "Entidad", "dependencia": "Dependencia"})
        df = df.sort_values(["Avance promedio (%)", "Vencidas", "Sin reporte", "Dependencia",
                             "Entidad"], ascending=[True, False, False, True, True],
                            na_position="last").reset_index(drop=True)
        return queries.finish_office_ranking(df, filters)

    def phase_summary(self, filters: Filters) -> pd.DataFrame:
        return self._phase_summary_of(self.relation(filters), filters)

    @staticmethod
    def _phase_summary_of(f: pd.DataFrame, filters: Filters) -> pd.DataFrame:
        df = _counts(f, ["entidad", "fase", "fase_origen"])
        df = df.rename(columns={"entidad": "Entidad", "fase": "_fase",
                                "fase_origen": "_fase_origen"})
        return queries.finish_phase_summary(df, filters)

    def level_summary(self, filters: Filters) -> pd.DataFrame:
        return self._by_text_column(filters, "nivel", "Nivel de participación")

    def value_group_summary(self, filters: Filters) -> pd.DataFrame:
        return self._by_text_column(filters, "grupo_valor", "Grupo de valor")

    def _by_text_column(self, filters: Filters, column: str, title: str) -> pd.DataFrame:
        return self._by_text_column_of(self.relation(filters), filters, column, title)

    @staticmethod
    def _by_text_column_of(f: pd.DataFrame, filters: Filters, column: str, title: str
                           ) -> pd.DataFrame:
        df = _counts(f, ["entidad", column])
        df["_sin"] = df[column] == status.SIN_ESPECIFICAR
        df = df.sort_values(["entidad", "_sin", "Actividades", column],
                            ascending=[True, True, False, True]).drop(columns="_sin")
        df = df.rename(columns={"entidad": "Entidad", column: title}).reset_index(drop=True)
        return queries.finish_by_text_column(df, filters, column, title)

    def activities_table(self, filters: Filters) -> pd.DataFrame:
        return self._activities_table_of(
            self.relation(filters).sort_values(["entidad", "vigencia", "seq"]))

    def _activities_table_of(self, f: pd.DataFrame, a: pd.DataFrame | None = None,
                             r: pd.DataFrame | None = None) -> pd.DataFrame:
        """The table of the rows of ``f``, in their order; ``a`` and ``r``:
        their activities and readings, if known."""
        if a is None:
            a = self.t["activity"].set_index("activity_id").loc[f["activity_id"]]
        if r is None:
            r = self._reading_text(f)
        df = pd.DataFrame({
            "_id": f["activity_id"].to_numpy(), "_estado": f["estado"].to_numpy(),
            "_semaforo": f["semaforo"].to_numpy(), "Entidad": f["entidad"].to_numpy(),
            "Vigencia": f["vigencia"].to_numpy(), "Código": a["code"].to_numpy(),
            "Grupo / momento": a["group_name"].to_numpy(), "Actividad": a["name"].to_numpy(),
            "Objetivo": a["objective"].to_numpy(), "Producto / meta": a["product"].to_numpy(),
            "Indicador": a["indicator"].to_numpy(), "_fase": f["fase"].to_numpy(),
            "Origen de la fase": f["fase_origen"].to_numpy(),
            "Fase según el plan": a["phase_raw"].to_numpy(),
            "Nivel de participación": f["nivel"].replace(status.SIN_ESPECIFICAR, None).to_numpy(),
            "Grupos de valor": f["grupo_valor"].replace(status.SIN_ESPECIFICAR, None).to_numpy(),
            "Instancia de participación": a["instance"].to_numpy(),
            "Dependencias": ["; ".join(d) for d in f["dependencias_lista"]],
            "Fecha de inicio": a["start_date"].to_numpy(),
            "Fecha límite": f["fecha_limite"].to_numpy(),
            "_fecha_origen": f["fecha_limite_origen"].to_numpy(),
            "Medio de verificación": a["evidence_means"].to_numpy(),
            "Corte": f["corte"].to_numpy(), "Periodo del último reporte": f["periodo"].to_numpy(),
            "Fecha del reporte": f["fecha_lectura"].to_numpy(),
            "Valor registrado": r["raw"].to_numpy(), "Avance (%)": f["valor"].to_numpy(),
            "_vencida": f["vencida"].to_numpy(), "Observación": r["observation"].to_numpy(),
            "Evidencia": r["evidence"].to_numpy(), "Hoja": a["source_sheet"].to_numpy(),
            "Fila": a["source_row"].to_numpy()})
        return queries.finish_activities_table(df)

    # ----------------------------------- long lists: a count and the first rows
    # What a pandas dashboard does to show the first rows of a long list: build
    # the whole list, count it, take its head.

    def first_rows(self, name: str, filters: Filters, limit: int) -> pd.DataFrame:
        return getattr(self, name)(filters).head(limit).reset_index(drop=True)

    def activities_count(self, filters: Filters) -> int:
        return len(self.activities_table(filters))

    def changes_count(self, filters: Filters) -> int:
        return len(self.changes_since_previous_cutoff(filters))

    def import_issues_count(self, filters: Filters) -> int:
        return len(self.import_issues(filters))

    def skipped_rows_count(self, filters: Filters) -> int:
        return len(self.skipped_rows(filters))

    def inferred_phases_count(self, filters: Filters) -> int:
        return len(self.inferred_phases(filters))

    def office_merges_count(self, filters: Filters) -> int:
        return len(self.office_merges(filters))

    # ------------------------------------------------------ data quality

    def _plans_in(self, filters: Filters) -> pd.DataFrame:
        return self.plans[self.plans["plan_id"].isin(self._plan_ids(filters))]

    def plan_quality(self, filters: Filters) -> pd.DataFrame:
        p = self._plans_in(filters)
        a = self.t["activity"]
        act = a.assign(
            declaradas=a["phase_source"] == "declarada",
            inferidas=(a["phase_source"] == "inferida") & (a["phase"] != "sin_clasificar"),
            sin_fase=a["phase"] == "sin_clasificar", sin_fecha=a["due_date"].isna(),
        ).groupby("plan_id").agg(n=("activity_id", "size"), declaradas=("declaradas", "sum"),
                                 inferidas=("inferidas", "sum"), sin_fase=("sin_fase", "sum"),
                                 sin_fecha=("sin_fecha", "sum"))
        o = self.t["activity_office"].merge(a[["activity_id", "plan_id"]], on="activity_id")
        ofi = o.groupby("plan_id").agg(oficinas=("office", "nunique"),
                                       escrituras=("office_raw", "nunique"),
                                       con_oficina=("activity_id", "nunique"))
        files = self.t["import_file"]
        issues = self.t["import_issue"].merge(files[["import_id", "plan_id"]], on="import_id")
        imp = issues.assign(e=issues["severity"] == "error", w=issues["severity"] == "aviso"
                            ).groupby("plan_id").agg(errores=("e", "sum"), avisos=("w", "sum"))
        skipped = self.t["skipped_row"].merge(files[["import_id", "plan_id"]], on="import_id")
        omit = skipped.groupby("plan_id").size().rename("omitidas")
        nfiles = files.groupby("plan_id").size().rename("archivos")
        ncortes = self.cortes.groupby("plan_id").size().rename("cortes")
        df = p.set_index("plan_id").join([act, ofi, imp, omit, nfiles, ncortes])
        df = df.fillna({c: 0 for c in df.columns if c not in ("entidad", "vigencia")})
        out = pd.DataFrame({
            "Entidad": df["entidad"], "Vigencia": df["vigencia"],
            "Archivos cargados": df["archivos"], "Actividades": df["n"],
            "Fase declarada": df["declaradas"], "Fase inferida": df["inferidas"],
            "Sin fase": df["sin_fase"], "Sin fecha límite": df["sin_fecha"],
            "Sin dependencia": df["n"] - df["con_oficina"], "Dependencias": df["oficinas"],
            "Nombres distintos de dependencias": df["escrituras"], "Cortes con seguimiento": df["cortes"],
            "Datos por corregir": df["errores"], "Datos por revisar": df["avisos"],
            "Filas que no son actividades": df["omitidas"]})
        return out.sort_values(["Entidad", "Vigencia"]).reset_index(drop=True).astype(
            {c: "int64" for c in out.columns if c not in ("Entidad", "Vigencia")})

    def import_report(self, filters: Filters) -> pd.DataFrame:
        p = self._plans_in(filters)
        files = self.t["import_file"].merge(p, on="plan_id")
        issues = self.t["import_issue"]
        per = issues.assign(e=issues["severity"] == "error", w=issues["severity"] == "aviso",
                            i=issues["severity"] == "info").groupby("import_id")[["e", "w", "i"]].sum()
        skipped = self.t["skipped_row"].groupby("import_id").size().rename("k")
        df = files.set_index("import_id").join([per, skipped]).fillna({"e": 0, "w": 0, "i": 0, "k": 0})
        df = df.reset_index().sort_values(["imported_at", "import_id"])
        out = pd.DataFrame({
            "Entidad": df["entidad"], "Vigencia": df["vigencia"], "Archivo": df["source_file"],
            "Tipo de archivo": df["file_format"], "Cómo se leyó": df["layout"],
            "Importado el": df["imported_at"], "Actividades nuevas": df["activities_added"],
            "Actividades actualizadas": df["activities_updated"],
            "Reportes de avance nuevos": df["readings_added"],
            "Reportes de avance que cambiaron": df["readings_changed"],
            "Datos por corregir": df["e"].astype("int64"), "Datos por revisar": df["w"].astype("int64"),
            "Notas de la lectura": df["i"].astype("int64"),
            "Filas que no son actividades": df["k"].astype("int64")})
        return out.reset_index(drop=True)

    def import_issues(self, filters: Filters) -> pd.DataFrame:
        from data_layer.quality import SEVERITY_LABELS

        p = self._plans_in(filters)
        files = self.t["import_file"].merge(p, on="plan_id")
        s = self.t["import_issue"].merge(files, on="import_id")
        s["_rank"] = s["severity"].map({"error": 0, "aviso": 1}).fillna(2)
        s = s.sort_values(["_rank", "imported_at", "seq"])
        df = pd.DataFrame({
            "Entidad": s["entidad"], "Archivo": s["source_file"], "_gravedad": s["severity"],
            "Hoja": s["sheet"], "Fila": s["row_number"], "Columna": s["col"],
            "Lo que dice la celda": s["value"], "Qué pasó y cómo corregirlo": s["message"],
            "_codigo": s["code"]}).reset_index(drop=True)
        df.insert(2, "Qué hacer", df["_gravedad"].map(lambda v: SEVERITY_LABELS.get(v, v)))
        return df

    def skipped_rows(self, filters: Filters) -> pd.DataFrame:
        p = self._plans_in(filters)
        files = self.t["import_file"].merge(p, on="plan_id")
        k = self.t["skipped_row"].merge(files, on="import_id").sort_values(
            ["imported_at", "sheet", "row_number"])
        return pd.DataFrame({
            "Entidad": k["entidad"], "Archivo": k["source_file"], "Hoja": k["sheet"],
            "Fila": k["row_number"], "Por qué no es una actividad": k["reason"],
            "Contenido de la fila": k["content"]}).reset_index(drop=True)

    def inferred_phases(self, filters: Filters) -> pd.DataFrame:
        p = self._plans_in(filters)
        a = self.t["activity"]
        return self._inferred_phases_of(a[a["phase_source"] == "inferida"].merge(p, on="plan_id"))

    @staticmethod
    def _inferred_phases_of(a: pd.DataFrame) -> pd.DataFrame:
        from data_layer.model import PHASE_LABELS

        a = a.sort_values(["entidad", "vigencia", "seq"])
        df = pd.DataFrame({
            "Entidad": a["entidad"], "Vigencia": a["vigencia"], "Código": a["code"],
            "Actividad": a["name"], "_fase": a["phase"],
            "Por qué esa fase": a["phase_raw"]}).reset_index(drop=True)
        df.insert(4, "Fase inferida", df["_fase"].map(lambda c: PHASE_LABELS.get(c, c)))
        return df

    def office_merges(self, filters: Filters) -> pd.DataFrame:
        p = self._plans_in(filters)
        o = self.t["activity_office"].merge(self.t["activity"][["activity_id", "plan_id"]],
                                            on="activity_id").merge(p, on="plan_id")
        return self._office_merges_of(o)

    @staticmethod
    def _office_merges_of(o: pd.DataFrame) -> pd.DataFrame:
        df = o.groupby(["entidad", "office_raw", "office"], as_index=False)["activity_id"].nunique()
        df["r"] = np.where(df["office_raw"] == df["office"], "No", "Sí")
        df.columns = ["Entidad", "Como aparece en el plan", "Nombre en el tablero",
                      "Actividades", "¿Cambió el nombre?"]
        df = df[["Entidad", "Como aparece en el plan", "Nombre en el tablero", "Actividades",
                 "¿Cambió el nombre?"]]
        return df.sort_values(["¿Cambió el nombre?", "Entidad", "Nombre en el tablero",
                               "Como aparece en el plan"],
                              ascending=[False, True, True, True]).reset_index(drop=True)


COUNT_COLUMNS = ["Actividades", "Con avance", "Avance promedio (%)", "Cumplidas", "En curso",
                 "Vencidas", "Sin reporte", "No programadas", "Sin seguimiento"]
_STATE_COLUMNS = dict(zip(COUNT_COLUMNS[3:], ["cumplida", "en_curso", "vencida", "sin_reporte",
                                              "no_programada", "sin_seguimiento"], strict=True))


def _counts(f: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The figures every summary shares, per group (``_COUNTS`` in the SQL)."""
    g = f[[*by, "valor"]].copy()
    for column, code in _STATE_COLUMNS.items():
        g[column] = f["estado"] == code
    df = g.groupby(by, as_index=False, dropna=False).agg(
        **{"Actividades": ("valor", "size"), "Con avance": ("valor", "count"),
           "Avance promedio (%)": ("valor", "mean")},
        **{column: (column, "sum") for column in _STATE_COLUMNS})
    return df


def _counts_row(f: pd.DataFrame) -> dict:
    row = {"Actividades": len(f), "Con avance": int(f["valor"].count()),
           "Avance promedio (%)": f["valor"].mean()}
    for column, code in _STATE_COLUMNS.items():
        row[column] = int((f["estado"] == code).sum())
    return row


def _changed(f: pd.DataFrame) -> pd.Series:
    """The rows whose state or avance differs from the plan's previous cut-off."""
    return f["corte_previo"].notna() & (_differs(f["estado_previo"], f["estado"])
                                        | _differs(f["valor_previo"], f["valor"]))


def _differs(a: pd.Series, b: pd.Series) -> pd.Series:
    """``a IS DISTINCT FROM b``."""
    return (a.isna() != b.isna()) | (a.notna() & b.notna() & (a != b))


def _fold(text: str) -> str:
    """lower + strip_accents, as DuckDB does for the text search."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# ====================================================== the careful baseline

_ESTADO_CODE = {code: n for n, code in enumerate(ESTADOS)}
_COLORS = np.array(["gris", "verde", "amarillo", "rojo"], dtype=object)  # np.select order
_ESTADO_NAMES = np.array(ESTADOS, dtype=object)


def _coded(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, values): a low-cardinality column as integer codes (missing
    values get a code of their own, so groupbys keep them as dropna=False does)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int32), np.asarray(uniques, dtype=object)


class CarefulTablero:
    """The same figures as a careful pandas dashboard computes them.

    It gets the help the naive one gets (its per-(activity, cut-off) state,
    shared, not built again) plus lookups built once at load and timed apart
    (``pandas_careful_build_s`` in bench/queries.py): the text columns it
    groups by as integer codes (what ``category`` dtypes give), the offices of
    each distinct office list as a long table, the folded search text of each
    activity and of each state's reading. A page then filters the state ONCE
    (:meth:`view`; the history only when the page draws it) into a narrow
    frame, and draws every figure from it with vectorised groupbys on the
    codes; the rows a list shows get their wide columns alone. Every figure
    ends in the same ``finish_*`` function as ours.
    """

    def __init__(self, naive: PandasTablero) -> None:
        self.naive = naive
        s = naive.state
        self.state = s
        self._desde = s["desde"].to_numpy()
        self._hasta = s["hasta"].to_numpy()
        self._plan = s["plan_id"].to_numpy()
        self._activity = s["activity_id"].to_numpy()
        act = naive.act
        position = pd.Index(act["activity_id"]).get_indexer(self._activity)
        self.codes: dict[str, np.ndarray] = {}
        self.names: dict[str, np.ndarray] = {}
        for column in ("entidad", "fase", "fase_origen", "nivel", "grupo_valor"):
            self.codes[column], self.names[column] = _coded(s[column])
        lists, list_names = _coded(act["dependencias_lista"])
        self.codes["lista"] = lists[position]
        offices = pd.DataFrame({"lista": np.arange(len(list_names)), "dependencia": list_names}
                               ).explode("dependencia")
        codes, self.names["dependencia"] = _coded(offices["dependencia"])
        self.list_offices = pd.DataFrame({"lista": offices["lista"].to_numpy(np.int64),
                                          "dependencia": codes})
        self.offices = act[["activity_id", "plan_id", "dependencias_lista"]].explode(
            "dependencias_lista").rename(columns={"dependencias_lista": "dependencia"})
        for column in ("estado_lectura", "estado_en_corte", "estado_previo"):
            self.codes[column] = s[column].map(_ESTADO_CODE).fillna(-1).to_numpy(np.int8)
        self.arrays = {column: s[column].to_numpy() for column in (
            "seq", "vigencia", "valor", "fecha_lectura", "fecha_limite", "corte_previo",
            "valor_previo", "cumplida_antes", "programado", "ejecutado")}
        self.arrays["cumplida_antes"] = self.arrays["cumplida_antes"].astype(bool)
        self._text_of_row = self._activity_text()[position]
        t = naive.t
        self._activity_row = pd.Index(t["activity"]["activity_id"]).get_indexer(self._activity)
        self._reading_row = self._reading_rows()
        self._reading_texts = {column: t["reading"][column].to_numpy(dtype=object)
                               for column in ("raw", "observation", "evidence")}
        observation = t["reading"]["observation"]
        folded = {value: _fold(str(value)) for value in pd.unique(observation.dropna())}
        observation = observation.map(folded).to_numpy(dtype=object)
        self._observation_of_row = np.where(self._reading_row >= 0,
                                            observation[self._reading_row], None)
        a = t["activity"]
        self.inferred = a[a["phase_source"] == "inferida"]
        self.office_rows = t["activity_office"].merge(a[["activity_id", "plan_id"]],
                                                      on="activity_id")

    # ------------------------------------------------------- lookups at load

    def _activity_text(self) -> np.ndarray:
        """Per activity (in naive.act's order): the folded search text without
        the reading's observation (which comes last: see PandasTablero._search_text)."""
        act = self.naive.act
        a = self.naive.t["activity"].set_index("activity_id").loc[act["activity_id"]]
        parts = [a["code"], a["name"], a["group_name"], a["objective"], a["product"],
                 a["indicator"], act["grupo_valor"], a["instance"],
                 pd.Series(["; ".join(d) for d in act["dependencias_lista"]])]
        text: pd.Series | None = None
        for part in parts:
            part = pd.Series(part.to_numpy(), dtype=object)
            part = part.where(part.isna(), part.astype(str))
            if text is None:
                text = part
            else:
                text = text.where(part.isna(), text.where(text.isna(), text + " " + part)
                                  .fillna(part))
        folded = {value: _fold(value) for value in pd.unique(text.dropna())}
        return text.map(folded).fillna("").to_numpy(dtype=object)

    def _reading_rows(self) -> np.ndarray:
        """Per row of the state: the position of its reading in the table (-1: none)."""
        keys = ["activity_id", "period_kind", "period_index", "import_id"]
        r = self.naive.t["reading"][keys].assign(_row=np.arange(len(self.naive.t["reading"])))
        rows = self.state[keys].merge(r, how="left", on=keys)["_row"]
        return rows.fillna(-1).to_numpy(np.int64)

    # ------------------------------------------------------------ one page

    def view(self, filters: Filters) -> CarefulView:
        return CarefulView(self, filters)

    def rows(self, filters: Filters, history: bool = False) -> pd.DataFrame:
        """The filtered states at the cut-off (or up to it, ``history``) as a
        narrow frame: ``row`` (position in the state), the figures' columns,
        the text columns as codes (``*_k``). Selected by numpy masks over the
        whole state, then one take of the rows."""
        naive = self.naive
        corte = naive.resolve_corte(filters)
        day = None if corte is None else np.datetime64(pd.Timestamp(corte))
        if history:
            keep = (np.zeros(len(self._desde), dtype=bool) if day is None
                    else (self._desde > np.datetime64(BEFORE)) & (self._desde <= day))
        elif day is None:
            keep = self._desde == np.datetime64(BEFORE)
        else:
            keep = (self._desde <= day) & (self._hasta > day)
        if filters.entidad or filters.vigencia:
            keep &= np.isin(self._plan, naive._plan_ids(filters).to_numpy())
        index = np.flatnonzero(keep)
        for name in ("fase", "grupo_valor"):
            if getattr(filters, name):
                index = index[np.isin(self.codes[name][index],
                                      self._codes_of(name, getattr(filters, name)))]
        if filters.dependencia:
            o = self.offices
            wanted = o.loc[o["dependencia"].isin(filters.dependencia), "activity_id"].unique()
            index = index[np.isin(self._activity[index], wanted)]
        a, c = self.arrays, self.codes
        f = {"row": index, "activity_id": self._activity[index], "plan_id": self._plan[index],
             "valor": a["valor"][index]}
        if history:
            f["corte"] = self._desde[index]
            estado = c["estado_en_corte"][index]
            f["vencida"] = estado == _ESTADO_CODE["vencida"]
            for name in ("fecha_limite", "corte_previo", "cumplida_antes", "programado",
                         "ejecutado"):
                f[name] = a[name][index]
            f["estado_lectura_k"] = c["estado_lectura"][index]
        else:
            lectura = c["estado_lectura"][index]
            if day is None:
                vencida = np.zeros(len(index), dtype=bool)
            else:
                vencida = ((a["fecha_limite"][index] < day)
                           & (lectura != _ESTADO_CODE["cumplida"])
                           & (lectura != _ESTADO_CODE["sin_seguimiento"]))
            f["vencida"] = vencida
            estado = np.where(vencida, _ESTADO_CODE["vencida"], lectura).astype(np.int8)
            for name in ("seq", "vigencia", "fecha_lectura", "corte_previo", "valor_previo"):
                f[name] = a[name][index]
            f["estado_previo_k"] = c["estado_previo"][index]
            for name in ("entidad", "fase", "fase_origen", "nivel", "grupo_valor", "lista"):
                f[name + "_k"] = c[name][index]
        f["estado_k"] = estado
        u = filters.umbrales
        valor = f["valor"].astype(float)
        f["semaforo_k"] = np.select([np.isnan(valor), valor >= u.verde, valor >= u.rojo],
                                    [0, 1, 2], 3).astype(np.int8)
        mask = np.ones(len(index), dtype=bool)
        if filters.estado:
            mask &= np.isin(estado, [_ESTADO_CODE.get(e, -2) for e in filters.estado])
        if filters.semaforo:
            mask &= np.isin(f["semaforo_k"], [n for n, color in enumerate(_COLORS)
                                              if color in filters.semaforo])
        if filters.texto.strip():
            needle = _fold(filters.texto.strip())
            text = self._text_of_row[index].copy()
            obs = self._observation_of_row[index]
            has = pd.notna(obs)
            text[has] = text[has] + " " + obs[has]
            mask &= pd.Series(text, dtype=object).str.contains(needle, regex=False).to_numpy(bool)
        frame = pd.DataFrame(f)
        return frame if mask.all() else frame[mask].reset_index(drop=True)

    def _codes_of(self, column: str, values) -> np.ndarray:
        names = self.names[column]
        return np.flatnonzero(pd.Series(names).isin(list(values)).to_numpy())

    def texts(self, f: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The activity and the reading (raw, observation, evidence) of each row of ``f``."""
        rows = f["row"].to_numpy()
        a = self.naive.t["activity"].take(self._activity_row[rows])
        reading = self._reading_row[rows]
        has, safe = reading >= 0, np.where(reading >= 0, reading, 0)
        r = pd.DataFrame({column: np.where(has, values[safe], None)
                          for column, values in self._reading_texts.items()})
        return a, r

    def wide(self, f: pd.DataFrame, corte) -> pd.DataFrame:
        """Every column of PandasTablero.relation for the (few) rows of ``f``."""
        w = self.state.take(f["row"].to_numpy())
        w["corte"] = pd.NaT if corte is None else pd.Timestamp(corte)
        w["vencida"] = f["vencida"].to_numpy()
        w["estado"] = _ESTADO_NAMES[f["estado_k"].to_numpy()]
        w["semaforo"] = _COLORS[f["semaforo_k"].to_numpy()]
        return w

    def named(self, df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        """The code columns ``<column>_k`` of ``df`` back as their values."""
        for column in columns:
            df[column] = self.names[column][df.pop(column + "_k").to_numpy()]
        return df


def _grouped(f: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per keys and state: n, nv (with a number), sv (sum of the numbers)."""
    return (f.groupby([*keys, "estado_k"], sort=False)["valor"]
            .agg(n="size", nv="count", sv="sum").reset_index())


def _summed(g: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The figures every summary shares (as ``_counts``) from ``_grouped`` rows."""
    totals = g.groupby(keys, sort=False)[["n", "nv", "sv"]].sum()
    states = g.pivot_table(index=keys, columns="estado_k", values="n", aggfunc="sum",
                           fill_value=0)
    df = pd.DataFrame({"Actividades": totals["n"], "Con avance": totals["nv"],
                       "Avance promedio (%)": (totals["sv"] / totals["nv"]).where(
                           totals["nv"] > 0)})
    for column, code in _STATE_COLUMNS.items():
        n = _ESTADO_CODE[code]
        df[column] = (states[n].reindex(df.index, fill_value=0) if n in states.columns
                      else 0)
    return df.reset_index()


class CarefulView(_FromOtherFigures):
    """The figures of one view (one Filters): the filtered frame is computed
    once (:attr:`frame`; :attr:`history` when a figure needs the states at
    every cut-off) and every figure is drawn from it. Methods take the same
    arguments as PandasTablero's; the frame-based ones only for this view's filters."""

    def __init__(self, careful: CarefulTablero, filters: Filters) -> None:
        self.c = careful
        self.naive = careful.naive
        self.filters = filters
        self._frame: pd.DataFrame | None = None
        self._history: pd.DataFrame | None = None

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            self._frame = self.c.rows(self.filters)
        return self._frame

    @property
    def history(self) -> pd.DataFrame:
        if self._history is None:
            self._history = self.c.rows(self.filters, history=True)
        return self._history

    def _f(self, filters: Filters, history: bool = False) -> pd.DataFrame:
        if filters != self.filters:
            raise ValueError(f"this view is of {self.filters}, not {filters}")
        return self.history if history else self.frame

    def _counts(self, filters: Filters, by: list[str]) -> pd.DataFrame:
        """``_counts(relation, by)`` with the keys' values, sorted by them."""
        df = self.c.named(_summed(_grouped(self._f(filters), [b + "_k" for b in by]),
                                  [b + "_k" for b in by]), by)
        df = df[[*by, *COUNT_COLUMNS]]
        return df.sort_values(by, kind="stable", na_position="last").reset_index(drop=True)

    # ------------------------------------------- sidebar (plans, no states)

    def options(self, filters: Filters, field: str) -> list:
        if field != "dependencia":
            return self.naive.options(filters, field)
        o = self.c.offices
        chosen = o.loc[o["plan_id"].isin(self.naive._plan_ids(filters)), "dependencia"]
        return queries.finish_options(sorted(chosen.unique().tolist()), field)

    def corte_options(self, filters: Filters) -> pd.DataFrame:
        return self.naive.corte_options(filters)

    # ------------------------------------------------ from the frame

    def kpis(self, filters: Filters) -> pd.DataFrame:
        f = self._f(filters)
        valor = f["valor"]
        per_state = np.bincount(f["estado_k"].to_numpy(), minlength=len(ESTADOS))
        row = {"Actividades": len(f), "Con avance": int(valor.count()),
               "Avance promedio (%)": valor.mean()}
        for column, code in _STATE_COLUMNS.items():
            row[column] = int(per_state[_ESTADO_CODE[code]])
        vencida = f["estado_k"].to_numpy() == _ESTADO_CODE["vencida"]
        row |= {"Vencidas sin avance": int((vencida & valor.isna().to_numpy()).sum()),
                "ultima_lectura": f["fecha_lectura"].max(),
                "entidades": len(np.unique(f["entidad_k"].to_numpy()))}
        return queries.finish_kpis(pd.DataFrame([row]), filters,
                                   self.naive.resolve_corte(filters))

    def _by_entity_and(self, filters: Filters, column: str, names: np.ndarray,
                       title: str) -> pd.DataFrame:
        f = self._f(filters)
        df = f.groupby(["entidad_k", column], sort=False).size().reset_index(name="n")
        df = self.c.named(df, ["entidad"])
        return pd.DataFrame({"Entidad": df["entidad"], title: names[df[column].to_numpy()],
                             "Actividades": df["n"]})

    def states_summary(self, filters: Filters) -> pd.DataFrame:
        return queries.finish_states_summary(
            self._by_entity_and(filters, "estado_k", _ESTADO_NAMES, "_estado"))

    def semaforo_summary(self, filters: Filters) -> pd.DataFrame:
        return queries.finish_semaforo_summary(
            self._by_entity_and(filters, "semaforo_k", _COLORS, "_semaforo"))

    def entity_comparison(self, filters: Filters) -> pd.DataFrame:
        f = self._f(filters)
        df = self._counts(filters, ["entidad"])
        plans = self.naive.plans.set_index("plan_id")
        pairs = plans.loc[np.unique(f["plan_id"].to_numpy()), ["entidad", "vigencia"]].dropna()
        pairs = pairs.assign(vig=[str(v) for v in pairs["vigencia"]])
        pairs = pairs.drop_duplicates(["entidad", "vig"]).sort_values(["entidad", "vig"])
        vig = pairs.groupby("entidad")["vig"].agg(", ".join)
        df["Vigencia"] = vig.reindex(df["entidad"]).fillna("").to_numpy()
        last = self.c.named(f.groupby("entidad_k")["fecha_lectura"].max().reset_index(),
                            ["entidad"]).set_index("entidad")["fecha_lectura"]
        df["Último seguimiento"] = last.reindex(df["entidad"]).to_numpy()
        df = df.rename(columns={"entidad": "Entidad"})
        df = df[["Entidad", "Vigencia", "Último seguimiento", *COUNT_COLUMNS]]
        return queries.finish_entity_comparison(df, filters)

    def _with_plans(self, df: pd.DataFrame) -> pd.DataFrame:
        """Entidad and Vigencia of each ``_plan`` (a plan's, not the rows')."""
        plans = self.naive.plans.set_index("plan_id")
        df.insert(0, "Entidad", plans["entidad"].reindex(df["_plan"]).to_numpy())
        df.insert(1, "Vigencia", plans["vigencia"].reindex(df["_plan"]).to_numpy())
        return df

    def progress_by_period(self, filters: Filters) -> pd.DataFrame:
        f = self._f(filters, history=True)
        due, corte, previo = f["fecha_limite"], f["corte"], f["corte_previo"]
        cumplida = f["estado_lectura_k"] == _ESTADO_CODE["cumplida"]
        positive = f["programado"] > 0
        g = pd.DataFrame({
            "_plan": f["plan_id"], "_corte": corte,
            "prog_periodo": (due <= corte) & (previo.isna() | (due > previo)),
            "cump_periodo": cumplida & ~f["cumplida_antes"], "prog_corte": due <= corte,
            "cump_corte": cumplida, "vencida": f["vencida"], "valor": f["valor"],
            "sin_fecha": due.isna(), "ejec": f["ejecutado"].where(positive),
            "prog": f["programado"].where(positive)})
        df = g.groupby(["_plan", "_corte"], sort=False).agg(
            n=("valor", "size"), pp=("prog_periodo", "sum"), cp=("cump_periodo", "sum"),
            pc=("prog_corte", "sum"), cc=("cump_corte", "sum"), v=("vencida", "sum"),
            avg=("valor", "mean"), nv=("valor", "count"), sf=("sin_fecha", "sum"),
            ejec=("ejec", "sum"), prog=("prog", "sum"), prog_n=("prog", "count")).reset_index()
        df["ratio"] = (100 * df["ejec"] / df["prog"]).where(df["prog_n"] > 0)
        df = self._with_plans(df.drop(columns=["ejec", "prog", "prog_n"]))
        df.columns = ["Entidad", "Vigencia", "_plan", "_corte", "Actividades",
                      "Programadas en el periodo", "Cumplidas en el periodo",
                      "Programadas hasta el corte", "Cumplidas al corte", "Vencidas",
                      "Avance promedio (%)", "Con avance", "Sin fecha límite",
                      "Ejecutado sobre planeado (%)"]
        df = df.sort_values(["Entidad", "Vigencia", "_corte", "_plan"]).reset_index(drop=True)
        return queries.finish_progress_by_period(df, self.naive.period_labels())

    def states_by_period(self, filters: Filters) -> pd.DataFrame:
        f = self._f(filters, history=True)
        df = (f.groupby(["plan_id", "corte", "estado_k"], sort=False).size()
              .reset_index(name="Actividades"))
        df = self._with_plans(df.rename(columns={"plan_id": "_plan", "corte": "_corte"}))
        df.insert(4, "_estado", _ESTADO_NAMES[df.pop("estado_k").to_numpy()])
        df = df.sort_values(["Entidad", "Vigencia", "_plan", "_corte", "_estado"],
                            na_position="last").reset_index(drop=True)
        return queries.finish_states_by_period(df, self.naive.period_labels())

    def office_ranking(self, filters: Filters) -> pd.DataFrame:
        """Grouped by office list first, then each list's offices (as ours)."""
        g = _grouped(self._f(filters), ["entidad_k", "lista_k"])
        g = g.merge(self.c.list_offices, left_on="lista_k", right_on="lista")
        g = g.rename(columns={"dependencia": "dependencia_k"})
        df = self.c.named(_summed(g, ["entidad_k", "dependencia_k"]), ["entidad", "dependencia"])
        df = df.rename(columns={"entidad": "Entidad", "dependencia": "Dependencia"})
        df = df[["Entidad", "Dependencia", *COUNT_COLUMNS]]
        df = df.sort_values(["Avance promedio (%)", "Vencidas", "Sin reporte", "Dependencia",
                             "Entidad"], ascending=[True, False, False, True, True],
                            na_position="last").reset_index(drop=True)
        return queries.finish_office_ranking(df, filters)

    def phase_summary(self, filters: Filters) -> pd.DataFrame:
        df = self._counts(filters, ["entidad", "fase", "fase_origen"])
        df = df.rename(columns={"entidad": "Entidad", "fase": "_fase",
                                "fase_origen": "_fase_origen"})
        return queries.finish_phase_summary(df, filters)

    def level_summary(self, filters: Filters) -> pd.DataFrame:
        return self._by_text_column(filters, "nivel", "Nivel de participación")

    def value_group_summary(self, filters: Filters) -> pd.DataFrame:
        return self._by_text_column(filters, "grupo_valor", "Grupo de valor")

    def _by_text_column(self, filters: Filters, column: str, title: str) -> pd.DataFrame:
        df = self._counts(filters, ["entidad", column])
        df["_sin"] = df[column] == status.SIN_ESPECIFICAR
        df = df.sort_values(["entidad", "_sin", "Actividades", column],
                            ascending=[True, True, False, True]).drop(columns="_sin")
        df = df.rename(columns={"entidad": "Entidad", column: title}).reset_index(drop=True)
        return queries.finish_by_text_column(df, filters, column, title)

    # ------------------------------------ long lists: count, first rows

    def _changed(self, filters: Filters) -> pd.DataFrame:
        f = self._f(filters)
        previo, valor = f["valor_previo"], f["valor"]
        differs = ((f["estado_previo_k"] != f["estado_k"])
                   | (previo.isna() != valor.isna())
                   | (previo.notna() & valor.notna() & (previo != valor)))
        return f[f["corte_previo"].notna() & differs]

    def _first(self, f: pd.DataFrame, keys: list[str], limit: int | None) -> pd.DataFrame:
        """The rows of ``f`` in the order of ``keys`` (entidad first, by its
        value), the first ``limit`` only: a lexsort over integer ranks."""
        rank = np.argsort(np.argsort(self.c.names["entidad"].astype(str), kind="stable"))
        columns = [f[k].to_numpy() for k in reversed(keys)]
        order = np.lexsort([*columns, rank[f["entidad_k"].to_numpy()]])
        return f.iloc[order if limit is None else order[:limit]]

    def changes_count(self, filters: Filters) -> int:
        return len(self._changed(filters))

    def changes_since_previous_cutoff(self, filters: Filters, limit: int | None = None
                                      ) -> pd.DataFrame:
        """Only the rows shown get their text columns (like our LIMIT)."""
        first = self._first(self._changed(filters), ["seq", "activity_id"], limit)
        return self.naive._changes_table(self.c.wide(first, self.naive.resolve_corte(filters)),
                                         self.c.texts(first)[0])

    def activities_count(self, filters: Filters) -> int:
        return len(self._f(filters))

    def activities_table(self, filters: Filters, limit: int | None = None) -> pd.DataFrame:
        first = self._first(self._f(filters), ["vigencia", "seq", "activity_id"], limit)
        return self.naive._activities_table_of(
            self.c.wide(first, self.naive.resolve_corte(filters)), *self.c.texts(first))

    def first_rows(self, name: str, filters: Filters, limit: int) -> pd.DataFrame:
        if name in ("changes_since_previous_cutoff", "activities_table"):
            return getattr(self, name)(filters, limit=limit).reset_index(drop=True)
        return getattr(self, name)(filters).head(limit).reset_index(drop=True)

    # ------------------------------ data quality: plan-level, as the naive one

    def plan_quality(self, filters: Filters) -> pd.DataFrame:
        return self.naive.plan_quality(filters)

    def import_report(self, filters: Filters) -> pd.DataFrame:
        return self.naive.import_report(filters)

    def import_issues(self, filters: Filters) -> pd.DataFrame:
        return self.naive.import_issues(filters)

    def skipped_rows(self, filters: Filters) -> pd.DataFrame:
        return self.naive.skipped_rows(filters)

    def _plans(self, filters: Filters) -> tuple[pd.DataFrame, np.ndarray]:
        p = self.naive._plans_in(filters)
        return p, p["plan_id"].to_numpy()

    def office_merges_count(self, filters: Filters) -> int:
        return len(self.office_merges(filters))

    def office_merges(self, filters: Filters) -> pd.DataFrame:
        p, ids = self._plans(filters)
        o = self.c.office_rows
        return self.naive._office_merges_of(
            o[np.isin(o["plan_id"].to_numpy(), ids)].merge(p, on="plan_id"))

    def inferred_phases(self, filters: Filters) -> pd.DataFrame:
        p, ids = self._plans(filters)
        a = self.c.inferred
        return self.naive._inferred_phases_of(
            a[np.isin(a["plan_id"].to_numpy(), ids)].merge(p, on="plan_id"))

    def import_issues_count(self, filters: Filters) -> int:
        return self.naive.import_issues_count(filters)

    def skipped_rows_count(self, filters: Filters) -> int:
        return self.naive.skipped_rows_count(filters)

    def inferred_phases_count(self, filters: Filters) -> int:
        return int(np.isin(self.c.inferred["plan_id"].to_numpy(), self._plans(filters)[1]).sum())


QUERY_NAMES = [name for name in dir(PandasTablero) if not name.startswith("_")
               and name not in ("relation", "resolve_corte", "period_labels")]
assert PHASES  # the phase order is applied by queries.finish_phase_summary
