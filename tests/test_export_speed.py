"""The downloads written column by column are the bytes the cell-by-cell writer made.

``data_layer.export`` formats each distinct value of a column once and joins
the rows from those texts (CSV), or streams rows of prepared cells into a
write-only workbook (XLSX). The reference below is the cell-by-cell writer it
replaced, copied as it was: every table the dashboard offers for download, a
hostile table and random tables must come out byte for byte the same (the
XLSX: every part of the file, except the creation time in docProps/core.xml).
"""
from __future__ import annotations

import csv
import inspect
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from data_layer import es_co, export, plans, preview, quality, queries, store, synth
from data_layer.filters import Filters
from data_layer.ingest import read_plan
from tests.conftest import CARTAGO, SANATORIO

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"

# --- the reference: data_layer/export.py as it was, cell by cell -------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def ref_visible(df: pd.DataFrame) -> pd.DataFrame:
    return df[[column for column in df.columns if not str(column).startswith("_")]]


def ref_neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def ref_decimals_for(column: str) -> int | None:
    return 1 if ("%" in column or "puntos" in column) else None


def ref_cell_text(value: object, column: str = "", for_spreadsheet: bool = True) -> str:
    if es_co.is_missing(value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "Sí" if value else "No"
    if isinstance(value, datetime):
        has_time = (value.hour, value.minute, value.second) != (0, 0, 0)
        return es_co.datetime_text(value) if has_time else es_co.date_text(value)
    if isinstance(value, date):
        return es_co.date_text(value)
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        return _ref_number_text(float(value), column)
    return ref_neutralise(str(value)) if for_spreadsheet else str(value)


def _ref_number_text(value: float, column: str) -> str:
    places = ref_decimals_for(column)
    if places is not None:
        return es_co.number(value, places, thousands=False)
    text = es_co.number(value, 2, thousands=False)
    return text.rstrip("0").rstrip(",") if "," in text else text


def ref_to_csv_bytes(df: pd.DataFrame, description: str) -> bytes:
    table = ref_visible(df)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(column) for column in table.columns])  # the header first
    columns = list(table.columns)
    for row in table.itertuples(index=False, name=None):
        writer.writerow([ref_cell_text(value, str(col)) for value, col in zip(row, columns,
                                                                              strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def ref_to_xlsx_bytes(df: pd.DataFrame, description: str) -> bytes:
    table = ref_visible(df)
    book = Workbook()
    book.properties.creator = "Tablero de Participación Ciudadana"
    sheet = book.active
    sheet.title = "Datos"
    sheet.append([str(column) for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    columns = [str(column) for column in table.columns]
    for row in table.itertuples(index=False, name=None):
        sheet.append([_ref_xlsx_value(value) for value in row])
    for index, column in enumerate(columns, start=1):
        _ref_format_column(sheet, index, column, table)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("Filtros")
    notes["A1"] = "Filtros aplicados"
    notes["A1"].font = Font(bold=True)
    notes["A2"] = description
    notes["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ref_xlsx_value(value: object) -> object:
    if es_co.is_missing(value):
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "Sí" if value else "No"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        has_time = (value.hour, value.minute, value.second) != (0, 0, 0)
        return value if has_time else value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (int, float)):
        return value
    return ref_neutralise(str(value))


def _ref_format_column(sheet, index: int, column: str, table: pd.DataFrame) -> None:
    letter = get_column_letter(index)
    places = ref_decimals_for(column)
    longest = max([len(column)] + [len(ref_cell_text(v, column)) for v in table[column].head(200)])
    sheet.column_dimensions[letter].width = min(max(10, longest + 2), 60)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
        if isinstance(cell.value, datetime):
            cell.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(cell.value, date):
            cell.number_format = "DD/MM/YYYY"
        elif isinstance(cell.value, float) and places is not None:
            cell.number_format = "0.0"
        elif isinstance(cell.value, str):
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=len(cell.value) > 60, vertical="top")


# --- comparing ---------------------------------------------------------------

_TIMES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:(created|modified)>")


def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, _TIMES.sub(b"", archive.read(name)) if name == "docProps/core.xml"
                 else archive.read(name)) for name in archive.namelist()]


def _outcome(write, df: pd.DataFrame, description: str) -> bytes | type:
    try:
        return write(df, description)
    except Exception as error:  # noqa: BLE001 - the same failure is the same outcome
        return type(error)


def assert_same_csv(df: pd.DataFrame, description: str = "prueba; con \"comillas\"") -> bytes:
    expected = _outcome(ref_to_csv_bytes, df, description)
    got = _outcome(export.to_csv_bytes, df, description)
    assert got == expected
    return got


def assert_same_xlsx(df: pd.DataFrame, description: str = "prueba") -> None:
    expected = _outcome(ref_to_xlsx_bytes, df, description)
    got = _outcome(export.to_xlsx_bytes, df, description)
    if isinstance(expected, bytes) and isinstance(got, bytes):
        assert _parts(got) == _parts(expected)
    else:
        assert got == expected


# --- every table of the known database ----------------------------------------

FILTERS = [
    Filters(),
    Filters(entidad=(CARTAGO,), corte=date(2024, 9, 30)),
    Filters(entidad=(SANATORIO,)),
]


def _page_tables(con) -> dict[str, pd.DataFrame]:
    """Every (con, filters) table of queries and quality, for each FILTERS."""
    found = {}
    for module in (queries, quality):
        for name in dir(module):
            function = getattr(module, name)
            if name.startswith("_") or not inspect.isfunction(function) \
                    or function.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(function).parameters.values())
            if [p.name for p in parameters[:2]] != ["con", "filters"] or any(
                    p.default is inspect.Parameter.empty for p in parameters[2:]):
                continue
            for number, filters in enumerate(FILTERS):
                result = function(con, filters)
                if isinstance(result, pd.DataFrame):
                    found[f"{module.__name__}.{name}[{number}]"] = result
    for activity in queries.activities_table(con, Filters())["_id"].tolist()[:6]:
        found[f"history {activity}"] = queries.activity_history(con, int(activity))
        found[f"schedule {activity}"] = queries.activity_schedule(con, int(activity))
        found[f"detail {activity}"] = queries.activity_detail(con, Filters(), int(activity))
    found["plans"] = plans.list_plans(con)
    found["history"] = plans.import_history(con)
    return found


def test_every_table_of_the_dashboard_is_written_the_same(con):
    tables = _page_tables(con)
    names = {name.split("[")[0] for name in tables}
    for expected in ("data_layer.queries.activities_table", "data_layer.queries.kpis",
                     "data_layer.queries.entity_comparison", "data_layer.queries.states_summary",
                     "data_layer.queries.office_ranking", "data_layer.queries.phase_summary",
                     "data_layer.queries.changes_since_previous_cutoff",
                     "data_layer.quality.plan_quality", "data_layer.quality.import_issues",
                     "data_layer.quality.skipped_rows", "data_layer.quality.import_report"):
        assert expected in names
    for name, table in tables.items():
        description = f"Tabla {name}; {len(table)} filas"
        assert_same_csv(table, description)
        assert_same_xlsx(table, description)
        assert_same_csv(table.head(0), description)
        assert_same_csv(table.iloc[::-1], description)


@pytest.mark.parametrize("sample", sorted(path.name for path in SAMPLES.glob("*.xlsx")))
def test_the_import_preview_tables_are_written_the_same(sample):
    plan = read_plan(SAMPLES / sample)
    for frame in (preview.columns_frame(plan), preview.activities_frame(plan),
                  preview.offices_frame(plan), preview.report_frame(plan)):
        assert_same_csv(frame)
        assert_same_xlsx(frame)


@pytest.fixture(scope="module")
def synthetic_activities(tmp_path_factory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("synth") / "synth.duckdb"
    synth.write_database(path, 5000)
    cursor = store.Database(path).cursor()
    try:
        latest = queries.corte_options(cursor, Filters())["_corte"].iloc[0]
        return queries.activities_table(cursor, Filters(corte=latest))
    finally:
        cursor.close()


def test_synthetic_activities_are_written_the_same(synthetic_activities):
    table = synthetic_activities
    assert len(table) == 5000
    data = assert_same_csv(table, Filters().describe(len(table)))
    assert data.count(b"\r\n") == 5000 + 1
    with mock.patch.object(export, "CSV_BLOCK_ROWS", 7):  # blocks that end mid-table
        assert_same_csv(table)
    assert_same_xlsx(table.head(1500))
    assert_same_xlsx(table.tail(700))


def test_each_distinct_value_is_formatted_once(synthetic_activities):
    """The speed comes from here: a call per distinct value, not per cell."""
    table = export.visible(synthetic_activities)
    distinct = sum(table[column].nunique(dropna=False) + 1 for column in table.columns)
    calls = []
    real = export.cell_text

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    with mock.patch.object(export, "cell_text", counted):
        data = export.to_csv_bytes(table, "prueba")
    assert data == ref_to_csv_bytes(table, "prueba")
    assert len(calls) <= distinct < table.size / 10


# --- hostile values ---------------------------------------------------------------

HOSTILE_TEXT = ["=1+1", "+57 300", "-SIAU", "@SUM(A1)", "\tcon tab", "\rcon cr", "a;b",
                'dice "hola"', "línea\nnueva", "cr\r\nlf", "😀 fuera del plano básico", "",
                " ", "'ya", "#N/A", "=", "-", "ñandú", "x" * 70, "\u00a0", "\ufeff", "\x00?"]


def hostile_frame() -> pd.DataFrame:
    n = 24
    texts = (HOSTILE_TEXT * 2)[:n]
    mixed = [None, float("nan"), pd.NA, pd.NaT, np.nan, True, 1, 1.0, -0.0, 0.0, np.int64(3),
             np.float64(2.5), np.bool_(False), date(2024, 3, 1), datetime(2024, 3, 1),
             datetime(2024, 3, 1, 14, 5), pd.Timestamp("2024-03-01 00:00:00.5"), "=x",
             Decimal("1.50"), 10**20, "", "texto", 1e20, 0.1 + 0.2]
    floats = [np.nan, 1e20, -0.0, 0.0, 0.1 + 0.2, 1.0, 2.5, -3.25, 0.05, 0.15, 0.25, 1e-9,
              float("inf"), float("-inf"), 123456789.125, 3.0, -0.0, 57.857142857, 100.0, 99.95,
              1234.5, -1e15, 5e-324, 0.0]
    stamps = pd.to_datetime(["2024-03-01", None, "2024-03-01 14:05", "2024-03-01 00:00:30",
                             "1999-12-31 23:59"] * 5, format="ISO8601")[:n]
    frame = {
        "Texto": texts,
        "Texto str": pd.array(texts, dtype="str"),
        "Texto string": pd.array([*texts[:-2], None, None], dtype="string"),
        "Texto python": pd.array([*texts[:-2], None, None], dtype="string[python]"),
        "Objetos": pd.Series(mixed, dtype=object),
        "Avance (%)": floats,
        "Cambio (puntos)": floats[::-1],
        "Número": floats,
        "Entero como real": [float(i % 5) for i in range(n)],
        "Entero": np.arange(n, dtype=np.int64) * 10**15,
        "Entero 32": np.arange(n, dtype=np.int32) - 5,
        "Entero nulo": pd.array([None if i % 4 == 0 else i for i in range(n)], dtype="Int64"),
        "Real nulo (%)": pd.array([None if i % 3 == 0 else i / 3 for i in range(n)],
                                  dtype="Float64"),
        "Booleano": [i % 3 == 0 for i in range(n)],
        "Booleano nulo": pd.array([None if i % 5 == 0 else i % 2 == 0 for i in range(n)],
                                  dtype="boolean"),
        "Fecha": [date(2022, 3, 30) if i % 2 else None for i in range(n)],
        "Fecha y hora": stamps,
        "Fecha ns": stamps.as_unit("ns"),
        "Fecha con zona": stamps.tz_localize("America/Bogota"),
        "Categoría": pd.Categorical((["=a", None, "b", "b;c"] * 6)[:n]),
        "Vacía": [None] * n,
        "Sí y uno": pd.Series(([True, 1, False, 0, "1", None, "Sí"] * 4)[:n], dtype=object),
        "Unos": pd.Series(([1, "1", date(2024, 1, 1), None, 0, -1] * 4)[:n], dtype=object),
        "_oculta": range(n),
    }
    return pd.DataFrame(frame)


def test_a_hostile_table_is_written_the_same():
    frame = hostile_frame()
    assert_same_csv(frame)
    for column in frame.columns:
        assert_same_csv(frame[[column]])
        assert_same_csv(frame[[column]].iloc[::-1])
    xlsx_safe = frame.drop(columns=["Fecha con zona"])  # Excel keeps no time zone: both refuse
    with pytest.raises(TypeError):
        export.to_xlsx_bytes(frame[["Fecha con zona"]], "prueba")
    clean = xlsx_safe.replace({"\x00?": "nul"})
    assert_same_xlsx(clean)
    assert_same_xlsx(xlsx_safe)  # an illegal character: the same error


@pytest.mark.parametrize("frame", [
    pd.DataFrame(),
    pd.DataFrame(index=range(3)),
    pd.DataFrame({"a": []}),
    pd.DataFrame({"a": pd.Series([], dtype="str"), "Avance (%)": pd.Series([], dtype=float)}),
    pd.DataFrame({"_solo_oculta": [1, 2]}),
    pd.DataFrame({"Sola": ["", "", "x", None]}),
    pd.DataFrame({"Sola": [None, None]}),
    pd.DataFrame({"Sola": pd.array(["", None], dtype="string")}),
    pd.DataFrame([[1, "=a", 2.5]], columns=["a", "a", "Avance (%)"]),
    pd.DataFrame({0: [1.5], 1: ["x"]}),
    pd.DataFrame({"Hora": pd.to_datetime(["2024-01-01 10:00", "2024-01-02"], format="ISO8601"),
                  "Avance (%)": [1.5, 2.0], "Día": [date(2024, 1, 1), None]}),
    pd.DataFrame({"Día": [None, date(2024, 1, 1)],
                  "Hora": pd.to_datetime(["2024-01-01 10:00", "2024-01-02"], format="ISO8601"),
                  "Avance (%)": [1.5, 2.0]}),
    pd.DataFrame({"Avance (%)": [np.nan, 2.0], "Día": [None, date(2024, 1, 1)],
                  "Texto": ["x", "y" * 61],
                  "Hora": pd.to_datetime(["2024-01-02", "2024-01-01 10:00"], format="ISO8601")}),
], ids=["empty", "rows-no-columns", "no-rows", "typed-no-rows", "only-hidden", "one-column",
        "one-column-missing", "one-column-string", "duplicate-names", "integer-names",
        "time-then-day", "day-then-time", "formats-late"])
def test_edge_tables_are_written_the_same(frame):
    assert_same_csv(frame)
    assert_same_xlsx(frame)


# --- random tables ----------------------------------------------------------------

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
XLSX_SETTINGS = settings(max_examples=60, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TEXT = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.builds(lambda start, rest: start + rest,
              st.sampled_from(["=", "+", "-", "@", "\t", "\r", ";", '"', "\n", "😀", " "]),
              st.text(max_size=5).filter(lambda text: not re.search("[\ud800-\udfff]", text))),
)
FLOAT = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                  st.sampled_from([-0.0, 0.0, 1e20, 0.1 + 0.2, 0.05, 0.15, 2.5, 0.25, 1.0,
                                   -1.0, 3.0, 1e-7, 99.95, 123456789.125, float("nan")]))
INT = st.one_of(st.integers(-(2**63), 2**63 - 1), st.integers(-5, 5))
DAY = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
MOMENT = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31))
MISSING = st.sampled_from([None, float("nan"), pd.NA, pd.NaT, np.nan])
ANYTHING = st.one_of(TEXT, FLOAT, INT, st.booleans(), DAY, MOMENT, MISSING,
                     st.builds(pd.Timestamp, MOMENT), st.builds(np.float64, FLOAT),
                     st.builds(np.int64, st.integers(-(2**63), 2**63 - 1)),
                     st.builds(np.bool_, st.booleans()), st.sampled_from([Decimal("1.50")]))


