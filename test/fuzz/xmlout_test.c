/*
 * xmlout_test.c
 *		Standalone test of src/xmlout.c, built with -fsanitize=address,undefined
 *		by test/sh/xmlout_asan.sh.  Fixed cases first, then a randomised
 *		round trip: every value the writer accepts must parse back (with
 *		libxml2) to exactly the same bytes, and every value it rejects must
 *		be rejected by an independent reference checker, at the same offset.
 *
 *		usage: xmlout_test [iterations] [seed]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "xmlout.h"

static int	failures = 0;
static size_t live_bytes = 0;

#define CHECK(cond, ...) \
	do { if (!(cond)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* malloc with a header so the test can see that nothing leaks */
static void *
t_alloc(void *ctx, size_t n)
{
	size_t	   *p = malloc(n + sizeof(size_t));

	(void) ctx;
	if (!p)
		return NULL;
	*p = n;
	live_bytes += n;
	return p + 1;
}

static void *
t_grow(void *ctx, void *ptr, size_t n)
{
	size_t	   *p = (size_t *) ptr - 1;
	size_t		old = *p;

	(void) ctx;
	p = realloc(p, n + sizeof(size_t));
	if (!p)
		return NULL;
	*p = n;
	live_bytes += n - old;
	return p + 1;
}

static void
t_release(void *ctx, void *ptr)
{
	size_t	   *p = (size_t *) ptr - 1;

	(void) ctx;
	live_bytes -= *p;
	free(p);
}

static const XoAllocator t_mem = {t_alloc, t_grow, t_release, NULL};

static void
expect_text(int flags, const char *in, const char *want)
{
	XmlOut		o;
	XoStatus	st;

	xo_init(&o, &t_mem, SIZE_MAX, flags);
	st = xo_text(&o, in, strlen(in));
	CHECK(st == XO_OK, "xo_text(\"%s\") failed: %s", in, xo_status_text(st));
	if (st == XO_OK)
		CHECK(o.len == strlen(want) && (o.len == 0 || memcmp(o.data, want, o.len) == 0),
			  "xo_text(\"%s\") gave \"%.*s\", want \"%s\"", in, (int) o.len, o.data, want);
	xo_free(&o);
}

static void
expect_error(const char *in, size_t n, XoStatus want, size_t offset, uint32_t ch)
{
	XmlOut		o;
	XoStatus	st;

	xo_init(&o, &t_mem, SIZE_MAX, XO_COPY_SAFE);
	xo_raw(&o, "<a>", 3);
	st = xo_text(&o, in, n);
	CHECK(st == want, "value at case offset %zu: got %s, want %s", offset,
		  xo_status_text(st), xo_status_text(want));
	if (st == want && st != XO_OK)
	{
		CHECK(o.err_offset == offset, "error offset %zu, want %zu", o.err_offset, offset);
		CHECK(o.err_char == ch, "error char %x, want %x", (unsigned) o.err_char, (unsigned) ch);
		CHECK(o.len == 3, "failed write left %zu bytes, want 3", o.len);
	}
	xo_free(&o);
}

