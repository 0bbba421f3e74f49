/*
 * rules_active.c
 *		ActivePlans, PlacementDetail and SENneed rules (AP01-AP12).  Codes,
 *		identifier formats and the counts of placements and needs are layout
 *		checks claimed in the catalogue (AP01a, AP02a, AP02e, AP02f, AP05a,
 *		AP05b, AP05d, AP06a).
 */
#include "postgres.h"

#include "ident.h"
#include "rule_engine.h"

/* AP01b: transferred in from the LA making the return. */
static void
ap01b(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	const Sen2Val *v = &ap->v[SEN2_AP_TRANSFER_LA];

	if (v->s != NULL && sen2_la_format_problem(v->s, v->len) == NULL && strcmp(v->s, run->f.la_code) == 0)
		sen2_emit(run, rule, ap, SEN2_AP_TRANSFER_LA, "the return belongs to LA %s", run->f.la_code);
}

/* AP02b: placement starts after the census date. */
static void
ap02b(Sen2Run *run, Sen2Rule *rule, Sen2Node *pd)
{
	int32		d;

	if (sen2_date(pd, SEN2_PD_ENTRY_DATE, &d) && d > run->f.rd)
		sen2_emit(run, rule, pd, SEN2_PD_ENTRY_DATE, "the census date is %s", sen2_date_str(run->f.rd));
}

/* AP02c: placement ends before it starts. */
static void
ap02c(Sen2Run *run, Sen2Rule *rule, Sen2Node *pd)
{
	int32		entry,
				leaving;

	if (sen2_date(pd, SEN2_PD_ENTRY_DATE, &entry) && sen2_date(pd, SEN2_PD_LEAVING_DATE, &leaving) &&
		leaving < entry)
		sen2_emit(run, rule, pd, SEN2_PD_LEAVING_DATE, "EntryDate is %s", pd->v[SEN2_PD_ENTRY_DATE].s);
}

/* AP02d: a placement with no identifier at all. */
static void
ap02d(Sen2Run *run, Sen2Rule *rule, Sen2Node *pd)
{
	if (!sen2_has(pd, SEN2_PD_URN) && !sen2_has(pd, SEN2_PD_UKPRN) && !sen2_has(pd, SEN2_PD_SEN_SETTING))
		sen2_emit(run, rule, pd, SEN2_PD_URN, NULL);
}

/* AP02g: "other" placement settings without the explanation. */
static void
ap02g(Sen2Run *run, Sen2Rule *rule, Sen2Node *pd)
{
	if ((sen2_is(pd, SEN2_PD_SEN_SETTING, "OTH") || sen2_is(pd, SEN2_PD_SEN_SETTING, "NIEO")) &&
		!sen2_has(pd, SEN2_PD_SEN_SETTING_OTHER))
		sen2_emit(run, rule, pd, SEN2_PD_SEN_SETTING_OTHER, "SENsetting is %s", pd->v[SEN2_PD_SEN_SETTING].s);
}

/*
 * The rank-1 placements of a plan with their dates, or false if any
 * placement has a missing/invalid rank or a rank-1 placement has a missing
 * or invalid date (the rules that need them stay silent then).
 */
typedef struct Span
{
	Sen2Node   *pd;
	int32		entry;
	int32		leaving;		/* PG_INT32_MAX when open */
} Span;

static bool
main_spans(Sen2Node *ap, Span **spans, int *n)
{
	Sen2Node   *pd;
	int			k = 0;

	*spans = palloc(sizeof(Span) * (ap->nchild[SEN2_K_PLACEMENT] + 1));
	for (pd = ap->first[SEN2_K_PLACEMENT]; pd != NULL; pd = pd->next)
	{
		Span	   *s = &(*spans)[k];

		if (sen2_is(pd, SEN2_PD_RANK, "2"))
			continue;
		if (!sen2_is(pd, SEN2_PD_RANK, "1"))
			return false;
		if (!sen2_date(pd, SEN2_PD_ENTRY_DATE, &s->entry))
			return false;
		if (!sen2_has(pd, SEN2_PD_LEAVING_DATE))
			s->leaving = PG_INT32_MAX;
		else if (!sen2_date(pd, SEN2_PD_LEAVING_DATE, &s->leaving))
			return false;
		s->pd = pd;
		k++;
	}
	*n = k;
	return true;
}

