"""What makes imports fast must not change what they store.

- Many files imported in one call are written as one batch (a handful of
  statements for the whole batch, one copy of the database file): the
  database ends exactly as if the files had been imported one by one (same
  ids, same rows, same order of rows), follow-ups inside the batch included.
- A file that cannot be read, or a write that fails, leaves the database as
  it was, whatever the size of the batch.
- The normalisers remember what they read (plans repeat the same cells
  thousands of times) and skip work with exact shortcuts: each gives the same
  answer as the plain algorithm, over the vocabularies, the sample plans and
  arbitrary text.

No timings here (machines are noisy): bench/ measures them.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_layer import loader, store, synth
from data_layer.errors import PlanFileError
from data_layer.ingest import columns as col
from data_layer.ingest import read_plan
from data_layer.ingest.rows import RawActivity, split_rows
from data_layer.ingest.table import find_table
from data_layer.ingest.workbook import read_workbook
from data_layer.model import Activity, Office, ParsedPlan, Reading
from data_layer.normalise import dates, offices, phases, progress
from data_layer.normalise.text import clean, fold
from data_layer.vocab import load_table

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
CARTAGO = SAMPLES / "002_alcaldia_cartago_2024.xlsx"
CARTAGO_FOLLOW_UP = SAMPLES / "002b_alcaldia_cartago_2024_seguimiento_ILUSTRATIVO.xlsx"
TABLES = ("entity", "plan", "import_file", "activity", "activity_office", "schedule", "reading",
          "import_issue", "skipped_row")
WHEN = {"created_at", "updated_at", "imported_at"}  # the clock, not the content
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ helpers
def content(db: Path) -> dict[str, dict[str, list]]:
    """Every row of every table (timestamps masked): sorted, and in stored order."""
    con = store.connect_readonly(db)
    try:
        out = {}
        for table in TABLES:
            columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
            select = ", ".join("NULL" if c in WHEN else f"CAST({c} AS VARCHAR)" for c in columns)
            rows = con.execute(f"SELECT {select} FROM {table}").fetchall()
            out[table] = {"sorted": sorted(rows, key=repr), "stored": rows}
        return out
    finally:
        con.close()


def same_content(a: Path, b: Path) -> None:
    left, right = content(a), content(b)
    for table in TABLES:
        assert left[table]["sorted"] == right[table]["sorted"], table
        if table != "reading":  # the old writer inserted readings in join order
            assert left[table]["stored"] == right[table]["stored"], table


def summary(results: list[loader.ImportResult]) -> list[tuple]:
    return [(r.source_file, r.status, r.entity, r.vigencia, r.plan_id, r.import_id, r.activities_added,
             r.activities_updated, r.readings_added, r.readings_changed) for r in results]


def edited_copy(source: Path, target: Path, cell: str, value) -> Path:
    book = openpyxl.load_workbook(source)
    book.worksheets[0][cell] = value
    book.save(target)
    return target


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[loader.FileSpec]:
    """Every sample plan, their follow-ups into the same plan (one of them
    correcting a reading), small synthetic plans, and the same bytes twice."""
    folder = tmp_path_factory.mktemp("lote")
    # Saved again with the same figures: other bytes than the sample copy, so
    # it lands in the plan of Cartago as its follow-up.
    follow_up = edited_copy(CARTAGO_FOLLOW_UP, folder / "cartago_seguimiento.xlsx", "W19", 0.5)
    corrected = edited_copy(CARTAGO_FOLLOW_UP, folder / "cartago_corregido.xlsx", "W19", 0.8)
    recorrected = edited_copy(corrected, folder / "cartago_recorregido.xlsx", "W19", 0.9)
    small = synth.write_workbooks(folder / "sinteticos", 6, 7)
    specs = loader.sample_specs()
    return (specs
            + [loader.FileSpec(follow_up, entity="Alcaldía de Cartago"),
               loader.FileSpec(corrected, entity="Alcaldía de Cartago")]
            + [loader.FileSpec(path) for path in small]
            + [specs[0],  # the same bytes again: nothing changes
               loader.FileSpec(recorrected, entity="Alcaldía de Cartago"),
               loader.FileSpec(small[0], entity="Otra entidad")])  # same bytes: still nothing


def one_by_one(specs: list[loader.FileSpec], db: Path) -> list[loader.ImportResult]:
    results = []
    for spec in specs:
        results += loader.import_files([spec], db)
    return results


# ------------------------------------------------------------------ batches
def test_a_batch_stores_exactly_what_one_file_at_a_time_stores(files, tmp_path):
    single, batch = tmp_path / "uno_a_uno.duckdb", tmp_path / "lote.duckdb"
    expected = summary(one_by_one(files, single))
    assert summary(loader.import_files(files, batch)) == expected
    same_content(single, batch)
    # The follow-ups and corrections inside the batch did what they do alone.
    statuses = [row[1] for row in expected]
    assert statuses.count("sin_cambios") == 2
    follow_up = [row for row in expected if row[0] == "cartago_seguimiento.xlsx"][0]
    assert follow_up[6:] == (0, 9, 36, 0)
    corrected = [row for row in expected if row[0] == "cartago_corregido.xlsx"][0]
    assert corrected[6:] == (0, 9, 0, 1)
    recorrected = [row for row in expected if row[0] == "cartago_recorregido.xlsx"][0]
    assert recorrected[6:] == (0, 9, 0, 1)
    con = store.connect_readonly(batch)
    try:
        history = con.execute("""
            SELECT r.value FROM reading r JOIN activity a USING (activity_id)
            WHERE a.code = '4' AND a.plan_id = ? AND r.period_index = 4
            ORDER BY r.import_id""", [corrected[4]]).fetchall()
    finally:
        con.close()
    assert history == [(50.0,), (80.0,), (90.0,)]


def test_a_batch_over_a_database_that_already_has_the_plans(files, tmp_path):
    """Follow-ups of plans stored before: ids continue, activities and
    readings are matched against what the database holds."""
    single, batch = tmp_path / "uno_a_uno.duckdb", tmp_path / "lote.duckdb"
    for db in (single, batch):
        loader.import_files([files[1], files[2]], db)  # Cartago and its illustrative copy
    expected = summary(one_by_one(files[3:], single))
    assert summary(loader.import_files(files[3:], batch)) == expected
    same_content(single, batch)


def test_sample_database_built_in_one_batch_is_the_one_built_plan_by_plan(tmp_path):
    batch = tmp_path / "muestras.duckdb"
    assert loader.ensure_database(batch) is True
    single = tmp_path / "uno_a_uno.duckdb"
    for spec in loader.sample_specs():
        loader.import_parsed([loader.parse(spec)], single, imported_by="datos de ejemplo")
    same_content(single, batch)


def test_statements_do_not_grow_with_the_number_of_files(tmp_path):
    """The fixed cost per file was a dozen statements and a temporary table:
    a batch now costs the same statements for one file or twenty."""
    plans = [read_plan(path) for path in synth.write_workbooks(tmp_path / "planes", 20, 3)]

    class Counting:
        def __init__(self, con):
            self.con, self.statements = con, 0

        def execute(self, *args, **kwargs):
            self.statements += 1
            return self.con.execute(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self.con, name)

    counts = []
    for batch in (plans[:1], plans[1:]):
        with store.write_transaction(tmp_path / f"{len(batch)}.duckdb") as con:
            counting = Counting(con)
            results = loader.store_plans(counting, batch)
            counts.append(counting.statements)
        assert [r.status for r in results] == ["importado"] * len(batch)
    print("sentencias por lote:", counts)
    assert counts[0] == counts[1]


def test_a_bad_file_in_a_batch_is_named_and_nothing_is_written(files, tmp_path):
    db = tmp_path / "t.duckdb"
    loader.import_files([files[0]], db)
    before = db.read_bytes()
    broken = tmp_path / "roto.xlsx"
    broken.write_bytes(CARTAGO.read_bytes()[:3000])  # a truncated zip
    with pytest.raises(PlanFileError, match="roto.xlsx"):
        loader.import_files(files[1:] + [loader.FileSpec(broken)] + files[:1], db)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roto.xlsx", "t.duckdb", "t.duckdb.lock"]


def test_a_bad_first_batch_creates_no_database(files, tmp_path):
    db = tmp_path / "nueva.duckdb"
    empty = tmp_path / "vacio.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(PlanFileError, match="vacio.xlsx"):
        loader.import_files(files[:3] + [loader.FileSpec(empty)], db)
    assert not db.exists()


def _plan(name: str, readings: list[Reading], checksum: str) -> ParsedPlan:
    plan = ParsedPlan(source_file=name, checksum=checksum, file_format="xlsx", layout="prueba",
                      entity="Entidad de prueba", year=2025, sheets=["Hoja1"])
    plan.activities = [Activity(seq=1, name="Realizar la audiencia pública", sheet="Hoja1", row=5,
                                offices=[Office("Secretaría de Planeación", "Planeación")],
                                schedule=[(date(2025, 3, 1), 1.0), (date(2025, 3, 1), 2.0)],
                                readings=readings)]
    return plan


def test_a_write_that_fails_in_a_batch_leaves_the_database_as_it_was(files, tmp_path):
    """The same period read twice for one activity breaks the reading's key:
    the whole batch is refused, the earlier plans of it included."""
    db = tmp_path / "t.duckdb"
    loader.import_files([files[0]], db)
    before = db.read_bytes()
    twice = [Reading("trimestre", 1, "Trimestre I", date(2025, 3, 31), "avance", 50.0, "50%"),
             Reading("trimestre", 1, "Trimestre I", date(2025, 3, 31), "avance", 60.0, "60%")]
    good = [loader.parse(spec) for spec in files[1:4]]
    with pytest.raises(duckdb.ConstraintException):
        loader.import_parsed(good + [_plan("doble.xlsx", twice, "doble")], db)
    assert db.read_bytes() == before


def test_months_written_twice_are_summed_as_one_row(tmp_path):
    db = tmp_path / "t.duckdb"
    reading = Reading("trimestre", 1, "Trimestre I", date(2025, 3, 31), "avance", 50.0, "50%")
    result = loader.import_parsed([_plan("meses.xlsx", [reading], "meses")], db)[0]
    assert (result.activities_added, result.readings_added) == (1, 1)
    con = store.connect_readonly(db)
    try:
        assert con.execute("SELECT month, planned FROM schedule").fetchall() == [(date(2025, 3, 1), 3.0)]
        assert con.execute("SELECT office, office_raw FROM activity_office").fetchall() == [
            ("Secretaría de Planeación", "Planeación")]
    finally:
        con.close()


def test_storing_one_plan_through_an_open_connection_still_works(tmp_path):
    db = tmp_path / "t.duckdb"
    plan = loader.parse(loader.FileSpec(CARTAGO))
    with store.write_transaction(db) as con:
        first = loader.store_plan(con, plan)
        again = loader.store_plan(con, plan)
    assert (first.status, first.activities_added, again.status) == ("importado", 9, "sin_cambios")
    assert again.plan_id == first.plan_id


# ------------------------------------------------------------------ parsing
def test_cleaned_texts_of_each_row_are_those_of_its_cells():
    for path in sorted(SAMPLES.glob("*.xlsx")):
        for sheet in read_workbook(path).sheets:
            table = find_table(sheet) if sheet.values else None
            if table is None:
                continue
            for raw in split_rows(table).activities:
                assert raw.texts == {c: clean(v) for c, v in raw.cells.items()}
                assert all(raw.texts.values())
    built = RawActivity(3, {0: "  Una  actividad ", 1: 2.0, 2: "x"})
    assert built.texts == {0: "Una actividad", 1: "2", 2: "x"}


def test_table_lookups_give_the_first_column_of_a_field_or_kind():
    sheet = read_workbook(CARTAGO).sheets[0]
    table = find_table(sheet)
    for name in ("name", "code", "office", "due_date", "phase", "group", "nonexistent"):
        assert table.column(name) is next((c for c in table.columns if c.field == name), None)
    for kind in (col.FIELD, col.PROGRESS, col.EXTRA, col.SCHEDULE, col.PHASE_MARK):
        assert table.of_kind(kind) == [c for c in table.columns if c.kind == kind]
    assert table.of_kind(col.FIELD, col.EXTRA) == [c for c in table.columns if c.kind in (col.FIELD, col.EXTRA)]


# ------------------------------------------------------------------ normalisers
def _sample_texts() -> list[str]:
    """Every distinct cell text of the sample plans."""
    found: set[str] = set()
    for path in sorted(SAMPLES.glob("*.xlsx")):
        for sheet in read_workbook(path).sheets:
            for row in sheet.values:
                found.update(t for t in (clean(v) for v in row) if t)
    return sorted(found)


def _vocabulary_texts() -> list[str]:
    found: set[str] = set()
    for name in ("phases", "phase_keywords", "progress_words", "months", "headers", "periods",
                 "header_roles", "offices", "office_words", "office_starts", "office_abbreviations"):
        for row in load_table(name):
            found.update(v for v in row.values() if v)
    return sorted(found)


TEXTS = _sample_texts() + _vocabulary_texts() + [
    "", " ", "ß", "İstanbul", "ℌola", "ﬁnal", "Ärger  Über", "12", "Avance", "AVANCE_T1", "a_b",
    "0%", "50 %", "0,5", "1/3", "3 de 4", "120%", "-5%", "#DIV/0!", "N/A", "No aplica", "1e999", "-0",
    "31/02/2024", "29 de octubre de 2024", "marzo de 2022", "30/03", "mar-2022", "2024-13-01",
    "9" * 5000, "Diagnóstico participativo", "A c c i o n e s   i n t e r n a s",
]
PROGRESS_FORMATS = (None, "0%", "General", "0.00")


def _fold_reference(value: object) -> str:
    """``fold`` as first written: two passes at least, no shortcut."""
    if value is None:
        return ""

    def once(t: str) -> str:
        decomposed = unicodedata.normalize("NFKD", t)
        if not decomposed.isascii():
            decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
        return " ".join(re.sub(r"[^\w%]|_", " ", decomposed.lower()).split())

    result = once(str(value))
    for _ in range(4):
        again = once(result)
        if again == result:
            break
        result = again
    return result


def _clean_reference(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer():
            return str(int(value))
    lines = [re.sub(r"[^\S\n]+", " ", line).strip()
             for line in str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line) or None


def _best_match_reference(folded: str):
    """Every keyword's pattern tried, as ``infer_phase`` did before the shortcut."""
    best = None
    for order, keyword in enumerate(phases._keywords()):
        match = keyword.pattern.search(folded)
        if match is None:
            continue
        rank = (-keyword.priority, match.start(), -len(keyword.keyword), order)
        if best is None or rank < best[0]:
            best = (rank, keyword)
    return best[1] if best else None


