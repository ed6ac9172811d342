#!/usr/bin/env python3
"""Generate the `osc-packet` golden vectors: vectors/osc/packet.json.

The bytes come from the small encoder in this file, written from the OSC 1.0 specification
(CNMAT/OpenSoundControl.org spec-1_0.md), not from the Rust codec:

- int32, float32, int64, double, timetag: big-endian (`struct` with `>`).
- OSC-string: the bytes, one NUL, then 0-3 more NULs to a multiple of 4 (always >= 1 NUL).
- OSC-blob: int32 size, the bytes, 0-3 zero bytes to a multiple of 4.
- Message: address OSC-string, type-tag OSC-string starting with ',', argument data.
- Bundle: OSC-string "#bundle", 8-byte timetag, elements each an int32 size + contents.
- `c` is a 32-bit value, `r` is R,G,B,A in that byte order, `m` is port, status, data1,
  data2 from MSB to LSB; `T F N I` carry no bytes; `[` `]` only appear in the tags.

Malformed packets are built by hand from the same pieces. Expected values follow
vectors/README.md. The output is deterministic: run

    python3 vectors/tools/gen_osc_packets.py            # writes vectors/osc/packet.json
    python3 vectors/tools/gen_osc_packets.py --check    # fails if the file is stale

Conventions used for `expected`:
- `invalid` carries the class of the first error in reading order (address, type tags, then
  arguments in order; bundle elements in order, depth first).
- `partial` is given whenever something was decoded before the error: a message whose
  address and type-tag string were read shows its arguments up to and including an
  `{"error": ...}` marker (an array that fails is one failed argument); a bundle shows every
  element, a failed element replaced by `{"error": ...}`, and stops after an element whose
  size field breaks the framing.
- Implementation-defined behaviour is `acceptable` with one of these flags:
  `missing-type-tags-tolerated`, `nonzero-padding-rejected`, `utf8-strings`, `unicode-chars`.
"""
from __future__ import annotations

import json
import math
import re
import struct
import sys
from pathlib import Path
from typing import Any, NamedTuple

CORPUS_VERSION = json.loads((Path(__file__).resolve().parent.parent / "manifest.json").read_text())["corpus_version"]
OUT = Path(__file__).resolve().parent.parent / "osc" / "packet.json"
ID_RE = re.compile(r"^[a-z0-9]+(::[a-z0-9-]+)+$")

SPEC_STRING = "OSC 1.0 §Atomic data types: OSC-string"
SPEC_BLOB = "OSC 1.0 §Atomic data types: OSC-blob"
SPEC_PACKET = "OSC 1.0 §OSC Packets"
SPEC_MESSAGE = "OSC 1.0 §OSC Messages"
SPEC_ADDRESS = "OSC 1.0 §OSC Address Patterns"
SPEC_TAGS = "OSC 1.0 §OSC Type Tag String"
SPEC_BUNDLE = "OSC 1.0 §OSC Bundles"
SPEC_TIME = "OSC 1.0 §Temporal Semantics and OSC Time Tags"
SPEC_ARGS = "OSC 1.0 §OSC Arguments"

# ---------------------------------------------------------------------------------------------
# Encoder (from the spec)


def i32(n: int) -> bytes:
    return struct.pack(">i", n)


def u32(n: int) -> bytes:
    return struct.pack(">I", n)


def i64(n: int) -> bytes:
    return struct.pack(">q", n)


def u64(n: int) -> bytes:
    return struct.pack(">Q", n)


def pad4(b: bytes) -> bytes:
    return b + b"\0" * (-len(b) % 4)


def ostr(s: str | bytes) -> bytes:
    """OSC-string: text, a NUL, then NULs up to a multiple of 4."""
    b = s.encode("utf-8") if isinstance(s, str) else s
    assert b"\0" not in b
    return pad4(b + b"\0")


def oblob(b: bytes) -> bytes:
    return i32(len(b)) + pad4(b)


class A(NamedTuple):
    """One argument: its type tag(s), its data bytes, its JSON form."""

    tags: str
    data: bytes
    json: dict


class P(NamedTuple):
    """A packet (or bundle element): its bytes and its JSON form (PACKET or ERROR)."""

    data: bytes
    json: dict


def I(v: int) -> A:  # noqa: E743 (OSC tag name)
    return A("i", i32(v), {"type": "i", "value": v})


def _f32_json(bits: int) -> dict:
    out: dict[str, Any] = {"type": "f", "bits": f"{bits:08x}"}
    value = struct.unpack(">f", u32(bits))[0]
    if math.isfinite(value):
        out["value"] = value
    return out


def F(bits: int) -> A:
    """float32 given by its exact bit pattern."""
    return A("f", u32(bits), _f32_json(bits))


def Fv(value: float) -> A:
    """float32 from a value that must be exactly representable."""
    raw = struct.pack(">f", value)
    assert struct.unpack(">f", raw)[0] == value or math.isnan(value)
    return F(struct.unpack(">I", raw)[0])


def Fnear(value: float) -> A:
    """float32 nearest to `value` (a realistic controller value)."""
    return F(struct.unpack(">I", struct.pack(">f", value))[0])


def _f64_json(bits: int) -> dict:
    out: dict[str, Any] = {"type": "d", "bits": f"{bits:016x}"}
    value = struct.unpack(">d", u64(bits))[0]
    if math.isfinite(value):
        out["value"] = value
    return out


def D(bits: int) -> A:
    return A("d", u64(bits), _f64_json(bits))


def Dv(value: float) -> A:
    return D(struct.unpack(">Q", struct.pack(">d", value))[0])


def S(text: str) -> A:
    return A("s", ostr(text), {"type": "s", "value": text})


def Sym(text: str) -> A:
    return A("S", ostr(text), {"type": "S", "value": text})


def B(blob: bytes) -> A:
    return A("b", oblob(blob), {"type": "b", "hex": blob.hex()})


def H(v: int) -> A:
    return A("h", i64(v), {"type": "h", "value": str(v)})


def tt_json(bits: int) -> dict:
    return {"seconds": bits >> 32, "fraction": bits & 0xFFFFFFFF}


def T(bits: int) -> A:
    return A("t", u64(bits), {"type": "t", **tt_json(bits)})


def C(code: int) -> A:
    return A("c", u32(code), {"type": "c", "value": code})


def R(r: int, g: int, b: int, a: int) -> A:
    return A("r", bytes([r, g, b, a]), {"type": "r", "rgba": [r, g, b, a]})


def M(port: int, status: int, d1: int, d2: int) -> A:
    return A("m", bytes([port, status, d1, d2]), {"type": "m", "bytes": [port, status, d1, d2]})


TRUE = A("T", b"", {"type": "T"})
FALSE = A("F", b"", {"type": "F"})
NIL = A("N", b"", {"type": "N"})
IMP = A("I", b"", {"type": "I"})


def Arr(*items: A) -> A:
    return A(
        "[" + "".join(i.tags for i in items) + "]",
        b"".join(i.data for i in items),
        {"type": "[", "items": [i.json for i in items]},
    )


def msg(address: str, *args: A) -> P:
    data = ostr(address) + ostr("," + "".join(a.tags for a in args)) + b"".join(a.data for a in args)
    return P(data, {"message": {"address": address, "args": [a.json for a in args]}})


def sized(n: int, packet: P) -> P:
    """Asserts a packet's size where the case depends on it."""
    assert len(packet.data) == n, (len(packet.data), n)
    return packet


def err(cls: str) -> dict:
    return {"error": cls}


def pmsg(address: str, *args: A | dict) -> dict:
    """A partial message value: arguments (A) and a final error marker (dict)."""
    return {"message": {"address": address, "args": [a.json if isinstance(a, A) else a for a in args]}}


def untyped(address: str, payload: bytes) -> P:
    return P(ostr(address) + payload, {"message": {"address": address, "untyped_payload": payload.hex()}})


def raw(data: bytes, value: dict) -> P:
    """A hand-made element with the JSON that stands for it (an error marker or a partial)."""
    return P(data, value)


BUNDLE_TAG = b"#bundle\0"
IMMEDIATELY = 1


def element(e: P) -> bytes:
    return i32(len(e.data)) + e.data


