-- Every built-in rule: a mutation of the clean return that must produce
-- exactly that rule's finding, and near misses that must produce nothing.
--
-- Each case runs in a subtransaction over a clean return of its year
-- (test/fixtures/clean_return.sql), which is rolled back afterwards.  In a
-- mutation {P1-R1} stands for "return_id = <the return> AND source_id =
-- 'P1-R1'", $R for the return id, $RD / $PS / $PE for the census date and
-- the start / end of the collection period (dates), $Y for the year.
-- A case on the file (on_file) is an expression over $DOC, the clean
-- return written as XML, giving the file sen2.validate_xml checks.
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS sen2;
\ir ../fixtures/clean_return.sql

CREATE FUNCTION pg_temp.d(date) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT to_char($1, 'YYYY-MM-DD') $$;

CREATE TEMP TABLE clean (yr int PRIMARY KEY, rid bigint);
INSERT INTO clean SELECT y, pg_temp.sen2_clean_return('886', y) FROM generate_series(2023, 2027) y;

CREATE TEMP TABLE rule_case (
    n         serial,
    rule_id   text NOT NULL,          -- the rule the case is about
    yr        int NOT NULL DEFAULT 2026,
    expect    text[] NOT NULL,        -- the rule ids it must produce ({} = passes)
    mutation  text NOT NULL,
    on_file   boolean NOT NULL DEFAULT false
);

INSERT INTO rule_case (rule_id, expect, mutation) VALUES
-- layout checks
('L01', '{L01}', $$UPDATE sen2.person SET post_code = NULL WHERE {P1}$$),
('L01', '{L01}', $$UPDATE sen2.request SET rya = '' WHERE {P3-R1}$$),
('L01', '{L01}', $$DELETE FROM sen2.person WHERE return_id = $R$$),
('L02', '{L02}', $$UPDATE sen2.person SET gender = '1' WHERE {P1}$$),
('L03', '{L03}', $$UPDATE sen2.request SET received_date = '2025-02-30' WHERE {P3-R1}$$),
('L03', '{L03}', $$UPDATE sen2.placement_detail SET leaving_date = '31/12/2025' WHERE {P5-R1-AP-PD1}$$),
('L04', '{L04}', $$UPDATE sen2.sen_need SET sen_type_rank = '3' WHERE {P1-R1-AP-S2}$$),
('L05', '{L05}', $$UPDATE sen2.placement_detail SET sen_unit_indicator = 'Y' WHERE {P1-R1-AP-PD1}$$),
('L06', '{L06}', $$UPDATE sen2.person SET post_code = 'CT1 1CC' WHERE {P1}$$),
('L07', '{L07}', $$INSERT INTO sen2.ref_element (collection_year, parent, element, origin, position, kind, module,
                        column_name, data_type, code_set, requirement, max_occurs, aliases, note)
                   SELECT collection_year, parent, element, 'local', position, kind, module, column_name,
                          data_type, code_set, requirement, 2, aliases, 'test'
                     FROM sen2.ref_element
                    WHERE collection_year = $Y AND element = 'PlacementDetail' AND origin = 'builtin'$$),
