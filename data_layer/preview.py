"""What the importer understood of a file, before anything is written.

Shared by ``python -m data_layer inspect`` and the dashboard's «Cargar
planes» page, so both show the same figures.
"""
from __future__ import annotations

from collections import Counter

import pandas as pd

from data_layer import es_co
from data_layer.model import AVANCE, DECLARED, PHASE_LABELS, PHASES, ParsedPlan

PHASE_SOURCE_KEYS = {DECLARED: "declared", "inferida": "inferred"}
SEVERITY_LABELS = {"error": "Error", "aviso": "Aviso", "info": "Información"}


def summary(plan: ParsedPlan) -> dict:
    """The figures ``inspect --json`` prints (a stable, documented shape)."""
    values = [r.value for a in plan.activities for r in a.readings if r.state == AVANCE and r.value is not None]
    phases = Counter(a.phase for a in plan.activities)
    sources = Counter(PHASE_SOURCE_KEYS.get(a.phase_source, "inferred") for a in plan.activities)
    offices = list(dict.fromkeys(o.canonical for a in plan.activities for o in a.offices))
    return {
        "file": plan.source_file,
        "format": plan.file_format,
        "layout": plan.layout,
        "entity": plan.entity,
        "year": plan.year,
        "title": plan.title,
        "sheets": plan.sheets,
        "header_rows": plan.header_rows,
        "activities": len(plan.activities),
        "dependencies": offices,
        "phases": {key: phases.get(key, 0) for key in PHASES},
        "phase_source": {"declared": sources.get("declared", 0), "inferred": sources.get("inferred", 0)},
        "progress_values": len(values),
        "progress_mean": round(sum(values) / len(values), 4) if values else None,
        "readings": sum(len(a.readings) for a in plan.activities),
        "rows_skipped": [s.as_dict() for s in plan.skipped_rows],
        "issues": [i.as_dict() for i in plan.issues],
        "columns": {sheet: {c["header"]: c["role"] if c["used"] else IGNORED for c in listed}
                    for sheet, listed in column_listing(plan).items()},
    }


IGNORED = "ignored"  # what ``summary``'s "columns" says of a column no figure uses


def column_listing(plan: ParsedPlan) -> dict[str, list[dict]]:
    """Every column of each activity table (with a header, or with data under
    it): its letter, header, role and whether anything uses it. An "extra"
    column is kept as text with each activity but feeds no figure; an
    "ignore" one was left out on purpose (a saved mapping)."""
    out = {}
    for sheet, mapping in plan.column_map.items():
        listed, seen = [], set()
        for letter, described in mapping.items():
            role, _, header = described.partition(" ← ")
            if not header:
                key = f"(sin encabezado, columna {letter})"
            else:
                key = f"{header} (columna {letter})" if header in seen else header
            seen.add(header)
            listed.append({"letter": letter, "header": key, "role": role,
                           "why": unused_reason(role, plan.year)})
            listed[-1]["used"] = listed[-1]["why"] is None
        out[sheet] = listed
    return out


UNUSED_LABELS = {"extra": "se guarda tal cual, como texto", "ignore": "no se importa"}


def unused_reason(role: str, vigencia: int | None) -> str | None:
    """Why no figure uses a column with this role, in Spanish; None if one does.
    A follow-up column of another year than the vigencia (a plan indicativo)
    keeps its role, so a saved mapping still reads it in that year's import."""
    from data_layer.corrections import year_of  # a small, one-way import

    if role in UNUSED_LABELS:
        return UNUSED_LABELS[role]
    year = year_of(role)
    if year and vigencia and year != vigencia:
        return f"es de {year} y se leyó la vigencia {vigencia}; se guarda tal cual, como texto"
    return None


FIELD_LABELS = {
    "code": "Código / número", "group": "Grupo o línea de acción", "name": "Actividad",
    "objective": "Objetivo", "product": "Producto / meta", "indicator": "Indicador",
    "phase": "Fase del ciclo", "participation_level": "Nivel de participación",
    "value_groups": "Grupos de valor", "instance": "Instancia de participación",
    "start_date": "Fecha de inicio", "due_date": "Fecha límite",
    "evidence_means": "Medio de verificación", "office": "Dependencia responsable",
    "observation": "Observaciones (del último corte)",
    "extra": "Otra columna (se guarda tal cual)",
    "ignore": "No importar esta columna",
}
ROLE_LABELS = {
    "progress": "Avance", "planned": "Programado", "executed": "Ejecutado",
    "observation": "Observación", "evidence": "Evidencia",
}


