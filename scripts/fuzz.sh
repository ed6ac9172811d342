#!/usr/bin/env bash
# Fuzz mox-codec and mox-negotiate with cargo-fuzz (libFuzzer + AddressSanitizer, nightly).
#
# Usage: scripts/fuzz.sh [--seconds N] [TARGET...]
#   --seconds N   run each target for N seconds (default 25)
#   TARGET...     targets to run (default: all, as listed by `cargo +nightly fuzz list`)
#
# Quick pass over every target (CI-sized, about 6 minutes on 2 cores with a cold build):
#   scripts/fuzz.sh
# Long run of one target (the corpus in fuzz/corpus/<target>/ grows and is reused):
#   scripts/fuzz.sh --seconds 3600 decode_osc_packet
#
# Steps: builds every target once (`cargo +nightly fuzz build`: release, debug assertions,
# ASan); seeds fuzz/corpus/<target>/ from vectors/osc/*.json (idempotent: files are named by
# the SHA-1 of their content, as libFuzzer names its own); runs each target with
# -max_total_time=N; prints the executions per target. Exits 1 if any target crashed
# (the artifact path and the reproduce/minimise commands are printed), 2 on bad usage.
# Logs: fuzz/artifacts/logs/<target>.log. fuzz/corpus and fuzz/artifacts stay untracked.
#
# Seeds: `hex` (and `reencode`, `packets`, delivered frames) → decode_osc_packet; stream
# `chunks` concatenated (and encoded streams) → deframe_<framing> and deframe_auto, behind
# the 2-byte header those targets expect (see fuzz/src/lib.rs); `pattern` NUL `address` →
# match_pattern. roundtrip_osc_message and the SysEx targets (sysex_*, unpack_7bit,
# chunk_reassemble, depacketize_*) read target-specific headers from their input and start
# empty; libFuzzer reaches their coverage within seconds. So do envelope_decode (bytes as
# a body, a SysEx message and an OSC packet) and envelope_roundtrip (structured).
# bridge_roundtrip is seeded from vectors/envelope/*.json: each SysEx input behind mode byte
# 00, each OSC input behind 01 (see the target's header).
# negotiate_machine (mox-negotiate, two machines on a loopback link) starts empty: its
# bodies come from the machines themselves (see the target's header).
#
# Needs: rustup nightly and cargo-fuzz (scripts/setup.sh installs both), python3.
set -euo pipefail

SECONDS_PER_TARGET=25
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds)
      [ $# -ge 2 ] || { echo "fuzz: --seconds needs a value" >&2; exit 2; }
      SECONDS_PER_TARGET=$2
      shift 2
      ;;
    --seconds=*) SECONDS_PER_TARGET=${1#--seconds=}; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    -*) echo "fuzz: unknown option: $1 (try --help)" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
case "$SECONDS_PER_TARGET" in
  ''|*[!0-9]*|0) echo "fuzz: --seconds must be a positive integer" >&2; exit 2 ;;
esac

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FUZZ_DIR="$REPO_ROOT/fuzz"
LOG_DIR="$FUZZ_DIR/artifacts/logs"
START=$SECONDS
log() { echo "fuzz: $*"; }

command -v rustup >/dev/null 2>&1 || { log "rustup not found (run scripts/setup.sh)" >&2; exit 1; }
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  log "nightly or cargo-fuzz missing (run scripts/setup.sh)" >&2
  exit 1
fi
command -v python3 >/dev/null 2>&1 || { log "python3 not found" >&2; exit 1; }

cd "$FUZZ_DIR"

# ---- build -----------------------------------------------------------------------------
log "building fuzz targets (cargo +nightly fuzz build)"
build_start=$SECONDS
cargo +nightly fuzz build </dev/null
log "build took $((SECONDS - build_start)) s"

mapfile -t ALL_TARGETS < <(cargo +nightly fuzz list </dev/null)
if [ "${#TARGETS[@]}" -eq 0 ]; then
  TARGETS=("${ALL_TARGETS[@]}")
fi
for t in "${TARGETS[@]}"; do
  if ! printf '%s\n' "${ALL_TARGETS[@]}" | grep -qx -- "$t"; then
    log "unknown target: $t (known: ${ALL_TARGETS[*]})" >&2
    exit 2
  fi
done

# ---- seed corpora from the vectors -----------------------------------------------------
python3 - "$REPO_ROOT/vectors" "$FUZZ_DIR/corpus" <<'PY'
import hashlib, json, pathlib, sys

vectors, corpus = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
seeds = {}  # target -> set of bytes

def add(target, data):
    seeds.setdefault(target, set()).add(bytes(data))

def unhex(s):
    try:
        return bytes.fromhex(s) if isinstance(s, str) else None
    except ValueError:
        return None

