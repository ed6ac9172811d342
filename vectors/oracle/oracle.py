"""An independent oracle for the MOX envelope, written from spec/mox.md alone.

Python 3 standard library only. It implements the parts of the specification that decide
what a receiver makes of one unit: the SysEx binding (chapter 4), the OSC binding (chapter 5),
field encoding (chapter 6), versioning rules (chapter 7), errors and eligibility (chapter 9),
chunking (chapter 11 with the SysEx H=1 rules of section 4.8), pass-through bridges
(chapter 13) and the receiver pipeline (chapter 15).

Nothing here knows the vector file format; `run.py` adapts. Every decision the spec left
open is marked `A<n>:`, numbered as in AMBIGUITIES.md part A.

Results are plain dicts:

    {"outcome": "delivered" | "not-mox" | ...,   # chapter 15.4 outcome names
     "class":   None | "truncated-header" | ...,  # chapter 15.4 class names
     "reply":   None | {"code": int, "field": None | int},   # what the pipeline calls for
     "header":  None | Header dict,               # once step 4a parsed it
     "fields":  None | [Field dict],              # only for "delivered"
     "carrier": None | bytes}                     # SysEx only
"""

# --------------------------------------------------------------------------- constants

SIGNATURE = b"MOX"                  # MOX-SYX-001: 4D 4F 58
BROADCAST = 0x0FFFFFFF              # MOX-SYX-051
RESERVED_IDS = range(0x0FFFFF00, 0x0FFFFFFF)   # 0x0FFFFF00..0x0FFFFFFE, MOX-SYX-051
REQUEST_ID_FIELD = 449 << 3         # 3592, wire bytes 48 38, MOX-FLD-050
OSC_BLOB_LIMIT = 65536              # §12 table: the reference OSC layer's default blob limit

DEFAULT_LIMITS = {                  # MOX-RCV-013
    "max_fields": 64,
    "max_depth": 4,
    "max_transfers": 4,
    "max_transfer_bytes": 1024,
    "stale_ms": 3000,
}

# MOX-ERR-031 and the §15.3 table: class -> reply code (chunk classes and step-8 classes).
CHUNK_REPLY = {
    "chunk-out-of-sequence": 0x21,
    "chunk-missing": 0x22,
    "transfer-timed-out": 0x23,
    "chunk-conflicting": 0x25,
    "chunk-length-mismatch": 0x0C,
    "chunk-count-mismatch": 0x0D,
    "transfer-too-large": 0x09,
    "too-many-transfers": 0x44,
    "chunk-truncated": 0x41,
}

SCALAR_WIDTH = {"u7": 1, "u14": 2, "u21": 3, "u28": 4,
                "i7": 1, "i14": 2, "i21": 3, "i28": 4,
                "bool": 1, "enum7": 1, "f32": 5}


class Fail(Exception):
    """A step failed with a class; `field` is the offending field id where one exists."""

    def __init__(self, cls, field=None):
        super().__init__(cls)
        self.cls = cls
        self.field = field


# --------------------------------------------------------------------------- primitives

def crc14_darc(data):
    """CRC-14/DARC, the bitwise reflected algorithm of §4.7."""
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x2804 if crc & 1 else crc >> 1
    return crc


def read_varint(buf, pos, end_cls):
    """v7 varint of §6.1 at buf[pos:]; returns (value, new_pos, raw bytes).

    `end_cls` is the class when the bytes run out (MOX-SYX-022: truncated-header in the
    header; MOX-FLD-021: field-overrun in a field section)."""
    value = 0
    start = pos
    for i in range(3):
        if pos >= len(buf):
            raise Fail(end_cls)
        b = buf[pos]
        pos += 1
        if i == 2 and b & 0x40:
            raise Fail("varint-too-long")
        if i >= 1 and b == 0x00:
            raise Fail("varint-overlong")
        value |= (b & 0x3F) << (6 * i)
        if not b & 0x40:
            return value, pos, bytes(buf[start:pos])
    raise AssertionError("unreachable: the third byte always returns or fails")


def encode_varint(value):
    """Minimal v7 varint (MOX-FLD-002); used to show field ids as on the wire."""
    out = bytearray()
    while True:
        if value < 0x40:
            out.append(value)
            return bytes(out)
        out.append(0x40 | (value & 0x3F))
        value >>= 6