def bundle(tt: int, *elements: P) -> P:
    data = BUNDLE_TAG + u64(tt) + b"".join(element(e) for e in elements)
    return P(data, {"bundle": {"timetag": tt_json(tt), "elements": [e.json for e in elements]}})


def pbundle(tt: int, *elements: P | dict) -> dict:
    return {
        "bundle": {
            "timetag": tt_json(tt),
            "elements": [e.json if isinstance(e, P) else e for e in elements],
        }
    }


# ---------------------------------------------------------------------------------------------
# Expected values


def valid(value: P | dict) -> dict:
    return {"result": "valid", "value": value.json if isinstance(value, P) else value}


def invalid(cls: str, partial: dict | None = None) -> dict:
    out: dict[str, Any] = {"result": "invalid", "error": cls}
    if partial is not None:
        out["partial"] = partial
    return out


def acceptable(flag: str, *outcomes: dict) -> dict:
    assert len(outcomes) >= 2
    return {"result": "acceptable", "flag": flag, "outcomes": list(outcomes)}


CASES: list[dict] = []


def case(
    cid: str,
    description: str,
    source: str,
    data: bytes | P,
    expected: dict,
    *,
    config: dict | None = None,
    reencode: bytes | P | None = None,
) -> None:
    assert ID_RE.match(cid), cid
    if isinstance(data, P):
        data = data.data
    out: dict[str, Any] = {
        "id": cid,
        "description": description,
        "source": source,
        "kind": "osc-packet",
    }
    if config is not None:
        out["config"] = config
    out["hex"] = data.hex()
    if reencode is not None:
        if isinstance(reencode, P):
            reencode = reencode.data
        assert reencode != data
        out["reencode"] = reencode.hex()
    out["expected"] = expected
    CASES.append(out)


def ok(cid: str, description: str, source: str, packet: P, **kw: Any) -> None:
    """A valid case whose bytes come from the encoder above."""
    assert len(packet.data) % 4 == 0
    case(cid, description, source, packet, valid(packet), **kw)


# ---------------------------------------------------------------------------------------------
# Cases

# ===== packet level ===========================================================================

case("osc::packet::empty", "A packet with no bytes at all.", SPEC_PACKET, b"", invalid("empty-packet"))

case(
    "osc::packet::size-not-multiple-of-4",
    "Three bytes: '/a' and its NUL without the padding; an OSC packet's size is always a multiple of 4.",
    SPEC_PACKET,
    b"/a\0",
    invalid("misaligned-size"),
)

case(
    "osc::packet::valid-message-plus-one-byte",
    "A well-formed message '/a ,i 1' followed by one stray byte: 17 bytes, not a multiple of 4.",
    SPEC_PACKET,
    msg("/a", I(1)).data + b"\0",
    invalid("misaligned-size"),
)

case(
    "osc::packet::first-byte-not-slash-or-hash",
    "The first byte is 'x': neither a message ('/') nor a bundle ('#').",
    SPEC_PACKET + ": the first byte distinguishes message from bundle",
    ostr("xyz") + ostr(",i") + i32(1),
    invalid("unknown-packet-type"),
)

case(
    "osc::packet::first-byte-comma",
    "A message without its address: the packet starts with the type-tag string ',i'.",
    SPEC_PACKET + "; " + SPEC_ADDRESS,
    ostr(",i") + i32(1),
    invalid("unknown-packet-type"),
)

case(
    "osc::packet::all-zero",
    "Four NUL bytes: the first byte is 0x00.",
    SPEC_PACKET,
    b"\0\0\0\0",
    invalid("unknown-packet-type"),
)

case(
    "osc::packet::length-prefixed-frame-as-datagram",
    "An OSC 1.0 TCP frame (int32 size 8, then '/a ,') handed to the datagram decoder: the "
    "length prefix belongs to the stream framing, not to the packet, so the first byte is 0x00.",
    SPEC_PACKET + ": stream framing is the transport's job",
    i32(8) + msg("/a").data,
    invalid("unknown-packet-type"),
)

case(
    "osc::packet::oversize-config",
    "A 20-byte message '/abc ,ii 7 8' with max_packet_size 16.",
    "MOX decoder limit max_packet_size (BRIEF: every limit configurable)",
    sized(20, msg("/abc", I(7), I(8))),
    invalid("packet-too-large"),
    config={"max_packet_size": 16},
)

ok(
    "osc::packet::at-size-limit-config",
    "A 16-byte message '/abc ,i 7' with max_packet_size 16: exactly at the limit.",
    "MOX decoder limit max_packet_size",
    sized(16, msg("/abc", I(7))),
    config={"max_packet_size": 16},
)

ok(
    "osc::packet::brief-feeooblah",
    "The benchmark message ['/feeooblah', ['beans', 1, 2.0]] used by FastOsc/rtosc.",
    "sonic-pi fast_osc README benchmark message; OSC 1.0 §OSC Messages",
    msg("/feeooblah", S("beans"), I(1), Fv(2.0)),
)

ok(
    "osc::packet::touchosc-fader",
    "A TouchOSC-style fader message: '/1/fader1 ,f 0.6535433' (83/127 as float32).",
    "TouchOSC default layout addresses; OSC 1.0 §OSC Messages",
    msg("/1/fader1", Fnear(83 / 127)),
)

ok(
    "osc::packet::no-arguments",
    "A message with an empty type-tag string ',' (zero arguments).",
    SPEC_TAGS + ": zero or more arguments",
    msg("/ping"),
)

ok(
    "osc::packet::root-address",
    "The shortest address, '/', with no arguments.",
    SPEC_ADDRESS,
    msg("/"),
)

ok(
    "osc::packet::pattern-address",
    "An address pattern with wildcards '/mixer/*/fader[1-4]' is carried verbatim; decoding "
    "does not interpret it.",
    SPEC_ADDRESS + "; §OSC Message Dispatching and Pattern Matching",
    msg("/mixer/*/fader[1-4]", Fv(0.5)),
)

ok(
    "osc::packet::address-lengths-padding",
    "Addresses of length 1..4 inside a bundle so every address padding case (3, 2, 1 and 4 NULs) "
    "appears: '/', '/a', '/ab', '/abc'.",
    SPEC_STRING + "; " + SPEC_ADDRESS,
    bundle(IMMEDIATELY, msg("/"), msg("/a"), msg("/ab"), msg("/abc")),
)

# Missing type-tag string.
case(
    "osc::packet::missing-type-tags-address-only",
    "A message that is only an address '/a' (no type-tag string). OSC 1.0 asks receivers to be "
    "robust to a missing type-tag string; MOX keeps the (empty) payload uninterpreted. A decoder "
    "that requires type tags reports the type-tag string as truncated.",
    SPEC_MESSAGE + ": 'robust in the case of a missing OSC Type Tag String'",
    b"/a\0\0",
    acceptable(
        "missing-type-tags-tolerated",
        valid(untyped("/a", b"")),
        invalid("truncated"),
    ),
)

case(
    "osc::packet::missing-type-tags-with-payload",
    "Address '/xinfo' followed directly by an int32 1 without a type-tag string, as older "
    "senders (the Behringer X32 case in liblo#17) do. Tolerant decoders keep the payload "
    "uninterpreted; strict ones reject the string that should start with ','.",
    "liblo#17 Behringer X32; " + SPEC_MESSAGE,
    b"/xinfo\0\0" + i32(1),
    acceptable(
        "missing-type-tags-tolerated",
        valid(untyped("/xinfo", i32(1))),
        invalid("unknown-type-tag"),
    ),
)

case(
    "osc::packet::missing-type-tags-string-payload",
    "Address '/name' followed by an OSC-string 'hi' with no type-tag string: the payload does "
    "not start with ',' so it is not a type-tag string.",
    SPEC_MESSAGE + ": missing OSC Type Tag String; " + SPEC_TAGS + ": the comma makes it detectable",
    b"/name\0\0\0" + ostr("hi"),
    acceptable(
        "missing-type-tags-tolerated",
        valid(untyped("/name", ostr("hi"))),
        invalid("unknown-type-tag"),
    ),
)

