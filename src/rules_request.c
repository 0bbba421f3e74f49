/*
 * rules_request.c
 *		Requests rules (R02-R13).  Presence and codes of RequestOutcome, the
 *		flags, RequestSource codes and the Exported LA format are layout
 *		checks claimed in the catalogue (R01a, R01b, R06, R07a, R09a).
 */
#include "postgres.h"

#include "ident.h"
#include "rule_engine.h"

/* The request outcome if it is one of the given letters, else '\0'. */
static char
outcome_in(const Sen2Node *r, const char *letters)
{
	const Sen2Val *v = &r->v[SEN2_R_OUTCOME];

	if (v->len == 1 && strchr(letters, v->s[0]) != NULL)
		return v->s[0];
	return '\0';
}

/* R02a: ReceivedDate missing for a request that is not historical. */
static void
r02a(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	if (!sen2_has(r, SEN2_R_RECEIVED_DATE) && outcome_in(r, "YNAW"))
		sen2_emit(run, rule, r, SEN2_R_RECEIVED_DATE, "RequestOutcome is %s", r->v[SEN2_R_OUTCOME].s);
}

/* R02b: received after the census date. */
static void
r02b(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	int32		d;

	if (sen2_date(r, SEN2_R_RECEIVED_DATE, &d) && d > run->f.rd)
		sen2_emit(run, rule, r, SEN2_R_RECEIVED_DATE, "the census date is %s", sen2_date_str(run->f.rd));
}

/* R03a: decided (Y/N) without a decision date. */
static void
r03a(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	if (!sen2_has(r, SEN2_R_OUTCOME_DATE) && outcome_in(r, "YN"))
		sen2_emit(run, rule, r, SEN2_R_OUTCOME_DATE, "RequestOutcome is %s", r->v[SEN2_R_OUTCOME].s);
}

/* R03b: a decision date for a pending, withdrawn or historical request. */
static void
r03b(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	if (sen2_has(r, SEN2_R_OUTCOME_DATE) && outcome_in(r, "AWH"))
		sen2_emit(run, rule, r, SEN2_R_OUTCOME_DATE, "RequestOutcome is %s", r->v[SEN2_R_OUTCOME].s);
}

/* R04a: decided before received. */
static void
r04a(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	int32		rec,
				dec;

	if (sen2_date(r, SEN2_R_RECEIVED_DATE, &rec) && sen2_date(r, SEN2_R_OUTCOME_DATE, &dec) && dec < rec)
		sen2_emit(run, rule, r, SEN2_R_OUTCOME_DATE, "ReceivedDate is %s", r->v[SEN2_R_RECEIVED_DATE].s);
}

/* R04b: decided after the census date. */
static void
r04b(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	int32		d;

	if (sen2_date(r, SEN2_R_OUTCOME_DATE, &d) && d > run->f.rd)
		sen2_emit(run, rule, r, SEN2_R_OUTCOME_DATE, "the census date is %s", sen2_date_str(run->f.rd));
}

/* R05: decision whether to assess later than the 6-week limit. */
static void
r05(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	int32		rec,
				dec;

	if (outcome_in(r, "YN") && sen2_date(r, SEN2_R_RECEIVED_DATE, &rec) &&
		sen2_date(r, SEN2_R_OUTCOME_DATE, &dec) && dec >= rec &&
		dec - rec > run->f.params.decide_to_assess_days)
		sen2_emit(run, rule, r, SEN2_R_OUTCOME_DATE, "%d days after ReceivedDate %s (limit %d)",
				  dec - rec, r->v[SEN2_R_RECEIVED_DATE].s, run->f.params.decide_to_assess_days);
}

/* R07b: RequestSource missing for a request received in the period. */
static void
r07b(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	int32		rec;

	if (!sen2_has(r, SEN2_R_REQUEST_SOURCE) && sen2_date(r, SEN2_R_RECEIVED_DATE, &rec) &&
		rec >= run->f.period_start)
		sen2_emit(run, rule, r, SEN2_R_REQUEST_SOURCE, "received on %s", r->v[SEN2_R_RECEIVED_DATE].s);
}

/* R08: share of RequestSource 5 (other). */
typedef struct ShareState
{
	int64		total;
	int64		other;
} ShareState;

static void
share_init(Sen2Run *run, Sen2Rule *rule)
{
	rule->state = MemoryContextAllocZero(run->cxt, sizeof(ShareState));
}

static void
r08(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	ShareState *st = rule->state;

	if (!sen2_has(r, SEN2_R_REQUEST_SOURCE))
		return;
	st->total++;
	if (sen2_is(r, SEN2_R_REQUEST_SOURCE, "5"))
		st->other++;
}

static void
r08_finish(Sen2Run *run, Sen2Rule *rule)
{
	ShareState *st = rule->state;

	if (st->total >= run->f.params.other_min_count &&
		(double) st->other > run->f.params.other_share * (double) st->total)
		sen2_emit_tag(run, rule, NULL, "RequestSource", "5", 0,
					  psprintf("%lld of %lld requests (%.0f%%; threshold %.0f%%)",
							   (long long) st->other, (long long) st->total,
							   100.0 * st->other / st->total, 100.0 * run->f.params.other_share));
}

/* R09b: exported to the LA making the return. */
static void
r09b(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	const Sen2Val *v = &r->v[SEN2_R_EXPORTED];

	if (v->s != NULL && sen2_la_format_problem(v->s, v->len) == NULL && strcmp(v->s, run->f.la_code) == 0)
		sen2_emit(run, rule, r, SEN2_R_EXPORTED, "the return belongs to LA %s", run->f.la_code);
}

