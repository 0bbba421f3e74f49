/*
 * model.h
 *		The in-memory model of a SEN2 return, one person tree at a time.
 *
 * Every front door fills the same structures: the staging-table loader
 * (model_load.c, SPI cursors merged in person order) and the XML reader
 * (libxml2 streaming reader).  Every back door reads them: the rule engine,
 * the XML writer, the table writer.  So this header knows nothing about SPI
 * or libxml2; it only needs palloc.
 *
 * Shape (sen2-spec.md 2.1):
 *
 *	  header (one per return: CollectionDetails, Source, LA-level items)
 *	  person -> request (Requests) -> assessment -> named plan -> plan detail
 *	                               -> active plans -> placement detail
 *	                                               -> SEN need
 *
 * A node keeps the raw text of each of its items exactly as supplied (NULL
 * when the element is absent; an empty string is kept as an empty string),
 * where it came from (table row or XML line) and its 1-based position among
 * its siblings, from which the XPath-like location of a finding is built.
 * Assessment, NamedPlan and ActivePlans occur at most once per parent in a
 * valid return, but are lists here too so that a reader can represent (and a
 * rule can report) a second occurrence in a malformed file.
 *
 * Memory: the loader allocates a person tree in a short-lived context that
 * the driver resets between persons, so nothing here is ever pfree'd.
 */
#ifndef SEN2_MODEL_H
#define SEN2_MODEL_H

#include "postgres.h"

/* Node kinds, in tree order.  Also indexes the children arrays. */
typedef enum Sen2Kind
{
	SEN2_K_HEADER = 0,
	SEN2_K_PERSON,
	SEN2_K_REQUEST,
	SEN2_K_ASSESSMENT,
	SEN2_K_NAMED_PLAN,
	SEN2_K_PLAN_DETAIL,
	SEN2_K_ACTIVE_PLANS,
	SEN2_K_PLACEMENT,
	SEN2_K_SEN_NEED,
	SEN2_NKINDS
} Sen2Kind;

/*
 * The items of each kind: X(prefix, NAME, "XmlTag", "column_name").
 * The tag is the canonical spelling; the year's layout (sen2.element) may
 * spell it differently and findings use the layout's spelling.  The column
 * is the staging-table column that holds the raw text.
 */
#define SEN2_HEADER_ITEMS(X) \
	X(H, COLLECTION, "Collection", "collection") \
	X(H, YEAR, "Year", "year") \
	X(H, REFERENCE_DATE, "ReferenceDate", "reference_date") \
	X(H, SOURCE_LEVEL, "SourceLevel", "source_level") \
	X(H, LEA, "LEA", "lea") \
	X(H, SOFTWARE_CODE, "SoftwareCode", "software_code") \
	X(H, RELEASE, "Release", "release") \
	X(H, SERIAL_NO, "SerialNo", "serial_no") \
	X(H, DATE_TIME, "DateTime", "date_time") \
	X(H, DMO, "DMO", "dmo") \
	X(H, DCO, "DCO", "dco") \
	X(H, DSCO, "DSCO", "dsco")

#define SEN2_PERSON_ITEMS(X) \
	X(P, SURNAME, "Surname", "surname") \
	X(P, FORENAME, "Forename", "forename") \
	X(P, BIRTH_DATE, "PersonBirthDate", "person_birth_date") \
	X(P, GENDER, "Gender", "gender") \
	X(P, SEX, "Sex", "sex") \
	X(P, ETHNICITY, "Ethnicity", "ethnicity") \
	X(P, POST_CODE, "PostCode", "post_code") \
	X(P, UPN, "UPN", "upn") \
	X(P, ULN, "UniqueLearnerNumber", "uln") \
	X(P, UPN_UNKNOWN, "UPNunknown", "upn_unknown")

#define SEN2_REQUEST_ITEMS(X) \
	X(R, RECEIVED_DATE, "ReceivedDate", "received_date") \
	X(R, REQUEST_SOURCE, "RequestSource", "request_source") \
	X(R, RYA, "RYA", "rya") \
	X(R, OUTCOME_DATE, "RequestOutcomeDate", "request_outcome_date") \
	X(R, OUTCOME, "RequestOutcome", "request_outcome") \
	X(R, MEDIATION, "RequestMediation", "request_mediation") \
	X(R, TRIBUNAL, "RequestTribunal", "request_tribunal") \
	X(R, EXPORTED, "Exported", "exported")

#define SEN2_ASSESSMENT_ITEMS(X) \
	X(A, OUTCOME, "AssessmentOutcome", "assessment_outcome") \
	X(A, OUTCOME_DATE, "AssessmentOutcomeDate", "assessment_outcome_date") \
	X(A, MEDIATION, "AssessmentMediation", "assessment_mediation") \
	X(A, TRIBUNAL, "AssessmentTribunal", "assessment_tribunal") \
	X(A, OTHER_MEDIATION, "OtherMediation", "other_mediation") \
	X(A, OTHER_TRIBUNAL, "OtherTribunal", "other_tribunal") \
	X(A, WEEK20, "Week20", "week20")