# Trailing data and argument counts.
case(
    "osc::packet::trailing-data",
    "',i' declares one argument but two int32s follow: the type tags must correspond exactly to "
    "the arguments.",
    SPEC_TAGS + ": 'corresponding exactly to the sequence of OSC Arguments'",
    msg("/a", I(1)).data + i32(2),
    invalid("trailing-data", pmsg("/a", I(1), err("trailing-data"))),
)

case(
    "osc::packet::trailing-data-empty-tags",
    "An empty type-tag string ',' followed by four bytes of data.",
    SPEC_TAGS,
    msg("/a").data + i32(0),
    invalid("trailing-data", pmsg("/a", err("trailing-data"))),
)

case(
    "osc::packet::too-many-arguments-config",
    "Four type tags ',iiii' with max_arguments 3; the limit is checked on the type-tag string, "
    "before any argument is read.",
    "MOX decoder limit max_arguments",
    msg("/a", I(1), I(2), I(3), I(4)),
    invalid("too-many-arguments"),
    config={"max_arguments": 3},
)

ok(
    "osc::packet::arguments-at-limit-config",
    "Three type tags ',iii' with max_arguments 3.",
    "MOX decoder limit max_arguments",
    msg("/a", I(1), I(2), I(3)),
    config={"max_arguments": 3},
)

ok(
    "osc::packet::array-brackets-at-argument-limit-config",
    "',[i]' is three type tags (brackets count) and max_arguments is 3: at the limit.",
    "MOX decoder limit max_arguments (counts type tags, array brackets included)",
    msg("/a", Arr(I(1))),
    config={"max_arguments": 3},
)

case(
    "osc::packet::array-brackets-over-argument-limit-config",
    "',[ii]' is four type tags (brackets count) and max_arguments is 3.",
    "MOX decoder limit max_arguments (counts type tags, array brackets included)",
    msg("/a", Arr(I(1), I(2))),
    invalid("too-many-arguments"),
    config={"max_arguments": 3},
)

ok(
    "osc::packet::arguments-at-default-limit",
    "1024 'N' type tags (no argument bytes): exactly the default max_arguments.",
    "MOX decoder limit max_arguments default 1024",
    msg("/n", *([NIL] * 1024)),
)

case(
    "osc::packet::too-many-arguments-default",
    "1025 'N' type tags: one over the default max_arguments.",
    "MOX decoder limit max_arguments default 1024",
    msg("/n", *([NIL] * 1025)),
    invalid("too-many-arguments"),
)

# Unknown type tags.
case(
    "osc::packet::unknown-type-tag-after-valid-args",
    "',ixf' with data 1, 3.0 (the bytes a sender put for 'x'), 2.0. The message must be "
    "discarded: OSC arguments have no length, so 'x' cannot be skipped. python-osc skips the "
    "tag without consuming its bytes and reads f = 3.0, then ignores 2.0 as trailing data.",
    "python-osc test_ignores_unknown_param; " + SPEC_TAGS + ": discard messages with unrecognized tags",
    ostr("/a") + ostr(",ixf") + i32(1) + struct.pack(">f", 3.0) + struct.pack(">f", 2.0),
    invalid("unknown-type-tag", pmsg("/a", I(1), err("unknown-type-tag"))),
)

case(
    "osc::packet::unknown-type-tag-first",
    "',x' with four bytes of data: an unknown tag as the only argument.",
    SPEC_TAGS + ": discard messages with unrecognized tags",
    ostr("/a") + ostr(",x") + i32(0),
    invalid("unknown-type-tag", pmsg("/a", err("unknown-type-tag"))),
)

case(
    "osc::packet::unknown-type-tag-before-valid-args",
    "',ui' ('u' is not an OSC 1.0 type tag) followed by data: "
    "nothing after the unknown tag can be read, so the valid-looking 'i' is not decoded.",
    "rosc: unknown tag fails whole message; " + SPEC_TAGS,
    ostr("/a") + ostr(",ui") + i32(5) + i32(6),
    invalid("unknown-type-tag", pmsg("/a", err("unknown-type-tag"))),
)

case(
    "osc::packet::unknown-type-tag-second-comma",
    "',i,i': a second ',' inside the type-tag string is not a type tag.",
    SPEC_TAGS,
    ostr("/a") + ostr(",i,i") + i32(1) + i32(2),
    invalid("unknown-type-tag", pmsg("/a", I(1), err("unknown-type-tag"))),
)

case(
    "osc::packet::unknown-type-tag-no-data",
    "',iX' where the unknown tag might be data-less: still unknown, still discarded.",
    SPEC_TAGS,
    ostr("/a") + ostr(",iX") + i32(1),
    invalid("unknown-type-tag", pmsg("/a", I(1), err("unknown-type-tag"))),
)

# Truncated arguments.
case(
    "osc::packet::int-missing-data",
    "',i' with no argument bytes.",
    SPEC_ARGS,
    msg("/a").data[:4] + ostr(",i"),
    invalid("truncated", pmsg("/a", err("truncated"))),
)

case(
    "osc::packet::int64-half-present",
    "',ih' with 1 and then only 4 of the 8 bytes of the int64.",
    SPEC_ARGS + "; " + SPEC_TAGS + ": h is 64 bits",
    ostr("/a") + ostr(",ih") + i32(1) + i32(0),
    invalid("truncated", pmsg("/a", I(1), err("truncated"))),
)

case(
    "osc::packet::double-half-present",
    "',d' with only 4 of the 8 bytes of the double.",
    SPEC_ARGS,
    ostr("/a") + ostr(",d") + struct.pack(">f", 2.0),
    invalid("truncated", pmsg("/a", err("truncated"))),
)

case(
    "osc::packet::timetag-half-present",
    "',t' with only 4 of the 8 bytes of the timetag.",
    SPEC_ARGS + "; " + SPEC_TIME,
    ostr("/a") + ostr(",t") + u32(0),
    invalid("truncated", pmsg("/a", err("truncated"))),
)

case(
    "osc::packet::second-int-missing",
    "',iif' with only two int32s: the float is missing.",
    SPEC_ARGS,
    ostr("/a") + ostr(",iif") + i32(1) + i32(2),
    invalid("truncated", pmsg("/a", I(1), I(2), err("truncated"))),
)

# Address and type-tag strings.
case(
    "osc::packet::address-unterminated",
    "The packet is '/abc' with no NUL: the address OSC-string never ends.",
    SPEC_STRING + ": always at least one NUL",
    b"/abc",
    invalid("unterminated-string"),
)

case(
    "osc::packet::address-unterminated-8",
    "The packet is '/abcdefg' (8 bytes) with no NUL.",
    SPEC_STRING + ": always at least one NUL",
    b"/abcdefg",
    invalid("unterminated-string"),
)

case(
    "osc::packet::type-tags-unterminated",
    "Address '/a', then ',iii' with no NUL and nothing after it.",
    SPEC_STRING + "; " + SPEC_TAGS,
    ostr("/a") + b",iii",
    invalid("unterminated-string"),
)

case(
    "osc::packet::address-nonzero-padding",
    "Address '/a' padded with 00 01 instead of 00 00. The spec says the padding is NULs; "
    "lenient decoders stop at the first NUL and skip to the 4-byte boundary.",
    SPEC_STRING + ": '0-3 additional null characters'",
    b"/a\0\x01" + ostr(","),
    acceptable(
        "nonzero-padding-rejected",
        invalid("nonzero-padding"),
        valid(msg("/a")),
    ),
    reencode=msg("/a"),
)

case(
    "osc::packet::type-tags-nonzero-padding",
    "Type-tag string ',i' padded with 00 20 instead of 00 00.",
    SPEC_STRING + "; " + SPEC_TAGS,
    ostr("/a") + b",i\0 " + i32(9),
    acceptable(
        "nonzero-padding-rejected",
        invalid("nonzero-padding"),
        valid(msg("/a", I(9))),
    ),
    reencode=msg("/a", I(9)),
)

case(
    "osc::packet::address-invalid-utf8",
    "Address '/caf' + 0xE9 (Latin-1 'é'): neither ASCII nor UTF-8.",
    SPEC_STRING + ": ASCII characters; MOX accepts UTF-8",
    ostr(b"/caf\xe9") + ostr(","),
    invalid("invalid-utf8"),
)

