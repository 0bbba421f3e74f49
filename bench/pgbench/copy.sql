-- Writer: sen2.copy_return of the shared return (moved to this client's LA
-- and year 2025 in the same transaction), checked, then deleted again in a
-- transaction of its own: copies and cascading deletes of other returns run
-- while other clients read and validate the shared one.
\set la 800 + :client_id
BEGIN;
SELECT sen2.copy_return(:base, 'bench copy') AS cid \gset
UPDATE sen2.return SET la_code = ':la', collection_year = 2025 WHERE return_id = :cid;
COMMIT;
SELECT bench.verify('base_shape', bench.shape(:cid));
DELETE FROM sen2.return WHERE return_id = :cid;
