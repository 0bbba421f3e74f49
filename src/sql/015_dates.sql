-- Reading the raw text of date items.
CREATE FUNCTION sen2.iso_date(text) RETURNS date
    AS 'MODULE_PATHNAME', 'sen2_iso_date'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sen2.iso_date(text) IS
  'The raw text of a date item as a date, or NULL unless it is a strict ISO date (YYYY-MM-DD, a real calendar date, 1900-2999).';
