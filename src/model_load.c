/*
 * model_load.c
 *		Builds person trees from the staging tables.
 *
 * Five SPI cursors, all ordered by person_id, are read side by side like
 * the inputs of a merge join: persons; requests with their at-most-one
 * assessment, named plan and active plans; plan details; placement details;
 * SEN needs.  For each person the loader takes the rows of every child cursor
 * that carry that person's id and hangs them under the right parent.  So a
 * return is read in five queries whatever its size, memory holds one person
 * (plus one fetch batch per cursor), and nothing is looked up per person.
 *
 * Why person_id and not the file order (seq, person_id): the child tables
 * carry the person's id (request.person_id) but not its seq, so ordering
 * them by file order would join every child query to sen2.person, which on
 * a large return costs more than the checks themselves.  Within a person,
 * requests and repeated groups are in file order (seq, id).
 *
 * The file position of each person (for locations such as Person[12]) is
 * its rank in (seq, person_id) order.  In the usual return, loaded in file
 * order, seq rises with person_id and the position is a count; a quick read
 * of seq in person_id order (sen2_seq_in_id_order) tells.  Otherwise a
 * narrow sixth cursor gives each person's rank.  Either way the person rows
 * come straight off the (return_id, person_id) index, unsorted: sorting
 * whole person rows twice for a window function cost more than reading them.
 *
 * Every join names the return on both sides (a.return_id = $1 ...), so a
 * database holding many returns hashes only this return's rows.
 *
 * SORT_KEYS_SELECTED: every ORDER BY column is also in the select list (the
 * loader ignores the trailing ones).  A sort column that is not selected
 * makes the executor project each sorted row once more to drop it, and SPI
 * then builds a new tuple from that projection instead of copying the sorted
 * one (measured: 4% of sen2.validate_builtin at 35,000 persons).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "fmgr.h"

#include "model_load.h"

#define FETCH_ROWS 1000

typedef struct Stream
{
	const char *what;
	Portal		portal;
	SPITupleTable *tt;
	uint64		n;				/* rows in tt */
	uint64		pos;			/* current row in tt */
	bool		eof;
	bool		deformed;
	int			natts;
	Datum	   *values;
	bool	   *nulls;
} Stream;

struct Sen2Loader
{
	MemoryContext cxt;
	bool		in_id_order;	/* position = count of persons so far */
	int			npersons;
	Stream		position;		/* otherwise: person_id, rank */
	Stream		person;
	Stream		request;
	Stream		plan_detail;
	Stream		placement;
	Stream		sen_need;
};

/* Column 0 of every cursor is the person_id the row belongs to. */
#define COL_PID		0

/*
 * Whether a staging table has the xml_line column (the line of the element
 * in the file the row was loaded from), so findings can point into the file.
 */
static bool
has_xml_line(Sen2Kind kind)
{
	char	   *sql = psprintf("SELECT 1 FROM pg_catalog.pg_attribute"
							   " WHERE attrelid = 'sen2.%s'::pg_catalog.regclass"
							   "   AND attname = 'xml_line' AND NOT attisdropped",
							   sen2_kind_desc[kind].table);
	bool		found;
	MemoryContext cxt = CurrentMemoryContext;
	int			rc = SPI_execute(sql, true, 1);

	MemoryContextSwitchTo(cxt);		/* SPI returns in its own context */
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read the columns of sen2.%s", sen2_kind_desc[kind].table);
	found = SPI_processed > 0;
	SPI_freetuptable(SPI_tuptable);
	return found;
}

/* ", x.key, x.source_id, x.xml_line, x.col1, x.col2 ..." for a kind. */
static void
append_items(StringInfo sql, Sen2Kind kind, const char *alias)
{
	const Sen2KindDesc *d = &sen2_kind_desc[kind];
	int			i;

	/* sen2.return has no source_id of its own */
	if (kind == SEN2_K_HEADER)
		appendStringInfo(sql, ", %s.%s, NULL::text", alias, d->key);
	else
		appendStringInfo(sql, ", %s.%s, %s.source_id", alias, d->key, alias);
	if (has_xml_line(kind))
		appendStringInfo(sql, ", %s.xml_line", alias);
	else
		appendStringInfoString(sql, ", NULL::int");
	for (i = 0; i < d->nitems; i++)
		appendStringInfo(sql, ", %s.%s", alias, d->items[i].column);
}