def groups7(data):
    """Unsigned value of 7-bit groups, least significant group first (§1.3)."""
    v = 0
    for i, b in enumerate(data):
        v |= b << (7 * i)
    return v


def mcoded7_unpack(packed):
    """Mcoded7 of §6.4. Returns the 8-bit bytes, or raises Fail(value-out-of-range) when a
    header bit for an absent byte is set. Lengths with L mod 8 = 1 are rejected earlier."""
    out = bytearray()
    pos = 0
    while pos < len(packed):
        header = packed[pos]
        group = packed[pos + 1:pos + 8]
        k = len(group)
        for j in range(k, 7):
            if header & (1 << (6 - j)):
                raise Fail("value-out-of-range")
        for j, b in enumerate(group):
            out.append(b | (0x80 if header & (1 << (6 - j)) else 0))
        pos += 8
    return bytes(out)


def osc_pad(n):
    return (4 - n % 4) % 4


# --------------------------------------------------------------------------- description

def normalise_receiver(desc):
    """Accept a §15.2 receiver description (owner as a list of bytes) or the vectors' form
    (owner as hex). Returns a dict with `node_id`, `limits` (defaults filled) and
    `extensions` keyed by (owner bytes, number) -> {major: {"minor", "types": {type: defs}}}."""
    limits = dict(DEFAULT_LIMITS)
    limits.update(desc.get("limits") or {})
    exts = {}
    for ext in desc.get("extensions", []):
        owner = ext["owner"]
        owner = bytes.fromhex(owner) if isinstance(owner, str) else bytes(owner)
        majors = {}
        for m in ext["majors"]:
            majors[m["major"]] = {
                "minor": m.get("minor", 0),
                "types": {md["type"]: md.get("fields", []) for md in m.get("messages", [])},
            }
        exts[(owner, ext["number"])] = majors
    return {"node_id": desc["node_id"], "limits": limits, "extensions": exts}


def find_def(defs, fid, minor):
    """MOX-RCV-010: a definition with this id (flags included) and added <= minor."""
    for d in defs:
        if d["id"] == fid and d.get("added", 0) <= minor:
            return d
    return None


# --------------------------------------------------------------------------- header

def parse_header(body):
    """Step 4a (MOX-RCV-025, MOX-SYX-022): body is already without its CRC.
    Returns (header dict, offset of the field section or chunk body)."""
    hdr = body[0]
    pos = 1
    if pos >= len(body):
        raise Fail("truncated-header")
    if body[pos] == 0x00:                      # MOX-SYX-030: 00 xx yy
        if pos + 3 > len(body):
            raise Fail("truncated-header")
        owner = bytes(body[pos:pos + 3])
        pos += 3
    else:
        owner = bytes(body[pos:pos + 1])
        pos += 1
    number, pos, _ = read_varint(body, pos, "truncated-header")
    if pos + 3 > len(body):
        raise Fail("truncated-header")
    major, minor, mtype = body[pos], body[pos + 1], body[pos + 2]
    pos += 3
    a = bool(hdr & 0x02)
    src = dst = None
    if a:
        if pos + 8 > len(body):
            raise Fail("truncated-header")
        src = groups7(body[pos:pos + 4])
        dst = groups7(body[pos + 4:pos + 8])
        pos += 8
    header = {
        "byte": hdr, "H": bool(hdr & 0x04), "A": a, "K": bool(hdr & 0x01),
        "owner": owner, "number": number, "major": major, "minor": minor, "type": mtype,
        "src": src, "dst": dst,
        # the header bytes with K cleared, for chunk comparisons (MOX-RCV-054)
        "cmp": bytes([hdr & ~0x01]) + bytes(body[1:pos]),
    }
    return header, pos


def is_error_message(h):
    """MOX-ERR-011: any message of mox.core type 01 (A9: any major, header only)."""
    return h["owner"] == b"\x7e" and h["number"] == 0 and h["type"] == 0x01


def eligible(h, rx):
    """MOX-ERR-020 items 1-4; item 5 (header parsed) is the caller's: h exists."""
    if h is None or not h["A"]:
        return False
    if h["dst"] != rx["node_id"]:
        return False
    if h["src"] == BROADCAST or h["src"] in RESERVED_IDS:
        return False
    return not is_error_message(h)


