/*
 * ident_fuzz.c
 *		Fuzz harness for src/ident.c, the identifier and date checks behind
 *		sen2.upn, sen2.uln and the sen2.is_valid_* functions.
 *
 * Besides "no crash, no out-of-bounds read, no undefined behaviour" (the
 * sanitizers' job), every input is held to properties that any correct
 * implementation has, so a wrong answer is a finding too:
 *   - a check gives the same answer twice, with or without *expected;
 *   - a wrong UPN check letter / ULN check digit comes with the right one,
 *     and putting it in makes the value valid; a valid UPN with any other
 *     check letter is a wrong-check-letter case naming the original;
 *   - fixed-width digit codes are valid exactly when they have that many
 *     digits; a valid postcode is 5-8 upper-case letters, digits and at
 *     most one space;
 *   - a valid date's day number is one more than the previous day's;
 *   - UPN and ULN validity agree with naive oracles written from the spec.
 *
 * Each check sees a private, exactly sized copy of the input, so reading
 * one byte past the end is caught by AddressSanitizer.
 *
 * Build with libFuzzer (test/sh/slow/fuzz_ident.sh):
 *   clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc test/fuzz/ident_fuzz.c src/ident.c
 * or, with any C compiler and no libFuzzer, as a replayer of files given on
 * the command line (test/sh/fuzz_ident_replay.sh):
 *   gcc -DSEN2_FUZZ_REPLAY -Isrc test/fuzz/ident_fuzz.c src/ident.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"

#define PROPERTY(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

static char *
copy_of(const uint8_t *data, size_t size)
{
	/* malloc(0) may return NULL; one spare byte keeps the pointer real
	 * without making the spare byte part of the value. */
	char	   *p = malloc(size ? size : 1);

	if (p == NULL)
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

static int
is_upn_letter(char c)
{
	return c != '\0' && strchr(sen2_upn_letters, c) != NULL;
}

/*
 * Oracles written straight from the specification (sen2-spec.md 6.2, 6.3),
 * deliberately naive, so that a consistently wrong weight or alphabet in
 * ident.c is a finding and not just a self-consistent answer.
 */
static int
oracle_upn_valid(const char *s, size_t len)
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRTUVWXYZ";
	long		total = 0;
	int			pos;

	if (len != 13)
		return 0;
	for (pos = 2; pos <= 13; pos++)
	{
		char		c = s[pos - 1];
		const char *a;

		if (c >= '0' && c <= '9')
			total += pos * (c - '0');
		else if (pos == 13 && c != '\0' && (a = strchr(alphabet, c)) != NULL)
			total += pos * (a - alphabet);
		else
			return 0;
	}
	return s[0] == alphabet[total % 23];
}

