/*
 * validate.c
 *		SQL entry points of the validation engine:
 *
 *		sen2.validate_builtin(return_id, run_id)  the built-in rules over the
 *			staging tables of one return, as rows of sen2.finding
 *		sen2.builtin_rule_ids()                   what this build implements
 *		sen2.query_columns(query)                 result columns of a local
 *			rule's query, without running it
 *		sen2.parse_csv(text, delimiter)           rows of a CSV document
 *
 * sen2.validate() (plpgsql, src/sql/045_validate.sql) records a run, calls
 * validate_builtin and the local rules, and stores the findings.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
#include "utils/tuplestore.h"

#include "model_load.h"
#include "rule_engine.h"

PG_FUNCTION_INFO_V1(sen2_validate_builtin);
PG_FUNCTION_INFO_V1(sen2_builtin_rule_ids_sql);
PG_FUNCTION_INFO_V1(sen2_query_columns);
PG_FUNCTION_INFO_V1(sen2_parse_csv);

/* Columns of sen2.finding, in order. */
enum
{
	F_RETURN_ID, F_RUN_ID, F_RULE_ID, F_SEVERITY, F_MODULE, F_ITEM, F_VALUE,
	F_MESSAGE, F_PERSON_SOURCE_ID, F_UPN, F_ULN, F_PERSON_NAME, F_TABLE_NAME,
	F_ROW_ID, F_SOURCE_ID, F_LOCATION, F_LINE, F_NCOLS
};

typedef struct EmitState
{
	Tuplestorestate *store;
	TupleDesc	desc;
	int64		return_id;
	int64		run_id;
	bool		has_run_id;
} EmitState;

static void
put_text(Datum *values, bool *nulls, int col, const char *s)
{
	if (s == NULL)
	{
		nulls[col] = true;
		return;
	}
	values[col] = CStringGetTextDatum(s);
	nulls[col] = false;
}

static void
emit_to_store(void *arg, const Sen2Finding *f)
{
	EmitState  *st = arg;
	Datum		values[F_NCOLS];
	bool		nulls[F_NCOLS];

	memset(nulls, 0, sizeof(nulls));
	values[F_RETURN_ID] = Int64GetDatum(st->return_id);
	values[F_RUN_ID] = Int64GetDatum(st->run_id);
	nulls[F_RUN_ID] = !st->has_run_id;
	put_text(values, nulls, F_RULE_ID, f->rule_id);
	put_text(values, nulls, F_SEVERITY, f->severity);
	put_text(values, nulls, F_MODULE, f->module);
	put_text(values, nulls, F_ITEM, f->item);
	put_text(values, nulls, F_VALUE, f->value);
	put_text(values, nulls, F_MESSAGE, f->message);
	put_text(values, nulls, F_PERSON_SOURCE_ID, f->person_source_id);
	put_text(values, nulls, F_UPN, f->upn);
	put_text(values, nulls, F_ULN, f->uln);
	put_text(values, nulls, F_PERSON_NAME, f->person_name);
	put_text(values, nulls, F_TABLE_NAME, f->table_name);
	values[F_ROW_ID] = Int64GetDatum(f->row_id);
	nulls[F_ROW_ID] = (f->row_id == 0);
	put_text(values, nulls, F_SOURCE_ID, f->source_id);
	put_text(values, nulls, F_LOCATION, f->location);
	values[F_LINE] = Int32GetDatum(f->line);
	nulls[F_LINE] = (f->line == 0);
	tuplestore_putvalues(st->store, st->desc, values, nulls);
}

Datum
sen2_validate_builtin(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	EmitState	st;
	MemoryContext person_cxt;
	MemoryContext old;
	Sen2Node   *header;
	Sen2Loader *loader;
	Sen2Run    *run;
	int			year;
	char	   *la_code;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the return to validate must not be NULL")));

	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != F_NCOLS)
		elog(ERROR, "sen2.finding has %d columns, expected %d", rsinfo->setDesc->natts, F_NCOLS);

	memset(&st, 0, sizeof(st));
	st.store = rsinfo->setResult;
	st.desc = rsinfo->setDesc;
	st.return_id = PG_GETARG_INT64(0);
	st.has_run_id = !PG_ARGISNULL(1);
	st.run_id = st.has_run_id ? PG_GETARG_INT64(1) : 0;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	header = sen2_load_header(st.return_id, &year, &la_code);
	run = sen2_run_begin(st.return_id, year, la_code, emit_to_store, &st);

	person_cxt = AllocSetContextCreate(CurrentMemoryContext, "sen2 person",
									   ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(person_cxt);
	sen2_run_header(run, header);
	MemoryContextSwitchTo(old);

	loader = sen2_loader_open(st.return_id);
	for (;;)
	{
		Sen2Node   *person;

		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(person_cxt);
		old = MemoryContextSwitchTo(person_cxt);
		person = sen2_loader_next(loader);
		if (person != NULL)
			sen2_run_person(run, person);
		MemoryContextSwitchTo(old);
		if (person == NULL)
			break;
	}
	MemoryContextReset(person_cxt);
	old = MemoryContextSwitchTo(person_cxt);
	sen2_run_end(run);
	MemoryContextSwitchTo(old);
	sen2_loader_close(loader);

	SPI_finish();
	return (Datum) 0;
}

