/*
 * rules_plan.c
 *		NamedPlan and PlanDetail rules (N01-N08).  Presence of StartDate,
 *		codes, flags, identifier formats and PlanDetail counts are layout
 *		checks claimed in the catalogue (N01a, N03e, N05a, N05b, N06b, N06c,
 *		N06e, N06f, N08a, N08b).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/hsearch.h"

#include "ident.h"
#include "rule_engine.h"

/* N01b: plan starts after the census date. */
static void
n01b(Sen2Run *run, Sen2Rule *rule, Sen2Node *n)
{
	int32		d;

	if (sen2_date(n, SEN2_N_START_DATE, &d) && d > run->f.rd)
		sen2_emit(run, rule, n, SEN2_N_START_DATE, "the census date is %s", sen2_date_str(run->f.rd));
}

/* N02: a new plan's StartDate differs from its issue date. */
static void
n02(Sen2Run *run, Sen2Rule *rule, Sen2Node *n)
{
	Sen2Node   *a = n->parent;
	int32		start,
				issued;

	if (sen2_is(a, SEN2_A_OUTCOME, "Y") && sen2_date(a, SEN2_A_OUTCOME_DATE, &issued) &&
		sen2_date(n, SEN2_N_START_DATE, &start) && start != issued)
		sen2_emit(run, rule, n, SEN2_N_START_DATE, "AssessmentOutcomeDate is %s",
				  a->v[SEN2_A_OUTCOME_DATE].s);
}

/* N03a: ceased before it started. */
static void
n03a(Sen2Run *run, Sen2Rule *rule, Sen2Node *n)
{
	int32		start,
				cease;

	if (sen2_date(n, SEN2_N_START_DATE, &start) && sen2_date(n, SEN2_N_CEASE_DATE, &cease) && cease < start)
		sen2_emit(run, rule, n, SEN2_N_CEASE_DATE, "StartDate is %s", n->v[SEN2_N_START_DATE].s);
}

/* N03b: ceased after the census date. */
static void
n03b(Sen2Run *run, Sen2Rule *rule, Sen2Node *n)
{
	int32		d;

	if (sen2_date(n, SEN2_N_CEASE_DATE, &d) && d > run->f.rd)
		sen2_emit(run, rule, n, SEN2_N_CEASE_DATE, "the census date is %s", sen2_date_str(run->f.rd));
}

/* N03c: CeaseDate without CeaseReason. */
static void
n03c(Sen2Run *run, Sen2Rule *rule, Sen2Node *n)
{
	if (sen2_has(n, SEN2_N_CEASE_DATE) && !sen2_has(n, SEN2_N_CEASE_REASON))
		sen2_emit(run, rule, n, SEN2_N_CEASE_REASON, "CeaseDate is %s", n->v[SEN2_N_CEASE_DATE].s);
}

/* N03d: CeaseReason without CeaseDate. */
static void
n03d(Sen2Run *run, Sen2Rule *rule, Sen2Node *n)
{
	if (sen2_has(n, SEN2_N_CEASE_REASON) && !sen2_has(n, SEN2_N_CEASE_DATE))
		sen2_emit(run, rule, n, SEN2_N_CEASE_REASON, NULL);
}

/* N04a: ceased at maximum age while under 19. */
static void
n04a(Sen2Run *run, Sen2Rule *rule, Sen2Node *n)
{
	Sen2Node   *p = sen2_ancestor(n, SEN2_K_PERSON);
	int32		cease,
				dob,
				end;
	int			y,
				m,
				d,
				age;

	if (p == NULL || !sen2_is(n, SEN2_N_CEASE_REASON, "1") ||
		!sen2_date(n, SEN2_N_CEASE_DATE, &cease) || !sen2_date(p, SEN2_P_BIRTH_DATE, &dob))
		return;
	sen2_civil(cease, &y, &m, &d);
	end = sen2_days_from_civil(m >= 9 ? y + 1 : y, 8, 31);
	age = sen2_age_on(dob, end);
	if (age < 19)
		sen2_emit(run, rule, n, SEN2_N_CEASE_REASON, "aged %d on %s, the end of that academic year",
				  age, sen2_date_str(end));
}