static void
stream_open(Stream *s, const char *what, const char *sql, int64 return_id)
{
	Oid			argtype = INT8OID;
	Datum		arg = Int64GetDatum(return_id);

	MemoryContext cxt = CurrentMemoryContext;

	s->what = what;
	s->portal = SPI_cursor_open_with_args(NULL, sql, 1, &argtype, &arg, NULL, true, 0);
	MemoryContextSwitchTo(cxt);
	if (s->portal == NULL)
		elog(ERROR, "could not open the %s cursor: %s", what, SPI_result_code_string(SPI_result));
	s->natts = s->portal->tupDesc->natts;
	s->values = palloc(sizeof(Datum) * s->natts);
	s->nulls = palloc(sizeof(bool) * s->natts);
}

/* The current row, deformed; false at the end. */
static bool
stream_peek(Stream *s)
{
	if (s->eof)
		return false;
	if (s->tt == NULL || s->pos >= s->n)
	{
		MemoryContext cxt = CurrentMemoryContext;

		if (s->tt != NULL)
			SPI_freetuptable(s->tt);
		s->tt = NULL;
		SPI_cursor_fetch(s->portal, true, FETCH_ROWS);
		/* SPI returns in its own context: go back to the person's */
		MemoryContextSwitchTo(cxt);
		if (SPI_processed == 0)
		{
			SPI_freetuptable(SPI_tuptable);
			s->eof = true;
			return false;
		}
		s->tt = SPI_tuptable;
		s->n = SPI_processed;
		s->pos = 0;
		s->deformed = false;
	}
	if (!s->deformed)
	{
		heap_deform_tuple(s->tt->vals[s->pos], s->tt->tupdesc, s->values, s->nulls);
		s->deformed = true;
	}
	return true;
}

static void
stream_advance(Stream *s)
{
	s->pos++;
	s->deformed = false;
}

static void
stream_close(Stream *s)
{
	if (s->tt != NULL)
		SPI_freetuptable(s->tt);
	s->tt = NULL;
	if (s->portal != NULL)
		SPI_cursor_close(s->portal);
	s->portal = NULL;
}

/* Where the stream's current row stands against a person: <0, 0, >0. */
static int
key_cmp(Stream *s, int64 pid)
{
	int64		id = DatumGetInt64(s->values[COL_PID]);

	return id < pid ? -1 : id > pid ? 1 : 0;
}

