SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS sen2;
RESET client_min_messages;
-- sen2.xml_load_batch(): how sen2.load_xml hands its buffered rows to the
-- INSERT of each table.  It gives rows only while that INSERT runs, only for
-- that table, and only with the columns and types the loader writes.

-- outside a load there is nothing to give
SELECT * FROM sen2.xml_load_batch('person') AS u(a bigint);
SELECT * FROM sen2.xml_load_batch(NULL) AS u(a bigint);

-- during a load: a statement trigger on sen2.sen_need (it fires inside the
-- INSERT that writes the batch) asks for the batch in several ways
CREATE TEMP TABLE xml_load_batch_seen (what text, result text);
CREATE FUNCTION pg_temp.peek() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    SELECT count(*) INTO n FROM sen2.xml_load_batch('sen_need')
        AS u(id bigint, rid bigint, parent bigint, seq int, line int, t1 text, t2 text);
    INSERT INTO xml_load_batch_seen VALUES ('right columns', n || ' rows');
    BEGIN
        PERFORM * FROM sen2.xml_load_batch('person') AS u(id bigint);
    EXCEPTION WHEN OTHERS THEN
        INSERT INTO xml_load_batch_seen VALUES ('another table', SQLSTATE || ' ' || SQLERRM);
    END;
    BEGIN
        PERFORM * FROM sen2.xml_load_batch('sen_need') AS u(id bigint, rid bigint);
    EXCEPTION WHEN OTHERS THEN
        INSERT INTO xml_load_batch_seen VALUES ('too few columns', SQLSTATE || ' ' || SQLERRM);
    END;
    BEGIN
        PERFORM * FROM sen2.xml_load_batch('sen_need')
            AS u(id bigint, rid bigint, parent bigint, seq int, line int, t1 text, t2 int);
    EXCEPTION WHEN OTHERS THEN
        INSERT INTO xml_load_batch_seen VALUES ('wrong type', SQLSTATE || ' ' || SQLERRM);
    END;
    BEGIN
        PERFORM sen2.xml_load_batch('sen_need');
    EXCEPTION WHEN OTHERS THEN
        INSERT INTO xml_load_batch_seen VALUES ('no column list', SQLSTATE || ' ' || SQLERRM);
    END;
    RETURN NULL;
END
$$;
CREATE TRIGGER xml_load_batch_peek BEFORE INSERT ON sen2.sen_need
    FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.peek();

\set mock `cat test/fixtures/sen2-2024-mockup.socialfinance.xml`
SELECT sen2.load_xml(:'mock', label => 'xml_load_batch') AS id \gset
DROP TRIGGER xml_load_batch_peek ON sen2.sen_need;

SELECT what, result FROM xml_load_batch_seen ORDER BY what;
-- the batch the trigger saw is what was stored
SELECT count(*) AS sen_needs FROM sen2.sen_need WHERE return_id = :id;

-- and after the load, nothing again
SELECT * FROM sen2.xml_load_batch('sen_need') AS u(a bigint);

DELETE FROM sen2.return WHERE label = 'xml_load_batch';
