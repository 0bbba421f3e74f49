/*
 * rule_engine.c
 *		Loads the year's facts and the rule set in force, walks person
 *		trees, and turns what rules report into findings.  See
 *		rule_engine.h for the life of a run and how to add a rule.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "ident.h"
#include "rule_engine.h"
#include "xml_load.h"

/* Every rules_*.c table.  A new rule file adds its table here. */
static const Sen2RuleImpl *const sen2_rule_tables[] = {
	sen2_rules_header,
	sen2_rules_person,
	sen2_rules_request,
	sen2_rules_assessment,
	sen2_rules_plan,
	sen2_rules_active,
	NULL
};

/* A finding's value is cut to this many bytes (whole characters). */
#define SEN2_MAX_VALUE_BYTES 1000

static const Sen2RuleImpl *
find_impl(const char *id)
{
	int			t;

	for (t = 0; sen2_rule_tables[t] != NULL; t++)
	{
		const Sen2RuleImpl *r;

		for (r = sen2_rule_tables[t]; r->id != NULL; r++)
			if (strcmp(r->id, id) == 0)
				return r;
	}
	return NULL;
}

static int
check_index(const char *id)
{
	int			c;

	for (c = 0; c < SEN2_NCHECKS; c++)
		if (strcmp(sen2_check_ids[c], id) == 0)
			return c;
	return -1;
}

List *
sen2_builtin_rule_ids(void)
{
	List	   *ids = NIL;
	int			t,
				c;

	for (c = 0; c < SEN2_NCHECKS; c++)
		ids = lappend(ids, (void *) sen2_check_ids[c]);
	for (t = 0; sen2_rule_tables[t] != NULL; t++)
	{
		const Sen2RuleImpl *r;

		for (r = sen2_rule_tables[t]; r->id != NULL; r++)
			ids = lappend(ids, (void *) r->id);
	}
	return ids;
}

/* ---------------------------------------------------------------------
 * Dates
 * --------------------------------------------------------------------- */

