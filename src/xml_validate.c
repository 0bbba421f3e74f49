/*
 * xml_validate.c
 *		sen2.validate_xml(): the rules of sen2.validate on a file, without
 *		keeping it.
 *
 * The file is loaded exactly as sen2.load_xml would (xml_load.c), inside a
 * subtransaction; sen2.validate runs on the loaded return, so a file and a
 * return in the tables meet the same rules, with each finding's line taken
 * from the row's xml_line.  The load issues (elements the layout cannot
 * place, repeats, elements out of the layout's order, stray text) become
 * findings too.  Then the subtransaction is rolled back: nothing stays
 * behind but the findings, so return_id, run_id and row_id are NULL in them.
 * A document that is not well-formed is an error, as for sen2.load_xml.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/resowner.h"
#include "utils/tuplestore.h"

#include "xml_load.h"
#include "xmlin.h"

/*
 * The rule each kind of load issue reports under: the layout check it
 * belongs to (L02: not an element of the year's layout at that place; L07:
 * more often than allowed), or the reader's own checks, X01 (out of the
 * layout's order), X02 (text, attributes or a namespace SEN2 has no place
 * for) and X03 (an empty element that is not mandatory: an empty mandatory
 * one is the rules' L01).  Severity and message come from the catalogue
 * (sen2.rule, with the authority's overrides); a disabled rule reports
 * nothing.  Every kind xmlin.c can report has a rule.
 */
static const struct
{
	xmlin_issue_kind issue;
	const char *rule_id;
}			issue_rules[] =
{
	{XMLIN_ISSUE_UNKNOWN, "L02"},
	{XMLIN_ISSUE_MISPLACED, "L02"},
	{XMLIN_ISSUE_REPEATED, "L07"},
	{XMLIN_ISSUE_ORDER, "X01"},
	{XMLIN_ISSUE_TEXT, "X02"},
	{XMLIN_ISSUE_ATTRIBUTE, "X02"},
	{XMLIN_ISSUE_NAMESPACE, "X02"},
	{XMLIN_ISSUE_EMPTY, "X03"},
};

#define NISSUE_RULES ((int) lengthof(issue_rules))

bool
sen2_reader_rule(const char *id)
{
	int			i;

	for (i = 0; i < NISSUE_RULES; i++)
		if (strcmp(issue_rules[i].rule_id, id) == 0)
			return true;
	return false;
}

/* sen2.load_issue_rule(): the table above, for the findings query and for anyone. */
PG_FUNCTION_INFO_V1(sen2_load_issue_rule);
Datum
sen2_load_issue_rule(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < NISSUE_RULES; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(xmlin_issue_name(issue_rules[i].issue));
		values[1] = CStringGetTextDatum(issue_rules[i].rule_id);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* The findings of the rules, then those of the load issues, in file order. */
static const char *findings_sql =
"SELECT NULL::bigint, NULL::bigint, f.rule_id, f.severity, f.module, f.item, f.value, f.message,"
"       f.person_source_id, f.upn, f.uln, f.person_name, f.table_name, NULL::bigint,"
"       f.source_id, f.location, f.line, 0 AS source, f.line AS sort_line"
"  FROM sen2.validate($1) f "
"UNION ALL "
"SELECT NULL, NULL, m.rule_id, e.severity, NULL, i.element, i.value,"
"       e.message || ': ' || i.message,"
"       p.source_id, p.upn, p.uln,"
"       nullif(concat_ws(' ', nullif(p.forename, ''), nullif(p.surname, '')), ''),"
"       NULL, NULL, NULL,"
"       coalesce(nullif(CASE WHEN i.issue IN ('text_in_group', 'namespace') THEN i.loc"
"                            ELSE regexp_replace(i.loc, '/?[^/]*$', '') END, ''), 'Message'),"
"       i.line, 1, i.line"
"  FROM (SELECT li.*, regexp_replace(li.path, '^/Message/?(Persons/)?', '') AS loc"
"          FROM sen2.load_issue li WHERE li.return_id = $1) i"
"  JOIN sen2.load_issue_rule() m ON m.issue = i.issue"
"  JOIN sen2.rule_effective e ON e.id = m.rule_id"
"  LEFT JOIN sen2.person p ON p.return_id = i.return_id"
"        AND p.seq = (substring(i.path FROM '^/Message/Persons/Person\\[([0-9]+)\\]'))::int"
" WHERE e.enabled "
"ORDER BY sort_line NULLS FIRST, source, 3";

static void
validate_document(FunctionCallInfo fcinfo, const Sen2XmlSource *src)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext oldcontext;
	ResourceOwner oldowner = CurrentResourceOwner;
	char	   *la = NULL;
	int			year = 0;
	TupleDesc	tupdesc;
	int			natts;

	if (PG_NARGS() > 1 && !PG_ARGISNULL(1))
		la = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
		year = PG_GETARG_INT32(2);

	InitMaterializedSRF(fcinfo, 0);
	tupdesc = rsinfo->setDesc;
	natts = tupdesc->natts;
	oldcontext = CurrentMemoryContext;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		int64		rid;
		Oid			argtype = INT8OID;
		Datum		arg;
		int			rc;
		uint64		i;
		Datum	   *values = palloc(sizeof(Datum) * natts);
		bool	   *nulls = palloc(sizeof(bool) * natts);

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		rid = sen2_load_document(src, la, year, "sen2.validate_xml");
		arg = Int64GetDatum(rid);
		rc = SPI_execute_with_args(findings_sql, 1, &argtype, &arg, NULL, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "validating the loaded document failed: %s", SPI_result_code_string(rc));
		if (SPI_tuptable->tupdesc->natts < natts)
			elog(ERROR, "sen2.finding has %d columns, the query %d", natts, SPI_tuptable->tupdesc->natts);
		for (i = 0; i < SPI_processed; i++)
		{
			int			c;

			for (c = 0; c < natts; c++)
				values[c] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, c + 1, &nulls[c]);
			/* copied into the tuplestore, which outlives the subtransaction */
			tuplestore_putvalues(rsinfo->setResult, tupdesc, values, nulls);
		}
		SPI_finish();

		/* nothing of the file stays behind */
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		ReThrowError(edata);
	}
	PG_END_TRY();
}

PG_FUNCTION_INFO_V1(sen2_validate_xml_text);
Datum
sen2_validate_xml_text(PG_FUNCTION_ARGS)
{
	Sen2XmlSource src;
	text	   *t;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the SEN2 document is NULL")));
	t = PG_GETARG_TEXT_PP(0);
	memset(&src, 0, sizeof(src));
	src.is_text = true;
	src.buf = VARDATA_ANY(t);
	src.len = VARSIZE_ANY_EXHDR(t);
	if (GetDatabaseEncoding() != PG_UTF8 && src.len > 0)
	{
		src.buf = (const char *) pg_do_encoding_conversion((unsigned char *) src.buf, (int) src.len,
														   GetDatabaseEncoding(), PG_UTF8);
		src.len = strlen(src.buf);
	}
	validate_document(fcinfo, &src);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(sen2_validate_xml_bytea);
Datum
sen2_validate_xml_bytea(PG_FUNCTION_ARGS)
{
	Sen2XmlSource src;
	bytea	   *b;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the SEN2 document is NULL")));
	b = PG_GETARG_BYTEA_PP(0);
	memset(&src, 0, sizeof(src));
	src.buf = VARDATA_ANY(b);
	src.len = VARSIZE_ANY_EXHDR(b);
	validate_document(fcinfo, &src);
	return (Datum) 0;
}
