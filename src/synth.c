/*
 * synth.c
 *		sen2.synthesize_into(): fills a return with a synthetic population
 *		drawn from the national EHC plan figures (docs/synthetic-data.md).
 *
 * Determinism: every value is a function of (seed, person number, field),
 * through a splitmix64-style hash, so the same arguments give the same rows
 * whatever the session, the batch size or what ran before.  Field numbers
 * are fixed per draw (not a running stream), so changing one part of the
 * model, or planting a defect, leaves every other draw alone.
 *
 * Shape: each person is built as a small tree of rows in memory (person,
 * requests, assessment, named plan, plan details, active plans, placements,
 * needs), defects are planted in the tree, and the trees of a batch of
 * persons are inserted table by table with one INSERT ... SELECT FROM
 * unnest(arrays) ... RETURNING per table, so parents' ids are known before
 * their children are inserted and memory stays flat however many persons.
 *
 * Year-awareness: the collection's dates come from sen2.collection, items
 * that the year's layout (sen2.element) lacks are never written, and codes
 * are drawn only from the year's code sets (sen2.code).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "ident.h"
#include "rule_engine.h"

PG_FUNCTION_INFO_V1(sen2_synthesize_into);

#define MAX_PERSONS 5000000		/* the UPN/ULN numbering below is injective up to 6M */
#define BATCH_PERSONS 2000
#define NODATE PG_INT32_MIN

/* ------------------------------------------------------------------------
 * Hashing: one 64-bit key per person, one independent value per field.
 * ------------------------------------------------------------------------ */
typedef struct Gen
{
	uint64		key;
} Gen;

static inline uint64
mix64(uint64 z)
{
	z = (z ^ (z >> 30)) * UINT64CONST(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static inline void
gen_init(Gen *g, uint64 seedkey, int64 n)
{
	g->key = mix64(seedkey + mix64((uint64) n * UINT64CONST(0xD1B54A32D192ED03)));
}

static inline uint64
hv(const Gen *g, uint32 field)
{
	return mix64(g->key ^ mix64(((uint64) field + 1) * UINT64CONST(0x9E3779B97F4A7C15)));
}

/* uniform in [0, 1) */
static inline double
U(const Gen *g, uint32 field)
{
	return (double) (hv(g, field) >> 11) * (1.0 / 9007199254740992.0);
}

/* uniform integer in [lo, hi] */
static inline int
R(const Gen *g, uint32 field, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int) (hv(g, field) % (uint64) (hi - lo + 1));
}

/*
 * Field numbers.  Repeated draws (placement j, attempt i) add 1000 * j; the
 * defect draws live above 100000 so they never move a model value.  The
 * numbers are part of the generated data: add new fields at the end of the
 * model list, and do not remove unused ones, or every return changes.
 */
enum
{
	F_CAT = 1, F_SEX, F_ETH, F_AGE, F_BIRTH, F_NAME_S, F_PC_AREA, F_PC_DIST, F_PC_IN1,
	F_PC_IN2, F_PC_IN3, F_UPN_HAS, F_ULN_HAS, F_UN, F_UN10, F_UPN_LA, F_UPN_TEMP,
	F_ULN_D1, F_K, F_K12, F_START, F_TIN, F_TLA, F_TL, F_TLD, F_W20, F_RDEL, F_RDELD,
	F_RSRC, F_RSRC_HAS, F_RYA, F_RMED, F_RTRIB, F_AMED, F_ATRIB, F_OMED, F_OTRIB,
	F_RECV_HAS, F_MULTI, F_MULTI_GAP, F_MULTI_DEL, F_PB, F_OA, F_DP, F_DP_HAS,
	F_PT, F_ENTRY_J, F_ENTRY_D, F_PREV_HAS, F_PREV_PT, F_PREV_ENTRY, F_PREV_LEAVE,
	F_DUAL, F_DUAL_PT, F_DUAL_ENTRY, F_POOL, F_POOL2, F_UKPRN_URN, F_OTHER_TXT, F_RES,
	F_RES_CODE, F_WBP, F_WBP_CODE, F_NEED1, F_NEED2_HAS, F_NEED2, F_REV, F_REV_D,
	F_DEC, F_DEC_LAG, F_REV_OUT, F_DRAFT, F_DRAFT_D, F_PT_FINAL, F_PT_FINAL_D,
	F_CEASE_R, F_CEASE_D, F_CEASE_AGE, F_CEASE_LEAVE, F_RECV, F_ASS_TOTAL, F_ASS_TOTAL_D,
	F_PEND_E, F_PEND_ED, F_PEND_Y, F_EXP_KIND, F_EXP_LA, F_HDR_DMO, F_HDR_DCO, F_HDR_DSCO,
	F_DEFECT = 100000, F_DEFECT_KIND, F_DEFECT_A, F_DEFECT_B, F_DEFECT_C
};
#define FJ(f, j) ((uint32) (f) + 1000u * (uint32) (j))

/* ------------------------------------------------------------------------
 * Dates: DateADT day numbers (days from 2000-01-01).
 * ------------------------------------------------------------------------ */
static int32
mkdate(int y, int m, int d)
{
	return date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
}

static void
ymd(int32 day, int *y, int *m, int *d)
{
	j2date(day + POSTGRES_EPOCH_JDATE, y, m, d);
}

static int
year_of(int32 day)
{
	int			y,
				m,
				d;

	ymd(day, &y, &m, &d);
	return y;
}

/* a birth date for someone aged `age` on day `at` */
static int32
birth_for_age(const Gen *g, uint32 field, int32 at, int age)
{
	int			y,
				m,
				d;
	int32		b;

	ymd(at, &y, &m, &d);
	/* the last birthday on or before `at`, then back up to a year less a day */
	if (m == 2 && d == 29)
		d = 28;
	b = mkdate(y - age, m, d) - R(g, field, 0, 364);
	return b;
}

static int32
clampd(int32 v, int32 lo, int32 hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

static inline int32
maxd(int32 a, int32 b)
{
	return a > b ? a : b;
}

static inline int32
mind(int32 a, int32 b)
{
	return a < b ? a : b;
}

/* ------------------------------------------------------------------------
 * The staging tables the generator writes, column by column.
 * ------------------------------------------------------------------------ */
typedef enum
{
	T_PERSON, T_REQUEST, T_ASSESSMENT, T_NAMED_PLAN, T_PLAN_DETAIL, T_ACTIVE_PLANS,
	T_PLACEMENT, T_NEED, NTABLES
} TableNo;

#define MAXCOL 12

enum
{
	PS_SOURCE_ID, PS_SURNAME, PS_FORENAME, PS_BIRTH, PS_GENDER, PS_SEX, PS_ETHNICITY,
	PS_POSTCODE, PS_UPN, PS_ULN, PS_UPN_UNKNOWN
};
enum
{
	RQ_RECEIVED, RQ_SOURCE, RQ_RYA, RQ_OUTCOME_DATE, RQ_OUTCOME, RQ_MEDIATION,
	RQ_TRIBUNAL, RQ_EXPORTED
};
enum
{
	AS_OUTCOME, AS_DATE, AS_MEDIATION, AS_TRIBUNAL, AS_OTHER_MED, AS_OTHER_TRIB, AS_WEEK20
};
enum
{
	NP_START, NP_RES, NP_WBP, NP_PB, NP_OA, NP_DP, NP_CEASE_DATE, NP_CEASE_REASON
};
enum
{
	PD_URN, PD_UKPRN, PD_SETTING, PD_OTHER, PD_RANK, PD_UNIT, PD_RP
};
enum
{
	AP_TRANSFER, AP_RES, AP_WBP, AP_MEETING, AP_OUTCOME, AP_DRAFT, AP_PT_DUE,
	AP_PT_FINAL, AP_LAST
};
enum
{
	PL_URN, PL_UKPRN, PL_SETTING, PL_OTHER, PL_RANK, PL_ENTRY, PL_LEAVING,
	PL_ATTENDANCE, PL_UNIT, PL_RP, PL_RES, PL_WBP
};
enum
{
	ND_TYPE, ND_RANK
};

typedef struct TableDesc
{
	const char *name;
	const char *idcol;
	const char *parentcol;		/* NULL: the parent is the return */
	bool		has_seq;
	int			ncol;
	const char *cols[MAXCOL];
} TableDesc;

static const TableDesc tables[NTABLES] = {
	{"person", "person_id", NULL, true, 11,
	{"source_id", "surname", "forename", "person_birth_date", "gender", "sex", "ethnicity",
	"post_code", "upn", "uln", "upn_unknown"}},
	{"request", "request_id", "person_id", true, 8,
	{"received_date", "request_source", "rya", "request_outcome_date", "request_outcome",
	"request_mediation", "request_tribunal", "exported"}},
	{"assessment", "assessment_id", "request_id", false, 7,
	{"assessment_outcome", "assessment_outcome_date", "assessment_mediation",
	"assessment_tribunal", "other_mediation", "other_tribunal", "week20"}},
	{"named_plan", "named_plan_id", "assessment_id", false, 8,
	{"start_date", "plan_res", "plan_wbp", "pb", "oa", "dp", "cease_date", "cease_reason"}},
	{"plan_detail", "plan_detail_id", "named_plan_id", true, 7,
	{"urn", "ukprn", "sen_setting", "sen_setting_other", "placement_rank",
	"sen_unit_indicator", "resourced_provision_indicator"}},
	{"active_plans", "active_plans_id", "request_id", false, 9,
	{"transfer_la", "res", "wbp", "review_meeting", "review_outcome", "review_draft",
	"phase_transfer_due_date", "phase_transfer_final_date", "last_review"}},
	{"placement_detail", "placement_detail_id", "active_plans_id", true, 12,
	{"urn", "ukprn", "sen_setting", "sen_setting_other", "placement_rank", "entry_date",
	"leaving_date", "attendance_pattern", "sen_unit_indicator",
	"resourced_provision_indicator", "res", "wbp"}},
	{"sen_need", "sen_need_id", "active_plans_id", true, 2,
	{"sen_type", "sen_type_rank"}},
};

/* ------------------------------------------------------------------------
 * The model: one person's tree of rows.  Values are raw text (NULL =
 * absent), exactly what goes into the staging tables.
 * ------------------------------------------------------------------------ */
typedef struct SRow
{
	struct SRow *parent;
	int64		id;
	int			seq;
	uint16		force;			/* columns written even if the year lacks them */
	const char *v[MAXCOL];
} SRow;

#define MAXREQ 3
#define MAXPD 3
#define MAXPL 4
#define MAXNEED 3

typedef struct SReq
{
	SRow		req;
	bool		has_ass,
				has_plan,
				has_ap;
	SRow		ass,
				plan,
				ap;
	int			npd,
				npl,
				nneed;
	SRow		pd[MAXPD],
				pl[MAXPL],
				need[MAXNEED];
} SReq;

typedef enum
{
	CAT_ACTIVE, CAT_CEASED, CAT_REQ_N, CAT_REQ_A, CAT_REQ_W, CAT_ASS_N, CAT_ASS_W,
	CAT_ASS_PEND, CAT_EXPORTED, NCAT
} Category;

typedef struct SPerson
{
	int64		n;
	SRow		person;
	int			nreq;
	SReq		req[MAXREQ];
	/* facts the defects need */
	Category	cat;
	int32		birth;
	int			age_rd;
	int32		start;			/* plan start, NODATE if no plan */
	int32		cease;
	int			main;			/* index of the request carrying the plan, -1 */
	bool		transfer_in;
	bool		new_plan;		/* issued in the period or January before RD */
	int			cur_pl;			/* current placement of the main request, -1 */
	int			prev_pl;		/* previous placement in the period, -1 */
	/* the planted defect (kind index, -1 = none) */
	int			defect;
	int			dtable;
	SRow	   *drow;
	const char *ditem;
	const char *dvalue;
} SPerson;

/* ------------------------------------------------------------------------
 * Weighted draws.  Tables are national shares (national-figures.md); codes a
 * year's code set lacks are dropped when the distribution is built.
 * ------------------------------------------------------------------------ */
#define MAXW 32

typedef struct Dist
{
	int			n;
	const char *code[MAXW];
	int			val[MAXW];
	double		cum[MAXW];
} Dist;

typedef struct WCode
{
	const char *code;
	double		w;
} WCode;

static void
dist_add(Dist *d, const char *code, int val, double w)
{
	if (w <= 0)
		return;
	Assert(d->n < MAXW);
	d->code[d->n] = code;
	d->val[d->n] = val;
	d->cum[d->n] = (d->n > 0 ? d->cum[d->n - 1] : 0.0) + w;
	d->n++;
}

static int
dist_pick(const Dist *d, double u)
{
	double		x = u * d->cum[d->n - 1];
	int			lo = 0,
				hi = d->n - 1;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (x < d->cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static inline const char *
pick_code(const Dist *d, const Gen *g, uint32 f)
{
	return d->code[dist_pick(d, U(g, f))];
}

static inline int
pick_val(const Dist *d, const Gen *g, uint32 f)
{
	return d->val[dist_pick(d, U(g, f))];
}

/* Persons per active plan on census day, by what brings them into the return. */
static const double cat_weight[NCAT] = {
	1.0,						/* plan active on census day (caseload) */
	0.0702,						/* plan ceased in the period: 44,862 / 638,745 */
	0.0574,						/* request refused in the period (25.2% of 0.242) */
	0.0189,						/* request decision pending (7.8%) */
	0.0030,						/* request withdrawn (1.6%; some W come from moves) */
	0.0100,						/* assessment: decided not to issue (6,404) */
	0.0005,						/* assessment withdrawn (327) */
	0.0660,						/* assessment in progress at the end of the period */
	0.0030						/* moved away during the request or assessment */
};

/* Age on census day of children and young people with a plan, Jan 2025. */
static const double age_active[26] = {
	0.02, 0.03, 0.05, 0.7, 3.5, 4.8, 5.0, 5.3, 5.7, 6.0, 6.5, 7.3, 7.4, 7.4, 7.4, 7.0,
	6.6, 5.7, 4.5, 3.3, 2.3, 1.5, 1.0, 0.6, 0.3, 0.1
};

/*
 * Plans issued in the period or in January before the census, as a share of
 * the plans active on census day (97,747 new plans in 2024 / 638,745, plus
 * the January ones).
 */
#define P_NEW_PLAN 0.159

/*
 * Age when a new plan started, CY2024 bands (under 5 15.9, 5-10 49.3, 11-15
 * 28.2, 16-19 6.2, 20-25 0.3) spread over single years.
 */
static const double age_start_new[26] = {
	0.3, 0.8, 3.2, 6.0, 5.6, 9.0, 8.6, 8.4, 8.0, 7.7, 7.6, 7.2, 6.2, 5.5, 5.0, 4.3,
	2.4, 1.7, 1.2, 0.9, 0.1, 0.07, 0.05, 0.04, 0.03, 0.01
};

/*
 * Age on census day of plans older than the period: the January 2025
 * caseload ages less the new plans' share (so that old and new together give
 * the caseload), computed as (caseload - 0.159 * new) / 0.841.
 */
static const double age_old[26] = {
	0, 0, 0, 0, 3.08, 4.34, 4.3, 4.71, 5.24, 5.66, 6.29, 7.28, 7.53, 7.68, 7.79, 7.43,
	7.2, 6.37, 5.06, 3.71, 2.63, 1.76, 1.17, 0.7, 0.35, 0.11
};

/* Age at request, CY2024 bands (under 5 24.9, 5-10 43.5, 11-15 27.5, 16-19 3.8, 20-25 0.3). */
static const double age_request[26] = {
	0.3, 1.5, 6.0, 10.1, 7.0, 7.25, 7.25, 7.25, 7.25, 7.25, 7.25, 5.5, 5.5, 5.5, 5.5, 5.5,
	0.95, 0.95, 0.95, 0.95, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05
};

/*
 * Years plan in place (census year - start year), Jan 2025; 12 = 12 or
 * more.  Years 0 and 1 are the new plans; for older plans the years are
 * drawn together with the age at start (see old_plan_start).
 */
static const double years_in_place[13] = {
	0.5, 17.3, 14.6, 11.3, 9.4, 8.8, 7.2, 8.9, 8.4, 6.2, 3.6, 0.9, 2.8
};

static const WCode ethnicity_w[] = {
	{"WBRI", 64.9}, {"WOTH", 4.3}, {"BAFR", 3.7}, {"APKN", 3.4}, {"MOTH", 2.4},
	{"MWBC", 1.9}, {"AIND", 1.7}, {"OOTH", 1.7}, {"AOTH", 1.6}, {"ABAN", 1.4},
	{"BCRB", 1.2}, {"MWAS", 1.2}, {"BOTH", 1.1}, {"MWBA", 0.9}, {"WROM", 0.4},
	{"CHNE", 0.3}, {"WIRI", 0.2}, {"WIRT", 0.1}, {"NOBT", 5.4}, {"REFU", 2.3}
};

/* CeaseReason, CY2024 (reason "not recorded" folded into 9). */
static const WCode cease_w[] = {
	{"5", 31.1}, {"6", 35.9}, {"2", 8.8}, {"4", 9.0}, {"1", 4.4}, {"3", 5.7},
	{"7", 2.1}, {"8", 1.1}, {"9", 1.9}
};

static const WCode un_school_w[] = {{"UN2", 40}, {"UN3", 20}, {"UN8", 25}, {"UN5", 15}};
static const WCode un_adult_w[] = {{"UN9", 50}, {"UN8", 30}, {"UN3", 20}};
static const WCode request_source_w[] = {{"1", 58}, {"2", 30}, {"3", 6}, {"4", 3}, {"5", 3}};
static const WCode officer_w[] = {{"Y", 85}, {"R", 10}, {"N", 5}};
static const WCode review_outcome_w[] = {{"A", 61.2}, {"M", 37.7}, {"C", 1.1}};
static const WCode dp_w[] = {{"E", 18.6}, {"H", 0.9}, {"S", 73.9}, {"I", 6.6}};
static const WCode res_w[] = {{"A", 1396}, {"B", 825}};
static const WCode wbp_w[] = {{"S", 2673}, {"A", 1017}, {"T", 686}};

/* Primary need by age band, % within band, active plans Jan 2025. */
static const char *const need_codes[12] = {
	"ASD", "SLCN", "SEMH", "MLD", "SLD", "PD", "SPLD", "HI", "PMLD", "OTH", "VI", "MSI"
};
static const double need_w[5][12] = {
	{28.5, 48.7, 2.3, 4.1, 2.5, 5.0, 0.7, 1.5, 2.5, 1.2, 0.8, 0.4},
	{32.9, 32.0, 14.1, 7.4, 3.0, 3.6, 1.4, 1.3, 1.4, 1.2, 0.7, 0.3},
	{31.3, 15.0, 25.6, 12.3, 3.9, 3.5, 3.0, 1.3, 1.1, 1.2, 0.8, 0.2},
	{30.3, 11.6, 27.7, 12.6, 5.1, 4.4, 2.5, 1.5, 1.3, 1.1, 1.0, 0.2},
	{30.5, 12.6, 17.3, 16.9, 8.2, 5.4, 2.5, 1.8, 1.7, 1.2, 1.1, 0.2}
};

/* ------------------------------------------------------------------------
 * Placement types: the DfE's published placement categories, each with how
 * the setting is identified in the return.
 * ------------------------------------------------------------------------ */
typedef enum
{
	G_MS, G_SP, G_AP, G_FE, G_ELSE, G_EY, NGROUP
} PGroup;

typedef enum
{
	PT_MS_LA, PT_MS_LA_RP, PT_MS_LA_UNIT, PT_MS_ACAD, PT_MS_ACAD_RP, PT_MS_ACAD_UNIT,
	PT_MS_FREE, PT_MS_IND, PT_SP_LA, PT_SP_ACAD, PT_SP_IND, PT_SP_NM, PT_AP, PT_FE_GEN,
	PT_FE_SPEC, PT_FE_UKRLP, PT_EHE, PT_OLA, PT_OPA, PT_OTH, PT_NEET, PT_NIEC, PT_NIEO,
	PT_EYP, NPT
} PType;

typedef struct PTypeDef
{
	PGroup		group;
	const char *setting;		/* SENsetting code, or NULL when a URN/UKPRN names it */
	int			urn_base;		/* 0: no URN; else URN = base + (LA % 97) * stride + off + i */
	int			stride;
	int			off;
	int			pool;			/* establishments of this type per LA */
	int			ukprn_base;		/* 0: no UKPRN; else base + (LA % 97) * 20 + i % 20 */
	bool		unit,
				rp;
	double		w;				/* share within its group, Jan 2025 caseload (%) */
} PTypeDef;

static const PTypeDef ptypes[NPT] = {
	{G_MS, NULL, 100000, 300, 20, 250, 0, false, false, 15.0},
	{G_MS, NULL, 100000, 300, 0, 10, 0, false, true, 1.1},
	{G_MS, NULL, 100000, 300, 10, 10, 0, true, false, 0.5},
	{G_MS, NULL, 131000, 250, 20, 200, 0, false, false, 22.2},
	{G_MS, NULL, 131000, 250, 0, 10, 0, false, true, 1.3},
	{G_MS, NULL, 131000, 250, 10, 10, 0, true, false, 0.9},
	{G_MS, NULL, 156000, 20, 0, 20, 0, false, false, 1.5},
	{G_MS, NULL, 158000, 20, 0, 20, 0, false, false, 1.1},
	{G_SP, NULL, 160000, 15, 0, 15, 0, false, false, 13.5},
	{G_SP, NULL, 162000, 15, 0, 15, 0, false, false, 11.6},
	{G_SP, NULL, 164000, 15, 0, 15, 0, false, false, 4.6},
	{G_SP, NULL, 166000, 5, 0, 5, 0, false, false, 0.7},
	{G_AP, NULL, 167000, 5, 0, 5, 0, false, false, 0.8},
	{G_FE, NULL, 130000, 5, 0, 5, 10001000, false, false, 11.1},
	{G_FE, NULL, 168000, 4, 0, 4, 10050000, false, false, 1.5},
	{G_FE, NULL, 0, 0, 0, 20, 10060000, false, false, 1.2},
	{G_ELSE, "EHE", 0, 0, 0, 0, 0, false, false, 1.1},
	{G_ELSE, "OLA", 0, 0, 0, 0, 0, false, false, 1.8},
	{G_ELSE, "OPA", 0, 0, 0, 0, 0, false, false, 0.2},
	{G_ELSE, "OTH", 0, 0, 0, 0, 0, false, false, 0.6},
	{G_ELSE, "NEET", 0, 0, 0, 0, 0, false, false, 2.8},
	{G_ELSE, "NIEC", 0, 0, 0, 0, 0, false, false, 0.3},
	{G_ELSE, "NIEO", 0, 0, 0, 0, 0, false, false, 0.9},
	{G_EY, "EYP", 0, 0, 0, 0, 0, false, false, 0.7},
};

/*
 * Group shares (%) by age band (0-4, 5-10, 11-15, 16-19, 20-25).  New plans
 * follow the new-plan mix (table 1d, CY2024: 75% mainstream); older plans
 * follow a mix chosen so that old and new together come out at the January
 * 2025 caseload mix (43.6% mainstream, 30.4% special, 13.8% FE, ...).
 */
static const double group_w[2][5][NGROUP] = {
	{							/* plans older than the period */
		{55, 35, 0, 0, 4, 6},
		{57, 38.4, 0.6, 0, 4, 0},
		{47, 45.4, 1.6, 0, 6, 0},
		{8, 26, 0, 55, 11, 0},
		{0, 9, 0, 58, 33, 0}
	},
	{							/* new plans */
		{70, 8, 0, 0, 2, 20},
		{86, 9, 1, 0, 4, 0},
		{80, 9, 3.5, 0, 7.5, 0},
		{25, 10, 0, 45, 20, 0},
		{0, 0, 0, 60, 40, 0}
	}
};

/* "Educated elsewhere" by age band: EHE, OLA, OPA, OTH, NEET, NIEC, NIEO. */
static const double else_w[5][7] = {
	{0, 30, 30, 20, 0, 0, 20},
	{30, 45, 5, 10, 0, 0, 10},
	{30, 45, 5, 10, 0, 0, 10},
	{8, 17, 2, 5, 55, 5, 8},
	{0, 10, 0, 2, 70, 8, 10}
};

static const char *const other_text[2][3] = {
	{"Special school place named by type", "Specialist post-16 provision named by type",
	"Resourced provision named by type"},
	{"Awaiting a school place after moving into the area",
		"Placement ended; new setting being identified",
	"Medical needs; education being arranged"}
};

/* ------------------------------------------------------------------------
 * Names and postcodes.  Surnames are built from two syllables so that
 * (surname, forename) is unique for the first 262,144 persons.
 * ------------------------------------------------------------------------ */
static const char *const surname_a[64] = {
	"Ash", "Bar", "Bel", "Black", "Brad", "Brook", "Brom", "Burn", "Cald", "Carl",
	"Chad", "Chester", "Clay", "Cole", "Craw", "Dal", "Dun", "East", "Ell", "Elm",
	"Fair", "Farn", "Fern", "Green", "Hal", "Hart", "Hat", "Hay", "Heath", "Hol",
	"Horn", "Kirk", "Lang", "Lea", "Lind", "Marsh", "Mill", "Mor", "New", "North",
	"Oak", "Pem", "Pres", "Rad", "Red", "Rock", "Rom", "Rush", "Sal", "Sand",
	"Shel", "Shep", "South", "Stan", "Stock", "Sud", "Thorn", "Tre", "Up", "Wal",
	"West", "Whit", "Wood", "Yar"
};
static const char *const surname_b[64] = {
	"ley", "ton", "field", "wood", "worth", "ford", "by", "ham", "well", "ridge",
	"shaw", "stone", "wick", "more", "bury", "combe", "dale", "hurst", "land", "low",
	"man", "mont", "ney", "ock", "rick", "sey", "son", "stead", "thwaite", "wade",
	"way", "win", "brook", "burn", "cliffe", "cott", "croft", "den", "don", "end",
	"gate", "hall", "hay", "hill", "holm", "house", "ing", "ington", "kin", "lake",
	"leigh", "lock", "marsh", "mere", "mouth", "nell", "park", "port", "rigg", "row",
	"side", "thorpe", "ville", "wold"
};
static const char *const forename_m[64] = {
	"Oliver", "Harry", "George", "Noah", "Jack", "Leo", "Arthur", "Muhammad", "Oscar",
	"Charlie", "Jacob", "Thomas", "Henry", "William", "Theo", "Freddie", "Alfie", "Archie",
	"Joshua", "James", "Ethan", "Isaac", "Lucas", "Mason", "Logan", "Max", "Samuel",
	"Daniel", "Adam", "Joseph", "Dylan", "Riley", "Tyler", "Harrison", "Reuben", "Jayden",
	"Kai", "Zachary", "Ryan", "Callum", "Aaron", "Nathan", "Ibrahim", "Yusuf", "Ali",
	"Omar", "Hamza", "Ayaan", "Arjun", "Rohan", "Kofi", "Tobi", "David", "Michael",
	"Connor", "Kian", "Liam", "Finley", "Jenson", "Louie", "Ronnie", "Albie", "Teddy",
	"Bobby"
};
static const char *const forename_f[64] = {
	"Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
	"Grace", "Freya", "Poppy", "Ella", "Evie", "Florence", "Willow", "Emily", "Sophie",
	"Chloe", "Jessica", "Ruby", "Phoebe", "Daisy", "Alice", "Matilda", "Harper", "Ellie",
	"Millie", "Layla", "Aisha", "Fatima", "Zara", "Maryam", "Hafsa", "Amira", "Inaya",
	"Priya", "Anaya", "Esme", "Erin", "Megan", "Holly", "Lucy", "Hannah", "Katie", "Amber",
	"Leah", "Molly", "Niamh", "Abigail", "Eliza", "Maya", "Nia", "Imani", "Adaeze", "Zoe",
	"Lola", "Bella", "Summer", "Maisie", "Elsie", "Hallie", "Thea"
};
static const char *const postcode_areas[] = {
	"AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "CA", "CB", "CH", "CM", "CO",
	"CR", "CT", "CV", "CW", "DA", "DE", "DH", "DL", "DN", "DT", "DY", "E", "EN", "EX", "FY",
	"GL", "GU", "HA", "HD", "HG", "HP", "HR", "HU", "HX", "IG", "IP", "KT", "L", "LA", "LE",
	"LN", "LS", "LU", "M", "ME", "MK", "N", "NE", "NG", "NN", "NR", "NW", "OL", "OX", "PE",
	"PL", "PO", "PR", "RG", "RH", "RM", "S", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP",
	"SR", "SS", "ST", "SW", "TA", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W", "WA", "WD",
	"WF", "WN", "WR", "WS", "WV", "YO"
};
#define NAREAS ((int) lengthof(postcode_areas))
static const char inward_letters[] = "ABDEFGHJLNPQRSTUWXYZ";

/* ------------------------------------------------------------------------
 * What the generator knows about the return and its year.
 * ------------------------------------------------------------------------ */
typedef struct CodeEntry
{
	char	   *set;
	char	   *code;
} CodeEntry;

typedef struct Ctx
{
	int64		return_id;
	char		la[4];
	int			la_num;
	int			year;
	int32		rd,
				ps,
				pe;
	int			rdY;
	uint64		seedkey;
	int			seed;
	int			persons;
	double		rate;

	/* layout */
	bool		present[NTABLES][MAXCOL];
	bool		has_dsco;
	bool		source_compulsory;
	bool		use_sex;		/* Sex (2024+) rather than Gender (2023) */
	bool		review_compulsory;	/* ReviewMeeting compulsory (2026+) */
	bool		res_on_placement;

	/* codes */
	int			ncodes;
	CodeEntry  *codes;
	bool		has_ds;
	bool		has_un1,
				has_un10;

	Dist		d_cat,
				d_age_active,
				d_age_old,
				d_age_start_new,
				d_age_request,
				d_yip,
				d_eth,
				d_cease,
				d_cease_age[10],
				d_un_school,
				d_un_adult,
				d_source,
				d_officer,
				d_review,
				d_dp,
				d_res,
				d_wbp,
				d_need[5],
				d_pt[2][5];

	/* other English LAs for TransferLA, Exported and UPNs */
	int			nla;
	char	  (*las)[4];
	int			area;			/* postcode area index of the LA */

	/* defects */
	int			nkinds;			/* enabled kinds */
	int		   *kind_def;		/* index into kind_names */
	double	   *kind_w;
	char	  **kind_rule;
	bool		any_header_kind;

	/* insertion */
	SPIPlanPtr	plan[NTABLES];
	SPIPlanPtr	defect_plan;
	int64		inserted;
} Ctx;

static bool
code_ok(const Ctx *c, const char *set, const char *code)
{
	int			i;

	for (i = 0; i < c->ncodes; i++)
		if (strcmp(c->codes[i].set, set) == 0 && strcmp(c->codes[i].code, code) == 0)
			return true;
	return false;
}

static void
need_code(const Ctx *c, const char *set, const char *code)
{
	if (!code_ok(c, set, code))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("code set \"%s\" of collection year %d has no code \"%s\"", set, c->year, code),
				 errdetail("The synthetic generator writes this code; sen2.code must list it for the year."),
				 errhint("Check local rows in sen2.ref_code that withdraw built-in codes.")));
}

static void
dist_from_codes(const Ctx *c, Dist *d, const char *set, const WCode *w, int n)
{
	int			i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < n; i++)
		if (set == NULL || code_ok(c, set, w[i].code))
			dist_add(d, w[i].code, i, w[i].w);
	if (d->n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("code set \"%s\" of collection year %d has none of the codes the synthetic generator draws from",
						set, c->year),
				 errhint("SELECT * FROM sen2.code WHERE collection_year = %d AND code_set = '%s' shows the set.",
						 c->year, set)));
}