('L08', '{L08}', $$UPDATE sen2.return SET serial_no = 'A01' WHERE return_id = $R$$),
-- header
('H01a', '{H01a}', $$UPDATE sen2.return SET collection = 'SEN3' WHERE return_id = $R$$),
('H01b', '{H01b}', $$UPDATE sen2.return SET year = '2025' WHERE return_id = $R$$),
('H01c', '{H01c}', $$UPDATE sen2.return SET reference_date = pg_temp.d($RD + 1) WHERE return_id = $R$$),
('H02a', '{H02a}', $$UPDATE sen2.return SET source_level = 'X' WHERE return_id = $R$$),
('H02b', '{H02b}', $$UPDATE sen2.return SET lea = '999' WHERE return_id = $R$$),
('H02c', '{H02c}', $$UPDATE sen2.return SET lea = '887' WHERE return_id = $R$$),
('H03a', '{H03a}', $$UPDATE sen2.return SET date_time = '2026-01-15 10:00' WHERE return_id = $R$$),
('H03b', '{H03b}', $$UPDATE sen2.return SET date_time = '2999-01-01T00:00:00' WHERE return_id = $R$$),
('H04a', '{H04a}', $$UPDATE sen2.return SET dmo = NULL WHERE return_id = $R$$),
('H04a', '{H04a}', $$UPDATE sen2.return SET dsco = NULL WHERE return_id = $R$$),
('H04b', '{H04b}', $$UPDATE sen2.return SET dco = 'X' WHERE return_id = $R$$),
-- person
('P01a', '{P01a}', $$UPDATE sen2.person SET surname = NULL WHERE {P1}$$),
('P01b', '{P01b}', $$UPDATE sen2.person SET ethnicity = 'WENG' WHERE {P1}$$),
('P02', '{P02}', $$UPDATE sen2.person SET person_birth_date = pg_temp.d($RD + 1) WHERE {P6}$$),
('P03a', '{P03a}', $$UPDATE sen2.person SET person_birth_date = pg_temp.d(($RD - interval '30 years')::date) WHERE {P1}$$),
('P03b', '{P03b}', $$UPDATE sen2.person SET person_birth_date = pg_temp.d($PE - 30) WHERE {P4}$$),
('P04', '{P04}', $$UPDATE sen2.person SET upn = 'A886200015001' WHERE {P1}$$),
('P04', '{P04}', $$UPDATE sen2.person SET upn = 'C999200015001' WHERE {P1}$$),
('P05', '{P05}', $$UPDATE sen2.person SET uln = '2345678917' WHERE {P2}$$),
('P06a', '{P06a}', $$UPDATE sen2.person SET upn_unknown = NULL WHERE {P3}$$),
('P06b', '{P06b}', $$UPDATE sen2.person SET upn_unknown = 'UN2' WHERE {P1}$$),
('P06c', '{P06c}', $$UPDATE sen2.person SET upn_unknown = 'UN4' WHERE {P3}$$),
('P07', '{P07}', $$UPDATE sen2.person SET person_birth_date = pg_temp.d(($RD - interval '7 years')::date) WHERE {P6}$$),
('P08a', '{P08a}', $$UPDATE sen2.person SET upn = 'J886200015001' WHERE {P4}$$),
('P08b', '{P08b}', $$UPDATE sen2.person SET uln = '2345678916' WHERE {P5}$$),
('P09', '{P09}', $$UPDATE sen2.person SET surname = ' ashby', forename = 'ALEX ',
                     person_birth_date = (SELECT person_birth_date FROM sen2.person WHERE {P1}) WHERE {P3}$$),
('P10', '{P10}', $$DELETE FROM sen2.request WHERE {P6-R1}$$),
-- requests
('R01a', '{R01a}', $$UPDATE sen2.request SET request_outcome = NULL WHERE {P3-R1}$$),
('R01b', '{R01b}', $$UPDATE sen2.request SET request_outcome = 'X' WHERE {P3-R1}$$),
('R02a', '{R02a}', $$UPDATE sen2.request SET received_date = NULL WHERE {P3-R1}$$),
('R02b', '{R02b}', $$UPDATE sen2.request SET received_date = pg_temp.d($RD + 5) WHERE {P6-R1}$$),
('R03a', '{R03a}', $$UPDATE sen2.request SET request_outcome_date = NULL WHERE {P3-R1}$$),
('R03b', '{R03b}', $$UPDATE sen2.request SET request_outcome_date = pg_temp.d($PS + 210) WHERE {P6-R1}$$),
('R04a', '{R04a}', $$UPDATE sen2.request SET request_outcome_date = pg_temp.d($PS + 99) WHERE {P3-R1}$$),
('R04b', '{R04b}', $$UPDATE sen2.request SET received_date = pg_temp.d($RD - 10),
                        request_outcome_date = pg_temp.d($RD + 1) WHERE {P3-R1}$$),
('R05', '{R05}', $$UPDATE sen2.request SET request_outcome_date = pg_temp.d($PS + 143) WHERE {P3-R1}$$),
('R05', '{}', $$UPDATE sen2.request SET request_outcome_date = pg_temp.d($PS + 142) WHERE {P3-R1}$$),
('R06', '{R06}', $$UPDATE sen2.request SET rya = 'Y' WHERE {P3-R1}$$),
('R07a', '{R07a}', $$UPDATE sen2.request SET request_source = '6' WHERE {P3-R1}$$),
('R07b', '{R07b}', $$UPDATE sen2.request SET request_source = NULL WHERE {P3-R1}$$),
('R08', '{R08}', $$SET LOCAL sen2.other_code_min_count = 3;
                   UPDATE sen2.request SET request_source = '5' WHERE return_id = $R AND request_source IS NOT NULL$$),
('R08', '{}', $$UPDATE sen2.request SET request_source = '5' WHERE return_id = $R AND request_source IS NOT NULL$$),
('R09a', '{R09a}', $$UPDATE sen2.request SET exported = '999' WHERE {P3-R1}$$),
('R09b', '{R09b}', $$UPDATE sen2.request SET exported = '886' WHERE {P3-R1}$$),
('R09a', '{}', $$UPDATE sen2.request SET exported = '887' WHERE {P3-R1}$$),
('R10', '{R10}', $$DELETE FROM sen2.assessment WHERE {P7-R1-A}$$),
('R11a', '{R11a}', $$INSERT INTO sen2.assessment (return_id, request_id, source_id, assessment_outcome,
                        assessment_mediation, assessment_tribunal, other_mediation, other_tribunal)
                     SELECT return_id, request_id, 'P3-R1-A', 'A', '0', '0', '0', '0' FROM sen2.request WHERE {P3-R1}$$),
