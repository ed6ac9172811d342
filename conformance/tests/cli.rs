//! The `mox` binary as a user runs it: exit codes, messages, and snapshots of its output.
mod common;
use common::{hex, mox, stderr, stdout};

const FEEOOBLAH: &str = "2f6665656f6f626c616800002c736966000000006265616e730000000000000140000000";

#[test]
fn decode_text_and_json() {
    let text = mox(&["osc", "decode", "--format", "text", FEEOOBLAH], b"");
    assert!(text.status.success());
    assert_eq!(stdout(&text), "/feeooblah ,sif \"beans\" 1 2.0\n");
    let json = mox(&["osc", "decode", FEEOOBLAH], b"");
    assert!(json.status.success());
    insta::assert_snapshot!("decode_feeooblah_json", stdout(&json));
}

#[test]
fn decode_reads_raw_and_hex_from_stdin_and_files() {
    let raw = hex(FEEOOBLAH);
    let from_raw_stdin = mox(&["osc", "decode", "--format", "text"], &raw);
    assert_eq!(stdout(&from_raw_stdin), "/feeooblah ,sif \"beans\" 1 2.0\n");
    let from_hex_stdin = mox(
        &["osc", "decode", "--format", "text", "-f", "-"],
        FEEOOBLAH.as_bytes(),
    );
    assert_eq!(stdout(&from_hex_stdin), "/feeooblah ,sif \"beans\" 1 2.0\n");
    let path = std::env::temp_dir().join(format!("mox-cli-test-{}.osc", std::process::id()));
    std::fs::write(&path, &raw).unwrap();
    let from_file = mox(
        &[
            "osc",
            "decode",
            "--format",
            "text",
            "-f",
            path.to_str().unwrap(),
        ],
        b"",
    );
    std::fs::remove_file(&path).unwrap();
    assert_eq!(stdout(&from_file), "/feeooblah ,sif \"beans\" 1 2.0\n");
}

