/*
 * model.c
 *		Builders and readers of the in-memory return model (model.h).
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "ident.h"
#include "model.h"

#define SEN2_ITEM_DESC(p, name, tag, col) {tag, col},
static const Sen2ItemDesc header_items[] = {SEN2_HEADER_ITEMS(SEN2_ITEM_DESC)};
static const Sen2ItemDesc person_items[] = {SEN2_PERSON_ITEMS(SEN2_ITEM_DESC)};
static const Sen2ItemDesc request_items[] = {SEN2_REQUEST_ITEMS(SEN2_ITEM_DESC)};
static const Sen2ItemDesc assessment_items[] = {SEN2_ASSESSMENT_ITEMS(SEN2_ITEM_DESC)};
static const Sen2ItemDesc named_plan_items[] = {SEN2_NAMED_PLAN_ITEMS(SEN2_ITEM_DESC)};
static const Sen2ItemDesc plan_detail_items[] = {SEN2_PLAN_DETAIL_ITEMS(SEN2_ITEM_DESC)};
static const Sen2ItemDesc active_plans_items[] = {SEN2_ACTIVE_PLANS_ITEMS(SEN2_ITEM_DESC)};
static const Sen2ItemDesc placement_items[] = {SEN2_PLACEMENT_ITEMS(SEN2_ITEM_DESC)};
static const Sen2ItemDesc sen_need_items[] = {SEN2_SEN_NEED_ITEMS(SEN2_ITEM_DESC)};
#undef SEN2_ITEM_DESC

const Sen2KindDesc sen2_kind_desc[SEN2_NKINDS] = {
	{"Header", "return", "return_id", SEN2_K_HEADER, false, SEN2_H_NITEMS, header_items},
	{"Person", "person", "person_id", SEN2_K_HEADER, true, SEN2_P_NITEMS, person_items},
	{"Requests", "request", "request_id", SEN2_K_PERSON, true, SEN2_R_NITEMS, request_items},
	{"Assessment", "assessment", "assessment_id", SEN2_K_REQUEST, false, SEN2_A_NITEMS, assessment_items},
	{"NamedPlan", "named_plan", "named_plan_id", SEN2_K_ASSESSMENT, false, SEN2_N_NITEMS, named_plan_items},
	{"PlanDetail", "plan_detail", "plan_detail_id", SEN2_K_NAMED_PLAN, true, SEN2_D_NITEMS, plan_detail_items},
	{"ActivePlans", "active_plans", "active_plans_id", SEN2_K_REQUEST, false, SEN2_AP_NITEMS, active_plans_items},
	{"PlacementDetail", "placement_detail", "placement_detail_id", SEN2_K_ACTIVE_PLANS, true, SEN2_PD_NITEMS, placement_items},
	{"SENneed", "sen_need", "sen_need_id", SEN2_K_ACTIVE_PLANS, true, SEN2_S_NITEMS, sen_need_items},
};

StaticAssertDecl(SEN2_H_NITEMS <= SEN2_MAX_ITEMS && SEN2_P_NITEMS <= SEN2_MAX_ITEMS &&
				 SEN2_R_NITEMS <= SEN2_MAX_ITEMS && SEN2_A_NITEMS <= SEN2_MAX_ITEMS &&
				 SEN2_N_NITEMS <= SEN2_MAX_ITEMS && SEN2_D_NITEMS <= SEN2_MAX_ITEMS &&
				 SEN2_AP_NITEMS <= SEN2_MAX_ITEMS && SEN2_PD_NITEMS <= SEN2_MAX_ITEMS &&
				 SEN2_S_NITEMS <= SEN2_MAX_ITEMS,
				 "SEN2_MAX_ITEMS is too small");

Sen2Node *
sen2_node_new(Sen2Kind kind, Sen2Node *parent)
{
	Sen2Node   *n = palloc0(sizeof(Sen2Node));
	int			i;

	n->kind = kind;
	n->parent = parent;
	for (i = 0; i < SEN2_MAX_ITEMS; i++)
		n->date[i] = SEN2_DATE_UNPARSED;
	if (parent != NULL)
	{
		if (parent->last[kind] != NULL)
			parent->last[kind]->next = n;
		else
			parent->first[kind] = n;
		parent->last[kind] = n;
		n->position = ++parent->nchild[kind];
	}
	else
		n->position = 1;
	return n;
}

void
sen2_node_set(Sen2Node *n, int item, const char *s, int len)
{
	char	   *copy;

	Assert(item >= 0 && item < sen2_kind_desc[n->kind].nitems);
	if (s == NULL)
	{
		n->v[item].s = NULL;
		n->v[item].len = 0;
		return;
	}
	copy = palloc(len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	n->v[item].s = copy;
	n->v[item].len = len;
	n->date[item] = SEN2_DATE_UNPARSED;
}

void
sen2_node_add_extra(Sen2Node *n, const char *tag, const char *s, int len,
					int line, bool unknown)
{
	Sen2Extra  *e = palloc0(sizeof(Sen2Extra));
	Sen2Extra **tail = &n->extras;

	e->tag = pstrdup(tag);
	if (s != NULL)
	{
		char	   *copy = palloc(len + 1);

		memcpy(copy, s, len);
		copy[len] = '\0';
		e->val.s = copy;
		e->val.len = len;
	}
	e->line = line;
	e->unknown = unknown;
	while (*tail != NULL)
		tail = &(*tail)->next;
	*tail = e;
}

int
sen2_item_by_tag(Sen2Kind kind, const char *tag)
{
	const Sen2KindDesc *d = &sen2_kind_desc[kind];
	int			i;

	for (i = 0; i < d->nitems; i++)
		if (strcmp(d->items[i].tag, tag) == 0)
			return i;
	return -1;
}

int
sen2_item_by_column(Sen2Kind kind, const char *column)
{
	const Sen2KindDesc *d = &sen2_kind_desc[kind];
	int			i;

	for (i = 0; i < d->nitems; i++)
		if (strcmp(d->items[i].column, column) == 0)
			return i;
	return -1;
}

int
sen2_kind_by_table(const char *table)
{
	int			k;

	for (k = 0; k < SEN2_NKINDS; k++)
		if (strcmp(sen2_kind_desc[k].table, table) == 0)
			return k;
	return -1;
}

bool
sen2_is(const Sen2Node *n, int item, const char *lit)
{
	return n->v[item].s != NULL && strcmp(n->v[item].s, lit) == 0;
}

bool
sen2_date(Sen2Node *n, int item, int32 *days)
{
	int32		d = n->date[item];

	if (d == SEN2_DATE_UNPARSED)
	{
		int			y,
					m,
					dd;

		if (n->v[item].s != NULL &&
			sen2_parse_date(n->v[item].s, n->v[item].len, &y, &m, &dd))
			d = sen2_days_from_civil(y, m, dd);
		else
			d = SEN2_DATE_INVALID;
		n->date[item] = d;
	}
	if (d == SEN2_DATE_INVALID)
		return false;
	*days = d;
	return true;
}

Sen2Node *
sen2_named_plan_of(Sen2Node *request)
{
	Sen2Node   *a = sen2_child(request, SEN2_K_ASSESSMENT);

	return a ? sen2_child(a, SEN2_K_NAMED_PLAN) : NULL;
}

Sen2Node *
sen2_ancestor(Sen2Node *n, Sen2Kind kind)
{
	while (n != NULL && n->kind != kind)
		n = n->parent;
	return n;
}

static void
append_step(StringInfo buf, const Sen2Node *n)
{
	const Sen2KindDesc *d = &sen2_kind_desc[n->kind];

	if (n->parent != NULL && n->kind != SEN2_K_PERSON)
		append_step(buf, n->parent);
	if (buf->len > 0)
		appendStringInfoChar(buf, '/');
	appendStringInfoString(buf, d->element);
	if (n->kind == SEN2_K_HEADER)
		return;
	if (d->multi || n->position > 1 ||
		(n->parent != NULL && n->parent->nchild[n->kind] > 1))
		appendStringInfo(buf, "[%d]", n->position);
}

char *
sen2_location(const Sen2Node *n)
{
	StringInfoData buf;

	initStringInfo(&buf);
	append_step(&buf, n);
	return buf.data;
}
