-- Statistics: the DfE's published "Education, health and care plans" tables
-- reproduced from the person-level staging tables (sen2-spec.md section 7).
--
-- Every view groups by return (return_id, la_code, collection_year: level
-- 'return') and adds rows totalled over all returns of a collection year
-- (level 'total', return_id and la_code NULL) with GROUPING SETS, so one
-- scan of the data gives both.  Values are read from the raw text: a date
-- that is not a strict ISO date is NULL, a code outside the year's code set
-- is "Not recorded"; such rows are left out of a figure or counted under
-- "not recorded", never an error.  Rules the DfE has not published are
-- parameters (sen2.stat_parameters).  Definitions: docs/statistics.md.

-- One row per plan (NamedPlan) with everything the plan-based tables need.
CREATE VIEW sen2.stat_plan AS
SELECT r.return_id, r.la_code, r.collection_year, r.census_date, r.period_start, r.period_end,
       q.person_id, pe.birth_date, pe.sex, pe.ethnicity, pe.ethnic_group,
       q.request_id, sen2.iso_date(q.received_date) AS received_date,
       a.assessment_id, a.assessment_outcome,
       np.named_plan_id, d.start_date, d.cease_date, np.cease_reason,
       np.plan_res, np.plan_wbp, np.pb, np.oa, np.dp,
       ap.active_plans_id, ap.transfer_la,
       sen2.iso_date(ap.review_meeting) AS review_meeting,
       ap.review_outcome,
       sen2.iso_date(ap.last_review) AS last_review,
       sen2.iso_date(ap.phase_transfer_due_date) AS phase_transfer_due_date,
       sen2.iso_date(ap.phase_transfer_final_date) AS phase_transfer_final_date,
       d.start_date <= r.census_date
         AND (d.not_ceased OR d.cease_date > r.census_date
              OR (r.active_on_cease_date AND d.cease_date = r.census_date)) AS active_on_census,
       coalesce(d.start_date BETWEEN r.period_start AND r.period_end
         AND NOT (r.new_plans_exclude_transfers
                  AND (coalesce(ap.transfer_la, '') <> '' OR a.assessment_outcome = 'H')), false) AS new_in_period,
       coalesce(d.cease_date BETWEEN r.period_start AND r.period_end, false) AS ceased_in_period,
       d.start_date <= r.review_expected_cutoff AS review_expected,
       -- ages in completed years; NULL when the birth date is unknown or later
       CASE WHEN pe.birth_date <= r.census_date THEN
            date_part('year', age(CASE WHEN r.caseload_age_basis = 'august_31' THEN r.census_august_31
                                       ELSE r.census_date END, pe.birth_date))::int END AS age_at_census,
       CASE WHEN pe.birth_date <= d.start_date THEN date_part('year', age(d.start_date, pe.birth_date))::int END AS age_at_start,
       CASE WHEN pe.birth_date <= d.cease_date THEN date_part('year', age(d.cease_date, pe.birth_date))::int END AS age_at_cease,
       CASE WHEN pe.birth_date <= r.census_august_31 THEN date_part('year', age(r.census_august_31, pe.birth_date))::int END AS age_at_census_august_31,
       CASE WHEN d.start_date <= r.census_date THEN
            CASE WHEN r.years_in_place_basis = 'completed_years' THEN date_part('year', age(r.census_date, d.start_date))::int
                 ELSE (date_part('year', r.census_date) - date_part('year', d.start_date))::int END END AS years_in_place,
       coalesce(nc.code, 'Not recorded') AS primary_need_code,
       coalesce(nc.label, 'Not recorded') AS primary_need,
       CASE WHEN cp.active_plans_id IS NULL THEN 'placement_unknown'
            WHEN date_part('year', age(r.census_august_31, pe.birth_date))
                 BETWEEN r.compulsory_school_age_min AND r.compulsory_school_age_max THEN cp.csa_category
            ELSE cp.category END AS census_placement,
       coalesce(cp.res, ap.res) AS census_res,
       coalesce(cp.wbp, ap.wbp) AS census_wbp
  FROM sen2.named_plan np
  JOIN sen2.assessment a ON a.assessment_id = np.assessment_id
  JOIN sen2.request q ON q.request_id = a.request_id
  JOIN sen2.stat_return r ON r.return_id = np.return_id
  JOIN sen2.stat_person pe ON pe.person_id = q.person_id
  LEFT JOIN sen2.active_plans ap ON ap.request_id = q.request_id
  CROSS JOIN LATERAL (SELECT sen2.iso_date(np.start_date) AS start_date,
                             sen2.iso_date(np.cease_date) AS cease_date,
                             coalesce(np.cease_date, '') = '' AS not_ceased) d
  LEFT JOIN (SELECT sn.active_plans_id, min(sn.sen_type COLLATE "C") AS sen_type
               FROM sen2.sen_need sn
              WHERE sn.sen_type_rank = '1'
              GROUP BY sn.active_plans_id) pn ON pn.active_plans_id = ap.active_plans_id
  LEFT JOIN sen2.code nc ON nc.collection_year = r.collection_year AND nc.code_set = 'sen_type'
                        AND nc.code = CASE WHEN pn.sen_type = 'DS' AND r.down_syndrome_as_other THEN 'OTH'
                                           ELSE pn.sen_type END
  LEFT JOIN (SELECT DISTINCT ON (sp.active_plans_id)
                    sp.active_plans_id, sp.category, sp.csa_category, sp.res, sp.wbp
               FROM sen2.stat_placement sp
               JOIN sen2.stat_return r2 ON r2.return_id = sp.return_id
              WHERE sp.entry_date <= r2.census_date
                AND (sp.leaving_blank OR sp.leaving_date >= r2.census_date)
              ORDER BY sp.active_plans_id, sp.rank_order, sp.entry_date DESC, sp.placement_detail_id) cp
         ON cp.active_plans_id = ap.active_plans_id;
COMMENT ON VIEW sen2.stat_plan IS
  'Statistics building block: one row per EHC plan (NamedPlan) with its return, person characteristics, parsed dates and derived states: active_on_census (StartDate <= census date and no CeaseDate, or CeaseDate after it; an invalid CeaseDate leaves the plan out), new_in_period (StartDate in the calendar year, transfers-in excluded by default), ceased_in_period, review_expected (started at least review_expected_months before census), ages (census date or 31 August per caseload_age_basis; at start; at cease), years_in_place, primary need (rank-1 SENtype valid for the year; DS as OTH by default) and the census-day placement category (lowest-ranked placement spanning the census date).';

-- One row per request, with its assessment, the person and the waits.
CREATE VIEW sen2.stat_request AS
SELECT r.return_id, r.la_code, r.collection_year, r.census_date, r.period_start, r.period_end,
       q.person_id, pe.birth_date, pe.sex, pe.ethnicity, pe.ethnic_group,
       q.request_id, d.received_date, q.request_source, q.rya,
       q.request_outcome, d.request_outcome_date, q.request_mediation, q.request_tribunal,
       a.assessment_id, a.assessment_outcome, d.assessment_outcome_date, a.week20,
       a.assessment_mediation, a.assessment_tribunal, a.other_mediation, a.other_tribunal,
       coalesce(d.received_date BETWEEN r.period_start AND r.period_end, false) AS received_in_period,
       CASE WHEN pe.birth_date <= d.received_date THEN date_part('year', age(d.received_date, pe.birth_date))::int END AS age_at_request,
       d.request_outcome_date - d.received_date AS days_to_decision,
       d.assessment_outcome_date - d.received_date AS days_to_outcome,
       -- which calendar year the assessment belongs to (assessment_year_basis)
       a.assessment_id IS NOT NULL AND a.assessment_outcome IS DISTINCT FROM 'H' AND coalesce(
         CASE WHEN r.assessment_year_basis = 'request_date' THEN d.received_date
              WHEN a.assessment_outcome IN ('Y', 'N') AND d.assessment_outcome_date IS NOT NULL THEN d.assessment_outcome_date
              ELSE coalesce(d.request_outcome_date, d.received_date) END
         BETWEEN r.period_start AND r.period_end, false) AS assessment_in_period,
       r.request_decision_days, r.not_issue_decision_days, r.timeliness_days, r.timeliness_year_days,
       r.timeliness_exclude_disputes
  FROM sen2.request q
  JOIN sen2.stat_return r ON r.return_id = q.return_id
  JOIN sen2.stat_person pe ON pe.person_id = q.person_id
  LEFT JOIN sen2.assessment a ON a.request_id = q.request_id
  CROSS JOIN LATERAL (SELECT sen2.iso_date(q.received_date) AS received_date,
                             sen2.iso_date(q.request_outcome_date) AS request_outcome_date,
                             sen2.iso_date(a.assessment_outcome_date) AS assessment_outcome_date) d;
