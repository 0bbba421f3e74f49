/*
 * xmlin.h
 *		Streaming reader of SEN2 XML documents, independent of PostgreSQL.
 *
 * The reader walks a document with libxml2's SAX2 push parser, fed in
 * chunks, so it never holds more than a chunk of the input, one item value
 * and one captured stray element in memory, however large the document.
 * It maps elements onto a layout (a tree of xmlin_node: groups and items,
 * with alias spellings) and hands the caller a stream of events:
 *
 *	 ROW_START	a group that is a row of its own table begins (Person,
 *				Requests, ...), with its line and its position among the
 *				siblings of the same name in the enclosing row
 *	 ITEM		an item element ended: its raw text ('' when empty)
 *	 ROW_END	the row's group ended
 *	 ISSUE		something the layout cannot place: an unknown element, an
 *				element under the wrong parent, a repeated element, text
 *				inside a group, an attribute; with line, path and value;
 *				or an element that is loaded but out of the layout's order,
 *				or an empty item (SEN2 files leave out what has no value)
 *	 END		the document ended well-formed
 *	 ERROR		the document is not well-formed, or is refused (DOCTYPE,
 *				nesting too deep, a value over the cap, wrong root)
 *
 * Events are produced inside libxml2's callbacks but handed out by
 * xmlin_next() from the caller's own stack frame, so the caller may
 * longjmp (ereport) between events and then call xmlin_close(): no
 * libxml2 frame is ever unwound.  The strings of an event stay valid
 * until the next call to xmlin_next().
 *
 * DTDs are refused outright, external entities are never loaded
 * (XML_PARSE_NONET, no XML_PARSE_NOENT/DTDLOAD), libxml2's own size limits
 * stay on (no XML_PARSE_HUGE), nesting is capped at XMLIN_MAX_DEPTH, every
 * text run at max_item_bytes and every tag or comment at XMLIN_MAX_MARKUP.
 *
 * The layout and every string handed in must outlive the reader.  All
 * memory is malloc'd and released by xmlin_close().
 */
#ifndef SEN2_XMLIN_H
#define SEN2_XMLIN_H

#include <stdbool.h>
#include <stddef.h>

/* A SEN2 document is 8 levels deep; anything far deeper is hostile. */
#define XMLIN_MAX_DEPTH 32

/*
 * No tag, comment or processing instruction may be longer than this: the
 * parser holds a whole tag before reading it, and some of its checks grow
 * with the square of the attributes in one tag.
 */
#define XMLIN_MAX_MARKUP (256 * 1024)

typedef struct xmlin_node
{
	const char *name;			/* the element name the layout uses */
	const char *const *aliases; /* other spellings accepted (may be NULL) */
	int			naliases;
	int			parent;			/* index of the parent node, -1 for the root */
	bool		is_item;		/* an item holds text; a group holds elements */
	bool		opens_row;		/* a group that is a row of its own table */
	bool		single;			/* at most one per row (max_occurs = 1) */
	int			position;		/* order among its siblings (sen2.element) */
	bool		mandatory;		/* requirement M: an empty one is the rules' to
								 * report (missing), others are reported here */
	int			module;			/* the caller's numbers, passed through */
	int			column;
} xmlin_node;

typedef struct xmlin_layout
{
	const xmlin_node *nodes;
	int			nnodes;			/* exactly one node has parent -1: the root */
} xmlin_layout;

typedef struct xmlin_options
{
	size_t		max_item_bytes; /* longest text run accepted */
	bool		input_is_utf8;	/* the input is already UTF-8 characters
								 * (SQL text): ignore its encoding
								 * declaration */
	size_t		chunk_bytes;	/* bytes fed to the parser at a time (0 =
								 * default) */
} xmlin_options;

typedef enum xmlin_event_type
{
	XMLIN_ROW_START,
	XMLIN_ITEM,
	XMLIN_ROW_END,
	XMLIN_ISSUE,
	XMLIN_END,
	XMLIN_ERROR
} xmlin_event_type;

