"""The mapping assistant of «Cargar planes»: fix how a file was read.

The person edits three tables — what each column is, how offices are split
and named, the phase of an activity — and sees the preview with the changes
before saving them. Saved mappings and corrections are data
(data_layer/corrections.py): the next file with the same headers is read with
them, and «Correcciones guardadas» lists and undoes them.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data_layer import corrections as corr
from data_layer import preview
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


def columns_editor(plan: ParsedPlan) -> dict[str, corr.Mapping]:
    """Column roles, one editable table per sheet; returns the mappings that changed."""
    changed = {}
    for sheet, mapping in plan.column_map.items():
        rows = []
        # What the importer detected may be more precise than the offered
        # roles (a schedule month with its year): offer it too.
        by_label = dict(ROLE_BY_LABEL)
        for letter, role in mapping.items():
            meaning, _, header = role.partition(" ← ")
            by_label.setdefault(preview.role_label(meaning), meaning)
            rows.append({"Columna": letter, "Encabezado": header, "Se lee como": preview.role_label(meaning)})
        frame = pd.DataFrame(rows)
        st.markdown(f"**Columnas de la hoja** {sheet}" if len(plan.column_map) > 1 else "**Columnas**")
        edited = st.data_editor(
            frame, key=f"mapeo_columnas_{sheet}", hide_index=True, width="stretch",
            disabled=["Columna", "Encabezado"],
            column_config={"Se lee como": st.column_config.SelectboxColumn(
                "Se lee como", options=list(by_label), required=True)})
        roles = {row["Columna"]: by_label[row["Se lee como"]] for _, row in edited.iterrows()}
        detected = {row["Columna"]: by_label[row["Se lee como"]] for _, row in frame.iterrows()}
        if roles != detected:
            changed[sheet] = corr.Mapping(plan.signatures[sheet], len(plan.header_rows[sheet]), roles,
                                          {row["Columna"]: row["Encabezado"] for _, row in frame.iterrows()})
    return changed


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
