-- sen2.return_xml of the shared return from several clients at once: the
-- same document (by md5) as the serial run.
SELECT bench.verify('xml_base', md5(sen2.return_xml(:base)::text));
