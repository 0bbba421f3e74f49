/*
 * ident.h
 *		Checks of the identifiers and formats of the SEN2 return.
 *
 * These functions are the one implementation of each check.  The strict
 * type input functions (upn.c, uln.c), the lenient sen2.is_valid_* SQL
 * functions and the validation rules all call them.  They take a pointer
 * and a length (the text need not be NUL-terminated), never allocate, and
 * do not depend on PostgreSQL, so the fuzz harnesses in test/fuzz can link
 * this file alone.
 *
 * Each *_problem function returns NULL when the value is valid, otherwise a
 * short static English phrase saying what is wrong, suitable for an error
 * DETAIL or a finding message.
 */
#ifndef SEN2_IDENT_H
#define SEN2_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#define SEN2_UPN_LEN 13
#define SEN2_ULN_LEN 10

/* The 23 letters used in UPNs (no I, O or S); index = check value. */
extern const char sen2_upn_letters[24];

/*
 * UPN (sen2-spec.md 6.2).  On a wrong check letter *expected (if not NULL)
 * receives the letter the UPN should start with; it is '\0' otherwise.
 * The LA part (characters 2-4) is checked for format only: whether it is a
 * known LA number is reference data (sen2.la), checked by the rules.
 */
extern const char *sen2_upn_problem(const char *s, size_t len, char *expected);
extern bool sen2_upn_is_temporary(const char *s);	/* s is a valid UPN */

/* ULN (sen2-spec.md 6.3); *expected receives the right check digit. */
extern const char *sen2_uln_problem(const char *s, size_t len, char *expected);

extern const char *sen2_urn_problem(const char *s, size_t len);		/* 6 digits */
extern const char *sen2_ukprn_problem(const char *s, size_t len);	/* 8 digits */
extern const char *sen2_la_format_problem(const char *s, size_t len);	/* 3 digits */
extern const char *sen2_postcode_problem(const char *s, size_t len);

/* Strict ISO dates: YYYY-MM-DD, a real calendar date, years 1900-2999. */
extern bool sen2_parse_date(const char *s, size_t len, int *y, int *m, int *d);
extern const char *sen2_date_problem(const char *s, size_t len);

/* YYYY-MM-DDThh:mm:ss, a real date and time. */
extern const char *sen2_datetime_problem(const char *s, size_t len);

/* Days from 2000-01-01 (PostgreSQL's date epoch) for a valid date. */
extern int	sen2_days_from_civil(int y, int m, int d);

/* One or more ASCII digits, at most maxlen of them (0 = no limit). */
extern bool sen2_all_digits(const char *s, size_t len, size_t maxlen);

#endif							/* SEN2_IDENT_H */
