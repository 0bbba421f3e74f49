#!/usr/bin/env bash
# The XML writer (src/xmlout.c) on its own, under AddressSanitizer and
# UndefinedBehaviorSanitizer: fixed escaping/UTF-8/limit cases and a
# randomised round trip through libxml2 (test/fuzz/xmlout_test.c).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d /tmp/sen2-xmlout.XXXXXX)
trap 'rm -rf "$out"' EXIT
gcc -std=gnu99 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all \
    -Isrc $(pkg-config --cflags libxml-2.0) \
    test/fuzz/xmlout_test.c src/xmlout.c -o "$out/xmlout_test" $(pkg-config --libs libxml-2.0)
ASAN_OPTIONS=detect_leaks=1 "$out/xmlout_test" "${SEN2_XMLOUT_ITERATIONS:-20000}"