#define SEN2_NAMED_PLAN_ITEMS(X) \
	X(N, START_DATE, "StartDate", "start_date") \
	X(N, PLAN_RES, "PlanRes", "plan_res") \
	X(N, PLAN_WBP, "PlanWBP", "plan_wbp") \
	X(N, PB, "PB", "pb") \
	X(N, OA, "OA", "oa") \
	X(N, DP, "DP", "dp") \
	X(N, CEASE_DATE, "CeaseDate", "cease_date") \
	X(N, CEASE_REASON, "CeaseReason", "cease_reason")

#define SEN2_PLAN_DETAIL_ITEMS(X) \
	X(D, URN, "URN", "urn") \
	X(D, UKPRN, "UKPRN", "ukprn") \
	X(D, SEN_SETTING, "SENsetting", "sen_setting") \
	X(D, SEN_SETTING_OTHER, "SENSettingOther", "sen_setting_other") \
	X(D, RANK, "PlacementRank", "placement_rank") \
	X(D, SEN_UNIT, "SENunitIndicator", "sen_unit_indicator") \
	X(D, RESOURCED, "ResourcedProvisionIndicator", "resourced_provision_indicator")

#define SEN2_ACTIVE_PLANS_ITEMS(X) \
	X(AP, TRANSFER_LA, "TransferLA", "transfer_la") \
	X(AP, RES, "Res", "res") \
	X(AP, WBP, "WBP", "wbp") \
	X(AP, REVIEW_MEETING, "ReviewMeeting", "review_meeting") \
	X(AP, REVIEW_OUTCOME, "ReviewOutcome", "review_outcome") \
	X(AP, REVIEW_DRAFT, "ReviewDraft", "review_draft") \
	X(AP, PT_DUE, "PhaseTransferDueDate", "phase_transfer_due_date") \
	X(AP, PT_FINAL, "PhaseTransferFinalDate", "phase_transfer_final_date") \
	X(AP, LAST_REVIEW, "LastReview", "last_review")

#define SEN2_PLACEMENT_ITEMS(X) \
	X(PD, URN, "URN", "urn") \
	X(PD, UKPRN, "UKPRN", "ukprn") \
	X(PD, SEN_SETTING, "SENsetting", "sen_setting") \
	X(PD, SEN_SETTING_OTHER, "SENSettingOther", "sen_setting_other") \
	X(PD, RANK, "PlacementRank", "placement_rank") \
	X(PD, ENTRY_DATE, "EntryDate", "entry_date") \
	X(PD, LEAVING_DATE, "LeavingDate", "leaving_date") \
	X(PD, ATTENDANCE, "AttendancePattern", "attendance_pattern") \
	X(PD, SEN_UNIT, "SENunitIndicator", "sen_unit_indicator") \
	X(PD, RESOURCED, "ResourcedProvisionIndicator", "resourced_provision_indicator") \
	X(PD, RES, "Res", "res") \
	X(PD, WBP, "WBP", "wbp")

#define SEN2_SEN_NEED_ITEMS(X) \
	X(S, TYPE, "SENtype", "sen_type") \
	X(S, RANK, "SENtypeRank", "sen_type_rank")

#define SEN2_ITEM_ENUM(p, name, tag, col) SEN2_##p##_##name,
enum { SEN2_HEADER_ITEMS(SEN2_ITEM_ENUM) SEN2_H_NITEMS };
enum { SEN2_PERSON_ITEMS(SEN2_ITEM_ENUM) SEN2_P_NITEMS };
enum { SEN2_REQUEST_ITEMS(SEN2_ITEM_ENUM) SEN2_R_NITEMS };
enum { SEN2_ASSESSMENT_ITEMS(SEN2_ITEM_ENUM) SEN2_A_NITEMS };
enum { SEN2_NAMED_PLAN_ITEMS(SEN2_ITEM_ENUM) SEN2_N_NITEMS };
enum { SEN2_PLAN_DETAIL_ITEMS(SEN2_ITEM_ENUM) SEN2_D_NITEMS };
enum { SEN2_ACTIVE_PLANS_ITEMS(SEN2_ITEM_ENUM) SEN2_AP_NITEMS };
enum { SEN2_PLACEMENT_ITEMS(SEN2_ITEM_ENUM) SEN2_PD_NITEMS };
enum { SEN2_SEN_NEED_ITEMS(SEN2_ITEM_ENUM) SEN2_S_NITEMS };
#undef SEN2_ITEM_ENUM

#define SEN2_MAX_ITEMS 12		/* the largest of the *_NITEMS above */

/* Static description of a kind. */
typedef struct Sen2ItemDesc
{
	const char *tag;			/* canonical XML tag */
	const char *column;			/* staging-table column */
} Sen2ItemDesc;

