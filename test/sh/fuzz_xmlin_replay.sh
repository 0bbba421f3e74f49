#!/usr/bin/env bash
# Replays the fuzz corpus of the XML reader core (test/fuzz/corpus/xmlin:
# hand-made nasty inputs - DTD bombs, XXE, truncations, bad encodings, NUL
# bytes, deep nesting, stray elements - plus inputs libFuzzer found) through
# the harness test/fuzz/xmlin_fuzz.c, built with gcc and a small main under
# AddressSanitizer and UndefinedBehaviorSanitizer.  Each input must pass the
# harness's checks (see the file), including "reading in one piece and byte
# by byte gives the same events".  The libFuzzer run is
# test/sh/slow/fuzz_xmlin.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d "${SEN2_TEST_WORK:-/tmp}/fuzz_xmlin_replay.XXXXXX")
trap 'rm -rf "$out"' EXIT
src=(-Isrc -Itest/fuzz $(pkg-config --cflags libxml-2.0) test/fuzz/xmlin_fuzz.c test/fuzz/xmlin_replay.c src/xmlin.c)
libs=($(pkg-config --libs libxml-2.0))
flags=(-std=gnu99 -O1 -g -Wall -Wextra -Wno-unused-parameter -Werror)
san=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
if gcc "${flags[@]}" "${san[@]}" "${src[@]}" "${libs[@]}" -o "$out/replay" 2>"$out/cc.log"; then
  echo "built with ASan+UBSan"
else
  cat "$out/cc.log"
  gcc "${flags[@]}" "${src[@]}" "${libs[@]}" -o "$out/replay"
  echo "built without sanitizers (gcc lacks them here)"
fi
shopt -s nullglob
inputs=(test/fuzz/corpus/xmlin/*)
[ ${#inputs[@]} -ge 100 ] || { echo "corpus too small: ${#inputs[@]} files"; exit 1; }
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$out/replay" "${inputs[@]}"