case(
    "osc::packet::address-utf8",
    "Address '/café' in UTF-8 (63 61 66 c3 a9). OSC 1.0 strings are ASCII; MOX accepts UTF-8, "
    "an ASCII-only decoder rejects it.",
    SPEC_STRING + ": 'non-null ASCII characters'",
    msg("/café", I(1)),
    acceptable(
        "utf8-strings",
        valid(msg("/café", I(1))),
        invalid("invalid-utf8"),
    ),
)

# ===== types ==================================================================================

SRC_INT = SPEC_TAGS + ": i int32; §Atomic data types: big-endian two's complement"
for name, v in [
    ("zero", 0),
    ("one", 1),
    ("minus-one", -1),
    ("max", 2**31 - 1),
    ("min", -(2**31)),
]:
    ok(f"osc::types::int32-{name}", f"',i' {v}.", SRC_INT, msg("/i", I(v)))

SRC_FLOAT = SPEC_TAGS + ": f float32; §Atomic data types: big-endian IEEE 754"
for name, bits, what in [
    ("two", 0x40000000, "2.0"),
    ("zero", 0x00000000, "+0.0"),
    ("negative-zero", 0x80000000, "-0.0 (sign bit only): must not collapse to +0.0"),
    ("nan-payload", 0x7FC00001, "a quiet NaN with payload 1 (7fc00001): bits preserved exactly"),
    ("nan-negative", 0xFFC00000, "a negative quiet NaN (ffc00000)"),
    ("nan-signalling", 0x7F800001, "a signalling NaN (7f800001): must not be quieted"),
    ("infinity", 0x7F800000, "+infinity"),
    ("negative-infinity", 0xFF800000, "-infinity"),
    ("subnormal-min", 0x00000001, "the smallest subnormal (2^-149)"),
    ("subnormal-max", 0x007FFFFF, "the largest subnormal"),
    ("min-normal", 0x00800000, "the smallest normal (2^-126)"),
    ("max", 0x7F7FFFFF, "the largest finite float32"),
]:
    ok(f"osc::types::float32-{name}", f"',f' {what}.", SRC_FLOAT, msg("/f", F(bits)))

SRC_H = SPEC_TAGS + ": h 64-bit big-endian two's complement integer"
for name, v in [("zero", 0), ("minus-one", -1), ("max", 2**63 - 1), ("min", -(2**63))]:
    ok(f"osc::types::int64-{name}", f"',h' {v}.", SRC_H, msg("/h", H(v)))

ok(
    "osc::types::int64-byte-order",
    "',h' 0x0102030405060708: the most significant byte first.",
    SRC_H,
    msg("/h", H(0x0102030405060708)),
)

SRC_D = SPEC_TAGS + ": d 64-bit IEEE 754 double"
for name, bits, what in [
    ("two", 0x4000000000000000, "2.0"),
    ("negative-zero", 0x8000000000000000, "-0.0"),
    ("nan-payload", 0x7FF8000000000001, "a quiet NaN with payload 1: bits preserved exactly"),
    ("nan-signalling", 0x7FF0000000000001, "a signalling NaN: must not be quieted"),
    ("infinity", 0x7FF0000000000000, "+infinity"),
    ("negative-infinity", 0xFFF0000000000000, "-infinity"),
    ("subnormal-min", 0x0000000000000001, "the smallest subnormal (2^-1074)"),
    ("max", 0x7FEFFFFFFFFFFFFF, "the largest finite double"),
    ("pi", 0x400921FB54442D18, "pi, all 8 bytes significant"),
]:
    ok(f"osc::types::double-{name}", f"',d' {what}.", SRC_D, msg("/d", D(bits)))

SRC_T = SPEC_TAGS + ": t OSC-timetag; " + SPEC_TIME
ok(
    "osc::types::timetag-zero",
    "',t' 0 (seconds 0, fraction 0): 1900-01-01, the value CNMAT/OSC sent for 'unset' before 4.0.",
    "CNMAT/OSC 4.0.0 README: timetag 0 vs 1; " + SRC_T,
    msg("/t", T(0)),
)
ok(
    "osc::types::timetag-immediately",
    "',t' 1 (seconds 0, fraction 1): the special value 'immediately'.",
    SRC_T + ": 63 zero bits then a one mean 'immediately'",
    msg("/t", T(IMMEDIATELY)),
)
ok(
    "osc::types::timetag-max",
    "',t' 0xffffffffffffffff (seconds and fraction all ones).",
    SRC_T,
    msg("/t", T(0xFFFFFFFFFFFFFFFF)),
)
ok(
    "osc::types::timetag-ntp",
    "',t' seconds 0xe9a6c0b0, fraction 0x80000000 (a 2024 NTP time plus half a second): "
    "seconds in the high 32 bits.",
    SRC_T,
    msg("/t", T(0xE9A6C0B0_80000000)),
)

SRC_S = SPEC_TAGS + ": S alternate type represented as an OSC-string"
ok("osc::types::symbol", "',S' symbol 'sym' (encoded as an OSC-string).", SRC_S, msg("/S", Sym("sym")))
ok("osc::types::symbol-empty", "',S' the empty symbol: four NULs.", SRC_S, msg("/S", Sym("")))
ok(
    "osc::types::symbol-and-string",
    "',Ss' 'abcd' and 'abcd': same bytes, different tags; the tag decides the type.",
    SRC_S,
    msg("/S", Sym("abcd"), S("abcd")),
)

SRC_C = SPEC_TAGS + ": c an ascii character, sent as 32 bits"
ok("osc::types::char-ascii", "',c' 'A' (0x00000041).", SRC_C, msg("/c", C(0x41)))
ok("osc::types::char-nul", "',c' U+0000: a NUL character is a valid value here.", SRC_C, msg("/c", C(0)))
for name, cp, what in [
    ("latin1", 0xE9, "U+00E9 'é'"),
    ("astral", 0x1F3B9, "U+1F3B9 (a keyboard emoji, outside the BMP)"),
]:
    case(
        f"osc::types::char-non-ascii-{name}",
        f"',c' {what}: a Unicode scalar value but not ASCII. MOX accepts any Unicode scalar "
        "value; an ASCII-only decoder rejects it.",
        SRC_C,
        msg("/c", C(cp)),
        acceptable(
            "unicode-chars",
            valid(msg("/c", C(cp))),
            invalid("invalid-char", pmsg("/c", err("invalid-char"))),
        ),
    )
for name, cp, what in [
    ("surrogate", 0xD800, "0xD800, a UTF-16 surrogate: not a Unicode scalar value"),
    ("above-unicode", 0x110000, "0x110000, above U+10FFFF"),
    ("all-ones", 0xFFFFFFFF, "0xFFFFFFFF"),
]:
    case(
        f"osc::types::char-invalid-{name}",
        f"',ci' {what}, then int 7: neither ASCII nor a Unicode scalar value.",
        SRC_C,
        ostr("/c") + ostr(",ci") + u32(cp) + i32(7),
        invalid("invalid-char", pmsg("/c", err("invalid-char"))),
    )

SRC_R = SPEC_TAGS + ": r 32 bit RGBA color"
ok(
    "osc::types::rgba-byte-order",
    "',r' red 0x11, green 0x22, blue 0x33, alpha 0x44 on the wire as 11 22 33 44 (big-endian "
    "0xRRGGBBAA). CNMAT/OSC up to 3.5.8 had it byte-reversed.",
    "CNMAT/OSC 4.0.0 README: r/m byte order; " + SRC_R,
    msg("/r", R(0x11, 0x22, 0x33, 0x44)),
)
ok(
    "osc::types::rgba-reversed-bytes-not-swapped",
    "Bytes ff 00 80 01 mean red 255, green 0, blue 128, alpha 1: "
    "a decoder that reverses the bytes reads red 1, alpha 255.",
    "CNMAT/OSC 4.0.0 README: r/m byte order; " + SRC_R,
    msg("/r", R(0xFF, 0x00, 0x80, 0x01)),
)

