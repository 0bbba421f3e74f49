/*
 * model_load.h
 *		Filling the model (model.h) from the staging tables, one person at a
 *		time.  The caller must be connected to SPI; every node is allocated
 *		in CurrentMemoryContext at the time of the call, so a driver switches
 *		to a per-person context and resets it between persons.
 */
#ifndef SEN2_MODEL_LOAD_H
#define SEN2_MODEL_LOAD_H

#include "model.h"

typedef struct Sen2Loader Sen2Loader;

/*
 * The header node of a return (its sen2.return row), with the return's
 * collection year and LA.  ERROR if there is no such return.
 */
extern Sen2Node *sen2_load_header(int64 return_id, int *year, char **la_code);

/*
 * Persons with everything under them, in person_id order; each person's
 * position is its place in the file (seq, person_id), children are in file
 * order within their parent.  The cursors use the snapshot of the calling
 * statement, so the tree is consistent even while other sessions write.
 */
extern Sen2Loader *sen2_loader_open(int64 return_id);
extern Sen2Node *sen2_loader_next(Sen2Loader *loader);	/* NULL at the end */
extern void sen2_loader_close(Sen2Loader *loader);

/*
 * Whether the return's persons in person_id order are also in file order
 * (seq NULLS LAST, person_id): then a reader that goes by person_id, which
 * the staging tables give cheaply, meets the persons in file order.  One
 * narrow index scan, stopped at the first person out of order.
 */
extern bool sen2_seq_in_id_order(int64 return_id);
extern void sen2_run_return_plan(SPIPlanPtr plan, int64 return_id, DestReceiver *dest, const char *what);

#endif							/* SEN2_MODEL_LOAD_H */
