//! `.syx` files cross-checked with mido (the version pinned in
//! `scripts/python-requirements.txt`, from `<workspace>/.venv`), through real files:
//!
//! - our `syx::write` → file → `mido.read_syx_file`: the same messages;
//! - `mido.write_syx_file` → file → our `syx::Reader`: the same messages, and the same bytes
//!   as our writer produces;
//! - a damaged file (junk between messages, a realtime byte inside a message, a message cut
//!   by a new `F0`, a duplicate `F7`, a missing final `F7`): mido keeps the SysEx messages our
//!   byte-stream parser (`sysex::stream`, which passes realtime bytes through) delivers,
//!   while our `syx::Reader` also names every problem.
//!
//! Missing tools fail the tests with a pointer to `scripts/setup.sh`.
#[path = "peers/common.rs"]
mod common;
#[path = "peers/json.rs"]
mod json;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{peer_file, venv_python, workspace_root};
use mox_codec::sysex::stream::{Event, StreamParser};
use mox_codec::sysex::syx;

fn temp_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("mox-mido-{}-{name}.syx", std::process::id()))
}

fn mido(args: &[&str]) -> String {
    let output = Command::new(venv_python())
        .arg(peer_file("mido_syx.py"))
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "mido_syx.py {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn pinned_mido() -> String {
    let path = workspace_root()
        .join("scripts")
        .join("python-requirements.txt");
    let text = std::fs::read_to_string(&path).expect("requirements file");
    text.lines()
        .find_map(|line| line.split('#').next()?.trim().strip_prefix("mido=="))
        .expect("mido is pinned")
        .trim()
        .to_owned()
}

/// The messages `mido.read_syx_file` finds in `path`.
fn mido_read(path: &Path) -> Vec<Vec<u8>> {
    let out = mido(&["read", path.to_str().expect("UTF-8 path")]);
    let json = json::parse(&out).expect("mido_syx.py prints JSON");
    assert_eq!(
        json.get("mido").str(),
        pinned_mido(),
        "the venv's mido is not the pinned one"
    );
    json.get("messages")
        .array()
        .iter()
        .map(|m| hex(m.str()))
        .collect()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A deterministic mix of messages: every manufacturer id form, lengths 0–300.
fn messages() -> Vec<Vec<u8>> {
    let ids: [&[u8]; 5] = [
        &[0x41],
        &[0x00, 0x20, 0x29],
        &[0x7D],
        &[0x7E, 0x7F],
        &[0x7F, 0x7F],
    ];
    let mut seed = 0x2545_F491_u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let mut out = vec![vec![0xF0, 0xF7]];
    for (i, len) in [0usize, 1, 2, 5, 17, 128, 300].into_iter().enumerate() {
        let mut message = vec![0xF0];
        message.extend_from_slice(ids[i % ids.len()]);
        message.extend((0..len).map(|_| (next() & 0x7F) as u8));
        message.push(0xF7);
        out.push(message);
    }
    out
}

#[test]
fn our_file_reads_the_same_in_mido() {
    let messages = messages();
    let frames: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let mut file = vec![0u8; syx::written_len(&frames).expect("valid messages")];
    let n = syx::write(&frames, &mut file).expect("fits");
    assert_eq!(n, file.len());
    let path = temp_file("ours");
    std::fs::write(&path, &file).expect("write temp file");
    let read = mido_read(&path);
    let _ = std::fs::remove_file(&path);
    assert_eq!(read, messages);
}

#[test]
fn midos_file_reads_the_same_here_and_matches_our_bytes() {
    let messages = messages();
    let path = temp_file("mido");
    let mut args = vec!["write".to_owned(), path.to_string_lossy().into_owned()];
    args.extend(messages.iter().map(|m| to_hex(m)));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    mido(&args);
    let file = std::fs::read(&path).expect("mido wrote the file");
    let _ = std::fs::remove_file(&path);
    let read: Vec<Vec<u8>> = syx::Reader::new(&file)
        .map(|frame| frame.expect("mido writes well-formed files").to_vec())
        .collect();
    assert_eq!(read, messages);
    let frames: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let mut ours = vec![0u8; syx::written_len(&frames).expect("valid messages")];
    syx::write(&frames, &mut ours).expect("fits");
    assert_eq!(file, ours, "mido and mox write the same bytes");
}

#[test]
fn damaged_file_mido_agrees_with_the_stream_parser() {
    let file: Vec<u8> = [
        &[0xF0, 0x41, 0x10, 0xF7][..],   // good
        &[0x00, 0x01],                   // junk between messages
        &[0xF0, 0x7E, 0xF8, 0x7F, 0xF7], // a clock byte inside
        &[0xF0, 0x01, 0x02],             // cut short by the next F0
        &[0xF0, 0x7D, 0x05, 0xF7, 0xF7], // duplicate F7
        &[0xF0, 0x01],                   // no final F7
    ]
    .concat();
    let path = temp_file("damaged");
    std::fs::write(&path, &file).expect("write temp file");
    let from_mido = mido_read(&path);
    let _ = std::fs::remove_file(&path);

    let mut buf = [0u8; 64];
    let mut parser = StreamParser::new(&mut buf[..]);
    let mut input = &file[..];
    let mut from_parser = Vec::new();
    while let Some(event) = parser.feed(&mut input) {
        if let Event::SysEx(bytes) = event {
            from_parser.push(bytes.to_vec());
        }
    }
    let expected = vec![
        vec![0xF0, 0x41, 0x10, 0xF7],
        vec![0xF0, 0x7E, 0x7F, 0xF7],
        vec![0xF0, 0x7D, 0x05, 0xF7],
    ];
    assert_eq!(
        from_mido, expected,
        "mido keeps the complete messages, realtime removed"
    );
    assert_eq!(from_parser, expected, "so does the byte-stream parser");

    // The .syx reader yields contiguous slices, so it cannot drop the clock byte: it reports
    // that message, and every other problem, and keeps the good ones.
    let items: Vec<Result<Vec<u8>, &str>> = syx::Reader::new(&file)
        .map(|item| item.map(<[u8]>::to_vec).map_err(|e| e.class()))
        .collect();
    assert_eq!(
        items,
        vec![
            Ok(vec![0xF0, 0x41, 0x10, 0xF7]),
            Err("junk-between-messages"),
            Err("interrupted-message"),
            Err("interrupted-message"),
            Ok(vec![0xF0, 0x7D, 0x05, 0xF7]),
            Err("junk-between-messages"),
            Err("missing-end"),
        ]
    );
}
