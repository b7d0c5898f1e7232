"""Does what was read look like a participation plan?

The importer finds a table wherever a row has two known headers, so a file
that is not a plan (an indicator's «hoja de vida», a control board), or a
plan read through the wrong column, can come out as "activities" named
«Numerador:» or «0.000681». The checks here look at the result and say so:

- ``form_labels``: rows of label cells with their value beside them
  («Numerador:», «Meta:», «Semaforización») are a form, not a plan; the
  importer refuses the file (``form_message``).
- ``check``: file-level warnings (severity aviso, no row) when activity
  names are numbers, codes or labels; when a column that looks like progress
  was not read as progress; when declared phases come from columns holding
  numbers; when no cell of a progress column could be read.
- hidden sheets: ``hidden_*`` say what was done with them.

The word lists are in data_layer/vocab/plausibility.csv.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from data_layer.ingest import columns as col
from data_layer.ingest.rows import SheetRows
from data_layer.ingest.table import HEADER_SEARCH_ROWS, Table, row_texts
from data_layer.ingest.workbook import Sheet, column_letter
from data_layer.model import AVISO, DECLARED, INFO, Activity, Issue, ParsedPlan
from data_layer.normalise.dates import parse_month
from data_layer.normalise.text import fold
from data_layer.vocab import load_table

FORM_SCAN_ROWS = 200  # forms are short; a long table is not read twice
MIN_FORM_LABELS = 3  # distinct labels of an indicator form
FORM_ROW_SHARE = 0.3  # of the non-empty rows scanned
MAX_LABEL_CHARS = 60
ODD_NAME_SHARE = 0.5  # of a sheet's activities
MAX_ODD_NAME_CHARS = 40  # longer texts are sentences, not numbers or codes
MIN_TABLE_HEADERS = 3  # known headers in one row: a table the importer should have read
EXAMPLES = 3
MAPPING_HINT = "Cargar planes › Asistente de mapeo"

# A number, a percentage or a code, as written: "0.000681", "25 %", "1.3.", "PPC-01", "M2"
# (not "Foro 1": a word and a number apart are a name).
_NUMBER_OR_CODE = re.compile(r"(?:[A-Za-z]{1,5}[-_.]?)?\d+(?:[.,\-_/]\d+)*\.?\s*%?")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*\s*%?")


@lru_cache(maxsize=1)
def _vocab() -> dict[str, tuple[str, ...]]:
    words: dict[str, list[str]] = defaultdict(list)
    for row in load_table("plausibility"):
        word = row["word"] if row["check"] == "progress_sign" else fold(row["word"])
        if word:
            words[row["check"]].append(word)
    return {check: tuple(found) for check, found in words.items()}


def _has_word(folded: str, words: tuple[str, ...]) -> bool:
    padded = f" {folded} "
    return any(f" {word} " in padded for word in words)


def _quoted(texts: list[str], limit: int = EXAMPLES) -> str:
    shown = ", ".join(f"«{t[:60]}»" for t in texts[:limit])
    return shown + ("…" if len(texts) > limit else "")


def _columns_text(columns: list[col.Column]) -> str:
    return ", ".join(f"{column_letter(c.index)} («{c.label}»)" for c in columns)


# ------------------------------------------------------------ forms
def form_labels(sheet: Sheet, first_row: int = 0) -> list[str]:
    """The indicator-form labels in the rows from ``first_row`` (0-based), as
    written, when those rows read as a form; otherwise []."""
    vocabulary = set(_vocab().get("form_label", ()))
    labels: dict[str, str] = {}
    rows = form_rows = 0
    for r in range(first_row, min(first_row + FORM_SCAN_ROWS, len(sheet.values))):
        texts = row_texts(sheet, r)
        if not texts:
            continue
        rows += 1
        is_form = False
        for text in texts:
            if len(text) > MAX_LABEL_CHARS:
                continue
            folded = fold(text)
            if folded in vocabulary:
                labels.setdefault(folded, text)
                is_form = True
            elif text.endswith(":"):
                is_form = True
        form_rows += is_form
    if len(labels) >= MIN_FORM_LABELS and form_rows >= MIN_FORM_LABELS and form_rows >= FORM_ROW_SHARE * rows:
        return sorted(labels.values(), key=lambda text: not text.endswith(":"))  # «Numerador:» first
    return []


def form_message(name: str, forms: dict[str, list[str]]) -> str:
    """Why a file of forms is refused, and what a plan needs."""
    sheet, labels = next(iter(forms.items()))
    sheets = ", ".join(f"«{s}»" for s in forms)
    where = f"la hoja {sheets} tiene" if len(forms) == 1 else f"las hojas {sheets} tienen"
    return (f"El archivo «{name}» parece una hoja de vida de indicador o un tablero de control, no un "
            f"plan: {where} rótulos de formulario ({_quoted(labels, 5)}) con su valor al lado, y no "
            "una tabla con una actividad por fila. No se importó nada. Un plan de participación "
            "necesita una fila de encabezados con una columna de actividades («Actividad», «Acción», "
            "«Estrategia»…) y otras conocidas («Responsable», «Fecha», «Avance»…), y debajo una fila "
            "por actividad. Cargue el archivo del plan; si éste es el plan, escriba sus actividades "
            "como una tabla.")


def form_sheet_issue(sheet: str, labels: list[str]) -> Issue:
    return Issue(AVISO, sheet, None, None, None,
                 f"La hoja «{sheet}» parece una hoja de vida de indicador o un tablero de control "
                 f"({_quoted(labels)}…), no una tabla de actividades: no se importó. Si es parte del "
                 "plan, escriba sus actividades como una tabla con una actividad por fila.",
                 "hoja_no_es_plan")


# ------------------------------------------------------------ hidden sheets
def table_header_row(sheet: Sheet) -> int | None:
    """The first row (0-based) with at least three known headers: a table the
    importer did not read (no activity column among them), or None."""
    for r in range(min(HEADER_SEARCH_ROWS, len(sheet.values))):
        texts = row_texts(sheet, r)
        if len(set(texts)) >= MIN_TABLE_HEADERS and col.header_score(texts) >= MIN_TABLE_HEADERS:
            return r
    return None


def hidden_skipped(sheet: str) -> Issue:
    return Issue(INFO, sheet, None, None, None,
                 f"La hoja «{sheet}» está oculta en Excel y tiene una tabla, pero el plan está en las "
                 "hojas visibles: no se importó. Si es parte del plan, muéstrela en Excel (clic "
                 "derecho en las pestañas › Mostrar) y cargue el archivo de nuevo.", "hoja_oculta_omitida")


def hidden_used(sheet: str) -> Issue:
    return Issue(AVISO, sheet, None, None, None,
                 f"Las actividades se tomaron de la hoja «{sheet}», que está oculta en Excel: ninguna "
                 "hoja visible tiene una tabla de actividades. Revise que sea el plan y no una hoja "
                 "auxiliar (pesos, listas, cálculos); si lo es, muéstrela en Excel (clic derecho en "
                 "las pestañas › Mostrar) para que quien abra el archivo la vea.", "hoja_oculta")


def hidden_refusal(name: str, visible: Sheet, header_row: int, hidden: list[str]) -> str:
    """A visible sheet holds a table the importer could not read, and only a
    hidden sheet had one it could: the hidden one must not be taken instead.
    (The page offers the mapping assistant for messages that start so.)"""
    sheets = ", ".join(f"«{s}»" for s in hidden)
    return (f"No se encontró una tabla de actividades en la hoja visible «{visible.name}» de «{name}», "
            f"aunque su fila {header_row + 1} tiene encabezados de tabla: no se reconoció cuál columna "
            "es la actividad. Las únicas tablas reconocidas están en hojas ocultas "
            f"({sheets}), que suelen ser auxiliares (pesos, listas): no se importaron. Indique las "
            f"columnas de la hoja «{visible.name}» con el asistente de mapeo (Cargar planes) o agregue "
            "el encabezado de la columna de actividades a data_layer/vocab/headers.csv; si el plan "
            "es la hoja oculta, muéstrela en Excel y cargue el archivo de nuevo.")


# ------------------------------------------------------------ checks of the result
def check(plan: ParsedPlan, sheet_rows: list[SheetRows]) -> list[Issue]:
    """File-level warnings about what was read (see the module docstring)."""
    by_sheet: dict[str, list[Activity]] = defaultdict(list)
    for act in plan.activities:
        by_sheet[act.sheet].append(act)
    issues = []
    for rows in sheet_rows:
        acts = by_sheet.get(rows.table.sheet.name, [])
        for found in (_odd_names(rows.table, acts), _unread_progress(rows.table, plan.year),
                      _numeric_phases(rows, acts)):
            if found:
                issues.append(found)
        issues.extend(_unreadable_progress(rows))
    return issues


def odd_name(name: str) -> bool:
    """A number, a code or a form label where an activity's name should be."""
    if len(name) > MAX_ODD_NAME_CHARS:
        return False
    if name.rstrip().endswith(":"):
        return True
    return bool(_NUMBER_OR_CODE.fullmatch(name.strip())) or fold(name) in _vocab().get("form_label", ())


