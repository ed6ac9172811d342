#!/usr/bin/env python3
"""The mido side of codec/tests/peers_mido.rs: .syx files through mido's own reader and writer.

    mido_syx.py read FILE          prints {"mido": VERSION, "messages": [HEX, ...]}: every SysEx
                                   mido.read_syx_file finds, F0 and F7 included
    mido_syx.py write FILE HEX...  writes the messages (HEX: F0 ... F7) with mido.write_syx_file
"""
import json
import sys

import mido
from importlib.metadata import version


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "read":
        messages = mido.read_syx_file(sys.argv[2])
        print(json.dumps({"mido": version("mido"),
                          "messages": [bytes(m.bin()).hex() for m in messages]}))
    elif len(sys.argv) >= 3 and sys.argv[1] == "write":
        messages = [mido.Message.from_bytes(bytes.fromhex(h)) for h in sys.argv[3:]]
        mido.write_syx_file(sys.argv[2], messages)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