SRC_M = SPEC_TAGS + ": m 4 byte MIDI message, MSB to LSB: port id, status byte, data1, data2"
ok(
    "osc::types::midi-byte-order",
    "',m' port 1, status 0x90 (note on ch 1), data1 60, data2 127 on the wire as 01 90 3c 7f. "
    "CNMAT/OSC up to 3.5.8 reversed the bytes and dropped data2.",
    "CNMAT/OSC 4.0.0 README: r/m byte order; " + SRC_M,
    msg("/m", M(0x01, 0x90, 0x3C, 0x7F)),
)
ok(
    "osc::types::midi-reversed-bytes-not-swapped",
    "Bytes 7f 3c 90 01 mean port 127, status 0x3c, data1 0x90, data2 1 (nonsense MIDI, still a "
    "valid 'm' value): the decoder must not guess the order.",
    "CNMAT/OSC 4.0.0 README: r/m byte order; " + SRC_M,
    msg("/m", M(0x7F, 0x3C, 0x90, 0x01)),
)

SRC_TFNI = SPEC_TAGS + ": T F N I allocate no bytes in the argument data"
ok("osc::types::true", "',T' alone: no argument bytes.", SRC_TFNI, msg("/T", TRUE))
ok("osc::types::false", "',F' alone: no argument bytes.", SRC_TFNI, msg("/F", FALSE))
ok("osc::types::nil", "',N' alone: no argument bytes.", SRC_TFNI, msg("/N", NIL))
ok(
    "osc::types::impulse",
    "',I' alone: Infinitum (OSC 1.0) / Impulse (OSC 1.1); no argument bytes.",
    SRC_TFNI,
    msg("/I", IMP),
)
ok(
    "osc::types::dataless-between-ints",
    "',iTFNIi' 1 … 2: the data-less tags do not consume bytes, so the ints are adjacent.",
    SRC_TFNI,
    msg("/x", I(1), TRUE, FALSE, NIL, IMP, I(2)),
)

ALL_TYPES = [
    I(-2),
    Fv(0.25),
    S("str"),
    B(b"\x01\x02\x03"),
    H(-(2**40)),
    T(IMMEDIATELY),
    Dv(-1.5),
    Sym("sym"),
    C(0x7A),
    R(1, 2, 3, 4),
    M(0, 0xB0, 7, 100),
    TRUE,
    FALSE,
    NIL,
    IMP,
    Arr(I(3), S("x")),
]
ok(
    "osc::types::every-type",
    "One message with every type tag in order: ',ifsbhtdScrmTFNI[is]'.",
    SPEC_TAGS,
    msg("/all", *ALL_TYPES),
)
ok(
    "osc::types::every-type-reversed",
    "Every type tag in the opposite order, so each type follows a different predecessor.",
    SPEC_TAGS,
    msg("/all", *reversed(ALL_TYPES)),
)
ok(
    "osc::types::timetag-immediately-arg-and-bundle",
    "A bundle timed 'immediately' carrying '/sched ,t' 1: the value 1 in both positions.",
    SPEC_TIME,
    bundle(IMMEDIATELY, msg("/sched", T(IMMEDIATELY))),
)

# ===== strings ================================================================================

for n in range(9):
    text = "abcdefgh"[:n]
    nuls = 4 - n % 4
    ok(
        f"osc::string::length-{n}",
        f"',s' a {n}-character string {text!r}: {nuls} NUL(s) follow it.",
        SPEC_STRING + ": a NUL then 0-3 more to a multiple of 4",
        msg("/s", S(text)),
    )

ok(
    "osc::string::several-lengths",
    "',ssss' 'a', 'bcd', '', 'efghi': each string realigns the next argument.",
    SPEC_STRING,
    msg("/s", S("a"), S("bcd"), S(""), S("efghi"), I(1)),
)

case(
    "osc::string::unterminated",
    "',s' followed by 'abcd' with no NUL before the end of the packet.",
    SPEC_STRING + ": always at least one NUL",
    ostr("/s") + ostr(",s") + b"abcd",
    invalid("unterminated-string", pmsg("/s", err("unterminated-string"))),
)

case(
    "osc::string::missing",
    "',is' with the int present and no bytes at all for the string.",
    SPEC_STRING,
    ostr("/s") + ostr(",is") + i32(1),
    invalid("unterminated-string", pmsg("/s", I(1), err("unterminated-string"))),
)

case(
    "osc::string::padding-cut-off",
    "',s' 'abcde' and its NUL, but only one of the two padding NULs: the packet is 15 bytes. "
    "Because packets are 4-aligned, a cut-off padding always shows up as a misaligned size.",
    SPEC_STRING + "; " + SPEC_PACKET,
    sized(15, P(ostr("/s") + ostr(",s") + b"abcde\0\0", {})),
    invalid("misaligned-size"),
)

case(
    "osc::string::nonzero-padding",
    "',s' 'ab' followed by 00 01 instead of 00 00.",
    SPEC_STRING + ": '0-3 additional null characters'",
    ostr("/s") + ostr(",s") + b"ab\0\x01",
    acceptable(
        "nonzero-padding-rejected",
        invalid("nonzero-padding", pmsg("/s", err("nonzero-padding"))),
        valid(msg("/s", S("ab"))),
    ),
    reencode=msg("/s", S("ab")),
)

case(
    "osc::string::embedded-nul",
    "',s' with bytes 'a' 00 'b' 00: the string is 'a' and 'b' sits in its padding.",
    SPEC_STRING,
    ostr("/s") + ostr(",s") + b"a\0b\0",
    acceptable(
        "nonzero-padding-rejected",
        invalid("nonzero-padding", pmsg("/s", err("nonzero-padding"))),
        valid(msg("/s", S("a"))),
    ),
    reencode=msg("/s", S("a")),
)

for name, text, what in [
    ("utf8-two-byte", "Grüße", "'Grüße' (2-byte UTF-8 sequences)"),
    ("utf8-four-byte", "🎹 keys", "'🎹 keys' (a 4-byte UTF-8 sequence)"),
]:
    case(
        f"osc::string::{name}",
        f"',s' {what}. OSC 1.0 strings are ASCII; MOX accepts UTF-8, an ASCII-only decoder "
        "rejects it.",
        SPEC_STRING + ": 'non-null ASCII characters'",
        msg("/s", S(text)),
        acceptable(
            "utf8-strings",
            valid(msg("/s", S(text))),
            invalid("invalid-utf8", pmsg("/s", err("invalid-utf8"))),
        ),
    )

for name, raw_bytes, what in [
    ("invalid-utf8-ff", b"\xff", "a lone 0xFF byte"),
    ("invalid-utf8-latin1", b"caf\xe9", "'caf' + 0xE9 (Latin-1 'é')"),
    ("invalid-utf8-overlong", b"\xc0\xaf", "the overlong '/' C0 AF"),
    ("invalid-utf8-surrogate", b"\xed\xa0\x80", "ED A0 80, a UTF-8-encoded surrogate U+D800"),
    ("invalid-utf8-truncated-sequence", b"x\xe2\x82", "'x' then E2 82, a 3-byte sequence cut short"),
]:
    case(
        f"osc::string::{name}",
        f"',si' {what}, then int 1: neither ASCII nor UTF-8, whatever the decoder's profile.",
        SPEC_STRING + ": ASCII; MOX accepts UTF-8 only",
        ostr("/s") + ostr(",si") + ostr(raw_bytes) + i32(1),
        invalid("invalid-utf8", pmsg("/s", err("invalid-utf8"))),
    )

case(
    "osc::string::symbol-invalid-utf8",
    "',S' with the byte 0xFF: symbols are OSC-strings and follow the same rules.",
    SPEC_STRING + "; " + SPEC_TAGS + ": S",
    ostr("/s") + ostr(",S") + ostr(b"\xff"),
    invalid("invalid-utf8", pmsg("/s", err("invalid-utf8"))),
)

# ===== blobs ==================================================================================

for n in range(6):
    blob_bytes = bytes(range(0xA0, 0xA0 + n))
    ok(
        f"osc::blob::length-{n}",
        f"',b' a {n}-byte blob: int32 size {n}, the bytes, {-n % 4} zero pad byte(s).",
        SPEC_BLOB,
        msg("/b", B(blob_bytes)),
    )

ok(
    "osc::blob::one-kib",
    "',b' a 1024-byte blob (bytes 0..255 four times).",
    SPEC_BLOB,
    msg("/b", B(bytes(range(256)) * 4)),
)