def result(outcome, cls=None, reply=None, header=None, fields=None):
    return {"outcome": outcome, "class": cls, "reply": reply, "header": header,
            "fields": fields, "carrier": None}


def reply_if(h, rx, code, field=None):
    if code is None or not eligible(h, rx):
        return None
    return {"code": code, "field": field}


# --------------------------------------------------------------------------- field section

def check_length(d, value):
    """MOX-FLD-024/-030 length rules; raises bad-field-length."""
    t = d["type"]
    n = len(value)
    if t in SCALAR_WIDTH:
        if n != SCALAR_WIDTH[t]:
            raise Fail("bad-field-length")
    elif t in ("text7", "bytes7"):
        if "max_len" in d and n > d["max_len"]:
            raise Fail("bad-field-length")
    elif t in ("utf8", "bytes"):
        if n % 8 == 1:
            raise Fail("bad-field-length")
        unpacked = n - (n + 7) // 8
        if "max_len" in d and unpacked > d["max_len"]:
            raise Fail("bad-field-length")
    elif t == "record":
        pass
    else:
        raise ValueError("unknown field type in the description: %r" % t)


def check_value(d, value):
    """MOX-FLD-025/-030/-033 value rules; returns the decoded value or raises
    value-out-of-range. Called only after the length passed."""
    t = d["type"]
    if t[0] in "ui" and t[1:].isdigit():
        raw = groups7(value)
        if t[0] == "i":
            n = 7 * len(value)
            if raw >= 1 << (n - 1):
                raw -= 1 << n
        if "min" in d and raw < d["min"]:
            raise Fail("value-out-of-range")
        if "max" in d and raw > d["max"]:
            raise Fail("value-out-of-range")
        return raw
    if t == "bool":
        if value[0] > 1:
            raise Fail("value-out-of-range")
        return bool(value[0])
    if t == "text7":
        if any(b < 0x20 or b == 0x7F for b in value):
            raise Fail("value-out-of-range")
        return value.decode("ascii")
    if t == "bytes7":
        return bytes(value)
    if t == "bytes":
        return mcoded7_unpack(value)
    if t == "utf8":
        data = mcoded7_unpack(value)
        try:
            return data.decode("utf-8", errors="strict")   # rejects overlongs, surrogates
        except UnicodeDecodeError:
            raise Fail("value-out-of-range")
    if t == "f32":
        if value[0] & 0x07:                     # header bits 2-0: absent bytes 4-6
            raise Fail("value-out-of-range")
        return mcoded7_unpack(value)            # the 4 bytes, big-endian; never range-checked
    if t == "enum7":
        return value[0]
    raise ValueError("unknown field type in the description: %r" % t)


class FieldParser:
    """The procedure of §15.6, with one field counter for the whole message."""

    def __init__(self, limits, minor):
        self.max_fields = limits["max_fields"]
        self.max_depth = limits["max_depth"]
        self.minor = minor
        self.count = 0
        self.unknown = []          # unknown fields in the order emitted (step 9)

    def section(self, buf, defs, depth):
        seen = set()
        out = []
        pos = 0
        while pos < len(buf):
            if self.count == self.max_fields:
                raise Fail("too-many-fields")
            fid, pos, _ = read_varint(buf, pos, "field-overrun")
            length, pos, _ = read_varint(buf, pos, "field-overrun")
            if pos + length > len(buf):
                raise Fail("field-overrun")
            value = bytes(buf[pos:pos + length])
            pos += length
            self.count += 1
            d = find_def(defs, fid, self.minor)
            if d is None and depth == 0 and fid == REQUEST_ID_FIELD:
                d = {"id": REQUEST_ID_FIELD, "type": "u14", "added": 0}
            if d is None:
                out.append(self._unknown(fid, value))
                continue
            if not d.get("repeated", False):
                if fid in seen:
                    raise Fail("duplicate-field", fid)
                seen.add(fid)
            try:
                check_length(d, value)
            except Fail as e:
                raise Fail(e.cls, fid)
            if d["type"] == "record":
                if depth + 1 > self.max_depth:
                    raise Fail("record-too-deep", fid)
                # A7: a failure inside names the inner field (its Fail carries that id)
                nested = self.section(value, d.get("fields", []), depth + 1)
                out.append({"id": fid, "known": True, "raw": value, "value": None,
                            "fields": nested})
            elif d["type"] == "enum7" and value[0] not in d.get("values", []):
                out.append(self._unknown(fid, value))        # MOX-FLD-031
            else:
                try:
                    decoded = check_value(d, value)
                except Fail as e:
                    raise Fail(e.cls, fid)
                out.append({"id": fid, "known": True, "raw": value, "value": decoded,
                            "fields": None})
        return out

    def _unknown(self, fid, value):
        f = {"id": fid, "known": False, "raw": value, "value": None, "fields": None}
        self.unknown.append(f)
        return f


