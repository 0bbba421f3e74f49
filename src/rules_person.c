/*
 * rules_person.c
 *		Person rules (P02-P09).  Presence, codes, UPN and ULN format are
 *		layout checks claimed in the catalogue (P01a, P01b, P04, P05, P06c,
 *		P10).  The cross-record rules (same UPN, same ULN, probable duplicate)
 *		keep a hash of what they have seen in the run's memory: a 128-bit
 *		hash of the key (so long or hostile values cost no more than short
 *		ones) with the position and source id of the first person.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "utils/hsearch.h"

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
 * --------------------------------------------------------------------- */

typedef struct DupKey
{
	uint64		h[2];
} DupKey;

typedef struct DupEntry
{
	DupKey		key;
	int			position;
	char	   *source_id;
} DupEntry;

static void
dup_init(Sen2Run *run, Sen2Rule *rule)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(DupKey);
	ctl.entrysize = sizeof(DupEntry);
	ctl.hcxt = run->cxt;
	rule->state = hash_create("sen2 duplicate check", 1024, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

static DupKey
dup_key(const char *s, int len)
{
	DupKey		k;

	k.h[0] = hash_bytes_extended((const unsigned char *) s, len, UINT64CONST(0x5e2a11ce));
	k.h[1] = hash_bytes_extended((const unsigned char *) s, len, UINT64CONST(0x0dfe2026));
	return k;
}

/*
 * Record the key for this person; if an earlier person had it, report this
 * one naming the first.
 */
static void
dup_check(Sen2Run *run, Sen2Rule *rule, Sen2Node *p, int item, const char *key, int keylen)
{
	DupKey		k = dup_key(key, keylen);
	bool		found;
	DupEntry   *e = hash_search((HTAB *) rule->state, &k, HASH_ENTER, &found);

	if (!found)
	{
		e->position = p->position;
		e->source_id = p->source_id ? MemoryContextStrdup(run->cxt, p->source_id) : NULL;
		return;
	}
	if (e->source_id)
		sen2_emit(run, rule, p, item, "also given for Person[%d] (source id %s)",
				  e->position, e->source_id);
	else
		sen2_emit(run, rule, p, item, "also given for Person[%d]", e->position);
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