static void
dist_from_values(Dist *d, const double *w, int n, int first)
{
	int			i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < n; i++)
		dist_add(d, NULL, first + i, w[i]);
}

static void
build_dists(Ctx *c)
{
	static const double ages6[9] = {4, 8, 12, 14, 14, 12, 10, 9, 8};	/* 16-24 */
	static const double ages2[18] = {1, 2, 3, 3, 3, 3, 3, 4, 4, 3, 3, 3, 4, 8, 8, 7, 6, 3};	/* 3-20 */
	static const double ages4[8] = {4, 8, 12, 12, 10, 8, 6, 5};	/* 17-24 */
	static const double ages1[2] = {3, 7};	/* 24-25 */
	static const double ages3[5] = {6, 10, 8, 5, 3};	/* 18-22 */
	int			r,
				b,
				t,
				reg,
				i;

	dist_from_values(&c->d_cat, cat_weight, NCAT, 0);
	dist_from_values(&c->d_age_active, age_active, 26, 0);
	dist_from_values(&c->d_age_old, age_old, 26, 0);
	dist_from_values(&c->d_age_start_new, age_start_new, 26, 0);
	dist_from_values(&c->d_age_request, age_request, 26, 0);
	dist_from_values(&c->d_yip, years_in_place, 13, 0);
	dist_from_codes(c, &c->d_eth, "ethnicity", ethnicity_w, lengthof(ethnicity_w));
	dist_from_codes(c, &c->d_cease, "cease_reason", cease_w, lengthof(cease_w));
	dist_from_codes(c, &c->d_un_school, "upn_unknown", un_school_w, lengthof(un_school_w));
	dist_from_codes(c, &c->d_un_adult, "upn_unknown", un_adult_w, lengthof(un_adult_w));
	dist_from_codes(c, &c->d_officer, "designated_officer", officer_w, lengthof(officer_w));
	dist_from_codes(c, &c->d_dp, "direct_payment", dp_w, lengthof(dp_w));
	dist_from_codes(c, &c->d_res, "residential", res_w, lengthof(res_w));
	dist_from_codes(c, &c->d_wbp, "work_based", wbp_w, lengthof(wbp_w));
	if (c->present[T_REQUEST][RQ_SOURCE])
		dist_from_codes(c, &c->d_source, "request_source", request_source_w, lengthof(request_source_w));
	if (c->present[T_ACTIVE_PLANS][AP_OUTCOME])
		dist_from_codes(c, &c->d_review, "review_outcome", review_outcome_w, lengthof(review_outcome_w));

	/* age at cessation, by reason (index = the reason's digit) */
	for (r = 0; r < 10; r++)
	{
		switch (r)
		{
			case 1:
				dist_from_values(&c->d_cease_age[r], ages1, 2, 24);
				break;
			case 2:
				dist_from_values(&c->d_cease_age[r], ages2, 18, 3);
				break;
			case 3:
				dist_from_values(&c->d_cease_age[r], ages3, 5, 18);
				break;
			case 4:
				dist_from_values(&c->d_cease_age[r], ages4, 8, 17);
				break;
			case 6:
				dist_from_values(&c->d_cease_age[r], ages6, 9, 16);
				break;
			default:
				dist_from_values(&c->d_cease_age[r], age_active + 3, 23, 3);
				break;
		}
	}

	/* primary need by band; DS, where the year has it, takes half the OTH share */
	for (b = 0; b < 5; b++)
	{
		memset(&c->d_need[b], 0, sizeof(Dist));
		for (i = 0; i < 12; i++)
		{
			double		w = need_w[b][i];

			if (!code_ok(c, "sen_type", need_codes[i]))
				continue;
			if (strcmp(need_codes[i], "OTH") == 0 && c->has_ds)
			{
				dist_add(&c->d_need[b], "DS", i, w / 2);
				w /= 2;
			}
			dist_add(&c->d_need[b], need_codes[i], i, w);
		}
		if (c->d_need[b].n == 0)
			need_code(c, "sen_type", "ASD");
	}

	/* placement type by regime and band */
	for (reg = 0; reg < 2; reg++)
		for (b = 0; b < 5; b++)
		{
			double		gsum[NGROUP] = {0};

			memset(&c->d_pt[reg][b], 0, sizeof(Dist));
			for (t = 0; t < NPT; t++)
				if (ptypes[t].group != G_ELSE)
					gsum[ptypes[t].group] += ptypes[t].w;
			for (t = 0; t < NPT; t++)
			{
				const PTypeDef *p = &ptypes[t];
				double		w;

				if (p->setting && !code_ok(c, "sen_setting", p->setting))
					continue;
				if (p->group == G_ELSE)
					w = group_w[reg][b][G_ELSE] * else_w[b][t - PT_EHE] / 100.0;
				else
					w = group_w[reg][b][p->group] * p->w / gsum[p->group];
				dist_add(&c->d_pt[reg][b], NULL, t, w);
			}
			if (c->d_pt[reg][b].n == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INTERNAL_ERROR),
						 errmsg("no placement type available for age band %d", b)));
		}
}