ok(
    "osc::blob::then-int",
    "',bi' a 1-byte blob then int 7: the blob's padding realigns the int.",
    SPEC_BLOB,
    msg("/b", B(b"\xff"), I(7)),
)

ok(
    "osc::blob::holds-osc-packet",
    "',b' a blob that holds a whole OSC message '/in ,i 1' (with NULs): opaque, not parsed.",
    SPEC_BLOB + ": arbitrary binary data",
    msg("/b", B(msg("/in", I(1)).data)),
)

case(
    "osc::blob::size-7fffffff-default",
    "',b' declaring 0x7fffffff bytes with none present; the default max_blob_size (65536) "
    "rejects it before looking at the data.",
    "CNMAT fuzzbad: attacker-declared 4 GB blob length; MOX decoder limit max_blob_size",
    ostr("/b") + ostr(",b") + i32(0x7FFFFFFF),
    invalid("blob-too-large", pmsg("/b", err("blob-too-large"))),
)

case(
    "osc::blob::size-7fffffff-raised-limit",
    "The same blob with max_blob_size raised to 2147483647: the declared size is then checked "
    "against the data, which ends.",
    "CNMAT fuzzbad: attacker-declared 4 GB blob length; " + SPEC_BLOB,
    ostr("/b") + ostr(",b") + i32(0x7FFFFFFF),
    invalid("truncated", pmsg("/b", err("truncated"))),
    config={"max_blob_size": 2147483647},
)

case(
    "osc::blob::size-ffffffff",
    "',b' with size bytes ff ff ff ff: int32 -1 (read as unsigned it would be a 4 GB blob; "
    "python-osc 1.10.2 returns an empty blob).",
    "CNMAT fuzzbad: 4 GB blob length; " + SPEC_BLOB + ": int32 size count",
    ostr("/b") + ostr(",b") + u32(0xFFFFFFFF) + i32(0),
    invalid("bad-blob-size", pmsg("/b", err("bad-blob-size"))),
)

case(
    "osc::blob::size-int32-min",
    "',b' with size 0x80000000 (int32 minimum).",
    SPEC_BLOB + ": int32 size count",
    ostr("/b") + ostr(",b") + u32(0x80000000),
    invalid("bad-blob-size", pmsg("/b", err("bad-blob-size"))),
)

case(
    "osc::blob::size-past-end",
    "',b' declaring 8 bytes with only 4 present.",
    SPEC_BLOB,
    ostr("/b") + ostr(",b") + i32(8) + b"\x01\x02\x03\x04",
    invalid("truncated", pmsg("/b", err("truncated"))),
)

case(
    "osc::blob::size-missing",
    "',ib' with the int present and no bytes for the blob's size.",
    SPEC_BLOB,
    ostr("/b") + ostr(",ib") + i32(3),
    invalid("truncated", pmsg("/b", I(3), err("truncated"))),
)

case(
    "osc::blob::padding-past-end",
    "',b' declaring 6 bytes with only 4 bytes after the size: the data and its padding end early.",
    SPEC_BLOB,
    ostr("/b") + ostr(",b") + i32(6) + b"\x01\x02\x03\x04",
    invalid("truncated", pmsg("/b", err("truncated"))),
)

case(
    "osc::blob::nonzero-padding",
    "',b' a 1-byte blob AB followed by padding 01 02 03 instead of zeros.",
    SPEC_BLOB + ": '0-3 additional zero bytes'",
    ostr("/b") + ostr(",b") + i32(1) + b"\xab\x01\x02\x03",
    acceptable(
        "nonzero-padding-rejected",
        invalid("nonzero-padding", pmsg("/b", err("nonzero-padding"))),
        valid(msg("/b", B(b"\xab"))),
    ),
    reencode=msg("/b", B(b"\xab")),
)

ok(
    "osc::blob::at-limit-config",
    "',b' a 4-byte blob with max_blob_size 4.",
    "MOX decoder limit max_blob_size",
    msg("/b", B(b"\x01\x02\x03\x04")),
    config={"max_blob_size": 4},
)

case(
    "osc::blob::over-limit-config",
    "',b' a 5-byte blob with max_blob_size 4.",
    "MOX decoder limit max_blob_size",
    msg("/b", B(b"\x01\x02\x03\x04\x05")),
    invalid("blob-too-large", pmsg("/b", err("blob-too-large"))),
    config={"max_blob_size": 4},
)

# ===== arrays =================================================================================

SRC_ARR = SPEC_TAGS + ": [ and ] delimit an array"
ok("osc::array::empty", "',[]': an empty array, no argument bytes.", SRC_ARR, msg("/a", Arr()))
ok("osc::array::two-ints", "',[ii]' [1, 2].", SRC_ARR, msg("/a", Arr(I(1), I(2))))
ok(
    "osc::array::between-args",
    "',i[fs]i' 1, [0.5, 'x'], 2: data continues after the array.",
    SRC_ARR,
    msg("/a", I(1), Arr(Fv(0.5), S("x")), I(2)),
)
ok("osc::array::nested", "',[i[ii]]' [1, [2, 3]].", SRC_ARR, msg("/a", Arr(I(1), Arr(I(2), I(3)))))
ok("osc::array::nested-empty", "',[[]]' an array holding one empty array.", SRC_ARR, msg("/a", Arr(Arr())))
ok("osc::array::siblings", "',[i][s]' two arrays side by side.", SRC_ARR, msg("/a", Arr(I(1)), Arr(S("s"))))
ok(
    "osc::array::every-type",
    "',[ifsbhtdScrmTFNI]': every scalar type inside an array.",
    SRC_ARR,
    msg("/a", Arr(*ALL_TYPES[:-1])),
)
ok(
    "osc::array::strings-and-blobs",
    "',[sbs]' 'abc', blob 01 02, 'defg': variable-length items inside an array stay aligned.",
    SRC_ARR,
    msg("/a", Arr(S("abc"), B(b"\x01\x02"), S("defg"))),
)


def nest(depth: int, inner: A) -> A:
    item = inner
    for _ in range(depth):
        item = Arr(item)
    return item


ok(
    "osc::array::depth-at-default-limit",
    "Arrays nested 8 deep ',[[[[[[[[i]]]]]]]]': exactly the default max_array_depth.",
    "MOX decoder limit max_array_depth default 8 (an array directly in a message is depth 1)",
    msg("/a", nest(8, I(1))),
)

deep9 = msg("/a", nest(9, I(1)))
case(
    "osc::array::depth-over-default-limit",
    "Arrays nested 9 deep: one over the default max_array_depth.",
    "MOX decoder limit max_array_depth default 8",
    deep9,
    invalid("array-too-deep", pmsg("/a", err("array-too-deep"))),
)

ok(
    "osc::array::depth-at-limit-config",
    "',i[[i]]' with max_array_depth 2.",
    "MOX decoder limit max_array_depth",
    msg("/a", I(0), nest(2, I(1))),
    config={"max_array_depth": 2},
)

case(
    "osc::array::depth-over-limit-config",
    "',i[[[i]]]' with max_array_depth 2: the int before the array still decodes.",
    "MOX decoder limit max_array_depth",
    msg("/a", I(0), nest(3, I(1))),
    invalid("array-too-deep", pmsg("/a", I(0), err("array-too-deep"))),
    config={"max_array_depth": 2},
)

case(
    "osc::array::unknown-tag-inside",
    "',i[fx]' 1, [2.0, ?]: an unknown tag inside an array fails the array (one argument) and "
    "the message.",
    SRC_ARR + "; discard messages with unrecognized tags",
    ostr("/a") + ostr(",i[fx]") + i32(1) + struct.pack(">f", 2.0) + i32(0),
    invalid("unknown-type-tag", pmsg("/a", I(1), err("unknown-type-tag"))),
)

case(
    "osc::array::unclosed",
    "',[i' 1: the array never closes.",
    SRC_ARR,
    ostr("/a") + ostr(",[i") + i32(1),
    invalid("unbalanced-array", pmsg("/a", err("unbalanced-array"))),
)

case(
    "osc::array::close-without-open",
    "',i]' 1: a ']' with no '['.",
    SRC_ARR,
    ostr("/a") + ostr(",i]") + i32(1),
    invalid("unbalanced-array", pmsg("/a", I(1), err("unbalanced-array"))),
)

