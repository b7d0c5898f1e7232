"""What a rendición de cuentas shows, as data: :class:`Report`.

Built once from the filters by :func:`build`, with the very query functions
the dashboard's pages call (``data_layer.queries``), so every figure in the
presentation and in the PDF is the figure on the dashboard for the same
filters. The PDF (``data_layer.report.pdf``) and the presentation page
(``ui/presentation.py``) only lay it out.

The three lists the hearing asks for are selections of
``queries.activities_table`` (the table of the "Actividades" page), each with
its rule stated in :data:`NOTES`:

- ``completed``: cumplidas at the cut-off, with the evidence of that report;
- ``difficulties``: vencidas, sin reporte, and en curso with an observation;
- ``next_steps``: not cumplidas and due on or after the cut-off, by fecha límite.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd

from data_layer import es_co, quality, queries, semaforo, sql, status, totals
from data_layer.filters import Filters
from data_layer.normalise.text import visible
from data_layer.queries import AVANCE

TITLE = "Plan de Participación Ciudadana"

# How each figure was computed, next to it on screen and in the PDF, and all
# together in the PDF's last section (users dispute averages in public).
NOTES = {
    "estado": status.PRECEDENCE_TEXT,
    "fases": (
        "Avance promedio de cada fase: promedio simple del avance de sus actividades con "
        "avance numérico al corte («Con avance»); no cuentan las no programadas, sin reporte, "
        "sin seguimiento ni las vencidas sin avance. Una fase «inferida» no la declara el "
        "plan: se dedujo de la redacción de la actividad."
    ),
    "dependencias": (
        "Avance promedio de cada dependencia: promedio simple del avance de sus actividades "
        "con avance numérico al corte («Con avance»). Una actividad a cargo de varias "
        "dependencias cuenta para cada una de ellas."
    ),
    "trimestres": (
        "En cada corte: debían estar terminadas las actividades con fecha límite igual o "
        "anterior al corte (si el plan no da fecha límite, el último mes de su cronograma); "
        "cumplidas, las que tienen avance de 100 % o más. El avance promedio es el promedio "
        "simple del avance reportado en ese corte (los avances son acumulados) y solo cuenta "
        "las actividades con un porcentaje."
    ),
    "cumplidas": (
        "Actividades con avance de 100 % o más en su último reporte hasta el corte; la "
        "evidencia y la observación son las de ese reporte."
    ),
    "dificultades": (
        "Actividades vencidas (fecha límite anterior al corte y sin cumplir), sin reporte "
        "(debían reportar y no hay avance) y en curso con alguna observación, con lo que "
        "dice su último reporte."
    ),
    "proximos": (
        "Actividades aún no cumplidas cuya fecha límite es igual o posterior al corte, "
        "ordenadas por fecha límite (lo que queda por hacer; las vencidas están en "
        "«Dificultades»)."
    ),
    "valores": (
        "«No programada», «No aplica» o «N/A» significan que no había nada que hacer en el "
        "periodo; «sin reporte», que debía reportarse y no se hizo; los errores de la hoja "
        "(#DIV/0!, #REF!) se toman como sin reporte. Ninguno se promedia como cero."
    ),
}

NO_EVIDENCE = "Sin evidencia registrada en el reporte"
# Above this many activities in view the three lists are not drawn up (a
# country's plans would be tens of thousands of screens or pages); each says
# how many there are and where to get them.
LIST_LIMIT = 5_000
# Beyond this many entities the report holds totals over them for its charts
# (one bar per state, colour, phase or office), as the dashboard's charts do: a
# country's plans would otherwise be thousands of bars (a PDF chart of 140
# megapixels). They are counted in SQL, not summed from one row per entity.
TOTALS_ABOVE = totals.NAMED_ENTITIES
NO_CORTE = "sin seguimiento todavía"


@dataclass(frozen=True)
class Report:
    """Everything the presentation and the PDF show for one set of filters.

    DataFrames are the query results as they come (Spanish columns, ``_`` keys
    for charts), except the three activity lists (see the module docstring).
    """

    filters: Filters
    entities: tuple[str, ...]
    vigencias: tuple[int, ...]
    corte: date | None
    corte_label: str  # "Trimestre IV 2024 (31/12/2024)" or NO_CORTE
    description: str  # the sentence of the filters, as above every page, with the corte
    kpis: pd.Series
    average_text: str  # queries.explain_average
    # Above TOTALS_ABOVE entities these four are summed over them, without the
    # Entidad column (queries.states_totals, semaforo_totals, phase_totals,
    # office_totals): what the screens and the PDF chart.
    states: pd.DataFrame
    semaforos: pd.DataFrame
    phases: pd.DataFrame
    offices: pd.DataFrame
    periods: pd.DataFrame
    completed: pd.DataFrame
    difficulties: pd.DataFrame
    next_steps: pd.DataFrame
    sources: pd.DataFrame
    generated_at: datetime = field(default_factory=datetime.now)
    # Several entities: one row each (queries.entity_comparison) and the
    # sentence that says the figures are consolidated (queries.consolidated_text).
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)
    consolidated: str = ""
    listed: bool = True  # False: more than LIST_LIMIT activities, the lists are left out

    @property
    def count(self) -> int:
        return int(self.kpis["Actividades"])

    @property
    def several(self) -> bool:
        """More than one entity in view: tables carry the Entidad column."""
        return len(self.entities) > 1

    @property
    def followed_up(self) -> bool:
        """At least one activity has a report up to the cut-off."""
        return self.corte is not None and int(self.kpis["Sin seguimiento"]) < self.count

    @property
    def entity_heading(self) -> str:
        return entity_heading(self.entities)

    @property
    def plan_heading(self) -> str:
        """"Plan de Participación Ciudadana 2024"."""
        years = es_co.join([str(year) for year in self.vigencias]) \
            if len(self.vigencias) <= 3 else f"{min(self.vigencias)}–{max(self.vigencias)}"
        return f"{TITLE} {years}".strip()

    @property
    def corte_text(self) -> str:
        """"Corte: 31/12/2024" (or that there is none yet)."""
        return (f"Corte: {es_co.date_text(self.corte)}" if self.corte
                else f"Corte: {NO_CORTE}")

    @property
    def average(self) -> float | None:
        value = self.kpis[AVANCE]
        return None if missing(value) else float(value)

    @property
    def semaforo(self) -> str:
        return str(self.kpis["_semaforo"])

    @property
    def narrowed(self) -> bool:
        """Filters beyond entity, vigencia and cut-off (a partial view of the plan)."""
        f = self.filters
        return bool(f.fase or f.dependencia or f.estado or f.semaforo or f.grupo_valor
                    or f.texto.strip())

    def file_name(self, extension: str = "pdf") -> str:
        return file_name(self.entities, self.corte, extension)


def build(con: duckdb.DuckDBPyConnection, filters: Filters,
          now: datetime | None = None) -> Report:
    """The report of ``filters``, from the dashboard's queries."""
    kpis = queries.kpis(con, filters).iloc[0]
    corte = es_co.as_date(kpis["corte"])
    listed = int(kpis["Actividades"]) <= LIST_LIMIT
    if listed:
        activities = queries.activities_table(con, filters)
        entities = tuple(dict.fromkeys(activities["Entidad"])) or filters.entidad
        vigencias = tuple(sorted({int(v) for v in activities["Vigencia"].dropna()})) \
            or filters.vigencia
        comparison = queries.entity_comparison(con, filters) if len(entities) > 1 \
            else pd.DataFrame()
    else:  # the entities and vigencias from the summary by entity, not from every row
        activities = pd.DataFrame(columns=queries.ACTIVITY_COLUMNS)  # no rows to list
        comparison = queries.entity_comparison(con, filters)
        entities = tuple(comparison["Entidad"])
        vigencias = tuple(sorted({int(v) for text in comparison["Vigencia"].dropna()
                                  for v in str(text).split(", ") if v.strip()}))
        if len(entities) <= 1:
            comparison = pd.DataFrame()
    many = len(entities) > TOTALS_ABOVE
    return Report(
        filters=filters,
        entities=tuple(sorted(entities)),
        vigencias=vigencias,
        corte=corte,
        corte_label=_corte_label(con, filters, corte),
        # A document names its cut-off even when the filters said "the latest".
        description=(filters.replace(corte=corte) if corte else filters).describe(
            int(kpis["Actividades"])),
        kpis=kpis,
        average_text=queries.explain_average(kpis),
        states=(queries.states_totals if many else queries.states_summary)(con, filters),
        semaforos=(queries.semaforo_totals if many else queries.semaforo_summary)(con, filters),
        phases=(queries.phase_totals if many else queries.phase_summary)(con, filters),
        offices=(queries.office_totals if many else queries.office_ranking)(con, filters),
        periods=queries.progress_by_period(con, filters),
        completed=completed(activities),
        difficulties=difficulties(activities),
        next_steps=next_steps(activities, corte),
        sources=quality.import_report(con, filters),
        generated_at=now or datetime.now(),
        comparison=comparison,
        consolidated=(queries.consolidated_text(comparison, corte)
                      if not comparison.empty else ""),
        listed=listed,
    )


