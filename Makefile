# PGXS build for sen2.  Every C file in src/ is part of the module and every
# SQL fragment in src/sql/ is part of the install script, in file-name order,
# so adding a feature means adding files, not editing this one.

EXTENSION  = sen2
EXTVERSION = 0.1
MODULE_big = sen2
OBJS       = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))
DATA_built = sen2--$(EXTVERSION).sql
DATA       = $(wildcard sen2--*--*.sql)
REGRESS    = $(basename $(notdir $(sort $(wildcard sql/*.sql))))
REGRESS_OPTS = --encoding=UTF8 --no-locale
EXTRA_CLEAN = test/fuzz/*.o

SQL_FRAGMENTS = $(sort $(wildcard src/sql/*.sql))

PG_CPPFLAGS += -I$(srcdir)/src $(shell pkg-config --cflags libxml-2.0)
SHLIB_LINK  += $(shell pkg-config --libs libxml-2.0)

# The project's warning policy (see README): -Wextra minus the warnings that
# PostgreSQL's own headers and PG_TRY trip over.
SEN2_WARNINGS ?= -Wall -Wextra -Wno-unused-parameter -Wno-clobbered \
                 -Wno-missing-field-initializers -Werror
PG_CFLAGS += $(SEN2_WARNINGS)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sen2--$(EXTVERSION).sql: $(SQL_FRAGMENTS)
	{ printf '%s\n' '-- Generated from src/sql/*.sql by make: edit those files, not this one.' \
	    '\echo Use "CREATE EXTENSION sen2" to load this file. \quit'; \
	  for f in $(SQL_FRAGMENTS); do printf '\n-- ==== %s\n' "$$f"; cat "$$f"; done; } > $@