/* AP03: plan active on the census date with no main placement on it. */
static void
ap03(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	Span	   *spans;
	int			n,
				i;

	if (ap->first[SEN2_K_PLACEMENT] == NULL || !sen2_plan_active_on_rd(run, ap->parent))
		return;
	if (!main_spans(ap, &spans, &n))
		return;
	for (i = 0; i < n; i++)
		if (spans[i].entry <= run->f.rd && spans[i].leaving >= run->f.rd)
			return;
	sen2_emit_tag(run, rule, ap, "PlacementDetail", NULL, 0,
				  psprintf("no rank-1 placement spans the census date %s", sen2_date_str(run->f.rd)));
}

/* AP04: overlapping main placements. */
static void
ap04(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	Span	   *spans;
	int			n,
				i,
				j;

	if (!main_spans(ap, &spans, &n))
		return;
	for (j = 1; j < n; j++)
		for (i = 0; i < j; i++)
			if (spans[i].entry < spans[j].leaving && spans[j].entry < spans[i].leaving)
			{
				sen2_emit(run, rule, spans[j].pd, SEN2_PD_ENTRY_DATE, "overlaps PlacementDetail[%d]",
						  spans[i].pd->position);
				return;
			}
}

/* AP05c: needs ranked one 1 and at most one 2. */
static void
ap05c(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	Sen2Node   *s;
	int			ones = 0,
				twos = 0;

	if (ap->first[SEN2_K_SEN_NEED] == NULL)
		return;
	for (s = ap->first[SEN2_K_SEN_NEED]; s != NULL; s = s->next)
	{
		if (sen2_is(s, SEN2_S_RANK, "1"))
			ones++;
		else if (sen2_is(s, SEN2_S_RANK, "2"))
			twos++;
		else
			return;
	}
	if (ones != 1 || twos > 1)
		sen2_emit_tag(run, rule, ap, sen2_tag(run, SEN2_K_SEN_NEED, SEN2_S_RANK), NULL, 0,
					  psprintf("%d with rank 1 and %d with rank 2", ones, twos));
}

/* AP05e: the secondary need repeats the primary need. */
static void
ap05e(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	Sen2Node   *s;
	Sen2Node   *one = NULL;
	Sen2Node   *two = NULL;

	for (s = ap->first[SEN2_K_SEN_NEED]; s != NULL; s = s->next)
	{
		if (sen2_is(s, SEN2_S_RANK, "1") && one == NULL)
			one = s;
		else if (sen2_is(s, SEN2_S_RANK, "2") && two == NULL)
			two = s;
	}
	if (one && two && sen2_has(one, SEN2_S_TYPE) &&
		strcmp(one->v[SEN2_S_TYPE].s, two->v[SEN2_S_TYPE].s ? two->v[SEN2_S_TYPE].s : "") == 0)
		sen2_emit(run, rule, two, SEN2_S_TYPE, "the primary need is also %s", one->v[SEN2_S_TYPE].s);
}

/* AP06b: a review outcome without the meeting. */
static void
ap06b(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	if (sen2_has(ap, SEN2_AP_REVIEW_OUTCOME) && !sen2_has(ap, SEN2_AP_REVIEW_MEETING))
		sen2_emit(run, rule, ap, SEN2_AP_REVIEW_MEETING, "ReviewOutcome is %s", ap->v[SEN2_AP_REVIEW_OUTCOME].s);
}

/* AP06c: decision before the meeting. */
static void
ap06c(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	int32		meeting,
				decision;

	if (sen2_date(ap, SEN2_AP_REVIEW_MEETING, &meeting) && sen2_date(ap, SEN2_AP_LAST_REVIEW, &decision) &&
		decision < meeting)
		sen2_emit(run, rule, ap, SEN2_AP_LAST_REVIEW, "ReviewMeeting is %s", ap->v[SEN2_AP_REVIEW_MEETING].s);
}

