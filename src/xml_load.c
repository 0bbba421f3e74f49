/*
 * xml_load.c
 *		sen2.load_xml(): a SEN2 XML document into the staging tables.
 *
 * The document is read twice by the streaming core (xmlin.c).  The first
 * pass stops at the first Person: it only finds the header's Year and LEA,
 * which choose the layout (sen2.element of that year) and fill the new
 * sen2.return row.  The second pass maps every element through that
 * layout and writes rows straight into the module tables.
 *
 * Rows are written in batches of whole persons: each row gets its id from
 * its table's identity sequence when its start tag is read (so children
 * can name it before it is complete), and at a person boundary, once
 * enough rows have gathered, each table receives one
 *   INSERT ... OVERRIDING SYSTEM VALUE SELECT * FROM sen2.xml_load_batch('t') ...
 * parents before children; that function hands the executor the table's
 * buffered rows, one tuple per row.  Going through the executor keeps
 * constraints, foreign keys, triggers, row-level security and privileges
 * exactly as for any INSERT by the caller.  (Measured: the foreign-key
 * checks are about half of a load's CPU, and COPY's path is no cheaper for
 * them; see docs/xml-reader.md.)  Memory is the
 * current batch plus the person being read, however large the file.
 *
 * Everything the layout cannot place goes to sen2.load_issue with its line,
 * path and value, so nothing in the file is silently dropped.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "catalog/pg_authid.h"
#include "lib/stringinfo.h"
#include "libpq/libpq-fs.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"
#include "utils/xml.h"

#include "xml_load.h"
#include "xmlin.h"

/* A batch is written when it holds this many rows or bytes. */
#define BATCH_ROWS		20000
#define BATCH_BYTES		(16 * 1024 * 1024)
/* One person (with everything under it) may hold at most this much. */
#define PERSON_BYTES	(64 * 1024 * 1024)
/* Bookkeeping counted per row towards PERSON_BYTES. */
#define ROW_OVERHEAD	64

int			sen2_max_item_bytes = 65536;

void
sen2_xml_guc_init(void)
{
	static bool done = false;

	if (done)
		return;
	DefineCustomIntVariable("sen2.max_item_bytes",
							"Longest value the SEN2 XML reader accepts in one element.",
							"A longer text is refused with an error naming the element, "
							"rather than stored: no SEN2 item comes near the default.",
							&sen2_max_item_bytes,
							65536, 64, 10 * 1024 * 1024,
							PGC_USERSET, GUC_UNIT_BYTE,
							NULL, NULL, NULL);
	done = true;
}

/* ----------------------------------------------------------------------
 * The layout of a year, from sen2.element
 * ---------------------------------------------------------------------- */

typedef struct LdElement		/* a row of sen2.element */
{
	char	   *parent;
	char	   *element;
	bool		is_group;
	char	   *module;
	char	   *column;
	int			max_occurs;		/* 0 = unbounded */
	int			position;
	bool		mandatory;
	char	  **aliases;
	int			naliases;
} LdElement;

typedef struct LdModule			/* a table the layout writes rows into */
{
	char	   *name;			/* sen2.<name>, id column <name>_id */
	int			parent;			/* module of the parent row, -1 for the return */
	int			depth;
	int			ncols;
	char	  **cols;
	int			colcap;
	bool		has_seq;
	Oid			seqoid;
	SPIPlanPtr	plan;
	/* the batch */
	int			n;
	int			cap;
	Datum	   *ids;
	Datum	   *parents;
	Datum	   *seqs;
	Datum	   *lines;
	text	  **vals;			/* n * ncols, NULL = element absent */
} LdModule;

typedef struct LdLayout
{
	int			year;			/* 0 = every year (first pass) */
	LdElement  *rows;
	int			nrows;
	xmlin_node *nodes;
	int			nnodes;
	int			nodecap;
	LdModule   *mods;
	int			nmods;
	int			root_module;
} LdLayout;

/* Column col of row row as text (NULL for NULL), in the current context. */
static char *
dup_value(SPITupleTable *tt, int row, int col)
{
	return SPI_getvalue(tt->vals[row], tt->tupdesc, col);
}

static void
fetch_elements(LdLayout *L)
{
	const char *sql_year =
		"SELECT parent, element, kind, module, column_name, max_occurs, aliases, position, requirement "
		"  FROM sen2.element WHERE collection_year = $1 "
		" ORDER BY parent, position, element";
	const char *sql_all =
		"SELECT DISTINCT ON (parent, element) parent, element, kind, module, "
		"       column_name, max_occurs, aliases, position, requirement "
		"  FROM sen2.element ORDER BY parent, element, collection_year DESC";
	Oid			argtypes[1] = {INT4OID};
	Datum		args[1];
	int			rc;
	int			i;
	SPITupleTable *tt;

	args[0] = Int32GetDatum(L->year);
	if (L->year != 0)
		rc = SPI_execute_with_args(sql_year, 1, argtypes, args, NULL, true, 0);
	else
		rc = SPI_execute(sql_all, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "reading sen2.element failed: %s", SPI_result_code_string(rc));
	tt = SPI_tuptable;
	L->nrows = (int) SPI_processed;
	L->rows = palloc0(sizeof(LdElement) * Max(L->nrows, 1));
	for (i = 0; i < L->nrows; i++)
	{
		LdElement  *e = &L->rows[i];
		char	   *kind = dup_value(tt, i, 3);
		char	   *maxo = dup_value(tt, i, 6);
		bool		isnull;
		Datum		al;

		e->parent = dup_value(tt, i, 1);
		e->element = dup_value(tt, i, 2);
		e->is_group = kind && strcmp(kind, "group") == 0;
		e->module = dup_value(tt, i, 4);
		e->column = dup_value(tt, i, 5);
		e->max_occurs = maxo ? atoi(maxo) : 0;
		e->position = atoi(dup_value(tt, i, 8));
		e->mandatory = strcmp(dup_value(tt, i, 9), "M") == 0;
		al = SPI_getbinval(tt->vals[i], tt->tupdesc, 7, &isnull);
		if (!isnull)
		{
			Datum	   *elems;
			bool	   *nulls;
			int			n;
			int			k;

			deconstruct_array(DatumGetArrayTypeP(al), TEXTOID, -1, false,
							  TYPALIGN_INT, &elems, &nulls, &n);
			e->aliases = palloc0(sizeof(char *) * Max(n, 1));
			for (k = 0; k < n; k++)
				if (!nulls[k])
					e->aliases[e->naliases++] = TextDatumGetCString(elems[k]);
		}
	}
}

static int
module_index(LdLayout *L, const char *name)
{
	int			i;

	for (i = 0; i < L->nmods; i++)
		if (strcmp(L->mods[i].name, name) == 0)
			return i;
	L->mods = L->nmods ? repalloc(L->mods, sizeof(LdModule) * (L->nmods + 1))
		: palloc(sizeof(LdModule));
	memset(&L->mods[L->nmods], 0, sizeof(LdModule));
	L->mods[L->nmods].name = pstrdup(name);
	L->mods[L->nmods].parent = -2;	/* not yet known */
	return L->nmods++;
}

