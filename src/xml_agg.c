/*
 * xml_agg.c
 *		sen2.xml_agg(person record, header record [, key1 bigint [, key2 bigint]])
 *		and the line functions behind sen2.return_xml_rows.
 *
 * The aggregate writes an SEN2 document in one pass, in the manner of
 * PostGIS's ST_AsMVT: it accepts any row whose column names are SEN2 items,
 * with nested modules as records or arrays of records, so it serves the
 * staging tables and an authority's own warehouse views alike.  Element
 * names, nesting and order come from sen2.element for the collection year
 * of the header, never from this file (docs/xml-writer.md).
 *
 * Why this shape:
 *	- PostgreSQL's xmlagg copies its whole state on every row (quadratic).
 *	  Here each person is escaped once into one growing buffer (xmlout.c),
 *	  so the cost is linear in the output.
 *	- The layout is read once per call site and collection year and kept in
 *	  fn_extra; the mapping from a row type's columns to elements is worked
 *	  out once per (element, row type) and kept there too, so a row costs a
 *	  deform and a walk over the layout, nothing more.
 *	- Per-row temporaries (detoasted values, deconstructed arrays, output
 *	  function results) live in a context that is reset after every row:
 *	  the state grows with the output only.
 *	- For parallel plans the state is a buffer of whole <Person> chunks plus,
 *	  when sort keys are given, an index (key1, key2, offset, length).
 *	  Partial states are serialized, concatenated by the combine function,
 *	  and the final function copies chunks in key order (NULLs last, ties
 *	  broken by the chunk bytes), so the document is the same whatever the
 *	  plan.  Without keys the order is the order rows arrive in.
 *	- A PostgreSQL value stops at 1 GB.  The writer is given that limit up
 *	  front and fails with ERRCODE_PROGRAM_LIMIT_EXCEEDED, and a hint to
 *	  stream instead, before any allocation would fail.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "catalog/pg_operator_d.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "nodes/primnodes.h"
#include "optimizer/optimizer.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "utils/xml.h"

#include "xml_agg.h"
#include "xmlout.h"

PG_FUNCTION_INFO_V1(sen2_xml_agg_transfn);
PG_FUNCTION_INFO_V1(sen2_xml_agg_combinefn);
PG_FUNCTION_INFO_V1(sen2_xml_agg_serialfn);
PG_FUNCTION_INFO_V1(sen2_xml_agg_deserialfn);
PG_FUNCTION_INFO_V1(sen2_xml_agg_finalfn);
PG_FUNCTION_INFO_V1(sen2_xml_person);
PG_FUNCTION_INFO_V1(sen2_xml_open);
PG_FUNCTION_INFO_V1(sen2_xml_close);

#define XML_DECLARATION SEN2_XML_DECLARATION

/* The largest document: one PostgreSQL value, header included. */
#define XA_HARD_LIMIT ((size_t) (MaxAllocSize - VARHDRSZ))

/* A guard against a layout whose parents form a very deep chain. */
#define XA_MAX_DEPTH 32

/* Every output path escapes the same way, so the lines of
 * sen2.return_xml_rows joined by "\n" are byte for byte sen2.return_xml. */
#define XA_FLAGS XO_COPY_SAFE

/* ------------------------------------------------------------------------
 * The layout of one collection year, read from sen2.element.
 * ------------------------------------------------------------------------ */

typedef struct XaMap XaMap;

typedef struct XaNode
{
	char	   *name;			/* element name */
	char	   *path;			/* Message/Persons/Person/... for messages */
	char	   *module;
	char	   *column;			/* item: column_name; nested group: module */
	char	   *alias;			/* the element name in lower case */
	char	   *open_tag;		/* "<Name>" */
	char	   *close_tag;		/* "</Name>" */
	int			open_len;
	int			close_len;
	bool		is_group;
	int			max_occurs;		/* 0: unbounded */
	int			year;			/* of the layout, for messages */
	bool		nested;			/* a group of another module than its parent */
	bool		holds_row;		/* the row element is inside (or is) this node */
	struct XaNode *parent;
	int			nchildren;
	struct XaNode **children;
	/* for record nodes (the root, the row and every nested group) */
	int			nfields;		/* items and nested groups read from this record */
	struct XaNode **fields;
	int			slot;			/* this node's index in its record node's fields */
	XaMap	   *last_map;		/* the map used last for this node */
} XaNode;

typedef struct XaLayout
{
	int			year;
	XaNode	   *root;			/* Message */
	XaNode	   *row;			/* Person */
	struct XaLayout *next;
} XaLayout;

/* How a column's value becomes element text */
typedef enum XaKind
{
	XK_ABSENT,					/* the record has no such column */
	XK_TEXT,					/* text, varchar: the bytes as stored */
	XK_BPCHAR,					/* char(n): without the padding */
	XK_DATE,					/* YYYY-MM-DD whatever DateStyle says */
	XK_BOOL,					/* 1 / 0 as SEN2 writes booleans */
	XK_TIMESTAMP,				/* YYYY-MM-DDThh:mm:ss */
	XK_TIMESTAMPTZ,				/* the same, in the session time zone */
	XK_OUTPUT,					/* anything else: the type's output function */
	XK_RECORD,					/* a nested group as one record */
	XK_ARRAY,					/* a nested group as an array of records */
	XK_INLINE					/* a nested group of at most one, as columns of
								 * the parent record itself */
} XaKind;

typedef struct XaField
{
	XaKind		kind;
	int			attno;			/* index into the deformed values */
	const char *colname;
	Oid			typid;
	FmgrInfo	outfn;			/* XK_OUTPUT, and non-finite dates/timestamps */
	bool		has_outfn;
	Oid			elemtype;		/* XK_ARRAY */
	int16		elmlen;
	bool		elmbyval;
	char		elmalign;
	struct XaMap *inline_map;	/* XK_INLINE: shares the parent's values */
} XaField;

/* The columns of one row type matched to the fields of one record node */
struct XaMap
{
	XaNode	   *node;
	Oid			typid;
	int32		typmod;
	TupleDesc	tupdesc;
	Datum	   *values;
	bool	   *nulls;
	XaField    *fields;			/* node->nfields of them */
	int			id_attno;		/* person_id, for messages (-1: none) */
	struct XaMap *next;
};

/* Kept in fn_extra: lives as long as the query */
typedef struct XaCache
{
	MemoryContext mcxt;
	MemoryContext rowcxt;		/* reset after every row */
	XaLayout   *layouts;
	XaMap	   *maps;
} XaCache;

/* What an error message needs to know about the row being written */
typedef struct XaCtx
{
	XaCache    *cache;
	XmlOut	   *out;
	XaMap	   *rowmap;			/* the person record, once deformed */
	int			nkeys;
	int64		key[2];
	bool		keynull[2];
	int64		ordinal;		/* persons seen so far by this state; -1: one person */
	bool		header;			/* writing the header, not a person */
	size_t		limit;			/* of the document, for XO_TOO_BIG */
	int64		extra;			/* bytes of the document outside cx->out, less
								 * any bytes in cx->out that are not part of it */
} XaCtx;

/* ------------------------------------------------------------------------
 * The aggregate state
 * ------------------------------------------------------------------------ */

typedef struct XaChunk
{
	int64		key[2];
	uint64		off;
	uint32		len;
	uint8		nulls;			/* bit 0: key[0] is NULL, bit 1: key[1] */
} XaChunk;

typedef struct XaState
{
	MemoryContext mcxt;			/* the aggregate context: all below lives here */
	int			nkeys;
	int			year;
	bool		has_header;
	char	   *prefix;			/* declaration, frame up to the persons */
	size_t		prefix_len;
	char	   *suffix;			/* the frame after the persons */
	size_t		suffix_len;
	char	   *header_raw;		/* the first header record, for a quick compare */
	uint32		header_raw_len;
	size_t		limit;			/* of the whole document */
	XoAllocator mem;
	XmlOut		body;			/* the <Person> chunks, each ending in "\n" */
	XaChunk    *chunks;			/* only with sort keys */
	size_t		nchunks;
	size_t		chunks_cap;
	bool		sorted;			/* chunks are in key order as they stand */
	bool		presorted;		/* rows come in key order (ORDER BY the keys):
								 * chunks holds only the last persons with
								 * equal keys */
	bool		framed;			/* body starts with a varlena header and the
								 * prefix (sen2_xml_doc_begin) */
	int64		npersons;
} XaState;

/* ------------------------------------------------------------------------
 * Memory for the writer
 * ------------------------------------------------------------------------ */

static void *
xa_alloc(void *ctx, size_t size)
{
	return MemoryContextAlloc((MemoryContext) ctx, size);
}

static void *
xa_grow(void *ctx, void *ptr, size_t size)
{
	return repalloc(ptr, size);
}

