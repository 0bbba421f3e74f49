#!/usr/bin/env bash
# Replays the fuzz corpus of the CSV reader (test/fuzz/corpus/csv) through
# test/fuzz/csv_fuzz.c, built with gcc and a small main instead of libFuzzer,
# under AddressSanitizer and UndefinedBehaviorSanitizer.  Each input must
# keep the harness's properties (round trip through canonical CSV, sane line
# numbers).  The 60-second libFuzzer run is test/sh/slow/fuzz_csv.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d "${SEN2_TEST_WORK:-/tmp}/fuzz_csv_replay.XXXXXX")
trap 'rm -rf "$out"' EXIT
src=(-Isrc test/fuzz/csv_fuzz.c src/csv.c)
flags=(-std=c99 -O1 -g -Wall -Wextra -Werror -DSEN2_FUZZ_REPLAY)
san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
gcc "${flags[@]}" "${san[@]}" "${src[@]}" -o "$out/replay"
shopt -s nullglob
inputs=(test/fuzz/corpus/csv/*)
[ ${#inputs[@]} -ge 10 ] || { echo "corpus too small: ${#inputs[@]} files"; exit 1; }
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$out/replay" "${inputs[@]}"
