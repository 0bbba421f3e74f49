-- The staging tables: one table per module of the return (sen2-spec.md 2.3-2.4).
--
-- Item values are stored as the raw text the authority supplied, so a messy
-- warehouse always loads and nothing is lost: the rules say what is wrong.
-- Every row has a surrogate key, the return it belongs to (so one return can
-- be read, secured and deleted without walking the tree), the authority's own
-- source-system id, and seq, its position among its siblings in the file.
-- Composite foreign keys (return_id, parent_id) keep a child in its parent's
-- return; deleting a return removes everything under it.  xml_line is the
-- line of the element in the file a row was loaded from (NULL otherwise), so
-- findings on a loaded return can point back into the file.

CREATE TABLE sen2.return (
    return_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    la_code          text NOT NULL CHECK (la_code ~ '^[0-9]{3}$'),
    collection_year  int  NOT NULL CHECK (collection_year BETWEEN 2015 AND 2100),
    label            text,
    origin           text NOT NULL DEFAULT 'tables'
                     CHECK (origin IN ('tables', 'xml', 'synthetic', 'pseudonymised')),
    created_at       timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by       name NOT NULL DEFAULT CURRENT_USER,
    -- header items (raw text; NULL means the element is absent)
    collection       text DEFAULT 'SEN2',
    year             text,
    reference_date   text,
    source_level     text DEFAULT 'L',
    lea              text,
    software_code    text,
    release          text,
    serial_no        text,
    date_time        text,
    -- LA-level items
    dmo              text,
    dco              text,
    dsco             text
);
COMMENT ON TABLE sen2.return IS
  'One SEN2 return: one LA, one collection year; many live side by side (years, drafts, several LAs). la_code and collection_year drive year-dependent rules; the header columns hold the raw items as they will be (or were) written.';
COMMENT ON COLUMN sen2.return.la_code IS 'The authority this return belongs to (row-level security and statistics group on it).';
COMMENT ON COLUMN sen2.return.collection_year IS 'The return year (census year): 2026 covers activity in calendar 2025 and plans active on the January 2026 census day.';

CREATE TABLE sen2.person (
    person_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id          bigint NOT NULL REFERENCES sen2.return ON DELETE CASCADE,
    source_id          text,
    seq                int,
    xml_line           int,
    surname            text,
    forename           text,
    person_birth_date  text,
    gender             text,
    sex                text,
    ethnicity          text,
    post_code          text,
    upn                text,
    uln                text,
    upn_unknown        text,
    UNIQUE (return_id, person_id)
);
CREATE UNIQUE INDEX person_source_id ON sen2.person (return_id, source_id) WHERE source_id IS NOT NULL;
COMMENT ON TABLE sen2.person IS 'Module 1: one row per child or young person (<Person>).';
COMMENT ON COLUMN sen2.person.gender IS 'Gender (2023 returns only; replaced by sex from 2024).';
COMMENT ON COLUMN sen2.person.uln IS 'UniqueLearnerNumber.';

CREATE TABLE sen2.request (
    request_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id             bigint NOT NULL,
    person_id             bigint NOT NULL,
    source_id             text,
    seq                   int,
    xml_line              int,
    received_date         text,
    request_source        text,
    rya                   text,
    request_outcome_date  text,
    request_outcome       text,
    request_mediation     text,
    request_tribunal      text,
    exported              text,
    UNIQUE (return_id, request_id),
    FOREIGN KEY (return_id, person_id) REFERENCES sen2.person (return_id, person_id) ON DELETE CASCADE
);
CREATE INDEX request_person ON sen2.request (person_id);
CREATE UNIQUE INDEX request_source_id ON sen2.request (return_id, source_id) WHERE source_id IS NOT NULL;
COMMENT ON TABLE sen2.request IS 'Module 2: one row per request for an EHC needs assessment (<Requests>).';

