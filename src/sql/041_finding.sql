-- Findings and the history of validation runs (docs/rules.md).

CREATE TYPE sen2.finding AS (
    return_id         bigint,
    run_id            bigint,
    rule_id           text,
    severity          text,
    module            text,
    item              text,
    value             text,
    message           text,
    person_source_id  text,
    upn               text,
    uln               text,
    person_name       text,
    table_name        text,
    row_id            bigint,
    source_id         text,
    location          text,
    line              int
);
COMMENT ON TYPE sen2.finding IS
  'One error or query: the rule, the item (XML tag) and its raw value, the person (source id, UPN, ULN, name), the warehouse row (table_name, row_id = surrogate key, source_id) and where it sits in the XML (location path; line when read from a file).';

CREATE TABLE sen2.validation_run (
    run_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id         bigint NOT NULL,
    collection_year   int,
    started_at        timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    finished_at       timestamptz,
    run_by            name NOT NULL DEFAULT SESSION_USER,
    rule_set_version  text,
    errors            bigint,
    queries           bigint,
    persons           bigint,
    local_rules       int,
    broken_rules      int,
    failure           text
);
CREATE INDEX validation_run_return ON sen2.validation_run (return_id, run_id);
COMMENT ON TABLE sen2.validation_run IS
  'Every validation run: when, by whom, with which rule set (extension version and a fingerprint of the effective catalogue), and the counts. finished_at is NULL only while a run is in progress; failure is set when sen2.validate_all could not validate the return.';
COMMENT ON COLUMN sen2.validation_run.return_id IS
  'The return validated.  Not a foreign key on purpose: the history of a return outlives the return (an audit trail), and restores without it.';
COMMENT ON COLUMN sen2.validation_run.rule_set_version IS
  'sen2 version and a fingerprint of the rules in force (catalogue, overrides, local rules): two runs with the same value used the same rules.';

CREATE TABLE sen2.validation_finding (
    finding_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id            bigint NOT NULL REFERENCES sen2.validation_run ON DELETE CASCADE,
    return_id         bigint NOT NULL,
    rule_id           text NOT NULL,
    severity          text NOT NULL,
    module            text,
    item              text,
    value             text,
    message           text NOT NULL,
    person_source_id  text,
    upn               text,
    uln               text,
    person_name       text,
    table_name        text,
    row_id            bigint,
    source_id         text,
    location          text,
    line              int
);
CREATE INDEX validation_finding_run ON sen2.validation_finding (run_id, rule_id);
COMMENT ON TABLE sen2.validation_finding IS
  'The findings of every run (sen2.findings shows the latest run of each return).';

-- History is the authority's data: dump it (the tables belong to the extension).
SELECT pg_catalog.pg_extension_config_dump('sen2.validation_run', '');
SELECT pg_catalog.pg_extension_config_dump('sen2.validation_finding', '');
SELECT pg_catalog.pg_extension_config_dump('sen2.validation_run_run_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sen2.validation_finding_finding_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('sen2.rule', 'WHERE origin = ''local''');
SELECT pg_catalog.pg_extension_config_dump('sen2.rule_override', '');

-- For BI: the findings of the latest finished run of each return.
CREATE VIEW sen2.findings AS
SELECT f.return_id, f.run_id, f.rule_id, f.severity, f.module, f.item, f.value, f.message,
       f.person_source_id, f.upn, f.uln, f.person_name, f.table_name, f.row_id, f.source_id,
       f.location, f.line, r.finished_at AS validated_at
  FROM sen2.validation_finding f
  JOIN sen2.validation_run r ON r.run_id = f.run_id
 WHERE r.run_id = (SELECT max(l.run_id) FROM sen2.validation_run l
                    WHERE l.return_id = r.return_id AND l.finished_at IS NOT NULL AND l.failure IS NULL);
COMMENT ON VIEW sen2.findings IS 'Findings of the latest completed validation run of each return.';

CREATE VIEW sen2.finding_summary AS
SELECT r.return_id, r.run_id, r.finished_at AS validated_at, f.rule_id, f.severity,
       e.message AS rule_message,
       count(*) AS findings,
       count(DISTINCT substring(f.location FROM '^Person\[[0-9]+\]')) AS persons
  FROM sen2.validation_run r
  JOIN sen2.validation_finding f ON f.run_id = r.run_id
  LEFT JOIN sen2.rule_effective e ON e.id = f.rule_id
 WHERE r.run_id = (SELECT max(l.run_id) FROM sen2.validation_run l
                    WHERE l.return_id = r.return_id AND l.finished_at IS NOT NULL AND l.failure IS NULL)
 GROUP BY r.return_id, r.run_id, r.finished_at, f.rule_id, f.severity, e.message;
COMMENT ON VIEW sen2.finding_summary IS
  'Per return (latest completed run), rule and severity: how many findings and how many persons they concern.';
