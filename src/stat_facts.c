/*
 * stat_facts.c
 *		sen2.stat_case_rows(): the statistics facts (the view sen2.stat_case),
 *		one row per request for an EHC needs assessment.
 *
 * The facts join eight relations and pick, for every plan, one placement
 * four different ways.  As one SQL query that cost a hash table per join
 * and a classification pass per pick: about 15 s for a national database of
 * 700,000 persons.  Here every relation is read once, through SPI (so the
 * caller's privileges and row-level security apply exactly as they did for
 * the view), into arrays keyed by id; then the requests are streamed and
 * each row is computed in C.
 *
 * What stays in SQL, so it is defined once: parsing dates (sen2.iso_date),
 * the per-return dates and parameters (sen2.stat_return), sex and ethnicity
 * (sen2.stat_person), and the register and mappings a setting is classified
 * by (sen2.stat_establishment_category, sen2.stat_ukprn_category,
 * sen2.placement_map, sen2.placement_category).  What is here: the joins,
 * the picks, the classification of the picked settings (in the precedence
 * sen2.stat_setting_category uses) and the derived columns, each following
 * the SQL expression it replaced, NULLs included (a comparison with a
 * missing date is unknown, and an unknown condition counts as false only
 * where the SQL coalesced it).  test/sql/stat_case_reference.sql keeps that
 * SQL; test/pgtap/stat_facts.sql holds the two equal.
 *
 * Given return ids, only those returns' rows are read (the staging tables
 * have an index leading with return_id), so one return's facts can be
 * refreshed in a large database.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/varlena.h"

#include "rule_engine.h"
#include "stat_facts.h"

PG_FUNCTION_INFO_V1(sen2_stat_case_rows);

/* ---------------------------------------------------------------------------
 * id -> index maps
 * ------------------------------------------------------------------------- */
typedef struct IdEntry
{
	int64		key;
	uint32		idx;
	char		status;
} IdEntry;

static inline uint32
mix64(uint64 k)
{
	k ^= k >> 33;
	k *= UINT64CONST(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64CONST(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return (uint32) k;
}

#define SH_PREFIX idmap
#define SH_ELEMENT_TYPE IdEntry
#define SH_KEY_TYPE int64
#define SH_KEY key
#define SH_HASH_KEY(tb, key) mix64((uint64) (key))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* text -> index maps, for the register and the code lists */
typedef struct StrKey
{
	const char *s;
	int			len;
} StrKey;

typedef struct StrEntry
{
	StrKey		key;
	uint32		idx;
	uint32		hash;
	char		status;
} StrEntry;

#define SH_PREFIX strmap
#define SH_ELEMENT_TYPE StrEntry
#define SH_KEY_TYPE StrKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) hash_bytes((const unsigned char *) (k).s, (k).len)
#define SH_EQUAL(tb, a, b) ((a).len == (b).len && memcmp((a).s, (b).s, (a).len) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) a->hash
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

#define NO_ROW	PG_UINT32_MAX

/* arr, an array of elem-sized items with room for *cap, with room for n + 1 */
static void *
room_for(void *arr, Size elem, uint32 n, uint32 *cap)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 4096;
	return arr ? repalloc_huge(arr, elem * *cap) : palloc_extended(elem * *cap, MCXT_ALLOC_HUGE);
}

/*
 * Rows by a bigint id.  Identity ids are mostly dense, so once a relation
 * is read its ids usually get one slot each between the least and the
 * greatest (an array lookup); ids spread too thinly for that go in a hash.
 */
typedef struct IdIndex
{
	int64	   *keys;			/* while reading: (key, row) pairs */
	uint32	   *rows;
	uint32		n,
				cap;
	int64		min;			/* once built */
	uint64		span;
	uint32	   *slot;
	idmap_hash *hash;
} IdIndex;

static void
index_add(IdIndex *ix, int64 key, uint32 row)
{
	uint32		keys_cap = ix->cap;

	ix->keys = room_for(ix->keys, sizeof(int64), ix->n, &keys_cap);
	ix->rows = room_for(ix->rows, sizeof(uint32), ix->n, &ix->cap);
	ix->keys[ix->n] = key;
	ix->rows[ix->n++] = row;
}

static uint32 *
index_place(IdIndex *ix, int64 key)
{
	bool		found;
	IdEntry    *e;

	if (ix->slot)
		return &ix->slot[key - ix->min];
	e = idmap_insert(ix->hash, key, &found);
	if (!found)
		e->idx = NO_ROW;
	return &e->idx;
}

/*
 * Builds the index from the pairs added (in cxt).  With next, the rows of
 * one key are chained (next[row] is the key's previous row) and the index
 * gives the last; without, a key's last row wins (keys are unique there).
 */
static void
index_build(MemoryContext cxt, IdIndex *ix, uint32 *next)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	int64		max = 0;
	uint32		i;

	ix->min = 0;
	for (i = 0; i < ix->n; i++)
	{
		if (i == 0 || ix->keys[i] < ix->min)
			ix->min = ix->keys[i];
		if (i == 0 || ix->keys[i] > max)
			max = ix->keys[i];
	}
	ix->span = ix->n ? (uint64) max - (uint64) ix->min + 1 : 0;
	if (ix->n && ix->span <= (uint64) ix->n * 2 + 4096)
	{
		ix->slot = palloc_extended(sizeof(uint32) * ix->span, MCXT_ALLOC_HUGE);
		memset(ix->slot, 0xff, sizeof(uint32) * ix->span);
	}
	else
		ix->hash = idmap_create(cxt, Max(ix->n, 16), NULL);
	elog(DEBUG1, "sen2 stat facts: index of %u ids over a span of " UINT64_FORMAT ": %s",
		 ix->n, ix->span, ix->slot ? "slots" : "hash");
	for (i = 0; i < ix->n; i++)
	{
		uint32	   *place = index_place(ix, ix->keys[i]);

		if (next)
			next[ix->rows[i]] = *place;
		*place = ix->rows[i];
	}
	if (ix->keys)
		pfree(ix->keys);
	if (ix->rows)
		pfree(ix->rows);
	ix->keys = NULL;
	ix->rows = NULL;
	MemoryContextSwitchTo(old);
}

static uint32
find_row(const IdIndex *ix, int64 key)
{
	IdEntry    *e;

	if (ix->slot)
	{
		uint64		off = (uint64) key - (uint64) ix->min;

		return off < ix->span ? ix->slot[off] : NO_ROW;
	}
	if (ix->hash == NULL)
		return NO_ROW;
	e = idmap_lookup(ix->hash, key);
	return e ? e->idx : NO_ROW;
}

/* A date that may be missing. */
typedef struct OptDate
{
	DateADT		v;
	bool		null;
} OptDate;

/* SQL's three truth values, for the expressions that keep them. */
typedef enum
{
	T_FALSE = 0,
	T_TRUE = 1,
	T_NULL = 2
} Tri;

static inline Tri
tri_and(Tri a, Tri b)
{
	if (a == T_FALSE || b == T_FALSE)
		return T_FALSE;
	return (a == T_NULL || b == T_NULL) ? T_NULL : T_TRUE;
}

static inline Tri
tri_or(Tri a, Tri b)
{
	if (a == T_TRUE || b == T_TRUE)
		return T_TRUE;
	return (a == T_NULL || b == T_NULL) ? T_NULL : T_FALSE;
}

static inline Tri
tri_not(Tri a)
{
	return a == T_NULL ? T_NULL : (a == T_TRUE ? T_FALSE : T_TRUE);
}