COMMENT ON VIEW sen2.stat_request IS
  'Statistics building block: one row per request for an EHC needs assessment with its assessment, parsed dates, age on the request date, days to the decision whether to assess and to the assessment outcome (issue date), whether it was received in the calendar year and whether its assessment belongs to the calendar year (assessment_year_basis).';

-- ---------------------------------------------------------------------------
-- caseload.csv: plans active on census day
-- ---------------------------------------------------------------------------
CREATE VIEW sen2.stat_caseload AS
SELECT g.level, g.return_id, g.la_code, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
       g.ehc_plans,
       round(100.0 * g.ehc_plans / sum(g.ehc_plans) OVER (PARTITION BY g.level, g.return_id, g.collection_year, g.breakdown_topic), 1) AS percent
  FROM (SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
               f.return_id, f.la_code, f.collection_year,
               CASE WHEN GROUPING(f.age) = 0 THEN 'Age'
                    WHEN GROUPING(f.age_band) = 0 THEN 'Age band'
                    WHEN GROUPING(f.start_band) = 0 THEN 'Age when plan started'
                    WHEN GROUPING(f.sex) = 0 THEN 'Sex'
                    WHEN GROUPING(f.ethnicity) = 0 THEN 'Ethnicity'
                    WHEN GROUPING(f.ethnic_group) = 0 THEN 'Ethnic group'
                    WHEN GROUPING(f.primary_need) = 0 THEN 'Primary need'
                    WHEN GROUPING(f.placement) = 0 THEN 'Placement type'
                    WHEN GROUPING(f.placement_group) = 0 THEN 'Placement group'
                    WHEN GROUPING(f.years) = 0 THEN 'Years EHC plan in place'
                    ELSE 'Total' END AS breakdown_topic,
               coalesce(f.age, f.age_band, f.start_band, f.sex, f.ethnicity, f.ethnic_group, f.primary_need,
                        f.placement, f.placement_group, f.years, 'Total') AS breakdown,
               coalesce(f.age_order, f.age_band_order, f.start_band_order, f.placement_order,
                        f.placement_group_order, f.years_order) AS breakdown_order,
               count(*) AS ehc_plans
          FROM (SELECT p.return_id, p.la_code, p.collection_year,
                       CASE WHEN p.age_at_census IS NULL THEN 'Unknown' WHEN p.age_at_census < 3 THEN 'Under 3'
                            WHEN p.age_at_census > 25 THEN 'Age 26 and over' ELSE 'Age ' || p.age_at_census END AS age,
                       coalesce(least(greatest(p.age_at_census, 2), 26), 99) AS age_order,
                       CASE WHEN p.age_at_census IS NULL THEN 'Unknown' WHEN p.age_at_census < 5 THEN 'Under 5'
                            WHEN p.age_at_census <= 10 THEN '5 to 10' WHEN p.age_at_census <= 15 THEN '11 to 15'
                            WHEN p.age_at_census <= 19 THEN '16 to 19' WHEN p.age_at_census <= 25 THEN '20 to 25'
                            ELSE '26 and over' END AS age_band,
                       CASE WHEN p.age_at_census IS NULL THEN 99 WHEN p.age_at_census < 5 THEN 1
                            WHEN p.age_at_census <= 10 THEN 2 WHEN p.age_at_census <= 15 THEN 3
                            WHEN p.age_at_census <= 19 THEN 4 WHEN p.age_at_census <= 25 THEN 5 ELSE 6 END AS age_band_order,
                       CASE WHEN p.age_at_start IS NULL THEN 'Unknown' WHEN p.age_at_start < 5 THEN 'Under 5'
                            WHEN p.age_at_start <= 10 THEN '5 to 10' WHEN p.age_at_start <= 15 THEN '11 to 15'
                            WHEN p.age_at_start <= 19 THEN '16 to 19' WHEN p.age_at_start <= 25 THEN '20 to 25'
                            ELSE '26 and over' END AS start_band,
                       CASE WHEN p.age_at_start IS NULL THEN 99 WHEN p.age_at_start < 5 THEN 1
                            WHEN p.age_at_start <= 10 THEN 2 WHEN p.age_at_start <= 15 THEN 3
                            WHEN p.age_at_start <= 19 THEN 4 WHEN p.age_at_start <= 25 THEN 5 ELSE 6 END AS start_band_order,
                       p.sex, p.ethnicity, p.ethnic_group, p.primary_need,
                       c.label AS placement, c.sort_order AS placement_order,
                       c.placement_group, c.group_order AS placement_group_order,
                       CASE WHEN p.years_in_place <= 0 THEN 'Less than a year'
                            WHEN p.years_in_place >= 12 THEN '12 or more'
                            ELSE p.years_in_place::text END AS years,
                       least(greatest(p.years_in_place, 0), 12) AS years_order
                  FROM sen2.stat_plan p
                  JOIN sen2.placement_category c ON c.category = p.census_placement
                 WHERE p.active_on_census) f
         GROUP BY GROUPING SETS (
               (f.return_id, f.la_code, f.collection_year), (f.collection_year),
               (f.return_id, f.la_code, f.collection_year, f.age, f.age_order), (f.collection_year, f.age, f.age_order),
               (f.return_id, f.la_code, f.collection_year, f.age_band, f.age_band_order), (f.collection_year, f.age_band, f.age_band_order),
               (f.return_id, f.la_code, f.collection_year, f.start_band, f.start_band_order), (f.collection_year, f.start_band, f.start_band_order),
               (f.return_id, f.la_code, f.collection_year, f.sex), (f.collection_year, f.sex),
               (f.return_id, f.la_code, f.collection_year, f.ethnicity), (f.collection_year, f.ethnicity),
               (f.return_id, f.la_code, f.collection_year, f.ethnic_group), (f.collection_year, f.ethnic_group),
               (f.return_id, f.la_code, f.collection_year, f.primary_need), (f.collection_year, f.primary_need),
               (f.return_id, f.la_code, f.collection_year, f.placement, f.placement_order), (f.collection_year, f.placement, f.placement_order),
               (f.return_id, f.la_code, f.collection_year, f.placement_group, f.placement_group_order), (f.collection_year, f.placement_group, f.placement_group_order),
               (f.return_id, f.la_code, f.collection_year, f.years, f.years_order), (f.collection_year, f.years, f.years_order))) g;
COMMENT ON VIEW sen2.stat_caseload IS
  'DfE caseload.csv: EHC plans active on census day (sen2.stat_plan.active_on_census), per return and in total per collection year, by Age (on the census date, or 31 August per caseload_age_basis), Age band, Age when plan started, Sex, Ethnicity, Ethnic group, Primary need, Placement type (census-day placement), Placement group and Years EHC plan in place (years_in_place_basis). Long format: one row per breakdown, ehc_plans and percent of the topic.';

