-- Establishments: the DfE's register ("Get Information about Schools",
-- the edubasealldata CSV export) and the mapping from what a placement
-- names (a URN, a UKPRN or a SENsetting code) to the placement types the
-- DfE publishes.  The mapping is data: correct it with origin = 'local'
-- rows in sen2.ref_placement_map, as for the other reference tables.

CREATE FUNCTION sen2.csv_records(csv text, max_records bigint DEFAULT NULL)
RETURNS TABLE (record_no bigint, line_no bigint, fields text[])
    AS 'MODULE_PATHNAME', 'sen2_csv_records'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION sen2.csv_records(text, bigint) IS
  'The records of a CSV document (at most max_records of them, when given) (comma separated, "quoted" fields with commas, doubled quotes and line breaks, LF/CRLF/CR line ends, UTF-8 BOM dropped, empty lines skipped) as text arrays, with the record number and the line it starts on. Errors name the line of an unterminated quote or of text after a closing quote.';

CREATE TABLE sen2.establishment (
    urn                          text PRIMARY KEY,
    ukprn                        text,
    establishment_name           text,
    la_code                      text,
    type_of_establishment        text NOT NULL,
    establishment_type_group     text,
    phase_of_education           text,
    establishment_status         text,
    type_of_resourced_provision  text,
    sen_unit_on_roll             int,
    sen_unit_capacity            int,
    resourced_provision_on_roll  int,
    resourced_provision_capacity int,
    has_sen_unit                 boolean GENERATED ALWAYS AS (
        coalesce(type_of_resourced_provision ILIKE '%SEN unit%', false)
        OR coalesce(sen_unit_capacity, 0) > 0 OR coalesce(sen_unit_on_roll, 0) > 0) STORED,
    has_resourced_provision      boolean GENERATED ALWAYS AS (
        coalesce(type_of_resourced_provision ILIKE '%Resourced provision%', false)
        OR coalesce(resourced_provision_capacity, 0) > 0 OR coalesce(resourced_provision_on_roll, 0) > 0) STORED,
    line_no                      bigint,
    loaded_at                    timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX establishment_ukprn ON sen2.establishment (ukprn) WHERE ukprn IS NOT NULL;
COMMENT ON TABLE sen2.establishment IS
  'The establishment register (GIAS edubasealldata export), as loaded by sen2.load_establishments: only the columns the placement mapping and the URN checks need. line_no is the line of the CSV the row came from.';
SELECT pg_catalog.pg_extension_config_dump('sen2.establishment', '');

-- The placement types of the DfE publication, in its order, with the
-- variants a placement moves to when its SEN unit or resourced provision
-- indicator is set, or when a person not in education is of compulsory
-- school age.
CREATE TABLE sen2.placement_category (
    category                        text PRIMARY KEY,
    label                           text NOT NULL,
    placement_group                 text NOT NULL,
    sort_order                      int NOT NULL UNIQUE,
    group_order                     int NOT NULL,
    sen_unit_category               text REFERENCES sen2.placement_category,
    resourced_provision_category    text REFERENCES sen2.placement_category,
    compulsory_school_age_category  text REFERENCES sen2.placement_category,
    note                            text
);
COMMENT ON TABLE sen2.placement_category IS
  'Placement types as published by the DfE (category is the DfE file''s column name where it has one), grouped (Mainstream, Special, AP/PRU, FE, Educated elsewhere, Early years, Not recorded) and ordered as published.';

INSERT INTO sen2.placement_category (category, label, placement_group, sort_order, group_order, note) VALUES
 ('mainstream_la_maintained', 'Mainstream - LA maintained', 'Mainstream', 10, 1, NULL),
 ('mainstream_la_maintained_resourced_provision', 'Mainstream - LA maintained - resourced provision', 'Mainstream', 11, 1, NULL),
 ('mainstream_la_maintained_senunit', 'Mainstream - LA maintained - SEN unit', 'Mainstream', 12, 1, NULL),
 ('mainstream_academy', 'Mainstream - academy', 'Mainstream', 13, 1, NULL),
 ('mainstream_academy_resourced_provision', 'Mainstream - academy - resourced provision', 'Mainstream', 14, 1, NULL),
 ('mainstream_academy_senunit', 'Mainstream - academy - SEN unit', 'Mainstream', 15, 1, NULL),
 ('mainstream_free_school', 'Mainstream - free school', 'Mainstream', 16, 1, NULL),
 ('mainstream_free_school_resourced_provision', 'Mainstream - free school - resourced provision', 'Mainstream', 17, 1, NULL),
 ('mainstream_free_school_senunit', 'Mainstream - free school - SEN unit', 'Mainstream', 18, 1, NULL),
 ('mainstream_independent', 'Mainstream - independent', 'Mainstream', 19, 1, NULL),
 ('special_la_maintained', 'Special - LA maintained', 'Special', 20, 2, NULL),
 ('special_academy_free', 'Special - academy or free school', 'Special', 21, 2, NULL),
 ('special_independent', 'Special - independent', 'Special', 22, 2, NULL),
 ('special_non_maintained', 'Special - non-maintained', 'Special', 23, 2, NULL),
 ('ap_pru_la_maintained', 'AP/PRU - LA maintained (PRU)', 'AP/PRU', 30, 3, NULL),
 ('ap_pru_academy', 'AP/PRU - academy', 'AP/PRU', 31, 3, NULL),
 ('ap_pru_free_school', 'AP/PRU - free school', 'AP/PRU', 32, 3, NULL),
 ('general_fe_tertiary_colleges', 'FE - general FE, tertiary and sixth-form colleges', 'FE', 40, 4, NULL),
 ('specialist_post_16_institutions', 'FE - specialist post-16 institutions', 'FE', 41, 4, NULL),
 ('ukrlp_provider', 'FE - UKRLP providers', 'FE', 42, 4, 'a UKPRN that is not in the establishment register'),
 ('other_arrangements_la', 'Educated elsewhere - other arrangements by the LA (OLA)', 'Educated elsewhere', 50, 5, NULL),
 ('other_arrangements_parents', 'Educated elsewhere - other arrangements by parents (OPA)', 'Educated elsewhere', 51, 5, NULL),
 ('elective_home_education', 'Educated elsewhere - elective home education', 'Educated elsewhere', 52, 5, NULL),
 ('neet', 'Educated elsewhere - NEET', 'Educated elsewhere', 53, 5, NULL),
 ('neet_ntci', 'Educated elsewhere - not in education, notice to cease issued', 'Educated elsewhere', 54, 5, NULL),
 ('neet_other', 'Educated elsewhere - not in education, other', 'Educated elsewhere', 55, 5, NULL),
 ('neet_other_csa', 'Educated elsewhere - not in education, other, compulsory school age', 'Educated elsewhere', 56, 5, NULL),
 ('online_provider', 'Educated elsewhere - online providers', 'Educated elsewhere', 57, 5, NULL),
 ('w_settings', 'Educated elsewhere - Welsh establishments', 'Educated elsewhere', 58, 5, NULL),
 ('other_schools', 'Educated elsewhere - other schools', 'Educated elsewhere', 59, 5, 'service children''s education, offshore, secure units, British schools overseas, miscellaneous'),
 ('other_placement_settings', 'Educated elsewhere - other placement settings', 'Educated elsewhere', 60, 5, 'SENsetting OTH: a type of setting but no specific one'),
 ('nm_early_years', 'Non-maintained early years', 'Non-maintained early years', 70, 6, NULL),
 ('placement_unknown', 'Placement not recorded', 'Placement not recorded', 80, 7, NULL),
 ('urn_not_in_register', 'Placement not recorded - URN not in the establishment register', 'Placement not recorded', 81, 7, 'not a DfE category: shows placements the register cannot classify'),
 ('establishment_type_unmapped', 'Placement not recorded - establishment type not mapped', 'Placement not recorded', 82, 7, 'not a DfE category: add the type to sen2.ref_placement_map');

UPDATE sen2.placement_category SET sen_unit_category = category || '_senunit',
                                   resourced_provision_category = category || '_resourced_provision'
 WHERE category IN ('mainstream_la_maintained', 'mainstream_academy', 'mainstream_free_school');
UPDATE sen2.placement_category SET compulsory_school_age_category = 'neet_other_csa' WHERE category = 'neet_other';

-- What a placement names -> placement category.  kind = 'establishment_type'
-- matches the register's TypeOfEstablishment (name); kind = 'sen_setting'
-- matches the SENsetting code of a placement with no URN or UKPRN.
CREATE TABLE sen2.ref_placement_map (
    kind      text NOT NULL CHECK (kind IN ('establishment_type', 'sen_setting')),
    value     text NOT NULL,
    origin    text NOT NULL DEFAULT 'local' CHECK (origin IN ('builtin', 'local')),
    category  text NOT NULL REFERENCES sen2.placement_category,
    in_use    boolean NOT NULL DEFAULT true,
    note      text,
    PRIMARY KEY (kind, value, origin)
);
COMMENT ON TABLE sen2.ref_placement_map IS
  'Maps an establishment type (GIAS TypeOfEstablishment name) or a SENsetting code to a placement category. Insert origin=''local'' rows to correct or extend the built-in mapping (a local row wins; in_use=false withdraws a built-in row).';
SELECT pg_catalog.pg_extension_config_dump('sen2.ref_placement_map', 'WHERE origin = ''local''');

CREATE VIEW sen2.placement_map WITH (security_invoker = true) AS
SELECT kind, value, category, origin, note
  FROM (SELECT DISTINCT ON (kind, value) *
          FROM sen2.ref_placement_map
         ORDER BY kind, value, origin DESC) m
 WHERE in_use;
COMMENT ON VIEW sen2.placement_map IS 'Effective placement mapping (local corrections applied).';

INSERT INTO sen2.ref_placement_map (kind, value, origin, category, note) VALUES
 ('establishment_type', 'Community school', 'builtin', 'mainstream_la_maintained', NULL),
 ('establishment_type', 'Voluntary aided school', 'builtin', 'mainstream_la_maintained', NULL),
 ('establishment_type', 'Voluntary controlled school', 'builtin', 'mainstream_la_maintained', NULL),
 ('establishment_type', 'Foundation school', 'builtin', 'mainstream_la_maintained', NULL),
 ('establishment_type', 'Local authority nursery school', 'builtin', 'mainstream_la_maintained', NULL),
 ('establishment_type', 'Academy sponsor led', 'builtin', 'mainstream_academy', NULL),
 ('establishment_type', 'Academy converter', 'builtin', 'mainstream_academy', NULL),
 ('establishment_type', 'Academy 16-19 converter', 'builtin', 'mainstream_academy', NULL),
 ('establishment_type', 'Academy 16 to 19 sponsor led', 'builtin', 'mainstream_academy', NULL),
 ('establishment_type', 'City technology college', 'builtin', 'mainstream_academy', 'state-funded, academy-like'),
 ('establishment_type', 'Free schools', 'builtin', 'mainstream_free_school', NULL),
 ('establishment_type', 'Free schools 16 to 19', 'builtin', 'mainstream_free_school', NULL),
 ('establishment_type', 'University technical college', 'builtin', 'mainstream_free_school', NULL),
 ('establishment_type', 'Studio schools', 'builtin', 'mainstream_free_school', NULL),
 ('establishment_type', 'Other independent school', 'builtin', 'mainstream_independent', NULL),
 ('establishment_type', 'Community special school', 'builtin', 'special_la_maintained', NULL),
 ('establishment_type', 'Foundation special school', 'builtin', 'special_la_maintained', NULL),
 ('establishment_type', 'Academy special sponsor led', 'builtin', 'special_academy_free', NULL),
 ('establishment_type', 'Academy special converter', 'builtin', 'special_academy_free', NULL),
 ('establishment_type', 'Free schools special', 'builtin', 'special_academy_free', NULL),
 ('establishment_type', 'Other independent special school', 'builtin', 'special_independent', NULL),
 ('establishment_type', 'Non-maintained special school', 'builtin', 'special_non_maintained', NULL),
 ('establishment_type', 'Pupil referral unit', 'builtin', 'ap_pru_la_maintained', NULL),
 ('establishment_type', 'Academy alternative provision converter', 'builtin', 'ap_pru_academy', NULL),
 ('establishment_type', 'Academy alternative provision sponsor led', 'builtin', 'ap_pru_academy', NULL),
 ('establishment_type', 'Free schools alternative provision', 'builtin', 'ap_pru_free_school', NULL),
 ('establishment_type', 'Further education', 'builtin', 'general_fe_tertiary_colleges', NULL),
 ('establishment_type', 'Sixth form centres', 'builtin', 'general_fe_tertiary_colleges', NULL),
 ('establishment_type', 'Special post 16 institution', 'builtin', 'specialist_post_16_institutions', NULL),
 ('establishment_type', 'Online provider', 'builtin', 'online_provider', NULL),
 ('establishment_type', 'Welsh establishment', 'builtin', 'w_settings', NULL),
 ('establishment_type', 'Secure units', 'builtin', 'other_schools', NULL),
 ('establishment_type', 'Academy secure 16 to 19', 'builtin', 'other_schools', NULL),
 ('establishment_type', 'Offshore schools', 'builtin', 'other_schools', NULL),
 ('establishment_type', 'Service children''s education', 'builtin', 'other_schools', NULL),
 ('establishment_type', 'British schools overseas', 'builtin', 'other_schools', NULL),
 ('establishment_type', 'Miscellaneous', 'builtin', 'other_schools', NULL),
 ('establishment_type', 'Higher education institutions', 'builtin', 'other_schools', NULL),
 ('establishment_type', 'Institution funded by other government department', 'builtin', 'other_schools', NULL),
 ('sen_setting', 'OLA', 'builtin', 'other_arrangements_la', NULL),
 ('sen_setting', 'OPA', 'builtin', 'other_arrangements_parents', NULL),
 ('sen_setting', 'EHE', 'builtin', 'elective_home_education', NULL),
 ('sen_setting', 'NEET', 'builtin', 'neet', NULL),
 ('sen_setting', 'NIEC', 'builtin', 'neet_ntci', NULL),
 ('sen_setting', 'NIEO', 'builtin', 'neet_other', 'compulsory-school-age persons move to neet_other_csa'),
 ('sen_setting', 'OTH', 'builtin', 'other_placement_settings', NULL),
 ('sen_setting', 'EYP', 'builtin', 'nm_early_years', NULL);

-- Load the register from the CSV text, replacing the previous load.  The
-- header is read first; then one pass keeps only the wanted columns, so the
-- 130-column rows are not held or re-read.
CREATE FUNCTION sen2.load_establishments(csv text)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    header    text[];
    hdr_line  bigint;
    ncols     int;
    pos       int[];
    missing   text[];
    bad       record;
    n         bigint;
    -- CSV header -> what we keep; the first two are required
    wanted    text[] := ARRAY['URN', 'TypeOfEstablishment (name)', 'UKPRN', 'EstablishmentName',
                              'LA (code)', 'EstablishmentTypeGroup (name)', 'PhaseOfEducation (name)',
                              'EstablishmentStatus (name)', 'TypeOfResourcedProvision (name)',
                              'SenUnitOnRoll', 'SenUnitCapacity', 'ResourcedProvisionOnRoll',
                              'ResourcedProvisionCapacity'];
BEGIN
    IF csv IS NULL THEN
        RAISE EXCEPTION 'load_establishments needs the CSV text'
              USING ERRCODE = 'null_value_not_allowed';
    END IF;

    SELECT c.fields, c.line_no INTO header, hdr_line FROM sen2.csv_records(csv, 1) c;
    IF header IS NULL THEN
        RAISE EXCEPTION 'the establishment CSV is empty'
              USING ERRCODE = 'bad_copy_file_format',
                    HINT = 'Pass the whole edubasealldata CSV file from Get Information about Schools, header row first.';
    END IF;
    ncols := cardinality(header);

    -- position of each wanted column (first occurrence, names compared trimmed; 0 if absent)
    SELECT array_agg(coalesce((SELECT min(h.o) FROM unnest(header) WITH ORDINALITY AS h(name, o)
                                WHERE btrim(h.name) = w.name), 0)::int ORDER BY w.o)
      INTO pos
      FROM unnest(wanted) WITH ORDINALITY AS w(name, o);

    SELECT array_agg(quote_ident(wanted[k]) ORDER BY k) INTO missing
      FROM generate_series(1, 2) k WHERE pos[k] = 0;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'the establishment CSV has no column %', array_to_string(missing, ', ')
              USING ERRCODE = 'bad_copy_file_format',
                    DETAIL = format('Its header row (line %s) has %s columns, starting %s.', hdr_line, ncols,
                                    array_to_string(header[1:5], ', ')),
                    HINT = 'Use the "all establishment data" (edubasealldata) CSV export of Get Information about Schools; the URN and TypeOfEstablishment (name) columns are required.';
    END IF;

    CREATE TEMPORARY TABLE IF NOT EXISTS sen2_establishment_load (
        line_no bigint, nfields int, v text[]) ON COMMIT DROP;
    TRUNCATE sen2_establishment_load;
    -- fields[0] is NULL, so an absent optional column reads as NULL
    INSERT INTO sen2_establishment_load
    SELECT c.line_no, cardinality(c.fields),
           ARRAY[nullif(btrim(c.fields[pos[1]]), ''), nullif(btrim(c.fields[pos[2]]), ''),
                 nullif(btrim(c.fields[pos[3]]), ''), nullif(btrim(c.fields[pos[4]]), ''),
                 nullif(btrim(c.fields[pos[5]]), ''), nullif(btrim(c.fields[pos[6]]), ''),
                 nullif(btrim(c.fields[pos[7]]), ''), nullif(btrim(c.fields[pos[8]]), ''),
                 nullif(btrim(c.fields[pos[9]]), ''), nullif(btrim(c.fields[pos[10]]), ''),
                 nullif(btrim(c.fields[pos[11]]), ''), nullif(btrim(c.fields[pos[12]]), ''),
                 nullif(btrim(c.fields[pos[13]]), '')]
      FROM sen2.csv_records(csv) c
     WHERE c.record_no > 1;

    SELECT l.line_no, l.nfields INTO bad
      FROM sen2_establishment_load l WHERE l.nfields <> ncols ORDER BY l.line_no LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the establishment CSV record on line % has % fields, the header has %', bad.line_no, bad.nfields, ncols
              USING ERRCODE = 'bad_copy_file_format',
                    HINT = 'Check for a truncated file or an unquoted comma in a field.';
    END IF;

    SELECT l.line_no INTO bad FROM sen2_establishment_load l WHERE l.v[1] IS NULL ORDER BY l.line_no LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the establishment CSV record on line % has no URN', bad.line_no
              USING ERRCODE = 'bad_copy_file_format';
    END IF;

    SELECT min(l.line_no) AS first_line, max(l.line_no) AS second_line, l.v[1] AS urn INTO bad
      FROM sen2_establishment_load l
     GROUP BY l.v[1] HAVING count(*) > 1
     ORDER BY 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'URN % appears more than once in the establishment CSV (lines % and %)', bad.urn, bad.first_line, bad.second_line
              USING ERRCODE = 'unique_violation';
    END IF;

    SELECT l.line_no INTO bad FROM sen2_establishment_load l WHERE l.v[2] IS NULL ORDER BY l.line_no LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the establishment CSV record on line % has no TypeOfEstablishment (name)', bad.line_no
              USING ERRCODE = 'bad_copy_file_format';
    END IF;

    DELETE FROM sen2.establishment;
    INSERT INTO sen2.establishment (urn, ukprn, establishment_name, la_code, type_of_establishment,
                                    establishment_type_group, phase_of_education, establishment_status,
                                    type_of_resourced_provision, sen_unit_on_roll, sen_unit_capacity,
                                    resourced_provision_on_roll, resourced_provision_capacity, line_no)
    SELECT l.v[1], l.v[3], l.v[4], l.v[5], l.v[2], l.v[6], l.v[7], l.v[8], l.v[9],
           CASE WHEN l.v[10] ~ '^[0-9]{1,9}$' THEN l.v[10]::int END,
           CASE WHEN l.v[11] ~ '^[0-9]{1,9}$' THEN l.v[11]::int END,
           CASE WHEN l.v[12] ~ '^[0-9]{1,9}$' THEN l.v[12]::int END,
           CASE WHEN l.v[13] ~ '^[0-9]{1,9}$' THEN l.v[13]::int END,
           l.line_no
      FROM sen2_establishment_load l;
    GET DIAGNOSTICS n = ROW_COUNT;
    DROP TABLE sen2_establishment_load;
    RETURN n;
END
$$;
COMMENT ON FUNCTION sen2.load_establishments(text) IS
  'Loads the establishment register from the text of the GIAS edubasealldata CSV (columns matched by header name, any order; URN and TypeOfEstablishment (name) required), replacing the previous load. Returns the number of establishments. Read a Windows-1252 file with convert_from(..., ''WIN1252'') first.';

-- The placement category of each establishment in the register, with its
-- SEN unit and resourced provision variants (one small relation, so a
-- placement needs one lookup to be classified).
CREATE VIEW sen2.stat_establishment_category WITH (security_invoker = true) AS
SELECT e.urn, e.ukprn, e.establishment_status, e.type_of_establishment,
       coalesce(m.category, 'establishment_type_unmapped') AS category,
       pc.sen_unit_category, pc.resourced_provision_category
  FROM sen2.establishment e
  LEFT JOIN sen2.placement_map m ON m.kind = 'establishment_type' AND m.value = e.type_of_establishment
  LEFT JOIN sen2.placement_category pc ON pc.category = m.category;
COMMENT ON VIEW sen2.stat_establishment_category IS
  'Each establishment of the register with its placement category (from its TypeOfEstablishment through sen2.placement_map; establishment_type_unmapped if the type is not mapped) and the categories its SEN unit and resourced provision placements take.';

-- The establishment a UKPRN stands for when a setting gives no URN: an open
-- one first when several share the UKPRN, then the highest URN.
CREATE VIEW sen2.stat_ukprn_category WITH (security_invoker = true) AS
SELECT DISTINCT ON (e.ukprn) e.ukprn, e.urn, e.category, e.sen_unit_category, e.resourced_provision_category
  FROM sen2.stat_establishment_category e
 WHERE e.ukprn IS NOT NULL
 ORDER BY e.ukprn, coalesce(e.establishment_status ILIKE 'open%', false) DESC, e.urn DESC;
COMMENT ON VIEW sen2.stat_ukprn_category IS
  'One establishment per UKPRN in the register (an open one first, then the highest URN) with its placement categories: how a setting with a UKPRN and no URN is classified.';

-- The placement category of every setting a return names: placements
-- attended (PlacementDetail) and settings named in plans (PlanDetail).
-- Precedence: URN in the register (by its type; then the SEN unit variant
-- when SENunitIndicator = 1, else the resourced-provision variant when
-- ResourcedProvisionIndicator = 1), else UKPRN in the register (an open
-- establishment first when several share it), else a UKPRN not in the
-- register (UKRLP provider), else the SENsetting code, else "not recorded".
-- A URN missing from the register, or whose type is not in the mapping, gets
-- its own "not recorded" category so it can be found and fixed.
CREATE VIEW sen2.stat_setting_category WITH (security_invoker = true) AS
SELECT s.source, s.row_id, s.return_id, s.active_plans_id, s.named_plan_id,
       s.entry_date, s.leaving_date, s.leaving_blank, s.rank_order,
       s.urn, s.ukprn, s.sen_setting, s.res, s.wbp,
       k.category,
       coalesce(pc.compulsory_school_age_category, k.category) AS csa_category
  FROM (SELECT 'placement_detail'::text AS source, pd.placement_detail_id AS row_id, pd.return_id,
               pd.active_plans_id, NULL::bigint AS named_plan_id,
               sen2.iso_date(pd.entry_date) AS entry_date, sen2.iso_date(pd.leaving_date) AS leaving_date,
               coalesce(pd.leaving_date, '') = '' AS leaving_blank,
               pd.placement_rank, pd.urn, pd.ukprn, pd.sen_setting,
               pd.sen_unit_indicator, pd.resourced_provision_indicator, pd.res, pd.wbp
          FROM sen2.placement_detail pd
        UNION ALL
        SELECT 'plan_detail', dt.plan_detail_id, dt.return_id, NULL, dt.named_plan_id,
               NULL, NULL, NULL, dt.placement_rank, dt.urn, dt.ukprn, dt.sen_setting,
               dt.sen_unit_indicator, dt.resourced_provision_indicator, NULL, NULL
          FROM sen2.plan_detail dt) s0
  CROSS JOIN LATERAL (SELECT s0.*, CASE s0.placement_rank WHEN '1' THEN 1 WHEN '2' THEN 2 ELSE 3 END AS rank_order,
                             nullif(btrim(s0.urn), '') AS urn_key, nullif(btrim(s0.ukprn), '') AS ukprn_key) s
  LEFT JOIN sen2.stat_establishment_category eu ON eu.urn = s.urn_key
  LEFT JOIN sen2.stat_ukprn_category ek ON s.urn_key IS NULL AND ek.ukprn = s.ukprn_key
  LEFT JOIN sen2.placement_map ms ON ms.kind = 'sen_setting' AND ms.value = s.sen_setting
  CROSS JOIN LATERAL (
        SELECT CASE
                 WHEN eu.urn IS NOT NULL THEN
                      CASE WHEN s.sen_unit_indicator = '1' AND eu.sen_unit_category IS NOT NULL THEN eu.sen_unit_category
                           WHEN s.resourced_provision_indicator = '1' AND eu.resourced_provision_category IS NOT NULL
                                THEN eu.resourced_provision_category
                           ELSE eu.category END
                 WHEN s.urn_key IS NOT NULL THEN 'urn_not_in_register'
                 WHEN ek.ukprn IS NOT NULL THEN
                      CASE WHEN s.sen_unit_indicator = '1' AND ek.sen_unit_category IS NOT NULL THEN ek.sen_unit_category
                           WHEN s.resourced_provision_indicator = '1' AND ek.resourced_provision_category IS NOT NULL
                                THEN ek.resourced_provision_category
                           ELSE ek.category END
                 WHEN s.ukprn_key IS NOT NULL THEN 'ukrlp_provider'
                 WHEN ms.category IS NOT NULL THEN ms.category
                 ELSE 'placement_unknown' END AS category) k
  LEFT JOIN sen2.placement_category pc ON pc.category = k.category;
COMMENT ON VIEW sen2.stat_setting_category IS
  'Statistics building block: the placement category of every setting in the returns, attended (source placement_detail) or named in a plan (source plan_detail): URN in the register by establishment type (SEN unit, then resourced provision variant when the indicator is 1), else UKPRN in the register, else UKPRN alone (ukrlp_provider), else SENsetting, else placement_unknown; urn_not_in_register and establishment_type_unmapped flag what the register or mapping lacks. csa_category is the category for a person of compulsory school age (differs only for NIEO).';

CREATE VIEW sen2.stat_placement WITH (security_invoker = true) AS
SELECT c.row_id AS placement_detail_id, c.return_id, c.active_plans_id, c.entry_date, c.leaving_date,
       c.leaving_blank, c.rank_order, c.urn, c.ukprn, c.sen_setting, c.res, c.wbp, c.category, c.csa_category
  FROM sen2.stat_setting_category c
 WHERE c.source = 'placement_detail';
COMMENT ON VIEW sen2.stat_placement IS
  'Statistics building block: one row per placement attended (PlacementDetail) with parsed dates, rank order (1, 2, else 3) and placement category (see sen2.stat_setting_category).';

CREATE VIEW sen2.stat_plan_setting WITH (security_invoker = true) AS
SELECT c.row_id AS plan_detail_id, c.return_id, c.named_plan_id, c.rank_order, c.urn, c.ukprn, c.sen_setting,
       c.category, c.csa_category
  FROM sen2.stat_setting_category c
 WHERE c.source = 'plan_detail';
COMMENT ON VIEW sen2.stat_plan_setting IS
  'Statistics building block: one row per setting named in a plan (PlanDetail) with rank order and placement category (see sen2.stat_setting_category).';

-- URNs a return names that the register does not know.  Empty while no
-- register is loaded, so a database without one is not flooded with findings.
-- The register is consulted before the joins to the parent rows, so only
-- the few unknown URNs are joined (the other way round joined every
-- placement and setting first: twice the time at 700,000 persons).
CREATE VIEW sen2.unknown_urn WITH (security_invoker = true) AS
SELECT r.return_id, r.la_code, r.collection_year, u.module, u.row_id, q.person_id, u.urn
  FROM (SELECT 'placement_detail'::text AS module, pd.placement_detail_id AS row_id,
               pd.return_id, ap.request_id, pd.urn
          FROM (SELECT p.placement_detail_id, p.return_id, p.active_plans_id, btrim(p.urn) AS urn
                  FROM sen2.placement_detail p
                 WHERE coalesce(btrim(p.urn), '') <> ''
                   AND NOT EXISTS (SELECT 1 FROM sen2.establishment e WHERE e.urn = btrim(p.urn))) pd
          JOIN sen2.active_plans ap ON ap.active_plans_id = pd.active_plans_id
        UNION ALL
        SELECT 'plan_detail', dt.plan_detail_id, dt.return_id, a.request_id, dt.urn
          FROM (SELECT d.plan_detail_id, d.return_id, d.named_plan_id, btrim(d.urn) AS urn
                  FROM sen2.plan_detail d
                 WHERE coalesce(btrim(d.urn), '') <> ''
                   AND NOT EXISTS (SELECT 1 FROM sen2.establishment e WHERE e.urn = btrim(d.urn))) dt
          JOIN sen2.named_plan np ON np.named_plan_id = dt.named_plan_id
          JOIN sen2.assessment a ON a.assessment_id = np.assessment_id) u
  JOIN sen2.return r ON r.return_id = u.return_id
  JOIN sen2.request q ON q.request_id = u.request_id
 WHERE EXISTS (SELECT 1 FROM sen2.establishment);
COMMENT ON VIEW sen2.unknown_urn IS
  'URNs named in a return (placement_detail or plan_detail) that are not in the establishment register: return, module, row id, person and URN. Empty while sen2.establishment is empty.';
