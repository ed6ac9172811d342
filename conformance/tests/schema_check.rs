//! `mox schema check` on small bad files: each case changes one thing in a valid schema and
//! must fail with the requirement id of spec/schema.md that it breaks. The messages,
//! `file:line:col` and caret excerpts are pinned by insta snapshots.
use std::path::PathBuf;
use std::process::{Command, Output};

const BASE: &str = r#"format = 1
id = "acme.knob"
owner = "7D"
number = 1
title = "Knob"
summary = "A knob."

[[versions]]
version = "1.0"
status = "current"

[[versions]]
version = "1.1"
status = "current"

[[majors]]
major = 1

[[majors.messages]]
type = 0x01
name = "turn"
kind = "notification"
idempotent = true
summary = "A knob turned."
example = { knob = 1, value = 300 }

[[majors.messages.fields]]
name = "knob"
number = 0
type = "u7"
required = true
summary = "Which knob."

[[majors.messages.fields]]
name = "value"
number = 1
type = "u14"
summary = "Position."

[[majors.messages.fallback.midi]]
kind = "control-change"
channel = "0"
controller = "knob"
value = "value >> 7"

[[majors.messages.fallback.osc]]
address = "/knob/{knob}"
args = [{ type = "f", value = "value", normalise = [0, 16383] }]

[[majors.messages]]
type = 0x40
name = "query"
kind = "request"
idempotent = true
summary = "Asks for a report."

[[majors.messages]]
type = 0x02
name = "report"
kind = "notification"
idempotent = true
answers = "query"
summary = "Answers a query."
"#;

/// A field appended after `value`.
const THIRD_FIELD: &str = "\n[[majors.messages.fields]]\nname = \"extra\"\nnumber = 2\ntype = \"u7\"\nsummary = \"Extra.\"\n";

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("mox-schema-check-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn check(name: &str, text: &str) -> Output {
    let d = dir();
    let file = format!("{name}.toml");
    std::fs::write(d.join(&file), text).unwrap();
    Command::new(env!("CARGO_BIN_EXE_mox"))
        .args(["schema", "check", &file])
        .current_dir(&d)
        .output()
        .expect("mox runs")
}

/// BASE with `from` replaced by `to`; `from` must occur exactly once.
fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        BASE.matches(from).count(),
        1,
        "`{from}` must occur once in BASE"
    );
    BASE.replacen(from, to, 1)
}

#[test]
fn base_is_valid() {
    let out = check("base", BASE);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "base.toml: valid\n");
    assert!(out.stderr.is_empty());
}

#[test]
fn shipped_extensions_are_valid() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    for name in ["mox.fader", "mox.grid"] {
        let out = Command::new(env!("CARGO_BIN_EXE_mox"))
            .args(["schema", "check", &format!("spec/extensions/{name}.toml")])
            .current_dir(&root)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stderr.is_empty(), "{name} has warnings");
    }
}