#[test]
fn malformed_input_names_the_error_and_fails() {
    // `/a ,is 7` then a string without its NUL: the int still decodes.
    let out = mox(
        &[
            "osc",
            "decode",
            "--format",
            "text",
            "2f6100002c6973000000000761626364",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "/a ,is 7 <error: unterminated-string at byte 12>\n"
    );
    assert_eq!(
        stderr(&out),
        "mox: malformed input: string has no terminating NUL at byte 12 (unterminated-string)\n"
    );
    let empty = mox(&["osc", "decode", "-f", "-"], b"");
    assert_eq!(empty.status.code(), Some(1));
    assert!(
        stderr(&empty).contains("(empty-packet)"),
        "{}",
        stderr(&empty)
    );
    let bad_hex = mox(&["osc", "decode", "2f6"], b"");
    assert_eq!(bad_hex.status.code(), Some(2));
    assert!(stderr(&bad_hex).contains("odd number of digits"));
}

#[test]
fn encode_round_trips_through_decode() {
    let json = mox(&["osc", "decode", FEEOOBLAH], b"");
    let encoded = mox(&["osc", "encode"], &json.stdout);
    assert!(encoded.status.success(), "{}", stderr(&encoded));
    assert_eq!(stdout(&encoded), format!("{FEEOOBLAH}\n"));
    let raw = mox(&["osc", "encode", "--raw", &stdout(&json)], b"");
    assert_eq!(raw.stdout, hex(FEEOOBLAH));
    let bad = mox(
        &[
            "osc",
            "encode",
            r#"{"message": {"address": "no-slash", "args": []}}"#,
        ],
        b"",
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("cannot encode"), "{}", stderr(&bad));
}

#[test]
fn match_exit_codes() {
    let hit = mox(
        &["osc", "match", "/strip/{1,2}/fad*", "/strip/2/fader"],
        b"",
    );
    assert_eq!(
        (hit.status.code(), stdout(&hit).as_str()),
        (Some(0), "match\n")
    );
    let miss = mox(&["osc", "match", "/strip/[!0-9]", "/strip/7"], b"");
    assert_eq!(
        (miss.status.code(), stdout(&miss).as_str()),
        (Some(1), "no match\n")
    );
    // An address containing a wildcard is not an address: the two cannot be swapped.
    let swapped = mox(&["osc", "match", "/strip/7", "/strip/*"], b"");
    assert_eq!(swapped.status.code(), Some(2));
    assert!(
        stderr(&swapped).contains("invalid address"),
        "{}",
        stderr(&swapped)
    );
}

#[test]
fn vectors_check_summarises_the_corpus() {
    let out = mox(&["vectors", "check"], b"");
    assert!(out.status.success(), "{}", stdout(&out));
    let text = stdout(&out);
    let last = text.lines().last().unwrap();
    let passed: usize = last.split_whitespace().next().unwrap().parse().unwrap();
    assert!(passed >= 150, "{text}");
    assert!(last.ends_with(" passed, 0 failed"), "{text}");
    assert!(text.contains("osc-packet: "), "{text}");
}

#[test]
fn vectors_check_fails_on_a_broken_corpus() {
    let dir = std::env::temp_dir().join(format!("mox-cli-corpus-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("osc")).unwrap();
    std::fs::write(
        dir.join("manifest.json"),
        r#"{"corpus_version": "1.0.0", "files": ["osc/x.json"]}"#,
    )
    .unwrap();
    // A valid case whose expected value is wrong: the decoder says 1, the case says 2.
    std::fs::write(
        dir.join("osc/x.json"),
        r#"{"corpus_version": "1.0.0", "cases": [{"id": "osc::test::wrong", "description": "d",
            "source": "s", "kind": "osc-packet", "hex": "2f6100002c69000000000001",
            "expected": {"result": "valid", "value": {"message": {"address": "/a",
            "args": [{"type": "i", "value": 2}]}}}}]}"#,
    )
    .unwrap();
    let out = mox(&["vectors", "check", "--dir", dir.to_str().unwrap()], b"");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("FAIL osc::test::wrong"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).ends_with("0 passed, 1 failed\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn sysex_decode_prints_messages_and_framing() {
    let out = mox(
        &[
            "sysex",
            "decode",
            "f0 7e 7f 06 01 f7 90 3c 40 3e 40 f8 f0 41 10 f7",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("sysex_decode_stream_json", stdout(&out));
}

#[test]
fn sysex_decode_reports_problems_and_exits_1() {
    // An aborted SysEx, then a SysEx the stream ends inside; a raw .syx-style file on stdin.
    let out = mox(&["sysex", "decode"], &hex("f001903c40f07d"));
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("\"outcome\": \"sysex-aborted\""), "{text}");
    assert!(text.contains("\"message\": \"903c40\""), "{text}");
    assert!(
        text.contains("\"outcome\": \"unterminated-sysex\""),
        "{text}"
    );
    assert!(stderr(&out).contains("2 problem(s)"), "{}", stderr(&out));
}

#[test]
fn sysex_pack_unpack_checksum_round_trip() {
    let packed = mox(&["sysex", "pack", "-e", "mcoded7", "810283"], b"");
    assert_eq!(stdout(&packed), "50010203\n");
    let unpacked = mox(&["sysex", "unpack", "-e", "mcoded7", "50010203"], b"");
    assert_eq!(stdout(&unpacked), "810283\n");
    let reversed = mox(&["sysex", "pack", "-e", "mcoded7-reversed", "810283"], b"");
    assert_eq!(stdout(&reversed), "05010203\n");
    let bad = mox(&["sysex", "unpack", "-e", "mcoded7", "5001028f"], b"");
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("not-seven-bit"), "{}", stderr(&bad));

    let sum = mox(
        &[
            "sysex",
            "checksum",
            "-a",
            "twos-complement-sum",
            "1800020364",
        ],
        b"",
    );
    assert_eq!(stdout(&sum), "7f\n");
    let ok = mox(
        &[
            "sysex",
            "checksum",
            "-a",
            "twos-complement-sum",
            "--verify",
            "18000203647f",
        ],
        b"",
    );
    assert!(ok.status.success());
    let wrong = mox(
        &[
            "sysex",
            "checksum",
            "-a",
            "twos-complement-sum",
            "--verify",
            "18000203647e",
        ],
        b"",
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("checksum-mismatch"),
        "{}",
        stderr(&wrong)
    );
}

#[test]
fn sysex_split_and_packets() {
    let payload: String = (0x10u8..0x38).map(|b| format!("{b:02x}")).collect();
    let split = mox(
        &[
            "sysex",
            "split",
            "--max-sysex",
            "22",
            "--overhead",
            "3",
            "--transfer-id",
            "1",
            &payload,
        ],
        b"",
    );
    assert!(split.status.success(), "{}", stderr(&split));
    let text = stdout(&split);
    let chunks: Vec<&str> = text.lines().collect();
    assert_eq!(chunks.len(), 4);
    assert!(chunks[0].starts_with("01040001000c00"), "{chunks:?}");
    assert!(chunks[3].starts_with("0104000400040034"), "{chunks:?}");

    let usb = mox(
        &["sysex", "usb", "encode", "f0 01 f8 02 03 04 f7 90 3c 40"],
        b"",
    );
    assert_eq!(stdout(&usb), "0ff80000\n04f00102\n070304f7\n09903c40\n");
    let back = mox(&["sysex", "usb", "decode", "04f00102070304f7"], b"");
    assert!(stdout(&back).contains("\"cable\": 0"), "{}", stdout(&back));
    assert!(
        stdout(&back).contains("\"bytes\": \"f001020304f7\""),
        "{}",
        stdout(&back)
    );

    let ump = mox(
        &[
            "sysex",
            "ump",
            "encode",
            "f0 01 02 03 04 05 06 07 f7 90 3c 40",
        ],
        b"",
    );
    assert_eq!(
        stdout(&ump),
        "30160102 03040506\n30310700 00000000\n20903c40\n"
    );
    let back = mox(
        &[
            "sysex",
            "ump",
            "decode",
            "30160102 03040506 30310700 00000000",
        ],
        b"",
    );
    assert!(
        stdout(&back).contains("\"bytes\": \"f001020304050607f7\""),
        "{}",
        stdout(&back)
    );
    let bad = mox(&["sysex", "ump", "decode", "30260102 03040506"], b"");
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).contains("sysex-not-started"),
        "{}",
        stdout(&bad)
    );
}