static inline Tri
tri_bool(bool b)
{
	return b ? T_TRUE : T_FALSE;
}

static inline Tri
opt_le(OptDate a, OptDate b)
{
	return (a.null || b.null) ? T_NULL : tri_bool(a.v <= b.v);
}

static inline Tri
opt_eq(OptDate a, OptDate b)
{
	return (a.null || b.null) ? T_NULL : tri_bool(a.v == b.v);
}

static inline Tri
opt_between(OptDate x, OptDate lo, OptDate hi)
{
	return tri_and(opt_le(lo, x), opt_le(x, hi));
}

/* true only when known to be true (SQL: coalesce(x, false), or WHERE x) */
static inline bool
is_true(Tri a)
{
	return a == T_TRUE;
}

/*
 * The year field of age(to, from) for two dates: whole years from "from" to
 * "to", negative when "to" is earlier (age() works on the larger minus the
 * smaller and puts the sign back).
 */
static int
age_years(DateADT to, DateADT from)
{
	return to < from ? -sen2_age_on(to, from) : sen2_age_on(from, to);
}

static int
date_year(DateADT d)
{
	int			y,
				m,
				day;

	sen2_civil(d, &y, &m, &day);
	return y;
}

/* ---------------------------------------------------------------------------
 * The relations, as read
 * ------------------------------------------------------------------------- */

/* one stored row: the tuple for pass-through columns, parsed keys beside it */
typedef struct Rows
{
	TupleDesc	desc;
	HeapTuple  *tup;
	uint32		n;
	uint32		cap;
	IdIndex		by_key;			/* key column -> row, when keyed */
	uint32		deformed;		/* row whose columns are in cv/cn, plus one */
	Datum	   *cv;
	bool	   *cn;
	strmap_hash *by_text;		/* text key column -> row, when keyed so */
} Rows;

typedef struct ReturnRow
{
	int64		return_id;
	Datum		la_code;
	bool		la_code_null;
	int32		collection_year;
	OptDate		census,
				period_start,
				period_end,
				august_31,
				review_cutoff;
	bool		active_on_cease_date,
				exclude_transfers,
				ds_as_other,
				age_on_august_31,
				completed_years,
				assess_by_request,
				assess_decided_only;
	int			csa_min,
				csa_max;
} ReturnRow;

typedef struct PlacementRow
{
	int64		id;
	OptDate		entry,
				leaving;
	bool		leaving_blank;
	int			rank_order;
	char		wbp;			/* first byte of a one-byte WBP, else 0 */
} PlacementRow;

typedef struct SettingRow
{
	int64		id;
	int			rank_order;
} SettingRow;

typedef struct Facts
{
	MemoryContext cxt;
	ReturnRow  *ret;
	int			nret;
	IdIndex		ret_by_id;
	Rows		code;			/* (year, code, label) of sen_type */
	int32	   *code_year;		/* per code row, extracted */
	StrKey	   *code_key;
	Rows		person;
	Rows		assessment;		/* keyed by request_id */
	Rows		plan;			/* keyed by assessment_id */
	Rows		active;			/* keyed by request_id */
	IdIndex		active_by_id;	/* active_plans_id -> active row */
	text	  **need;			/* per active row: least rank-1 SENtype */
	Rows		placement;
	PlacementRow *pl;			/* beside placement's rows */
	uint32		pl_cap;
	IdIndex		pl_head;		/* active_plans_id -> its last placement */
	uint32	   *pl_next;		/* the placement before, of the same active plan */
	Rows		by_urn;			/* the register: urn, category, SEN unit and RP variants */
	Rows		by_ukprn;		/* the same by UKPRN */
	Rows		by_sen_setting; /* SENsetting code, category */
	Rows		school_age;		/* category, its compulsory-school-age category */
	/* the words the facts use, as text */
	Datum		urn_not_in_register;
	Datum		ukrlp_provider;
	Datum		unknown;		/* placement_unknown */
	Datum		not_recorded;
	Datum		attended;
	Datum		named_in_plan;
	Rows		setting;
	SettingRow *st;			/* beside setting's rows */
	uint32		st_cap;
	IdIndex		st_head;		/* named_plan_id -> its last setting */
	uint32	   *st_next;
	bool		only_returns;	/* read only the returns in return_ids */
	Datum		return_ids;		/* bigint[] */
	struct Out *out;			/* the row being written */
	StatFactSink sink;			/* where each row goes */
	void	   *sink_arg;
	MemoryContext row_cxt;		/* reset after each row */
} Facts;

typedef void (*RowFn) (Facts *f, Rows *rows, HeapTuple tup, TupleDesc desc);

/*
 * Reads a query in batches, handing each row to fn (in the facts' context).
 * For the relations of returns, return_col names the query's return id: when
 * only some returns are asked for, only their rows are read.
 */