-- ---------------------------------------------------------------------------
-- newplans.csv: plans that started in the calendar year
-- ---------------------------------------------------------------------------
-- Placement of a new plan: the placement attended on its start date, else
-- the main setting named in the plan (PlanDetail rank 1), else not recorded.
CREATE VIEW sen2.stat_new_plan AS
WITH n AS (
    SELECT p.* FROM sen2.stat_plan p WHERE p.new_in_period
), attended AS (
    SELECT DISTINCT ON (n.named_plan_id) n.named_plan_id, sp.category, sp.csa_category
      FROM n
      JOIN sen2.stat_placement sp ON sp.active_plans_id = n.active_plans_id
     WHERE sp.entry_date <= n.start_date AND (sp.leaving_blank OR sp.leaving_date >= n.start_date)
     ORDER BY n.named_plan_id, sp.rank_order, sp.entry_date DESC, sp.placement_detail_id
), named AS (
    SELECT DISTINCT ON (n.named_plan_id) n.named_plan_id, sp.category, sp.csa_category
      FROM n
      JOIN sen2.stat_plan_setting sp ON sp.named_plan_id = n.named_plan_id
     ORDER BY n.named_plan_id, sp.rank_order, sp.plan_detail_id
)
SELECT n.return_id, n.la_code, n.collection_year, n.person_id, n.request_id, n.named_plan_id,
       n.start_date, n.age_at_start, n.sex, n.ethnicity, n.ethnic_group, n.primary_need_code, n.primary_need,
       CASE WHEN coalesce(at.category, nd.category) IS NULL THEN 'placement_unknown'
            WHEN n.birth_date <= n.start_date
             AND date_part('year', age(make_date(date_part('year', n.start_date)::int
                                                - CASE WHEN date_part('month', n.start_date) < 9 THEN 1 ELSE 0 END, 8, 31),
                                       n.birth_date))
                 BETWEEN s.compulsory_school_age_min AND s.compulsory_school_age_max
                 THEN coalesce(at.csa_category, nd.csa_category)
            ELSE coalesce(at.category, nd.category) END AS placement,
       CASE WHEN at.category IS NOT NULL THEN 'attended' WHEN nd.category IS NOT NULL THEN 'named in plan' END AS placement_source
  FROM n
  CROSS JOIN sen2.stat_settings s
  LEFT JOIN attended at ON at.named_plan_id = n.named_plan_id
  LEFT JOIN named nd ON nd.named_plan_id = n.named_plan_id;
COMMENT ON VIEW sen2.stat_new_plan IS
  'Statistics building block: one row per new plan (StartDate in the calendar year, transfers-in excluded per new_plans_exclude_transfers) with its placement category: the placement attended on the start date, else the rank-1 setting named in the plan, else placement_unknown (compulsory-school-age variant by age on the 31 August before the start date).';

CREATE VIEW sen2.stat_new_plans AS
SELECT g.level, g.return_id, g.la_code, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
       g.ehc_plans,
       round(100.0 * g.ehc_plans / sum(g.ehc_plans) OVER (PARTITION BY g.level, g.return_id, g.collection_year, g.breakdown_topic), 1) AS percent
  FROM (SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
               f.return_id, f.la_code, f.collection_year,
               CASE WHEN GROUPING(f.age) = 0 THEN 'Age when plan started'
                    WHEN GROUPING(f.age_band) = 0 THEN 'Age band when plan started'
                    WHEN GROUPING(f.sex) = 0 THEN 'Sex'
                    WHEN GROUPING(f.ethnicity) = 0 THEN 'Ethnicity'
                    WHEN GROUPING(f.ethnic_group) = 0 THEN 'Ethnic group'
                    WHEN GROUPING(f.primary_need) = 0 THEN 'Primary need'
                    WHEN GROUPING(f.placement) = 0 THEN 'Placement type'
                    WHEN GROUPING(f.placement_group) = 0 THEN 'Placement group'
                    ELSE 'Total' END AS breakdown_topic,
               coalesce(f.age, f.age_band, f.sex, f.ethnicity, f.ethnic_group, f.primary_need,
                        f.placement, f.placement_group, 'Total') AS breakdown,
               coalesce(f.age_order, f.age_band_order, f.placement_order, f.placement_group_order) AS breakdown_order,
               count(*) AS ehc_plans
          FROM (SELECT n.return_id, n.la_code, n.collection_year,
                       CASE WHEN n.age_at_start IS NULL THEN 'Unknown' WHEN n.age_at_start < 3 THEN 'Under 3'
                            WHEN n.age_at_start > 25 THEN 'Age 26 and over' ELSE 'Age ' || n.age_at_start END AS age,
                       coalesce(least(greatest(n.age_at_start, 2), 26), 99) AS age_order,
                       CASE WHEN n.age_at_start IS NULL THEN 'Unknown' WHEN n.age_at_start < 5 THEN 'Under 5'
                            WHEN n.age_at_start <= 10 THEN '5 to 10' WHEN n.age_at_start <= 15 THEN '11 to 15'
                            WHEN n.age_at_start <= 19 THEN '16 to 19' WHEN n.age_at_start <= 25 THEN '20 to 25'
                            ELSE '26 and over' END AS age_band,
                       CASE WHEN n.age_at_start IS NULL THEN 99 WHEN n.age_at_start < 5 THEN 1
                            WHEN n.age_at_start <= 10 THEN 2 WHEN n.age_at_start <= 15 THEN 3
                            WHEN n.age_at_start <= 19 THEN 4 WHEN n.age_at_start <= 25 THEN 5 ELSE 6 END AS age_band_order,
                       n.sex, n.ethnicity, n.ethnic_group, n.primary_need,
                       c.label AS placement, c.sort_order AS placement_order,
                       c.placement_group, c.group_order AS placement_group_order
                  FROM sen2.stat_new_plan n
                  JOIN sen2.placement_category c ON c.category = n.placement) f
         GROUP BY GROUPING SETS (
               (f.return_id, f.la_code, f.collection_year), (f.collection_year),
               (f.return_id, f.la_code, f.collection_year, f.age, f.age_order), (f.collection_year, f.age, f.age_order),
               (f.return_id, f.la_code, f.collection_year, f.age_band, f.age_band_order), (f.collection_year, f.age_band, f.age_band_order),
               (f.return_id, f.la_code, f.collection_year, f.sex), (f.collection_year, f.sex),
               (f.return_id, f.la_code, f.collection_year, f.ethnicity), (f.collection_year, f.ethnicity),
               (f.return_id, f.la_code, f.collection_year, f.ethnic_group), (f.collection_year, f.ethnic_group),
               (f.return_id, f.la_code, f.collection_year, f.primary_need), (f.collection_year, f.primary_need),
               (f.return_id, f.la_code, f.collection_year, f.placement, f.placement_order), (f.collection_year, f.placement, f.placement_order),
               (f.return_id, f.la_code, f.collection_year, f.placement_group, f.placement_group_order), (f.collection_year, f.placement_group, f.placement_group_order))) g;
COMMENT ON VIEW sen2.stat_new_plans IS
  'DfE newplans.csv: EHC plans that started in the calendar year before the census (sen2.stat_new_plan), per return and in total, by Age and Age band when the plan started, Sex, Ethnicity, Ethnic group, Primary need, Placement type and Placement group. Long format: ehc_plans and percent of the topic.';