static void
xa_release(void *ctx, void *ptr)
{
	pfree(ptr);
}

static void
xa_mem_init(XoAllocator *mem, MemoryContext cxt)
{
	mem->alloc = xa_alloc;
	mem->grow = xa_grow;
	mem->release = xa_release;
	mem->ctx = cxt;
}

/*
 * The document limit: 1 GB, or less when the placeholder setting
 * sen2.xml_max_bytes asks for less (tests use it to reach the limit without
 * writing a gigabyte).
 */
static size_t
xa_limit(bool *lowered)
{
	const char *s = GetConfigOption("sen2.xml_max_bytes", true, false);

	*lowered = false;
	if (s != NULL && *s != '\0')
	{
		char	   *end;
		long long	v = strtoll(s, &end, 10);

		if (*end == '\0' && v > 0 && (unsigned long long) v < XA_HARD_LIMIT)
		{
			*lowered = true;
			return (size_t) v;
		}
	}
	return XA_HARD_LIMIT;
}

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

static char *
describe_row(XaCtx *cx)
{
	if (cx->header)
		return pstrdup("the return header");
	if (cx->rowmap != NULL && cx->rowmap->id_attno >= 0 &&
		!cx->rowmap->nulls[cx->rowmap->id_attno])
	{
		XaMap	   *m = cx->rowmap;
		Form_pg_attribute att = TupleDescAttr(m->tupdesc, m->id_attno);
		Oid			outfn;
		bool		isvarlena;

		getTypeOutputInfo(att->atttypid, &outfn, &isvarlena);
		return psprintf("the person with person_id %s",
						OidOutputFunctionCall(outfn, m->values[m->id_attno]));
	}
	if (cx->nkeys > 0)
	{
		char		k[2][24];
		int			i;

		for (i = 0; i < 2; i++)
		{
			if (cx->keynull[i])
				strcpy(k[i], "NULL");
			else
				snprintf(k[i], sizeof(k[i]), INT64_FORMAT, cx->key[i]);
		}
		return cx->nkeys == 1 ? psprintf("the person with sort key %s", k[0])
			: psprintf("the person with sort key (%s, %s)", k[0], k[1]);
	}
	if (cx->ordinal < 0)
		return pstrdup("the person record");
	return psprintf("person number " INT64_FORMAT " (in the order rows reached this aggregate)",
					cx->ordinal + 1);
}

static void
too_big_error(size_t limit, bool lowered, size_t reached, int64 persons)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("SEN2 XML document is too large for one value"),
			 errdetail_plural("The document would pass %zu bytes (%s); it had reached %zu bytes with " INT64_FORMAT " person written.",
							  "The document would pass %zu bytes (%s); it had reached %zu bytes with " INT64_FORMAT " persons written.",
							  (unsigned long) persons,
							  limit,
							  lowered ? "the limit set by sen2.xml_max_bytes"
							  : "PostgreSQL values are limited to 1 GB",
							  reached, persons),
			 errhint("Write one document per return (GROUP BY return_id), or stream the document "
					 "in lines with COPY (SELECT line FROM sen2.return_xml_rows(return_id) AS line) TO STDOUT.")));
}

/* Turns a writer status into an error naming the item and the row. */
static void
xa_fail(XaCtx *cx, XoStatus st, const XaNode *node, const char *colname)
{
	XmlOut	   *o = cx->out;

	switch (st)
	{
		case XO_BAD_CHAR:
			ereport(ERROR,
					(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
					 errmsg("cannot write %s as XML: character U+%04X is not allowed in XML 1.0",
							node->path, (unsigned) o->err_char),
					 errdetail("The value of column \"%s\" in %s has U+%04X at byte %zu.",
							   colname, describe_row(cx), (unsigned) o->err_char,
							   o->err_offset + 1),
					 errhint("XML 1.0 has no way to write control characters other than tab, line feed "
							 "and carriage return (nor U+FFFE, U+FFFF). Correct the value at source, "
							 "e.g. regexp_replace(%s, '[\\x01-\\x08\\x0B\\x0C\\x0E-\\x1F]', '', 'g').",
							 colname)));
			break;
		case XO_BAD_UTF8:
			ereport(ERROR,
					(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
					 errmsg("cannot write %s as XML: the value is not valid UTF-8", node->path),
					 errdetail("The value of column \"%s\" in %s has the byte 0x%02X at byte %zu, which does not start a valid UTF-8 character.",
							   colname, describe_row(cx), (unsigned) o->err_char,
							   o->err_offset + 1),
					 errhint("SEN2 files are UTF-8. Convert the value at source, e.g. convert_from(convert_to(%s, 'SQL_ASCII'), 'LATIN1') for Latin-1 bytes.",
							 colname)));
			break;
		case XO_TOO_BIG:
			{
				bool		lowered;

				(void) xa_limit(&lowered);
				too_big_error(cx->limit, lowered, (size_t) (cx->extra + (int64) o->len),
							  Max(cx->ordinal, 0));
			}
			break;
		case XO_NO_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while writing SEN2 XML")));
			break;
		default:
			elog(ERROR, "sen2 xml writer: unexpected status %d at %s", (int) st, node->path);
	}
}

/* ------------------------------------------------------------------------
 * Reading the layout
 * ------------------------------------------------------------------------ */

typedef struct XaRow
{
	char	   *parent;
	char	   *element;
	bool		is_group;
	int			max_occurs;
	char	   *module;
	char	   *column;
	XaNode	   *node;
} XaRow;

static void
layout_error(int year, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("the XML layout of collection year %d in sen2.element cannot be written", year),
			 errdetail("%s", detail),
			 errhint("Correct the year's rows in sen2.ref_element (origin = 'local' rows override the built-in ones).")));
}

static char *
make_tag(MemoryContext cxt, const char *name, bool close, int *len)
{
	char	   *t = MemoryContextAlloc(cxt, strlen(name) + 4);

	*len = sprintf(t, close ? "</%s>" : "<%s>", name);
	return t;
}

static XaNode *
build_node(XaCache *c, int year, XaRow *rows, int nrows, int idx, XaNode *parent,
		   int depth, int *reached)
{
	XaRow	   *r = &rows[idx];
	XaNode	   *n = MemoryContextAllocZero(c->mcxt, sizeof(XaNode));
	int			i,
				k;

	if (depth > XA_MAX_DEPTH)
		layout_error(year, psprintf("Elements are nested more than %d deep below %s (is there a cycle?).",
									XA_MAX_DEPTH, r->element));
	if (r->node != NULL)
		layout_error(year, psprintf("Element %s is reached twice.", r->element));
	r->node = n;
	(*reached)++;

	n->name = r->element;
	n->module = r->module;
	n->is_group = r->is_group;
	n->max_occurs = r->max_occurs;
	n->year = year;
	n->parent = parent;
	n->path = parent ? MemoryContextStrdup(c->mcxt, psprintf("%s/%s", parent->path, r->element))
		: r->element;
	n->alias = MemoryContextStrdup(c->mcxt, r->element);
	for (char *p = n->alias; *p; p++)
		*p = pg_ascii_tolower((unsigned char) *p);
	n->open_tag = make_tag(c->mcxt, r->element, false, &n->open_len);
	n->close_tag = make_tag(c->mcxt, r->element, true, &n->close_len);
	n->nested = parent != NULL && n->is_group && strcmp(n->module, parent->module) != 0;
	n->column = n->is_group ? r->module : r->column;

	if (!n->is_group)
		return n;

	for (i = 0, k = 0; i < nrows; i++)
		if (strcmp(rows[i].parent, r->element) == 0)
			k++;
	n->children = MemoryContextAllocZero(c->mcxt, sizeof(XaNode *) * Max(k, 1));
	/* rows come ordered by parent, position, element */
	for (i = 0; i < nrows; i++)
		if (strcmp(rows[i].parent, r->element) == 0)
			n->children[n->nchildren++] = build_node(c, year, rows, nrows, i, n, depth + 1, reached);
	return n;
}

/* Collects the items and nested groups a record node reads from its record. */
static void
collect_fields(XaNode *n, XaNode *skip, XaNode **out, int *count)
{
	for (int i = 0; i < n->nchildren; i++)
	{
		XaNode	   *ch = n->children[i];

		if (ch == skip)
			continue;
		if (!ch->is_group || ch->nested)
		{
			ch->slot = *count;
			out[(*count)++] = ch;
		}
		else
			collect_fields(ch, skip, out, count);
	}
}

static int
count_nodes(XaNode *n)
{
	int			k = 1;

	for (int i = 0; i < n->nchildren; i++)
		k += count_nodes(n->children[i]);
	return k;
}

