//! Arbitrary UMP words (big-endian bytes, fed in pieces) → `UmpDecoder` → bytes.
//! Invariants:
//! - no panic; every word is consumed; at most 4 bytes come out per word (a one-word
//!   packet gives at most 3, a two-word SysEx7 packet at most 8);
//! - the result does not depend on how the words are cut into pieces;
//! - per group, the decoded bytes re-encode (`UmpEncoder`) with no error other than
//!   `sysex-aborted` / `unterminated-sysex` (what the input left unterminated); when there
//!   is none, decoding the new packets gives back those bytes, except that Real-Time bytes
//!   may come earlier (the encoder sends them at once, ahead of SysEx bytes it holds): the
//!   Real-Time bytes and the other bytes each come back exactly, in order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mox_codec::sysex::ump::{self, UmpDecoder, UmpEncoder, UmpError};
use mox_codec::sysex::usb::ByteStreamError;

fn decode(words: &[u32], piece: usize) -> ([Vec<u8>; 16], Vec<UmpError>) {
    let mut decoder = UmpDecoder::new();
    let mut per_group: [Vec<u8>; 16] = Default::default();
    let mut errors = Vec::new();
    let mut out = [0u8; 13];
    for mut input in words.chunks(piece.max(1)) {
        let len = input.len();
        for _ in 0..=len * 3 + 1 {
            match decoder.decode(&mut input, &mut out) {
                Ok(run) if run.len == 0 && input.is_empty() => break,
                Ok(run) => per_group[usize::from(run.group)].extend_from_slice(&out[..run.len]),
                Err(error) => errors.push(error),
            }
        }
        assert!(input.is_empty(), "decoder stalled");
    }
    if let Err(error) = decoder.finish() {
        errors.push(error);
    }
    (per_group, errors)
}

fn split_realtime(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    bytes.iter().partition(|&&b| b >= 0xF8)
}

fn encode(group: u8, bytes: &[u8]) -> (Vec<u32>, Vec<ByteStreamError>) {
    let mut encoder = UmpEncoder::new(group).unwrap();
    let mut input = bytes;
    let (mut words, mut errors) = (Vec::new(), Vec::new());
    for _ in 0..=bytes.len() * 2 + 1 {
        match encoder.feed(&mut input) {
            None => break,
            Some(Ok(packet)) => words.extend_from_slice(packet.words()),
            Some(Err(error)) => errors.push(error),
        }
    }
    assert!(input.is_empty(), "encoder stalled");
    if let Err(error) = encoder.finish() {
        errors.push(error);
    }
    (words, errors)
}

fuzz_target!(|data: &[u8]| {
    let Some((&piece, rest)) = data.split_first() else {
        return;
    };
    let mut words = vec![0u32; rest.len() / 4];
    assert_eq!(ump::read_be_words(rest, &mut words), words.len());
    let (per_group, errors) = decode(&words, usize::from(piece % 8));
    assert_eq!(
        (per_group.clone(), errors),
        decode(&words, words.len()),
        "depends on the cutting"
    );
    let total: usize = per_group.iter().map(Vec::len).sum();
    assert!(total <= words.len() * 4, "more than 4 bytes per word");
    for (group, bytes) in per_group.iter().enumerate() {
        let (packets, errors) = encode(group as u8, bytes);
        assert!(
            errors.iter().all(|e| matches!(
                e,
                ByteStreamError::SysExAborted { .. } | ByteStreamError::UnterminatedSysEx
            )),
            "decoded bytes are not a clean stream: {errors:?}"
        );
        if errors.is_empty() {
            let (again, errors) = decode(&packets, 2);
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(
                split_realtime(&again[group]),
                split_realtime(bytes),
                "round trip"
            );
        }
    }
});
