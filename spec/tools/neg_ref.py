#!/usr/bin/env python3
"""An executable reading of spec/mox.md chapter 8: the negotiation messages (§8.1, §8.2), the
selection (§8.3), the digests (§8.5) and the randomness schedule (§8.10).

Written from the specification text only (not from the Rust code). Python 3 standard library
only. `check_examples.py` builds the worked example of §8.12 with it, from the draws the text
lists. Not the state machine: that is the table of §8.7.6.
"""

import mox_ref

v7 = mox_ref.encode_varint
groups = mox_ref.u_groups
crc14 = mox_ref.crc14_darc

BROADCAST = 0x0FFFFFFF
CORE = [0x7E, 0x00]
T_GOODBYE, T_CONFIRM, T_HELLO, T_REPLY = 0x02, 0x03, 0x40, 0x41


class Draws:
    """The caller's `next_u32` values, consumed in order (MOX-NEG-120)."""

    def __init__(self, values):
        self.values = list(values)
        self.used = 0

    def next(self):
        r = self.values[self.used]
        self.used += 1
        return r

    def exhausted(self):
        return self.used == len(self.values)


# --- §8.10 formulas ------------------------------------------------------------------------

def grease_field(r):
    """(field id, value bytes): number (r mod 28)*16 + 7, U = bit 5, C=0 R=0."""
    number = (r % 28) * 16 + 7
    fid = number << 3 | ((r >> 5) & 1) << 2
    length = (r >> 6) & 3
    value = [(r >> 8) & 0x7F, (r >> 15) & 0x7F, (r >> 22) & 0x7F][:length]
    return fid, value


def grease_major(r):
    return (r % 8) * 16 + 7


def grease_extension(r):
    return [0x7E] + v7((r % 64) * 16 + 7)


def grease_feature(r):
    return (r % 1024) * 16 + 7


def position(r, length):
    return r % (length + 1)


def plan(draws, n, max_fields=2, field_limit=64):
    """The GREASE fields of a message of n non-GREASE fields: [(position, (id, value))]."""
    if max_fields == 0:
        return []
    count = min(draws.next() % min(max_fields, 4) + 1, max(field_limit - n, 0))
    entries = []
    for _ in range(count):
        field = grease_field(draws.next())
        pos = position(draws.next(), n)
        at = len(entries)
        while at > 0 and entries[at - 1][0] > pos:  # stable: equal positions keep draw order
            at -= 1
        entries.insert(at, (pos, field))
    return entries


def apply_plan(fields, entries):
    """Each GREASE field goes before the non-GREASE field of its index (n appends)."""
    out = []
    pending = list(entries)
    for index, f in enumerate(fields):
        while pending and pending[0][0] <= index:
            out.append(pending.pop(0)[1])
        out.append(f)
    out.extend(e[1] for e in pending)
    return out


def insert(lst, pos, item):
    return lst[:pos] + [item] + lst[pos:]


# --- encoding --------------------------------------------------------------------------------

def tlv(fid, value):
    value = list(value)
    return v7(fid) + v7(len(value)) + value


def body(mtype, src, dst, fields, k=True):
    """A mox.core 1.0 body with A=1 (and K=1 unless k is False); fields are (id, value)."""
    out = [0x03 if k else 0x02] + CORE + [1, 0, mtype] + groups(src, 4) + groups(dst, 4)
    for fid, value in fields:
        out += tlv(fid, value)
    if k:
        c = crc14(bytes(out))
        out += [c & 0x7F, c >> 7]
    return out


def canonical(body_bytes):
    """MOX-NEG-070 for an unchunked body: header byte & 02, no CRC."""
    b = list(body_bytes)
    if b[0] & 1:
        b = b[:-2]
    return [b[0] & 0x02] + b[1:]


def digest(body_bytes):
    return crc14(bytes(canonical(body_bytes)))


def sysex(body_bytes, carrier=(0x7D,)):
    return [0xF0] + list(carrier) + [0x4D, 0x4F, 0x58] + list(body_bytes) + [0xF7]


# --- §8.1.1 and §8.10 item 2: the hello ------------------------------------------------------

class Offer:
    def __init__(self, ext, majors):
        self.ext = list(ext)          # owner and number varint, as on the wire
        self.majors = list(majors)    # (major, minor), preference order