def _match_field_reference(text_: str):
    best = (None, 0, 99)
    padded = f" {text_} "
    for alias, field_name, rank in col._aliases():
        if text_ == alias:
            strength = 3
        elif text_.startswith(alias + " "):
            strength = 2
        elif f" {alias} " in padded:
            strength = 1
        else:
            continue
        if (strength, -rank) > (best[1], -best[2]):
            best = (field_name, strength, rank)
    return best


def _candidates_reference(text_: str):
    out = {}
    padded = f" {text_} "
    for alias, field_name, rank in col._aliases():
        if text_ == alias:
            strength = 3
        elif text_.startswith(alias + " "):
            strength = 2
        elif f" {alias} " in padded:
            strength = 1
        else:
            continue
        current = out.get(field_name)
        if current is None or (strength, -rank) > (current[1], -current[2]):
            out[field_name] = (field_name, strength, rank)
    return sorted(out.values(), key=lambda c: (-c[1], c[2]))


def _date_outcome(function, *args):
    try:
        return ("fecha", function(*args))
    except ValueError as exc:
        return ("error", str(exc))


def check_text(value: str) -> None:
    """Each memoised or shortcut normaliser against the plain algorithm."""
    assert fold(value) == _fold_reference(value)
    assert clean(value) == _clean_reference(value)
    folded = fold(value)
    assert phases._best_match(folded) == _best_match_reference(folded)
    assert phases.declared_phase(value) == phases._declared(value)
    assert phases.infer_phase(value) == phases.infer_phase(value)  # a remembered answer
    plain_words = phases._text_words(value)
    assert phases.infer_phase_words(value) == (plain_words or (phases.UNCLASSIFIED, None))
    assert phases.infer_phase_words(value) == phases.infer_phase_words(value)  # remembered
    assert offices.canonical_office(value) == offices._canonical_office(value)
    assert offices.canonical_office(value) == offices._canonical_office(value)  # remembered
    for year in (None, 2025):
        plain = _date_outcome(dates._from_text, value, year)
        assert _date_outcome(lambda v: dates.parse_date(v, year=year), value) == plain
    for fraction in (None, True, False):
        for number_format in PROGRESS_FORMATS:
            found = progress.parse_progress(value, fraction=fraction, number_format=number_format)
            plain = (progress._parse_text(value, fraction=fraction, number_format=number_format)
                     if value.strip() else None)
            assert found == plain
    assert progress._numeric(value) == (
        progress._to_float(value.strip()) if progress._BARE_RE.match(value.strip()) else None)
    assert col._match_field(folded) == _match_field_reference(folded)
    assert col.field_candidates(folded) == _candidates_reference(folded)
    for bare_ok in (False, True):
        assert col.period_in(folded, bare_ok=bare_ok) == col._period_in(folded, bare_ok)
    assert col.month_in(folded) == col._month_in(folded)
    for role in ("progress", "schedule", "planned", "executed", "observation", "evidence"):
        assert col._role(folded, role) == col._has_word(folded, col._roles().get(role, ()))
    assert col.header_score([value]) == col._is_header_uncached(value)


