-- Error paths under valgrind (test/sh/slow/valgrind.sh): every long
-- operation this build has, interrupted by statement_timeout at many points
-- (sweep.sql), all in this one session, whose valgrind log then shows any
-- memory that a cancelled operation left allocated (libxml2 buffers, malloc)
-- or any invalid access on the way out.  Runs in its own database.
\set ON_ERROR_STOP 0
\set VERBOSITY terse
SET client_min_messages = warning;
CREATE EXTENSION sen2;
\i bench/pgbench/setup.sql
SELECT bench.build_return('205', 2026, :persons, 'valgrind faults') AS big \gset
-- as after any bulk load (without statistics the XML writer's plan is slow)
ANALYZE;
SELECT bench.table_counts() AS before \gset

SELECT EXISTS (SELECT FROM pg_proc WHERE pronamespace = 'sen2'::regnamespace AND proname = 'validate') AS has_validate,
       EXISTS (SELECT FROM pg_proc WHERE pronamespace = 'sen2'::regnamespace AND proname = 'return_xml') AS has_return_xml,
       EXISTS (SELECT FROM pg_proc WHERE pronamespace = 'sen2'::regnamespace AND proname = 'load_xml') AS has_load_xml,
       EXISTS (SELECT FROM pg_proc WHERE pronamespace = 'sen2'::regnamespace AND proname = 'validate_xml') AS has_validate_xml,
       EXISTS (SELECT FROM pg_proc WHERE pronamespace = 'sen2'::regnamespace AND proname = 'synthesize') AS has_synthesize \gset

\set opname copy_return
\set op 'SELECT sen2.copy_return(' :big ')'
\ir sweep.sql
\if :has_validate
\set opname validate
\set op 'SELECT count(*) FROM sen2.validate(' :big ')'
\ir sweep.sql
\endif
\if :has_return_xml
\set opname return_xml
\set op 'SELECT length(sen2.return_xml(' :big ')::text)'
\ir sweep.sql
CREATE TABLE vg_doc AS SELECT sen2.return_xml(:big)::text AS doc;
\if :has_load_xml
\set opname load_xml
\set op 'SELECT sen2.load_xml(doc) FROM vg_doc'
\ir sweep.sql
\endif
\if :has_validate_xml
\set opname validate_xml
\set op 'SELECT count(*) FROM vg_doc, sen2.validate_xml(doc)'
\ir sweep.sql
\endif
\endif
\if :has_synthesize
\set opname synthesize
\set op 'SELECT sen2.synthesize(''206'', 2026, ' :persons ', 3, 0.1)'
\ir sweep.sql
\endif

-- nothing of any attempt is left
SELECT bench.table_counts() = :'before' AS tables_unchanged \gset
\if :tables_unchanged
\echo all sen2 tables unchanged
\else
\echo FAIL: sen2 tables changed
\endif