static void
read_query(Facts *f, Rows *rows, const char *sql, const char *return_col, RowFn fn)
{
	Portal		portal;
	MemoryContext old;
	Oid			argtype = INT8ARRAYOID;

	if (f->only_returns && return_col)
	{
		sql = psprintf("%s %s %s = ANY ($1)", sql, strstr(sql, " WHERE ") ? "AND" : "WHERE", return_col);
		portal = SPI_cursor_open_with_args(NULL, sql, 1, &argtype, &f->return_ids, NULL, true,
										   CURSOR_OPT_NO_SCROLL);
	}
	else
		portal = SPI_cursor_open_with_args(NULL, sql, 0, NULL, NULL, NULL, true, CURSOR_OPT_NO_SCROLL);
	for (;;)
	{
		uint64		i;

		CHECK_FOR_INTERRUPTS();
		SPI_cursor_fetch(portal, true, 10000);
		if (SPI_processed == 0)
			break;
		old = MemoryContextSwitchTo(f->cxt);
		if (rows && rows->desc == NULL)
		{
			rows->desc = CreateTupleDescCopy(SPI_tuptable->tupdesc);
			rows->cv = palloc(sizeof(Datum) * rows->desc->natts);
			rows->cn = palloc(sizeof(bool) * rows->desc->natts);
		}
		for (i = 0; i < SPI_processed; i++)
			fn(f, rows, SPI_tuptable->vals[i], SPI_tuptable->tupdesc);
		MemoryContextSwitchTo(old);
		/* a batch whose rows are kept stays until SPI_finish (see keep_tuple) */
		if (rows == NULL)
			SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
}

/*
 * Keeps a row read into rows.  The tuple is SPI's own: read_query leaves the
 * batches of kept rows to SPI_finish, which comes after the last row is
 * written, so they need no copy.
 */
static uint32
keep_tuple(Rows *rows, HeapTuple tup)
{
	rows->tup = room_for(rows->tup, sizeof(HeapTuple), rows->n, &rows->cap);
	rows->tup[rows->n] = tup;
	return rows->n++;
}

static void
key_row(Facts *f, Rows *rows, int64 key, uint32 idx)
{
	index_add(&rows->by_key, key, idx);
}

/* a column of a kept row: the row is deformed once for all the columns read */
static Datum
col(Rows *rows, uint32 idx, int attnum, bool *isnull)
{
	if (rows->deformed != idx + 1)
	{
		heap_deform_tuple(rows->tup[idx], rows->desc, rows->cv, rows->cn);
		rows->deformed = idx + 1;
	}
	*isnull = rows->cn[attnum - 1];
	return rows->cv[attnum - 1];
}

static OptDate
col_date(Rows *rows, uint32 idx, int attnum)
{
	OptDate		d;
	Datum		v = col(rows, idx, attnum, &d.null);

	d.v = d.null ? 0 : DatumGetDateADT(v);
	return d;
}

static OptDate
get_date(HeapTuple tup, TupleDesc desc, int attnum)
{
	OptDate		d;
	Datum		v = heap_getattr(tup, attnum, desc, &d.null);

	d.v = d.null ? 0 : DatumGetDateADT(v);
	return d;
}

static int64
get_int64(HeapTuple tup, TupleDesc desc, int attnum, bool *isnull)
{
	Datum		v = heap_getattr(tup, attnum, desc, isnull);

	return *isnull ? 0 : DatumGetInt64(v);
}

static bool
get_bool(HeapTuple tup, TupleDesc desc, int attnum)
{
	bool		isnull;
	Datum		v = heap_getattr(tup, attnum, desc, &isnull);

	return !isnull && DatumGetBool(v);
}

/* true when the text column equals s (false when NULL) */
static bool
text_is(Datum v, bool isnull, const char *s)
{
	text	   *t;
	size_t		len = strlen(s);

	if (isnull)
		return false;
	t = DatumGetTextPP(v);
	return VARSIZE_ANY_EXHDR(t) == len && memcmp(VARDATA_ANY(t), s, len) == 0;
}

/* ---------------------------------------------------------------------------
 * Reading each relation
 * ------------------------------------------------------------------------- */

#define RETURNS_SQL \
	"SELECT r.return_id, r.la_code, r.collection_year, r.census_date, r.period_start, r.period_end, r.census_august_31, " \
	"r.review_expected_cutoff, r.active_on_cease_date, r.new_plans_exclude_transfers, " \
	"r.down_syndrome_as_other, r.caseload_age_basis = 'august_31', " \
	"r.years_in_place_basis = 'completed_years', r.assessment_year_basis = 'request_date', " \
	"r.compulsory_school_age_min, r.compulsory_school_age_max, " \
	"r.assessment_year_basis = 'decided_in_year' FROM sen2.stat_return r"

static void
read_return(Facts *f, Rows *rows, HeapTuple tup, TupleDesc desc)
{
	ReturnRow  *r;
	bool		isnull;

	f->ret = f->ret ? repalloc(f->ret, sizeof(ReturnRow) * (f->nret + 1)) : palloc(sizeof(ReturnRow));
	r = &f->ret[f->nret];
	r->return_id = get_int64(tup, desc, 1, &isnull);
	r->la_code = heap_getattr(tup, 2, desc, &r->la_code_null);
	if (!r->la_code_null)
		r->la_code = PointerGetDatum(PG_DETOAST_DATUM_COPY(r->la_code));
	r->collection_year = DatumGetInt32(heap_getattr(tup, 3, desc, &isnull));
	r->census = get_date(tup, desc, 4);
	r->period_start = get_date(tup, desc, 5);
	r->period_end = get_date(tup, desc, 6);
	r->august_31 = get_date(tup, desc, 7);
	r->review_cutoff = get_date(tup, desc, 8);
	r->active_on_cease_date = get_bool(tup, desc, 9);
	r->exclude_transfers = get_bool(tup, desc, 10);
	r->ds_as_other = get_bool(tup, desc, 11);
	r->age_on_august_31 = get_bool(tup, desc, 12);
	r->completed_years = get_bool(tup, desc, 13);
	r->assess_by_request = get_bool(tup, desc, 14);
	r->csa_min = DatumGetInt32(heap_getattr(tup, 15, desc, &isnull));
	r->csa_max = DatumGetInt32(heap_getattr(tup, 16, desc, &isnull));
	r->assess_decided_only = get_bool(tup, desc, 17);
	index_add(&f->ret_by_id, r->return_id, f->nret++);
}

#define CODES_SQL \
	"SELECT c.collection_year, c.code, min(c.label) FROM sen2.code c " \
	"WHERE c.code_set = 'sen_type' GROUP BY c.collection_year, c.code"

static void
read_plain(Facts *f, Rows *rows, HeapTuple tup, TupleDesc desc)
{
	keep_tuple(rows, tup);
}

#define PERSONS_SQL \
	"SELECT p.person_id, p.birth_date, p.sex, p.ethnicity, p.ethnic_group, p.upn, p.uln, " \
	"p.surname, p.forename FROM sen2.stat_person p"
enum
{
	P_ID = 1, P_BIRTH, P_SEX, P_ETHNICITY, P_ETHNIC_GROUP, P_UPN, P_ULN, P_SURNAME, P_FORENAME
};

/* keyed on column 1 (bigint) */
static void
read_keyed(Facts *f, Rows *rows, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	int64		key = get_int64(tup, desc, 1, &isnull);

	if (!isnull)
		key_row(f, rows, key, keep_tuple(rows, tup));
}

#define ASSESSMENTS_SQL \
	"SELECT a.request_id, a.assessment_id, a.assessment_outcome, sen2.iso_date(a.assessment_outcome_date), " \
	"a.week20, a.assessment_mediation, a.assessment_tribunal, a.other_mediation, a.other_tribunal " \
	"FROM sen2.assessment a"
enum
{
	A_REQUEST = 1, A_ID, A_OUTCOME, A_OUTCOME_DATE, A_WEEK20, A_MEDIATION, A_TRIBUNAL,
	A_OTHER_MEDIATION, A_OTHER_TRIBUNAL
};

#define PLANS_SQL \
	"SELECT np.assessment_id, np.named_plan_id, sen2.iso_date(np.start_date), sen2.iso_date(np.cease_date), " \
	"coalesce(np.cease_date, '') = '', np.cease_reason, np.plan_res, np.plan_wbp, np.pb, np.oa, np.dp " \
	"FROM sen2.named_plan np"
enum
{
	N_ASSESSMENT = 1, N_ID, N_START, N_CEASE, N_NOT_CEASED, N_CEASE_REASON, N_PLAN_RES, N_PLAN_WBP,
	N_PB, N_OA, N_DP
};

#define ACTIVE_SQL \
	"SELECT ap.request_id, ap.active_plans_id, ap.transfer_la, sen2.iso_date(ap.review_meeting), " \
	"ap.review_outcome, sen2.iso_date(ap.last_review), sen2.iso_date(ap.phase_transfer_due_date), " \
	"sen2.iso_date(ap.phase_transfer_final_date), ap.res, ap.wbp FROM sen2.active_plans ap"
enum
{
	AP_REQUEST = 1, AP_ID, AP_TRANSFER_LA, AP_REVIEW_MEETING, AP_REVIEW_OUTCOME, AP_LAST_REVIEW,
	AP_PT_DUE, AP_PT_FINAL, AP_RES, AP_WBP
};

#define NEEDS_SQL \
	"SELECT sn.active_plans_id, sn.sen_type FROM sen2.sen_need sn " \
	"WHERE sn.sen_type_rank = '1' AND sn.sen_type IS NOT NULL"


static void
read_active(Facts *f, Rows *rows, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	int64		request_id = get_int64(tup, desc, AP_REQUEST, &isnull);
	int64		id;
	uint32		idx;

	if (isnull)
		return;
	idx = keep_tuple(rows, tup);
	key_row(f, rows, request_id, idx);
	id = get_int64(tup, desc, AP_ID, &isnull);
	index_add(&f->active_by_id, id, idx);
}

static void
read_need(Facts *f, Rows *rows, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	int64		ap = get_int64(tup, desc, 1, &isnull);
	uint32		idx;
	text	   *t;

	if (isnull || (idx = find_row(&f->active_by_id, ap)) == NO_ROW)
		return;
	t = DatumGetTextPP(heap_getattr(tup, 2, desc, &isnull));
	/* min(sen_type COLLATE "C") */
	if (f->need[idx] == NULL ||
		varstr_cmp(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), VARDATA_ANY(f->need[idx]),
				   VARSIZE_ANY_EXHDR(f->need[idx]), C_COLLATION_OID) < 0)
		f->need[idx] = (text *) PG_DETOAST_DATUM_COPY(PointerGetDatum(t));
}