void
sen2_civil(int32 days, int *y, int *m, int *d)
{
	/* Howard Hinnant's civil-from-days, from PostgreSQL's 2000-01-01 epoch. */
	int64		z = (int64) days + 10957 + 719468;
	int64		era = (z >= 0 ? z : z - 146096) / 146097;
	int64		doe = z - era * 146097;
	int64		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64		mp = (5 * doy + 2) / 153;
	int			dd = (int) (doy - (153 * mp + 2) / 5 + 1);
	int			mm = (int) (mp < 10 ? mp + 3 : mp - 9);

	*y = (int) (yoe + era * 400 + (mm <= 2));
	*m = mm;
	*d = dd;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int32
sen2_add_years(int32 days, int years)
{
	int			y,
				m,
				d;

	sen2_civil(days, &y, &m, &d);
	y += years;
	if (m == 2 && d == 29 && !leap(y))
		d = 28;
	return sen2_days_from_civil(y, m, d);
}

int
sen2_age_on(int32 birth, int32 on)
{
	int			by,
				bm,
				bd,
				y,
				m,
				d,
				age;

	sen2_civil(birth, &by, &bm, &bd);
	sen2_civil(on, &y, &m, &d);
	age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

char *
sen2_date_str(int32 days)
{
	int			y,
				m,
				d;

	sen2_civil(days, &y, &m, &d);
	return psprintf("%04d-%02d-%02d", y, m, d);
}

/* ---------------------------------------------------------------------
 * Facts
 * --------------------------------------------------------------------- */

const Sen2CodeSet *
sen2_codeset(Sen2Run *run, const char *name)
{
	int			i;

	for (i = 0; i < run->f.ncodesets; i++)
		if (strcmp(run->f.codesets[i].name, name) == 0)
			return &run->f.codesets[i];
	return NULL;
}

bool
sen2_code_ok(const Sen2CodeSet *cs, const char *code)
{
	int			lo = 0,
				hi;

	if (cs == NULL || code == NULL)
		return false;
	hi = cs->n - 1;
	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(cs->codes[mid], code);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

static int
la_number(const char *s, int len)
{
	if (s == NULL || sen2_la_format_problem(s, len) != NULL)
		return -1;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

bool
sen2_la_english(Sen2Run *run, const char *s, int len)
{
	int			n = la_number(s, len);

	return n >= 0 && (run->f.la[n] & SEN2_LA_ENGLISH) != 0;
}

bool
sen2_la_known(Sen2Run *run, const char *s, int len)
{
	int			n = la_number(s, len);

	return n >= 0 && (run->f.la[n] & SEN2_LA_KNOWN) != 0;
}

bool
sen2_plan_active_on_rd(Sen2Run *run, Sen2Node *request)
{
	Sen2Node   *np;
	int32		d;

	if (sen2_child(request, SEN2_K_ACTIVE_PLANS) == NULL)
		return false;
	np = sen2_named_plan_of(request);
	if (np == NULL)
		return false;			/* unknown without the plan (R13, A07b) */
	/* a date that is present but not a date leaves it unknown: say no */
	if (sen2_has(np, SEN2_N_START_DATE) &&
		(!sen2_date(np, SEN2_N_START_DATE, &d) || d > run->f.rd))
		return false;
	if (sen2_has(np, SEN2_N_CEASE_DATE) &&
		(!sen2_date(np, SEN2_N_CEASE_DATE, &d) || d <= run->f.rd))
		return false;
	return true;
}

const char *
sen2_tag(Sen2Run *run, Sen2Kind kind, int item)
{
	const Sen2KindLayout *kl = &run->f.layout[kind];

	if (item >= 0 && kl->entry_of[item] >= 0)
		return kl->e[kl->entry_of[item]].tag;
	return sen2_kind_desc[kind].items[item].tag;
}

/* ---------------------------------------------------------------------
 * Loading a run
 * --------------------------------------------------------------------- */

/*
 * SPI calls return in SPI's procedure context, not the caller's: run a query
 * and come back to the context we were in (the run's).
 */
static void
spi_select(const char *sql, int year, const char *what)
{
	MemoryContext cxt = CurrentMemoryContext;
	Datum		arg = Int32GetDatum(year);
	Oid			argtype = INT4OID;
	int			rc;

	rc = SPI_execute_with_args(sql, 1, &argtype, &arg, NULL, true, 0);
	MemoryContextSwitchTo(cxt);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read %s: %s", what, SPI_result_code_string(rc));
}

/* SPI_getvalue allocates in the current context: the run's. */
static char *
spi_text(HeapTuple tup, TupleDesc desc, int col)
{
	return SPI_getvalue(tup, desc, col);
}

static int
read_int_param(const char *name, int dflt, int min, int max)
{
	const char *s = GetConfigOption(name, true, false);
	char	   *end;
	long		v;

	if (s == NULL || *s == '\0')
		return dflt;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for setting \"%s\": \"%s\"", name, s),
				 errdetail("The value must be a whole number between %d and %d.", min, max),
				 errhint("RESET %s to use the default (%d).", name, dflt)));
	return (int) v;
}

static double
read_share_param(const char *name, double dflt)
{
	const char *s = GetConfigOption(name, true, false);
	char	   *end;
	double		v;

	if (s == NULL || *s == '\0')
		return dflt;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !(v >= 0.0 && v <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for setting \"%s\": \"%s\"", name, s),
				 errdetail("The value must be a share between 0 and 1, e.g. 0.2."),
				 errhint("RESET %s to use the default (%g).", name, dflt)));
	return v;
}

