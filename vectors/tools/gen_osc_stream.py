#!/usr/bin/env python3
"""Generates vectors/osc/stream.json from byte-level SLIP / length-prefix encoders written from
RFC 1055 and the OSC 1.0/1.1 texts (independent of the Rust code). Run from anywhere:
    python3 vectors/tools/gen_osc_stream.py"""
import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "osc" / "stream.json"
END, ESC, ESC_END, ESC_ESC = 0xC0, 0xDB, 0xDC, 0xDD
def h(s): return bytes.fromhex(s.replace(" ", ""))
def x(b): return b.hex()
FOO = h("2f666f6f 00000000 2c690000 00000001")            # /foo ,i 1
BAR = h("2f626172 00000000 2c660000 3f000000")            # /bar ,f 0.5
FOO_C0 = h("2f666f6f 00000000 2c690000 c0000000")         # /foo ,i -1073741824
BLOB = h("2f620000 2c620000 00000004 c0db0001")           # /b ,b <c0 db 00 01>
FOO_II = h("2f666f6f 00000000 2c696900 00000001 00000002") # /foo ,ii 1 2 (20 bytes)
PING = h("2f70696e 67000000 2c000000")                    # /ping ,
BUNDLE = b"#bundle\0" + h("00000000 00000001") + h("00000010") + FOO  # immediately, [/foo ,i 1]
def slip(p):
    out = bytearray([END])
    for b in p:
        if b == END: out += bytes([ESC, ESC_END])
        elif b == ESC: out += bytes([ESC, ESC_ESC])
        else: out.append(b)
    out.append(END); return bytes(out)
def slip1(p):  # single END
    return slip(p)[1:]
def lp(p): return len(p).to_bytes(4, "big") + p
def fr(b): return {"frame": x(b)}
def er(c): return {"error": c}

NIME = "OSC 1.1 (Freed & Schmeder, NIME 2009), streams: SLIP (RFC 1055) with double END"
RFC = "RFC 1055 (SLIP): END=0xC0, ESC=0xDB, ESC_END=0xDC, ESC_ESC=0xDD"
CNMAT = "CNMAT 'SLIP encoding and decoding': an ESC not followed by ESC_END or ESC_ESC invalidates the packet"
OSC10 = "OSC 1.0 spec, OSC Packets: on a stream, an int32 size before each packet"
LIBLO = "liblo src/server.c detect_slip() and slip_decode()"
MOX = "MOX stream framing decision (codec/src/osc/stream)"
END_NOTE = " The runner signals end of stream after the last chunk."

cases = []
def stream(name, desc, source, framing, chunks, events, max_frame=None, flag=None, outcomes=None):
    c = {"id": f"osc::stream::{name}", "description": desc, "source": source,
         "kind": "osc-stream", "framing": framing, "chunks": [x(ch) for ch in chunks]}
    if max_frame is not None: c["max_frame"] = max_frame
    if flag:
        c["expected"] = {"result": "acceptable", "flag": flag,
                         "outcomes": [{"result": "valid", "value": o} for o in outcomes]}
    else:
        c["expected"] = {"result": "valid", "value": events}
    cases.append(c)
def enc(name, desc, source, framing, packets, out):
    cases.append({"id": f"osc::stream::{name}", "description": desc, "source": source,
                  "kind": "osc-stream-encode", "framing": framing, "packets": [x(p) for p in packets],
                  "expected": {"result": "valid", "value": x(out)}})

# ---- SLIP decode
stream("slip-double-end-message", "One message `/foo ,i 1` framed with an END before and after.",
       NIME, "slip", [slip(FOO)], [fr(FOO)])
stream("slip-double-end-two-messages", "Two messages back to back; the END END between them is an empty frame and produces no event.",
       NIME, "slip", [slip(FOO) + slip(BAR)], [fr(FOO), fr(BAR)])
stream("slip-single-end", "Single-END SLIP (END only after each packet, as RFC 1055's sender and liblo's single-END mode send) is accepted.",
       RFC + " | liblo lo_address_set_stream_slip (single or double END)", "slip", [slip1(FOO) + slip1(BAR)], [fr(FOO), fr(BAR)])
stream("slip-escaped-end-in-int", "`/foo ,i -1073741824`: the int32 0xC0000000 carries a 0xC0 data byte, sent as ESC ESC_END.",
       RFC, "slip", [slip(FOO_C0)], [fr(FOO_C0)])
stream("slip-escaped-end-and-esc-in-blob", "A blob holding 0xC0 and 0xDB: both escaped (DB DC, DB DD) and restored.",
       RFC, "slip", [slip(BLOB)], [fr(BLOB)])
