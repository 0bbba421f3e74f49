/*
 * xml_agg.h
 *		What xml_return.c needs from the writer in xml_agg.c.
 */
#ifndef SEN2_XML_AGG_H
#define SEN2_XML_AGG_H

#include "fmgr.h"

#define SEN2_XML_DECLARATION "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"

/*
 * The opening line (<Message><Header>...</Header><Persons>) and the closing
 * line (</Persons></Message>) of the document for a header record, as text.
 * flinfo's fn_extra caches the layout.
 */
extern void sen2_xml_frame_lines(FmgrInfo *flinfo, Datum header,
								 text **open_line, text **close_line);

#endif							/* SEN2_XML_AGG_H */
