/*
 * rules_person.c
 *		Person rules (P02-P09).  Presence, codes, UPN and ULN format are
 *		layout checks claimed in the catalogue (P01a, P01b, P04, P05, P06c,
 *		P10).  The cross-record rules (same UPN, same ULN, probable duplicate)
 *		keep what they have seen in a compact table in the run's memory.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/stringinfo.h"

#include "ident.h"
#include "rule_engine.h"

/* P02: born after the census date. */
static void
p02(Sen2Run *run, Sen2Rule *rule, Sen2Node *p)
{
	int32		dob;

	if (sen2_date(p, SEN2_P_BIRTH_DATE, &dob) && dob > run->f.rd)
		sen2_emit(run, rule, p, SEN2_P_BIRTH_DATE, "the census date is %s", sen2_date_str(run->f.rd));
}

/* P03a: over 25 on the 31 August before the census date, with an active plan. */
static void
p03a(Sen2Run *run, Sen2Rule *rule, Sen2Node *p)
{
	int32		dob;
	int32		aug31;
	int			age;
	Sen2Node   *r;

	if (!sen2_date(p, SEN2_P_BIRTH_DATE, &dob))
		return;
	aug31 = sen2_days_from_civil(run->f.rd_m >= 9 ? run->f.rd_y : run->f.rd_y - 1, 8, 31);
	age = sen2_age_on(dob, aug31);
	if (age < 26)
		return;
	for (r = p->first[SEN2_K_REQUEST]; r != NULL; r = r->next)
	{
		if (sen2_plan_active_on_rd(run, r))
		{
			sen2_emit(run, rule, p, SEN2_P_BIRTH_DATE, "aged %d on %s", age, sen2_date_str(aug31));
			return;
		}
	}
}

/* P03b: a request received before the person was born. */
static void
p03b(Sen2Run *run, Sen2Rule *rule, Sen2Node *p)
{
	int32		dob;
	Sen2Node   *r;

	if (!sen2_date(p, SEN2_P_BIRTH_DATE, &dob) || dob > run->f.rd)
		return;
	for (r = p->first[SEN2_K_REQUEST]; r != NULL; r = r->next)
	{
		int32		rec;

		if (sen2_date(r, SEN2_R_RECEIVED_DATE, &rec) && rec < dob)
		{
			sen2_emit(run, rule, p, SEN2_P_BIRTH_DATE, "Requests[%d] was received on %s",
					  r->position, sen2_date_str(rec));
			return;
		}
	}
}

/* P06a: no UPN, ULN or UPNunknown. */
static void
p06a(Sen2Run *run, Sen2Rule *rule, Sen2Node *p)
{
	if (!sen2_has(p, SEN2_P_UPN) && !sen2_has(p, SEN2_P_ULN) && !sen2_has(p, SEN2_P_UPN_UNKNOWN))
		sen2_emit(run, rule, p, SEN2_P_UPN, NULL);
}

/* P06b: UPNunknown beside a UPN or ULN. */
static void
p06b(Sen2Run *run, Sen2Rule *rule, Sen2Node *p)
{
	if (sen2_has(p, SEN2_P_UPN_UNKNOWN) && (sen2_has(p, SEN2_P_UPN) || sen2_has(p, SEN2_P_ULN)))
		sen2_emit(run, rule, p, SEN2_P_UPN_UNKNOWN, "%s is given",
				  sen2_has(p, SEN2_P_UPN) ? sen2_tag(run, SEN2_K_PERSON, SEN2_P_UPN) :
				  sen2_tag(run, SEN2_K_PERSON, SEN2_P_ULN));
}

/* P07: UN1 (under 6) for a child of 6 or more on the census date. */
static void
p07(Sen2Run *run, Sen2Rule *rule, Sen2Node *p)
{
	int32		dob;
	int			age;

	if (!sen2_is(p, SEN2_P_UPN_UNKNOWN, "UN1") || !sen2_date(p, SEN2_P_BIRTH_DATE, &dob))
		return;
	age = sen2_age_on(dob, run->f.rd);
	if (age >= 6)
		sen2_emit(run, rule, p, SEN2_P_UPN_UNKNOWN, "aged %d on the census date", age);
}

/* ---------------------------------------------------------------------
 * Duplicates across persons
 *
 * The only state that grows with the return, so it is kept small: an
 * open-addressing table of 64-bit key hashes with the position of the first
 * person that had the key and a pointer to its source id, copied into a bump
 * arena (no per-string allocation overhead).  About 20 bytes per person per
 * rule plus the source ids: some 20 MB per rule for 700,000 persons.  Two
 * different keys with the same 64-bit hash would be taken for a duplicate;
 * for a million persons the chance is about 3 in 100 million.
 * --------------------------------------------------------------------- */

typedef struct DupSet
{
	uint32		cap;			/* power of two */
	uint32		n;
	uint64	   *key;			/* 0 = empty slot */
	int32	   *pos;
	const char **src;
	char	   *arena;			/* current arena block */
	Size		arena_left;
} DupSet;

#define DUP_ARENA_BLOCK 65536

static void
dup_alloc(DupSet *d, uint32 cap)
{
	d->cap = cap;
	d->key = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(uint64) * cap);
	memset(d->key, 0, sizeof(uint64) * cap);
	d->pos = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * cap);
	d->src = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(char *) * cap);
}