('R11b', '{R11b}', $$INSERT INTO sen2.assessment (return_id, request_id, source_id, assessment_outcome,
                        assessment_mediation, assessment_tribunal, other_mediation, other_tribunal)
                     SELECT return_id, request_id, 'P9-R1-A', 'A', '0', '0', '0', '0' FROM sen2.request WHERE {P9-R1}$$),
('R12', '{R12}', $$UPDATE sen2.request SET received_date = pg_temp.d($PS - 100),
                      request_outcome_date = pg_temp.d($PS - 60) WHERE {P3-R1}$$),
('R12', '{}', $$UPDATE sen2.request SET received_date = pg_temp.d($PS - 30),
                      request_outcome_date = pg_temp.d($PS) WHERE {P3-R1}$$),
('R13', '{R13}', $$DELETE FROM sen2.named_plan WHERE {P5-R1-N}$$),
-- assessment
('A01a', '{A01a}', $$UPDATE sen2.assessment SET assessment_outcome = NULL WHERE {P4-R1-A}$$),
('A01b', '{A01b}', $$UPDATE sen2.assessment SET assessment_outcome = 'S' WHERE {P4-R1-A}$$),
('A02a', '{A02a}', $$UPDATE sen2.assessment SET assessment_outcome_date = NULL WHERE {P7-R1-A}$$),
('A02b', '{A02b}', $$UPDATE sen2.assessment SET assessment_outcome_date = pg_temp.d($PE) WHERE {P4-R1-A}$$),
('A03a', '{A03a}', $$UPDATE sen2.assessment SET assessment_outcome_date = pg_temp.d($PS + 20) WHERE {P7-R1-A}$$),
('A03b', '{A03b}', $$UPDATE sen2.request SET received_date = pg_temp.d($RD - 30),
                        request_outcome_date = pg_temp.d($RD - 20) WHERE {P7-R1};
                     UPDATE sen2.assessment SET assessment_outcome_date = pg_temp.d($RD + 1) WHERE {P7-R1-A}$$),
('A04', '{A04}', $$UPDATE sen2.assessment SET assessment_outcome_date = pg_temp.d($PS + 123) WHERE {P7-R1-A}$$),
('A04', '{}', $$UPDATE sen2.assessment SET assessment_outcome_date = pg_temp.d($PS + 122) WHERE {P7-R1-A}$$),
('A05a', '{A05a}', $$UPDATE sen2.assessment SET other_mediation = '2' WHERE {P1-R1-A}$$),
('A05b', '{A05b}', $$UPDATE sen2.assessment SET week20 = NULL WHERE {P2-R1-A}$$),
('A06', '{A06}', $$UPDATE sen2.assessment SET assessment_outcome_date = pg_temp.d($PS + 181) WHERE {P2-R1-A};
                   UPDATE sen2.named_plan SET start_date = pg_temp.d($PS + 181) WHERE {P2-R1-N}$$),
('A06', '{}', $$UPDATE sen2.assessment SET assessment_outcome_date = pg_temp.d($PS + 180) WHERE {P2-R1-A};
                   UPDATE sen2.named_plan SET start_date = pg_temp.d($PS + 180) WHERE {P2-R1-N}$$),
('A07a', '{A07a}', $$WITH n AS (INSERT INTO sen2.named_plan (return_id, assessment_id, source_id, start_date, pb)
                              SELECT return_id, assessment_id, 'P7-R1-N', pg_temp.d($PS + 110), '0'
                                FROM sen2.assessment WHERE {P7-R1-A} RETURNING return_id, named_plan_id)
                     INSERT INTO sen2.plan_detail (return_id, named_plan_id, source_id, urn, placement_rank,
                                                   sen_unit_indicator, resourced_provision_indicator)
                     SELECT return_id, named_plan_id, 'P7-R1-N-D1', '118000', '1', '0', '0' FROM n$$),