case(
    "osc::array::extra-close",
    "',[i]]' [1] then a stray ']'.",
    SRC_ARR,
    ostr("/a") + ostr(",[i]]") + i32(1),
    invalid("unbalanced-array", pmsg("/a", Arr(I(1)), err("unbalanced-array"))),
)

case(
    "osc::array::nested-unclosed",
    "',[[i]' 1: the outer array never closes.",
    SRC_ARR,
    ostr("/a") + ostr(",[[i]") + i32(1),
    invalid("unbalanced-array", pmsg("/a", err("unbalanced-array"))),
)

case(
    "osc::array::item-truncated",
    "',[ii]' with only one int32 present: the data ends inside the array.",
    SRC_ARR + "; " + SPEC_ARGS,
    ostr("/a") + ostr(",[ii]") + i32(1),
    invalid("truncated", pmsg("/a", err("truncated"))),
)

# ===== bundles ================================================================================

TT = 0xE9A6C0B0_00000000  # a 2024 NTP time, used where a non-trivial bundle time helps

ok(
    "osc::bundle::empty",
    "'#bundle', a timetag, zero elements.",
    SPEC_BUNDLE + ": zero or more elements",
    bundle(IMMEDIATELY),
)
ok(
    "osc::bundle::one-element",
    "A bundle timed 'immediately' with one message '/a ,i 1'.",
    SPEC_BUNDLE,
    bundle(IMMEDIATELY, msg("/a", I(1))),
)
ok(
    "osc::bundle::several-elements",
    "A timed bundle with three messages of different sizes.",
    SPEC_BUNDLE,
    bundle(TT, msg("/a", I(1)), msg("/bb", S("hello"), Fv(1.0)), msg("/c")),
)
ok(
    "osc::bundle::timetag-immediately",
    "A bundle whose timetag is 1: 'immediately'.",
    SPEC_TIME + ": 63 zero bits then a one mean 'immediately'",
    bundle(IMMEDIATELY, msg("/go")),
)
ok(
    "osc::bundle::timetag-zero",
    "A bundle whose timetag is 0 (1900-01-01, in the past): CNMAT/OSC before 4.0 sent 0 where "
    "it meant 'immediately'. It decodes as seconds 0, fraction 0, not as 'immediately'.",
    "CNMAT/OSC 4.0.0 README: timetag 0 vs 1; " + SPEC_TIME,
    bundle(0, msg("/go")),
)
ok(
    "osc::bundle::timetag-max",
    "A bundle whose timetag is all ones.",
    SPEC_TIME,
    bundle(0xFFFFFFFFFFFFFFFF, msg("/go")),
)
ok(
    "osc::bundle::sixteen-messages",
    "A bundle with 16 fader messages '/strip/N/fader ,f' (N = 1..16).",
    SPEC_BUNDLE,
    bundle(IMMEDIATELY, *[msg(f"/strip/{n}/fader", Fnear(n / 16)) for n in range(1, 17)]),
)
ok(
    "osc::bundle::nested-2",
    "A bundle holding a message and a nested bundle with one message.",
    SPEC_BUNDLE + ": bundles may contain bundles",
    bundle(TT, msg("/a", I(1)), bundle(TT + 1, msg("/b", I(2)))),
)
ok(
    "osc::bundle::nested-3",
    "Three levels of bundles, a message at each level.",
    SPEC_BUNDLE + ": bundles may contain bundles",
    bundle(TT, msg("/a"), bundle(TT, msg("/b"), bundle(TT, msg("/c")))),
)
ok(
    "osc::bundle::nested-empty",
    "A bundle holding an empty bundle.",
    SPEC_BUNDLE,
    bundle(IMMEDIATELY, bundle(IMMEDIATELY)),
)
ok(
    "osc::bundle::nested-timetag-earlier-than-parent",
    "A nested bundle timed earlier than its parent. OSC 1.0 says the enclosed timetag 'must be' "
    "greater than or equal; that is a scheduling rule for senders and schedulers, and the "
    "decoder has no error for it: it decodes both timetags as sent.",
    SPEC_TIME + ": enclosed bundle's time tag >= enclosing one's",
    bundle(TT + (5 << 32), bundle(TT, msg("/late"))),
)


def nest_bundles(depth: int, inner: P) -> P:
    item = inner
    for _ in range(depth):
        item = bundle(IMMEDIATELY, item)
    return item


ok(
    "osc::bundle::nested-depth-limit",
    "Bundles nested 8 deep around '/deep': exactly the default max_bundle_depth "
    "(the outermost bundle is depth 1).",
    "MOX decoder limit max_bundle_depth default 8",
    nest_bundles(8, msg("/deep")),
)


def deep_partial(levels: int, leaf: dict) -> dict:
    value = leaf
    for _ in range(levels):
        value = pbundle(IMMEDIATELY, value)
    return value


case(
    "osc::bundle::nested-over-depth-limit",
    "Bundles nested 9 deep: the ninth bundle is one over the default max_bundle_depth and fails "
    "as an element of the eighth.",
    "MOX decoder limit max_bundle_depth default 8",
    nest_bundles(9, msg("/deep")),
    invalid("bundle-too-deep", deep_partial(8, err("bundle-too-deep"))),
)

ok(
    "osc::bundle::nested-depth-at-limit-config",
    "A bundle holding a bundle with max_bundle_depth 2.",
    "MOX decoder limit max_bundle_depth",
    bundle(IMMEDIATELY, msg("/a"), bundle(IMMEDIATELY, msg("/b"))),
    config={"max_bundle_depth": 2},
)

case(
    "osc::bundle::nested-depth-over-limit-config",
    "Three nested bundles with max_bundle_depth 2: the innermost fails, the messages beside it "
    "decode.",
    "MOX decoder limit max_bundle_depth",
    bundle(IMMEDIATELY, msg("/a"), bundle(IMMEDIATELY, msg("/b"), bundle(IMMEDIATELY, msg("/c")), msg("/d"))),
    invalid(
        "bundle-too-deep",
        pbundle(IMMEDIATELY, msg("/a"), pbundle(IMMEDIATELY, msg("/b"), err("bundle-too-deep"), msg("/d"))),
    ),
    config={"max_bundle_depth": 2},
)

case(
    "osc::bundle::depth-1-rejects-nesting-config",
    "max_bundle_depth 1: a bundle of messages is fine but a nested bundle is not; its sibling "
    "message still decodes.",
    "MOX decoder limit max_bundle_depth (outermost bundle is depth 1)",
    bundle(IMMEDIATELY, bundle(IMMEDIATELY), msg("/ok")),
    invalid("bundle-too-deep", pbundle(IMMEDIATELY, err("bundle-too-deep"), msg("/ok"))),
    config={"max_bundle_depth": 1},
)

ok(
    "osc::bundle::depth-1-messages-config",
    "max_bundle_depth 1: a bundle of messages only is at the limit.",
    "MOX decoder limit max_bundle_depth",
    bundle(IMMEDIATELY, msg("/a"), msg("/b")),
    config={"max_bundle_depth": 1},
)

GOOD1 = msg("/a", I(1))
GOOD2 = msg("/b", I(2))

case(
    "osc::bundle::malformed-element-between-good",
    "Three elements; the middle one is correctly sized (8 bytes) but starts with ',' instead of "
    "'/' (a message missing its address). Its siblings decode.",
    "BRIEF: one bad bundle element must not discard its valid siblings; rosc: unknown tag fails whole bundle",
    bundle(TT, GOOD1, raw(ostr(",i") + i32(5), err("unknown-packet-type")), GOOD2),
    invalid("unknown-packet-type", pbundle(TT, GOOD1, err("unknown-packet-type"), GOOD2)),
)

case(
    "osc::bundle::element-address-without-slash",
    "An element 'abc ,i 1' whose address does not start with '/': it is neither a message nor "
    "a bundle.",
    SPEC_BUNDLE + ": contents are a message or a bundle; " + SPEC_ADDRESS,
    bundle(IMMEDIATELY, raw(ostr("abc") + ostr(",i") + i32(1), err("unknown-packet-type")), GOOD2),
    invalid("unknown-packet-type", pbundle(IMMEDIATELY, err("unknown-packet-type"), GOOD2)),
)

