-- sen2.load_xml of the shared return's document (written once, serially),
-- moved to this client's LA and year 2025 in the same transaction, checked
-- against the shared return's shape, then deleted.
\set la 800 + :client_id
BEGIN;
SELECT sen2.load_xml(d.doc) AS lid FROM bench.doc d \gset
UPDATE sen2.return SET la_code = ':la', collection_year = 2025 WHERE return_id = :lid;
COMMIT;
SELECT bench.verify('base_shape', bench.shape(:lid));
DELETE FROM sen2.return WHERE return_id = :lid;
