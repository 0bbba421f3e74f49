/*
 * rules_layout.c
 *		The generic layout checks L01..L08, applied to every item and group of
 *		every node as the collection year's layout (sen2.element) describes
 *		it: requirement, data type, code set, maximum occurrences.
 *
 * A catalogue row with layout_check = 'L0n' and a list of items takes over
 * the reporting of that check for those items (P01a reports missing
 * surnames, not L01), so each fault is reported once, under the most
 * specific id.  The engine resolved who reports what when the run began
 * (Sen2LayoutEntry.report); a NULL reporter means the check is disabled.
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "ident.h"
#include "rule_engine.h"

const char *const sen2_check_ids[SEN2_NCHECKS] = {
	"L01", "L02", "L03", "L04", "L05", "L06", "L07", "L08"
};

static char *
code_list(const Sen2LayoutEntry *e, int year)
{
	StringInfoData buf;
	int			i;

	if (e->codes == NULL)
		return psprintf("code set \"%s\" has no codes for %d (see sen2.code)",
						e->code_set_name ? e->code_set_name : "?", year);
	initStringInfo(&buf);
	appendStringInfo(&buf, "valid codes in %d: ", year);
	for (i = 0; i < e->codes->n && i < 25; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", e->codes->codes[i]);
	if (e->codes->n > 25)
		appendStringInfoString(&buf, ", ...");
	return buf.data;
}

/* The format problem of an item of an identifier type, or NULL. */
static char *
ident_problem(Sen2Run *run, const Sen2LayoutEntry *e, const char *s, int len)
{
	const char *p = NULL;
	char		expected = '\0';

	switch (e->type)
	{
		case SEN2_T_LA:
			p = sen2_la_format_problem(s, len);
			if (p == NULL && !sen2_la_english(run, s, len))
				return psprintf("%s is not the number of an English local authority in %d (see sen2.la)",
								e->tag, run->f.year);
			break;
		case SEN2_T_UPN:
			p = sen2_upn_problem(s, len, &expected);
			if (p == NULL && !sen2_la_known(run, s + 1, 3))
				return psprintf("%s characters 2-4 (%.3s) are not a known LA number (see sen2.la)",
								e->tag, s + 1);
			break;
		case SEN2_T_ULN:
			p = sen2_uln_problem(s, len, &expected);
			break;
		case SEN2_T_URN:
			p = sen2_urn_problem(s, len);
			break;
		case SEN2_T_UKPRN:
			p = sen2_ukprn_problem(s, len);
			break;
		case SEN2_T_POSTCODE:
			p = sen2_postcode_problem(s, len);
			break;
		default:
			return NULL;
	}
	if (p == NULL)
		return NULL;
	if (expected != '\0')
		return psprintf("%s %s (expected %c)", e->tag, p, expected);
	return psprintf("%s %s", e->tag, p);
}

static void
check_group(Sen2Run *run, Sen2Node *node, const Sen2LayoutEntry *e)
{
	int			count = node->nchild[e->slot];

	Sen2Rule   *r;

	/* a rule of its own names the item in its message; L01 needs a detail */
	if (count == 0 && e->requirement == 'M' && (r = e->report[SEN2_L01_MISSING]) != NULL)
		sen2_emit_tag(run, r, node, e->tag, NULL, 0,
					  r == run->check_rule[SEN2_L01_MISSING] ?
					  psprintf("%s has no %s", sen2_kind_desc[node->kind].element, e->tag) : NULL);
	if (e->max_occurs > 0 && count > e->max_occurs && e->report[SEN2_L07_TOO_MANY])
		sen2_emit_tag(run, e->report[SEN2_L07_TOO_MANY], node, e->tag,
					  psprintf("%d", count), 0,
					  psprintf("%d %s found, at most %d allowed", count, e->tag, e->max_occurs));
}