static void
load_params(Sen2Params *p)
{
	p->decide_to_assess_days = read_int_param("sen2.decide_to_assess_days", 42, 0, 3650);
	p->no_plan_decision_days = read_int_param("sen2.no_plan_decision_days", 112, 0, 3650);
	p->issue_plan_days = read_int_param("sen2.issue_plan_days", 140, 0, 3650);
	p->review_decision_days = read_int_param("sen2.review_decision_days", 28, 0, 3650);
	p->other_share = read_share_param("sen2.other_code_share", 0.2);
	p->other_min_count = read_int_param("sen2.other_code_min_count", 10, 1, 100000000);
}

static void
load_collection(Sen2Run *run)
{
	bool		isnull;
	HeapTuple	t;
	TupleDesc	d;

	spi_select("SELECT reference_date, period_start, period_end"
			   "  FROM sen2.collection WHERE collection_year = $1", run->f.year, "sen2.collection");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("collection year %d is not known", run->f.year),
				 errdetail("Validation needs the census date and period of the return's collection year."),
				 errhint("SELECT collection_year FROM sen2.collection lists the known years; sen2.copy_reference_year adds one.")));
	t = SPI_tuptable->vals[0];
	d = SPI_tuptable->tupdesc;
	run->f.rd = DatumGetDateADT(SPI_getbinval(t, d, 1, &isnull));
	run->f.period_start = DatumGetDateADT(SPI_getbinval(t, d, 2, &isnull));
	run->f.period_end = DatumGetDateADT(SPI_getbinval(t, d, 3, &isnull));
	run->f.rd_minus_year = sen2_add_years(run->f.rd, -1);
	sen2_civil(run->f.rd, &run->f.rd_y, &run->f.rd_m, &run->f.rd_d);
	run->f.today = (int32) (GetCurrentTimestamp() / USECS_PER_DAY);
}

static void
load_codes(Sen2Run *run)
{
	uint64		i,
				n;
	int			nsets = 0;
	const char *prev = NULL;

	spi_select("SELECT code_set, code FROM sen2.code WHERE collection_year = $1"
			   " ORDER BY code_set COLLATE \"C\", code COLLATE \"C\"", run->f.year, "sen2.code");
	n = SPI_processed;
	run->f.codesets = palloc0(sizeof(Sen2CodeSet) * (n + 1));
	for (i = 0; i < n; i++)
	{
		char	   *set = spi_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		char	   *code = spi_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
		Sen2CodeSet *cs;

		if (prev == NULL || strcmp(prev, set) != 0)
		{
			cs = &run->f.codesets[nsets++];
			cs->name = set;
			cs->codes = palloc(sizeof(char *) * n);
			prev = set;
		}
		cs = &run->f.codesets[nsets - 1];
		cs->codes[cs->n++] = code;
	}
	run->f.ncodesets = nsets;
}

static void
load_las(Sen2Run *run)
{
	uint64		i;

	spi_select("SELECT la_code, kind, first_year, last_year FROM sen2.la WHERE $1 IS NOT NULL",
			   run->f.year, "sen2.la");
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	t = SPI_tuptable->vals[i];
		TupleDesc	d = SPI_tuptable->tupdesc;
		char	   *code = SPI_getvalue(t, d, 1);
		char	   *kind = SPI_getvalue(t, d, 2);
		bool		n1,
					n2;
		int32		first = DatumGetInt32(SPI_getbinval(t, d, 3, &n1));
		int32		last = DatumGetInt32(SPI_getbinval(t, d, 4, &n2));
		int			num = la_number(code, strlen(code));

		if (num < 0)
			continue;
		run->f.la[num] |= SEN2_LA_KNOWN;
		if (strcmp(kind, "england") == 0 &&
			(n1 || first <= run->f.year) && (n2 || last >= run->f.year))
			run->f.la[num] |= SEN2_LA_ENGLISH;
	}
}

