#!/usr/bin/env bash
# The main job, for now: build the `mox` CLI and show the OSC codec at work on sample
# packets (decode and pretty-print, JSON form, encode, a malformed packet, pattern matching),
# then check the golden vector corpus. Once the reference node exists this becomes the
# conformance demo against it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh --minimal >/dev/null
cargo build -q --release -p mox-conformance --locked
mox=target/release/mox

show() { echo; echo "\$ mox $*"; "$mox" "$@" || echo "(exit code $?)"; }

# /feeooblah ,sif "beans" 1 2.0 — the packet every OSC benchmark starts with.
FEEOOBLAH=2f6665656f6f626c61680000 # "/feeooblah" + padding
FEEOOBLAH+=2c73696600000000         # ",sif"
FEEOOBLAH+=6265616e73000000         # "beans"
FEEOOBLAH+=0000000140000000         # 1, 2.0
show osc decode --format text "$FEEOOBLAH"
show osc decode "$FEEOOBLAH"

# A bundle (timetag "immediately") holding a fader move and a nested bundle with a colour.
BUNDLE=$("$mox" osc encode '{"bundle": {"timetag": {"seconds": 0, "fraction": 1}, "elements": [
  {"message": {"address": "/strip/1/fader", "args": [{"type": "f", "bits": "3f400000"}]}},
  {"bundle": {"timetag": {"seconds": 0, "fraction": 1}, "elements": [
    {"message": {"address": "/strip/1/ring", "args": [{"type": "i", "value": 42},
      {"type": "r", "rgba": [255, 128, 0, 255]}]}}]}}]}}')
echo; echo "\$ mox osc encode '{\"bundle\": …}'"; echo "$BUNDLE"
show osc decode --format text "$BUNDLE"

# A malformed packet: the second argument's string has no terminating NUL.
show osc decode --format text 2f6100002c6973000000000761626364

show osc match '/strip/{1,2}/fad*' /strip/2/fader
show osc match '//fader' /mixer/strip/7/fader
show osc match '/strip/[!0-9]' /strip/7

show vectors check
