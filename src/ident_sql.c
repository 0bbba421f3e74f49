/*
 * ident_sql.c
 *		The lenient identifier checks of the SQL surface (sen2.is_valid_*,
 *		sen2.*_problem) and the message helpers the strict types share.
 *
 * Every check here is a call into ident.c, the one implementation the
 * types' input functions also use, so a value the type rejects is exactly a
 * value sen2.is_valid_* calls invalid, and the reason given is the same.
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "ident.h"
#include "ident_sql.h"

/*
 * Longest value echoed whole in a message.  Anything longer than any valid
 * identifier plus some slack is almost certainly the wrong column, and the
 * first few dozen characters are enough to recognise it.
 */
#define DISPLAY_MAX		40
#define DISPLAY_CLIP	32

/* Hints only try to repair values of about the right size. */
#define REPAIR_MAX		64

char *
sen2_ident_display(const char *s, size_t len)
{
	StringInfoData buf;
	size_t		show = len;
	size_t		i;

	if (len > DISPLAY_MAX)
		show = (size_t) pg_mbcliplen(s, (int) Min(len, (size_t) PG_INT32_MAX), DISPLAY_CLIP);

	initStringInfo(&buf);
	for (i = 0; i < show; i++)
	{
		unsigned char c = (unsigned char) s[i];

		/* control characters would break the message across lines */
		if (c == '\n')
			appendStringInfoString(&buf, "\\n");
		else if (c == '\r')
			appendStringInfoString(&buf, "\\r");
		else if (c == '\t')
			appendStringInfoString(&buf, "\\t");
		else if (c < 0x20 || c == 0x7f)
			appendStringInfo(&buf, "\\x%02X", c);
		else
			appendStringInfoChar(&buf, (char) c);
	}
	if (show < len)
		appendStringInfoString(&buf, GetDatabaseEncoding() == PG_UTF8 ? "\xe2\x80\xa6" : "...");
	return buf.data;
}

char *
sen2_upn_problem_text(const char *s, size_t len)
{
	char		expected;
	const char *p = sen2_upn_problem(s, len, &expected);

	if (p == NULL)
		return NULL;
	if (expected != '\0')
		return psprintf("%s: for these digits it should be %c", p, expected);
	return pstrdup(p);
}

char *
sen2_uln_problem_text(const char *s, size_t len)
{
	char		expected;
	const char *p = sen2_uln_problem(s, len, &expected);

	if (p == NULL)
		return NULL;
	if (expected != '\0')
		return psprintf("%s: for these digits it should be %c", p, expected);
	return pstrdup(p);
}

typedef bool (*ident_valid_fn) (const char *s, size_t len);

static bool
upn_valid(const char *s, size_t len)
{
	return sen2_upn_problem(s, len, NULL) == NULL;
}

static bool
uln_valid(const char *s, size_t len)
{
	return sen2_uln_problem(s, len, NULL) == NULL;
}

/*
 * The commonest damage to an identifier on its way out of a source system
 * is padding, spaces typed inside it and lower case.  Rather than guess, try
 * the repair with the real check and only suggest it when it works.
 */
static char *
repair_hint(const char *s, size_t len, ident_valid_fn valid, const char *kind)
{
	char		buf[REPAIR_MAX];
	size_t		n = 0;
	size_t		i;
	bool		had_space = false;
	bool		had_lower = false;

	if (len > REPAIR_MAX)
		return NULL;
	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		{
			had_space = true;
			continue;
		}
		if (c >= 'a' && c <= 'z')
		{
			had_lower = true;
			c = (char) (c - 'a' + 'A');
		}
		buf[n++] = c;
	}
	if (!(had_space || had_lower) || !valid(buf, n))
		return NULL;
	if (had_space && had_lower)
		return psprintf("In upper case and without the white space it is a valid %s: "
						"use upper(regexp_replace(value, '\\s', '', 'g')).", kind);
	if (had_space)
		return psprintf("Without the white space it is a valid %s: "
						"use regexp_replace(value, '\\s', '', 'g').", kind);
	return psprintf("In upper case it is a valid %s: use upper(value).", kind);
}

static bool
has_non_ascii(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if ((unsigned char) s[i] >= 0x80)
			return true;
	return false;
}

#define LOOKALIKE_HINT \
	"Look for characters that only look like letters or digits, such as full-width digits or a non-breaking space."

char *
sen2_upn_hint(const char *s, size_t len)
{
	char		expected;
	char	   *hint;

	if (len == 0)
		return pstrdup("Use NULL, not an empty string, for a missing UPN.");
	if (sen2_upn_problem(s, len, &expected) == NULL)
		return NULL;
	if ((hint = repair_hint(s, len, upn_valid, "UPN")) != NULL)
		return hint;
	if (uln_valid(s, len))
		return pstrdup("It is a valid ULN (unique learner number), not a UPN: use sen2.uln.");
	if (expected != '\0')
		return pstrdup("A wrong check letter usually means a mistyped or transposed digit: "
					   "check the UPN against the pupil's record.");
	if (has_non_ascii(s, len))
		return pstrdup(LOOKALIKE_HINT);
	return NULL;
}

