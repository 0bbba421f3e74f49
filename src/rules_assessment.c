/*
 * rules_assessment.c
 *		Assessment rules (A02-A08).  Presence and code of AssessmentOutcome
 *		and the flags are layout checks claimed in the catalogue (A01a,
 *		A01b, A05a).
 */
#include "postgres.h"

#include "rule_engine.h"

static char
outcome_in(const Sen2Node *a, const char *letters)
{
	const Sen2Val *v = &a->v[SEN2_A_OUTCOME];

	if (v->len == 1 && strchr(letters, v->s[0]) != NULL)
		return v->s[0];
	return '\0';
}

/* A02a: decided not to issue, without the date. */
static void
a02a(Sen2Run *run, Sen2Rule *rule, Sen2Node *a)
{
	if (outcome_in(a, "N") && !sen2_has(a, SEN2_A_OUTCOME_DATE))
		sen2_emit(run, rule, a, SEN2_A_OUTCOME_DATE, "AssessmentOutcome is N");
}

/* A02b: an outcome date for a pending, withdrawn or historical assessment. */
static void
a02b(Sen2Run *run, Sen2Rule *rule, Sen2Node *a)
{
	if (outcome_in(a, "AWH") && sen2_has(a, SEN2_A_OUTCOME_DATE))
		sen2_emit(run, rule, a, SEN2_A_OUTCOME_DATE, "AssessmentOutcome is %s", a->v[SEN2_A_OUTCOME].s);
}

/* A03a: outcome before the request was received or decided. */
static void
a03a(Sen2Run *run, Sen2Rule *rule, Sen2Node *a)
{
	Sen2Node   *r = a->parent;
	int32		d,
				x;

	if (!sen2_date(a, SEN2_A_OUTCOME_DATE, &d))
		return;
	if (sen2_date(r, SEN2_R_RECEIVED_DATE, &x) && d < x)
		sen2_emit(run, rule, a, SEN2_A_OUTCOME_DATE, "ReceivedDate is %s", r->v[SEN2_R_RECEIVED_DATE].s);
	else if (sen2_date(r, SEN2_R_OUTCOME_DATE, &x) && d < x)
		sen2_emit(run, rule, a, SEN2_A_OUTCOME_DATE, "RequestOutcomeDate is %s", r->v[SEN2_R_OUTCOME_DATE].s);
}

/* A03b: outcome after the census date. */
static void
a03b(Sen2Run *run, Sen2Rule *rule, Sen2Node *a)
{
	int32		d;

	if (sen2_date(a, SEN2_A_OUTCOME_DATE, &d) && d > run->f.rd)
		sen2_emit(run, rule, a, SEN2_A_OUTCOME_DATE, "the census date is %s", sen2_date_str(run->f.rd));
}

/* Days from ReceivedDate to AssessmentOutcomeDate, or -1. */
static int
days_to_outcome(Sen2Node *a)
{
	int32		d,
				rec;

	if (!sen2_date(a, SEN2_A_OUTCOME_DATE, &d) || !sen2_date(a->parent, SEN2_R_RECEIVED_DATE, &rec) || d < rec)
		return -1;
	return d - rec;
}

/* A04: decision not to issue later than the 16-week limit. */
static void
a04(Sen2Run *run, Sen2Rule *rule, Sen2Node *a)
{
	int			days;

	if (outcome_in(a, "N") && (days = days_to_outcome(a)) > run->f.params.no_plan_decision_days)
		sen2_emit(run, rule, a, SEN2_A_OUTCOME_DATE, "%d days after ReceivedDate %s (limit %d)",
				  days, a->parent->v[SEN2_R_RECEIVED_DATE].s, run->f.params.no_plan_decision_days);
}

/* A05b: a plan issued without Week20. */
static void
a05b(Sen2Run *run, Sen2Rule *rule, Sen2Node *a)
{
	if (outcome_in(a, "Y") && sen2_has(a, SEN2_A_OUTCOME_DATE) && !sen2_has(a, SEN2_A_WEEK20))
		sen2_emit(run, rule, a, SEN2_A_WEEK20, "the plan was issued on %s", a->v[SEN2_A_OUTCOME_DATE].s);
}

/* A06: issued after 20 weeks with no exception. */
static void
a06(Sen2Run *run, Sen2Rule *rule, Sen2Node *a)
{
	int			days;

	if (outcome_in(a, "Y") && sen2_is(a, SEN2_A_WEEK20, "0") &&
		(days = days_to_outcome(a)) > run->f.params.issue_plan_days)
		sen2_emit(run, rule, a, SEN2_A_OUTCOME_DATE, "%d days after ReceivedDate %s (limit %d)",
				  days, a->parent->v[SEN2_R_RECEIVED_DATE].s, run->f.params.issue_plan_days);
}

/* A07a: a NamedPlan under an assessment that issued none. */
static void
a07a(Sen2Run *run, Sen2Rule *rule, Sen2Node *a)
{
	if (outcome_in(a, "NAW") && sen2_child(a, SEN2_K_NAMED_PLAN) != NULL)
		sen2_emit(run, rule, a, SEN2_A_OUTCOME, "the assessment has a NamedPlan");
}

/* A07b: a plan issued without its NamedPlan. */
static void
a07b(Sen2Run *run, Sen2Rule *rule, Sen2Node *a)
{
	if (outcome_in(a, "Y") && sen2_has(a, SEN2_A_OUTCOME_DATE) && sen2_child(a, SEN2_K_NAMED_PLAN) == NULL)
		sen2_emit_tag(run, rule, a, "NamedPlan", NULL, 0,
					  psprintf("the plan was issued on %s", a->v[SEN2_A_OUTCOME_DATE].s));
}

/* A08: a plan transferred in (TransferLA) should be historical. */
static void
a08(Sen2Run *run, Sen2Rule *rule, Sen2Node *a)
{
	Sen2Node   *ap = sen2_child(a->parent, SEN2_K_ACTIVE_PLANS);

	if (ap != NULL && sen2_has(ap, SEN2_AP_TRANSFER_LA) && outcome_in(a, "YNAW"))
		sen2_emit(run, rule, a, SEN2_A_OUTCOME, "TransferLA is %s", ap->v[SEN2_AP_TRANSFER_LA].s);
}

const Sen2RuleImpl sen2_rules_assessment[] = {
	{"A02a", SEN2_K_ASSESSMENT, a02a},
	{"A02b", SEN2_K_ASSESSMENT, a02b},
	{"A03a", SEN2_K_ASSESSMENT, a03a},
	{"A03b", SEN2_K_ASSESSMENT, a03b},
	{"A04", SEN2_K_ASSESSMENT, a04},
	{"A05b", SEN2_K_ASSESSMENT, a05b},
	{"A06", SEN2_K_ASSESSMENT, a06},
	{"A07a", SEN2_K_ASSESSMENT, a07a},
	{"A07b", SEN2_K_ASSESSMENT, a07b},
	{"A08", SEN2_K_ASSESSMENT, a08},
	{NULL}
};
