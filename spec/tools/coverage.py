#!/usr/bin/env python3
"""Requirement coverage: which requirement ids of spec/mox.md and spec/schema.md are cited
by vector cases (their `requirements` lists) and by tests (an id such as `MOX-FLD-021` or a
test name such as `mox_fld_021_…` in Rust or Python test code).

Usage: python3 spec/tools/coverage.py [--list-uncovered] [--markdown]
Prints a summary per area; exits 0 (a report, not a gate).
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
ID = re.compile(r"\*\*(MOX-[A-Z]+-\d{3})\*\*")
CITE = re.compile(r"MOX-[A-Z]+-\d{3}", re.I)
SNAKE = re.compile(r"mox_([a-z]+)_(\d{3})")


def spec_ids():
    ids = {}
    for name in ("spec/mox.md", "spec/schema.md"):
        for m in ID.finditer((ROOT / name).read_text(encoding="utf-8")):
            ids.setdefault(m.group(1), name)
    return ids


def vector_citations():
    cites = {}
    manifest = json.loads((ROOT / "vectors/manifest.json").read_text())
    for rel in manifest["files"]:
        data = json.loads((ROOT / "vectors" / rel).read_text())
        for case in data.get("cases", []):
            for rid in case.get("requirements", []):
                cites.setdefault(rid.upper(), set()).add(case["id"])
    return cites


def test_citations():
    cites = {}
    globs = ["codec/tests/*.rs", "codec/src/**/*.rs", "vectors/tests/*.rs", "vectors/src/**/*.rs",
             "conformance/tests/*.rs", "conformance/src/**/*.rs", "fuzz/fuzz_targets/*.rs",
             "spec/tools/check_examples.py", "vectors/oracle/*.py"]
    for pattern in globs:
        for path in ROOT.glob(pattern):
            text = path.read_text(encoding="utf-8", errors="replace")
            rel = str(path.relative_to(ROOT))
            for m in CITE.finditer(text):
                cites.setdefault(m.group(0).upper(), set()).add(rel)
            for m in SNAKE.finditer(text):
                cites.setdefault(f"MOX-{m.group(1).upper()}-{m.group(2)}", set()).add(rel)
    return cites


def main():
    ids = spec_ids()
    vectors = vector_citations()
    tests = test_citations()
    areas = {}
    uncovered = []
    for rid in ids:
        area = rid.split("-")[1]
        row = areas.setdefault(area, [0, 0, 0, 0])
        row[0] += 1
        v, t = rid in vectors, rid in tests
        row[1] += v
        row[2] += t
        row[3] += v or t
        if not (v or t):
            uncovered.append(rid)
    total = [sum(r[i] for r in areas.values()) for i in range(4)]
    print("| area | ids | cited by vectors | cited by tests/code | cited by either |")
    print("|---|--:|--:|--:|--:|")
    for area, (n, v, t, e) in sorted(areas.items()):
        print(f"| {area} | {n} | {v} | {t} | {e} |")
    print(f"| all | {total[0]} | {total[1]} | {total[2]} | {total[3]} |")
    print(f"\nvector cases citing an id: {len({c for s in vectors.values() for c in s})}")
    if "--list-uncovered" in sys.argv:
        print("\nnot cited anywhere:", " ".join(sorted(uncovered)))
    unknown = sorted(set(vectors) - set(ids))
    if unknown:
        print("\nvectors cite ids the spec does not define:", " ".join(unknown))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