def new_hello(draws, src, dst, offers, max_size, reassembly, transfers, features,
              grease=True, max_fields=2, deprecated=(), identity=None):
    """Draws the nonce and GREASE of a new handshake; returns (nonce, field list)."""
    nonce = 1 + draws.next() % 0x0FFFFFFF
    offer_values = [o.ext + [b for p in o.majors for b in p] for o in offers]
    feats = list(features)
    fields_before = None
    if grease:
        # n: the hello's fields without GREASE fields but with the GREASE offer.
        n = 1 + len(offers) + 1 + len(deprecated) + 4 + (1 if identity else 0)
        entries = plan(draws, n, max_fields)
        g_ext = grease_extension(draws.next())
        g_pos = position(draws.next(), len(offers))
        g_offer = g_ext + [grease_major(draws.next()), 0]
        if offers:
            gm = grease_major(draws.next())
            gm_pos = position(draws.next(), len(offers[0].majors))
            pairs = insert(list(offers[0].majors), gm_pos, (gm, 0))
            offer_values[0] = offers[0].ext + [b for p in pairs for b in p]
        gf = grease_feature(draws.next())
        feats = insert(feats, position(draws.next(), len(feats)), gf)
        offer_values = insert(offer_values, g_pos, g_offer)
        fields_before = entries
    fields = [(0x00, groups(nonce, 4))] + [(0x08, v) for v in offer_values] \
        + [(0x10, list(d)) for d in deprecated] \
        + [(0x18, groups(max_size, 4)), (0x20, groups(reassembly, 3)), (0x28, [transfers]),
           (0x30, [b for f in feats for b in groups(f, 2)])]
    if identity:
        fields.append((8 << 3, list(identity)))
    if fields_before:
        fields = apply_plan(fields, fields_before)
    return nonce, fields


# --- §8.3 selection, §8.1.2 and §8.10 item 3: the reply ---------------------------------------

def parse_offer(value):
    """(ext bytes, [(major, minor)]) of an offer value (MOX-NEG-040)."""
    n = 3 if value[0] == 0 else 1
    _, end = mox_ref.decode_varint(bytes(value), n)
    rest = value[end:]
    assert rest and len(rest) % 2 == 0 and len(rest) <= 32
    return list(value[:end]), [(rest[i], rest[i + 1]) for i in range(0, len(rest), 2)]


def select(offer_values, supported, deprecated=None, sunset=None):
    """MOX-NEG-050. supported: {ext tuple: {major: minor}}; returns [(ext, major, minor)]."""
    deprecated = deprecated or {}
    sunset = sunset or {}
    agreed = []
    for value in offer_values:
        ext, pairs = parse_offer(value)
        mine = supported.get(tuple(ext))
        if mine is None:
            continue
        c = [m for m, _ in pairs if m % 16 != 7 and m in mine and m not in sunset.get(
            tuple(ext), ())]
        if not c:
            continue
        d = set(deprecated.get(tuple(ext), ()))
        major = next((m for m in c if m not in d), c[0])
        agreed.append((ext, major, mine[major]))
    return agreed


def answer(draws, hello_body, supported, max_size, reassembly, transfers, features,
           grease=True, max_fields=2):
    """Draws the nonce and GREASE of an answer to hello_body; returns (nonce, field list)."""
    fields = parse_fields(hello_body)
    offers = [v for fid, v in fields if fid == 0x08]
    hello_nonce = mox_ref.from_groups(next(v for fid, v in fields if fid == 0x00))
    hello_feats = next(v for fid, v in fields if fid == 0x30)
    ids = [mox_ref.from_groups(hello_feats[i:i + 2]) for i in range(0, len(hello_feats), 2)]
    in_effect = [f for f in ids if f % 16 != 7 and f in features]
    nonce = 1 + draws.next() % 0x0FFFFFFF
    out = [(0x00, groups(nonce, 4)), (0x08, groups(hello_nonce, 4)),
           (0x10, groups(digest(hello_body), 2))]
    out += [(0x18, ext + [major, minor]) for ext, major, minor in select(offers, supported)]
    out += [(0x20, groups(max_size, 4)), (0x28, groups(reassembly, 3)), (0x30, [transfers]),
            (8 << 3, [b for f in in_effect for b in groups(f, 2)])]
    if grease:
        out = apply_plan(out, plan(draws, len(out), max_fields))
    return nonce, out


def parse_fields(body_bytes):
    """The (id, value) list of an unchunked mox.core body with A=1."""
    b = body_bytes[:-2] if body_bytes[0] & 1 else body_bytes
    section, fields, pos = b[14:], [], 0
    while pos < len(section):
        fid, pos = mox_ref.decode_varint(bytes(section), pos)
        length, pos = mox_ref.decode_varint(bytes(section), pos)
        fields.append((fid, list(section[pos:pos + length])))
        pos += length
    return fields


def confirm_fields(reply_body):
    nonce = mox_ref.from_groups(next(v for fid, v in parse_fields(reply_body) if fid == 0))
    return [(0x00, groups(nonce, 4)), (0x08, groups(digest(reply_body), 2))]
