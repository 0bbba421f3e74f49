/*
 * uln.c
 *		sen2.uln: the Unique Learner Number as a type.
 *
 * A ULN is 10 digits, stored as their value in an int64 laid out like int8
 * (CREATE TYPE ... LIKE = int8), so int8's comparison, hash and sort support
 * functions serve it.  All ULNs have 10 digits, so numeric order is text
 * order; output pads with zeros to 10 digits, so a ULN with leading zeros
 * reads back exactly as it was written.
 *
 * As for sen2.upn, the binary (send/recv) form is the 10 characters.
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "ident.h"
#include "ident_sql.h"

#define ULN_MAX_VALUE	INT64CONST(9999999999)

static int64
uln_parse(const char *s, size_t len, int sqlerrcode)
{
	char	   *problem = sen2_uln_problem_text(s, len);
	int64		v = 0;
	int			i;

	if (problem != NULL)
		sen2_ident_error(sqlerrcode, "ULN", s, len, problem, sen2_uln_hint(s, len));
	for (i = 0; i < SEN2_ULN_LEN; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static void
uln_format(int64 v, char *buf)
{
	int			i;

	if (v < 0 || v > ULN_MAX_VALUE)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored ULN value " INT64_FORMAT " is out of range", v)));
	for (i = SEN2_ULN_LEN - 1; i >= 0; i--)
	{
		buf[i] = (char) ('0' + v % 10);
		v /= 10;
	}
	buf[SEN2_ULN_LEN] = '\0';
}

PG_FUNCTION_INFO_V1(sen2_uln_in);
Datum
sen2_uln_in(PG_FUNCTION_ARGS)
{
	const char *s = PG_GETARG_CSTRING(0);

	PG_RETURN_INT64(uln_parse(s, strlen(s), ERRCODE_INVALID_TEXT_REPRESENTATION));
}

PG_FUNCTION_INFO_V1(sen2_uln_out);
Datum
sen2_uln_out(PG_FUNCTION_ARGS)
{
	char	   *buf = palloc(SEN2_ULN_LEN + 1);

	uln_format(PG_GETARG_INT64(0), buf);
	PG_RETURN_CSTRING(buf);
}

/* See sen2_upn_recv: the wire form is the text, checked like text input. */
PG_FUNCTION_INFO_V1(sen2_uln_recv);
Datum
sen2_uln_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			nbytes;
	char	   *s = pq_getmsgtext(msg, msg->len - msg->cursor, &nbytes);

	PG_RETURN_INT64(uln_parse(s, (size_t) nbytes, ERRCODE_INVALID_BINARY_REPRESENTATION));
}

PG_FUNCTION_INFO_V1(sen2_uln_send);
Datum
sen2_uln_send(PG_FUNCTION_ARGS)
{
	char		buf[SEN2_ULN_LEN + 1];
	StringInfoData msg;

	uln_format(PG_GETARG_INT64(0), buf);
	pq_begintypsend(&msg);
	pq_sendtext(&msg, buf, SEN2_ULN_LEN);
	PG_RETURN_BYTEA_P(pq_endtypsend(&msg));
}

/*
 * bigint -> uln: the number written with 10 digits (leading zeros added),
 * then the ordinary check, so 'x'::sen2.uln::bigint::sen2.uln round-trips.
 */
PG_FUNCTION_INFO_V1(sen2_uln_from_bigint);
Datum
sen2_uln_from_bigint(PG_FUNCTION_ARGS)
{
	int64		v = PG_GETARG_INT64(0);
	char		buf[32];

	if (v < 0 || v > ULN_MAX_VALUE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("invalid ULN " INT64_FORMAT, v),
				 errdetail("A ULN is a number from 0000000000 to 9999999999.")));
	uln_format(v, buf);
	PG_RETURN_INT64(uln_parse(buf, SEN2_ULN_LEN, ERRCODE_INVALID_TEXT_REPRESENTATION));
}