-- ---------------------------------------------------------------------------
-- sen_needs_all_plans.csv and sen_need_newplans.csv: primary need
-- ---------------------------------------------------------------------------
CREATE VIEW sen2.stat_primary_need AS
SELECT g.level, g.return_id, g.la_code, g.collection_year, g.plans, g.breakdown_topic, g.breakdown, g.breakdown_order,
       g.primary_need, g.ehc_plans,
       round(100.0 * g.ehc_plans / sum(g.ehc_plans) OVER (PARTITION BY g.level, g.return_id, g.collection_year, g.plans, g.breakdown_topic, g.breakdown), 1) AS percent
  FROM (SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
               f.return_id, f.la_code, f.collection_year, f.plans,
               CASE WHEN GROUPING(f.age_band) = 0 THEN 'Age band'
                    WHEN GROUPING(f.placement_group) = 0 THEN 'Placement group'
                    ELSE 'Total' END AS breakdown_topic,
               coalesce(f.age_band, f.placement_group, 'Total') AS breakdown,
               coalesce(f.age_band_order, f.placement_group_order) AS breakdown_order,
               f.primary_need,
               count(*) AS ehc_plans
          FROM (SELECT p.return_id, p.la_code, p.collection_year, s.plans,
                       CASE WHEN s.age IS NULL THEN 'Unknown' WHEN s.age < 5 THEN 'Under 5'
                            WHEN s.age <= 10 THEN '5 to 10' WHEN s.age <= 15 THEN '11 to 15'
                            WHEN s.age <= 19 THEN '16 to 19' WHEN s.age <= 25 THEN '20 to 25'
                            ELSE '26 and over' END AS age_band,
                       CASE WHEN s.age IS NULL THEN 99 WHEN s.age < 5 THEN 1
                            WHEN s.age <= 10 THEN 2 WHEN s.age <= 15 THEN 3
                            WHEN s.age <= 19 THEN 4 WHEN s.age <= 25 THEN 5 ELSE 6 END AS age_band_order,
                       c.placement_group, c.group_order AS placement_group_order,
                       p.primary_need
                  FROM sen2.stat_plan p
                  CROSS JOIN LATERAL (VALUES ('All plans', p.active_on_census, p.age_at_census),
                                             ('New plans', p.new_in_period, p.age_at_start)) s(plans, included, age)
                  JOIN sen2.placement_category c ON c.category = p.census_placement
                 WHERE s.included) f
         GROUP BY GROUPING SETS (
               (f.return_id, f.la_code, f.collection_year, f.plans, f.primary_need),
               (f.collection_year, f.plans, f.primary_need),
               (f.return_id, f.la_code, f.collection_year, f.plans, f.age_band, f.age_band_order, f.primary_need),
               (f.collection_year, f.plans, f.age_band, f.age_band_order, f.primary_need),
               (f.return_id, f.la_code, f.collection_year, f.plans, f.placement_group, f.placement_group_order, f.primary_need),
               (f.collection_year, f.plans, f.placement_group, f.placement_group_order, f.primary_need))) g;
COMMENT ON VIEW sen2.stat_primary_need IS
  'DfE sen_needs_all_plans.csv (plans = ''All plans'': active on census day, age on census date, census-day placement group) and sen_need_newplans.csv (plans = ''New plans'': started in the calendar year, age at start, census-day placement group, placement_unknown if no longer active). Primary need = rank-1 SENtype (DS as OTH by default; Not recorded if missing or invalid). percent = share of the need within its breakdown row.';

-- ---------------------------------------------------------------------------
-- requests.csv: requests for an EHC needs assessment received in the year
-- ---------------------------------------------------------------------------
CREATE VIEW sen2.stat_requests AS
SELECT g.level, g.return_id, g.la_code, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
       g.requests_received, g.requests_rya,
       g.decided_to_assess, round(100.0 * g.decided_to_assess / nullif(g.requests_received, 0), 1) AS decided_to_assess_pc,
       g.decided_not_to_assess, round(100.0 * g.decided_not_to_assess / nullif(g.requests_received, 0), 1) AS decided_not_to_assess_pc,
       g.decision_not_made, round(100.0 * g.decision_not_made / nullif(g.requests_received, 0), 1) AS decision_not_made_pc,
       g.withdrawn, round(100.0 * g.withdrawn / nullif(g.requests_received, 0), 1) AS withdrawn_pc,
       g.outcome_not_recorded,
       g.decided_within_6_weeks, g.decided_after_6_weeks,
       round(100.0 * g.decided_within_6_weeks / nullif(g.decided_within_6_weeks + g.decided_after_6_weeks, 0), 1) AS decided_within_6_weeks_pc,
       g.mediation, round(100.0 * g.mediation / nullif(g.requests_received, 0), 1) AS mediation_pc,
       g.tribunal, round(100.0 * g.tribunal / nullif(g.requests_received, 0), 1) AS tribunal_pc,
       g.tribunal_after_mediation
  FROM (SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
               f.return_id, f.la_code, f.collection_year,
               CASE WHEN GROUPING(f.age_band) = 0 THEN 'Age band at request'
                    WHEN GROUPING(f.sex) = 0 THEN 'Sex'
                    WHEN GROUPING(f.request_source) = 0 THEN 'Request source'
                    ELSE 'Total' END AS breakdown_topic,
               coalesce(f.age_band, f.sex, f.request_source, 'Total') AS breakdown,
               coalesce(f.age_band_order, f.request_source_order) AS breakdown_order,
               count(*) AS requests_received,
               count(*) FILTER (WHERE f.rya = '1') AS requests_rya,
               count(*) FILTER (WHERE f.request_outcome = 'Y') AS decided_to_assess,
               count(*) FILTER (WHERE f.request_outcome = 'N') AS decided_not_to_assess,
               count(*) FILTER (WHERE f.request_outcome = 'A') AS decision_not_made,
               count(*) FILTER (WHERE f.request_outcome = 'W') AS withdrawn,
               count(*) FILTER (WHERE f.request_outcome IS NULL OR f.request_outcome NOT IN ('Y', 'N', 'A', 'W')) AS outcome_not_recorded,
               count(*) FILTER (WHERE f.request_outcome IN ('Y', 'N') AND f.days_to_decision BETWEEN 0 AND f.request_decision_days) AS decided_within_6_weeks,
               count(*) FILTER (WHERE f.request_outcome IN ('Y', 'N') AND f.days_to_decision > f.request_decision_days) AS decided_after_6_weeks,
               count(*) FILTER (WHERE f.request_mediation = '1') AS mediation,
               count(*) FILTER (WHERE f.request_tribunal = '1') AS tribunal,
               count(*) FILTER (WHERE f.request_mediation = '1' AND f.request_tribunal = '1') AS tribunal_after_mediation
          FROM (SELECT q.*,
                       CASE WHEN q.age_at_request IS NULL THEN 'Unknown' WHEN q.age_at_request < 5 THEN 'Under 5'
                            WHEN q.age_at_request <= 10 THEN '5 to 10' WHEN q.age_at_request <= 15 THEN '11 to 15'
                            WHEN q.age_at_request <= 19 THEN '16 to 19' WHEN q.age_at_request <= 25 THEN '20 to 25'
                            ELSE '26 and over' END AS age_band,
                       CASE WHEN q.age_at_request IS NULL THEN 99 WHEN q.age_at_request < 5 THEN 1
                            WHEN q.age_at_request <= 10 THEN 2 WHEN q.age_at_request <= 15 THEN 3
                            WHEN q.age_at_request <= 19 THEN 4 WHEN q.age_at_request <= 25 THEN 5 ELSE 6 END AS age_band_order,
                       coalesce(rs.label, 'Not recorded') AS request_source_label,
                       coalesce(rs.code, '9') AS request_source_code
                  FROM sen2.stat_request q
                  LEFT JOIN sen2.code rs ON rs.collection_year = q.collection_year AND rs.code_set = 'request_source'
                                        AND rs.code = q.request_source
                 WHERE q.received_in_period) f0
          CROSS JOIN LATERAL (SELECT f0.request_source_label AS request_source,
                                     CASE WHEN f0.request_source_code ~ '^[0-9]$' THEN f0.request_source_code::int END AS request_source_order) x
          CROSS JOIN LATERAL (SELECT f0.return_id, f0.la_code, f0.collection_year, f0.age_band, f0.age_band_order, f0.sex,
                                     x.request_source, x.request_source_order, f0.rya, f0.request_outcome,
                                     f0.days_to_decision, f0.request_decision_days,
                                     f0.request_mediation, f0.request_tribunal) f
         GROUP BY GROUPING SETS (
               (f.return_id, f.la_code, f.collection_year), (f.collection_year),
               (f.return_id, f.la_code, f.collection_year, f.age_band, f.age_band_order), (f.collection_year, f.age_band, f.age_band_order),
               (f.return_id, f.la_code, f.collection_year, f.sex), (f.collection_year, f.sex),
               (f.return_id, f.la_code, f.collection_year, f.request_source, f.request_source_order),
               (f.collection_year, f.request_source, f.request_source_order))) g;