static int
column_index(LdModule *m, const char *col)
{
	int			i;

	for (i = 0; i < m->ncols; i++)
		if (strcmp(m->cols[i], col) == 0)
			return i;
	if (m->ncols == m->colcap)
	{
		m->colcap = m->colcap ? m->colcap * 2 : 16;
		m->cols = m->cols ? repalloc(m->cols, sizeof(char *) * m->colcap)
			: palloc(sizeof(char *) * m->colcap);
	}
	m->cols[m->ncols] = pstrdup(col);
	return m->ncols++;
}

static void
layout_error(LdLayout *L, const char *detail)
{
	if (L->year)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the SEN2 layout of collection year %d is not usable", L->year),
				 errdetail("%s", detail),
				 errhint("Check the local rows of sen2.ref_element for that year.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("the SEN2 layout in sen2.element is not usable"),
			 errdetail("%s", detail),
			 errhint("Check the local rows of sen2.ref_element.")));
}

/* The node's nearest ancestor-or-self that is a row. */
static int
row_of(LdLayout *L, int node)
{
	while (node >= 0 && !L->nodes[node].opens_row)
		node = L->nodes[node].parent;
	return node;
}

static void
add_children(LdLayout *L, int parent_node, const char *parent_name, int depth)
{
	int			i;

	if (depth > XMLIN_MAX_DEPTH)
		layout_error(L, psprintf("Elements under <%s> nest deeper than %d levels: the parent names form a cycle.",
								 parent_name, XMLIN_MAX_DEPTH));
	for (i = 0; i < L->nrows; i++)
	{
		LdElement  *e = &L->rows[i];
		xmlin_node *n;
		int			idx;

		if (strcmp(e->parent, parent_name) != 0)
			continue;
		if (L->nnodes >= 10000)
			layout_error(L, "The layout has more than 10000 elements.");
		if (L->nnodes == L->nodecap)
		{
			L->nodecap = L->nodecap ? L->nodecap * 2 : 128;
			L->nodes = L->nodes ? repalloc(L->nodes, sizeof(xmlin_node) * L->nodecap)
				: palloc(sizeof(xmlin_node) * L->nodecap);
		}
		idx = L->nnodes++;
		n = &L->nodes[idx];
		memset(n, 0, sizeof(*n));
		n->name = e->element;
		n->aliases = (const char *const *) e->aliases;
		n->naliases = e->naliases;
		n->parent = parent_node;
		n->is_item = !e->is_group;
		n->single = e->max_occurs == 1;
		n->position = e->position;
		n->mandatory = e->mandatory;
		n->module = module_index(L, e->module);
		n->column = -1;
		if (e->is_group)
		{
			n->opens_row = parent_node < 0 || n->module != L->nodes[parent_node].module;
			if (n->opens_row)
			{
				LdModule   *m = &L->mods[n->module];
				int			prow = parent_node < 0 ? -1 : row_of(L, parent_node);
				int			pmod = prow < 0 ? -1 : L->nodes[prow].module;

				if (m->parent != -2 && m->parent != pmod)
					layout_error(L, psprintf("Rows of %s sit under rows of two different tables.", m->name));
				m->parent = pmod;
				m->depth = prow < 0 ? 0 : L->mods[pmod].depth + 1;
			}
			add_children(L, idx, e->element, depth + 1);
			n = &L->nodes[idx];	/* the array may have moved */
		}
		else
		{
			int			owner = row_of(L, parent_node);

			if (e->column == NULL)
				layout_error(L, psprintf("Item <%s> under <%s> names no column.", e->element, e->parent));
			if (owner < 0 || L->nodes[owner].module != n->module)
				layout_error(L, psprintf("Item <%s> under <%s> belongs to table %s, but sits in a row of another table.",
										 e->element, e->parent, e->module));
			n->column = column_index(&L->mods[n->module], e->column);
		}
	}
}

static LdLayout *
load_layout(int year)
{
	LdLayout   *L = palloc0(sizeof(LdLayout));
	int			i;
	int			roots = 0;

	L->year = year;
	fetch_elements(L);
	for (i = 0; i < L->nrows; i++)
		if (strcmp(L->rows[i].parent, "/") == 0)
			roots++;
	if (roots != 1)
		layout_error(L, psprintf("It has %d root elements (rows with parent '/'), not one.", roots));
	add_children(L, -1, "/", 0);
	L->root_module = L->nodes[0].module;
	if (L->nodes[0].is_item)
		layout_error(L, "Its root element is an item.");
	return L;
}

/* ----------------------------------------------------------------------
 * Turning xmlin's errors into PostgreSQL errors
 * ---------------------------------------------------------------------- */

/* Text from the reader (UTF-8) in the database encoding. */
static char *
from_utf8(const char *s, size_t len)
{
	if (GetDatabaseEncoding() == PG_UTF8)
		return pnstrdup(s, len);
	return pg_any_to_server(s, (int) len, PG_UTF8);
}

