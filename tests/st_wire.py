"""Speak Streamlit's browser protocol to a real server, as a visitor's script
could: protobuf BackMsg frames on the /_stcore/stream websocket, and the
upload endpoint. No browser involved (tests/browser_support.py starts the
server)."""
from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

XSRF_COOKIE = "_streamlit_xsrf"


@dataclass
class Run:
    """What one script run sent back: its elements, by kind."""

    elements: list = field(default_factory=list)

    def of(self, kind: str) -> list:
        return [getattr(e, kind) for e in self.elements if e.WhichOneof("type") == kind]

    def texts(self, kind: str) -> list[str]:
        return [e.body for e in self.of(kind)]

    def widget_id(self, kind: str, label: str) -> str:
        return next(e.id for e in self.of(kind) if e.label == label)


class Visitor:
    """One browser tab's session, without the browser."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._connection = connect(url.replace("http://", "ws://") + "/_stcore/stream",
                                   subprotocols=["streamlit"], max_size=None, open_timeout=30)
        self.socket = self._connection.__enter__()
        self.session_id: str | None = None

    def close(self) -> None:
        self._connection.__exit__(None, None, None)

    def __enter__(self) -> Visitor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, msg: BackMsg) -> None:
        self.socket.send(msg.SerializeToString())

    def run(self, widgets: dict[str, object] | None = None, timeout: float = 60) -> Run:
        """Rerun the script with these widget values (str → text, True → a click)."""
        msg = BackMsg()
        state = msg.rerun_script
        state.SetInParent()
        for widget_id, value in (widgets or {}).items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if value is True:
                widget.trigger_value = True
            else:
                widget.string_value = str(value)
        self.send(msg)
        run = Run()
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(self.socket.recv(timeout=timeout))
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self.session_id = forward.new_session.initialize.session_id
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                run.elements.append(forward.delta.new_element)
            elif kind == "script_finished":
                return run

    def clear_cache(self) -> None:
        msg = BackMsg()
        msg.clear_cache = True
        self.send(msg)

    def upload(self, data: bytes, name: str = "plan.xlsx", file_id: str = "archivo") -> int:
        """PUT a file to the upload endpoint for this session, as the uploader
        widget does (with the XSRF cookie and header); the HTTP status."""
        with urllib.request.urlopen(self.url + "/_stcore/health", timeout=30) as page:
            cookie = next(c.split(";")[0] for c in page.headers.get_all("Set-Cookie")
                          if c.startswith(XSRF_COOKIE + "="))
        boundary = "tablero-limite"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + \
            f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            f"{self.url}/_stcore/upload_file/{self.session_id}/{file_id}", data=body, method="PUT",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie,
                     "X-Xsrftoken": cookie.split("=", 1)[1]})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def metrics(url: str) -> dict[str, float]:
    """The server's cache_memory_bytes figures, by (cache type, cache name)."""
    request = urllib.request.Request(f"{url}/_stcore/metrics?families=cache_memory_bytes")
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    figures: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("cache_memory_bytes{"):
            labels, value = line.rsplit(" ", 1)
            figures[labels] = figures.get(labels, 0) + float(value)
    return figures
