"""The rendición de cuentas report as a PDF (reportlab), from a :class:`Report`.

Letter size (the paper of Colombian public offices), every page headed by the
entity and the cut-off and footed by the generation date and "Página X de
Y". One section per topic of the hearing, in the order of the presentation,
ending with how every figure was computed and the files it comes from. Built
to be legible printed in black and white: the charts carry hatches, shapes
and words (``data_layer.report.charts``), the semáforo is always a shape plus
a word. The pieces (font, tables, images) are in ``data_layer.report.pdf_parts``.
"""
from __future__ import annotations

import io
from collections.abc import Callable

import duckdb
import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from data_layer import es_co, quality, semaforo
from data_layer.filters import Filters
from data_layer.queries import AVANCE
from data_layer.report import charts
from data_layer.report import pdf_parts as blocks
from data_layer.report.content import (NOTES, Report, build, followed_up, one_line, phase_rows,
                                        unlisted_text)
from data_layer.report.pdf_parts import (
    BOLD,
    CHART_ROWS,
    FONT,
    FRAME_H,
    GRID,
    MARGIN,
    MAX_CHART_ROWS,
    PAGE_H,
    PAGE_W,
    TEXT_W,
    markup,
)
from data_layer.report.screens import TITLES

# ------------------------------------------------------------------ entry


def pdf_bytes(report: Report) -> bytes:
    """The PDF of ``report``."""
    blocks.register_fonts()
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 0.4 * cm,
        bottomMargin=MARGIN, title=f"Informe de avance: {report.plan_heading}",
        author=one_line(report.entity_heading, 300), subject=one_line(report.description, 300),
        lang="es-CO",
        creator="Tablero de Participación Ciudadana", displayDocTitle=True,
        initialFontName=FONT, initialFontSize=9.5)
    frame = Frame(MARGIN, MARGIN, TEXT_W, FRAME_H, id="texto",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="pagina", frames=[frame])])
    doc.build(_story(report, blocks.styles()), canvasmaker=_canvas_for(report))
    return out.getvalue()


def notice_pdf(message: str) -> bytes:
    """A one-page PDF that says ``message``: what a download button hands over
    when the report itself could not be made (a file, never nothing)."""
    blocks.register_fonts()
    out = io.BytesIO()
    st = blocks.styles()
    doc = BaseDocTemplate(out, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=MARGIN, bottomMargin=MARGIN, lang="es-CO",
                          title="Informe de avance: no se pudo generar")
    doc.addPageTemplates([PageTemplate(id="aviso", frames=[
        Frame(MARGIN, MARGIN, TEXT_W, FRAME_H, leftPadding=0, rightPadding=0, topPadding=0,
              bottomPadding=0)])])
    doc.build([Paragraph("No se pudo generar el informe", st["title"]),
               Paragraph(markup(blocks.clip(message, TEXT_W, lines=30, size=9.5)), st["base"])])
    return out.getvalue()


def build_pdf(con: duckdb.DuckDBPyConnection, filters: Filters) -> bytes:
    """The PDF of the current filtered view (``content.build`` then :func:`pdf_bytes`)."""
    return pdf_bytes(build(con, filters))


def _canvas_for(report: Report) -> type[canvas.Canvas]:
    """A canvas that heads and foots every page, with "Página X de Y"
    (the total is known only at the end, so pages are kept until then)."""
    left_head = one_line(f"{report.entity_heading} · {report.plan_heading}", 10_000)
    right_head = report.corte_text
    foot = ("Generado el " + es_co.datetime_text(report.generated_at)
            + " con el Tablero de Participación Ciudadana")

    class _Numbered(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, len(self._pages))
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            self.setFillColor(colors.black)
            self.setFont(BOLD, 8.5)
            right_w = pdfmetrics.stringWidth(right_head, BOLD, 8.5)
            top = PAGE_H - MARGIN + 0.1 * cm
            self.drawRightString(PAGE_W - MARGIN, top, right_head)
            self.setFont(FONT, 8.5)
            self.drawString(MARGIN, top, _fit(left_head, FONT, 8.5, TEXT_W - right_w - 0.6 * cm))
            self.setStrokeColor(GRID)
            self.setLineWidth(0.5)
            self.line(MARGIN, top - 0.15 * cm, PAGE_W - MARGIN, top - 0.15 * cm)
            self.setFont(FONT, 7.5)
            self.drawString(MARGIN, MARGIN - 0.7 * cm, foot)
            self.drawRightString(PAGE_W - MARGIN, MARGIN - 0.7 * cm,
                                 f"Página {number} de {total}")

    return _Numbered


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# ------------------------------------------------------------------ story