static void
report_error(const xmlin_error *e)
{
	char	   *msg = from_utf8(e->message, strlen(e->message));
	char	   *el = from_utf8(e->element, strlen(e->element));
	char	   *path = from_utf8(e->path, strlen(e->path));
	char	   *where = psprintf("line %d, column %d", e->line, e->column);

	switch (e->kind)
	{
		case XMLIN_ERR_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("the SEN2 document is empty"),
					 errdetail("%s: %s.", where, msg),
					 errhint("Pass the contents of the file, e.g. sen2.load_xml(pg_read_binary_file('/path/to/file.xml')).")));
			break;
		case XMLIN_ERR_ENCODING:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("the SEN2 document's characters do not match its encoding"),
					 errdetail("%s: %s (libxml2 error %d).", where, msg, e->xml_code),
					 errhint("Declare the file's real encoding in its first line, e.g. <?xml version=\"1.0\" encoding=\"windows-1252\"?>, or convert the file to UTF-8.")));
			break;
		case XMLIN_ERR_DOCTYPE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("SEN2 documents must not contain a document type declaration"),
					 errdetail("%s: %s. DTDs are refused so that no entity is ever expanded and no external file or URL is read.", where, msg),
					 errhint("Remove the <!DOCTYPE ...> declaration: SEN2 files have none.")));
			break;
		case XMLIN_ERR_ROOT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("the document is not a SEN2 return"),
					 errdetail("%s: %s.", where, msg),
					 errhint("A SEN2 return is a <Message> holding <Header> and <Persons>.")));
			break;
		case XMLIN_ERR_DEPTH:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the SEN2 document nests elements too deeply"),
					 errdetail("%s: <%s> is %s, under %s.", where, el, msg, path),
					 errhint("A SEN2 return is 8 elements deep; this document is not one.")));
			break;
		case XMLIN_ERR_TOO_LONG:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the text in <%s> is longer than sen2.max_item_bytes (%d bytes)",
							el, sen2_max_item_bytes),
					 errdetail("%s, at %s: %s.", where, path, msg),
					 errhint("No SEN2 item is that long. If the value is genuine, raise the limit: SET sen2.max_item_bytes = '1MB'.")));
			break;
		case XMLIN_ERR_MARKUP_TOO_LONG:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the SEN2 document has a tag or comment longer than %d kB",
							XMLIN_MAX_MARKUP / 1024),
					 errdetail("%s%s%s: %s.", where, path[0] ? ", inside " : "", path, msg),
					 errhint("SEN2 tags are short and carry no attributes; this document is damaged or not a SEN2 return.")));
			break;
		case XMLIN_ERR_NOMEM:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while reading the SEN2 document")));
			break;
		case XMLIN_ERR_READ:
			ereport(ERROR,
					(errcode(ERRCODE_IO_ERROR),
					 errmsg("could not read the SEN2 document"),
					 errdetail("after line %d.", e->line)));
			break;
		case XMLIN_ERR_LAYOUT:
			elog(ERROR, "SEN2 layout rejected by the reader: %s", msg);
			break;
		case XMLIN_ERR_SYNTAX:
		case XMLIN_ERR_NONE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("the SEN2 document is not well-formed XML"),
					 errdetail("%s%s%s: %s (libxml2 error %d).", where,
							   path[0] ? ", in " : "", path, msg, e->xml_code),
					 errhint("The file is damaged, truncated or hand-edited at that point; \"xmllint --noout FILE\" shows the same problem.")));
			break;
	}
}

/* Runs the reader over the document in PG_TRY, freeing libxml2's memory. */
typedef void (*event_fn) (void *state, const xmlin_event *ev, bool *stop);

static void
walk_document(const Sen2XmlSource *src, LdLayout *L, event_fn fn, void *state)
{
	PgXmlErrorContext *volatile xerr;
	xmlin_reader *volatile r = NULL;
	volatile bool ok = false;
	xmlin_options opt;

	memset(&opt, 0, sizeof(opt));
	opt.max_item_bytes = (size_t) sen2_max_item_bytes;
	opt.input_is_utf8 = src->is_text;
	if (src->read != NULL && src->rewind != NULL)
		src->rewind(src->arg);
	xerr = pg_xml_init(PG_XML_STRICTNESS_ALL);
	PG_TRY();
	{
		xmlin_layout layout;
		bool		stop = false;
		long		n = 0;

		layout.nodes = L->nodes;
		layout.nnodes = L->nnodes;
		if (src->read != NULL)
			r = xmlin_open_stream(src->read, src->arg, &layout, &opt);
		else
			r = xmlin_open(src->buf, src->len, &layout, &opt);
		if (r == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while reading the SEN2 document")));
		while (!stop)
		{
			const xmlin_event *ev = xmlin_next(r);

			if ((++n & 1023) == 0)
				CHECK_FOR_INTERRUPTS();
			if (ev->type == XMLIN_ERROR)
				report_error(xmlin_get_error(r));
			fn(state, ev, &stop);
			if (ev->type == XMLIN_END)
				break;
		}
		ok = true;
	}
	PG_FINALLY();
	{
		xmlin_close(r);
		pg_xml_done(xerr, !ok);
	}
	PG_END_TRY();
}

/* ----------------------------------------------------------------------
 * First pass: the header's Year and LEA
 * ---------------------------------------------------------------------- */

typedef struct HeaderScan
{
	LdLayout   *L;
	char	   *year;
	int			year_line;
	char	   *lea;
	int			lea_line;
} HeaderScan;

static void
header_event(void *state, const xmlin_event *ev, bool *stop)
{
	HeaderScan *h = state;
	const xmlin_node *n;

	if (ev->type == XMLIN_ROW_START && ev->node != 0)
		*stop = true;
	if (ev->type != XMLIN_ITEM)
		return;
	n = &h->L->nodes[ev->node];
	if (n->module != h->L->root_module)
		return;
	if (strcmp(h->L->mods[n->module].cols[n->column], "year") == 0 && h->year == NULL)
	{
		h->year = from_utf8(ev->value, ev->len);
		h->year_line = ev->line;
	}
	else if (strcmp(h->L->mods[n->module].cols[n->column], "lea") == 0 && h->lea == NULL)
	{
		h->lea = from_utf8(ev->value, ev->len);
		h->lea_line = ev->line;
	}
}

static bool
is_digits(const char *s, int n)
{
	int			i;

	if (s == NULL || (int) strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* ----------------------------------------------------------------------
 * Second pass: rows into the tables
 * ---------------------------------------------------------------------- */

typedef struct OpenRow
{
	int			node;
	int			module;
	int64		id;
	int			line;
	int			seq;
	text	  **vals;
} OpenRow;

typedef struct LdIssue
{
	int			line;
	text	   *path;
	text	   *element;
	const char *issue;
	text	   *message;
	text	   *value;
	bool		cut;
} LdIssue;

typedef struct NameInfo			/* where an element name appears, any year */
{
	char	   *name;
	char	   *parent;
	int			first_year;
	int			last_year;
} NameInfo;

typedef struct Loader
{
	LdLayout   *L;
	int64		return_id;
	MemoryContext loadcxt;
	MemoryContext batchcxt;
	OpenRow		rows[XMLIN_MAX_DEPTH];
	int			nopen;
	text	  **return_vals;
	LdIssue    *issues;
	int			nissues;
	int			issuecap;
	SPIPlanPtr	issue_plan;
	long		batch_rows;
	size_t		batch_bytes;
	size_t		person_bytes;
	long		person_rows;
	NameInfo   *names;
	int			nnames;
	int64		total_rows;
} Loader;

static void
prepare_module(Loader *ld, LdModule *m)
{
	StringInfoData cols;
	StringInfoData sel;
	int			nout;
	int			i;
	int			rc;
	char	   *sql;
	char	   *qtable;
	Datum		arg;
	Oid			argtype = TEXTOID;

	/* id column's sequence, and whether the table records seq */
	qtable = quote_qualified_identifier("sen2", m->name);
	arg = CStringGetTextDatum(psprintf("%s_id", m->name));
	rc = SPI_execute_with_args(psprintf("SELECT pg_catalog.pg_get_serial_sequence(%s, $1)::pg_catalog.regclass::pg_catalog.oid, "
										"EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = %s::pg_catalog.regclass "
										"AND a.attname = 'seq' AND a.attnum > 0 AND NOT a.attisdropped)",
										quote_literal_cstr(qtable), quote_literal_cstr(qtable)),
							   1, &argtype, &arg, NULL, true, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "cannot look up table %s", qtable);
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("table %s has no identity column %s_id", qtable, m->name),
					 errhint("The layout's module names must be sen2 tables with an identity column <module>_id.")));
		m->seqoid = DatumGetObjectId(d);
		m->has_seq = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	}

	/*
	 * The rows come from sen2.xml_load_batch(), which hands the executor this
	 * module's buffered rows as they are: no arrays to build and unnest, one
	 * tuple per row, and no parameters, so the plan is made once per load.
	 */
	initStringInfo(&cols);
	initStringInfo(&sel);
	appendStringInfo(&cols, "%s, return_id", quote_identifier(psprintf("%s_id", m->name)));
	appendStringInfoString(&sel, "c1 pg_catalog.int8, c2 pg_catalog.int8");
	nout = 2;
	if (m->parent >= 0 && m->parent != ld->L->root_module)
	{
		appendStringInfo(&cols, ", %s", quote_identifier(psprintf("%s_id", ld->L->mods[m->parent].name)));
		appendStringInfo(&sel, ", c%d pg_catalog.int8", ++nout);
	}
	if (m->has_seq)
	{
		appendStringInfoString(&cols, ", seq");
		appendStringInfo(&sel, ", c%d pg_catalog.int4", ++nout);
	}
	appendStringInfoString(&cols, ", xml_line");
	appendStringInfo(&sel, ", c%d pg_catalog.int4", ++nout);
	for (i = 0; i < m->ncols; i++)
	{
		appendStringInfo(&cols, ", %s", quote_identifier(m->cols[i]));
		appendStringInfo(&sel, ", c%d pg_catalog.text", ++nout);
	}
	sql = psprintf("INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT * FROM sen2.xml_load_batch(%s) AS u(%s)",
				   qtable, cols.data, quote_literal_cstr(m->name), sel.data);
	m->plan = SPI_prepare(sql, 0, NULL);
	if (m->plan == NULL)
		elog(ERROR, "SPI_prepare failed for %s: %s", qtable, SPI_result_code_string(SPI_result));
}

