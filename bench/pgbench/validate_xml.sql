-- sen2.validate_xml of the shared return's document (written once,
-- serially) from several clients at once: the same number of findings as
-- the serial run; nothing is stored.
SELECT bench.verify('validate_xml_base', (SELECT count(*) FROM bench.doc d, sen2.validate_xml(d.doc))::text);
