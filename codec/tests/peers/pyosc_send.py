"""Build OSC packets with python-osc's builders and send them to 127.0.0.1:PORT.

Used by codec/tests/peers_python.rs. Usage: pyosc_send.py PORT < SPEC.json

SPEC: {"packets": [PACKET...]}
  PACKET: {"message": {"address": A, "args": [ARG...]}}     OscMessageBuilder.add_arg(v, type)
        | {"bundle": {"timestamp": SECONDS, "elements": [PACKET...]}}
                                     OscBundleBuilder(SECONDS); 0 is python-osc's IMMEDIATELY
        | {"simple": {"address": A, "value": NATURAL}}      SimpleUDPClient.send_message(A, v)
  ARG: ["i", N] | ["h", N] | ["f", HEX8] | ["d", HEX16] | ["s", S] | ["b", HEX] | ["r", N]
     | ["m", [P, S, D1, D2]] | ["T"] | ["F"] | ["N"] | ["[", [ARG...]]
  NATURAL: a JSON int, string, bool, null or list, or {"blob": HEX} | {"float": HEX16}
     | {"midi": [P, S, D1, D2]} (bytes, float and tuple values)
All packets go out through one SimpleUDPClient socket. Prints one JSON report: the
python-osc version, how many packets were sent, and what its builders refuse.
"""

import importlib.metadata
import json
import struct
import sys

try:
    from pythonosc.osc_bundle_builder import OscBundleBuilder
    from pythonosc.osc_message_builder import OscMessageBuilder
    from pythonosc.udp_client import SimpleUDPClient
except ImportError as e:
    sys.exit(f"python-osc is missing ({e}): run scripts/setup.sh")


def arg(a):
    """(value, type) for OscMessageBuilder.add_arg; arrays nest lists of both."""
    kind = a[0]
    if kind == "[":
        pairs = [arg(x) for x in a[1]]
        return [v for v, _ in pairs], [t for _, t in pairs]
    if kind in ("i", "h", "s", "r"):
        return a[1], kind
    if kind == "f":
        return struct.unpack(">f", bytes.fromhex(a[1]))[0], kind
    if kind == "d":
        return struct.unpack(">d", bytes.fromhex(a[1]))[0], kind
    if kind == "b":
        return bytes.fromhex(a[1]), kind
    if kind == "m":
        return tuple(a[1]), kind
    if kind in ("T", "F", "N"):
        return {"T": True, "F": False, "N": None}[kind], kind
    raise ValueError(f"unknown spec argument {a!r}")


def natural(v):
    if isinstance(v, dict):
        if "blob" in v:
            return bytes.fromhex(v["blob"])
        if "float" in v:
            return struct.unpack(">d", bytes.fromhex(v["float"]))[0]
        if "midi" in v:
            return tuple(v["midi"])
        raise ValueError(f"unknown natural value {v!r}")
    if isinstance(v, list):
        return [natural(x) for x in v]
    return v


def build(p):
    if "message" in p:
        builder = OscMessageBuilder(address=p["message"]["address"])
        for a in p["message"]["args"]:
            value, kind = arg(a)
            builder.add_arg(value, kind)
        return builder.build()
    if "bundle" in p:
        builder = OscBundleBuilder(p["bundle"]["timestamp"])
        for e in p["bundle"]["elements"]:
            builder.add_content(build(e))
        return builder.build()
    raise ValueError(f"unknown spec packet {p!r}")


def refusals():
    """What the builders refuse, as "ExceptionName: message"."""
    out = {}
    for kind in ("t", "S", "c", "I"):
        try:
            OscMessageBuilder(address="/x").add_arg(1, kind)
            out[kind] = "accepted"
        except Exception as e:
            out[kind] = f"{type(e).__name__}: {e}"
    builder = OscMessageBuilder(address="/x")
    builder.add_arg(b"", "b")
    try:
        builder.build()
        out["empty blob"] = "accepted"
    except Exception as e:
        out["empty blob"] = f"{type(e).__name__}: {e}"
    return out


def main():
    port = int(sys.argv[1])
    spec = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    client = SimpleUDPClient("127.0.0.1", port)
    sent = 0
    for p in spec["packets"]:
        if "simple" in p:
            client.send_message(p["simple"]["address"], natural(p["simple"]["value"]))
        else:
            client.send(build(p))
        sent += 1
    report = {
        "python_osc": importlib.metadata.version("python-osc"),
        "sent": sent,
        "refused": refusals(),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