def unlisted_text(report: Report, topic: str) -> str:
    """What a list says when the view is too large to list (``report.listed`` False)."""
    k = report.kpis
    how_many = {
        "cumplidas": es_co.plural(int(k["Cumplidas"]), "actividad cumplida",
                                  "actividades cumplidas"),
        "dificultades": (f"{es_co.plural(int(k['Vencidas']), 'vencida', 'vencidas')} y "
                         f"{es_co.plural(int(k['Sin reporte']), 'sin reporte', 'sin reporte')}"),
    }.get(topic)
    head = (f"Esta vista tiene {how_many} entre "
            f"{es_co.plural(report.count, 'actividad', 'actividades')}"
            if how_many else
            f"Esta vista tiene {es_co.plural(report.count, 'actividad', 'actividades')}")
    return (f"{head}: demasiadas para listarlas una por una (la lista se arma hasta con "
            f"{es_co.integer(LIST_LIMIT)} actividades en vista). Elija una entidad en la "
            "barra lateral, o descargue la lista completa en la página Actividades.")


def _corte_label(con: duckdb.DuckDBPyConnection, filters: Filters, corte: date | None) -> str:
    if corte is None:
        return NO_CORTE
    options = queries.corte_options(con, filters)
    labels = dict(zip(options["_corte"], options["Corte"], strict=True))
    # A date chosen on the command line need not be a follow-up date: the
    # states are those of the latest report up to it.
    return labels.get(corte, es_co.date_text(corte))