static int
band_of(int age)
{
	if (age < 5)
		return 0;
	if (age <= 10)
		return 1;
	if (age <= 15)
		return 2;
	if (age <= 19)
		return 3;
	return 4;
}

/* ------------------------------------------------------------------------
 * Building values.
 * ------------------------------------------------------------------------ */
static char *
dstr(int32 day)
{
	int			y,
				m,
				d;
	char	   *s = palloc(11);

	ymd(day, &y, &m, &d);
	s[0] = '0' + (y / 1000) % 10;
	s[1] = '0' + (y / 100) % 10;
	s[2] = '0' + (y / 10) % 10;
	s[3] = '0' + y % 10;
	s[4] = '-';
	s[5] = '0' + m / 10;
	s[6] = '0' + m % 10;
	s[7] = '-';
	s[8] = '0' + d / 10;
	s[9] = '0' + d % 10;
	s[10] = '\0';
	return s;
}

static int32
dget(const char *v)
{
	int			y,
				m,
				d;

	if (v == NULL || !sen2_parse_date(v, strlen(v), &y, &m, &d))
		return NODATE;
	return mkdate(y, m, d);
}

static const char *
flag(const Gen *g, uint32 f, double p)
{
	return U(g, f) < p ? "1" : "0";
}

static const char *
other_la(const Ctx *c, const Gen *g, uint32 f)
{
	return c->las[R(g, f, 0, c->nla - 1)];
}

static void
link_person(SPerson *p)
{
	int			i,
				j;

	for (i = 0; i < p->nreq; i++)
	{
		SReq	   *r = &p->req[i];

		r->req.parent = &p->person;
		r->req.seq = i + 1;
		r->ass.parent = &r->req;
		r->plan.parent = &r->ass;
		r->ap.parent = &r->req;
		for (j = 0; j < r->npd; j++)
		{
			r->pd[j].parent = &r->plan;
			r->pd[j].seq = j + 1;
		}
		for (j = 0; j < r->npl; j++)
		{
			r->pl[j].parent = &r->ap;
			r->pl[j].seq = j + 1;
		}
		for (j = 0; j < r->nneed; j++)
		{
			r->need[j].parent = &r->ap;
			r->need[j].seq = j + 1;
		}
	}
}

/* UPN: the LA that allocated it, a unique 7-digit body, the allocation year. */
static char *
make_upn(const Ctx *c, const Gen *g, int64 n, const char *la, int alloc_year)
{
	uint64		x = ((uint64) n * 1234567u + (c->seedkey % 6000000u)) % 6000000u;
	int			estab = 2000 + (int) (x / 1000);
	int			serial = (int) (x % 1000);
	char	   *s = palloc(14);
	char		expected;

	snprintf(s, 14, "A%s%04d%02d%03d", la, estab, alloc_year % 100, serial);
	if (U(g, F_UPN_TEMP) < 0.01)
		s[12] = sen2_upn_letters[serial % 10];	/* temporary UPN */
	if (sen2_upn_problem(s, 13, &expected) != NULL)
		s[0] = expected;
	return s;
}

/* ULN: a unique 8-digit body, a leading digit that admits a check digit. */
static char *
make_uln(const Ctx *c, const Gen *g, int64 n)
{
	uint64		x = ((uint64) n * 12345679u + (c->seedkey % 100000000u)) % 100000000u;
	char	   *s = palloc(11);
	int			d1 = R(g, F_ULN_D1, 1, 9);
	int			i;
	char		expected;

	for (i = 0; i < 9; i++)
	{
		snprintf(s, 11, "%d%08d0", d1, (int) x);
		if (sen2_uln_problem(s, 10, &expected) == NULL || expected != '\0')
			break;
		d1 = d1 % 9 + 1;
	}
	if (expected != '\0')
		s[9] = expected;
	return s;
}

static char *
make_postcode(const Ctx *c, const Gen *g)
{
	const char *area = postcode_areas[U(g, F_PC_AREA) < 0.85 ? c->area : (c->area + 1) % NAREAS];
	int			districts = strlen(area) == 1 ? 40 : 30;

	return psprintf("%s%d %d%c%c", area, R(g, F_PC_DIST, 1, districts), R(g, F_PC_IN1, 0, 9),
					inward_letters[R(g, F_PC_IN2, 0, 19)], inward_letters[R(g, F_PC_IN3, 0, 19)]);
}

/* a date in [lo, hi] */
static int32
date_between(const Gen *g, uint32 f, int32 lo, int32 hi)
{
	return R(g, f, lo, hi);
}

/*
 * How long a new plan took from request to issue, 20-week timeliness CY2024:
 * 45.9% within 20 weeks, 46.9% in 20-52 weeks, 7.2% over a year.
 */
static int
issue_duration(const Gen *g, uint32 fbase)
{
	double		u = U(g, fbase);
	double		v = U(g, fbase + 1);

	if (u < 0.459)
		return 84 + (int) (56 * v);
	if (u < 0.928)
		return 141 + (int) (223 * v * v);
	return 365 + (int) (200 * v);
}

static int
duration_band(int days)
{
	return days <= 140 ? 0 : days <= 364 ? 1 : 2;
}

/* days to decide whether to assess: 84.8% within six weeks */
static int
request_delay(const Gen *g, uint32 f)
{
	return U(g, f) < 0.848 ? R(g, f + 1, 14, 42) : R(g, f + 1, 43, 100);
}

/* ------------------------------------------------------------------------
 * Placements.
 * ------------------------------------------------------------------------ */
static int32
sept1(int y)
{
	return mkdate(y, 9, 1);
}

/* the 1 September when a child born on `birth` was `age` */
static int32
sept_at_age(int32 birth, int age)
{
	int			y,
				m,
				d;

	ymd(birth, &y, &m, &d);
	return sept1(y + age + (m >= 9 ? 1 : 0));
}

static int32
entry_date(const Ctx *c, const Gen *g, uint32 f, PType t, int32 birth)
{
	PGroup		grp = ptypes[t].group;
	int32		e;

	if (grp == G_MS || grp == G_SP)
	{
		double		u = U(g, f);
		int			j = u < 0.30 ? 1 : u < 0.52 ? 2 : u < 0.68 ? 3 : u < 0.80 ? 4 : R(g, f + 1, 5, 8);

		e = sept1(c->rdY - j);
		e = maxd(e, sept_at_age(birth, 3));
	}
	else if (grp == G_FE)
	{
		double		u = U(g, f);
		int			j = u < 0.55 ? 1 : u < 0.90 ? 2 : 3;

		e = maxd(sept1(c->rdY - j), sept_at_age(birth, 16));
	}
	else
		e = c->rd - R(g, f + 1, 10, grp == G_AP ? 500 : 700);
	/* at least a year old, or half way to census day for a baby */
	return clampd(e, birth + Min(365, (c->rd - 1 - birth) / 2), c->rd - 1);
}

static void
set_placement(const Ctx *c, const Gen *g, uint32 f, SRow *row, PType t, const char *rank,
			  bool placement)
{
	const PTypeDef *p = &ptypes[t];
	int			col_urn = placement ? PL_URN : PD_URN;
	int			col_ukprn = placement ? PL_UKPRN : PD_UKPRN;
	int			col_set = placement ? PL_SETTING : PD_SETTING;
	int			col_oth = placement ? PL_OTHER : PD_OTHER;
	int			col_rank = placement ? PL_RANK : PD_RANK;
	int			col_unit = placement ? PL_UNIT : PD_UNIT;
	int			col_rp = placement ? PL_RP : PD_RP;
	int			idx = R(g, FJ(F_POOL, f), 0, Max(p->pool, 1) - 1);
	bool		urn = p->urn_base != 0;

	if (p->ukprn_base && p->urn_base)
		urn = U(g, FJ(F_UKPRN_URN, f)) < 0.4;
	if (urn)
		row->v[col_urn] = psprintf("%06d", p->urn_base + (c->la_num % 97) * p->stride + p->off + idx);
	if (p->ukprn_base)
		row->v[col_ukprn] = psprintf("%08d", p->ukprn_base + (c->la_num % 97) * 20 + idx % 20);
	if (p->setting)
	{
		row->v[col_set] = p->setting;
		if (t == PT_OTH || t == PT_NIEO)
			row->v[col_oth] = other_text[t == PT_NIEO][R(g, FJ(F_OTHER_TXT, f), 0, 2)];
	}
	row->v[col_rank] = rank;
	row->v[col_unit] = p->unit ? "1" : "0";
	row->v[col_rp] = p->rp ? "1" : "0";
}

static void
copy_to_plan_detail(const SRow *pl, SRow *pd)
{
	pd->v[PD_URN] = pl->v[PL_URN];
	pd->v[PD_UKPRN] = pl->v[PL_UKPRN];
	pd->v[PD_SETTING] = pl->v[PL_SETTING];
	pd->v[PD_OTHER] = pl->v[PL_OTHER];
	pd->v[PD_RANK] = pl->v[PL_RANK];
	pd->v[PD_UNIT] = pl->v[PL_UNIT];
	pd->v[PD_RP] = pl->v[PL_RP];
}

static PType
pick_ptype(const Ctx *c, const Gen *g, uint32 f, bool new_plan, int age)
{
	return (PType) pick_val(&c->d_pt[new_plan ? 1 : 0][band_of(age)], g, f);
}

/* Residential and work-based flags of a placement (Jan 2025 counts). */
static void
set_res_wbp(const Ctx *c, const Gen *g, SRow *pl, PType t, int age)
{
	PGroup		grp = ptypes[t].group;
	double		pres = grp == G_SP ? 0.0078 : grp == G_FE ? 0.0056 : 0.0005;

	if (U(g, F_RES) < pres)
		pl->v[PL_RES] = pick_code(&c->d_res, g, F_RES_CODE);
	if (age >= 16 && (grp == G_FE || t == PT_OLA) && U(g, F_WBP) < 0.05)
		pl->v[PL_WBP] = pick_code(&c->d_wbp, g, F_WBP_CODE);
}

static void
add_needs(const Ctx *c, const Gen *g, SReq *r, int age)
{
	const Dist *d = &c->d_need[band_of(age)];
	const char *first = pick_code(d, g, F_NEED1);
	int			i;

	r->nneed = 1;
	r->need[0].v[ND_TYPE] = first;
	r->need[0].v[ND_RANK] = "1";
	if (U(g, F_NEED2_HAS) < 0.45)
	{
		for (i = 0; i < 4; i++)
		{
			const char *second = pick_code(d, g, FJ(F_NEED2, i));

			if (strcmp(second, first) != 0)
			{
				r->need[1].v[ND_TYPE] = second;
				r->need[1].v[ND_RANK] = "2";
				r->nneed = 2;
				break;
			}
		}
	}
}

/* Placements of a plan active on census day: current, maybe previous, maybe dual. */
static void
add_active_placements(const Ctx *c, const Gen *g, SPerson *p, SReq *r, int32 start)
{
	PType		t = pick_ptype(c, g, F_PT, p->new_plan, p->age_rd);
	int32		entry = entry_date(c, g, F_ENTRY_J, t, p->birth);
	SRow	   *cur;

	r->npl = 0;
	/* the setting attended before the current one, when the move fell in the period */
	if (entry > c->ps + 20 && U(g, F_PREV_HAS) < 0.85)
	{
		int			y,
					m,
					d;
		int32		leave;
		int32		pentry;
		int			page;
		PType		pt;

		ymd(entry, &y, &m, &d);
		leave = (m == 9 && d == 1) ? mkdate(y, 7, R(g, F_PREV_LEAVE, 18, 24)) : entry - R(g, F_PREV_LEAVE, 1, 20);
		pentry = maxd(leave - R(g, F_PREV_ENTRY, 365, 1500), p->birth + 365);
		page = sen2_age_on(p->birth, leave);
		pt = pick_ptype(c, g, F_PREV_PT, p->new_plan, page);
		if (leave >= c->ps && leave > start && pentry < leave)
		{
			SRow	   *prev = &r->pl[r->npl++];

			set_placement(c, g, 1, prev, pt, "1", true);
			prev->v[PL_ENTRY] = dstr(pentry);
			prev->v[PL_LEAVING] = dstr(leave);
			p->prev_pl = r->npl - 1;
		}
	}
	cur = &r->pl[r->npl++];
	p->cur_pl = r->npl - 1;
	set_placement(c, g, 0, cur, t, "1", true);
	cur->v[PL_ENTRY] = dstr(entry);
	set_res_wbp(c, g, cur, t, p->age_rd);

	r->npd = 1;
	copy_to_plan_detail(cur, &r->pd[0]);

	/* a dual placement (main + secondary setting) for some school-age children */
	if (p->age_rd >= 5 && p->age_rd <= 15 && U(g, F_DUAL) < 0.015)
	{
		SRow	   *dual = &r->pl[r->npl++];
		PType		dt = ptypes[t].group == G_SP ? PT_MS_LA : PT_AP;

		set_placement(c, g, 2, dual, dt, "2", true);
		dual->v[PL_ENTRY] = dstr(maxd(entry, c->rd - R(g, F_DUAL_ENTRY, 30, 400)));
		copy_to_plan_detail(dual, &r->pd[r->npd++]);
	}

	/* the plan names what the person attends; 2023 keeps Res/WBP on ActivePlans */
	r->plan.v[NP_RES] = cur->v[PL_RES];
	r->plan.v[NP_WBP] = cur->v[PL_WBP];
	r->ap.v[AP_RES] = cur->v[PL_RES];
	r->ap.v[AP_WBP] = cur->v[PL_WBP];
}

static void
set_budget(const Ctx *c, const Gen *g, SRow *plan)
{
	if (U(g, F_PB) < 0.031)
	{
		plan->v[NP_PB] = "1";
		plan->v[NP_OA] = flag(g, F_OA, 0.20);
		if (U(g, F_DP_HAS) < 0.87)
			plan->v[NP_DP] = pick_code(&c->d_dp, g, F_DP);
	}
	else
		plan->v[NP_PB] = "0";
}

/*
 * Annual reviews (CY2024): of plans old enough to need one, 60.7% had the
 * latest meeting in the period, 24.1% before it, 1.8% in January before the
 * census, 13.5% none; 19.7% of meetings have no decision yet; 44.4% of
 * decisions came within four weeks.  A plan started less than two years
 * before the period cannot have its latest review before the period, so the
 * older plans carry all of the 24.1%.  From 2026 ReviewMeeting is
 * compulsory, so the 13.5% without a meeting get an earlier, overdue one.
 */
static void
add_reviews(const Ctx *c, const Gen *g, SRow *ap, int32 start, int32 horizon, bool ceased, bool cease_c)
{
	int32		meeting = NODATE;
	int32		last;
	double		u;

	if (start > horizon - 365)
		return;
	u = U(g, F_REV);
	if (ceased)
	{
		if (u < 0.7)
			meeting = horizon - R(g, F_REV_D, 20, 330);
	}
	else if (u < (start < c->ps - 365 ? 0.555 : 0.848))
		meeting = date_between(g, F_REV_D, c->ps, c->pe);
	else if (u < 0.848)
		meeting = date_between(g, F_REV_D, c->ps - 365, c->ps - 1);
	else if (u < 0.866)
		meeting = date_between(g, F_REV_D, c->pe + 1, c->rd - 1);
	else if (c->review_compulsory)
	{
		/* where the meeting is compulsory, an overdue review still has an old one */
		meeting = date_between(g, F_REV_D, c->ps - 365, c->ps - 1);
	}
	if (meeting == NODATE)
		return;
	if (meeting < start + 300)
		meeting = mind(start + 300 + R(g, F_REV_D + 1, 0, 60), horizon - 1);
	if (meeting <= start)
		return;
	ap->v[AP_MEETING] = dstr(meeting);
	if (U(g, F_DEC) < 0.197)
		return;					/* decision outstanding */
	last = meeting + (U(g, F_DEC_LAG) < 0.444 ? R(g, F_DEC_LAG + 1, 5, 28) : R(g, F_DEC_LAG + 1, 29, 110));
	if (last > horizon - 1 || last >= c->rd)
		return;					/* not yet decided on census day */
	ap->v[AP_LAST] = dstr(last);
	if (c->present[T_ACTIVE_PLANS][AP_OUTCOME])
	{
		const char *out = (cease_c && U(g, F_REV_OUT + 1) < 0.6) ? "C" : pick_code(&c->d_review, g, F_REV_OUT);

		if (!code_ok(c, "review_outcome", out))
			out = pick_code(&c->d_review, g, F_REV_OUT);
		ap->v[AP_OUTCOME] = out;
		if (strcmp(out, "A") == 0 && U(g, F_DRAFT) < 0.75)
		{
			int32		draft = last + R(g, F_DRAFT_D, 0, 28);

			if (draft < c->rd)
				ap->v[AP_DRAFT] = dstr(draft);
		}
	}
}

/* Phase transfers in September of the period: reception, year 7, post-16. */
static void
add_phase_transfer(const Ctx *c, const Gen *g, SRow *ap, int32 birth, int32 start)
{
	int			aa = sen2_age_on(birth, mkdate(c->rdY - 2, 8, 31));
	int32		due,
				fin;

	if (aa == 3 || aa == 10)
		due = mkdate(c->rdY - 1, 2, 15);
	else if (aa == 15)
		due = mkdate(c->rdY - 1, 3, 31);
	else
		return;
	if (start > due - 60)
		return;
	fin = U(g, F_PT_FINAL) < 0.72 ? due - R(g, F_PT_FINAL_D, 0, 40) : due + R(g, F_PT_FINAL_D, 1, 90);
	ap->v[AP_PT_DUE] = dstr(due);
	if (fin > start && fin < c->rd)
		ap->v[AP_PT_FINAL] = dstr(fin);
}

