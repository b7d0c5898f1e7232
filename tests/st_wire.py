"""Speak Streamlit's browser protocol to a real server, as a visitor's script
could: protobuf BackMsg frames on the /_stcore/stream websocket, the upload
endpoint, and the page's static files. No browser involved
(tests/browser_support.py starts the server; bench/load.py drives many of
these at once)."""
from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

XSRF_COOKIE = "_streamlit_xsrf"


@dataclass
class Run:
    """What one script run sent back: its elements, by kind."""

    elements: list = field(default_factory=list)
    status: int | None = None  # ForwardMsg.ScriptFinishedStatus of the run's end

    def of(self, kind: str) -> list:
        return [getattr(e, kind) for e in self.elements if e.WhichOneof("type") == kind]

    def texts(self, kind: str) -> list[str]:
        return [e.body for e in self.of(kind)]

    def widget_id(self, kind: str, label: str) -> str:
        return next(e.id for e in self.of(kind) if e.label == label)

    def metrics(self) -> dict[str, str]:
        """The ``st.metric`` figures as the page writes them, by label."""
        return {m.label: m.body for m in self.of("metric")}

    def errors(self) -> int:
        """Tracebacks and error boxes (``st.exception``, ``st.error``) in the run."""
        return len(self.of("exception")) + sum(a.format == Alert.ERROR for a in self.of("alert"))


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

    def run(self, widgets: dict[str, object] | None = None, timeout: float = 60,
            settle: bool = False) -> Run:
        """Rerun the script with these widget values (str → text, True → a click,
        a list or tuple of str → a multiselect's chosen options, as the browser
        sends them: their labels); the elements until the run's end.

        With ``settle``, a run that ends early because the script asked for a
        rerun (``st.rerun``) is not the end: the elements are those of the run
        that finishes, as a browser would show them once it is idle. Without
        it, reading stops at the first ``script_finished``.
        """
        msg = BackMsg()
        state = msg.rerun_script
        state.SetInParent()
        for widget_id, value in (widgets or {}).items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if value is True:
                widget.trigger_value = True
            elif isinstance(value, (list, tuple)):
                widget.string_array_value.data.extend(str(v) for v in value)
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
                if settle:  # every run starts with one: a rerun's elements replace the last
                    run.elements.clear()
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                run.elements.append(forward.delta.new_element)
            elif kind == "script_finished":
                run.status = forward.script_finished
                if not (settle and run.status == ForwardMsg.FINISHED_EARLY_FOR_RERUN):
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


def fetch_frontend(url: str, timeout: float = 60, connections: int = 6) -> int:
    """GET the page and the scripts, styles and font it lists, as a browser on
    its first visit does before it opens the websocket: over ``connections``
    kept-alive connections at a time (a browser's limit per server over
    HTTP/1.1); the bytes received. The chunks the page's JavaScript loads later
    (e.g. for charts) are not fetched. (A new connection per file would be ~60
    connections per visitor, which a browser does not open.)"""
    host, port = url.removeprefix("http://").split(":")
    with urllib.request.urlopen(url + "/", timeout=timeout) as page:
        html = page.read()
    assets = list(dict.fromkeys(re.findall(rb'(?:src|href)="\./(static/[^"]+)"', html)))

    def get(share: list[bytes]) -> int:
        connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
        try:
            total = 0
            for asset in share:
                connection.request("GET", "/" + asset.decode())
                response = connection.getresponse()
                total += len(response.read())
                if response.status != 200:
                    raise OSError(f"{asset.decode()}: HTTP {response.status}")
            return total
        finally:
            connection.close()

    shares = [assets[start::connections] for start in range(connections)]
    with ThreadPoolExecutor(max_workers=connections) as pool:
        return len(html) + sum(pool.map(get, [share for share in shares if share]))


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