def role_label(role: str) -> str:
    """The Spanish reading of a column role ("progress:trimestre:2" → "Avance — Trimestre II")."""
    from data_layer.ingest.values import period_label  # the same labels as the readings

    kind, _, rest = role.partition(":")
    if kind in ROLE_LABELS and rest.count(":") in (1, 2):
        period, index, *year = rest.split(":")
        label = f"{ROLE_LABELS[kind]} — {period_label(period, int(index))}"
        return f"{label} de {year[0]}" if year else label
    if kind == "schedule":
        year, _, month = rest.rpartition("-")
        label = period_label("mes", int(month)).replace("Mes ", "")
        return f"Cronograma — {label} {year}".strip()
    if kind == "phase_mark":
        return f"Marca de fase (X) — {PHASE_LABELS.get(rest, rest)}"
    return FIELD_LABELS.get(role, role)


def role_options() -> list[str]:
    """Every role a person can give a column in the mapping assistant, in the
    order they are offered (see data_layer.corrections for the syntax)."""
    from data_layer.corrections import FIELDS, PERIOD_KINDS  # a small, one-way import

    roles = ["name", *[f for f in FIELDS if f != "name"], "extra", "ignore"]
    for kind in ("progress", "observation", "evidence", "planned", "executed"):
        for period in ("trimestre", "cuatrimestre", "semestre"):
            roles += [f"{kind}:{period}:{n}" for n in range(1, PERIOD_KINDS[period] + 1)]
    roles += [f"progress:mes:{m}" for m in range(1, 13)]
    roles += [f"executed:mes:{m}" for m in range(1, 13)]
    roles += [f"schedule:-{m:02d}" for m in range(1, 13)]
    roles += [f"phase_mark:{p}" for p in PHASES if p != "sin_clasificar"]
    return roles


def column_use(column: dict) -> str:
    """Whether a listed column feeds the dashboard, in Spanish."""
    return "Sí" if column["used"] else f"No: {column['why']}"


def columns_frame(plan: ParsedPlan) -> pd.DataFrame:
    """One row per column of each activity table (with a header or with data):
    its header, how it was read and whether it is used."""
    rows = [{"Hoja": sheet, "Columna": c["letter"], "Encabezado": c["header"],
             "Se leyó como": role_label(c["role"]), "¿Se usa?": column_use(c)}
            for sheet, listed in column_listing(plan).items() for c in listed]
    return pd.DataFrame(rows, columns=["Hoja", "Columna", "Encabezado", "Se leyó como", "¿Se usa?"])


def file_warnings(plan: ParsedPlan) -> list[str]:
    """The warnings about the whole file or a whole sheet (no row): what a
    person must see before importing, not only in the report."""
    return [i.message for i in plan.issues if i.severity == "aviso" and i.row is None]


def activities_frame(plan: ParsedPlan) -> pd.DataFrame:
    rows = [{
        "Hoja": a.sheet, "Fila": a.row, "Código": a.code or "", "Actividad": a.name,
        "Fase": PHASE_LABELS.get(a.phase, a.phase), "Origen de la fase": a.phase_source,
        "Dependencias": "; ".join(o.canonical for o in a.offices),
        "Fecha límite": es_co.date_text(a.due_date) if a.due_date else "",
        "Lecturas de avance": "; ".join(
            f"{r.period_label}: {es_co.percent(r.value) if r.value is not None else r.state.replace('_', ' ')}"
            for r in a.readings),
    } for a in plan.activities]
    return pd.DataFrame(rows)


def offices_frame(plan: ParsedPlan) -> pd.DataFrame:
    """How each office was written and the name it was merged into."""
    counts = Counter((o.raw, o.canonical) for a in plan.activities for o in a.offices)
    rows = [{"Como está escrita": raw, "Dependencia": canonical, "Actividades": n}
            for (raw, canonical), n in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0]))]
    return pd.DataFrame(rows, columns=["Como está escrita", "Dependencia", "Actividades"])


def report_frame(plan: ParsedPlan) -> pd.DataFrame:
    """The import report: cells not understood and rows not imported."""
    rows = [{"Tipo": SEVERITY_LABELS.get(i.severity, i.severity), "Hoja": i.sheet, "Fila": i.row,
             "Columna": i.column or "", "Valor": i.value or "", "Mensaje": i.message}
            for i in plan.issues]
    rows += [{"Tipo": "Fila omitida", "Hoja": s.sheet, "Fila": s.row, "Columna": "",
              "Valor": s.content, "Mensaje": s.reason} for s in plan.skipped_rows]
    return pd.DataFrame(rows, columns=["Tipo", "Hoja", "Fila", "Columna", "Valor", "Mensaje"])