static void
set_request_flags(const Ctx *c, const Gen *g, SRow *rq, double pmed, double ptrib, bool in_period, int j)
{
	rq->v[RQ_RYA] = flag(g, FJ(F_RYA, j), 0.0032);
	rq->v[RQ_MEDIATION] = flag(g, FJ(F_RMED, j), pmed);
	rq->v[RQ_TRIBUNAL] = flag(g, FJ(F_RTRIB, j), ptrib);
	if (c->present[T_REQUEST][RQ_SOURCE] && (in_period || U(g, FJ(F_RSRC_HAS, j)) < 0.6))
		rq->v[RQ_SOURCE] = pick_code(&c->d_source, g, FJ(F_RSRC, j));
}

static void
set_assessment_flags(const Gen *g, SRow *as, bool historical, bool refused)
{
	as->v[AS_MEDIATION] = flag(g, F_AMED, historical ? 0.002 : refused ? 0.12 : 0.020);
	as->v[AS_TRIBUNAL] = flag(g, F_ATRIB, historical ? 0.002 : refused ? 0.08 : 0.014);
	as->v[AS_OTHER_MED] = flag(g, F_OMED, historical ? 0.003 : 0.018);
	as->v[AS_OTHER_TRIB] = flag(g, F_OTRIB, historical ? 0.005 : 0.029);
}

/* Identifiers and reasons for their absence, by age (sen2-spec.md 4.3). */
static void
set_identifiers(const Ctx *c, const Gen *g, SPerson *p, const char *upn_la)
{
	SRow	   *ps = &p->person;
	int			age = p->age_rd;
	bool		upn,
				uln = false;

	if (age < 5)
		upn = U(g, F_UPN_HAS) < 0.55;
	else if (age <= 15)
		upn = U(g, F_UPN_HAS) < 0.96;
	else
	{
		upn = U(g, F_UPN_HAS) < 0.88;
		uln = U(g, F_ULN_HAS) < 0.65;
	}
	if (upn)
	{
		int			by = year_of(p->birth);

		ps->v[PS_UPN] = make_upn(c, g, p->n, upn_la, Min(by + 4 + (age < 4 ? -1 : 0), c->rdY - 1));
	}
	if (uln)
		ps->v[PS_ULN] = make_uln(c, g, p->n);
	if (upn || uln)
		return;
	if ((p->cat == CAT_REQ_N || p->cat == CAT_REQ_W) && c->has_un10 && U(g, F_UN10) < 0.5)
		ps->v[PS_UPN_UNKNOWN] = "UN10";
	else if (age < 5 && c->has_un1)
		ps->v[PS_UPN_UNKNOWN] = "UN1";
	else if (age <= 15)
		ps->v[PS_UPN_UNKNOWN] = pick_code(&c->d_un_school, g, F_UN);
	else
		ps->v[PS_UPN_UNKNOWN] = pick_code(&c->d_un_adult, g, F_UN);
}

static void
set_person_basics(const Ctx *c, const Gen *g, SPerson *p, double pmale)
{
	SRow	   *ps = &p->person;
	bool		male = U(g, F_SEX) < pmale;
	uint64		idx = ((uint64) p->n * 69069u + (c->seedkey % 262144u)) % 262144u;

	ps->v[PS_SOURCE_ID] = psprintf("SYN%07lld", (long long) p->n);
	ps->v[PS_SURNAME] = psprintf("%s%s", surname_a[(idx >> 6) & 63], surname_b[idx & 63]);
	ps->v[PS_FORENAME] = (male ? forename_m : forename_f)[(idx >> 12) & 63];
	ps->v[PS_BIRTH] = dstr(p->birth);
	ps->v[PS_SEX] = male ? "M" : "F";
	ps->v[PS_GENDER] = male ? "1" : "2";
	ps->v[PS_ETHNICITY] = pick_code(&c->d_eth, g, F_ETH);
	ps->v[PS_POSTCODE] = make_postcode(c, g);
	p->age_rd = sen2_age_on(p->birth, c->rd);
}

/* The request of a plan made before the period (or brought in by a transfer). */
static void
historical_request(const Ctx *c, const Gen *g, SReq *r, int32 start, int32 birth, bool transfer)
{
	int32		received = Max(start - issue_duration(g, F_TL), birth + 30);

	if (U(g, F_RECV_HAS) < (transfer ? 0.5 : 0.8))
		r->req.v[RQ_RECEIVED] = dstr(received);
	r->req.v[RQ_OUTCOME] = "H";
	set_request_flags(c, g, &r->req, 0.02, 0.01,
					  r->req.v[RQ_RECEIVED] != NULL && received >= c->ps, 0);
	r->has_ass = true;
	r->ass.v[AS_OUTCOME] = "H";
	set_assessment_flags(g, &r->ass, true, false);
}

/*
 * Age at start of a plan older than the period, for someone `age` on census
 * day: the new-plan ages at start (a little older, as older cohorts started
 * later) weighted by how common the implied years in place are.  This keeps
 * the caseload ages exact and the published ages at start and years in
 * place within a few points (docs/synthetic-data.md).
 */
static int
old_plan_start_age(const Gen *g, int age)
{
	double		w[26];
	double		total = 0,
				x;
	int			s;

	for (s = 0; s <= age - 2 && s < 26; s++)
	{
		int			k = age - s;
		double		yk = k <= 11 ? years_in_place[k] : k <= 16 ? years_in_place[12] / 5 : 0;
		double		older = s < 5 ? 0.7 : s <= 10 ? 1.0 : s <= 15 ? 1.25 : 1.8;

		w[s] = age_start_new[s] * older * yk;
		total += w[s];
	}
	if (total <= 0)
		return 0;
	x = U(g, F_K) * total;
	for (s = 0; s < age - 2 && x >= w[s]; s++)
		x -= w[s];
	return s;
}

static void
gen_active(const Ctx *c, const Gen *g, SPerson *p)
{
	int32		start;
	SReq	   *r;
	const char *upn_la = c->la;

	if (U(g, F_START + 1) < P_NEW_PLAN)
	{
		/* issued in the period or in January before the census */
		int			s = pick_val(&c->d_age_start_new, g, F_AGE);

		start = date_between(g, F_START, c->ps, c->rd - 1);
		p->birth = birth_for_age(g, F_BIRTH, start, s);
		if (p->birth > start - 120)
			p->birth = start - R(g, F_BIRTH + 1, 120, 364);
		p->transfer_in = false;
		p->new_plan = true;
	}
	else
	{
		int			age = pick_val(&c->d_age_old, g, F_AGE);
		int			s;

		p->birth = birth_for_age(g, F_BIRTH, c->rd, age);
		s = old_plan_start_age(g, age);
		start = p->birth + 365 * s + s / 4 + R(g, F_START, 120, 364);
		if (start > c->ps - 1)
			start = c->ps - R(g, F_START + 2, 1, 90);
		start = Max(start, p->birth + 120);
		p->transfer_in = U(g, F_TIN) < 0.026;
		p->new_plan = false;
	}
	p->start = start;
	p->cease = NODATE;
	set_person_basics(c, g, p, p->new_plan ? 0.667 : 0.713);

	p->nreq = 1;
	p->main = 0;
	r = &p->req[0];
	if (p->new_plan)
	{
		int32		received = Max(start - issue_duration(g, F_TL), p->birth + 30);
		int			dur = start - received;
		int			rdel = Min(request_delay(g, F_RDEL), dur - 42);
		int32		decided = received + rdel;

		/* Week20 exceptions by timeliness band (CY2024: inc. - exc. exceptions) */
		static const double pexc[3] = {0.049, 0.076, 0.038};

		/* some had a request refused earlier in the period */
		if (U(g, F_MULTI) < 0.04)
		{
			int32		r0 = received - R(g, F_MULTI_GAP, 90, 200);
			int32		d0 = r0 + R(g, F_MULTI_DEL, 20, 42);

			if (d0 >= c->ps && d0 < received && r0 > p->birth + 365)
			{
				SReq	   *r1 = &p->req[0];

				r1->req.v[RQ_RECEIVED] = dstr(r0);
				r1->req.v[RQ_OUTCOME_DATE] = dstr(d0);
				r1->req.v[RQ_OUTCOME] = "N";
				set_request_flags(c, g, &r1->req, 0.2, 0.0, r0 >= c->ps, 1);
				p->nreq = 2;
				p->main = 1;
				r = &p->req[1];
			}
		}
		r->req.v[RQ_RECEIVED] = dstr(received);
		if (decided < c->ps)
			r->req.v[RQ_OUTCOME] = "H";
		else
		{
			r->req.v[RQ_OUTCOME] = "Y";
			r->req.v[RQ_OUTCOME_DATE] = dstr(decided);
		}
		set_request_flags(c, g, &r->req, 0.02, 0.01, received >= c->ps, 0);
		r->has_ass = true;
		r->ass.v[AS_OUTCOME] = "Y";
		r->ass.v[AS_DATE] = dstr(start);
		set_assessment_flags(g, &r->ass, false, false);
		r->ass.v[AS_WEEK20] = flag(g, F_W20, pexc[duration_band(dur)]);
	}
	else
	{
		historical_request(c, g, r, start, p->birth, p->transfer_in);
		if (p->transfer_in)
		{
			r->ap.v[AP_TRANSFER] = other_la(c, g, F_TLA);
			if (U(g, F_UPN_LA) < 0.7)
				upn_la = r->ap.v[AP_TRANSFER];
		}
	}
	set_identifiers(c, g, p, upn_la);

	r->has_plan = true;
	r->plan.v[NP_START] = dstr(start);
	set_budget(c, g, &r->plan);
	r->has_ap = true;
	add_active_placements(c, g, p, r, start);
	add_needs(c, g, r, p->age_rd);
	add_reviews(c, g, &r->ap, start, c->rd, false, false);
	add_phase_transfer(c, g, &r->ap, p->birth, start);
}

static void
gen_ceased(const Ctx *c, const Gen *g, SPerson *p)
{
	const char *reason = pick_code(&c->d_cease, g, F_CEASE_R);
	int			rn = reason[0] - '0';
	int32		cease;
	int			age;
	int32		start = NODATE;
	int			i;
	SReq	   *r;
	PType		t;
	SRow	   *pl;
	int32		entry,
				leave;

	if (rn == 1)
		cease = date_between(g, F_CEASE_D, mkdate(c->rdY - 1, 7, 15), mkdate(c->rdY - 1, 8, 31));
	else if ((rn == 3 || rn == 4 || rn == 6) && U(g, F_CEASE_D + 1) < 0.5)
		cease = date_between(g, F_CEASE_D, mkdate(c->rdY - 1, 7, 1), mkdate(c->rdY - 1, 10, 31));
	else
		cease = date_between(g, F_CEASE_D, c->ps, c->pe);
	cease = clampd(cease, c->ps, c->pe);
	age = pick_val(&c->d_cease_age[rn], g, F_CEASE_AGE);
	p->birth = birth_for_age(g, F_BIRTH, cease, age);
	for (i = 0; i < 6; i++)
	{
		int			k = pick_val(&c->d_yip, g, FJ(F_K, i));

		if (k < 1)
			k = 1;
		if (k == 12)
			k = R(g, FJ(F_K12, i), 12, 16);
		start = cease - 365 * (k - 1) - R(g, FJ(F_START, i), 30, 364);
		if (start >= p->birth + 120 && start < c->ps)
			break;
	}
	if (start < p->birth + 120)
		start = mind(p->birth + 120 + R(g, F_START, 0, 200), cease - 30);
	p->start = start;
	p->cease = cease;
	set_person_basics(c, g, p, 0.701);
	set_identifiers(c, g, p, c->la);

	p->nreq = 1;
	p->main = 0;
	r = &p->req[0];
	historical_request(c, g, r, start, p->birth, false);
	r->has_plan = true;
	r->plan.v[NP_START] = dstr(start);
	r->plan.v[NP_CEASE_DATE] = dstr(cease);
	r->plan.v[NP_CEASE_REASON] = reason;
	set_budget(c, g, &r->plan);

	r->has_ap = true;
	age = sen2_age_on(p->birth, cease);
	t = pick_ptype(c, g, F_PT, false, age);
	leave = rn == 5 ? cease : cease - R(g, F_CEASE_LEAVE, 0, 30);
	entry = clampd(cease - R(g, F_ENTRY_D, 200, 1500), p->birth + 365, leave - 1);
	pl = &r->pl[0];
	r->npl = 1;
	p->cur_pl = 0;
	set_placement(c, g, 0, pl, t, "1", true);
	pl->v[PL_ENTRY] = dstr(entry);
	pl->v[PL_LEAVING] = dstr(leave);
	set_res_wbp(c, g, pl, t, age);
	r->npd = 1;
	copy_to_plan_detail(pl, &r->pd[0]);
	r->plan.v[NP_RES] = pl->v[PL_RES];
	r->plan.v[NP_WBP] = pl->v[PL_WBP];
	r->ap.v[AP_RES] = pl->v[PL_RES];
	r->ap.v[AP_WBP] = pl->v[PL_WBP];
	add_needs(c, g, r, age);
	add_reviews(c, g, &r->ap, start, cease, true, rn == 2 || rn == 3 || rn == 4 || rn == 6);
}

/* Requests and assessments that have not (yet) led to a plan. */
static void
gen_request_only(const Ctx *c, const Gen *g, SPerson *p)
{
	SReq	   *r = &p->req[0];
	int32		received = NODATE;
	int32		decided = NODATE;
	int			age = pick_val(&c->d_age_request, g, F_AGE);
	int			rdel = request_delay(g, F_RDEL);

	p->nreq = 1;
	p->main = -1;
	p->start = p->cease = NODATE;
	switch (p->cat)
	{
		case CAT_REQ_N:
			received = date_between(g, F_RECV, c->ps, c->pe - rdel);
			decided = received + rdel;
			r->req.v[RQ_OUTCOME] = "N";
			break;
		case CAT_REQ_A:
			received = c->pe - (U(g, F_RECV + 1) < 0.8 ? R(g, F_RECV, 0, 42) : R(g, F_RECV, 43, 120));
			r->req.v[RQ_OUTCOME] = "A";
			break;
		case CAT_REQ_W:
			received = date_between(g, F_RECV, c->ps, c->pe - 10);
			r->req.v[RQ_OUTCOME] = "W";
			break;
		case CAT_ASS_N:
		case CAT_ASS_W:
			{
				int			total = p->cat == CAT_ASS_W ? R(g, F_ASS_TOTAL_D, 60, 200)
				: U(g, F_ASS_TOTAL) < 0.341 ? R(g, F_ASS_TOTAL_D, 70, 112) : R(g, F_ASS_TOTAL_D, 113, 250);
				int32		done = date_between(g, F_RECV, c->ps, c->pe);

				/*
				 * A withdrawal has no date of its own, so the request must
				 * fall in the period to be in scope (R12).
				 */
				if (p->cat == CAT_ASS_W)
					done = Max(done, c->ps + total);
				received = done - total;
				rdel = Min(rdel, total - 28);
				decided = received + rdel;
				r->has_ass = true;
				if (p->cat == CAT_ASS_N)
				{
					r->ass.v[AS_OUTCOME] = "N";
					r->ass.v[AS_DATE] = dstr(done);
				}
				else
					r->ass.v[AS_OUTCOME] = "W";
				set_assessment_flags(g, &r->ass, false, p->cat == CAT_ASS_N);
				break;
			}
		case CAT_ASS_PEND:
			{
				double		u = U(g, F_PEND_E);
				int			e = u < 0.75 ? R(g, F_PEND_ED, 42, 140) : u < 0.95 ? R(g, F_PEND_ED, 141, 300) : R(g, F_PEND_ED, 301, 360);

				received = c->pe - e;
				rdel = Max(7, Min(rdel, e - 7));
				decided = received + rdel;
				r->has_ass = true;
				r->ass.v[AS_OUTCOME] = (e >= 84 && U(g, F_PEND_Y) < 0.3) ? "Y" : "A";
				set_assessment_flags(g, &r->ass, false, false);
				break;
			}
		case CAT_EXPORTED:
			received = date_between(g, F_RECV, c->ps, c->pe - 60);
			r->req.v[RQ_EXPORTED] = other_la(c, g, F_EXP_LA);
			if (U(g, F_EXP_KIND) < 0.5)
			{
				decided = received + Min(rdel, 42);
				r->has_ass = true;
				r->ass.v[AS_OUTCOME] = "W";
				set_assessment_flags(g, &r->ass, false, false);
			}
			else
				r->req.v[RQ_OUTCOME] = "W";
			break;
		default:
			elog(ERROR, "unexpected synthetic category %d", (int) p->cat);
	}
	if (r->has_ass && r->req.v[RQ_OUTCOME] == NULL)
	{
		if (decided < c->ps)
			r->req.v[RQ_OUTCOME] = "H";
		else
		{
			r->req.v[RQ_OUTCOME] = "Y";
			r->req.v[RQ_OUTCOME_DATE] = dstr(decided);
		}
	}
	else if (decided != NODATE)
		r->req.v[RQ_OUTCOME_DATE] = dstr(decided);
	r->req.v[RQ_RECEIVED] = dstr(received);
	p->birth = birth_for_age(g, F_BIRTH, received, age);
	set_person_basics(c, g, p, 0.643);
	set_identifiers(c, g, p, c->la);
	if (p->cat == CAT_REQ_N)
		set_request_flags(c, g, &r->req, 0.20, 0.09, received >= c->ps, 0);
	else
		set_request_flags(c, g, &r->req, 0.02, 0.01, received >= c->ps, 0);
}

