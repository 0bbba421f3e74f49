-- The statistics facts as one SQL query: how sen2.stat_case was defined
-- before sen2.stat_case_rows() computed them in C (src/stat_facts.c).  Kept
-- as the reference the C is checked against (test/pgtap/stat_facts.sql):
-- every column of every row must be the same.  \i it in a session with
-- sen2 installed; it creates the temporary view stat_case_reference.

-- Plans with their parsed dates, whether these fall in the calendar year,
-- and the ActivePlans row that carries their placements (active_plans_id
-- NULL when there is none).
CREATE TEMP VIEW stat_plan_dates_reference WITH (security_invoker = true) AS
SELECT np.named_plan_id, np.return_id, ap.active_plans_id, d.start_date, d.cease_date,
       coalesce(d.start_date BETWEEN r.period_start AND r.period_end, false) AS starts_in_period,
       coalesce(d.cease_date BETWEEN r.period_start AND r.period_end, false) AS ceases_in_period
  FROM sen2.named_plan np
  JOIN sen2.stat_return r ON r.return_id = np.return_id
  JOIN sen2.assessment a ON a.assessment_id = np.assessment_id
  LEFT JOIN sen2.active_plans ap ON ap.request_id = a.request_id
  CROSS JOIN LATERAL (SELECT sen2.iso_date(np.start_date) AS start_date,
                             sen2.iso_date(np.cease_date) AS cease_date) d;
