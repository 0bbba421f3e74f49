/*
 * csv_fuzz.c
 *		libFuzzer harness for the CSV reader (src/csv.c).
 *
 * Besides crashes and sanitizer reports it checks two properties:
 *	1. whatever the reader accepts, written back out in canonical form
 *	   (every field quoted, quotes doubled, records ended by LF) reads back
 *	   as the same records and fields;
 *	2. the line numbers it reports never go backwards and never exceed the
 *	   number of line breaks in the input plus one.
 *
 *   clang-14 -fsanitize=fuzzer,address,undefined -Isrc test/fuzz/csv_fuzz.c src/csv.c
 *   gcc -DSEN2_FUZZ_REPLAY -Isrc test/fuzz/csv_fuzz.c src/csv.c     (replays files)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#define PROPERTY(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* The records read, flattened: each field as (length, bytes), -1 ends a record. */
typedef struct Out
{
	char	   *buf;
	size_t		len;
	size_t		cap;
	size_t		field_start;	/* where the current field's length word is */
	long long	last_line;
	long long	max_line;
} Out;

static void
out_append(Out *o, const void *p, size_t n)
{
	if (o->len + n > o->cap)
	{
		o->cap = (o->len + n) * 2 + 64;
		o->buf = realloc(o->buf, o->cap);
		if (o->buf == NULL)
			abort();
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void
begin_field(Out *o)
{
	size_t		zero = 0;

	o->field_start = o->len;
	out_append(o, &zero, sizeof(zero));
}

static void
cb_piece(void *arg, const char *data, size_t len)
{
	Out		   *o = arg;
	size_t		flen;

	out_append(o, data, len);
	memcpy(&flen, o->buf + o->field_start, sizeof(flen));
	flen += len;
	memcpy(o->buf + o->field_start, &flen, sizeof(flen));
}

static void
cb_field_end(void *arg)
{
	begin_field(arg);
}

static int
cb_record_end(void *arg, long long line)
{
	Out		   *o = arg;
	size_t		end = (size_t) -1;

	PROPERTY(line >= o->last_line && line >= 1 && line <= o->max_line);
	o->last_line = line;
	/* replace the length word opened for a next field by the record mark */
	memcpy(o->buf + o->field_start, &end, sizeof(end));
	begin_field(o);
	return 0;
}

static Sen2CsvStatus
read_all(const char *p, size_t n, Out *o)
{
	Sen2CsvCallbacks cb = {o, cb_piece, cb_field_end, cb_record_end};
	Sen2CsvError err;
	size_t		i;
	Sen2CsvStatus st;

	memset(o, 0, sizeof(*o));
	o->max_line = 1;
	for (i = 0; i < n; i++)
		if (p[i] == '\n' || (p[i] == '\r' && !(i + 1 < n && p[i + 1] == '\n')))
			o->max_line++;
	begin_field(o);
	st = sen2_csv_parse(p, n, &cb, &err);
	if (st == SEN2_CSV_UNTERMINATED || st == SEN2_CSV_AFTER_QUOTE)
		PROPERTY(err.line >= err.start_line && err.line <= o->max_line && err.field_no >= 1);
	o->len = o->field_start;	/* drop the unfinished trailing length word */
	return st;
}

/* Canonical CSV of the flattened records. */
static char *
canonical(const Out *o, size_t *n)
{
	Out			w = {0};
	size_t		pos = 0;
	int			first = 1;

	while (pos < o->len)
	{
		size_t		flen;

		memcpy(&flen, o->buf + pos, sizeof(flen));
		pos += sizeof(flen);
		if (flen == (size_t) -1)
		{
			out_append(&w, "\n", 1);
			first = 1;
			continue;
		}
		if (!first)
			out_append(&w, ",", 1);
		first = 0;
		out_append(&w, "\"", 1);
		for (size_t i = 0; i < flen; i++)
		{
			if (o->buf[pos + i] == '"')
				out_append(&w, "\"", 1);
			out_append(&w, o->buf + pos + i, 1);
		}
		out_append(&w, "\"", 1);
		pos += flen;
	}
	*n = w.len;
	return w.buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Out			a,
				b;
	char	   *again;
	size_t		n;

	if (read_all((const char *) data, size, &a) == SEN2_CSV_OK)
	{
		/* canonical output starts with a quote, so no byte order mark is dropped twice */
		again = canonical(&a, &n);
		PROPERTY(read_all(again, n, &b) == SEN2_CSV_OK);
		PROPERTY(a.len == b.len && (a.len == 0 || memcmp(a.buf, b.buf, a.len) == 0));
		free(b.buf);
		free(again);
	}
	free(a.buf);
	return 0;
}

#ifdef SEN2_FUZZ_REPLAY
/* A tiny stand-in for libFuzzer's main: run each file named on the command line once. */
int
main(int argc, char **argv)
{
	/* libFuzzer hands an empty input as a NULL pointer (found by the fuzzer) */
	LLVMFuzzerTestOneInput(NULL, 0);
	for (int i = 1; i < argc; i++)
	{
		FILE	   *f = fopen(argv[i], "rb");
		uint8_t    *buf;
		long		n;

		if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		{
			perror(argv[i]);
			return 2;
		}
		buf = malloc(n ? (size_t) n : 1);
		if (buf == NULL || fread(buf, 1, (size_t) n, f) != (size_t) n)
		{
			perror(argv[i]);
			return 2;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t) n);
		free(buf);
	}
	printf("replayed %d inputs\n", argc - 1);
	return 0;
}
#endif
