//! `mox envelope decode` and `mox envelope encode` as a user runs them: dumps (insta
//! snapshots), exit codes, and GREASE from a seed.
mod common;
use std::process::Output;

use common::{mox, stderr, stdout};

/// The receivers of the SysEx and OSC envelope vectors (spec §15.2 JSON).
const SYSEX_RECEIVERS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../vectors/envelope/sysex.json"
);
const OSC_RECEIVERS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/envelope/osc.json");

/// Spec §4.9's fader message (colour as field 4, `u21`).
const SPEC_FADER: &str = "f07d4d4f58017e010101010001030802004020037f20002144f7";
/// Spec §5.4: the same body in `/mox ,b`.
const SPEC_FADER_OSC: &str =
    "2f6d6f78000000002c62000000000014017e010101010001030802004020037f20002144";
const SPEC_FADER_JSON: &str = r#"{"header": {"owner": "7e", "number": 1, "major": 1, "minor": 1,
    "type": 1, "check": true}, "fields": [{"id": 0, "value": "03"}, {"id": 8, "value": "0040"},
    {"id": 32, "value": "7f2000"}]}"#;

fn decode_with(receivers: &str, name: &str, hex: &str) -> Output {
    mox(
        &[
            "envelope",
            "decode",
            "--receiver",
            receivers,
            "--receiver-name",
            name,
            hex,
        ],
        b"",
    )
}

