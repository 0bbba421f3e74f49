-- Synthetic returns: realistic, deterministic test data for any LA and
-- collection year, with known defects planted on request
-- (docs/synthetic-data.md).
--
-- The generator is C (src/synth.c): it builds each person's tree from a hash
-- of (seed, person number, field), never from random() state, and inserts the
-- rows in batches.  The kinds of defect it can plant are rows of a table, so
-- the rule each kind is expected to trigger can be realigned with the rule
-- catalogue without touching the C code.

CREATE TABLE sen2.synthetic_defect_kind (
    kind              text PRIMARY KEY,
    module            text NOT NULL CHECK (module IN ('header', 'person', 'request', 'assessment',
                                                      'named_plan', 'active_plans')),
    table_name        text NOT NULL,
    item              text NOT NULL,
    expected_rule_id  text NOT NULL,
    also_rules        text[] NOT NULL DEFAULT '{}',
    weight            float8 NOT NULL DEFAULT 1 CHECK (weight >= 0),
    description       text NOT NULL,
    planting          text NOT NULL
);
COMMENT ON TABLE sen2.synthetic_defect_kind IS
  'The kinds of defect sen2.synthesize can plant: where (table, XML item), the rule expected to report it, rules that may legitimately report it too, and how it is planted.  weight = 0 switches a kind off; relative weights set how often each kind is chosen.';
COMMENT ON COLUMN sen2.synthetic_defect_kind.table_name IS
  'The staging table of the row the defect points at (for a missing group, its parent row).';
COMMENT ON COLUMN sen2.synthetic_defect_kind.also_rules IS
  'Rules that overlap with the expected one in sen2-spec.md 6.5 (e.g. P01 repeats the generic code check L04), or queries the planted value may also raise.';

CREATE TABLE sen2.synthetic_defect (
    defect_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id         bigint NOT NULL REFERENCES sen2.return ON DELETE CASCADE,
    person_id         bigint,
    table_name        text NOT NULL,
    row_id            bigint NOT NULL,
    item              text NOT NULL,
    kind              text NOT NULL,
    expected_rule_id  text NOT NULL,
    value             text
);
CREATE INDEX synthetic_defect_return ON sen2.synthetic_defect (return_id, person_id);
COMMENT ON TABLE sen2.synthetic_defect IS
  'Every defect sen2.synthesize planted: the row (table_name, row_id; for the header the return itself), the XML item, the kind, the rule expected to report it and the raw value planted (NULL when the defect is a missing value or group).';

