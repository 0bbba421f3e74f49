/*
 * xml_return.c
 *		sen2.return_xml(return_id) and sen2.return_xml_rows(return_id): the
 *		staging tables of one return, nested into records by SQL and written
 *		by sen2.xml_agg / sen2.xml_person.
 *
 * The nesting is SQL (the query below).  Its person records arrive in
 * document order at a DestReceiver, which hands each straight to the writer
 * (xml_agg.c): into one value built in place (sen2.return_xml), or as a line
 * into the result tuplestore (sen2.return_xml_rows).  So the writer keeps
 * nothing per person -- no sort index, as sen2.xml_agg with sort keys needs
 * for rows that may come in any order -- and the document is not copied on
 * its way out.  Both functions run the same query, so they cannot drift
 * apart.
 *
 * Document order is (seq NULLS LAST, person_id).  Sorting the nested person
 * records by it would copy every record once more; in the usual return,
 * loaded in file order, seq rises with person_id, and the records come in
 * person_id order at no cost (a merge join on the (return_id, person_id)
 * index).  sen2_seq_in_id_order (model_load.c, shared with the validator's
 * reader) picks that query, or the one sorted by (seq, person_id) when the
 * orders differ.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "model_load.h"
#include "xml_agg.h"

PG_FUNCTION_INFO_V1(sen2_return_xml);
PG_FUNCTION_INFO_V1(sen2_return_xml_rows);

/*
 * The persons of return $1 as sen2.xml_agg reads them (docs/xml-writer.md):
 * a person row with a requests array; each request a flat row that carries
 * its assessment, named plan and active plans as columns (modules that occur
 * at most once may come inline) plus plan_detail, placement_detail and
 * sen_need arrays.  Flat 1:1 joins and one grouped pass per array keep the
 * number of times a value is copied small: that, not the XML writing, is
 * most of the cost.  Children come in (seq, id) order: array_agg takes its
 * input in the order of the sorted subquery beneath it (PostgreSQL 15
 * cannot feed presorted input to array_agg(... ORDER BY ...), which sorts
 * every group on its own and is several times slower).
 */
#define PERSONS_CTE \
"WITH\n" \
"    pd AS (SELECT d.named_plan_id, pg_catalog.array_agg(d) AS plan_detail\n" \
"             FROM (SELECT * FROM sen2.plan_detail d WHERE d.return_id = $1\n" \
"                    ORDER BY d.named_plan_id, d.seq, d.plan_detail_id) d\n" \
"            GROUP BY d.named_plan_id),\n" \
"    pl AS (SELECT x.active_plans_id, pg_catalog.array_agg(x) AS placement_detail\n" \
"             FROM (SELECT * FROM sen2.placement_detail x WHERE x.return_id = $1\n" \
"                    ORDER BY x.active_plans_id, x.seq, x.placement_detail_id) x\n" \
"            GROUP BY x.active_plans_id),\n" \
"    sn AS (SELECT x.active_plans_id, pg_catalog.array_agg(x) AS sen_need\n" \
"             FROM (SELECT * FROM sen2.sen_need x WHERE x.return_id = $1\n" \
"                    ORDER BY x.active_plans_id, x.seq, x.sen_need_id) x\n" \
"            GROUP BY x.active_plans_id),\n" \
"    rq AS (SELECT q.person_id AS rq_person, q.seq AS rq_seq, q.request_id AS rq_id,\n" \
"                  q.*, a.*, n.*, pd.plan_detail, ap.*, pl.placement_detail, sn.sen_need\n" \
"             FROM sen2.request q\n" \
"             LEFT JOIN sen2.assessment a ON a.request_id = q.request_id AND a.return_id = $1\n" \
"             LEFT JOIN sen2.named_plan n ON n.assessment_id = a.assessment_id AND n.return_id = $1\n" \
"             LEFT JOIN pd ON pd.named_plan_id = n.named_plan_id\n" \
"             LEFT JOIN sen2.active_plans ap ON ap.request_id = q.request_id AND ap.return_id = $1\n" \
"             LEFT JOIN pl ON pl.active_plans_id = ap.active_plans_id\n" \
"             LEFT JOIN sn ON sn.active_plans_id = ap.active_plans_id\n" \
"            WHERE q.return_id = $1),\n" \
"    rqs AS (SELECT rq.rq_person, pg_catalog.array_agg(rq) AS requests\n" \
"              FROM (SELECT * FROM rq ORDER BY rq.rq_person, rq.rq_seq, rq.rq_id) rq\n" \
"             GROUP BY rq.rq_person),\n" \
"    p AS (SELECT pe.*, rqs.requests\n" \
"            FROM sen2.person pe LEFT JOIN rqs ON rqs.rq_person = pe.person_id\n" \
"           WHERE pe.return_id = $1)\n"

