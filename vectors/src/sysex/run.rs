//! Running SysEx cases against `mox-codec`.
use mox_codec::sysex::chunk::{
    self, Accepted, Reassembler, ReassemblerConfig, Splitter, DEFAULT_MAX_PAYLOAD,
    DEFAULT_MAX_TRANSFERS, DEFAULT_STALE_TIMEOUT_MS,
};
use mox_codec::sysex::message::SysEx;
use mox_codec::sysex::stream::{Event, StreamParser};

use super::{
    ChunkReassembleCase, ChunkResult, ChunkSplitCase, ChunkStep, MidiStreamEvent, SysExMessageCase,
    SysExStreamCase, SysExValue,
};
use crate::model::{Case, Verdict};
use crate::run::{compare, describe, judge, Outcome};
use crate::scalar::{ErrorClass, Hex};

/// Transfers and bytes the runner's reassembler can hold; a case's limits must fit.
const RUNNER_TRANSFERS: usize = 8;
const RUNNER_BYTES: usize = 32 * 1024;

/// Runs one SysEx case.
pub(crate) fn run_case(case: &Case) -> Outcome {
    match case {
        Case::SysExMessage(c) => run_message(c),
        Case::SysExStream(c) => run_stream(c),
        Case::ChunkSplit(c) => run_split(c),
        Case::ChunkReassemble(c) => run_reassemble(c),
        other => Outcome::Fail {
            reason: format!("{}: no runner yet", other.kind()),
        },
    }
}

/// Judges a definite result against the case's expectation.
fn verdict<V: Clone + PartialEq + serde::Serialize>(
    expected: &crate::Expected<V>,
    actual: Verdict<V>,
) -> Outcome {
    judge(expected, &describe(&actual), |e| compare(&actual, e))
}

fn invalid<V>(class: &'static str) -> Verdict<V> {
    Verdict::Invalid {
        error: ErrorClass::reported(class),
        partial: None,
    }
}

fn run_message(case: &SysExMessageCase) -> Outcome {
    let actual = match SysEx::parse(case.hex.as_bytes()) {
        Ok(message) => Verdict::Valid {
            value: SysExValue {
                manufacturer: Hex(message.manufacturer().to_bytes()
                    [..message.manufacturer().len()]
                    .to_vec()),
                payload: Hex(message.payload().to_vec()),
            },
        },
        Err(e) => invalid(e.class()),
    };
    verdict(&case.expected, actual)
}

/// The corpus form of one parser event.
fn stream_event(event: &Event<'_>) -> MidiStreamEvent {
    match event {
        Event::SysEx(bytes) => MidiStreamEvent::Sysex(Hex(bytes.to_vec())),
        Event::Channel(m) | Event::SystemCommon(m) => {
            MidiStreamEvent::Message(Hex(m.as_bytes().to_vec()))
        }
        Event::RealTime(byte) => MidiStreamEvent::Realtime(Hex(vec![*byte])),
        other => MidiStreamEvent::Outcome(ErrorClass::reported(other.class())),
    }
}

fn run_stream(case: &SysExStreamCase) -> Outcome {
    let mut buf = vec![0u8; case.buffer_size as usize];
    let mut parser = StreamParser::new(buf.as_mut_slice());
    let mut events = Vec::new();
    for chunk in &case.chunks {
        let mut input = chunk.as_bytes();
        while let Some(event) = parser.feed(&mut input) {
            events.push(stream_event(&event));
        }
    }
    verdict(&case.expected, Verdict::Valid { value: events })
}

fn run_split(case: &ChunkSplitCase) -> Outcome {
    let split = || -> Result<Vec<Hex>, chunk::SplitError> {
        let splitter = Splitter::new(
            case.payload.as_bytes(),
            case.transfer_id,
            case.max_sysex as usize,
            case.overhead as usize,
        )?;
        let splitter = if case.streaming {
            splitter.streaming()
        } else {
            splitter
        };
        let mut chunks = Vec::new();
        for chunk in splitter {
            let mut out = vec![0u8; chunk.encoded_len()];
            let n = chunk.encode(&mut out)?;
            out.truncate(n);
            chunks.push(Hex(out));
        }
        Ok(chunks)
    };
    let actual = match split() {
        Ok(chunks) => Verdict::Valid { value: chunks },
        Err(e) => invalid(e.class()),
    };
    verdict(&case.expected, actual)
}

fn run_reassemble(case: &ChunkReassembleCase) -> Outcome {
    let limits = case.config.unwrap_or_default();
    let max_transfers = limits
        .max_transfers
        .map_or(DEFAULT_MAX_TRANSFERS, |n| n as usize);
    let max_payload = limits
        .max_payload
        .map_or(DEFAULT_MAX_PAYLOAD, |n| n as usize);
    if max_transfers > RUNNER_TRANSFERS || max_payload > RUNNER_BYTES {
        return Outcome::Fail {
            reason: format!(
                "limits above the runner's capacity ({RUNNER_TRANSFERS} transfers, \
                 {RUNNER_BYTES} bytes)"
            ),
        };
    }
    let config = ReassemblerConfig::new()
        .max_transfers(max_transfers)
        .max_payload(max_payload)
        .stale_timeout_ms(limits.stale_timeout_ms.unwrap_or(DEFAULT_STALE_TIMEOUT_MS));
    let mut reassembler: Box<Reassembler<RUNNER_TRANSFERS, RUNNER_BYTES>> =
        Box::new(Reassembler::with_config(config));
    let mut results = Vec::new();
    for step in &case.steps {
        let result = match step {
            ChunkStep::Chunk { at, sender, chunk } => {
                match reassembler.accept(*at, *sender, chunk.as_bytes()) {
                    Ok(Accepted::Complete { payload, .. }) => {
                        ChunkResult::Complete(Hex(payload.to_vec()))
                    }
                    Ok(accepted) => ChunkResult::Outcome(accepted.class().to_owned()),
                    Err(e) => ChunkResult::Error(ErrorClass::reported(e.class())),
                }
            }
            ChunkStep::Expire { expire } => {
                let mut ids = Vec::new();
                // Each call reports at most one transfer; there are at most RUNNER_TRANSFERS.
                for _ in 0..=RUNNER_TRANSFERS {
                    match reassembler.poll_expired(*expire) {
                        Some(key) => ids.push(key.transfer_id),
                        None => break,
                    }
                }
                ids.sort_unstable();
                ChunkResult::Expired(ids)
            }
        };
        results.push(result);
    }
    verdict(&case.expected, Verdict::Valid { value: results })
}