#define PLACEMENTS_SQL \
	"SELECT pd.active_plans_id, pd.placement_detail_id, sen2.iso_date(pd.entry_date), " \
	"sen2.iso_date(pd.leaving_date), coalesce(pd.leaving_date, '') = '', pd.placement_rank, pd.res, pd.wbp, " \
	"pd.urn, pd.ukprn, pd.sen_setting, pd.sen_unit_indicator, pd.resourced_provision_indicator " \
	"FROM sen2.placement_detail pd"
enum
{
	PL_AP = 1, PL_ID, PL_ENTRY, PL_LEAVING, PL_BLANK, PL_RANK, PL_RES, PL_WBP,
	PL_URN, PL_UKPRN, PL_SEN_SETTING, PL_SEN_UNIT, PL_RP
};

/* PlacementRank as an order: 1, 2, anything else after them */
static int
rank_order(HeapTuple tup, TupleDesc desc, int attnum)
{
	bool		isnull;
	Datum		v = heap_getattr(tup, attnum, desc, &isnull);

	if (text_is(v, isnull, "1"))
		return 1;
	if (text_is(v, isnull, "2"))
		return 2;
	return 3;
}

static void
read_placement(Facts *f, Rows *rows, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	int64		ap = get_int64(tup, desc, PL_AP, &isnull);
	uint32		idx;
	PlacementRow *pl;
	Datum		wbp;

	if (isnull)
		return;
	idx = keep_tuple(rows, tup);
	f->pl = room_for(f->pl, sizeof(PlacementRow), idx, &f->pl_cap);
	pl = &f->pl[idx];
	pl->id = get_int64(tup, desc, PL_ID, &isnull);
	pl->entry = get_date(tup, desc, PL_ENTRY);
	pl->leaving = get_date(tup, desc, PL_LEAVING);
	pl->leaving_blank = get_bool(tup, desc, PL_BLANK);
	pl->rank_order = rank_order(tup, desc, PL_RANK);
	wbp = heap_getattr(tup, PL_WBP, desc, &isnull);
	pl->wbp = 0;
	if (!isnull)
	{
		text	   *t = DatumGetTextPP(wbp);

		if (VARSIZE_ANY_EXHDR(t) == 1)
			pl->wbp = *VARDATA_ANY(t);
	}
	index_add(&f->pl_head, ap, idx);
}

#define SETTINGS_SQL \
	"SELECT dt.named_plan_id, dt.plan_detail_id, dt.placement_rank, dt.urn, dt.ukprn, dt.sen_setting, " \
	"dt.sen_unit_indicator, dt.resourced_provision_indicator FROM sen2.plan_detail dt"
enum
{
	ST_PLAN = 1, ST_ID, ST_RANK, ST_URN, ST_UKPRN, ST_SEN_SETTING, ST_SEN_UNIT, ST_RP
};

static void
read_setting(Facts *f, Rows *rows, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	int64		plan = get_int64(tup, desc, ST_PLAN, &isnull);
	uint32		idx;
	SettingRow *st;

	if (isnull)
		return;
	idx = keep_tuple(rows, tup);
	f->st = room_for(f->st, sizeof(SettingRow), idx, &f->st_cap);
	st = &f->st[idx];
	st->id = get_int64(tup, desc, ST_ID, &isnull);
	st->rank_order = rank_order(tup, desc, ST_RANK);
	index_add(&f->st_head, plan, idx);
}

/* ---------------------------------------------------------------------------
 * The placement category of a setting, as sen2.stat_setting_category
 * classifies it: by URN in the register, else by UKPRN in the register,
 * else a UKPRN alone, else by SENsetting code
 * ------------------------------------------------------------------------- */

#define BY_URN_SQL \
	"SELECT e.urn, e.category, e.sen_unit_category, e.resourced_provision_category " \
	"FROM sen2.stat_establishment_category e"
#define BY_UKPRN_SQL \
	"SELECT e.ukprn, e.category, e.sen_unit_category, e.resourced_provision_category " \
	"FROM sen2.stat_ukprn_category e"
enum
{
	E_KEY = 1, E_CATEGORY, E_SEN_UNIT, E_RP
};
#define BY_SEN_SETTING_SQL \
	"SELECT m.value, m.category FROM sen2.placement_map m WHERE m.kind = 'sen_setting'"
#define SCHOOL_AGE_SQL \
	"SELECT pc.category, pc.compulsory_school_age_category FROM sen2.placement_category pc"

static StrKey
text_key(Datum v)
{
	text	   *t = DatumGetTextPP(v);
	StrKey		k;

	k.s = VARDATA_ANY(t);
	k.len = VARSIZE_ANY_EXHDR(t);
	return k;
}

/* keyed on column 1 (text; NULL keys are never matched, so not kept) */
static void
read_text_keyed(Facts *f, Rows *rows, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	bool		found;
	uint32		idx;
	StrEntry   *e;

	(void) heap_getattr(tup, 1, desc, &isnull);
	if (isnull)
		return;
	idx = keep_tuple(rows, tup);
	if (rows->by_text == NULL)
		rows->by_text = strmap_create(f->cxt, 1024, NULL);
	/* the key points into the kept copy, which lives as long as the map */
	e = strmap_insert(rows->by_text, text_key(heap_getattr(rows->tup[idx], 1, rows->desc, &isnull)), &found);
	if (!found)
		e->idx = idx;
}

static uint32
find_text(Rows *rows, StrKey k)
{
	StrEntry   *e;

	if (rows->by_text == NULL)
		return NO_ROW;
	e = strmap_lookup(rows->by_text, k);
	return e ? e->idx : NO_ROW;
}

/* btrim(value) (spaces), NULL when empty or missing */
static bool
trimmed_key(HeapTuple tup, TupleDesc desc, int attnum, StrKey *k)
{
	bool		isnull;
	Datum		v = heap_getattr(tup, attnum, desc, &isnull);

	if (isnull)
		return false;
	*k = text_key(v);
	while (k->len > 0 && k->s[0] == ' ')
	{
		k->s++;
		k->len--;
	}
	while (k->len > 0 && k->s[k->len - 1] == ' ')
		k->len--;
	return k->len > 0;
}

/* whether the indicator in attribute attnum of tup is '1' */
static bool
indicator_set(HeapTuple tup, TupleDesc desc, int attnum)
{
	bool		isnull;
	Datum		v = heap_getattr(tup, attnum, desc, &isnull);

	return text_is(v, isnull, "1");
}

/* an establishment's category, or its SEN unit or resourced-provision one */
static Datum
establishment_category(Rows *reg, uint32 e, HeapTuple tup, TupleDesc desc, int a_sen_unit, int a_rp)
{
	bool		isnull;
	Datum		v;

	v = col(reg, e, E_SEN_UNIT, &isnull);
	if (!isnull && indicator_set(tup, desc, a_sen_unit))
		return v;
	v = col(reg, e, E_RP, &isnull);
	if (!isnull && indicator_set(tup, desc, a_rp))
		return v;
	return col(reg, e, E_CATEGORY, &isnull);
}

