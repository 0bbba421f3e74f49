-- Statistics: the parameters behind every rule the DfE has not published,
-- and the building blocks (returns, persons) the statistics views share.
--
-- Where the DfE's exact derivation is unknown (sen2-spec.md section 7) the
-- choice is a parameter with a stated default, never a constant buried in a
-- view.  A parameter's effective value is, in order: the session setting
-- sen2.<name> (SET sen2.timeliness_days = 141), the authority's row in
-- sen2.stat_parameter, the built-in default.  See docs/statistics.md.

CREATE TABLE sen2.stat_parameter_default (
    name           text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]*$'),
    default_value  text NOT NULL,
    value_type     text NOT NULL CHECK (value_type IN ('int', 'bool', 'choice')),
    allowed        text[],
    min_value      int,
    max_value      int,
    description    text NOT NULL,
    CHECK ((value_type = 'choice') = (allowed IS NOT NULL))
);
COMMENT ON TABLE sen2.stat_parameter_default IS
  'Built-in statistics parameters: the default of every derivation rule the DfE has not published. Change a value in sen2.stat_parameter (or per session with SET sen2.<name>), not here.';

CREATE TABLE sen2.stat_parameter (
    name        text PRIMARY KEY REFERENCES sen2.stat_parameter_default ON UPDATE CASCADE,
    value       text NOT NULL,
    note        text,
    changed_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    changed_by  name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE sen2.stat_parameter IS
  'The authority''s own values for statistics parameters (one row per changed parameter; delete the row to go back to the default). Kept by pg_dump.';
SELECT pg_catalog.pg_extension_config_dump('sen2.stat_parameter', '');

-- NULL when value is acceptable for the parameter, else what is wrong with it.
CREATE FUNCTION sen2.stat_parameter_problem(name text, value text)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d sen2.stat_parameter_default;
    n bigint;
BEGIN
    SELECT * INTO d FROM sen2.stat_parameter_default p WHERE p.name = stat_parameter_problem.name;
    IF NOT FOUND THEN
        RETURN format('there is no statistics parameter "%s"', name);
    END IF;
    IF value IS NULL THEN
        RETURN format('parameter "%s" needs a value', name);
    END IF;
    CASE d.value_type
    WHEN 'int' THEN
        IF value !~ '^\s*-?[0-9]{1,9}\s*$' THEN
            RETURN format('parameter "%s" must be a whole number, not "%s"', name, value);
        END IF;
        n := value::bigint;
        IF n < d.min_value OR n > d.max_value THEN
            RETURN format('parameter "%s" must be between %s and %s, not %s', name, d.min_value, d.max_value, n);
        END IF;
    WHEN 'bool' THEN
        IF lower(btrim(value)) NOT IN ('true', 'false', 'on', 'off', 'yes', 'no', '1', '0', 't', 'f') THEN
            RETURN format('parameter "%s" must be true or false, not "%s"', name, value);
        END IF;
    ELSE
        IF NOT (btrim(value) = ANY (d.allowed)) THEN
            RETURN format('parameter "%s" must be one of %s, not "%s"', name, array_to_string(d.allowed, ', '), value);
        END IF;
    END CASE;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION sen2.stat_parameter_problem(text, text) IS
  'What is wrong with a value for a statistics parameter, or NULL when it is acceptable.';

CREATE FUNCTION sen2.stat_parameter_check()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    problem text := sen2.stat_parameter_problem(NEW.name, NEW.value);
BEGIN
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'invalid statistics parameter: %', problem
              USING ERRCODE = 'invalid_parameter_value',
                    HINT = 'SELECT name, value_type, allowed, min_value, max_value FROM sen2.stat_parameter_default lists the parameters and their ranges.';
    END IF;
    NEW.value := btrim(NEW.value);
    RETURN NEW;
END
$$;
CREATE TRIGGER stat_parameter_check BEFORE INSERT OR UPDATE ON sen2.stat_parameter
    FOR EACH ROW EXECUTE FUNCTION sen2.stat_parameter_check();

-- The effective value of one parameter (session setting, then table, then default).
-- PARALLEL SAFE: it only reads settings (which parallel workers inherit)
-- and tables, so the statistics queries that call it may run in parallel.
CREATE FUNCTION sen2.stat_setting(name text)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v       text;
    source  text := 'session setting sen2.' || name;
    problem text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM sen2.stat_parameter_default p WHERE p.name = stat_setting.name) THEN
        RAISE EXCEPTION 'there is no statistics parameter "%"', name
              USING ERRCODE = 'undefined_object',
                    HINT = 'SELECT name FROM sen2.stat_parameter_default lists the parameters.';
    END IF;
    v := nullif(btrim(current_setting('sen2.' || name, true)), '');
    IF v IS NULL THEN
        source := 'sen2.stat_parameter';
        SELECT p.value INTO v FROM sen2.stat_parameter p WHERE p.name = stat_setting.name;
    END IF;
    IF v IS NULL THEN
        source := 'default';
        SELECT p.default_value INTO v FROM sen2.stat_parameter_default p WHERE p.name = stat_setting.name;
    END IF;
    problem := sen2.stat_parameter_problem(name, v);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'invalid statistics parameter: %', problem
              USING ERRCODE = 'invalid_parameter_value',
                    DETAIL = format('The value comes from the %s.', source),
                    HINT = format('RESET sen2.%s, or correct it in sen2.stat_parameter.', name);
    END IF;
    RETURN btrim(v);
