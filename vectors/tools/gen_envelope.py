#!/usr/bin/env python3
"""Generates the envelope vector files (vectors/envelope/*.json) for the MOX envelope of issue 5:
the SysEx binding, the OSC binding, chunked messages and the lossless bridge.

Messages are built with a small reference encoder written here from docs/design/envelope.md and
spec/mox.md (varint "v7", TLV fields, CRC-14/DARC, the SysEx and OSC framings), independent of
the Rust code. Expected outcomes are labelled by hand, per case, from the receiver pipeline
(spec chapter 15); no case takes its expectation from a decoder, and nothing is ever
regenerated from mox-codec's output. A separate small pipeline at the end re-derives every
label as a cross-check only: when it disagrees, the generator stops and a person rereads the
spec (it caught hand-labelling slips that way).

Every case names the requirement ids it tests. The generator refuses to write anything when an
id does not occur in the specification (default: spec/mox.md of this repository; override with
--spec PATH or MOX_SPEC=PATH).

Run from anywhere:
    python3 vectors/tools/gen_envelope.py [--spec PATH]"""
import argparse
import json
import os
import pathlib
import re
import struct
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPO = ROOT.parent
VERSION = json.loads((ROOT / "manifest.json").read_text())["corpus_version"]


def h(s):
    return bytes.fromhex(s.replace(" ", ""))


def x(b):
    return bytes(b).hex()


# --------------------------------------------------------------------------------------------
# Reference encoder (design §3.3, §3.4, §3.6, §4.2)

def varint(v):
    """v7: LSB-first groups of 6 bits, bit 6 = more, at most 3 bytes, minimal (design §3.4)."""
    assert 0 <= v < 1 << 18, v
    if v < 64:
        return bytes([v])
    if v < 4096:
        return bytes([0x40 | (v & 0x3F), v >> 6])
    return bytes([0x40 | (v & 0x3F), 0x40 | ((v >> 6) & 0x3F), v >> 12])


assert varint(0) == h("00") and varint(63) == h("3f") and varint(64) == h("40 01")
assert varint(4095) == h("7f 3f") and varint(4096) == h("40 40 01") and varint(262143) == h("7f 7f 3f")
# The GREASE ids the design lists on the wire (§2.3): n 7 -> 38, 3C; n 23 -> 78 02, 7C 02; n 39 -> 78 04.
assert varint(7 << 3) == h("38") and varint(7 << 3 | 4) == h("3c")
assert varint(23 << 3) == h("78 02") and varint(23 << 3 | 4) == h("7c 02") and varint(39 << 3) == h("78 04")


def crc14_darc(data):
    """CRC-14/DARC: width 14, poly 0x0805, init 0, refin/refout, xorout 0 (reveng catalogue)."""
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x2804 if crc & 1 else crc >> 1  # 0x2804 = 0x0805 reflected in 14 bits
    return crc


assert crc14_darc(b"123456789") == 0x082D, "CRC-14/DARC check value"


def crc_bytes(body):
    c = crc14_darc(body)
    return bytes([c & 0x7F, c >> 7])


def node(v):
    """A 28-bit node id as 4 bytes, least significant 7-bit group first (spec §1.3, MIDI-CI MUID)."""
    assert 0 <= v < 1 << 28
    return bytes([(v >> s) & 0x7F for s in (0, 7, 14, 21)])


def tlv(fid, value):
    return varint(fid) + varint(len(value)) + bytes(value)


def u(v, width):
    """An unsigned integer of `width` 7-bit groups, least significant first."""
    assert 0 <= v < 1 << (7 * width)
    return bytes([(v >> (7 * i)) & 0x7F for i in range(width)])


def i_(v, width):
    """A two's-complement integer in `width` 7-bit groups."""
    return u(v & ((1 << (7 * width)) - 1), width)


def mcoded7(data):
    """Mcoded7 (spec §6.4): groups of up to 7 bytes, each after a header byte whose bit 6 - j is
    the MSB of the group's byte j."""
    out = bytearray()
    for g in range(0, len(data), 7):
        grp = data[g:g + 7]
        out.append(sum((c >> 7) << (6 - j) for j, c in enumerate(grp)))
        out += bytes(c & 0x7F for c in grp)
    return bytes(out)


assert mcoded7(h("81 02 83")) == h("50 01 02 03") and mcoded7(h("3f 80 00 00")) == h("20 3f 00 00 00")

OWN, OTHER, BROADCAST = 0x0123456, 0x0654321, 0x0FFFFFFF


def header(owner, number, major, minor, mtype, fmt=0, rsv=0, H=0, K=0, src=None, dst=None):
    A = int(dst is not None)
    hdr = fmt << 5 | rsv << 3 | H << 2 | A << 1 | K
    out = bytes([hdr]) + bytes(owner) + varint(number) + bytes([major, minor, mtype])
    if A:
        out += node(src) + node(dst)
    return out


def body(owner, number, major, minor, mtype, fields=b"", **kw):
    """An envelope body: header, field bytes, and the CRC when K=1."""
    b = header(owner, number, major, minor, mtype, **kw) + bytes(fields)
    if kw.get("K"):
        b += crc_bytes(b)
    return b


def sysex(b, carrier=h("7d")):
    return h("f0") + bytes(carrier) + h("4d 4f 58") + bytes(b) + h("f7")


def osc_str(s):
    b = s.encode("latin-1") + b"\0"
    return b + b"\0" * (-len(b) % 4)


def osc_blob(b):
    return struct.pack(">I", len(b)) + bytes(b) + b"\0" * (-len(b) % 4)


def osc_msg(address, tags=None, args=b""):
    out = osc_str(address)
    if tags is not None:
        out += osc_str("," + tags)
    return out + args


def mox_osc(b, tags="b", more=b""):
    return osc_msg("/mox", tags, osc_blob(b) + more)


def osc_float(address, v):
    return osc_msg(address, "f", struct.pack(">f", v))


def bundle(*elements, timetag=1):
    out = b"#bundle\0" + struct.pack(">Q", timetag)
    for e in elements:
        out += struct.pack(">I", len(e)) + e
    return out


def chunk_header(tid, total, number, length):
    """Spec §11.2 (MOX-CHK-001, -002)."""
    return bytes([tid]) + u(total, 2) + u(number, 2) + u(length, 2)


assert chunk_header(5, 300, 129, 16383) == h("05 2c 02 01 01 7f 7f")


# --------------------------------------------------------------------------------------------
# The design's worked examples, byte for byte (§3.7, §4.3)

FADER, CORE, TEST, VENDOR = h("7e"), h("7e"), h("7d"), h("00 21 09")
FIELDS_37 = tlv(0x00, [3]) + tlv(0x08, u(8192, 2)) + tlv(0x10, h("7f 20 00"))
BODY_37 = body(FADER, 1, 1, 1, 0x01, FIELDS_37, K=1)
SYSEX_37 = sysex(BODY_37)
assert SYSEX_37 == h("F0 7D 4D 4F 58 01 7E 01 01 01 01 00 01 03 08 02 00 40 10 03 7F 20 00 61 68 F7"), "design §3.7"
assert crc14_darc(BODY_37[:-2]) == 0x3461 and len(SYSEX_37) == 26 and len(BODY_37) == 20
FALLBACK_43 = osc_float("/strip/3/fader", 8192 / 16383)
assert FALLBACK_43[-4:] == h("3f 00 02 00")
BUNDLE_43 = bundle(mox_osc(BODY_37), FALLBACK_43)
assert BUNDLE_43 == h(
    "23 62 75 6E 64 6C 65 00 00 00 00 00 00 00 00 01"
    "00 00 00 24"
    "2F 6D 6F 78 00 00 00 00 2C 62 00 00"
    "00 00 00 14"
    "01 7E 01 01 01 01 00 01 03 08 02 00 40 10 03 7F"
    "20 00 61 68"
    "00 00 00 18"
    "2F 73 74 72 69 70 2F 33 2F 66 61 64 65 72 00 00"
    "2C 66 00 00 3F 00 02 00"), "design §4.3"
assert len(BUNDLE_43) == 84 and len(mox_osc(BODY_37)) == 36  # design §4.1 table
assert BUNDLE_43[0x24:0x38] == SYSEX_37[5:25]  # design §4.4: the blob is the body


# --------------------------------------------------------------------------------------------
# Receiver descriptions (design §A.3a), defined once per file and referenced by name

def fd(fid, ftype, added=0, name=None, **kw):
    """A field definition (spec §15.2); `name` is for this file's readers only."""
    d = {"id": fid, "type": ftype, "added": added}
    d.update(kw)
    return d


def record(depth):
    """A record field 0x50 holding a u7 and, `depth` - 1 levels further down, itself again."""
    fields = [fd(0x00, "u7", name="x")]
    if depth > 1:
        fields.append(record(depth - 1))
    return fd(0x50, "record", fields=fields)


FADER_1_0 = [
    {"type": 0x01, "name": "strip-state", "fields": [
        fd(0x00, "u7", name="strip", max=31), fd(0x08, "u14", name="position")]},
    {"type": 0x40, "name": "strip-query", "fields": [fd(0x00, "u7", name="strip", max=31)]},
]
FADER_1_3 = [
    {"type": 0x01, "name": "strip-state", "fields": [
        fd(0x00, "u7", name="strip", max=31), fd(0x08, "u14", name="position"),
        fd(0x10, "bytes7", 1, name="colour", max_len=3),
        fd(0x18, "enum7", 2, name="mode", values=[0, 1, 2]),
        fd(0x29, "bool", 3, name="lock")]},
    {"type": 0x40, "name": "strip-query", "fields": [fd(0x00, "u7", name="strip", max=31)]},
]
CORE_1_0 = [
    {"type": 0x01, "name": "error", "fields": [
        fd(0x00, "u7", name="code"), fd(0x08, "bytes7", name="original-extension", max_len=6),
        fd(0x10, "u14", name="original-version"), fd(0x18, "u7", name="original-type"),
        fd(0x20, "bytes7", name="field-id", max_len=3), fd(0x28, "u21", name="retry-after"),
        fd(0x30, "u14", name="request-id"), fd(0x40, "u21", name="offset"),
        fd(0x48, "text7", name="text", max_len=64)]},
    {"type": 0x02, "name": "goodbye", "fields": []},
    {"type": 0x40, "name": "hello", "fields": []},
    {"type": 0x41, "name": "hello-reply", "fields": []},
]
TEST_1_0 = [
    {"type": 0x02, "name": "sample", "fields": [
        fd(0x00, "u7", name="level", min=0, max=100),
        fd(0x08, "u14", name="span", min=10, max=10000),
        fd(0x10, "u21", name="count"),
        fd(0x18, "i14", name="offset", min=-1000, max=1000),
        fd(0x20, "bool", name="on"),
        fd(0x28, "enum7", name="mode", values=[0, 1, 2, 5]),
        fd(0x30, "text7", name="name", max_len=8),
        fd(0x40, "bytes7", name="data"),
        fd(0x48, "u7", name="tag", repeated=True),
        record(6),
        fd(0x59, "u7", name="must"),
        fd(0x60, "u28", name="big"),
        fd(0x69, "enum7", name="policy", values=[0, 1]),
        fd(0x70, "f32", name="gain"),
        fd(0x78, "utf8", name="label", max_len=4),
        fd(0x80, "bytes", name="blob")]},
    {"type": 0x41, "name": "sample-request", "fields": [fd(0x00, "u7", name="level", min=0, max=100)]},
    {"type": 0x03, "name": "widths", "fields": [
        fd(0x00, "i7", name="trim", min=-10, max=10),
        fd(0x08, "i21", name="shift", min=-1000000, max=1000000),
        fd(0x10, "i28", name="debt", max=0),
        fd(0x18, "u21", name="rate", min=100, max=2000000),
        fd(0x20, "u28", name="serial", min=1, max=0x0FFFFFFE),
        fd(0x28, "record", name="limits", fields=[fd(0x00, "u7", name="low", max=10), fd(0x08, "i7", name="bias")]),
        fd(0x30, "i7", name="any7"),
        fd(0x40, "i28", name="any28")]},
]
VENDOR_2_0 = [{"type": 0x03, "name": "vendor-state", "fields": [fd(0x00, "u7", name="value")]}]


def ext(owner, number, major, minor, messages, name):
    """An extension of a receiver description; `name` is for this file's readers only."""
    msgs = [{"type": m["type"], "fields": m["fields"]} for m in messages]
    return {"owner": list(owner), "number": number, "majors": [{"major": major, "minor": minor, "messages": msgs}]}


E_CORE = ext(CORE, 0, 1, 0, CORE_1_0, "mox.core")
RECEIVERS = {
    "fader-1.0": {"node_id": OWN, "extensions": [E_CORE, ext(FADER, 1, 1, 0, FADER_1_0, "mox.fader")]},
    "fader-1.3": {"node_id": OWN, "extensions": [E_CORE, ext(FADER, 1, 1, 3, FADER_1_3, "mox.fader")]},
    "lab": {"node_id": OWN, "extensions": [
        E_CORE, ext(FADER, 1, 1, 3, FADER_1_3, "mox.fader"), ext(TEST, 1, 1, 0, TEST_1_0, "vectors.test"),
        ext(VENDOR, 300, 2, 0, VENDOR_2_0, "vendor.state")]},
    "lab-small": {"node_id": OWN, "limits": {"max_transfer_bytes": 20}, "extensions": [
        E_CORE, ext(FADER, 1, 1, 3, FADER_1_3, "mox.fader")]},
    "lab-tight": {"node_id": OWN, "limits": {"max_fields": 4, "max_depth": 1}, "extensions": [
        E_CORE, ext(TEST, 1, 1, 0, TEST_1_0, "vectors.test")]},
    "plain": {"node_id": OWN, "extensions": [E_CORE]},
}


# --------------------------------------------------------------------------------------------
# Requirement ids. The keys are topics; the values must be ids of spec/mox.md (checked below).

REQ = {
    "model": "MOX-MOD-001",          # the parts of a message
    "raw": "MOX-MOD-003",            # order preserved, unknown fields surfaced as data
    "reencode": "MOX-MOD-004",       # re-encoding is byte-exact
    "one-body": "MOX-MOD-002",       # one body on both bindings
    "sysex-frame": "MOX-SYX-001",    # F0 carrier 4D 4F 58 body F7
    "carrier": "MOX-SYX-004",        # any carrier but 7E/7F accepted
    "not-mox": "MOX-SYX-005",        # the not-mox shapes, in order
    "seven-bit": "MOX-SYX-005",      # a byte above 7F: not-mox (not-seven-bit)
    "hdr-format": "MOX-SYX-011",     # format bits != 00: ignored
    "hdr-reserved": "MOX-SYX-012",   # reserved bits: malformed
    "empty-body": "MOX-SYX-013",     # empty body: truncated-header
    "hdr-layout": "MOX-SYX-020",     # body layout
    "hdr-truncated": "MOX-SYX-022",  # truncated header, number varint errors
    "owner": "MOX-SYX-030",          # 1- or 3-byte owner
    "number": "MOX-SYX-032",         # extension number varint
    "major-zero": "MOX-SYX-040",     # major 0 is rejected, not malformed
    "addressed": "MOX-SYX-050",      # node ids, LSB group first
    "reserved-node": "MOX-SYX-051",  # broadcast and reserved node ids
    "unaddressed": "MOX-SYX-053",    # A=0 counts as broadcast
    "crc": "MOX-SYX-061",            # receivers verify, silent discard
    "crc-layout": "MOX-SYX-060",     # CRC over the body, LSB group first
    "chunked": "MOX-SYX-070",        # H=1: chunk header + slice of the field section
    "chunk-header-same": "MOX-SYX-072",  # later chunks' headers compared with the first's
    "chunk-support": "MOX-SYX-073",  # step 6 on every chunk
    "chunk-deliver": "MOX-SYX-074",  # the reassembled section goes to step 8
    "osc-address": "MOX-OSC-001",    # /mox ,b <body>
    "osc-literal": "MOX-OSC-003",    # the address is compared literally
    "osc-shape": "MOX-OSC-004",      # not-mox OSC shapes
    "osc-trailing": "MOX-OSC-005",   # arguments after the blob ignored
    "osc-seven-bit": "MOX-OSC-006",  # blob byte above 7F: malformed
    "osc-alone": "MOX-OSC-007",      # a /mox message outside a bundle
    "osc-group": "MOX-OSC-012",      # fallbacks suppressed when supported
    "osc-groups": "MOX-OSC-010",     # group formation
    "osc-nested": "MOX-OSC-011",     # a nested bundle is one fallback element
    "osc-siblings": "MOX-OSC-015",   # one invalid element does not change its siblings
    "varint": "MOX-FLD-001",         # v7 varint: 3 bytes, minimal, checked byte by byte
    "flags": "MOX-FLD-010",          # the id's flag bits are part of the id
    "flags-ignore": "MOX-FLD-011",   # the C/R table (C=0 R=0)
    "flags-drop": "MOX-FLD-011",
    "flags-drop-reply": "MOX-FLD-011",
    "flags-notify": "MOX-FLD-011",
    "atomic": "MOX-FLD-012",         # validate every field before acting
    "u-ignored": "MOX-FLD-013",      # U is ignored by final receivers
    "known-flags": "MOX-FLD-014",    # flags of known fields carry no rule
    "tlv": "MOX-FLD-020",            # a section ends exactly at its end
    "overrun": "MOX-FLD-021",        # field-overrun
    "order": "MOX-FLD-022",          # any order, preserved
    "duplicate": "MOX-FLD-023",      # duplicates of known non-repeated fields
    "length": "MOX-FLD-024",         # bad-field-length
    "range": "MOX-FLD-025",          # value-out-of-range
    "check-order": "MOX-FLD-026",    # the order of the checks of one field
    "types": "MOX-FLD-030",          # value types and max_len
    "enum": "MOX-FLD-031",           # unlisted enum7 value: unknown field
    "record": "MOX-FLD-034",         # records: the same rules inside
    "limits": "MOX-FLD-040",         # too-many-fields, counted over the whole message
    "depth": "MOX-FLD-041",          # record-too-deep
    "request-id": "MOX-FLD-050",     # envelope field 449 known everywhere
    "envelope-fields": "MOX-FLD-051",  # other envelope field numbers: unknown
    "ver-higher": "MOX-VER-010",
    "ver-lower": "MOX-VER-011",
    "ver-any-minor": "MOX-VER-012",
    "ver-major": "MOX-VER-020",
    "ver-ext": "MOX-VER-021",
    "ver-type": "MOX-VER-022",
    "no-error-to-error": "MOX-ERR-011",
    "one-reply": "MOX-ERR-012",
    "broadcast": "MOX-ERR-020",      # eligibility
    "reserved-bit-eligible": "MOX-ERR-022",
    "codes": "MOX-ERR-030",
    "chunk-codes": "MOX-ERR-031",
    "grease-field": "MOX-REG-052",   # GREASE handled like any unknown value
    "grease-ext": "MOX-REG-003",
    "grease-major": "MOX-REG-030",
    "grease-type": "MOX-REG-020",
    "grease-reencode": "MOX-REG-054",
    "field-ranges": "MOX-REG-011",   # experimental and reserved numbers: no special path
    "owner-7f": "MOX-REG-002",
    "bridge": "MOX-BRG-001",         # pass-through is byte-exact
    "bridge-exact": "MOX-BRG-001",
    "bridge-back": "MOX-BRG-002",    # the two conversions
    "bridge-forward": "MOX-BRG-003", # other destinations and formats are forwarded
    "bridge-crc": "MOX-BRG-004",     # a bridge SHOULD verify the CRC
    "rcv-order": "MOX-RCV-001",      # steps in order, the first failure decides
    "rcv-header": "MOX-RCV-025",
    "rcv-dst": "MOX-RCV-026",
    "rcv-support": "MOX-RCV-027",
    "rcv-chunk": "MOX-RCV-028",
    "rcv-field": "MOX-RCV-060",
    "rcv-flags": "MOX-RCV-070",
    "rcv-notify": "MOX-RCV-071",
    "chk-order": "MOX-CHK-034",
    "chk-oos": "MOX-CHK-035",
    "chk-dup": "MOX-CHK-032",
    "chk-conflict": "MOX-CHK-033",
    "chk-key": "MOX-CHK-031",
    "chk-deliver": "MOX-CHK-043",
    "chk-one": "MOX-CHK-044",
    "chk-abandon": "MOX-CHK-042",
    "chk-stale": "MOX-CHK-040",
    "chk-large": "MOX-CHK-038",
    "chk-trunc": "MOX-CHK-003",
    "chk-streaming": "MOX-CHK-012",
    "chk-count": "MOX-CHK-013",      # number above a nonzero total
    "chk-abandon-ignore": "MOX-CHK-014",
    "chk-total": "MOX-CHK-036",      # the expected chunk's total agrees
    "chk-length": "MOX-CHK-037",     # L, at most L, first chunk not empty
    "chk-slots": "MOX-CHK-039",      # too-many-transfers, stale slots reclaimed
    "chk-clock": "MOX-CHK-041",      # the clock going backwards
    "rcv-chunk-header": "MOX-RCV-050",  # §11.2 checks first, touching no transfer
    "rcv-chunk-rules": "MOX-RCV-051",
    "rcv-chunk-first": "MOX-RCV-052",   # the first chunk's header (and K)
    "rcv-chunk-order": "MOX-RCV-053",   # the order of the checks of rules 5, 7 and 10
    "rcv-chunk-compare": "MOX-RCV-054",
    "chunk-error-message": "MOX-SYX-076",
    "osc-chunked": "MOX-OSC-021",
    "value-decode": "MOX-FLD-030",
    "f32-any": "MOX-FLD-033",
    "record-rules": "MOX-FLD-034",
    "field-limit": "MOX-FLD-040",
    "bridge-group": "MOX-BRG-006",
}
SPEC = "spec/mox.md"


# --------------------------------------------------------------------------------------------
# Cases

FILES = {}


def add(area, name, kind, desc, reqs, source, fields, expected, receiver=None):
    name = name.replace(".", "-")  # ids are lower-case kebab-case: version-1-1-to-1-0
    assert re.fullmatch(r"[a-z0-9-]+", name), name
    c = {"id": f"envelope::{area}::{name}", "description": desc,
         # The spec alone is the source (the independent oracle reads nothing else); `source`
         # arguments name the design-record sections the cases were first written from.
         "source": f"{SPEC} " + ", ".join(dict.fromkeys(REQ[r] for r in reqs)),
         "requirements": list(dict.fromkeys(REQ[r] for r in reqs)), "kind": kind}
    if receiver:
        assert receiver in RECEIVERS, receiver
        c["receiver"] = receiver
    c.update(fields)
    c["expected"] = expected
    for rid in pipeline_requirements(kind, expected):
        if rid not in c["requirements"]:
            c["requirements"].append(rid)
    FILES.setdefault(area, []).append(c)


