/*
 * establishment_csv.c
 *		sen2.csv_records(text): the records of a CSV document as text arrays.
 *
 * The DfE's establishment register ("Get Information about Schools") is
 * published as one CSV file of some 50,000 rows and 130-odd columns, with
 * quoted fields that may hold commas, doubled quotes and line breaks.  A
 * character loop in PL/pgSQL takes minutes over 60 MB; this parser is a
 * single pass in C that hands each record to SQL as text[], so the loader
 * (sen2.load_establishments, in SQL) can pick its columns by header name.
 *
 * Dialect (RFC 4180 plus what real exports do): comma separator; fields may
 * be enclosed in double quotes, inside which "" is a quote and commas and
 * line breaks are data; records end at LF, CRLF or a lone CR; a UTF-8 byte
 * order mark at the start is dropped; completely empty lines are skipped.
 * A quote inside an unquoted field is kept as data (spreadsheets write
 * such files).  An unterminated quoted field, or text after a closing quote,
 * is an error naming the line, because guessing would shift every later
 * column.  Only ASCII bytes are delimiters, so this is safe for every server
 * encoding (PostgreSQL's server encodings are all ASCII-safe).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(sen2_csv_records);

/* Emit one record: (record_no, line_no, fields) */
static void
emit_record(ReturnSetInfo *rsinfo, int64 record_no, int64 line_no,
			Datum *fields, int nfields)
{
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	values[0] = Int64GetDatum(record_no);
	values[1] = Int64GetDatum(line_no);
	values[2] = PointerGetDatum(construct_array(fields, nfields, TEXTOID,
												-1, false, TYPALIGN_INT));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

Datum
sen2_csv_records(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *doc;
	const char *p;
	const char *end;
	MemoryContext rowcxt;
	MemoryContext oldcxt;
	StringInfoData field;
	Datum	   *fields;
	int			nfields;
	int			maxfields;
	int64		line = 1;
	int64		record_no = 0;
	int64		max_records = -1;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	if (!PG_ARGISNULL(1))
	{
		max_records = PG_GETARG_INT64(1);
		if (max_records < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_records must not be negative"),
					 errhint("Pass NULL to read every record.")));
	}

	doc = PG_GETARG_TEXT_PP(0);
	p = VARDATA_ANY(doc);
	end = p + VARSIZE_ANY_EXHDR(doc);

	/* a byte order mark is not part of the first header name */
	if (end - p >= 3 && (unsigned char) p[0] == 0xEF &&
		(unsigned char) p[1] == 0xBB && (unsigned char) p[2] == 0xBF)
		p += 3;

	/* everything built for one record is freed before the next */
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "sen2 csv record",
								   ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(rowcxt);

	/* max_records (e.g. 1 for a header) stops before the rest is parsed */
	while (p < end && record_no != max_records)
	{
		int64		record_line = line;

		CHECK_FOR_INTERRUPTS();

		/* a completely empty line is not a record */
		if (*p == '\n' || *p == '\r')
		{
			if (*p == '\r' && p + 1 < end && p[1] == '\n')
				p++;
			p++;
			line++;
			continue;
		}

		MemoryContextReset(rowcxt);
		maxfields = 64;
		fields = palloc(maxfields * sizeof(Datum));
		nfields = 0;
		initStringInfo(&field);

		for (;;)
		{
			bool		at_record_end = false;

			resetStringInfo(&field);
			if (p < end && *p == '"')
			{
				int64		quote_line = line;

				p++;
				for (;;)
				{
					const char *q;

					if (p >= end)
						ereport(ERROR,
								(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
								 errmsg("unterminated quoted field in CSV"),
								 errdetail("The quoted field that starts on line "
										   INT64_FORMAT " is never closed.",
										   quote_line),
								 errhint("Pass the whole file, and double any quote "
										 "character inside a quoted field.")));
					/* copy the run up to the next quote in one go */
					q = memchr(p, '"', end - p);
					if (q == NULL)
						q = end;
					for (const char *c = p; c < q; c++)
					{
						if (*c == '\n' || (*c == '\r' && !(c + 1 < q && c[1] == '\n')))
							line++;
					}
					appendBinaryStringInfo(&field, p, q - p);
					p = q;
					if (p >= end)
						continue;	/* reports the error above */
					p++;		/* the quote */
					if (p < end && *p == '"')
					{
						appendStringInfoChar(&field, '"');
						p++;
						continue;
					}
					break;
				}
				if (p < end && *p != ',' && *p != '\n' && *p != '\r')
					ereport(ERROR,
							(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
							 errmsg("unexpected character after a closing quote in CSV on line "
									INT64_FORMAT, line),
							 errdetail("Field %d of the record that starts on line "
									   INT64_FORMAT " has text after its closing quote.",
									   nfields + 1, record_line),
							 errhint("A quote inside a quoted field must be doubled (\"\").")));
			}
			else
			{
				const char *start = p;

				while (p < end && *p != ',' && *p != '\n' && *p != '\r')
					p++;
				appendBinaryStringInfo(&field, start, p - start);
			}

			if (nfields == maxfields)
			{
				maxfields *= 2;
				fields = repalloc(fields, maxfields * sizeof(Datum));
			}
			fields[nfields++] = PointerGetDatum(cstring_to_text_with_len(field.data,
																		   field.len));

			if (p >= end)
				at_record_end = true;
			else if (*p == ',')
				p++;
			else
			{
				if (*p == '\r' && p + 1 < end && p[1] == '\n')
					p++;
				p++;
				line++;
				at_record_end = true;
			}
			if (at_record_end)
				break;
		}

		/* the tuplestore copies the row into its own context */
		record_no++;
		emit_record(rsinfo, record_no, record_line, fields, nfields);
	}

	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(rowcxt);
	return (Datum) 0;
}
