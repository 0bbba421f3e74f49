-- Copying a return, and the pseudonymised copy for benchmarking groups.

CREATE FUNCTION sen2.keyed_hash(value text, key text) RETURNS text
    AS 'MODULE_PATHNAME', 'sen2_keyed_hash'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sen2.keyed_hash(text, text) IS
  'HMAC-SHA-256 of value under a secret key (at least 16 bytes), as hex: the pseudonym of an identifier.';

-- A full copy of a return (a new draft, or the base of a pseudonymised
-- copy).  Set-based: one INSERT per table, new keys drawn in advance so each
-- child can find its parent's new key.
CREATE FUNCTION sen2.copy_return(return_id bigint, label text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    src     bigint := copy_return.return_id;
    dst     bigint;
    t       record;
    cols    text;
BEGIN
    IF src IS NULL THEN
        RAISE EXCEPTION 'copy_return needs a return id' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid = 'sen2.return'::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attname NOT IN ('return_id', 'label', 'created_at', 'created_by');
    EXECUTE format('INSERT INTO sen2.return (%s, label) SELECT %s, $2 FROM sen2.return r WHERE r.return_id = $1 '
                   'RETURNING return_id', cols, cols)
       INTO dst USING src, coalesce(label, format('copy of return %s', src));
    IF dst IS NULL THEN
        RAISE EXCEPTION 'return % does not exist', src
              USING ERRCODE = 'no_data_found',
                    HINT = 'SELECT return_id, la_code, collection_year, label FROM sen2.return lists the returns you can see.';
    END IF;

    CREATE TEMP TABLE IF NOT EXISTS sen2_copy_map (
        table_name text, old_id bigint, new_id bigint, PRIMARY KEY (table_name, old_id)
    ) ON COMMIT DROP;
    DELETE FROM pg_temp.sen2_copy_map;

    FOR t IN SELECT * FROM sen2.module_tree() LOOP
        EXECUTE format('INSERT INTO pg_temp.sen2_copy_map '
                       'SELECT %L, %I, nextval(pg_catalog.pg_get_serial_sequence(%L, %L)) '
                       'FROM sen2.%I WHERE return_id = $1',
                       t.table_name, t.key_column, 'sen2.' || t.table_name, t.key_column, t.table_name)
          USING src;
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = ('sen2.' || t.table_name)::regclass AND a.attnum > 0 AND NOT a.attisdropped
           AND a.attname NOT IN (t.key_column, 'return_id', coalesce(t.parent_column, ''));
        EXECUTE format('INSERT INTO sen2.%I (%I, return_id%s, %s) OVERRIDING SYSTEM VALUE '
                       'SELECT m.new_id, $2%s, %s FROM sen2.%I x '
                       'JOIN pg_temp.sen2_copy_map m ON m.table_name = %L AND m.old_id = x.%I %s '
                       'WHERE x.return_id = $1',
                       t.table_name, t.key_column,
                       CASE WHEN t.parent_column IS NULL THEN '' ELSE ', ' || quote_ident(t.parent_column) END,
                       cols,
                       CASE WHEN t.parent_column IS NULL THEN '' ELSE ', pm.new_id' END,
                       (SELECT string_agg('x.' || c, ', ') FROM unnest(string_to_array(cols, ', ')) c),
                       t.table_name, t.table_name, t.key_column,
                       CASE WHEN t.parent_column IS NULL THEN ''
                            ELSE format('JOIN pg_temp.sen2_copy_map pm ON pm.table_name = %L AND pm.old_id = x.%I',
                                        t.parent_table, t.parent_column) END)
          USING src, dst;
    END LOOP;
    RETURN dst;
END
$$;
COMMENT ON FUNCTION sen2.copy_return(bigint, text) IS
  'Copies a return and everything under it; returns the new return id. Source ids and seq are kept.';

-- A copy safe to share with a regional benchmarking group: names removed,
-- identifiers (UPN, ULN, the LA's own ids) replaced by keyed hashes, birth
-- dates cut to the first of the month, postcodes cut to the sector.
CREATE FUNCTION sen2.pseudonymise(return_id bigint, key text)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dst bigint;
    t   record;
BEGIN
    IF key IS NULL THEN
        RAISE EXCEPTION 'pseudonymise needs a key' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM sen2.keyed_hash('', key);      -- rejects a weak key before any copying
    dst := sen2.copy_return(pseudonymise.return_id, format('pseudonymised copy of return %s', pseudonymise.return_id));
    UPDATE sen2.return r SET origin = 'pseudonymised' WHERE r.return_id = dst;
    UPDATE sen2.person p
       SET surname = NULL,
           forename = NULL,
           upn = sen2.keyed_hash('upn:' || p.upn, key),
           uln = sen2.keyed_hash('uln:' || p.uln, key),
           person_birth_date = CASE WHEN sen2.iso_date(p.person_birth_date) IS NOT NULL
                                    THEN left(p.person_birth_date, 8) || '01' END,
           post_code = sen2.postcode_sector(p.post_code)
     WHERE p.return_id = dst;
    FOR t IN SELECT * FROM sen2.module_tree() LOOP
        EXECUTE format('UPDATE sen2.%I SET source_id = sen2.keyed_hash(%L || source_id, $2) '
                       'WHERE return_id = $1 AND source_id IS NOT NULL', t.table_name, t.table_name || ':')
          USING dst, key;
    END LOOP;
    RETURN dst;
END
$$;
COMMENT ON FUNCTION sen2.pseudonymise(bigint, text) IS
  'Copies a return for sharing: names removed, UPN/ULN/source ids replaced by HMAC-SHA-256 pseudonyms under key, birth dates cut to the month (day 01), postcodes cut to the sector. Returns the new return id.';

-- The postcode sector ("CT1 1AA" -> "CT1 1"); NULL for anything that is
-- not a postcode, so a malformed value never leaks whole.
CREATE FUNCTION sen2.postcode_sector(postcode text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN m IS NULL THEN NULL ELSE m[1] || ' ' || m[2] END
      FROM (SELECT regexp_match(upper($1), '^\s*([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9])[A-Z]{2}\s*$') AS m) s
$$;
COMMENT ON FUNCTION sen2.postcode_sector(text) IS 'The sector of a UK postcode (outward code and the first inward digit), or NULL.';