('A07b', '{A07b}', $$DELETE FROM sen2.named_plan WHERE {P2-R1-N}$$),
('A08', '{A08}', $$UPDATE sen2.assessment SET assessment_outcome = 'Y' WHERE {P8-R1-A}$$),
-- named plan and plan detail
('N01a', '{N01a}', $$UPDATE sen2.named_plan SET start_date = NULL WHERE {P1-R1-N}$$),
('N01b', '{N01b}', $$UPDATE sen2.named_plan SET start_date = pg_temp.d($RD + 1) WHERE {P1-R1-N}$$),
('N02', '{N02}', $$UPDATE sen2.named_plan SET start_date = pg_temp.d($PS + 151) WHERE {P2-R1-N}$$),
('N03a', '{N03a}', $$UPDATE sen2.named_plan SET cease_date = pg_temp.d($PS + 149), cease_reason = '3' WHERE {P2-R1-N}$$),
('N03b', '{N03b}', $$UPDATE sen2.named_plan SET cease_date = pg_temp.d($RD + 1), cease_reason = '4' WHERE {P2-R1-N}$$),
('N03c', '{N03c}', $$UPDATE sen2.named_plan SET cease_reason = NULL WHERE {P5-R1-N}$$),
('N03d', '{N03d}', $$UPDATE sen2.named_plan SET cease_reason = '3' WHERE {P1-R1-N}$$),
('N03e', '{N03e}', $$UPDATE sen2.named_plan SET cease_reason = '0' WHERE {P5-R1-N}$$),
('N04a', '{N04a}', $$UPDATE sen2.named_plan SET cease_date = pg_temp.d($PS + 300), cease_reason = '1' WHERE {P2-R1-N}$$),
('N04a', '{}', $$UPDATE sen2.named_plan SET cease_reason = '1' WHERE {P5-R1-N}$$),
('N04b', '{N04b}', $$SET LOCAL sen2.other_code_min_count = 1;
                     UPDATE sen2.named_plan SET cease_reason = '9' WHERE {P5-R1-N}$$),
('N04b', '{}', $$UPDATE sen2.named_plan SET cease_reason = '9' WHERE {P5-R1-N}$$),
('N05a', '{N05a}', $$DELETE FROM sen2.plan_detail WHERE {P1-R1-N-D1}$$),
('N05b', '{N05b,N05c}', $$INSERT INTO sen2.plan_detail (return_id, named_plan_id, source_id, seq, urn, placement_rank,
                        sen_unit_indicator, resourced_provision_indicator)
                     SELECT return_id, named_plan_id, 'P8-R1-N-D3', 3, '118009', '2', '0', '0'
                       FROM sen2.named_plan WHERE {P8-R1-N}$$),
('N05c', '{N05c}', $$UPDATE sen2.plan_detail SET placement_rank = '2' WHERE {P1-R1-N-D1}$$),
('N06a', '{N06a}', $$UPDATE sen2.plan_detail SET urn = NULL WHERE {P1-R1-N-D1}$$),
('N06b', '{N06b}', $$UPDATE sen2.plan_detail SET urn = '11800' WHERE {P1-R1-N-D1}$$),
('N06b', '{N06b}', $$UPDATE sen2.plan_detail SET ukprn = '1001234' WHERE {P2-R1-N-D1}$$),
('N06c', '{N06c}', $$UPDATE sen2.plan_detail SET sen_setting = 'XXX' WHERE {P9-R2-N-D1}$$),
('N06d', '{N06d}', $$UPDATE sen2.plan_detail SET sen_setting = 'NIEO' WHERE {P9-R2-N-D1}$$),
('N06e', '{N06e}', $$UPDATE sen2.plan_detail SET sen_unit_indicator = NULL WHERE {P1-R1-N-D1}$$),
('N06f', '{N06f}', $$UPDATE sen2.plan_detail SET resourced_provision_indicator = 'N' WHERE {P1-R1-N-D1}$$),
('N07', '{N07}', $$INSERT INTO sen2.establishment (urn, type_of_establishment, resourced_provision_capacity)
                   VALUES ('118002', 'Community school', 10)$$),
('N07', '{}', $$INSERT INTO sen2.establishment (urn, type_of_establishment, sen_unit_capacity)
                   VALUES ('118002', 'Community school', 12)$$),
('N08a', '{N08a}', $$UPDATE sen2.named_plan SET plan_res = 'C' WHERE {P8-R1-N}$$),
('N08b', '{N08b}', $$UPDATE sen2.named_plan SET pb = 'Y' WHERE {P1-R1-N}$$),
('N08c', '{N08c}', $$UPDATE sen2.named_plan SET dp = 'E' WHERE {P2-R1-N}$$),
('N08c', '{}', $$UPDATE sen2.named_plan SET oa = '0' WHERE {P2-R1-N}$$),
-- active plans, placements, needs
('AP01a', '{AP01a}', $$UPDATE sen2.active_plans SET transfer_la = '999' WHERE {P8-R1-AP}$$),
('AP01b', '{AP01b}', $$UPDATE sen2.active_plans SET transfer_la = '886' WHERE {P8-R1-AP}$$),
('AP02a', '{AP02a}', $$DELETE FROM sen2.placement_detail WHERE {P2-R1-AP-PD1}$$),
('AP02b', '{AP02b}', $$UPDATE sen2.placement_detail SET entry_date = pg_temp.d($RD + 1), leaving_date = NULL
                         WHERE {P5-R1-AP-PD1}$$),
('AP02c', '{AP02c}', $$UPDATE sen2.placement_detail SET leaving_date = pg_temp.d(($RD - interval '5 years')::date - 1)
                         WHERE {P5-R1-AP-PD1}$$),
