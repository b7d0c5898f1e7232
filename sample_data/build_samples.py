"""Rebuild the four seed plans (and one illustrative follow-up) as real workbooks.

Run from the repository root:

    python sample_data/build_samples.py

The seeds in shared/seeds are text extractions of real spreadsheets; this script
rebuilds the tables the entities meant, with merged cells, multi-row headers and
title blocks (see sample_data/README.md for sources and every correction made).
The output is deterministic: fixed document dates and fixed zip timestamps, so
re-running the script produces byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

OUT_DIR = Path(__file__).resolve().parent
FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)
CREATOR = "Tablero de Participación Ciudadana (sample_data/build_samples.py)"

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
WRAP_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)


def fill(hex_color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=hex_color, end_color=hex_color)


# --------------------------------------------------------------------------- helpers


def style_range(
    ws: Worksheet,
    ref: str,
    *,
    font: Font | None = None,
    fill_: PatternFill | None = None,
    alignment: Alignment | None = None,
    border: Border | None = BORDER,
    number_format: str | None = None,
) -> None:
    """Apply a style to every cell of a range (merged ranges need it on each cell
    for borders and fills to show in Excel)."""
    for row in ws[ref] if ":" in ref else [[ws[ref]]]:
        for cell in row:
            if font is not None:
                cell.font = font
            if fill_ is not None:
                cell.fill = fill_
            if alignment is not None:
                cell.alignment = alignment
            if border is not None:
                cell.border = border
            if number_format is not None:
                cell.number_format = number_format


def put(ws: Worksheet, ref: str, value, **style) -> None:
    """Write value in the top-left cell of ref, merge ref if it is a range, style it."""
    first = ref.split(":")[0]
    ws[first] = value
    if ":" in ref:
        ws.merge_cells(ref)
    style_range(ws, ref, **style)


def set_widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for letters, width in widths.items():
        if "-" in letters:
            start, end = letters.split("-")
            for col in range(column_index_from_string(start), column_index_from_string(end) + 1):
                ws.column_dimensions[get_column_letter(col)].width = width
        else:
            ws.column_dimensions[letters].width = width


def text_lines(text: str, width: float) -> int:
    """Rough number of wrapped lines a cell needs (for row heights: openpyxl
    cannot autofit, and Excel does not autofit merged or pre-sized rows)."""
    return sum(max(1, math.ceil(len(part) / width)) for part in str(text).split("\n"))


def spaced(text: str) -> str:
    """'Acciones internas' -> 'A c c i o n e s   i n t e r n a s' (the way the
    Sanatorio writes the vertical 'Momento' labels)."""
    return "   ".join(" ".join(word) for word in text.split())


def save(wb: Workbook, name: str) -> Path:
    """Save with fixed document properties and fixed zip entry timestamps.

    openpyxl's save_workbook() stamps properties.modified with the current time,
    so the writer is driven directly; the archive is then re-packed with a
    constant date_time so the bytes do not depend on when the script ran."""
    wb.properties.creator = CREATOR
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    path = OUT_DIR / name
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return path


# ----------------------------------------------------- 000 Sanatorio de Contratación


def build_sanatorio() -> Path:
    internas = [
        # (acción participativa, fecha, avance T1, observaciones, dependencia)
        ("Caracterizar los grupos de valor institucionales con categorías y variables asociadas a la participación ciudadana en la gestión",
         dt.datetime(2022, 8, 30), "N/A", "ACTIVIDAD NO PROGRAMADA PARA EL TRIMESTRE EVALUADO", "Planeación - SIAU"),
        ("Conformar y capacitar un equipo de trabajo que lidere el proceso de planeación e implementación",
         dt.datetime(2022, 3, 30), 0, "NO SE REALIZO DICHA ACTIVIDAD", "Planeación - SIAU"),
        ("Identificar las instancias de participación asociadas con la gestión institucional",
         dt.datetime(2022, 3, 30), 0, "NO SE REALIZO DICHA ACTIVIDAD", "Planeación - SIAU"),
        ("Realizar el diagnóstico del estado actual de la participación ciudadana en la entidad",
         dt.datetime(2022, 3, 30), 0, "NO SE REALIZO DICHA ACTIVIDAD", "Planeación - SIAU"),
        ("Identificar las metas y actividades que cada área realizará y en las cuales tiene programado o debe involucrar la participación",
         dt.datetime(2022, 3, 30), 0, "NO SE REALIZO DICHA ACTIVIDAD", "Planeación - SIAU"),
        ("Definir los recursos, alianzas, convenios y presupuesto asociado a las actividades que se implementarán",
         dt.datetime(2022, 3, 30), 0, "NO SE REALIZO DICHA ACTIVIDAD", "Planeación - SIAU"),
    ]
    accion_gestion = "Creación y Promoción de un proyecto de emprendimiento productivo con enfoque social para la Institución."
    instrumento = "Plan de Acción"
    grupo_valor = "Población enfermos de Hansen"
    instancia = "Asociación de usuarios de la salud del Sanatorio de Contratación ESE"
    participativas = [
        # (columna de la X, alcance, acción participativa, metodología, resultado, fecha, avance T1, observaciones, dependencia)
        ("G", "Al ciudadano se le va a permitir formular y definir",
         "Formular y definir con la población de enfermos de Hansen la creación y promoción de un proyecto de emprendimiento productivo con enfoque social para la Institución.",
         "Realizar mesa de trabajo para enriquecer plan formulado para la creación y promoción de un proyecto productivo con enfoque social para la Institución, con los aportes de la población de enfermos de Hansen. Gestionar aprobación del plan del proyecto de emprendimiento. Publicación de resultados en página web y emisora radial local del plan del proyecto de emprendimiento productivo con enfoque social para la Institución aprobado.",
         "Un plan, programa, proyecto, presupuesto o servicio formulado",
         dt.datetime(2022, 3, 30), 0, "A LA FECHA NO SE HA AVANZADO EN ESTE TEMA", "Programa Hansen - Planeación"),
        ("H", "Al ciudadano se le va a permitir colaborar",
         "Implementar con la población de enfermos de Hansen un proyecto de emprendimiento productivo con enfoque social para la Institución.",
         "Convocar a los enfermos de Hansen interesados en el proyecto para que se vinculen mediante emisora local y publicaciones. Ejecutar proyecto de emprendimiento productivo con enfoque social para la Institución.",
         "Un plan, programa, proyecto o servicio implementado",
         dt.datetime(2022, 11, 30), "N/A", "NO APLICA PARA EL TRIMESTRE EN ESTUDIO", "Programa Hansen - Planeación"),
        ("I", "Al ciudadano se le va a permitir controlar y evaluar",
         "Controlar y evaluar con la población de enfermos de Hansen un proyecto de emprendimiento productivo con enfoque social para la Institución aprobado.",
         "Realizar mesa de trabajo con los enfermos de Hansen para controlar y evaluar el plan del proyecto de emprendimiento productivo con enfoque social para la Institución aprobado.",
         "Un plan, programa, proyecto o servicio evaluado",
         dt.datetime(2022, 12, 15), "N/A", "NO APLICA PARA EL TRIMESTRE EN ESTUDIO", "Programa Hansen - Planeación"),
    ]
    header_single = {  # merged over rows 8-9
        "A": "Momento",
        "B": "Acción de gestión institucional",
        "C": "Instrumento de planeación asociado a la acción de gestión institucional",
        "D": "Grupo(s) de valor invitado(s)",
        "E": "¿Entre los grupos de valor se incluye una instancia de participación formalmente constituida? ¿Cuál (es)?",
        "J": "Alcance de la participación",
        "K": "Acción participativa",
        "L": "Metodología participativa que se utilizará",
        "M": "Resultado esperado con la acción participativa",
        "N": "Fecha de realización de acción",
        "S": "Observaciones primer trimestre",
        "T": "Dependencia responsable",
    }
    fases = ["Diagnóstico participativo", "Formulación participativa",
             "Ejecución participativa", "Seguimiento y evaluación participativa"]

    wb = Workbook()
    ws = wb.active
    ws.title = "Estrategia"
    head_fill, fase_fill, momento_fill = fill("C6E0B4"), fill("E2EFDA"), fill("FFF2CC")

    # Title block (rows 1-6)
    put(ws, "A3:T3", "ESTRATEGIA DE PARTICIPACIÓN CIUDADANA EN LA GESTIÓN PÚBLICA",
        font=Font(bold=True, size=14), alignment=WRAP_CENTER, border=None)
    entidad = CellRichText("Entidad: ", TextBlock(InlineFont(b=True), "Sanatorio de Contratación Empresa Social del Estado"))
    put(ws, "A5:M5", entidad, alignment=WRAP_LEFT, border=None)
    put(ws, "N5:T5", "Versión: 01", font=BOLD, alignment=WRAP_LEFT, border=None)
    put(ws, "A6:M6", "Fecha: 27/01/2022", alignment=WRAP_LEFT, border=None)

    # Two-row header (rows 8-9)
    for col, text in header_single.items():
        put(ws, f"{col}8:{col}9", text, font=BOLD, fill_=head_fill, alignment=WRAP_CENTER)
    put(ws, "F8:I8", "Fase del ciclo de la gestión", font=BOLD, fill_=head_fill, alignment=WRAP_CENTER)
    for col, text in zip("FGHI", fases):
        put(ws, f"{col}9", text, font=BOLD, fill_=fase_fill, alignment=WRAP_CENTER)
    put(ws, "O8:R8", "AVANCE ALCANZADO", font=BOLD, fill_=head_fill, alignment=WRAP_CENTER)
    for col, quarter in zip("OPQR", [1, 2, 3, 4]):
        put(ws, f"{col}9", quarter, font=BOLD, fill_=fase_fill, alignment=WRAP_CENTER)

    # Data: internal actions (rows 10-15), participative actions (rows 16-18)
    vertical = Alignment(horizontal="center", vertical="center", text_rotation=90, wrap_text=True)
    put(ws, "A10:A15", spaced("Acciones internas previas"), font=BOLD, fill_=momento_fill, alignment=vertical)
    put(ws, "A16:A18", spaced("Acciones Participativas"), font=BOLD, fill_=momento_fill, alignment=vertical)
    style_range(ws, "B10:T18", alignment=WRAP_CENTER)
    for row, (accion, fecha, avance, obs, dep) in enumerate(internas, start=10):
        ws[f"K{row}"], ws[f"N{row}"], ws[f"O{row}"] = accion, fecha, avance
        ws[f"S{row}"], ws[f"T{row}"] = obs, dep
    put(ws, "B16:B18", accion_gestion, alignment=WRAP_CENTER)
    for row, (x_col, alcance, accion, metodo, resultado, fecha, avance, obs, dep) in enumerate(participativas, start=16):
        ws[f"C{row}"], ws[f"D{row}"], ws[f"E{row}"] = instrumento, grupo_valor, instancia
        ws[f"{x_col}{row}"] = "X"
        ws[f"J{row}"], ws[f"K{row}"], ws[f"L{row}"], ws[f"M{row}"] = alcance, accion, metodo, resultado
        ws[f"N{row}"], ws[f"O{row}"], ws[f"S{row}"], ws[f"T{row}"] = fecha, avance, obs, dep
        ws[f"{x_col}{row}"].font = BOLD
    style_range(ws, "N10:N18", number_format="dd/mm/yyyy", border=None)
    for row in range(10, 19):
        if ws[f"O{row}"].value == 0:
            ws[f"O{row}"].number_format = "0%"
        for col in "KLS":
            ws[f"{col}{row}"].alignment = WRAP_LEFT

    set_widths(ws, {"A": 7, "B": 28, "C": 18, "D": 17, "E": 26, "F-I": 14, "J": 20,
                    "K": 42, "L": 55, "M": 24, "N": 13, "O-R": 7, "S": 30, "T": 18})
    ws.row_dimensions[3].height = 24
    ws.row_dimensions[8].height = 45
    ws.row_dimensions[9].height = 60
    for row in range(10, 16):
        ws.row_dimensions[row].height = 48
    for row in range(16, 19):
        ws.row_dimensions[row].height = 130
    ws.freeze_panes = "B10"
    return save(wb, "000_sanatorio_contratacion_2022.xlsx")


# ------------------------------------------------------------ 002 Alcaldía de Cartago

CARTAGO_SPA = "Sec. de Planeación, Medio Ambiente y Desarrollo Economico"

CARTAGO_ACTIVIDADES = [
    # (N°, actividad, tarea, producto, fórmula, responsables)
    (1, "Elaborar el diagnóstico del estado actual de la implementación de la Política de Participación Ciudadana en la entidad",
     "Aplicar el autodiagnóstico MIPG sobre implementación Política de Participación Ciudadana y Rendición de Cuentas",
     "Diagnostico Política de Participación Ciudadana y Rendición de Cuentas",
     "Numero de autodiagnosticos elaborados", CARTAGO_SPA),
    (2, "Elaborar la estrategias de Participación y Rendicion de Cuentas",
     "Establecer las condiciones idoneas para garantizar la Participación Ciudadana y la endición de cuentas",
     "Estrategia de Participación Ciudadana y Rendicion de Cuentas",
     "Numero de Estrategias elaboradas", CARTAGO_SPA),
    (3, "Capacitar funcionarios de la entidad en caracterización de grupos de valor",
     "Realizar capacitacion sobre caracterización de grupos de valor con los funcionarios de la entidad",
     "Personal capacitado en caracetizacion de grupos de valor",
     "Numero de funcionarios capacitados", "Sec. de Sevicios Administrativos"),
    (4, "Diseñar instrumento de caracterización de grupos de valor",
     "Elaboración de instrumentos de caracterización de grupos de valor",
     "Instrumentos de caracterizacion de grupos de valor",
     "Numero de instrumentos elaborados para la caracterización de grupos de valor", CARTAGO_SPA),
    (5, "Actualizar de la Caracterización de Ciudadanos , Usuarios y Grupos de Interés",
     "Realizar actividades de caracterización de ciudadanos, usuarios y grupos de interés actualizada",
     "Caracterización ciudadanos, usuarios y grupos de interés actualizada",
     "Numero de Caracterizaciones realizadas", CARTAGO_SPA),
    (6, "Realizar encuestas de satisfacción que permitan medir la percepción que tienen los grupos de valor frente a los ejercicios de Participación Ciudadana",
     "Realizar encuestas de satisfacción que permitan medir la percepción que tienen los grupos de valor",
     "Encuestas de satisfacción",
     "Numero Encuestas de satisfacción realizadas", CARTAGO_SPA),
    (7, "Descentralizar la ejecución de espacios de diálogo y Rendición de Cuentas",
     "Generar espacios de Participación Ciudadana Descentralizados",
     "Espacios de Participación Ciudadana Descentralizados",
     "Numero de Espacios Desantralizados generados", "Administración Municipal"),
    (8, "Publicar en la sección transparencia y acceso a la información pública de la pagina web de le entidad información actualizada de interes para la ciudadanía",
     "Publicar en la sección transparencia y acceso a la información pública del portal web información actualizada sobre Planes de Mejoramiento, mecanismos para la participación ciudadana sobre la formulación de políticas, información de la ejecución presupuestal, ejecución de contratos y directorio de entidades del sector, agremiaciones, asociaciones, entidades del sector, grupos étnicos y otros grupos de interés",
     "Publicaciones en la sección transparencia y acceso a la información pública en la pagina web de la entidad",
     "Numero de publicaciones realizadas", CARTAGO_SPA),
    (9, "Elaborar planes de mejoramiento institucional, como resultado de ejercicios de participación y rendición de cuentas.",
     "Elaborar planes de mejoramiento institucional, como resultado de ejercicios de participación y rendición de cuentas.",
     "Planes de mejoramiento institucional",
     "Numero Planes de mejoramiento", CARTAGO_SPA),
]

CARTAGO_TITULO = "FORMATO PLAN DE ACCIÓN"


def _cartago_sheet(ws: Worksheet, titulo: str, with_observaciones: bool) -> None:
    """Header block, two-row header and the nine activities of the Cartago plan.

    Layout: rows 1-4 logo / municipio / código box, 5-12 title and plan data,
    13 blank, 14-15 header, 16-24 activities, 25 blank, 26-29 footer."""
    encabezado = [
        "PROCESO: GESTION PLANEACION",
        "SUB PROCESO: PLANEACION INSTITUCIONAL",
        "OBJETIVO: Establecer las acciones para el fortalecimiento y la promoción de la Participación Ciudadana dentro de la Administración Municipal",
        "ALCANCE: Aplica para las dependencias y procesos de la Alcaldía Municipal de Cartago - Valle del Cauca",
        "DEPENDENCIA RESPONSABLE DE LA FORMULACIÓN DEL PLAN: Secretaría de Planeación, Medio Ambiente y Desarrollo Economico",
        "FECHA DEL PLAN: 29 de octubre de 2024",
        "DEPENDENCIAS PARTICIPANTES EN LA FORMULACIÓN DEL PLAN: Secretaría de Planeación, Medio Ambiente y Desarrollo Economico, Secretaría de Servicios Administrativos",
    ]
    control = ["PAGINA: 1", "CÓDIGO: MESG-AS-F17", "VERSION: 2", "Fecha Aprobación: 06/03/2024"]
    pie = ["www.cartago.gov.co", "CENTRO ADMINISTRACION MUNICIPAL – CAM", "Calle 8 No 6 – 52", "Código Postal: 762021"]
    header_single = {"A": "N°", "B": "ACTIVIDADES", "C": "TAREA (S) QUE AYUDA A IMPLEMENTAR LA ACTIVIDAD",
                     "P": "PRODUCTOS (BIENES O SERVICIOS) ENTREGABLES", "S": "RESPONSABLES"}
    if with_observaciones:
        header_single["X"] = "OBSERVACIONES"
    last = "X" if with_observaciones else "W"
    head_fill, sub_fill, title_fill = fill("BDD7EE"), fill("DDEBF7"), fill("1F4E78")

    put(ws, "A1:C4", "ALCALDÍA DE CARTAGO", font=Font(bold=True, size=12, color="1F4E78"), alignment=WRAP_CENTER)
    put(ws, "D1:R4", "MUNICIPIO DE CARTAGO VALLE DEL CAUCA Nit: 891.900.493.2",
        font=Font(bold=True, size=12), alignment=WRAP_CENTER)
    for row, text in enumerate(control, start=1):
        put(ws, f"S{row}:{last}{row}", text, font=Font(size=9), alignment=WRAP_LEFT)
    put(ws, f"A5:{last}5", titulo, font=Font(bold=True, size=12, color="FFFFFF"), fill_=title_fill, alignment=WRAP_CENTER)
    for row, text in enumerate(encabezado, start=6):
        bold = row <= 7
        put(ws, f"A{row}:{last}{row}", text, font=Font(bold=bold), alignment=WRAP_LEFT)

    for col, text in header_single.items():
        put(ws, f"{col}14:{col}15", text, font=BOLD, fill_=head_fill, alignment=WRAP_CENTER)
    put(ws, "D14:O14", "MES", font=BOLD, fill_=head_fill, alignment=WRAP_CENTER)
    for month in range(1, 13):
        put(ws, f"{get_column_letter(3 + month)}15", month, font=BOLD, fill_=sub_fill, alignment=WRAP_CENTER)
    put(ws, "Q14:R14", "INDICADOR", font=BOLD, fill_=head_fill, alignment=WRAP_CENTER)
    put(ws, "Q15", "FÓRMULA", font=BOLD, fill_=sub_fill, alignment=WRAP_CENTER)
    put(ws, "R15", "RESULTADO", font=BOLD, fill_=sub_fill, alignment=WRAP_CENTER)
    put(ws, "T14:W14", "SEGUIMIENTO TRIMESTRAL", font=BOLD, fill_=head_fill, alignment=WRAP_CENTER)
    for col, quarter in zip("TUVW", ["I", "II", "III", "IV"]):
        put(ws, f"{col}15", quarter, font=BOLD, fill_=sub_fill, alignment=WRAP_CENTER)

    style_range(ws, f"A16:{last}24", alignment=WRAP_CENTER)
    for row, (num, actividad, tarea, producto, formula, responsables) in enumerate(CARTAGO_ACTIVIDADES, start=16):
        ws[f"A{row}"], ws[f"B{row}"], ws[f"C{row}"] = num, actividad, tarea
        ws[f"P{row}"], ws[f"Q{row}"], ws[f"S{row}"] = producto, formula, responsables
        for col in "BCP":
            ws[f"{col}{row}"].alignment = WRAP_LEFT
        ws.row_dimensions[row].height = 150 if num == 8 else 60

    for row, text in enumerate(pie, start=26):
        put(ws, f"A{row}:{last}{row}", text, font=Font(size=9, color="595959"),
            alignment=Alignment(horizontal="center", vertical="center"), border=None)

    set_widths(ws, {"A": 5, "B": 38, "C": 45, "D-O": 4, "P": 32, "Q": 28, "R": 12, "S": 26, "T-W": 9, "X": 42})
    ws.row_dimensions[5].height = 36 if with_observaciones else 20
    for row in (8, 10, 12):
        ws.row_dimensions[row].height = 30
    ws.row_dimensions[14].height = 30
    ws.row_dimensions[15].height = 20
    ws.freeze_panes = "D16"


def build_cartago() -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan de Acción"
    _cartago_sheet(ws, CARTAGO_TITULO, with_observaciones=False)
    return save(wb, "002_alcaldia_cartago_2024.xlsx")


def build_cartago_seguimiento() -> Path:
    """The Cartago plan after a year of quarterly follow-up. EVERY figure here is
    invented (see the 'Léame' sheet); it exists to exercise the dashboard."""
    # N°: (months with "X", [I, II, III, IV], observación)
    # Numbers are fractions shown as "0%"; strings are written as offices type them;
    # None is a blank cell (sin reporte). Progress is cumulative.
    seguimiento = {
        1: ([1, 2], [1, 1, 1, 1],
            "Autodiagnóstico MIPG aplicado en febrero y publicado en la página web."),
        2: ([2, 3], [0.5, 1, 1, 1],
            "Estrategia aprobada por el Comité Institucional de Gestión y Desempeño."),
        3: ([4, 5], ["No programada", "50%", 0.75, 1],
            "Dos jornadas de capacitación; la segunda se aplazó al tercer trimestre."),
        4: ([3, 4], [0.25, 0.5, 0.5, 0.5],
            "Instrumento en borrador; pendiente de validación por Servicios Administrativos."),
        5: ([5, 6, 7, 8], ["N/A", 0.3, None, 0.7],
            "Sin reporte en el tercer trimestre; falta consolidar la información de dos secretarías."),
        6: ([6, 12], ["No programada", 0.5, 0.5, 1],
            "Encuestas aplicadas en junio y en diciembre."),
        7: ([4, 5, 6, 7, 8, 9, 10, 11], ["N/A", 0.25, "50%", 1],
            "Espacios de diálogo realizados en comunas y corregimientos."),
        8: (list(range(1, 13)), [0.25, 0.5, 0.75, 1],
            "Publicaciones mensuales en la sección de transparencia."),
        9: ([11, 12], ["No programada", "No programada", "N/A", 0.4],
            "Plan de mejoramiento en elaboración; se termina en la siguiente vigencia."),
    }
    titulo = ("FORMATO PLAN DE ACCIÓN — SEGUIMIENTO (EJEMPLO ILUSTRATIVO: cifras inventadas, "
              "no corresponden a la Alcaldía de Cartago)")
    leame = ("EJEMPLO ILUSTRATIVO: cifras inventadas, no corresponden a la Alcaldía de Cartago. "
             "Este libro reproduce el formato y las nueve actividades del Plan de Acción de Participación "
             "Ciudadana de la Alcaldía de Cartago (2024) con un seguimiento trimestral inventado: las marcas "
             "de los meses, los avances de los trimestres I a IV y las observaciones se escribieron para "
             "probar el tablero y no son datos reales de la entidad.")

    wb = Workbook()
    ws = wb.active
    ws.title = "Plan de Acción"
    _cartago_sheet(ws, titulo, with_observaciones=True)
    for row, (num, *_rest) in enumerate(CARTAGO_ACTIVIDADES, start=16):
        months, quarters, observacion = seguimiento[num]
        for month in months:
            ws.cell(row=row, column=3 + month, value="X").font = BOLD
        for col, value in zip("TUVW", quarters):
            ws[f"{col}{row}"] = value
            if isinstance(value, (int, float)):
                ws[f"{col}{row}"].number_format = "0%"
        ws[f"X{row}"] = observacion
        ws[f"X{row}"].alignment = WRAP_LEFT

    readme = wb.create_sheet("Léame")
    readme["A1"] = leame
    readme["A1"].alignment = WRAP_TOP
    readme["A1"].font = Font(bold=True, color="C00000")
    readme.column_dimensions["A"].width = 100
    readme.row_dimensions[1].height = 90
    return save(wb, "002b_alcaldia_cartago_2024_seguimiento_ILUSTRATIVO.xlsx")


# --------------------------------------------------- 003 agency: planeación participación


def build_agencia() -> Path:
    fases = [
        ("Diagnóstico", [
            ("1.1 Ejercicios participativos para identificar debilidades o problemas en la oferta de servicios",
             "Identificar las fortalezas y debilidades que tiene la agencia en la oferta de servicios, buscando información acerca del conocimiento de la oferta de servicios por parte de los usuarios.",
             "Resultados de encuesta"),
            ("1.2 Encuesta de satisfacción telefonica",
             "Documentar la satisfacción que tienen los usuarios frente a la prestación de servicios de la entidad",
             "Informe de encuestas telefonicas realizadas"),
            ("1.3 Ejercicio de levantamiento de información interna",
             "Realizar diagnostico de cumplimiento de requisitos normativos referentes a la participación ciudadana",
             "Diagnostico"),
        ]),
        ("Formulación/Planeación de politicas, planes, programas o proyectos", [
            ("2.1 Cronograma de Rendición de cuentas por medios electronicos",
             "Definir las actividades a desarrollar y las fechas de cumplimiento con el fin de realizar el ejercicio de rendición de cuentas por medios electronicos acorde al Manual Unico de Rendición de cuentas",
             "Cronograma de rendición de cuentas"),
            ("2.2 Encuestas de percepción por medios electronicos",
             "Realizar encuesta en redes sociales para identificar el alcance que se tiene a nivel de publicaciones en los seguidores de la agencia",
             "Encuesta formulada en herramienta web"),
            ("2.3 Diseño de servicios de registro para boletería de leones en línea y registro de asesorías de emprendimiento",
             "Diseñar e implementar servicios en linea acorde con el analisis de uso de la entidad",
             "Servicios en linea habilitados"),
        ]),
        ("Implementación/ejecución/colaboración", [
            ("3.1 Ejercicio de Gamificación Uso Eficiente del Papel",
             "Realizar ejercicio de gamificación para definir la politica de uso eficiente del papel",
             "del ejercicio y politica definida"),
            ("3.2 Rendición de cuentas por medios electronicos",
             "Realizar 2 ejercicios de Rendición de cuentas por medios electronicos",
             "Audiencias publicas realizadas"),
            ("3.3 Evaluación de la Rendición de cuentas por medios electronicos",
             "Realizar reunión de evaluación y consolidación del informe con la finalidad de verificar las evidencias, informar los resultados e ifdentificar las acciones de mejora necesarias para Iso ejercicios.",
             "Informes de la rendición de cuentas"),
        ]),
        ("Control/Evaluación", [
            ("4.1 Monitoreo de uso de las redes sociales",
             "Realizar seguimiento y monitoreo a las redes sociales por medio de la identificación de aumento o disminución de seguidores",
             "Informe de monitoreo de las redes sociales"),
            ("4.2 Monitoreo a las visitas del sitio web",
             "Realizar seguimiento a la publicación de la información, adicionalmente realizar monitorear las visitas al sitio web institucional",
             "Informe de monitoreo a las visitas del sitio web"),
        ]),
        ("Acciones transversales", [
            ("5.1 Capacitación/ sensibilización a ciudadanos sobre estrategia y mecanismos de participación habilitados por la entidad",
             "Se debe definir el procedimiento de participación ciudadana por medios electronicos y publicar en el sitio web de igual forma se debe definir el plana de participación ciudadana para la vigencia",
             "procedimietno documentado"),
            ("5.2 Estrategia de divulgación participación a traves de redes sociales y sitio web",
             "Publicar en las redes sociales y en el sitio web las invitaciones a diligenciar las encuestas y a participar de los ejercicios que se realicen",
             "Invitaciones a diligenciar encuestas"),
            ("5.3 Divulgación de incidencia de la participación",
             "Divulgar los resultados de la participación",
             "Evidencias de divulgación"),
        ]),
    ]
    header = ["Fase del ciclo de la Gestión", "Actividades", "Objetivo (s) de la actividad", "Meta/Producto"]

    wb = Workbook()
    ws = wb.active
    ws.title = "Planeación Participación"
    head_fill, phase_fill = fill("F4B084"), fill("FCE4D6")

    put(ws, "A3:D3", "Estrategia de Participación Ciudadana en la Gestión Pública",
        font=Font(bold=True, size=14), alignment=WRAP_CENTER, border=None)
    put(ws, "A5:D5", "Formato Planeación de la Participación",
        font=Font(bold=True, size=12), alignment=WRAP_CENTER, border=None)
    for col, text in zip("ABCD", header):
        put(ws, f"{col}7", text, font=BOLD, fill_=head_fill, alignment=WRAP_CENTER)

    row = 8
    for fase, actividades in fases:
        last = row + len(actividades) - 1
        put(ws, f"A{row}:A{last}", fase, font=BOLD, fill_=phase_fill, alignment=WRAP_CENTER)
        for actividad, objetivo, meta in actividades:
            ws[f"B{row}"], ws[f"C{row}"], ws[f"D{row}"] = actividad, objetivo, meta
            style_range(ws, f"B{row}:D{row}", alignment=WRAP_LEFT)
            ws.row_dimensions[row].height = 60
            row += 1

    set_widths(ws, {"A": 24, "B": 45, "C": 60, "D": 30})
    ws.row_dimensions[3].height = 24
    ws.row_dimensions[7].height = 30
    ws.freeze_panes = "B8"
    return save(wb, "003_agencia_planeacion_participacion.xlsx")


# ------------------------------------------------------------ 004 Municipio de Candelaria

MESES_CANDELARIA = ["OCT22", "NOV22", "DIC22", "ENE23", "FEB23", "MAR23", "ABR23",
                    "MAY23", "JUN23", "JUL23", "AGO23", "SEP23", "OCT23"]  # columns H..T


def build_candelaria() -> Path:
    resp_1 = ("Secretaría de Desarrollo Social y Programas Especiales, Despacho Alcalde, Secretaría de Desarrollo administrativo, "
              "Departamento de Planeacion, Secretaría de Infraestructura, Secretaría de Educacion, Cultura y Turismo, Secretaria de Vivienda, "
              "Secretaría de Salud publica y Seguridad Social, Secretaria de Transito, Secretaria de Gobierno y Convivencia Ciudadana, "
              "Secretaria de medio ambiente y desarrollo economico, Departamento Administrativo Juridico, Secretaría de Hacienda")
    resp_2 = ("Secretaría de Desarrollo Social y Programas Especiales, Despacho Alcalde, Secretaría de Desarrollo administrativo, "
              "Departamento de Planeacion, Secretaría de Infraestructura, Secretaría de Educacion, Cultura y Turismo, Secretaria de Vivienda, "
              "Secretaria de Salud publica y Seguridad Social, Secretaria de Transito, Secretaria de Gobierno y Convivencia Ciudadana, "
              "Secretaria de medio ambiente y desarrollo economico, Departamento Administrativo Juridico, Secretaría de Hacienda")
    resp_3 = ("Secretaría de Desarrollo Social y Programas Especiales, Despacho Alcalde, Secretaria de Desarrollo administrativo, "
              "Departamento de Planeacion, Secretaría de Infraestructura, Secretaría de Educacion, Cultura y Turismo, Secretaria de Vivienda, "
              "Secretaría de Salud publica y Seguridad Social, Secretaria de Transito, Secretaria de Gobierno y Convivencia Ciudadana, "
              "Secretaria de medio ambiente y desarrollo economico, Departamento Administrativo Juridico, Secretaria de Hacienda")
    resp_4 = ("Secretaría de Desarrollo Social y Programas Especiales, Despacho Alcalde, Secretaria de Desarrollo administrativo, "
              "Departamento de Planeacion, Secretaría de Infraestructura, Secretaría de Educacion, Cultura y Turismo, Secretaria de Vivienda, "
              "Secretaria de Salud publica y Seguridad Social, Secretaria de Transito, Secretaria de Gobierno y Convivencia Ciudadana, "
              "Secretaria de medio ambiente y desarrollo economico, Departamento Administrativo Juridico, Secretaria de Hacienda")
    resp_5_6 = ("Secretaría de Desarrollo Social y Programas Especiales, Despacho Alcaldé, Secretaría de Desarrollo administrativo, "
                "Departamento de Planeación, Secretaría de Infraestructura, Secretaría de Educación, Cultura y Turismo, Secretaría de Vivienda, "
                "Secretaría de Salud pública y Seguridad Social, Secretaría de Tránsito, Secretaría de Gobierno y Convivencia Ciudadana, "
                "Secretaría de medio ambiente y desarrollo económico, Departamento Administrativo Jurídico, Secretaría de Hacienda")
    lineas = [
        # (línea de acción, objetivo, number of strategies it spans)
        ("Condiciones institucionales idóneas para la promoción de la participación ciudadana",
         "Fortalecer las condiciones institucionales dn la Alcaldia Municipal de Candelaria para la promoción de la participación ciudadana.", 4),
        ("Promoción efectiva de la participación ciudadana",
         "Implementar y evaluar el Plan de Participación Ciudadana de la Alcaldía Municipal de Candelaria.", 2),
    ]
    estrategias = [
        # (estrategia, metas, indicadores, medios de verificación, responsables, {mes: cantidad})
        ("1. Realizar el diagnóstico del estado actual de la participación ciudadana de la Alcaldia Municipal de Candelaria.",
         ["1.1. Un (1) documento anual elaborado que identifique las debilidades y fortalezas de la participación en el Municipio de Candelaria.",
          "1.2. Un (1) plan de mejora anual para la evaluación de resultados del plan de participación ciudadana.",
          "1. 3. Una (1) caracterización anual de la ciudadanía, usuarios, grupos de valor e interés de la Alcaldia Municipal de Candelaria.",
          "1.4. Un (1) diagnostico de los canales, espacios, mecanismos y medios presenciales y no presenciales empleados para promover la participación ciudadana.",
          "1.5. Un (1) diagnostico elaborado de la participación ciudadana.",
          "1.6. Una (1) estrategia de socialización de resultados de diagnostico de la participación ciudadana en la Alcaldia Municipal de Candelaria"],
         ["1.1.1. Numero de documentos de identificación de debilidades y fortalezas de la participación.",
          "1.2.1. Numero de informes de evaluación de resultados del plan de participación ciudadana y Numero de planes de mejora.",
          "1.3.1. Numero de informes de caracterización de ciudadanía, usuarios, grupos de valor e interés.",
          "1.4.1. Numero de diagnostico de los canales, espacios, mecanismos y medios presenciales y no presenciales empleados para promover la participación ciudadana.",
          "1.5.1. Numero de diagnosticos elaborados de participación ciudadana.",
          "1.6.1. Numero de reuniones, socializaciones o entrega de resultados de diagnostico de la participación ciudadana."],
         "oficios de solicitud, convocatoria a reuniones o socializaciones, Actas de reuniones, registros fotograficos, correos institucionales, informes, diagnosticos.",
         resp_1,
         {"NOV22": 1, "DIC22": 4, "MAR23": 2, "JUN23": 1, "SEP23": 2}),
        ("2. Identificar las actividades que involucran procesos de participación ciudadana de la Alcaldia Municipal de Candelaria",
         ["2.1. Un (1) comité operando conformado por cada delegado(a) de secretaria y/o programa social para la dinamización de la Política de Participación Ciudadana.",
          "2.2. Un (1) documento anual de instancias y espacios de participación de la Alcaldia Municipal de Candelaria.",
          "2.3. Un (1) documento anual de grupos de valor de la Alcaldia Municipal de Candelaria.",
          "2.4. Un (1) plan de accion anual de participación Ciudadana."],
         ["2.1.1. Numero de comites realizados.",
          "2.2.1. Numero de documentos de instancias y espacios de participación.",
          "2.3.1. Numero de documentos de grupos de valor de la Alcaldia Municipal de Candelaria .",
          "2.4.1. Numero de planes de accion elaborados."],
         "oficios, convocatoria a reuniones , Actas de reuniones, registros fotograficos, correos institucionales, informes, diagnosticos. Planes",
         resp_2,
         {"ENE23": 4, "ABR23": 1, "JUL23": 1, "SEP23": 1}),
        ("3. Definir la estrategia para la ejecución del plan de participación ciudadana de la Alcaldia Municipal de Candelaria.",
         ["3.1. Una (1) estrategia anual de participación ciudadana de la Alcaldia Municipal de Candelaria.",
          "3.2. Un (1) plan anual de capacitación a servidores publicos y grupos de valor en participación ciudadana.",
          "3.3. Un (1) plan anual de gestión de recursos para la promoción y fortalecimiento de la participación ciudadana.",
          "3.4. Un (1) cronograma anual de actividades para promover la participación ciudadana.",
          "3.5. Un (1) estrategia de seguimiento para la verificación de actividades de participación ciudadana implementadas por la secretarias.",
          "3.6. Una (1) estrategia de comunicación para la divulgación de actividades de participación ciudadana."],
         ["3.1.1. Numero de estrategias elaboradas de participación ciudadana.",
          "3.2.1. Numero de planes de capacitacion.",
          "3.3.1. Numero de planes de getion de recursos para la promocion y fortalecimiento de la participacion ciudadana.",
          "3.4.1. Numero de cronogramas de actividades para promover la participacion.",
          "3.5.1. Numero de estrategias de seguimiento a las actividades de participacion ciudadana.",
          "3.6.1. Numero de estrategias de comunicacion para la divulgar las actividades de participacion ciudadana."],
         "Documentos, informes, planes, cronogramas, oficios, correos electronicos, actas de reuniones",
         resp_3,
         {"FEB23": 2, "MAR23": 3, "ABR23": 3, "AGO23": 6}),
        ("4. Divulgar y retroalimentar el plan de participacion ciudadana de la Alcaldia Municipal de Candelaria.",
         ["4.1. Un (1) plan de participación ciudadana divulgado por los diferentes canales de la Alcaldia Municipal de Candelaria.",
          "4.2. Una (1) estrategia de recolección de información para sistematizar y hacer seguimiento a las observaciones de la ciudadanía y grupos de valor.",
          "4.3. Un (1) plan de participación ciudadana ajustado de acuerdo a las observaciones de la ciudadanía y grupos de valor de la Alcaldia de Candelaria."],
         ["4.1.1. Numero de divulgaciones por canales de la Alcaldia Municipal de Candelaria del plan de participación ciudadana.",
          "4.2.1. Numero de estrategias para la recolección de información para sistematizar y hacer seguimiento a las observaciones de la ciudadanía y grupos de valor.",
          "4.3.1. Numero de planes de participacion ciudadana ajustados."],
         "Oficios, correos electronicos, publicaciones en canales presenciales de la Alcaldia de Candelaria como pagina web y redes sociales, documentos, planes",
         resp_4,
         # the fifth count (3) fell into FORTALEZAS in the extraction: placed in OCT 2023
         {"MAR23": 1, "ABR23": 2, "JUL23": 3, "SEP23": 3, "OCT23": 3}),
        ("5. Implementar el Plan de Participación Ciudadana de la Alcaldía Municipal de Candelaria.",
         ["5.1. Un (1) plan de participación ciudadana validado con las secretarías de la Alcaldía Municipal de Candelaria.",
          "5.2. Una (1) socialización y divulgación del proceso de convocatoria a actividades de participación dirigidas a los grupos de valor de la Alcaldía de Candelaria.",
          "5.3. Una (1) convocatoria a la ciudadanía y grupos de valor en la actividades de participación ciudadana de cada secretaría.",
          "5.4. Un (1) documento de recomendaciones u objeciones de la ciudadanía y grupos de valor de las actividades de participación ciudadana recibida a través de los diferentes canales, escenarios, mecanismos y medios.",
          "5.5. Un (1) documento consolidado de sistematización de los resultados de las actividades de participación ciudadana de cada secretaría."],
         ["5.1.1. Numero de Planes de participación ciudadana validados con secretarías.",
          "5.2.1. Numero de socializaciones de procesos de convocatoria a actividades de participación dirigidas a grupos de valor.",
          "5.3.1. Numero de convocatorias a ciudadanías y grupos de valor realizadas.",
          "5.4.1. Numero de documentos de recomendaciones u objeciones de ciudadanía y grupos de valor.",
          "5.5.1. Numero de documentos consolidados de sistematización de resultados de participación ciudadana por cada Secretaría."],
         "Actas de reuniones, planes, registros fotográficos, oficios, correos institucionales, Informes generados, documentos",
         resp_5_6,
         # eleven counts shifted two columns right in the extraction: DIC 2022 .. OCT 2023
         {"DIC22": 1, "ENE23": 4, "FEB23": 4, "MAR23": 4, "ABR23": 4, "MAY23": 4,
          "JUN23": 4, "JUL23": 4, "AGO23": 4, "SEP23": 4, "OCT23": 5}),
        ("6. Evaluar los resultados de implementación del Plan de Participación Ciudadana de la Alcaldía Municipal de Candelaria.",
         ["6.1. Un (1) documento revisado y analizado anualmente de los resultados de la implementación del plan de participación ciudadana.",
          "6.2. Una (1) publicación y divulgación semestral de los resultados y procesos de participación ciudadana.",
          "6.3. Una (1) publicación anual de los resultados consolidados de las actividades de participación.",
          "6.4. Un (1) documento anual elaborado de buenas practicas de participación ciudadana."],
         ["6.1.1. Numero de documentos revisados y analizados de resultados de implementación del plan de participación ciudadana.",
          "6.2.1. Numero de publicaciones de resultados y procesos de participación ciudadana.",
          "6.3.1. Numero de publicaciones de resultados consolidados de actividades de participación ciudadana.",
          "6.4.1. Numero de documentos de buenas practicas de participación ciudadana elaborados."],
         "Actas de reuniones, registros fotográficos, oficios, correos institucionales, Informes generados, publicaciones, documentos",
         resp_5_6,
         {"OCT22": 1}),
    ]
    header_single = {"A": "LINEA DE ACCIÓN / SUBPROGRAMA PMD", "B": "OBJETIVOS", "C": "ESTRATEGIAS", "D": "METAS",
                     "E": "INDICADORES DE CUMPLIMIENTO", "F": "MEDIOS DE VERIFICACIÓN", "G": "RESPONSABLES",
                     "U": "FORTALEZAS", "V": "DEBILIDADES"}
    meses_2022 = ["OCT.", "NOV.", "DIC."]
    meses_2023 = ["ENE.", "FEB.", "MAR.", "ABR.", "MAY.", "JUN.", "JUL.", "AGO.", "SEP.", "OCT."]
    firmas = ("ELABORÓ: Yurid Marcela Mora Josa - Profesional de Apoyo REVISÓ: Angelly María Crispino Arce - "
              "Secretaria de Desarrollo Social y Programas Especiales APROBÓ: Comité de Gestión y Desempeño "
              "Sra. Desarrollo Administrativo FECHA: 22 de Diciembre de 2022")

    wb = Workbook()
    ws = wb.active
    ws.title = "Cronograma"
    head_fill, sub_fill, linea_fill = fill("A9D08E"), fill("E2EFDA"), fill("FFF2CC")

    # Title block (rows 3-7)
    put(ws, "C3:Q3", "MUNICIPIO DE CANDELARIA", font=Font(bold=True, size=14), alignment=WRAP_CENTER)
    put(ws, "A4:Q6", "CRONOGRAMA DE PLAN DE ACCIÓN POLITICA DE PARTICIPACIÓN CIUDADANA EN LA GESTIÓN PÚBLICA",
        font=Font(bold=True, size=12), alignment=WRAP_CENTER)
    for row, text in enumerate(["Código: 54-PSC-FT-743", "Fecha: 17-Agosto-2021", "Versión: 1", "Página 1 de 1"], start=3):
        put(ws, f"R{row}:V{row}", text, font=Font(size=9), alignment=WRAP_LEFT)
    put(ws, "A7:V7", "POLÍTICA PARTICIPACIÓN CIUDADANA EN LA GESTIÓN PÚBLICA EN EL MARCO DE MIPG MODELO INTEGRAL DE PLANEACIÓN Y GESTIÓN",
        font=BOLD, fill_=linea_fill, alignment=WRAP_CENTER)

    # Two-row header (rows 8-9)
    for col, text in header_single.items():
        put(ws, f"{col}8:{col}9", text, font=BOLD, fill_=head_fill, alignment=WRAP_CENTER)
    put(ws, "H8:J8", "CRONOGRAMA 2022", font=BOLD, fill_=head_fill, alignment=WRAP_CENTER)
    put(ws, "K8:T8", "CRONOGRAMA 2023", font=BOLD, fill_=head_fill, alignment=WRAP_CENTER)
    for offset, text in enumerate(meses_2022 + meses_2023):
        put(ws, f"{get_column_letter(8 + offset)}9", text, font=BOLD, fill_=sub_fill, alignment=WRAP_CENTER)

    set_widths(ws, {"A": 20, "B": 26, "C": 30, "D": 55, "E": 55, "F": 28, "G": 48, "H-T": 6, "U": 18, "V": 18})

    # Strategies (rows 10-15); línea de acción and objetivo merged down their strategies
    style_range(ws, "A10:V15", alignment=WRAP_CENTER)
    row = 10
    for linea, objetivo, span in lineas:
        put(ws, f"A{row}:A{row + span - 1}", linea, font=BOLD, fill_=linea_fill, alignment=WRAP_CENTER)
        put(ws, f"B{row}:B{row + span - 1}", objetivo, alignment=WRAP_CENTER)
        row += span
    for row, (estrategia, metas, indicadores, medios, responsables, cronograma) in enumerate(estrategias, start=10):
        ws[f"C{row}"], ws[f"D{row}"], ws[f"E{row}"] = estrategia, "\n".join(metas), "\n".join(indicadores)
        ws[f"F{row}"], ws[f"G{row}"] = medios, responsables
        for mes, cantidad in cronograma.items():
            ws.cell(row=row, column=8 + MESES_CANDELARIA.index(mes), value=cantidad)
        for col in "CDEFG":
            ws[f"{col}{row}"].alignment = WRAP_TOP
        ws.row_dimensions[row].height = 15 * max(
            text_lines(ws[f"{col}{row}"].value, ws.column_dimensions[col].width or 30) for col in "DEG"
        ) + 10

    put(ws, "A17:V17", firmas, font=Font(size=9), alignment=WRAP_LEFT)

    ws.row_dimensions[7].height = 30
    ws.row_dimensions[8].height = 30
    ws.row_dimensions[17].height = 30
    ws.freeze_panes = "C10"
    return save(wb, "004_municipio_candelaria_2022_2023.xlsx")


def main() -> None:
    for build in (build_sanatorio, build_cartago, build_cartago_seguimiento, build_agencia, build_candelaria):
        print(f"escrito {build().relative_to(OUT_DIR.parent)}")


if __name__ == "__main__":
    main()