def steps_8_to_10(h, section, defs, rx):
    """Steps 8, 9 and 10 for a message with header h and this field section."""
    parser = FieldParser(rx["limits"], h["minor"])
    try:
        fields = parser.section(section, defs, 0)
    except Fail as e:
        if e.cls == "value-out-of-range":
            return result("malformed", e.cls, reply_if(h, rx, 0x08, e.field), h)
        # A6: reply 41 names no field (field 4 is optional for 41)
        return result("malformed", e.cls, reply_if(h, rx, 0x41), h)
    for f in parser.unknown:                         # step 9, MOX-RCV-070
        if f["id"] & 1:
            code = 0x06 if f["id"] & 2 else None
            return result("dropped", "unknown-critical-field",
                          reply_if(h, rx, code, f["id"]), h)
    reply = None                                     # step 10, MOX-RCV-071
    for f in parser.unknown:
        if f["id"] & 2:                              # C=0 here, R=1
            reply = reply_if(h, rx, 0x24, f["id"])
            break
    return result("delivered", None, reply, h, fields)


# --------------------------------------------------------------------------- chunks (§15.5)

class Reassembler:
    """Chapter 11 receiver state, keyed by transfer key (MOX-SYX-072)."""

    def __init__(self, limits):
        self.max_transfers = limits["max_transfers"]
        self.max_bytes = limits["max_transfer_bytes"]   # A8: field-section bytes
        self.stale_ms = limits["stale_ms"]
        self.transfers = {}        # key -> transfer dict

    def _stale(self, t, now):
        return now - t["last"] > self.stale_ms  # A22: "longer than the stale timeout"

    def _start(self, key, h, total, payload, now):
        """Rules 5 and 7: the checks of MOX-RCV-053, in order; returns a class."""
        L = len(payload)
        if L == 0:
            return "chunk-length-mismatch"
        if L > self.max_bytes or (total and (total - 1) * L > self.max_bytes):
            return "transfer-too-large"
        if len(self.transfers) >= self.max_transfers:     # A11: reclaim, as MOX-RCV-053
            for k in [k for k, t in self.transfers.items() if self._stale(t, now)]:
                del self.transfers[k]           # MOX-CHK-039: reclaim stale slots
            if len(self.transfers) >= self.max_transfers:
                return "too-many-transfers"
        self.transfers[key] = {"header": h["cmp"], "total": total, "L": L, "expected": 2,
                               "chunks": [(total, payload)], "data": bytearray(payload),
                               "last": now, "first_header": h}
        return None

    def chunk(self, key, h, total, number, payload, now):
        """Apply §11.5's rules in order. Returns ("consumed", class) or
        ("complete", first header, field section)."""
        for other in self.transfers.values():
            if now < other["last"]:     # MOX-CHK-041, A12: every transfer
                other["last"] = now
        t = self.transfers.get(key)
        if number == 0:                                          # rule 1
            self.transfers.pop(key, None)
            return ("consumed", "transfer-abandoned")
        if number == 1 and total == 1:                           # rule 2
            if len(payload) > self.max_bytes:                    # MOX-RCV-054
                return ("consumed", "transfer-too-large")
            return ("complete", h, payload)
        if t is not None and self._stale(t, now):                # rule 3
            del self.transfers[key]
            t = None
            if number >= 2:
                return ("consumed", "transfer-timed-out")
        if t is None:
            if number >= 2:                                      # rule 4
                return ("consumed", "chunk-out-of-sequence")
            cls = self._start(key, h, total, payload, now)       # rule 5
            return ("consumed", cls or "chunk-accepted")
        if number < t["expected"]:
            stored_total, stored_payload = t["chunks"][number - 1]
            same = (h["cmp"] == t["header"] and total == stored_total
                    and payload == stored_payload)
            if same:                                             # rule 6
                return ("consumed", "chunk-duplicate")           # timer untouched
            if number == 1:                                      # rule 7
                del self.transfers[key]         # A10: discarded even if the start fails
                cls = self._start(key, h, total, payload, now)
                return ("consumed", cls or "transfer-restarted")
            del self.transfers[key]                              # rule 8
            return ("consumed", "chunk-conflicting")
        if number > t["expected"]:                               # rule 9
            del self.transfers[key]
            return ("consumed", "chunk-missing")
        # rule 10: the expected number; checks of MOX-RCV-053 in order
        if h["cmp"] != t["header"]:
            del self.transfers[key]
            return ("consumed", "chunk-conflicting")
        last = total != 0 and total == number
        if t["total"] != 0:
            ok = total == t["total"]
        else:
            ok = total == 0 or total == number
        if not ok or (total == 0 and number >= 16383):
            del self.transfers[key]
            return ("consumed", "chunk-count-mismatch")
        if (not last and len(payload) != t["L"]) or (last and len(payload) > t["L"]):
            del self.transfers[key]
            return ("consumed", "chunk-length-mismatch")
        if len(t["data"]) + len(payload) > self.max_bytes:
            del self.transfers[key]
            return ("consumed", "transfer-too-large")
        t["data"] += payload
        t["chunks"].append((total, payload))
        t["expected"] += 1
        t["last"] = now
        if last:
            del self.transfers[key]
            return ("complete", t["first_header"], bytes(t["data"]))
        return ("consumed", "chunk-accepted")


