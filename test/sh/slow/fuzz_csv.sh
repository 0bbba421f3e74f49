#!/usr/bin/env bash
# Slow tier: 60 seconds of libFuzzer (clang-14, ASan + UBSan) on the CSV reader in
# src/csv.c, starting from test/fuzz/corpus/csv.  New inputs go to a
# scratch directory, not the committed corpus; a crash or a broken property
# leaves its input in $SEN2_FUZZ_OUT (default: a kept temp dir) and fails.
# SEN2_FUZZ_SECONDS overrides the 60 s.
set -euo pipefail
cd "$(dirname "$0")/../../.."
secs=${SEN2_FUZZ_SECONDS:-60}
out=${SEN2_FUZZ_OUT:-$(mktemp -d /tmp/sen2-fuzz-csv.XXXXXX)}
mkdir -p "$out/corpus"
command -v clang-14 >/dev/null || { echo "clang-14 not found (apt-get install clang-14)"; exit 1; }
if ! clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
     -Wall -Wextra -Werror -Isrc test/fuzz/csv_fuzz.c src/csv.c -o "$out/csv_fuzz" 2>"$out/cc.log"; then
  cat "$out/cc.log"
  echo "could not build with libFuzzer (is libclang-rt-14-dev installed?)"
  exit 1
fi
cp test/fuzz/corpus/csv/* "$out/corpus/"
set +e
"$out/csv_fuzz" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 -artifact_prefix="$out/" \
 "$out/corpus" >"$out/fuzz.log" 2>&1
rc=$?
set -e
grep -E '^#[0-9]+ *DONE|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb' "$out/fuzz.log" || true
echo "corpus after run: $(ls "$out/corpus" | wc -l) inputs; log: $out/fuzz.log"
if [ $rc -ne 0 ]; then
  tail -40 "$out/fuzz.log"
  ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* 2>/dev/null || true
  exit $rc
fi
[ -n "${SEN2_FUZZ_OUT:-}" ] || rm -rf "$out"