/* AP06d: review dates after the census date. */
static void
ap06d(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	int32		d;

	if (sen2_date(ap, SEN2_AP_REVIEW_MEETING, &d) && d > run->f.rd)
		sen2_emit(run, rule, ap, SEN2_AP_REVIEW_MEETING, "the census date is %s", sen2_date_str(run->f.rd));
	if (sen2_date(ap, SEN2_AP_LAST_REVIEW, &d) && d > run->f.rd)
		sen2_emit(run, rule, ap, SEN2_AP_LAST_REVIEW, "the census date is %s", sen2_date_str(run->f.rd));
}

/* AP06e: a review outcome without its decision date. */
static void
ap06e(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	if (sen2_has(ap, SEN2_AP_REVIEW_OUTCOME) && !sen2_has(ap, SEN2_AP_LAST_REVIEW))
		sen2_emit(run, rule, ap, SEN2_AP_LAST_REVIEW, "ReviewOutcome is %s", ap->v[SEN2_AP_REVIEW_OUTCOME].s);
}

/* AP07: decision more than 4 weeks after the meeting. */
static void
ap07(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	int32		meeting,
				decision;

	if (sen2_date(ap, SEN2_AP_REVIEW_MEETING, &meeting) && sen2_date(ap, SEN2_AP_LAST_REVIEW, &decision) &&
		decision >= meeting && decision - meeting > run->f.params.review_decision_days)
		sen2_emit(run, rule, ap, SEN2_AP_LAST_REVIEW, "%d days after ReviewMeeting %s (limit %d)",
				  decision - meeting, ap->v[SEN2_AP_REVIEW_MEETING].s, run->f.params.review_decision_days);
}

/* A plan active on the census date that started more than 12 months before it. */
static bool
review_expected(Sen2Run *run, Sen2Node *ap)
{
	Sen2Node   *np = sen2_named_plan_of(ap->parent);
	int32		start;

	return np != NULL && sen2_date(np, SEN2_N_START_DATE, &start) &&
		start < run->f.rd_minus_year && sen2_plan_active_on_rd(run, ap->parent);
}

/* AP08a: the last review meeting is more than 12 months old. */
static void
ap08a(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	int32		meeting;

	if (sen2_date(ap, SEN2_AP_REVIEW_MEETING, &meeting) && meeting < run->f.rd_minus_year &&
		review_expected(run, ap))
		sen2_emit(run, rule, ap, SEN2_AP_REVIEW_MEETING, "earlier than %s",
				  sen2_date_str(run->f.rd_minus_year));
}

/* AP08b (2024-2025) / AP11a (2026+): no review meeting for a plan over 12 months old. */
static void
ap08b(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	if (!sen2_has(ap, SEN2_AP_REVIEW_MEETING) && review_expected(run, ap))
		sen2_emit(run, rule, ap, SEN2_AP_REVIEW_MEETING, "StartDate is %s",
				  sen2_named_plan_of(ap->parent)->v[SEN2_N_START_DATE].s);
}

/* AP09a: a draft amended plan without a decision to amend. */
static void
ap09a(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	const Sen2Val *o = &ap->v[SEN2_AP_REVIEW_OUTCOME];

	if (!sen2_has(ap, SEN2_AP_REVIEW_DRAFT) || sen2_is(ap, SEN2_AP_REVIEW_OUTCOME, "A"))
		return;
	if (sen2_has(ap, SEN2_AP_REVIEW_OUTCOME) &&
		!sen2_code_ok(sen2_codeset(run, "review_outcome"), o->s))
		return;					/* invalid outcome: AP06a */
	sen2_emit(run, rule, ap, SEN2_AP_REVIEW_DRAFT, "ReviewOutcome is %s",
			  sen2_has(ap, SEN2_AP_REVIEW_OUTCOME) ? o->s : "not given");
}

/* AP09b: draft before the meeting or after the census date. */
static void
ap09b(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	int32		draft,
				meeting;

	if (!sen2_date(ap, SEN2_AP_REVIEW_DRAFT, &draft))
		return;
	if (sen2_date(ap, SEN2_AP_REVIEW_MEETING, &meeting) && draft < meeting)
		sen2_emit(run, rule, ap, SEN2_AP_REVIEW_DRAFT, "ReviewMeeting is %s", ap->v[SEN2_AP_REVIEW_MEETING].s);
	else if (draft > run->f.rd)
		sen2_emit(run, rule, ap, SEN2_AP_REVIEW_DRAFT, "the census date is %s", sen2_date_str(run->f.rd));
}