static int
oracle_uln_valid(const char *s, size_t len)
{
	int			total = 0;
	int			i;

	if (len != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	for (i = 1; i <= 9; i++)
		total += (11 - i) * (s[i - 1] - '0');
	return total % 11 != 0 && s[9] - '0' == 10 - total % 11;
}

static void
check_upn(const uint8_t *data, size_t size)
{
	char	   *s = copy_of(data, size);
	char		expected = 'x';
	const char *p = sen2_upn_problem(s, size, &expected);

	PROPERTY(p == sen2_upn_problem(s, size, NULL));
	PROPERTY((p == NULL) == oracle_upn_valid(s, size));
	if (p == NULL)
	{
		size_t		i;

		PROPERTY(expected == '\0');
		PROPERTY(size == SEN2_UPN_LEN);
		PROPERTY(is_upn_letter(s[0]));
		for (i = 1; i < 12; i++)
			PROPERTY(s[i] >= '0' && s[i] <= '9');
		PROPERTY(sen2_upn_is_temporary(s) == is_upn_letter(s[12]));
		/* every other check letter is wrong, and the original is named */
		for (i = 0; sen2_upn_letters[i] != '\0'; i++)
		{
			char		orig = s[0];
			char		e = '\0';

			if (sen2_upn_letters[i] == orig)
				continue;
			s[0] = sen2_upn_letters[i];
			PROPERTY(sen2_upn_problem(s, size, &e) != NULL);
			PROPERTY(e == orig);
			s[0] = orig;
		}
	}
	else if (expected != '\0')
	{
		PROPERTY(size == SEN2_UPN_LEN);
		PROPERTY(is_upn_letter(expected) && expected != s[0]);
		s[0] = expected;
		PROPERTY(sen2_upn_problem(s, size, NULL) == NULL);
	}
	free(s);
}

static void
check_uln(const uint8_t *data, size_t size)
{
	char	   *s = copy_of(data, size);
	char		expected = 'x';
	const char *p = sen2_uln_problem(s, size, &expected);

	PROPERTY(p == sen2_uln_problem(s, size, NULL));
	PROPERTY((p == NULL) == oracle_uln_valid(s, size));
	if (p == NULL)
	{
		PROPERTY(expected == '\0');
		PROPERTY(size == SEN2_ULN_LEN && sen2_all_digits(s, size, SEN2_ULN_LEN));
		/* exactly one last digit is right */
		for (char d = '0'; d <= '9'; d++)
		{
			char		orig = s[9];

			if (d == orig)
				continue;
			s[9] = d;
			PROPERTY(sen2_uln_problem(s, size, NULL) != NULL);
			s[9] = orig;
		}
	}
	else if (expected != '\0')
	{
		PROPERTY(expected >= '0' && expected <= '9' && expected != s[9]);
		s[9] = expected;
		PROPERTY(sen2_uln_problem(s, size, NULL) == NULL);
	}
	free(s);
}

static void
check_digit_code(const uint8_t *data, size_t size, const char *(*fn) (const char *, size_t),
				 size_t width)
{
	char	   *s = copy_of(data, size);
	int			valid = fn(s, size) == NULL;

	PROPERTY(valid == (size == width && sen2_all_digits(s, size, width)));
	free(s);
}

static void
check_postcode(const uint8_t *data, size_t size)
{
	char	   *s = copy_of(data, size);

	if (sen2_postcode_problem(s, size) == NULL)
	{
		size_t		spaces = 0;

		PROPERTY(size >= 5 && size <= 8);
		for (size_t i = 0; i < size; i++)
		{
			PROPERTY((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == ' ');
			spaces += s[i] == ' ';
		}
		PROPERTY(spaces <= 1);
		PROPERTY(s[0] >= 'A' && s[0] <= 'Z');
	}
	free(s);
}

static void
check_dates(const uint8_t *data, size_t size)
{
	char	   *s = copy_of(data, size);
	int			y,
				m,
				d;
	int			parsed = sen2_parse_date(s, size, &y, &m, &d);

	PROPERTY(parsed == (sen2_date_problem(s, size) == NULL));
	if (parsed)
	{
		PROPERTY(size == 10 && y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
		if (d > 1)
			PROPERTY(sen2_days_from_civil(y, m, d) == sen2_days_from_civil(y, m, d - 1) + 1);
		else if (m > 1)
		{
			/* the first of a month follows the last day of the month before */
			int			last = 31;

			while (last > 27)
			{
				char		prev[40];

				snprintf(prev, sizeof prev, "%04d-%02d-%02d", y, m - 1, last);
				if (sen2_date_problem(prev, 10) == NULL)
					break;
				last--;
			}
			PROPERTY(sen2_days_from_civil(y, m, 1) == sen2_days_from_civil(y, m - 1, last) + 1);
		}
	}
	if (sen2_datetime_problem(s, size) == NULL)
	{
		PROPERTY(size == 19 && s[10] == 'T');
		PROPERTY(sen2_date_problem(s, 10) == NULL);
	}
	free(s);
}

static void
check_all_digits(const uint8_t *data, size_t size)
{
	char	   *s = copy_of(data, size);
	int			any = sen2_all_digits(s, size, 0);

	/* maxlen 0 means no limit; otherwise it is a limit and nothing else */
	PROPERTY(any == (size > 0 && sen2_all_digits(s, size, size)));
	if (any && size > 1)
		PROPERTY(!sen2_all_digits(s, size, size - 1));
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_upn(data, size);
	check_uln(data, size);
	check_digit_code(data, size, sen2_urn_problem, 6);
	check_digit_code(data, size, sen2_ukprn_problem, 8);
	check_digit_code(data, size, sen2_la_format_problem, 3);
	check_postcode(data, size);
	check_dates(data, size);
	check_all_digits(data, size);
	return 0;
}

#ifdef SEN2_FUZZ_REPLAY
/* A tiny stand-in for libFuzzer's main: run each file named on the command line once. */
int
main(int argc, char **argv)
{
	int			i;

	for (i = 1; i < argc; i++)
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