INSERT INTO sen2.synthetic_defect_kind (kind, module, table_name, item, expected_rule_id, also_rules, description, planting) VALUES
 -- header
 ('dmo_missing', 'header', 'return', 'DMO', 'H04a', '{}', 'DMO missing', 'DMO left empty on the return'),
 ('source_level_code', 'header', 'return', 'SourceLevel', 'H02a', '{}', 'SourceLevel is not L', 'SourceLevel set to E'),
 -- person
 ('upn_check_letter', 'person', 'person', 'UPN', 'P04', '{}', 'UPN with a wrong check letter', 'the first letter of a valid UPN replaced by another allowed letter'),
 ('upn_unknown_la', 'person', 'person', 'UPN', 'P04', '{}', 'UPN whose characters 2-4 are not an LA number', 'characters 2-4 set to 999 and the check letter recomputed, so only the LA part is wrong'),
 ('uln_check_digit', 'person', 'person', 'UniqueLearnerNumber', 'P05', '{}', 'ULN with a wrong check digit', 'the last digit of a valid ULN replaced by another digit'),
 ('upn_duplicate', 'person', 'person', 'UPN', 'P08a', '{}', 'the same UPN on two persons', 'the UPN of the previous (clean) person copied onto this one'),
 ('person_duplicate', 'person', 'person', 'Surname', 'P09', '{}', 'probable duplicate person', 'surname, forename and birth date of the previous (clean) person copied onto this one, where its own dates allow'),
 ('upn_unknown_missing', 'person', 'person', 'UPNunknown', 'P06a', '{}', 'no UPN, no ULN and no UPNunknown reason', 'UPNunknown removed from a person who has neither UPN nor ULN'),
 ('upn_unknown_with_upn', 'person', 'person', 'UPNunknown', 'P06b', '{}', 'UPNunknown given although a UPN is present', 'UPNunknown UN8 added to a person with a UPN'),
 ('un1_over_six', 'person', 'person', 'UPNunknown', 'P07', '{}', 'UN1 (under 6) for a child aged 6 or over', 'UPNunknown of a person aged 6+ without UPN set to UN1'),
 ('upn_unknown_code', 'person', 'person', 'UPNunknown', 'P06c', '{}', 'UPNunknown code not used in SEN2', 'UPNunknown set to UN4'),
 ('ethnicity_code', 'person', 'person', 'Ethnicity', 'P01b', '{}', 'ethnicity not in the code set', 'an extended CBDS code (WENG) instead of a main code'),
 ('sex_code', 'person', 'person', 'Sex', 'P01b', '{}', 'sex (2023: gender) not in the code set', 'Sex set to X (2023: Gender 3)'),
 ('surname_missing', 'person', 'person', 'Surname', 'P01a', '{}', 'surname missing', 'Surname left empty'),
 ('birth_date_missing', 'person', 'person', 'PersonBirthDate', 'P01a', '{}', 'birth date missing', 'PersonBirthDate left empty'),
 ('birth_date_invalid', 'person', 'person', 'PersonBirthDate', 'L03', '{}', 'birth date not a real date', 'a day that does not exist (e.g. 2014-02-30) in the birth year'),
 ('birth_after_rd', 'person', 'person', 'PersonBirthDate', 'P02', '{}', 'born after the census date', 'PersonBirthDate set 1-60 days after ReferenceDate (so the age at request is negative too)'),
 ('age_over_25', 'person', 'person', 'PersonBirthDate', 'P03a', '{}', 'active plan for someone over 25', 'birth date of a 19+ year old with an active plan moved back to make them 26-27 on 31 August'),
 ('postcode_format', 'person', 'person', 'PostCode', 'L06', '{}', 'postcode not in UK format', 'PostCode written in lower case'),
 ('requests_missing', 'person', 'person', 'Requests', 'P10', '{}', 'person without any request', 'all Requests of the person (and everything under them) left out'),
 ('item_not_in_year', 'person', 'person', 'Gender', 'L02', '{}', 'an item the year''s layout does not have', 'Gender filled in a 2024+ return (Sex in a 2023 return)'),
 -- requests
 ('request_outcome_missing', 'request', 'request', 'RequestOutcome', 'R01a', '{}', 'request outcome missing', 'RequestOutcome removed from a pending (A) or withdrawn (W) request'),
 ('request_outcome_code', 'request', 'request', 'RequestOutcome', 'R01b', '{}', 'request outcome not in the code set', 'RequestOutcome P on a pending or withdrawn request'),
 ('received_date_missing', 'request', 'request', 'ReceivedDate', 'R02a', '{}', 'received date missing on a decided request', 'ReceivedDate removed from a refused (N) request decided in the period'),
 ('received_after_rd', 'request', 'request', 'ReceivedDate', 'R02b', '{}', 'request received after the census date', 'ReceivedDate of a pending (A) request set 1-30 days after ReferenceDate'),
 ('received_date_invalid', 'request', 'request', 'ReceivedDate', 'L03', '{}', 'received date not a real date', 'ReceivedDate of a historical (H) request set to a day that does not exist'),
 ('outcome_date_missing', 'request', 'request', 'RequestOutcomeDate', 'R03a', '{}', 'no decision date for a refused request', 'RequestOutcomeDate removed from an N request received in the period'),
 ('outcome_date_unexpected', 'request', 'request', 'RequestOutcomeDate', 'R03b', '{}', 'decision date on a pending or withdrawn request', 'RequestOutcomeDate 10-30 days after ReceivedDate on an A or W request'),
 ('outcome_before_received', 'request', 'request', 'RequestOutcomeDate', 'R04a', '{}', 'decision before the request was received', 'RequestOutcomeDate of an N request set 1-30 days before ReceivedDate'),
 ('rya_not_boolean', 'request', 'request', 'RYA', 'R06', '{}', 'RYA not 1/0', 'RYA set to N'),
 ('request_source_code', 'request', 'request', 'RequestSource', 'R07a', '{}', 'request source not 1-5', 'RequestSource set to 6 (years whose layout has RequestSource)'),
 ('request_source_missing', 'request', 'request', 'RequestSource', 'R07b', '{}', 'request source missing where compulsory', 'RequestSource removed from a request received in the period (years where it is compulsory)'),
 ('exported_own_la', 'request', 'request', 'Exported', 'R09b', '{}', 'exported to the submitting LA itself', 'Exported set to the return''s own LA'),
 ('assessment_missing', 'request', 'request', 'Assessment', 'R10', '{}', 'agreed to assess but no assessment', 'the Assessment (without plan) of a Y request left out'),
 ('assessment_after_refusal', 'request', 'request', 'RequestOutcome', 'R11a', '{}', 'refused request with an assessment', 'RequestOutcome of a Y request whose assessment has no plan set to N (no mediation or tribunal)'),
 ('request_out_of_scope', 'request', 'request', 'Requests', 'R12', '{}', 'request wholly before the period', 'an extra request, received and refused two or more years before the period, added to a person with an older plan'),
 ('active_plans_without_plan', 'request', 'active_plans', 'ActivePlans', 'R13', '{}', 'active plan block on a request without assessment or plan', 'an ActivePlans block (one placement spanning the census date, one need) added to a refused request'),
 -- assessment
 ('assessment_outcome_missing', 'assessment', 'assessment', 'AssessmentOutcome', 'A01a', '{}', 'assessment outcome missing', 'AssessmentOutcome removed from an assessment still in progress (A)'),
 ('assessment_outcome_code', 'assessment', 'assessment', 'AssessmentOutcome', 'A01b', '{}', 'assessment outcome not in the code set', 'AssessmentOutcome S on an assessment in progress'),
 ('not_issued_without_date', 'assessment', 'assessment', 'AssessmentOutcomeDate', 'A02a', '{}', 'decision not to issue without a date', 'AssessmentOutcomeDate removed from an N assessment'),
 ('pending_with_date', 'assessment', 'assessment', 'AssessmentOutcomeDate', 'A02b', '{}', 'date on an assessment still in progress', 'AssessmentOutcomeDate 20-40 days after the request decision on an A assessment'),
 ('assessment_before_request_decision', 'assessment', 'assessment', 'AssessmentOutcomeDate', 'A03a', '{}', 'assessment decided before the request decision', 'AssessmentOutcomeDate of an N assessment moved between ReceivedDate and RequestOutcomeDate'),
 ('week20_missing', 'assessment', 'assessment', 'Week20', 'A05b', '{}', 'Week20 missing on an issued plan', 'Week20 removed from a plan issued with a date'),
 ('week20_not_boolean', 'assessment', 'assessment', 'Week20', 'A05a', '{}', 'Week20 not 1/0', 'Week20 set to N'),
 ('plan_for_not_issued', 'assessment', 'named_plan', 'NamedPlan', 'A07a', '{}', 'a plan under a decision not to issue', 'a NamedPlan (start = decision date, one mainstream school) added under an N assessment'),
 ('transfer_in_not_historical', 'assessment', 'assessment', 'AssessmentOutcome', 'A08', '{}', 'transferred-in plan not recorded as H', 'AssessmentOutcome of a transferred-in plan set to Y (no date)'),
 -- named plan
 ('start_date_missing', 'named_plan', 'named_plan', 'StartDate', 'N01a', '{}', 'plan start date missing', 'StartDate left empty'),
 ('start_after_rd', 'named_plan', 'named_plan', 'StartDate', 'N01b', '{}', 'plan starts after the census date', 'StartDate of an older plan that has not ceased set 1-60 days after ReferenceDate'),
 ('start_differs_from_issue', 'named_plan', 'named_plan', 'StartDate', 'N02', '{}', 'new plan starting on another day than it was issued', 'StartDate 1-14 days after AssessmentOutcomeDate'),
 ('cease_before_start', 'named_plan', 'named_plan', 'StartDate', 'N03a', '{}', 'plan ceased before it started', 'StartDate of a plan ceased in the period moved after its CeaseDate (still in the period)'),
 ('cease_reason_missing', 'named_plan', 'named_plan', 'CeaseReason', 'N03c', '{}', 'ceased plan without a reason', 'CeaseReason removed'),
 ('cease_reason_without_date', 'named_plan', 'named_plan', 'CeaseReason', 'N03d', '{}', 'cease reason on a plan that has not ceased', 'CeaseReason 2 added to an active plan'),
 ('cease_reason_code', 'named_plan', 'named_plan', 'CeaseReason', 'N03e', '{}', 'cease reason not 1-9', 'CeaseReason set to 0'),
 ('max_age_reason_young', 'named_plan', 'named_plan', 'CeaseReason', 'N04a', '{}', '"maximum age" for someone under 19', 'CeaseReason 1 for a plan of someone under 19 at the end of that academic year'),
 ('plan_detail_missing', 'named_plan', 'named_plan', 'PlanDetail', 'N05a', '{}', 'plan naming no setting', 'all PlanDetail rows left out'),
 ('plan_detail_two_main', 'named_plan', 'plan_detail', 'PlacementRank', 'N05c', '{}', 'two main (rank 1) settings named', 'a second PlanDetail with PlacementRank 1'),
 ('plan_detail_three', 'named_plan', 'plan_detail', 'PlanDetail', 'N05b', '{N05c}', 'three settings named (at most two allowed)', 'two more PlanDetail rows (rank 2) on a plan naming one setting'),
 ('plan_detail_no_setting', 'named_plan', 'plan_detail', 'URN', 'N06a', '{}', 'named setting with no URN, UKPRN or SENsetting', 'URN removed from a PlanDetail that had only a URN'),
 ('ukprn_format', 'named_plan', 'plan_detail', 'UKPRN', 'N06b', '{}', 'UKPRN not 8 digits', 'the last digit of the UKPRN dropped'),
 ('setting_other_missing', 'named_plan', 'plan_detail', 'SENSettingOther', 'N06d', '{}', 'OTH/NIEO setting without the explanation', 'SENSettingOther removed'),
 ('sen_unit_missing', 'named_plan', 'plan_detail', 'SENunitIndicator', 'N06e', '{}', 'SEN unit indicator missing', 'SENunitIndicator left empty'),
 ('sen_setting_code', 'named_plan', 'plan_detail', 'SENsetting', 'N06c', '{}', 'SENsetting not in the code set', 'SENsetting HOME'),
 ('plan_res_code', 'named_plan', 'named_plan', 'PlanRes', 'N08a', '{}', 'PlanRes not A/B', 'PlanRes set to C'),
 ('direct_payment_without_pb', 'named_plan', 'named_plan', 'DP', 'N08c', '{}', 'direct payment without a personal budget', 'DP S on a plan with PB 0'),
 -- active plans
 ('transfer_la_own', 'active_plans', 'active_plans', 'TransferLA', 'AP01b', '{}', 'transferred in from the submitting LA itself', 'TransferLA set to the return''s own LA'),
 ('placements_missing', 'active_plans', 'active_plans', 'PlacementDetail', 'AP02a', '{}', 'no placement for a plan', 'all PlacementDetail rows of a plan ceased in the period left out'),
 ('leaving_before_entry', 'active_plans', 'placement_detail', 'LeavingDate', 'AP02c', '{}', 'placement left before it was entered', 'LeavingDate 1-30 days before EntryDate'),
 ('future_placement', 'active_plans', 'placement_detail', 'EntryDate', 'AP02b', '{}', 'placement entered after the census date', 'an extra rank-2 placement entered 1-60 days after ReferenceDate'),
 ('urn_format', 'active_plans', 'placement_detail', 'URN', 'AP02e', '{}', 'URN not 6 digits', 'the last digit of the URN dropped'),
 ('no_current_placement', 'active_plans', 'placement_detail', 'LeavingDate', 'AP03', '{}', 'active plan with no placement on census day', 'LeavingDate of the current placement set 1-60 days before ReferenceDate'),
 ('overlapping_placements', 'active_plans', 'placement_detail', 'LeavingDate', 'AP04', '{}', 'overlapping main placements', 'LeavingDate of the previous placement moved 10-60 days past the next EntryDate'),
 ('needs_missing', 'active_plans', 'active_plans', 'SENneed', 'AP05a', '{}', 'plan without any SEN need', 'all SENneed rows left out'),
 ('two_primary_needs', 'active_plans', 'sen_need', 'SENtypeRank', 'AP05c', '{}', 'two primary needs', 'the secondary need given rank 1'),
 ('same_need_twice', 'active_plans', 'sen_need', 'SENtype', 'AP05e', '{}', 'secondary need equal to the primary need', 'the secondary SENtype set to the primary one'),
 ('sen_type_code', 'active_plans', 'sen_need', 'SENtype', 'AP05d', '{}', 'need not in the year''s code set', 'DS in a year without DS, otherwise NSA (a school census code)'),
 ('sen_type_missing', 'active_plans', 'sen_need', 'SENtype', 'L01', '{}', 'primary need type missing', 'SENtype of the rank-1 need left empty'),
 ('three_needs', 'active_plans', 'sen_need', 'SENneed', 'AP05b', '{AP05c}', 'three SEN needs (at most two allowed)', 'a third need with rank 2'),
 ('review_outcome_without_meeting', 'active_plans', 'active_plans', 'ReviewMeeting', 'AP06b', '{AP08b,AP11a}', 'review outcome without a review meeting', 'ReviewMeeting removed where ReviewOutcome is present'),
 ('last_review_before_meeting', 'active_plans', 'active_plans', 'LastReview', 'AP06c', '{}', 'review decision before the meeting', 'LastReview 1-30 days before ReviewMeeting'),
 ('last_review_after_rd', 'active_plans', 'active_plans', 'LastReview', 'AP06d', '{AP07}', 'review decision after the census date', 'LastReview 1-30 days after ReferenceDate'),
 ('review_outcome_code', 'active_plans', 'active_plans', 'ReviewOutcome', 'AP06a', '{}', 'review outcome not A/C/M', 'ReviewOutcome R'),
 ('review_draft_not_amend', 'active_plans', 'active_plans', 'ReviewDraft', 'AP09a', '{}', 'draft amended plan although the decision was to maintain', 'ReviewDraft added where ReviewOutcome is M'),
 ('review_draft_before_meeting', 'active_plans', 'active_plans', 'ReviewDraft', 'AP09b', '{}', 'draft amended plan before the review meeting', 'ReviewDraft 1-20 days before ReviewMeeting'),
 ('phase_transfer_late', 'active_plans', 'active_plans', 'PhaseTransferFinalDate', 'AP10a', '{}', 'phase transfer plan finalised after the due date', 'PhaseTransferFinalDate 5-60 days after PhaseTransferDueDate'),
 ('res_code', 'active_plans', 'placement_detail', 'Res', 'AP02f', '{}', 'residential code not A/B', 'Res C on the current placement (years where Res sits on PlacementDetail)'),
 ('active_plans_res_code', 'active_plans', 'active_plans', 'Res', 'L04', '{}', 'residential code not A/B (2023 layout)', 'Res C on ActivePlans (years where Res sits on ActivePlans)'),
 ('indicator_not_boolean', 'active_plans', 'placement_detail', 'SENunitIndicator', 'L05', '{}', 'SEN unit indicator not 1/0', 'SENunitIndicator Y on the current placement');

