#!/usr/bin/env python3
"""Recompute every hexadecimal example of spec/mox.md and check that the text shows it.

Python 3 standard library only. Run from anywhere:

    python3 spec/tools/check_examples.py

Each example is built from its meaning (field by field, CRC computed here), rendered as
upper-case hex separated by single spaces, and looked up in the specification text with
its whitespace normalised. The script exits non-zero, naming the example, when the text
and the computation disagree, so an edited example cannot drift silently.
"""

import json
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "mox.md")

sys.path.insert(0, HERE)
import mox_ref  # noqa: E402  (the executable reading of chapter 15)


def hx(data):
    return " ".join("%02X" % b for b in data)


def load_text():
    with open(SPEC, encoding="utf-8") as f:
        return f.read()


TEXT = load_text()
# Whitespace-normalised text, so that a hex string may wrap across lines or sit in a table.
FLAT = re.sub(r"\s+", " ", TEXT)
FAILURES = []
CHECKS = [0]


def expect(name, condition, detail=""):
    CHECKS[0] += 1
    if not condition:
        FAILURES.append("%s: %s" % (name, detail))


COMPUTED = []  # every byte string this script built, as hex; see the completeness check


def computed(*hexstrings):
    COMPUTED.extend(hexstrings)


def expect_in_text(name, hexstring):
    computed(hexstring)
    expect(name, hexstring in FLAT, "not found in spec/mox.md: %s" % hexstring)


def expect_line(name, line):
    """An annotated line of a byte diagram: the hex part at the start of a line."""
    pattern = re.compile(r"^" + re.escape(line) + r"(\s|$)", re.M)
    expect(name, pattern.search(TEXT) is not None, "line not found: %r" % line)


# --- §4.7 CRC-14/DARC ------------------------------------------------------------------

crc14 = mox_ref.crc14_darc
expect("crc check value", crc14(b"123456789") == 0x082D, hex(crc14(b"123456789")))
expect_in_text("crc check value in text", "`0x082D`")

# An independent table-free, non-reflected computation: the catalogue definition run on
# bit-reversed input, so the reflected loop of the spec is checked against the definition.


def crc14_definition(data):
    def rev(v, width):
        r = 0
        for i in range(width):
            if v & (1 << i):
                r |= 1 << (width - 1 - i)
        return r

    crc = 0
    for byte in data:
        crc ^= rev(byte, 8) << 6
        for _ in range(8):
            crc <<= 1
            if crc & 0x4000:
                crc ^= 0x0805
            crc &= 0x3FFF
    return rev(crc, 14)


for sample in (b"123456789", bytes(range(0x80)), b"", b"\x7f\x00\x55"):
    expect("crc definition agrees", crc14(sample) == crc14_definition(sample), repr(sample))


# --- §6.1 varints ----------------------------------------------------------------------

v7 = mox_ref.encode_varint
for value, text in [(0, "00"), (63, "3F"), (64, "40 01"), (4095, "7F 3F"),
                    (4096, "40 40 01"), (262143, "7F 7F 3F")]:
    expect("varint %d" % value, hx(v7(value)) == text, hx(v7(value)))
    expect_in_text("varint table %d" % value, "| `%s` |" % text)
    expect("varint %d decodes" % value, mox_ref.decode_varint(bytes(v7(value)), 0)[0] == value)

for data, cls in [(b"\x40\x00", "varint-overlong"), (b"\x40\x40\x00", "varint-overlong"),
                  (b"\x40\x40\x40", "varint-too-long"), (b"\x7f\x7f\x7f", "varint-too-long")]:
    try:
        mox_ref.decode_varint(data, 0)
        expect("varint error %s" % hx(data), False, "decoded")
    except mox_ref.Fail as e:
        expect("varint error %s" % hx(data), e.cls == cls, e.cls)

# Field ids of §6.5 and §10.6.
expect("vendor container id", hx(v7(448 << 3)) == "40 38")
expect("request id id", hx(v7(449 << 3)) == "48 38")
expect_in_text("request id in text", "`48 38`")
expect_in_text("vendor id in text", "`40 38` … `47 38`")
grease_ids = ["`%s`" % hx(v7(n << 3 | u)) for n, u in [(7, 0), (7, 4), (23, 0), (23, 4),
                                                       (39, 0), (39, 4)]]
expect("grease ids", grease_ids == ["`38`", "`3C`", "`78 02`", "`7C 02`", "`78 04`", "`7C 04`"],
       str(grease_ids))
expect_in_text("grease ids in text", "1-byte ids `38`, `3C`; 2-byte ids `78 02`, `7C 02`, "
               "`78 04`, `7C 04`")
expect("error reply offset id", hx(v7(8 << 3)) == "40 01")
expect("error reply text id", hx(v7(9 << 3)) == "48 01")
expect_in_text("error reply ids in text", "| 8 | `40 01` | offset |")
expect_in_text("error reply ids in text", "| 9 | `48 01` | text |")

# --- §4.6 node ids ---------------------------------------------------------------------