# ------------------------------------------------------- the three lists


def completed(activities: pd.DataFrame) -> pd.DataFrame:
    """Cumplidas at the cut-off, with the evidence of their report."""
    df = activities[activities["_estado"] == "cumplida"].copy()
    df["Evidencia"] = [_evidence(e, m) for e, m in zip(df["Evidencia"],
                                                      df["Medio de verificación"], strict=True)]
    return df[["_id", "Entidad", "Código", "Actividad", "Dependencias", "Avance (%)",
               "Fecha del reporte", "Evidencia", "Observación"]].reset_index(drop=True)


def _evidence(evidence: object, means: object) -> str:
    if not missing(evidence) and str(evidence).strip():
        return str(evidence).strip()
    if not missing(means) and str(means).strip():
        return f"{NO_EVIDENCE} (medio de verificación previsto: {str(means).strip()})"
    return NO_EVIDENCE


_DIFFICULTY_ORDER = {"vencida": 0, "sin_reporte": 1, "en_curso": 2}


def difficulties(activities: pd.DataFrame) -> pd.DataFrame:
    """Vencidas, sin reporte, and en curso with an observation (in that order)."""
    noted = activities["Observación"].fillna("").astype(str).str.strip() != ""
    keep = activities["_estado"].isin(["vencida", "sin_reporte"]) | (
        (activities["_estado"] == "en_curso") & noted)
    df = activities[keep].copy()
    df["_orden"] = df["_estado"].map(_DIFFICULTY_ORDER)
    df = df.sort_values(["_orden", "Entidad"], kind="stable")
    return df[["_id", "_estado", "Entidad", "Código", "Actividad", "Estado", "Avance (%)",
               "Fecha límite", "Dependencias", "Observación"]].reset_index(drop=True)