# Every reception also exercises the pipeline step of spec §15.3 that decided it; the case
# cites that step's requirement too (derived from the hand-labelled outcome, never computed).
HEADER_CLASSES = {"truncated-header", "varint-overlong", "varint-too-long"}


def step_requirement(reception, osc):
    out, cls = reception.get("outcome"), reception.get("class")
    if out == "not-mox":
        return ["MOX-RCV-020"]
    if out == "malformed":
        if cls == "not-seven-bit":
            return ["MOX-RCV-021"] if osc else []
        if cls == "reserved-bit-set":
            return ["MOX-RCV-024"]
        if cls in HEADER_CLASSES:
            return ["MOX-RCV-025"]
        return ["MOX-RCV-060"]
    return {"ignored": ["MOX-RCV-022"], "discarded": ["MOX-RCV-023"],
            "other-destination": ["MOX-RCV-026"], "rejected": ["MOX-RCV-027"],
            "consumed": ["MOX-RCV-028"], "dropped": ["MOX-RCV-070"],
            "delivered": ["MOX-RCV-029"] + (["MOX-RCV-071"] if (reception.get("reply") or {}).get("code") == "24" else [])
            }.get(out, [])


def receptions(kind, value):
    if kind == "envelope-sysex":
        yield value
    elif kind == "envelope-chunked":
        yield from value
    elif kind == "envelope-osc":
        for element in value:
            if element.get("action") == "mox" and "result" in element:
                yield element["result"]


def pipeline_requirements(kind, expected):
    if kind not in ("envelope-sysex", "envelope-osc", "envelope-chunked"):
        return []
    values = [expected["value"]] if expected.get("result") == "valid" else \
        [o["value"] for o in expected.get("outcomes", []) if "value" in o]
    out = []
    for value in values:
        for reception in receptions(kind, value):
            if isinstance(reception, dict):
                out += step_requirement(reception, kind == "envelope-osc")
    return list(dict.fromkeys(out))


def valid(v):
    return {"result": "valid", "value": v}


def acceptable(flag, *values):
    return {"result": "acceptable", "flag": flag, "outcomes": [valid(v) for v in values]}


# An expected reception (design §A.3). Fields of a delivered message are written as
# (id, value bytes, known) triples, labelled by hand; `wire` turns the same triples into bytes.

def F(fid, value, known):
    return (fid, bytes(value), known)


def wire(fields):
    return b"".join(tlv(fid, v) for fid, v, _ in fields)


def view(owner, number, major, minor, mtype, fields, carrier=None, K=0, src=None, dst=None):
    m = {}
    if carrier is not None:
        m["carrier"] = x(carrier)
    m.update({"check": bool(K), "owner": x(owner), "number": number, "major": major,
              "minor": minor, "type": mtype})
    if dst is not None:
        m["src"], m["dst"] = src, dst
    m["fields"] = [{"id": fid, "known": known, "value": x(v)} for fid, v, known in fields]
    return m


def outcome(name, cls=None, reply=None, field=None, message=None):
    """A reception (spec §15.3, §15.4): outcome, class, the reply when eligible, the message."""
    o = {"outcome": name}
    if cls:
        o["class"] = cls
    if reply:
        o["reply"] = {"code": reply}
        if field is not None:
            o["reply"]["field"] = field
    if message is not None:
        o["message"] = message
    return o


class Msg:
    """One MOX message: builds its body, SysEx and OSC forms and the expected view."""

    def __init__(self, owner=FADER, number=1, major=1, minor=0, mtype=0x01, fields=(), K=0,
                 src=None, dst=None, carrier=h("7d"), raw=None, fmt=0, rsv=0):
        self.owner, self.number, self.major, self.minor, self.mtype = owner, number, major, minor, mtype
        self.fields, self.K, self.src, self.dst, self.carrier = list(fields), K, src, dst, carrier
        if dst is not None and src is None:
            self.src = OTHER if dst != OTHER else OWN
        self.raw = raw  # field bytes that are not a list of well-formed triples
        self.fmt, self.rsv = fmt, rsv

    def body(self):
        fb = self.raw if self.raw is not None else wire(self.fields)
        return body(self.owner, self.number, self.major, self.minor, self.mtype, fb, K=self.K,
                    src=self.src, dst=self.dst, fmt=self.fmt, rsv=self.rsv)

    def sysex(self):
        return sysex(self.body(), self.carrier)

    def view(self, osc=False):
        return view(self.owner, self.number, self.major, self.minor, self.mtype, self.fields,
                    None if osc else self.carrier, self.K, self.src, self.dst)

    def delivered(self, osc=False, reply=None, field=None):
        return outcome("delivered", reply=reply, field=field, message=self.view(osc))


def sx(name, desc, reqs, source, receiver, data, expect):
    add("sysex", name, "envelope-sysex", desc, reqs, source, {"hex": x(data)}, valid(expect), receiver)


def both(name, desc, reqs, source, receiver, m, expect):
    """The same message on both bindings; `expect(osc)` gives the outcome for each."""
    sx(name, desc, reqs, source, receiver, m.sysex(), expect(False))
    oc(name, desc + " (OSC: /mox alone)", reqs + ["osc-address"], source + ", §4.2", receiver,
       mox_osc(m.body()), [mox_el(expect(True))])


def oc(name, desc, reqs, source, receiver, data, elements, alt=None):
    exp = valid(elements) if alt is None else acceptable(alt[0], elements, alt[1])
    add("osc", name, "envelope-osc", desc, reqs, source, {"hex": x(data)}, exp, receiver)


def mox_el(result):
    return {"address": "/mox", "action": "mox", "result": result}


def plain(address):
    return {"address": address, "action": "plain"}


def suppress(address):
    return {"address": address, "action": "suppress"}


STRIP = F(0x00, [3], True)
POS = F(0x08, u(8192, 2), True)
COLOUR_UNKNOWN = F(0x10, h("7f 20 00"), False)
COLOUR = F(0x10, h("7f 20 00"), True)

# --- the worked example -----------------------------------------------------------------------
m37 = Msg(minor=1, fields=[STRIP, POS, COLOUR_UNKNOWN], K=1)
assert m37.sysex() == SYSEX_37
sx("worked-example-v1.0-receiver", "Design §3.7: a v1.1 fader message to a v1.0 receiver: strip and position known, colour (10) kept as an unknown field",
   ["model", "ver-higher", "flags-ignore", "crc"], "§3.7", "fader-1.0", SYSEX_37, m37.delivered())
m37b = Msg(minor=1, fields=[STRIP, POS, COLOUR], K=1)
sx("worked-example-v1.3-receiver", "Design §3.7 to a receiver at 1.3, which knows colour (added in 1.1)",
   ["model", "ver-lower", "crc"], "§3.7", "fader-1.3", SYSEX_37, m37b.delivered())
for fid, label, result in [
        (0x11, "critical", lambda m: outcome("dropped", "unknown-critical-field")),
        (0x13, "critical-report", lambda m: outcome("dropped", "unknown-critical-field"))]:
    m = Msg(minor=1, fields=[STRIP, POS, F(fid, h("7f 20 00"), False)], K=1)
    sx(f"worked-example-colour-{label}", f"Design §3.7 with the colour id {fid:02X}: the v1.0 receiver drops the message; A=0 is a broadcast, so no reply",
       ["flags-drop" if fid == 0x11 else "flags-drop-reply", "broadcast"], "§3.7", "fader-1.0", m.sysex(), result(m))
m = Msg(minor=1, fields=[STRIP, POS, COLOUR_UNKNOWN])
sx("worked-example-unchecked", "Design §3.7 with K=0 (no CRC), as on USB", ["crc", "model"], "§3.7, §3.6", "fader-1.0", m.sysex(), m.delivered())
m = Msg(minor=1, fields=[STRIP, POS, COLOUR_UNKNOWN], K=1, carrier=VENDOR)
sx("carrier-three-byte", "A 3-byte carrier id (00 21 09) is accepted; the body is the same", ["carrier", "sysex-frame"], "§3.1", "fader-1.0", m.sysex(), m.delivered())
m = Msg(minor=1, fields=[STRIP, POS, COLOUR_UNKNOWN], K=1, carrier=h("41"))
sx("carrier-other-vendor", "MOX is accepted under any vendor's carrier id (41)", ["carrier"], "§3.1", "fader-1.0", m.sysex(), m.delivered())

# --- step 1: not MOX --------------------------------------------------------------------------
NOT_MOX = outcome("not-mox")
for name, data, desc in [
        ("carrier-7e", h("f0 7e") + SYSEX_37[2:], "Carrier 7E (Universal Non-Real-Time) is never MOX, even with the signature"),
        ("carrier-7f", h("f0 7f") + SYSEX_37[2:], "Carrier 7F (Universal Real-Time) is never MOX"),
        ("signature-wrong", SYSEX_37[:4] + h("59") + SYSEX_37[5:], "Signature 4D 4F 59 is not MOX: legacy traffic"),
        ("signature-lower-case", SYSEX_37[:2] + h("6d 6f 78") + SYSEX_37[5:], "The signature is case-sensitive bytes: 6D 6F 78 is not MOX"),
        ("signature-short", h("f0 7d 4d 4f f7"), "A message that ends inside the signature is not MOX"),
        ("carrier-only", h("f0 7d f7"), "A carrier id alone is not MOX"),
        ("three-byte-carrier-no-signature", h("f0 00 21 09 01 02 f7"), "A 3-byte carrier followed by legacy bytes is not MOX"),
        ("three-byte-carrier-cut", h("f0 00 21 f7"), "A carrier starting with 00 with one byte after it before F7"),
        ("nothing-between", h("f0 f7"), "No byte between F0 and F7"),
        ("no-end", SYSEX_37[:-1], "The §3.7 message without its F7"),
        ("no-start", SYSEX_37[1:], "The §3.7 message without its F0")]:
    sx(f"not-mox-{name}", desc, ["sysex-frame", "carrier"], "§3.1, §7 step 1", "lab", data, NOT_MOX)
for name, pos, desc in [("in-value", 13, "a field value byte"), ("in-header", 7, "the extension number"),
                        ("in-crc", 23, "the CRC")]:
    data = bytearray(SYSEX_37)
    data[pos] |= 0x80
    sx(f"not-seven-bit-{name}", f"A byte above 7F in {desc} breaks the 7-bit rule: not MOX (not-seven-bit), never a reply",
       ["seven-bit"], "§3.1, §7 step 1, §A.4", "fader-1.0", bytes(data), outcome("not-mox", "not-seven-bit"))

# --- step 2: format ---------------------------------------------------------------------------
for fmt in (1, 2, 3):
    m = Msg(minor=1, fields=[STRIP, POS], K=1, fmt=fmt)
    sx(f"format-{fmt:02b}", f"Format bits {fmt:02b} (header {m.body()[0]:02X}): another envelope format, ignored silently",
       ["hdr-format"], "§3.2, §7 step 2", "fader-1.0", m.sysex(), outcome("ignored", "unknown-format"))
b = bytearray(Msg(minor=1, fields=[STRIP, POS], K=1, fmt=1).body())
b[-1] ^= 1
sx("format-01-bad-check", "Format 01 with a wrong CRC is ignored, not discarded: step 2 comes before step 3",
   ["hdr-format", "crc"], "§7", "fader-1.0", sysex(bytes(b)), outcome("ignored", "unknown-format"))
m = Msg(minor=1, fields=[STRIP], fmt=3, rsv=3, dst=OWN)
sx("format-11-reserved-bits", "Format 11 with the reserved bits set is ignored: the format is checked first, so no reserved-bit-set reply",
   ["hdr-format", "hdr-reserved"], "§7", "fader-1.0", m.sysex(), outcome("ignored", "unknown-format"))

# --- step 3: check ----------------------------------------------------------------------------
m = Msg(fields=[STRIP, POS], K=1)
sx("check-good", "K=1 with the right CRC-14/DARC over the body", ["crc"], "§3.6", "fader-1.0", m.sysex(), m.delivered())
m = Msg(fields=[STRIP, POS], K=1, dst=OWN, src=OTHER)
sx("check-good-addressed", "The CRC covers the node ids too", ["crc", "addressed"], "§3.6", "fader-1.0", m.sysex(), m.delivered())
DISCARD = outcome("discarded", "bad-check")
for name, mutate, desc in [
        ("low-group", lambda b: b[:-2] + bytes([b[-2] ^ 0x01]) + b[-1:], "the CRC's low group off by one bit"),
        ("high-group", lambda b: b[:-1] + bytes([b[-1] ^ 0x20]), "the CRC's high group off by one bit"),
        ("swapped", lambda b: b[:-2] + bytes([b[-1], b[-2]]), "the CRC's two groups swapped"),
        ("body-bit", lambda b: b[:9] + bytes([b[9] ^ 0x01]) + b[10:], "a flipped bit in a field value (strip 3 -> 2)")]:
    sx(f"check-bad-{name}", f"K=1 with {desc}: discarded silently (bad-check)", ["crc"], "§3.6, §7 step 3",
       "fader-1.0", sysex(mutate(BODY_37)), DISCARD)
b = bytearray(Msg(fields=[STRIP, POS], K=1, dst=OWN).body())
b[-1] ^= 1
sx("check-bad-addressed-no-reply", "A wrong CRC on a message addressed to the receiver: still silent (corrupted addressing cannot be trusted)",
   ["crc", "broadcast"], "§3.6", "fader-1.0", sysex(bytes(b)), DISCARD)
sx("check-missing", "K=1 but the sender appended no CRC: the last two field bytes are taken as the CRC and do not match",
   ["crc"], "§3.6, §A.4", "fader-1.0", sysex(BODY_37[:-2]), DISCARD)
sx("check-missing-short-body", "K=1 and a body of the header byte alone: the CRC bytes are missing (bad-check)",
   ["crc"], "§A.4", "fader-1.0", sysex(h("01")), DISCARD)
sx("check-missing-one-byte", "K=1 and a body of the header byte plus one byte: the CRC bytes are missing",
   ["crc"], "§A.4", "fader-1.0", sysex(h("01 7e")), DISCARD)
sx("check-stray-crc", "K=0 but a CRC (61 68) follows the fields: read as a field whose id varint runs past the end",
   ["crc", "tlv"], "§3.3, §3.6", "fader-1.0", sysex(bytes([0]) + BODY_37[1:]), outcome("malformed", "field-overrun"))

# --- step 4: reserved bits --------------------------------------------------------------------
for rsv in (1, 2, 3):
    m = Msg(fields=[STRIP, POS], rsv=rsv)
    sx(f"reserved-bits-{rsv:02b}", f"Reserved header bits {rsv:02b} (header {m.body()[0]:02X}) with A=0: malformed, no reply (broadcast)",
       ["hdr-reserved", "broadcast"], "§3.2, §7 step 4", "fader-1.0", m.sysex(), outcome("malformed", "reserved-bit-set"))
m = Msg(fields=[STRIP, POS], rsv=2, dst=OWN)
sx("reserved-bits-addressed", "Reserved bit 4 set on a message addressed to the receiver: malformed, reply 07 reserved-bit-set",
   ["hdr-reserved", "broadcast", "codes"], "§3.2, §A.3", "fader-1.0", m.sysex(), outcome("malformed", "reserved-bit-set", "07"))
m = Msg(fields=[STRIP, POS], rsv=1, dst=OTHER, src=OWN + 1)
sx("reserved-bits-other-destination", "Reserved bit set, addressed to another node: step 4 comes before step 5, so malformed, and no reply (not ours)",
   ["hdr-reserved", "broadcast"], "§7", "fader-1.0", m.sysex(), outcome("malformed", "reserved-bit-set"))
m = Msg(fields=[STRIP, POS], rsv=1, dst=BROADCAST)
sx("reserved-bits-broadcast", "Reserved bit set, destination 0FFFFFFF: malformed, no reply",
   ["hdr-reserved", "broadcast"], "§2.1", "fader-1.0", m.sysex(), outcome("malformed", "reserved-bit-set"))
b = bytearray(Msg(fields=[STRIP, POS], K=1, rsv=1).body())
b[-2] ^= 1
sx("reserved-bits-bad-check", "Reserved bit set and a wrong CRC: step 3 comes first, discarded", ["hdr-reserved", "crc"], "§7",
   "fader-1.0", sysex(bytes(b)), DISCARD)
sx("reserved-bits-truncated", "Reserved bit set on a body cut after the owner: reserved-bit-set is found first",
   ["hdr-reserved"], "§7", "fader-1.0", sysex(h("08 7e")), outcome("malformed", "reserved-bit-set"))

# --- header layout and truncation -------------------------------------------------------------
mv = Msg(owner=VENDOR, number=300, major=2, minor=0, mtype=0x03, fields=[F(0x00, [9], True)], dst=OWN, src=OTHER)
full = mv.body()
assert full[:7] == h("02 00 21 09 6c 04 02") and len(full) == 17 + 3
sx("header-three-byte-owner-addressed", "Owner 00 21 09, number 300 (varint 6C 04), version 2.0, type 03, A=1: every header part",
   ["hdr-layout", "addressed", "varint"], "§3.1, §3.2", "lab", mv.sysex(), mv.delivered())
for n in range(17):
    what = ["the header byte", "the owner's first byte", "the owner's second byte", "the owner",
            "the number's first varint byte", "the number", "the major", "the minor", "the type",
            "1 byte of src", "2 bytes of src", "3 bytes of src", "src", "1 byte of dst",
            "2 bytes of dst", "3 bytes of dst", "dst"][n - 1] if n else "nothing"
    sx(f"truncated-header-{n:02d}", f"An A=1 body that ends after {what} ({n} bytes): truncated-header, no reply (the destination is not known)",
       ["hdr-layout", "addressed"], "§3.2, §A.4", "lab", sysex(full[:n]), outcome("malformed", "truncated-header"))
sx("empty-fields", "A message without fields is delivered with an empty field list", ["tlv"], "§3.3", "lab",
   Msg(owner=VENDOR, number=300, major=2, mtype=3).sysex(), Msg(owner=VENDOR, number=300, major=2, mtype=3).delivered())
for name, num, desc, err in [
        ("overlong-2", h("41 00"), "number 1 as 41 00 (a final 00)", "varint-overlong"),
        ("overlong-3", h("6c 44 00"), "number 300 as 6C 44 00 (a final 00)", "varint-overlong"),
        ("too-long", h("41 40 40 00"), "a third byte with bit 6 set", "varint-too-long")]:
    sx(f"header-number-{name}", f"The extension number written with {desc}: malformed ({err})", ["varint", "hdr-layout"],
       "§3.4", "lab", sysex(h("00 7e") + num + h("01 00 01") + wire([STRIP])), outcome("malformed", err))

# --- step 5: destination ----------------------------------------------------------------------
m = Msg(fields=[STRIP, POS], dst=OWN, src=OTHER)
both("addressed-to-me", "A=1, destination = the receiver's node id: delivered with both node ids", ["addressed", "model"], "§3.2", "fader-1.0",
     m, lambda osc: m.delivered(osc))
m = Msg(fields=[STRIP, POS], dst=BROADCAST, src=OTHER)
both("addressed-broadcast", "A=1, destination 0FFFFFFF (broadcast): delivered", ["addressed", "broadcast"], "§1.1", "fader-1.0",
     m, lambda osc: m.delivered(osc))
m = Msg(fields=[STRIP, POS], dst=OTHER, src=OWN + 1)
both("addressed-other", "A=1 for another node: other-destination (a bridge would still forward it)", ["addressed"], "§7 step 5",
     "fader-1.0", m, lambda osc: outcome("other-destination"))
m = Msg(owner=h("7e"), number=9, fields=[STRIP], dst=OTHER, src=OWN + 1)
sx("addressed-other-unknown-extension", "Unknown extension for another node: step 5 comes before step 6, so other-destination, not rejected",
   ["addressed", "ver-ext"], "§7", "fader-1.0", m.sysex(), outcome("other-destination"))
m = Msg(raw=h("00 05 01"), dst=OTHER, src=OWN + 1)
sx("addressed-other-bad-fields", "Overrunning fields in a message for another node: other-destination (its fields are not parsed)",
   ["addressed", "tlv"], "§7", "fader-1.0", m.sysex(), outcome("other-destination"))
m = Msg(fields=[STRIP], dst=0x0FFFFF00, src=OTHER)
sx("addressed-reserved-node-id", "Destination 0FFFFF00 (reserved range) is neither the receiver nor broadcast: other-destination",
   ["addressed"], "§1.1", "fader-1.0", m.sysex(), outcome("other-destination"))

# --- step 6: extension, major, type -----------------------------------------------------------
for name, m, desc, err, code, reqs in [
        ("unknown-extension", Msg(number=9, fields=[STRIP]), "extension 7E 09", "unsupported-extension", "05", ["ver-ext"]),
        ("unknown-owner", Msg(owner=h("00 20 29"), number=1, fields=[STRIP]), "owner 00 20 29", "unsupported-extension", "05", ["ver-ext"]),
        ("unsupported-major", Msg(major=2, fields=[STRIP]), "major 2", "unsupported-version", "02", ["ver-major"]),
        ("major-zero", Msg(major=0, fields=[STRIP]), "major 0", "unsupported-version", "02", ["ver-major"]),
        ("unknown-request-type", Msg(mtype=0x42, fields=[STRIP]), "request type 42", "unsupported-message-type", "01", ["ver-type"]),
        ("unknown-notification-type", Msg(mtype=0x05, fields=[STRIP]), "notification type 05", "unsupported-message-type", None, ["ver-type"])]:
    both(name, f"An unsupported {desc}, A=0: rejected ({err}), no reply", reqs + ["broadcast"], "§5.2, §7 step 6", "fader-1.0",
         m, lambda osc, err=err: outcome("rejected", err))
    m2 = Msg(owner=m.owner, number=m.number, major=m.major, mtype=m.mtype, fields=m.fields, dst=OWN, src=OTHER)
    what = f"reply {code}" if code else "no reply: notification types are never answered"
    both(name + "-addressed", f"An unsupported {desc}, addressed to the receiver: rejected ({err}), {what}", reqs + ["broadcast", "codes"],
         "§5.2, §A.3", "fader-1.0", m2, lambda osc, err=err, code=code: outcome("rejected", err, code))