/* the category of the setting in tup, and the category it takes for a
 * person of compulsory school age */
static void
classify(Facts *f, HeapTuple tup, TupleDesc desc, int a_urn, int a_ukprn, int a_sen_setting,
		 int a_sen_unit, int a_rp, Datum *category, Datum *school_age)
{
	StrKey		k;
	uint32		e;
	bool		isnull;

	if (trimmed_key(tup, desc, a_urn, &k))
	{
		e = find_text(&f->by_urn, k);
		*category = e != NO_ROW ? establishment_category(&f->by_urn, e, tup, desc, a_sen_unit, a_rp)
			: f->urn_not_in_register;
	}
	else if (trimmed_key(tup, desc, a_ukprn, &k))
	{
		e = find_text(&f->by_ukprn, k);
		*category = e != NO_ROW ? establishment_category(&f->by_ukprn, e, tup, desc, a_sen_unit, a_rp)
			: f->ukrlp_provider;
	}
	else
	{
		Datum		v = heap_getattr(tup, a_sen_setting, desc, &isnull);

		e = isnull ? NO_ROW : find_text(&f->by_sen_setting, text_key(v));
		*category = e != NO_ROW ? col(&f->by_sen_setting, e, 2, &isnull) : f->unknown;
	}
	e = find_text(&f->school_age, text_key(*category));
	*school_age = *category;
	if (e != NO_ROW)
	{
		Datum		v = col(&f->school_age, e, 2, &isnull);

		if (!isnull)
			*school_age = v;
	}
}

/* ---------------------------------------------------------------------------
 * The picks: one placement per plan, chosen as the SQL's ORDER BY did
 * ------------------------------------------------------------------------- */

/* rank order, then the latest entry, then the lowest id */
static bool
before_by_rank(const PlacementRow *a, const PlacementRow *b)
{
	if (a->rank_order != b->rank_order)
		return a->rank_order < b->rank_order;
	if (a->entry.v != b->entry.v)
		return a->entry.v > b->entry.v;
	return a->id < b->id;
}

/* the latest entry, then rank order, then the lowest id */
static bool
before_by_entry(const PlacementRow *a, const PlacementRow *b)
{
	if (a->entry.v != b->entry.v)
		return a->entry.v > b->entry.v;
	if (a->rank_order != b->rank_order)
		return a->rank_order < b->rank_order;
	return a->id < b->id;
}

/* attended on day d: entered by d, not left before it */
static bool
attended_on(const PlacementRow *p, OptDate d)
{
	return is_true(opt_le(p->entry, d)) && (p->leaving_blank || is_true(opt_le(d, p->leaving)));
}

typedef struct Picks
{
	uint32		census;			/* attended on census day */
	uint32		start;			/* attended on the start date of a plan new in the year */
	uint32		last;			/* last entered by the cease date of a plan ceased in the year */
	uint32		wbp;			/* latest work-based placement attended in the year */
	uint32		named;			/* first setting named in a plan new in the year */
} Picks;

/* the picks for the active-plans row api and the plan row ni (either NO_ROW) */
static void
pick(Facts *f, const ReturnRow *r, uint32 api, uint32 ni, OptDate start, OptDate cease, Picks *k)
{
	bool		starts = is_true(opt_between(start, r->period_start, r->period_end));
	bool		ceases = is_true(opt_between(cease, r->period_start, r->period_end));
	bool		isnull;
	uint32		i = NO_ROW;

	k->census = k->start = k->last = k->wbp = k->named = NO_ROW;
	if (api != NO_ROW)
		i = find_row(&f->pl_head, DatumGetInt64(col(&f->active, api, AP_ID, &isnull)));
	for (; i != NO_ROW; i = f->pl_next[i])
	{
		const PlacementRow *p = &f->pl[i];

		if (attended_on(p, r->census) && (k->census == NO_ROW || before_by_rank(p, &f->pl[k->census])))
			k->census = i;
		if (starts && attended_on(p, start) && (k->start == NO_ROW || before_by_rank(p, &f->pl[k->start])))
			k->start = i;
		if (ceases && is_true(opt_le(p->entry, cease)) &&
			(k->last == NO_ROW || before_by_entry(p, &f->pl[k->last])))
			k->last = i;
		if ((p->wbp == 'S' || p->wbp == 'A' || p->wbp == 'T') &&
			is_true(opt_le(p->entry, r->period_end)) &&
			(p->leaving_blank || is_true(opt_le(r->period_start, p->leaving))) &&
			(k->wbp == NO_ROW || before_by_entry(p, &f->pl[k->wbp])))
			k->wbp = i;
	}
	if (!starts || ni == NO_ROW)
		return;
	for (i = find_row(&f->st_head, DatumGetInt64(col(&f->plan, ni, N_ID, &isnull))); i != NO_ROW; i = f->st_next[i])
	{
		const SettingRow *s = &f->st[i];

		if (k->named == NO_ROW || s->rank_order < f->st[k->named].rank_order ||
			(s->rank_order == f->st[k->named].rank_order && s->id < f->st[k->named].id))
			k->named = i;
	}
}

/* ---------------------------------------------------------------------------
 * One row of facts per request
 * ------------------------------------------------------------------------- */

#define REQUESTS_SQL \
	"SELECT q.request_id, q.return_id, q.person_id, sen2.iso_date(q.received_date), q.request_source, " \
	"q.rya, q.request_outcome, sen2.iso_date(q.request_outcome_date), q.request_mediation, " \
	"q.request_tribunal, q.exported FROM sen2.request q"
enum
{
	Q_ID = 1, Q_RETURN, Q_PERSON, Q_RECEIVED, Q_SOURCE, Q_RYA, Q_OUTCOME, Q_OUTCOME_DATE,
	Q_MEDIATION, Q_TRIBUNAL, Q_EXPORTED
};

/* the columns of sen2.stat_case, in order */
enum
{
	C_RETURN_ID, C_LA_CODE, C_COLLECTION_YEAR, C_CENSUS_DATE, C_PERIOD_START, C_PERIOD_END,
	C_PERSON_ID, C_UPN, C_ULN, C_SURNAME, C_FORENAME, C_BIRTH_DATE, C_SEX, C_ETHNICITY, C_ETHNIC_GROUP,
	C_REQUEST_ID, C_RECEIVED_DATE, C_REQUEST_SOURCE, C_RYA, C_REQUEST_OUTCOME, C_REQUEST_OUTCOME_DATE,
	C_REQUEST_MEDIATION, C_REQUEST_TRIBUNAL, C_EXPORTED,
	C_ASSESSMENT_ID, C_ASSESSMENT_OUTCOME, C_ASSESSMENT_OUTCOME_DATE, C_WEEK20,
	C_ASSESSMENT_MEDIATION, C_ASSESSMENT_TRIBUNAL, C_OTHER_MEDIATION, C_OTHER_TRIBUNAL,
	C_NAMED_PLAN_ID, C_START_DATE, C_CEASE_DATE, C_NOT_CEASED, C_CEASE_REASON,
	C_PLAN_RES, C_PLAN_WBP, C_PB, C_OA, C_DP,
	C_ACTIVE_PLANS_ID, C_TRANSFER_LA, C_REVIEW_MEETING, C_REVIEW_OUTCOME, C_LAST_REVIEW,
	C_PHASE_TRANSFER_DUE_DATE, C_PHASE_TRANSFER_FINAL_DATE,
	C_RECEIVED_IN_PERIOD, C_AGE_AT_REQUEST, C_DAYS_TO_DECISION, C_DAYS_TO_OUTCOME, C_ASSESSMENT_IN_PERIOD,
	C_ACTIVE_ON_CENSUS, C_NEW_IN_PERIOD, C_CEASED_IN_PERIOD, C_REVIEW_EXPECTED,
	C_AGE_AT_CENSUS, C_AGE_AT_START, C_AGE_AT_CEASE, C_YEARS_IN_PLACE, C_YEARS_HELD,
	C_PRIMARY_NEED_CODE, C_PRIMARY_NEED,
	C_CENSUS_PLACEMENT, C_CENSUS_URN, C_CENSUS_UKPRN, C_CENSUS_SEN_SETTING, C_CENSUS_RES, C_CENSUS_WBP,
	C_START_PLACEMENT, C_START_PLACEMENT_SOURCE, C_LAST_PLACEMENT, C_WBP_IN_PERIOD,
	C_NCOLS
};
StaticAssertDecl(C_NCOLS == STAT_FACT_COLUMNS, "stat_facts.h counts the columns of sen2.stat_case");

