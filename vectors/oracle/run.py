#!/usr/bin/env python3
"""Run the independent oracle over every envelope case of the MOX vector corpus.

    python3 vectors/oracle/run.py [--vectors DIR] [--verbose]

Prints one line per failing case and a summary; exits 1 on any failure, on an envelope
case kind it does not understand, or on a kind it has never heard of. Cases of the other
(non-envelope) kinds are counted as skipped: other runners cover them.

This file only adapts the oracle's results to the vector format; every decision about what
a receiver does is in oracle.py, taken from spec/mox.md.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402
import spec_examples  # noqa: E402

# Kinds of the corpus that are not about the envelope (vectors/README.md): skipped.
OTHER_KINDS = {
    "osc-packet", "osc-stream", "osc-stream-encode", "osc-match",
    "sysex-message", "sysex-stream", "sysex-7bit", "sysex-checksum",
    "sysex-chunk-split", "sysex-chunk-reassemble",
    "usb-midi-encode", "ump-encode", "usb-midi-decode", "ump-decode", "syx-file",
    "negotiate-transcript",  # the negotiation machine, not the envelope pipeline
}

class CaseError(Exception):
    """The case cannot be run (malformed input for this runner)."""


# --------------------------------------------------------------------------- adapters

def fields_value(fields):
    out = []
    for f in fields:
        v = {"id": f["id"], "known": f["known"], "value": f["raw"].hex()}
        if f["fields"] is not None:
            v["fields"] = fields_value(f["fields"])
        out.append(v)
    return out


def message_value(r, with_carrier):
    h = r["header"]
    m = {}
    if with_carrier:
        m["carrier"] = r["carrier"].hex()
    m.update({"check": h["K"], "owner": h["owner"].hex(), "number": h["number"],
              "major": h["major"], "minor": h["minor"], "type": h["type"]})
    if h["A"]:
        m["src"] = h["src"]
        m["dst"] = h["dst"]
    m["fields"] = fields_value(r["fields"])
    return m


def result_value(r, with_carrier):
    """One pipeline result in the vectors' `{outcome, error, reply, message}` form."""
    v = {"outcome": r["outcome"]}
    if r["class"] is not None:
        v["class"] = r["class"]
    if r["reply"] is not None:
        rep = {"code": "%02x" % r["reply"]["code"]}
        if r["reply"]["field"] is not None:
            rep["field"] = r["reply"]["field"]
        v["reply"] = rep
    if r["outcome"] == "delivered":
        v["message"] = message_value(r, with_carrier)
    return v


def receiver_of(case, receivers):
    rx = case.get("receiver")
    if isinstance(rx, str):
        if rx not in receivers:
            raise CaseError("unknown receiver %r" % rx)
        rx = receivers[rx]
    if not isinstance(rx, dict):
        raise CaseError("no receiver")
    return oracle.normalise_receiver(rx)


def reencode_problem(r, original):
    """README "RECEPTION": a delivered message re-encodes to the input's bytes (SysEx) or
    blob (OSC) exactly (MOX-MOD-004). Returns None or a description of the difference."""
    if r["outcome"] != "delivered" or r["header"]["H"]:
        return None             # a reassembled message has no single input to re-encode
    body = oracle.encode_body(r["header"], r["fields"])
    if r["carrier"] is not None:
        again = oracle.encode_sysex(r["carrier"], body)
    else:
        again = body
    if again != original:
        return "re-encoding gives %s, not %s" % (again.hex(), original.hex())
    return None


def run_sysex(case, receivers):
    rx = receiver_of(case, receivers)
    reasm = oracle.Reassembler(rx["limits"])
    unit = bytes.fromhex(case["hex"])
    r = oracle.process_sysex(unit, rx, reasm, 0, "link")
    problem = reencode_problem(r, unit)
    if problem:
        raise CaseError(problem)
    return {"result": "valid", "value": result_value(r, True)}


def osc_items(items):
    out = []
    for it in items:
        if "error" in it:
            out.append({"error": it["error"]})
            continue
        v = {"address": it["address"], "action": it["action"]}
        if it["result"] is not None:
            v["result"] = result_value(it["result"], False)
        out.append(v)
    return out


def run_osc(case, receivers):
    rx = receiver_of(case, receivers)
    reasm = oracle.Reassembler(rx["limits"])
    items = oracle.process_osc_packet(bytes.fromhex(case["hex"]), rx, reasm, 0, "link")
    for it in items:
        if it.get("result") is not None and it["result"]["outcome"] == "delivered":
            problem = reencode_problem(it["result"], it["result"]["blob"])
            if problem:
                raise CaseError(problem)
    return {"result": "valid", "value": osc_items(items)}


CONFIG_KEYS = {"max_transfers": "max_transfers", "max_payload": "max_transfer_bytes",
               "stale_timeout_ms": "stale_ms"}


