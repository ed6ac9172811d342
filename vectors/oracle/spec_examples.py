#!/usr/bin/env python3
"""The oracle against the worked examples of spec/mox.md, byte strings copied from the text.

    python3 vectors/oracle/spec_examples.py

Independent of the vector corpus: if the oracle and the spec's own examples disagree, either
the oracle misread the spec or the spec contradicts itself. run.py runs these first.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402


def h(text):
    return bytes.fromhex(text.replace(" ", ""))


# §15.2's example receiver: mox.core 1.0 type 1, mox.fader 1.1, node 0x42.
SPEC_FADER_11 = {"node_id": 0x42, "extensions": [
    {"owner": [126], "number": 0, "majors": [{"major": 1, "minor": 0,
        "messages": [{"type": 1, "fields": []}]}]},
    {"owner": [126], "number": 1, "majors": [{"major": 1, "minor": 1,
        "messages": [{"type": 1, "fields": [
            {"id": 0, "type": "u7", "added": 0},
            {"id": 8, "type": "u14", "added": 0},
            {"id": 16, "type": "bytes7", "added": 1, "max_len": 3}]}]}]}]}

# §4.9: "A receiver at mox.fader 1.0" (strip u7, position u14).
FADER_10 = {"node_id": 0x42, "extensions": [
    {"owner": [126], "number": 1, "majors": [{"major": 1, "minor": 0,
        "messages": [{"type": 1, "fields": [
            {"id": 0, "type": "u7"}, {"id": 8, "type": "u14"}]}]}]}]}

# §6.7: node 0x42, mox.fader 1.0, knows type 41 with field 00.
NODE_42 = {"node_id": 0x42, "extensions": [
    {"owner": [126], "number": 1, "majors": [{"major": 1, "minor": 0,
        "messages": [{"type": 0x41, "fields": [{"id": 0, "type": "u7"}]}]}]}]}

# §9.2's error definition at node 0x01234567 (the destination of §9.5's reply).
ERROR_DEF = [{"id": 0, "type": "u7"}, {"id": 8, "type": "bytes7", "max_len": 6},
             {"id": 16, "type": "u14"}, {"id": 24, "type": "u7"},
             {"id": 32, "type": "bytes7", "max_len": 3}, {"id": 40, "type": "u21"},
             {"id": 48, "type": "u14"}, {"id": 64, "type": "u21"},
             {"id": 72, "type": "text7", "max_len": 64}]
CORE_NODE = {"node_id": 0x01234567, "extensions": [
    {"owner": [126], "number": 0, "majors": [{"major": 1, "minor": 0,
        "messages": [{"type": 1, "fields": ERROR_DEF}]}]}]}

WORKED_49 = h("F0 7D 4D 4F 58 01 7E 01 01 01 01 00 01 03 08 02 00 40 10 03 7F 20 00 61 68 F7")
CHUNK_1 = h("F0 7D 4D 4F 58 07 7E 01 01 01 01 67 0A 0D 09 42 00 00 00 05 02 00 01 00 08 00"
            " 00 01 03 08 02 00 40 10 38 1D F7")
CHUNK_2 = h("F0 7D 4D 4F 58 07 7E 01 01 01 01 67 0A 0D 09 42 00 00 00 05 02 00 02 00 04 00"
            " 03 7F 20 00 12 06 F7")
REQUEST_67 = h("F0 7D 4D 4F 58 02 7E 01 01 00 41 67 0A 0D 09 42 00 00 00 00 01 02 39 01 05 F7")
REQUEST_95 = h("F0 7D 4D 4F 58 02 7E 01 01 00 41 67 0A 0D 09 42 00 00 00 00 01 02 3B 01 05 F7")
REPLY_95 = h("F0 7D 4D 4F 58 03 7E 00 01 00 01 42 00 00 00 67 0A 0D 09 00 01 06 08 02 7E 01"
             " 10 02 01 00 18 01 41 20 01 3B 30 54 F7")
BUNDLE_54 = h("23 62 75 6E 64 6C 65 00 00 00 00 00 00 00 00 01"
              " 00 00 00 24"
              " 2F 6D 6F 78 00 00 00 00 2C 62 00 00"
              " 00 00 00 14"
              " 01 7E 01 01 01 01 00 01 03 08 02 00 40 10 03 7F"
              " 20 00 61 68"
              " 00 00 00 18"
              " 2F 73 74 72 69 70 2F 33 2F 66 61 64 65 72 00 00"
              " 2C 66 00 00 3F 00 02 00")
MOX_54 = h("2F 6D 6F 78 00 00 00 00 2C 62 00 00 00 00 00 14 01 7E 01 01 01 01 00 01 03 08 02 00"
           " 40 10 03 7F 20 00 61 68")


def rx(desc):
    return oracle.normalise_receiver(desc)


def outcome(r):
    rep = r["reply"]
    return (r["outcome"], r["class"], None if rep is None else (rep["code"], rep["field"]))


def run_sysex(unit, desc, reasm=None, now=0):
    d = rx(desc)
    return oracle.process_sysex(unit, d, reasm or oracle.Reassembler(d["limits"]), now)


def patch49(field_id):
    """§4.9's message with the colour id replaced and its CRC recomputed."""
    body = bytearray(WORKED_49[5:-3])
    body[-5] = field_id                 # ... 10 03 7F 20 00: the colour field's id
    body = bytes(body)
    crc = oracle.crc14_darc(body)
    return oracle.encode_sysex(b"\x7d", body + bytes([crc & 0x7F, crc >> 7]))