typedef struct Out
{
	Datum		v[C_NCOLS];
	bool		null[C_NCOLS];
} Out;

static void
put(Out *o, int c, Datum v)
{
	o->v[c] = v;
	o->null[c] = false;
}

/* column c of the output from attribute attnum of a stored row */
static void
copy_col(Out *o, int c, Rows *rows, uint32 idx, int attnum)
{
	if (idx != NO_ROW)
		o->v[c] = col(rows, idx, attnum, &o->null[c]);
}

static void
put_date(Out *o, int c, OptDate d)
{
	if (!d.null)
		put(o, c, DateADTGetDatum(d.v));
}

static void
put_years(Out *o, int c, OptDate from, OptDate to)
{
	if (is_true(opt_le(from, to)))
		put(o, c, Int32GetDatum(age_years(to.v, from.v)));
}

/* the age on the 31 August before d lies in the compulsory school ages */
static bool
compulsory_school_age(const ReturnRow *r, OptDate birth, OptDate august_31)
{
	int			age;

	if (!is_true(opt_le(birth, august_31)))
		return false;
	age = age_years(august_31.v, birth.v);
	return age >= r->csa_min && age <= r->csa_max;
}

/* the 31 August that starts the academic year of d */
static OptDate
august_31_before(OptDate d)
{
	OptDate		a = d;
	int			y,
				m,
				day;

	if (d.null)
		return d;
	sen2_civil(d.v, &y, &m, &day);
	a.v = date2j(m < 9 ? y - 1 : y, 8, 31) - POSTGRES_EPOCH_JDATE;
	return a;
}

/* the label of primary need code need (DS as OTH when asked) in the year */
static void
put_primary_need(Facts *f, Out *o, const ReturnRow *r, text *need)
{
	const char *code;
	int			len;
	uint32		i;

	if (need != NULL)
	{
		code = VARDATA_ANY(need);
		len = VARSIZE_ANY_EXHDR(need);
		if (r->ds_as_other && len == 2 && memcmp(code, "DS", 2) == 0)
		{
			code = "OTH";
			len = 3;
		}
		for (i = 0; i < f->code.n; i++)
		{
			if (f->code_year[i] == r->collection_year && f->code_key[i].len == len &&
				memcmp(f->code_key[i].s, code, len) == 0)
			{
				copy_col(o, C_PRIMARY_NEED_CODE, &f->code, i, 2);
				copy_col(o, C_PRIMARY_NEED, &f->code, i, 3);
				if (o->null[C_PRIMARY_NEED])
					put(o, C_PRIMARY_NEED, f->not_recorded);
				return;
			}
		}
	}
	put(o, C_PRIMARY_NEED_CODE, f->not_recorded);
	put(o, C_PRIMARY_NEED, f->not_recorded);
}