def test_memoised_normalisers_match_the_plain_algorithms_on_vocabularies_and_samples():
    for value in TEXTS:
        check_text(value)
        check_text(value)  # the second time comes from memory


@SETTINGS
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
       | st.sampled_from(TEXTS).map(lambda t: t.upper())
       | st.sampled_from(TEXTS).map(lambda t: f"  {t}\t{t[:3]} "))
def test_memoised_normalisers_match_the_plain_algorithms_on_any_text(value):
    check_text(value)


@pytest.mark.parametrize("number", [0.0, -0.0, 0.25, 0.5, 1.0, 1, 50, 99.999, 100, 100.5, 1e308,
                                    -1e-9, -3, 10 ** 400, float("nan"), float("inf"), True])
def test_remembered_numeric_progress_is_the_plain_reading(number):
    for fraction in (None, True, False):
        for number_format in PROGRESS_FORMATS:
            found = progress.parse_progress(number, fraction=fraction, number_format=number_format)
            progress._scaled.cache_clear()
            assert progress.parse_progress(number, fraction=fraction, number_format=number_format) == found
            if isinstance(number, bool) or number != number:
                continue
            try:
                as_float = float(number)
            except OverflowError:
                continue
            if as_float in (float("inf"), float("-inf")):
                continue
            assert found == progress._scaled.__wrapped__(as_float, fraction, number_format)


