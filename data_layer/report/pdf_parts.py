"""The building blocks of the PDF report: page geometry, the embedded font,
paragraph styles, ruled tables, chart images and the semáforo badge.

The font is DejaVu Sans, shipped inside matplotlib (a dependency already), so
accents, "ñ", "¿" and the semáforo shapes ■ ▲ ● ○ render on any server with
no system fonts. Every text from a spreadsheet goes through :func:`markup`:
reportlab's Paragraph reads an XML-like markup, so "<" and "&" are escaped.
Tables are ruled, with a light grey header: legible printed in black and white.

reportlab cannot split a table row over two pages: a row taller than a page
stops the whole document. So every text from a spreadsheet is cut by
:func:`clip` to a few lines of its column, ending in "…" (an observation of
1.300 characters, a name of 32.767); the CSV and XLSX downloads carry it whole.
"""
from __future__ import annotations

import io
import math
import os
import threading
from collections.abc import Sequence
from xml.sax.saxutils import escape

import matplotlib
import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Image, Paragraph, Table, TableStyle

from data_layer import es_co, semaforo
from data_layer.queries import AVANCE
from data_layer.report import charts
from data_layer.normalise.text import visible
from data_layer.report.content import missing, semaforo_text

FONT, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
MARGIN = 1.8 * cm
PAGE_W, PAGE_H = LETTER
TEXT_W = PAGE_W - 2 * MARGIN
GRID = colors.HexColor("#888888")
HEADER_BG = colors.HexColor("#E6E6E6")
FRAME_H = PAGE_H - 2 * MARGIN - 0.4 * cm
CHART_ROWS = 14  # bars per chart image (a long ranking becomes several images)
MAX_CHART_ROWS = 42  # more offices than this: the charts show the first ones, the table all
CELL_LINES = 12  # lines of a table cell at most (longer texts end in "…")
CELL_PADDING = 6  # points: LEFTPADDING + RIGHTPADDING of grid_style
ELLIPSIS = "…"
# Share of a line that wrapped text fills on average (words do not end at the
# margin); estimating lines with it keeps a clipped cell within its lines.
_FILL = 0.8

