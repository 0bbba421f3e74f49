# The frame the dump-and-restore tests share (sourced, not run as a test):
# two fresh databases dropped on exit, a pg_dump of the first restored into
# the second, and a comparison of what each holds.

# dump_dbs STEM: $src = STEM_src and $dst = STEM_dst, both new and empty.
dump_dbs() {
  src=$1_src dst=$1_dst
  trap 'dropdb --if-exists $src 2>/dev/null; dropdb --if-exists $dst 2>/dev/null' EXIT
  dropdb --if-exists "$src" 2>/dev/null || true
  dropdb --if-exists "$dst" 2>/dev/null || true
  createdb "$src"; createdb "$dst"
}

# dump_restore: pg_dump $src into $dst; any error in the restore stops the test.
dump_restore() {
  local file="${SEN2_TEST_WORK:-/tmp}/$src.dump.sql"
  pg_dump -d "$src" -f "$file"
  psql -X -q -v ON_ERROR_STOP=1 -d "$dst" -f "$file" >/dev/null
}

# same_in_both FUNCTION: FUNCTION DB prints what DB holds; prints both and
# succeeds when the restored database holds the same.  Sets $was (original).
same_in_both() {
  local now
  was=$("$1" "$src"); now=$("$1" "$dst")
  printf 'original: %s\nrestored: %s\n' "$was" "$now"
  [ "$was" = "$now" ]
}
