-- Identifier types (sen2.upn, sen2.uln) and the lenient identifier checks.
--
-- Every check is one C function in src/ident.c.  The types' input functions
-- call it strictly (a bad value is an error); sen2.is_valid_* and
-- sen2.*_problem call the same function leniently on raw text, for staging
-- tables that must load whatever the source system holds.  See docs/types.md.

-- ---------------------------------------------------------------------------
-- sen2.upn
-- ---------------------------------------------------------------------------

CREATE TYPE sen2.upn;

CREATE FUNCTION sen2.upn_in(cstring) RETURNS sen2.upn
    AS 'MODULE_PATHNAME', 'sen2_upn_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.upn_out(sen2.upn) RETURNS cstring
    AS 'MODULE_PATHNAME', 'sen2_upn_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.upn_recv(internal) RETURNS sen2.upn
    AS 'MODULE_PATHNAME', 'sen2_upn_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.upn_send(sen2.upn) RETURNS bytea
    AS 'MODULE_PATHNAME', 'sen2_upn_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Laid out like int8: the value is an order-preserving 64-bit encoding of
-- the 13 characters (src/upn.c), so int8's own comparison, hash and sort
-- support functions are correct for it.
CREATE TYPE sen2.upn (
    INPUT = sen2.upn_in,
    OUTPUT = sen2.upn_out,
    RECEIVE = sen2.upn_recv,
    SEND = sen2.upn_send,
    LIKE = pg_catalog.int8,
    CATEGORY = 'U'
);
COMMENT ON TYPE sen2.upn IS
  'Unique Pupil Number: 13 characters, check letter + LA number + establishment + year + serial (a temporary UPN ends in a letter); input checks the format and the check letter.';

