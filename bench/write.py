"""Writing a national database: what an import of N activities costs, as a
whole process (``python -m data_layer synth``: the activities, their readings
and then the derived tables and roll-ups every write stores), in wall time and
peak memory (the process's maximum resident set, read by a parent that only
waits for it)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.common import ROOT

_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(json.dumps({"seconds": round(time.perf_counter() - start, 2),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}))
"""


def run(workdir: Path, activities: int, log=print) -> dict:
    db = workdir / f"escritura_{activities}.duckdb"
    db.unlink(missing_ok=True)
    command = [sys.executable, "-m", "data_layer", "synth", "--activities", str(activities),
               "--db", str(db)]
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["file_mb"] = round(db.stat().st_size / 1024 / 1024)
    db.unlink(missing_ok=True)
    log(f"  {activities:,} actividades escritas en {result['seconds']} s, pico "
        f"{result['peak_mb']} MB, archivo {result['file_mb']} MB")
    return result