COMMENT ON VIEW sen2.stat_requests IS
  'DfE requests.csv: requests received in the calendar year (ReceivedDate in the period), per return and in total, by Age band at request (age on ReceivedDate), Sex and Request source (2025+). Outcomes Y/N/A/W (anything else: outcome_not_recorded) with % of received; decided within 6 weeks = outcome Y or N with RequestOutcomeDate - ReceivedDate <= request_decision_days (42), % of decisions with a valid date; mediation, tribunal and both.';

-- ---------------------------------------------------------------------------
-- assessments.csv: EHC needs assessments in the year
-- ---------------------------------------------------------------------------
CREATE VIEW sen2.stat_assessments AS
SELECT g.level, g.return_id, g.la_code, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
       g.assess_in_year,
       g.assess_issued, round(100.0 * g.assess_issued / nullif(g.assess_in_year, 0), 1) AS assess_issued_pc,
       g.assess_issue_pending,
       g.assess_not_issued, round(100.0 * g.assess_not_issued / nullif(g.assess_in_year, 0), 1) AS assess_not_issued_pc,
       g.assess_not_made, round(100.0 * g.assess_not_made / nullif(g.assess_in_year, 0), 1) AS assess_not_made_pc,
       g.assess_withdrawn, round(100.0 * g.assess_withdrawn / nullif(g.assess_in_year, 0), 1) AS assess_withdrawn_pc,
       g.assess_outcome_not_recorded,
       round(100.0 * g.assess_issued / nullif(g.assess_issued + g.assess_not_issued, 0), 1) AS issued_of_decided_pc,
       g.not_issued_within_16_weeks, g.not_issued_after_16_weeks,
       round(100.0 * g.not_issued_within_16_weeks / nullif(g.not_issued_within_16_weeks + g.not_issued_after_16_weeks, 0), 1) AS not_issued_within_16_weeks_pc,
       g.assess_mediation, g.assess_tribunal, g.other_mediation, g.other_tribunal
  FROM (SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
               f.return_id, f.la_code, f.collection_year,
               CASE WHEN GROUPING(f.age_band) = 0 THEN 'Age band at request'
                    WHEN GROUPING(f.sex) = 0 THEN 'Sex'
                    ELSE 'Total' END AS breakdown_topic,
               coalesce(f.age_band, f.sex, 'Total') AS breakdown,
               f.age_band_order AS breakdown_order,
               count(*) AS assess_in_year,
               count(*) FILTER (WHERE f.assessment_outcome = 'Y') AS assess_issued,
               count(*) FILTER (WHERE f.assessment_outcome = 'Y' AND f.assessment_outcome_date IS NULL) AS assess_issue_pending,
               count(*) FILTER (WHERE f.assessment_outcome = 'N') AS assess_not_issued,
               count(*) FILTER (WHERE f.assessment_outcome = 'A') AS assess_not_made,
               count(*) FILTER (WHERE f.assessment_outcome = 'W') AS assess_withdrawn,
               count(*) FILTER (WHERE f.assessment_outcome IS NULL OR f.assessment_outcome NOT IN ('Y', 'N', 'A', 'W')) AS assess_outcome_not_recorded,
               count(*) FILTER (WHERE f.assessment_outcome = 'N' AND f.days_to_outcome BETWEEN 0 AND f.not_issue_decision_days) AS not_issued_within_16_weeks,
               count(*) FILTER (WHERE f.assessment_outcome = 'N' AND f.days_to_outcome > f.not_issue_decision_days) AS not_issued_after_16_weeks,
               count(*) FILTER (WHERE f.assessment_mediation = '1') AS assess_mediation,
               count(*) FILTER (WHERE f.assessment_tribunal = '1') AS assess_tribunal,
               count(*) FILTER (WHERE f.other_mediation = '1') AS other_mediation,
               count(*) FILTER (WHERE f.other_tribunal = '1') AS other_tribunal
          FROM (SELECT q.return_id, q.la_code, q.collection_year, q.sex,
                       CASE WHEN q.age_at_request IS NULL THEN 'Unknown' WHEN q.age_at_request < 5 THEN 'Under 5'
                            WHEN q.age_at_request <= 10 THEN '5 to 10' WHEN q.age_at_request <= 15 THEN '11 to 15'
                            WHEN q.age_at_request <= 19 THEN '16 to 19' WHEN q.age_at_request <= 25 THEN '20 to 25'
                            ELSE '26 and over' END AS age_band,
                       CASE WHEN q.age_at_request IS NULL THEN 99 WHEN q.age_at_request < 5 THEN 1
                            WHEN q.age_at_request <= 10 THEN 2 WHEN q.age_at_request <= 15 THEN 3
                            WHEN q.age_at_request <= 19 THEN 4 WHEN q.age_at_request <= 25 THEN 5 ELSE 6 END AS age_band_order,
                       q.assessment_outcome, q.assessment_outcome_date, q.days_to_outcome, q.not_issue_decision_days,
                       q.assessment_mediation, q.assessment_tribunal, q.other_mediation, q.other_tribunal
                  FROM sen2.stat_request q
                 WHERE q.assessment_in_period) f
         GROUP BY GROUPING SETS (
               (f.return_id, f.la_code, f.collection_year), (f.collection_year),
               (f.return_id, f.la_code, f.collection_year, f.age_band, f.age_band_order), (f.collection_year, f.age_band, f.age_band_order),
               (f.return_id, f.la_code, f.collection_year, f.sex), (f.collection_year, f.sex))) g;
COMMENT ON VIEW sen2.stat_assessments IS
  'DfE assessments.csv: EHC needs assessments of the calendar year (assessment_year_basis; historical H excluded), per return and in total, by Age band at request and Sex. Outcomes: issued (Y, of which issue_pending: no issue date yet), not issued (N), not made (A), withdrawn (W), not recorded; % of assessments in year and issued as % of decided; decisions not to issue within 16 weeks (AssessmentOutcomeDate - ReceivedDate <= not_issue_decision_days) or after; mediation and tribunal counts.';

