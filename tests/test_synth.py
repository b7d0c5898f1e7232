"""The synthetic generator behind the benchmarks: right sizes, realistic states, reproducible."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from data_layer import synth
from data_layer.ingest import read_plan

ROOT = Path(__file__).resolve().parent.parent


def test_database_has_the_requested_size_and_real_plan_states(tmp_path):
    counts = synth.write_database(tmp_path / "s.duckdb", 3_000, entities=40, vigencias=(2024, 2025))
    assert (counts["entity"], counts["plan"], counts["activity"], counts["reading"]) == (40, 80, 3_000, 12_000)
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    shares = dict(con.execute("SELECT state, count(*) / 12000 FROM reading GROUP BY state").fetchall())
    assert 0.10 < shares["no_programada"] < 0.20
    assert 0.15 < shares["sin_reporte"] < 0.30
    assert con.execute("SELECT min(value), max(value) FROM reading").fetchall() == [(10.0, 100.0)]
    assert con.execute("SELECT count(DISTINCT phase) FROM activity").fetchall() == [(5,)]
    con.close()


def test_same_seed_same_data(tmp_path):
    def digest(path):
        synth.write_database(path, 500, entities=5)
        con = duckdb.connect(str(path), read_only=True)
        try:
            return con.execute("SELECT sum(hash(activity_id, period_index, state, value)) FROM reading").fetchall()
        finally:
            con.close()
    assert digest(tmp_path / "a.duckdb") == digest(tmp_path / "b.duckdb")


def test_workbooks_are_read_by_the_importer(tmp_path):
    out = subprocess.run([sys.executable, "-m", "data_layer", "synth", "--workbooks", str(tmp_path),
                          "--files", "2", "--per-file", "30"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "2 libros sintéticos" in out.stdout
    plan = read_plan(tmp_path / "plan_0001.xlsx")
    assert (len(plan.activities), plan.year, plan.issues) == (30, 2025, [])
    assert all(len(a.readings) == 4 for a in plan.activities)
    assert plan.entity.startswith("Alcaldía de ")
