/*
 * rule_engine.h
 *		The validation engine: the year's facts, the rule set in force, the
 *		walk over a person tree and the emission of findings.
 *
 * A run is driven like this (validate.c does it for the staging tables; an
 * XML reader does the same with trees it builds itself):
 *
 *		run = sen2_run_begin(return_id, year, la_code, emit, arg);	-- SPI connected
 *
 * (return_id 0 for a file validated on its own: findings then carry no table
 * row, only the XML line.)  The run's memory is a child of the current
 * context, so with SPI it must end before SPI_finish.
 *		sen2_run_header(run, header);
 *		for each person, in file order, in a context reset between persons:
 *			sen2_run_person(run, person);
 *		sen2_run_end(run);
 *
 * sen2_run_begin reads, once, the collection year's facts (sen2.collection,
 * sen2.code, sen2.la, sen2.element) into sorted-array/array
 * lookups and the effective catalogue (sen2.rule_effective: catalogue rows
 * with the authority's overrides applied) for that year.  Only rules whose
 * years cover the return's year and that are enabled are called.
 *
 * Every finding goes through the emit callback; the engine never stores
 * them.  The strings in a Sen2Finding live until the next person starts, so
 * a callback that keeps them must copy.
 *
 * HOW TO ADD A BUILT-IN RULE
 *	1. Add its catalogue row to src/sql/043_rule_catalogue.sql (id, severity,
 *	   module, items, message, years, description).  One row = one check
 *	   with one severity; split a check with a letter suffix (R11a, R11b).
 *	2. Write the check in the rules_<module>.c file of its node kind, as
 *		 static void myrule(Sen2Run *run, Sen2Rule *rule, Sen2Node *node)
 *	   and list it in that file's table:  {"X01", SEN2_K_REQUEST, myrule}.
 *	   The engine calls it once for every node of that kind (the node is
 *	   a person, a request, ...: walk to relatives with sen2_ancestor and
 *	   sen2_child).  Report with sen2_emit(run, rule, node, item, detail...).
 *	   Use ident.h for every identifier/date format check and the helpers
 *	   below for the year's facts; never hard-code a year's code set.
 *	   A condition that depends on an item reported elsewhere as invalid
 *	   (a bad date, an unknown code) should simply not fire: every fault is
 *	   reported once, by the rule that owns it.
 *	3. Rules that look across persons keep state in rule->state (allocate it
 *	   in run->cxt from an init hook) and may report at the end from a
 *	   finish hook:  {"X02", SEN2_K_PERSON, fn, init, finish}.  Rules that
 *	   only report at the end use kind SEN2_K_END.
 *	4. A new rules_*.c file adds its table to sen2_rule_tables in
 *	   rule_engine.c.
 *	5. Add a failing mutation (and, for conditional rules, a near miss that
 *	   must pass) to test/pgtap/rules.sql; the suite checks that every
 *	   built-in rule is exercised, and that the catalogue and this registry
 *	   agree (sen2.builtin_rule_ids()).
 *	A pure format check of one item (presence, date, code, flag, identifier,
 *	count) needs no C at all: it is a layout check (rules_layout.c).  To give
 *	it its own id, add a catalogue row with layout_check = 'L0n' and the
 *	items it covers; the layout pass then reports those items under that id.
 */
#ifndef SEN2_RULE_ENGINE_H
#define SEN2_RULE_ENGINE_H

#include "postgres.h"

#include "nodes/pg_list.h"
#include "utils/hsearch.h"

#include "model.h"

/* A pseudo-kind for rules that only report at the end of a run. */
#define SEN2_K_END SEN2_NKINDS

/* The generic layout checks, L01..L08 (rules_layout.c). */
typedef enum Sen2Check
{
	SEN2_L01_MISSING = 0,		/* mandatory item or group missing */
	SEN2_L02_NOT_IN_LAYOUT,		/* item not in this year's layout */
	SEN2_L03_DATE,				/* not a valid date / date-time */
	SEN2_L04_CODE,				/* not in the year's code set */
	SEN2_L05_BOOL,				/* boolean not 1 or 0 */
	SEN2_L06_IDENT,				/* identifier format (UPN, ULN, URN, ...) */
	SEN2_L07_TOO_MANY,			/* more occurrences than allowed */
	SEN2_L08_NUMBER,			/* Year / SerialNo not a number */
	SEN2_NCHECKS
} Sen2Check;

