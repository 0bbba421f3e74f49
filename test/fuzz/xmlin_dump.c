/*
 * xmlin_dump.c
 *		Prints the events the reader core produces for a file, one a line,
 *		using the fixed 2024 layout: a debugging aid and the "reader alone"
 *		timing in bench/xml_reader.sh.
 *
 *	xmlin_dump [-t] [-q] [-s] [-m max_item_bytes] [-c chunk_bytes] FILE
 *		-t	treat the input as text (ignore its encoding declaration)
 *		-q	print only the totals
 *		-s	read the file as a stream (memory stays flat) instead of whole
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "xmlin.h"
#include "xmlin_layout.h"

static long
file_read(void *arg, char *buf, size_t size)
{
	size_t		n = fread(buf, 1, size, (FILE *) arg);

	return ferror((FILE *) arg) ? -1 : (long) n;
}

static void
quiet(void *ctx, xmlErrorPtr e)
{
	(void) ctx;
	(void) e;
}

int
main(int argc, char **argv)
{
	xmlin_options opt = {65536, false, 0};
	bool		q = false;
	bool		stream = false;
	int			c;
	FILE	   *f;
	char	   *buf;
	long		n;
	xmlin_reader *r;
	long		counts[6] = {0};
	int			rc = 0;

	while ((c = getopt(argc, argv, "tqsm:c:")) != -1)
	{
		if (c == 's')
			stream = true;
		else if (c == 't')
			opt.input_is_utf8 = true;
		else if (c == 'q')
			q = true;
		else if (c == 'm')
			opt.max_item_bytes = strtoul(optarg, NULL, 10);
		else if (c == 'c')
			opt.chunk_bytes = strtoul(optarg, NULL, 10);
		else
			return 2;
	}
	if (optind >= argc || (f = fopen(argv[optind], "rb")) == NULL)
	{
		fprintf(stderr, "usage: xmlin_dump [-t] [-q] [-s] [-m bytes] [-c bytes] FILE\n");
		return 2;
	}
	xmlSetStructuredErrorFunc(NULL, quiet);
	if (stream)
	{
		buf = NULL;
		r = xmlin_open_stream(file_read, f, &sen2_test_layout, &opt);
		goto run;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n ? n : 1);
	if (buf == NULL || fread(buf, 1, n, f) != (size_t) n)
		return 2;
	fclose(f);
	f = NULL;
	r = xmlin_open(buf, n, &sen2_test_layout, &opt);
run:
	for (;;)
	{
		const xmlin_event *ev = xmlin_next(r);

		counts[ev->type]++;
		if (ev->type == XMLIN_ERROR)
		{
			const xmlin_error *e = xmlin_get_error(r);

			printf("ERROR %s line %d column %d code %d element \"%s\" path \"%s\": %s\n",
				   xmlin_error_name(e->kind), e->line, e->column, e->xml_code,
				   e->element, e->path, e->message);
			rc = 1;
			break;
		}
		if (ev->type == XMLIN_END)
			break;
		if (q)
			continue;
		switch (ev->type)
		{
			case XMLIN_ROW_START:
				printf("%d ROW %s[%d]\n", ev->line, sen2_test_nodes[ev->node].name, ev->seq);
				break;
			case XMLIN_ROW_END:
				printf("%d END %s\n", ev->line, sen2_test_nodes[ev->node].name);
				break;
			case XMLIN_ITEM:
				printf("%d ITEM %s = \"%s\"\n", ev->line, sen2_test_nodes[ev->node].name, ev->value);
				break;
			case XMLIN_ISSUE:
				printf("%d ISSUE %s %s %s%s%s%s%s value=%s%s%s\n", ev->line,
					   xmlin_issue_name(ev->issue), ev->path, ev->element,
					   ev->attribute ? " @" : "", ev->attribute ? ev->attribute : "",
					   ev->after ? " after " : "", ev->after ? ev->after : "",
					   ev->value ? "\"" : "", ev->value ? ev->value : "NULL",
					   ev->truncated ? "\" (cut)" : (ev->value ? "\"" : ""));
				break;
			default:
				break;
		}
	}
	printf("rows %ld items %ld issues %ld\n", counts[XMLIN_ROW_START], counts[XMLIN_ITEM], counts[XMLIN_ISSUE]);
	xmlin_close(r);
	free(buf);
	if (f)
		fclose(f);
	return rc;
}