static void
emit(Facts *f, Out *o, HeapTuple q, TupleDesc qd)
{
	bool		isnull;
	int64		request_id = get_int64(q, qd, Q_ID, &isnull);
	uint32		ri = find_row(&f->ret_by_id, get_int64(q, qd, Q_RETURN, &isnull));
	uint32		pi = find_row(&f->person.by_key, get_int64(q, qd, Q_PERSON, &isnull));
	const ReturnRow *r;
	uint32		ai,
				ni = NO_ROW,
				api;
	OptDate		birth,
				received,
				request_decided,
				outcome_date,
				start,
				cease,
				census_day;
	bool		not_ceased;
	Tri			outcome_h = T_NULL;
	Datum		outcome;
	bool		outcome_null = true;
	Picks		k;
	int			c;

	/* a request whose return or person is not visible is left out (inner joins) */
	if (ri == NO_ROW || pi == NO_ROW)
		return;
	r = &f->ret[ri];
	ai = find_row(&f->assessment.by_key, request_id);
	if (ai != NO_ROW)
	{
		int64		aid = DatumGetInt64(col(&f->assessment, ai, A_ID, &isnull));

		ni = find_row(&f->plan.by_key, aid);
		outcome = col(&f->assessment, ai, A_OUTCOME, &outcome_null);
		outcome_h = outcome_null ? T_NULL : tri_bool(text_is(outcome, false, "H"));
	}
	api = find_row(&f->active.by_key, request_id);

	for (c = 0; c < C_NCOLS; c++)
		o->null[c] = true;

	/* the return, the person, the request */
	put(o, C_RETURN_ID, Int64GetDatum(r->return_id));
	if (!r->la_code_null)
		put(o, C_LA_CODE, r->la_code);
	put(o, C_COLLECTION_YEAR, Int32GetDatum(r->collection_year));
	put_date(o, C_CENSUS_DATE, r->census);
	put_date(o, C_PERIOD_START, r->period_start);
	put_date(o, C_PERIOD_END, r->period_end);
	copy_col(o, C_PERSON_ID, &f->person, pi, P_ID);
	copy_col(o, C_UPN, &f->person, pi, P_UPN);
	copy_col(o, C_ULN, &f->person, pi, P_ULN);
	copy_col(o, C_SURNAME, &f->person, pi, P_SURNAME);
	copy_col(o, C_FORENAME, &f->person, pi, P_FORENAME);
	copy_col(o, C_BIRTH_DATE, &f->person, pi, P_BIRTH);
	copy_col(o, C_SEX, &f->person, pi, P_SEX);
	copy_col(o, C_ETHNICITY, &f->person, pi, P_ETHNICITY);
	copy_col(o, C_ETHNIC_GROUP, &f->person, pi, P_ETHNIC_GROUP);
	birth = col_date(&f->person, pi, P_BIRTH);
	put(o, C_REQUEST_ID, Int64GetDatum(request_id));
	o->v[C_RECEIVED_DATE] = heap_getattr(q, Q_RECEIVED, qd, &o->null[C_RECEIVED_DATE]);
	o->v[C_REQUEST_SOURCE] = heap_getattr(q, Q_SOURCE, qd, &o->null[C_REQUEST_SOURCE]);
	o->v[C_RYA] = heap_getattr(q, Q_RYA, qd, &o->null[C_RYA]);
	o->v[C_REQUEST_OUTCOME] = heap_getattr(q, Q_OUTCOME, qd, &o->null[C_REQUEST_OUTCOME]);
	o->v[C_REQUEST_OUTCOME_DATE] = heap_getattr(q, Q_OUTCOME_DATE, qd, &o->null[C_REQUEST_OUTCOME_DATE]);
	o->v[C_REQUEST_MEDIATION] = heap_getattr(q, Q_MEDIATION, qd, &o->null[C_REQUEST_MEDIATION]);
	o->v[C_REQUEST_TRIBUNAL] = heap_getattr(q, Q_TRIBUNAL, qd, &o->null[C_REQUEST_TRIBUNAL]);
	o->v[C_EXPORTED] = heap_getattr(q, Q_EXPORTED, qd, &o->null[C_EXPORTED]);
	received = get_date(q, qd, Q_RECEIVED);
	request_decided = get_date(q, qd, Q_OUTCOME_DATE);

	/* the assessment, its plan and the active plan */
	copy_col(o, C_ASSESSMENT_ID, &f->assessment, ai, A_ID);
	copy_col(o, C_ASSESSMENT_OUTCOME, &f->assessment, ai, A_OUTCOME);
	copy_col(o, C_ASSESSMENT_OUTCOME_DATE, &f->assessment, ai, A_OUTCOME_DATE);
	copy_col(o, C_WEEK20, &f->assessment, ai, A_WEEK20);
	copy_col(o, C_ASSESSMENT_MEDIATION, &f->assessment, ai, A_MEDIATION);
	copy_col(o, C_ASSESSMENT_TRIBUNAL, &f->assessment, ai, A_TRIBUNAL);
	copy_col(o, C_OTHER_MEDIATION, &f->assessment, ai, A_OTHER_MEDIATION);
	copy_col(o, C_OTHER_TRIBUNAL, &f->assessment, ai, A_OTHER_TRIBUNAL);
	outcome_date.null = true;
	outcome_date.v = 0;
	if (ai != NO_ROW)
		outcome_date = col_date(&f->assessment, ai, A_OUTCOME_DATE);
	copy_col(o, C_NAMED_PLAN_ID, &f->plan, ni, N_ID);
	copy_col(o, C_START_DATE, &f->plan, ni, N_START);
	copy_col(o, C_CEASE_DATE, &f->plan, ni, N_CEASE);
	copy_col(o, C_CEASE_REASON, &f->plan, ni, N_CEASE_REASON);
	copy_col(o, C_PLAN_RES, &f->plan, ni, N_PLAN_RES);
	copy_col(o, C_PLAN_WBP, &f->plan, ni, N_PLAN_WBP);
	copy_col(o, C_PB, &f->plan, ni, N_PB);
	copy_col(o, C_OA, &f->plan, ni, N_OA);
	copy_col(o, C_DP, &f->plan, ni, N_DP);
	start.null = cease.null = true;
	start.v = cease.v = 0;
	not_ceased = false;
	if (ni != NO_ROW)
	{
		start = col_date(&f->plan, ni, N_START);
		cease = col_date(&f->plan, ni, N_CEASE);
		not_ceased = DatumGetBool(col(&f->plan, ni, N_NOT_CEASED, &isnull));
	}
	put(o, C_NOT_CEASED, BoolGetDatum(not_ceased));
	copy_col(o, C_ACTIVE_PLANS_ID, &f->active, api, AP_ID);
	copy_col(o, C_TRANSFER_LA, &f->active, api, AP_TRANSFER_LA);
	copy_col(o, C_REVIEW_MEETING, &f->active, api, AP_REVIEW_MEETING);
	copy_col(o, C_REVIEW_OUTCOME, &f->active, api, AP_REVIEW_OUTCOME);
	copy_col(o, C_LAST_REVIEW, &f->active, api, AP_LAST_REVIEW);
	copy_col(o, C_PHASE_TRANSFER_DUE_DATE, &f->active, api, AP_PT_DUE);
	copy_col(o, C_PHASE_TRANSFER_FINAL_DATE, &f->active, api, AP_PT_FINAL);

	/* requests and assessments */
	put(o, C_RECEIVED_IN_PERIOD, BoolGetDatum(is_true(opt_between(received, r->period_start, r->period_end))));
	put_years(o, C_AGE_AT_REQUEST, birth, received);
	if (!request_decided.null && !received.null)
		put(o, C_DAYS_TO_DECISION, Int32GetDatum(request_decided.v - received.v));
	if (!outcome_date.null && !received.null)
		put(o, C_DAYS_TO_OUTCOME, Int32GetDatum(outcome_date.v - received.v));
	{
		bool		in_period = false;

		if (ai != NO_ROW && outcome_h != T_TRUE)
		{
			OptDate		basis;

			if (r->assess_by_request)
				basis = received;
			else if (!outcome_null && (text_is(outcome, false, "Y") || text_is(outcome, false, "N")) &&
					 !outcome_date.null)
				basis = outcome_date;
			else if (r->assess_decided_only)
				basis.null = true;
			else
				basis = request_decided.null ? received : request_decided;
			in_period = is_true(opt_between(basis, r->period_start, r->period_end));
		}
		put(o, C_ASSESSMENT_IN_PERIOD, BoolGetDatum(in_period));
	}

	/* plans */
	{
		Tri			active,
					new_plan,
					transfer;
		OptDate		cutoff = r->review_cutoff;

		active = tri_and(opt_le(start, r->census),
						 tri_or(tri_or(tri_bool(not_ceased),
									   (cease.null || r->census.null) ? T_NULL : tri_bool(cease.v > r->census.v)),
								tri_and(tri_bool(r->active_on_cease_date), opt_eq(cease, r->census))));
		put(o, C_ACTIVE_ON_CENSUS, BoolGetDatum(is_true(active)));
		transfer = T_FALSE;
		if (api != NO_ROW)
		{
			Datum		t = col(&f->active, api, AP_TRANSFER_LA, &isnull);

			transfer = tri_bool(!isnull && VARSIZE_ANY_EXHDR(DatumGetTextPP(t)) > 0);
		}
		new_plan = tri_and(opt_between(start, r->period_start, r->period_end),
						   tri_not(tri_and(tri_bool(r->exclude_transfers), tri_or(transfer, outcome_h))));
		put(o, C_NEW_IN_PERIOD, BoolGetDatum(is_true(new_plan)));
		put(o, C_CEASED_IN_PERIOD, BoolGetDatum(is_true(opt_between(cease, r->period_start, r->period_end))));
		put(o, C_REVIEW_EXPECTED, BoolGetDatum(is_true(opt_le(start, cutoff))));
	}
	census_day = r->age_on_august_31 ? r->august_31 : r->census;
	if (is_true(opt_le(birth, r->census)) && !census_day.null)
		put(o, C_AGE_AT_CENSUS, Int32GetDatum(age_years(census_day.v, birth.v)));
	put_years(o, C_AGE_AT_START, birth, start);
	put_years(o, C_AGE_AT_CEASE, birth, cease);
	if (is_true(opt_le(start, r->census)))
		put(o, C_YEARS_IN_PLACE, Int32GetDatum(r->completed_years ? age_years(r->census.v, start.v)
											   : date_year(r->census.v) - date_year(start.v)));
	put_years(o, C_YEARS_HELD, start, cease);
	put_primary_need(f, o, r, api != NO_ROW ? f->need[api] : NULL);

	/* placements */
	pick(f, r, api, ni, start, cease, &k);
	if (k.census == NO_ROW)
		put(o, C_CENSUS_PLACEMENT, f->unknown);
	else
	{
		Datum		cat,
					csa;

		classify(f, f->placement.tup[k.census], f->placement.desc, PL_URN, PL_UKPRN, PL_SEN_SETTING,
				 PL_SEN_UNIT, PL_RP, &cat, &csa);
		put(o, C_CENSUS_PLACEMENT, compulsory_school_age(r, birth, r->august_31) ? csa : cat);
		copy_col(o, C_CENSUS_URN, &f->placement, k.census, PL_URN);
		copy_col(o, C_CENSUS_UKPRN, &f->placement, k.census, PL_UKPRN);
		copy_col(o, C_CENSUS_SEN_SETTING, &f->placement, k.census, PL_SEN_SETTING);
		copy_col(o, C_CENSUS_RES, &f->placement, k.census, PL_RES);
		copy_col(o, C_CENSUS_WBP, &f->placement, k.census, PL_WBP);
	}
	if (o->null[C_CENSUS_RES])
		copy_col(o, C_CENSUS_RES, &f->active, api, AP_RES);
	if (o->null[C_CENSUS_WBP])
		copy_col(o, C_CENSUS_WBP, &f->active, api, AP_WBP);
	if (k.start != NO_ROW || k.named != NO_ROW)
	{
		bool		school_age = compulsory_school_age(r, birth, august_31_before(start));
		Datum		cat,
					csa;

		if (k.start != NO_ROW)
		{
			classify(f, f->placement.tup[k.start], f->placement.desc, PL_URN, PL_UKPRN, PL_SEN_SETTING,
					 PL_SEN_UNIT, PL_RP, &cat, &csa);
			put(o, C_START_PLACEMENT_SOURCE, f->attended);
		}
		else
		{
			classify(f, f->setting.tup[k.named], f->setting.desc, ST_URN, ST_UKPRN, ST_SEN_SETTING,
					 ST_SEN_UNIT, ST_RP, &cat, &csa);
			put(o, C_START_PLACEMENT_SOURCE, f->named_in_plan);
		}
		put(o, C_START_PLACEMENT, school_age ? csa : cat);
	}
	else
		put(o, C_START_PLACEMENT, f->unknown);
	if (k.last != NO_ROW)
	{
		Datum		cat,
					csa;

		classify(f, f->placement.tup[k.last], f->placement.desc, PL_URN, PL_UKPRN, PL_SEN_SETTING,
				 PL_SEN_UNIT, PL_RP, &cat, &csa);
		put(o, C_LAST_PLACEMENT, cat);
	}
	else
		put(o, C_LAST_PLACEMENT, f->unknown);
	if (k.wbp != NO_ROW)
		copy_col(o, C_WBP_IN_PERIOD, &f->placement, k.wbp, PL_WBP);

	f->sink(f->sink_arg, o->v, o->null);
}