static void
setup_record_nodes(XaNode *n, XaNode *row, XaNode *root)
{
	if (n == root || n->nested)
	{
		int			max = count_nodes(n);

		n->fields = palloc0(sizeof(XaNode *) * max);
		collect_fields(n, n == root ? row : NULL, n->fields, &n->nfields);
	}
	for (int i = 0; i < n->nchildren; i++)
		setup_record_nodes(n->children[i], row, root);
}

static XaNode *
find_row_node(XaNode *n, int year)
{
	XaNode	   *found = NULL;

	for (int i = 0; i < n->nchildren; i++)
	{
		XaNode	   *ch = n->children[i];
		XaNode	   *f = NULL;

		if (!ch->is_group)
			continue;
		if (ch->nested)
			f = ch;
		else
			f = find_row_node(ch, year);
		if (f != NULL)
		{
			if (found != NULL)
				layout_error(year, psprintf("Both %s and %s are modules of their own directly below the header; only one (the person) can be.",
											found->path, f->path));
			found = f;
		}
	}
	return found;
}

static XaLayout *
load_layout(XaCache *c, int year)
{
	XaLayout   *lay;
	MemoryContext old;
	Oid			argtypes[1] = {INT4OID};
	Datum		args[1];
	XaRow	   *rows;
	int			nrows,
				root = -1,
				reached = 0,
				i,
				j;
	int			ret;

	for (lay = c->layouts; lay != NULL; lay = lay->next)
		if (lay->year == year)
			return lay;

	args[0] = Int32GetDatum(year);

	/*
	 * The aggregate runs under the caller's search_path (a SET clause on it
	 * would be applied for every row), so the query names its operators.
	 */
	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(ret));
	ret = SPI_execute_with_args(
		"SELECT parent, element, kind OPERATOR(pg_catalog.=) 'group', module, column_name, "
		"       coalesce(max_occurs, 0) "
		"  FROM sen2.element WHERE collection_year OPERATOR(pg_catalog.=) $1 "
		" ORDER BY parent, position, element",
		1, argtypes, args, NULL, true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading sen2.element failed: %s", SPI_result_code_string(ret));

	nrows = (int) SPI_processed;
	old = MemoryContextSwitchTo(c->mcxt);
	rows = palloc0(sizeof(XaRow) * Max(nrows, 1));
	for (i = 0; i < nrows; i++)
	{
		HeapTuple	t = SPI_tuptable->vals[i];
		TupleDesc	d = SPI_tuptable->tupdesc;
		char	   *g;

		rows[i].parent = SPI_getvalue(t, d, 1);
		rows[i].element = SPI_getvalue(t, d, 2);
		g = SPI_getvalue(t, d, 3);
		rows[i].is_group = g != NULL && g[0] == 't';
		rows[i].module = SPI_getvalue(t, d, 4);
		rows[i].column = SPI_getvalue(t, d, 5);
		{
			bool		isnull;
			Datum		v = SPI_getbinval(t, d, 6, &isnull);

			rows[i].max_occurs = isnull ? 0 : DatumGetInt32(v);
		}
	}
	MemoryContextSwitchTo(old);
	SPI_finish();

	if (nrows == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("collection year %d has no XML layout in sen2.element", year),
				 errhint("SELECT collection_year FROM sen2.collection lists the known years; sen2.copy_reference_year adds one.")));

	for (i = 0; i < nrows; i++)
	{
		XaRow	   *r = &rows[i];

		if (r->parent == NULL || r->element == NULL || r->module == NULL)
			layout_error(year, "A row has no parent, element or module.");
		if (!xo_name_ok(r->element, strlen(r->element)))
			layout_error(year, psprintf("\"%s\" is not an element name the writer accepts (ASCII letters, digits, '_', '-', '.', starting with a letter or '_').",
										r->element));
		if (!r->is_group && r->column == NULL)
			layout_error(year, psprintf("Item %s has no column_name.", r->element));
		if (strcmp(r->parent, "/") == 0)
		{
			if (root >= 0)
				layout_error(year, psprintf("Both %s and %s have parent '/'.", rows[root].element, r->element));
			if (!r->is_group)
				layout_error(year, psprintf("The root %s must be a group.", r->element));
			root = i;
			continue;
		}
		/* the parent must be exactly one group */
		{
			int			parents = 0;

			for (j = 0; j < nrows; j++)
				if (rows[j].is_group && strcmp(rows[j].element, r->parent) == 0)
					parents++;
			if (parents == 0)
				layout_error(year, psprintf("The parent %s of %s is not a group of that year.", r->parent, r->element));
			if (parents > 1)
				layout_error(year, psprintf("There are %d groups called %s, so children of %s cannot be placed.",
											parents, r->parent, r->parent));
		}
		for (j = 0; j < i; j++)
			if (strcmp(rows[j].parent, r->parent) == 0 && strcmp(rows[j].element, r->element) == 0)
				layout_error(year, psprintf("%s appears twice under %s.", r->element, r->parent));
	}
	if (root < 0)
		layout_error(year, "No element has parent '/' (the root, Message).");

	old = MemoryContextSwitchTo(c->mcxt);
	lay = palloc0(sizeof(XaLayout));
	lay->year = year;
	lay->root = build_node(c, year, rows, nrows, root, NULL, 0, &reached);
	if (reached != nrows)
	{
		for (i = 0; i < nrows; i++)
			if (rows[i].node == NULL)
				layout_error(year, psprintf("Element %s (parent %s) cannot be reached from the root %s.",
											rows[i].element, rows[i].parent, rows[root].element));
	}
	lay->row = find_row_node(lay->root, year);
	if (lay->row == NULL)
		layout_error(year, psprintf("No group below %s belongs to a module other than %s, so there is no person element.",
									lay->root->name, lay->root->module));
	for (XaNode *n = lay->row; n != NULL; n = n->parent)
		n->holds_row = true;
	setup_record_nodes(lay->root, lay->row, lay->root);
	MemoryContextSwitchTo(old);

	lay->next = c->layouts;
	c->layouts = lay;
	return lay;
}

/* ------------------------------------------------------------------------
 * Matching the columns of a row type to a record node
 * ------------------------------------------------------------------------ */

static bool
name_matches(const char *col, const XaNode *n)
{
	return strcmp(col, n->column) == 0 || strcmp(col, n->alias) == 0 ||
		strcmp(col, n->name) == 0;
}

/*
 * Resolves the fields of m->node against m->tupdesc.  Returns how many
 * fields the record supplies (columns found, directly or inline).
 */
static int
fill_map(XaCache *c, XaMap *m)
{
	XaNode	   *node = m->node;
	TupleDesc	td = m->tupdesc;
	int			present = 0;

	m->fields = palloc0(sizeof(XaField) * Max(node->nfields, 1));
	for (int f = 0; f < node->nfields; f++)
	{
		XaNode	   *el = node->fields[f];
		XaField    *fd = &m->fields[f];
		Oid			base;

		fd->kind = XK_ABSENT;
		fd->attno = -1;
		for (int a = 0; a < td->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(td, a);

			if (att->attisdropped || !name_matches(NameStr(att->attname), el))
				continue;
			if (fd->attno >= 0)
				ereport(ERROR,
						(errcode(ERRCODE_AMBIGUOUS_COLUMN),
						 errmsg("columns \"%s\" and \"%s\" of the %s record both name element %s",
								fd->colname, NameStr(att->attname), node->name, el->path),
						 errhint("Keep one of them (or rename the other) in the query that feeds sen2.xml_agg.")));
			fd->attno = a;
			fd->colname = pstrdup(NameStr(att->attname));
			fd->typid = att->atttypid;
		}
		if (fd->attno < 0)
		{
			/*
			 * A module that occurs at most once may come as columns of the
			 * parent row (a flat view of a request with its assessment and
			 * plan, say) instead of a record column of its own.
			 */
			if (el->nested && el->max_occurs == 1)
			{
				XaMap	   *im = palloc0(sizeof(XaMap));

				im->node = el;
				im->typid = m->typid;
				im->typmod = m->typmod;
				im->tupdesc = td;
				im->values = m->values;
				im->nulls = m->nulls;
				im->id_attno = -1;
				if (fill_map(c, im) > 0)
				{
					fd->kind = XK_INLINE;
					fd->inline_map = im;
					present++;
				}
			}
			continue;
		}
		present++;

		base = getBaseType(fd->typid);
		if (el->nested)
		{
			Oid			elem = get_element_type(base);

			if (type_is_rowtype(base))
				fd->kind = XK_RECORD;
			else if (OidIsValid(elem) && type_is_rowtype(elem))
			{
				fd->kind = XK_ARRAY;
				fd->elemtype = elem;
				get_typlenbyvalalign(elem, &fd->elmlen, &fd->elmbyval, &fd->elmalign);
			}
			else
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" of the %s record must be a record or an array of records",
								fd->colname, node->name),
						 errdetail("It holds the group %s; its type is %s.", el->path, format_type_be(fd->typid))));
			continue;
		}
		if (type_is_rowtype(base) ||
			(OidIsValid(get_element_type(base)) && type_is_rowtype(get_element_type(base))))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" of the %s record is a record, but %s is a single item",
							fd->colname, node->name, el->path)));
		switch (base)
		{
			case TEXTOID:
			case VARCHAROID:
				fd->kind = XK_TEXT;
				break;
			case BPCHAROID:
				fd->kind = XK_BPCHAR;
				break;
			case DATEOID:
				fd->kind = XK_DATE;
				break;
			case BOOLOID:
				fd->kind = XK_BOOL;
				break;
			case TIMESTAMPOID:
				fd->kind = XK_TIMESTAMP;
				break;
			case TIMESTAMPTZOID:
				fd->kind = XK_TIMESTAMPTZ;
				break;
			default:
				fd->kind = XK_OUTPUT;
				break;
		}
		if (fd->kind != XK_TEXT && fd->kind != XK_BPCHAR && fd->kind != XK_BOOL)
		{
			Oid			outfn;
			bool		isvarlena;

			getTypeOutputInfo(fd->typid, &outfn, &isvarlena);
			fmgr_info_cxt(outfn, &fd->outfn, c->mcxt);
			fd->has_outfn = true;
		}
	}
	return present;
}