typedef enum xmlin_issue_kind
{
	XMLIN_ISSUE_UNKNOWN,		/* no element of that name in the layout */
	XMLIN_ISSUE_MISPLACED,		/* in the layout, but not under this parent */
	XMLIN_ISSUE_REPEATED,		/* a second one where only one fits */
	XMLIN_ISSUE_TEXT,			/* non-blank text directly inside a group */
	XMLIN_ISSUE_ATTRIBUTE,		/* an attribute (SEN2 has none) */
	XMLIN_ISSUE_NAMESPACE,		/* elements in a namespace (SEN2 has none) */
	XMLIN_ISSUE_ORDER,			/* loaded, but after a sibling the layout puts
								 * after it */
	XMLIN_ISSUE_EMPTY			/* a non-mandatory item loaded as '' */
} xmlin_issue_kind;

typedef struct xmlin_event
{
	xmlin_event_type type;
	int			node;			/* layout node: ROW_START, ITEM, ROW_END;
								 * ISSUE: the node it matched (REPEATED),
								 * a node of that name elsewhere (MISPLACED),
								 * else -1 */
	int			line;			/* line of the start tag */
	int			seq;			/* ROW_START: 1-based position among
								 * same-named siblings in the enclosing row */
	const char *value;			/* ITEM, ISSUE (NULL when there is none) */
	size_t		len;
	xmlin_issue_kind issue;
	const char *element;		/* ISSUE: the element's name */
	const char *attribute;		/* ISSUE ATTRIBUTE: its name; NAMESPACE: URI */
	const char *after;			/* ISSUE ORDER: the sibling it came after */
	const char *path;			/* ISSUE: /Message/Persons/Person[3]/... */
	bool		truncated;		/* ISSUE: value cut at max_item_bytes */
} xmlin_event;

typedef enum xmlin_error_kind
{
	XMLIN_ERR_NONE,
	XMLIN_ERR_EMPTY,			/* no document at all */
	XMLIN_ERR_SYNTAX,			/* libxml2 says not well-formed */
	XMLIN_ERR_ENCODING,			/* bytes do not match the encoding */
	XMLIN_ERR_DOCTYPE,			/* a DTD: refused */
	XMLIN_ERR_ROOT,				/* the root is not the layout's root */
	XMLIN_ERR_DEPTH,			/* nesting deeper than XMLIN_MAX_DEPTH */
	XMLIN_ERR_TOO_LONG,			/* a text run over max_item_bytes */
	XMLIN_ERR_MARKUP_TOO_LONG,	/* a tag or comment over XMLIN_MAX_MARKUP */
	XMLIN_ERR_NOMEM,
	XMLIN_ERR_READ,				/* the stream reported a read error */
	XMLIN_ERR_LAYOUT			/* the caller's layout is not a tree */
} xmlin_error_kind;

typedef struct xmlin_error
{
	xmlin_error_kind kind;
	int			line;
	int			column;
	int			xml_code;		/* libxml2's error number, 0 if ours */
	char		message[320];	/* libxml2's description (sanitised), or ours */
	char		element[128];	/* the element concerned, if any */
	char		path[512];		/* its path, if any */
} xmlin_error;

typedef struct xmlin_reader xmlin_reader;

/*
 * A stream: fills buf with at most size bytes and returns how many, 0 at
 * the end, -1 on a read error.  It is only ever called from xmlin_next(),
 * outside libxml2, so it may longjmp; xmlin_close() is still safe after.
 */
typedef long (*xmlin_read_fn) (void *arg, char *buf, size_t size);

/* A document in memory, or read from a stream.  NULL only on no memory. */
extern xmlin_reader *xmlin_open(const char *buf, size_t len,
								const xmlin_layout *layout,
								const xmlin_options *options);
extern xmlin_reader *xmlin_open_stream(xmlin_read_fn read, void *arg,
									   const xmlin_layout *layout,
									   const xmlin_options *options);
extern const xmlin_event *xmlin_next(xmlin_reader *r);
extern const xmlin_error *xmlin_get_error(const xmlin_reader *r);
extern void xmlin_close(xmlin_reader *r);

/* Short English names of the enums (for messages and load_issue.issue). */
extern const char *xmlin_issue_name(xmlin_issue_kind kind);
extern const char *xmlin_error_name(xmlin_error_kind kind);

#endif							/* SEN2_XMLIN_H */