/* The person records in document order, when seq rises with person_id ... */
static const char *const persons_by_id_query =
PERSONS_CTE
"SELECT p.* FROM p ORDER BY p.person_id";

/* ... and in any case. */
static const char *const persons_by_seq_query =
PERSONS_CTE
"SELECT p.* FROM p ORDER BY p.seq NULLS LAST, p.person_id";

static const char *const header_query =
"SELECT r FROM sen2.return r WHERE r.return_id = $1";

/* Plans kept for the session; the plan cache replans them when needed. */
static SPIPlanPtr by_id_plan = NULL;
static SPIPlanPtr by_seq_plan = NULL;
static SPIPlanPtr header_plan = NULL;

static SPIPlanPtr
keep_plan(SPIPlanPtr *slot, const char *query)
{
	if (*slot == NULL)
	{
		Oid			argtypes[1] = {INT8OID};
		SPIPlanPtr	p = SPI_prepare_cursor(query, 1, argtypes, CURSOR_OPT_PARALLEL_OK);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_keepplan failed");
		*slot = p;
	}
	return *slot;
}

/* Receives the persons (all columns), or the first column of a row. */
typedef struct Receiver
{
	DestReceiver pub;
	MemoryContext cxt;			/* where a kept value goes */
	/* the first value (the header) */
	Datum		value;
	bool		got;
	/* or each person into a document (sen2.return_xml) */
	Sen2XmlDoc *doc;
	/* or each person as a line into a tuplestore (sen2.return_xml_rows) */
	Tuplestorestate *store;
	TupleDesc	store_desc;
	FmgrInfo   *flinfo;			/* the writer's layout cache */
	TupleDesc	row_desc;		/* of the person rows, blessed */
	int			year;
	MemoryContext linecxt;		/* reset after every line */
} Receiver;

static bool
receive_value(TupleTableSlot *slot, DestReceiver *self)
{
	Receiver   *r = (Receiver *) self;

	if (r->doc != NULL)
	{
		slot_getallattrs(slot);
		sen2_xml_doc_person(r->doc, r->row_desc, slot->tts_values, slot->tts_isnull);
	}
	else if (r->store != NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(r->linecxt);
		text	   *line;

		slot_getallattrs(slot);
		line = sen2_xml_line_row(r->flinfo, r->row_desc, slot->tts_values, slot->tts_isnull,
								 r->year);
		/* the tuplestore copies the line (and spills beyond work_mem) */
		if (line != NULL)
		{
			Datum		d = PointerGetDatum(line);
			bool		n = false;

			tuplestore_putvalues(r->store, r->store_desc, &d, &n);
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(r->linecxt);
	}
	else if (!r->got)
	{
		bool		isnull;
		Datum		v = slot_getattr(slot, 1, &isnull);

		if (!isnull)
		{
			MemoryContext old = MemoryContextSwitchTo(r->cxt);
			Form_pg_attribute att = TupleDescAttr(slot->tts_tupleDescriptor, 0);

			r->value = datumCopy(v, att->attbyval, att->attlen);
			r->got = true;
			MemoryContextSwitchTo(old);
		}
	}
	return true;
}

static void
receiver_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	Receiver   *r = (Receiver *) self;

	/* persons come as the columns of a row: a row type the writer can map */
	if (r->doc != NULL || r->store != NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(r->cxt);

		r->row_desc = BlessTupleDesc(CreateTupleDescCopy(typeinfo));
		MemoryContextSwitchTo(old);
	}
}

static void
receiver_shutdown(DestReceiver *self)
{
}

