/*
 * csv.h
 *		The CSV reader behind sen2.csv_records, free of PostgreSQL so that
 *		test/fuzz/csv_fuzz.c can link it alone.
 *
 * Dialect (RFC 4180 plus what real exports do): comma separator; fields may
 * be enclosed in double quotes, inside which "" is a quote and commas and
 * line breaks are data; records end at LF, CRLF or a lone CR; a UTF-8 byte
 * order mark at the start is dropped; completely empty lines are skipped.
 * A quote inside an unquoted field is kept as data (spreadsheets write such
 * files).  An unterminated quoted field, or text after a closing quote, is
 * an error naming the line, because guessing would shift every later column.
 * Only ASCII bytes are delimiters, so any ASCII-safe encoding passes through.
 *
 * The reader never allocates: it hands each field to the caller in pieces
 * (a quoted field with doubled quotes arrives as several pieces).
 */
#ifndef SEN2_CSV_H
#define SEN2_CSV_H

#include <stddef.h>

typedef struct Sen2CsvCallbacks
{
	void	   *arg;
	/* a piece of the current field's value */
	void		(*piece) (void *arg, const char *data, size_t len);
	/* the current field is complete */
	void		(*field_end) (void *arg);
	/* the record that started on record_line is complete; non-zero stops */
	int			(*record_end) (void *arg, long long record_line);
} Sen2CsvCallbacks;

typedef enum Sen2CsvStatus
{
	SEN2_CSV_OK = 0,			/* read to the end */
	SEN2_CSV_STOPPED,			/* record_end asked to stop */
	SEN2_CSV_UNTERMINATED,		/* a quoted field is never closed */
	SEN2_CSV_AFTER_QUOTE		/* text after a closing quote */
} Sen2CsvStatus;

typedef struct Sen2CsvError
{
	long long	line;			/* where the fault was found */
	long long	start_line;		/* where its field (UNTERMINATED) or record started */
	int			field_no;		/* 1-based field of the record */
} Sen2CsvError;

extern Sen2CsvStatus sen2_csv_parse(const char *p, size_t len,
									const Sen2CsvCallbacks *cb, Sen2CsvError *err);

#endif							/* SEN2_CSV_H */