static XaMap *
build_map(XaCache *c, XaNode *node, Oid typid, int32 typmod)
{
	MemoryContext old = MemoryContextSwitchTo(c->mcxt);
	XaMap	   *m = palloc0(sizeof(XaMap));
	TupleDesc	td = lookup_rowtype_tupdesc_copy(typid, typmod);

	m->node = node;
	m->typid = typid;
	m->typmod = typmod;
	m->tupdesc = td;
	m->values = palloc0(sizeof(Datum) * Max(td->natts, 1));
	m->nulls = palloc0(sizeof(bool) * Max(td->natts, 1));
	m->id_attno = -1;
	if (fill_map(c, m) == 0)
	{
		StringInfoData cols;
		const char *what = node->parent == NULL ? "header" : node->name;

		initStringInfo(&cols);
		for (int a = 0; a < td->natts; a++)
			if (!TupleDescAttr(td, a)->attisdropped)
				appendStringInfo(&cols, "%s%s", cols.len ? ", " : "",
								 NameStr(TupleDescAttr(td, a)->attname));
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("no column of the %s record names an element of %s", what, node->path),
				 errdetail("The record's columns are: %s.", cols.len ? cols.data : "(none)"),
				 errhint("Name the columns after the staging tables, e.g. SELECT family_name AS surname; "
						 "SELECT element, column_name FROM sen2.element WHERE collection_year = %d lists them.",
						 node->year)));
	}

	for (int a = 0; a < td->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(td, a);

		if (!att->attisdropped && strcmp(NameStr(att->attname), "person_id") == 0)
			m->id_attno = a;
	}

	MemoryContextSwitchTo(old);
	m->next = c->maps;
	c->maps = m;
	return m;
}

static inline XaMap *
get_map(XaCache *c, XaNode *node, Oid typid, int32 typmod)
{
	XaMap	   *m = node->last_map;

	if (m != NULL && m->typid == typid && m->typmod == typmod)
		return m;
	for (m = c->maps; m != NULL; m = m->next)
		if (m->node == node && m->typid == typid && m->typmod == typmod)
			break;
	if (m == NULL)
		m = build_map(c, node, typid, typmod);
	node->last_map = m;
	return m;
}

/* Deforms a record datum with the map for its type. */
static XaMap *
deform(XaCache *c, XaNode *node, Datum d)
{
	HeapTupleHeader th = DatumGetHeapTupleHeader(d);
	HeapTupleData tup;
	XaMap	   *m = get_map(c, node, HeapTupleHeaderGetTypeId(th), HeapTupleHeaderGetTypMod(th));

	tup.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tup.t_self);
	tup.t_tableOid = InvalidOid;
	tup.t_data = th;
	heap_deform_tuple(&tup, m->tupdesc, m->values, m->nulls);
	return m;
}

/* ------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------ */

static inline void
put_raw(XaCtx *cx, const XaNode *n, const char *s, size_t len)
{
	XoStatus	st = xo_raw(cx->out, s, len);

	if (st != XO_OK)
		xa_fail(cx, st, n, "");
}

/*
 * Writes one item.  An empty value is left out like a NULL: SEN2 has no item
 * whose value can be empty, and an empty tag fails any schema.
 */
static bool
put_value(XaCtx *cx, const XaNode *n, XaField *fd, Datum v)
{
	char		buf[MAXDATELEN + 1];
	const char *s = NULL;
	size_t		len = 0;
	XoStatus	st;

	switch (fd->kind)
	{
		case XK_TEXT:
		case XK_BPCHAR:
			{
				text	   *t = DatumGetTextPP(v);

				s = VARDATA_ANY(t);
				len = VARSIZE_ANY_EXHDR(t);
				if (fd->kind == XK_BPCHAR)
					while (len > 0 && s[len - 1] == ' ')
						len--;
			}
			break;
		case XK_BOOL:
			s = DatumGetBool(v) ? "1" : "0";
			len = 1;
			break;
		case XK_DATE:
			{
				DateADT		d = DatumGetDateADT(v);
				int			y,
							mo,
							dd;

				if (!DATE_NOT_FINITE(d))
				{
					j2date(d + POSTGRES_EPOCH_JDATE, &y, &mo, &dd);
					if (y >= 1 && y <= 9999)
					{
						len = snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, mo, dd);
						s = buf;
					}
				}
			}
			break;
		case XK_TIMESTAMP:
		case XK_TIMESTAMPTZ:
			{
				Timestamp	ts = DatumGetTimestamp(v);
				struct pg_tm tm;
				fsec_t		fsec;
				int			tz;

				if (!TIMESTAMP_NOT_FINITE(ts) &&
					timestamp2tm(ts, fd->kind == XK_TIMESTAMPTZ ? &tz : NULL, &tm, &fsec, NULL, NULL) == 0 &&
					tm.tm_year >= 1 && tm.tm_year <= 9999)
				{
					len = snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d",
								   tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
					s = buf;
				}
			}
			break;
		default:
			break;
	}
	if (s == NULL)
	{
		/* XK_OUTPUT, and dates that have no ISO form (infinity, BC) */
		s = OutputFunctionCall(&fd->outfn, v);
		len = strlen(s);
	}
	if (len == 0)
		return false;

	if ((st = xo_raw(cx->out, n->open_tag, n->open_len)) != XO_OK ||
		(st = xo_text(cx->out, s, len)) != XO_OK ||
		(st = xo_raw(cx->out, n->close_tag, n->close_len)) != XO_OK)
		xa_fail(cx, st, n, fd->colname);
	return true;
}

static bool write_record(XaCtx *cx, XaNode *rec, Datum d);
static bool write_record_map(XaCtx *cx, XaNode *rec, XaMap *m);
static text *xml_line(FmgrInfo *flinfo, Datum person, TupleDesc desc, const Datum *values,
					  const bool *nulls, int year);
static bool write_inline(XaCtx *cx, XaNode *rec, XaMap *m);

/*
 * Writes the children of node n, whose values are in map m (the deformed
 * record of n's record node).  Returns whether anything was written.
 */
static bool
write_children(XaCtx *cx, XaNode *n, XaMap *m)
{
	bool		any = false;

	for (int i = 0; i < n->nchildren; i++)
	{
		XaNode	   *ch = n->children[i];

		if (!ch->is_group || ch->nested)
		{
			XaField    *fd = &m->fields[ch->slot];
			Datum		v;

			if (fd->kind == XK_INLINE)
			{
				any |= write_inline(cx, ch, fd->inline_map);
				continue;
			}
			if (fd->kind == XK_ABSENT || m->nulls[fd->attno])
				continue;
			v = m->values[fd->attno];
			if (!ch->is_group)
				any |= put_value(cx, ch, fd, v);
			else if (fd->kind == XK_RECORD)
				any |= write_record(cx, ch, v);

			else
			{
				ArrayType  *arr = DatumGetArrayTypeP(v);
				Datum	   *elems;
				bool	   *enulls;
				int			nelems;

				deconstruct_array(arr, fd->elemtype, fd->elmlen, fd->elmbyval, fd->elmalign,
								  &elems, &enulls, &nelems);
				for (int e = 0; e < nelems; e++)
					if (!enulls[e])
						any |= write_record(cx, ch, elems[e]);
			}
		}
		else
		{
			/* a group written from the same record: omitted when empty */
			size_t		mark = cx->out->len;

			put_raw(cx, ch, ch->open_tag, ch->open_len);
			if (write_children(cx, ch, m))
			{
				put_raw(cx, ch, ch->close_tag, ch->close_len);
				any = true;
			}
			else
				xo_truncate(cx->out, mark);
		}
	}
	return any;
}