s = slip(BLOB); i = s.index(bytes([ESC]))
stream("slip-escape-split-across-chunks", "The chunk boundary falls between ESC and ESC_END; the escape state survives the boundary.",
       RFC + " | BRIEF: streams arrive in pieces", "slip", [s[:i+1], s[i+1:]], [fr(BLOB)])
s = slip(FOO_C0) + slip(BLOB)
stream("slip-byte-at-a-time", "Two messages with escapes fed one byte per chunk.",
       NIME, "slip", [bytes([b]) for b in s], [fr(FOO_C0), fr(BLOB)])
s = slip(FOO) + slip(BAR)
stream("slip-split-between-ends", "The chunk boundary falls between the closing END of one packet and the opening END of the next.",
       NIME, "slip", [s[:len(slip(FOO))], s[len(slip(FOO)):]], [fr(FOO), fr(BAR)])
stream("slip-bundle", "A bundle (`#bundle`, timetag 1 = immediately, one element `/foo ,i 1`) as one SLIP frame.",
       NIME, "slip", [slip(BUNDLE)], [fr(BUNDLE)])
stream("slip-repeated-ends-ignored", "Runs of END (keep-alives, or double END doubled) are empty frames and produce no events.",
       RFC + " (several ENDs in a row are empty packets, which the receiver discards)", "slip",
       [bytes([END]*3) + FOO + bytes([END]*3)], [fr(FOO)])
stream("slip-only-ends", "A stream of nothing but END bytes yields no events and no error.",
       RFC, "slip", [bytes([END]*5)], [])
stream("slip-bad-escape", "ESC followed by 0x41: the packet is dropped with slip-bad-escape up to the next END; the next packet decodes." ,
       CNMAT + " | " + NIME, "slip", [bytes([END]) + FOO[:6] + bytes([ESC, 0x41]) + FOO[6:] + bytes([END]) + slip(BAR)],
       [er("slip-bad-escape"), fr(BAR)])
stream("slip-bad-escape-esc-esc", "ESC followed by ESC is a bad escape too (the second ESC does not start a new escape).",
       CNMAT, "slip", [bytes([END]) + FOO[:4] + bytes([ESC, ESC, ESC_END]) + FOO[4:] + bytes([END]) + slip(BAR)],
       [er("slip-bad-escape"), fr(BAR)])
stream("slip-esc-then-end", "ESC immediately before END: a bad escape; that END still closes the packet, so the next one decodes.",
       CNMAT + " | " + MOX, "slip", [bytes([END]) + FOO + bytes([ESC, END]) + slip(BAR)], [er("slip-bad-escape"), fr(BAR)])
noise = h("ff00 1337 dbdc 41")
stream("slip-noise-between-packets", "Line noise between two double-END packets is delimited by the ENDs around it and comes out as a frame of its own (the packet decoder rejects it); the packets around it survive and nothing crashes.",
       "trowaSoft-VCV#63 (oscpack receiver crashes on SLIP noise) | " + NIME, "slip",
       [slip(FOO) + noise + slip(BAR)], [fr(FOO), fr(h("ff00 1337 c0 41")), fr(BAR)])
stream("slip-leading-noise", "A receiver joining mid-packet sees a packet's tail before the first END. MOX hands it up as a frame (needed for single-END streams, whose first packet has no leading END); a double-END-only receiver may drop it.",
       "trowaSoft-VCV#63 | " + NIME + " | " + MOX, "slip", [FOO[9:] + slip(BAR)], None,
       flag="slip-leading-bytes-delivered", outcomes=[[fr(FOO[9:]), fr(BAR)], [fr(BAR)]])
stream("slip-frame-too-large", "With a 16-byte frame limit, the 20-byte `/foo ,ii 1 2` is reported once as frame-too-large and dropped up to its END; the next packet decodes.",
       MOX + " | BRIEF: bounded memory", "slip", [slip(FOO_II) + slip(FOO)], [er("frame-too-large"), fr(FOO)], max_frame=16)
stream("slip-frame-exactly-at-limit", "A 16-byte packet fits a 16-byte limit.",
       MOX, "slip", [slip(FOO)], [fr(FOO)], max_frame=16)
stream("slip-escapes-count-once-toward-limit", "The limit counts decoded bytes: `/foo ,i -1073741824` is 17 bytes on the wire but 16 decoded, so it fits a 16-byte limit.",
       MOX + " | " + RFC, "slip", [slip(FOO_C0)], [fr(FOO_C0)], max_frame=16)
stream("slip-frame-too-large-unterminated", "An oversized frame that never ends: one frame-too-large, then bounded discarding; end of stream adds no second error for the same frame.",
       MOX + " | liblo server.c: 'an unterminated SLIP stream would consume memory indefinitely'", "slip",
       [bytes([END]) + bytes(range(0x20, 0x48)), bytes(range(0x20, 0x48))], [er("frame-too-large")], max_frame=16)
