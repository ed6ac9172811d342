#!/usr/bin/env bash
# Instruction counts per packet (valgrind --tool=callgrind) for OSC decode and encode:
# MOX, rosc and oscpack (Debian's liboscpack-dev) on the benchmark packet set
# (codec/benches/common/mod.rs). Prints a markdown table; see docs/performance.md.
#
# Usage: scripts/callgrind.sh [PACKET...]      (default: every packet of the set)
#
# Needs valgrind, g++ and liboscpack-dev (scripts/setup.sh installs them). Each figure is
# (instructions at N = 1001 - instructions at N = 1) / 1000, so process start-up, packet
# set-up and first-call effects cancel out. Builds:
#   cargo build --release -p mox-codec --example callgrind_osc
#   g++ -O2 -std=c++17 -I/usr/include/oscpack codec/benches/callgrind/oscpack_decode.cpp -loscpack
# Work files go to target/callgrind/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { echo "callgrind.sh: $*" >&2; exit 1; }
command -v valgrind >/dev/null || die "valgrind not found (scripts/setup.sh installs it)"
command -v g++ >/dev/null || die "g++ not found (scripts/setup.sh installs it)"
[ -f /usr/include/oscpack/osc/OscReceivedElements.h ] \
  || die "liboscpack-dev not found (scripts/setup.sh installs it)"

TARGET_DIR=${CARGO_TARGET_DIR:-target}
OUT="$TARGET_DIR/callgrind"
mkdir -p "$OUT/packets"

echo "callgrind.sh: building harnesses" >&2
cargo build --quiet --release -p mox-codec --example callgrind_osc
RUST_HARNESS="$TARGET_DIR/release/examples/callgrind_osc"
CPP_HARNESS="$OUT/oscpack_decode"
g++ -O2 -std=c++17 -Wall -Wextra -I/usr/include/oscpack \
  codec/benches/callgrind/oscpack_decode.cpp -loscpack -o "$CPP_HARNESS"
"$RUST_HARNESS" dump "$OUT/packets"

# Total instructions (Ir) of one run under callgrind.
total() {
  local file="$OUT/callgrind.out"
  valgrind --tool=callgrind --callgrind-out-file="$file" "$@" >/dev/null 2>"$OUT/valgrind.log" \
    || { cat "$OUT/valgrind.log" >&2; die "run failed: $*"; }
  awk '/^summary:/ { print $2 }' "$file"
}

# Instructions per operation. The two runs get "0001" and "1001" so argv has the same size.
per_op() {
  local one many
  one=$(total "$@" 0001)
  many=$(total "$@" 1001)
  awk -v a="$one" -v b="$many" 'BEGIN { printf "%.0f", (b - a) / 1000 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# 12345 -> 12,345
group() {
  awk -v n="$1" 'BEGIN { s = sprintf("%d", n); out = ""
    while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    print s out }'
}

if [ "$#" -gt 0 ]; then
  packets=("$@")
else
  mapfile -t packets < <("$RUST_HARNESS" list | awk '{ print $1 }')
fi

echo "| packet | bytes | MOX decode | rosc decode | oscpack decode | MOX ÷ oscpack | rosc ÷ MOX | MOX encode | rosc \`encode_into\` | MOX ÷ rosc (encode) |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
while read -r name rosc size; do
  [[ " ${packets[*]} " == *" $name "* ]] || continue
  echo "callgrind.sh: $name" >&2
  dec=$(per_op "$RUST_HARNESS" decode "$name")
  enc=$(per_op "$RUST_HARNESS" encode "$name")
  pack=$(per_op "$CPP_HARNESS" "$OUT/packets/$name.osc")
  if [ "$rosc" = true ]; then
    rdec=$(per_op "$RUST_HARNESS" rosc-decode "$name")
    renc=$(per_op "$RUST_HARNESS" rosc-encode "$name")
    echo "| $name | $size | $(group "$dec") | $(group "$rdec") | $(group "$pack") | $(ratio "$dec" "$pack") | $(ratio "$rdec" "$dec") | $(group "$enc") | $(group "$renc") | $(ratio "$enc" "$renc") |"
  else
    echo "| $name | $size | $(group "$dec") | n/a | $(group "$pack") | $(ratio "$dec" "$pack") | n/a | $(group "$enc") | n/a | n/a |"
  fi
done < <("$RUST_HARNESS" list)
