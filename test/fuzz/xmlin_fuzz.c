/*
 * xmlin_fuzz.c
 *		libFuzzer harness for the reader core (src/xmlin.c), built without
 *		PostgreSQL:
 *
 *	clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *		$(pkg-config --cflags libxml-2.0) test/fuzz/xmlin_fuzz.c src/xmlin.c \
 *		$(pkg-config --libs libxml-2.0) -o xmlin_fuzz
 *
 * The first input byte picks the options (text or bytes input, a tiny
 * value cap, a tiny chunk size, a stream handing out uneven pieces, a
 * second and third reading in one piece and byte by byte that must agree),
 * the rest is the document.  Besides the
 * sanitizers, the harness checks the reader's promises: rows open and
 * close in pairs, nodes are in range and of the right kind, every string
 * is NUL-free valid UTF-8 of the stated length, values respect the cap,
 * an error says what it is, and the reader stops after END or ERROR.
 * test/fuzz/xmlin_replay.c supplies a main() to replay files with gcc.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "xmlin.h"
#include "xmlin_layout.h"

#define CHECK(cond) \
	do { if (!(cond)) { fprintf(stderr, "xmlin_fuzz: check failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

static void
quiet(void *ctx, xmlErrorPtr e)
{
	(void) ctx;
	(void) e;
}

static void
check_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;

	CHECK(s != NULL);
	CHECK(strlen(s) == len);
	while (i < len)
	{
		size_t		k;
		size_t		j;

		if (p[i] < 0x80)
			k = 1;
		else if (p[i] >= 0xC2 && p[i] <= 0xDF)
			k = 2;
		else if (p[i] >= 0xE0 && p[i] <= 0xEF)
			k = 3;
		else if (p[i] >= 0xF0 && p[i] <= 0xF4)
			k = 4;
		else
			k = 0;
		CHECK(k > 0 && i + k <= len);
		for (j = 1; j < k; j++)
			CHECK((p[i + j] & 0xC0) == 0x80);
		i += k;
	}
}

/* A stream over the input that hands it out in uneven pieces. */
typedef struct piece_stream
{
	const char *data;
	size_t		len;
	size_t		pos;
	unsigned	step;
} piece_stream;

static long
piece_read(void *arg, char *buf, size_t size)
{
	piece_stream *ps = arg;
	size_t		n = 1 + (ps->step++ * 7919u) % 97u;

	if (n > size)
		n = size;
	if (n > ps->len - ps->pos)
		n = ps->len - ps->pos;
	memcpy(buf, ps->data + ps->pos, n);
	ps->pos += n;
	return (long) n;
}

/*
 * A digest of everything a reader reports, for comparing two readings of
 * the same document: chunk boundaries must not change what is read.
 */
static uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t		i;

	for (i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ULL;
	return h;
}

static uint64_t
digest(xmlin_reader *r, int *kind)
{
	uint64_t	h = 14695981039346656037ULL;

	for (;;)
	{
		const xmlin_event *ev = xmlin_next(r);
		int			v[5];

		v[0] = ev->type;
		v[1] = ev->node;
		v[2] = ev->line;
		v[3] = ev->seq;
		v[4] = ev->type == XMLIN_ISSUE ? (int) ev->issue : 0;
		h = mix(h, v, sizeof(v));
		if (ev->value)
			h = mix(h, ev->value, ev->len + 1);
		if (ev->path)
			h = mix(h, ev->path, strlen(ev->path));
		if (ev->type == XMLIN_END || ev->type == XMLIN_ERROR)
		{
			*kind = ev->type == XMLIN_END ? -1 : (int) xmlin_get_error(r)->kind;
			return h;
		}
	}
}