Datum
sen2_builtin_rule_ids_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ListCell   *lc;
	List	   *ids;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	ids = sen2_builtin_rule_ids();
	foreach(lc, ids)
	{
		Datum		v = CStringGetTextDatum((const char *) lfirst(lc));
		bool		n = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &v, &n);
	}
	return (Datum) 0;
}

/*
 * The result columns of a local rule's query.  The query is parsed and
 * planned with one parameter ($1, the return id, bigint) but not run.  It
 * must be a single statement that only reads: a local rule must not change
 * data.
 */
Datum
sen2_query_columns(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *query;
	Oid			argtype = INT8OID;
	SPIPlanPtr	plan;
	List	   *sources;
	CachedPlanSource *src;
	ListCell   *lc;
	TupleDesc	desc;
	int			i;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the query of a local rule must not be NULL")));
	query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	InitMaterializedSRF(fcinfo, 0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare(query, 1, &argtype);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	sources = SPI_plan_get_plan_sources(plan);
	if (list_length(sources) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the query of a local rule must be exactly one SELECT statement"),
				 errdetail("It has %d statements.", list_length(sources))));
	src = linitial(sources);
	foreach(lc, src->query_list)
	{
		Query	   *q = lfirst_node(Query, lc);

		if (q->commandType != CMD_SELECT || q->hasModifyingCTE || q->utilityStmt != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the query of a local rule must be a SELECT that changes nothing"),
					 errhint("Write the rule as SELECT ... FROM sen2.person ... WHERE return_id = $1.")));
	}
	desc = src->resultDesc;
	if (desc == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the query of a local rule must return rows")));
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(NameStr(att->attname));
		values[1] = ObjectIdGetDatum(att->atttypid);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/*
 * CSV as written by spreadsheet programs (RFC 4180): fields separated by the
 * delimiter, optionally quoted with ", a doubled "" inside quotes is one ",
 * line ends LF, CRLF or CR, which may also occur inside quotes.  A leading
 * UTF-8 byte-order mark is skipped.  Blank lines are skipped.  Returns one
 * text[] per record.
 */
Datum
sen2_parse_csv(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	text	   *doc;
	const char *s;
	int			len;
	int			i = 0;
	char		delim = ',';
	StringInfoData field;
	ArrayBuildState *row = NULL;
	bool		in_quotes = false;
	bool		was_quoted = false;
	bool		row_has_content = false;
	int			line = 1;
	int			quote_line = 0;
	MemoryContext rowcxt;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (!PG_ARGISNULL(1))
	{
		text	   *d = PG_GETARG_TEXT_PP(1);

		if (VARSIZE_ANY_EXHDR(d) != 1 || VARDATA_ANY(d)[0] == '"' ||
			VARDATA_ANY(d)[0] == '\n' || VARDATA_ANY(d)[0] == '\r')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the CSV delimiter must be one character other than a quote or line end")));
		delim = VARDATA_ANY(d)[0];
	}
	doc = PG_GETARG_TEXT_PP(0);
	s = VARDATA_ANY(doc);
	len = VARSIZE_ANY_EXHDR(doc);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	if (len >= 3 && (unsigned char) s[0] == 0xEF && (unsigned char) s[1] == 0xBB &&
		(unsigned char) s[2] == 0xBF)
		i = 3;

	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "sen2 csv row", ALLOCSET_SMALL_SIZES);
	initStringInfo(&field);

#define END_FIELD() \
	do { \
		row = accumArrayResult(row, CStringGetTextDatum(field.data), false, TEXTOID, rowcxt); \
		if (field.len > 0 || was_quoted) row_has_content = true; \
		resetStringInfo(&field); \
		was_quoted = false; \
	} while (0)
#define END_ROW() \
	do { \
		END_FIELD(); \
		if (row_has_content) \
		{ \
			Datum v = makeArrayResult(row, CurrentMemoryContext); \
			bool n = false; \
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &v, &n); \
		} \
		MemoryContextReset(rowcxt); \
		row = NULL; \
		row_has_content = false; \
	} while (0)

	for (; i < len; i++)
	{
		char		c = s[i];

		if (in_quotes)
		{
			if (c == '"')
			{
				if (i + 1 < len && s[i + 1] == '"')
				{
					appendStringInfoChar(&field, '"');
					i++;
				}
				else
					in_quotes = false;
			}
			else
			{
				if (c == '\n')
					line++;
				appendStringInfoChar(&field, c);
			}
			continue;
		}
		if (c == '"' && field.len == 0 && !was_quoted)
		{
			in_quotes = true;
			was_quoted = true;
			quote_line = line;
		}
		else if (c == delim)
			END_FIELD();
		else if (c == '\r' || c == '\n')
		{
			if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			END_ROW();
			line++;
		}
		else if (c == '"')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("malformed CSV on line %d: a quote inside an unquoted field", line),
					 errhint("Quote the whole field and double the quotes inside it.")));
		else
			appendStringInfoChar(&field, c);
	}
	if (in_quotes)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("malformed CSV: the quoted field opened on line %d is never closed", quote_line)));
	END_ROW();
#undef END_ROW
#undef END_FIELD

	MemoryContextDelete(rowcxt);
	return (Datum) 0;
}