static Sen2DataType
data_type_of(const char *s)
{
	static const struct
	{
		const char *name;
		Sen2DataType t;
	}			types[] = {
		{"text", SEN2_T_TEXT}, {"date", SEN2_T_DATE}, {"datetime", SEN2_T_DATETIME},
		{"year", SEN2_T_YEAR}, {"bool", SEN2_T_BOOL}, {"code", SEN2_T_CODE},
		{"la", SEN2_T_LA}, {"upn", SEN2_T_UPN}, {"uln", SEN2_T_ULN},
		{"urn", SEN2_T_URN}, {"ukprn", SEN2_T_UKPRN}, {"postcode", SEN2_T_POSTCODE},
		{"digits", SEN2_T_DIGITS}
	};
	int			i;

	if (s == NULL)
		return SEN2_T_TEXT;
	for (i = 0; i < (int) lengthof(types); i++)
		if (strcmp(types[i].name, s) == 0)
			return types[i].t;
	return SEN2_T_TEXT;
}

static int
kind_by_element(const char *element)
{
	int			k;

	for (k = 0; k < SEN2_NKINDS; k++)
		if (strcmp(sen2_kind_desc[k].element, element) == 0)
			return k;
	return -1;
}

/* A layout check claimed by a more specific catalogue rule. */
typedef struct Claim
{
	int			check;
	int			kind;
	bool		group;
	int			slot;
	Sen2Rule   *rule;
} Claim;

static Sen2Rule *
reporter(Sen2Run *run, List *claims, int check, int kind, bool group, int slot)
{
	ListCell   *lc;

	foreach(lc, claims)
	{
		Claim	   *c = lfirst(lc);

		if (c->check == check && c->kind == kind && c->group == group && c->slot == slot)
			return c->rule->enabled ? c->rule : NULL;
	}
	return run->check_rule[check];
}

static void
load_layout(Sen2Run *run, List *claims)
{
	uint64		i,
				n;
	int			k,
				c;
	bool		warned = false;

	spi_select("SELECT parent, element, kind, module, column_name, data_type,"
			   "       code_set, requirement, max_occurs"
			   "  FROM sen2.element WHERE collection_year = $1"
			   " ORDER BY parent COLLATE \"C\", position, element COLLATE \"C\"",
			   run->f.year, "sen2.element");
	n = SPI_processed;
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("collection year %d has no layout", run->f.year),
				 errhint("sen2.element must list the elements of the year; sen2.copy_reference_year copies a year.")));

	for (k = 0; k < SEN2_NKINDS; k++)
	{
		run->f.layout[k].e = palloc0(sizeof(Sen2LayoutEntry) * n);
		for (c = 0; c < SEN2_MAX_ITEMS; c++)
			run->f.layout[k].entry_of[c] = -1;
	}

	for (i = 0; i < n; i++)
	{
		HeapTuple	t = SPI_tuptable->vals[i];
		TupleDesc	d = SPI_tuptable->tupdesc;
		char	   *parent = SPI_getvalue(t, d, 1);
		char	   *element = SPI_getvalue(t, d, 2);
		char	   *ekind = SPI_getvalue(t, d, 3);
		char	   *module = SPI_getvalue(t, d, 4);
		char	   *column = SPI_getvalue(t, d, 5);
		char	   *dtype = SPI_getvalue(t, d, 6);
		char	   *codeset = SPI_getvalue(t, d, 7);
		char	   *req = SPI_getvalue(t, d, 8);
		bool		isnull;
		Datum		maxd = SPI_getbinval(t, d, 9, &isnull);
		int			max_occurs = isnull ? 0 : DatumGetInt32(maxd);
		Sen2LayoutEntry *e;
		int			owner;
		int			slot;
		bool		group = strcmp(ekind, "group") == 0;

		if (group)
		{
			int			child = sen2_kind_by_table(module);

			if (strcmp(parent, "Persons") == 0 && strcmp(element, "Person") == 0)
			{
				run->f.person_group_required = (req[0] == 'M');
				run->f.person_group_report = reporter(run, claims, SEN2_L01_MISSING,
													  SEN2_K_HEADER, true, SEN2_K_PERSON);
				continue;
			}
			owner = kind_by_element(parent);
			if (owner < 0 || child < 0 || owner == SEN2_K_HEADER)
				continue;		/* structural groups: Message, Header, Persons, ... */
			slot = child;
		}
		else
		{
			owner = sen2_kind_by_table(module);
			slot = (owner >= 0 && column != NULL) ? sen2_item_by_column(owner, column) : -1;
			if (slot < 0)
			{
				if (!warned)
					ereport(NOTICE,
							(errmsg("the %d layout names item %s/%s, which this version of sen2 does not model; it is not checked",
									run->f.year, parent, element)));
				warned = true;
				continue;
			}
		}

		e = &run->f.layout[owner].e[run->f.layout[owner].n];
		e->tag = element;
		e->parent = parent;
		e->group = group;
		e->slot = slot;
		e->requirement = req[0];
		e->type = data_type_of(dtype);
		e->code_set_name = codeset;
		e->codes = codeset ? sen2_codeset(run, codeset) : NULL;
		e->max_occurs = max_occurs;
		for (c = 0; c < SEN2_NCHECKS; c++)
			e->report[c] = reporter(run, claims, c, owner, group, slot);
		if (!group)
			run->f.layout[owner].entry_of[slot] = run->f.layout[owner].n;
		run->f.layout[owner].n++;
	}
	for (k = 0; k < SEN2_NKINDS; k++)
		run->f.layout[k].not_in_layout = run->check_rule[SEN2_L02_NOT_IN_LAYOUT];
}

