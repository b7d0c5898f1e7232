"""Cargar planes (administración): subir un archivo, revisar lo que se entendió,
importarlo; reemplazar o borrar planes; historial de importaciones."""
import hashlib
from pathlib import Path

import streamlit as st

from data_layer import corrections, loader, plans, preview, store
from data_layer.errors import PlanFileError
from ui import admin, data, layout, mapping, safe, tables

MAX_UPLOAD_MB = 20  # also server.maxUploadSize in .streamlit/config.toml
TYPES = ["xlsx", "xls", "ods", "csv"]


def _parse(name: str, content: bytes, entity: str | None, year: int | None, slot: str = "cargar"):
    """Parse once per (file, overrides, corrections); kept in the session
    between reruns, one file per ``slot`` (the upload, the replacement).
    Saved corrections and this session's unsaved ones apply."""
    saved = data.load(corrections.load)
    pending = mapping.pending()
    key = (name, hashlib.sha256(content).hexdigest(), entity, year, repr(saved), repr(pending))
    cache = st.session_state.setdefault(f"_{slot}_parsed", {})
    if key not in cache:
        cache.clear()  # only the file being looked at
        cache[key] = loader.parse(loader.FileSpec(Path(name), entity=entity, year=year, data=content,
                                                  source_name=name), mapping.merged(saved))
    return cache[key]


def _read_upload(uploaded) -> bytes | None:
    if uploaded.size > MAX_UPLOAD_MB * 1024 * 1024:
        st.error(f"El archivo pesa {uploaded.size / 1024 / 1024:,.1f} MB; el máximo es "
                 f"{MAX_UPLOAD_MB} MB. Guarde una copia sólo con las hojas del plan.")
        return None
    return uploaded.getvalue()


def _preview(plan) -> None:
    for message in preview.file_warnings(plan):
        st.warning(safe.md(message), icon=":material/warning:")
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


def _where_it_goes(plan) -> None:
    existing = data.load(plans.existing_plan, plans.key_of(plan))
    if existing:
        st.info(safe.md(f"Ya hay un plan de {existing}: este archivo se agregará como seguimiento "
                        "(lecturas nuevas o corregidas, sin duplicar actividades; las anteriores "
                        "quedan en el historial)."), icon=":material/update:")
    else:
        st.info(safe.md(f"Se creará un plan nuevo: {plans.label_of(plan)}."), icon=":material/add_circle:")


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
        if "No se encontró una tabla de actividades" in error.message:
            st.markdown("**Asistente de mapeo.** Indique la hoja y la fila de encabezados, y qué es "
                        "cada columna (al menos cuál nombra cada actividad).")
            if mapping.table_chooser(uploaded.name, content):
                st.rerun()
        return
    done = st.session_state.pop("_cargar_done", None)
    if done:
        st.success(safe.md(done), icon=":material/check_circle:")
    if plan.checksum in data.load(plans.imported_checksums):
        st.info("Este archivo ya está importado (mismo contenido): importarlo otra vez no "
                "cambiaría nada.", icon=":material/task_alt:")
        return
    _preview(plan)
    with st.expander("Asistente de mapeo: corregir columnas, dependencias o fases",
                     icon=":material/tune:", expanded=bool(mapping.pending().mappings)):
        if mapping.assistant(plan):
            st.rerun()
        st.markdown("**Leer otra hoja u otras filas de encabezado** (también las hojas ocultas)")
        if mapping.table_chooser(uploaded.name, content, plan):
            st.rerun()
        _save_pending(db, plan.source_file)
    _where_it_goes(plan)
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


def _save_pending(db: store.Database, source_file: str) -> None:
    mine = mapping.pending()
    if not (mine.mappings or mine.offices or mine.phases):
        return
    st.info(f"Cambios sin guardar: {len(mine.mappings)} mapeo(s) de columnas, {len(mine.offices)} "
            f"dependencia(s), {len(mine.phases)} fase(s). La vista previa ya los usa; guárdelos para "
            "que se apliquen también a los próximos archivos.", icon=":material/edit_note:")
    left, right = st.columns(2)
    if left.button("Guardar mapeo y correcciones", key="mapeo_guardar", icon=":material/save:"):
        try:
            corrections.save(mine, db.path, created_by=admin.user_name(), source_file=source_file)
        except (ValueError, store.DatabaseBusyError) as error:
            st.error(str(error))
            return
        mapping.reset()
        st.cache_data.clear()
        st.rerun()
    if right.button("Descartar cambios", key="mapeo_descartar", icon=":material/undo:"):
        mapping.reset()
        st.rerun()