m = Msg(number=9, fields=[STRIP], dst=BROADCAST, src=OTHER)
sx("unknown-extension-broadcast", "An unknown extension sent to 0FFFFFFF: rejected, no reply", ["ver-ext", "broadcast"], "§2.1",
   "fader-1.0", m.sysex(), outcome("rejected", "unsupported-extension"))
m = Msg(owner=VENDOR, number=300, major=1, mtype=3, fields=[F(0, [1], True)])
sx("vendor-major-1-not-supported", "vendor.state is supported at major 2 only: a 1.0 message is rejected", ["ver-major"], "§5.2", "lab",
   m.sysex(), outcome("rejected", "unsupported-version"))
m = Msg(owner=CORE, number=0, major=1, mtype=0x02)
sx("core-goodbye", "mox.core (7E 00) goodbye: the core extension is known without negotiation", ["model"], "§6.1", "plain", m.sysex(), m.delivered())

# --- GREASE: extension numbers, majors, types -------------------------------------------------
for number in (7, 23, 71, 4103):
    m = Msg(number=number, fields=[STRIP], dst=OWN, src=OTHER)
    sx(f"grease-extension-{number}", f"GREASE extension number {number} (≡ 7 mod 16, varint {x(varint(number))}): never supported, rejected, reply 05",
       ["grease-ext", "ver-ext"], "§2.3", "lab", m.sysex(), outcome("rejected", "unsupported-extension", "05"))
for major in (7, 23, 119):
    m = Msg(major=major, fields=[STRIP], dst=OWN, src=OTHER)
    sx(f"grease-major-{major}", f"GREASE major {major} in a header (senders never do this): rejected, reply 02",
       ["grease-major", "ver-major"], "§2.3", "lab", m.sysex(), outcome("rejected", "unsupported-version", "02"))
for mtype in (0x07, 0x17, 0x27, 0x37):
    m = Msg(mtype=mtype, fields=[F(0x38, h("11 22"), False)], dst=OWN, src=OTHER)
    both(f"grease-type-{mtype:02x}", f"GREASE message type {mtype:02X}: an unknown notification type, rejected without a reply even when addressed",
         ["grease-type", "ver-type"], "§2.3, §A.3", "lab", m, lambda osc: outcome("rejected", "unsupported-message-type"))

# --- step 9: handling flags -------------------------------------------------------------------
ADDR = [("broadcast-a0", None, "A=0"), ("to-me", OWN, "A=1 to the receiver"),
        ("to-all", BROADCAST, "A=1 to 0FFFFFFF"), ("to-other", OTHER, "A=1 to another node")]
for flags in range(8):
    C, R, U = flags & 1, flags >> 1 & 1, flags >> 2 & 1
    fid = 0x38 | flags  # field number 7: GREASE, so unknown with every flag combination (§2.3)
    for tag, dst, adesc in ADDR:
        src = OWN + 1 if dst == OTHER else OTHER if dst is not None else None
        m = Msg(fields=[STRIP, F(fid, h("55"), False), POS], dst=dst, src=src)
        eligible = dst == OWN
        if dst == OTHER:
            res = lambda osc: outcome("other-destination")
            what = "other-destination"
        elif C:
            res = lambda osc, R=R, e=eligible, fid=fid: outcome(
                "dropped", "unknown-critical-field", "06" if R and e else None, fid if R and e else None)
            what = "dropped" + (", reply 06 naming it" if R and eligible else ", no reply")
        else:
            res = lambda osc, R=R, e=eligible, fid=fid, m=m: m.delivered(osc, "24" if R and e else None, fid if R and e else None)
            what = "delivered" + (", reply 24 naming it" if R and eligible else "")
        reqs = [["flags-ignore", "flags-drop", "flags-notify", "flags-drop-reply"][C | R << 1], "broadcast"]
        both(f"flags-c{C}r{R}u{U}-{tag}", f"Unknown field {fid:02X} (C={C} R={R} U={U}) between known fields, {adesc}: {what}",
             reqs, "§2.1, §A.3", "fader-1.0", m, res)
for name, fields, expect, desc, reqs in [
        ("first-critical-decides", [STRIP, F(0x39, b"", False), F(0x3B, b"", False)],
         lambda m: outcome("dropped", "unknown-critical-field"),
         "Two unknown critical fields, 39 (R=0) then 3B (R=1), addressed: the first decides, dropped without a reply", ["flags-drop", "atomic"]),
        ("critical-report-after-critical-silent", [STRIP, F(0x3B, b"", False), F(0x39, b"", False)],
         lambda m: outcome("dropped", "unknown-critical-field", "06", 0x3B),
         "Unknown 3B (C=1 R=1) before 39 (C=1 R=0), addressed: dropped, reply 06 naming 3B", ["flags-drop-reply"]),
        ("notify-then-critical", [STRIP, F(0x3A, b"", False), F(0x3B, h("01"), False)],
         lambda m: outcome("dropped", "unknown-critical-field", "06", 0x3B),
         "Unknown 3A (C=0 R=1) then 3B (C=1 R=1), addressed: the drop wins, reply 06 naming 3B, no 24", ["flags-drop-reply", "flags-notify"]),
        ("two-notify", [STRIP, F(0x3A, h("01"), False), F(0x3E, h("02"), False)],
         lambda m: m.delivered(reply="24", field=0x3A),
         "Two unknown C=0 R=1 fields, addressed: delivered, one reply 24 naming the first", ["flags-notify"]),
        ("critical-at-end", [STRIP, POS, F(0x38, h("01"), False), F(0x39, h("02"), False)],
         lambda m: outcome("dropped", "unknown-critical-field"),
         "A critical unknown field after known and ignorable ones drops the whole message (atomic processing)", ["atomic", "flags-drop"])]:
    m = Msg(fields=fields, dst=OWN, src=OTHER)
    sx(f"flags-{name}", desc, reqs + ["broadcast"], "§2.1, §A.3", "fader-1.0", m.sysex(), expect(m))
m = Msg(raw=wire([STRIP, F(0x39, b"", False)]) + h("08 03 00 40 00"), dst=OWN, src=OTHER)
sx("flags-malformed-after-critical", "An unknown critical field, then a known u14 of length 3: every field is parsed first, so malformed, reply 41",
   ["atomic", "length", "codes"], "§2.1, §7 steps 8-9", "fader-1.0", m.sysex(), outcome("malformed", "bad-field-length", "41"))
m = Msg(owner=CORE, number=0, mtype=0x01, fields=[F(0x00, [0x06], True), F(0x3B, b"", False)], dst=OWN, src=OTHER)
sx("error-reply-not-answered", "A core error message addressed to the receiver with an unknown C=1 R=1 field: dropped, no reply (an error never answers an error)",
   ["broadcast", "flags-drop-reply"], "§2.1 item 3, §A.3", "fader-1.0", m.sysex(), outcome("dropped", "unknown-critical-field"))
m = Msg(owner=CORE, number=0, mtype=0x01, raw=h("00 02 06 00"), dst=OWN, src=OTHER)
sx("error-reply-malformed-not-answered", "A core error message with a u7 code of length 2, addressed: malformed, no reply",
   ["broadcast", "length"], "§2.1 item 3", "fader-1.0", m.sysex(), outcome("malformed", "bad-field-length"))
m = Msg(owner=CORE, number=0, mtype=0x01, fields=[F(0x00, [0x24], True), F(0x20, h("3a"), True), F(0x3A, b"", False)], dst=OWN, src=OTHER)
sx("error-reply-notify-not-answered", "A core error with an unknown C=0 R=1 field, addressed: delivered, no 24 reply",
   ["broadcast", "flags-notify"], "§2.1 item 3", "fader-1.0", m.sysex(), m.delivered())

# A9: an error message is any header with owner 7E, number 0, type 01, whatever its version
for name, major, minor, expect, desc in [
        ("major-2", 2, 0, outcome("rejected", "unsupported-version"), "mox.core 2.0 type 01 (a major the receiver lacks): rejected, and no 02 reply, since it is an error message"),
        ("minor-5", 1, 5, outcome("dropped", "unknown-critical-field"), "mox.core 1.5 type 01 with an unknown 3B (C=1 R=1): dropped, no 06 reply")]:
    m = Msg(owner=CORE, number=0, major=major, minor=minor, mtype=0x01, fields=[F(0x00, [0x06], True), F(0x3B, b"", False)], dst=OWN, src=OTHER)
    sx(f"error-reply-{name}-not-answered", f"An addressed {desc}", ["no-error-to-error", "broadcast"], "§2.1 item 3", "fader-1.0", m.sysex(), expect)

