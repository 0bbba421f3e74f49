-- England-shaped synthetic SEN2 data for bench/stats.sh, in plain SQL.
-- psql variables: persons (total persons), returns (number of LA returns).
-- Ids are assigned explicitly (person i has request i, assessment i, ...)
-- so the generator is a handful of set-based INSERTs.  Shares follow the
-- 2025 national figures roughly (docs: shared/reference/national-figures.md):
--   92% hold a plan active on census day, of which ~15% started in 2025;
--    6% had a plan that ceased in 2025; the rest only have a request.
SET client_min_messages = warning;
SELECT setseed(0.42);

CREATE TEMPORARY TABLE bench_la AS
SELECT row_number() OVER (ORDER BY la_code) AS k, la_code
  FROM sen2.la WHERE kind = 'england' AND coalesce(last_year, 9999) >= 2026 ORDER BY la_code LIMIT :returns;

INSERT INTO sen2.return (la_code, collection_year, label, origin, year, reference_date, lea, software_code,
                         release, serial_no, date_time, dmo, dco, dsco)
SELECT la_code, 2026, 'bench', 'synthetic', '2026', '2026-01-15', la_code, 'bench', '1', '001', '2026-02-01T10:00:00',
       (ARRAY['Y','Y','Y','N','R'])[1 + k % 5], (ARRAY['Y','Y','N','R'])[1 + k % 4],
       CASE WHEN k % 7 = 0 THEN NULL ELSE (ARRAY['Y','N','R'])[1 + k % 3] END
  FROM bench_la ORDER BY k;

CREATE TEMPORARY TABLE bench_ret AS
SELECT row_number() OVER (ORDER BY return_id) - 1 AS k, return_id FROM sen2.return WHERE label = 'bench';

-- kind: A active plan from before 2025, N new plan in 2025, C ceased in 2025,
-- R request in 2025 with no plan (refused, pending, withdrawn, not issued)
CREATE TEMPORARY TABLE bench_p AS
SELECT i, r.return_id,
       CASE WHEN u < 0.775 THEN 'A' WHEN u < 0.92 THEN 'N' WHEN u < 0.98 THEN 'C' ELSE 'R' END AS kind,
       age, random() AS v, random() AS w
  FROM (SELECT i, random() AS u,
               -- ages 0..25 shaped like the caseload (peak 10-14)
               least(25, greatest(0, round(12 + 5.2 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))))::int AS age
          FROM generate_series(1, :persons) i) s
  JOIN bench_ret r ON r.k = s.i % :returns;
CREATE INDEX ON bench_p (i);
ANALYZE bench_p;

INSERT INTO sen2.person (person_id, return_id, seq, surname, forename, person_birth_date, sex, ethnicity, post_code, upn)
OVERRIDING SYSTEM VALUE
SELECT i, return_id, i, 'Surname' || (i % 5000), 'Forename' || (i % 700),
       to_char(date '2026-01-15' - (age * 365.25 + floor(w * 365))::int, 'YYYY-MM-DD'),
       CASE WHEN v < 0.705 THEN 'M' WHEN v < 0.99999 THEN 'F' ELSE 'U' END,
       (ARRAY['WBRI','WBRI','WBRI','WBRI','WBRI','WBRI','WBRI','WBRI','WBRI','WBRI','WBRI','WBRI','WBRI',
              'WOTH','BAFR','APKN','MOTH','MWBC','AIND','OOTH','AOTH','ABAN','BCRB','MWAS','BOTH','MWBA',
              'WROM','CHNE','WIRI','WIRT','NOBT','REFU'])[1 + (i * 7 % 32)],
       'AB1 2CD', NULL
  FROM bench_p;

INSERT INTO sen2.request (request_id, return_id, person_id, seq, received_date, request_source, rya,
                          request_outcome_date, request_outcome, request_mediation, request_tribunal)
OVERRIDING SYSTEM VALUE
SELECT i, return_id, i, 1,
       CASE WHEN kind IN ('A', 'C') THEN NULL ELSE to_char(d.rec, 'YYYY-MM-DD') END,
       CASE WHEN kind IN ('A', 'C') THEN NULL ELSE (1 + (i % 5))::text END, '0',
       CASE WHEN kind IN ('A', 'C') OR o.outcome IN ('A', 'W') THEN NULL
            ELSE to_char(d.rec + (20 + floor(w * 40))::int, 'YYYY-MM-DD') END,
       o.outcome,
       CASE WHEN v < 0.06 THEN '1' ELSE '0' END, CASE WHEN v < 0.03 THEN '1' ELSE '0' END
  FROM bench_p
  CROSS JOIN LATERAL (SELECT CASE WHEN kind = 'N' THEN date '2025-08-01' - floor(w * 300)::int
                                  ELSE date '2025-01-01' + floor(w * 364)::int END AS rec) d
  CROSS JOIN LATERAL (SELECT CASE WHEN kind IN ('A', 'C') THEN 'H' WHEN kind = 'N' THEN 'Y'
                                  WHEN v < 0.60 THEN 'N' WHEN v < 0.80 THEN 'A' WHEN v < 0.86 THEN 'W'
                                  ELSE 'Y' END AS outcome) o;