-- ---------------------------------------------------------------------------
-- timeliness_20_week.csv: plans issued in the year
-- ---------------------------------------------------------------------------
CREATE VIEW sen2.stat_timeliness AS
SELECT g.level, g.return_id, g.la_code, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
       g.plans_issued_den, g.plans_issued_within_20_weeks, g.plans_issued_gt20weeks_ltyear, g.plans_issued_gt_1_year,
       round(100.0 * g.plans_issued_within_20_weeks / nullif(g.plans_issued_den, 0), 1) AS pc_plans_issued_within_20_weeks,
       round(100.0 * g.plans_issued_gt20weeks_ltyear / nullif(g.plans_issued_den, 0), 1) AS pc_plans_issued_gt20weeks_ltyear,
       round(100.0 * g.plans_issued_gt_1_year / nullif(g.plans_issued_den, 0), 1) AS pc_plans_issued_gt_1_year,
       round(g.avg_days / 7.0, 1) AS avg_weeks_to_issue,
       g.plans_issued_den_ex, g.plans_issued_within_20_weeks_ex, g.plans_issued_gt20weeks_ltyear_ex, g.plans_issued_gt_1_year_ex,
       round(100.0 * g.plans_issued_within_20_weeks_ex / nullif(g.plans_issued_den_ex, 0), 1) AS pc_plans_issued_within_20_weeks_ex,
       round(100.0 * g.plans_issued_gt20weeks_ltyear_ex / nullif(g.plans_issued_den_ex, 0), 1) AS pc_plans_issued_gt20weeks_ltyear_ex,
       round(100.0 * g.plans_issued_gt_1_year_ex / nullif(g.plans_issued_den_ex, 0), 1) AS pc_plans_issued_gt_1_year_ex,
       round(g.avg_days_ex / 7.0, 1) AS avg_weeks_to_issue_ex
  FROM (SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
               f.return_id, f.la_code, f.collection_year,
               CASE WHEN GROUPING(f.age_band) = 0 THEN 'Age band at request' ELSE 'Total' END AS breakdown_topic,
               coalesce(f.age_band, 'Total') AS breakdown,
               f.age_band_order AS breakdown_order,
               count(*) AS plans_issued_den,
               count(*) FILTER (WHERE f.days BETWEEN 0 AND f.timeliness_days) AS plans_issued_within_20_weeks,
               count(*) FILTER (WHERE f.days > f.timeliness_days AND f.days <= f.timeliness_year_days) AS plans_issued_gt20weeks_ltyear,
               count(*) FILTER (WHERE f.days > f.timeliness_year_days) AS plans_issued_gt_1_year,
               avg(f.days) FILTER (WHERE f.days >= 0) AS avg_days,
               count(*) FILTER (WHERE NOT f.exception) AS plans_issued_den_ex,
               count(*) FILTER (WHERE NOT f.exception AND f.days BETWEEN 0 AND f.timeliness_days) AS plans_issued_within_20_weeks_ex,
               count(*) FILTER (WHERE NOT f.exception AND f.days > f.timeliness_days AND f.days <= f.timeliness_year_days) AS plans_issued_gt20weeks_ltyear_ex,
               count(*) FILTER (WHERE NOT f.exception AND f.days > f.timeliness_year_days) AS plans_issued_gt_1_year_ex,
               avg(f.days) FILTER (WHERE NOT f.exception AND f.days >= 0) AS avg_days_ex
          FROM (SELECT q.return_id, q.la_code, q.collection_year,
                       CASE WHEN q.age_at_request IS NULL THEN 'Unknown' WHEN q.age_at_request < 5 THEN 'Under 5'
                            WHEN q.age_at_request <= 10 THEN '5 to 10' WHEN q.age_at_request <= 15 THEN '11 to 15'
                            WHEN q.age_at_request <= 19 THEN '16 to 19' WHEN q.age_at_request <= 25 THEN '20 to 25'
                            ELSE '26 and over' END AS age_band,
                       CASE WHEN q.age_at_request IS NULL THEN 99 WHEN q.age_at_request < 5 THEN 1
                            WHEN q.age_at_request <= 10 THEN 2 WHEN q.age_at_request <= 15 THEN 3
                            WHEN q.age_at_request <= 19 THEN 4 WHEN q.age_at_request <= 25 THEN 5 ELSE 6 END AS age_band_order,
                       q.days_to_outcome AS days, q.timeliness_days, q.timeliness_year_days,
                       q.week20 IS NOT DISTINCT FROM '1' AS exception
                  FROM sen2.stat_request q
                 WHERE q.assessment_outcome = 'Y'
                   AND q.assessment_outcome_date BETWEEN q.period_start AND q.period_end
                   AND NOT (q.timeliness_exclude_disputes
                            AND '1' IN (q.request_mediation, q.request_tribunal, q.assessment_mediation, q.assessment_tribunal))) f
         GROUP BY GROUPING SETS (
               (f.return_id, f.la_code, f.collection_year), (f.collection_year),
               (f.return_id, f.la_code, f.collection_year, f.age_band, f.age_band_order), (f.collection_year, f.age_band, f.age_band_order))) g;
COMMENT ON VIEW sen2.stat_timeliness IS
  'DfE timeliness_20_week.csv: plans issued in the calendar year (AssessmentOutcome Y, AssessmentOutcomeDate in the period; optionally without mediation/tribunal cases, timeliness_exclude_disputes), per return and in total, by Age band at request. Weeks = AssessmentOutcomeDate - ReceivedDate: within 20 weeks <= timeliness_days (140), 20-52 weeks <= timeliness_year_days (364), over 52 weeks beyond; a plan whose ReceivedDate is missing, invalid or after the issue date is in the denominator only. _ex: plans with Week20 = 1 (a permitted exception) left out. Average weeks to issue over plans with a valid elapsed time.';

-- ---------------------------------------------------------------------------
-- annual_reviews.csv: reviews of plans active on census day (+ phase transfers)
-- ---------------------------------------------------------------------------
CREATE VIEW sen2.stat_annual_reviews AS
SELECT g.level, g.return_id, g.la_code, g.collection_year,
       g.total_ehc_plans,
       g.review_expected, round(100.0 * g.review_expected / nullif(g.total_ehc_plans, 0), 1) AS review_expected_pc,
       g.review_not_expected, round(100.0 * g.review_not_expected / nullif(g.total_ehc_plans, 0), 1) AS review_not_expected_pc,
       g.total_review_meeting, round(100.0 * g.total_review_meeting / nullif(g.review_expected, 0), 1) AS total_review_meeting_pc,
       g.review_meeting_in_period, g.review_meeting_before_period, g.review_meeting_after_period, g.no_review_meeting,
       round(100.0 * g.no_review_meeting / nullif(g.review_expected, 0), 1) AS no_review_meeting_pc,
       g.review_decision_in_period, g.review_decision_before_period, g.review_decision_after_period,
       g.review_decision_not_due, g.review_decision_outstanding,
       g.outcome_amend, g.outcome_maintain, g.outcome_cease, g.no_outcome,
       g.decision_within_4_weeks, g.decision_after_4_weeks,
       round(100.0 * g.decision_within_4_weeks / nullif(g.decision_within_4_weeks + g.decision_after_4_weeks, 0), 1) AS decision_within_4_weeks_pc,
       g.phase_transfers_due, g.phase_transfer_final_by_due, g.phase_transfer_final_late, g.phase_transfer_final_not_issued,
       round(100.0 * g.phase_transfer_final_by_due / nullif(g.phase_transfers_due, 0), 1) AS phase_transfer_final_by_due_pc
  FROM (SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
               f.return_id, f.la_code, f.collection_year,
               count(*) FILTER (WHERE f.active_on_census) AS total_ehc_plans,
               count(*) FILTER (WHERE f.expected) AS review_expected,
               count(*) FILTER (WHERE f.active_on_census AND NOT f.expected) AS review_not_expected,
               count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL) AS total_review_meeting,
               count(*) FILTER (WHERE f.expected AND f.meeting BETWEEN f.period_start AND f.period_end) AS review_meeting_in_period,
               count(*) FILTER (WHERE f.expected AND f.meeting < f.period_start) AS review_meeting_before_period,
               count(*) FILTER (WHERE f.expected AND f.meeting > f.period_end) AS review_meeting_after_period,
               count(*) FILTER (WHERE f.expected AND f.meeting IS NULL) AS no_review_meeting,
               count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.decision BETWEEN f.period_start AND f.period_end) AS review_decision_in_period,
               count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.decision < f.period_start) AS review_decision_before_period,
               count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.decision > f.period_end) AS review_decision_after_period,
               count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.decision IS NULL
                                  AND f.census_date - f.meeting <= f.review_decision_days) AS review_decision_not_due,
               count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.decision IS NULL
                                  AND f.census_date - f.meeting > f.review_decision_days) AS review_decision_outstanding,
               count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.review_outcome = 'A') AS outcome_amend,
               count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.review_outcome = 'M') AS outcome_maintain,
               count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL AND f.review_outcome = 'C') AS outcome_cease,
               count(*) FILTER (WHERE f.expected AND f.meeting IS NOT NULL
                                  AND (f.review_outcome IS NULL OR f.review_outcome NOT IN ('A', 'M', 'C'))) AS no_outcome,
               count(*) FILTER (WHERE f.expected AND f.decision - f.meeting BETWEEN 0 AND f.review_decision_days) AS decision_within_4_weeks,
               count(*) FILTER (WHERE f.expected AND f.decision - f.meeting > f.review_decision_days) AS decision_after_4_weeks,
               count(*) FILTER (WHERE f.phase_due BETWEEN f.period_start AND f.period_end) AS phase_transfers_due,
               count(*) FILTER (WHERE f.phase_due BETWEEN f.period_start AND f.period_end AND f.phase_final <= f.phase_due) AS phase_transfer_final_by_due,
               count(*) FILTER (WHERE f.phase_due BETWEEN f.period_start AND f.period_end AND f.phase_final > f.phase_due) AS phase_transfer_final_late,
               count(*) FILTER (WHERE f.phase_due BETWEEN f.period_start AND f.period_end AND f.phase_final IS NULL) AS phase_transfer_final_not_issued
          FROM (SELECT p.return_id, p.la_code, p.collection_year, p.census_date, p.period_start, p.period_end,
                       p.active_on_census, coalesce(p.active_on_census AND p.review_expected, false) AS expected,
                       -- a meeting or decision dated after census day cannot be in the return: not recorded
                       CASE WHEN p.review_meeting <= p.census_date THEN p.review_meeting END AS meeting,
                       CASE WHEN p.last_review <= p.census_date THEN p.last_review END AS decision,
                       p.review_outcome, s.review_decision_days,
                       p.phase_transfer_due_date AS phase_due,
                       CASE WHEN p.phase_transfer_final_date <= p.census_date THEN p.phase_transfer_final_date END AS phase_final
                  FROM sen2.stat_plan p
                  CROSS JOIN sen2.stat_settings s
                 WHERE p.active_on_census OR p.phase_transfer_due_date BETWEEN p.period_start AND p.period_end) f
         GROUP BY GROUPING SETS ((f.return_id, f.la_code, f.collection_year), (f.collection_year))) g;
