-- Canonical model of the Plan de Participación Ciudadana, in DuckDB.
-- Each table states its grain. Documented for people in docs/MODELO.md.
-- Ids are assigned by data_layer/store.py (max + 1) inside the import transaction.
-- No FOREIGN KEY clauses: DuckDB refuses to delete a referenced row even in the
-- same transaction as its children, and plans must be deletable; integrity is
-- checked by tests/test_store.py on the database itself.

-- One row per entity (alcaldía, gobernación, ESE...).
CREATE TABLE IF NOT EXISTS entity (
    entity_id   INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL UNIQUE
);

-- One row per plan: an entity's plan for one vigencia. Follow-up files of the
-- same plan (same entity and vigencia) add to it instead of creating another.
CREATE TABLE IF NOT EXISTS plan (
    plan_id         INTEGER PRIMARY KEY,
    entity_id       INTEGER NOT NULL,
    vigencia        INTEGER,
    plan_key        VARCHAR NOT NULL UNIQUE,
    title           VARCHAR,
    layout          VARCHAR,
    period_start    DATE,
    period_end      DATE,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- One row per file imported (the import history). The checksum makes a
-- re-import of the very same bytes a no-op.
CREATE TABLE IF NOT EXISTS import_file (
    import_id           INTEGER PRIMARY KEY,
    plan_id             INTEGER NOT NULL,
    source_file         VARCHAR NOT NULL,
    checksum            VARCHAR NOT NULL UNIQUE,
    file_format         VARCHAR NOT NULL,
    layout              VARCHAR,
    imported_at         TIMESTAMP NOT NULL,
    imported_by         VARCHAR,
    activities_added    INTEGER NOT NULL,
    activities_updated  INTEGER NOT NULL,
    readings_added      INTEGER NOT NULL,
    readings_changed    INTEGER NOT NULL,
    sheets              VARCHAR[],
    header_rows         JSON,
    column_map          JSON,
    metadata            JSON
);

-- One row per activity of a plan. activity_key (code and wording) identifies
-- the same activity in later follow-up files of the plan.
CREATE TABLE IF NOT EXISTS activity (
    activity_id          INTEGER PRIMARY KEY,
    plan_id              INTEGER NOT NULL,
    activity_key         VARCHAR NOT NULL,
    seq                  INTEGER NOT NULL,
    code                 VARCHAR,
    group_name           VARCHAR,
    name                 VARCHAR NOT NULL,
    objective            VARCHAR,
    product              VARCHAR,
    indicator            VARCHAR,
    phase                VARCHAR NOT NULL,
    phase_source         VARCHAR NOT NULL,
    phase_raw            VARCHAR,
    participation_level  VARCHAR,
    value_groups         VARCHAR,
    instance             VARCHAR,
    start_date           DATE,
    due_date             DATE,
    evidence_means       VARCHAR,
    source_sheet         VARCHAR,
    source_row           INTEGER,
    extra                JSON,
    UNIQUE (plan_id, activity_key)
);

-- One row per (activity, responsible office). office is the canonical name,
-- office_raw the text as the plan wrote it.
CREATE TABLE IF NOT EXISTS activity_office (
    activity_id  INTEGER NOT NULL,
    office       VARCHAR NOT NULL,
    office_raw   VARCHAR NOT NULL,
    PRIMARY KEY (activity_id, office)
);

-- One row per (activity, month) with something planned in the month grid.
CREATE TABLE IF NOT EXISTS schedule (
    activity_id  INTEGER NOT NULL,
    month        DATE NOT NULL,
    planned      DOUBLE NOT NULL,
    PRIMARY KEY (activity_id, month)
);

-- One row per (activity, follow-up period, import that changed it): the
-- history of progress. The current value of a period is the row of its latest
-- import (view reading_current).
CREATE TABLE IF NOT EXISTS reading (
    activity_id   INTEGER NOT NULL,
    period_kind   VARCHAR NOT NULL,
    period_index  INTEGER NOT NULL,
    period_label  VARCHAR NOT NULL,
    cutoff        DATE,
    state         VARCHAR NOT NULL,
    value         DOUBLE,
    raw           VARCHAR,
    planned       DOUBLE,
    executed      DOUBLE,
    observation   VARCHAR,
    evidence      VARCHAR,
    import_id     INTEGER NOT NULL,
    PRIMARY KEY (activity_id, period_kind, period_index, import_id)
);

-- One row per cell (or sheet) the importer could not fully interpret.
CREATE TABLE IF NOT EXISTS import_issue (
    import_id  INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    severity   VARCHAR NOT NULL,
    code       VARCHAR,
    sheet      VARCHAR,
    row_number INTEGER,
    col        VARCHAR,
    value      VARCHAR,
    message    VARCHAR NOT NULL,
    PRIMARY KEY (import_id, seq)
);

-- One row per source row that did not become an activity, with the reason.
CREATE TABLE IF NOT EXISTS skipped_row (
    import_id   INTEGER NOT NULL,
    sheet       VARCHAR NOT NULL,
    row_number  INTEGER NOT NULL,
    reason      VARCHAR NOT NULL,
    content     VARCHAR,
    PRIMARY KEY (import_id, sheet, row_number)
);

-- The current reading of each (activity, period): the one of the latest import.
CREATE OR REPLACE VIEW reading_current AS
SELECT * EXCLUDE (rn) FROM (
    SELECT r.*, row_number() OVER (
        PARTITION BY r.activity_id, r.period_kind, r.period_index
        ORDER BY r.import_id DESC) AS rn
    FROM reading r
) WHERE rn = 1;

-- Corrections a planning office saved in the mapping assistant (pages/cargar.py).
-- They are applied to every later import, and can be reviewed and undone.

-- One row per saved column mapping: the header rows of a table (its signature)
-- and, for each column, the role the user chose. The next file whose table
-- has the same header (next quarter's follow-up) is read with it.
CREATE TABLE IF NOT EXISTS saved_mapping (
    signature     VARCHAR PRIMARY KEY,
    header_rows   INTEGER NOT NULL,
    headers       JSON NOT NULL,
    roles         JSON NOT NULL,
    source_file   VARCHAR,
    created_at    TIMESTAMP NOT NULL,
    created_by    VARCHAR
);

-- One row per correction of how an office is written: the text as the plan
-- writes it (a whole responsables cell or one office) → the office(s) it means.
CREATE TABLE IF NOT EXISTS office_correction (
    raw_key     VARCHAR PRIMARY KEY,
    raw         VARCHAR NOT NULL,
    offices     VARCHAR[] NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  VARCHAR
);

-- One row per activity whose phase the user set by hand (by its wording).
CREATE TABLE IF NOT EXISTS phase_correction (
    name_key    VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    phase       VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    created_by  VARCHAR
);