/// (case, from, to, requirement id expected in the output).
const CASES: &[(&str, &str, &str, &str)] = &[
    ("toml_syntax", "title = \"Knob\"", "title = \"Knob", "MOX-SCH-001"),
    ("unknown_key", "summary = \"Which knob.\"", "summary = \"Which knob.\"\nunits = \"knobs\"", "MOX-SCH-002"),
    ("unknown_type", "type = \"u14\"", "type = \"u16\"", "MOX-SCH-002"),
    ("format_version", "format = 1", "format = 2", "MOX-SCH-003"),
    ("bad_id", "id = \"acme.knob\"", "id = \"Acme\"", "MOX-SCH-004"),
    ("bad_owner", "owner = \"7D\"", "owner = \"7F\"", "MOX-SCH-005"),
    ("grease_extension_number", "number = 1\ntitle", "number = 23\ntitle", "MOX-SCH-006"),
    ("bad_version", "version = \"1.1\"", "version = \"1.01\"", "MOX-SCH-010"),
    ("grease_version", "version = \"1.1\"", "version = \"1.7\"", "MOX-SCH-011"),
    ("versions_out_of_order", "version = \"1.0\"", "version = \"1.2\"", "MOX-SCH-012"),
    ("major_without_entry", "version = \"1.1\"", "version = \"2.0\"", "MOX-SCH-013"),
    ("added_unknown_version", "summary = \"Position.\"", "summary = \"Position.\"\nadded = \"1.2\"", "MOX-SCH-015"),
    ("deprecated_before_added", "summary = \"Position.\"", "summary = \"Position.\"\nadded = \"1.1\"\ndeprecated = \"1.0\"", "MOX-SCH-016"),
    ("fields_not_appended", "summary = \"Position.\"\n", "summary = \"Position.\"\nadded = \"1.1\"\n\n[[majors.messages.fields]]\nname = \"extra\"\nnumber = 2\ntype = \"u7\"\nsummary = \"Extra, listed after a 1.1 field but added in 1.0.\"\n", "MOX-SCH-017"),
    ("required_added_in_minor", "summary = \"Position.\"", "summary = \"Position.\"\nadded = \"1.1\"\nrequired = true", "MOX-SCH-018"),
    ("grease_message_type", "type = 0x01", "type = 0x17", "MOX-SCH-020"),
    ("kind_disagrees_with_bit_6", "type = 0x01", "type = 0x41", "MOX-SCH-021"),
    ("duplicate_message_type", "type = 0x02", "type = 0x01", "MOX-SCH-022"),
    ("duplicate_message_name", "name = \"report\"", "name = \"turn\"", "MOX-SCH-022"),
    ("reserved_type_reused", "major = 1\n", "major = 1\nreserved_types = [0x02]\n", "MOX-SCH-023"),
    ("duplicate_key", "summary = \"A knob turned.\"", "summary = \"A knob turned.\"\nidempotent = false", "MOX-SCH-001"),
    ("dedup_missing", "type = 0x01\nname = \"turn\"\nkind = \"notification\"\nidempotent = true", "type = 0x01\nname = \"turn\"\nkind = \"notification\"\nidempotent = false", "MOX-SCH-024"),
    ("dedup_optional_sequence", "type = 0x01\nname = \"turn\"\nkind = \"notification\"\nidempotent = true", "type = 0x01\nname = \"turn\"\nkind = \"notification\"\nidempotent = false\ndedup = { method = \"sequence\", field = \"value\" }", "MOX-SCH-024"),
    ("answers_a_notification", "answers = \"query\"", "answers = \"turn\"", "MOX-SCH-025"),
    ("bad_field_name", "name = \"value\"", "name = \"Value\"", "MOX-SCH-030"),
    ("duplicate_field_name", "name = \"value\"", "name = \"knob\"", "MOX-SCH-030"),
    ("envelope_field_number", "number = 1\ntype = \"u14\"", "number = 449\ntype = \"u14\"", "MOX-SCH-031"),
    ("mox_reserved_field_number", "number = 1\ntype = \"u14\"", "number = 16384\ntype = \"u14\"", "MOX-SCH-031"),
    ("grease_field_number", "number = 1\ntype = \"u14\"", "number = 23\ntype = \"u14\"", "MOX-SCH-032"),
    ("duplicate_field_number", "number = 1\ntype = \"u14\"", "number = 0\ntype = \"u14\"", "MOX-SCH-033"),
    ("reserved_number_reused", "summary = \"A knob turned.\"", "summary = \"A knob turned.\"\nreserved = [1]", "MOX-SCH-034"),
    ("min_outside_type", "summary = \"Position.\"", "summary = \"Position.\"\nmin = -1", "MOX-SCH-035"),
    ("max_len_on_integer", "summary = \"Position.\"", "summary = \"Position.\"\nmax_len = 4", "MOX-SCH-036"),
    ("enum_without_values", "type = \"u14\"", "type = \"enum7\"", "MOX-SCH-037"),
    ("expression_syntax", "value = \"value >> 7\"", "value = \"value >> \"", "MOX-SCH-050"),
    ("expression_unknown_field", "controller = \"knob\"", "controller = \"knobs\"", "MOX-SCH-051"),
    ("expression_overflow", "value = \"value >> 7\"", "value = \"value * value * value >> 30\"", "MOX-SCH-052"),
    ("midi_value_out_of_range", "value = \"value >> 7\"", "value = \"value >> 6\"", "MOX-SCH-053"),
    ("midi_missing_parameter", "controller = \"knob\"\n", "", "MOX-SCH-053"),
    ("loop_too_long", "kind = \"control-change\"", "kind = \"control-change\"\neach = [{ var = \"i\", count = \"value\" }]", "MOX-SCH-054"),
    ("osc_address_character", "address = \"/knob/{knob}\"", "address = \"/knob #{knob}\"", "MOX-SCH-055"),
    ("osc_address_trailing_slash", "address = \"/knob/{knob}\"", "address = \"/knob/{knob}/\"", "MOX-SCH-055"),
    ("osc_address_unbalanced", "address = \"/knob/{knob}\"", "address = \"/knob/{knob\"", "MOX-SCH-055"),
    ("osc_address_is_mox", "address = \"/knob/{knob}\"", "address = \"/mox\"", "MOX-SCH-055"),
    ("osc_string_from_integer", "args = [{ type = \"f\", value = \"value\", normalise = [0, 16383] }]", "args = [{ type = \"s\", value = \"value\" }]", "MOX-SCH-056"),
    ("osc_float_outside_normalise", "normalise = [0, 16383]", "normalise = [0, 127]", "MOX-SCH-056"),
    ("condition_never_holds", "kind = \"control-change\"", "kind = \"control-change\"\nwhen = \"knob > 200\"", "MOX-SCH-057"),
    ("example_out_of_range", "example = { knob = 1, value = 300 }", "example = { knob = 1, value = 30000 }", "MOX-SCH-060"),
    ("example_missing_required", "example = { knob = 1, value = 300 }", "example = { value = 300 }", "MOX-SCH-060"),
];

