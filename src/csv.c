/*
 * csv.c
 *		A single-pass CSV reader with no allocation and no PostgreSQL
 *		dependency (see csv.h for the dialect).
 */
#include "csv.h"

#include <string.h>

static int
is_eol(char c)
{
	return c == '\n' || c == '\r';
}

/* Step over one line break (LF, CRLF or CR) at *pp. */
static const char *
skip_eol(const char *p, const char *end)
{
	if (*p == '\r' && p + 1 < end && p[1] == '\n')
		p++;
	return p + 1;
}

/* Line breaks inside [p, q), counting CRLF once. */
static long long
count_eols(const char *p, const char *q)
{
	long long	n = 0;

	for (; p < q; p++)
		if (*p == '\n' || (*p == '\r' && !(p + 1 < q && p[1] == '\n')))
			n++;
	return n;
}

Sen2CsvStatus
sen2_csv_parse(const char *p, size_t len, const Sen2CsvCallbacks *cb, Sen2CsvError *err)
{
	const char *end;
	long long	line = 1;

	/* no arithmetic on the pointer of an empty input: it may be NULL */
	if (len == 0)
		return SEN2_CSV_OK;
	end = p + len;

	/* a byte order mark is not part of the first header name */
	if (len >= 3 && (unsigned char) p[0] == 0xEF &&
		(unsigned char) p[1] == 0xBB && (unsigned char) p[2] == 0xBF)
		p += 3;

	while (p < end)
	{
		long long	record_line = line;
		int			field_no = 0;

		/* a completely empty line is not a record */
		if (is_eol(*p))
		{
			p = skip_eol(p, end);
			line++;
			continue;
		}

		for (;;)
		{
			field_no++;
			if (p < end && *p == '"')
			{
				long long	quote_line = line;

				p++;
				for (;;)
				{
					const char *q = memchr(p, '"', (size_t) (end - p));

					if (q == NULL)
					{
						err->line = line + count_eols(p, end);
						err->start_line = quote_line;
						err->field_no = field_no;
						return SEN2_CSV_UNTERMINATED;
					}
					line += count_eols(p, q);
					if (q > p)
						cb->piece(cb->arg, p, (size_t) (q - p));
					p = q + 1;
					if (p < end && *p == '"')
					{
						cb->piece(cb->arg, "\"", 1);
						p++;
						continue;
					}
					break;
				}
				if (p < end && *p != ',' && !is_eol(*p))
				{
					err->line = line;
					err->start_line = record_line;
					err->field_no = field_no;
					return SEN2_CSV_AFTER_QUOTE;
				}
			}
			else
			{
				const char *start = p;

				while (p < end && *p != ',' && !is_eol(*p))
					p++;
				if (p > start)
					cb->piece(cb->arg, start, (size_t) (p - start));
			}
			cb->field_end(cb->arg);

			if (p < end && *p == ',')
			{
				p++;
				continue;
			}
			if (p < end)
			{
				p = skip_eol(p, end);
				line++;
			}
			break;
		}
		if (cb->record_end(cb->arg, record_line))
			return SEN2_CSV_STOPPED;
	}
	return SEN2_CSV_OK;
}
