"""Cargar planes (administración): subir un archivo, revisar lo que se entendió,
importarlo; reemplazar o borrar planes; historial de importaciones."""
import hashlib
from pathlib import Path

import streamlit as st

from data_layer import loader, plans, preview, store
from data_layer.errors import PlanFileError
from ui import admin, data, layout, safe, tables

MAX_UPLOAD_MB = 20  # also server.maxUploadSize in .streamlit/config.toml
TYPES = ["xlsx", "xls", "ods", "csv"]


def _parse(name: str, content: bytes, entity: str | None, year: int | None):
    """Parse once per (file, overrides); kept in the session between reruns."""
    key = (name, hashlib.sha256(content).hexdigest(), entity, year)
    cache = st.session_state.setdefault("_cargar_parsed", {})
    if key not in cache:
        cache.clear()  # only the file being looked at
        cache[key] = loader.parse(loader.FileSpec(Path(name), entity=entity, year=year, data=content,
                                                  source_name=name))
    return cache[key]


def _read_upload(uploaded) -> bytes | None:
    if uploaded.size > MAX_UPLOAD_MB * 1024 * 1024:
        st.error(f"El archivo pesa {uploaded.size / 1024 / 1024:,.1f} MB; el máximo es "
                 f"{MAX_UPLOAD_MB} MB. Guarde una copia sólo con las hojas del plan.")
        return None
    return uploaded.getvalue()


def _preview(plan) -> None:
    figures = preview.summary(plan)
    cols = st.columns(5)
    cols[0].metric("Actividades", figures["activities"], border=True)
    cols[1].metric("Dependencias", len(figures["dependencies"]), border=True)
    cols[2].metric("Fases declaradas", figures["phase_source"]["declared"], border=True)
    cols[3].metric("Fases inferidas", figures["phase_source"]["inferred"], border=True)
    cols[4].metric("Lecturas de avance", figures["readings"], border=True)
    rows = "; ".join(f"hoja «{sheet}»: filas {', '.join(map(str, r))}"
                     for sheet, r in plan.header_rows.items())
    st.caption(safe.md(f"Formato detectado: {plan.layout}. Encabezados en {rows}."))
    report = preview.report_frame(plan)
    parts = st.tabs(["Columnas", "Actividades", "Dependencias", f"Informe ({len(report)})"])
    description = f"Vista previa de «{plan.source_file}» (aún no importado)."
    with parts[0]:
        tables.show(preview.columns_frame(plan), key="prev_columnas", file_name="columnas",
                    description=description)
    with parts[1]:
        tables.show(preview.activities_frame(plan), key="prev_actividades", file_name="actividades_previa",
                    description=description, height=360)
    with parts[2]:
        tables.show(preview.offices_frame(plan), key="prev_dependencias", file_name="dependencias_previa",
                    description=description)
    with parts[3]:
        if report.empty:
            st.success("El importador entendió todas las celdas y todas las filas.")
        else:
            tables.show(report, key="prev_informe", file_name="informe_importacion",
                        description=description)


def _where_it_goes(plan, known: set[tuple[str, int | None]]) -> None:
    if (plan.entity, plan.year) in known:
        st.info(safe.md(f"Ya hay un plan de {plan.entity}, vigencia {plan.year}: este archivo se "
                        "agregará como seguimiento (lecturas nuevas o corregidas, sin duplicar "
                        "actividades; las anteriores quedan en el historial)."), icon=":material/update:")
    else:
        st.info(safe.md(f"Se creará un plan nuevo: {plan.entity or 'entidad sin nombre'}, vigencia "
                        f"{plan.year or 'sin definir'}."), icon=":material/add_circle:")


