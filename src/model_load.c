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
 * a large return costs more than the checks themselves.  The file position
 * of each person (for locations such as Person[12]) comes from a window
 * function in the person query instead.  Within a person, requests and
 * repeated groups are in file order (seq, id).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

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

	appendStringInfoString(&sql, "SELECT p.person_id, row_number() OVER (ORDER BY p.seq, p.person_id)");
	append_items(&sql, SEN2_K_PERSON, "p");
	appendStringInfoString(&sql, " FROM sen2.person p WHERE p.return_id = $1 ORDER BY p.person_id");
	stream_open(&l->person, "person", sql.data, return_id);

	resetStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT r.person_id");
	append_items(&sql, SEN2_K_REQUEST, "r");
	append_items(&sql, SEN2_K_ASSESSMENT, "a");
	append_items(&sql, SEN2_K_NAMED_PLAN, "n");
	append_items(&sql, SEN2_K_ACTIVE_PLANS, "ap");
	appendStringInfoString(&sql,
						   " FROM sen2.request r"
						   " LEFT JOIN sen2.assessment a ON a.request_id = r.request_id"
						   " LEFT JOIN sen2.named_plan n ON n.assessment_id = a.assessment_id"
						   " LEFT JOIN sen2.active_plans ap ON ap.request_id = r.request_id"
						   " WHERE r.return_id = $1 ORDER BY r.person_id, r.seq, r.request_id");
	stream_open(&l->request, "request", sql.data, return_id);

	resetStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT r.person_id, r.request_id");
	append_items(&sql, SEN2_K_PLAN_DETAIL, "d");
	appendStringInfoString(&sql,
						   " FROM sen2.plan_detail d"
						   " JOIN sen2.named_plan n ON n.named_plan_id = d.named_plan_id"
						   " JOIN sen2.assessment a ON a.assessment_id = n.assessment_id"
						   " JOIN sen2.request r ON r.request_id = a.request_id"
						   " WHERE d.return_id = $1 ORDER BY r.person_id, d.named_plan_id, d.seq, d.plan_detail_id");
	stream_open(&l->plan_detail, "plan detail", sql.data, return_id);

	resetStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT r.person_id, r.request_id");
	append_items(&sql, SEN2_K_PLACEMENT, "d");
	appendStringInfoString(&sql,
						   " FROM sen2.placement_detail d"
						   " JOIN sen2.active_plans ap ON ap.active_plans_id = d.active_plans_id"
						   " JOIN sen2.request r ON r.request_id = ap.request_id"
						   " WHERE d.return_id = $1 ORDER BY r.person_id, d.active_plans_id, d.seq, d.placement_detail_id");
	stream_open(&l->placement, "placement detail", sql.data, return_id);

	resetStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT r.person_id, r.request_id");
	append_items(&sql, SEN2_K_SEN_NEED, "d");
	appendStringInfoString(&sql,
						   " FROM sen2.sen_need d"
						   " JOIN sen2.active_plans ap ON ap.active_plans_id = d.active_plans_id"
						   " JOIN sen2.request r ON r.request_id = ap.request_id"
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
	person->position = (int) DatumGetInt64(ps->values[1]);
	fill_node(person, ps, 2);
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
	stream_close(&l->person);
	stream_close(&l->request);
	stream_close(&l->plan_detail);
	stream_close(&l->placement);
	stream_close(&l->sen_need);
	MemoryContextDelete(l->cxt);
}
