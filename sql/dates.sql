-- sen2.iso_date: strict ISO dates only, NULL otherwise.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
SET datestyle = 'ISO, YMD';
SELECT v, sen2.iso_date(v)
  FROM (VALUES ('2026-01-15'), ('2024-02-29'), ('2023-02-29'), ('2000-02-29'), ('1900-02-29'),
               ('2025-12-31'), ('2025-13-01'), ('2025-04-31'), ('2025-1-5'), ('15/01/2026'),
               ('2026-01-15 '), (' 2026-01-15'), ('2026-01-15T00:00:00'), (''), ('1899-12-31'),
               ('3000-01-01'), ('２０２６-01-15'), (NULL)) AS t(v);
SELECT sen2.iso_date('2026-01-15') - sen2.iso_date('2025-01-01') AS days;