END
$$;
COMMENT ON FUNCTION sen2.stat_setting(text) IS
  'Effective value of a statistics parameter: the session setting sen2.<name> if set, else the row in sen2.stat_parameter, else the built-in default.';

INSERT INTO sen2.stat_parameter_default (name, default_value, value_type, allowed, min_value, max_value, description) VALUES
 ('request_decision_days', '42', 'int', NULL, 0, 3650,
  'A decision whether to assess is within the 6-week limit when RequestOutcomeDate - ReceivedDate is at most this many days.'),
 ('not_issue_decision_days', '112', 'int', NULL, 0, 3650,
  'A decision not to issue a plan is within the 16-week limit when AssessmentOutcomeDate - ReceivedDate is at most this many days.'),
 ('timeliness_days', '140', 'int', NULL, 0, 3650,
  'A plan is issued within 20 weeks when AssessmentOutcomeDate - ReceivedDate is at most this many days (the DfE boundary is not published).'),
 ('timeliness_year_days', '364', 'int', NULL, 0, 3650,
  'A plan issued later than timeliness_days is "between 20 and 52 weeks" up to this many days and "over 52 weeks" beyond.'),
 ('timeliness_exclude_disputes', 'false', 'bool', NULL, NULL, NULL,
  'true: leave out of the 20-week figures every plan whose request or assessment went to mediation or tribunal (RequestMediation, RequestTribunal, AssessmentMediation, AssessmentTribunal = 1), as the aggregate-era series did.'),
 ('review_decision_days', '28', 'int', NULL, 0, 3650,
  'An annual review decision is within 4 weeks when LastReview - ReviewMeeting is at most this many days.'),
 ('review_expected_months', '12', 'int', NULL, 0, 120,
  'An annual review is expected for a plan active on census day that started at least this many months before the census date.'),
 ('active_on_cease_date', 'false', 'bool', NULL, NULL, NULL,
  'true: a plan whose CeaseDate is the census date still counts as active on census day (default: it does not).'),
 ('new_plans_exclude_transfers', 'true', 'bool', NULL, NULL, NULL,
  'true: a plan transferred in from another LA (TransferLA given, or AssessmentOutcome H) is not a new plan even if its StartDate is in the calendar year.'),
 ('down_syndrome_as_other', 'true', 'bool', NULL, NULL, NULL,
  'true: primary need DS (Down syndrome) is counted as OTH, as the DfE publishes it.'),
 ('caseload_age_basis', 'census_date', 'choice', ARRAY['census_date', 'august_31'], NULL, NULL,
  'Age used for "current age" of plans active on census day: age on the census date, or age on the 31 August before it (national-curriculum age).'),
 ('years_in_place_basis', 'calendar_year', 'choice', ARRAY['calendar_year', 'completed_years'], NULL, NULL,
  'Years a plan has been in place at census: census year minus start year (matches the published shape, "Less than a year" = started in the census year), or completed years.'),
 ('assessment_year_basis', 'outcome_date', 'choice', ARRAY['outcome_date', 'request_date', 'decided_in_year'], NULL, NULL,
  'Which assessments belong to the calendar year: outcome_date, those decided (AssessmentOutcomeDate) in it and undecided ones by the date of the decision to assess (else the request date); request_date, every assessment whose request was received in it; decided_in_year, only those decided (Y or N with an AssessmentOutcomeDate) in it.'),
 ('compulsory_school_age_min', '5', 'int', NULL, 0, 25,
  'Lowest age on the 31 August before the date at which a person not in education (NIEO) counts as of compulsory school age.'),
 ('compulsory_school_age_max', '15', 'int', NULL, 0, 25,
  'Highest age on the 31 August before the date at which a person not in education (NIEO) counts as of compulsory school age.'),
 ('use_cache', 'false', 'bool', NULL, NULL, NULL,
  'true: the statistics views read the facts stored by sen2.refresh_statistics() (when they were computed with the same parameters) instead of computing them from the staging tables; figures are then as at the last refresh.');