def step_7(h, rest, rx, reasm, now, link):
    """§15.5 for one H=1 unit. Returns a final result (consumed) or ("complete", h, bytes)."""
    if len(rest) < 7:                       # A13: before the abandon rule
        cls = "chunk-truncated"
    else:
        tid = rest[0]
        total = groups7(rest[1:3])
        number = groups7(rest[3:5])
        length = groups7(rest[5:7])
        if len(rest) < 7 + length:
            cls = "chunk-truncated"
        elif total != 0 and number > total:
            cls = "chunk-count-mismatch"                         # MOX-CHK-013
        else:
            cls = None
    if cls is not None:
        return result("consumed", cls, reply_if(h, rx, CHUNK_REPLY.get(cls)), h)
    payload = bytes(rest[7:7 + length])                          # MOX-CHK-003: rest ignored
    key = ("node", h["src"], tid) if h["A"] else ("link", link, tid)
    r = reasm.chunk(key, h, total, number, payload, now)
    if r[0] == "complete":
        return r
    return result("consumed", r[1], reply_if(h, rx, CHUNK_REPLY.get(r[1])), h)


# --------------------------------------------------------------------------- pipeline

def process_body(body, rx, reasm=None, now=0, link=None):
    """Steps 2 to 10 of §15.3 for a body (bytes after the signature, or the blob)."""
    # step 2
    if len(body) == 0:
        return result("malformed", "truncated-header")
    hdr = body[0]
    if (hdr >> 5) & 0x03:
        return result("ignored", "unknown-format")
    # step 3
    if hdr & 0x01:
        if len(body) < 3:
            return result("discarded", "bad-check")
        if crc14_darc(body[:-2]) != body[-2] | (body[-1] << 7):
            return result("discarded", "bad-check")
        body = body[:-2]
    # step 4 (MOX-RCV-024, MOX-ERR-022)
    if (hdr >> 3) & 0x03:
        try:
            h, _ = parse_header(bytes([hdr & ~0x18]) + bytes(body[1:]))
        except Fail:
            h = None
        return result("malformed", "reserved-bit-set", reply_if(h, rx, 0x07), None)
    # step 4a
    try:
        h, pos = parse_header(body)
    except Fail as e:
        return result("malformed", e.cls)
    rest = bytes(body[pos:])
    # step 5
    if h["A"] and h["dst"] != rx["node_id"] and h["dst"] != BROADCAST:
        return result("other-destination", None, None, h)
    # step 6
    majors = rx["extensions"].get((h["owner"], h["number"]))
    if majors is None:
        return result("rejected", "unsupported-extension", reply_if(h, rx, 0x05), h)
    major = majors.get(h["major"])
    if major is None:
        return result("rejected", "unsupported-version", reply_if(h, rx, 0x02), h)
    defs = major["types"].get(h["type"])
    if defs is None:
        code = 0x01 if h["type"] & 0x40 else None
        return result("rejected", "unsupported-message-type", reply_if(h, rx, code), h)
    # step 7
    if h["H"]:
        if reasm is None:
            raise ValueError("a chunk needs reassembler state")
        r = step_7(h, rest, rx, reasm, now, link)
        if isinstance(r, dict):
            return r
        _, h, rest = r                  # A14: a chunked error message is processed too
        # MOX-RCV-052: the first chunk's header; its type decides the definitions
        majors = rx["extensions"][(h["owner"], h["number"])]
        defs = majors[h["major"]]["types"][h["type"]]
    # steps 8-10
    return steps_8_to_10(h, rest, defs, rx)


