#!/bin/bash
# The frame decoder's libFuzzer target, run for a bounded time (CI runs it with every test run).
#
#   run-fuzz.sh SOURCE_ROOT CORPUS SECONDS [FUZZ_BINARY]
#
# With FUZZ_BINARY (the project itself was built with clang) that binary runs; otherwise the
# target is built here with clang++ and -fsanitize=fuzzer,address,undefined from the same
# sources meson uses (tests/fuzz/fuzz_frame.cpp, lib/proto, lib/luna), so a gcc build of the
# project still fuzzes. The corpus is copied: what libFuzzer adds stays in the temp dir.
# LUNA_FUZZ_SECONDS overrides SECONDS. Exit 0 when no input crashed, aborted or tripped a
# sanitizer in that time; the crashing input is printed (hex) otherwise.
set -euo pipefail
src=$1 corpus=$2 seconds=${LUNA_FUZZ_SECONDS:-$3} bin=${4:-}
work=$(mktemp -d /tmp/luna-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ -z "$bin" ]; then
  command -v clang++ >/dev/null || { echo "run-fuzz: clang++ is not installed (deps/debian-packages.txt lists clang)" >&2; exit 1; }
  bin=$work/fuzz-frame
  # The sources of lib/proto and lib/luna as lib/meson.build and lib/proto/meson.build list them.
  common=$(sed -n "/^luna_common_lib/,/^)/s/^ *'\(luna\/[a-z_]*\.cpp\)',\$/\1/p" "$src/lib/meson.build")
  [ -n "$common" ] || { echo "run-fuzz: cannot read the sources from lib/meson.build" >&2; exit 1; }
  sources=("$src/tests/fuzz/fuzz_frame.cpp" "$src"/lib/proto/{wire,codec,attribute_kinds}.cpp)
  for f in $common; do sources+=("$src/lib/$f"); done
  # shellcheck disable=SC2046
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$src/lib" -I"$src/lib/luna" $(pkg-config --cflags p11-kit-1 openssl) "${sources[@]}" \
    $(pkg-config --libs openssl) -o "$bin"
fi

mkdir -p "$work/corpus"
cp "$corpus"/* "$work/corpus/"
before=$(ls "$work/corpus" | wc -l)
cd "$work"
if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 "$work/corpus" >"$work/log" 2>&1; then
  tail -n 40 "$work/log"
  for c in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -f "$c" ] && { echo "input $(basename "$c"):"; od -An -tx1 "$c" | head -n 20; }
  done
  echo "fuzz-frame: a finding (above)" >&2
  exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
echo "fuzz-frame: ${runs:-?} inputs in ${seconds} s, corpus $before -> $(ls "$work/corpus" | wc -l), no finding"
