"""The mapping assistant of «Cargar planes»: fix how a file was read.

The person edits three tables — what each column is, how offices are split
and named, the phase of an activity — and sees the preview with the changes
before saving them. Saved mappings and corrections are data
(data_layer/corrections.py): the next file with the same headers is read with
them, and «Correcciones guardadas» lists and undoes them.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from data_layer import corrections as corr
from data_layer import preview
from data_layer.errors import PlanFileError
from data_layer.ingest import manual
from data_layer.ingest.workbook import Workbook, column_letter, read_workbook
from data_layer.model import PHASE_LABELS, PHASES, ParsedPlan

PENDING = "_mapeo_pendiente"  # unsaved corrections of this session (never a widget key)
ROLE_BY_LABEL = {preview.role_label(role): role for role in preview.role_options()}
PHASE_BY_LABEL = {PHASE_LABELS[p]: p for p in PHASES if p != "sin_clasificar"}


def pending() -> corr.Corrections:
    return st.session_state.setdefault(PENDING, corr.Corrections())


def reset() -> None:
    st.session_state.pop(PENDING, None)


def merged(saved: corr.Corrections) -> corr.Corrections:
    """Saved corrections with this session's unsaved ones on top."""
    mine = pending()
    return corr.Corrections(mappings={**saved.mappings, **mine.mappings},
                            offices={**saved.offices, **mine.offices},
                            phases={**saved.phases, **mine.phases})


YEAR_HELP = ("Sólo para columnas de avance, programado, ejecutado, observación o evidencia: el año "
             "al que pertenecen. Un plan indicativo repite los trimestres de cada año; se leen sólo "
             "las columnas del año de la vigencia (o las que no dicen año).")


def roles_editor(key: str, labels: dict[str, str], roles: dict[str, str]) -> dict[str, str]:
    """One editable table — column, header, what it is read as, its year — and
    above it the column that names each activity (the grain of the table).
    Returns column letter → role (corrections syntax, with the year)."""
    letters = list(labels)
    by_label = dict(ROLE_BY_LABEL)
    rows = []
    for letter in letters:
        role = roles.get(letter, corr.EXTRA)
        base = corr.with_year(role, None)
        # What the importer detected may be more precise than the offered
        # roles (a schedule month with its year): offer it too.
        by_label.setdefault(preview.role_label(base), base)
        rows.append({"Columna": letter, "Encabezado": labels[letter], "Se lee como": preview.role_label(base),
                     "Año": corr.year_of(role)})
    named = [letter for letter in letters if roles.get(letter) == "name"]
    grain = st.selectbox(
        "Cada fila es una actividad; su nombre está en la columna", letters,
        index=letters.index(named[0]) if named else None, key=f"{key}_grano",
        format_func=lambda letter: f"{letter} — {labels[letter]}"[:120],
        placeholder="Elija la columna que nombra cada actividad (o meta)",
        help="En un plan de acción es la actividad o acción; en un plan indicativo, la meta de "
             "producto o su indicador.")
    frame = pd.DataFrame(rows, columns=["Columna", "Encabezado", "Se lee como", "Año"])
    frame["Año"] = frame["Año"].astype("Int64")
    edited = st.data_editor(
        frame, key=f"{key}_{grain}", hide_index=True, width="stretch",
        disabled=["Columna", "Encabezado"],
        column_config={
            "Se lee como": st.column_config.SelectboxColumn("Se lee como", options=list(by_label),
                                                            required=True),
            "Año": st.column_config.NumberColumn("Año", min_value=1990, max_value=2100, step=1,
                                                 format="%d", help=YEAR_HELP)})
    chosen = {}
    for _, row in edited.iterrows():
        year = None if pd.isna(row["Año"]) else int(row["Año"])
        role = corr.with_year(by_label[row["Se lee como"]], year)
        if role == "name" and row["Columna"] != grain:
            role = corr.EXTRA  # one column names the activity: the one chosen above
        chosen[row["Columna"]] = role
    if grain:
        chosen[grain] = "name"
    return chosen


def columns_editor(plan: ParsedPlan) -> dict[str, corr.Mapping]:
    """Column roles, one editable table per sheet; returns the mappings that changed."""
    changed = {}
    for sheet, mapping in plan.column_map.items():
        labels, detected = {}, {}
        for letter, role in mapping.items():
            meaning, _, header = role.partition(" ← ")
            labels[letter], detected[letter] = header, meaning
        st.markdown(f"**Columnas de la hoja** {sheet}" if len(plan.column_map) > 1 else "**Columnas**")
        roles = roles_editor(f"mapeo_columnas_{sheet}", labels, detected)
        if roles != detected:
            changed[sheet] = corr.Mapping(plan.signatures[sheet], len(plan.header_rows[sheet]), roles,
                                          labels)
    return changed


def _read(name: str, content: bytes) -> tuple[Workbook, list[manual.SheetGlimpse]]:
    """The file being looked at and its sheets, read once per file (not at
    every rerun of the page)."""
    key = (name, hash(content))
    cache = st.session_state.setdefault("_mapeo_hojas", {})
    if key not in cache:
        cache.clear()
        book = read_workbook(Path(name), content)
        cache[key] = (book, manual.sheets(name, content, book=book))
    return cache[key]