static void
fixed_cases(void)
{
	XmlOut		o;
	XoStatus	st;
	size_t		i;

	expect_text(0, "plain", "plain");
	expect_text(0, "", "");
	expect_text(0, "Tom & Jerry <x> a>b", "Tom &amp; Jerry &lt;x&gt; a&gt;b");
	expect_text(0, "O'Brien \"quoted\"", "O'Brien \"quoted\"");
	expect_text(0, "Zo\xc3\xab Si\xc3\xa2n \xe2\x82\xac \xf0\x9f\x98\x80", "Zo\xc3\xab Si\xc3\xa2n \xe2\x82\xac \xf0\x9f\x98\x80");
	expect_text(0, "a\r\nb\tc\\d", "a&#13;\nb\tc\\d");
	expect_text(XO_ONE_LINE, "a\r\nb\tc\\d", "a&#13;&#10;b&#9;c\\d");
	expect_text(XO_COPY_SAFE, "a\r\nb\tc\\d", "a&#13;&#10;b&#9;c&#92;d");
	expect_text(XO_COPY_SAFE, "&&&", "&amp;&amp;&amp;");
	expect_text(0, "]]>", "]]&gt;");
	expect_text(0, "\x7f", "\x7f");		/* DEL is allowed in XML 1.0 */
	expect_text(0, "\xef\xbf\xbd", "\xef\xbf\xbd");	/* U+FFFD is allowed */
	expect_text(0, "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");	/* U+10FFFF */

	expect_error("ab\x01" "cd", 5, XO_BAD_CHAR, 2, 1);
	expect_error("\x00", 1, XO_BAD_CHAR, 0, 0);
	expect_error("x\x1f", 2, XO_BAD_CHAR, 1, 0x1f);
	expect_error("x\x0b", 2, XO_BAD_CHAR, 1, 0x0b);
	expect_error("x\xef\xbf\xbe", 4, XO_BAD_CHAR, 1, 0xFFFE);
	expect_error("x\xef\xbf\xbf", 4, XO_BAD_CHAR, 1, 0xFFFF);
	expect_error("Zo\xeb", 3, XO_BAD_UTF8, 2, 0xeb);	/* Latin-1 e-diaeresis */
	expect_error("\x80", 1, XO_BAD_UTF8, 0, 0x80);
	expect_error("\xc0\xaf", 2, XO_BAD_UTF8, 0, 0xc0);	/* overlong '/' */
	expect_error("\xe0\x80\xaf", 3, XO_BAD_UTF8, 0, 0xe0);
	expect_error("\xed\xa0\x80", 3, XO_BAD_UTF8, 0, 0xed);	/* surrogate */
	expect_error("\xf4\x90\x80\x80", 4, XO_BAD_UTF8, 0, 0xf4);	/* > U+10FFFF */
	expect_error("\xf5\x80\x80\x80", 4, XO_BAD_UTF8, 0, 0xf5);
	expect_error("ab\xc3", 3, XO_BAD_UTF8, 2, 0xc3);	/* truncated */
	expect_error("a&b\xe2\x82", 5, XO_BAD_UTF8, 3, 0xe2);

	/* names */
	CHECK(xo_name_ok("Person", 6), "Person");
	CHECK(xo_name_ok("_a.b-c9", 7), "_a.b-c9");
	CHECK(!xo_name_ok("9a", 2), "9a");
	CHECK(!xo_name_ok("a b", 3), "a b");
	CHECK(!xo_name_ok("a<", 2), "a<");
	CHECK(!xo_name_ok("", 0), "empty name");
	xo_init(&o, &t_mem, SIZE_MAX, 0);
	CHECK(xo_start(&o, "a>", 2) == XO_BAD_NAME, "bad start tag accepted");
	CHECK(xo_element(&o, "URN", 3, "100000", 6) == XO_OK, "element");
	CHECK(o.len == 17 && memcmp(o.data, "<URN>100000</URN>", 17) == 0, "element bytes");
	CHECK(xo_element(&o, "URN", 3, "1\x02", 2) == XO_BAD_CHAR && o.len == 17,
		  "failed element must leave the buffer as it was");
	xo_free(&o);

	/* the limit: reached exactly, then passed by one byte */
	xo_init(&o, &t_mem, 10, 0);
	CHECK(xo_raw(&o, "0123456789", 10) == XO_OK, "write up to the limit");
	CHECK(xo_raw(&o, "x", 1) == XO_TOO_BIG && o.err_needed == 11, "limit + 1");
	CHECK(o.len == 10 && o.cap == 10, "len %zu cap %zu after refusal", o.len, o.cap);
	xo_free(&o);
	xo_init(&o, &t_mem, 12, 0);
	CHECK(xo_text(&o, "a&b", 3) == XO_OK, "a&b fits in 12");
	st = xo_text(&o, "&&", 2);
	CHECK(st == XO_TOO_BIG && o.len == 7, "escape growth must respect the limit (len %zu)", o.len);
	CHECK(xo_reserve(&o, SIZE_MAX) == XO_TOO_BIG, "huge reserve");
	xo_free(&o);

	/* linear growth: 1e6 appends, capacity doubles */
	xo_init(&o, &t_mem, SIZE_MAX, 0);
	for (i = 0; i < 1000000; i++)
		xo_text(&o, "ab&", 3);
	CHECK(o.len == 7000000, "len %zu after 1e6 appends", o.len);
	CHECK(o.cap < 2 * o.len + 1024, "capacity %zu too large", o.cap);
	xo_free(&o);
	CHECK(live_bytes == 0, "%zu bytes leaked", live_bytes);
}

/*
 * Reference checker written from the Unicode well-formed byte sequence
 * table, independent of xmlout.c.  Returns 0 = ok, 1 = bad char, 2 = bad
 * UTF-8; *off receives the offset of the first problem.
 */