static char *
text_copy(Datum d)
{
	text	   *t = DatumGetTextPP(d);

	return pnstrdup(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/*
 * Fill a node from the stream's current row, starting at column col (the
 * surrogate key, then source_id, xml_line, then the items in model order).
 * Returns the column after the node's.
 */
static int
fill_node(Sen2Node *n, Stream *s, int col)
{
	const Sen2KindDesc *d = &sen2_kind_desc[n->kind];
	int			i;

	n->row_id = DatumGetInt64(s->values[col]);
	n->source_id = s->nulls[col + 1] ? NULL : text_copy(s->values[col + 1]);
	n->line = s->nulls[col + 2] ? 0 : DatumGetInt32(s->values[col + 2]);
	col += 3;
	for (i = 0; i < d->nitems; i++, col++)
	{
		if (s->nulls[col])
			continue;
		else
		{
			text	   *t = DatumGetTextPP(s->values[col]);

			sen2_node_set(n, i, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		}
	}
	return col;
}

static int
kind_width(Sen2Kind kind)
{
	return 3 + sen2_kind_desc[kind].nitems;
}

/* Reads seq in person_id order and notes whether it ever falls. */
typedef struct OrderCheck
{
	DestReceiver pub;
	bool		first;
	bool		in_order;
	bool		prev_null;
	int32		prev;
} OrderCheck;

static bool
order_check_receive(TupleTableSlot *slot, DestReceiver *self)
{
	OrderCheck *oc = (OrderCheck *) self;
	bool		isnull;
	Datum		v = slot_getattr(slot, 1, &isnull);

	/* NULLs sort last: after a NULL only NULLs; otherwise never lower */
	if (!oc->first && (oc->prev_null ? !isnull : (!isnull && DatumGetInt32(v) < oc->prev)))
	{
		oc->in_order = false;
		return false;			/* no need to read on */
	}
	oc->first = false;
	oc->prev_null = isnull;
	oc->prev = isnull ? 0 : DatumGetInt32(v);
	return true;
}

static void
order_check_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
order_check_nothing(DestReceiver *self)
{
}

/*
 * Runs a kept plan whose one parameter ($1) is a return id, into dest (a
 * receiver of the caller's own); what names the read in the error raised
 * when SPI fails.
 */
void
sen2_run_return_plan(SPIPlanPtr plan, int64 return_id, DestReceiver *dest, const char *what)
{
	ParamListInfo params = makeParamList(1);
	SPIExecuteOptions opts;
	MemoryContext cxt = CurrentMemoryContext;
	int			rc;

	params->params[0].value = Int64GetDatum(return_id);
	params->params[0].isnull = false;
	params->params[0].pflags = PARAM_FLAG_CONST;
	params->params[0].ptype = INT8OID;
	memset(&opts, 0, sizeof(opts));
	opts.params = params;
	opts.read_only = true;
	opts.dest = dest;
	rc = SPI_execute_plan_extended(plan, &opts);
	MemoryContextSwitchTo(cxt);
	/* a SELECT into a receiver of our own reports SPI_OK_UTILITY */
	if (rc != SPI_OK_SELECT && rc != SPI_OK_UTILITY)
		elog(ERROR, "sen2: %s failed: %s", what, SPI_result_code_string(rc));
}

bool
sen2_seq_in_id_order(int64 return_id)
{
	static SPIPlanPtr plan = NULL;
	OrderCheck	oc;

	if (plan == NULL)
	{
		Oid			argtype = INT8OID;
		SPIPlanPtr	p = SPI_prepare("SELECT p.seq FROM sen2.person p WHERE p.return_id = $1"
									" ORDER BY p.person_id", 1, &argtype);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_keepplan failed");
		plan = p;
	}
	memset(&oc, 0, sizeof(oc));
	oc.pub.receiveSlot = order_check_receive;
	oc.pub.rStartup = order_check_startup;
	oc.pub.rShutdown = order_check_nothing;
	oc.pub.rDestroy = order_check_nothing;
	oc.pub.mydest = DestNone;
	oc.first = true;
	oc.in_order = true;

	sen2_run_return_plan(plan, return_id, (DestReceiver *) &oc, "reading the persons' seq");
	return oc.in_order;
}

Sen2Node *
sen2_load_header(int64 return_id, int *year, char **la_code)
{
	StringInfoData sql;
	Oid			argtype = INT8OID;
	Datum		arg = Int64GetDatum(return_id);
	Stream		s;
	Sen2Node   *h;
	MemoryContext cxt = CurrentMemoryContext;
	int			rc;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT r.collection_year, r.la_code");
	append_items(&sql, SEN2_K_HEADER, "r");
	appendStringInfoString(&sql, " FROM sen2.return r WHERE r.return_id = $1");

	rc = SPI_execute_with_args(sql.data, 1, &argtype, &arg, NULL, true, 0);
	MemoryContextSwitchTo(cxt);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read sen2.return");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("return %lld does not exist", (long long) return_id),
				 errhint("SELECT return_id, la_code, collection_year FROM sen2.return lists the returns you can see.")));
	memset(&s, 0, sizeof(s));
	s.natts = SPI_tuptable->tupdesc->natts;
	s.values = palloc(sizeof(Datum) * s.natts);
	s.nulls = palloc(sizeof(bool) * s.natts);
	heap_deform_tuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, s.values, s.nulls);
	*year = DatumGetInt32(s.values[0]);
	*la_code = text_copy(s.values[1]);
	h = sen2_node_new(SEN2_K_HEADER, NULL);
	fill_node(h, &s, 2);
	SPI_freetuptable(SPI_tuptable);
	return h;
}