# --- GREASE field ids in every range ----------------------------------------------------------
for n, rng in [(7, "1-byte standard"), (23, "2-byte standard"), (439, "last 2-byte standard"), (455, "envelope (448-511)"),
               (503, "envelope (448-511)"), (519, "3-byte standard"), (12295, "experimental"), (16391, "MOX reserved"),
               (32759, "MOX reserved, the highest")]:
    assert n % 16 == 7
    U = 4 if (n // 16) % 2 else 0  # vary U between the numbers
    fid = n << 3 | U
    val = bytes([(n * 7 + k) & 0x7F for k in range(n % 4)])
    m = Msg(fields=[STRIP, F(fid, val, False), POS])
    both(f"grease-field-{n}", f"GREASE field number {n} ({rng}, id {x(varint(fid))}, U={U >> 2}) with {len(val)} value bytes: ignored and kept",
         ["grease-field", "flags-ignore"], "§2.2, §2.3", "fader-1.0", m, lambda osc, m=m: m.delivered(osc))
for n, rng in [(12288, "experimental"), (16384, "MOX reserved")]:
    m = Msg(fields=[STRIP, F(n << 3, h("01"), False)])
    sx(f"field-number-{n}", f"Field number {n} ({rng}): an unknown id like any other, no special path",
       ["field-ranges", "flags-ignore"], "§2.2", "fader-1.0", m.sysex(), m.delivered())

# --- versions ---------------------------------------------------------------------------------
def ver(name, desc, reqs, receiver, m, expect):
    both(f"version-{name}", desc, reqs, "§5.2", receiver, m, expect)


m = Msg(minor=1, fields=[STRIP, POS, COLOUR_UNKNOWN])
ver("1.1-to-1.0", "A 1.1 message to a 1.0 receiver: colour, appended in 1.1, is unknown (000) and kept", ["ver-higher", "flags-ignore"], "fader-1.0", m,
    lambda osc: m.delivered(osc))
m19 = Msg(minor=9, fields=[STRIP, POS, COLOUR_UNKNOWN, F(0x18, [1], False), F(0x20, h("00 01"), False), F(0x30, b"", False)])
ver("1.9-to-1.0", "A 1.9 message with four appended fields to a 1.0 receiver: strip and position known, the rest kept unknown",
    ["ver-higher", "flags-ignore"], "fader-1.0", m19, lambda osc: m19.delivered(osc))
m = Msg(minor=9, fields=[STRIP, POS, F(0x29, [1], False)])
ver("1.9-critical-to-1.0", "A 1.9 message with an appended critical field (29) to a 1.0 receiver: dropped", ["ver-higher", "flags-drop"], "fader-1.0", m,
    lambda osc: outcome("dropped", "unknown-critical-field"))
m = Msg(minor=9, fields=[STRIP, POS, F(0x2A, [1], False)], dst=OWN)
ver("1.9-report-to-1.0", "A 1.9 message with an appended C=0 R=1 field, addressed to a 1.0 receiver: delivered, reply 24", ["ver-higher", "flags-notify"],
    "fader-1.0", m, lambda osc: m.delivered(osc, "24", 0x2A))
m = Msg(minor=0, fields=[STRIP, POS])
ver("1.0-to-1.3", "A 1.0 message to a 1.3 receiver: every earlier minor parses", ["ver-lower"], "fader-1.3", m, lambda osc: m.delivered(osc))
m = Msg(minor=0, fields=[STRIP, POS, COLOUR_UNKNOWN])
ver("1.0-with-1.1-field-to-1.3", "A 1.0 message carrying colour (added in 1.1) to a 1.3 receiver: colour is treated as unknown (000), kept",
    ["ver-lower", "flags-ignore"], "fader-1.3", m, lambda osc: m.delivered(osc))
m = Msg(minor=1, fields=[STRIP, POS, COLOUR])
ver("1.1-to-1.3", "A 1.1 message with colour to a 1.3 receiver: colour known", ["ver-lower"], "fader-1.3", m, lambda osc: m.delivered(osc))
m = Msg(minor=1, fields=[STRIP, POS, COLOUR, F(0x18, [7], False)])
ver("1.1-with-1.2-field-to-1.3", "A 1.1 message with mode (added in 1.2, any value) to a 1.3 receiver: unknown, not range-checked, kept",
    ["ver-lower", "flags-ignore"], "fader-1.3", m, lambda osc: m.delivered(osc))
m = Msg(minor=1, fields=[STRIP, F(0x29, [1], False)])
ver("1.1-with-1.3-critical-to-1.3", "A 1.1 message with lock (29, critical, added in 1.3) to a 1.3 receiver: unknown for a 1.1 message, so dropped",
    ["ver-lower", "flags-drop"], "fader-1.3", m, lambda osc: outcome("dropped", "unknown-critical-field"))
m = Msg(minor=3, fields=[STRIP, F(0x18, [2], True), F(0x29, [1], True)])
ver("1.3-to-1.3", "A 1.3 message with mode and lock to a 1.3 receiver: both known", ["ver-lower"], "fader-1.3", m, lambda osc: m.delivered(osc))
ver("1.2-enum-unknown-value", "A 1.2 message with mode 3 (not a known value): the field becomes unknown, its flags (000) say ignore",
    ["ver-lower", "enum"], "fader-1.3", Msg(minor=2, fields=[STRIP, F(0x18, [3], False)]),
    lambda osc: Msg(minor=2, fields=[STRIP, F(0x18, [3], False)]).delivered(osc))
m = Msg(minor=5, fields=[STRIP, COLOUR, F(0x30, h("41"), False)])
ver("1.5-to-1.3", "A 1.5 message to a 1.3 receiver: fields up to 1.3 known, a 1.5 field kept unknown", ["ver-higher"], "fader-1.3", m,
    lambda osc: m.delivered(osc))
m = Msg(minor=0, fields=[STRIP, COLOUR_UNKNOWN, COLOUR_UNKNOWN])
ver("unknown-duplicates-kept", "A 1.0 message with colour twice to a 1.3 receiver: colour is unknown for 1.0, so duplicates are kept as they came",
    ["ver-lower", "duplicate"], "fader-1.3", m, lambda osc: m.delivered(osc))

# --- TLV framing, varints, truncation ---------------------------------------------------------
b37 = Msg(minor=1, fields=[STRIP, POS, COLOUR_UNKNOWN]).body()  # K=0: truncation is visible only to TLV parsing
HDR_LEN = 6  # hdr, owner, number, major, minor, type
assert len(b37) == 18
bounds = {6: [], 9: [STRIP], 13: [STRIP, POS]}  # field boundaries: 6 + 3 (strip) + 4 (position) + 5 (colour)
for n in range(HDR_LEN, 18):
    if n in bounds:
        m = Msg(minor=1, fields=bounds[n])
        sx(f"truncated-fields-{n:02d}", f"The §3.7 body (K=0) cut to {n} bytes, at a field boundary: a shorter valid message, delivered (K=1 exists to catch this)",
           ["tlv", "crc"], "§3.3", "fader-1.0", sysex(b37[:n]), m.delivered())
    else:
        sx(f"truncated-fields-{n:02d}", f"The §3.7 body (K=0) cut to {n} bytes, inside a field: field-overrun",
           ["tlv"], "§3.3, §A.4", "fader-1.0", sysex(b37[:n]), outcome("malformed", "field-overrun"))
HDR = header(FADER, 1, 1, 0, 0x01)
for name, raw, err, desc, reqs in [
        ("id-varint-cut", h("78"), "field-overrun", "a 2-byte id cut after its first byte", ["tlv", "varint"]),
        ("id-3-varint-cut", h("78 40"), "field-overrun", "a 3-byte id cut after its second byte", ["tlv", "varint"]),
        ("length-varint-cut", h("38 41"), "field-overrun", "a 2-byte length cut after its first byte", ["tlv", "varint"]),
        ("length-past-end", h("38 05 01 02"), "field-overrun", "length 5 with 2 bytes left", ["tlv"]),
        ("id-overlong-2", h("40 00 00"), "varint-overlong", "id 0 written 40 00", ["varint"]),
        ("id-overlong-3", h("78 40 00 00"), "varint-overlong", "id 56 written 78 40 00", ["varint"]),
        ("id-too-long", h("78 40 40 01 00"), "varint-too-long", "an id whose third byte has bit 6 set", ["varint"]),
        ("length-overlong", h("38 40 00"), "varint-overlong", "length 0 written 40 00", ["varint"]),
        ("length-too-long", h("38 41 40 40 00"), "varint-too-long", "a length whose third byte has bit 6 set", ["varint"]),
        ("overlong-after-valid", wire([STRIP]) + h("38 41 00 01"), "varint-overlong", "a valid field, then a length 1 written 41 00", ["varint"])]:
    m = Msg(raw=raw, dst=OWN, src=OTHER)
    both(f"tlv-{name}", f"{desc[0].upper()}{desc[1:]}, addressed: malformed ({err}), reply 41", reqs + ["codes"], "§3.3, §3.4", "fader-1.0",
         m, lambda osc, err=err: outcome("malformed", err, "41"))
m = Msg(fields=[STRIP, F(0x38, b"", False), POS])
sx("tlv-zero-length-unknown", "An unknown field of length 0 is kept with an empty value", ["tlv"], "§3.3", "fader-1.0", m.sysex(), m.delivered())
m = Msg(fields=[POS, F(0x38, h("01"), False), STRIP])
both("tlv-any-order", "Fields out of schema order are accepted and reported in wire order", ["order"], "§3.3", "fader-1.0", m,
     lambda osc: m.delivered(osc))
big = bytes(range(0x20, 0x60))  # 64 bytes: a 2-byte length
m = Msg(fields=[STRIP, F(0x3C, big, False)])
sx("tlv-two-byte-length", "An unknown field of 64 bytes (length varint 40 01)", ["tlv", "varint"], "§3.4", "fader-1.0", m.sysex(), m.delivered())
m = Msg(fields=[STRIP, F(23 << 3 | 4, h("01"), False)])
sx("tlv-two-byte-id", "A 2-byte field id (7C 02: number 23, U=1)", ["tlv", "varint"], "§3.4", "fader-1.0", m.sysex(), m.delivered())

# --- known fields: lengths, ranges, enums, duplicates, records --------------------------------
def tm(fields=None, raw=None, dst=OWN, mtype=0x02):
    return Msg(owner=TEST, number=1, mtype=mtype, fields=fields or [], raw=raw, dst=dst, src=OTHER if dst else None)


def bad(name, raw, err, desc, reqs, reply=None, dst=OWN, receiver="lab", field=None):
    """A malformed vectors.test message; `field` is the id a 08 reply names (spec §9.2 field 4)."""
    m = tm(raw=raw, dst=dst)
    code = reply if reply else ("08" if err == "value-out-of-range" else "41") if dst == OWN else None
    assert (code == "08") == (field is not None) or code is None
    both(f"known-{name}", desc, reqs + ["rcv-field"], "§3.3, §A.3", receiver, m,
         lambda osc: outcome("malformed", err, code, field if code == "08" else None))


def good(name, fields, desc, reqs, receiver="lab", dst=None):
    m = tm(fields=fields, dst=dst)
    both(f"known-{name}", desc, reqs, "§3.3, §A.3a", receiver, m, lambda osc: m.delivered(osc))


good("every-type", [F(0x00, [100], True), F(0x08, u(10000, 2), True), F(0x10, u(2097151, 3), True), F(0x18, i_(-1000, 2), True),
                    F(0x20, [1], True), F(0x28, [5], True), F(0x30, b"MOX-1.0!", True), F(0x40, h("00 7f 40"), True),
                    F(0x59, [0], True), F(0x60, u(0x0FFFFFFF, 4), True), F(0x69, [1], True)],
     "Every field type of vectors.test at an edge of its range: delivered, all known", ["length", "range", "model"])
for name, raw, desc in [
        ("u7-length-2", tlv(0x00, h("05 00")), "level (u7) with 2 bytes"),
        ("u7-length-0", tlv(0x00, b""), "level (u7) with 0 bytes"),
        ("u14-length-1", tlv(0x08, h("10")), "span (u14) with 1 byte"),
        ("u14-length-3", tlv(0x08, h("10 00 00")), "span (u14) with 3 bytes: no 'use the prefix'"),
        ("u21-length-2", tlv(0x10, h("01 02")), "count (u21) with 2 bytes"),
        ("u28-length-3", tlv(0x60, h("01 02 03")), "big (u28) with 3 bytes"),
        ("i14-length-1", tlv(0x18, h("01")), "offset (i14) with 1 byte"),
        ("bool-length-2", tlv(0x20, h("01 00")), "on (bool) with 2 bytes"),
        ("enum-length-0", tlv(0x28, b""), "mode (enum7) with 0 bytes"),
        ("text-too-long", tlv(0x30, b"MOX-1.0!!"), "name (text7, max_len 8) with 9 bytes"),
        ("critical-known-length", tlv(0x59, h("01 01")), "must (known, C=1, u7) with 2 bytes")]:
    bad(name, raw, "bad-field-length", f"{desc}, addressed: malformed (bad-field-length), reply 41", ["length", "codes"])
bad("u14-length-3-broadcast", tlv(0x08, h("10 00 00")), "bad-field-length", "span (u14) with 3 bytes, A=0: malformed, no reply",
    ["length", "broadcast"], dst=None)
for fid, name, raw, desc in [
        (0x00, "u7-above-max", tlv(0x00, [101]), "level 101 (max 100)"),
        (0x08, "u14-below-min", tlv(0x08, u(9, 2)), "span 9 (min 10)"),
        (0x08, "u14-above-max", tlv(0x08, u(10001, 2)), "span 10001 (max 10000)"),
        (0x18, "i14-below-min", tlv(0x18, i_(-1001, 2)), "offset -1001 (min -1000, two's complement 17 78)"),
        (0x18, "i14-above-max", tlv(0x18, i_(1001, 2)), "offset 1001 (max 1000)"),
        (0x20, "bool-2", tlv(0x20, [2]), "on = 02 (a bool is 00 or 01)")]:
    bad(name, raw, "value-out-of-range", f"{desc}, addressed: malformed (value-out-of-range), reply 08 naming the field", ["range", "codes"], field=fid)
assert i_(-1001, 2) == h("17 78")
bad("u7-above-max-broadcast", tlv(0x00, [101]), "value-out-of-range", "level 101, A=0: malformed, no reply", ["range", "broadcast"], dst=None, field=0x00)
good("range-edges", [F(0x00, [0], True), F(0x08, u(10, 2), True), F(0x18, i_(1000, 2), True), F(0x20, [0], True)],
     "level 0, span 10, offset 1000, on 00: the edges of the ranges are valid", ["range"])
good("enum-unknown-value", [F(0x00, [1], True), F(0x28, [3], False)],
     "mode = 3 (known values 0 1 2 5): the field becomes unknown; flags 000 say ignore", ["enum"])
m = tm(fields=[F(0x00, [1], True), F(0x69, [2], False)])
sx("known-enum-unknown-value-critical", "policy (69, C=1, enum7 {0,1}) = 2: the field becomes unknown, C=1 drops the message; R=0 so no reply",
   ["enum", "flags-drop"], "§3.3", "lab", m.sysex(), outcome("dropped", "unknown-critical-field"))
bad("duplicate", wire([F(0x00, [1], True), F(0x08, u(20, 2), True), F(0x00, [2], True)]), "duplicate-field",
    "level twice (not repeated), addressed: malformed (duplicate-field), reply 41", ["duplicate", "codes"])
bad("duplicate-then-overrun", wire([F(0x00, [1], True), F(0x00, [1], True)]) + h("08 02 01"), "duplicate-field",
    "A duplicate, then a field that runs past the end: the first error in reading order is the duplicate", ["duplicate", "tlv"])
bad("length-then-overrun", tlv(0x08, h("01")) + h("00 05"), "bad-field-length",
    "span with 1 byte, then a field that runs past the end: bad-field-length comes first in reading order", ["length", "tlv"])
bad("overrun-hides-duplicate", wire([F(0x00, [1], True)]) + h("00 02 01"), "field-overrun",
    "level, then a second level whose value runs past the end: field-overrun (the duplicate is never complete)", ["duplicate", "tlv"])
good("repeated", [F(0x48, [1], True), F(0x00, [5], True), F(0x48, [2], True), F(0x48, [3], True)],
     "tag (repeated) three times, interleaved: all kept in wire order", ["duplicate", "order"])
good("same-number-other-flags", [F(0x00, [5], True), F(0x04, [6], False)],
     "level (00) and 04 (number 0, U=1): different ids, so not a duplicate; 04 is unknown and ignored", ["duplicate", "flags-ignore"])
good("critical-known", [F(0x59, [9], True)], "must (59, C=1) is known: a critical flag on a known field changes nothing", ["flags-drop"])


def nest(depth, inner=b""):
    """`depth` nested records 50 { 00 x, 50 { … } }, the innermost holding `inner` after x."""
    v = tlv(0x00, [depth]) + inner
    for d in range(1, depth):
        v = tlv(0x00, [depth - d]) + tlv(0x50, v)
    return tlv(0x50, v)


def rec_view(depth, inner_fields=()):
    """The expected view of nest(depth): known records with their inner fields."""
    f = {"id": 0x50, "known": True, "value": None, "fields": [{"id": 0x00, "known": True, "value": x([depth])}]
         + [{"id": i, "known": k, "value": x(v)} for i, v, k in inner_fields]}
    for d in range(1, depth):
        f = {"id": 0x50, "known": True, "value": None, "fields": [{"id": 0x00, "known": True, "value": x([depth - d])}, f]}
    return f


def fill_values(f):
    if f.get("fields") is not None:
        for g in f["fields"]:
            fill_values(g)
        f["value"] = x(b"".join(tlv(g["id"], h(g["value"])) for g in f["fields"]))
    return f


def rec_case(name, depth, desc, reqs, inner=(), receiver="lab", expect=None, dst=None):
    raw = nest(depth, wire(inner))
    m = tm(raw=raw, dst=dst)
    if expect is None:
        v = view(TEST, 1, 1, 0, 0x02, [], h("7d"), 0, m.src, m.dst)
        v["fields"] = [fill_values(rec_view(depth, inner))]
        expect = outcome("delivered", message=v)
    sx(f"record-{name}", desc, reqs, "§3.3, §A.3a", receiver, m.sysex(), expect)


rec_case("depth-1", 1, "A record (50) holding a u7: delivered, its inner fields listed", ["record"])
rec_case("depth-4", 4, "Records nested 4 deep (the default max_depth): delivered", ["record", "limits"])
rec_case("depth-5", 5, "Records nested 5 deep: malformed (record-too-deep), reply 41", ["record", "limits"],
         expect=outcome("malformed", "record-too-deep", "41"), dst=OWN)
rec_case("inner-unknown", 1, "A record holding an unknown 38: ignored inside too, kept", ["record", "flags-ignore"], inner=[F(0x38, h("01"), False)])
rec_case("inner-critical", 2, "A record whose inner record holds an unknown critical 39: flags apply inside, the message is dropped",
         ["record", "flags-drop"], inner=[F(0x39, h("01"), False)], expect=outcome("dropped", "unknown-critical-field"))
rec_case("inner-critical-report", 1, "A record holding unknown 3B (C=1 R=1), addressed: dropped, reply 06 naming 3B",
         ["record", "flags-drop-reply"], inner=[F(0x3B, b"", False)], expect=outcome("dropped", "unknown-critical-field", "06", 0x3B), dst=OWN)
m = tm(raw=tlv(0x50, h("00 01 05 08 02 01")), dst=OWN)
sx("record-inner-overrun", "A record whose inner field runs past the record's end: field-overrun, reply 41", ["record", "tlv"], "§3.3",
   "lab", m.sysex(), outcome("malformed", "field-overrun", "41"))
m = tm(raw=tlv(0x50, tlv(0x00, h("01 02"))), dst=OWN)
sx("record-inner-bad-length", "A record whose inner u7 has 2 bytes: bad-field-length", ["record", "length"], "§3.3", "lab", m.sysex(),
   outcome("malformed", "bad-field-length", "41"))
rec_case("tight-depth-1", 1, "lab-tight (max_depth 1): one record level is accepted", ["limits", "record"], receiver="lab-tight")
rec_case("tight-depth-2", 2, "lab-tight (max_depth 1): two record levels are record-too-deep", ["limits", "record"], receiver="lab-tight",
         expect=outcome("malformed", "record-too-deep"))

# --- limits -----------------------------------------------------------------------------------
many = [F(0x48, [k], True) for k in range(64)]
good("64-fields", many, "64 fields (the default max_fields): delivered", ["limits"])
bad("65-fields", wire(many + [F(0x48, [64], True)]), "too-many-fields", "65 fields: too-many-fields, reply 41", ["limits", "codes"])
bad("65-unknown-fields", wire([F(0x38, b"", False)] * 65), "too-many-fields", "65 unknown fields count too: too-many-fields", ["limits"])
good("tight-4-fields", many[:4], "lab-tight (max_fields 4): 4 fields delivered", ["limits"], receiver="lab-tight")
bad("tight-5-fields", wire(many[:5]), "too-many-fields", "lab-tight (max_fields 4): 5 fields are too-many-fields", ["limits"], receiver="lab-tight")

# --- request type known ------------------------------------------------------------------------
m = tm(fields=[F(0x00, [7], True)], mtype=0x41)
sx("known-request-type", "A known request type (41) is delivered like a notification", ["model"], "§1", "lab", m.sysex(), m.delivered())


# --------------------------------------------------------------------------------------------
# OSC: groups and fallbacks (design §4.2, §4.3)

oc("worked-example-bundle", "Design §4.3: the MOX element is processed (v1.1 to a 1.0 receiver) and the fallback suppressed",
   ["osc-group", "osc-address"], "§4.3", "fader-1.0", BUNDLE_43,
   [mox_el(Msg(minor=1, fields=[STRIP, POS, COLOUR_UNKNOWN], K=1).delivered(True)), suppress("/strip/3/fader")])
oc("worked-example-bundle-plain-receiver", "Design §4.3 to a MOX node without mox.fader: it rejects the MOX element and acts on the fallback",
   ["osc-group", "ver-ext"], "§4.3", "plain", BUNDLE_43, [mox_el(outcome("rejected", "unsupported-extension")), plain("/strip/3/fader")])
oc("worked-example-alone", "Design §4.1: the /mox message alone (36 bytes)", ["osc-address"], "§4.1", "fader-1.0", mox_osc(BODY_37),
   [mox_el(Msg(minor=1, fields=[STRIP, POS, COLOUR_UNKNOWN], K=1).delivered(True))])
for name, pkt, desc in [
        ("address-trailing-slash", osc_msg("/mox/", "b", osc_blob(BODY_37)), "/mox/"),
        ("address-upper-case", osc_msg("/MOX", "b", osc_blob(BODY_37)), "/MOX"),
        ("address-pattern", osc_msg("/mo?", "b", osc_blob(BODY_37)), "/mo? (compared literally, never as a pattern)"),
        ("address-longer", osc_msg("/mox/fader", "b", osc_blob(BODY_37)), "/mox/fader")]:
    oc(f"not-mox-{name}", f"Address {desc} is not the MOX address: a plain message", ["osc-address"], "§4.2 rule 1", "fader-1.0", pkt,
       [plain(pkt[:pkt.index(b"\0")].decode())])
for name, pkt, desc in [
        ("int-argument", osc_msg("/mox", "i", struct.pack(">i", 5)), "a first argument of type i"),
        ("string-argument", osc_msg("/mox", "s", osc_str("MOX")), "a first argument of type s"),
        ("blob-second", osc_msg("/mox", "ib", struct.pack(">i", 5) + osc_blob(BODY_37)), "the blob as the second argument"),
        ("no-arguments", osc_msg("/mox", ""), "no arguments"),
        ("no-type-tags", osc_msg("/mox") + osc_blob(BODY_37), "no type-tag string")]:
    oc(f"not-mox-{name}", f"/mox with {desc}: not a MOX message (not-mox)", ["osc-address"], "§4.2 rule 1, §A.3", "fader-1.0", pkt,
       [mox_el(outcome("not-mox"))])
m = Msg(minor=1, fields=[STRIP, POS, COLOUR_UNKNOWN], K=1)
oc("later-arguments-ignored", "/mox ,bi: arguments after the blob are ignored", ["osc-address"], "§4.2 rule 1", "fader-1.0",
   mox_osc(BODY_37, "bi", struct.pack(">i", 42)), [mox_el(m.delivered(True))])
oc("empty-blob", "/mox with an empty blob: truncated-header", ["osc-address", "hdr-layout"], "§A.4", "fader-1.0", mox_osc(b""),
   [mox_el(outcome("malformed", "truncated-header"))])
for name, pos in [("header", 1), ("value", 8)]:
    b = bytearray(BODY_37)
    b[pos] |= 0x80
    oc(f"blob-not-seven-bit-{name}", f"A blob byte above 7F (in the {name}): malformed (not-seven-bit), checked before the format, never a reply",
       ["osc-seven-bit"], "§4.2 rule 5; spec §15.3 step 1a", "fader-1.0", mox_osc(bytes(b)), [mox_el(outcome("malformed", "not-seven-bit"))])
b = bytearray(BODY_37)
b[-1] ^= 1
oc("bad-check", "A /mox blob with a wrong CRC: discarded", ["crc"], "§3.6", "fader-1.0", mox_osc(bytes(b)), [mox_el(outcome("discarded", "bad-check"))])
oc("format-01", "A /mox blob with format bits 01: ignored", ["hdr-format"], "§3.2", "fader-1.0", mox_osc(Msg(fields=[STRIP], fmt=1).body()),
   [mox_el(outcome("ignored", "unknown-format"))])
oc("reserved-bits", "A /mox blob with a reserved header bit: malformed", ["hdr-reserved"], "§3.2", "fader-1.0",
   mox_osc(Msg(fields=[STRIP], rsv=1).body()), [mox_el(outcome("malformed", "reserved-bit-set"))])

FB1, FB2 = osc_float("/strip/1/fader", 0.25), osc_msg("/strip/1/name", "s", osc_str("Vox"))
mA = Msg(fields=[F(0x00, [1], True), F(0x08, u(4096, 2), True)])
mB = Msg(number=9, fields=[STRIP])
oc("group-two-fallbacks", "A group with two fallback messages: both suppressed", ["osc-group"], "§4.2 rule 3", "fader-1.0",
   bundle(mox_osc(mA.body()), FB1, FB2), [mox_el(mA.delivered(True)), suppress("/strip/1/fader"), suppress("/strip/1/name")])
oc("plain-before-group", "A message before the first /mox element belongs to no group: acted on", ["osc-group"], "§4.2 rule 3", "fader-1.0",
   bundle(FB2, mox_osc(mA.body()), FB1), [plain("/strip/1/name"), mox_el(mA.delivered(True)), suppress("/strip/1/fader")])
oc("two-groups-mixed", "Two groups: the supported one's fallback is suppressed, the unsupported one's acted on", ["osc-group", "ver-ext"],
   "§4.2 rule 3", "fader-1.0", bundle(mox_osc(mA.body()), FB1, mox_osc(mB.body()), FB2),
   [mox_el(mA.delivered(True)), suppress("/strip/1/fader"), mox_el(outcome("rejected", "unsupported-extension")), plain("/strip/1/name")])
oc("group-unsupported-major", "A group whose MOX message has an unsupported major: the fallback is acted on", ["osc-group", "ver-major"],
   "§4.2 rule 3", "fader-1.0", bundle(mox_osc(Msg(major=2, fields=[STRIP]).body()), FB1),
   [mox_el(outcome("rejected", "unsupported-version")), plain("/strip/1/fader")])
mD = Msg(fields=[STRIP, F(0x39, b"", False)])
oc("group-dropped", "A supported MOX message dropped for an unknown critical field: the fallback is still suppressed ('whatever it does with the MOX message')",
   ["osc-group", "flags-drop"], "§4.2 rule 3", "fader-1.0", bundle(mox_osc(mD.body()), FB1),
   [mox_el(outcome("dropped", "unknown-critical-field")), suppress("/strip/1/fader")])
oc("group-malformed", "A supported MOX message with a malformed field: the fallback is still suppressed", ["osc-group", "tlv"],
   "§4.2 rule 3", "fader-1.0", bundle(mox_osc(Msg(raw=h("00 05 01")).body()), FB1),
   [mox_el(outcome("malformed", "field-overrun")), suppress("/strip/1/fader")])
oc("group-unknown-type", "Extension and major supported, type unknown: rejected, and the fallback suppressed (support is per extension and major)",
   ["osc-group", "ver-type"], "§4.2 rule 3", "fader-1.0", bundle(mox_osc(Msg(mtype=0x05, fields=[STRIP]).body()), FB1),
   [mox_el(outcome("rejected", "unsupported-message-type")), suppress("/strip/1/fader")])
oc("group-format-01", "A /mox element in another envelope format: ignored, not supported, so the fallback is acted on",
   ["osc-group", "hdr-format"], "§4.2 rule 3", "fader-1.0", bundle(mox_osc(Msg(fields=[STRIP], fmt=1).body()), FB1),
   [mox_el(outcome("ignored", "unknown-format")), plain("/strip/1/fader")])
oc("group-not-mox-head", "A /mox element that is not a MOX message (,i) still starts a group, which is not supported: its fallback is acted on",
   ["osc-group", "osc-address"], "§4.2 rules 1, 3", "fader-1.0", bundle(osc_msg("/mox", "i", struct.pack(">i", 1)), FB1),
   [mox_el(outcome("not-mox")), plain("/strip/1/fader")])
oc("group-nested-bundle-fallback", "A nested bundle inside a supported group is one fallback element of it: its message is not acted on",
   ["osc-group", "osc-nested"], "§4.2 rule 3", "fader-1.0", bundle(mox_osc(mA.body()), FB1, bundle(FB2)),
   [mox_el(mA.delivered(True)), suppress("/strip/1/fader"), suppress("/strip/1/name")])
oc("group-nested-bundle-unsupported", "A nested bundle inside an unsupported group is a fallback acted on as plain OSC",
   ["osc-group", "osc-nested"], "§4.2 rule 3", "fader-1.0", bundle(mox_osc(mB.body()), bundle(FB2)),
   [mox_el(outcome("rejected", "unsupported-extension")), plain("/strip/1/name")])
oc("group-inside-nested-bundle", "A group inside a nested bundle: suppression applies inside it", ["osc-group"], "§4.2 rule 3", "fader-1.0",
   bundle(FB2, bundle(mox_osc(mA.body()), FB1)), [plain("/strip/1/name"), mox_el(mA.delivered(True)), suppress("/strip/1/fader")])
oc("group-other-destination", "A group whose MOX message is for another node: the extension is supported, so the fallback is suppressed",
   ["osc-group", "addressed"], "§4.2 rule 3", "fader-1.0", bundle(mox_osc(Msg(fields=[STRIP], dst=OTHER, src=OWN + 1).body()), FB1),
   [mox_el(outcome("other-destination")), suppress("/strip/1/fader")])
b = bytearray(Msg(fields=[STRIP], K=1).body())
b[-1] ^= 1
oc("group-bad-check", "A group whose MOX message fails its CRC: its header is not trusted, so the fallback is acted on",
   ["osc-group", "crc"], "§4.2 rule 3, §3.6", "fader-1.0", bundle(mox_osc(bytes(b)), FB1),
   [mox_el(outcome("discarded", "bad-check")), plain("/strip/1/fader")])
oc("group-reserved-bits", "A group whose MOX message has a reserved bit set fails before its header is parsed: the fallback is acted on",
   ["osc-group", "hdr-reserved"], "§4.2 rule 3", "fader-1.0", bundle(mox_osc(Msg(fields=[STRIP], rsv=1).body()), FB1),
   [mox_el(outcome("malformed", "reserved-bit-set")), plain("/strip/1/fader")])
mrb = Msg(fields=[STRIP], rsv=2, dst=OWN, src=OTHER)
oc("group-reserved-bits-eligible", "A group whose MOX message has reserved bit 4 set, addressed to the receiver: malformed with reply 07 (eligibility read as if the bits were zero), and the fallback is acted on too (the header counts as not parsed)",
   ["osc-group", "hdr-reserved", "reserved-bit-eligible"], "§4.2 rule 3", "fader-1.0", bundle(mox_osc(mrb.body()), FB1),
   [mox_el(outcome("malformed", "reserved-bit-set", "07")), plain("/strip/1/fader")])
oc("group-truncated-header", "A group whose MOX message has a truncated header: not supported, the fallback is acted on",
   ["osc-group", "hdr-truncated"], "§4.2 rule 3", "fader-1.0", bundle(mox_osc(h("00 7e 01 01")), FB1),
   [mox_el(outcome("malformed", "truncated-header")), plain("/strip/1/fader")])
oc("group-not-seven-bit", "A group whose blob has a byte above 7F: malformed at step 1a, the fallback is acted on; the next group is unaffected",
   ["osc-group", "osc-seven-bit", "osc-siblings"], "§4.2 rule 3", "fader-1.0",
   bundle(mox_osc(h("00 fe 01 01 00 01")), FB1, mox_osc(mA.body()), FB2),
   [mox_el(outcome("malformed", "not-seven-bit")), plain("/strip/1/fader"), mox_el(mA.delivered(True)), suppress("/strip/1/name")])


# --------------------------------------------------------------------------------------------
# Chunked messages (H=1; spec §4.8, §15.5, chapter 11)

def chunks(m, payload, L, tid=1, total=None, K=None):
    """The chunk messages of `payload` (a field section) split at L bytes, each a whole MOX SysEx."""
    parts = [payload[i:i + L] for i in range(0, len(payload), L)] or [b""]
    total = len(parts) if total is None else total
    out = []
    for n, p in enumerate(parts, 1):
        cb = chunk_header(tid, total, n, len(p)) + p
        out.append(sysex(body(m.owner, m.number, m.major, m.minor, m.mtype, cb, H=1, K=m.K if K is None else K,
                              src=m.src, dst=m.dst), m.carrier))
    return out


def ch(name, desc, reqs, receiver, steps, results, source="§3.5, spec chapter 11"):
    assert len(steps) == len(results)
    fields = {"steps": [{"at": st[0], "hex": x(st[1]), **({"link": st[2]} if len(st) > 2 else {})} for st in steps]}
    add("chunked", name, "envelope-chunked", desc, reqs + ["rcv-chunk"], source, fields, valid(results), receiver)


def consumed(cls, reply=None):
    return outcome("consumed", cls, reply)


ACC = consumed("chunk-accepted")


def cview(m):
    return outcome("delivered", message=m.view())


mc = Msg(minor=1, fields=[STRIP, POS, COLOUR, F(0x38, bytes(range(20)), False)])
pay = wire(mc.fields)
C = chunks(mc, pay, 12)
assert len(C) == 3 and len(pay) == 34
ch("in-order", "Three chunks in order: consumed, consumed, then the reassembled message is delivered", ["chunked", "chk-deliver"], "lab",
   [(0, c) for c in C], [ACC, ACC, cview(mc)])
ch("split-inside-fields", "Chunks cut through field ids and values (L = 5): reassembly restores the field section", ["chunked", "chk-deliver"], "lab",
   [(0, c) for c in chunks(mc, pay, 5)], [ACC] * 6 + [cview(mc)])
ch("one-chunk", "A one-chunk transfer (number 1, total 1) is delivered at once", ["chunked", "chk-one"], "lab",
   [(0, chunks(mc, pay, 64)[0])], [cview(mc)])
mk = Msg(minor=1, fields=mc.fields, K=1)
CK = chunks(mk, pay, 12)
ch("checked", "K=1: each chunk carries its own CRC; all good, delivered", ["chunked", "crc"], "lab", [(0, c) for c in CK], [ACC, ACC, cview(mk)])
bad2 = bytearray(CK[1])
bad2[-2] ^= 1
ch("bad-check-chunk", "The second chunk fails its CRC and is discarded silently; the third then finds chunk 2 missing", ["chunked", "crc", "chk-order"],
   "lab", [(0, CK[0]), (1, bytes(bad2)), (2, CK[2])], [ACC, outcome("discarded", "bad-check"), consumed("chunk-missing")])
ch("out-of-sequence", "A transfer whose first chunk was lost: chunks 2 and 3 are out of sequence (A=0: no reply)", ["chunked", "chk-oos"], "lab",
   [(0, C[1]), (1, C[2])], [consumed("chunk-out-of-sequence")] * 2)
ch("duplicate", "A retransmitted chunk 1 is ignored; the transfer completes", ["chunked", "chk-dup"], "lab",
   [(0, C[0]), (1, C[0]), (2, C[1]), (3, C[2])], [ACC, consumed("chunk-duplicate"), ACC, cview(mc)])
mc2 = Msg(minor=2, fields=mc.fields)
ch("header-differs", "Chunk 2 repeats the header with minor 2 instead of 1: the transfer is discarded (chunk-conflicting)",
   ["chunk-header-same", "chk-conflict"], "lab", [(0, C[0]), (1, chunks(mc2, pay, 12)[1]), (2, C[2])],
   [ACC, consumed("chunk-conflicting"), consumed("chunk-out-of-sequence")])
mk2 = Msg(minor=1, fields=mc.fields, K=1)
ch("k-may-differ", "Only K may differ between the chunks of a transfer: chunk 2 with K=1 after chunk 1 with K=0 is accepted",
   ["chunk-header-same"], "lab", [(0, C[0]), (1, chunks(mk2, pay, 12)[1]), (2, C[2])], [ACC, ACC, cview(mc)])
ch("abandon", "An abandon chunk (number 0) discards the transfer", ["chunked", "chk-abandon"], "lab",
   [(0, C[0]), (1, sysex(body(FADER, 1, 1, 1, 0x01, chunk_header(1, 0, 0, 0), H=1))), (2, C[1])],
   [ACC, consumed("transfer-abandoned"), consumed("chunk-out-of-sequence")])
mm = Msg(minor=1, raw=pay[:-3])
ch("reassembled-malformed", "The reassembled field section ends inside a field: malformed (field-overrun)", ["chunked", "overrun"], "lab",
   [(0, c) for c in chunks(mm, pay[:-3], 12)], [ACC, ACC, outcome("malformed", "field-overrun")])
md = Msg(minor=1, fields=[STRIP, POS, F(0x39, bytes(20), False)])
ch("reassembled-critical", "The reassembled message holds an unknown critical field: dropped", ["chunked", "flags-drop"], "lab",
   [(0, c) for c in chunks(md, wire(md.fields), 12)], [ACC, ACC, outcome("dropped", "unknown-critical-field")])
mr = Msg(minor=1, fields=[STRIP, POS, F(0x3A, bytes(20), False)], dst=OWN, src=OTHER)
ch("reassembled-notify-addressed", "An addressed chunked message with an unknown C=0 R=1 field: delivered at the last chunk, reply 24",
   ["chunked", "flags-notify", "one-reply"], "lab",
   [(0, c) for c in chunks(mr, wire(mr.fields), 12)], [ACC, ACC, mr.delivered(reply="24", field=0x3A)])
ms1 = Msg(minor=1, fields=mc.fields, dst=OWN, src=0x0000001)
ms2 = Msg(minor=1, fields=mc.fields, dst=OWN, src=0x0000002)
A1, A2 = chunks(ms1, pay, 12), chunks(ms2, pay, 12)
ch("two-sources-same-transfer-id", "Two sources use transfer id 1 at once: the key includes the source node id, both complete",
   ["chk-key", "addressed"], "lab", [(0, A1[0]), (0, A2[0]), (1, A1[1]), (1, A2[1]), (2, A2[2]), (2, A1[2])],
   [ACC, ACC, ACC, ACC, cview(ms2), cview(ms1)])
ch("addressed-out-of-sequence", "An addressed chunk 2 with no transfer in flight: consumed (chunk-out-of-sequence), reply 21",
   ["chk-oos", "chunk-codes"], "lab", [(0, A1[1])], [consumed("chunk-out-of-sequence", "21")])
ch("addressed-missing", "Addressed chunk 3 after chunk 1: consumed (chunk-missing), reply 22", ["chk-order", "chunk-codes"], "lab",
   [(0, A1[0]), (1, A1[2])], [ACC, consumed("chunk-missing", "22")])
ch("addressed-duplicate-no-reply", "An addressed duplicate chunk: consumed (chunk-duplicate), never a reply", ["chk-dup", "chunk-codes"], "lab",
   [(0, A1[0]), (1, A1[0])], [ACC, consumed("chunk-duplicate")])
mo = Msg(minor=1, fields=mc.fields, dst=OTHER, src=OWN + 1)
ch("other-destination", "Chunks for another node are not reassembled: other-destination per chunk", ["chunked", "addressed"], "lab",
   [(0, c) for c in chunks(mo, pay, 12)], [outcome("other-destination")] * 3)
mu = Msg(number=9, fields=mc.fields)
ch("unknown-extension", "Chunks of an unknown extension are refused without reassembling (step 6 on every chunk)", ["chunk-support", "ver-ext"],
   "lab", [(0, c) for c in chunks(mu, pay, 12)], [outcome("rejected", "unsupported-extension")] * 3)
ch("stale", "Chunk 2 arrives 5000 ms later (stale after the default 3000 ms): transfer-timed-out", ["chunked", "chk-stale"], "lab",
   [(0, C[0]), (5000, C[1])], [ACC, consumed("transfer-timed-out")])
ch("too-large", "A first chunk declaring (3 - 1) x 12 = 24 bytes with a 20-byte limit is refused", ["chunked", "chk-large"], "lab-small",
   [(0, C[0])], [consumed("transfer-too-large")])
ch("one-chunk-too-large", "A one-chunk transfer of 34 bytes with a 20-byte limit is refused", ["chunked", "chk-large"], "lab-small",
   [(0, chunks(mc, pay, 64)[0])], [consumed("transfer-too-large")])
ch("chunk-truncated", "A chunk body shorter than the 7-byte chunk header: chunk-truncated", ["chunked", "chk-trunc"], "lab",
   [(0, sysex(body(FADER, 1, 1, 1, 0x01, h("01 01 00 01"), H=1)))], [consumed("chunk-truncated")])
ch("chunk-truncated-addressed", "An addressed chunk whose payload is shorter than its length: chunk-truncated, reply 41", ["chk-trunc", "chunk-codes"],
   "lab", [(0, A1[0][:-3] + h("f7"))], [consumed("chunk-truncated", "41")])


# --- chunk rules one by one (oracle part C.1; labelled from spec §11.5 and §15.5) ---------------
def chunk1(m, tid, total, number, payload, length=None, K=None):
    """One chunk of `m` as a whole MOX SysEx: transfer `tid`, `total`, `number`, the payload and
    its length field (`length` overrides it, for chunks whose length lies)."""
    cb = chunk_header(tid, total, number, len(payload) if length is None else length) + bytes(payload)
    return sysex(body(m.owner, m.number, m.major, m.minor, m.mtype, cb, H=1, K=m.K if K is None else K,
                      src=m.src, dst=m.dst, rsv=m.rsv), m.carrier)


mf = Msg(minor=1, fields=[STRIP, POS, COLOUR])
pf = wire(mf.fields)
assert len(pf) == 12 and chunk1(mf, 1, 2, 1, pf[:7]) == h("f07d4d4f58047e010101010102000100070000010308020040f7")  # oracle C.1
mg1 = Msg(minor=1, fields=[F(0x00, [4], True), F(0x08, u(100, 2), True), F(0x10, h("01 02 03"), True), F(0x38, [1], False)])
pg1 = wire(mg1.fields)  # the same header as mf (minor 1), other fields
assert len(pg1) == 15
ch("restart", "Rule 7: chunk 1/2, then a different chunk 1/2 under the same key: transfer-restarted, and the new transfer completes",
   ["rcv-chunk-rules", "chk-conflict"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(mg1, 1, 2, 1, pg1[:8])), (2, chunk1(mg1, 1, 2, 2, pg1[8:]))],
   [ACC, consumed("transfer-restarted"), cview(mg1)])