CREATE VIEW sen2.stat_parameters WITH (security_invoker = true) AS
SELECT d.name,
       sen2.stat_setting(d.name) AS value,
       CASE WHEN nullif(btrim(current_setting('sen2.' || d.name, true)), '') IS NOT NULL THEN 'session'
            WHEN p.name IS NOT NULL THEN 'sen2.stat_parameter'
            ELSE 'default' END AS source,
       d.default_value, d.value_type, d.allowed, d.min_value, d.max_value, d.description
  FROM sen2.stat_parameter_default d
  LEFT JOIN sen2.stat_parameter p ON p.name = d.name;
COMMENT ON VIEW sen2.stat_parameters IS
  'Every statistics parameter with its effective value and where that value comes from (session, sen2.stat_parameter or default).';

-- One row with every parameter, typed.  OFFSET 0 keeps the planner from
-- copying the function calls into the rows of a big query.
CREATE VIEW sen2.stat_settings WITH (security_invoker = true) AS
SELECT sen2.stat_setting('request_decision_days')::int AS request_decision_days,
       sen2.stat_setting('not_issue_decision_days')::int AS not_issue_decision_days,
       sen2.stat_setting('timeliness_days')::int AS timeliness_days,
       sen2.stat_setting('timeliness_year_days')::int AS timeliness_year_days,
       sen2.stat_setting('timeliness_exclude_disputes')::boolean AS timeliness_exclude_disputes,
       sen2.stat_setting('review_decision_days')::int AS review_decision_days,
       sen2.stat_setting('review_expected_months')::int AS review_expected_months,
       sen2.stat_setting('active_on_cease_date')::boolean AS active_on_cease_date,
       sen2.stat_setting('new_plans_exclude_transfers')::boolean AS new_plans_exclude_transfers,
       sen2.stat_setting('down_syndrome_as_other')::boolean AS down_syndrome_as_other,
       sen2.stat_setting('caseload_age_basis') AS caseload_age_basis,
       sen2.stat_setting('years_in_place_basis') AS years_in_place_basis,
       sen2.stat_setting('assessment_year_basis') AS assessment_year_basis,
       sen2.stat_setting('compulsory_school_age_min')::int AS compulsory_school_age_min,
       sen2.stat_setting('compulsory_school_age_max')::int AS compulsory_school_age_max,
       sen2.stat_setting('use_cache')::boolean AS use_cache
OFFSET 0;
COMMENT ON VIEW sen2.stat_settings IS
  'The effective statistics parameters as one typed row (see sen2.stat_parameters).';

-- Ethnicity as the DfE publishes it: the 18 main codes under their minor and
-- major labels; Refused and Information not yet obtained are "Unclassified".
CREATE TABLE sen2.stat_ethnicity (
    code           text PRIMARY KEY,
    ethnicity      text NOT NULL,
    ethnic_group   text NOT NULL,
    sort_order     int NOT NULL
);
COMMENT ON TABLE sen2.stat_ethnicity IS
  'Ethnicity codes with the minor and major labels of the DfE publication. A code not listed (or missing) is counted as "Not recorded".';