def table_chooser(name: str, content: bytes, plan: ParsedPlan | None = None) -> bool:
    """Read another sheet (hidden ones too) or other header rows: the person
    points at the header rows and says what each column is. True when the
    person applied a new mapping (the caller re-reads the file with it)."""
    book, glimpses = _read(name, content)
    names = [g.name for g in glimpses]
    by_name = {g.name: g for g in glimpses}
    current = plan.sheets[0] if plan and plan.sheets else next(
        (g.name for g in glimpses if g.header_rows), names[0])

    def describe(sheet: str) -> str:
        g = by_name[sheet]
        notes = [note for note, yes in (("oculta", g.hidden),
                                        ("se leyó", bool(plan and sheet in plan.sheets)),
                                        ("sin tabla reconocida", not g.header_rows)) if yes]
        return f"{sheet} ({', '.join(notes)})" if notes else sheet

    sheet = st.selectbox("Hoja", names, index=names.index(current), format_func=describe,
                         key="mapeo_hoja")
    glimpse = by_name[sheet]
    if glimpse.rows:
        width = max(len(r) for r in glimpse.rows)
        shown = pd.DataFrame({column_letter(c): [r[c] if c < len(r) else "" for r in glimpse.rows]
                              for c in range(width)},
                             index=pd.RangeIndex(1, len(glimpse.rows) + 1, name="Fila"))
        st.dataframe(shown, hide_index=False, height=240)
    detected = plan.header_rows.get(sheet) if plan else None
    detected = detected or glimpse.header_rows or [1]
    left, right = st.columns(2)
    first = left.number_input("Primera fila del encabezado (como la numera Excel)", min_value=1,
                              max_value=max(len(glimpse.rows), 1) + 45, value=detected[0],
                              key=f"mapeo_fila_{sheet}")
    count = right.number_input("Filas de encabezado", min_value=1, max_value=3,
                               value=min(len(detected), 3), key=f"mapeo_filas_{sheet}")
    try:
        choice = manual.choose_table(name, content, sheet, int(first), int(count), book=book)
    except PlanFileError as error:
        st.error(error.message)
        return False
    if not choice.labels:
        st.caption("Esas filas están vacías: elija la fila donde están los títulos de las columnas.")
        return False
    roles = roles_editor(f"mapeo_tabla_{sheet}_{first}_{count}", choice.labels, choice.roles)
    if "name" not in roles.values():
        st.caption("Elija cuál columna nombra cada actividad para poder ver la vista previa.")
        return False
    if st.button("Ver la vista previa con esta tabla", key="mapeo_tabla_aplicar",
                 icon=":material/preview:"):
        pending().mappings[choice.signature] = corr.Mapping(choice.signature, choice.header_rows,
                                                            roles, choice.labels)
        return True
    return False


def offices_editor(plan: ParsedPlan) -> dict[str, tuple[str, ...]]:
    """How each office is written → the office(s) it is; "A; B" splits it in two."""
    frame = preview.offices_frame(plan)
    if frame.empty:
        st.caption("El archivo no trae dependencias responsables.")
        return {}
    st.markdown("**Dependencias** (escriba varias separadas por «;» para dividir una celda)")
    edited = st.data_editor(frame, key="mapeo_dependencias", hide_index=True, width="stretch",
                            disabled=["Como está escrita", "Actividades"])
    changes = {}
    for (_, before), (_, after) in zip(frame.iterrows(), edited.iterrows(), strict=True):
        if str(after["Dependencia"]).strip() != before["Dependencia"]:
            offices = tuple(p.strip() for p in str(after["Dependencia"]).split(";") if p.strip())
            if offices:
                changes[before["Como está escrita"]] = offices
    return changes


def phases_editor(plan: ParsedPlan) -> dict[str, str]:
    """The phase of each activity; a change is remembered by the activity's wording."""
    frame = pd.DataFrame([{"Actividad": a.name, "Fase": PHASE_LABELS.get(a.phase, a.phase),
                           "Origen": a.phase_source} for a in plan.activities])
    st.markdown("**Fases**")
    edited = st.data_editor(
        frame, key="mapeo_fases", hide_index=True, width="stretch", disabled=["Actividad", "Origen"],
        column_config={"Fase": st.column_config.SelectboxColumn(
            "Fase", options=[*PHASE_BY_LABEL, PHASE_LABELS["sin_clasificar"]], required=True)})
    changes = {}
    for (_, before), (_, after) in zip(frame.iterrows(), edited.iterrows(), strict=True):
        if after["Fase"] != before["Fase"] and after["Fase"] in PHASE_BY_LABEL:
            changes[before["Actividad"]] = PHASE_BY_LABEL[after["Fase"]]
    return changes


def assistant(plan: ParsedPlan) -> bool:
    """Draw the three editors; True when the person applied new changes
    (the caller re-reads the file with them)."""
    columns = columns_editor(plan)
    offices = offices_editor(plan)
    phases = phases_editor(plan)
    if st.button("Ver la vista previa con estos cambios", key="mapeo_aplicar",
                 icon=":material/preview:", disabled=not (columns or offices or phases)):
        mine = pending()
        mine.mappings.update({m.signature: m for m in columns.values()})
        mine.offices.update(offices)
        mine.phases.update(phases)
        return True
    return False
