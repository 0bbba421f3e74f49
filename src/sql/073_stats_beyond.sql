-- Statistics beyond the published tables: what an LA's SEND team works
-- from day to day.  Overdue annual reviews, the time each request has spent
-- at each stage, open cases past a statutory limit, and what changed
-- between two returns.  The statutory limits are the statistics parameters
-- (request_decision_days, not_issue_decision_days, timeliness_days,
-- review_expected_months), so a change there changes these too.

-- Annual reviews overdue on a date.  as_of NULL means each return's own
-- census date.  A plan needs a review meeting within review_expected_months
-- of its start or of its last review meeting (ReviewMeeting; LastReview, the
-- decision date, stands in when no meeting date is recorded, as in 2023
-- returns).  Dates after as_of are not yet known on that day.
CREATE FUNCTION sen2.overdue_reviews(as_of date DEFAULT NULL)
RETURNS TABLE (return_id bigint, la_code text, collection_year int, as_at date,
               person_id bigint, upn text, uln text, surname text, forename text, birth_date date,
               named_plan_id bigint, start_date date, last_review_meeting date,
               review_due date, days_overdue int)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT p.return_id, p.la_code, p.collection_year, x.as_at,
       p.person_id, p.upn, p.uln, p.surname, p.forename, p.birth_date,
       p.named_plan_id, p.start_date, x.last_meeting,
       x.due, x.as_at - x.due
  FROM sen2.stat_plan p
  CROSS JOIN sen2.stat_settings s
  CROSS JOIN LATERAL (SELECT coalesce(as_of, p.census_date) AS as_at) d
  CROSS JOIN LATERAL (
        SELECT d.as_at,
               m.last_meeting,
               (coalesce(m.last_meeting, p.start_date) + make_interval(months => s.review_expected_months))::date AS due
          FROM (SELECT CASE WHEN p.review_meeting <= d.as_at THEN p.review_meeting
                            WHEN p.review_meeting IS NULL AND p.last_review <= d.as_at THEN p.last_review END AS last_meeting) m) x
 WHERE p.start_date <= x.as_at
   AND (p.not_ceased OR p.cease_date > x.as_at)
   AND x.due < x.as_at
$$;
COMMENT ON FUNCTION sen2.overdue_reviews(date) IS
  'Plans active on as_of (NULL: each return''s census date) whose annual review is overdue: no review meeting (ReviewMeeting, else LastReview) within review_expected_months of the plan start or of the last meeting. review_due is the date the review should have happened by; days_overdue = as_of - review_due.';

CREATE VIEW sen2.overdue_reviews_at_census WITH (security_invoker = true) AS
SELECT * FROM sen2.overdue_reviews(NULL);
COMMENT ON VIEW sen2.overdue_reviews_at_census IS
  'Annual reviews overdue on each return''s census date (sen2.overdue_reviews(NULL)).';

CREATE VIEW sen2.overdue_reviews_today WITH (security_invoker = true) AS
SELECT * FROM sen2.overdue_reviews(CURRENT_DATE);
COMMENT ON VIEW sen2.overdue_reviews_today IS
  'Annual reviews overdue today (sen2.overdue_reviews(CURRENT_DATE)); meaningful for a return kept up to date from the case management system.';

