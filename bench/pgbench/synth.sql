-- sen2.synthesize of a small return with a fixed seed for this client's LA
-- in 2025: the same shape as the serial run with that seed; then deleted.
\set la 800 + :client_id
SELECT sen2.synthesize(':la', 2025, 30, 42, 0.1) AS sid \gset
SELECT bench.verify('synth30', bench.shape(:sid));
DELETE FROM sen2.return WHERE return_id = :sid;