def test_a_remembered_date_error_is_raised_each_time():
    for _ in range(2):
        with pytest.raises(ValueError, match="no existe"):
            dates.parse_date("31/02/2024")
        with pytest.raises(ValueError, match="no tiene año"):
            dates.parse_date("30/03")
    assert dates.parse_date("30/03", year=2025) == date(2025, 3, 30)


def test_text_shortcuts_keep_str_subclasses_and_long_texts_working():
    class Label(str):
        pass

    assert clean(Label("  uno  dos ")) == "uno dos"
    assert fold(Label("Avance")) == "avance"
    long_text = "Realizar la audiencia " * 200
    keyword = _best_match_reference(fold(long_text))
    assert phases.infer_phase(long_text) == (keyword.phase, keyword.keyword)
    assert col.header_score([long_text]) == 0
    assert progress.parse_progress("50%" + " " * 400) == progress._parse_text(
        "50%" + " " * 400, fraction=None, number_format=None)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


# ------------------------------------------------------------------ garbage collector
def test_full_collections_wait_while_plans_are_read_and_come_back_after():
    import gc
    import threading

    from data_layer.ingest import many_objects

    before = gc.get_threshold()
    seen = []
    with many_objects():
        seen.append(gc.get_threshold())
        with many_objects():  # nested: still raised
            seen.append(gc.get_threshold())
        seen.append(gc.get_threshold())
        # Another thread's block ends first: the thresholds stay raised.
        done = threading.Event()

        def worker():
            with many_objects():
                done.wait(5)

        thread = threading.Thread(target=worker)
        thread.start()
        done.set()
        thread.join()
        seen.append(gc.get_threshold())
    assert gc.get_threshold() == before
    assert all(t[:2] == before[:2] and t[2] >= 1_000_000 for t in seen)
    with pytest.raises(RuntimeError):
        with many_objects():
            raise RuntimeError("falla a mitad de la lectura")
    assert gc.get_threshold() == before
    read_plan(CARTAGO)
    assert gc.get_threshold() == before