def _story(report: Report, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = []
    story += _cover(report, st)
    # The topics of the presentation, in its order (same titles), then the method.
    sections: list[tuple[str, Callable[[Report, dict], list[Flowable]]]] = [
        (TITLES[topic], part) for topic, part in (
            ("estado", _overall), ("fases", _phases), ("dependencias", _offices),
            ("trimestres", _periods), ("cumplidas", _completed),
            ("dificultades", _difficulties), ("proximos", _next_steps))
    ] + [("Cómo se calcularon las cifras", _method)]
    if report.several:
        # Several entities: the consolidated figures and one row per entity,
        # not every entity's lists one after the other (each has its own report).
        sections = [("Estado general (vista consolidada)", _overall),
                    ("Resumen por entidad", _entities),
                    ("Cómo se calcularon las cifras", _method)]
    for number, (title, part) in enumerate(sections, start=1):
        story.append(Paragraph(f"{number}. {markup(title)}", st["h1"]))
        story += part(report, st)
    return story


def _cover(report: Report, st) -> list[Flowable]:
    entities = report.entities or ("Todas las entidades",)
    facts = [
        ("Entidad" if len(entities) == 1 else "Entidades", "; ".join(entities)),
        ("Vigencia", ", ".join(str(v) for v in report.vigencias) or "—"),
        ("Corte de seguimiento", report.corte_label.capitalize() if not report.corte
         else report.corte_label),
        ("Filtros aplicados", report.description),
        ("Generado", es_co.datetime_text(report.generated_at)),
    ]
    rows = [[Paragraph(markup(k), st["head"]),
             Paragraph(markup(blocks.clip(v, TEXT_W - 4 * cm - blocks.CELL_PADDING)), st["cell"])]
            for k, v in facts]
    table = Table(rows, colWidths=[4 * cm, TEXT_W - 4 * cm])
    table.setStyle(blocks.grid_style(header=False))
    parts: list[Flowable] = [
        Paragraph("Informe de avance · rendición de cuentas", st["kicker"]),
        Paragraph(markup(report.plan_heading), st["title"]),
        Paragraph(markup(blocks.clip(report.entity_heading, TEXT_W, lines=3, font=BOLD,
                                     size=15)), st["entity"]),
        table,
    ]
    if report.consolidated:
        parts.append(Spacer(1, 4))
        parts.append(Paragraph(markup(report.consolidated), st["note"]))
    if report.narrowed:
        parts.append(Spacer(1, 4))
        parts.append(Paragraph("Este informe muestra solo una parte del plan: la que cumple "
                               "los filtros de arriba.", st["note"]))
    return parts


def _overall(report: Report, st) -> list[Flowable]:
    k = report.kpis
    counts = [("Actividades", k["Actividades"]), ("Cumplidas", k["Cumplidas"]),
              ("En curso", k["En curso"]), ("Vencidas", k["Vencidas"]),
              ("Sin reporte", k["Sin reporte"]), ("No programadas", k["No programadas"])]
    if int(k["Sin seguimiento"]):
        counts.append(("Sin seguimiento", k["Sin seguimiento"]))
    width = TEXT_W / len(counts)
    figures = Table([[Paragraph(markup(es_co.integer(v)), st["big"]) for _, v in counts],
                     [Paragraph(markup(n), st["cell"]) for n, _ in counts]],
                    colWidths=[width] * len(counts))
    figures.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8),
                                 ("BOX", (0, 0), (-1, -1), 0.6, GRID),
                                 ("LINEAFTER", (0, 0), (-2, -1), 0.4, GRID),
                                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("TOPPADDING", (0, 0), (-1, 0), 5)]))
    legend = "; ".join(f"{semaforo.label(c)}: {text}" for c, text in
                       report.filters.umbrales.legend())
    parts: list[Flowable] = [
        blocks.SemaforoBadge(report.semaforo, report.average),
        Spacer(1, 6),
        Paragraph(f"<b>Cómo se calculó el avance general:</b> {markup(report.average_text)}",
                  st["base"]),
        Paragraph(f"<b>Semáforo.</b> {markup(legend)}.", st["note"]),
        Spacer(1, 4),
        figures,
        Spacer(1, 3),
        Paragraph(markup(NOTES["estado"]), st["note"]),
    ]
    if report.count:
        parts += [Paragraph("Actividades por estado al corte", st["h2"]),
                  blocks.chart(charts.states(report.states)),
                  Paragraph("Actividades por color del semáforo", st["h2"]),
                  blocks.chart(charts.semaforos(report.semaforos, report.filters.umbrales))]
    return parts


