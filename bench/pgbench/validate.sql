-- sen2.validate of the shared return from several clients at once: the same
-- number of findings as the serial run.
SELECT bench.verify('validate_base', (SELECT count(*) FROM sen2.validate(:base))::text);