/* Claims of layout checks by catalogue rows: (check, module, items). */
static void
add_claims(Sen2Run *run, Sen2Rule *rule, const char *check, const char *module,
		   Datum items, bool items_null, List **claims)
{
	int			c = check_index(check);
	int			kind = module ? sen2_kind_by_table(module) : -1;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems,
				i;

	if (c < 0 || kind < 0 || items_null)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("catalogue rule %s has an invalid layout_check", rule->id),
				 errdetail("A layout_check rule needs one of L01..L08, a module and its items.")));
	deconstruct_array(DatumGetArrayTypeP(items), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &nelems);
	for (i = 0; i < nelems; i++)
	{
		char	   *tag = TextDatumGetCString(elems[i]);
		Claim	   *cl = palloc0(sizeof(Claim));
		int			child = kind_by_element(tag);

		cl->check = c;
		cl->rule = rule;
		cl->kind = kind;
		if (child >= 0 && child != SEN2_K_HEADER)
		{
			cl->group = true;
			cl->slot = child;
		}
		else
		{
			cl->slot = sen2_item_by_tag(kind, tag);
			if (cl->slot < 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("catalogue rule %s names item %s, which module %s does not have",
								rule->id, tag, module)));
		}
		*claims = lappend(*claims, cl);
	}
}

