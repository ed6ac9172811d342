#!/usr/bin/env python3
"""An executable reading of spec/mox.md chapter 15 (receiver processing).

Written from the specification text only (not from the Rust code), as a check that the text
is complete enough to implement: `check_examples.py` runs the worked outcomes of §15.8
through it. Python 3 standard library only. Not a product: no performance, no streaming.

Requirement ids in comments say which paragraph a line implements.
"""

import struct

BROADCAST = 0x0FFFFFFF
RESERVED_IDS = range(0x0FFFFF00, 0x0FFFFFFF)  # 0x0FFFFF00 ..= 0x0FFFFFFE
REQUEST_ID = 449 << 3  # MOX-FLD-050: id 48 38


class Fail(Exception):
    """A failed check, with its class (§15.4)."""

    def __init__(self, cls, field_id=None):
        super().__init__(cls)
        self.cls = cls
        self.field_id = field_id


# --- §4.7 --------------------------------------------------------------------------------

def crc14_darc(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x2804 if crc & 1 else crc >> 1
    return crc


# --- §1.3, §6.1 --------------------------------------------------------------------------

def u_groups(value, n):
    """n 7-bit groups, least significant first (§1.3)."""
    return [(value >> (7 * i)) & 0x7F for i in range(n)]


def from_groups(data):
    v = 0
    for i, b in enumerate(data):
        v |= b << (7 * i)
    return v


def encode_varint(n):
    assert 0 <= n <= 262143
    out = []
    while True:
        b = n & 0x3F
        n >>= 6
        if n:
            out.append(b | 0x40)
        else:
            out.append(b)
            return out


def decode_varint(data, pos, end=None):
    """MOX-FLD-001. Raises Fail('overrun') when the bytes run out (the caller names it)."""
    if end is None:
        end = len(data)
    value = 0
    for i in range(3):
        if pos >= end:
            raise Fail("overrun")
        b = data[pos]
        pos += 1
        if i == 2 and b & 0x40:
            raise Fail("varint-too-long")
        if i >= 1 and b == 0:
            raise Fail("varint-overlong")
        value |= (b & 0x3F) << (6 * i)
        if not b & 0x40:
            return value, pos
    raise AssertionError("unreachable")


# --- §6.4 Mcoded7 ------------------------------------------------------------------------

def mcoded7_encode(data):
    out = []
    for g in range(0, len(data), 7):
        group = data[g:g + 7]
        hdr = 0
        for j, b in enumerate(group):
            if b & 0x80:
                hdr |= 1 << (6 - j)
        out.append(hdr)
        out.extend(b & 0x7F for b in group)
    return out


def mcoded7_decode(packed):
    """Strict: raises Fail('bad-field-length') for L mod 8 = 1, 'value-out-of-range' for a
    header bit naming an absent byte (§6.4)."""
    if len(packed) % 8 == 1:
        raise Fail("bad-field-length")
    out = bytearray()
    for g in range(0, len(packed), 8):
        group = packed[g:g + 8]
        hdr, data = group[0], group[1:]
        for j in range(len(data), 7):
            if hdr & (1 << (6 - j)):
                raise Fail("value-out-of-range")
        for j, b in enumerate(data):
            out.append(b | (0x80 if hdr & (1 << (6 - j)) else 0))
    return bytes(out)


# --- §15.2 the receiver description ------------------------------------------------------

class FieldDef:
    def __init__(self, d):
        self.id = d["id"]
        self.type = d["type"]
        self.added = d.get("added", 0)
        self.min = d.get("min")
        self.max = d.get("max")
        self.values = d.get("values")
        self.max_len = d.get("max_len")
        self.repeated = d.get("repeated", False)
        self.fields = [FieldDef(f) for f in d.get("fields", [])]

    def __eq__(self, other):
        return self.__dict__ == other.__dict__


class Receiver:
    def __init__(self):
        self.node_id = 0
        self.max_fields = 64
        self.max_depth = 4
        self.max_transfers = 4
        self.max_transfer_bytes = 1024
        self.stale_ms = 3000
        self.extensions = {}

    @classmethod
    def from_json(cls, d):
        r = cls()
        r.node_id = d["node_id"]
        limits = d.get("limits", {})
        r.max_fields = limits.get("max_fields", 64)   # MOX-RCV-013
        r.max_depth = limits.get("max_depth", 4)
        r.max_transfers = limits.get("max_transfers", 4)
        r.max_transfer_bytes = limits.get("max_transfer_bytes", 1024)
        r.stale_ms = limits.get("stale_ms", 3000)
        for e in d["extensions"]:
            majors = {}
            for m in e["majors"]:
                msgs = {t["type"]: [FieldDef(f) for f in t["fields"]] for t in m["messages"]}
                majors[m["major"]] = (m["minor"], msgs)
            r.extensions[(tuple(e["owner"]), e["number"])] = majors
        return r


# --- chapter 15 --------------------------------------------------------------------------

class Result:
    def __init__(self, outcome, cls=None, reply=None, fields=None, reply_field=None):
        self.outcome = outcome
        self.cls = cls
        self.reply = reply            # the reply code the pipeline calls for, if eligible
        self.fields = fields
        self.reply_field = reply_field

    def __repr__(self):
        return "Result(%s, %s, %s)" % (self.outcome, self.cls, self.reply)


class Header:
    pass


def parse_header(body, hdr_byte):
    """MOX-SYX-022 / MOX-RCV-025: owner, number, major, minor, type, ids."""
    h = Header()
    h.h = bool(hdr_byte & 4)
    h.a = bool(hdr_byte & 2)
    pos = 1
    if pos >= len(body):
        raise Fail("truncated-header")
    if body[pos] == 0:
        if pos + 3 > len(body):
            raise Fail("truncated-header")
        h.owner = tuple(body[pos:pos + 3])
        pos += 3
    else:
        h.owner = (body[pos],)
        pos += 1
    try:
        h.number, pos = decode_varint(body, pos)
    except Fail as e:
        raise Fail("truncated-header" if e.cls == "overrun" else e.cls)
    if pos + 3 > len(body):
        raise Fail("truncated-header")
    h.major, h.minor, h.type = body[pos], body[pos + 1], body[pos + 2]
    pos += 3
    h.src = h.dst = None
    if h.a:
        if pos + 8 > len(body):
            raise Fail("truncated-header")
        h.src = from_groups(body[pos:pos + 4])
        h.dst = from_groups(body[pos + 4:pos + 8])
        pos += 8
    h.end = pos
    return h


def eligible(h, rx):
    """MOX-ERR-020, items 1-4 (item 5: the caller has a parsed header)."""
    if not h.a or h.dst != rx.node_id:
        return False
    if h.src == BROADCAST or h.src in RESERVED_IDS:
        return False
    if h.owner == (0x7E,) and h.number == 0 and h.type == 0x01:
        return False
    return True


INT_WIDTH = {"u7": 1, "u14": 2, "u21": 3, "u28": 4, "i7": 1, "i14": 2, "i21": 3, "i28": 4}


def check_value(d, value):
    """§6.4 / MOX-FLD-030. Returns (known, decoded)."""
    t, n = d.type, len(value)
    if t in INT_WIDTH:
        if n != INT_WIDTH[t]:
            raise Fail("bad-field-length", d.id)
        v = from_groups(value)
        if t[0] == "i" and v >= 1 << (7 * n - 1):
            v -= 1 << (7 * n)
        if (d.min is not None and v < d.min) or (d.max is not None and v > d.max):
            raise Fail("value-out-of-range", d.id)
        return True, v
    if t == "bool":
        if n != 1:
            raise Fail("bad-field-length", d.id)
        if value[0] > 1:
            raise Fail("value-out-of-range", d.id)
        return True, bool(value[0])
    if t == "enum7":
        if n != 1:
            raise Fail("bad-field-length", d.id)
        return (value[0] in (d.values or [])), value[0]   # MOX-FLD-031
    if t in ("text7", "bytes7"):
        if d.max_len is not None and n > d.max_len:
            raise Fail("bad-field-length", d.id)
        if t == "text7" and any(b < 0x20 or b == 0x7F for b in value):
            raise Fail("value-out-of-range", d.id)
        return True, bytes(value)
    if t in ("utf8", "bytes", "f32"):
        if (t == "f32" and n != 5) or n % 8 == 1:
            raise Fail("bad-field-length", d.id)
        unpacked_len = n - (n + 7) // 8           # every length check before any value check
        if d.max_len is not None and t != "f32" and unpacked_len > d.max_len:
            raise Fail("bad-field-length", d.id)
        try:
            data = mcoded7_decode(value)
        except Fail as e:
            raise Fail(e.cls, d.id)
        if t == "utf8":
            try:
                return True, data.decode("utf-8")
            except UnicodeDecodeError:
                raise Fail("value-out-of-range", d.id)
        if t == "f32":
            return True, struct.unpack(">f", data)[0]
        return True, data
    raise AssertionError("unknown type " + t)


class Counter:
    def __init__(self):
        self.n = 0


def parse_section(data, defs, depth, minor, rx, count, out_unknown):
    """§15.6. Returns a list of (id, known, value-or-raw)."""
    fields = []
    seen = set()
    pos = 0
    while pos < len(data):
        if count.n == rx.max_fields:
            raise Fail("too-many-fields")
        try:
            fid, p = decode_varint(data, pos)
            length, p = decode_varint(data, p)
        except Fail as e:
            raise Fail("field-overrun" if e.cls == "overrun" else e.cls)
        if p + length > len(data):
            raise Fail("field-overrun")
        value = data[p:p + length]
        pos = p + length
        count.n += 1
        d = next((f for f in defs if f.id == fid and f.added <= minor), None)
        if d is None and depth == 0 and fid == REQUEST_ID:
            d = FieldDef({"id": REQUEST_ID, "type": "u14", "added": 0})
        if d is None:
            fields.append((fid, False, bytes(value)))
            out_unknown.append(fid)
            continue
        if not d.repeated and fid in seen:
            raise Fail("duplicate-field", fid)
        if d.type == "record":
            if depth + 1 > rx.max_depth:
                raise Fail("record-too-deep", fid)
            known, decoded = True, parse_section(value, d.fields, depth + 1, minor, rx, count,
                                                 out_unknown)
        else:
            known, decoded = check_value(d, value)
        if not d.repeated:
            seen.add(fid)
        if known:
            fields.append((fid, True, decoded))
        else:
            fields.append((fid, False, bytes(value)))
            out_unknown.append(fid)
    return fields


def process_body(body, rx, chunks=None, link=None, now=0):
    """§15.3 steps 2-10. `chunks` keeps the reassembly state between units."""
    if len(body) == 0:
        return Result("malformed", "truncated-header")                  # MOX-RCV-022
    hdr = body[0]
    if (hdr >> 5) & 3 != 0:
        return Result("ignored", "unknown-format")
    if hdr & 1:                                                           # MOX-RCV-023
        if len(body) < 3 or crc14_darc(body[:-2]) != body[-2] | (body[-1] << 7):
            return Result("discarded", "bad-check")
        body = body[:-2]
    if hdr & 0x18:                                                        # MOX-RCV-024
        try:
            h = parse_header(body, hdr)
            reply = 0x07 if eligible(h, rx) else None
        except Fail:
            reply = None
        return Result("malformed", "reserved-bit-set", reply)
    try:
        h = parse_header(body, hdr)                                       # MOX-RCV-025
    except Fail as e:
        return Result("malformed", e.cls)
    if h.a and h.dst not in (rx.node_id, BROADCAST):                      # MOX-RCV-026
        return Result("other-destination")
    ok = eligible(h, rx)

    def reply(code):
        return code if ok else None

    majors = rx.extensions.get((h.owner, h.number))                       # MOX-RCV-027
    if majors is None:
        return Result("rejected", "unsupported-extension", reply(0x05))
    if h.major not in majors:
        return Result("rejected", "unsupported-version", reply(0x02))
    _minor, msgs = majors[h.major]
    if h.type not in msgs:
        return Result("rejected", "unsupported-message-type",
                      reply(0x01) if h.type & 0x40 else None)
    section = body[h.end:]
    if h.h:                                                               # step 7, §15.5
        chunks = chunks if chunks is not None else Reassembler(rx)
        cls, section = chunk_step(body, h, chunks, link, now)
        if section is None:
            return Result("consumed", cls, reply(CHUNK_CODES.get(cls)))
    unknown = []
    try:
        fields = parse_section(section, msgs[h.type], 0, h.minor, rx, Counter(), unknown)
    except Fail as e:                                                     # step 8
        return Result("malformed", e.cls,
                      reply(0x08 if e.cls == "value-out-of-range" else 0x41), None, e.field_id)
    for fid in unknown:                                                   # MOX-RCV-070
        if fid & 1:
            return Result("dropped", "unknown-critical-field",
                          reply(0x06) if fid & 2 else None, None, fid)
    for fid in unknown:                                                   # MOX-RCV-071
        if fid & 2:
            return Result("delivered", None, reply(0x24), fields, fid)
    return Result("delivered", None, None, fields)


def receive_sysex(unit, rx, chunks=None, link=None, now=0):
    """Step 1 for SysEx (MOX-SYX-005), then the body."""
    u = bytes(unit)
    if len(u) < 2 or u[0] != 0xF0 or u[-1] != 0xF7:
        return Result("not-mox")
    if any(b > 0x7F for b in u[1:-1]):
        return Result("not-mox", "not-seven-bit")
    inner = u[1:-1]
    if not inner or inner[0] in (0x7E, 0x7F):
        return Result("not-mox")
    carrier_len = 3 if inner[0] == 0 else 1
    if len(inner) < carrier_len or inner[carrier_len:carrier_len + 3] != b"MOX":
        return Result("not-mox")
    return process_body(inner[carrier_len + 3:], rx, chunks, link, now)


def receive_osc_message(msg, rx, chunks=None, link=None, now=0):
    """Step 1 and 1a for one OSC message (MOX-OSC-004 to -006)."""
    m = bytes(msg)

    def osc_string(pos):
        end = m.find(b"\0", pos)
        if end < 0:
            raise Fail("unterminated-string")
        nxt = (end + 4) & ~3
        if nxt > len(m) or any(m[end:nxt]):
            raise Fail("nonzero-padding")
        return m[pos:end], nxt

    try:
        address, pos = osc_string(0)
        if address != b"/mox":
            return Result("not-mox")
        if pos >= len(m) or m[pos:pos + 1] != b",":
            return Result("not-mox")
        tags, pos = osc_string(pos)
        if len(tags) < 2 or tags[1:2] != b"b":
            return Result("not-mox")
        if pos + 4 > len(m):
            raise Fail("truncated")
        size = struct.unpack(">i", m[pos:pos + 4])[0]
        pos += 4
        if size < 0:
            raise Fail("bad-blob-size")
        pad_end = pos + size + (-size % 4)
        if pad_end > len(m):
            raise Fail("truncated")
        if any(m[pos + size:pad_end]):
            raise Fail("nonzero-padding")
    except Fail as e:
        return Result("not-mox", e.cls)
    blob = m[pos:pos + size]
    if any(b > 0x7F for b in blob):
        return Result("malformed", "not-seven-bit")
    return process_body(blob, rx, chunks, link, now)


# --- step 7: chunks (§15.5, chapter 11) ----------------------------------------------------

CHUNK_CODES = {  # MOX-ERR-031
    "chunk-out-of-sequence": 0x21, "chunk-missing": 0x22, "transfer-timed-out": 0x23,
    "chunk-conflicting": 0x25, "chunk-length-mismatch": 0x0C, "chunk-count-mismatch": 0x0D,
    "transfer-too-large": 0x09, "too-many-transfers": 0x44, "chunk-truncated": 0x41,
}


class Transfer:
    pass


class Reassembler:
    """Chapter 11 §11.5 with the envelope's key and header rules (MOX-SYX-072)."""

    def __init__(self, rx):
        self.max_transfers = rx.max_transfers
        self.max_bytes = rx.max_transfer_bytes
        self.stale_ms = rx.stale_ms
        self.transfers = {}

    def stale(self, t, now):
        if now < t.last:              # MOX-CHK-041: the clock went back
            t.last = now
            return False
        return now - t.last > self.stale_ms

    def start(self, key, header, total, payload, now, ok_class):
        # MOX-RCV-053: length, then size, then slots.
        length = len(payload)
        if length == 0:
            return "chunk-length-mismatch", None
        if length > self.max_bytes or (total and (total - 1) * length > self.max_bytes):
            return "transfer-too-large", None
        if len(self.transfers) >= self.max_transfers:
            for k in [k for k, t in self.transfers.items() if self.stale(t, now)]:
                del self.transfers[k]
            if len(self.transfers) >= self.max_transfers:
                return "too-many-transfers", None
        t = Transfer()
        t.header, t.total, t.length = header, total, length
        t.chunks = [(header, total, bytes(payload))]
        t.data = bytearray(payload)
        t.expected = 2
        t.last = now
        self.transfers[key] = t
        return ok_class, None

    def chunk(self, key, header, total, number, payload, now):
        t = self.transfers.get(key)
        if number == 0:                                                   # rule 1
            self.transfers.pop(key, None)
            return "transfer-abandoned", None
        if number == 1 and total == 1:                                    # rule 2
            if len(payload) > self.max_bytes:
                return "transfer-too-large", None
            return "transfer-complete", bytes(payload)
        if t is not None and self.stale(t, now):                          # rule 3
            del self.transfers[key]
            if number >= 2:
                return "transfer-timed-out", None
            t = None
        if t is None:
            if number >= 2:                                               # rule 4
                return "chunk-out-of-sequence", None
            return self.start(key, header, total, payload, now, "chunk-accepted")  # rule 5
        if number < t.expected:
            if t.chunks[number - 1] == (header, total, bytes(payload)):   # rule 6
                return "chunk-duplicate", None
            del self.transfers[key]
            if number == 1:                                               # rule 7
                return self.start(key, header, total, payload, now, "transfer-restarted")
            return "chunk-conflicting", None                              # rule 8
        if number > t.expected:                                           # rule 9
            del self.transfers[key]
            return "chunk-missing", None
        # rule 10, MOX-RCV-053: header, total, length, size.
        if header != t.header:
            del self.transfers[key]
            return "chunk-conflicting", None
        last = total != 0 and number == total
        if t.total != 0:
            total_ok = total == t.total
        else:
            total_ok = total == 0 or total == number
        if not total_ok or (t.total == 0 and not last and number == 16383):
            del self.transfers[key]
            return "chunk-count-mismatch", None
        if (not last and len(payload) != t.length) or (last and len(payload) > t.length):
            del self.transfers[key]
            return "chunk-length-mismatch", None
        if len(t.data) + len(payload) > self.max_bytes:
            del self.transfers[key]
            return "transfer-too-large", None
        t.data += payload
        t.chunks.append((header, total, bytes(payload)))
        t.expected += 1
        t.last = now
        if last:
            del self.transfers[key]
            return "transfer-complete", bytes(t.data)
        return "chunk-accepted", None


def chunk_step(body, h, chunks, link, now):
    """MOX-RCV-050..052: returns (class, field section or None)."""
    cb = body[h.end:]
    if len(cb) < 7:
        return "chunk-truncated", None
    tid = cb[0]
    total, number, length = from_groups(cb[1:3]), from_groups(cb[3:5]), from_groups(cb[5:7])
    if len(cb) < 7 + length:
        return "chunk-truncated", None
    if total != 0 and number > total:
        return "chunk-count-mismatch", None
    payload = cb[7:7 + length]
    key = (("node", h.src) if h.a else ("link", link), tid)
    header = bytes([body[0] & 0x7E]) + bytes(body[1:h.end])   # the header without K
    return chunks.chunk(key, header, total, number, payload, now)
