/*
 * ident.c
 *		Identifier and format checks shared by the types, the is_valid_*
 *		functions and the validation rules.  No PostgreSQL dependencies:
 *		see ident.h.
 */
#include "ident.h"

#include <string.h>

const char	sen2_upn_letters[24] = "ABCDEFGHJKLMNPQRTUVWXYZ";

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* Index of c among the UPN letters, or -1. */
static int
upn_letter_index(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(sen2_upn_letters, c);
	return p ? (int) (p - sen2_upn_letters) : -1;
}

bool
sen2_all_digits(const char *s, size_t len, size_t maxlen)
{
	size_t		i;

	if (len == 0 || (maxlen > 0 && len > maxlen))
		return false;
	for (i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* The common faults of a fixed-length code, in the order a person fixes them. */
static const char *
shape_problem(const char *s, size_t len, size_t want, const char *too_short,
			  const char *too_long)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		if ((unsigned char) s[i] >= 0x80)
			return "contains a character that is not plain ASCII";
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			return "contains white space";
	}
	if (len < want)
		return too_short;
	if (len > want)
		return too_long;
	return NULL;
}

const char *
sen2_upn_problem(const char *s, size_t len, char *expected)
{
	const char *p;
	int			sum = 0;
	int			i;
	int			last;

	if (expected)
		*expected = '\0';
	if (len == 0)
		return "is empty";
	if ((p = shape_problem(s, len, SEN2_UPN_LEN, "is shorter than 13 characters",
						   "is longer than 13 characters")) != NULL)
		return p;
	for (i = 0; i < SEN2_UPN_LEN; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			return "contains a lower-case letter";
	if (upn_letter_index(s[0]) < 0)
		return "does not start with a check letter (A-Z except I, O and S)";
	for (i = 1; i < 12; i++)
		if (!is_digit(s[i]))
			return "characters 2 to 12 are not all digits";
	if (!is_digit(s[12]) && upn_letter_index(s[12]) < 0)
		return "character 13 is neither a digit nor an allowed letter (A-Z except I, O and S)";

	for (i = 1; i < 12; i++)
		sum += (i + 1) * (s[i] - '0');
	last = is_digit(s[12]) ? s[12] - '0' : upn_letter_index(s[12]);
	sum += 13 * last;
	if (s[0] != sen2_upn_letters[sum % 23])
	{
		if (expected)
			*expected = sen2_upn_letters[sum % 23];
		return "has the wrong check letter";
	}
	return NULL;
}

bool
sen2_upn_is_temporary(const char *s)
{
	return !is_digit(s[12]);
}

const char *
sen2_uln_problem(const char *s, size_t len, char *expected)
{
	const char *p;
	int			sum = 0;
	int			i;

	if (expected)
		*expected = '\0';
	if (len == 0)
		return "is empty";
	if ((p = shape_problem(s, len, SEN2_ULN_LEN, "is shorter than 10 digits",
						   "is longer than 10 digits")) != NULL)
		return p;
	if (!sen2_all_digits(s, len, SEN2_ULN_LEN))
		return "is not all digits";
	for (i = 0; i < 9; i++)
		sum += (10 - i) * (s[i] - '0');
	if (sum % 11 == 0)
		return "has no valid check digit (the weighted sum of its first nine digits is a multiple of 11)";
	if (s[9] - '0' != 10 - sum % 11)
	{
		if (expected)
			*expected = (char) ('0' + 10 - sum % 11);
		return "has the wrong check digit";
	}
	return NULL;
}

static const char *
digits_problem(const char *s, size_t len, size_t want, const char *too_short,
			   const char *too_long)
{
	const char *p;

	if (len == 0)
		return "is empty";
	if ((p = shape_problem(s, len, want, too_short, too_long)) != NULL)
		return p;
	if (!sen2_all_digits(s, len, want))
		return "is not all digits";
	return NULL;
}

const char *
sen2_urn_problem(const char *s, size_t len)
{
	return digits_problem(s, len, 6, "is shorter than 6 digits", "is longer than 6 digits");
}

const char *
sen2_ukprn_problem(const char *s, size_t len)
{
	return digits_problem(s, len, 8, "is shorter than 8 digits", "is longer than 8 digits");
}

const char *
sen2_la_format_problem(const char *s, size_t len)
{
	return digits_problem(s, len, 3, "is shorter than 3 digits", "is longer than 3 digits");
}

/*
 * UK postcode, upper case, with or without the single space:
 * outward code A9, A99, A9A, AA9, AA99 or AA9A, inward code 9AA, where the
 * inward letters exclude C, I, K, M, O and V.  GIR 0AA is the one exception.
 */
const char *
sen2_postcode_problem(const char *s, size_t len)
{
	char		buf[8];
	size_t		n = 0;
	size_t		i;
	size_t		out;

	if (len == 0)
		return "is empty";
	for (i = 0; i < len; i++)
	{
		if ((unsigned char) s[i] >= 0x80)
			return "contains a character that is not plain ASCII";
		if (s[i] >= 'a' && s[i] <= 'z')
			return "contains a lower-case letter";
	}
	if (len > 8)
		return "is longer than 8 characters";
	for (i = 0; i < len; i++)
	{
		if (s[i] == ' ')
		{
			if (i == 0 || i != len - 4)
				return "has a space that is not just before the last three characters";
			continue;
		}
		buf[n++] = s[i];
	}
	if (n < 5 || n > 7)
		return "is not a UK postcode (wrong length)";
	if (n == 6 && memcmp(buf, "GIR0AA", 6) == 0)
		return NULL;
	out = n - 3;
	if (!is_digit(buf[out]) || !is_upper(buf[out + 1]) || !is_upper(buf[out + 2]) ||
		strchr("CIKMOV", buf[out + 1]) || strchr("CIKMOV", buf[out + 2]))
		return "does not end in a digit and two letters (the inward code)";
	if (!is_upper(buf[0]))
		return "does not start with a letter";
	/* outward code shapes */
	if (out == 2 && is_digit(buf[1]))
		return NULL;			/* A9 */
	if (out == 3 && (is_digit(buf[1]) && (is_digit(buf[2]) || is_upper(buf[2]))))
		return NULL;			/* A99, A9A */
	if (out == 3 && is_upper(buf[1]) && is_digit(buf[2]))
		return NULL;			/* AA9 */
	if (out == 4 && is_upper(buf[1]) && is_digit(buf[2]) &&
		(is_digit(buf[3]) || is_upper(buf[3])))
		return NULL;			/* AA99, AA9A */
	return "does not start with a valid outward code (e.g. B1, M60, SW1A, EC1A)";
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return (m == 2 && is_leap(y)) ? 29 : dim[m - 1];
}

static int
num(const char *s, int n)
{
	int			v = 0;
	int			i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static bool
shape_matches(const char *s, size_t len, const char *pattern)
{
	size_t		i;

	if (len != strlen(pattern))
		return false;
	for (i = 0; i < len; i++)
	{
		if (pattern[i] == '9' ? !is_digit(s[i]) : s[i] != pattern[i])
			return false;
	}
	return true;
}

bool
sen2_parse_date(const char *s, size_t len, int *y, int *m, int *d)
{
	int			yy,
				mm,
				dd;

	if (!shape_matches(s, len, "9999-99-99"))
		return false;
	yy = num(s, 4);
	mm = num(s + 5, 2);
	dd = num(s + 8, 2);
	if (yy < 1900 || yy > 2999 || mm < 1 || mm > 12 || dd < 1 || dd > days_in_month(yy, mm))
		return false;
	*y = yy;
	*m = mm;
	*d = dd;
	return true;
}

const char *
sen2_date_problem(const char *s, size_t len)
{
	int			y,
				m,
				d;

	if (len == 0)
		return "is empty";
	if (!shape_matches(s, len, "9999-99-99"))
		return "is not a date in the form YYYY-MM-DD";
	if (!sen2_parse_date(s, len, &y, &m, &d))
		return "is not a real calendar date between 1900 and 2999";
	return NULL;
}

const char *
sen2_datetime_problem(const char *s, size_t len)
{
	if (len == 0)
		return "is empty";
	if (!shape_matches(s, len, "9999-99-99T99:99:99"))
		return "is not a date and time in the form YYYY-MM-DDThh:mm:ss";
	if (sen2_date_problem(s, 10) != NULL)
		return "is not a real calendar date between 1900 and 2999";
	if (num(s + 11, 2) > 23 || num(s + 14, 2) > 59 || num(s + 17, 2) > 59)
		return "is not a real time of day";
	return NULL;
}

/* Howard Hinnant's days-from-civil, shifted to PostgreSQL's 2000-01-01 epoch. */
int
sen2_days_from_civil(int y, int m, int d)
{
	int			era;
	int			yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468 - 10957;
}
