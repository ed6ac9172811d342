//! Arbitrary USB-MIDI 1.0 packets → `UsbDecoder` → bytes. Invariants:
//! - no panic; every packet is consumed; at most 3 bytes come out per packet;
//! - per cable, the decoded bytes re-encode (`UsbEncoder`) to canonical packets `P1`: the
//!   decoder accepts `P1` with no error except `sysex-interrupted` (a SysEx the input left
//!   unterminated stays so) and `unterminated-sysex` at the end, and decoding `P1` then
//!   encoding again gives exactly `P1` (canonical packets are a fixed point).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mox_codec::sysex::usb::{UsbDecoder, UsbEncoder, UsbPacket, UsbPacketError};

/// Decodes all packets; returns bytes per cable and the errors.
fn decode(packets: &[UsbPacket]) -> ([Vec<u8>; 16], Vec<UsbPacketError>) {
    let mut decoder = UsbDecoder::new();
    let mut input = packets;
    let mut per_cable: [Vec<u8>; 16] = Default::default();
    let mut errors = Vec::new();
    let mut out = [0u8; 7];
    // Each call consumes a packet, writes bytes, or reports an error that it then skips
    // or (sysex-interrupted) clears, so 3 calls per packet always suffice.
    for _ in 0..=packets.len() * 3 + 1 {
        match decoder.decode(&mut input, &mut out) {
            Ok(run) if run.len == 0 && input.is_empty() => break,
            Ok(run) => per_cable[usize::from(run.cable)].extend_from_slice(&out[..run.len]),
            Err(error) => errors.push(error),
        }
    }
    assert!(input.is_empty(), "decoder stalled");
    if let Err(error) = decoder.finish() {
        errors.push(error);
    }
    (per_cable, errors)
}

fn encode(cable: u8, bytes: &[u8]) -> Vec<UsbPacket> {
    let mut encoder = UsbEncoder::new(cable).unwrap();
    let mut input = bytes;
    let mut packets = Vec::new();
    for _ in 0..=bytes.len() * 2 + 1 {
        match encoder.feed(&mut input) {
            None => break,
            Some(Ok(packet)) => packets.push(packet),
            Some(Err(_)) => {}
        }
    }
    assert!(input.is_empty(), "encoder stalled");
    let _ = encoder.finish();
    packets
}

fuzz_target!(|data: &[u8]| {
    let packets: Vec<UsbPacket> = data
        .chunks_exact(4)
        .map(|c| [c[0], c[1], c[2], c[3]])
        .collect();
    let (per_cable, _) = decode(&packets);
    let total: usize = per_cable.iter().map(Vec::len).sum();
    assert!(total <= packets.len() * 3, "more than 3 bytes per packet");
    for (cable, bytes) in per_cable.iter().enumerate() {
        let canonical = encode(cable as u8, bytes);
        let (again, errors) = decode(&canonical);
        assert!(
            errors.iter().all(|e| matches!(
                e,
                UsbPacketError::SysExInterrupted { .. } | UsbPacketError::UnterminatedSysEx { .. }
            )),
            "canonical packets rejected: {errors:?}"
        );
        assert_eq!(
            encode(cable as u8, &again[cable]),
            canonical,
            "canonical packets are not a fixed point"
        );
    }
});