static void
emit_request(Facts *f, Rows *rows, HeapTuple tup, TupleDesc desc)
{
	MemoryContext old = MemoryContextSwitchTo(f->row_cxt);

	emit(f, f->out, tup, desc);
	MemoryContextSwitchTo(old);
	MemoryContextReset(f->row_cxt);
}

/*
 * Computes the facts of every return (return_ids NULL) or of the returns in
 * return_ids (bigint[]), handing each row to sink, whose values live only
 * until it returns.
 */
void
stat_facts_compute(Datum return_ids, bool only_returns, StatFactSink sink, void *sink_arg)
{
	Facts		f;
	Out			o;
	uint32		i;

	memset(&f, 0, sizeof(f));
	f.cxt = AllocSetContextCreate(CurrentMemoryContext, "sen2 statistics facts", ALLOCSET_DEFAULT_SIZES);
	f.row_cxt = AllocSetContextCreate(f.cxt, "sen2 statistics facts row", ALLOCSET_DEFAULT_SIZES);
	f.out = &o;
	f.sink = sink;
	f.sink_arg = sink_arg;
	f.only_returns = only_returns;
	f.return_ids = return_ids;
	f.unknown = CStringGetTextDatum("placement_unknown");
	f.urn_not_in_register = CStringGetTextDatum("urn_not_in_register");
	f.ukrlp_provider = CStringGetTextDatum("ukrlp_provider");
	f.not_recorded = CStringGetTextDatum("Not recorded");
	f.attended = CStringGetTextDatum("attended");
	f.named_in_plan = CStringGetTextDatum("named in plan");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	read_query(&f, NULL, RETURNS_SQL, "r.return_id", read_return);
	index_build(f.cxt, &f.ret_by_id, NULL);
	read_query(&f, &f.code, CODES_SQL, NULL, read_plain);
	f.code_year = MemoryContextAlloc(f.cxt, sizeof(int32) * Max(f.code.n, 1));
	f.code_key = MemoryContextAlloc(f.cxt, sizeof(StrKey) * Max(f.code.n, 1));
	for (i = 0; i < f.code.n; i++)
	{
		bool		isnull;

		f.code_year[i] = DatumGetInt32(col(&f.code, i, 1, &isnull));
		f.code_key[i] = text_key(col(&f.code, i, 2, &isnull));
	}
	read_query(&f, &f.person, PERSONS_SQL, "p.return_id", read_keyed);
	index_build(f.cxt, &f.person.by_key, NULL);
	read_query(&f, &f.assessment, ASSESSMENTS_SQL, "a.return_id", read_keyed);
	index_build(f.cxt, &f.assessment.by_key, NULL);
	read_query(&f, &f.plan, PLANS_SQL, "np.return_id", read_keyed);
	index_build(f.cxt, &f.plan.by_key, NULL);
	read_query(&f, &f.active, ACTIVE_SQL, "ap.return_id", read_active);
	index_build(f.cxt, &f.active.by_key, NULL);
	index_build(f.cxt, &f.active_by_id, NULL);
	f.need = MemoryContextAllocZero(f.cxt, sizeof(text *) * Max(f.active.n, 1));
	read_query(&f, NULL, NEEDS_SQL, "sn.return_id", read_need);
	read_query(&f, &f.by_urn, BY_URN_SQL, NULL, read_text_keyed);
	read_query(&f, &f.by_ukprn, BY_UKPRN_SQL, NULL, read_text_keyed);
	read_query(&f, &f.by_sen_setting, BY_SEN_SETTING_SQL, NULL, read_text_keyed);
	read_query(&f, &f.school_age, SCHOOL_AGE_SQL, NULL, read_text_keyed);
	read_query(&f, &f.placement, PLACEMENTS_SQL, "pd.return_id", read_placement);
	f.pl_next = MemoryContextAllocHuge(f.cxt, sizeof(uint32) * Max(f.placement.n, 1));
	index_build(f.cxt, &f.pl_head, f.pl_next);
	read_query(&f, &f.setting, SETTINGS_SQL, "dt.return_id", read_setting);
	f.st_next = MemoryContextAllocHuge(f.cxt, sizeof(uint32) * Max(f.setting.n, 1));
	index_build(f.cxt, &f.st_head, f.st_next);

	/* the requests are not kept: each becomes its row as it is read */
	read_query(&f, NULL, REQUESTS_SQL, "q.return_id", emit_request);

	SPI_finish();
	MemoryContextDelete(f.cxt);
}

static void
put_in_store(void *arg, Datum *values, bool *nulls)
{
	ReturnSetInfo *rsinfo = arg;

	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

Datum
sen2_stat_case_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		only_returns = PG_NARGS() > 0 && !PG_ARGISNULL(0);

	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != STAT_FACT_COLUMNS)
		elog(ERROR, "sen2.stat_case_rows returns %d columns, expected %d",
			 rsinfo->setDesc->natts, STAT_FACT_COLUMNS);
	stat_facts_compute(only_returns ? PG_GETARG_DATUM(0) : (Datum) 0, only_returns, put_in_store, rsinfo);
	return (Datum) 0;
}