def _column(kind: str, values: list) -> pd.Series | pd.api.extensions.ExtensionArray:
    if kind == "float":
        return pd.Series(values, dtype="float64")
    if kind == "float32":
        return pd.Series(values, dtype="float32")
    if kind == "int":
        return pd.Series(values, dtype="int64")
    if kind == "bool":
        return pd.Series(values, dtype=bool)
    if kind in ("Int64", "boolean", "Float64", "string", "str", "string[python]",
                "double[pyarrow]", "int64[pyarrow]", "bool[pyarrow]", "timestamp[us][pyarrow]"):
        return pd.Series(pd.array(values, dtype=kind))
    if kind == "category":
        return pd.Series(pd.Categorical(values))
    if kind == "datetime":
        return pd.Series(pd.to_datetime(values), dtype="datetime64[us]")
    if kind == "datetime_ns":
        return pd.Series(pd.to_datetime([None if v is None else pd.Timestamp(v)
                                         for v in values]).as_unit("ns"))
    return pd.Series(values, dtype=object)


VALUES = {
    "float": FLOAT, "float32": st.floats(width=32, allow_nan=True), "int": INT,
    "bool": st.booleans(),
    "Int64": st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
    "Float64": st.one_of(st.none(), st.floats(allow_nan=False)),
    "boolean": st.one_of(st.none(), st.booleans()),
    "double[pyarrow]": st.one_of(st.none(), FLOAT),
    "int64[pyarrow]": st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
    "bool[pyarrow]": st.one_of(st.none(), st.booleans()),
    "timestamp[us][pyarrow]": st.one_of(st.none(), MOMENT),
    "string": st.one_of(st.none(), TEXT), "str": st.one_of(st.none(), TEXT),
    "string[python]": st.one_of(st.none(), TEXT), "category": st.one_of(st.none(), TEXT),
    "datetime": st.one_of(st.none(), MOMENT,
                          st.builds(lambda d: datetime(d.year, d.month, d.day), DAY)),
    "datetime_ns": st.one_of(st.none(), st.datetimes(min_value=datetime(1700, 1, 1),
                                                     max_value=datetime(2260, 1, 1))),
    "object_text": st.one_of(TEXT, MISSING), "object_days": st.one_of(DAY, st.none()),
    "object_numbers": st.one_of(INT, st.booleans(), FLOAT, MISSING),
    "object_plain": st.one_of(TEXT, st.integers(-2, 2), st.booleans(), DAY, st.none(),
                              st.sampled_from(["1", "0", "True"])),
    "object": ANYTHING,
}
NAMES = st.one_of(st.sampled_from(["Avance (%)", "Cambio en puntos", "Actividad", "Fecha",
                                   "x", "=a", "a;b", 'q"', "_oculta", "", "Avance (%)"]),
                  st.text(max_size=6).filter(lambda text: not re.search("[\ud800-\udfff]",
                                                                        text)))


@st.composite
def frames(draw) -> pd.DataFrame:
    rows = draw(st.integers(0, 14))
    columns = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(sorted(VALUES)))
        pool = draw(st.lists(VALUES[kind], min_size=1, max_size=4))  # repeats, as in real tables
        values = draw(st.lists(st.sampled_from(pool), min_size=rows, max_size=rows))
        series = _column(kind, values)
        series.name = draw(NAMES)
        columns.append(series.reset_index(drop=True))
    return pd.concat(columns, axis=1)


@SETTINGS
@given(frames(), st.integers(1, 5))
def test_random_tables_are_written_the_same_csv(frame, block):
    with mock.patch.object(export, "CSV_BLOCK_ROWS", block):
        assert_same_csv(frame)


@XLSX_SETTINGS
@given(frames(), st.integers(1, 5))
def test_random_tables_are_written_the_same_xlsx(frame, block):
    with mock.patch.object(export, "CSV_BLOCK_ROWS", block):
        assert_same_xlsx(frame)