/* One record of a nested group (or the person): omitted when empty. */
static bool
write_record_map(XaCtx *cx, XaNode *rec, XaMap *m)
{
	size_t		mark = cx->out->len;

	if (rec->holds_row)
		cx->rowmap = m;			/* the person, for messages */
	put_raw(cx, rec, rec->open_tag, rec->open_len);
	if (write_children(cx, rec, m))
	{
		put_raw(cx, rec, rec->close_tag, rec->close_len);
		return true;
	}
	xo_truncate(cx->out, mark);
	return false;
}

static bool
write_record(XaCtx *cx, XaNode *rec, Datum d)
{
	return write_record_map(cx, rec, deform(cx->cache, rec, d));
}

/*
 * The map for a row given as columns (desc must be blessed: a registered
 * row type), with the row's values in it.
 */
static XaMap *
row_map(XaCache *c, XaNode *node, TupleDesc desc, const Datum *values, const bool *nulls)
{
	XaMap	   *m = get_map(c, node, desc->tdtypeid, desc->tdtypmod);

	memcpy(m->values, values, sizeof(Datum) * desc->natts);
	memcpy(m->nulls, nulls, sizeof(bool) * desc->natts);
	return m;
}

/* A module given as columns of its parent's record: omitted when empty. */
static bool
write_inline(XaCtx *cx, XaNode *rec, XaMap *m)
{
	size_t		mark = cx->out->len;

	put_raw(cx, rec, rec->open_tag, rec->open_len);
	if (write_children(cx, rec, m))
	{
		put_raw(cx, rec, rec->close_tag, rec->close_len);
		return true;
	}
	xo_truncate(cx->out, mark);
	return false;
}

/*
 * The frame: everything from the root down to the person element, with the
 * header items.  *split receives the offset where the persons go.
 */
static void
write_frame(XaCtx *cx, XaNode *n, XaMap *m, XaNode *row, size_t *split)
{
	for (int i = 0; i < n->nchildren; i++)
	{
		XaNode	   *ch = n->children[i];

		if (ch == row)
			*split = cx->out->len;
		else if (ch->holds_row)
		{
			put_raw(cx, ch, ch->open_tag, ch->open_len);
			write_frame(cx, ch, m, row, split);
			put_raw(cx, ch, ch->close_tag, ch->close_len);
		}
		else if (!ch->is_group)
		{
			XaField    *fd = &m->fields[ch->slot];

			if (fd->kind != XK_ABSENT && !m->nulls[fd->attno])
				(void) put_value(cx, ch, fd, m->values[fd->attno]);
		}
		else
		{
			size_t		mark = cx->out->len;

			put_raw(cx, ch, ch->open_tag, ch->open_len);
			if (write_children(cx, ch, m))
				put_raw(cx, ch, ch->close_tag, ch->close_len);
			else
				xo_truncate(cx->out, mark);
		}
	}
}

/* ------------------------------------------------------------------------
 * Shared set-up
 * ------------------------------------------------------------------------ */

static XaCache *
get_cache_fl(FmgrInfo *flinfo)
{
	XaCache    *c = (XaCache *) flinfo->fn_extra;

	if (c == NULL)
	{
		int			enc = GetDatabaseEncoding();

		if (enc != PG_UTF8 && enc != PG_SQL_ASCII)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("the SEN2 XML writer needs a UTF8 database"),
					 errdetail("This database's encoding is %s; SEN2 files are UTF-8 and the writer passes text through unchanged.",
							   GetDatabaseEncodingName()),
					 errhint("Create the database with ENCODING 'UTF8'.")));
		c = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(XaCache));
		c->mcxt = flinfo->fn_mcxt;
		c->rowcxt = AllocSetContextCreate(c->mcxt, "sen2 xml row", ALLOCSET_DEFAULT_SIZES);
		flinfo->fn_extra = c;
	}
	return c;
}

#define get_cache(fcinfo) get_cache_fl((fcinfo)->flinfo)

/*
 * The collection year a header record names: its collection_year column,
 * or else its year column (the raw text of <Year>).
 */
static int
header_year(Datum header)
{
	HeapTupleHeader th = DatumGetHeapTupleHeader(header);
	TupleDesc	td = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(th),
											HeapTupleHeaderGetTypMod(th));
	HeapTupleData tup;
	int			attno = -1;
	Oid			type = InvalidOid;
	bool		isnull;
	Datum		v;
	int64		y = 0;

	for (int a = 0; a < td->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(td, a);

		if (att->attisdropped)
			continue;
		if (strcmp(NameStr(att->attname), "collection_year") == 0 ||
			(attno < 0 && strcmp(NameStr(att->attname), "year") == 0))
		{
			attno = a;
			type = att->atttypid;
		}
	}
	if (attno < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("the header record has no collection_year or year column"),
				 errhint("The header is a row of sen2.return, or any row with the return's header items and a collection_year (or year) column.")));
	tup.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tup.t_self);
	tup.t_tableOid = InvalidOid;
	tup.t_data = th;
	v = heap_getattr(&tup, attno + 1, td, &isnull);
	ReleaseTupleDesc(td);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the header record's collection year is NULL")));
	switch (getBaseType(type))
	{
		case INT2OID:
			y = DatumGetInt16(v);
			break;
		case INT4OID:
			y = DatumGetInt32(v);
			break;
		case INT8OID:
			y = DatumGetInt64(v);
			break;
		default:
			{
				Oid			outfn;
				bool		isvarlena;
				char	   *s,
						   *end;

				getTypeOutputInfo(type, &outfn, &isvarlena);
				s = OidOutputFunctionCall(outfn, v);
				errno = 0;
				y = strtol(s, &end, 10);
				if (errno != 0 || end == s || *end != '\0')
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("the header record's collection year \"%s\" is not a number", s)));
			}
	}
	if (y < 1900 || y > 9999)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the header record's collection year " INT64_FORMAT " is out of range", y)));
	return (int) y;
}

/*
 * Writes the frame for a header into o: the root element with the header
 * items, up to and after the place of the persons, whose offset goes to
 * *split.
 */
static XaLayout *
frame_for_header(XaCache *c, Datum header, XmlOut *o, size_t *split)
{
	XaCtx		cx = {0};
	XaLayout   *lay = load_layout(c, header_year(header));
	XaMap	   *m = deform(c, lay->root, header);

	cx.cache = c;
	cx.out = o;
	cx.header = true;
	cx.limit = o->limit;
	*split = 0;
	put_raw(&cx, lay->root, lay->root->open_tag, lay->root->open_len);
	write_frame(&cx, lay->root, m, lay->row, split);
	put_raw(&cx, lay->root, lay->root->close_tag, lay->root->close_len);
	return lay;
}

/* ------------------------------------------------------------------------
 * The aggregate
 * ------------------------------------------------------------------------ */

static XaState *
new_state(MemoryContext aggcxt, int nkeys)
{
	XaState    *st = MemoryContextAllocZero(aggcxt, sizeof(XaState));

	st->mcxt = aggcxt;
	st->nkeys = nkeys;
	st->sorted = true;
	xa_mem_init(&st->mem, aggcxt);
	xo_init(&st->body, &st->mem, 0, XA_FLAGS);
	return st;
}

static void
state_set_frame(XaState *st, int year, const char *frame, size_t flen, size_t split)
{
	bool		lowered;
	size_t		dlen = strlen(XML_DECLARATION);

	st->year = year;
	st->prefix_len = dlen + 1 + split + 1;
	st->prefix = MemoryContextAlloc(st->mcxt, st->prefix_len);
	memcpy(st->prefix, XML_DECLARATION, dlen);
	st->prefix[dlen] = '\n';
	memcpy(st->prefix + dlen + 1, frame, split);
	st->prefix[st->prefix_len - 1] = '\n';
	st->suffix_len = flen - split;
	st->suffix = MemoryContextAlloc(st->mcxt, Max(st->suffix_len, 1));
	memcpy(st->suffix, frame + split, st->suffix_len);
	st->has_header = true;

	st->limit = xa_limit(&lowered);
	if (st->prefix_len + st->suffix_len > st->limit)
		too_big_error(st->limit, lowered, st->prefix_len + st->suffix_len, 0);
	st->body.limit = st->limit - st->prefix_len - st->suffix_len;
}

