/*
 * xmlout.h
 *		A growing output buffer that writes XML element content with correct
 *		escaping, in one pass and in linear time.
 *
 * This file does not depend on PostgreSQL, so test/fuzz can compile it
 * alone under AddressSanitizer.  Memory comes from a caller-supplied
 * allocator: inside the backend that is palloc/repalloc in the aggregate's
 * memory context, in the standalone tests it is malloc/realloc.
 *
 * What the writer guarantees about the bytes it produces:
 *
 *	- Text content is copied byte for byte except for the characters that
 *	  must (or, for round-tripping, should) be written as references:
 *	  '&' -> "&amp;", '<' -> "&lt;", '>' -> "&gt;" (needed only after "]]",
 *	  always escaped so no context has to be tracked), CR -> "&#13;"
 *	  (a literal CR would be turned into LF by every XML parser), and with
 *	  XO_ONE_LINE also LF -> "&#10;" and TAB -> "&#9;" (so one element never
 *	  spans lines), and with XO_COPY_SAFE also '\' -> "&#92;" (so the text
 *	  passes through COPY's text format unchanged).  Quotes are never
 *	  escaped: the writer writes no attributes, and in element content '"'
 *	  and '\'' need no escaping.
 *	- Input must be UTF-8.  Multi-byte characters are copied unchanged
 *	  (Zoë, Siân, O'Brien survive byte-exact).  Invalid UTF-8 (stray
 *	  continuation bytes, overlong forms, surrogates, code points above
 *	  U+10FFFF, truncated sequences) is rejected with XO_BAD_UTF8.
 *	- Characters XML 1.0 does not allow at all (U+0000-U+001F other than
 *	  TAB, LF and CR; U+FFFE; U+FFFF) are rejected with XO_BAD_CHAR: they
 *	  cannot be written even as references.
 *	- The output never grows beyond the limit given to xo_init: a write
 *	  that would pass it fails with XO_TOO_BIG before anything is
 *	  allocated, and leaves the buffer as it was.
 *
 * On any error the details (offset in the value, the offending character)
 * are left in the XmlOut so the caller can say which item was wrong.
 */
#ifndef SEN2_XMLOUT_H
#define SEN2_XMLOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct XoAllocator
{
	/* Returns NULL on failure (or does not return, as palloc does). */
	void	   *(*alloc) (void *ctx, size_t size);
	void	   *(*grow) (void *ctx, void *ptr, size_t size);
	void		(*release) (void *ctx, void *ptr);
	void	   *ctx;
} XoAllocator;

typedef enum XoStatus
{
	XO_OK = 0,
	XO_BAD_CHAR,				/* a character XML 1.0 does not allow */
	XO_BAD_UTF8,				/* bytes that are not UTF-8 */
	XO_BAD_NAME,				/* not an element name the writer accepts */
	XO_TOO_BIG,					/* the output would pass the limit */
	XO_NO_MEMORY				/* the allocator returned NULL */
} XoStatus;

/* Flags for xo_init */
#define XO_ONE_LINE		0x01	/* LF and TAB as references */
#define XO_COPY_SAFE	0x03	/* XO_ONE_LINE, and '\' as a reference */

typedef struct XmlOut
{
	char	   *data;
	size_t		len;
	size_t		cap;
	size_t		limit;			/* len never exceeds this */
	int			flags;
	const XoAllocator *mem;

	/* details of the last error */
	size_t		err_offset;		/* byte offset within the value */
	uint32_t	err_char;		/* code point (XO_BAD_CHAR) or byte (XO_BAD_UTF8) */
	size_t		err_needed;		/* XO_TOO_BIG: the length that was asked for */
} XmlOut;

extern void xo_init(XmlOut *o, const XoAllocator *mem, size_t limit, int flags);
extern void xo_free(XmlOut *o);

/* Makes room for n more bytes. */
extern XoStatus xo_reserve(XmlOut *o, size_t n);

/* Appends bytes as they are (tags built once, already-escaped text). */
extern XoStatus xo_raw(XmlOut *o, const char *s, size_t n);

/* Appends text content, escaped and checked as described above. */
extern XoStatus xo_text(XmlOut *o, const char *s, size_t n);

/* <name>, </name> and <name>text</name>; the name is checked. */
extern XoStatus xo_start(XmlOut *o, const char *name, size_t n);
extern XoStatus xo_end(XmlOut *o, const char *name, size_t n);
extern XoStatus xo_element(XmlOut *o, const char *name, size_t nlen,
						   const char *value, size_t vlen);

/* Forgets everything written after position len (len <= o->len). */
static inline void
xo_truncate(XmlOut *o, size_t len)
{
	if (len < o->len)
		o->len = len;
}

/*
 * Element names the writer accepts: ASCII letter or '_' first, then ASCII
 * letters, digits, '_', '-' and '.', at most 200 bytes.  A strict subset
 * of XML 1.0 Names, enough for every SEN2 tag, and one that needs no
 * Unicode tables.
 */
extern bool xo_name_ok(const char *name, size_t n);

/* A short English phrase for a status, for messages. */
extern const char *xo_status_text(XoStatus st);

/*
 * Checks a whole value without writing it: XO_OK, XO_BAD_UTF8 or
 * XO_BAD_CHAR, with the offset and character in *offset and *ch.
 */
extern XoStatus xo_check_text(const char *s, size_t n, size_t *offset, uint32_t *ch);

#endif							/* SEN2_XMLOUT_H */
