"""Command line: ``python -m data_layer inspect|import ...``.

A thin shell over data_layer.ingest and data_layer.loader; messages in Spanish.
Exit codes: 0 done (warnings included), 2 a file could not be read.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from data_layer import loader, preview, store
from data_layer.errors import PlanFileError
from data_layer.ingest import read_plan
from data_layer.model import ParsedPlan

def inspect_summary(plan: ParsedPlan) -> dict:
    """The figures ``inspect --json`` prints (see data_layer.preview.summary)."""
    return preview.summary(plan)


def _print_text(summary: dict) -> None:
    print(f"Archivo: {summary['file']} ({summary['format']})")
    print(f"Entidad: {summary['entity'] or '— no encontrada —'}")
    print(f"Vigencia: {summary['year'] or '— no encontrada —'}")
    print(f"Formato detectado: {summary['layout']}")
    print(f"Actividades: {summary['activities']}")
    print(f"Dependencias ({len(summary['dependencies'])}): " + "; ".join(summary["dependencies"]))
    print("Fases: " + ", ".join(f"{k}={v}" for k, v in summary["phases"].items() if v)
          + f" (declaradas {summary['phase_source']['declared']}, inferidas {summary['phase_source']['inferred']})")
    mean = summary["progress_mean"]
    print(f"Lecturas de avance: {summary['readings']} ({summary['progress_values']} con porcentaje"
          + (f", promedio {mean:.1f} %)" if mean is not None else ")"))
    for row in summary["rows_skipped"]:
        print(f"  Fila omitida: hoja «{row['sheet']}», fila {row['row']}: {row['reason']}")
    for issue in summary["issues"]:
        place = f"hoja «{issue['sheet']}»" + (f", fila {issue['row']}" if issue["row"] else "") + (
            f", columna {issue['column']}" if issue["column"] else "")
        print(f"  [{issue['severity']}] {place}: {issue['message']}")


def cmd_inspect(args: argparse.Namespace) -> int:
    plan = read_plan(Path(args.path), entity=args.entidad, year=args.vigencia)
    summary = inspect_summary(plan)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    else:
        _print_text(summary)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    specs = [loader.FileSpec(Path(p), entity=args.entidad, year=args.vigencia) for p in args.paths]
    results = loader.import_files(specs, args.db, imported_by=args.usuario)
    for result in results:
        print(result.summary())
    print(f"Base de datos: {Path(args.db) if args.db else store.default_db_path()}")
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from data_layer import synth  # only benchmarks need it

    if args.workbooks:
        paths = synth.write_workbooks(args.workbooks, args.files, args.per_file, seed=args.seed)
        print(f"{len(paths)} libros sintéticos en {args.workbooks}")
    if args.db:
        counts = synth.write_database(args.db, args.activities, seed=args.seed)
        print("Base sintética " + args.db + ": " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m data_layer",
                                     description="Planes de participación ciudadana: leer e importar.")
    sub = parser.add_subparsers(dest="command", required=True)
    inspect = sub.add_parser("inspect", help="leer un plan sin guardar nada y mostrar lo que se entendió")
    inspect.add_argument("path")
    inspect.add_argument("--json", action="store_true", help="un objeto JSON en vez de texto")
    imp = sub.add_parser("import", help="importar uno o varios planes a la base de datos")
    imp.add_argument("paths", nargs="+")
    imp.add_argument("--db", help=f"archivo DuckDB (por defecto {store.default_db_path()}; "
                                  "variable TABLERO_DB)")
    imp.add_argument("--usuario", help="quién importa (queda en el historial)")
    syn = sub.add_parser("synth", help="generar planes sintéticos reproducibles (para mediciones)")
    syn.add_argument("--activities", type=int, default=10_000, help="actividades en la base sintética")
    syn.add_argument("--db", help="archivo DuckDB a crear (se reemplaza)")
    syn.add_argument("--workbooks", help="carpeta donde escribir libros .xlsx sintéticos")
    syn.add_argument("--files", type=int, default=10, help="cuántos libros")
    syn.add_argument("--per-file", type=int, default=100, help="actividades por libro")
    syn.add_argument("--seed", type=int, default=7)
    for command in (inspect, imp):
        command.add_argument("--entidad", help="nombre de la entidad, si el archivo no lo dice")
        command.add_argument("--vigencia", type=int, help="año del plan, si el archivo no lo dice")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"inspect": cmd_inspect, "import": cmd_import, "synth": cmd_synth}
    try:
        return handlers[args.command](args)
    except PlanFileError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    except store.DatabaseBusyError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