-- Time at each stage, per request.
CREATE VIEW sen2.stage_waits WITH (security_invoker = true) AS
SELECT q.return_id, q.la_code, q.collection_year, q.person_id, q.upn, q.surname, q.forename,
       q.request_id, q.received_date,
       q.request_outcome, q.request_outcome_date,
       CASE WHEN q.days_to_decision >= 0 THEN q.days_to_decision END AS days_to_decision,
       CASE WHEN q.days_to_decision >= 0 THEN round(q.days_to_decision / 7.0, 1) END AS weeks_to_decision,
       q.assessment_outcome, q.assessment_outcome_date,
       CASE WHEN q.assessment_outcome_date - q.request_outcome_date >= 0
            THEN q.assessment_outcome_date - q.request_outcome_date END AS days_decision_to_outcome,
       CASE WHEN q.assessment_outcome_date - q.request_outcome_date >= 0
            THEN round((q.assessment_outcome_date - q.request_outcome_date) / 7.0, 1) END AS weeks_decision_to_outcome,
       CASE WHEN q.days_to_outcome >= 0 THEN q.days_to_outcome END AS days_to_outcome,
       CASE WHEN q.days_to_outcome >= 0 THEN round(q.days_to_outcome / 7.0, 1) END AS weeks_to_outcome,
       st.stage,
       st.open,
       CASE WHEN st.open AND q.received_date <= q.census_date THEN q.census_date - q.received_date END AS days_open_at_census,
       CASE WHEN st.open AND q.received_date <= CURRENT_DATE THEN CURRENT_DATE - q.received_date END AS days_open_today
  FROM sen2.stat_request q
  CROSS JOIN LATERAL (
        SELECT CASE
                 WHEN coalesce(q.exported, '') <> '' THEN 'moved to another LA'
                 WHEN q.request_outcome = 'H' THEN 'historical'
                 WHEN q.request_outcome = 'W' THEN 'request withdrawn'
                 WHEN q.request_outcome = 'N' THEN 'decided not to assess'
                 WHEN q.request_outcome = 'A' OR coalesce(q.request_outcome, '') = '' THEN 'awaiting decision to assess'
                 WHEN q.request_outcome <> 'Y' THEN 'request outcome not recorded'
                 WHEN q.assessment_outcome = 'Y' AND q.assessment_outcome_date IS NOT NULL THEN 'plan issued'
                 WHEN q.assessment_outcome = 'Y' THEN 'decided to issue, plan not yet issued'
                 WHEN q.assessment_outcome = 'N' THEN 'decided not to issue'
                 WHEN q.assessment_outcome = 'W' THEN 'assessment withdrawn'
                 WHEN q.assessment_outcome = 'H' THEN 'historical'
                 WHEN q.assessment_outcome = 'A' OR coalesce(q.assessment_outcome, '') = '' THEN 'assessing'
                 ELSE 'assessment outcome not recorded' END AS stage) s0
  CROSS JOIN LATERAL (
        SELECT s0.stage,
               s0.stage IN ('awaiting decision to assess', 'assessing', 'decided to issue, plan not yet issued') AS open) st;
COMMENT ON VIEW sen2.stage_waits IS
  'Per request: the stage it has reached and the time spent at each stage, in days and weeks: request to the decision whether to assess (RequestOutcomeDate - ReceivedDate), decision to the assessment outcome (AssessmentOutcomeDate - RequestOutcomeDate: issue date of the plan, or the decision not to issue) and request to outcome. Open cases (awaiting a decision to assess, assessing, decided to issue but not issued) show how long they had been open on census day and today. Negative intervals (dates out of order) are NULL.';