static void
receiver_destroy(DestReceiver *self)
{
}

static void
receiver_init(Receiver *r, MemoryContext cxt)
{
	memset(r, 0, sizeof(Receiver));
	r->pub.receiveSlot = receive_value;
	r->pub.rStartup = receiver_startup;
	r->pub.rShutdown = receiver_shutdown;
	r->pub.rDestroy = receiver_destroy;
	r->pub.mydest = DestNone;
	r->cxt = cxt;
}

/*
 * Runs a kept plan for one return.  An error raised inside (a bad character,
 * the size limit) already names the item and the row; SPI would add the
 * whole internal query as its CONTEXT, which tells an authority's analyst
 * nothing, so it is dropped.
 */
static void
run_plan(SPIPlanPtr plan, int64 return_id, Receiver *r)
{
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		sen2_run_return_plan(plan, return_id, (DestReceiver *) r, "query");
	}
	PG_CATCH();
	{
		ErrorData  *ed;

		MemoryContextSwitchTo(cxt);
		ed = CopyErrorData();
		FlushErrorState();
		ed->context = NULL;
		ReThrowError(ed);
	}
	PG_END_TRY();
}

static void
no_such_return(int64 return_id)
{
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("return " INT64_FORMAT " does not exist", return_id),
			 errhint("SELECT return_id, la_code, collection_year FROM sen2.return lists the returns you can see.")));
}

/* The header record of a return, copied into cxt. */
static Datum
fetch_header(int64 return_id, MemoryContext cxt)
{
	Receiver	r;

	receiver_init(&r, cxt);
	run_plan(keep_plan(&header_plan, header_query), return_id, &r);
	if (!r.got)
		no_such_return(return_id);
	return r.value;
}

/* The query that gives the return's person records in document order. */
static SPIPlanPtr
persons_plan(int64 return_id)
{
	if (sen2_seq_in_id_order(return_id))
		return keep_plan(&by_id_plan, persons_by_id_query);
	return keep_plan(&by_seq_plan, persons_by_seq_query);
}

Datum
sen2_return_xml(PG_FUNCTION_ARGS)
{
	int64		return_id = PG_GETARG_INT64(0);
	MemoryContext cxt = CurrentMemoryContext;
	Receiver	r;
	Datum		header;
	int			ret;

	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(ret));
	header = fetch_header(return_id, cxt);
	receiver_init(&r, cxt);
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		r.doc = sen2_xml_doc_begin(fcinfo->flinfo, header);
		MemoryContextSwitchTo(old);
	}
	run_plan(persons_plan(return_id), return_id, &r);
	SPI_finish();
	PG_RETURN_DATUM(sen2_xml_doc_finish(r.doc));
}

Datum
sen2_return_xml_rows(PG_FUNCTION_ARGS)
{
	int64		return_id = PG_GETARG_INT64(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt = CurrentMemoryContext;
	Receiver	r;
	Datum		header;
	Datum		v;
	bool		isnull = false;
	text	   *open_line;
	text	   *close_line;
	int			ret;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(ret));
	header = fetch_header(return_id, cxt);
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		sen2_xml_frame_lines(fcinfo->flinfo, header, &open_line, &close_line);
		MemoryContextSwitchTo(old);
	}

	v = CStringGetTextDatum(SEN2_XML_DECLARATION);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &v, &isnull);
	v = PointerGetDatum(open_line);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &v, &isnull);

	receiver_init(&r, cxt);
	r.store = rsinfo->setResult;
	r.store_desc = rsinfo->setDesc;
	r.flinfo = fcinfo->flinfo;
	r.year = DatumGetInt32(GetAttributeByName(DatumGetHeapTupleHeader(header),
											  "collection_year", &isnull));
	if (isnull)
		elog(ERROR, "return " INT64_FORMAT " has no collection year", return_id);
	r.linecxt = AllocSetContextCreate(cxt, "sen2 xml line", ALLOCSET_DEFAULT_SIZES);
	run_plan(persons_plan(return_id), return_id, &r);
	SPI_finish();
	MemoryContextDelete(r.linecxt);

	v = PointerGetDatum(close_line);
	isnull = false;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &v, &isnull);
	return (Datum) 0;
}
