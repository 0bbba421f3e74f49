/*
 * stat_facts.h
 *		The statistics facts (src/stat_facts.c), for the two places that
 *		take them: the set-returning sen2.stat_case_rows() and the store
 *		sen2.stat_case_store() (src/stat_store.c).
 */
#ifndef SEN2_STAT_FACTS_H
#define SEN2_STAT_FACTS_H

#include "fmgr.h"

/* the columns of sen2.stat_case, in order */
#define STAT_FACT_COLUMNS 75

/* takes one row of facts; values and nulls are valid only during the call */
typedef void (*StatFactSink) (void *arg, Datum *values, bool *nulls);

extern void stat_facts_compute(Datum return_ids, bool only_returns, StatFactSink sink, void *sink_arg);

#endif
