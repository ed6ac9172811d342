#!/usr/bin/env python3
"""Writes vectors/negotiate/transcripts.json: the negotiation transcripts of issue 6 (kind
`negotiate-transcript`, spec chapter 8).

What this tool is, and what it is not:

- It is a byte encoder written from spec/mox.md (§8.1 message layouts, §8.2 offers, §8.5
  canonical bodies and digests, §8.10 the randomness schedule; v7 varints, TLV fields, node
  ids, CRC-14/DARC, the error message of §9.2). The primitives (CRC-14/DARC, varints) are
  imported from the independent oracle (vectors/oracle/oracle.py).
- It contains **no state machine**. Every transcript below is a list of steps written by hand:
  the author decided, from the state table §8.7.6, what the machine under test (MUT) must send,
  which events it raises, which deadline it holds and which random draws it consumes. The tool
  only turns those decisions into bytes and rng values. The rng values are *inverted* from the
  choices the author wrote (nonce, node id, GREASE values and positions, jitter), and each
  inversion is checked by re-applying §8.10's forward formula.
- Nothing here is, or may ever be, derived from the Rust machine's output. When the machine and
  a transcript disagree, the spec decides (vectors/README.md, "negotiate-transcript").

Run from anywhere:
    python3 vectors/tools/gen_negotiate.py            # write the file
    python3 vectors/tools/gen_negotiate.py --check    # fail (exit 1) when the file is stale
"""
import argparse
import json
import pathlib
import random
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPO = ROOT.parent
sys.path.insert(0, str(ROOT / "oracle"))
from oracle import crc14_darc, encode_varint  # noqa: E402  (the independent oracle)

VERSION = json.loads((ROOT / "manifest.json").read_text())["corpus_version"]
OUT = ROOT / "negotiate" / "transcripts.json"

BROADCAST = 0x0FFFFFFF
CORE = b"\x7e\x00"                 # mox.core: owner 7E, number 0
T_ERROR, T_GOODBYE, T_CONFIRM, T_HELLO, T_REPLY = 0x01, 0x02, 0x03, 0x40, 0x41

assert crc14_darc(b"123456789") == 0x082D, "CRC-14/DARC check value (spec §4.7)"


def h(s):
    return bytes.fromhex(s.replace(" ", ""))


def x(b):
    return bytes(b).hex()


def nid(v):
    """A node id or nonce as the transcripts write it: 8 lower-case hex digits."""
    return "%08x" % v


# --------------------------------------------------------------------------------------------
# Values and fields (spec §6.3, §6.4, §8.1)

def uN(v, n):
    """An unsigned value in n 7-bit groups, least significant group first (spec §6.4)."""
    assert 0 <= v < 1 << (7 * n), (v, n)
    return bytes((v >> (7 * i)) & 0x7F for i in range(n))


def field(fid, value):
    """TLV: id varint, length varint, value (spec §6.3)."""
    return encode_varint(fid) + encode_varint(len(value)) + bytes(value)


def ext_id(owner, number):
    """Extension id as on the wire: owner (1 or 3 bytes), number varint (spec §4.4)."""
    return bytes(owner) + encode_varint(number)


FADER = ext_id(b"\x7e", 1)          # mox.fader
GRID = ext_id(b"\x7e", 2)           # mox.grid
EXT5 = ext_id(b"\x7e", 5)           # an extension nobody in these transcripts implements
VENDOR = ext_id(b"\x00\x21\x09", 300)


def body(mtype, src, dst, fields, check=True):
    """A mox.core 1.0 body with A=1, from the header byte through the CRC (spec §8.1)."""
    out = bytes([0x02 | (0x01 if check else 0)]) + CORE + bytes([1, 0, mtype])
    out += uN(src, 4) + uN(dst, 4) + b"".join(fields)
    if check:
        crc = crc14_darc(out)
        out += bytes([crc & 0x7F, crc >> 7])
    return out


def canonical(b):
    """MOX-NEG-070: the body as if sent unchunked with K=0 (header byte & 02, no CRC)."""
    end = len(b) - 2 if b[0] & 0x01 else len(b)
    return bytes([b[0] & 0x02]) + bytes(b[1:end])


def digest(b):
    """CRC-14/DARC of the canonical body (MOX-NEG-070)."""
    return crc14_darc(canonical(b))


# --------------------------------------------------------------------------------------------
# GREASE and the randomness schedule (spec §8.10, normative)

class GF:
    """One GREASE field: number ≡ 7 (mod 16), U bit, 0–3 value bytes, and its position."""

    def __init__(self, number, u, value, pos):
        assert number % 16 == 7 and (number - 7) // 16 < 28, number
        assert len(value) <= 3 and all(b < 0x80 for b in value)
        self.number, self.u, self.value, self.pos = number, u, bytes(value), pos

    def encode(self):
        return field(self.number << 3 | (4 if self.u else 0), self.value)


def f_field(r):
    """§8.10 field(r): (number, U, value bytes)."""
    number = (r % 28) * 16 + 7
    u = (r >> 5) & 1
    n = (r >> 6) & 3
    value = bytes([(r >> 8) & 0x7F, (r >> 15) & 0x7F, (r >> 22) & 0x7F][:n])
    return number, u, value


def f_major(r):
    return (r % 8) * 16 + 7


def f_extension(r):
    return (r % 64) * 16 + 7


def f_feature(r):
    return (r % 1024) * 16 + 7


def f_position(r, length):
    return r % (length + 1)


