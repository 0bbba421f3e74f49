-- Roles, grants and row-level security.  This fragment runs last and works
-- over whatever the earlier fragments created, so a new table or view is
-- covered without being listed here.
--
-- Installing needs a superuser; using sen2 does not.  Three group roles
-- (cluster-wide: they outlive DROP EXTENSION and are shared by every
-- database of the cluster):
--   sen2_reader  read the returns, findings and statistics (BI accounts)
--   sen2_writer  sen2_reader + load, edit, validate and write returns
--   sen2_admin   sen2_writer + reference data, rule catalogue and overrides,
--                and who sees which LA (sen2.la_access)
-- A login role becomes a user by GRANT sen2_reader TO alice, and sees only
-- the returns of the LAs mapped to one of its roles in sen2.la_access.

-- Several databases may run their first CREATE EXTENSION sen2 at once: a
-- role another session has just created is not an error.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['sen2_reader', 'sen2_writer', 'sen2_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;
GRANT sen2_reader TO sen2_writer;
GRANT sen2_writer TO sen2_admin;

CREATE TABLE sen2.la_access (
    role_name  name NOT NULL,
    la_code    text NOT NULL CHECK (la_code ~ '^([0-9]{3}|\*)$'),
    note       text,
    PRIMARY KEY (role_name, la_code)
);
COMMENT ON TABLE sen2.la_access IS
  'Which roles see which LAs'' returns (row-level security). la_code ''*'' = every LA (a regional or national role). A user sees an LA when it is a member of a role mapped to it.';
SELECT pg_catalog.pg_extension_config_dump('sen2.la_access', '');

-- Whether the current user may see an LA's returns.  STABLE and cheap: it
-- is evaluated once per return row, and child tables reach it through a
-- hashed sub-select on sen2.return.
CREATE FUNCTION sen2.visible_la(la_code text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM sen2.la_access a
                    WHERE a.la_code IN ($1, '*')
                      AND pg_catalog.pg_has_role(a.role_name, 'MEMBER'))
$$;

GRANT USAGE ON SCHEMA sen2 TO sen2_reader;

ALTER TABLE sen2.return ENABLE ROW LEVEL SECURITY;
CREATE POLICY return_by_la ON sen2.return
    USING (sen2.visible_la(la_code))
    WITH CHECK (sen2.visible_la(la_code));

DO $$
DECLARE
    t record;
BEGIN
    -- Every table that belongs to a return follows its return's visibility.
    FOR t IN
        SELECT c.oid::regclass AS tab
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'sen2' AND c.relkind = 'r' AND c.relname <> 'return'
           AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = c.oid AND a.attname = 'return_id' AND NOT a.attisdropped)
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t.tab);
        EXECUTE format('CREATE POLICY by_return ON %s USING (return_id IN (SELECT r.return_id FROM sen2.return r)) '
                       'WITH CHECK (return_id IN (SELECT r.return_id FROM sen2.return r))', t.tab);
    END LOOP;

    -- Views run with the caller's rights, so row-level security applies to
    -- BI tools reading them.
    FOR t IN
        SELECT c.oid::regclass AS tab
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'sen2' AND c.relkind = 'v'
    LOOP
        EXECUTE format('ALTER VIEW %s SET (security_invoker = true)', t.tab);
    END LOOP;

    -- Everyone who uses sen2 reads everything (row-level security decides
    -- which rows); writers change returns; admins change the rest.
    FOR t IN
        SELECT c.oid::regclass AS tab, c.relname, c.relkind,
               c.relname ~ '^(ref_|rule|la_access|establishment|stat_parameter|synthetic_defect_kind)' AS admin_only
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'sen2' AND c.relkind IN ('r', 'v', 'm', 'p')
    LOOP
        EXECUTE format('GRANT SELECT ON %s TO sen2_reader', t.tab);
        IF t.relkind = 'r' THEN
            EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO %s', t.tab,
                           CASE WHEN t.admin_only THEN 'sen2_admin' ELSE 'sen2_writer' END);
        END IF;
    END LOOP;
END
$$;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA sen2 TO sen2_writer;