ch("restart-other-total", "Rule 7: chunk 1/2, then chunk 1/3 with the same first bytes: differs in its total, so transfer-restarted; the old chunk 2/2 is then a total mismatch",
   ["rcv-chunk-rules", "rcv-chunk-compare", "chk-total"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(mf, 1, 3, 1, pf[:7])), (2, chunk1(mf, 1, 2, 2, pf[7:]))],
   [ACC, consumed("transfer-restarted"), consumed("chunk-count-mismatch")])
ch("restart-header-differs", "Rule 7: a chunk 1 whose message header differs (minor 2) from the stored first chunk's starts a new transfer",
   ["chunk-header-same", "rcv-chunk-rules"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(Msg(minor=2, fields=mf.fields), 1, 2, 1, pf[:7])), (2, chunk1(mf, 1, 2, 2, pf[7:]))],
   [ACC, consumed("transfer-restarted"), consumed("chunk-conflicting")])
ch("restart-empty-first", "Rule 7 with a new first chunk that fails a start check (empty): the old transfer is discarded, class chunk-length-mismatch; its chunk 2 is then out of sequence",
   ["rcv-chunk-order", "chk-length"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(mf, 1, 2, 1, b"")), (2, chunk1(mf, 1, 2, 2, pf[7:]))],
   [ACC, consumed("chunk-length-mismatch"), consumed("chunk-out-of-sequence")])
ch("conflicting", "Rule 8: 1/3, 2/3, then a different 2/3: chunk-conflicting, the transfer is gone (3/3 is out of sequence)",
   ["chk-conflict", "rcv-chunk-compare"], "lab",
   [(0, chunk1(mf, 1, 3, 1, pf[:7])), (1, chunk1(mf, 1, 3, 2, pf[7:] + h("00 00"))),
    (2, chunk1(mf, 1, 3, 2, pf[7:] + h("00 01"))), (3, chunk1(mf, 1, 3, 3, b""))],
   [ACC, ACC, consumed("chunk-conflicting"), consumed("chunk-out-of-sequence")])
ch("duplicate-of-chunk-2", "Rule 6: 1/3, 2/3, 2/3 again byte for byte: chunk-duplicate, and the transfer completes",
   ["chk-dup", "rcv-chunk-compare"], "lab",
   [(0, chunk1(mf, 1, 3, 1, pf[:5])), (1, chunk1(mf, 1, 3, 2, pf[5:10])), (2, chunk1(mf, 1, 3, 2, pf[5:10])), (3, chunk1(mf, 1, 3, 3, pf[10:]))],
   [ACC, ACC, consumed("chunk-duplicate"), cview(mf)])
ch("duplicate-other-k", "A retransmitted chunk 1 that differs only in K (and so its CRC) is a duplicate: K is not compared",
   ["chk-dup", "rcv-chunk-compare"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(mf, 1, 2, 1, pf[:7], K=1)), (2, chunk1(mf, 1, 2, 2, pf[7:]))],
   [ACC, consumed("chunk-duplicate"), cview(mf)])
ch("number-above-total", "Chunk 3/2 (number above a nonzero total) is chunk-count-mismatch without touching the transfer: 2/2 then completes it",
   ["chk-count", "rcv-chunk-header"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(mf, 1, 2, 3, pf[7:])), (2, chunk1(mf, 1, 2, 2, pf[7:]))],
   [ACC, consumed("chunk-count-mismatch"), cview(mf)])
ch("total-mismatch", "Rule 10: chunk 1/2, then 2/3 at the expected number: chunk-count-mismatch, the transfer is discarded",
   ["chk-total", "rcv-chunk-order"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(mf, 1, 3, 2, pf[7:])), (2, chunk1(mf, 1, 2, 2, pf[7:]))],
   [ACC, consumed("chunk-count-mismatch"), consumed("chunk-out-of-sequence")])
ch("streaming-total-zero-then-other", "A streaming transfer (total 0) whose chunk 2 says total 3: chunk-count-mismatch (0, or its own number when last)",
   ["chk-total", "chk-streaming"], "lab",
   [(0, chunk1(mf, 1, 0, 1, pf[:7])), (1, chunk1(mf, 1, 3, 2, pf[7:]))], [ACC, consumed("chunk-count-mismatch")])
ch("length-mismatch", "Chunk 1/3 with L = 7, then 2/3 (not the last) with 5 bytes: chunk-length-mismatch",
   ["chk-length", "rcv-chunk-order"], "lab",
   [(0, chunk1(mf, 1, 3, 1, pf[:7])), (1, chunk1(mf, 1, 3, 2, pf[7:]))], [ACC, consumed("chunk-length-mismatch")])
ch("last-longer-than-l", "Chunk 1/2 with L = 5, then the last chunk 2/2 with 7 bytes (more than L): chunk-length-mismatch",
   ["chk-length"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:5])), (1, chunk1(mf, 1, 2, 2, pf[5:]))], [ACC, consumed("chunk-length-mismatch")])
ch("last-shorter-than-l", "Chunk 1/2 with L = 7, then the last with 5 bytes (at most L): delivered",
   ["chk-length", "chk-deliver"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(mf, 1, 2, 2, pf[7:]))], [ACC, cview(mf)])
ch("empty-first-chunk", "A first chunk 1/2 with no payload: refused (chunk-length-mismatch)", ["chk-length", "rcv-chunk-order"], "lab",
   [(0, chunk1(mf, 1, 2, 1, b""))], [consumed("chunk-length-mismatch")])
ch("empty-one-chunk", "A one-chunk transfer with no payload is an empty field section: delivered with no fields", ["chk-one", "chk-length"], "lab",
   [(0, chunk1(mf, 1, 1, 1, b""))], [cview(Msg(minor=1))])
ch("empty-last-chunk", "A streaming transfer that ends with an empty last chunk (2/2, 0 bytes): delivered", ["chk-streaming", "chk-length"], "lab",
   [(0, chunk1(mf, 1, 0, 1, pf)), (1, chunk1(mf, 1, 2, 2, b""))], [ACC, cview(mf)])
ch("streaming", "A streaming transfer: 1/0, 2/0, then the last chunk 3/3: delivered", ["chk-streaming", "chk-deliver"], "lab",
   [(0, chunk1(mf, 1, 0, 1, pf[:5])), (1, chunk1(mf, 1, 0, 2, pf[5:10])), (2, chunk1(mf, 1, 3, 3, pf[10:]))], [ACC, ACC, cview(mf)])
ch("streaming-two", "A streaming transfer of two chunks: 1/0, then 2/2: delivered", ["chk-streaming"], "lab",
   [(0, chunk1(mf, 1, 0, 1, pf[:7])), (1, chunk1(mf, 1, 2, 2, pf[7:]))], [ACC, cview(mf)])
ch("bytes-after-payload", "Bytes after a chunk's payload are ignored (room to grow): each chunk carries 2 extra bytes, the message is delivered",
   ["chk-trunc", "rcv-chunk-header"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7] + h("55 66"), length=7)), (1, chunk1(mf, 1, 2, 2, pf[7:] + h("77"), length=5))], [ACC, cview(mf)])
ch("k-of-first-chunk", "The delivered message has the first chunk's K: chunk 1 with K=1, chunk 2 with K=0",
   ["rcv-chunk-first", "chunk-header-same"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7], K=1)), (1, chunk1(mf, 1, 2, 2, pf[7:]))], [ACC, cview(Msg(minor=1, fields=mf.fields, K=1))])
ch("abandon-nothing-in-flight", "An abandon chunk with no transfer in flight: transfer-abandoned", ["chk-abandon"], "lab",
   [(0, chunk1(mf, 1, 0, 0, b""))], [consumed("transfer-abandoned")])
ch("abandon-length-without-payload", "An abandon chunk whose length field says 5 with no payload: chunk-truncated (§11.2's checks come first); the transfer stays",
   ["chk-trunc", "rcv-chunk-header", "chk-abandon-ignore"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(mf, 1, 0, 0, b"", length=5)), (2, chunk1(mf, 1, 2, 2, pf[7:]))],
   [ACC, consumed("chunk-truncated"), cview(mf)])
ch("abandon-total-and-payload-ignored", "An abandon chunk with total 9 and a 2-byte payload: the total and payload are ignored, the transfer is abandoned",
   ["chk-abandon-ignore", "chk-abandon"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(mf, 1, 9, 0, h("01 02"))), (2, chunk1(mf, 1, 2, 2, pf[7:]))],
   [ACC, consumed("transfer-abandoned"), consumed("chunk-out-of-sequence")])
ch("one-chunk-keeps-transfer", "A one-chunk transfer under the key of a transfer in flight is delivered and touches nothing: the transfer then completes",
   ["chk-one", "rcv-chunk-rules"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(mg1, 1, 1, 1, pg1)), (2, chunk1(mf, 1, 2, 2, pf[7:]))],
   [ACC, cview(mg1), cview(mf)])
mr1 = Msg(minor=1, fields=mf.fields, rsv=1)
ch("reserved-bits", "A chunk with a reserved header bit: malformed (reserved-bit-set) at step 4, before the chunk is looked at",
   ["hdr-reserved", "rcv-order"], "lab", [(0, chunk1(mr1, 1, 2, 1, pf[:7]))], [outcome("malformed", "reserved-bit-set")])

# Time (spec §11.6; stale_ms 3000)
C2 = [chunk1(mf, 1, 2, 1, pf[:7]), chunk1(mf, 1, 2, 2, pf[7:])]
ch("stale-boundary", "Chunk 2 exactly 3000 ms after chunk 1: not stale (stale is longer than the timeout), delivered", ["chk-stale"], "lab",
   [(0, C2[0]), (3000, C2[1])], [ACC, cview(mf)])
ch("stale-boundary-plus-one", "Chunk 2 3001 ms after chunk 1: stale, transfer-timed-out", ["chk-stale"], "lab",
   [(0, C2[0]), (3001, C2[1])], [ACC, consumed("transfer-timed-out")])
ch("duplicate-keeps-timer", "A duplicate at 2000 ms does not reset the stale timer: chunk 2 at 3500 ms is transfer-timed-out",
   ["chk-dup", "chk-stale"], "lab", [(0, C2[0]), (2000, C2[0]), (3500, C2[1])],
   [ACC, consumed("chunk-duplicate"), consumed("transfer-timed-out")])
C3 = [chunk1(mf, 1, 3, 1, pf[:5]), chunk1(mf, 1, 3, 2, pf[5:10]), chunk1(mf, 1, 3, 3, pf[10:])]
ch("inactivity-not-age", "Chunks every 2500 ms: the timer measures inactivity, so a 5000 ms transfer completes", ["chk-stale"], "lab",
   [(0, C3[0]), (2500, C3[1]), (5000, C3[2])], [ACC, ACC, cview(mf)])
ch("stale-first-chunk-restarts", "A new chunk 1 after the transfer went stale: the old one is discarded and a new one starts (chunk-accepted)",
   ["chk-stale", "rcv-chunk-rules"], "lab", [(0, C2[0]), (5000, chunk1(mg1, 1, 2, 1, pg1[:8])), (5001, chunk1(mg1, 1, 2, 2, pg1[8:]))],
   [ACC, ACC, cview(mg1)])
mb = Msg(minor=1, fields=mf.fields, dst=OWN, src=5)
ch("clock-backwards", "The clock goes back from 10000 to 0 ms (a chunk of another transfer): every transfer's last activity becomes 0, so chunk 2 at 3500 ms is transfer-timed-out",
   ["chk-clock", "chk-stale"], "lab", [(10000, C2[0]), (0, chunk1(mb, 1, 2, 1, pf[:7])), (3500, C2[1])],
   [ACC, ACC, consumed("transfer-timed-out")])
m_old = Msg(minor=0, fields=[STRIP, POS, F(0x10, h("7f 20 00"), False)])  # same bytes, minor 0
assert wire(m_old.fields) == pf
ch("clock-backwards-then-other-header", "The clock goes back from 10000 to 0 ms through another sender's chunk; at 3500 ms a chunk 1 of another header (minor 0) under the first transfer's key finds it stale (rule 3, every transfer's clock was lowered) and starts a new transfer: chunk-accepted, not transfer-restarted",
   ["chk-clock", "chk-stale", "rcv-chunk-rules"], "lab",
   [(10000, C2[0]), (0, chunk1(mb, 1, 2, 1, pf[:7])), (3500, chunk1(m_old, 1, 2, 1, pf[:7])), (3500, chunk1(m_old, 1, 2, 2, pf[7:]))],
   [ACC, ACC, ACC, cview(m_old)])
ch("clock-backwards-same-transfer", "Chunk 2 at 0 ms after chunk 1 at 10000 ms: the timer restarts at 0, not stale, delivered",
   ["chk-clock"], "lab", [(10000, C2[0]), (0, C2[1])], [ACC, cview(mf)])

# Slots (max_transfers 4), addressed senders 0x64-0x68 to the receiver
def sender(src):
    return Msg(minor=1, fields=mf.fields, dst=OWN, src=src)


firsts = [chunk1(sender(0x64 + i), i, 2, 1, pf[:7]) for i in range(5)]
assert firsts[0] == h("f07d4d4f58067e0101010164000000566848000002000100070000010308020040f7")  # oracle C.1
ch("too-many-transfers", "Five addressed senders start transfers: the fifth finds no slot, too-many-transfers, reply 44; its chunk 2 is then out of sequence (reply 21)",
   ["chk-slots", "chunk-codes"], "lab", [(0, c) for c in firsts] + [(1, chunk1(sender(0x68), 4, 2, 2, pf[7:]))],
   [ACC] * 4 + [consumed("too-many-transfers", "44"), consumed("chunk-out-of-sequence", "21")])
ch("too-many-transfers-keeps-others", "A refused fifth transfer does not disturb the four in flight: sender 64's chunk 2 completes its transfer",
   ["chk-slots", "chk-key"], "lab", [(0, c) for c in firsts] + [(1, chunk1(sender(0x64), 0, 2, 2, pf[7:]))],
   [ACC] * 4 + [consumed("too-many-transfers", "44"), sender(0x64).delivered()])
ch("stale-slots-reclaimed", "Four transfers in flight at 0 ms; a fifth sender at 5000 ms: the stale slots are reclaimed and it is accepted; sender 64's chunk 2 then finds nothing (reply 21)",
   ["chk-slots", "chk-stale", "rcv-chunk-order"], "lab",
   [(0, c) for c in firsts[:4]] + [(5000, chunk1(sender(0x69), 5, 2, 1, pf[:7])), (5001, chunk1(sender(0x64), 0, 2, 2, pf[7:]))],
   [ACC] * 5 + [consumed("chunk-out-of-sequence", "21")])


# Two links (the transfer key of an A=0 chunk is (link, transfer id), MOX-SYX-072)
ch("two-links-same-transfer-id", "Two unaddressed senders on links 0 and 1 use transfer id 1 at once: independent transfers, both complete",
   ["chk-key", "unaddressed"], "lab",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (0, chunk1(mg1, 1, 2, 1, pg1[:8]), 1), (1, chunk1(mf, 1, 2, 2, pf[7:])), (1, chunk1(mg1, 1, 2, 2, pg1[8:]), 1)],
   [ACC, ACC, cview(mf), cview(mg1)])