COMMENT ON VIEW sen2.stat_annual_reviews IS
  'DfE annual_reviews.csv: plans active on census day (total_ehc_plans); review expected = started at least review_expected_months (12) before census; of those, latest ReviewMeeting in the calendar year (in_period), before it, or between 1 January and census day (after_period, e.g. the DfE''s review_meeting_25 for 2025), or none; for plans with a meeting, the LastReview decision by the same periods, not yet due (no decision, meeting within review_decision_days of census), outstanding (no decision, meeting longer ago), ReviewOutcome amend/maintain/cease/none, and decision within 4 weeks (LastReview - ReviewMeeting <= review_decision_days). Dates after census day count as not recorded. Phase transfers (2026): plans with PhaseTransferDueDate in the calendar year; final plan issued by the due date, later, or not yet.';

-- ---------------------------------------------------------------------------
-- personal_budgets.csv, residential_settings.csv, work_based_placements.csv
-- ---------------------------------------------------------------------------
CREATE VIEW sen2.stat_personal_budgets AS
SELECT g.level, g.return_id, g.la_code, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
       g.total_ehc_plans, g.personal_budget,
       round(100.0 * g.personal_budget / nullif(g.total_ehc_plans, 0), 1) AS personal_budget_pc,
       g.org_arrangements, g.pb_education, g.pb_health, g.pb_social, g.pb_integrated
  FROM (SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
               f.return_id, f.la_code, f.collection_year,
               CASE WHEN GROUPING(f.placement_group) = 0 THEN 'Placement group' ELSE 'Total' END AS breakdown_topic,
               coalesce(f.placement_group, 'Total') AS breakdown,
               f.group_order AS breakdown_order,
               count(*) AS total_ehc_plans,
               count(*) FILTER (WHERE f.pb = '1') AS personal_budget,
               count(*) FILTER (WHERE f.pb = '1' AND f.oa = '1') AS org_arrangements,
               count(*) FILTER (WHERE f.pb = '1' AND f.dp = 'E') AS pb_education,
               count(*) FILTER (WHERE f.pb = '1' AND f.dp = 'H') AS pb_health,
               count(*) FILTER (WHERE f.pb = '1' AND f.dp = 'S') AS pb_social,
               count(*) FILTER (WHERE f.pb = '1' AND f.dp = 'I') AS pb_integrated
          FROM (SELECT p.return_id, p.la_code, p.collection_year, p.pb, p.oa, p.dp, c.placement_group, c.group_order
                  FROM sen2.stat_plan p
                  JOIN sen2.placement_category c ON c.category = p.census_placement
                 WHERE p.active_on_census) f
         GROUP BY GROUPING SETS (
               (f.return_id, f.la_code, f.collection_year), (f.collection_year),
               (f.return_id, f.la_code, f.collection_year, f.placement_group, f.group_order),
               (f.collection_year, f.placement_group, f.group_order))) g;
COMMENT ON VIEW sen2.stat_personal_budgets IS
  'DfE personal_budgets.csv: plans active on census day with a personal budget (PB = 1), of which organised arrangements (OA = 1) and direct payments by type (DP E education, H health, S social care, I integrated); per return and in total, by census-day placement group.';

CREATE VIEW sen2.stat_residential AS
SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
       f.return_id, f.la_code, f.collection_year,
       CASE WHEN GROUPING(f.placement_group) = 0 THEN 'Placement group' ELSE 'Total' END AS breakdown_topic,
       coalesce(f.placement_group, 'Total') AS breakdown,
       f.group_order AS breakdown_order,
       count(*) AS total_ehc_plans,
       count(*) FILTER (WHERE f.census_res = 'A') AS res_a,
       count(*) FILTER (WHERE f.census_res = 'B') AS res_b,
       count(*) FILTER (WHERE f.census_res IN ('A', 'B')) AS res_total,
       count(*) FILTER (WHERE f.plan_res = 'A') AS plan_res_a,
       count(*) FILTER (WHERE f.plan_res = 'B') AS plan_res_b
  FROM (SELECT p.return_id, p.la_code, p.collection_year, p.census_res, p.plan_res, c.placement_group, c.group_order
          FROM sen2.stat_plan p
          JOIN sen2.placement_category c ON c.category = p.census_placement
         WHERE p.active_on_census) f
 GROUP BY GROUPING SETS (
       (f.return_id, f.la_code, f.collection_year), (f.collection_year),
       (f.return_id, f.la_code, f.collection_year, f.placement_group, f.group_order),
       (f.collection_year, f.placement_group, f.group_order));
COMMENT ON VIEW sen2.stat_residential IS
  'DfE residential_settings.csv: plans active on census day whose census-day placement is residential (Res; 2023 returns: Res under ActivePlans): res_a and res_b by code (meanings per year in sen2.code, code_set residential: 38-51 / 52 weeks up to 2025, possibly redefined from 2026), res_total; plan_res_a/b count the residential placement named in the plan (PlanRes). Per return and in total, by census-day placement group.';

CREATE VIEW sen2.stat_work_based AS
SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
       f.return_id, f.la_code, f.collection_year,
       count(*) FILTER (WHERE f.active_on_census) AS total_ehc_plans,
       count(*) FILTER (WHERE f.active_on_census AND f.census_wbp IN ('S', 'A', 'T')) AS open_wbp,
       count(*) FILTER (WHERE f.active_on_census AND f.census_wbp = 'S') AS open_supp_intern,
       count(*) FILTER (WHERE f.active_on_census AND f.census_wbp = 'A') AS open_apprentice,
       count(*) FILTER (WHERE f.active_on_census AND f.census_wbp = 'T') AS open_trainee,
       count(*) FILTER (WHERE f.wbp_in_period IS NOT NULL) AS wbp_in_period,
       count(*) FILTER (WHERE f.wbp_in_period = 'S') AS supp_intern_in_period,
       count(*) FILTER (WHERE f.wbp_in_period = 'A') AS apprentice_in_period,
       count(*) FILTER (WHERE f.wbp_in_period = 'T') AS trainee_in_period
  FROM (SELECT p.return_id, p.la_code, p.collection_year, p.active_on_census, p.census_wbp, w.wbp AS wbp_in_period
          FROM sen2.stat_plan p
          LEFT JOIN (SELECT DISTINCT ON (sp.active_plans_id) sp.active_plans_id, sp.wbp
                       FROM sen2.stat_placement sp
                       JOIN sen2.stat_return r ON r.return_id = sp.return_id
                      WHERE sp.wbp IN ('S', 'A', 'T')
                        AND sp.entry_date <= r.period_end
                        AND (sp.leaving_blank OR sp.leaving_date >= r.period_start)
                      ORDER BY sp.active_plans_id, sp.entry_date DESC, sp.rank_order, sp.placement_detail_id) w
                 ON w.active_plans_id = p.active_plans_id) f
 GROUP BY GROUPING SETS ((f.return_id, f.la_code, f.collection_year), (f.collection_year));
COMMENT ON VIEW sen2.stat_work_based IS
  'DfE work_based_placements.csv: plans active on census day whose census-day placement is work-based (WBP: S supported internship, A apprenticeship, T traineeship; 2023 returns: WBP under ActivePlans), and plans with a work-based placement at any time in the calendar year (the latest such placement''s type). Per return and in total.';