static Datum
make_array(Datum *elems, bool *nulls, int n, Oid type)
{
	int			dims[1];
	int			lbs[1] = {1};
	int16		typlen;
	bool		typbyval;
	char		typalign;

	dims[0] = n;
	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
											  type, typlen, typbyval, typalign));
}

/*
 * The module whose rows are being written, for sen2.xml_load_batch(): set
 * only while its INSERT runs, so the function has nothing to hand out at
 * any other time (and a load inside a trigger of another load stacks).
 */
typedef struct LdFlush
{
	Loader	   *ld;
	LdModule   *m;
} LdFlush;

static LdFlush *current_flush = NULL;

static void
flush_module(Loader *ld, LdModule *m)
{
	LdFlush		f;
	LdFlush    *prev = current_flush;
	int			rc;

	if (m->n == 0)
		return;
	f.ld = ld;
	f.m = m;
	current_flush = &f;
	PG_TRY();
	{
		rc = SPI_execute_plan(m->plan, NULL, NULL, false, 0);
		if (rc != SPI_OK_INSERT || SPI_processed != (uint64) m->n)
			elog(ERROR, "inserting into sen2.%s: %s, %llu of %d rows",
				 m->name, SPI_result_code_string(rc), (unsigned long long) SPI_processed, m->n);
	}
	PG_FINALLY();
	{
		current_flush = prev;
	}
	PG_END_TRY();
	ld->total_rows += m->n;
	m->n = 0;
	m->cap = 0;
	m->ids = m->parents = m->seqs = m->lines = NULL;
	m->vals = NULL;
}

static void
flush_issues(Loader *ld)
{
	Oid			types[8] = {INT8OID, INT4ARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
	TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, BOOLARRAYOID};
	Datum		args[8];
	Datum	   *d[7];
	bool	   *nl[7];
	int			i;
	int			k;
	int			rc;

	if (ld->nissues == 0)
		return;
	if (ld->issue_plan == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(ld->loadcxt);

		ld->issue_plan = SPI_prepare(
									 "INSERT INTO sen2.load_issue (return_id, line, path, element, issue, message, value, value_cut) "
									 "SELECT $1, u.* FROM ROWS FROM (pg_catalog.unnest($2), pg_catalog.unnest($3), "
									 "pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6), "
									 "pg_catalog.unnest($7), pg_catalog.unnest($8)) AS u",
									 8, types);
		MemoryContextSwitchTo(old);
		if (ld->issue_plan == NULL)
			elog(ERROR, "SPI_prepare failed for sen2.load_issue: %s", SPI_result_code_string(SPI_result));
	}
	for (k = 0; k < 7; k++)
	{
		d[k] = palloc(sizeof(Datum) * ld->nissues);
		nl[k] = palloc0(sizeof(bool) * ld->nissues);
	}
	for (i = 0; i < ld->nissues; i++)
	{
		LdIssue    *is = &ld->issues[i];

		d[0][i] = Int32GetDatum(is->line);
		d[1][i] = PointerGetDatum(is->path);
		d[2][i] = PointerGetDatum(is->element);
		d[3][i] = CStringGetTextDatum(is->issue);
		d[4][i] = PointerGetDatum(is->message);
		d[5][i] = PointerGetDatum(is->value);
		nl[5][i] = is->value == NULL;
		d[6][i] = BoolGetDatum(is->cut);
	}
	args[0] = Int64GetDatum(ld->return_id);
	args[1] = make_array(d[0], nl[0], ld->nissues, INT4OID);
	for (k = 1; k <= 5; k++)
		args[k + 1] = make_array(d[k], nl[k], ld->nissues, TEXTOID);
	args[7] = make_array(d[6], nl[6], ld->nissues, BOOLOID);
	rc = SPI_execute_plan(ld->issue_plan, args, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "inserting into sen2.load_issue: %s", SPI_result_code_string(rc));
	ld->nissues = 0;
	ld->issuecap = 0;
	ld->issues = NULL;
}

/* Writes the batch: parents' tables before children's. */
static void
flush_batch(Loader *ld)
{
	LdLayout   *L = ld->L;
	int			depth;
	int			i;
	bool		more = true;

	/* SPI calls leave CurrentMemoryContext at SPI's: allocate explicitly */
	MemoryContextSwitchTo(ld->batchcxt);
	for (depth = 1; more; depth++)
	{
		more = false;
		for (i = 0; i < L->nmods; i++)
		{
			if (i == L->root_module)
				continue;
			if (L->mods[i].depth == depth)
				flush_module(ld, &L->mods[i]);
			else if (L->mods[i].depth > depth)
				more = true;
			MemoryContextSwitchTo(ld->batchcxt);
		}
	}
	flush_issues(ld);
	MemoryContextSwitchTo(ld->batchcxt);
	MemoryContextReset(ld->batchcxt);
	ld->batch_rows = 0;
	ld->batch_bytes = 0;
}