def sysex_shape(unit):
    """Step 1 for SysEx (MOX-SYX-005): returns (carrier, body) or a not-mox result.
    A19: the unit is taken as given; a real-time byte inside it is not-seven-bit."""
    if len(unit) < 2 or unit[0] != 0xF0 or unit[-1] != 0xF7:
        return result("not-mox")
    inner = unit[1:-1]
    if any(b > 0x7F for b in inner):
        return result("not-mox", "not-seven-bit")
    if len(inner) == 0:
        return result("not-mox")
    if inner[0] in (0x7E, 0x7F):
        return result("not-mox")
    if inner[0] == 0x00:
        if len(inner) < 3:
            return result("not-mox")
        carrier, rest = inner[:3], inner[3:]
    else:
        carrier, rest = inner[:1], inner[1:]
    if bytes(rest[:3]) != SIGNATURE:
        return result("not-mox")
    return bytes(carrier), bytes(rest[3:])


def process_sysex(unit, rx, reasm=None, now=0, link="link"):
    """The whole pipeline for one SysEx unit."""
    shape = sysex_shape(unit)
    if isinstance(shape, dict):
        return shape
    carrier, body = shape
    r = process_body(body, rx, reasm, now, link)
    r["carrier"] = carrier
    return r


# --------------------------------------------------------------------------- OSC

def osc_string(buf, pos):
    """An OSC-string at pos: returns (bytes without NUL, position after padding) or
    raises Fail with the OSC layer's class."""
    end = buf.find(b"\x00", pos)
    if end < 0:
        raise Fail("unterminated-string")
    after = end + 1 + osc_pad(end + 1 - pos)
    if after > len(buf):
        raise Fail("truncated")        # A3: padding cut off by the end
    if any(buf[end + 1:after]):
        raise Fail("nonzero-padding")
    return buf[pos:end], after


def osc_address(msg):
    """The address for reporting: the bytes before the first NUL, as text."""
    end = msg.find(b"\x00")
    raw = msg if end < 0 else msg[:end]
    return raw.decode("latin-1")


def osc_mox_shape(msg):
    """Step 1 for OSC (MOX-OSC-004) on one OSC message: returns the blob (body) or a
    not-mox result. A message whose address is not /mox gets class None and
    `plain=True`: it is not a MOX candidate at all."""
    msg = bytes(msg)
    # A4: the address is the bytes before the first NUL; string validity comes after
    end = msg.find(b"\x00")
    addr = msg if end < 0 else msg[:end]
    if addr != b"/mox":
        r = result("not-mox")
        r["plain"] = True
        return r
    try:
        _, pos = osc_string(msg, 0)
    except Fail as e:
        return result("not-mox", e.cls)
    if pos >= len(msg) or msg[pos] != ord(","):
        return result("not-mox")                  # no type-tag string
    try:
        tags, pos = osc_string(msg, pos)
    except Fail as e:
        return result("not-mox", e.cls)
    if tags == b"," or tags[1:2] != b"b":
        return result("not-mox")
    if pos + 4 > len(msg):
        return result("not-mox", "truncated")
    size = int.from_bytes(msg[pos:pos + 4], "big", signed=True)
    pos += 4
    if size < 0:
        return result("not-mox", "bad-blob-size")
    if size > OSC_BLOB_LIMIT:
        return result("not-mox", "blob-too-large")
    if pos + size > len(msg):
        return result("not-mox", "truncated")
    blob = msg[pos:pos + size]      # A5: nothing after the blob's padding is read
    pad = msg[pos + size:pos + size + osc_pad(size)]
    if len(pad) < osc_pad(size):
        return result("not-mox", "truncated")     # A3
    if any(pad):
        return result("not-mox", "nonzero-padding")
    return blob


