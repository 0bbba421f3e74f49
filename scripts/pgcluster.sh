# Sourced by scripts/test, scripts/demo and bench/run: start a private
# PostgreSQL cluster in directory $1 on a Unix socket only, and export the
# libpq variables for it.  initdb refuses to run as root, so the server runs
# as the postgres user while the client stays the caller.
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
PGBIN=$("$PG_CONFIG" --bindir)

sen2_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# sen2_cluster_start DIR PORT [extra postgres -c settings...]
sen2_cluster_start() {
  local dir=$1 port=$2; shift 2
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  if [ ! -s "$dir/data/PG_VERSION" ]; then
    sen2_as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync \
      -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
  fi
  local opts="-k $dir -c listen_addresses= -p $port -c fsync=off -c synchronous_commit=off"
  opts+=" -c shared_preload_libraries=pg_cron -c cron.database_name=postgres"
  for o in "$@"; do opts+=" -c $o"; done
  sen2_as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" start >/dev/null \
    || { cat "$dir/server.log"; return 1; }
  export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres
}

sen2_cluster_stop() {
  sen2_as_pg "$PGBIN/pg_ctl" -D "$1/data" -m fast stop >/dev/null 2>&1 || true
}
