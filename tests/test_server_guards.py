"""What a visitor can send a real server without logging in: the «clear_cache»
message on the websocket, and files to the upload endpoint.

The server is `streamlit run dashboard.py` on the database a fresh install
builds from sample_data/; the visitor speaks the browser protocol directly
(tests/st_wire.py). Cache figures come from the server's /_stcore/metrics,
which refreshes them at most every 5 seconds.
"""
from __future__ import annotations

import time

import pytest

from data_layer import loader
from tests.browser_support import serve
from tests.st_wire import Visitor, metrics

PASSWORD = "clave-servidor-2025"
METRICS_TTL = 5.5
CACHE = 'cache_memory_bytes{cache_type="st_cache_data",cache="ui.data._cached"}'
FORM: tuple[str, str] | None = None  # the password field's and the button's ids
UPLOADS = 'cache_memory_bytes{cache_type="UploadedFileManager",cache=""}'
WRONG = "Contraseña incorrecta."
LOCKED = "Demasiados intentos fallidos. Espere"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("guardas") / "tablero.duckdb"
    loader.ensure_database(path)
    return path


@pytest.fixture()
def server(sample_db, tmp_path):
    """A fresh server per test: the rate limiter lives as long as the process."""
    with serve(sample_db, tmp_path / "streamlit.log", {"TABLERO_ADMIN_PASSWORD": PASSWORD}) as url:
        yield url


def login(visitor: Visitor, password: str) -> str | None:
    """Type a password in the sidebar form and press «Ingresar»; the login
    form's message (None: logged in). The widget ids are the same in every session."""
    global FORM
    if FORM is None:
        page = visitor.run()
        FORM = (page.widget_id("text_input", "Contraseña de administración"),
                page.widget_id("button", "Ingresar"))
    alerts = visitor.run({FORM[0]: password, FORM[1]: True}).texts("alert")
    return next((a for a in alerts if a == WRONG or a.startswith(LOCKED)), None)


def settled_metrics(url: str) -> dict[str, float]:
    time.sleep(METRICS_TTL)
    return metrics(url)


def test_clear_cache_message_neither_lifts_the_lockout_nor_empties_the_viewers_cache(server):
    for sessions in range(6):  # 6 × 5 wrong passwords: the whole server is locked
        with Visitor(server) as guesser:
            for attempt in range(5):
                assert login(guesser, f"adivinando-{sessions}-{attempt}") == WRONG
    with Visitor(server) as viewer:
        viewer.run()
        cached = settled_metrics(server)[CACHE]
        assert cached > 10_000  # the figures of the Resumen page
        with Visitor(server) as attacker:
            attacker.run()
            attacker.clear_cache()
            assert login(attacker, PASSWORD).startswith(LOCKED)  # same session, after the message
        assert settled_metrics(server)[CACHE] == cached
        assert login(viewer, PASSWORD).startswith(LOCKED)


def test_a_visitor_cannot_make_the_server_keep_an_upload(server):
    nineteen_mb = b"\0" * (19 * 1024 * 1024)
    with Visitor(server) as visitor:
        visitor.run()
        assert [visitor.upload(nineteen_mb, file_id=f"f{n}") for n in range(2)] == [403, 403]
        assert UPLOADS not in settled_metrics(server)
    # An administrator's session still can: the page's uploader needs it.
    with Visitor(server) as admin:
        assert login(admin, PASSWORD) is None
        assert admin.upload(b"Actividad;Responsable;Meta\n", name="plan.csv") == 204
        assert settled_metrics(server)[UPLOADS] == len(b"Actividad;Responsable;Meta\n")


# ---------------------------------------------------------------- the guards alone (no server)


class FakeSession:
    def __init__(self, state: dict) -> None:
        self.session_state = state


class FakeRuntime:
    def __init__(self, sessions: dict[str, dict]) -> None:
        self.sessions = {sid: FakeSession(state) for sid, state in sessions.items()}

    def get_app_session(self, session_id: str):
        return self.sessions.get(session_id)


def test_upload_guard_keeps_files_only_for_administrator_sessions():
    from starlette.exceptions import HTTPException
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    from ui import admin

    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    admin.guard_uploads(FakeRuntime({"visitante": {}, "admin": {admin._FLAG: True},
                                     "astuto": {admin._FLAG: "True"}}), manager)
    admin.guard_uploads(FakeRuntime({}), manager)  # installing twice wraps once
    for session in ("visitante", "astuto", "desconocida"):
        with pytest.raises(HTTPException) as refused:
            manager.add_file(session, UploadedFileRec("f", "plan.xlsx", "application/octet-stream", b"x" * 100))
        assert (refused.value.status_code, refused.value.detail) == (403, admin.UPLOAD_REFUSED)
    assert dict(manager.file_storage) == {} and manager.get_stats() == {}
    manager.add_file("admin", UploadedFileRec("f", "plan.csv", "text/csv", b"Actividad\n"))
    assert [f.data for f in manager.get_files("admin", ["f"])] == [b"Actividad\n"]


def test_clear_cache_guard_and_its_release_check(monkeypatch, caplog):
    import streamlit as st

    from ui import admin

    class Session:
        cleared = 0

        def __init__(self, state):
            self.session_state = state

        def _handle_clear_cache_request(self):
            Session.cleared += 1

    admin.guard_clear_cache(Session)
    admin.guard_clear_cache(Session)
    Session({})._handle_clear_cache_request()
    assert Session.cleared == 0
    assert "Se ignoró una orden de borrar la caché" in caplog.text
    Session({admin._FLAG: True})._handle_clear_cache_request()
    assert Session.cleared == 1
    # On another Streamlit release nothing is patched, and the log says so.
    monkeypatch.setattr(st, "__version__", "1.68.0")
    assert admin.install_server_guards() is False
    assert "Streamlit 1.68.0: las protecciones" in caplog.text