class Rng:
    """Turns the author's choices into the u32 values of §8.10, in draw order.

    Each value is `target + m·k` with a k from a PRNG seeded by the case id, so the values of
    one case differ from each other: a machine that consumes them in another order gets other
    results. Every inversion is checked with the forward formula."""

    def __init__(self, seed):
        self.values = []
        self.prng = random.Random(seed)

    def _mod(self, m, target):
        assert 0 <= target < m
        k = self.prng.randrange(0, (0xFFFFFFFF - target) // m + 1)
        r = target + m * k
        assert r % m == target and r <= 0xFFFFFFFF
        self.values.append(r)
        return r

    def node_id(self, v):
        assert v < 0x0FFFFF00
        self._mod(0x0FFFFF00, v)

    def nonce(self, v):
        assert 1 <= v <= 0x0FFFFFFF
        self._mod(0x0FFFFFFF, v - 1)

    def count(self, n, max_fields):
        assert 1 <= n <= max_fields
        self._mod(max_fields, n - 1)

    def field(self, g):
        bits = (g.u << 5) | (len(g.value) << 6)
        for i, b in enumerate(g.value):
            bits |= b << (8 + 7 * i)
        want = (g.number - 7) // 16
        options = [bits | lo | (hi << 29) for lo in range(32) for hi in range(8)]
        options = [r for r in options if r % 28 == want]
        r = self.prng.choice(options)
        assert f_field(r) == (g.number, g.u, g.value)
        self.values.append(r)

    def position(self, pos, length):
        assert 0 <= pos <= length
        self._mod(length + 1, pos)

    def major(self, v):
        assert v % 16 == 7 and v < 128
        self._mod(8, (v - 7) // 16)

    def extension(self, number):
        assert number % 16 == 7 and number < 1024
        self._mod(64, (number - 7) // 16)

    def feature(self, v):
        assert v % 16 == 7 and v < 16384
        self._mod(1024, (v - 7) // 16)

    def jitter(self, base, pct, offset):
        """Entering Fallback: delay = base·(100 − j + (r mod (2j+1)))/100; returns it."""
        assert 0 <= offset <= 2 * pct
        self._mod(2 * pct + 1, offset)
        return base * (100 - pct + offset) // 100


class GreaseHello:
    """The GREASE of one hello (spec §8.2, §8.10): fields, the GREASE offer (extension number,
    position among the real offers, its major), the GREASE major in the first real offer
    (value, position) and the GREASE feature (value, position)."""

    def __init__(self, fields, ext, ext_pos, ext_major, major, major_pos, feature, feature_pos,
                 drawn_count=None):
        # drawn_count: the count plan(n) draws when the field limit caps it below that.
        self.drawn_count = drawn_count if drawn_count is not None else len(fields)
        self.fields, self.ext, self.ext_pos, self.ext_major = fields, ext, ext_pos, ext_major
        self.major, self.major_pos = major, major_pos
        self.feature, self.feature_pos = feature, feature_pos


def insert_grease_fields(fields, grease_fields):
    """§8.10 plan(n): GREASE fields sorted by position (stable), each before the original field of that
    index; position len(fields) appends."""
    out = []
    ordered = sorted(grease_fields, key=lambda g: g.pos)
    for i, f in enumerate(fields + [None]):
        out += [g.encode() for g in ordered if g.pos == i]
        if f is not None:
            out.append(f)
    return out


# --------------------------------------------------------------------------------------------
# Configurations (the JSON form, vectors/README.md "negotiate-transcript")

DEFAULT_TIMERS = {"rto_initial": 250, "rto_max": 4000, "max_hello": 4, "max_reply": 4,
                  "reprobe_initial": 10000, "reprobe_max": 300000, "reprobe_jitter_pct": 25,
                  "min_retry_after": 100}
SHORT_TIMERS = {"rto_initial": 100, "rto_max": 400, "max_hello": 2, "max_reply": 2,
                "reprobe_initial": 1000, "reprobe_max": 4000, "reprobe_jitter_pct": 25,
                "min_retry_after": 100}
GREASE_ON = {"enabled": True, "max_fields": 2, "field_limit": 64}
GREASE_OFF = {"enabled": False, "max_fields": 2, "field_limit": 64}


def offer(ext, majors, deprecated=(), sunset=()):
    return {"ext": x(ext), "majors": [list(m) for m in majors],
            "deprecated": list(deprecated), "sunset": list(sunset)}


def config(offers, features, limits, timers=None, grease=None, check=True, initiate=True):
    return {"offers": offers, "features": list(features),
            "limits": dict(zip(("max_size", "reassembly", "transfers"), limits)),
            "timers": dict(timers or DEFAULT_TIMERS), "grease": dict(grease or GREASE_ON),
            "check": check, "initiate": initiate}


CONFIGS = {
    # §8.12 node A: fader 2.0 and 1.3, grid 1.0; 512 / 1024 / 4; feature 1.
    "a-fader21-grid": config([offer(FADER, [(2, 0), (1, 3)]), offer(GRID, [(1, 0)])], [1],
                             (512, 1024, 4)),
    # §8.12 node B: fader 1.3 (not 2), grid 1.0; 256 / no reassembly; feature 1.
    "b-fader1-grid": config([offer(FADER, [(1, 3)]), offer(GRID, [(1, 0)])], [1], (256, 0, 0)),
    # Supports fader 3.0 and 1.3 (not 2): versions::overlap.
    "r-fader31": config([offer(FADER, [(3, 0), (1, 3)])], [1], (512, 1024, 4)),
    # Supports fader 2.0 and 1.2.
    "r-fader21": config([offer(FADER, [(2, 0), (1, 2)])], [1], (512, 1024, 4)),
    # Supports fader 2.0 and 1.2 and marks 2 deprecated itself.
    "r-fader21-dep2": config([offer(FADER, [(2, 0), (1, 2)], deprecated=[2])], [1],
                             (512, 1024, 4)),
    # Supports fader 2.0 only, 1 is sunset; grid 1.0.
    "r-fader2-sunset1-grid": config([offer(FADER, [(2, 0)], sunset=[1]), offer(GRID, [(1, 0)])],
                                    [1], (512, 1024, 4)),
    # Supports fader 1.0 only.
    "r-fader1": config([offer(FADER, [(1, 0)])], [1], (512, 1024, 4)),
    # Supports fader 2.0 only (an initiator for versions::disjoint).
    "i-fader2": config([offer(FADER, [(2, 0)])], [1], (512, 1024, 4)),
    # Offers fader 1.0 only (an initiator for the reply-validation cases).
    "i-fader1": config([offer(FADER, [(1, 0)])], [1], (512, 1024, 4)),
    # Node A with short timers (rto 100 ms, 2 sends, re-probe 1–4 s).
    "a-short": config([offer(FADER, [(2, 0), (1, 3)]), offer(GRID, [(1, 0)])], [1],
                      (512, 1024, 4), timers=SHORT_TIMERS),
    # Node A with short timers and re-probing off (listen only after a give-up).
    "a-listen": config([offer(FADER, [(2, 0), (1, 3)]), offer(GRID, [(1, 0)])], [1],
                       (512, 1024, 4), timers=dict(SHORT_TIMERS, reprobe_initial=0)),
    # Node A with GREASE off.
    "a-nogrease": config([offer(FADER, [(2, 0), (1, 3)]), offer(GRID, [(1, 0)])], [1],
                         (512, 1024, 4), grease=GREASE_OFF),
    # Node A after adding grid 2.0 (fader 1 still supported): reneg::reconfigure-hitless.
    "a-grid21": config([offer(FADER, [(2, 0), (1, 3)]), offer(GRID, [(2, 0), (1, 0)])], [1],
                       (512, 1024, 4)),
    # Node A after dropping fader 1 (fader 2.0 only): reneg::reconfigure-drop.
    "a-fader2-grid": config([offer(FADER, [(2, 0)]), offer(GRID, [(1, 0)])], [1],
                            (512, 1024, 4)),
    # Five extensions of four majors each: too many for one 128-byte SysEx hello (MOX-NEG-063).
    "a-five": config([offer(e, [(4, 0), (3, 0), (2, 0), (1, 3 if e == FADER else 0)])
                      for e in (FADER, GRID, ext_id(b"\x7e", 3), ext_id(b"\x7e", 4), EXT5)],
                     [1], (512, 1024, 4)),
    # Answer-only (MOX-NEG-114) versions of node B and of r-fader21.
    "b-answer-only": config([offer(FADER, [(1, 3)]), offer(GRID, [(1, 0)])], [1], (256, 0, 0),
                            initiate=False),
    "r-answer-only": config([offer(FADER, [(2, 0), (1, 2)])], [1], (512, 1024, 4),
                            initiate=False),
    # Node A marking its fader 2 deprecated.
    "a-dep2": config([offer(FADER, [(2, 0), (1, 3)], deprecated=[2]), offer(GRID, [(1, 0)])],
                     [1], (512, 1024, 4)),
    # Node A whose peer accepts at most 9 and 8 fields (GREASE field_limit, §8.10 plan(n)).
    "a-limit9": config([offer(FADER, [(2, 0), (1, 3)]), offer(GRID, [(1, 0)])], [1],
                       (512, 1024, 4), grease=dict(GREASE_ON, field_limit=9)),
    "a-limit8": config([offer(FADER, [(2, 0), (1, 3)]), offer(GRID, [(1, 0)])], [1],
                       (512, 1024, 4), grease=dict(GREASE_ON, field_limit=8)),
    # Node A with K=0 on what it sends.
    "a-nocheck": config([offer(FADER, [(2, 0), (1, 3)]), offer(GRID, [(1, 0)])], [1],
                        (512, 1024, 4), check=False),
}


def cfg_offers(name):
    """(ext bytes, [(major, minor)], deprecated, sunset) of a config."""
    return [(h(o["ext"]), [tuple(m) for m in o["majors"]], o["deprecated"], o["sunset"])
            for o in CONFIGS[name]["offers"]]


# --------------------------------------------------------------------------------------------
# Message builders (spec §8.1.1–§8.1.4 in table field order; error: spec §9.2)

def hello(src, dst, nonce, offers, limits, features, grease=None, deprecated=None,
          identity=None, extra=(), check=True, rng=None, max_fields=2, field_limit=64):
    """A hello. `offers`: [(ext bytes, [(major, minor)])] real offers in preference order;
    `deprecated`: [(ext, [majors])]; `extra`: further raw fields appended (unknown-field
    cases). With `rng`, appends the draws of §8.10 item 2 (nonce and GREASE) in order."""
    grease_offer = None
    offer_values = []
    for i, (ext, majors) in enumerate(offers):
        pairs = [bytes([a, b]) for a, b in majors]
        if grease is not None and grease.major is not None and i == 0:
            assert 0 <= grease.major_pos <= len(pairs)
            pairs.insert(grease.major_pos, bytes([grease.major, 0]))
        offer_values.append(ext + b"".join(pairs))
    if grease is not None:
        assert 0 <= grease.ext_pos <= len(offers)
        grease_offer = ext_id(b"\x7e", grease.ext) + bytes([grease.ext_major, 0])
        offer_values.insert(grease.ext_pos, grease_offer)
    feats = [uN(f, 2) for f in features]
    if grease is not None:
        assert 0 <= grease.feature_pos <= len(feats)
        feats.insert(grease.feature_pos, uN(grease.feature, 2))
    fields = [field(0x00, uN(nonce, 4))]
    fields += [field(0x08, v) for v in offer_values]
    fields += [field(0x10, ext + bytes(ms)) for ext, ms in (deprecated or [])]
    fields += [field(0x18, uN(limits[0], 4)), field(0x20, uN(limits[1], 3)),
               field(0x28, uN(limits[2], 1)), field(0x30, b"".join(feats))]
    if identity is not None:
        fields.append(field(0x40, identity))
    fields += list(extra)
    if rng is not None:
        rng.nonce(nonce)
    if grease is not None:
        n = len(fields)
        if rng is not None:
            assert len(grease.fields) == min(grease.drawn_count, max(0, field_limit - n))
            rng.count(grease.drawn_count, max_fields)
            for g in grease.fields:
                rng.field(g)
                rng.position(g.pos, n)
            rng.extension(grease.ext)
            rng.position(grease.ext_pos, len(offers))
            rng.major(grease.ext_major)
            if offers:
                rng.major(grease.major)
                rng.position(grease.major_pos, len(offers[0][1]))
            rng.feature(grease.feature)
            rng.position(grease.feature_pos, len(features))
        fields = insert_grease_fields(fields, grease.fields)
    return body(T_HELLO, src, dst, fields, check)


def reply(src, dst, nonce, echo, hello_digest, agreed, limits, features, refused=(),
          grease_fields=None, identity=None, check=True, rng=None, max_fields=2):
    """A hello-reply. `agreed`: [(ext, major, minor)] in the hello's offer order; `refused`:
    [(ext, code)]. With `rng`, appends the draws of §8.10 item 3 (nonce, plan_hello)."""
    fields = [field(0x00, uN(nonce, 4)), field(0x08, uN(echo, 4)),
              field(0x10, uN(hello_digest, 2))]
    fields += [field(0x18, ext + bytes([major, minor])) for ext, major, minor in agreed]
    fields += [field(0x20, uN(limits[0], 4)), field(0x28, uN(limits[1], 3)),
               field(0x30, uN(limits[2], 1)), field(0x40, b"".join(uN(f, 2) for f in features))]
    fields += [field(0x48, ext + bytes([code])) for ext, code in refused]
    if identity is not None:
        fields.append(field(0x50, identity))
    if rng is not None:
        rng.nonce(nonce)
    if grease_fields is not None:
        n = len(fields)
        if rng is not None:
            rng.count(len(grease_fields), max_fields)
            for g in grease_fields:
                rng.field(g)
                rng.position(g.pos, n)
        fields = insert_grease_fields(fields, grease_fields)
    return body(T_REPLY, src, dst, fields, check)


def confirm(src, dst, echo, reply_digest, check=True):
    return body(T_CONFIRM, src, dst, [field(0x00, uN(echo, 4)), field(0x08, uN(reply_digest, 2))],
                check)


GOODBYE = {"shutdown": 0, "id-collision": 1, "digest-mismatch": 2, "no-confirm": 3,
           "protocol-error": 4, "reconfigured": 5}


def goodbye(src, dst, reason, session, sender_nonce, check=True):
    """§8.1.4: `session` is the receiver's nonce of the session being ended, `sender_nonce` the
    sender's own (its hello's nonce as initiator, its reply's nonce as responder or when
    abandoning an answer; 0 for id-collision, MOX-NEG-032). `sender_nonce=None` omits field `10`
    (a goodbye of an earlier core minor, MOX-NEG-031 then checks `session` alone)."""
    fields = [field(0x00, bytes([GOODBYE[reason]])), field(0x08, uN(session, 4))]
    if sender_nonce is not None:
        fields.append(field(0x10, uN(sender_nonce, 4)))
    return body(T_GOODBYE, src, dst, fields, check)


def error(src, dst, code, orig_type, field_id=None, retry_after=None, check=True):
    """Spec §9.2: an error about a mox.core 1.0 message of type `orig_type`."""
    fields = [field(0x00, bytes([code])), field(0x08, CORE), field(0x10, bytes([1, 0])),
              field(0x18, bytes([orig_type]))]
    if field_id is not None:
        fields.append(field(0x20, field_id))
    if retry_after is not None:
        fields.append(field(0x28, uN(retry_after, 3)))
    return body(T_ERROR, src, dst, fields, check)


# --------------------------------------------------------------------------------------------
# The spec's worked examples (§8.12, §9.5), reproduced byte for byte before anything is written

A_ID, B_ID = 0x01234567, 0x42
A_NONCE, B_NONCE = 0x00A1B2C3, 0x005D1E2F
A_GREASE = GreaseHello([GF(7, 0, b"\x55", 1)], ext=23, ext_pos=2, ext_major=39,
                       major=23, major_pos=1, feature=263, feature_pos=1)
B_REPLY_GREASE = [GF(23, 1, b"", 9)]
A_OFFERS = [(FADER, [(2, 0), (1, 3)]), (GRID, [(1, 0)])]
B_OFFERS = [(FADER, [(1, 3)]), (GRID, [(1, 0)])]
A_LIMITS, B_LIMITS = (512, 1024, 4), (256, 0, 0)

EX_HELLO = h("03 7E 00 01 00 40 67 0A 0D 09 7F 7F 7F 7F 00 04 43 65 06 05 38 01 55 08 08 7E 01"
             " 02 00 17 00 01 03 08 04 7E 02 01 00 08 04 7E 17 27 00 18 04 00 04 00 00 20 03 00"
             " 08 00 28 01 04 30 04 01 00 07 02 3E 48")
EX_REPLY = h("03 7E 00 01 00 41 42 00 00 00 67 0A 0D 09 00 04 2F 3C 74 02 08 04 43 65 06 05 10 02"
             " 2E 60 18 04 7E 01 01 03 18 04 7E 02 01 00 20 04 00 02 00 00 28 03 00 00 00 30 01 00"
             " 40 01 02 01 00 7C 02 00 40 72")
EX_CONFIRM = h("03 7E 00 01 00 03 67 0A 0D 09 42 00 00 00 00 04 2F 3C 74 02 08 02 00 56 7E 00")


def check_worked_examples():
    ex_hello = hello(A_ID, BROADCAST, A_NONCE, A_OFFERS, A_LIMITS, [1], A_GREASE)
    assert ex_hello == EX_HELLO, x(ex_hello)
    assert len(b"\xf0\x7d\x4d\x4f\x58" + ex_hello + b"\xf7") == 73
    assert digest(ex_hello) == 0x302E and uN(0x302E, 2) == h("2E 60")
    osc = (b"/mox\0\0\0\0,b\0\0" + len(ex_hello).to_bytes(4, "big") + ex_hello + b"\0")
    assert len(osc) == 84 and osc[:16] == h("2F 6D 6F 78 00 00 00 00 2C 62 00 00 00 00 00 43")
    ex_reply = reply(B_ID, A_ID, B_NONCE, A_NONCE, digest(ex_hello),
                     [(FADER, 1, 3), (GRID, 1, 0)], B_LIMITS, [1], grease_fields=B_REPLY_GREASE)
    assert ex_reply == EX_REPLY, x(ex_reply)
    assert digest(ex_reply) == 0x2B00
    ex_confirm = confirm(A_ID, B_ID, B_NONCE, digest(ex_reply))
    assert ex_confirm == EX_CONFIRM, x(ex_confirm)
    assert crc14_darc(ex_confirm[:-2]) == 0x007E
    # Spec §9.5's error reply, to check the error encoder against the spec's own bytes.
    spec_error = h("03 7E 00 01 00 01 42 00 00 00 67 0A 0D 09 00 01 06 08 02 7E 01 10 02 01 00"
                   " 18 01 40 20 01 3B 2B 0C")
    e = body(T_ERROR, 0x42, A_ID, [field(0, b"\x06"), field(8, FADER), field(0x10, b"\x01\x00"),
                                   field(0x18, b"\x40"), field(0x20, b"\x3b")])
    assert e == spec_error, x(e)


# --------------------------------------------------------------------------------------------
# Transcript authoring

def requirement_ids():
    """The ids a case may cite: every id defined in spec/mox.md (chapter 8 defines MOX-NEG-nnn,
    with the table rows MOX-NEG-201…240)."""
    spec = (REPO / "spec" / "mox.md").read_text(encoding="utf-8")
    return set(re.findall(r"\*\*(MOX-[A-Z]{3}-\d{3})\*\*", spec))


def row(*ns):
    """State-table row ids (Appendix A: row n is MOX-NEG-2nn)."""
    return ["MOX-NEG-%03d" % (200 + n) for n in ns]


def neg(*ns):
    return ["MOX-NEG-%03d" % n for n in ns]


class Case:
    def __init__(self, name, description, requirements, config, bindings=("sysex", "osc")):
        self.id = "negotiate::" + name
        self.description = description
        self.requirements = sorted(set(requirements))
        self.config = config
        self.bindings = list(bindings)
        self.rng = Rng(self.id)
        self.steps = []

    def step(self, t, inp, out=(), events=(), deadline=None, agreement=None, note=None):
        s = {"t": t, "input": inp,
             "output": [{"dst": nid(dst), "body": x(b)} for dst, b in out],
             "events": list(events), "deadline": deadline}
        if agreement is not None:
            s["agreement"] = agreement
        if note is not None:
            s["note"] = note
        self.steps.append(s)

    def to_json(self):
        # A peer that declares a max size below 512 reads as 512 on OSC (MOX-NEG-060, the OSC
        # floor), so an expectation of its declared value holds on SysEx only.
        below_osc_floor = any(
            s.get("agreement", {}).get("peer_limits", {}).get("max_size", 512) < 512
            for s in self.steps)
        if below_osc_floor and "osc" in self.bindings:
            self.bindings = [b for b in self.bindings if b != "osc"]
            self.description += (" SysEx only: the peer's declared max size is below the OSC "
                                 "floor of 512, where it reads as 512 (MOX-NEG-060).")
        return {"id": self.id, "description": self.description,
                "source": ", ".join(self.requirements), "requirements": self.requirements,
                "provenance": "hand", "kind": "negotiate-transcript", "config": self.config,
                "bindings": self.bindings, "rng": self.rng.values, "steps": self.steps}


# Inputs
START = {"start": {}}
TIMEOUT = {"timeout": {}}
CLOSE = {"close": {}}
TICK = {"tick": {}}


def recv(b, unit_len=None):
    r = {"body": x(b)}
    if unit_len is not None:
        r["unit_len"] = unit_len
    return {"receive": r}


def reconfigure(name):
    return {"reconfigure": {"config": name}}


# Events
def established(peer, role, init_nonce, resp_nonce):
    return {"established": {"peer": nid(peer), "role": role,
                            "session": [nid(init_nonce), nid(resp_nonce)]}}


def fell_back(reason, **kw):
    e = {"reason": reason}
    e.update(kw)
    return {"fell_back": e}


def peer_rebooted(old, new):
    return {"peer_rebooted": {"old": nid(old), "new": nid(new)}}


def id_changed(old, new):
    return {"id_changed": {"old": nid(old), "new": nid(new)}}


def agreement(exts, features, peer_limits=None, refused=None):
    a = {"extensions": [[x(e), major, minor] for e, major, minor in exts],
         "features": list(features)}
    if peer_limits is not None:
        a["peer_limits"] = dict(zip(("max_size", "reassembly", "transfers"), peer_limits))
    if refused is not None:
        a["refused"] = [[x(e), code] for e, code in refused]
    return a


def g_simple(n_offers, first_majors, n_features, field_pos, number=7, u=0, value=b"",
             ext=23, ext_major=39, major=23):
    """A plain GREASE choice for the MUT's hellos where the GREASE itself is not the point:
    one field at `field_pos`, the GREASE offer last, the GREASE major first, feature last."""
    return GreaseHello([GF(number, u, value, field_pos)], ext=ext, ext_pos=n_offers,
                       ext_major=ext_major, major=major, major_pos=0,
                       feature=7 + 16 * 3, feature_pos=n_features)


CASES = []


def case(*a, **kw):
    c = Case(*a, **kw)
    CASES.append(c)
    return c


# ---- the peers used throughout
P_HI = 0x0ABCDEF0      # a peer with a higher node id than every MUT below except where noted
P_HI_NONCE = 0x0777AAA1
P_LO = 0x42            # node B of §8.12


def peer_hello(src, nonce, offers, limits=(512, 1024, 4), features=(1,), grease="default",
               dst=BROADCAST, deprecated=None, extra=(), identity=None):
    """A hello from the scripted peer (no rng draws: the peer is not the MUT)."""
    if grease == "default":
        grease = GreaseHello([GF(39, 1, b"\x01\x02", 0)], ext=71, ext_pos=len(offers),
                             ext_major=55, major=119, major_pos=len(offers[0][1]) if offers else 0,
                             feature=1031, feature_pos=0)
    return hello(src, dst, nonce, offers, limits, list(features), grease, deprecated=deprecated,
                 identity=identity, extra=extra)


def mut_hello(c, src, dst, nonce, cfgname, grease, keep_offers=None, **kw):
    """The MUT's hello from config `cfgname`; `keep_offers` keeps only the first real offers
    (MOX-NEG-063 truncation)."""
    cfg = CONFIGS[cfgname]
    offers = [(e, m) for e, m, _, _ in cfg_offers(cfgname)][:keep_offers]
    dep = [(e, d) for e, _, d, _ in cfg_offers(cfgname) if d]
    g = grease if cfg["grease"]["enabled"] else None
    assert g is not None or not cfg["grease"]["enabled"], "MOX-NEG-042: GREASE is on"
    return hello(src, dst, nonce, offers, tuple(cfg["limits"].values()), cfg["features"], g,
                 deprecated=dep or None, check=cfg["check"], rng=c.rng,
                 max_fields=cfg["grease"]["max_fields"],
                 field_limit=cfg["grease"]["field_limit"], **kw)


def mut_reply(c, cfgname, src, dst, nonce, hello_nonce, hello_body, agreed, features,
              refused=(), grease_fields=None):
    """The MUT's reply: its limits from the config; `agreed`, `features`, `refused` are the
    author's selection (MOX-NEG-050), written by hand in each case."""
    cfg = CONFIGS[cfgname]
    gf = grease_fields if cfg["grease"]["enabled"] else None
    assert gf or not cfg["grease"]["enabled"], "MOX-NEG-042: a reply carries GREASE fields"
    return reply(src, dst, nonce, hello_nonce, digest(hello_body), agreed,
                 tuple(cfg["limits"].values()), features, refused=refused, grease_fields=gf,
                 check=cfg["check"], rng=c.rng, max_fields=cfg["grease"]["max_fields"])


def sysex_len(b):
    return len(b) + 6            # F0 7D 4D 4F 58 … F7 with the one-byte carrier 7D


# ============================================================================================
# The transcripts. Each step's output, events and deadline were decided by hand from the
# state table (spec §8.7.6; row n = MOX-NEG-2nn); the comments name the row.
# ============================================================================================

MUT_R = 0x00123456        # the MUT's node id in the responder cases (below P_HI)
MUT_R_NONCE = 0x00BEEF01  # the nonce of its own first hello
MUT_R_REPLY = 0x00C0FFEE  # the nonce of its reply
R_REPLY_GREASE = [GF(55, 0, b"\x11", 3)]     # its reply's GREASE field, after the digest


def initiator_established(c, t_reply=40):
    """Steps shared by many cases: the MUT is node A of §8.12 and completes its exchange
    (rows 1 and 5). Returns (hello, reply)."""
    c.rng.node_id(A_ID)
    hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
    c.step(0, START, [(BROADCAST, hb)], deadline=250,
           note="row 1: node id, then the first hello to broadcast; deadline 0 + rto(1)")
    rb = reply(B_ID, A_ID, B_NONCE, A_NONCE, digest(hb), [(FADER, 1, 3), (GRID, 1, 0)],
               B_LIMITS, [1], grease_fields=B_REPLY_GREASE)
    c.step(t_reply, recv(rb), [(B_ID, confirm(A_ID, B_ID, B_NONCE, digest(rb)))],
           [established(B_ID, "initiator", A_NONCE, B_NONCE)], deadline=None,
           note="row 5: R-ok: confirm, Established; no timer while established")
    return hb, rb


def responder_start(c, cfgname, mut_id=MUT_R, nonce=MUT_R_NONCE):
    """The MUT starts (row 1) and sends its own hello; it will yield to P_HI (row 9)."""
    c.rng.node_id(mut_id)
    n = len(CONFIGS[cfgname]["offers"])
    first = len(CONFIGS[cfgname]["offers"][0]["majors"])
    hb = mut_hello(c, mut_id, BROADCAST, nonce, cfgname,
                   g_simple(n, first, len(CONFIGS[cfgname]["features"]), 1))
    c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
    return hb


def responder_case(name, description, reqs, cfgname, peer_offers, agreed, features,
                   peer_minors, refused=(), peer_features=(1,), deprecated=None,
                   peer_limits=(512, 1024, 4), extra=(), bindings=("sysex", "osc")):
    """MUT answers P_HI's hello (row 9) and gets the confirm (row 15). `agreed`, `features`
    and `refused` are the author's selection by MOX-NEG-050; `peer_minors` the minors P_HI listed."""
    c = case(name, description, reqs + row(1, 9, 15) + neg(50), cfgname, bindings)
    responder_start(c, cfgname)
    ph = peer_hello(P_HI, P_HI_NONCE, peer_offers, peer_limits, peer_features,
                    deprecated=deprecated, extra=extra)
    rb = mut_reply(c, cfgname, MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, agreed, features,
                   refused, R_REPLY_GREASE)
    c.step(30, recv(ph), [(P_HI, rb)], deadline=280,
           note="row 9: H-new from a higher id: yield, select (MOX-NEG-050), reply; deadline 30 + 250")
    cf = confirm(P_HI, MUT_R, MUT_R_REPLY, digest(rb))
    if agreed:
        exts = [(e, major, peer_minors[(e, major)]) for e, major, _ in agreed]
        c.step(60, recv(cf), [], [established(P_HI, "responder", P_HI_NONCE, MUT_R_REPLY)],
               deadline=None,
               agreement=agreement(exts, features, peer_limits, list(refused) or None),
               note="row 15: F-ok: Established as responder")
    else:
        delay = c.rng.jitter(10000, 25, 25)
        c.step(60, recv(cf), [], [fell_back("no-common-version")], deadline=60 + delay,
               note="rows 15, 5 (MOX-NEG-024): empty agreed list: fall back; jitter draw, "
                    "re-probe at 60 + 10000")
    return c


def initiator_bad_reply(name, description, reqs, agreed, features, field_id, more=()):
    """The MUT offers fader 1.0 (config i-fader1) and gets an invalid reply (row 7)."""
    c = case(name, description, reqs + row(1, 7) + neg(51), "i-fader1")
    c.rng.node_id(A_ID)
    g = g_simple(1, 1, 1, 1)
    hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "i-fader1", g)
    c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
    rb = reply(P_LO, A_ID, B_NONCE, A_NONCE, digest(hb), agreed, (512, 1024, 4), features)
    c.step(40, recv(rb), [(P_LO, error(A_ID, P_LO, 0x08, T_REPLY, field_id))], deadline=250,
           note="row 7: R-inv: error 08 naming the field, counted; the hello timer runs on")
    for s in more:
        s(c, hb)
    return c


# ---- happy ----------------------------------------------------------------------------------

c = case("happy::initiator",
         "§8.12 from node A's side: the worked hello, reply and confirm byte for byte; "
         "Established as initiator with fader 1 and grid 1",
         neg(10, 11, 13, 15, 16, 20, 21, 22, 25, 26, 42, 50, 60, 62, 70, 71, 120) + row(1, 5),
         "a-fader21-grid", bindings=("sysex",))
hb, rb = initiator_established(c)
c.steps[-1]["agreement"] = agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], B_LIMITS)

c = case("happy::osc-initiator",
         "§8.12 on OSC: the same bodies; B's declared max size 256 is below the OSC floor "
         "and reads as 512",
         neg(10, 26, 60, 70) + row(1, 5), "a-fader21-grid", bindings=("osc",))
initiator_established(c)
c.steps[-1]["agreement"] = agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], (512, 0, 0))

