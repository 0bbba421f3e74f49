/*
 * date_sql.c
 *		sen2.iso_date(text): the raw text of a date item as a date, or NULL
 *		when it is not a strict ISO calendar date.  Views and statistics read
 *		dates through it so a malformed value is left out (and reported by
 *		the rules), never an error that stops a whole report.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/date.h"
#include "utils/builtins.h"

#include "ident.h"

PG_FUNCTION_INFO_V1(sen2_iso_date);

Datum
sen2_iso_date(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			y,
				m,
				d;

	if (!sen2_parse_date(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &y, &m, &d))
		PG_RETURN_NULL();
	PG_RETURN_DATEADT((DateADT) sen2_days_from_civil(y, m, d));
}
