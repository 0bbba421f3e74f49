/*
 * sen2.c
 *		Module entry point of the sen2 extension.
 *
 * The SQL-visible functions live in one file per job (see README); this
 * file declares the module to the server and defines its settings when the
 * library is loaded, so SHOW works in any session that has touched sen2.
 */
#include "postgres.h"

#include "fmgr.h"

#include "xml_load.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	sen2_xml_guc_init();
}