c = case("happy::responder",
         "§8.12 from node B's side: B probes, yields to A's higher id, sends the worked "
         "reply and is Established as responder on A's confirm",
         neg(20, 21, 22, 25, 26, 42, 50, 64, 70, 72, 103, 120) + row(1, 9, 15), "b-fader1-grid")
c.rng.node_id(B_ID)
bh = mut_hello(c, B_ID, BROADCAST, 0x00333333, "b-fader1-grid", g_simple(2, 1, 1, 2))
c.step(0, START, [(BROADCAST, bh)], deadline=250, note="row 1")
c.rng.nonce(B_NONCE)
c.rng.count(1, 2)
c.rng.field(B_REPLY_GREASE[0])
c.rng.position(9, 9)
c.step(20, recv(EX_HELLO), [(A_ID, EX_REPLY)], deadline=270,
       note="row 9: A (0x01234567) > B (0x42): yield; selection fader [2, 23, 1] -> 1, grid -> 1, "
            "7E 17 unknown: no entry; the §8.12 reply")
c.step(60, recv(EX_CONFIRM), [], [established(A_ID, "responder", A_NONCE, B_NONCE)],
       deadline=None, agreement=agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], A_LIMITS),
       note="row 15: F-ok")

c = case("happy::unchecked-initiator",
         "check off (K=0): the MUT's hello and confirm carry no CRC, the peer's reply comes with "
         "K=0 too; digests are over canonical bodies, so nothing else changes",
         neg(25, 26, 70, 71) + row(1, 5), "a-nocheck")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-nocheck", A_GREASE)
assert canonical(hb) == canonical(EX_HELLO)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1: the §8.12 hello with K=0")
rb = reply(B_ID, A_ID, B_NONCE, A_NONCE, digest(hb), [(FADER, 1, 3), (GRID, 1, 0)], B_LIMITS,
           [1], grease_fields=B_REPLY_GREASE, check=False)
assert digest(rb) == digest(EX_REPLY)
c.step(40, recv(rb), [(B_ID, confirm(A_ID, B_ID, B_NONCE, digest(rb), check=False))],
       [established(B_ID, "initiator", A_NONCE, B_NONCE)], deadline=None,
       note="row 5: the confirm's digest is the §8.12 one (0x2B00): canonical bodies ignore K")

# ---- versions -------------------------------------------------------------------------------

responder_case("versions::overlap",
               "Offer fader [2, 1], responder supports {3, 1}: 1 is the first offered major it "
               "supports",
               neg(21), "r-fader31", [(FADER, [(2, 0), (1, 1)])], [(FADER, 1, 3)], [1],
               {(FADER, 1): 1})
responder_case("versions::identical",
               "Both sides support fader {2, 1}: the initiator's first, 2",
               neg(21), "r-fader21", [(FADER, [(2, 1), (1, 2)])], [(FADER, 2, 0)], [1],
               {(FADER, 2): 1})
responder_case("versions::nested-initiator-subset",
               "The initiator offers fader [1] only, the responder supports {2, 1}: 1",
               neg(21), "r-fader21", [(FADER, [(1, 0)])], [(FADER, 1, 2)], [1], {(FADER, 1): 0})
responder_case("versions::nested-responder-subset",
               "The initiator offers fader [3, 2, 1], the responder supports {1} only: 1",
               neg(21), "r-fader1", [(FADER, [(3, 0), (2, 0), (1, 4)])], [(FADER, 1, 0)], [1],
               {(FADER, 1): 4})
responder_case("versions::preference-order",
               "The initiator prefers fader [1, 2]; the responder follows it (1), not its own "
               "order",
               neg(21), "r-fader21", [(FADER, [(1, 0), (2, 0)])], [(FADER, 1, 2)], [1],
               {(FADER, 1): 0})
responder_case("versions::deprecated-avoided",
               "Offer fader [2, 1] with 2 marked deprecated by the initiator: the responder "
               "avoids 2 and picks 1",
               neg(14, 110), "r-fader21", [(FADER, [(2, 0), (1, 0)])], [(FADER, 1, 2)], [1],
               {(FADER, 1): 0}, deprecated=[(FADER, [2])])
responder_case("versions::deprecated-by-responder",
               "Offer fader [2, 1]; the responder itself marks 2 deprecated: it picks 1",
               neg(110), "r-fader21-dep2", [(FADER, [(2, 0), (1, 0)])], [(FADER, 1, 2)], [1],
               {(FADER, 1): 0})
responder_case("versions::deprecated-only",
               "Offer fader [2] deprecated by the initiator, no alternative: 2 is still selected",
               neg(14, 110), "r-fader21", [(FADER, [(2, 0)])], [(FADER, 2, 0)], [1],
               {(FADER, 2): 0}, deprecated=[(FADER, [2])])
responder_case("versions::sunset-refused",
               "Offer fader [1] and grid [1]; fader 1 is sunset at the responder: no entry, "
               "refused 0E; grid agreed",
               neg(23, 111), "r-fader2-sunset1-grid", [(FADER, [(1, 0)]), (GRID, [(1, 0)])],
               [(GRID, 1, 0)], [1], {(GRID, 1): 0}, refused=[(FADER, 0x0E)])
responder_case("versions::two-extensions-one-agreed",
               "Offer fader [2] and grid [1] to a responder with fader only: fader agreed; grid "
               "is not implemented, so it gets no refused entry",
               neg(21, 23), "r-fader21", [(FADER, [(2, 0)]), (GRID, [(1, 0)])], [(FADER, 2, 0)],
               [1], {(FADER, 2): 0})
responder_case("versions::unknown-extension-no-entry",
               "Offer 7E 05 (unknown) before fader [1]: no entry for 7E 05, fader agreed",
               neg(21, 23), "r-fader21", [(EXT5, [(1, 0)]), (FADER, [(1, 0)])], [(FADER, 1, 2)],
               [1], {(FADER, 1): 0})
responder_case("versions::disjoint-responder",
               "Offer fader [3] to a responder with fader {2, 1}: empty agreed list, refused 02; "
               "the confirm completes the handshake and both fall back (no-common-version)",
               neg(23, 24), "r-fader21", [(FADER, [(3, 0)])], [], [1], {},
               refused=[(FADER, 0x02)])
responder_case("versions::features-intersection",
               "Features offered [2, 1, 5] (plus GREASE) against a responder with [1]: in effect "
               "[1], never GREASE",
               neg(22, 64), "r-fader21", [(FADER, [(1, 0)])], [(FADER, 1, 2)], [1],
               {(FADER, 1): 0}, peer_features=(2, 1, 5))

c = case("versions::disjoint",
         "The MUT offers fader [2]; the reply agrees on nothing (refused 02): it still confirms, "
         "then falls back with no-common-version; a duplicate of that reply re-sends the "
         "confirm, rate-limited",
         neg(24, 25, 95) + row(1, 5, 35), "i-fader2")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "i-fader2", g_simple(1, 1, 1, 1))
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
rb = reply(P_LO, A_ID, B_NONCE, A_NONCE, digest(hb), [], (512, 1024, 4), [],
           refused=[(FADER, 0x02)])
delay = c.rng.jitter(10000, 25, 0)
c.step(40, recv(rb), [(P_LO, confirm(A_ID, P_LO, B_NONCE, digest(rb)))],
       [fell_back("no-common-version")], deadline=40 + delay,
       note="row 5: empty agreed: confirm, FellBack, jitter draw (r mod 51 = 0: 7500 ms)")
c.step(100, recv(rb), [], deadline=40 + delay,
       note="row 35: R-dup in the Fallback entered by no-common-version; 60 ms since the "
            "confirm: ignored (MOX-NEG-095)")
c.step(300, recv(rb), [(P_LO, confirm(A_ID, P_LO, B_NONCE, digest(rb)))], deadline=40 + delay,
       note="row 35: R-dup 260 ms after the confirm: resend it; the deadline stays")

# ---- reply validation (the MUT offers fader 1.0, GREASE major 23 first) ---------------------


def give_up_garbage(c, hb):
    for t, dl in ((250, 750), (750, 1750), (1750, 3750)):
        c.step(t, TIMEOUT, [(BROADCAST, hb)], deadline=dl, note="row 3: resend, byte-identical")
    delay = c.rng.jitter(10000, 25, 50)
    c.step(3750, TIMEOUT, [], [fell_back("garbage")], deadline=3750 + delay,
           note="row 4: give-up after an R-inv: garbage; jitter r mod 51 = 50 (12500 ms)")


initiator_bad_reply("reply::major-not-offered",
                    "A reply selecting fader 2, which was not offered: error 08 naming field 18; "
                    "the hello is retried and the give-up reason is garbage",
                    neg(12, 91, 92), [(FADER, 2, 0)], [1], b"\x18", more=[give_up_garbage])
initiator_bad_reply("reply::grease-selected",
                    "A reply selecting the GREASE major 23 that the hello offered: error 08",
                    neg(42), [(FADER, 23, 0)], [1], b"\x18")
initiator_bad_reply("reply::extension-not-offered",
                    "A reply agreeing on grid, which was not offered: error 08",
                    [], [(GRID, 1, 0)], [1], b"\x18")
initiator_bad_reply("reply::grease-extension-selected",
                    "A reply agreeing on the hello's GREASE extension 7E 17: error 08",
                    neg(42), [(ext_id(b"\x7e", 23), 39, 0)], [1], b"\x18")
initiator_bad_reply("reply::feature-not-offered",
                    "A reply listing feature 2, which was not offered: error 08 naming 40 01",
                    neg(22), [(FADER, 1, 0)], [2], b"\x40\x01")
initiator_bad_reply("reply::duplicate-agreed",
                    "A reply agreeing on fader twice: error 08",
                    [], [(FADER, 1, 0), (FADER, 1, 0)], [1], b"\x18")

# ---- silence --------------------------------------------------------------------------------