INSERT INTO sen2.assessment (assessment_id, return_id, request_id, assessment_outcome, assessment_outcome_date,
                             assessment_mediation, assessment_tribunal, other_mediation, other_tribunal, week20)
OVERRIDING SYSTEM VALUE
SELECT q.request_id, q.return_id, q.request_id,
       CASE WHEN p.kind IN ('A', 'C') THEN 'H' WHEN p.kind = 'N' THEN 'Y'
            WHEN p.w < 0.4 THEN 'A' WHEN p.w < 0.7 THEN 'N' WHEN p.w < 0.8 THEN 'W' ELSE 'Y' END,
       CASE WHEN p.kind = 'N' THEN to_char(sen2.iso_date(q.received_date) + (90 + floor(p.v * 200))::int, 'YYYY-MM-DD')
            WHEN p.kind = 'R' AND p.w >= 0.4 AND p.w < 0.7 THEN to_char(sen2.iso_date(q.received_date) + (80 + floor(p.v * 60))::int, 'YYYY-MM-DD') END,
       '0', '0', CASE WHEN p.v < 0.02 THEN '1' ELSE '0' END, CASE WHEN p.v < 0.03 THEN '1' ELSE '0' END,
       CASE WHEN p.kind = 'N' THEN CASE WHEN p.w < 0.06 THEN '1' ELSE '0' END END
  FROM sen2.request q JOIN bench_p p ON p.i = q.request_id
 WHERE q.request_outcome IN ('Y', 'H');

-- plans: active (started 2010-2024), new (started on the issue date), ceased
INSERT INTO sen2.named_plan (named_plan_id, return_id, assessment_id, start_date, plan_res, pb, oa, dp, cease_date, cease_reason)
OVERRIDING SYSTEM VALUE
SELECT a.assessment_id, a.return_id, a.assessment_id,
       to_char(s.start, 'YYYY-MM-DD'),
       CASE WHEN p.v > 0.9965 THEN (ARRAY['A','B'])[1 + p.i % 2] END,
       CASE WHEN p.w < 0.031 THEN '1' ELSE '0' END,
       CASE WHEN p.w < 0.006 THEN '1' ELSE '0' END,
       CASE WHEN p.w < 0.031 THEN (ARRAY['E','H','S','S','S','S','I'])[1 + p.i % 7] END,
       CASE WHEN p.kind = 'C' THEN to_char(date '2025-01-01' + floor(p.v * 364)::int, 'YYYY-MM-DD') END,
       CASE WHEN p.kind = 'C' THEN (ARRAY['5','5','5','6','6','6','6','2','4','1','3','7','8','9'])[1 + p.i % 14] END
  FROM sen2.assessment a JOIN bench_p p ON p.i = a.assessment_id
  CROSS JOIN LATERAL (SELECT CASE WHEN p.kind = 'N' THEN sen2.iso_date(a.assessment_outcome_date)
                                  ELSE greatest(date '2026-01-15' - (p.age * 365.25)::int + 400,
                                                date '2024-12-31' - floor(p.w * 365 * 9)::int) END AS start) s
 WHERE p.kind IN ('A', 'C', 'N') AND (p.kind <> 'N' OR a.assessment_outcome_date IS NOT NULL);

INSERT INTO sen2.plan_detail (plan_detail_id, return_id, named_plan_id, seq, urn, sen_setting, placement_rank,
                              sen_unit_indicator, resourced_provision_indicator)
OVERRIDING SYSTEM VALUE
SELECT np.named_plan_id, np.return_id, np.named_plan_id, 1,
       CASE WHEN p.v < 0.93 THEN (100000 + (p.i * 37) % 20000)::text END,
       CASE WHEN p.v >= 0.93 THEN (ARRAY['OLA','EHE','NEET','EYP','OPA','NIEC','NIEO'])[1 + p.i % 7] END,
       '1', CASE WHEN p.w > 0.98 THEN '1' ELSE '0' END, CASE WHEN p.w BETWEEN 0.95 AND 0.975 THEN '1' ELSE '0' END
  FROM sen2.named_plan np JOIN bench_p p ON p.i = np.named_plan_id;

INSERT INTO sen2.active_plans (active_plans_id, return_id, request_id, transfer_la, review_meeting, review_outcome,
                               last_review, phase_transfer_due_date, phase_transfer_final_date)
