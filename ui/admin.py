"""The administrator session: login form, gate, logout.

Viewing is open. Administrative pages are added to the navigation only after
a login, and each of them calls :func:`require` first, so a viewer cannot
reach them through a URL, a stale widget or session state: the flag lives
under a key no widget uses, and only :func:`login_form` sets it.
"""
from __future__ import annotations

import os
import secrets

import streamlit as st

from data_layer import auth

_FLAG = "_tablero_admin_ok"  # never a widget key
_SESSION_ID = "_tablero_session_id"


@st.cache_resource
def _limiter() -> auth.RateLimiter:
    """One limiter for the whole server: attempts count across sessions."""
    return auth.RateLimiter()


def secret() -> str | None:
    """The administrator password: Streamlit secrets first, then the environment."""
    try:
        value = st.secrets.get("admin_password")
    except Exception:  # no secrets.toml at all: Streamlit raises instead of returning None
        value = None
    return str(value) if value else auth.secret_from_env()


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
        with st.form("admin_login", clear_on_submit=True, border=False):
            password = st.text_input("Contraseña de administración", type="password",
                                     key="admin_password_input")
            submitted = st.form_submit_button("Ingresar", icon=":material/login:")
        if submitted:
            ok, message = auth.check_login(password, secret(), _limiter(), _session_id())
            if ok:
                st.session_state[_FLAG] = True
                st.rerun()
            st.error(message)
        st.caption("Cargar, reemplazar o borrar planes requiere la contraseña de administración.")