static void
dup_init(Sen2Run *run, Sen2Rule *rule)
{
	MemoryContext old = MemoryContextSwitchTo(run->cxt);
	DupSet	   *d = palloc0(sizeof(DupSet));

	dup_alloc(d, 4096);
	MemoryContextSwitchTo(old);
	rule->state = d;
}

static uint32
dup_slot(const DupSet *d, uint64 k)
{
	uint32		i = (uint32) (k ^ (k >> 32)) & (d->cap - 1);

	while (d->key[i] != 0 && d->key[i] != k)
		i = (i + 1) & (d->cap - 1);
	return i;
}

static void
dup_grow(DupSet *d)
{
	DupSet		old = *d;
	uint32		i;

	dup_alloc(d, old.cap * 2);
	for (i = 0; i < old.cap; i++)
	{
		if (old.key[i] != 0)
		{
			uint32		j = dup_slot(d, old.key[i]);

			d->key[j] = old.key[i];
			d->pos[j] = old.pos[i];
			d->src[j] = old.src[i];
		}
	}
	pfree(old.key);
	pfree(old.pos);
	pfree(old.src);
}

static const char *
dup_keep(DupSet *d, const char *s)
{
	Size		len;
	char	   *copy;

	if (s == NULL)
		return NULL;
	len = strlen(s) + 1;
	if (len > DUP_ARENA_BLOCK / 4)
		return pstrdup(s);		/* odd long ids get their own chunk */
	if (len > d->arena_left)
	{
		d->arena = palloc(DUP_ARENA_BLOCK);
		d->arena_left = DUP_ARENA_BLOCK;
	}
	copy = d->arena;
	memcpy(copy, s, len);
	d->arena += len;
	d->arena_left -= len;
	return copy;
}

/*
 * Record the key for this person; if an earlier person had it, report this
 * one naming the first.
 */
static void
dup_check(Sen2Run *run, Sen2Rule *rule, Sen2Node *p, int item, const char *key, int keylen)
{
	DupSet	   *d = rule->state;
	uint64		k = hash_bytes_extended((const unsigned char *) key, keylen, UINT64CONST(0x5e2a11ce));
	uint32		i;

	if (k == 0)
		k = 1;					/* 0 marks an empty slot */
	i = dup_slot(d, k);
	if (d->key[i] == 0)
	{
		MemoryContext old = MemoryContextSwitchTo(run->cxt);

		d->key[i] = k;
		d->pos[i] = p->position;
		d->src[i] = dup_keep(d, p->source_id);
		if (++d->n > d->cap / 4 * 3)
			dup_grow(d);
		MemoryContextSwitchTo(old);
		return;
	}
	if (d->src[i])
		sen2_emit(run, rule, p, item, "also given for Person[%d] (source id %s)", d->pos[i], d->src[i]);
	else
		sen2_emit(run, rule, p, item, "also given for Person[%d]", d->pos[i]);
}

/* P08a: the same UPN on two persons. */
static void
p08a(Sen2Run *run, Sen2Rule *rule, Sen2Node *p)
{
	if (sen2_has(p, SEN2_P_UPN))
		dup_check(run, rule, p, SEN2_P_UPN, p->v[SEN2_P_UPN].s, p->v[SEN2_P_UPN].len);
}

/* P08b: the same ULN on two persons. */
static void
p08b(Sen2Run *run, Sen2Rule *rule, Sen2Node *p)
{
	if (sen2_has(p, SEN2_P_ULN))
		dup_check(run, rule, p, SEN2_P_ULN, p->v[SEN2_P_ULN].s, p->v[SEN2_P_ULN].len);
}

/* Lower-case (ASCII) and trim, appending to buf. */
static void
append_norm(StringInfo buf, const Sen2Val *v)
{
	int			a = 0,
				b = v->len;
	int			i;

	while (a < b && (v->s[a] == ' ' || v->s[a] == '\t'))
		a++;
	while (b > a && (v->s[b - 1] == ' ' || v->s[b - 1] == '\t'))
		b--;
	for (i = a; i < b; i++)
	{
		char		c = v->s[i];

		appendStringInfoChar(buf, (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
	}
	appendStringInfoChar(buf, '\x1f');
}

/* P09: same surname, forename and date of birth as an earlier person. */
static void
p09(Sen2Run *run, Sen2Rule *rule, Sen2Node *p)
{
	StringInfoData key;
	int32		dob;

	if (!sen2_has(p, SEN2_P_SURNAME) || !sen2_has(p, SEN2_P_FORENAME) ||
		!sen2_date(p, SEN2_P_BIRTH_DATE, &dob))
		return;
	initStringInfo(&key);
	append_norm(&key, &p->v[SEN2_P_SURNAME]);
	append_norm(&key, &p->v[SEN2_P_FORENAME]);
	appendBinaryStringInfo(&key, (char *) &dob, sizeof(dob));
	dup_check(run, rule, p, SEN2_P_SURNAME, key.data, key.len);
}

const Sen2RuleImpl sen2_rules_person[] = {
	{"P02", SEN2_K_PERSON, p02},
	{"P03a", SEN2_K_PERSON, p03a},
	{"P03b", SEN2_K_PERSON, p03b},
	{"P06a", SEN2_K_PERSON, p06a},
	{"P06b", SEN2_K_PERSON, p06b},
	{"P07", SEN2_K_PERSON, p07},
	{"P08a", SEN2_K_PERSON, p08a, dup_init},
	{"P08b", SEN2_K_PERSON, p08b, dup_init},
	{"P09", SEN2_K_PERSON, p09, dup_init},
	{NULL}
};