CREATE TEMP VIEW stat_case_reference WITH (security_invoker = true) AS
SELECT b.return_id, b.la_code, b.collection_year, b.census_date, b.period_start, b.period_end,
       b.person_id, b.upn, b.uln, b.surname, b.forename, b.birth_date, b.sex, b.ethnicity, b.ethnic_group,
       b.request_id, b.received_date, b.request_source, b.rya, b.request_outcome, b.request_outcome_date,
       b.request_mediation, b.request_tribunal, b.exported,
       b.assessment_id, b.assessment_outcome, b.assessment_outcome_date, b.week20,
       b.assessment_mediation, b.assessment_tribunal, b.other_mediation, b.other_tribunal,
       b.named_plan_id, b.start_date, b.cease_date, b.not_ceased, b.cease_reason,
       b.plan_res, b.plan_wbp, b.pb, b.oa, b.dp,
       b.active_plans_id, b.transfer_la, b.review_meeting, b.review_outcome, b.last_review,
       b.phase_transfer_due_date, b.phase_transfer_final_date,
       -- requests and assessments
       coalesce(b.received_date BETWEEN b.period_start AND b.period_end, false) AS received_in_period,
       CASE WHEN b.birth_date <= b.received_date
            THEN date_part('year', age(b.received_date::timestamp, b.birth_date::timestamp))::int END AS age_at_request,
       b.request_outcome_date - b.received_date AS days_to_decision,
       b.assessment_outcome_date - b.received_date AS days_to_outcome,
       b.assessment_id IS NOT NULL AND b.assessment_outcome IS DISTINCT FROM 'H' AND coalesce(
         CASE WHEN b.assessment_year_basis = 'request_date' THEN b.received_date
              WHEN b.assessment_outcome IN ('Y', 'N') AND b.assessment_outcome_date IS NOT NULL THEN b.assessment_outcome_date
              WHEN b.assessment_year_basis = 'decided_in_year' THEN NULL
              ELSE coalesce(b.request_outcome_date, b.received_date) END
         BETWEEN b.period_start AND b.period_end, false) AS assessment_in_period,
       -- plans
       coalesce(b.start_date <= b.census_date
         AND (b.not_ceased OR b.cease_date > b.census_date
              OR (b.active_on_cease_date AND b.cease_date = b.census_date)), false) AS active_on_census,
       coalesce(b.start_date BETWEEN b.period_start AND b.period_end
         AND NOT (b.new_plans_exclude_transfers
                  AND (coalesce(b.transfer_la, '') <> '' OR b.assessment_outcome = 'H')), false) AS new_in_period,
       coalesce(b.cease_date BETWEEN b.period_start AND b.period_end, false) AS ceased_in_period,
       coalesce(b.start_date <= b.review_expected_cutoff, false) AS review_expected,
       CASE WHEN b.birth_date <= b.census_date
            THEN date_part('year', age((CASE WHEN b.caseload_age_basis = 'august_31' THEN b.census_august_31
                                             ELSE b.census_date END)::timestamp, b.birth_date::timestamp))::int END AS age_at_census,
       CASE WHEN b.birth_date <= b.start_date
            THEN date_part('year', age(b.start_date::timestamp, b.birth_date::timestamp))::int END AS age_at_start,
       CASE WHEN b.birth_date <= b.cease_date
            THEN date_part('year', age(b.cease_date::timestamp, b.birth_date::timestamp))::int END AS age_at_cease,
       CASE WHEN b.start_date <= b.census_date THEN
            CASE WHEN b.years_in_place_basis = 'completed_years'
                 THEN date_part('year', age(b.census_date::timestamp, b.start_date::timestamp))::int
                 ELSE (date_part('year', b.census_date) - date_part('year', b.start_date))::int END END AS years_in_place,
       CASE WHEN b.start_date <= b.cease_date
            THEN date_part('year', age(b.cease_date::timestamp, b.start_date::timestamp))::int END AS years_held,
       coalesce(nc.code, 'Not recorded') AS primary_need_code,
       coalesce(nc.label, 'Not recorded') AS primary_need,
       -- placement on census day (NIEO split by compulsory school age on the
       -- 31 August before the census date)
       CASE WHEN cp.active_plans_id IS NULL THEN 'placement_unknown'
            WHEN b.birth_date <= b.census_august_31
             AND date_part('year', age(b.census_august_31::timestamp, b.birth_date::timestamp))
                 BETWEEN b.compulsory_school_age_min AND b.compulsory_school_age_max THEN cp.csa_category
            ELSE cp.category END AS census_placement,
       cp.urn AS census_urn, cp.ukprn AS census_ukprn, cp.sen_setting AS census_sen_setting,
       coalesce(cp.res, b.ap_res) AS census_res,
       coalesce(cp.wbp, b.ap_wbp) AS census_wbp,
       -- placement of a plan that started in the year: attended on its start
       -- date, else the main setting named in the plan
       CASE WHEN coalesce(sp.category, nd.category) IS NULL THEN 'placement_unknown'
            WHEN b.birth_date <= b.start_date
             AND date_part('year', age(make_date(date_part('year', b.start_date)::int
                                                 - CASE WHEN date_part('month', b.start_date) < 9 THEN 1 ELSE 0 END, 8, 31)::timestamp,
                                       b.birth_date::timestamp))
                 BETWEEN b.compulsory_school_age_min AND b.compulsory_school_age_max
                 THEN coalesce(sp.csa_category, nd.csa_category)
            ELSE coalesce(sp.category, nd.category) END AS start_placement,
       CASE WHEN sp.category IS NOT NULL THEN 'attended' WHEN nd.category IS NOT NULL THEN 'named in plan' END AS start_placement_source,
       -- last placement of a plan that ceased in the year
       coalesce(lp.category, 'placement_unknown') AS last_placement,
       -- type of the latest work-based placement attended during the year
       wp.wbp AS wbp_in_period
  FROM (SELECT r.return_id, r.la_code, r.collection_year, r.census_date, r.period_start, r.period_end,
               r.census_august_31, r.review_expected_cutoff, r.active_on_cease_date, r.new_plans_exclude_transfers,
               r.down_syndrome_as_other, r.caseload_age_basis, r.years_in_place_basis, r.assessment_year_basis,
               r.compulsory_school_age_min, r.compulsory_school_age_max,
               q.person_id, pe.upn, pe.uln, pe.surname, pe.forename, pe.birth_date, pe.sex, pe.ethnicity, pe.ethnic_group,
               q.request_id, sen2.iso_date(q.received_date) AS received_date, q.request_source, q.rya,
               q.request_outcome, sen2.iso_date(q.request_outcome_date) AS request_outcome_date,
               q.request_mediation, q.request_tribunal, q.exported,
               a.assessment_id, a.assessment_outcome, sen2.iso_date(a.assessment_outcome_date) AS assessment_outcome_date,
               a.week20, a.assessment_mediation, a.assessment_tribunal, a.other_mediation, a.other_tribunal,
               np.named_plan_id, sen2.iso_date(np.start_date) AS start_date, sen2.iso_date(np.cease_date) AS cease_date,
               np.named_plan_id IS NOT NULL AND coalesce(np.cease_date, '') = '' AS not_ceased, np.cease_reason,
               np.plan_res, np.plan_wbp, np.pb, np.oa, np.dp,
               ap.active_plans_id, ap.transfer_la, sen2.iso_date(ap.review_meeting) AS review_meeting,
               ap.review_outcome, sen2.iso_date(ap.last_review) AS last_review,
               sen2.iso_date(ap.phase_transfer_due_date) AS phase_transfer_due_date,
               sen2.iso_date(ap.phase_transfer_final_date) AS phase_transfer_final_date,
               ap.res AS ap_res, ap.wbp AS ap_wbp
          FROM sen2.request q
          JOIN sen2.stat_return r ON r.return_id = q.return_id
          JOIN sen2.stat_person pe ON pe.person_id = q.person_id
          LEFT JOIN sen2.assessment a ON a.request_id = q.request_id
          LEFT JOIN sen2.named_plan np ON np.assessment_id = a.assessment_id
          LEFT JOIN sen2.active_plans ap ON ap.request_id = q.request_id
        -- a fence: each value is computed once per row
        OFFSET 0) b
  LEFT JOIN (SELECT sn.active_plans_id, min(sn.sen_type COLLATE "C") AS sen_type
               FROM sen2.sen_need sn
              WHERE sn.sen_type_rank = '1'
              GROUP BY sn.active_plans_id) pn ON pn.active_plans_id = b.active_plans_id
  LEFT JOIN (SELECT c.collection_year, c.code, min(c.label) AS label
               FROM sen2.code c WHERE c.code_set = 'sen_type'
              GROUP BY c.collection_year, c.code) nc
         ON nc.collection_year = b.collection_year
        AND nc.code = CASE WHEN pn.sen_type = 'DS' AND b.down_syndrome_as_other THEN 'OTH' ELSE pn.sen_type END
  -- the placements a plan needs, each picked on its own (classifying a
  -- placement is cheap; a view that needs none of them computes none):
  -- attended on census day (lowest rank, latest entry) ...
  LEFT JOIN (SELECT DISTINCT ON (x.active_plans_id)
                    x.active_plans_id, x.category, x.csa_category, x.res, x.wbp, x.urn, x.ukprn, x.sen_setting
               FROM sen2.stat_placement x
               JOIN sen2.stat_return r2 ON r2.return_id = x.return_id
              WHERE x.entry_date <= r2.census_date AND (x.leaving_blank OR x.leaving_date >= r2.census_date)
              ORDER BY x.active_plans_id, x.rank_order, x.entry_date DESC, x.placement_detail_id) cp
         ON cp.active_plans_id = b.active_plans_id
  -- ... attended on the start date of a plan that started in the year ...
  LEFT JOIN (SELECT DISTINCT ON (d.named_plan_id) d.named_plan_id, x.category, x.csa_category
               FROM stat_plan_dates_reference d
               JOIN sen2.stat_placement x ON x.active_plans_id = d.active_plans_id
              WHERE d.starts_in_period
                AND x.entry_date <= d.start_date AND (x.leaving_blank OR x.leaving_date >= d.start_date)
              ORDER BY d.named_plan_id, x.rank_order, x.entry_date DESC, x.placement_detail_id) sp
         ON sp.named_plan_id = b.named_plan_id
  -- ... the last one entered by the cease date of a plan that ceased in the year ...
  LEFT JOIN (SELECT DISTINCT ON (d.named_plan_id) d.named_plan_id, x.category
               FROM stat_plan_dates_reference d
               JOIN sen2.stat_placement x ON x.active_plans_id = d.active_plans_id
              WHERE d.ceases_in_period AND x.entry_date <= d.cease_date
              ORDER BY d.named_plan_id, x.entry_date DESC, x.rank_order, x.placement_detail_id) lp
         ON lp.named_plan_id = b.named_plan_id
  -- ... and the latest work-based placement attended during the year
  LEFT JOIN (SELECT DISTINCT ON (x.active_plans_id) x.active_plans_id, x.wbp
               FROM sen2.stat_placement x
               JOIN sen2.stat_return r2 ON r2.return_id = x.return_id
              WHERE x.wbp IN ('S', 'A', 'T') AND x.entry_date <= r2.period_end
                AND (x.leaving_blank OR x.leaving_date >= r2.period_start)
              ORDER BY x.active_plans_id, x.entry_date DESC, x.rank_order, x.placement_detail_id) wp
         ON wp.active_plans_id = b.active_plans_id
  LEFT JOIN (SELECT DISTINCT ON (d.named_plan_id) d.named_plan_id, x.category, x.csa_category
               FROM stat_plan_dates_reference d
               JOIN sen2.stat_plan_setting x ON x.named_plan_id = d.named_plan_id
              WHERE d.starts_in_period
              ORDER BY d.named_plan_id, x.rank_order, x.plan_detail_id) nd
         ON nd.named_plan_id = b.named_plan_id
-- a fence: views using only some columns compute only those
OFFSET 0;