typedef enum Sen2DataType
{
	SEN2_T_TEXT = 0, SEN2_T_DATE, SEN2_T_DATETIME, SEN2_T_YEAR, SEN2_T_BOOL,
	SEN2_T_CODE, SEN2_T_LA, SEN2_T_UPN, SEN2_T_ULN, SEN2_T_URN, SEN2_T_UKPRN,
	SEN2_T_POSTCODE, SEN2_T_DIGITS
} Sen2DataType;

typedef struct Sen2Run Sen2Run;
typedef struct Sen2Rule Sen2Rule;

typedef void (*Sen2RuleFn) (Sen2Run *run, Sen2Rule *rule, Sen2Node *node);
typedef void (*Sen2RuleHook) (Sen2Run *run, Sen2Rule *rule);

/* An implementation in C, listed in a rules_*.c table. */
typedef struct Sen2RuleImpl
{
	const char *id;
	int			kind;			/* Sen2Kind of the nodes it sees, or SEN2_K_END */
	Sen2RuleFn	fn;				/* NULL for SEN2_K_END rules */
	Sen2RuleHook init;			/* optional: once, at the start of a run */
	Sen2RuleHook finish;		/* optional: once, after the last person */
} Sen2RuleImpl;

/* A rule in force for this run: catalogue row + overrides + its code. */
struct Sen2Rule
{
	const char *id;
	const char *severity;		/* "error" or "query" */
	const char *message;
	const char *module;			/* catalogue module, may be NULL */
	const Sen2RuleImpl *impl;	/* NULL for layout checks */
	bool		enabled;
	void	   *state;			/* for the rule's own use, in run->cxt */
};

/* What the engine emits. */
typedef struct Sen2Finding
{
	const char *rule_id;
	const char *severity;
	const char *module;
	const char *item;
	const char *value;
	const char *message;
	const char *person_source_id;
	const char *upn;
	const char *uln;
	const char *person_name;
	const char *table_name;
	int64		row_id;			/* 0 = none */
	const char *source_id;
	const char *location;
	int			line;			/* 0 = none */
} Sen2Finding;

typedef void (*Sen2EmitFn) (void *arg, const Sen2Finding *f);

/* A code set of the year: sorted codes. */
typedef struct Sen2CodeSet
{
	const char *name;
	int			n;
	const char **codes;
} Sen2CodeSet;

/* One element of the year's layout, resolved against the model. */
typedef struct Sen2LayoutEntry
{
	const char *tag;			/* the year's spelling */
	const char *parent;			/* the year's parent element */
	bool		group;
	int			slot;			/* item index, or child kind for a group */
	char		requirement;	/* 'M', 'C' or 'O' */
	Sen2DataType type;
	const char *code_set_name;
	const Sen2CodeSet *codes;
	int			max_occurs;		/* 0 = unbounded */
	Sen2Rule   *report[SEN2_NCHECKS];	/* who reports each check; NULL = nobody */
} Sen2LayoutEntry;

typedef struct Sen2KindLayout
{
	int			n;
	Sen2LayoutEntry *e;
	int			entry_of[SEN2_MAX_ITEMS];	/* slot -> entry index, -1 = not in layout */
	Sen2Rule   *not_in_layout;	/* L02 reporter (NULL = off) */
} Sen2KindLayout;

/* Flags of sen2_facts.la[]. */
#define SEN2_LA_KNOWN	0x01	/* any in-use LA number (valid inside a UPN) */
#define SEN2_LA_ENGLISH 0x02	/* English LA valid in the collection year */

/* Tunable thresholds (GUCs sen2.*, read once per run). */
typedef struct Sen2Params
{
	int			decide_to_assess_days;	/* R05 */
	int			no_plan_decision_days;	/* A04 */
	int			issue_plan_days;		/* A06 */
	int			review_decision_days;	/* AP07 */
	double		other_share;			/* R08, N04b */
	int			other_min_count;		/* R08, N04b */
} Sen2Params;