('AP02d', '{AP02d}', $$UPDATE sen2.placement_detail SET sen_setting = NULL WHERE {P8-R1-AP-PD3}$$),
('AP02e', '{AP02e}', $$UPDATE sen2.placement_detail SET urn = 'ABCDEF' WHERE {P1-R1-AP-PD1}$$),
('AP02f', '{AP02f}', $$UPDATE sen2.placement_detail SET res = 'C' WHERE {P8-R1-AP-PD2}$$),
('AP02g', '{AP02g}', $$UPDATE sen2.placement_detail SET sen_setting_other = NULL WHERE {P9-R2-AP-PD1}$$),
('AP03', '{AP03}', $$UPDATE sen2.placement_detail SET leaving_date = pg_temp.d($RD - 1) WHERE {P1-R1-AP-PD1}$$),
('AP03', '{}', $$UPDATE sen2.placement_detail SET leaving_date = pg_temp.d($RD) WHERE {P1-R1-AP-PD1}$$),
('AP04', '{AP04}', $$UPDATE sen2.placement_detail SET leaving_date = pg_temp.d($PS + 181) WHERE {P8-R1-AP-PD1}$$),
('AP05a', '{AP05a}', $$DELETE FROM sen2.sen_need WHERE {P2-R1-AP-S1}$$),
('AP05b', '{AP05b,AP05c}', $$INSERT INTO sen2.sen_need (return_id, active_plans_id, source_id, seq, sen_type, sen_type_rank)
                         SELECT return_id, active_plans_id, 'P1-R1-AP-S3', 3, 'HI', '2'
                           FROM sen2.active_plans WHERE {P1-R1-AP}$$),
('AP05c', '{AP05c}', $$UPDATE sen2.sen_need SET sen_type_rank = '1' WHERE {P1-R1-AP-S2}$$),
('AP05d', '{AP05d}', $$UPDATE sen2.sen_need SET sen_type = 'XYZ' WHERE {P1-R1-AP-S1}$$),
('AP05e', '{AP05e}', $$UPDATE sen2.sen_need SET sen_type = 'ASD' WHERE {P1-R1-AP-S2}$$),
('AP06a', '{AP06a}', $$UPDATE sen2.active_plans SET review_outcome = 'Z' WHERE {P1-R1-AP}$$),
('AP06b', '{AP06b}', $$UPDATE sen2.active_plans SET review_outcome = 'M', last_review = pg_temp.d($RD - 5)
                         WHERE {P2-R1-AP}$$),
('AP06c', '{AP06c}', $$UPDATE sen2.active_plans SET last_review = pg_temp.d($RD - 101) WHERE {P1-R1-AP}$$),
('AP06d', '{AP06d}', $$UPDATE sen2.active_plans SET review_meeting = pg_temp.d($RD - 5), last_review = pg_temp.d($RD + 1)
                         WHERE {P1-R1-AP}$$),
('AP06e', '{AP06e}', $$UPDATE sen2.active_plans SET last_review = NULL WHERE {P1-R1-AP}$$),
('AP07', '{AP07}', $$UPDATE sen2.active_plans SET last_review = pg_temp.d($RD - 71) WHERE {P1-R1-AP}$$),
('AP07', '{}', $$UPDATE sen2.active_plans SET last_review = pg_temp.d($RD - 72) WHERE {P1-R1-AP}$$),
('AP08a', '{AP08a}', $$UPDATE sen2.active_plans SET review_meeting = pg_temp.d(($RD - interval '1 year')::date - 1),
                          last_review = pg_temp.d(($RD - interval '1 year')::date + 9) WHERE {P1-R1-AP}$$),
('AP08a', '{}', $$UPDATE sen2.active_plans SET review_meeting = pg_temp.d(($RD - interval '1 year')::date),
                          last_review = pg_temp.d(($RD - interval '1 year')::date + 10) WHERE {P1-R1-AP}$$),
('AP09a', '{AP09a}', $$UPDATE sen2.active_plans SET review_draft = pg_temp.d($RD - 95) WHERE {P1-R1-AP}$$),
('AP09b', '{AP09b}', $$UPDATE sen2.active_plans SET review_draft = pg_temp.d($RD - 61) WHERE {P8-R1-AP}$$),
('AP10a', '{AP10a}', $$UPDATE sen2.active_plans SET phase_transfer_final_date = pg_temp.d(make_date($Y - 1, 2, 16))
                         WHERE {P8-R1-AP}$$),
('AP10b', '{AP10b}', $$UPDATE sen2.active_plans SET phase_transfer_due_date = pg_temp.d(make_date($Y - 1, 2, 16))
                         WHERE {P8-R1-AP}$$),
('AP10b', '{}', $$UPDATE sen2.active_plans SET phase_transfer_due_date = pg_temp.d(make_date($Y - 1, 3, 31))
                         WHERE {P8-R1-AP}$$),