def _odd_names(table: Table, acts: list[Activity]) -> Issue | None:
    odd = [a.name for a in acts if odd_name(a.name)]
    if not odd or len(odd) < ODD_NAME_SHARE * len(acts):
        return None
    column = table.column("name")
    sheet = table.sheet.name
    return Issue(AVISO, sheet, None, None, None,
                 f"En la hoja «{sheet}», {len(odd)} de {len(acts)} actividades tienen por nombre un "
                 f"número, un código o un rótulo ({_quoted(odd)}): la columna "
                 f"{_columns_text([column])} no parece ser la de las actividades. Indique cuál es en "
                 f"{MAPPING_HINT}, o agregue su encabezado a data_layer/vocab/headers.csv (campo name).",
                 "actividades_sospechosas")


def looks_like_progress(header: str) -> bool:
    """A header a person would read as progress: «%», «avance», «T1», «Ene-Mar»…"""
    vocab = _vocab()
    folded = fold(header)
    if _has_word(folded, vocab.get("not_progress", ())):
        return False
    if any(sign in header for sign in vocab.get("progress_sign", ())):
        return True
    if _has_word(folded, vocab.get("progress_word", ())):
        return True
    return sum(1 for word in folded.split() if parse_month(word)) >= 2  # a range: «Ene-Mar»


