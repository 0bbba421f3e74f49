-- Running the rules: sen2.validate(return_id), sen2.validate_all(), local
-- rules and the import of the DfE's wording (docs/rules.md).

CREATE FUNCTION sen2.validate_builtin(return_id bigint, run_id bigint DEFAULT NULL)
RETURNS SETOF sen2.finding
    AS 'MODULE_PATHNAME', 'sen2_validate_builtin'
    LANGUAGE C VOLATILE
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION sen2.validate_builtin(bigint, bigint) IS
  'The built-in rules in force (catalogue + overrides, for the return''s collection year) over the staging tables of one return, person by person. Records nothing: sen2.validate records a run.';

CREATE FUNCTION sen2.builtin_rule_ids() RETURNS SETOF text
    AS 'MODULE_PATHNAME', 'sen2_builtin_rule_ids_sql'
    LANGUAGE C IMMUTABLE;
COMMENT ON FUNCTION sen2.builtin_rule_ids() IS
  'Ids of the rules implemented in C by this build (the layout checks L01-L08 and every rule with its own code); catalogue rows with a layout_check are reported by the layout checks.';

CREATE FUNCTION sen2.query_columns(query text)
RETURNS TABLE (column_name text, data_type regtype)
    AS 'MODULE_PATHNAME', 'sen2_query_columns'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION sen2.query_columns(text) IS
  'The result columns of a local rule''s query ($1 = return id), found by planning it without running it. Errors if it is not one read-only SELECT.';

CREATE FUNCTION sen2.parse_csv(doc text, delimiter text DEFAULT ',')
RETURNS SETOF text[]
    AS 'MODULE_PATHNAME', 'sen2_parse_csv'
    LANGUAGE C IMMUTABLE STRICT;
COMMENT ON FUNCTION sen2.parse_csv(text, text) IS
  'The records of a CSV document (as saved by spreadsheet programs: quoted fields, doubled quotes, any line ends), one text[] per non-blank line.';

-- A fingerprint of the rules in force for a year: same value, same rules.
CREATE FUNCTION sen2.rule_set_version(collection_year int)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT 'sen2 ' || coalesce((SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'sen2'), '?')
       || ' rules ' || left(md5(coalesce(string_agg(
            concat_ws('|', e.id, e.severity, e.enabled, e.message, e.first_year, e.last_year, e.query),
            E'\n' ORDER BY e.id COLLATE "C"), '')), 12)
  FROM sen2.rule_effective e
 WHERE coalesce(e.first_year, 0) <= $1 AND coalesce(e.last_year, 9999) >= $1
$$;
COMMENT ON FUNCTION sen2.rule_set_version(int) IS
  'The extension version and a fingerprint of the rules in force for a collection year (catalogue, overrides, local rules).';

-- Local rules ---------------------------------------------------------------

-- The columns a local rule may return, and the SELECT that reads them.
CREATE FUNCTION sen2.local_rule_select(rule_id text, query text)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    known CONSTANT text[] := ARRAY['table_name', 'row_id', 'item', 'value', 'message'];
    cols  text[];
    bad   text[];
BEGIN
    SELECT array_agg(c.column_name ORDER BY c.column_name) INTO cols FROM sen2.query_columns(query) c;
    SELECT array_agg(c ORDER BY c) INTO bad FROM unnest(cols) c WHERE c <> ALL (known);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'local rule % returns unknown column(s) %', rule_id, array_to_string(bad, ', ')
              USING ERRCODE = 'invalid_column_reference',
                    DETAIL = 'A local rule returns any of: table_name, row_id, item, value, message.',
                    HINT = 'Rename the columns with AS, e.g. SELECT ''person'' AS table_name, person_id AS row_id ...';
    END IF;
    IF cols IS NULL THEN
        RAISE EXCEPTION 'local rule % returns no columns', rule_id
              USING ERRCODE = 'invalid_column_reference',
                    DETAIL = 'A local rule returns any of: table_name, row_id, item, value, message.';
    END IF;
    RETURN format('SELECT %s::text AS table_name, %s::bigint AS row_id, %s::text AS item, %s::text AS value, %s::text AS message FROM (%s) q',
                  CASE WHEN 'table_name' = ANY (cols) THEN 'q.table_name' ELSE 'NULL' END,
                  CASE WHEN 'row_id' = ANY (cols) THEN 'q.row_id' ELSE 'NULL' END,
                  CASE WHEN 'item' = ANY (cols) THEN 'q.item' ELSE 'NULL' END,
                  CASE WHEN 'value' = ANY (cols) THEN 'q.value' ELSE 'NULL' END,
                  CASE WHEN 'message' = ANY (cols) THEN 'q.message' ELSE 'NULL' END,
                  query);
