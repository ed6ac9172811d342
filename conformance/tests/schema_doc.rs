//! `mox schema doc` and `mox schema json-schema`: the checked-in pages and JSON Schema must
//! be what the tool renders, and the rendering of every schema feature is pinned by a
//! snapshot.
//!
//! After changing the model, the renderer or a shipped schema, regenerate with
//! `MOX_UPDATE_DOCS=1 MOX_UPDATE_SCHEMA=1 cargo test -p mox-conformance --test schema_doc`
//! and commit the result.
mod common;
use common::{matches_checked_in, mox_in, root};

#[test]
fn shipped_pages_match_their_schemas() {
    for name in ["mox.fader", "mox.grid"] {
        let out = mox_in(
            &root(),
            &["schema", "doc", &format!("spec/extensions/{name}.toml")],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let page = String::from_utf8(out.stdout).unwrap();
        assert!(page.starts_with(&format!("# `{name}` — ")));
        matches_checked_in(
            &format!("docs/extensions/{name}.md"),
            &page,
            "MOX_UPDATE_DOCS",
            "schema_doc",
        );
    }
}

#[test]
fn checked_in_json_schema_matches_the_model() {
    let out = mox_in(&root(), &["schema", "json-schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema = String::from_utf8(out.stdout).unwrap();
    let value: serde_json::Value = serde_json::from_str(&schema).expect("valid JSON");
    assert_eq!(value["title"], "Extension");
    assert_eq!(
        value["additionalProperties"], false,
        "unknown keys are rejected"
    );
    matches_checked_in(
        "spec/extensions/extension.schema.json",
        &schema,
        "MOX_UPDATE_SCHEMA",
        "schema_doc",
    );
}

/// Every feature of the format once: a three-byte owner, enum values added in a minor,
/// records, repeated text, 8-bit types, every flag combination, deprecation, retired
/// numbers and types, request-id deduplication, loops and string arguments.
const RICH: &str = r#"format = 1
id = "acme.synth-patch"
owner = "00 21 09"
number = 300
title = "Patch transfer"
summary = "Moves synth patches."

[[versions]]
version = "1.0"
status = "deprecated"

[[versions]]
version = "1.1"
status = "current"
summary = "Adds `tags` and the `wavetable` engine."

[[versions]]
version = "2.0"
status = "sunset"

[[majors]]
major = 1
reserved_types = [0x05]

[[majors.messages]]
type = 0x01
name = "patch"
kind = "notification"
idempotent = false
dedup = { method = "request-id" }
reserved = [9]
summary = "One patch."
example = { slot = 5, engine = "wavetable", name = "Bell", gain = -3, macro = { amount = 100, target = 2 }, tags = ["pad", "soft"], blob = "FF 00 80", level = 0.5 }

[[majors.messages.fields]]
name = "slot"
number = 0
type = "u14"
max = 999
required = true
critical = true
report = true
summary = "Patch slot."

[[majors.messages.fields]]
name = "engine"
number = 1
type = "enum7"
required = true
summary = "Synthesis engine."
values = [
  { name = "analog", value = 0, summary = "subtractive" },
  { name = "fm", value = 1, summary = "four operators" },
  { name = "wavetable", value = 2, added = "1.1", summary = "scanned tables" },
]

[[majors.messages.fields]]
name = "name"
number = 2
type = "utf8"
max_len = 32
summary = "Patch name."

[[majors.messages.fields]]
name = "gain"
number = 3
type = "i7"
min = -24
max = 24
unit = "dB"
report = true
summary = "Output gain."

[[majors.messages.fields]]
name = "macro"
number = 4
type = "record"
forward = false
deprecated = "1.1"
summary = "The macro knob."

[[majors.messages.fields.fields]]
name = "amount"
number = 0
type = "u7"
summary = "How far."

[[majors.messages.fields.fields]]
name = "target"
number = 1
type = "u7"
critical = true
forward = false
summary = "Which parameter."

[[majors.messages.fields]]
name = "tags"
number = 5
type = "text7"
repeated = true
max_len = 16
added = "1.1"
summary = "Free tags."

[[majors.messages.fields]]
name = "blob"
number = 6
type = "bytes"
added = "1.1"
summary = "Opaque engine data."

[[majors.messages.fields]]
name = "level"
number = 8
type = "f32"
added = "1.1"
summary = "Linear level."

[[majors.messages.fields]]
name = "label"
number = 64
type = "text7"
max_len = 8
added = "1.1"
summary = "Shows a two-byte id."

[[majors.messages.fallback.midi]]
kind = "program-change"
when = "slot < 128"
channel = "0"
program = "slot"

[[majors.messages.fallback.midi]]
kind = "control-change"
each = [{ var = "k", count = "2" }]
channel = "15"
controller = "20 + k"
value = "clamp(scale(gain, -24, 24, 0, 127) + k, 0, 127)"

[[majors.messages.fallback.osc]]
address = "/patch/{slot}/name"
args = [{ type = "s", value = "name" }, { type = "i", value = "engine" }, { type = "f", value = "gain" }]

[[majors.messages]]
type = 0x42
name = "patch-query"
kind = "request"
idempotent = true
added = "1.1"
summary = "Asks for a patch."
example = {}

[[majors]]
major = 2

[[majors.messages]]
type = 0x01
name = "patch"
kind = "notification"
idempotent = true
summary = "Gone."
"#;

#[test]
fn rich_schema_renders_every_feature() {
    let dir = std::env::temp_dir().join(format!("mox-schema-doc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("rich.toml"), RICH).unwrap();
    let check = mox_in(&dir, &["schema", "check", "rich.toml"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let out = mox_in(&dir, &["schema", "doc", "rich.toml", "-o", "rich.md"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "-o writes the file, not stdout");
    let page = std::fs::read_to_string(dir.join("rich.md")).unwrap();
    // Spot checks that do not depend on the snapshot: the three-byte owner and the
    // two-byte id of field 64 (64 << 3 = 512 = 40 08 as a v7 varint).
    assert!(
        page.contains("| `00 21 09` | 300 | `00 21 09 6C 04` |"),
        "{page}"
    );
    assert!(
        page.contains("| 64 | `label` | `40 08` (C=0 R=0 U=0)"),
        "{page}"
    );
    assert!(page.contains("| 0 | `slot` | `03` (C=1 R=1 U=0)"), "{page}");
    insta::assert_snapshot!("doc_rich", page);
}

#[test]
fn doc_refuses_an_invalid_schema() {
    let dir = std::env::temp_dir().join(format!("mox-schema-doc-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.toml"),
        RICH.replacen("number = 300", "number = 311", 1),
    )
    .unwrap();
    let out = mox_in(&dir, &["schema", "doc", "bad.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.toml:4:10: error[MOX-SCH-006]"),
        "{stderr}"
    );
}