expect("node id", hx(mox_ref.u_groups(0x01234567, 4)) == "67 0A 0D 09")
expect_in_text("node id in text", "`0x01234567` is `67 0A 0D 09`")
expect("broadcast", hx(mox_ref.u_groups(0x0FFFFFFF, 4)) == "7F 7F 7F 7F")

# --- §11.2 chunk header ----------------------------------------------------------------

chunk_header = [5] + mox_ref.u_groups(300, 2) + mox_ref.u_groups(129, 2) \
    + mox_ref.u_groups(16383, 2)
expect_in_text("chunk header example", hx(chunk_header))

# --- §6.4 Mcoded7 ----------------------------------------------------------------------

mc = mox_ref.mcoded7_encode
for data, text in [(bytes([0x81, 0x02, 0x83]), "50 01 02 03"),
                   (struct.pack(">f", 1.0), "20 3F 00 00 00"),
                   ("é".encode("utf-8"), "60 43 29")]:
    expect("mcoded7 %s" % hx(data), hx(mc(data)) == text, hx(mc(data)))
    expect_in_text("mcoded7 in text %s" % text, "→ `%s`" % text)
    expect("mcoded7 round trip", mox_ref.mcoded7_decode(bytes(mc(data))) == data)
expect("mcoded7 length", all(len(mc(bytes(n))) == n + (n + 6) // 7 for n in range(40)))
expect("mcoded7 never 1 mod 8", all(len(mc(bytes(n))) % 8 != 1 for n in range(200)))


# The receiver of §15.2's example, used below: `mox.fader` 1.1 as shipped in
# spec/extensions/mox.fader.toml, message `strip` (type 01) only.
FADER_RX = mox_ref.Receiver.from_json({
    "node_id": 0x42,
    "extensions": [
        {"owner": [126], "number": 0, "majors": [{"major": 1, "minor": 0, "messages": [
            {"type": 1, "fields": []}]}]},
        {"owner": [126], "number": 1, "majors": [{"major": 1, "minor": 1, "messages": [
            {"type": 1, "fields": [
                {"id": 0, "type": "u7", "added": 0},
                {"id": 8, "type": "u14", "added": 0},
                {"id": 16, "type": "bool", "added": 0},
                {"id": 24, "type": "u7", "added": 0},
                {"id": 32, "type": "u21", "added": 1}]}]}]}]})


# --- §4.9 the fader message ------------------------------------------------------------

def field(fid, value):
    value = list(value)
    return v7(fid) + v7(len(value)) + value


def body(hdr, owner, number, major, minor, mtype, ids=None, fields=(), k=None):
    out = [hdr] + list(owner) + v7(number) + [major, minor, mtype]
    if ids is not None:
        out += mox_ref.u_groups(ids[0], 4) + mox_ref.u_groups(ids[1], 4)
    for f in fields:
        out += f
    if hdr & 1:
        c = crc14(bytes(out))
        out += [c & 0x7F, c >> 7]
    return out


def sysex(carrier, body_bytes):
    return [0xF0] + list(carrier) + [0x4D, 0x4F, 0x58] + list(body_bytes) + [0xF7]


# `strip` = 3 (n0), `position` = 8192 (n1), `colour` (n4, u21, added in 1.1) = r | g << 7 | b << 14
# with R=127 G=32 B=0, so its wire bytes are r, g, b.
COLOUR = 127 | 32 << 7 | 0 << 14
expect("colour wire bytes are r, g, b", mox_ref.u_groups(COLOUR, 3) == [127, 32, 0])
expect_in_text("colour value in text", "value 0x%04X = %d: R=127 G=32 B=0" % (COLOUR, COLOUR))
fader_fields = [field(0 << 3, [3]), field(1 << 3, mox_ref.u_groups(8192, 2)),
                field(4 << 3, mox_ref.u_groups(COLOUR, 3))]
fader_body = body(0x01, [0x7E], 1, 1, 1, 0x01, fields=fader_fields)
fader = sysex([0x7D], fader_body)
FADER_CRC = crc14(bytes(fader_body[:-2]))
expect("fader crc", fader_body[-2:] == [FADER_CRC & 0x7F, FADER_CRC >> 7])
expect("fader size", len(fader) == 26 and len(fader_body) == 20)
expect_in_text("fader whole message", "Whole message: `%s`" % hx(fader))
expect_in_text("fader crc in §4.7", "`%s` give `0x%04X`, sent `%s`"
               % (hx(fader_body[:-2]), FADER_CRC, hx(fader_body[-2:])))
expect_in_text("fader crc in §4.9", "%s CRC-14/DARC of the 18 body bytes 01 … 00 = 0x%04X"
               % (hx(fader_body[-2:]), FADER_CRC))
for line in ["F0", "7D", "4D 4F 58", "01", "7E 01", "01 01", "01", "00 01 03", "08 02 00 40",
             "20 03 7F 20 00", hx(fader_body[-2:]), "F7"]:
    expect_line("fader diagram", line)
expect("fader decoded bytes", hx(fader).startswith("F0 7D 4D 4F 58 01 7E 01 01 01 01 00 01 03 "
                                                   "08 02 00 40 20 03 7F 20 00"))

# The reading of §4.9 by the 1.1 receiver of §15.2, and by the same receiver at minor 0.
got = mox_ref.receive_sysex(bytes(fader), FADER_RX)
expect("fader at 1.1", got.outcome == "delivered" and got.fields == [
    (0x00, True, 3), (0x08, True, 8192), (0x20, True, COLOUR)], repr(got) + repr(got.fields))
FADER_RX_10 = mox_ref.Receiver.from_json({"node_id": 0x42, "extensions": [
    {"owner": [126], "number": 1, "majors": [{"major": 1, "minor": 0, "messages": [
        {"type": 1, "fields": [{"id": 0, "type": "u7"}, {"id": 8, "type": "u14"},
                               {"id": 16, "type": "bool"}, {"id": 24, "type": "u7"}]}]}]}]})
got = mox_ref.receive_sysex(bytes(fader), FADER_RX_10)
expect("fader at 1.0", got.outcome == "delivered" and got.fields == [
    (0x00, True, 3), (0x08, True, 8192), (0x20, False, bytes([127, 32, 0]))],
    repr(got) + repr(got.fields))
expect_in_text("fader at 1.0 in text", "unknown `{id 0x20, raw 7F 20 00}`")
for flagged_id, text in [(0x21, "Had the id been `21` (`C=1`)"),
                         (0x23, "had it been `23` (`C=1 R=1`)")]:
    flagged = sysex([0x7D], body(0x01, [0x7E], 1, 1, 1, 0x01, fields=fader_fields[:2] + [
        field(flagged_id, mox_ref.u_groups(COLOUR, 3))]))
    got = mox_ref.receive_sysex(bytes(flagged), FADER_RX_10)
    expect("fader at 1.0 with id %02X" % flagged_id, (got.outcome, got.reply) == ("dropped", None),
           repr(got))
    expect_in_text("fader flagged ids in text", text)

# --- §5.4 the OSC forms ----------------------------------------------------------------


def osc_string(s):
    b = s.encode("ascii") + b"\0"
    return b + b"\0" * (-len(b) % 4)


def osc_blob(data):
    data = bytes(data)
    return struct.pack(">i", len(data)) + data + b"\0" * (-len(data) % 4)


mox_msg = osc_string("/mox") + osc_string(",b") + osc_blob(fader_body)
expect("osc /mox size", len(mox_msg) == 36)
expect_in_text("osc /mox alone", hx(mox_msg))
position = 8192 / 16383
# mox.fader's OSC fallback rule: address "/strip/{strip + 1}/fader", position normalised to
# [0, 16383]; `touched` and `ring` are absent, so their rules emit nothing (MOX-SCH-058).
fallback = osc_string("/strip/%d/fader" % (3 + 1)) + osc_string(",f") + struct.pack(">f", position)
expect("osc fallback float", struct.pack(">f", position) == bytes([0x3F, 0x00, 0x02, 0x00]))
bundle = osc_string("#bundle") + struct.pack(">Q", 1) \
    + struct.pack(">i", len(mox_msg)) + mox_msg + struct.pack(">i", len(fallback)) + fallback
# Rebuild the dump of §5.4 from the text: every line "OFFSET  hex…" inside that block.
dump_block = TEXT.split("### 5.4")[1].split("```text")[1].split("```")[0]
dump = bytearray()
for line in dump_block.splitlines():
    m = re.match(r"^([0-9A-F]{4})  ((?:[0-9A-F]{2} ?\s?)+)", line)
    if m:
        offset = int(m.group(1), 16)
        expect("osc dump offset %04X" % offset, offset == len(dump), "%d" % len(dump))
        dump += bytes(int(x, 16) for x in m.group(2).split())
expect("osc bundle dump", bytes(dump) == bundle, hx(dump) + " != " + hx(bundle))
expect("osc body = sysex bytes 5-24", bytes(fader[5:25]) == bytes(fader_body))
expect_in_text("osc dump note", "SysEx bytes 5–24 of §4.9")

# MOX-OSC-004..006 on the §5.4 message, through the reference reading.
osc_cases = [
    ("plain", mox_msg, ("delivered", None)),
    ("extra int argument", osc_string("/mox") + osc_string(",bi") + osc_blob(fader_body)
     + struct.pack(">i", 7), ("delivered", None)),
    ("unknown tag after the blob", osc_string("/mox") + osc_string(",bX") + osc_blob(fader_body)
     + b"junk", ("delivered", None)),
    ("nonzero blob pad", osc_string("/mox") + osc_string(",b") + osc_blob([0x01, 0x7E])[:-1]
     + b"\x01", ("not-mox", "nonzero-padding")),
    ("first tag not b", osc_string("/mox") + osc_string(",ib") + struct.pack(">i", 1)
     + osc_blob(fader_body), ("not-mox", None)),
    ("no type tags", osc_string("/mox") + osc_blob(fader_body), ("not-mox", None)),
    ("pattern address", osc_string("/mo?") + osc_string(",b") + osc_blob(fader_body),
     ("not-mox", None)),
    ("8-bit blob", osc_string("/mox") + osc_string(",b") + osc_blob([0x80] + fader_body[1:]),
     ("malformed", "not-seven-bit")),
    ("empty blob", osc_string("/mox") + osc_string(",b") + osc_blob([]),
     ("malformed", "truncated-header")),
]
for name, msg, want in osc_cases:
    got = mox_ref.receive_osc_message(msg, FADER_RX)
    expect("osc %s" % name, (got.outcome, got.cls) == want, repr(got))

# --- §6.7 the addressed request, §9.5 the reply ----------------------------------------

SRC, DST = 0x01234567, 0x42
STRIP_QUERY = 0x40  # `strip-query`, a request (bit 6 set)
request = sysex([0x7D], body(0x02, [0x7E], 1, 1, 0, STRIP_QUERY, ids=(SRC, DST),
                             fields=[field(0x00, [2]), field(0x39, [5])]))
expect_in_text("§6.7 request", "`%s`" % hx(request))
request_rc = sysex([0x7D], body(0x02, [0x7E], 1, 1, 0, STRIP_QUERY, ids=(SRC, DST),
                                fields=[field(0x00, [2]), field(0x3B, [5])]))
expect_in_text("§9.5 request", "(the request: `%s`)" % hx(request_rc))
reply = sysex([0x7D], body(0x03, [0x7E], 0, 1, 0, 0x01, ids=(DST, SRC), fields=[
    field(0x00, [0x06]), field(0x08, [0x7E, 0x01]), field(0x10, [0x01, 0x00]),
    field(0x18, [STRIP_QUERY]), field(0x20, [0x3B])]))
expect_in_text("§9.5 reply", "Whole reply: `%s`" % hx(reply))
for line in ["03", "7E 00 01 00 01", "42 00 00 00", "67 0A 0D 09", "00 01 06", "08 02 7E 01",
             "10 02 01 00", "18 01 40", "20 01 3B", "%s" % hx(reply[-3:-1])]:
    expect_line("§9.5 diagram", line)
expect("§9.5 reply fits 128", len(reply) <= 128)
expect("overhead 14", len(sysex([0x7D], body(0x05, [0x7E], 1, 1, 0, 1))) == 14)
expect("overhead 22", len(sysex([0x7D], body(0x07, [0x7E], 1, 1, 0, 1, ids=(1, 2)))) == 22)

# The receivers of §6.7 and §9.5.
core_error = json.loads(TEXT.split("the `error` message of `mox.core` 1.0 is:")[1]
                        .split("```json")[1].split("```")[0])
rx_67 = mox_ref.Receiver.from_json({"node_id": DST, "extensions": [
    {"owner": [126], "number": 1, "majors": [{"major": 1, "minor": 0, "messages": [
        {"type": STRIP_QUERY, "fields": [{"id": 0, "type": "u7", "added": 0}]}]}]}]})
r = mox_ref.receive_sysex(bytes(request), rx_67)
expect("§6.7 dropped", (r.outcome, r.reply) == ("dropped", None), repr(r))
r = mox_ref.receive_sysex(bytes(request_rc), rx_67)
expect("§6.7 with 3B", (r.outcome, r.reply, r.reply_field) == ("dropped", 0x06, 0x3B), repr(r))
rx_src = mox_ref.Receiver.from_json({"node_id": SRC, "extensions": [
    {"owner": [126], "number": 0, "majors": [{"major": 1, "minor": 0,
                                              "messages": [core_error]}]}]})
r = mox_ref.receive_sysex(bytes(reply), rx_src)
expect("§9.5 reply decodes", r.outcome == "delivered" and r.reply is None
       and [(f[0], f[1]) for f in r.fields] == [(0, True), (8, True), (16, True), (24, True),
                                                 (32, True)]
       and r.fields[0][2] == 6 and r.fields[2][2] == 1, repr(r) + repr(r.fields))
expect("§9.5 reply is never answered", not mox_ref.eligible(
    mox_ref.parse_header(bytes(reply[5:-3]), reply[5]), rx_src))

# --- §15.8 worked outcomes, run through the reference pipeline -------------------------

json_block = TEXT.split("Example (a `mox.fader` 1.1 receiver")[1].split("```json")[1] \
    .split("```")[0]
expect("§15.2 json example", mox_ref.Receiver.from_json(json.loads(json_block)).__dict__
       == FADER_RX.__dict__)

bad_crc = list(fader)
bad_crc[-2] = 0x69


def outcome(unit, rx=FADER_RX):
    r = mox_ref.receive_sysex(bytes(unit), rx)
    return (r.outcome, r.cls or "—", "`%02X`" % r.reply if r.reply is not None else "—")


def sx(body_hex):
    return sysex([0x7D], bytes.fromhex(body_hex))


rows = [
    ("§4.9's message", fader),
    ("§4.9's message with the last CRC byte `69`", bad_crc),
    ("`F0 7D 4D 4F 58 F7` (empty body)", sx("")),
    ("body `20 7E 01 01 01 01` (format `01`)", sx("207E01010101")),
    ("body `08 7E 01 01 01 01` (bit 3 set)", sx("087E01010101")),
    ("§6.7's request", request),
    ("`F0 7E 00 0D …` (MIDI-CI)", [0xF0, 0x7E, 0x00, 0x0D, 0x70, 0x02, 0xF7]),
]
table = TEXT.split("### 15.8")[1]
for label, unit in rows:
    o, c, r = outcome(unit)
    row = "| %s | `%s` | %s | %s |" % (label, o, "`%s`" % c if c != "—" else "—", r)
    if o == "malformed" and c == "reserved-bit-set":
        row = "| %s | `%s` | `%s` | — (`A=0`) |" % (label, o, c)
    expect("§15.8 %s" % label, row in table, "expected row: " + row)

# --- §4.8 the chunked example -------------------------------------------------------------


def chunk_unit(number, total, payload):
    chunk_body = [0x05] + mox_ref.u_groups(total, 2) + mox_ref.u_groups(number, 2) \
        + mox_ref.u_groups(len(payload), 2) + list(payload)
    return sysex([0x7D], body(0x07, [0x7E], 1, 1, 1, 0x01, ids=(SRC, DST),
                              fields=[chunk_body]))


section = [b for f in fader_fields for b in f]
expect_in_text("§4.8 field section", "`%s` is split" % hx(section))
chunk1 = chunk_unit(1, 2, section[:8])
chunk2 = chunk_unit(2, 2, section[8:])
expect_in_text("§4.8 chunk 1", "Chunk 1: `%s`" % hx(chunk1))
expect_in_text("§4.8 chunk 2", "Chunk 2: `%s`" % hx(chunk2))
for line in ["07", "7E 01 01 01 01", "67 0A 0D 09", "42 00 00 00", "05 02 00 01 00 08 00",
             "00 01 03 08 02 00 40 20", hx(chunk1[-3:-1])]:
    expect_line("§4.8 diagram", line)
state = mox_ref.Reassembler(FADER_RX)
r1 = mox_ref.receive_sysex(bytes(chunk1), FADER_RX, state, "din", 0)
r2 = mox_ref.receive_sysex(bytes(chunk2), FADER_RX, state, "din", 10)
expect("§4.8 chunk 1 outcome", (r1.outcome, r1.cls) == ("consumed", "chunk-accepted"), repr(r1))
expect("§4.8 chunk 2 outcome", r2.outcome == "delivered", repr(r2))
direct = mox_ref.receive_sysex(bytes(fader), FADER_RX)
expect("§4.8 same fields as §4.9", r2.fields == direct.fields, "%r %r" % (r2.fields, direct.fields))
alone = mox_ref.receive_sysex(bytes(chunk2), FADER_RX, mox_ref.Reassembler(FADER_RX), "din", 0)
expect("§4.8 chunk 2 alone", (alone.outcome, alone.cls, alone.reply)
       == ("consumed", "chunk-out-of-sequence", 0x21), repr(alone))
expect_in_text("§4.8 text", "ends chunk 1 as `consumed` (`chunk-accepted`) and chunk 2 as "
               "`delivered`")
expect_in_text("§4.8 text", "ends as `consumed` (`chunk-out-of-sequence`), with reply `21`")


# --- chapter 8: the negotiation example, built from the draws of §8.12 --------------------

import neg_ref  # noqa: E402  (the executable reading of chapter 8's messages and §8.10)

CH8 = TEXT.split("## 8. Negotiation")[1].split("## 9. Errors")[0]
CH8_FLAT = re.sub(r"\s+", " ", CH8)


def expect_in_ch8(name, s):
    computed(s)
    expect(name, s in CH8_FLAT, "not found in chapter 8: %s" % s)


def expect_line8(name, line):
    pattern = re.compile(r"^" + re.escape(line) + r"(\s|$)", re.M)
    expect(name, pattern.search(CH8) is not None, "line not found in chapter 8: %r" % line)


def draws_in_text(label, end):
    """The decimal draws the text lists between `label` and `end`."""
    part = CH8_FLAT.split(label)[1].split(end)[0].replace("(start)", "")
    return [int(x) for x in re.findall(r"\d+", part)]


A_ID, B_ID = 0x01234567, 0x42
FADER, GRID = [0x7E] + v7(1), [0x7E] + v7(2)
a_draws = draws_in_text("From the draws ", "(new handshake)")
expect("§8.12 A's draws", a_draws == [19088743, 10597058, 0, 21840, 1, 1, 2, 2, 1, 1, 16, 1],
       repr(a_draws))
d = neg_ref.Draws(a_draws)
expect("§8.12 A's node id (item 1)", d.next() % 0x0FFFFF00 == A_ID)
a_nonce, hello_fields = neg_ref.new_hello(
    d, A_ID, neg_ref.BROADCAST, [neg_ref.Offer(FADER, [(2, 0), (1, 3)]),
                                 neg_ref.Offer(GRID, [(1, 0)])],
    max_size=512, reassembly=1024, transfers=4, features=[1])
expect("§8.12 A's draws all used", d.exhausted())
expect("§8.12 A's nonce", a_nonce == 0x00A1B2C3, hex(a_nonce))
hello_body = neg_ref.body(neg_ref.T_HELLO, A_ID, neg_ref.BROADCAST, hello_fields)
hello = neg_ref.sysex(hello_body)
expect("§8.12 hello size", len(hello) == 73 and len(hello_body) == 67, len(hello))
expect_in_ch8("§8.12 hello", "Hello: `%s`" % hx(hello))
expect_in_ch8("§8.12 hello size in text", "F7 (73 bytes)")
expect_in_ch8("§8.12 hello crc note", "CRC-14/DARC of the %d body bytes before it"
              % (len(hello_body) - 2))
HELLO_DIGEST = neg_ref.digest(hello_body)
expect("§8.12 canonical body", neg_ref.canonical(hello_body) == [0x02] + hello_body[1:-2])
expect_in_ch8("§8.12 hello digest", "**hello digest `0x%04X`** (wire `%s`)"
              % (HELLO_DIGEST, hx(mox_ref.u_groups(HELLO_DIGEST, 2))))
expect_in_ch8("§8.12 canonical text", "same %d body bytes with the header byte `02` instead of "
              "`03`" % (len(hello_body) - 2))
osc_hello = osc_string("/mox") + osc_string(",b") + osc_blob(hello_body)
expect("§8.12 hello on OSC", len(osc_hello) == 84 and osc_hello[16:16 + 67] == bytes(hello_body)
       and osc_hello[83:] == b"\0", len(osc_hello))
expect_in_ch8("§8.12 OSC prefix", "blob of an %d-byte `/mox` message: `%s`, the %d body bytes "
              "from `%02X` to `%02X`, and %s pad byte `00`"
              % (len(osc_hello), hx(osc_hello[:16]), len(hello_body), hello_body[0],
                 hello_body[-1], "one" if len(osc_hello) - 16 - len(hello_body) == 1 else "?"))
# The annotated lines of the diagram are the hello's fields, in order.
hello_lines = ["F0 7D 4D 4F 58", "03", "7E 00 01 00 40", hx(mox_ref.u_groups(A_ID, 4)),
               "7F 7F 7F 7F"] + [hx(neg_ref.tlv(f, v)) for f, v in hello_fields] \
    + [hx(hello_body[-2:]), "F7"]
expect("§8.12 hello lines cover the hello", " ".join(hello_lines) == hx(hello))
for line in hello_lines:
    expect_line8("§8.12 hello diagram", line)
# The annotations name what the fields hold.
for line, note in [("38 01 55", "GREASE field (number 7, flags 000)"),
                   ("08 08 7E 01 02 00 17 00 01 03", "offer mox.fader: 2.0, GREASE 23.0, 1.3"),
                   ("08 04 7E 17 27 00", "offer GREASE extension 7E 17: GREASE major 39"),
                   ("18 04 00 04 00 00", "max size 512"), ("20 03 00 08 00", "reassembly 1024"),
                   ("30 04 01 00 07 02", "features 1, GREASE 263")]:
    expect("§8.12 hello annotation %s" % note,
           re.search(re.escape(line) + r"\s+" + re.escape(note), CH8) is not None)
expect("§8.12 GREASE values", neg_ref.grease_field(21840) == (0x38, [0x55])
       and neg_ref.grease_extension(1) == [0x7E, 0x17] and neg_ref.grease_major(2) == 39
       and neg_ref.grease_major(1) == 23 and neg_ref.grease_feature(16) == 263
       and mox_ref.u_groups(263, 2) == [0x07, 0x02])
expect_in_ch8("§8.12 feature wire", "GREASE feature 263 (`07 02`)")
expect_in_ch8("§8.12 GREASE offer text", "the GREASE offer `7E 17` (number 23) with major 39")
expect_in_ch8("§8.2 offer example", "7E 01 | 02 00 | 17 00 | 01 03")
expect("§8.2 offer example is the fader offer", [v for f, v in hello_fields if f == 0x08][0]
       == [0x7E, 0x01, 0x02, 0x00, 0x17, 0x00, 0x01, 0x03])

b_draws = draws_in_text("is unknown, so it gets no entry. From the draws ", ":")
expect("§8.12 B's draws", b_draws == [6102574, 0, 57, 9], repr(b_draws))
expect_in_ch8("§8.12 B's start draw", "(`0x42`, start draw 66)")
expect("§8.12 B's node id (item 1)", 66 % 0x0FFFFF00 == B_ID)
d = neg_ref.Draws(b_draws)
SUPPORTED_B = {tuple(FADER): {1: 3}, tuple(GRID): {1: 0}}
b_nonce, reply_fields = neg_ref.answer(d, hello_body, SUPPORTED_B, max_size=256, reassembly=0,
                                       transfers=0, features=[1])
expect("§8.12 B's draws all used", d.exhausted())
expect("§8.12 B's nonce", b_nonce == 0x005D1E2F, hex(b_nonce))
expect("§8.12 selection", neg_ref.select([v for f, v in hello_fields if f == 0x08], SUPPORTED_B)
       == [(FADER, 1, 3), (GRID, 1, 0)])
reply_body = neg_ref.body(neg_ref.T_REPLY, B_ID, A_ID, reply_fields)
reply_msg = neg_ref.sysex(reply_body)
expect("§8.12 reply size", len(reply_msg) == 72, len(reply_msg))
expect_in_ch8("§8.12 reply", "Reply: `%s`" % hx(reply_msg))
reply_lines = ["F0 7D 4D 4F 58 03 7E 00 01 00 41", "42 00 00 00  67 0A 0D 09"] \
    + [hx(neg_ref.tlv(f, v)) for f, v in reply_fields] + [hx(reply_body[-2:]), "F7"]
expect("§8.12 reply lines cover the reply", " ".join(reply_lines).replace("  ", " ")
       == hx(reply_msg))
for line in reply_lines:
    expect_line8("§8.12 reply diagram", line)
# The annotations of both diagrams, each built from the value it names.
G = mox_ref.u_groups
for line, note in [
        (hx(neg_ref.tlv(0, G(a_nonce, 4))), "nonce 0x%08X" % a_nonce),
        (hx(neg_ref.tlv(0x18, G(512, 4))), "max size 512"),
        (hx(neg_ref.tlv(0x28, [4])), "transfers 4"),
        (hx(neg_ref.tlv(0, G(b_nonce, 4))), "nonce 0x%08X" % b_nonce),
        (hx(neg_ref.tlv(8, G(a_nonce, 4))), "nonce echo 0x%08X" % a_nonce),
        (hx(neg_ref.tlv(0x10, G(HELLO_DIGEST, 2))), "hello digest 0x%04X" % HELLO_DIGEST),
        (hx(neg_ref.tlv(0x18, FADER + [1, 3])), "agreed mox.fader 1 (responder minor 3)"),
        (hx(neg_ref.tlv(0x18, GRID + [1, 0])), "agreed mox.grid 1 (minor 0)"),
        (hx(neg_ref.tlv(0x20, G(256, 4))), "max size 256"),
        (hx(neg_ref.tlv(0x28, G(0, 3))), "reassembly 0"),
        (hx(neg_ref.tlv(0x30, [0])), "transfers 0"),
        (hx(neg_ref.tlv(8 << 3, G(1, 2))), "features in effect: 1"),
        (hx(neg_ref.tlv(23 << 3 | 4, [])), "GREASE field (number 23, U=1), empty"),
        ("42 00 00 00  67 0A 0D 09", "source 0x%02X, destination 0x%08X" % (B_ID, A_ID))]:
    expect("§8.12 annotation %s" % note,
           re.search(r"^" + re.escape(line) + r"\s+" + re.escape(note), CH8, re.M) is not None)
REPLY_DIGEST = neg_ref.digest(reply_body)
expect_in_ch8("§8.12 reply digest", "Reply digest `0x%04X` (wire `%s`)"
              % (REPLY_DIGEST, hx(mox_ref.u_groups(REPLY_DIGEST, 2))))
confirm_body = neg_ref.body(neg_ref.T_CONFIRM, A_ID, B_ID, neg_ref.confirm_fields(reply_body))
confirm = neg_ref.sysex(confirm_body)
CONFIRM_CRC = mox_ref.crc14_darc(bytes(confirm_body[:-2]))
expect_in_ch8("§8.12 confirm", "Confirm: `%s`" % hx(confirm))
expect_in_ch8("§8.12 confirm note", "(%d bytes: nonce echo `0x%08X`, reply digest `0x%04X`, CRC "
              "`0x%04X`)" % (len(confirm), b_nonce, REPLY_DIGEST, CONFIRM_CRC))
expect_in_ch8("§8.12 GREASE of the reply", "number 23, `U=1`, empty (`%s`)"
              % hx(neg_ref.tlv(*neg_ref.grease_field(57))))
expect_in_ch8("§8.12 node id", "Node A (`0x%08X`, wire `%s`)"
              % (A_ID, hx(mox_ref.u_groups(A_ID, 4))))

# §8.1.5: the descriptions accept the three messages, every field known.
descs = json.loads(CH8.split("#### 8.1.5")[1].split("```json")[1].split("```")[0])
core_rx = mox_ref.Receiver.from_json({"node_id": B_ID, "extensions": [
    {"owner": [126], "number": 0, "majors": [{"major": 1, "minor": 0,
                                              "messages": [core_error] + descs}]}]})
expect("§8.1.5 types", [m["type"] for m in descs] == [2, 3, 64, 65])
for name, unit, rx_id, n_grease in [("hello", hello, B_ID, 1), ("reply", reply_msg, A_ID, 1),
                                    ("confirm", confirm, B_ID, 0)]:
    core_rx.node_id = rx_id
    r = mox_ref.receive_sysex(bytes(unit), core_rx)
    known = [f for f in (r.fields or []) if f[1]]
    unknown = [f for f in (r.fields or []) if not f[1]]
    expect("§8.1.5 %s delivered" % name, r.outcome == "delivered" and r.reply is None
           and all((f[0] >> 3) % 16 != 7 for f in known) and len(unknown) == n_grease
           and all((f[0] >> 3) % 16 == 7 for f in unknown), repr(r) + repr(r.fields))
goodbye = neg_ref.sysex(neg_ref.body(neg_ref.T_GOODBYE, A_ID, B_ID,
                                     [(0x00, [0x05]), (0x08, mox_ref.u_groups(b_nonce, 4))]))
core_rx.node_id = B_ID
r = mox_ref.receive_sysex(bytes(goodbye), core_rx)
expect("§8.1.5 goodbye", r.outcome == "delivered" and all(f[1] for f in r.fields), repr(r))
# The tables' ids are the descriptions' ids.
for n, fid in [(8, "40 01"), (9, "48 01"), (10, "50 01")]:
    expect("§8.1 id of field %d" % n, hx(v7(n << 3)) == fid)
    computed(fid)
for mtype, fields in [(64, ["`00`", "`08`", "`10`", "`18`", "`20`", "`28`", "`30`", "`40 01`"]),
                      (65, ["`00`", "`08`", "`10`", "`18`", "`20`", "`28`", "`30`", "`40 01`",
                            "`48 01`", "`50 01`"])]:
    desc = next((m for m in descs if m["type"] == mtype), {"fields": []})
    expect("§8.1.5 ids of type %d" % mtype, ["`%s`" % hx(v7(f["id"])) for f in desc["fields"]]
           == fields)

# MOX-NEG-063: the largest first hello of 4 extensions x 4 majors, 4 features, 2 GREASE fields
# of 6 bytes (2-byte id, 3 value bytes), a GREASE offer with a 2-byte number, carrier 7D.
big_offers = [[0x7E] + v7(e) + [b for m in range(4) for b in (m + 1, 0)] for e in (1, 2, 3, 4)]
big_offers[0] += [0x77, 0x00]                      # the GREASE major (2 bytes)
big_fields = [(0x00, mox_ref.u_groups(0x0FFFFFFE, 4)), (0x1BC, [1, 2, 3]), (0x1BC, [1, 2, 3])] \
    + [(0x08, o) for o in big_offers] + [(0x08, [0x7E] + v7(1015) + [0x77, 0x00]),
                                         (0x18, mox_ref.u_groups(512, 4)),
                                         (0x20, mox_ref.u_groups(1024, 3)), (0x28, [4]),
                                         (0x30, [0x01, 0] * 4 + [0x77, 0x7F])]
expect("grease field of 6 bytes", len(neg_ref.tlv(0x1BC, [1, 2, 3])) == 6
       and (0x1BC >> 3) % 16 == 7)
big = neg_ref.sysex(neg_ref.body(neg_ref.T_HELLO, 1, neg_ref.BROADCAST, big_fields))
expect_in_ch8("MOX-NEG-063 largest hello", "the largest hello is %d bytes" % len(big))
expect("MOX-NEG-063 largest hello fits", len(big) <= 128, len(big))
expect_in_ch8("MOX-NEG-063 GREASE sizes", "`max_fields` fields of 6 bytes, a GREASE offer of "
              "%d bytes" % len(neg_ref.tlv(0x08, [0x7E] + v7(1015) + [0x77, 0x00])))

# MOX-NEG-091: the default schedule.
sends, t_now = [], 0
for k in range(1, 5):
    sends.append(t_now)
    t_now += min(250 * 2 ** (k - 1), 4000)
expect("MOX-NEG-091 schedule", sends == [0, 250, 750, 1750] and t_now == 3750)
expect_in_ch8("MOX-NEG-091 text", "hellos go out at 0, 250, 750 and 1 750 ms and the give-up "
              "comes at 3 750 ms")

# §8.7.6: row n is MOX-NEG-2nn, rows 1-40 in order, and every row id is a requirement id.
rows8 = re.findall(r"^\| \*\*MOX-NEG-(\d{3})\*\* \| (\d+) \|", CH8, re.M)
expect("§8.7.6 rows", [(int(a), int(b)) for a, b in rows8]
       == [(200 + n, n) for n in range(1, 41)], repr(rows8[:3]))

# --- completeness: every multi-byte hex string in back-quotes was built above -------------

computed(hx(b"MOX"), hx(fader), hx(request), hx(request_rc), hx(reply), hx(chunk1), hx(chunk2),
         hx(mox_msg), hx(struct.pack(">f", 1.0)), hx("é".encode("utf-8")),
         hx([0x81, 0x02, 0x83]), hx(struct.pack(">f", position)),
         hx(mox_ref.u_groups(0x0FFFFFFF, 4)), hx([0x7E] + v7(0)), hx([0x7E] + v7(1)),
         hx([0x7E] + v7(2)), hx(v7(448 << 3 | 7)), hx(section),
         hx(sysex([0x7D], [])), hx([0x20, 0x7E, 0x01, 0x01, 0x01, 0x01]),
         hx([0x08, 0x7E, 0x01, 0x01, 0x01, 0x01]),
         "00 00 00",  # the three-byte owner of Appendix A: a value named, not an example
         "F0 7E 00 0D",  # the MIDI-CI prefix of §15.8, completed with bytes in `rows`
         )
for found in sorted(set(re.findall(r"`([0-9A-F]{2}(?: [0-9A-F]{2})+)[^`]*`", TEXT))):
    expect("hex in text was computed: %s" % found, any(found in c for c in COMPUTED))

if FAILURES:
    for f in FAILURES:
        print("FAIL", f)
    print("%d of %d checks failed" % (len(FAILURES), CHECKS[0]))
    sys.exit(1)
print("all %d example checks passed" % CHECKS[0])