c = case("silence::fallback-after-retries",
         "No answer: hellos at 0, 250, 750 and 1750 ms, byte-identical; FellBack{silent} at 3750; "
         "the re-probe at 13750 starts a new handshake with a new nonce and new GREASE",
         neg(12, 90, 91, 92, 93, 94, 113, 120) + row(1, 3, 4, 33), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
for t, dl in ((250, 750), (750, 1750), (1750, 3750)):
    c.step(t, TIMEOUT, [(BROADCAST, hb)], deadline=dl,
           note="row 3: rto(k) = 250 · 2^(k-1): 500, 1000, 2000")
delay = c.rng.jitter(10000, 25, 25)
c.step(3750, TIMEOUT, [], [fell_back("silent")], deadline=3750 + delay,
       note="row 4: k = max_hello: silent; jitter draw r mod 51 = 25: exactly 10000 ms")
g2 = GreaseHello([GF(7, 1, b"\x7f\x00\x01", 0), GF(343, 0, b"", 8)], ext=1015, ext_pos=0,
                 ext_major=119, major=7, major_pos=2, feature=16359, feature_pos=0)
hb2 = mut_hello(c, A_ID, BROADCAST, 0x0FFFFFFF, "a-fader21-grid", g2)
c.step(13750, TIMEOUT, [(BROADCAST, hb2)], deadline=14000,
       note="row 33: new handshake: new nonce (the largest, 0FFFFFFF), two GREASE fields (one at "
            "the very front, one last), GREASE offer first, GREASE major last, feature first")

c = case("silence::reprobe-backoff",
         "Short timers: each give-up falls back with a jittered re-probe delay whose base doubles "
         "at every re-probe (1000, 2000, 4000) and stays at the 4000 cap",
         neg(90, 93, 94, 120) + row(1, 3, 4, 33), "a-short")
c.rng.node_id(A_ID)
t = 0
nonces = [0x00000001, 0x00000002, 0x00000003, 0x00000004]
base = 1000
for i, nonce in enumerate(nonces):
    g = g_simple(2, 2, 1, 1 + i)
    hb = mut_hello(c, A_ID, BROADCAST, nonce, "a-short", g)
    if i == 0:
        c.step(t, START, [(BROADCAST, hb)], deadline=t + 100, note="row 1")
    else:
        c.step(t, TIMEOUT, [(BROADCAST, hb)], deadline=t + 100,
               note="row 33: re-probe; the next base doubles, capped at reprobe_max")
    c.step(t + 100, TIMEOUT, [(BROADCAST, hb)], deadline=t + 300, note="row 3")
    offset = [0, 50, 25, 10][i]
    delay = c.rng.jitter(base, 25, offset)
    c.step(t + 300, TIMEOUT, [], [fell_back("silent")], deadline=t + 300 + delay,
           note="row 4: base %d, r mod 51 = %d: %d ms" % (base, offset, delay))
    t = t + 300 + delay
    base = min(base * 2, 4000)

c = case("silence::hello-in-fallback-answered",
         "In Fallback the MUT still answers a hello (row 34, no tie-break) and is Established on "
         "the confirm; the re-probe deadline is replaced",
         neg(94, 113) + row(1, 3, 4, 34, 15), "a-short")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-short", g_simple(2, 2, 1, 1))
c.step(0, START, [(BROADCAST, hb)], deadline=100, note="row 1")
c.step(100, TIMEOUT, [(BROADCAST, hb)], deadline=300, note="row 3")
delay = c.rng.jitter(1000, 25, 25)
c.step(300, TIMEOUT, [], [fell_back("silent")], deadline=1300, note="row 4")
ph = peer_hello(0x00000077, P_HI_NONCE, [(FADER, [(1, 0)])])
rb = mut_reply(c, "a-short", A_ID, 0x77, 0x0000ABCD, P_HI_NONCE, ph, [(FADER, 1, 3)], [1],
               grease_fields=[GF(7, 0, b"", 0)])
c.step(500, recv(ph), [(0x77, rb)], deadline=600,
       note="row 34: answered although 0x77 < own id (not probing: no tie-break)")
c.step(550, recv(confirm(0x77, A_ID, 0x0000ABCD, digest(rb))), [],
       [established(0x77, "responder", P_HI_NONCE, 0x0000ABCD)], deadline=None,
       agreement=agreement([(FADER, 1, 0)], [1], (512, 1024, 4)), note="row 15")

c = case("silence::listen-only",
         "reprobe_initial 0: after the give-up the MUT falls back without a jitter draw and "
         "holds no deadline, but still answers a hello",
         neg(90, 93, 113) + row(1, 3, 4, 34), "a-listen")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-listen", g_simple(2, 2, 1, 1))
c.step(0, START, [(BROADCAST, hb)], deadline=100, note="row 1")
c.step(100, TIMEOUT, [(BROADCAST, hb)], deadline=300, note="row 3")
c.step(300, TIMEOUT, [], [fell_back("silent")], deadline=None,
       note="row 4 with re-probing off: no draw (§8.10 item 4), no deadline")
ph = peer_hello(P_HI, P_HI_NONCE, [(GRID, [(1, 0)])])
rb = mut_reply(c, "a-listen", A_ID, P_HI, 0x00000999, P_HI_NONCE, ph, [(GRID, 1, 0)], [1],
               grease_fields=[GF(23, 0, b"\x00", 8)])
c.step(60000, recv(ph), [(P_HI, rb)], deadline=60100, note="row 34")

# ---- errors ---------------------------------------------------------------------------------
# MOX-NEG-082: an error is about the own hello only when it comes from the node the hello was
# addressed to, so a broadcast hello never draws one. The cases below reach an addressed hello
# through row 27 (a reconfigure that drops fader 1 starts a new handshake to the peer's id).


def initiator_established_between(c, between):
    """As initiator_established, with steps (callables on c and the hello) between the first
    hello and the reply."""
    c.rng.node_id(A_ID)
    hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
    c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
    for s in between:
        s(c, hb)
    rb = reply(B_ID, A_ID, B_NONCE, A_NONCE, digest(hb), [(FADER, 1, 3), (GRID, 1, 0)],
               B_LIMITS, [1], grease_fields=B_REPLY_GREASE)
    c.step(40, recv(rb), [(B_ID, confirm(A_ID, B_ID, B_NONCE, digest(rb)))],
           [established(B_ID, "initiator", A_NONCE, B_NONCE)], deadline=None, note="row 5")
    return hb, rb


def drop_fader1(c, nonce, t=5000, field_pos=1):
    """Row 27 at `t`: the MUT (established with B) drops fader 1: goodbye(reconfigured) with B's
    nonce, FellBack{reconfigured}, and a new handshake *addressed to B*. Returns the hello."""
    hb2 = mut_hello(c, A_ID, B_ID, nonce, "a-fader2-grid", g_simple(2, 1, 1, field_pos))
    c.step(t, reconfigure("a-fader2-grid"),
           [(B_ID, goodbye(A_ID, B_ID, "reconfigured", B_NONCE, A_NONCE)), (B_ID, hb2)],
           [fell_back("reconfigured")], deadline=t + 250,
           note="row 27: goodbye, FellBack, new handshake to the peer's id (no jitter: Probing)")
    return hb2


def broadcast_error_ignored(c, hb):
    c.step(20, recv(error(B_ID, A_ID, 0x02, T_HELLO)), [], deadline=250,
           note="MOX-NEG-082: the hello went to broadcast, so no error is about it (X-other)")


c = case("errors::do-not-retry-refused",
         "An error 02 about a broadcast hello is ignored (a broadcast is not eligible for errors); "
         "after row 27 the hello is addressed to the peer, and the peer's error 02 about it ends "
         "the handshake: FellBack{refused 02}, re-probe later",
         neg(1, 82, 113) + row(1, 5, 27, 11), "a-fader21-grid")
initiator_established_between(c, [broadcast_error_ignored])
hb2 = drop_fader1(c, 0x00A1B2D0)
c.step(5100, recv(error(P_HI, A_ID, 0x02, T_HELLO)), [], deadline=5250,
       note="MOX-NEG-082: not from the node the hello was addressed to: X-other, ignored")
delay = c.rng.jitter(10000, 25, 25)
c.step(5200, recv(error(B_ID, A_ID, 0x02, T_HELLO)), [], [fell_back("refused", code=2)],
       deadline=5200 + delay, note="row 11: E-dnr from B; entering Fallback draws the jitter")

c = case("errors::busy-retry-after",
         "Error 43 busy with retry after 600 ms about the addressed hello: the next hello goes at "
         "the new deadline and counts as a send (rto(2) after it); a second E-retry before that "
         "send is ignored, one after it is taken",
         neg(1, 82, 91) + row(1, 5, 27, 12, 3), "a-fader21-grid")
initiator_established(c)
hb2 = drop_fader1(c, 0x00A1B2D1)
c.step(5100, recv(error(B_ID, A_ID, 0x43, T_HELLO, retry_after=600)), [], deadline=5700,
       note="row 12: deadline 5100 + 600 (within min_retry_after-rto_max); k unchanged")
c.step(5150, recv(error(B_ID, A_ID, 0x43, T_HELLO, retry_after=50)), [], deadline=5700,
       note="row 12: an E-retry was already taken since the last send: ignored")
c.step(5700, TIMEOUT, [(B_ID, hb2)], deadline=6200, note="row 3: k = 2, rto(2) = 500")
c.step(5800, recv(error(B_ID, A_ID, 0x43, T_HELLO, retry_after=300)), [], deadline=6100,
       note="row 12: a send happened since the last E-retry: taken")
c.step(6100, TIMEOUT, [(B_ID, hb2)], deadline=7100, note="row 3: k = 3, rto(3) = 1000")

c = case("errors::retry-after-clamped",
         "E-retry delays are clamped to min_retry_after-rto_max (10000 -> 4000, 20 -> 100, absent "
         "-> 100); one taken after the last hello brings the give-up forward (row 4 at that "
         "deadline)",
         neg(1, 82, 91, 92) + row(1, 5, 27, 12, 3, 4), "a-fader21-grid")
initiator_established(c)
hb2 = drop_fader1(c, 0x00A1B2D2)
c.step(5100, recv(error(B_ID, A_ID, 0x43, T_HELLO, retry_after=10000)), [], deadline=9100,
       note="row 12: 10000 clamped to rto_max 4000")
c.step(9100, TIMEOUT, [(B_ID, hb2)], deadline=9600, note="row 3: k = 2")
c.step(9200, recv(error(B_ID, A_ID, 0x45, T_HELLO, retry_after=20)), [], deadline=9300,
       note="row 12: 45 not-ready, 20 clamped to min_retry_after 100")
c.step(9300, TIMEOUT, [(B_ID, hb2)], deadline=10300, note="row 3: k = 3")
c.step(9400, recv(error(B_ID, A_ID, 0x44, T_HELLO)), [], deadline=9500,
       note="row 12: no retry after: min_retry_after")
c.step(9500, TIMEOUT, [(B_ID, hb2)], deadline=11500, note="row 3: k = 4 = max_hello")
c.step(9600, recv(error(B_ID, A_ID, 0x42, T_HELLO, retry_after=100)), [], deadline=9700,
       note="row 12: k stays 4")
delay = c.rng.jitter(10000, 25, 0)
c.step(9700, TIMEOUT, [], [fell_back("silent")], deadline=9700 + delay,
       note="row 4 at the E-retry deadline: no R-dig or R-inv counted: silent; r mod 51 = 0")

c = case("errors::malformed-once",
         "Error 41 malformed about the addressed hello: one retry after min_retry_after; a second "
         "41 in the same handshake is ignored (not taken), so a later 43 is taken",
         neg(1, 82) + row(1, 5, 27, 12, 3), "a-fader21-grid")
initiator_established(c)
hb2 = drop_fader1(c, 0x00A1B2D3)
c.step(5050, recv(error(B_ID, A_ID, 0x41, T_HELLO)), [], deadline=5150,
       note="row 12: no retry-after field: wait min_retry_after (100)")
c.step(5150, TIMEOUT, [(B_ID, hb2)], deadline=5650, note="row 3: k = 2")
c.step(5200, recv(error(B_ID, A_ID, 0x41, T_HELLO)), [], deadline=5650,
       note="row 12: 41 only once per handshake")
c.step(5300, recv(error(B_ID, A_ID, 0x43, T_HELLO, retry_after=200)), [], deadline=5500,
       note="row 12: the ignored 41 was not taken, so this 43 is")
c.step(5500, TIMEOUT, [(B_ID, hb2)], deadline=6500, note="row 3: k = 3")

c = case("errors::notification-ignored",
         "An error of the notification class (24) about the addressed hello changes nothing",
         neg(1, 82) + row(1, 5, 27, 8), "a-fader21-grid")
initiator_established(c)
hb2 = drop_fader1(c, 0x00A1B2D4)
c.step(5100, recv(error(B_ID, A_ID, 0x24, T_HELLO, field_id=b"\x38")), [], deadline=5250,
       note="row 8: E-notif: ignored")
c.step(5250, TIMEOUT, [(B_ID, hb2)], deadline=5750, note="row 3: the schedule runs on")

# ---- garbage --------------------------------------------------------------------------------

c = case("garbage::bad-digest-counted",
         "A reply whose hello digest does not match (the hello was altered on the way) is only "
         "counted; the give-up reason is digest-mismatch",
         neg(71, 92) + row(1, 6, 3, 4), "a-short")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-short", g_simple(2, 2, 1, 1))
c.step(0, START, [(BROADCAST, hb)], deadline=100, note="row 1")
rb = reply(B_ID, A_ID, B_NONCE, A_NONCE, digest(hb) ^ 0x0001, [(FADER, 1, 3), (GRID, 1, 0)],
           B_LIMITS, [1])
c.step(40, recv(rb), [], deadline=100, note="row 6: R-dig: no output")
c.step(100, TIMEOUT, [(BROADCAST, hb)], deadline=300, note="row 3")
delay = c.rng.jitter(1000, 25, 25)
c.step(300, TIMEOUT, [], [fell_back("digest-mismatch")], deadline=300 + delay, note="row 4")

c = case("garbage::invalid-hello-ignored",
         "Hellos with nonce 0, with an offer of odd pair length, and with a duplicate extension "
         "are ignored without a reply (H-bad)",
         neg(11, 40, 41, 101) + row(1), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
c.step(10, recv(peer_hello(P_HI, 0, [(FADER, [(1, 0)])])), [], deadline=250, note="nonce 0")
bad_offer = body(T_HELLO, P_HI, BROADCAST, [
    field(0x00, uN(P_HI_NONCE, 4)), field(0x08, FADER + b"\x01\x00\x02"),
    field(0x18, uN(512, 4)), field(0x20, uN(0, 3)), field(0x28, b"\x00"), field(0x30, b"")])
c.step(20, recv(bad_offer), [], deadline=250, note="MOX-NEG-040: value length minus id length is odd")
dup_ext = body(T_HELLO, P_HI, BROADCAST, [
    field(0x00, uN(P_HI_NONCE, 4)), field(0x08, FADER + b"\x01\x00"),
    field(0x08, FADER + b"\x02\x00"), field(0x18, uN(512, 4)), field(0x20, uN(0, 3)),
    field(0x28, b"\x00"), field(0x30, b"")])
c.step(30, recv(dup_ext), [], deadline=250, note="MOX-NEG-041: the same extension in two offers")
dup_major = body(T_HELLO, P_HI, BROADCAST, [
    field(0x00, uN(P_HI_NONCE, 4)), field(0x08, FADER + b"\x01\x00\x01\x02"),
    field(0x18, uN(512, 4)), field(0x20, uN(0, 3)), field(0x28, b"\x00"), field(0x30, b"")])
c.step(40, recv(dup_major), [], deadline=250, note="MOX-NEG-041: major 1 twice in one offer")

# ---- simultaneous open ----------------------------------------------------------------------

c = case("simultaneous::higher-id-wins",
         "Both probe; the MUT has the higher id: it ignores the peer's hello and completes its "
         "own handshake as initiator",
         neg(103) + row(1, 10, 5), "a-fader21-grid")
c.rng.node_id(P_HI)
hb = mut_hello(c, P_HI, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
bh = peer_hello(B_ID, 0x00333333, B_OFFERS, B_LIMITS)
c.step(5, recv(bh), [], deadline=250, note="row 10: src 0x42 < own id: the peer yields")
rb = reply(B_ID, P_HI, B_NONCE, A_NONCE, digest(hb), [(FADER, 1, 3), (GRID, 1, 0)], B_LIMITS,
           [1], grease_fields=B_REPLY_GREASE)
c.step(40, recv(rb), [(B_ID, confirm(P_HI, B_ID, B_NONCE, digest(rb)))],
       [established(B_ID, "initiator", A_NONCE, B_NONCE)], deadline=None, note="row 5")

c = case("simultaneous::lower-id-yields",
         "Both probe; the MUT has the lower id: it yields and answers; a reply to its own "
         "abandoned hello is then ignored, and the confirm establishes it as responder",
         neg(103) + row(1, 9, 15), "b-fader1-grid")
c.rng.node_id(B_ID)
bh = mut_hello(c, B_ID, BROADCAST, 0x00333333, "b-fader1-grid", g_simple(2, 1, 1, 2))
c.step(0, START, [(BROADCAST, bh)], deadline=250, note="row 1")
c.rng.nonce(B_NONCE)
c.rng.count(1, 2)
c.rng.field(B_REPLY_GREASE[0])
c.rng.position(9, 9)
c.step(20, recv(EX_HELLO), [(A_ID, EX_REPLY)], deadline=270, note="row 9: yield")
late = reply(A_ID, B_ID, 0x00444444, 0x00333333, digest(bh), [(FADER, 1, 3)], A_LIMITS, [1])
c.step(30, recv(late), [], deadline=270,
       note="Answering: a reply (R-*) is not an input of this state: ignored")
c.step(60, recv(EX_CONFIRM), [], [established(A_ID, "responder", A_NONCE, B_NONCE)],
       deadline=None, note="row 15")

# ---- reboot ---------------------------------------------------------------------------------

c = case("reboot::new-id-confirmed",
         "Established with 0x42; the peer reboots as 0x55 and sends a hello: the MUT answers in "
         "a sub-state, keeps the old agreement until the confirm, then PeerRebooted and "
         "Established with the new id",
         neg(100, 104) + row(1, 5, 22, 23), "a-fader21-grid")
initiator_established(c)
NEW = 0x55
nh = peer_hello(NEW, 0x00555555, B_OFFERS, B_LIMITS)
nr = mut_reply(c, "a-fader21-grid", A_ID, NEW, 0x0000A0A0, 0x00555555, nh,
               [(FADER, 1, 3), (GRID, 1, 0)], [1], grease_fields=[GF(103, 1, b"\x7f", 9)])
c.step(5000, recv(nh), [(NEW, nr)], deadline=5250,
       agreement=agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], B_LIMITS),
       note="row 22: H-new while established: reply in Answering'; the old agreement stays")
c.step(5030, recv(confirm(NEW, A_ID, 0x0000A0A0, digest(nr))), [],
       [peer_rebooted(B_ID, NEW), established(NEW, "responder", 0x00555555, 0x0000A0A0)],
       deadline=None, agreement=agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], B_LIMITS),
       note="row 23: F-ok: switch; PeerRebooted just before Established")

c = case("reboot::stale-hello-old-id",
         "Established as responder: a delayed copy of the peer's hello is a duplicate (ignored); "
         "a stale hello from a dead id is answered in a sub-state that gives up with a goodbye "
         "to that id, and the session survives",
         neg(30, 100, 104) + row(1, 9, 15, 21, 22, 25, 24), "r-fader21")
responder_start(c, "r-fader21")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9")
c.step(60, recv(confirm(P_HI, MUT_R, MUT_R_REPLY, digest(rb))), [],
       [established(P_HI, "responder", P_HI_NONCE, MUT_R_REPLY)], deadline=None, note="row 15")
