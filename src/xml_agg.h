/*
 * xml_agg.h
 *		What xml_return.c needs from the writer in xml_agg.c.
 */
#ifndef SEN2_XML_AGG_H
#define SEN2_XML_AGG_H

#include "access/tupdesc.h"
#include "fmgr.h"

#define SEN2_XML_DECLARATION "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"

/*
 * The opening line (<Message><Header>...</Header><Persons>) and the closing
 * line (</Persons></Message>) of the document for a header record, as text.
 * flinfo's fn_extra caches the layout.
 */
extern void sen2_xml_frame_lines(FmgrInfo *flinfo, Datum header,
								 text **open_line, text **close_line);

/*
 * A whole document written from persons given in document order
 * (sen2.return_xml): begin with the header record, add each person, and
 * finish, which returns the xml value (VARHDRSZ included, built in place,
 * in the memory context current at begin).  No per-person state is kept.
 * A person is given as a row: the columns of a person record, desc blessed
 * (BlessTupleDesc) so its column-to-element mapping is worked out once.
 */
typedef struct Sen2XmlDoc Sen2XmlDoc;

extern Sen2XmlDoc *sen2_xml_doc_begin(FmgrInfo *flinfo, Datum header);
extern void sen2_xml_doc_person(Sen2XmlDoc *doc, TupleDesc desc,
								const Datum *values, const bool *nulls);
extern Datum sen2_xml_doc_finish(Sen2XmlDoc *doc);

/*
 * One <Person> line for a person row (as above) in the layout of a
 * collection year, as text in CurrentMemoryContext; NULL if the person would
 * be empty.
 */
extern text *sen2_xml_line_row(FmgrInfo *flinfo, TupleDesc desc, const Datum *values,
							   const bool *nulls, int year);

#endif							/* SEN2_XML_AGG_H */
