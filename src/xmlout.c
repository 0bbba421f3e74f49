/*
 * xmlout.c
 *		The escaping buffer writer behind sen2's XML output (see xmlout.h).
 *
 * Text is scanned once with a byte-class table: runs of bytes that need no
 * attention (printable ASCII and valid multi-byte UTF-8) are copied with
 * one memcpy, and only the rare special bytes take the slow path.  Room for
 * the unescaped value is reserved once up front; an escape reserves only
 * what it adds, so a value with no special characters costs one capacity
 * check and one copy.
 */
#include "xmlout.h"

#include <string.h>

/* byte classes */
#define C_PLAIN		0			/* copied as is */
#define C_REF		1			/* always written as a reference */
#define C_MAYBE		2			/* a reference only under some flags */
#define C_FORBID	3			/* a control character XML 1.0 forbids */
#define C_LEAD		4			/* first byte of a multi-byte UTF-8 sequence */
#define C_INVALID	5			/* never valid in UTF-8 at this position */

static unsigned char xo_class[256];
static bool xo_class_ready = false;

static void
xo_class_init(void)
{
	int			c;

	for (c = 0; c < 256; c++)
	{
		if (c < 0x20)
			xo_class[c] = C_FORBID;
		else if (c < 0x80)
			xo_class[c] = C_PLAIN;
		else if (c >= 0xC2 && c <= 0xF4)
			xo_class[c] = C_LEAD;
		else
			xo_class[c] = C_INVALID;
	}
	xo_class['&'] = C_REF;
	xo_class['<'] = C_REF;
	xo_class['>'] = C_REF;
	xo_class['\r'] = C_REF;
	xo_class['\n'] = C_MAYBE;
	xo_class['\t'] = C_MAYBE;
	xo_class['\\'] = C_MAYBE;
	xo_class_ready = true;
}

void
xo_init(XmlOut *o, const XoAllocator *mem, size_t limit, int flags)
{
	if (!xo_class_ready)
		xo_class_init();
	o->data = NULL;
	o->len = 0;
	o->cap = 0;
	o->limit = limit;
	o->flags = flags;
	o->mem = mem;
	o->err_offset = 0;
	o->err_char = 0;
	o->err_needed = 0;
}

void
xo_free(XmlOut *o)
{
	if (o->data != NULL && o->mem->release != NULL)
		o->mem->release(o->mem->ctx, o->data);
	o->data = NULL;
	o->len = 0;
	o->cap = 0;
}

XoStatus
xo_reserve(XmlOut *o, size_t n)
{
	size_t		need;
	size_t		newcap;
	void	   *p;

	if (n > o->limit - o->len)
	{
		o->err_needed = (n > SIZE_MAX - o->len) ? SIZE_MAX : o->len + n;
		return XO_TOO_BIG;
	}
	need = o->len + n;
	if (need <= o->cap)
		return XO_OK;

	/* Doubling keeps appends linear; the limit caps the last step. */
	newcap = o->cap > 0 ? o->cap : 1024;
	while (newcap < need)
	{
		if (newcap > SIZE_MAX / 2)
		{
			newcap = need;
			break;
		}
		newcap *= 2;
	}
	if (newcap > o->limit)
		newcap = o->limit;

	if (o->data == NULL)
		p = o->mem->alloc(o->mem->ctx, newcap);
	else
		p = o->mem->grow(o->mem->ctx, o->data, newcap);
	if (p == NULL)
		return XO_NO_MEMORY;
	o->data = p;
	o->cap = newcap;
	return XO_OK;
}

XoStatus
xo_raw(XmlOut *o, const char *s, size_t n)
{
	XoStatus	st;

	if (n == 0)
		return XO_OK;
	if ((st = xo_reserve(o, n)) != XO_OK)
		return st;
	memcpy(o->data + o->len, s, n);
	o->len += n;
	return XO_OK;
}

/*
 * Length of the valid UTF-8 sequence starting with the lead byte at p[0]
 * (0xC2-0xF4), or 0 if it is not valid; *cp receives the code point.
 */
static size_t
utf8_sequence(const unsigned char *p, size_t avail, uint32_t *cp)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80,
				hi = 0xBF;
	size_t		len;
	size_t		k;
	uint32_t	v;

	if (c <= 0xDF)
	{
		len = 2;
		v = c & 0x1F;
	}
	else if (c <= 0xEF)
	{
		len = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;			/* no overlong forms */
		else if (c == 0xED)
			hi = 0x9F;			/* no surrogates */
	}
	else
	{
		len = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;			/* no overlong forms */
		else if (c == 0xF4)
			hi = 0x8F;			/* nothing above U+10FFFF */
	}
	if (avail < len)
		return 0;
	for (k = 1; k < len; k++)
	{
		unsigned char b = p[k];

		if (b < lo || b > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
		v = (v << 6) | (b & 0x3F);
	}
	*cp = v;
	return len;
}

static inline bool
xml_char_ok(uint32_t cp)
{
	return cp != 0xFFFE && cp != 0xFFFF;
}