c.step(400, recv(ph), [], deadline=None, note="row 21: H-dup of the answered hello")
DEAD = 0x0DEAD000
dh = peer_hello(DEAD, 0x00D00D00, [(FADER, [(2, 0)])])
dr = mut_reply(c, "r-fader21", MUT_R, DEAD, 0x00E0E0E0, 0x00D00D00, dh, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(600, recv(dh), [(DEAD, dr)], deadline=850, note="row 22: Answering' for 0x0DEAD000")
for t, dl in ((850, 1350), (1350, 2350), (2350, 4350)):
    c.step(t, TIMEOUT, [(DEAD, dr)], deadline=dl, note="rows 25, 13: resend the reply")
c.step(4350, TIMEOUT, [(DEAD, goodbye(MUT_R, DEAD, "no-confirm", 0x00D00D00, 0x00E0E0E0))], [],
       deadline=None, agreement=agreement([(FADER, 2, 0)], [1], (512, 1024, 4)),
       note="row 24: k = max_reply: abandon the answer (goodbye(no-confirm) with the "
            "candidate's nonce, §8.7.5), end the sub-state; no event, old agreement kept")

# ---- collision ------------------------------------------------------------------------------

c = case("collision::hello-with-own-id",
         "While probing, a hello arrives with the MUT's own node id that is not its echo: new "
         "id, goodbye(id-collision) from the old id to broadcast, IdChanged, new handshake",
         neg(30, 32, 102, 120) + row(1, 36), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
other = peer_hello(A_ID, 0x00F0F0F0, B_OFFERS, B_LIMITS)
NEW_A = 0x0600D1D0
c.rng.node_id(NEW_A)
hb2 = mut_hello(c, NEW_A, BROADCAST, 0x00A1B2C4, "a-fader21-grid", g_simple(2, 2, 1, 3))
c.step(100, recv(other), [(BROADCAST, goodbye(A_ID, BROADCAST, "id-collision", 0, 0)),
                          (BROADCAST, hb2)],
       [id_changed(A_ID, NEW_A)], deadline=350,
       note="row 36: one id draw (differs at once), goodbye from the old id, then the new "
            "handshake's draws")

c = case("collision::own-echo-ignored",
         "The MUT's own hello comes back (a loop): it is an echo, ignored",
         neg(105, 101) + row(1), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
c.step(5, recv(hb), [], deadline=250, note="H-echo: digest among the last 4 sent")

c = case("collision::goodbye-from-own-id",
         "Established; a goodbye(id-collision) arrives with the MUT's own id as source (another "
         "node with the same id): H-coll comes first (MOX-NEG-101, MOX-NEG-031), so the MUT changes id, falls back "
         "with id-collision and restarts",
         neg(101, 102, 32) + row(1, 5, 36), "a-fader21-grid")
initiator_established(c)
NEW_A = 0x00000ACE
c.rng.node_id(NEW_A)
hb2 = mut_hello(c, NEW_A, BROADCAST, 0x01000000, "a-fader21-grid", g_simple(2, 2, 1, 0))
c.step(2000, recv(goodbye(A_ID, BROADCAST, "id-collision", 0, 0)),
       [(BROADCAST, goodbye(A_ID, BROADCAST, "id-collision", 0, 0)), (BROADCAST, hb2)],
       [id_changed(A_ID, NEW_A), fell_back("id-collision")], deadline=2250,
       note="row 36 while established")

# ---- network faults -------------------------------------------------------------------------

c = case("network::reply-lost",
         "The MUT's reply is lost: the initiator's retransmitted hello arrives within rto_initial "
         "of the reply and is ignored (rate limit); the MUT's own timer resends the reply, "
         "byte-identical, and the confirm completes",
         neg(12, 95) + row(1, 9, 17, 13, 15), "r-fader21")
responder_start(c, "r-fader21")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9 (this reply is lost)")
c.step(260, recv(ph), [], deadline=280, note="row 17: H-dup 230 ms after the reply: ignored")
c.step(280, TIMEOUT, [(P_HI, rb)], deadline=780, note="row 13: resend, k = 2")
c.step(300, recv(confirm(P_HI, MUT_R, MUT_R_REPLY, digest(rb))), [],
       [established(P_HI, "responder", P_HI_NONCE, MUT_R_REPLY)], deadline=None, note="row 15")

c = case("network::confirm-lost",
         "The confirm is lost twice: the MUT resends its reply at 280 and 780 ms and is "
         "Established when a confirm finally arrives",
         neg(12, 26, 91) + row(1, 9, 13, 15), "r-fader21")
responder_start(c, "r-fader21")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9")
c.step(280, TIMEOUT, [(P_HI, rb)], deadline=780, note="row 13: k = 2")
c.step(780, TIMEOUT, [(P_HI, rb)], deadline=1780, note="row 13: k = 3")
c.step(800, recv(confirm(P_HI, MUT_R, MUT_R_REPLY, digest(rb))), [],
       [established(P_HI, "responder", P_HI_NONCE, MUT_R_REPLY)], deadline=None, note="row 15")

c = case("network::duplicate-hello",
         "Duplicated hellos while answering: one within rto_initial of the last reply is ignored, "
         "one later draws one resend that moves neither k nor the deadline",
         neg(95) + row(1, 9, 17, 13, 15), "r-fader21")
responder_start(c, "r-fader21")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9")
c.step(100, recv(ph), [], deadline=280, note="row 17: 70 ms since the reply: ignored")
c.step(280, TIMEOUT, [(P_HI, rb)], deadline=780, note="row 13")
c.step(600, recv(ph), [(P_HI, rb)], deadline=780, note="row 17: 320 ms since the last send")
c.step(700, recv(ph), [], deadline=780, note="row 17: 100 ms since the last send: ignored")
c.step(720, recv(confirm(P_HI, MUT_R, MUT_R_REPLY, digest(rb))), [],
       [established(P_HI, "responder", P_HI_NONCE, MUT_R_REPLY)], deadline=None, note="row 15")

c = case("network::duplicate-reply",
         "Established as initiator: duplicates of the accepted reply are answered with the same "
         "confirm at most once per rto_initial",
         neg(95, 12) + row(1, 5, 20), "a-fader21-grid")
hb, rb = initiator_established(c)
cf = confirm(A_ID, B_ID, B_NONCE, digest(rb))
c.step(100, recv(rb), [], deadline=None, note="row 20: 60 ms since the confirm: ignored")
c.step(400, recv(rb), [(B_ID, cf)], deadline=None, note="row 20: resend the confirm")
c.step(500, recv(rb), [], deadline=None, note="row 20: 100 ms since: ignored")

c = case("network::stale-reply",
         "While probing, a reply that echoes another nonce (an earlier handshake) is ignored; "
         "the matching one is accepted",
         neg(20, 101) + row(1, 8, 5), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
stale = reply(B_ID, A_ID, 0x00001111, 0x00A1B2C2, digest(hb), [(FADER, 1, 3)], B_LIMITS, [1])
c.step(30, recv(stale), [], deadline=250, note="row 8: R-stale")
c.step(40, recv(EX_REPLY), [(B_ID, EX_CONFIRM)],
       [established(B_ID, "initiator", A_NONCE, B_NONCE)], deadline=None, note="row 5")

c = case("network::stale-goodbye",
         "Established: a delayed goodbye naming another session is ignored; one naming the "
         "MUT's own nonce ends the session (peer-left)",
         neg(31, 100) + row(1, 5, 31), "a-fader21-grid")
initiator_established(c)
c.step(1000, recv(goodbye(B_ID, A_ID, "shutdown", 0x00A1B2C0, 0x005D1E20)), [], deadline=None,
       note="MOX-NEG-031: session is not the MUT's nonce: G-other, ignored")
delay = c.rng.jitter(10000, 25, 25)
c.step(1100, recv(goodbye(B_ID, A_ID, "shutdown", A_NONCE, B_NONCE)), [],
       [fell_back("peer-left", goodbye="shutdown")], deadline=1100 + delay,
       note="row 31: G-ok: session = the MUT's hello nonce, sender nonce = B's reply nonce")

Y_NONCE = 0x005D1E21     # the nonce of B's second, abandoned answer to the MUT's one hello
c = case("network::stale-abandon-goodbye",
         "Established as initiator on B's reply X; B answered the same hello a second time "
         "(reply Y: its first answer was replaced by another initiator's hello, row 18, and the "
         "MUT's retransmitted hello was then new to it) and abandons that answer with "
         "goodbye(no-confirm, session = the MUT's hello nonce, sender nonce = Y): the session "
         "matches but the sender nonce is not the peer's nonce of the MUT's session, so the "
         "goodbye is ignored and session X stays (a duplicate of reply X still gets its confirm)",
         neg(30, 31, 100, 95) + row(1, 5, 20, 31), "a-fader21-grid")
hb, rb = initiator_established(c)
ry = reply(B_ID, A_ID, Y_NONCE, A_NONCE, digest(hb), [(FADER, 1, 3), (GRID, 1, 0)], B_LIMITS,
           [1])
c.step(500, recv(ry), [], deadline=None,
       note="R-stale: another reply (digest differs from X's): Established has no row for it")
c.step(1500, recv(goodbye(B_ID, A_ID, "no-confirm", A_NONCE, Y_NONCE)), [], deadline=None,
       agreement=agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], B_LIMITS),
       note="MOX-NEG-031: session = the MUT's nonce, but sender nonce Y != B's nonce X of the "
            "session: G-other, ignored (§8.7.5 abandon the answer names its own reply nonce)")
c.step(2000, recv(rb), [(B_ID, confirm(A_ID, B_ID, B_NONCE, digest(rb)))], deadline=None,
       note="row 20: R-dup of reply X: the session still stands; confirm resent (MOX-NEG-095)")

c = case("network::goodbye-sender-nonce-absent",
         "Established: a goodbye without the sender nonce field (an earlier core minor's "
         "goodbye) is checked on session alone: with another session it is ignored, with the "
         "MUT's nonce it ends the session (peer-left)",
         neg(30, 31, 100) + row(1, 5, 31), "a-fader21-grid")
initiator_established(c)
c.step(1000, recv(goodbye(B_ID, A_ID, "shutdown", 0x00A1B2C0, None)), [], deadline=None,
       note="MOX-NEG-031: no sender nonce; session is not the MUT's nonce: G-other, ignored")
delay = c.rng.jitter(10000, 25, 25)
c.step(1100, recv(goodbye(B_ID, A_ID, "shutdown", A_NONCE, None)), [],
       [fell_back("peer-left", goodbye="shutdown")], deadline=1100 + delay,
       note="row 31: G-ok: sender nonce absent, session = the MUT's nonce")

c = case("network::delayed-confirm",
         "Answering: a confirm from an earlier session (wrong nonce echo) is ignored; the "
         "delayed right one after a reply resend still establishes",
         neg(25, 101) + row(1, 9, 13, 15), "r-fader21")
responder_start(c, "r-fader21")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9")
c.step(100, recv(confirm(P_HI, MUT_R, 0x00C0FFED, digest(rb))), [], deadline=280,
       note="F-stale: ignored")
c.step(280, TIMEOUT, [(P_HI, rb)], deadline=780, note="row 13")
c.step(700, recv(confirm(P_HI, MUT_R, MUT_R_REPLY, digest(rb))), [],
       [established(P_HI, "responder", P_HI_NONCE, MUT_R_REPLY)], deadline=None, note="row 15")

c = case("network::confirm-digest-mismatch",
         "Answering: a confirm whose reply digest differs (the reply was altered) is counted; "
         "at the give-up the MUT sends goodbye(digest-mismatch) and falls back",
         neg(72, 30) + row(1, 9, 16, 13, 14), "r-fader21")
responder_start(c, "r-fader21")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9")
c.step(60, recv(confirm(P_HI, MUT_R, MUT_R_REPLY, digest(rb) ^ 0x2000)), [], deadline=280,
       note="row 16: F-dig, counted")
for t, dl in ((280, 780), (780, 1780), (1780, 3780)):
    c.step(t, TIMEOUT, [(P_HI, rb)], deadline=dl, note="row 13")
delay = c.rng.jitter(10000, 25, 25)
c.step(3780, TIMEOUT, [(P_HI, goodbye(MUT_R, P_HI, "digest-mismatch", P_HI_NONCE, MUT_R_REPLY))],
       [fell_back("digest-mismatch")], deadline=3780 + delay,
       note="row 14: goodbye with the initiator's nonce; jitter")

c = case("network::no-confirm",
         "Answering: no confirm ever comes: four replies, then goodbye(no-confirm) and fallback",
         neg(30, 92) + row(1, 9, 13, 14), "r-fader21")
responder_start(c, "r-fader21")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9")
for t, dl in ((280, 780), (780, 1780), (1780, 3780)):
    c.step(t, TIMEOUT, [(P_HI, rb)], deadline=dl, note="row 13")
delay = c.rng.jitter(10000, 25, 25)
c.step(3780, TIMEOUT, [(P_HI, goodbye(MUT_R, P_HI, "no-confirm", P_HI_NONCE, MUT_R_REPLY))],
       [fell_back("no-confirm")], deadline=3780 + delay, note="row 14")

# ---- GREASE ---------------------------------------------------------------------------------

c = case("grease::every-hello-field",
         "A hello with GREASE in every field: GREASE fields first (U=1, 3 bytes) and last (U=0, "
         "empty), the GREASE offer first, GREASE majors in front of fader 1 and after grid 1, a "
         "GREASE feature: all ignored; fader 1 agreed, no GREASE feature in effect",
         neg(42, 3, 50) + row(1, 9, 15) + ["MOX-REG-052"], "r-fader21")
responder_start(c, "r-fader21")
gh = GreaseHello([GF(7, 1, b"\x01\x02\x03", 0), GF(439, 0, b"", 9)], ext=1015, ext_pos=0,
                 ext_major=7, major=55, major_pos=0, feature=7, feature_pos=1)
ph = hello(P_HI, BROADCAST, P_HI_NONCE, [(FADER, [(1, 0)]), (GRID, [(1, 0), (119, 0)])],
           (512, 1024, 4), [1], gh)
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 1, 2)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9: fader [55, 1] -> 1; grid unknown")
c.step(60, recv(confirm(P_HI, MUT_R, MUT_R_REPLY, digest(rb))), [],
       [established(P_HI, "responder", P_HI_NONCE, MUT_R_REPLY)], deadline=None,
       agreement=agreement([(FADER, 1, 0)], [1], (512, 1024, 4)), note="row 15")

responder_case("grease::never-selected",
               "Only GREASE majors are offered for fader ([7, 119]) besides a GREASE extension: nothing "
               "is selectable, the agreed list is empty",
               neg(42, 24) + ["MOX-REG-052"], "r-fader1", [(FADER, [(7, 0)])], [], [1], {},
               refused=[(FADER, 0x02)])

c = case("grease::off",
         "GREASE off: the hello has no GREASE entry and the MUT draws only its node id and nonce",
         neg(42, 120) + row(1, 5), "a-nogrease")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-nogrease", None)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1: one draw each for id and nonce")
rb = reply(B_ID, A_ID, B_NONCE, A_NONCE, digest(hb), [(FADER, 1, 3), (GRID, 1, 0)], B_LIMITS,
           [1], grease_fields=B_REPLY_GREASE)
c.step(40, recv(rb), [(B_ID, confirm(A_ID, B_ID, B_NONCE, digest(rb)))],
       [established(B_ID, "initiator", A_NONCE, B_NONCE)], deadline=None, note="row 5")

# ---- unknown fields in a hello (number 100, id 100 << 3 | U R C) ----------------------------

for name, fid, flags, answered in (("ignore", 0x324, "C=0 R=0 U=1", True),
                                   ("notify", 0x322, "C=0 R=1", True),
                                   ("drop", 0x321, "C=1 R=0", False),
                                   ("drop-report", 0x323, "C=1 R=1", False)):
    extra = [field(fid, b"\x05")]
    if answered:
        responder_case("unknown::" + name,
                       "A broadcast hello with an unknown field %s: the field is skipped "
                       "(no error: a broadcast is not eligible) and the hello is answered" % flags,
                       neg(3) + ["MOX-FLD-011", "MOX-ERR-020"], "r-fader21",
                       [(FADER, [(2, 0)])], [(FADER, 2, 0)], [1], {(FADER, 2): 0}, extra=extra)
    else:
        c = case("unknown::" + name,
                 "A broadcast hello with an unknown field %s: the pipeline drops it (no error "
                 "to a broadcast), so the machine never sees it" % flags,
                 neg(3) + ["MOX-FLD-011", "MOX-ERR-020"] + row(1), "r-fader21")
        responder_start(c, "r-fader21")
        ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])], extra=extra)
        c.step(30, recv(ph), [], deadline=250, note="dropped by the pipeline (chapter 6)")

# ---- sizes ----------------------------------------------------------------------------------

c = case("size::hello-above-own-max",
         "A hello in a unit larger than the MUT's max size (513 > 512) is ignored; the same hello "
         "in a 512-byte unit is answered",
         neg(60, 101) + row(1, 9), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
c.step(10, recv(ph, unit_len=513), [], deadline=250, note="X-size")
rb = mut_reply(c, "a-fader21-grid", A_ID, P_HI, 0x00000321, P_HI_NONCE, ph, [(FADER, 2, 0)],
               [1], grease_fields=[GF(7, 0, b"", 0)])
c.step(20, recv(ph, unit_len=512), [(P_HI, rb)], deadline=270, note="row 9")

c = case("size::peer-max-below-floor",
         "SysEx: the reply declares max size 64 with reassembly 1024: the max reads as the "
         "128-byte floor, and reassembly without 512 bytes reads as none",
         neg(60, 61, 62) + row(1, 5), "a-fader21-grid", bindings=("sysex",))
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
rb = reply(B_ID, A_ID, B_NONCE, A_NONCE, digest(hb), [(FADER, 1, 3)], (64, 1024, 4), [1])
c.step(40, recv(rb), [(B_ID, confirm(A_ID, B_ID, B_NONCE, digest(rb)))],
       [established(B_ID, "initiator", A_NONCE, B_NONCE)], deadline=None,
       agreement=agreement([(FADER, 1, 3)], [1], (128, 0, 0)), note="row 5")

# ---- renegotiation --------------------------------------------------------------------------

c = case("reneg::goodbye-shutdown",
         "close while established: goodbye(shutdown) with the peer's nonce, FellBack{closed}; "
         "start again keeps the node id and starts a new handshake",
         neg(30, 33) + row(1, 5, 37, 39), "a-fader21-grid")
initiator_established(c)
c.step(1000, CLOSE, [(B_ID, goodbye(A_ID, B_ID, "shutdown", B_NONCE, A_NONCE))],
       [fell_back("closed")], deadline=None, note="row 37")
hb2 = mut_hello(c, A_ID, BROADCAST, 0x00A1B2C5, "a-fader21-grid", g_simple(2, 2, 1, 7))
c.step(2000, START, [(BROADCAST, hb2)], deadline=2250, note="row 39: no id draw")

c = case("reneg::peer-rehello",
         "Established as initiator; the same peer sends a new hello to the MUT's id: the MUT "
         "answers in a sub-state and on the confirm is Established again, as responder, with "
         "no PeerRebooted",
         neg(10, 112) + row(1, 5, 22, 23), "a-fader21-grid")
initiator_established(c)
nh = peer_hello(B_ID, 0x00666666, B_OFFERS, B_LIMITS, dst=A_ID)
nr = mut_reply(c, "a-fader21-grid", A_ID, B_ID, 0x00707070, 0x00666666, nh,
               [(FADER, 1, 3), (GRID, 1, 0)], [1], grease_fields=[GF(7, 1, b"\x40", 4)])
c.step(5000, recv(nh), [(B_ID, nr)], deadline=5250, note="row 22")
c.step(5040, recv(confirm(B_ID, A_ID, 0x00707070, digest(nr))), [],
       [established(B_ID, "responder", 0x00666666, 0x00707070)], deadline=None,
       agreement=agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], B_LIMITS), note="row 23")

c = case("reneg::reconfigure-hitless",
         "Established; reconfigure adds grid 2.0 while fader 1 and grid 1 stay supported: a new "
         "handshake to the peer's id in a sub-state, the old agreement in effect until the new "
         "one completes",
         neg(10, 112) + row(1, 5, 26, 28), "a-fader21-grid")
initiator_established(c)
g = g_simple(2, 2, 1, 2)
hb2 = mut_hello(c, A_ID, B_ID, 0x00A1B2C6, "a-grid21", g)
c.step(5000, reconfigure("a-grid21"), [(B_ID, hb2)], deadline=5250,
       agreement=agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], B_LIMITS), note="row 26")
rb2 = reply(B_ID, A_ID, 0x005D1E30, 0x00A1B2C6, digest(hb2), [(FADER, 1, 3), (GRID, 1, 0)],
            B_LIMITS, [1])
c.step(5040, recv(rb2), [(B_ID, confirm(A_ID, B_ID, 0x005D1E30, digest(rb2)))],
       [established(B_ID, "initiator", 0x00A1B2C6, 0x005D1E30)], deadline=None,
       agreement=agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], B_LIMITS), note="row 28")

c = case("reneg::reconfigure-drop",
         "Established on fader 1; reconfigure drops fader 1: goodbye(reconfigured), "
         "FellBack{reconfigured} and a new handshake to the peer; a reply from another node is "
         "stale; the peer now agrees on grid only",
         neg(30, 112, 23, 101) + row(1, 5, 27), "a-fader21-grid")
initiator_established(c)
g = g_simple(2, 1, 1, 1)
hb2 = mut_hello(c, A_ID, B_ID, 0x00A1B2C7, "a-fader2-grid", g)
c.step(5000, reconfigure("a-fader2-grid"),
       [(B_ID, goodbye(A_ID, B_ID, "reconfigured", B_NONCE, A_NONCE)), (B_ID, hb2)],
       [fell_back("reconfigured")], deadline=5250, note="row 27: no jitter (next state Probing)")
c.step(5020, recv(reply(0x00000011, A_ID, 0x00111111, 0x00A1B2C7, digest(hb2), [(GRID, 1, 0)],
                        B_LIMITS, [1])), [], deadline=5250,
       note="R-stale: the hello being probed with was addressed to another node (0x42)")
rb2 = reply(B_ID, A_ID, 0x005D1E31, 0x00A1B2C7, digest(hb2), [(GRID, 1, 0)], B_LIMITS, [1],
            refused=[(FADER, 0x02)])
c.step(5040, recv(rb2), [(B_ID, confirm(A_ID, B_ID, 0x005D1E31, digest(rb2)))],
       [established(B_ID, "initiator", 0x00A1B2C7, 0x005D1E31)], deadline=None,
       agreement=agreement([(GRID, 1, 0)], [1], B_LIMITS, refused=[(FADER, 0x02)]),
       note="row 5")

