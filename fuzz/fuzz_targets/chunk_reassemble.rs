//! An arbitrary sequence of (time jump, sender, chunk bytes, expire?) operations fed to a
//! small reassembler. Invariants: nothing panics; at most `TRANSFERS` transfers are in
//! flight; every completed payload is at most the configured limit and equals what a
//! reference assembles from the chunks the reassembler reported as accepted for that
//! transfer; a chunk is accepted only for a transfer the reference holds (or a first
//! chunk); no live transfer vanishes unreported (only stale ones may be reclaimed); after
//! an expiry sweep nothing stale is left. Time jumps go backwards too.
#![no_main]

use std::collections::HashMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mox_codec::sysex::chunk::{
    Accepted, ChunkErrorKind, ChunkHeader, Reassembler, ReassemblerConfig, TransferKey,
};

const TRANSFERS: usize = 3;
const BYTES: usize = 64;
const TIMEOUT_MS: u64 = 200;

#[derive(Arbitrary, Debug)]
struct Input {
    max_payload: u8,
    ops: Vec<Op>,
}

#[derive(Arbitrary, Debug)]
struct Op {
    /// Signed milliseconds: time may run backwards.
    time_jump: i16,
    sender: u8,
    expire: bool,
    chunk: Chunk,
}

#[derive(Arbitrary, Debug)]
enum Chunk {
    /// Raw bytes, for the parser.
    Raw(Vec<u8>),
    /// A well-formed header with small fields, so that transfers actually progress.
    Built {
        transfer_id: u8,
        total: u8,
        number: u8,
        payload: Vec<u8>,
        trailing: Vec<u8>,
    },
}

impl Chunk {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Self::Raw(bytes) => bytes.clone(),
            Self::Built {
                transfer_id,
                total,
                number,
                payload,
                trailing,
            } => {
                let payload: Vec<u8> = payload.iter().take(20).map(|b| b & 0x7F).collect();
                let header = ChunkHeader::new(
                    transfer_id % 4,
                    u16::from(total % 6),
                    u16::from(number % 6),
                    payload.len() as u16,
                );
                let Some(header) = header else {
                    return Vec::new();
                };
                let mut bytes = header.to_bytes().to_vec();
                bytes.extend_from_slice(&payload);
                bytes.extend_from_slice(trailing);
                bytes
            }
        }
    }
}

/// The bytes accepted so far per transfer, and when the last chunk was accepted (on the
/// reassembler's re-anchored clock: a backwards jump restarts every timer).
#[derive(Default)]
struct Reference {
    in_flight: HashMap<TransferKey, (Vec<u8>, u64)>,
}

impl Reference {
    fn stale(&self, key: &TransferKey, now: u64) -> bool {
        self.in_flight
            .get(key)
            .is_some_and(|(_, last)| now.saturating_sub(*last) > TIMEOUT_MS)
    }

    fn reanchor(&mut self, now: u64) {
        for (_, last) in self.in_flight.values_mut() {
            *last = (*last).min(now);
        }
    }
}

fuzz_target!(|input: Input| {
    let max_payload = usize::from(input.max_payload);
    let config = ReassemblerConfig::new()
        .max_payload(max_payload)
        .stale_timeout_ms(TIMEOUT_MS);
    let mut receiver: Reassembler<TRANSFERS, BYTES> = Reassembler::with_config(config);
    let limit = receiver.config().max_payload_limit();
    assert_eq!(limit, max_payload.min(BYTES));
    let mut reference = Reference::default();
    let mut now: u64 = 1 << 20;

    for op in input.ops.iter().take(500) {
        now = now.saturating_add_signed(i64::from(op.time_jump));
        reference.reanchor(now);
        let sender = u32::from(op.sender % 3);
        let bytes = op.chunk.bytes();
        let outcome = receiver.accept(now, sender, &bytes);
        let parsed = ChunkHeader::parse(&bytes).ok();
        match outcome {
            Ok(accepted) => {
                let (header, payload) = parsed.expect("accepted an unparsable chunk");
                let key = TransferKey {
                    sender,
                    transfer_id: header.transfer_id(),
                };
                assert_eq!(accepted.transfer_id(), header.transfer_id());
                match accepted {
                    Accepted::InProgress { received, .. } => {
                        assert_eq!(received, header.number());
                        if received == 1 {
                            assert!(
                                !reference.in_flight.contains_key(&key)
                                    || reference.stale(&key, now),
                                "a live transfer was replaced without a restart report"
                            );
                            reference.in_flight.insert(key, (payload.to_vec(), now));
                        } else {
                            assert!(!reference.stale(&key, now), "a stale transfer went on");
                            let (stored, last) = reference
                                .in_flight
                                .get_mut(&key)
                                .expect("chunk accepted for no transfer");
                            stored.extend_from_slice(payload);
                            *last = now;
                        }
                    }
                    Accepted::Restarted { .. } => {
                        assert_eq!(header.number(), 1);
                        assert!(reference.in_flight.contains_key(&key));
                        reference.in_flight.insert(key, (payload.to_vec(), now));
                    }
                    Accepted::Complete { payload: whole, .. } => {
                        assert!(header.is_final());
                        assert!(whole.len() <= limit, "payload above the limit");
                        if header.number() == 1 {
                            assert_eq!(whole, payload);
                        } else {
                            assert!(!reference.stale(&key, now), "a stale transfer completed");
                            let (mut expected, _) = reference
                                .in_flight
                                .remove(&key)
                                .expect("completed a transfer never started");
                            expected.extend_from_slice(payload);
                            assert_eq!(whole, &expected[..], "payload differs from the chunks");
                            if header.total() != 0 {
                                assert!(whole.len() <= usize::from(header.total()) * 20);
                            }
                        }
                    }
                    _ => unreachable!("unknown outcome"),
                }
            }
            Err(error) => {
                let _ = (error.class(), error.code(), error.to_string());
                if let Some((header, _)) = parsed {
                    let key = TransferKey {
                        sender,
                        transfer_id: header.transfer_id(),
                    };
                    if error.kind() == ChunkErrorKind::TimedOut {
                        assert!(reference.stale(&key, now));
                    }
                    if error.ended_transfer() {
                        assert!(reference.in_flight.remove(&key).is_some());
                    }
                } else {
                    assert!(!error.ended_transfer());
                }
            }
        }

        // Transfers gone without a report: only stale ones may be reclaimed.
        let gone: Vec<TransferKey> = reference
            .in_flight
            .keys()
            .filter(|key| !receiver.is_in_flight(**key))
            .copied()
            .collect();
        for key in gone {
            assert!(reference.stale(&key, now), "live transfer vanished");
            reference.in_flight.remove(&key);
        }
        assert_eq!(receiver.in_flight(), reference.in_flight.len());
        assert!(receiver.in_flight() <= TRANSFERS);

        if op.expire {
            while let Some(key) = receiver.poll_expired(now) {
                assert!(reference.stale(&key, now), "expired a live transfer");
                reference.in_flight.remove(&key);
            }
            assert!(receiver.next_deadline().is_none_or(|at| at > now));
        }
    }
});