OVERRIDING SYSTEM VALUE
SELECT np.named_plan_id, np.return_id, np.named_plan_id,
       CASE WHEN p.kind = 'A' AND p.v > 0.995 THEN '201' END,
       to_char(m.meeting, 'YYYY-MM-DD'),
       CASE WHEN m.meeting IS NOT NULL AND p.w < 0.8 THEN (ARRAY['A','A','A','M','M','C'])[1 + p.i % 6] END,
       CASE WHEN m.meeting IS NOT NULL AND p.w < 0.8 THEN to_char(m.meeting + (10 + floor(p.v * 40))::int, 'YYYY-MM-DD') END,
       CASE WHEN p.age IN (10, 15) THEN '2025-02-15' END,
       CASE WHEN p.age IN (10, 15) AND p.w < 0.9 THEN to_char(date '2025-02-01' + floor(p.v * 40)::int, 'YYYY-MM-DD') END
  FROM sen2.named_plan np JOIN bench_p p ON p.i = np.named_plan_id
  CROSS JOIN LATERAL (SELECT CASE WHEN sen2.iso_date(np.start_date) < date '2025-01-15' AND p.v < 0.87
                                  THEN date '2026-01-10' - floor(p.w * 420)::int END AS meeting) m;

-- one placement spanning census day (or the cease date); 30% also had an
-- earlier one that ended
INSERT INTO sen2.placement_detail (placement_detail_id, return_id, active_plans_id, seq, urn, ukprn, sen_setting,
                                   placement_rank, entry_date, leaving_date, sen_unit_indicator,
                                   resourced_provision_indicator, res, wbp)
OVERRIDING SYSTEM VALUE
SELECT 2 * ap.active_plans_id + x.n, ap.return_id, ap.active_plans_id, x.n + 1,
       CASE WHEN p.v < 0.90 THEN (100000 + (p.i * 37 + x.n * 11) % 20000)::text END,
       CASE WHEN p.v >= 0.90 AND p.v < 0.915 THEN (10000000 + p.i % 900)::text END,
       CASE WHEN p.v >= 0.915 AND p.v < 0.97 THEN (ARRAY['OLA','EHE','NEET','EYP','OPA','NIEC','NIEO','OTH'])[1 + p.i % 8] END,
       '1',
       to_char(CASE WHEN x.n = 0 THEN s.start + 200 ELSE s.start END, 'YYYY-MM-DD'),
       CASE WHEN x.n = 1 THEN to_char(s.start + 199, 'YYYY-MM-DD') END,
       CASE WHEN p.w > 0.98 THEN '1' ELSE '0' END, CASE WHEN p.w BETWEEN 0.95 AND 0.975 THEN '1' ELSE '0' END,
       CASE WHEN x.n = 0 AND p.v > 0.9965 THEN (ARRAY['A','B'])[1 + p.i % 2] END,
       CASE WHEN x.n = 0 AND p.age >= 16 AND p.w < 0.05 THEN (ARRAY['S','S','A','T'])[1 + p.i % 4] END
  FROM sen2.active_plans ap JOIN bench_p p ON p.i = ap.active_plans_id
  JOIN sen2.named_plan np ON np.named_plan_id = ap.active_plans_id
  CROSS JOIN LATERAL (SELECT least(sen2.iso_date(np.start_date), date '2026-01-15' - 201) AS start) s
  CROSS JOIN LATERAL (SELECT 0 AS n UNION ALL SELECT 1 WHERE p.w < 0.3) x;

INSERT INTO sen2.sen_need (sen_need_id, return_id, active_plans_id, seq, sen_type, sen_type_rank)
OVERRIDING SYSTEM VALUE
SELECT 2 * ap.active_plans_id + x.n, ap.return_id, ap.active_plans_id, x.n + 1,
       CASE WHEN x.n = 0 THEN (ARRAY['ASD','ASD','ASD','ASD','ASD','ASD','SLCN','SLCN','SLCN','SLCN',
                                     'SEMH','SEMH','SEMH','MLD','MLD','SLD','SPLD','PD','PMLD','HI','VI','OTH'])[1 + p.i % 22]
            ELSE (ARRAY['SLCN','SEMH','MLD','SPLD'])[1 + p.i % 4] END,
       (x.n + 1)::text
  FROM sen2.active_plans ap JOIN bench_p p ON p.i = ap.active_plans_id
  CROSS JOIN LATERAL (SELECT 0 AS n UNION ALL SELECT 1 WHERE p.v < 0.5) x
 WHERE NOT (x.n = 1 AND (ARRAY['ASD','ASD','ASD','ASD','ASD','ASD','SLCN','SLCN','SLCN','SLCN',
                               'SEMH','SEMH','SEMH','MLD','MLD','SLD','SPLD','PD','PMLD','HI','VI','OTH'])[1 + p.i % 22]
                        = (ARRAY['SLCN','SEMH','MLD','SPLD'])[1 + p.i % 4]);

-- keep the identity sequences ahead of the explicit ids
SELECT setval(pg_get_serial_sequence('sen2.' || t, t || '_id'), 10 * :persons)
  FROM unnest(ARRAY['person','request','assessment','named_plan','plan_detail','active_plans','placement_detail','sen_need']) t;
ANALYZE sen2.return, sen2.person, sen2.request, sen2.assessment, sen2.named_plan, sen2.plan_detail,
        sen2.active_plans, sen2.placement_detail, sen2.sen_need;