def run_chunked(case, receivers):
    rx = receiver_of(case, receivers)
    for k, v in (case.get("config") or {}).items():
        if k not in CONFIG_KEYS:
            raise CaseError("unknown config key %r" % k)
        rx["limits"][CONFIG_KEYS[k]] = v
    reasm = oracle.Reassembler(rx["limits"])
    out = []
    for step in case["steps"]:
        unit = bytes.fromhex(step["hex"])
        link = step.get("link", "link")
        r = oracle.process_sysex(unit, rx, reasm, step["at"], link)
        out.append(result_value(r, True))
    return {"result": "valid", "value": out}


def run_bridge(case, _receivers):
    unit = bytes.fromhex(case["hex"])
    direction = case["direction"]
    try:
        if direction == "sysex-to-osc":
            out = oracle.bridge_sysex_to_osc(unit)
            body = oracle.sysex_shape(unit)[1]
        elif direction == "osc-to-sysex":
            carrier = bytes.fromhex(case.get("carrier", "7d"))
            if unit[:8] == b"#bundle\x00":
                # several SysEx messages: the bytes sent are their concatenation
                return {"result": "valid", "value": b"".join(
                    oracle.bridge_osc_packet_to_sysex(unit, carrier)).hex()}
            out = oracle.bridge_osc_to_sysex(unit, carrier)
            body = oracle.osc_mox_shape(unit)
        else:
            raise CaseError("unknown direction %r" % direction)
    except oracle.Fail as e:
        return {"result": "invalid", "error": e.cls}
    # A verifying bridge (MOX-BRG-004 SHOULD) refuses a bad CRC; the vectors mark this
    # implementation-defined, and the oracle claims the verifying outcome.
    cls = oracle.bridge_check(body)
    if cls is not None:
        return {"result": "invalid", "error": cls}
    return {"result": "valid", "value": out.hex()}


RUNNERS = {
    "envelope-sysex": run_sysex,
    "envelope-osc": run_osc,
    "envelope-chunked": run_chunked,
    "envelope-bridge": run_bridge,
}


# --------------------------------------------------------------------------- comparison

def matches(got, expected):
    """README "Writing a runner": valid equals the value; invalid has the class (and
    the partial when given); acceptable matches any outcome."""
    if expected["result"] == "acceptable":
        return any(matches(got, o) for o in expected["outcomes"])
    if expected["result"] != got["result"]:
        return False
    if expected["result"] == "valid":
        return got["value"] == expected["value"]
    if got["error"] != expected["error"]:
        return False
    return "partial" not in expected or got.get("partial") == expected["partial"]


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--vectors", default=os.path.dirname(here),
                    help="the vectors/ folder (default: the one this script is in)")
    ap.add_argument("--spec", default=spec_examples.DEFAULT_SPEC,
                    help="spec/mox.md, whose worked examples are checked first")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="print expected and actual values of failures")
    args = ap.parse_args(argv)

    with open(os.path.join(args.vectors, "manifest.json")) as f:
        manifest = json.load(f)
    passed = failed = skipped = 0
    per_kind = {"spec-examples": [0, 0]}
    try:
        examples = list(spec_examples.checks(args.spec))
    except Exception as e:  # the text moved: an example or its label is gone
        examples = [("extraction", False, "%s: %s" % (type(e).__name__, e))]
    for name, ok, detail in examples:
        per_kind["spec-examples"][0 if ok else 1] += 1
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL spec example %s %s" % (name, detail))
    for rel in manifest["files"]:
        with open(os.path.join(args.vectors, rel)) as f:
            corpus = json.load(f)
        receivers = corpus.get("receivers", {})
        for case in corpus["cases"]:
            kind = case.get("kind")
            if kind in OTHER_KINDS:
                skipped += 1
                continue
            stats = per_kind.setdefault(kind, [0, 0])
            runner = RUNNERS.get(kind)
            if runner is None:
                print("FAIL %s: kind %r not understood" % (case.get("id"), kind))
                failed += 1
                stats[1] += 1
                continue
            try:
                got = runner(case, receivers)
                ok = matches(got, case["expected"])
            except Exception as e:  # a crash on one case is that case's failure
                e = "%s: %s" % (type(e).__name__, e)
                got, ok = {"runner-error": str(e)}, False
            if ok:
                passed += 1
                stats[0] += 1
                continue
            failed += 1
            stats[1] += 1
            print("FAIL %s" % case["id"])
            if args.verbose:
                print("  expected: %s" % json.dumps(case["expected"], sort_keys=True))
                print("  oracle:   %s" % json.dumps(got, sort_keys=True))
    for kind in sorted(per_kind):
        p, fl = per_kind[kind]
        print("%-18s %4d passed %4d failed" % (kind, p, fl))
    print("total: %d passed, %d failed, %d skipped (not envelope kinds)"
          % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
