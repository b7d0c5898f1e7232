"""The administrator session: login form, gate, logout — and what a visitor's
browser may not ask the server to do.

Viewing is open. Administrative pages are added to the navigation only after
a login, and each of them calls :func:`require` first, so a viewer cannot
reach them through a URL, a stale widget or session state: the flag lives
under a key no widget uses, and only :func:`login_form` sets it.

The rate limiter is ``auth.LIMITER``, a module object outside Streamlit's
caches. :func:`install_server_guards` (run when this module is first
imported, i.e. on the server's first page run) makes two requests of the
browser protocol administrator-only: «clear_cache» and file uploads.
"""
from __future__ import annotations

import logging
import os
import secrets

import streamlit as st

from data_layer import auth

logger = logging.getLogger(__name__)

_FLAG = "_tablero_admin_ok"  # never a widget key
_SESSION_ID = "_tablero_session_id"
_logged: set[str] = set()


def secret() -> str | None:
    """The administrator password: Streamlit secrets first, then the environment."""
    try:
        value = st.secrets.get("admin_password")
    except Exception:  # no secrets.toml at all: Streamlit raises instead of returning None
        value = None
    return str(value) if value else auth.secret_from_env()


def disabled_reason() -> str | None:
    """Why administration is off (no password, or one too short), or None.
    The reason also goes to the server log, once per process."""
    problem = auth.secret_problem(secret())
    if problem and problem not in _logged:
        _logged.add(problem)
        logger.warning(problem.replace("`", ""))
    return problem


def is_admin() -> bool:
    return st.session_state.get(_FLAG) is True


def require() -> None:
    """Stop the page unless the session logged in as administrator."""
    if not is_admin():
        st.error("Esta página es sólo para administradores. Ingrese con la contraseña de "
                 "administración en la barra lateral («Administración»).",
                 icon=":material/lock:")
        st.stop()


def _session_id() -> str:
    if _SESSION_ID not in st.session_state:
        st.session_state[_SESSION_ID] = secrets.token_hex(8)
    return st.session_state[_SESSION_ID]


def user_name() -> str:
    """Who imports, for the history: the configured name or «administrador»."""
    return os.environ.get("TABLERO_ADMIN_USER") or "administrador"


def login_form() -> None:
    """The sidebar block: a login form for viewers, a logout button for admins."""
    with st.sidebar.expander("Administración", icon=":material/admin_panel_settings:",
                             expanded=False):
        if is_admin():
            st.caption("Sesión de administración abierta.")
            if st.button("Cerrar sesión", key="admin_logout", icon=":material/logout:"):
                st.session_state.pop(_FLAG, None)
                st.rerun()
            return
        problem = disabled_reason()
        if problem:
            st.warning(problem, icon=":material/lock:")
            return
        with st.form("admin_login", clear_on_submit=True, border=False):
            password = st.text_input("Contraseña de administración", type="password",
                                     key="admin_password_input")
            submitted = st.form_submit_button("Ingresar", icon=":material/login:")
        if submitted:
            ok, message = auth.check_login(password, secret(), auth.LIMITER, _session_id())
            if ok:
                st.session_state[_FLAG] = True
                st.rerun()
            st.error(message)
        st.caption("Cargar, reemplazar o borrar planes requiere la contraseña de administración.")


# ---------------------------------------------------------------- server guards
#
# Streamlit 1.67 has no setting for either: `client.toolbarMode = "minimal"`
# only hides the menu item, and the upload endpoint takes files for any
# connected session. So two small wrappers, installed once per process and
# only on the release they were written against (elsewhere: a warning in the
# log, and the reverse-proxy rule in README.md still applies).

GUARDED_RELEASE = "1.67."
UPLOAD_REFUSED = "Sólo una sesión de administración puede subir archivos."


def _state_is_admin(state) -> bool:
    """The flag in a session's state, read from outside its script run."""
    return _FLAG in state and state[_FLAG] is True


def _session_is_admin(runtime, session_id: str) -> bool:
    session = runtime.get_app_session(session_id)
    return session is not None and _state_is_admin(session.session_state)


def guard_clear_cache(session_class) -> None:
    """«clear_cache» (the browser's «Clear cache» menu, or one websocket
    message) empties st.cache_data and st.cache_resource for every viewer and
    the sender's session state. Only an administrator's session may."""
    original = session_class._handle_clear_cache_request
    if getattr(original, "tablero_guard", False):
        return

    def handle_clear_cache_request(self) -> None:
        if _state_is_admin(self.session_state):
            original(self)
        else:
            logger.warning("Se ignoró una orden de borrar la caché de una sesión sin administración.")

    handle_clear_cache_request.tablero_guard = True
    session_class._handle_clear_cache_request = handle_clear_cache_request


def guard_uploads(runtime, manager) -> None:
    """The upload endpoint keeps a file for any connected session until that
    session ends. This server's upload manager keeps files only for
    administrator sessions; others get HTTP 403 and nothing is kept."""
    original = manager.add_file
    if getattr(original, "tablero_guard", False):
        return
    from starlette.exceptions import HTTPException

    def add_file(session_id: str, file) -> None:
        if not _session_is_admin(runtime, session_id):
            logger.warning("Se rechazó un archivo subido por una sesión sin administración.")
            raise HTTPException(status_code=403, detail=UPLOAD_REFUSED)
        original(session_id, file)

    add_file.tablero_guard = True
    manager.add_file = add_file  # this instance only: AppTest's own manager is untouched


def install_server_guards() -> bool:
    """Install both guards on a running server; False (and a warning) where they do not apply."""
    if not st.__version__.startswith(GUARDED_RELEASE):
        logger.warning("Streamlit %s: las protecciones de caché y de subida de archivos están escritas "
                       "para %sx; revíselas (ui/admin.py).", st.__version__, GUARDED_RELEASE)
        return False
    from streamlit.runtime import Runtime
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    guard_clear_cache(AppSession)
    if not Runtime.exists():  # AppTest, bare mode: no server, no upload endpoint
        return False
    runtime = Runtime.instance()
    if not isinstance(runtime.uploaded_file_mgr, MemoryUploadedFileManager):
        logger.warning("Gestor de archivos subidos inesperado: %r; no se protegió.", runtime.uploaded_file_mgr)
        return False
    guard_uploads(runtime, runtime.uploaded_file_mgr)
    return True


install_server_guards()