static void
gen_person(const Ctx *c, int64 n, SPerson *p)
{
	Gen			g;

	memset(p, 0, sizeof(*p));
	gen_init(&g, c->seedkey, n);
	p->n = n;
	p->main = -1;
	p->cur_pl = p->prev_pl = -1;
	p->defect = -1;
	p->start = p->cease = NODATE;
	p->cat = (Category) pick_val(&c->d_cat, &g, F_CAT);
	p->person.seq = (int) n;
	if (p->cat == CAT_ACTIVE)
		gen_active(c, &g, p);
	else if (p->cat == CAT_CEASED)
		gen_ceased(c, &g, p);
	else
		gen_request_only(c, &g, p);
	link_person(p);
}

/* ------------------------------------------------------------------------
 * Defects.  The names are the keys of sen2.synthetic_defect_kind; each case
 * says when the kind applies to a person and how it is planted, chosen so
 * that the defect is reported by its own rule only (the table lists the
 * overlaps the rule catalogue itself has).  A person carries at most one
 * defect, so defects never meet.
 * ------------------------------------------------------------------------ */
typedef enum
{
	K_DMO_MISSING, K_SOURCE_LEVEL_CODE,
	K_UPN_CHECK_LETTER, K_UPN_UNKNOWN_LA, K_ULN_CHECK_DIGIT, K_UPN_DUPLICATE,
	K_PERSON_DUPLICATE, K_UPN_UNKNOWN_MISSING, K_UPN_UNKNOWN_WITH_UPN, K_UN1_OVER_SIX,
	K_UPN_UNKNOWN_CODE, K_ETHNICITY_CODE, K_SEX_CODE, K_SURNAME_MISSING,
	K_BIRTH_DATE_MISSING, K_BIRTH_DATE_INVALID, K_BIRTH_AFTER_RD, K_AGE_OVER_25,
	K_POSTCODE_FORMAT, K_REQUESTS_MISSING, K_ITEM_NOT_IN_YEAR,
	K_REQUEST_OUTCOME_MISSING, K_REQUEST_OUTCOME_CODE, K_RECEIVED_DATE_MISSING,
	K_RECEIVED_AFTER_RD, K_RECEIVED_DATE_INVALID, K_OUTCOME_DATE_MISSING,
	K_OUTCOME_DATE_UNEXPECTED, K_OUTCOME_BEFORE_RECEIVED, K_RYA_NOT_BOOLEAN,
	K_REQUEST_SOURCE_CODE, K_REQUEST_SOURCE_MISSING, K_EXPORTED_OWN_LA,
	K_ASSESSMENT_MISSING, K_ASSESSMENT_AFTER_REFUSAL, K_REQUEST_OUT_OF_SCOPE,
	K_ACTIVE_PLANS_WITHOUT_PLAN,
	K_ASSESSMENT_OUTCOME_MISSING, K_ASSESSMENT_OUTCOME_CODE, K_NOT_ISSUED_WITHOUT_DATE,
	K_PENDING_WITH_DATE, K_ASSESSMENT_BEFORE_REQUEST_DECISION, K_WEEK20_MISSING,
	K_WEEK20_NOT_BOOLEAN, K_PLAN_FOR_NOT_ISSUED, K_TRANSFER_IN_NOT_HISTORICAL,
	K_START_DATE_MISSING, K_START_AFTER_RD, K_START_DIFFERS_FROM_ISSUE,
	K_CEASE_BEFORE_START, K_CEASE_REASON_MISSING, K_CEASE_REASON_WITHOUT_DATE,
	K_CEASE_REASON_CODE, K_MAX_AGE_REASON_YOUNG, K_PLAN_DETAIL_MISSING,
	K_PLAN_DETAIL_TWO_MAIN, K_PLAN_DETAIL_THREE, K_PLAN_DETAIL_NO_SETTING,
	K_UKPRN_FORMAT, K_SETTING_OTHER_MISSING, K_SEN_UNIT_MISSING, K_SEN_SETTING_CODE,
	K_PLAN_RES_CODE, K_DIRECT_PAYMENT_WITHOUT_PB,
	K_TRANSFER_LA_OWN, K_PLACEMENTS_MISSING, K_LEAVING_BEFORE_ENTRY, K_FUTURE_PLACEMENT,
	K_URN_FORMAT, K_NO_CURRENT_PLACEMENT, K_OVERLAPPING_PLACEMENTS, K_NEEDS_MISSING,
	K_TWO_PRIMARY_NEEDS, K_SAME_NEED_TWICE, K_SEN_TYPE_CODE, K_SEN_TYPE_MISSING,
	K_THREE_NEEDS, K_REVIEW_OUTCOME_WITHOUT_MEETING, K_LAST_REVIEW_BEFORE_MEETING,
	K_LAST_REVIEW_AFTER_RD, K_REVIEW_OUTCOME_CODE, K_REVIEW_DRAFT_NOT_AMEND,
	K_REVIEW_DRAFT_BEFORE_MEETING, K_PHASE_TRANSFER_LATE, K_RES_CODE,
	K_ACTIVE_PLANS_RES_CODE, K_INDICATOR_NOT_BOOLEAN,
	NKINDS
} Kind;

static const char *const kind_names[NKINDS] = {
	"dmo_missing", "source_level_code",
	"upn_check_letter", "upn_unknown_la", "uln_check_digit", "upn_duplicate",
	"person_duplicate", "upn_unknown_missing", "upn_unknown_with_upn", "un1_over_six",
	"upn_unknown_code", "ethnicity_code", "sex_code", "surname_missing",
	"birth_date_missing", "birth_date_invalid", "birth_after_rd", "age_over_25",
	"postcode_format", "requests_missing", "item_not_in_year",
	"request_outcome_missing", "request_outcome_code", "received_date_missing",
	"received_after_rd", "received_date_invalid", "outcome_date_missing",
	"outcome_date_unexpected", "outcome_before_received", "rya_not_boolean",
	"request_source_code", "request_source_missing", "exported_own_la",
	"assessment_missing", "assessment_after_refusal", "request_out_of_scope",
	"active_plans_without_plan",
	"assessment_outcome_missing", "assessment_outcome_code", "not_issued_without_date",
	"pending_with_date", "assessment_before_request_decision", "week20_missing",
	"week20_not_boolean", "plan_for_not_issued", "transfer_in_not_historical",
	"start_date_missing", "start_after_rd", "start_differs_from_issue",
	"cease_before_start", "cease_reason_missing", "cease_reason_without_date",
	"cease_reason_code", "max_age_reason_young", "plan_detail_missing",
	"plan_detail_two_main", "plan_detail_three", "plan_detail_no_setting",
	"ukprn_format", "setting_other_missing", "sen_unit_missing", "sen_setting_code",
	"plan_res_code", "direct_payment_without_pb",
	"transfer_la_own", "placements_missing", "leaving_before_entry", "future_placement",
	"urn_format", "no_current_placement", "overlapping_placements", "needs_missing",
	"two_primary_needs", "same_need_twice", "sen_type_code", "sen_type_missing",
	"three_needs", "review_outcome_without_meeting", "last_review_before_meeting",
	"last_review_after_rd", "review_outcome_code", "review_draft_not_amend",
	"review_draft_before_meeting", "phase_transfer_late", "res_code",
	"active_plans_res_code", "indicator_not_boolean"
};

#define T_RETURN NTABLES		/* defects on the header */

typedef struct Planted
{
	int			table;
	SRow	   *row;
	const char *item;
	const char *value;
} Planted;

static inline bool
is(const char *v, const char *s)
{
	return v != NULL && strcmp(v, s) == 0;
}

static char *
invalid_date(const Gen *g, int year)
{
	static const char *const md[6] = {"02-30", "02-31", "04-31", "06-31", "09-31", "11-31"};

	return psprintf("%04d-%s", year, md[R(g, F_DEFECT_C, 0, 5)]);
}

static SReq *
main_req(SPerson *p)
{
	return (p->main >= 0 && p->main < p->nreq) ? &p->req[p->main] : NULL;
}

/* the first request with this outcome and (want_ass) with/without an assessment */
static SReq *
req_with(SPerson *p, const char *outcome, int want_ass)
{
	int			i;

	for (i = 0; i < p->nreq; i++)
	{
		SReq	   *r = &p->req[i];

		if (is(r->req.v[RQ_OUTCOME], outcome) && (want_ass < 0 || r->has_ass == (want_ass > 0)))
			return r;
	}
	return NULL;
}

static SReq *
req_with_ass(SPerson *p, const char *ass_outcome)
{
	int			i;

	for (i = 0; i < p->nreq; i++)
		if (p->req[i].has_ass && is(p->req[i].ass.v[AS_OUTCOME], ass_outcome))
			return &p->req[i];
	return NULL;
}

/* the earliest date anywhere in the person's tree (to keep a copied birth date plausible) */
static int32
earliest_event(SPerson *p)
{
	int32		e = PG_INT32_MAX;
	int			i,
				j;

#define SEE(v) do { int32 d_ = dget(v); if (d_ != NODATE && d_ < e) e = d_; } while (0)
	for (i = 0; i < p->nreq; i++)
	{
		SReq	   *r = &p->req[i];

		SEE(r->req.v[RQ_RECEIVED]);
		SEE(r->req.v[RQ_OUTCOME_DATE]);
		if (r->has_plan)
			SEE(r->plan.v[NP_START]);
		for (j = 0; j < r->npl; j++)
			SEE(r->pl[j].v[PL_ENTRY]);
	}
#undef SEE
	return e;
}

#define PLANT(t, r, it, val) \
	do { out->table = (t); out->row = (r); out->item = (it); out->value = (val); } while (0)

