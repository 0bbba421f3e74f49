/*
 * xmlin.c
 *		Streaming reader of SEN2 XML documents (see xmlin.h).
 *
 * No PostgreSQL here: the fuzz harness (test/fuzz/xmlin_fuzz.c) links this
 * file alone.  libxml2's SAX2 callbacks only append events to a queue; the
 * queue is drained by xmlin_next() in the caller's frame, and refilled by
 * feeding the parser one more chunk when it runs dry.  That keeps every
 * callback free of anything that can longjmp, and keeps memory bounded by
 * the chunk size, max_item_bytes and XMLIN_MAX_DEPTH.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#include "xmlin.h"

#define DEFAULT_CHUNK	(64 * 1024)
#define NO_STRING		SIZE_MAX

typedef struct strbuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} strbuf;

/* An event as queued: strings are offsets into the arena, which may move. */
typedef struct qevent
{
	xmlin_event_type type;
	xmlin_issue_kind issue;
	int			node;
	int			line;
	int			seq;
	bool		truncated;
	size_t		value;
	size_t		len;
	size_t		element;
	size_t		attribute;
	size_t		after;
	size_t		path;
} qevent;

typedef struct frame
{
	const xmlChar *name;		/* interned in the parser's dictionary */
	int			node;			/* layout node; -1 inside a stray element */
	int			line;
	int			seq;			/* row groups: position among siblings */
	int		   *count;			/* row groups: occurrences per slot */
	size_t		cap_mark;		/* stray elements: capture length after the
								 * start tag, to write <X/> when empty */
	int			last_pos;		/* groups: position of the latest child */
	int			last_child;		/* and that child's node */
} frame;

struct xmlin_reader
{
	const unsigned char *in;	/* a document in memory, or */
	size_t		inlen;
	size_t		inpos;
	xmlin_read_fn read;			/* a stream, read into sbuf */
	void	   *read_arg;
	char	   *sbuf;
	bool		nonblank;		/* input fed so far has more than blanks */
	size_t		fed;			/* bytes given to the parser so far */
	size_t		progress;		/* fed when the parser last reported anything */
	const xmlin_layout *layout;
	const xmlin_node *nodes;
	int			nnodes;
	size_t		max_item;
	size_t		chunk;
	bool		utf8;
	xmlParserCtxtPtr ctxt;
	xmlSAXHandler sax;

	/* layout index */
	int			root;
	int		   *first_child;
	int		   *next_sibling;
	int		   *slot;			/* a node's slot in the row that holds it */
	int		   *nslots;			/* slots of a row group */
	int			maxslots;
	const xmlChar **interned;	/* the dictionary pointer a node last matched */
	int		   *count_pool;

	/* the open elements */
	frame		stack[XMLIN_MAX_DEPTH];
	int			depth;

	/* text of the current item, text inside a group */
	strbuf		val;
	strbuf		gtext;
	bool		gtext_blank;
	int			gtext_line;
	size_t		run;			/* length of the current text run */
	int			mark_line;		/* line where the last markup ended */

	/* a stray element being captured (cap_depth < 0: none) */
	int			cap_depth;
	xmlin_issue_kind cap_issue;
	int			cap_node;
	int			cap_line;
	bool		cap_markup;		/* has attributes or child elements */
	bool		cap_trunc;
	bool		cap_text_trunc;
	strbuf		cap;			/* the element as markup */
	strbuf		cap_text;		/* its text alone */
	strbuf		cap_path;

	bool		ns_reported;
	bool		root_seen;

	/* events waiting for the caller */
	qevent	   *q;
	int			qlen;
	int			qcap;
	int			qpos;
	strbuf		arena;

	bool		input_done;		/* all input has been fed */
	bool		finished;
	bool		failed;
	xmlin_error err;
	xmlin_event cur;
};

/* ----------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------- */

static bool
sb_reserve(strbuf *b, size_t extra)
{
	size_t		need;
	size_t		ncap;
	char	   *p;

	if (extra > SIZE_MAX / 2 - b->len)
		return false;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap *= 2;
	p = realloc(b->data, ncap);
	if (p == NULL)
		return false;
	b->data = p;
	b->cap = ncap;
	return true;
}