def next_steps(activities: pd.DataFrame, corte: date | None) -> pd.DataFrame:
    """Not cumplidas and due on or after ``corte``, the soonest fecha límite first.

    Work due before the cut-off is past, not a next step (if undone, it is
    vencida: the same rule); an activity without a fecha límite cannot be
    placed after it.
    Without a cut-off (no follow-up yet), every activity with a fecha límite.
    """
    due = pd.to_datetime(activities["Fecha límite"])
    ahead = due.notna() if corte is None else due >= pd.Timestamp(corte)
    df = activities[ahead.to_numpy() & (activities["_estado"] != "cumplida").to_numpy()]
    df = df.sort_values(["Fecha límite", "Entidad"], kind="stable")
    return df[["_id", "_estado", "Entidad", "Código", "Actividad", "Estado", "Avance (%)",
               "Fecha límite", "Dependencias"]].reset_index(drop=True)


def followed_up(df: pd.DataFrame) -> pd.DataFrame:
    """Summary rows (phases, offices) with at least one activity followed up: a
    plan without any cut-off yet would only add empty bars to a chart."""
    return df[df["Sin seguimiento"] < df["Actividades"]]


def phase_rows(phases: pd.DataFrame) -> pd.DataFrame:
    """``queries.phase_summary`` with the origin in the label when inferred
    ("Diagnóstico (fase inferida)"), as the charts and tables show it."""
    df = phases.copy()
    df["Fase"] = [f"{f} (fase inferida)" if o == "inferida" else f
                  for f, o in zip(df["Fase"], df["_fase_origen"], strict=True)]
    return df


# ------------------------------------------------------------ labels


def missing(value: object) -> bool:
    """``es_co.is_missing``, and pandas' NA too (a plan without vigencia, say)."""
    return value is pd.NA or es_co.is_missing(value)


def entity_heading(entities: tuple[str, ...] | list[str]) -> str:
    """One name, two or three joined, or "5 entidades"."""
    if not entities:
        return "Todas las entidades"
    if len(entities) <= 3:
        return es_co.join(list(entities))
    return f"{len(entities)} entidades"


def semaforo_text(color: str, value: float | None) -> str:
    """"● Verde · 84,4 %" (shape, word and number: never colour alone)."""
    if missing(value):
        return f"{semaforo.label(color)} · sin avance numérico"
    return f"{semaforo.label(color)} · {es_co.percent(value)}"


def one_line(text: object, limit: int) -> str:
    """``text`` on one line, without invisible characters, cut to ``limit``
    characters ending in "…" (chart labels: the tables have the whole text)."""
    line = " ".join(visible(str(text)).split())
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def slug(text: str, limit: int = 60) -> str:
    """"Alcaldía de Cartago (EJEMPLO)" → "alcaldia_de_cartago_ejemplo": ASCII
    letters, digits and "_" only (no "&", no emoji, safe on every system)."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    return words[:limit].rstrip("_") or "plan"


def file_stem(entities: tuple[str, ...] | list[str], corte: date | None) -> str:
    """"sanatorio_de_contratacion_ese_2022-03-31" (entity and cut-off)."""
    if len(entities) == 1:
        who = slug(entities[0])
    else:
        who = "varias_entidades" if entities else "todas_las_entidades"
    when = corte.isoformat() if corte else "sin_corte"
    return f"{who}_{when}"


def file_name(entities: tuple[str, ...] | list[str], corte: date | None,
              extension: str = "pdf") -> str:
    """"informe_sanatorio_de_contratacion_ese_2022-03-31.pdf"."""
    return f"informe_{file_stem(entities, corte)}.{extension}"


def file_name_for(con: duckdb.DuckDBPyConnection, filters: Filters) -> str:
    """The PDF's file name without building the report (for download buttons):
    the entity when the view holds one, and the cut-off."""
    if len(filters.entidad) == 1:
        entities = filters.entidad
    else:  # two are enough to know it is "varias_entidades"
        found = sql.filtered(con, filters, "SELECT DISTINCT entidad FROM f ORDER BY 1 LIMIT 2")
        entities = tuple(found["entidad"]) or filters.entidad
    return file_name(entities, sql.resolve_corte(con, filters))