Sen2Loader *
sen2_loader_open(int64 return_id)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "sen2 loader",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	Sen2Loader *l = palloc0(sizeof(Sen2Loader));
	StringInfoData sql;

	l->cxt = cxt;
	initStringInfo(&sql);

	l->in_id_order = sen2_seq_in_id_order(return_id);
	if (!l->in_id_order)
		stream_open(&l->position, "person position",
					"SELECT q.person_id, q.pos"
					"  FROM (SELECT p.person_id, pg_catalog.row_number() OVER (ORDER BY p.seq, p.person_id) AS pos"
					"          FROM sen2.person p WHERE p.return_id = $1) q"
					" ORDER BY q.person_id", return_id);

	appendStringInfoString(&sql, "SELECT p.person_id");
	append_items(&sql, SEN2_K_PERSON, "p");
	appendStringInfoString(&sql, " FROM sen2.person p WHERE p.return_id = $1 ORDER BY p.person_id");
	stream_open(&l->person, "person", sql.data, return_id);

	resetStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT r.person_id");
	append_items(&sql, SEN2_K_REQUEST, "r");
	append_items(&sql, SEN2_K_ASSESSMENT, "a");
	append_items(&sql, SEN2_K_NAMED_PLAN, "n");
	append_items(&sql, SEN2_K_ACTIVE_PLANS, "ap");
	appendStringInfoString(&sql, ", r.seq");	/* SORT_KEYS_SELECTED */
	appendStringInfoString(&sql,
						   " FROM sen2.request r"
						   " LEFT JOIN sen2.assessment a ON a.request_id = r.request_id AND a.return_id = $1"
						   " LEFT JOIN sen2.named_plan n ON n.assessment_id = a.assessment_id AND n.return_id = $1"
						   " LEFT JOIN sen2.active_plans ap ON ap.request_id = r.request_id AND ap.return_id = $1"
						   " WHERE r.return_id = $1 ORDER BY r.person_id, r.seq, r.request_id");
	stream_open(&l->request, "request", sql.data, return_id);

	resetStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT r.person_id, r.request_id");
	append_items(&sql, SEN2_K_PLAN_DETAIL, "d");
	appendStringInfoString(&sql, ", d.named_plan_id, d.seq");
	appendStringInfoString(&sql,
						   " FROM sen2.plan_detail d"
						   " JOIN sen2.named_plan n ON n.named_plan_id = d.named_plan_id AND n.return_id = $1"
						   " JOIN sen2.assessment a ON a.assessment_id = n.assessment_id AND a.return_id = $1"
						   " JOIN sen2.request r ON r.request_id = a.request_id AND r.return_id = $1"
						   " WHERE d.return_id = $1 ORDER BY r.person_id, d.named_plan_id, d.seq, d.plan_detail_id");
	stream_open(&l->plan_detail, "plan detail", sql.data, return_id);

	resetStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT r.person_id, r.request_id");
	append_items(&sql, SEN2_K_PLACEMENT, "d");
	appendStringInfoString(&sql, ", d.active_plans_id, d.seq");
	appendStringInfoString(&sql,
						   " FROM sen2.placement_detail d"
						   " JOIN sen2.active_plans ap ON ap.active_plans_id = d.active_plans_id AND ap.return_id = $1"
						   " JOIN sen2.request r ON r.request_id = ap.request_id AND r.return_id = $1"
						   " WHERE d.return_id = $1 ORDER BY r.person_id, d.active_plans_id, d.seq, d.placement_detail_id");
	stream_open(&l->placement, "placement detail", sql.data, return_id);

	resetStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT r.person_id, r.request_id");
	append_items(&sql, SEN2_K_SEN_NEED, "d");
	appendStringInfoString(&sql, ", d.active_plans_id, d.seq");
	appendStringInfoString(&sql,
						   " FROM sen2.sen_need d"
						   " JOIN sen2.active_plans ap ON ap.active_plans_id = d.active_plans_id AND ap.return_id = $1"
						   " JOIN sen2.request r ON r.request_id = ap.request_id AND r.return_id = $1"
						   " WHERE d.return_id = $1 ORDER BY r.person_id, d.active_plans_id, d.seq, d.sen_need_id");
	stream_open(&l->sen_need, "SEN need", sql.data, return_id);

	MemoryContextSwitchTo(old);
	return l;
}

static Sen2Node *
find_request(Sen2Node *person, int64 request_id)
{
	Sen2Node   *r;

	for (r = person->first[SEN2_K_REQUEST]; r != NULL; r = r->next)
		if (r->row_id == request_id)
			return r;
	return NULL;
}

