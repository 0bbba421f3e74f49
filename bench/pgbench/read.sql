-- Reader: the shared return's rows per module and its needs by type, plus
-- (when the statistics views exist) a digest of every sen2.stat_* view for
-- the shared return's LA and year: all as in the serial run, whatever the
-- writers are doing to other returns.
SELECT bench.verify('base_shape', bench.shape(:base));
SELECT bench.verify('base_needs', bench.needs_digest(:base));
SELECT bench.verify('stats', bench.stats_digest());