/* R10: proceeded to assess without an Assessment. */
static void
r10(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	if (outcome_in(r, "Y") && sen2_child(r, SEN2_K_ASSESSMENT) == NULL)
		sen2_emit(run, rule, r, SEN2_R_OUTCOME, NULL);
}

static bool
flag_ok(const Sen2Node *n, int item)
{
	return !sen2_has(n, item) || sen2_is(n, item, "0") || sen2_is(n, item, "1");
}

/* R11a: an Assessment although the LA did not proceed. */
static void
r11a(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	char		o = outcome_in(r, "AWN");

	if (o == '\0' || sen2_child(r, SEN2_K_ASSESSMENT) == NULL)
		return;
	if (o == 'N')
	{
		if (!flag_ok(r, SEN2_R_MEDIATION) || !flag_ok(r, SEN2_R_TRIBUNAL))
			return;
		if (sen2_is(r, SEN2_R_MEDIATION, "1") || sen2_is(r, SEN2_R_TRIBUNAL, "1"))
			return;				/* R11b */
	}
	sen2_emit(run, rule, r, SEN2_R_OUTCOME, "the request has an Assessment");
}

/* R11b: an Assessment after a refusal that went to mediation or tribunal. */
static void
r11b(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	if (outcome_in(r, "N") && sen2_child(r, SEN2_K_ASSESSMENT) != NULL &&
		(sen2_is(r, SEN2_R_MEDIATION, "1") || sen2_is(r, SEN2_R_TRIBUNAL, "1")))
		sen2_emit(run, rule, r, SEN2_R_OUTCOME, "the request has an Assessment");
}

/*
 * R12: the request shows no activity in the collection period and no plan
 * that ran into it.  -1: a date it depends on is invalid, so unknown.
 */
static int
in_period(Sen2Run *run, Sen2Node *n, int item)
{
	int32		d;

	if (!sen2_has(n, item))
		return 0;
	if (!sen2_date(n, item, &d))
		return -1;
	return d >= run->f.period_start ? 1 : 0;
}

static void
r12(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	Sen2Node   *a = sen2_child(r, SEN2_K_ASSESSMENT);
	Sen2Node   *np = sen2_named_plan_of(r);
	int			s;
	bool		unknown = false;

	if (!sen2_has(r, SEN2_R_OUTCOME) || outcome_in(r, "A"))
		return;
	if ((s = in_period(run, r, SEN2_R_RECEIVED_DATE)) > 0)
		return;
	unknown |= s < 0;
	if ((s = in_period(run, r, SEN2_R_OUTCOME_DATE)) > 0)
		return;
	unknown |= s < 0;
	if (a != NULL)
	{
		if (sen2_is(a, SEN2_A_OUTCOME, "A") ||
			(sen2_is(a, SEN2_A_OUTCOME, "Y") && !sen2_has(a, SEN2_A_OUTCOME_DATE)))
			return;				/* assessment or issue still pending */
		if ((s = in_period(run, a, SEN2_A_OUTCOME_DATE)) > 0)
			return;
		unknown |= s < 0;
	}
	if (np != NULL)
	{
		if (!sen2_has(np, SEN2_N_CEASE_DATE))
			return;				/* plan still maintained */
		if ((s = in_period(run, np, SEN2_N_CEASE_DATE)) > 0)
			return;
		unknown |= s < 0;
	}
	else if (sen2_child(r, SEN2_K_ACTIVE_PLANS) != NULL)
		return;					/* a plan without its NamedPlan: R13 */
	if (unknown)
		return;
	sen2_emit(run, rule, r, sen2_has(r, SEN2_R_RECEIVED_DATE) ? SEN2_R_RECEIVED_DATE : SEN2_R_OUTCOME,
			  "nothing happened on or after %s, the start of the collection period",
			  sen2_date_str(run->f.period_start));
}

/* R13: ActivePlans without the Assessment/NamedPlan that describes the plan. */
static void
r13(Sen2Run *run, Sen2Rule *rule, Sen2Node *r)
{
	Sen2Node   *a = sen2_child(r, SEN2_K_ASSESSMENT);

	if (sen2_child(r, SEN2_K_ACTIVE_PLANS) == NULL || sen2_named_plan_of(r) != NULL)
		return;
	if (a == NULL && outcome_in(r, "Y"))
		return;					/* R10 */
	if (a != NULL && sen2_is(a, SEN2_A_OUTCOME, "Y") && sen2_has(a, SEN2_A_OUTCOME_DATE))
		return;					/* A07b */
	sen2_emit_tag(run, rule, r, "ActivePlans", NULL, 0,
				  a == NULL ? "the request has no Assessment" : "the Assessment has no NamedPlan");
}

const Sen2RuleImpl sen2_rules_request[] = {
	{"R02a", SEN2_K_REQUEST, r02a},
	{"R02b", SEN2_K_REQUEST, r02b},
	{"R03a", SEN2_K_REQUEST, r03a},
	{"R03b", SEN2_K_REQUEST, r03b},
	{"R04a", SEN2_K_REQUEST, r04a},
	{"R04b", SEN2_K_REQUEST, r04b},
	{"R05", SEN2_K_REQUEST, r05},
	{"R07b", SEN2_K_REQUEST, r07b},
	{"R08", SEN2_K_REQUEST, r08, share_init, r08_finish},
	{"R09b", SEN2_K_REQUEST, r09b},
	{"R10", SEN2_K_REQUEST, r10},
	{"R11a", SEN2_K_REQUEST, r11a},
	{"R11b", SEN2_K_REQUEST, r11b},
	{"R12", SEN2_K_REQUEST, r12},
	{"R13", SEN2_K_REQUEST, r13},
	{NULL}
};