static bool
plant(const Ctx *c, const Gen *g, SPerson *p, const SPerson *pred, int kind, Planted *out)
{
	SRow	   *ps = &p->person;
	SReq	   *m = main_req(p);
	SReq	   *r;
	SRow	   *row;
	int32		d,
				d2;
	char	   *s;
	int			i;

	switch ((Kind) kind)
	{
		case K_UPN_CHECK_LETTER:
			if (ps->v[PS_UPN] == NULL)
				return false;
			if (out)
			{
				s = pstrdup(ps->v[PS_UPN]);
				i = (int) (strchr(sen2_upn_letters, s[0]) - sen2_upn_letters);
				s[0] = sen2_upn_letters[(i + 1 + R(g, F_DEFECT_A, 0, 21)) % 23];
				ps->v[PS_UPN] = s;
				PLANT(T_PERSON, ps, "UPN", s);
			}
			return true;
		case K_UPN_UNKNOWN_LA:
			if (ps->v[PS_UPN] == NULL)
				return false;
			if (out)
			{
				char		expected;

				s = pstrdup(ps->v[PS_UPN]);
				memcpy(s + 1, "999", 3);
				if (sen2_upn_problem(s, 13, &expected) != NULL && expected != '\0')
					s[0] = expected;
				ps->v[PS_UPN] = s;
				PLANT(T_PERSON, ps, "UPN", s);
			}
			return true;
		case K_ULN_CHECK_DIGIT:
			if (ps->v[PS_ULN] == NULL)
				return false;
			if (out)
			{
				s = pstrdup(ps->v[PS_ULN]);
				s[9] = (char) ('0' + (s[9] - '0' + 1 + R(g, F_DEFECT_A, 0, 8)) % 10);
				ps->v[PS_ULN] = s;
				PLANT(T_PERSON, ps, "UniqueLearnerNumber", s);
			}
			return true;
		case K_UPN_DUPLICATE:
			if (ps->v[PS_UPN] == NULL || pred == NULL || pred->person.v[PS_UPN] == NULL)
				return false;
			if (out)
			{
				ps->v[PS_UPN] = pred->person.v[PS_UPN];
				PLANT(T_PERSON, ps, "UPN", ps->v[PS_UPN]);
			}
			return true;
		case K_PERSON_DUPLICATE:
			if (pred == NULL || pred->birth >= earliest_event(p) - 365)
				return false;
			if (p->cat == CAT_ACTIVE && sen2_age_on(pred->birth, mkdate(c->rdY - 1, 8, 31)) > 25)
				return false;
			if (is(ps->v[PS_UPN_UNKNOWN], "UN1") && sen2_age_on(pred->birth, c->rd) >= 6)
				return false;
			if (out)
			{
				ps->v[PS_SURNAME] = pred->person.v[PS_SURNAME];
				ps->v[PS_FORENAME] = pred->person.v[PS_FORENAME];
				ps->v[PS_BIRTH] = pred->person.v[PS_BIRTH];
				ps->v[PS_SEX] = pred->person.v[PS_SEX];
				ps->v[PS_GENDER] = pred->person.v[PS_GENDER];
				p->birth = pred->birth;
				PLANT(T_PERSON, ps, "Surname", ps->v[PS_SURNAME]);
			}
			return true;
		case K_UPN_UNKNOWN_MISSING:
			if (ps->v[PS_UPN_UNKNOWN] == NULL)
				return false;
			if (out)
			{
				ps->v[PS_UPN_UNKNOWN] = NULL;
				PLANT(T_PERSON, ps, "UPNunknown", NULL);
			}
			return true;
		case K_UPN_UNKNOWN_WITH_UPN:
			if (ps->v[PS_UPN] == NULL || !code_ok(c, "upn_unknown", "UN8"))
				return false;
			if (out)
			{
				ps->v[PS_UPN_UNKNOWN] = "UN8";
				PLANT(T_PERSON, ps, "UPNunknown", "UN8");
			}
			return true;
		case K_UN1_OVER_SIX:
			if (ps->v[PS_UPN_UNKNOWN] == NULL || is(ps->v[PS_UPN_UNKNOWN], "UN1") ||
				p->age_rd < 6 || !c->has_un1)
				return false;
			if (out)
			{
				ps->v[PS_UPN_UNKNOWN] = "UN1";
				PLANT(T_PERSON, ps, "UPNunknown", "UN1");
			}
			return true;
		case K_UPN_UNKNOWN_CODE:
			if (ps->v[PS_UPN_UNKNOWN] == NULL || code_ok(c, "upn_unknown", "UN4"))
				return false;
			if (out)
			{
				ps->v[PS_UPN_UNKNOWN] = "UN4";
				PLANT(T_PERSON, ps, "UPNunknown", "UN4");
			}
			return true;
		case K_ETHNICITY_CODE:
			if (code_ok(c, "ethnicity", "WENG"))
				return false;
			if (out)
			{
				ps->v[PS_ETHNICITY] = "WENG";
				PLANT(T_PERSON, ps, "Ethnicity", "WENG");
			}
			return true;
		case K_SEX_CODE:
			if (c->use_sex ? code_ok(c, "sex", "X") : code_ok(c, "gender", "3"))
				return false;
			if (out)
			{
				if (c->use_sex)
				{
					ps->v[PS_SEX] = "X";
					PLANT(T_PERSON, ps, "Sex", "X");
				}
				else
				{
					ps->v[PS_GENDER] = "3";
					PLANT(T_PERSON, ps, "Gender", "3");
				}
			}
			return true;
		case K_SURNAME_MISSING:
			if (out)
			{
				ps->v[PS_SURNAME] = NULL;
				PLANT(T_PERSON, ps, "Surname", NULL);
			}
			return true;
		case K_BIRTH_DATE_MISSING:
			if (out)
			{
				ps->v[PS_BIRTH] = NULL;
				PLANT(T_PERSON, ps, "PersonBirthDate", NULL);
			}
			return true;
		case K_BIRTH_DATE_INVALID:
			if (out)
			{
				ps->v[PS_BIRTH] = invalid_date(g, year_of(p->birth));
				PLANT(T_PERSON, ps, "PersonBirthDate", ps->v[PS_BIRTH]);
			}
			return true;
		case K_BIRTH_AFTER_RD:
			/* a "maximum age" cessation would also fail its age check (N04) */
			if (m != NULL && is(m->plan.v[NP_CEASE_REASON], "1"))
				return false;
			if (out)
			{
				ps->v[PS_BIRTH] = dstr(c->rd + R(g, F_DEFECT_A, 1, 60));
				PLANT(T_PERSON, ps, "PersonBirthDate", ps->v[PS_BIRTH]);
			}
			return true;
		case K_AGE_OVER_25:
			if (p->cat != CAT_ACTIVE || p->age_rd < 19)
				return false;
			if (out)
			{
				p->birth = birth_for_age(g, F_DEFECT_A, mkdate(c->rdY - 1, 8, 31), R(g, F_DEFECT_B, 26, 27));
				ps->v[PS_BIRTH] = dstr(p->birth);
				PLANT(T_PERSON, ps, "PersonBirthDate", ps->v[PS_BIRTH]);
			}
			return true;
		case K_POSTCODE_FORMAT:
			if (ps->v[PS_POSTCODE] == NULL)
				return false;
			if (out)
			{
				s = pstrdup(ps->v[PS_POSTCODE]);
				for (i = 0; s[i]; i++)
					if (s[i] >= 'A' && s[i] <= 'Z')
						s[i] = (char) (s[i] - 'A' + 'a');
				ps->v[PS_POSTCODE] = s;
				PLANT(T_PERSON, ps, "PostCode", s);
			}
			return true;
		case K_REQUESTS_MISSING:
			if (p->nreq == 0)
				return false;
			if (out)
			{
				p->nreq = 0;
				p->main = -1;
				PLANT(T_PERSON, ps, "Requests", NULL);
			}
			return true;
		case K_ITEM_NOT_IN_YEAR:
			if (c->present[T_PERSON][PS_GENDER] && c->present[T_PERSON][PS_SEX])
				return false;
			if (out)
			{
				int			col = c->present[T_PERSON][PS_GENDER] ? PS_SEX : PS_GENDER;

				ps->force |= (uint16) (1 << col);
				PLANT(T_PERSON, ps, col == PS_SEX ? "Sex" : "Gender", ps->v[col]);
			}
			return true;

			/* requests */
		case K_REQUEST_OUTCOME_MISSING:
		case K_REQUEST_OUTCOME_CODE:
			if ((r = req_with(p, "A", 0)) == NULL && (r = req_with(p, "W", 0)) == NULL)
				return false;
			if (out)
			{
				r->req.v[RQ_OUTCOME] = kind == K_REQUEST_OUTCOME_CODE ? "P" : NULL;
				PLANT(T_REQUEST, &r->req, "RequestOutcome", r->req.v[RQ_OUTCOME]);
			}
			return true;
		case K_RECEIVED_DATE_MISSING:
			if ((r = req_with(p, "N", 0)) == NULL || dget(r->req.v[RQ_OUTCOME_DATE]) < c->ps)
				return false;
			if (out)
			{
				r->req.v[RQ_RECEIVED] = NULL;
				PLANT(T_REQUEST, &r->req, "ReceivedDate", NULL);
			}
			return true;
		case K_RECEIVED_AFTER_RD:
			if ((r = req_with(p, "A", 0)) == NULL)
				return false;
			if (out)
			{
				r->req.v[RQ_RECEIVED] = dstr(c->rd + R(g, F_DEFECT_A, 1, 30));
				PLANT(T_REQUEST, &r->req, "ReceivedDate", r->req.v[RQ_RECEIVED]);
			}
			return true;
		case K_RECEIVED_DATE_INVALID:
			if ((r = req_with(p, "H", -1)) == NULL || (d = dget(r->req.v[RQ_RECEIVED])) == NODATE)
				return false;
			if (out)
			{
				r->req.v[RQ_RECEIVED] = invalid_date(g, year_of(d));
				PLANT(T_REQUEST, &r->req, "ReceivedDate", r->req.v[RQ_RECEIVED]);
			}
			return true;
		case K_OUTCOME_DATE_MISSING:
			if ((r = req_with(p, "N", 0)) == NULL || dget(r->req.v[RQ_RECEIVED]) < c->ps)
				return false;
			if (out)
			{
				r->req.v[RQ_OUTCOME_DATE] = NULL;
				PLANT(T_REQUEST, &r->req, "RequestOutcomeDate", NULL);
			}
			return true;
		case K_OUTCOME_DATE_UNEXPECTED:
			if ((r = req_with(p, "A", 0)) == NULL && (r = req_with(p, "W", 0)) == NULL)
				return false;
			if ((d = dget(r->req.v[RQ_RECEIVED])) == NODATE || d + 10 >= c->rd)
				return false;
			if (out)
			{
				r->req.v[RQ_OUTCOME_DATE] = dstr(Min(d + R(g, F_DEFECT_A, 10, 30), c->rd - 1));
				PLANT(T_REQUEST, &r->req, "RequestOutcomeDate", r->req.v[RQ_OUTCOME_DATE]);
			}
			return true;
		case K_OUTCOME_BEFORE_RECEIVED:
			if ((r = req_with(p, "N", 0)) == NULL || (d = dget(r->req.v[RQ_RECEIVED])) == NODATE ||
				d < c->ps + 30 || r->req.v[RQ_OUTCOME_DATE] == NULL)
				return false;
			if (out)
			{
				r->req.v[RQ_OUTCOME_DATE] = dstr(d - R(g, F_DEFECT_A, 1, 30));
				PLANT(T_REQUEST, &r->req, "RequestOutcomeDate", r->req.v[RQ_OUTCOME_DATE]);
			}
			return true;
		case K_RYA_NOT_BOOLEAN:
			if (p->nreq == 0)
				return false;
			if (out)
			{
				r = &p->req[p->nreq - 1];
				r->req.v[RQ_RYA] = "N";
				PLANT(T_REQUEST, &r->req, "RYA", "N");
			}
			return true;
		case K_REQUEST_SOURCE_CODE:
		case K_REQUEST_SOURCE_MISSING:
			r = NULL;
			for (i = 0; i < p->nreq && r == NULL; i++)
				if (p->req[i].req.v[RQ_SOURCE] != NULL &&
					(kind == K_REQUEST_SOURCE_CODE || dget(p->req[i].req.v[RQ_RECEIVED]) >= c->ps))
					r = &p->req[i];
			if (r == NULL || !c->present[T_REQUEST][RQ_SOURCE])
				return false;
			if (kind == K_REQUEST_SOURCE_CODE ? code_ok(c, "request_source", "6") : !c->source_compulsory)
				return false;
			if (out)
			{
				r->req.v[RQ_SOURCE] = kind == K_REQUEST_SOURCE_CODE ? "6" : NULL;
				PLANT(T_REQUEST, &r->req, "RequestSource", r->req.v[RQ_SOURCE]);
			}
			return true;
		case K_EXPORTED_OWN_LA:
			r = NULL;
			for (i = 0; i < p->nreq && r == NULL; i++)
				if (p->req[i].req.v[RQ_EXPORTED] != NULL)
					r = &p->req[i];
			if (r == NULL)
				return false;
			if (out)
			{
				r->req.v[RQ_EXPORTED] = c->la;
				PLANT(T_REQUEST, &r->req, "Exported", c->la);
			}
			return true;
		case K_ASSESSMENT_MISSING:
		case K_ASSESSMENT_AFTER_REFUSAL:
			if ((r = req_with(p, "Y", 1)) == NULL || r->has_plan || r->has_ap)
				return false;
			if (kind == K_ASSESSMENT_AFTER_REFUSAL &&
				!(is(r->req.v[RQ_MEDIATION], "0") && is(r->req.v[RQ_TRIBUNAL], "0")))
				return false;
			if (out)
			{
				if (kind == K_ASSESSMENT_MISSING)
				{
					r->has_ass = false;
					PLANT(T_REQUEST, &r->req, "Assessment", NULL);
				}
				else
				{
					r->req.v[RQ_OUTCOME] = "N";
					PLANT(T_REQUEST, &r->req, "RequestOutcome", "N");
				}
			}
			return true;
		case K_REQUEST_OUT_OF_SCOPE:
			if (p->cat != CAT_ACTIVE || p->new_plan || p->nreq >= MAXREQ)
				return false;
			d = Min(p->start, c->ps) - R(g, F_DEFECT_A, 730, 1100);
			if (d < p->birth + 365)
				return false;
			if (out)
			{
				r = &p->req[p->nreq++];
				memset(r, 0, sizeof(*r));
				r->req.v[RQ_RECEIVED] = dstr(d);
				r->req.v[RQ_OUTCOME_DATE] = dstr(d + R(g, F_DEFECT_B, 20, 42));
				r->req.v[RQ_OUTCOME] = "N";
				r->req.v[RQ_RYA] = "0";
				r->req.v[RQ_MEDIATION] = "0";
				r->req.v[RQ_TRIBUNAL] = "0";
				if (c->present[T_REQUEST][RQ_SOURCE])
					r->req.v[RQ_SOURCE] = c->d_source.code[0];
				PLANT(T_REQUEST, &r->req, "Requests", NULL);
			}
			return true;
		case K_ACTIVE_PLANS_WITHOUT_PLAN:
			if (p->cat != CAT_REQ_N || (r = req_with(p, "N", 0)) == NULL || r->has_ap)
				return false;
			if (out)
			{
				PType		t = pick_ptype(c, g, F_DEFECT_A, false, p->age_rd);

				r->has_ap = true;
				r->npl = 1;
				set_placement(c, g, 3, &r->pl[0], t, "1", true);
				r->pl[0].v[PL_ENTRY] = dstr(entry_date(c, g, F_DEFECT_B, t, p->birth));
				add_needs(c, g, r, p->age_rd);
				PLANT(T_ACTIVE_PLANS, &r->ap, "ActivePlans", NULL);
			}
			return true;

			/* assessments */
		case K_ASSESSMENT_OUTCOME_MISSING:
		case K_ASSESSMENT_OUTCOME_CODE:
			if ((r = req_with_ass(p, "A")) == NULL || r->has_plan ||
				(kind == K_ASSESSMENT_OUTCOME_CODE && code_ok(c, "assessment_outcome", "S")))
				return false;
			if (out)
			{
				r->ass.v[AS_OUTCOME] = kind == K_ASSESSMENT_OUTCOME_CODE ? "S" : NULL;
				PLANT(T_ASSESSMENT, &r->ass, "AssessmentOutcome", r->ass.v[AS_OUTCOME]);
			}
			return true;
		case K_NOT_ISSUED_WITHOUT_DATE:
			/* the request must be in scope without the decision date (R12) */
			if ((r = req_with_ass(p, "N")) == NULL || r->ass.v[AS_DATE] == NULL ||
				(dget(r->req.v[RQ_RECEIVED]) < c->ps && dget(r->req.v[RQ_OUTCOME_DATE]) < c->ps))
				return false;
			if (out)
			{
				r->ass.v[AS_DATE] = NULL;
				PLANT(T_ASSESSMENT, &r->ass, "AssessmentOutcomeDate", NULL);
			}
			return true;
		case K_PENDING_WITH_DATE:
			if ((r = req_with_ass(p, "A")) == NULL || (d = dget(r->req.v[RQ_OUTCOME_DATE])) == NODATE ||
				d + 20 >= c->rd)
				return false;
			if (out)
			{
				r->ass.v[AS_DATE] = dstr(Min(d + R(g, F_DEFECT_A, 20, 40), c->rd - 1));
				PLANT(T_ASSESSMENT, &r->ass, "AssessmentOutcomeDate", r->ass.v[AS_DATE]);
			}
			return true;
		case K_ASSESSMENT_BEFORE_REQUEST_DECISION:
			if ((r = req_with_ass(p, "N")) == NULL || r->ass.v[AS_DATE] == NULL ||
				(d = dget(r->req.v[RQ_RECEIVED])) == NODATE ||
				(d2 = dget(r->req.v[RQ_OUTCOME_DATE])) == NODATE || d2 - d < 2)
				return false;
			if (out)
			{
				r->ass.v[AS_DATE] = dstr(d + R(g, F_DEFECT_A, 0, d2 - d - 1));
				PLANT(T_ASSESSMENT, &r->ass, "AssessmentOutcomeDate", r->ass.v[AS_DATE]);
			}
			return true;
		case K_WEEK20_MISSING:
		case K_WEEK20_NOT_BOOLEAN:
			if ((r = req_with_ass(p, "Y")) == NULL || r->ass.v[AS_DATE] == NULL || r->ass.v[AS_WEEK20] == NULL)
				return false;
			if (out)
			{
				r->ass.v[AS_WEEK20] = kind == K_WEEK20_NOT_BOOLEAN ? "N" : NULL;
				PLANT(T_ASSESSMENT, &r->ass, "Week20", r->ass.v[AS_WEEK20]);
			}
			return true;
		case K_PLAN_FOR_NOT_ISSUED:
			if ((r = req_with_ass(p, "N")) == NULL || r->has_plan || r->ass.v[AS_DATE] == NULL)
				return false;
			if (out)
			{
				r->has_plan = true;
				memset(&r->plan, 0, sizeof(SRow));
				r->plan.v[NP_START] = r->ass.v[AS_DATE];
				r->plan.v[NP_PB] = "0";
				r->npd = 1;
				memset(&r->pd[0], 0, sizeof(SRow));
				set_placement(c, g, 3, &r->pd[0], PT_MS_LA, "1", false);
				PLANT(T_NAMED_PLAN, &r->plan, "NamedPlan", NULL);
			}
			return true;
		case K_TRANSFER_IN_NOT_HISTORICAL:
			if (!p->transfer_in || m == NULL || !is(m->ass.v[AS_OUTCOME], "H"))
				return false;
			if (out)
			{
				m->ass.v[AS_OUTCOME] = "Y";
				PLANT(T_ASSESSMENT, &m->ass, "AssessmentOutcome", "Y");
			}
			return true;

			/* named plans */
		case K_START_DATE_MISSING:
			if (m == NULL || !m->has_plan)
				return false;
			if (out)
			{
				m->plan.v[NP_START] = NULL;
				PLANT(T_NAMED_PLAN, &m->plan, "StartDate", NULL);
			}
			return true;
		case K_START_AFTER_RD:
			if (p->cat != CAT_ACTIVE || p->new_plan || m == NULL)
				return false;
			if (out)
			{
				m->plan.v[NP_START] = dstr(c->rd + R(g, F_DEFECT_A, 1, 60));
				PLANT(T_NAMED_PLAN, &m->plan, "StartDate", m->plan.v[NP_START]);
			}
			return true;
		case K_START_DIFFERS_FROM_ISSUE:
			if (p->cat != CAT_ACTIVE || !p->new_plan || m == NULL ||
				(d = dget(m->ass.v[AS_DATE])) == NODATE || d + 1 >= c->rd)
				return false;
			if (out)
			{
				m->plan.v[NP_START] = dstr(Min(d + R(g, F_DEFECT_A, 1, 14), c->rd - 1));
				PLANT(T_NAMED_PLAN, &m->plan, "StartDate", m->plan.v[NP_START]);
			}
			return true;
		case K_CEASE_BEFORE_START:
			if (p->cat != CAT_CEASED || m == NULL || p->cease >= c->pe)
				return false;
			if (out)
			{
				m->plan.v[NP_START] = dstr(p->cease + R(g, F_DEFECT_A, 1, c->pe - p->cease));
				PLANT(T_NAMED_PLAN, &m->plan, "StartDate", m->plan.v[NP_START]);
			}
			return true;
		case K_CEASE_REASON_MISSING:
		case K_CEASE_REASON_CODE:
			if (p->cat != CAT_CEASED || m == NULL ||
				(kind == K_CEASE_REASON_CODE && code_ok(c, "cease_reason", "0")))
				return false;
			if (out)
			{
				m->plan.v[NP_CEASE_REASON] = kind == K_CEASE_REASON_CODE ? "0" : NULL;
				PLANT(T_NAMED_PLAN, &m->plan, "CeaseReason", m->plan.v[NP_CEASE_REASON]);
			}
			return true;
		case K_CEASE_REASON_WITHOUT_DATE:
			if (p->cat != CAT_ACTIVE || m == NULL)
				return false;
			if (out)
			{
				m->plan.v[NP_CEASE_REASON] = "2";
				PLANT(T_NAMED_PLAN, &m->plan, "CeaseReason", "2");
			}
			return true;
		case K_MAX_AGE_REASON_YOUNG:
			{
				int			y,
							mo,
							dd;

				if (p->cat != CAT_CEASED || m == NULL || is(m->plan.v[NP_CEASE_REASON], "1"))
					return false;
				ymd(p->cease, &y, &mo, &dd);
				if (sen2_age_on(p->birth, mkdate(mo >= 9 ? y + 1 : y, 8, 31)) >= 19)
					return false;
				if (out)
				{
					m->plan.v[NP_CEASE_REASON] = "1";
					PLANT(T_NAMED_PLAN, &m->plan, "CeaseReason", "1");
				}
				return true;
			}
		case K_PLAN_DETAIL_MISSING:
			if (m == NULL || !m->has_plan || m->npd == 0)
				return false;
			if (out)
			{
				m->npd = 0;
				PLANT(T_NAMED_PLAN, &m->plan, "PlanDetail", NULL);
			}
			return true;
		case K_PLAN_DETAIL_TWO_MAIN:
		case K_PLAN_DETAIL_THREE:
			if (m == NULL || !m->has_plan || m->npd != 1)
				return false;
			if (out)
			{
				m->pd[1] = m->pd[0];
				if (kind == K_PLAN_DETAIL_TWO_MAIN)
				{
					m->npd = 2;
					PLANT(T_PLAN_DETAIL, &m->pd[1], "PlacementRank", m->pd[1].v[PD_RANK]);
				}
				else
				{
					m->pd[1].v[PD_RANK] = "2";
					m->pd[2] = m->pd[1];
					m->npd = 3;
					PLANT(T_PLAN_DETAIL, &m->pd[2], "PlanDetail", NULL);
				}
			}
			return true;
		case K_PLAN_DETAIL_NO_SETTING:
			if (m == NULL || !m->has_plan || m->npd == 0 || m->pd[0].v[PD_URN] == NULL ||
				m->pd[0].v[PD_UKPRN] != NULL || m->pd[0].v[PD_SETTING] != NULL)
				return false;
			if (out)
			{
				m->pd[0].v[PD_URN] = NULL;
				PLANT(T_PLAN_DETAIL, &m->pd[0], "URN", NULL);
			}
			return true;
		case K_UKPRN_FORMAT:
			if (m == NULL || !m->has_plan || m->npd == 0 || m->pd[0].v[PD_UKPRN] == NULL)
				return false;
			if (out)
			{
				m->pd[0].v[PD_UKPRN] = pnstrdup(m->pd[0].v[PD_UKPRN], 7);
				PLANT(T_PLAN_DETAIL, &m->pd[0], "UKPRN", m->pd[0].v[PD_UKPRN]);
			}
			return true;
		case K_SETTING_OTHER_MISSING:
			if (m == NULL || !m->has_plan || m->npd == 0 || m->pd[0].v[PD_OTHER] == NULL)
				return false;
			if (out)
			{
				m->pd[0].v[PD_OTHER] = NULL;
				PLANT(T_PLAN_DETAIL, &m->pd[0], "SENSettingOther", NULL);
			}
			return true;
		case K_SEN_UNIT_MISSING:
			if (m == NULL || !m->has_plan || m->npd == 0)
				return false;
			if (out)
			{
				m->pd[0].v[PD_UNIT] = NULL;
				PLANT(T_PLAN_DETAIL, &m->pd[0], "SENunitIndicator", NULL);
			}
			return true;
		case K_SEN_SETTING_CODE:
			if (m == NULL || !m->has_plan || m->npd == 0 || m->pd[0].v[PD_SETTING] == NULL ||
				code_ok(c, "sen_setting", "HOME"))
				return false;
			if (out)
			{
				m->pd[0].v[PD_SETTING] = "HOME";
				PLANT(T_PLAN_DETAIL, &m->pd[0], "SENsetting", "HOME");
			}
			return true;
		case K_PLAN_RES_CODE:
			if (m == NULL || !m->has_plan || code_ok(c, "residential", "C"))
				return false;
			if (out)
			{
				m->plan.v[NP_RES] = "C";
				PLANT(T_NAMED_PLAN, &m->plan, "PlanRes", "C");
			}
			return true;
		case K_DIRECT_PAYMENT_WITHOUT_PB:
			if (m == NULL || !m->has_plan || !is(m->plan.v[NP_PB], "0") || !code_ok(c, "direct_payment", "S"))
				return false;
			if (out)
			{
				m->plan.v[NP_DP] = "S";
				PLANT(T_NAMED_PLAN, &m->plan, "DP", "S");
			}
			return true;

			/* active plans */
		case K_TRANSFER_LA_OWN:
			if (m == NULL || !m->has_ap || m->ap.v[AP_TRANSFER] == NULL)
				return false;
			if (out)
			{
				m->ap.v[AP_TRANSFER] = c->la;
				PLANT(T_ACTIVE_PLANS, &m->ap, "TransferLA", c->la);
			}
			return true;
		case K_PLACEMENTS_MISSING:
			if (p->cat != CAT_CEASED || m == NULL || m->npl == 0)
				return false;
			if (out)
			{
				m->npl = 0;
				PLANT(T_ACTIVE_PLANS, &m->ap, "PlacementDetail", NULL);
			}
			return true;
		case K_LEAVING_BEFORE_ENTRY:
			if (m == NULL)
				return false;
			i = p->cat == CAT_CEASED ? 0 : p->prev_pl;
			if (i < 0 || i >= m->npl || m->pl[i].v[PL_LEAVING] == NULL ||
				(d = dget(m->pl[i].v[PL_ENTRY])) == NODATE)
				return false;
			if (out)
			{
				m->pl[i].v[PL_LEAVING] = dstr(d - R(g, F_DEFECT_A, 1, 30));
				PLANT(T_PLACEMENT, &m->pl[i], "LeavingDate", m->pl[i].v[PL_LEAVING]);
			}
			return true;
		case K_FUTURE_PLACEMENT:
			if (p->cat != CAT_ACTIVE || m == NULL || m->npl >= MAXPL)
				return false;
			if (out)
			{
				row = &m->pl[m->npl++];
				memset(row, 0, sizeof(SRow));
				set_placement(c, g, 3, row, PT_AP, "2", true);
				row->v[PL_ENTRY] = dstr(c->rd + R(g, F_DEFECT_A, 1, 60));
				PLANT(T_PLACEMENT, row, "EntryDate", row->v[PL_ENTRY]);
			}
			return true;
		case K_URN_FORMAT:
			if (m == NULL || p->cur_pl < 0 || p->cur_pl >= m->npl || m->pl[p->cur_pl].v[PL_URN] == NULL)
				return false;
			if (out)
			{
				row = &m->pl[p->cur_pl];
				row->v[PL_URN] = pnstrdup(row->v[PL_URN], 5);
				PLANT(T_PLACEMENT, row, "URN", row->v[PL_URN]);
			}
			return true;
		case K_NO_CURRENT_PLACEMENT:
			if (p->cat != CAT_ACTIVE || m == NULL || p->cur_pl < 0 ||
				(d = dget(m->pl[p->cur_pl].v[PL_ENTRY])) == NODATE || d > c->rd - 62)
				return false;
			if (out)
			{
				row = &m->pl[p->cur_pl];
				row->v[PL_LEAVING] = dstr(c->rd - R(g, F_DEFECT_A, 1, 60));
				PLANT(T_PLACEMENT, row, "LeavingDate", row->v[PL_LEAVING]);
			}
			return true;
		case K_OVERLAPPING_PLACEMENTS:
			if (p->cat != CAT_ACTIVE || m == NULL || p->prev_pl < 0 || p->cur_pl < 0 ||
				(d = dget(m->pl[p->cur_pl].v[PL_ENTRY])) == NODATE || d + 11 >= c->rd)
				return false;
			if (out)
			{
				row = &m->pl[p->prev_pl];
				row->v[PL_LEAVING] = dstr(Min(d + R(g, F_DEFECT_A, 10, 60), c->rd - 1));
				PLANT(T_PLACEMENT, row, "LeavingDate", row->v[PL_LEAVING]);
			}
			return true;
		case K_NEEDS_MISSING:
			if (m == NULL || !m->has_ap || m->nneed == 0)
				return false;
			if (out)
			{
				m->nneed = 0;
				PLANT(T_ACTIVE_PLANS, &m->ap, "SENneed", NULL);
			}
			return true;
		case K_TWO_PRIMARY_NEEDS:
		case K_SAME_NEED_TWICE:
			if (m == NULL || !m->has_ap || m->nneed != 2)
				return false;
			if (out)
			{
				if (kind == K_TWO_PRIMARY_NEEDS)
				{
					m->need[1].v[ND_RANK] = "1";
					PLANT(T_NEED, &m->need[1], "SENtypeRank", "1");
				}
				else
				{
					m->need[1].v[ND_TYPE] = m->need[0].v[ND_TYPE];
					PLANT(T_NEED, &m->need[1], "SENtype", m->need[1].v[ND_TYPE]);
				}
			}
			return true;
		case K_SEN_TYPE_CODE:
		case K_SEN_TYPE_MISSING:
			if (m == NULL || !m->has_ap || m->nneed == 0)
				return false;
			if (kind == K_SEN_TYPE_CODE && code_ok(c, "sen_type", c->has_ds ? "NSA" : "DS"))
				return false;
			if (out)
			{
				m->need[0].v[ND_TYPE] = kind == K_SEN_TYPE_MISSING ? NULL : c->has_ds ? "NSA" : "DS";
				PLANT(T_NEED, &m->need[0], "SENtype", m->need[0].v[ND_TYPE]);
			}
			return true;
		case K_THREE_NEEDS:
			if (m == NULL || !m->has_ap || m->nneed != 2)
				return false;
			if (out)
			{
				const Dist *nd = &c->d_need[band_of(p->age_rd)];

				row = &m->need[2];
				memset(row, 0, sizeof(SRow));
				for (i = 0; i < nd->n; i++)
					if (!is(m->need[0].v[ND_TYPE], nd->code[i]) && !is(m->need[1].v[ND_TYPE], nd->code[i]))
						break;
				row->v[ND_TYPE] = nd->code[Min(i, nd->n - 1)];
				row->v[ND_RANK] = "2";
				m->nneed = 3;
				PLANT(T_NEED, row, "SENneed", NULL);
			}
			return true;
		case K_REVIEW_OUTCOME_WITHOUT_MEETING:
			if (m == NULL || !m->has_ap || m->ap.v[AP_OUTCOME] == NULL || m->ap.v[AP_MEETING] == NULL ||
				!c->present[T_ACTIVE_PLANS][AP_OUTCOME] || !c->present[T_ACTIVE_PLANS][AP_MEETING])
				return false;
			if (out)
			{
				m->ap.v[AP_MEETING] = NULL;
				PLANT(T_ACTIVE_PLANS, &m->ap, "ReviewMeeting", NULL);
			}
			return true;
		case K_LAST_REVIEW_BEFORE_MEETING:
		case K_LAST_REVIEW_AFTER_RD:
			if (m == NULL || !m->has_ap || (d = dget(m->ap.v[AP_MEETING])) == NODATE ||
				m->ap.v[AP_LAST] == NULL || !c->present[T_ACTIVE_PLANS][AP_MEETING])
				return false;
			if (kind == K_LAST_REVIEW_AFTER_RD && p->cat != CAT_ACTIVE)
				return false;
			if (out)
			{
				m->ap.v[AP_LAST] = dstr(kind == K_LAST_REVIEW_AFTER_RD ? c->rd + R(g, F_DEFECT_A, 1, 30)
										: d - R(g, F_DEFECT_A, 1, 30));
				PLANT(T_ACTIVE_PLANS, &m->ap, "LastReview", m->ap.v[AP_LAST]);
			}
			return true;
		case K_REVIEW_OUTCOME_CODE:
			if (m == NULL || !m->has_ap || m->ap.v[AP_OUTCOME] == NULL || code_ok(c, "review_outcome", "R"))
				return false;
			if (out)
			{
				m->ap.v[AP_OUTCOME] = "R";
				PLANT(T_ACTIVE_PLANS, &m->ap, "ReviewOutcome", "R");
			}
			return true;
		case K_REVIEW_DRAFT_NOT_AMEND:
			if (m == NULL || !m->has_ap || !is(m->ap.v[AP_OUTCOME], "M") ||
				(d = dget(m->ap.v[AP_MEETING])) == NODATE || d + 7 >= c->rd ||
				!c->present[T_ACTIVE_PLANS][AP_DRAFT])
				return false;
			if (out)
			{
				m->ap.v[AP_DRAFT] = dstr(Min(d + R(g, F_DEFECT_A, 7, 40), c->rd - 1));
				PLANT(T_ACTIVE_PLANS, &m->ap, "ReviewDraft", m->ap.v[AP_DRAFT]);
			}
			return true;
		case K_REVIEW_DRAFT_BEFORE_MEETING:
			if (m == NULL || !m->has_ap || m->ap.v[AP_DRAFT] == NULL ||
				(d = dget(m->ap.v[AP_MEETING])) == NODATE || !c->present[T_ACTIVE_PLANS][AP_DRAFT])
				return false;
			if (out)
			{
				m->ap.v[AP_DRAFT] = dstr(d - R(g, F_DEFECT_A, 1, 20));
				PLANT(T_ACTIVE_PLANS, &m->ap, "ReviewDraft", m->ap.v[AP_DRAFT]);
			}
			return true;
		case K_PHASE_TRANSFER_LATE:
			if (m == NULL || !m->has_ap || (d = dget(m->ap.v[AP_PT_DUE])) == NODATE ||
				(d2 = dget(m->ap.v[AP_PT_FINAL])) == NODATE || d2 > d || d + 5 >= c->rd ||
				!c->present[T_ACTIVE_PLANS][AP_PT_FINAL])
				return false;
			if (out)
			{
				m->ap.v[AP_PT_FINAL] = dstr(Min(d + R(g, F_DEFECT_A, 5, 60), c->rd - 1));
				PLANT(T_ACTIVE_PLANS, &m->ap, "PhaseTransferFinalDate", m->ap.v[AP_PT_FINAL]);
			}
			return true;
		case K_RES_CODE:
		case K_ACTIVE_PLANS_RES_CODE:
			/* Res sits on PlacementDetail from 2024, on ActivePlans in 2023 */
			if (p->cat != CAT_ACTIVE || m == NULL || p->cur_pl < 0 || code_ok(c, "residential", "C") ||
				c->res_on_placement != (kind == K_RES_CODE))
				return false;
			if (out)
			{
				if (kind == K_RES_CODE)
				{
					m->pl[p->cur_pl].v[PL_RES] = "C";
					PLANT(T_PLACEMENT, &m->pl[p->cur_pl], "Res", "C");
				}
				else
				{
					m->ap.v[AP_RES] = "C";
					PLANT(T_ACTIVE_PLANS, &m->ap, "Res", "C");
				}
			}
			return true;
		case K_INDICATOR_NOT_BOOLEAN:
			if (p->cat != CAT_ACTIVE || m == NULL || p->cur_pl < 0)
				return false;
			if (out)
			{
				m->pl[p->cur_pl].v[PL_UNIT] = "Y";
				PLANT(T_PLACEMENT, &m->pl[p->cur_pl], "SENunitIndicator", "Y");
			}
			return true;

		case K_DMO_MISSING:
		case K_SOURCE_LEVEL_CODE:
		case NKINDS:
			return false;		/* header kinds are planted on the return */
	}
	return false;
}