INSERT INTO sen2.stat_ethnicity VALUES
 ('WBRI', 'White - White British', 'White', 1),
 ('WIRI', 'White - Irish', 'White', 2),
 ('WIRT', 'White - Traveller of Irish heritage', 'White', 3),
 ('WROM', 'White - Gypsy/Roma', 'White', 4),
 ('WOTH', 'White - Any other White background', 'White', 5),
 ('MWBC', 'Mixed - White and Black Caribbean', 'Mixed', 6),
 ('MWBA', 'Mixed - White and Black African', 'Mixed', 7),
 ('MWAS', 'Mixed - White and Asian', 'Mixed', 8),
 ('MOTH', 'Mixed - Any other Mixed background', 'Mixed', 9),
 ('AIND', 'Asian - Indian', 'Asian', 10),
 ('APKN', 'Asian - Pakistani', 'Asian', 11),
 ('ABAN', 'Asian - Bangladeshi', 'Asian', 12),
 ('CHNE', 'Asian - Chinese', 'Asian', 13),
 ('AOTH', 'Asian - Any other Asian background', 'Asian', 14),
 ('BCRB', 'Black - Black Caribbean', 'Black', 15),
 ('BAFR', 'Black - Black African', 'Black', 16),
 ('BOTH', 'Black - Any other Black background', 'Black', 17),
 ('OOTH', 'Any other ethnic group', 'Any other ethnic group', 18),
 ('REFU', 'Unclassified', 'Unclassified', 19),
 ('NOBT', 'Unclassified', 'Unclassified', 19);

-- One row per return with its dates and the parameters, so the statistics
-- join one small relation to pick up everything that is per return.  The
-- census date and period come from the reference data of the collection
-- year (the header's ReferenceDate only when the year is unknown there).
CREATE VIEW sen2.stat_return WITH (security_invoker = true) AS
SELECT r.return_id, r.la_code, r.collection_year,
       d.census_date,
       coalesce(c.period_start, make_date(r.collection_year - 1, 1, 1)) AS period_start,
       coalesce(c.period_end, make_date(r.collection_year - 1, 12, 31)) AS period_end,
       -- the 31 August before the census date (start of its academic year)
       make_date(date_part('year', d.census_date)::int - CASE WHEN date_part('month', d.census_date) < 9 THEN 1 ELSE 0 END, 8, 31) AS census_august_31,
       (d.census_date - make_interval(months => s.review_expected_months))::date AS review_expected_cutoff,
       r.dmo, r.dco, r.dsco,
       s.*
  FROM sen2.return r
  LEFT JOIN sen2.collection c ON c.collection_year = r.collection_year
  CROSS JOIN LATERAL (SELECT coalesce(c.reference_date, sen2.iso_date(r.reference_date)) AS census_date) d
  CROSS JOIN sen2.stat_settings s
OFFSET 0;
COMMENT ON VIEW sen2.stat_return IS
  'Statistics building block: one row per return with its census date, calendar-year period (the activity year), the 31 August before the census date and the effective statistics parameters.';

-- One row per person with the characteristics the publications break down by.
CREATE VIEW sen2.stat_person WITH (security_invoker = true) AS
SELECT p.person_id, p.return_id,
       sen2.iso_date(p.person_birth_date) AS birth_date,
       CASE WHEN p.sex = 'M' THEN 'Male'
            WHEN p.sex = 'F' THEN 'Female'
            WHEN coalesce(p.sex, '') = '' AND p.gender = '1' THEN 'Male'
            WHEN coalesce(p.sex, '') = '' AND p.gender = '2' THEN 'Female'
            ELSE 'Unknown' END AS sex,
       coalesce(e.ethnicity, 'Not recorded') AS ethnicity,
       coalesce(e.ethnic_group, 'Not recorded') AS ethnic_group,
       p.upn, p.uln, p.surname, p.forename
  FROM sen2.person p
  LEFT JOIN sen2.stat_ethnicity e ON e.code = p.ethnicity;
COMMENT ON VIEW sen2.stat_person IS
  'Statistics building block: one row per person with birth date (NULL if invalid), sex as published (Male, Female, Unknown: U, missing, invalid; 2023 Gender 1/2 read as Male/Female) and ethnicity (minor and major DfE labels; Not recorded if missing or not a main code).';
