-- Included by faults.sql once per operation: runs :op (named :opname) under
-- a statement_timeout that doubles from 25 ms to 6.4 s, each attempt in a
-- transaction that is rolled back, so every early attempt is cancelled at a
-- different point inside the operation and the later ones complete.
BEGIN; SET LOCAL statement_timeout = 25; :op;
\if :ERROR \echo :opname cancelled at 25 ms \else \echo :opname completed within 25 ms \endif
ROLLBACK;
BEGIN; SET LOCAL statement_timeout = 50; :op;
\if :ERROR \echo :opname cancelled at 50 ms \else \echo :opname completed within 50 ms \endif
ROLLBACK;
BEGIN; SET LOCAL statement_timeout = 100; :op;
\if :ERROR \echo :opname cancelled at 100 ms \else \echo :opname completed within 100 ms \endif
ROLLBACK;
BEGIN; SET LOCAL statement_timeout = 200; :op;
\if :ERROR \echo :opname cancelled at 200 ms \else \echo :opname completed within 200 ms \endif
ROLLBACK;
BEGIN; SET LOCAL statement_timeout = 400; :op;
\if :ERROR \echo :opname cancelled at 400 ms \else \echo :opname completed within 400 ms \endif
ROLLBACK;
BEGIN; SET LOCAL statement_timeout = 800; :op;
\if :ERROR \echo :opname cancelled at 800 ms \else \echo :opname completed within 800 ms \endif
ROLLBACK;
BEGIN; SET LOCAL statement_timeout = 1600; :op;
\if :ERROR \echo :opname cancelled at 1600 ms \else \echo :opname completed within 1600 ms \endif
ROLLBACK;
BEGIN; SET LOCAL statement_timeout = 3200; :op;
\if :ERROR \echo :opname cancelled at 3200 ms \else \echo :opname completed within 3200 ms \endif
ROLLBACK;
BEGIN; SET LOCAL statement_timeout = 6400; :op;
\if :ERROR \echo :opname cancelled at 6400 ms \else \echo :opname completed within 6400 ms \endif
ROLLBACK;