/* N04b: share of CeaseReason 9 (other). */
typedef struct ShareState
{
	int64		total;
	int64		other;
} ShareState;

static void
n04b_init(Sen2Run *run, Sen2Rule *rule)
{
	rule->state = MemoryContextAllocZero(run->cxt, sizeof(ShareState));
}

static void
n04b(Sen2Run *run, Sen2Rule *rule, Sen2Node *n)
{
	ShareState *st = rule->state;

	if (!sen2_has(n, SEN2_N_CEASE_REASON))
		return;
	st->total++;
	if (sen2_is(n, SEN2_N_CEASE_REASON, "9"))
		st->other++;
}

static void
n04b_finish(Sen2Run *run, Sen2Rule *rule)
{
	ShareState *st = rule->state;

	if (st->total >= run->f.params.other_min_count &&
		(double) st->other > run->f.params.other_share * (double) st->total)
		sen2_emit_tag(run, rule, NULL, "CeaseReason", "9", 0,
					  psprintf("%lld of %lld ceased plans (%.0f%%; threshold %.0f%%)",
							   (long long) st->other, (long long) st->total,
							   100.0 * st->other / st->total, 100.0 * run->f.params.other_share));
}

/* N05c: PlanDetail ranks are one 1 and at most one 2. */
static void
n05c(Sen2Run *run, Sen2Rule *rule, Sen2Node *n)
{
	Sen2Node   *d;
	int			ones = 0,
				twos = 0;

	if (n->first[SEN2_K_PLAN_DETAIL] == NULL)
		return;
	for (d = n->first[SEN2_K_PLAN_DETAIL]; d != NULL; d = d->next)
	{
		if (sen2_is(d, SEN2_D_RANK, "1"))
			ones++;
		else if (sen2_is(d, SEN2_D_RANK, "2"))
			twos++;
		else
			return;				/* missing or invalid rank: layout checks */
	}
	if (ones != 1 || twos > 1)
		sen2_emit_tag(run, rule, n, sen2_tag(run, SEN2_K_PLAN_DETAIL, SEN2_D_RANK), NULL, 0,
					  psprintf("%d with rank 1 and %d with rank 2", ones, twos));
}

/* N06a / AP02d: a setting with no identifier at all. */
static void
n06a(Sen2Run *run, Sen2Rule *rule, Sen2Node *d)
{
	if (!sen2_has(d, SEN2_D_URN) && !sen2_has(d, SEN2_D_UKPRN) && !sen2_has(d, SEN2_D_SEN_SETTING))
		sen2_emit(run, rule, d, SEN2_D_URN, NULL);
}

/* N06d: "other" settings without the explanation. */
static void
n06d(Sen2Run *run, Sen2Rule *rule, Sen2Node *d)
{
	if ((sen2_is(d, SEN2_D_SEN_SETTING, "OTH") || sen2_is(d, SEN2_D_SEN_SETTING, "NIEO")) &&
		!sen2_has(d, SEN2_D_SEN_SETTING_OTHER))
		sen2_emit(run, rule, d, SEN2_D_SEN_SETTING_OTHER, "SENsetting is %s", d->v[SEN2_D_SEN_SETTING].s);
}

/*
 * N07: flags against sen2.establishment.  The list is read once per run,
 * and only if it has rows.
 */
typedef struct EstEntry
{
	char		urn[8];
	char		sen_unit;		/* 'y', 'n' or '?' */
	char		resourced;
} EstEntry;