static text *
to_text(const char *s, size_t len)
{
	if (GetDatabaseEncoding() == PG_UTF8)
		return cstring_to_text_with_len(s, (int) len);
	return cstring_to_text(pg_any_to_server(s, (int) len, PG_UTF8));
}

static void
load_names(Loader *ld)
{
	int			rc;
	int			i;

	rc = SPI_execute("SELECT n.name, e.parent, min(e.collection_year), max(e.collection_year) "
					 "  FROM sen2.element e, "
					 "       LATERAL pg_catalog.unnest(pg_catalog.array_prepend(e.element, e.aliases)) AS n(name) "
					 " GROUP BY n.name, e.parent ORDER BY 1, 3, 2", true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "reading sen2.element failed: %s", SPI_result_code_string(rc));
	ld->nnames = (int) SPI_processed;
	ld->names = palloc0(sizeof(NameInfo) * Max(ld->nnames, 1));
	for (i = 0; i < ld->nnames; i++)
	{
		ld->names[i].name = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		ld->names[i].parent = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
		ld->names[i].first_year = atoi(SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3));
		ld->names[i].last_year = atoi(SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 4));
	}
}

/* The parent element named in a path: "/A/B[2]/C" -> "B". */
static char *
path_parent(const char *path)
{
	const char *end = strrchr(path, '/');
	const char *start;
	const char *br;

	if (end == NULL || end == path)
		return pstrdup("");
	start = end - 1;
	while (start > path && *start != '/')
		start--;
	start++;
	br = memchr(start, '[', end - start);
	return pnstrdup(start, (br ? br : end) - start);
}

static char *
issue_message(Loader *ld, const xmlin_event *ev, const char *element, const char *path)
{
	StringInfoData s;
	int			year = ld->L->year;
	int			i;
	int			found = 0;

	initStringInfo(&s);
	switch (ev->issue)
	{
		case XMLIN_ISSUE_UNKNOWN:
			for (i = 0; i < ld->nnames; i++)
				if (strcmp(ld->names[i].name, element) == 0)
					break;
			if (i < ld->nnames)
			{
				appendStringInfo(&s, "<%s> is not part of the %d SEN2 layout (it is in", element, year);
				for (; i < ld->nnames && strcmp(ld->names[i].name, element) == 0; i++)
				{
					if (ld->names[i].first_year == ld->names[i].last_year)
						appendStringInfo(&s, "%s %d under <%s>", found++ ? ";" : "",
										 ld->names[i].first_year, ld->names[i].parent);
					else
						appendStringInfo(&s, "%s %d-%d under <%s>", found++ ? ";" : "",
										 ld->names[i].first_year, ld->names[i].last_year,
										 ld->names[i].parent);
				}
				appendStringInfoString(&s, "): not loaded");
			}
			else
				appendStringInfo(&s, "<%s> is not a SEN2 element: not loaded", element);
			break;
		case XMLIN_ISSUE_MISPLACED:
			appendStringInfo(&s, "<%s> does not belong in <%s>; in %d it belongs in",
							 element, path_parent(path), year);
			for (i = 0; i < ld->L->nrows; i++)
			{
				LdElement  *e = &ld->L->rows[i];
				bool		match = strcmp(e->element, element) == 0;
				int			k;

				for (k = 0; !match && k < e->naliases; k++)
					match = strcmp(e->aliases[k], element) == 0;
				if (match)
					appendStringInfo(&s, "%s <%s>", found++ ? " or" : "", e->parent);
			}
			appendStringInfoString(&s, ": not loaded");
			break;
		case XMLIN_ISSUE_REPEATED:
			appendStringInfo(&s, "a second <%s> where only one is allowed: the first one is loaded, not this one",
							 element);
			break;
		case XMLIN_ISSUE_TEXT:
			appendStringInfo(&s, "text directly inside <%s>, which holds only elements: not loaded", element);
			break;
		case XMLIN_ISSUE_ATTRIBUTE:
			appendStringInfo(&s, "attribute %s on <%s>: SEN2 elements have no attributes, not loaded",
							 from_utf8(ev->attribute, strlen(ev->attribute)), element);
			break;
		case XMLIN_ISSUE_NAMESPACE:
			appendStringInfo(&s, "the elements are in namespace \"%s\"; SEN2 uses none: the namespace is ignored",
							 from_utf8(ev->attribute, strlen(ev->attribute)));
			break;
		case XMLIN_ISSUE_EMPTY:
			appendStringInfo(&s, "<%s> is empty: loaded as ''; SEN2 files leave out an element that has no value",
							 element);
			break;
		case XMLIN_ISSUE_ORDER:
			appendStringInfo(&s, "<%s> comes after <%s>, but the %d layout (and sen2.xsd(%d)) puts it before: loaded, but the file's order is wrong",
							 element, ev->after ? ev->after : "?", year, year);
			break;
	}
	if (ev->truncated)
		appendStringInfo(&s, " (value cut at sen2.max_item_bytes, %d bytes)", sen2_max_item_bytes);
	return s.data;
}

static void
add_issue(Loader *ld, const xmlin_event *ev)
{
	MemoryContext old = MemoryContextSwitchTo(ld->batchcxt);
	LdIssue    *is;
	char	   *element = from_utf8(ev->element, strlen(ev->element));
	char	   *path = from_utf8(ev->path, strlen(ev->path));

	if (ld->nissues == ld->issuecap)
	{
		ld->issuecap = ld->issuecap ? ld->issuecap * 2 : 64;
		ld->issues = ld->issues ? repalloc(ld->issues, sizeof(LdIssue) * ld->issuecap)
			: palloc(sizeof(LdIssue) * ld->issuecap);
	}
	is = &ld->issues[ld->nissues++];
	is->line = ev->line;
	is->message = cstring_to_text(issue_message(ld, ev, element, path));
	if (ev->issue == XMLIN_ISSUE_ATTRIBUTE)
		path = psprintf("%s/@%s", path, from_utf8(ev->attribute, strlen(ev->attribute)));
	is->path = cstring_to_text(path);
	is->element = cstring_to_text(element);
	is->issue = xmlin_issue_name(ev->issue);	/* the codes of load_issue.issue */
	is->value = ev->value ? to_text(ev->value, ev->len) : NULL;
	if (ev->issue == XMLIN_ISSUE_NAMESPACE)
		is->value = to_text(ev->attribute, strlen(ev->attribute));
	is->cut = ev->truncated;
	ld->batch_bytes += ev->len + 128;
	if (ld->nopen > 1)
		ld->person_bytes += ev->len + ROW_OVERHEAD;
	MemoryContextSwitchTo(old);
}

static void
check_person_size(Loader *ld)
{
	if (ld->person_bytes > PERSON_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the <%s> starting on line %d holds more than %d MB",
						ld->L->nodes[ld->rows[1].node].name, ld->rows[1].line,
						PERSON_BYTES / (1024 * 1024)),
				 errdetail("A return is loaded one person at a time; this one has %ld rows so far.",
						   ld->person_rows),
				 errhint("No genuine SEN2 person comes near this size: check how the file was produced.")));
}

