"""Ingest: activities per second from .xlsx, beside the reader libraries alone.

Two workloads from the synthetic generator (``data_layer.synth.write_workbooks``,
the Cartago quarterly layout): one large workbook, and many small ones (the
national case: a thousand entities each sending its plan). For each:

- ``ours``: ``loader.import_files`` into a new database (read, find the
  table, interpret every value, write to DuckDB in one transaction);
- ``parse``: ``ingest.read_plan`` only (no database), split into
  ``read_workbook`` (openpyxl read-only, every cell with its number format)
  and ``plan_from_workbook`` (header detection, column meaning, values);
- the libraries alone, on the same files: openpyxl read-only
  ``iter_rows(values_only=True)`` (the library the importer uses),
  openpyxl read-only ``iter_rows()`` touching each cell's value and
  ``number_format`` (what the importer must read), and python-calamine
  ``to_python()`` (the fastest reader, which drops number formats).

``ingest_ratio`` = ours ÷ python-calamine alone (the fastest raw reader, the
honest baseline), the worse of the two workloads; ``ingest_ratio_openpyxl`` is
the same against openpyxl values_only. ``process_s`` times whole processes on
the large workbook, as a person waits for them: ``python -m data_layer import``
into a new database against a ``python`` process that only reads it with
calamine (interpreter start and imports included in both).
``ingest_floor_ratio`` is the floor of any importer that stores what it reads
(``calamine_into_duckdb``: calamine's values as text into one DuckDB table, no
interpretation) ÷ calamine alone: how close to calamine storing lets one get.
"""
from __future__ import annotations

import cProfile
import io
import pstats
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import ROOT, timed


def make_workbooks(workdir: Path, large: int, files: int, per_file: int) -> dict[str, list[Path]]:
    from data_layer import synth

    sets = {}
    for name, count, size in (("un_archivo_grande", 1, large), ("archivos_pequenos", files, per_file)):
        folder = workdir / f"libros_{name}_{count}x{size}"
        marker = folder / ".ok"
        if not (marker.exists() and marker.read_text() == synth.WORKBOOK_LAYOUT):
            shutil.rmtree(folder, ignore_errors=True)
            synth.write_workbooks(folder, count, size)
            marker.write_text(synth.WORKBOOK_LAYOUT)
        sets[name] = sorted(folder.glob("*.xlsx"))
    return sets


def openpyxl_values(paths: list[Path]) -> int:
    import openpyxl

    cells = 0
    for path in paths:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for sheet in book.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    cells += len(row)
        finally:
            book.close()
    return cells


def openpyxl_cells(paths: list[Path]) -> int:
    import openpyxl

    cells = 0
    for path in paths:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        _value, _format = cell.value, getattr(cell, "number_format", None)
                        cells += 1
        finally:
            book.close()
    return cells