static void
state_header(XaState *st, XaCache *c, Datum header)
{
	HeapTupleHeader th = DatumGetHeapTupleHeader(header);
	uint32		rawlen = HeapTupleHeaderGetDatumLength(th);
	XoAllocator mem;
	XmlOut		o;
	size_t		split;
	XaLayout   *lay;

	/* the same header as before: nothing to do */
	if (st->has_header && st->header_raw_len == rawlen &&
		memcmp(st->header_raw, th, rawlen) == 0)
		return;

	xa_mem_init(&mem, CurrentMemoryContext);
	xo_init(&o, &mem, XA_HARD_LIMIT, XA_FLAGS);
	lay = frame_for_header(c, header, &o, &split);

	if (!st->has_header)
	{
		state_set_frame(st, lay->year, o.data, o.len, split);
		st->header_raw = MemoryContextAlloc(st->mcxt, rawlen);
		memcpy(st->header_raw, th, rawlen);
		st->header_raw_len = rawlen;
		return;
	}
	if (lay->year != st->year ||
		split + strlen(XML_DECLARATION) + 2 != st->prefix_len ||
		o.len - split != st->suffix_len ||
		memcmp(o.data, st->prefix + strlen(XML_DECLARATION) + 1, split) != 0 ||
		memcmp(o.data + split, st->suffix, st->suffix_len) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sen2.xml_agg was given different headers for one document"),
				 errdetail("One SEN2 file has one header; the rows of one aggregate call must all carry the same header record."),
				 errhint("Write one document per return: GROUP BY the return's key.")));
}

/* Key order: NULLs last. */
static int
chunk_key_cmp(const XaChunk *a, const XaChunk *b)
{
	for (int i = 0; i < 2; i++)
	{
		bool		an = (a->nulls >> i) & 1;
		bool		bn = (b->nulls >> i) & 1;

		if (an != bn)
			return an ? 1 : -1;	/* NULLs last */
		if (!an && a->key[i] != b->key[i])
			return a->key[i] < b->key[i] ? -1 : 1;
	}
	return 0;
}

/* Document order: key order, ties by the chunk's bytes. */
static int
chunk_cmp(const XaChunk *a, const XaChunk *b, const char *data)
{
	int			c = chunk_key_cmp(a, b);

	if (c != 0)
		return c;
	c = memcmp(data + a->off, data + b->off, Min(a->len, b->len));
	if (c != 0)
		return c;
	return a->len < b->len ? -1 : (a->len > b->len ? 1 : 0);
}

static int
chunk_qsort_cmp(const void *a, const void *b, void *arg)
{
	return chunk_cmp((const XaChunk *) a, (const XaChunk *) b, (const char *) arg);
}

/*
 * With presorted input: the persons with equal keys that end the body, from
 * the first one's offset up to end, put in byte order in place (ties are in
 * byte order, as in the sorted index).  Then the group is forgotten.
 */
static void
flush_group(XaState *st, size_t end)
{
	if (st->nchunks > 1)
	{
		size_t		start = st->chunks[0].off;
		size_t		pos = start;
		char	   *tmp = MemoryContextAllocHuge(st->mcxt, end - start);

		qsort_arg(st->chunks, st->nchunks, sizeof(XaChunk), chunk_qsort_cmp, st->body.data);
		memcpy(tmp, st->body.data + start, end - start);
		for (size_t i = 0; i < st->nchunks; i++)
		{
			memcpy(st->body.data + pos, tmp + (st->chunks[i].off - start), st->chunks[i].len);
			pos += st->chunks[i].len;
		}
		Assert(pos == end);
		pfree(tmp);
	}
	st->nchunks = 0;
}

static void
state_add_chunk(XaState *st, const XaChunk *ch)
{
	if (st->presorted && st->nchunks > 0)
	{
		int			c = chunk_key_cmp(&st->chunks[st->nchunks - 1], ch);

		if (c > 0)
			elog(ERROR, "sen2.xml_agg: a row arrived out of the order of the aggregate's ORDER BY");
		if (c < 0)
			flush_group(st, ch->off);
	}
	if (st->nchunks == st->chunks_cap)
	{
		size_t		ncap = st->chunks_cap ? st->chunks_cap * 2 : 1024;

		if (st->chunks == NULL)
			st->chunks = MemoryContextAllocHuge(st->mcxt, ncap * sizeof(XaChunk));
		else
			st->chunks = repalloc_huge(st->chunks, ncap * sizeof(XaChunk));
		st->chunks_cap = ncap;
	}
	if (st->sorted && !st->presorted && st->nchunks > 0 &&
		chunk_cmp(&st->chunks[st->nchunks - 1], ch, st->body.data) > 0)
		st->sorted = false;
	st->chunks[st->nchunks++] = *ch;
}

/*
 * Whether the aggregate call sorts its rows by exactly its sort keys, in
 * ascending order with NULLs last -- sen2.xml_agg(p, h, k1, k2 ORDER BY k1,
 * k2): then rows come in key order, and only persons with equal keys need
 * putting in order, so no index of every person is needed.  (PostgreSQL
 * runs such a call serially, sorting the rows itself within work_mem and
 * spilling to disk beyond.)
 */
static bool
ordered_by_keys(FunctionCallInfo fcinfo, int nkeys)
{
	Aggref	   *ar = AggGetAggref(fcinfo);
	ListCell   *lc;
	int			i = 0;

	if (ar == NULL || nkeys == 0 || ar->aggdistinct != NIL ||
		list_length(ar->aggorder) < nkeys)
		return false;
	foreach(lc, ar->aggorder)
	{
		SortGroupClause *sc = lfirst_node(SortGroupClause, lc);
		TargetEntry *tle;

		if (i == nkeys)
			break;
		tle = get_sortgroupclause_tle(sc, ar->args);
		if (tle->resno != 3 + i || sc->sortop != Int8LessOperator || sc->nulls_first)
			return false;
		i++;
	}
	return true;
}

/*
 * Writes one person at the end of the body: the record person, or the row
 * already in the map pm.  With sort keys, the person's chunk also goes into
 * the index.  st->body must be cx.out's buffer: the
 * document writer (below) keeps its own varlena header and prefix in front
 * of the persons, which "extra" accounts for in messages.
 */
static void
state_add_person(XaState *st, XaCache *c, Datum person, XaMap *pm, int nkeys,
				 const int64 *key, const bool *keynull)
{
	XaLayout   *lay = load_layout(c, st->year);
	XaCtx		cx = {0};
	size_t		start = st->body.len;

	cx.cache = c;
	cx.out = &st->body;
	cx.nkeys = nkeys;
	cx.ordinal = st->npersons;
	cx.limit = st->limit;
	cx.extra = st->framed ? (int64) st->suffix_len - VARHDRSZ
		: (int64) (st->prefix_len + st->suffix_len);
	for (int i = 0; i < 2; i++)
	{
		cx.keynull[i] = keynull[i];
		cx.key[i] = key[i];
	}
	if (pm != NULL ? write_record_map(&cx, lay->row, pm) : write_record(&cx, lay->row, person))
	{
		put_raw(&cx, lay->row, "\n", 1);
		if (nkeys > 0)
		{
			XaChunk		ch;

			ch.key[0] = cx.key[0];
			ch.key[1] = cx.key[1];
			ch.nulls = (cx.keynull[0] ? 1 : 0) | (cx.keynull[1] ? 2 : 0);
			ch.off = start;
			ch.len = (uint32) (st->body.len - start);
			state_add_chunk(st, &ch);
		}
		st->npersons++;
	}
}

Datum
sen2_xml_agg_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	MemoryContext old;
	XaState    *st;
	XaCache    *c;
	int			nkeys = PG_NARGS() - 3;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "sen2_xml_agg_transfn called in non-aggregate context");

	st = PG_ARGISNULL(0) ? NULL : (XaState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) && PG_ARGISNULL(2))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}

	c = get_cache(fcinfo);
	old = MemoryContextSwitchTo(c->rowcxt);

	if (st == NULL)
	{
		st = new_state(aggcxt, nkeys);
		st->presorted = ordered_by_keys(fcinfo, nkeys);
	}
	if (!PG_ARGISNULL(2))
		state_header(st, c, PG_GETARG_DATUM(2));
	else if (!st->has_header)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("sen2.xml_agg was given a person without a header"),
				 errdetail("The second argument (the return header record) must not be NULL on a row that has a person."),
				 errhint("Join the person rows to their return, e.g. FROM sen2.return r JOIN persons p USING (return_id).")));

	if (!PG_ARGISNULL(1))
	{
		int64		key[2];
		bool		keynull[2];

		for (int i = 0; i < 2; i++)
		{
			keynull[i] = i >= nkeys || PG_ARGISNULL(3 + i);
			key[i] = keynull[i] ? 0 : PG_GETARG_INT64(3 + i);
		}
		state_add_person(st, c, PG_GETARG_DATUM(1), NULL, nkeys, key, keynull);
	}

	MemoryContextSwitchTo(old);
	MemoryContextReset(c->rowcxt);
	PG_RETURN_POINTER(st);
}