case(
    "osc::bundle::element-unknown-type-tag",
    "The middle element '/x ,ix' has an unknown tag: that message is discarded (after its first "
    "argument), its siblings decode. rosc fails the whole bundle here.",
    "rosc: unknown tag fails whole bundle; " + SPEC_TAGS,
    bundle(TT, GOOD1, raw(ostr("/x") + ostr(",ix") + i32(1) + i32(2), pmsg("/x", I(1), err("unknown-type-tag"))), GOOD2),
    invalid(
        "unknown-type-tag",
        pbundle(TT, GOOD1, pmsg("/x", I(1), err("unknown-type-tag")), GOOD2),
    ),
)

case(
    "osc::bundle::element-unterminated-address",
    "The first element is 8 bytes '/abcdefg' with no NUL; the second element decodes.",
    SPEC_STRING + "; " + SPEC_BUNDLE,
    bundle(IMMEDIATELY, raw(b"/abcdefg", err("unterminated-string")), GOOD2),
    invalid("unterminated-string", pbundle(IMMEDIATELY, err("unterminated-string"), GOOD2)),
)

case(
    "osc::bundle::element-bad-nested-header",
    "The first element starts with '#' but is '#bundl' + NULs + timetag; the second decodes.",
    SPEC_BUNDLE,
    bundle(IMMEDIATELY, raw(b"#bundl\0\0" + u64(IMMEDIATELY), err("bad-bundle-header")), GOOD2),
    invalid("bad-bundle-header", pbundle(IMMEDIATELY, err("bad-bundle-header"), GOOD2)),
)

case(
    "osc::bundle::first-error-in-reading-order",
    "Four elements: good, unknown type tag, zero size, good. The class is that of the first "
    "error (the unknown tag); the partial value shows every element.",
    "README.md: first error in reading order; BRIEF: bad elements do not discard siblings",
    BUNDLE_TAG
    + u64(IMMEDIATELY)
    + element(GOOD1)
    + element(P(ostr("/x") + ostr(",x") + i32(1), {}))
    + i32(0)
    + element(GOOD2),
    invalid(
        "unknown-type-tag",
        pbundle(IMMEDIATELY, GOOD1, pmsg("/x", err("unknown-type-tag")), err("empty-packet"), GOOD2),
    ),
)

case(
    "osc::bundle::bad-element-in-nested-bundle",
    "A bad element (first byte 0x00) inside a nested bundle: the error stands in its place at "
    "depth 2; every message at both levels decodes.",
    SPEC_BUNDLE + "; BRIEF: bad elements do not discard siblings",
    bundle(TT, GOOD1, bundle(TT, msg("/n1"), raw(b"\0\0\0\0", err("unknown-packet-type")), msg("/n2")), GOOD2),
    invalid(
        "unknown-packet-type",
        pbundle(TT, GOOD1, pbundle(TT, msg("/n1"), err("unknown-packet-type"), msg("/n2")), GOOD2),
    ),
)

case(
    "osc::bundle::element-overrun",
    "A good element, then an element declaring 64 bytes with only 8 left: the framing after it "
    "cannot be trusted, so iteration ends with the error.",
    SPEC_BUNDLE + ": element size",
    BUNDLE_TAG + u64(IMMEDIATELY) + element(GOOD1) + i32(64) + msg("/b").data,
    invalid("element-overrun", pbundle(IMMEDIATELY, GOOD1, err("element-overrun"))),
)

case(
    "osc::bundle::element-overrun-huge",
    "A single element declaring 0x7ffffffc bytes (about 2 GB) in a 24-byte bundle.",
    "CNMAT fuzzbad: attacker-declared lengths; " + SPEC_BUNDLE,
    BUNDLE_TAG + u64(IMMEDIATELY) + i32(0x7FFFFFFC) + b"/a\0\0",
    invalid("element-overrun", pbundle(IMMEDIATELY, err("element-overrun"))),
)

case(
    "osc::bundle::element-size-negative",
    "A good element, then an element size of -4 (fffffffc), then bytes that would be a good "
    "message: nothing after a broken size is read. (python-osc 1.10.2 steps back 4 bytes to the "
    "same size field and loops forever.)",
    SPEC_BUNDLE + ": element size is an int32 multiple of 4; python-osc 1.10.2 OscBundle loops on a negative element size",
    BUNDLE_TAG + u64(IMMEDIATELY) + element(GOOD1) + i32(-4) + element(GOOD2),
    invalid("bad-element-size", pbundle(IMMEDIATELY, GOOD1, err("bad-element-size"))),
)

case(
    "osc::bundle::element-size-int32-min",
    "An element size of 0x80000000.",
    SPEC_BUNDLE + ": element size is an int32 multiple of 4",
    BUNDLE_TAG + u64(IMMEDIATELY) + u32(0x80000000) + msg("/a").data,
    invalid("bad-element-size", pbundle(IMMEDIATELY, err("bad-element-size"))),
)

case(
    "osc::bundle::element-size-not-multiple-of-4",
    "A good element, then an element size of 6 followed by 8 bytes.",
    SPEC_BUNDLE + ": element size 'will always be a multiple of 4'",
    BUNDLE_TAG + u64(IMMEDIATELY) + element(GOOD1) + i32(6) + msg("/b").data,
    invalid("bad-element-size", pbundle(IMMEDIATELY, GOOD1, err("bad-element-size"))),
)

case(
    "osc::bundle::element-size-zero",
    "Good element, a zero-size element, good element: the empty element is an empty packet; "
    "its size is well-formed, so the next element still decodes.",
    "osc-js#82 zero-length bundle elements; " + SPEC_BUNDLE + "; " + SPEC_PACKET,
    BUNDLE_TAG + u64(IMMEDIATELY) + element(GOOD1) + i32(0) + element(GOOD2),
    invalid("empty-packet", pbundle(IMMEDIATELY, GOOD1, err("empty-packet"), GOOD2)),
)

case(
    "osc::bundle::element-missing-type-tags",
    "A bundle whose only element is the address '/xinfo' with an untyped int32 payload.",
    "liblo#17 Behringer X32; " + SPEC_MESSAGE + ": missing type-tag string",
    bundle(IMMEDIATELY, untyped("/xinfo", i32(1))),
    acceptable(
        "missing-type-tags-tolerated",
        valid(bundle(IMMEDIATELY, untyped("/xinfo", i32(1)))),
        invalid("unknown-type-tag", pbundle(IMMEDIATELY, err("unknown-type-tag"))),
    ),
)

for name, header, what in [
    ("header-bundl", b"#bundl\0\0", "'#bundl' and two NULs"),
    ("header-uppercase", b"#BUNDLE\0", "'#BUNDLE' in upper case"),
    ("header-no-nul", b"#bundlex", "'#bundlex': the OSC-string '#bundle' has no NUL"),
]:
    case(
        f"osc::bundle::{name}",
        f"A packet starting with '#' whose first 8 bytes are {what}, then a timetag and an element.",
        SPEC_BUNDLE + ": the OSC-string \"#bundle\"",
        header + u64(IMMEDIATELY) + element(GOOD1),
        invalid("bad-bundle-header"),
    )

case(
    "osc::bundle::header-short",
    "A 4-byte packet '#bun'.",
    SPEC_BUNDLE,
    b"#bun",
    invalid("bad-bundle-header"),
)

case(
    "osc::bundle::header-only",
    "The 8 bytes '#bundle' + NUL with no timetag.",
    SPEC_BUNDLE + ": 8-byte timetag follows",
    BUNDLE_TAG,
    invalid("truncated"),
)

case(
    "osc::bundle::timetag-truncated",
    "'#bundle' + NUL and only 4 of the 8 timetag bytes.",
    SPEC_BUNDLE + ": 8-byte timetag follows",
    BUNDLE_TAG + u32(0),
    invalid("truncated"),
)

# ---------------------------------------------------------------------------------------------


def render() -> str:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert len(CASES) >= 115, len(CASES)
    doc = {"corpus_version": CORPUS_VERSION, "cases": CASES}
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is stale; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(CASES)} cases to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