c = case("reneg::reconfigure-while-probing",
         "reconfigure while probing stores the new offers and starts a new handshake (new nonce)",
         neg(112) + row(1, 40), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
hb2 = mut_hello(c, A_ID, BROADCAST, 0x00A1B2C8, "a-grid21", g_simple(2, 2, 1, 1))
c.step(100, reconfigure("a-grid21"), [(BROADCAST, hb2)], deadline=350, note="row 40")

# ---- clock ----------------------------------------------------------------------------------

c = case("clock::backwards-and-jump",
         "A clock going backwards is clamped (nothing fires); a jump far past the deadline fires "
         "the timer once, and the next deadline counts from the new now",
         neg(96, 94) + row(1, 3), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(1000, START, [(BROADCAST, hb)], deadline=1250, note="row 1")
c.step(900, TIMEOUT, [], deadline=1250, note="now 900 < 1000: read as 1000; not due")
c.step(1100, TIMEOUT, [], deadline=1250, note="not due yet")
c.step(10000, TIMEOUT, [(BROADCAST, hb)], deadline=10500,
       note="row 3 once; no catch-up burst: the next deadline is 10000 + rto(2)")
c.step(10500, TIMEOUT, [(BROADCAST, hb)], deadline=11500, note="row 3")



# ---- more rows of the table -----------------------------------------------------------------

def initiator_established_with(c, peer, peer_nonce, cfgname="a-fader21-grid"):
    """The MUT (A_ID) completes a handshake as initiator with `peer` (rows 1, 5)."""
    c.rng.node_id(A_ID)
    hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, cfgname, A_GREASE)
    c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
    rb = reply(peer, A_ID, peer_nonce, A_NONCE, digest(hb), [(FADER, 1, 3), (GRID, 1, 0)],
               B_LIMITS, [1])
    c.step(40, recv(rb), [(peer, confirm(A_ID, peer, peer_nonce, digest(rb)))],
           [established(peer, "initiator", A_NONCE, peer_nonce)], deadline=None, note="row 5")
    return hb, rb


c = case("simultaneous::renegotiation-both",
         "Both renegotiate at once; the MUT has the higher id: the peer's hello is ignored in "
         "the Probing' sub-state and the MUT's own handshake completes",
         neg(103, 112) + row(1, 5, 26, 30, 28), "a-fader21-grid")
initiator_established(c)
hb2 = mut_hello(c, A_ID, B_ID, 0x00A1B2C9, "a-grid21", g_simple(2, 2, 1, 2))
c.step(5000, reconfigure("a-grid21"), [(B_ID, hb2)], deadline=5250, note="row 26")
bh2 = peer_hello(B_ID, 0x00676767, B_OFFERS, B_LIMITS, dst=A_ID)
c.step(5010, recv(bh2), [], deadline=5250, note="row 30 as row 10: src 0x42 < own id")
rb2 = reply(B_ID, A_ID, 0x00686868, 0x00A1B2C9, digest(hb2), [(FADER, 1, 3), (GRID, 1, 0)],
            B_LIMITS, [1])
c.step(5040, recv(rb2), [(B_ID, confirm(A_ID, B_ID, 0x00686868, digest(rb2)))],
       [established(B_ID, "initiator", 0x00A1B2C9, 0x00686868)], deadline=None, note="row 28")

c = case("simultaneous::renegotiation-yield",
         "Both renegotiate at once; the peer has the higher id: the MUT abandons its Probing' "
         "hello, answers in Answering' and is Established as responder on the confirm",
         neg(103, 112) + row(1, 5, 26, 30, 23), "a-fader21-grid")
initiator_established_with(c, P_HI, 0x00101010)
hb2 = mut_hello(c, A_ID, P_HI, 0x00A1B2CA, "a-grid21", g_simple(2, 2, 1, 2))
c.step(5000, reconfigure("a-grid21"), [(P_HI, hb2)], deadline=5250, note="row 26")
ph2 = peer_hello(P_HI, 0x00202020, [(GRID, [(2, 0), (1, 0)]), (FADER, [(1, 1)])], dst=A_ID)
rb2 = mut_reply(c, "a-grid21", A_ID, P_HI, 0x00303030, 0x00202020, ph2,
                [(GRID, 2, 0), (FADER, 1, 3)], [1], grease_fields=[GF(7, 0, b"", 9)])
c.step(5010, recv(ph2), [(P_HI, rb2)], deadline=5260,
       note="row 30 as row 9: yield; the selection uses the new offers (grid 2.0)")
c.step(5050, recv(confirm(P_HI, A_ID, 0x00303030, digest(rb2))), [],
       [established(P_HI, "responder", 0x00202020, 0x00303030)], deadline=None,
       agreement=agreement([(GRID, 2, 0), (FADER, 1, 1)], [1], (512, 1024, 4)),
       note="row 23: same peer id: no peer_rebooted")

c = case("errors::peer-lost-session",
         "Established; the peer answers an agreed-extension message with error 0A "
         "not-negotiated: it lost the session, so the MUT falls back and starts a new handshake "
         "to the peer at once",
         neg(83, 100) + row(1, 5, 32), "a-fader21-grid")
initiator_established(c)
lost = body(T_ERROR, B_ID, A_ID, [field(0, b"\x0a"), field(8, FADER), field(0x10, b"\x01\x00"),
                                  field(0x18, b"\x01")])
hb2 = mut_hello(c, A_ID, B_ID, 0x00A1B2CB, "a-fader21-grid", g_simple(2, 2, 1, 5))
c.step(3000, recv(lost), [(B_ID, hb2)], [fell_back("peer-lost-session")], deadline=3250,
       note="row 32: E-lost (0A about fader 1.0, agreed); no jitter: next state Probing")

c = case("errors::refused-while-answering",
         "Answering; an error 02 about the reply from another node is ignored; the candidate's "
         "error 02 about the MUT's reply: FellBack{refused 02}, with a re-probe deadline",
         neg(1, 82) + row(1, 9, 19), "r-fader21")
responder_start(c, "r-fader21")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9")
c.step(40, recv(error(0x0BBBBBBB, MUT_R, 0x02, T_REPLY)), [], deadline=280,
       note="MOX-NEG-082: not from the candidate: X-other, ignored")
delay = c.rng.jitter(10000, 25, 25)
c.step(60, recv(error(P_HI, MUT_R, 0x02, T_REPLY)), [], [fell_back("refused", code=2)],
       deadline=60 + delay, note="row 19; entering Fallback draws the jitter (§8.10 item 4)")

c = case("network::goodbye-id-collision",
         "Established; the peer says goodbye(id-collision) (session 0) from its id: "
         "FellBack{peer-left id-collision} and a re-probe already after rto_initial",
         neg(30, 31, 32) + row(1, 5, 31), "a-fader21-grid")
initiator_established(c)
c.rng.jitter(10000, 25, 25)
c.step(2000, recv(goodbye(B_ID, BROADCAST, "id-collision", 0, 0)), [],
       [fell_back("peer-left", goodbye="id-collision")], deadline=2250,
       note="row 31: deadline now + rto_initial; the jitter draw of §8.10 item 4 still happens")

c = case("network::latest-hello-wins",
         "Answering one initiator, a hello from another arrives: the MUT answers the newer one "
         "(new nonce, k = 1); the first initiator's confirm is then stale",
         neg(101) + row(1, 9, 18, 15), "r-fader21")
responder_start(c, "r-fader21")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9")
P2 = 0x0BBBBBBB
p2h = peer_hello(P2, 0x00BBBBBB, [(FADER, [(1, 1)])])
p2r = mut_reply(c, "r-fader21", MUT_R, P2, 0x00C0FFEF, 0x00BBBBBB, p2h, [(FADER, 1, 2)], [1],
                grease_fields=R_REPLY_GREASE)
c.step(100, recv(p2h), [(P2, p2r)], deadline=350, note="row 18: latest wins")
c.step(120, recv(confirm(P_HI, MUT_R, MUT_R_REPLY, digest(rb))), [], deadline=350,
       note="F-stale: src is not the candidate peer")
c.step(150, recv(confirm(P2, MUT_R, 0x00C0FFEF, digest(p2r))), [],
       [established(P2, "responder", 0x00BBBBBB, 0x00C0FFEF)], deadline=None, note="row 15")

c = case("reneg::reconfigure-unanswered",
         "Established; a hitless renegotiation gets no answer: after max_hello hellos in the "
         "Probing' sub-state the MUT falls back (silent)",
         neg(112, 92) + row(1, 5, 26, 3, 29), "a-fader21-grid")
initiator_established(c)
hb2 = mut_hello(c, A_ID, B_ID, 0x00A1B2CC, "a-grid21", g_simple(2, 2, 1, 2))
c.step(5000, reconfigure("a-grid21"), [(B_ID, hb2)], deadline=5250, note="row 26")
for t, dl in ((5250, 5750), (5750, 6750), (6750, 8750)):
    c.step(t, TIMEOUT, [(B_ID, hb2)], deadline=dl,
           note="row 3 applied to the Probing' sub-state (DECISIONS D22)")
delay = c.rng.jitter(10000, 25, 25)
c.step(8750, TIMEOUT, [], [fell_back("silent")], deadline=8750 + delay, note="row 29")

c = case("reneg::reconfigure-in-fallback",
         "reconfigure in Fallback changes neither state nor deadline; the next re-probe offers "
         "the new set",
         neg(112) + row(1, 3, 4, 40, 33), "a-short")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-short", g_simple(2, 2, 1, 1))
c.step(0, START, [(BROADCAST, hb)], deadline=100, note="row 1")
c.step(100, TIMEOUT, [(BROADCAST, hb)], deadline=300, note="row 3")
delay = c.rng.jitter(1000, 25, 25)
c.step(300, TIMEOUT, [], [fell_back("silent")], deadline=1300, note="row 4")
c.step(500, reconfigure("a-grid21"), [], deadline=1300, note="row 40: stored, nothing sent")
hb2 = mut_hello(c, A_ID, BROADCAST, 0x00A1B2CD, "a-grid21", g_simple(2, 2, 1, 1))
c.step(1300, TIMEOUT, [(BROADCAST, hb2)], deadline=1400, note="row 33 with the new offers")

c = case("reneg::close-while-probing",
         "close while probing: nothing is sent, no event, no deadline; input is then ignored "
         "until start, which keeps the node id",
         neg(33) + row(1, 38, 39), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
c.step(100, CLOSE, [], [], deadline=None, note="row 38")
c.step(200, recv(peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])), [], deadline=None,
       note="Closed: inputs other than start are ignored")
hb2 = mut_hello(c, A_ID, BROADCAST, 0x00A1B2CE, "a-fader21-grid", g_simple(2, 2, 1, 4))
c.step(300, START, [(BROADCAST, hb2)], deadline=550, note="row 39: no id draw")

c = case("silence::idle-before-start",
         "Before start the machine has no id: a hello and a timeout are ignored and nothing is "
         "drawn",
         row(2, 1), "a-fader21-grid")
c.step(0, recv(peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])), [], deadline=None,
       note="row 2")
c.step(10, TIMEOUT, [], deadline=None, note="row 2")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(20, START, [(BROADCAST, hb)], deadline=270, note="row 1")

c = case("silence::fallback-ignores-replies",
         "In Fallback a late reply, a confirm, a goodbye and an error are all ignored (row 35)",
         neg(113) + row(1, 3, 4, 35), "a-short")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-short", g_simple(2, 2, 1, 1))
c.step(0, START, [(BROADCAST, hb)], deadline=100, note="row 1")
c.step(100, TIMEOUT, [(BROADCAST, hb)], deadline=300, note="row 3")
delay = c.rng.jitter(1000, 25, 25)
c.step(300, TIMEOUT, [], [fell_back("silent")], deadline=1300, note="row 4")
late = reply(B_ID, A_ID, B_NONCE, A_NONCE, digest(hb), [(FADER, 1, 3)], B_LIMITS, [1])
c.step(400, recv(late), [], deadline=1300, note="row 35: R-*")
c.step(410, recv(confirm(B_ID, A_ID, A_NONCE, 0x1234)), [], deadline=1300, note="row 35: F-*")
c.step(420, recv(goodbye(B_ID, A_ID, "shutdown", A_NONCE, B_NONCE)), [], deadline=1300,
       note="row 35: G-*")
c.step(430, recv(error(B_ID, A_ID, 0x02, T_HELLO)), [], deadline=1300, note="row 35: E-*")

# ---- chapter 8 reconciliation: errors and abandoned answers in the sub-states ------------------

OLD_AGREEMENT = agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], B_LIMITS)

c = case("errors::renegotiation-refused",
         "Established; a hitless renegotiation (Probing', addressed to the peer) gets an E-retry "
         "(as row 12) and then an error 02: the sub-state ends, the session and its agreement "
         "stay (one refused renegotiation is one message); a late reply to it is stale",
         neg(1, 82, 100) + row(1, 5, 26, 30), "a-fader21-grid")
initiator_established(c)
hb2 = mut_hello(c, A_ID, B_ID, 0x00A1B2D5, "a-grid21", g_simple(2, 2, 1, 2))
c.step(5000, reconfigure("a-grid21"), [(B_ID, hb2)], deadline=5250, note="row 26: Probing' to B")
c.step(5100, recv(error(B_ID, A_ID, 0x43, T_HELLO, retry_after=400)), [], deadline=5500,
       note="row 30 as row 12")
c.step(5500, TIMEOUT, [(B_ID, hb2)], deadline=6000, note="row 30 as row 3: k = 2")
c.step(5600, recv(error(B_ID, A_ID, 0x02, T_HELLO)), [], deadline=None, agreement=OLD_AGREEMENT,
       note="row 30: E-dnr ends the sub-state; no event, no fallback (MOX-NEG-100)")
late = reply(B_ID, A_ID, 0x005D1E40, 0x00A1B2D5, digest(hb2), [(FADER, 1, 3), (GRID, 1, 0)],
             B_LIMITS, [1])
c.step(5700, recv(late), [], deadline=None, agreement=OLD_AGREEMENT,
       note="R-stale: not probing any more; Established has no row for it")

NEW = 0x55
c = case("reboot::refused-in-answering",
         "Established; a hello from a new id is answered in Answering'; that node's error 02 "
         "about the reply ends the sub-state only: no goodbye, no event, the session stays; its "
         "confirm is then stale",
         neg(1, 82, 100) + row(1, 5, 22, 25), "a-fader21-grid")
initiator_established(c)
nh = peer_hello(NEW, 0x00565656, B_OFFERS, B_LIMITS)
nr = mut_reply(c, "a-fader21-grid", A_ID, NEW, 0x0000B1B1, 0x00565656, nh,
               [(FADER, 1, 3), (GRID, 1, 0)], [1], grease_fields=[GF(7, 0, b"", 9)])
c.step(5000, recv(nh), [(NEW, nr)], deadline=5250, note="row 22: Answering'")
c.step(5100, recv(error(NEW, A_ID, 0x02, T_REPLY)), [], deadline=None, agreement=OLD_AGREEMENT,
       note="row 25: E-dnr: end the sub-state")
c.step(5200, recv(confirm(NEW, A_ID, 0x0000B1B1, digest(nr))), [], deadline=None,
       agreement=OLD_AGREEMENT, note="F-stale: not answering: no PeerRebooted")

c = case("reboot::digest-mismatch-in-answering",
         "Established; Answering' a new id: a confirm with a wrong reply digest is counted, "
         "duplicates of the candidate's hello are rate-limited, and the give-up abandons the "
         "answer with goodbye(digest-mismatch) while the old session stays",
         neg(30, 72, 95, 100) + row(1, 5, 22, 25, 24), "a-fader21-grid")
initiator_established(c)
nh = peer_hello(NEW, 0x00575757, B_OFFERS, B_LIMITS)
nr = mut_reply(c, "a-fader21-grid", A_ID, NEW, 0x0000C2C2, 0x00575757, nh,
               [(FADER, 1, 3), (GRID, 1, 0)], [1], grease_fields=[GF(39, 1, b"\x02\x03", 2)])
c.step(5000, recv(nh), [(NEW, nr)], deadline=5250, note="row 22: Answering'")
c.step(5030, recv(confirm(NEW, A_ID, 0x0000C2C2, digest(nr) ^ 0x0100)), [], deadline=5250,
       note="row 25 as row 16: F-dig, counted")
c.step(5100, recv(nh), [], deadline=5250,
       note="row 25 as row 17: H-dup 100 ms after the reply: ignored (MOX-NEG-095)")
c.step(5250, TIMEOUT, [(NEW, nr)], deadline=5750, note="row 25 as row 13: k = 2")
c.step(5600, recv(nh), [(NEW, nr)], deadline=5750,
       note="row 25 as row 17: 350 ms since the last send: resend; k and deadline unchanged")
c.step(5750, TIMEOUT, [(NEW, nr)], deadline=6750, note="row 25 as row 13: k = 3")
c.step(6750, TIMEOUT, [(NEW, nr)], deadline=8750, note="row 25 as row 13: k = 4")
c.step(8750, TIMEOUT, [(NEW, goodbye(A_ID, NEW, "digest-mismatch", 0x00575757, 0x0000C2C2))], [],
       deadline=None, agreement=OLD_AGREEMENT,
       note="row 24: abandon the answer with the reason of row 14 (an F-dig was counted); "
            "end the sub-state; no event")

c = case("reboot::latest-hello-wins-in-answering",
         "Established; Answering' one new id, a hello from another new id replaces the answer "
         "(as row 18); the first one's confirm is stale, the second's completes with "
         "PeerRebooted",
         neg(104) + row(1, 5, 22, 25, 23), "a-fader21-grid")
initiator_established(c)
nh = peer_hello(NEW, 0x00616161, B_OFFERS, B_LIMITS)
nr = mut_reply(c, "a-fader21-grid", A_ID, NEW, 0x0000A1A1, 0x00616161, nh,
               [(FADER, 1, 3), (GRID, 1, 0)], [1], grease_fields=[GF(7, 0, b"", 9)])
c.step(5000, recv(nh), [(NEW, nr)], deadline=5250, note="row 22")
NEW2 = 0x66
nh2 = peer_hello(NEW2, 0x00626262, B_OFFERS, B_LIMITS)
nr2 = mut_reply(c, "a-fader21-grid", A_ID, NEW2, 0x0000A2A2, 0x00626262, nh2,
                [(FADER, 1, 3), (GRID, 1, 0)], [1], grease_fields=[GF(71, 0, b"\x10", 4)])
c.step(5100, recv(nh2), [(NEW2, nr2)], deadline=5350,
       note="row 25 as row 18: answer the latest hello (new nonce, k = 1)")
c.step(5150, recv(confirm(NEW, A_ID, 0x0000A1A1, digest(nr))), [], deadline=5350,
       note="F-stale: its source is not the candidate")
c.step(5200, recv(confirm(NEW2, A_ID, 0x0000A2A2, digest(nr2))), [],
       [peer_rebooted(B_ID, NEW2), established(NEW2, "responder", 0x00626262, 0x0000A2A2)],
       deadline=None, agreement=OLD_AGREEMENT, note="row 23")