static List *
load_rules(Sen2Run *run)
{
	uint64		i,
				n;
	List	   *claims = NIL;
	int			k;

	spi_select("SELECT id, severity, message, module, layout_check, items, enabled"
			   "  FROM sen2.rule_effective"
			   " WHERE origin = 'builtin'"
			   "   AND coalesce(first_year, 0) <= $1 AND coalesce(last_year, 9999) >= $1"
			   " ORDER BY id COLLATE \"C\"", run->f.year, "sen2.rule_effective");
	n = SPI_processed;
	run->rules = palloc0(sizeof(Sen2Rule) * (n + 1));
	run->nrules = (int) n;
	for (k = 0; k <= SEN2_K_END; k++)
		run->by_kind[k] = palloc0(sizeof(Sen2Rule *) * (n + 1));

	for (i = 0; i < n; i++)
	{
		HeapTuple	t = SPI_tuptable->vals[i];
		TupleDesc	d = SPI_tuptable->tupdesc;
		Sen2Rule   *r = &run->rules[i];
		char	   *check = SPI_getvalue(t, d, 5);
		bool		items_null,
					en_null;
		Datum		items = SPI_getbinval(t, d, 6, &items_null);
		int			c;

		r->id = SPI_getvalue(t, d, 1);
		r->severity = SPI_getvalue(t, d, 2);
		r->message = SPI_getvalue(t, d, 3);
		r->module = SPI_getvalue(t, d, 4);
		r->enabled = DatumGetBool(SPI_getbinval(t, d, 7, &en_null)) && !en_null;

		if ((c = check_index(r->id)) >= 0)
		{
			run->check_rule[c] = r->enabled ? r : NULL;
			continue;
		}
		if (check != NULL)
		{
			if (!items_null)
				items = PointerGetDatum(PG_DETOAST_DATUM_COPY(items));
			add_claims(run, r, check, r->module, items, items_null, &claims);
			continue;
		}
		r->impl = find_impl(r->id);
		if (r->impl == NULL && sen2_reader_rule(r->id))
			continue;			/* the file's own checks: sen2.validate_xml */
		if (r->impl == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("built-in rule %s has no implementation in this build of sen2", r->id),
					 errdetail("The rule catalogue and the sen2 library do not match."),
					 errhint("Install the matching sen2 library, or run ALTER EXTENSION sen2 UPDATE.")));
		if (r->enabled)
		{
			k = r->impl->kind;
			run->by_kind[k][run->nby_kind[k]++] = r;
		}
	}
	return claims;
}

Sen2Run *
sen2_run_begin(int64 return_id, int year, const char *la_code,
			   Sen2EmitFn emit, void *emit_arg)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "sen2 validation run",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	Sen2Run    *run = palloc0(sizeof(Sen2Run));
	List	   *claims;
	int			k,
				i;

	run->cxt = cxt;
	run->return_id = return_id;
	run->emit = emit;
	run->emit_arg = emit_arg;
	run->f.year = year;
	strlcpy(run->f.la_code, la_code ? la_code : "", sizeof(run->f.la_code));

	load_params(&run->f.params);
	load_collection(run);
	load_codes(run);
	load_las(run);
	claims = load_rules(run);
	load_layout(run, claims);

	for (k = 0; k <= SEN2_K_END; k++)
		for (i = 0; i < run->nby_kind[k]; i++)
			if (run->by_kind[k][i]->impl->init)
				run->by_kind[k][i]->impl->init(run, run->by_kind[k][i]);

	MemoryContextSwitchTo(old);
	return run;
}

/* ---------------------------------------------------------------------
 * Walking
 * --------------------------------------------------------------------- */

static void
run_node(Sen2Run *run, Sen2Node *node)
{
	int			i,
				k;

	sen2_layout_node(run, node);
	for (i = 0; i < run->nby_kind[node->kind]; i++)
	{
		Sen2Rule   *r = run->by_kind[node->kind][i];

		r->impl->fn(run, r, node);
	}
	for (k = node->kind + 1; k < SEN2_NKINDS; k++)
	{
		Sen2Node   *c;

		for (c = node->first[k]; c != NULL; c = c->next)
			run_node(run, c);
	}
}

void
sen2_run_header(Sen2Run *run, Sen2Node *header)
{
	run->header = header;
	run->person = NULL;
	run_node(run, header);
}

void
sen2_run_person(Sen2Run *run, Sen2Node *person)
{
	run->persons++;
	run->person = person;
	run_node(run, person);
	run->person = NULL;
}

void
sen2_run_end(Sen2Run *run)
{
	int			k,
				i;

	sen2_layout_end(run);
	for (k = 0; k <= SEN2_K_END; k++)
		for (i = 0; i < run->nby_kind[k]; i++)
			if (run->by_kind[k][i]->impl->finish)
				run->by_kind[k][i]->impl->finish(run, run->by_kind[k][i]);
}

/* ---------------------------------------------------------------------
 * Emitting
 * --------------------------------------------------------------------- */