def _unread_progress(table: Table, year: int | None) -> Issue | None:
    # A repeated header ("Avance T1" twice) is reported as such (encabezado_repetido);
    # the columns of other years than the vigencia, as such (otros_anos).
    used = {c.label for c in table.columns if c.kind != col.EXTRA}
    dates = _vocab().get("not_progress_leaf", ())
    unread = [c for c in table.of_kind(col.EXTRA)
              if c.path and c.label not in used and not (c.year and year and c.year != year)
              and not fold(c.path[-1]).startswith(dates) and looks_like_progress(" ".join(c.path))]
    if not unread:
        return None
    sheet = table.sheet.name
    which = f"la columna {_columns_text(unread)} parece" if len(unread) == 1 else (
        f"las columnas {_columns_text(unread)} parecen")
    return Issue(AVISO, sheet, None, None, None,
                 f"En la hoja «{sheet}», {which} de avance, pero no se leyó como avance: se guardó como "
                 "texto y el tablero no tiene lecturas de ahí. Si es el avance, indique su periodo en "
                 f"{MAPPING_HINT} («Avance — Trimestre I»…) o agregue el encabezado a "
                 "data_layer/vocab/headers.csv o periods.csv; si no lo es, márquela allí como «No "
                 "importar esta columna».", "avance_sin_leer")


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return bool(_NUMBER.fullmatch(str(value).strip()))