def _upload_section(db: store.Database) -> None:
    st.markdown("Suba el plan o su seguimiento trimestral (.xlsx, .xls, .ods o .csv). Nada se "
                "guarda hasta que confirme.")
    uploaded = st.file_uploader("Archivo del plan", type=TYPES, key="cargar_archivo")
    if uploaded is None:
        return
    content = _read_upload(uploaded)
    if content is None:
        return
    try:
        plan = _parse(uploaded.name, content, None, None)
        left, right = st.columns([3, 1])
        entity = left.text_input("Entidad", value=plan.entity or "", key="cargar_entidad",
                                 help="Corríjala si el archivo no la dice o la dice distinto.")
        year = right.number_input("Vigencia", min_value=1990, max_value=2100, step=1,
                                  value=plan.year, key="cargar_vigencia")
        if (entity or None) != plan.entity or (year and int(year) != plan.year):
            plan = _parse(uploaded.name, content, entity or None, int(year) if year else None)
    except PlanFileError as error:
        st.error(error.message, icon=":material/error:")
        return
    done = st.session_state.pop("_cargar_done", None)
    if done:
        st.success(safe.md(done), icon=":material/check_circle:")
    if plan.checksum in data.load(plans.imported_checksums):
        st.info("Este archivo ya está importado (mismo contenido): importarlo otra vez no "
                "cambiaría nada.", icon=":material/task_alt:")
        return
    _preview(plan)
    known = {(row["Entidad"], row["Vigencia"]) for _, row in data.load(plans.list_plans).iterrows()}
    _where_it_goes(plan, known)
    if st.button("Importar a la base de datos", type="primary", key="cargar_confirmar",
                 icon=":material/upload:"):
        try:
            results = loader.import_parsed([plan], db.path, imported_by=admin.user_name())
        except store.DatabaseBusyError as error:
            st.error(str(error))
            return
        st.cache_data.clear()
        st.session_state["_cargar_done"] = results[0].summary()
        st.rerun()


def _plans_section(db: store.Database) -> None:
    listed = data.load(plans.list_plans)
    if listed.empty:
        st.info("Aún no hay planes cargados.")
        return
    tables.show(listed, key="planes", file_name="planes_cargados", description="Planes cargados.")
    labels = {int(r["_plan_id"]): f"{r['Entidad']} — vigencia {r['Vigencia'] or 'sin definir'}"
              for _, r in listed.iterrows()}
    chosen = st.selectbox("Plan", list(labels), format_func=labels.get, key="plan_elegido")
    delete, replace = st.columns(2, gap="large")
    with delete:
        st.markdown("**Borrar el plan**")
        sure = st.checkbox("Entiendo que se borran sus actividades, lecturas, historial e informe.",
                           key="borrar_confirmo")
        if st.button("Borrar plan", key="borrar_plan", disabled=not sure, icon=":material/delete:"):
            try:
                plans.delete_plan(chosen, db.path)
            except (plans.PlanNotFoundError, store.DatabaseBusyError) as error:
                st.error(str(error))
                return
            st.cache_data.clear()
            st.success(safe.md(f"Se borró el plan {labels[chosen]}."))
    with replace:
        st.markdown("**Reemplazar por otro archivo**")
        uploaded = st.file_uploader("Archivo nuevo", type=TYPES, key="reemplazo_archivo")
        content = _read_upload(uploaded) if uploaded else None
        if content is None:
            return
        try:
            plan = _parse(uploaded.name, content, None, None)
        except PlanFileError as error:
            st.error(error.message)
            return
        st.caption(safe.md(f"{len(plan.activities)} actividades de {plan.entity or 'entidad sin nombre'}, "
                           f"vigencia {plan.year or 'sin definir'}."))
        if st.button("Reemplazar plan", key="reemplazar_plan", icon=":material/swap_horiz:"):
            try:
                result = plans.replace_plan(chosen, plan, db.path, imported_by=admin.user_name())
            except (plans.PlanNotFoundError, store.DatabaseBusyError) as error:
                st.error(str(error))
                return
            st.cache_data.clear()
            st.success(safe.md(result.summary()))


admin.require()
with layout.guard("la carga de planes"):
    st.title("Cargar planes", anchor=False)
    st.caption("Administración: importar un plan o su seguimiento, reemplazar o borrar planes, "
               "y ver quién importó qué y cuándo.")
    database = data.database()
    load_tab, plans_tab, history_tab = st.tabs(["Cargar un archivo", "Planes cargados",
                                                 "Historial de importaciones"])
    with load_tab:
        _upload_section(database)
    with plans_tab:
        _plans_section(database)
    with history_tab:
        tables.show(data.load(plans.import_history, None), key="historial", file_name="historial_importaciones",
                    description="Historial de importaciones.")
