/*
 * xml_load.h
 *		Loading a SEN2 XML document into the staging tables (xml_load.c),
 *		shared with the file validator.
 */
#ifndef SEN2_XML_LOAD_H
#define SEN2_XML_LOAD_H

#include "postgres.h"

/* sen2.max_item_bytes: the longest text run the reader accepts. */
extern int	sen2_max_item_bytes;

extern void sen2_xml_guc_init(void);

/*
 * Where a document comes from: bytes in memory (buf, len), or a stream
 * read twice (read, rewound by rewind before the second pass).  is_text
 * says the bytes are SQL text already converted to UTF-8, whose XML
 * encoding declaration is then ignored, rather than a file's raw bytes.
 */
typedef struct Sen2XmlSource
{
	const char *buf;
	size_t		len;
	long		(*read) (void *arg, char *buf, size_t size);
	void		(*rewind) (void *arg);
	void	   *arg;
	bool		is_text;
} Sen2XmlSource;

/*
 * Loads a document as a new return and returns its return_id.  la_code,
 * collection_year (0 = none) and label are the caller's optional
 * arguments.  Must be called inside SPI_connect().  Errors are thrown;
 * nothing is left behind by an error once the caller's (sub)transaction
 * rolls back.
 */
extern int64 sen2_load_document(const Sen2XmlSource *src,
								const char *la_code, int collection_year,
								const char *label);

/*
 * Whether a rule id is one sen2.validate_xml reports from the load issues
 * (xml_validate.c): the rule engine leaves such rows of the catalogue to it
 * when it has no code of its own for them.
 */
extern bool sen2_reader_rule(const char *id);

#endif							/* SEN2_XML_LOAD_H */