/*
 * Hang the rows of a leaf cursor (columns: person_id, request_id, then the
 * node) that belong to this person under parent_kind of their request.
 */
static void
take_leaves(Stream *s, Sen2Node *person, int64 pid, Sen2Kind parent_kind, Sen2Kind kind)
{
	while (stream_peek(s))
	{
		int			c = key_cmp(s, pid);
		Sen2Node   *req;
		Sen2Node   *parent = NULL;

		if (c > 0)
			break;
		if (c == 0)
		{
			req = find_request(person, DatumGetInt64(s->values[1]));
			if (req != NULL)
			{
				if (parent_kind == SEN2_K_NAMED_PLAN)
					parent = sen2_named_plan_of(req);
				else
					parent = sen2_child(req, parent_kind);
			}
			if (parent == NULL)
				elog(ERROR, "sen2: %s row without its parent in the person cursor", s->what);
			fill_node(sen2_node_new(kind, parent), s, 2);
		}
		stream_advance(s);
	}
}

Sen2Node *
sen2_loader_next(Sen2Loader *l)
{
	Stream	   *ps = &l->person;
	Sen2Node   *person;
	int64		pid;

	if (!stream_peek(ps))
		return NULL;
	pid = DatumGetInt64(ps->values[COL_PID]);

	person = sen2_node_new(SEN2_K_PERSON, NULL);
	l->npersons++;
	if (l->in_id_order)
		person->position = l->npersons;
	else
	{
		/* the same rows in the same order: one position row per person */
		if (!stream_peek(&l->position) || key_cmp(&l->position, pid) != 0)
			elog(ERROR, "sen2: the person position cursor is out of step at person %lld",
				 (long long) pid);
		person->position = (int) DatumGetInt64(l->position.values[1]);
		stream_advance(&l->position);
	}
	fill_node(person, ps, 1);
	stream_advance(ps);

	while (stream_peek(&l->request))
	{
		Stream	   *s = &l->request;
		int			c = key_cmp(s, pid);
		int			col;

		if (c > 0)
			break;
		if (c == 0)
		{
			Sen2Node   *req = sen2_node_new(SEN2_K_REQUEST, person);

			col = fill_node(req, s, 1);
			if (!s->nulls[col])
			{
				Sen2Node   *a = sen2_node_new(SEN2_K_ASSESSMENT, req);

				fill_node(a, s, col);
				if (!s->nulls[col + kind_width(SEN2_K_ASSESSMENT)])
					fill_node(sen2_node_new(SEN2_K_NAMED_PLAN, a), s,
							  col + kind_width(SEN2_K_ASSESSMENT));
			}
			col += kind_width(SEN2_K_ASSESSMENT) + kind_width(SEN2_K_NAMED_PLAN);
			if (!s->nulls[col])
				fill_node(sen2_node_new(SEN2_K_ACTIVE_PLANS, req), s, col);
		}
		stream_advance(s);
	}
	take_leaves(&l->plan_detail, person, pid, SEN2_K_NAMED_PLAN, SEN2_K_PLAN_DETAIL);
	take_leaves(&l->placement, person, pid, SEN2_K_ACTIVE_PLANS, SEN2_K_PLACEMENT);
	take_leaves(&l->sen_need, person, pid, SEN2_K_ACTIVE_PLANS, SEN2_K_SEN_NEED);
	return person;
}

void
sen2_loader_close(Sen2Loader *l)
{
	stream_close(&l->position);
	stream_close(&l->person);
	stream_close(&l->request);
	stream_close(&l->plan_detail);
	stream_close(&l->placement);
	stream_close(&l->sen_need);
	MemoryContextDelete(l->cxt);
}

/*
 * The first read of the loader on its own, for the bare-scan floor of the
 * benchmarks (bench/validate_baselines.sql declares it); not part of the
 * extension's SQL interface.
 */
PG_FUNCTION_INFO_V1(sen2_seq_in_id_order_sql);

Datum
sen2_seq_in_id_order_sql(PG_FUNCTION_ARGS)
{
	bool		in_order;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	in_order = sen2_seq_in_id_order(PG_GETARG_INT64(0));
	SPI_finish();
	PG_RETURN_BOOL(in_order);
}
