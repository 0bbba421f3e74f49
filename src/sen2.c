/*
 * sen2.c
 *		Module entry point of the sen2 extension.
 *
 * The SQL-visible functions live in one file per job (see README); this
 * file only declares the module to the server.
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