#[test]
fn decode_without_receiver_dumps_the_message() {
    let out = mox(&["envelope", "decode", SPEC_FADER], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("decode_spec_fader", stdout(&out));
}

#[test]
fn decode_with_receiver_shows_known_fields_and_outcome() {
    let out = decode_with(SYSEX_RECEIVERS, "spec-fader-1.1", SPEC_FADER);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("decode_spec_fader_known", stdout(&out));
    // The same message to a 1.0 receiver: the colour (added in 1.1) is unknown, skipped.
    let out = decode_with(SYSEX_RECEIVERS, "fader-1.0", SPEC_FADER);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("7f2000  unknown: skipped, forwarded"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn decode_shows_replies_for_addressed_messages() {
    // C=0 R=1: delivered, with the 24 notification naming the field.
    let notify = decode_with(
        SYSEX_RECEIVERS,
        "fader-1.0",
        "f07d4d4f58027e0101000121061503566848000001033a015508020040f7",
    );
    assert!(notify.status.success());
    insta::assert_snapshot!("decode_notify_24", stdout(&notify));
    // C=1 R=1: dropped, with error 06 naming it; a valid outcome, so exit 0.
    let dropped = decode_with(
        SYSEX_RECEIVERS,
        "fader-1.0",
        "f07d4d4f58027e0101000121061503566848000001033b015508020040f7",
    );
    assert!(dropped.status.success());
    insta::assert_snapshot!("decode_dropped_06", stdout(&dropped));
}

#[test]
fn decode_fails_on_malformed_discarded_and_not_mox() {
    let reserved = decode_with(
        SYSEX_RECEIVERS,
        "fader-1.0",
        "f07d4d4f58127e01010001210615035668480000010308020040f7",
    );
    assert_eq!(reserved.status.code(), Some(1));
    insta::assert_snapshot!("decode_reserved_bit", stdout(&reserved));
    assert!(
        stderr(&reserved).contains("(reserved-bit-set)"),
        "{}",
        stderr(&reserved)
    );

    let bad_check = mox(
        &[
            "envelope",
            "decode",
            "f07d4d4f58017e010101010001030802004010037f20006068f7",
        ],
        b"",
    );
    assert_eq!(bad_check.status.code(), Some(1));
    assert!(
        stderr(&bad_check).contains("(bad-check)"),
        "{}",
        stderr(&bad_check)
    );

    let universal = mox(&["envelope", "decode", "f07e4d4f5800f7"], b"");
    assert_eq!(universal.status.code(), Some(1));
    assert!(stdout(&universal).contains("not MOX"));

    // A format this version does not know is ignored, not malformed.
    let format = mox(
        &[
            "envelope",
            "decode",
            "f07d4d4f58217e01010101000103080200401e17f7",
        ],
        b"",
    );
    assert!(format.status.success(), "{}", stderr(&format));
    assert!(stdout(&format).contains("format 01: not this envelope, ignored (unknown-format)"));
}

#[test]
fn decode_osc_bundles_by_group() {
    let bundle = "2362756e646c65000000000000000001000000202f6d6f78000000002c6200000000000d\
                  007e0101000100010108020020000000000000182f73747269702f312f66616465720000\
                  2c6600003e800000000000182f73747269702f312f6e616d650000002c730000566f7800";
    let supported = decode_with(OSC_RECEIVERS, "fader-1.0", bundle);
    assert!(supported.status.success());
    insta::assert_snapshot!("decode_osc_group_supported", stdout(&supported));
    let plain = decode_with(OSC_RECEIVERS, "plain", bundle);
    assert!(plain.status.success());
    let text = stdout(&plain);
    assert!(text.contains("rejected (unsupported-extension)"), "{text}");
    assert_eq!(text.matches("acted on as plain OSC").count(), 2, "{text}");

    let message = mox(&["envelope", "decode", SPEC_FADER_OSC], b"");
    assert!(message.status.success());
    // Same body, same dump after the binding line.
    let sysex = stdout(&mox(&["envelope", "decode", SPEC_FADER], b""));
    let osc = stdout(&message);
    let after = |s: &str| s.split_once("body").map(|(_, rest)| rest.to_owned());
    assert_eq!(after(&osc), after(&sysex));
}

#[test]
fn decode_shows_a_chunk_without_reassembling() {
    // Spec §4.8, chunk 1 of transfer 05, addressed to 0x42.
    let chunk = "f07d4d4f58077e0101010167 0a0d0942000000050200010008000001030802004020 3d53f7";
    let out = decode_with(SYSEX_RECEIVERS, "spec-fader-1.1", chunk);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("transfer 5, chunk 1 of 2, payload 8 bytes"),
        "{text}"
    );
    assert!(text.contains("outcome    chunk"), "{text}");
}

#[test]
fn receiver_file_errors_are_usage_errors() {
    let several = mox(
        &[
            "envelope",
            "decode",
            "--receiver",
            SYSEX_RECEIVERS,
            SPEC_FADER,
        ],
        b"",
    );
    assert_eq!(several.status.code(), Some(2));
    assert!(
        stderr(&several).contains("pick one with --receiver-name"),
        "{}",
        stderr(&several)
    );
    let missing = decode_with(SYSEX_RECEIVERS, "nobody", SPEC_FADER);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("fader-1.0"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn encode_gives_the_spec_bytes_on_both_bindings() {
    let sysex = mox(&["envelope", "encode", SPEC_FADER_JSON], b"");
    assert!(sysex.status.success(), "{}", stderr(&sysex));
    assert_eq!(stdout(&sysex), format!("{SPEC_FADER}\n"));
    let osc = mox(
        &["envelope", "encode", "--binding", "osc", "-f", "-"],
        SPEC_FADER_JSON.as_bytes(),
    );
    assert_eq!(stdout(&osc), format!("{SPEC_FADER_OSC}\n"));
    let addressed = mox(
        &[
            "envelope",
            "encode",
            "--carrier",
            "002109",
            r#"{"header": {"owner": "7e", "number": 1, "major": 1, "minor": 0, "type": 1,
                "src": 19088743, "dst": 66}, "fields": []}"#,
        ],
        b"",
    );
    assert_eq!(
        stdout(&addressed),
        "f00021094d4f58027e01010001670a0d0942000000f7\n"
    );
    let bad = mox(&["envelope", "encode", r#"{"header": {}}"#], b"");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn grease_seed_reproduces_and_receivers_ignore_it() {
    let run = |seed: &str| {
        let out = mox(
            &["envelope", "encode", "--grease-seed", seed, SPEC_FADER_JSON],
            b"",
        );
        assert!(out.status.success(), "{}", stderr(&out));
        (stdout(&out), stderr(&out))
    };
    let (first, note) = run("2");
    assert_eq!(run("2").0, first);
    assert_ne!(run("3").0, first);
    assert!(note.contains("GREASE (seed 2)"), "{note}");
    assert_ne!(first.trim(), SPEC_FADER);
    let decoded = decode_with(SYSEX_RECEIVERS, "spec-fader-1.1", first.trim());
    assert!(decoded.status.success());
    let text = stdout(&decoded);
    assert!(text.contains("outcome    delivered"), "{text}");
    let grease_lines: Vec<&str> = text.lines().filter(|l| l.contains("GREASE")).collect();
    assert!(!grease_lines.is_empty(), "{text}");
    assert!(grease_lines
        .iter()
        .all(|l| l.contains("C=0 R=0") && l.contains("unknown")));

    // The rate needs a seed.
    let no_seed = mox(
        &[
            "envelope",
            "encode",
            "--grease-one-in",
            "3",
            SPEC_FADER_JSON,
        ],
        b"",
    );
    assert_eq!(no_seed.status.code(), Some(2));
}