stream("slip-truncated-trailing-frame", "The stream ends inside the second packet: the first is delivered, then truncated-frame." + END_NOTE,
       MOX, "slip", [slip(FOO) + bytes([END]) + BAR[:6]], [fr(FOO), er("truncated-frame")])
stream("slip-truncated-after-esc", "The stream ends right after an ESC: truncated-frame." + END_NOTE,
       MOX, "slip", [bytes([END]) + FOO_C0[:12] + bytes([ESC])], [er("truncated-frame")])
stream("slip-single-end-missing-last-end", "Single-END stream whose last packet never got its END before the stream closed: truncated-frame, not a delivered packet." + END_NOTE,
       MOX + " | " + RFC, "slip", [slip1(FOO) + BAR], [fr(FOO), er("truncated-frame")])

# ---- length prefix decode
stream("length-prefix-message", "One message `/foo ,i 1` after its int32 big-endian size 16.",
       OSC10, "length-prefix", [lp(FOO)], [fr(FOO)])
stream("length-prefix-two-messages", "Two size-prefixed messages back to back.",
       OSC10, "length-prefix", [lp(FOO) + lp(BAR)], [fr(FOO), fr(BAR)])
s = lp(FOO) + lp(BAR)
stream("length-prefix-split-inside-prefix", "Chunk boundaries inside the second size prefix and inside a body.",
       OSC10 + " | colinbdclark/osc.js#220 (TCP framing)", "length-prefix", [s[:7], s[7:22], s[22:]], [fr(FOO), fr(BAR)])
stream("length-prefix-byte-at-a-time", "Two messages fed one byte per chunk.",
       OSC10, "length-prefix", [bytes([b]) for b in s], [fr(FOO), fr(BAR)])
stream("length-prefix-bundle", "A bundle with one element, size-prefixed.",
       OSC10, "length-prefix", [lp(BUNDLE)], [fr(BUNDLE)])
stream("length-prefix-slip-bytes-are-data", "0xC0 and 0xDB inside a length-prefixed packet are plain data: nothing is escaped or unescaped.",
       OSC10, "length-prefix", [lp(BLOB)], [fr(BLOB)])
stream("length-prefix-zero-length", "A size of 0 is delivered as an empty frame (the packet decoder then reports empty-packet) rather than hidden; the next packet decodes.",
       MOX + " | " + OSC10, "length-prefix", [lp(b"") + lp(FOO)], [fr(b""), fr(FOO)])
stream("length-prefix-unaligned-size-is-framed", "The framing layer does not judge content: a 5-byte frame is delivered (the packet decoder reports misaligned-size).",
       MOX, "length-prefix", [lp(b"/a\0\0\0") + lp(FOO)], [fr(b"/a\0\0\0"), fr(FOO)])
stream("length-prefix-frame-too-large", "With a 16-byte limit, a prefix declaring 20 bytes is reported at once as frame-too-large; the 20 bytes are skipped unstored and the next packet decodes.",
       MOX + " | BRIEF: bounded memory", "length-prefix", [lp(FOO_II) + lp(FOO)], [er("frame-too-large"), fr(FOO)], max_frame=16)
stream("length-prefix-declared-2gb", "A prefix of 0x7FFFFFFF (attacker-declared ~2 GB) is reported as frame-too-large before any byte is stored; the stream ends while skipping, which adds no second error.",
       MOX + " | BRIEF pitfall: attacker-declared 4 GB lengths", "length-prefix",
       [h("7fffffff") + FOO, FOO], [er("frame-too-large")], max_frame=65536)
stream("length-prefix-negative", "A negative prefix (-1) is bad-length-prefix. No later boundary can be trusted, so the decoder drops the rest of the stream (the valid-looking packet after it included) until reset.",
       MOX + " | " + OSC10 + " (the size is an int32)", "length-prefix",
       [lp(FOO) + h("ffffffff") + lp(BAR)], [fr(FOO), er("bad-length-prefix")])
stream("length-prefix-int-min", "Prefix 0x80000000 (INT32_MIN) is negative: bad-length-prefix, not a 2 GB frame.",
       MOX, "length-prefix", [h("80000000"), lp(FOO)], [er("bad-length-prefix")])
stream("length-prefix-truncated-prefix", "The stream ends two bytes into the second prefix: truncated-frame." + END_NOTE,
       MOX, "length-prefix", [lp(FOO) + h("0000")], [fr(FOO), er("truncated-frame")])
stream("length-prefix-truncated-body", "The stream ends 4 bytes into a 16-byte body: truncated-frame." + END_NOTE,
       MOX, "length-prefix", [lp(FOO)[:8]], [er("truncated-frame")])

