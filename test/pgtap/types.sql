-- sen2.upn / sen2.uln in the catalogue: layout, operator classes, casts,
-- error codes.  (Values and messages are tested in sql/types_*.sql.)
BEGIN;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS sen2;
SELECT plan(32);

SELECT has_type('sen2', 'upn', 'type sen2.upn');
SELECT has_type('sen2', 'uln', 'type sen2.uln');
SELECT is((SELECT (typlen, typbyval, typalign) FROM pg_type WHERE oid = 'sen2.upn'::regtype),
          (SELECT (typlen, typbyval, typalign) FROM pg_type WHERE oid = 'bigint'::regtype),
          'sen2.upn is laid out like bigint');
SELECT is((SELECT (typlen, typbyval, typalign) FROM pg_type WHERE oid = 'sen2.uln'::regtype),
          (SELECT (typlen, typbyval, typalign) FROM pg_type WHERE oid = 'bigint'::regtype),
          'sen2.uln is laid out like bigint');
SELECT isnt((SELECT typreceive FROM pg_type WHERE oid = t::regtype), 0::regproc, t || ' has a receive function')
  FROM unnest(ARRAY['sen2.upn', 'sen2.uln']) t;
SELECT isnt((SELECT typsend FROM pg_type WHERE oid = t::regtype), 0::regproc, t || ' has a send function')
  FROM unnest(ARRAY['sen2.upn', 'sen2.uln']) t;

-- default operator classes for btree and hash
SELECT is((SELECT count(*) FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
            WHERE c.opcintype = t::regtype AND c.opcdefault AND a.amname IN ('btree', 'hash')),
          2::bigint, t || ' has default btree and hash operator classes')
  FROM unnest(ARRAY['sen2.upn', 'sen2.uln']) t;
SELECT is((SELECT count(*) FROM pg_amop o JOIN pg_opfamily f ON f.oid = o.amopfamily
             JOIN pg_am a ON a.oid = f.opfmethod
            WHERE a.amname = 'btree' AND o.amoplefttype = t::regtype),
          5::bigint, t || ' btree family has the five comparison operators')
  FROM unnest(ARRAY['sen2.upn', 'sen2.uln']) t;
SELECT ok((SELECT oprcanhash AND oprcanmerge FROM pg_operator
            WHERE oprname = '=' AND oprleft = t::regtype AND oprright = t::regtype),
          t || ' = supports hash and merge joins')
  FROM unnest(ARRAY['sen2.upn', 'sen2.uln']) t;

-- casts and their contexts (a = assignment, e = explicit)
SELECT is((SELECT castcontext::text FROM pg_cast WHERE castsource = s::regtype AND casttarget = d::regtype),
          ctx, s || ' -> ' || d || ' cast context ' || ctx)
  FROM (VALUES ('text', 'sen2.upn', 'a'), ('sen2.upn', 'text', 'a'),
               ('text', 'sen2.uln', 'a'), ('sen2.uln', 'text', 'a'),
               ('bigint', 'sen2.uln', 'e'), ('sen2.uln', 'bigint', 'e')) v(s, d, ctx);
SELECT hasnt_cast('sen2.upn', 'bigint', 'no cast exposes the internal UPN encoding');

-- error codes
SELECT throws_ok($$SELECT 'A801200005001'::sen2.upn$$, '22P02',
                 'invalid UPN "A801200005001"', 'bad UPN: 22P02');
SELECT throws_ok($$SELECT '1234567890'::sen2.uln$$, '22P02',
                 'invalid ULN "1234567890"', 'bad ULN: 22P02');
SELECT throws_ok($$SELECT (-5)::bigint::sen2.uln$$, '22003', 'invalid ULN -5', 'negative ULN number: 22003');
SELECT throws_ok($$SELECT 1234567890::bigint::sen2.uln$$, '22P02', 'invalid ULN "1234567890"',
                 'bigint with a wrong check digit: 22P02');
SELECT lives_ok($$SELECT 'B801200005001'::sen2.upn, '1234567899'::sen2.uln$$, 'valid values load');

-- the accessors and lenient checks are immutable and strict
SELECT volatility_is('sen2', f, args, 'immutable', 'sen2.' || f || ' is immutable')
  FROM (VALUES ('upn_la', ARRAY['sen2.upn']), ('upn_is_temporary', ARRAY['sen2.upn']),
               ('is_valid_upn', ARRAY['text']), ('upn_problem', ARRAY['text'])) v(f, args);
SELECT volatility_is('sen2', 'is_valid_la', ARRAY['text', 'integer'], 'stable', 'sen2.is_valid_la is stable');
SELECT is(sen2.upn_la('B801200005001'), '801', 'upn_la of the worked example');

SELECT * FROM finish();
ROLLBACK;