static void
compare_chunkings(const char *doc, size_t len, const xmlin_options *base)
{
	xmlin_options whole = *base;
	xmlin_options bytewise = *base;
	xmlin_reader *a;
	xmlin_reader *b;
	int			ka;
	int			kb;
	uint64_t	ha;
	uint64_t	hb;

	whole.chunk_bytes = 0;
	bytewise.chunk_bytes = 1;
	a = xmlin_open(doc, len, &sen2_test_layout, &whole);
	b = xmlin_open(doc, len, &sen2_test_layout, &bytewise);
	CHECK(a != NULL && b != NULL);
	ha = digest(a, &ka);
	hb = digest(b, &kb);
	/* a well-formed document reads the same however it is cut */
	CHECK((ka == -1) == (kb == -1));
	if (ka == -1)
		CHECK(ha == hb);
	xmlin_close(a);
	xmlin_close(b);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[4] = {65536, 16, 300, 4096};
	static const size_t chunks[4] = {0, 1, 7, 512};
	xmlin_options opt;
	xmlin_reader *r;
	int			rows[XMLIN_MAX_DEPTH + 2];
	int			nrows = 0;
	long		events = 0;
	uint8_t		flags;

	if (size == 0)
		return 0;
	xmlSetStructuredErrorFunc(NULL, quiet);
	flags = data[0];
	memset(&opt, 0, sizeof(opt));
	opt.input_is_utf8 = (flags & 1) != 0;
	opt.max_item_bytes = caps[(flags >> 1) & 3];
	opt.chunk_bytes = chunks[(flags >> 3) & 3];

	if (flags & 32)
	{
		static piece_stream ps;

		ps.data = (const char *) data + 1;
		ps.len = size - 1;
		ps.pos = 0;
		ps.step = 0;
		r = xmlin_open_stream(piece_read, &ps, &sen2_test_layout, &opt);
	}
	else
		r = xmlin_open((const char *) data + 1, size - 1, &sen2_test_layout, &opt);
	CHECK(r != NULL);
	for (;;)
	{
		const xmlin_event *ev = xmlin_next(r);

		events++;
		if (ev->type == XMLIN_END)
		{
			CHECK(nrows == 0);
			CHECK(xmlin_next(r)->type == XMLIN_END);
			break;
		}
		if (ev->type == XMLIN_ERROR)
		{
			const xmlin_error *e = xmlin_get_error(r);

			CHECK(e->kind != XMLIN_ERR_NONE && e->kind != XMLIN_ERR_LAYOUT);
			CHECK(e->message[0] != '\0');
			check_utf8(e->message, strlen(e->message));
			check_utf8(e->element, strlen(e->element));
			check_utf8(e->path, strlen(e->path));
			CHECK(xmlin_next(r)->type == XMLIN_ERROR);
			break;
		}
		CHECK(ev->line >= 1);
		switch (ev->type)
		{
			case XMLIN_ROW_START:
				CHECK(ev->node >= 0 && ev->node < sen2_test_layout.nnodes);
				CHECK(!sen2_test_nodes[ev->node].is_item);
				CHECK(ev->seq >= 1);
				CHECK(nrows < XMLIN_MAX_DEPTH);
				CHECK(nrows > 0 || sen2_test_nodes[ev->node].parent < 0);
				rows[nrows++] = ev->node;
				break;
			case XMLIN_ROW_END:
				CHECK(nrows > 0 && rows[nrows - 1] == ev->node);
				nrows--;
				break;
			case XMLIN_ITEM:
				CHECK(nrows > 0);
				CHECK(ev->node >= 0 && ev->node < sen2_test_layout.nnodes);
				CHECK(sen2_test_nodes[ev->node].is_item);
				check_utf8(ev->value, ev->len);
				CHECK(ev->len <= opt.max_item_bytes);
				break;
			case XMLIN_ISSUE:
				CHECK(nrows > 0);
				CHECK(ev->node >= -1 && ev->node < sen2_test_layout.nnodes);
				check_utf8(ev->element, strlen(ev->element));
				check_utf8(ev->path, strlen(ev->path));
				CHECK(ev->path[0] == '/');
				if (ev->attribute)
					check_utf8(ev->attribute, strlen(ev->attribute));
				CHECK((ev->after != NULL) == (ev->issue == XMLIN_ISSUE_ORDER));
				if (ev->after)
					check_utf8(ev->after, strlen(ev->after));
				if (ev->value)
				{
					check_utf8(ev->value, ev->len);
					CHECK(ev->len <= opt.max_item_bytes + 8);
				}
				CHECK(xmlin_issue_name(ev->issue)[0] != '?');
				break;
			default:
				CHECK(0);
		}
	}
	xmlin_close(r);
	if ((flags & 64) && size < 8192)
		compare_chunkings((const char *) data + 1, size - 1, &opt);
	return 0;
}