('AP11a', '{AP11a}', $$UPDATE sen2.active_plans SET review_meeting = NULL, review_outcome = NULL WHERE {P1-R1-AP}$$),
('AP11b', '{AP11b}', $$UPDATE sen2.active_plans SET phase_transfer_due_date = NULL WHERE {P8-R1-AP}$$),
('AP12', '{AP12}', $$WITH q AS (INSERT INTO sen2.request (return_id, person_id, source_id, seq, received_date, rya,
                                 request_outcome, request_mediation, request_tribunal)
                            SELECT return_id, person_id, 'P1-R2', 2, received_date, '0', 'H', '0', '0'
                              FROM sen2.request WHERE {P1-R1} RETURNING return_id, request_id),
                      a AS (INSERT INTO sen2.assessment (return_id, request_id, source_id, assessment_outcome,
                                 assessment_mediation, assessment_tribunal, other_mediation, other_tribunal)
                            SELECT return_id, request_id, 'P1-R2-A', 'H', '0', '0', '0', '0' FROM q
                            RETURNING return_id, assessment_id),
                      n AS (INSERT INTO sen2.named_plan (return_id, assessment_id, source_id, start_date, pb)
                            SELECT return_id, assessment_id, 'P1-R2-N', pg_temp.d($RD - 100), '0' FROM a
                            RETURNING return_id, named_plan_id),
                      d AS (INSERT INTO sen2.plan_detail (return_id, named_plan_id, source_id, urn, placement_rank,
                                 sen_unit_indicator, resourced_provision_indicator)
                            SELECT return_id, named_plan_id, 'P1-R2-N-D1', '118000', '1', '0', '0' FROM n),
                      ap AS (INSERT INTO sen2.active_plans (return_id, request_id, source_id)
                            SELECT return_id, request_id, 'P1-R2-AP' FROM q RETURNING return_id, active_plans_id),
                      pd AS (INSERT INTO sen2.placement_detail (return_id, active_plans_id, source_id, urn,
                                 placement_rank, entry_date, sen_unit_indicator, resourced_provision_indicator)
                            SELECT return_id, active_plans_id, 'P1-R2-AP-PD1', '118000', '1', pg_temp.d($RD - 100),
                                   '0', '0' FROM ap)
                    INSERT INTO sen2.sen_need (return_id, active_plans_id, source_id, sen_type, sen_type_rank)
                    SELECT return_id, active_plans_id, 'P1-R2-AP-S1', 'ASD', '1' FROM ap$$);

-- cases in other years
INSERT INTO rule_case (rule_id, yr, expect, mutation) VALUES
('L02', 2024, '{L02}', $$UPDATE sen2.request SET request_source = '1' WHERE {P3-R1}$$),
('L02', 2025, '{L02}', $$UPDATE sen2.active_plans SET res = 'A' WHERE {P8-R1-AP}$$),
('P01a', 2023, '{P01a}', $$UPDATE sen2.person SET gender = NULL WHERE {P1}$$),
('P01b', 2023, '{P01b}', $$UPDATE sen2.person SET gender = 'M' WHERE {P1}$$),
('H04a', 2025, '{}', $$UPDATE sen2.return SET dsco = NULL WHERE return_id = $R$$),
('R07b', 2025, '{}', $$UPDATE sen2.request SET request_source = NULL WHERE {P3-R1}$$),
('AP05d', 2024, '{AP05d}', $$UPDATE sen2.sen_need SET sen_type = 'DS' WHERE {P9-R2-AP-S2}$$),
('AP08b', 2025, '{AP08b}', $$UPDATE sen2.active_plans SET review_meeting = NULL, review_outcome = NULL WHERE {P1-R1-AP}$$),
('AP08b', 2024, '{AP08b}', $$UPDATE sen2.active_plans SET review_meeting = NULL, review_outcome = NULL WHERE {P1-R1-AP}$$),
('AP06d', 2023, '{AP06d}', $$UPDATE sen2.active_plans SET last_review = pg_temp.d($RD + 1) WHERE {P1-R1-AP}$$),
('N06c', 2023, '{N06c}', $$UPDATE sen2.plan_detail SET sen_setting = 'OTH', sen_setting_other = 'special school'
                          WHERE {P9-R2-N-D1}$$),
('AP02f', 2023, '{L04}', $$UPDATE sen2.active_plans SET wbp = 'X' WHERE {P2-R1-AP}$$);