-- The generator.  Internal entry point: sen2.synthesize is the one to call.
CREATE FUNCTION sen2.synthesize_into(return_id bigint, persons int, seed int, defect_rate float8 DEFAULT 0)
RETURNS bigint
    AS 'MODULE_PATHNAME', 'sen2_synthesize_into'
    LANGUAGE C VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION sen2.synthesize_into(bigint, int, int, float8) IS
  'Fills an empty return with a deterministic synthetic population of the given number of persons (see sen2.synthesize); returns the number of rows inserted.';

CREATE FUNCTION sen2.synthesize(la text, collection_year int, persons int, seed int, defect_rate float8 DEFAULT 0)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rid bigint;
BEGIN
    IF la IS NULL OR collection_year IS NULL OR persons IS NULL OR seed IS NULL OR defect_rate IS NULL THEN
        RAISE EXCEPTION 'synthesize needs an LA code, a collection year, a number of persons, a seed and a defect rate'
              USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM sen2.la l
                    WHERE l.la_code = synthesize.la AND l.kind = 'england'
                      AND (l.first_year IS NULL OR l.first_year <= synthesize.collection_year)
                      AND (l.last_year IS NULL OR l.last_year >= synthesize.collection_year)) THEN
        RAISE EXCEPTION '"%" is not an English LA number in collection year %', la, collection_year
              USING ERRCODE = 'invalid_parameter_value',
                    DETAIL = 'A synthetic return is made for a DfE LA number that sen2.la lists as English and in use that year.',
                    HINT = 'SELECT la_code FROM sen2.la WHERE kind = ''england'' lists them, e.g. 886 (Kent).';
    END IF;
    rid := sen2.new_return(la, collection_year,
                           format('synthetic: seed %s, %s persons, defect rate %s', seed, persons, defect_rate));
    UPDATE sen2.return SET origin = 'synthetic' WHERE return_id = rid;
    PERFORM sen2.synthesize_into(rid, persons, seed, defect_rate);
    RETURN rid;
END
$$;
COMMENT ON FUNCTION sen2.synthesize(text, int, int, int, float8) IS
  'Creates a synthetic return for an LA and collection year: persons Person records drawn from the national shares, identical for the same arguments; with defect_rate > 0 about that share of persons carries one planted defect, listed in sen2.synthetic_defect.  Returns the new return id.';
