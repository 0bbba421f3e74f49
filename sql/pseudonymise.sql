-- copy_return and pseudonymise.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
\i test/fixtures/example_return.sql
\unset ON_ERROR_STOP
\set key '''a-long-enough-secret-key-for-tests'''

-- A copy has the same shape, new keys and the same parent/child links.
SELECT sen2.copy_return(:rid) AS cid \gset
CREATE TEMP VIEW shape AS
SELECT r.return_id,
       (SELECT count(*) FROM sen2.person x WHERE x.return_id = r.return_id) AS persons,
       (SELECT count(*) FROM sen2.request x WHERE x.return_id = r.return_id) AS requests,
       (SELECT count(*) FROM sen2.assessment x WHERE x.return_id = r.return_id) AS assessments,
       (SELECT count(*) FROM sen2.named_plan x WHERE x.return_id = r.return_id) AS plans,
       (SELECT count(*) FROM sen2.plan_detail x WHERE x.return_id = r.return_id) AS plan_details,
       (SELECT count(*) FROM sen2.active_plans x WHERE x.return_id = r.return_id) AS active,
       (SELECT count(*) FROM sen2.placement_detail x WHERE x.return_id = r.return_id) AS placements,
       (SELECT count(*) FROM sen2.sen_need x WHERE x.return_id = r.return_id) AS needs
  FROM sen2.return r;
SELECT persons, requests, assessments, plans, plan_details, active, placements, needs
  FROM shape WHERE return_id IN (:rid, :cid) ORDER BY return_id;
-- the copied tree hangs together: each need reaches its person through the copy's own rows
SELECT p.source_id, n.sen_type
  FROM sen2.sen_need n
  JOIN sen2.active_plans a ON a.active_plans_id = n.active_plans_id AND a.return_id = :cid
  JOIN sen2.request q ON q.request_id = a.request_id AND q.return_id = :cid
  JOIN sen2.person p ON p.person_id = q.person_id AND p.return_id = :cid;
SELECT label = 'copy of return ' || :rid AS labelled, origin, la_code, year FROM sen2.return WHERE return_id = :cid;
SELECT sen2.copy_return(-1);

-- The pseudonymised copy.
SELECT sen2.pseudonymise(:rid, :key) AS pid \gset
SELECT surname, forename, person_birth_date, post_code, length(upn) AS upn_len, length(uln) AS uln_len,
       length(source_id) AS src_len
  FROM sen2.person WHERE return_id = :pid ORDER BY seq;
SELECT origin FROM sen2.return WHERE return_id = :pid;
-- same shape, same needs, outcomes and settings as the original
SELECT persons, requests, assessments, plans, plan_details, active, placements, needs
  FROM shape WHERE return_id = :pid;
SELECT (SELECT array_agg(request_outcome ORDER BY request_outcome) FROM sen2.request WHERE return_id = :rid)
     = (SELECT array_agg(request_outcome ORDER BY request_outcome) FROM sen2.request WHERE return_id = :pid) AS same_outcomes;
-- deterministic under one key, different under another; no raw identifier survives
SELECT sen2.pseudonymise(:rid, :key) AS pid2 \gset
SELECT sen2.pseudonymise(:rid, 'another-long-enough-secret-key') AS pid3 \gset
SELECT (SELECT array_agg(upn ORDER BY seq) FROM sen2.person WHERE return_id = :pid)
     = (SELECT array_agg(upn ORDER BY seq) FROM sen2.person WHERE return_id = :pid2) AS same_key_same_pseudonyms,
       (SELECT array_agg(upn ORDER BY seq) FROM sen2.person WHERE return_id = :pid)
     = (SELECT array_agg(upn ORDER BY seq) FROM sen2.person WHERE return_id = :pid3) AS other_key_same_pseudonyms;
SELECT count(*) AS leaked
  FROM sen2.person o JOIN sen2.person c ON c.return_id IN (:pid, :pid2, :pid3)
 WHERE o.return_id = :rid
   AND (c.upn = o.upn OR c.uln = o.uln OR c.surname = o.surname OR c.source_id = o.source_id
        OR c.post_code = o.post_code OR c.person_birth_date = o.person_birth_date);
SELECT sen2.keyed_hash('upn:B801200005001', :key) = (SELECT upn FROM sen2.person WHERE return_id = :pid AND seq = 1) AS documented_recipe;
-- the pseudonym is standard HMAC-SHA-256 (cross-checked with pgcrypto)
CREATE EXTENSION pgcrypto;
SELECT sen2.keyed_hash('upn:B801200005001', :key) = encode(hmac('upn:B801200005001', :key, 'sha256'), 'hex') AS is_hmac_sha256;
DROP EXTENSION pgcrypto;
-- bad keys and ids
SELECT sen2.pseudonymise(:rid, 'short');
SELECT sen2.pseudonymise(:rid, NULL);
SELECT sen2.pseudonymise(-5, :key);
SELECT v, sen2.postcode_sector(v) FROM (VALUES ('CT1 1AA'), ('sw1a1aa'), ('ME14 1XX'), ('nonsense'), ('')) t(v);
DELETE FROM sen2.return;
