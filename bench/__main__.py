"""``python -m bench --activities N [--json]``: every benchmark at one scale.

Prints a table of medians (or, with ``--json``, one JSON object with every
figure and whether each target is met). Progress goes to stderr. See
bench/README.md for what each figure means and the results on the reference
machine.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from bench import common  # noqa: F401  (puts the project on sys.path)
from bench.common import git_revision, machine, synthetic_database

TARGETS = {
    "page_queries_ms": 150.0,  # all queries behind one page, median, 1M activities
    "page_rerun_s": 1.0,  # a filter change re-runs any page, server-side
    "ingest_ratio": 1.5,  # ours ÷ python-calamine alone, the worse workload
    "pandas_ratio": 5.0,  # at least this much faster on the heavy aggregates (careful pandas)
    "first_query_s": 5.0,  # opening the database and answering the first query
    "write_peak_mb": 1536.0,  # writing N activities with their derived tables
    "rss_mb_per_extra_session": 10.0,
    "browser_cold_start_s": 5.0,  # launching the server → the Resumen's figures in chromium
    "browser_filter_change_fase_s": 1.5,  # a phase, every entity: settled in the browser
    "browser_filter_change_entidad_s": 1.0,  # one entity: settled in the browser
}
PARTS = ("queries", "pages", "ingest", "memory", "browser", "write")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--activities", type=int, default=100_000,
                        help="actividades de la base sintética (consultas, páginas, memoria)")
    parser.add_argument("--json", action="store_true", help="un solo objeto JSON en stdout")
    parser.add_argument("--only", default=",".join(PARTS),
                        help="qué medir, separado por comas: " + ", ".join(PARTS))
    parser.add_argument("--repeat", type=int, default=5, help="repeticiones de cada consulta")
    parser.add_argument("--pandas-repeat", type=int, default=3,
                        help="repeticiones de cada consulta de pandas")
    parser.add_argument("--no-pandas", action="store_true", help="sin la referencia de pandas")
    parser.add_argument("--sessions", type=int, default=20, help="sesiones abiertas (memoria)")
    parser.add_argument("--ingest-large", type=int, default=None,
                        help="actividades del libro grande (por defecto min(N, 50000))")
    parser.add_argument("--ingest-files", type=int, default=1000, help="libros pequeños")
    parser.add_argument("--ingest-per-file", type=int, default=50,
                        help="actividades por libro pequeño")
    parser.add_argument("--ingest-repeat", type=int, default=3)
    parser.add_argument("--browser-pages", default=None,
                        help="páginas de la parte browser, separadas por comas (por defecto "
                             "todas: resumen, avance, dependencias, fases, actividades, "
                             "presentacion)")
    parser.add_argument("--browser-one-server", action="store_true",
                        help="un solo servidor para todas las páginas (más rápido; desde la "
                             "segunda página, la barra lateral y el encabezado en caché)")
    parser.add_argument("--browser-quiet-ms", type=int, default=500,
                        help="ms sin cambios en la página para darla por asentada")
    parser.add_argument("--workdir", default="/tmp/tablero_bench",
                        help="carpeta para las bases y libros sintéticos (se reutilizan)")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        print(f"Partes desconocidas: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.monotonic()
    report: dict = {
        "activities": args.activities,
        "date": datetime.now().isoformat(timespec="seconds"),
        "command": "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "revision": git_revision(),
        "machine": machine(),
    }
    db_path = None
    if {"queries", "pages", "memory", "browser"} & set(parts):
        log(f"Base sintética de {args.activities:,} actividades…")
        db_path = synthetic_database(workdir, args.activities, args.seed)
    if "queries" in parts:
        from bench import queries

        log("Consultas (nuestras y pandas)…")
        result = queries.run(db_path, repeat=args.repeat, pandas_repeat=args.pandas_repeat,
                             with_pandas=not args.no_pandas, log=log)
        national = result["views"]["nacional"]
        report["page_queries_ms"] = national["page_queries_ms"]
        report["page_queries_ms_una_entidad"] = result["views"]["una_entidad"]["page_queries_ms"]
        report["query_ms"] = national["query_ms"]
        report["first_query_s"] = result["derived_build_s"]
        if "pandas_page_ratio" in national:
            report["pandas_page_ratio"] = national["pandas_page_ratio"]
            report["pandas_page_ratio_una_entidad"] = (
                result["views"]["una_entidad"]["pandas_page_ratio"])
            report["pandas_naive_page_ratio"] = national["pandas_naive_page_ratio"]
        if "pandas_ratio" in national:
            report["pandas_ms"] = national["pandas_ms"]
            report["pandas_ratio"] = national["pandas_ratio"]
            report["pandas_ratio_una_entidad"] = result["views"]["una_entidad"]["pandas_ratio"]
        report["queries"] = result
    if "pages" in parts:
        from bench import pages

        log("Páginas (AppTest)…")
        result = pages.run(db_path, log=log)
        report["page_first_load_s"] = result["first_load_s"]
        report["page_rerun_s"] = result["rerun_s"]
        report["pages"] = result
    if "ingest" in parts:
        from bench import ingest

        large = args.ingest_large or min(args.activities, 50_000)
        log(f"Ingesta: 1 libro de {large:,} actividades y {args.ingest_files} de "
            f"{args.ingest_per_file}…")
        result = ingest.run(workdir, large, args.ingest_files, args.ingest_per_file,
                            repeat=args.ingest_repeat, log=log)
        report["ingest_ratio"] = result["ingest_ratio"]
        report["ingest_ratio_calamine"] = result["ingest_ratio_calamine"]
        report["ingest_ratio_openpyxl"] = result["ingest_ratio_openpyxl"]
        report["ingest_process_ratio"] = result["process_ratio"]
        report["ingest"] = result
    if "memory" in parts:
        from bench import memory

        log(f"Memoria con 1 y {args.sessions} sesiones…")
        result = memory.run(db_path, sessions=args.sessions, workdir=workdir, log=log)
        report["rss_mb"] = result["rss_mb"]
        report["rss_mb_per_extra_session"] = result["rss_mb_per_extra_session"]
        report["memory"] = result
    if "browser" in parts:
        from bench import browser

        log("Navegador (chromium): arranque en frío y cambios de filtro por página…")
        pages = [p.strip() for p in args.browser_pages.split(",")] if args.browser_pages \
            else None
        result = browser.run(db_path, workdir=workdir, pages=pages,
                             fresh_server=not args.browser_one_server,
                             quiet_ms=args.browser_quiet_ms, log=log)
        if "cold_start_s" in result:
            report["browser_cold_start_s"] = result["cold_start_s"]
        report["browser_filter_change_s"] = result["filter_change_s"]
        report["browser_bytes_per_rerun"] = result["bytes_per_rerun"]
        report["browser"] = result
    if "write" in parts:
        from bench import write

        log(f"Escritura de {args.activities:,} actividades (proceso completo)…")
        result = write.run(workdir, args.activities, log=log)
        report["write_s"] = result["seconds"]
        report["write_peak_mb"] = result["peak_mb"]
        report["write"] = result
    report["targets"] = targets(report)
    report["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str))
    else:
        print(table(report))
    return 0


def targets(report: dict) -> dict:
    """Each target, the figure it is checked against, and whether it is met."""
    out: dict = {}
    if "page_queries_ms" in report:
        worst = max(report["page_queries_ms"], key=report["page_queries_ms"].get)
        value = report["page_queries_ms"][worst]
        out["page_queries_ms"] = {"target": f"≤ {TARGETS['page_queries_ms']:g} ms por página",
                                  "worst_page": worst, "value": value,
                                  "met": value <= TARGETS["page_queries_ms"],
                                  "pages_met": [p for p, ms in report["page_queries_ms"].items()
                                                if ms <= TARGETS["page_queries_ms"]]}
    if "page_queries_ms_una_entidad" in report:
        per_page = report["page_queries_ms_una_entidad"]
        worst = max(per_page, key=per_page.get)
        out["page_queries_ms_una_entidad"] = {
            "target": f"≤ {TARGETS['page_queries_ms']:g} ms por página (una entidad)",
            "worst_page": worst, "value": per_page[worst],
            "met": per_page[worst] <= TARGETS["page_queries_ms"]}
    if "first_query_s" in report:
        value = report["first_query_s"]
        out["first_query_s"] = {"target": f"≤ {TARGETS['first_query_s']:g} s",
                                "value": value, "met": value <= TARGETS["first_query_s"]}
    if "write_peak_mb" in report:
        value = report["write_peak_mb"]
        out["write_peak_mb"] = {"target": f"≤ {TARGETS['write_peak_mb']:g} MB", "value": value,
                                "met": value <= TARGETS["write_peak_mb"]}
    if "page_rerun_s" in report:
        worst = max(report["page_rerun_s"], key=report["page_rerun_s"].get)
        value = report["page_rerun_s"][worst]
        out["page_rerun_s"] = {"target": f"≤ {TARGETS['page_rerun_s']:g} s", "worst_page": worst,
                               "value": value, "met": value <= TARGETS["page_rerun_s"]}
    if "ingest_ratio" in report:
        out["ingest_ratio"] = {"target": f"≤ {TARGETS['ingest_ratio']:g}× calamine",
                               "value": report["ingest_ratio"],
                               "met": report["ingest_ratio"] <= TARGETS["ingest_ratio"]}
    if "pandas_ratio" in report:
        from bench.queries import HEAVY

        heavy = {q: r for q, r in report["pandas_ratio"].items() if q in HEAVY}
        worst = min(heavy, key=heavy.get)
        out["pandas_ratio"] = {"target": f"≥ {TARGETS['pandas_ratio']:g}× en los agregados pesados",
                               "heavy": heavy, "worst_query": worst, "value": heavy[worst],
                               "met": heavy[worst] >= TARGETS["pandas_ratio"]}
    if "rss_mb_per_extra_session" in report:
        value = report["rss_mb_per_extra_session"]
        out["rss_mb_per_extra_session"] = {"target": f"< {TARGETS['rss_mb_per_extra_session']:g} MB",
                                           "value": value,
                                           "met": value < TARGETS["rss_mb_per_extra_session"]}
    if "browser_cold_start_s" in report:
        value = report["browser_cold_start_s"]
        out["browser_cold_start_s"] = {"target": f"≤ {TARGETS['browser_cold_start_s']:g} s",
                                       "value": value,
                                       "met": value <= TARGETS["browser_cold_start_s"]}
    if "browser_filter_change_s" in report:
        # A page that never settled fails the target whatever the others measured.
        failed = sorted(report.get("browser", {}).get("failures", {}))
        changes = report["browser_filter_change_s"]
        for change in ("fase", "entidad"):
            name = f"browser_filter_change_{change}_s"
            worst = max(changes, key=lambda page, change=change: changes[page][change]) \
                if changes else None
            value = changes[worst][change] if changes else None
            out[name] = {"target": f"≤ {TARGETS[name]:g} s", "worst_page": worst,
                         "value": value,
                         "met": bool(changes) and not failed and value <= TARGETS[name],
                         "pages_met": [p for p, c in changes.items()
                                       if c[change] <= TARGETS[name]],
                         "failed_pages": failed}
    return out


def table(report: dict) -> str:
    lines = [f"Tablero — mediciones con {report['activities']:,} actividades "
             f"({report['date']}, {report['machine'].get('cpus')} núcleos)", ""]
    if "queries" in report:
        q = report["queries"]["views"]
        lines.append("Consultas de cada página (ms, mediana de la suma de sus consultas); "
                     "× = pandas cuidadoso ÷ nosotros (ingenuo entre paréntesis)")
        careful = "pandas_page_ratio" in q["nacional"]
        lines.append(f"{'página':<14}{'nacional':>10}{'×':>14}{'una entidad':>13}{'×':>14}")
        for page, ms in q["nacional"]["page_queries_ms"].items():
            one = q["una_entidad"]
            row = f"{page:<14}{ms:>10.1f}"
            row += (f"{q['nacional']['pandas_page_ratio'][page]:>7.1f}"
                    f" ({q['nacional']['pandas_naive_page_ratio'][page]:>4.0f})") if careful \
                else f"{'':>14}"
            row += f"{one['page_queries_ms'][page]:>13.1f}"
            row += (f"{one['pandas_page_ratio'][page]:>7.1f}"
                    f" ({one['pandas_naive_page_ratio'][page]:>4.0f})") if careful else ""
            lines.append(row)
        lines.append("")
        national = q["nacional"]
        has_pandas = "pandas_ms" in national
        lines.append("Cada consulta, vista nacional (ms)" + (" y pandas" if has_pandas else ""))
        lines.append(f"{'consulta':<34}{'nuestra':>10}" + (
            f"{'cuidadoso':>11}{'×':>7}{'ingenuo':>10}{'×':>7}" if has_pandas else ""))
        for call, ms in national["query_ms"].items():
            row = f"{call:<34}{ms:>10.1f}"
            if has_pandas:
                row += (f"{national['pandas_ms'][call]:>11.1f}{national['pandas_ratio'][call]:>7.1f}"
                        f"{national['pandas_naive_ms'][call]:>10.1f}"
                        f"{national['pandas_naive_ratio'][call]:>7.1f}")
            lines.append(row)
        extra = [f"primera consulta (abre la base, tablas derivadas guardadas) "
                 f"{report['queries']['derived_build_s']} s"]
        if "pandas_build_s" in report["queries"]:
            extra.append(f"pandas: cargar tablas {report['queries']['pandas_load_s']} s, "
                         f"estado por corte {report['queries']['pandas_build_s']} s")
        lines += ["Construcción única: " + "; ".join(extra), ""]
    if "pages" in report:
        p = report["pages"]
        lines.append(f"Páginas en AppTest (s) — arranque en frío {p['arranque_s']} s")
        lines.append(f"{'página':<14}{'primera carga':>15}{'elegir entidad':>16}"
                     f"{'elegir fase (nacional)':>24}")
        for page in p["first_load_s"]:
            lines.append(f"{page:<14}{p['first_load_s'][page]:>15.2f}"
                         f"{p['rerun_entidad_s'][page]:>16.2f}{p['rerun_fase_s'][page]:>24.2f}")
        lines.append("")
    if "ingest" in report:
        lines.append("Ingesta (s, mediana)")
        lines.append(f"{'carga':<20}{'actividades':>12}{'nosotros':>10}{'leer+analizar':>15}"
                     f"{'openpyxl':>10}{'calamine':>10}{'×openpyxl':>11}{'act/s':>9}")
        for name, w in report["ingest"]["workloads"].items():
            s = w["seconds"]
            lines.append(f"{name:<20}{w['activities']:>12}{s['ours']:>10.2f}{s['parse']:>15.2f}"
                         f"{s['openpyxl_values_only']:>10.2f}{s['calamine']:>10.2f}"
                         f"{w['ratio_vs_openpyxl']:>11.2f}{w['activities_per_s']['ours']:>9}")
        lines.append(f"ingest_ratio {report['ingest_ratio']} × calamine (la peor carga; frente a "
                     f"openpyxl {report['ingest_ratio_openpyxl']}×). Procesos completos con el "
                     f"libro grande: importar {report['ingest']['process_s']['ours']} s, solo "
                     f"leerlo con calamine {report['ingest']['process_s']['calamine']} s "
                     f"({report['ingest_process_ratio']}×)")
        lines.append(f"Suelo de cualquier importador que guarde lo leído (calamine y sus valores "
                     f"crudos a una tabla de DuckDB, sin interpretar nada): "
                     f"{report['ingest']['ingest_floor_ratio']}× calamine")
        lines.append("")
    if "memory" in report:
        m = report["memory"]
        lines.append("Memoria del servidor (RSS, MB): " + ", ".join(
            f"{k} sesiones {v}" for k, v in m["rss_mb"].items())
            + f"; por sesión adicional {m['rss_mb_per_extra_session']} MB")
        lines.append("")
    if "browser" in report:
        b = report["browser"]
        if "cold_start_s" in b:
            lines.append(f"Navegador (chromium): arranque en frío {b['cold_start_s']} s hasta las "
                         f"cifras del Resumen ({b['cold_start_settled_s']} s hasta asentarse; "
                         f"servidor listo en {b['server_ready_s']} s)")
        else:
            lines.append("Navegador (chromium)")
        lines.append(f"{'página':<14}{'primera carga':>15}{'elegir fase':>13}{'bytes':>12}"
                     f"{'elegir entidad':>16}{'bytes':>12}")
        for page, change in b["filter_change_s"].items():
            sent = b["bytes_per_rerun"][page]
            lines.append(f"{page:<14}{b['first_load_s'][page]:>15.2f}{change['fase']:>13.2f}"
                         f"{sent['fase']:>12,}{change['entidad']:>16.2f}{sent['entidad']:>12,}")
        for page, failure in b.get("failures", {}).items():
            lines.append(f"{page:<14}FALLÓ en «{failure['step']}»: {failure['error'][:200]}")
        lines.append(f"Cambios: {b['filter_change']['fase']}; {b['filter_change']['entidad']} "
                     f"({b['method']}). Carga media antes "
                     f"{b['load_average_before'][0]:.2f}, después {b['load_average_after'][0]:.2f}")
        lines.append("")
    if "write" in report:
        w = report["write"]
        lines.append(f"Escritura de {report['activities']:,} actividades con sus tablas derivadas "
                     f"(python -m data_layer synth): {w['seconds']} s, pico {w['peak_mb']} MB, "
                     f"archivo {w['file_mb']} MB")
        lines.append("")
    load = report["machine"].get("load_average_1m")
    lines.append("Objetivos" + (f" (carga media de la máquina al empezar: {load:.2f})"
                                if load is not None else ""))
    for name, target in report["targets"].items():
        mark = "cumple" if target["met"] else "NO cumple"
        lines.append(f"  {name:<32} {target['target']:<36} valor {target['value']}  {mark}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