-- the reader's own checks, on the file: a mutation that fails each, and near misses
INSERT INTO rule_case (rule_id, expect, on_file, mutation) VALUES
('X01', '{X01}', true, $$regexp_replace($DOC, '(<Surname>[^<]*</Surname>)(<Forename>[^<]*</Forename>)', '\2\1')$$),
('X01', '{}', true, $$regexp_replace($DOC, '</Surname><Forename>', '</Surname><!-- checked --><Forename>')$$),
('X02', '{X02}', true, $$regexp_replace($DOC, '<Requests>', '<Requests>stray')$$),
('X02', '{X02}', true, $$regexp_replace($DOC, '<Person>', '<Person id="1">')$$),
('X02', '{X02}', true, $$regexp_replace($DOC, '<Message>', '<Message xmlns="urn:example">')$$),
('X02', '{}', true, $$regexp_replace($DOC, '<Requests>', E'<Requests>\n  ')$$),
('X03', '{X03}', true, $$regexp_replace($DOC, '</RequestTribunal>', '</RequestTribunal><Exported></Exported>')$$),
('X03', '{X03}', true, $$regexp_replace($DOC, '</UPN>', '</UPN><UniqueLearnerNumber/>')$$),
('X03', '{P01a}', true, $$regexp_replace($DOC, '<Forename>[^<]*</Forename>', '<Forename/>')$$),
('X03', '{L01}', true, $$regexp_replace($DOC, '<PostCode>[^<]*</PostCode>', '<PostCode></PostCode>')$$);

-- Run one case: mutate the clean return of its year (or its file), validate, roll back.
CREATE FUNCTION pg_temp.run_case(c rule_case) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    rid  bigint := (SELECT clean.rid FROM clean WHERE clean.yr = c.yr);
    cd   sen2.collection;
    sql  text;
    got  text[];
BEGIN
    SELECT * INTO cd FROM sen2.collection WHERE collection_year = c.yr;
    sql := regexp_replace(c.mutation, '\{([A-Za-z0-9-]+)\}',
                          'return_id = ' || rid || ' AND source_id = ''\1''', 'g');
    sql := replace(sql, '$RD', quote_literal(cd.reference_date) || '::date');
    sql := replace(sql, '$PS', quote_literal(cd.period_start) || '::date');
    sql := replace(sql, '$PE', quote_literal(cd.period_end) || '::date');
    sql := replace(sql, '$R', rid::text);
    sql := replace(sql, '$Y', c.yr::text);
    IF c.on_file THEN
        sql := replace(c.mutation, '$DOC', quote_literal(sen2.return_xml_text(rid)));
        EXECUTE format('SELECT array_agg(DISTINCT f.rule_id ORDER BY f.rule_id) FROM sen2.validate_xml(%s) f', sql)
           INTO got;
        RETURN coalesce(got, '{}');
    END IF;
    BEGIN
        EXECUTE sql;
        SELECT array_agg(DISTINCT f.rule_id ORDER BY f.rule_id) INTO got FROM sen2.validate(rid) f;
        RAISE EXCEPTION USING ERRCODE = 'SN2TC', MESSAGE = coalesce(got, '{}')::text;
    EXCEPTION WHEN SQLSTATE 'SN2TC' THEN
        RETURN SQLERRM::text[];
    END;
END
$$;

SELECT plan((SELECT count(*)::int FROM rule_case) + 12);

-- the clean return passes every rule in every year
SELECT is((SELECT array_agg(f.rule_id) FROM sen2.validate(c.rid) f), NULL,
          format('clean return %s has no findings', c.yr))
  FROM clean c ORDER BY c.yr;

SELECT is(pg_temp.run_case(c), c.expect,
          format('%s (%s): %s', c.rule_id, c.yr,
                 CASE WHEN c.expect = '{}' THEN 'near miss passes' ELSE 'mutation fails it' END))
  FROM rule_case c ORDER BY c.n;

-- every built-in rule has a failing case (rules only for other years included)
SELECT is((SELECT array_agg(r.id ORDER BY r.id) FROM sen2.rule r
            WHERE r.origin = 'builtin' AND r.enabled
              AND NOT EXISTS (SELECT 1 FROM rule_case c WHERE c.rule_id = r.id AND r.id = ANY (c.expect))),
          NULL, 'every enabled built-in rule has a case that fails it');
-- and every case names a catalogue rule
SELECT is((SELECT array_agg(DISTINCT c.rule_id) FROM rule_case c
            WHERE NOT EXISTS (SELECT 1 FROM sen2.rule r WHERE r.id = c.rule_id)),
          NULL, 'every case is about a catalogue rule');
-- the C registry (the rule engine's and the reader's) and the catalogue agree
SELECT set_eq($$SELECT sen2.builtin_rule_ids() UNION SELECT rule_id FROM sen2.load_issue_rule()$$,
              $$SELECT id FROM sen2.rule WHERE origin = 'builtin' AND layout_check IS NULL$$,
              'every built-in rule without a layout_check has C code, and every C rule is in the catalogue');