static void
n07_init(Sen2Run *run, Sen2Rule *rule)
{
	HASHCTL		ctl;
	HTAB	   *h;
	uint64		i;

	MemoryContext cxt = CurrentMemoryContext;
	int			rc = SPI_execute("SELECT urn, has_sen_unit, has_resourced_provision FROM sen2.establishment",
								 true, 0);

	MemoryContextSwitchTo(cxt);		/* SPI returns in its own context */
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read sen2.establishment");
	if (SPI_processed == 0)
	{
		SPI_freetuptable(SPI_tuptable);
		return;
	}
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = 8;
	ctl.entrysize = sizeof(EstEntry);
	ctl.hcxt = run->cxt;
	h = hash_create("sen2 establishments", SPI_processed, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	t = SPI_tuptable->vals[i];
		TupleDesc	td = SPI_tuptable->tupdesc;
		char	   *urn = SPI_getvalue(t, td, 1);
		bool		n1,
					n2;
		bool		unit = DatumGetBool(SPI_getbinval(t, td, 2, &n1));
		bool		rp = DatumGetBool(SPI_getbinval(t, td, 3, &n2));
		char		key[8];
		EstEntry   *e;

		memset(key, 0, sizeof(key));
		strlcpy(key, urn, sizeof(key));
		e = hash_search(h, key, HASH_ENTER, NULL);
		e->sen_unit = n1 ? '?' : (unit ? 'y' : 'n');
		e->resourced = n2 ? '?' : (rp ? 'y' : 'n');
	}
	SPI_freetuptable(SPI_tuptable);
	rule->state = h;
}

static void
n07(Sen2Run *run, Sen2Rule *rule, Sen2Node *d)
{
	char		key[8];
	EstEntry   *e;

	if (rule->state == NULL || !sen2_has(d, SEN2_D_URN) ||
		sen2_urn_problem(d->v[SEN2_D_URN].s, d->v[SEN2_D_URN].len) != NULL)
		return;
	memset(key, 0, sizeof(key));
	memcpy(key, d->v[SEN2_D_URN].s, 6);
	e = hash_search((HTAB *) rule->state, key, HASH_FIND, NULL);
	if (e == NULL)
		return;
	if (sen2_is(d, SEN2_D_SEN_UNIT, "1") && e->sen_unit == 'n')
		sen2_emit(run, rule, d, SEN2_D_SEN_UNIT, "establishment %s has no SEN unit", key);
	if (sen2_is(d, SEN2_D_RESOURCED, "1") && e->resourced == 'n')
		sen2_emit(run, rule, d, SEN2_D_RESOURCED, "establishment %s has no resourced provision", key);
}

/* N08c: OA = 1 or DP given when PB is not 1. */
static void
n08c(Sen2Run *run, Sen2Rule *rule, Sen2Node *n)
{
	if (sen2_is(n, SEN2_N_PB, "1"))
		return;
	if (sen2_has(n, SEN2_N_PB) && !sen2_is(n, SEN2_N_PB, "0"))
		return;					/* invalid PB: N08b */
	if (sen2_is(n, SEN2_N_OA, "1"))
		sen2_emit(run, rule, n, SEN2_N_OA, "PB is %s", sen2_has(n, SEN2_N_PB) ? "0" : "not given");
	if (sen2_has(n, SEN2_N_DP))
		sen2_emit(run, rule, n, SEN2_N_DP, "PB is %s", sen2_has(n, SEN2_N_PB) ? "0" : "not given");
}

const Sen2RuleImpl sen2_rules_plan[] = {
	{"N01b", SEN2_K_NAMED_PLAN, n01b},
	{"N02", SEN2_K_NAMED_PLAN, n02},
	{"N03a", SEN2_K_NAMED_PLAN, n03a},
	{"N03b", SEN2_K_NAMED_PLAN, n03b},
	{"N03c", SEN2_K_NAMED_PLAN, n03c},
	{"N03d", SEN2_K_NAMED_PLAN, n03d},
	{"N04a", SEN2_K_NAMED_PLAN, n04a},
	{"N04b", SEN2_K_NAMED_PLAN, n04b, n04b_init, n04b_finish},
	{"N05c", SEN2_K_NAMED_PLAN, n05c},
	{"N06a", SEN2_K_PLAN_DETAIL, n06a},
	{"N06d", SEN2_K_PLAN_DETAIL, n06d},
	{"N07", SEN2_K_PLAN_DETAIL, n07, n07_init},
	{"N08c", SEN2_K_NAMED_PLAN, n08c},
	{NULL}
};