def _entities(report: Report, st) -> list[Flowable]:
    columns = [("Entidad", 6.0), ("Último seguimiento", 2.2), ("Actividades", 1.7),
               ("Con avance", 1.5), (AVANCE, 1.8), ("Semáforo", 2.0), ("Cumplidas", 1.7),
               ("Vencidas", 1.6), ("Sin seguimiento", 1.9)]
    return [Paragraph("Cada entidad con sus cifras al corte; el estado de cada actividad es "
                      "el de su último reporte hasta esa fecha.", st["intro"]),
            blocks.table(report.comparison, columns, st),
            Spacer(1, 4),
            Paragraph("El informe completo de una entidad (fases, dependencias, trimestres, "
                      "cumplidas, dificultades y próximos pasos) se obtiene eligiéndola en la "
                      "barra lateral del tablero.", st["note"])]


def _phases(report: Report, st) -> list[Flowable]:
    df = phase_rows(report.phases)
    if df.empty:
        return [Paragraph("Ninguna actividad cumple los filtros.", st["base"])]
    parts: list[Flowable] = [Paragraph(markup(NOTES["fases"]), st["intro"])]
    charted = followed_up(df)
    if charted[AVANCE].notna().any():
        for start in range(0, len(charted), CHART_ROWS):
            rows = charted.iloc[start:start + CHART_ROWS]
            parts.append(blocks.chart(charts.averages(rows, "Fase", report.filters.umbrales)))
    else:
        parts.append(Paragraph("Ninguna fase tiene todavía avance numérico al corte.",
                               st["base"]))
    parts.append(_summary_table(report, df, "Fase", st))
    return parts


def _offices(report: Report, st) -> list[Flowable]:
    df = report.offices
    if df.empty:
        return [Paragraph("Ninguna actividad cumple los filtros.", st["base"])]
    charted = followed_up(df)
    parts: list[Flowable] = [Paragraph(markup(NOTES["dependencias"]), st["intro"])]
    if charted[AVANCE].notna().any():
        shown = charted.head(MAX_CHART_ROWS)
        for start in range(0, len(shown), CHART_ROWS):
            parts.append(blocks.chart(charts.averages(shown.iloc[start:start + CHART_ROWS],
                                                "Dependencia", report.filters.umbrales)))
        if len(charted) > MAX_CHART_ROWS:
            parts.append(Paragraph(f"La gráfica muestra las {MAX_CHART_ROWS} dependencias de "
                                   "menor avance; la tabla las incluye todas.", st["note"]))
    else:
        parts.append(Paragraph("Ninguna dependencia tiene todavía avance numérico al corte.",
                               st["base"]))
    parts.append(_summary_table(report, df, "Dependencia", st))
    return parts


def _summary_table(report: Report, df: pd.DataFrame, label: str, st) -> Table:
    columns = ([("Entidad", 3.2)] if report.several else []) + [
        (label, 4.8), ("Actividades", 1.6), ("Con avance", 1.5), (AVANCE, 1.8),
        ("Semáforo", 2.0), ("Cumplidas", 1.5), ("Vencidas", 1.5), ("Sin reporte", 1.5)]
    return blocks.table(df, columns, st)


def _periods(report: Report, st) -> list[Flowable]:
    df = report.periods
    if df.empty:
        return [Paragraph("Los planes seleccionados aún no tienen ningún corte de seguimiento "
                          "hasta la fecha elegida: no hay avance que mostrar por trimestre.",
                          st["base"])]
    umbrales = report.filters.umbrales
    table_df = df.assign(Semáforo=[semaforo.label(umbrales.classify(v))
                                         for v in df[AVANCE]])
    columns = ([("Entidad", 3.2)] if report.several else []) + [
        ("Corte", 4.2), ("Actividades", 1.7), ("Programadas hasta el corte", 2.3),
        ("Cumplidas al corte", 2.0), ("Vencidas", 1.6), ("Con avance", 1.6), (AVANCE, 1.9),
        ("Semáforo", 2.0)]
    return [Paragraph(markup(NOTES["trimestres"]), st["intro"]),
            Paragraph("Programado frente a cumplido en cada corte", st["h2"]),
            blocks.chart(charts.planned_vs_done(df)),
            Paragraph("Avance promedio acumulado en cada corte", st["h2"]),
            blocks.chart(charts.average_by_period(df, umbrales)),
            blocks.table(table_df, columns, st)]