def calamine(paths: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in paths:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            cells += sum(len(row) for row in book.get_sheet_by_name(name).to_python())
    return cells


def calamine_into_duckdb(paths: list[Path], db: Path) -> int:
    """The floor of any importer that stores what it reads: calamine's values,
    as text, into one DuckDB table of a new file, in one transaction, with no
    interpretation at all. Ingest cannot be faster than this (see README)."""
    import duckdb
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    rows: list[tuple[int, int, list]] = []
    for number, path in enumerate(paths):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows += [(number, r, row) for r, row in
                     enumerate(book.get_sheet_by_name(name).to_python())]
    width = max((len(row) for _, _, row in rows), default=0)
    columns = {"archivo": pa.array([n for n, _, _ in rows], pa.int32()),
               "fila": pa.array([r for _, r, _ in rows], pa.int32())}
    for c in range(width):
        columns[f"c{c}"] = pa.array([str(row[c]) if c < len(row) and row[c] != "" else None
                                     for _, _, row in rows], pa.string())
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        con.register("leido", pa.table(columns))
        con.execute("BEGIN")
        con.execute("CREATE TABLE crudo AS SELECT * FROM leido")
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    db.unlink(missing_ok=True)
    return len(rows)


_CALAMINE_ONLY = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
print(sum(len(row) for name in book.sheet_names
          for row in book.get_sheet_by_name(name).to_python()))
"""


def processes(workdir: Path, path: Path, repeat: int) -> dict[str, float]:
    """Median wall time of whole processes on ``path``: our import into a new
    database, and a process that reads it with calamine only."""
    db = workdir / "proceso.duckdb"
    ours, raw = [], []
    for _ in range(repeat):
        db.unlink(missing_ok=True)
        ours.append(timed(lambda: subprocess.run(
            [sys.executable, "-m", "data_layer", "import", str(path), "--db", str(db)],
            cwd=ROOT, check=True, capture_output=True))[0])
        raw.append(timed(lambda: subprocess.run(
            [sys.executable, "-c", _CALAMINE_ONLY, str(path)], check=True,
            capture_output=True))[0])
    db.unlink(missing_ok=True)
    return {"ours": round(statistics.median(ours), 3), "calamine": round(statistics.median(raw), 3)}


def parse(paths: list[Path]) -> int:
    from data_layer.ingest import read_plan

    return sum(len(read_plan(path).activities) for path in paths)


def read_only(paths: list[Path]) -> int:
    from data_layer.ingest.workbook import read_workbook

    return sum(len(read_workbook(path, path.read_bytes()).sheets) for path in paths)


def interpret(books: list[tuple[Path, object]]) -> int:
    from data_layer.ingest import plan_from_workbook

    return sum(len(plan_from_workbook(book, path.name, "x").activities) for path, book in books)


def import_all(paths: list[Path], db: Path) -> int:
    from data_layer import loader

    db.unlink(missing_ok=True)
    results = loader.import_files([loader.FileSpec(path) for path in paths], db)
    return sum(r.activities_added for r in results)


def run(workdir: Path, large: int, files: int, per_file: int, repeat: int = 3,
        log=print) -> dict:
    from data_layer.ingest.workbook import read_workbook

    sets = make_workbooks(workdir, large, files, per_file)
    result: dict = {"workloads": {}}
    totals = {"ours": 0.0, "parse": 0.0, "openpyxl_values_only": 0.0, "openpyxl_cells": 0.0,
              "calamine": 0.0}
    for name, paths in sets.items():
        samples: dict[str, list[float]] = {key: [] for key in
                                           ("ours", "parse", "read_workbook", "plan_from_workbook",
                                            "openpyxl_values_only", "openpyxl_cells", "calamine",
                                            "calamine_into_duckdb")}
        activities = 0
        for _ in range(repeat):
            seconds, activities = timed(lambda paths=paths: import_all(paths, workdir / "ingesta.duckdb"))
            samples["ours"].append(seconds)
            samples["parse"].append(timed(lambda paths=paths: parse(paths))[0])
            seconds, _ = timed(lambda paths=paths: [read_workbook(p, p.read_bytes()) for p in paths])
            samples["read_workbook"].append(seconds)
            books = [(p, read_workbook(p, p.read_bytes())) for p in paths]
            samples["plan_from_workbook"].append(timed(lambda books=books: interpret(books))[0])
            samples["openpyxl_values_only"].append(timed(lambda paths=paths: openpyxl_values(paths))[0])
            samples["openpyxl_cells"].append(timed(lambda paths=paths: openpyxl_cells(paths))[0])
            samples["calamine"].append(timed(lambda paths=paths: calamine(paths))[0])
            samples["calamine_into_duckdb"].append(timed(
                lambda paths=paths: calamine_into_duckdb(paths, workdir / "suelo.duckdb"))[0])
        seconds = {key: round(statistics.median(values), 3) for key, values in samples.items()}
        for key in totals:
            totals[key] += seconds[key]
        entry = {
            "files": len(paths), "activities": activities, "seconds": seconds,
            "activities_per_s": {key: round(activities / value) for key, value in seconds.items()
                                 if value > 0},
            "ratio_vs_openpyxl": round(seconds["ours"] / seconds["openpyxl_values_only"], 2),
            "ratio_vs_calamine": round(seconds["ours"] / seconds["calamine"], 2),
            # the floor: reading with calamine and storing the raw values, nothing else
            "floor_ratio_vs_calamine": round(seconds["calamine_into_duckdb"]
                                             / seconds["calamine"], 2),
            "parse_ratio_vs_openpyxl": round(seconds["parse"] / seconds["openpyxl_values_only"], 2),
            "store_s": round(seconds["ours"] - seconds["parse"], 3),
        }
        result["workloads"][name] = entry
        log(f"  {name}: {activities} actividades, nosotros {seconds['ours']:.2f} s, openpyxl "
            f"{seconds['openpyxl_values_only']:.2f} s, calamine {seconds['calamine']:.2f} s")
    result["ingest_ratio"] = max(w["ratio_vs_calamine"] for w in result["workloads"].values())
    result["ingest_floor_ratio"] = max(w["floor_ratio_vs_calamine"]
                                       for w in result["workloads"].values())
    result["ingest_ratio_openpyxl"] = round(totals["ours"] / totals["openpyxl_values_only"], 2)
    result["ingest_ratio_calamine"] = result["ingest_ratio"]  # the name older JSON used
    result["process_s"] = processes(workdir, sets["un_archivo_grande"][0], repeat)
    result["process_ratio"] = round(result["process_s"]["ours"]
                                    / result["process_s"]["calamine"], 2)
    result["parse_ratio"] = round(totals["parse"] / totals["openpyxl_values_only"], 2)
    result["profile"] = profile(sets["un_archivo_grande"][0])
    return result


def profile(path: Path, top: int = 12) -> dict:
    """Where the time of one import goes: per module of ours, and the top functions."""
    from data_layer.ingest import read_plan

    profiler = cProfile.Profile()
    profiler.enable()
    read_plan(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    by_module: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, callers) in stats.stats.items():
        if _module_of(filename) != "python (builtins)" or not callers:
            key = _module_of(filename)
            by_module[key] = by_module.get(key, 0.0) + tottime
            continue
        # A builtin (str methods, re, isinstance…) counts for the module that called it.
        spent = sum(caller[2] for caller in callers.values()) or 1.0
        for (caller_file, _l, _n), caller in callers.items():
            key = _module_of(caller_file)
            by_module[key] = by_module.get(key, 0.0) + tottime * caller[2] / spent
    total = sum(by_module.values()) or 1.0
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    functions = [line.strip() for line in out.getvalue().splitlines()
                 if line.strip() and line.strip()[0].isdigit()][:top]
    return {"seconds_by_module": {k: round(v, 3) for k, v in
                                  sorted(by_module.items(), key=lambda kv: -kv[1])[:12]},
            "share_by_module": {k: round(v / total, 3) for k, v in
                                sorted(by_module.items(), key=lambda kv: -kv[1])[:12]},
            "top_functions_tottime": functions}


def _module_of(filename: str) -> str:
    path = filename.replace("\\", "/")
    if "/data_layer/" in path:
        return "data_layer/" + path.split("/data_layer/", 1)[1]
    for library in ("openpyxl", "xml", "zipfile", "re", "datetime", "unicodedata", "pandas"):
        if f"/{library}/" in path or path.endswith(f"/{library}.py"):
            return library
    if path.startswith("~") or path.startswith("<"):
        return "python (builtins)"
    return Path(path).name