XoStatus
xo_check_text(const char *s, size_t n, size_t *offset, uint32_t *ch)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;

	if (!xo_class_ready)
		xo_class_init();
	while (i < n)
	{
		unsigned char c = p[i];
		uint32_t	cp;
		size_t		l;

		switch (xo_class[c])
		{
			case C_FORBID:
				*offset = i;
				*ch = c;
				return XO_BAD_CHAR;
			case C_INVALID:
				*offset = i;
				*ch = c;
				return XO_BAD_UTF8;
			case C_LEAD:
				l = utf8_sequence(p + i, n - i, &cp);
				if (l == 0)
				{
					*offset = i;
					*ch = c;
					return XO_BAD_UTF8;
				}
				if (!xml_char_ok(cp))
				{
					*offset = i;
					*ch = cp;
					return XO_BAD_CHAR;
				}
				i += l;
				break;
			default:
				i++;
		}
	}
	return XO_OK;
}

XoStatus
xo_text(XmlOut *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		start_len = o->len;
	size_t		run = 0;		/* first byte not yet copied */
	size_t		i = 0;
	XoStatus	st;

	if (n == 0)
		return XO_OK;
	if ((st = xo_reserve(o, n)) != XO_OK)
		return st;

	/* Invariant: o->cap >= o->len + (n - run). */
	while (i < n)
	{
		unsigned char c = p[i];
		unsigned char k = xo_class[c];
		const char *rep;
		size_t		rl;

		if (k == C_PLAIN)
		{
			i++;
			continue;
		}
		if (k == C_LEAD)
		{
			uint32_t	cp;
			size_t		l = utf8_sequence(p + i, n - i, &cp);

			if (l == 0)
			{
				o->err_offset = i;
				o->err_char = c;
				st = XO_BAD_UTF8;
				goto fail;
			}
			if (!xml_char_ok(cp))
			{
				o->err_offset = i;
				o->err_char = cp;
				st = XO_BAD_CHAR;
				goto fail;
			}
			i += l;
			continue;
		}
		if (k == C_FORBID)
		{
			o->err_offset = i;
			o->err_char = c;
			st = XO_BAD_CHAR;
			goto fail;
		}
		if (k == C_INVALID)
		{
			o->err_offset = i;
			o->err_char = c;
			st = XO_BAD_UTF8;
			goto fail;
		}

		switch (c)
		{
			case '&':
				rep = "&amp;";
				rl = 5;
				break;
			case '<':
				rep = "&lt;";
				rl = 4;
				break;
			case '>':
				rep = "&gt;";
				rl = 4;
				break;
			case '\r':
				rep = "&#13;";
				rl = 5;
				break;
			case '\n':
				rep = (o->flags & XO_ONE_LINE) ? "&#10;" : NULL;
				rl = 5;
				break;
			case '\t':
				rep = (o->flags & XO_ONE_LINE) ? "&#9;" : NULL;
				rl = 4;
				break;
			default:			/* '\\' */
				rep = ((o->flags & XO_COPY_SAFE) == XO_COPY_SAFE) ? "&#92;" : NULL;
				rl = 5;
				break;
		}
		if (rep == NULL)
		{
			i++;
			continue;
		}

		memcpy(o->data + o->len, p + run, i - run);
		o->len += i - run;
		if ((st = xo_reserve(o, rl + (n - i - 1))) != XO_OK)
			goto fail;
		memcpy(o->data + o->len, rep, rl);
		o->len += rl;
		i++;
		run = i;
	}
	memcpy(o->data + o->len, p + run, n - run);
	o->len += n - run;
	return XO_OK;

fail:
	o->len = start_len;
	return st;
}

bool
xo_name_ok(const char *name, size_t n)
{
	size_t		i;

	if (n == 0 || n > 200)
		return false;
	for (i = 0; i < n; i++)
	{
		char		c = name[i];
		bool		letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';

		if (i == 0 ? !letter
			: !(letter || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return false;
	}
	return true;
}

XoStatus
xo_start(XmlOut *o, const char *name, size_t n)
{
	XoStatus	st;

	if (!xo_name_ok(name, n))
		return XO_BAD_NAME;
	if ((st = xo_reserve(o, n + 2)) != XO_OK)
		return st;
	o->data[o->len++] = '<';
	memcpy(o->data + o->len, name, n);
	o->len += n;
	o->data[o->len++] = '>';
	return XO_OK;
}

XoStatus
xo_end(XmlOut *o, const char *name, size_t n)
{
	XoStatus	st;

	if (!xo_name_ok(name, n))
		return XO_BAD_NAME;
	if ((st = xo_reserve(o, n + 3)) != XO_OK)
		return st;
	o->data[o->len++] = '<';
	o->data[o->len++] = '/';
	memcpy(o->data + o->len, name, n);
	o->len += n;
	o->data[o->len++] = '>';
	return XO_OK;
}

XoStatus
xo_element(XmlOut *o, const char *name, size_t nlen, const char *value, size_t vlen)
{
	size_t		start_len = o->len;
	XoStatus	st;

	if ((st = xo_start(o, name, nlen)) == XO_OK &&
		(st = xo_text(o, value, vlen)) == XO_OK &&
		(st = xo_end(o, name, nlen)) == XO_OK)
		return XO_OK;
	o->len = start_len;
	return st;
}

const char *
xo_status_text(XoStatus st)
{
	switch (st)
	{
		case XO_OK:
			return "no error";
		case XO_BAD_CHAR:
			return "a character XML 1.0 does not allow";
		case XO_BAD_UTF8:
			return "bytes that are not valid UTF-8";
		case XO_BAD_NAME:
			return "an invalid element name";
		case XO_TOO_BIG:
			return "output larger than the limit";
		case XO_NO_MEMORY:
			return "out of memory";
	}
	return "unknown error";
}