static void
load_event(void *state, const xmlin_event *ev, bool *stop)
{
	Loader	   *ld = state;
	LdLayout   *L = ld->L;
	MemoryContext caller = MemoryContextSwitchTo(ld->batchcxt);

	switch (ev->type)
	{
		case XMLIN_ROW_START:
			{
				OpenRow    *o;
				LdModule   *m = &L->mods[L->nodes[ev->node].module];

				if (ld->nopen >= XMLIN_MAX_DEPTH)
					elog(ERROR, "rows nested too deeply");
				o = &ld->rows[ld->nopen++];
				o->node = ev->node;
				o->module = L->nodes[ev->node].module;
				o->line = ev->line;
				o->seq = ev->seq;
				if (ld->nopen == 1)
				{
					o->id = ld->return_id;
					o->vals = ld->return_vals;
				}
				else
				{
					o->id = nextval_internal(m->seqoid, false);
					o->vals = MemoryContextAllocZero(ld->batchcxt, sizeof(text *) * Max(m->ncols, 1));
					ld->person_bytes += ROW_OVERHEAD + sizeof(text *) * m->ncols;
					ld->person_rows++;
					check_person_size(ld);
				}
				break;
			}
		case XMLIN_ITEM:
			{
				OpenRow    *o = &ld->rows[ld->nopen - 1];
				const xmlin_node *n = &L->nodes[ev->node];
				MemoryContext old;

				Assert(n->module == o->module);
				if (o->vals[n->column] != NULL)
				{
					/* two layout elements (or a repeatable one) name one column */
					xmlin_event dup = *ev;

					dup.type = XMLIN_ISSUE;
					dup.issue = XMLIN_ISSUE_REPEATED;
					dup.element = n->name;
					dup.path = "";
					add_issue(ld, &dup);
					break;
				}
				old = MemoryContextSwitchTo(ld->nopen == 1 ? ld->loadcxt : ld->batchcxt);
				o->vals[n->column] = to_text(ev->value, ev->len);
				MemoryContextSwitchTo(old);
				ld->batch_bytes += ev->len;
				if (ld->nopen > 1)
				{
					ld->person_bytes += ev->len;
					check_person_size(ld);
				}
				break;
			}
		case XMLIN_ROW_END:
			{
				OpenRow    *o = &ld->rows[--ld->nopen];
				LdModule   *m = &L->mods[o->module];
				MemoryContext old;
				size_t		i;

				if (ld->nopen == 0)
					break;		/* the return itself: written at the end */
				old = MemoryContextSwitchTo(ld->batchcxt);
				if (m->n == m->cap)
				{
					m->cap = m->cap ? m->cap * 2 : 256;
					m->ids = m->ids ? repalloc(m->ids, sizeof(Datum) * m->cap) : palloc(sizeof(Datum) * m->cap);
					m->parents = m->parents ? repalloc(m->parents, sizeof(Datum) * m->cap) : palloc(sizeof(Datum) * m->cap);
					m->seqs = m->seqs ? repalloc(m->seqs, sizeof(Datum) * m->cap) : palloc(sizeof(Datum) * m->cap);
					m->lines = m->lines ? repalloc(m->lines, sizeof(Datum) * m->cap) : palloc(sizeof(Datum) * m->cap);
					m->vals = m->vals ? repalloc(m->vals, sizeof(text *) * m->cap * Max(m->ncols, 1))
						: palloc(sizeof(text *) * m->cap * Max(m->ncols, 1));
				}
				MemoryContextSwitchTo(old);
				m->ids[m->n] = Int64GetDatum(o->id);
				m->parents[m->n] = Int64GetDatum(ld->rows[ld->nopen - 1].id);
				m->seqs[m->n] = Int32GetDatum(o->seq);
				m->lines[m->n] = Int32GetDatum(o->line);
				for (i = 0; i < (size_t) m->ncols; i++)
					m->vals[(size_t) m->n * m->ncols + i] = o->vals[i];
				m->n++;
				ld->batch_rows++;
				if (ld->nopen == 1)
				{
					/* a whole person (or other top-level row) is complete */
					ld->person_bytes = 0;
					ld->person_rows = 0;
					if (ld->batch_rows >= BATCH_ROWS || ld->batch_bytes >= BATCH_BYTES)
						flush_batch(ld);
				}
				break;
			}
		case XMLIN_ISSUE:
			add_issue(ld, ev);
			break;
		case XMLIN_END:
		case XMLIN_ERROR:
			break;
	}
	MemoryContextSwitchTo(caller);
}

static void
write_header(Loader *ld)
{
	LdModule   *m = &ld->L->mods[ld->L->root_module];
	StringInfoData sql;
	Oid		   *types = palloc(sizeof(Oid) * (m->ncols + 1));
	Datum	   *args = palloc(sizeof(Datum) * (m->ncols + 1));
	char	   *nulls = palloc(m->ncols + 1);
	int			i;
	int			rc;

	if (m->ncols == 0)
		return;
	initStringInfo(&sql);
	appendStringInfoString(&sql, "UPDATE sen2.return SET ");
	for (i = 0; i < m->ncols; i++)
	{
		appendStringInfo(&sql, "%s%s = $%d", i ? ", " : "", quote_identifier(m->cols[i]), i + 1);
		types[i] = TEXTOID;
		args[i] = PointerGetDatum(ld->return_vals[i]);
		nulls[i] = ld->return_vals[i] ? ' ' : 'n';
	}
	appendStringInfo(&sql, " WHERE return_id = $%d", m->ncols + 1);
	types[m->ncols] = INT8OID;
	args[m->ncols] = Int64GetDatum(ld->return_id);
	nulls[m->ncols] = ' ';
	rc = SPI_execute_with_args(sql.data, m->ncols + 1, types, args, nulls, false, 0);
	if (rc != SPI_OK_UPDATE || SPI_processed != 1)
		elog(ERROR, "updating the header of return " INT64_FORMAT ": %s",
			 ld->return_id, SPI_result_code_string(rc));
}

/* ----------------------------------------------------------------------
 * The load
 * ---------------------------------------------------------------------- */