char *
sen2_uln_hint(const char *s, size_t len)
{
	char		expected;
	char	   *hint;

	if (len == 0)
		return pstrdup("Use NULL, not an empty string, for a missing ULN.");
	if (sen2_uln_problem(s, len, &expected) == NULL)
		return NULL;
	if ((hint = repair_hint(s, len, uln_valid, "ULN")) != NULL)
		return hint;
	if (upn_valid(s, len))
		return pstrdup("It is a valid UPN (unique pupil number), not a ULN: use sen2.upn.");
	if (expected != '\0')
		return pstrdup("A wrong check digit usually means a mistyped or transposed digit: "
					   "check the ULN against the learner's record.");
	if (len == SEN2_ULN_LEN && sen2_all_digits(s, len, SEN2_ULN_LEN))
		return pstrdup("No ULN is issued with these first nine digits, so one of them is wrong.");
	if (has_non_ascii(s, len))
		return pstrdup(LOOKALIKE_HINT);
	return NULL;
}

void
sen2_ident_error(int sqlerrcode, const char *kind, const char *s, size_t len,
				 const char *problem, const char *hint)
{
	ereport(ERROR,
			(errcode(sqlerrcode),
			 errmsg("invalid %s \"%s\"", kind, sen2_ident_display(s, len)),
			 errdetail("The %s %s.", kind, problem),
			 hint ? errhint("%s", hint) : 0));
	pg_unreachable();
}

/* ---------------------------------------------------------------------
 * SQL functions.  All are STRICT: a NULL is missing, not invalid.
 * --------------------------------------------------------------------- */

#define ARG_TEXT(n, s, len) \
	text	   *arg_##n = PG_GETARG_TEXT_PP(n); \
	const char *s = VARDATA_ANY(arg_##n); \
	size_t		len = VARSIZE_ANY_EXHDR(arg_##n)

static Datum
problem_datum(FunctionCallInfo fcinfo, const char *problem)
{
	if (problem == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(problem));
}

PG_FUNCTION_INFO_V1(sen2_is_valid_upn);
Datum
sen2_is_valid_upn(PG_FUNCTION_ARGS)
{
	ARG_TEXT(0, s, len);

	PG_RETURN_BOOL(sen2_upn_problem(s, len, NULL) == NULL);
}

PG_FUNCTION_INFO_V1(sen2_is_valid_uln);
Datum
sen2_is_valid_uln(PG_FUNCTION_ARGS)
{
	ARG_TEXT(0, s, len);

	PG_RETURN_BOOL(sen2_uln_problem(s, len, NULL) == NULL);
}

PG_FUNCTION_INFO_V1(sen2_is_valid_urn);
Datum
sen2_is_valid_urn(PG_FUNCTION_ARGS)
{
	ARG_TEXT(0, s, len);

	PG_RETURN_BOOL(sen2_urn_problem(s, len) == NULL);
}

PG_FUNCTION_INFO_V1(sen2_is_valid_ukprn);
Datum
sen2_is_valid_ukprn(PG_FUNCTION_ARGS)
{
	ARG_TEXT(0, s, len);

	PG_RETURN_BOOL(sen2_ukprn_problem(s, len) == NULL);
}

PG_FUNCTION_INFO_V1(sen2_is_valid_postcode);
Datum
sen2_is_valid_postcode(PG_FUNCTION_ARGS)
{
	ARG_TEXT(0, s, len);

	PG_RETURN_BOOL(sen2_postcode_problem(s, len) == NULL);
}

PG_FUNCTION_INFO_V1(sen2_la_format_problem_sql);
Datum
sen2_la_format_problem_sql(PG_FUNCTION_ARGS)
{
	ARG_TEXT(0, s, len);

	return problem_datum(fcinfo, sen2_la_format_problem(s, len));
}

PG_FUNCTION_INFO_V1(sen2_upn_problem_sql);
Datum
sen2_upn_problem_sql(PG_FUNCTION_ARGS)
{
	ARG_TEXT(0, s, len);

	return problem_datum(fcinfo, sen2_upn_problem_text(s, len));
}

PG_FUNCTION_INFO_V1(sen2_uln_problem_sql);
Datum
sen2_uln_problem_sql(PG_FUNCTION_ARGS)
{
	ARG_TEXT(0, s, len);

	return problem_datum(fcinfo, sen2_uln_problem_text(s, len));
}

PG_FUNCTION_INFO_V1(sen2_urn_problem_sql);
Datum
sen2_urn_problem_sql(PG_FUNCTION_ARGS)
{
	ARG_TEXT(0, s, len);

	return problem_datum(fcinfo, sen2_urn_problem(s, len));
}

PG_FUNCTION_INFO_V1(sen2_ukprn_problem_sql);
Datum
sen2_ukprn_problem_sql(PG_FUNCTION_ARGS)
{
	ARG_TEXT(0, s, len);

	return problem_datum(fcinfo, sen2_ukprn_problem(s, len));
}

PG_FUNCTION_INFO_V1(sen2_postcode_problem_sql);
Datum
sen2_postcode_problem_sql(PG_FUNCTION_ARGS)
{
	ARG_TEXT(0, s, len);

	return problem_datum(fcinfo, sen2_postcode_problem(s, len));
}