-- Open cases that have passed a statutory time limit on a date (NULL: each
-- return's census date).  A case past 20 weeks is listed under each limit it
-- has passed.
CREATE FUNCTION sen2.open_cases_overdue(as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (return_id bigint, la_code text, collection_year int, as_at date,
               person_id bigint, upn text, surname text, forename text,
               request_id bigint, received_date date, stage text,
               time_limit text, limit_days int, due_date date, days_over int)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT w.return_id, w.la_code, w.collection_year, d.as_at,
       w.person_id, w.upn, w.surname, w.forename,
       w.request_id, w.received_date, w.stage,
       l.time_limit, l.limit_days, w.received_date + l.limit_days, d.as_at - (w.received_date + l.limit_days)
  FROM sen2.stage_waits w
  JOIN sen2.stat_return r ON r.return_id = w.return_id
  CROSS JOIN LATERAL (SELECT coalesce(as_of, r.census_date) AS as_at) d
  CROSS JOIN LATERAL (VALUES
        ('6 weeks: decision whether to assess', r.request_decision_days, w.stage = 'awaiting decision to assess'),
        ('16 weeks: decision whether to issue a plan', r.not_issue_decision_days, w.stage = 'assessing'),
        ('20 weeks: final plan issued', r.timeliness_days,
         w.stage IN ('assessing', 'decided to issue, plan not yet issued'))) l(time_limit, limit_days, applies)
 WHERE w.open AND l.applies
   AND w.received_date <= d.as_at
   AND w.received_date + l.limit_days < d.as_at
$$;
COMMENT ON FUNCTION sen2.open_cases_overdue(date) IS
  'Open cases past a statutory limit on as_of (default today; NULL: each return''s census date): awaiting a decision to assess beyond request_decision_days (6 weeks), assessing beyond not_issue_decision_days (16 weeks: a decision not to issue is now late), and not issued beyond timeliness_days (20 weeks). Days counted from ReceivedDate; one row per limit passed.';

CREATE VIEW sen2.open_cases_overdue_today WITH (security_invoker = true) AS
SELECT * FROM sen2.open_cases_overdue(CURRENT_DATE);
COMMENT ON VIEW sen2.open_cases_overdue_today IS
  'Open cases past a statutory limit today (sen2.open_cases_overdue(CURRENT_DATE)).';

-- What changed for the same persons between two returns (e.g. last year's
-- and this year's, or two drafts).
CREATE FUNCTION sen2.compare_returns(old_return bigint, new_return bigint)
RETURNS TABLE (change text, match_method text, old_person_id bigint, new_person_id bigint,
               upn text, uln text, surname text, forename text, birth_date date,
               old_value text, new_value text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
-- the row estimates of the CTEs below are poor; a nested loop over them
-- costs minutes on a national database, hash joins milliseconds
SET enable_nestloop = off
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    missing bigint;
BEGIN
    IF old_return IS NULL OR new_return IS NULL THEN
        RAISE EXCEPTION 'compare_returns needs two return ids'
              USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT x INTO missing FROM unnest(ARRAY[old_return, new_return]) x
     WHERE NOT EXISTS (SELECT 1 FROM sen2.return r WHERE r.return_id = x) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'return % does not exist', missing
              USING ERRCODE = 'no_data_found',
                    HINT = 'SELECT return_id, la_code, collection_year, label FROM sen2.return lists the returns.';
    END IF;

    RETURN QUERY
    WITH o AS (
        SELECT p.person_id, p.upn, p.uln, p.surname, p.forename, p.birth_date,
               nullif(upper(btrim(p.upn)), '') AS upn_key, nullif(btrim(p.uln), '') AS uln_key,
               lower(btrim(p.surname)) || '|' || lower(btrim(p.forename)) || '|' || to_char(p.birth_date, 'YYYY-MM-DD') AS name_key
          FROM sen2.stat_person p WHERE p.return_id = old_return
    ), n AS (
        SELECT p.person_id,
               nullif(upper(btrim(p.upn)), '') AS upn_key, nullif(btrim(p.uln), '') AS uln_key,
               lower(btrim(p.surname)) || '|' || lower(btrim(p.forename)) || '|' || to_char(p.birth_date, 'YYYY-MM-DD') AS name_key
          FROM sen2.stat_person p WHERE p.return_id = new_return
    ), nu AS (
        SELECT DISTINCT ON (n.upn_key) n.upn_key, n.person_id FROM n WHERE n.upn_key IS NOT NULL ORDER BY n.upn_key, n.person_id
    ), nl AS (
        SELECT DISTINCT ON (n.uln_key) n.uln_key, n.person_id FROM n WHERE n.uln_key IS NOT NULL ORDER BY n.uln_key, n.person_id
    ), nn AS (
        SELECT DISTINCT ON (n.name_key) n.name_key, n.person_id FROM n WHERE n.name_key IS NOT NULL ORDER BY n.name_key, n.person_id
    ), m AS (
        SELECT o.*, coalesce(nu.person_id, nl.person_id, nn.person_id) AS new_id,
               CASE WHEN nu.person_id IS NOT NULL THEN 'UPN'
                    WHEN nl.person_id IS NOT NULL THEN 'ULN'
                    WHEN nn.person_id IS NOT NULL THEN 'surname, forename and birth date' END AS method
          FROM o
          LEFT JOIN nu ON nu.upn_key = o.upn_key
          LEFT JOIN nl ON nl.uln_key = o.uln_key
          LEFT JOIN nn ON nn.name_key = o.name_key
    ), plans AS (
        -- per person and return: the plan active on census day (the latest
        -- started, if several) and whether a plan ceased with a valid reason
        SELECT p.return_id, p.person_id,
               bool_or(p.active_on_census) AS active,
               bool_or(p.cease_date IS NOT NULL AND c.code IS NOT NULL) AS ceased_with_reason,
               bool_or(p.cease_date IS NOT NULL AND c.code IS NULL) AS ceased_without_reason,
               (array_agg(p.start_date ORDER BY p.start_date DESC) FILTER (WHERE p.active_on_census))[1] AS start_date,
               (array_agg(p.primary_need_code ORDER BY p.start_date DESC) FILTER (WHERE p.active_on_census))[1] AS need,
               (array_agg(coalesce('URN ' || nullif(btrim(p.census_urn), ''), 'UKPRN ' || nullif(btrim(p.census_ukprn), ''),
                                   'SENsetting ' || nullif(btrim(p.census_sen_setting), ''), 'not recorded')
                          || ' (' || pc.label || ')'
                          ORDER BY p.start_date DESC) FILTER (WHERE p.active_on_census))[1] AS placement
          FROM sen2.stat_plan p
          JOIN sen2.placement_category pc ON pc.category = p.census_placement
          LEFT JOIN sen2.code c ON c.collection_year = p.collection_year AND c.code_set = 'cease_reason'
                               AND c.code = p.cease_reason
         WHERE p.return_id IN (old_return, new_return)
         GROUP BY p.return_id, p.person_id
    )
    SELECT ch.change, m.method, m.person_id, m.new_id, m.upn, m.uln, m.surname, m.forename, m.birth_date,
           ch.old_value, ch.new_value
      FROM m
      JOIN plans op ON op.return_id = old_return AND op.person_id = m.person_id
      LEFT JOIN plans np ON np.return_id = new_return AND np.person_id = m.new_id
      CROSS JOIN LATERAL (VALUES
            ('plan vanished without a cease reason',
             'plan started ' || coalesce(to_char(op.start_date, 'YYYY-MM-DD'), 'on an unknown date'),
             CASE WHEN m.new_id IS NULL THEN 'person not in the new return'
                  WHEN coalesce(np.ceased_without_reason, false) THEN 'plan ceased without a valid CeaseReason'
                  ELSE 'no active or ceased plan in the new return' END,
             op.active AND NOT coalesce(np.active OR np.ceased_with_reason, false)),
            ('primary need changed', op.need, np.need,
             op.active AND coalesce(np.active, false) AND op.need IS DISTINCT FROM np.need),
            ('placement changed', op.placement, np.placement,
             op.active AND coalesce(np.active, false) AND op.placement IS DISTINCT FROM np.placement)
           ) ch(change, old_value, new_value, applies)
     WHERE ch.applies
     ORDER BY m.surname, m.forename, m.person_id, ch.change;
END
$$;
COMMENT ON FUNCTION sen2.compare_returns(bigint, bigint) IS
  'Persons of old_return matched in new_return (by UPN, else ULN, else surname + forename + birth date) whose plan active on the old census day is neither active nor ceased with a valid CeaseReason in the new return (plan vanished), whose primary need changed, or whose census-day placement changed (URN, UKPRN or SENsetting, with its placement type).';
