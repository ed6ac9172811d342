//! Arbitrary bytes → `SysEx::parse` and `SysEx::parse_body`. Invariants: no panic; whatever
//! is accepted re-encodes (from the view, and from its manufacturer id and payload) to
//! exactly the input bytes; an error's offset lies within or just past the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mox_codec::sysex::message::{encode, encoded_len, SysEx};

fn check(parsed: &SysEx<'_>, framed: &[u8]) {
    let mut out = vec![0u8; parsed.encoded_len()];
    assert_eq!(parsed.encode(&mut out), Ok(framed.len()));
    assert_eq!(out, framed);
    let (id, payload) = (parsed.manufacturer(), parsed.payload());
    assert!(id.is_valid());
    let mut again = vec![0u8; encoded_len(id, payload)];
    assert_eq!(encode(id, payload, &mut again), Ok(framed.len()));
    assert_eq!(again, framed);
    assert_eq!(parsed.universal().is_some(), id.is_universal());
}

fuzz_target!(|data: &[u8]| {
    match SysEx::parse(data) {
        Ok(parsed) => check(&parsed, data),
        Err(error) => assert!(error.offset() <= data.len(), "{error}"),
    }
    match SysEx::parse_body(data) {
        Ok(parsed) => {
            assert_eq!(parsed.body(), data);
            let framed = [&[0xF0][..], data, &[0xF7]].concat();
            check(&parsed, &framed);
        }
        Err(error) => assert!(error.offset() <= data.len(), "{error}"),
    }
});
