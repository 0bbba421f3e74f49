/*
 * establishment_csv.c
 *		sen2.csv_records(text): the records of a CSV document as text arrays.
 *
 * The DfE's establishment register ("Get Information about Schools") is
 * published as one CSV file of some 50,000 rows and 130-odd columns, with
 * quoted fields that may hold commas, doubled quotes and line breaks.  A
 * character loop in PL/pgSQL takes minutes over 60 MB; the reader in csv.c
 * is a single pass in C, and this file hands each record to SQL as text[],
 * so the loader (sen2.load_establishments, in SQL) can pick its columns by
 * header name.  The dialect is described in csv.h.
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

#include "csv.h"

PG_FUNCTION_INFO_V1(sen2_csv_records);

/* What the callbacks build: the fields of the current record. */
typedef struct CsvState
{
	ReturnSetInfo *rsinfo;
	MemoryContext rowcxt;		/* everything built for one record */
	StringInfoData field;
	Datum	   *fields;
	int			nfields;
	int			maxfields;
	int64		record_no;
	int64		max_records;	/* -1 = all */
} CsvState;

static void
csv_piece(void *arg, const char *data, size_t len)
{
	CsvState   *st = arg;

	appendBinaryStringInfo(&st->field, data, (int) len);
}

static void
csv_field_end(void *arg)
{
	CsvState   *st = arg;

	if (st->nfields == st->maxfields)
	{
		st->maxfields *= 2;
		st->fields = repalloc(st->fields, st->maxfields * sizeof(Datum));
	}
	st->fields[st->nfields++] =
		PointerGetDatum(cstring_to_text_with_len(st->field.data, st->field.len));
	resetStringInfo(&st->field);
}

/* Emit one record (record_no, line_no, fields) and start the next. */
static int
csv_record_end(void *arg, long long record_line)
{
	CsvState   *st = arg;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	CHECK_FOR_INTERRUPTS();
	st->record_no++;
	values[0] = Int64GetDatum(st->record_no);
	values[1] = Int64GetDatum((int64) record_line);
	values[2] = PointerGetDatum(construct_array(st->fields, st->nfields, TEXTOID,
												-1, false, TYPALIGN_INT));
	/* the tuplestore copies the row into its own context */
	tuplestore_putvalues(st->rsinfo->setResult, st->rsinfo->setDesc, values, nulls);

	MemoryContextReset(st->rowcxt);
	st->maxfields = 64;
	st->fields = palloc(st->maxfields * sizeof(Datum));
	st->nfields = 0;
	initStringInfo(&st->field);
	return st->record_no == st->max_records;
}

Datum
sen2_csv_records(PG_FUNCTION_ARGS)
{
	CsvState	st;
	Sen2CsvCallbacks cb = {&st, csv_piece, csv_field_end, csv_record_end};
	Sen2CsvError err;
	Sen2CsvStatus status;
	MemoryContext oldcxt;
	text	   *doc;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	st.max_records = -1;
	if (!PG_ARGISNULL(1))
	{
		st.max_records = PG_GETARG_INT64(1);
		if (st.max_records < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_records must not be negative"),
					 errhint("Pass NULL to read every record.")));
	}
	/* max_records (e.g. 1 for a header) stops before the rest is parsed */
	if (st.max_records == 0)
		return (Datum) 0;

	doc = PG_GETARG_TEXT_PP(0);
	st.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	st.record_no = 0;
	st.rowcxt = AllocSetContextCreate(CurrentMemoryContext, "sen2 csv record",
									  ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(st.rowcxt);
	st.maxfields = 64;
	st.fields = palloc(st.maxfields * sizeof(Datum));
	st.nfields = 0;
	initStringInfo(&st.field);

	status = sen2_csv_parse(VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &cb, &err);

	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(st.rowcxt);

	if (status == SEN2_CSV_UNTERMINATED)
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("unterminated quoted field in CSV"),
				 errdetail("The quoted field that starts on line %lld is never closed.",
						   err.start_line),
				 errhint("Pass the whole file, and double any quote "
						 "character inside a quoted field.")));
	if (status == SEN2_CSV_AFTER_QUOTE)
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("unexpected character after a closing quote in CSV on line %lld",
						err.line),
				 errdetail("Field %d of the record that starts on line %lld has text after its closing quote.",
						   err.field_no, err.start_line),
				 errhint("A quote inside a quoted field must be doubled (\"\").")));
	return (Datum) 0;
}