static int
choose_year(const HeaderScan *h, int given)
{
	int			year = 0;
	int			rc;
	Datum		arg;
	Oid			argtype = INT4OID;

	if (h->year && is_digits(h->year, 4))
		year = atoi(h->year);
	if (given != 0 && year != 0 && given != year)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the document is a %d return, but collection_year is %d", year, given),
				 errdetail("<Year> on line %d says %d.", h->year_line, year),
				 errhint("Leave collection_year out to use the document's own year.")));
	if (given != 0)
		year = given;
	if (year == 0)
	{
		if (h->year == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_XML_DOCUMENT),
					 errmsg("the SEN2 document has no <Year> in its header"),
					 errdetail("The collection year chooses the layout the document is read with."),
					 errhint("Pass it as an argument, e.g. sen2.load_xml(doc, collection_year => 2026).")));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_XML_DOCUMENT),
				 errmsg("the SEN2 document's <Year> is \"%s\", not a year", h->year),
				 errdetail("<Year> is on line %d.", h->year_line),
				 errhint("Pass the collection year as an argument, e.g. sen2.load_xml(doc, collection_year => 2026); the value in the file is kept and reported by the rules.")));
	}
	arg = Int32GetDatum(year);
	rc = SPI_execute_with_args("SELECT 1 FROM sen2.collection WHERE collection_year = $1",
							   1, &argtype, &arg, NULL, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "reading sen2.collection failed");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("collection year %d is not known", year),
				 errhint("SELECT collection_year FROM sen2.collection lists the known years; sen2.copy_reference_year adds one.")));
	return year;
}

static char *
choose_la(const HeaderScan *h, const char *given)
{
	bool		file_ok = h->lea && is_digits(h->lea, 3);

	if (given != NULL)
	{
		if (!is_digits(given, 3))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid LA code \"%s\"", given),
					 errdetail("An LA code is the DfE's three-digit LA number, e.g. 886.")));
		if (file_ok && strcmp(given, h->lea) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the document is LA %s's return, but la_code is %s", h->lea, given),
					 errdetail("<LEA> on line %d says %s.", h->lea_line, h->lea),
					 errhint("Leave la_code out to use the document's own LA.")));
		return pstrdup(given);
	}
	if (file_ok)
		return pstrdup(h->lea);
	if (h->lea == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_XML_DOCUMENT),
				 errmsg("the SEN2 document has no <LEA> in its header"),
				 errdetail("Every return belongs to one LA."),
				 errhint("Pass it as an argument, e.g. sen2.load_xml(doc, la_code => '886').")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_XML_DOCUMENT),
			 errmsg("the SEN2 document's <LEA> is \"%s\", not a three-digit LA code", h->lea),
			 errdetail("<LEA> is on line %d.", h->lea_line),
			 errhint("Pass the LA as an argument, e.g. sen2.load_xml(doc, la_code => '886'); the value in the file is kept and reported by the rules.")));
	return NULL;				/* keep compiler quiet */
}

int64
sen2_load_document(const Sen2XmlSource *src,
				   const char *la_code, int collection_year, const char *label)
{
	MemoryContext loadcxt;
	MemoryContext old;
	HeaderScan	h;
	Loader		ld;
	int			year;
	char	   *la;
	int			i;
	int			rc;
	Oid			types[3] = {TEXTOID, INT4OID, TEXTOID};
	Datum		args[3];
	char		nulls[3] = {' ', ' ', ' '};
	bool		isnull;

	sen2_xml_guc_init();
	loadcxt = AllocSetContextCreate(CurrentMemoryContext, "sen2 load_xml",
									ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(loadcxt);

	/* pass 1: Year and LEA */
	memset(&h, 0, sizeof(h));
	h.L = load_layout(0);
	walk_document(src, h.L, header_event, &h);
	year = choose_year(&h, collection_year);
	la = choose_la(&h, la_code);

	/* the return row; its header items are written at the end */
	args[0] = CStringGetTextDatum(la);
	args[1] = Int32GetDatum(year);
	if (label)
		args[2] = CStringGetTextDatum(label);
	else
		nulls[2] = 'n';
	rc = SPI_execute_with_args("INSERT INTO sen2.return (la_code, collection_year, label, origin, collection, source_level) "
							   "VALUES ($1, $2, $3, 'xml', NULL, NULL) RETURNING return_id",
							   3, types, args, nulls, false, 1);
	if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "inserting into sen2.return failed: %s", SPI_result_code_string(rc));

	memset(&ld, 0, sizeof(ld));
	ld.return_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	ld.loadcxt = loadcxt;
	ld.batchcxt = AllocSetContextCreate(loadcxt, "sen2 load_xml batch", ALLOCSET_DEFAULT_SIZES);
	ld.L = load_layout(year);
	load_names(&ld);
	for (i = 0; i < ld.L->nmods; i++)
	{
		if (i == ld.L->root_module)
			continue;
		if (ld.L->mods[i].parent == -2)
			layout_error(ld.L, psprintf("Table %s has items but no group element of its own.",
										ld.L->mods[i].name));
		prepare_module(&ld, &ld.L->mods[i]);
	}
	ld.return_vals = palloc0(sizeof(text *) * Max(ld.L->mods[ld.L->root_module].ncols, 1));

	/* pass 2: everything */
	walk_document(src, ld.L, load_event, &ld);
	flush_batch(&ld);
	MemoryContextSwitchTo(loadcxt);
	write_header(&ld);

	MemoryContextSwitchTo(old);
	MemoryContextDelete(loadcxt);
	return ld.return_id;
}

/* ----------------------------------------------------------------------
 * SQL entry points
 * ---------------------------------------------------------------------- */

static char *
opt_text(FunctionCallInfo fcinfo, int n)
{
	if (PG_NARGS() <= n || PG_ARGISNULL(n))
		return NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

static void
check_document_arg(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the SEN2 document is NULL"),
				 errhint("Check how the file was read: pg_read_binary_file() returns NULL for a missing file only with missing_ok.")));
}

static int64
load_source(FunctionCallInfo fcinfo, const Sen2XmlSource *src)
{
	char	   *la = opt_text(fcinfo, 1);
	int			year = (PG_NARGS() > 2 && !PG_ARGISNULL(2)) ? PG_GETARG_INT32(2) : 0;
	char	   *label = opt_text(fcinfo, 3);
	int64		id;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	id = sen2_load_document(src, la, year, label);
	SPI_finish();
	return id;
}

PG_FUNCTION_INFO_V1(sen2_load_xml_text);
Datum
sen2_load_xml_text(PG_FUNCTION_ARGS)
{
	Sen2XmlSource src;
	text	   *t;

	check_document_arg(fcinfo);
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
	PG_RETURN_INT64(load_source(fcinfo, &src));
}

PG_FUNCTION_INFO_V1(sen2_load_xml_bytea);
Datum
sen2_load_xml_bytea(PG_FUNCTION_ARGS)
{
	Sen2XmlSource src;
	bytea	   *b;

	check_document_arg(fcinfo);
	b = PG_GETARG_BYTEA_PP(0);
	memset(&src, 0, sizeof(src));
	src.buf = VARDATA_ANY(b);
	src.len = VARSIZE_ANY_EXHDR(b);
	PG_RETURN_INT64(load_source(fcinfo, &src));
}