ch("two-links-error-stays", "A chunk error on link 1 (chunk 3/2, then a missing chunk) does not touch link 0's transfer under the same id",
   ["chk-key", "chk-order"], "lab",
   [(0, chunk1(mf, 1, 3, 1, pf[:5])), (0, chunk1(mf, 1, 3, 1, pf[:5]), 1), (1, chunk1(mf, 1, 3, 3, pf[10:]), 1), (2, chunk1(mf, 1, 3, 2, pf[5:10])),
    (3, chunk1(mf, 1, 3, 3, pf[10:]))],
   [ACC, ACC, consumed("chunk-missing"), ACC, cview(mf)])


# More orderings and boundaries of §11.5 and MOX-RCV-053
ch("restart-too-large", "Rule 7 under a 20-byte limit: a new first chunk 1/3 with L = 12 ((3 - 1) x 12 = 24) is refused, and the old transfer is discarded all the same",
   ["rcv-chunk-order", "chk-large"], "lab-small",
   [(0, chunk1(mf, 1, 2, 1, pf[:7])), (1, chunk1(mf, 1, 3, 1, pf)), (2, chunk1(mf, 1, 2, 2, pf[7:]))],
   [ACC, consumed("transfer-too-large"), consumed("chunk-out-of-sequence")])
ch("one-chunk-while-stale", "Rule 2 comes before rule 3: a one-chunk transfer is delivered under the key of a stale transfer, which stays until its chunk 2 times it out",
   ["chk-one", "chk-stale", "rcv-chunk-rules"], "lab",
   [(0, C2[0]), (5000, chunk1(mg1, 1, 1, 1, pg1)), (5001, C2[1])], [ACC, cview(mg1), consumed("transfer-timed-out")])
ch("abandon-stale", "Rule 1 comes before rule 3: abandoning a stale transfer is transfer-abandoned", ["chk-abandon", "chk-stale"], "lab",
   [(0, C2[0]), (5000, chunk1(mf, 1, 0, 0, b""))], [ACC, consumed("transfer-abandoned")])
ch("conflicting-total", "Rule 8 compares the total too: 1/3, 2/3, then chunk 2 again with total 0 and the same payload: chunk-conflicting",
   ["chk-conflict", "rcv-chunk-compare"], "lab",
   [(0, C3[0]), (1, C3[1]), (2, chunk1(mf, 1, 0, 2, pf[5:10]))], [ACC, ACC, consumed("chunk-conflicting")])
ch("streaming-gap", "A streaming transfer (total 0) skipping from chunk 1 to chunk 3: chunk-missing (a zero total bounds no number)",
   ["chk-order", "chk-streaming"], "lab", [(0, chunk1(mf, 1, 0, 1, pf[:5])), (1, chunk1(mf, 1, 0, 3, pf[5:10]))], [ACC, consumed("chunk-missing")])
f20 = Msg(minor=1, fields=[STRIP, POS, COLOUR, F(0x38, bytes(6), False)])
p20 = wire(f20.fields)
assert len(p20) == 20
ch("limit-exact-streaming", "20-byte limit: a streaming transfer of 10 + 10 bytes reaches the limit exactly: delivered (the limit is not exceeded)",
   ["chk-large", "rcv-chunk-order"], "lab-small", [(0, chunk1(f20, 1, 0, 1, p20[:10])), (1, chunk1(f20, 1, 2, 2, p20[10:]))], [ACC, cview(f20)])
ch("limit-exact-declared", "20-byte limit: a first chunk 1/3 with L = 10 declares (3 - 1) x 10 = 20: accepted", ["chk-large", "rcv-chunk-order"], "lab-small",
   [(0, chunk1(f20, 1, 3, 1, p20[:10]))], [ACC])
ch("limit-exact-one-chunk", "20-byte limit: a one-chunk transfer of exactly 20 bytes is delivered", ["chk-large", "chk-one"], "lab-small",
   [(0, chunk1(f20, 1, 1, 1, p20))], [cview(f20)])
ch("limit-plus-one-streaming", "20-byte limit: 10 + 10 + 1 bytes: the third chunk would exceed it, transfer-too-large", ["chk-large"], "lab-small",
   [(0, chunk1(f20, 1, 0, 1, p20[:10])), (1, chunk1(f20, 1, 0, 2, p20[10:])), (2, chunk1(f20, 1, 3, 3, h("00")))],
   [ACC, ACC, consumed("transfer-too-large")])
mq = Msg(minor=1, mtype=0x45, fields=mf.fields, dst=OWN, src=OTHER)
ch("unknown-request-type", "Addressed chunks of an unknown request type (45) are rejected one by one without reassembly, each with reply 01",
   ["chunk-support", "ver-type"], "lab", [(0, chunk1(mq, 1, 2, 1, pf[:7])), (1, chunk1(mq, 1, 2, 2, pf[7:]))],
   [outcome("rejected", "unsupported-message-type", "01")] * 2)
mres = Msg(minor=1, fields=mf.fields, dst=OWN, src=0x0FFFFF00)
ch("reserved-source-no-reply", "Addressed chunk 2 from a reserved source id (0FFFFF00) with no transfer in flight: chunk-out-of-sequence, not eligible, no reply",
   ["chk-oos", "broadcast"], "lab", [(0, chunk1(mres, 1, 2, 2, pf[7:]))], [consumed("chunk-out-of-sequence")])

# Replies to addressed chunks (MOX-ERR-031), and to none that must not get one
ma = Msg(minor=1, fields=mf.fields, dst=OWN, src=OTHER)
ch("addressed-length-mismatch", "Addressed: chunk 2/3 with fewer than L bytes: chunk-length-mismatch, reply 0C", ["chk-length", "chunk-codes"], "lab",
   [(0, chunk1(ma, 1, 3, 1, pf[:7])), (1, chunk1(ma, 1, 3, 2, pf[7:]))], [ACC, consumed("chunk-length-mismatch", "0c")])
ch("addressed-count-mismatch", "Addressed: chunk 3/2: chunk-count-mismatch, reply 0D", ["chk-count", "chunk-codes"], "lab",
   [(0, chunk1(ma, 1, 2, 1, pf[:7])), (1, chunk1(ma, 1, 2, 3, pf[7:]))], [ACC, consumed("chunk-count-mismatch", "0d")])
ch("addressed-timed-out", "Addressed: chunk 2 after 5000 ms: transfer-timed-out, reply 23", ["chk-stale", "chunk-codes"], "lab",
   [(0, chunk1(ma, 1, 2, 1, pf[:7])), (5000, chunk1(ma, 1, 2, 2, pf[7:]))], [ACC, consumed("transfer-timed-out", "23")])
ch("addressed-conflicting", "Addressed: a different chunk 2 below the expected number: chunk-conflicting, reply 25", ["chk-conflict", "chunk-codes"], "lab",
   [(0, chunk1(ma, 1, 3, 1, pf[:5])), (1, chunk1(ma, 1, 3, 2, pf[5:10])), (2, chunk1(ma, 1, 3, 2, pf[6:11]))],
   [ACC, ACC, consumed("chunk-conflicting", "25")])
ch("addressed-too-large", "Addressed, 20-byte limit: a first chunk declaring (3 - 1) x 12 bytes: transfer-too-large, reply 09", ["chk-large", "chunk-codes"],
   "lab-small", [(0, chunk1(ma, 1, 3, 1, pf))], [consumed("transfer-too-large", "09")])
ch("addressed-too-large-on-append", "Addressed, 20-byte limit, streaming: 12 + 12 bytes pass the start check but exceed the limit on append: transfer-too-large, reply 09",
   ["chk-large", "rcv-chunk-order", "chunk-codes"], "lab-small",
   [(0, chunk1(ma, 1, 0, 1, pf)), (1, chunk1(ma, 1, 0, 2, pf))], [ACC, consumed("transfer-too-large", "09")])
ch("addressed-restart-abandon-no-reply", "Addressed: transfer-restarted and transfer-abandoned never get a reply", ["chunk-codes", "chk-abandon"], "lab",
   [(0, chunk1(ma, 1, 2, 1, pf[:7])), (1, chunk1(ma, 1, 3, 1, pf[:5])), (2, chunk1(ma, 1, 0, 0, b""))],
   [ACC, consumed("transfer-restarted"), consumed("transfer-abandoned")])
me = Msg(owner=CORE, number=0, mtype=0x01, dst=OWN, src=OTHER, fields=[F(0x00, [0x41], True), F(0x3B, [1], False)])
pe = wire(me.fields)
ch("error-message-chunked", "A chunked error message (senders must not chunk one) is reassembled and processed; its unknown 3B (C=1 R=1) drops it without a reply",
   ["chunk-error-message", "no-error-to-error"], "lab",
   [(0, chunk1(me, 1, 2, 1, pe[:3])), (1, chunk1(me, 1, 2, 2, pe[3:]))], [ACC, outcome("dropped", "unknown-critical-field")])
ch("error-message-chunk-error-no-reply", "Chunk 2 of an addressed error message with no transfer in flight: chunk-out-of-sequence, no reply (an error never answers an error)",
   ["chunk-error-message", "no-error-to-error", "chunk-codes"], "lab", [(0, chunk1(me, 1, 2, 2, pe[3:]))], [consumed("chunk-out-of-sequence")])


# --- the OSC layer's classes on a /mox message (MOX-OSC-004; oracle part C, A4, A5) -------------
# Each packet is 4-aligned, so the packet-level checks (size, alignment) pass and the /mox
# message itself is what is not valid OSC. Labelled from MOX-OSC-004's list in its resolved
# order: address string, type-tag string, then the blob's size (sign, limit, extent) and pad.
B6 = Msg(fields=[STRIP]).body()
assert len(B6) == 9
PFX = osc_str("/mox") + osc_str(",b")
for name, pkt, cls, desc in [
        ("no-blob-size", PFX, "truncated", "/mox ,b and nothing after the type tags: the blob size is missing"),
        ("blob-past-end", PFX + struct.pack(">i", 8) + h("00 7e 01 01"), "truncated", "a blob size of 8 with 4 bytes left"),
        ("blob-negative-size", PFX + struct.pack(">i", -1), "bad-blob-size", "a blob size of -1"),
        ("blob-too-large", PFX + struct.pack(">i", 65537), "blob-too-large", "a blob size of 65537, above the OSC layer's 65536 (checked before the extent)"),
        ("blob-nonzero-padding", PFX + struct.pack(">i", len(B6)) + B6 + h("00 00 01"), "nonzero-padding", "a blob whose third pad byte is 01"),
        ("address-nonzero-padding", b"/mox\0\0\0\x01" + osc_str(",b") + osc_blob(B6), "nonzero-padding",
         "address /mox with pad bytes 00 00 00 01 (the address is the bytes before the first NUL)"),
        ("address-unterminated", b"/mox", "unterminated-string", "the 4 bytes /mox with no NUL"),
        ("tags-nonzero-padding", osc_str("/mox") + b",b\0\x01" + osc_blob(B6), "nonzero-padding", "a type-tag string ,b padded with 00 01"),
        ("tags-unterminated", osc_str("/mox") + b",bii", "unterminated-string", "a type-tag string ,bii with no NUL")]:
    assert len(pkt) % 4 == 0
    oc(f"osc-layer-{name}", f"/mox with {desc}: not-mox with the OSC layer's class {cls}", ["osc-shape"], "§4.2 rule 1; spec MOX-OSC-004",
       "fader-1.0", pkt, [mox_el(outcome("not-mox", cls))])
mS = Msg(fields=[STRIP])
for name, tags, more, desc in [
        ("trailing-unknown-tag", "bX", b"", "/mox ,bX: an unknown type tag after the blob"),
        ("trailing-int-missing", "bi", b"", "/mox ,bi without the int's 4 bytes"),
        ("trailing-bad-blob", "bb", struct.pack(">i", 100), "/mox ,bb whose second blob runs past the end"),
        ("trailing-garbage", "b", h("ff ff ff ff"), "/mox ,b followed by 4 bytes no tag describes"),
        ("trailing-open-array", "b[", b"", "/mox ,b[: an array opened after the blob and never closed"),
        ("trailing-close-array", "b]", b"", "/mox ,b]: an array closed that was never opened"),
        ("trailing-non-ascii-tag", "b\xff", b"", "/mox ,b followed by the tag byte FF (not ASCII, not UTF-8)")]:
    oc(f"osc-layer-{name}", f"{desc}: the receiver never reads past the first blob's padding, so the message is delivered",
       ["osc-trailing"], "§4.2 rule 1; spec MOX-OSC-005", "fader-1.0", mox_osc(mS.body(), tags, more), [mox_el(mS.delivered(True))])
oc("osc-layer-bad-blob-heads-group", "A bundle: /mox with a blob size of -1 (not-mox, bad-blob-size) still heads a group, which is not supported: its fallback is acted on",
   ["osc-shape", "osc-group"], "§4.2 rules 1, 3", "fader-1.0", bundle(PFX + struct.pack(">i", -1), FB1),
   [mox_el(outcome("not-mox", "bad-blob-size")), plain("/strip/1/fader")])
# Not pinned yet: a bundle element at /mox whose address or type-tag string is not valid OSC
# (it heads a group, MOX-OSC-010). mox_codec::osc's bundle iterator yields no bytes for an
# element that does not decode, so envelope::osc::groups cannot see its address.
oc("not-mox-unknown-first-tag", "/mox ,X (an unknown first tag, no argument bytes): the first tag is not b, so not-mox with no class (not the OSC layer's unknown-type-tag)",
   ["osc-shape"], "§4.2 rule 1; spec MOX-OSC-004", "fader-1.0", osc_msg("/mox", "X"), [mox_el(outcome("not-mox"))])
oc("not-mox-unknown-first-tag-in-bundle", "The same /mox ,X as a bundle element heads an unsupported group: not-mox with no class, its fallback acted on",
   ["osc-shape", "osc-group"], "§4.2 rules 1, 3; spec MOX-OSC-004", "fader-1.0", bundle(osc_msg("/mox", "X"), FB1),
   [mox_el(outcome("not-mox")), plain("/strip/1/fader")])
oc("nested-mox-suppressed", "A nested bundle inside a supported group is one fallback element: the /mox message inside it is not processed either (suppressed)",
   ["osc-nested", "osc-group"], "§4.2 rule 3; spec MOX-OSC-011", "fader-1.0",
   bundle(mox_osc(mA.body()), FB1, bundle(mox_osc(mS.body()), FB2)),
   [mox_el(mA.delivered(True)), suppress("/strip/1/fader"), suppress("/mox"), suppress("/strip/1/name")])
oc("nested-mox-in-unsupported-group", "A nested bundle inside an unsupported group is processed as a bundle of its own: its /mox element heads its own group there",
   ["osc-nested", "osc-group"], "§4.2 rule 3; spec MOX-OSC-011, -012", "fader-1.0",
   bundle(mox_osc(mB.body()), bundle(mox_osc(mS.body()), FB2)),
   [mox_el(outcome("rejected", "unsupported-extension")), mox_el(mS.delivered(True)), suppress("/strip/1/name")])
cw = [chunk1(mf, 1, 2, 1, pf[:7]), chunk1(mf, 1, 2, 2, pf[7:])]
CO = [c[5:-1] for c in cw]  # the chunk bodies: carrier 7D is one byte
oc("chunked", "Chunking on OSC: two /mox chunk elements of one bundle (one link), each with a fallback: consumed, then delivered; both fallbacks suppressed",
   ["osc-chunked", "chunked"], "§3.5; spec MOX-OSC-021", "fader-1.3",
   bundle(mox_osc(CO[0]), FB1, mox_osc(CO[1]), FB2),
   [mox_el(consumed("chunk-accepted")), suppress("/strip/1/fader"), mox_el(mf.delivered(True)), suppress("/strip/1/name")])

# --- request id and other envelope fields (spec §6.5) -----------------------------------------
RQ = 449 << 3
assert varint(RQ) == h("48 38")
m = Msg(fields=[STRIP, F(RQ, u(1234, 2), True), POS])
both("request-id-known", "Envelope field 449 (48 38, u14) is known in every message, though the description does not list it",
     ["request-id"], "§6.4", "fader-1.0", m, lambda osc: m.delivered(osc))
m = Msg(raw=wire([F(RQ, u(1, 2), True), F(RQ, u(2, 2), True)]), dst=OWN)
sx("request-id-duplicate", "The request id twice: duplicate-field, reply 41", ["request-id", "duplicate"], "§6.4", "fader-1.0", m.sysex(),
   outcome("malformed", "duplicate-field", "41"))
m = Msg(raw=tlv(RQ, h("01")), dst=OWN)
sx("request-id-bad-length", "The request id with 1 byte: bad-field-length, reply 41", ["request-id", "length"], "§6.4", "fader-1.0", m.sysex(),
   outcome("malformed", "bad-field-length", "41"))
for n, C in [(450, 0), (450, 1), (511, 0)]:
    fid = n << 3 | C
    m = Msg(fields=[STRIP, F(fid, h("01"), False)])
    sx(f"envelope-field-{n}-c{C}", f"Reserved envelope field number {n} (id {x(varint(fid))}): an unknown field, " + ("dropped (C=1)" if C else "ignored"),
       ["envelope-fields", "flags-drop" if C else "flags-ignore"], "§2.2", "fader-1.0", m.sysex(),
       outcome("dropped", "unknown-critical-field") if C else m.delivered())

# --- eligibility: the source -------------------------------------------------------------------
for name, src in [("broadcast", BROADCAST), ("reserved", 0x0FFFFF00)]:
    m = Msg(number=9, fields=[STRIP], dst=OWN, src=src)
    sx(f"eligibility-source-{name}", f"Addressed to the receiver from source {src:07X}: not eligible, rejected without a reply",
       ["broadcast", "ver-ext"], "§2.1", "fader-1.0", m.sysex(), outcome("rejected", "unsupported-extension"))

# --- more value types (spec §6.4) -----------------------------------------------------------------
good("text7-printable", [F(0x30, b" ~", True)], "name = ' ~' (20 and 7E, the ends of printable ASCII)", ["types"])
for name, v in [("7f", h("41 7f")), ("line-feed", h("41 0a"))]:
    bad(f"text7-{name}", tlv(0x30, v), "value-out-of-range", f"name (text7) holding {x(v)}: not printable ASCII, reply 08 naming it",
        ["types", "range"], field=0x30)
good("f32-one", [F(0x70, h("20 3f 00 00 00"), True)], "gain (f32) = 1.0: Mcoded7 of 3F 80 00 00 (big-endian) is 20 3F 00 00 00", ["types"])
bad("f32-length-4", tlv(0x70, h("3f 00 00 00")), "bad-field-length", "gain (f32) with 4 bytes (an f32 is 5 packed bytes), reply 41", ["types", "length"])
bad("f32-absent-byte-bit", tlv(0x70, h("21 3f 00 00 00")), "value-out-of-range", "gain (f32) whose Mcoded7 header sets the bit of an absent fifth byte",
    ["types", "range"], field=0x70)
good("utf8-e-acute", [F(0x78, h("60 43 29"), True)], "label (utf8) = 'é' (C3 A9 packed as 60 43 29)", ["types"])
bad("utf8-invalid", tlv(0x78, h("40 43")), "value-out-of-range", "label (utf8) = C3 alone: not valid UTF-8, reply 08 naming it",
    ["types", "range"], field=0x78)
bad("utf8-length-1", tlv(0x78, h("00")), "bad-field-length", "label (utf8) of 1 packed byte (L mod 8 = 1 cannot occur)", ["types", "length"])
bad("utf8-too-long", tlv(0x78, h("00 61 62 63 64 65")), "bad-field-length", "label (utf8, max_len 4) of 5 unpacked bytes", ["types", "length"])
good("bytes-msb", [F(0x80, h("40 01"), True)], "blob (bytes) = 81: Mcoded7 40 01", ["types"])
bad("bytes-length-9", tlv(0x80, h("00 01 02 03 04 05 06 07 00")), "bad-field-length", "blob (bytes) of 9 packed bytes (L mod 8 = 1)", ["types", "length"])
bad("enum-unlisted-duplicate", wire([F(0x28, [3], False), F(0x28, [1], True)]), "duplicate-field",
    "mode = 3 (unlisted) then mode = 1: occurrences count by id, so the second is a duplicate", ["enum", "duplicate"])
bad("duplicate-before-length", wire([F(0x00, [1], True)]) + tlv(0x00, h("01 02")), "duplicate-field",
    "level, then level with 2 bytes: duplicate-field is checked before the length", ["duplicate", "check-order"])
bad("length-before-value", tlv(0x00, h("7f 7f")), "bad-field-length",
    "level with 2 bytes of 7F: the length is checked before the value", ["length", "check-order"])


# --- value widths: sign extension, 21- and 28-bit ranges, utf8 and Mcoded7 edges (oracle part C) --
# vectors.test type 03 ("widths"): trim i7 [-10, 10], shift i21 [-1e6, 1e6], debt i28 [.., 0],
# rate u21 [100, 2e6], serial u28 [1, 0x0FFFFFFE], limits record {low u7 <= 10, bias i7},
# any7 i7 and any28 i28 without bounds. Every value is labelled from spec §6.4's table by hand.
def wm(fields=None, raw=None, dst=OWN):
    return tm(fields=fields, raw=raw, dst=dst, mtype=0x03)


def wgood(name, fields, desc, reqs):
    m = wm(fields=fields, dst=None)
    sx(f"width-{name}", desc, reqs + ["value-decode"], "§3.3, §A.3a", "lab", m.sysex(), m.delivered())


def wbad(name, fid, raw, desc, reqs):
    m = wm(raw=raw)
    sx(f"width-{name}", desc + ", addressed: malformed (value-out-of-range), reply 08 naming it", reqs + ["value-decode", "range"],
       "§3.3, §A.3a", "lab", m.sysex(), outcome("malformed", "value-out-of-range", "08", fid))