def _completed(report: Report, st) -> list[Flowable]:
    return _activity_list(report, report.completed, NOTES["cumplidas"],
                          "Ninguna actividad está cumplida al corte.",
                          [("Código", 1.3), ("Actividad", 5.6), ("Dependencias", 3.4),
                           ("Evidencia", 4.0), ("Observación", 3.6)], st)


def _difficulties(report: Report, st) -> list[Flowable]:
    return _activity_list(report, report.difficulties, NOTES["dificultades"],
                          "Ninguna actividad está vencida ni sin reporte, y ninguna en curso "
                          "trae observaciones.",
                          [("Código", 1.3), ("Actividad", 5.2), ("Estado", 1.9),
                           ("Avance (%)", 1.6), ("Fecha límite", 2.0), ("Dependencias", 3.0),
                           ("Observación", 3.6)], st)


def _next_steps(report: Report, st) -> list[Flowable]:
    return _activity_list(report, report.next_steps, NOTES["proximos"],
                          "Ninguna actividad sin cumplir tiene fecha límite igual o posterior al corte.",
                          [("Fecha límite", 2.0), ("Código", 1.3), ("Actividad", 7.0),
                           ("Estado", 2.1), ("Avance (%)", 1.6), ("Dependencias", 4.0)], st)


def _activity_list(report: Report, df: pd.DataFrame, note: str, if_empty: str,
                   columns: list[tuple[str, float]], st) -> list[Flowable]:
    if not report.listed:
        topic = next(key for key, text in NOTES.items() if text == note)
        return [Paragraph(markup(note), st["intro"]),
                Paragraph(markup(unlisted_text(report, topic)), st["base"])]
    if df.empty:
        return [Paragraph(markup(note), st["intro"]), Paragraph(markup(if_empty), st["base"])]
    if report.several:
        columns = [("Entidad", 2.8)] + columns
    if df["Código"].isna().all():
        columns = [c for c in columns if c[0] != "Código"]
    return [Paragraph(markup(note) + f" ({es_co.plural(len(df), 'actividad', 'actividades')}.)",
                      st["intro"]), blocks.table(df, columns, st)]


def _method(report: Report, st) -> list[Flowable]:
    legend = "; ".join(f"{semaforo.label(c)}: {text}"
                       for c, text in report.filters.umbrales.legend())
    items = [
        ("Avance general", report.average_text
         + " Es el mismo cálculo del tablero (página Resumen) con los mismos filtros."),
        ("Estado de cada actividad", NOTES["estado"]),
        ("Semáforo", legend + ". El color nunca va solo: cada uno tiene su forma y su nombre."),
        ("Avance por fase", NOTES["fases"]),
        ("Avance por dependencia", NOTES["dependencias"]),
        ("Avance por trimestre", NOTES["trimestres"]),
        ("Actividades cumplidas", NOTES["cumplidas"]),
        ("Dificultades y observaciones", NOTES["dificultades"]),
        ("Próximos pasos", NOTES["proximos"]),
        ("Valores que no son avances", NOTES["valores"]),
    ]
    if report.several:  # the consolidated report has no sections by topic
        items = [item for item in items if item[0] in (
            "Avance general", "Estado de cada actividad", "Semáforo",
            "Valores que no son avances")]
    parts: list[Flowable] = [Paragraph(f"<b>{markup(name)}.</b> {markup(text)}", st["base"])
                             for name, text in items]
    if not report.sources.empty:
        parts.append(Paragraph("Archivos de los que salen las cifras", st["h2"]))
        columns = [("Entidad", 3.6), ("Vigencia", 1.5), ("Archivo", 6.3), ("Importado el", 2.6),
                   (quality.TO_FIX, 1.4), (quality.TO_CHECK, 1.4), (quality.NOT_ACTIVITIES, 1.6)]
        parts.append(blocks.table(report.sources, columns, st))
    return parts