-- ---------------------------------------------------------------------------
-- ceased_plans.csv: plans that ceased in the year
-- ---------------------------------------------------------------------------
CREATE VIEW sen2.stat_ceased AS
WITH c AS (
    SELECT p.* FROM sen2.stat_plan p WHERE p.ceased_in_period
), last_setting AS (
    SELECT DISTINCT ON (c.named_plan_id) c.named_plan_id, sp.category
      FROM c
      JOIN sen2.stat_placement sp ON sp.active_plans_id = c.active_plans_id
     WHERE sp.entry_date <= c.cease_date
     ORDER BY c.named_plan_id, sp.entry_date DESC, sp.rank_order, sp.placement_detail_id
)
SELECT g.level, g.return_id, g.la_code, g.collection_year, g.breakdown_topic, g.breakdown, g.breakdown_order,
       g.total_ceased, g.max_age, g.needs_met, g.he, g.employ, g.transfer, g.no_engage,
       g.moved_outside_eng, g.deceased, g.other, g.not_recorded,
       round(100.0 * g.transfer / nullif(g.total_ceased, 0), 1) AS transfer_pc,
       round(100.0 * g.no_engage / nullif(g.total_ceased, 0), 1) AS no_engage_pc
  FROM (SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
               f.return_id, f.la_code, f.collection_year,
               CASE WHEN GROUPING(f.age_band) = 0 THEN 'Age band when plan ceased'
                    WHEN GROUPING(f.sex) = 0 THEN 'Sex'
                    WHEN GROUPING(f.years) = 0 THEN 'Years EHC plan held'
                    WHEN GROUPING(f.placement_group) = 0 THEN 'Last placement group'
                    ELSE 'Total' END AS breakdown_topic,
               coalesce(f.age_band, f.sex, f.years, f.placement_group, 'Total') AS breakdown,
               coalesce(f.age_band_order, f.years_order, f.group_order) AS breakdown_order,
               count(*) AS total_ceased,
               count(*) FILTER (WHERE f.reason = '1') AS max_age,
               count(*) FILTER (WHERE f.reason = '2') AS needs_met,
               count(*) FILTER (WHERE f.reason = '3') AS he,
               count(*) FILTER (WHERE f.reason = '4') AS employ,
               count(*) FILTER (WHERE f.reason = '5') AS transfer,
               count(*) FILTER (WHERE f.reason = '6') AS no_engage,
               count(*) FILTER (WHERE f.reason = '7') AS moved_outside_eng,
               count(*) FILTER (WHERE f.reason = '8') AS deceased,
               count(*) FILTER (WHERE f.reason = '9') AS other,
               count(*) FILTER (WHERE f.reason IS NULL) AS not_recorded
          FROM (SELECT c.return_id, c.la_code, c.collection_year, c.sex,
                       CASE WHEN c.age_at_cease IS NULL THEN 'Unknown' WHEN c.age_at_cease < 5 THEN 'Under 5'
                            WHEN c.age_at_cease <= 10 THEN '5 to 10' WHEN c.age_at_cease <= 15 THEN '11 to 15'
                            WHEN c.age_at_cease <= 19 THEN '16 to 19' WHEN c.age_at_cease <= 25 THEN '20 to 25'
                            ELSE '26 and over' END AS age_band,
                       CASE WHEN c.age_at_cease IS NULL THEN 99 WHEN c.age_at_cease < 5 THEN 1
                            WHEN c.age_at_cease <= 10 THEN 2 WHEN c.age_at_cease <= 15 THEN 3
                            WHEN c.age_at_cease <= 19 THEN 4 WHEN c.age_at_cease <= 25 THEN 5 ELSE 6 END AS age_band_order,
                       CASE WHEN y.held IS NULL THEN 'Unknown' WHEN y.held = 0 THEN 'Less than a year'
                            WHEN y.held >= 12 THEN '12 or more' ELSE y.held::text END AS years,
                       coalesce(least(y.held, 12), 99) AS years_order,
                       pc.placement_group, pc.group_order,
                       rc.code AS reason
                  FROM c
                  CROSS JOIN LATERAL (SELECT CASE WHEN c.start_date <= c.cease_date
                                                  THEN date_part('year', age(c.cease_date, c.start_date))::int END AS held) y
                  LEFT JOIN last_setting ls ON ls.named_plan_id = c.named_plan_id
                  JOIN sen2.placement_category pc ON pc.category = coalesce(ls.category, 'placement_unknown')
                  LEFT JOIN sen2.code rc ON rc.collection_year = c.collection_year AND rc.code_set = 'cease_reason'
                                        AND rc.code = c.cease_reason) f
         GROUP BY GROUPING SETS (
               (f.return_id, f.la_code, f.collection_year), (f.collection_year),
               (f.return_id, f.la_code, f.collection_year, f.age_band, f.age_band_order), (f.collection_year, f.age_band, f.age_band_order),
               (f.return_id, f.la_code, f.collection_year, f.sex), (f.collection_year, f.sex),
               (f.return_id, f.la_code, f.collection_year, f.years, f.years_order), (f.collection_year, f.years, f.years_order),
               (f.return_id, f.la_code, f.collection_year, f.placement_group, f.group_order),
               (f.collection_year, f.placement_group, f.group_order))) g;
COMMENT ON VIEW sen2.stat_ceased IS
  'DfE ceased_plans.csv: plans whose CeaseDate is in the calendar year, by CeaseReason (1 max_age, 2 needs_met, 3 he, 4 employ, 5 transfer, 6 no_engage, 7 moved_outside_eng, 8 deceased, 9 other; missing or invalid: not_recorded), per return and in total, by Age band when the plan ceased (age on CeaseDate), Sex, Years EHC plan held (completed years StartDate to CeaseDate) and Last placement group (latest placement entered on or before CeaseDate).';

-- ---------------------------------------------------------------------------
-- sen2_dmo_dco.csv: designated officers on census day
-- ---------------------------------------------------------------------------
CREATE VIEW sen2.stat_designated_officers AS
SELECT g.level, g.return_id, g.la_code, g.collection_year, g.officer, g.answer, g.returns,
       round(100.0 * g.returns / sum(g.returns) OVER (PARTITION BY g.level, g.return_id, g.collection_year, g.officer), 1) AS percent
  FROM (SELECT CASE WHEN GROUPING(f.return_id) = 0 THEN 'return' ELSE 'total' END AS level,
               f.return_id, f.la_code, f.collection_year, f.officer, f.answer, f.answer_order,
               count(*) AS returns
          FROM (SELECT r.return_id, r.la_code, r.collection_year, o.officer, o.officer_order,
                       CASE o.value WHEN 'Y' THEN 'Yes' WHEN 'N' THEN 'No' WHEN 'R' THEN 'Recruiting'
                                    ELSE 'Not returned' END AS answer,
                       CASE o.value WHEN 'Y' THEN 1 WHEN 'N' THEN 2 WHEN 'R' THEN 3 ELSE 4 END AS answer_order
                  FROM sen2.return r
                  CROSS JOIN LATERAL (VALUES ('DMO', 1, r.dmo), ('DCO', 2, r.dco), ('DSCO', 3, r.dsco)) o(officer, officer_order, value)) f
         GROUP BY GROUPING SETS ((f.return_id, f.la_code, f.collection_year, f.officer, f.officer_order, f.answer, f.answer_order),
                                 (f.collection_year, f.officer, f.officer_order, f.answer, f.answer_order))
         ORDER BY f.collection_year, GROUPING(f.return_id), f.la_code, f.return_id, f.officer_order, f.answer_order) g;
COMMENT ON VIEW sen2.stat_designated_officers IS
  'DfE sen2_dmo_dco.csv: whether a Designated Medical Officer (DMO), Designated Clinical Officer (DCO) and Designated Social Care Officer (DSCO, 2025+) was in place on census day: Yes (Y), No (N), Recruiting (R), Not returned (missing or invalid). One row per return and officer; total rows count returns per answer.';