c = case("reneg::reconfigure-while-answering",
         "Established and Answering' a new id; a hitless reconfigure abandons that answer "
         "(goodbye(reconfigured) with the candidate's nonce) and starts Probing' to the peer; "
         "the candidate's confirm is then stale and the peer's reply completes",
         neg(30, 112) + row(1, 5, 22, 26, 28), "a-fader21-grid")
initiator_established(c)
nh = peer_hello(NEW, 0x00585858, B_OFFERS, B_LIMITS)
nr = mut_reply(c, "a-fader21-grid", A_ID, NEW, 0x0000D3D3, 0x00585858, nh,
               [(FADER, 1, 3), (GRID, 1, 0)], [1], grease_fields=[GF(7, 0, b"", 9)])
c.step(5000, recv(nh), [(NEW, nr)], deadline=5250, note="row 22")
hb2 = mut_hello(c, A_ID, B_ID, 0x00A1B2D6, "a-grid21", g_simple(2, 2, 1, 3))
c.step(5100, reconfigure("a-grid21"),
       [(NEW, goodbye(A_ID, NEW, "reconfigured", 0x00585858, 0x0000D3D3)), (B_ID, hb2)],
       deadline=5350,
       agreement=OLD_AGREEMENT,
       note="row 26 in Answering': abandon the answer, then a new handshake to the peer's id")
c.step(5150, recv(confirm(NEW, A_ID, 0x0000D3D3, digest(nr))), [], deadline=5350,
       note="F-stale: not answering")
rb2 = reply(B_ID, A_ID, 0x005D1E41, 0x00A1B2D6, digest(hb2), [(FADER, 1, 3), (GRID, 1, 0)],
            B_LIMITS, [1])
c.step(5200, recv(rb2), [(B_ID, confirm(A_ID, B_ID, 0x005D1E41, digest(rb2)))],
       [established(B_ID, "initiator", 0x00A1B2D6, 0x005D1E41)], deadline=None,
       agreement=OLD_AGREEMENT, note="row 28")

c = case("reneg::close-while-answering",
         "close while answering abandons the answer: goodbye(shutdown) with the initiator's "
         "nonce, no event; in Closed the confirm is ignored",
         neg(30) + row(1, 9, 38), "r-fader21")
responder_start(c, "r-fader21")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9")
c.step(100, CLOSE, [(P_HI, goodbye(MUT_R, P_HI, "shutdown", P_HI_NONCE, MUT_R_REPLY))], [],
       deadline=None,
       note="row 38: abandon the answer (shutdown)")
c.step(150, recv(confirm(P_HI, MUT_R, MUT_R_REPLY, digest(rb))), [], deadline=None,
       note="Closed: ignored")

c = case("reneg::reconfigure-while-answering-drop",
         "Answering with fader 2 selected: a reconfigure that keeps fader 2 changes nothing; one "
         "that drops it abandons the answer (goodbye(reconfigured)) and starts a handshake to "
         "the candidate's id",
         neg(30, 112) + row(1, 9, 40), "r-fader21")
responder_start(c, "r-fader21")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 9: fader 2 selected")
c.step(80, reconfigure("r-fader21-dep2"), [], deadline=280,
       note="row 40: fader 2 still supported (now deprecated): nothing")
hb2 = mut_hello(c, MUT_R, P_HI, 0x00BEEF02, "r-fader1", g_simple(1, 1, 1, 1))
c.step(100, reconfigure("r-fader1"),
       [(P_HI, goodbye(MUT_R, P_HI, "reconfigured", P_HI_NONCE, MUT_R_REPLY)), (P_HI, hb2)],
       deadline=350,
       note="row 40: the pending selection names fader 2, no longer supported: abandon the "
            "answer, new handshake to the candidate's id")

c = case("reneg::rehello-disjoint",
         "Established; the peer's renegotiation hello offers only fader 3: the MUT answers with "
         "an empty agreement (refused 02) in Answering', and the confirm drops the old session: "
         "FellBack{no-common-version}, not Established",
         neg(24, 100) + row(1, 5, 22, 23), "a-fader21-grid")
initiator_established(c)
nh = peer_hello(B_ID, 0x00717171, [(FADER, [(3, 0)])], B_LIMITS, dst=A_ID)
nr = mut_reply(c, "a-fader21-grid", A_ID, B_ID, 0x00727272, 0x00717171, nh, [], [1],
               refused=[(FADER, 0x02)], grease_fields=[GF(7, 0, b"", 4)])
c.step(5000, recv(nh), [(B_ID, nr)], deadline=5250, agreement=OLD_AGREEMENT,
       note="row 22: the old agreement stays while answering")
delay = c.rng.jitter(10000, 25, 25)
c.step(5040, recv(confirm(B_ID, A_ID, 0x00727272, digest(nr))), [],
       [fell_back("no-common-version")], deadline=5040 + delay,
       note="row 23 with an empty agreement: drop the old one, enter Fallback (§8.7.5)")

c = case("reneg::renegotiation-disjoint",
         "Established; the MUT's hitless renegotiation gets a valid reply that agrees on nothing: "
         "it confirms, drops the old session and falls back with no-common-version",
         neg(24, 100) + row(1, 5, 26, 28), "a-fader21-grid")
initiator_established(c)
hb2 = mut_hello(c, A_ID, B_ID, 0x00A1B2DD, "a-grid21", g_simple(2, 2, 1, 5))
c.step(5000, reconfigure("a-grid21"), [(B_ID, hb2)], deadline=5250, note="row 26")
rb2 = reply(B_ID, A_ID, 0x005D1E42, 0x00A1B2DD, digest(hb2), [], B_LIMITS, [1])
delay = c.rng.jitter(10000, 25, 0)
c.step(5040, recv(rb2), [(B_ID, confirm(A_ID, B_ID, 0x005D1E42, digest(rb2)))],
       [fell_back("no-common-version")], deadline=5040 + delay,
       note="row 28 with an empty agreement: confirm, then Fallback (§8.7.5); r mod 51 = 0")

# ---- tie-break with an addressed hello (rows 9, 10, 30; MOX-NEG-103) ------------------------

C_ID = 0x00000011
c = case("simultaneous::addressed-hello-yields",
         "Probing with a hello addressed to the peer 0x42 (after row 27): a hello from 0x42 "
         "(lower id) is ignored, but one from 0x11 wins although 0x11 is lower too, since the "
         "MUT's hello cannot reach it",
         neg(103) + row(1, 5, 27, 10, 9, 15), "a-fader21-grid")
initiator_established(c)
drop_fader1(c, 0x00A1B2D7)
bh = peer_hello(B_ID, 0x00595959, B_OFFERS, B_LIMITS, dst=A_ID)
c.step(5010, recv(bh), [], deadline=5250,
       note="row 10: from the hello's own destination, below the own id: ignored")
ch = peer_hello(C_ID, 0x005A5A5A, [(GRID, [(1, 0)])])
cr = mut_reply(c, "a-fader2-grid", A_ID, C_ID, 0x0000E4E4, 0x005A5A5A, ch, [(GRID, 1, 0)], [1],
               grease_fields=[GF(7, 0, b"", 0)])
c.step(5020, recv(ch), [(C_ID, cr)], deadline=5270,
       note="row 9: the own hello is addressed to a node other than 0x11: yield")
c.step(5060, recv(confirm(C_ID, A_ID, 0x0000E4E4, digest(cr))), [],
       [established(C_ID, "responder", 0x005A5A5A, 0x0000E4E4)], deadline=None,
       agreement=agreement([(GRID, 1, 0)], [1], (512, 1024, 4)), note="row 15")

c = case("simultaneous::renegotiation-third-node",
         "Probing' to the peer 0x42: a hello from 0x11 (lower than the own id) wins, since the "
         "Probing' hello is addressed to another node; Answering' completes with PeerRebooted",
         neg(103, 104) + row(1, 5, 26, 30, 23), "a-fader21-grid")
initiator_established(c)
hb2 = mut_hello(c, A_ID, B_ID, 0x00A1B2D8, "a-grid21", g_simple(2, 2, 1, 2))
c.step(5000, reconfigure("a-grid21"), [(B_ID, hb2)], deadline=5250, note="row 26")
ch = peer_hello(C_ID, 0x005B5B5B, B_OFFERS, B_LIMITS)
cr = mut_reply(c, "a-grid21", A_ID, C_ID, 0x0000F5F5, 0x005B5B5B, ch,
               [(FADER, 1, 3), (GRID, 1, 0)], [1], grease_fields=[GF(23, 1, b"\x01", 5)])
c.step(5010, recv(ch), [(C_ID, cr)], deadline=5260,
       note="row 30 as row 9: yield into Answering'")
c.step(5050, recv(confirm(C_ID, A_ID, 0x0000F5F5, digest(cr))), [],
       [peer_rebooted(B_ID, C_ID), established(C_ID, "responder", 0x005B5B5B, 0x0000F5F5)],
       deadline=None, agreement=agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], B_LIMITS),
       note="row 23: the candidate becomes the peer; its id differs: PeerRebooted")

# ---- collisions and echoes --------------------------------------------------------------------

c = case("collision::late-echo-of-old-id",
         "After a collision moved the MUT to a lower id, late echoes of the old id's hello and "
         "goodbye are ignored (MOX-NEG-105), not answered as a higher id's hello",
         neg(102, 105) + row(1, 36), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
NEW_LO = 0x00012345
c.rng.node_id(NEW_LO)
hb2 = mut_hello(c, NEW_LO, BROADCAST, 0x00A1B2D9, "a-fader21-grid", g_simple(2, 2, 1, 3))
gb = goodbye(A_ID, BROADCAST, "id-collision", 0, 0)
c.step(100, recv(peer_hello(A_ID, 0x00F1F1F1, B_OFFERS, B_LIMITS)),
       [(BROADCAST, gb), (BROADCAST, hb2)], [id_changed(A_ID, NEW_LO)], deadline=350,
       note="row 36")
c.step(120, recv(hb), [], deadline=350,
       note="H-echo: source = the id held before the collision, digest among the last 4 sent")
c.step(130, recv(gb), [], deadline=350, note="M-echo: the goodbye from the old id")
c.step(140, recv(hb2), [], deadline=350, note="H-echo of the new hello")

c = case("collision::redraw",
         "Row 36's id draws (§8.10 item 5): a draw equal to the old id is drawn again; after "
         "four equal draws the new id is old XOR 1",
         neg(102, 120) + row(1, 36), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
c.rng.node_id(A_ID)
c.rng.node_id(0x00777777)
hb2 = mut_hello(c, 0x00777777, BROADCAST, 0x00A1B2DA, "a-fader21-grid", g_simple(2, 2, 1, 2))
c.step(100, recv(peer_hello(A_ID, 0x00F3F3F3, B_OFFERS, B_LIMITS)),
       [(BROADCAST, goodbye(A_ID, BROADCAST, "id-collision", 0, 0)), (BROADCAST, hb2)],
       [id_changed(A_ID, 0x00777777)], deadline=350,
       note="row 36: the first draw equals the old id, the second differs")
for _ in range(4):
    c.rng.node_id(0x00777777)
hb3 = mut_hello(c, 0x00777776, BROADCAST, 0x00A1B2DB, "a-fader21-grid", g_simple(2, 2, 1, 4))
c.step(200, recv(peer_hello(0x00777777, 0x00F4F4F4, B_OFFERS, B_LIMITS)),
       [(BROADCAST, goodbye(0x00777777, BROADCAST, "id-collision", 0, 0)), (BROADCAST, hb3)],
       [id_changed(0x00777777, 0x00777776)], deadline=450,
       note="row 36: four draws equal to the old id: old XOR 1")

# ---- goodbye reasons (MOX-NEG-030) ----------------------------------------------------------

for name, fields, what in (
        ("absent", [field(0x08, uN(A_NONCE, 4)), field(0x10, uN(B_NONCE, 4))],
         "without a reason field"),
        ("unknown", [field(0x00, b"\x06"), field(0x08, uN(A_NONCE, 4)),
                     field(0x10, uN(B_NONCE, 4))],
         "with reason 06, which no core minor defines (an unknown enum7 value makes the field "
         "unknown, MOX-FLD-031)")):
    c = case("network::goodbye-reason-" + name,
             "Established; the peer's goodbye with the MUT's nonce %s reads as shutdown" % what,
             neg(30, 31) + row(1, 5, 31) + (["MOX-FLD-031"] if name == "unknown" else []),
             "a-fader21-grid")
    initiator_established(c)
    delay = c.rng.jitter(10000, 25, 25)
    c.step(1000, recv(body(T_GOODBYE, B_ID, A_ID, fields)), [],
           [fell_back("peer-left", goodbye="shutdown")], deadline=1000 + delay,
           note="row 31: G-ok; an absent or unknown reason reads as shutdown")

c = case("network::not-for-me",
         "Probing: a hello addressed to another node, a reply to broadcast and a reply to another "
         "node are X-dst and ignored; the reply addressed to the MUT is accepted",
         neg(101) + row(1, 5), "a-fader21-grid")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
c.step(10, recv(peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])], dst=0x00000099)), [],
       deadline=250, note="X-dst: the destination is neither the own id nor broadcast")
for t, dst, what in ((20, BROADCAST, "broadcast for a type other than 40 and 02"),
                     (30, 0x00000099, "another node")):
    c.step(t, recv(reply(B_ID, dst, B_NONCE, A_NONCE, digest(hb), [(FADER, 1, 3), (GRID, 1, 0)],
                         B_LIMITS, [1], grease_fields=B_REPLY_GREASE)), [], deadline=250,
           note="X-dst: " + what)
c.step(40, recv(EX_REPLY), [(B_ID, EX_CONFIRM)],
       [established(B_ID, "initiator", A_NONCE, B_NONCE)], deadline=None, note="row 5")

# ---- reply validation: presence and values (MOX-NEG-051) ------------------------------------


def raw_reply(src, dst, fields):
    return body(T_REPLY, src, dst, fields)


def bad_reply_case(name, description, reqs, make_reply, field_id, cfgname="i-fader1"):
    c = case(name, description, reqs + row(1, 7) + neg(51), cfgname)
    c.rng.node_id(A_ID)
    n = len(CONFIGS[cfgname]["offers"])
    first = len(CONFIGS[cfgname]["offers"][0]["majors"])
    hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, cfgname, g_simple(n, first, 1, 1))
    c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
    c.step(40, recv(make_reply(hb)), [(P_LO, error(A_ID, P_LO, 0x08, T_REPLY, field_id))],
           deadline=250, note="row 7: R-inv: error 08 naming field %s; counted" % x(field_id))
    return c


def reply_fields(hb, nonce=B_NONCE, agreed=(FADER + b"\x01\x00",), limits=True,
                 features=b"\x01\x00"):
    fs = [field(0x00, uN(nonce, 4)), field(0x08, uN(A_NONCE, 4)),
          field(0x10, uN(digest(hb), 2))]
    fs += [field(0x18, a) for a in agreed]
    if limits:
        fs += [field(0x20, uN(512, 4))]
    fs += [field(0x28, uN(0, 3)), field(0x30, uN(0, 1)), field(0x40, features)]
    return fs


bad_reply_case("reply::nonce-zero", "A reply with nonce 0: error 08 naming field 00", [],
               lambda hb: raw_reply(P_LO, A_ID, reply_fields(hb, nonce=0)), b"\x00")
bad_reply_case("reply::missing-max-size",
               "A reply without its max size field: error 08 naming the absent field's id 20",
               neg(15), lambda hb: raw_reply(P_LO, A_ID, reply_fields(hb, limits=False)), b"\x20")
bad_reply_case("reply::odd-features",
               "A reply whose features field has an odd length: error 08 naming 40 01", [],
               lambda hb: raw_reply(P_LO, A_ID, reply_fields(hb, features=b"\x01")), b"\x40\x01")
bad_reply_case("reply::agreed-two-majors",
               "An agreed entry with two (major, minor) pairs: error 08 naming 18", [],
               lambda hb: raw_reply(P_LO, A_ID, reply_fields(
                   hb, agreed=(FADER + b"\x01\x00\x01\x00",))), b"\x18")
bad_reply_case("reply::entries-out-of-order",
               "Offers fader then grid; the reply agrees on grid before fader: error 08 naming "
               "18", neg(21),
               lambda hb: raw_reply(P_LO, A_ID, reply_fields(
                   hb, agreed=(GRID + b"\x01\x00", FADER + b"\x01\x03"))), b"\x18",
               cfgname="a-fader21-grid")

c = case("reply::deprecation-not-rechecked",
         "The MUT offers fader [2, 1] with 2 marked deprecated; a reply that still selects 2 and "
         "carries a refused entry for an extension never offered is accepted: the initiator "
         "re-checks neither the deprecation preference nor refused entries",
         neg(14, 23, 51, 110) + row(1, 5), "a-dep2")
c.rng.node_id(A_ID)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-dep2", A_GREASE)
c.step(0, START, [(BROADCAST, hb)], deadline=250,
       note="row 1: the hello carries deprecated = fader 2")
rb = reply(B_ID, A_ID, B_NONCE, A_NONCE, digest(hb), [(FADER, 2, 0), (GRID, 1, 0)], B_LIMITS,
           [1], refused=[(EXT5, 0x02)])
c.step(40, recv(rb), [(B_ID, confirm(A_ID, B_ID, B_NONCE, digest(rb)))],
       [established(B_ID, "initiator", A_NONCE, B_NONCE)], deadline=None,
       agreement=agreement([(FADER, 2, 0), (GRID, 1, 0)], [1], B_LIMITS), note="row 5: R-ok")

for cfgname, drawn, kept, what in (
        ("a-limit9", 2, 1, "the drawn count 2 is capped at 9 - 8 = 1 field"),
        ("a-limit8", 1, 0, "the cap 8 - 8 leaves no GREASE field, but the count is still drawn")):
    c = case("grease::" + cfgname.replace("a-", "field-"),
             "A hello of 8 fields (counting the GREASE offer) to a peer field limit of %s: %s"
             % (cfgname[-1], what), neg(42, 120) + row(1), cfgname)
    c.rng.node_id(A_ID)
    g = GreaseHello([GF(55, 1, b"\x33", 4)][:kept], ext=39, ext_pos=1, ext_major=71, major=87,
                    major_pos=2, feature=103, feature_pos=0, drawn_count=drawn)
    hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, cfgname, g)
    c.step(0, START, [(BROADCAST, hb)], deadline=250,
           note="row 1; §8.10 plan(n): count = (r mod 2) + 1 = %d, capped at field_limit - n" % drawn)

