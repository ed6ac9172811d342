#!/usr/bin/env python3
"""The oracle against the worked examples of spec/mox.md, read from the text itself.

    python3 vectors/oracle/spec_examples.py [--spec PATH]

Independent of the vector corpus. The byte strings, the receiver descriptions (§15.2's
example, §9.2's `error` definition) and the §15.8 table are extracted from the Markdown at
run time, so a revised example is checked as revised; only the meaning of each example's
prose (which receiver, what outcome) is encoded here. A disagreement means that the oracle
misread the spec or that the spec contradicts itself. run.py runs these first.
"""

import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SPEC = os.path.join(HERE, "..", "..", "spec", "mox.md")
HEX = r"((?:[0-9A-F]{2} )*[0-9A-F]{2})"


class SpecText:
    """Pieces of the spec found by the labels the text puts in front of them."""

    def __init__(self, text):
        self.text = text

    def section(self, heading):
        start = self.text.index(heading)
        nxt = re.compile(r"^#{2,3} ", re.M).search(self.text, start + len(heading))
        return self.text[start:nxt.start() if nxt else len(self.text)]

    def hex_after(self, label, within=None):
        text = self.section(within) if within else self.text
        m = re.search(re.escape(label) + r"\s*`" + HEX + "`", text)
        if not m:
            raise LookupError("no hex string after %r" % label)
        return bytes.fromhex(m.group(1))

    def json_after(self, label):
        start = self.text.index(label)
        m = re.compile(r"```json\n(.*?)```", re.S).search(self.text, start)
        return json.loads(m.group(1))

    def hexdump(self, within):
        """The offset-prefixed dump of a section (`0000  23 62 …   comment`)."""
        block = re.search(r"```text\n(.*?)```", self.section(within), re.S).group(1)
        out = bytearray()
        for line in block.splitlines():
            m = re.match(r"^[0-9A-F]{4}  ((?:[0-9A-F]{2} {1,2})*[0-9A-F]{2})", line)
            if m:
                out += bytes.fromhex(m.group(1))
        return bytes(out)

    def table(self, within):
        rows = []
        for line in self.section(within).splitlines():
            if line.startswith("|") and not line.startswith("|---"):
                rows.append([c.strip() for c in line.strip("|").split("|")])
        return rows[1:]


def rx(desc):
    return oracle.normalise_receiver(desc)


def outcome(r):
    rep = r["reply"]
    return (r["outcome"], r["class"], None if rep is None else (rep["code"], rep["field"]))


def run_sysex(unit, desc):
    d = rx(desc)
    return oracle.process_sysex(unit, d, oracle.Reassembler(d["limits"]), 0)


def with_last_id(unit, flags):
    """A SysEx message (K=1) with the flags of its last field's 1-byte id replaced and
    its CRC recomputed: §4.9's "had the id been ..." variants."""
    carrier, body = oracle.sysex_shape(unit)
    fields = oracle.FieldParser(oracle.DEFAULT_LIMITS, 0)
    h, pos = oracle.parse_header(body[:-2])
    parsed = fields.section(body[pos:-2], [], 0)
    parsed[-1] = dict(parsed[-1], id=(parsed[-1]["id"] & ~7) | flags)
    return oracle.encode_sysex(carrier, oracle.encode_body(h, parsed))


def fader_10(desc_11):
    """§4.9's "receiver at mox.fader 1.0": §15.2's example without what 1.1 added."""
    desc = json.loads(json.dumps(desc_11))
    for ext in desc["extensions"]:
        for major in ext["majors"]:
            if ext["number"] == 1:
                major["minor"] = 0
                for m in major["messages"]:
                    m["fields"] = [f for f in m["fields"] if f.get("added", 0) == 0]
    return desc