CREATE TABLE sen2.assessment (
    assessment_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id                bigint NOT NULL,
    request_id               bigint NOT NULL,
    source_id                text,
    xml_line                 int,
    assessment_outcome       text,
    assessment_outcome_date  text,
    assessment_mediation     text,
    assessment_tribunal      text,
    other_mediation          text,
    other_tribunal           text,
    week20                   text,
    UNIQUE (request_id),
    UNIQUE (return_id, assessment_id),
    FOREIGN KEY (return_id, request_id) REFERENCES sen2.request (return_id, request_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX assessment_source_id ON sen2.assessment (return_id, source_id) WHERE source_id IS NOT NULL;
COMMENT ON TABLE sen2.assessment IS 'Module 3: the EHC needs assessment of a request (<Assessment>, at most one per request).';

CREATE TABLE sen2.named_plan (
    named_plan_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id      bigint NOT NULL,
    assessment_id  bigint NOT NULL,
    source_id      text,
    xml_line       int,
    start_date     text,
    plan_res       text,
    plan_wbp       text,
    pb             text,
    oa             text,
    dp             text,
    cease_date     text,
    cease_reason   text,
    UNIQUE (assessment_id),
    UNIQUE (return_id, named_plan_id),
    FOREIGN KEY (return_id, assessment_id) REFERENCES sen2.assessment (return_id, assessment_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX named_plan_source_id ON sen2.named_plan (return_id, source_id) WHERE source_id IS NOT NULL;
COMMENT ON TABLE sen2.named_plan IS 'Module 4: the EHC plan issued after an assessment (<NamedPlan>, at most one per assessment).';

CREATE TABLE sen2.plan_detail (
    plan_detail_id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id                      bigint NOT NULL,
    named_plan_id                  bigint NOT NULL,
    source_id                      text,
    seq                            int,
    xml_line                       int,
    urn                            text,
    ukprn                          text,
    sen_setting                    text,
    sen_setting_other              text,
    placement_rank                 text,
    sen_unit_indicator             text,
    resourced_provision_indicator  text,
    FOREIGN KEY (return_id, named_plan_id) REFERENCES sen2.named_plan (return_id, named_plan_id) ON DELETE CASCADE
);
CREATE INDEX plan_detail_plan ON sen2.plan_detail (named_plan_id);
CREATE UNIQUE INDEX plan_detail_source_id ON sen2.plan_detail (return_id, source_id) WHERE source_id IS NOT NULL;
COMMENT ON TABLE sen2.plan_detail IS 'Module 4: a setting named in section I of the plan (<PlanDetail>, 1-2 per plan: a rule checks the count).';

CREATE TABLE sen2.active_plans (
    active_plans_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id                  bigint NOT NULL,
    request_id                 bigint NOT NULL,
    source_id                  text,
    xml_line                   int,
    transfer_la                text,
    res                        text,
    wbp                        text,
    review_meeting             text,
    review_outcome             text,
    review_draft               text,
    phase_transfer_due_date    text,
    phase_transfer_final_date  text,
    last_review                text,
    UNIQUE (request_id),
    UNIQUE (return_id, active_plans_id),
    FOREIGN KEY (return_id, request_id) REFERENCES sen2.request (return_id, request_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX active_plans_source_id ON sen2.active_plans (return_id, source_id) WHERE source_id IS NOT NULL;
COMMENT ON TABLE sen2.active_plans IS 'Module 5: the plan as it runs, with placements, needs and reviews (<ActivePlans>, at most one per request).';
COMMENT ON COLUMN sen2.active_plans.res IS 'Res under ActivePlans: 2023 returns only (moved to placement_detail in 2024).';
COMMENT ON COLUMN sen2.active_plans.wbp IS 'WBP under ActivePlans: 2023 returns only (moved to placement_detail in 2024).';

CREATE TABLE sen2.placement_detail (
    placement_detail_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id                      bigint NOT NULL,
    active_plans_id                bigint NOT NULL,
    source_id                      text,
    seq                            int,
    xml_line                       int,
    urn                            text,
    ukprn                          text,
    sen_setting                    text,
    sen_setting_other              text,
    placement_rank                 text,
    entry_date                     text,
    leaving_date                   text,
    attendance_pattern             text,
    sen_unit_indicator             text,
    resourced_provision_indicator  text,
    res                            text,
    wbp                            text,
    FOREIGN KEY (return_id, active_plans_id) REFERENCES sen2.active_plans (return_id, active_plans_id) ON DELETE CASCADE
);
CREATE INDEX placement_detail_plan ON sen2.placement_detail (active_plans_id);
CREATE UNIQUE INDEX placement_detail_source_id ON sen2.placement_detail (return_id, source_id) WHERE source_id IS NOT NULL;
COMMENT ON TABLE sen2.placement_detail IS 'Module 5: a setting attended (<PlacementDetail>, 1 or more per active plan).';
COMMENT ON COLUMN sen2.placement_detail.attendance_pattern IS 'AttendancePattern: 2023 returns only.';

CREATE TABLE sen2.sen_need (
    sen_need_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id        bigint NOT NULL,
    active_plans_id  bigint NOT NULL,
    source_id        text,
    seq              int,
    xml_line         int,
    sen_type         text,
    sen_type_rank    text,
    FOREIGN KEY (return_id, active_plans_id) REFERENCES sen2.active_plans (return_id, active_plans_id) ON DELETE CASCADE
);
CREATE INDEX sen_need_plan ON sen2.sen_need (active_plans_id);
CREATE UNIQUE INDEX sen_need_source_id ON sen2.sen_need (return_id, source_id) WHERE source_id IS NOT NULL;
COMMENT ON TABLE sen2.sen_need IS 'Module 5: a special educational need (<SENneed>, 1-2 per active plan, rank 1 = primary need).';

-- The repeated groups of one return in their parents' order, for the readers
-- that go through a return grouped by person (the validator, the XML
-- writer): without these they scan every return's rows.  Nothing refers to
-- these tables, so no foreign-key check can take these for another index.
-- With a 700,000-person return in the same database, reading a 35,000-person
-- one took 15-25% less time with them (docs/benchmarks.md).
CREATE INDEX plan_detail_return ON sen2.plan_detail (return_id, named_plan_id);
CREATE INDEX placement_detail_return ON sen2.placement_detail (return_id, active_plans_id);
CREATE INDEX sen_need_return ON sen2.sen_need (return_id, active_plans_id);

-- No other index on sen2.person may lead with return_id: the foreign-key
-- checks of sen2.request look a person up by (return_id, person_id), and
-- after a vacuum of an emptied table the planner took such an index for the
-- unique one and scanned every person of the return per request (a 35,000-
-- person load went from 2.6 s to 19.5 s).  Readers order persons by
-- (seq, person_id) with a sort, which is cheap next to the rest.

-- A new return with its header filled from the reference data of its year.
CREATE FUNCTION sen2.new_return(la_code text, collection_year int, label text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rd   date;
    id   bigint;
BEGIN
    IF la_code IS NULL OR collection_year IS NULL THEN
        RAISE EXCEPTION 'new_return needs an LA code and a collection year'
              USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF la_code !~ '^[0-9]{3}$' THEN
        RAISE EXCEPTION 'invalid LA code "%"', la_code
              USING ERRCODE = 'invalid_text_representation',
                    DETAIL = 'An LA code is the DfE''s three-digit LA number, e.g. 886.';
    END IF;
    SELECT c.reference_date INTO rd FROM sen2.collection c WHERE c.collection_year = new_return.collection_year;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'collection year % is not known', collection_year
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'SELECT collection_year FROM sen2.collection lists the known years; sen2.copy_reference_year adds one.';
    END IF;
    INSERT INTO sen2.return (la_code, collection_year, label, year, reference_date, lea,
                             software_code, release, serial_no, date_time)
    VALUES (la_code, collection_year, label, collection_year::text, to_char(rd, 'YYYY-MM-DD'), la_code,
            'sen2', '0.1', '001', to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'))
    RETURNING return_id INTO id;
    RETURN id;
END
$$;
COMMENT ON FUNCTION sen2.new_return(text, int, text) IS
  'Creates an empty return for an LA and collection year, with the header items (Year, ReferenceDate, LEA, software, DateTime) filled in.';

-- The returns are the authority's data, not the extension's: pg_dump must
-- write them (and where each identity sequence stands) although the tables
-- belong to the extension.
-- The module tables in parent-before-child order, with each table's key and
-- the column that points at its parent.
CREATE FUNCTION sen2.module_tree()
RETURNS TABLE (table_name text, key_column text, parent_table text, parent_column text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    VALUES ('person', 'person_id', NULL, NULL),
           ('request', 'request_id', 'person', 'person_id'),
           ('assessment', 'assessment_id', 'request', 'request_id'),
           ('named_plan', 'named_plan_id', 'assessment', 'assessment_id'),
           ('plan_detail', 'plan_detail_id', 'named_plan', 'named_plan_id'),
           ('active_plans', 'active_plans_id', 'request', 'request_id'),
           ('placement_detail', 'placement_detail_id', 'active_plans', 'active_plans_id'),
           ('sen_need', 'sen_need_id', 'active_plans', 'active_plans_id')
$$;
COMMENT ON FUNCTION sen2.module_tree() IS
  'The module tables of a return, parents first, with their key and parent columns.';

DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT 'return' UNION ALL SELECT m.table_name FROM sen2.module_tree() m LOOP
        PERFORM pg_catalog.pg_extension_config_dump(('sen2.' || t)::regclass, '');
        PERFORM pg_catalog.pg_extension_config_dump(
            pg_catalog.pg_get_serial_sequence('sen2.' || t, t || '_id')::regclass, '');
    END LOOP;
END
$$;
