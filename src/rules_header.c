/*
 * rules_header.c
 *		Header and LA-level rules (H01-H04).  Presence and code checks of the
 *		header items are layout checks claimed in the catalogue (H01a, H02a,
 *		H02b, H03a, H04a, H04b); what is here compares items with the return
 *		and the year's facts.
 */
#include "postgres.h"

#include "ident.h"
#include "rule_engine.h"

/* H01b: Year is the collection year of the return. */
static void
h01b(Sen2Run *run, Sen2Rule *rule, Sen2Node *h)
{
	const Sen2Val *v = &h->v[SEN2_H_YEAR];

	if (v->len != 4 || !sen2_all_digits(v->s, v->len, 4))
		return;					/* missing or malformed: layout checks */
	if (atoi(v->s) != run->f.year)
		sen2_emit(run, rule, h, SEN2_H_YEAR, "the return is for collection year %d", run->f.year);
}

/* H01c: ReferenceDate is the census date of the year. */
static void
h01c(Sen2Run *run, Sen2Rule *rule, Sen2Node *h)
{
	int32		d;

	if (sen2_date(h, SEN2_H_REFERENCE_DATE, &d) && d != run->f.rd)
		sen2_emit(run, rule, h, SEN2_H_REFERENCE_DATE, "the census date of %d is %s",
				  run->f.year, sen2_date_str(run->f.rd));
}

/* H02c: LEA is the authority the return belongs to. */
static void
h02c(Sen2Run *run, Sen2Rule *rule, Sen2Node *h)
{
	const Sen2Val *v = &h->v[SEN2_H_LEA];

	if (v->s == NULL || !sen2_la_english(run, v->s, v->len))
		return;					/* not an English LA number: H02b */
	if (strcmp(v->s, run->f.la_code) != 0)
		sen2_emit(run, rule, h, SEN2_H_LEA, "the return belongs to LA %s", run->f.la_code);
}

/* H03b: DateTime (file creation) is not after today. */
static void
h03b(Sen2Run *run, Sen2Rule *rule, Sen2Node *h)
{
	const Sen2Val *v = &h->v[SEN2_H_DATE_TIME];
	int			y,
				m,
				d;

	if (v->s == NULL || sen2_datetime_problem(v->s, v->len) != NULL)
		return;
	if (!sen2_parse_date(v->s, 10, &y, &m, &d))
		return;
	if (sen2_days_from_civil(y, m, d) > run->f.today)
		sen2_emit(run, rule, h, SEN2_H_DATE_TIME, "today is %s", sen2_date_str(run->f.today));
}

const Sen2RuleImpl sen2_rules_header[] = {
	{"H01b", SEN2_K_HEADER, h01b},
	{"H01c", SEN2_K_HEADER, h01c},
	{"H02c", SEN2_K_HEADER, h02c},
	{"H03b", SEN2_K_HEADER, h03b},
	{NULL}
};