#[test]
fn each_bad_file_fails_with_its_requirement() {
    let mut failures = Vec::new();
    for (name, from, to, req) in CASES {
        let out = check(name, &edit(from, to));
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        if out.status.code() != Some(1) || !stderr.contains(&format!("[{req}]")) {
            failures.push(format!(
                "{name}: exit {:?}, expected [{req}]:\n{stderr}",
                out.status.code()
            ));
            continue;
        }
        assert!(
            out.stdout.is_empty(),
            "{name}: an invalid file prints nothing on stdout"
        );
        insta::assert_snapshot!(format!("check_{name}"), stderr);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn all_errors_are_reported_not_only_the_first() {
    let text = edit("number = 1\ntype = \"u14\"", "number = 7\ntype = \"u14\"").replacen(
        "type = 0x01",
        "type = 0x41",
        1,
    );
    let out = check("two_errors", &text);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("[MOX-SCH-021]") && stderr.contains("[MOX-SCH-032]"),
        "{stderr}"
    );
    assert!(stderr.ends_with("invalid schema (2 errors)\n"), "{stderr}");
}

#[test]
fn experimental_numbers_warn_but_pass() {
    let out = check(
        "experimental",
        &edit(
            "number = 1\ntype = \"u14\"",
            "number = 12288\ntype = \"u14\"",
        ),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "experimental.toml: valid (1 warning)\n"
    );
    insta::assert_snapshot!(
        "check_experimental_warning",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_third_field_can_be_appended_in_a_minor() {
    let text = edit(
        "summary = \"Position.\"\n",
        &format!("summary = \"Position.\"\n{}added = \"1.1\"\n", THIRD_FIELD),
    );
    let out = check("appended", &text);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn unreadable_file_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_mox"))
        .args(["schema", "check", "/nonexistent/mox-schema.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("mox: cannot read /nonexistent/mox-schema.toml"));
}

fn check_against(name: &str, new: &str) -> Output {
    let d = dir();
    std::fs::write(d.join("previous.toml"), BASE).unwrap();
    let file = format!("{name}.toml");
    std::fs::write(d.join(&file), new).unwrap();
    Command::new(env!("CARGO_BIN_EXE_mox"))
        .args(["schema", "check", &file, "--previous", "previous.toml"])
        .current_dir(&d)
        .output()
        .expect("mox runs")
}

/// BASE plus version 1.2 and a field appended in it.
fn appended_in_1_2() -> String {
    edit(
        "summary = \"Position.\"\n",
        &format!("summary = \"Position.\"\n{THIRD_FIELD}added = \"1.2\"\n"),
    )
    .replacen(
        "[[majors]]",
        "[[versions]]\nversion = \"1.2\"\nstatus = \"current\"\n\n[[majors]]",
        1,
    )
}

#[test]
fn previous_revision_appending_in_a_new_minor_is_valid() {
    let out = check_against("next", &appended_in_1_2());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let same = check_against("same", BASE);
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&same.stderr)
    );
}

#[test]
fn previous_revision_edits_in_place_are_rejected() {
    let cases: [(&str, String); 5] = [
        ("changed_type", edit("type = \"u14\"", "type = \"u21\"\nmax = 16383")),
        ("changed_flags", edit("summary = \"Position.\"", "summary = \"Position.\"\ncritical = true")),
        (
            "appended_in_published_minor",
            appended_in_1_2().replacen("added = \"1.2\"", "added = \"1.1\"", 1),
        ),
        (
            "removed_field",
            edit("\n[[majors.messages.fields]]\nname = \"value\"\nnumber = 1\ntype = \"u14\"\nsummary = \"Position.\"\n", "")
                .replacen(", value = 300", "", 1)
                .replace("value >> 7", "knob")
                .replace("value = \"value\", normalise = [0, 16383]", "value = \"knob\", normalise = [0, 127]"),
        ),
        ("removed_version", edit("[[versions]]\nversion = \"1.1\"\nstatus = \"current\"\n\n", "")),
    ];
    for (name, text) in cases {
        let alone = check(&format!("{name}_alone"), &text);
        assert_eq!(
            alone.status.code(),
            Some(0),
            "{name} is valid on its own: {}",
            String::from_utf8_lossy(&alone.stderr)
        );
        let out = check_against(name, &text);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("[MOX-SCH-019]"), "{name}: {stderr}");
        insta::assert_snapshot!(format!("previous_{name}"), stderr);
    }
}

#[test]
fn an_invalid_previous_revision_is_reported() {
    let d = dir();
    std::fs::write(
        d.join("old-bad.toml"),
        edit("number = 1\ntype = \"u14\"", "number = 7\ntype = \"u14\""),
    )
    .unwrap();
    std::fs::write(d.join("new.toml"), BASE).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mox"))
        .args(["schema", "check", "new.toml", "--previous", "old-bad.toml"])
        .current_dir(&d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("old-bad.toml:36:10: error[MOX-SCH-032]")
            && stderr.ends_with("old-bad.toml: invalid schema (1 error)\n"),
        "{stderr}"
    );
}