# ---- sizes ------------------------------------------------------------------------------------


def worst_hello_sysex_len(offers, features, max_fields, check=True):
    """MOX-NEG-063: the hello with the largest GREASE a configuration can add (max_fields
    fields of 6 bytes, a 7-byte GREASE offer, a GREASE major and a GREASE feature)."""
    g = GreaseHello([GF(439, 1, b"\x7f\x7f\x7f", 0) for _ in range(max_fields)], ext=1015,
                    ext_pos=len(offers), ext_major=119, major=119, major_pos=0, feature=16375,
                    feature_pos=0)
    hb = hello(A_ID, BROADCAST, 0x0FFFFFFF, offers, (512, 1024, 4), features, g, check=check)
    return sysex_len(hb)


FIVE = [(e, m) for e, m, _, _ in cfg_offers("a-five")]
assert worst_hello_sysex_len(FIVE, [1], 2) == 129
assert worst_hello_sysex_len(FIVE[:4], [1], 2) == 117
c = case("size::first-hello-truncated",
         "SysEx: five offers of four majors do not fit a 128-byte hello with the largest GREASE "
         "(129 bytes), so the least preferred offer is left out before any draw, although the "
         "drawn GREASE would have left room; a renegotiation hello to an established peer that "
         "declared 256 bytes carries all five",
         neg(2, 13, 63, 120) + row(1, 5, 26), "a-five", bindings=("sysex",))
c.rng.node_id(A_ID)
g = GreaseHello([GF(7, 0, b"", 8)], ext=23, ext_pos=4, ext_major=39, major=23, major_pos=4,
                feature=263, feature_pos=1)
hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-five", g, keep_offers=4)
assert sysex_len(hb) <= 128
assert sysex_len(hello(A_ID, BROADCAST, A_NONCE, FIVE, (512, 1024, 4), [1], g)) <= 128
c.step(0, START, [(BROADCAST, hb)], deadline=250,
       note="row 1: four real offers (7E 05 left out); GREASE positions index four offers")
rb = reply(B_ID, A_ID, B_NONCE, A_NONCE, digest(hb), [(FADER, 1, 3), (GRID, 1, 0)], B_LIMITS,
           [1])
c.step(40, recv(rb), [(B_ID, confirm(A_ID, B_ID, B_NONCE, digest(rb)))],
       [established(B_ID, "initiator", A_NONCE, B_NONCE)], deadline=None,
       agreement=agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], B_LIMITS), note="row 5")
g2 = GreaseHello([GF(439, 1, b"\x01\x02\x03", 0), GF(423, 0, b"\x7f\x00\x01", 11)], ext=1015,
                 ext_pos=5, ext_major=119, major=119, major_pos=4, feature=16375, feature_pos=0)
hb2 = mut_hello(c, A_ID, B_ID, 0x00A1B2DC, "a-five", g2)
assert sysex_len(hb2) == 129
c.step(5000, reconfigure("a-five"), [(B_ID, hb2)], deadline=5250,
       note="row 26: addressed to the established peer: its declared 256 bytes bound the hello "
            "(129 bytes with this GREASE), so all five offers go")

for name, binding, read, what in (
        ("happy::osc-responder", "osc", (512, 1024, 4),
         "on OSC the declared max size 300 reads as the 512 floor, so the reassembly of 1024 "
         "stands (MOX-NEG-061 applies after the floor)"),
        ("size::sysex-reassembly-needs-512", "sysex", (300, 0, 0),
         "on SysEx the declared max size 300 stands and is below 512, so the reassembly reads "
         "as none")):
    c = case(name, "Node B answers a hello declaring 300 / 1024 / 4: " + what,
             neg(20, 60, 61) + row(1, 9, 15), "b-fader1-grid", bindings=(binding,))
    c.rng.node_id(B_ID)
    bh = mut_hello(c, B_ID, BROADCAST, 0x00333333, "b-fader1-grid", g_simple(2, 1, 1, 2))
    c.step(0, START, [(BROADCAST, bh)], deadline=250, note="row 1")
    ph = peer_hello(P_HI, P_HI_NONCE, A_OFFERS, (300, 1024, 4))
    rb = mut_reply(c, "b-fader1-grid", B_ID, P_HI, B_NONCE, P_HI_NONCE, ph,
                   [(FADER, 1, 3), (GRID, 1, 0)], [1], grease_fields=B_REPLY_GREASE)
    c.step(20, recv(ph), [(P_HI, rb)], deadline=270, note="row 9")
    c.step(60, recv(confirm(P_HI, B_ID, B_NONCE, digest(rb))), [],
           [established(P_HI, "responder", P_HI_NONCE, B_NONCE)], deadline=None,
           agreement=agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], read), note="row 15")

for name, limits, what in (("transfers-without-reassembly", (512, 0, 4),
                            "transfers 4 with reassembly 0 read as transfers 0"),
                           ("reassembly-without-transfers", (512, 1024, 0),
                            "reassembly 1024 with transfers 0 reads as none")):
    c = case("size::" + name, "The reply declares %d / %d / %d: %s" % (limits + (what,)),
             neg(61) + row(1, 5), "a-fader21-grid")
    c.rng.node_id(A_ID)
    hb = mut_hello(c, A_ID, BROADCAST, A_NONCE, "a-fader21-grid", A_GREASE)
    c.step(0, START, [(BROADCAST, hb)], deadline=250, note="row 1")
    rb = reply(B_ID, A_ID, B_NONCE, A_NONCE, digest(hb), [(FADER, 1, 3)], limits, [1])
    c.step(40, recv(rb), [(B_ID, confirm(A_ID, B_ID, B_NONCE, digest(rb)))],
           [established(B_ID, "initiator", A_NONCE, B_NONCE)], deadline=None,
           agreement=agreement([(FADER, 1, 3)], [1], (512, 0, 0)), note="row 5")

# ---- a reboot found at a re-probe -------------------------------------------------------------

c = case("reboot::lost-hello-found-at-reprobe",
         "Short timers; the peer is rebooting, so the MUT's hellos are lost and it falls back "
         "twice with a doubling base; the second re-probe reaches the peer under its new id and "
         "completes; Established resets the base, so the next fallback waits reprobe_initial",
         neg(93, 113) + row(1, 3, 4, 33, 5, 31), "a-short")
c.rng.node_id(A_ID)
t, base = 0, 1000
hbs = []
for i, nonce in enumerate((0x00000101, 0x00000102, 0x00000103)):
    hb = mut_hello(c, A_ID, BROADCAST, nonce, "a-short", g_simple(2, 2, 1, 2 + i))
    hbs.append(hb)
    if i == 0:
        c.step(t, START, [(BROADCAST, hb)], deadline=t + 100, note="row 1 (this hello is lost)")
    else:
        c.step(t, TIMEOUT, [(BROADCAST, hb)], deadline=t + 100,
               note="row 33: re-probe, base now %d" % base)
    if i == 2:
        break
    c.step(t + 100, TIMEOUT, [(BROADCAST, hb)], deadline=t + 300, note="row 3 (lost)")
    delay = c.rng.jitter(base, 25, 25)
    c.step(t + 300, TIMEOUT, [], [fell_back("silent")], deadline=t + 300 + delay,
           note="row 4: base %d" % base)
    t, base = t + 300 + delay, base * 2
rb = reply(NEW, A_ID, 0x00606060, 0x00000103, digest(hbs[2]), [(FADER, 1, 3), (GRID, 1, 0)],
           B_LIMITS, [1])
c.step(t + 50, recv(rb), [(NEW, confirm(A_ID, NEW, 0x00606060, digest(rb)))],
       [established(NEW, "initiator", 0x00000103, 0x00606060)], deadline=None,
       note="row 5: the rebooted peer 0x55 answers; the re-probe base returns to 1000")
delay = c.rng.jitter(1000, 25, 25)
c.step(t + 1000, recv(goodbye(NEW, A_ID, "shutdown", 0x00000103, 0x00606060)), [],
       [fell_back("peer-left", goodbye="shutdown")], deadline=t + 1000 + delay,
       note="row 31: the fallback waits reprobe_initial again (MOX-NEG-093)")

# ---- answer-only nodes (MOX-NEG-114, config initiate: false) --------------------------------

c = case("answer-only::start-and-answer",
         "Answer-only node B: start draws the node id only and enters Fallback with no hello, "
         "deadline or event; it answers the §8.12 hello; when the peer leaves it falls back "
         "without a deadline or a draw",
         neg(114, 113) + row(1, 34, 15, 31), "b-answer-only")
c.rng.node_id(B_ID)
c.step(0, START, [], [], deadline=None, note="row 1, answer-only: no handshake, no deadline")
c.rng.nonce(B_NONCE)
c.rng.count(1, 2)
c.rng.field(B_REPLY_GREASE[0])
c.rng.position(9, 9)
c.step(20, recv(EX_HELLO), [(A_ID, EX_REPLY)], deadline=270,
       note="row 34: answered (not probing: no tie-break); the §8.12 reply")
c.step(60, recv(EX_CONFIRM), [], [established(A_ID, "responder", A_NONCE, B_NONCE)],
       deadline=None, agreement=agreement([(FADER, 1, 3), (GRID, 1, 0)], [1], A_LIMITS),
       note="row 15")
c.step(1000, recv(goodbye(A_ID, B_ID, "shutdown", B_NONCE, A_NONCE)), [],
       [fell_back("peer-left", goodbye="shutdown")], deadline=None,
       note="row 31: answer-only: every entry into Fallback sets no deadline and draws nothing")

c = case("answer-only::no-confirm",
         "Answer-only: an answer that never gets its confirm is abandoned with goodbye(no-confirm) "
         "and the node falls back without a deadline or a draw",
         neg(114, 30) + row(1, 34, 13, 14), "r-answer-only")
c.rng.node_id(MUT_R)
c.step(0, START, [], [], deadline=None, note="row 1, answer-only")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-answer-only", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)],
               [1], grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 34")
for t, dl in ((280, 780), (780, 1780), (1780, 3780)):
    c.step(t, TIMEOUT, [(P_HI, rb)], deadline=dl, note="row 13")
c.step(3780, TIMEOUT, [(P_HI, goodbye(MUT_R, P_HI, "no-confirm", P_HI_NONCE, MUT_R_REPLY))],
       [fell_back("no-confirm")], deadline=None, note="row 14; answer-only: no deadline, no draw")

c = case("answer-only::collision",
         "Answer-only: a collision in Fallback changes the id and says goodbye from the old one "
         "but starts no handshake; a collision while established also raises "
         "FellBack{id-collision}; neither sets a deadline",
         neg(114, 102, 32) + row(1, 34, 15, 36), "r-answer-only")
c.rng.node_id(MUT_R)
c.step(0, START, [], [], deadline=None, note="row 1, answer-only")
NEW_R = 0x00654321
c.rng.node_id(NEW_R)
c.step(100, recv(peer_hello(MUT_R, 0x00F2F2F2, [(FADER, [(2, 0)])])),
       [(BROADCAST, goodbye(MUT_R, BROADCAST, "id-collision", 0, 0))], [id_changed(MUT_R, NEW_R)],
       deadline=None, note="row 36, answer-only: ends in Fallback, no hello, no deadline")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-answer-only", NEW_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)],
               [1], grease_fields=R_REPLY_GREASE)
c.step(200, recv(ph), [(P_HI, rb)], deadline=450, note="row 34, from the new id")
c.step(240, recv(confirm(P_HI, NEW_R, MUT_R_REPLY, digest(rb))), [],
       [established(P_HI, "responder", P_HI_NONCE, MUT_R_REPLY)], deadline=None, note="row 15")
NEW_R2 = 0x00765432
c.rng.node_id(NEW_R2)
c.step(1000, recv(peer_hello(NEW_R, 0x00F5F5F5, [(FADER, [(1, 0)])])),
       [(BROADCAST, goodbye(NEW_R, BROADCAST, "id-collision", 0, 0))],
       [id_changed(NEW_R, NEW_R2), fell_back("id-collision")], deadline=None,
       note="row 36 while established, answer-only: Fallback, no deadline, no draw")

c = case("answer-only::lost-session",
         "Answer-only, established as responder: the peer's error 0A about the agreed fader 2 "
         "means it lost the session; the node falls back and starts no handshake",
         neg(114, 83) + row(1, 34, 15, 32), "r-answer-only")
c.rng.node_id(MUT_R)
c.step(0, START, [], [], deadline=None, note="row 1, answer-only")
ph = peer_hello(P_HI, P_HI_NONCE, [(FADER, [(2, 0)])])
rb = mut_reply(c, "r-answer-only", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, ph, [(FADER, 2, 0)],
               [1], grease_fields=R_REPLY_GREASE)
c.step(30, recv(ph), [(P_HI, rb)], deadline=280, note="row 34")
c.step(60, recv(confirm(P_HI, MUT_R, MUT_R_REPLY, digest(rb))), [],
       [established(P_HI, "responder", P_HI_NONCE, MUT_R_REPLY)], deadline=None, note="row 15")
lost = body(T_ERROR, P_HI, MUT_R, [field(0, b"\x0a"), field(8, FADER), field(0x10, b"\x02\x00"),
                                     field(0x18, b"\x01")])
c.step(2000, recv(lost), [], [fell_back("peer-lost-session")], deadline=None,
       note="row 32, answer-only: Fallback instead of Probing; no hello, no deadline")

# ---- hello validity ---------------------------------------------------------------------------

responder_case("versions::deprecated-malformed-ignored",
               "Offer fader [2, 1] with a deprecated entry that lists no major and one that "
               "names major 3, not offered: both are ignored, so 2 is selected",
               neg(14), "r-fader21", [(FADER, [(2, 0), (1, 0)])], [(FADER, 2, 0)], [1],
               {(FADER, 2): 0}, deprecated=[(FADER, []), (FADER, [3])])


def raw_hello(fields):
    return body(T_HELLO, P_HI, BROADCAST, fields)


def hello_fields(offer_value=FADER + b"\x02\x00", limits=True, features=b"\x01\x00",
                 identity=None):
    fs = [field(0x00, uN(P_HI_NONCE, 4)), field(0x08, offer_value)]
    if limits:
        fs.append(field(0x18, uN(512, 4)))
    fs += [field(0x20, uN(0, 3)), field(0x28, b"\x00"), field(0x30, features)]
    if identity is not None:
        fs.append(field(0x40, identity))
    return fs


c = case("garbage::invalid-hello-more",
         "More H-bad hellos, ignored without a reply although they come from a higher id: "
         "major 0, an offer of 17 majors, no max size, features of odd length or with an id "
         "twice, an identity of 8 bytes; the valid hello after them is answered",
         neg(15, 16, 40, 41, 101) + row(1, 9), "r-fader21")
responder_start(c, "r-fader21")
bad = [("MOX-NEG-041: major 0", hello_fields(FADER + b"\x00\x00")),
       ("MOX-NEG-040: 17 (major, minor) pairs, 34 bytes",
        hello_fields(FADER + b"".join(bytes([m, 0]) for m in range(1, 18)))),
       ("MOX-NEG-015: no max size", hello_fields(limits=False)),
       ("MOX-NEG-016: features of odd length", hello_fields(features=b"\x01\x00\x02")),
       ("MOX-NEG-016: feature 1 twice", hello_fields(features=b"\x01\x00\x01\x00")),
       ("MOX-NEG-016: identity of 8 bytes", hello_fields(identity=bytes(range(1, 9))))]
for i, (what, fs) in enumerate(bad):
    c.step(10 + 2 * i, recv(raw_hello(fs)), [], deadline=250, note="H-bad, " + what)
good = raw_hello(hello_fields(identity=b"\x7e\x01\x00\x02\x00\x01\x02\x03\x04"))
rb = mut_reply(c, "r-fader21", MUT_R, P_HI, MUT_R_REPLY, P_HI_NONCE, good, [(FADER, 2, 0)], [1],
               grease_fields=R_REPLY_GREASE)
c.step(30, recv(good), [(P_HI, rb)], deadline=280,
       note="row 9: valid (identity 9 bytes, no GREASE): answered")


# ============================================================================================

def build():
    check_worked_examples()
    known = requirement_ids()
    ids = set()
    for c in CASES:
        assert c.id not in ids, c.id
        ids.add(c.id)
        unknown = [r for r in c.requirements if r not in known]
        assert not unknown, (c.id, unknown)
        assert c.config in CONFIGS, c.id
        for s in c.steps:
            if "reconfigure" in s["input"]:
                assert s["input"]["reconfigure"]["config"] in CONFIGS, c.id
    return {"corpus_version": VERSION, "configs": CONFIGS,
            "cases": [c.to_json() for c in CASES]}


def dump(value, indent=0):
    """JSON with one object member per line, but arrays of scalars (and of arrays of
    scalars) on one line, so that a step or a config stays readable."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ['%s "%s": %s' % (pad, k, dump(v, indent + 1)) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        flat = all(not isinstance(v, (dict, list)) or
                   (isinstance(v, list) and all(not isinstance(w, (dict, list)) for w in v))
                   for v in value)
        if flat:
            return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
        if all(isinstance(v, dict) and len(json.dumps(v)) < 60 for v in value):
            return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
        items = [pad + " " + dump(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def render():
    return dump(build()) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="fail when the file is stale")
    args = ap.parse_args()
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print("%s is stale: run python3 vectors/tools/gen_negotiate.py" % OUT.relative_to(REPO),
                  file=sys.stderr)
            return 1
        print("%s is up to date (%d cases)" % (OUT.relative_to(REPO), len(CASES)))
        return 0
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print("wrote %s: %d cases" % (OUT.relative_to(REPO), len(CASES)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
