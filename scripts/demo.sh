#!/usr/bin/env bash
# The main job, for now: build the `mox` CLI and show the OSC codec at work on sample
# packets (decode and pretty-print, JSON form, encode, a malformed packet, pattern matching),
# the SysEx toolkit on a MIDI byte stream (realtime inside SysEx, running status, an aborted
# SysEx), 7-bit packing, a Roland checksum, chunking and USB-MIDI/UMP packets, the MOX
# envelope (a fader message decoded by a 1.1 and a 1.0 receiver, encoded with seeded
# GREASE, bridged SysEx -> OSC -> SysEx), the reference extension schemas, a negotiation
# between two machines over a lossy simulated link with a reboot, then check the golden
# vector corpus (negotiation transcripts included). Once the reference node exists this becomes the
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

# SysEx: an Identity Request with a clock byte inside, a Note On and one with running
# status, then a SysEx aborted by a Control Change.
show sysex decode "f0 7e 7f f8 06 01 f7 90 3c 40 3e 40 f0 41 10 b0 07 64"
show sysex pack -e mcoded7 cafebabebaadf00dfacade42
show sysex checksum -a twos-complement-sum 1800020364   # Roland's manual example: 7f
show sysex split --max-sysex 24 --overhead 5 --transfer-id 9 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
show sysex usb encode "f0 01 f8 02 03 04 f7 c0 05"
show sysex ump encode "f0 7e 7f 06 01 f7 90 3c 40"

# The MOX envelope: spec §4.9's mox.fader 1.1 message (strip 3, position 8192, colour).
FADER=f07d4d4f58017e010101010001030802004020037f20002144f7
RECEIVERS=vectors/envelope/sysex.json
show envelope decode --receiver "$RECEIVERS" --receiver-name spec-fader-1.1 "$FADER"
# A 1.0 receiver does not know colour (added in 1.1): skipped, kept for forwarding.
show envelope decode --receiver "$RECEIVERS" --receiver-name fader-1.0 "$FADER"
# The same message encoded with GREASE from a fixed seed (reproducible bytes).
show envelope encode --grease-seed 7 '{"header": {"owner": "7e", "number": 1, "major": 1,
  "minor": 1, "type": 1, "check": true}, "fields": [{"id": 0, "value": "03"},
  {"id": 8, "value": "0040"}, {"id": 32, "value": "7f2000"}]}'
# Bridged to OSC and back: the body is carried byte for byte.
OSC=$("$mox" bridge sysex-to-osc "$FADER")
echo; echo "\$ mox bridge sysex-to-osc $FADER"; echo "$OSC"
show bridge osc-to-sysex --carrier 7d "$OSC"
# The fallback a peer without MOX gets (from the code generated from the schema), and the
# OSC bundle group that carries both.
show bridge fallback "$FADER"
show bridge sysex-to-osc --with-fallback "$FADER"

# The reference extensions: schema check and the rendered reference page's first lines.
show schema check spec/extensions/mox.fader.toml
echo; echo "\$ mox schema doc spec/extensions/mox.grid.toml | head -12"
"$mox" schema doc spec/extensions/mox.grid.toml | head -12

# Negotiation (spec chapter 8): two machines over a link that loses 30 % of the bodies; B
# reboots at 1.5 s and A finds it again (PeerRebooted). Fast timers keep it short.
show negotiate --simulate --seed 7 --loss 30 --reboot-b 1500 --timers fast --duration 4000

show vectors check