assert i_(-1, 1) == h("7f") and i_(-64, 1) == h("40") and i_(-1, 3) == h("7f 7f 7f") and i_(-(1 << 27), 4) == h("00 00 00 40")
wgood("i7-minus-one", [F(0x00, h("7f"), True)], "trim (i7) 7F is -1 (7-bit two's complement), inside [-10, 10]: read unsigned it would be 127", ["types"])
wgood("i7-edges", [F(0x00, i_(-10, 1), True), F(0x30, h("40"), True)], "trim 76 = -10 (its min) and any7 40 = -64 (the i7 minimum): delivered", ["types"])
wbad("i7-below-min", 0x00, tlv(0x00, i_(-11, 1)), "trim (i7) 75 = -11 (min -10)", ["types"])
wbad("i7-sign-bit", 0x00, tlv(0x00, h("40")), "trim (i7) 40 = -64, not +64: below min -10", ["types"])
wgood("i21-minus-one", [F(0x08, h("7f 7f 7f"), True)], "shift (i21) 7F 7F 7F is -1", ["types"])
wgood("i21-edges", [F(0x08, i_(-1000000, 3), True)], "shift = -1000000, its min (three 7-bit groups, two's complement)", ["types"])
wbad("i21-below-min", 0x08, tlv(0x08, i_(-1000001, 3)), "shift (i21) = -1000001 (min -1000000)", ["types"])
wbad("i21-sign-bit", 0x08, tlv(0x08, h("00 00 40")), "shift (i21) 00 00 40 = -1048576 (the sign bit of 21), not +1048576", ["types"])
wgood("i28-minus-one", [F(0x10, h("7f 7f 7f 7f"), True)], "debt (i28, max 0) 7F 7F 7F 7F is -1", ["types"])
wgood("i28-minimum", [F(0x10, h("00 00 00 40"), True), F(0x40, h("7f 7f 7f 3f"), True)],
      "debt 00 00 00 40 = -2^27 and any28 7F 7F 7F 3F = 2^27 - 1: the two ends of i28", ["types"])
wbad("i28-above-max", 0x10, tlv(0x10, h("01 00 00 00")), "debt (i28, max 0) = +1", ["types"])
wgood("u21-edges", [F(0x18, u(2000000, 3), True)], "rate (u21) = 2000000, its max", ["types"])
wbad("u21-below-min", 0x18, tlv(0x18, u(99, 3)), "rate (u21) = 99 (min 100)", ["types"])
wbad("u21-above-max", 0x18, tlv(0x18, u(2000001, 3)), "rate (u21) = 2000001 (max 2000000)", ["types"])
wbad("u21-top-bit", 0x18, tlv(0x18, h("7f 7f 7f")), "rate (u21) 7F 7F 7F = 2097151, unsigned (no sign extension): above max", ["types"])
wgood("u28-edges", [F(0x20, u(1, 4), True)], "serial (u28) = 1, its min", ["types"])
wbad("u28-zero", 0x20, tlv(0x20, u(0, 4)), "serial (u28) = 0 (min 1)", ["types"])
wbad("u28-above-max", 0x20, tlv(0x20, u(0x0FFFFFFF, 4)), "serial (u28) = 0x0FFFFFFF (max 0x0FFFFFFE)", ["types"])
m = wm(raw=tlv(0x28, tlv(0x00, [11])))
sx("width-record-inner-range", "A record (28) holding low = 11 (max 10), addressed: value-out-of-range, reply 08 naming the inner field 00, not the record",
   ["record-rules", "range", "codes"], "§3.3, §A.3a", "lab", m.sysex(), outcome("malformed", "value-out-of-range", "08", 0x00))
m = wm(raw=tlv(0x28, tlv(0x08, h("40"))))
m.fields = []
v = m.view()
v["fields"] = [fill_values({"id": 0x28, "known": True, "value": None, "fields": [{"id": 0x08, "known": True, "value": "40"}]})]
sx("width-record-inner-signed", "A record holding bias (i7) 40 = -64: delivered, the record's fields listed", ["record-rules", "types"], "§3.3",
   "lab", m.sysex(), outcome("delivered", message=v))
m = wm(raw=tlv(0x28, tlv(0x00, [11])), dst=None)
sx("width-record-inner-range-broadcast", "The same record with low = 11, A=0: malformed (value-out-of-range), no reply", ["record-rules", "range", "broadcast"],
   "§3.3", "lab", m.sysex(), outcome("malformed", "value-out-of-range"))

# utf8, bytes and f32 (vectors.test type 02: gain 70 f32, label 78 utf8 max_len 4, blob 80 bytes)
for name, data, desc in [("overlong", h("c0 80"), "the overlong C0 80 (U+0000)"),
                         ("overlong-3", h("e0 80 af"), "the overlong E0 80 AF ('/')"),
                         ("surrogate", h("ed a0 80"), "the surrogate ED A0 80 (U+D800)"),
                         ("above-10ffff", h("f4 90 80 80"), "F4 90 80 80 (U+110000, above U+10FFFF)")]:
    bad(f"utf8-{name}", tlv(0x78, mcoded7(data)), "value-out-of-range", f"label (utf8) holding {desc}: not UTF-8 by RFC 3629, reply 08 naming it",
        ["types", "value-decode", "range"], field=0x78)
assert mcoded7(h("c0 80")) == h("60 40 00") and mcoded7(h("c3 a9")) == h("60 43 29")
good("utf8-max-scalar", [F(0x78, mcoded7(h("f4 8f bf bf")), True)], "label (utf8) = U+10FFFF (F4 8F BF BF), the last scalar value: delivered",
     ["types", "value-decode"])
bad("bytes-absent-byte-bit", tlv(0x80, h("20 01")), "value-out-of-range", "blob (bytes) 20 01: one data byte, but the header sets the bit of an absent second byte",
    ["types", "value-decode", "range"], field=0x80)
bad("bytes-absent-byte-bit-last-group", tlv(0x80, mcoded7(bytes(range(7))) + h("01 05")), "value-out-of-range",
    "blob (bytes) of 8 data bytes whose second group's header (01) sets the bit of an absent seventh byte", ["types", "value-decode", "range"], field=0x80)
good("bytes-two-groups", [F(0x80, mcoded7(bytes(range(0x7c, 0x84))), True)], "blob (bytes) of 8 data bytes 7C-83: two Mcoded7 groups (8 + 2 packed bytes)",
     ["types", "value-decode"])
for name, bits in [("nan", "7fc00000"), ("signalling-nan", "ffffffff"), ("infinity", "7f800000"), ("minus-infinity", "ff800000"), ("minus-zero", "80000000")]:
    good(f"f32-{name}", [F(0x70, mcoded7(h(bits)), True)], f"gain (f32) with bits {bits}: every bit pattern is valid, no range check",
         ["types", "f32-any"])

# max_fields reached with bytes left over: too-many-fields, not field-overrun (§15.6: the count is checked first)
bad("tight-4-fields-then-garbage", wire(many[:4]) + h("78"), "too-many-fields",
    "lab-tight (max_fields 4): 4 fields, then a cut id (78): too-many-fields, since the limit is checked before the next id is read",
    ["limits", "field-limit", "tlv"], receiver="lab-tight")
bad("64-fields-then-garbage", wire(many) + h("00 05"), "too-many-fields",
    "64 fields, then a field that runs past the end: too-many-fields, reply 41 (the 65th field is never read)", ["limits", "field-limit", "tlv"])

# --- limits count every parsed field -----------------------------------------------------------
m = tm(fields=[F(0x00, [1], True)], dst=None)
v = m.view()
rec1 = fill_values({"id": 0x50, "known": True, "value": None, "fields": [{"id": 0x00, "known": True, "value": "05"}]})
m4 = tm(raw=tlv(0x00, [1]) + tlv(0x50, tlv(0x00, [5])) + tlv(0x48, [1]), dst=None)
v["fields"] = [{"id": 0, "known": True, "value": "01"}, rec1, {"id": 0x48, "known": True, "value": "01"}]
sx("known-tight-nested-4-fields", "lab-tight (max_fields 4): level, a record holding x, and tag are 4 fields: delivered",
   ["limits", "record"], "§3.3", "lab-tight", m4.sysex(), outcome("delivered", message=v))
m5 = tm(raw=tlv(0x00, [1]) + tlv(0x50, tlv(0x00, [5])) + tlv(0x48, [1]) + tlv(0x48, [2]), dst=None)
sx("known-tight-nested-5-fields", "lab-tight (max_fields 4): a second tag makes 5 fields, counting the one inside the record: too-many-fields",
   ["limits", "record"], "§3.3", "lab-tight", m5.sysex(), outcome("malformed", "too-many-fields"))

# --- the specification's worked examples (spec §4.8, §4.9, §6.7, §9.5, §15.8) ----------------------
# These follow the shipped mox.fader schema (spec/extensions/mox.fader.toml): type 01 `strip`,
# colour is field 4 (id 20, u21, added in 1.1). The design's §3.7 shape (colour at id 10) is
# pinned separately above as a test message.
RECEIVERS["spec-fader-1.1"] = {"node_id": 0x42, "extensions": [  # spec §15.2's example, as printed
    {"owner": [126], "number": 0, "majors": [{"major": 1, "minor": 0, "messages": [{"type": 1, "fields": []}]}]},
    {"owner": [126], "number": 1, "majors": [{"major": 1, "minor": 1, "messages": [{"type": 1, "fields": [
        {"id": 0, "type": "u7", "added": 0}, {"id": 8, "type": "u14", "added": 0},
        {"id": 16, "type": "bool", "added": 0}, {"id": 24, "type": "u7", "added": 0},
        {"id": 32, "type": "u21", "added": 1}]}]}]}]}
RECEIVERS["node-42"] = {"node_id": 0x42, "extensions": [E_CORE, ext(FADER, 1, 1, 0, [
    {"type": 0x01, "fields": [fd(0x00, "u7"), fd(0x08, "u14")]}, {"type": 0x40, "fields": [fd(0x00, "u7")]}], "mox.fader")]}
RECEIVERS["node-01234567"] = {"node_id": 0x01234567, "extensions": [E_CORE]}
assert node(0x01234567) == h("67 0a 0d 09") and node(0x42) == h("42 00 00 00")
COLOUR_49 = F(0x20, h("7f 20 00"), True)
m49 = Msg(minor=1, fields=[STRIP, POS, COLOUR_49], K=1)
SYSEX_49 = m49.sysex()
assert SYSEX_49 == h("F0 7D 4D 4F 58 01 7E 01 01 01 01 00 01 03 08 02 00 40 20 03 7F 20 00 21 44 F7"), "spec §4.9"
assert crc14_darc(SYSEX_49[5:-3]) == 0x2221
sx("spec-15-8-worked-message", "Spec §15.8 row 1: the §4.9 message to the §15.2 receiver: delivered", ["rcv-order", "model"], "§3.7",
   "spec-fader-1.1", SYSEX_49, m49.delivered())
sx("spec-15-8-last-crc-byte-69", "Spec §15.8 row 2: the §4.9 message with its last CRC byte 69: discarded", ["crc"], "§3.6",
   "spec-fader-1.1", SYSEX_49[:-2] + h("69 f7"), DISCARD)
sx("spec-15-8-empty-body", "Spec §15.8 row 3: F0 7D 4D 4F 58 F7 (empty body): malformed (truncated-header)", ["empty-body"], "§3.2",
   "spec-fader-1.1", h("f0 7d 4d 4f 58 f7"), outcome("malformed", "truncated-header"))
sx("spec-15-8-format-01", "Spec §15.8 row 4: body 20 7E 01 01 01 01 (format 01): ignored (unknown-format)", ["hdr-format"], "§3.2",
   "spec-fader-1.1", sysex(h("20 7e 01 01 01 01")), outcome("ignored", "unknown-format"))
sx("spec-15-8-reserved-bit", "Spec §15.8 row 5: body 08 7E 01 01 01 01 (bit 3 set), A=0: malformed (reserved-bit-set), no reply", ["hdr-reserved"], "§3.2",
   "spec-fader-1.1", sysex(h("08 7e 01 01 01 01")), outcome("malformed", "reserved-bit-set"))
REQ_67 = h("F0 7D 4D 4F 58 02 7E 01 01 00 40 67 0A 0D 09 42 00 00 00 00 01 02 39 01 05 F7")
m67 = Msg(mtype=0x40, fields=[F(0x00, [2], True), F(0x39, [5], False)], src=0x01234567, dst=0x42)
assert m67.sysex() == REQ_67, "spec §6.7"
sx("spec-15-8-request", "Spec §15.8 row 6: the §6.7 request (type 40) to the §15.2 receiver, which lacks type 40: rejected, reply 01",
   ["ver-type", "broadcast"], "§5.2", "spec-fader-1.1", REQ_67, outcome("rejected", "unsupported-message-type", "01"))
sx("spec-15-8-midi-ci", "Spec §15.8 row 7: a MIDI-CI Discovery message (F0 7E 7F 0D 70 …) is not MOX", ["not-mox"], "§3.1",
   "spec-fader-1.1", h("f0 7e 7f 0d 70 02 01 02 03 04 7f 7f 7f 7f f7"), outcome("not-mox"))
sx("spec-6-7-request", "Spec §6.7: the addressed request with unknown field 39 (C=1 R=0) to node 42, which knows type 40: dropped, no reply",
   ["flags-drop", "broadcast"], "§2.1", "node-42", REQ_67, outcome("dropped", "unknown-critical-field"))
m67b = Msg(mtype=0x40, fields=[F(0x00, [2], True), F(0x3B, [5], False)], src=0x01234567, dst=0x42)
assert m67b.sysex() == h("F0 7D 4D 4F 58 02 7E 01 01 00 40 67 0A 0D 09 42 00 00 00 00 01 02 3B 01 05 F7"), "spec §9.5"
sx("spec-9-5-request-3b", "Spec §9.5: the §6.7 request with id 3B (C=1 R=1): dropped, reply 06 naming 3B", ["flags-drop-reply", "broadcast", "codes"],
   "§2.1", "node-42", m67b.sysex(), outcome("dropped", "unknown-critical-field", "06", 0x3B))
m95 = Msg(owner=CORE, number=0, mtype=0x01, K=1, src=0x42, dst=0x01234567, fields=[
    F(0x00, [0x06], True), F(0x08, h("7e 01"), True), F(0x10, u(1 + 128 * 0, 2), True), F(0x18, [0x40], True), F(0x20, h("3b"), True)])
assert m95.sysex() == h("F0 7D 4D 4F 58 03 7E 00 01 00 01 42 00 00 00 67 0A 0D 09 00 01 06 08 02 7E 01 10 02 01 00 18 01 40 20 01 3B 2B 0C F7"), "spec §9.5"
sx("spec-9-5-reply", "Spec §9.5: the error reply, received by node 01234567 with the §9.2 description: delivered, every field known",
   ["model", "no-error-to-error"], "§6.2", "node-01234567", m95.sysex(), m95.delivered())
m48 = Msg(minor=1, fields=[STRIP, POS, COLOUR_49], K=1, src=0x01234567, dst=0x42)
C48 = chunks(m48, wire(m48.fields), 8, tid=5)
assert C48 == [h("F0 7D 4D 4F 58 07 7E 01 01 01 01 67 0A 0D 09 42 00 00 00 05 02 00 01 00 08 00 00 01 03 08 02 00 40 20 3D 53 F7"),
               h("F0 7D 4D 4F 58 07 7E 01 01 01 01 67 0A 0D 09 42 00 00 00 05 02 00 02 00 04 00 03 7F 20 00 12 06 F7")], "spec §4.8"
ch("spec-4-8-worked-example", "Spec §4.8: the fader message as transfer 05 of 2 chunks (A=1, K=1): consumed, then delivered",
   ["chunked", "chunk-deliver"], "spec-fader-1.1", [(0, C48[0]), (1, C48[1])], [ACC, m48.delivered()], source="§3.5")
ch("spec-4-8-chunk-2-alone", "Spec §4.8: chunk 2 alone: consumed (chunk-out-of-sequence), reply 21 (eligible)",
   ["chk-oos", "chunk-codes"], "spec-fader-1.1", [(0, C48[1])], [consumed("chunk-out-of-sequence", "21")], source="§3.5")

BUNDLE_54 = bundle(mox_osc(m49.body()), osc_float("/strip/4/fader", 8192 / 16383))
assert BUNDLE_54 == h(
    "23 62 75 6E 64 6C 65 00 00 00 00 00 00 00 00 01 00 00 00 24"
    "2F 6D 6F 78 00 00 00 00 2C 62 00 00 00 00 00 14"
    "01 7E 01 01 01 01 00 01 03 08 02 00 40 20 03 7F 20 00 21 44"
    "00 00 00 18 2F 73 74 72 69 70 2F 34 2F 66 61 64 65 72 00 00 2C 66 00 00 3F 00 02 00"), "spec §5.4"
oc("spec-5-4-bundle", "Spec §5.4: the §4.9 body as /mox with its /strip/4/fader fallback, to the §15.2 receiver: MOX element delivered, fallback suppressed",
   ["osc-group", "osc-address"], "§4.3", "spec-fader-1.1", BUNDLE_54, [mox_el(m49.delivered(True)), suppress("/strip/4/fader")])
oc("spec-5-4-bundle-plain-receiver", "Spec §5.4 to a MOX node without mox.fader: rejects the MOX element, acts on the fallback",
   ["osc-group", "ver-ext"], "§4.3", "plain", BUNDLE_54, [mox_el(outcome("rejected", "unsupported-extension")), plain("/strip/4/fader")])


# --------------------------------------------------------------------------------------------
# Bridge (pass-through: design §4.4)

def br(name, desc, reqs, direction, data, expected, carrier=None):
    fields = {"direction": direction, "hex": x(data)}
    if carrier is not None:
        fields["carrier"] = x(carrier)
    add("bridge", name, "envelope-bridge", desc, reqs, "§4.4", fields, expected)


def invalid(cls):
    return {"result": "invalid", "error": cls}


br("worked-example-to-osc", "Design §4.4: the §3.7 SysEx becomes /mox ,b with the body (bytes 5-24) unchanged", ["bridge"], "sysex-to-osc",
   SYSEX_37, valid(x(mox_osc(BODY_37))))
br("worked-example-to-sysex", "Design §4.4: /mox ,b becomes F0 7D 4D 4F 58 <blob> F7 under the bridge's carrier 7D: the original message",
   ["bridge-back"], "osc-to-sysex", mox_osc(BODY_37), valid(x(SYSEX_37)), carrier=h("7d"))
br("to-sysex-other-carrier", "OSC to SysEx under a bridge with carrier 00 21 09: only the carrier differs", ["bridge-back"], "osc-to-sysex",
   mox_osc(BODY_37), valid(x(sysex(BODY_37, VENDOR))), carrier=VENDOR)
br("three-byte-carrier-to-osc", "A 3-byte carrier is framing: the OSC blob is the body alone", ["bridge"], "sysex-to-osc",
   sysex(BODY_37, VENDOR), valid(x(mox_osc(BODY_37))))
for flags in range(8):
    C, R, U = flags & 1, flags >> 1 & 1, flags >> 2 & 1
    m = Msg(minor=1, fields=[STRIP, F(0x38 | flags, h("01 02"), False), F((23 << 3) | flags, h("7f"), False), POS], K=1, dst=OTHER, src=OWN)
    b = m.body()
    br(f"unknown-c{C}r{R}u{U}-to-osc", f"Unknown fields with C={C} R={R} U={U} (1- and 2-byte ids), node ids and CRC cross SysEx -> OSC byte-exact",
       ["bridge", "bridge-exact"], "sysex-to-osc", m.sysex(), valid(x(mox_osc(b))))
    br(f"unknown-c{C}r{R}u{U}-to-sysex", f"The same body crosses OSC -> SysEx byte-exact", ["bridge-back", "bridge-exact"], "osc-to-sysex",
       mox_osc(b), valid(x(sysex(b))), carrier=h("7d"))
b = bytearray(BODY_37)
b[-1] ^= 1
br("bad-check", "A K=1 message with a wrong CRC: a bridge SHOULD verify and MUST NOT forward what it found wrong; one that does not verify copies it",
   ["bridge-crc"], "sysex-to-osc", sysex(bytes(b)),
   {"result": "acceptable", "flag": "bridge-verifies-check", "outcomes": [invalid("bad-check"), valid(x(mox_osc(bytes(b))))]})
mf = Msg(fields=[STRIP], fmt=1)
br("unknown-format", "A message of envelope format 01: a bridge SHOULD forward it unchanged (or drop it as unknown-format)",
   ["bridge-forward"], "sysex-to-osc", mf.sysex(),
   {"result": "acceptable", "flag": "bridge-forwards-unknown-format", "outcomes": [valid(x(mox_osc(mf.body()))), invalid("unknown-format")]})
mo2 = Msg(fields=[STRIP], dst=OTHER, src=OWN)
br("other-destination", "A message for another node is forwarded whatever its destination", ["bridge-forward"], "osc-to-sysex",
   mox_osc(mo2.body()), valid(x(mo2.sysex())), carrier=h("7d"))
cb = chunks(Msg(minor=1, fields=mc.fields), pay, 12)[0]
br("chunk-passes", "A chunk (H=1) crosses like any message: the bridge does not reassemble", ["bridge", "chunked"], "sysex-to-osc", cb,
   valid(x(mox_osc(cb[5:-1]))))
br("unknown-extension-passes", "A bridge needs no schema: an extension it does not know crosses byte-exact", ["bridge", "bridge-exact"],
   "sysex-to-osc", Msg(number=9, fields=[STRIP]).sysex(), valid(x(mox_osc(Msg(number=9, fields=[STRIP]).body()))))
br("later-arguments-dropped", "/mox ,bi: only the blob becomes the SysEx body", ["bridge-back", "osc-address"], "osc-to-sysex",
   mox_osc(BODY_37, "bi", struct.pack(">i", 7)), valid(x(SYSEX_37)), carrier=h("7d"))
bb = bytearray(BODY_37)
bb[8] |= 0x80
br("blob-not-seven-bit", "A blob byte above 7F cannot go to SysEx: not-seven-bit, dropped", ["bridge-back", "osc-seven-bit"], "osc-to-sysex",
   mox_osc(bytes(bb)), invalid("not-seven-bit"), carrier=h("7d"))
br("not-mox-address", "An OSC message at another address is not MOX: nothing to bridge", ["bridge-back", "osc-address"], "osc-to-sysex",
   FALLBACK_43, invalid("not-mox"), carrier=h("7d"))
br("not-mox-arguments", "/mox without a blob first is not MOX", ["bridge-back", "osc-address"], "osc-to-sysex",
   osc_msg("/mox", "i", struct.pack(">i", 1)), invalid("not-mox"), carrier=h("7d"))
br("not-mox-signature", "A SysEx without the MOX signature is not bridged", ["bridge", "sysex-frame"], "sysex-to-osc",
   SYSEX_37[:4] + h("59") + SYSEX_37[5:], invalid("not-mox"))
br("not-mox-carrier-7e", "Universal SysEx (carrier 7E) is never MOX", ["bridge", "carrier"], "sysex-to-osc", h("f0 7e") + SYSEX_37[2:], invalid("not-mox"))
mg = Msg(fields=[STRIP, F(12295 << 3 | 4, h("01 02 03"), False)], dst=BROADCAST, src=OWN)
br("grease-to-osc", "A GREASE field with a 3-byte id crosses byte-exact", ["bridge-exact", "grease-field"], "sysex-to-osc", mg.sysex(),
   valid(x(mox_osc(mg.body()))))