def checks():
    """Yield (name, ok, detail) for every example."""
    yield "§4.7 check value", oracle.crc14_darc(b"123456789") == 0x082D, ""
    yield ("§4.7 18 body bytes", oracle.crc14_darc(
        h("01 7E 01 01 01 01 00 01 03 08 02 00 40 10 03 7F 20 00")) == 0x3461, "")
    for value, enc in [(0, "00"), (63, "3F"), (64, "40 01"), (4095, "7F 3F"),
                       (4096, "40 40 01"), (262143, "7F 7F 3F")]:
        got = oracle.read_varint(h(enc), 0, "x")[0]
        yield ("§6.1 varint %d" % value,
               got == value and oracle.encode_varint(value) == h(enc), str(got))
    for packed, data in [("50 01 02 03", "81 02 83"), ("20 3F 00 00 00", "3F 80 00 00"),
                         ("60 43 29", "C3 A9")]:
        yield "§6.4 Mcoded7 " + data, oracle.mcoded7_unpack(h(packed)) == h(data), ""
    hdr = h("05 2C 02 01 01 7F 7F")
    yield ("MOX-CHK-002 example", (oracle.groups7(hdr[1:3]), oracle.groups7(hdr[3:5]),
                                   oracle.groups7(hdr[5:7])) == (300, 129, 16383), "")
    yield ("MOX-SYX-050 node ids", oracle.groups7(h("67 0A 0D 09")) == 0x01234567
           and oracle.groups7(h("7F 7F 7F 7F")) == 0x0FFFFFFF, "")

    r = run_sysex(WORKED_49, FADER_10)
    fields = [(f["id"], f["known"], f["raw"].hex()) for f in r["fields"] or []]
    yield ("§4.9 at a 1.0 receiver: delivered, 10 unknown",
           outcome(r) == ("delivered", None, None)
           and fields == [(0, True, "03"), (8, True, "0040"), (16, False, "7f2000")],
           "%s %s" % (outcome(r), fields))
    yield ("§4.9 re-encodes byte-exact (MOX-MOD-004)",
           oracle.encode_sysex(r["carrier"], oracle.encode_body(r["header"], r["fields"]))
           == WORKED_49, "")
    r = run_sysex(patch49(0x11), FADER_10)
    yield "§4.9 with id 11: dropped", outcome(r) == ("dropped", "unknown-critical-field",
                                                      None), str(outcome(r))
    r = run_sysex(patch49(0x13), FADER_10)
    yield "§4.9 with id 13: dropped, no reply (A=0)", outcome(r) == (
        "dropped", "unknown-critical-field", None), str(outcome(r))

    d = rx(SPEC_FADER_11)
    reasm = oracle.Reassembler(d["limits"])
    r1 = oracle.process_sysex(CHUNK_1, d, reasm, 0)
    r2 = oracle.process_sysex(CHUNK_2, d, reasm, 1)
    yield ("§4.8 chunk 1 consumed, chunk 2 delivered",
           outcome(r1) == ("consumed", "chunk-accepted", None)
           and outcome(r2) == ("delivered", None, None)
           and oracle.encode_body(r2["header"], r2["fields"], check=False)[-12:]
           == h("00 01 03 08 02 00 40 10 03 7F 20 00"),
           "%s %s" % (outcome(r1), outcome(r2)))
    r = run_sysex(CHUNK_2, SPEC_FADER_11)
    yield ("§4.8 chunk 2 alone: chunk-out-of-sequence, reply 21",
           outcome(r) == ("consumed", "chunk-out-of-sequence", (0x21, None)), str(outcome(r)))

    r = run_sysex(REQUEST_67, NODE_42)
    yield "§6.7 id 39: dropped, no reply", outcome(r) == (
        "dropped", "unknown-critical-field", None), str(outcome(r))
    r = run_sysex(REQUEST_95, NODE_42)
    yield "§6.7/§9.5 id 3B: dropped, reply 06 naming 3B", outcome(r) == (
        "dropped", "unknown-critical-field", (0x06, 0x3B)), str(outcome(r))

    r = run_sysex(REPLY_95, CORE_NODE)
    got = [(f["id"], f["raw"].hex()) for f in r["fields"] or []]
    yield ("§9.5 reply decodes at 0x01234567 with the §9.2 fields",
           outcome(r) == ("delivered", None, None)
           and got == [(0, "06"), (8, "7e01"), (16, "0100"), (24, "41"), (32, "3b")],
           "%s %s" % (outcome(r), got))
    yield ("§9.5 reply re-encodes byte-exact",
           r["header"] is not None and oracle.encode_sysex(
               b"\x7d", oracle.encode_body(r["header"], r["fields"])) == REPLY_95, "")

    yield ("§5.4 SysEx -> OSC is the /mox message",
           oracle.bridge_sysex_to_osc(WORKED_49) == MOX_54, "")
    yield ("§5.4 OSC -> SysEx is §4.9's message",
           oracle.bridge_osc_to_sysex(MOX_54, b"\x7d") == WORKED_49, "")
    d = rx(FADER_10)
    items = oracle.process_osc_packet(BUNDLE_54, d)
    acts = [(i["address"], i["action"]) for i in items]
    yield ("§5.4 MOX node with mox.fader 1: element 2 not acted on",
           acts == [("/mox", "mox"), ("/strip/3/fader", "suppress")]
           and items[0]["result"]["outcome"] == "delivered", str(acts))
    d = rx({"node_id": 0x42, "extensions": []})
    items = oracle.process_osc_packet(BUNDLE_54, d)
    acts = [(i["address"], i["action"]) for i in items]
    yield ("§5.4 MOX node without mox.fader: rejected, acts on element 2",
           acts == [("/mox", "mox"), ("/strip/3/fader", "plain")]
           and outcome(items[0]["result"]) == ("rejected", "unsupported-extension", None),
           str(acts))

    table = [
        (WORKED_49, ("delivered", None, None)),
        (WORKED_49[:-2] + b"\x69\xF7", ("discarded", "bad-check", None)),
        (h("F0 7D 4D 4F 58 F7"), ("malformed", "truncated-header", None)),
        (h("F0 7D 4D 4F 58 20 7E 01 01 01 01 F7"), ("ignored", "unknown-format", None)),
        (h("F0 7D 4D 4F 58 08 7E 01 01 01 01 F7"), ("malformed", "reserved-bit-set", None)),
        (REQUEST_67, ("rejected", "unsupported-message-type", (0x01, None))),
        (h("F0 7E 00 0D 70 F7"), ("not-mox", None, None)),
    ]
    for i, (unit, want) in enumerate(table):
        r = run_sysex(unit, SPEC_FADER_11)
        yield "§15.8 row %d" % (i + 1), outcome(r) == want, str(outcome(r))


def main():
    failed = 0
    for name, ok, detail in checks():
        if not ok:
            failed += 1
            print("FAIL spec example %s %s" % (name, detail))
    total = sum(1 for _ in checks())
    print("spec examples: %d passed, %d failed" % (total - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