_fonts_lock = threading.Lock()
_fonts_ready = False


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique) once per process."""
    global _fonts_ready
    with _fonts_lock:
        if _fonts_ready:
            return
        folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
        for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"),
                           (ITALIC, "DejaVuSans-Oblique.ttf")):
            pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC,
                                      boldItalic=BOLD)
        _fonts_ready = True


def styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13, alignment=TA_LEFT,
                          spaceAfter=4)
    return {
        "base": base,
        "kicker": ParagraphStyle("kicker", base, fontSize=10, textColor=colors.HexColor("#444444"),
                                 spaceAfter=2),
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=20, leading=25,
                                spaceAfter=4),
        "entity": ParagraphStyle("entity", base, fontName=BOLD, fontSize=15, leading=19,
                                 spaceAfter=10),
        # Headings and the notes that introduce a chart or table stay with what
        # follows them (never alone at the bottom of a page).
        "h1": ParagraphStyle("h1", base, fontName=BOLD, fontSize=13.5, leading=17,
                             spaceBefore=12, spaceAfter=6, keepWithNext=1),
        "h2": ParagraphStyle("h2", base, fontName=BOLD, fontSize=10.5, leading=14,
                             spaceBefore=6, spaceAfter=3, keepWithNext=1),
        "note": ParagraphStyle("note", base, fontName=ITALIC, fontSize=8.5, leading=11.5,
                               textColor=colors.HexColor("#333333"), spaceAfter=6),
        "intro": ParagraphStyle("intro", base, fontName=ITALIC, fontSize=8.5, leading=11.5,
                                textColor=colors.HexColor("#333333"), spaceAfter=6,
                                keepWithNext=1),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10, spaceAfter=0),
        "head": ParagraphStyle("head", base, fontName=BOLD, fontSize=8, leading=10,
                               spaceAfter=0),
        "big": ParagraphStyle("big", base, fontName=BOLD, fontSize=16, leading=19,
                              spaceAfter=0),
    }


def markup(value: object) -> str:
    """Spreadsheet text as Paragraph markup: escaped, line breaks kept,
    bidirectional controls and zero-width characters dropped."""
    if missing(value):
        return ""
    return escape(visible(str(value))).replace("\n", "<br/>")


def clip(text: str, width: float, lines: int = CELL_LINES, font: str = FONT,
         size: float = 8) -> str:
    """``text`` cut to about ``lines`` lines of ``width`` points, ending in "…".

    Counts each line of the text (a cell may hold many) as the lines it wraps
    to, estimated from its printed width; an unbroken run of letters wraps too
    (reportlab splits long words), so the estimate holds for any text.
    """
    text = visible(text)
    budget = lines * max(width, 1.0) * _FILL
    kept: list[str] = []
    for line in text.split("\n"):
        need = max(1, math.ceil(pdfmetrics.stringWidth(line, font, size) / (width * _FILL)))
        if budget >= need * width * _FILL:
            kept.append(line)
            budget -= need * width * _FILL
            continue
        # The part of this line that fits in what is left, by bisection.
        low, high = 0, len(line)
        while low < high:
            middle = (low + high + 1) // 2
            if pdfmetrics.stringWidth(line[:middle] + ELLIPSIS, font, size) <= budget:
                low = middle
            else:
                high = middle - 1
        if low == 0 and kept:  # no room left: the last line kept says there is more
            kept[-1] = kept[-1].rstrip() + " " + ELLIPSIS
        else:
            kept.append(line[:low].rstrip() + ELLIPSIS)
        return "\n".join(kept)
    return text


class SemaforoBadge(Flowable):
    """The overall semáforo: its shape in its colour (outlined, so it prints in
    black and white), the word and the average, large."""

    def __init__(self, color: str, value: float | None) -> None:
        super().__init__()
        self.color, self.value = color, value
        self.width, self.height = TEXT_W, 1.5 * cm

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        size, x, y = 1.1 * cm, 0.1 * cm, 0.2 * cm
        c.setLineWidth(1.2)
        c.setStrokeColor(colors.black)
        fill = self.color != "gris"
        c.setFillColor(colors.HexColor(semaforo.PALETTE[self.color]))
        if self.color == "rojo":
            c.rect(x, y, size, size, stroke=1, fill=1)
        elif self.color == "amarillo":
            path = c.beginPath()
            path.moveTo(x, y)
            path.lineTo(x + size, y)
            path.lineTo(x + size / 2, y + size)
            path.close()
            c.drawPath(path, stroke=1, fill=1)
        else:
            c.circle(x + size / 2, y + size / 2, size / 2, stroke=1, fill=int(fill))
        c.setFillColor(colors.black)
        c.setFont(BOLD, 18)
        c.drawString(x + size + 0.4 * cm, y + 0.55 * cm,
                     "Avance general: " + semaforo_text(self.color, self.value))
        c.setFont(FONT, 8.5)
        c.drawString(x + size + 0.4 * cm, y, "Promedio simple de las actividades con avance "
                     "numérico al corte (ver abajo cómo se calculó).")


def chart(png: bytes, width: float = TEXT_W) -> Image:
    """A chart image at its natural size (so its text prints at the size it
    was drawn), shrunk only if wider than the text or taller than a page."""
    w, h = ImageReader(io.BytesIO(png)).getSize()
    shown = min(width, w / charts.DPI * 72, 0.92 * FRAME_H * w / h)
    return Image(io.BytesIO(png), width=shown, height=shown * h / w, hAlign="LEFT")


def _cell(value: object, column: str) -> str:
    if missing(value):
        return "—" if column in (AVANCE, "Avance (%)") else ""
    if "%" in column and isinstance(value, (int, float)):
        return es_co.percent(value)
    if hasattr(value, "year"):
        return es_co.datetime_text(value) if column == "Importado el" else es_co.date_text(value)
    if column in ("Vigencia", "Fila"):  # numbers that are names: no "2.024"
        return str(int(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return es_co.integer(value)
    return str(value)


def table(df: pd.DataFrame, columns: Sequence[tuple[str, float]], st) -> Table:
    """The columns of ``df`` as a ruled table; widths (in cm) scaled to the text width."""
    columns = [(name, width) for name, width in columns if name in df.columns]
    texts = [[_cell(row[name], name) for name, _ in columns] for _, row in df.iterrows()]
    widths = _widths(columns, texts)
    header = [Paragraph(markup(_short(name)), st["head"]) for name, _ in columns]
    body = [[Paragraph(markup(clip(text, width - CELL_PADDING)), st["cell"])
             for text, width in zip(row, widths, strict=True)] for row in texts]
    table = Table([header, *body], colWidths=widths, repeatRows=1)
    table.setStyle(grid_style(header=True))
    return table


def _widths(columns: Sequence[tuple[str, float]], texts: list[list[str]]) -> list[float]:
    """Column widths (points) in the proportions asked, but never so narrow
    that a word of the header or a short cell is cut in two ("Actividad-es");
    the widest columns give up the difference."""
    scale = TEXT_W / (sum(width for _, width in columns) * cm)
    widths = [width * cm * scale for _, width in columns]
    needed = []
    for index, (name, _) in enumerate(columns):
        words = [(word, BOLD) for word in _short(name).split()]
        words += [(text, FONT) for row in texts for text in [row[index]] if len(text) <= 12]
        needed.append(max(pdfmetrics.stringWidth(w, f, 8) for w, f in words) + 8)
    for index, need in enumerate(needed):
        short = need - widths[index]
        if short > 0:
            widths[index] = need
            widest = max(range(len(widths)), key=lambda i: widths[i] - needed[i])
            widths[widest] -= short
    return widths


def _short(column: str) -> str:
    return {"Avance promedio (%)": "Avance promedio", "Avance (%)": "Avance",
            "Programadas hasta el corte": "Debían estar terminadas",
            "Cumplidas al corte": "Cumplidas"}.get(column, column)


def grid_style(header: bool) -> TableStyle:
    style = [("FONT", (0, 0), (-1, -1), FONT, 8),  # the table's own default is Helvetica
             ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_BG))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), HEADER_BG))
    return TableStyle(style)