def process_osc_message(msg, rx, reasm=None, now=0, link="link"):
    """The pipeline for one OSC message unit (a packet or a bundle element)."""
    shape = osc_mox_shape(msg)
    if isinstance(shape, dict):
        return shape
    body = shape
    if any(b > 0x7F for b in body):                  # step 1a, MOX-OSC-006
        return result("malformed", "not-seven-bit")
    r = process_body(body, rx, reasm, now, link)
    r["blob"] = body
    return r


def supports_group(r, rx):
    """MOX-OSC-012: the receiver supports the group's MOX message when its header was
    parsed and the extension and major are supported, whatever the later outcome."""
    h = r.get("header")
    if h is None:
        return False
    majors = rx["extensions"].get((h["owner"], h["number"]))
    return majors is not None and h["major"] in majors


def process_osc_packet(packet, rx, reasm=None, now=0, link="link", max_depth=8):
    """An OSC packet: a message, or a bundle with groups (§5.2). Returns a flat list of
    element reports in packet order:
        {"address": str, "action": "mox" | "plain" | "suppress", "result": dict | None}
    plus {"error": class} when the OSC layer cannot delimit the rest of a bundle."""
    out = []
    _packet(bytes(packet), rx, reasm, now, link, out, suppressed=False, depth=0,
            max_depth=max_depth)
    return out


def _is_bundle(buf):
    return buf[:8] == b"#bundle\x00"


def _packet(buf, rx, reasm, now, link, out, suppressed, depth, max_depth):
    if not _is_bundle(buf):
        _message(buf, rx, reasm, now, link, out, suppressed)
        return None
    if depth >= max_depth:
        out.append({"error": "bundle-too-deep"})
        return None
    if len(buf) < 16:
        out.append({"error": "bad-bundle-header"})
        return None
    pos = 16
    elements = []
    while pos < len(buf):
        if pos + 4 > len(buf):
            elements.append(("error", "truncated"))
            break
        size = int.from_bytes(buf[pos:pos + 4], "big", signed=True)
        pos += 4
        if size <= 0 or size % 4:
            elements.append(("error", "bad-element-size"))
            break
        if pos + size > len(buf):
            elements.append(("error", "element-overrun"))
            break
        elements.append(("ok", buf[pos:pos + size]))
        pos += size
    # MOX-OSC-010/-011: groups formed from this bundle's own elements
    group_supported = None          # None: before the first /mox element (no group)
    for kind, el in elements:
        if kind == "error":
            out.append({"error": el})
            break
        if not _is_bundle(el) and osc_address(el) == "/mox":
            r = _message(el, rx, reasm, now, link, out, suppressed)
            group_supported = (r is not None) and supports_group(r, rx)
            continue
        fallback_suppressed = suppressed or bool(group_supported)
        if _is_bundle(el):
            # MOX-OSC-011: a nested bundle inside a group is one fallback element;
            # A2: outside a supported group it is processed as a bundle of its own
            _packet(el, rx, reasm, now, link, out, fallback_suppressed, depth + 1,
                    max_depth)
        else:
            _message(el, rx, reasm, now, link, out, fallback_suppressed)
    return None


def _message(buf, rx, reasm, now, link, out, suppressed):
    address = osc_address(buf)
    if suppressed:
        # A1: nothing inside a suppressed fallback element is acted on, a /mox
        # message included
        out.append({"address": address, "action": "suppress", "result": None})
        return None
    if address != "/mox":
        out.append({"address": address, "action": "plain", "result": None})
        return None
    r = process_osc_message(buf, rx, reasm, now, link)
    out.append({"address": address, "action": "mox", "result": r})
    return r


# --------------------------------------------------------------------------- encoding

