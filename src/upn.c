/*
 * upn.c
 *		sen2.upn: the Unique Pupil Number as a type.
 *
 * Storage.  A UPN is a check letter, 11 digits and a last character that is
 * a digit or one of the 23 UPN letters, so it fits in an int64:
 *
 *     value = (check_index * 10^11 + digits) * 33 + last
 *
 * where check_index is the letter's place in sen2_upn_letters and last is
 * 0-9 for a digit, 10-32 for a letter.  Digits sort before letters in ASCII
 * and the UPN letters are in ASCII order, so comparing the integers compares
 * the texts byte by byte: ORDER BY a upn column gives the same order as
 * ORDER BY its text in the C collation.  The type is laid out like int8
 * (CREATE TYPE ... LIKE = int8), so the comparison, hash and sort support
 * functions are int8's own, and a value is 8 bytes passed by value instead
 * of a 14-byte varlena.
 *
 * The binary (send/recv) form is the 13 characters, not the integer, so a
 * client needs no knowledge of the encoding and a binary value goes through
 * the same check as a text one.
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "ident.h"
#include "ident_sql.h"

#define UPN_DIGITS_RADIX	INT64CONST(100000000000)	/* 10^11 */
#define UPN_LAST_RADIX		33	/* 10 digits + 23 letters */
#define UPN_LETTERS			23
#define UPN_MAX_VALUE		((int64) UPN_LETTERS * UPN_DIGITS_RADIX * UPN_LAST_RADIX)

static int
letter_index(char c)
{
	const char *p = strchr(sen2_upn_letters, c);

	Assert(c != '\0' && p != NULL);
	return (int) (p - sen2_upn_letters);
}

/* Check and encode; errors carry sqlerrcode. */
static int64
upn_parse(const char *s, size_t len, int sqlerrcode)
{
	char	   *problem = sen2_upn_problem_text(s, len);
	int64		digits = 0;
	int			last;
	int			i;

	if (problem != NULL)
		sen2_ident_error(sqlerrcode, "UPN", s, len, problem, sen2_upn_hint(s, len));

	for (i = 1; i < 12; i++)
		digits = digits * 10 + (s[i] - '0');
	last = (s[12] >= '0' && s[12] <= '9') ? s[12] - '0' : 10 + letter_index(s[12]);
	return ((int64) letter_index(s[0]) * UPN_DIGITS_RADIX + digits) * UPN_LAST_RADIX + last;
}

/* Decode into buf (at least SEN2_UPN_LEN + 1 bytes). */
static void
upn_format(int64 v, char *buf)
{
	int64		rest;
	int64		digits;
	int			last;
	int			check;
	int			i;

	/*
	 * Values only come from upn_parse, but a damaged page must give an error,
	 * not a read outside sen2_upn_letters.
	 */
	if (v < 0 || v >= UPN_MAX_VALUE)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored UPN value " INT64_FORMAT " is out of range", v)));
	last = (int) (v % UPN_LAST_RADIX);
	rest = v / UPN_LAST_RADIX;
	digits = rest % UPN_DIGITS_RADIX;
	check = (int) (rest / UPN_DIGITS_RADIX);

	buf[0] = sen2_upn_letters[check];
	for (i = 11; i >= 1; i--)
	{
		buf[i] = (char) ('0' + digits % 10);
		digits /= 10;
	}
	buf[12] = last < 10 ? (char) ('0' + last) : sen2_upn_letters[last - 10];
	buf[13] = '\0';
}

PG_FUNCTION_INFO_V1(sen2_upn_in);
Datum
sen2_upn_in(PG_FUNCTION_ARGS)
{
	const char *s = PG_GETARG_CSTRING(0);

	PG_RETURN_INT64(upn_parse(s, strlen(s), ERRCODE_INVALID_TEXT_REPRESENTATION));
}

PG_FUNCTION_INFO_V1(sen2_upn_out);
Datum
sen2_upn_out(PG_FUNCTION_ARGS)
{
	char	   *buf = palloc(SEN2_UPN_LEN + 1);

	upn_format(PG_GETARG_INT64(0), buf);
	PG_RETURN_CSTRING(buf);
}

/*
 * The wire form is the text.  pq_getmsgtext converts from the client
 * encoding and rejects invalid byte sequences (and NULs) before the value
 * reaches the check or an error message.
 */
PG_FUNCTION_INFO_V1(sen2_upn_recv);
Datum
sen2_upn_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			nbytes;
	char	   *s = pq_getmsgtext(msg, msg->len - msg->cursor, &nbytes);

	PG_RETURN_INT64(upn_parse(s, (size_t) nbytes, ERRCODE_INVALID_BINARY_REPRESENTATION));
}

PG_FUNCTION_INFO_V1(sen2_upn_send);
Datum
sen2_upn_send(PG_FUNCTION_ARGS)
{
	char		buf[SEN2_UPN_LEN + 1];
	StringInfoData msg;

	upn_format(PG_GETARG_INT64(0), buf);
	pq_begintypsend(&msg);
	pq_sendtext(&msg, buf, SEN2_UPN_LEN);
	PG_RETURN_BYTEA_P(pq_endtypsend(&msg));
}

/* Characters 2-4: the number of the LA that allocated the UPN. */
PG_FUNCTION_INFO_V1(sen2_upn_la);
Datum
sen2_upn_la(PG_FUNCTION_ARGS)
{
	char		buf[SEN2_UPN_LEN + 1];

	upn_format(PG_GETARG_INT64(0), buf);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf + 1, 3));
}

/* A temporary UPN ends in a letter instead of a digit. */
PG_FUNCTION_INFO_V1(sen2_upn_is_temporary_sql);
Datum
sen2_upn_is_temporary_sql(PG_FUNCTION_ARGS)
{
	char		buf[SEN2_UPN_LEN + 1];

	upn_format(PG_GETARG_INT64(0), buf);
	PG_RETURN_BOOL(sen2_upn_is_temporary(buf));
}
