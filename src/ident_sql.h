/*
 * ident_sql.h
 *		The PostgreSQL side of the identifier checks: turning a problem
 *		found by ident.c into a sentence, a safe echo of the value and an
 *		error report.  Shared by the types (upn.c, uln.c), the lenient SQL
 *		functions (ident_sql.c) and anything else that reports on an
 *		identifier, so every message about a bad UPN reads the same.
 */
#ifndef SEN2_IDENT_SQL_H
#define SEN2_IDENT_SQL_H

#include "postgres.h"

/*
 * The value as it may be quoted in a message: at most a few dozen bytes,
 * cut on a character boundary and marked with an ellipsis when longer, and
 * with control characters shown as escapes, so a megabyte of input or a
 * stray newline never ends up in a log line.  palloc'd.
 */
extern char *sen2_ident_display(const char *s, size_t len);

/*
 * What is wrong with a UPN / ULN, as a phrase that follows "The UPN"
 * ("has the wrong check letter: for these digits it should be B"), or NULL
 * when the value is valid.  palloc'd.
 */
extern char *sen2_upn_problem_text(const char *s, size_t len);
extern char *sen2_uln_problem_text(const char *s, size_t len);

/* A hint for a bad UPN / ULN when one would help, else NULL.  palloc'd. */
extern char *sen2_upn_hint(const char *s, size_t len);
extern char *sen2_uln_hint(const char *s, size_t len);

/*
 * Raise the error for an invalid identifier: errmsg 'invalid <kind> "<value>"',
 * errdetail "The <kind> <problem>.", errhint if hint is not NULL.
 */
extern void sen2_ident_error(int sqlerrcode, const char *kind, const char *s,
							 size_t len, const char *problem,
							 const char *hint) pg_attribute_noreturn();

#endif							/* SEN2_IDENT_SQL_H */