static XaState *
copy_state(MemoryContext cxt, const XaState *src)
{
	XaState    *st = new_state(cxt, src->nkeys);

	if (src->has_header)
	{
		st->year = src->year;
		st->has_header = true;
		st->prefix_len = src->prefix_len;
		st->prefix = MemoryContextAlloc(cxt, src->prefix_len);
		memcpy(st->prefix, src->prefix, src->prefix_len);
		st->suffix_len = src->suffix_len;
		st->suffix = MemoryContextAlloc(cxt, Max(src->suffix_len, 1));
		memcpy(st->suffix, src->suffix, src->suffix_len);
		st->limit = src->limit;
		st->body.limit = src->body.limit;
	}
	if (src->body.len > 0)
	{
		if (xo_raw(&st->body, src->body.data, src->body.len) != XO_OK)
			too_big_error(st->limit, st->limit < XA_HARD_LIMIT, src->body.len, src->npersons);
	}
	if (src->nchunks > 0)
	{
		st->chunks = MemoryContextAllocHuge(cxt, src->nchunks * sizeof(XaChunk));
		memcpy(st->chunks, src->chunks, src->nchunks * sizeof(XaChunk));
		st->nchunks = st->chunks_cap = src->nchunks;
	}
	st->sorted = src->sorted;
	st->npersons = src->npersons;
	return st;
}

Datum
sen2_xml_agg_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	XaState    *s1,
			   *s2;
	size_t		base;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "sen2_xml_agg_combinefn called in non-aggregate context");
	s1 = PG_ARGISNULL(0) ? NULL : (XaState *) PG_GETARG_POINTER(0);
	s2 = PG_ARGISNULL(1) ? NULL : (XaState *) PG_GETARG_POINTER(1);
	/* PostgreSQL never splits a call with ORDER BY into partial aggregates */
	if ((s1 != NULL && s1->presorted) || (s2 != NULL && s2->presorted))
		elog(ERROR, "sen2_xml_agg_combinefn: an ordered state cannot be combined");

	if (s2 == NULL || (!s2->has_header && s2->npersons == 0))
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	if (s1 == NULL || !s1->has_header)
		PG_RETURN_POINTER(copy_state(aggcxt, s2));

	if (s1->year != s2->year ||
		s1->prefix_len != s2->prefix_len || s1->suffix_len != s2->suffix_len ||
		memcmp(s1->prefix, s2->prefix, s1->prefix_len) != 0 ||
		memcmp(s1->suffix, s2->suffix, s1->suffix_len) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sen2.xml_agg was given different headers for one document"),
				 errdetail("One SEN2 file has one header; the rows of one aggregate call must all carry the same header record."),
				 errhint("Write one document per return: GROUP BY the return's key.")));

	base = s1->body.len;
	if (s2->body.len > 0 &&
		xo_raw(&s1->body, s2->body.data, s2->body.len) != XO_OK)
		too_big_error(s1->limit, s1->limit < XA_HARD_LIMIT,
					  s1->prefix_len + base + s2->body.len + s1->suffix_len,
					  s1->npersons + s2->npersons);
	if (s2->nchunks > 0)
	{
		bool		in_order = s1->sorted && s2->sorted;

		if (in_order && s1->nchunks > 0)
		{
			XaChunk		first = s2->chunks[0];

			first.off += base;
			in_order = chunk_cmp(&s1->chunks[s1->nchunks - 1], &first, s1->body.data) <= 0;
		}
		s1->sorted = false;		/* known already: no need to test each one */
		for (size_t i = 0; i < s2->nchunks; i++)
		{
			XaChunk		ch = s2->chunks[i];

			ch.off += base;
			state_add_chunk(s1, &ch);
		}
		s1->sorted = in_order;
	}
	s1->npersons += s2->npersons;
	PG_RETURN_POINTER(s1);
}

#define XA_SERIAL_MAGIC 0x53583031	/* "SX01" */

Datum
sen2_xml_agg_serialfn(PG_FUNCTION_ARGS)
{
	XaState    *st;
	StringInfoData buf;
	size_t		need;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "sen2_xml_agg_serialfn called in non-aggregate context");
	st = (XaState *) PG_GETARG_POINTER(0);
	if (st->presorted)
		elog(ERROR, "sen2_xml_agg_serialfn: an ordered state cannot be serialized");

	need = 64 + st->prefix_len + st->suffix_len + st->body.len + st->nchunks * 29;
	if (need > MaxAllocSize - VARHDRSZ - 1)
		too_big_error(st->limit, st->limit < XA_HARD_LIMIT, need, st->npersons);

	pq_begintypsend(&buf);
	enlargeStringInfo(&buf, (int) need);
	pq_sendint32(&buf, XA_SERIAL_MAGIC);
	pq_sendint32(&buf, st->year);
	pq_sendbyte(&buf, st->has_header ? 1 : 0);
	pq_sendbyte(&buf, (uint8) st->nkeys);
	pq_sendbyte(&buf, st->sorted ? 1 : 0);
	pq_sendint64(&buf, st->npersons);
	pq_sendint64(&buf, (int64) st->limit);
	pq_sendint64(&buf, (int64) st->body.limit);
	pq_sendint32(&buf, (int32) st->prefix_len);
	pq_sendbytes(&buf, st->prefix, (int) st->prefix_len);
	pq_sendint32(&buf, (int32) st->suffix_len);
	pq_sendbytes(&buf, st->suffix, (int) st->suffix_len);
	pq_sendint64(&buf, (int64) st->nchunks);
	for (size_t i = 0; i < st->nchunks; i++)
	{
		XaChunk    *ch = &st->chunks[i];

		pq_sendint64(&buf, ch->key[0]);
		pq_sendint64(&buf, ch->key[1]);
		pq_sendint64(&buf, (int64) ch->off);
		pq_sendint32(&buf, (int32) ch->len);
		pq_sendbyte(&buf, ch->nulls);
	}
	pq_sendint64(&buf, (int64) st->body.len);
	if (st->body.len > 0)
		pq_sendbytes(&buf, st->body.data, (int) st->body.len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
sen2_xml_agg_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *b;
	StringInfoData buf;
	XaState    *st;
	int64		n;
	int64		blen;
	int			len;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "sen2_xml_agg_deserialfn called in non-aggregate context");
	b = PG_GETARG_BYTEA_PP(0);

	/* read in place: the bytes are copied into the state below */
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;

	if (pq_getmsgint(&buf, 4) != XA_SERIAL_MAGIC)
		elog(ERROR, "sen2_xml_agg_deserialfn: not a serialized sen2.xml_agg state");
	st = new_state(CurrentMemoryContext, 0);
	st->year = pq_getmsgint(&buf, 4);
	st->has_header = pq_getmsgbyte(&buf) != 0;
	st->nkeys = pq_getmsgbyte(&buf);
	st->sorted = pq_getmsgbyte(&buf) != 0;
	st->npersons = pq_getmsgint64(&buf);
	st->limit = (size_t) pq_getmsgint64(&buf);
	st->body.limit = (size_t) pq_getmsgint64(&buf);
	len = pq_getmsgint(&buf, 4);
	st->prefix_len = len;
	st->prefix = palloc(Max(len, 1));
	pq_copymsgbytes(&buf, st->prefix, len);
	len = pq_getmsgint(&buf, 4);
	st->suffix_len = len;
	st->suffix = palloc(Max(len, 1));
	pq_copymsgbytes(&buf, st->suffix, len);
	n = pq_getmsgint64(&buf);
	if (n < 0 || n > (int64) (buf.len / 29))
		elog(ERROR, "sen2_xml_agg_deserialfn: corrupt chunk count");
	if (n > 0)
	{
		st->chunks = palloc_extended(n * sizeof(XaChunk), MCXT_ALLOC_HUGE);
		st->chunks_cap = st->nchunks = n;
		for (int64 i = 0; i < n; i++)
		{
			XaChunk    *ch = &st->chunks[i];

			ch->key[0] = pq_getmsgint64(&buf);
			ch->key[1] = pq_getmsgint64(&buf);
			ch->off = (uint64) pq_getmsgint64(&buf);
			ch->len = (uint32) pq_getmsgint(&buf, 4);
			ch->nulls = pq_getmsgbyte(&buf);
		}
	}
	blen = pq_getmsgint64(&buf);
	if (blen < 0 || blen > buf.len - buf.cursor)
		elog(ERROR, "sen2_xml_agg_deserialfn: corrupt body length");
	for (int64 i = 0; i < n; i++)
		if (st->chunks[i].off + st->chunks[i].len > (uint64) blen)
			elog(ERROR, "sen2_xml_agg_deserialfn: corrupt chunk");
	if (blen > 0)
	{
		st->body.limit = Max(st->body.limit, (size_t) blen);
		if (xo_raw(&st->body, pq_getmsgbytes(&buf, (int) blen), (size_t) blen) != XO_OK)
			elog(ERROR, "sen2_xml_agg_deserialfn: out of memory");
	}
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(st);
}