static bool
sb_append(strbuf *b, const char *s, size_t n)
{
	if (!sb_reserve(b, n))
		return false;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

static bool
sb_appends(strbuf *b, const char *s)
{
	return sb_append(b, s, strlen(s));
}

/*
 * Append at most up to limit bytes in all, cutting only between UTF-8
 * characters; *cut is set when something was left out.
 */
static bool
sb_append_capped(strbuf *b, const char *s, size_t n, size_t limit, bool *cut)
{
	size_t		room;

	if (*cut)
		return true;
	room = b->len < limit ? limit - b->len : 0;
	if (n > room)
	{
		n = room;
		while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
			n--;
		*cut = true;
	}
	return sb_append(b, s, n);
}

/* Markup escaping for the copy of a stray element. */
static bool
sb_append_escaped(strbuf *b, const char *s, size_t n, bool attr,
				  size_t limit, bool *cut)
{
	size_t		i;
	size_t		start = 0;

	for (i = 0; i < n; i++)
	{
		const char *rep = NULL;

		switch (s[i])
		{
			case '&':
				rep = "&amp;";
				break;
			case '<':
				rep = "&lt;";
				break;
			case '>':
				rep = "&gt;";
				break;
			case '"':
				rep = attr ? "&quot;" : NULL;
				break;
		}
		if (rep == NULL)
			continue;
		if (!sb_append_capped(b, s + start, i - start, limit, cut) ||
			!sb_append_capped(b, rep, strlen(rep), limit, cut))
			return false;
		start = i + 1;
	}
	return sb_append_capped(b, s + start, n - start, limit, cut);
}

/*
 * libxml2 hands "&amp;" in attribute values on as "&#38;" when it does not
 * substitute entities: undo that one rewrite.
 */
static bool
attr_value(strbuf *v, const char *vs, const char *ve)
{
	const char *p;
	const char *start = vs;

	v->len = 0;
	if (!sb_append(v, "", 0))
		return false;
	for (p = vs; p < ve; p++)
	{
		if (*p == '&' && ve - p >= 5 && memcmp(p, "&#38;", 5) == 0)
		{
			if (!sb_append(v, start, p - start) || !sb_append(v, "&", 1))
				return false;
			p += 4;
			start = p + 1;
		}
	}
	return sb_append(v, start, ve - start);
}

static bool
is_blank(const char *s, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t		len;
	size_t		i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

/*
 * Copy a message into dst: valid UTF-8 only, control characters and line
 * breaks as spaces, no trailing blanks.  libxml2 messages quote bytes of
 * the document, which may be anything.
 */
static void
copy_clean(char *dst, size_t dstsize, const char *src)
{
	const unsigned char *s = (const unsigned char *) (src ? src : "");
	size_t		n = strlen((const char *) s);
	size_t		o = 0;
	size_t		i = 0;

	while (i < n && o + 1 < dstsize)
	{
		size_t		k = utf8_seq(s + i, n - i);

		if (k == 0)
		{
			dst[o++] = '?';
			i++;
		}
		else if (k == 1)
		{
			dst[o++] = (s[i] < 0x20 || s[i] == 0x7F) ? ' ' : (char) s[i];
			i++;
		}
		else
		{
			if (o + k >= dstsize)
				break;
			memcpy(dst + o, s + i, k);
			o += k;
			i += k;
		}
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
}

static void
halt(xmlin_reader *r)
{
	if (r->ctxt != NULL)
		xmlStopParser(r->ctxt);
}

static int
cur_line(xmlin_reader *r)
{
	return r->ctxt ? xmlSAX2GetLineNumber(r->ctxt) : 0;
}

static int
cur_column(xmlin_reader *r)
{
	return r->ctxt ? xmlSAX2GetColumnNumber(r->ctxt) : 0;
}

static void build_path(xmlin_reader *r, strbuf *b);

#if defined(__GNUC__) || defined(__clang__)
#define XMLIN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define XMLIN_PRINTF(f, a)
#endif

static void fail(xmlin_reader *r, xmlin_error_kind kind, const char *element,
				 const char *fmt,...) XMLIN_PRINTF(4, 5);

/* The root is always a row: the return itself. */
static bool
is_row(const xmlin_reader *r, int node)
{
	return node == r->root || r->nodes[node].opens_row;
}

/* Record the first error and stop the parser. */
static void
fail(xmlin_reader *r, xmlin_error_kind kind, const char *element,
	 const char *fmt,...)
{
	va_list		ap;
	char		msg[sizeof(r->err.message)];
	strbuf		path = {0};

	if (r->failed)
		return;
	r->failed = true;
	r->err.kind = kind;
	r->err.line = cur_line(r);
	r->err.column = cur_column(r);
	r->err.xml_code = 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	copy_clean(r->err.message, sizeof(r->err.message), msg);
	copy_clean(r->err.element, sizeof(r->err.element), element);
	if (kind != XMLIN_ERR_NOMEM && r->depth > 0)
	{
		build_path(r, &path);
		copy_clean(r->err.path, sizeof(r->err.path), path.data);
		free(path.data);
	}
	halt(r);
}

static void
nomem(xmlin_reader *r)
{
	fail(r, XMLIN_ERR_NOMEM, NULL, "out of memory");
}

/* ----------------------------------------------------------------------
 * The event queue
 * ---------------------------------------------------------------------- */

static size_t
arena_put(xmlin_reader *r, const char *s, size_t n)
{
	size_t		off = r->arena.len;

	if (s == NULL)
		return NO_STRING;
	if (!sb_append(&r->arena, s, n) || !sb_append(&r->arena, "", 1))
	{
		nomem(r);
		return NO_STRING;
	}
	return off;
}

static qevent *
push_event(xmlin_reader *r, xmlin_event_type type, int node, int line)
{
	qevent	   *e;

	if (r->failed)
		return NULL;
	if (r->qlen == r->qcap)
	{
		int			ncap = r->qcap ? r->qcap * 2 : 256;
		qevent	   *nq = realloc(r->q, sizeof(qevent) * ncap);

		if (nq == NULL)
		{
			nomem(r);
			return NULL;
		}
		r->q = nq;
		r->qcap = ncap;
	}
	e = &r->q[r->qlen++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->node = node;
	e->line = line;
	e->value = e->element = e->attribute = e->after = e->path = NO_STRING;
	return e;
}

/* "/Message/Persons/Person[3]/Requests[1]/...": the open elements. */
static void
build_path(xmlin_reader *r, strbuf *b)
{
	int			i;
	char		num[24];

	b->len = 0;
	for (i = 0; i < r->depth; i++)
	{
		const frame *f = &r->stack[i];

		if (!sb_appends(b, "/") || !sb_appends(b, (const char *) f->name))
			return;
		if (f->node >= 0 && f->node != r->root && r->nodes[f->node].opens_row &&
			!r->nodes[f->node].single)
		{
			snprintf(num, sizeof(num), "[%d]", f->seq);
			if (!sb_appends(b, num))
				return;
		}
	}
}

static void
push_issue(xmlin_reader *r, xmlin_issue_kind kind, int node, int line,
		   const char *element, const char *attribute,
		   const char *path, size_t pathlen,
		   const char *value, size_t len, bool truncated)
{
	qevent	   *e = push_event(r, XMLIN_ISSUE, node, line);

	if (e == NULL)
		return;
	e->issue = kind;
	e->truncated = truncated;
	e->element = arena_put(r, element, element ? strlen(element) : 0);
	e->attribute = arena_put(r, attribute, attribute ? strlen(attribute) : 0);
	e->path = arena_put(r, path, pathlen);
	e->value = arena_put(r, value, len);
	e->len = len;
}

/* An issue about the element on top of the stack. */
static void
issue_here(xmlin_reader *r, xmlin_issue_kind kind, int line,
		   const char *attribute, const char *value, size_t len)
{
	strbuf		path = {0};

	build_path(r, &path);
	if (path.data == NULL)
	{
		nomem(r);
		return;
	}
	push_issue(r, kind, r->stack[r->depth - 1].node, line,
			   (const char *) r->stack[r->depth - 1].name, attribute,
			   path.data, path.len, value, len, false);
	free(path.data);
}

/* ----------------------------------------------------------------------
 * Layout lookups
 * ---------------------------------------------------------------------- */

static bool
name_is(const xmlin_node *n, const char *name)
{
	int			i;

	if (strcmp(n->name, name) == 0)
		return true;
	for (i = 0; i < n->naliases; i++)
		if (n->aliases[i] && strcmp(n->aliases[i], name) == 0)
			return true;
	return false;
}

/* The child of parent called name (dictionary pointer), or -1. */
static int
find_child(xmlin_reader *r, int parent, const xmlChar *name)
{
	int			c;

	for (c = r->first_child[parent]; c >= 0; c = r->next_sibling[c])
		if (r->interned[c] == name)
			return c;
	for (c = r->first_child[parent]; c >= 0; c = r->next_sibling[c])
		if (name_is(&r->nodes[c], (const char *) name))
		{
			r->interned[c] = name;
			return c;
		}
	return -1;
}

static int
find_anywhere(xmlin_reader *r, const xmlChar *name)
{
	int			i;

	for (i = 0; i < r->nnodes; i++)
		if (name_is(&r->nodes[i], (const char *) name))
			return i;
	return -1;
}

/* ----------------------------------------------------------------------
 * Stray elements: copied whole into an issue
 * ---------------------------------------------------------------------- */

static void
capture_start_tag(xmlin_reader *r, const xmlChar *name, int nattr,
				  const xmlChar **attrs)
{
	int			i;
	bool		ok;

	ok = sb_append_capped(&r->cap, "<", 1, r->max_item, &r->cap_trunc) &&
		sb_append_capped(&r->cap, (const char *) name, strlen((const char *) name),
						 r->max_item, &r->cap_trunc);
	for (i = 0; ok && i < nattr; i++)
	{
		const char *an = (const char *) attrs[i * 5];
		strbuf		v = {0};

		ok = attr_value(&v, (const char *) attrs[i * 5 + 3],
						(const char *) attrs[i * 5 + 4]) &&
			sb_append_capped(&r->cap, " ", 1, r->max_item, &r->cap_trunc) &&
			sb_append_capped(&r->cap, an, strlen(an), r->max_item, &r->cap_trunc) &&
			sb_append_capped(&r->cap, "=\"", 2, r->max_item, &r->cap_trunc) &&
			sb_append_escaped(&r->cap, v.data, v.len, true, r->max_item, &r->cap_trunc) &&
			sb_append_capped(&r->cap, "\"", 1, r->max_item, &r->cap_trunc);
		free(v.data);
	}
	if (ok)
		ok = sb_append_capped(&r->cap, ">", 1, r->max_item, &r->cap_trunc);
	if (!ok)
		nomem(r);
	r->stack[r->depth - 1].cap_mark = r->cap.len;
}

static void
push_frame(xmlin_reader *r, const xmlChar *name, int node, int line)
{
	frame	   *f = &r->stack[r->depth++];

	f->name = name;
	f->node = node;
	f->line = line;
	f->seq = 0;
	f->count = NULL;
	f->cap_mark = 0;
	f->last_pos = 0;
	f->last_child = -1;
}

static void
capture_begin(xmlin_reader *r, xmlin_issue_kind kind, int node,
			  const xmlChar *name, int line, int nattr, const xmlChar **attrs)
{
	push_frame(r, name, -1, line);
	r->cap_depth = r->depth - 1;
	r->cap_issue = kind;
	r->cap_node = node;
	r->cap_line = line;
	r->cap_markup = nattr > 0;
	r->cap_trunc = false;
	r->cap_text_trunc = false;
	r->cap.len = 0;
	r->cap_text.len = 0;
	build_path(r, &r->cap_path);
	if (r->cap_path.data == NULL)
	{
		nomem(r);
		return;
	}
	capture_start_tag(r, name, nattr, attrs);
}

/* ----------------------------------------------------------------------
 * SAX2 callbacks: never longjmp, only queue events or record an error
 * ---------------------------------------------------------------------- */

/* Text seen directly inside a group, reported when the run ends. */
static void
flush_group_text(xmlin_reader *r)
{
	if (r->gtext.len > 0 && !r->gtext_blank)
	{
		/*
		 * The text's line, counted from the end of the markup before it:
		 * libxml2's own line moves on while it reads a run of text.
		 */
		int			line = r->gtext_line;
		size_t		i;

		for (i = 0; i < r->gtext.len && is_blank(r->gtext.data + i, 1); i++)
			if (r->gtext.data[i] == '\n')
				line++;
		issue_here(r, XMLIN_ISSUE_TEXT, line, NULL, r->gtext.data, r->gtext.len);
	}
	r->gtext.len = 0;
	r->gtext_blank = true;
}

static void
report_attributes(xmlin_reader *r, int line, int nattr, const xmlChar **attrs)
{
	int			i;

	for (i = 0; i < nattr && !r->failed; i++)
	{
		const char *vs = (const char *) attrs[i * 5 + 3];
		const char *ve = (const char *) attrs[i * 5 + 4];
		const xmlChar *prefix = attrs[i * 5 + 1];
		strbuf		an = {0};
		strbuf		v = {0};

		if ((prefix && (!sb_appends(&an, (const char *) prefix) || !sb_appends(&an, ":"))) ||
			!sb_appends(&an, (const char *) attrs[i * 5]) ||
			!attr_value(&v, vs, ve))
			nomem(r);
		else
			issue_here(r, XMLIN_ISSUE_ATTRIBUTE, line, an.data, v.data, v.len);
		free(an.data);
		free(v.data);
	}
}

static void
on_start(void *ud, const xmlChar *name, const xmlChar *prefix,
		 const xmlChar *uri, int nns, const xmlChar **ns,
		 int nattr, int ndefaulted, const xmlChar **attrs)
{
	xmlin_reader *r = ud;
	int			line;
	int			parent;
	int			child;
	int			rowf;
	int			count;
	int			after = -1;
	const xmlin_node *cn;

	r->progress = r->fed;
	if (r->failed)
		return;
	line = cur_line(r);
	r->mark_line = line;
	r->run = 0;
	if (r->depth >= XMLIN_MAX_DEPTH)
	{
		fail(r, XMLIN_ERR_DEPTH, (const char *) name,
			 "nested more than %d elements deep", XMLIN_MAX_DEPTH);
		return;
	}

	if (r->cap_depth >= 0)
	{
		push_frame(r, name, -1, line);
		r->cap_markup = true;
		capture_start_tag(r, name, nattr, attrs);
		return;
	}

	if (r->depth == 0)
	{
		if (r->root_seen || !name_is(&r->nodes[r->root], (const char *) name))
		{
			fail(r, XMLIN_ERR_ROOT, (const char *) name,
				 "the root element is <%s>, not <%s>",
				 (const char *) name, r->nodes[r->root].name);
			return;
		}
		r->root_seen = true;
		child = r->root;
		count = 1;
	}
	else
	{
		frame	   *top = &r->stack[r->depth - 1];

		parent = top->node;
		if (!r->nodes[parent].is_item)
			flush_group_text(r);
		child = r->nodes[parent].is_item ? -1 : find_child(r, parent, name);
		if (child < 0)
		{
			int			other = find_anywhere(r, name);

			capture_begin(r, other >= 0 ? XMLIN_ISSUE_MISPLACED : XMLIN_ISSUE_UNKNOWN,
						  other, name, line, nattr, attrs);
			return;
		}
		for (rowf = r->depth - 1; rowf > 0 && r->stack[rowf].count == NULL; rowf--)
			;
		count = ++r->stack[rowf].count[r->slot[child]];
		cn = &r->nodes[child];
		if (cn->single && count > 1 && (cn->is_item || cn->opens_row))
		{
			capture_begin(r, XMLIN_ISSUE_REPEATED, child, name, line, nattr, attrs);
			return;
		}
		/* the sequence the layout (and sen2.xsd) prescribes */
		if (cn->position < top->last_pos)
			after = top->last_child;
		else
		{
			top->last_pos = cn->position;
			top->last_child = child;
		}
	}

	cn = &r->nodes[child];
	push_frame(r, name, child, line);
	if (is_row(r, child))
	{
		frame	   *f = &r->stack[r->depth - 1];
		qevent	   *e;

		f->seq = count;
		f->count = r->count_pool + (size_t) (r->depth - 1) * r->maxslots;
		memset(f->count, 0, sizeof(int) * r->maxslots);
		e = push_event(r, XMLIN_ROW_START, child, line);
		if (e)
			e->seq = count;
	}
	else if (cn->is_item)
		r->val.len = 0;
	if (after >= 0)
	{
		qevent	   *e;
		int			q = r->qlen;

		issue_here(r, XMLIN_ISSUE_ORDER, line, NULL, NULL, 0);
		if (r->qlen > q && (e = &r->q[r->qlen - 1]) != NULL)
			e->after = arena_put(r, r->nodes[after].name, strlen(r->nodes[after].name));
	}
	if (uri != NULL && !r->ns_reported)
	{
		r->ns_reported = true;
		issue_here(r, XMLIN_ISSUE_NAMESPACE, line, (const char *) uri, NULL, 0);
	}
	if (nattr > 0)
		report_attributes(r, line, nattr, attrs);
}

static void
on_end(void *ud, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	xmlin_reader *r = ud;
	frame	   *top;

	r->progress = r->fed;
	if (r->failed || r->depth == 0)
		return;
	r->run = 0;
	r->mark_line = cur_line(r);
	top = &r->stack[r->depth - 1];

	if (r->cap_depth >= 0)
	{
		bool		ok;

		if (!r->cap_trunc && r->cap.len == top->cap_mark && r->cap.len > 0)
		{
			/* nothing inside: <X/> */
			r->cap.len--;
			ok = sb_append(&r->cap, "/>", 2);
		}
		else
			ok = sb_append_capped(&r->cap, "</", 2, r->max_item, &r->cap_trunc) &&
				sb_append_capped(&r->cap, (const char *) name, strlen((const char *) name),
								 r->max_item, &r->cap_trunc) &&
				sb_append_capped(&r->cap, ">", 1, r->max_item, &r->cap_trunc);
		if (!ok)
		{
			nomem(r);
			return;
		}
		if (r->depth - 1 == r->cap_depth)
		{
			const strbuf *v = r->cap_markup ? &r->cap : &r->cap_text;

			push_issue(r, r->cap_issue, r->cap_node, r->cap_line,
					   (const char *) name, NULL,
					   r->cap_path.data, r->cap_path.len,
					   v->data ? v->data : "", v->len,
					   r->cap_markup ? r->cap_trunc : r->cap_text_trunc);
			r->cap_depth = -1;
		}
		r->depth--;
		return;
	}

	if (r->nodes[top->node].is_item)
	{
		qevent	   *e = push_event(r, XMLIN_ITEM, top->node, top->line);

		if (e)
		{
			e->value = arena_put(r, r->val.data ? r->val.data : "", r->val.len);
			e->len = r->val.len;
		}
		if (r->val.len == 0 && !r->nodes[top->node].mandatory)
			issue_here(r, XMLIN_ISSUE_EMPTY, top->line, NULL, "", 0);
	}
	else
	{
		flush_group_text(r);
		if (is_row(r, top->node))
			push_event(r, XMLIN_ROW_END, top->node, top->line);
	}
	r->depth--;
}

static void
on_text(void *ud, const xmlChar *ch, int len)
{
	xmlin_reader *r = ud;
	const char *s = (const char *) ch;
	frame	   *top;

	r->progress = r->fed;
	if (r->failed || r->depth == 0 || len <= 0)
		return;
	top = &r->stack[r->depth - 1];
	r->run += (size_t) len;

	if (r->cap_depth >= 0)
	{
		if (r->run > r->max_item)
		{
			fail(r, XMLIN_ERR_TOO_LONG, (const char *) top->name,
				 "text longer than %zu bytes", r->max_item);
			return;
		}
		if (!sb_append_escaped(&r->cap, s, len, false, r->max_item, &r->cap_trunc) ||
			!sb_append_capped(&r->cap_text, s, len, r->max_item, &r->cap_text_trunc))
			nomem(r);
		return;
	}

	if (r->nodes[top->node].is_item)
	{
		if (r->val.len + (size_t) len > r->max_item)
		{
			fail(r, XMLIN_ERR_TOO_LONG, (const char *) top->name,
				 "value longer than %zu bytes", r->max_item);
			return;
		}
		if (!sb_append(&r->val, s, len))
			nomem(r);
		return;
	}

	/* text directly inside a group: indentation, or a stray value */
	if (r->gtext.len == 0)
		r->gtext_line = r->mark_line;
	if (r->gtext_blank && !is_blank(s, len))
		r->gtext_blank = false;
	if (!r->gtext_blank && r->run > r->max_item)
	{
		fail(r, XMLIN_ERR_TOO_LONG, (const char *) top->name,
			 "text longer than %zu bytes", r->max_item);
		return;
	}
	if (r->gtext.len + (size_t) len <= r->max_item && !sb_append(&r->gtext, s, len))
		nomem(r);
}

/* Comments and processing instructions are dropped; they show progress. */
static void
on_comment(void *ud, const xmlChar *value)
{
	xmlin_reader *r = ud;

	r->progress = r->fed;
	if (r->gtext.len == 0)
		r->mark_line = cur_line(r);
}

static void
on_pi(void *ud, const xmlChar *target, const xmlChar *data)
{
	on_comment(ud, NULL);
}

static void
on_doctype(void *ud, const xmlChar *name, const xmlChar *external_id,
		   const xmlChar *system_id)
{
	xmlin_reader *r = ud;

	fail(r, XMLIN_ERR_DOCTYPE, (const char *) name,
		 "the document has a document type declaration (<!DOCTYPE %s>)",
		 name ? (const char *) name : "");
}

static void
on_error(void *ud, xmlErrorPtr e)
{
	xmlin_reader *r = ud;

	if (e == NULL || e->level < XML_ERR_ERROR || r->failed)
		return;
	r->failed = true;
	switch (e->code)
	{
		case XML_ERR_DOCUMENT_EMPTY:
			r->err.kind = r->nonblank ? XMLIN_ERR_SYNTAX : XMLIN_ERR_EMPTY;
			break;
		case XML_ERR_UNKNOWN_ENCODING:
		case XML_ERR_UNSUPPORTED_ENCODING:
		case XML_ERR_INVALID_ENCODING:
			r->err.kind = XMLIN_ERR_ENCODING;
			break;
		default:
			r->err.kind = (e->domain == XML_FROM_I18N || e->domain == XML_FROM_IO)
				? XMLIN_ERR_ENCODING : XMLIN_ERR_SYNTAX;
			if (e->code == XML_ERR_INVALID_CHAR && e->message &&
				strstr(e->message, "UTF-8") != NULL)
				r->err.kind = XMLIN_ERR_ENCODING;
			break;
	}
	r->err.xml_code = e->code;
	r->err.line = e->line;
	r->err.column = e->int2;
	copy_clean(r->err.message, sizeof(r->err.message), e->message);
	if (e->code == XML_ERR_DOCUMENT_END && !r->root_seen && !r->nonblank)
	{
		r->err.kind = XMLIN_ERR_EMPTY;
		snprintf(r->err.message, sizeof(r->err.message),
				 "the document holds only blank space");
	}
	else if (e->code == XML_ERR_DOCUMENT_EMPTY && r->err.kind == XMLIN_ERR_SYNTAX)
		snprintf(r->err.message, sizeof(r->err.message),
				 "no XML element found: not an XML document");
	else if (e->code == XML_ERR_DOCUMENT_END && r->depth > 0 && r->input_done)
	{
		/* libxml2's push parser says "Extra content" at a truncation */
		char		msg[sizeof(r->err.message)];

		snprintf(msg, sizeof(msg),
				 "the document ends inside <%s> (opened on line %d): it is truncated",
				 (const char *) r->stack[r->depth - 1].name, r->stack[r->depth - 1].line);
		copy_clean(r->err.message, sizeof(r->err.message), msg);
	}
	if (r->depth > 0)
	{
		strbuf		path = {0};

		copy_clean(r->err.element, sizeof(r->err.element),
				   (const char *) r->stack[r->depth - 1].name);
		build_path(r, &path);
		copy_clean(r->err.path, sizeof(r->err.path), path.data);
		free(path.data);
	}
	halt(r);
}

/* ----------------------------------------------------------------------
 * Public interface
 * ---------------------------------------------------------------------- */

static bool
index_layout(xmlin_reader *r)
{
	int			n = r->nnodes;
	int			i;
	int			roots = 0;
	bool		ok = true;
	int		   *last_child;

	r->first_child = malloc(sizeof(int) * n);
	r->next_sibling = malloc(sizeof(int) * n);
	r->slot = calloc(n, sizeof(int));
	r->nslots = calloc(n, sizeof(int));
	r->interned = calloc(n, sizeof(xmlChar *));
	last_child = malloc(sizeof(int) * n);
	if (!r->first_child || !r->next_sibling || !r->slot || !r->nslots ||
		!r->interned || !last_child)
	{
		free(last_child);
		return false;
	}
	for (i = 0; i < n; i++)
	{
		r->first_child[i] = r->next_sibling[i] = last_child[i] = -1;
		if (r->nodes[i].name == NULL || r->nodes[i].parent >= n ||
			r->nodes[i].parent == i)
			ok = false;
		else if (r->nodes[i].parent < 0)
		{
			roots++;
			r->root = i;
		}
	}
	if (!ok || roots != 1 || r->nodes[r->root].is_item)
	{
		free(last_child);
		return false;
	}
	for (i = 0; i < n; i++)
	{
		int			p = r->nodes[i].parent;
		int			owner = p;
		int			steps = 0;

		if (p < 0)
			continue;
		if (r->nodes[p].is_item)
			ok = false;
		/* the nearest row above the node counts its occurrences */
		while (ok && !is_row(r, owner))
		{
			owner = r->nodes[owner].parent;
			if (owner < 0 || ++steps > n)
				ok = false;
		}
		if (!ok)
			break;
		r->slot[i] = r->nslots[owner]++;
		if (last_child[p] < 0)
			r->first_child[p] = i;
		else
			r->next_sibling[last_child[p]] = i;
		last_child[p] = i;
	}
	free(last_child);
	r->maxslots = 1;
	for (i = 0; i < n; i++)
		if (r->nslots[i] > r->maxslots)
			r->maxslots = r->nslots[i];
	return ok;
}

static xmlin_reader *
open_common(const xmlin_layout *layout, const xmlin_options *options)
{
	xmlin_reader *r = calloc(1, sizeof(xmlin_reader));

	if (r == NULL)
		return NULL;
	r->layout = layout;
	r->nodes = layout->nodes;
	r->nnodes = layout->nnodes;
	r->max_item = options->max_item_bytes > 0 ? options->max_item_bytes : 65536;
	r->chunk = options->chunk_bytes > 0 ? options->chunk_bytes : DEFAULT_CHUNK;
	if (r->chunk > 16 * 1024 * 1024)
		r->chunk = 16 * 1024 * 1024;
	r->utf8 = options->input_is_utf8;
	r->cap_depth = -1;
	r->gtext_blank = true;

	if (r->nnodes <= 0 || !index_layout(r))
	{
		r->failed = true;
		r->err.kind = XMLIN_ERR_LAYOUT;
		snprintf(r->err.message, sizeof(r->err.message), "the layout is not a tree with one root");
		return r;
	}
	r->count_pool = calloc((size_t) XMLIN_MAX_DEPTH * r->maxslots, sizeof(int));
	if (r->count_pool == NULL)
		nomem(r);

	memset(&r->sax, 0, sizeof(r->sax));
	r->sax.initialized = XML_SAX2_MAGIC;
	r->sax.startElementNs = on_start;
	r->sax.endElementNs = on_end;
	r->sax.characters = on_text;
	r->sax.ignorableWhitespace = on_text;
	r->sax.cdataBlock = on_text;
	r->sax.internalSubset = on_doctype;
	r->sax.comment = on_comment;
	r->sax.processingInstruction = on_pi;
	r->sax.serror = on_error;
	return r;
}

xmlin_reader *
xmlin_open(const char *buf, size_t len, const xmlin_layout *layout,
		   const xmlin_options *options)
{
	xmlin_reader *r = open_common(layout, options);

	if (r == NULL)
		return NULL;
	r->in = (const unsigned char *) buf;
	r->inlen = buf ? len : 0;
	return r;
}

xmlin_reader *
xmlin_open_stream(xmlin_read_fn read, void *arg, const xmlin_layout *layout,
				  const xmlin_options *options)
{
	xmlin_reader *r = open_common(layout, options);

	if (r == NULL)
		return NULL;
	r->read = read;
	r->read_arg = arg;
	r->sbuf = malloc(r->chunk);
	if (r->sbuf == NULL)
		nomem(r);
	return r;
}

/* The next piece of input (NULL at the end). */
static const char *
take_input(xmlin_reader *r, size_t *n)
{
	if (r->read != NULL)
	{
		long		got = r->read(r->read_arg, r->sbuf, r->chunk);

		if (got < 0 || (size_t) got > r->chunk)
		{
			fail(r, XMLIN_ERR_READ, NULL, "the document could not be read");
			return NULL;
		}
		*n = (size_t) got;
		return got > 0 ? r->sbuf : NULL;
	}
	*n = r->inlen - r->inpos;
	if (*n == 0)
		return NULL;
	if (*n > r->chunk)
		*n = r->chunk;
	r->inpos += *n;
	return (const char *) r->in + r->inpos - *n;
}

static void
feed(xmlin_reader *r, const char *p, size_t n)
{
	if (!r->nonblank && !is_blank(p, n))
		r->nonblank = true;
	r->fed += n;
	xmlParseChunk(r->ctxt, p, (int) n, 0);
	if (!r->failed && r->fed - r->progress > XMLIN_MAX_MARKUP)
		fail(r, XMLIN_ERR_MARKUP_TOO_LONG, NULL,
			 "no tag ends within %d kB: a tag, comment or processing instruction is longer",
			 XMLIN_MAX_MARKUP / 1024);
}

static void
finish(xmlin_reader *r)
{
	r->input_done = true;
	xmlParseChunk(r->ctxt, NULL, 0, 1);
	r->finished = true;
	if (!r->failed && (!r->root_seen || r->depth != 0))
	{
		/* libxml2 reports these itself; this is a safety net */
		fail(r, XMLIN_ERR_SYNTAX, NULL, "premature end of the document");
	}
}

/*
 * The parser is made with the first four bytes, however the input comes:
 * it detects the encoding (BOM, UTF-16, EBCDIC) from them.
 */
static void
start_parser(xmlin_reader *r)
{
	char		head[4];
	size_t		h = 0;
	const char *rest = NULL;
	size_t		nrest = 0;

	while (h < sizeof(head))
	{
		size_t		n = 0;
		size_t		k;
		const char *p = take_input(r, &n);

		if (r->failed)
			return;
		if (p == NULL)
			break;
		k = n < sizeof(head) - h ? n : sizeof(head) - h;
		memcpy(head + h, p, k);
		h += k;
		if (k < n)
		{
			rest = p + k;
			nrest = n - k;
		}
	}
	if (h == 0)
	{
		r->failed = true;
		r->err.kind = XMLIN_ERR_EMPTY;
		r->err.line = 1;
		r->err.column = 1;
		snprintf(r->err.message, sizeof(r->err.message), "the document is empty");
		return;
	}
	r->ctxt = xmlCreatePushParserCtxt(&r->sax, r, head, (int) h, NULL);
	if (r->ctxt == NULL)
	{
		nomem(r);
		return;
	}
	xmlCtxtUseOptions(r->ctxt, XML_PARSE_NONET | (r->utf8 ? XML_PARSE_IGNORE_ENC : 0));
	r->fed = h;
	r->nonblank = !is_blank(head, h);
	if (nrest > 0)
		feed(r, rest, nrest);
	else if (h < sizeof(head))
		finish(r);
}

/* Feed the parser until it has produced events, an error or the end. */
static void
refill(xmlin_reader *r)
{
	r->qlen = 0;
	r->qpos = 0;
	r->arena.len = 0;
	while (r->qlen == 0 && !r->failed && !r->finished)
	{
		size_t		n = 0;
		const char *p;

		if (r->ctxt == NULL)
		{
			start_parser(r);
			continue;
		}
		p = take_input(r, &n);
		if (r->failed)
			break;
		if (p != NULL)
			feed(r, p, n);
		else
			finish(r);
	}
}

static const char *
arena_str(xmlin_reader *r, size_t off)
{
	return off == NO_STRING ? NULL : r->arena.data + off;
}

const xmlin_event *
xmlin_next(xmlin_reader *r)
{
	xmlin_event *ev = &r->cur;
	const qevent *q;

	if (!r->failed && r->qpos >= r->qlen)
		refill(r);
	memset(ev, 0, sizeof(*ev));
	ev->node = -1;
	if (r->failed)
	{
		/* events queued before the error are dropped: the load fails */
		r->qlen = r->qpos = 0;
		ev->type = XMLIN_ERROR;
		ev->line = r->err.line;
		return ev;
	}
	if (r->qpos >= r->qlen)
	{
		ev->type = XMLIN_END;
		return ev;
	}
	q = &r->q[r->qpos++];
	ev->type = q->type;
	ev->issue = q->issue;
	ev->node = q->node;
	ev->line = q->line;
	ev->seq = q->seq;
	ev->value = arena_str(r, q->value);
	ev->len = q->len;
	ev->element = arena_str(r, q->element);
	ev->attribute = arena_str(r, q->attribute);
	ev->after = arena_str(r, q->after);
	ev->path = arena_str(r, q->path);
	ev->truncated = q->truncated;
	return ev;
}

const xmlin_error *
xmlin_get_error(const xmlin_reader *r)
{
	return &r->err;
}

void
xmlin_close(xmlin_reader *r)
{
	if (r == NULL)
		return;
	if (r->ctxt != NULL)
		xmlFreeParserCtxt(r->ctxt);
	free(r->first_child);
	free(r->next_sibling);
	free(r->slot);
	free(r->nslots);
	free(r->interned);
	free(r->count_pool);
	free(r->val.data);
	free(r->gtext.data);
	free(r->cap.data);
	free(r->cap_text.data);
	free(r->cap_path.data);
	free(r->q);
	free(r->arena.data);
	free(r->sbuf);
	free(r);
}

const char *
xmlin_issue_name(xmlin_issue_kind kind)
{
	switch (kind)
	{
		case XMLIN_ISSUE_UNKNOWN:
			return "unknown_element";
		case XMLIN_ISSUE_MISPLACED:
			return "misplaced_element";
		case XMLIN_ISSUE_REPEATED:
			return "repeated_element";
		case XMLIN_ISSUE_TEXT:
			return "text_in_group";
		case XMLIN_ISSUE_ATTRIBUTE:
			return "attribute";
		case XMLIN_ISSUE_NAMESPACE:
			return "namespace";
		case XMLIN_ISSUE_ORDER:
			return "out_of_order";
		case XMLIN_ISSUE_EMPTY:
			return "empty_element";
	}
	return "?";
}

const char *
xmlin_error_name(xmlin_error_kind kind)
{
	switch (kind)
	{
		case XMLIN_ERR_NONE:
			return "none";
		case XMLIN_ERR_EMPTY:
			return "empty document";
		case XMLIN_ERR_SYNTAX:
			return "not well-formed";
		case XMLIN_ERR_ENCODING:
			return "encoding";
		case XMLIN_ERR_DOCTYPE:
			return "document type declaration";
		case XMLIN_ERR_ROOT:
			return "wrong root element";
		case XMLIN_ERR_DEPTH:
			return "nesting too deep";
		case XMLIN_ERR_TOO_LONG:
			return "value too long";
		case XMLIN_ERR_MARKUP_TOO_LONG:
			return "markup too long";
		case XMLIN_ERR_NOMEM:
			return "out of memory";
		case XMLIN_ERR_READ:
			return "read error";
		case XMLIN_ERR_LAYOUT:
			return "invalid layout";
	}
	return "?";
}