static void
check_item(Sen2Run *run, Sen2Node *node, const Sen2LayoutEntry *e)
{
	const Sen2Val *v = &node->v[e->slot];
	Sen2Rule   *r;
	const char *p;
	char	   *detail;

	if (v->s == NULL || v->len == 0)
	{
		if (e->requirement == 'M' && (r = e->report[SEN2_L01_MISSING]) != NULL)
		{
			if (r == run->check_rule[SEN2_L01_MISSING])
				sen2_emit(run, r, node, e->slot, "%s is missing", e->tag);
			else
				sen2_emit(run, r, node, e->slot, NULL);
		}
		return;
	}

	switch (e->type)
	{
		case SEN2_T_DATE:
			if ((r = e->report[SEN2_L03_DATE]) && (p = sen2_date_problem(v->s, v->len)))
				sen2_emit(run, r, node, e->slot, "%s %s", e->tag, p);
			break;
		case SEN2_T_DATETIME:
			if ((r = e->report[SEN2_L03_DATE]) && (p = sen2_datetime_problem(v->s, v->len)))
				sen2_emit(run, r, node, e->slot, "%s %s", e->tag, p);
			break;
		case SEN2_T_YEAR:
			if ((r = e->report[SEN2_L08_NUMBER]) && !(v->len == 4 && sen2_all_digits(v->s, v->len, 4)))
				sen2_emit(run, r, node, e->slot, "%s is not a four-digit year", e->tag);
			break;
		case SEN2_T_DIGITS:
			if ((r = e->report[SEN2_L08_NUMBER]) && !sen2_all_digits(v->s, v->len, 0))
				sen2_emit(run, r, node, e->slot, "%s is not all digits", e->tag);
			break;
		case SEN2_T_BOOL:
			if ((r = e->report[SEN2_L05_BOOL]) &&
				!(v->len == 1 && (v->s[0] == '0' || v->s[0] == '1')))
				sen2_emit(run, r, node, e->slot, "%s must be 1 (yes) or 0 (no)", e->tag);
			break;
		case SEN2_T_CODE:
			if ((r = e->report[SEN2_L04_CODE]) && !sen2_code_ok(e->codes, v->s))
				sen2_emit(run, r, node, e->slot, "%s: %s", e->tag, code_list(e, run->f.year));
			break;
		case SEN2_T_LA:
		case SEN2_T_UPN:
		case SEN2_T_ULN:
		case SEN2_T_URN:
		case SEN2_T_UKPRN:
		case SEN2_T_POSTCODE:
			if ((r = e->report[SEN2_L06_IDENT]) && (detail = ident_problem(run, e, v->s, v->len)))
				sen2_emit(run, r, node, e->slot, "%s", detail);
			break;
		case SEN2_T_TEXT:
			break;
	}
}

void
sen2_layout_node(Sen2Run *run, Sen2Node *node)
{
	const Sen2KindLayout *kl = &run->f.layout[node->kind];
	const Sen2KindDesc *kd = &sen2_kind_desc[node->kind];
	Sen2Extra  *x;
	int			i;

	for (i = 0; i < kl->n; i++)
	{
		if (kl->e[i].group)
			check_group(run, node, &kl->e[i]);
		else
			check_item(run, node, &kl->e[i]);
	}

	if (kl->not_in_layout != NULL)
	{
		for (i = 0; i < kd->nitems; i++)
			if (kl->entry_of[i] < 0 && sen2_has(node, i))
				sen2_emit(run, kl->not_in_layout, node, i,
						  "the %d layout has no %s in %s", run->f.year,
						  kd->items[i].tag, kd->element);
	}

	for (x = node->extras; x != NULL; x = x->next)
	{
		Sen2Rule   *r = run->check_rule[x->unknown ? SEN2_L02_NOT_IN_LAYOUT : SEN2_L07_TOO_MANY];

		if (r == NULL)
			continue;
		sen2_emit_tag(run, r, node, x->tag, x->val.s, x->line,
					  x->unknown ?
					  psprintf("the %d layout has no %s in %s", run->f.year, x->tag, kd->element) :
					  psprintf("%s occurs more than once in %s", x->tag, kd->element));
	}
}

void
sen2_layout_end(Sen2Run *run)
{
	if (run->persons == 0 && run->f.person_group_required && run->f.person_group_report)
		sen2_emit_tag(run, run->f.person_group_report, NULL, "Person", NULL, 0,
					  "the return has no Person");
}