Datum
sen2_xml_agg_finalfn(PG_FUNCTION_ARGS)
{
	XaState    *st;
	size_t		total;
	char	   *res,
			   *p;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "sen2_xml_agg_finalfn called in non-aggregate context");
	st = PG_ARGISNULL(0) ? NULL : (XaState *) PG_GETARG_POINTER(0);
	if (st == NULL || !st->has_header)
		PG_RETURN_NULL();

	total = st->prefix_len + st->body.len + st->suffix_len;
	if (total > st->limit)
		too_big_error(st->limit, st->limit < XA_HARD_LIMIT, total, st->npersons);
	res = palloc(VARHDRSZ + total);
	SET_VARSIZE(res, VARHDRSZ + total);
	p = res + VARHDRSZ;
	memcpy(p, st->prefix, st->prefix_len);
	p += st->prefix_len;
	if (st->presorted)
		flush_group(st, st->body.len);	/* the body is now in order */
	if (st->nkeys == 0 || st->sorted || st->presorted)
	{
		if (st->body.len > 0)
			memcpy(p, st->body.data, st->body.len);
		p += st->body.len;
	}
	else
	{
		/* sort a copy of the index: the state stays as it was */
		XaChunk    *idx = palloc_extended(st->nchunks * sizeof(XaChunk), MCXT_ALLOC_HUGE);

		memcpy(idx, st->chunks, st->nchunks * sizeof(XaChunk));
		qsort_arg(idx, st->nchunks, sizeof(XaChunk), chunk_qsort_cmp, st->body.data);
		for (size_t i = 0; i < st->nchunks; i++)
		{
			memcpy(p, st->body.data + idx[i].off, idx[i].len);
			p += idx[i].len;
		}
		pfree(idx);
	}
	memcpy(p, st->suffix, st->suffix_len);
	p += st->suffix_len;
	Assert(p == res + VARHDRSZ + total);

	/* what the state cost, for anyone sizing a very large run */
	elog(DEBUG1, "sen2.xml_agg: " INT64_FORMAT " persons, document %zu bytes, "
		 "aggregate memory %zu bytes (buffer %zu, index %zu)",
		 st->npersons, total, (size_t) MemoryContextMemAllocated(st->mcxt, true),
		 st->body.cap, st->chunks_cap * sizeof(XaChunk));
	PG_RETURN_XML_P(res);
}

/* ------------------------------------------------------------------------
 * One line at a time: sen2.xml_person, sen2.xml_open, sen2.xml_close
 * ------------------------------------------------------------------------ */

/* A text datum built in place: VARHDRSZ reserved at the front. */
static text *
finish_text(XmlOut *o)
{
	SET_VARSIZE(o->data, o->len);
	return (text *) o->data;
}

Datum
sen2_xml_person(PG_FUNCTION_ARGS)
{
	text	   *line;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("sen2.xml_person needs a collection year")));
	line = xml_line(fcinfo->flinfo, PG_GETARG_DATUM(0), NULL, NULL, NULL, PG_GETARG_INT32(1));
	if (line == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(line);
}

void
sen2_xml_frame_lines(FmgrInfo *flinfo, Datum header, text **open_line, text **close_line)
{
	XaCache    *c = get_cache_fl(flinfo);
	XoAllocator mem;
	XmlOut		o;
	size_t		split;

	xa_mem_init(&mem, CurrentMemoryContext);
	xo_init(&o, &mem, XA_HARD_LIMIT, XA_FLAGS);
	(void) frame_for_header(c, header, &o, &split);
	*open_line = cstring_to_text_with_len(o.data, split);
	*close_line = cstring_to_text_with_len(o.data + split, o.len - split);
	xo_free(&o);
}

Datum
sen2_xml_open(PG_FUNCTION_ARGS)
{
	text	   *open_line;
	text	   *close_line;

	sen2_xml_frame_lines(fcinfo->flinfo, PG_GETARG_DATUM(0), &open_line, &close_line);
	PG_RETURN_TEXT_P(open_line);
}

Datum
sen2_xml_close(PG_FUNCTION_ARGS)
{
	text	   *open_line;
	text	   *close_line;

	sen2_xml_frame_lines(fcinfo->flinfo, PG_GETARG_DATUM(0), &open_line, &close_line);
	PG_RETURN_TEXT_P(close_line);
}

/* ------------------------------------------------------------------------
 * A document written in the order the persons are given (sen2.return_xml)
 *
 * The value is built in place: its varlena header, the prefix, each person
 * as it comes, the suffix.  No index is kept and nothing is copied at the
 * end, so beyond the output buffer (grown by doubling) the memory is one
 * row's temporaries, whatever the number of persons.  The caller gives the
 * persons in document order.
 * ------------------------------------------------------------------------ */

struct Sen2XmlDoc
{
	XaState    *st;
	XaCache    *c;
};

Sen2XmlDoc *
sen2_xml_doc_begin(FmgrInfo *flinfo, Datum header)
{
	XaCache    *c = get_cache_fl(flinfo);
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "sen2 xml document",
											  ALLOCSET_DEFAULT_SIZES);
	Sen2XmlDoc *doc = MemoryContextAlloc(cxt, sizeof(Sen2XmlDoc));
	XaState    *st = new_state(cxt, 0);
	MemoryContext old = MemoryContextSwitchTo(c->rowcxt);

	state_header(st, c, header);
	MemoryContextSwitchTo(old);
	MemoryContextReset(c->rowcxt);

	/* room for the header and prefix in front; the suffix is added last */
	st->body.limit = VARHDRSZ + st->limit - st->suffix_len;
	if (xo_raw(&st->body, "\0\0\0\0", VARHDRSZ) != XO_OK ||
		xo_raw(&st->body, st->prefix, st->prefix_len) != XO_OK)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while writing SEN2 XML")));
	st->framed = true;
	doc->st = st;
	doc->c = c;
	return doc;
}

void
sen2_xml_doc_person(Sen2XmlDoc *doc, TupleDesc desc, const Datum *values, const bool *nulls)
{
	static const int64 nokey[2] = {0, 0};
	static const bool nokeynull[2] = {true, true};
	MemoryContext old = MemoryContextSwitchTo(doc->c->rowcxt);
	XaMap	   *m = row_map(doc->c, load_layout(doc->c, doc->st->year)->row, desc, values, nulls);

	state_add_person(doc->st, doc->c, (Datum) 0, m, 0, nokey, nokeynull);
	MemoryContextSwitchTo(old);
	MemoryContextReset(doc->c->rowcxt);
}

Datum
sen2_xml_doc_finish(Sen2XmlDoc *doc)
{
	XaState    *st = doc->st;

	st->body.limit += st->suffix_len;
	if (xo_raw(&st->body, st->suffix, st->suffix_len) != XO_OK)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while writing SEN2 XML")));
	SET_VARSIZE(st->body.data, st->body.len);

	elog(DEBUG1, "sen2.return_xml: " INT64_FORMAT " persons, document %zu bytes, "
		 "writer memory %zu bytes (buffer %zu)",
		 st->npersons, st->body.len - VARHDRSZ,
		 (size_t) MemoryContextMemAllocated(st->mcxt, true), st->body.cap);
	return PointerGetDatum(st->body.data);
}

/* The record person, or (desc != NULL) the row of values and nulls. */
static text *
xml_line(FmgrInfo *flinfo, Datum person, TupleDesc desc, const Datum *values,
		 const bool *nulls, int year)
{
	XaCache    *c = get_cache_fl(flinfo);
	XaLayout   *lay = load_layout(c, year);
	XaCtx		cx = {0};
	XoAllocator mem;
	XmlOut		o;
	bool		lowered;

	xa_mem_init(&mem, CurrentMemoryContext);
	xo_init(&o, &mem, VARHDRSZ + xa_limit(&lowered), XA_FLAGS);
	cx.cache = c;
	cx.out = &o;
	cx.ordinal = -1;
	cx.limit = o.limit - VARHDRSZ;
	cx.extra = 0;
	put_raw(&cx, lay->row, "\0\0\0\0", VARHDRSZ);
	if (!(desc != NULL
		  ? write_record_map(&cx, lay->row, row_map(c, lay->row, desc, values, nulls))
		  : write_record(&cx, lay->row, person)))
		return NULL;
	return finish_text(&o);
}

text *
sen2_xml_line_row(FmgrInfo *flinfo, TupleDesc desc, const Datum *values, const bool *nulls,
				  int year)
{
	return xml_line(flinfo, (Datum) 0, desc, values, nulls, year);
}