def frames(value):
    """Frames ({"frame": hex}) listed in an osc-stream expectation, any outcome."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "frame" and unhex(v) is not None:
                yield unhex(v)
            else:
                yield from frames(v)
    elif isinstance(value, list):
        for v in value:
            yield from frames(v)

def add_stream(framing, stream, max_frame=None):
    # Header of the deframe targets: chunk-size seed (0 = one piece), max_frame (>= 64: none).
    cap = max_frame if isinstance(max_frame, int) and 0 <= max_frame < 64 else 255
    targets = {"slip": ["deframe_slip"], "length-prefix": ["deframe_length_prefix"]}.get(framing, [])
    for target in targets + ["deframe_auto"]:
        for chunking in (0, 7):
            add(target, bytes([chunking, cap]) + stream)

count = 0
for path in sorted(vectors.glob("osc/**/*.json")):
    try:
        cases = json.loads(path.read_text(encoding="utf-8")).get("cases", [])
    except (OSError, ValueError, AttributeError) as e:
        print(f"fuzz: skipping {path}: {e}", file=sys.stderr)
        continue
    for case in cases:
        if not isinstance(case, dict):
            continue
        count += 1
        for key in ("hex", "reencode"):
            if unhex(case.get(key)) is not None:
                add("decode_osc_packet", unhex(case[key]))
        for packet in case.get("packets") or []:
            if unhex(packet) is not None:
                add("decode_osc_packet", unhex(packet))
        framing = case.get("framing")
        chunks = case.get("chunks")
        if isinstance(chunks, list) and all(unhex(c) is not None for c in chunks):
            add_stream(framing, b"".join(unhex(c) for c in chunks), case.get("max_frame"))
            for frame in frames(case.get("expected")):
                add("decode_osc_packet", frame)
        encoded = (case.get("expected") or {}).get("value")
        if case.get("kind") == "osc-stream-encode" and unhex(encoded) is not None:
            add_stream(framing, unhex(encoded))
        pattern, address = case.get("pattern"), case.get("address")
        if isinstance(pattern, str) and isinstance(address, str):
            add("match_pattern", pattern.encode() + b"\0" + address.encode())

# The pass-through bridge: mode byte 00 = a SysEx message in, 01 = an OSC packet in.
for path in sorted(vectors.glob("envelope/*.json")):
    try:
        cases = json.loads(path.read_text(encoding="utf-8")).get("cases", [])
    except (OSError, ValueError, AttributeError) as e:
        print(f"fuzz: skipping {path}: {e}", file=sys.stderr)
        continue
    for case in cases:
        if not isinstance(case, dict):
            continue
        count += 1
        units = [case.get("hex")] + [s.get("hex") for s in case.get("steps") or [] if isinstance(s, dict)]
        for unit in units:
            data = unhex(unit)
            if data:
                add("bridge_roundtrip", (b"\x00" if data[0] == 0xF0 else b"\x01") + data)

written = 0
for target, datas in sorted(seeds.items()):
    directory = corpus / target
    directory.mkdir(parents=True, exist_ok=True)
    for data in datas:
        file = directory / hashlib.sha1(data).hexdigest()
        if not file.exists():
            file.write_bytes(data)
            written += 1
summary = ", ".join(f"{t} {len(d)}" for t, d in sorted(seeds.items())) or "none"
print(f"fuzz: seeds from {count} vector cases: {summary} ({written} new files)")
PY

# ---- run -------------------------------------------------------------------------------
mkdir -p "$LOG_DIR"
failed=()
results=()
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  logfile="$LOG_DIR/$t.log"
  log "running $t for ${SECONDS_PER_TARGET} s"
  run_start=$SECONDS
  status=0
  cargo +nightly fuzz run "$t" -- \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=20 -print_final_stats=1 \
    </dev/null >"$logfile" 2>&1 || status=$?
  took=$((SECONDS - run_start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$logfile" | tail -n 1)
  if [ -z "$execs" ]; then
    execs=$(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p; s/^Done \([0-9]*\) runs.*/\1/p' "$logfile" | tail -n 1)
  fi
  corpus_size=$(find "corpus/$t" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    results+=("$(printf '%-24s %12s execs  %4d s  corpus %6d  ok' "$t" "${execs:-?}" "$took" "$corpus_size")")
  else
    results+=("$(printf '%-24s %12s execs  %4d s  corpus %6d  CRASH (exit %d)' "$t" "${execs:-?}" "$took" "$corpus_size" "$status")")
    failed+=("$t")
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$logfile" | tail -n 1)
    echo "---- $t crashed (exit $status); log: $logfile" >&2
    grep -E "panicked at|^(ERROR|SUMMARY): |==[0-9]+==ERROR" -A 3 "$logfile" | head -n 20 >&2 || true
    if [ -n "$artifact" ]; then
      case "$artifact" in /*) ;; *) artifact="$FUZZ_DIR/$artifact" ;; esac
      echo "artifact: $artifact" >&2
      echo "reproduce: (cd fuzz && cargo +nightly fuzz run $t $artifact)" >&2
      echo "minimise:  (cd fuzz && cargo +nightly fuzz tmin $t $artifact)" >&2
    else
      tail -n 30 "$logfile" >&2
    fi
  fi
done

echo "fuzz: results (${SECONDS_PER_TARGET} s per target, total $((SECONDS - START)) s):"
printf '  %s\n' "${results[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  log "FAILED: ${failed[*]}" >&2
  exit 1
fi
log "no crashes"
