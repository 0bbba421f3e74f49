-- The rule catalogue, the authority's overrides and the establishment list
-- (docs/rules.md).
--
-- sen2.rule holds one row per check.  Built-in rows (origin = 'builtin') come
-- with the extension and are implemented in C; an authority's own rules
-- (origin = 'local') are SQL queries registered with sen2.register_rule.
-- Built-in rows are never edited in place: an authority disables a rule,
-- changes its severity or rewords its message in sen2.rule_override, so the
-- change survives pg_dump/restore and extension upgrades.  Only local rows
-- of sen2.rule, and all of sen2.rule_override, are dumped.

CREATE TABLE sen2.rule (
    id            text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$'),
    severity      text NOT NULL CHECK (severity IN ('error', 'query')),
    module        text CHECK (module IN ('return', 'person', 'request', 'assessment', 'named_plan',
                                         'plan_detail', 'active_plans', 'placement_detail', 'sen_need')),
    items         text[] NOT NULL DEFAULT '{}',
    message       text NOT NULL CHECK (message <> ''),
    first_year    int,
    last_year     int,
    enabled       boolean NOT NULL DEFAULT true,
    origin        text NOT NULL DEFAULT 'local' CHECK (origin IN ('builtin', 'local')),
    description   text,
    layout_check  text CHECK (layout_check ~ '^L0[1-8]$'),
    query         text,
    created_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by    name NOT NULL DEFAULT CURRENT_USER,
    CHECK (first_year IS NULL OR last_year IS NULL OR first_year <= last_year),
    CHECK ((origin = 'local') = (query IS NOT NULL)),
    CHECK (origin = 'builtin' OR layout_check IS NULL)
);
COMMENT ON TABLE sen2.rule IS
  'The validation rule catalogue: built-in checks (implemented in C) and the authority''s own SQL rules (origin = local, sen2.register_rule). Change built-in rules through sen2.rule_override, not here.';
COMMENT ON COLUMN sen2.rule.id IS 'Rule id: provisional ids of the SEN2 specification (H01, P04, AP12 ...), L01-L08 for the layout checks, the authority''s own ids for local rules.';
COMMENT ON COLUMN sen2.rule.severity IS 'error (blocks authorisation of the return in COLLECT) or query (may stand with an explanation).';
COMMENT ON COLUMN sen2.rule.module IS 'Module (staging table) where the rule reports; NULL for the layout checks, which apply to every module.';
COMMENT ON COLUMN sen2.rule.items IS 'XML tags of the items (or groups) the rule looks at.';
COMMENT ON COLUMN sen2.rule.first_year IS 'First collection year the rule applies to (NULL = from the start).';
COMMENT ON COLUMN sen2.rule.last_year IS 'Last collection year the rule applies to (NULL = no end).';
COMMENT ON COLUMN sen2.rule.layout_check IS 'For built-in rules that are a layout check (L01-L08) of particular items: the check this rule reports for its items instead of the generic id.';
COMMENT ON COLUMN sen2.rule.query IS 'Local rules: the SQL query returning the offending rows ($1 = return id).';

CREATE TABLE sen2.rule_override (
    rule_id     text PRIMARY KEY REFERENCES sen2.rule (id) ON DELETE CASCADE ON UPDATE CASCADE,
    enabled     boolean,
    severity    text CHECK (severity IN ('error', 'query')),
    message     text CHECK (message <> ''),
    note        text,
    updated_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_by  name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE sen2.rule_override IS
  'The authority''s changes to rules: NULL keeps the catalogue value. Survives dump/restore and extension upgrades. sen2.import_rule_messages writes the DfE''s official wording here.';

-- The rules as they run: catalogue rows with the overrides applied.
CREATE VIEW sen2.rule_effective AS
SELECT r.id,
       coalesce(o.severity, r.severity) AS severity,
       r.module,
       r.items,
       coalesce(o.message, r.message) AS message,
       r.first_year,
       r.last_year,
       coalesce(o.enabled, r.enabled) AS enabled,
       r.origin,
       r.description,
       r.layout_check,
       r.query,
       (o.rule_id IS NOT NULL) AS overridden
  FROM sen2.rule r
  LEFT JOIN sen2.rule_override o ON o.rule_id = r.id;
COMMENT ON VIEW sen2.rule_effective IS
  'The rule set in force: the catalogue with the authority''s overrides applied.';

-- Rule N07 checks SEN unit / resourced provision flags against
-- sen2.establishment, the register of src/sql/071_establishments.sql
-- (empty until the authority runs sen2.load_establishments).

-- Built-in rows are the extension's: they are created by the install
-- script and replaced by update scripts, which disable this trigger around
-- their changes (ALTER TABLE sen2.rule DISABLE TRIGGER rule_builtin_guard).
CREATE FUNCTION sen2.rule_builtin_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (TG_OP IN ('UPDATE', 'DELETE') AND OLD.origin = 'builtin')
       OR (TG_OP IN ('INSERT', 'UPDATE') AND NEW.origin = 'builtin') THEN
        RAISE EXCEPTION 'built-in rule % cannot be changed in sen2.rule',
                        CASE WHEN TG_OP = 'INSERT' THEN NEW.id ELSE OLD.id END
              USING ERRCODE = 'insufficient_privilege',
                    DETAIL = 'Built-in rules belong to the extension; changes here would be lost on upgrade and on dump/restore.',
                    HINT = 'Use sen2.rule_override (enabled, severity, message) to change how a built-in rule runs.';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