def checks(spec_path=DEFAULT_SPEC):
    """Yield (name, ok, detail) for every example."""
    with open(spec_path, encoding="utf-8") as f:
        s = SpecText(f.read())

    m = re.search(r'CRC-14/DARC\("123456789"\) = 0x([0-9A-F]{4})', s.text)
    yield "§4.7 check value", oracle.crc14_darc(b"123456789") == int(m.group(1), 16), ""
    m = re.search(r"body bytes\s+`" + HEX + r"` give `0x([0-9A-F]{4})`", s.text)
    yield ("§4.7 second check example",
           oracle.crc14_darc(bytes.fromhex(m.group(1))) == int(m.group(2), 16), "")

    for row in s.table("### 6.1 The v7 varint"):
        value, enc = int(row[0].replace(" ", "")), bytes.fromhex(row[1].strip("`"))
        got = oracle.read_varint(enc, 0, "x")[0]
        yield ("§6.1 varint %d" % value,
               got == value and oracle.encode_varint(value) == enc, str(got))
    mc = s.section("### 6.4 Value types")
    for data, packed in re.findall(r"`" + HEX + r"`\)?\s*→\s*`" + HEX + "`", mc):
        yield ("§6.4 Mcoded7 " + data,
               oracle.mcoded7_unpack(bytes.fromhex(packed)) == bytes.fromhex(data), "")
    hdr = s.hex_after("chunk 129, length 16383 is")
    yield ("MOX-CHK-002 example", (oracle.groups7(hdr[1:3]), oracle.groups7(hdr[3:5]),
                                   oracle.groups7(hdr[5:7])) == (300, 129, 16383), "")

    desc_11 = s.json_after("Example (a `mox.fader` 1.1 receiver")
    desc_10 = fader_10(desc_11)
    worked = s.hex_after("Whole message:", "### 4.9")
    r = run_sysex(worked, desc_10)
    known = [f["known"] for f in r["fields"] or []]
    yield ("§4.9 at a 1.0 receiver: delivered, the 1.1 field unknown",
           outcome(r) == ("delivered", None, None) and known and not known[-1]
           and all(known[:-1]), "%s %s" % (outcome(r), known))
    yield ("§4.9 re-encodes byte-exact (MOX-MOD-004)", r["header"] is not None and
           oracle.encode_sysex(r["carrier"], oracle.encode_body(r["header"], r["fields"]))
           == worked, "")
    for flags, name in ((1, "C=1: dropped"), (3, "C=1 R=1: dropped, no reply (A=0)")):
        r = run_sysex(with_last_id(worked, flags), desc_10)
        yield ("§4.9 with %s" % name,
               outcome(r) == ("dropped", "unknown-critical-field", None), str(outcome(r)))

    d = rx(desc_11)
    reasm = oracle.Reassembler(d["limits"])
    chunk1 = s.hex_after("Chunk 1:", "### 4.8")
    chunk2 = s.hex_after("Chunk 2:", "### 4.8")
    r1 = oracle.process_sysex(chunk1, d, reasm, 0)
    r2 = oracle.process_sysex(chunk2, d, reasm, 1)
    section = oracle.sysex_shape(worked)[1][6:-2]
    yield ("§4.8 chunk 1 consumed, chunk 2 delivered with §4.9's field section",
           outcome(r1) == ("consumed", "chunk-accepted", None)
           and outcome(r2) == ("delivered", None, None)
           and b"".join(oracle.encode_varint(f["id"]) + oracle.encode_varint(len(f["raw"]))
                        + f["raw"] for f in r2["fields"] or []) == section,
           "%s %s" % (outcome(r1), outcome(r2)))
    r = run_sysex(chunk2, desc_11)
    yield ("§4.8 chunk 2 alone: chunk-out-of-sequence, reply 21",
           outcome(r) == ("consumed", "chunk-out-of-sequence", (0x21, None)), str(outcome(r)))

    request = s.hex_after("over USB:", "### 6.7")
    _, body = oracle.sysex_shape(request)
    h, _ = oracle.parse_header(body)
    node_42 = {"node_id": 0x42, "extensions": [
        {"owner": list(h["owner"]), "number": h["number"], "majors": [
            {"major": h["major"], "minor": h["minor"],
             "messages": [{"type": h["type"], "fields": [{"id": 0, "type": "u7"}]}]}]}]}
    r = run_sysex(request, node_42)
    yield "§6.7 id 39: dropped, no reply", outcome(r) == (
        "dropped", "unknown-critical-field", None), str(outcome(r))
    request_3b = s.hex_after("(the request:", "### 9.5")
    r = run_sysex(request_3b, node_42)
    yield "§9.5 request with id 3B: dropped, reply 06 naming 3B", outcome(r) == (
        "dropped", "unknown-critical-field", (0x06, 0x3B)), str(outcome(r))

    error_def = s.json_after("the `error` message of `mox.core` 1.0 is:")
    reply = s.hex_after("Whole reply:", "### 9.5")
    origin = {"node_id": oracle.groups7(request_3b[11:15]), "extensions": [
        {"owner": [126], "number": 0, "majors": [
            {"major": 1, "minor": 0, "messages": [error_def]}]}]}
    r = run_sysex(reply, origin)
    got = {f["id"]: f["raw"] for f in r["fields"] or []}
    yield ("§9.5 reply decodes at the requester with §9.2's fields, naming the original",
           outcome(r) == ("delivered", None, None) and all(f["known"] for f in r["fields"])
           and got.get(0) == b"\x06" and got.get(8) == h["owner"] + bytes([h["number"]])
           and got.get(16) == bytes([h["major"], h["minor"]]) and got.get(24) ==
           bytes([h["type"]]) and got.get(32) == b"\x3b", "%s %s" % (outcome(r), got))
    yield ("§9.5 reply re-encodes byte-exact", r["header"] is not None and
           oracle.encode_sysex(b"\x7d", oracle.encode_body(r["header"], r["fields"]))
           == reply, "")

    alone = s.hex_after("The `/mox` message alone (36 bytes):", "### 5.4")
    yield ("§5.4 SysEx -> OSC is the /mox message",
           oracle.bridge_sysex_to_osc(worked) == alone, "")
    yield ("§5.4 OSC -> SysEx is §4.9's message",
           oracle.bridge_osc_to_sysex(alone, b"\x7d") == worked, "")
    bundle = s.hexdump("### 5.4")
    for name, desc, want_mox, want_plain in (
            ("with mox.fader 1", desc_10, ("delivered", None, None), "suppress"),
            ("without mox.fader", {"node_id": 0x42, "extensions": []},
             ("rejected", "unsupported-extension", None), "plain")):
        items = oracle.process_osc_packet(bundle, rx(desc))
        acts = [i["action"] for i in items]
        yield ("§5.4 bundle at a MOX node %s" % name,
               acts == ["mox", want_plain] and outcome(items[0]["result"]) == want_mox,
               str(acts))

    for i, row in enumerate(s.table("### 15.8 Worked outcomes")):
        unit_text, want_outcome, want_class, want_reply = row
        m = re.search(r"last CRC byte `([0-9A-F]{2})`", unit_text)
        if unit_text.startswith("§4.9's message"):
            unit = worked[:-2] + bytes.fromhex(m.group(1)) + b"\xF7" if m else worked
        elif unit_text.startswith("§6.7's request"):
            unit = request
        elif unit_text.startswith("body `"):
            unit = b"\xF0\x7D" + oracle.SIGNATURE + bytes.fromhex(
                re.match(r"body `" + HEX, unit_text).group(1)) + b"\xF7"
        elif unit_text.startswith("`F0 7E 00 0D …`"):
            unit = bytes.fromhex("F0 7E 00 0D 70 02 F7")   # a MIDI-CI message, shortened
        else:
            unit = bytes.fromhex(re.match(r"`" + HEX, unit_text).group(1))
        code = re.match(r"`([0-9A-F]{2})`", want_reply)
        want = (want_outcome.strip("`"), None if want_class == "—" else want_class.strip("`"),
                (int(code.group(1), 16), None) if code else None)
        r = run_sysex(unit, desc_11)
        yield "§15.8 row %d (%s)" % (i + 1, unit_text), outcome(r) == want, str(outcome(r))


def main(argv=None):
    ap = argparse.ArgumentParser(description="the oracle against the spec's examples")
    ap.add_argument("--spec", default=DEFAULT_SPEC)
    args = ap.parse_args(argv)
    results = list(checks(args.spec))
    failed = [r for r in results if not r[1]]
    for name, _, detail in failed:
        print("FAIL spec example %s %s" % (name, detail))
    print("spec examples: %d passed, %d failed" % (len(results) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
