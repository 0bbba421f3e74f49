/*
 * xmlin_layout.h
 *		A fixed copy of the 2024 SEN2 layout (sen2.element, 2024) for the
 *		standalone harnesses, which run without a database.  Module numbers:
 *		0 return, 1 person, 2 request, 3 assessment, 4 named_plan,
 *		5 plan_detail, 6 active_plans, 7 placement_detail, 8 sen_need.
 *		Fields: name, aliases, naliases, parent, is_item, opens_row,
 *		single, position, mandatory, module, column (here: the node's
 *		own index).
 */
#ifndef SEN2_XMLIN_LAYOUT_H
#define SEN2_XMLIN_LAYOUT_H

#include "xmlin.h"

static const xmlin_node sen2_test_nodes[] = {
	{"Message", NULL, 0, -1, false, true, true, 1, true, 0, 0},	/* 0: //Message */
	{"Header", NULL, 0, 0, false, false, true, 1, true, 0, 1},	/* 1: Message/Header */
	{"CollectionDetails", NULL, 0, 1, false, false, true, 1, true, 0, 2},	/* 2: Header/CollectionDetails */
	{"Collection", NULL, 0, 2, true, false, true, 1, true, 0, 3},	/* 3: CollectionDetails/Collection */
	{"Year", NULL, 0, 2, true, false, true, 2, true, 0, 4},	/* 4: CollectionDetails/Year */
	{"ReferenceDate", NULL, 0, 2, true, false, true, 3, true, 0, 5},	/* 5: CollectionDetails/ReferenceDate */
	{"Source", NULL, 0, 1, false, false, true, 2, true, 0, 6},	/* 6: Header/Source */
	{"SourceLevel", NULL, 0, 6, true, false, true, 1, true, 0, 7},	/* 7: Source/SourceLevel */
	{"LEA", NULL, 0, 6, true, false, true, 2, true, 0, 8},	/* 8: Source/LEA */
	{"SoftwareCode", NULL, 0, 6, true, false, true, 3, true, 0, 9},	/* 9: Source/SoftwareCode */
	{"Release", NULL, 0, 6, true, false, true, 4, true, 0, 10},	/* 10: Source/Release */
	{"SerialNo", NULL, 0, 6, true, false, true, 5, true, 0, 11},	/* 11: Source/SerialNo */
	{"DateTime", NULL, 0, 6, true, false, true, 6, true, 0, 12},	/* 12: Source/DateTime */
	{"DMO", NULL, 0, 6, true, false, true, 7, true, 0, 13},	/* 13: Source/DMO */
	{"DCO", NULL, 0, 6, true, false, true, 8, true, 0, 14},	/* 14: Source/DCO */
	{"Persons", NULL, 0, 0, false, false, true, 2, true, 0, 15},	/* 15: Message/Persons */
	{"Person", NULL, 0, 15, false, true, false, 1, true, 1, 16},	/* 16: Persons/Person */
	{"Surname", NULL, 0, 16, true, false, true, 1, true, 1, 17},	/* 17: Person/Surname */
	{"Forename", NULL, 0, 16, true, false, true, 2, true, 1, 18},	/* 18: Person/Forename */
	{"PersonBirthDate", NULL, 0, 16, true, false, true, 3, true, 1, 19},	/* 19: Person/PersonBirthDate */
	{"Sex", NULL, 0, 16, true, false, true, 4, true, 1, 20},	/* 20: Person/Sex */
	{"Ethnicity", NULL, 0, 16, true, false, true, 5, true, 1, 21},	/* 21: Person/Ethnicity */
	{"PostCode", NULL, 0, 16, true, false, true, 6, true, 1, 22},	/* 22: Person/PostCode */
	{"UPN", NULL, 0, 16, true, false, true, 7, false, 1, 23},	/* 23: Person/UPN */
	{"UniqueLearnerNumber", NULL, 0, 16, true, false, true, 8, false, 1, 24},	/* 24: Person/UniqueLearnerNumber */
	{"UPNunknown", NULL, 0, 16, true, false, true, 9, false, 1, 25},	/* 25: Person/UPNunknown */
	{"Requests", NULL, 0, 16, false, true, false, 10, true, 2, 26},	/* 26: Person/Requests */
	{"ReceivedDate", NULL, 0, 26, true, false, true, 1, false, 2, 27},	/* 27: Requests/ReceivedDate */
	{"RYA", NULL, 0, 26, true, false, true, 3, true, 2, 28},	/* 28: Requests/RYA */
	{"RequestOutcomeDate", NULL, 0, 26, true, false, true, 4, false, 2, 29},	/* 29: Requests/RequestOutcomeDate */
	{"RequestOutcome", NULL, 0, 26, true, false, true, 5, true, 2, 30},	/* 30: Requests/RequestOutcome */
	{"RequestMediation", NULL, 0, 26, true, false, true, 6, true, 2, 31},	/* 31: Requests/RequestMediation */
	{"RequestTribunal", NULL, 0, 26, true, false, true, 7, true, 2, 32},	/* 32: Requests/RequestTribunal */
	{"Exported", NULL, 0, 26, true, false, true, 8, false, 2, 33},	/* 33: Requests/Exported */
	{"Assessment", NULL, 0, 26, false, true, true, 9, false, 3, 34},	/* 34: Requests/Assessment */
	{"AssessmentOutcome", NULL, 0, 34, true, false, true, 1, true, 3, 35},	/* 35: Assessment/AssessmentOutcome */
	{"AssessmentOutcomeDate", NULL, 0, 34, true, false, true, 2, false, 3, 36},	/* 36: Assessment/AssessmentOutcomeDate */
	{"AssessmentMediation", NULL, 0, 34, true, false, true, 3, true, 3, 37},	/* 37: Assessment/AssessmentMediation */
	{"AssessmentTribunal", NULL, 0, 34, true, false, true, 4, true, 3, 38},	/* 38: Assessment/AssessmentTribunal */
	{"OtherMediation", NULL, 0, 34, true, false, true, 5, true, 3, 39},	/* 39: Assessment/OtherMediation */
	{"OtherTribunal", NULL, 0, 34, true, false, true, 6, true, 3, 40},	/* 40: Assessment/OtherTribunal */
	{"Week20", NULL, 0, 34, true, false, true, 7, false, 3, 41},	/* 41: Assessment/Week20 */
	{"NamedPlan", NULL, 0, 34, false, true, true, 8, false, 4, 42},	/* 42: Assessment/NamedPlan */
	{"StartDate", NULL, 0, 42, true, false, true, 1, true, 4, 43},	/* 43: NamedPlan/StartDate */
	{"PlanDetail", NULL, 0, 42, false, true, false, 2, true, 5, 44},	/* 44: NamedPlan/PlanDetail */
	{"URN", NULL, 0, 44, true, false, true, 1, false, 5, 45},	/* 45: PlanDetail/URN */
	{"UKPRN", NULL, 0, 44, true, false, true, 2, false, 5, 46},	/* 46: PlanDetail/UKPRN */
	{"SENsetting", (const char *const[]){"SENSetting"}, 1, 44, true, false, true, 3, false, 5, 47},	/* 47: PlanDetail/SENsetting */
	{"SENSettingOther", (const char *const[]){"SENsettingOther"}, 1, 44, true, false, true, 4, false, 5, 48},	/* 48: PlanDetail/SENSettingOther */
	{"PlacementRank", NULL, 0, 44, true, false, true, 5, true, 5, 49},	/* 49: PlanDetail/PlacementRank */
	{"SENunitIndicator", NULL, 0, 44, true, false, true, 6, true, 5, 50},	/* 50: PlanDetail/SENunitIndicator */
	{"ResourcedProvisionIndicator", NULL, 0, 44, true, false, true, 7, true, 5, 51},	/* 51: PlanDetail/ResourcedProvisionIndicator */
	{"PlanRes", NULL, 0, 42, true, false, true, 3, false, 4, 52},	/* 52: NamedPlan/PlanRes */
	{"PlanWBP", NULL, 0, 42, true, false, true, 4, false, 4, 53},	/* 53: NamedPlan/PlanWBP */
	{"PB", NULL, 0, 42, true, false, true, 5, false, 4, 54},	/* 54: NamedPlan/PB */
	{"OA", NULL, 0, 42, true, false, true, 6, false, 4, 55},	/* 55: NamedPlan/OA */
	{"DP", NULL, 0, 42, true, false, true, 7, false, 4, 56},	/* 56: NamedPlan/DP */
	{"CeaseDate", NULL, 0, 42, true, false, true, 8, false, 4, 57},	/* 57: NamedPlan/CeaseDate */
	{"CeaseReason", NULL, 0, 42, true, false, true, 9, false, 4, 58},	/* 58: NamedPlan/CeaseReason */
	{"ActivePlans", NULL, 0, 26, false, true, true, 10, false, 6, 59},	/* 59: Requests/ActivePlans */
	{"TransferLA", NULL, 0, 59, true, false, true, 1, false, 6, 60},	/* 60: ActivePlans/TransferLA */
	{"PlacementDetail", NULL, 0, 59, false, true, false, 4, true, 7, 61},	/* 61: ActivePlans/PlacementDetail */
	{"URN", NULL, 0, 61, true, false, true, 1, false, 7, 62},	/* 62: PlacementDetail/URN */
	{"UKPRN", NULL, 0, 61, true, false, true, 2, false, 7, 63},	/* 63: PlacementDetail/UKPRN */
	{"SENsetting", (const char *const[]){"SENSetting"}, 1, 61, true, false, true, 3, false, 7, 64},	/* 64: PlacementDetail/SENsetting */
	{"SENSettingOther", (const char *const[]){"SENsettingOther"}, 1, 61, true, false, true, 4, false, 7, 65},	/* 65: PlacementDetail/SENSettingOther */
	{"PlacementRank", NULL, 0, 61, true, false, true, 5, true, 7, 66},	/* 66: PlacementDetail/PlacementRank */
	{"EntryDate", NULL, 0, 61, true, false, true, 6, true, 7, 67},	/* 67: PlacementDetail/EntryDate */
	{"LeavingDate", NULL, 0, 61, true, false, true, 7, false, 7, 68},	/* 68: PlacementDetail/LeavingDate */
	{"SENunitIndicator", NULL, 0, 61, true, false, true, 9, true, 7, 69},	/* 69: PlacementDetail/SENunitIndicator */
	{"ResourcedProvisionIndicator", NULL, 0, 61, true, false, true, 10, true, 7, 70},	/* 70: PlacementDetail/ResourcedProvisionIndicator */
	{"Res", NULL, 0, 61, true, false, true, 11, false, 7, 71},	/* 71: PlacementDetail/Res */
	{"WBP", NULL, 0, 61, true, false, true, 12, false, 7, 72},	/* 72: PlacementDetail/WBP */
	{"SENneed", NULL, 0, 59, false, true, false, 5, true, 8, 73},	/* 73: ActivePlans/SENneed */
	{"SENtype", NULL, 0, 73, true, false, true, 1, true, 8, 74},	/* 74: SENneed/SENtype */
	{"SENtypeRank", NULL, 0, 73, true, false, true, 2, true, 8, 75},	/* 75: SENneed/SENtypeRank */
	{"ReviewMeeting", NULL, 0, 59, true, false, true, 6, false, 6, 76},	/* 76: ActivePlans/ReviewMeeting */
	{"ReviewOutcome", NULL, 0, 59, true, false, true, 7, false, 6, 77},	/* 77: ActivePlans/ReviewOutcome */
	{"LastReview", NULL, 0, 59, true, false, true, 11, false, 6, 78},	/* 78: ActivePlans/LastReview */
};

static const xmlin_layout sen2_test_layout = {
	sen2_test_nodes, (int) (sizeof(sen2_test_nodes) / sizeof(sen2_test_nodes[0]))
};

#endif							/* SEN2_XMLIN_LAYOUT_H */
