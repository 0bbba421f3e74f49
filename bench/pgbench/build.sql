-- Writer: a new return built with plain SQL inserts, for this client's own
-- LA (800 + client id) in collection year 2025, so readers of the shared
-- 2026 return never see it; its shape must match the serial run's.  Kept,
-- so the test can count them against pgbench's transaction count.
\set la 800 + :client_id
BEGIN;
SELECT bench.build_return(:la::text, 2025, 30) AS rid \gset
COMMIT;
SELECT bench.verify('build30', bench.shape(:rid));
