#!/usr/bin/env python3
"""Generates the SysEx vector files (vectors/sysex/*.json) from reference encoders written here
from the MIDI 1.0, USB-MIDI 1.0 and UMP specifications and the vendor documents cited in each
case's `source` (independent of the Rust code: never regenerate these from mox-codec's output).
Run from anywhere:
    python3 vectors/tools/gen_sysex.py"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
VERSION = json.loads((ROOT / "manifest.json").read_text())["corpus_version"]


def h(s):
    return bytes.fromhex(s.replace(" ", ""))


def x(b):
    return bytes(b).hex()


FILES = {}


def case(area, name, kind, desc, source, fields, expected):
    c = {"id": f"sysex::{area}::{name}", "description": desc, "source": source, "kind": kind}
    c.update(fields)
    c["expected"] = expected
    FILES.setdefault(area, []).append(c)


def valid(value):
    return {"result": "valid", "value": value}


def invalid(cls):
    return {"result": "invalid", "error": cls}


# --------------------------------------------------------------------------------------------
# Sources
MIDI10 = "MIDI 1.0 Detailed Specification 4.2.1 (AMEI/MMA), System Exclusive Messages"
MIDI10_TABLE = "MIDI 1.0 Detailed Specification 4.2.1, Table I 'Summary of Status Bytes'"
MIDI10_RT = "MIDI 1.0 Detailed Specification 4.2.1, System Real Time Messages: may be sent at any time, even between the bytes of another message"
MIDI10_EOX = "MIDI 1.0 Detailed Specification 4.2.1: EOX or any other status byte (except real-time) terminates a System Exclusive message"
MIDI10_RS = "MIDI 1.0 Detailed Specification 4.2.1, Running Status: cleared by System Exclusive and System Common, unaffected by Real Time"
MANUF = "MIDI Manufacturers Association, Manufacturer SysEx ID Numbers: 1-byte 01-7C, 3-byte 00 xx yy, 7D non-commercial, 7E/7F Universal"
UNIV = "MIDI 1.0 Detailed Specification 4.2.1, Universal System Exclusive: F0 7E|7F <device id> <sub-id#1> <sub-id#2> ... F7"
BRIEF_SYSEX = "BRIEF pitfalls: realtime inside SysEx passes through; other status aborts; duplicate F7; missing F7"
AM24 = "AM_MIDI2.0Lib #24 and microsoft/MIDI #375 (realtime byte inside SysEx mishandled)"
AM36 = "AM_MIDI2.0Lib #36 (duplicate F7)"
MCODED7 = "MIDI-CI M2-101-UM / Property Exchange M2-103-UM 'Mcoded7' (MMA Sample Dump packing): header bit 6 = first byte's MSB; Arduino MIDI library doc/sysex-codec.md"
REVERSED = "Korg 7-bit packing (KARMA MIDI implementation, 'DATA FORMAT': b7 of data 1 in bit 0 of the header byte); M-Audio; BRIEF pitfall: bit order"
NIBBLE_HI = "Nibble split, high nibble first (e.g. Casio VZ-1, Yamaha voice dumps); BRIEF pitfall: nibble order"
NIBBLE_LO = "Nibble split, low nibble first (e.g. Logic 'Nibbles LSB first', Yamaha TX81Z-era bulk ASCII); BRIEF pitfall: nibble order"
ROLAND = "Roland JD-Xi / SH-01 MIDI implementation, 'Example of an Exclusive message and calculating a Checksum': 18 00 02 03 64 -> 7F"
USBMIDI = "USB Device Class Definition for MIDI Devices 1.0 (1999), §4 USB-MIDI Event Packets, Table 4-1 Code Index Number Classifications"
UMP = "Universal MIDI Packet (UMP) Format and MIDI 2.0 Protocol 1.1, §7.7 System Exclusive (7-bit) Messages (message type 0x3)"
SYX = "Standard .syx file: SysEx messages F0..F7 concatenated with nothing between (amidi -s, MIDI-OX, librarians)"
MOX_STRICT = "MOX decision: strict by default (codec/src/sysex)"


# --------------------------------------------------------------------------------------------
# 7-bit encodings of 8-bit data
def mcoded7(data, reversed_header=False):
    out = bytearray()
    for i in range(0, len(data), 7):
        group = data[i:i + 7]
        header = 0
        for j, b in enumerate(group):
            if b & 0x80:
                header |= 1 << (j if reversed_header else 6 - j)
        out.append(header)
        out += bytes(b & 0x7F for b in group)
    return bytes(out)


def nibbles(data, high_first):
    out = bytearray()
    for b in data:
        hi, lo = b >> 4, b & 0x0F
        out += bytes([hi, lo] if high_first else [lo, hi])
    return bytes(out)


ENCODINGS = {
    "mcoded7": (lambda d: mcoded7(d), MCODED7),
    "mcoded7-reversed": (lambda d: mcoded7(d, True), REVERSED),
    "nibbles-high-first": (lambda d: nibbles(d, True), NIBBLE_HI),
    "nibbles-low-first": (lambda d: nibbles(d, False), NIBBLE_LO),
}


def pack(name, enc, desc, data, source=None):
    fn, src = ENCODINGS[enc]
    out = fn(data)
    case("sevenbit", f"{enc}-{name}-encode", "sysex-7bit", desc + " (encode)", source or src,
         {"encoding": enc, "direction": "encode", "input": x(data)}, valid(x(out)))
    case("sevenbit", f"{enc}-{name}-decode", "sysex-7bit", desc + " (decode)", source or src,
         {"encoding": enc, "direction": "decode", "input": x(out)}, valid(x(data)))


def unpack_bad(enc, name, desc, data, cls, source=None):
    case("sevenbit", f"{enc}-{name}", "sysex-7bit", desc, source or ENCODINGS[enc][1] + " | " + MOX_STRICT,
         {"encoding": enc, "direction": "decode", "input": x(data)}, invalid(cls))


SEVEN = h("81 02 83 04 85 06 87")  # alternating MSBs: bit order is visible
for enc in ENCODINGS:
    pack("empty", enc, "Zero bytes encode to zero bytes", b"")
    pack("one-byte-msb", enc, "One byte 0x80: only the MSB set", h("80"))
    pack("one-byte-7bit", enc, "One byte 0x7F: no MSB", h("7f"))
    pack("alternating-msbs", enc, "Seven bytes with MSBs 1,0,1,0,1,0,1 pin the header bit order", SEVEN)
    pack("full-and-short-group", enc, "Ten bytes: one full group of seven and a short group of three", h("ff 00 80 7f 01 fe 40 c0 33 aa"))
    pack("all-ones", enc, "Seven 0xFF bytes", h("ff") * 7)
for enc in ("mcoded7", "mcoded7-reversed"):
    pack("first-msb-only", enc, "Only the first byte of a group has its MSB set: header 0x40 (MSB-header) vs 0x01 (reversed)", h("80 01 02 03 04 05 06"))
    pack("last-msb-only", enc, "Only the seventh byte of a group has its MSB set: header 0x01 (MSB-header) vs 0x40 (reversed)", h("00 01 02 03 04 05 86"))
    pack("two-full-groups", enc, "Fourteen bytes: exactly two full groups", bytes(range(0x78, 0x86)))
    unpack_bad(enc, "header-only-group", "A final group of a header alone carries no byte: impossible length", h("00 01 02 03 04 05 06 07 00"), "header-without-data")
    unpack_bad(enc, "non-7bit-header", "A header byte with bit 7 set is not 7-bit", h("80 01"), "not-seven-bit")
    unpack_bad(enc, "non-7bit-data", "A data byte with bit 7 set is not 7-bit", h("00 01 82"), "not-seven-bit")
    unpack_bad(enc, "header-bit-beyond-short-group", "The header of a two-byte final group flags a third byte that does not exist", h("7f 01 02"), "nonzero-unused-header-bits")
for enc in ("nibbles-high-first", "nibbles-low-first"):
    pack("nibble-order", enc, "0x12 0xAB pin which nibble comes first", h("12 ab"))
    unpack_bad(enc, "odd-length", "An odd number of nibbles cannot form whole bytes", h("01 02 03"), "odd-nibble-count")
    unpack_bad(enc, "not-a-nibble", "A byte above 0x0F is not a nibble", h("01 10"), "nibble-out-of-range")
    unpack_bad(enc, "non-7bit", "A byte with bit 7 set is not 7-bit", h("01 80"), "not-seven-bit")
case("sevenbit", "mcoded7-published-example", "sysex-7bit",
     "CAFEBABE BAADF00D FACADE42 -> 7F 4A 7E 3A 3E 3A 2D 70 38 0D 7A 4A 5E 42 (the Arduino page's own example shows header 07 for both groups, which contradicts its encoder; this is the encoder's output, worked by hand)",
     MCODED7, {"encoding": "mcoded7", "direction": "encode", "input": "cafebabebaadf00dfacade42"}, valid("7f4a7e3a3e3a2d70380d7a4a5e42"))
assert mcoded7(h("cafebabebaadf00dfacade42")) == h("7f4a7e3a3e3a2d70380d7a4a5e42")
case("sevenbit", "mcoded7-reversed-m-audio-example", "sysex-7bit",
     "M-Audio Black Box guide: a two-byte group 85 06 packs as header 000000BA = 01, then 05 06",
     REVERSED.replace("Korg 7-bit packing", "M-Audio Black Box guide ('0GFEDCBA'); Korg 7-bit packing"), {"encoding": "mcoded7-reversed", "direction": "encode", "input": "8506"}, valid("010506"))
# Exact bytes for the bit order, written out by hand (not through the reference function).
case("sevenbit", "mcoded7-worked-example", "sysex-7bit",
     "Hand-worked: 81 02 83 -> header 0b0101_0000 (bit 6 = first MSB, bit 4 = third) then 01 02 03",
     MCODED7, {"encoding": "mcoded7", "direction": "encode", "input": "810283"}, valid("50010203"))
case("sevenbit", "mcoded7-reversed-worked-example", "sysex-7bit",
     "Hand-worked: 81 02 83 -> header 0b0000_0101 (bit 0 = first MSB, bit 2 = third) then 01 02 03",
     REVERSED, {"encoding": "mcoded7-reversed", "direction": "encode", "input": "810283"}, valid("05010203"))


# --------------------------------------------------------------------------------------------
# Checksums
def roland(data):
    return (128 - sum(data) % 128) % 128


def checksum(name, alg, desc, data, value, source):
    case("checksum", f"{alg}-{name}", "sysex-checksum", desc, source,
         {"algorithm": alg, "input": x(data)}, valid(f"{value:02x}"))


ROLAND_MANUALS = "Roland MIDI implementations (JD-Xi, XV-88, XP-30, TD-27): 'Example of an Exclusive message and calculating a Checksum'"
YAMAHA = "Yamaha 02R / AW16G MIDI data format: checksum = (-sum) & 0x7F (two's complement of the 7-bit sum)"
SUM7 = "Waldorf Blofeld SysEx documentation: 'sum of all databytes truncated to 7 bits'; Oberheim Matrix-6 (hand-worked value)"
XOR7 = "MMA Sample Dump Standard, data packet checksum: XOR of 7E <dev> 02 <pp> and the 120 data bytes (hand-worked value)"
checksum("roland-jd-xi", "twos-complement-sum", "JD-Xi manual: address 18 00 02 03, data 64 -> 7F", h("18 00 02 03 64"), 0x7F, ROLAND)
checksum("roland-xv-88", "twos-complement-sum", "XV-88 manual example: 10 00 04 00 02 -> 6A", h("10 00 04 00 02"), 0x6A, ROLAND_MANUALS)
checksum("roland-xp-30", "twos-complement-sum", "XP-30 manual example: 01 00 00 28 06 -> 51", h("01 00 00 28 06"), 0x51, ROLAND_MANUALS)
checksum("roland-td-27-dt1", "twos-complement-sum", "TD-27 manual DT1 example: 04 01 01 01 00 05 -> 74", h("04 01 01 01 00 05"), 0x74, ROLAND_MANUALS)
checksum("roland-td-27-rq1", "twos-complement-sum", "TD-27 manual RQ1 example: 04 01 41 01 00 00 00 01 -> 38", h("04 01 41 01 00 00 00 01"), 0x38, ROLAND_MANUALS)
checksum("remainder-zero", "twos-complement-sum", "A sum that is 0 mod 128 gives checksum 00, not 80 (TD-27 manual states it)", h("40 40"), 0x00, ROLAND_MANUALS)
checksum("empty", "twos-complement-sum", "No bytes: checksum 00", b"", 0, ROLAND)
checksum("large-sum", "twos-complement-sum", "Nine 7F bytes: a sum above 255 (no 8-bit truncation error): 9*127 = 1143, 1143 mod 128 = 119, 128-119 = 09", h("7f") * 9, 0x09, ROLAND)
checksum("yamaha", "twos-complement-sum", "Yamaha uses the same rule: 43 10 4C 00 00 7E 00 sums to 0x11D, checksum 63", h("43 10 4c 00 00 7e 00"), 0x63, YAMAHA)
checksum("sum-simple", "sum", "Plain 7-bit sum: 10 20 30 -> 60", h("10 20 30"), 0x60, SUM7)
checksum("sum-wraps", "sum", "Plain 7-bit sum wraps mod 128: 7F 7F 03 -> 01", h("7f 7f 03"), 0x01, SUM7)
checksum("xor-sds-packet", "xor", "SDS data packet header 7E 00 02 00 and 120 zero bytes: XOR = 7C", h("7e 00 02 00") + bytes(120), 0x7C, XOR7)
checksum("xor-simple", "xor", "XOR of 01 02 04 -> 07", h("01 02 04"), 0x07, XOR7)
assert roland(h("18 00 02 03 64")) == 0x7F and roland(h("10 00 04 00 02")) == 0x6A and roland(h("01 00 00 28 06")) == 0x51
assert roland(h("04 01 01 01 00 05")) == 0x74 and roland(h("04 01 41 01 00 00 00 01")) == 0x38 and roland(h("7f") * 9) == 0x09
assert roland(h("43 10 4c 00 00 7e 00")) == 0x63


# --------------------------------------------------------------------------------------------
# Framing
def frame(name, desc, data, expected, source=MIDI10):
    case("message", name, "sysex-message", desc, source, {"hex": x(data)}, expected)


def msg(manufacturer, payload):
    return valid({"manufacturer": x(manufacturer), "payload": x(payload)})


frame("one-byte-id", "Roland (41) one-byte id with a DT1 body", h("f0 41 10 42 12 40 00 7f 00 41 f7"), msg(h("41"), h("10 42 12 40 00 7f 00 41")), MANUF)
frame("three-byte-id", "Three-byte id 00 20 29 (Focusrite/Novation)", h("f0 00 20 29 02 0a 01 f7"), msg(h("00 20 29"), h("02 0a 01")), MANUF)
frame("non-commercial", "7D is the non-commercial/educational id", h("f0 7d 01 02 03 f7"), msg(h("7d"), h("01 02 03")), MANUF)
frame("universal-non-realtime", "Identity Request: F0 7E 7F 06 01 F7", h("f0 7e 7f 06 01 f7"), msg(h("7e"), h("7f 06 01")), UNIV)
frame("universal-realtime", "MIDI Time Code full message: F0 7F 7F 01 01 hr mn sc fr F7", h("f0 7f 7f 01 01 20 00 00 00 f7"), msg(h("7f"), h("7f 01 01 20 00 00 00")), UNIV)
frame("empty-payload", "A manufacturer id and nothing else", h("f0 41 f7"), msg(h("41"), b""), MANUF)
frame("three-byte-id-empty-payload", "A three-byte id and nothing else", h("f0 00 00 41 f7"), msg(h("00 00 41"), b""), MANUF)
frame("empty", "No bytes at all", b"", invalid("empty"))
frame("missing-start", "Data that does not start with F0", h("41 10 f7"), invalid("missing-start"))
frame("missing-end", "F0 and data without the closing F7", h("f0 41 10 42"), invalid("missing-end"), BRIEF_SYSEX)
frame("no-manufacturer", "F0 F7: no manufacturer id", h("f0 f7"), invalid("missing-manufacturer"))
frame("truncated-three-byte-id", "00 starts a three-byte id but only one more byte follows", h("f0 00 20 f7"), invalid("truncated-manufacturer"), MANUF)
frame("non-7bit-data", "A data byte with bit 7 set inside F0..F7", h("f0 41 10 80 f7"), invalid("not-seven-bit"), MIDI10)
frame("status-inside", "A status byte (90) inside F0..F7 is not data", h("f0 41 90 3c f7"), invalid("not-seven-bit"), MIDI10_EOX)
frame("realtime-inside", "A realtime byte inside a framed message is not part of it (a stream parser removes it first)", h("f0 41 f8 10 f7"), invalid("not-seven-bit"), MIDI10_RT + " | " + MOX_STRICT)
frame("double-end", "F7 F7: the message ends at the first F7; the second is trailing data", h("f0 41 10 f7 f7"), invalid("trailing-data"), AM36)
frame("trailing-bytes", "Bytes after the closing F7 are not part of the message", h("f0 41 10 f7 00"), invalid("trailing-data"))


# --------------------------------------------------------------------------------------------
# Byte-stream reassembly (the runner ends the stream after the last chunk). Expected events are written by hand from the MIDI 1.0 rules quoted in
# each source, not computed.
def stream(name, desc, chunks, events, buffer_size=256, source=MIDI10):
    case("stream", name, "sysex-stream", desc, source,
         {"buffer_size": buffer_size, "chunks": [x(c) for c in chunks]}, valid(events))


def sx(s):
    return {"sysex": s.replace(" ", "")}


def mm(s):
    return {"message": s.replace(" ", "")}


def rt(s):
    return {"realtime": s}


def oc(c):
    return {"outcome": c}


stream("complete-sysex", "One complete SysEx message", [h("f0 7d 01 02 f7")], [sx("f07d0102f7")])
stream("sysex-split-across-chunks", "A SysEx arriving in three reads is delivered once, whole", [h("f0 7d"), h("01 02"), h("03 f7")], [sx("f07d010203f7")])
stream("sysex-byte-at-a-time", "A SysEx fed one byte per read", [bytes([b]) for b in h("f0 7d 01 02 03 04 f7")], [sx("f07d01020304f7")])
stream("empty-sysex", "F0 F7 is delivered as a (framing-invalid) two-byte SysEx; the stream parser does not judge manufacturer ids", [h("f0 f7")], [sx("f0f7")])
stream("realtime-inside-sysex", "A clock byte inside a SysEx is delivered at once and the SysEx continues", [h("f0 7d 01 f8 02 f7")], [rt("f8"), sx("f07d0102f7")], source=MIDI10_RT + " | " + AM24)
stream("every-realtime-inside-sysex", "All eight realtime bytes F8-FF (undefined F9/FD and Reset FF included) pass through a SysEx without ending it", [h("f0 7d 01 f8 f9 fa fb fc fd fe ff 02 f7")], [rt("f8"), rt("f9"), rt("fa"), rt("fb"), rt("fc"), rt("fd"), rt("fe"), rt("ff"), sx("f07d0102f7")], source=MIDI10_RT)
stream("realtime-split-sysex-chunks", "A realtime byte alone in a read between two parts of a SysEx", [h("f0 7d 01"), h("fe"), h("02 f7")], [rt("fe"), sx("f07d0102f7")], source=MIDI10_RT)
stream("aborted-by-note-on", "A Note On status inside an unterminated SysEx aborts it (reported) and is itself delivered", [h("f0 7d 01 02 90 3c 40")], [oc("sysex-aborted"), mm("90 3c 40")], source=MIDI10_EOX + " | " + BRIEF_SYSEX)
stream("aborted-by-new-sysex", "An F0 inside an unterminated SysEx aborts the first and starts the second", [h("f0 7d 01 f0 7d 02 f7")], [oc("sysex-aborted"), sx("f07d02f7")], source=MIDI10_EOX + " | " + BRIEF_SYSEX)
stream("aborted-by-system-common", "A Song Select (F3) inside an unterminated SysEx aborts it", [h("f0 7d 01 f3 05")], [oc("sysex-aborted"), mm("f3 05")], source=MIDI10_EOX)
stream("stray-end", "An F7 with no SysEx open is reported and otherwise ignored", [h("f7 90 3c 40")], [oc("stray-end"), mm("90 3c 40")], source=BRIEF_SYSEX)
stream("duplicate-end", "F7 F7: the SysEx is delivered once, the second F7 is reported", [h("f0 7d 01 f7 f7")], [sx("f07d01f7"), oc("stray-end")], source=AM36)
stream("exact-fit", "A 5-byte SysEx in a 5-byte buffer fits exactly", [h("f0 7d 01 02 f7")], [sx("f07d0102f7")], buffer_size=5)
stream("overflow-by-one", "A 5-byte SysEx in a 4-byte buffer overflows: reported once, the rest discarded up to F7", [h("f0 7d 01 02 f7")], [oc("sysex-overflow")], buffer_size=4)
stream("overflow-reported-once", "A long SysEx overflowing a small buffer is reported once, not per byte", [h("f0") + bytes(range(1, 40)) + h("f7")], [oc("sysex-overflow")], buffer_size=8)
stream("overflow-realtime-keeps-flowing", "Realtime bytes inside an overflowing SysEx are still delivered", [h("f0 01 02 03 04 05 f8 06 07 fa f7")], [oc("sysex-overflow"), rt("f8"), rt("fa")], buffer_size=4)
stream("overflow-then-status", "After an overflow, a status byte ends the discarding and is delivered", [h("f0 01 02 03 04 05 06 90 3c 40")], [oc("sysex-overflow"), mm("90 3c 40")], buffer_size=4)
stream("overflow-then-next-sysex", "After an overflowed SysEx ends, the next SysEx is delivered normally", [h("f0 01 02 03 04 05 f7 f0 7d 01 f7")], [oc("sysex-overflow"), sx("f07d01f7")], buffer_size=4)
stream("running-status", "90 3C 40 3E 40: the second Note On uses running status and is delivered with its status", [h("90 3c 40 3e 40")], [mm("90 3c 40"), mm("90 3e 40")], source=MIDI10_RS)
stream("running-status-one-data-byte", "Program Change with running status: C0 01 02", [h("c0 01 02")], [mm("c0 01"), mm("c0 02")], source=MIDI10_RS)
stream("running-status-across-realtime", "A realtime byte between the data bytes of a message is delivered first; the message completes", [h("90 3c f8 40")], [rt("f8"), mm("90 3c 40")], source=MIDI10_RT + " | " + MIDI10_RS)
stream("running-status-survives-realtime", "Realtime does not cancel running status", [h("90 3c 40 fe 3e 40")], [mm("90 3c 40"), rt("fe"), mm("90 3e 40")], source=MIDI10_RS)
stream("running-status-cancelled-by-sysex", "A SysEx cancels running status: data bytes after it are stray", [h("90 3c 40 f0 7d 01 f7 3e 40")], [mm("90 3c 40"), sx("f07d01f7"), oc("stray-data"), oc("stray-data")], source=MIDI10_RS)
stream("running-status-cancelled-by-system-common", "Tune Request (F6) cancels running status", [h("90 3c 40 f6 3e 40")], [mm("90 3c 40"), mm("f6"), oc("stray-data"), oc("stray-data")], source=MIDI10_RS)
stream("stray-data-at-start", "Data bytes before any status are reported one event per byte (so events do not depend on chunking), then the stream recovers", [h("01 02 03 90 3c 40")], [oc("stray-data"), oc("stray-data"), oc("stray-data"), mm("90 3c 40")], source=MIDI10_RS + " | " + MOX_STRICT)
stream("system-common-lengths", "MTC quarter frame F1 (1 data byte), Song Position F2 (2), Song Select F3 (1), Tune Request F6 (0)", [h("f1 23 f2 10 20 f3 05 f6")], [mm("f1 23"), mm("f2 10 20"), mm("f3 05"), mm("f6")], source=MIDI10_TABLE)
stream("undefined-system-common", "Undefined F4 and F5 are reported once each and cancel running status; the data bytes after them are dropped with them", [h("90 3c 40 f4 3e 40 f5")], [mm("90 3c 40"), oc("undefined-status"), oc("undefined-status")], source=MIDI10_TABLE + " | " + MOX_STRICT)
stream("message-cut-by-status", "A Note On missing its second data byte, cut by a Control Change: the partial message is dropped (reported) and the CC delivered", [h("90 3c b0 07 64")], [oc("truncated-message"), mm("b0 07 64")], source=MIDI10 + " | " + MOX_STRICT)
stream("unterminated-at-end", "The stream ends inside a SysEx: reported when the stream ends (with the bytes so far), never completed with an invented F7", [h("90 3c 40 f0 7d 01 02")], [mm("90 3c 40"), oc("unterminated-sysex")], source=BRIEF_SYSEX + " | " + MOX_STRICT)
stream("incomplete-at-end", "The stream ends after a Note On's first data byte: the message is reported as truncated", [h("90 3c")], [oc("truncated-message")], source=MOX_STRICT)
stream("overflowed-at-end", "A SysEx that overflowed and never ended: the overflow was reported once, the end adds nothing", [h("f0 01 02 03 04 05 06")], [oc("sysex-overflow")], buffer_size=4, source=MOX_STRICT)
LONE = MIDI10 + " | " + MOX_STRICT + " (a status byte with none of its data bytes is an incomplete message)"
stream("lone-status-cut-by-status", "A Note On status with no data, then a Note Off: the lone status is reported as truncated, the Note Off delivered", [h("90 80 3c 00")], [oc("truncated-message"), mm("80 3c 00")], source=LONE)
stream("lone-status-across-realtime", "A realtime byte after a lone Program Change status changes nothing; the Tune Request then truncates it", [h("c5 f8 f6")], [rt("f8"), oc("truncated-message"), mm("f6")], source=LONE)
stream("running-status-then-status", "A running status left set after a complete message is not an incomplete message", [h("90 3c 40 80 3c 00")], [mm("90 3c 40"), mm("80 3c 00")], source=LONE)
stream("lone-status-at-end", "The stream ends after a lone status byte: truncated", [h("90 3c 40 91")], [mm("90 3c 40"), oc("truncated-message")], source=LONE)
stream("sysex-end-cancels-nothing-else", "A SysEx between two channel messages with their own status bytes", [h("b0 07 64 f0 7d 01 f7 c0 05")], [mm("b0 07 64"), sx("f07d01f7"), mm("c0 05")])


# --------------------------------------------------------------------------------------------
# Chunking (spec/mox.md chapter 11). Reference splitter written from MOX-CHK-001/002/010-012/021;
# reassembly transcripts written by hand from the receiver table in §11.5.
def u14(v):
    return bytes([v & 0x7F, (v >> 7) & 0x7F])


def chunk_header(tid, total, number, length):
    return bytes([tid]) + u14(total) + u14(number) + u14(length)


def split(payload, tid, max_sysex, overhead, streaming=False):
    cap = min(max_sysex - overhead - 7, 16383)
    n = max(1, -(-len(payload) // cap))
    out = []
    for i in range(n):
        part = payload[i * cap:(i + 1) * cap]
        number = i + 1
        total = (number if number == n else 0) if streaming else n
        out.append(chunk_header(tid, total, number, len(part)) + part)
    return out


CHK = "spec/mox.md §11 (Chunking)"


def chunk_split(name, desc, payload, max_sysex, overhead, req, tid=0, streaming=False, expected=None):
    fields = {"transfer_id": tid, "max_sysex": max_sysex, "overhead": overhead, "payload": x(payload)}
    if streaming:
        fields["streaming"] = True
    exp = expected or valid([x(c) for c in split(payload, tid, max_sysex, overhead, streaming)])
    case("chunk", f"split-{name}", "sysex-chunk-split", desc, f"{CHK}, {req}", fields, exp)


P40 = bytes(range(0x10, 0x38))  # 40 7-bit bytes
chunk_split("header-example", "The spec's header example: transfer 05, total 300, chunk 129, length 16383 encodes as 05 2C 02 01 01 7F 7F (checked by the generator)", b"\x01", 16, 0, "MOX-CHK-002", tid=5)
assert chunk_header(5, 300, 129, 16383) == h("05 2c 02 01 01 7f 7f")
chunk_split("one-chunk", "A payload that fits is one chunk: number 1, total 1", P40[:5], 128, 10, "MOX-CHK-020")
chunk_split("exact-multiple", "40 bytes at L = 10 (max 20, overhead 3): four full chunks, total 4", P40, 20, 3, "MOX-CHK-021")
chunk_split("short-last", "40 bytes at L = 12: three chunks of 12 and a last of 4", P40, 22, 3, "MOX-CHK-021")
chunk_split("streaming", "A streaming sender puts total 0 in every chunk but the last, whose total is its own number", P40, 22, 3, "MOX-CHK-012", streaming=True)
chunk_split("empty-payload", "An empty message is one chunk of length 0", b"", 64, 3, "MOX-CHK-021")
chunk_split("transfer-id", "The transfer id is the first header byte of every chunk", P40[:20], 20, 3, "MOX-CHK-001", tid=0x7F)
chunk_split("length-capped-14-bit", "L is capped at 16383 even when the peer accepts more", bytes([0x11]) * 16390, 20000, 3, "MOX-CHK-021")
chunk_split("max-too-small", "A maximum that leaves no room for payload after framing and the 7-byte header is refused", P40, 10, 3, "MOX-CHK-022", expected=invalid("max-size-too-small"))
chunk_split("too-many-chunks", "16384 chunks of one byte would be needed: refused", bytes(16384), 11, 3, "MOX-CHK-022", expected=invalid("too-many-chunks"))
chunk_split("non-7bit-payload", "Chunk payloads carry only 7-bit bytes", h("01 80 02"), 64, 3, "MOX-CHK-024", expected=invalid("payload-not-seven-bit"))


def reasm(name, desc, steps, results, req, config=None):
    fields = {}
    if config:
        fields["config"] = config
    fields["steps"] = steps
    case("chunk", f"reassemble-{name}", "sysex-chunk-reassemble", desc, f"{CHK}, {req}", fields, valid(results))


def st(at, chunk, sender=0):
    return {"at": at, "sender": sender, "chunk": x(chunk)}


def exp(at):
    return {"expire": at}


C = split(P40, 1, 22, 3)            # 4 chunks: 12, 12, 12, 4
S = split(P40, 1, 22, 3, True)      # the same, streaming
ACC, RST = {"outcome": "chunk-accepted"}, {"outcome": "transfer-restarted"}
def done(p): return {"complete": x(p)}
def err(c): return {"error": c}

reasm("in-order", "Four chunks in order: three accepted, the last completes with the whole payload", [st(0, c) for c in C], [ACC, ACC, ACC, done(P40)], "MOX-CHK-043")
reasm("streaming", "A streaming transfer completes at the chunk whose number equals its total", [st(0, c) for c in S], [ACC, ACC, ACC, done(P40)], "MOX-CHK-012")
reasm("one-chunk", "A one-chunk transfer is delivered at once", [st(0, split(P40[:5], 2, 128, 3)[0])], [done(P40[:5])], "MOX-CHK-044")
reasm("duplicate-ignored", "A retransmitted chunk 2 is ignored and reported; the transfer completes", [st(0, C[0]), st(1, C[1]), st(2, C[1]), st(3, C[2]), st(4, C[3])], [ACC, ACC, err("chunk-duplicate"), ACC, done(P40)], "MOX-CHK-032")
reasm("missing-chunk", "Chunk 3 arrives after chunk 1: chunk 2 was lost, the transfer is discarded, the rest is out of sequence", [st(0, C[0]), st(1, C[2]), st(2, C[3])], [ACC, err("chunk-missing"), err("chunk-out-of-sequence")], "MOX-CHK-034, MOX-CHK-035")
reasm("out-of-sequence", "A chunk 2 with no transfer in flight is ignored", [st(0, C[1])], [err("chunk-out-of-sequence")], "MOX-CHK-035")
reasm("abandon", "An abandon chunk (number 0) discards the transfer; its later chunks are out of sequence", [st(0, C[0]), st(1, chunk_header(1, 0, 0, 0)), st(2, C[1])], [ACC, err("transfer-abandoned"), err("chunk-out-of-sequence")], "MOX-CHK-014, MOX-CHK-042")
reasm("restart", "A different chunk 1 under the same key restarts the transfer", [st(0, C[0]), st(1, split(P40[::-1], 1, 22, 3)[0])], [ACC, RST], "MOX-CHK-033")
reasm("conflicting", "A chunk 2 that differs from the stored chunk 2 means two transfers are mixed: discarded", [st(0, C[0]), st(1, C[1]), st(2, chunk_header(1, 4, 2, 12) + bytes(12))], [ACC, ACC, err("chunk-conflicting")], "MOX-CHK-033")
reasm("number-above-total", "Chunk 5 of 4 is malformed", [st(0, C[0]), st(1, chunk_header(1, 4, 5, 4) + P40[:4])], [ACC, err("chunk-count-mismatch")], "MOX-CHK-013")
reasm("total-changes", "Chunk 2 declares total 5 where chunk 1 declared 4: discarded", [st(0, C[0]), st(1, chunk_header(1, 5, 2, 12) + P40[12:24])], [ACC, err("chunk-count-mismatch")], "MOX-CHK-036")
reasm("length-changes", "Chunk 2 carries 11 bytes where L is 12 and it is not the last: discarded", [st(0, C[0]), st(1, chunk_header(1, 4, 2, 11) + P40[12:23])], [ACC, err("chunk-length-mismatch")], "MOX-CHK-037")
reasm("truncated", "A chunk shorter than its declared length is discarded", [st(0, C[0][:10])], [err("chunk-truncated")], "MOX-CHK-003")
reasm("not-7bit", "A payload byte above 7F is discarded", [st(0, chunk_header(1, 1, 1, 2) + h("01 80"))], [err("chunk-not-seven-bit")], "MOX-CHK-004")
reasm("trailing-bytes-ignored", "Bytes after the payload are ignored (room for appended fields)", [st(0, chunk_header(1, 1, 1, 2) + h("01 02 55 66"))], [done(h("01 02"))], "MOX-CHK-003")
reasm("too-large", "A first chunk whose total implies more than the size limit is refused", [st(0, C[0])], [err("transfer-too-large")], "MOX-CHK-038", config={"max_payload": 30})
reasm("two-senders-independent", "An error in sender 1's transfer does not disturb sender 2's transfer with the same id", [st(0, C[0], 1), st(0, C[0], 2), st(1, C[2], 1), st(1, C[1], 2), st(2, C[2], 2), st(3, C[3], 2)], [ACC, ACC, err("chunk-missing"), ACC, ACC, done(P40)], "MOX-CHK-031")
reasm("too-many-transfers", "With one slot, a second transfer's first chunk is refused while the first is live", [st(0, C[0], 1), st(1, C[0], 2)], [ACC, err("too-many-transfers")], "MOX-CHK-039", config={"max_transfers": 1})
reasm("stale-chunk", "A chunk arriving after the stale timeout finds its transfer timed out", [st(0, C[0]), st(5000, C[1])], [ACC, err("transfer-timed-out")], "MOX-CHK-040", config={"stale_timeout_ms": 3000})
reasm("activity-keeps-alive", "The timeout measures inactivity: chunks 2.5 s apart keep a 3 s transfer alive", [st(0, C[0]), st(2500, C[1]), st(5000, C[2]), st(7500, C[3])], [ACC, ACC, ACC, done(P40)], "MOX-CHK-040", config={"stale_timeout_ms": 3000})
reasm("expire-poll", "poll_expired reports a stale transfer; a poll before the timeout reports nothing", [st(0, C[0]), exp(1000), exp(4000)], [ACC, {"expired": []}, {"expired": [1]}], "MOX-CHK-040", config={"stale_timeout_ms": 3000})
reasm("clock-backwards", "Time going backwards restarts the stale timer instead of expiring at once", [st(10000, C[0]), st(5000, C[1]), exp(7000), st(7500, C[2]), st(7600, C[3])], [ACC, ACC, {"expired": []}, ACC, done(P40)], "MOX-CHK-041", config={"stale_timeout_ms": 3000})


# --------------------------------------------------------------------------------------------
# USB-MIDI 1.0 event packets
def usb_packets(stream, cable=0):
    """Reference packetiser for a well-formed MIDI 1.0 byte stream (running status allowed)."""
    out = []
    running = None
    pending = []
    sysex = None
    i = 0

    def emit(cin, bs):
        out.append(bytes([cable << 4 | cin]) + bytes(bs) + bytes(3 - len(bs)))

    for b in stream:
        if b >= 0xF8:
            emit(0xF, [b])
            continue
        if sysex is not None:
            if b == 0xF7:
                sysex.append(b)
                emit({1: 5, 2: 6, 3: 7}[len(sysex)], sysex)
                sysex = None
                continue
            if b < 0x80:
                sysex.append(b)
                if len(sysex) == 3:
                    emit(4, sysex)
                    sysex = []
                continue
            raise ValueError("aborted sysex in reference input")
        if b == 0xF0:
            sysex = [b]
            running = None
            continue
        if b >= 0x80:
            if b in (0xF6,):
                emit(5, [b]); running = None; continue
            pending = [b]
            if b < 0xF0:
                running = b
            else:
                running = None
            continue
        if not pending and running is not None:
            pending = [running]
        pending.append(b)
        st = pending[0]
        need = {0xC: 1, 0xD: 1}.get(st >> 4, 2) if st < 0xF0 else {0xF1: 1, 0xF3: 1, 0xF2: 2}[st]
        if len(pending) == need + 1:
            if st < 0xF0:
                cin = st >> 4
            else:
                cin = 2 if need == 1 else 3
            emit(cin, pending)
            pending = []
    return b"".join(out)


def usb_enc(name, desc, stream, cable=0, chunks=None, source=USBMIDI, expected=None):
    parts = chunks or [stream]
    if expected is None:
        packets = usb_packets(stream, cable)
        expected = [x(packets[i:i + 4]) for i in range(0, len(packets), 4)]
    case("usb", f"encode-{name}", "usb-midi-encode", desc, source,
         {"cable": cable, "chunks": [x(p) for p in parts]}, valid(expected))


def usb_dec(name, desc, packets, events, source=USBMIDI):
    case("usb", f"decode-{name}", "usb-midi-decode", desc, source, {"packets": x(packets)}, valid(events))


def e(c):
    return {"error": c}


usb_enc("note-on", "Note On 90 3C 40: CIN 9", h("90 3c 40"))
usb_enc("running-status", "Running status 90 3C 40 3E 40 is expanded: every packet carries its status", h("90 3c 40 3e 40"), source=USBMIDI + " | " + MIDI10_RS)
usb_enc("program-change", "Program Change C0 05: CIN C, two bytes and a zero pad", h("c0 05"))
usb_enc("sysex-three", "F0 01 F7: one packet, CIN 7", h("f0 01 f7"))
usb_enc("sysex-empty", "F0 F7: one packet, CIN 6", h("f0 f7"))
usb_enc("sysex-four", "F0 01 02 F7: CIN 4 then CIN 5", h("f0 01 02 f7"))
usb_enc("sysex-five", "F0 01 02 03 F7: CIN 4 then CIN 6", h("f0 01 02 03 f7"))
usb_enc("sysex-six", "F0 01 02 03 04 F7: CIN 4 then CIN 7", h("f0 01 02 03 04 f7"))
usb_enc("realtime-inside-sysex", "A clock byte inside a SysEx becomes its own CIN F packet, sent at once; the SysEx packets are unchanged", h("f0 01 f8 02 03 04 f7"), source=USBMIDI + " | " + AM24,
        expected=["0ff80000", "04f00102", "070304f7"])
usb_enc("tune-request", "Tune Request F6: CIN 5, one byte", h("f6"))
usb_enc("song-position", "Song Position F2 10 20: CIN 3", h("f2 10 20"))
usb_enc("mtc-quarter-frame", "MTC quarter frame F1 23: CIN 2", h("f1 23"))
usb_enc("cable-15", "Cable 15 in the high nibble", h("b0 07 64"), cable=15)
usb_enc("split-chunks", "A SysEx fed one byte per chunk packetises the same", h("f0 7d 01 02 03 04 05 f7"), chunks=[bytes([b]) for b in h("f0 7d 01 02 03 04 05 f7")])
usb_enc("stray-data", "Data bytes with no status are refused, one error per byte; the next message still goes out", h("3c 40 90 3c 40"), source=USBMIDI + " | " + MOX_STRICT,
        expected=[e("stray-data"), e("stray-data"), "09903c40"])
usb_enc("stray-end", "An F7 with no SysEx open is refused", h("f7 90 3c 40"), source=USBMIDI + " | " + AM36, expected=[e("stray-end"), "09903c40"])
usb_enc("sysex-aborted", "A Note On inside an unterminated SysEx: the packets already sent stay, the unsent tail is dropped, no F7 is invented", h("f0 01 02 03 04 90 3c 40"), source=USBMIDI + " | " + MIDI10_EOX,
        expected=["04f00102", e("sysex-aborted"), "09903c40"])
usb_enc("unterminated-at-end", "The stream ends inside a SysEx: reported when the stream ends, no F7 invented", h("f0 01 02 03"), source=USBMIDI + " | " + BRIEF_SYSEX,
        expected=["04f00102", e("unterminated-sysex")])
usb_enc("truncated-message", "A Note On cut short by a Control Change is dropped and reported", h("90 3c b0 07 64"), source=USBMIDI + " | " + MOX_STRICT,
        expected=[e("truncated-message"), "0bb00764"])
usb_enc("lone-status", "A status byte with no data, then another status: the lone one is refused as truncated", h("90 80 3c 00"), source=USBMIDI + " | " + MOX_STRICT, expected=[e("truncated-message"), "08803c00"])
usb_enc("running-status-then-status", "A running status left set after a complete message is not truncated", h("90 3c 40 80 3c 00"), source=USBMIDI + " | " + MIDI10_RS)
usb_dec("note-on", "CIN 9 packet to 90 3C 40 on cable 0", h("09 90 3c 40"), [{"cable": 0, "bytes": "903c40"}])
usb_dec("sysex", "CIN 4 + CIN 6 packets to F0 01 02 03 F7", h("04 f0 01 02 06 03 f7 00"), [{"cable": 0, "bytes": "f0010203f7"}])
usb_dec("sysex-cin5-end", "CIN 5 carrying a lone F7 ends the SysEx", h("04 f0 01 02 05 f7 00 00"), [{"cable": 0, "bytes": "f00102f7"}])
usb_dec("cable-number", "Cable 3 reported from the high nibble", h("3b b0 07 64"), [{"cable": 3, "bytes": "b00764"}])
usb_dec("zero-padding", "All-zero packets (padding many hosts send) are skipped", h("00 00 00 00 09 90 3c 40 00 00 00 00"), [{"cable": 0, "bytes": "903c40"}])
usb_dec("realtime", "CIN F single byte", h("0f f8 00 00"), [{"cable": 0, "bytes": "f8"}])
usb_dec("program-change-padding-ignored", "The unused third byte of a CIN C packet is ignored whatever it holds", h("0c c0 05 7f"), [{"cable": 0, "bytes": "c005"}], source=USBMIDI + " | Linux snd-usb-midi (unused bytes ignored)")
usb_dec("status-mismatch", "CIN 9 (Note On) carrying a Control Change status is malformed; the next packet still decodes", h("09 b0 07 64 09 90 3c 40"), [e("cin-mismatch"), {"cable": 0, "bytes": "903c40"}])
usb_dec("reserved-cin", "CIN 0 and 1 with nonzero content are reserved (misc / cable events): reported and skipped", h("01 12 34 56 09 90 3c 40"), [e("reserved-cin"), {"cable": 0, "bytes": "903c40"}])
usb_dec("sysex-not-started", "A SysEx end packet with no SysEx open on its cable", h("06 03 f7 00"), [e("sysex-not-started")])
usb_dec("sysex-interrupted", "A Note On packet on a cable with an open SysEx is reported, then decoded", h("04 f0 01 02 09 90 3c 40"), [{"cable": 0, "bytes": "f00102"}, e("sysex-interrupted"), {"cable": 0, "bytes": "903c40"}], source=USBMIDI + " | " + MIDI10_EOX)
usb_dec("unterminated-at-end", "Packets end inside a SysEx: reported at the end of the stream", h("04 f0 01 02"), [{"cable": 0, "bytes": "f00102"}, e("unterminated-sysex")])
usb_dec("cables-independent", "A SysEx open on cable 0 is not interrupted by a Note On on cable 1", h("04 f0 01 02 19 90 3c 40 05 f7 00 00"), [{"cable": 0, "bytes": "f00102"}, {"cable": 1, "bytes": "903c40"}, {"cable": 0, "bytes": "f7"}])
usb_dec("realtime-inside-sysex", "A CIN F clock between SysEx packets does not interrupt the SysEx", h("04 f0 01 02 0f f8 00 00 05 f7 00 00"), [{"cable": 0, "bytes": "f00102f8f7"}], source=USBMIDI + " | " + MIDI10_RT)


# --------------------------------------------------------------------------------------------
# UMP (SysEx7 for System Exclusive, type 1 for system messages, type 2 for MIDI 1.0 channel voice)
def ump_sysex7(body, group=0):
    """SysEx body (without F0/F7) to 64-bit packets, big-endian bytes."""
    chunks = [body[i:i + 6] for i in range(0, len(body), 6)] or [b""]
    out = []
    for i, c in enumerate(chunks):
        if len(chunks) == 1:
            status = 0
        elif i == 0:
            status = 1
        elif i == len(chunks) - 1:
            status = 3
        else:
            status = 2
        bs = bytes(c) + bytes(6 - len(c))
        word0 = (0x3 << 28) | (group << 24) | (status << 20) | (len(c) << 16) | (bs[0] << 8) | bs[1]
        out.append(word0.to_bytes(4, "big") + bs[2:6])
    return out


def ump_enc(name, desc, stream, group=0, source=UMP, expected=None):
    if expected is None:
        expected = [x(p) for p in ump_sysex7(stream[1:-1], group)]
    case("ump", f"encode-{name}", "ump-encode", desc, source,
         {"group": group, "chunks": [x(stream)]}, valid(expected))


def ump_dec(name, desc, packets, events, source=UMP):
    case("ump", f"decode-{name}", "ump-decode", desc, source, {"packets": [x(p) for p in packets]}, valid(events))


UMP_SYS = "Universal MIDI Packet (UMP) Format and MIDI 2.0 Protocol 1.1, §7.6 System Common and Real Time Messages (message type 0x1)"
UMP_CV1 = "Universal MIDI Packet (UMP) Format and MIDI 2.0 Protocol 1.1, §7.3 MIDI 1.0 Channel Voice Messages (message type 0x2)"
ump_enc("empty", "F0 F7: one complete packet with 0 bytes", h("f0 f7"))
ump_enc("six", "Six data bytes fit one complete packet (status 0)", h("f0 01 02 03 04 05 06 f7"))
ump_enc("seven", "Seven data bytes: start with 6, end with 1", h("f0 01 02 03 04 05 06 07 f7"))
ump_enc("twelve", "Twelve data bytes: start 6, end 6 (no empty end packet)", h("f0") + bytes(range(1, 13)) + h("f7"))
ump_enc("thirteen", "Thirteen data bytes: start, continue, end", h("f0") + bytes(range(1, 14)) + h("f7"))
ump_enc("group-5", "Group 5 in bits 24-27", h("f0 7e 7f 06 01 f7"), group=5)
ump_enc("note-on", "Note On 90 3C 40 becomes a type-2 packet 20 90 3C 40", h("90 3c 40"), source=UMP_CV1, expected=["20903c40"])
ump_enc("running-status", "Running status is expanded into full type-2 packets", h("90 3c 40 3e 40"), source=UMP_CV1 + " | " + MIDI10_RS, expected=["20903c40", "20903e40"])
ump_enc("clock", "Timing clock F8 becomes a type-1 packet 10 F8 00 00", h("f8"), source=UMP_SYS, expected=["10f80000"])
ump_enc("song-position", "Song Position F2 10 20 becomes 10 F2 10 20", h("f2 10 20"), source=UMP_SYS, expected=["10f21020"])
ump_enc("realtime-inside-sysex", "A clock inside a SysEx goes out at once as a type-1 packet; the SysEx7 packets are unchanged", h("f0 01 02 f8 03 f7"), source=UMP_SYS + " | " + AM24,
        expected=["10f80000", x(ump_sysex7(h("01 02 03"))[0])])
ump_enc("sysex-aborted", "A Note On inside an unterminated SysEx: the unsent bytes are dropped, no end packet is invented", h("f0 01 02 90 3c 40"), source=UMP + " | " + MIDI10_EOX,
        expected=[e("sysex-aborted"), "20903c40"])
ump_enc("group-channel-voice", "Group 3 applies to type-2 packets too", h("b0 07 64"), group=3, source=UMP_CV1, expected=["23b00764"])
ump_enc("lone-status", "A status byte with no data, then another status: the lone one is refused as truncated", h("90 80 3c 00"), source=UMP_CV1 + " | " + MOX_STRICT, expected=[e("truncated-message"), "20803c00"])
ump_dec("complete", "A complete packet restores F0 and F7", ump_sysex7(h("7e 7f 06 01")), [{"group": 0, "bytes": "f07e7f0601f7"}])
ump_dec("start-continue-end", "Start, continue and end packets concatenate", ump_sysex7(bytes(range(1, 14))), [{"group": 0, "bytes": "f0" + x(bytes(range(1, 14))) + "f7"}])
ump_dec("note-on", "A type-2 packet decodes to its three bytes", [h("20 90 3c 40")], [{"group": 0, "bytes": "903c40"}], source=UMP_CV1)
ump_dec("groups-reported", "Packets of group 2 and then group 0 are separate runs", [h("22 90 3c 40"), h("20 80 3c 00")], [{"group": 2, "bytes": "903c40"}, {"group": 0, "bytes": "803c00"}], source=UMP_CV1)
ump_dec("continue-without-start", "A continue packet with no open SysEx in its group is reported", [h("30 26 01 02 03 04 05 06")], [e("sysex-not-started")])
ump_dec("end-without-start", "An end packet with no open SysEx in its group is reported", [h("30 32 01 02 00 00 00 00")], [e("sysex-not-started")])
ump_dec("count-above-six", "A byte count of 7 is impossible", [h("30 07 01 02 03 04 05 06")], [e("bad-byte-count")])
ump_dec("non-7bit", "A data byte with bit 7 set", [h("30 02 81 02 00 00 00 00")], [e("not-seven-bit")])
ump_dec("interrupted", "A new start packet while a SysEx is open in the group is reported, then decoded", [ump_sysex7(bytes(range(1, 8)))[0]] + ump_sysex7(h("05")), [{"group": 0, "bytes": "f0010203040506"}, e("sysex-interrupted"), {"group": 0, "bytes": "f005f7"}])
ump_dec("unterminated-at-end", "Packets end inside a SysEx: reported at the end", [ump_sysex7(bytes(range(1, 8)))[0]], [{"group": 0, "bytes": "f0010203040506"}, e("unterminated-sysex")])
ump_dec("groups-independent", "A SysEx open in group 0 is not interrupted by a Note On in group 1", [ump_sysex7(bytes(range(1, 8)))[0], h("21 90 3c 40"), ump_sysex7(bytes(range(1, 8)))[1]], [{"group": 0, "bytes": "f0010203040506"}, {"group": 1, "bytes": "903c40"}, {"group": 0, "bytes": "07f7"}])
ump_dec("utility-skipped", "A type-0 utility packet (NOOP) carries nothing and is skipped", [h("00 00 00 00"), h("20 90 3c 40")], [{"group": 0, "bytes": "903c40"}])


# --------------------------------------------------------------------------------------------
# .syx files
def syx(name, desc, data, events, source=SYX):
    case("syx", name, "syx-file", desc, source, {"hex": x(data)}, valid(events))


A = h("f0 41 10 42 12 40 00 7f 00 41 f7")
B = h("f0 7e 7f 06 01 f7")
syx("two-messages", "Two messages back to back", A + B, [{"frame": x(A)}, {"frame": x(B)}])
syx("empty-file", "An empty file has no messages", b"", [])
syx("junk-between", "Bytes between messages are reported; the next message still reads", A + h("00 01") + B, [{"frame": x(A)}, {"error": "junk-between-messages"}, {"frame": x(B)}])
syx("missing-final-end", "The file ends inside a message", A + h("f0 41 10"), [{"frame": x(A)}, {"error": "missing-end"}])
syx("duplicate-end", "A duplicate F7 after a message is junk between messages; the next message reads", A + h("f7") + B, [{"frame": x(A)}, {"error": "junk-between-messages"}, {"frame": x(B)}], source=SYX + " | " + AM36)
syx("realtime-inside", "A realtime byte inside a message interrupts it: a file's message is one contiguous F0..F7 (a stream parser would pass the byte through instead)", h("f0 7e f8 7f f7") + B, [{"error": "interrupted-message"}, {"frame": x(B)}], source=SYX + " | " + MOX_STRICT)
syx("only-junk", "A file without any F0 is all junk", h("01 02 03"), [{"error": "junk-between-messages"}])
syx("empty-message", "F0 F7 is a (framing-invalid) message the file format still delimits", h("f0 f7") + B, [{"frame": "f0f7"}, {"frame": x(B)}])
syx("cut-by-new-start", "An F0 before the F7: the first message is cut short, the second reads", h("f0 41 10 f0 7e 7f 06 01 f7"), [{"error": "interrupted-message"}, {"frame": x(B)}])


def main():
    for area, cases in FILES.items():
        path = ROOT / "sysex" / f"{area}.json"
        path.parent.mkdir(exist_ok=True)
        ids = [c["id"] for c in cases]
        assert len(ids) == len(set(ids)), "duplicate id"
        path.write_text(json.dumps({"corpus_version": VERSION, "cases": cases}, indent=2, ensure_ascii=False) + "\n")
        print(f"{path.relative_to(ROOT)}: {len(cases)} cases")


if __name__ == "__main__":
    main()