static int
ref_check(const unsigned char *s, size_t n, size_t *off)
{
	size_t		i = 0;

	while (i < n)
	{
		unsigned char c = s[i];
		size_t		len;
		unsigned	lo = 0x80,
					hi = 0xBF,
					cp;

		if (c < 0x80)
		{
			if (c < 0x20 && c != 9 && c != 10 && c != 13)
			{
				*off = i;
				return 1;
			}
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4;
		else
		{
			*off = i;
			return 2;
		}
		if (c == 0xE0)
			lo = 0xA0;
		if (c == 0xED)
			hi = 0x9F;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;
		if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
		{
			*off = i;
			return 2;
		}
		for (size_t k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
			{
				*off = i;
				return 2;
			}
		if (len == 3)
		{
			cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
			if (cp == 0xFFFE || cp == 0xFFFF)
			{
				*off = i;
				return 1;
			}
		}
		i += len;
	}
	return 0;
}

static unsigned long long rng_state;

static unsigned
rnd(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned) (rng_state >> 33);
}

static void
random_cases(long iterations)
{
	static const char *pieces[] = {
		"&", "<", ">", "\r", "\n", "\t", "\\", "'", "\"", "]]>", "&amp;", "Zo\xc3\xab",
		"Si\xc3\xa2n", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbf\xbd", "\xef\xbf\xbe",
		"\x01", "\x1f", "\x7f", "\x80", "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "plain text ",
		"O'Brien", "0"
	};
	const int	npieces = sizeof(pieces) / sizeof(pieces[0]);
	unsigned char buf[512];

	for (long it = 0; it < iterations; it++)
	{
		size_t		n = 0;
		int			parts = rnd() % 12;
		XmlOut		o;
		XoStatus	st;
		int			want;
		size_t		want_off = 0,
					chk_off = 0;
		uint32_t	chk_ch;
		int			flags = (int) (rnd() % 3 == 0 ? 0 : (rnd() % 2 ? XO_ONE_LINE : XO_COPY_SAFE));

		for (int p = 0; p < parts && n < sizeof(buf) - 16; p++)
		{
			if (rnd() % 3 == 0)
				buf[n++] = (unsigned char) rnd();	/* any byte at all */
			else
			{
				const char *s = pieces[rnd() % npieces];
				size_t		l = strlen(s);

				memcpy(buf + n, s, l);
				n += l;
			}
		}
		/* "\x00" cannot be a piece; put it in sometimes */
		if (n > 0 && rnd() % 50 == 0)
			buf[rnd() % n] = 0;

		want = ref_check(buf, n, &want_off);
		st = xo_check_text((const char *) buf, n, &chk_off, &chk_ch);
		xo_init(&o, &t_mem, SIZE_MAX, flags);
		xo_raw(&o, "<a>", 3);
		{
			XoStatus	st2 = xo_text(&o, (const char *) buf, n);

			CHECK(st == st2, "xo_check_text and xo_text disagree (iteration %ld)", it);
		}
		CHECK((want == 0 && st == XO_OK) || (want == 1 && st == XO_BAD_CHAR) ||
			  (want == 2 && st == XO_BAD_UTF8),
			  "iteration %ld: reference says %d, writer says %s", it, want, xo_status_text(st));
		if (want != 0 && st != XO_OK)
			CHECK(want_off == chk_off, "iteration %ld: offset %zu vs %zu", it, want_off, chk_off);

		if (st == XO_OK)
		{
			xmlDocPtr	doc;

			xo_raw(&o, "</a>", 4);
			/* one-line modes: no raw line breaks or tabs may remain */
			if (flags & XO_ONE_LINE)
				CHECK(memchr(o.data, '\n', o.len) == NULL && memchr(o.data, '\t', o.len) == NULL,
					  "iteration %ld: raw LF/TAB in one-line output", it);
			if ((flags & XO_COPY_SAFE) == XO_COPY_SAFE)
				CHECK(memchr(o.data, '\\', o.len) == NULL, "iteration %ld: raw backslash", it);
			doc = xmlReadMemory(o.data, (int) o.len, "t.xml", "UTF-8",
								XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
			CHECK(doc != NULL, "iteration %ld: output does not parse: %.*s", it, (int) o.len, o.data);
			if (doc)
			{
				xmlChar    *text = xmlNodeGetContent(xmlDocGetRootElement(doc));
				size_t		tl = text ? strlen((char *) text) : 0;

				CHECK(tl == n && (n == 0 || memcmp(text, buf, n) == 0),
					  "iteration %ld: round trip changed the value", it);
				xmlFree(text);
				xmlFreeDoc(doc);
			}
		}
		xo_free(&o);
	}
	CHECK(live_bytes == 0, "%zu bytes leaked", live_bytes);
}

int
main(int argc, char **argv)
{
	long		iterations = argc > 1 ? atol(argv[1]) : 20000;

	rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 20260115;
	xmlInitParser();
	fixed_cases();
	random_cases(iterations);
	xmlCleanupParser();
	if (failures)
	{
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	printf("xmlout: all checks passed (%ld random values)\n", iterations);
	return 0;
}