static const char *
clip_value(const char *v)
{
	int			len;
	int			cut;

	if (v == NULL)
		return NULL;
	len = strlen(v);
	if (len <= SEN2_MAX_VALUE_BYTES)
		return v;
	cut = pg_mbcliplen(v, len, SEN2_MAX_VALUE_BYTES);
	return psprintf("%.*s...", cut, v);
}

static const char *
person_name(Sen2Node *p)
{
	const char *fn = p->v[SEN2_P_FORENAME].s;
	const char *sn = p->v[SEN2_P_SURNAME].s;

	if (fn == NULL && sn == NULL)
		return NULL;
	if (fn == NULL || *fn == '\0')
		return clip_value(sn);
	if (sn == NULL || *sn == '\0')
		return clip_value(fn);
	return clip_value(psprintf("%s %s", fn, sn));
}

static void
emit_finding(Sen2Run *run, Sen2Rule *rule, Sen2Node *node, const char *tag,
			 const char *value, int line, const char *detail)
{
	Sen2Finding f;
	Sen2Node   *p = run->person;

	memset(&f, 0, sizeof(f));
	f.rule_id = rule->id;
	f.severity = rule->severity;
	f.item = tag;
	f.value = clip_value(value);
	f.message = detail ? psprintf("%s: %s", rule->message, detail) : rule->message;
	if (p != NULL)
	{
		f.person_source_id = p->source_id;
		f.upn = clip_value(p->v[SEN2_P_UPN].s);
		f.uln = clip_value(p->v[SEN2_P_ULN].s);
		f.person_name = person_name(p);
	}
	if (node != NULL)
	{
		f.module = sen2_kind_desc[node->kind].table;
		if (node->row_id != 0)
		{
			f.table_name = sen2_kind_desc[node->kind].table;
			f.row_id = node->row_id;
		}
		f.source_id = node->source_id;
		if (node->kind == SEN2_K_HEADER)
		{
			int			slot = tag ? sen2_item_by_tag(SEN2_K_HEADER, tag) : -1;
			const Sen2KindLayout *kl = &run->f.layout[SEN2_K_HEADER];

			if (slot >= 0 && kl->entry_of[slot] >= 0)
				f.location = psprintf("Header/%s", kl->e[kl->entry_of[slot]].parent);
			else
				f.location = "Header";
		}
		else
			f.location = sen2_location(node);
		f.line = line ? line : node->line;
	}
	else
	{
		/* about the return as a whole (an XML file validated alone has no row) */
		f.module = rule->module;
		if (run->return_id != 0)
		{
			f.table_name = "return";
			f.row_id = run->return_id;
		}
		f.location = "Persons";
		f.line = line;
	}
	run->findings++;
	if (strcmp(rule->severity, "error") == 0)
		run->errors++;
	else
		run->queries++;
	run->emit(run->emit_arg, &f);
}

void
sen2_emit(Sen2Run *run, Sen2Rule *rule, Sen2Node *node, int item,
		  const char *detail_fmt,...)
{
	const char *detail = NULL;
	const char *tag = NULL;
	const char *value = NULL;

	if (detail_fmt != NULL)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		for (;;)
		{
			va_list		args;
			int			needed;

			va_start(args, detail_fmt);
			needed = appendStringInfoVA(&buf, detail_fmt, args);
			va_end(args);
			if (needed == 0)
				break;
			enlargeStringInfo(&buf, needed);
		}
		detail = buf.data;
	}
	if (node != NULL && item >= 0)
	{
		tag = sen2_tag(run, node->kind, item);
		value = node->v[item].s;
	}
	emit_finding(run, rule, node, tag, value, 0, detail);
}

void
sen2_emit_tag(Sen2Run *run, Sen2Rule *rule, Sen2Node *node, const char *tag,
			  const char *value, int line, const char *detail)
{
	emit_finding(run, rule, node, tag, value, line, detail);
}