def encode_body(h, fields, check=None):
    """Re-encode a decoded, unchunked message (MOX-MOD-004, MOX-SYX-020): header byte with
    format 00 and reserved 00, owner, number varint, version, type, node ids, the fields
    from their raw bytes, and the CRC when K=1. `check` overrides h["K"]."""
    k = h["K"] if check is None else check
    out = bytearray([(0x02 if h["A"] else 0) | (0x01 if k else 0)])
    out += h["owner"] + encode_varint(h["number"]) + bytes([h["major"], h["minor"], h["type"]])
    if h["A"]:
        for node in (h["src"], h["dst"]):
            out += bytes((node >> (7 * i)) & 0x7F for i in range(4))
    for f in fields:
        out += encode_varint(f["id"]) + encode_varint(len(f["raw"])) + f["raw"]
    if k:
        crc = crc14_darc(out)
        out += bytes([crc & 0x7F, crc >> 7])
    return bytes(out)


def encode_sysex(carrier, body):
    """MOX-SYX-001 framing."""
    return b"\xF0" + bytes(carrier) + SIGNATURE + bytes(body) + b"\xF7"


# --------------------------------------------------------------------------- bridge (ch. 13)

def bridge_sysex_to_osc(unit):
    """MOX-BRG-002: SysEx -> `/mox ,b <body>`. Returns bytes or raises Fail(not-mox)."""
    shape = sysex_shape(unit)
    if isinstance(shape, dict):
        raise Fail("not-mox")
    _, body = shape
    return osc_mox_message(body)


def osc_mox_message(body):
    """MOX-OSC-001/-002: the `/mox` message with `,b` and the padded blob."""
    return (b"/mox\x00\x00\x00\x00" + b",b\x00\x00" + len(body).to_bytes(4, "big")
            + bytes(body) + b"\x00" * osc_pad(len(body)))


def bridge_osc_to_sysex(msg, carrier):
    """MOX-BRG-002: `/mox ,b <blob>` -> `F0 <carrier> 4D 4F 58 <blob> F7`."""
    shape = osc_mox_shape(msg)
    if isinstance(shape, dict):
        raise Fail("not-mox")
    if any(b > 0x7F for b in shape):
        raise Fail("not-seven-bit")
    return encode_sysex(carrier, shape)


def bridge_osc_packet_to_sysex(packet, carrier):
    """MOX-BRG-002 for any OSC packet: a `/mox` message is converted alone; for a bundle,
    each `/mox` element in order, nested bundles included, while fallback elements and
    elements of no group are dropped (A18, as the revised MOX-BRG-002 says). A `/mox`
    element that is not MOX (MOX-OSC-004) or not 7-bit cannot be converted and is dropped
    too, and so is one whose CRC is wrong (MOX-BRG-004). Returns the SysEx messages; raises Fail when a single message cannot be bridged
    or a bundle yields nothing."""
    packet = bytes(packet)
    if not _is_bundle(packet):
        return [bridge_osc_to_sysex(packet, carrier)]
    out = []
    _bridge_bundle(packet, carrier, out, 0)
    if not out:
        raise Fail("not-mox")
    return out


def _bridge_bundle(buf, carrier, out, depth):
    if depth >= 8 or len(buf) < 16:
        return
    pos = 16
    while pos + 4 <= len(buf):
        size = int.from_bytes(buf[pos:pos + 4], "big", signed=True)
        pos += 4
        if size <= 0 or size % 4 or pos + size > len(buf):
            return                       # the rest cannot be delimited
        el = buf[pos:pos + size]
        pos += size
        if _is_bundle(el):
            _bridge_bundle(el, carrier, out, depth + 1)
        elif osc_address(el) == "/mox":
            try:
                sysex = bridge_osc_to_sysex(el, carrier)
            except Fail:
                continue
            if bridge_check(osc_mox_shape(el)) is None:     # a verifying bridge (BRG-004)
                out.append(sysex)


def bridge_check(body):
    """What a verifying bridge finds (MOX-BRG-003/-004): None when it forwards, else the
    class that stops it. Format != 00 is forwarded (SHOULD), a bad CRC is not."""
    if len(body) == 0 or (body[0] >> 5) & 0x03:
        return None
    if body[0] & 0x01:
        if len(body) < 3 or crc14_darc(body[:-2]) != body[-2] | (body[-1] << 7):
            return "bad-check"
    return None
