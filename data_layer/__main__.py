"""Command line: ``python -m data_layer inspect|import|report ...``.

A thin shell over data_layer.ingest, data_layer.loader and data_layer.report;
messages in Spanish. Exit codes: 0 done (warnings included), 2 a file could not
be read or a value given cannot be used.
"""
from __future__ import annotations

import argparse
import errno
import json
import sys
from pathlib import Path

from data_layer import loader, preview, store
from data_layer.errors import PlanFileError
from data_layer.ingest import read_plan
from data_layer.model import ParsedPlan
from data_layer.report.options import ReportInputError


def inspect_summary(plan: ParsedPlan) -> dict:
    """The figures ``inspect --json`` prints (see data_layer.preview.summary)."""
    return preview.summary(plan)


def _print_text(summary: dict, plan: ParsedPlan) -> None:
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
    for sheet, listed in preview.column_listing(plan).items():
        print(f"Columnas de la hoja «{sheet}»:")
        for column in listed:
            print(f"  {column['letter']} «{column['header']}» → " + (
                preview.role_label(column["role"]) if column["used"]
                else f"sin usar ({column['why']})"))
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
        _print_text(summary, plan)
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


def cmd_report(args: argparse.Namespace) -> int:
    """The PDF report of the filtered view, as the dashboard would show it."""
    # Only this command loads the report (and, when writing, reportlab and matplotlib).
    from data_layer import report
    from data_layer.report import options

    path = Path(args.db) if args.db else store.default_db_path()
    out = Path(args.out)
    if not (out.is_dir() or out.parent.is_dir()):
        raise ReportInputError(f"No existe la carpeta {out.parent} donde guardar el informe. "
                               "Créela o indique otra ruta con --out.")
    try:
        con = store.connect_readonly(path)
    except FileNotFoundError:
        raise ReportInputError(
            f"No existe la base de datos {path}. Indíquela con --db o con la variable "
            "TABLERO_DB (o abra el tablero una vez para crear la de ejemplo).") from None
    with con:
        filters = options.resolve(
            con, entidad=args.entidad or (), vigencia=args.vigencia or (), corte=args.corte,
            dependencia=args.dependencia or (), fase=args.fase or (),
            umbral_rojo=args.umbral_rojo, umbral_verde=args.umbral_verde)
        if not options.known_cutoff(con, filters):
            print(f"Aviso: {args.corte} no es una fecha de corte de seguimiento de estos "
                  "planes; el estado de cada actividad es el de su último reporte hasta esa "
                  "fecha.", file=sys.stderr)
        content = report.build(con, filters)
    try:
        target = report.write_pdf(content, out)
    except OSError as error:
        raise ReportInputError(_report_not_written(out, error)) from None
    print(f"Informe de {content.entity_heading} ({content.corte_text.lower()}): "
          f"{content.description}")
    print(f"Guardado en {target}")
    return 0


def _report_not_written(out: Path, error: OSError) -> str:
    """Why the PDF could not be saved, in Spanish (nothing was left half-written)."""
    folder = out if out.is_dir() else out.parent
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"No hay espacio en el disco para guardar el informe en {folder}. Libere "
                "espacio o indique otra carpeta con --out.")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"No se puede escribir el informe en {folder}: la carpeta o el archivo son de "
                "sólo lectura para este programa. Indique otra carpeta con --out.")
    return (f"No se pudo guardar el informe en {folder} ({error.strerror or error}). "
            "Indique otra ruta con --out.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m data_layer",
                                     description="Planes de participación ciudadana: leer, "
                                                 "importar e informar.")
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
    _add_report_parser(sub)
    return parser


def _add_report_parser(sub) -> None:
    rep = sub.add_parser(
        "report", help="informe PDF de rendición de cuentas con los filtros del tablero",
        description="Genera el informe PDF de la vista filtrada, con las mismas cifras del "
                    "tablero. Los nombres se aceptan sin importar tildes ni mayúsculas; las "
                    "opciones que admiten varios valores se repiten (--fase diagnostico "
                    "--fase formulacion).")
    rep.add_argument("--out", default=".", help="archivo .pdf a escribir, o carpeta donde "
                     "guardarlo con el nombre informe_<entidad>_<corte>.pdf (por defecto: "
                     "la carpeta actual)")
    rep.add_argument("--entidad", action="append", help="entidad (se puede repetir)")
    rep.add_argument("--vigencia", action="append", help="año del plan (se puede repetir)")
    rep.add_argument("--corte", help="fecha de corte, dd/mm/aaaa o aaaa-mm-dd (por defecto "
                                     "el último corte de los planes elegidos)")
    rep.add_argument("--dependencia", action="append", help="dependencia (se puede repetir)")
    rep.add_argument("--fase", action="append", help="fase: diagnostico, formulacion, "
                     "implementacion, seguimiento_evaluacion, transversal, sin_clasificar o "
                     "su nombre («Seguimiento y evaluación»); se puede repetir")
    rep.add_argument("--umbral-rojo", help="rojo por debajo de este avance (por defecto 60)")
    rep.add_argument("--umbral-verde", help="verde desde este avance (por defecto 80)")
    rep.add_argument("--db", help=f"archivo DuckDB (por defecto {store.default_db_path()}; "
                                  "variable TABLERO_DB)")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"inspect": cmd_inspect, "import": cmd_import, "synth": cmd_synth,
                "report": cmd_report}
    try:
        return handlers[args.command](args)
    except ReportInputError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    except PlanFileError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    except store.DatabaseBusyError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