static bool
is_defective(const Ctx *c, int64 n)
{
	Gen			g;

	if (!(c->rate > 0))
		return false;
	gen_init(&g, c->seedkey, n);
	return U(&g, F_DEFECT) < c->rate;
}

/* Plants at most one defect in person p (already generated). */
static void
choose_defect(const Ctx *c, SPerson *p, SPerson *pred_buf)
{
	Gen			g;
	SPerson    *pred = NULL;
	int			elig[NKINDS];
	double		w[NKINDS];
	int			ne = 0;
	double		total = 0,
				x;
	int			i;
	Planted		out;

	if (!is_defective(c, p->n))
		return;
	gen_init(&g, c->seedkey, p->n);
	if (p->n > 1 && !is_defective(c, p->n - 1))
	{
		gen_person(c, p->n - 1, pred_buf);
		pred = pred_buf;
	}
	for (i = 0; i < c->nkinds; i++)
		if (plant(c, &g, p, pred, c->kind_def[i], NULL))
		{
			elig[ne] = i;
			w[ne] = c->kind_w[i];
			total += w[ne];
			ne++;
		}
	if (ne == 0 || !(total > 0))
		return;
	x = U(&g, F_DEFECT_KIND) * total;
	for (i = 0; i < ne - 1; i++)
	{
		if (x < w[i])
			break;
		x -= w[i];
	}
	memset(&out, 0, sizeof(out));
	if (!plant(c, &g, p, pred, c->kind_def[elig[i]], &out))
		elog(ERROR, "synthetic defect %s could not be planted", kind_names[c->kind_def[elig[i]]]);
	p->defect = elig[i];
	p->dtable = out.table;
	p->drow = out.row;
	p->ditem = out.item;
	p->dvalue = out.value;
	link_person(p);
}

/* ------------------------------------------------------------------------
 * Reference data of the return's year, read once per call.
 * ------------------------------------------------------------------------ */
static char *
spi_text(int row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

static void
spi_run(const char *sql, int nargs, Oid *types, Datum *values, int expect)
{
	int			ret = SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0);

	if (ret != expect)
		elog(ERROR, "SPI_execute_with_args failed (%d): %s", ret, sql);
}

static void
load_reference(Ctx *c)
{
	Oid			t1[1] = {INT8OID};
	Oid			ti[1] = {INT4OID};
	Datum		v[1];
	int			i,
				t,
				k;
	uint64		nrows;

	v[0] = Int64GetDatum(c->return_id);
	spi_run("SELECT r.la_code, r.collection_year, "
			"EXISTS (SELECT 1 FROM sen2.person p WHERE p.return_id = r.return_id) "
			"FROM sen2.return r WHERE r.return_id = $1 FOR UPDATE", 1, t1, v, SPI_OK_SELECT);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("return %lld does not exist", (long long) c->return_id),
				 errhint("sen2.synthesize creates a return and fills it.")));
	strlcpy(c->la, spi_text(0, 1), sizeof(c->la));
	c->la_num = atoi(c->la);
	c->year = atoi(spi_text(0, 2));
	if (strcmp(spi_text(0, 3), "t") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("return %lld already has persons", (long long) c->return_id),
				 errdetail("Synthetic persons are only added to an empty return."),
				 errhint("Use sen2.synthesize to make a new return, or delete the persons first.")));

	v[0] = Int32GetDatum(c->year);
	spi_run("SELECT reference_date - DATE '2000-01-01', period_start - DATE '2000-01-01', "
			"period_end - DATE '2000-01-01' FROM sen2.collection WHERE collection_year = $1",
			1, ti, v, SPI_OK_SELECT);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("collection year %d is not known", c->year),
				 errhint("SELECT collection_year FROM sen2.collection lists the known years.")));
	c->rd = atoi(spi_text(0, 1));
	c->ps = atoi(spi_text(0, 2));
	c->pe = atoi(spi_text(0, 3));
	c->rdY = year_of(c->rd);
	if (!(c->ps <= c->pe && c->pe < c->rd && c->rd - c->ps < 800))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("collection year %d has a period and reference date the generator cannot use", c->year),
				 errdetail("The synthetic model expects a period of about a year ending before the reference date.")));

	/* which items the year's layout has */
	spi_run("SELECT module, column_name, requirement FROM sen2.element "
			"WHERE collection_year = $1 AND kind = 'item'", 1, ti, v, SPI_OK_SELECT);
	nrows = SPI_processed;
	for (t = 0; t < NTABLES; t++)
		for (k = 0; k < tables[t].ncol; k++)
			c->present[t][k] = strcmp(tables[t].cols[k], "source_id") == 0;
	for (i = 0; i < (int) nrows; i++)
	{
		char	   *mod = spi_text(i, 1);
		char	   *col = spi_text(i, 2);
		char	   *req = spi_text(i, 3);

		if (strcmp(mod, "return") == 0 && strcmp(col, "dsco") == 0)
			c->has_dsco = true;
		for (t = 0; t < NTABLES; t++)
			if (strcmp(tables[t].name, mod) == 0)
				for (k = 0; k < tables[t].ncol; k++)
					if (strcmp(tables[t].cols[k], col) == 0)
					{
						c->present[t][k] = true;
						if (t == T_REQUEST && k == RQ_SOURCE)
							c->source_compulsory = strcmp(req, "O") != 0;
						if (t == T_ACTIVE_PLANS && k == AP_MEETING)
							c->review_compulsory = strcmp(req, "O") != 0;
					}
	}
	c->use_sex = c->present[T_PERSON][PS_SEX];
	c->res_on_placement = c->present[T_PLACEMENT][PL_RES];

	/* the year's code sets */
	spi_run("SELECT code_set, code FROM sen2.code WHERE collection_year = $1", 1, ti, v, SPI_OK_SELECT);
	c->ncodes = (int) SPI_processed;
	c->codes = palloc(sizeof(CodeEntry) * Max(c->ncodes, 1));
	for (i = 0; i < c->ncodes; i++)
	{
		c->codes[i].set = spi_text(i, 1);
		c->codes[i].code = spi_text(i, 2);
	}
	c->has_ds = code_ok(c, "sen_type", "DS");
	c->has_un1 = code_ok(c, "upn_unknown", "UN1");
	c->has_un10 = code_ok(c, "upn_unknown", "UN10");
	{
		static const char *const fixed[][2] = {
			{"request_outcome", "Y"}, {"request_outcome", "N"}, {"request_outcome", "A"},
			{"request_outcome", "W"}, {"request_outcome", "H"}, {"assessment_outcome", "Y"},
			{"assessment_outcome", "N"}, {"assessment_outcome", "A"}, {"assessment_outcome", "W"},
			{"assessment_outcome", "H"}, {"boolean", "0"}, {"boolean", "1"}, {"rank", "1"},
			{"rank", "2"}
		};

		for (i = 0; i < (int) lengthof(fixed); i++)
			need_code(c, fixed[i][0], fixed[i][1]);
		if (c->use_sex)
		{
			need_code(c, "sex", "M");
			need_code(c, "sex", "F");
		}
		else if (c->present[T_PERSON][PS_GENDER])
		{
			need_code(c, "gender", "1");
			need_code(c, "gender", "2");
		}
	}

	/* other English LAs of the year, for transfers and exports */
	spi_run("SELECT la_code FROM sen2.la WHERE kind = 'england' "
			"AND (first_year IS NULL OR first_year <= $1) AND (last_year IS NULL OR last_year >= $1) "
			"ORDER BY la_code", 1, ti, v, SPI_OK_SELECT);
	c->las = palloc(sizeof(*c->las) * (SPI_processed + 1));
	c->nla = 0;
	for (i = 0; i < (int) SPI_processed; i++)
	{
		char	   *la = spi_text(i, 1);

		if (strcmp(la, c->la) != 0)
			strlcpy(c->las[c->nla++], la, 4);
	}
	if (c->nla == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sen2.la lists no other English LA for collection year %d", c->year)));
	c->area = (int) (mix64((uint64) c->la_num) % NAREAS);

	/* the defect kinds switched on */
	if (c->rate > 0)
	{
		spi_run("SELECT kind, weight, expected_rule_id, module = 'header' "
				"FROM sen2.synthetic_defect_kind WHERE weight > 0 ORDER BY kind", 0, NULL, NULL, SPI_OK_SELECT);
		c->nkinds = 0;
		c->kind_def = palloc(sizeof(int) * (SPI_processed + 1));
		c->kind_w = palloc(sizeof(double) * (SPI_processed + 1));
		c->kind_rule = palloc(sizeof(char *) * (SPI_processed + 1));
		for (i = 0; i < (int) SPI_processed; i++)
		{
			char	   *name = spi_text(i, 1);

			for (k = 0; k < NKINDS; k++)
				if (strcmp(kind_names[k], name) == 0)
					break;
			if (k == NKINDS)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("defect kind \"%s\" in sen2.synthetic_defect_kind has no planting code", name),
						 errhint("Set its weight to 0 or delete the row.")));
			c->kind_def[c->nkinds] = k;
			c->kind_w[c->nkinds] = strtod(spi_text(i, 2), NULL);
			c->kind_rule[c->nkinds] = spi_text(i, 3);
			if (strcmp(spi_text(i, 4), "t") == 0)
				c->any_header_kind = true;
			c->nkinds++;
		}
	}
}