/* AP10a: phase-transfer plan finalised after its due date. */
static void
ap10a(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	int32		due,
				final;

	if (sen2_date(ap, SEN2_AP_PT_DUE, &due) && sen2_date(ap, SEN2_AP_PT_FINAL, &final) && final > due)
		sen2_emit(run, rule, ap, SEN2_AP_PT_FINAL, "PhaseTransferDueDate is %s", ap->v[SEN2_AP_PT_DUE].s);
}

/* AP10b: a due date that is not one of the statutory deadlines. */
static void
ap10b(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	int32		due;
	int			y,
				m,
				d;

	if (!sen2_date(ap, SEN2_AP_PT_DUE, &due))
		return;
	sen2_civil(due, &y, &m, &d);
	if (!((m == 2 && d == 15) || (m == 3 && d == 31)))
		sen2_emit(run, rule, ap, SEN2_AP_PT_DUE, NULL);
}

/* AP11b: a final phase-transfer date without its due date. */
static void
ap11b(Sen2Run *run, Sen2Rule *rule, Sen2Node *ap)
{
	if (sen2_has(ap, SEN2_AP_PT_FINAL) && !sen2_has(ap, SEN2_AP_PT_DUE))
		sen2_emit(run, rule, ap, SEN2_AP_PT_DUE, "PhaseTransferFinalDate is %s", ap->v[SEN2_AP_PT_FINAL].s);
}

/* AP12: more than one plan active on the census date for a person. */
static void
ap12(Sen2Run *run, Sen2Rule *rule, Sen2Node *p)
{
	Sen2Node   *r;
	Sen2Node   *first = NULL;

	for (r = p->first[SEN2_K_REQUEST]; r != NULL; r = r->next)
	{
		if (!sen2_plan_active_on_rd(run, r))
			continue;
		if (first == NULL)
			first = r;
		else
			sen2_emit_tag(run, rule, sen2_child(r, SEN2_K_ACTIVE_PLANS), "ActivePlans", NULL, 0,
						  psprintf("the plan of Requests[%d] is also active", first->position));
	}
}

const Sen2RuleImpl sen2_rules_active[] = {
	{"AP01b", SEN2_K_ACTIVE_PLANS, ap01b},
	{"AP02b", SEN2_K_PLACEMENT, ap02b},
	{"AP02c", SEN2_K_PLACEMENT, ap02c},
	{"AP02d", SEN2_K_PLACEMENT, ap02d},
	{"AP02g", SEN2_K_PLACEMENT, ap02g},
	{"AP03", SEN2_K_ACTIVE_PLANS, ap03},
	{"AP04", SEN2_K_ACTIVE_PLANS, ap04},
	{"AP05c", SEN2_K_ACTIVE_PLANS, ap05c},
	{"AP05e", SEN2_K_ACTIVE_PLANS, ap05e},
	{"AP06b", SEN2_K_ACTIVE_PLANS, ap06b},
	{"AP06c", SEN2_K_ACTIVE_PLANS, ap06c},
	{"AP06d", SEN2_K_ACTIVE_PLANS, ap06d},
	{"AP06e", SEN2_K_ACTIVE_PLANS, ap06e},
	{"AP07", SEN2_K_ACTIVE_PLANS, ap07},
	{"AP08a", SEN2_K_ACTIVE_PLANS, ap08a},
	{"AP08b", SEN2_K_ACTIVE_PLANS, ap08b},
	{"AP09a", SEN2_K_ACTIVE_PLANS, ap09a},
	{"AP09b", SEN2_K_ACTIVE_PLANS, ap09b},
	{"AP10a", SEN2_K_ACTIVE_PLANS, ap10a},
	{"AP10b", SEN2_K_ACTIVE_PLANS, ap10b},
	{"AP11a", SEN2_K_ACTIVE_PLANS, ap08b},
	{"AP11b", SEN2_K_ACTIVE_PLANS, ap11b},
	{"AP12", SEN2_K_PERSON, ap12},
	{NULL}
};