def _corrections_section(db: store.Database) -> None:
    listed = data.load(corrections.listing)
    if listed.empty:
        st.info("No hay mapeos ni correcciones guardadas. Se crean con el asistente de mapeo al cargar "
                "un archivo.")
        return
    tables.show(listed, key="correcciones", file_name="correcciones_guardadas",
                description="Mapeos de columnas y correcciones guardadas.")
    labels = {i: f"{r['Tipo']}: {r['Qué']} → {r['Se lee como']}"[:150] for i, r in listed.iterrows()}
    chosen = st.selectbox("Corrección", list(labels), format_func=labels.get, key="correccion_elegida")
    st.caption("Deshacer no cambia los planes ya importados: vuelva a importar el archivo para leerlo sin "
               "la corrección.")
    if st.button("Deshacer esta corrección", key="correccion_deshacer", icon=":material/undo:"):
        row = listed.loc[chosen]
        corrections.undo(row["_tipo"], row["_clave"], db.path)
        st.cache_data.clear()
        st.rerun()


def _plans_section(db: store.Database) -> None:
    done = st.session_state.pop("_planes_done", None)
    if done:
        st.success(safe.md(done), icon=":material/check_circle:")
    listed = data.load(plans.list_plans)
    if listed.empty:
        st.info("Aún no hay planes cargados.")
        return
    tables.show(listed, key="planes", file_name="planes_cargados", description="Planes cargados.")
    labels = data.load(plans.plan_choices)
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
            _changed(f"Se borró el plan {labels[chosen]}.", "borrar_confirmo")
    with replace:
        st.markdown("**Reemplazar por otro archivo**")
        # A new key after each replacement: the file just used does not stay
        # loaded, ready to replace whichever plan the list shows next.
        uploaded = st.file_uploader("Archivo nuevo", type=TYPES,
                                    key=f"reemplazo_archivo_{st.session_state.get('_reemplazos', 0)}")
        content = _read_upload(uploaded) if uploaded else None
        if content is None:
            return
        try:
            plan = _parse(uploaded.name, content, None, None, slot="reemplazo")
        except PlanFileError as error:
            st.error(error.message)
            return
        st.caption(safe.md(f"{len(plan.activities)} actividades de {plans.label_of(plan)}."))
        if st.button("Reemplazar plan", key="reemplazar_plan", icon=":material/swap_horiz:"):
            try:
                result = plans.replace_plan(chosen, plan, db.path, imported_by=admin.user_name())
            except (plans.PlanNotFoundError, store.DatabaseBusyError) as error:
                st.error(str(error))
                return
            st.session_state["_reemplazos"] = st.session_state.get("_reemplazos", 0) + 1
            _changed(f"Se reemplazó el plan {labels[chosen]}: {result.summary()}")


def _changed(message: str, *reset: str) -> None:
    """After a delete or a replace: say what was done on the next run, with the
    list read again and the confirmation unticked."""
    for key in reset:
        st.session_state.pop(key, None)
    st.session_state.pop("plan_elegido", None)
    st.cache_data.clear()
    st.session_state["_planes_done"] = message
    st.rerun()


admin.require()
with layout.guard("la carga de planes"):
    st.title("Cargar planes", anchor=False)
    st.caption("Administración: importar un plan o su seguimiento, reemplazar o borrar planes, "
               "y ver quién importó qué y cuándo.")
    database = data.database()
    load_tab, plans_tab, history_tab, corrections_tab = st.tabs(
        ["Cargar un archivo", "Planes cargados", "Historial de importaciones", "Correcciones guardadas"])
    with load_tab:
        _upload_section(database)
    with plans_tab:
        _plans_section(database)
    with history_tab:
        tables.show(data.load(plans.import_history, None), key="historial", file_name="historial_importaciones",
                    description="Historial de importaciones.")
    with corrections_tab:
        _corrections_section(database)