/* ------------------------------------------------------------------------
 * Inserting a batch: one INSERT ... SELECT FROM unnest(...) per table.
 * ------------------------------------------------------------------------ */
static void
prepare_inserts(Ctx *c)
{
	int			t,
				k;

	for (t = 0; t < NTABLES; t++)
	{
		const TableDesc *d = &tables[t];
		StringInfoData q,
					sel,
					un,
					names;
		Oid			types[MAXCOL + 3];
		int			na = 0;

		initStringInfo(&q);
		initStringInfo(&sel);
		initStringInfo(&un);
		initStringInfo(&names);
		appendStringInfo(&q, "INSERT INTO sen2.%s (return_id", d->name);
		appendStringInfoString(&sel, "$1");
		types[na++] = INT8OID;
		if (d->parentcol)
		{
			appendStringInfo(&q, ", %s", d->parentcol);
			appendStringInfoString(&sel, ", u.p");
			appendStringInfo(&un, "pg_catalog.unnest($%d)", na + 1);
			appendStringInfoString(&names, "p");
			types[na++] = INT8ARRAYOID;
		}
		if (d->has_seq)
		{
			appendStringInfoString(&q, ", seq");
			appendStringInfoString(&sel, ", u.s");
			appendStringInfo(&un, "%spg_catalog.unnest($%d)", un.len ? ", " : "", na + 1);
			appendStringInfo(&names, "%ss", names.len ? ", " : "");
			types[na++] = INT4ARRAYOID;
		}
		for (k = 0; k < d->ncol; k++)
		{
			appendStringInfo(&q, ", %s", d->cols[k]);
			appendStringInfo(&sel, ", u.c%d", k);
			appendStringInfo(&un, ", pg_catalog.unnest($%d)", na + 1);
			appendStringInfo(&names, ", c%d", k);
			types[na++] = TEXTARRAYOID;
		}
		appendStringInfo(&q, ") SELECT %s FROM ROWS FROM (%s) AS u(%s) RETURNING %s, %s, %s",
						 sel.data, un.data, names.data, d->idcol,
						 d->parentcol ? d->parentcol : "return_id", d->has_seq ? "seq" : "0");
		c->plan[t] = SPI_prepare(q.data, na, types);
		if (c->plan[t] == NULL)
			elog(ERROR, "SPI_prepare failed for %s: %s", q.data, SPI_result_code_string(SPI_result));
	}
	{
		Oid			types[8] = {INT8OID, INT8ARRAYOID, TEXTARRAYOID, INT8ARRAYOID, TEXTARRAYOID,
		TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID};

		c->defect_plan = SPI_prepare("INSERT INTO sen2.synthetic_defect (return_id, person_id, table_name, "
									 "row_id, item, kind, expected_rule_id, value) "
									 "SELECT $1, u.* FROM ROWS FROM (pg_catalog.unnest($2), pg_catalog.unnest($3), "
									 "pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6), "
									 "pg_catalog.unnest($7), pg_catalog.unnest($8)) "
									 "AS u(person_id, table_name, row_id, item, kind, rule, value)",
									 8, types);
		if (c->defect_plan == NULL)
			elog(ERROR, "SPI_prepare failed for the defect insert: %s", SPI_result_code_string(SPI_result));
	}
}

static Datum
int8_array(int64 *vals, bool *nulls, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	int			dims[1] = {n};
	int			lbs[1] = {1};
	int			i;

	for (i = 0; i < n; i++)
		d[i] = Int64GetDatum(vals[i]);
	return PointerGetDatum(construct_md_array(d, nulls, 1, dims, lbs, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

static Datum
text_array(const char **vals, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(n, 1));
	int			dims[1] = {n};
	int			lbs[1] = {1};
	int			i;

	for (i = 0; i < n; i++)
	{
		nulls[i] = vals[i] == NULL;
		d[i] = nulls[i] ? (Datum) 0 : CStringGetTextDatum(vals[i]);
	}
	return PointerGetDatum(construct_md_array(d, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
}

static void
insert_rows(Ctx *c, int t, SRow **rows, int n)
{
	const TableDesc *d = &tables[t];
	Datum		values[MAXCOL + 3];
	int			na = 0;
	int			i,
				k;
	int			ret;
	const char **col = palloc(sizeof(char *) * Max(n, 1));

	if (n == 0)
		return;
	values[na++] = Int64GetDatum(c->return_id);
	if (d->parentcol)
	{
		int64	   *pid = palloc(sizeof(int64) * n);

		for (i = 0; i < n; i++)
			pid[i] = rows[i]->parent->id;
		values[na++] = int8_array(pid, NULL, n);
	}
	if (d->has_seq)
	{
		Datum	   *s = palloc(sizeof(Datum) * n);

		for (i = 0; i < n; i++)
			s[i] = Int32GetDatum(rows[i]->seq);
		values[na++] = PointerGetDatum(construct_array(s, n, INT4OID, 4, true, TYPALIGN_INT));
	}
	for (k = 0; k < d->ncol; k++)
	{
		for (i = 0; i < n; i++)
			col[i] = (c->present[t][k] || (rows[i]->force & (1 << k))) ? rows[i]->v[k] : NULL;
		values[na++] = text_array(col, n);
	}
	ret = SPI_execute_plan(c->plan[t], values, NULL, false, 0);
	if (ret != SPI_OK_INSERT_RETURNING || SPI_processed != (uint64) n)
		elog(ERROR, "synthetic insert into sen2.%s failed (%d, %llu of %d rows)",
			 d->name, ret, (unsigned long long) SPI_processed, n);
	for (i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		bool		isnull;
		int64		id = DatumGetInt64(SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull));
		int64		parent = DatumGetInt64(SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull));
		int			seq = DatumGetInt32(SPI_getbinval(tup, SPI_tuptable->tupdesc, 3, &isnull));

		/* RETURNING gives rows in insertion order; check it rather than trust it */
		if (parent != (d->parentcol ? rows[i]->parent->id : c->return_id) ||
			(d->has_seq && seq != rows[i]->seq))
			elog(ERROR, "synthetic insert into sen2.%s returned rows out of order", d->name);
		rows[i]->id = id;
	}
	c->inserted += n;
	SPI_freetuptable(SPI_tuptable);
}

typedef struct Batch
{
	SPerson    *persons;
	int			n;
	SRow	  **rows[NTABLES];
	int			nrows[NTABLES];
} Batch;

static void
collect(Batch *b, SPerson *p)
{
	int			i,
				j;

#define ADD(t, r) (b->rows[t][b->nrows[t]++] = (r))
	ADD(T_PERSON, &p->person);
	for (i = 0; i < p->nreq; i++)
	{
		SReq	   *r = &p->req[i];

		ADD(T_REQUEST, &r->req);
		if (r->has_ass)
		{
			ADD(T_ASSESSMENT, &r->ass);
			if (r->has_plan)
			{
				ADD(T_NAMED_PLAN, &r->plan);
				for (j = 0; j < r->npd; j++)
					ADD(T_PLAN_DETAIL, &r->pd[j]);
			}
		}
		if (r->has_ap)
		{
			ADD(T_ACTIVE_PLANS, &r->ap);
			for (j = 0; j < r->npl; j++)
				ADD(T_PLACEMENT, &r->pl[j]);
			for (j = 0; j < r->nneed; j++)
				ADD(T_NEED, &r->need[j]);
		}
	}
#undef ADD
}

static void
insert_defects(Ctx *c, SPerson *ps, int np, int64 header_kind_idx, const char *header_item,
			   const char *header_value)
{
	int			n = 0,
				i,
				cap = np + 1;
	int64	   *pid = palloc(sizeof(int64) * cap);
	bool	   *pnull = palloc(sizeof(bool) * cap);
	int64	   *rid = palloc(sizeof(int64) * cap);
	const char **tab = palloc(sizeof(char *) * cap);
	const char **item = palloc(sizeof(char *) * cap);
	const char **kind = palloc(sizeof(char *) * cap);
	const char **rule = palloc(sizeof(char *) * cap);
	const char **val = palloc(sizeof(char *) * cap);
	Datum		values[8];
	int			ret;

	for (i = 0; i < np; i++)
	{
		SPerson    *p = &ps[i];

		if (p->defect < 0)
			continue;
		pid[n] = p->person.id;
		pnull[n] = false;
		rid[n] = p->drow->id;
		tab[n] = tables[p->dtable].name;
		item[n] = p->ditem;
		kind[n] = kind_names[c->kind_def[p->defect]];
		rule[n] = c->kind_rule[p->defect];
		val[n] = p->dvalue;
		n++;
	}
	if (header_kind_idx >= 0)
	{
		pid[n] = 0;
		pnull[n] = true;
		rid[n] = c->return_id;
		tab[n] = "return";
		item[n] = header_item;
		kind[n] = kind_names[c->kind_def[header_kind_idx]];
		rule[n] = c->kind_rule[header_kind_idx];
		val[n] = header_value;
		n++;
	}
	if (n == 0)
		return;
	values[0] = Int64GetDatum(c->return_id);
	values[1] = int8_array(pid, pnull, n);
	values[2] = text_array(tab, n);
	values[3] = int8_array(rid, NULL, n);
	values[4] = text_array(item, n);
	values[5] = text_array(kind, n);
	values[6] = text_array(rule, n);
	values[7] = text_array(val, n);
	ret = SPI_execute_plan(c->defect_plan, values, NULL, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "synthetic defect insert failed (%d)", ret);
	c->inserted += n;
}

/* The header's LA-level items, and a header defect if the return draws one. */
static void
fill_header(Ctx *c)
{
	Gen			g;
	const char *dmo,
			   *dco,
			   *dsco,
			   *level = "L";
	int64		hk = -1;
	const char *hitem = NULL,
			   *hval = NULL;
	Oid			types[5] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	int			ret;

	gen_init(&g, c->seedkey, 0);
	dmo = pick_code(&c->d_officer, &g, F_HDR_DMO);
	dco = pick_code(&c->d_officer, &g, F_HDR_DCO);
	dsco = c->has_dsco ? pick_code(&c->d_officer, &g, F_HDR_DSCO) : NULL;
	if (c->any_header_kind && U(&g, F_DEFECT) < c->rate)
	{
		int			hk_list[NKINDS];
		int			nh = 0,
					i;
		double		total = 0,
					x;

		for (i = 0; i < c->nkinds; i++)
			if ((c->kind_def[i] == K_DMO_MISSING) ||
				(c->kind_def[i] == K_SOURCE_LEVEL_CODE && !code_ok(c, "source_level", "E")))
			{
				hk_list[nh++] = i;
				total += c->kind_w[i];
			}
		if (nh > 0)
		{
			x = U(&g, F_DEFECT_KIND) * total;
			for (i = 0; i < nh - 1; i++)
			{
				if (x < c->kind_w[hk_list[i]])
					break;
				x -= c->kind_w[hk_list[i]];
			}
			hk = hk_list[i];
			if (c->kind_def[hk] == K_DMO_MISSING)
			{
				dmo = NULL;
				hitem = "DMO";
			}
			else
			{
				level = "E";
				hitem = "SourceLevel";
				hval = "E";
			}
		}
	}
	values[0] = Int64GetDatum(c->return_id);
	values[1] = dmo ? CStringGetTextDatum(dmo) : (Datum) 0;
	values[2] = CStringGetTextDatum(dco);
	values[3] = dsco ? CStringGetTextDatum(dsco) : (Datum) 0;
	values[4] = CStringGetTextDatum(level);
	if (!dmo)
		nulls[1] = 'n';
	if (!dsco)
		nulls[3] = 'n';
	ret = SPI_execute_with_args("UPDATE sen2.return SET origin = 'synthetic', dmo = $2, dco = $3, "
								"dsco = $4, source_level = $5 WHERE return_id = $1",
								5, types, values, nulls, false, 0);
	if (ret != SPI_OK_UPDATE)
		elog(ERROR, "synthetic header update failed (%d)", ret);
	insert_defects(c, NULL, 0, hk, hitem, hval);
}

/* ------------------------------------------------------------------------
 * sen2.synthesize_into(return_id, persons, seed, defect_rate)
 * ------------------------------------------------------------------------ */
Datum
sen2_synthesize_into(PG_FUNCTION_ARGS)
{
	Ctx		   *c;
	MemoryContext batchctx;
	int			guc_level;
	Batch		b;
	SPerson    *pred;
	int64		first;
	int			t;
	static const int per_person[NTABLES] = {1, MAXREQ, MAXREQ, MAXREQ, MAXREQ * MAXPD,
	MAXREQ, MAXREQ * MAXPL, MAXREQ * MAXNEED};

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("synthesize_into needs a return id, a number of persons, a seed and a defect rate")));
	c = palloc0(sizeof(Ctx));
	c->return_id = PG_GETARG_INT64(0);
	c->persons = PG_GETARG_INT32(1);
	c->seed = PG_GETARG_INT32(2);
	c->rate = PG_GETARG_FLOAT8(3);
	if (c->persons < 0 || c->persons > MAX_PERSONS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of persons %d is out of range", c->persons),
				 errdetail("A synthetic return has between 0 and %d persons.", MAX_PERSONS),
				 errhint("England as a whole has about 800,000 persons in a year's returns.")));
	if (isnan(c->rate) || c->rate < 0 || c->rate > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("defect rate %g is not between 0 and 1", c->rate),
				 errdetail("The defect rate is the share of persons that carry one planted defect.")));
	c->seedkey = mix64((uint64) (uint32) c->seed * UINT64CONST(0x9E3779B97F4A7C15) + UINT64CONST(0x5EED5EED));

	/*
	 * The rows are referentially sound by construction (a child is built
	 * from the id its parent's INSERT returned, and the return is locked),
	 * so for a superuser the per-row foreign-key checks, which cost more than
	 * the inserts themselves, are switched off for this call only, as a
	 * restore does.  Other users get the same rows, checked, more slowly.
	 */
	guc_level = NewGUCNestLevel();
	if (superuser())
		(void) set_config_option("session_replication_role", "replica", PGC_SUSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	load_reference(c);
	build_dists(c);
	prepare_inserts(c);
	fill_header(c);

	batchctx = AllocSetContextCreate(CurrentMemoryContext, "sen2 synthetic batch", ALLOCSET_DEFAULT_SIZES);
	pred = MemoryContextAlloc(CurrentMemoryContext, sizeof(SPerson));
	b.persons = MemoryContextAlloc(CurrentMemoryContext, sizeof(SPerson) * BATCH_PERSONS);
	for (t = 0; t < NTABLES; t++)
		b.rows[t] = MemoryContextAlloc(CurrentMemoryContext, sizeof(SRow *) * BATCH_PERSONS * per_person[t]);

	for (first = 1; first <= c->persons; first += BATCH_PERSONS)
	{
		int			i;
		MemoryContext spictx;

		CHECK_FOR_INTERRUPTS();
		spictx = MemoryContextSwitchTo(batchctx);
		b.n = (int) Min((int64) BATCH_PERSONS, c->persons - first + 1);
		memset(b.nrows, 0, sizeof(b.nrows));
		for (i = 0; i < b.n; i++)
		{
			gen_person(c, first + i, &b.persons[i]);
			if (c->nkinds > 0)
				choose_defect(c, &b.persons[i], pred);
			collect(&b, &b.persons[i]);
		}
		for (t = 0; t < NTABLES; t++)
			insert_rows(c, t, b.rows[t], b.nrows[t]);
		if (c->nkinds > 0)
			insert_defects(c, b.persons, b.n, -1, NULL, NULL);
		MemoryContextSwitchTo(spictx);
		MemoryContextReset(batchctx);
	}
	SPI_finish();
	AtEOXact_GUC(true, guc_level);
	PG_RETURN_INT64(c->inserted);
}
