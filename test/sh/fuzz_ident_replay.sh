#!/usr/bin/env bash
# Replays the fuzz corpus of src/ident.c (test/fuzz/corpus/ident) through the
# harness test/fuzz/ident_fuzz.c, built with gcc and a small main instead of
# libFuzzer, under AddressSanitizer and UndefinedBehaviorSanitizer when gcc
# has them.  Each input must pass the harness's properties (see the file).
# The 60-second libFuzzer run is test/sh/slow/fuzz_ident.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d "${SEN2_TEST_WORK:-/tmp}/fuzz_ident_replay.XXXXXX")
trap 'rm -rf "$out"' EXIT
src=(-Isrc test/fuzz/ident_fuzz.c src/ident.c)
flags=(-std=c99 -O1 -g -Wall -Wextra -Werror -DSEN2_FUZZ_REPLAY)
san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
if gcc "${flags[@]}" "${san[@]}" "${src[@]}" -o "$out/replay" 2>"$out/cc.log"; then
  echo "built with ASan+UBSan"
else
  cat "$out/cc.log"
  gcc "${flags[@]}" "${src[@]}" -o "$out/replay"
  echo "built without sanitizers (gcc lacks them here)"
fi
shopt -s nullglob
inputs=(test/fuzz/corpus/ident/*)
[ ${#inputs[@]} -ge 20 ] || { echo "corpus too small: ${#inputs[@]} files"; exit 1; }
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$out/replay" "${inputs[@]}"