/*
 * sen2.xml_load_batch(module): the rows sen2.load_xml has gathered for one
 * table, while the INSERT that writes them runs (see flush_module).  The
 * INSERT itself keeps every constraint, foreign key, trigger, privilege
 * and row-level security policy; this only feeds it, one tuple per row,
 * straight from the loader's buffers.
 */
PG_FUNCTION_INFO_V1(sen2_xml_load_batch);
Datum
sen2_xml_load_batch(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *module = text_to_cstring(PG_GETARG_TEXT_PP(0));
	LdFlush    *f = current_flush;
	LdModule   *m;
	TupleDesc	desc;
	Tuplestorestate *ts;
	MemoryContext old;
	Datum	   *values;
	bool	   *nulls;
	bool		has_parent;
	int			nout;
	int			i;
	int			c;

	if (f == NULL || strcmp(f->m->name, module) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("sen2.xml_load_batch('%s') has no rows to give", module),
				 errdetail("It hands sen2.load_xml's rows to the INSERT that writes them, and only then."),
				 errhint("Load a file with sen2.load_xml, sen2.load_xml_file or sen2.load_xml_lo.")));
	m = f->m;
	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize) || rsinfo->expectedDesc == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("sen2.xml_load_batch must be called in FROM with a column list")));
	has_parent = m->parent >= 0 && m->parent != f->ld->L->root_module;
	nout = 3 + (has_parent ? 1 : 0) + (m->has_seq ? 1 : 0) + m->ncols;
	if (rsinfo->expectedDesc->natts != nout)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("sen2.xml_load_batch('%s') gives %d columns, not %d",
						module, nout, rsinfo->expectedDesc->natts)));

	for (i = 0; i < nout; i++)
	{
		Oid			want = i < 2 || (i == 2 && has_parent) ? INT8OID
			: i < nout - m->ncols ? INT4OID : TEXTOID;

		if (TupleDescAttr(rsinfo->expectedDesc, i)->atttypid != want)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column %d of sen2.xml_load_batch('%s') is %s, not %s",
							i + 1, module, format_type_be(want),
							format_type_be(TupleDescAttr(rsinfo->expectedDesc, i)->atttypid))));
	}
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	desc = CreateTupleDescCopy(rsinfo->expectedDesc);
	/* the batch is in memory already: keep its copy there too */
	ts = tuplestore_begin_heap(false, false, Max(work_mem, 2 * BATCH_BYTES / 1024));
	MemoryContextSwitchTo(old);

	values = palloc(sizeof(Datum) * nout);
	nulls = palloc(sizeof(bool) * nout);
	for (i = 0; i < m->n; i++)
	{
		int			k = 0;

		memset(nulls, 0, sizeof(bool) * nout);
		values[k++] = m->ids[i];
		values[k++] = Int64GetDatum(f->ld->return_id);
		if (has_parent)
			values[k++] = m->parents[i];
		if (m->has_seq)
			values[k++] = m->seqs[i];
		values[k++] = m->lines[i];
		for (c = 0; c < m->ncols; c++)
		{
			text	   *v = m->vals[(size_t) i * m->ncols + c];

			values[k] = PointerGetDatum(v);
			nulls[k++] = v == NULL;
		}
		tuplestore_putvalues(ts, desc, values, nulls);
	}
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = ts;
	rsinfo->setDesc = desc;
	return (Datum) 0;
}

/* A server file, read in chunks: files of any size, memory stays flat. */
typedef struct FileStream
{
	FILE	   *f;
	const char *path;
} FileStream;

static long
file_read(void *arg, char *buf, size_t size)
{
	FileStream *fs = arg;
	size_t		n;

	CHECK_FOR_INTERRUPTS();
	n = fread(buf, 1, size, fs->f);
	if (n == 0 && ferror(fs->f))
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read file \"%s\": %m", fs->path)));
	return (long) n;
}

static void
file_rewind(void *arg)
{
	FileStream *fs = arg;

	if (fseeko(fs->f, 0, SEEK_SET) != 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not seek in file \"%s\": %m", fs->path)));
	clearerr(fs->f);
}

PG_FUNCTION_INFO_V1(sen2_load_xml_file);
Datum
sen2_load_xml_file(PG_FUNCTION_ARGS)
{
	Sen2XmlSource src;
	FileStream	fs;
	char	   *path;
	int64		id;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the file name is NULL")));
	/* the same rule as pg_read_binary_file on files outside the data directory */
	if (!has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to read a file on the server"),
				 errdetail("Only roles with the privileges of pg_read_server_files may read server files."),
				 errhint("Pass the file's contents instead, e.g. with psql: \\set doc `cat file.xml` then sen2.load_xml(:'doc'), or load it as a large object and use sen2.load_xml_lo().")));
	path = text_to_cstring(PG_GETARG_TEXT_PP(0));
	canonicalize_path(path);
	fs.path = path;
	fs.f = AllocateFile(path, PG_BINARY_R);
	if (fs.f == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open file \"%s\" for reading: %m", path)));
	memset(&src, 0, sizeof(src));
	src.read = file_read;
	src.rewind = file_rewind;
	src.arg = &fs;
	id = load_source(fcinfo, &src);
	FreeFile(fs.f);
	PG_RETURN_INT64(id);
}

/* A large object (e.g. from psql's \lo_import), read in chunks. */
typedef struct LoStream
{
	int32		fd;
} LoStream;

static long
lo_stream_read(void *arg, char *buf, size_t size)
{
	LoStream   *ls = arg;
	bytea	   *chunk;
	long		n;

	CHECK_FOR_INTERRUPTS();
	chunk = DatumGetByteaPP(DirectFunctionCall2(be_loread, Int32GetDatum(ls->fd),
												Int32GetDatum((int32) size)));
	n = (long) VARSIZE_ANY_EXHDR(chunk);
	memcpy(buf, VARDATA_ANY(chunk), n);
	pfree(chunk);
	return n;
}

static void
lo_stream_rewind(void *arg)
{
	LoStream   *ls = arg;

	DirectFunctionCall3(be_lo_lseek64, Int32GetDatum(ls->fd), Int64GetDatum(0),
						Int32GetDatum(SEEK_SET));
}

PG_FUNCTION_INFO_V1(sen2_load_xml_lo);
Datum
sen2_load_xml_lo(PG_FUNCTION_ARGS)
{
	Sen2XmlSource src;
	LoStream	ls;
	int64		id;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the large object id is NULL")));
	/* lo_open checks the caller's SELECT privilege on the object */
	ls.fd = DatumGetInt32(DirectFunctionCall2(be_lo_open, PG_GETARG_DATUM(0),
											  Int32GetDatum(INV_READ)));
	memset(&src, 0, sizeof(src));
	src.read = lo_stream_read;
	src.rewind = lo_stream_rewind;
	src.arg = &ls;
	id = load_source(fcinfo, &src);
	DirectFunctionCall1(be_lo_close, Int32GetDatum(ls.fd));
	PG_RETURN_INT64(id);
}