typedef struct Sen2Facts
{
	int			year;
	char		la_code[4];		/* the submitting LA (sen2.return.la_code) */
	int32		rd;				/* census day */
	int32		period_start;
	int32		period_end;
	int32		rd_minus_year;	/* the same day a year before the census day */
	int32		today;			/* current date (UTC) */
	int			rd_y,
				rd_m,
				rd_d;
	uint8		la[1000];		/* SEN2_LA_* flags by LA number */
	int			ncodesets;
	Sen2CodeSet *codesets;
	Sen2KindLayout layout[SEN2_NKINDS];
	bool		person_group_required;	/* Persons/Person is mandatory */
	Sen2Rule   *person_group_report;	/* L01 reporter for no persons */
	Sen2Params	params;
} Sen2Facts;

struct Sen2Run
{
	int64		return_id;
	MemoryContext cxt;			/* lives for the run */
	Sen2Facts	f;
	Sen2EmitFn	emit;
	void	   *emit_arg;

	int			nrules;
	Sen2Rule   *rules;
	Sen2Rule   *check_rule[SEN2_NCHECKS];	/* L01..L08 themselves */
	int			nby_kind[SEN2_NKINDS + 1];
	Sen2Rule  **by_kind[SEN2_NKINDS + 1];

	Sen2Node   *header;
	Sen2Node   *person;			/* the person being checked */
	int64		persons;		/* persons seen so far */
	int64		findings;
	int64		errors;
	int64		queries;
};

/* Driving a run (rule_engine.c). */
extern Sen2Run *sen2_run_begin(int64 return_id, int year, const char *la_code,
							   Sen2EmitFn emit, void *emit_arg);
extern void sen2_run_header(Sen2Run *run, Sen2Node *header);
extern void sen2_run_person(Sen2Run *run, Sen2Node *person);
extern void sen2_run_end(Sen2Run *run);

/* The ids of every built-in rule this build implements (incl. L01..L08). */
extern List *sen2_builtin_rule_ids(void);

/*
 * Reporting.  item is the node's item slot (its raw value is reported) or
 * -1; detail, if not NULL, is appended to the rule's message after ": ".
 */
extern void sen2_emit(Sen2Run *run, Sen2Rule *rule, Sen2Node *node, int item,
					  const char *detail_fmt,...) pg_attribute_printf(5, 6);
/* The same with an explicit tag and value (groups, extras, aggregates). */
extern void sen2_emit_tag(Sen2Run *run, Sen2Rule *rule, Sen2Node *node,
						  const char *tag, const char *value, int line,
						  const char *detail);

/* The year's spelling of an item's tag. */
extern const char *sen2_tag(Sen2Run *run, Sen2Kind kind, int item);

/* Facts. */
extern const Sen2CodeSet *sen2_codeset(Sen2Run *run, const char *name);
extern bool sen2_code_ok(const Sen2CodeSet *cs, const char *code);
extern bool sen2_la_english(Sen2Run *run, const char *s, int len);
extern bool sen2_la_known(Sen2Run *run, const char *s, int len);

/* Date arithmetic on days from 2000-01-01. */
extern int32 sen2_add_years(int32 days, int years);
extern int	sen2_age_on(int32 birth, int32 on);
extern void sen2_civil(int32 days, int *y, int *m, int *d);
extern char *sen2_date_str(int32 days);		/* palloc'd YYYY-MM-DD */

/*
 * Facts shared by several rules.  A plan is active on the census day when
 * the request has ActivePlans and a NamedPlan that has no StartDate after
 * the census day and no CeaseDate on or before it.  A StartDate or
 * CeaseDate that is present but not a valid date makes it "not known to be
 * active" (false), so rules built on it stay silent until the date is fixed.
 */
extern bool sen2_plan_active_on_rd(Sen2Run *run, Sen2Node *request);

/* The rule tables of the rules_*.c files, each ended by {NULL}. */
extern const Sen2RuleImpl sen2_rules_header[];
extern const Sen2RuleImpl sen2_rules_person[];
extern const Sen2RuleImpl sen2_rules_request[];
extern const Sen2RuleImpl sen2_rules_assessment[];
extern const Sen2RuleImpl sen2_rules_plan[];
extern const Sen2RuleImpl sen2_rules_active[];

/* The layout pass (rules_layout.c). */
extern const char *const sen2_check_ids[SEN2_NCHECKS];
extern void sen2_layout_node(Sen2Run *run, Sen2Node *node);
extern void sen2_layout_end(Sen2Run *run);

#endif							/* SEN2_RULE_ENGINE_H */
