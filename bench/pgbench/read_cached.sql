-- Reader with the parameter use_cache on: the statistics of the shared
-- return, read from the stored facts, must be those of the serial run with
-- use_cache on, whatever refreshes and writers are doing at the same time.
SET sen2.use_cache = on;
SELECT bench.verify('stats_cached', bench.stats_digest());
RESET sen2.use_cache;