# ---- auto
stream("auto-slip-leading-end", "Auto-detect: a stream starting with END (0xC0) is SLIP.",
       LIBLO + " | klingtnet/rosc#58", "auto", [slip(FOO) + slip(BAR)], [fr(FOO), fr(BAR)])
stream("auto-slip-single-end-message", "Auto-detect: a stream starting with '/' (single-END SLIP, no leading END) is SLIP.",
       LIBLO, "auto", [slip1(FOO) + slip1(BLOB)], [fr(FOO), fr(BLOB)])
stream("auto-slip-single-end-bundle", "Auto-detect: a stream starting with '#' (a bundle, single-END SLIP) is SLIP.",
       LIBLO, "auto", [slip1(BUNDLE)], [fr(BUNDLE)])
stream("auto-slip-end-then-bundle", "Auto-detect: END followed by `#bundle` is SLIP. (liblo's detect_slip() needs '/' after a leading END and takes this for a length prefix; MOX decides on the first byte alone.)",
       LIBLO + " | " + MOX, "auto", [slip(BUNDLE)], [fr(BUNDLE)])
stream("auto-length-prefix", "Auto-detect: a stream starting with 0x00 (the high byte of any size under 16 MiB) is length-prefixed.",
       LIBLO + " | " + OSC10 + " | colinbdclark/osc.js#220", "auto", [lp(FOO) + lp(BAR)], [fr(FOO), fr(BAR)])
s = lp(FOO)
stream("auto-detect-across-empty-first-chunk", "An empty first chunk detects nothing; the first byte of the next chunk decides (length prefix), then a chunk boundary inside the prefix.",
       MOX, "auto", [b"", s[:1], s[1:3], s[3:]], [fr(FOO)])
stream("auto-length-prefix-with-slip-bytes", "Once length prefix is detected, 0xC0 bytes in a body are data.",
       LIBLO, "auto", [lp(FOO_C0)], [fr(FOO_C0)])
stream("auto-unknown-first-byte-is-length-prefix", "Auto-detect: any first byte other than 0xC0, '/', '#' selects length prefix; here 0x01 makes a 16 MiB prefix, over the limit, so frame-too-large and the rest is skipped.",
       LIBLO + " | " + MOX, "auto", [h("01000000") + FOO], [er("frame-too-large")], max_frame=65536)
stream("auto-slip-bad-escape-recovers", "Auto-detected SLIP keeps SLIP's recovery: bad escape dropped, next packet decoded.",
       LIBLO + " | " + CNMAT, "auto", [bytes([END]) + FOO[:4] + bytes([ESC, 0x00]) + bytes([END]) + slip(BAR)],
       [er("slip-bad-escape"), fr(BAR)])
stream("auto-length-prefix-negative", "Auto-detected length prefix keeps its recovery rule: after a negative prefix nothing more is delivered.",
       MOX, "auto", [lp(FOO) + h("fffffff0") + lp(FOO)], [fr(FOO), er("bad-length-prefix")])

# ---- encode
enc("encode-slip-message", "SLIP-encode `/foo ,i 1`: END, packet, END (double END).", NIME, "slip", [FOO], slip(FOO))
enc("encode-slip-escapes", "SLIP-encode a blob holding 0xC0 and 0xDB: DB DC and DB DD.", RFC, "slip", [BLOB], slip(BLOB))
enc("encode-slip-escaped-int", "SLIP-encode `/foo ,i -1073741824` (an int32 starting with 0xC0).", RFC, "slip", [FOO_C0], slip(FOO_C0))
enc("encode-slip-two-packets", "Two packets SLIP-encode to two double-END frames, END END between them.", NIME, "slip", [FOO, PING], slip(FOO) + slip(PING))
enc("encode-length-prefix-message", "Length-prefix `/foo ,i 1`: int32 big-endian 16, then the packet.", OSC10, "length-prefix", [FOO], lp(FOO))
enc("encode-length-prefix-two-packets", "Two packets, each with its own size prefix; SLIP bytes in the blob are not escaped.", OSC10 + " | klingtnet/rosc#58", "length-prefix", [PING, BLOB], lp(PING) + lp(BLOB))
enc("encode-length-prefix-bundle", "Length-prefix a 36-byte bundle.", OSC10, "length-prefix", [BUNDLE], lp(BUNDLE))

ids = [c["id"] for c in cases]; assert len(ids) == len(set(ids))
json.dump({"corpus_version": json.loads((OUT.parent.parent / "manifest.json").read_text())["corpus_version"], "cases": cases}, open(OUT, "w"), indent=2)
open(OUT, "a").write("\n")
print(len(cases), sum(c["kind"]=="osc-stream" for c in cases))