-- ... and the reader's rules are in that check: without their catalogue rows it fails
CREATE FUNCTION pg_temp.registry_without(ids text[]) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    got text[];
BEGIN
    BEGIN
        ALTER TABLE sen2.rule DISABLE TRIGGER rule_builtin_guard;
        DELETE FROM sen2.rule WHERE id = ANY (ids);
        SELECT array_agg(x ORDER BY x) INTO got
          FROM (SELECT sen2.builtin_rule_ids() AS x UNION SELECT rule_id FROM sen2.load_issue_rule()
                EXCEPT SELECT id FROM sen2.rule WHERE origin = 'builtin' AND layout_check IS NULL) d;
        RAISE EXCEPTION USING ERRCODE = 'SN2TC', MESSAGE = coalesce(got, '{}')::text;
    EXCEPTION WHEN SQLSTATE 'SN2TC' THEN
        RETURN SQLERRM::text[];
    END;
END
$$;
SELECT is(pg_temp.registry_without('{X01,X02,X03}'), '{X01,X02,X03}',
          'the registry check misses the reader''s rules when the catalogue lacks them');
-- a finding points at the row to fix (checked after the mutation is rolled back)
CREATE FUNCTION pg_temp.after(mutation text, query text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    got jsonb;
BEGIN
    BEGIN
        EXECUTE mutation;
        EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb(q)), ''[]'') FROM (%s) q', query) INTO got;
        RAISE EXCEPTION USING ERRCODE = 'SN2TC', MESSAGE = got::text;
    EXCEPTION WHEN SQLSTATE 'SN2TC' THEN
        RETURN SQLERRM::jsonb;
    END;
END
$$;
SELECT rid AS r26 FROM clean WHERE yr = 2026 \gset
SELECT is(pg_temp.after(
  format($$UPDATE sen2.placement_detail SET res = 'C' WHERE return_id = %s AND source_id = 'P8-R1-AP-PD2';
           UPDATE sen2.return SET lea = '887' WHERE return_id = %s$$, :r26, :r26),
  format($$SELECT rule_id, severity, module, item, value, message, person_source_id, upn, uln, person_name,
                  table_name, source_id, location, line, run_id IS NOT NULL AS has_run,
                  row_id = CASE table_name WHEN 'return' THEN %s
                           ELSE (SELECT placement_detail_id FROM sen2.placement_detail
                                  WHERE return_id = %s AND source_id = 'P8-R1-AP-PD2') END AS row_ok
             FROM sen2.validate(%s) ORDER BY rule_id$$, :r26, :r26, :r26)),
  $$[{"rule_id": "AP02f", "severity": "error", "module": "placement_detail", "item": "Res", "value": "C",
      "message": "SENsetting, Res or WBP code is not valid: Res: valid codes in 2026: A, B",
      "person_source_id": "P8", "upn": "Y886200018005", "uln": null, "person_name": "Hana Hale",
      "table_name": "placement_detail", "source_id": "P8-R1-AP-PD2",
      "location": "Person[8]/Requests[1]/ActivePlans/PlacementDetail[2]", "line": null,
      "has_run": true, "row_ok": true},
     {"rule_id": "H02c", "severity": "error", "module": "return", "item": "LEA", "value": "887",
      "message": "LEA must be the local authority making the return: the return belongs to LA 886",
      "person_source_id": null, "upn": null, "uln": null, "person_name": null,
      "table_name": "return", "source_id": null, "location": "Header/Source", "line": null,
      "has_run": true, "row_ok": true}]$$::jsonb,
  'findings carry the item, raw value, person, warehouse row and location');
SELECT is(pg_temp.after(
  format($$SET LOCAL sen2.other_code_min_count = 3;
           UPDATE sen2.request SET request_source = '5' WHERE return_id = %s AND request_source IS NOT NULL$$, :r26),
  format($$SELECT rule_id, severity, item, value, message, table_name, row_id = %s AS row_ok, location
             FROM sen2.validate_builtin(%s)$$, :r26, :r26)),
  $$[{"rule_id": "R08", "severity": "query", "item": "RequestSource", "value": "5",
      "message": "RequestSource 5 (other) is used for a high share of requests: 7 of 7 requests (100%; threshold 20%)",
      "table_name": "return", "row_ok": true, "location": "Persons"}]$$::jsonb,
  'a return-level finding points at the return');
SELECT is(pg_temp.after(
  format($$UPDATE sen2.person SET upn = 'J886200015001' WHERE return_id = %s AND source_id IN ('P4', 'P7')$$, :r26),
  format($$SELECT rule_id, location, message FROM sen2.validate_builtin(%s) ORDER BY location$$, :r26)),
  $$[{"rule_id": "P08a", "location": "Person[4]",
      "message": "The same UPN is given for more than one person: also given for Person[1] (source id P1)"},
     {"rule_id": "P08a", "location": "Person[7]",
      "message": "The same UPN is given for more than one person: also given for Person[1] (source id P1)"}]$$::jsonb,
  'a duplicate is reported on every later person, naming the first');

SELECT * FROM finish();
ROLLBACK;
