"""Receive OSC datagrams on 127.0.0.1 and print what python-osc decodes, as JSON lines.

Used by codec/tests/peers_python.rs. Usage: pyosc_recv.py COUNT

Prints {"port": PORT, "python_osc": VERSION} once bound, then one line per datagram:
  {"packet": ELEMENT, "flat": [ADDRESS...], "warnings": [TEXT...]}   or   {"error": TEXT}
  ELEMENT: {"message": {"address": A, "args": [VALUE...]}}
         | {"bundle": {"timestamp": ["immediate"] | ["float", HEX16], "elements": [ELEMENT...]}}
  VALUE:   ["none"] | ["bool", B] | ["int", N] | ["float", HEX16 of the double] | ["str", S]
         | ["bytes", HEX] | ["midi", [P, S, D1, D2]] | ["timetag", [SECONDS, FRACTION]]
         | ["list", [VALUE...]] | ["unknown", REPR]
"flat" is OscPacket's time-sorted message list (addresses), "warnings" what python-osc
logged while parsing it once. Exits after COUNT datagrams, or after 10 s without one.
"""

import datetime
import importlib.metadata
import json
import logging
import socket
import struct
import sys

try:
    from pythonosc.osc_bundle import OscBundle
    from pythonosc.osc_message import OscMessage
    from pythonosc.osc_packet import OscPacket
    from pythonosc.parsing import osc_types
except ImportError as e:
    sys.exit(f"python-osc is missing ({e}): run scripts/setup.sh")

NTP_EPOCH = datetime.datetime(1900, 1, 1)


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


def value(v):
    if v is None:
        return ["none"]
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, int):
        return ["int", v]
    if isinstance(v, float):
        return ["float", struct.pack(">d", v).hex()]
    if isinstance(v, str):
        return ["str", v]
    if isinstance(v, bytes):
        return ["bytes", v.hex()]
    if isinstance(v, list):
        return ["list", [value(x) for x in v]]
    if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], datetime.datetime):
        seconds = (v[0] - NTP_EPOCH) // datetime.timedelta(seconds=1)
        return ["timetag", [seconds, v[1]]]
    if isinstance(v, tuple) and len(v) == 4:
        return ["midi", list(v)]
    return ["unknown", repr(v)]


def element(e):
    if isinstance(e, OscBundle):
        ts = e.timestamp
        if isinstance(ts, int) and ts == osc_types.IMMEDIATELY:
            stamp = ["immediate"]
        else:
            stamp = ["float", struct.pack(">d", ts).hex()]
        return {"bundle": {"timestamp": stamp, "elements": [element(x) for x in e]}}
    return {"message": {"address": e.address, "args": [value(p) for p in e.params]}}


def main():
    count = int(sys.argv[1])
    collect = Collect()
    logging.getLogger().addHandler(collect)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(10)
    version = importlib.metadata.version("python-osc")
    print(json.dumps({"port": sock.getsockname()[1], "python_osc": version}), flush=True)
    for _ in range(count):
        dgram = sock.recv(65536)
        collect.records.clear()
        try:
            if OscBundle.dgram_is_bundle(dgram):
                parsed = element(OscBundle(dgram))
            else:
                parsed = element(OscMessage(dgram))
            warnings = list(collect.records)  # OscPacket below parses (and warns) again
            flat = [m.message.address for m in OscPacket(dgram).messages]
            out = {"packet": parsed, "flat": flat, "warnings": warnings}
        except Exception as e:  # reported to the test, which asserts on it
            out = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8")
    main()
