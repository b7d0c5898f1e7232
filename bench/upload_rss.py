"""Server memory when a visitor who never logged in uploads files.

    python bench/upload_rss.py                      # 30 uploads of 19 MB, this checkout
    python bench/upload_rss.py --root /otra/copia   # the same against another checkout

Starts `streamlit run dashboard.py` on a database built from sample_data/,
opens one visitor session over the websocket (tests/st_wire.py, as a browser
does: the page runs once), PUTs the files to /_stcore/upload_file for that
session, and prints the server's resident memory (VmRSS) before, right after,
and a while after, with the HTTP statuses it answered.

Measured 2026-12-06 (2 shared cores), 30 × 19 MB from one visitor session:
before the upload guard 272,9 → 844,5 MB, still 844,5 MB 60 s later (30 × 204);
with it 277,4 → 295,9 MB, 296,1 MB 60 s later (30 × 403).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))

from tests.browser_support import _free_port, _wait_healthy  # noqa: E402
from tests.st_wire import Visitor  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("sin VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE, help="copia del tablero que se mide")
    parser.add_argument("--files", type=int, default=30)
    parser.add_argument("--mb", type=int, default=19)
    parser.add_argument("--wait", type=float, default=60, help="segundos antes de la última medición")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="upload_rss_"))
    db = work / "tablero.duckdb"
    subprocess.run([sys.executable, "-c", "import sys; from data_layer import loader; "
                    "loader.ensure_database(sys.argv[1])", str(db)], cwd=args.root, check=True)
    port = _free_port()
    env = {**os.environ, "TABLERO_DB": str(db), "TABLERO_ADMIN_PASSWORD": "clave-de-medicion-2025"}
    with open(work / "streamlit.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--server.fileWatcherType", "none"],
            cwd=args.root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        data = os.urandom(args.mb * 1024 * 1024)
        with Visitor(url) as visitor:
            visitor.run()
            before = rss_mb(server.pid)
            statuses = collections.Counter(visitor.upload(data, file_id=f"f{n}") for n in range(args.files))
            after = rss_mb(server.pid)
            time.sleep(args.wait)
            later = rss_mb(server.pid)
        print(json.dumps({"root": str(args.root), "uploads": args.files, "mb_each": args.mb,
                          "http_status": dict(statuses), "rss_mb_before": before,
                          "rss_mb_after": after, f"rss_mb_after_{int(args.wait)}s": later}))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