typedef struct Sen2KindDesc
{
	const char *element;		/* XML element of the node: "Person", "Requests" */
	const char *table;			/* staging table / module: "person", "request" */
	const char *key;			/* surrogate key column: "person_id" */
	Sen2Kind	parent;			/* parent kind (the header has none: itself) */
	bool		multi;			/* may repeat under its parent in a valid return */
	int			nitems;
	const Sen2ItemDesc *items;
} Sen2KindDesc;

extern const Sen2KindDesc sen2_kind_desc[SEN2_NKINDS];

/*
 * Raw text of an item.  s == NULL: the element is absent (SQL NULL);
 * otherwise s is NUL-terminated and len == strlen(s) (the loaders reject or
 * report embedded NULs, which PostgreSQL text cannot hold anyway).
 */
typedef struct Sen2Val
{
	const char *s;
	int			len;
} Sen2Val;

/*
 * Something a reader found that has no slot in the model: an element that is
 * not part of the layout (unknown = true), or a repeated occurrence of an
 * item that may occur once (unknown = false).  The layout rules report them.
 */
typedef struct Sen2Extra
{
	const char *tag;
	Sen2Val		val;
	int			line;
	bool		unknown;
	struct Sen2Extra *next;
} Sen2Extra;

/* Sentinels of the parsed-date cache. */
#define SEN2_DATE_UNPARSED	PG_INT32_MIN
#define SEN2_DATE_INVALID	(PG_INT32_MIN + 1)

typedef struct Sen2Node
{
	Sen2Kind	kind;
	int			position;		/* 1-based among siblings of this kind */
	struct Sen2Node *parent;
	struct Sen2Node *next;		/* next sibling of the same kind */

	/* where the node came from */
	int64		row_id;			/* surrogate key; 0 when not from tables */
	const char *source_id;		/* the authority's own id, or NULL */
	int			line;			/* XML line number; 0 when from tables */

	Sen2Extra  *extras;

	Sen2Val		v[SEN2_MAX_ITEMS];	/* indexed by the kind's item enum */
	int32		date[SEN2_MAX_ITEMS];	/* parsed dates (days from 2000-01-01) */

	struct Sen2Node *first[SEN2_NKINDS];	/* children by kind */
	struct Sen2Node *last[SEN2_NKINDS];
	int			nchild[SEN2_NKINDS];
} Sen2Node;

/*
 * Builders (model.c).  Allocate in CurrentMemoryContext.  sen2_node_new
 * appends the node to parent's children of its kind and gives it the next
 * position.  A header or person has no parent node (parent = NULL): set a
 * person's position to its place in the file (1, 2, ...) yourself.  A node
 * read from XML keeps row_id = 0 and sets line; the rule engine then reports
 * the line and no table row.
 */
extern Sen2Node *sen2_node_new(Sen2Kind kind, Sen2Node *parent);
extern void sen2_node_set(Sen2Node *n, int item, const char *s, int len);
extern void sen2_node_add_extra(Sen2Node *n, const char *tag, const char *s,
								int len, int line, bool unknown);

/* Item slot of a tag or column within a kind, or -1. */
extern int	sen2_item_by_tag(Sen2Kind kind, const char *tag);
extern int	sen2_item_by_column(Sen2Kind kind, const char *column);
/* Kind whose table (module) is the given name, or -1. */
extern int	sen2_kind_by_table(const char *table);

/* Readers. */
static inline bool
sen2_has(const Sen2Node *n, int item)
{
	return n->v[item].s != NULL && n->v[item].len > 0;
}

static inline const char *
sen2_str(const Sen2Node *n, int item)
{
	return n->v[item].s;
}

/* Item equals the literal exactly (absent never equals). */
extern bool sen2_is(const Sen2Node *n, int item, const char *lit);

/*
 * The item as a date (days from 2000-01-01) if it is present and a strict
 * ISO date, else false.  Parsed once per node and cached.
 */
extern bool sen2_date(Sen2Node *n, int item, int32 *days);

/* The first child of a kind (for the at-most-once groups), or NULL. */
static inline Sen2Node *
sen2_child(const Sen2Node *n, Sen2Kind kind)
{
	return n->first[kind];
}

/* The NamedPlan under a request's Assessment, or NULL. */
extern Sen2Node *sen2_named_plan_of(Sen2Node *request);

/* Walk up to the ancestor of a kind (or the node itself), or NULL. */
extern Sen2Node *sen2_ancestor(Sen2Node *n, Sen2Kind kind);

/*
 * XPath-like location of a node, e.g. "Person[12]/Requests[1]/Assessment",
 * palloc'd.  Groups that may occur once get no [n] unless a second one is
 * present.  The header is "Header".
 */
extern char *sen2_location(const Sen2Node *n);

#endif							/* SEN2_MODEL_H */