def _numeric_phases(rows: SheetRows, acts: list[Activity]) -> Issue | None:
    """Columns headed by a phase that hold numbers: either their numbers were
    taken as X marks (declared phases that may not be true), or the importer
    saw figures and did not take them as marks (then the phase was inferred,
    and the person should know why)."""
    table = rows.table
    numeric, examples = [], []
    candidates = table.of_kind(col.PHASE_MARK) + [
        c for c in table.of_kind(col.EXTRA)
        if c.path and col.phase_heading(c.path[-1]) and not looks_like_progress(" ".join(c.path))]
    for column in candidates:
        values = [raw.texts[column.index] for raw in rows.activities if column.index in raw.texts]
        numbers = [raw.texts[column.index] for raw in rows.activities
                   if column.index in raw.texts and _is_number(raw.cells[column.index])]
        if values and len(numbers) * 2 >= len(values):
            numeric.append(column)
            examples += [t for t in numbers if t not in examples]
    if not numeric:
        return None
    numeric.sort(key=lambda c: c.index)
    sheet = table.sheet.name
    marks = [c for c in numeric if c.kind == col.PHASE_MARK]
    if not marks:
        which = (f"la columna {_columns_text(numeric)} tiene" if len(numeric) == 1
                 else f"las columnas {_columns_text(numeric)} tienen")
        return Issue(AVISO, sheet, None, None, None,
                     f"En la hoja «{sheet}»: {which} nombre de fase pero números o porcentajes "
                     f"({_quoted(examples)}), no marcas X: no se tomaron como la fase de las "
                     "actividades (se guardaron como texto) y la fase de cada actividad se dedujo de "
                     f"su redacción. Si son avances, indíquelo en {MAPPING_HINT} («Avance — …»); si la "
                     "fase se marca con X, deje sólo la X en la columna de su fase.", "fase_desde_numeros")
    headings = {c.path[-1] for c in marks}
    declared = sum(1 for a in acts if a.phase_source == DECLARED and a.phase_raw in headings)
    which = (f"la columna {_columns_text(marks)}, que tiene" if len(marks) == 1
             else f"las columnas {_columns_text(marks)}, que tienen")
    return Issue(AVISO, sheet, None, None, None,
                 f"En la hoja «{sheet}», la fase de {declared} actividades se tomó de {which} números "
                 f"o porcentajes ({_quoted(examples)}) y no marcas X: esas fases declaradas pueden no "
                 f"ser ciertas. Si son porcentajes o avances, indíquelo en {MAPPING_HINT} («Otra "
                 "columna» o «Avance — …»); si la fase se marca con X, deje sólo la X en la columna de "
                 "su fase.", "fase_desde_numeros")


def _unreadable_progress(rows: SheetRows) -> list[Issue]:
    """Progress columns where every written cell was reported unreadable."""
    table = rows.table
    unreadable = Counter(i.column for i in rows.issues if i.code == "avance_ilegible")
    issues = []
    sheet = table.sheet.name
    for column in table.of_kind(col.PROGRESS):
        count = unreadable.get(column_letter(column.index))
        if not count:
            continue
        written = [raw.texts[column.index] for raw in rows.activities if column.index in raw.texts]
        if len(written) != count:
            continue
        issues.append(Issue(AVISO, sheet, None, None, None,
                            f"En la hoja «{sheet}», ninguna de las {count} celdas escritas de la "
                            f"columna {_columns_text([column])} se pudo leer como avance "
                            f"({_quoted(list(dict.fromkeys(written)))}): ese periodo queda ilegible en "
                            "el tablero. Corrija las fórmulas o escriba los porcentajes en el archivo y "
                            "cárguelo de nuevo; si la columna no es de avance, márquela en "
                            f"{MAPPING_HINT}.", "avance_todo_ilegible"))
    return issues