# --- bridge: bundles (A18), empty bodies, 8-bit SysEx (A23) --------------------------------------
m1, m2 = Msg(fields=[STRIP]), Msg(fields=[F(0x00, [4], True), F(0x08, u(1, 2), True)], K=1)
br("bundle-two-groups", "A bundle of two groups: one SysEx message per /mox element, in order, concatenated; the fallback elements are not carried",
   ["bridge-back", "bridge-group"], "osc-to-sysex", bundle(mox_osc(m1.body()), FB1, mox_osc(m2.body()), FB2),
   valid(x(m1.sysex() + m2.sysex())), carrier=h("7d"))
br("bundle-skips-not-mox", "A bundle whose first /mox element carries no blob (,i): only the second becomes a SysEx message",
   ["bridge-back", "bridge-group", "osc-shape"], "osc-to-sysex", bundle(osc_msg("/mox", "i", struct.pack(">i", 1)), FB1, mox_osc(m2.body())),
   valid(x(m2.sysex())), carrier=h("7d"))
br("bundle-without-mox", "A bundle with fallback-style messages only: nothing to bridge (not-mox)", ["bridge-back", "osc-address"], "osc-to-sysex",
   bundle(FB1, FB2), invalid("not-mox"), carrier=h("7d"))
br("empty-body-to-osc", "F0 7D 4D 4F 58 F7 (an empty body) crosses as /mox ,b with an empty blob: the bridge does not judge the body",
   ["bridge", "bridge-exact"], "sysex-to-osc", sysex(b""), valid(x(mox_osc(b""))))
br("empty-blob-to-sysex", "/mox ,b with an empty blob becomes F0 7D 4D 4F 58 F7", ["bridge-back", "bridge-exact"], "osc-to-sysex",
   mox_osc(b""), valid(x(sysex(b""))), carrier=h("7d"))
b8 = bytearray(SYSEX_37)
b8[12] = 0x81
br("sysex-not-seven-bit", "A SysEx unit with a byte above 7F after the signature is not MOX (MOX-SYX-005): not bridged, not-mox",
   ["bridge", "not-mox"], "sysex-to-osc", bytes(b8), invalid("not-mox"))
br("osc-layer-invalid", "/mox whose blob size is -1 is not MOX (MOX-OSC-004): nothing to bridge", ["bridge-back", "osc-shape"], "osc-to-sysex",
   PFX + struct.pack(">i", -1), invalid("not-mox"), carrier=h("7d"))
br("trailing-tag-dropped", "/mox ,bX: only the blob crosses; the unknown tag is never read", ["bridge-back", "osc-trailing"], "osc-to-sysex",
   mox_osc(BODY_37, "bX"), valid(x(SYSEX_37)), carrier=h("7d"))

# A round trip: SysEx -> OSC -> SysEx with the same carrier is the identity (design §4.4).
assert sysex(mox_osc(BODY_37)[16:16 + 20]) == SYSEX_37



# --------------------------------------------------------------------------------------------
# Cross-check. The expectations above are labelled by hand. As a second, independent reading of
# spec chapter 15, this small pipeline recomputes every case; the generator refuses to write
# when the two disagree, and a disagreement is resolved by reading the spec again, never by
# copying the pipeline's answer into a case.

class Stop(Exception):
    def __init__(self, reception, supported=False):
        self.reception, self.supported = reception, supported


def pipe_varint(b, pos, past):
    value = 0
    for i in range(3):
        if pos >= len(b):
            raise ValueError(past)
        c = b[pos]
        pos += 1
        if i == 2 and c & 0x40:
            raise ValueError("varint-too-long")
        if i >= 1 and c == 0:
            raise ValueError("varint-overlong")
        value |= (c & 0x3F) << (6 * i)
        if not c & 0x40:
            return value, pos


WIDTH = {"u7": 1, "u14": 2, "u21": 3, "u28": 4, "i7": 1, "i14": 2, "i21": 3, "i28": 4}


def unpack7(v):
    out, absent_bits = bytearray(), False
    for g in range(0, len(v), 8):
        hdr, data = v[g], v[g + 1:g + 8]
        for j in range(7):
            if j < len(data):
                out.append(data[j] | (0x80 if hdr >> (6 - j) & 1 else 0))
            elif hdr >> (6 - j) & 1:
                absent_bits = True
    return bytes(out), absent_bits


def check_value(d, v, fid):
    """(known, nested) for a defined field, or raises ValueError((class, field id))."""
    t, L = d["type"], len(v)
    def length_ok(ok):
        if not ok:
            raise ValueError(("bad-field-length", fid))
    def range_ok(ok):
        if not ok:
            raise ValueError(("value-out-of-range", fid))
    if t in WIDTH:
        length_ok(L == WIDTH[t])
        n = sum(c << (7 * i) for i, c in enumerate(v))
        if t[0] == "i" and n >= 1 << (7 * L - 1):
            n -= 1 << (7 * L)
        range_ok(d.get("min", n) <= n <= d.get("max", n))
    elif t in ("bool", "enum7"):
        length_ok(L == 1)
        if t == "bool":
            range_ok(v[0] in (0, 1))
        elif v[0] not in d["values"]:
            return False
    elif t in ("text7", "bytes7"):
        length_ok(L <= d.get("max_len", L))
        if t == "text7":
            range_ok(all(0x20 <= c <= 0x7E for c in v))
    elif t in ("utf8", "bytes", "f32"):
        length_ok(L == 5 if t == "f32" else (L == 0 or L % 8 != 1))
        length_ok(L - -(-L // 8) <= d.get("max_len", L))
        data, absent = unpack7(v)
        range_ok(not absent)
        if t == "utf8":
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                range_ok(False)
    return True


def parse_section(b, defs, depth, minor, ctx, top):
    fields, seen, pos = [], set(), 0
    while pos < len(b):
        if ctx["count"] == ctx["max_fields"]:
            raise ValueError(("too-many-fields", None))
        try:
            fid, pos = pipe_varint(b, pos, "field-overrun")
            n, pos = pipe_varint(b, pos, "field-overrun")
        except ValueError as e:
            raise ValueError((e.args[0], None))
        if pos + n > len(b):
            raise ValueError(("field-overrun", None))
        v, pos = b[pos:pos + n], pos + n
        ctx["count"] += 1
        d = next((d for d in defs if d["id"] == fid and d.get("added", 0) <= minor), None)
        if d is None and top and fid == 449 << 3:
            d = {"id": fid, "type": "u14"}
        f = {"id": fid, "known": False, "value": x(v)}
        if d is not None:
            if not d.get("repeated") and fid in seen:
                raise ValueError(("duplicate-field", None))
            if d["type"] == "record":
                if depth + 1 > ctx["max_depth"]:
                    raise ValueError(("record-too-deep", None))
                f["fields"] = parse_section(v, d["fields"], depth + 1, minor, ctx, False)
                f["known"] = True
            else:
                f["known"] = check_value(d, v, fid)
            if not d.get("repeated"):
                seen.add(fid)
        if not f["known"]:
            ctx["unknown"].append(fid)
        fields.append(f)
    return fields


def pipe_body(body, rcv, carrier=None, chunks_state=None, at=0, link=0):
    """Spec §15.3 from step 2 on; returns a reception, raises Stop with the `supported` flag."""
    if not body:
        raise Stop(outcome("malformed", "truncated-header"))
    if body[0] >> 5 & 3:
        raise Stop(outcome("ignored", "unknown-format"))
    K = body[0] & 1
    if K:
        if len(body) < 3 or crc_bytes(body[:-2]) != body[-2:]:
            raise Stop(outcome("discarded", "bad-check"))
        body = body[:-2]
    H, A = body[0] >> 2 & 1, body[0] >> 1 & 1

    def header():
        pos = 1
        try:
            if pos >= len(body):
                raise ValueError("truncated-header")
            olen = 3 if body[pos] == 0 else 1
            owner = body[pos:pos + olen]
            pos += olen
            if len(owner) != olen:
                raise ValueError("truncated-header")
            number, pos = pipe_varint(body, pos, "truncated-header")
            need = 3 + (8 if A else 0)
            if pos + need > len(body):
                raise ValueError("truncated-header")
            major, minor, mtype = body[pos:pos + 3]
            pos += 3
            src = dst = None
            if A:
                src = sum(c << (7 * i) for i, c in enumerate(body[pos:pos + 4]))
                dst = sum(c << (7 * i) for i, c in enumerate(body[pos + 4:pos + 8]))
                pos += 8
            return bytes(owner), number, major, minor, mtype, src, dst, pos
        except ValueError as e:
            return e.args[0]

    hd = header()
    def eligible():
        if isinstance(hd, str) or not A:
            return False
        owner, number, _, _, mtype, src, dst, _ = hd
        return (dst == rcv["node_id"] and src < 0x0FFFFF00 and not (owner == h("7e") and number == 0 and mtype == 1))
    if body[0] >> 3 & 3:
        raise Stop(outcome("malformed", "reserved-bit-set", "07" if eligible() else None))
    if isinstance(hd, str):
        raise Stop(outcome("malformed", hd))
    owner, number, major, minor, mtype, src, dst, pos = hd
    E = eligible()
    ext_ = next((e for e in rcv["extensions"] if bytes(e["owner"]) == owner and e["number"] == number), None)
    maj = ext_ and next((m for m in ext_["majors"] if m["major"] == major), None)
    supported = bool(maj)
    if A and dst not in (rcv["node_id"], BROADCAST):
        raise Stop(outcome("other-destination"), supported)
    if ext_ is None:
        raise Stop(outcome("rejected", "unsupported-extension", "05" if E else None))
    if maj is None:
        raise Stop(outcome("rejected", "unsupported-version", "02" if E else None))
    mdef = next((m for m in maj["messages"] if m["type"] == mtype), None)
    if mdef is None:
        raise Stop(outcome("rejected", "unsupported-message-type", "01" if E and mtype & 0x40 else None), True)
    section = body[pos:]
    view_hdr = body[0] & ~1 & ~4, owner, number, major, minor, mtype, src, dst
    if H:
        section, first = pipe_chunk(section, view_hdr, K, src, chunks_state, rcv, at, E, link)
        K = first
    limits = rcv.get("limits", {})
    ctx = {"count": 0, "max_fields": limits.get("max_fields", 64), "max_depth": limits.get("max_depth", 4), "unknown": []}
    try:
        fields = parse_section(section, mdef["fields"], 0, minor, ctx, True)
    except ValueError as e:
        cls, fid = e.args[0]
        code = ("08" if cls == "value-out-of-range" else "41") if E else None
        raise Stop(outcome("malformed", cls, code, fid if code == "08" else None), True)
    crit = [f for f in ctx["unknown"] if f & 1]
    if crit:
        raise Stop(outcome("dropped", "unknown-critical-field", "06" if E and crit[0] & 2 else None,
                           crit[0] if E and crit[0] & 2 else None), True)
    notify = [f for f in ctx["unknown"] if f & 2]
    m = {}
    if carrier is not None:
        m["carrier"] = x(carrier)
    m.update({"check": bool(K), "owner": x(owner), "number": number, "major": major, "minor": minor, "type": mtype})
    if A:
        m["src"], m["dst"] = src, dst
    m["fields"] = fields
    return outcome("delivered", reply="24" if E and notify else None, field=notify[0] if E and notify else None, message=m), True


CHUNK_CODES = {"chunk-out-of-sequence": "21", "chunk-missing": "22", "transfer-timed-out": "23", "chunk-conflicting": "25",
               "chunk-length-mismatch": "0c", "chunk-count-mismatch": "0d", "transfer-too-large": "09",
               "too-many-transfers": "44", "chunk-truncated": "41"}


def pipe_chunk(cb, hdr, K, src, state, rcv, at, E, link=0):
    """Spec §15.5 and §11.5; returns (the reassembled section, the first chunk's K) or raises Stop(consumed)."""
    limits = rcv.get("limits", {})
    limit, stale = limits.get("max_transfer_bytes", 1024), limits.get("stale_ms", 3000)
    def consumed_(cls):
        raise Stop(outcome("consumed", cls, CHUNK_CODES.get(cls) if E else None), True)
    for other in state.values():  # MOX-CHK-041: every transfer's last activity, on every call
        other["last"] = min(other["last"], at)
    if len(cb) < 7:
        consumed_("chunk-truncated")
    tid, total, number, length = cb[0], cb[1] | cb[2] << 7, cb[3] | cb[4] << 7, cb[5] | cb[6] << 7
    if len(cb) < 7 + length:
        consumed_("chunk-truncated")
    payload = cb[7:7 + length]
    if total and number > total:
        consumed_("chunk-count-mismatch")
    key = (src if src is not None else ("link", link), tid)
    t = state.get(key)
    if number == 0:
        state.pop(key, None)
        consumed_("transfer-abandoned")
    if number == 1 and total == 1:
        if len(payload) > limit:
            consumed_("transfer-too-large")
        return payload, K
    if t and at - t["last"] > stale:
        del state[key]
        if number >= 2:
            consumed_("transfer-timed-out")
        t = None
    def start(cls):
        if total != 1 and length == 0:
            consumed_("chunk-length-mismatch")
        if length > limit or (total and (total - 1) * length > limit):
            consumed_("transfer-too-large")
        for k in [k for k, o in state.items() if at - o["last"] > stale]:  # MOX-CHK-039: reclaim stale slots
            del state[k]
        if len(state) >= limits.get("max_transfers", 4):
            consumed_("too-many-transfers")
        state[key] = {"hdr": hdr, "K": K, "total": total, "L": length, "next": 2, "data": payload, "last": at,
                      "chunks": {1: (hdr, total, payload)}}
        consumed_(cls)
    if t is None:
        if number >= 2:
            consumed_("chunk-out-of-sequence")
        start("chunk-accepted")
    if number < t["next"]:
        if t["chunks"].get(number) == (hdr, total, payload):
            consumed_("chunk-duplicate")
        if number == 1:
            del state[key]
            start("transfer-restarted")
        del state[key]
        consumed_("chunk-conflicting")
    if number > t["next"]:
        del state[key]
        consumed_("chunk-missing")
    last = total != 0 and total == number
    if hdr != t["hdr"]:
        del state[key]
        consumed_("chunk-conflicting")
    if not (total == t["total"] if t["total"] else total in (0, number)):
        del state[key]
        consumed_("chunk-count-mismatch")
    if (length != t["L"]) if not last else (length > t["L"]):
        del state[key]
        consumed_("chunk-length-mismatch")
    if len(t["data"]) + length > limit:
        del state[key]
        consumed_("transfer-too-large")
    t["data"] += payload
    t["chunks"][number] = (hdr, total, payload)
    t["next"], t["last"] = number + 1, at
    if last:
        del state[key]
        return t["data"], t["K"]
    consumed_("chunk-accepted")


def pipe_sysex(data, rcv, state=None, at=0, link=0):
    """Step 1 (MOX-SYX-005), then the body."""
    if len(data) < 2 or data[0] != 0xF0 or data[-1] != 0xF7:
        return outcome("not-mox")
    inner = data[1:-1]
    if any(c > 0x7F for c in inner):
        return outcome("not-mox", "not-seven-bit")
    if not inner or inner[0] in (0x7E, 0x7F):
        return outcome("not-mox")
    clen = 3 if inner[0] == 0 else 1
    if len(inner) < clen or inner[clen:clen + 3] != h("4d 4f 58"):
        return outcome("not-mox")
    try:
        return pipe_body(inner[clen + 3:], rcv, inner[:clen], state if state is not None else {}, at, link)[0]
    except Stop as s:
        return s.reception


class OscFail(Exception):
    pass


def osc_read_str(b, pos):
    """An OSC-string at pos: (text, position after the padding); OscFail with the OSC class."""
    end = b.find(0, pos)
    if end < 0:
        raise OscFail("unterminated-string")
    after = (end + 4) & ~3
    if after > len(b):
        raise OscFail("truncated")
    if any(b[end + 1:after]):
        raise OscFail("nonzero-padding")
    return b[pos:end].decode("latin-1"), after


def osc_address(b):
    end = b.find(0)
    return (b if end < 0 else b[:end]).decode("latin-1")


def mox_blob(b):
    """MOX-OSC-004 in its resolved order on one OSC message at /mox: the blob, or a not-mox reception."""
    try:
        _, pos = osc_read_str(b, 0)
        if pos >= len(b) or b[pos] != ord(","):
            return outcome("not-mox")
        tags, pos = osc_read_str(b, pos)
        if len(tags) < 2 or tags[1] != "b":
            return outcome("not-mox")
        if pos + 4 > len(b):
            raise OscFail("truncated")
        size = struct.unpack(">i", b[pos:pos + 4])[0]
        if size < 0:
            raise OscFail("bad-blob-size")
        if size > 65536:
            raise OscFail("blob-too-large")
        end = pos + 4 + size
        if (end + 3) & ~3 > len(b):
            raise OscFail("truncated")
        if any(b[end:(end + 3) & ~3]):
            raise OscFail("nonzero-padding")
        return b[pos + 4:end]  # MOX-OSC-005: nothing after the blob's padding is read
    except OscFail as e:
        return outcome("not-mox", e.args[0])


def pipe_osc_message(b, rcv, state):
    """(address, reception or None, supported) for one OSC message."""
    address = osc_address(b)
    if address != "/mox":
        return address, None, False
    blob = mox_blob(b)
    if isinstance(blob, dict):
        return address, blob, False
    if any(c > 0x7F for c in blob):
        return address, outcome("malformed", "not-seven-bit"), False
    try:
        r, sup = pipe_body(blob, rcv, None, state, 0)
    except Stop as s:
        r, sup = s.reception, s.supported
    return address, r, sup


def osc_messages(b):
    if b.startswith(b"#bundle\0"):
        out, pos = [], 16
        while pos < len(b):
            n = struct.unpack(">I", b[pos:pos + 4])[0]
            out += osc_messages(b[pos + 4:pos + 4 + n])
            pos += 4 + n
        return out
    return [osc_address(b)]


def pipe_osc(b, rcv, state=None):
    state = {} if state is None else state  # one reassembler for the packet (one link)
    if not b.startswith(b"#bundle\0"):
        a, r, _ = pipe_osc_message(b, rcv, state)
        return [mox_el(r) if r else plain(a)]
    out, pos, group = [], 16, None  # group: None (before any /mox), True (supported), False
    while pos < len(b):
        n = struct.unpack(">I", b[pos:pos + 4])[0]
        e = b[pos + 4:pos + 4 + n]
        pos += 4 + n
        if e.startswith(b"#bundle\0"):
            out += [suppress(a) for a in osc_messages(e)] if group else pipe_osc(e, rcv, state)
            continue
        a, r, sup = pipe_osc_message(e, rcv, state)
        if a == "/mox":
            out.append(mox_el(r))
            group = sup
        else:
            out.append(suppress(a) if group else plain(a))
    return out


def pipe_bridge(c):
    data = h(c["hex"])
    if c["direction"] == "sysex-to-osc":
        if pipe_sysex(data, {"node_id": 0, "extensions": []})["outcome"] == "not-mox":
            return {"result": "invalid", "error": "not-mox"}
        clen = 3 if data[1] == 0 else 1
        return valid(x(mox_osc(data[1 + clen + 3:-1])))
    carrier = h(c["carrier"])
    if data.startswith(b"#bundle\0"):  # A18: one SysEx per /mox element, fallbacks dropped
        out, pos = b"", 16
        while pos < len(data):
            n = struct.unpack(">I", data[pos:pos + 4])[0]
            e = data[pos + 4:pos + 4 + n]
            pos += 4 + n
            blob = mox_blob(e) if osc_address(e) == "/mox" else None
            if isinstance(blob, bytes) and all(b < 0x80 for b in blob):
                out += sysex(blob, carrier)
        return valid(x(out)) if out else {"result": "invalid", "error": "not-mox"}
    blob = mox_blob(data) if osc_address(data) == "/mox" else outcome("not-mox")
    if isinstance(blob, dict):
        return {"result": "invalid", "error": "not-mox"}
    if any(b > 0x7F for b in blob):
        return {"result": "invalid", "error": "not-seven-bit"}
    return valid(x(sysex(blob, carrier)))


def cross_check():
    problems = []
    for area, cases in FILES.items():
        for c in cases:
            rcv = RECEIVERS.get(c.get("receiver"))
            if c["kind"] == "envelope-sysex":
                got = valid(pipe_sysex(h(c["hex"]), rcv))
            elif c["kind"] == "envelope-osc":
                got = valid(pipe_osc(h(c["hex"]), rcv))
            elif c["kind"] == "envelope-chunked":
                state = {}
                got = valid([pipe_sysex(h(s["hex"]), rcv, state, s["at"], s.get("link", 0)) for s in c["steps"]])
            else:
                got = pipe_bridge(c)
            want = c["expected"]
            wants = want["outcomes"] if want["result"] == "acceptable" else [want]
            if got not in wants:
                problems.append(f"{c['id']}:\n  labelled {json.dumps(wants)}\n  pipeline {json.dumps(got)}")
    return problems

# --------------------------------------------------------------------------------------------
# Checks and output

def check_requirements(spec_path):
    text = pathlib.Path(spec_path).read_text()
    known = set(re.findall(r"MOX-[A-Z]{3}-\d{3}", text))
    missing = sorted({r for cases in FILES.values() for c in cases for r in c["requirements"]} - known)
    return missing


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec", default=os.environ.get("MOX_SPEC", str(REPO / "spec" / "mox.md")),
                    help="the specification whose requirement ids the cases may cite")
    args = ap.parse_args()
    ids = [c["id"] for cases in FILES.values() for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    disagreements = cross_check()
    if disagreements:
        sys.exit("the hand labels and the cross-check pipeline disagree:\n" + "\n".join(disagreements))
    missing = check_requirements(args.spec)
    if missing:
        sys.exit(f"requirement ids not in {args.spec}: {', '.join(missing)}")
    (ROOT / "envelope").mkdir(exist_ok=True)
    for area, cases in FILES.items():
        used = sorted({c["receiver"] for c in cases if "receiver" in c})
        doc = {"corpus_version": VERSION}
        if used:
            doc["receivers"] = {name: RECEIVERS[name] for name in used}
        doc["cases"] = cases
        (ROOT / "envelope" / f"{area}.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    for area, cases in FILES.items():
        print(f"envelope/{area}.json: {len(cases)} cases")
    print(f"total: {len(ids)} cases")


if __name__ == "__main__":
    main()
