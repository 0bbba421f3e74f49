-- A synthetic establishment register in the GIAS edubasealldata layout
-- (URNs 100000-149999, the same 130-odd columns wide as the real export),
-- loaded through sen2.load_establishments so the loader is timed too.
SET client_min_messages = warning;
CREATE TEMPORARY TABLE bench_gias_csv AS
WITH types(b, type_name, grp) AS (VALUES
    (0, 'Community school', 'Local authority maintained schools'),
    (15, 'Voluntary aided school', 'Local authority maintained schools'),
    (18, 'Voluntary controlled school', 'Local authority maintained schools'),
    (20, 'Foundation school', 'Local authority maintained schools'),
    (21, 'Academy converter', 'Academies'),
    (39, 'Academy sponsor led', 'Academies'),
    (43, 'Free schools', 'Free Schools'),
    (45, 'Other independent school', 'Independent schools'),
    (46, 'Community special school', 'Special schools'),
    (61, 'Academy special converter', 'Academies'),
    (73, 'Other independent special school', 'Special schools'),
    (78, 'Non-maintained special school', 'Special schools'),
    (79, 'Pupil referral unit', 'Local authority maintained schools'),
    (80, 'Academy alternative provision converter', 'Academies'),
    (81, 'Further education', 'Colleges'),
    (93, 'Special post 16 institution', 'Other types'),
    (95, 'Sixth form centres', 'Colleges'),
    (96, 'Welsh establishment', 'Welsh schools'),
    (97, 'Online provider', 'Online provider'),
    (98, 'Secure units', 'Other types'),
    (99, 'Miscellaneous', 'Other types'))
SELECT string_agg(line, E'\r\n' ORDER BY n) || E'\r\n' AS csv
  FROM (SELECT 0 AS n,
               'URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (code),'
               || 'TypeOfEstablishment (name),EstablishmentTypeGroup (code),EstablishmentTypeGroup (name),'
               || 'EstablishmentStatus (code),EstablishmentStatus (name),PhaseOfEducation (name),UKPRN,'
               || 'TypeOfResourcedProvision (name),ResourcedProvisionOnRoll,ResourcedProvisionCapacity,'
               || 'SenUnitOnRoll,SenUnitCapacity,' || string_agg('Extra' || c, ',' ORDER BY c) AS line
          FROM generate_series(1, 115) c
        UNION ALL
        SELECT u, u::text || ',' || (800 + u % 150) || ',"Authority ' || (u % 150) || '",' || (2000 + u % 7000)
               || ',"School ' || u || ', ""The ' || (u % 97) || '"""' || ',1,"' || t.type_name || '",4,"' || t.grp
               || '",1,"Open",' || CASE WHEN t.b < 21 THEN 'Primary' ELSE 'Secondary' END
               || ',' || (10000000 + u)::text
               || ',' || CASE WHEN u % 20 = 0 THEN '"Resourced provision"' WHEN u % 20 = 1 THEN '"SEN unit"' ELSE '"Not applicable"' END
               || ',' || CASE WHEN u % 20 = 0 THEN '12' ELSE '' END || ',' || CASE WHEN u % 20 = 0 THEN '15' ELSE '' END
               || ',' || CASE WHEN u % 20 = 1 THEN '8' ELSE '' END || ',' || CASE WHEN u % 20 = 1 THEN '10' ELSE '' END
               || repeat(',"x, y"', 115)
          FROM generate_series(100000, 149999) u
          CROSS JOIN LATERAL (SELECT * FROM types WHERE types.b <= u % 100 ORDER BY types.b DESC LIMIT 1) t) l;