CREATE FUNCTION sen2.upn_eq(sen2.upn, sen2.upn) RETURNS boolean
    AS 'int8eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.upn_ne(sen2.upn, sen2.upn) RETURNS boolean
    AS 'int8ne' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.upn_lt(sen2.upn, sen2.upn) RETURNS boolean
    AS 'int8lt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.upn_le(sen2.upn, sen2.upn) RETURNS boolean
    AS 'int8le' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.upn_gt(sen2.upn, sen2.upn) RETURNS boolean
    AS 'int8gt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.upn_ge(sen2.upn, sen2.upn) RETURNS boolean
    AS 'int8ge' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.upn_cmp(sen2.upn, sen2.upn) RETURNS int4
    AS 'btint8cmp' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.upn_sortsupport(internal) RETURNS void
    AS 'btint8sortsupport' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.upn_hash(sen2.upn) RETURNS int4
    AS 'hashint8' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.upn_hash_extended(sen2.upn, bigint) RETURNS bigint
    AS 'hashint8extended' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR sen2.= (
    LEFTARG = sen2.upn, RIGHTARG = sen2.upn, FUNCTION = sen2.upn_eq,
    COMMUTATOR = OPERATOR(sen2.=), NEGATOR = OPERATOR(sen2.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR sen2.<> (
    LEFTARG = sen2.upn, RIGHTARG = sen2.upn, FUNCTION = sen2.upn_ne,
    COMMUTATOR = OPERATOR(sen2.<>), NEGATOR = OPERATOR(sen2.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR sen2.< (
    LEFTARG = sen2.upn, RIGHTARG = sen2.upn, FUNCTION = sen2.upn_lt,
    COMMUTATOR = OPERATOR(sen2.>), NEGATOR = OPERATOR(sen2.>=),
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR sen2.<= (
    LEFTARG = sen2.upn, RIGHTARG = sen2.upn, FUNCTION = sen2.upn_le,
    COMMUTATOR = OPERATOR(sen2.>=), NEGATOR = OPERATOR(sen2.>),
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR sen2.> (
    LEFTARG = sen2.upn, RIGHTARG = sen2.upn, FUNCTION = sen2.upn_gt,
    COMMUTATOR = OPERATOR(sen2.<), NEGATOR = OPERATOR(sen2.<=),
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR sen2.>= (
    LEFTARG = sen2.upn, RIGHTARG = sen2.upn, FUNCTION = sen2.upn_ge,
    COMMUTATOR = OPERATOR(sen2.<=), NEGATOR = OPERATOR(sen2.<),
    RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS sen2.upn_ops DEFAULT FOR TYPE sen2.upn USING btree AS
    OPERATOR 1 sen2.<,
    OPERATOR 2 sen2.<=,
    OPERATOR 3 sen2.=,
    OPERATOR 4 sen2.>=,
    OPERATOR 5 sen2.>,
    FUNCTION 1 sen2.upn_cmp(sen2.upn, sen2.upn),
    FUNCTION 2 sen2.upn_sortsupport(internal);
CREATE OPERATOR CLASS sen2.upn_hash_ops DEFAULT FOR TYPE sen2.upn USING hash AS
    OPERATOR 1 sen2.=,
    FUNCTION 1 sen2.upn_hash(sen2.upn),
    FUNCTION 2 sen2.upn_hash_extended(sen2.upn, bigint);

-- Text in either direction goes through upn_in / upn_out.  ASSIGNMENT, so
-- INSERT INTO typed_table SELECT raw_text ... checks every value, while an
-- expression mixing text and upn still needs an explicit cast (no silent
-- comparison of a UPN with arbitrary text).
-- min() and max(), found when sen2 is on the search_path (like the operators).
CREATE FUNCTION sen2.upn_smaller(sen2.upn, sen2.upn) RETURNS sen2.upn
    AS 'int8smaller' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.upn_larger(sen2.upn, sen2.upn) RETURNS sen2.upn
    AS 'int8larger' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE sen2.min(sen2.upn) (
    SFUNC = sen2.upn_smaller, STYPE = sen2.upn, COMBINEFUNC = sen2.upn_smaller,
    SORTOP = OPERATOR(sen2.<), PARALLEL = SAFE);
CREATE AGGREGATE sen2.max(sen2.upn) (
    SFUNC = sen2.upn_larger, STYPE = sen2.upn, COMBINEFUNC = sen2.upn_larger,
    SORTOP = OPERATOR(sen2.>), PARALLEL = SAFE);

CREATE CAST (text AS sen2.upn) WITH INOUT AS ASSIGNMENT;
CREATE CAST (sen2.upn AS text) WITH INOUT AS ASSIGNMENT;

CREATE FUNCTION sen2.upn_la(sen2.upn) RETURNS text
    AS 'MODULE_PATHNAME', 'sen2_upn_la' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sen2.upn_la(sen2.upn) IS
  'Characters 2-4 of the UPN: the number of the LA where it was allocated (may be a Welsh or pseudo-LA number).';
CREATE FUNCTION sen2.upn_is_temporary(sen2.upn) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sen2_upn_is_temporary_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sen2.upn_is_temporary(sen2.upn) IS
  'True for a temporary UPN (a letter, not a digit, in position 13).';

-- ---------------------------------------------------------------------------
-- sen2.uln
-- ---------------------------------------------------------------------------

CREATE TYPE sen2.uln;

CREATE FUNCTION sen2.uln_in(cstring) RETURNS sen2.uln
    AS 'MODULE_PATHNAME', 'sen2_uln_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.uln_out(sen2.uln) RETURNS cstring
    AS 'MODULE_PATHNAME', 'sen2_uln_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.uln_recv(internal) RETURNS sen2.uln
    AS 'MODULE_PATHNAME', 'sen2_uln_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.uln_send(sen2.uln) RETURNS bytea
    AS 'MODULE_PATHNAME', 'sen2_uln_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Laid out like int8: the value is the 10-digit number (src/uln.c).
CREATE TYPE sen2.uln (
    INPUT = sen2.uln_in,
    OUTPUT = sen2.uln_out,
    RECEIVE = sen2.uln_recv,
    SEND = sen2.uln_send,
    LIKE = pg_catalog.int8,
    CATEGORY = 'U'
);
COMMENT ON TYPE sen2.uln IS
  'Unique Learner Number: 10 digits with a modulus-11 check digit; input checks the format and the check digit.';

CREATE FUNCTION sen2.uln_eq(sen2.uln, sen2.uln) RETURNS boolean
    AS 'int8eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.uln_ne(sen2.uln, sen2.uln) RETURNS boolean
    AS 'int8ne' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.uln_lt(sen2.uln, sen2.uln) RETURNS boolean
    AS 'int8lt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.uln_le(sen2.uln, sen2.uln) RETURNS boolean
    AS 'int8le' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.uln_gt(sen2.uln, sen2.uln) RETURNS boolean
    AS 'int8gt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.uln_ge(sen2.uln, sen2.uln) RETURNS boolean
    AS 'int8ge' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.uln_cmp(sen2.uln, sen2.uln) RETURNS int4
    AS 'btint8cmp' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.uln_sortsupport(internal) RETURNS void
    AS 'btint8sortsupport' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.uln_hash(sen2.uln) RETURNS int4
    AS 'hashint8' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION sen2.uln_hash_extended(sen2.uln, bigint) RETURNS bigint
    AS 'hashint8extended' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR sen2.= (
    LEFTARG = sen2.uln, RIGHTARG = sen2.uln, FUNCTION = sen2.uln_eq,
    COMMUTATOR = OPERATOR(sen2.=), NEGATOR = OPERATOR(sen2.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR sen2.<> (
    LEFTARG = sen2.uln, RIGHTARG = sen2.uln, FUNCTION = sen2.uln_ne,
    COMMUTATOR = OPERATOR(sen2.<>), NEGATOR = OPERATOR(sen2.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR sen2.< (
    LEFTARG = sen2.uln, RIGHTARG = sen2.uln, FUNCTION = sen2.uln_lt,
    COMMUTATOR = OPERATOR(sen2.>), NEGATOR = OPERATOR(sen2.>=),
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR sen2.<= (
    LEFTARG = sen2.uln, RIGHTARG = sen2.uln, FUNCTION = sen2.uln_le,
    COMMUTATOR = OPERATOR(sen2.>=), NEGATOR = OPERATOR(sen2.>),
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR sen2.> (
    LEFTARG = sen2.uln, RIGHTARG = sen2.uln, FUNCTION = sen2.uln_gt,
    COMMUTATOR = OPERATOR(sen2.<), NEGATOR = OPERATOR(sen2.<=),
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR sen2.>= (
    LEFTARG = sen2.uln, RIGHTARG = sen2.uln, FUNCTION = sen2.uln_ge,
    COMMUTATOR = OPERATOR(sen2.<=), NEGATOR = OPERATOR(sen2.<),
    RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS sen2.uln_ops DEFAULT FOR TYPE sen2.uln USING btree AS
    OPERATOR 1 sen2.<,
    OPERATOR 2 sen2.<=,
    OPERATOR 3 sen2.=,
    OPERATOR 4 sen2.>=,
    OPERATOR 5 sen2.>,
    FUNCTION 1 sen2.uln_cmp(sen2.uln, sen2.uln),
    FUNCTION 2 sen2.uln_sortsupport(internal);
CREATE OPERATOR CLASS sen2.uln_hash_ops DEFAULT FOR TYPE sen2.uln USING hash AS
    OPERATOR 1 sen2.=,
    FUNCTION 1 sen2.uln_hash(sen2.uln),
    FUNCTION 2 sen2.uln_hash_extended(sen2.uln, bigint);

-- min() and max(), found when sen2 is on the search_path (like the operators).
CREATE FUNCTION sen2.uln_smaller(sen2.uln, sen2.uln) RETURNS sen2.uln
    AS 'int8smaller' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.uln_larger(sen2.uln, sen2.uln) RETURNS sen2.uln
    AS 'int8larger' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE sen2.min(sen2.uln) (
    SFUNC = sen2.uln_smaller, STYPE = sen2.uln, COMBINEFUNC = sen2.uln_smaller,
    SORTOP = OPERATOR(sen2.<), PARALLEL = SAFE);
CREATE AGGREGATE sen2.max(sen2.uln) (
    SFUNC = sen2.uln_larger, STYPE = sen2.uln, COMBINEFUNC = sen2.uln_larger,
    SORTOP = OPERATOR(sen2.>), PARALLEL = SAFE);

CREATE CAST (text AS sen2.uln) WITH INOUT AS ASSIGNMENT;
CREATE CAST (sen2.uln AS text) WITH INOUT AS ASSIGNMENT;

-- A ULN is also a number: bigint in either direction, explicitly only (a
-- ULN is not a quantity).  uln -> bigint needs no function (same layout);
-- bigint -> uln pads to 10 digits and checks the check digit.
CREATE FUNCTION sen2.uln(bigint) RETURNS sen2.uln
    AS 'MODULE_PATHNAME', 'sen2_uln_from_bigint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (bigint AS sen2.uln) WITH FUNCTION sen2.uln(bigint);
CREATE CAST (sen2.uln AS bigint) WITHOUT FUNCTION;

-- ---------------------------------------------------------------------------
-- Lenient checks on raw text: true/false or NULL (valid) / the problem.
-- ---------------------------------------------------------------------------

CREATE FUNCTION sen2.is_valid_upn(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sen2_is_valid_upn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.is_valid_uln(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sen2_is_valid_uln' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.is_valid_urn(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sen2_is_valid_urn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.is_valid_ukprn(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sen2_is_valid_ukprn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.is_valid_postcode(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'sen2_is_valid_postcode' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION sen2.upn_problem(text) RETURNS text
    AS 'MODULE_PATHNAME', 'sen2_upn_problem_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.uln_problem(text) RETURNS text
    AS 'MODULE_PATHNAME', 'sen2_uln_problem_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.urn_problem(text) RETURNS text
    AS 'MODULE_PATHNAME', 'sen2_urn_problem_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.ukprn_problem(text) RETURNS text
    AS 'MODULE_PATHNAME', 'sen2_ukprn_problem_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.postcode_problem(text) RETURNS text
    AS 'MODULE_PATHNAME', 'sen2_postcode_problem_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sen2.la_format_problem(text) RETURNS text
    AS 'MODULE_PATHNAME', 'sen2_la_format_problem_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- An LA number for LEA, TransferLA or Exported: three digits (the C check)
-- and an English LA in sen2.la in use in the collection year.  STABLE: it
-- reads the reference data, which an authority may correct.
CREATE FUNCTION sen2.la_problem(code text, collection_year int) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT COALESCE(sen2.la_format_problem($1),
       CASE WHEN l.la_code IS NULL THEN 'is not a known LA number'
            WHEN l.kind = 'wales' THEN 'is the number of a Welsh authority, not an English one'
            WHEN l.kind = 'pseudo' THEN 'is a pseudo-LA number (valid only inside a UPN), not an English LA'
            WHEN l.kind <> 'england' THEN pg_catalog.format('is not an English LA number (kind %s)', l.kind)
            WHEN l.first_year > $2
                 THEN pg_catalog.format('is not yet in use in collection year %s (first year %s)', $2, l.first_year)
            WHEN l.last_year < $2
                 THEN pg_catalog.format('is no longer in use in collection year %s (last year %s)', $2, l.last_year)
       END)
  FROM (VALUES (1)) AS one(x)
  LEFT JOIN sen2.la AS l ON l.la_code = $1
$$;

CREATE FUNCTION sen2.is_valid_la(code text, collection_year int) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT sen2.la_format_problem($1) IS NULL
   AND EXISTS (SELECT 1 FROM sen2.la AS l
                WHERE l.la_code = $1 AND l.kind = 'england'
                  AND (l.first_year IS NULL OR l.first_year <= $2)
                  AND (l.last_year IS NULL OR l.last_year >= $2))
$$;

COMMENT ON FUNCTION sen2.is_valid_upn(text) IS
  'True when the text is a valid UPN (format and check letter), exactly as sen2.upn input accepts it; NULL for NULL.';
COMMENT ON FUNCTION sen2.is_valid_uln(text) IS
  'True when the text is a valid ULN (10 digits, modulus-11 check digit), exactly as sen2.uln input accepts it; NULL for NULL.';
COMMENT ON FUNCTION sen2.is_valid_urn(text) IS
  'True when the text is six digits (the form of a GIAS URN; whether the URN exists is not checked).';
COMMENT ON FUNCTION sen2.is_valid_ukprn(text) IS
  'True when the text is eight digits (the form of a UKPRN; whether it exists is not checked).';
COMMENT ON FUNCTION sen2.is_valid_postcode(text) IS
  'True when the text has the form of a UK postcode, upper case, with or without the single space (e.g. SW1A 1AA, M60 1NW).';
COMMENT ON FUNCTION sen2.upn_problem(text) IS
  'NULL when the text is a valid UPN, else what is wrong ("has the wrong check letter: for these digits it should be B").';
COMMENT ON FUNCTION sen2.uln_problem(text) IS
  'NULL when the text is a valid ULN, else what is wrong ("has the wrong check digit: for these digits it should be 7").';
COMMENT ON FUNCTION sen2.urn_problem(text) IS 'NULL when the text has the form of a URN, else what is wrong.';
COMMENT ON FUNCTION sen2.ukprn_problem(text) IS 'NULL when the text has the form of a UKPRN, else what is wrong.';
COMMENT ON FUNCTION sen2.postcode_problem(text) IS 'NULL when the text has the form of a UK postcode, else what is wrong.';
COMMENT ON FUNCTION sen2.la_format_problem(text) IS
  'NULL when the text is three digits (the form of an LA number, known or not), else what is wrong.';
COMMENT ON FUNCTION sen2.la_problem(text, int) IS
  'NULL when the text is an English LA number in use in the collection year (sen2.la), else what is wrong.';
COMMENT ON FUNCTION sen2.is_valid_la(text, int) IS
  'True when the text is an English LA number in use in the collection year (sen2.la, kind england, first_year..last_year).';