END
$$;

CREATE FUNCTION sen2.register_rule(id text, severity text, message text, query text,
                                   module text DEFAULT NULL, items text[] DEFAULT '{}',
                                   description text DEFAULT NULL, first_year int DEFAULT NULL,
                                   last_year int DEFAULT NULL, enabled boolean DEFAULT true,
                                   replace boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    existing text;
BEGIN
    IF id IS NULL OR severity IS NULL OR message IS NULL OR query IS NULL THEN
        RAISE EXCEPTION 'register_rule needs an id, a severity, a message and a query'
              USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF severity NOT IN ('error', 'query') THEN
        RAISE EXCEPTION 'invalid severity "%" for rule %', severity, id
              USING ERRCODE = 'invalid_parameter_value', HINT = 'Use error or query.';
    END IF;
    SELECT r.origin INTO existing FROM sen2.rule r WHERE r.id = register_rule.id;
    IF existing = 'builtin' THEN
        RAISE EXCEPTION 'rule id % is a built-in rule', id
              USING ERRCODE = 'unique_violation',
                    HINT = 'Choose another id for a local rule (e.g. a prefix such as LA_); change built-in rules with sen2.rule_override.';
    ELSIF existing = 'local' AND NOT replace THEN
        RAISE EXCEPTION 'local rule % already exists', id
              USING ERRCODE = 'unique_violation', HINT = 'Pass replace => true to redefine it.';
    END IF;
    -- parse and plan now, so a broken query is reported to its author
    PERFORM sen2.local_rule_select(id, query);
    INSERT INTO sen2.rule (id, severity, module, items, message, first_year, last_year, enabled,
                           origin, description, query)
    VALUES (id, severity, module, coalesce(items, '{}'), message, first_year, last_year, enabled,
            'local', description, query)
    ON CONFLICT ON CONSTRAINT rule_pkey DO UPDATE
       SET severity = EXCLUDED.severity, module = EXCLUDED.module, items = EXCLUDED.items,
           message = EXCLUDED.message, first_year = EXCLUDED.first_year,
           last_year = EXCLUDED.last_year, enabled = EXCLUDED.enabled,
           description = EXCLUDED.description, query = EXCLUDED.query,
           created_at = pg_catalog.now(), created_by = CURRENT_USER;
    RETURN id;
END
$$;
COMMENT ON FUNCTION sen2.register_rule(text, text, text, text, text, text[], text, int, int, boolean, boolean) IS
  'Registers an authority''s own rule: a SELECT over the staging tables ($1 = return id) returning the offending rows as table_name, row_id, item, value, message (any of them). It runs beside the built-in rules in sen2.validate.';

-- Runs one local rule into a run.  The query runs read-only (even a volatile
-- function it calls cannot change data), in a subtransaction that is then
-- rolled back, keeping only its rows.  A broken rule (a query that no longer
-- parses, wrong columns, a runtime error) becomes an error finding of that
-- rule and the rest of the run goes on.  Returns false if broken.
CREATE FUNCTION sen2.run_local_rule(return_id bigint, run_id bigint, rule_id text)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r     record;
    sel   text;
    rows  jsonb;
BEGIN
    SELECT * INTO r FROM sen2.rule_effective e WHERE e.id = run_local_rule.rule_id AND e.origin = 'local';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'local rule % does not exist', rule_id USING ERRCODE = 'undefined_object';
    END IF;
    BEGIN
        sel := sen2.local_rule_select(r.id, r.query);
        BEGIN
            PERFORM pg_catalog.set_config('transaction_read_only', 'on', true);
            EXECUTE format('SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(q)), ''[]'') FROM (%s) q', sel)
               INTO rows USING return_id;
            -- leave the read-only subtransaction; the rows are kept in a variable
            RAISE EXCEPTION USING ERRCODE = 'SN2RO';
        EXCEPTION WHEN SQLSTATE 'SN2RO' THEN
            NULL;
        END;
        INSERT INTO sen2.validation_finding (run_id, return_id, rule_id, severity, module, item, value, message,
                                             table_name, row_id, location)
        SELECT run_id, return_id, r.id, r.severity, coalesce(q.table_name, r.module), q.item, q.value,
               CASE WHEN q.message IS NULL OR q.message = '' THEN r.message ELSE r.message || ': ' || q.message END,
               coalesce(q.table_name, r.module), q.row_id,
               CASE WHEN q.row_id IS NULL THEN 'Persons' END
          FROM pg_catalog.jsonb_to_recordset(rows)
               AS q(table_name text, row_id bigint, item text, value text, message text);
        RETURN true;
    EXCEPTION WHEN OTHERS THEN
        INSERT INTO sen2.validation_finding (run_id, return_id, rule_id, severity, module, message, location)
        VALUES (run_id, return_id, r.id, 'error', r.module,
                format('local rule %s failed and was not applied: %s (SQLSTATE %s)', r.id, SQLERRM, SQLSTATE),
                'Persons');
        RETURN false;
    END;
END
$$;

-- Fills person, source id and location of findings that local rules gave
-- as (table_name, row_id): the same location paths as the built-in rules.
CREATE FUNCTION sen2.locate_findings(run_id bigint)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rid  bigint;
    n    bigint;
BEGIN
    SELECT v.return_id INTO rid FROM sen2.validation_run v WHERE v.run_id = locate_findings.run_id;
    IF NOT EXISTS (SELECT 1 FROM sen2.validation_finding f
                    WHERE f.run_id = locate_findings.run_id AND f.row_id IS NOT NULL
                      AND (f.location IS NULL OR f.location = 'Persons')) THEN
        RETURN 0;
    END IF;
    WITH f AS (
        SELECT f.finding_id, f.table_name, f.row_id
          FROM sen2.validation_finding f
         WHERE f.run_id = locate_findings.run_id AND f.row_id IS NOT NULL
           AND (f.location IS NULL OR f.location = 'Persons')
    ), req AS (   -- requests and what hangs under them, with the request's path
        SELECT r.request_id, r.person_id,
               '/Requests[' || row_number() OVER (PARTITION BY r.person_id ORDER BY r.seq, r.request_id) || ']' AS path
          FROM sen2.request r
         WHERE r.person_id IN (SELECT p.person_id FROM sen2.person p WHERE p.return_id = rid)
    ), rows AS (
        SELECT f.finding_id, p.person_id, p.source_id, '' AS suffix
          FROM f JOIN sen2.person p ON f.table_name = 'person' AND p.person_id = f.row_id AND p.return_id = rid
        UNION ALL
        SELECT f.finding_id, q.person_id, r.source_id, q.path
          FROM f JOIN sen2.request r ON f.table_name = 'request' AND r.request_id = f.row_id AND r.return_id = rid
          JOIN req q ON q.request_id = r.request_id
        UNION ALL
        SELECT f.finding_id, q.person_id, a.source_id, q.path || '/Assessment'
          FROM f JOIN sen2.assessment a ON f.table_name = 'assessment' AND a.assessment_id = f.row_id AND a.return_id = rid
          JOIN req q ON q.request_id = a.request_id
        UNION ALL
        SELECT f.finding_id, q.person_id, n.source_id, q.path || '/Assessment/NamedPlan'
          FROM f JOIN sen2.named_plan n ON f.table_name = 'named_plan' AND n.named_plan_id = f.row_id AND n.return_id = rid
          JOIN sen2.assessment a ON a.assessment_id = n.assessment_id
          JOIN req q ON q.request_id = a.request_id
        UNION ALL
        SELECT f.finding_id, q.person_id, d.source_id,
               q.path || '/Assessment/NamedPlan/PlanDetail[' ||
               (SELECT count(*) FROM sen2.plan_detail d2
                 WHERE d2.named_plan_id = d.named_plan_id
                   AND (d2.seq < d.seq OR (d2.seq IS NOT NULL AND d.seq IS NULL)
                        OR (d2.seq IS NOT DISTINCT FROM d.seq AND d2.plan_detail_id <= d.plan_detail_id))) || ']'
          FROM f JOIN sen2.plan_detail d ON f.table_name = 'plan_detail' AND d.plan_detail_id = f.row_id AND d.return_id = rid
          JOIN sen2.named_plan n ON n.named_plan_id = d.named_plan_id
          JOIN sen2.assessment a ON a.assessment_id = n.assessment_id
          JOIN req q ON q.request_id = a.request_id
        UNION ALL
        SELECT f.finding_id, q.person_id, ap.source_id, q.path || '/ActivePlans'
          FROM f JOIN sen2.active_plans ap ON f.table_name = 'active_plans' AND ap.active_plans_id = f.row_id AND ap.return_id = rid
          JOIN req q ON q.request_id = ap.request_id
        UNION ALL
        SELECT f.finding_id, q.person_id, d.source_id,
               q.path || '/ActivePlans/PlacementDetail[' ||
               (SELECT count(*) FROM sen2.placement_detail d2
                 WHERE d2.active_plans_id = d.active_plans_id
                   AND (d2.seq < d.seq OR (d2.seq IS NOT NULL AND d.seq IS NULL)
                        OR (d2.seq IS NOT DISTINCT FROM d.seq AND d2.placement_detail_id <= d.placement_detail_id))) || ']'
          FROM f JOIN sen2.placement_detail d ON f.table_name = 'placement_detail' AND d.placement_detail_id = f.row_id AND d.return_id = rid
          JOIN sen2.active_plans ap ON ap.active_plans_id = d.active_plans_id
          JOIN req q ON q.request_id = ap.request_id
        UNION ALL
        SELECT f.finding_id, q.person_id, d.source_id,
               q.path || '/ActivePlans/SENneed[' ||
               (SELECT count(*) FROM sen2.sen_need d2
                 WHERE d2.active_plans_id = d.active_plans_id
                   AND (d2.seq < d.seq OR (d2.seq IS NOT NULL AND d.seq IS NULL)
                        OR (d2.seq IS NOT DISTINCT FROM d.seq AND d2.sen_need_id <= d.sen_need_id))) || ']'
          FROM f JOIN sen2.sen_need d ON f.table_name = 'sen_need' AND d.sen_need_id = f.row_id AND d.return_id = rid
          JOIN sen2.active_plans ap ON ap.active_plans_id = d.active_plans_id
          JOIN req q ON q.request_id = ap.request_id
    ), ord AS (
        SELECT p.person_id, p.source_id, p.upn, p.uln, p.forename, p.surname,
               row_number() OVER (ORDER BY p.seq, p.person_id) AS n
          FROM sen2.person p WHERE p.return_id = rid
    )
    UPDATE sen2.validation_finding v
       SET person_source_id = o.source_id, upn = o.upn, uln = o.uln,
           person_name = nullif(concat_ws(' ', nullif(o.forename, ''), nullif(o.surname, '')), ''),
           source_id = x.source_id,
           location = 'Person[' || o.n || ']' || x.suffix
      FROM rows x JOIN ord o ON o.person_id = x.person_id
     WHERE v.finding_id = x.finding_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    -- the return itself
    UPDATE sen2.validation_finding v SET location = 'Header'
     WHERE v.run_id = locate_findings.run_id AND v.table_name = 'return' AND v.row_id = rid
       AND (v.location IS NULL OR v.location = 'Persons');
    RETURN n;
END
$$;

-- Running ---------------------------------------------------------------

CREATE FUNCTION sen2.validate_run(return_id bigint)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    yr      int;
    run     bigint;
    lr      record;
    nlocal  int := 0;
    nbroken int := 0;
BEGIN
    IF return_id IS NULL THEN
        RAISE EXCEPTION 'the return to validate must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT r.collection_year INTO yr FROM sen2.return r WHERE r.return_id = validate_run.return_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'return % does not exist', return_id
              USING ERRCODE = 'no_data_found',
                    HINT = 'SELECT return_id, la_code, collection_year FROM sen2.return lists the returns you can see.';
    END IF;
    INSERT INTO sen2.validation_run (return_id, collection_year, rule_set_version)
    VALUES (return_id, yr, sen2.rule_set_version(yr))
    RETURNING validation_run.run_id INTO run;

    INSERT INTO sen2.validation_finding (run_id, return_id, rule_id, severity, module, item, value, message,
                                         person_source_id, upn, uln, person_name, table_name, row_id,
                                         source_id, location, line)
    SELECT run, f.return_id, f.rule_id, f.severity, f.module, f.item, f.value, f.message,
           f.person_source_id, f.upn, f.uln, f.person_name, f.table_name, f.row_id,
           f.source_id, f.location, f.line
      FROM sen2.validate_builtin(return_id, run) f;

    FOR lr IN SELECT e.id FROM sen2.rule_effective e
               WHERE e.origin = 'local' AND e.enabled
                 AND coalesce(e.first_year, 0) <= yr AND coalesce(e.last_year, 9999) >= yr
               ORDER BY e.id COLLATE "C"
    LOOP
        nlocal := nlocal + 1;
        IF NOT sen2.run_local_rule(return_id, run, lr.id) THEN
            nbroken := nbroken + 1;
        END IF;
    END LOOP;
    IF nlocal > 0 THEN
        PERFORM sen2.locate_findings(run);
    END IF;

    UPDATE sen2.validation_run v
       SET finished_at = pg_catalog.clock_timestamp(),
           errors = c.errors, queries = c.queries,
           persons = (SELECT count(*) FROM sen2.person p WHERE p.return_id = validate_run.return_id),
           local_rules = nlocal, broken_rules = nbroken
      FROM (SELECT count(*) FILTER (WHERE f.severity = 'error') AS errors,
                   count(*) FILTER (WHERE f.severity = 'query') AS queries
              FROM sen2.validation_finding f WHERE f.run_id = run) c
     WHERE v.run_id = run;
    RETURN run;
END
$$;
COMMENT ON FUNCTION sen2.validate_run(bigint) IS
  'Validates a return, records the run in sen2.validation_run and its findings in sen2.validation_finding, and returns the run id.';

CREATE FUNCTION sen2.validate(return_id bigint)
RETURNS SETOF sen2.finding
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    run bigint := sen2.validate_run(return_id);
BEGIN
    RETURN QUERY
    SELECT f.return_id, f.run_id, f.rule_id, f.severity, f.module, f.item, f.value, f.message,
           f.person_source_id, f.upn, f.uln, f.person_name, f.table_name, f.row_id,
           f.source_id, f.location, f.line
      FROM sen2.validation_finding f
     WHERE f.run_id = run
     ORDER BY f.finding_id;
END
$$;
COMMENT ON FUNCTION sen2.validate(bigint) IS
  'Validates a return with every rule in force (built-in and local, after overrides) and returns its errors and queries; the run is recorded in sen2.validation_run / sen2.validation_finding.';

CREATE FUNCTION sen2.validate_all(collection_year int DEFAULT NULL)
RETURNS TABLE (return_id bigint, run_id bigint, errors bigint, queries bigint, persons bigint, failure text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r    record;
    run  bigint;
BEGIN
    FOR r IN SELECT t.return_id FROM sen2.return t
              WHERE validate_all.collection_year IS NULL OR t.collection_year = validate_all.collection_year
              ORDER BY t.return_id
    LOOP
        BEGIN
            run := sen2.validate_run(r.return_id);
            RETURN QUERY SELECT v.return_id, v.run_id, v.errors, v.queries, v.persons, NULL::text
                           FROM sen2.validation_run v WHERE v.run_id = run;
        EXCEPTION WHEN OTHERS THEN
            -- one return that cannot be validated must not stop the others
            RAISE WARNING 'return % could not be validated: %', r.return_id, SQLERRM;
            INSERT INTO sen2.validation_run (return_id, collection_year, finished_at, failure)
            SELECT t.return_id, t.collection_year, pg_catalog.clock_timestamp(),
                   format('%s (SQLSTATE %s)', SQLERRM, SQLSTATE)
              FROM sen2.return t WHERE t.return_id = r.return_id
            RETURNING validation_run.run_id INTO run;
            RETURN QUERY SELECT r.return_id, run, NULL::bigint, NULL::bigint, NULL::bigint,
                                format('%s (SQLSTATE %s)', SQLERRM, SQLSTATE);
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION sen2.validate_all(int) IS
  'Validates every return (of one collection year, or all), one recorded run each; for nightly runs from pg_cron. A return that cannot be validated gets a run with its failure and the others go on.';

-- The DfE's wording --------------------------------------------------------

CREATE FUNCTION sen2.import_rule_messages(csv text, strict boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rec       text[];
    hdr       text[];
    i_id      int := 1;
    i_msg     int := 2;
    i_sev     int := 3;
    first     int := 1;
    csv_id    text;
    msg       text;
    sev       text;
    unknown   text[] := '{}';
    n         int := 0;
    k         int;
BEGIN
    IF csv IS NULL THEN
        RAISE EXCEPTION 'import_rule_messages needs the CSV text' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    hdr := (SELECT r FROM sen2.parse_csv(csv) r LIMIT 1);
    IF hdr IS NULL THEN
        RAISE EXCEPTION 'the CSV has no rows' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- a header row names the columns; otherwise they are id, message, severity
    IF EXISTS (SELECT 1 FROM unnest(hdr) h
                WHERE lower(trim(h)) IN ('id', 'rule', 'rule id', 'rule_id', 'rule code', 'code', 'number', 'rule number')) THEN
        first := 2;
        i_id := NULL; i_msg := NULL; i_sev := NULL;
        FOR k IN 1 .. array_length(hdr, 1) LOOP
            CASE
                WHEN lower(trim(hdr[k])) IN ('id', 'rule', 'rule id', 'rule_id', 'rule code', 'code', 'number', 'rule number')
                     AND i_id IS NULL THEN i_id := k;
                WHEN lower(trim(hdr[k])) IN ('message', 'text', 'error message', 'message text', 'description', 'rule description')
                     AND i_msg IS NULL THEN i_msg := k;
                WHEN lower(trim(hdr[k])) IN ('severity', 'type', 'error type', 'category', 'level', 'error/query')
                     AND i_sev IS NULL THEN i_sev := k;
                ELSE NULL;
            END CASE;
        END LOOP;
        IF i_msg IS NULL AND i_sev IS NULL THEN
            RAISE EXCEPTION 'the CSV header has no message or severity column'
                  USING ERRCODE = 'invalid_parameter_value',
                        DETAIL = format('Header: %s', array_to_string(hdr, ', ')),
                        HINT = 'Name the columns id, message, severity (or leave out the header row and put them in that order).';
        END IF;
    END IF;

    k := 0;
    FOR rec IN SELECT r FROM sen2.parse_csv(csv) r LOOP
        k := k + 1;
        CONTINUE WHEN k < first;
        csv_id := nullif(trim(rec[i_id]), '');
        CONTINUE WHEN csv_id IS NULL;
        msg := CASE WHEN i_msg IS NOT NULL THEN nullif(trim(rec[i_msg]), '') END;
        sev := CASE WHEN i_sev IS NOT NULL THEN lower(nullif(trim(rec[i_sev]), '')) END;
        sev := CASE WHEN sev IS NULL THEN NULL
                    WHEN sev IN ('e', 'error', 'errors') THEN 'error'
                    WHEN sev IN ('q', 'query', 'queries') THEN 'query'
                    ELSE '?' || sev END;
        IF sev LIKE '?%' THEN
            RAISE EXCEPTION 'invalid severity "%" for rule % on CSV line %', substr(sev, 2), csv_id, k
                  USING ERRCODE = 'invalid_parameter_value', HINT = 'Severity is error (E) or query (Q).';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM sen2.rule r WHERE r.id = csv_id) THEN
            unknown := unknown || csv_id;
            CONTINUE;
        END IF;
        CONTINUE WHEN msg IS NULL AND sev IS NULL;
        INSERT INTO sen2.rule_override (rule_id, message, severity, note)
        VALUES (csv_id, msg, sev, 'imported from the DfE validation rules')
        ON CONFLICT (rule_id) DO UPDATE
           SET message = coalesce(EXCLUDED.message, sen2.rule_override.message),
               severity = coalesce(EXCLUDED.severity, sen2.rule_override.severity),
               note = EXCLUDED.note, updated_at = pg_catalog.now(), updated_by = CURRENT_USER;
        n := n + 1;
    END LOOP;

    IF cardinality(unknown) > 0 THEN
        IF strict THEN
            RAISE EXCEPTION '% rule id(s) in the CSV are not in the catalogue: %',
                            cardinality(unknown), array_to_string(unknown, ', ')
                  USING ERRCODE = 'undefined_object',
                        HINT = 'Nothing was imported. Correct the ids, or call with strict => false to import the known ones.';
        END IF;
        RAISE WARNING '% rule id(s) in the CSV are not in the catalogue and were skipped: %',
                      cardinality(unknown), array_to_string(unknown, ', ')
              USING HINT = 'SELECT id FROM sen2.rule lists the known ids.';
    END IF;
    RETURN n;
END
$$;
COMMENT ON FUNCTION sen2.import_rule_messages(text, boolean) IS
  'Maps a validation-rules sheet saved as CSV (id, message, severity; with or without a header row) onto the catalogue: the message and severity of each known id go into sen2.rule_override. Unknown ids: a WARNING listing them (strict => true: an error and nothing imported). Returns the number of rules updated.';
